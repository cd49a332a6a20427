/* fc-gstreamer.h — GStreamer initialised when video is first needed, off the
 * main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gst_init() loads GStreamer's plugin registry, and on a first run (an empty
 * cache) it rebuilds it by opening every plugin: seconds that used to come
 * before the first window although only the Workouts player needs
 * GStreamer. fc_gstreamer_init_async() runs gst_init_check() on a worker
 * thread (GStreamer serialises concurrent calls itself), so the main loop
 * never waits for it; fc_gstreamer_preload() starts it when the Workouts
 * page is first built, so that Play is usually instant there. Not sooner:
 * its registry and plugins held 2.3 MiB of a start that never shows
 * Workouts (tests/bench/app/rss.py).
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean fc_gstreamer_is_ready     (void);
void     fc_gstreamer_init_async   (GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean fc_gstreamer_init_finish  (GAsyncResult         *result,
                                    GError              **error);
/* Starts fc_gstreamer_init_async() at low priority, without a callback. */
void     fc_gstreamer_preload      (void);

G_END_DECLS
