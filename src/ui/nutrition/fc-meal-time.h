/* fc-meal-time.h — the meal times: the wire's codes, their order, their names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one table of meal times, for the meal editor's choice, the Meals list,
 * the plan calendar and its iCalendar export. GLib only, so plain-state
 * code (fc-plan-layout.c) and its tests use it without GTK.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * FcMealTime:
 * @FC_MEAL_TIME_BREAKFAST: "BF" on the wire
 * @FC_MEAL_TIME_LUNCH: "LN"
 * @FC_MEAL_TIME_DINNER: "DN"
 * @FC_MEAL_TIME_SNACK: "SN" (the server's default)
 * @FC_MEAL_TIME_PRE_WORKOUT: "PRE"
 * @FC_MEAL_TIME_POST_WORKOUT: "POST"
 * @FC_MEAL_TIME_OTHER: any other or no meal_time_category
 *
 * In the order the app lists them: a day's meals are shown breakfast,
 * lunch, dinner, snack, then the others, and the meal editor offers them so.
 */
typedef enum {
  FC_MEAL_TIME_BREAKFAST,
  FC_MEAL_TIME_LUNCH,
  FC_MEAL_TIME_DINNER,
  FC_MEAL_TIME_SNACK,
  FC_MEAL_TIME_PRE_WORKOUT,
  FC_MEAL_TIME_POST_WORKOUT,
  FC_MEAL_TIME_OTHER,
} FcMealTime;

/* How many meal times the wire has (FC_MEAL_TIME_OTHER is not one). */
#define FC_N_MEAL_TIMES FC_MEAL_TIME_OTHER

/* The meal time a meal_time_category names: the wire's codes ("BF", "LN",
 * "DN", "SN", "PRE", "POST") or the English words ("breakfast", "lunch",
 * "dinner", "snack", "pre-workout", "post-workout"), either case. */
FcMealTime  fc_meal_time_from_category (const char *category);
/* The wire's code; NULL for FC_MEAL_TIME_OTHER. */
const char *fc_meal_time_get_code      (FcMealTime  meal_time);
/* Translated: "Breakfast" … "Post-workout", "Other". */
const char *fc_meal_time_get_label     (FcMealTime  meal_time);

G_END_DECLS
