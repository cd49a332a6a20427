/* fc-nutrition-demo.c — demo content for `fitcore-server --demo`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Public foods from the demo food table compiled into the binary, a dozen
 * sample meals for the demo user, and three meal-plan templates owned by
 * staff whose schedules use staff-owned template meals.
 */

#define G_LOG_DOMAIN "fc-nutrition"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "fc-nutrition-demo.h"
#include "fc-nutrition-private.h"
#include "fc-nutrition-resources.h"
#include "fc-time.h"

#define DEMO_FOODS_RESOURCE "/org/fitcore/server/nutrition/demo-foods.tsv"
#define DEMO_FOODS_HEADER                                                                    \
  "name\tdescription\tserving_quantity\tserving_unit\tcalories\tprotein\tcarbohydrates\t"   \
  "fat\tfiber\tsugar\tsodium\tfood_category"
#define N_FOOD_COLUMNS 12
#define MAX_ITEMS 5

G_DEFINE_QUARK (fc-nutrition-demo-error-quark, fc_nutrition_demo_error)

typedef struct {
  const char *food;
  double      servings;
} DemoItem;

typedef struct {
  const char *name;
  const char *category;
  const char *description;
  DemoItem    items[MAX_ITEMS];
} DemoMeal;

/* Servings are multiples of each food's own serving in the table. */
static const DemoMeal demo_meals[] = {
  { "Oatmeal with Banana and Walnuts", "BF", "Warm oats, sliced banana, a handful of walnuts",
    { { "Oatmeal, Cooked", 1 }, { "Banana", 1 }, { "Walnuts", 0.5 } } },
  { "Greek Yogurt Parfait", "BF", "Nonfat Greek yogurt layered with blueberries and granola",
    { { "Greek Yogurt, Nonfat", 1 }, { "Blueberries", 0.5 }, { "Granola", 0.25 } } },
  { "Scrambled Eggs on Toast", "BF", "Two scrambled eggs, whole-wheat toast and an orange",
    { { "Egg, Scrambled", 2 }, { "Whole-Wheat Bread", 2 }, { "Orange", 1 } } },
  { "Chicken Quinoa Bowl", "LN", "Roast chicken breast over quinoa with broccoli",
    { { "Chicken Breast, Roasted", 1.5 }, { "Quinoa, Cooked", 1 }, { "Broccoli, Cooked", 1 },
      { "Olive Oil", 0.5 } } },
  { "Tuna Salad Pita", "LN", "Tuna, lettuce and tomato in a whole-wheat pita",
    { { "Tuna, Canned in Water", 1 }, { "Whole-Wheat Pita", 1 }, { "Romaine Lettuce", 1 },
      { "Tomato", 1 } } },
  { "Lentil and Spinach Bowl", "LN", "Lentils and brown rice on spinach with feta",
    { { "Lentils, Cooked", 1 }, { "Brown Rice, Cooked", 0.5 }, { "Spinach, Raw", 2 },
      { "Feta Cheese", 0.5 } } },
  { "Salmon with Sweet Potato", "DN", "Baked salmon, sweet potato and asparagus",
    { { "Salmon, Cooked", 1.5 }, { "Sweet Potato, Baked", 1 }, { "Asparagus, Cooked", 2 },
      { "Olive Oil", 0.5 } } },
  { "Turkey Spaghetti Marinara", "DN", "Whole-wheat spaghetti with ground turkey in marinara",
    { { "Ground Turkey, Cooked", 1 }, { "Whole-Wheat Spaghetti, Cooked", 1.5 },
      { "Marinara Sauce", 1 } } },
  { "Steak, Rice and Green Beans", "DN", "Broiled sirloin with brown rice and green beans",
    { { "Sirloin Steak, Broiled", 1.5 }, { "Brown Rice, Cooked", 1 },
      { "Green Beans, Cooked", 1 } } },
  { "Tofu Stir-Fry", "DN", "Firm tofu and broccoli stir-fried over white rice",
    { { "Tofu, Firm", 1 }, { "White Rice, Cooked", 1 }, { "Broccoli, Cooked", 1 },
      { "Avocado Oil", 0.5 } } },
  { "Apple with Peanut Butter", "SN", "A crisp apple with a tablespoon of peanut butter",
    { { "Apple", 1 }, { "Peanut Butter", 0.5 } } },
  { "Cottage Cheese and Almonds", "SN", "Low-fat cottage cheese with a few almonds",
    { { "Cottage Cheese, Low-Fat 2%", 1 }, { "Almonds", 0.5 } } },
};

