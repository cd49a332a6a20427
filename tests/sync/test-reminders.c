/* test-reminders.c — FcReminders on a fake clock: local times, DST, zones,
 * a sleep, the meal plan, and reminders kept in the settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No real time passes: each case moves the fake clock and calls
 * fc_reminders_check(), as the timer or a resume would.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "fc-json.h"
#include "fc-reminders.h"
#include "fc-reminders-plan.h"

static char *schema_dir;

typedef struct {
  gint64     real;
  gint64     monotonic;
  GTimeZone *zone;
} FakeClock;

typedef struct {
  char *id;
  char *title;
  char *body;
} Fired;

typedef struct {
  FakeClock    clock;
  GSettings   *settings;
  FcReminders *reminders;
  GPtrArray   *fired;
} Fixture;

static gint64
fake_real (gpointer user_data)
{
  return ((FakeClock *) user_data)->real;
}

static gint64
fake_monotonic (gpointer user_data)
{
  return ((FakeClock *) user_data)->monotonic;
}

static GTimeZone *
fake_zone (gpointer user_data)
{
  return g_time_zone_ref (((FakeClock *) user_data)->zone);
}

static const FcRemindersClock fake_clock = { fake_real, fake_monotonic, fake_zone };

static void
fired_free (Fired *fired)
{
  g_free (fired->id);
  g_free (fired->title);
  g_free (fired->body);
  g_free (fired);
}

static void
on_fired_cb (FcReminders   *reminders,
             const char    *id,
             const char    *title,
             const char    *body,
             GNotification *notification,
             Fixture       *fixture)
{
  Fired *fired = g_new0 (Fired, 1);

  g_assert_true (G_IS_NOTIFICATION (notification));
  fired->id = g_strdup (id);
  fired->title = g_strdup (title);
  fired->body = g_strdup (body);
  g_ptr_array_add (fixture->fired, fired);
}

static GSettings *
new_settings (GSettingsBackend *backend)
{
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;

  source = g_settings_schema_source_new_from_directory (schema_dir, NULL, TRUE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, APPLICATION_ID, FALSE);
  g_assert_nonnull (schema);
  return g_settings_new_full (schema, backend, NULL);
}

/* Microseconds since the epoch of a wall-clock time in @zone_name. */
static gint64
local_usec (const char *zone_name,
            int         year,
            int         month,
            int         day,
            int         hour,
            int         minute,
            int         second)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (zone_name);
  g_autoptr(GDateTime) dt = NULL;

  g_assert_nonnull (zone);
  dt = g_date_time_new (zone, year, month, day, hour, minute, second);
  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static gint64
utc_usec (int year,
          int month,
          int day,
          int hour,
          int minute)
{
  return local_usec ("UTC", year, month, day, hour, minute, 0);
}

/* "2026-03-29 03:00 +02" for @usec in @zone_name. */
static char *
format_local (const char *zone_name,
              gint64      usec)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (zone_name);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);

  return g_date_time_format (local, "%Y-%m-%d %H:%M %:::z");
}

static void
set_now (Fixture *fixture,
         gint64   usec)
{
  /* The monotonic clock moves with the wall clock unless a test says
   * otherwise: it does not jump. */
  fixture->clock.monotonic += usec - fixture->clock.real;
  fixture->clock.real = usec;
}

static void
set_zone (Fixture    *fixture,
          const char *zone_name)
{
  g_clear_pointer (&fixture->clock.zone, g_time_zone_unref);
  fixture->clock.zone = g_time_zone_new_identifier (zone_name);
  g_assert_nonnull (fixture->clock.zone);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  fixture->clock.real = utc_usec (2026, 1, 1, 0, 0);
  fixture->clock.monotonic = 1000 * G_USEC_PER_SEC;
  set_zone (fixture, data != NULL ? data : "Europe/Berlin");
  fixture->settings = new_settings (backend);
  fixture->reminders = fc_reminders_new (fixture->settings);
  fixture->fired = g_ptr_array_new_with_free_func ((GDestroyNotify) fired_free);
  g_signal_connect (fixture->reminders, "fired", G_CALLBACK (on_fired_cb), fixture);
  fc_reminders_set_clock (fixture->reminders, &fake_clock, &fixture->clock);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->reminders);
  g_assert_finalize_object (fixture->settings);
  g_clear_pointer (&fixture->fired, g_ptr_array_unref);
  g_clear_pointer (&fixture->clock.zone, g_time_zone_unref);
}

