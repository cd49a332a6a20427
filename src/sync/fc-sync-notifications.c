/* fc-sync-notifications.c — one pull of the notifications inbox into the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-sync"

#include "config.h"

#include "fc-sync-notifications.h"

#include "fc-json.h"
#include "fc-store-notifications.h"

typedef struct {
  FcStore *store;
  GArray  *ids;          /* gint64: every id the pages listed */
  GError  *store_error;
} Pull;

static void
pull_free (Pull *pull)
{
  g_clear_object (&pull->store);
  g_clear_pointer (&pull->ids, g_array_unref);
  g_clear_error (&pull->store_error);
  g_free (pull);
}

static void
on_missing_removed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pull *pull = g_task_get_task_data (task);
  GError *error = NULL;

  /* The pages' jobs ran before this one, their callbacks too. */
  if (!fc_store_notifications_remove_missing_finish (FC_STORE (source), result, &error))
    g_task_return_error (task, error);
  else if (pull->store_error != NULL)
    g_task_return_error (task, g_steal_pointer (&pull->store_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_page_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pull *pull = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fc_store_notifications_apply_page_finish (FC_STORE (source), result, &error) &&
      pull->store_error == NULL)
    pull->store_error = g_steal_pointer (&error);
}

static void
on_page_cb (FcApiClient *client,
            JsonArray   *page,
            guint        fetched,
            guint        count,
            gpointer     user_data)
{
  GTask *task = user_data;
  Pull *pull = g_task_get_task_data (task);

  for (guint i = 0; i < json_array_get_length (page); i++) {
    JsonNode *node = json_array_get_element (page, i);
    gint64 id;

    if (JSON_NODE_HOLDS_OBJECT (node) && fc_json_get_int (json_node_get_object (node), "id", &id))
      g_array_append_val (pull->ids, id);
  }
  /* Store jobs run in call order: the removal queued after the last page
   * sees every page stored. */
  fc_store_notifications_apply_page_async (pull->store, page, NULL, on_page_stored_cb,
                                           g_object_ref (task));
}

static void
on_fetched_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pull *pull = g_task_get_task_data (task);
  g_autoptr(JsonArray) items = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  items = fc_api_client_fetch_all_finish (FC_API_CLIENT (source), result, NULL, &error);
  if (items == NULL) {
    g_task_return_error (task, error);
    return;
  }
  /* Only a complete pull may drop what the server no longer lists. */
  cancellable = g_task_get_cancellable (task);
  fc_store_notifications_remove_missing_async (pull->store, pull->ids, cancellable,
                                               on_missing_removed_cb, g_steal_pointer (&task));
}

void
fc_sync_notifications_pull_async (FcApiClient         *client,
                                  FcStore             *store,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Pull *pull;

  g_return_if_fail (FC_IS_API_CLIENT (client));
  g_return_if_fail (FC_IS_STORE (store));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_sync_notifications_pull_async);
  pull = g_new0 (Pull, 1);
  pull->store = g_object_ref (store);
  pull->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_task_set_task_data (task, pull, (GDestroyNotify) pull_free);

  /* The page callback holds a plain pointer: the fetch ends before the
   * task can. */
  fc_api_client_fetch_all_async (client, "notifications/?page_size=100", FC_API_REQUEST_NONE,
                                 on_page_cb, task, NULL, cancellable, on_fetched_cb,
                                 g_object_ref (task));
}

gboolean
fc_sync_notifications_pull_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, fc_sync_notifications_pull_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
