/* fc-meal-plan-generator.c — meal plans that hit daily targets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written by hand: none of the libraries this project links (GLib,
 * json-glib, libsoup, SQLite, nettle) offers diet planning or a bounded
 * least-squares solver, and the problem is small enough for a direct
 * method. Per day:
 *
 *  1. Pick foods per meal slot by role (protein, starch, vegetable, fruit,
 *     fat), at random from the foods left after exclusions, avoiding the
 *     foods of the same day and of the day before where the pool allows.
 *  2. Solve for servings: a weighted least-squares fit of the day's calories
 *     and macros to the targets (calorie error weighs 4× a macro error, as
 *     its tolerance is half as wide), plus a soft pull of each meal towards
 *     its share of the calories and a tiny pull of each serving towards 1.
 *     Exact coordinate descent on the box [lo, hi] first, then rounding to
 *     quarter servings and a discrete local search over single and paired
 *     quarter-serving moves.
 *  3. Accept the day when it lands within the tolerances with a margin;
 *     otherwise draw the foods again (a bounded number of times).
 *
 * A GRand seeded from the request keeps plans reproducible.
 */

#define G_LOG_DOMAIN "fc-nutrition"

#include "config.h"

#include "fc-meal-plan-generator.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (fc-meal-plan-error-quark, fc_meal_plan_error)

/* A day is accepted at first only within half the tolerances (draws are
 * cheap, and a plan well inside them survives a client's own rounding);
 * later draws settle for 90 % of them. */
#define STRICT_ATTEMPTS 40
#define STRICT_MARGIN 0.5
#define LOOSE_MARGIN 0.9
#define MAX_ATTEMPTS_PER_DAY 100
#define CONTINUOUS_SWEEPS 60
#define MAX_LOCAL_MOVES 400

/* Objective weights: calories, protein, carbohydrates, fat; then the meal
 * shares; then the pull towards one serving. */
static const double nutrient_weights[4] = { 4, 1, 1, 1 };
#define SHARE_WEIGHT 0.5
#define SERVING_PULL 2e-4

/* Vars per day: at most 6 meals × FC_MEAL_PLAN_MAX_ITEMS. */
#define MAX_VARS (FC_MEAL_PLAN_MAX_MEALS * FC_MEAL_PLAN_MAX_ITEMS)

typedef enum {
  POOL_PROTEIN_MAIN,       /* meat, fish, eggs, tofu, legumes */
  POOL_PROTEIN_BREAKFAST,  /* protein-rich dairy, eggs, tofu */
  POOL_DAIRY,              /* protein-rich dairy */
  POOL_STARCH,             /* grains and starchy vegetables */
  POOL_GRAIN,              /* grains only, for breakfast and snacks */
  POOL_VEG,
  POOL_FRUIT,
  POOL_COOKING_FAT,        /* oils, butter, tahini */
  POOL_NUTS,               /* nuts, seeds, nut butters, avocado */
  N_POOLS
} Pool;

typedef struct {
  Pool     pool;
  gboolean required;
  double   max_servings;
} TemplateItem;

/* The protein comes first in every meal that has one: the variety rule and
 * its test read it there. */
static const TemplateItem breakfast_template[] = {
  { POOL_PROTEIN_BREAKFAST, TRUE, 4 },
  { POOL_GRAIN, TRUE, 4 },
  { POOL_FRUIT, TRUE, 3 },
  { POOL_NUTS, FALSE, 2 },
  { POOL_DAIRY, FALSE, 3 },
};

static const TemplateItem main_template[] = {
  { POOL_PROTEIN_MAIN, TRUE, 4 },
  { POOL_STARCH, TRUE, 4 },
  { POOL_VEG, TRUE, 4 },
  { POOL_COOKING_FAT, FALSE, 2 },
  { POOL_STARCH, FALSE, 3 },
};

