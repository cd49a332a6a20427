/* fc-sql.c — the server's database, whichever backend holds it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SQLite here, through src/db/fc-db.c like the app's store; PostgreSQL in
 * fc-sql-pg.c. Each call looks at which one the statement belongs to.
 */

#define G_LOG_DOMAIN "fc-sql"

#include "config.h"

#include "fc-sql-private.h"

#include <string.h>

#include "fc-db.h"
#include "fc-server-schema.h"

static gboolean
is_postgresql (const char *location)
{
  return g_str_has_prefix (location, "postgresql:") || g_str_has_prefix (location, "postgres:");
}

/* ---- Connections ---- */

/* PostgreSQL's octet_length() (SQLite has it from 3.43 on; Debian 12's
 * is 3.40): a text's size in bytes, for SQL both backends run. */
static void
octet_length_func (sqlite3_context  *context,
                   int               argc,
                   sqlite3_value   **argv)
{
  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    sqlite3_result_null (context);
  else
    sqlite3_result_int64 (context, sqlite3_value_bytes (argv[0]));
}

static FcSql *
open_sqlite (const char      *path,
             FcSqlOpenFlags   flags,
             GError         **error)
{
  FcDbOptions options = { .synchronous = FC_DB_SYNC_NORMAL };
  FcSql *db;
  FcDb *lite;

  if ((flags & FC_SQL_OPEN_READ_ONLY) != 0)
    options.read_only = TRUE;
  else
    options.migrations = fc_server_schema_migrations (&options.n_migrations);
  lite = fc_db_open (path, &options, error);
  if (lite == NULL) {
    g_prefix_error (error, "%s: ", path);
    return NULL;
  }
  db = g_new0 (FcSql, 1);
  db->backend = FC_SQL_BACKEND_SQLITE;
  db->lite = lite;
  db->handle = fc_db_get_handle (lite);
  if (!g_str_equal (path, ":memory:"))
    db->location = g_strdup (path);
  db->cached = g_hash_table_new (g_str_hash, g_str_equal);
  /* The rollup triggers (migration 9) make every insert of a health point
   * keep a statement journal, which spilled to a temporary file: a write
   * and a truncation of it per point made a 10,000-point upload several
   * times slower. In memory it is a few pages a point. */
  sqlite3_create_function (db->handle, "octet_length", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                           octet_length_func, NULL, NULL);
  if (!fc_db_exec (db->handle, "PRAGMA temp_store = MEMORY", error)) {
    fc_sql_close (db);
    return NULL;
  }
  return db;
}

FcSql *
fc_sql_open (const char      *location,
             FcSqlOpenFlags   flags,
             GError         **error)
{
  g_return_val_if_fail (location != NULL, NULL);

  if (is_postgresql (location))
    return fc_sql_pg_open (location, flags, error);
  if (g_str_has_prefix (location, "sqlite:"))
    location += strlen ("sqlite:");
  return open_sqlite (location, flags, error);
}

void
fc_sql_close (FcSql *db)
{
  GHashTableIter iter;
  gpointer value;

  if (db == NULL)
    return;
  if (db->cached != NULL) {
    g_hash_table_iter_init (&iter, db->cached);
    while (g_hash_table_iter_next (&iter, NULL, &value)) {
      FcSqlStmt *stmt = value;

      stmt->cached = FALSE;
      fc_sql_finalize (stmt);
    }
    g_hash_table_unref (db->cached);
  }
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    fc_sql_pg_close (db);
  else
    fc_db_close (db->lite);
  /* Closed inside a transaction, which SQLite has rolled back. */
  if (db->writer_locked)
    fc_writer_lock_release (db->writer_lock);
  g_free (db->location);
  g_free (db);
}

FcSqlBackend
fc_sql_get_backend (FcSql *db)
{
  return db->backend;
}

const char *
fc_sql_get_location (FcSql *db)
{
  return db->location;
}

void
fc_sql_set_busy_timeout (FcSql *db,
                         int    ms)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    fc_sql_pg_set_busy_timeout (db, ms);
  else
    sqlite3_busy_timeout (db->handle, ms);
}

