/* sync-test-util.c — waiting on async calls, and looking into the stores
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sync-test-util.h"

#include <sqlite3.h>

#include "fc-json.h"

void
sync_test_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

GAsyncResult *
sync_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sync_test_wait_until (gboolean *condition,
                      guint     timeout_s)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (timeout_s, on_timeout_cb, &timed_out);

  while (!*condition && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *condition;
}

void
sync_test_sleep (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, on_timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
sync_test_run (FcSyncEngine  *engine,
               GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_sync_engine_sync_async (engine, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  return fc_sync_engine_sync_finish (engine, result, error);
}

void
sync_test_sign_in (FcSession  *session,
                   const char *url,
                   const char *email,
                   const char *password)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_session_sign_in_async (session, url, email, password, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_session_sign_in_finish (session, result, NULL, &error));
  g_assert_no_error (error);
}

void
sync_test_register (FcSession  *session,
                    const char *url,
                    const char *email)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_session_register_async (session, url, email, SYNC_TEST_PASSWORD, SYNC_TEST_PASSWORD,
                             "Test", "User", NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_session_register_finish (session, result, NULL, &error));
  g_assert_no_error (error);
}

FcStore *
sync_test_open_store (const char *server_key,
                      const char *account)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcStore *store;

  fc_store_open_async (server_key, account, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  store = fc_store_open_finish (result, &error);
  g_assert_no_error (error);
  return store;
}

JsonObject *
sync_test_food_fields (const char *name,
                       double      calories)
{
  JsonObject *fields = json_object_new ();

  json_object_set_string_member (fields, "name", name);
  json_object_set_double_member (fields, "calories", calories);
  json_object_set_double_member (fields, "protein", 1.0);
  json_object_set_double_member (fields, "carbohydrates", 2.0);
  json_object_set_double_member (fields, "fat", 3.0);
  return fields;
}

FcOutboxItem *
sync_test_create_food (FcStore    *store,
                       const char *name,
                       double      calories)
{
  g_autoptr(JsonObject) fields = sync_test_food_fields (name, calories);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcOutboxItem *item;

  fc_store_create_async (store, FC_STORE_FOODS, fields, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  item = fc_store_create_finish (store, result, &error);
  g_assert_no_error (error);
  return item;
}

void
sync_test_counts (FcStore *store,
                  guint   *pending,
                  guint   *rejected)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_store_outbox_counts_async (store, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_store_outbox_counts_finish (store, result, pending, rejected, &error));
  g_assert_no_error (error);
}

GPtrArray *
sync_test_outbox (FcStore  *store,
                  gboolean  attention_only)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  fc_store_outbox_list_async (store, attention_only, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  items = fc_store_outbox_list_finish (store, result, &error);
  g_assert_no_error (error);
  return items;
}

static gint64
count_in_file (const char *path,
               const char *sql,
               const char *arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

gint64
sync_test_store_count (FcStore    *store,
                       const char *sql)
{
  return count_in_file (fc_store_get_path (store), sql, NULL);
}

char *
sync_test_url (FcTestServer *server)
{
  return g_strconcat (server->base_url, "/", NULL);
}

gint64
sync_test_server_count (FcTestServer *server,
                        const char   *sql,
                        const char   *arg)
{
  g_autofree char *path = g_build_filename (server->data_dir, "fitcore.db", NULL);

  return count_in_file (path, sql, arg);
}
