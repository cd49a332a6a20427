/* test-sync-push.c — a write is pushed at once, and a sync pulls only what is due
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counts the requests the real fitcore-server logged (its stderr, one line
 * a request): from a local write to its POST there is only the POST; a
 * background sync pulls neither the sections nor the foods list again
 * within a day of the engine's (injected) clock, the user's own request
 * pulls them whatever the day, and no request that needs a token goes
 * without one. And the offline food search finds what the server's finds.
 */

#include "config.h"

#include "fc-meal-plan-actions.h"
#include "store-test-util.h"
#include "sync-test-util.h"

#define FOODS_GET "GET /api/v1/nutrition/foods/ "
#define ROOT_GET "GET /api/v1/ "
#define FOOD_POST "POST /api/v1/nutrition/foods/ "
#define CHANGES_GET "GET /api/v1/changes/"
#define GENERATE_POST "POST /api/v1/nutrition/generate/ "

static void
on_created_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  guint *left = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = fc_store_create_finish (FC_STORE (source), result, &error);

  g_assert_no_error (error);
  (*left)--;
}

/* One write: its POST is the first and only request until the server has
 * it; the pull comes after. Writes of the same moment go together, each
 * once, still with no pull before them. */
static void
test_push_first (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = sync_test_start_demo (&log, session);
  g_autoptr(FcOutboxItem) item = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) after = NULL;
  FcSyncEngine *engine;
  FcStore *store;
  guint left = 3;

  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  /* The sync that signing in starts, and anything after it. */
  sync_test_wait_quiet (engine, 2500, 120);
  g_ptr_array_unref (sync_test_log_take (log));

  item = sync_test_create_food (store, "Pushed at once", 321);
  lines = sync_test_log_take_until (log, FOOD_POST, 30);
  g_assert_nonnull (lines);
  sync_test_log_lines ("until the POST", lines);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_nonnull (strstr (lines->pdata[0], FOOD_POST "201 "));
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods "
                                                   "WHERE name = 'Pushed at once'", NULL), ==, 1);

  /* The pull follows the push. */
  after = sync_test_log_take_until (log, CHANGES_GET, 30);
  g_assert_nonnull (after);
  sync_test_wait_quiet (engine, 2500, 120);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = sync_test_log_take (log);
  sync_test_log_lines ("after the pull", after);
  g_assert_cmpuint (sync_test_lines_count (after, "POST "), ==, 0);

  /* Three writes at once: three POSTs and nothing else before them. */
  for (guint i = 0; i < 3; i++) {
    g_autofree char *name = g_strdup_printf ("Pushed together %u", i);
    g_autoptr(JsonObject) fields = sync_test_food_fields (name, 100 + i);

    fc_store_create_async (store, FC_STORE_FOODS, fields, NULL, on_created_cb, &left);
  }
  for (guint i = 0; i < 3; i++) {
    g_autoptr(GPtrArray) until = sync_test_log_take_until (log, FOOD_POST, 30);

    g_assert_nonnull (until);
    sync_test_log_lines ("writes at once", until);
    g_assert_cmpuint (until->len, ==, 1);
  }
  g_assert_cmpuint (left, ==, 0);
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods "
                                                   "WHERE name LIKE 'Pushed together %'", NULL),
                   ==, 3);
  sync_test_wait_quiet (engine, 2500, 120);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (engine), ==, 0);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_SYNCED);
}

static void
on_state_cb (FcSyncEngine *engine,
             GParamSpec   *pspec,
             guint        *runs)
{
  if (fc_sync_engine_get_state (engine) == FC_SYNC_STATE_SYNCING)
    (*runs)++;
}

/* A write reaches the server while the store still flushes it to the disk
 * (the flush held here): the engine neither waits for the write's answer
 * nor pushes twice for it (one push run, started before the write is
 * announced, then the pull after it). */
