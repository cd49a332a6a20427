/* test-downloader.c — FcDownloader and FcPlayer against the real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The video is a real WebM made here and uploaded as staff; it is served by
 * the workouts section's file route (Range, ETag, the access rule). Each
 * resume uses a new FcDownloader, as after a restart of the app: only the
 * files on disk carry the state. Requests go through an FcApiClient, as in
 * the app; a proxy between it and the server drops a connection where a
 * test says, and a server restarted with two-second access tokens lets one
 * expire before or during a download.
 */

#include "config.h"

#include <stdio.h>

#include <glib/gstdio.h>

#include "fc-api-client.h"
#include "fc-downloader.h"
#include "fc-json.h"
#include "fc-player.h"
#include "media-test-util.h"
#include "workouts-test-util.h"

static char *media_dir;
static char *video_path;     /* 3 s of noise: about 2.4 MB */
static char *changed_path;   /* another video, of another size */
static char *self_path;      /* this binary, run again as a child */

typedef struct {
  NtFixture  base;
  char      *dir;            /* where downloads go */
  char      *destination;
  char      *url;            /* the video's file URL */
  char      *sha256;
  gint64     size;
  gint64     workout;
} DlFixture;

typedef struct {
  FcDownloader *downloader;
  GArray       *dones;       /* guint64: every item-progress "done" */
  guint64       pause_at;    /* 0: never */
  gboolean      cancel;      /* cancel instead of pause */
  gboolean      stopped;     /* paused, cancelled or finished */
  gboolean      finished;
  GError       *error;
} Run;

/* Uploads @path as a video of @workout as staff and returns its id. */
static gint64
upload (DlFixture  *fixture,
        const char *path,
        gboolean    is_free)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (mapped);
  return wt_add_video (fixture->base.server, fixture->base.token_staff, bytes, fixture->workout,
                       "Noise", is_free);
}

static void
read_video (DlFixture *fixture,
            gint64     id)
{
  g_autofree char *path = g_strdup_printf (WT_API "videos/%" G_GINT64_FORMAT "/", id);
  g_autoptr(JsonNode) node = nt_request (fixture->base.server, "GET", path,
                                         fixture->base.token_staff, NULL, 200);
  JsonObject *video = json_node_get_object (node);

  g_free (fixture->url);
  fixture->url = g_strdup (fc_json_get_string (video, "file"));
  g_assert_nonnull (fixture->url);
  fixture->size = wt_int (video, "file_size");
  g_free (fixture->sha256);
  fixture->sha256 = g_strdup (fc_json_get_string (video, "checksum"));
}

static void
fixture_set_up (DlFixture     *fixture,
                gconstpointer  data)
{
  g_autofree char *source_sha = mt_file_sha256 (video_path);

  nt_fixture_set_up (&fixture->base, NULL);
  fixture->dir = mt_make_dir ();
  fixture->destination = g_build_filename (fixture->dir, "1.webm", NULL);
  fixture->workout = nt_create (fixture->base.server, WT_API "workouts/",
                                fixture->base.token_staff, "{\"title\":\"Offline\"}");
  read_video (fixture, upload (fixture, video_path, TRUE));
  /* What the API says is what was uploaded. */
  g_assert_cmpstr (fixture->sha256, ==, source_sha);
}

static void
fixture_tear_down (DlFixture     *fixture,
                   gconstpointer  data)
{
  mt_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->destination);
  g_free (fixture->url);
  g_free (fixture->sha256);
  nt_fixture_tear_down (&fixture->base, NULL);
}

static void
on_item_progress_cb (FcDownloader *downloader,
                     guint         index,
                     guint64       done,
                     guint64       total,
                     Run          *run)
{
  g_array_append_val (run->dones, done);
  if (run->pause_at > 0 && done >= run->pause_at && !run->stopped) {
    run->stopped = TRUE;
    if (run->cancel)
      fc_downloader_cancel (downloader);
    else
      fc_downloader_pause (downloader);
  }
}

static void
on_finished_cb (FcDownloader *downloader,
                const GError *error,
                Run          *run)
{
  run->finished = TRUE;
  run->stopped = TRUE;
  if (error != NULL)
    run->error = g_error_copy (error);
}

/* A client of the server @url is on, holding @access and @refresh (either
 * may be NULL), as the app's session would hand it to the downloader. */
static FcApiClient *
client_for (const char *url,
            const char *access,
            const char *refresh)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  FcApiClient *client;

  g_assert_nonnull (uri);
  base = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), "/", NULL, NULL);
  client = fc_api_client_new (base, &error);
  g_assert_no_error (error);
  /* The tests kill servers on purpose: no need to wait long to see it. */
  g_object_set (client, "retry-delay", 100, NULL);
  fc_api_client_set_tokens (client, access, refresh);
  return client;
}

/* Starts a new downloader on @client, @url → @destination and waits until
 * it pauses at @pause_at, finishes or fails; then until it is gone, so
 * nothing of it still touches the files. Returns the Run (dones, error). */
