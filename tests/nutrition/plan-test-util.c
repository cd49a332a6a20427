/* plan-test-util.c — the demo food table as plan foods, for the generator tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "plan-test-util.h"

#include <sqlite3.h>

#include "fc-nutrition-demo.h"
#include "fc-server-schema.h"

GArray *
pt_load_demo_foods (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "src", "server", "nutrition",
                                                 "demo-foods.tsv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) tsv = NULL;
  const char * const *migrations;
  guint n_migrations = 0;
  GArray *foods = fc_plan_foods_new ();
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  tsv = g_mapped_file_get_bytes (file);

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  migrations = fc_server_schema_migrations (&n_migrations);
  for (guint i = 0; i < n_migrations; i++)
    g_assert_cmpint (sqlite3_exec (db, migrations[i], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO users (id, email, password, is_staff,"
                                     " date_joined) VALUES (1, 'staff@x.test', '!', 1, 'T')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (fc_nutrition_demo_load_foods (db, tsv, 1, &error), >, 150);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, name, food_category, calories, protein,"
                                           " carbohydrates, fat FROM foods ORDER BY id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    fc_plan_foods_add (foods, sqlite3_column_int64 (stmt, 0),
                       (const char *) sqlite3_column_text (stmt, 1),
                       (const char *) sqlite3_column_text (stmt, 2),
                       sqlite3_column_double (stmt, 3), sqlite3_column_double (stmt, 4),
                       sqlite3_column_double (stmt, 5), sqlite3_column_double (stmt, 6));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
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