static const TemplateItem snack_template[] = {
  { POOL_FRUIT, TRUE, 3 },
  { POOL_DAIRY, FALSE, 3 },
  { POOL_NUTS, FALSE, 2 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (breakfast_template) <= FC_MEAL_PLAN_MAX_ITEMS);
G_STATIC_ASSERT (G_N_ELEMENTS (main_template) <= FC_MEAL_PLAN_MAX_ITEMS);
G_STATIC_ASSERT (G_N_ELEMENTS (snack_template) <= FC_MEAL_PLAN_MAX_ITEMS);

/* Breakfast, lunch and dinner carry most of the day; snacks a tenth each. */
static const FcMealSlot slots_3[] = {
  { "BF", "Breakfast", 0.30 },
  { "LN", "Lunch", 0.35 },
  { "DN", "Dinner", 0.35 },
};
static const FcMealSlot slots_4[] = {
  { "BF", "Breakfast", 0.25 },
  { "LN", "Lunch", 0.30 },
  { "SN", "Afternoon snack", 0.15 },
  { "DN", "Dinner", 0.30 },
};
static const FcMealSlot slots_5[] = {
  { "BF", "Breakfast", 0.25 },
  { "SN", "Morning snack", 0.10 },
  { "LN", "Lunch", 0.30 },
  { "SN", "Afternoon snack", 0.10 },
  { "DN", "Dinner", 0.25 },
};
static const FcMealSlot slots_6[] = {
  { "BF", "Breakfast", 0.20 },
  { "SN", "Morning snack", 0.10 },
  { "LN", "Lunch", 0.25 },
  { "SN", "Afternoon snack", 0.10 },
  { "DN", "Dinner", 0.25 },
  { "SN", "Evening snack", 0.10 },
};

/* Words in a food's name that mark it as meat or fish, or (for vegans) as
 * coming from animals. Names are matched word by word, singular or plural. */
static const char * const meat_words[] = {
  "anchovy", "bacon", "beef", "chicken", "cod", "crab", "duck", "fish", "gelatin", "ham",
  "jerky", "lamb", "lobster", "meat", "meatball", "pepperoni", "pork", "prawn", "salami",
  "salmon", "sardine", "sausage", "shrimp", "steak", "tilapia", "trout", "tuna", "turkey",
  "veal", NULL,
};
static const char * const animal_words[] = {
  "butter", "cheddar", "cheese", "cream", "croissant", "egg", "feta", "ghee", "honey", "kefir",
  "mayonnaise", "milk", "mozzarella", "parmesan", "pizza", "ricotta", "whey", "yogurt", NULL,
};
/* Breakfast proteins outside the dairy category. */
static const char * const breakfast_protein_words[] = { "egg", "tofu", NULL };
/* Ingredients rather than dishes: no one eats a cup of flour. */
static const char * const ingredient_words[] = { "cornmeal", "flour", NULL };
/* "Peanut butter" and "soy milk" are plant foods. */
static const char * const plant_qualifiers[] = {
  "almond", "cashew", "coconut", "nut", "oat", "peanut", "rice", "seed", "soy", "sunflower",
  NULL,
};

typedef struct {
  guint  food;      /* index into the foods array */
  guint  slot;
  double a[4];      /* calories, protein, carbohydrates, fat per serving */
  double lo;
  double hi;
  double pull;      /* the serving the regulariser pulls towards */
  double s;
} Var;

typedef struct {
  const FcMacros *targets;
  const FcMealSlot *slots;
  guint             n_slots;
  Var               vars[MAX_VARS];
  guint             n_vars;
  double            totals[4];
  double            slot_calories[FC_MEAL_PLAN_MAX_MEALS];
} Day;

typedef struct {
  GArray             *foods;
  const FcMealPlanSpec *spec;
  GArray             *pools[N_POOLS];
  int                *last_day_used;   /* per food; -2 when never used */
  GRand              *rand;
} Generator;

static void
plan_food_clear (gpointer data)
{
  FcPlanFood *food = data;

  g_clear_pointer (&food->name, g_free);
}

GArray *
fc_plan_foods_new (void)
{
  GArray *foods = g_array_new (FALSE, TRUE, sizeof (FcPlanFood));

  g_array_set_clear_func (foods, plan_food_clear);
  return foods;
}

void
fc_plan_foods_add (GArray     *foods,
                   gint64      id,
                   const char *name,
                   const char *category,
                   double      calories,
                   double      protein,
                   double      carbohydrates,
                   double      fat)
{
  FcPlanFood food = {
    .id = id,
    .name = g_strdup (name != NULL ? name : ""),
    .calories = calories,
    .protein = protein,
    .carbohydrates = carbohydrates,
    .fat = fat,
  };

  g_return_if_fail (foods != NULL);

  g_strlcpy (food.category, category != NULL ? category : "OT", sizeof food.category);
  g_array_append_val (foods, food);
}

const FcMealSlot *
fc_meal_plan_slots (guint meals_per_day)
{
  switch (meals_per_day) {
    case 3:
      return slots_3;
    case 4:
      return slots_4;
    case 5:
      return slots_5;
    case 6:
      return slots_6;
    default:
      g_return_val_if_reached (NULL);
  }
}

static const TemplateItem *
slot_template (const FcMealSlot *slot,
               guint            *n_items)
{
  if (g_str_equal (slot->meal_time, "BF")) {
    *n_items = G_N_ELEMENTS (breakfast_template);
    return breakfast_template;
  }
  if (g_str_equal (slot->meal_time, "SN")) {
    *n_items = G_N_ELEMENTS (snack_template);
    return snack_template;
  }
  *n_items = G_N_ELEMENTS (main_template);
  return main_template;
}

/* ---- Diets ------------------------------------------------------------- */

static gboolean
word_in (const char         *word,
         const char * const *list)
{
  gsize length = strlen (word);

  for (guint i = 0; list[i] != NULL; i++) {
    gsize stem = strlen (list[i]);

    /* "sardines", "eggs": a plural of a listed word. */
    if (g_str_equal (word, list[i]) ||
        (length == stem + 1 && word[stem] == 's' && strncmp (word, list[i], stem) == 0))
      return TRUE;
  }
  return FALSE;
}

static gboolean
name_has_word (const char         *name,
               const char * const *words,
               gboolean            skip_plant_qualified)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_auto(GStrv) parts = NULL;
  const char *previous = "";

  g_strdelimit (lower, " ,;:()/-%&.'\"0123456789", ' ');
  parts = g_strsplit (lower, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    if (*parts[i] == '\0')
      continue;
    if (word_in (parts[i], words) &&
        !(skip_plant_qualified && word_in (previous, plant_qualifiers)))
      return TRUE;
    previous = parts[i];
  }
  return FALSE;
}

