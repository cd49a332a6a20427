/* test-sync-changes.c — a sync against a server with a change feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counts the requests the real fitcore-server logged (its stderr, one line
 * a request): an idle sync is one GET changes/; what another device of the
 * same account creates, edits and deletes (a food, a meal, a plan) arrives
 * with one GET changes/, deletions included; a cursor the server does not
 * take (garbage in the store) leads to one full pull, then incremental
 * syncs again. Meal-plan templates staff edit arrive the same way.
 */

#include "config.h"

#include "fc-json.h"
#include "fc-meal-plan-actions.h"
#include "sync-test-util.h"

#define NUT "/api/v1/nutrition/"
#define CHANGES_GET "GET /api/v1/changes/"
#define FOODS_GET "GET /api/v1/nutrition/foods/"
#define MEALS_GET "GET /api/v1/nutrition/meals/"
#define LOGIN_POST "POST /api/v1/auth/oauth/login/"
#define CURSOR_KEY "engine-changes-cursor"

/* The demo server, logging, and a session signed in to it whose first
 * sync is over. */
static FcTestServer *
start_demo (SyncTestLog **out_log,
            FcSession    *session)
{
  FcTestServer *server = sync_test_start_demo (out_log, session);

  sync_test_wait_quiet (fc_session_get_sync_engine (session), 1000, 120);
  return server;
}

/* One sync that is exactly one GET changes/. */
static void
assert_one_changes_request (FcSyncEngine *engine,
                            SyncTestLog  *log,
                            const char   *what)
{
  g_autoptr(GPtrArray) lines = sync_test_background_sync (engine, log, what);

  g_assert_null (fc_sync_engine_get_last_error (engine));
  g_assert_cmpuint (sync_test_take_health (lines), <=, 1);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, CHANGES_GET), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, " 200 "), ==, 1);
}

/* The other device: a request with its own token; the id of what it made. */
static gint64
other_device (FcTestServer *server,
              const char   *token,
              const char   *method,
              const char   *path,
              const char   *json,
              guint         status)
{
  g_autoptr(FcTestResponse) response = fc_test_request (server, method, path, token, json);
  gint64 id = 0;

  g_assert_cmpuint (response->status, ==, status);
  if (status == 201)
    g_assert_true (fc_json_get_int (fc_test_response_object (response), "id", &id));
  return id;
}

/* Takes the log up to the other device's last request: the server logs
 * a request after answering it. */
static void
skip_until (SyncTestLog *log,
            const char  *needle)
{
  g_autoptr(GPtrArray) lines = sync_test_log_take_until (log, needle, 30);

  g_assert_nonnull (lines);
}

static gint64
count_named (FcStore    *store,
             const char *table,
             const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE name = '%s'", table, name);

  return sync_test_store_count (store, sql);
}

static void
set_cursor (FcStore    *store,
            const char *cursor)
{
  sync_test_set_sync_value (store, CURSOR_KEY, cursor);
}

static char *
get_cursor (FcStore *store)
{
  return sync_test_get_sync_value (store, CURSOR_KEY);
}

/* An idle background sync is one request (seven before the feed: the
 * account, the profile and five lists). */
static void
test_idle (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = start_demo (&log, session);
  FcSyncEngine *engine = fc_session_get_sync_engine (session);
  g_autofree char *cursor = NULL;

  g_ptr_array_unref (sync_test_log_take (log));
  cursor = get_cursor (fc_session_get_store (session));
  g_assert_nonnull (cursor);
  for (guint i = 0; i < 3; i++)
    assert_one_changes_request (engine, log, "idle");
}

/* Another device of the same account creates, edits and deletes a food, a
 * meal and a plan; each round reaches this one with one GET changes/. */
