/* test-plan-layout.c — the calendar's layout logic as plain state: which
 * meals land on which date, each day's totals and status against the
 * targets, schedule edits, and the iCalendar export parsed back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-plan-layout.h"

/* Meals as the store lists them: the wire's meal time codes (one meal has
 * the English word instead), ints and doubles mixed, one total null. */
static const char meals_json[] =
  "["
  " {\"id\": 1, \"name\": \"Oat porridge\", \"meal_time_category\": \"BF\","
  "  \"total_calories\": 400, \"total_protein\": 15, \"total_carbohydrates\": 60.5, \"total_fat\": 8},"
  " {\"id\": 2, \"name\": \"Chicken salad\", \"meal_time_category\": \"LN\","
  "  \"total_calories\": 550.5, \"total_protein\": 45, \"total_carbohydrates\": 20, \"total_fat\": 30},"
  " {\"id\": 3, \"name\": \"Salmon, rice; greens\", \"meal_time_category\": \"Dinner\","
  "  \"total_calories\": 700, \"total_protein\": 40, \"total_carbohydrates\": 70, \"total_fat\": 25},"
  " {\"id\": 4, \"name\": \"Apple\", \"meal_time_category\": \"SN\","
  "  \"total_calories\": 80, \"total_protein\": null, \"total_carbohydrates\": 21, \"total_fat\": 0.3},"
  " {\"id\": 5, \"name\": \"Protein shake\", \"meal_time_category\": \"SN\","
  "  \"total_calories\": 180, \"total_protein\": 30, \"total_carbohydrates\": 8, \"total_fat\": 3},"
  " {\"id\": 6, \"name\": \"Midnight toast\", \"meal_time_category\": null,"
  "  \"total_calories\": 90, \"total_protein\": 3, \"total_carbohydrates\": 15, \"total_fat\": 1},"
  " {\"id\": 8, \"name\": \"Banana\", \"meal_time_category\": \"PRE\", \"total_calories\": 105},"
  " {\"id\": 9, \"name\": \"Recovery shake\", \"meal_time_category\": \"POST\","
  "  \"total_calories\": 220}"
  "]";

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = fc_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fc_json_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

static FcPlanLayout *
make_layout (const char *plan_json)
{
  g_autoptr(JsonObject) plan = parse_object (plan_json);
  g_autoptr(JsonArray) meals = parse_array (meals_json);

  return fc_plan_layout_new (plan, meals);
}

static void
assert_date (FcPlanLayout *layout,
             guint         day,
             guint         year,
             guint         month,
             guint         mday)
{
  GDate date;

  g_assert_true (fc_plan_layout_get_date (layout, day, &date));
  g_assert_cmpuint (g_date_get_year (&date), ==, year);
  g_assert_cmpuint (g_date_get_month (&date), ==, month);
  g_assert_cmpuint (g_date_get_day (&date), ==, mday);
  /* And back: the date names the same day of the plan. */
  g_assert_cmpuint (fc_plan_layout_day_for_date (layout, &date), ==, day);
}

static guint
day_for (FcPlanLayout *layout,
         guint         year,
         guint         month,
         guint         mday)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, mday, month, year);
  return fc_plan_layout_day_for_date (layout, &date);
}

/* The payload as "meal@day meal@day ...", in its order. */
static char *
payload_string (JsonArray *payload)
{
  GString *out = g_string_new (NULL);

  g_assert_nonnull (payload);
  for (guint i = 0; i < json_array_get_length (payload); i++) {
    JsonObject *item = json_array_get_object_element (payload, i);
    gint64 meal, day;

    g_assert_true (fc_json_get_int (item, "meal", &meal));
    g_assert_true (fc_json_get_int (item, "day_of_plan", &day));
    g_assert_cmpuint (json_object_get_size (item), ==, 2);
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT "@%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            meal, day);
  }
  return g_string_free (out, FALSE);
}