static Run *
run_download_on (FcApiClient *client,
                 const char  *url,
                 const char  *destination,
                 gint64       size,
                 const char  *sha256,
                 guint64      pause_at,
                 gboolean     cancel)
{
  Run *run = g_new0 (Run, 1);
  FcDownloader *downloader = fc_downloader_new (client);
  GObject *alive = G_OBJECT (downloader);

  run->dones = g_array_new (FALSE, FALSE, sizeof (guint64));
  run->pause_at = pause_at;
  run->cancel = cancel;
  g_assert_cmpuint (fc_downloader_add (downloader, url, destination, size, sha256), ==, 0);
  g_signal_connect (downloader, "item-progress", G_CALLBACK (on_item_progress_cb), run);
  g_signal_connect (downloader, "finished", G_CALLBACK (on_finished_cb), run);
  fc_downloader_start (downloader);
  g_assert_true (mt_wait_flag (&run->stopped, 30));
  if (pause_at > 0 && !run->finished)
    g_assert_cmpint (fc_downloader_get_state (downloader), ==,
                     cancel ? FC_DOWNLOADER_STATE_CANCELLED : FC_DOWNLOADER_STATE_PAUSED);

  g_signal_handlers_disconnect_by_data (downloader, run);
  g_object_add_weak_pointer (alive, (gpointer *) &alive);
  g_object_unref (downloader);
  while (alive != NULL)
    g_main_context_iteration (NULL, TRUE);
  return run;
}

/* run_download_on() with a new client holding the access token @token. */
static Run *
run_download (const char *url,
              const char *destination,
              gint64      size,
              const char *sha256,
              const char *token,
              guint64     pause_at,
              gboolean    cancel)
{
  g_autoptr(FcApiClient) client = client_for (url, token, NULL);

  return run_download_on (client, url, destination, size, sha256, pause_at, cancel);
}

static void
run_free (Run *run)
{
  g_array_unref (run->dones);
  g_clear_error (&run->error);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static guint64
first_done (Run *run)
{
  g_assert_cmpuint (run->dones->len, >, 0);
  return g_array_index (run->dones, guint64, 0);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : -1;
}

static int
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
assert_no_partial (const char *destination)
{
  g_autofree char *part = g_strconcat (destination, ".part", NULL);
  g_autofree char *sidecar = g_strconcat (destination, ".part.json", NULL);

  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
}

/* Interrupted at ten random offsets, each resume starts exactly where the
 * .part file ends, and the result is the uploaded file, byte for byte. */
static void
test_resume (DlFixture     *fixture,
             gconstpointer  data)
{
  g_autofree char *part = g_strconcat (fixture->destination, ".part", NULL);
  g_autofree char *sidecar = g_strconcat (fixture->destination, ".part.json", NULL);
  g_autofree char *sha = NULL;
  g_autoptr(Run) last = NULL;
  gint64 offsets[10];
  gint64 previous = 0;

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    offsets[i] = g_test_rand_int_range (1, fixture->size - 1);
  qsort (offsets, G_N_ELEMENTS (offsets), sizeof (gint64), compare_offsets);

  /* Until a pause falls after the last byte (then the final start only
   * checks what is there). */
  for (guint i = 0; i < G_N_ELEMENTS (offsets) && previous < fixture->size; i++) {
    g_autoptr(Run) run = run_download (fixture->url, fixture->destination, fixture->size,
                                       fixture->sha256, fixture->base.token_a, offsets[i], FALSE);
    gint64 size = file_size (part);

    g_assert_no_error (run->error);
    g_assert_false (run->finished);
    g_assert_cmpuint (first_done (run), ==, previous);
    g_assert_cmpint (size, >=, MAX (offsets[i], previous));
    /* A pause after the last byte leaves it unchecked, still a .part. */
    g_assert_cmpint (size, <=, fixture->size);
    g_assert_true (g_file_test (sidecar, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (fixture->destination, G_FILE_TEST_EXISTS));
    g_test_message ("interrupted at %" G_GINT64_FORMAT " (asked %" G_GINT64_FORMAT ")", size,
                    offsets[i]);
    previous = size;
  }

  last = run_download (fixture->url, fixture->destination, fixture->size, fixture->sha256,
                       fixture->base.token_a, 0, FALSE);
  g_assert_no_error (last->error);
  g_assert_true (last->finished);
  g_assert_cmpuint (first_done (last), ==, previous);
  sha = mt_file_sha256 (fixture->destination);
  g_assert_cmpstr (sha, ==, fixture->sha256);
  assert_no_partial (fixture->destination);
}

/* ---- A download in a child process, killed with SIGKILL ---------------- */

static void
on_child_progress_cb (FcDownloader *downloader,
                      guint         index,
                      guint64       done,
                      guint64       total,
                      gpointer      data)
{
  guint64 stop_at = data == NULL ? G_MAXUINT64 : *(const guint64 *) data;

  printf ("%" G_GUINT64_FORMAT "\n", done);
  fflush (stdout);
  /* Frozen mid-transfer until the parent's SIGKILL: on a fast machine
   * the rest of the file (and its rename) otherwise lands before the
   * kill does, and there is no .part left to resume from. */
  if (done >= stop_at && done < total)
    for (;;)
      g_usleep (G_USEC_PER_SEC);
}

/* `test-downloader --child URL DEST SIZE SHA256 [STOP_AT]`: downloads and
 * prints every progress "done" on a line, as the app would before it is
 * killed; with STOP_AT it stops once that many bytes are done and waits
 * for the kill. */
static guint64 child_stop_at;

static int
child_main (char **argv)
{
  g_autoptr(FcApiClient) client = client_for (argv[2], NULL, NULL);
  g_autoptr(FcDownloader) downloader = fc_downloader_new (client);
  Run run = { 0 };

  fc_downloader_add (downloader, argv[2], argv[3], g_ascii_strtoll (argv[4], NULL, 10), argv[5]);
  if (argv[6] != NULL)
    child_stop_at = g_ascii_strtoull (argv[6], NULL, 10);
  g_signal_connect (downloader, "item-progress", G_CALLBACK (on_child_progress_cb),
                    child_stop_at > 0 ? &child_stop_at : NULL);
  g_signal_connect (downloader, "finished", G_CALLBACK (on_finished_cb), &run);
  fc_downloader_start (downloader);
  while (!run.finished)
    g_main_context_iteration (NULL, TRUE);
  if (run.error != NULL)
    /* printf, not g_print: the bytes must reach the parent as UTF-8 in any
     * locale. */
    printf ("error %s %d %s\n", g_quark_to_string (run.error->domain), run.error->code,
             run.error->message);
  return run.error == NULL ? 0 : 1;
}

/* Starts a child downloading and kills it once it has reported @kill_at
 * bytes; returns the first "done" it reported (where it resumed from). */
static guint64
download_in_child_and_kill (DlFixture *fixture,
                            guint64    kill_at)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->size);
  g_autofree char *stop_at = g_strdup_printf ("%" G_GUINT64_FORMAT, kill_at);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  guint64 first = G_MAXUINT64;
  char *line;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_path, "--child",
                            fixture->url, fixture->destination, size, fixture->sha256, stop_at,
                            NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL) {
    guint64 done = g_ascii_strtoull (line, NULL, 10);

    g_free (line);
    if (first == G_MAXUINT64)
      first = done;
    if (done >= kill_at)
      break;
  }
  g_assert_no_error (error);
  g_subprocess_force_exit (child);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_false (g_subprocess_get_successful (child));
  g_assert_cmpuint (first, !=, G_MAXUINT64);
  return first;
}

