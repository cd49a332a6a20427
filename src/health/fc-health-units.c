/* fc-health-units.c — health types, their units, and what a person reads and types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-units"

#include "config.h"

#include "fc-health-units.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
#include <langinfo.h>
#endif

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (fc-health-units-error-quark, fc_health_units_error)

/* The ranges are what a body can plausibly show, per point: wide enough
 * for an athlete or a patient, narrow enough to catch a unit mix-up (a
 * weight in grams, glucose in mg/dL sent as mmol/L). fitcore-server checks
 * points against this table too. */
static const FcHealthTypeInfo types[] = {
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
  { NULL }
};

/* The units each type takes on the wire, as a factor to its canonical
 * unit. "ft_in" is special: a height written 5'11" (or 5 ft 11 in). */
static const FcHealthUnitInfo units[] = {
  { "weight", "kg", 1 },
  { "weight", "g", 0.001 },
  { "weight", "lb", 0.45359237 },
  { "weight", "lbs", 0.45359237 },
  { "weight", "st", 6.35029318 },
  { "body_fat", "%", 1 },
  { "bmi", "kg/m2", 1 },
  { "bmi", "count", 1 },          /* Apple Health's unit for BMI */
  { "height", "cm", 1 },
  { "height", "m", 100 },
  { "height", "mm", 0.1 },
  { "height", "in", 2.54 },
  { "height", "ft", 30.48 },
  { "height", "ft_in", 2.54 },    /* the value is a string: 5'11" */
  { "steps", "count", 1 },
  { "steps", "steps", 1 },
  { "distance", "m", 1 },
  { "distance", "km", 1000 },
  { "distance", "mi", 1609.344 },
  { "distance", "ft", 0.3048 },
  { "distance", "yd", 0.9144 },
  { "active_energy", "kcal", 1 },
  { "active_energy", "Cal", 1 },
  { "active_energy", "kJ", 1 / 4.184 },
  { "heart_rate", "bpm", 1 },
  { "heart_rate", "count/min", 1 },
  { "resting_heart_rate", "bpm", 1 },
  { "resting_heart_rate", "count/min", 1 },
  { "sleep", "min", 1 },
  { "sleep", "h", 60 },
  { "sleep", "s", 1 / 60.0 },
  { "water", "ml", 1 },
  { "water", "l", 1000 },
  { "water", "fl_oz", 29.5735295625 },   /* US */
  { "blood_pressure_systolic", "mmHg", 1 },
  { "blood_pressure_systolic", "kPa", 7.50061683 },
  { "blood_pressure_diastolic", "mmHg", 1 },
  { "blood_pressure_diastolic", "kPa", 7.50061683 },
  { "blood_glucose", "mmol/L", 1 },
  { "blood_glucose", "mg/dL", 1 / 18.0156 },  /* glucose: 180.156 g/mol */
  { "workout_minutes", "min", 1 },
  { "workout_minutes", "h", 60 },
  { "workout_minutes", "s", 1 / 60.0 },
};

#define KG_PER_LB 0.45359237
#define LB_PER_ST 14
#define CM_PER_IN 2.54
#define IN_PER_FT 12
#define M_PER_MI 1609.344
#define ML_PER_FL_OZ 29.5735295625
#define MG_DL_PER_MMOL_L 18.0156

const FcHealthTypeInfo *
fc_health_type_infos (void)
{
  return types;
}

const FcHealthTypeInfo *
fc_health_type_info_lookup (const char *name)
{
  for (guint i = 0; name != NULL && types[i].name != NULL; i++) {
    if (strcmp (types[i].name, name) == 0)
      return &types[i];
  }
  return NULL;
}

const FcHealthUnitInfo *
fc_health_unit_info_lookup (const FcHealthTypeInfo *type,
                            const char             *unit)
{
  g_return_val_if_fail (type != NULL, NULL);

  for (guint i = 0; unit != NULL && i < G_N_ELEMENTS (units); i++) {
    if (strcmp (units[i].type, type->name) == 0 && g_ascii_strcasecmp (units[i].unit, unit) == 0)
      return &units[i];
  }
  return NULL;
}

