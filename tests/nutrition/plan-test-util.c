/* plan-test-util.c — the demo food table as plan foods, for the generator tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "plan-test-util.h"


#include "fc-nutrition-demo.h"
#include "fc-sql.h"

GArray *
pt_load_demo_foods (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "src", "server", "nutrition",
                                                 "demo-foods.tsv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) tsv = NULL;
  GArray *foods = fc_plan_foods_new ();
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(FcSql) db = NULL;

  g_assert_no_error (error);
  tsv = g_mapped_file_get_bytes (file);

  db = fc_sql_open (":memory:", FC_SQL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  fc_sql_exec (db, "INSERT INTO users (id, email, password, is_staff, date_joined)"
                   " VALUES (1, 'staff@x.test', '!', 1, 'T')", &error);
  g_assert_no_error (error);
  g_assert_cmpint (fc_nutrition_demo_load_foods (db, tsv, 1, &error), >, 150);
  g_assert_no_error (error);

  stmt = fc_sql_prepare (db, "SELECT id, name, food_category, calories, protein,"
                             " carbohydrates, fat FROM foods ORDER BY id");
  while (fc_sql_step_row (stmt))
    fc_plan_foods_add (foods, fc_sql_column_int64 (stmt, 0),
                       fc_sql_column_text (stmt, 1), fc_sql_column_text (stmt, 2),
                       fc_sql_column_double (stmt, 3), fc_sql_column_double (stmt, 4),
                       fc_sql_column_double (stmt, 5), fc_sql_column_double (stmt, 6));
  return foods;
}

const FcPlanFood *
pt_food_named (GArray     *foods,
               const char *name)
{
  for (guint i = 0; i < foods->len; i++) {
    const FcPlanFood *food = &g_array_index (foods, FcPlanFood, i);

    if (g_str_equal (food->name, name))
      return food;
  }
  g_error ("No demo food is called “%s”", name);
}

void
pt_day_deviation (const FcMealPlan *plan,
                  GArray           *foods,
                  guint             day,
                  const FcMacros   *targets,
                  double            deviation[4])
{
  FcMacros totals;

  g_assert_true (fc_meal_plan_day_totals (plan, foods, day, &totals));
  deviation[0] = (totals.calories - targets->calories) / targets->calories;
  deviation[1] = (totals.protein - targets->protein) / targets->protein;
  deviation[2] = (totals.carbohydrates - targets->carbohydrates) / targets->carbohydrates;
  deviation[3] = (totals.fat - targets->fat) / targets->fat;
}
