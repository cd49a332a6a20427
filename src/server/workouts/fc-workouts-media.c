/* fc-workouts-media.c — GStreamer work for workout videos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-workouts"

#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <string.h>

#include "fc-workouts-media.h"

/* A valid file is discovered in well under a second (only its headers are
 * read). Some broken ones are never answered: decodebin2 can drop a
 * demuxer's error that races with its own state change (seen with 1.22 on
 * a WebM header followed by junk), and only the timeout ends those. */
#define DISCOVER_TIMEOUT (5 * GST_SECOND)
#define PIPELINE_TIMEOUT (30 * GST_SECOND)
#define DEMO_FRAMERATE 24
#define AUDIO_RATE 44100
#define AUDIO_SAMPLES_PER_BUFFER 1024

G_DEFINE_QUARK (fc-workouts-media-error-quark, fc_workouts_media_error)

gboolean
fc_workouts_media_init (GError **error)
{
  return gst_init_check (NULL, NULL, error);
}

const char *
fc_workouts_media_sniff (GBytes *data)
{
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);

  if (size >= 4 && memcmp (bytes, "\x1a\x45\xdf\xa3", 4) == 0) {
    /* The EBML header names the doctype within its first few dozen bytes. */
    gsize head = MIN (size, 64);

    for (gsize i = 4; i + 4 <= head; i++) {
      if (memcmp (bytes + i, "webm", 4) == 0)
        return ".webm";
    }
    return ".mkv";
  }
  if (size >= 8 && memcmp (bytes + 4, "ftyp", 4) == 0)
    return ".mp4";
  if (size >= 4 && memcmp (bytes, "OggS", 4) == 0)
    return ".ogv";
  return NULL;
}

gboolean
fc_workouts_media_probe (const char  *path,
                         double      *out_duration,
                         GError     **error)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, error);
  GList *videos;
  GstClockTime duration;

  if (uri == NULL)
    return FALSE;
  discoverer = gst_discoverer_new (DISCOVER_TIMEOUT, error);
  if (discoverer == NULL)
    return FALSE;

  info = gst_discoverer_discover_uri (discoverer, uri, &local_error);
  if (info == NULL || gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK) {
    g_set_error (error, FC_WORKOUTS_MEDIA_ERROR, FC_WORKOUTS_MEDIA_ERROR_INVALID,
                 "Not playable media: %s",
                 local_error != NULL ? local_error->message : "unknown format");
    return FALSE;
  }

  videos = gst_discoverer_info_get_video_streams (info);
  duration = gst_discoverer_info_get_duration (info);
  gst_discoverer_stream_info_list_free (videos);
  if (videos == NULL || !GST_CLOCK_TIME_IS_VALID (duration) || duration == 0) {
    g_set_error_literal (error, FC_WORKOUTS_MEDIA_ERROR, FC_WORKOUTS_MEDIA_ERROR_INVALID,
                         videos == NULL ? "No video stream" : "No duration");
    return FALSE;
  }

  *out_duration = (double) duration / GST_SECOND;
  return TRUE;
}