static const Fired *
fired_at (Fixture *fixture,
          guint    index)
{
  g_assert_cmpuint (index, <, fixture->fired->len);
  return g_ptr_array_index (fixture->fired, index);
}

/* Moves the clock just past the next fire (by @late seconds) and checks;
 * returns the fire time as local text. */
static char *
advance_to_next (Fixture    *fixture,
                 const char *zone_name,
                 int         late)
{
  gint64 next = fc_reminders_get_next_fire (fixture->reminders);

  g_assert_cmpint (next, >, fixture->clock.real);
  set_now (fixture, next + late * G_USEC_PER_SEC);
  fc_reminders_check (fixture->reminders);
  return format_local (zone_name, next);
}

static void
test_fires_once (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *expected_id = NULL;
  gint64 seven = local_usec ("Europe/Berlin", 2026, 3, 2, 7, 0, 0);

  set_now (fixture, local_usec ("Europe/Berlin", 2026, 3, 2, 6, 0, 0));
  fc_reminders_check (fixture->reminders);
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==, 0);
  g_assert_false (fc_reminders_get_has_enabled (fixture->reminders));

  id = fc_reminders_add (fixture->reminders, FC_REMINDER_WORKOUT, FC_REMINDER_EVERY_DAY, 7, 0);
  expected_id = g_strconcat ("reminder-", id, NULL);
  g_assert_true (fc_reminders_get_has_enabled (fixture->reminders));
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==, seven);

  /* The timer woke two seconds early: nothing yet. */
  set_now (fixture, seven - 2 * G_USEC_PER_SEC);
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 0);
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==, seven);

  /* Three seconds late: once. */
  set_now (fixture, seven + 3 * G_USEC_PER_SEC);
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 1);
  g_assert_cmpstr (fired_at (fixture, 0)->id, ==, expected_id);
  g_assert_cmpstr (fired_at (fixture, 0)->title, ==, "Time for Your Workout");

  /* A second wake-up in the same minute fires nothing more. */
  set_now (fixture, seven + 40 * G_USEC_PER_SEC);
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 1);
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==,
                   local_usec ("Europe/Berlin", 2026, 3, 3, 7, 0, 0));

  /* Disabled: no fire, nothing to keep the app running for. */
  {
    g_autoptr(GArray) list = fc_reminders_list (fixture->reminders);
    FcReminder *r = &g_array_index (list, FcReminder, 0);

    r->enabled = FALSE;
    g_assert_true (fc_reminders_update (fixture->reminders, r));
  }
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==, 0);
  g_assert_false (fc_reminders_get_has_enabled (fixture->reminders));
}

static void
test_days_of_week (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  /* Monday 2 March 2026, after 08:00: the next weigh-ins are Wednesday
   * and Saturday. */
  set_now (fixture, local_usec ("Europe/Berlin", 2026, 3, 2, 9, 0, 0));
  fc_reminders_check (fixture->reminders);
  g_free (fc_reminders_add (fixture->reminders, FC_REMINDER_WEIGH_IN,
                            FC_REMINDER_DAY (G_DATE_WEDNESDAY) | FC_REMINDER_DAY (G_DATE_SATURDAY),
                            8, 0));
  a = advance_to_next (fixture, "Europe/Berlin", 1);
  b = advance_to_next (fixture, "Europe/Berlin", 1);
  c = advance_to_next (fixture, "Europe/Berlin", 1);
  g_assert_cmpstr (a, ==, "2026-03-04 08:00 +01");
  g_assert_cmpstr (b, ==, "2026-03-07 08:00 +01");
  g_assert_cmpstr (c, ==, "2026-03-11 08:00 +01");
  g_assert_cmpuint (fixture->fired->len, ==, 3);
  g_assert_cmpstr (fired_at (fixture, 0)->title, ==, "Time to Weigh In");
}

