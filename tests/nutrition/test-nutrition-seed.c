/* test-nutrition-seed.c — the demo food table loader and the seed, on an in-memory database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fc-nutrition-demo.h"
#include "fc-sql.h"
#include "nutrition-test-util.h"

#define HEADER "name\tdescription\tserving_quantity\tserving_unit\tcalories\tprotein\t" \
               "carbohydrates\tfat\tfiber\tsugar\tsodium\tfood_category\n"

static FcSql *
open_db (void)
{
  g_autoptr(GError) error = NULL;
  FcSql *db = fc_sql_open (":memory:", FC_SQL_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  fc_sql_exec (db, "INSERT INTO users (id, email, password, is_staff, date_joined)"
                   " VALUES (1, 'staff@x.test', '!', 1, 'T'),"
                   " (2, 'demo@x.test', '!', 0, 'T')", &error);
  g_assert_no_error (error);
  return db;
}

static gint64
query_int (FcSql      *db,
           const char *sql)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  g_assert_true (fc_sql_step_row (stmt));
  return fc_sql_column_int64 (stmt, 0);
}

static void
test_load_small_table (void)
{
  static const char tsv[] =
    HEADER
    "Banana\tMedium, raw (118 g)\t1\tpiece\t105\t1.3\t27\t0.4\t3.1\t14.4\t1\tFR\r\n"
    "Olive Oil\t\t1\ttbsp\t119\t0\t0\t13.5\t\t\t\tFO\n"
    "\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (tsv, strlen (tsv));
  g_autoptr(GError) error = NULL;
  FcSql *db = open_db ();

  g_assert_cmpint (fc_nutrition_demo_load_foods (db, bytes, 1, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM foods WHERE is_public = 1"
                                  " AND user_added_id = 1"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM foods WHERE name = 'Olive Oil'"
                                  " AND fiber IS NULL AND sugar IS NULL AND sodium IS NULL"
                                  " AND fat = 13.5 AND serving_unit = 'tbsp'"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM foods WHERE name = 'Banana'"
                                  " AND description = 'Medium, raw (118 g)' AND sodium = 1"), ==, 1);
  fc_sql_close (db);
}

static void
test_load_refuses_bad_tables (void)
{
  static const char * const tables[] = {
    "name\tcalories\n",
    HEADER "Banana\tx\t1\tpiece\t105\t1.3\t27\t0.4\t3.1\t14.4\t1\tXX\n",
    HEADER "Banana\tx\t1\tpiece\tlots\t1.3\t27\t0.4\t3.1\t14.4\t1\tFR\n",
    HEADER "Banana\tx\t1\tpiece\t105\t1.3\t27\t\t3.1\t14.4\t1\tFR\n",
    HEADER "Banana\tx\t1\tpiece\t105\t1.3\t27\t0.4\t3.1\t14.4\tFR\n",
    HEADER "Apple\tx\t1\tpiece\t95\t0.5\t25\t0.3\t4.4\t19\t2\tFR\n"
           "Banana\tx\t1\tpiece\t-1\t1.3\t27\t0.4\t3.1\t14.4\t1\tFR\n",
  };
  FcSql *db = open_db ();

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++) {
    g_autoptr(GBytes) bytes = g_bytes_new_static (tables[i], strlen (tables[i]));
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (fc_nutrition_demo_load_foods (db, bytes, 1, &error), ==, -1);
    g_assert_error (error, FC_NUTRITION_DEMO_ERROR, FC_NUTRITION_DEMO_ERROR_DATA);
  }
  /* Nothing of a refused table was inserted, not even its good lines. */
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM foods"), ==, 0);
  fc_sql_close (db);
}

static void
test_seed (void)
{
  g_autoptr(GError) error = NULL;
  FcSql *db = open_db ();
  gint64 foods;

  g_assert_true (fc_nutrition_seed_demo (db, 1, 2, &error));
  g_assert_no_error (error);
  foods = query_int (db, "SELECT COUNT(*) FROM foods WHERE is_public = 1 AND user_added_id = 1");
  g_assert_cmpint (foods, >=, 190);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM meals WHERE user_id = 2"
                                  " AND is_template = 0"), ==, 12);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM meals WHERE user_id = 1"
                                  " AND is_template = 0"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM meals m WHERE NOT EXISTS"
                                  " (SELECT 1 FROM meal_items i WHERE i.meal_id = m.id)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM meal_plans WHERE user_id = 1"
                                  " AND is_template = 1 AND is_active = 1"), ==, 3);
  /* Templates schedule staff template meals only, within their days. */
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM scheduled_meals s"
                                  " JOIN meals m ON m.id = s.meal_id"
                                  " JOIN meal_plans p ON p.id = s.meal_plan_id"
                                  " WHERE m.user_id != 1 OR m.is_template = 0"
                                  " OR s.day_of_plan < 1 OR s.day_of_plan > p.duration_days"),
                   ==, 0);
  /* Each template's days average within 10 % of its calorie target. */
  {
    g_autoptr(FcSqlStmt) stmt = NULL;
    guint n_plans = 0;

    stmt = fc_sql_prepare (db, "SELECT p.name, p.target_daily_calories,"
                               " SUM(f.calories * i.number_of_servings)"
                               " / p.duration_days FROM meal_plans p"
                               " JOIN scheduled_meals s ON s.meal_plan_id = p.id"
                               " JOIN meal_items i ON i.meal_id = s.meal_id"
                               " JOIN foods f ON f.id = i.food_id GROUP BY p.id");
    while (fc_sql_step_row (stmt)) {
      double target = fc_sql_column_double (stmt, 1);
      double average = fc_sql_column_double (stmt, 2);

      g_test_message ("%s: %.0f kcal a day for a target of %.0f",
                      fc_sql_column_text (stmt, 0), average, target);
      g_assert_cmpfloat (average, >=, target * 0.9);
      g_assert_cmpfloat (average, <=, target * 1.1);
      n_plans++;
    }
    g_assert_cmpuint (n_plans, ==, 3);
  }

  /* Idempotent. */
  g_assert_true (fc_nutrition_seed_demo (db, 1, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM foods"), ==, foods);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM meal_plans"), ==, 3);
  fc_sql_close (db);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/nutrition/seed/load-small-table", test_load_small_table);
  g_test_add_func ("/nutrition/seed/refuse-bad-tables", test_load_refuses_bad_tables);
  g_test_add_func ("/nutrition/seed/demo", test_seed);

  return g_test_run ();
}
