/* test-upload-queue.c — FcUploadQueue against the real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real video (GStreamer makes a few MiB of WebM) goes up in 256 KiB
 * chunks as the demo admin. Each check reads the server's word: its
 * request log, HEAD's Upload-Offset, the finished video's file (hashed and
 * compared with the source) and its database.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <utime.h>

#include "fc-store-uploads.h"
#include "fc-upload-queue.h"
#include "sync-test-util.h"

#define STAFF_EMAIL "admin@fitcore.local"
#define STAFF_PASSWORD "fitcore-admin"
#define CHUNK (256 * 1024)

typedef struct {
  FcTestServer *server;
  FcTestServer *first;     /* a killed server whose data dir the second uses */
  SyncTestLog  *log;
  char         *token;
  char         *url;
  gint64        workout;
  char         *dir;
  char         *video;     /* the source file */
  FcApiClient  *client;
  FcStore      *store;
} Fixture;

/* Made once: encoding a video takes a few seconds on a loaded machine. */
static char *video_path;

static char *
make_video (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "workout video.webm", NULL);
  g_autofree char *location = g_strdup_printf ("location=%s", path);
  const char *argv[] = {
    "gst-launch-1.0", "-q", "-e",
    "videotestsrc", "pattern=snow", "num-buffers=72", "!",
    "video/x-raw,width=640,height=360,framerate=24/1", "!",
    "vp8enc", "deadline=1", "cpu-used=8", "target-bitrate=12000000", "!",
    "webmmux", "!", "filesink", location,
    NULL,
  };
  int status = 0;
  GStatBuf st;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  /* Enough chunks for a pause, a cut and a restart to fall in the middle. */
  g_assert_cmpint (st.st_size, >, 8 * CHUNK);
  return g_steal_pointer (&path);
}

static char *
sha256_of_bytes (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static char *
sha256_of_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FcTestResponse) list = NULL;
  g_autofree char *account = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  JsonArray *results;
  gsize length = 0;

  if (video_path == NULL) {
    g_autofree char *dir = g_dir_make_tmp ("upload-video-XXXXXX", &error);

    g_assert_no_error (error);
    video_path = make_video (dir);
  }

  fixture->server = sync_test_server_start_logged (NULL, SYNC_TEST_CONFIG, args, &fixture->log);
  fixture->token = fc_test_login (fixture->server, STAFF_EMAIL, STAFF_PASSWORD, NULL);
  fixture->url = sync_test_url (fixture->server);

  list = fc_test_request (fixture->server, "GET", "/api/v1/workouts/workouts/", fixture->token,
                          NULL);
  g_assert_cmpuint (list->status, ==, 200);
  results = json_object_get_array_member (fc_test_response_object (list), "results");
  g_assert_cmpuint (json_array_get_length (results), >, 0);
  fixture->workout = json_object_get_int_member (json_array_get_object_element (results, 0), "id");

  /* Each test its own copy of the file, so that one may change it. */
  fixture->dir = g_dir_make_tmp ("upload-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->video = g_build_filename (fixture->dir, "legs.webm", NULL);
  g_assert_true (g_file_get_contents (video_path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (fixture->video, contents, (gssize) length, NULL));

  fixture->client = fc_api_client_new (fixture->url, &error);
  g_assert_no_error (error);
  fc_api_client_set_tokens (fixture->client, fixture->token, NULL);
  account = g_strdup_printf ("admin-%s", g_test_get_path ());
  g_strdelimit (account, "/", '-');
  fixture->store = sync_test_open_store ("upload-test", account);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->server, fc_test_server_free);
  g_clear_pointer (&fixture->first, fc_test_server_free);
  g_clear_pointer (&fixture->log, sync_test_log_free);
  g_free (fixture->token);
  g_free (fixture->url);
  g_unlink (fixture->video);
  g_rmdir (fixture->dir);
  g_free (fixture->video);
  g_free (fixture->dir);
}

/* The server answers resumable uploads (a probe upload made and removed);
 * the log then holds the queue's requests only. */
