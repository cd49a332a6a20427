/* fc-notification-list-model.h — the notifications in the store, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of FcNotificationItem, newest first, re-read on
 * FcStore::changed::notifications (only the rows that differ emit
 * items-changed). The inbox, not an archive: the newest
 * FC_NOTIFICATION_LIST_LIMIT, read whole (FcStoreModel's query_async path).
 */

#pragma once

#include "fc-notification-item.h"
#include "fc-store-model.h"

G_BEGIN_DECLS

#define FC_NOTIFICATION_LIST_LIMIT 500

#define FC_TYPE_NOTIFICATION_LIST_MODEL (fc_notification_list_model_get_type ())

G_DECLARE_FINAL_TYPE (FcNotificationListModel, fc_notification_list_model, FC,
                      NOTIFICATION_LIST_MODEL, FcStoreModel)

FcNotificationListModel *fc_notification_list_model_new (FcStore *store);

G_END_DECLS
