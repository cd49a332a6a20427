/* fc-health-units.h — health types, their units, and what a person reads and types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two halves. The wire's half (docs/health-wire.md) is one table of types
 * (canonical unit, plausible range, whole or not, summed or a level) and
 * one of the unit names each type accepts with their factors; fitcore-server
 * validates points against these very tables (src/server/health/ includes
 * this header), so the app, its importers and the server refuse the same
 * values. The person's half: the units the app shows and accepts (kg, lb or
 * st and lb; cm or ft and in; km or mi; mmol/L or mg/dL; ml or fl oz), a
 * default chosen by the locale's measurement system unless a preference
 * says otherwise, formatting a canonical value for display, and parsing what
 * someone typed with the locale's decimal separator, with a sentence per
 * mistake. GLib only: no GTK, no store.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ----- The wire's types and units ----- */

/**
 * FcHealthTypeInfo:
 * @name: the wire name ("weight")
 * @unit: the canonical unit ("kg")
 * @min: the smallest plausible value, canonical unit, inclusive
 * @max: the largest plausible value, canonical unit, inclusive
 * @whole: only whole numbers (steps)
 * @summable: a day's points add up (steps, sleep); otherwise they are
 *   levels (weight, heart rate)
 */
typedef struct {
  const char *name;
  const char *unit;
  double      min;
  double      max;
  gboolean    whole;
  gboolean    summable;
} FcHealthTypeInfo;

/**
 * FcHealthUnitInfo:
 * @type: the wire name of the type the unit belongs to
 * @unit: the unit's name as the wire spells it ("lb", "mg/dL")
 * @factor: canonical value = value × @factor; for "ft_in" (a height
 *   written 5'11") the value is the height in inches
 */
typedef struct {
  const char *type;
  const char *unit;
  double      factor;
} FcHealthUnitInfo;

/* NULL-terminated by name, in the wire's order. */
const FcHealthTypeInfo *fc_health_type_infos            (void);
const FcHealthTypeInfo *fc_health_type_info_lookup      (const char             *name);
/* A unit of @type by name, matched without regard to case; NULL when the
 * type does not take it. */
const FcHealthUnitInfo *fc_health_unit_info_lookup      (const FcHealthTypeInfo *type,
                                                         const char             *unit);
/* "kg, g, lb, lbs, st": the units @type takes, for messages. */
char                   *fc_health_unit_info_names       (const FcHealthTypeInfo *type);
/* 5'11", 5' 11'', 5 ft 11 in, 5ft: inches, or -1. */
double                  fc_health_parse_feet_inches     (const char             *text);

/* ----- What a person reads and types ----- */

/**
 * FcHealthUnitSystem:
 * @FC_HEALTH_UNIT_SYSTEM_METRIC: kg, cm, km, mmol/L, ml
 * @FC_HEALTH_UNIT_SYSTEM_IMPERIAL: lb, ft and in, mi, mg/dL, US fl oz
 *
 * The measurement system a type's default unit follows.
 */
typedef enum {
  FC_HEALTH_UNIT_SYSTEM_METRIC,
  FC_HEALTH_UNIT_SYSTEM_IMPERIAL,
} FcHealthUnitSystem;

/**
 * FcHealthUnit:
 * @FC_HEALTH_UNIT_CANONICAL: the type's canonical unit, as it is (count,
 *   bpm, %, kg/m2, min, mmHg, kcal)
 * @FC_HEALTH_UNIT_KG: kilograms
 * @FC_HEALTH_UNIT_LB: pounds
 * @FC_HEALTH_UNIT_ST_LB: stones and pounds ("11 st 6 lb"); as a single
 *   number, stones
 * @FC_HEALTH_UNIT_CM: centimetres
 * @FC_HEALTH_UNIT_FT_IN: feet and inches ("5 ft 11 in"); as a single
 *   number, feet
 * @FC_HEALTH_UNIT_M: metres
 * @FC_HEALTH_UNIT_KM: kilometres
 * @FC_HEALTH_UNIT_MI: miles
 * @FC_HEALTH_UNIT_MMOL_L: millimoles per litre
 * @FC_HEALTH_UNIT_MG_DL: milligrams per decilitre (glucose)
 * @FC_HEALTH_UNIT_ML: millilitres
 * @FC_HEALTH_UNIT_FL_OZ: US fluid ounces
 *
 * A unit the app shows a value in and accepts it in.
 */
typedef enum {
  FC_HEALTH_UNIT_CANONICAL,
  FC_HEALTH_UNIT_KG,
  FC_HEALTH_UNIT_LB,
  FC_HEALTH_UNIT_ST_LB,
  FC_HEALTH_UNIT_CM,
  FC_HEALTH_UNIT_FT_IN,
  FC_HEALTH_UNIT_M,
  FC_HEALTH_UNIT_KM,
  FC_HEALTH_UNIT_MI,
  FC_HEALTH_UNIT_MMOL_L,
  FC_HEALTH_UNIT_MG_DL,
  FC_HEALTH_UNIT_ML,
  FC_HEALTH_UNIT_FL_OZ,
} FcHealthUnit;

#define FC_HEALTH_UNITS_ERROR (fc_health_units_error_quark ())

