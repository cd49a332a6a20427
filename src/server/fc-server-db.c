/* fc-server-db.c — the server's SQLite database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server-db"

#include "config.h"

#include "fc-server-db.h"
#include "fc-server-schema.h"

#define BUSY_TIMEOUT_MS 5000

G_DEFINE_QUARK (fc-server-db-error-quark, fc_server_db_error)

/* Nesting depth of fc_server_db_begin(); the database is only used from the
 * main thread, so one counter is enough. */
static guint transaction_depth;

gboolean
fc_server_db_exec (sqlite3     *db,
                   const char  *sql,
                   GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK) {
    g_set_error (error, FC_SERVER_DB_ERROR, FC_SERVER_DB_ERROR_SQL, "%s",
                 message != NULL ? message : sqlite3_errmsg (db));
    sqlite3_free (message);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_foreign_keys (sqlite3  *db,
                    GError  **error)
{
  g_autoptr(FcServerStmt) stmt = fc_server_db_prepare (db, "PRAGMA foreign_key_check");

  if (stmt != NULL && !fc_server_db_step_row (stmt))
    return TRUE;
  g_set_error (error, FC_SERVER_DB_ERROR, FC_SERVER_DB_ERROR_MIGRATION,
               "a row of %s points at nothing",
               stmt != NULL ? fc_server_db_column_text (stmt, 0) : "a table");
  return FALSE;
}

static gboolean
migrate (sqlite3  *db,
         GError  **error)
{
  g_autoptr(FcServerStmt) stmt = fc_server_db_prepare (db, "PRAGMA user_version");
  const char * const *migrations;
  guint n_migrations;
  gint64 version;

  if (stmt == NULL || !fc_server_db_step_row (stmt)) {
    g_set_error_literal (error, FC_SERVER_DB_ERROR, FC_SERVER_DB_ERROR_MIGRATION,
                         sqlite3_errmsg (db));
    return FALSE;
  }
  version = sqlite3_column_int64 (stmt, 0);
  /* An open read statement would keep DROP TABLE from running. */
  g_clear_pointer (&stmt, sqlite3_finalize);
  migrations = fc_server_schema_migrations (&n_migrations);

  if (version > n_migrations) {
    g_set_error (error, FC_SERVER_DB_ERROR, FC_SERVER_DB_ERROR_MIGRATION,
                 "The database is at schema version %" G_GINT64_FORMAT
                 " but this fitcore-server only knows %u", version, n_migrations);
    return FALSE;
  }

  if (version == n_migrations)
    return TRUE;

  /* A migration that rebuilds a table drops the old one: with foreign keys
   * on, that would delete (cascade) every row pointing at it. They are off
   * while migrations run (the pragma is a no-op inside a transaction) and
   * checked before each commit instead, as SQLite's ALTER TABLE procedure
   * says. */
  if (!fc_server_db_exec (db, "PRAGMA foreign_keys = OFF", error))
    return FALSE;

  /* Each migration and its version bump commit together, so a crash leaves
   * the file at a version it really has. */
  for (guint i = version; i < n_migrations; i++) {
    g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

    if (!fc_server_db_exec (db, "BEGIN IMMEDIATE", error))
      return FALSE;
    if (!fc_server_db_exec (db, migrations[i], error) ||
        !check_foreign_keys (db, error) ||
        !fc_server_db_exec (db, bump, error) ||
        !fc_server_db_exec (db, "COMMIT", error)) {
      fc_server_db_exec (db, "ROLLBACK", NULL);
      g_prefix_error (error, "Migration %u: ", i + 1);
      return FALSE;
    }
  }
  return fc_server_db_exec (db, "PRAGMA foreign_keys = ON", error);
}

sqlite3 *
fc_server_db_open (const char  *path,
                   GError     **error)
{
  sqlite3 *db = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK) {
    g_set_error (error, FC_SERVER_DB_ERROR, FC_SERVER_DB_ERROR_OPEN, "Cannot open %s: %s", path,
                 db != NULL ? sqlite3_errmsg (db) : "out of memory");
    sqlite3_close_v2 (db);
    return NULL;
  }

  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  if (!fc_server_db_exec (db,
                          "PRAGMA journal_mode = WAL;"
                          "PRAGMA synchronous = NORMAL;"
                          "PRAGMA foreign_keys = ON;",
                          error) ||
      !migrate (db, error)) {
    g_prefix_error (error, "%s: ", path);
    sqlite3_close_v2 (db);
    return NULL;
  }

  return db;
}

void
fc_server_db_close (sqlite3 *db)
{
  if (db != NULL)
    sqlite3_close_v2 (db);
}

FcServerStmt *
fc_server_db_prepare (sqlite3    *db,
                      const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK) {
    g_critical ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (db));
    return NULL;
  }
  return stmt;
}

gboolean
fc_server_db_begin (sqlite3 *db)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *savepoint = NULL;

  if (transaction_depth == 0 && sqlite3_get_autocommit (db)) {
    if (!fc_server_db_exec (db, "BEGIN IMMEDIATE", &error)) {
      g_warning ("Cannot begin a transaction: %s", error->message);
      return FALSE;
    }
  } else {
    savepoint = g_strdup_printf ("SAVEPOINT fc_%u", transaction_depth);
    if (!fc_server_db_exec (db, savepoint, &error)) {
      g_warning ("Cannot open a savepoint: %s", error->message);
      return FALSE;
    }
  }
  transaction_depth++;
  return TRUE;
}

gboolean
fc_server_db_end (sqlite3  *db,
                  gboolean  commit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (transaction_depth > 0, FALSE);

  transaction_depth--;
  if (transaction_depth == 0) {
    if (commit && fc_server_db_exec (db, "COMMIT", &error))
      return TRUE;
    if (error != NULL)
      g_warning ("Commit failed, rolling back: %s", error->message);
    if (!sqlite3_get_autocommit (db))
      fc_server_db_exec (db, "ROLLBACK", NULL);
    return FALSE;
  }

  if (commit)
    sql = g_strdup_printf ("RELEASE fc_%u", transaction_depth);
  else
    sql = g_strdup_printf ("ROLLBACK TO fc_%u; RELEASE fc_%u", transaction_depth,
                           transaction_depth);
  if (!fc_server_db_exec (db, sql, &error)) {
    g_warning ("Cannot close a savepoint: %s", error->message);
    return FALSE;
  }
  return commit;
}

gboolean
fc_server_db_step_row (FcServerStmt *stmt)
{
  int rc;

  g_return_val_if_fail (stmt != NULL, FALSE);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    g_warning ("Query “%s” failed: %s", sqlite3_sql (stmt),
               sqlite3_errmsg (sqlite3_db_handle (stmt)));
  return FALSE;
}

gboolean
fc_server_db_step_done (FcServerStmt *stmt)
{
  int rc;

  g_return_val_if_fail (stmt != NULL, FALSE);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  /* Constraint failures are expected (the caller maps them to a 400). */
  if ((rc & 0xff) != SQLITE_CONSTRAINT)
    g_warning ("Statement “%s” failed: %s", sqlite3_sql (stmt),
               sqlite3_errmsg (sqlite3_db_handle (stmt)));
  return FALSE;
}

void
fc_server_db_bind_text (FcServerStmt *stmt,
                        int           index,
                        const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

const char *
fc_server_db_column_text (FcServerStmt *stmt,
                          int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}