void
fc_sql_set_writer_lock (FcSql        *db,
                        FcWriterLock *lock)
{
  g_return_if_fail (db->backend == FC_SQL_BACKEND_SQLITE);
  g_return_if_fail (!db->writer_locked);

  db->writer_lock = lock;
}

/* sqliteDefaultBusyCallback()'s steps, which sqlite3_busy_timeout() uses,
 * with a count. */
static int
counting_busy_cb (void *data,
                  int   count)
{
  static const int delays[] = { 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 };
  FcSql *db = data;
  int n = G_N_ELEMENTS (delays);
  int delay = delays[MIN (count, n - 1)];
  int prior = 0;

  for (int i = 0; i < MIN (count, n); i++)
    prior += delays[i];
  if (count >= n)
    prior += (count - n) * delays[n - 1];
  if (prior + delay > db->busy_timeout_ms) {
    delay = db->busy_timeout_ms - prior;
    if (delay <= 0)
      return 0;
  }
  db->busy_waits++;
  sqlite3_sleep (delay);
  return 1;
}

void
fc_sql_count_busy_waits (FcSql *db,
                         int    ms)
{
  g_return_if_fail (db->backend == FC_SQL_BACKEND_SQLITE);

  db->busy_timeout_ms = ms;
  sqlite3_busy_handler (db->handle, counting_busy_cb, db);
}

guint64
fc_sql_get_busy_waits (FcSql *db)
{
  return db->busy_waits;
}

gboolean
fc_sql_exec (FcSql       *db,
             const char  *sql,
             GError     **error)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return fc_sql_pg_exec (db, sql, error);
  return fc_db_exec (db->handle, sql, error);
}

const char *
fc_sql_errmsg (FcSql *db)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return fc_sql_pg_errmsg (db);
  return sqlite3_errmsg (db->handle);
}

gint64
fc_sql_changes (FcSql *db)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return db->pg_changes;
  return sqlite3_changes (db->handle);
}

gint64
fc_sql_last_insert_id (FcSql *db)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return fc_sql_pg_last_insert_id (db);
  return sqlite3_last_insert_rowid (db->handle);
}

void
fc_sql_notify (FcSql      *db,
               const char *channel)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    fc_sql_pg_notify (db, channel);
}

guint
fc_sql_listen (FcSql       *db,
               const char  *channel,
               GSourceFunc  callback,
               gpointer     user_data)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return fc_sql_pg_listen (db, channel, callback, user_data);
  return 0;
}

char *
fc_sql_like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++) {
    if (*p == '%' || *p == '_' || *p == '\\')
      g_string_append_c (pattern, '\\');
    g_string_append_c (pattern, *p);
  }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* ---- Transactions ---- */

/* As long as SQLite's own busy timeout on the connection (fc-db.c). */
#define WRITER_LOCK_TIMEOUT_MS 5000

/* The writer lock goes once the outermost transaction has ended (or did
 * not begin). */
static void
writer_unlock (FcSql *db)
{
  if (db->writer_locked && fc_db_get_depth (db->lite) == 0) {
    db->writer_locked = FALSE;
    fc_writer_lock_release (db->writer_lock);
  }
}

gboolean
fc_sql_begin (FcSql *db)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (db->backend == FC_SQL_BACKEND_POSTGRESQL) {
    ok = fc_sql_pg_begin (db, &error);
  } else if (db->writer_lock != NULL && !db->writer_locked) {
    ok = fc_writer_lock_acquire (db->writer_lock, WRITER_LOCK_TIMEOUT_MS, &error);
    db->writer_locked = ok;
    ok = ok && fc_db_begin (db->lite, &error);
    writer_unlock (db);
  } else {
    ok = fc_db_begin (db->lite, &error);
  }
  if (!ok)
    g_warning ("Cannot begin a transaction: %s", error->message);
  return ok;
}

gboolean
fc_sql_end (FcSql    *db,
            gboolean  commit)
{
  g_autoptr(GError) error = NULL;

  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return fc_sql_pg_end (db, commit);
  if (!commit) {
    fc_db_rollback (db->lite);
    writer_unlock (db);
    return FALSE;
  }
  if (!fc_db_commit (db->lite, &error)) {
    writer_unlock (db);
    g_warning ("Commit failed, rolled back: %s", error->message);
    return FALSE;
  }
  writer_unlock (db);
  return TRUE;
}

