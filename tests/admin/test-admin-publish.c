/* test-admin-publish.c — hidden workouts and a workout's own thumbnail, against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A workout staff hide is gone for everyone else: not in the list, 404 on
 * its detail, its videos and its video's file, and a delete in their
 * change feed; staff still see it, with "is_published": false, and the
 * hide is audited. Published again, it comes back as an upsert. A
 * workout's own thumbnail is a PNG or JPEG body, checked by its magic
 * bytes and size, the previous image removed.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "admin-test-util.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "nutrition-test-util.h"

#define WORKOUTS "/api/v1/workouts/workouts/"

static gint64
list_count (FcTestServer *server,
            const char   *token)
{
  return nt_count (server, WORKOUTS, token);
}

static void
test_publish (NtFixture     *fixture,
              gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 workout = nt_create (server, WORKOUTS, fixture->token_staff,
                              "{\"title\": \"Secret\", \"difficulty\": \"beginner\"}");
  gint64 video;
  g_autofree char *detail = g_strdup_printf (WORKOUTS "%" G_GINT64_FORMAT "/", workout);
  g_autofree char *video_path = NULL;
  g_autofree char *file_path = NULL;
  g_autofree char *videos_list = g_strdup_printf ("/api/v1/workouts/videos/?workout=%" G_GINT64_FORMAT,
                                                  workout);
  g_autofree char *dir = g_build_filename (server->data_dir, "protected", "videos", NULL);
  g_autofree char *file = g_build_filename (dir, "pub.webm", NULL);
  g_autofree char *cursor = NULL;
  g_autofree char *next = NULL;
  g_autofree char *op = NULL;
  g_autofree char *sql = NULL;

  /* A published workout with a video whose file is on disk. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "not really a video", -1, NULL));
  sql = g_strdup_printf ("INSERT INTO workout_videos (workout_id, title, description, file, duration,"
                         " order_index, is_free, created_at, updated_at) VALUES"
                         " (%" G_GINT64_FORMAT ", 'One', '', 'videos/pub.webm', 60, 0, 1, 'T', 'T')",
                         workout);
  ad_db_exec (server, sql);
  video = ad_db_int (server, "SELECT max(id) FROM workout_videos");
  video_path = g_strdup_printf ("/api/v1/workouts/videos/%" G_GINT64_FORMAT "/", video);
  file_path = g_strdup_printf ("/api/v1/workouts/videos/%" G_GINT64_FORMAT "/file/", video);

  {
    g_autoptr(JsonNode) seen = nt_request (server, "GET", detail, fixture->token_staff, NULL, 200);

    g_assert_true (json_object_get_boolean_member (ad_object (seen), "is_published"));
  }
  g_assert_cmpint (list_count (server, fixture->token_a), ==, 1);
  nt_expect (server, "GET", detail, fixture->token_a, NULL, 200);
  nt_expect (server, "GET", video_path, fixture->token_a, NULL, 200);
  nt_expect (server, "GET", file_path, fixture->token_a, NULL, 200);
  g_assert_cmpint (nt_count (server, videos_list, fixture->token_a), ==, 1);
  g_free (ad_feed_op (server, fixture->token_a, NULL, "workouts", workout, &cursor));

  /* Hidden. */
  nt_expect (server, "PATCH", detail, fixture->token_staff, "{\"is_published\": false}", 200);
  g_assert_cmpint (list_count (server, fixture->token_a), ==, 0);
  g_assert_cmpint (list_count (server, NULL), ==, 0);
  nt_expect (server, "GET", detail, fixture->token_a, NULL, 404);
  nt_expect (server, "GET", detail, NULL, NULL, 404);
  nt_expect (server, "GET", video_path, fixture->token_a, NULL, 404);
  nt_expect (server, "GET", file_path, fixture->token_a, NULL, 404);
  nt_expect (server, "GET", file_path, NULL, NULL, 404);
  g_assert_cmpint (nt_count (server, videos_list, fixture->token_a), ==, 0);
  op = ad_feed_op (server, fixture->token_a, cursor, "workouts", workout, &next);
  g_assert_cmpstr (op, ==, "delete");
  g_clear_pointer (&op, g_free);

  /* Staff still see it, as hidden; the hide is audited. */
  g_assert_cmpint (list_count (server, fixture->token_staff), ==, 1);
  {
    g_autoptr(JsonNode) seen = nt_request (server, "GET", detail, fixture->token_staff, NULL, 200);

    g_assert_false (json_object_get_boolean_member (ad_object (seen), "is_published"));
  }
  nt_expect (server, "GET", file_path, fixture->token_staff, NULL, 200);
  g_assert_cmpint (nt_count (server, WORKOUTS "?is_published=false", fixture->token_staff), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE action = 'workout.update'"
                                      " AND json_type (before, '$.is_published') = 'true'"
                                      " AND json_type (after, '$.is_published') = 'false'"), ==, 1);
  /* A user cannot publish it. */
  nt_expect (server, "PATCH", detail, fixture->token_a, "{\"is_published\": true}", 403);

  /* Published again: an upsert. */
  g_free (cursor);
  cursor = g_steal_pointer (&next);
  nt_expect (server, "PATCH", detail, fixture->token_staff, "{\"is_published\": true}", 200);
  op = ad_feed_op (server, fixture->token_a, cursor, "workouts", workout, &next);
  g_assert_cmpstr (op, ==, "upsert");
  g_assert_cmpint (list_count (server, fixture->token_a), ==, 1);
  nt_expect (server, "GET", file_path, fixture->token_a, NULL, 200);
}

