/* test-health-units.c — units shown, typed and converted (src/health/fc-health-units.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The constants below are written out here from their definitions (the
 * international pound of 1959, the inch of 2.54 cm, the US fluid ounce of
 * 1/128 US gallon of 231 in³, glucose's 180.156 g/mol), not taken from the
 * code under test. The comma locale is compiled by localedef into a private
 * LOCPATH, since these machines have only C.UTF-8 installed.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fc-health-units.h"

#define LB_KG 0.45359237
#define IN_CM 2.54
#define MI_M (5280 * 12 * IN_CM / 100)
#define FL_OZ_ML (231 * pow (IN_CM, 3) / 128)
#define GLUCOSE_G_PER_MOL 180.156

static void
assert_close (double a, double b, double tolerance)
{
  if (fabs (a - b) > tolerance)
    g_error ("%.9g is not %.9g (± %g)", a, b, tolerance);
}

static void
test_conversions (void)
{
  /* 11 st 6 lb is 160 lb */
  assert_close (fc_health_unit_to_canonical (FC_HEALTH_UNIT_LB, "weight", 160), 160 * LB_KG, 1e-9);
  assert_close (fc_health_unit_to_canonical (FC_HEALTH_UNIT_ST_LB, "weight", 11 + 6 / 14.0),
                160 * LB_KG, 1e-9);
  assert_close (fc_health_unit_from_canonical (FC_HEALTH_UNIT_LB, "weight", 70), 70 / LB_KG, 1e-9);
  assert_close (fc_health_unit_to_canonical (FC_HEALTH_UNIT_FT_IN, "height", 6), 72 * IN_CM, 1e-9);
  assert_close (fc_health_unit_to_canonical (FC_HEALTH_UNIT_MI, "distance", 1), MI_M, 1e-9);
  assert_close (fc_health_unit_to_canonical (FC_HEALTH_UNIT_KM, "distance", 5.2), 5200, 1e-9);
  assert_close (fc_health_unit_to_canonical (FC_HEALTH_UNIT_FL_OZ, "water", 8), 8 * FL_OZ_ML, 1e-9);
  /* 100 mg/dL of glucose: 1000 mg/L / 180.156 mg/mmol */
  assert_close (fc_health_unit_to_canonical (FC_HEALTH_UNIT_MG_DL, "blood_glucose", 100),
                1000 / GLUCOSE_G_PER_MOL, 1e-9);
  assert_close (fc_health_unit_from_canonical (FC_HEALTH_UNIT_MG_DL, "blood_glucose", 5.5),
                5.5 * GLUCOSE_G_PER_MOL / 10, 1e-9);
  assert_close (fc_health_unit_to_canonical (FC_HEALTH_UNIT_CANONICAL, "steps", 8432), 8432, 0);

  /* A unit of another type is no conversion at all */
  g_assert_true (isnan (fc_health_unit_to_canonical (FC_HEALTH_UNIT_LB, "height", 1)));
  g_assert_true (isnan (fc_health_unit_from_canonical (FC_HEALTH_UNIT_MI, "weight", 1)));

  /* The wire's table agrees with the same constants */
  {
    const FcHealthTypeInfo *weight = fc_health_type_info_lookup ("weight");
    const FcHealthTypeInfo *glucose = fc_health_type_info_lookup ("blood_glucose");
    const FcHealthTypeInfo *water = fc_health_type_info_lookup ("water");
    const FcHealthTypeInfo *distance = fc_health_type_info_lookup ("distance");

    assert_close (fc_health_unit_info_lookup (weight, "LBS")->factor, LB_KG, 1e-12);
    assert_close (fc_health_unit_info_lookup (weight, "st")->factor, 14 * LB_KG, 1e-9);
    assert_close (fc_health_unit_info_lookup (glucose, "mg/dl")->factor, 10 / GLUCOSE_G_PER_MOL, 1e-12);
    assert_close (fc_health_unit_info_lookup (water, "fl_oz")->factor, FL_OZ_ML, 1e-9);
    assert_close (fc_health_unit_info_lookup (distance, "mi")->factor, MI_M, 1e-9);
    g_assert_null (fc_health_unit_info_lookup (weight, "furlong"));
    assert_close (fc_health_parse_feet_inches ("5'11\""), 71, 0);
    assert_close (fc_health_parse_feet_inches ("6 ft"), 72, 0);
    g_assert_cmpfloat (fc_health_parse_feet_inches ("tall"), <, 0);
  }
}

