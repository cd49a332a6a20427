/* fc-store-db.c — the store's connection (an FcDb, src/db/fc-db.h) with
 * what the store adds: its options and migrations, FC_STORE_ERROR, a
 * durability per transaction and the resources each transaction touched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fc-store-private.h"

/* The sync engine and the UI know FC_STORE_ERROR; the connection speaks
 * FC_DB_ERROR. Always returns FALSE. */
static gboolean
store_error (GError **error)
{
  if (error == NULL || *error == NULL || (*error)->domain != FC_DB_ERROR)
    return FALSE;

  switch ((*error)->code) {
    case FC_DB_ERROR_OPEN:
      (*error)->code = FC_STORE_ERROR_OPEN;
      break;
    case FC_DB_ERROR_CORRUPT:
      (*error)->code = FC_STORE_ERROR_CORRUPT;
      break;
    case FC_DB_ERROR_DISK_FULL:
      (*error)->code = FC_STORE_ERROR_DISK_FULL;
      break;
    case FC_DB_ERROR_TOO_NEW:
      (*error)->code = FC_STORE_ERROR_TOO_NEW;
      break;
    default:
      (*error)->code = FC_STORE_ERROR_FAILED;
      break;
  }
  (*error)->domain = FC_STORE_ERROR;
  return FALSE;
}

gboolean
fc_store_db_fail (FcStoreDb  *db,
                  int         rc,
                  GError    **error)
{
  fc_db_set_error (error, db->handle, rc);
  return store_error (error);
}

gboolean
fc_store_db_exec (FcStoreDb   *db,
                  const char  *sql,
                  GError     **error)
{
  return fc_db_exec (db->handle, sql, error) || store_error (error);
}

/* Statements are prepared on first use and kept for the connection's
 * life, reset and unbound each time they are handed out. */
sqlite3_stmt *
fc_store_db_stmt (FcStoreDb   *db,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = fc_db_stmt (db->conn, sql, error);

  if (stmt == NULL)
    store_error (error);
  return stmt;
}

int
fc_store_db_step (FcStoreDb     *db,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  int rc = fc_db_step (stmt, error);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    store_error (error);
  return rc;
}

gboolean
fc_store_db_step_done (FcStoreDb     *db,
                       sqlite3_stmt  *stmt,
                       GError       **error)
{
  return fc_db_step_done (stmt, error) || store_error (error);
}

static gboolean
begin (FcStoreDb  *db,
       FcDbSync    synchronous,
       GError    **error)
{
  /* The store's transactions never nest: one job, one transaction. */
  g_assert (fc_db_get_depth (db->conn) == 0);

  g_ptr_array_set_size (db->tx_changes, 0);
  if (!fc_db_set_synchronous (db->conn, synchronous, error) || !fc_db_begin (db->conn, error))
    return store_error (error);
  db->tx_full = synchronous == FC_DB_SYNC_FULL;
  return TRUE;
}

/* The user's writes reach the disk before their callers hear of them. A
 * server page may be lost to a power cut, never to a crash, and is pulled
 * again: NORMAL saves an fsync per page of a 50,000-food pull.
 *
 * A durable write commits as NORMAL (into the WAL, safe from a crash of
 * the app) and owes an fdatasync() of the WAL, which the worker hands to
 * the store's sync thread (fc_store_db_take_sync_fd()): the sync engine
 * can read and send the row while the disk flushes, and the caller's
 * answer waits for the flush as it waited for COMMIT under FULL. The first
 * one of a connection is FULL, so that SQLite also syncs the folder of a
 * new -wal file once. */
gboolean
fc_store_db_begin (FcStoreDb  *db,
                   GError    **error)
{
  if (!db->wal_fd_open || !db->wal_synced)
    return begin (db, FC_DB_SYNC_FULL, error);
  if (!begin (db, FC_DB_SYNC_NORMAL, error))
    return FALSE;
  db->tx_durable = TRUE;
  return TRUE;
}

gboolean
fc_store_db_begin_bulk (FcStoreDb  *db,
                        GError    **error)
{
  return begin (db, FC_DB_SYNC_NORMAL, error);
}