static void
test_push_while_flushing (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = sync_test_start_demo (&log, session);
  g_autoptr(FcOutboxItem) first = NULL;
  g_autoptr(GPtrArray) first_lines = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(JsonObject) fields = sync_test_food_fields ("Sent while flushing", 77);
  g_autofree char *wal = NULL;
  FcSyncEngine *engine;
  FcStore *store;
  guint left = 1;
  guint runs = 0;
  gulong state_id;

  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  sync_test_wait_quiet (engine, 2500, 120);
  /* Past the connection's first write (SQLite's own FULL commit). */
  first = sync_test_create_food (store, "Before the held flush", 1);
  first_lines = sync_test_log_take_until (log, FOOD_POST, 30);
  g_assert_nonnull (first_lines);
  sync_test_wait_quiet (engine, 2500, 120);
  g_ptr_array_unref (sync_test_log_take (log));

  wal = g_strconcat (fc_store_get_path (store), "-wal", NULL);
  state_id = g_signal_connect (engine, "notify::state", G_CALLBACK (on_state_cb), &runs);
  st_flushes_watch (TRUE);
  fc_store_create_async (store, FC_STORE_FOODS, fields, NULL, on_created_cb, &left);
  lines = sync_test_log_take_until (log, FOOD_POST, 30);
  g_assert_nonnull (lines);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_nonnull (strstr (lines->pdata[0], FOOD_POST "201 "));
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods "
                                                   "WHERE name = 'Sent while flushing'", NULL),
                   ==, 1);
  /* The server has it; here it is still being flushed, unanswered (the
   * flush thread may reach its gate only now on a loaded machine). */
  g_assert_cmpuint (st_flushes_wait_held (1, 30), ==, 1);
  g_assert_cmpuint (left, ==, 1);

  st_flushes_release ();
  while (left > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (st_flushes_count (wal), >=, 1);
  st_flushes_unwatch ();
  sync_test_wait_quiet (engine, 2500, 120);
  g_signal_handler_disconnect (engine, state_id);
  g_assert_cmpuint (runs, ==, 2);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (engine), ==, 0);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_SYNCED);
}

static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

/* What the server offers is learned once (per server and version: see
 * test_offers_once_per_version()), unless the user asks, whatever the
 * engine's clock says; with the change feed a background sync is only GET
 * changes/ (the foods list is never pulled again unless the user asks);
 * nothing that needs a token goes without one. */
static void
test_fresh_for_a_day (void)
{
  gint64 now = g_get_real_time ();
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = sync_test_start_demo (&log, session);
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  FcSyncEngine *engine;
  FcStore *store;

  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  sync_test_wait_quiet (engine, 1000, 120);
  lines = sync_test_log_take (log);
  sync_test_log_lines ("first sync", lines);
  /* The first sync learns everything. */
  g_assert_cmpuint (sync_test_lines_count (lines, ROOT_GET), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, FOODS_GET), ==, 1);  /* one page of 1000 */
  g_clear_pointer (&lines, g_ptr_array_unref);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods"), ==,
                   sync_test_server_count (server, "SELECT count(*) FROM foods WHERE is_public = 1",
                                           NULL));

  fc_sync_engine_set_clock (engine, fake_clock, &now);

  /* An hour later: what changed, but neither the sections nor the 200
   * foods again; and every request with the token. */
  now += (gint64) 3600 * G_USEC_PER_SEC;
  lines = sync_test_background_sync (engine, log, "an hour later");
  g_assert_cmpuint (sync_test_take_health (lines), <=, 1);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, CHANGES_GET), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, ROOT_GET), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (lines, FOODS_GET), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (lines, "user=-"), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (lines, " 401 "), ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);
  g_assert_cmpint (fc_sync_engine_get_last_synced (engine), ==, now / G_USEC_PER_SEC);

  /* A day after the first: what the server offers is kept per version,
   * not per day; the feed still carries the foods. */
  now += (gint64) 24 * 3600 * G_USEC_PER_SEC;
  lines = sync_test_background_sync (engine, log, "a day later");
  /* (and the health goals, daily) */
  g_assert_cmpuint (sync_test_take_health (lines), <=, 2);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, CHANGES_GET), ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* A minute after that: fresh again. */
  now += (gint64) 60 * G_USEC_PER_SEC;
  lines = sync_test_background_sync (engine, log, "a minute later");
  g_assert_cmpuint (sync_test_lines_count (lines, FOODS_GET), ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* The clock set back a year: nothing of the clock's decides. */
  now -= (gint64) 365 * 24 * 3600 * G_USEC_PER_SEC;
  lines = sync_test_background_sync (engine, log, "a year back");
  g_assert_cmpuint (sync_test_take_health (lines), <=, 1);
  g_assert_cmpuint (lines->len, ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* The user asks (Ctrl+R; "Sync now"): everything, whatever the day. */
  fc_sync_engine_request_full_sync (engine);
  while (fc_sync_engine_get_state (engine) != FC_SYNC_STATE_SYNCING)
    g_main_context_iteration (NULL, TRUE);
  sync_test_wait_quiet (engine, 500, 120);
  lines = sync_test_log_take (log);
  sync_test_log_lines ("asked for", lines);
  g_assert_cmpuint (sync_test_lines_count (lines, ROOT_GET), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, FOODS_GET), ==, 1);  /* one page of 1000 */
  g_clear_pointer (&lines, g_ptr_array_unref);

  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  lines = sync_test_log_take (log);
  g_assert_cmpuint (sync_test_lines_count (lines, FOODS_GET), ==, 1);  /* one page of 1000 */
}

