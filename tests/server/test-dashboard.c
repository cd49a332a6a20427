/* test-dashboard.c — users/dashboard/ keeps each account's numbers to
 * itself, and a replayed Idempotency-Key on the notifications writes
 * returns the first answer without acting again, against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two accounts (nutrition-test-util's alice and bob, and its staff) each
 * get a plan, workouts done on several days, weigh-ins and notifications,
 * all different. Every expected number is computed here from what the test
 * made, never with the server's SQL.
 */

#include "config.h"

#include "fc-sql.h"

#include "fc-json.h"
#include "fc-server-test-util.h"
#include "nutrition-test-util.h"

#define API "/api/v1/notifications/"
#define DASHBOARD "/api/v1/users/dashboard/"

static JsonObject *
object_of (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static void
db_exec (FcTestServer *srv,
         const char   *sql)
{
  FcSql *db = nt_open_db (srv);

  fc_st_exec (db, sql);
  fc_sql_close (db);
}

/* The server's "today" (UTC, no clock offset in NT_CONFIG) @days back. */
static char *
utc_day (int days_back)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -days_back);

  return g_date_time_format (then, "%Y-%m-%d");
}

/* ---- Each account's own numbers ---------------------------------------- */

typedef struct {
  const char *name;
  double      calories, protein, carbohydrates, fat;
} Food;

typedef struct {
  const char *token;
  /* Two foods, the servings of each in today's meal, and targets. */
  Food        foods[2];
  double      servings[2];
  double      target_calories;
  /* Weigh-ins: kg and days before now; the last is the latest. */
  double      kg[3];
  int         kg_days[3];
  /* Workouts done (workout index 0..2) and how many days ago (0 = today,
   * through the API; earlier ones written into the table as the API
   * would have on those days). */
  int         done_workout[3];
  int         done_days[3];
} Account;

static void
make_plan (FcTestServer  *srv,
           const Account *account)
{
  gint64 food_ids[2], meal;
  g_autofree char *meal_json = NULL;
  g_autofree char *plan_json = NULL;
  g_autofree char *today = utc_day (0);

  for (guint i = 0; i < 2; i++) {
    g_autofree char *json =
      g_strdup_printf ("{\"name\":\"%s\",\"calories\":%g,\"protein\":%g,"
                       "\"carbohydrates\":%g,\"fat\":%g}", account->foods[i].name,
                       account->foods[i].calories, account->foods[i].protein,
                       account->foods[i].carbohydrates, account->foods[i].fat);

    food_ids[i] = nt_create (srv, "/api/v1/nutrition/foods/", account->token, json);
  }
  meal_json = g_strdup_printf ("{\"name\":\"Today\",\"meal_time_category\":\"LN\","
                               "\"meal_items\":[{\"food\":%" G_GINT64_FORMAT ","
                               "\"number_of_servings\":%g},{\"food\":%" G_GINT64_FORMAT ","
                               "\"number_of_servings\":%g}]}",
                               food_ids[0], account->servings[0], food_ids[1],
                               account->servings[1]);
  meal = nt_create (srv, "/api/v1/nutrition/meals/", account->token, meal_json);
  plan_json = g_strdup_printf ("{\"name\":\"Mine\",\"duration_days\":7,\"start_date\":\"%s\","
                               "\"target_daily_calories\":%g,\"scheduled_meals_payload\":"
                               "[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":1}]}",
                               today, account->target_calories, meal);
  nt_create (srv, "/api/v1/nutrition/meal-plans/", account->token, plan_json);
}

static void
add_weights (FcTestServer  *srv,
             const Account *account)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < G_N_ELEMENTS (account->kg); i++) {
    g_autoptr(GDateTime) when = g_date_time_add_seconds (now, -(gint64) account->kg_days[i] * 86400
                                                              - 120 + i);
    g_autofree char *text = g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *json = g_strdup_printf ("{\"data_type\":\"weight\",\"value\":%g,"
                                             "\"unit\":\"kg\",\"recorded_at\":\"%s\"}",
                                             account->kg[i], text);

    nt_create (srv, "/api/v1/health/data/", account->token, json);
  }
}