static void
test_round_trips (void)
{
  const struct { const char *type; FcHealthUnit unit; } pairs[] = {
    { "weight", FC_HEALTH_UNIT_KG }, { "weight", FC_HEALTH_UNIT_LB }, { "weight", FC_HEALTH_UNIT_ST_LB },
    { "height", FC_HEALTH_UNIT_CM }, { "height", FC_HEALTH_UNIT_FT_IN },
    { "distance", FC_HEALTH_UNIT_KM }, { "distance", FC_HEALTH_UNIT_M }, { "distance", FC_HEALTH_UNIT_MI },
    { "blood_glucose", FC_HEALTH_UNIT_MMOL_L }, { "blood_glucose", FC_HEALTH_UNIT_MG_DL },
    { "water", FC_HEALTH_UNIT_ML }, { "water", FC_HEALTH_UNIT_FL_OZ },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++) {
    const FcHealthTypeInfo *type = fc_health_type_info_lookup (pairs[i].type);

    for (guint k = 0; k <= 100; k++) {
      double canonical = type->min + (type->max - type->min) * k / 100.0;
      double shown = fc_health_unit_from_canonical (pairs[i].unit, type->name, canonical);

      assert_close (fc_health_unit_to_canonical (pairs[i].unit, type->name, shown), canonical,
                    1e-9 * MAX (1, canonical));
    }
  }

  /* What is formatted for an entry parses back to the value at the
   * unit's precision */
  setlocale (LC_ALL, "C.UTF-8");
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++) {
    const FcHealthTypeInfo *type = fc_health_type_info_lookup (pairs[i].type);
    double values[] = { type->min + 0.37 * (type->max - type->min), type->max * 0.11 + 1 };

    for (guint k = 0; k < G_N_ELEMENTS (values); k++) {
      g_autofree char *text = fc_health_format_number (type->name, pairs[i].unit, values[k]);
      g_autofree char *again = NULL;
      g_autoptr(GError) error = NULL;
      double parsed = 0;

      g_assert_true (fc_health_parse_value (type->name, pairs[i].unit, text, &parsed, &error));
      g_assert_no_error (error);
      again = fc_health_format_number (type->name, pairs[i].unit, parsed);
      g_assert_cmpstr (again, ==, text);
    }
  }
}