static void
assert_server_has_uploads (Fixture *fixture)
{
  g_autoptr(FcTestResponse) create =
    fc_test_request (fixture->server, "POST", "/api/v1/admin/uploads/", fixture->token,
                     "{\"filename\": \"probe.webm\", \"size\": 1}");
  g_autoptr(FcTestResponse) deleted = NULL;
  g_autofree char *path = NULL;

  g_assert_cmpuint (create->status, ==, 201);
  path = g_strdup_printf ("/api/v1/admin/uploads/%s/",
                          json_object_get_string_member (fc_test_response_object (create), "id"));
  deleted = fc_test_request (fixture->server, "DELETE", path, fixture->token, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  g_ptr_array_unref (sync_test_log_take (fixture->log));
}

static FcUploadQueue *
new_queue (Fixture *fixture)
{
  FcUploadQueue *queue = fc_upload_queue_new (fixture->client, fixture->store);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_upload_queue_set_chunk_size (queue, CHUNK);
  fc_upload_queue_set_retry_delay (queue, 100);
  fc_upload_queue_load_async (queue, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_upload_queue_load_finish (queue, result, &error));
  g_assert_no_error (error);
  return queue;
}

static gboolean
on_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*ItemCheck) (FcUploadItem *item,
                               gpointer      data);

/* Iterates until @check holds for @item (or fails the test after
 * @timeout_s). */
static void
wait_for (FcUploadItem *item,
          ItemCheck     check,
          gpointer      data,
          guint         timeout_s,
          const char   *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, on_tick_cb, NULL);

  while (!check (item, data)) {
    if (g_get_monotonic_time () > deadline)
      g_error ("Timed out waiting for %s (state %s, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
               " bytes, error %s)", what,
               fc_upload_state_to_string (fc_upload_item_get_state (item)),
               fc_upload_item_get_sent (item), fc_upload_item_get_size (item),
               fc_upload_item_get_error (item));
    g_main_context_iteration (NULL, TRUE);
  }
  g_source_remove (tick);
}

static gboolean
sent_at_least (FcUploadItem *item,
               gpointer      data)
{
  return fc_upload_item_get_sent (item) >= GPOINTER_TO_SIZE (data);
}

static gboolean
in_state (FcUploadItem *item,
          gpointer      data)
{
  return fc_upload_item_get_state (item) == (FcUploadState) GPOINTER_TO_INT (data);
}

static gboolean
finished (FcUploadItem *item,
          gpointer      data)
{
  FcUploadState state = fc_upload_item_get_state (item);

  return state == FC_UPLOAD_STATE_DONE || state == FC_UPLOAD_STATE_FAILED;
}

/* The server's Upload-Offset of @upload_id, or -1 for a 404. */
static gint64
server_offset (Fixture    *fixture,
               const char *upload_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/uploads/%s/", upload_id);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", fixture->token);
  const char *headers[] = { "Authorization", authorization, NULL };
  g_autoptr(FcTestResponse) response = fc_test_request_full (fixture->server, "HEAD", path,
                                                             headers, NULL, NULL);
  const char *offset;

  if (response->status == 404)
    return -1;
  g_assert_cmpuint (response->status, ==, 200);
  offset = soup_message_headers_get_one (response->headers, "Upload-Offset");
  g_assert_nonnull (offset);
  return g_ascii_strtoll (offset, NULL, 10);
}

/* The finished video's file as the server serves it, hashed and compared
 * with the source. */
