/* bench-sync-pull.c — a full pull of 50,000 foods, against sqlite3's .import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds a real fitcore-server's database with 50,000 public foods of a
 * staff account (inserted straight into its SQLite file before it starts),
 * then times one FcSyncEngine run that brings them all into a fresh store:
 * 500 pages of 100 over HTTP, parsed, upserted with their FTS5 index. The
 * yardstick, in the same run, is the sqlite3 shell importing the same rows
 * from CSV into a bare table: the floor for "put 50,000 rows in SQLite".
 */

#include "config.h"

#include <sqlite3.h>
#include <stdio.h>

#include "sync-test-util.h"

#define N_FOODS 50000
#define STAFF_EMAIL "staff@bench.example.com"

static const char * const categories[] = { "FR", "VG", "GR", "PR", "DR", "FO", "BV", "OT" };

static void
create_staff (const char *data_dir,
              const char *config_path)
{
  const char *binary = g_getenv ("FITCORE_SERVER");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (binary);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, binary, "--data-dir", data_dir, "--config", config_path,
                              "--create-staff", STAFF_EMAIL, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, SYNC_TEST_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
}

/* Inserts the foods into the server's database and writes the same rows
 * as CSV to @csv_path. */
static void
seed_foods (const char *data_dir,
            const char *csv_path)
{
  g_autofree char *db_path = g_build_filename (data_dir, "fitcore.db", NULL);
  g_autoptr(GString) csv = g_string_sized_new (N_FOODS * 120);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *staff = NULL;
  gint64 staff_id;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM users WHERE email = ?1", -1, &staff,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (staff, 1, STAFF_EMAIL, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (staff), ==, SQLITE_ROW);
  staff_id = sqlite3_column_int64 (staff, 0);
  sqlite3_finalize (staff);

  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO foods (name, description, serving_quantity, "
                                       "serving_unit, calories, protein, carbohydrates, fat, "
                                       "fiber, sugar, sodium, food_category, user_added_id, "
                                       "is_public, created_at, updated_at) VALUES "
                                       "(?1, ?2, 100, 'g', ?3, ?4, ?5, ?6, 1.5, 2.5, 3.5, ?7, ?8, "
                                       "1, '2026-11-25T10:00:00Z', '2026-11-25T10:00:00Z')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < N_FOODS; i++) {
    g_autofree char *name = g_strdup_printf ("Bench food %05u", i);
    g_autofree char *description = g_strdup_printf ("Seeded food number %u for the pull bench", i);
    const char *category = categories[i % G_N_ELEMENTS (categories)];
    double calories = 50 + i % 400, protein = i % 30, carbohydrates = i % 60, fat = i % 20;

    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, description, -1, SQLITE_STATIC);
    sqlite3_bind_double (stmt, 3, calories);
    sqlite3_bind_double (stmt, 4, protein);
    sqlite3_bind_double (stmt, 5, carbohydrates);
    sqlite3_bind_double (stmt, 6, fat);
    sqlite3_bind_text (stmt, 7, category, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 8, staff_id);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_reset (stmt);

    g_string_append_printf (csv, "%u,%s,%s,100,g,%g,%g,%g,%g,1.5,2.5,3.5,%s,1,"
                            "2026-11-25T10:00:00Z,2026-11-25T10:00:00Z\n",
                            i + 1, name, description, calories, protein, carbohydrates, fat,
                            category);
  }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (g_file_set_contents (csv_path, csv->str, csv->len, &error));
  g_assert_no_error (error);
}

/* Seconds sqlite3's shell takes to .import the CSV into a bare table, or
 * a negative number without the shell. */
static double
time_sqlite3_import (const char *dir,
                     const char *csv_path)
{
  const char *shell = g_getenv ("FITCORE_SQLITE3");
  g_autofree char *db_path = g_build_filename (dir, "import.db", NULL);
  g_autofree char *script = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (shell == NULL)
    return -1;
  script = g_strdup_printf ("CREATE TABLE foods (id INTEGER PRIMARY KEY, name TEXT, "
                            "description TEXT, serving_quantity REAL, serving_unit TEXT, "
                            "calories REAL, protein REAL, carbohydrates REAL, fat REAL, "
                            "fiber REAL, sugar REAL, sodium REAL, food_category TEXT, "
                            "is_public INTEGER, created_at TEXT, updated_at TEXT);\n"
                            ".mode csv\n.import '%s' foods\n", csv_path);
  start = g_get_monotonic_time ();
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, shell, db_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, script, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
test_pull_50000 (void)
{
  const char *dir = g_get_user_cache_dir ();
  g_autofree char *data_dir = g_build_filename (dir, "server", NULL);
  g_autofree char *config_path = g_build_filename (dir, "server.ini", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "foods.csv", NULL);
  g_autoptr(FcTestServer) server = NULL;
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GAsyncResult *slot = NULL;
  double import_s, pull_s;
  gint64 start;

  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (config_path, SYNC_TEST_CONFIG, -1, &error));
  create_staff (data_dir, config_path);
  seed_foods (data_dir, csv_path);
  import_s = time_sqlite3_import (dir, csv_path);

  server = fc_test_server_start_in (data_dir, SYNC_TEST_CONFIG, NULL);
  url = sync_test_url (server);
  client = fc_api_client_new (url, &error);
  g_assert_no_error (error);
  fc_api_client_sign_in_async (client, STAFF_EMAIL, SYNC_TEST_PASSWORD, NULL, sync_test_done_cb,
                               &slot);
  result = sync_test_wait (&slot);
  user = fc_api_client_sign_in_finish (client, result, NULL, &error);
  g_assert_no_error (error);
  store = sync_test_open_store (url, STAFF_EMAIL);
  engine = fc_sync_engine_new (client, store);

  start = g_get_monotonic_time ();
  g_assert_true (sync_test_run (engine, &error));
  pull_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods"), ==, N_FOODS);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM foods_trigram "
                                                 "WHERE foods_trigram MATCH 'bench'"), ==, N_FOODS);

  g_test_message ("pull of %d foods through FcSyncEngine: %.2f s (%.0f foods/s)", N_FOODS, pull_s,
                  N_FOODS / pull_s);
  if (import_s > 0) {
    g_test_message ("sqlite3 .import of the same rows as CSV: %.3f s", import_s);
    g_test_message ("ratio pull / .import: %.1f", pull_s / import_s);
  } else {
    g_test_message ("no sqlite3 shell: no ratio");
  }
  /* Bounded: a pull that got much slower must show up as a failure. */
  g_assert_cmpfloat (pull_s, <, 120.0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/bench/pull-50000-foods", test_pull_50000);

  return g_test_run ();
}
