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
/* Folded, with an account's detail shown: back to the list, TRUE. FALSE
 * when the list is already what is shown. */
gboolean   fc_admin_users_page_go_back       (FcAdminUsersPage *self);
/* Whether a back button above the page (the section's header bar, shown
 * when the window is folded) already leads back through go_back(): then
 * the page shows no back button of its own. */
void       fc_admin_users_page_set_header_back (FcAdminUsersPage *self,
                                                gboolean          header_back);

G_END_DECLS