/* The app killed mid-download (SIGKILL, nothing flushed or closed) resumes
 * from what reached the disk, and the result is still the upload. */
static void
test_resume_after_kill (DlFixture     *fixture,
                        gconstpointer  data)
{
  g_autofree char *part = g_strconcat (fixture->destination, ".part", NULL);
  g_autofree char *sha = NULL;
  g_autoptr(Run) last = NULL;
  gint64 previous = 0;

  for (guint i = 1; i <= 5; i++) {
    guint64 first = download_in_child_and_kill (fixture, fixture->size * i / 6);
    gint64 size = file_size (part);

    g_assert_cmpuint (first, ==, previous);
    g_assert_cmpint (size, >=, fixture->size * i / 6);
    g_test_message ("killed with %" G_GINT64_FORMAT " bytes on disk", size);
    previous = size;
    if (size == fixture->size)
      break;
  }

  last = run_download (fixture->url, fixture->destination, fixture->size, fixture->sha256, NULL,
                       0, FALSE);
  g_assert_no_error (last->error);
  g_assert_cmpuint (first_done (last), ==, previous);
  sha = mt_file_sha256 (fixture->destination);
  g_assert_cmpstr (sha, ==, fixture->sha256);
  assert_no_partial (fixture->destination);
}

/* A full disk: the child downloads into a 512 KiB tmpfs of its own (a user
 * and mount namespace from unshare(1), no privileges needed) and must stop
 * with G_IO_ERROR_NO_SPACE and a message naming the file. */
static void
test_disk_full (DlFixture     *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->size);
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("error g-io-error-quark %d ", G_IO_ERROR_NO_SPACE);
  g_autoptr(GSubprocess) child = NULL;
  const char *script = "mount -t tmpfs -o size=512k tmpfs \"$1\" || exit 77; shift; exec \"$@\"";

  if (g_find_program_in_path ("unshare") == NULL) {
    g_test_skip ("no unshare(1)");
    return;
  }
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, "unshare", "-rm", "sh", "-c", script, "sh", fixture->dir,
                            self_path, "--child", fixture->url, fixture->destination, size,
                            fixture->sha256, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (child) && g_subprocess_get_exit_status (child) == 77) {
    g_test_skip ("no user namespaces to mount a small tmpfs in");
    return;
  }
  g_test_message ("%s", strstr (out, "error ") != NULL ? strstr (out, "error ") : out);
  g_assert_nonnull (strstr (out, expected));
  g_assert_nonnull (strstr (out, "Could not save “1.webm”"));
  g_assert_false (g_subprocess_get_successful (child));
}

/* Paused after the last byte, before the check: the next start checks the
 * .part as it is instead of asking for an empty range. */
static void
test_paused_at_end (DlFixture     *fixture,
                    gconstpointer  data)
{
  g_autofree char *part = g_strconcat (fixture->destination, ".part", NULL);
  g_autofree char *sha = NULL;
  g_autoptr(Run) first = NULL;
  g_autoptr(Run) second = NULL;

  first = run_download (fixture->url, fixture->destination, fixture->size, fixture->sha256, NULL,
                        fixture->size, FALSE);
  g_assert_false (first->finished);
  g_assert_cmpint (file_size (part), ==, fixture->size);

  second = run_download (fixture->url, fixture->destination, fixture->size, fixture->sha256, NULL,
                         0, FALSE);
  g_assert_no_error (second->error);
  g_assert_true (second->finished);
  g_assert_cmpuint (second->dones->len, >=, 1);
  for (guint i = 0; i < second->dones->len; i++)
    g_assert_cmpuint (g_array_index (second->dones, guint64, i), ==, fixture->size);
  sha = mt_file_sha256 (fixture->destination);
  g_assert_cmpstr (sha, ==, fixture->sha256);
  assert_no_partial (fixture->destination);
}

/* The server's file changed while the download was paused: the bytes
 * already here belong to the old one, so the item starts over. */