gboolean
fc_meal_plan_diet_allows (FcDiet            diet,
                          const FcPlanFood *food)
{
  g_return_val_if_fail (food != NULL, FALSE);

  if (diet == FC_DIET_ANY)
    return TRUE;
  if (name_has_word (food->name, meat_words, FALSE))
    return FALSE;
  if (diet == FC_DIET_VEGETARIAN)
    return TRUE;

  /* Dairy by category, unless it is a plant milk or yogurt. */
  if (g_str_equal (food->category, "DR") && !name_has_word (food->name, plant_qualifiers, FALSE))
    return FALSE;
  return !name_has_word (food->name, animal_words, TRUE);
}

/* ---- Plans ------------------------------------------------------------- */

FcMealPlan *
fc_meal_plan_new (guint days,
                  guint meals_per_day)
{
  FcMealPlan *plan = g_new0 (FcMealPlan, 1);

  plan->days = days;
  plan->meals_per_day = meals_per_day;
  plan->meals = g_new0 (FcPlanMeal, (gsize) days * meals_per_day);
  return plan;
}

void
fc_meal_plan_free (FcMealPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->meals);
  g_free (plan);
}

static const FcPlanFood *
find_food (GArray *foods,
           gint64  id)
{
  for (guint i = 0; i < foods->len; i++) {
    const FcPlanFood *food = &g_array_index (foods, FcPlanFood, i);

    if (food->id == id)
      return food;
  }
  return NULL;
}

gboolean
fc_meal_plan_day_totals (const FcMealPlan *plan,
                         GArray           *foods,
                         guint             day,
                         FcMacros         *out)
{
  FcMacros totals = { 0 };

  g_return_val_if_fail (plan != NULL && foods != NULL && out != NULL, FALSE);
  g_return_val_if_fail (day < plan->days, FALSE);

  for (guint m = 0; m < plan->meals_per_day; m++) {
    const FcPlanMeal *meal = &plan->meals[day * plan->meals_per_day + m];

    for (guint i = 0; i < meal->n_items; i++) {
      const FcPlanFood *food = find_food (foods, meal->items[i].food_id);
      double servings = meal->items[i].servings;

      if (food == NULL)
        return FALSE;
      totals.calories += food->calories * servings;
      totals.protein += food->protein * servings;
      totals.carbohydrates += food->carbohydrates * servings;
      totals.fat += food->fat * servings;
    }
  }

  *out = totals;
  return TRUE;
}

static gboolean
is_excluded (const FcMealPlanSpec *spec,
             gint64                id)
{
  for (guint i = 0; i < spec->n_exclude_ids; i++) {
    if (spec->exclude_ids[i] == id)
      return TRUE;
  }
  return FALSE;
}

static gboolean
food_is_sane (const FcPlanFood *food)
{
  return isfinite (food->calories) && isfinite (food->protein) &&
         isfinite (food->carbohydrates) && isfinite (food->fat) && food->calories > 0 &&
         food->protein >= 0 && food->carbohydrates >= 0 && food->fat >= 0;
}