static void
assert_video_matches (Fixture      *fixture,
                      FcUploadItem *item)
{
  g_autofree char *video_path_api = g_strdup_printf ("/api/v1/workouts/videos/%" G_GINT64_FORMAT
                                                     "/", fc_upload_item_get_video (item));
  g_autoptr(FcTestResponse) video = fc_test_request (fixture->server, "GET", video_path_api,
                                                     fixture->token, NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", fixture->token);
  const char *headers[] = { "Authorization", authorization, NULL };
  g_autoptr(FcTestResponse) file = NULL;
  g_autofree char *expected = sha256_of_file (fixture->video);
  g_autofree char *got = NULL;
  JsonObject *object;
  const char *url;

  g_assert_cmpuint (fc_upload_item_get_state (item), ==, FC_UPLOAD_STATE_DONE);
  g_assert_cmpint (fc_upload_item_get_video (item), >, 0);
  g_assert_cmpuint (video->status, ==, 200);
  object = fc_test_response_object (video);
  g_assert_cmpint (json_object_get_int_member (object, "workout"), ==, fixture->workout);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Legs");
  url = json_object_get_string_member (object, "file");
  g_assert_true (g_str_has_prefix (url, fixture->server->base_url));
  file = fc_test_request_full (fixture->server, "GET", url + strlen (fixture->server->base_url),
                               headers, NULL, NULL);
  g_assert_cmpuint (file->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (file->body), ==, fc_upload_item_get_size (item));
  got = sha256_of_bytes (file->body);
  g_assert_cmpstr (got, ==, expected);
}

static FcUploadItem *
add_video (Fixture       *fixture,
           FcUploadQueue *queue)
{
  g_autoptr(GFile) file = g_file_new_for_path (fixture->video);
  g_autoptr(GError) error = NULL;
  FcUploadItem *item = fc_upload_queue_add (queue, file, fixture->workout, "Legs", "Squats",
                                            FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
  return g_object_ref (item);
}

/* Queues the video on a new queue and waits until the server confirmed
 * @at_least bytes of it (0: a third of the file). */
static FcUploadItem *
start_upload (Fixture        *fixture,
              FcUploadQueue **out_queue,
              guint64         at_least)
{
  FcUploadItem *item;

  *out_queue = new_queue (fixture);
  item = add_video (fixture, *out_queue);
  if (at_least == 0)
    at_least = fc_upload_item_get_size (item) / 3;
  wait_for (item, sent_at_least, GSIZE_TO_POINTER (at_least), 120, "the first bytes sent");
  g_assert_cmpuint (fc_upload_item_get_sent (item), <, fc_upload_item_get_size (item));
  return item;
}

/* Waits until the store has run every job asked of it so far. The queue
 * changes an item (its state, its video) and then writes the item's row
 * on the store's worker thread, so a test that saw the change must wait
 * for the write before it reads the file: the worker runs its jobs one at
 * a time in the order they came (src/store/fc-store.c), so the answer to
 * a list asked now comes after every row written before it. */
static void
store_settle (Fixture *fixture)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  fc_store_uploads_list_async (fixture->store, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  rows = fc_store_uploads_list_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
}

/* The rows once the store settled, and how many say @where */
static gint64
store_rows_where (Fixture    *fixture,
                  const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM uploads%s%s",
                                          where != NULL ? " WHERE " : "", where ? where : "");

  store_settle (fixture);
  return sync_test_store_count (fixture->store, sql);
}

static gint64
store_rows (Fixture *fixture)
{
  return store_rows_where (fixture, NULL);
}

/* The server is killed mid-upload and started again: the queue waits,
 * asks HEAD for the offset and goes on from there, with one upload on the
 * server from start to end, and the stored file is the source's. */
static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(FcUploadQueue) queue = NULL;
  g_autoptr(FcUploadItem) item = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(SyncTestLog) second_log = NULL;
  guint64 size;
  guint64 at_kill;

  assert_server_has_uploads (fixture);
  item = start_upload (fixture, &queue, 0);
  size = fc_upload_item_get_size (item);

  before = sync_test_log_take (fixture->log);
  fc_test_server_kill (fixture->server);
  fixture->first = g_steal_pointer (&fixture->server);
  wait_for (item, in_state, GINT_TO_POINTER (FC_UPLOAD_STATE_WAITING), 60, "waiting");
  at_kill = fc_upload_item_get_sent (item);
  g_assert_cmpuint (at_kill, <, size);
  g_assert_cmpuint (sync_test_lines_count (before, "POST /api/v1/admin/uploads/ 201"), ==, 1);

  fixture->server = sync_test_server_start_logged (fixture->first->data_dir, SYNC_TEST_CONFIG,
                                                   args, &second_log);
  if (g_strcmp0 (fixture->server->base_url, fixture->first->base_url) != 0) {
    g_autofree char *url = sync_test_url (fixture->server);

    g_assert_true (fc_api_client_set_base_url (fixture->client, url, NULL));
    fc_api_client_set_tokens (fixture->client, fixture->token, NULL);
  }
  wait_for (item, finished, NULL, 180, "done");
  assert_video_matches (fixture, item);

  /* Resumed, not started again: no second upload, a HEAD first, and the
   * first PATCH after the restart from the offset the server had. */
  after = sync_test_log_take (second_log);
  sync_test_log_lines ("after the restart", after);
  g_assert_cmpuint (sync_test_lines_count (after, "POST /api/v1/admin/uploads/ "), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (after, "HEAD /api/v1/admin/uploads/"), >=, 1);
  g_assert_true (g_str_has_prefix (after->pdata[0], "HEAD /api/v1/admin/uploads/"));
  g_assert_cmpuint (sync_test_lines_count (after, "PATCH /api/v1/admin/uploads/"), <=,
                    (size - at_kill + CHUNK - 1) / CHUNK + 1);
  g_assert_cmpuint (sync_test_lines_count (after, "/complete/ 201"), ==, 1);
  /* The row says done, with the video, once the write that follows the
   * item's change landed (it did not yet, once, on a loaded machine). */
  g_assert_cmpint (store_rows_where (fixture, "state = 'done' AND video > 0"), ==, 1);
}

