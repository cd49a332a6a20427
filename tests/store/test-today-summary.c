/* test-today-summary.c — the Today dashboard's numbers from a store the
 * test fills: today's meals and totals, the week and the streak over a DST
 * change, the workout to continue, weight and steps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expected number is computed here from what the test stored, never
 * by the code under test.
 */

#include "config.h"

#include <math.h>

#include "fc-json.h"
#include "fc-time.h"
#include "fc-store-health.h"
#include "fc-today-summary.h"
#include "store-test-util.h"

/* A zone with a DST change (POSIX rule, so no tzdata is needed): Central
 * Europe, +1, +2 from the last Sunday of March (2027-03-28, 02:00 → 03:00). */
#define DST_ZONE "CET-1CEST,M3.5.0,M10.5.0/3"

static FcTodaySummary *
load (FcStore      *store,
      const char   *today_text,
      GTimeZone    *tz,
      GDateWeekday  week_start)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcTodaySummary *summary;
  GDate today;

  g_assert_true (fc_time_parse_date (today_text, &today));
  fc_today_summary_load_async (store, &today, tz, week_start, NULL, st_result_cb, &result);
  summary = fc_today_summary_load_finish (st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (FC_IS_TODAY_SUMMARY (summary));
  return summary;
}

static void
add_point (FcStore    *store,
           const char *type,
           double      value,
           const char *unit,
           const char *recorded_at)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) point = json_object_new ();

  json_object_set_string_member (point, "data_type", type);
  json_object_set_double_member (point, "value", value);
  json_object_set_string_member (point, "unit", unit);
  json_object_set_string_member (point, "recorded_at", recorded_at);
  fc_store_health_add_async (store, point, NULL, st_result_cb, &result);
  g_assert_cmpint (fc_store_health_add_finish (store, st_wait (&result), &error), >, 0);
  g_assert_no_error (error);
}

/* ---- today's meals ---- */

typedef struct {
  gint64      id;
  const char *name;
  const char *category;
  double      values[FC_PLAN_N_MACROS];
} Meal;

static const Meal meals[] = {
  { 1, "Oats", "BF", { 420.5, 18.25, 61.0, 9.5 } },
  { 2, "Chicken bowl", "LN", { 655.0, 48.0, 70.5, 17.75 } },
  { 3, "Salmon", "DN", { 710.25, 44.5, 38.0, 36.0 } },
  { 4, "Yogurt", "SN", { 150.0, 12.0, 16.5, 3.0 } },
};

/* Day 3 of plan 10 (2026-12-03 + 2 = 2026-12-05): meals 1, 2, 3 and 4;
 * other days, others. */
static const struct { gint64 meal; gint64 day; } schedule[] = {
  { 1, 1 }, { 3, 1 }, { 2, 2 }, { 4, 3 }, { 1, 3 }, { 3, 3 }, { 2, 3 }, { 1, 4 },
};

static void
store_meals (FcStore *store)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (meals); i++) {
    JsonObject *meal = json_object_new ();

    json_object_set_int_member (meal, "id", meals[i].id);
    json_object_set_string_member (meal, "name", meals[i].name);
    json_object_set_string_member (meal, "meal_time_category", meals[i].category);
    json_object_set_double_member (meal, "total_calories", meals[i].values[0]);
    json_object_set_double_member (meal, "total_protein", meals[i].values[1]);
    json_object_set_double_member (meal, "total_carbohydrates", meals[i].values[2]);
    json_object_set_double_member (meal, "total_fat", meals[i].values[3]);
    json_object_set_array_member (meal, "meal_items", json_array_new ());
    json_array_add_object_element (array, meal);
  }
  json_node_set_array (node, array);
  text = fc_json_to_string (node, FALSE);
  st_upsert (store, FC_STORE_MEALS, text);
}

static char *
plan_json (gint64      id,
           const char *start_date,
           gint64      duration,
           gboolean    active,
           gboolean    is_template)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{\"id\":%" G_GINT64_FORMAT ",\"name\":\"Plan %" G_GINT64_FORMAT
                          "\",\"start_date\":\"%s\",\"duration_days\":%" G_GINT64_FORMAT ","
                          "\"is_active\":%s,\"is_template\":%s,"
                          "\"target_daily_calories\":2000,\"target_daily_protein\":130,"
                          "\"target_daily_carbohydrates\":220,\"target_daily_fat\":70,"
                          "\"scheduled_meals\":[",
                          id, id, start_date, duration, active ? "true" : "false",
                          is_template ? "true" : "false");
  for (guint i = 0; i < G_N_ELEMENTS (schedule); i++)
    g_string_append_printf (json, "%s{\"id\":%u,\"meal\":%" G_GINT64_FORMAT ","
                            "\"day_of_plan\":%" G_GINT64_FORMAT "}",
                            i > 0 ? "," : "", (guint) (id * 100 + i), schedule[i].meal,
                            schedule[i].day);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

