/* sync-bench-seed.c — a fitcore-server database holding 50,000 public foods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sync-bench-seed.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "sync-test-util.h"


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
                              "--create-staff", SYNC_BENCH_STAFF_EMAIL, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, SYNC_TEST_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
}

static void
seed_foods (const char *data_dir,
            const char *csv_path)
{
  g_autofree char *db_path = g_build_filename (data_dir, "fitcore.db", NULL);
  g_autoptr(GString) csv = g_string_sized_new (SYNC_BENCH_N_FOODS * 120);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *staff = NULL;
  gint64 staff_id;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM users WHERE email = ?1", -1, &staff,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (staff, 1, SYNC_BENCH_STAFF_EMAIL, -1, SQLITE_STATIC);
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
  for (guint i = 0; i < SYNC_BENCH_N_FOODS; i++) {
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

  if (csv_path != NULL) {
    g_assert_true (g_file_set_contents (csv_path, csv->str, csv->len, &error));
    g_assert_no_error (error);
  }
}

static double
status_mib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  if (line == NULL)
    return -1;
  return g_ascii_strtod (line + strlen (field), NULL) / 1024.0;
}

double
sync_bench_rss_mib (void)
{
  return status_mib ("VmRSS:");
}

double
sync_bench_peak_rss_mib (void)
{
  return status_mib ("VmHWM:");
}

gboolean
sync_bench_reset_peak_rss (void)
{
  /* Written in place: g_file_set_contents() writes a new file and renames
   * it over this one, which /proc refuses, so the peak was never reset
   * and a benchmark's later rounds reported the earlier ones' peaks. */
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean written;

  if (file == NULL)
    return FALSE;
  written = fputs ("5", file) >= 0;
  return fclose (file) == 0 && written;
}

char *
sync_bench_prepare_server (const char *csv_path)
{
  const char *dir = g_get_user_cache_dir ();
  char *data_dir = g_build_filename (dir, "server", NULL);
  g_autofree char *config_path = g_build_filename (dir, "server.ini", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (config_path, SYNC_TEST_CONFIG, -1, &error));
  g_assert_no_error (error);
  create_staff (data_dir, config_path);
  seed_foods (data_dir, csv_path);
  return data_dir;
}

FcApiClient *
sync_bench_sign_in (FcTestServer  *server,
                    FcStore      **out_store)
{
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  client = fc_api_client_new (url, &error);
  g_assert_no_error (error);
  fc_api_client_sign_in_async (client, SYNC_BENCH_STAFF_EMAIL, SYNC_TEST_PASSWORD, NULL,
                               sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  user = fc_api_client_sign_in_finish (client, result, NULL, &error);
  g_assert_no_error (error);
  *out_store = sync_test_open_store (url, SYNC_BENCH_STAFF_EMAIL);
  return g_steal_pointer (&client);
}