static void
do_workouts (FcTestServer  *srv,
             const Account *account,
             gint64         user_id,
             gint64         first_workout)
{
  for (guint i = 0; i < G_N_ELEMENTS (account->done_workout); i++) {
    gint64 workout = first_workout + account->done_workout[i];

    if (account->done_days[i] == 0) {
      g_autofree char *json = g_strdup_printf ("{\"workout\":%" G_GINT64_FORMAT ","
                                               "\"progress_percentage\":100}", workout);
      g_autoptr(FcTestResponse) response = fc_test_request (srv, "POST",
                                                            "/api/v1/workouts/progress/",
                                                            account->token, json);

      g_assert_cmpuint (response->status, ==, 201);
    } else {
      g_autofree char *day = utc_day (account->done_days[i]);
      g_autofree char *sql =
        g_strdup_printf ("INSERT INTO workout_completions (user_id, workout_id, day)"
                         " VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", '%s');",
                         user_id, workout, day);

      db_exec (srv, sql);
    }
  }
}

/* Days back from today, each a completion: the streak is the run of
 * consecutive days from today (or from yesterday when today has none). */
static gint64
expected_streak (const Account *account)
{
  gboolean on[8] = { FALSE };
  int start;
  gint64 streak = 0;

  for (guint i = 0; i < G_N_ELEMENTS (account->done_days); i++)
    on[account->done_days[i]] = TRUE;
  start = on[0] ? 0 : 1;
  for (int d = start; d < (int) G_N_ELEMENTS (on) && on[d]; d++)
    streak++;
  return streak;
}

static gint64
expected_this_week (const Account *account)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  /* Days since Monday (ISO): Monday 0 … Sunday 6. */
  int since_monday = g_date_time_get_day_of_week (now) - 1;
  gint64 n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (account->done_days); i++)
    n += account->done_days[i] <= since_monday;
  return n;
}

/* Counted from the inbox itself, not from unread-count/. */
static gint64
unread_in_inbox (FcTestServer *srv,
                 const char   *token)
{
  g_autoptr(JsonNode) node = nt_request (srv, "GET", API "?page_size=100", token, NULL, 200);
  JsonArray *results = json_object_get_array_member (object_of (node), "results");
  gint64 n = 0;

  for (guint i = 0; i < json_array_get_length (results); i++)
    n += !json_object_get_boolean_member (json_array_get_object_element (results, i), "is_read");
  return n;
}

static void
check_dashboard (FcTestServer  *srv,
                 const Account *account,
                 gint64         unread)
{
  g_autoptr(JsonNode) node = nt_request (srv, "GET", DASHBOARD, account->token, NULL, 200);
  JsonObject *object = object_of (node);
  JsonObject *plan = json_object_get_object_member (object, "active_plan");
  JsonObject *planned = json_object_get_object_member (plan, "planned");
  JsonObject *workouts = json_object_get_object_member (object, "workouts");
  JsonObject *weight = json_object_get_object_member (object, "weight");
  const Food *f = account->foods;
  const double *s = account->servings;

  g_assert_cmpint (json_object_get_int_member (plan, "day_of_plan"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (planned, "calories"),
                                  s[0] * f[0].calories + s[1] * f[1].calories, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (planned, "protein"),
                                  s[0] * f[0].protein + s[1] * f[1].protein, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (planned, "carbohydrates"),
                                  s[0] * f[0].carbohydrates + s[1] * f[1].carbohydrates, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (planned, "fat"),
                                  s[0] * f[0].fat + s[1] * f[1].fat, 1e-6);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (plan,
                                                                                   "targets"),
                                                    "calories"), ==, account->target_calories);

  g_assert_cmpint (json_object_get_int_member (workouts, "completed_total"), ==,
                   G_N_ELEMENTS (account->done_days));
  g_assert_cmpint (json_object_get_int_member (workouts, "completed_this_week"), ==,
                   expected_this_week (account));
  g_assert_cmpint (json_object_get_int_member (workouts, "streak_days"), ==,
                   expected_streak (account));

  /* The latest is the last weigh-in; 30 days before it, the one at or
   * before that time (the test's are 40 and 35 days old: the 35). */
  g_assert_cmpfloat (json_object_get_double_member (weight, "latest"), ==, account->kg[2]);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (weight, "change_30d"),
                                  account->kg[2] - account->kg[1], 1e-9);

  g_assert_cmpint (json_object_get_int_member (object, "unread_notifications"), ==, unread);
}

