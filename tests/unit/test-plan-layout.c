/* test-plan-layout.c — the calendar's layout logic as plain state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-json.h"
#include "fc-plan-layout.h"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = fc_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  return object;
}

static void
test_dates (void)
{
  g_autoptr(JsonObject) plan = parse_object ("{\"id\": 7, \"start_date\": \"2026-12-30\","
                                             " \"duration_days\": 4, \"scheduled_meals\": []}");
  g_autoptr(FcPlanLayout) layout = fc_plan_layout_new (plan, NULL);
  GDate date;

  g_assert_cmpuint (fc_plan_layout_get_n_days (layout), ==, 4);
  g_assert_true (fc_plan_layout_get_date (layout, 3, &date));
  g_assert_cmpuint (g_date_get_year (&date), ==, 2027);
  g_assert_cmpuint (g_date_get_month (&date), ==, 1);
  g_assert_cmpuint (g_date_get_day (&date), ==, 1);
  g_assert_false (fc_plan_layout_get_date (layout, 5, &date));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calendar/layout/dates", test_dates);

  return g_test_run ();
}
