/* fc-admin-user.h — one account as admin/users/ lists it, or a placeholder for one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The items of FcAdminUserModel. An item is made before its page has come
 * (a placeholder, "loaded" FALSE, every text empty) so the list can show
 * its row at once; it fills in, with a notify per property, when the page
 * arrives, and again when the account is changed.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_USER (fc_admin_user_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminUser, fc_admin_user, FC, ADMIN_USER, GObject)

/* Properties: "id" (0 until loaded), "email", "name" (first and last),
 * "joined" (the day, YYYY-MM-DD), "last-seen" (the day or ""), "is-staff",
 * "has-premium", "is-active", "loaded". */
FcAdminUser *fc_admin_user_new            (void);
/* Fills the item in from the list's or the detail's object. */
void         fc_admin_user_update         (FcAdminUser *self,
                                           JsonObject  *object);
gboolean     fc_admin_user_get_loaded     (FcAdminUser *self);
gint64       fc_admin_user_get_id         (FcAdminUser *self);
const char  *fc_admin_user_get_email      (FcAdminUser *self);
const char  *fc_admin_user_get_name       (FcAdminUser *self);
const char  *fc_admin_user_get_joined     (FcAdminUser *self);
gboolean     fc_admin_user_get_is_staff   (FcAdminUser *self);
gboolean     fc_admin_user_get_has_premium (FcAdminUser *self);
gboolean     fc_admin_user_get_is_active  (FcAdminUser *self);

G_END_DECLS