/* The wire's ranges, from docs/health-wire.md's table */
static void
test_ranges (void)
{
  const struct { const char *type; const char *unit; double min, max; gboolean whole, sum; } wire[] = {
    { "weight", "kg", 1, 650, FALSE, FALSE },
    { "body_fat", "%", 1, 75, FALSE, FALSE },
    { "bmi", "kg/m2", 5, 150, FALSE, FALSE },
    { "height", "cm", 30, 280, FALSE, FALSE },
    { "steps", "count", 0, 200000, TRUE, TRUE },
    { "distance", "m", 0, 1000000, FALSE, TRUE },
    { "active_energy", "kcal", 0, 20000, FALSE, TRUE },
    { "heart_rate", "bpm", 20, 300, FALSE, FALSE },
    { "resting_heart_rate", "bpm", 20, 200, FALSE, FALSE },
    { "sleep", "min", 0, 1440, FALSE, TRUE },
    { "water", "ml", 0, 20000, FALSE, TRUE },
    { "blood_pressure_systolic", "mmHg", 40, 300, FALSE, FALSE },
    { "blood_pressure_diastolic", "mmHg", 20, 200, FALSE, FALSE },
    { "blood_glucose", "mmol/L", 0.5, 60, FALSE, FALSE },
    { "workout_minutes", "min", 0, 1440, FALSE, TRUE },
  };
  const FcHealthTypeInfo *types = fc_health_type_infos ();
  guint n = 0;

  while (types[n].name != NULL)
    n++;
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (wire));
  for (guint i = 0; i < G_N_ELEMENTS (wire); i++) {
    const FcHealthTypeInfo *type = fc_health_type_info_lookup (wire[i].type);

    g_assert_nonnull (type);
    g_assert_cmpstr (type->unit, ==, wire[i].unit);
    g_assert_cmpfloat (type->min, ==, wire[i].min);
    g_assert_cmpfloat (type->max, ==, wire[i].max);
    g_assert_cmpint (type->whole, ==, wire[i].whole);
    g_assert_cmpint (type->summable, ==, wire[i].sum);
  }

  setlocale (LC_ALL, "C.UTF-8");
  {
    g_autoptr(GError) error = NULL;
    double value = 0;

    /* 2.2 lb is 0.998 kg: below the range, and the message's bound is
     * one that is accepted when typed back */
    g_assert_false (fc_health_parse_value ("weight", FC_HEALTH_UNIT_LB, "2.2", &value, &error));
    g_assert_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_RANGE);
    g_assert_cmpstr (error->message, ==, "Enter a weight between 2.3 lb and 1433 lb.");
    g_clear_error (&error);
    g_assert_true (fc_health_parse_value ("weight", FC_HEALTH_UNIT_LB, "2.3", &value, &error));
    g_assert_true (fc_health_parse_value ("weight", FC_HEALTH_UNIT_LB, "1433", &value, &error));
    g_assert_false (fc_health_parse_value ("weight", FC_HEALTH_UNIT_LB, "1433.1", &value, &error));
    g_clear_error (&error);

    g_assert_true (fc_health_parse_value ("weight", FC_HEALTH_UNIT_KG, "650", &value, &error));
    assert_close (value, 650, 0);
    g_assert_false (fc_health_parse_value ("weight", FC_HEALTH_UNIT_KG, "650.1", &value, &error));
    g_assert_cmpstr (error->message, ==, "Enter a weight between 1 kg and 650 kg.");
    g_clear_error (&error);

    /* mmol/L typed as mg/dL is how the ranges catch unit mix-ups */
    g_assert_false (fc_health_parse_value ("blood_glucose", FC_HEALTH_UNIT_MMOL_L, "95", &value, &error));
    g_assert_cmpstr (error->message, ==, "Enter a blood glucose between 0.5 mmol/L and 60 mmol/L.");
    g_clear_error (&error);
    g_assert_true (fc_health_parse_value ("blood_glucose", FC_HEALTH_UNIT_MG_DL, "95", &value, &error));
    assert_close (value, 950 / GLUCOSE_G_PER_MOL, 1e-9);

    g_assert_false (fc_health_parse_value ("steps", FC_HEALTH_UNIT_CANONICAL, "10.5", &value, &error));
    g_assert_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_NOT_WHOLE);
    g_clear_error (&error);
    g_assert_false (fc_health_parse_value ("heart_rate", FC_HEALTH_UNIT_CANONICAL, "  ", &value, &error));
    g_assert_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_EMPTY);
    g_clear_error (&error);
    g_assert_false (fc_health_parse_value ("heart_rate", FC_HEALTH_UNIT_CANONICAL, "6o", &value, &error));
    g_assert_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_NOT_A_NUMBER);
    g_assert_cmpstr (error->message, ==, "“6o” is not a number.");
    g_clear_error (&error);
  }
}

