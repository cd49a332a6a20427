/* fc-admin-users-page.h — the Admin section's accounts: a searchable, sortable list and one account's detail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-admin-service.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_USERS_PAGE (fc_admin_users_page_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminUsersPage, fc_admin_users_page, FC, ADMIN_USERS_PAGE, AdwBin)

/* Property "available": FALSE once the server answered that it has no
 * admin routes (the Django backend). */
GtkWidget *fc_admin_users_page_new           (void);
/* The list is asked for when the page is first shown. */
void       fc_admin_users_page_set_service   (FcAdminUsersPage *self,
                                              FcAdminService   *service);
gboolean   fc_admin_users_page_get_available (FcAdminUsersPage *self);

G_END_DECLS
