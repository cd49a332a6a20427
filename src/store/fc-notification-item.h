/* fc-notification-item.h — one notification as the inbox shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-object-item.h"

G_BEGIN_DECLS

#define FC_TYPE_NOTIFICATION_ITEM (fc_notification_item_get_type ())

G_DECLARE_FINAL_TYPE (FcNotificationItem, fc_notification_item, FC, NOTIFICATION_ITEM,
                      FcObjectItem)

/* The object is the notification in the wire's shape (fc-store-notifications.h);
 * strings are "" when missing, never NULL. */
const char *fc_notification_item_get_title      (FcNotificationItem *self);
const char *fc_notification_item_get_message    (FcNotificationItem *self);
const char *fc_notification_item_get_kind       (FcNotificationItem *self);
gboolean    fc_notification_item_get_is_read    (FcNotificationItem *self);
/* created_at in local time, or NULL when the server sent none we can read. */
GDateTime  *fc_notification_item_dup_created_at (FcNotificationItem *self);

G_END_DECLS
