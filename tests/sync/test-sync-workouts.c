/* test-sync-workouts.c — workouts pulled, progress pushed, against the real
 * fitcore-server --demo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "fc-json.h"
#include "fc-workout-list-model.h"
#include "sync-test-util.h"

#define DEMO_EMAIL "demo@fitcore.local"
#define DEMO_PASSWORD "fitcore-demo"
#define PROGRESS_OF_DEMO \
  "FROM workout_progress p JOIN users u ON u.id = p.user_id WHERE u.email = ?1"

/* The demo's workouts, categories and (no) progress reach the store; the
 * videos keep the server's order. */
static void
test_pull (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, args);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;
  FcStore *store;

  sync_test_sign_in (session, url, DEMO_EMAIL, DEMO_PASSWORD);
  store = fc_session_get_store (session);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_assert_true (fc_session_has_section (session, "workouts"));

  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workouts"), ==,
                   sync_test_server_count (server, "SELECT count(*) FROM workouts", NULL));
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workouts"), ==, 6);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workout_categories"), ==,
                   3);
  /* Every video, each in its workout, in order_index order. */
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workouts w, "
                                                 "json_each(w.videos) v"), ==,
                   sync_test_server_count (server, "SELECT count(*) FROM workout_videos", NULL));
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workouts w, "
                                                 "json_each(w.videos) v WHERE "
                                                 "json_extract(v.value, '$.workout') != w.id"),
                   ==, 0);
  g_assert_cmpint (sync_test_store_count (store,
                                          "SELECT count(*) FROM workouts w, json_each(w.videos) a,"
                                          " json_each(w.videos) b WHERE a.key < b.key AND "
                                          "json_extract(a.value, '$.order_index') > "
                                          "json_extract(b.value, '$.order_index')"), ==, 0);
  g_assert_cmpint (sync_test_store_count (store, "SELECT json_extract(videos, '$[0].id') "
                                                 "FROM workouts WHERE id = 2"), ==,
                   sync_test_server_count (server, "SELECT id FROM workout_videos "
                                                   "WHERE workout_id = 2 "
                                                   "ORDER BY order_index, id LIMIT 1", NULL));
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workout_progress"), ==, 0);
}

typedef struct {
  guint left;
  guint failed;
} Batch;

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = NULL;

  item = fc_store_save_workout_progress_finish (FC_STORE (source), result, &error);
  if (item == NULL)
    batch->failed++;
  batch->left--;
}

static void
save_many (FcStore *store,
           gint64   workout,
           guint    n,
           double   last_percentage,
           gint64   last_video,
           double   last_position)
{
  Batch batch = { n, 0 };

  for (guint i = 1; i <= n; i++)
    fc_store_save_workout_progress_async (store, workout, last_percentage * i / n,
                                          last_video, last_position * i / n, NULL, on_saved_cb,
                                          &batch);
  while (batch.left > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (batch.failed, ==, 0);
}

static gint64
progress_requests (FcTestServer *server)
{
  return sync_test_server_count (server, "SELECT count(*) FROM idempotency_keys k "
                                         "JOIN users u ON u.id = k.user_id WHERE u.email = ?1 "
                                         "AND k.path LIKE '%/workouts/progress/%'", DEMO_EMAIL);
}

/* 100 saves with the server stopped wait as one request; when the server is
 * back (same data dir and port) the last values reach it, completed at
 * 100; a later save goes as a PATCH of the same record. */
static void
test_progress_offline (void)
{
  const char *demo[] = { "--demo", NULL };
  g_autoptr(FcTestServer) first = fc_test_server_start (SYNC_TEST_CONFIG, demo);
  g_autoptr(FcTestServer) second = NULL;
  g_autofree char *url = sync_test_url (first);
  g_autofree char *port = g_strdup (strrchr (first->base_url, ':') + 1);
  const char *args[] = { "--port", port, NULL };
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcWorkoutListModel) model = NULL;
  g_autoptr(FcWorkoutItem) item = NULL;
  g_autoptr(GError) error = NULL;
  FcSyncEngine *engine;
  FcStore *store;

  sync_test_sign_in (session, url, DEMO_EMAIL, DEMO_PASSWORD);
  engine = fc_session_get_sync_engine (session);
  store = fc_session_get_store (session);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (progress_requests (first), ==, 0);

  g_assert_cmpint (fc_test_server_stop (first), ==, 0);
  /* Cardio Kickstart (3): its last video is 9. */
  save_many (store, 3, 100, 100.0, 9, 123.0);

  g_assert_false (sync_test_run (engine, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (engine), ==, 1);

  /* The list shows it done while offline. */
  model = fc_workout_list_model_new (store);
  fc_workout_list_model_set_search (model, "cardio kickstart");
  while (fc_store_model_get_loading (FC_STORE_MODEL (model)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpfloat (fc_workout_item_get_progress (item), ==, 100.0);
  g_assert_true (fc_workout_item_get_completed (item));
  g_assert_cmpint (fc_workout_item_get_last_video (item), ==, 9);
  g_clear_object (&item);

  second = fc_test_server_start_in (first->data_dir, SYNC_TEST_CONFIG, args);
  g_assert_cmpstr (second->base_url, ==, first->base_url);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (engine), ==, 0);

  g_assert_cmpint (progress_requests (second), ==, 1);
  g_assert_cmpint (sync_test_server_count (second, "SELECT count(*) " PROGRESS_OF_DEMO,
                                           DEMO_EMAIL), ==, 1);
  g_assert_cmpint (sync_test_server_count (second, "SELECT round(p.progress_percentage) "
                                                   PROGRESS_OF_DEMO, DEMO_EMAIL), ==, 100);
  g_assert_cmpint (sync_test_server_count (second, "SELECT p.last_video_id " PROGRESS_OF_DEMO,
                                           DEMO_EMAIL), ==, 9);
  g_assert_cmpint (sync_test_server_count (second, "SELECT round(p.position_seconds) "
                                                   PROGRESS_OF_DEMO, DEMO_EMAIL), ==, 123);
  g_assert_cmpint (sync_test_server_count (second, "SELECT p.workout_id " PROGRESS_OF_DEMO,
                                           DEMO_EMAIL), ==, 3);
  g_assert_cmpint (sync_test_server_count (second, "SELECT count(*) " PROGRESS_OF_DEMO
                                                   " AND p.completed_at IS NOT NULL",
                                           DEMO_EMAIL), ==, 1);
  /* The store took the server's record: its id, not dirty. */
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workout_progress"), ==, 1);
  g_assert_cmpint (sync_test_store_count (store, "SELECT id FROM workout_progress"), ==,
                   sync_test_server_count (second, "SELECT p.id " PROGRESS_OF_DEMO, DEMO_EMAIL));
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workout_progress "
                                                 "WHERE dirty = 0 AND completed_at IS NOT NULL"),
                   ==, 1);

  /* Rewatching: 50 saves online between two syncs, one PATCH; below 100 the
   * completion is cleared on both sides. */
  save_many (store, 3, 50, 40.0, 8, 10.0);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (progress_requests (second), ==, 2);
  g_assert_cmpint (sync_test_server_count (second, "SELECT count(*) " PROGRESS_OF_DEMO,
                                           DEMO_EMAIL), ==, 1);
  g_assert_cmpint (sync_test_server_count (second, "SELECT round(p.progress_percentage) "
                                                   PROGRESS_OF_DEMO, DEMO_EMAIL), ==, 40);
  g_assert_cmpint (sync_test_server_count (second, "SELECT p.last_video_id " PROGRESS_OF_DEMO,
                                           DEMO_EMAIL), ==, 8);
  g_assert_cmpint (sync_test_server_count (second, "SELECT count(*) " PROGRESS_OF_DEMO
                                                   " AND p.completed_at IS NULL",
                                           DEMO_EMAIL), ==, 1);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM workout_progress "
                                                 "WHERE dirty = 0 AND completed_at IS NULL "
                                                 "AND round(progress_percentage) = 40"), ==, 1);
}