static void
test_second_device (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = start_demo (&log, session);
  FcSyncEngine *engine = fc_session_get_sync_engine (session);
  FcStore *store = fc_session_get_store (session);
  g_autofree char *token = fc_test_login (server, SYNC_TEST_DEMO_EMAIL, SYNC_TEST_DEMO_PASSWORD,
                                          NULL);
  g_autofree char *json = NULL;
  g_autofree char *food_path = NULL;
  g_autofree char *meal_path = NULL;
  g_autofree char *plan_path = NULL;
  gint64 food, meal, plan;

  g_ptr_array_unref (sync_test_log_take (log));

  /* Created there. */
  food = other_device (server, token, "POST", NUT "foods/",
                       "{\"name\":\"Elsewhere Shake\",\"calories\":100,\"protein\":1,"
                       "\"carbohydrates\":2,\"fat\":3}", 201);
  json = g_strdup_printf ("{\"name\":\"Elsewhere Lunch\",\"meal_items\":[{\"food\":%"
                          G_GINT64_FORMAT "}]}", food);
  meal = other_device (server, token, "POST", NUT "meals/", json, 201);
  g_free (json);
  json = g_strdup_printf ("{\"name\":\"Elsewhere Week\",\"scheduled_meals_payload\":"
                          "[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":1}]}", meal);
  plan = other_device (server, token, "POST", NUT "meal-plans/", json, 201);
  skip_until (log, "POST " NUT "meal-plans/ 201 ");
  assert_one_changes_request (engine, log, "after creates");
  g_assert_cmpint (count_named (store, "foods", "Elsewhere Shake"), ==, 1);
  g_assert_cmpint (count_named (store, "meals", "Elsewhere Lunch"), ==, 1);
  g_assert_cmpint (count_named (store, "meal_plans", "Elsewhere Week"), ==, 1);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meal_items WHERE meal_id IN "
                                                 "(SELECT id FROM meals WHERE name = "
                                                 "'Elsewhere Lunch')"), ==, 1);

  /* Edited there. */
  food_path = g_strdup_printf (NUT "foods/%" G_GINT64_FORMAT "/", food);
  meal_path = g_strdup_printf (NUT "meals/%" G_GINT64_FORMAT "/", meal);
  plan_path = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/", plan);
  other_device (server, token, "PATCH", food_path, "{\"name\":\"Elsewhere Shake 2\"}", 200);
  other_device (server, token, "PATCH", meal_path, "{\"name\":\"Elsewhere Lunch 2\"}", 200);
  other_device (server, token, "PATCH", plan_path, "{\"name\":\"Elsewhere Week 2\"}", 200);
  skip_until (log, "PATCH " NUT "meal-plans/");
  assert_one_changes_request (engine, log, "after edits");
  g_assert_cmpint (count_named (store, "foods", "Elsewhere Shake"), ==, 0);
  g_assert_cmpint (count_named (store, "foods", "Elsewhere Shake 2"), ==, 1);
  g_assert_cmpint (count_named (store, "meals", "Elsewhere Lunch 2"), ==, 1);
  g_assert_cmpint (count_named (store, "meal_plans", "Elsewhere Week 2"), ==, 1);

  /* Deleted there. */
  other_device (server, token, "DELETE", plan_path, NULL, 204);
  other_device (server, token, "DELETE", meal_path, NULL, 204);
  other_device (server, token, "DELETE", food_path, NULL, 204);
  skip_until (log, "DELETE " NUT "foods/");
  assert_one_changes_request (engine, log, "after deletes");
  g_assert_cmpint (count_named (store, "foods", "Elsewhere Shake 2"), ==, 0);
  g_assert_cmpint (count_named (store, "meals", "Elsewhere Lunch 2"), ==, 0);
  g_assert_cmpint (count_named (store, "meal_plans", "Elsewhere Week 2"), ==, 0);

  /* And idle again. */
  assert_one_changes_request (engine, log, "idle");
}

/* The templates the Plans page would show: read from the store, with no
 * request (none is logged). */
static JsonArray *
list_templates (FcSession   *session,
                SyncTestLog *log)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  JsonArray *templates;

  fc_meal_plan_actions_list_templates_async (session, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  templates = fc_meal_plan_actions_list_templates_finish (session, result, &error);
  g_assert_no_error (error);
  sync_test_sleep (200);
  lines = sync_test_log_take (log);
  sync_test_log_lines ("listing templates", lines);
  g_assert_cmpuint (lines->len, ==, 0);
  return templates;
}