char *
fc_health_unit_info_names (const FcHealthTypeInfo *type)
{
  g_autoptr(GString) names = g_string_new (NULL);

  g_return_val_if_fail (type != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (units); i++) {
    if (strcmp (units[i].type, type->name) != 0)
      continue;
    if (names->len > 0)
      g_string_append (names, ", ");
    g_string_append (names, units[i].unit);
  }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

double
fc_health_parse_feet_inches (const char *text)
{
  double feet = 0, inches = 0;
  char *end;

  g_return_val_if_fail (text != NULL, -1);

  feet = g_ascii_strtod (text, &end);
  if (end == text || !isfinite (feet) || feet < 0)
    return -1;
  while (*end == ' ')
    end++;
  if (*end == '\'')
    end++;
  else if (g_str_has_prefix (end, "ft"))
    end += 2;
  else
    return -1;
  while (*end == ' ')
    end++;
  if (*end != '\0') {
    const char *start = end;

    inches = g_ascii_strtod (start, &end);
    if (end == start || !isfinite (inches) || inches < 0 || inches >= 12)
      return -1;
    while (*end == ' ')
      end++;
    if (*end == '"')
      end++;
    else if (g_str_has_prefix (end, "''"))
      end += 2;
    else if (g_str_has_prefix (end, "in"))
      end += 2;
    else
      return -1;
    if (*end != '\0')
      return -1;
  }
  return feet * 12 + inches;
}

/* ----- The measurement system ----- */

FcHealthUnitSystem
fc_health_unit_system_for_locale (const char *locale)
{
  const char *territory;
  gsize len;

  if (locale == NULL)
    return FC_HEALTH_UNIT_SYSTEM_METRIC;
  /* language[_territory][.codeset][@modifier] */
  territory = strchr (locale, '_');
  if (territory == NULL)
    return FC_HEALTH_UNIT_SYSTEM_METRIC;
  territory++;
  len = strcspn (territory, ".@");
  /* Liberia and Myanmar measure as the United States do, as glibc's
   * LC_MEASUREMENT data says too. */
  if (len == 2 && (strncmp (territory, "US", 2) == 0 || strncmp (territory, "LR", 2) == 0 ||
                   strncmp (territory, "MM", 2) == 0))
    return FC_HEALTH_UNIT_SYSTEM_IMPERIAL;
  return FC_HEALTH_UNIT_SYSTEM_METRIC;
}

static gboolean
is_c_locale (const char *name)
{
  return name == NULL || *name == '\0' || strcmp (name, "C") == 0 || strcmp (name, "POSIX") == 0 ||
         g_str_has_prefix (name, "C.");
}

FcHealthUnitSystem
fc_health_unit_system_default (void)
{
  const char *current = setlocale (LC_MEASUREMENT, NULL);
  const char *env_names[] = { "LC_ALL", "LC_MEASUREMENT", "LANG" };

  if (!is_c_locale (current)) {
#ifdef __GLIBC__
    /* 1 is metric, 2 the US customary units */
    const char *measurement = nl_langinfo (_NL_MEASUREMENT_MEASUREMENT);

    if (measurement != NULL && (measurement[0] == 1 || measurement[0] == 2))
      return measurement[0] == 2 ? FC_HEALTH_UNIT_SYSTEM_IMPERIAL : FC_HEALTH_UNIT_SYSTEM_METRIC;
#endif
    return fc_health_unit_system_for_locale (current);
  }

  /* A program that never called setlocale () runs in "C" whatever the
   * person chose: their choice is still in the environment. */
  for (guint i = 0; i < G_N_ELEMENTS (env_names); i++) {
    const char *value = g_getenv (env_names[i]);

    if (value != NULL && *value != '\0')
      return fc_health_unit_system_for_locale (value);
  }
  return FC_HEALTH_UNIT_SYSTEM_METRIC;
}

FcHealthUnitSystem
fc_health_unit_system_from_preference (const char *preference)
{
  if (g_strcmp0 (preference, "metric") == 0)
    return FC_HEALTH_UNIT_SYSTEM_METRIC;
  if (g_strcmp0 (preference, "imperial") == 0)
    return FC_HEALTH_UNIT_SYSTEM_IMPERIAL;
  return fc_health_unit_system_default ();
}

/* ----- Display units ----- */

typedef struct {
  const char   *type;
  FcHealthUnit  metric;
  FcHealthUnit  imperial;
  FcHealthUnit  choices[4];   /* ended by the first CANONICAL after the first */
} TypeUnits;

static const TypeUnits type_units[] = {
  { "weight", FC_HEALTH_UNIT_KG, FC_HEALTH_UNIT_LB,
    { FC_HEALTH_UNIT_KG, FC_HEALTH_UNIT_LB, FC_HEALTH_UNIT_ST_LB } },
  { "height", FC_HEALTH_UNIT_CM, FC_HEALTH_UNIT_FT_IN, { FC_HEALTH_UNIT_CM, FC_HEALTH_UNIT_FT_IN } },
  { "distance", FC_HEALTH_UNIT_KM, FC_HEALTH_UNIT_MI,
    { FC_HEALTH_UNIT_KM, FC_HEALTH_UNIT_M, FC_HEALTH_UNIT_MI } },
  { "blood_glucose", FC_HEALTH_UNIT_MMOL_L, FC_HEALTH_UNIT_MG_DL,
    { FC_HEALTH_UNIT_MMOL_L, FC_HEALTH_UNIT_MG_DL } },
  { "water", FC_HEALTH_UNIT_ML, FC_HEALTH_UNIT_FL_OZ, { FC_HEALTH_UNIT_ML, FC_HEALTH_UNIT_FL_OZ } },
};

static const TypeUnits *
type_units_lookup (const char *data_type)
{
  for (guint i = 0; data_type != NULL && i < G_N_ELEMENTS (type_units); i++) {
    if (strcmp (type_units[i].type, data_type) == 0)
      return &type_units[i];
  }
  return NULL;
}

FcHealthUnit
fc_health_unit_default_for_type (const char         *data_type,
                                 FcHealthUnitSystem  system)
{
  const TypeUnits *tu = type_units_lookup (data_type);

  if (tu == NULL)
    return FC_HEALTH_UNIT_CANONICAL;
  return system == FC_HEALTH_UNIT_SYSTEM_IMPERIAL ? tu->imperial : tu->metric;
}

const FcHealthUnit *
fc_health_units_for_type (const char *data_type,
                          guint      *n_units)
{
  static const FcHealthUnit canonical[] = { FC_HEALTH_UNIT_CANONICAL };
  const TypeUnits *tu = type_units_lookup (data_type);
  guint n = 1;

  if (tu == NULL) {
    if (n_units != NULL)
      *n_units = 1;
    return canonical;
  }
  while (n < G_N_ELEMENTS (tu->choices) && tu->choices[n] != FC_HEALTH_UNIT_CANONICAL)
    n++;
  if (n_units != NULL)
    *n_units = n;
  return tu->choices;
}

/* Whether @unit belongs to @data_type */
static gboolean
unit_fits (FcHealthUnit  unit,
           const char   *data_type)
{
  const FcHealthUnit *choices;
  guint n;

  if (unit == FC_HEALTH_UNIT_CANONICAL)
    return TRUE;
  choices = fc_health_units_for_type (data_type, &n);
  for (guint i = 0; i < n; i++) {
    if (choices[i] == unit)
      return TRUE;
  }
  return FALSE;
}

const char *
fc_health_unit_symbol (FcHealthUnit  unit,
                       const char   *data_type)
{
  const FcHealthTypeInfo *type;

  switch (unit) {
  case FC_HEALTH_UNIT_KG: return "kg";
  case FC_HEALTH_UNIT_LB: return "lb";
  case FC_HEALTH_UNIT_ST_LB: return "st";
  case FC_HEALTH_UNIT_CM: return "cm";
  case FC_HEALTH_UNIT_FT_IN: return "ft";
  case FC_HEALTH_UNIT_M: return "m";
  case FC_HEALTH_UNIT_KM: return "km";
  case FC_HEALTH_UNIT_MI: return "mi";
  case FC_HEALTH_UNIT_MMOL_L: return "mmol/L";
  case FC_HEALTH_UNIT_MG_DL: return "mg/dL";
  case FC_HEALTH_UNIT_ML: return "ml";
  case FC_HEALTH_UNIT_FL_OZ: return "fl oz";
  case FC_HEALTH_UNIT_CANONICAL:
  default:
    break;
  }
  type = fc_health_type_info_lookup (data_type);
  if (type == NULL)
    return "";
  if (strcmp (type->name, "steps") == 0)
    return "steps";
  if (strcmp (type->name, "bmi") == 0)
    return "";
  if (strcmp (type->unit, "kg/m2") == 0)
    return "kg/m²";
  return type->unit;
}

const char *
fc_health_unit_label (FcHealthUnit  unit,
                      const char   *data_type)
{
  switch (unit) {
  case FC_HEALTH_UNIT_KG: return _("Kilograms (kg)");
  case FC_HEALTH_UNIT_LB: return _("Pounds (lb)");
  case FC_HEALTH_UNIT_ST_LB: return _("Stones and pounds (st, lb)");
  case FC_HEALTH_UNIT_CM: return _("Centimetres (cm)");
  case FC_HEALTH_UNIT_FT_IN: return _("Feet and inches (ft, in)");
  case FC_HEALTH_UNIT_M: return _("Metres (m)");
  case FC_HEALTH_UNIT_KM: return _("Kilometres (km)");
  case FC_HEALTH_UNIT_MI: return _("Miles (mi)");
  case FC_HEALTH_UNIT_MMOL_L: return _("Millimoles per litre (mmol/L)");
  case FC_HEALTH_UNIT_MG_DL: return _("Milligrams per decilitre (mg/dL)");
  case FC_HEALTH_UNIT_ML: return _("Millilitres (ml)");
  case FC_HEALTH_UNIT_FL_OZ: return _("US fluid ounces (fl oz)");
  case FC_HEALTH_UNIT_CANONICAL:
  default:
    return fc_health_unit_symbol (unit, data_type);
  }
}

/* How much of the canonical unit one of @unit is */
static double
unit_factor (FcHealthUnit unit)
{
  switch (unit) {
  case FC_HEALTH_UNIT_LB: return KG_PER_LB;
  case FC_HEALTH_UNIT_ST_LB: return KG_PER_LB * LB_PER_ST;
  case FC_HEALTH_UNIT_FT_IN: return CM_PER_IN * IN_PER_FT;
  case FC_HEALTH_UNIT_KM: return 1000;
  case FC_HEALTH_UNIT_MI: return M_PER_MI;
  case FC_HEALTH_UNIT_MG_DL: return 1 / MG_DL_PER_MMOL_L;
  case FC_HEALTH_UNIT_FL_OZ: return ML_PER_FL_OZ;
  case FC_HEALTH_UNIT_CANONICAL:
  case FC_HEALTH_UNIT_KG:
  case FC_HEALTH_UNIT_CM:
  case FC_HEALTH_UNIT_M:
  case FC_HEALTH_UNIT_MMOL_L:
  case FC_HEALTH_UNIT_ML:
  default:
    return 1;
  }
}

double
fc_health_unit_from_canonical (FcHealthUnit  unit,
                               const char   *data_type,
                               double        canonical)
{
  if (!unit_fits (unit, data_type))
    return NAN;
  return canonical / unit_factor (unit);
}

double
fc_health_unit_to_canonical (FcHealthUnit  unit,
                             const char   *data_type,
                             double        value)
{
  if (!unit_fits (unit, data_type))
    return NAN;
  return value * unit_factor (unit);
}

/* ----- Numbers in the locale's way ----- */

typedef struct {
  char decimal[8];
  char group[8];
} NumberSyntax;

static void
number_syntax (NumberSyntax *syntax)
{
  const struct lconv *lc = localeconv ();

  g_strlcpy (syntax->decimal, lc->decimal_point != NULL && *lc->decimal_point != '\0' ?
                              lc->decimal_point : ".", sizeof syntax->decimal);
  g_strlcpy (syntax->group, lc->thousands_sep != NULL ? lc->thousands_sep : "",
             sizeof syntax->group);
}

/* @value with at most @decimals decimals, trailing zeros dropped, digits
 * grouped by three from 10,000 on (as most style guides do: "2500 steps"
 * but "12,500 steps"), in the locale's syntax. */
static void
append_number (GString *out,
               double   value,
               guint    decimals)
{
  NumberSyntax syntax;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 32];
  char format[16];
  char *point, *digits;
  gsize int_len;

  number_syntax (&syntax);
  g_snprintf (format, sizeof format, "%%.%uf", decimals);
  g_ascii_formatd (buffer, sizeof buffer, format, value);
  /* "-0" from a value that rounds to zero */
  if (buffer[0] == '-' && strspn (buffer + 1, "0.") == strlen (buffer + 1))
    memmove (buffer, buffer + 1, strlen (buffer));

  point = strchr (buffer, '.');
  if (point != NULL) {
    char *end = point + strlen (point);

    while (end > point + 1 && end[-1] == '0')
      end--;
    if (end == point + 1)
      end = point;
    *end = '\0';
  }

  digits = buffer[0] == '-' ? buffer + 1 : buffer;
  if (digits != buffer)
    g_string_append_c (out, '-');
  int_len = point != NULL && *point != '\0' ? (gsize) (point - digits) : strlen (digits);
  for (gsize i = 0; i < int_len; i++) {
    g_string_append_c (out, digits[i]);
    if (int_len >= 5 && *syntax.group != '\0' && i + 1 < int_len && (int_len - i - 1) % 3 == 0)
      g_string_append (out, syntax.group);
  }
  if (point != NULL && *point == '.') {
    g_string_append (out, syntax.decimal);
    g_string_append (out, point + 1);
  }
}