/* Europe/Berlin: 29 March 2026 02:00 → 03:00, 25 October 03:00 → 02:00. */
static void
test_dst_berlin (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *expected_seven[] = {
    "2026-03-28 07:00 +01", "2026-03-29 07:00 +02", "2026-03-30 07:00 +02",
  };
  const char *expected_gap[] = {
    "2026-03-28 02:30 +01", "2026-03-29 03:00 +02", "2026-03-30 02:30 +02",
  };
  const char *expected_autumn_seven[] = {
    "2026-10-24 07:00 +02", "2026-10-25 07:00 +01", "2026-10-26 07:00 +01",
  };
  g_autofree char *seven_id = NULL;
  g_autofree char *gap_id = NULL;

  set_now (fixture, local_usec ("Europe/Berlin", 2026, 3, 27, 12, 0, 0));

  fc_reminders_check (fixture->reminders);
  seven_id = fc_reminders_add (fixture->reminders, FC_REMINDER_WORKOUT, FC_REMINDER_EVERY_DAY,
                               7, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected_seven); i++) {
    g_autofree char *at = advance_to_next (fixture, "Europe/Berlin", 0);
    g_assert_cmpstr (at, ==, expected_seven[i]);
  }
  g_assert_cmpuint (fixture->fired->len, ==, 3);
  g_assert_true (fc_reminders_remove (fixture->reminders, seven_id));

  /* 02:30 does not exist on the 29th: the first minute after the gap. */
  set_now (fixture, local_usec ("Europe/Berlin", 2026, 3, 27, 12, 0, 0));
  fc_reminders_check (fixture->reminders);
  gap_id = fc_reminders_add (fixture->reminders, FC_REMINDER_WEIGH_IN, FC_REMINDER_EVERY_DAY,
                             2, 30);
  for (guint i = 0; i < G_N_ELEMENTS (expected_gap); i++) {
    g_autofree char *at = advance_to_next (fixture, "Europe/Berlin", 0);
    g_assert_cmpstr (at, ==, expected_gap[i]);
  }
  g_assert_cmpuint (fixture->fired->len, ==, 6);

  /* 02:30 happens twice on 25 October: it fires at the first only, and a
   * wake-up at the second fires nothing. */
  set_now (fixture, local_usec ("Europe/Berlin", 2026, 10, 24, 12, 0, 0));
  fc_reminders_check (fixture->reminders);
  /* Seven months of 02:30 in one summary. */
  g_assert_cmpuint (fixture->fired->len, ==, 7);
  g_assert_cmpstr (fired_at (fixture, 6)->id, ==, "reminders-missed");
  {
    g_autofree char *at = advance_to_next (fixture, "Europe/Berlin", 0);
    g_assert_cmpstr (at, ==, "2026-10-25 02:30 +02");
  }
  g_assert_cmpuint (fixture->fired->len, ==, 8);
  set_now (fixture, utc_usec (2026, 10, 25, 1, 30) + G_USEC_PER_SEC);   /* 02:30 +01 */
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 8);
  {
    g_autofree char *next = format_local ("Europe/Berlin",
                                          fc_reminders_get_next_fire (fixture->reminders));
    g_assert_cmpstr (next, ==, "2026-10-26 02:30 +01");
  }
  g_assert_true (fc_reminders_remove (fixture->reminders, gap_id));

  g_free (fc_reminders_add (fixture->reminders, FC_REMINDER_WORKOUT, FC_REMINDER_EVERY_DAY, 7, 0));
  set_now (fixture, local_usec ("Europe/Berlin", 2026, 10, 23, 12, 0, 0));
  fc_reminders_check (fixture->reminders);
  for (guint i = 0; i < G_N_ELEMENTS (expected_autumn_seven); i++) {
    g_autofree char *at = advance_to_next (fixture, "Europe/Berlin", 0);
    g_assert_cmpstr (at, ==, expected_autumn_seven[i]);
  }
}

/* Sao Paulo has kept -03 all year since 2019; Sydney springs forward on
 * 4 October 2026 (02:00 → 03:00) and falls back on 5 April 2026. */