static void
test_parse_c (void)
{
  const struct { const char *type; FcHealthUnit unit; const char *text; double canonical; } ok[] = {
    { "weight", FC_HEALTH_UNIT_KG, "72.5", 72.5 },
    { "weight", FC_HEALTH_UNIT_KG, "72.5 kg", 72.5 },
    { "weight", FC_HEALTH_UNIT_KG, " 72.5KG ", 72.5 },
    /* no grouping separator in C: a comma can only be a decimal one */
    { "weight", FC_HEALTH_UNIT_KG, "72,5", 72.5 },
    { "weight", FC_HEALTH_UNIT_LB, "160 lb", 160 * LB_KG },
    { "weight", FC_HEALTH_UNIT_ST_LB, "11 st 6 lb", 160 * LB_KG },
    { "weight", FC_HEALTH_UNIT_ST_LB, "11st 6", 160 * LB_KG },
    { "weight", FC_HEALTH_UNIT_ST_LB, "11 6", 160 * LB_KG },
    { "weight", FC_HEALTH_UNIT_ST_LB, "11 st", 154 * LB_KG },
    { "weight", FC_HEALTH_UNIT_ST_LB, "11 st 6.5 lb", 160.5 * LB_KG },
    { "height", FC_HEALTH_UNIT_FT_IN, "5'11\"", 71 * IN_CM },
    { "height", FC_HEALTH_UNIT_FT_IN, "5 ft 11 in", 71 * IN_CM },
    { "height", FC_HEALTH_UNIT_FT_IN, "5 11", 71 * IN_CM },
    { "height", FC_HEALTH_UNIT_FT_IN, "6 ft", 72 * IN_CM },
    { "distance", FC_HEALTH_UNIT_MI, "3.1 mi", 3.1 * MI_M },
    { "sleep", FC_HEALTH_UNIT_CANONICAL, "7 h 32 min", 452 },
    { "sleep", FC_HEALTH_UNIT_CANONICAL, "7h32", 452 },
    { "sleep", FC_HEALTH_UNIT_CANONICAL, "7:32", 452 },
    { "sleep", FC_HEALTH_UNIT_CANONICAL, "452", 452 },
    { "steps", FC_HEALTH_UNIT_CANONICAL, "8432 steps", 8432 },
    { "body_fat", FC_HEALTH_UNIT_CANONICAL, "21.5%", 21.5 },
  };
  const struct { const char *type; FcHealthUnit unit; const char *text; } bad[] = {
    { "weight", FC_HEALTH_UNIT_KG, "72.5.1" },
    { "weight", FC_HEALTH_UNIT_KG, "72 lb" },
    { "weight", FC_HEALTH_UNIT_KG, ".5" },
    { "weight", FC_HEALTH_UNIT_KG, "72." },
    { "weight", FC_HEALTH_UNIT_ST_LB, "11 st 15 lb" },
    { "height", FC_HEALTH_UNIT_FT_IN, "5 ft 12 in" },
    { "height", FC_HEALTH_UNIT_FT_IN, "tall" },
    { "sleep", FC_HEALTH_UNIT_CANONICAL, "7 h 75 min" },
  };

  setlocale (LC_ALL, "C.UTF-8");
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++) {
    g_autoptr(GError) error = NULL;
    double value = -1;

    if (!fc_health_parse_value (ok[i].type, ok[i].unit, ok[i].text, &value, &error))
      g_error ("“%s”: %s", ok[i].text, error->message);
    assert_close (value, ok[i].canonical, 1e-9);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GError) error = NULL;
    double value = -1;

    if (fc_health_parse_value (bad[i].type, bad[i].unit, bad[i].text, &value, &error))
      g_error ("“%s” was read as %g", bad[i].text, value);
    g_assert_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_NOT_A_NUMBER);
  }
}