gboolean
fc_sql_in_transaction (FcSql *db)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return db->pg_depth > 0;
  return !sqlite3_get_autocommit (db->handle);
}

/* ---- Statements ---- */

static FcSqlStmt *
prepare (FcSql      *db,
         const char *sql)
{
  g_autoptr(GError) error = NULL;
  FcSqlStmt *stmt;

  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return fc_sql_pg_prepare (db, sql);

  stmt = g_new0 (FcSqlStmt, 1);
  stmt->db = db;
  stmt->lite = fc_db_prepare (db->handle, sql, &error);
  if (stmt->lite == NULL) {
    g_critical ("%s", error->message);
    g_free (stmt);
    return NULL;
  }
  return stmt;
}

FcSqlStmt *
fc_sql_prepare (FcSql      *db,
                const char *sql)
{
  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  return prepare (db, sql);
}

FcSqlCachedStmt *
fc_sql_stmt (FcSql      *db,
             const char *sql)
{
  FcSqlStmt *stmt;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (db->cached, sql);
  if (stmt != NULL) {
    fc_sql_reset (stmt);
    if (stmt->lite != NULL)
      sqlite3_clear_bindings (stmt->lite);
    else
      fc_sql_pg_clear_bindings (stmt);
    return stmt;
  }
  stmt = prepare (db, sql);
  if (stmt == NULL)
    return NULL;
  stmt->cached = TRUE;
  g_hash_table_insert (db->cached, (gpointer) fc_sql_stmt_get_sql (stmt), stmt);
  return stmt;
}

void
fc_sql_finalize (FcSqlStmt *stmt)
{
  if (stmt == NULL)
    return;
  if (stmt->cached) {
    /* Borrowed: fc_sql_close() frees it. */
    fc_sql_reset (stmt);
    return;
  }
  if (stmt->lite != NULL)
    sqlite3_finalize (stmt->lite);
  else
    fc_sql_pg_finalize (stmt);
  g_free (stmt);
}

void
fc_sql_reset (FcSqlStmt *stmt)
{
  if (stmt == NULL)
    return;
  if (stmt->lite != NULL)
    sqlite3_reset (stmt->lite);
  else
    fc_sql_pg_reset (stmt);
}

guint
fc_sql_get_round_trips (FcSql *db)
{
  if (db->backend == FC_SQL_BACKEND_POSTGRESQL)
    return fc_sql_pg_get_round_trips (db);
  return 0;
}

void
fc_sql_prefetch (FcSqlStmt *stmt)
{
  if (stmt->pg != NULL)
    fc_sql_pg_prefetch (stmt);
}

FcSql *
fc_sql_stmt_get_db (FcSqlStmt *stmt)
{
  return stmt->db;
}

const char *
fc_sql_stmt_get_sql (FcSqlStmt *stmt)
{
  if (stmt->lite != NULL)
    return sqlite3_sql (stmt->lite);
  return fc_sql_pg_get_sql (stmt);
}

int
fc_sql_bind_count (FcSqlStmt *stmt)
{
  if (stmt->lite != NULL)
    return sqlite3_bind_parameter_count (stmt->lite);
  return fc_sql_pg_bind_count (stmt);
}

void
fc_sql_bind_int64 (FcSqlStmt *stmt,
                   int        index,
                   gint64     value)
{
  if (stmt->lite != NULL)
    sqlite3_bind_int64 (stmt->lite, index, value);
  else
    fc_sql_pg_bind (stmt, index, FC_SQL_PG_INT8, g_strdup_printf ("%" G_GINT64_FORMAT, value), 0);
}

void
fc_sql_bind_double (FcSqlStmt *stmt,
                    int        index,
                    double     value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (stmt->lite != NULL)
    sqlite3_bind_double (stmt->lite, index, value);
  else
    fc_sql_pg_bind (stmt, index, FC_SQL_PG_FLOAT8,
                    g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value)), 0);
}

void
fc_sql_bind_text (FcSqlStmt  *stmt,
                  int         index,
                  const char *text)
{
  if (stmt->lite != NULL)
    fc_db_bind_text (stmt->lite, index, text);
  else if (text == NULL)
    fc_sql_bind_null (stmt, index);
  else
    fc_sql_pg_bind (stmt, index, FC_SQL_PG_UNKNOWN, g_strdup (text), 0);
}