static void
test_own_numbers (NtFixture     *fixture,
                  gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  Account alice = {
    fixture->token_a,
    { { "Rice", 130, 2.7, 28.2, 0.3 }, { "Tofu", 76, 8.1, 1.9, 4.8 } }, { 3, 2.5 }, 2100,
    { 90.5, 88.0, 86.25 }, { 40, 35, 1 },
    { 0, 1, 2 }, { 0, 1, 2 },
  };
  Account bob = {
    fixture->token_b,
    { { "Beef", 250, 26, 0, 15 }, { "Bread", 265, 9, 49, 3.2 } }, { 1.5, 4 }, 3200,
    { 61.0, 63.5, 66.0 }, { 39, 33, 0 },
    { 1, 2, 0 }, { 0, 0, 0 },
  };
  gint64 first_workout;

  db_exec (srv, "INSERT INTO workouts (title, created_at, updated_at) VALUES"
                " ('W1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
                " ('W2', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
                " ('W3', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');");
  {
    FcSql *db = nt_open_db (srv);

    first_workout = nt_query_int (db, "SELECT min(id) FROM workouts");
    fc_sql_close (db);
  }

  make_plan (srv, &alice);
  make_plan (srv, &bob);
  add_weights (srv, &alice);
  add_weights (srv, &bob);
  do_workouts (srv, &alice, 1, first_workout);
  do_workouts (srv, &bob, 2, first_workout);
  nt_expect (srv, "POST", API "broadcast/", fixture->token_staff,
             "{\"title\":\"Hello\",\"message\":\"Everyone\"}", 201);
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", API "?page_size=100", bob.token, NULL, 200);
    JsonArray *results = json_object_get_array_member (object_of (node), "results");

    for (guint i = 0; i < json_array_get_length (results); i++) {
      JsonObject *item = json_array_get_object_element (results, i);

      if (g_str_equal (json_object_get_string_member (item, "title"), "Hello")) {
        g_autofree char *path = g_strdup_printf (API "%" G_GINT64_FORMAT "/",
                                                 json_object_get_int_member (item, "id"));

        nt_expect (srv, "PATCH", path, bob.token, "{\"is_read\":true}", 200);
      }
    }
  }

  check_dashboard (srv, &alice, unread_in_inbox (srv, alice.token));
  check_dashboard (srv, &bob, unread_in_inbox (srv, bob.token));
  /* The counts differ, so one account's in the other's would show: alice
   * has her broadcast and two achievements unread, bob (who read the
   * broadcast) three completions and his first workout. */
  g_assert_cmpint (unread_in_inbox (srv, alice.token), !=, unread_in_inbox (srv, bob.token));
}

/* ---- Replayed Idempotency-Keys ------------------------------------------ */

static FcTestResponse *
keyed (FcTestServer *srv,
       const char   *method,
       const char   *path,
       const char   *token,
       const char   *json,
       const char   *key)
{
  return fc_st_request (srv, method, path, token, json, "Idempotency-Key", key, NULL);
}

static void
assert_same_answer (FcTestResponse *first,
                    FcTestResponse *again)
{
  g_assert_cmpuint (again->status, ==, first->status);
  g_assert_cmpstr (soup_message_headers_get_one (again->headers, "Idempotent-Replayed"), ==, "true");
  g_assert_true ((first->body == NULL && again->body == NULL) ||
                 (first->body != NULL && again->body != NULL &&
                  g_bytes_equal (first->body, again->body)));
}

static JsonObject *
notification (FcTestServer *srv,
              const char   *token,
              gint64        id,
              JsonNode    **out_node)
{
  g_autofree char *path = g_strdup_printf (API "%" G_GINT64_FORMAT "/", id);

  *out_node = nt_request (srv, "GET", path, token, NULL, 200);
  return object_of (*out_node);
}

static gint64
count_titled (FcTestServer *srv,
              const char   *token,
              const char   *title)
{
  g_autoptr(JsonNode) node = nt_request (srv, "GET", API "?page_size=100", token, NULL, 200);
  JsonArray *results = json_object_get_array_member (object_of (node), "results");
  gint64 n = 0;

  for (guint i = 0; i < json_array_get_length (results); i++)
    n += g_str_equal (json_object_get_string_member (json_array_get_object_element (results, i),
                                                     "title"), title);
  return n;
}

