/* fc-sync-health.c — one sync of health points (see fc-sync-health.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chain of callbacks on the caller's main context, like the engine's
 * runs: the store and the client are asynchronous already.
 */

#define G_LOG_DOMAIN "fc-sync"

#include "config.h"

#include "fc-sync-health.h"

#include <glib/gi18n-lib.h>

#include "fc-json.h"
#include "fc-store-health.h"

/* Items per pull page: the server's most. */
#define PULL_LIMIT 1000

typedef struct {
  FcApiClient       *client;
  FcStore           *store;
  FcSyncHealthFlags  flags;
  JsonObject        *batch;     /* being uploaded */
  JsonNode          *answer;    /* of the page or batch being stored */
  char              *cursor;    /* of the pull */
  guint              uploaded;
  gboolean           was_reset; /* the pull started again from 0 once */
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->client);
  g_clear_object (&op->store);
  g_clear_pointer (&op->batch, json_object_unref);
  g_clear_pointer (&op->answer, json_node_unref);
  g_free (op->cursor);
  g_free (op);
}

static void upload_next (GTask *task);
static void pull_next (GTask *task);
static void goals_next (GTask *task);

/* Goals */

static void
on_goals_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_store_health_set_goals_finish (FC_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_goals_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL,
                                                           NULL, &error);

  if (node == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server sent health goals that are not an object."));
    return;
  }
  fc_store_health_set_goals_async (op->store, json_node_get_object (node),
                                   cancellable, on_goals_stored_cb,
                                   g_steal_pointer (&task));
}

static void
goals_next (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!(op->flags & FC_SYNC_HEALTH_GOALS)) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  fc_api_client_request_async (op->client, "GET", "health/goals/", NULL, NULL,
                               FC_API_REQUEST_NONE, cancellable, on_goals_cb,
                               task);
}

/* Pull */

static void
on_page_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JsonObject *page = json_node_get_object (op->answer);
  gboolean has_more = FALSE, reset = FALSE;

  if (!fc_store_health_apply_pull_finish (FC_STORE (source), result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  fc_json_get_boolean (page, "has_more", &has_more);
  fc_json_get_boolean (page, "reset", &reset);
  g_free (op->cursor);
  op->cursor = g_strdup (reset ? "0" : fc_json_get_string (page, "cursor"));
  g_clear_pointer (&op->answer, json_node_unref);
  if (reset) {
    /* Once: a server that answers reset to since=0 is broken, and asking
     * again would never end. */
    if (op->was_reset) {
      g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                               _("The server keeps asking to start the health pull again."));
      return;
    }
    op->was_reset = TRUE;
    g_debug ("Health pull reset: from the start");
    pull_next (g_steal_pointer (&task));
    return;
  }
  if (has_more) {
    pull_next (g_steal_pointer (&task));
    return;
  }
  goals_next (g_steal_pointer (&task));
}

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL,
                                                           NULL, &error);

  if (node == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      fc_json_get_string (json_node_get_object (node), "cursor") == NULL) {
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server sent health data without a cursor."));
    return;
  }
  op->answer = json_node_ref (node);
  fc_store_health_apply_pull_async (op->store, node, cancellable,
                                    on_page_stored_cb, g_steal_pointer (&task));
}

static void
pull_next (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *escaped = g_uri_escape_string (op->cursor != NULL ? op->cursor : "0", NULL,
                                                  FALSE);
  g_autofree char *path = g_strdup_printf ("health/data/?since=%s&limit=%d", escaped, PULL_LIMIT);

  fc_api_client_request_async (op->client, "GET", path, NULL, NULL, FC_API_REQUEST_NONE,
                               cancellable, on_page_cb, task);
}

static void
on_pull_cursor_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_free (op->cursor);
  op->cursor = fc_store_get_sync_value_finish (FC_STORE (source), result, &error);
  if (error != NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  pull_next (g_steal_pointer (&task));
}

static void
pull_start (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!(op->flags & FC_SYNC_HEALTH_PULL)) {
    goals_next (task);
    return;
  }
  fc_store_get_sync_value_async (op->store, FC_STORE_HEALTH_CURSOR_KEY,
                                 cancellable, on_pull_cursor_cb, task);
}

/* Upload */

static void
on_batch_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fc_store_health_upload_done_finish (FC_STORE (source), result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_clear_pointer (&op->batch, json_object_unref);
  g_clear_pointer (&op->answer, json_node_unref);
  upload_next (g_steal_pointer (&task));
}

/* The server refused the whole batch (a 400 that is not about one
 * point): every point of it is refused with that reason, so that the
 * next batch is not the same one again. */
