/* test-workouts-authz.c — who may do what in api/v1/workouts/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every workouts route and method, called by an anonymous client, user B,
 * user A (who owns a progress record) and staff; then the access rule for
 * premium videos: locked for callers without access, open to staff, to a
 * user with has_premium, and for free videos to everyone.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "workouts-test-util.h"

#define API WT_API
#define LOCKED_DETAIL "{\"detail\":\"This video needs an active subscription.\"}"

enum { ANON, USER_B, USER_A, STAFF, N_CALLERS };

typedef struct {
  const char *method;
  const char *path;   /* {W} {P} {C} {V} {L} {F} {G} are replaced by ids */
  const char *body;
  guint       status[N_CALLERS];
} Case;

/* Callers run in the order anonymous, B, A, staff: the deletions at the end
 * succeed only for the last caller allowed. */
static const Case cases[] = {
  { "GET", API, NULL, { 200, 200, 200, 200 } },
  { "POST", API, "{}", { 405, 405, 405, 405 } },

  { "GET", API "workouts/", NULL, { 200, 200, 200, 200 } },
  { "POST", API "workouts/", "{\"title\":\"New\"}", { 401, 403, 403, 201 } },
  { "PUT", API "workouts/", "{}", { 401, 405, 405, 405 } },
  { "GET", API "workouts/{W}/", NULL, { 200, 200, 200, 200 } },
  { "GET", API "workouts/{P}/", NULL, { 200, 200, 200, 200 } },
  { "GET", API "workouts/999/", NULL, { 404, 404, 404, 404 } },
  { "PUT", API "workouts/{W}/", "{\"title\":\"Free Workout\"}", { 401, 403, 403, 200 } },
  { "PATCH", API "workouts/{W}/", "{\"duration\":9}", { 401, 403, 403, 200 } },
  { "POST", API "workouts/{W}/", "{}", { 401, 405, 405, 405 } },

  { "GET", API "categories/", NULL, { 200, 200, 200, 200 } },
  { "POST", API "categories/", "{\"name\":\"Yoga\"}", { 401, 403, 403, 201 } },
  { "GET", API "categories/{C}/", NULL, { 200, 200, 200, 200 } },
  { "PUT", API "categories/{C}/", "{\"name\":\"Strength\"}", { 401, 403, 403, 200 } },
  { "PATCH", API "categories/{C}/", "{\"description\":\"d\"}", { 401, 403, 403, 200 } },
  { "POST", API "categories/{C}/", "{}", { 401, 405, 405, 405 } },

  { "GET", API "videos/", NULL, { 200, 200, 200, 200 } },
  /* Staff get as far as validation: a video needs a file. */
  { "POST", API "videos/", "{\"workout\":{W},\"title\":\"x\"}", { 401, 403, 403, 400 } },
  { "GET", API "videos/{V}/", NULL, { 200, 200, 200, 200 } },
  { "GET", API "videos/{L}/", NULL, { 200, 200, 200, 200 } },
  { "PUT", API "videos/{V}/", "{\"workout\":{W},\"title\":\"V\"}", { 401, 403, 403, 200 } },
  { "PATCH", API "videos/{V}/", "{\"description\":\"d\"}", { 401, 403, 403, 200 } },
  { "GET", API "videos/{V}/file/", NULL, { 200, 200, 200, 200 } },
  { "GET", API "videos/{F}/file/", NULL, { 200, 200, 200, 200 } },
  { "GET", API "videos/{L}/file/", NULL, { 401, 403, 403, 200 } },
  { "GET", API "videos/999/file/", NULL, { 404, 404, 404, 404 } },
  { "DELETE", API "videos/{V}/file/", NULL, { 405, 405, 405, 405 } },

  { "GET", API "progress/", NULL, { 401, 200, 200, 200 } },
  { "POST", API "progress/", "{\"workout\":{W},\"progress_percentage\":10}",
    { 401, 201, 200, 201 } },
  { "PUT", API "progress/", "{}", { 401, 405, 405, 405 } },
  { "GET", API "progress/{G}/", NULL, { 401, 404, 200, 404 } },
  { "PUT", API "progress/{G}/", "{\"progress_percentage\":20}", { 401, 404, 200, 404 } },
  { "PATCH", API "progress/{G}/", "{\"position_seconds\":3}", { 401, 404, 200, 404 } },
  { "POST", API "progress/{G}/", "{}", { 401, 405, 405, 405 } },
  { "DELETE", API "progress/{G}/", NULL, { 401, 404, 204, 404 } },

  { "DELETE", API "videos/{V}/", NULL, { 401, 403, 403, 204 } },
  { "DELETE", API "categories/{C}/", NULL, { 401, 403, 403, 204 } },
  { "DELETE", API "workouts/{P}/", NULL, { 401, 403, 403, 204 } },
  { "DELETE", API "workouts/{W}/", NULL, { 401, 403, 403, 204 } },
};

