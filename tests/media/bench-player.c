/* bench-player.c — FcPlayer against a bare playbin on the same file and sink
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both sides use a playbin whose video sink is an appsink asking for the
 * same caps, and an audio fakesink; the bare side only pulls the samples.
 * Measured in the same run, alternating, so the machine's load hits both:
 *  - Play → first frame on the main thread (median of N);
 *  - process CPU time (getrusage, every thread) over a real-time playback.
 * A ratio of 1 means the player's threads, state posting and textures cost
 * nothing over GStreamer's own work.
 */

#include "config.h"

#include <sys/resource.h>
#include <gst/app/gstappsink.h>
#include <gdk/gdk.h>

#include "fc-player.h"
#include "media-test-util.h"

#define FIRST_FRAME_RUNS 9
#define CPU_RUNS 2

static char *media_dir;
static char *video_uri;

/* ---- The bare playbin ---------------------------------------------------- */

typedef struct {
  GstElement *playbin;
  gboolean    framed;
  gboolean    ended;
  gint        posted;
} Bare;

static gboolean
on_bare_frame_cb (gpointer data)
{
  Bare *bare = data;

  bare->framed = TRUE;
  return G_SOURCE_REMOVE;
}

static GstFlowReturn
bare_take (Bare      *bare,
           GstSample *sample)
{
  /* Like FcPlayer: the first frame is only "shown" once the main thread
   * has it. */
  if (sample != NULL && g_atomic_int_compare_and_exchange (&bare->posted, 0, 1))
    g_idle_add (on_bare_frame_cb, bare);
  g_clear_pointer (&sample, gst_sample_unref);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_bare_sample_cb (GstAppSink *sink,
                   gpointer    data)
{
  return bare_take (data, gst_app_sink_pull_sample (sink));
}

static GstFlowReturn
on_bare_preroll_cb (GstAppSink *sink,
                    gpointer    data)
{
  return bare_take (data, gst_app_sink_pull_preroll (sink));
}

static gboolean
on_bare_bus_cb (GstBus     *bus,
                GstMessage *message,
                gpointer    data)
{
  Bare *bare = data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    bare->ended = TRUE;
  g_assert_cmpint (GST_MESSAGE_TYPE (message), !=, GST_MESSAGE_ERROR);
  return G_SOURCE_CONTINUE;
}

static Bare *
bare_new (void)
{
  GstAppSinkCallbacks callbacks = {
    .new_preroll = on_bare_preroll_cb,
    .new_sample = on_bare_sample_cb,
  };
  Bare *bare = g_new0 (Bare, 1);
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw,format=RGBA");
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  g_autoptr(GstBus) bus = NULL;

  g_object_set (sink, "caps", caps, "sync", TRUE, "qos", TRUE, "max-buffers", 2,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, bare, NULL);
  bare->playbin = gst_object_ref_sink (gst_element_factory_make ("playbin", NULL));
  g_object_set (bare->playbin, "uri", video_uri, "video-sink", sink, "audio-sink",
                mt_fakesink (TRUE), NULL);
  bus = gst_element_get_bus (bare->playbin);
  gst_bus_add_watch (bus, on_bare_bus_cb, bare);
  return bare;
}

static void
bare_free (Bare *bare)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (bare->playbin);

  gst_element_set_state (bare->playbin, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bare->playbin);
  /* A frame posted before the stop may still be queued. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (bare);
}

/* ---- FcPlayer -------------------------------------------------------------- */

typedef struct {
  FcPlayer *player;
  gboolean  framed;
  gboolean  ended;
} Ours;

static void
on_ours_contents_cb (GdkPaintable *paintable,
                     Ours         *ours)
{
  ours->framed = TRUE;
}

static void
on_ours_state_cb (FcPlayer   *player,
                  GParamSpec *pspec,
                  Ours       *ours)
{
  FcPlayerState state = fc_player_get_state (player);

  g_assert_cmpint (state, !=, FC_PLAYER_STATE_ERROR);
  if (state == FC_PLAYER_STATE_ENDED)
    ours->ended = TRUE;
}

static Ours *
ours_new (void)
{
  Ours *ours = g_new0 (Ours, 1);
  const char *uris[] = { video_uri, NULL };

  ours->player = fc_player_new (NULL, mt_fakesink (TRUE));
  fc_player_set_playlist (ours->player, uris, NULL, NULL);
  g_signal_connect (ours->player, "invalidate-contents", G_CALLBACK (on_ours_contents_cb), ours);
  g_signal_connect (ours->player, "notify::state", G_CALLBACK (on_ours_state_cb), ours);
  return ours;
}

static void
ours_free (Ours *ours)
{
  g_signal_handlers_disconnect_by_data (ours->player, ours);
  g_object_unref (ours->player);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (ours);
}

/* ---- Measures ------------------------------------------------------------------- */

static double
cpu_seconds (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
bare_first_frame (void)
{
  Bare *bare = bare_new ();
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  gst_element_set_state (bare->playbin, GST_STATE_PLAYING);
  g_assert_true (mt_wait_flag (&bare->framed, 10));
  elapsed = (g_get_monotonic_time () - start) / 1e3;
  bare_free (bare);
  return elapsed;
}

static double
ours_first_frame (void)
{
  Ours *ours = ours_new ();
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  fc_player_start_at (ours->player, 0, 0);
  g_assert_true (mt_wait_flag (&ours->framed, 10));
  elapsed = (g_get_monotonic_time () - start) / 1e3;
  ours_free (ours);
  return elapsed;
}

static void
bench_first_frame (void)
{
  double bare[FIRST_FRAME_RUNS], ours[FIRST_FRAME_RUNS];
  double bare_ms, ours_ms;

  /* Plugins load and the registry warms up outside the measure. */
  bare_first_frame ();
  ours_first_frame ();
  for (guint i = 0; i < FIRST_FRAME_RUNS; i++) {
    if (i % 2) {
      bare[i] = bare_first_frame ();
      ours[i] = ours_first_frame ();
    } else {
      ours[i] = ours_first_frame ();
      bare[i] = bare_first_frame ();
    }
  }
  bare_ms = mt_median (bare, FIRST_FRAME_RUNS);
  ours_ms = mt_median (ours, FIRST_FRAME_RUNS);
  g_test_message ("Play → first frame on the main thread, median of %d: FcPlayer %.1f ms, "
                  "bare playbin %.1f ms, ratio %.2f", FIRST_FRAME_RUNS, ours_ms, bare_ms,
                  ours_ms / bare_ms);
  g_assert_cmpfloat (ours_ms / bare_ms, <, 2.0);
}

static double
bare_cpu (double *wall)
{
  Bare *bare = bare_new ();
  double before = cpu_seconds ();
  gint64 start = g_get_monotonic_time ();
  double used;

  gst_element_set_state (bare->playbin, GST_STATE_PLAYING);
  g_assert_true (mt_wait_flag (&bare->ended, 20));
  used = cpu_seconds () - before;
  *wall = (g_get_monotonic_time () - start) / 1e6;
  bare_free (bare);
  return used;
}

static double
ours_cpu (double *wall)
{
  Ours *ours = ours_new ();
  double before = cpu_seconds ();
  gint64 start = g_get_monotonic_time ();
  double used;

  fc_player_start_at (ours->player, 0, 0);
  g_assert_true (mt_wait_flag (&ours->ended, 20));
  used = cpu_seconds () - before;
  *wall = (g_get_monotonic_time () - start) / 1e6;
  ours_free (ours);
  return used;
}

static void
bench_cpu (void)
{
  double bare = 0, ours = 0, bare_wall = 0, ours_wall = 0, wall;

  for (guint i = 0; i < CPU_RUNS; i++) {
    bare += bare_cpu (&wall);
    bare_wall += wall;
    ours += ours_cpu (&wall);
    ours_wall += wall;
  }
  g_test_message ("CPU over a real-time playback of 4 s (640x360 VP8+Vorbis, %d runs): "
                  "FcPlayer %.2f s (%.0f%% of a core), bare playbin %.2f s (%.0f%%), ratio %.2f",
                  CPU_RUNS, ours / CPU_RUNS, 100 * ours / ours_wall, bare / CPU_RUNS,
                  100 * bare / bare_wall, ours / bare);
  /* Real time: both took the video's length, so a faster end is a bug. */
  g_assert_cmpfloat (ours_wall / CPU_RUNS, >, 3.5);
  g_assert_cmpfloat (ours / bare, <, 1.5);
}

/* What GSK's cairo renderer pays per frame to draw a texture: a download
 * into cairo's format. Why FcPlayer asks GStreamer for straight RGBA. */
static double
download_ms (GdkMemoryFormat format)
{
  guchar *pixels = g_malloc (640 * 360 * 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *out = g_malloc (640 * 360 * 4);
  double times[51];

  /* An opaque picture, as video is; all-zero pixels take shortcuts. */
  for (guint i = 0; i < 640 * 360 * 4; i++)
    pixels[i] = i % 4 == 3 ? 0xff : (guchar) (i * 7);
  bytes = g_bytes_new_take (pixels, 640 * 360 * 4);
  texture = gdk_memory_texture_new (640, 360, format, bytes, 640 * 4);

  for (guint i = 0; i < G_N_ELEMENTS (times); i++) {
    gint64 start = g_get_monotonic_time ();

    gdk_texture_download (texture, out, 640 * 4);
    times[i] = (g_get_monotonic_time () - start) / 1e3;
  }
  return mt_median (times, G_N_ELEMENTS (times));
}

static void
bench_texture_format (void)
{
  double rgba = download_ms (GDK_MEMORY_R8G8B8A8);
  double bgra = download_ms (GDK_MEMORY_B8G8R8A8);
  double bgra_premultiplied = download_ms (GDK_MEMORY_B8G8R8A8_PREMULTIPLIED);

  g_test_message ("640x360 frame into cairo's format, median of 51: RGBA %.3f ms (FcPlayer's), "
                  "BGRA %.3f ms, BGRA premultiplied (cairo's own) %.3f ms", rgba, bgra,
                  bgra_premultiplied);
  /* Should GTK ever copy its own format faster, FcPlayer's choice must change. */
  g_assert_cmpfloat (rgba, <=, bgra_premultiplied * 1.1);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gst_init (&argc, &argv);

  media_dir = mt_make_dir ();
  path = g_build_filename (media_dir, "bench.webm", NULL);
  mt_make_webm (path, "Bench", "smpte", 4);
  video_uri = g_filename_to_uri (path, NULL, NULL);

  g_test_add_func ("/media/bench/first-frame", bench_first_frame);
  g_test_add_func ("/media/bench/cpu", bench_cpu);
  g_test_add_func ("/media/bench/texture-format", bench_texture_format);
  status = g_test_run ();

  mt_remove_dir (media_dir);
  g_free (media_dir);
  g_free (video_uri);
  return status;
}
