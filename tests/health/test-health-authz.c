/* test-health-authz.c — nobody sees another user's health data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * User A records points and goals. Every health route and method is then
 * called by an anonymous client, user B and staff against A's ids: 401 or
 * 404 (exactly as for an id that does not exist), never A's data; lists,
 * the change cursor and metrics of B and staff hold none of A's points;
 * and A's points are unchanged afterwards.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "health-test-util.h"

#define API HT_API
#define SECRET_SOURCE "alice-secret-scale"
#define SKIP 0

enum { ANON, USER_B, STAFF, USER_A, N_CALLERS };

typedef struct {
  const char *method;
  const char *path;   /* {P} is A's point */
  const char *body;
  guint       status[N_CALLERS];
} Case;

static const Case cases[] = {
  { "GET", API "data/", NULL, { 401, 200, 200, 200 } },
  { "POST", API "data/", "{\"data_type\":\"weight\",\"value\":70,"
                         "\"recorded_at\":\"2026-03-01T07:00:00Z\"}", { 401, 201, 201, 201 } },
  { "GET", API "data/?since=0", NULL, { 401, 200, 200, 200 } },
  { "GET", API "data/{P}/", NULL, { 401, 404, 404, 200 } },
  { "GET", API "data/999999/", NULL, { 401, 404, 404, 404 } },
  { "PUT", API "data/{P}/", "{\"data_type\":\"weight\",\"value\":1,\"unit\":\"st\","
                            "\"recorded_at\":\"2026-03-01T07:00:00Z\"}", { 401, 404, 404, 200 } },
  { "PATCH", API "data/{P}/", "{\"value\":60}", { 401, 404, 404, 200 } },
  { "DELETE", API "data/999999/", NULL, { 401, 404, 404, 404 } },
  { "POST", API "data/{P}/", "{}", { 401, 405, 405, 405 } },
  { "POST", API "sync/", "{\"points\":[]}", { 401, 200, 200, 200 } },
  { "GET", API "sync/", NULL, { 401, 405, 405, 405 } },
  { "GET", API "metrics/?data_type=weight&from=2026-01-01&to=2026-12-01", NULL,
    { 401, 200, 200, 200 } },
  { "POST", API "metrics/", "{}", { 401, 405, 405, 405 } },
  { "GET", API "goals/", NULL, { 401, 200, 200, 200 } },
  { "PATCH", API "goals/", "{\"sleep_minutes\":400}", { 401, 200, 200, 200 } },
  { "GET", API "types/", NULL, { 401, 200, 200, 200 } },
  /* Last: A's own delete after everyone else's was refused. */
  { "DELETE", API "data/{P}/", NULL, { 401, 404, 404, 204 } },
};

static char *
expand (const char *text,
        gint64      point)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, point);
  g_auto(GStrv) parts = g_strsplit (text, "{P}", -1);

  return g_strjoinv (id, parts);
}

static void
test_matrix (NtFixture     *fixture,
             gconstpointer  data)
{
  const char *tokens[N_CALLERS] = { NULL, fixture->token_b, fixture->token_staff,
                                    fixture->token_a };
  g_autoptr(JsonNode) created = NULL;
  g_autofree char *point_id = NULL;
  gint64 point;

  created = nt_request (fixture->server, "POST", API "data/", fixture->token_a,
                        "{\"data_type\":\"weight\",\"value\":72,\"source\":\"" SECRET_SOURCE "\","
                        "\"client_id\":\"a-1\",\"recorded_at\":\"2026-03-01T07:00:00Z\"}", 201);
  point = json_object_get_int_member (json_node_get_object (created), "id");
  nt_expect (fixture->server, "PATCH", API "goals/", fixture->token_a, "{\"daily_steps\":12345}",
             200);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path = expand (cases[i].path, point);

    for (guint caller = 0; caller < N_CALLERS; caller++) {
      g_autoptr(FcTestResponse) response =
        fc_test_request (fixture->server, cases[i].method, path, tokens[caller], cases[i].body);
      g_autofree char *text = g_strndup (g_bytes_get_data (response->body, NULL),
                                         g_bytes_get_size (response->body));

      g_test_message ("%s %s as %u: %u %s", cases[i].method, path, caller, response->status, text);
      if (cases[i].status[caller] != SKIP)
        g_assert_cmpuint (response->status, ==, cases[i].status[caller]);
      /* Nothing of A's reaches anyone else. */
      if (caller != USER_A) {
        g_assert_null (strstr (text, SECRET_SOURCE));
        g_assert_null (strstr (text, "12345"));
      }
    }
  }
}