static void
test_dates_year_end (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout ("{\"id\": 7, \"start_date\": \"2026-12-30\","
                                                " \"duration_days\": 4, \"scheduled_meals\": []}");
  GDate date;

  g_assert_cmpuint (fc_plan_layout_get_n_days (layout), ==, 4);
  assert_date (layout, 1, 2026, 12, 30);
  assert_date (layout, 2, 2026, 12, 31);
  assert_date (layout, 3, 2027, 1, 1);
  assert_date (layout, 4, 2027, 1, 2);

  /* Outside the plan on both sides, and day numbers out of range. */
  g_assert_cmpuint (day_for (layout, 2026, 12, 29), ==, 0);
  g_assert_cmpuint (day_for (layout, 2027, 1, 3), ==, 0);
  g_assert_cmpuint (day_for (layout, 2025, 12, 31), ==, 0);
  g_assert_false (fc_plan_layout_get_date (layout, 0, &date));
  g_assert_false (g_date_valid (&date));
  g_assert_false (fc_plan_layout_get_date (layout, 5, &date));
  g_assert_cmpuint (fc_plan_layout_get_n_entries (layout, 0), ==, 0);
  g_assert_cmpuint (fc_plan_layout_get_n_entries (layout, 5), ==, 0);
  g_assert_null (fc_plan_layout_get_entry (layout, 5, 0));
}

static void
test_dates_month_ends (void)
{
  g_autoptr(FcPlanLayout) leap = make_layout ("{\"start_date\": \"2024-02-27\", \"duration_days\": 4}");
  g_autoptr(FcPlanLayout) plain = make_layout ("{\"start_date\": \"2026-02-27\", \"duration_days\": 3}");
  g_autoptr(FcPlanLayout) april = make_layout ("{\"start_date\": \"2026-04-30\", \"duration_days\": 28}");

  assert_date (leap, 3, 2024, 2, 29);
  assert_date (leap, 4, 2024, 3, 1);
  assert_date (plain, 3, 2026, 3, 1);
  assert_date (april, 2, 2026, 5, 1);
  assert_date (april, 28, 2026, 5, 27);
  g_assert_cmpuint (day_for (april, 2026, 5, 28), ==, 0);
  g_assert_cmpuint (day_for (april, 2026, 4, 29), ==, 0);
  /* A plan with no id or name still has days. */
  g_assert_cmpint (fc_plan_layout_get_plan_id (april), ==, 0);
  g_assert_cmpstr (fc_plan_layout_get_name (april), ==, "");
}

static void
test_bad_dates (void)
{
  const char * const plans[] = {
    "{\"start_date\": \"2026-02-30\", \"duration_days\": 3}",
    "{\"start_date\": \"2026-2-3\", \"duration_days\": 3}",
    "{\"start_date\": \"2026-02-03T00:00\", \"duration_days\": 3}",
    "{\"start_date\": 20260203, \"duration_days\": 3}",
    "{\"start_date\": null, \"duration_days\": 3}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (plans); i++) {
    g_autoptr(FcPlanLayout) layout = make_layout (plans[i]);
    g_autofree char *ics = fc_plan_layout_to_ics (layout, NULL);
    GDate date;

    g_assert_cmpuint (fc_plan_layout_get_n_days (layout), ==, 3);
    g_assert_false (fc_plan_layout_get_date (layout, 1, &date));
    g_assert_cmpuint (day_for (layout, 2026, 2, 3), ==, 0);
    g_assert_null (strstr (ics, "BEGIN:VEVENT"));
  }
}

static const char week_plan[] =
  "{\"id\": 12, \"name\": \"Cut, week 1\", \"start_date\": \"2026-12-01\", \"duration_days\": 3,"
  " \"target_daily_calories\": 2000, \"target_daily_protein\": 150,"
  " \"target_daily_carbohydrates\": null,"
  " \"scheduled_meals\": ["
  "  {\"id\": 90, \"meal\": 6, \"day_of_plan\": 2},"
  "  {\"meal\": 3, \"day_of_plan\": 2},"
  "  {\"meal\": 5, \"day_of_plan\": 2},"
  "  {\"meal\": 1, \"day_of_plan\": 2},"
  "  {\"meal\": 4, \"day_of_plan\": 2},"
  "  {\"meal\": 2, \"day_of_plan\": 2},"
  "  {\"meal\": 1, \"day_of_plan\": 1},"
  "  {\"meal\": 99, \"day_of_plan\": 3},"
  "  {\"meal\": 2, \"day_of_plan\": 9},"
  "  {\"meal\": 2, \"day_of_plan\": 0},"
  "  {\"meal\": \"x\", \"day_of_plan\": 1},"
  "  {\"meal_detail\": {\"id\": 4}, \"day_of_plan\": 3}"
  " ]}";

