/* fc-plan-layout.h — a meal plan laid out on dates: which meals fall on which
 * day, each day's totals against the plan's targets, schedule edits and the
 * iCalendar export. Plain state (GLib and json-glib only, no GTK), so the
 * calendar's logic is tested without a display.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fc-meal-time.h"

G_BEGIN_DECLS

/**
 * FcPlanMacro:
 * @FC_PLAN_MACRO_CALORIES: energy, kcal
 * @FC_PLAN_MACRO_PROTEIN: protein, g
 * @FC_PLAN_MACRO_CARBOHYDRATES: carbohydrates, g
 * @FC_PLAN_MACRO_FAT: fat, g
 * @FC_PLAN_N_MACROS: how many there are (an array size)
 *
 * The four quantities a plan has daily targets for.
 */
typedef enum {
  FC_PLAN_MACRO_CALORIES,
  FC_PLAN_MACRO_PROTEIN,
  FC_PLAN_MACRO_CARBOHYDRATES,
  FC_PLAN_MACRO_FAT,
  FC_PLAN_N_MACROS,
} FcPlanMacro;

/**
 * FcPlanDayStatus:
 * @FC_PLAN_DAY_NO_TARGET: the plan has no (positive) target for this macro
 * @FC_PLAN_DAY_OK: within ±10 % of the target, the bounds included
 * @FC_PLAN_DAY_LOW: more than 10 % under the target
 * @FC_PLAN_DAY_HIGH: more than 10 % over the target
 */
typedef enum {
  FC_PLAN_DAY_NO_TARGET,
  FC_PLAN_DAY_OK,
  FC_PLAN_DAY_LOW,
  FC_PLAN_DAY_HIGH,
} FcPlanDayStatus;

/**
 * FcPlanEntry:
 * @meal_id: the meal's id (negative for a local meal not yet on the server)
 * @name: the meal's name; "" when the meal is not in the meals array
 * @category: the meal's meal_time_category as stored, or %NULL
 * @meal_time: @category as an #FcMealTime
 * @values: the meal's total_calories, _protein, _carbohydrates and _fat,
 *   indexed by #FcPlanMacro; 0 where unknown
 *
 * One meal scheduled on one day. Owned by the layout; valid as long as it.
 */
typedef struct {
  gint64      meal_id;
  const char *name;
  const char *category;
  FcMealTime  meal_time;
  double      values[FC_PLAN_N_MACROS];
} FcPlanEntry;

#define FC_TYPE_PLAN_LAYOUT (fc_plan_layout_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanLayout, fc_plan_layout, FC, PLAN_LAYOUT, GObject)

/*
 * An FcPlanLayout is an immutable snapshot of one plan: the edit functions
 * return the `scheduled_meals_payload` to write through
 * fc_store_update_async() and leave the layout as it is; the host builds a
 * new layout when FcStore::changed::meal_plans (or ::meals) fires. Days are
 * numbered 1..n_days like the server's day_of_plan; 0 means "no day".
 */

/**
 * fc_plan_layout_new:
 * @plan: a meal plan as fc_store_get_object_async (FC_STORE_MEAL_PLANS)
 *   returns it: start_date "YYYY-MM-DD", duration_days,
 *   target_daily_{calories,protein,carbohydrates,fat} (each may be null or
 *   missing), scheduled_meals [{meal, day_of_plan}]
 * @meals: (nullable): the meals as fc_store_list_objects_async (FC_STORE_MEALS)
 *   lists them (id, name, meal_time_category, total_*); scheduled meals not
 *   in it show with an empty name and zero values
 *
 * Reads both with type-checking accessors; neither is kept. Without
 * duration_days the plan lasts to its last scheduled day. Scheduled entries
 * outside 1..n_days are not shown but kept in every payload.
 *
 * Returns: (transfer full): the layout
 */
FcPlanLayout      *fc_plan_layout_new              (JsonObject   *plan,
                                                    JsonArray    *meals);

/* The plan's "id" (0 when it has none) and "name" ("" when it has none). */
gint64             fc_plan_layout_get_plan_id      (FcPlanLayout *self);
const char        *fc_plan_layout_get_name         (FcPlanLayout *self);

/* duration_days; 0 for a plan without days. */
guint              fc_plan_layout_get_n_days       (FcPlanLayout *self);

