/* fc-store-db.c — the store's connection: opening, migrations, statements
 * and transactions, all on the store's worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "fc-store-private.h"

#define BUSY_TIMEOUT_MS 5000

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

/* Maps SQLite's result codes to ours, so callers can tell a full disk
 * or a damaged file from a bug. */
gboolean
fc_store_db_fail (FcStoreDb  *db,
                  int         rc,
                  GError    **error)
{
  const char *message = db->handle != NULL ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc);

  /* SQLite says SQLITE_FULL for ENOSPC only; a quota (EDQUOT) or a file
   * size limit (EFBIG) comes back as a failed write. To the user all of
   * them mean the same: free some space. */
  if (rc == SQLITE_IOERR_WRITE)
    rc = SQLITE_FULL;

  switch (rc & 0xff) {
    case SQLITE_FULL:
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_DISK_FULL,
                   "The disk is full or refuses writes; nothing was saved (%s)", message);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_CORRUPT,
                   "The offline store %s is damaged (%s)", db->path, message);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_OPEN,
                   "Cannot write the offline store %s (%s)", db->path, message);
      break;
    default:
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_FAILED,
                   "Offline store: %s (SQLite error %d)", message, rc);
      break;
  }
  return FALSE;
}

gboolean
fc_store_db_exec (FcStoreDb   *db,
                  const char  *sql,
                  GError     **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return fc_store_db_fail (db, rc, error);
  return TRUE;
}

/* Statements are prepared on first use and kept for the connection's
 * life, reset and unbound each time they are handed out. */
sqlite3_stmt *
fc_store_db_stmt (FcStoreDb   *db,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->stmts, sql);
  int rc;

  if (stmt != NULL) {
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    return stmt;
  }

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK) {
    fc_store_db_fail (db, rc, error);
    g_prefix_error (error, "Preparing “%s”: ", sql);
    return NULL;
  }
  g_hash_table_insert (db->stmts, g_strdup (sql), stmt);
  return stmt;
}

int
fc_store_db_step (FcStoreDb     *db,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    fc_store_db_fail (db, rc, error);
    sqlite3_reset (stmt);
  }
  return rc;
}

