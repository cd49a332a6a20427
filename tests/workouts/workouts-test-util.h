/* workouts-test-util.h — media and uploads for the workouts tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The accounts come from the nutrition tests' fixture (users A and B, and
 * staff); this adds real videos made with GStreamer, multipart uploads and
 * the premium flag.
 */

#pragma once

#include "nutrition-test-util.h"

G_BEGIN_DECLS

#define WT_API "/api/v1/workouts/"

/* A real @seconds-long 320x180 VP8+Vorbis WebM with @text on it, made with
 * gst-launch-1.0 in a temporary dir; its bytes. */
GBytes         *wt_make_webm      (const char   *text,
                                   guint         seconds);
/* POST videos/ as multipart: the file part (NULL for none) and then
 * "name", "value" form fields, NULL-terminated. */
FcTestResponse *wt_upload         (FcTestServer *server,
                                   const char   *token,
                                   const char   *filename,
                                   GBytes       *file,
                                   ...) G_GNUC_NULL_TERMINATED;
/* wt_upload() of @webm to @workout, asserting 201; the new video's id. */
gint64          wt_add_video      (FcTestServer *server,
                                   const char   *token,
                                   GBytes       *webm,
                                   gint64        workout,
                                   const char   *title,
                                   gboolean      is_free);
/* users.has_premium, written into the live database (WAL lets the server
 * read it on its next request). */
void            wt_set_premium    (FcTestServer *server,
                                   const char   *email,
                                   gboolean      premium);
/* GStreamer's discoverer on @data: the duration in seconds, 0 if it is not
 * media. */
double          wt_probe          (GBytes       *data);
/* The object's integer member, asserting it is there. */
gint64          wt_int            (JsonObject   *object,
                                   const char   *member);

G_END_DECLS