static gboolean
within_tolerance (const FcMacros *totals,
                  const FcMacros *targets,
                  double          calorie_tolerance,
                  double          macro_tolerance)
{
  return fabs (totals->calories - targets->calories) <= calorie_tolerance * targets->calories &&
         fabs (totals->protein - targets->protein) <= macro_tolerance * targets->protein &&
         fabs (totals->carbohydrates - targets->carbohydrates) <=
           macro_tolerance * targets->carbohydrates &&
         fabs (totals->fat - targets->fat) <= macro_tolerance * targets->fat;
}

static gboolean
on_serving_step (double servings)
{
  double steps = servings / FC_MEAL_PLAN_SERVING_STEP;

  return fabs (steps - round (steps)) < 1e-9 && servings >= FC_MEAL_PLAN_MIN_SERVINGS - 1e-9 &&
         servings <= FC_MEAL_PLAN_MAX_SERVINGS + 1e-9;
}

gboolean
fc_meal_plan_validate (const FcMealPlan     *plan,
                       GArray               *foods,
                       const FcMealPlanSpec *spec,
                       GError              **error)
{
  g_return_val_if_fail (plan != NULL && foods != NULL && spec != NULL, FALSE);

  if (plan->days != spec->days || plan->meals_per_day != spec->meals_per_day) {
    g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                 "The plan has %u days of %u meals, not %u of %u", plan->days,
                 plan->meals_per_day, spec->days, spec->meals_per_day);
    return FALSE;
  }

  for (guint d = 0; d < plan->days; d++) {
    FcMacros totals;

    for (guint m = 0; m < plan->meals_per_day; m++) {
      const FcPlanMeal *meal = &plan->meals[d * plan->meals_per_day + m];

      if (meal->n_items == 0 || meal->n_items > FC_MEAL_PLAN_MAX_ITEMS) {
        g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                     "Day %u, meal %u has %u foods", d + 1, m + 1, meal->n_items);
        return FALSE;
      }
      for (guint i = 0; i < meal->n_items; i++) {
        const FcPlanItem *item = &meal->items[i];
        const FcPlanFood *food = find_food (foods, item->food_id);

        if (food == NULL || is_excluded (spec, item->food_id) ||
            !fc_meal_plan_diet_allows (spec->diet, food) || !food_is_sane (food)) {
          g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                       "Day %u, meal %u: food %" G_GINT64_FORMAT " may not be used", d + 1,
                       m + 1, item->food_id);
          return FALSE;
        }
        if (!on_serving_step (item->servings)) {
          g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                       "Day %u, meal %u: %g servings of food %" G_GINT64_FORMAT, d + 1, m + 1,
                       item->servings, item->food_id);
          return FALSE;
        }
        for (guint j = 0; j < i; j++) {
          if (meal->items[j].food_id == item->food_id) {
            g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                         "Day %u, meal %u: food %" G_GINT64_FORMAT " twice", d + 1, m + 1,
                         item->food_id);
            return FALSE;
          }
        }
      }
    }

    fc_meal_plan_day_totals (plan, foods, d, &totals);
    if (!within_tolerance (&totals, &spec->targets, FC_MEAL_PLAN_CALORIE_TOLERANCE,
                           FC_MEAL_PLAN_MACRO_TOLERANCE)) {
      g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                   "Day %u misses the targets: %.0f kcal, %.1f g protein, %.1f g"
                   " carbohydrates, %.1f g fat", d + 1, totals.calories, totals.protein,
                   totals.carbohydrates, totals.fat);
      return FALSE;
    }
  }
  return TRUE;
}

/* ---- Pools ------------------------------------------------------------- */

static gboolean
category_in (const FcPlanFood *food,
             const char       *categories)
{
  g_auto(GStrv) list = g_strsplit (categories, ",", -1);

  return g_strv_contains ((const char * const *) list, food->category);
}

/* Roles come from where a food's energy comes from (4/4/9 kcal per gram of
 * protein/carbohydrates/fat), and the category keeps sweets, sauces and
 * drinks out of meals. */