/* How many decimals a value in @unit of @type is shown with */
static guint
unit_decimals (FcHealthUnit  unit,
               const char   *data_type)
{
  switch (unit) {
  case FC_HEALTH_UNIT_KG:
  case FC_HEALTH_UNIT_LB:
  case FC_HEALTH_UNIT_ST_LB:    /* of its pounds */
  case FC_HEALTH_UNIT_CM:
  case FC_HEALTH_UNIT_MMOL_L:
  case FC_HEALTH_UNIT_FL_OZ:
    return 1;
  case FC_HEALTH_UNIT_KM:
  case FC_HEALTH_UNIT_MI:
    return 2;
  case FC_HEALTH_UNIT_FT_IN:    /* whole inches */
  case FC_HEALTH_UNIT_M:
  case FC_HEALTH_UNIT_MG_DL:
  case FC_HEALTH_UNIT_ML:
    return 0;
  case FC_HEALTH_UNIT_CANONICAL:
  default:
    break;
  }
  if (g_strcmp0 (data_type, "weight") == 0 || g_strcmp0 (data_type, "body_fat") == 0 ||
      g_strcmp0 (data_type, "bmi") == 0 || g_strcmp0 (data_type, "height") == 0 ||
      g_strcmp0 (data_type, "blood_glucose") == 0)
    return 1;
  return 0;
}