static void
test_etag_change (DlFixture     *fixture,
                  gconstpointer  data)
{
  g_autofree char *videos = g_build_filename (fixture->base.server->data_dir, "protected",
                                              "videos", NULL);
  g_autoptr(GDir) dir = g_dir_open (videos, 0, NULL);
  g_autofree char *served = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *new_sha = mt_file_sha256 (changed_path);
  g_autofree char *sha = NULL;
  g_autoptr(Run) first = NULL;
  g_autoptr(Run) second = NULL;
  gboolean restarted = FALSE;
  gsize length;

  first = run_download (fixture->url, fixture->destination, -1, NULL, NULL,
                        fixture->size / 2, FALSE);
  g_assert_false (first->finished);

  g_assert_nonnull (dir);
  served = g_build_filename (videos, g_dir_read_name (dir), NULL);
  g_assert_null (g_dir_read_name (dir));
  g_assert_true (g_file_get_contents (changed_path, &contents, &length, NULL));
  g_assert_cmpint ((gint64) length, !=, fixture->size);
  g_assert_true (g_file_set_contents (served, contents, length, NULL));

  second = run_download (fixture->url, fixture->destination, length, new_sha, NULL, 0, FALSE);
  g_assert_no_error (second->error);
  g_assert_true (second->finished);
  g_assert_cmpuint (first_done (second), >=, fixture->size / 2);
  for (guint i = 1; i < second->dones->len; i++)
    restarted |= g_array_index (second->dones, guint64, i) == 0;
  g_assert_true (restarted);
  sha = mt_file_sha256 (fixture->destination);
  g_assert_cmpstr (sha, ==, new_sha);
  assert_no_partial (fixture->destination);
}

static void
test_wrong_checksum (DlFixture     *fixture,
                     gconstpointer  data)
{
  g_autoptr(Run) bad_sha = NULL;
  g_autoptr(Run) bad_size = NULL;
  char zeros[65];

  memset (zeros, '0', 64);
  zeros[64] = '\0';
  bad_sha = run_download (fixture->url, fixture->destination, fixture->size, zeros, NULL, 0,
                          FALSE);
  g_assert_error (bad_sha->error, FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_CHECKSUM);
  g_assert_nonnull (strstr (bad_sha->error->message, "1.webm"));
  g_assert_false (g_file_test (fixture->destination, G_FILE_TEST_EXISTS));
  assert_no_partial (fixture->destination);

  bad_size = run_download (fixture->url, fixture->destination, fixture->size + 1, NULL, NULL, 0,
                           FALSE);
  g_assert_error (bad_size->error, FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_SIZE);
  g_assert_false (g_file_test (fixture->destination, G_FILE_TEST_EXISTS));
  assert_no_partial (fixture->destination);
}

static void
test_cancel (DlFixture     *fixture,
             gconstpointer  data)
{
  g_autoptr(Run) run = run_download (fixture->url, fixture->destination, fixture->size, NULL, NULL,
                                     fixture->size / 3, TRUE);

  g_assert_false (run->finished);
  g_assert_false (g_file_test (fixture->destination, G_FILE_TEST_EXISTS));
  assert_no_partial (fixture->destination);
}

static void
on_pause_then_start_cb (FcDownloader *downloader,
                        guint         index,
                        guint64       done,
                        guint64       total,
                        Run          *run)
{
  if (done >= run->pause_at && !run->stopped) {
    run->stopped = TRUE;
    fc_downloader_pause (downloader);
    g_assert_cmpint (fc_downloader_get_state (downloader), ==, FC_DOWNLOADER_STATE_PAUSED);
    /* Resumed at once, while the paused transfer is still unwinding. */
    fc_downloader_start (downloader);
  }
}

/* Pause and resume on one downloader, as the Pause/Resume button does. */
static void
test_pause_resume (DlFixture     *fixture,
                   gconstpointer  data)
{
  g_autoptr(FcApiClient) client = client_for (fixture->url, NULL, NULL);
  g_autoptr(FcDownloader) downloader = fc_downloader_new (client);
  g_autofree char *sha = NULL;
  Run run = { 0 };

  run.pause_at = fixture->size / 2;
  fc_downloader_add (downloader, fixture->url, fixture->destination, fixture->size,
                     fixture->sha256);
  g_signal_connect (downloader, "item-progress", G_CALLBACK (on_pause_then_start_cb), &run);
  g_signal_connect (downloader, "finished", G_CALLBACK (on_finished_cb), &run);
  fc_downloader_start (downloader);
  g_assert_true (mt_wait_flag (&run.finished, 30));
  g_assert_no_error (run.error);
  g_assert_cmpint (fc_downloader_get_state (downloader), ==, FC_DOWNLOADER_STATE_DONE);
  sha = mt_file_sha256 (fixture->destination);
  g_assert_cmpstr (sha, ==, fixture->sha256);
  assert_no_partial (fixture->destination);
  g_signal_handlers_disconnect_by_data (downloader, &run);
}

/* Two items, one progress: the totals add up and both land verified. */
static void
test_several (DlFixture     *fixture,
              gconstpointer  data)
{
  g_autoptr(FcApiClient) client = client_for (fixture->url, NULL, NULL);
  g_autoptr(FcDownloader) downloader = fc_downloader_new (client);
  g_autofree char *server = g_build_filename (fixture->dir, "server", NULL);
  g_autofree char *nested = g_build_filename (server, "7", NULL);
  g_autofree char *second = g_build_filename (nested, "2.webm", NULL);
  g_autofree char *sha = NULL;
  Run run = { 0 };

  run.dones = g_array_new (FALSE, FALSE, sizeof (guint64));
  fc_downloader_add (downloader, fixture->url, fixture->destination, fixture->size,
                     fixture->sha256);
  fc_downloader_add (downloader, fixture->url, second, -1, fixture->sha256);
  g_assert_cmpuint (fc_downloader_get_n_items (downloader), ==, 2);
  g_signal_connect (downloader, "finished", G_CALLBACK (on_finished_cb), &run);
  fc_downloader_start (downloader);
  g_assert_true (mt_wait_flag (&run.finished, 30));
  g_assert_no_error (run.error);
  g_assert_cmpint (fc_downloader_get_state (downloader), ==, FC_DOWNLOADER_STATE_DONE);
  g_assert_cmpuint (fc_downloader_get_bytes_total (downloader), ==, 2 * fixture->size);
  g_assert_cmpuint (fc_downloader_get_bytes_done (downloader), ==, 2 * fixture->size);
  g_assert_cmpfloat (fc_downloader_get_fraction (downloader), ==, 1.0);
  /* The second went into directories the downloader made. */
  sha = mt_file_sha256 (second);
  g_assert_cmpstr (sha, ==, fixture->sha256);
  g_unlink (second);
  g_assert_cmpint (g_rmdir (nested), ==, 0);
  g_assert_cmpint (g_rmdir (server), ==, 0);
  g_signal_handlers_disconnect_by_data (downloader, &run);
  g_array_unref (run.dones);
}

