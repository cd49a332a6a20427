/* fc-sql.h — the server's database, whichever backend holds it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One storage interface for the routes (issue 16): a connection (FcSql)
 * and its statements (FcSqlStmt), on SQLite (src/db/fc-db.c does the work)
 * or on PostgreSQL through libpq (fc-sql-pg.c). The calls mirror SQLite's C
 * API, which the routes were written against, so that SQL text and its
 * parameters stay where they are; the SQL itself must be portable (no
 * INSERT OR, COLLATE NOCASE, strftime, julianday or rowid: ON CONFLICT,
 * RETURNING, lower() and octet_length() work on both).
 *
 * Parameters are `?` or `?NNN`, 1-based as in SQLite. A connection belongs
 * to one thread at a time.
 */

#pragma once

#include <glib.h>

#include "fc-writer-lock.h"

G_BEGIN_DECLS

typedef enum {
  FC_SQL_BACKEND_SQLITE,
  FC_SQL_BACKEND_POSTGRESQL,
} FcSqlBackend;

/* What fc_sql_step() returns. */
typedef enum {
  FC_SQL_ROW = 100,
  FC_SQL_DONE = 101,
  FC_SQL_ERROR = 1,
  /* a UNIQUE, CHECK, FOREIGN KEY or NOT NULL constraint refused a write */
  FC_SQL_CONSTRAINT = 19,
  /* another writer held the lock too long, or PostgreSQL asks for a retry
   * (serialization failure, deadlock) */
  FC_SQL_BUSY = 5,
} FcSqlResult;

typedef enum {
  FC_SQL_OPEN_DEFAULT   = 0,
  /* a reader beside the connection that writes: neither creates nor
   * migrates, and its transactions are read snapshots */
  FC_SQL_OPEN_READ_ONLY = 1 << 0,
} FcSqlOpenFlags;

typedef struct _FcSql FcSql;
typedef struct _FcSqlStmt FcSqlStmt;
/* A statement from fc_sql_stmt(): g_autoptr() resets it, never frees it. */
typedef FcSqlStmt FcSqlCachedStmt;

/* @location: "sqlite:PATH", a bare PATH (SQLite), ":memory:", or a libpq
 * URI ("postgresql://…", "postgres://…"). A connection that writes runs
 * the migrations it has not seen (fc-server-schema.c,
 * fc-server-schema-pg.c). Errors are in FC_DB_ERROR (src/db/fc-db.h). */
FcSql        *fc_sql_open                (const char      *location,
                                          FcSqlOpenFlags   flags,
                                          GError         **error);
void          fc_sql_close               (FcSql           *db);
FcSqlBackend  fc_sql_get_backend         (FcSql           *db);
/* What fc_sql_open() was given, or NULL for a database in memory, which no
 * second connection can see. */
const char   *fc_sql_get_location        (FcSql           *db);
/* How long a statement waits for another connection's lock. */
void          fc_sql_set_busy_timeout    (FcSql           *db,
                                          int              ms);
/* SQLite written by several worker processes: the outermost
 * fc_sql_begin() waits for @lock (borrowed; at most 5 s, then fails as a
 * busy database does) before BEGIN IMMEDIATE, and fc_sql_end() releases it,
 * so writers queue instead of sleeping in SQLite's busy handler. */
void          fc_sql_set_writer_lock     (FcSql           *db,
                                          FcWriterLock    *lock);
/* Tests: fc_sql_set_busy_timeout() on SQLite, counting each time the busy
 * handler waits (in SQLite's own steps); fc_sql_get_busy_waits() says how
 * often. */
void          fc_sql_count_busy_waits    (FcSql           *db,
                                          int              ms);
guint64       fc_sql_get_busy_waits      (FcSql           *db);

gboolean      fc_sql_exec                (FcSql           *db,
                                          const char      *sql,
                                          GError         **error);
/* Never NULL for valid SQL; logs and returns NULL for a programming error. */
FcSqlStmt    *fc_sql_prepare             (FcSql           *db,
                                          const char      *sql);
/* The same statement prepared once per connection and kept, for a query
 * run once per object of a list. Borrowed, handed out reset and unbound.
 * Not for a query that may run nested in itself. */
FcSqlCachedStmt *fc_sql_stmt             (FcSql           *db,
                                          const char      *sql);
void          fc_sql_finalize            (FcSqlStmt       *stmt);
/* Ready to run again; the bindings are kept. */
void          fc_sql_reset               (FcSqlStmt       *stmt);
FcSql        *fc_sql_stmt_get_db         (FcSqlStmt       *stmt);
const char   *fc_sql_stmt_get_sql        (FcSqlStmt       *stmt);
/* The highest parameter index the SQL names. */
int           fc_sql_bind_count          (FcSqlStmt       *stmt);