static void
test_entries (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (week_plan);
  const gint64 day2[] = { 1, 2, 3, 5, 4, 6 };
  const FcPlanEntry *entry;

  g_assert_cmpint (fc_plan_layout_get_plan_id (layout), ==, 12);
  g_assert_cmpstr (fc_plan_layout_get_name (layout), ==, "Cut, week 1");

  /* Breakfast, lunch, dinner, snacks in the schedule's order, then others. */
  g_assert_cmpuint (fc_plan_layout_get_n_entries (layout, 2), ==, G_N_ELEMENTS (day2));
  for (guint i = 0; i < G_N_ELEMENTS (day2); i++)
    g_assert_cmpint (fc_plan_layout_get_entry (layout, 2, i)->meal_id, ==, day2[i]);
  g_assert_null (fc_plan_layout_get_entry (layout, 2, G_N_ELEMENTS (day2)));

  entry = fc_plan_layout_get_entry (layout, 2, 2);
  g_assert_cmpstr (entry->name, ==, "Salmon, rice; greens");
  g_assert_cmpstr (entry->category, ==, "Dinner");
  g_assert_cmpint (entry->meal_time, ==, FC_MEAL_TIME_DINNER);
  g_assert_cmpfloat (entry->values[FC_PLAN_MACRO_CALORIES], ==, 700);
  entry = fc_plan_layout_get_entry (layout, 2, 5);
  g_assert_null (entry->category);
  g_assert_cmpint (entry->meal_time, ==, FC_MEAL_TIME_OTHER);

  /* Day 1 on 1 December: the porridge; the row naming meal "x" is dropped. */
  g_assert_cmpuint (day_for (layout, 2026, 12, 1), ==, 1);
  g_assert_cmpuint (fc_plan_layout_get_n_entries (layout, 1), ==, 1);
  g_assert_cmpint (fc_plan_layout_get_entry (layout, 1, 0)->meal_id, ==, 1);
  g_assert_true (fc_plan_layout_day_has_meal (layout, 1, 1));
  g_assert_false (fc_plan_layout_day_has_meal (layout, 1, 2));

  /* Day 3: a meal the app has not got (no name, no values), then the apple
   * the server sent in full. */
  g_assert_cmpuint (fc_plan_layout_get_n_entries (layout, 3), ==, 2);
  entry = fc_plan_layout_get_entry (layout, 3, 0);
  g_assert_cmpint (entry->meal_id, ==, 4);
  entry = fc_plan_layout_get_entry (layout, 3, 1);
  g_assert_cmpint (entry->meal_id, ==, 99);
  g_assert_cmpstr (entry->name, ==, "");
  g_assert_cmpfloat (entry->values[FC_PLAN_MACRO_CALORIES], ==, 0);

  /* Days 9 and 0 are outside the three days: not shown, never lost. */
  g_assert_false (fc_plan_layout_day_has_meal (layout, 9, 2));
  g_assert_cmpuint (fc_plan_layout_get_n_entries (layout, 9), ==, 0);
}