static void
test_errors (DlFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *srv = fixture->base.server;
  g_autofree char *missing = g_strdup_printf ("%s" WT_API "videos/9999/file/", srv->base_url);
  g_autoptr(Run) locked = NULL;
  g_autoptr(Run) anonymous = NULL;
  g_autoptr(Run) allowed = NULL;
  g_autoptr(Run) gone = NULL;
  g_autoptr(Run) offline = NULL;
  gint64 premium;

  premium = nt_create (srv, WT_API "workouts/", fixture->base.token_staff,
                       "{\"title\":\"Premium\",\"is_premium\":true}");
  fixture->workout = premium;
  read_video (fixture, upload (fixture, video_path, FALSE));

  locked = run_download (fixture->url, fixture->destination, -1, NULL, fixture->base.token_a, 0,
                         FALSE);
  g_assert_error (locked->error, FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_LOCKED);
  g_assert_nonnull (strstr (locked->error->message, "403"));
  anonymous = run_download (fixture->url, fixture->destination, -1, NULL, NULL, 0, FALSE);
  g_assert_error (anonymous->error, FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_LOCKED);
  g_assert_false (g_file_test (fixture->destination, G_FILE_TEST_EXISTS));

  /* The Authorization header is what opens it. */
  wt_set_premium (srv, NT_EMAIL_A, TRUE);
  allowed = run_download (fixture->url, fixture->destination, fixture->size, fixture->sha256,
                          fixture->base.token_a, 0, FALSE);
  g_assert_no_error (allowed->error);
  g_assert_true (g_file_test (fixture->destination, G_FILE_TEST_EXISTS));
  g_unlink (fixture->destination);

  gone = run_download (missing, fixture->destination, -1, NULL, NULL, 0, FALSE);
  g_assert_error (gone->error, FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_NOT_FOUND);

  fc_test_server_kill (srv);
  offline = run_download (fixture->url, fixture->destination, -1, NULL, NULL, 0, FALSE);
  /* The client tried (and retried) and no answer came. */
  g_assert_error (offline->error, FC_API_ERROR, FC_API_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (offline->error->message, "Could not download"));
  g_test_message ("offline: %s", offline->error->message);
  g_assert_false (g_file_test (fixture->destination, G_FILE_TEST_EXISTS));
}

/* ---- A dropped connection, an access token that expires ---------------- */

/* Two seconds: long enough to start a download, short enough to wait out. */
#define LIFETIME_S 2

/* Stops the fixture's server and starts it again on the same data dir with
 * @config (another port, so the video's URL is read again). */
static void
restart_server (DlFixture  *fixture,
                const char *config)
{
  FcTestServer *old = fixture->base.server;
  FcTestServer *restarted;
  g_autofree char *staff = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *videos;

  fc_test_server_stop (old);
  restarted = fc_test_server_start_in (old->data_dir, config, NULL);
  restarted->owns_data_dir = old->owns_data_dir;
  old->owns_data_dir = FALSE;
  fc_test_server_free (old);
  fixture->base.server = restarted;

  staff = fc_test_login (restarted, NT_EMAIL_STAFF, NT_PASSWORD, NULL);
  path = g_strdup_printf (WT_API "workouts/%" G_GINT64_FORMAT "/", fixture->workout);
  node = nt_request (restarted, "GET", path, staff, NULL, 200);
  videos = fc_json_get_array (json_node_get_object (node), "videos");
  g_assert_cmpuint (json_array_get_length (videos), ==, 1);
  read_video (fixture, wt_int (json_array_get_object_element (videos, 0), "id"));
}

/* A premium video and an account that may watch it, on a server whose
 * access tokens live LIFETIME_S seconds; @access and @refresh get a fresh
 * pair of that account's. */
static void
set_up_expiring (DlFixture  *fixture,
                 char      **access,
                 char      **refresh)
{
  g_autofree char *config = g_strdup_printf (NT_CONFIG "access_token_lifetime=%d\n", LIFETIME_S);

  fixture->workout = nt_create (fixture->base.server, WT_API "workouts/",
                                fixture->base.token_staff,
                                "{\"title\":\"Premium\",\"is_premium\":true}");
  upload (fixture, video_path, FALSE);
  wt_set_premium (fixture->base.server, NT_EMAIL_A, TRUE);
  restart_server (fixture, config);
  *access = fc_test_login (fixture->base.server, NT_EMAIL_A, NT_PASSWORD, refresh);
  g_assert_nonnull (*refresh);
}

/* Lets @seconds pass with the main loop running. */
static void
wait_seconds (guint seconds)
{
  gboolean never = FALSE;

  g_assert_false (mt_wait_flag (&never, seconds));
}

/* Whether the bytes on disk only ever grew: a resume that started over
 * from zero would show a 0 after a larger value. */