static void
test_plan_totals (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcTodaySummary) empty = NULL;
  g_autoptr(FcTodaySummary) summary = NULL;
  g_autoptr(FcTodaySummary) after = NULL;
  g_autofree char *older = plan_json (9, "2026-12-01", 7, TRUE, FALSE);
  g_autofree char *chosen = plan_json (10, "2026-12-03", 7, TRUE, FALSE);
  g_autofree char *inactive = plan_json (11, "2026-12-04", 7, FALSE, FALSE);
  g_autofree char *template = plan_json (12, "2026-12-05", 7, TRUE, TRUE);
  g_autofree char *future = plan_json (13, "2026-12-06", 7, TRUE, FALSE);
  g_autofree char *all = g_strdup_printf ("[%s,%s,%s,%s,%s]", older, chosen, inactive, template,
                                          future);
  double expected[FC_PLAN_N_MACROS] = { 0 };
  guint expected_n = 0;
  FcPlanLayout *plan;
  guint day;

  empty = load (store, "2026-12-05", NULL, G_DATE_MONDAY);
  g_assert_null (fc_today_summary_get_plan (empty));
  g_assert_false (fc_today_summary_has_any_plan (empty));

  store_meals (store);
  st_upsert (store, FC_STORE_MEAL_PLANS, all);
  summary = load (store, "2026-12-05", NULL, G_DATE_MONDAY);

  /* The newest active, non-template plan that covers the day. */
  plan = fc_today_summary_get_plan (summary);
  g_assert_nonnull (plan);
  g_assert_true (fc_today_summary_has_any_plan (summary));
  g_assert_cmpint (fc_plan_layout_get_plan_id (plan), ==, 10);
  day = fc_today_summary_get_plan_day (summary);
  g_assert_cmpuint (day, ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (schedule); i++) {
    if (schedule[i].day != 3)
      continue;
    expected_n++;
    for (guint k = 0; k < G_N_ELEMENTS (meals); k++)
      if (meals[k].id == schedule[i].meal)
        for (guint m = 0; m < FC_PLAN_N_MACROS; m++)
          expected[m] += meals[k].values[m];
  }
  g_assert_cmpuint (fc_plan_layout_get_n_entries (plan, day), ==, expected_n);
  for (guint m = 0; m < FC_PLAN_N_MACROS; m++)
    g_assert_cmpfloat_with_epsilon (fc_plan_layout_get_total (plan, day, m), expected[m], 1e-9);
  /* Breakfast first, whatever the schedule's order. */
  g_assert_cmpstr (fc_plan_layout_get_entry (plan, day, 0)->name, ==, "Oats");
  g_assert_cmpstr (fc_plan_layout_get_entry (plan, day, 3)->name, ==, "Yogurt");
  {
    double target = 0;

    g_assert_true (fc_plan_layout_get_target (plan, FC_PLAN_MACRO_CALORIES, &target));
    g_assert_cmpfloat (target, ==, 2000);
  }

  /* A day after every plan: none. */
  after = load (store, "2026-12-20", NULL, G_DATE_MONDAY);
  g_assert_null (fc_today_summary_get_plan (after));
  g_assert_true (fc_today_summary_has_any_plan (after));
}

/* ---- the week and the streak over the spring DST change ---- */

/* A completion at @hour:30 local time on 2027-03-@day in DST_ZONE, written
 * in UTC as the server writes it. */
static char *
completed_at (GTimeZone *tz,
              int        day,
              int        hour)
{
  g_autoptr(GDateTime) local = g_date_time_new (tz, 2027, 3, day, hour, 30, 0);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (local);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000000Z");
}