enum { W, P, C, V, L, F, G, N_IDS };

static const char * const id_names[N_IDS] = { "{W}", "{P}", "{C}", "{V}", "{L}", "{F}", "{G}" };

static char *
replace_ids (const char   *text,
             const gint64 *ids)
{
  g_autoptr(GString) out = g_string_new (text);

  for (guint i = 0; i < N_IDS; i++) {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ids[i]);

    g_string_replace (out, id_names[i], id, 0);
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A free workout W with video V; a premium workout P with a locked video L
 * and a free one F; a category C; A's progress G on W. */
static void
make_content (NtFixture *fixture,
              gint64    *ids)
{
  FcTestServer *srv = fixture->server;
  const char *staff = fixture->token_staff;
  g_autoptr(GBytes) webm = wt_make_webm ("Clip", 1);
  g_autofree char *body = NULL;

  ids[C] = nt_create (srv, API "categories/", staff, "{\"name\":\"Strength\"}");
  body = g_strdup_printf ("{\"title\":\"Free Workout\",\"category\":%" G_GINT64_FORMAT "}",
                          ids[C]);
  ids[W] = nt_create (srv, API "workouts/", staff, body);
  ids[P] = nt_create (srv, API "workouts/", staff,
                      "{\"title\":\"Premium Workout\",\"is_premium\":true}");
  ids[V] = wt_add_video (srv, staff, webm, ids[W], "Open", FALSE);
  ids[F] = wt_add_video (srv, staff, webm, ids[P], "Preview", TRUE);
  ids[L] = wt_add_video (srv, staff, webm, ids[P], "Members only", FALSE);
  g_free (body);
  body = g_strdup_printf ("{\"workout\":%" G_GINT64_FORMAT ",\"progress_percentage\":30}",
                          ids[W]);
  ids[G] = nt_create (srv, API "progress/", fixture->token_a, body);
}

static void
test_matrix (NtFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  const char *tokens[N_CALLERS] = {
    NULL, fixture->token_b, fixture->token_a, fixture->token_staff,
  };
  gint64 ids[N_IDS];
  guint checked = 0;

  make_content (fixture, ids);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path = replace_ids (cases[i].path, ids);
    g_autofree char *body = cases[i].body != NULL ? replace_ids (cases[i].body, ids) : NULL;

    for (guint caller = 0; caller < N_CALLERS; caller++) {
      g_autoptr(FcTestResponse) response = fc_test_request (srv, cases[i].method, path,
                                                            tokens[caller], body);

      if (response->status != cases[i].status[caller])
        g_test_message ("%s %s as caller %u: %u, expected %u", cases[i].method, path, caller,
                        response->status, cases[i].status[caller]);
      g_assert_cmpuint (response->status, ==, cases[i].status[caller]);
      /* Every refusal is DRF's JSON detail. */
      if (response->status == 401 || response->status == 403 || response->status == 405)
        g_assert_true (fc_json_has_member (fc_test_response_object (response), "detail"));
      checked++;
    }
  }
  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (cases) * N_CALLERS);
  g_assert_cmpint (nt_count (srv, API "workouts/", NULL), ==, 1);
}

/* The video of @workout_node with @id. */
static JsonObject *
find_video (JsonNode *workout_node,
            gint64    id)
{
  JsonArray *videos = fc_json_get_array (json_node_get_object (workout_node), "videos");

  for (guint i = 0; i < json_array_get_length (videos); i++) {
    JsonObject *video = json_array_get_object_element (videos, i);

    if (wt_int (video, "id") == id)
      return video;
  }
  g_assert_not_reached ();
}

