/* test-download-manager.c — FcDownloadManager against the real
 * fitcore-server --demo, signed in through FcSession
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo user has no premium access, and the API has no way to grant it
 * (users.has_premium is "admin-set until payments exist"): the premium case
 * stops the server, flips the column in its SQLite database and starts it
 * again on the same port and data dir.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "fc-download-manager.h"
#include "fc-downloader.h"
#include "fc-player.h"
#include "fc-json.h"
#include "fc-server-test-util.h"
#include "sync-test-util.h"

#define DEMO_EMAIL "demo@fitcore.local"
#define DEMO_PASSWORD "fitcore-demo"
/* Polls 100 ms apart: a demo server's first render of its videos takes up
 * to a minute in the sanitizer build on a loaded machine. */
#define DEMO_TRIES 1800

typedef struct {
  FcTestServer *server;
  char         *url;
  FcSession    *session;
  SyncTestLog  *log;       /* the server's request log, when asked for */
} Fixture;

/* The demo renders its videos at a server's first start, for each case:
 * 16 s on a loaded 2-core machine, 40-60 s in the sanitizer build. Cases
 * after the first start from a copy of the first one's files, which the
 * server only measures again. */
static char *demo_files;

static void
copy_dirs (const char *from,
           const char *to)
{
  g_autofree char *protected = g_build_filename (from, "protected", NULL);
  g_autofree char *media = g_build_filename (from, "media", NULL);
  const char *argv[] = { "cp", "-a", protected, media, to, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* With @logged, the server's request log is kept in fixture->log. */
static void
fixture_start (Fixture    *fixture,
               const char *config,
               gboolean    logged)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (demo_files != NULL) {
    dir = g_dir_make_tmp ("fitcore-test-XXXXXX", &error);
    g_assert_no_error (error);
    copy_dirs (demo_files, dir);
  }
  if (logged)
    fixture->server = sync_test_server_start_logged (dir, config, args, &fixture->log);
  else if (dir != NULL)
    fixture->server = fc_test_server_start_in (dir, config, args);
  else
    fixture->server = fc_test_server_start (config, args);
  if (dir != NULL)
    fixture->server->owns_data_dir = TRUE;
  fixture->url = sync_test_url (fixture->server);
  fixture->session = fc_session_new ();
  sync_test_sign_in (fixture->session, fixture->url, DEMO_EMAIL, DEMO_PASSWORD);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (fixture->session), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture_start (fixture, SYNC_TEST_CONFIG, FALSE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->url, g_free);
  g_clear_pointer (&fixture->server, fc_test_server_free);
  g_clear_pointer (&fixture->log, sync_test_log_free);
}

/* Stops the server, and starts it again on its port and data dir. */
static void
restart_server (Fixture    *fixture,
                const char *sql)
{
  g_autofree char *port = g_strdup (strrchr (fixture->server->base_url, ':') + 1);
  g_autofree char *data_dir = g_strdup (fixture->server->data_dir);
  const char *args[] = { "--port", port, NULL };
  FcTestServer *old = fixture->server;
  g_autofree char *url = NULL;

  g_assert_cmpint (fc_test_server_stop (old), ==, 0);
  if (sql != NULL) {
    /* SQLite or PostgreSQL, whichever the server stores in. */
    g_autoptr(FcSql) db = fc_st_open_db (old);

    fc_st_exec (db, sql);
    g_assert_cmpint (fc_sql_changes (db), ==, 1);
  }
  /* The new one takes the data dir over from the old one. */
  old->owns_data_dir = FALSE;
  fixture->server = fc_test_server_start_in (data_dir, SYNC_TEST_CONFIG, args);
  fixture->server->owns_data_dir = TRUE;
  fc_test_server_free (old);
  url = sync_test_url (fixture->server);
  g_assert_cmpstr (url, ==, fixture->url);
}

static JsonObject *
stored_workout (Fixture *fixture,
                gint64   id)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcStore *store = fc_session_get_store (fixture->session);
  JsonObject *workout;

  fc_store_get_object_async (store, FC_STORE_WORKOUTS, id, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  workout = fc_store_get_object_finish (store, result, &error);
  g_assert_no_error (error);
  return workout;
}

static JsonObject *
video_at (JsonObject *workout,
          guint       index)
{
  JsonArray *videos = fc_json_get_array (workout, "videos");

  g_assert_nonnull (videos);
  g_assert_cmpuint (index, <, json_array_get_length (videos));
  return json_array_get_object_element (videos, index);
}

static gint64
int_member (JsonObject *object,
            const char *member)
{
  gint64 value = 0;

  g_assert_true (fc_json_get_int (object, member, &value));
  return value;
}

/* GET as the demo user; a token that expired meanwhile (the token-refresh
 * case lets them live two seconds) is replaced by a new login. */
static FcTestResponse *
demo_get (Fixture     *fixture,
          const char  *path,
          char       **token)
{
  FcTestResponse *response = NULL;

  if (*token != NULL)
    response = fc_test_request (fixture->server, "GET", path, *token, NULL);
  if (response == NULL || response->status == 401) {
    g_clear_pointer (&response, fc_test_response_free);
    g_free (*token);
    *token = fc_test_login (fixture->server, DEMO_EMAIL, DEMO_PASSWORD, NULL);
    response = fc_test_request (fixture->server, "GET", path, *token, NULL);
  }
  return response;
}

/* The demo makes its video files on a worker thread after it starts: wait
 * until the file route serves each unlocked one. */
static void
wait_for_files (Fixture    *fixture,
                JsonObject *workout)
{
  g_autofree char *token = NULL;
  JsonArray *videos = fc_json_get_array (workout, "videos");

  for (guint i = 0; i < json_array_get_length (videos); i++) {
    JsonObject *video = json_array_get_object_element (videos, i);
    g_autofree char *path = NULL;
    guint status = 0;

    if (fc_json_get_string (video, "file") == NULL)
      continue;
    path = g_strdup_printf ("/api/v1/workouts/videos/%" G_GINT64_FORMAT "/file/",
                            int_member (video, "id"));
    for (guint tries = 0; tries < DEMO_TRIES && status != 200; tries++) {
      g_autoptr(FcTestResponse) response = demo_get (fixture, path, &token);

      status = response->status;
      if (status != 200)
        sync_test_sleep (100);
    }
    g_assert_cmpuint (status, ==, 200);
  }
}

/* The workout once the demo has made its files and the store has the
 * server's sizes and checksums for them (a sync before that has nulls). */
static JsonObject *
ready_workout (Fixture *fixture,
               gint64   id)
{
  g_autofree char *token = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/workouts/workouts/%" G_GINT64_FORMAT "/", id);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stored = NULL;
  gboolean ready = FALSE;

  for (guint tries = 0; tries < DEMO_TRIES && !ready; tries++) {
    g_autoptr(FcTestResponse) response = demo_get (fixture, path, &token);
    JsonArray *videos;

    g_assert_cmpuint (response->status, ==, 200);
    videos = fc_json_get_array (fc_test_response_object (response), "videos");
    ready = TRUE;
    for (guint i = 0; i < json_array_get_length (videos); i++) {
      JsonObject *video = json_array_get_object_element (videos, i);

      if (fc_json_get_string (video, "file") != NULL &&
          fc_json_get_string (video, "checksum") == NULL)
        ready = FALSE;
    }
    if (!ready)
      sync_test_sleep (100);
  }
  g_assert_true (ready);
  /* The rows get their checksums once every file is made. */
  if (demo_files == NULL) {
    demo_files = g_dir_make_tmp ("fitcore-demo-files-XXXXXX", &error);
    g_assert_no_error (error);
    copy_dirs (fixture->server->data_dir, demo_files);
  }
  g_assert_true (sync_test_run (fc_session_get_sync_engine (fixture->session), &error));
  g_assert_no_error (error);
  stored = stored_workout (fixture, id);
  wait_for_files (fixture, stored);
  return g_steal_pointer (&stored);
}

/* Every demo video made (as staff, who see the premium ones too): a
 * restart without --demo would leave the rest unmade. */
static void
wait_demo_media (Fixture *fixture)
{
  g_autofree char *token = fc_test_login (fixture->server, "admin@fitcore.local", "fitcore-admin",
                                          NULL);
  gboolean ready = FALSE;

  for (guint tries = 0; tries < DEMO_TRIES && !ready; tries++) {
    g_autoptr(FcTestResponse) response =
      fc_test_request (fixture->server, "GET", "/api/v1/workouts/videos/?page_size=100", token,
                       NULL);
    JsonArray *videos;

    g_assert_cmpuint (response->status, ==, 200);
    videos = fc_json_get_array (fc_test_response_object (response), "results");
    ready = json_array_get_length (videos) > 0;
    for (guint i = 0; i < json_array_get_length (videos); i++) {
      if (fc_json_get_string (json_array_get_object_element (videos, i), "checksum") == NULL)
        ready = FALSE;
    }
    if (!ready)
      sync_test_sleep (100);
  }
  g_assert_true (ready);
}

static gboolean
wait_status (FcDownloadManager *manager,
             gint64             workout_id,
             FcDownloadStatus   status,
             guint              timeout_s)
{
  gint64 end = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (fc_download_manager_get_status (manager, workout_id) != status &&
         g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return fc_download_manager_get_status (manager, workout_id) == status;
}

static char *
local_path (FcDownloadManager *manager,
            gint64             workout_id,
            gint64             video_id)
{
  g_autofree char *uri = fc_download_manager_get_local_uri (manager, workout_id, video_id);

  return uri != NULL ? g_filename_from_uri (uri, NULL, NULL) : NULL;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* Every unlocked video of @workout is on disk with the server's checksum;
 * returns the sum of their sizes. */
static guint64
assert_files_match (FcDownloadManager *manager,
                    JsonObject        *workout)
{
  JsonArray *videos = fc_json_get_array (workout, "videos");
  gint64 id = int_member (workout, "id");
  guint64 sum = 0;

  for (guint i = 0; i < json_array_get_length (videos); i++) {
    JsonObject *video = json_array_get_object_element (videos, i);
    g_autofree char *path = local_path (manager, id, int_member (video, "id"));
    g_autofree char *sha = NULL;
    GStatBuf st;

    if (fc_json_get_string (video, "file") == NULL) {
      g_assert_null (path);
      continue;
    }
    g_assert_nonnull (path);
    sha = file_sha256 (path);
    g_assert_cmpstr (sha, ==, fc_json_get_string (video, "checksum"));
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_size, ==, int_member (video, "file_size"));
    sum += st.st_size;
  }
  return sum;
}

static char *
workout_dir (Fixture *fixture,
             gint64   id)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return fc_downloader_workout_dir (fc_session_get_server_url (fixture->session), name);
}

/* Download a demo workout: files byte-identical to the server's (its own
 * SHA-256, and the bytes its file route serves), used bytes their sum;
 * remove takes the folder away. */
static void
test_download_remove (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(FcDownloadManager) manager = fc_download_manager_new (fixture->session);
  g_autoptr(JsonObject) workout = ready_workout (fixture, 5);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(FcTestResponse) wire = NULL;
  g_autofree char *dir = workout_dir (fixture, 5);
  g_autofree char *authorization = NULL;
  g_autofree char *expected_authorization = NULL;
  g_autofree char *first = NULL;
  g_autofree char *first_sha = NULL;
  g_autofree char *wire_sha = NULL;
  g_autofree char *file_path = NULL;
  guint64 sum;

  g_assert_cmpuint (fc_download_manager_get_status (manager, 5), ==, FC_DOWNLOAD_NONE);
  g_assert_cmpuint (fc_download_manager_get_used_bytes (manager), ==, 0);
  authorization = fc_download_manager_dup_authorization (manager);
  expected_authorization =
    g_strconcat ("Bearer ", fc_api_client_get_access_token (fc_session_get_client (fixture->session)),
                 NULL);
  g_assert_cmpstr (authorization, ==, expected_authorization);

  fc_download_manager_download (manager, workout);
  g_assert_cmpuint (fc_download_manager_get_status (manager, 5), ==, FC_DOWNLOAD_RUNNING);
  g_assert_true (wait_status (manager, 5, FC_DOWNLOAD_DONE, 30));
  g_assert_null (fc_download_manager_get_error (manager, 5));
  g_assert_cmpfloat (fc_download_manager_get_fraction (manager, 5), ==, 1.0);

  sum = assert_files_match (manager, workout);
  g_assert_cmpuint (sum, >, 100000);
  g_assert_cmpuint (fc_download_manager_get_used_bytes (manager), ==, sum);
  ids = fc_download_manager_list_workouts (manager);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 5);

  /* The bytes are the ones the file route serves. */
  file_path = g_strdup_printf ("/api/v1/workouts/videos/%" G_GINT64_FORMAT "/file/",
                               int_member (video_at (workout, 0), "id"));
  wire = fc_test_request (fixture->server, "GET", file_path,
                          fc_api_client_get_access_token (fc_session_get_client (fixture->session)),
                          NULL);
  g_assert_cmpuint (wire->status, ==, 200);
  wire_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, wire->body);
  first = local_path (manager, 5, int_member (video_at (workout, 0), "id"));
  first_sha = file_sha256 (first);
  g_assert_cmpstr (first_sha, ==, wire_sha);
  g_assert_true (g_str_has_prefix (first, dir));

  fc_download_manager_remove (manager, 5);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (fc_download_manager_get_status (manager, 5), ==, FC_DOWNLOAD_NONE);
  g_assert_cmpuint (fc_download_manager_get_used_bytes (manager), ==, 0);
  g_assert_null (fc_download_manager_get_local_uri (manager, 5,
                                                    int_member (video_at (workout, 0), "id")));
  g_clear_pointer (&ids, g_array_unref);
  ids = fc_download_manager_list_workouts (manager);
  g_assert_cmpuint (ids->len, ==, 0);
}

