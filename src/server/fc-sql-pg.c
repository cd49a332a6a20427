/* fc-sql-pg.c — FcSql on PostgreSQL, through libpq
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-sql"

#include "config.h"

#include "fc-sql-private.h"

/* Built without libpq: a PostgreSQL location is refused when opened, so
 * nothing else here is reached. */

FcSql *
fc_sql_pg_open (const char      *location,
                FcSqlOpenFlags   flags,
                GError         **error)
{
  g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_OPEN,
                       "This fitcore-server was built without PostgreSQL (libpq)");
  return NULL;
}

void fc_sql_pg_close (FcSql *db) { g_assert_not_reached (); }
void fc_sql_pg_set_busy_timeout (FcSql *db, int ms) { g_assert_not_reached (); }
gboolean fc_sql_pg_exec (FcSql *db, const char *sql, GError **error) { g_assert_not_reached (); }
const char *fc_sql_pg_errmsg (FcSql *db) { g_assert_not_reached (); }
gint64 fc_sql_pg_last_insert_id (FcSql *db) { g_assert_not_reached (); }
gboolean fc_sql_pg_begin (FcSql *db, GError **error) { g_assert_not_reached (); }
gboolean fc_sql_pg_end (FcSql *db, gboolean commit) { g_assert_not_reached (); }
FcSqlStmt *fc_sql_pg_prepare (FcSql *db, const char *sql) { g_assert_not_reached (); }
void fc_sql_pg_finalize (FcSqlStmt *stmt) { g_assert_not_reached (); }
void fc_sql_pg_reset (FcSqlStmt *stmt) { g_assert_not_reached (); }
void fc_sql_pg_clear_bindings (FcSqlStmt *stmt) { g_assert_not_reached (); }
const char *fc_sql_pg_get_sql (FcSqlStmt *stmt) { g_assert_not_reached (); }
int fc_sql_pg_bind_count (FcSqlStmt *stmt) { g_assert_not_reached (); }
void fc_sql_pg_bind (FcSqlStmt *stmt, int index, FcSqlPgType type, char *value, gsize size) { g_assert_not_reached (); }
FcSqlResult fc_sql_pg_step (FcSqlStmt *stmt) { g_assert_not_reached (); }
gint64 fc_sql_pg_column_int64 (FcSqlStmt *stmt, int index) { g_assert_not_reached (); }
const char *fc_sql_pg_column_text (FcSqlStmt *stmt, int index) { g_assert_not_reached (); }
gconstpointer fc_sql_pg_column_blob (FcSqlStmt *stmt, int index, gsize *size) { g_assert_not_reached (); }
gboolean fc_sql_pg_column_is_null (FcSqlStmt *stmt, int index) { g_assert_not_reached (); }