static void
test_idempotent_writes (NtFixture     *fixture,
                        gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autoptr(FcTestResponse) sent = NULL;
  g_autoptr(FcTestResponse) replayed = NULL;
  g_autoptr(FcTestResponse) patch = NULL;
  g_autoptr(FcTestResponse) patch_again = NULL;
  g_autoptr(FcTestResponse) gone = NULL;
  g_autoptr(FcTestResponse) gone_again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  gint64 id;

  /* broadcast/: the replay answers the first 201 and sends nothing more. */
  sent = keyed (srv, "POST", API "broadcast/", fixture->token_staff,
                "{\"title\":\"Once\",\"message\":\"Only once\"}", "broadcast-1");
  g_assert_cmpuint (sent->status, ==, 201);
  replayed = keyed (srv, "POST", API "broadcast/", fixture->token_staff,
                    "{\"title\":\"Once\",\"message\":\"Only once\"}", "broadcast-1");
  assert_same_answer (sent, replayed);
  g_assert_cmpint (count_titled (srv, fixture->token_a, "Once"), ==, 1);
  g_assert_cmpint (count_titled (srv, fixture->token_b, "Once"), ==, 1);
  g_assert_cmpint (count_titled (srv, fixture->token_staff, "Once"), ==, 1);

  {
    g_autoptr(JsonNode) list = nt_request (srv, "GET", API, fixture->token_a, NULL, 200);
    JsonArray *results = json_object_get_array_member (object_of (list), "results");

    id = json_object_get_int_member (json_array_get_object_element (results, 0), "id");
  }
  path = g_strdup_printf (API "%" G_GINT64_FORMAT "/", id);

  /* PATCH: read with a key, unread again without one; the replay answers
   * the first "read" and leaves it unread. */
  patch = keyed (srv, "PATCH", path, fixture->token_a, "{\"is_read\":true}", "patch-1");
  g_assert_cmpuint (patch->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (fc_test_response_object (patch), "is_read"));
  nt_expect (srv, "PATCH", path, fixture->token_a, "{\"is_read\":false}", 200);
  patch_again = keyed (srv, "PATCH", path, fixture->token_a, "{\"is_read\":true}", "patch-1");
  assert_same_answer (patch, patch_again);
  g_assert_false (json_object_get_boolean_member (notification (srv, fixture->token_a, id, &node),
                                                  "is_read"));
  /* The key is alice's: bob's request with it is his own, and refused. */
  {
    g_autoptr(FcTestResponse) other = keyed (srv, "PATCH", path, fixture->token_b,
                                             "{\"is_read\":true}", "patch-1");

    g_assert_cmpuint (other->status, ==, 404);
    g_assert_null (soup_message_headers_get_one (other->headers, "Idempotent-Replayed"));
  }

  /* DELETE: the replay is the first 204, not a 404, and nothing else goes. */
  gone = keyed (srv, "DELETE", path, fixture->token_a, NULL, "delete-1");
  g_assert_cmpuint (gone->status, ==, 204);
  {
    gint64 left = nt_count (srv, API, fixture->token_a);

    gone_again = keyed (srv, "DELETE", path, fixture->token_a, NULL, "delete-1");
    assert_same_answer (gone, gone_again);
    g_assert_cmpint (nt_count (srv, API, fixture->token_a), ==, left);
  }
  nt_expect (srv, "GET", path, fixture->token_a, NULL, 404);
  /* A new key acts again: the notification is gone, so a 404. */
  {
    g_autoptr(FcTestResponse) fresh = keyed (srv, "DELETE", path, fixture->token_a, NULL,
                                             "delete-2");

    g_assert_cmpuint (fresh->status, ==, 404);
  }
}

int
main (int    argc,
      char **argv)
{
  nt_test_init (&argc, &argv);

  g_test_add ("/dashboard/own-numbers", NtFixture, NULL, nt_fixture_set_up, test_own_numbers,
              nt_fixture_tear_down);
  g_test_add ("/dashboard/idempotent-notification-writes", NtFixture, NULL, nt_fixture_set_up,
              test_idempotent_writes, nt_fixture_tear_down);
  return g_test_run ();
}
