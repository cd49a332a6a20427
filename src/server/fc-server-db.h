/* fc-server-db.h — the server's SQLite database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One connection, used from the main thread only: handlers are short and
 * SQLite answers them in microseconds, while the slow work (password hashing)
 * runs on worker threads without touching the database. The connection is an
 * FcDb (src/db/fc-db.h); the routes pass its bare handle around, and these
 * are their names for what FcDb does, with a failure logged where a route
 * only needs to know that it failed.
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "fc-db.h"

G_BEGIN_DECLS

/* So that g_autoptr() finalizes statements without clashing with another
 * module's cleanup function for sqlite3_stmt. */
typedef sqlite3_stmt FcServerStmt;
typedef sqlite3_stmt FcServerCachedStmt;

/* Opens (creating) @path in WAL mode with foreign keys on, a busy timeout
 * and synchronous = NORMAL, and runs the migrations that the file has not
 * seen yet (fc-server-schema.c). Errors are in FC_DB_ERROR. */
sqlite3      *fc_server_db_open        (const char    *path,
                                        GError       **error);
/* A read-only connection beside the one that writes (a worker's): it
 * neither creates nor migrates the file. Closed by fc_server_db_close(). */
sqlite3      *fc_server_db_open_reader (const char    *path,
                                        GError       **error);
void          fc_server_db_close       (sqlite3       *db);

/* Never NULL for valid SQL; logs and returns NULL for a programming error. */
FcServerStmt *fc_server_db_prepare     (sqlite3       *db,
                                        const char    *sql);

/* The same statement prepared once per connection and kept (fc_db_stmt()),
 * for a query run once per object of a list: preparing it for each of
 * 1000 foods on a page was most of the page's time. Borrowed, handed out
 * reset and unbound: g_autoptr(FcServerCachedStmt) resets it, never
 * finalizes it. Not for a query that may run nested in itself. */
FcServerCachedStmt *fc_server_db_stmt  (sqlite3       *db,
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
/* sqlite3_step() for INSERT/UPDATE/DELETE: TRUE once it ran. A broken
 * constraint is not logged: the caller maps it to a 400. */
gboolean      fc_server_db_step_done   (FcServerStmt  *stmt);

/* fc-db.h's own, under the names the routes use. */
#define fc_server_db_exec        fc_db_exec
#define fc_server_db_bind_text   fc_db_bind_text
#define fc_server_db_column_text fc_db_column_text

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcServerStmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcServerCachedStmt, sqlite3_reset)

G_END_DECLS