static void
test_southern_zones (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *sao = NULL;

  set_zone (fixture, "America/Sao_Paulo");
  set_now (fixture, utc_usec (2026, 6, 1, 12, 0));
  fc_reminders_check (fixture->reminders);
  g_free (fc_reminders_add (fixture->reminders, FC_REMINDER_WORKOUT, FC_REMINDER_EVERY_DAY,
                            18, 15));
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==,
                   utc_usec (2026, 6, 1, 21, 15));
  sao = advance_to_next (fixture, "America/Sao_Paulo", 0);
  g_assert_cmpstr (sao, ==, "2026-06-01 18:15 -03");

  g_settings_reset (fixture->settings, "reminders");
  set_zone (fixture, "Australia/Sydney");
  set_now (fixture, local_usec ("Australia/Sydney", 2026, 10, 3, 12, 0, 0));
  fc_reminders_check (fixture->reminders);
  g_free (fc_reminders_add (fixture->reminders, FC_REMINDER_WEIGH_IN, FC_REMINDER_EVERY_DAY,
                            2, 15));
  {
    g_autofree char *a = advance_to_next (fixture, "Australia/Sydney", 0);
    g_autofree char *b = advance_to_next (fixture, "Australia/Sydney", 0);
    g_autofree char *c = advance_to_next (fixture, "Australia/Sydney", 0);

    g_assert_cmpstr (a, ==, "2026-10-04 03:00 +11");
    g_assert_cmpstr (b, ==, "2026-10-05 02:15 +11");
    g_assert_cmpstr (c, ==, "2026-10-06 02:15 +11");
  }
  set_now (fixture, local_usec ("Australia/Sydney", 2026, 4, 3, 12, 0, 0));
  fc_reminders_check (fixture->reminders);
  {
    g_autofree char *a = advance_to_next (fixture, "Australia/Sydney", 0);
    g_autofree char *b = advance_to_next (fixture, "Australia/Sydney", 0);

    g_assert_cmpstr (a, ==, "2026-04-04 02:15 +11");
    /* 02:15 +11 and 02:15 +10 both exist on 5 April: the first. */
    g_assert_cmpstr (b, ==, "2026-04-05 02:15 +11");
  }
}

static void
test_zone_change (Fixture       *fixture,
                  gconstpointer  data)
{
  set_now (fixture, utc_usec (2026, 6, 1, 5, 0));
  fc_reminders_check (fixture->reminders);
  g_free (fc_reminders_add (fixture->reminders, FC_REMINDER_WORKOUT, FC_REMINDER_EVERY_DAY, 8, 0));
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==,
                   utc_usec (2026, 6, 1, 6, 0));

  /* Flown to New York: 08:00 there, re-armed by the check the zone
   * file's monitor runs. */
  set_zone (fixture, "America/New_York");
  fc_reminders_check (fixture->reminders);
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==,
                   utc_usec (2026, 6, 1, 12, 0));
  set_now (fixture, utc_usec (2026, 6, 1, 6, 1));
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 0);
  set_now (fixture, utc_usec (2026, 6, 1, 12, 0));
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 1);
}

static void
test_sleep_summary (Fixture       *fixture,
                    gconstpointer  data)
{
  gint64 monotonic;

  /* Sunday 7 June 2026, 22:00; the lid closes until Wednesday 09:00. */
  set_now (fixture, local_usec ("Europe/Berlin", 2026, 6, 7, 22, 0, 0));
  fc_reminders_check (fixture->reminders);
  g_free (fc_reminders_add (fixture->reminders, FC_REMINDER_WORKOUT, FC_REMINDER_EVERY_DAY, 7, 0));
  g_free (fc_reminders_add (fixture->reminders, FC_REMINDER_WEIGH_IN,
                            FC_REMINDER_DAY (G_DATE_FRIDAY), 8, 0));
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 0);

  /* The monotonic clock does not count the sleep. */
  monotonic = fixture->clock.monotonic;
  set_now (fixture, local_usec ("Europe/Berlin", 2026, 6, 10, 9, 0, 0));
  fixture->clock.monotonic = monotonic + G_USEC_PER_SEC;
  fc_reminders_check (fixture->reminders);

  g_assert_cmpuint (fixture->fired->len, ==, 1);
  g_assert_cmpstr (fired_at (fixture, 0)->id, ==, "reminders-missed");
  g_assert_cmpstr (fired_at (fixture, 0)->title, ==, "You missed 3 reminders while away");
  g_assert_cmpstr (fired_at (fixture, 0)->body, ==,
                   "Time for Your Workout (Mon 07:00), Time for Your Workout (Tue 07:00), "
                   "Time for Your Workout (Wed 07:00)");

  /* And the next is Thursday's, as usual. */
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==,
                   local_usec ("Europe/Berlin", 2026, 6, 11, 7, 0, 0));
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 1);

  /* One missed is just the reminder, late. */
  set_now (fixture, local_usec ("Europe/Berlin", 2026, 6, 11, 7, 45, 0));
  fc_reminders_check (fixture->reminders);
  g_assert_cmpuint (fixture->fired->len, ==, 2);
  g_assert_cmpstr (fired_at (fixture, 1)->title, ==, "Time for Your Workout");
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

static const char meals_json[] =
  "[{\"id\": 1, \"name\": \"Porridge\", \"meal_time_category\": \"BF\"},"
  " {\"id\": 2, \"name\": \"Soup\", \"meal_time_category\": \"LN\"},"
  " {\"id\": 3, \"name\": \"Stew\", \"meal_time_category\": \"DN\"}]";

