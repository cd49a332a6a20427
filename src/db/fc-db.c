/* fc-db.c — one SQLite connection as FitCore uses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-db"

#include "config.h"

#include "fc-db.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

/* Long enough for a checkpoint or another process's write transaction
 * (a test seeding the server's file, `fitcore-server --make-staff`). */
#define BUSY_TIMEOUT_MS 5000

struct _FcDb {
  sqlite3    *handle;
  char       *path;
  GHashTable *stmts;        /* SQL text → sqlite3_stmt, prepared once */
  guint       depth;        /* open fc_db_begin() calls */
  gboolean    nested_in_caller;  /* the outermost one is a savepoint in a
                                  * transaction someone else began */
  FcDbSync    synchronous;
  gboolean    read_only;
};

G_DEFINE_QUARK (fc-db-error-quark, fc_db_error)

/* SQLite 3.40 has no sqlite3_set_clientdata() (3.44), so the connection's
 * state is found from its handle here. Looked up only to begin or end a
 * transaction. */
static GMutex registry_lock;
static GHashTable *registry;

static void
registry_set (sqlite3 *handle,
              FcDb    *db)
{
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (NULL, NULL);
  if (db != NULL)
    g_hash_table_insert (registry, handle, db);
  else
    g_hash_table_remove (registry, handle);
  g_mutex_unlock (&registry_lock);
}

FcDb *
fc_db_from_handle (sqlite3 *handle)
{
  FcDb *db = NULL;

  g_mutex_lock (&registry_lock);
  if (registry != NULL)
    db = g_hash_table_lookup (registry, handle);
  g_mutex_unlock (&registry_lock);
  return db;
}

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

gboolean
fc_db_set_error (GError  **error,
                 sqlite3  *handle,
                 int       rc)
{
  const char *message = handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc);
  const char *path = handle != NULL ? sqlite3_db_filename (handle, "main") : NULL;

  if (path == NULL || *path == '\0')
    path = "the database";

  /* SQLite says SQLITE_FULL for ENOSPC only; a quota (EDQUOT) or a file
   * size limit (EFBIG) comes back as a failed write. To the user all of
   * them mean the same: free some space. */
  if (rc == SQLITE_IOERR_WRITE)
    rc = SQLITE_FULL;

  switch (rc & 0xff) {
    case SQLITE_FULL:
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_DISK_FULL,
                   "The disk is full or refuses writes; nothing was saved (%s)", message);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_CORRUPT, "%s is damaged (%s)", path, message);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_OPEN, "Cannot open or write %s (%s)", path,
                   message);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_CONSTRAINT, message);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_BUSY, "%s is busy (%s)", path, message);
      break;
    default:
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s (SQLite error %d)", message, rc);
      break;
  }
  return FALSE;
}

gboolean
fc_db_exec (sqlite3     *handle,
            const char  *sql,
            GError     **error)
{
  int rc = sqlite3_exec (handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return fc_db_set_error (error, handle, rc);
  return TRUE;
}

FcDbStmt *
fc_db_prepare (sqlite3     *handle,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK) {
    fc_db_set_error (error, handle, rc);
    g_prefix_error (error, "Preparing “%s”: ", sql);
    sqlite3_finalize (stmt);
    return NULL;
  }
  return stmt;
}

FcDbStmt *
fc_db_stmt (FcDb        *db,
            const char  *sql,
            GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  stmt = g_hash_table_lookup (db->stmts, sql);
  if (stmt != NULL) {
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    return stmt;
  }

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK) {
    fc_db_set_error (error, db->handle, rc);
    g_prefix_error (error, "Preparing “%s”: ", sql);
    return NULL;
  }
  g_hash_table_insert (db->stmts, g_strdup (sql), stmt);
  return stmt;
}

int
fc_db_step (FcDbStmt  *stmt,
            GError   **error)
{
  int rc;

  g_return_val_if_fail (stmt != NULL, SQLITE_MISUSE);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    fc_db_set_error (error, sqlite3_db_handle (stmt), rc);
    sqlite3_reset (stmt);
  }
  return rc;
}