static void
test_week_and_streak_dst (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (DST_ZONE);
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcTodaySummary) monday = NULL;
  g_autoptr(FcTodaySummary) sunday = NULL;
  g_autoptr(FcTodaySummary) later = NULL;
  /* Local days and hours of completions: 24th, a gap on the 25th, then
   * every day to today (the 30th, a Tuesday), each late in the evening
   * or just after midnight, where UTC has another day: 00:30 on the 30th
   * is 22:30 UTC on the 29th. */
  static const int when[][2] = { { 24, 20 }, { 26, 23 }, { 27, 23 }, { 28, 23 }, { 29, 23 },
                                 { 30, 0 } };
  g_autoptr(GString) progress = g_string_new ("[");
  g_autoptr(GString) workouts = g_string_new ("[");
  GDate date, first;
  guint expected_week_monday = 0, expected_week_sunday = 0, expected_streak = 0;

  g_assert_nonnull (tz);
  g_assert_cmpint (g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_STANDARD,
                                                                          1800000000)), ==, 3600);

  for (guint i = 0; i < G_N_ELEMENTS (when); i++) {
    g_autofree char *at = completed_at (tz, when[i][0], when[i][1]);

    g_string_append_printf (workouts, "%s{\"id\":%u,\"title\":\"W%u\"}", i ? "," : "", i + 1, i + 1);
    g_string_append_printf (progress, "%s{\"id\":%u,\"workout\":%u,\"progress_percentage\":100,"
                            "\"position_seconds\":0,\"last_video\":null,\"completed_at\":\"%s\","
                            "\"updated_at\":\"%s\"}", i ? "," : "", i + 1, i + 1, at, at);
    /* The week from Monday the 29th or Sunday the 28th to today. */
    expected_week_monday += when[i][0] >= 29;
    expected_week_sunday += when[i][0] >= 28;
  }
  /* Days 26..30 in a row. */
  expected_streak = 5;
  g_string_append (workouts, "]");
  g_string_append (progress, "]");
  st_upsert (store, FC_STORE_WORKOUTS, workouts->str);
  st_upsert (store, FC_STORE_WORKOUT_PROGRESS, progress->str);

  monday = load (store, "2027-03-30", tz, G_DATE_MONDAY);
  fc_today_summary_get_week_start (monday, &first);
  g_date_set_dmy (&date, 29, 3, 2027);
  g_assert_cmpint (g_date_compare (&first, &date), ==, 0);
  g_assert_cmpuint (fc_today_summary_get_week_completed (monday), ==, expected_week_monday);
  g_assert_cmpuint (fc_today_summary_get_streak (monday), ==, expected_streak);
  g_assert_cmpuint (fc_today_summary_get_n_workouts (monday), ==, G_N_ELEMENTS (when));
  /* Every one is completed: nothing to continue. */
  g_assert_null (fc_today_summary_get_resume (monday));

  sunday = load (store, "2027-03-30", tz, G_DATE_SUNDAY);
  fc_today_summary_get_week_start (sunday, &first);
  g_date_set_dmy (&date, 28, 3, 2027);
  g_assert_cmpint (g_date_compare (&first, &date), ==, 0);
  g_assert_cmpuint (fc_today_summary_get_week_completed (sunday), ==, expected_week_sunday);

  /* Nothing on the 31st yet: the streak still counts up to yesterday; on
   * April 1st it is broken. */
  later = load (store, "2027-03-31", tz, G_DATE_MONDAY);
  g_assert_cmpuint (fc_today_summary_get_streak (later), ==, expected_streak);
  g_clear_object (&later);
  later = load (store, "2027-04-01", tz, G_DATE_MONDAY);
  g_assert_cmpuint (fc_today_summary_get_streak (later), ==, 0);
}

/* ---- the workout to continue ---- */

static void
test_resume_latest (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcTodaySummary) summary = NULL;
  g_autoptr(FcTodaySummary) local = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FcOutboxItem) row = NULL;
  g_autoptr(GError) error = NULL;
  FcWorkoutItem *resume;

  st_upsert (store, FC_STORE_WORKOUTS,
             "[{\"id\":1,\"title\":\"Morning mobility\"},{\"id\":2,\"title\":\"Core blast\"},"
             "{\"id\":3,\"title\":\"Done already\"},{\"id\":4,\"title\":\"Never started\"}]");
  /* Workout 3 changed last but is completed; 2 changed after 1. */
  st_upsert (store, FC_STORE_WORKOUT_PROGRESS,
             "[{\"id\":11,\"workout\":1,\"progress_percentage\":40,\"last_video\":null,"
             "\"position_seconds\":100,\"completed_at\":null,"
             "\"updated_at\":\"2026-12-01T08:00:00.000000Z\"},"
             "{\"id\":12,\"workout\":2,\"progress_percentage\":20,\"last_video\":null,"
             "\"position_seconds\":754,\"completed_at\":null,"
             "\"updated_at\":\"2026-12-04T18:00:00.000000Z\"},"
             "{\"id\":13,\"workout\":3,\"progress_percentage\":100,\"last_video\":null,"
             "\"position_seconds\":0,\"completed_at\":\"2026-12-05T07:00:00.000000Z\","
             "\"updated_at\":\"2026-12-05T07:00:00.000000Z\"}]");

  summary = load (store, "2026-12-05", NULL, G_DATE_MONDAY);
  resume = fc_today_summary_get_resume (summary);
  g_assert_nonnull (resume);
  g_assert_cmpint (fc_workout_item_get_id (resume), ==, 2);
  g_assert_cmpfloat (fc_workout_item_get_position (resume), ==, 754);
  g_assert_cmpuint (fc_today_summary_get_n_workouts (summary), ==, 4);
  g_assert_cmpuint (fc_today_summary_get_week_completed (summary), ==, 1);

  /* Watching workout 1 on this device, offline: the newest of all. */
  fc_store_save_workout_progress_async (store, 1, 45, 0, 130, NULL, st_result_cb, &result);
  row = fc_store_save_workout_progress_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  local = load (store, "2026-12-05", NULL, G_DATE_MONDAY);
  resume = fc_today_summary_get_resume (local);
  g_assert_nonnull (resume);
  g_assert_cmpint (fc_workout_item_get_id (resume), ==, 1);
  g_assert_cmpfloat (fc_workout_item_get_position (resume), ==, 130);
}