static void
on_can_generate_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  int *can = user_data;

  *can = fc_meal_plan_actions_check_generate_finish (FC_SESSION (source), result);
}

/* What the Plans page asks at every start: whether the server generates
 * plans. */
static gboolean
can_generate (FcSession *session)
{
  int can = -1;

  fc_meal_plan_actions_check_generate_async (session, NULL, on_can_generate_cb, &can);
  while (can < 0)
    g_main_context_iteration (NULL, TRUE);
  return can;
}

/* A start, as the app makes one: the session restored from the Secret
 * Service and the store, its first sync, and the Plans page's question.
 * Returns the requests it made. */
static GPtrArray *
start_again (FcSession   *session,
             const char  *url,
             SyncTestLog *log,
             const char  *what)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  GPtrArray *lines;

  fc_session_restore_async (session, url, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_session_restore_finish (session, result, &error));
  g_assert_no_error (error);
  g_assert_true (can_generate (session));
  sync_test_wait_quiet (fc_session_get_sync_engine (session), 1000, 120);
  lines = sync_test_log_take (log);
  sync_test_log_lines (what, lines);
  return lines;
}

/* What a server offers (its sections, and whether it generates plans) is
 * asked once per server and version, kept in the store across starts: a
 * second start asks neither GET api/v1/ nor POST nutrition/generate/
 * (before, every start posted to generate/), and nothing goes without a
 * token. Offers kept from another version of the server are learned
 * again, once. */
static void
test_offers_once_per_version (void)
{
  g_autoptr(FcSession) first = fc_session_new ();
  g_autoptr(FcSession) second = NULL;
  g_autoptr(FcSession) third = NULL;
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = sync_test_start_demo (&log, first);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *offers = NULL;
  g_autofree char *older = NULL;
  g_autoptr(GRegex) version = g_regex_new ("\"version\":\"[^\"]*\"", 0, 0, NULL);

  sync_test_wait_quiet (fc_session_get_sync_engine (first), 1000, 120);
  g_assert_true (can_generate (first));
  lines = sync_test_log_take (log);
  sync_test_log_lines ("first start", lines);
  g_assert_cmpuint (sync_test_lines_count (lines, ROOT_GET), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, GENERATE_POST), ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);
  offers = sync_test_get_sync_value (fc_session_get_store (first), FC_SYNC_ENGINE_OFFERS_KEY);
  g_assert_nonnull (strstr (offers, "\"version\":\"fitcore-server/"));
  g_assert_nonnull (strstr (offers, "\"generate\":true"));
  g_clear_object (&first);

  second = fc_session_new ();
  lines = start_again (second, url, log, "second start");
  g_assert_cmpuint (sync_test_lines_count (lines, ROOT_GET), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (lines, GENERATE_POST), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (lines, "user=-"), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (lines, " 401 "), ==, 0);
  g_assert_cmpuint (sync_test_take_health (lines), <=, 2);
  g_assert_cmpuint (lines->len, ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* Kept from an older version: learned again at the next start, once. */
  older = g_regex_replace_literal (version, offers, -1, 0, "\"version\":\"fitcore-server/0.0.1\"",
                                   0, NULL);
  sync_test_set_sync_value (fc_session_get_store (second), FC_SYNC_ENGINE_OFFERS_KEY, older);
  g_clear_object (&second);
  third = fc_session_new ();
  lines = start_again (third, url, log, "after an upgrade");
  g_assert_cmpuint (sync_test_lines_count (lines, ROOT_GET), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, GENERATE_POST), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, CHANGES_GET), ==, 1);
  g_assert_cmpuint (sync_test_take_health (lines), <=, 2);
  g_assert_cmpuint (lines->len, ==, 3);
  /* The API root is the one request that needs no token. */
  g_assert_cmpuint (sync_test_lines_count (lines, "user=-"), ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = sync_test_background_sync (fc_session_get_sync_engine (third), log, "and then");
  g_assert_cmpuint (sync_test_take_health (lines), <=, 1);
  g_assert_cmpuint (lines->len, ==, 1);
}