/* What @token sees of L and F, and what L's file route answers. */
static void
assert_access (FcTestServer *srv,
               const char   *token,
               const gint64 *ids,
               gboolean      open,
               guint         file_status)
{
  g_autofree char *workout_path = g_strdup_printf (API "workouts/%" G_GINT64_FORMAT "/", ids[P]);
  g_autofree char *video_path = g_strdup_printf (API "videos/%" G_GINT64_FORMAT "/", ids[L]);
  g_autofree char *file_path = g_strdup_printf (API "videos/%" G_GINT64_FORMAT "/file/", ids[L]);
  g_autofree char *free_path = g_strdup_printf (API "videos/%" G_GINT64_FORMAT "/file/", ids[F]);
  g_autofree char *file_url = g_strconcat (srv->base_url, file_path, NULL);
  g_autoptr(JsonNode) workout = nt_request (srv, "GET", workout_path, token, NULL, 200);
  g_autoptr(JsonNode) video = nt_request (srv, "GET", video_path, token, NULL, 200);
  g_autoptr(FcTestResponse) file = fc_test_request (srv, "GET", file_path, token, NULL);
  g_autoptr(FcTestResponse) free_file = fc_test_request (srv, "GET", free_path, token, NULL);
  JsonObject *locked = find_video (workout, ids[L]);
  JsonObject *preview = find_video (workout, ids[F]);
  gboolean flag = !open;

  /* The same in the workout and on its own. */
  g_assert_true (fc_json_get_boolean (locked, "locked", &flag));
  g_assert_cmpint (flag, ==, !open);
  g_assert_true (fc_json_get_boolean (json_node_get_object (video), "locked", &flag));
  g_assert_cmpint (flag, ==, !open);
  g_assert_cmpint (fc_json_is_null (locked, "file"), ==, !open);
  g_assert_cmpint (fc_json_is_null (json_node_get_object (video), "file"), ==, !open);
  if (open)
    g_assert_cmpstr (fc_json_get_string (locked, "file"), ==, file_url);
  /* Metadata and thumbnails stay visible to everyone. */
  g_assert_cmpstr (fc_json_get_string (locked, "title"), ==, "Members only");
  g_assert_nonnull (fc_json_get_string (locked, "thumbnail"));

  g_assert_true (fc_json_get_boolean (preview, "locked", &flag));
  g_assert_false (flag);
  g_assert_nonnull (fc_json_get_string (preview, "file"));
  g_assert_cmpuint (free_file->status, ==, 200);

  g_assert_cmpuint (file->status, ==, file_status);
  if (file_status == 403)
    g_assert_cmpmem (g_bytes_get_data (file->body, NULL), g_bytes_get_size (file->body),
                     LOCKED_DETAIL, strlen (LOCKED_DETAIL));
  if (file_status == 200)
    g_assert_cmpstr (soup_message_headers_get_content_type (file->headers, NULL), ==,
                     "video/webm");
}

static void
test_premium (NtFixture     *fixture,
              gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  gint64 ids[N_IDS];

  make_content (fixture, ids);

  assert_access (srv, NULL, ids, FALSE, 401);
  assert_access (srv, fixture->token_a, ids, FALSE, 403);
  assert_access (srv, fixture->token_b, ids, FALSE, 403);
  assert_access (srv, fixture->token_staff, ids, TRUE, 200);

  /* An admin grants A access (until payments exist, the flag on the user):
   * it counts from A's next request, and only for A. */
  wt_set_premium (srv, NT_EMAIL_A, TRUE);
  assert_access (srv, fixture->token_a, ids, TRUE, 200);
  assert_access (srv, fixture->token_b, ids, FALSE, 403);
  {
    g_autofree char *path = g_strdup_printf (API "videos/%" G_GINT64_FORMAT "/file/", ids[L]);
    g_autofree char *authorization = g_strdup_printf ("Bearer %s", fixture->token_a);
    const char *headers[] = { "Authorization", authorization, "Range", "bytes=0-99", NULL };
    g_autoptr(FcTestResponse) part = fc_test_request_full (srv, "GET", path, headers, NULL, NULL);

    g_assert_cmpuint (part->status, ==, 206);
    g_assert_cmpuint (g_bytes_get_size (part->body), ==, 100);
  }

  wt_set_premium (srv, NT_EMAIL_A, FALSE);
  assert_access (srv, fixture->token_a, ids, FALSE, 403);

  /* A premium workout whose video is made free opens it to everyone. */
  {
    g_autofree char *path = g_strdup_printf (API "videos/%" G_GINT64_FORMAT "/", ids[L]);

    nt_expect (srv, "PATCH", path, fixture->token_staff, "{\"is_free\":true}", 200);
    assert_access (srv, NULL, ids, TRUE, 200);
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/workouts/authz/matrix", NtFixture, NULL, nt_fixture_set_up, test_matrix,
              nt_fixture_tear_down);
  g_test_add ("/workouts/authz/premium", NtFixture, NULL, nt_fixture_set_up, test_premium,
              nt_fixture_tear_down);

  return g_test_run ();
}
