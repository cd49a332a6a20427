/* test-health-hostile.c — api/v1/health/ against callers who mean harm
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bulk uploads past their bounds, bodies of the wrong shape, points of
 * every wrong type, and query strings that are not what they claim: each
 * gets a 4xx that says why, writes nothing it should not, and leaves the
 * server answering.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "health-test-util.h"

#define API HT_API
/* The server's bounds (src/server/health/fc-health-private.h). */
#define SYNC_MAX_POINTS 10000
#define SYNC_MAX_BODY (4 * 1024 * 1024)

static gint64
count_points (FcTestServer *server)
{
  g_autoptr(FcSql) db = nt_open_db (server);

  return nt_query_int (db, "SELECT count(*) FROM health_data");
}

static char *
many_points (guint n)
{
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++) {
    g_autofree char *client_id = g_strdup_printf ("%u", i);

    g_ptr_array_add (points, ht_point ("steps", 1, "count", 1772348400 + i, "s", client_id));
  }
  return ht_points_body (points);
}

static void
test_too_many_points (NtFixture     *fixture,
                      gconstpointer  data)
{
  g_autofree char *over = many_points (SYNC_MAX_POINTS + 1);
  g_autofree char *full = many_points (SYNC_MAX_POINTS);
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *messages;

  refused = nt_request (fixture->server, "POST", API "sync/", fixture->token_a, over, 400);
  messages = json_object_get_array_member (json_node_get_object (refused), "points");
  g_assert_cmpstr (json_array_get_string_element (messages, 0), ==,
                   "Ensure this field has no more than 10000 elements.");
  g_assert_cmpint (count_points (fixture->server), ==, 0);

  /* Exactly the bound goes through, in one answer, all at once. */
  answer = ht_sync (fixture->server, fixture->token_a, full, 200);
  g_assert_cmpint (ht_int (answer, "created"), ==, SYNC_MAX_POINTS);
  g_assert_cmpint (count_points (fixture->server), ==, SYNC_MAX_POINTS);
}

static void
test_large_bodies (NtFixture     *fixture,
                   gconstpointer  data)
{
  g_autoptr(GString) big = g_string_new ("{\"points\":[],\"pad\":\"");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FcTestResponse) response = NULL;
  g_autoptr(FcTestResponse) other = NULL;
  g_autofree char *header = g_strdup_printf ("Bearer %s", fixture->token_a);
  const char *headers[] = { "Authorization", header, NULL };
  g_autoptr(GString) medium = g_string_new ("{\"pad\":\"");

  while (big->len < SYNC_MAX_BODY + 16)
    g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  bytes = g_bytes_new (big->str, big->len);
  response = fc_test_request_full (fixture->server, "POST", API "sync/", headers,
                                   "application/json", bytes);
  g_assert_cmpuint (response->status, ==, 413);

  /* The larger bound is for sync/ only: 2 MiB to data/ is still too much. */
  while (medium->len < 2 * 1024 * 1024)
    g_string_append (medium, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (medium, "\"}");
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = g_bytes_new (medium->str, medium->len);
  other = fc_test_request_full (fixture->server, "POST", API "data/", headers, "application/json",
                                bytes);
  g_assert_cmpuint (other->status, ==, 413);

  nt_expect (fixture->server, "GET", API "goals/", fixture->token_a, NULL, 200);
}

static void
test_shapes (NtFixture     *fixture,
             gconstpointer  data)
{
  static const char * const bodies[] = {
    "{}",
    "{\"points\":null}",
    "{\"points\":{}}",
    "{\"points\":\"all of them\"}",
    "{\"points\":42}",
    "[{\"data_type\":\"steps\"}]",
    "{\"points\":[],\"since\":\"yesterday\"}",
    "{\"points\":[],\"since\":17}",
    "{\"points\":[",
    "\"points\"",
  };
  g_autoptr(GString) deep = g_string_new ("{\"points\":");

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_test_message ("%s", bodies[i]);
    nt_expect (fixture->server, "POST", API "sync/", fixture->token_a, bodies[i], 400);
  }
  for (guint i = 0; i < 200; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 200; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  nt_expect (fixture->server, "POST", API "sync/", fixture->token_a, deep->str, 400);
  nt_expect (fixture->server, "POST", API "data/", fixture->token_a, deep->str, 400);

  /* sync/ parses its own body, and answers as the framework would. */
  nt_assert_response (fixture->server, "POST", API "sync/", fixture->token_a, "[1]", 400,
                      "{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got "
                      "list.\"]}");
  nt_assert_response (fixture->server, "POST", API "sync/", fixture->token_a, "\"x\"", 400,
                      "{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got "
                      "str.\"]}");
  /* sync/ takes only JSON. */
  {
    g_autofree char *header = g_strdup_printf ("Bearer %s", fixture->token_a);
    const char *headers[] = { "Authorization", header, NULL };
    g_autoptr(GBytes) bytes = g_bytes_new_static ("points=1", 8);
    g_autoptr(FcTestResponse) form = fc_test_request_full (fixture->server, "POST", API "sync/",
                                                           headers,
                                                           "application/x-www-form-urlencoded",
                                                           bytes);
    g_autoptr(FcTestResponse) text = fc_test_request_full (fixture->server, "POST", API "sync/",
                                                           headers, "text/plain", bytes);

    g_assert_cmpuint (form->status, ==, 415);
    g_assert_cmpuint (text->status, ==, 415);
  }
  g_assert_cmpint (count_points (fixture->server), ==, 0);
}

