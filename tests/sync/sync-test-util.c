/* sync-test-util.c — waiting on async calls, and looking into the stores
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sync-test-util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "fc-json.h"
#include "fc-sql.h"

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

/* @location: the app's store file, or the server's database (SQLite or
 * PostgreSQL); read only, so nothing is created or migrated. */
static FcSql *
open_read_only (const char *location)
{
  g_autoptr(GError) error = NULL;
  FcSql *db = fc_sql_open (location, FC_SQL_OPEN_READ_ONLY, &error);

  g_assert_no_error (error);
  fc_sql_set_busy_timeout (db, 5000);
  return db;
}

static const char *
server_location (FcTestServer *server,
                 char        **path)
{
  *path = g_build_filename (server->data_dir, "fitcore.db", NULL);
  return server->database_uri != NULL ? server->database_uri : *path;
}

static gint64
count_in (const char *location,
          const char *sql,
          const char *arg)
{
  g_autoptr(FcSql) db = open_read_only (location);
  g_autoptr(FcSqlStmt) stmt = NULL;

  stmt = fc_sql_prepare (db, sql);
  g_assert_nonnull (stmt);
  if (arg != NULL)
    fc_sql_bind_text (stmt, 1, arg);
  if (fc_sql_step (stmt) != FC_SQL_ROW)
    g_error ("%s: %s", sql, fc_sql_errmsg (db));
  return fc_sql_column_int64 (stmt, 0);
}

gint64
sync_test_store_count (FcStore    *store,
                       const char *sql)
{
  return count_in (fc_store_get_path (store), sql, NULL);
}

char *
sync_test_get_sync_value (FcStore    *store,
                          const char *key)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  char *value;

  fc_store_get_sync_value_async (store, key, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  value = fc_store_get_sync_value_finish (store, result, &error);
  g_assert_no_error (error);
  return value;
}

void
sync_test_set_sync_value (FcStore    *store,
                          const char *key,
                          const char *value)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fc_store_set_sync_value_async (store, key, value, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_store_set_sync_value_finish (store, result, &error));
  g_assert_no_error (error);
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
  g_autofree char *path = NULL;

  return count_in (server_location (server, &path), sql, arg);
}

GHashTable *
sync_test_server_tally (FcTestServer *server,
                        const char   *sql)
{
  g_autofree char *path = NULL;
  g_autoptr(FcSql) db = open_read_only (server_location (server, &path));
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);
  GHashTable *tally = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FcSqlResult step;

  g_assert_nonnull (stmt);
  while ((step = fc_sql_step (stmt)) == FC_SQL_ROW) {
    const char *text = fc_sql_column_text (stmt, 0);
    guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (tally, text));

    g_hash_table_replace (tally, g_strdup (text), GUINT_TO_POINTER (seen + 1));
  }
  if (step != FC_SQL_DONE)
    g_error ("%s: %s", sql, fc_sql_errmsg (db));
  return tally;
}

/* Request log */

FcTestServer *
sync_test_server_start_logged (const char          *data_dir,
                               const char          *config,
                               const char * const  *extra_args,
                               SyncTestLog        **out_log)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fitcore-log-XXXXXX", &error);
  SyncTestLog *log = g_new0 (SyncTestLog, 1);
  FcTestServer *server;

  g_assert_no_error (error);
  log->path = g_build_filename (dir, "requests.log", NULL);
  server = fc_test_server_start_logged (data_dir, config, extra_args, log->path);

  *out_log = log;
  return server;
}

void
sync_test_log_free (SyncTestLog *log)
{
  g_autofree char *dir = g_path_get_dirname (log->path);

  g_unlink (log->path);
  g_rmdir (dir);
  g_free (log->path);
  g_free (log);
}

/* "2026-12-05 06:00:00 GET /api/v1/ 200 0.4ms user=-" → "GET /api/v1/ 200
 * user=-"; NULL for any other line (mails, warnings). */