static void
sort_into_pools (Generator *self)
{
  for (guint i = 0; i < self->foods->len; i++) {
    const FcPlanFood *food = &g_array_index (self->foods, FcPlanFood, i);
    double energy = 4 * food->protein + 4 * food->carbohydrates + 9 * food->fat;
    double protein, carbohydrates, fat;
    gboolean starch, protein_food;

    if (!food_is_sane (food) || energy < 1 || is_excluded (self->spec, food->id) ||
        !fc_meal_plan_diet_allows (self->spec->diet, food) ||
        name_has_word (food->name, ingredient_words, FALSE))
      continue;

    protein = 4 * food->protein / energy;
    carbohydrates = 4 * food->carbohydrates / energy;
    fat = 9 * food->fat / energy;
    /* A protein food brings at least 5 g a serving: spinach is 40 % protein
     * by energy, but no one's main course. */
    protein_food = protein >= 0.30 && food->protein >= 5;
    starch = category_in (food, "GR,VG") && carbohydrates >= 0.65 && food->calories >= 50;

    if (protein_food && category_in (food, "PR,VG"))
      g_array_append_val (self->pools[POOL_PROTEIN_MAIN], i);
    if (protein_food && (category_in (food, "DR") ||
                         name_has_word (food->name, breakfast_protein_words, FALSE)))
      g_array_append_val (self->pools[POOL_PROTEIN_BREAKFAST], i);
    if (protein_food && category_in (food, "DR"))
      g_array_append_val (self->pools[POOL_DAIRY], i);
    if (starch)
      g_array_append_val (self->pools[POOL_STARCH], i);
    if (starch && category_in (food, "GR"))
      g_array_append_val (self->pools[POOL_GRAIN], i);
    if (!starch && !protein_food && category_in (food, "VG"))
      g_array_append_val (self->pools[POOL_VEG], i);
    if (carbohydrates >= 0.60 && category_in (food, "FR"))
      g_array_append_val (self->pools[POOL_FRUIT], i);
    if (fat >= 0.60 && category_in (food, "FO"))
      g_array_append_val (self->pools[POOL_COOKING_FAT], i);
    if (fat >= 0.60 && protein < 0.25 && category_in (food, "PR,FR"))
      g_array_append_val (self->pools[POOL_NUTS], i);
  }
}

/* An empty pool borrows from a close one, so that a vegan or a long
 * exclusion list still gets meals. */
static GArray *
pool_or_fallback (Generator *self,
                  Pool       pool)
{
  static const Pool fallbacks[N_POOLS][2] = {
    [POOL_PROTEIN_MAIN] = { POOL_PROTEIN_BREAKFAST, POOL_DAIRY },
    [POOL_PROTEIN_BREAKFAST] = { POOL_DAIRY, POOL_PROTEIN_MAIN },
    [POOL_DAIRY] = { POOL_PROTEIN_BREAKFAST, POOL_PROTEIN_MAIN },
    [POOL_STARCH] = { POOL_GRAIN, POOL_FRUIT },
    [POOL_GRAIN] = { POOL_STARCH, POOL_FRUIT },
    [POOL_VEG] = { POOL_VEG, POOL_VEG },
    [POOL_FRUIT] = { POOL_STARCH, POOL_GRAIN },
    [POOL_COOKING_FAT] = { POOL_NUTS, POOL_NUTS },
    [POOL_NUTS] = { POOL_COOKING_FAT, POOL_COOKING_FAT },
  };

  if (self->pools[pool]->len > 0)
    return self->pools[pool];
  for (guint i = 0; i < G_N_ELEMENTS (fallbacks[pool]); i++) {
    if (self->pools[fallbacks[pool][i]]->len > 0)
      return self->pools[fallbacks[pool][i]];
  }
  return NULL;
}

/* A food from @pool for @day that is not in the meal yet; preferably one
 * not eaten today or yesterday, then one not eaten today. Returns -1 when
 * the pool has nothing left. */
static int
pick_food (Generator *self,
           GArray    *pool,
           int        day,
           const Var *meal_vars,
           guint      n_meal_vars)
{
  g_autofree guint *candidates = g_new (guint, pool->len);

  for (int level = 0; level < 3; level++) {
    guint n = 0;

    for (guint i = 0; i < pool->len; i++) {
      guint food = g_array_index (pool, guint, i);
      int last = self->last_day_used[food];
      gboolean in_meal = FALSE;

      for (guint v = 0; v < n_meal_vars; v++)
        in_meal |= meal_vars[v].food == food;
      if (in_meal || (level < 2 && last == day) || (level < 1 && last == day - 1))
        continue;
      candidates[n++] = food;
    }
    if (n > 0)
      return (int) candidates[g_rand_int_range (self->rand, 0, (gint32) n)];
  }
  return -1;
}

/* ---- The day's servings ------------------------------------------------ */

