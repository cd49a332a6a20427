/* plan-test-util.h — the demo food table as plan foods, for the generator tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-meal-plan-generator.h"

G_BEGIN_DECLS

/* The demo food table (src/server/nutrition/demo-foods.tsv), loaded by the
 * seed's own loader into an in-memory database and read back as FcPlanFood,
 * with the ids that database gave them. */
GArray *pt_load_demo_foods (void);

/* A food of @foods by its exact name; fails the test when there is none. */
const FcPlanFood *pt_food_named (GArray     *foods,
                                 const char *name);

/* The relative deviation of each of the day's totals from @targets:
 * calories, protein, carbohydrates, fat. */
void pt_day_deviation (const FcMealPlan *plan,
                       GArray           *foods,
                       guint             day,
                       const FcMacros   *targets,
                       double            deviation[4]);

G_END_DECLS
