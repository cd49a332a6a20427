/* test-sync-engine.c — FcSession and FcSyncEngine against the real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every case runs the real server and the real Secret Service (tests/run
 * starts an unlocked gnome-keyring), signs in through FcSession and checks
 * what reached the store and the server's own database.
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sqlite3.h>

#include "fc-json.h"
#include "sync-test-util.h"

#define DEMO_EMAIL "demo@fitcore.local"
#define DEMO_PASSWORD "fitcore-demo"

typedef struct {
  guint  left;
  guint  failed;
} Batch;

static void
on_write_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == fc_store_save_profile_async)
    item = fc_store_save_profile_finish (FC_STORE (source), result, &error);
  else
    item = fc_store_create_finish (FC_STORE (source), result, &error);
  if (item == NULL)
    batch->failed++;
  batch->left--;
}

static void
on_progress_cb (FcSyncEngine *engine,
                GParamSpec   *pspec,
                gpointer      user_data)
{
  GArray *values = user_data;
  double progress = fc_sync_engine_get_progress (engine);

  g_array_append_val (values, progress);
}

static void
on_rejected_cb (FcSyncEngine *engine,
                FcOutboxItem *item,
                gpointer      user_data)
{
  guint *count = user_data;

  g_assert_true (FC_IS_OUTBOX_ITEM (item));
  (*count)++;
}

/* Sign in with the demo account, pull: the account, the profile and the
 * demo foods are in the store, and the engine says so. */
static void
test_pull_demo (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, args);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) profile = NULL;
  g_autofree char *described = NULL;
  g_autoptr(GArray) progress = g_array_new (FALSE, FALSE, sizeof (double));
  GAsyncResult *slot = NULL;
  FcSyncEngine *engine;
  FcStore *store;
  double weight = 0;
  gint64 age = 0;
  guint foods_steps = 0;

  sync_test_sign_in (session, url, DEMO_EMAIL, DEMO_PASSWORD);
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_IN);
  g_assert_cmpstr (fc_session_get_account (session), ==, DEMO_EMAIL);
  g_assert_cmpstr (fc_session_get_first_name (session), ==, "Demo");
  g_assert_false (fc_session_get_is_staff (session));
  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  g_signal_connect (engine, "notify::progress", G_CALLBACK (on_progress_cb), progress);
  /* The demo's 200 foods in pages of 100: the bar moves page by page. */
  fc_sync_engine_set_page_size (engine, 100);

  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_SYNCED);
  g_assert_cmpfloat (fc_sync_engine_get_progress (engine), ==, 1.0);

  /* The bar moves page by page, from 0 to 1, never back within a run. */
  g_assert_cmpuint (progress->len, >, 2);
  for (guint i = 1; i < progress->len; i++) {
    double before = g_array_index (progress, double, i - 1);
    double now = g_array_index (progress, double, i);

    if (now == 0.0)
      continue;  /* a new run starts */
    g_assert_cmpfloat (now, >, before);
    if (now > 0.10 && now <= 0.75)
      foods_steps++;
  }
  g_assert_cmpuint (foods_steps, >=, 2);  /* two pages of 100 at least */
  g_assert_cmpint (fc_sync_engine_get_last_synced (engine), >, 0);
  described = fc_sync_engine_describe_state (engine);
  g_assert_cmpstr (described, ==, "Synced");

  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods"), >=, 190);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods"), ==,
                   sync_test_server_count (server, "SELECT count(*) FROM foods WHERE is_public = 1",
                                           NULL));
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM account "
                                                 "WHERE email = 'demo@fitcore.local'"), ==, 1);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meals"), ==,
                   sync_test_server_count (server, "SELECT count(*) FROM meals m JOIN users u "
                                                   "ON u.id = m.user_id WHERE u.email = ?1",
                                           DEMO_EMAIL));

  fc_store_get_object_async (store, FC_STORE_PROFILE, 0, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  profile = fc_store_get_object_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_true (fc_json_get_int (profile, "age", &age));
  g_assert_cmpint (age, ==, 31);
  g_assert_true (fc_json_get_double (profile, "weight", &weight));
  g_assert_cmpfloat (weight, ==, 72.5);

  g_assert_true (fc_session_has_section (session, "nutrition"));
  g_assert_true (fc_session_has_section (session, "auth"));
}