/* Indexes into demo_meals, by what a day needs. */
enum { OATMEAL, PARFAIT, EGGS, CHICKEN_BOWL, TUNA_PITA, LENTIL_BOWL, SALMON, SPAGHETTI,
       STEAK, TOFU, APPLE_PB, COTTAGE };

typedef struct {
  const char *name;
  const char *description;
  const char *goal;
  gint64      duration_days;
  double      calories, protein, carbohydrates, fat;
  /* Meals of each day cycle through these; -1 ends a list. The recipes
   * are portioned so that the days average the calorie target. */
  int         breakfasts[4];
  int         lunches[4];
  int         dinners[5];
  int         snacks[3];
} DemoTemplate;

static const DemoTemplate demo_templates[] = {
  { "Lean Cut \u2014 7 days", "High-protein week at about 1,800 kcal a day for steady fat loss.",
    "WL", 7, 1800, 140, 170, 60,
    { PARFAIT, EGGS, -1 }, { CHICKEN_BOWL, TUNA_PITA, -1 }, { SALMON, TOFU, STEAK, -1 },
    { COTTAGE, -1 } },
  { "Balanced Maintenance \u2014 7 days", "Varied, balanced meals to hold your weight.",
    "MN", 7, 2200, 120, 250, 75,
    { OATMEAL, PARFAIT, EGGS, -1 }, { LENTIL_BOWL, CHICKEN_BOWL, TUNA_PITA, -1 },
    { SPAGHETTI, SALMON, TOFU, STEAK, -1 }, { -1 } },
  { "Muscle Gain \u2014 5 days", "Calorie surplus with plenty of protein for training days.",
    "MG", 5, 2800, 170, 330, 85,
    { OATMEAL, EGGS, -1 }, { CHICKEN_BOWL, LENTIL_BOWL, -1 }, { STEAK, SPAGHETTI, SALMON, -1 },
    { APPLE_PB, COTTAGE, -1 } },
};

static gboolean
set_db_error (FcSql  *db,
              GError  **error)
{
  g_set_error (error, FC_NUTRITION_DEMO_ERROR, FC_NUTRITION_DEMO_ERROR_DATABASE,
               "Database error: %s", fc_sql_errmsg (db));
  return FALSE;
}

static gboolean
parse_number (const char *text,
              gboolean    nullable,
              double     *out,
              gboolean   *is_null)
{
  char *end = NULL;

  *is_null = *text == '\0';
  if (*is_null)
    return nullable;

  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && *out >= 0;
}

/* One line of the table, split at tabs, as a row borrowing @fields;
 * @line_number is only for the message. */