static double
day_energy (const Day    *day,
            const double  totals[4],
            const double *slot_calories)
{
  const double *target = &day->targets->calories;
  double energy = 0;

  for (guint k = 0; k < 4; k++) {
    double r = (totals[k] - target[k]) / target[k];

    energy += nutrient_weights[k] * r * r;
  }
  for (guint s = 0; s < day->n_slots; s++) {
    double r = (slot_calories[s] - day->slots[s].share * target[0]) / target[0];

    energy += SHARE_WEIGHT * r * r;
  }
  return energy;
}

static double
pull_energy (const Var *var,
             double     s)
{
  return SERVING_PULL * (s - var->pull) * (s - var->pull);
}

static void
day_recompute (Day *day)
{
  memset (day->totals, 0, sizeof day->totals);
  memset (day->slot_calories, 0, sizeof day->slot_calories);
  for (guint i = 0; i < day->n_vars; i++) {
    Var *var = &day->vars[i];

    for (guint k = 0; k < 4; k++)
      day->totals[k] += var->a[k] * var->s;
    day->slot_calories[var->slot] += var->a[0] * var->s;
  }
}

static void
var_shift (Day   *day,
           Var   *var,
           double delta)
{
  var->s += delta;
  for (guint k = 0; k < 4; k++)
    day->totals[k] += var->a[k] * delta;
  day->slot_calories[var->slot] += var->a[0] * delta;
}

/* The objective is quadratic in each serving: minimise it exactly along one
 * coordinate at a time, clamped to the box. */
static void
solve_continuous (Day *day)
{
  const double *target = &day->targets->calories;

  for (guint sweep = 0; sweep < CONTINUOUS_SWEEPS; sweep++) {
    for (guint i = 0; i < day->n_vars; i++) {
      Var *var = &day->vars[i];
      double share_target = day->slots[var->slot].share * target[0];
      double g = 2 * SERVING_PULL * (var->s - var->pull);
      double h = 2 * SERVING_PULL;
      double next;

      for (guint k = 0; k < 4; k++) {
        double t2 = target[k] * target[k];

        g += 2 * nutrient_weights[k] * var->a[k] * (day->totals[k] - target[k]) / t2;
        h += 2 * nutrient_weights[k] * var->a[k] * var->a[k] / t2;
      }
      g += 2 * SHARE_WEIGHT * var->a[0] * (day->slot_calories[var->slot] - share_target) /
           (target[0] * target[0]);
      h += 2 * SHARE_WEIGHT * var->a[0] * var->a[0] / (target[0] * target[0]);

      next = CLAMP (var->s - g / h, var->lo, var->hi);
      var_shift (day, var, next - var->s);
    }
  }
}

/* Energy after moving var @i by @di and var @j by @dj (j may be -1). */
static double
energy_after (const Day *day,
              int        i,
              double     di,
              int        j,
              double     dj)
{
  double totals[4];
  double slot_calories[FC_MEAL_PLAN_MAX_MEALS];
  double pull = 0;
  const Var *a = &day->vars[i];

  memcpy (totals, day->totals, sizeof totals);
  memcpy (slot_calories, day->slot_calories, sizeof slot_calories);
  for (guint k = 0; k < 4; k++)
    totals[k] += a->a[k] * di;
  slot_calories[a->slot] += a->a[0] * di;
  pull += pull_energy (a, a->s + di) - pull_energy (a, a->s);

  if (j >= 0) {
    const Var *b = &day->vars[j];

    for (guint k = 0; k < 4; k++)
      totals[k] += b->a[k] * dj;
    slot_calories[b->slot] += b->a[0] * dj;
    pull += pull_energy (b, b->s + dj) - pull_energy (b, b->s);
  }
  return day_energy (day, totals, slot_calories) + pull;
}

static gboolean
move_fits (const Var *var,
           double     delta)
{
  double s = var->s + delta;

  return s >= var->lo - 1e-9 && s <= var->hi + 1e-9;
}

/* Quarter servings: round, then take the best single or paired quarter step
 * while one improves the objective. Paired steps trade one food for another
 * at nearly equal calories, which single steps cannot do without first
 * making things worse. */
