/* admin-seed.c — many accounts written straight into a test server's database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "admin-seed.h"

gint64
ad_seed_users (FcTestServer *server,
               guint         n_users)
{
  g_autofree char *path = g_build_filename (server->data_dir, "fitcore.db", NULL);
  g_autoptr(GDateTime) epoch = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 first = 0;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 30000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO users (email, password, first_name, last_name,"
                                       " is_staff, is_active, has_premium, date_joined, last_seen)"
                                       " VALUES (?, '!', 'Seed', ?, ?, ?, ?, ?, ?)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n_users; i++) {
    g_autofree char *email = g_strdup_printf ("seed-%06u@fitcore.test", i);
    g_autofree char *last = g_strdup_printf ("User %06u", i);
    g_autoptr(GDateTime) joined = g_date_time_add_minutes (epoch, -(int) i);
    g_autofree char *joined_text = g_date_time_format (joined, "%Y-%m-%dT%H:%M:%S.000000Z");
    g_autofree char *seen = g_strdup_printf ("2025-%02u-%02uT12:00:00.000000Z", 1 + i % 12, 1 + i % 28);

    sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, last, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int (stmt, 3, i % 1000 == 999);
    sqlite3_bind_int (stmt, 4, i % 11 != 10);
    sqlite3_bind_int (stmt, 5, i % 7 == 6);
    sqlite3_bind_text (stmt, 6, joined_text, -1, SQLITE_TRANSIENT);
    if (i % 3 == 0)
      sqlite3_bind_text (stmt, 7, seen, -1, SQLITE_TRANSIENT);
    else
      sqlite3_bind_null (stmt, 7);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    if (i == 0)
      first = sqlite3_last_insert_rowid (db);
    sqlite3_reset (stmt);
  }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return first;
}
