/* media-test-util.c — real test videos and main-loop waits for the media tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "media-test-util.h"

#include <stdlib.h>

#include <glib/gstdio.h>

void
mt_make_webm (const char *path,
              const char *text,
              const char *pattern,
              guint       seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autofree char *description = NULL;
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);

  /* 44100 Hz in 1024-sample buffers, rounded up to cover the video. */
  description = g_strdup_printf (
    "videotestsrc num-buffers=%u pattern=%s ! video/x-raw,width=640,height=360,framerate=30/1 "
    "! textoverlay text=\"%s\" font-desc=\"Sans 36\" ! vp8enc deadline=1 cpu-used=8 ! queue "
    "! webmmux name=m ! filesink location=\"%s\" "
    "audiotestsrc num-buffers=%u ! audio/x-raw,rate=44100 ! audioconvert ! vorbisenc ! queue ! m.",
    seconds * 30, pattern, text, tmp, (seconds * 44100 + 1023) / 1024);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (pipeline);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_cmpint (g_rename (tmp, path), ==, 0);
}

GstElement *
mt_fakesink (gboolean sync)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", sync, NULL);
  return sink;
}

GstElement *
mt_slow_sink (guint ms_per_frame)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description =
    g_strdup_printf ("identity sleep-time=%u ! fakesink sync=false", ms_per_frame * 1000);
  GstElement *sink = gst_parse_bin_from_description (description, TRUE, &error);

  g_assert_no_error (error);
  return sink;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
mt_wait_until (gboolean (*check) (gpointer data),
               gpointer   data,
               double     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint wake = g_timeout_add (20, wake_cb, NULL);
  gboolean done;

  while (!(done = check (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return done;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(const gboolean *) data;
}

gboolean
mt_wait_flag (const gboolean *flag,
              double          seconds)
{
  return mt_wait_until (flag_is_set, (gpointer) flag, seconds);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
mt_median (double *values,
           guint   n)
{
  g_assert (n > 0);
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

char *
mt_file_sha256 (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (mapped);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

char *
mt_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("fc-media-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
mt_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *child = g_build_filename (path, name, NULL);

    g_unlink (child);
  }
  g_rmdir (path);
}