static gboolean
is_duration (const char *data_type)
{
  return g_strcmp0 (data_type, "sleep") == 0 || g_strcmp0 (data_type, "workout_minutes") == 0;
}

/* @value is in @unit; @with_symbols FALSE gives what an entry shows */
static char *
format_display (const char   *data_type,
                FcHealthUnit  unit,
                double        value,
                gboolean      with_symbols)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *symbol;

  if (!isfinite (value))
    return g_strdup ("—");

  if (unit == FC_HEALTH_UNIT_ST_LB) {
    /* in tenths of a pound, so that 13.96 lb carries to the next stone */
    gint64 tenths = (gint64) llround (value * LB_PER_ST * 10);
    gint64 st = tenths / (LB_PER_ST * 10);

    append_number (out, (double) st, 0);
    g_string_append (out, with_symbols ? " st " : " ");
    append_number (out, (tenths - st * LB_PER_ST * 10) / 10.0, 1);
    if (with_symbols)
      g_string_append (out, " lb");
    return g_string_free (g_steal_pointer (&out), FALSE);
  }
  if (unit == FC_HEALTH_UNIT_FT_IN) {
    gint64 inches = (gint64) llround (value * IN_PER_FT);

    append_number (out, (double) (inches / IN_PER_FT), 0);
    g_string_append (out, with_symbols ? " ft " : " ");
    append_number (out, (double) (inches % IN_PER_FT), 0);
    if (with_symbols)
      g_string_append (out, " in");
    return g_string_free (g_steal_pointer (&out), FALSE);
  }
  if (unit == FC_HEALTH_UNIT_CANONICAL && is_duration (data_type) && with_symbols) {
    gint64 minutes = (gint64) llround (value);

    if (minutes >= 60) {
      append_number (out, (double) (minutes / 60), 0);
      g_string_append (out, " h");
      if (minutes % 60 != 0) {
        g_string_append_c (out, ' ');
        append_number (out, (double) (minutes % 60), 0);
        g_string_append (out, " min");
      }
    } else {
      append_number (out, (double) minutes, 0);
      g_string_append (out, " min");
    }
    return g_string_free (g_steal_pointer (&out), FALSE);
  }

  append_number (out, value, unit_decimals (unit, data_type));
  symbol = fc_health_unit_symbol (unit, data_type);
  if (with_symbols && *symbol != '\0') {
    if (strcmp (symbol, "%") != 0)
      g_string_append_c (out, ' ');
    g_string_append (out, symbol);
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
fc_health_format_value (const char   *data_type,
                        FcHealthUnit  unit,
                        double        canonical)
{
  return format_display (data_type, unit,
                         fc_health_unit_from_canonical (unit, data_type, canonical), TRUE);
}

char *
fc_health_format_number (const char   *data_type,
                         FcHealthUnit  unit,
                         double        canonical)
{
  return format_display (data_type, unit,
                         fc_health_unit_from_canonical (unit, data_type, canonical), FALSE);
}

/* ----- Parsing ----- */

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t' || g_str_has_prefix (p, "\u00a0") || g_str_has_prefix (p, "\u202f")) {
    if (*p == ' ' || *p == '\t')
      p++;
    else
      p += strlen (g_str_has_prefix (p, "\u00a0") ? "\u00a0" : "\u202f");
  }
  return p;
}