static void
test_totals (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (week_plan);
  double target;

  /* 400 + 550.5 + 700 + 180 + 80 + 90 */
  g_assert_cmpfloat_with_epsilon (fc_plan_layout_get_total (layout, 2, FC_PLAN_MACRO_CALORIES),
                                  2000.5, 1e-9);
  /* The apple's protein is null: it counts as 0. */
  g_assert_cmpfloat_with_epsilon (fc_plan_layout_get_total (layout, 2, FC_PLAN_MACRO_PROTEIN),
                                  15 + 45 + 40 + 30 + 0 + 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (fc_plan_layout_get_total (layout, 2, FC_PLAN_MACRO_CARBOHYDRATES),
                                  60.5 + 20 + 70 + 8 + 21 + 15, 1e-9);
  g_assert_cmpfloat_with_epsilon (fc_plan_layout_get_total (layout, 2, FC_PLAN_MACRO_FAT),
                                  8 + 30 + 25 + 3 + 0.3 + 1, 1e-9);
  g_assert_cmpfloat (fc_plan_layout_get_total (layout, 1, FC_PLAN_MACRO_CALORIES), ==, 400);
  g_assert_cmpfloat (fc_plan_layout_get_total (layout, 3, FC_PLAN_MACRO_CALORIES), ==, 80);
  g_assert_cmpfloat (fc_plan_layout_get_total (layout, 4, FC_PLAN_MACRO_CALORIES), ==, 0);

  g_assert_true (fc_plan_layout_get_target (layout, FC_PLAN_MACRO_CALORIES, &target));
  g_assert_cmpfloat (target, ==, 2000);
  g_assert_true (fc_plan_layout_get_target (layout, FC_PLAN_MACRO_PROTEIN, &target));
  g_assert_cmpfloat (target, ==, 150);
  g_assert_false (fc_plan_layout_get_target (layout, FC_PLAN_MACRO_CARBOHYDRATES, &target));
  g_assert_false (fc_plan_layout_get_target (layout, FC_PLAN_MACRO_FAT, &target));

  g_assert_cmpint (fc_plan_layout_get_status (layout, 2, FC_PLAN_MACRO_CALORIES), ==, FC_PLAN_DAY_OK);
  /* 133 g against 150 g is 11 % short. */
  g_assert_cmpint (fc_plan_layout_get_status (layout, 2, FC_PLAN_MACRO_PROTEIN), ==, FC_PLAN_DAY_LOW);
  g_assert_cmpint (fc_plan_layout_get_status (layout, 1, FC_PLAN_MACRO_CALORIES), ==, FC_PLAN_DAY_LOW);
  g_assert_cmpint (fc_plan_layout_get_status (layout, 2, FC_PLAN_MACRO_CARBOHYDRATES), ==,
                   FC_PLAN_DAY_NO_TARGET);
  g_assert_cmpint (fc_plan_layout_get_status (layout, 2, FC_PLAN_MACRO_FAT), ==, FC_PLAN_DAY_NO_TARGET);
  g_assert_cmpint (fc_plan_layout_get_status (layout, 4, FC_PLAN_MACRO_CALORIES), ==,
                   FC_PLAN_DAY_NO_TARGET);
}

/* The status of a one-day plan whose only meal has @kcal of every macro,
 * against targets of @kcal_target for each. */
static FcPlanDayStatus
status_for (double       kcal,
            double       kcal_target,
            FcPlanMacro  macro)
{
  g_autofree char *plan_json = NULL;
  g_autofree char *meal_json = NULL;
  g_autoptr(JsonObject) plan = NULL;
  g_autoptr(JsonArray) meals = NULL;
  g_autoptr(FcPlanLayout) layout = NULL;
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (a, sizeof a, kcal);
  g_ascii_dtostr (b, sizeof b, kcal_target);
  plan_json = g_strdup_printf ("{\"start_date\": \"2026-01-01\", \"duration_days\": 1,"
                               " \"target_daily_calories\": %s, \"target_daily_protein\": %s,"
                               " \"target_daily_carbohydrates\": %s, \"target_daily_fat\": %s,"
                               " \"scheduled_meals\": [{\"meal\": 1, \"day_of_plan\": 1}]}",
                               b, b, b, b);
  meal_json = g_strdup_printf ("[{\"id\": 1, \"name\": \"M\", \"total_calories\": %s,"
                               " \"total_protein\": %s, \"total_carbohydrates\": %s,"
                               " \"total_fat\": %s}]", a, a, a, a);
  plan = parse_object (plan_json);
  meals = parse_array (meal_json);
  layout = fc_plan_layout_new (plan, meals);
  return fc_plan_layout_get_status (layout, 1, macro);
}

static void
test_status_thresholds (void)
{
  const struct {
    double          total, target;
    FcPlanDayStatus status;
  } cases[] = {
    { 2000, 2000, FC_PLAN_DAY_OK },
    { 1800, 2000, FC_PLAN_DAY_OK },       /* exactly -10 % */
    { 2200, 2000, FC_PLAN_DAY_OK },       /* exactly +10 % */
    { 1799.9, 2000, FC_PLAN_DAY_LOW },
    { 2200.1, 2000, FC_PLAN_DAY_HIGH },
    { 135, 150, FC_PLAN_DAY_OK },
    { 165, 150, FC_PLAN_DAY_OK },
    { 134.99, 150, FC_PLAN_DAY_LOW },
    { 165.01, 150, FC_PLAN_DAY_HIGH },
    { 63, 70, FC_PLAN_DAY_OK },           /* 70 × 0.9 */
    { 77, 70, FC_PLAN_DAY_OK },           /* 70 × 1.1 = 77.00000000000001 */
    { 11.7, 13, FC_PLAN_DAY_OK },         /* 13 × 0.9 is 11.700000000000001 in binary */
    { 18.9, 21, FC_PLAN_DAY_OK },
    { 11.69, 13, FC_PLAN_DAY_LOW },
    { 0.9, 1, FC_PLAN_DAY_OK },
    { 1.1, 1, FC_PLAN_DAY_OK },
    { 0, 2000, FC_PLAN_DAY_LOW },
    { 500, 0, FC_PLAN_DAY_NO_TARGET },    /* a zero target is no target */
    { 500, -5, FC_PLAN_DAY_NO_TARGET },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    for (FcPlanMacro m = 0; m < FC_PLAN_N_MACROS; m++) {
      FcPlanDayStatus status = status_for (cases[i].total, cases[i].target, m);

      if (status != cases[i].status)
        g_error ("total %g against %g (macro %d): status %d, expected %d", cases[i].total,
                 cases[i].target, m, status, cases[i].status);
    }
  }
}

static void
test_duration_from_schedule (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout ("{\"start_date\": \"2026-03-01\","
                                                " \"scheduled_meals\": ["
                                                "  {\"meal\": 1, \"day_of_plan\": 5},"
                                                "  {\"meal\": 2, \"day_of_plan\": 2}]}");
  g_autoptr(FcPlanLayout) none = make_layout ("{\"start_date\": \"2026-03-01\"}");

  g_assert_cmpuint (fc_plan_layout_get_n_days (layout), ==, 5);
  assert_date (layout, 5, 2026, 3, 5);
  g_assert_cmpuint (fc_plan_layout_get_n_days (none), ==, 0);
  g_assert_cmpuint (day_for (none, 2026, 3, 1), ==, 0);
}

static void
test_move (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (week_plan);
  g_autoptr(JsonArray) payload = fc_plan_layout_get_payload (layout);
  g_autofree char *before = payload_string (payload);
  g_autoptr(JsonArray) moved = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpstr (before, ==, "6@2 3@2 5@2 1@2 4@2 2@2 1@1 99@3 2@9 2@0 4@3");

  /* The salmon from day 2 to day 1: only its row changes, in place. */
  moved = fc_plan_layout_move_meal (layout, 3, 2, 1);
  text = payload_string (moved);
  g_assert_cmpstr (text, ==, "6@2 3@1 5@2 1@2 4@2 2@2 1@1 99@3 2@9 2@0 4@3");

  /* The layout itself is a snapshot: unchanged. */
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&payload, json_array_unref);
  payload = fc_plan_layout_get_payload (layout);
  text = payload_string (payload);
  g_assert_cmpstr (text, ==, before);
  g_assert_true (fc_plan_layout_day_has_meal (layout, 2, 3));

  /* Refused: onto a day that holds the meal already (the server refuses a
   * duplicate pair, and merging would lose one), from a day without it,
   * onto the same day, or out of the plan. */
  g_assert_null (fc_plan_layout_move_meal (layout, 1, 2, 1));
  g_assert_null (fc_plan_layout_move_meal (layout, 3, 1, 3));
  g_assert_null (fc_plan_layout_move_meal (layout, 3, 2, 2));
  g_assert_null (fc_plan_layout_move_meal (layout, 3, 2, 4));
  g_assert_null (fc_plan_layout_move_meal (layout, 3, 2, 0));

  /* A row outside the plan can be moved into it. */
  g_clear_pointer (&moved, json_array_unref);
  g_clear_pointer (&text, g_free);
  moved = fc_plan_layout_move_meal (layout, 2, 9, 3);
  text = payload_string (moved);
  g_assert_cmpstr (text, ==, "6@2 3@2 5@2 1@2 4@2 2@2 1@1 99@3 2@3 2@0 4@3");
}