/* A pull whose store cannot write (its file locked by another
 * connection after the first page) */
typedef struct {
  const char *path;
  sqlite3    *lock;
  guint       pages;   /* foods pages fetched */
  double      last;
} Stall;

static void
on_stall_progress_cb (FcSyncEngine *engine,
                      GParamSpec   *pspec,
                      gpointer      user_data)
{
  Stall *stall = user_data;
  double progress = fc_sync_engine_get_progress (engine);

  /* The foods step's share of the bar: one move a page. */
  if (progress > 0.10 && progress <= 0.75 && progress != stall->last) {
    stall->pages++;
    if (stall->pages == 1) {
      g_assert_cmpint (sqlite3_open (stall->path, &stall->lock), ==, SQLITE_OK);
      sqlite3_busy_timeout (stall->lock, 10000);
      g_assert_cmpint (sqlite3_exec (stall->lock, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==,
                       SQLITE_OK);
    }
  }
  stall->last = progress;
}

static gboolean
on_window_end_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The engine asks for the next page as soon as one arrives, but no faster
 * than the store saves them: with the store stuck, it stops after two
 * pages waiting (and one more it had asked for), instead of holding the
 * whole list in memory; once the store goes on, the pull completes. */
static void
test_pull_waits_for_store (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, args);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  gboolean window_over = FALSE;
  Stall stall = { 0 };
  guint ceiling;
  FcSyncEngine *engine;
  FcStore *store;
  gint64 server_foods;

  sync_test_sign_in (session, url, DEMO_EMAIL, DEMO_PASSWORD);
  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  stall.path = fc_store_get_path (store);
  server_foods = sync_test_server_count (server, "SELECT count(*) FROM foods WHERE is_public = 1",
                                         NULL);
  g_assert_cmpint (server_foods, >=, 190);
  /* Twenty pages or so: far more than may wait. */
  fc_sync_engine_set_page_size (engine, 10);
  g_signal_connect (engine, "notify::progress", G_CALLBACK (on_stall_progress_cb), &stall);

  fc_sync_engine_sync_async (engine, NULL, sync_test_done_cb, &slot);
  while (stall.pages < 2)
    g_main_context_iteration (NULL, TRUE);
  /* What would come next comes within a moment from a server on this
   * machine: every page, without the bound. */
  g_timeout_add (500, on_window_end_cb, &window_over);
  while (!window_over)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (slot);
  g_assert_cmpuint (stall.pages, <=, 3);

  g_assert_cmpint (sqlite3_exec (stall.lock, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_pointer (&stall.lock, sqlite3_close);
  result = sync_test_wait (&slot);
  g_assert_true (fc_sync_engine_sync_finish (engine, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stall.pages, ==, (server_foods + 9) / 10);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods"), ==, server_foods);

  /* Stopped while it waits for the store, the pull ends at once, though
   * no request of it is in flight to notice and the store is still
   * stuck. (Without that, it ended only when the store gave up on its
   * lock, 5 s later: the ceiling here is below that.) */
  stall.pages = 0;
  stall.last = 0;
  g_clear_object (&result);
  fc_sync_engine_sync_async (engine, NULL, sync_test_done_cb, &slot);
  while (stall.pages < 2)
    g_main_context_iteration (NULL, TRUE);
  fc_sync_engine_stop (engine);
  window_over = FALSE;
  ceiling = g_timeout_add (3000, on_window_end_cb, &window_over);
  while (slot == NULL && !window_over)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (slot);
  g_source_remove (ceiling);
  g_assert_nonnull (stall.lock);
  result = g_steal_pointer (&slot);
  g_assert_false (fc_sync_engine_sync_finish (engine, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sqlite3_exec (stall.lock, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_pointer (&stall.lock, sqlite3_close);
  g_signal_handlers_disconnect_by_data (engine, &stall);
}

/* 200 writes with the server stopped wait in the outbox; when it is back
 * (same data dir, same port) each arrives exactly once. */
static void
test_offline_writes (void)
{
  g_autoptr(FcTestServer) first = fc_test_server_start (SYNC_TEST_CONFIG, NULL);
  g_autoptr(FcTestServer) second = NULL;
  g_autofree char *url = sync_test_url (first);
  g_autofree char *port = g_strdup (strrchr (first->base_url, ':') + 1);
  const char *args[] = { "--port", port, NULL };
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *described = NULL;
  FcSyncEngine *engine;
  FcStore *store;
  Batch batch = { 0 };

  sync_test_register (session, url, "offline@example.com");
  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);

  fc_test_server_stop (first);
  batch.left = 200;
  for (guint i = 0; i < 100; i++) {
    g_autofree char *name = g_strdup_printf ("Offline food %03u", i);
    g_autoptr(JsonObject) fields = sync_test_food_fields (name, 100 + i);
    g_autoptr(JsonObject) changes = json_object_new ();

    fc_store_create_async (store, FC_STORE_FOODS, fields, NULL, on_write_done_cb, &batch);
    json_object_set_double_member (changes, "weight", 60.0 + i / 10.0);
    fc_store_save_profile_async (store, changes, NULL, on_write_done_cb, &batch);
  }
  while (batch.left > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (batch.failed, ==, 0);

  g_assert_false (sync_test_run (engine, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_OFFLINE);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (engine), ==, 200);
  described = fc_sync_engine_describe_state (engine);
  g_assert_cmpstr (described, ==, "Offline — 200 changes waiting");
  g_assert_nonnull (fc_sync_engine_get_last_error (engine));

  second = fc_test_server_start_in (first->data_dir, SYNC_TEST_CONFIG, args);
  g_assert_cmpstr (second->base_url, ==, first->base_url);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (engine), ==, 0);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_SYNCED);

  /* Exactly once: 100 distinct foods, no name twice, every key seen once,
   * and the profile holds the last write. */
  g_assert_cmpint (sync_test_server_count (second, "SELECT count(*) FROM foods "
                                                   "WHERE name LIKE 'Offline food %'", NULL),
                   ==, 100);
  g_assert_cmpint (sync_test_server_count (second, "SELECT count(DISTINCT name) FROM foods "
                                                   "WHERE name LIKE 'Offline food %'", NULL),
                   ==, 100);
  g_assert_cmpint (sync_test_server_count (second, "SELECT count(*) FROM idempotency_keys k "
                                                   "JOIN users u ON u.id = k.user_id "
                                                   "WHERE u.email = ?1", "offline@example.com"),
                   ==, 200);
  g_assert_cmpint (sync_test_server_count (second, "SELECT round(p.weight * 10) FROM profiles p "
                                                   "JOIN users u ON u.id = p.user_id "
                                                   "WHERE u.email = ?1", "offline@example.com"),
                   ==, 699);
  /* Local ids became server ids. */
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods WHERE id < 0"), ==, 0);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods "
                                                 "WHERE name LIKE 'Offline food %'"), ==, 100);
}

static FcOutboxItem *
only_attention_row (FcStore *store)
{
  g_autoptr(GPtrArray) rows = sync_test_outbox (store, TRUE);

  g_assert_cmpuint (rows->len, ==, 1);
  return g_object_ref (g_ptr_array_index (rows, 0));
}

/* A food the server refuses waits for the user with the server's words;
 * the writes after it still go; fixing it sends it, discarding drops it. */
static void
test_rejected (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, NULL);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) bad = NULL;
  g_autoptr(FcOutboxItem) row = NULL;
  g_autoptr(JsonObject) fixed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *described = NULL;
  GAsyncResult *slot = NULL;
  FcSyncEngine *engine;
  FcStore *store;
  guint rejected = 0;

  sync_test_register (session, url, "rejected@example.com");
  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  g_signal_connect (engine, "rejected", G_CALLBACK (on_rejected_cb), &rejected);

  g_clear_object (&row);
  row = sync_test_create_food (store, "Good before", 10);
  bad = sync_test_create_food (store, "Bad food", -5);
  g_clear_object (&row);
  row = sync_test_create_food (store, "Good after", 20);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (rejected, ==, 1);
  g_assert_cmpuint (fc_sync_engine_get_rejected_count (engine), ==, 1);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (engine), ==, 0);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_NEEDS_ATTENTION);
  described = fc_sync_engine_describe_state (engine);
  g_assert_cmpstr (described, ==, "1 change needs attention");
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods WHERE name = ?1",
                                           "Good before"), ==, 1);
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods WHERE name = ?1",
                                           "Good after"), ==, 1);
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods WHERE name = ?1",
                                           "Bad food"), ==, 0);

  g_clear_object (&row);
  row = only_attention_row (store);
  g_assert_cmpint (fc_outbox_item_get_id (row), ==, fc_outbox_item_get_id (bad));
  g_assert_cmpuint (fc_outbox_item_get_http_status (row), ==, 400);
  g_assert_nonnull (strstr (fc_outbox_item_get_error_message (row), "greater than or equal to 0"));
  g_assert_nonnull (strstr (fc_outbox_item_get_field_errors (row), "calories"));

  /* Fixed: it goes, once. */
  fixed = sync_test_food_fields ("Bad food", 5);
  fc_store_outbox_retry_async (store, fc_outbox_item_get_id (row), fixed, NULL, sync_test_done_cb,
                               &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_store_outbox_retry_finish (store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_sync_engine_get_rejected_count (engine), ==, 0);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_SYNCED);
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods WHERE name = ?1 "
                                                   "AND calories = 5", "Bad food"), ==, 1);

  /* Discarded: gone from the outbox and the store, never on the server. */
  g_clear_object (&bad);
  bad = sync_test_create_food (store, "Worse food", -1);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rejected, ==, 2);
  g_clear_object (&row);
  row = only_attention_row (store);
  fc_store_outbox_discard_async (store, fc_outbox_item_get_id (row), NULL, sync_test_done_cb,
                                 &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_store_outbox_discard_finish (store, result, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_SYNCED);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods "
                                                 "WHERE name = 'Worse food'"), ==, 0);
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods WHERE name = ?1",
                                           "Worse food"), ==, 0);
}