typedef enum { MARK_DECIMAL, MARK_GROUP, MARK_OTHER } MarkKind;

/* A number at @text in the locale's syntax (see fc_health_parse_value ());
 * @out_end after it. FALSE when no number starts there or its separators
 * make no sense. */
static gboolean
parse_number (const char  *text,
              double      *out_value,
              const char **out_end)
{
  NumberSyntax syntax;
  g_autoptr(GString) digits = g_string_new (NULL);
  struct { MarkKind kind; gsize at; } marks[32];
  guint n_marks = 0, n_decimal = 0, n_group = 0, n_other = 0;
  gsize group_len = 0;
  const char *p = text;
  gboolean negative = FALSE;
  gssize point_at = -1;
  char *end;

  number_syntax (&syntax);
  /* A grouping space in fr_FR is U+202F; people type a plain space, but a
   * space also separates st from lb, so only the locale's own character
   * groups. */
  group_len = strlen (syntax.group);

  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    p++;
  } else if (g_str_has_prefix (p, "\u2212")) {
    negative = TRUE;
    p += strlen ("\u2212");
  }

  for (;;) {
    MarkKind kind;
    gsize len;

    if (g_ascii_isdigit (*p)) {
      g_string_append_c (digits, *p++);
      continue;
    }
    if (g_str_has_prefix (p, syntax.decimal)) {
      kind = MARK_DECIMAL;
      len = strlen (syntax.decimal);
    } else if (group_len > 0 && strncmp (p, syntax.group, group_len) == 0) {
      kind = MARK_GROUP;
      len = group_len;
    } else if (*p == '.' || *p == ',') {
      kind = MARK_OTHER;
      len = 1;
    } else {
      break;
    }
    /* a separator must sit between digits */
    if (digits->len == 0 || !g_ascii_isdigit (p[len]) || n_marks == G_N_ELEMENTS (marks))
      return FALSE;
    marks[n_marks].kind = kind;
    marks[n_marks].at = digits->len;
    n_marks++;
    p += len;
  }
  if (digits->len == 0)
    return FALSE;

  for (guint i = 0; i < n_marks; i++) {
    if (marks[i].kind == MARK_DECIMAL)
      n_decimal++;
    else if (marks[i].kind == MARK_GROUP)
      n_group++;
    else
      n_other++;
  }

  if (n_decimal > 1)
    return FALSE;
  if (n_decimal == 1) {
    gsize previous = 0;

    /* Groups of three before the decimal separator, nothing else */
    for (guint i = 0; i < n_marks; i++) {
      if (marks[i].kind == MARK_DECIMAL) {
        if (i + 1 != n_marks || (i > 0 && marks[i].at - previous != 3))
          return FALSE;
        point_at = marks[i].at;
      } else if (marks[i].kind == MARK_GROUP) {
        if ((i == 0 && marks[i].at > 3) || (i > 0 && marks[i].at - previous != 3))
          return FALSE;
      } else {
        return FALSE;
      }
      previous = marks[i].at;
    }
  } else if (n_marks > 0) {
    gboolean grouped = n_other == 0;
    gsize previous = 0;

    for (guint i = 0; grouped && i < n_marks; i++) {
      if ((i == 0 && marks[i].at > 3) || (i > 0 && marks[i].at - previous != 3))
        grouped = FALSE;
      previous = marks[i].at;
    }
    if (grouped && digits->len - marks[n_marks - 1].at != 3)
      grouped = FALSE;
    if (!grouped) {
      /* "72.5" under de_DE, "72,5" under en_US: one separator that cannot
       * be grouping is a decimal point, whichever it is. */
      if (n_marks != 1)
        return FALSE;
      point_at = marks[0].at;
    }
  }

  if (point_at >= 0)
    g_string_insert_c (digits, point_at, '.');
  *out_value = g_ascii_strtod (digits->str, &end);
  if (*end != '\0' || !isfinite (*out_value))
    return FALSE;
  if (negative)
    *out_value = -*out_value;
  *out_end = p;
  return TRUE;
}

