/* test-admin-thumbnail.c — a workout's thumbnail taken from a frame of a video, to the server and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the Content editor does with "Take a Frame From a Video": the
 * frame at the slider's place is taken by GStreamer on a worker
 * (src/ui/admin/fc-admin-frame-grab.c), made a PNG and sent with
 * PUT admin/workouts/{id}/thumbnail/ (FcAdminService). The video is made
 * here with videotestsrc: two seconds of red, then two of blue, so a
 * frame from the wrong place, or a picture that is not the frame, has the
 * wrong colour. The image the server then serves under /media/ must be
 * the PNG sent, with the frame's size and colour.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "admin-test-util.h"
#include "fc-admin-frame-grab.h"
#include "fc-admin-service.h"
#include "fc-json.h"
#include "nutrition-test-util.h"

#define WIDTH 160
#define HEIGHT 120

typedef enum { RED, BLUE } Colour;

/* Two seconds of red, then two of blue, VP8 in WebM, into @dir. */
static GFile *
make_video (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "red-then-blue.webm", NULL);
  g_autofree char *description = g_strdup_printf (
    "concat name=c ! videoconvert ! vp8enc deadline=1 cpu-used=8 ! webmmux ! "
    "filesink location=\"%s\" "
    "videotestsrc pattern=red num-buffers=24 ! video/x-raw,width=%d,height=%d,framerate=12/1 ! c. "
    "videotestsrc pattern=blue num-buffers=24 ! video/x-raw,width=%d,height=%d,framerate=12/1 ! c.",
    path, WIDTH, HEIGHT, WIDTH, HEIGHT);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return g_file_new_for_path (path);
}

/* The colour of @pixbuf's centre, asserting it is clearly one of the two. */
static void
assert_colour (GdkPixbuf *pixbuf,
               Colour     colour)
{
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  const guint8 *centre = pixels + (gsize) (gdk_pixbuf_get_height (pixbuf) / 2) *
                                  gdk_pixbuf_get_rowstride (pixbuf) +
                                  (gsize) (gdk_pixbuf_get_width (pixbuf) / 2) * channels;
  int r = centre[0], g = centre[1], b = centre[2];

  g_test_message ("centre pixel: %d %d %d", r, g, b);
  g_assert_cmpint (channels, >=, 3);
  /* VP8 keeps a plain colour within a few steps. */
  g_assert_cmpint (g, <, 60);
  if (colour == RED) {
    g_assert_cmpint (r, >, 190);
    g_assert_cmpint (b, <, 60);
  } else {
    g_assert_cmpint (b, >, 190);
    g_assert_cmpint (r, <, 60);
  }
}

static void
on_result_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (*slot == NULL) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_main_context_iteration (NULL, TRUE);
  }
  return *slot;
}

static GdkPixbuf *
grab (GFile  *video,
      double  fraction,
      double *out_duration)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *frame;

  fc_admin_frame_grab_async (video, fraction, NULL, on_result_cb, &result);
  frame = fc_admin_frame_grab_finish (wait_result (&result), out_duration, &error);
  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return frame;
}

static void
test_frames (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fc-thumbnail-XXXXXX", NULL);
  g_autoptr(GFile) video = make_video (dir);
  g_autoptr(GdkPixbuf) early = NULL;
  g_autoptr(GdkPixbuf) late = NULL;
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/video.webm");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) none = NULL;
  double duration = 0;

  early = grab (video, 0.1, &duration);
  g_assert_cmpfloat_with_epsilon (duration, 4.0, 0.2);
  g_assert_cmpint (gdk_pixbuf_get_width (early), ==, WIDTH);
  g_assert_cmpint (gdk_pixbuf_get_height (early), ==, HEIGHT);
  assert_colour (early, RED);

  late = grab (video, 0.8, NULL);
  assert_colour (late, BLUE);

  /* A file that is not there fails with a reason, not a picture. */
  fc_admin_frame_grab_async (missing, 0.5, NULL, on_result_cb, &result);
  none = fc_admin_frame_grab_finish (wait_result (&result), NULL, &error);
  g_assert_null (none);
  g_assert_nonnull (error);

  g_file_delete (video, NULL, NULL);
  g_rmdir (dir);
}

static void
test_to_server (NtFixture     *fixture,
                gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("fc-thumbnail-XXXXXX", NULL);
  g_autoptr(GFile) video = make_video (dir);
  g_autoptr(GdkPixbuf) frame = grab (video, 0.8, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = fc_admin_frame_to_png (frame, &error);
  g_autofree char *url = g_strconcat (fixture->server->base_url, "/", NULL);
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(FcAdminService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) workout = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  FcTestResponse *served;
  const char *thumbnail;
  gint64 id;
  GdkPixbuf *image;

  g_assert_no_error (error);
  id = nt_create (fixture->server, "/api/v1/workouts/workouts/", fixture->token_staff,
                  "{\"title\": \"Blue Hour\", \"difficulty\": \"beginner\"}");
  client = fc_api_client_new (url, &error);
  g_assert_no_error (error);
  fc_api_client_set_tokens (client, fixture->token_staff, NULL);
  service = fc_admin_service_new (client);

  fc_admin_service_set_thumbnail_async (service, id, png, "image/png", NULL, on_result_cb,
                                        &result);
  workout = fc_admin_service_workout_finish (service, wait_result (&result), &error);
  g_assert_no_error (error);
  thumbnail = fc_json_get_string (workout, "thumbnail");
  g_assert_nonnull (thumbnail);
  g_assert_true (g_str_has_prefix (thumbnail, fixture->server->base_url));

  /* What everyone is served is the PNG sent: the frame, its size, its colour. */
  served = fc_test_request (fixture->server, "GET",
                            thumbnail + strlen (fixture->server->base_url), NULL, NULL);
  g_assert_cmpuint (served->status, ==, 200);
  g_assert_true (g_bytes_equal (served->body, png));
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, served->body, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  image = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_width (image), ==, WIDTH);
  g_assert_cmpint (gdk_pixbuf_get_height (image), ==, HEIGHT);
  assert_colour (image, BLUE);
  fc_test_response_free (served);

  g_file_delete (video, NULL, NULL);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);
  gst_init (&argc, &argv);

  g_test_add_func ("/admin/thumbnail/frames", test_frames);
  g_test_add ("/admin/thumbnail/to-server", NtFixture, NULL, nt_fixture_set_up, test_to_server,
              nt_fixture_tear_down);

  return g_test_run ();
}
