/* test-workouts-api.c — api/v1/workouts/ against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shapes, filters and search; uploads of real WebM files made here with
 * GStreamer, of a text file and of a file that only starts like WebM; the
 * per-path upload limit; video order; progress with completed_at; Range and
 * ETag on a video file.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "workouts-test-util.h"

#define INVALID_VIDEO                                                                        \
  "{\"file\":[\"Upload a valid video. The file you uploaded was either not a video or a "   \
  "corrupted video.\"]}"

/* WT_API "@collection/@id/@suffix". */
static char *
path_for (const char *collection,
          gint64      id,
          const char *suffix)
{
  return g_strdup_printf (WT_API "%s/%" G_GINT64_FORMAT "/%s", collection, id, suffix);
}

static gint64
create_workout (FcTestServer *srv,
                const char   *token,
                const char   *json)
{
  return nt_create (srv, WT_API "workouts/", token, json);
}

static JsonNode *
get_workout (FcTestServer *srv,
             const char   *token,
             gint64        id)
{
  g_autofree char *path = path_for ("workouts", id, "");

  return nt_request (srv, "GET", path, token, NULL, 200);
}

/* The titles of a list answer, in order, joined by ",". */
static char *
list_titles (FcTestServer *srv,
             const char   *query)
{
  g_autofree char *path = g_strconcat (WT_API "workouts/", query, NULL);
  g_autoptr(JsonNode) node = nt_request (srv, "GET", path, NULL, NULL, 200);
  JsonArray *results = fc_json_get_array (json_node_get_object (node), "results");
  g_autoptr(GStrvBuilder) titles = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; i < json_array_get_length (results); i++)
    g_strv_builder_add (titles, fc_json_get_string (json_array_get_object_element (results, i),
                                                    "title"));
  strv = g_strv_builder_end (titles);
  return g_strjoinv (",", strv);
}

static void
assert_titles (FcTestServer *srv,
               const char   *query,
               const char   *expected)
{
  g_autofree char *titles = list_titles (srv, query);

  g_assert_cmpstr (titles, ==, expected);
}