/* @p starts with one of @words (any case) followed by a non-letter */
static const char *
skip_word (const char         *p,
           const char * const *words)
{
  for (guint i = 0; words[i] != NULL; i++) {
    gsize len = strlen (words[i]);

    if (g_ascii_strncasecmp (p, words[i], len) == 0 && !g_ascii_isalpha (p[len]))
      return p + len;
  }
  return p;
}

/* The noun a message names @type by */
static const char *
type_noun (const char *data_type)
{
  static const struct { const char *type; const char *noun; } nouns[] = {
    /* Translators: these complete "Enter a %s between %s and %s." */
    { "weight", N_("weight") },
    { "body_fat", N_("body fat percentage") },
    { "bmi", N_("BMI") },
    { "height", N_("height") },
    { "steps", N_("step count") },
    { "distance", N_("distance") },
    { "active_energy", N_("active energy") },
    { "heart_rate", N_("heart rate") },
    { "resting_heart_rate", N_("resting heart rate") },
    { "sleep", N_("sleep duration") },
    { "water", N_("water amount") },
    { "blood_pressure_systolic", N_("systolic pressure") },
    { "blood_pressure_diastolic", N_("diastolic pressure") },
    { "blood_glucose", N_("blood glucose") },
    { "workout_minutes", N_("workout duration") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (nouns); i++) {
    if (strcmp (nouns[i].type, data_type) == 0)
      return _(nouns[i].noun);
  }
  return data_type;
}

/* A range bound shown so that typing it back is accepted: the minimum
 * rounded up and the maximum down at the unit's precision. */
static char *
format_bound (const FcHealthTypeInfo *type,
              FcHealthUnit            unit,
              double                  canonical,
              gboolean                is_max)
{
  double value = fc_health_unit_from_canonical (unit, type->name, canonical);
  double step;

  if (unit == FC_HEALTH_UNIT_ST_LB)
    step = 0.1 / LB_PER_ST;
  else if (unit == FC_HEALTH_UNIT_FT_IN)
    step = 1.0 / IN_PER_FT;
  else if (unit == FC_HEALTH_UNIT_CANONICAL && is_duration (type->name))
    step = 1;
  else
    step = pow (10, -(double) unit_decimals (unit, type->name));
  /* a tolerance, so that 650 kg exactly is not floored to 649.9 */
  value = is_max ? floor (value / step + 1e-9) * step : ceil (value / step - 1e-9) * step;
  return format_display (type->name, unit, value, TRUE);
}

static gboolean
range_error (const FcHealthTypeInfo  *type,
             FcHealthUnit             unit,
             GError                 **error)
{
  g_autofree char *low = format_bound (type, unit, type->min, FALSE);
  g_autofree char *high = format_bound (type, unit, type->max, TRUE);

  /* Translators: "Enter a weight between 1 kg and 650 kg." */
  g_set_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_RANGE,
               _("Enter a %s between %s and %s."), type_noun (type->name), low, high);
  return FALSE;
}