typedef struct {
  FcDownloadManager *manager;
  gint64             workout;
  gint64             first_video;
  gboolean           paused;
} PauseAfterFirst;

/* Pauses as soon as the first video is on disk, before the rest. */
static void
on_changed_pause_cb (FcDownloadManager *manager,
                     gint64             workout_id,
                     PauseAfterFirst   *pause)
{
  g_autofree char *uri = NULL;

  if (pause->paused || workout_id != pause->workout)
    return;
  uri = fc_download_manager_get_local_uri (manager, workout_id, pause->first_video);
  if (uri != NULL && fc_download_manager_get_status (manager, workout_id) == FC_DOWNLOAD_RUNNING) {
    pause->paused = TRUE;
    fc_download_manager_pause (manager, workout_id);
  }
}

/* Paused half-way, then the app "restarts" (a new manager on the signed-in
 * session): what is on disk is found and the rest is fetched. */
static void
test_pause_restart (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FcDownloadManager) manager = fc_download_manager_new (fixture->session);
  g_autoptr(FcDownloadManager) second = NULL;
  g_autoptr(JsonObject) workout = ready_workout (fixture, 1);
  g_autofree char *last = NULL;
  PauseAfterFirst pause = { manager, 1, int_member (video_at (workout, 0), "id"), FALSE };
  gint64 last_video = int_member (video_at (workout, 2), "id");
  GWeakRef weak;
  guint64 sum;

  g_signal_connect (manager, "changed", G_CALLBACK (on_changed_pause_cb), &pause);
  fc_download_manager_download (manager, workout);
  g_assert_true (wait_status (manager, 1, FC_DOWNLOAD_PAUSED, 30));
  g_assert_true (pause.paused);
  last = local_path (manager, 1, last_video);
  g_assert_null (last);
  g_assert_cmpfloat (fc_download_manager_get_fraction (manager, 1), >, 0.0);
  g_assert_cmpfloat (fc_download_manager_get_fraction (manager, 1), <, 1.0);

  /* Quit: the manager goes, and its paused transfer unwinds. */
  g_weak_ref_init (&weak, manager);
  g_clear_object (&manager);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
  sync_test_sleep (200);

  second = fc_download_manager_new (fixture->session);
  g_assert_cmpuint (fc_download_manager_get_status (second, 1), !=, FC_DOWNLOAD_NONE);
  g_assert_true (wait_status (second, 1, FC_DOWNLOAD_DONE, 30));
  sum = assert_files_match (second, workout);
  g_assert_cmpuint (fc_download_manager_get_used_bytes (second), ==, sum);
}