static void
on_signed_out_cb (FcSession  *session,
                  const char *reason,
                  gboolean    by_user,
                  gpointer    user_data)
{
  gboolean *revoked = user_data;

  g_assert_false (by_user);
  g_assert_nonnull (reason);
  *revoked = TRUE;
}

/* The refresh token is revoked elsewhere: the session signs out, keeps the
 * store and its outbox, and signing in again sends the queued writes. */
static void
test_revoked (void)
{
  g_autoptr(FcTestServer) server =
    fc_test_server_start (SYNC_TEST_CONFIG "access_token_lifetime=1\n", NULL);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcTestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) reopened = NULL;
  g_autofree char *body = NULL;
  g_autofree char *store_path = NULL;
  FcSyncEngine *engine;
  FcStore *store;
  gboolean revoked = FALSE;
  guint pending = 0, rejected = 0;

  sync_test_register (session, url, "revoked@example.com");
  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  store_path = g_strdup (fc_store_get_path (store));
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_signal_connect (session, "signed-out", G_CALLBACK (on_signed_out_cb), &revoked);

  /* Signed out "on another device": the refresh token is blacklisted. */
  body = g_strdup_printf ("{\"refresh\": \"%s\"}",
                          fc_api_client_get_refresh_token (fc_session_get_client (session)));
  response = fc_test_request (server, "POST", "/api/v1/auth/oauth/logout/", NULL, body);
  g_assert_cmpuint (response->status, ==, 200);

  /* Stopped, the engine does not push each write as it commits (it would,
   * with the access token still valid for a moment): they wait, and the
   * run below is the first to try them. */
  fc_sync_engine_stop (engine);
  for (guint i = 0; i < 3; i++) {
    g_autofree char *name = g_strdup_printf ("Kept food %u", i);
    g_autoptr(FcOutboxItem) item = sync_test_create_food (store, name, 10 + i);
  }
  sync_test_sleep (2100);  /* the access token expires */

  g_assert_false (sync_test_run (engine, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_true (revoked);
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
  g_assert_null (fc_session_get_store (session));

  /* The file and its outbox are still there. */
  g_assert_true (g_file_test (store_path, G_FILE_TEST_EXISTS));
  reopened = sync_test_open_store (url, "revoked@example.com");
  g_assert_cmpstr (fc_store_get_path (reopened), ==, store_path);
  sync_test_counts (reopened, &pending, &rejected);
  g_assert_cmpuint (pending, ==, 3);
  g_assert_cmpuint (rejected, ==, 0);
  g_clear_object (&reopened);

  sync_test_sign_in (session, url, "revoked@example.com", SYNC_TEST_PASSWORD);
  g_assert_cmpstr (fc_store_get_path (fc_session_get_store (session)), ==, store_path);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (fc_session_get_sync_engine (session)), ==, 0);
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM foods "
                                                   "WHERE name LIKE 'Kept food %'", NULL), ==, 3);
}