/* "11 st 6 lb", "11st 6", "11 6", "11 st", "5'11\"", "5 ft 11 in", "5 11", "5 ft":
 * the two parts, in @unit's larger part */
static gboolean
parse_compound (FcHealthUnit  unit,
                const char   *text,
                double       *out_value)
{
  static const char * const st_words[] = { "st", "stone", "stones", NULL };
  static const char * const lb_words[] = { "lbs", "lb", "pounds", "pound", NULL };
  static const char * const ft_words[] = { "ft", "feet", "foot", "'", "\u2032", NULL };
  static const char * const in_words[] = { "in", "inches", "inch", "''", "\"", "\u2033", NULL };
  gboolean stones = unit == FC_HEALTH_UNIT_ST_LB;
  double big = 0, small = 0;
  const char *p = skip_spaces (text), *q;

  if (!parse_number (p, &big, &p) || big < 0 || big != floor (big))
    return FALSE;
  p = skip_spaces (p);
  p = skip_word (p, stones ? st_words : ft_words);
  p = skip_spaces (p);
  if (*p != '\0') {
    if (!parse_number (p, &small, &q) || small < 0 || small >= (stones ? LB_PER_ST : IN_PER_FT))
      return FALSE;
    p = skip_spaces (q);
    p = skip_word (p, stones ? lb_words : in_words);
    p = skip_spaces (p);
    if (*p != '\0')
      return FALSE;
  }
  *out_value = big + small / (stones ? LB_PER_ST : IN_PER_FT);
  return TRUE;
}