void          fc_sql_bind_int64          (FcSqlStmt       *stmt,
                                          int              index,
                                          gint64           value);
void          fc_sql_bind_double         (FcSqlStmt       *stmt,
                                          int              index,
                                          double           value);
/* A copy, or NULL for NULL. */
void          fc_sql_bind_text           (FcSqlStmt       *stmt,
                                          int              index,
                                          const char      *text);
void          fc_sql_bind_blob           (FcSqlStmt       *stmt,
                                          int              index,
                                          gconstpointer    data,
                                          gsize            size);
void          fc_sql_bind_null           (FcSqlStmt       *stmt,
                                          int              index);

/* Sends a bound read (SELECT) ahead on PostgreSQL, without waiting: the
 * next statement stepped on the connection brings the answers of all sent
 * so far in one round trip, and this one's is kept for its own step.
 * Binding it again or resetting it drops that answer. Nothing on SQLite,
 * which has no round trips. */
void          fc_sql_prefetch            (FcSqlStmt       *stmt);
/* FC_SQL_ROW, FC_SQL_DONE or an error (logged by the callers that care,
 * with fc_sql_errmsg()). */
FcSqlResult   fc_sql_step                (FcSqlStmt       *stmt);
/* fc_sql_step() that expects a row (TRUE) or the end (FALSE), logging
 * real errors. */
gboolean      fc_sql_step_row            (FcSqlStmt       *stmt);
/* fc_sql_step() for INSERT/UPDATE/DELETE: TRUE once it ran, and the
 * statement reset so it holds no lock. A broken constraint is not logged:
 * the caller maps it to a 400. */
gboolean      fc_sql_step_done           (FcSqlStmt       *stmt);

/* Columns are 0-based; NULL reads as 0, 0.0 and NULL. Valid until the
 * next step. */
gint64        fc_sql_column_int64        (FcSqlStmt       *stmt,
                                          int              index);
int           fc_sql_column_int          (FcSqlStmt       *stmt,
                                          int              index);
double        fc_sql_column_double       (FcSqlStmt       *stmt,
                                          int              index);
const char   *fc_sql_column_text         (FcSqlStmt       *stmt,
                                          int              index);
gconstpointer fc_sql_column_blob         (FcSqlStmt       *stmt,
                                          int              index,
                                          gsize           *size);
gboolean      fc_sql_column_is_null      (FcSqlStmt       *stmt,
                                          int              index);

/* Tells the server instances that listen on @channel (fc_sql_listen()),
 * once the current transaction commits (at once outside one). Nothing on
 * SQLite, whose file one process serves. */
void          fc_sql_notify              (FcSql           *db,
                                          const char      *channel);
/* Calls @callback on the thread-default main context whenever a
 * connection to the same database notifies @channel, through a connection
 * of its own; the source's id, or 0 on SQLite (or when PostgreSQL cannot
 * be reached: the caller polls anyway). */
guint         fc_sql_listen              (FcSql           *db,
                                          const char      *channel,
                                          GSourceFunc      callback,
                                          gpointer         user_data);

/* "%@text%" with LIKE's wildcards in @text taken literally, for
 * "LIKE ? ESCAPE '\\'": a search for "100%" finds "100%", not "1000".
 * LIKE ignores ASCII case on both backends, as SQLite's does. */
char         *fc_sql_like_pattern        (const char      *text);

/* Rows the last INSERT, UPDATE or DELETE changed. */
gint64        fc_sql_changes             (FcSql           *db);
/* The id the last INSERT gave its row (an AUTOINCREMENT or identity
 * column). */
gint64        fc_sql_last_insert_id      (FcSql           *db);
/* The last error's message. */
const char   *fc_sql_errmsg              (FcSql           *db);
/* Tests: how often the connection has waited for PostgreSQL's answer
 * (fc_sql_prefetch() saves some); 0 on SQLite. */
guint         fc_sql_get_round_trips     (FcSql           *db);

/* A write transaction (BEGIN IMMEDIATE on SQLite), or on a read-only
 * connection one snapshot for every query until the end. Calls nest: an
 * inner pair becomes a savepoint. */
gboolean      fc_sql_begin               (FcSql           *db);
/* Commits when @commit, else rolls back; a failed COMMIT rolls back and
 * returns FALSE: nothing was written. */
gboolean      fc_sql_end                 (FcSql           *db,
                                          gboolean         commit);
gboolean      fc_sql_in_transaction      (FcSql           *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcSql, fc_sql_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcSqlStmt, fc_sql_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcSqlCachedStmt, fc_sql_reset)

G_END_DECLS