/* Restoring finds the tokens in the Secret Service and opens the store
 * without the network. */
static void
test_restore_offline (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, NULL);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcSession) later = fc_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  sync_test_register (session, url, "restore@example.com");
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_clear_object (&session);
  fc_test_server_stop (server);

  fc_session_restore_async (later, url, NULL, sync_test_done_cb, &slot);
  g_assert_cmpuint (fc_session_get_state (later), ==, FC_SESSION_RESTORING);
  result = sync_test_wait (&slot);
  g_assert_true (fc_session_restore_finish (later, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_session_get_state (later), ==, FC_SESSION_SIGNED_IN);
  g_assert_cmpstr (fc_session_get_account (later), ==, "restore@example.com");
  g_assert_cmpstr (fc_session_get_first_name (later), ==, "Test");
  g_assert_true (fc_session_has_section (later, "nutrition"));

  /* Signing out forgets the tokens: nothing to restore after. */
  fc_session_sign_out_async (later, NULL, sync_test_done_cb, &slot);
  g_clear_object (&result);
  result = sync_test_wait (&slot);
  fc_session_sign_out_finish (later, result);
  g_assert_cmpuint (fc_session_get_state (later), ==, FC_SESSION_SIGNED_OUT);
  g_clear_object (&result);
  fc_session_restore_async (later, url, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_false (fc_session_restore_finish (later, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_session_get_state (later), ==, FC_SESSION_SIGNED_OUT);
}

/* A reset request is answered for any address; a malformed one gives the
 * form its field message. */
static void
test_password_reset (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, NULL);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fc_session_request_password_reset_async (session, url, "nobody@example.com", NULL,
                                           sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_session_request_password_reset_finish (session, result, &problem, &error));
  g_assert_no_error (error);
  g_assert_null (problem);
  g_clear_object (&result);

  fc_session_request_password_reset_async (session, url, "not-an-address", NULL,
                                           sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_false (fc_session_request_password_reset_finish (session, result, &problem, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (problem);
  g_assert_nonnull (fc_api_problem_get_field_messages (problem, "email"));
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
}

static void
on_state_cb (FcSyncEngine *engine,
             GParamSpec   *pspec,
             gpointer      user_data)
{
  guint *runs = user_data;

  if (fc_sync_engine_get_state (engine) == FC_SYNC_STATE_SYNCING)
    (*runs)++;
}

/* Iterates until @engine has started @runs runs and is idle again. */
static void
wait_for_runs (FcSyncEngine *engine,
               guint        *runs,
               guint         expected)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while ((*runs < expected || fc_sync_engine_get_state (engine) == FC_SYNC_STATE_SYNCING) &&
         g_get_monotonic_time () < deadline) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  }
  /* Anything still coming would show now. */
  sync_test_sleep (300);
}

/* Requests pile up into one run, and requests during a run into one more. */
static void
test_coalesced (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, NULL);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;
  FcSyncEngine *engine;
  guint runs = 0;

  sync_test_register (session, url, "coalesced@example.com");
  engine = fc_session_get_sync_engine (session);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_signal_connect (engine, "notify::state", G_CALLBACK (on_state_cb), &runs);

  for (guint i = 0; i < 10; i++)
    fc_sync_engine_request_sync (engine);
  wait_for_runs (engine, &runs, 1);
  g_assert_cmpuint (runs, ==, 1);

  runs = 0;
  fc_sync_engine_request_sync (engine);
  while (runs == 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 5; i++)
    fc_sync_engine_request_sync (engine);
  wait_for_runs (engine, &runs, 2);
  g_assert_cmpuint (runs, ==, 2);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_SYNCED);

  /* Stopped, it no longer runs on request... until started again. */
  runs = 0;
  fc_sync_engine_stop (engine);
  fc_sync_engine_request_sync (engine);
  sync_test_sleep (300);
  g_assert_cmpuint (runs, ==, 0);
}