gboolean
fc_store_db_step_done (FcStoreDb     *db,
                       sqlite3_stmt  *stmt,
                       GError       **error)
{
  int rc = fc_store_db_step (db, stmt, error);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

void
fc_store_bind_text (sqlite3_stmt *stmt,
                    int           index,
                    const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

const char *
fc_store_column_text (sqlite3_stmt *stmt,
                      int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

static gboolean
begin (FcStoreDb  *db,
       gboolean    durable,
       GError    **error)
{
  g_assert (sqlite3_get_autocommit (db->handle));

  /* The user's writes are fsynced at each commit (FULL). A server page
   * may be lost to a power cut, never to a crash, and is pulled again:
   * NORMAL saves an fsync per page of a 50,000-food pull. */
  if (db->durable != durable) {
    if (!fc_store_db_exec (db, durable ? "PRAGMA synchronous = FULL"
                                       : "PRAGMA synchronous = NORMAL", error))
      return FALSE;
    db->durable = durable;
  }
  g_ptr_array_set_size (db->tx_changes, 0);
  return fc_store_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
fc_store_db_begin (FcStoreDb  *db,
                   GError    **error)
{
  return begin (db, TRUE, error);
}

gboolean
fc_store_db_begin_bulk (FcStoreDb  *db,
                        GError    **error)
{
  return begin (db, FALSE, error);
}

gboolean
fc_store_db_commit (FcStoreDb  *db,
                    GError    **error)
{
  if (!fc_store_db_exec (db, "COMMIT", error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  for (guint i = 0; i < db->tx_changes->len; i++) {
    if (!g_ptr_array_find_with_equal_func (db->changes, db->tx_changes->pdata[i], g_str_equal,
                                           NULL))
      g_ptr_array_add (db->changes, db->tx_changes->pdata[i]);
  }
  g_ptr_array_set_size (db->tx_changes, 0);
  return TRUE;
}

void
fc_store_db_rollback (FcStoreDb *db)
{
  g_ptr_array_set_size (db->tx_changes, 0);
  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

/* @resource is a static string (a FC_STORE_* name). */
void
fc_store_db_touch (FcStoreDb  *db,
                   const char *resource)
{
  if (!g_ptr_array_find_with_equal_func (db->tx_changes, resource, g_str_equal, NULL))
    g_ptr_array_add (db->tx_changes, (gpointer) resource);
}

/* Local ids are negative and never reused, across every table, so a
 * reference to one is never ambiguous. */
gint64
fc_store_db_next_local_id (FcStoreDb  *db,
                           GError    **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  stmt = fc_store_db_stmt (db, "SELECT CAST(value AS INTEGER) FROM sync_state "
                               "WHERE key = 'next-local-id'", error);
  if (stmt == NULL || fc_store_db_step (db, stmt, error) != SQLITE_ROW)
    return 0;
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = fc_store_db_stmt (db, "UPDATE sync_state SET value = CAST(?1 AS TEXT) "
                               "WHERE key = 'next-local-id'", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, id - 1);
  if (!fc_store_db_step_done (db, stmt, error))
    return 0;
  return id;
}

static gboolean
migrate (FcStoreDb  *db,
         GError    **error)
{
  const char * const *migrations;
  sqlite3_stmt *stmt = NULL;
  guint n_migrations;
  gint64 version;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW) {
    rc = sqlite3_errcode (db->handle);
    sqlite3_finalize (stmt);
    return fc_store_db_fail (db, rc, error);
  }
  version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  migrations = fc_store_schema_migrations (&n_migrations);
  if (version > n_migrations) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_TOO_NEW,
                 "The offline store is at version %" G_GINT64_FORMAT
                 " but this FitCore only knows %u; update FitCore", version, n_migrations);
    return FALSE;
  }

  /* Each migration commits with its version bump, so a crash leaves the
   * file at a version it really has. */
  for (guint i = version; i < n_migrations; i++) {
    g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

    if (!fc_store_db_begin (db, error))
      return FALSE;
    if (!fc_store_db_exec (db, migrations[i], error) || !fc_store_db_exec (db, bump, error) ||
        !fc_store_db_commit (db, error)) {
      fc_store_db_rollback (db);
      g_prefix_error (error, "Migration %u: ", i + 1);
      return FALSE;
    }
  }
  return TRUE;
}

/* SQLite gives the -wal and -shm files the main file's mode, so creating
 * the main file 0600 ourselves, before SQLite writes a byte, covers all
 * three without touching the process-wide umask. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0 || fchmod (fd, 0600) != 0) {
    int saved_errno = errno;

    if (fd >= 0)
      g_close (fd, NULL);
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_OPEN, "Cannot create %s: %s", path,
                 g_strerror (saved_errno));
    return FALSE;
  }
  return g_close (fd, error);
}

gboolean
fc_store_db_open (FcStoreDb   *db,
                  const char  *path,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int rc;

  g_assert (db->handle == NULL);

  db->path = g_strdup (path);
  db->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  db->tx_changes = g_ptr_array_new ();
  db->changes = g_ptr_array_new ();

  if (g_mkdir_with_parents (dir, 0700) != 0) {
    int saved_errno = errno;

    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_OPEN, "Cannot create %s: %s", dir,
                 g_strerror (saved_errno));
    return FALSE;
  }
  if (!create_private_file (path, error))
    return FALSE;

  rc = sqlite3_open_v2 (path, &db->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    return fc_store_db_fail (db, rc, error);

  sqlite3_busy_timeout (db->handle, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db->handle, TRUE);

  /* synchronous=FULL: a write the UI was told about survives a power cut,
   * not only a crash; outbox rows are the user's only copy. */
  db->durable = TRUE;
  /* A bigger page cache than SQLite's 2 MB, and checkpoints every 32 MB
   * of WAL rather than 4: a pull rewrites the same index pages page after
   * page, and each checkpoint copies them back once. */
  if (!fc_store_db_exec (db,
                         "PRAGMA journal_mode = WAL;"
                         "PRAGMA synchronous = FULL;"
                         "PRAGMA foreign_keys = ON;"
                         "PRAGMA cache_size = -16384;"
                         "PRAGMA wal_autocheckpoint = 8192;",
                         error) ||
      !migrate (db, error))
    return FALSE;

  return TRUE;
}

void
fc_store_db_close (FcStoreDb *db)
{
  g_clear_pointer (&db->stmts, g_hash_table_unref);
  if (db->handle != NULL) {
    sqlite3_close_v2 (db->handle);
    db->handle = NULL;
  }
  g_clear_pointer (&db->tx_changes, g_ptr_array_unref);
  g_clear_pointer (&db->changes, g_ptr_array_unref);
  g_clear_pointer (&db->path, g_free);
  g_clear_pointer (&db->account_email, g_free);
}