static void
test_shapes_and_filters (NtFixture     *fixture,
                         gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  const char *staff = fixture->token_staff;
  gint64 strength, cardio, w1, w2, w3;
  g_autoptr(JsonNode) category = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;

  category = nt_request (srv, "POST", WT_API "categories/", staff,
                         "{\"name\":\"Strength Training\",\"description\":\"Lift\"}", 201);
  object = json_node_get_object (category);
  strength = wt_int (object, "id");
  g_assert_cmpstr (fc_json_get_string (object, "slug"), ==, "strength-training");
  cardio = nt_create (srv, WT_API "categories/", staff,
                      "{\"name\":\"Cardio\",\"slug\":\"cardio-x\"}");
  nt_assert_response (srv, "POST", WT_API "categories/", staff,
                      "{\"name\":\"Again\",\"slug\":\"cardio-x\"}", 400,
                      "{\"slug\":[\"workout category with this slug already exists.\"]}");

  {
    g_autofree char *body = g_strdup_printf (
      "{\"title\":\"Morning Squats\",\"description\":\"Legs day\",\"duration\":20,"
      "\"difficulty\":\"beginner\",\"category\":%" G_GINT64_FORMAT ",\"goals\":[\" Build muscle "
      "\",\"Legs\"],\"is_premium\":false}", strength);

    w1 = create_workout (srv, staff, body);
    g_free (body);
    body = g_strdup_printf ("{\"title\":\"Sprint Intervals\",\"description\":\"A fast CARDIO "
                            "burst\",\"duration\":15,\"difficulty\":\"advanced\",\"category\":%"
                            G_GINT64_FORMAT ",\"is_premium\":true}", cardio);
    w2 = create_workout (srv, staff, body);
    w3 = create_workout (srv, staff, "{\"title\":\"Stretch\",\"description\":\"cool down\","
                                     "\"difficulty\":\"intermediate\"}");
  }

  /* The whole object as anyone sees it, timestamps aside. */
  path = path_for ("workouts", w1, "");
  text = nt_request_text (srv, "GET", path, NULL, NULL, 200);
  {
    g_autofree char *expected = g_strdup_printf (
      "{\"id\":%" G_GINT64_FORMAT ",\"title\":\"Morning Squats\",\"description\":\"Legs day\","
      "\"duration\":20,\"difficulty\":\"beginner\",\"category\":%" G_GINT64_FORMAT ","
      "\"category_detail\":{\"id\":%" G_GINT64_FORMAT ",\"name\":\"Strength Training\","
      "\"slug\":\"strength-training\"},\"goals\":[\"Build muscle\",\"Legs\"],"
      "\"is_premium\":false,\"thumbnail\":null,\"video_count\":0,\"videos\":[],"
      "\"progress\":null,\"created_at\":\"T\",\"updated_at\":\"T\"}", w1, strength, strength);

    g_assert_cmpstr (text, ==, expected);
  }

  /* Newest first; every filter, alone and together. */
  assert_titles (srv, "", "Stretch,Sprint Intervals,Morning Squats");
  {
    g_autofree char *by_id = g_strdup_printf ("?category=%" G_GINT64_FORMAT, strength);

    assert_titles (srv, by_id, "Morning Squats");
  }
  assert_titles (srv, "?category=strength-training", "Morning Squats");
  assert_titles (srv, "?category=cardio-x", "Sprint Intervals");
  assert_titles (srv, "?difficulty=advanced", "Sprint Intervals");
  assert_titles (srv, "?is_premium=true", "Sprint Intervals");
  assert_titles (srv, "?is_premium=false", "Stretch,Morning Squats");
  assert_titles (srv, "?is_premium=maybe", "Stretch,Sprint Intervals,Morning Squats");
  assert_titles (srv, "?search=cardio", "Sprint Intervals");
  assert_titles (srv, "?search=SQUAT", "Morning Squats");
  assert_titles (srv, "?search=legs%20squats", "Morning Squats");
  assert_titles (srv, "?search=legs,sprint", "");
  assert_titles (srv, "?search=COOL&is_premium=false&difficulty=intermediate", "Stretch");
  nt_assert_response (srv, "GET", WT_API "workouts/?category=nope&difficulty=hard", NULL, NULL,
                      400, "{\"category\":[\"Select a valid choice. That choice is not one of "
                           "the available choices.\"],\"difficulty\":[\"Select a valid choice. "
                           "hard is not one of the available choices.\"]}");
  g_assert_cmpint (nt_count (srv, WT_API "workouts/?page_size=2", NULL), ==, 3);
  nt_assert_response (srv, "GET", WT_API "workouts/999/", NULL, NULL, 404,
                      "{\"detail\":\"No Workout matches the given query.\"}");

  /* Validation, DRF's words. */
  nt_assert_response (srv, "POST", WT_API "workouts/", staff,
                      "{\"difficulty\":\"hard\",\"duration\":-1,\"goals\":[\"ok\",\" \",3],"
                      "\"category\":999}", 400,
                      "{\"title\":[\"This field is required.\"],\"duration\":[\"Ensure this value "
                      "is greater than or equal to 0.\"],\"difficulty\":[\"\\\"hard\\\" is not a "
                      "valid choice.\"],\"category\":[\"Invalid pk \\\"999\\\" - object does not "
                      "exist.\"],\"goals\":{\"1\":[\"This field may not be blank.\"],\"2\":[\"Not "
                      "a valid string.\"]}}");
  g_free (path);
  path = path_for ("workouts", w3, "");
  nt_expect (srv, "PUT", path, staff, "{\"description\":\"x\"}", 400);
  detail = nt_request (srv, "PATCH", path, staff, "{\"goals\":[\"Flexibility\"],\"duration\":5}",
                       200);
  object = json_node_get_object (detail);
  g_assert_cmpint (wt_int (object, "duration"), ==, 5);
  g_assert_cmpstr (fc_json_get_string (object, "description"), ==, "cool down");
  g_assert_cmpstr (json_array_get_string_element (fc_json_get_array (object, "goals"), 0), ==,
                   "Flexibility");

  /* Categories list with counts; deleting one keeps its workouts. */
  {
    g_autoptr(JsonNode) list = nt_request (srv, "GET", WT_API "categories/", NULL, NULL, 200);
    JsonArray *results = fc_json_get_array (json_node_get_object (list), "results");
    g_autofree char *category_path = path_for ("categories", strength, "");
    g_autoptr(JsonNode) after = NULL;

    g_assert_cmpuint (json_array_get_length (results), ==, 2);
    g_assert_cmpstr (fc_json_get_string (json_array_get_object_element (results, 0), "name"), ==,
                     "Cardio");
    g_assert_cmpint (wt_int (json_array_get_object_element (results, 1), "workout_count"), ==, 1);
    nt_expect (srv, "DELETE", category_path, staff, NULL, 204);
    nt_expect (srv, "GET", category_path, NULL, NULL, 404);
    after = get_workout (srv, NULL, w1);
    g_assert_true (fc_json_is_null (json_node_get_object (after), "category"));
    g_assert_true (fc_json_is_null (json_node_get_object (after), "category_detail"));
  }
  g_assert_cmpint (w2, >, 0);
}

