/* fc-notification-list-model.c — the notifications in the store, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-notification-list-model.h"

#include "fc-store-notifications.h"

struct _FcNotificationListModel
{
  FcStoreModel parent_instance;
};

G_DEFINE_FINAL_TYPE (FcNotificationListModel, fc_notification_list_model, FC_TYPE_STORE_MODEL)

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonArray) objects = NULL;
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;

  objects = fc_store_notifications_list_finish (FC_STORE (source), result, &error);
  if (objects == NULL) {
    g_task_return_error (task, error);
    return;
  }
  items = g_ptr_array_new_full (json_array_get_length (objects), g_object_unref);
  for (guint i = 0; i < json_array_get_length (objects); i++)
    g_ptr_array_add (items, g_object_new (FC_TYPE_NOTIFICATION_ITEM,
                                          "object", json_array_get_object_element (objects, i),
                                          NULL));
  g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
}

static void
query_async (FcStoreModel        *model,
             FcStore             *store,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  /* FcStoreModel finishes with the store as the source object. */
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, query_async);
  fc_store_notifications_list_async (store, FC_NOTIFICATION_LIST_LIMIT, cancellable, on_listed_cb,
                                     g_steal_pointer (&task));
}

static GPtrArray *
query_finish (FcStoreModel  *model,
              FcStore       *store,
              GAsyncResult  *result,
              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fc_notification_list_model_class_init (FcNotificationListModelClass *klass)
{
  FcStoreModelClass *model_class = FC_STORE_MODEL_CLASS (klass);

  model_class->resource = FC_STORE_NOTIFICATIONS;
  model_class->item_type = FC_TYPE_NOTIFICATION_ITEM;
  model_class->query_async = query_async;
  model_class->query_finish = query_finish;
  model_class->equal = fc_object_item_equal;
}

static void
fc_notification_list_model_init (FcNotificationListModel *self)
{
}

FcNotificationListModel *
fc_notification_list_model_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);

  return g_object_new (FC_TYPE_NOTIFICATION_LIST_MODEL, "store", store, NULL);
}
