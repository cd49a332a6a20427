/* fc-nutrition-targets.h — daily calorie and macro targets from a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions, no database:
 *   BMR (Mifflin–St Jeor, kcal/day):
 *     male   10 × weight_kg + 6.25 × height_cm − 5 × age + 5
 *     female 10 × weight_kg + 6.25 × height_cm − 5 × age − 161
 *   energy = BMR × activity factor (sedentary 1.2, light 1.375, moderate
 *            1.55 — the default —, active 1.725, very_active 1.9)
 *          × goal factor (WL 0.80, WG 1.15, MG 1.15, MN 1.00, GH 1.00),
 *   never below 1500 kcal for men and 1200 kcal for women, rounded to 1 kcal.
 *   protein = g per kg of body weight (WL 2.0, MG 1.8, WG 1.6, MN 1.6,
 *             GH 1.4), at most 35 % of the energy;
 *   fat     = a share of the energy (WL and MG 25 %, WG, MN and GH 30 %);
 *   carbohydrates = the rest; 4 kcal/g for protein and carbohydrates, 9 for
 *   fat. Macros are rounded to 0.1 g.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double calories;
  double protein;
  double carbohydrates;
  double fat;
} FcMacros;

typedef struct {
  gboolean male;
  double   weight_kg;
  double   height_cm;
  double   age_years;
} FcBodyProfile;

/* The activity levels preferences.activity accepts, NULL-terminated. */
extern const char * const fc_nutrition_activity_levels[];

double   fc_nutrition_bmr              (const FcBodyProfile *profile);
/* @activity: one of fc_nutrition_activity_levels, or NULL for "moderate".
 * Returns 0 for an unknown level. */
double   fc_nutrition_activity_factor  (const char          *activity);
/* Returns FALSE for an unknown @goal code. */
gboolean fc_nutrition_compute_targets  (const FcBodyProfile *profile,
                                        const char          *goal,
                                        double               activity_factor,
                                        FcMacros            *out);

G_END_DECLS