/* ---- weight and steps ---- */

static void
test_weight_and_steps (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcTodaySummary) none = NULL;
  g_autoptr(FcTodaySummary) summary = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) goals = st_object ("{\"daily_steps\":8000,\"target_weight\":null,"
                                           "\"sleep_minutes\":null}");
  /* UTC (the test runs with TZ=UTC): a weigh-in 40 and 31 days and one
   * 28 days before the latest, the latest yesterday, and one tomorrow,
   * which is not "latest" yet. */
  static const struct { const char *at; double kg; } weights[] = {
    { "2026-10-26T07:00:00Z", 81.0 },
    { "2026-11-03T07:00:00Z", 79.6 },
    { "2026-11-06T07:30:00Z", 79.4 },
    { "2026-12-04T07:00:00Z", 77.9 },
    { "2026-12-06T07:00:00Z", 70.0 },
  };
  double latest, change, steps, goal;
  gint64 at;
  const double *days;

  none = load (store, "2026-12-05", NULL, G_DATE_MONDAY);
  g_assert_false (fc_today_summary_get_weight (none, &latest, &at, &change));
  g_assert_false (fc_today_summary_get_steps (none, &steps, &goal));

  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    add_point (store, "weight", weights[i].kg, "kg", weights[i].at);
  add_point (store, "steps", 3200, "count", "2026-12-05T08:00:00Z");
  add_point (store, "steps", 4100, "count", "2026-12-05T18:00:00Z");
  add_point (store, "steps", 9999, "count", "2026-12-04T18:00:00Z");
  fc_store_health_save_goals_async (store, goals, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_save_goals_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);

  summary = load (store, "2026-12-05", NULL, G_DATE_MONDAY);
  g_assert_true (fc_today_summary_get_weight (summary, &latest, &at, &change));
  g_assert_cmpfloat (latest, ==, 77.9);
  g_assert_cmpint (at, ==, 1796367600);  /* 2026-12-04T07:00:00Z */
  /* 30 days before the latest is 2026-11-04T07:00: the latest at or
   * before it is November 3rd's. */
  g_assert_cmpfloat_with_epsilon (change, 77.9 - 79.6, 1e-9);

  days = fc_today_summary_get_weight_days (summary);
  /* The last day is today (none), the one before it yesterday's; November
   * 6th is 29 days before today, the first day of the line. */
  g_assert_true (isnan (days[FC_TODAY_WEIGHT_DAYS - 1]));
  g_assert_cmpfloat (days[FC_TODAY_WEIGHT_DAYS - 2], ==, 77.9);
  g_assert_cmpfloat (days[0], ==, 79.4);
  for (guint i = 1; i < FC_TODAY_WEIGHT_DAYS - 2; i++)
    g_assert_true (isnan (days[i]));

  g_assert_true (fc_today_summary_get_steps (summary, &steps, &goal));
  g_assert_cmpfloat (steps, ==, 3200 + 4100);
  g_assert_cmpfloat (goal, ==, 8000);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/today/plan-totals", test_plan_totals);
  g_test_add_func ("/today/week-and-streak-dst", test_week_and_streak_dst);
  g_test_add_func ("/today/resume-latest", test_resume_latest);
  g_test_add_func ("/today/weight-and-steps", test_weight_and_steps);

  return g_test_run ();
}
