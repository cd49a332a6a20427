/* test-admin-template-source.c — a template's draft as the plan board edits it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcAdminTemplateSource is plain state (no display): it puts day 1 on the
 * first day of today's week, keeps the server's schedule and meals as the
 * layout reads them, and takes the board's writes in memory until Save.
 */

#include "config.h"

#include "fc-admin-template-source.h"
#include "fc-json.h"
#include "fc-plan-calendar.h"
#include "fc-plan-layout.h"

#define TEMPLATE \
  "{\"id\": 4, \"name\": \"Lean Cut\", \"duration_days\": 3, \"target_daily_calories\": 1800.0," \
  " \"scheduled_meals\": [{\"meal\": 31, \"day_of_plan\": 1}, {\"meal\": 32, \"day_of_plan\": 3}]," \
  " \"meals\": [{\"id\": 31, \"name\": \"Parfait\", \"meal_time_category\": \"BF\"," \
  "              \"total_calories\": 262.0}," \
  "             {\"id\": 32, \"name\": \"Salmon\", \"meal_time_category\": \"DN\"," \
  "              \"total_calories\": 618.0}," \
  "             {\"id\": 33, \"name\": \"Almonds\", \"meal_time_category\": \"SN\"," \
  "              \"total_calories\": 236.0}]}"

static void
count_cb (FcPlanSource *source,
          guint        *count)
{
  (*count)++;
}

static JsonObject *
parse (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static char *
payload_text (FcAdminTemplateSource *source)
{
  g_autoptr(JsonArray) payload = fc_admin_template_source_dup_payload (source);
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), payload);

  return json_to_string (node, FALSE);
}

static void
test_load_and_edit (void)
{
  g_autoptr(GDate) today = g_date_new_dmy (2, G_DATE_DECEMBER, 2026);   /* a Wednesday */
  g_autoptr(FcAdminTemplateSource) source = fc_admin_template_source_new (today);
  g_autoptr(JsonObject) template = parse (TEMPLATE);
  g_autoptr(FcPlanLayout) layout = NULL;
  g_autoptr(FcPlanLayout) edited = NULL;
  g_autoptr(JsonArray) meals = NULL;
  g_autoptr(JsonArray) added = NULL;
  g_autofree char *text = NULL;
  GDate first, expected = *today;
  guint changed = 0;

  g_signal_connect (source, "changed", G_CALLBACK (count_cb), &changed);
  fc_admin_template_source_load (source, template);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_false (fc_admin_template_source_get_modified (source));
  g_assert_cmpuint (fc_admin_template_source_get_n_days (source), ==, 3);
  g_assert_cmpuint (fc_admin_template_source_get_last_day (source), ==, 3);

  /* Day 1 on the locale's first day of that week, on or before today. */
  while (g_date_get_weekday (&expected) != fc_plan_calendar_get_locale_week_start ())
    g_date_subtract_days (&expected, 1);
  meals = fc_plan_source_dup_meals (FC_PLAN_SOURCE (source));
  g_assert_cmpuint (json_array_get_length (meals), ==, 3);
  layout = fc_plan_layout_new (fc_plan_source_get_plan (FC_PLAN_SOURCE (source)), meals);
  g_assert_true (fc_plan_layout_get_date (layout, 1, &first));
  g_assert_cmpint (g_date_compare (&first, &expected), ==, 0);
  g_assert_cmpuint (fc_plan_layout_get_n_days (layout), ==, 3);
  g_assert_cmpuint (fc_plan_layout_get_n_entries (layout, 3), ==, 1);
  g_assert_cmpstr (fc_plan_layout_get_entry (layout, 3, 0)->name, ==, "Salmon");
  g_assert_cmpfloat (fc_plan_layout_get_total (layout, 1, FC_PLAN_MACRO_CALORIES), ==, 262.0);

  /* The board's write: kept in memory, shown at once, one "changed". */
  added = fc_plan_layout_add_meal (layout, 33, 2);
  fc_plan_source_write_schedule (FC_PLAN_SOURCE (source), added);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_true (fc_admin_template_source_get_modified (source));
  text = payload_text (source);
  g_assert_cmpstr (text, ==, "[{\"meal\":31,\"day_of_plan\":1},{\"meal\":32,\"day_of_plan\":3},"
                             "{\"meal\":33,\"day_of_plan\":2}]");
  g_clear_pointer (&meals, json_array_unref);
  meals = fc_plan_source_dup_meals (FC_PLAN_SOURCE (source));
  edited = fc_plan_layout_new (fc_plan_source_get_plan (FC_PLAN_SOURCE (source)), meals);
  g_assert_cmpstr (fc_plan_layout_get_entry (edited, 2, 0)->name, ==, "Almonds");

  /* A longer template shows more days; the schedule stays. */
  fc_admin_template_source_set_n_days (source, 7);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpuint (fc_admin_template_source_get_n_days (source), ==, 7);
  fc_admin_template_source_set_n_days (source, 7);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpuint (fc_admin_template_source_get_last_day (source), ==, 3);
}

/* A new template: seven empty days, nothing to send but an empty list. */
static void
test_new (void)
{
  g_autoptr(GDate) today = g_date_new_dmy (6, G_DATE_DECEMBER, 2026);
  g_autoptr(FcAdminTemplateSource) source = fc_admin_template_source_new (today);
  g_autofree char *text = payload_text (source);
  JsonObject *plan = fc_plan_source_get_plan (FC_PLAN_SOURCE (source));
  g_autoptr(FcPlanLayout) layout = fc_plan_layout_new (plan, NULL);

  g_assert_cmpstr (text, ==, "[]");
  g_assert_cmpuint (fc_plan_layout_get_n_days (layout), ==, 7);
  g_assert_cmpuint (fc_admin_template_source_get_last_day (source), ==, 0);
  g_assert_false (fc_admin_template_source_get_modified (source));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/admin/template-source/load-and-edit", test_load_and_edit);
  g_test_add_func ("/admin/template-source/new", test_new);
  return g_test_run ();
}