/* Every row is refused with its index and a reason; the good one lands. */
static void
test_bad_rows (NtFixture     *fixture,
               gconstpointer  data)
{
  g_autofree char *long_id = g_strnfill (5000, 'z');
  g_autofree char *body = g_strdup_printf (
    "{\"points\":["
    "{\"data_type\":\"steps\",\"value\":1,\"recorded_at\":\"2026-03-01T00:00:00Z\",\"source\":\"s\"},"
    "{\"data_type\":\"steps\",\"value\":1,\"recorded_at\":\"2026-03-01T00:00:00Z\",\"client_id\":\"c\"},"
    "{\"data_type\":\"steps\",\"value\":1,\"recorded_at\":\"2026-03-01T00:00:00Z\",\"source\":\"s\",\"client_id\":\"%s\"},"
    "{\"data_type\":\"steps\",\"value\":\"NaN\",\"recorded_at\":\"2026-03-01T00:00:00Z\",\"source\":\"s\",\"client_id\":\"c\"},"
    "{\"data_type\":\"steps\",\"value\":1e999,\"recorded_at\":\"2026-03-01T00:00:00Z\",\"source\":\"s\",\"client_id\":\"c\"},"
    "{\"data_type\":\"steps\",\"value\":1,\"recorded_at\":\"2026-03-01T00:00:00+25:00\",\"source\":\"s\",\"client_id\":\"c\"},"
    "{\"data_type\":\"st\\u00e9ps\\u0001\",\"value\":1,\"recorded_at\":\"2026-03-01T00:00:00Z\",\"source\":\"s\",\"client_id\":\"c\"},"
    "{\"data_type\":[\"steps\"],\"value\":{},\"recorded_at\":[],\"source\":{},\"client_id\":7},"
    "null,"
    "\"steps\","
    "{\"data_type\":\"steps\",\"value\":1,\"recorded_at\":\"2026-03-01T00:00:00Z\",\"source\":\"s\",\"client_id\":\"good\"}"
    "]}", long_id);
  g_autoptr(JsonObject) answer = ht_sync (fixture->server, fixture->token_a, body, 200);
  JsonArray *refusals = json_object_get_array_member (answer, "refusals");

  g_assert_cmpint (ht_int (answer, "created"), ==, 1);
  g_assert_cmpint (ht_int (answer, "refused"), ==, 10);
  for (guint i = 0; i < 10; i++) {
    JsonObject *refusal = json_array_get_object_element (refusals, i);

    g_assert_cmpint (ht_int (refusal, "index"), ==, i);
    g_assert_cmpuint (json_object_get_size (json_object_get_object_member (refusal, "errors")), >=, 1);
  }
  g_assert_true (json_object_has_member (
    json_object_get_object_member (json_array_get_object_element (refusals, 0), "errors"),
    "client_id"));
  g_assert_true (json_object_has_member (
    json_object_get_object_member (json_array_get_object_element (refusals, 1), "errors"),
    "source"));
  g_assert_true (json_object_has_member (
    json_object_get_object_member (json_array_get_object_element (refusals, 2), "errors"),
    "client_id"));
  g_assert_cmpint (count_points (fixture->server), ==, 1);
}