static GFile *
fetch_media (FcSession  *session,
             const char *url,
             GError    **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_session_fetch_media_async (session, url, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  return fc_session_fetch_media_finish (session, result, error);
}

static char *
file_sha256 (GFile *file)
{
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);

  g_assert_nonnull (bytes);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* A thumbnail is fetched once into the cache, named by its URL's SHA-256,
 * the same bytes as the server's; with the server stopped it is still
 * there, and one never fetched is NOT_FOUND. */
static void
test_fetch_media (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, args);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) first = NULL;
  g_autoptr(GFile) second = NULL;
  g_autoptr(GFile) missing = NULL;
  g_autoptr(FcTestResponse) wire = NULL;
  g_autofree char *thumbnail = NULL;
  g_autofree char *other = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *expected_path = NULL;
  g_autofree char *wire_sha = NULL;
  g_autofree char *first_sha = NULL;
  g_autofree char *second_sha = NULL;
  GStatBuf st;

  sync_test_sign_in (session, url, DEMO_EMAIL, DEMO_PASSWORD);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);

  thumbnail = g_strdup_printf ("%s/media/workouts/demo/yoga-flow.png", server->base_url);
  other = g_strdup_printf ("%s/media/workouts/demo/hiit-burner.png", server->base_url);
  g_assert_cmpint (sync_test_store_count (fc_session_get_store (session),
                                          "SELECT count(*) FROM workouts WHERE thumbnail "
                                          "LIKE '%/media/workouts/demo/yoga-flow.png'"), ==, 1);
  /* The demo makes its media on a worker thread after it starts. */
  for (guint i = 0; i < 300; i++) {
    g_clear_pointer (&wire, fc_test_response_free);
    wire = fc_test_request (server, "GET", "/media/workouts/demo/yoga-flow.png", NULL, NULL);
    if (wire->status == 200)
      break;
    sync_test_sleep (100);
  }
  g_assert_cmpuint (wire->status, ==, 200);
  wire_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, wire->body);

  first = fetch_media (session, thumbnail, &error);
  g_assert_no_error (error);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, thumbnail, -1);
  expected_path = g_build_filename (g_get_user_cache_dir (), "fitcore", "media", digest, NULL);
  g_assert_cmpstr (g_file_peek_path (first), ==, expected_path);
  first_sha = file_sha256 (first);
  g_assert_cmpstr (first_sha, ==, wire_sha);
  g_assert_cmpint (g_stat (expected_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
  second = fetch_media (session, thumbnail, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (first, second));
  second_sha = file_sha256 (second);
  g_assert_cmpstr (second_sha, ==, wire_sha);

  missing = fetch_media (session, other, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (missing);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/workouts/pull", test_pull);
  g_test_add_func ("/sync/workouts/progress-offline", test_progress_offline);
  g_test_add_func ("/sync/workouts/fetch-media", test_fetch_media);

  return g_test_run ();
}