static void
test_format_c (void)
{
  const struct { const char *type; FcHealthUnit unit; double canonical; const char *text; } cases[] = {
    { "weight", FC_HEALTH_UNIT_KG, 72.5, "72.5 kg" },
    { "weight", FC_HEALTH_UNIT_KG, 72.04, "72 kg" },
    { "weight", FC_HEALTH_UNIT_LB, 160 * LB_KG, "160 lb" },
    { "weight", FC_HEALTH_UNIT_ST_LB, 160 * LB_KG, "11 st 6 lb" },
    /* 13.97 lb rounds to 14.0: the next stone */
    { "weight", FC_HEALTH_UNIT_ST_LB, (11 * 14 + 13.97) * LB_KG, "12 st 0 lb" },
    { "height", FC_HEALTH_UNIT_FT_IN, 180, "5 ft 11 in" },
    { "height", FC_HEALTH_UNIT_CM, 180, "180 cm" },
    { "distance", FC_HEALTH_UNIT_KM, 5234, "5.23 km" },
    { "distance", FC_HEALTH_UNIT_MI, 5000, "3.11 mi" },
    { "blood_glucose", FC_HEALTH_UNIT_MG_DL, 5.5, "99 mg/dL" },
    { "blood_glucose", FC_HEALTH_UNIT_MMOL_L, 5.56, "5.6 mmol/L" },
    { "water", FC_HEALTH_UNIT_FL_OZ, 500, "16.9 fl oz" },
    { "sleep", FC_HEALTH_UNIT_CANONICAL, 452, "7 h 32 min" },
    { "sleep", FC_HEALTH_UNIT_CANONICAL, 45, "45 min" },
    { "sleep", FC_HEALTH_UNIT_CANONICAL, 480, "8 h" },
    { "steps", FC_HEALTH_UNIT_CANONICAL, 8432, "8432 steps" },
    { "body_fat", FC_HEALTH_UNIT_CANONICAL, 21.54, "21.5%" },
    { "bmi", FC_HEALTH_UNIT_CANONICAL, 23.44, "23.4" },
    { "active_energy", FC_HEALTH_UNIT_CANONICAL, 512.4, "512 kcal" },
    { "heart_rate", FC_HEALTH_UNIT_CANONICAL, 61.6, "62 bpm" },
  };

  setlocale (LC_ALL, "C.UTF-8");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *text = fc_health_format_value (cases[i].type, cases[i].unit, cases[i].canonical);

    g_assert_cmpstr (text, ==, cases[i].text);
  }
}

/* Compiles @name (as "de_DE") into @dir with localedef; FALSE if it cannot */
static gboolean
make_locale (const char *dir,
             const char *name)
{
  g_autofree char *target = g_strdup_printf ("%s/%s.UTF-8", dir, name);
  const char *argv[] = { "localedef", "-i", name, "-f", "UTF-8", target, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  /* localedef exits 1 for warnings and still writes the locale */
  return g_file_test (target, G_FILE_TEST_IS_DIR);
}

static char *locale_dir;

static gboolean
use_locale (const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s.UTF-8", name);
  g_autofree char *path = NULL;

  if (locale_dir == NULL) {
    locale_dir = g_dir_make_tmp ("fc-locales-XXXXXX", NULL);
    g_assert_nonnull (locale_dir);
    g_setenv ("LOCPATH", locale_dir, TRUE);
  }
  path = g_build_filename (locale_dir, full, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR)) {
    if (!make_locale (locale_dir, name))
      return FALSE;
  }
  return setlocale (LC_ALL, full) != NULL;
}

