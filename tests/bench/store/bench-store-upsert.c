/* bench-store-upsert.c — pulling 50,000 foods into the store, against the
 * sqlite3 CLI's .import of the same rows as CSV, in the same run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "bench-store-foods.h"
#include "fc-store.h"
#include "store-test-util.h"

static double
import_with_cli (const char *sqlite3,
                 const char *csv)
{
  g_autofree char *dir = g_dir_make_tmp ("fc-bench-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "foods.csv", NULL);
  g_autofree char *db_path = g_build_filename (dir, "plain.db", NULL);
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  gint64 start;
  double elapsed;

  g_assert_true (g_file_set_contents (csv_path, csv, -1, NULL));
  script = g_strdup_printf ("CREATE TABLE foods (id INTEGER PRIMARY KEY, name TEXT, "
                            "description TEXT, serving_quantity REAL, serving_unit TEXT, "
                            "calories REAL, protein REAL, carbohydrates REAL, fat REAL, "
                            "fiber REAL, sugar REAL, sodium REAL, food_category TEXT, "
                            "user_added TEXT, is_public INTEGER, created_at TEXT, "
                            "updated_at TEXT);\n"
                            ".mode csv\n"
                            ".import %s foods\n", csv_path);

  start = g_get_monotonic_time ();
  cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, sqlite3, db_path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (cli, script, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (cli));
  elapsed = (g_get_monotonic_time () - start) / 1000.0;

  g_assert_cmpint (st_sql_int (db_path, "SELECT count(*) FROM foods"), ==, BENCH_N_FOODS);
  g_unlink (csv_path);
  g_unlink (db_path);
  g_rmdir (dir);
  return elapsed;
}

static double
upsert_pages (FcStore   *store,
              GPtrArray *pages)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < pages->len; i++) {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    fc_store_upsert_foods_async (store, pages->pdata[i], NULL, st_result_cb, &result);
    g_assert_true (fc_store_upsert_foods_finish (store, st_wait (&result), &error));
    g_assert_no_error (error);
  }
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_upsert (void)
{
  const char *sqlite3 = g_getenv ("FITCORE_SQLITE3");
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GPtrArray) pages = bench_make_food_pages (csv);
  g_autoptr(FcStore) store = NULL;
  double cli_ms = 0, first_ms, again_ms;

  if (sqlite3 == NULL)
    sqlite3 = "sqlite3";

  cli_ms = import_with_cli (sqlite3, csv->str);

  store = st_open ();
  first_ms = upsert_pages (store, pages);
  g_test_message ("sqlite3 .import of %u rows (CSV, plain table): %.0f ms", BENCH_N_FOODS, cli_ms);
  g_test_message ("fc_store_upsert_foods, %u pages of %u, first pull: %.0f ms (%.0f rows/s)",
                  pages->len, BENCH_PAGE_SIZE, first_ms, BENCH_N_FOODS / (first_ms / 1000.0));
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM foods"), ==,
                   BENCH_N_FOODS);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM foods_trigram "
                               "WHERE foods_trigram MATCH '\"chi\" AND \"ick\"'"),
                   >, 0);
  /* The next full pull: every row exists already and mostly did not change. */
  again_ms = upsert_pages (store, pages);

  g_test_message ("fc_store_upsert_foods, same rows again: %.0f ms", again_ms);
  g_test_message ("ratio first pull / .import: %.2f; again / .import: %.2f", first_ms / cli_ms,
                  again_ms / cli_ms);
  st_close (g_steal_pointer (&store));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/bench/store/upsert-50k-foods", bench_upsert);

  return g_test_run ();
}
