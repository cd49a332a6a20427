/* test-meal-plan-actions.c — generating and copying plans against the real
 * fitcore-server --demo, and what lands in the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-json.h"
#include "fc-meal-plan-actions.h"
#include "sync-test-util.h"

#define DEMO_EMAIL "demo@fitcore.local"
#define DEMO_PASSWORD "fitcore-demo"

static JsonObject *
store_get (FcStore    *store,
           const char *resource,
           gint64      id)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  fc_store_get_object_async (store, resource, id, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  object = fc_store_get_object_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

static gint64
generate (FcSession  *session,
          const char *goal,
          guint       days,
          guint       meals_per_day,
          GDate      *start,
          GArray     *exclude,
          GError    **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_meal_plan_actions_generate_async (session, goal, days, meals_per_day, start, exclude, NULL,
                                       sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  return fc_meal_plan_actions_generate_finish (session, result, error);
}

static gint64
copy_plan (FcSession    *session,
           gint64        id,
           const GDate  *start,
           GError      **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_meal_plan_actions_copy_async (session, id, start, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  return fc_meal_plan_actions_copy_finish (session, result, error);
}

static FcTestServer *
start_demo (FcSession *session)
{
  const char *args[] = { "--demo", NULL };
  FcTestServer *server = fc_test_server_start (SYNC_TEST_CONFIG, args);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(GError) error = NULL;

  sync_test_sign_in (session, url, DEMO_EMAIL, DEMO_PASSWORD);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  return server;
}

/* A 7-day plan: in the store with is_ai_generated, the server's targets,
 * 7 × 4 scheduled meals on the right days, every meal stored with its
 * totals, and the excluded food in none of them. */
static void
test_generate (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcTestServer) server = start_demo (session);
  FcStore *store = fc_session_get_store (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) plan = NULL;
  g_autoptr(GArray) exclude = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *plan_id_text = NULL;
  GDate start;
  JsonArray *schedule;
  gint64 id, excluded, value = 0;
  gboolean flag = FALSE;
  double protein = 0;
  guint per_day[8] = { 0 };
  gint64 started;

  excluded = sync_test_server_count (server, "SELECT min(id) FROM foods WHERE is_public = 1"
                                             " AND food_category = 'PR'", NULL);
  g_assert_cmpint (excluded, >, 0);
  g_array_append_val (exclude, excluded);
  g_date_clear (&start, 1);
  g_date_set_dmy (&start, 1, G_DATE_DECEMBER, 2026);

  started = g_get_monotonic_time ();
  id = generate (session, "WL", 7, 4, &start, exclude, &error);
  g_assert_no_error (error);
  /* The request, the optimizer and storing 28 meals, as the user waits. */
  g_test_message ("generate 7 days x 4 meals, request to stored: %.1f ms",
                  (g_get_monotonic_time () - started) / 1000.0);
  g_assert_cmpint (id, >, 0);
  g_assert_true (fc_meal_plan_actions_can_generate (session));

  plan = store_get (store, FC_STORE_MEAL_PLANS, id);
  g_assert_true (fc_json_get_boolean (plan, "is_ai_generated", &flag));
  g_assert_true (flag);
  g_assert_true (fc_json_get_boolean (plan, "is_active", &flag));
  g_assert_true (flag);
  g_assert_cmpstr (fc_json_get_string (plan, "start_date"), ==, "2026-12-01");
  g_assert_cmpstr (fc_json_get_string (plan, "goal"), ==, "WL");
  g_assert_true (fc_json_get_int (plan, "duration_days", &value));
  g_assert_cmpint (value, ==, 7);
  g_assert_true (fc_json_get_double (plan, "target_daily_protein", &protein));
  g_assert_cmpfloat (protein, >, 30);

  schedule = fc_json_get_array (plan, "scheduled_meals");
  g_assert_nonnull (schedule);
  g_assert_cmpuint (json_array_get_length (schedule), ==, 28);
  plan_id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_assert_cmpint (json_array_get_length (schedule), ==,
                   sync_test_server_count (server, "SELECT count(*) FROM scheduled_meals"
                                                   " WHERE meal_plan_id = ?1", plan_id_text));
  for (guint i = 0; i < json_array_get_length (schedule); i++) {
    JsonObject *entry = json_array_get_object_element (schedule, i);
    g_autoptr(JsonObject) meal = NULL;
    gint64 meal_id = 0, day = 0;
    double calories = 0;

    g_assert_true (fc_json_get_int (entry, "meal", &meal_id));
    g_assert_true (fc_json_get_int (entry, "day_of_plan", &day));
    g_assert_cmpint (day, >=, 1);
    g_assert_cmpint (day, <=, 7);
    per_day[day]++;
    meal = store_get (store, FC_STORE_MEALS, meal_id);
    g_assert_true (fc_json_get_double (meal, "total_calories", &calories));
    g_assert_cmpfloat (calories, >, 0);
  }
  for (guint day = 1; day <= 7; day++)
    g_assert_cmpuint (per_day[day], ==, 4);

  /* Exclusions reach the server: no meal of the plan holds that food. */
  {
    g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM meal_items i JOIN scheduled_meals s ON s.meal_id = i.meal_id"
      " WHERE s.meal_plan_id = ?1 AND i.food_id = %" G_GINT64_FORMAT, excluded);

    g_assert_cmpint (sync_test_server_count (server, sql, plan_id_text), ==, 0);
    g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM meal_items i"
                                                     " JOIN scheduled_meals s ON s.meal_id = i.meal_id"
                                                     " WHERE s.meal_plan_id = ?1", plan_id_text), >, 0);
  }
}

