/* test-nutrition-demo.c — `fitcore-server --demo`, seen through the API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-json.h"
#include "nutrition-test-util.h"

#define NUT "/api/v1/nutrition/"

static void
test_demo (void)
{
  const char * const args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (NT_CONFIG, args);
  g_autofree char *demo = fc_test_login (server, "demo@fitcore.local", "fitcore-demo", NULL);
  g_autofree char *user = fc_test_register (server, NT_EMAIL_B, NT_PASSWORD, NULL);
  g_autoptr(JsonNode) templates = NULL;
  JsonArray *results;
  gint64 template_id = 0;

  g_assert_cmpint (nt_count (server, NUT "foods/", NULL), >=, 190);
  g_assert_cmpint (nt_count (server, NUT "foods/?search=banana", NULL), >=, 1);
  g_assert_cmpint (nt_count (server, NUT "meals/", demo), >=, 12);
  g_assert_cmpint (nt_count (server, NUT "meals/", user), ==, 0);

  templates = nt_request (server, "GET", NUT "meal-plans/templates/", NULL, NULL, 200);
  results = fc_json_get_array (json_node_get_object (templates), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 3);
  for (guint i = 0; i < 3; i++) {
    JsonObject *plan = json_array_get_object_element (results, i);
    JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");
    gint64 days = 0;

    g_assert_true (fc_json_get_int (plan, "duration_days", &days));
    /* Three or four meals a day, every day. */
    g_assert_cmpuint (json_array_get_length (schedule), >=, 3 * days);
    g_assert_cmpuint (json_array_get_length (schedule), <=, 4 * days);
    if (g_str_has_prefix (fc_json_get_string (plan, "name"), "Lean Cut"))
      g_assert_true (fc_json_get_int (plan, "id", &template_id));
  }
  g_assert_cmpint (template_id, >, 0);

  /* A fresh user copies a template and reads its schedule back. */
  {
    g_autofree char *path = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/copy/",
                                             template_id);
    gint64 copy = nt_create (server, path, user, NULL);
    g_autofree char *copy_path = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/", copy);
    g_autoptr(JsonNode) node = nt_request (server, "GET", copy_path, user, NULL, 200);
    JsonObject *plan = json_node_get_object (node);
    JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");
    JsonObject *first = json_array_get_object_element (schedule, 0);
    double calories = 0;

    g_assert_cmpstr (fc_json_get_string (plan, "name"), ==, "Lean Cut \u2014 7 days (Copy)");
    g_assert_cmpuint (json_array_get_length (schedule), ==, 28);
    g_assert_cmpstr (fc_json_get_string (fc_json_get_object (first, "meal_detail"),
                                         "meal_time_category"), ==, "BF");
    g_assert_true (fc_json_get_double (fc_json_get_object (first, "meal_detail"),
                                       "total_calories", &calories));
    g_assert_cmpfloat (calories, >, 100);
    g_assert_cmpint (nt_count (server, NUT "meals/", user), >, 0);
  }

  /* A second start with --demo seeds nothing twice. */
  {
    g_autofree char *data_dir = g_strdup (server->data_dir);
    g_autoptr(FcTestServer) again = NULL;
    gint64 foods = nt_count (server, NUT "foods/", NULL);

    fc_test_server_stop (server);
    server->owns_data_dir = FALSE;
    again = fc_test_server_start_in (data_dir, NT_CONFIG, args);
    again->owns_data_dir = TRUE;
    g_assert_cmpint (nt_count (again, NUT "foods/", NULL), ==, foods);
    g_assert_cmpint (nt_count (again, NUT "meal-plans/templates/", NULL), ==, 3);
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add_func ("/nutrition/demo/seeded-and-copyable", test_demo);

  return g_test_run ();
}