typedef struct {
  FcSession *session;
  gint64     workout;
  gint64     first_video;
  gboolean   signing_out;
  GAsyncResult *result;
} SignOutAfterFirst;

static void
on_changed_sign_out_cb (FcDownloadManager *manager,
                        gint64             workout_id,
                        SignOutAfterFirst *sign_out)
{
  g_autofree char *uri = NULL;

  if (sign_out->signing_out || workout_id != sign_out->workout)
    return;
  uri = fc_download_manager_get_local_uri (manager, workout_id, sign_out->first_video);
  if (uri != NULL && fc_download_manager_get_status (manager, workout_id) == FC_DOWNLOAD_RUNNING) {
    sign_out->signing_out = TRUE;
    fc_session_sign_out_async (sign_out->session, NULL, sync_test_done_cb, &sign_out->result);
  }
}

/* Signing out stops the downloads and keeps their bytes; signing in again
 * finds them and fetches the rest. */
static void
test_sign_out_in (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(FcDownloadManager) manager = fc_download_manager_new (fixture->session);
  g_autoptr(JsonObject) workout = ready_workout (fixture, 6);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *dir = workout_dir (fixture, 6);
  g_autofree char *second = NULL;
  g_autofree char *second_name = NULL;
  SignOutAfterFirst sign_out = { fixture->session, 6, int_member (video_at (workout, 0), "id"),
                                 FALSE, NULL };
  gint64 second_video = int_member (video_at (workout, 1), "id");

  g_signal_connect (manager, "changed", G_CALLBACK (on_changed_sign_out_cb), &sign_out);
  fc_download_manager_download (manager, workout);
  result = sync_test_wait (&sign_out.result);
  fc_session_sign_out_finish (fixture->session, result);
  g_assert_cmpuint (fc_session_get_state (fixture->session), ==, FC_SESSION_SIGNED_OUT);

  g_assert_cmpuint (fc_download_manager_get_status (manager, 6), ==, FC_DOWNLOAD_NONE);
  g_assert_cmpuint (fc_download_manager_get_used_bytes (manager), ==, 0);
  ids = fc_download_manager_list_workouts (manager);
  g_assert_cmpuint (ids->len, ==, 0);
  g_assert_null (fc_download_manager_dup_authorization (manager));
  /* Stopped: nothing more arrives while signed out. */
  sync_test_sleep (1000);
  second_name = g_strdup_printf ("%" G_GINT64_FORMAT ".media", second_video);
  second = g_build_filename (dir, second_name, NULL);
  g_assert_false (g_file_test (second, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));

  sync_test_sign_in (fixture->session, fixture->url, DEMO_EMAIL, DEMO_PASSWORD);
  g_assert_true (wait_status (manager, 6, FC_DOWNLOAD_DONE, 30));
  g_assert_cmpuint (fc_download_manager_get_used_bytes (manager), ==,
                    assert_files_match (manager, workout));
}