static gboolean
parse_food_fields (char           **fields,
                   guint            line_number,
                   FcNutritionRow  *row,
                   GError         **error)
{
  static const char * const numbers[] = {
    "serving_quantity", "calories", "protein", "carbohydrates", "fat", "fiber", "sugar", "sodium",
  };
  static const int number_columns[] = { 2, 4, 5, 6, 7, 8, 9, 10 };
  static const char * const categories[] = { "FR", "VG", "GR", "PR", "DR", "FO", "BV", "OT", NULL };
  gboolean ok = g_strv_length (fields) == N_FOOD_COLUMNS && *fields[0] != '\0' &&
                *fields[3] != '\0' && g_strv_contains (categories, fields[11]);

  for (guint i = 0; ok && i < G_N_ELEMENTS (numbers); i++) {
    double value = 0;
    gboolean is_null = FALSE;

    /* fiber, sugar and sodium (the last three) may be unknown. */
    ok = parse_number (fields[number_columns[i]], i >= 5, &value, &is_null);
    if (!ok)
      break;
    if (is_null)
      fc_nutrition_row_null (row, numbers[i]);
    else
      fc_nutrition_row_real (row, numbers[i], value);
  }

  if (!ok) {
    g_set_error (error, FC_NUTRITION_DEMO_ERROR, FC_NUTRITION_DEMO_ERROR_DATA,
                 "Demo food table, line %u: expected %d tab-separated fields with a name, a "
                 "serving unit, non-negative numbers and a category code", line_number,
                 N_FOOD_COLUMNS);
    return FALSE;
  }

  fc_nutrition_row_text (row, "name", fields[0]);
  fc_nutrition_row_text (row, "description", fields[1]);
  fc_nutrition_row_text (row, "serving_unit", fields[3]);
  fc_nutrition_row_text (row, "food_category", fields[11]);
  return TRUE;
}

gint64
fc_nutrition_demo_load_foods (FcSql  *db,
                              GBytes   *tsv,
                              gint64    owner_id,
                              GError  **error)
{
  g_autofree char *text = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  g_auto(GStrv) lines = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  gsize size = 0;
  const char *data;

  g_return_val_if_fail (db != NULL, -1);
  g_return_val_if_fail (tsv != NULL, -1);

  data = g_bytes_get_data (tsv, &size);
  text = g_strndup (data, size);
  g_strdelimit (text, "\r", '\n');
  lines = g_strsplit (text, "\n", -1);

  if (lines[0] == NULL || !g_str_equal (lines[0], DEMO_FOODS_HEADER)) {
    g_set_error_literal (error, FC_NUTRITION_DEMO_ERROR, FC_NUTRITION_DEMO_ERROR_DATA,
                         "Demo food table: unexpected header line");
    return -1;
  }

  /* Every line is checked before the first insert. */
  rows = g_array_new (FALSE, TRUE, sizeof (FcNutritionRow));
  for (guint i = 1; lines[i] != NULL; i++) {
    FcNutritionRow row = { 0 };
    char **fields;

    if (*lines[i] == '\0')
      continue;
    /* The rows borrow the fields' strings: @keep holds them until the end. */
    fields = g_strsplit (lines[i], "\t", -1);
    g_ptr_array_add (keep, fields);
    if (!parse_food_fields (fields, i + 1, &row, error))
      return -1;
    g_array_append_val (rows, row);
  }

  for (guint i = 0; i < rows->len; i++) {
    FcNutritionRow *row = &g_array_index (rows, FcNutritionRow, i);

    fc_nutrition_row_int (row, "user_added_id", owner_id);
    fc_nutrition_row_int (row, "is_public", 1);
    fc_nutrition_row_text (row, "created_at", now);
    fc_nutrition_row_text (row, "updated_at", now);
    if (fc_nutrition_row_insert (db, "foods", row) == 0) {
      set_db_error (db, error);
      return -1;
    }
  }

  return rows->len;
}

static gint64
find_public_food (FcSql    *db,
                  const char *name,
                  double     *calories)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "SELECT id, calories FROM foods"
                                                              " WHERE name = ? AND is_public = 1"
                                                              " ORDER BY id LIMIT 1");

  if (stmt == NULL)
    return 0;
  fc_sql_bind_text (stmt, 1, name);
  if (fc_sql_step (stmt) != FC_SQL_ROW)
    return 0;
  if (calories != NULL)
    *calories = fc_sql_column_double (stmt, 1);
  return fc_sql_column_int64 (stmt, 0);
}

static double
round_to_quarter (double servings)
{
  return MAX (0.25, floor (servings * 4 + 0.5) / 4);
}

/* Creates @meal for @user_id with every serving scaled by @portion (to the
 * nearest quarter serving); returns its id, or 0. */
