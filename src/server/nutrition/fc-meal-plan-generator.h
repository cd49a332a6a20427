/* fc-meal-plan-generator.h — meal plans that hit daily targets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure code, no database: the caller hands over the foods the user may see.
 * Each day has meals_per_day meal slots (breakfast, lunch, dinner and
 * snacks, each with a share of the day's calories); each slot gets foods by
 * role (a protein source, a starch, a vegetable or fruit, an optional fat)
 * and servings in quarter steps between 0.25 and 4, adjusted until the DAY
 * lands within ±5 % of the calories and ±10 % of each macro. A day that
 * cannot is an error, never a plan that silently misses.
 */

#pragma once

#include <glib.h>

#include "fc-nutrition-targets.h"

G_BEGIN_DECLS

#define FC_MEAL_PLAN_ERROR (fc_meal_plan_error_quark ())

/**
 * FcMealPlanError:
 * @FC_MEAL_PLAN_ERROR_TOO_FEW_FOODS: after exclusions, no protein or no
 *   starch is left to build meals from
 * @FC_MEAL_PLAN_ERROR_INFEASIBLE: some day cannot reach the targets with
 *   the foods left
 * @FC_MEAL_PLAN_ERROR_INVALID: a proposed plan breaks the rules (unknown
 *   food, servings out of bounds, wrong shape, targets missed)
 */
typedef enum {
  FC_MEAL_PLAN_ERROR_TOO_FEW_FOODS,
  FC_MEAL_PLAN_ERROR_INFEASIBLE,
  FC_MEAL_PLAN_ERROR_INVALID,
} FcMealPlanError;

/* Tolerances on each day's totals, relative to the targets. */
#define FC_MEAL_PLAN_CALORIE_TOLERANCE 0.05
#define FC_MEAL_PLAN_MACRO_TOLERANCE 0.10

#define FC_MEAL_PLAN_MIN_SERVINGS 0.25
#define FC_MEAL_PLAN_MAX_SERVINGS 4.0
#define FC_MEAL_PLAN_SERVING_STEP 0.25
#define FC_MEAL_PLAN_MAX_ITEMS 6
#define FC_MEAL_PLAN_MIN_MEALS 3
#define FC_MEAL_PLAN_MAX_MEALS 6

typedef enum {
  FC_DIET_ANY,
  FC_DIET_VEGETARIAN, /* no meat or fish, recognised by name */
  FC_DIET_VEGAN,      /* also no dairy, eggs, honey and the like */
} FcDiet;

/* Per serving. */
typedef struct {
  gint64  id;
  char   *name;
  char    category[8];
  double  calories;
  double  protein;
  double  carbohydrates;
  double  fat;
} FcPlanFood;

typedef struct {
  gint64 food_id;
  double servings;
} FcPlanItem;

typedef struct {
  const char *meal_time;   /* "BF", "LN", "DN", "SN" */
  const char *name;        /* "Breakfast", "Morning snack"... */
  double      share;       /* of the day's calories */
} FcMealSlot;

typedef struct {
  guint      n_items;
  FcPlanItem items[FC_MEAL_PLAN_MAX_ITEMS];
} FcPlanMeal;

typedef struct {
  guint       days;
  guint       meals_per_day;
  FcPlanMeal *meals;       /* days × meals_per_day, day-major */
} FcMealPlan;

typedef struct {
  FcMacros       targets;
  guint          days;
  guint          meals_per_day;
  guint32        seed;
  const gint64  *exclude_ids;
  guint          n_exclude_ids;
  FcDiet         diet;
} FcMealPlanSpec;

GQuark            fc_meal_plan_error_quark (void);

/* An array of FcPlanFood that frees their names. */
GArray           *fc_plan_foods_new        (void);
void              fc_plan_foods_add        (GArray               *foods,
                                            gint64                id,
                                            const char           *name,
                                            const char           *category,
                                            double                calories,
                                            double                protein,
                                            double                carbohydrates,
                                            double                fat);

/* The @meals_per_day slots of a day (3 to 6), in the order they are eaten. */
const FcMealSlot *fc_meal_plan_slots       (guint                 meals_per_day);

/* Whether @diet allows @food (exclusion lists are the caller's). */
gboolean          fc_meal_plan_diet_allows (FcDiet                diet,
                                            const FcPlanFood     *food);

FcMealPlan       *fc_meal_plan_new         (guint                 days,
                                            guint                 meals_per_day);
void              fc_meal_plan_free        (FcMealPlan           *plan);

/* Builds a plan from @foods (an array of FcPlanFood) for @spec. The same
 * inputs and seed always give the same plan. */
FcMealPlan       *fc_meal_plan_generate    (GArray               *foods,
                                            const FcMealPlanSpec *spec,
                                            GError              **error);

/* The totals of @day (0-based), from @foods; FALSE if a food is unknown. */
gboolean          fc_meal_plan_day_totals  (const FcMealPlan     *plan,
                                            GArray               *foods,
                                            guint                 day,
                                            FcMacros             *out);
/* Checks a plan from anywhere (a language model, say) against @foods and
 * @spec: shape, known and allowed foods, no food twice in a meal, servings
 * on the quarter steps within bounds, every day within the tolerances. */
gboolean          fc_meal_plan_validate    (const FcMealPlan     *plan,
                                            GArray               *foods,
                                            const FcMealPlanSpec *spec,
                                            GError              **error);

/* Keeps the foods of every meal of @plan and fits their servings (quarter
 * steps, 0.25–4) to @spec's targets, day by day, as the optimizer does. FALSE
 * when a day cannot be fitted or names a food not in @foods; @plan may then
 * be partly changed. Run fc_meal_plan_validate() afterwards. */
gboolean          fc_meal_plan_refit       (FcMealPlan           *plan,
                                            GArray               *foods,
                                            const FcMealPlanSpec *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcMealPlan, fc_meal_plan_free)

G_END_DECLS