static char *
request_of_line (const char *line)
{
  g_auto(GStrv) fields = g_strsplit (line, " ", -1);

  if (g_strv_length (fields) != 7 || !g_str_has_suffix (fields[5], "ms") ||
      !g_str_has_prefix (fields[6], "user=") || fields[3][0] != '/')
    return NULL;
  return g_strdup_printf ("%s %s %s %s", fields[2], fields[3], fields[4], fields[6]);
}

/* Appends the complete lines after log->offset that are requests; stops
 * after the first containing @needle (if not NULL). Returns whether it
 * was found. */
static gboolean
read_lines (SyncTestLog *log,
            const char  *needle,
            GPtrArray   *lines)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  const char *p;

  if (!g_file_get_contents (log->path, &text, &length, NULL) || length <= log->offset)
    return FALSE;
  p = text + log->offset;
  for (;;) {
    const char *end = memchr (p, '\n', text + length - p);
    g_autofree char *line = NULL;
    g_autofree char *request = NULL;

    if (end == NULL)
      return FALSE;
    line = g_strndup (p, end - p);
    p = end + 1;
    log->offset = p - text;
    request = request_of_line (line);
    if (request == NULL)
      continue;
    g_ptr_array_add (lines, g_strdup (request));
    if (needle != NULL && strstr (request, needle) != NULL)
      return TRUE;
  }
}

GPtrArray *
sync_test_log_take (SyncTestLog *log)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  read_lines (log, NULL, lines);
  return lines;
}

GPtrArray *
sync_test_log_take_until (SyncTestLog *log,
                          const char  *needle,
                          guint        timeout_s)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (!read_lines (log, needle, lines)) {
    if (g_get_monotonic_time () > deadline) {
      for (guint i = 0; i < lines->len; i++)
        g_test_message ("logged before the timeout: %s", (char *) lines->pdata[i]);
      return NULL;
    }
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (200);
  }
  return g_steal_pointer (&lines);
}

guint
sync_test_lines_count (GPtrArray  *lines,
                       const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < lines->len; i++)
    n += strstr (lines->pdata[i], needle) != NULL;
  return n;
}

void
sync_test_wait_quiet (FcSyncEngine *engine,
                      guint         quiet_ms,
                      guint         timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  gint64 quiet_since = g_get_monotonic_time ();

  for (;;) {
    gint64 now = g_get_monotonic_time ();

    if (fc_sync_engine_get_state (engine) == FC_SYNC_STATE_SYNCING)
      quiet_since = now;
    else if (now - quiet_since >= (gint64) quiet_ms * 1000)
      return;
    g_assert_cmpint (now, <, deadline);
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  }
}

FcTestServer *
sync_test_start_demo (SyncTestLog **out_log,
                      FcSession    *session)
{
  const char *args[] = { "--demo", NULL };
  FcTestServer *server = sync_test_server_start_logged (NULL, SYNC_TEST_CONFIG, args, out_log);
  g_autofree char *url = sync_test_url (server);

  sync_test_sign_in (session, url, SYNC_TEST_DEMO_EMAIL, SYNC_TEST_DEMO_PASSWORD);
  return server;
}

void
sync_test_log_lines (const char *what,
                     GPtrArray  *lines)
{
  for (guint i = 0; i < lines->len; i++)
    g_test_message ("%s: %s", what, (char *) lines->pdata[i]);
}

guint
sync_test_take_health (GPtrArray *lines)
{
  guint taken = 0;

  for (guint i = lines->len; i > 0; i--) {
    if (strstr (lines->pdata[i - 1], " /api/v1/health/") != NULL) {
      g_ptr_array_remove_index (lines, i - 1);
      taken++;
    }
  }
  return taken;
}

GPtrArray *
sync_test_background_sync (FcSyncEngine *engine,
                           SyncTestLog  *log,
                           const char   *what)
{
  GPtrArray *lines;

  fc_sync_engine_request_sync (engine);
  /* It starts on the next idle; quiet for long enough means it ended. */
  while (fc_sync_engine_get_state (engine) != FC_SYNC_STATE_SYNCING)
    g_main_context_iteration (NULL, TRUE);
  sync_test_wait_quiet (engine, 500, 120);
  lines = sync_test_log_take (log);
  sync_test_log_lines (what, lines);
  return lines;
}