static gboolean
never_restarted (Run *run)
{
  for (guint i = 1; i < run->dones->len; i++) {
    if (g_array_index (run->dones, guint64, i) < g_array_index (run->dones, guint64, i - 1))
      return FALSE;
  }
  return TRUE;
}

/* The access token expired before the download started: the file route
 * answers 401, the client renews the token and the download goes on; the
 * video arrives whole and nothing reads it as locked. */
static void
test_token_expired (DlFixture     *fixture,
                    gconstpointer  data)
{
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *sha = NULL;
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(Run) run = NULL;

  set_up_expiring (fixture, &access, &refresh);
  client = client_for (fixture->url, access, refresh);
  wait_seconds (LIFETIME_S + 1);

  run = run_download_on (client, fixture->url, fixture->destination, fixture->size,
                         fixture->sha256, 0, FALSE);
  g_assert_no_error (run->error);
  g_assert_true (run->finished);
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 1);
  g_assert_cmpstr (fc_api_client_get_access_token (client), !=, access);
  sha = mt_file_sha256 (fixture->destination);
  g_assert_cmpstr (sha, ==, fixture->sha256);
  assert_no_partial (fixture->destination);
}

/* A TCP proxy in front of the server. The first connection forwards @cut
 * bytes of the server's answer, then stalls @stall_ms (a token can expire
 * meanwhile) and drops both sides; later ones pass everything. */
typedef struct {
  GSocketService *service;
  guint16         port;
  guint16         target_port;
  gsize           cut;
  guint           stall_ms;
  int             armed;        /* atomic: the next connection is cut */
  int             connections;  /* atomic */
  int             dropped;      /* atomic */
} Cutter;

typedef struct {
  GSocketConnection *from;
  GSocketConnection *to;
} Pump;

/* The client's bytes to the server, until either side goes away. */
static gpointer
pump_up (gpointer data)
{
  Pump *pump = data;
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (pump->from));
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (pump->to));
  char buffer[16384];
  gssize n;

  while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL)) > 0) {
    if (!g_output_stream_write_all (output, buffer, n, NULL, NULL, NULL))
      break;
  }
  g_socket_shutdown (g_socket_connection_get_socket (pump->to), FALSE, TRUE, NULL);
  return NULL;
}

static gboolean
on_cutter_run_cb (GThreadedSocketService *service,
                  GSocketConnection      *connection,
                  GObject                *source,
                  Cutter                 *cutter)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream = NULL;
  GInputStream *input;
  GOutputStream *output;
  gboolean cut = g_atomic_int_compare_and_exchange (&cutter->armed, 1, 0);
  Pump pump = { connection, NULL };
  GThread *up;
  char buffer[16384];
  gsize total = 0;
  gssize n;

  g_atomic_int_inc (&cutter->connections);
  upstream = g_socket_client_connect_to_host (client, "127.0.0.1", cutter->target_port, NULL,
                                              NULL);
  if (upstream == NULL)
    return TRUE;
  pump.to = upstream;
  up = g_thread_new ("cutter-up", pump_up, &pump);
  input = g_io_stream_get_input_stream (G_IO_STREAM (upstream));
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (input, buffer,
                                   cut ? MIN (sizeof buffer, cutter->cut - total) : sizeof buffer,
                                   NULL, NULL)) > 0) {
    if (!g_output_stream_write_all (output, buffer, n, NULL, NULL, NULL))
      break;
    total += n;
    if (cut && total >= cutter->cut) {
      g_usleep (cutter->stall_ms * G_TIME_SPAN_MILLISECOND);
      g_atomic_int_inc (&cutter->dropped);
      break;
    }
  }
  /* shutdown() wakes the pump blocked in read(); close() would not. */
  g_socket_shutdown (g_socket_connection_get_socket (connection), TRUE, TRUE, NULL);
  g_socket_shutdown (g_socket_connection_get_socket (upstream), TRUE, TRUE, NULL);
  g_thread_join (up);
  g_io_stream_close (G_IO_STREAM (upstream), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
cutter_start (Cutter     *cutter,
              const char *target_url,
              gsize       cut,
              guint       stall_ms)
{
  g_autoptr(GUri) uri = g_uri_parse (target_url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (uri);
  cutter->target_port = g_uri_get_port (uri);
  cutter->cut = cut;
  cutter->stall_ms = stall_ms;
  cutter->armed = 1;
  cutter->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (cutter->service), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  cutter->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (cutter->service, "run", G_CALLBACK (on_cutter_run_cb), cutter);
  g_socket_service_start (cutter->service);
}

static void
cutter_stop (Cutter *cutter)
{
  g_socket_service_stop (cutter->service);
  g_socket_listener_close (G_SOCKET_LISTENER (cutter->service));
  g_clear_object (&cutter->service);
}

/* @url with the cutter's port in place of the server's. */
static char *
cutter_url (Cutter     *cutter,
            const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     cutter->port, g_uri_get_path (uri), g_uri_get_query (uri), NULL);
}

/* The connection drops halfway through the video, at a moment when the
 * access token has expired as well: the downloader asks for the rest at
 * once (Range from the end of the .part, never from zero), the server
 * answers 401, the client renews the token, and the video arrives whole. */
static void
test_drop_and_expiry (DlFixture     *fixture,
                      gconstpointer  data)
{
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *url = NULL;
  g_autofree char *sha = NULL;
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(Run) run = NULL;
  Cutter cutter = { 0 };

  set_up_expiring (fixture, &access, &refresh);
  cutter_start (&cutter, fixture->url, fixture->size / 2, (LIFETIME_S + 1) * 1000);
  url = cutter_url (&cutter, fixture->url);
  client = client_for (url, access, refresh);

  run = run_download_on (client, url, fixture->destination, fixture->size, fixture->sha256, 0,
                         FALSE);
  g_assert_no_error (run->error);
  g_assert_true (run->finished);
  g_assert_cmpint (g_atomic_int_get (&cutter.dropped), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&cutter.connections), >=, 2);
  g_assert_true (never_restarted (run));
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 1);
  sha = mt_file_sha256 (fixture->destination);
  g_assert_cmpstr (sha, ==, fixture->sha256);
  assert_no_partial (fixture->destination);
  cutter_stop (&cutter);
}

