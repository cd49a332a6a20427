/* fc-workouts-media.h — GStreamer work for workout videos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here blocks: call it from a worker thread (a GTask's), never
 * from the main loop. fc_workouts_media_init() is the exception: call it once
 * on the main thread before the first worker starts.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FC_WORKOUTS_MEDIA_ERROR (fc_workouts_media_error_quark ())

/**
 * FcWorkoutsMediaError:
 * @FC_WORKOUTS_MEDIA_ERROR_INVALID: the file is not a video GStreamer can play
 * @FC_WORKOUTS_MEDIA_ERROR_PIPELINE: a pipeline failed or timed out
 */
typedef enum {
  FC_WORKOUTS_MEDIA_ERROR_INVALID,
  FC_WORKOUTS_MEDIA_ERROR_PIPELINE,
} FcWorkoutsMediaError;

GQuark    fc_workouts_media_error_quark (void);

gboolean  fc_workouts_media_init        (GError      **error);

/* The extension a stored video gets, from its first bytes (Matroska/WebM,
 * MP4/QuickTime, Ogg), or NULL: the served Content-Type follows the bytes,
 * never the name the client chose. */
const char *fc_workouts_media_sniff     (GBytes       *data);

/* Discovers @path completely; fails with _INVALID unless it holds a video
 * stream and a duration. */
gboolean  fc_workouts_media_probe       (const char   *path,
                                         double       *out_duration,
                                         GError      **error);
/* The first frame of @video_path, scaled into 480x270, as a PNG. */
gboolean  fc_workouts_media_snapshot    (const char   *video_path,
                                         const char   *png_path,
                                         GError      **error);
/* SHA-256 of the file, lower-case hex, and its size. */
char     *fc_workouts_media_checksum    (const char   *path,
                                         gint64       *out_size,
                                         GError      **error);

/* A 640x360 VP8+Vorbis WebM test pattern with @text written on it and a
 * tone, @seconds long; written to a temporary name and renamed, so a
 * half-made file is never served. */
gboolean  fc_workouts_media_make_video  (const char   *path,
                                         const char   *text,
                                         guint         pattern,
                                         guint         seconds,
                                         GError      **error);
/* One such frame as a PNG, the same way. */
gboolean  fc_workouts_media_make_still  (const char   *path,
                                         const char   *text,
                                         guint         pattern,
                                         GError      **error);

G_END_DECLS