gboolean
fc_db_step_done (FcDbStmt  *stmt,
                 GError   **error)
{
  int rc = fc_db_step (stmt, error);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

void
fc_db_bind_text (FcDbStmt   *stmt,
                 int         index,
                 const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

const char *
fc_db_column_text (FcDbStmt *stmt,
                   int       index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

gboolean
fc_db_begin (FcDb    *db,
             GError **error)
{
  g_autofree char *savepoint = NULL;

  g_return_val_if_fail (db != NULL, FALSE);

  /* A transaction begun with plain SQL (a caller's SAVEPOINT) is not
   * ours to commit: the outermost level becomes a savepoint inside it. */
  if (db->depth == 0)
    db->nested_in_caller = !sqlite3_get_autocommit (db->handle);

  if (db->depth == 0 && !db->nested_in_caller) {
    if (!fc_db_exec (db->handle, db->read_only ? "BEGIN" : "BEGIN IMMEDIATE", error))
      return FALSE;
  } else {
    savepoint = g_strdup_printf ("SAVEPOINT fc_%u", db->depth);
    if (!fc_db_exec (db->handle, savepoint, error))
      return FALSE;
  }
  db->depth++;
  return TRUE;
}

gboolean
fc_db_commit (FcDb    *db,
              GError **error)
{
  g_autofree char *sql = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (db->depth > 0, FALSE);

  db->depth--;
  if (db->depth == 0 && !db->nested_in_caller) {
    rc = sqlite3_exec (db->handle, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
      return TRUE;
    fc_db_set_error (error, db->handle, rc);
    /* A COMMIT that failed on a full disk or a busy reader leaves the
     * transaction open; what it held must not reach the next one. */
    if (!sqlite3_get_autocommit (db->handle))
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
  }

  /* SQLite rolls a whole transaction back on some errors (SQLITE_FULL,
   * SQLITE_IOERR, SQLITE_NOMEM): the inner level has nothing to keep. */
  if (sqlite3_get_autocommit (db->handle)) {
    g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                         "The transaction was rolled back after an error");
    return FALSE;
  }
  sql = g_strdup_printf ("RELEASE fc_%u", db->depth);
  rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    g_autofree char *undo = g_strdup_printf ("ROLLBACK TO fc_%u; RELEASE fc_%u", db->depth,
                                             db->depth);

    fc_db_set_error (error, db->handle, rc);
    sqlite3_exec (db->handle, undo, NULL, NULL, NULL);
    return FALSE;
  }
  return TRUE;
}

void
fc_db_rollback (FcDb *db)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (db != NULL);

  if (db->depth == 0)
    return;
  db->depth--;
  if (sqlite3_get_autocommit (db->handle))
    return;
  if (db->depth == 0 && !db->nested_in_caller)
    sql = g_strdup ("ROLLBACK");
  else
    sql = g_strdup_printf ("ROLLBACK TO fc_%u; RELEASE fc_%u", db->depth, db->depth);
  if (sqlite3_exec (db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Cannot roll back: %s", sqlite3_errmsg (db->handle));
}

guint
fc_db_get_depth (FcDb *db)
{
  g_return_val_if_fail (db != NULL, 0);

  return db->depth;
}

gboolean
fc_db_set_synchronous (FcDb      *db,
                       FcDbSync   synchronous,
                       GError   **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (db->depth == 0, FALSE);

  if (db->synchronous == synchronous)
    return TRUE;
  if (!fc_db_exec (db->handle, synchronous == FC_DB_SYNC_FULL ? "PRAGMA synchronous = FULL"
                                                               : "PRAGMA synchronous = NORMAL",
                   error))
    return FALSE;
  db->synchronous = synchronous;
  return TRUE;
}

gint64
fc_db_get_user_version (FcDb    *db,
                        GError **error)
{
  g_autoptr(FcDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, -1);

  stmt = fc_db_prepare (db->handle, "PRAGMA user_version", error);
  if (stmt == NULL)
    return -1;
  rc = fc_db_step (stmt, error);
  if (rc != SQLITE_ROW) {
    if (rc == SQLITE_DONE)
      fc_db_set_error (error, db->handle, SQLITE_INTERNAL);
    return -1;
  }
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
check_foreign_keys (FcDb    *db,
                    GError **error)
{
  g_autoptr(FcDbStmt) stmt = fc_db_prepare (db->handle, "PRAGMA foreign_key_check", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = fc_db_step (stmt, error);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_ROW)
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_MIGRATION, "a row of %s points at nothing",
                 fc_db_column_text (stmt, 0));
  return FALSE;
}

gboolean
fc_db_migrate (FcDb                *db,
               const char * const *migrations,
               guint                n_migrations,
               GError             **error)
{
  gint64 version;
  guint i;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (db->depth == 0, FALSE);

  version = fc_db_get_user_version (db, error);
  if (version < 0)
    return FALSE;
  if (version > n_migrations) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_TOO_NEW,
                 "%s is at schema version %" G_GINT64_FORMAT
                 " but this build knows only %u; update FitCore",
                 db->path, version, n_migrations);
    return FALSE;
  }
  if (version == n_migrations)
    return TRUE;

  /* A migration that rebuilds a table drops the old one: with foreign keys
   * on, that would delete (cascade) every row pointing at it. They are off
   * while migrations run (the pragma is a no-op inside a transaction) and
   * checked before each commit instead, as SQLite's ALTER TABLE procedure
   * says. */
  if (!fc_db_exec (db->handle, "PRAGMA foreign_keys = OFF", error))
    return FALSE;

  /* Each migration commits with its version bump, so a crash or a failed
   * step leaves the file at a version it really has. */
  for (i = version; i < n_migrations; i++) {
    g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

    if (!fc_db_begin (db, error))
      break;
    if (!fc_db_exec (db->handle, migrations[i], error) || !check_foreign_keys (db, error) ||
        !fc_db_exec (db->handle, bump, error)) {
      fc_db_rollback (db);
      break;
    }
    if (!fc_db_commit (db, error))
      break;
  }
  if (i < n_migrations) {
    g_prefix_error (error, "Migration %u: ", i + 1);
    fc_db_exec (db->handle, "PRAGMA foreign_keys = ON", NULL);
    return FALSE;
  }
  return fc_db_exec (db->handle, "PRAGMA foreign_keys = ON", error);
}

static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0) {
    int saved_errno = errno;

    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_OPEN, "Cannot create %s: %s", dir,
                 g_strerror (saved_errno));
    return FALSE;
  }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0) {
    int saved_errno = errno;

    if (fd >= 0)
      g_close (fd, NULL);
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_OPEN, "Cannot create %s: %s", path,
                 g_strerror (saved_errno));
    return FALSE;
  }
  return g_close (fd, error);
}