/* Copying one of the server's templates (a staff user's) gives the demo
 * user an own, active, non-template plan with the template's schedule. */
static void
test_copy_template (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcTestServer) server = start_demo (session);
  FcStore *store = fc_session_get_store (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonArray) templates = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autofree char *template_id_text = NULL;
  g_autofree char *expected_name = NULL;
  g_autofree char *id_text = NULL;
  g_autoptr(GDate) start = g_date_new_dmy (4, G_DATE_JANUARY, 2027);
  g_autoptr(JsonObject) undated = NULL;
  GAsyncResult *slot = NULL;
  JsonObject *template;
  JsonArray *schedule;
  gint64 template_id = 0, id;
  gboolean flag = TRUE;

  fc_meal_plan_actions_list_templates_async (session, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  templates = fc_meal_plan_actions_list_templates_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (templates), ==,
                    sync_test_server_count (server, "SELECT count(*) FROM meal_plans"
                                                    " WHERE is_template = 1 AND is_active = 1", NULL));
  g_assert_cmpuint (json_array_get_length (templates), >, 0);
  template = json_array_get_object_element (templates, 0);
  g_assert_true (fc_json_get_int (template, "id", &template_id));
  expected_name = g_strdup_printf ("%s (Copy)", fc_json_get_string (template, "name"));

  id = copy_plan (session, template_id, start, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (id, !=, template_id);

  copy = store_get (store, FC_STORE_MEAL_PLANS, id);
  g_assert_cmpstr (fc_json_get_string (copy, "name"), ==, expected_name);
  /* The copy starts when the app said, on the server as in the store. */
  g_assert_cmpstr (fc_json_get_string (copy, "start_date"), ==, "2027-01-04");
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM meal_plans WHERE id = ?1"
                                                   " AND start_date = '2027-01-04'", id_text),
                   ==, 1);
  g_assert_true (fc_json_get_boolean (copy, "is_template", &flag));
  g_assert_false (flag);
  g_assert_true (fc_json_get_boolean (copy, "is_own", &flag));
  g_assert_true (flag);
  schedule = fc_json_get_array (copy, "scheduled_meals");
  g_assert_nonnull (schedule);
  template_id_text = g_strdup_printf ("%" G_GINT64_FORMAT, template_id);
  g_assert_cmpint (json_array_get_length (schedule), ==,
                   sync_test_server_count (server, "SELECT count(*) FROM scheduled_meals"
                                                   " WHERE meal_plan_id = ?1", template_id_text));
  g_assert_cmpuint (json_array_get_length (schedule), >, 0);
  for (guint i = 0; i < json_array_get_length (schedule); i++) {
    gint64 meal_id = 0;
    g_autoptr(JsonObject) meal = NULL;

    g_assert_true (fc_json_get_int (json_array_get_object_element (schedule, i), "meal",
                                    &meal_id));
    meal = store_get (store, FC_STORE_MEALS, meal_id);
    g_assert_cmpstr (fc_json_get_string (meal, "name"), !=, "");
  }

  /* Without a date the copy has none, whatever the template's. */
  id = copy_plan (session, template_id, NULL, &error);
  g_assert_no_error (error);
  undated = store_get (store, FC_STORE_MEAL_PLANS, id);
  g_assert_true (fc_json_is_null (undated, "start_date"));

  /* A plan the server does not have (or, on the Django backend, another
   * user's template) is a 404 with a sentence that says why. */
  id = copy_plan (session, 999999, NULL, &error);
  g_assert_cmpint (id, ==, 0);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "only its owner"));
}