static void
test_add_remove (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout (week_plan);
  g_autoptr(JsonArray) added = fc_plan_layout_add_meal (layout, 5, 1);
  g_autoptr(JsonArray) removed = fc_plan_layout_remove_meal (layout, 5, 2);
  g_autoptr(JsonArray) local = fc_plan_layout_add_meal (layout, -3, 3);
  g_autofree char *a = payload_string (added);
  g_autofree char *r = payload_string (removed);
  g_autofree char *l = payload_string (local);

  g_assert_cmpstr (a, ==, "6@2 3@2 5@2 1@2 4@2 2@2 1@1 99@3 2@9 2@0 4@3 5@1");
  g_assert_cmpstr (r, ==, "6@2 3@2 1@2 4@2 2@2 1@1 99@3 2@9 2@0 4@3");
  /* A local meal (negative id, not yet on the server) is scheduled as is. */
  g_assert_cmpstr (l, ==, "6@2 3@2 5@2 1@2 4@2 2@2 1@1 99@3 2@9 2@0 4@3 -3@3");

  g_assert_null (fc_plan_layout_add_meal (layout, 1, 1));      /* already there */
  g_assert_null (fc_plan_layout_add_meal (layout, 1, 4));      /* out of the plan */
  g_assert_null (fc_plan_layout_add_meal (layout, 1, 0));
  g_assert_null (fc_plan_layout_remove_meal (layout, 5, 1));   /* not there */
  g_assert_null (fc_plan_layout_remove_meal (layout, 7, 2));
}

