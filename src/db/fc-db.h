/* fc-db.h — one SQLite connection as FitCore uses it, for the server's
 * database and the app's offline store alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening with the pragmas both sides need, migrations (PRAGMA user_version
 * and an array of SQL that is only ever appended to), a statement cache,
 * transactions that nest and report a failed COMMIT, and SQLite's result
 * codes as FC_DB_ERROR. A connection belongs to one thread at a time.
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define FC_DB_ERROR (fc_db_error_quark ())

/**
 * FcDbError:
 * @FC_DB_ERROR_FAILED: any other SQLite failure (a bug, most often)
 * @FC_DB_ERROR_OPEN: the file cannot be created, opened or written
 *   (SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY)
 * @FC_DB_ERROR_CORRUPT: the file is not a database, or is damaged
 * @FC_DB_ERROR_DISK_FULL: the disk is full, over quota or past a file size
 *   limit; the transaction was rolled back whole
 * @FC_DB_ERROR_CONSTRAINT: a row broke a constraint (UNIQUE, CHECK,
 *   FOREIGN KEY, NOT NULL); callers usually expect it
 * @FC_DB_ERROR_BUSY: another connection held the lock past the busy timeout
 * @FC_DB_ERROR_TOO_NEW: the file's schema is newer than the migrations this
 *   build knows
 * @FC_DB_ERROR_MIGRATION: a migration left rows pointing at nothing
 */
typedef enum {
  FC_DB_ERROR_FAILED,
  FC_DB_ERROR_OPEN,
  FC_DB_ERROR_CORRUPT,
  FC_DB_ERROR_DISK_FULL,
  FC_DB_ERROR_CONSTRAINT,
  FC_DB_ERROR_BUSY,
  FC_DB_ERROR_TOO_NEW,
  FC_DB_ERROR_MIGRATION,
} FcDbError;

/**
 * FcDbSync:
 * @FC_DB_SYNC_NORMAL: a commit survives a crash of the process; the last
 *   ones may be lost to a power cut (WAL's NORMAL)
 * @FC_DB_SYNC_FULL: a commit is on the disk when COMMIT returns
 */
typedef enum {
  FC_DB_SYNC_NORMAL,
  FC_DB_SYNC_FULL,
} FcDbSync;

/**
 * FcDbOptions:
 * @synchronous: how durable a commit is until fc_db_set_synchronous()
 * @cache_size_kib: the page cache, or 0 for SQLite's default (2 MiB)
 * @wal_autocheckpoint: pages of WAL between checkpoints, or 0 for the
 *   default (1000)
 * @private_file: create the file 0600, and its folder 0700, before SQLite
 *   writes a byte (SQLite gives the -wal and -shm files the same mode)
 * @read_only: a reader beside the connection that writes (a worker's, a list
 *   model's): it neither creates nor migrates the file, and its
 *   transactions are read snapshots
 * @migrations: (nullable): migration N (1-based) brings user_version from
 *   N-1 to N; run by fc_db_open()
 * @n_migrations: the number of @migrations
 *
 * Every connection is in WAL mode (set by the first that writes), with
 * foreign keys on, a busy timeout and extended result codes.
 */
typedef struct {
  FcDbSync            synchronous;
  int                 cache_size_kib;
  int                 wal_autocheckpoint;
  gboolean            private_file;
  gboolean            read_only;
  const char * const *migrations;
  guint               n_migrations;
} FcDbOptions;

typedef struct _FcDb FcDb;

/* A statement the caller owns: g_autoptr(FcDbStmt) finalizes it. */
typedef sqlite3_stmt FcDbStmt;

GQuark       fc_db_error_quark      (void);

FcDb        *fc_db_open             (const char         *path,
                                     const FcDbOptions  *options,
                                     GError            **error);
void         fc_db_close            (FcDb               *db);
sqlite3     *fc_db_get_handle       (FcDb               *db);
const char  *fc_db_get_path         (FcDb               *db);
/* The FcDb that opened @handle, or NULL: for code that passes the bare
 * handle around (the server's routes). */
FcDb        *fc_db_from_handle      (sqlite3            *handle);

gboolean     fc_db_migrate          (FcDb               *db,
                                     const char * const *migrations,
                                     guint               n_migrations,
                                     GError            **error);
gint64       fc_db_get_user_version (FcDb               *db,
                                     GError            **error);

/* Only outside a transaction (the pragma does nothing inside one); a no-op
 * when the connection already syncs so. */
gboolean     fc_db_set_synchronous  (FcDb               *db,
                                     FcDbSync            synchronous,
                                     GError            **error);

/* Sets @error from SQLite's result code @rc and the message @handle holds
 * for it (@handle may be NULL). Always returns FALSE. */
gboolean     fc_db_set_error        (GError            **error,
                                     sqlite3            *handle,
                                     int                 rc);

gboolean     fc_db_exec             (sqlite3            *handle,
                                     const char         *sql,
                                     GError            **error);
/* A statement the caller finalizes. */
FcDbStmt    *fc_db_prepare          (sqlite3            *handle,
                                     const char         *sql,
                                     GError            **error);
/* A statement prepared once and kept until fc_db_close(), handed out reset
 * and unbound: borrowed, never finalized by the caller. */
FcDbStmt    *fc_db_stmt             (FcDb               *db,
                                     const char         *sql,
                                     GError            **error);

/* sqlite3_step(): SQLITE_ROW or SQLITE_DONE, else the error code with
 * @error set and the statement reset. */
int          fc_db_step             (FcDbStmt           *stmt,
                                     GError            **error);
/* Runs a statement that writes to its end, ignoring any row it returns,
 * and resets it so it holds no lock. */
gboolean     fc_db_step_done        (FcDbStmt           *stmt,
                                     GError            **error);

/* sqlite3_bind_text() with a copy, or NULL for NULL. Index is 1-based. */
void         fc_db_bind_text        (FcDbStmt           *stmt,
                                     int                 index,
                                     const char         *text);
/* A text column, or NULL for SQL NULL; valid until the next step. */
const char  *fc_db_column_text      (FcDbStmt           *stmt,
                                     int                 index);

/* A write transaction (BEGIN IMMEDIATE, so two writers never deadlock on
 * upgrading a read lock), or on a read-only connection one snapshot for
 * every query until the end (BEGIN). Calls nest: an inner one is a
 * savepoint, so a helper can wrap its writes whether or not its caller
 * opened one, with this API or with plain SQL. */
gboolean     fc_db_begin            (FcDb               *db,
                                     GError            **error);
/* Commits the innermost level. A failed COMMIT rolls the whole transaction
 * back and returns FALSE with @error set: nothing was written, and the
 * caller must not say otherwise. */
gboolean     fc_db_commit           (FcDb               *db,
                                     GError            **error);
/* Rolls the innermost level back; does nothing when none is open. */
void         fc_db_rollback         (FcDb               *db);
/* How many fc_db_begin() calls are open. */
guint        fc_db_get_depth        (FcDb               *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcDbStmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcDb, fc_db_close)

G_END_DECLS
