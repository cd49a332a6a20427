/* bench-download.c — FcDownloader against curl over loopback, same URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real video (noise, so it does not compress) is uploaded to the real
 * fitcore-server and fetched from its file route, alternating FcDownloader
 * and `curl -o`; medians of N. FcDownloader is timed twice: as the app uses
 * it (size and SHA-256 checked before the rename) and with the size only,
 * which is what curl does.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "fc-downloader.h"
#include "fc-json.h"
#include "media-test-util.h"
#include "workouts-test-util.h"

#define RUNS 9

static char *video_path;

static void
on_finished_cb (FcDownloader *downloader,
                const GError *error,
                gboolean     *finished)
{
  g_assert_no_error ((GError *) error);
  *finished = TRUE;
}

/* An anonymous client of the server @url is on, as the app's would be. */
static FcApiClient *
bench_client (const char *url)
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
  return client;
}

static double
time_ours (const char *url,
           const char *destination,
           gint64      size,
           const char *sha256)
{
  g_autoptr(FcApiClient) client = bench_client (url);
  g_autoptr(FcDownloader) downloader = fc_downloader_new (client);
  gboolean finished = FALSE;
  gint64 start;
  double elapsed;

  fc_downloader_add (downloader, url, destination, size, sha256);
  g_signal_connect (downloader, "finished", G_CALLBACK (on_finished_cb), &finished);
  start = g_get_monotonic_time ();
  fc_downloader_start (downloader);
  g_assert_true (mt_wait_flag (&finished, 60));
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpint (fc_downloader_get_bytes_done (downloader), ==, size);
  g_unlink (destination);
  return elapsed;
}

static double
time_curl (const char *url,
           const char *destination,
           gint64      size)
{
  const char *argv[] = { "curl", "-s", "-f", "-o", destination, url, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;
  gint64 start = g_get_monotonic_time ();
  double elapsed;
  GStatBuf st;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (g_stat (destination, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, size);
  g_unlink (destination);
  return elapsed;
}

static void
bench_download (NtFixture     *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (video_path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) video = NULL;
  g_autofree char *dir = mt_make_dir ();
  g_autofree char *destination = g_build_filename (dir, "video.webm", NULL);
  g_autofree char *video_path_api = NULL;
  double ours[RUNS], checked[RUNS], curl[RUNS];
  double ours_s, checked_s, curl_s, mib;
  const char *url, *sha256;
  gint64 workout, id, size;

  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (mapped);
  size = g_bytes_get_size (bytes);
  mib = size / (1024.0 * 1024.0);
  workout = nt_create (fixture->server, WT_API "workouts/", fixture->token_staff,
                       "{\"title\":\"Bench\"}");
  id = wt_add_video (fixture->server, fixture->token_staff, bytes, workout, "Bench", TRUE);
  video_path_api = g_strdup_printf (WT_API "videos/%" G_GINT64_FORMAT "/", id);
  video = nt_request (fixture->server, "GET", video_path_api, NULL, NULL, 200);
  url = fc_json_get_string (json_node_get_object (video), "file");
  sha256 = fc_json_get_string (json_node_get_object (video), "checksum");

  /* One of each to warm the server's page cache and connections. */
  time_curl (url, destination, size);
  time_ours (url, destination, size, NULL);
  for (guint i = 0; i < RUNS; i++) {
    curl[i] = time_curl (url, destination, size);
    ours[i] = time_ours (url, destination, size, NULL);
    checked[i] = time_ours (url, destination, size, sha256);
  }
  curl_s = mt_median (curl, RUNS);
  ours_s = mt_median (ours, RUNS);
  checked_s = mt_median (checked, RUNS);
  g_test_message ("%.1f MiB over loopback, median of %d: curl %.0f MiB/s, FcDownloader %.0f "
                  "MiB/s (ratio %.2f), with SHA-256 verification %.0f MiB/s (ratio %.2f)",
                  mib, RUNS, mib / curl_s, mib / ours_s, curl_s / ours_s, mib / checked_s,
                  curl_s / checked_s);
  /* Ratios are throughput over curl's: 1 is as fast as curl. */
  g_assert_cmpfloat (curl_s / ours_s, >, 0.2);
  mt_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *media_dir = NULL;
  int status;

  nt_test_init (&argc, &argv);
  gst_init (&argc, &argv);

  media_dir = mt_make_dir ();
  video_path = g_build_filename (media_dir, "noise.webm", NULL);
  mt_make_webm (video_path, "Throughput", "snow", 12);

  g_test_add ("/media/bench/download", NtFixture, NULL, nt_fixture_set_up, bench_download,
              nt_fixture_tear_down);
  status = g_test_run ();

  mt_remove_dir (media_dir);
  g_free (video_path);
  return status;
}