static void
test_upload (NtFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  const char *staff = fixture->token_staff;
  g_autoptr(GBytes) webm = wt_make_webm ("Squats", 2);
  g_autoptr(GBytes) short_webm = wt_make_webm ("Lunges", 1);
  g_autoptr(GBytes) text = g_bytes_new_static ("just some text, not a video\n", 28);
  g_autoptr(GBytes) fake = NULL;
  g_autoptr(FcTestResponse) created = NULL;
  g_autoptr(FcTestResponse) media = NULL;
  g_autoptr(FcTestResponse) thumb = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, webm);
  g_autofree char *workout = NULL;
  g_autofree char *videos_dir = g_build_filename (srv->data_dir, "protected", "videos", NULL);
  JsonObject *video;
  JsonArray *videos;
  const char *url;
  gboolean flag = FALSE;
  gint64 w, first, second, third;

  w = create_workout (srv, staff, "{\"title\":\"Legs\"}");
  workout = g_strdup_printf ("%" G_GINT64_FORMAT, w);

  created = wt_upload (srv, staff, "squats.webm", webm, "workout", workout, "title", "Squats",
                       "order_index", "1", "is_free", "true", NULL);
  g_assert_cmpuint (created->status, ==, 201);
  video = fc_test_response_object (created);
  first = wt_int (video, "id");
  /* The duration is the one the media says, not one a client claimed. */
  g_assert_cmpint (wt_int (video, "duration"), ==, 2);
  g_assert_cmpint (wt_int (video, "file_size"), ==, g_bytes_get_size (webm));
  g_assert_cmpstr (fc_json_get_string (video, "checksum"), ==, checksum);
  g_assert_cmpint (wt_int (video, "order_index"), ==, 1);
  g_assert_true (fc_json_get_boolean (video, "is_free", &flag) && flag);
  g_assert_true (fc_json_get_boolean (video, "locked", &flag) && !flag);
  url = fc_json_get_string (video, "file");
  g_assert_true (g_str_has_prefix (url, srv->base_url));
  media = fc_test_request (srv, "GET", url + strlen (srv->base_url), NULL, NULL);
  g_assert_cmpuint (media->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (media->headers, NULL), ==,
                   "video/webm");
  g_assert_true (g_bytes_equal (media->body, webm));
  url = fc_json_get_string (video, "thumbnail");
  g_assert_nonnull (url);
  thumb = fc_test_request (srv, "GET", url + strlen (srv->base_url), NULL, NULL);
  g_assert_cmpuint (thumb->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (thumb->headers, NULL), ==, "image/png");

  /* A text file named .webm, and a file that only starts like one: the
   * second gets past the first bytes and is refused by the discoverer. */
  {
    g_autoptr(FcTestResponse) renamed = wt_upload (srv, staff, "fake.webm", text, "workout",
                                                   workout, "title", "Fake", NULL);
    g_autoptr(GByteArray) bytes = g_byte_array_new ();
    g_autoptr(FcTestResponse) disguised = NULL;
    g_autoptr(FcTestResponse) missing = NULL;
    g_autoptr(GDir) dir = NULL;
    guint n_files = 0;

    g_byte_array_append (bytes, g_bytes_get_data (webm, NULL), 64);
    for (guint i = 0; i < 8192; i++)
      g_byte_array_append (bytes, (const guint8 *) "x", 1);
    fake = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
    disguised = wt_upload (srv, staff, "broken.webm", fake, "workout", workout, "title", "Broken",
                           NULL);
    missing = wt_upload (srv, staff, NULL, NULL, "workout", "999", NULL);

    g_assert_cmpuint (renamed->status, ==, 400);
    g_assert_cmpmem (g_bytes_get_data (renamed->body, NULL), g_bytes_get_size (renamed->body),
                     INVALID_VIDEO, strlen (INVALID_VIDEO));
    g_assert_cmpuint (disguised->status, ==, 400);
    g_assert_cmpmem (g_bytes_get_data (disguised->body, NULL), g_bytes_get_size (disguised->body),
                     INVALID_VIDEO, strlen (INVALID_VIDEO));
    g_assert_cmpuint (missing->status, ==, 400);
    g_assert_true (fc_json_has_member (fc_test_response_object (missing), "title"));
    g_assert_true (fc_json_has_member (fc_test_response_object (missing), "workout"));
    g_assert_true (fc_json_has_member (fc_test_response_object (missing), "file"));

    /* Nothing refused stays on disk. */
    dir = g_dir_open (videos_dir, 0, NULL);
    while (g_dir_read_name (dir) != NULL)
      n_files++;
    g_assert_cmpuint (n_files, ==, 1);
  }

  /* Order: by order_index; without one a video goes last. */
  {
    g_autoptr(FcTestResponse) upload2 = wt_upload (srv, staff, "lunges.webm", short_webm,
                                                   "workout", workout, "title", "Lunges",
                                                   "order_index", "0", NULL);
    g_autoptr(FcTestResponse) upload3 = wt_upload (srv, staff, "lunges.webm", short_webm,
                                                   "workout", workout, "title", "Cool-down",
                                                   NULL);
    g_autofree char *first_path = path_for ("videos", first, "");

    g_assert_cmpuint (upload2->status, ==, 201);
    g_assert_cmpuint (upload3->status, ==, 201);
    second = wt_int (fc_test_response_object (upload2), "id");
    third = wt_int (fc_test_response_object (upload3), "id");
    g_assert_cmpint (wt_int (fc_test_response_object (upload3), "order_index"), ==, 2);
    g_assert_cmpint (wt_int (fc_test_response_object (upload3), "duration"), ==, 1);
    /* Same client name, different stored files. */
    g_assert_cmpstr (fc_json_get_string (fc_test_response_object (upload2), "file"), !=,
                     fc_json_get_string (fc_test_response_object (upload3), "file"));

    detail = get_workout (srv, NULL, w);
    videos = fc_json_get_array (json_node_get_object (detail), "videos");
    g_assert_cmpint (wt_int (json_node_get_object (detail), "video_count"), ==, 3);
    g_assert_cmpint (wt_int (json_array_get_object_element (videos, 0), "id"), ==, second);
    g_assert_cmpint (wt_int (json_array_get_object_element (videos, 1), "id"), ==, first);
    g_assert_cmpint (wt_int (json_array_get_object_element (videos, 2), "id"), ==, third);
    /* The workout shows its first video's thumbnail. */
    g_assert_cmpstr (fc_json_get_string (json_node_get_object (detail), "thumbnail"), ==,
                     fc_json_get_string (json_array_get_object_element (videos, 0), "thumbnail"));

    nt_expect (srv, "PATCH", first_path, staff, "{\"order_index\":7,\"title\":\"Deep Squats\"}",
               200);
    g_clear_pointer (&detail, json_node_unref);
    detail = get_workout (srv, NULL, w);
    videos = fc_json_get_array (json_node_get_object (detail), "videos");
    g_assert_cmpint (wt_int (json_array_get_object_element (videos, 2), "id"), ==, first);
    g_assert_cmpstr (fc_json_get_string (json_array_get_object_element (videos, 2), "title"), ==,
                     "Deep Squats");
    nt_expect (srv, "PATCH", first_path, staff, "{\"workout\":999}", 400);

    /* Deleting a video deletes its file. */
    nt_expect (srv, "DELETE", first_path, staff, NULL, 204);
    {
      g_autofree char *file_path = path_for ("videos", first, "file/");
      g_autoptr(GDir) dir = g_dir_open (videos_dir, 0, NULL);
      guint n_files = 0;

      nt_expect (srv, "GET", file_path, NULL, NULL, 404);
      while (g_dir_read_name (dir) != NULL)
        n_files++;
      g_assert_cmpuint (n_files, ==, 2);
    }
  }

  /* Deleting the workout deletes the rest. */
  {
    g_autofree char *workout_path = path_for ("workouts", w, "");
    g_autoptr(GDir) dir = NULL;

    nt_expect (srv, "DELETE", workout_path, staff, NULL, 204);
    dir = g_dir_open (videos_dir, 0, NULL);
    g_assert_null (g_dir_read_name (dir));
    g_assert_cmpint (nt_count (srv, WT_API "videos/", NULL), ==, 0);
  }
}