/* A queue dropped mid-upload (the app quit) and a new one on the same
 * store goes on from the server's offset. */
static void
test_persisted (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(FcUploadQueue) queue = NULL;
  g_autoptr(FcUploadItem) item = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *upload_id = NULL;
  guint64 size;
  gint64 offset;

  assert_server_has_uploads (fixture);
  item = start_upload (fixture, &queue, 0);
  size = fc_upload_item_get_size (item);
  upload_id = g_strdup (fc_upload_item_get_upload_id (item));
  g_clear_object (&item);
  g_clear_object (&queue);
  /* Let the last chunk's answer and row land. */
  sync_test_sleep (500);
  offset = server_offset (fixture, upload_id);
  g_assert_cmpint (offset, >, 0);
  g_assert_cmpint (offset, <, (gint64) size);
  g_assert_cmpint (store_rows (fixture), ==, 1);
  g_ptr_array_unref (sync_test_log_take (fixture->log));

  queue = new_queue (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (queue), 0);
  g_assert_cmpstr (fc_upload_item_get_upload_id (item), ==, upload_id);
  g_assert_cmpstr (fc_upload_item_get_title (item), ==, "Legs");
  wait_for (item, finished, NULL, 180, "done");
  assert_video_matches (fixture, item);

  lines = sync_test_log_take (fixture->log);
  g_assert_cmpuint (sync_test_lines_count (lines, "POST /api/v1/admin/uploads/ "), ==, 0);
  g_assert_true (g_str_has_prefix (lines->pdata[0], "HEAD /api/v1/admin/uploads/"));
  g_assert_cmpuint (sync_test_lines_count (lines, "PATCH /api/v1/admin/uploads/"), <=,
                    (size - (guint64) offset + CHUNK - 1) / CHUNK + 1);
}

/* Pause stops the traffic: the server's offset stays put for seconds;
 * Resume finishes the file. */
static void
test_pause (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(FcUploadQueue) queue = NULL;
  g_autoptr(FcUploadItem) item = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  guint64 size;
  gint64 first, second;

  assert_server_has_uploads (fixture);
  item = start_upload (fixture, &queue, 2 * CHUNK);
  size = fc_upload_item_get_size (item);
  fc_upload_queue_pause (queue, item);
  g_assert_cmpuint (fc_upload_item_get_state (item), ==, FC_UPLOAD_STATE_PAUSED);
  g_assert_false (fc_upload_queue_get_busy (queue));

  /* A chunk in flight when the pause came may still land: read the offset
   * once things settled, then again later. */
  sync_test_sleep (1000);
  first = server_offset (fixture, fc_upload_item_get_upload_id (item));
  g_ptr_array_unref (sync_test_log_take (fixture->log));
  sync_test_sleep (3000);
  second = server_offset (fixture, fc_upload_item_get_upload_id (item));
  lines = sync_test_log_take (fixture->log);
  g_assert_cmpint (first, >, 0);
  g_assert_cmpint (first, <, (gint64) size);
  g_assert_cmpint (second, ==, first);
  g_assert_cmpuint (sync_test_lines_count (lines, "PATCH "), ==, 0);
  g_assert_cmpuint (fc_upload_item_get_state (item), ==, FC_UPLOAD_STATE_PAUSED);
  g_assert_cmpint (store_rows_where (fixture, "state = 'paused'"), ==, 1);

  fc_upload_queue_resume (queue, item);
  wait_for (item, finished, NULL, 180, "done");
  assert_video_matches (fixture, item);
}