/* Runs @pipeline to its end (EOS) or its first error, within a timeout. */
static gboolean
run_pipeline (GstElement  *pipeline,
              GError     **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = NULL;
  gboolean ok = FALSE;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_set_error_literal (error, FC_WORKOUTS_MEDIA_ERROR, FC_WORKOUTS_MEDIA_ERROR_PIPELINE,
                         "The pipeline would not start");
  } else {
    message = gst_bus_timed_pop_filtered (bus, PIPELINE_TIMEOUT,
                                          GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (message == NULL) {
      g_set_error_literal (error, FC_WORKOUTS_MEDIA_ERROR, FC_WORKOUTS_MEDIA_ERROR_PIPELINE,
                           "The pipeline timed out");
    } else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
      g_autoptr(GError) gst_error = NULL;

      gst_message_parse_error (message, &gst_error, NULL);
      g_set_error (error, FC_WORKOUTS_MEDIA_ERROR, FC_WORKOUTS_MEDIA_ERROR_PIPELINE, "%s",
                   gst_error->message);
    } else {
      ok = TRUE;
    }
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

/* Builds @description, sets the named elements' properties (text on "t",
 * location on "f", uri on "d" when given), runs it into @path + ".part" and
 * renames that to @path. */
static gboolean
render (const char  *description,
        const char  *path,
        const char  *text,
        const char  *uri,
        GError     **error)
{
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, error);
  g_autoptr(GstElement) sink = NULL;
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  if (pipeline == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create %s", dir);
    return FALSE;
  }

  if (text != NULL) {
    g_autoptr(GstElement) overlay = gst_bin_get_by_name (GST_BIN (pipeline), "t");

    g_object_set (overlay, "text", text, NULL);
  }
  if (uri != NULL) {
    g_autoptr(GstElement) source = gst_bin_get_by_name (GST_BIN (pipeline), "d");

    g_object_set (source, "uri", uri, NULL);
  }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "f");
  g_object_set (sink, "location", part, NULL);

  if (!run_pipeline (pipeline, error) || g_rename (part, path) != 0) {
    g_unlink (part);
    if (error != NULL && *error == NULL)
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot rename %s", part);
    return FALSE;
  }
  return TRUE;
}

gboolean
fc_workouts_media_snapshot (const char  *video_path,
                            const char  *png_path,
                            GError     **error)
{
  g_autofree char *uri = g_filename_to_uri (video_path, NULL, error);

  if (uri == NULL)
    return FALSE;
  /* videoscale letterboxes into the fixed size (add-borders). */
  return render ("uridecodebin name=d ! videoconvert ! videoscale "
                 "! video/x-raw,width=480,height=270,pixel-aspect-ratio=1/1 "
                 "! pngenc snapshot=true ! filesink name=f",
                 png_path, NULL, uri, error);
}

char *
fc_workouts_media_checksum (const char  *path,
                            gint64      *out_size,
                            GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GBytes) bytes = NULL;

  if (mapped == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (mapped);
  *out_size = g_bytes_get_size (bytes);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

gboolean
fc_workouts_media_make_video (const char  *path,
                              const char  *text,
                              guint        pattern,
                              guint        seconds,
                              GError     **error)
{
  guint frames = seconds * DEMO_FRAMERATE;
  guint audio_buffers = (seconds * AUDIO_RATE + AUDIO_SAMPLES_PER_BUFFER - 1) /
                        AUDIO_SAMPLES_PER_BUFFER;
  g_autofree char *description = NULL;

  /* The fastest VP8 settings: these are test patterns, and the whole demo
   * set must be ready within seconds of the first start. */
  description = g_strdup_printf (
    "videotestsrc pattern=%u num-buffers=%u "
    "! video/x-raw,width=640,height=360,framerate=%u/1 "
    "! textoverlay name=t font-desc=\"Sans 36\" valignment=center halignment=center "
    "! vp8enc deadline=1 cpu-used=8 ! queue ! webmmux name=m ! filesink name=f "
    "audiotestsrc num-buffers=%u freq=%u volume=0.3 ! audio/x-raw,rate=%u "
    "! audioconvert ! vorbisenc ! queue ! m.",
    pattern, frames, DEMO_FRAMERATE, audio_buffers, 330 + 110 * (pattern % 4), AUDIO_RATE);
  return render (description, path, text, NULL, error);
}

gboolean
fc_workouts_media_make_still (const char  *path,
                              const char  *text,
                              guint        pattern,
                              GError     **error)
{
  g_autofree char *description = NULL;

  description = g_strdup_printf (
    "videotestsrc pattern=%u num-buffers=1 ! video/x-raw,width=640,height=360 "
    "! textoverlay name=t font-desc=\"Sans 36\" valignment=center halignment=center "
    "! videoconvert ! pngenc ! filesink name=f",
    pattern);
  return render (description, path, text, NULL, error);
}
