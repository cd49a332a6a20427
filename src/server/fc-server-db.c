/* fc-server-db.c — the server's SQLite database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server-db"

#include "config.h"

#include "fc-server-db.h"
#include "fc-server-schema.h"

static FcDb *
get_db (sqlite3 *db)
{
  FcDb *connection = fc_db_from_handle (db);

  if (connection == NULL)
    g_critical ("A database handle that fc_server_db_open() did not open");
  return connection;
}

sqlite3 *
fc_server_db_open (const char  *path,
                   GError     **error)
{
  FcDbOptions options = { .synchronous = FC_DB_SYNC_NORMAL };
  FcDb *db;

  g_return_val_if_fail (path != NULL, NULL);

  options.migrations = fc_server_schema_migrations (&options.n_migrations);
  db = fc_db_open (path, &options, error);
  if (db == NULL) {
    g_prefix_error (error, "%s: ", path);
    return NULL;
  }
  return fc_db_get_handle (db);
}

sqlite3 *
fc_server_db_open_reader (const char  *path,
                          GError     **error)
{
  FcDbOptions options = { .read_only = TRUE };
  FcDb *db;

  g_return_val_if_fail (path != NULL, NULL);

  db = fc_db_open (path, &options, error);
  return db != NULL ? fc_db_get_handle (db) : NULL;
}

void
fc_server_db_close (sqlite3 *db)
{
  if (db != NULL)
    fc_db_close (get_db (db));
}

FcServerStmt *
fc_server_db_prepare (sqlite3    *db,
                      const char *sql)
{
  g_autoptr(GError) error = NULL;
  FcServerStmt *stmt = fc_db_prepare (db, sql, &error);

  if (stmt == NULL)
    g_critical ("%s", error->message);
  return stmt;
}

FcServerCachedStmt *
fc_server_db_stmt (sqlite3    *db,
                   const char *sql)
{
  g_autoptr(GError) error = NULL;
  FcDb *connection = get_db (db);
  FcServerCachedStmt *stmt;

  if (connection == NULL)
    return NULL;
  stmt = fc_db_stmt (connection, sql, &error);
  if (stmt == NULL)
    g_critical ("%s", error->message);
  return stmt;
}

gboolean
fc_server_db_begin (sqlite3 *db)
{
  g_autoptr(GError) error = NULL;
  FcDb *connection = get_db (db);

  if (connection == NULL)
    return FALSE;
  if (!fc_db_begin (connection, &error)) {
    g_warning ("Cannot begin a transaction: %s", error->message);
    return FALSE;
  }
  return TRUE;
}

gboolean
fc_server_db_end (sqlite3  *db,
                  gboolean  commit)
{
  g_autoptr(GError) error = NULL;
  FcDb *connection = get_db (db);

  if (connection == NULL)
    return FALSE;
  if (!commit) {
    fc_db_rollback (connection);
    return FALSE;
  }
  if (!fc_db_commit (connection, &error)) {
    g_warning ("Commit failed, rolled back: %s", error->message);
    return FALSE;
  }
  return TRUE;
}

gboolean
fc_server_db_step_row (FcServerStmt *stmt)
{
  g_autoptr(GError) error = NULL;
  int rc;

  g_return_val_if_fail (stmt != NULL, FALSE);

  rc = fc_db_step (stmt, &error);
  if (error != NULL)
    g_warning ("Query “%s” failed: %s", sqlite3_sql (stmt), error->message);
  return rc == SQLITE_ROW;
}

gboolean
fc_server_db_step_done (FcServerStmt *stmt)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (stmt != NULL, FALSE);

  if (fc_db_step_done (stmt, &error))
    return TRUE;
  if (!g_error_matches (error, FC_DB_ERROR, FC_DB_ERROR_CONSTRAINT))
    g_warning ("Statement “%s” failed: %s", sqlite3_sql (stmt), error->message);
  return FALSE;
}