static void
on_synced_cb (FcSyncEngine *engine,
              GParamSpec   *pspec,
              guint        *count)
{
  (*count)++;
}

/* With premium the paid videos download; once an admin revokes it and a
 * sync shows them locked, they leave the disk and the free one stays. */
static void
test_premium_revoked (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(FcDownloadManager) manager = NULL;
  g_autoptr(JsonObject) locked = stored_workout (fixture, 2);
  g_autoptr(JsonObject) workout = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *free_path = NULL;
  FcSyncEngine *engine = fc_session_get_sync_engine (fixture->session);
  gboolean locked_before = FALSE;
  gint64 free_video = 0;
  guint64 free_size = 0;
  guint synced = 0;
  guint videos;

  /* The demo user sees Upper-Body Power's paid videos locked. */
  g_assert_true (fc_json_get_boolean (video_at (locked, 1), "locked", &locked_before));
  g_assert_true (locked_before);

  wait_demo_media (fixture);
  restart_server (fixture, "UPDATE users SET has_premium = 1 WHERE email = 'demo@fitcore.local'");
  workout = ready_workout (fixture, 2);
  videos = json_array_get_length (fc_json_get_array (workout, "videos"));
  g_assert_cmpuint (videos, ==, 4);
  for (guint i = 0; i < videos; i++) {
    gboolean is_free = FALSE, is_locked = TRUE;

    g_assert_true (fc_json_get_boolean (video_at (workout, i), "locked", &is_locked));
    g_assert_false (is_locked);
    g_assert_true (fc_json_get_boolean (video_at (workout, i), "is_free", &is_free));
    if (is_free) {
      free_video = int_member (video_at (workout, i), "id");
      free_size = int_member (video_at (workout, i), "file_size");
    }
  }
  g_assert_cmpint (free_video, >, 0);

  manager = fc_download_manager_new (fixture->session);
  fc_download_manager_download (manager, workout);
  g_assert_true (wait_status (manager, 2, FC_DOWNLOAD_DONE, 30));
  g_assert_cmpuint (fc_download_manager_get_used_bytes (manager), ==,
                    assert_files_match (manager, workout));

  restart_server (fixture, "UPDATE users SET has_premium = 0 WHERE email = 'demo@fitcore.local'");
  g_signal_connect (engine, "notify::last-synced", G_CALLBACK (on_synced_cb), &synced);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (synced, >=, 1);
  after = stored_workout (fixture, 2);

  /* The check reads the store after the sync: wait for its answer. */
  for (guint i = 0; i < 2500 && fc_download_manager_get_used_bytes (manager) != free_size; i++) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  }
  g_assert_cmpuint (fc_download_manager_get_used_bytes (manager), ==, free_size);
  g_assert_cmpuint (assert_files_match (manager, after), ==, free_size);
  for (guint i = 0; i < videos; i++) {
    gint64 id = int_member (video_at (workout, i), "id");
    g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".media", id);
    g_autofree char *dir = workout_dir (fixture, 2);
    g_autofree char *path = g_build_filename (dir, name, NULL);

    g_assert_cmpint (g_file_test (path, G_FILE_TEST_EXISTS), ==, id == free_video);
    if (id != free_video)
      g_assert_null (fc_download_manager_get_local_uri (manager, 2, id));
  }
  free_path = local_path (manager, 2, free_video);
  g_assert_nonnull (free_path);
  g_assert_cmpuint (fc_download_manager_get_status (manager, 2), ==, FC_DOWNLOAD_DONE);
}