/* Splits @ics on CRLF, checks every line is at most 75 octets of valid
 * UTF-8 with no bare CR or LF, and unfolds continuation lines. */
static GPtrArray *
unfold_ics (const char *ics)
{
  g_auto(GStrv) lines = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  gsize len = strlen (ics);

  g_assert_true (g_str_has_suffix (ics, "\r\n"));
  lines = g_strsplit (ics, "\r\n", -1);
  g_assert_cmpstr (lines[g_strv_length (lines) - 1], ==, "");
  for (guint i = 0; lines[i + 1] != NULL; i++) {
    const char *line = lines[i];

    g_assert_cmpuint (strlen (line), <=, 75);
    g_assert_null (strchr (line, '\n'));
    g_assert_null (strchr (line, '\r'));
    g_assert_true (g_utf8_validate (line, -1, NULL));
    if (line[0] == ' ') {
      char *joined;

      g_assert_cmpuint (out->len, >, 0);
      joined = g_strconcat (out->pdata[out->len - 1], line + 1, NULL);
      g_free (out->pdata[out->len - 1]);
      out->pdata[out->len - 1] = joined;
    } else {
      g_ptr_array_add (out, g_strdup (line));
    }
  }
  g_assert_cmpuint (len, >, 0);
  return out;
}

/* The unescaped value of a TEXT property. */
static char *
unescape (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++) {
    if (*p != '\\') {
      g_assert_true (*p != ',' && *p != ';');   /* never bare in TEXT */
      g_string_append_c (out, *p);
      continue;
    }
    p++;
    switch (*p) {
    case 'n': case 'N': g_string_append_c (out, '\n'); break;
    case '\\': case ',': case ';': g_string_append_c (out, *p); break;
    default: g_error ("bad escape \\%c in %s", *p, value);
    }
  }
  return g_string_free (out, FALSE);
}

static const char ics_plan[] =
  "{\"id\": 41, \"name\": \"New year; \\\"fresh\\\" start, \\\\ part 1\\nmore\","
  " \"start_date\": \"2026-12-31\", \"duration_days\": 3,"
  " \"scheduled_meals\": ["
  "  {\"meal\": 3, \"day_of_plan\": 1},"
  "  {\"meal\": 1, \"day_of_plan\": 1},"
  "  {\"meal\": 7, \"day_of_plan\": 2},"
  "  {\"meal\": 1, \"day_of_plan\": 3}"
  " ]}";

