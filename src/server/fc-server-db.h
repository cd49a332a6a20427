/* fc-server-db.h — the server's SQLite database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One connection, used from the main thread only: handlers are short and
 * SQLite answers them in microseconds, while the slow work (password hashing)
 * runs on worker threads without touching the database.
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define FC_SERVER_DB_ERROR (fc_server_db_error_quark ())

/**
 * FcServerDbError:
 * @FC_SERVER_DB_ERROR_OPEN: the database file could not be opened
 * @FC_SERVER_DB_ERROR_SQL: a statement failed
 * @FC_SERVER_DB_ERROR_MIGRATION: the schema could not be brought up to date
 */
typedef enum {
  FC_SERVER_DB_ERROR_OPEN,
  FC_SERVER_DB_ERROR_SQL,
  FC_SERVER_DB_ERROR_MIGRATION,
} FcServerDbError;

/* So that g_autoptr() finalizes statements without clashing with another
 * module's cleanup function for sqlite3_stmt. */
typedef sqlite3_stmt FcServerStmt;

GQuark        fc_server_db_error_quark (void);

/* Opens (creating) @path in WAL mode with foreign keys on and a busy timeout,
 * and runs the migrations that the file has not seen yet. */
sqlite3      *fc_server_db_open        (const char    *path,
                                        GError       **error);
void          fc_server_db_close       (sqlite3       *db);

gboolean      fc_server_db_exec        (sqlite3       *db,
                                        const char    *sql,
                                        GError       **error);
/* Never NULL for valid SQL; logs and returns NULL for a programming error. */
FcServerStmt *fc_server_db_prepare     (sqlite3       *db,
                                        const char    *sql);

/* A write transaction (BEGIN IMMEDIATE). Calls nest: an inner pair becomes a
 * savepoint, so a helper can wrap its writes whether or not the framework
 * already opened a transaction for the request. */
gboolean      fc_server_db_begin       (sqlite3       *db);
/* Commits when @commit, else rolls back; a failed COMMIT rolls back and
 * returns FALSE. */
gboolean      fc_server_db_end         (sqlite3       *db,
                                        gboolean       commit);

/* sqlite3_step() that expects a row (TRUE) or the end (FALSE), logging
 * real errors. */
gboolean      fc_server_db_step_row    (FcServerStmt  *stmt);
/* sqlite3_step() for INSERT/UPDATE/DELETE: TRUE on SQLITE_DONE. */
gboolean      fc_server_db_step_done   (FcServerStmt  *stmt);
/* sqlite3_bind_text() with a copy, or NULL. Index is 1-based. */
void          fc_server_db_bind_text   (FcServerStmt  *stmt,
                                        int            index,
                                        const char    *text);
/* A text column, or NULL for SQL NULL; valid until the next step. */
const char   *fc_server_db_column_text (FcServerStmt  *stmt,
                                        int            index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcServerStmt, sqlite3_finalize)

G_END_DECLS