static gint64
create_meal (FcSql         *db,
             gint64           user_id,
             gboolean         is_template,
             const DemoMeal  *meal,
             double           portion,
             const char      *now,
             GError         **error)
{
  FcNutritionRow row = { 0 };
  gint64 id;

  fc_nutrition_row_int (&row, "user_id", user_id);
  fc_nutrition_row_text (&row, "name", meal->name);
  fc_nutrition_row_text (&row, "meal_time_category", meal->category);
  fc_nutrition_row_text (&row, "description", meal->description);
  fc_nutrition_row_int (&row, "is_template", is_template);
  fc_nutrition_row_text (&row, "created_at", now);
  fc_nutrition_row_text (&row, "updated_at", now);
  id = fc_nutrition_row_insert (db, "meals", &row);
  if (id == 0) {
    set_db_error (db, error);
    return 0;
  }

  for (guint j = 0; j < MAX_ITEMS && meal->items[j].food != NULL; j++) {
    FcNutritionRow item = { 0 };
    gint64 food_id = find_public_food (db, meal->items[j].food, NULL);

    if (food_id == 0) {
      g_set_error (error, FC_NUTRITION_DEMO_ERROR, FC_NUTRITION_DEMO_ERROR_DATA,
                   "Demo meal “%s” needs the food “%s”, which the table lacks", meal->name,
                   meal->items[j].food);
      return 0;
    }
    fc_nutrition_row_int (&item, "meal_id", id);
    fc_nutrition_row_int (&item, "food_id", food_id);
    fc_nutrition_row_real (&item, "number_of_servings",
                           round_to_quarter (meal->items[j].servings * portion));
    if (fc_nutrition_row_insert (db, "meal_items", &item) == 0) {
      set_db_error (db, error);
      return 0;
    }
  }
  return id;
}

static double
meal_calories (FcSql        *db,
               const DemoMeal *meal)
{
  double total = 0;

  for (guint j = 0; j < MAX_ITEMS && meal->items[j].food != NULL; j++) {
    double calories = 0;

    find_public_food (db, meal->items[j].food, &calories);
    total += calories * meal->items[j].servings;
  }
  return total;
}

/* The cycles a template's days draw their meals from, in meal-time order. */
static const int *
template_cycle (const DemoTemplate *template,
                guint               which)
{
  switch (which) {
    case 0:
      return template->breakfasts;
    case 1:
      return template->lunches;
    case 2:
      return template->dinners;
    default:
      return template->snacks;
  }
}

#define N_CYCLES 4

static guint
cycle_length (const int *cycle)
{
  guint length = 0;

  while (cycle[length] >= 0)
    length++;
  return length;
}

/* The meal of @cycle on @day (1-based), or -1 when the cycle is empty. */
static int
cycle_meal (const int *cycle,
            gint64     day)
{
  guint length = cycle_length (cycle);

  return length > 0 ? cycle[(day - 1) % length] : -1;
}

/* How much to scale the recipes so the template's days average its
 * calorie target. */
static double
template_portion (FcSql            *db,
                  const DemoTemplate *template)
{
  double total = 0;

  for (gint64 day = 1; day <= template->duration_days; day++) {
    for (guint c = 0; c < N_CYCLES; c++) {
      int meal = cycle_meal (template_cycle (template, c), day);

      if (meal >= 0)
        total += meal_calories (db, &demo_meals[meal]);
    }
  }
  return total > 0 ? template->calories * template->duration_days / total : 1.0;
}