static JsonNode *
refuse_all (JsonObject   *batch,
            FcApiProblem *problem,
            const GError *error)
{
  JsonObject *answer = json_object_new ();
  JsonArray *refusals = json_array_new ();
  JsonArray *points = fc_json_get_array (batch, "points");
  JsonNode *raw = problem != NULL ? fc_api_problem_get_raw (problem) : NULL;
  JsonNode *node;

  for (guint i = 0; points != NULL && i < json_array_get_length (points); i++) {
    JsonObject *refusal = json_object_new ();

    json_object_set_int_member (refusal, "index", i);
    if (raw != NULL && JSON_NODE_HOLDS_OBJECT (raw)) {
      json_object_set_member (refusal, "errors", json_node_copy (raw));
    } else {
      JsonObject *errors = json_object_new ();
      JsonArray *messages = json_array_new ();

      json_array_add_string_element (messages, error->message);
      json_object_set_array_member (errors, "non_field_errors", messages);
      json_object_set_object_member (refusal, "errors", errors);
    }
    json_array_add_object_element (refusals, refusal);
  }
  json_object_set_array_member (answer, "ids", json_array_new ());
  json_object_set_array_member (answer, "refusals", refusals);
  json_object_set_null_member (answer, "cursor");
  node = json_node_init_object (json_node_alloc (), answer);
  json_object_unref (answer);
  return node;
}

static void
on_uploaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;
  JsonNode *node = fc_api_client_request_finish (FC_API_CLIENT (source), result, &status,
                                                 &problem, &error);

  if (node == NULL) {
    /* The batch's own fault: refused, and the rest goes on. A network
     * failure, a 5xx, a 401, 408 or 429 fails the sync: the batch goes
     * again next time, and a replay creates nothing twice. */
    if (status != 400 && status != 413) {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
    g_debug ("POST health/sync/ refused (%u): %s", status, error->message);
    node = refuse_all (op->batch, problem, error);
  } else if (!JSON_NODE_HOLDS_OBJECT (node)) {
    json_node_unref (node);
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server's answer to a health upload is not an object."));
    return;
  } else {
    op->uploaded++;
  }
  op->answer = node;
  fc_store_health_upload_done_async (op->store, op->batch, op->answer,
                                     cancellable, on_batch_stored_cb,
                                     g_steal_pointer (&task));
}

static void
on_upload_cursor_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = fc_store_get_sync_value_finish (FC_STORE (source), result, &error);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  if (error != NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  /* With our cursor, the answer says where we stand after the upload when
   * nothing else changed: no need to pull back what we sent. */
  if (cursor != NULL)
    json_object_set_string_member (body, "since", cursor);
  json_object_set_array_member (body, "points",
                                json_array_ref (fc_json_get_array (op->batch, "points")));
  node = json_node_init_object (json_node_alloc (), body);
  g_debug ("POST health/sync/: %u points",
           json_array_get_length (fc_json_get_array (op->batch, "points")));
  fc_api_client_request_async (op->client, "POST", "health/sync/", node, NULL,
                               FC_API_REQUEST_NONE, cancellable, on_uploaded_cb,
                               g_steal_pointer (&task));
}

static void
on_batch_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->batch = fc_store_health_upload_batch_finish (FC_STORE (source), result, &error);
  if (error != NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (op->batch == NULL) {
    pull_start (g_steal_pointer (&task));
    return;
  }
  fc_store_get_sync_value_async (op->store, FC_STORE_HEALTH_CURSOR_KEY,
                                 cancellable, on_upload_cursor_cb,
                                 g_steal_pointer (&task));
}

static void
upload_next (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!(op->flags & FC_SYNC_HEALTH_UPLOAD)) {
    pull_start (task);
    return;
  }
  fc_store_health_upload_batch_async (op->store, FC_SYNC_HEALTH_BATCH,
                                      cancellable, on_batch_cb, task);
}

void
fc_sync_health_async (FcApiClient          *client,
                      FcStore              *store,
                      FcSyncHealthFlags     flags,
                      GCancellable         *cancellable,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (FC_IS_API_CLIENT (client));
  g_return_if_fail (FC_IS_STORE (store));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_sync_health_async);
  op = g_new0 (Op, 1);
  op->client = g_object_ref (client);
  op->store = g_object_ref (store);
  op->flags = flags;
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  upload_next (task);
}

gboolean
fc_sync_health_finish (GAsyncResult  *result,
                       guint         *out_uploaded,
                       GError       **error)
{
  Op *op;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_sync_health_async, FALSE);

  op = g_task_get_task_data (G_TASK (result));
  if (out_uploaded != NULL)
    *out_uploaded = op->uploaded;
  return g_task_propagate_boolean (G_TASK (result), error);
}