static void
test_comma_locale (void)
{
  g_autoptr(GError) error = NULL;
  double value = 0;

  if (!use_locale ("de_DE")) {
    g_test_skip ("localedef could not make de_DE.UTF-8");
    return;
  }

  g_assert_true (fc_health_parse_value ("weight", FC_HEALTH_UNIT_KG, "72,5", &value, &error));
  g_assert_no_error (error);
  assert_close (value, 72.5, 1e-12);
  g_assert_true (fc_health_parse_value ("weight", FC_HEALTH_UNIT_KG, "72,5 kg", &value, &error));
  assert_close (value, 72.5, 1e-12);
  /* '.' groups thousands in German, but "72.5" cannot be grouping */
  g_assert_true (fc_health_parse_value ("weight", FC_HEALTH_UNIT_KG, "72.5", &value, &error));
  assert_close (value, 72.5, 1e-12);
  g_assert_true (fc_health_parse_value ("steps", FC_HEALTH_UNIT_CANONICAL, "12.500", &value, &error));
  assert_close (value, 12500, 0);
  g_assert_true (fc_health_parse_value ("water", FC_HEALTH_UNIT_ML, "1.234,5", &value, &error));
  assert_close (value, 1234.5, 1e-9);
  g_assert_false (fc_health_parse_value ("weight", FC_HEALTH_UNIT_KG, "72,5,1", &value, &error));
  g_assert_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_NOT_A_NUMBER);
  g_clear_error (&error);

  {
    g_autofree char *weight = fc_health_format_value ("weight", FC_HEALTH_UNIT_KG, 72.5);
    g_autofree char *steps = fc_health_format_value ("steps", FC_HEALTH_UNIT_CANONICAL, 12500);
    g_autofree char *entry = fc_health_format_number ("weight", FC_HEALTH_UNIT_KG, 72.5);

    g_assert_cmpstr (weight, ==, "72,5 kg");
    g_assert_cmpstr (steps, ==, "12.500 steps");
    g_assert_cmpstr (entry, ==, "72,5");
  }
  g_assert_cmpint (fc_health_unit_system_default (), ==, FC_HEALTH_UNIT_SYSTEM_METRIC);
  setlocale (LC_ALL, "C.UTF-8");
}

static void
test_us_locale (void)
{
  g_autoptr(GError) error = NULL;
  double value = 0;

  if (!use_locale ("en_US")) {
    g_test_skip ("localedef could not make en_US.UTF-8");
    return;
  }
  /* nl_langinfo's measurement, since setlocale () was called */
  g_assert_cmpint (fc_health_unit_system_default (), ==, FC_HEALTH_UNIT_SYSTEM_IMPERIAL);
  g_assert_cmpint (fc_health_unit_system_from_preference ("auto"), ==, FC_HEALTH_UNIT_SYSTEM_IMPERIAL);
  g_assert_cmpint (fc_health_unit_system_from_preference ("metric"), ==, FC_HEALTH_UNIT_SYSTEM_METRIC);

  g_assert_true (fc_health_parse_value ("steps", FC_HEALTH_UNIT_CANONICAL, "12,500", &value, &error));
  assert_close (value, 12500, 0);
  /* a comma that cannot be grouping is the European decimal comma */
  g_assert_true (fc_health_parse_value ("weight", FC_HEALTH_UNIT_KG, "72,5", &value, &error));
  assert_close (value, 72.5, 1e-12);
  {
    g_autofree char *steps = fc_health_format_value ("steps", FC_HEALTH_UNIT_CANONICAL, 12500);

    g_assert_cmpstr (steps, ==, "12,500 steps");
  }
  setlocale (LC_ALL, "C.UTF-8");
}