void
fc_sql_bind_blob (FcSqlStmt     *stmt,
                  int            index,
                  gconstpointer  data,
                  gsize          size)
{
  if (stmt->lite != NULL)
    sqlite3_bind_blob64 (stmt->lite, index, data, size, SQLITE_TRANSIENT);
  else
    fc_sql_pg_bind (stmt, index, FC_SQL_PG_BYTEA, g_memdup2 (data, size), size);
}

void
fc_sql_bind_null (FcSqlStmt *stmt,
                  int        index)
{
  if (stmt->lite != NULL)
    sqlite3_bind_null (stmt->lite, index);
  else
    fc_sql_pg_bind (stmt, index, FC_SQL_PG_UNKNOWN, NULL, 0);
}

FcSqlResult
fc_sql_step (FcSqlStmt *stmt)
{
  int rc;

  if (stmt->lite == NULL)
    return fc_sql_pg_step (stmt);
  rc = sqlite3_step (stmt->lite);
  switch (rc & 0xff) {
  case SQLITE_ROW:
    return FC_SQL_ROW;
  case SQLITE_DONE:
    return FC_SQL_DONE;
  case SQLITE_CONSTRAINT:
    return FC_SQL_CONSTRAINT;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return FC_SQL_BUSY;
  default:
    return FC_SQL_ERROR;
  }
}

gboolean
fc_sql_step_row (FcSqlStmt *stmt)
{
  FcSqlResult rc;

  g_return_val_if_fail (stmt != NULL, FALSE);

  rc = fc_sql_step (stmt);
  if (rc != FC_SQL_ROW && rc != FC_SQL_DONE) {
    g_warning ("Query “%s” failed: %s", fc_sql_stmt_get_sql (stmt), fc_sql_errmsg (stmt->db));
    fc_sql_reset (stmt);
  }
  return rc == FC_SQL_ROW;
}

gboolean
fc_sql_step_done (FcSqlStmt *stmt)
{
  FcSqlResult rc;

  g_return_val_if_fail (stmt != NULL, FALSE);

  do
    rc = fc_sql_step (stmt);
  while (rc == FC_SQL_ROW);
  if (rc != FC_SQL_DONE && rc != FC_SQL_CONSTRAINT)
    g_warning ("Statement “%s” failed: %s", fc_sql_stmt_get_sql (stmt), fc_sql_errmsg (stmt->db));
  fc_sql_reset (stmt);
  return rc == FC_SQL_DONE;
}

gint64
fc_sql_column_int64 (FcSqlStmt *stmt,
                     int        index)
{
  if (stmt->lite != NULL)
    return sqlite3_column_int64 (stmt->lite, index);
  return fc_sql_pg_column_int64 (stmt, index);
}

int
fc_sql_column_int (FcSqlStmt *stmt,
                   int        index)
{
  return (int) fc_sql_column_int64 (stmt, index);
}

double
fc_sql_column_double (FcSqlStmt *stmt,
                      int        index)
{
  const char *text;

  if (stmt->lite != NULL)
    return sqlite3_column_double (stmt->lite, index);
  text = fc_sql_pg_column_text (stmt, index);
  return text != NULL ? g_ascii_strtod (text, NULL) : 0.0;
}

const char *
fc_sql_column_text (FcSqlStmt *stmt,
                    int        index)
{
  if (stmt->lite != NULL)
    return fc_db_column_text (stmt->lite, index);
  return fc_sql_pg_column_text (stmt, index);
}

gconstpointer
fc_sql_column_blob (FcSqlStmt *stmt,
                    int        index,
                    gsize     *size)
{
  if (stmt->lite != NULL) {
    gconstpointer data = sqlite3_column_blob (stmt->lite, index);

    *size = sqlite3_column_bytes (stmt->lite, index);
    return data;
  }
  return fc_sql_pg_column_blob (stmt, index, size);
}

gboolean
fc_sql_column_is_null (FcSqlStmt *stmt,
                       int        index)
{
  if (stmt->lite != NULL)
    return sqlite3_column_type (stmt->lite, index) == SQLITE_NULL;
  return fc_sql_pg_column_is_null (stmt, index);
}