static void
test_isolation (NtFixture     *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) a_sync = NULL;
  g_autoptr(JsonObject) b_sync = NULL;
  g_autoptr(JsonObject) a_again = NULL;
  const char *others[] = { fixture->token_b, fixture->token_staff };
  g_autoptr(FcSql) db = NULL;

  for (guint i = 0; i < 50; i++) {
    g_autofree char *client_id = g_strdup_printf ("p-%u", i);

    g_ptr_array_add (points, ht_point ("steps", 1000 + i, "count", 1772348400 + i * 3600,
                                       SECRET_SOURCE, client_id));
  }
  body = ht_points_body (points);
  a_sync = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (a_sync, "created"), ==, 50);

  for (guint o = 0; o < G_N_ELEMENTS (others); o++) {
    g_autoptr(JsonObject) list = ht_get (fixture->server, others[o], API "data/?page_size=1000");
    g_autoptr(JsonObject) feed = ht_get (fixture->server, others[o], API "data/?since=0");
    g_autoptr(JsonObject) filtered = NULL;
    g_autoptr(JsonObject) metrics = NULL;
    g_autoptr(JsonObject) goals = ht_get (fixture->server, others[o], API "goals/");

    g_assert_cmpint (ht_int (list, "count"), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (feed, "results")), ==, 0);
    filtered = ht_get (fixture->server, others[o], API "data/?source=" SECRET_SOURCE);
    g_assert_cmpint (ht_int (filtered, "count"), ==, 0);
    metrics = ht_get (fixture->server, others[o],
                      API "metrics/?data_type=steps&bucket=month&from=2026-01-01&to=2026-12-01");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (metrics, "results")),
                      ==, 0);
    g_assert_true (json_object_get_null_member (goals, "daily_steps"));
  }

  /* B uploading the same (source, client_id) makes B's own points and
   * leaves A's alone. */
  b_sync = ht_sync (fixture->server, fixture->token_b, body, 200);
  g_assert_cmpint (ht_int (b_sync, "created"), ==, 50);
  a_again = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (a_again, "unchanged"), ==, 50);
  db = nt_open_db (fixture->server);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_data WHERE user_id = 1"), ==, 50);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_data WHERE user_id = 2"), ==, 50);

  /* B's deletions of its own ids never reach A's feed. */
  {
    g_autoptr(JsonObject) mine = ht_get (fixture->server, fixture->token_b, API "data/?page_size=1");
    gint64 id = ht_int (json_array_get_object_element (json_object_get_array_member (mine, "results"), 0), "id");
    g_autofree char *path = g_strdup_printf (API "data/%" G_GINT64_FORMAT "/", id);
    g_autoptr(JsonObject) feed = NULL;

    nt_expect (fixture->server, "DELETE", path, fixture->token_b, NULL, 204);
    feed = ht_get (fixture->server, fixture->token_a, API "data/?since=0&limit=1000");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (feed, "deleted")), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (feed, "results")), ==, 50);
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/health/authz/matrix", NtFixture, NULL, nt_fixture_set_up, test_matrix,
              nt_fixture_tear_down);
  g_test_add ("/health/authz/isolation", NtFixture, NULL, nt_fixture_set_up, test_isolation,
              nt_fixture_tear_down);

  return g_test_run ();
}
