/* fc-notification-item.c — one notification as the inbox shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-notification-item.h"

#include "fc-json.h"

struct _FcNotificationItem
{
  FcObjectItem parent_instance;
};

G_DEFINE_FINAL_TYPE (FcNotificationItem, fc_notification_item, FC_TYPE_OBJECT_ITEM)

static void
fc_notification_item_class_init (FcNotificationItemClass *klass)
{
}

static void
fc_notification_item_init (FcNotificationItem *self)
{
}

static const char *
string_of (FcNotificationItem *self,
           const char         *member)
{
  const char *value = fc_json_get_string (fc_object_item_get_object (FC_OBJECT_ITEM (self)),
                                          member);

  return value != NULL ? value : "";
}

const char *
fc_notification_item_get_title (FcNotificationItem *self)
{
  g_return_val_if_fail (FC_IS_NOTIFICATION_ITEM (self), "");

  return string_of (self, "title");
}

const char *
fc_notification_item_get_message (FcNotificationItem *self)
{
  g_return_val_if_fail (FC_IS_NOTIFICATION_ITEM (self), "");

  return string_of (self, "message");
}

const char *
fc_notification_item_get_kind (FcNotificationItem *self)
{
  g_return_val_if_fail (FC_IS_NOTIFICATION_ITEM (self), "");

  return string_of (self, "type");
}

gboolean
fc_notification_item_get_is_read (FcNotificationItem *self)
{
  g_return_val_if_fail (FC_IS_NOTIFICATION_ITEM (self), FALSE);

  return fc_object_item_get_flag (FC_OBJECT_ITEM (self), "is_read", FALSE);
}

GDateTime *
fc_notification_item_dup_created_at (FcNotificationItem *self)
{
  g_autoptr(GDateTime) utc = NULL;
  const char *created;

  g_return_val_if_fail (FC_IS_NOTIFICATION_ITEM (self), NULL);

  created = fc_json_get_string (fc_object_item_get_object (FC_OBJECT_ITEM (self)), "created_at");
  if (created == NULL)
    return NULL;
  utc = g_date_time_new_from_iso8601 (created, NULL);
  return utc != NULL ? g_date_time_to_local (utc) : NULL;
}