static gboolean
has_template_named (JsonArray  *templates,
                    const char *name)
{
  for (guint i = 0; i < json_array_get_length (templates); i++) {
    JsonObject *template = json_array_get_object_element (templates, i);

    if (g_strcmp0 (fc_json_get_string (template, "name"), name) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Staff edit a meal-plan template on their device: another account's idle
 * sync brings it with its one GET changes/, and the Plans page reads it
 * from the store without asking the server; cancelled, it is gone the
 * same way. */
static void
test_templates (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = start_demo (&log, session);
  FcSyncEngine *engine = fc_session_get_sync_engine (session);
  FcStore *store = fc_session_get_store (session);
  g_autofree char *staff = fc_test_login (server, "admin@fitcore.local", "fitcore-admin", NULL);
  g_autoptr(FcTestResponse) listed = NULL;
  g_autoptr(GPtrArray) logged = NULL;
  g_autoptr(JsonArray) before = NULL;
  g_autoptr(JsonArray) after = NULL;
  g_autoptr(JsonArray) gone = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cancel = NULL;
  JsonArray *results;
  gint64 template;

  /* The server logs the staff login after answering it, so its line may
   * not have been read yet: the session's own sign-in is the first login
   * logged, the staff's the second. */
  logged = sync_test_log_take (log);
  if (sync_test_lines_count (logged, LOGIN_POST) < 2)
    skip_until (log, LOGIN_POST);
  before = list_templates (session, log);
  g_assert_cmpuint (json_array_get_length (before), >, 0);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM meal_plan_templates"), ==,
                   json_array_get_length (before));

  listed = fc_test_request (server, "GET", NUT "meal-plans/templates/", staff, NULL);
  g_assert_cmpuint (listed->status, ==, 200);
  results = fc_json_get_array (fc_test_response_object (listed), "results");
  g_assert_true (fc_json_get_int (json_array_get_object_element (results, 0), "id", &template));
  path = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/", template);
  other_device (server, staff, "PATCH", path, "{\"name\":\"Staff Pick Week\"}", 200);
  skip_until (log, "PATCH " NUT "meal-plans/");
  assert_one_changes_request (engine, log, "after a template edit");
  g_assert_cmpint (count_named (store, "meal_plan_templates", "Staff Pick Week"), ==, 1);
  after = list_templates (session, log);
  g_assert_true (has_template_named (after, "Staff Pick Week"));
  g_assert_cmpuint (json_array_get_length (after), ==, json_array_get_length (before));

  cancel = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/cancel/", template);
  other_device (server, staff, "PATCH", cancel, NULL, 200);
  skip_until (log, "/cancel/");
  assert_one_changes_request (engine, log, "after a template's end");
  gone = list_templates (session, log);
  g_assert_false (has_template_named (gone, "Staff Pick Week"));
  g_assert_cmpuint (json_array_get_length (gone), ==, json_array_get_length (before) - 1);
}

/* A cursor the server does not take: it answers reset, the engine keeps
 * the new cursor, pulls every list in full, and goes on incrementally. */
static void
test_reset (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = start_demo (&log, session);
  FcSyncEngine *engine = fc_session_get_sync_engine (session);
  FcStore *store = fc_session_get_store (session);
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *cursor = NULL;

  g_ptr_array_unref (sync_test_log_take (log));
  set_cursor (store, "garbage");
  lines = sync_test_background_sync (engine, log, "after a garbage cursor");
  g_assert_cmpuint (sync_test_lines_count (lines, CHANGES_GET), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, FOODS_GET), >=, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, MEALS_GET), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, " 200 "), ==, lines->len);
  cursor = get_cursor (store);
  g_assert_true (g_str_has_prefix (cursor, "1."));
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods WHERE id > 0"), ==,
                   sync_test_server_count (server, "SELECT count(*) FROM foods WHERE is_public = 1",
                                           NULL));

  assert_one_changes_request (engine, log, "then");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/changes/idle", test_idle);
  g_test_add_func ("/sync/changes/second-device", test_second_device);
  g_test_add_func ("/sync/changes/reset", test_reset);
  g_test_add_func ("/sync/changes/templates", test_templates);

  return g_test_run ();
}