static gboolean
create_template (FcSql            *db,
                 gint64              staff_id,
                 const DemoTemplate *template,
                 const char         *now,
                 GError            **error)
{
  gint64 meal_ids[G_N_ELEMENTS (demo_meals)] = { 0 };
  double portion = template_portion (db, template);
  FcNutritionRow row = { 0 };
  gint64 plan_id;

  fc_nutrition_row_int (&row, "user_id", staff_id);
  fc_nutrition_row_text (&row, "name", template->name);
  fc_nutrition_row_text (&row, "description", template->description);
  fc_nutrition_row_text (&row, "goal", template->goal);
  fc_nutrition_row_int (&row, "duration_days", template->duration_days);
  fc_nutrition_row_real (&row, "target_daily_calories", template->calories);
  fc_nutrition_row_real (&row, "target_daily_protein", template->protein);
  fc_nutrition_row_real (&row, "target_daily_carbohydrates", template->carbohydrates);
  fc_nutrition_row_real (&row, "target_daily_fat", template->fat);
  fc_nutrition_row_int (&row, "is_active", 1);
  fc_nutrition_row_int (&row, "is_template", 1);
  fc_nutrition_row_text (&row, "created_at", now);
  fc_nutrition_row_text (&row, "updated_at", now);
  plan_id = fc_nutrition_row_insert (db, "meal_plans", &row);
  if (plan_id == 0)
    return set_db_error (db, error);

  for (gint64 day = 1; day <= template->duration_days; day++) {
    for (guint c = 0; c < N_CYCLES; c++) {
      int meal = cycle_meal (template_cycle (template, c), day);
      FcNutritionRow entry = { 0 };

      if (meal < 0)
        continue;
      /* Each template gets its own staff meals, portioned for its target. */
      if (meal_ids[meal] == 0) {
        meal_ids[meal] = create_meal (db, staff_id, TRUE, &demo_meals[meal], portion, now, error);
        if (meal_ids[meal] == 0)
          return FALSE;
      }
      fc_nutrition_row_int (&entry, "meal_plan_id", plan_id);
      fc_nutrition_row_int (&entry, "meal_id", meal_ids[meal]);
      fc_nutrition_row_int (&entry, "day_of_plan", day);
      if (fc_nutrition_row_insert (db, "scheduled_meals", &entry) == 0)
        return set_db_error (db, error);
    }
  }
  return TRUE;
}

static gboolean
seed (FcSql  *db,
      gint64    staff_id,
      gint64    demo_user_id,
      GError  **error)
{
  g_autoptr(GBytes) tsv = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();

  /* Looked up in our own resource, not the global set: that also keeps the
   * linker from dropping the resource's object out of the static library. */
  tsv = g_resource_lookup_data (fc_nutrition_get_resource (), DEMO_FOODS_RESOURCE,
                                G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (tsv == NULL || fc_nutrition_demo_load_foods (db, tsv, staff_id, error) < 0)
    return FALSE;

  for (guint i = 0; demo_user_id > 0 && i < G_N_ELEMENTS (demo_meals); i++) {
    if (create_meal (db, demo_user_id, FALSE, &demo_meals[i], 1.0, now, error) == 0)
      return FALSE;
  }

  for (guint i = 0; i < G_N_ELEMENTS (demo_templates); i++) {
    if (!create_template (db, staff_id, &demo_templates[i], now, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
fc_nutrition_seed_demo (FcSql  *db,
                        gint64    staff_id,
                        gint64    demo_user_id,
                        GError  **error)
{
  g_autoptr(FcSqlStmt) stmt = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (staff_id > 0, FALSE);

  stmt = fc_sql_prepare (db, "SELECT COUNT(*) FROM foods WHERE is_public = 1");
  if (stmt == NULL || fc_sql_step (stmt) != FC_SQL_ROW)
    return set_db_error (db, error);
  if (fc_sql_column_int64 (stmt, 0) > 0)
    return TRUE;
  g_clear_pointer (&stmt, fc_sql_finalize);

  /* One transaction, or a savepoint inside the caller's */
  if (!fc_sql_begin (db))
    return set_db_error (db, error);
  if (!seed (db, staff_id, demo_user_id, error)) {
    fc_sql_end (db, FALSE);
    return FALSE;
  }
  if (!fc_sql_end (db, TRUE))
    return set_db_error (db, error);
  return TRUE;
}
