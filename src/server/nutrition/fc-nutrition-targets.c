/* fc-nutrition-targets.c — daily calorie and macro targets from a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-nutrition"

#include "config.h"

#include "fc-nutrition-targets.h"

#include <math.h>

#define MIN_CALORIES_MALE 1500.0
#define MIN_CALORIES_FEMALE 1200.0
/* Beyond this share of the energy, protein crowds out everything else (and
 * heavy people would be given absurd amounts per kg). */
#define MAX_PROTEIN_SHARE 0.35

typedef struct {
  const char *goal;
  double      calorie_factor;
  double      protein_per_kg;
  double      fat_share;
} GoalRule;

/* A deficit of a fifth for weight loss keeps protein high to spare muscle;
 * gaining eats 15 % over maintenance with a little less fat. */
static const GoalRule goal_rules[] = {
  { "WL", 0.80, 2.0, 0.25 },
  { "WG", 1.15, 1.6, 0.30 },
  { "MN", 1.00, 1.6, 0.30 },
  { "MG", 1.15, 1.8, 0.25 },
  { "GH", 1.00, 1.4, 0.30 },
};

const char * const fc_nutrition_activity_levels[] = {
  "sedentary", "light", "moderate", "active", "very_active", NULL,
};

static const double activity_factors[] = { 1.2, 1.375, 1.55, 1.725, 1.9 };

G_STATIC_ASSERT (G_N_ELEMENTS (activity_factors) + 1 == G_N_ELEMENTS (fc_nutrition_activity_levels));

double
fc_nutrition_bmr (const FcBodyProfile *profile)
{
  double bmr;

  g_return_val_if_fail (profile != NULL, 0);

  bmr = 10 * profile->weight_kg + 6.25 * profile->height_cm - 5 * profile->age_years;
  return bmr + (profile->male ? 5 : -161);
}

double
fc_nutrition_activity_factor (const char *activity)
{
  if (activity == NULL)
    activity = "moderate";

  for (guint i = 0; fc_nutrition_activity_levels[i] != NULL; i++) {
    if (g_str_equal (fc_nutrition_activity_levels[i], activity))
      return activity_factors[i];
  }
  return 0;
}

static double
round_to (double value,
          double step)
{
  return round (value / step) * step;
}

gboolean
fc_nutrition_compute_targets (const FcBodyProfile *profile,
                              const char          *goal,
                              double               activity_factor,
                              FcMacros            *out)
{
  const GoalRule *rule = NULL;
  double calories, protein, fat;

  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (activity_factor > 0, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (goal_rules); i++) {
    if (g_strcmp0 (goal_rules[i].goal, goal) == 0)
      rule = &goal_rules[i];
  }
  if (rule == NULL)
    return FALSE;

  calories = fc_nutrition_bmr (profile) * activity_factor * rule->calorie_factor;
  calories = MAX (calories, profile->male ? MIN_CALORIES_MALE : MIN_CALORIES_FEMALE);
  calories = round (calories);

  protein = MIN (rule->protein_per_kg * profile->weight_kg, MAX_PROTEIN_SHARE * calories / 4);
  fat = rule->fat_share * calories / 9;

  out->calories = calories;
  out->protein = round_to (protein, 0.1);
  out->fat = round_to (fat, 0.1);
  out->carbohydrates = round_to ((calories - 4 * protein - 9 * fat) / 4, 0.1);
  return TRUE;
}
