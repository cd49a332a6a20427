/* media-test-util.h — real test videos and main-loop waits for the media tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Writes a 640x360 30 fps VP8+Vorbis WebM of @seconds to @path, with @text
 * written on the videotestsrc @pattern ("smpte", "ball", "snow"...), by an
 * in-process GStreamer pipeline. */
void      mt_make_webm      (const char  *path,
                             const char  *text,
                             const char  *pattern,
                             guint        seconds);

/* A fakesink; @sync TRUE plays in real time. */
GstElement *mt_fakesink     (gboolean     sync);

/* A video sink that takes @ms_per_frame for each frame and does not wait
 * for the clock: a decoder slower than the sound's, on any machine. */
GstElement *mt_slow_sink    (guint        ms_per_frame);

/* Iterates the default main context until *@flag is TRUE or @seconds pass;
 * returns *@flag. */
gboolean  mt_wait_flag      (const gboolean *flag,
                             double          seconds);
/* Same, until @check (@data) is TRUE. */
gboolean  mt_wait_until     (gboolean      (*check) (gpointer data),
                             gpointer        data,
                             double          seconds);

/* The median of @n values; sorts them. */
double    mt_median         (double      *values,
                             guint        n);

/* SHA-256 of a file, lower-case hex; fails the test if it cannot be read. */
char     *mt_file_sha256    (const char  *path);

/* A temporary directory, removed with its files by mt_remove_dir(). */
char     *mt_make_dir       (void);
void      mt_remove_dir     (const char  *path);

G_END_DECLS