static void
test_queries (NtFixture     *fixture,
              gconstpointer  data)
{
  static const struct {
    const char *path;
    guint       status;
  } cases[] = {
    { API "data/?page=0", 404 },
    { API "data/?page=99", 404 },
    { API "data/?page_size=-5", 200 },
    { API "data/?from=2026-13-45", 400 },
    { API "data/?tz=%2Fetc%2Fpasswd&from=2026-01-01", 400 },
    { API "data/?since=h1.-5", 200 },
    { API "data/?since=0&limit=-1", 200 },
    { API "data/?since=0&limit=99999999999999999999", 200 },
    { API "metrics/?data_type=steps&tz=%2Fetc%2Flocaltime", 400 },
    { API "metrics/?data_type=steps&tz=..%2F..%2F..%2Fetc%2Fpasswd", 400 },
    { API "metrics/?data_type=steps&from=99999-01-01", 400 },
    { API "metrics/?data_type=steps&from=-2026-01-01T00:00:00Z", 400 },
    { API "metrics/?data_type=steps&bucket=hour&from=0001-01-01&to=9999-12-31", 400 },
    { API "metrics/?data_type=%00", 400 },
    { API "data/abc/", 404 },
    { API "data/0/", 404 },
    { API "data/-1/", 404 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(FcTestResponse) response = fc_test_request (fixture->server, "GET", cases[i].path,
                                                          fixture->token_a, NULL);

    g_test_message ("%s", cases[i].path);
    g_assert_cmpuint (response->status, ==, cases[i].status);
    g_assert_nonnull (response->json);
  }
}

/* A repeated upload under one Idempotency-Key answers what the first did. */
static void
test_idempotency_key (NtFixture     *fixture,
                      gconstpointer  data)
{
  g_autofree char *body = many_points (10);
  g_autofree char *header = g_strdup_printf ("Bearer %s", fixture->token_a);
  const char *headers[] = { "Authorization", header, "Idempotency-Key", "sync-1", NULL };
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(FcTestResponse) first = fc_test_request_full (fixture->server, "POST", API "sync/",
                                                          headers, "application/json", bytes);
  g_autoptr(FcTestResponse) second = fc_test_request_full (fixture->server, "POST", API "sync/",
                                                           headers, "application/json", bytes);

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_true (g_bytes_equal (first->body, second->body));
  g_assert_cmpstr (soup_message_headers_get_one (second->headers, "Idempotent-Replayed"), ==,
                   "true");
  g_assert_cmpint (ht_int (fc_test_response_object (second), "created"), ==, 10);
}

typedef struct {
  FcTestServer *server;
  const char   *token;
  char         *body;
  guint         status;
  gint64        created;
} Upload;

static gpointer
upload_thread (gpointer data)
{
  Upload *upload = data;
  g_autoptr(FcTestResponse) response = fc_test_request (upload->server, "POST", API "sync/",
                                                        upload->token, upload->body);

  upload->status = response->status;
  if (response->json != NULL && JSON_NODE_HOLDS_OBJECT (response->json))
    upload->created = json_object_get_int_member (json_node_get_object (response->json),
                                                  "created");
  return NULL;
}

/* Six uploads at once from two users: each gets its whole answer, the
 * workers take them in turn, and every write has its own sequence number. */
static void
test_concurrent_uploads (NtFixture     *fixture,
                         gconstpointer  data)
{
  Upload uploads[6];
  GThread *threads[G_N_ELEMENTS (uploads)];
  g_autoptr(FcSql) db = NULL;

  for (guint u = 0; u < G_N_ELEMENTS (uploads); u++) {
    g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < 2000; i++) {
      g_autofree char *client_id = g_strdup_printf ("u%u-%u", u, i);

      g_ptr_array_add (points, ht_point ("steps", i, "count", 1772348400 + i * 60, "s",
                                         client_id));
    }
    uploads[u] = (Upload) { fixture->server, u % 2 ? fixture->token_b : fixture->token_a,
                            ht_points_body (points), 0, 0 };
  }
  for (guint u = 0; u < G_N_ELEMENTS (uploads); u++)
    threads[u] = g_thread_new ("upload", upload_thread, &uploads[u]);
  for (guint u = 0; u < G_N_ELEMENTS (uploads); u++) {
    g_thread_join (threads[u]);
    g_assert_cmpuint (uploads[u].status, ==, 200);
    g_assert_cmpint (uploads[u].created, ==, 2000);
    g_free (uploads[u].body);
  }
  db = nt_open_db (fixture->server);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_data WHERE user_id = 1"), ==, 6000);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_data WHERE user_id = 2"), ==, 6000);
  g_assert_cmpint (nt_query_int (db, "SELECT count(DISTINCT seq) FROM health_data"), ==, 12000);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/health/hostile/" path, NtFixture, NULL, nt_fixture_set_up, func, nt_fixture_tear_down)
  ADD ("too-many-points", test_too_many_points);
  ADD ("large-bodies", test_large_bodies);
  ADD ("shapes", test_shapes);
  ADD ("bad-rows", test_bad_rows);
  ADD ("queries", test_queries);
  ADD ("idempotency-key", test_idempotency_key);
  ADD ("concurrent-uploads", test_concurrent_uploads);
#undef ADD

  return g_test_run ();
}