FcDb *
fc_db_open (const char         *path,
            const FcDbOptions  *options,
            GError            **error)
{
  static const FcDbOptions defaults = { 0 };
  g_autoptr(FcDb) db = NULL;
  g_autoptr(GString) pragmas = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (options == NULL)
    options = &defaults;
  g_return_val_if_fail (!options->read_only || options->migrations == NULL, NULL);

  if (options->private_file && !create_private_file (path, error))
    return NULL;

  db = g_new0 (FcDb, 1);
  db->path = g_strdup (path);
  db->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  db->read_only = options->read_only;

  rc = sqlite3_open_v2 (path, &db->handle,
                        (db->read_only ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK) {
    fc_db_set_error (error, db->handle, rc);
    return NULL;
  }
  registry_set (db->handle, db);
  sqlite3_busy_timeout (db->handle, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db->handle, TRUE);

  /* The journal mode is the file's; a reader could not change it. */
  pragmas = g_string_new (db->read_only ? "" : "PRAGMA journal_mode = WAL;");
  g_string_append (pragmas, "PRAGMA foreign_keys = ON;");
  g_string_append (pragmas, options->synchronous == FC_DB_SYNC_FULL
                              ? "PRAGMA synchronous = FULL;"
                              : "PRAGMA synchronous = NORMAL;");
  if (options->cache_size_kib > 0)
    g_string_append_printf (pragmas, "PRAGMA cache_size = -%d;", options->cache_size_kib);
  if (options->wal_autocheckpoint > 0)
    g_string_append_printf (pragmas, "PRAGMA wal_autocheckpoint = %d;",
                            options->wal_autocheckpoint);
  db->synchronous = options->synchronous;

  if (!fc_db_exec (db->handle, pragmas->str, error))
    return NULL;
  if (options->migrations != NULL &&
      !fc_db_migrate (db, options->migrations, options->n_migrations, error))
    return NULL;

  return g_steal_pointer (&db);
}

void
fc_db_close (FcDb *db)
{
  if (db == NULL)
    return;

  if (db->depth > 0)
    g_warning ("%s closed inside a transaction; it is rolled back", db->path);
  /* Statements first: sqlite3_close_v2() would keep the file open for
   * any that is left. */
  g_clear_pointer (&db->stmts, g_hash_table_unref);
  if (db->handle != NULL) {
    registry_set (db->handle, NULL);
    sqlite3_close_v2 (db->handle);
  }
  g_free (db->path);
  g_free (db);
}

sqlite3 *
fc_db_get_handle (FcDb *db)
{
  g_return_val_if_fail (db != NULL, NULL);

  return db->handle;
}

const char *
fc_db_get_path (FcDb *db)
{
  g_return_val_if_fail (db != NULL, NULL);

  return db->path;
}