static FcTestResponse *
put_thumbnail (FcTestServer *server,
               const char   *token,
               gint64        workout,
               const char   *content_type,
               GBytes       *body)
{
  g_autofree char *auth = token != NULL ? g_strdup_printf ("Bearer %s", token) : NULL;
  const char *headers[] = { "Authorization", auth, NULL };
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/workouts/%" G_GINT64_FORMAT "/thumbnail/",
                                           workout);

  return fc_test_request_full (server, "PUT", path, token != NULL ? headers : NULL, content_type, body);
}

/* The stored path of the workout's own thumbnail, or NULL. */
static char *
stored_thumbnail (FcTestServer *server,
                  gint64        workout)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM workouts WHERE id = %" G_GINT64_FORMAT
                                          " AND thumbnail IS NOT NULL", workout);
  g_autofree char *path = NULL;
  g_autoptr(FcSql) db = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (ad_db_int (server, sql) == 0)
    return NULL;
  db = nt_open_db (server);
  stmt = fc_sql_prepare (db, "SELECT thumbnail FROM workouts WHERE id = ?");
  fc_sql_bind_int64 (stmt, 1, workout);
  g_assert_true (fc_sql_step_row (stmt));
  path = g_build_filename (server->data_dir, "media", fc_sql_column_text (stmt, 0), NULL);
  return g_steal_pointer (&path);
}

static void
test_thumbnail (NtFixture     *fixture,
                gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 workout = nt_create (server, WORKOUTS, fixture->token_staff,
                              "{\"title\": \"Cover\", \"difficulty\": \"beginner\"}");
  static const char png_head[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  static const char jpeg_head[] = "\xff\xd8\xff\xe0\0\x10JFIF";
  g_autoptr(GBytes) png = g_bytes_new_static (png_head, sizeof png_head);
  g_autoptr(GBytes) jpeg = g_bytes_new_static (jpeg_head, sizeof jpeg_head);
  g_autoptr(GBytes) text = g_bytes_new_static ("<html>", 6);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  /* Callers. */
  {
    g_autoptr(FcTestResponse) anonymous = put_thumbnail (server, NULL, workout, "image/png", png);
    g_autoptr(FcTestResponse) user = put_thumbnail (server, fixture->token_a, workout, "image/png", png);
    g_autoptr(FcTestResponse) unknown = put_thumbnail (server, fixture->token_staff, 999, "image/png", png);

    g_assert_cmpuint (anonymous->status, ==, 401);
    g_assert_cmpuint (user->status, ==, 403);
    g_assert_cmpuint (unknown->status, ==, 404);
  }

  /* The bytes decide, not the header: HTML labelled PNG is refused. */
  {
    g_autoptr(FcTestResponse) refused = put_thumbnail (server, fixture->token_staff, workout, "image/png",
                                                       text);
    g_autoptr(GBytes) huge_data = g_bytes_new_take (g_malloc0 (6 * 1024 * 1024), 6 * 1024 * 1024);
    g_autoptr(FcTestResponse) huge = put_thumbnail (server, fixture->token_staff, workout, "image/png",
                                                    huge_data);

    g_assert_cmpuint (refused->status, ==, 415);
    g_assert_cmpuint (huge->status, ==, 413);
    g_assert_null (stored_thumbnail (server, workout));
  }

  {
    g_autoptr(FcTestResponse) ok = put_thumbnail (server, fixture->token_staff, workout, "image/png", png);
    const char *url;

    g_assert_cmpuint (ok->status, ==, 200);
    url = json_object_get_string_member (fc_test_response_object (ok), "thumbnail");
    g_assert_nonnull (url);
    g_assert_true (g_str_has_suffix (url, ".png"));
  }
  first = stored_thumbnail (server, workout);
  g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));

  /* Replaced: the old image goes. */
  {
    g_autoptr(FcTestResponse) ok = put_thumbnail (server, fixture->token_staff, workout, "image/jpeg", jpeg);

    g_assert_cmpuint (ok->status, ==, 200);
  }
  second = stored_thumbnail (server, workout);
  g_assert_true (g_str_has_suffix (second, ".jpg"));
  g_assert_true (g_file_test (second, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE action = 'workout.update'"
                                      " AND json_extract (after, '$.thumbnail') LIKE '%.jpg'"), ==, 1);

  /* Removed. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/admin/workouts/%" G_GINT64_FORMAT "/thumbnail/",
                                             workout);

    nt_expect (server, "DELETE", path, fixture->token_staff, NULL, 204);
  }
  g_assert_null (stored_thumbnail (server, workout));
  g_assert_false (g_file_test (second, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/admin/workouts/publish", NtFixture, NULL, nt_fixture_set_up, test_publish,
              nt_fixture_tear_down);
  g_test_add ("/admin/workouts/thumbnail", NtFixture, NULL, nt_fixture_set_up, test_thumbnail,
              nt_fixture_tear_down);
  return g_test_run ();
}