/* Video uploads have their own limit, above the general multipart one. */
static void
test_upload_limits (void)
{
  g_autoptr(FcTestServer) srv =
    fc_test_server_start (NT_CONFIG "max_upload_size=65536\nmax_video_upload_size=1048576\n",
                          NULL);
  g_autofree char *staff = fc_test_register (srv, NT_EMAIL_STAFF, NT_PASSWORD, NULL);
  g_autoptr(GBytes) webm = wt_make_webm ("Big", 1);
  g_autoptr(GByteArray) big = g_byte_array_new ();
  g_autoptr(GByteArray) medium = g_byte_array_new ();
  g_autoptr(GBytes) big_bytes = NULL;
  g_autoptr(GBytes) medium_bytes = NULL;
  g_autoptr(FcTestResponse) too_large = NULL;
  g_autoptr(FcTestResponse) checked = NULL;
  g_autofree char *workout = NULL;

  nt_make_staff (srv, NT_EMAIL_STAFF);
  workout = g_strdup_printf ("%" G_GINT64_FORMAT,
                             create_workout (srv, staff, "{\"title\":\"Limits\"}"));

  g_byte_array_append (big, g_bytes_get_data (webm, NULL), 64);
  g_byte_array_set_size (big, 1536 * 1024);
  big_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&big));
  /* A real video with zeros after it: valid media, eight times the size
   * max_upload_size allows. */
  g_byte_array_append (medium, g_bytes_get_data (webm, NULL), g_bytes_get_size (webm));
  g_byte_array_set_size (medium, 512 * 1024);
  medium_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&medium));

  too_large = wt_upload (srv, staff, "big.webm", big_bytes, "workout", workout, "title", "Big",
                         NULL);
  g_assert_cmpuint (too_large->status, ==, 413);
  g_assert_cmpstr (fc_json_get_string (fc_test_response_object (too_large), "detail"), ==,
                   "Request body too large.");

  /* The general limit does not apply to video uploads. */
  checked = wt_upload (srv, staff, "medium.webm", medium_bytes, "workout", workout, "title",
                       "Medium", NULL);
  g_assert_cmpuint (checked->status, ==, 201);
  g_assert_cmpint (wt_int (fc_test_response_object (checked), "file_size"), ==, 512 * 1024);
}