/* A connection that drops mid-file, with a token that stays valid: the
 * downloader resumes from the .part by itself; the run never fails. */
static void
test_drop (DlFixture     *fixture,
           gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autofree char *sha = NULL;
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(Run) run = NULL;
  Cutter cutter = { 0 };

  cutter_start (&cutter, fixture->url, fixture->size / 3, 0);
  url = cutter_url (&cutter, fixture->url);
  client = client_for (url, fixture->base.token_a, NULL);
  run = run_download_on (client, url, fixture->destination, fixture->size, fixture->sha256, 0,
                         FALSE);
  g_assert_no_error (run->error);
  g_assert_true (run->finished);
  g_assert_cmpint (g_atomic_int_get (&cutter.dropped), ==, 1);
  g_assert_true (never_restarted (run));
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 0);
  sha = mt_file_sha256 (fixture->destination);
  g_assert_cmpstr (sha, ==, fixture->sha256);
  assert_no_partial (fixture->destination);
  cutter_stop (&cutter);
}

/* $XDG_DATA_HOME/fitcore/downloads/SERVER/WORKOUT, one SERVER per base URL. */
static void
test_layout (void)
{
  g_autofree char *a = fc_downloader_workout_dir ("http://127.0.0.1:8000", "3");
  g_autofree char *a_slash = fc_downloader_workout_dir ("http://127.0.0.1:8000/", "3");
  g_autofree char *b = fc_downloader_workout_dir ("https://fitcore.example", "3");
  g_autofree char *root = g_build_filename (g_get_user_data_dir (), "fitcore", "downloads", NULL);
  g_autofree char *parent = g_path_get_dirname (a);
  g_autofree char *server = g_path_get_basename (parent);

  g_assert_true (g_str_has_prefix (a, root));
  g_assert_true (g_str_has_suffix (a, G_DIR_SEPARATOR_S "3"));
  g_assert_cmpuint (strlen (server), ==, 16);
  g_assert_cmpstr (a, ==, a_slash);
  g_assert_cmpstr (a, !=, b);
}

/* ---- The player on the server's URLs ---------------------------------- */

typedef struct {
  gboolean  ended;
  gboolean  errored;
  GError   *error;
} PlayResult;

static void
on_player_state_cb (FcPlayer   *player,
                    GParamSpec *pspec,
                    PlayResult *result)
{
  if (fc_player_get_state (player) == FC_PLAYER_STATE_ENDED)
    result->ended = TRUE;
}

static void
on_player_error_cb (FcPlayer     *player,
                    const GError *error,
                    PlayResult   *result)
{
  result->errored = TRUE;
  result->error = g_error_copy (error);
}

static FcPlayer *
player_for (const char *url,
            const char *token,
            gboolean    sync,
            PlayResult *result)
{
  FcPlayer *player = fc_player_new (mt_fakesink (sync), mt_fakesink (sync));
  g_autofree char *authorization = token != NULL ? g_strconcat ("Bearer ", token, NULL) : NULL;
  const char *uris[] = { url, NULL };
  const char *titles[] = { "Noise", NULL };

  g_signal_connect (player, "notify::state", G_CALLBACK (on_player_state_cb), result);
  g_signal_connect (player, "error", G_CALLBACK (on_player_error_cb), result);
  fc_player_set_playlist (player, uris, titles, authorization);
  fc_player_start_at (player, 0, 0);
  return player;
}

static gboolean
player_stopped (gpointer data)
{
  PlayResult *result = data;

  return result->ended || result->errored;
}

/* Waits until @player ends or fails, and frees it; returns the error it
 * stopped on, or NULL at its end. */
static GError *
player_finish (FcPlayer   *player,
               PlayResult *result)
{
  g_assert_true (mt_wait_until (player_stopped, result, 30));
  g_signal_handlers_disconnect_by_data (player, result);
  g_assert_finalize_object (player);
  return result->error;
}

/* Plays @url with @token as fast as it decodes. */
static GError *
play_url (const char *url,
          const char *token)
{
  PlayResult result = { 0 };
  FcPlayer *player = player_for (url, token, FALSE, &result);

  return player_finish (player, &result);
}

static void
test_player_http (DlFixture     *fixture,
                  gconstpointer  data)
{
  FcTestServer *srv = fixture->base.server;
  g_autoptr(GError) free_video = NULL;
  g_autoptr(GError) locked = NULL;
  g_autoptr(GError) allowed = NULL;
  g_autoptr(GError) offline = NULL;

  free_video = play_url (fixture->url, NULL);
  g_assert_no_error (free_video);

  fixture->workout = nt_create (srv, WT_API "workouts/", fixture->base.token_staff,
                                "{\"title\":\"Premium\",\"is_premium\":true}");
  read_video (fixture, upload (fixture, video_path, FALSE));
  locked = play_url (fixture->url, fixture->base.token_a);
  g_assert_error (locked, FC_PLAYER_ERROR, FC_PLAYER_ERROR_LOCKED);
  g_test_message ("locked: %s", locked->message);
  /* Named by its title, not by the API's URL. */
  g_assert_cmpstr (locked->message, ==, "“Noise” is locked: the server refused it (HTTP 403).");

  wt_set_premium (srv, NT_EMAIL_A, TRUE);
  allowed = play_url (fixture->url, fixture->base.token_a);
  g_assert_no_error (allowed);

  fc_test_server_kill (srv);
  offline = play_url (fixture->url, fixture->base.token_a);
  g_assert_error (offline, FC_PLAYER_ERROR, FC_PLAYER_ERROR_NETWORK);
  g_test_message ("offline: %s", offline->message);
  g_assert_nonnull (strstr (offline->message, "“Noise”"));
}