/* The access token expired before the download: the file route answers
 * 401, the client refreshes the token, and the download goes on. */
static void
test_token_refresh (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FcDownloadManager) manager = NULL;
  g_autoptr(JsonObject) workout = NULL;
  FcApiClient *client;
  guint refreshes;

  fixture_start (fixture, SYNC_TEST_CONFIG "access_token_lifetime=2\n", FALSE);
  client = fc_session_get_client (fixture->session);
  manager = fc_download_manager_new (fixture->session);
  workout = ready_workout (fixture, 3);

  sync_test_sleep (3000);
  refreshes = fc_api_client_get_refresh_count (client);
  fc_download_manager_download (manager, workout);
  g_assert_true (wait_status (manager, 3, FC_DOWNLOAD_DONE, 30));
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), >, refreshes);
  g_assert_cmpuint (fc_download_manager_get_used_bytes (manager), ==,
                    assert_files_match (manager, workout));
}

typedef struct {
  GAsyncResult *result;
} Renewed;

static void
on_renewed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Renewed *renewed = user_data;

  renewed->result = g_object_ref (result);
}

static char *
renew (FcDownloadManager *manager)
{
  Renewed renewed = { NULL };
  g_autoptr(GError) error = NULL;
  char *authorization;

  fc_download_manager_renew_authorization_async (manager, NULL, on_renewed_cb, &renewed);
  while (renewed.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  authorization = fc_download_manager_renew_authorization_finish (manager, renewed.result, &error);
  g_assert_no_error (error);
  g_clear_object (&renewed.result);
  return authorization;
}

/* GET of a streamed video with this Authorization header, as souphttpsrc
 * sends it on a seek. */
static guint
stream_status (Fixture    *fixture,
               const char *file_url,
               const char *authorization)
{
  g_autoptr(GUri) uri = g_uri_parse (file_url, G_URI_FLAGS_NONE, NULL);
  const char *headers[] = { "Authorization", authorization, "Range", "bytes=0-99", NULL };
  g_autoptr(FcTestResponse) response = NULL;

  g_assert_nonnull (uri);
  response = fc_test_request_full (fixture->server, "GET", g_uri_get_path (uri), headers, NULL,
                                   NULL);
  return response->status;
}

/* The player streams with a copy of the access token; once it expires a
 * seek answers 401. The renewed authorization works, a renewal of a token
 * that still works answers it unchanged without a refresh, and a player
 * whose copy is older than the client's gets the client's token only once
 * the server accepted it: the client's had expired too in CI (the sync
 * refreshed it a lifetime earlier), and the player's next try was a
 * second 401 that it read as a locked video. */
static void
test_renew_authorization (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(FcDownloadManager) manager = NULL;
  g_autoptr(JsonObject) workout = NULL;
  g_autofree char *stale = NULL;
  g_autofree char *renewed = NULL;
  g_autofree char *again = NULL;
  g_autofree char *late = NULL;
  const char *file;
  FcApiClient *client;
  guint refreshes;

  fixture_start (fixture, SYNC_TEST_CONFIG "access_token_lifetime=3\n", FALSE);
  client = fc_session_get_client (fixture->session);
  manager = fc_download_manager_new (fixture->session);
  workout = ready_workout (fixture, 3);
  file = fc_json_get_string (json_array_get_object_element (fc_json_get_array (workout, "videos"),
                                                            0), "file");
  g_assert_nonnull (file);

  stale = fc_download_manager_dup_authorization (manager);
  g_assert_cmpuint (stream_status (fixture, file, stale), ==, 206);
  sync_test_sleep (4500);
  g_assert_cmpuint (stream_status (fixture, file, stale), ==, 401);

  refreshes = fc_api_client_get_refresh_count (client);
  renewed = renew (manager);
  g_assert_cmpstr (renewed, !=, stale);
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, refreshes + 1);
  g_assert_cmpuint (stream_status (fixture, file, renewed), ==, 206);

  /* Still valid: asked again at once, the same token and no refresh. */
  again = renew (manager);
  g_assert_cmpstr (again, ==, renewed);
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, refreshes + 1);

  /* The player still holds @stale; the client's @renewed has expired
   * since: what the player gets streams. */
  sync_test_sleep (4500);
  g_assert_cmpuint (stream_status (fixture, file, renewed), ==, 401);
  late = renew (manager);
  g_assert_cmpstr (late, !=, renewed);
  g_assert_cmpstr (late, !=, stale);
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, refreshes + 2);
  g_assert_cmpuint (stream_status (fixture, file, late), ==, 206);
}

