/* fc-gstreamer.c — GStreamer initialised when video is first needed, off the
 * main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-gstreamer"

#include "config.h"

#include <gst/gst.h>

#include "fc-gstreamer.h"

gboolean
fc_gstreamer_is_ready (void)
{
  return gst_is_initialized ();
}

static void
init_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!gst_init_check (NULL, NULL, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_debug ("GStreamer ready in %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_task_return_boolean (task, TRUE);
}

void
fc_gstreamer_init_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fc_gstreamer_init_async);
  if (gst_is_initialized ()) {
    g_task_return_boolean (task, TRUE);
    return;
  }
  g_task_run_in_thread (task, init_thread);
}

gboolean
fc_gstreamer_init_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
preload_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fc_gstreamer_init_finish (result, &error))
    g_warning ("GStreamer cannot start, videos will not play: %s", error->message);
}

static gboolean
preload_idle_cb (gpointer user_data)
{
  fc_gstreamer_init_async (NULL, preload_done_cb, NULL);
  return G_SOURCE_REMOVE;
}

void
fc_gstreamer_preload (void)
{
  static gboolean started;

  if (started || gst_is_initialized ())
    return;
  started = TRUE;
  g_idle_add_full (G_PRIORITY_LOW, preload_idle_cb, NULL, NULL);
}