static void
test_progress (NtFixture     *fixture,
               gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  const char *staff = fixture->token_staff;
  g_autoptr(GBytes) webm = wt_make_webm ("Run", 1);
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) done = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) undone = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *workout = NULL;
  g_autofree char *other_workout = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *completed_at = NULL;
  gint64 w, other, video, other_video, id;

  w = create_workout (srv, staff, "{\"title\":\"Run\"}");
  other = create_workout (srv, staff, "{\"title\":\"Walk\"}");
  workout = g_strdup_printf ("%" G_GINT64_FORMAT, w);
  other_workout = g_strdup_printf ("%" G_GINT64_FORMAT, other);
  video = wt_add_video (srv, staff, webm, w, "Run", FALSE);
  other_video = wt_add_video (srv, staff, webm, other, "Walk", FALSE);

  body = g_strdup_printf ("{\"workout\":%s,\"progress_percentage\":40,\"last_video\":%"
                          G_GINT64_FORMAT ",\"position_seconds\":12.5}", workout, video);
  first = nt_request (srv, "POST", WT_API "progress/", fixture->token_a, body, 201);
  id = wt_int (json_node_get_object (first), "id");
  g_assert_true (fc_json_is_null (json_node_get_object (first), "completed_at"));
  g_assert_cmpint (wt_int (json_node_get_object (first), "last_video"), ==, video);

  /* POST again is an upsert of the same record; 100 completes it. */
  g_free (body);
  body = g_strdup_printf ("{\"workout\":%s,\"progress_percentage\":100}", workout);
  done = nt_request (srv, "POST", WT_API "progress/", fixture->token_a, body, 200);
  g_assert_cmpint (wt_int (json_node_get_object (done), "id"), ==, id);
  completed_at = g_strdup (fc_json_get_string (json_node_get_object (done), "completed_at"));
  g_assert_nonnull (completed_at);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (done),
                                                    "position_seconds"), ==, 12.5);

  path = path_for ("progress", id, "");
  again = nt_request (srv, "PATCH", path, fixture->token_a, "{\"progress_percentage\":100}", 200);
  g_assert_cmpstr (fc_json_get_string (json_node_get_object (again), "completed_at"), ==,
                   completed_at);
  undone = nt_request (srv, "PATCH", path, fixture->token_a,
                       "{\"progress_percentage\":99.5,\"last_video\":null}", 200);
  g_assert_true (fc_json_is_null (json_node_get_object (undone), "completed_at"));
  g_assert_true (fc_json_is_null (json_node_get_object (undone), "last_video"));

  /* Bounds and references. */
  g_free (body);
  body = g_strdup_printf ("{\"workout\":%s,\"progress_percentage\":100.5,\"position_seconds\":-1,"
                          "\"last_video\":%" G_GINT64_FORMAT "}", workout, other_video);
  nt_assert_response (srv, "POST", WT_API "progress/", fixture->token_a, body, 400,
                      "{\"progress_percentage\":[\"Ensure this value is less than or equal to "
                      "100.\"],\"position_seconds\":[\"Ensure this value is greater than or equal "
                      "to 0.\"],\"last_video\":[\"This video is not part of the workout.\"]}");
  nt_assert_response (srv, "PATCH", path, fixture->token_a, "{\"progress_percentage\":-0.5}", 400,
                      "{\"progress_percentage\":[\"Ensure this value is greater than or equal to "
                      "0.\"]}");
  nt_assert_response (srv, "POST", WT_API "progress/", fixture->token_a,
                      "{\"progress_percentage\":5}", 400,
                      "{\"workout\":[\"This field is required.\"]}");
  nt_assert_response (srv, "POST", WT_API "progress/", fixture->token_a, "{\"workout\":999}", 400,
                      "{\"workout\":[\"Invalid pk \\\"999\\\" - object does not exist.\"]}");
  g_free (body);
  body = g_strdup_printf ("{\"workout\":%s}", other_workout);
  nt_expect (srv, "PATCH", path, fixture->token_a, body, 400);

  /* The workout shows the caller's own progress, and only theirs. */
  detail = get_workout (srv, fixture->token_a, w);
  g_assert_cmpfloat (json_object_get_double_member (
                       fc_json_get_object (json_node_get_object (detail), "progress"),
                       "progress_percentage"), ==, 99.5);
  g_clear_pointer (&detail, json_node_unref);
  detail = get_workout (srv, fixture->token_b, w);
  g_assert_true (fc_json_is_null (json_node_get_object (detail), "progress"));
  g_assert_cmpint (nt_count (srv, WT_API "progress/", fixture->token_a), ==, 1);
  g_assert_cmpint (nt_count (srv, WT_API "progress/", fixture->token_b), ==, 0);
  {
    g_autofree char *filtered = g_strdup_printf (WT_API "progress/?workout=%s", other_workout);

    g_assert_cmpint (nt_count (srv, filtered, fixture->token_a), ==, 0);
  }
  nt_expect (srv, "GET", path, fixture->token_b, NULL, 404);
  nt_expect (srv, "GET", path, staff, NULL, 404);
  nt_expect (srv, "DELETE", path, fixture->token_a, NULL, 204);
  g_assert_cmpint (nt_count (srv, WT_API "progress/", fixture->token_a), ==, 0);
}

