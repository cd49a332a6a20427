/* admin-seed.c — many accounts written straight into a test server's database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "admin-seed.h"
#include "fc-server-test-util.h"

gint64
ad_seed_users (FcTestServer *server,
               guint         n_users)
{
  g_autoptr(GDateTime) epoch = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
  g_autoptr(FcSql) db = fc_st_open_db (server);
  g_autoptr(FcSqlStmt) stmt = NULL;
  gint64 first = 0;

  fc_sql_set_busy_timeout (db, 30000);
  g_assert_true (fc_sql_begin (db));
  stmt = fc_sql_prepare (db, "INSERT INTO users (email, password, first_name, last_name,"
                             " is_staff, is_active, has_premium, date_joined, last_seen)"
                             " VALUES (?, '!', 'Seed', ?, ?, ?, ?, ?, ?)");
  g_assert_nonnull (stmt);
  for (guint i = 0; i < n_users; i++) {
    g_autofree char *email = g_strdup_printf ("seed-%06u@fitcore.test", i);
    g_autofree char *last = g_strdup_printf ("User %06u", i);
    g_autoptr(GDateTime) joined = g_date_time_add_minutes (epoch, -(int) i);
    g_autofree char *joined_text = g_date_time_format (joined, "%Y-%m-%dT%H:%M:%S.000000Z");
    g_autofree char *seen = g_strdup_printf ("2025-%02u-%02uT12:00:00.000000Z", 1 + i % 12, 1 + i % 28);

    fc_sql_bind_text (stmt, 1, email);
    fc_sql_bind_text (stmt, 2, last);
    fc_sql_bind_int64 (stmt, 3, i % 1000 == 999);
    fc_sql_bind_int64 (stmt, 4, i % 11 != 10);
    fc_sql_bind_int64 (stmt, 5, i % 7 == 6);
    fc_sql_bind_text (stmt, 6, joined_text);
    if (i % 3 == 0)
      fc_sql_bind_text (stmt, 7, seen);
    else
      fc_sql_bind_null (stmt, 7);
    g_assert_true (fc_sql_step_done (stmt));
    if (i == 0)
      first = fc_sql_last_insert_id (db);
  }
  g_assert_true (fc_sql_end (db, TRUE));
  return first;
}