gboolean
fc_store_db_commit (FcStoreDb  *db,
                    GError    **error)
{
  gboolean durable = db->tx_durable;
  gboolean full = db->tx_full;

  db->tx_durable = db->tx_full = FALSE;
  if (!fc_db_commit (db->conn, error)) {
    g_ptr_array_set_size (db->tx_changes, 0);
    return store_error (error);
  }
  if (durable)
    db->sync_owed = TRUE;
  else if (full)
    db->wal_synced = TRUE;
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
  db->tx_durable = db->tx_full = FALSE;
  g_ptr_array_set_size (db->tx_changes, 0);
  if (db->conn != NULL)
    fc_db_rollback (db->conn);
}

/* A descriptor of the WAL to fdatasync() before answering the job whose
 * commits owe it (the caller closes it), or -1 when they owe nothing or
 * were synced here already (out of descriptors), with @error set if that
 * failed. SQLite has no call that syncs a WAL written under NORMAL without
 * a checkpoint, so this does it by hand: the data of a file is flushed
 * through any descriptor of it. */
int
fc_store_db_take_sync_fd (FcStoreDb  *db,
                          GError    **error)
{
  int fd;

  if (!db->sync_owed)
    return -1;
  db->sync_owed = FALSE;
  fd = fcntl (db->wal_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0 && fdatasync (db->wal_fd) != 0) {
    int saved = errno;

    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_FAILED,
                 "Could not write the offline store to the disk: %s", g_strerror (saved));
  }
  return fd;
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

gboolean
fc_store_db_open (FcStoreDb   *db,
                  const char  *path,
                  GError     **error)
{
  const char *filename;
  FcDbOptions options = {
    /* A write the UI was told about survives a power cut, not only a
     * crash; outbox rows are the user's only copy. */
    .synchronous = FC_DB_SYNC_FULL,
    /* A bigger page cache than SQLite's 2 MB, and checkpoints every 32 MB
     * of WAL rather than 4: a pull rewrites the same index pages page
     * after page, and each checkpoint copies them back once. */
    .cache_size_kib = 16384,
    .wal_autocheckpoint = 8192,
    /* The store holds the user's account and outbox. */
    .private_file = TRUE,
  };

  g_assert (db->conn == NULL);

  db->path = g_strdup (path);
  db->tx_changes = g_ptr_array_new ();
  db->changes = g_ptr_array_new ();

  options.migrations = fc_store_schema_migrations (&options.n_migrations);
  db->conn = fc_db_open (path, &options, error);
  if (db->conn == NULL)
    return store_error (error);
  db->handle = fc_db_get_handle (db->conn);
  /* Reads straight from the OS's page cache instead of a read() per page
   * missing from SQLite's own: a chart's buckets over years of health
   * points seek into a file far larger than the 16 MB cache. */
  if (!fc_store_db_exec (db, "PRAGMA mmap_size = 1073741824", error))
    return FALSE;

  /* The -wal file exists from the open on (WAL mode, then migrations); it
   * stays the same file while this connection lives. Without it (an
   * in-memory file) durable commits stay FULL. */
  filename = sqlite3_db_filename (db->handle, "main");
  if (filename != NULL && *filename != '\0') {
    g_autofree char *wal = g_strconcat (filename, "-wal", NULL);

    db->wal_fd = g_open (wal, O_RDONLY | O_CLOEXEC, 0);
    db->wal_fd_open = db->wal_fd >= 0;
  }
  return TRUE;
}

void
fc_store_db_close (FcStoreDb *db)
{
  memset (db->upsert_stmts, 0, sizeof db->upsert_stmts);
  if (db->wal_fd_open)
    g_close (db->wal_fd, NULL);
  db->wal_fd_open = db->wal_synced = db->tx_durable = db->tx_full = db->sync_owed = FALSE;
  g_clear_pointer (&db->health_cache, fc_store_health_cache_free);
  db->handle = NULL;
  g_clear_pointer (&db->conn, fc_db_close);
  g_clear_pointer (&db->tx_changes, g_ptr_array_unref);
  g_clear_pointer (&db->changes, g_ptr_array_unref);
  g_clear_pointer (&db->path, g_free);
  g_clear_pointer (&db->account_email, g_free);
}