static void
test_ics (void)
{
  g_autoptr(JsonObject) plan = parse_object (ics_plan);
  g_autoptr(JsonArray) meals = parse_array (meals_json);
  g_autoptr(JsonObject) long_meal = parse_object (
    "{\"id\": 7, \"name\": \"Crème brûlée, à la façon de grand-mère; avec des fraises et "
    "du café crème — très bon\", \"meal_time_category\": \"snack\", \"total_calories\": 1234.4,"
    " \"total_protein\": 12, \"total_carbohydrates\": 150, \"total_fat\": 60}");
  g_autoptr(FcPlanLayout) layout = NULL;
  g_autofree char *ics = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GPtrArray) starts = g_ptr_array_new ();
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *calname = NULL;
  const char *description = NULL;
  guint begins = 0, ends = 0;
  gboolean folded = FALSE;

  json_array_add_object_element (meals, json_object_ref (long_meal));
  layout = fc_plan_layout_new (plan, meals);
  ics = fc_plan_layout_to_ics (layout, NULL);

  /* Folding happened somewhere, and only at whole characters. */
  for (const char *p = strstr (ics, "\r\n "); p != NULL; p = strstr (p + 1, "\r\n "))
    folded = TRUE;
  g_assert_true (folded);

  lines = unfold_ics (ics);
  g_assert_cmpstr (lines->pdata[0], ==, "BEGIN:VCALENDAR");
  g_assert_cmpstr (lines->pdata[lines->len - 1], ==, "END:VCALENDAR");
  g_assert_true (g_ptr_array_find_with_equal_func (lines, "VERSION:2.0", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (lines, "PRODID:-//FitCore//FitCore Desktop//EN",
                                                   g_str_equal, NULL));

  for (guint i = 0; i < lines->len; i++) {
    const char *line = lines->pdata[i];

    if (g_str_equal (line, "BEGIN:VEVENT"))
      begins++;
    else if (g_str_equal (line, "END:VEVENT"))
      ends++;
    else if (g_str_has_prefix (line, "UID:"))
      g_ptr_array_add (uids, (gpointer) (line + 4));
    else if (g_str_has_prefix (line, "DTSTART;VALUE=DATE:"))
      g_ptr_array_add (starts, (gpointer) (line + strlen ("DTSTART;VALUE=DATE:")));
    else if (g_str_has_prefix (line, "SUMMARY:"))
      g_ptr_array_add (summaries, unescape (line + 8));
    else if (g_str_has_prefix (line, "X-WR-CALNAME:"))
      calname = unescape (line + strlen ("X-WR-CALNAME:"));
    else if (g_str_has_prefix (line, "DESCRIPTION:") && description == NULL)
      description = line + strlen ("DESCRIPTION:");
    else if (g_str_has_prefix (line, "DTSTAMP:"))
      g_assert_cmpuint (strlen (line), ==, strlen ("DTSTAMP:20261231T120000Z"));
  }

  g_assert_cmpuint (begins, ==, 4);
  g_assert_cmpuint (ends, ==, 4);
  g_assert_cmpstr (calname, ==, "New year; \"fresh\" start, \\ part 1\nmore");

  /* One event per meal per day, the day's meals in meal-time order, across
   * the year's end. */
  g_assert_cmpuint (starts->len, ==, 4);
  g_assert_cmpstr (starts->pdata[0], ==, "20261231");
  g_assert_cmpstr (starts->pdata[1], ==, "20261231");
  g_assert_cmpstr (starts->pdata[2], ==, "20270101");
  g_assert_cmpstr (starts->pdata[3], ==, "20270102");
  g_assert_true (g_ptr_array_find_with_equal_func (lines, "DTEND;VALUE=DATE:20270101", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (lines, "DTEND;VALUE=DATE:20270103", g_str_equal, NULL));
  g_assert_cmpstr (summaries->pdata[0], ==, "Breakfast: Oat porridge");
  g_assert_cmpstr (summaries->pdata[1], ==, "Dinner: Salmon, rice; greens");
  g_assert_cmpstr (summaries->pdata[2], ==,
                   "Snack: Crème brûlée, à la façon de grand-mère; avec des fraises et du café "
                   "crème — très bon");
  g_assert_true (g_ptr_array_find_with_equal_func (lines, "SUMMARY:Dinner: Salmon\\, rice\\; greens",
                                                   g_str_equal, NULL));

  g_assert_true (g_ptr_array_find_with_equal_func (lines, "CATEGORIES:Breakfast", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (lines, "CATEGORIES:Snack", g_str_equal, NULL));

  /* kcal and macros on escaped lines. */
  g_assert_cmpstr (description, ==, "400 kcal\\nProtein 15 g\\nCarbohydrates 60 g\\nFat 8 g");

  /* UIDs: one an event, and the same in the next export. */
  g_assert_cmpstr (uids->pdata[0], ==, "fitcore-plan-41-day-1-meal-1@fitcore.local");
  for (guint i = 0; i < uids->len; i++) {
    for (guint j = i + 1; j < uids->len; j++)
      g_assert_cmpstr (uids->pdata[i], !=, uids->pdata[j]);
  }
  again = fc_plan_layout_to_ics (layout, "Other name");
  for (guint i = 0; i < uids->len; i++) {
    g_autofree char *uid_line = g_strconcat ("\r\nUID:", (char *) uids->pdata[i], "\r\n", NULL);

    g_assert_nonnull (strstr (again, uid_line));
  }
  g_assert_nonnull (strstr (again, "\r\nX-WR-CALNAME:Other name\r\n"));
}

/* The wire's codes sort as the day goes: breakfast, lunch, dinner, snack,
 * then pre- and post-workout meals, then anything else. */
static void
test_meal_time_order (void)
{
  g_autoptr(FcPlanLayout) layout = make_layout ("{\"start_date\": \"2026-06-01\", \"duration_days\": 1,"
                                                " \"scheduled_meals\": ["
                                                "  {\"meal\": 9, \"day_of_plan\": 1},"
                                                "  {\"meal\": 6, \"day_of_plan\": 1},"
                                                "  {\"meal\": 8, \"day_of_plan\": 1},"
                                                "  {\"meal\": 4, \"day_of_plan\": 1},"
                                                "  {\"meal\": 2, \"day_of_plan\": 1},"
                                                "  {\"meal\": 1, \"day_of_plan\": 1}]}");
  const gint64 order[] = { 1, 2, 4, 8, 9, 6 };
  const FcMealTime times[] = {
    FC_MEAL_TIME_BREAKFAST, FC_MEAL_TIME_LUNCH, FC_MEAL_TIME_SNACK,
    FC_MEAL_TIME_PRE_WORKOUT, FC_MEAL_TIME_POST_WORKOUT, FC_MEAL_TIME_OTHER,
  };

  g_assert_cmpuint (fc_plan_layout_get_n_entries (layout, 1), ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++) {
    g_assert_cmpint (fc_plan_layout_get_entry (layout, 1, i)->meal_id, ==, order[i]);
    g_assert_cmpint (fc_plan_layout_get_entry (layout, 1, i)->meal_time, ==, times[i]);
  }
  /* A meal with only kcal known has zero macros, not garbage. */
  g_assert_cmpfloat (fc_plan_layout_get_entry (layout, 1, 3)->values[FC_PLAN_MACRO_CALORIES], ==, 105);
  g_assert_cmpfloat (fc_plan_layout_get_entry (layout, 1, 3)->values[FC_PLAN_MACRO_FAT], ==, 0);
}

static void
test_labels (void)
{
  g_assert_cmpint (fc_meal_time_from_category ("BF"), ==, FC_MEAL_TIME_BREAKFAST);
  g_assert_cmpint (fc_meal_time_from_category ("DN"), ==, FC_MEAL_TIME_DINNER);
  g_assert_cmpint (fc_meal_time_from_category ("PRE"), ==, FC_MEAL_TIME_PRE_WORKOUT);
  g_assert_cmpint (fc_meal_time_from_category ("POST"), ==, FC_MEAL_TIME_POST_WORKOUT);
  g_assert_cmpint (fc_meal_time_from_category ("BREAKFAST"), ==, FC_MEAL_TIME_BREAKFAST);
  g_assert_cmpint (fc_meal_time_from_category ("lunch"), ==, FC_MEAL_TIME_LUNCH);
  g_assert_cmpint (fc_meal_time_from_category ("brunch"), ==, FC_MEAL_TIME_OTHER);
  g_assert_cmpint (fc_meal_time_from_category (NULL), ==, FC_MEAL_TIME_OTHER);
  g_assert_cmpstr (fc_meal_time_get_label (FC_MEAL_TIME_SNACK), ==, "Snack");
  g_assert_cmpstr (fc_meal_time_get_label (FC_MEAL_TIME_POST_WORKOUT), ==, "Post-workout");
  g_assert_cmpstr (fc_plan_macro_get_label (FC_PLAN_MACRO_CARBOHYDRATES), ==, "Carbohydrates");
}

static void
test_finalize (void)
{
  FcPlanLayout *layout = make_layout (week_plan);

  g_assert_finalize_object (layout);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calendar/layout/dates/year-end", test_dates_year_end);
  g_test_add_func ("/calendar/layout/dates/month-ends", test_dates_month_ends);
  g_test_add_func ("/calendar/layout/dates/bad", test_bad_dates);
  g_test_add_func ("/calendar/layout/duration-from-schedule", test_duration_from_schedule);
  g_test_add_func ("/calendar/layout/entries", test_entries);
  g_test_add_func ("/calendar/layout/totals", test_totals);
  g_test_add_func ("/calendar/layout/status-thresholds", test_status_thresholds);
  g_test_add_func ("/calendar/layout/move", test_move);
  g_test_add_func ("/calendar/layout/add-remove", test_add_remove);
  g_test_add_func ("/calendar/layout/ics", test_ics);
  g_test_add_func ("/calendar/layout/meal-time-order", test_meal_time_order);
  g_test_add_func ("/calendar/layout/labels", test_labels);
  g_test_add_func ("/calendar/layout/finalize", test_finalize);

  return g_test_run ();
}