/* With the server gone, both actions fail at once with a sentence that
 * says why, and nothing is added to the store. */
static void
test_offline (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcTestServer) server = start_demo (session);
  FcStore *store = fc_session_get_store (session);
  g_autoptr(GError) error = NULL;
  gint64 plans_before = sync_test_store_count (store, "SELECT count(*) FROM meal_plans");
  gint64 template_id = sync_test_server_count (server, "SELECT min(id) FROM meal_plans"
                                                       " WHERE is_template = 1", NULL);
  gint64 id;

  g_assert_cmpint (fc_test_server_stop (server), ==, 0);

  id = generate (session, "MN", 3, 3, NULL, NULL, &error);
  g_assert_cmpint (id, ==, 0);
  g_assert_error (error, FC_MEAL_PLAN_ACTIONS_ERROR, FC_MEAL_PLAN_ACTIONS_ERROR_OFFLINE);
  g_assert_cmpstr (error->message, ==, "Generating a plan needs a connection to the server");
  g_clear_error (&error);
  /* Offline says nothing about what the server can do. */
  g_assert_true (fc_meal_plan_actions_can_generate (session));

  id = copy_plan (session, template_id, NULL, &error);
  g_assert_cmpint (id, ==, 0);
  g_assert_error (error, FC_MEAL_PLAN_ACTIONS_ERROR, FC_MEAL_PLAN_ACTIONS_ERROR_OFFLINE);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meal_plans"), ==,
                   plans_before);
}

/* A new account has no profile yet: the server's 400 says what is
 * missing, and that message is the error. */
static void
test_incomplete_profile (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, args);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  sync_test_register (session, url, "new-planner@fitcore.test");
  fc_meal_plan_actions_check_generate_async (session, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_meal_plan_actions_check_generate_finish (session, result));

  id = generate (session, "WG", 7, 3, NULL, NULL, &error);
  g_assert_cmpint (id, ==, 0);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "Your profile needs"));
  g_assert_nonnull (strstr (error->message, "height"));
  g_assert_cmpint (sync_test_server_count (server, "SELECT count(*) FROM meal_plans p JOIN users u"
                                                   " ON u.id = p.user_id WHERE u.email = ?1",
                                           "new-planner@fitcore.test"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/meal-plan-actions/generate", test_generate);
  g_test_add_func ("/sync/meal-plan-actions/copy-template", test_copy_template);
  g_test_add_func ("/sync/meal-plan-actions/offline", test_offline);
  g_test_add_func ("/sync/meal-plan-actions/incomplete-profile", test_incomplete_profile);

  return g_test_run ();
}