/* Cancel deletes the upload on the server and forgets the row. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FcUploadQueue) queue = NULL;
  g_autoptr(FcUploadItem) item = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *upload_id = NULL;
  g_autofree char *needle = NULL;

  assert_server_has_uploads (fixture);
  item = start_upload (fixture, &queue, CHUNK);
  upload_id = g_strdup (fc_upload_item_get_upload_id (item));
  g_assert_cmpint (server_offset (fixture, upload_id), >, 0);

  fc_upload_queue_cancel (queue, item);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 0);
  needle = g_strdup_printf ("DELETE /api/v1/admin/uploads/%s/ 204", upload_id);
  lines = sync_test_log_take_until (fixture->log, needle, 30);
  g_assert_nonnull (lines);
  g_assert_cmpint (server_offset (fixture, upload_id), ==, -1);
  g_assert_cmpint (store_rows (fixture), ==, 0);
}

/* A file that changed on disk since it was queued is refused with a
 * sentence that says so, and nothing more of it is sent. */
static void
test_changed_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FcUploadQueue) queue = NULL;
  g_autoptr(FcUploadItem) item = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  struct utimbuf times;
  GStatBuf st;

  assert_server_has_uploads (fixture);
  item = start_upload (fixture, &queue, CHUNK);
  fc_upload_queue_pause (queue, item);

  /* The same size and bytes, another modification time: a file edited in
   * place is only told by its time. */
  g_assert_cmpint (g_stat (fixture->video, &st), ==, 0);
  file = g_file_new_for_path (fixture->video);
  out = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL));
  times.actime = st.st_atime;
  times.modtime = st.st_mtime + 7;
  g_assert_cmpint (g_utime (fixture->video, &times), ==, 0);

  sync_test_sleep (500);
  g_ptr_array_unref (sync_test_log_take (fixture->log));
  fc_upload_queue_resume (queue, item);
  wait_for (item, finished, NULL, 60, "refused");
  g_assert_cmpuint (fc_upload_item_get_state (item), ==, FC_UPLOAD_STATE_FAILED);
  g_assert_nonnull (strstr (fc_upload_item_get_error (item), "changed since it was queued"));
  g_assert_cmpint (fc_upload_item_get_video (item), ==, 0);
  sync_test_sleep (500);
  lines = sync_test_log_take (fixture->log);
  g_assert_cmpuint (sync_test_lines_count (lines, "PATCH "), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (lines, "/complete/"), ==, 0);
  g_assert_cmpint (store_rows_where (fixture, "state = 'failed'"), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/sync/upload-queue/server-restart", Fixture, NULL, fixture_set_up, test_restart,
              fixture_tear_down);
  g_test_add ("/sync/upload-queue/persisted", Fixture, NULL, fixture_set_up, test_persisted,
              fixture_tear_down);
  g_test_add ("/sync/upload-queue/pause", Fixture, NULL, fixture_set_up, test_pause,
              fixture_tear_down);
  g_test_add ("/sync/upload-queue/cancel", Fixture, NULL, fixture_set_up, test_cancel,
              fixture_tear_down);
  g_test_add ("/sync/upload-queue/changed-file", Fixture, NULL, fixture_set_up,
              test_changed_file, fixture_tear_down);

  status = g_test_run ();
  if (video_path != NULL) {
    g_autofree char *dir = g_path_get_dirname (video_path);

    g_unlink (video_path);
    g_rmdir (dir);
    g_clear_pointer (&video_path, g_free);
  }
  return status;
}
