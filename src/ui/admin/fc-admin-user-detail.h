/* fc-admin-user-detail.h — one account in the Admin section: its details, actions and audit trail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-admin-service.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_USER_DETAIL (fc_admin_user_detail_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminUserDetail, fc_admin_user_detail, FC, ADMIN_USER_DETAIL, AdwBin)

/* Signals: "user-changed" (JsonObject *detail): an action changed the
 * account; the detail is the server's answer, for the list to show. */
GtkWidget *fc_admin_user_detail_new               (void);
void       fc_admin_user_detail_set_service       (FcAdminUserDetail *self,
                                                   FcAdminService    *service);
/* Where results are told; borrowed, it must outlive the detail. */
void       fc_admin_user_detail_set_toast_overlay (FcAdminUserDetail *self,
                                                   AdwToastOverlay   *overlay);
/* Loads and shows the account @id; 0 shows nothing. */
void       fc_admin_user_detail_show_user         (FcAdminUserDetail *self,
                                                   gint64             id);
gint64     fc_admin_user_detail_get_user_id       (FcAdminUserDetail *self);

G_END_DECLS