/* Refusals then restarts: the late 401 came back in time in about one
 * round in 50 on a loaded 2-core machine. */
#define ROUNDS 60

static void
on_player_error_cb (FcPlayer     *player,
                    const GError *error,
                    GPtrArray    *errors)
{
  g_ptr_array_add (errors, g_strdup (error->message));
}

/* Iterates until @player leaves LOADING or has reported more than @errors
 * errors, 30 s at most. */
static void
wait_player (FcPlayer  *player,
             GPtrArray *errors,
             guint      count)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while ((fc_player_get_state (player) == FC_PLAYER_STATE_LOADING ||
          fc_player_get_state (player) == FC_PLAYER_STATE_STOPPED) &&
         errors->len <= count && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

/* A streamed video refused (its token no good) and started again at once
 * with a renewed token plays, each time, and the server sees one refused
 * request per refusal. The refused load's source used to linger and be
 * started once more by the next load: one more request with the old
 * token, whose 401 could come back as the new load's error (CI showed
 * “This Video Is Locked” after a renewal that worked), or a load that
 * never started. */
static void
test_player_restart_after_refusal (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(FcDownloadManager) manager = NULL;
  g_autoptr(JsonObject) workout = NULL;
  g_autoptr(FcPlayer) player = NULL;
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *fresh = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  const char *stale = "Bearer not-a-token";
  const char *uris[2] = { NULL, NULL };

  fixture_start (fixture, SYNC_TEST_CONFIG, TRUE);
  manager = fc_download_manager_new (fixture->session);
  workout = ready_workout (fixture, 3);
  uris[0] = fc_json_get_string (json_array_get_object_element (fc_json_get_array (workout,
                                                                                  "videos"),
                                                               0), "file");
  g_assert_nonnull (uris[0]);
  fresh = fc_download_manager_dup_authorization (manager);
  g_assert_nonnull (fresh);

  player = fc_player_new (gst_element_factory_make ("fakesink", NULL),
                          gst_element_factory_make ("fakesink", NULL));
  g_signal_connect (player, "error", G_CALLBACK (on_player_error_cb), errors);
  fc_player_set_playlist (player, uris, NULL, stale);

  for (guint round = 0; round < ROUNDS; round++) {
    fc_player_set_authorization (player, stale);
    fc_player_start_at (player, 0, 0);
    wait_player (player, errors, round);
    g_assert_cmpuint (errors->len, ==, round + 1);
    g_assert_true (g_error_matches (fc_player_get_error (player), FC_PLAYER_ERROR,
                                    FC_PLAYER_ERROR_LOCKED));

    fc_player_set_authorization (player, fresh);
    fc_player_start_at (player, 0, 0);
    wait_player (player, errors, round + 1);
    if (errors->len > round + 1)
      g_test_message ("round %u: %s", round, (const char *) errors->pdata[round + 1]);
    g_assert_cmpuint (errors->len, ==, round + 1);
    g_assert_null (fc_player_get_error (player));
  }
  /* No late answer to a refused load's extra request. */
  sync_test_sleep (500);
  g_assert_cmpuint (errors->len, ==, ROUNDS);
  g_assert_null (fc_player_get_error (player));
  fc_player_stop (player);

  lines = sync_test_log_take (fixture->log);
  g_assert_cmpuint (sync_test_lines_count (lines, " 401 "), ==, ROUNDS);
}

static void
empty_set_up (Fixture       *fixture,
              gconstpointer  data)
{
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gst_init (&argc, &argv);

  g_test_add ("/media/download-manager/download-remove", Fixture, NULL, fixture_set_up,
              test_download_remove, fixture_tear_down);
  g_test_add ("/media/download-manager/pause-restart", Fixture, NULL, fixture_set_up,
              test_pause_restart, fixture_tear_down);
  g_test_add ("/media/download-manager/sign-out-in", Fixture, NULL, fixture_set_up,
              test_sign_out_in, fixture_tear_down);
  g_test_add ("/media/download-manager/premium-revoked", Fixture, NULL, fixture_set_up,
              test_premium_revoked, fixture_tear_down);
  g_test_add ("/media/download-manager/token-refresh", Fixture, NULL, empty_set_up,
              test_token_refresh, fixture_tear_down);
  g_test_add ("/media/download-manager/player-restart-after-refusal", Fixture, NULL,
              empty_set_up, test_player_restart_after_refusal, fixture_tear_down);
  g_test_add ("/media/download-manager/renew-authorization", Fixture, NULL, empty_set_up,
              test_renew_authorization, fixture_tear_down);

  status = g_test_run ();
  if (demo_files != NULL) {
    const char *rm[] = { "rm", "-rf", demo_files, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
    g_free (demo_files);
  }
  return status;
}