static void
test_range_and_etag (NtFixture     *fixture,
                     gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autoptr(GBytes) webm = wt_make_webm ("Range", 3);
  g_autoptr(FcTestResponse) full = NULL;
  g_autoptr(FcTestResponse) head = NULL;
  g_autoptr(FcTestResponse) part = NULL;
  g_autoptr(FcTestResponse) tail = NULL;
  g_autoptr(FcTestResponse) cached = NULL;
  g_autoptr(FcTestResponse) stale = NULL;
  g_autofree char *path = NULL;
  g_autofree char *content_range = NULL;
  g_autofree char *etag = NULL;
  gint64 workout;
  gsize size = g_bytes_get_size (webm);
  const guint8 *bytes = g_bytes_get_data (webm, NULL);

  workout = create_workout (srv, fixture->token_staff, "{\"title\":\"R\"}");
  path = path_for ("videos", wt_add_video (srv, fixture->token_staff, webm, workout, "Range", FALSE),
                   "file/");
  g_assert_cmpuint (size, >, 2000);

  full = fc_test_request (srv, "GET", path, NULL, NULL);
  g_assert_cmpuint (full->status, ==, 200);
  g_assert_true (g_bytes_equal (full->body, webm));
  g_assert_cmpint (soup_message_headers_get_content_length (full->headers), ==, size);
  g_assert_cmpstr (soup_message_headers_get_one (full->headers, "Accept-Ranges"), ==, "bytes");
  etag = g_strdup (soup_message_headers_get_one (full->headers, "ETag"));
  g_assert_nonnull (etag);

  head = fc_test_request_full (srv, "HEAD", path, NULL, NULL, NULL);
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpint (soup_message_headers_get_content_length (head->headers), ==, size);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);

  {
    const char *headers[] = { "Range", "bytes=100-1099", NULL };

    part = fc_test_request_full (srv, "GET", path, headers, NULL, NULL);
  }
  g_assert_cmpuint (part->status, ==, 206);
  content_range = g_strdup_printf ("bytes 100-1099/%" G_GSIZE_FORMAT, size);
  g_assert_cmpstr (soup_message_headers_get_one (part->headers, "Content-Range"), ==,
                   content_range);
  g_assert_cmpmem (g_bytes_get_data (part->body, NULL), g_bytes_get_size (part->body),
                   bytes + 100, 1000);

  {
    const char *headers[] = { "Range", "bytes=-200", NULL };

    tail = fc_test_request_full (srv, "GET", path, headers, NULL, NULL);
  }
  g_assert_cmpuint (tail->status, ==, 206);
  g_assert_cmpmem (g_bytes_get_data (tail->body, NULL), g_bytes_get_size (tail->body),
                   bytes + size - 200, 200);

  {
    const char *headers[] = { "If-None-Match", etag, NULL };
    const char *other[] = { "If-None-Match", "\"something-else\"", NULL };

    cached = fc_test_request_full (srv, "GET", path, headers, NULL, NULL);
    stale = fc_test_request_full (srv, "GET", path, other, NULL, NULL);
  }
  g_assert_cmpuint (cached->status, ==, 304);
  g_assert_cmpuint (g_bytes_get_size (cached->body), ==, 0);
  g_assert_cmpuint (stale->status, ==, 200);
  g_assert_true (g_bytes_equal (stale->body, webm));
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/workouts/api/shapes-and-filters", NtFixture, NULL, nt_fixture_set_up,
              test_shapes_and_filters, nt_fixture_tear_down);
  g_test_add ("/workouts/api/upload", NtFixture, NULL, nt_fixture_set_up, test_upload,
              nt_fixture_tear_down);
  g_test_add_func ("/workouts/api/upload-limits", test_upload_limits);
  g_test_add ("/workouts/api/progress", NtFixture, NULL, nt_fixture_set_up, test_progress,
              nt_fixture_tear_down);
  g_test_add ("/workouts/api/range-and-etag", NtFixture, NULL, nt_fixture_set_up,
              test_range_and_etag, nt_fixture_tear_down);

  return g_test_run ();
}
