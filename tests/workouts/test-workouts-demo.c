/* test-workouts-demo.c — `fitcore-server --demo`'s workouts, seen through the API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "fc-json.h"
#include "workouts-test-util.h"

/* The demo server renders its videos after it starts listening: 16 s on a
 * loaded machine, past 15 s in the sanitizer build while the UI tests ran
 * beside it in a rehearsal. meson's own limit still ends a hang. */
#define READY_TIMEOUT_S 150

/* The demo files are made after the server starts; a video's checksum
 * appears once its file is complete. Returns the video list once every
 * video has one. */
static JsonNode *
wait_for_media (FcTestServer *srv)
{
  gint64 deadline = g_get_monotonic_time () + READY_TIMEOUT_S * G_USEC_PER_SEC;

  for (;;) {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", WT_API "videos/?page_size=100",
                                           NULL, NULL, 200);
    JsonArray *results = fc_json_get_array (json_node_get_object (node), "results");
    gboolean ready = json_array_get_length (results) > 0;

    for (guint i = 0; ready && i < json_array_get_length (results); i++)
      ready = !fc_json_is_null (json_array_get_object_element (results, i), "checksum");
    if (ready)
      return g_steal_pointer (&node);
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (G_USEC_PER_SEC / 5);
  }
}

static void
test_demo (void)
{
  const char * const args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) srv = fc_test_server_start (NT_CONFIG, args);
  g_autofree char *staff = fc_test_login (srv, "admin@fitcore.local", "fitcore-admin", NULL);
  g_autofree char *etag = NULL;
  g_autofree char *data_dir = g_strdup (srv->data_dir);
  g_autoptr(JsonNode) videos = wait_for_media (srv);
  g_autoptr(JsonNode) workouts = nt_request (srv, "GET", WT_API "workouts/", NULL, NULL, 200);
  g_autoptr(GHashTable) difficulties = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *results = fc_json_get_array (json_node_get_object (workouts), "results");
  const char *probe_url = NULL;
  gint64 probe_duration = 0;
  guint n_locked = 0;

  g_assert_cmpint (nt_count (srv, WT_API "workouts/", NULL), ==, 6);
  g_assert_cmpint (nt_count (srv, WT_API "workouts/?is_premium=true", NULL), ==, 2);
  g_assert_cmpint (nt_count (srv, WT_API "categories/", NULL), ==, 3);
  g_assert_cmpint (nt_count (srv, WT_API "workouts/?category=strength", NULL), ==, 2);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (json_node_get_object (videos),
                                                               "results")), >=, 12);

  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *workout = json_array_get_object_element (results, i);
    JsonArray *list = fc_json_get_array (workout, "videos");
    const char *thumbnail = fc_json_get_string (workout, "thumbnail");
    g_autoptr(FcTestResponse) image = NULL;

    g_assert_cmpuint (json_array_get_length (list), >=, 2);
    g_assert_cmpuint (json_array_get_length (list), <=, 4);
    g_hash_table_add (difficulties, (gpointer) fc_json_get_string (workout, "difficulty"));
    g_assert_nonnull (thumbnail);
    image = fc_test_request (srv, "GET", thumbnail + strlen (srv->base_url), NULL, NULL);
    g_assert_cmpuint (image->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (image->headers, NULL), ==,
                     "image/png");

    for (guint v = 0; v < json_array_get_length (list); v++) {
      JsonObject *video = json_array_get_object_element (list, v);
      gboolean locked = FALSE;

      g_assert_cmpint (wt_int (video, "order_index"), ==, v);
      g_assert_cmpint (wt_int (video, "duration"), >=, 5);
      g_assert_cmpint (wt_int (video, "duration"), <=, 10);
      g_assert_true (fc_json_get_boolean (video, "locked", &locked));
      n_locked += locked;
      if (probe_url == NULL && !fc_json_is_null (video, "file")) {
        probe_url = fc_json_get_string (video, "file");
        probe_duration = wt_int (video, "duration");
      }
    }
  }
  g_assert_cmpuint (g_hash_table_size (difficulties), ==, 3);
  /* Anonymous callers find the premium workouts' paid videos locked. */
  g_assert_cmpuint (n_locked, >=, 3);

  /* A demo video is real media, as long as it says. */
  {
    g_autoptr(FcTestResponse) file = fc_test_request (srv, "GET",
                                                      probe_url + strlen (srv->base_url),
                                                      staff, NULL);
    double duration;

    g_assert_cmpuint (file->status, ==, 200);
    etag = g_strdup (soup_message_headers_get_one (file->headers, "ETag"));
    duration = wt_probe (file->body);
    g_assert_cmpfloat (duration, >, 0);
    g_assert_cmpfloat (fabs (duration - probe_duration), <, 0.6);
  }

  /* Idempotent: a second start adds nothing and keeps the files. */
  g_assert_cmpint (fc_test_server_stop (srv), ==, 0);
  {
    g_autoptr(FcTestServer) again = fc_test_server_start_in (data_dir, NT_CONFIG, args);
    g_autoptr(JsonNode) ready = wait_for_media (again);
    g_autoptr(FcTestResponse) file = NULL;

    g_assert_cmpint (nt_count (again, WT_API "workouts/", NULL), ==, 6);
    g_assert_cmpint (nt_count (again, WT_API "categories/", NULL), ==, 3);
    file = fc_test_request (again, "GET", probe_url + strlen (srv->base_url), NULL, NULL);
    g_assert_cmpstr (soup_message_headers_get_one (file->headers, "ETag"), ==, etag);
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add_func ("/workouts/demo/six-workouts-of-real-media", test_demo);

  return g_test_run ();
}