static void
test_systems (void)
{
  g_assert_cmpint (fc_health_unit_system_for_locale ("en_US.UTF-8"), ==, FC_HEALTH_UNIT_SYSTEM_IMPERIAL);
  g_assert_cmpint (fc_health_unit_system_for_locale ("en_LR"), ==, FC_HEALTH_UNIT_SYSTEM_IMPERIAL);
  g_assert_cmpint (fc_health_unit_system_for_locale ("my_MM.UTF-8@x"), ==, FC_HEALTH_UNIT_SYSTEM_IMPERIAL);
  g_assert_cmpint (fc_health_unit_system_for_locale ("en_GB.UTF-8"), ==, FC_HEALTH_UNIT_SYSTEM_METRIC);
  g_assert_cmpint (fc_health_unit_system_for_locale ("de_DE"), ==, FC_HEALTH_UNIT_SYSTEM_METRIC);
  g_assert_cmpint (fc_health_unit_system_for_locale ("C"), ==, FC_HEALTH_UNIT_SYSTEM_METRIC);
  g_assert_cmpint (fc_health_unit_system_for_locale ("es_USA"), ==, FC_HEALTH_UNIT_SYSTEM_METRIC);

  /* Never set: the environment's choice */
  setlocale (LC_ALL, "C");
  g_setenv ("LC_ALL", "en_US.UTF-8", TRUE);
  g_assert_cmpint (fc_health_unit_system_default (), ==, FC_HEALTH_UNIT_SYSTEM_IMPERIAL);
  g_assert_cmpint (fc_health_unit_system_from_preference (NULL), ==, FC_HEALTH_UNIT_SYSTEM_IMPERIAL);
  g_assert_cmpint (fc_health_unit_system_from_preference ("metric"), ==, FC_HEALTH_UNIT_SYSTEM_METRIC);
  g_setenv ("LC_ALL", "fr_FR.UTF-8", TRUE);
  g_assert_cmpint (fc_health_unit_system_default (), ==, FC_HEALTH_UNIT_SYSTEM_METRIC);
  g_assert_cmpint (fc_health_unit_system_from_preference ("imperial"), ==, FC_HEALTH_UNIT_SYSTEM_IMPERIAL);
  g_unsetenv ("LC_ALL");

  g_assert_cmpint (fc_health_unit_default_for_type ("weight", FC_HEALTH_UNIT_SYSTEM_IMPERIAL), ==, FC_HEALTH_UNIT_LB);
  g_assert_cmpint (fc_health_unit_default_for_type ("height", FC_HEALTH_UNIT_SYSTEM_IMPERIAL), ==, FC_HEALTH_UNIT_FT_IN);
  g_assert_cmpint (fc_health_unit_default_for_type ("distance", FC_HEALTH_UNIT_SYSTEM_METRIC), ==, FC_HEALTH_UNIT_KM);
  g_assert_cmpint (fc_health_unit_default_for_type ("blood_glucose", FC_HEALTH_UNIT_SYSTEM_IMPERIAL), ==, FC_HEALTH_UNIT_MG_DL);
  g_assert_cmpint (fc_health_unit_default_for_type ("water", FC_HEALTH_UNIT_SYSTEM_IMPERIAL), ==, FC_HEALTH_UNIT_FL_OZ);
  g_assert_cmpint (fc_health_unit_default_for_type ("steps", FC_HEALTH_UNIT_SYSTEM_IMPERIAL), ==, FC_HEALTH_UNIT_CANONICAL);
  {
    guint n = 0;
    const FcHealthUnit *choices = fc_health_units_for_type ("weight", &n);

    g_assert_cmpuint (n, ==, 3);
    g_assert_cmpint (choices[2], ==, FC_HEALTH_UNIT_ST_LB);
    fc_health_units_for_type ("heart_rate", &n);
    g_assert_cmpuint (n, ==, 1);
  }
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/health/units/conversions", test_conversions);
  g_test_add_func ("/health/units/round-trips", test_round_trips);
  g_test_add_func ("/health/units/ranges", test_ranges);
  g_test_add_func ("/health/units/parse", test_parse_c);
  g_test_add_func ("/health/units/format", test_format_c);
  g_test_add_func ("/health/units/comma-locale", test_comma_locale);
  g_test_add_func ("/health/units/us-locale", test_us_locale);
  g_test_add_func ("/health/units/systems", test_systems);

  ret = g_test_run ();
  if (locale_dir != NULL) {
    const char *rm[] = { "rm", "-rf", locale_dir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return ret;
}
