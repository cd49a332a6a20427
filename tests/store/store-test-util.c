/* store-test-util.c — synchronous wrappers over FcStore for tests and
 * benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sqlite3.h>
#include <unistd.h>

#include "fc-json.h"
#include "fc-store-private.h"
#include "store-test-util.h"

void
st_result_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

GAsyncResult *
st_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

JsonObject *
st_object (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = fc_json_parse_object (json, -1, &error);

  g_assert_no_error (error);
  return object;
}

JsonArray *
st_array (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fc_json_parse (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

FcStore *
st_open (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcStore *store;

  fc_store_open_async (ST_SERVER, ST_ACCOUNT, NULL, st_result_cb, &result);
  store = fc_store_open_finish (st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (FC_IS_STORE (store));
  return store;
}

void
st_upsert (FcStore    *store,
           const char *resource,
           const char *json_array)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) page = st_array (json_array);

  fc_store_upsert_async (store, resource, page, NULL, st_result_cb, &result);
  fc_store_upsert_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
}

FcOutboxItem *
st_create (FcStore    *store,
           const char *resource,
           const char *json_object)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = st_object (json_object);
  FcOutboxItem *item;

  fc_store_create_async (store, resource, fields, NULL, st_result_cb, &result);
  item = fc_store_create_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return item;
}

FcOutboxItem *
st_update (FcStore    *store,
           const char *resource,
           gint64      id,
           const char *json_object)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = st_object (json_object);
  FcOutboxItem *item;

  fc_store_update_async (store, resource, id, changes, NULL, st_result_cb, &result);
  item = fc_store_update_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return item;
}

FcOutboxItem *
st_delete (FcStore    *store,
           const char *resource,
           gint64      id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcOutboxItem *item;

  fc_store_delete_async (store, resource, id, NULL, st_result_cb, &result);
  item = fc_store_delete_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return item;
}

FcOutboxItem *
st_save_profile (FcStore    *store,
                 const char *json_object)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = st_object (json_object);
  FcOutboxItem *item;

  fc_store_save_profile_async (store, changes, NULL, st_result_cb, &result);
  item = fc_store_save_profile_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return item;
}

FcOutboxItem *
st_peek (FcStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcOutboxItem *item;

  fc_store_outbox_peek_async (store, NULL, st_result_cb, &result);
  item = fc_store_outbox_peek_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return item;
}

gboolean
st_complete (FcStore     *store,
             gint64       row_id,
             const char  *json_response,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) response = NULL;

  if (json_response != NULL)
    response = fc_json_parse (json_response, -1, NULL);
  fc_store_outbox_complete_async (store, row_id, response, NULL, st_result_cb, &result);
  return fc_store_outbox_complete_finish (store, st_wait (&result), error);
}

void
st_reject (FcStore    *store,
           gint64      row_id,
           guint       status,
           const char *message,
           const char *json_errors)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) errors = json_errors != NULL ? fc_json_parse (json_errors, -1, NULL) : NULL;

  fc_store_outbox_reject_async (store, row_id, status, message, errors, NULL, st_result_cb,
                                &result);
  g_assert_true (fc_store_outbox_reject_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

void
st_discard (FcStore *store,
            gint64   row_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_store_outbox_discard_async (store, row_id, NULL, st_result_cb, &result);
  g_assert_true (fc_store_outbox_discard_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

void
st_retry (FcStore    *store,
          gint64      row_id,
          const char *json_body)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_body != NULL ? st_object (json_body) : NULL;

  fc_store_outbox_retry_async (store, row_id, body, NULL, st_result_cb, &result);
  g_assert_true (fc_store_outbox_retry_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

JsonObject *
st_get (FcStore     *store,
        const char  *resource,
        gint64       id,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fc_store_get_object_async (store, resource, id, NULL, st_result_cb, &result);
  return fc_store_get_object_finish (store, st_wait (&result), error);
}

GPtrArray *
st_search (FcStore     *store,
           const char  *query,
           const char  *category,
           guint        limit,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fc_store_search_foods_async (store, query, category, limit, NULL, st_result_cb, &result);
  return fc_store_search_foods_finish (store, st_wait (&result), error);
}

GPtrArray *
st_outbox (FcStore  *store,
           gboolean  attention_only)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  fc_store_outbox_list_async (store, attention_only, NULL, st_result_cb, &result);
  items = fc_store_outbox_list_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return items;
}

/* Drops the last reference: the store's thread is joined and the file
 * closed before this returns. */