/**
 * FcHealthUnitsError:
 * @FC_HEALTH_UNITS_ERROR_EMPTY: nothing was typed
 * @FC_HEALTH_UNITS_ERROR_NOT_A_NUMBER: not a number in the locale's way
 *   of writing one (or, for st/lb and ft/in, not in that shape)
 * @FC_HEALTH_UNITS_ERROR_NOT_WHOLE: a fraction for a type of whole numbers
 * @FC_HEALTH_UNITS_ERROR_RANGE: outside the type's plausible range; the
 *   message gives the range in the unit the person used
 * @FC_HEALTH_UNITS_ERROR_UNKNOWN_TYPE: not a wire type
 *
 * Every message is one translated sentence meant for the field's error
 * label.
 */
typedef enum {
  FC_HEALTH_UNITS_ERROR_EMPTY,
  FC_HEALTH_UNITS_ERROR_NOT_A_NUMBER,
  FC_HEALTH_UNITS_ERROR_NOT_WHOLE,
  FC_HEALTH_UNITS_ERROR_RANGE,
  FC_HEALTH_UNITS_ERROR_UNKNOWN_TYPE,
} FcHealthUnitsError;

GQuark              fc_health_units_error_quark          (void);

/* The measurement system of a locale name ("en_US.UTF-8", "my_MM"): its
 * territory US, LR or MM is imperial, anything else (C and POSIX included)
 * metric. */
FcHealthUnitSystem  fc_health_unit_system_for_locale     (const char         *locale);
/* The system of the current LC_MEASUREMENT: nl_langinfo's
 * _NL_MEASUREMENT_MEASUREMENT where the C library has it, else the
 * territory of setlocale (LC_MEASUREMENT, NULL) (or LC_ALL, LC_MEASUREMENT,
 * LANG from the environment when the program never called setlocale). */
FcHealthUnitSystem  fc_health_unit_system_default        (void);
/* A preference value: "metric", "imperial", or "auto"/NULL/anything else
 * for fc_health_unit_system_default(). */
FcHealthUnitSystem  fc_health_unit_system_from_preference (const char        *preference);

/* The unit @data_type is shown in under @system (weight: kg or lb; height:
 * cm or ft/in; distance: km or mi; blood glucose: mmol/L or mg/dL; water:
 * ml or fl oz; the rest their canonical unit). */
FcHealthUnit        fc_health_unit_default_for_type      (const char         *data_type,
                                                          FcHealthUnitSystem  system);
/* The units a person may pick for @data_type, the metric ones first;
 * static, @n_units set. Types with one unit answer FC_HEALTH_UNIT_CANONICAL
 * alone. */
const FcHealthUnit *fc_health_units_for_type             (const char         *data_type,
                                                          guint              *n_units);
/* The symbol shown after a number ("kg", "st", "mg/dL"; for
 * FC_HEALTH_UNIT_CANONICAL the type's canonical unit, "steps" for steps);
 * static. */
const char         *fc_health_unit_symbol                (FcHealthUnit        unit,
                                                          const char         *data_type);
/* A translated name for a unit picker ("Kilograms (kg)"); static. */
const char         *fc_health_unit_label                 (FcHealthUnit        unit,
                                                          const char         *data_type);

/* Conversions between a canonical value of @data_type and @unit (a compound
 * unit as its larger part: stones, feet). FC_HEALTH_UNIT_CANONICAL is the
 * identity. A unit that does not belong to the type answers NAN. */
double              fc_health_unit_from_canonical        (FcHealthUnit        unit,
                                                          const char         *data_type,
                                                          double              canonical);
double              fc_health_unit_to_canonical          (FcHealthUnit        unit,
                                                          const char         *data_type,
                                                          double              value);

/* A canonical value for display in @unit, with the locale's decimal
 * separator and digit grouping and as many decimals as the unit deserves:
 * "72.5 kg", "11 st 6 lb", "5 ft 11 in", "8,432 steps", "7 h 32 min" (sleep
 * and workout minutes), "5.4 mmol/L". */
char               *fc_health_format_value               (const char         *data_type,
                                                          FcHealthUnit        unit,
                                                          double              canonical);
/* The number alone, as an entry would show it for editing ("72.5", "72,5"
 * in a comma locale; "11 6" for st/lb, "5 11" for ft/in). */
char               *fc_health_format_number              (const char         *data_type,
                                                          FcHealthUnit        unit,
                                                          double              canonical);
/* What a person typed for @data_type in @unit, in the current LC_NUMERIC:
 * the locale's decimal separator ("72,5" under de_DE), its digit grouping
 * in whole groups of three ("10,000" under en_US), and '.' as a decimal
 * point too where the locale's is ',' and '.' is not a well-placed group
 * separator. A unit symbol after the number is allowed ("72.5 kg").
 * st/lb takes "11 st 6 lb", "11st 6", "11 6"; ft/in "5'11\"", "5 ft 11 in",
 * "5 11". Sets @out_canonical, checked against the type's range. */
gboolean            fc_health_parse_value                (const char         *data_type,
                                                          FcHealthUnit        unit,
                                                          const char         *text,
                                                          double             *out_canonical,
                                                          GError            **error);

G_END_DECLS