/* ---- A server that goes away mid-stream -------------------------------- */

typedef struct {
  GSocketService *service;
  GBytes         *video;
  gsize           cut;       /* bytes sent before the connection drops */
} Vanishing;

/* Answers the first request with the whole video's headers but only @cut
 * of its bytes, then closes the connection and stops listening: from then
 * on connections are refused, as when the server process is gone. */
static gboolean
on_vanishing_incoming_cb (GSocketService    *service,
                          GSocketConnection *connection,
                          GObject           *source,
                          Vanishing         *vanishing)
{
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autofree char *headers = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: video/webm\r\n"
                                              "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                              "Connection: close\r\n\r\n",
                                              g_bytes_get_size (vanishing->video));
  char request[4096];

  /* The request itself does not matter; read what came. */
  g_input_stream_read (input, request, sizeof request, NULL, NULL);
  g_output_stream_write_all (output, headers, strlen (headers), NULL, NULL, NULL);
  g_output_stream_write_all (output, g_bytes_get_data (vanishing->video, NULL), vanishing->cut,
                             NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  return TRUE;
}

/* The server goes away halfway through the video: the player stops with
 * NETWORK and says so, rather than end early as if the video were over. */
static void
test_player_server_gone (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (video_path, FALSE, &error);
  g_autoptr(GError) played = NULL;
  g_autofree char *url = NULL;
  Vanishing vanishing = { 0 };
  guint16 port;

  g_assert_no_error (error);
  vanishing.video = g_mapped_file_get_bytes (mapped);
  vanishing.cut = g_bytes_get_size (vanishing.video) / 2;
  vanishing.service = g_socket_service_new ();
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (vanishing.service), NULL,
                                              &error);
  g_assert_no_error (error);
  g_signal_connect (vanishing.service, "incoming", G_CALLBACK (on_vanishing_incoming_cb),
                    &vanishing);
  g_socket_service_start (vanishing.service);
  url = g_strdup_printf ("http://127.0.0.1:%u/video.webm", port);

  played = play_url (url, NULL);
  g_assert_error (played, FC_PLAYER_ERROR, FC_PLAYER_ERROR_NETWORK);
  g_test_message ("server gone: %s", played->message);
  g_object_unref (vanishing.service);
  g_bytes_unref (vanishing.video);
}

int
main (int    argc,
      char **argv)
{
  int status;

  if ((argc == 6 || argc == 7) && g_str_equal (argv[1], "--child"))
    return child_main (argv);

  self_path = g_canonicalize_filename (argv[0], NULL);
  nt_test_init (&argc, &argv);
  gst_init (&argc, &argv);

  media_dir = mt_make_dir ();
  video_path = g_build_filename (media_dir, "noise.webm", NULL);
  changed_path = g_build_filename (media_dir, "changed.webm", NULL);
  mt_make_webm (video_path, "Download", "snow", 3);
  mt_make_webm (changed_path, "Changed", "smpte", 2);

  g_test_add_func ("/media/download/layout", test_layout);
  g_test_add ("/media/download/resume", DlFixture, NULL, fixture_set_up, test_resume,
              fixture_tear_down);
  g_test_add ("/media/download/resume-after-kill", DlFixture, NULL, fixture_set_up,
              test_resume_after_kill, fixture_tear_down);
  g_test_add ("/media/download/disk-full", DlFixture, NULL, fixture_set_up, test_disk_full,
              fixture_tear_down);
  g_test_add ("/media/download/paused-at-end", DlFixture, NULL, fixture_set_up,
              test_paused_at_end, fixture_tear_down);
  g_test_add ("/media/download/etag-change", DlFixture, NULL, fixture_set_up, test_etag_change,
              fixture_tear_down);
  g_test_add ("/media/download/wrong-checksum", DlFixture, NULL, fixture_set_up,
              test_wrong_checksum, fixture_tear_down);
  g_test_add ("/media/download/cancel", DlFixture, NULL, fixture_set_up, test_cancel,
              fixture_tear_down);
  g_test_add ("/media/download/pause-resume", DlFixture, NULL, fixture_set_up, test_pause_resume,
              fixture_tear_down);
  g_test_add ("/media/download/several", DlFixture, NULL, fixture_set_up, test_several,
              fixture_tear_down);
  g_test_add ("/media/download/errors", DlFixture, NULL, fixture_set_up, test_errors,
              fixture_tear_down);
  g_test_add ("/media/download/drop", DlFixture, NULL, fixture_set_up, test_drop,
              fixture_tear_down);
  g_test_add ("/media/download/token-expired", DlFixture, NULL, fixture_set_up,
              test_token_expired, fixture_tear_down);
  g_test_add ("/media/download/drop-and-expiry", DlFixture, NULL, fixture_set_up,
              test_drop_and_expiry, fixture_tear_down);
  g_test_add ("/media/player/http", DlFixture, NULL, fixture_set_up, test_player_http,
              fixture_tear_down);
  g_test_add_func ("/media/player/http-server-gone", test_player_server_gone);
  status = g_test_run ();

  mt_remove_dir (media_dir);
  g_free (media_dir);
  g_free (video_path);
  g_free (changed_path);
  g_free (self_path);
  return status;
}