void
st_close (FcStore *store)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  /* A list model's read runs on the model's own reader thread and holds the
   * model, and so the store, until its answer reaches this thread: let
   * those answers come in (a minute is ample even under the sanitizers). */
  while (g_atomic_int_get (&G_OBJECT (store)->ref_count) > 1 &&
         g_get_monotonic_time () < deadline) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  }
  g_assert_finalize_object (store);
}

static sqlite3_stmt *
query (const char  *path,
       const char  *sql,
       sqlite3    **out_db)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, out_db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (*out_db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return stmt;
}

/* A second connection, as another process would see the file. */
gint64
st_sql_int (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = query (path, sql, &db);
  gint64 value = sqlite3_column_int64 (stmt, 0);

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

char *
st_sql_text (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = query (path, sql, &db);
  char *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static struct {
  GMutex     lock;
  GCond      cond;
  gboolean   hold;
  gboolean   fail;
  guint      waiting;    /* flushes held at the gate now */
  GPtrArray *flushed;    /* paths, in order */
} flushes;

static int
watched_flush (int fd)
{
  g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autofree char *path = g_file_read_link (link, NULL);
  int rc;

  g_mutex_lock (&flushes.lock);
  flushes.waiting++;
  g_cond_broadcast (&flushes.cond);
  while (flushes.hold)
    g_cond_wait (&flushes.cond, &flushes.lock);
  flushes.waiting--;
  rc = fdatasync (fd);
  if (flushes.fail) {
    rc = -1;
    errno = EIO;
  }
  g_ptr_array_add (flushes.flushed, g_steal_pointer (&path));
  g_mutex_unlock (&flushes.lock);
  return rc;
}

void
st_flushes_watch (gboolean hold)
{
  g_mutex_lock (&flushes.lock);
  g_clear_pointer (&flushes.flushed, g_ptr_array_unref);
  flushes.flushed = g_ptr_array_new_with_free_func (g_free);
  flushes.hold = hold;
  flushes.fail = FALSE;
  g_mutex_unlock (&flushes.lock);
  fc_store_set_flush_func_for_testing (watched_flush);
}

void
st_flushes_release (void)
{
  g_mutex_lock (&flushes.lock);
  flushes.hold = FALSE;
  g_cond_broadcast (&flushes.cond);
  g_mutex_unlock (&flushes.lock);
}

void
st_flushes_fail (void)
{
  g_mutex_lock (&flushes.lock);
  flushes.fail = TRUE;
  g_mutex_unlock (&flushes.lock);
}

guint
st_flushes_wait_held (guint n,
                      guint seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint held;

  g_mutex_lock (&flushes.lock);
  while (flushes.waiting < n && g_cond_wait_until (&flushes.cond, &flushes.lock, end))
    ;
  held = flushes.waiting;
  g_mutex_unlock (&flushes.lock);
  return held;
}

guint
st_flushes_count (const char *path)
{
  guint n = 0;

  g_mutex_lock (&flushes.lock);
  for (guint i = 0; i < flushes.flushed->len; i++)
    n += path == NULL || g_strcmp0 (flushes.flushed->pdata[i], path) == 0;
  g_mutex_unlock (&flushes.lock);
  return n;
}

void
st_flushes_unwatch (void)
{
  st_flushes_release ();
  fc_store_set_flush_func_for_testing (NULL);
}