static void
test_meals_follow_plan (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(FcRemindersPlan) plan = fc_reminders_plan_new (fixture->reminders);
  g_autoptr(JsonArray) meals = parse_array (meals_json);
  g_autoptr(JsonArray) plans = parse_array (
    "[{\"id\": 7, \"name\": \"June\", \"is_active\": true, \"start_date\": \"2026-06-01\","
    "  \"duration_days\": 7, \"scheduled_meals\": ["
    "    {\"meal\": 1, \"day_of_plan\": 1}, {\"meal\": 2, \"day_of_plan\": 1},"
    "    {\"meal\": 3, \"day_of_plan\": 2}]},"
    " {\"id\": 8, \"name\": \"Old\", \"is_active\": false, \"start_date\": \"2026-06-01\","
    "  \"duration_days\": 7, \"scheduled_meals\": [{\"meal\": 1, \"day_of_plan\": 2}]}]");
  g_autoptr(JsonArray) changed = parse_array (
    "[{\"id\": 7, \"name\": \"June\", \"is_active\": true, \"start_date\": \"2026-06-01\","
    "  \"duration_days\": 7, \"scheduled_meals\": ["
    "    {\"meal\": 1, \"day_of_plan\": 1}, {\"meal\": 2, \"day_of_plan\": 1},"
    "    {\"meal\": 1, \"day_of_plan\": 2}, {\"meal\": 3, \"day_of_plan\": 2}]}]");
  g_autoptr(JsonArray) cancelled = parse_array (
    "[{\"id\": 7, \"name\": \"June\", \"is_active\": false, \"start_date\": \"2026-06-01\","
    "  \"duration_days\": 7, \"scheduled_meals\": [{\"meal\": 1, \"day_of_plan\": 3}]}]");

  set_now (fixture, local_usec ("Europe/Berlin", 2026, 6, 1, 0, 0, 0));
  fc_reminders_check (fixture->reminders);
  fc_reminders_plan_set_plans (plan, plans, meals);
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==, 0);

  /* Breakfast and dinner on: lunch stays quiet. */
  fc_reminders_set_meal_enabled (fixture->reminders, "BF", TRUE);
  fc_reminders_set_meal_enabled (fixture->reminders, "DN", TRUE);
  g_assert_true (fc_reminders_get_meal_enabled (fixture->reminders, "DN"));
  g_assert_false (fc_reminders_get_meal_enabled (fixture->reminders, "LN"));
  {
    g_autofree char *a = advance_to_next (fixture, "Europe/Berlin", 0);
    g_assert_cmpstr (a, ==, "2026-06-01 08:00 +02");
  }
  g_assert_cmpuint (fixture->fired->len, ==, 1);
  g_assert_cmpstr (fired_at (fixture, 0)->id, ==, "reminder-meal-BF");
  g_assert_cmpstr (fired_at (fixture, 0)->title, ==, "Time for Breakfast");
  /* Day 2 has dinner only (the inactive plan's breakfast does not count). */
  {
    g_autofree char *next = format_local ("Europe/Berlin",
                                          fc_reminders_get_next_fire (fixture->reminders));
    g_assert_cmpstr (next, ==, "2026-06-02 19:00 +02");
  }

  /* The plan gains a breakfast on day 2: the next reminder moves. */
  fc_reminders_plan_set_plans (plan, changed, meals);
  {
    g_autofree char *next = format_local ("Europe/Berlin",
                                          fc_reminders_get_next_fire (fixture->reminders));
    g_assert_cmpstr (next, ==, "2026-06-02 08:00 +02");
  }

  /* Cancelled: no meal reminder left. */
  fc_reminders_plan_set_plans (plan, cancelled, meals);
  g_assert_cmpint (fc_reminders_get_next_fire (fixture->reminders), ==, 0);
  fc_reminders_set_meal_enabled (fixture->reminders, "BF", FALSE);
  fc_reminders_set_meal_enabled (fixture->reminders, "DN", FALSE);
  g_assert_false (fc_reminders_get_has_enabled (fixture->reminders));
}

