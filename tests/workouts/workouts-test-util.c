/* workouts-test-util.c — media and uploads for the workouts tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "fc-json.h"
#include "fc-sql.h"
#include "workouts-test-util.h"

GBytes *
wt_make_webm (const char *text,
              guint       seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wt-media-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *text_arg = g_strdup_printf ("text=%s", text);
  g_autofree char *frames = g_strdup_printf ("num-buffers=%u", seconds * 24);
  g_autofree char *samples = g_strdup_printf ("num-buffers=%u", (seconds * 44100 + 1023) / 1024);
  g_autofree char *location = NULL;
  g_autofree char *contents = NULL;
  gsize size = 0;
  int status = 0;

  g_assert_no_error (error);
  path = g_build_filename (dir, "video.webm", NULL);
  location = g_strdup_printf ("location=%s", path);
  {
    const char *argv[] = {
      "gst-launch-1.0", "-q", "-e",
      "videotestsrc", "pattern=ball", frames, "!",
      "video/x-raw,width=320,height=180,framerate=24/1", "!",
      "textoverlay", text_arg, "!", "vp8enc", "deadline=1", "cpu-used=8", "!", "queue", "!",
      "webmmux", "name=m", "!", "filesink", location,
      "audiotestsrc", samples, "!", "audio/x-raw,rate=44100", "!", "audioconvert", "!",
      "vorbisenc", "!", "queue", "!", "m.",
      NULL,
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                  &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &size, &error));
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  return g_bytes_new_take (g_steal_pointer (&contents), size);
}

FcTestResponse *
wt_upload (FcTestServer *server,
           const char   *token,
           const char   *filename,
           GBytes       *file,
           ...)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *authorization = token != NULL ? g_strdup_printf ("Bearer %s", token) : NULL;
  const char *request_headers[] = { "Authorization", authorization, NULL };
  g_autoptr(GBytes) body = NULL;
  g_autofree char *content_type = NULL;
  const char *name;
  va_list args;

  if (file != NULL)
    soup_multipart_append_form_file (multipart, "file", filename, "video/webm", file);
  va_start (args, file);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_multipart_append_form_string (multipart, name, va_arg (args, const char *));
  va_end (args);

  soup_multipart_to_message (multipart, headers, &body);
  content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  return fc_test_request_full (server, "POST", WT_API "videos/",
                               token != NULL ? request_headers : NULL, content_type, body);
}

gint64
wt_add_video (FcTestServer *server,
              const char   *token,
              GBytes       *webm,
              gint64        workout,
              const char   *title,
              gboolean      is_free)
{
  g_autofree char *workout_text = g_strdup_printf ("%" G_GINT64_FORMAT, workout);
  g_autoptr(FcTestResponse) response = wt_upload (server, token, "clip.webm", webm, "workout",
                                                  workout_text, "title", title, "is_free",
                                                  is_free ? "true" : "false", NULL);

  g_assert_cmpuint (response->status, ==, 201);
  return wt_int (fc_test_response_object (response), "id");
}

void
wt_set_premium (FcTestServer *server,
                const char   *email,
                gboolean      premium)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "UPDATE users SET has_premium = ? WHERE email = ?");

  fc_sql_bind_int64 (stmt, 1, premium);
  fc_sql_bind_text (stmt, 2, email);
  g_assert_true (fc_sql_step_done (stmt));
  g_assert_cmpint (fc_sql_changes (db), ==, 1);
}

double
wt_probe (GBytes *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  int fd;
  double duration = 0;

  g_assert_true (gst_init_check (NULL, NULL, &error));
  fd = g_file_open_tmp ("wt-probe-XXXXXX.webm", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (data, NULL),
                                      g_bytes_get_size (data), &error));
  uri = g_filename_to_uri (path, NULL, &error);
  discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  g_assert_no_error (error);
  info = gst_discoverer_discover_uri (discoverer, uri, NULL);
  if (info != NULL && gst_discoverer_info_get_result (info) == GST_DISCOVERER_OK) {
    GList *videos = gst_discoverer_info_get_video_streams (info);

    if (videos != NULL)
      duration = (double) gst_discoverer_info_get_duration (info) / GST_SECOND;
    gst_discoverer_stream_info_list_free (videos);
  }
  g_unlink (path);
  return duration;
}

gint64
wt_int (JsonObject *object,
        const char *member)
{
  gint64 value = 0;

  g_assert_true (fc_json_get_int (object, member, &value));
  return value;
}