/**
 * fc_plan_layout_get_date:
 * @day: 1..n_days
 * @out_date: (out caller-allocates): start_date + @day - 1
 *
 * Returns: %FALSE (and @out_date cleared) when @day is out of range or the
 *   plan has no valid start_date
 */
gboolean           fc_plan_layout_get_date         (FcPlanLayout *self,
                                                    guint         day,
                                                    GDate        *out_date);

/* The day of the plan that falls on @date, or 0 when @date is outside the
 * plan (or invalid, or the plan has no start date). */
guint              fc_plan_layout_day_for_date     (FcPlanLayout *self,
                                                    const GDate  *date);

/* How many meals @day holds (0 for a day outside the plan), and the
 * @index-th of them in meal-time order: breakfast, lunch, dinner, snack,
 * then others; within one meal time in schedule order. NULL when out of
 * range. */
guint              fc_plan_layout_get_n_entries    (FcPlanLayout *self,
                                                    guint         day);
const FcPlanEntry *fc_plan_layout_get_entry        (FcPlanLayout *self,
                                                    guint         day,
                                                    guint         index);
gboolean           fc_plan_layout_day_has_meal     (FcPlanLayout *self,
                                                    guint         day,
                                                    gint64        meal_id);

/* The sum of @macro over @day's meals (0 outside the plan). */
double             fc_plan_layout_get_total        (FcPlanLayout *self,
                                                    guint         day,
                                                    FcPlanMacro   macro);
/* The plan's daily target for @macro; %FALSE when null, missing or <= 0. */
gboolean           fc_plan_layout_get_target       (FcPlanLayout *self,
                                                    FcPlanMacro   macro,
                                                    double       *out_target);
/* @day's total against the target: OK within ±10 % (bounds included), LOW
 * or HIGH beyond, NO_TARGET without a target or outside the plan. A day
 * without meals is LOW against a target. */
FcPlanDayStatus    fc_plan_layout_get_status       (FcPlanLayout *self,
                                                    guint         day,
                                                    FcPlanMacro   macro);

/**
 * fc_plan_layout_get_payload:
 *
 * Returns: (transfer full): the schedule as it is, in the shape the app
 *   writes: [{"meal": id, "day_of_plan": n}], in the plan's order
 */
JsonArray         *fc_plan_layout_get_payload      (FcPlanLayout *self);

/**
 * fc_plan_layout_move_meal:
 *
 * Moves @meal_id from @from_day to @to_day; every other entry, and the
 * order, stays as it is.
 *
 * The server refuses a (meal, day) pair twice, so a move onto a day that
 * already holds the meal is refused rather than merged (merging would drop
 * one of the user's scheduled meals without a word): the widget does not
 * accept such a drop.
 *
 * Returns: (transfer full) (nullable): the new payload, or %NULL when
 *   @from_day does not hold the meal, @to_day already does, @from_day ==
 *   @to_day, or @to_day is outside 1..n_days
 */
JsonArray         *fc_plan_layout_move_meal        (FcPlanLayout *self,
                                                    gint64        meal_id,
                                                    guint         from_day,
                                                    guint         to_day);
/* Appends (@meal_id, @day); %NULL when @day already holds it or is outside
 * the plan. */
JsonArray         *fc_plan_layout_add_meal         (FcPlanLayout *self,
                                                    gint64        meal_id,
                                                    guint         day);
/* Drops (@meal_id, @day); %NULL when @day does not hold it. */
JsonArray         *fc_plan_layout_remove_meal      (FcPlanLayout *self,
                                                    gint64        meal_id,
                                                    guint         day);

/**
 * fc_plan_layout_to_ics:
 * @plan_name: (nullable): the calendar's name; the plan's name when %NULL
 *
 * An RFC 5545 calendar with one all-day VEVENT per meal per day:
 * DTSTART;VALUE=DATE, SUMMARY "Breakfast: Oat porridge", DESCRIPTION with
 * kcal and macros, a UID stable across exports
 * (plan-ID-day-N-meal-M@fitcore.local), CRLF line ends, lines folded at 75
 * octets (never inside a UTF-8 sequence), text escaped.
 *
 * Returns: (transfer full): the text; a plan without a start date gives a
 *   calendar without events
 */
char              *fc_plan_layout_to_ics           (FcPlanLayout *self,
                                                    const char   *plan_name);

/* Translated labels: "Calories", "Protein", … */
const char        *fc_plan_macro_get_label         (FcPlanMacro   macro);

G_END_DECLS