/* "7 h 32 min", "7h32", "7:32", "452", "452 min": minutes */
static gboolean
parse_duration (const char *text,
                double     *out_minutes)
{
  static const char * const h_words[] = { "hours", "hour", "hrs", "hr", "h", NULL };
  static const char * const min_words[] = { "minutes", "minute", "mins", "min", "m", NULL };
  double first = 0, second = 0;
  const char *p = skip_spaces (text), *q;

  if (!parse_number (p, &first, &p))
    return FALSE;
  if (*p == ':') {
    p++;
    if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]) || first != floor (first))
      return FALSE;
    second = (p[0] - '0') * 10 + (p[1] - '0');
    p = skip_spaces (p + 2);
    if (*p != '\0' || second >= 60)
      return FALSE;
    *out_minutes = first * 60 + second;
    return TRUE;
  }
  p = skip_spaces (p);
  q = skip_word (p, h_words);
  if (q == p) {
    /* minutes alone */
    p = skip_spaces (skip_word (p, min_words));
    if (*p != '\0')
      return FALSE;
    *out_minutes = first;
    return TRUE;
  }
  p = skip_spaces (q);
  if (*p != '\0') {
    if (!parse_number (p, &second, &q) || second < 0 || second >= 60)
      return FALSE;
    p = skip_spaces (skip_word (skip_spaces (q), min_words));
    if (*p != '\0')
      return FALSE;
  }
  *out_minutes = first * 60 + second;
  return TRUE;
}

gboolean
fc_health_parse_value (const char    *data_type,
                       FcHealthUnit   unit,
                       const char    *text,
                       double        *out_canonical,
                       GError       **error)
{
  const FcHealthTypeInfo *type = fc_health_type_info_lookup (data_type);
  g_autofree char *stripped = NULL;
  double value = 0, canonical;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_canonical != NULL, FALSE);

  if (type == NULL || !unit_fits (unit, data_type)) {
    g_set_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_UNKNOWN_TYPE,
                 "“%s” is not a health type with that unit", data_type != NULL ? data_type : "");
    return FALSE;
  }

  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0') {
    g_set_error_literal (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_EMPTY,
                         _("Enter a value."));
    return FALSE;
  }

  if (unit == FC_HEALTH_UNIT_ST_LB || unit == FC_HEALTH_UNIT_FT_IN) {
    if (!parse_compound (unit, stripped, &value)) {
      g_set_error_literal (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_NOT_A_NUMBER,
                           unit == FC_HEALTH_UNIT_ST_LB ?
                           _("Write the weight in stones and pounds, such as “11 st 6 lb”.") :
                           _("Write the height in feet and inches, such as “5 ft 11 in”."));
      return FALSE;
    }
  } else if (unit == FC_HEALTH_UNIT_CANONICAL && is_duration (data_type)) {
    if (!parse_duration (stripped, &value)) {
      g_set_error_literal (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_NOT_A_NUMBER,
                           _("Write the duration in minutes, or as hours and minutes such as "
                             "“7 h 30 min”."));
      return FALSE;
    }
  } else {
    const char *symbol = fc_health_unit_symbol (unit, data_type);
    const char *p;

    if (!parse_number (stripped, &value, &p) ||
        (*(p = skip_spaces (p)) != '\0' &&
         (*symbol == '\0' || g_ascii_strcasecmp (p, symbol) != 0) &&
         (unit != FC_HEALTH_UNIT_CANONICAL || g_ascii_strcasecmp (p, type->unit) != 0))) {
      /* Translators: the text someone typed where a number was expected */
      g_set_error (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_NOT_A_NUMBER,
                   _("“%s” is not a number."), stripped);
      return FALSE;
    }
  }

  canonical = fc_health_unit_to_canonical (unit, data_type, value);
  if (type->whole && canonical != floor (canonical)) {
    g_set_error_literal (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_NOT_WHOLE,
                         _("Enter a whole number."));
    return FALSE;
  }
  /* The person's value, rounded as they typed it, may land a hair outside
   * the range after conversion (1433 lb is 649.99 kg, but 2.2 lb is
   * 0.998 kg): the range is checked on the canonical value, as the server
   * will, with a tolerance of a millionth. */
  if (canonical < type->min - 1e-6 * MAX (1, fabs (type->min)) ||
      canonical > type->max + 1e-6 * MAX (1, fabs (type->max)))
    return range_error (type, unit, error);
  *out_canonical = CLAMP (canonical, type->min, type->max);
  return TRUE;
}