/* The ids a search finds: the server's `foods/?search=` (every page) or
 * the store's offline search (no limit). */
static GHashTable *
server_search (FcApiClient *client,
               const char  *query)
{
  g_autofree char *escaped = g_uri_escape_string (query, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("nutrition/foods/?page_size=100&search=%s", escaped);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonArray) items = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GAsyncResult *slot = NULL;

  fc_api_client_fetch_all_async (client, path, FC_API_REQUEST_NONE, NULL, NULL, NULL, NULL,
                                 sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  items = fc_api_client_fetch_all_finish (client, result, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (items); i++) {
    gint64 id = json_object_get_int_member (json_array_get_object_element (items, i), "id");

    g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
  }
  return ids;
}

static GHashTable *
store_search (FcStore    *store,
              const char *query)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GAsyncResult *slot = NULL;

  fc_store_search_foods_async (store, query, NULL, 0, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  found = fc_store_search_foods_finish (store, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++) {
    gint64 id = fc_food_item_get_id (found->pdata[i]);

    g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
  }
  return ids;
}

/* Offline, the food search finds what the server's search finds: the
 * same foods of the demo data for words inside others (`berries`), in the
 * description, of one or two letters (and category codes), and several
 * words. */
static void
test_search_like_server (void)
{
  static const char * const queries[] = {
    "berries", "chick", "ice", "oat", "Bread", "CHEESE", "raw", "skin", "yog", "an", "pr",
    "fr", "e", "whole milk", "raw, with", "rice cooked", "zzz",
  };
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = sync_test_start_demo (&log, session);
  g_autoptr(GError) error = NULL;
  FcStore *store = fc_session_get_store (session);
  guint nonempty = 0;

  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++) {
    g_autoptr(GHashTable) theirs = server_search (fc_session_get_client (session), queries[i]);
    g_autoptr(GHashTable) ours = store_search (store, queries[i]);
    GHashTableIter iter;
    gpointer id;

    g_test_message ("“%s”: the server finds %u foods, the store %u", queries[i],
                    g_hash_table_size (theirs), g_hash_table_size (ours));
    g_hash_table_iter_init (&iter, theirs);
    while (g_hash_table_iter_next (&iter, &id, NULL)) {
      if (!g_hash_table_contains (ours, id))
        g_test_message ("only the server finds food %" G_GINT64_FORMAT, *(gint64 *) id);
    }
    g_hash_table_iter_init (&iter, ours);
    while (g_hash_table_iter_next (&iter, &id, NULL)) {
      if (!g_hash_table_contains (theirs, id))
        g_test_message ("only the store finds food %" G_GINT64_FORMAT, *(gint64 *) id);
    }
    g_assert_cmpuint (g_hash_table_size (ours), ==, g_hash_table_size (theirs));
    g_hash_table_iter_init (&iter, theirs);
    while (g_hash_table_iter_next (&iter, &id, NULL))
      g_assert_true (g_hash_table_contains (ours, id));
    nonempty += g_hash_table_size (theirs) > 0;
  }
  /* The queries do find something, mostly. */
  g_assert_cmpuint (nonempty, >=, G_N_ELEMENTS (queries) - 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/push/first", test_push_first);
  g_test_add_func ("/sync/push/while-flushing", test_push_while_flushing);
  g_test_add_func ("/sync/pull/fresh-for-a-day", test_fresh_for_a_day);
  g_test_add_func ("/sync/pull/offers-once-per-version", test_offers_once_per_version);
  g_test_add_func ("/sync/search/like-server", test_search_like_server);

  return g_test_run ();
}
