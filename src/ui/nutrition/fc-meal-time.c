/* fc-meal-time.c — the meal times: the wire's codes, their order, their names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-meal-time"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-meal-time.h"

/* The codes are the wire's (fitcore-django-wire.md §4); the words are
 * accepted too, for data written by hand; the labels are ours. */
static const struct {
  const char *code;
  const char *word;
  const char *label;
} meal_times[] = {
  [FC_MEAL_TIME_BREAKFAST] = { "BF", "breakfast", N_("Breakfast") },
  [FC_MEAL_TIME_LUNCH] = { "LN", "lunch", N_("Lunch") },
  [FC_MEAL_TIME_DINNER] = { "DN", "dinner", N_("Dinner") },
  [FC_MEAL_TIME_SNACK] = { "SN", "snack", N_("Snack") },
  [FC_MEAL_TIME_PRE_WORKOUT] = { "PRE", "pre-workout", N_("Pre-workout") },
  [FC_MEAL_TIME_POST_WORKOUT] = { "POST", "post-workout", N_("Post-workout") },
  [FC_MEAL_TIME_OTHER] = { NULL, NULL, N_("Other") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (meal_times) == FC_MEAL_TIME_OTHER + 1);

FcMealTime
fc_meal_time_from_category (const char *category)
{
  for (guint i = 0; category != NULL && i < FC_N_MEAL_TIMES; i++) {
    if (g_ascii_strcasecmp (category, meal_times[i].code) == 0 ||
        g_ascii_strcasecmp (category, meal_times[i].word) == 0)
      return (FcMealTime) i;
  }
  return FC_MEAL_TIME_OTHER;
}

const char *
fc_meal_time_get_code (FcMealTime meal_time)
{
  g_return_val_if_fail (meal_time <= FC_MEAL_TIME_OTHER, NULL);

  return meal_times[meal_time].code;
}

const char *
fc_meal_time_get_label (FcMealTime meal_time)
{
  if (meal_time > FC_MEAL_TIME_OTHER)
    meal_time = FC_MEAL_TIME_OTHER;
  return _(meal_times[meal_time].label);
}