static GBytes *
make_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 24, 16);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

static void
save_profile (FcStore    *store,
              JsonObject *changes)
{
  g_autoptr(FcOutboxItem) row = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fc_store_save_profile_async (store, changes, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  row = fc_store_save_profile_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (row);
}

/* The profile as the server has it now. */
static JsonObject *
server_profile (FcTestServer *server,
                const char   *email)
{
  g_autofree char *token = fc_test_login (server, email, SYNC_TEST_PASSWORD, NULL);
  g_autoptr(FcTestResponse) response = NULL;

  response = fc_test_request (server, "GET", "/api/v1/auth/profile/", token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  return json_object_ref (fc_test_response_object (response));
}

/* A photo chosen in the profile editor (a file:// URL) goes up as
 * multipart with the other changed fields; a photo that is gone waits for
 * the user with a message naming it; `img: null` clears it. */
static void
test_profile_photo (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, NULL);
  g_autofree char *url = sync_test_url (server);
  g_autofree char *media = g_strconcat (server->base_url, "/media/profile/", NULL);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "photos", NULL);
  g_autofree char *path = g_build_filename (dir, "me.png", NULL);
  g_autofree char *gone = g_build_filename (dir, "gone.png", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *gone_uri = NULL;
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GBytes) png = make_png ();
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) gone_changes = json_object_new ();
  g_autoptr(JsonObject) clear_changes = json_object_new ();
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(JsonObject) after_gone = NULL;
  g_autoptr(JsonObject) cleared = NULL;
  g_autoptr(FcTestResponse) download = NULL;
  g_autoptr(FcOutboxItem) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *img = NULL;
  FcSyncEngine *engine;
  FcStore *store;
  double weight = 0;
  guint rejected = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), &error);
  g_assert_no_error (error);
  uri = g_filename_to_uri (path, NULL, &error);
  g_assert_no_error (error);
  gone_uri = g_filename_to_uri (gone, NULL, &error);
  g_assert_no_error (error);

  sync_test_register (session, url, "photo@example.com");
  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  g_signal_connect (engine, "rejected", G_CALLBACK (on_rejected_cb), &rejected);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);

  json_object_set_string_member (changes, "img", uri);
  json_object_set_double_member (changes, "weight", 68.5);
  save_profile (store, changes);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rejected, ==, 0);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (engine), ==, 0);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_SYNCED);

  profile = server_profile (server, "photo@example.com");
  img = g_strdup (fc_json_get_string (profile, "img"));
  g_assert_nonnull (img);
  g_assert_true (g_str_has_prefix (img, media));
  g_assert_true (fc_json_get_double (profile, "weight", &weight));
  g_assert_cmpfloat (weight, ==, 68.5);
  download = fc_test_request (server, "GET", img + strlen (server->base_url), NULL, NULL);
  g_assert_cmpuint (download->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (download->body), >, 0);
  g_assert_true (g_bytes_equal (download->body, png));

  /* The file was removed before the sync: nothing goes, the user is told. */
  json_object_set_string_member (gone_changes, "img", gone_uri);
  save_profile (store, gone_changes);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rejected, ==, 1);
  g_assert_cmpuint (fc_sync_engine_get_state (engine), ==, FC_SYNC_STATE_NEEDS_ATTENTION);
  row = only_attention_row (store);
  g_assert_nonnull (strstr (fc_outbox_item_get_error_message (row), "profile photo"));
  g_assert_nonnull (strstr (fc_outbox_item_get_error_message (row), "gone.png"));
  after_gone = server_profile (server, "photo@example.com");
  g_assert_cmpstr (fc_json_get_string (after_gone, "img"), ==, img);

  /* Clearing stays JSON, and goes. */
  json_object_set_null_member (clear_changes, "img");
  save_profile (store, clear_changes);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  cleared = server_profile (server, "photo@example.com");
  g_assert_true (fc_json_is_null (cleared, "img"));
}

