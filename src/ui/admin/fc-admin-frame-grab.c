/* fc-admin-frame-grab.c — one frame of a local video, for a thumbnail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin-content"

#include "config.h"

#include "fc-admin-frame-grab.h"

#include <glib/gi18n.h>
#include <gst/gst.h>

/* Seconds a preroll or a seek may take: a decoder on a loaded machine. */
#define WAIT_SECONDS 30

typedef struct {
  GFile  *file;
  double  fraction;
  double  duration;
} Grab;

static void
grab_free (gpointer data)
{
  Grab *grab = data;

  g_clear_object (&grab->file);
  g_free (grab);
}

/* Waits for the pipeline to settle after a state change or a seek. */
static gboolean
wait_settled (GstElement  *pipeline,
              GError     **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message =
    gst_bus_timed_pop_filtered (bus, WAIT_SECONDS * GST_SECOND,
                                GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);

  if (message == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         _("The video took too long to open."));
    return FALSE;
  }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    g_autoptr(GError) gst_error = NULL;

    gst_message_parse_error (message, &gst_error, NULL);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 /* Translators: %s is GStreamer's reason. */
                 _("This file cannot be read as a video: %s"), gst_error->message);
    return FALSE;
  }
  return TRUE;
}

static void
grab_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Grab *grab = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autofree char *uri = g_file_get_uri (grab->file);
  g_autofree char *description = NULL;
  GdkPixbuf *pixbuf = NULL;
  gint64 duration = 0;

  if (!gst_init_check (NULL, NULL, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  description = g_strdup_printf ("uridecodebin uri=\"%s\" ! videoconvert ! videoscale ! "
                                 "video/x-raw,format=RGB,pixel-aspect-ratio=1/1 ! "
                                 "gdkpixbufsink name=sink", uri);
  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  if (!wait_settled (pipeline, &error))
    goto out;
  if (gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration) && duration > 0) {
    grab->duration = (double) duration / GST_SECOND;
    if (grab->fraction > 0 &&
        gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
                                 GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                                 (gint64) (CLAMP (grab->fraction, 0, 0.999) * duration)) &&
        !wait_settled (pipeline, &error))
      goto out;
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto out;
  g_object_get (sink, "last-pixbuf", &pixbuf, NULL);
  if (pixbuf == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("This video has no picture to take."));

out:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (error != NULL) {
    g_clear_object (&pixbuf);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (gdk_pixbuf_get_width (pixbuf) > 1280) {
    int height = gdk_pixbuf_get_height (pixbuf) * 1280 / gdk_pixbuf_get_width (pixbuf);
    GdkPixbuf *scaled = gdk_pixbuf_scale_simple (pixbuf, 1280, MAX (height, 1),
                                                 GDK_INTERP_BILINEAR);

    g_object_unref (pixbuf);
    pixbuf = scaled;
  }
  g_task_return_pointer (task, pixbuf, g_object_unref);
}

void
fc_admin_frame_grab_async (GFile               *file,
                           double               fraction,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Grab *grab;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_admin_frame_grab_async);
  grab = g_new0 (Grab, 1);
  grab->file = g_object_ref (file);
  grab->fraction = fraction;
  g_task_set_task_data (task, grab, grab_free);
  g_task_run_in_thread (task, grab_thread);
}

GdkPixbuf *
fc_admin_frame_grab_finish (GAsyncResult  *result,
                            double        *out_duration,
                            GError       **error)
{
  Grab *grab;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  grab = g_task_get_task_data (G_TASK (result));
  if (out_duration != NULL)
    *out_duration = grab->duration;
  return g_task_propagate_pointer (G_TASK (result), error);
}

GBytes *
fc_admin_frame_to_png (GdkPixbuf  *frame,
                       GError    **error)
{
  gchar *buffer = NULL;
  gsize size = 0;

  g_return_val_if_fail (GDK_IS_PIXBUF (frame), NULL);

  if (!gdk_pixbuf_save_to_buffer (frame, &buffer, &size, "png", error, NULL))
    return NULL;
  return g_bytes_new_take (buffer, size);
}
