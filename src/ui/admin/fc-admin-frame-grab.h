/* fc-admin-frame-grab.h — one frame of a local video, for a thumbnail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GStreamer pipeline (uridecodebin → videoconvert → gdkpixbufsink) is
 * prerolled and seeked on a worker thread, never on the main loop; the
 * result comes back in the caller's main context.
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* The frame at @fraction (0 to 1) of @file's length, scaled to at most
 * 1280 pixels wide. */
void        fc_admin_frame_grab_async  (GFile                *file,
                                        double                fraction,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
/* @out_duration: (nullable) gets the video's length in seconds. */
GdkPixbuf  *fc_admin_frame_grab_finish (GAsyncResult         *result,
                                        double               *out_duration,
                                        GError              **error);

/* @frame as the PNG image a thumbnail is sent as. */
GBytes     *fc_admin_frame_to_png      (GdkPixbuf            *frame,
                                        GError              **error);

G_END_DECLS
