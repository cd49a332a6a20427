/* test-admin-stats.c — admin/stats/ counts what the test made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Users, activity, workouts started and completed, generated plans and
 * premium accounts are made through the API (and, for days in the past,
 * written into the database), and the statistics must count exactly
 * those. "Today" is the range from yesterday to tomorrow (UTC) with the
 * range's totals compared, so a run across midnight counts the same.
 */

#include "config.h"

#include <string.h>

#include "admin-test-util.h"
#include "fc-json.h"
#include "nutrition-test-util.h"

#define API "/api/v1/admin/"

static gint64
create_workout (NtFixture  *fixture,
                const char *title)
{
  g_autofree char *body = g_strdup_printf ("{\"title\":\"%s\",\"duration\":20}", title);

  return nt_create (fixture->server, "/api/v1/workouts/workouts/", fixture->token_staff, body);
}

static void
watch (NtFixture  *fixture,
       const char *token,
       gint64      workout,
       int         percentage)
{
  g_autofree char *body = g_strdup_printf ("{\"workout\":%" G_GINT64_FORMAT
                                           ",\"progress_percentage\":%d}", workout, percentage);
  g_autoptr(JsonNode) answer = nt_request (fixture->server, "POST", "/api/v1/workouts/progress/",
                                           token, body, 201);
}

static char *
day_text (int offset)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, offset);

  return g_date_time_format (day, "%Y-%m-%d");
}

static gint64
total (JsonObject *stats,
       const char *name)
{
  return json_object_get_int_member (fc_json_get_object (stats, "totals"), name);
}

static void
test_counts (NtFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autofree char *yesterday = day_text (-1);
  g_autofree char *tomorrow = day_text (1);
  g_autofree char *path = g_strdup_printf (API "stats/?from=%s&to=%s", yesterday, tomorrow);
  g_autoptr(JsonNode) now_node = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  g_autofree char *generated = NULL;
  g_autoptr(JsonNode) past_node = NULL;
  g_autoptr(JsonNode) default_node = NULL;
  g_autoptr(JsonNode) errors = NULL;
  JsonObject *stats, *users, *top;
  JsonArray *days, *tops;
  gint64 w1, w2, w3;

  /* Two accounts that joined in 2020, one seen then. */
  ad_db_exec (server, "INSERT INTO users (email, password, date_joined) VALUES"
                   " ('old1@fitcore.test', '!', '2020-03-01T08:00:00.000000Z'),"
                   " ('old2@fitcore.test', '!', '2020-03-03T23:59:59.999999Z');"
                   "INSERT INTO user_activity (day, user_id) VALUES ('2020-03-02', 4);");

  w1 = create_workout (fixture, "Core");
  w2 = create_workout (fixture, "Legs");
  w3 = create_workout (fixture, "Arms");
  watch (fixture, fixture->token_a, w1, 100);
  watch (fixture, fixture->token_a, w2, 40);
  watch (fixture, fixture->token_b, w1, 30);
  watch (fixture, fixture->token_staff, w3, 100);

  /* Two generated plans and one written by hand. */
  nt_create (server, "/api/v1/nutrition/meal-plans/", fixture->token_a, "{\"name\":\"By hand\"}");
  generated = g_strdup_printf ("INSERT INTO meal_plans (user_id, name, is_ai_generated, created_at,"
                               " updated_at) SELECT 1, 'Generated', 1, '%1$s', '%1$s'"
                               " FROM (SELECT 1 UNION ALL SELECT 2) AS two", now_text);
  ad_db_exec (server, generated);

  nt_expect (server, "PATCH", API "users/2/", fixture->token_staff, "{\"has_premium\":true}", 200);

  now_node = nt_request (server, "GET", path, fixture->token_staff, NULL, 200);
  stats = ad_object (now_node);
  g_assert_cmpstr (fc_json_get_string (stats, "from"), ==, yesterday);
  g_assert_cmpstr (fc_json_get_string (stats, "to"), ==, tomorrow);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (stats, "days")), ==, 3);
  g_assert_cmpint (total (stats, "new_users"), ==, 3);
  g_assert_cmpint (total (stats, "active_users"), ==, 3);
  g_assert_cmpint (total (stats, "workouts_started"), ==, 4);
  g_assert_cmpint (total (stats, "workouts_completed"), ==, 2);
  g_assert_cmpint (total (stats, "generated_plans"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (stats, "generated_plans"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (stats, "premium_users"), ==, 1);
  users = fc_json_get_object (stats, "users");
  g_assert_cmpint (json_object_get_int_member (users, "total"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (users, "staff"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (users, "premium"), ==, 1);
  /* The last day's running total is every account. */
  days = fc_json_get_array (stats, "days");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (days, 2), "users_total"),
                   ==, 5);

  tops = fc_json_get_array (stats, "top_workouts");
  g_assert_cmpuint (json_array_get_length (tops), ==, 3);
  top = json_array_get_object_element (tops, 0);
  g_assert_cmpint (json_object_get_int_member (top, "id"), ==, w1);
  g_assert_cmpstr (fc_json_get_string (top, "title"), ==, "Core");
  g_assert_cmpint (json_object_get_int_member (top, "viewers"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (top, "completions"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tops, 1), "id"), ==, w2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tops, 2), "id"), ==, w3);

  /* Days in the past, one by one. */
  past_node = nt_request (server, "GET", API "stats/?from=2020-03-01&to=2020-03-03",
                          fixture->token_staff, NULL, 200);
  days = fc_json_get_array (ad_object (past_node), "days");
  g_assert_cmpuint (json_array_get_length (days), ==, 3);
  for (guint i = 0; i < 3; i++) {
    static const gint64 new_users[] = { 1, 0, 1 };
    static const gint64 users_total[] = { 1, 1, 2 };
    static const gint64 active[] = { 0, 1, 0 };
    JsonObject *day = json_array_get_object_element (days, i);
    g_autofree char *date = g_strdup_printf ("2020-03-0%u", i + 1);

    g_assert_cmpstr (fc_json_get_string (day, "date"), ==, date);
    g_assert_cmpint (json_object_get_int_member (day, "new_users"), ==, new_users[i]);
    g_assert_cmpint (json_object_get_int_member (day, "users_total"), ==, users_total[i]);
    g_assert_cmpint (json_object_get_int_member (day, "active_users"), ==, active[i]);
    g_assert_cmpint (json_object_get_int_member (day, "workouts_started"), ==, 0);
  }
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (ad_object (past_node), "top_workouts")),
                    ==, 0);

  /* Thirty days up to today by default. */
  default_node = nt_request (server, "GET", API "stats/", fixture->token_staff, NULL, 200);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (ad_object (default_node), "days")), ==, 30);

  errors = nt_request (server, "GET", API "stats/?from=2020-03-02&to=2020-03-01", fixture->token_staff,
                       NULL, 400);
  g_assert_nonnull (fc_json_get_array (ad_object (errors), "to"));
  g_clear_pointer (&errors, json_node_unref);
  errors = nt_request (server, "GET", API "stats/?from=2020-01-01&to=2021-12-31", fixture->token_staff,
                       NULL, 400);
  g_assert_cmpstr (json_array_get_string_element (fc_json_get_array (ad_object (errors), "to"), 0), ==,
                   "The range may cover at most 366 days.");
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/admin/stats/counts", NtFixture, NULL, nt_fixture_set_up, test_counts,
              nt_fixture_tear_down);
  return g_test_run ();
}