static void
solve_discrete (Day *day)
{
  const double step = FC_MEAL_PLAN_SERVING_STEP;

  for (guint i = 0; i < day->n_vars; i++) {
    Var *var = &day->vars[i];

    var->s = CLAMP (round (var->s / step) * step, var->lo, var->hi);
  }
  day_recompute (day);

  for (guint moves = 0; moves < MAX_LOCAL_MOVES; moves++) {
    double base = day_energy (day, day->totals, day->slot_calories);
    double best = base - 1e-12;
    int best_i = -1, best_j = -1;
    double best_di = 0, best_dj = 0;

    for (int i = 0; i < (int) day->n_vars; i++) {
      for (int sign = -1; sign <= 1; sign += 2) {
        double di = sign * step;
        double e;

        if (!move_fits (&day->vars[i], di))
          continue;
        e = energy_after (day, i, di, -1, 0);
        if (e < best) {
          best = e, best_i = i, best_j = -1, best_di = di;
        }
        for (int j = 0; j < (int) day->n_vars; j++) {
          if (j == i || !move_fits (&day->vars[j], -di))
            continue;
          e = energy_after (day, i, di, j, -di);
          if (e < best) {
            best = e, best_i = i, best_j = j, best_di = di, best_dj = -di;
          }
        }
      }
    }

    if (best_i < 0)
      break;
    var_shift (day, &day->vars[best_i], best_di);
    if (best_j >= 0)
      var_shift (day, &day->vars[best_j], best_dj);
  }
}

static gboolean
day_fits (const Day *day,
          double     calorie_tolerance,
          double     macro_tolerance)
{
  FcMacros totals = { day->totals[0], day->totals[1], day->totals[2], day->totals[3] };

  return within_tolerance (&totals, day->targets, calorie_tolerance, macro_tolerance);
}

/* Draws the foods of every slot of @day_index into @day. FALSE when a
 * required role has nothing to offer. */
static gboolean
draw_day (Generator *self,
          Day       *day,
          int        day_index)
{
  day->n_vars = 0;

  for (guint s = 0; s < day->n_slots; s++) {
    guint n_template = 0;
    const TemplateItem *template = slot_template (&day->slots[s], &n_template);
    guint first = day->n_vars;

    for (guint t = 0; t < n_template; t++) {
      GArray *pool = pool_or_fallback (self, template[t].pool);
      const FcPlanFood *food;
      Var *var;
      int index;

      index = pool != NULL ? pick_food (self, pool, day_index, &day->vars[first],
                                        day->n_vars - first)
                           : -1;
      if (index < 0) {
        if (template[t].required && template[t].pool != POOL_VEG)
          return FALSE;
        continue;
      }

      food = &g_array_index (self->foods, FcPlanFood, index);
      var = &day->vars[day->n_vars++];
      *var = (Var) {
        .food = (guint) index,
        .slot = s,
        .a = { food->calories, food->protein, food->carbohydrates, food->fat },
        .lo = template[t].required ? FC_MEAL_PLAN_MIN_SERVINGS : 0,
        .hi = template[t].max_servings,
        .pull = template[t].required ? 1 : 0.5,
      };
      var->s = var->pull;
    }
  }

  day_recompute (day);
  return TRUE;
}

static void
store_day (Generator  *self,
           const Day  *day,
           FcMealPlan *plan,
           guint       day_index)
{
  for (guint i = 0; i < day->n_vars; i++) {
    const Var *var = &day->vars[i];
    FcPlanMeal *meal = &plan->meals[day_index * plan->meals_per_day + var->slot];

    /* An optional food the solver brought down to nothing is left out. */
    if (var->s < FC_MEAL_PLAN_MIN_SERVINGS - 1e-9)
      continue;
    g_assert (meal->n_items < FC_MEAL_PLAN_MAX_ITEMS);
    meal->items[meal->n_items++] = (FcPlanItem) {
      .food_id = g_array_index (self->foods, FcPlanFood, var->food).id,
      .servings = var->s,
    };
    self->last_day_used[var->food] = (int) day_index;
  }
}