static void
test_stored (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fitcore-reminders-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "settings.ini", NULL);
  g_autofree char *kept_id = NULL;
  g_autofree char *gone_id = NULL;

  {
    g_autoptr(GSettingsBackend) backend = g_keyfile_settings_backend_new (path, "/", NULL);
    g_autoptr(GSettings) settings = new_settings (backend);
    g_autoptr(FcReminders) reminders = fc_reminders_new (settings);
    g_autoptr(GArray) list = NULL;

    kept_id = fc_reminders_add (reminders, FC_REMINDER_WEIGH_IN,
                                FC_REMINDER_DAY (G_DATE_MONDAY) | FC_REMINDER_DAY (G_DATE_SUNDAY),
                                6, 45);
    gone_id = fc_reminders_add (reminders, FC_REMINDER_WORKOUT, FC_REMINDER_EVERY_DAY, 18, 0);
    g_assert_true (fc_reminders_remove (reminders, gone_id));
    g_assert_false (fc_reminders_remove (reminders, gone_id));
    g_free (fc_reminders_add (reminders, FC_REMINDER_WORKOUT, FC_REMINDER_DAY (G_DATE_TUESDAY),
                              19, 5));
    list = fc_reminders_list (reminders);
    g_array_index (list, FcReminder, 1).enabled = FALSE;
    g_assert_true (fc_reminders_update (reminders, &g_array_index (list, FcReminder, 1)));
    fc_reminders_set_meal_enabled (reminders, "LN", TRUE);
    g_settings_sync ();
  }

  /* As the next start of the app finds them. */
  {
    g_autoptr(GSettingsBackend) backend = g_keyfile_settings_backend_new (path, "/", NULL);
    g_autoptr(GSettings) settings = new_settings (backend);
    g_autoptr(FcReminders) reminders = fc_reminders_new (settings);
    g_autoptr(GArray) list = fc_reminders_list (reminders);
    const FcReminder *a;
    const FcReminder *b;

    g_assert_cmpuint (list->len, ==, 2);
    a = &g_array_index (list, FcReminder, 0);
    b = &g_array_index (list, FcReminder, 1);
    g_assert_cmpstr (a->id, ==, kept_id);
    g_assert_cmpint (a->kind, ==, FC_REMINDER_WEIGH_IN);
    g_assert_true (a->enabled);
    g_assert_cmpuint (a->days, ==, FC_REMINDER_DAY (1) | FC_REMINDER_DAY (7));
    g_assert_cmpuint (a->hour, ==, 6);
    g_assert_cmpuint (a->minute, ==, 45);
    g_assert_cmpint (b->kind, ==, FC_REMINDER_WORKOUT);
    g_assert_false (b->enabled);
    g_assert_cmpuint (b->days, ==, FC_REMINDER_DAY (2));
    g_assert_cmpuint (b->hour, ==, 19);
    g_assert_cmpuint (b->minute, ==, 5);
    g_assert_true (fc_reminders_get_meal_enabled (reminders, "LN"));
    g_assert_true (fc_reminders_get_has_enabled (reminders));
  }

  g_remove (path);
  g_rmdir (dir);
}

static void
compile_schema (void)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "glib-compile-schemas", "--strict", "--targetdir", NULL, SCHEMA_SRCDIR,
                         NULL };

  schema_dir = g_dir_make_tmp ("fitcore-schema-XXXXXX", &error);
  g_assert_no_error (error);
  argv[3] = schema_dir;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

int
main (int   argc,
      char *argv[])
{
  int result;
  g_autofree char *compiled = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  compile_schema ();

  g_test_add ("/reminders/fires-once", Fixture, NULL, fixture_set_up, test_fires_once,
              fixture_tear_down);
  g_test_add ("/reminders/days-of-week", Fixture, NULL, fixture_set_up, test_days_of_week,
              fixture_tear_down);
  g_test_add ("/reminders/dst/europe-berlin", Fixture, NULL, fixture_set_up, test_dst_berlin,
              fixture_tear_down);
  g_test_add ("/reminders/dst/sao-paulo-and-sydney", Fixture, NULL, fixture_set_up,
              test_southern_zones, fixture_tear_down);
  g_test_add ("/reminders/zone-change", Fixture, NULL, fixture_set_up, test_zone_change,
              fixture_tear_down);
  g_test_add ("/reminders/sleep-summary", Fixture, NULL, fixture_set_up, test_sleep_summary,
              fixture_tear_down);
  g_test_add ("/reminders/meals-follow-plan", Fixture, NULL, fixture_set_up,
              test_meals_follow_plan, fixture_tear_down);
  g_test_add_func ("/reminders/stored", test_stored);

  result = g_test_run ();

  compiled = g_build_filename (schema_dir, "gschemas.compiled", NULL);
  g_remove (compiled);
  g_rmdir (schema_dir);
  g_free (schema_dir);
  return result;
}