static void
on_secrets_unavailable_cb (FcSession *session,
                           gpointer   user_data)
{
  guint *count = user_data;

  (*count)++;
}

/* In the child, whose session bus is a dead socket: the user is told once,
 * and signing in, syncing and signing in again work with tokens in memory. */
static void
check_no_secret_service (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, NULL);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  guint told = 0;

  g_signal_connect (session, "secrets-unavailable", G_CALLBACK (on_secrets_unavailable_cb),
                    &told);
  g_assert_true (fc_session_get_secrets_persistent (session));

  sync_test_register (session, url, "memory@example.com");
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_IN);
  g_assert_false (fc_session_get_secrets_persistent (session));
  g_assert_cmpuint (told, ==, 1);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);

  fc_session_sign_out_async (session, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  fc_session_sign_out_finish (session, result);
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);

  sync_test_sign_in (session, url, "memory@example.com", SYNC_TEST_PASSWORD);
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_IN);
  g_assert_cmpstr (fc_session_get_account (session), ==, "memory@example.com");
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (told, ==, 1);
}

static void
test_no_secret_service (void)
{
  if (g_test_subprocess ()) {
    g_autofree char *dead = g_build_filename (g_get_user_runtime_dir (), "no-bus", NULL);
    g_autofree char *address = g_strconcat ("unix:path=", dead, NULL);

    g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
    check_no_secret_service ();
    return;
  }

  g_test_trap_subprocess (NULL, 40 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  /* The isolated XDG dirs have no GSettings schemas for GNOME's proxy
   * resolver, and every server here is on loopback anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/engine/pull-demo", test_pull_demo);
  g_test_add_func ("/sync/engine/pull-waits-for-store", test_pull_waits_for_store);
  g_test_add_func ("/sync/engine/offline-writes", test_offline_writes);
  g_test_add_func ("/sync/engine/rejected", test_rejected);
  g_test_add_func ("/sync/session/revoked", test_revoked);
  g_test_add_func ("/sync/session/restore-offline", test_restore_offline);
  g_test_add_func ("/sync/engine/coalesced", test_coalesced);
  g_test_add_func ("/sync/session/password-reset", test_password_reset);
  g_test_add_func ("/sync/session/no-secret-service", test_no_secret_service);
  g_test_add_func ("/sync/engine/profile-photo", test_profile_photo);

  return g_test_run ();
}