FcMealPlan *
fc_meal_plan_generate (GArray               *foods,
                       const FcMealPlanSpec *spec,
                       GError              **error)
{
  g_autoptr(FcMealPlan) plan = NULL;
  g_autofree int *last_day_used = NULL;
  g_autoptr(GRand) rand = NULL;
  Generator self = { 0 };
  Day day = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (foods != NULL, NULL);
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (spec->meals_per_day >= FC_MEAL_PLAN_MIN_MEALS &&
                        spec->meals_per_day <= FC_MEAL_PLAN_MAX_MEALS, NULL);
  g_return_val_if_fail (spec->days > 0, NULL);
  g_return_val_if_fail (spec->targets.calories > 0 && spec->targets.protein > 0 &&
                        spec->targets.carbohydrates > 0 && spec->targets.fat > 0, NULL);

  rand = g_rand_new_with_seed (spec->seed);
  last_day_used = g_new (int, MAX (foods->len, 1));
  for (guint i = 0; i < foods->len; i++)
    last_day_used[i] = -2;

  self = (Generator) {
    .foods = foods,
    .spec = spec,
    .last_day_used = last_day_used,
    .rand = rand,
  };
  for (guint p = 0; p < N_POOLS; p++)
    self.pools[p] = g_array_new (FALSE, FALSE, sizeof (guint));
  sort_into_pools (&self);

  if (pool_or_fallback (&self, POOL_PROTEIN_MAIN) == NULL ||
      pool_or_fallback (&self, POOL_STARCH) == NULL) {
    g_set_error_literal (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_TOO_FEW_FOODS,
                         "There are too few foods left to build meals from: at least one"
                         " protein food and one grain or starchy vegetable are needed.");
    ok = FALSE;
  }

  plan = fc_meal_plan_new (spec->days, spec->meals_per_day);
  day.targets = &spec->targets;
  day.slots = fc_meal_plan_slots (spec->meals_per_day);
  day.n_slots = spec->meals_per_day;

  for (guint d = 0; ok && d < spec->days; d++) {
    gboolean found = FALSE;

    for (guint attempt = 0; !found && attempt < MAX_ATTEMPTS_PER_DAY; attempt++) {
      double margin = attempt < STRICT_ATTEMPTS ? STRICT_MARGIN : LOOSE_MARGIN;

      if (!draw_day (&self, &day, (int) d))
        break;
      solve_continuous (&day);
      solve_discrete (&day);
      found = day_fits (&day, margin * FC_MEAL_PLAN_CALORIE_TOLERANCE,
                        margin * FC_MEAL_PLAN_MACRO_TOLERANCE);
    }

    if (!found) {
      g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INFEASIBLE,
                   "The foods available cannot reach %.0f kcal with %.0f g protein, %.0f g"
                   " carbohydrates and %.0f g fat a day in %u meals.",
                   spec->targets.calories, spec->targets.protein, spec->targets.carbohydrates,
                   spec->targets.fat, spec->meals_per_day);
      ok = FALSE;
      break;
    }
    store_day (&self, &day, plan, d);
  }

  for (guint p = 0; p < N_POOLS; p++)
    g_array_unref (self.pools[p]);
  if (!ok)
    return NULL;

  /* The optimizer's output passes the same check as anyone else's. */
  if (!fc_meal_plan_validate (plan, foods, spec, error))
    return NULL;
  return g_steal_pointer (&plan);
}

gboolean
fc_meal_plan_refit (FcMealPlan           *plan,
                    GArray               *foods,
                    const FcMealPlanSpec *spec)
{
  Day day = { 0 };

  g_return_val_if_fail (plan != NULL && foods != NULL && spec != NULL, FALSE);
  g_return_val_if_fail (plan->meals_per_day == spec->meals_per_day, FALSE);

  day.targets = &spec->targets;
  day.slots = fc_meal_plan_slots (spec->meals_per_day);
  day.n_slots = spec->meals_per_day;

  for (guint d = 0; d < plan->days; d++) {
    day.n_vars = 0;
    for (guint m = 0; m < plan->meals_per_day; m++) {
      const FcPlanMeal *meal = &plan->meals[d * plan->meals_per_day + m];

      for (guint i = 0; i < meal->n_items && i < FC_MEAL_PLAN_MAX_ITEMS; i++) {
        const FcPlanFood *food = find_food (foods, meal->items[i].food_id);
        Var *var = &day.vars[day.n_vars++];

        if (food == NULL)
          return FALSE;
        *var = (Var) {
          .slot = m,
          .a = { food->calories, food->protein, food->carbohydrates, food->fat },
          .lo = FC_MEAL_PLAN_MIN_SERVINGS,
          .hi = FC_MEAL_PLAN_MAX_SERVINGS,
          .pull = CLAMP (meal->items[i].servings, FC_MEAL_PLAN_MIN_SERVINGS,
                         FC_MEAL_PLAN_MAX_SERVINGS),
        };
        var->s = var->pull;
      }
    }

    day_recompute (&day);
    solve_continuous (&day);
    solve_discrete (&day);
    if (!day_fits (&day, LOOSE_MARGIN * FC_MEAL_PLAN_CALORIE_TOLERANCE,
                   LOOSE_MARGIN * FC_MEAL_PLAN_MACRO_TOLERANCE))
      return FALSE;

    for (guint v = 0, m = 0; m < plan->meals_per_day; m++) {
      FcPlanMeal *meal = &plan->meals[d * plan->meals_per_day + m];

      for (guint i = 0; i < meal->n_items && i < FC_MEAL_PLAN_MAX_ITEMS; i++)
        meal->items[i].servings = day.vars[v++].s;
    }
  }
  return TRUE;
}
