/* fc-migrate.c — a whole server database into another, and a Django one into ours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file reads SQLite and PostgreSQL databases that are not the server's
 * own connection (a stopped server's file, a Django database), so it talks
 * to them through sqlite3 and libpq directly; what it writes into our
 * database through FcSql (the Django import) is portable SQL like the
 * routes'.
 */

#define G_LOG_DOMAIN "fc-migrate"

#include "config.h"

#include "fc-migrate.h"

#include <sqlite3.h>
#include <string.h>

#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "fc-db.h"
#include "fc-server-schema.h"
#include "fc-time.h"

/* ---- Reading a SQLite file ---- */

/* "sqlite:PATH" or a bare path. */
static const char *
sqlite_path (const char *location)
{
  return g_str_has_prefix (location, "sqlite:") ? location + strlen ("sqlite:") : location;
}

static gboolean
is_pg_location (const char *location)
{
  return g_str_has_prefix (location, "postgresql:") || g_str_has_prefix (location, "postgres:");
}

static sqlite3 *
open_sqlite_read_only (const char  *location,
                       GError     **error)
{
  const char *path = sqlite_path (location);
  sqlite3 *handle = NULL;

  /* Never created: a typing error must not leave an empty file behind. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_OPEN, "%s: no such database file", path);
    return NULL;
  }
  if (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_OPEN, "%s: %s", path, sqlite3_errmsg (handle));
    sqlite3_close (handle);
    return NULL;
  }
  sqlite3_busy_timeout (handle, 5000);
  return handle;
}

static sqlite3_stmt *
lite_prepare (sqlite3     *handle,
              const char  *sql,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s: %s", sql, sqlite3_errmsg (handle));
    return NULL;
  }
  return stmt;
}

/* The first column of @sql's first row as an integer; -1 on error. */
static gint64
lite_count (sqlite3     *handle,
            const char  *sql,
            GError     **error)
{
  sqlite3_stmt *stmt = lite_prepare (handle, sql, error);
  gint64 value = -1;

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s: %s", sql, sqlite3_errmsg (handle));
  sqlite3_finalize (stmt);
  return value;
}

/* "name" with any " doubled: table and column names go into SQL text. */
static char *
quote_ident (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "\"", -1);
  g_autofree char *joined = g_strjoinv ("\"\"", parts);

  return g_strdup_printf ("\"%s\"", joined);
}

static GPtrArray *
lite_columns (sqlite3     *handle,
              const char  *table,
              GError     **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = lite_prepare (handle,
                                     "SELECT name FROM pragma_table_info (?1) ORDER BY cid",
                                     error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return g_steal_pointer (&columns);
}

#ifdef HAVE_LIBPQ

/* ---- PostgreSQL ---- */

/* @sql's result when it succeeded, else NULL with @error set. */
static PGresult *
pg_run (PGconn      *conn,
        const char  *sql,
        int          n_params,
        const char * const *params,
        GError     **error)
{
  /* PQexec() without parameters, which also runs several statements */
  PGresult *result = n_params > 0 ? PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0)
                                  : PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);
  g_autofree char *message = NULL;

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN)
    return result;
  message = g_strdup (PQresultErrorMessage (result));
  g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s", g_strstrip (message));
  PQclear (result);
  return NULL;
}

static gboolean
pg_exec (PGconn      *conn,
         const char  *sql,
         GError     **error)
{
  PGresult *result = pg_run (conn, sql, 0, NULL, error);

  PQclear (result);
  return result != NULL;
}

static gint64
pg_count (PGconn      *conn,
          const char  *sql,
          GError     **error)
{
  PGresult *result = pg_run (conn, sql, 0, NULL, error);
  gint64 value = -1;

  if (result != NULL && PQntuples (result) > 0)
    value = PQgetisnull (result, 0, 0) ? 0 : g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return value;
}

static PGconn *
pg_connect (const char  *uri,
            GError     **error)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_OPEN, "Cannot connect to PostgreSQL: %s",
                 PQerrorMessage (conn));
    PQfinish (conn);
    return NULL;
  }
  /* Django's datetimes read as UTC text, dates as YYYY-MM-DD */
  if (!pg_exec (conn, "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; SET DateStyle = 'ISO';"
                      " SET client_min_messages = 'warning'", error)) {
    PQfinish (conn);
    return NULL;
  }
  return conn;
}

/* ---- --migrate-from ---- */

typedef struct {
  char      *name;
  char      *quoted;
  GPtrArray *columns;     /* SQLite's, in its order */
  GPtrArray *depends_on;  /* tables its foreign keys name (borrowed names) */
  gint64     count;       /* rows in the source */
  gboolean   done;
} Table;

static void
table_free (Table *table)
{
  g_free (table->name);
  g_free (table->quoted);
  g_clear_pointer (&table->columns, g_ptr_array_unref);
  g_clear_pointer (&table->depends_on, g_ptr_array_unref);
  g_free (table);
}

/* The tables to copy, parents before children (their foreign keys), each
 * with its columns. Read from the file itself, so that a table or column a
 * later migration adds is copied without a change here. Skipped:
 * - sqlite_* (SQLite's own: sqlite_sequence is read for the sequences
 *   below, sqlite_stat* are statistics);
 * - virtual tables and their shadow tables: the staff's user search is an
 *   FTS5 table (users_search, migration 10) whose index lives in
 *   users_search_data, _idx, _content, _docsize and _config. PostgreSQL
 *   has a trigram index on users instead, built from the copied rows. */
static GPtrArray *
read_tables (sqlite3  *handle,
             GError  **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func ((GDestroyNotify) table_free);
  g_autoptr(GPtrArray) ordered = g_ptr_array_new_with_free_func ((GDestroyNotify) table_free);
  g_autoptr(GPtrArray) virtual = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  stmt = lite_prepare (handle, "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                               " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    const char *name = (const char *) sqlite3_column_text (stmt, 0);
    const char *sql = (const char *) sqlite3_column_text (stmt, 1);

    if (sql != NULL && g_ascii_strncasecmp (sql, "CREATE VIRTUAL TABLE", 20) == 0) {
      g_ptr_array_add (virtual, g_strdup_printf ("%s_", name));
      continue;
    }
    Table *table = g_new0 (Table, 1);
    table->name = g_strdup (name);
    table->quoted = quote_ident (name);
    g_ptr_array_add (tables, table);
  }
  sqlite3_finalize (stmt);

  for (guint i = tables->len; i-- > 0;) {
    Table *table = tables->pdata[i];

    for (guint j = 0; j < virtual->len; j++) {
      if (g_str_has_prefix (table->name, virtual->pdata[j])) {
        g_ptr_array_remove_index (tables, i);
        break;
      }
    }
  }

  for (guint i = 0; i < tables->len; i++) {
    Table *table = tables->pdata[i];

    table->columns = lite_columns (handle, table->name, error);
    if (table->columns == NULL)
      return NULL;
    table->depends_on = g_ptr_array_new_with_free_func (g_free);
    stmt = lite_prepare (handle, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list (?1)",
                         error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_STATIC);
    while (sqlite3_step (stmt) == SQLITE_ROW) {
      const char *parent = (const char *) sqlite3_column_text (stmt, 0);

      if (!g_str_equal (parent, table->name))
        g_ptr_array_add (table->depends_on, g_strdup (parent));
    }
    sqlite3_finalize (stmt);
  }

  /* Parents first: repeatedly take every table whose parents are taken
   * (by name within a round, so the order is the same every time). */
  while (tables->len > 0) {
    gboolean progress = FALSE;

    for (guint i = 0; i < tables->len;) {
      Table *table = tables->pdata[i];
      gboolean ready = TRUE;

      for (guint j = 0; j < table->depends_on->len && ready; j++) {
        for (guint k = 0; k < tables->len; k++) {
          if (k != i && g_str_equal (((Table *) tables->pdata[k])->name,
                                     table->depends_on->pdata[j])) {
            ready = FALSE;
            break;
          }
        }
      }
      if (ready) {
        g_ptr_array_add (ordered, g_ptr_array_steal_index (tables, i));
        progress = TRUE;
      } else {
        i++;
      }
    }
    if (!progress) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                   "The foreign keys of %s and others form a cycle; no order copies them",
                   ((Table *) tables->pdata[0])->name);
      return NULL;
    }
  }
  return g_steal_pointer (&ordered);
}

/* What a freshly migrated database already holds, per table (health_sequence's
 * one row): such rows are not the target's data, and the copy replaces them. */
static GHashTable *
fresh_counts (GPtrArray  *tables,
              GError    **error)
{
  g_autoptr(FcSql) fresh = fc_sql_open (":memory:", FC_SQL_OPEN_DEFAULT, error);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);

  if (fresh == NULL)
    return NULL;
  for (guint i = 0; i < tables->len; i++) {
    Table *table = tables->pdata[i];
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table->quoted);
    g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (fresh, sql);

    if (stmt != NULL && fc_sql_step_row (stmt))
      g_hash_table_insert (counts, table->name, GINT_TO_POINTER (fc_sql_column_int (stmt, 0)));
  }
  return g_steal_pointer (&counts);
}

typedef struct {
  char     *name;
  gboolean  is_bytea;
  gboolean  is_integer;
  gboolean  is_identity;
} PgColumn;

static void
pg_column_free (PgColumn *column)
{
  g_free (column->name);
  g_free (column);
}

/* The target's columns of @table by name. */
static GHashTable *
pg_columns (PGconn      *conn,
            const char  *table,
            GError     **error)
{
  const char *params[] = { table };
  g_autoptr(GHashTable) columns = NULL;
  PGresult *result;

  result = pg_run (conn, "SELECT column_name, data_type, is_identity FROM information_schema.columns"
                         " WHERE table_schema = current_schema () AND table_name = $1",
                   1, params, error);
  if (result == NULL)
    return NULL;
  columns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pg_column_free);
  for (int row = 0; row < PQntuples (result); row++) {
    PgColumn *column = g_new0 (PgColumn, 1);
    const char *type = PQgetvalue (result, row, 1);

    column->name = g_strdup (PQgetvalue (result, row, 0));
    column->is_bytea = g_str_equal (type, "bytea");
    column->is_integer = g_str_equal (type, "bigint") || g_str_equal (type, "integer") ||
                         g_str_equal (type, "smallint");
    column->is_identity = g_str_equal (PQgetvalue (result, row, 2), "YES");
    g_hash_table_insert (columns, column->name, column);
  }
  PQclear (result);
  return g_steal_pointer (&columns);
}

/* COPY's text format: backslash, tab, newline and carriage return escaped. */
static void
append_copy_text (GString    *line,
                  const char *text,
                  gsize       length)
{
  for (gsize i = 0; i < length; i++) {
    switch (text[i]) {
    case '\\': g_string_append (line, "\\\\"); break;
    case '\t': g_string_append (line, "\\t"); break;
    case '\n': g_string_append (line, "\\n"); break;
    case '\r': g_string_append (line, "\\r"); break;
    default: g_string_append_c (line, text[i]); break;
    }
  }
}

/* One value of a row, as SQLite holds it, in COPY's text format for a
 * column of @target's type. A REAL goes with 17 significant digits, which
 * give back the same double, so the API answers the same numbers. */
static void
append_copy_value (GString        *line,
                   sqlite3_stmt   *stmt,
                   int             index,
                   const PgColumn *target)
{
  int type = sqlite3_column_type (stmt, index);

  if (type == SQLITE_NULL) {
    g_string_append (line, "\\N");
  } else if (target->is_bytea || type == SQLITE_BLOB) {
    const guint8 *data = sqlite3_column_blob (stmt, index);
    int size = sqlite3_column_bytes (stmt, index);

    /* bytea's hex input, its backslash escaped for COPY */
    g_string_append (line, "\\\\x");
    for (int i = 0; i < size; i++)
      g_string_append_printf (line, "%02x", data[i]);
  } else if (type == SQLITE_INTEGER) {
    g_string_append_printf (line, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, index));
  } else if (type == SQLITE_FLOAT) {
    double value = sqlite3_column_double (stmt, index);
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];

    if (target->is_integer && value == (double) (gint64) value)
      g_string_append_printf (line, "%" G_GINT64_FORMAT, (gint64) value);
    else
      g_string_append (line, g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
  } else {
    append_copy_text (line, (const char *) sqlite3_column_text (stmt, index),
                      sqlite3_column_bytes (stmt, index));
  }
}

/* The copy sends COPY's text in chunks of this size. */
#define COPY_CHUNK (256 * 1024)

static gboolean
copy_table (sqlite3     *handle,
            PGconn      *conn,
            Table       *table,
            GHashTable  *targets,
            GError     **error)
{
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autoptr(GString) copy = g_string_new (NULL);
  g_autoptr(GString) buffer = g_string_sized_new (COPY_CHUNK + 4096);
  g_autofree const PgColumn **columns = g_new0 (const PgColumn *, table->columns->len);
  sqlite3_stmt *stmt;
  PGresult *result;
  int step;

  g_string_append_printf (copy, "COPY %s (", table->quoted);
  for (guint i = 0; i < table->columns->len; i++) {
    g_autofree char *quoted = quote_ident (table->columns->pdata[i]);

    columns[i] = g_hash_table_lookup (targets, table->columns->pdata[i]);
    if (columns[i] == NULL) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                   "The target's table %s has no column %s: are both at the same schema version?",
                   table->name, (const char *) table->columns->pdata[i]);
      return FALSE;
    }
    g_string_append_printf (select, "%s%s", i > 0 ? ", " : "", quoted);
    g_string_append_printf (copy, "%s%s", i > 0 ? ", " : "", quoted);
  }
  g_string_append_printf (select, " FROM %s", table->quoted);
  g_string_append (copy, ") FROM STDIN");

  result = pg_run (conn, copy->str, 0, NULL, error);
  if (result == NULL)
    return FALSE;
  if (PQresultStatus (result) != PGRES_COPY_IN) {
    PQclear (result);
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s did not start a copy", copy->str);
    return FALSE;
  }
  PQclear (result);

  stmt = lite_prepare (handle, select->str, error);
  if (stmt == NULL) {
    PQputCopyEnd (conn, "the source could not be read");
    PQclear (PQgetResult (conn));
    return FALSE;
  }
  while ((step = sqlite3_step (stmt)) == SQLITE_ROW) {
    for (guint i = 0; i < table->columns->len; i++) {
      if (i > 0)
        g_string_append_c (buffer, '\t');
      append_copy_value (buffer, stmt, i, columns[i]);
    }
    g_string_append_c (buffer, '\n');
    if (buffer->len >= COPY_CHUNK) {
      if (PQputCopyData (conn, buffer->str, buffer->len) != 1)
        break;
      g_string_truncate (buffer, 0);
    }
  }
  sqlite3_finalize (stmt);

  if (step != SQLITE_DONE) {
    g_autofree char *reason = g_strdup_printf ("%s: %s", table->name,
                                               step == SQLITE_ROW ? PQerrorMessage (conn)
                                                                  : sqlite3_errmsg (handle));

    PQputCopyEnd (conn, reason);
    PQclear (PQgetResult (conn));
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "Copying %s", reason);
    return FALSE;
  }
  if ((buffer->len > 0 && PQputCopyData (conn, buffer->str, buffer->len) != 1) ||
      PQputCopyEnd (conn, NULL) != 1) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "Copying %s: %s", table->name,
                 PQerrorMessage (conn));
    return FALSE;
  }
  /* The COPY's own result, then the end of the results */
  result = PQgetResult (conn);
  if (PQresultStatus (result) != PGRES_COMMAND_OK) {
    g_autofree char *message = g_strdup (PQresultErrorMessage (result));

    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "Copying %s: %s", table->name,
                 g_strstrip (message));
    PQclear (result);
    while ((result = PQgetResult (conn)) != NULL)
      PQclear (result);
    return FALSE;
  }
  PQclear (result);
  while ((result = PQgetResult (conn)) != NULL)
    PQclear (result);
  return TRUE;
}

/* The identity columns of @table move past the largest value the source
 * ever handed out: its largest id, or what SQLite's AUTOINCREMENT recorded
 * (larger when the newest rows were deleted), so that no id is ever handed
 * out twice across the move either. */
static gboolean
move_sequences (sqlite3     *handle,
                PGconn      *conn,
                Table       *table,
                GHashTable  *targets,
                GError     **error)
{
  GHashTableIter iter;
  PgColumn *column;
  gint64 recorded = 0;

  if (lite_count (handle, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'",
                  NULL) > 0) {
    sqlite3_stmt *stmt = lite_prepare (handle, "SELECT seq FROM sqlite_sequence WHERE name = ?1",
                                       error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_STATIC);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      recorded = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
  }

  g_hash_table_iter_init (&iter, targets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &column)) {
    g_autofree char *quoted = quote_ident (column->name);
    g_autofree char *sql = NULL;
    g_autofree char *value = NULL;
    const char *params[3];
    gint64 largest;
    PGresult *result;

    if (!column->is_identity)
      continue;
    sql = g_strdup_printf ("SELECT max (%s) FROM %s", quoted, table->quoted);
    largest = MAX (pg_count (conn, sql, error), recorded);
    if (largest < 0)
      return FALSE;
    if (largest == 0)
      continue;
    value = g_strdup_printf ("%" G_GINT64_FORMAT, largest);
    params[0] = table->name;
    params[1] = column->name;
    params[2] = value;
    result = pg_run (conn, "SELECT setval (pg_get_serial_sequence ($1, $2), $3::bigint)", 3,
                     params, error);
    if (result == NULL)
      return FALSE;
    PQclear (result);
  }
  return TRUE;
}

static gboolean
migrate_locked (sqlite3     *handle,
                PGconn      *conn,
                GPtrArray   *tables,
                GString     *report,
                GError     **error)
{
  g_autoptr(GHashTable) fresh = fresh_counts (tables, error);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);

  if (fresh == NULL)
    return FALSE;

  /* Refuse a target with data; clear what its migrations put there. The
   * target's triggers are off for the copy: the change feed and the audit
   * trail are copied as they were, and must not get a second row for each
   * copied one. ALTER TABLE is transactional: a failure turns them back on
   * with the rollback. (Not session_replication_role, which only a
   * superuser may set, and which would also skip the foreign keys.) */
  for (guint i = 0; i < tables->len; i++) {
    Table *table = tables->pdata[i];
    g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM %s", table->quoted);
    g_autofree char *disable = g_strdup_printf ("ALTER TABLE %s DISABLE TRIGGER USER",
                                                table->quoted);
    GHashTable *columns = pg_columns (conn, table->name, error);
    gint64 count;

    if (columns == NULL)
      return FALSE;
    g_ptr_array_add (targets, columns);
    if (g_hash_table_size (columns) == 0) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                   "The target has no table %s: are both at the same schema version?",
                   table->name);
      return FALSE;
    }
    count = pg_count (conn, count_sql, error);
    if (count < 0)
      return FALSE;
    if (count != GPOINTER_TO_INT (g_hash_table_lookup (fresh, table->name))) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                   "The target database is not empty (%s holds %" G_GINT64_FORMAT
                   " rows); --migrate-from copies into a new database only", table->name, count);
      return FALSE;
    }
    if (!pg_exec (conn, disable, error))
      return FALSE;
    if (count > 0) {
      g_autofree char *clear = g_strdup_printf ("DELETE FROM %s", table->quoted);

      if (!pg_exec (conn, clear, error))
        return FALSE;
    }
  }

  for (guint i = 0; i < tables->len; i++) {
    Table *table = tables->pdata[i];
    g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM %s", table->quoted);
    gint64 copied;

    table->count = lite_count (handle, count_sql, error);
    if (table->count < 0 || !copy_table (handle, conn, table, targets->pdata[i], error))
      return FALSE;
    copied = pg_count (conn, count_sql, error);
    if (copied < 0)
      return FALSE;
    if (copied != table->count) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                   "%s: %" G_GINT64_FORMAT " rows in the source but %" G_GINT64_FORMAT
                   " in the target; nothing was copied", table->name, table->count, copied);
      return FALSE;
    }
    if (!move_sequences (handle, conn, table, targets->pdata[i], error))
      return FALSE;
    if (report != NULL)
      g_string_append_printf (report, "%s %" G_GINT64_FORMAT "\n", table->name, copied);
  }

  for (guint i = 0; i < tables->len; i++) {
    Table *table = tables->pdata[i];
    g_autofree char *enable = g_strdup_printf ("ALTER TABLE %s ENABLE TRIGGER USER",
                                               table->quoted);

    if (!pg_exec (conn, enable, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
fc_migrate_from_sqlite (const char  *source,
                        const char  *target_uri,
                        GString     *report,
                        GError     **error)
{
  g_autoptr(GPtrArray) tables = NULL;
  sqlite3 *handle;
  PGconn *conn;
  guint n_migrations;
  gint64 version;
  gboolean ok = FALSE;

  g_return_val_if_fail (source != NULL && target_uri != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  handle = open_sqlite_read_only (source, error);
  if (handle == NULL)
    return FALSE;

  /* The target was just migrated by this build: the source must be at the
   * same version for their tables and columns to match. */
  fc_server_schema_migrations (&n_migrations);
  version = lite_count (handle, "PRAGMA user_version", error);
  if (version >= 0 && version != n_migrations) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                 "%s is at schema version %" G_GINT64_FORMAT " and this build at %u: start "
                 "this fitcore-server on it once (--database sqlite:PATH), stop it, and copy "
                 "again", sqlite_path (source), version, n_migrations);
    sqlite3_close (handle);
    return FALSE;
  }
  if (version < 0) {
    sqlite3_close (handle);
    return FALSE;
  }

  /* One read snapshot of the source for every table and count. */
  conn = pg_connect (target_uri, error);
  if (conn != NULL &&
      sqlite3_exec (handle, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
      (tables = read_tables (handle, error)) != NULL &&
      pg_exec (conn, "BEGIN", error)) {
    ok = migrate_locked (handle, conn, tables, report, error) &&
         pg_exec (conn, "COMMIT", error);
    if (!ok)
      pg_exec (conn, "ROLLBACK", NULL);
  }
  sqlite3_exec (handle, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (handle);
  if (conn != NULL)
    PQfinish (conn);
  return ok;
}

#else /* !HAVE_LIBPQ */

gboolean
fc_migrate_from_sqlite (const char  *source,
                        const char  *target_uri,
                        GString     *report,
                        GError     **error)
{
  g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_OPEN,
                       "This fitcore-server was built without PostgreSQL (libpq)");
  return FALSE;
}

#endif /* HAVE_LIBPQ */

/* ---- --import-django ---- */

typedef enum {
  KIND_TEXT,
  KIND_TEXT_NOT_NULL,  /* NULL becomes '' (our column is NOT NULL DEFAULT '') */
  KIND_INT,
  KIND_REAL,
  KIND_BOOL,           /* 0/1 from SQLite's integers or PostgreSQL's t/f */
  KIND_TIME,           /* Django's UTC datetime → "2026-11-25T08:41:03.540310Z" */
  KIND_DATE,
  KIND_NOW,            /* no Django column: the time of the import */
} Kind;

typedef struct {
  const char *column;    /* ours */
  const char *django;    /* Django's column, an SQL expression over its row "d", or
                          * "a|b": the first of these columns that exists */
  Kind        kind;
} ColumnMap;

typedef struct {
  const char      *table;          /* ours */
  const char      *django_table;
  const ColumnMap *columns;
} TableMap;

/* Where Django keeps them. Table names are Django's defaults, app label and
 * model name in lower case ("<app>_<model>"): the apps "users" and "meal"
 * and the models CustomUser, UsersProfile, Food, Meal, MealItem, MealPlan
 * and ScheduledMeal are those of ../shared/seed/fitcore-architecture.txt
 * ("Django Apps Architecture"). Columns are the models' field names, a
 * foreign key with "_id" (Django's db_column default); the field names are
 * those the wire shows (../shared/fitcore-django-wire.md §2, §3), which
 * ours copied. Where the two documents differ we take both: the profile's
 * picture is "img" on the wire and "profile_image" in the architecture.
 * CustomUser is AbstractUser's columns (Django's auth_user): a superuser
 * is staff here, where there is no level above staff. */
static const ColumnMap user_columns[] = {
  { "id", "id", KIND_INT },
  { "email", "email", KIND_TEXT },
  { "password", "password", KIND_TEXT },  /* pbkdf2_sha256$…, as fc-password.c verifies */
  { "first_name", "first_name", KIND_TEXT_NOT_NULL },
  { "last_name", "last_name", KIND_TEXT_NOT_NULL },
  { "is_staff", "CASE WHEN d.is_staff OR d.is_superuser THEN 1 ELSE 0 END", KIND_BOOL },
  { "is_active", "is_active", KIND_BOOL },
  /* allauth's account_emailaddress, when it is there (below) */
  { "email_verified", NULL, KIND_BOOL },
  { "date_joined", "date_joined", KIND_TIME },
  { "last_login", "last_login", KIND_TIME },
  { NULL }
};

static const ColumnMap profile_columns[] = {
  { "id", "id", KIND_INT },
  { "user_id", "user_id", KIND_INT },
  { "img", "img|profile_image", KIND_TEXT },  /* a path under MEDIA_ROOT, as ours */
  { "age", "age", KIND_INT },
  { "weight", "weight", KIND_REAL },
  { "height", "height", KIND_REAL },
  { "gender", "gender", KIND_TEXT },
  { "fitness_goal", "fitness_goal", KIND_TEXT },
  { "updated_at", NULL, KIND_NOW },
  { NULL }
};

static const ColumnMap food_columns[] = {
  { "id", "id", KIND_INT },
  { "name", "name", KIND_TEXT },
  { "description", "description", KIND_TEXT_NOT_NULL },
  { "serving_quantity", "serving_quantity", KIND_REAL },
  { "serving_unit", "serving_unit", KIND_TEXT },
  { "calories", "calories", KIND_REAL },
  { "protein", "protein", KIND_REAL },
  { "carbohydrates", "carbohydrates", KIND_REAL },
  { "fat", "fat", KIND_REAL },
  { "fiber", "fiber", KIND_REAL },
  { "sugar", "sugar", KIND_REAL },
  { "sodium", "sodium", KIND_REAL },
  { "food_category", "food_category", KIND_TEXT },
  { "user_added_id", "user_added_id", KIND_INT },
  { "is_public", "is_public", KIND_BOOL },
  { "created_at", "created_at", KIND_TIME },
  { "updated_at", "updated_at", KIND_TIME },
  { NULL }
};

static const ColumnMap meal_columns[] = {
  { "id", "id", KIND_INT },
  { "user_id", "user_id", KIND_INT },
  { "name", "name", KIND_TEXT },
  { "meal_time_category", "meal_time_category", KIND_TEXT },
  { "description", "description", KIND_TEXT_NOT_NULL },
  { "is_template", "is_template", KIND_BOOL },
  { "created_at", "created_at", KIND_TIME },
  { "updated_at", "updated_at", KIND_TIME },
  { NULL }
};

static const ColumnMap meal_item_columns[] = {
  { "id", "id", KIND_INT },
  { "meal_id", "meal_id", KIND_INT },
  { "food_id", "food_id", KIND_INT },
  { "number_of_servings", "number_of_servings", KIND_REAL },
  { NULL }
};

static const ColumnMap meal_plan_columns[] = {
  { "id", "id", KIND_INT },
  { "user_id", "user_id", KIND_INT },
  { "name", "name", KIND_TEXT },
  { "description", "description", KIND_TEXT_NOT_NULL },
  { "goal", "goal", KIND_TEXT },
  { "duration_days", "duration_days", KIND_INT },
  { "start_date", "start_date", KIND_DATE },
  { "target_daily_calories", "target_daily_calories", KIND_REAL },
  { "target_daily_protein", "target_daily_protein", KIND_REAL },
  { "target_daily_carbohydrates", "target_daily_carbohydrates", KIND_REAL },
  { "target_daily_fat", "target_daily_fat", KIND_REAL },
  { "is_active", "is_active", KIND_BOOL },
  { "is_template", "is_template", KIND_BOOL },
  { "is_ai_generated", "is_ai_generated", KIND_BOOL },
  { "created_at", "created_at", KIND_TIME },
  { "updated_at", "updated_at", KIND_TIME },
  { NULL }
};

static const ColumnMap scheduled_meal_columns[] = {
  { "id", "id", KIND_INT },
  { "meal_plan_id", "meal_plan_id", KIND_INT },
  { "meal_id", "meal_id", KIND_INT },
  { "day_of_plan", "day_of_plan", KIND_INT },
  { NULL }
};

/* Parents first. */
static const TableMap django_tables[] = {
  { "users", "users_customuser", user_columns },
  { "profiles", "users_usersprofile", profile_columns },
  { "foods", "meal_food", food_columns },
  { "meals", "meal_meal", meal_columns },
  { "meal_items", "meal_mealitem", meal_item_columns },
  { "meal_plans", "meal_mealplan", meal_plan_columns },
  { "scheduled_meals", "meal_scheduledmeal", scheduled_meal_columns },
};

#define DJANGO_EMAIL_TABLE "account_emailaddress"
#define EMAIL_VERIFIED_EXPRESSION \
  "CASE WHEN EXISTS (SELECT 1 FROM " DJANGO_EMAIL_TABLE " AS e" \
  " WHERE e.user_id = d.id AND e.verified) THEN 1 ELSE 0 END"

/* A Django database, SQLite's or PostgreSQL's, read as text rows. */
typedef struct {
  sqlite3      *lite;
#ifdef HAVE_LIBPQ
  PGconn       *pg;
  PGresult     *result;
#endif
  sqlite3_stmt *stmt;
  int           row;
  char        **reals;     /* per column: SQLite's REAL formatted here */
  int           n_columns;
} Source;

static void
source_end_query (Source *source)
{
  g_clear_pointer (&source->stmt, sqlite3_finalize);
#ifdef HAVE_LIBPQ
  g_clear_pointer (&source->result, PQclear);
#endif
  for (int i = 0; source->reals != NULL && i < source->n_columns; i++)
    g_free (source->reals[i]);
  g_clear_pointer (&source->reals, g_free);
  source->n_columns = 0;
}

static void
source_close (Source *source)
{
  source_end_query (source);
  g_clear_pointer (&source->lite, sqlite3_close);
#ifdef HAVE_LIBPQ
  g_clear_pointer (&source->pg, PQfinish);
#endif
}

static gboolean
source_open (Source      *source,
             const char  *location,
             GError     **error)
{
  memset (source, 0, sizeof *source);
  if (is_pg_location (location)) {
#ifdef HAVE_LIBPQ
    source->pg = pg_connect (location, error);
    return source->pg != NULL;
#else
    g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_OPEN,
                         "This fitcore-server was built without PostgreSQL (libpq)");
    return FALSE;
#endif
  }
  source->lite = open_sqlite_read_only (location, error);
  return source->lite != NULL;
}

static gboolean
source_query (Source      *source,
              const char  *sql,
              GError     **error)
{
  source_end_query (source);
  source->row = -1;
#ifdef HAVE_LIBPQ
  if (source->pg != NULL) {
    source->result = pg_run (source->pg, sql, 0, NULL, error);
    if (source->result == NULL)
      return FALSE;
    source->n_columns = PQnfields (source->result);
    return TRUE;
  }
#endif
  source->stmt = lite_prepare (source->lite, sql, error);
  if (source->stmt == NULL)
    return FALSE;
  source->n_columns = sqlite3_column_count (source->stmt);
  source->reals = g_new0 (char *, source->n_columns);
  return TRUE;
}

static gboolean
source_next (Source  *source,
             GError **error)
{
  int step;

#ifdef HAVE_LIBPQ
  if (source->pg != NULL)
    return ++source->row < PQntuples (source->result);
#endif
  step = sqlite3_step (source->stmt);
  if (step != SQLITE_ROW && step != SQLITE_DONE)
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s", sqlite3_errmsg (source->lite));
  return step == SQLITE_ROW;
}

/* Column @index of the row as text, or NULL for NULL. */
static const char *
source_get (Source *source,
            int     index)
{
#ifdef HAVE_LIBPQ
  if (source->pg != NULL)
    return PQgetisnull (source->result, source->row, index)
      ? NULL : PQgetvalue (source->result, source->row, index);
#endif
  if (sqlite3_column_type (source->stmt, index) == SQLITE_FLOAT) {
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];

    g_free (source->reals[index]);
    source->reals[index] = g_strdup (g_ascii_dtostr (buffer, sizeof buffer,
                                                     sqlite3_column_double (source->stmt, index)));
    return source->reals[index];
  }
  return (const char *) sqlite3_column_text (source->stmt, index);
}

/* The first row's first column as an integer, or -1. */
static gint64
source_count (Source      *source,
              const char  *sql,
              GError     **error)
{
  gint64 value = -1;

  if (source_query (source, sql, error)) {
    if (source_next (source, error))
      value = g_ascii_strtoll (source_get (source, 0) != NULL ? source_get (source, 0) : "0",
                               NULL, 10);
    else if (error != NULL && *error == NULL)
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s gave no row", sql);
  }
  source_end_query (source);
  return value;
}

/* The columns of a Django table (empty when there is no such table). */
static GHashTable *
source_columns (Source      *source,
                const char  *table,
                GError     **error)
{
  g_autoptr(GHashTable) columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *literal = NULL;
  g_autofree char *sql = NULL;

  /* Our own constant names only: a literal is safe here */
  g_assert (strspn (table, "abcdefghijklmnopqrstuvwxyz_") == strlen (table));
  literal = g_strdup_printf ("'%s'", table);
  if (source->lite != NULL)
    sql = g_strdup_printf ("SELECT name FROM pragma_table_info (%s)", literal);
  else
    sql = g_strdup_printf ("SELECT column_name FROM information_schema.columns"
                           " WHERE table_schema = current_schema () AND table_name = %s", literal);
  if (!source_query (source, sql, error))
    return NULL;
  while (source_next (source, error))
    g_hash_table_add (columns, g_strdup (source_get (source, 0)));
  source_end_query (source);
  if (error != NULL && *error != NULL)
    return NULL;
  return g_steal_pointer (&columns);
}

/* Django's "2026-11-25 08:12:24.684421" (SQLite: UTC without an offset) or
 * "2026-11-25 08:12:24.684421+00" (PostgreSQL in UTC) as ours. */
static char *
django_time (const char *text)
{
  g_autofree char *iso = g_strdup (text);
  g_autoptr(GDateTime) time = NULL;
  char *space = strchr (iso, ' ');
  const char *clock;

  if (space != NULL)
    *space = 'T';
  clock = strchr (iso, 'T');
  /* "+00" → "+00:00", which GLib's parser wants */
  if (clock != NULL) {
    const char *sign = strpbrk (clock, "+-");

    if (sign != NULL && strlen (sign) == 3) {
      g_autofree char *longer = g_strconcat (iso, ":00", NULL);

      g_free (iso);
      iso = g_steal_pointer (&longer);
    }
  }
  time = fc_time_parse_iso8601 (iso);
  return time != NULL ? fc_time_format_iso8601 (time) : NULL;
}

static gboolean
bind_value (FcSqlStmt    *stmt,
            int           index,
            Kind          kind,
            const char   *value,
            const char   *now,
            const char   *column,
            GError      **error)
{
  g_autofree char *time = NULL;

  if (kind == KIND_NOW) {
    fc_sql_bind_text (stmt, index, now);
    return TRUE;
  }
  if (value == NULL) {
    if (kind == KIND_TEXT_NOT_NULL)
      fc_sql_bind_text (stmt, index, "");
    else
      fc_sql_bind_null (stmt, index);
    return TRUE;
  }
  switch (kind) {
  case KIND_TEXT:
  case KIND_TEXT_NOT_NULL:
    fc_sql_bind_text (stmt, index, value);
    return TRUE;
  case KIND_INT:
    fc_sql_bind_int64 (stmt, index, g_ascii_strtoll (value, NULL, 10));
    return TRUE;
  case KIND_REAL:
    fc_sql_bind_double (stmt, index, g_ascii_strtod (value, NULL));
    return TRUE;
  case KIND_BOOL:
    fc_sql_bind_int64 (stmt, index, g_str_equal (value, "t") || g_str_equal (value, "true") ||
                                    g_ascii_strtoll (value, NULL, 10) != 0);
    return TRUE;
  case KIND_TIME:
    time = django_time (value);
    if (time == NULL) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s: “%s” is not a datetime",
                   column, value);
      return FALSE;
    }
    fc_sql_bind_text (stmt, index, time);
    return TRUE;
  case KIND_DATE: {
    /* "YYYY-MM-DD" on both; anything after it is not ours */
    g_autofree char *date = g_strndup (value, 10);

    fc_sql_bind_text (stmt, index, date);
    return TRUE;
  }
  case KIND_NOW:
  default:
    break;
  }
  g_assert_not_reached ();
}

/* Reads Django's @map into our table; returns the rows read, or -1. */
static gint64
import_table (Source          *source,
              FcSql           *target,
              const TableMap  *map,
              gboolean         has_email_table,
              const char      *now,
              GError         **error)
{
  g_autoptr(GHashTable) django_columns = source_columns (source, map->django_table, error);
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autoptr(GString) insert = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(FcSqlStmt) stmt = NULL;
  guint n = 0;
  gint64 rows = 0;

  if (django_columns == NULL)
    return -1;
  if (g_hash_table_size (django_columns) == 0) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                 "The Django database has no table %s: is it FitCore's?", map->django_table);
    return -1;
  }

  g_string_append_printf (insert, "INSERT INTO %s (", map->table);
  for (const ColumnMap *column = map->columns; column->column != NULL; column++, n++) {
    const char *expression = column->django;
    g_auto(GStrv) choices = NULL;

    g_string_append_printf (insert, "%s%s", n > 0 ? ", " : "", column->column);
    g_string_append_printf (values, "%s?", n > 0 ? ", " : "");
    if (g_str_equal (column->column, "email_verified"))
      expression = has_email_table ? EMAIL_VERIFIED_EXPRESSION : "1";
    else if (expression == NULL)
      expression = "NULL";
    else if (strspn (expression, "abcdefghijklmnopqrstuvwxyz_|") == strlen (expression)) {
      choices = g_strsplit (expression, "|", -1);
      expression = NULL;
      for (guint i = 0; choices[i] != NULL && expression == NULL; i++) {
        if (g_hash_table_contains (django_columns, choices[i]))
          expression = choices[i];
      }
      if (expression == NULL) {
        g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                     "The Django table %s has no column %s", map->django_table, column->django);
        return -1;
      }
    }
    g_string_append_printf (select, "%s%s", n > 0 ? ", " : "", expression);
  }
  g_string_append_printf (select, " FROM %s AS d ORDER BY d.id", map->django_table);
  g_string_append_printf (insert, ") VALUES (%s)", values->str);

  stmt = fc_sql_prepare (target, insert->str);
  if (stmt == NULL || !source_query (source, select->str, error)) {
    if (error != NULL && *error == NULL)
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s", fc_sql_errmsg (target));
    return -1;
  }
  while (source_next (source, error)) {
    guint i = 0;

    for (const ColumnMap *column = map->columns; column->column != NULL; column++, i++) {
      if (!bind_value (stmt, i + 1, column->kind, source_get (source, i), now, column->column,
                       error)) {
        g_prefix_error (error, "%s row %s: ", map->django_table, source_get (source, 0));
        return -1;
      }
    }
    if (!fc_sql_step_done (stmt)) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s row %s: %s", map->django_table,
                   source_get (source, 0), fc_sql_errmsg (target));
      return -1;
    }
    fc_sql_reset (stmt);
    rows++;
  }
  source_end_query (source);
  if (error != NULL && *error != NULL)
    return -1;
  return rows;
}

static gint64
target_count (FcSql      *target,
              const char *sql)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (target, sql);

  return stmt != NULL && fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : -1;
}

static gboolean
import_locked (Source      *source,
               FcSql       *target,
               GString     *report,
               GError     **error)
{
  g_autofree char *now = fc_time_now_iso8601 ();
  g_autoptr(GHashTable) email_columns = source_columns (source, DJANGO_EMAIL_TABLE, error);
  gint64 other_hashes;

  if (email_columns == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (django_tables); i++) {
    g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM %s",
                                                  django_tables[i].table);
    gint64 count = target_count (target, count_sql);

    if (count != 0) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                   "The target database is not empty (%s holds %" G_GINT64_FORMAT
                   " rows); --import-django imports into a new database only",
                   django_tables[i].table, count);
      return FALSE;
    }
  }

  for (guint i = 0; i < G_N_ELEMENTS (django_tables); i++) {
    const TableMap *map = &django_tables[i];
    g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM %s", map->table);
    g_autofree char *source_sql = g_strdup_printf ("SELECT count(*) FROM %s", map->django_table);
    gint64 read = import_table (source, target, map, g_hash_table_size (email_columns) > 0, now,
                                error);
    gint64 expected = read >= 0 ? source_count (source, source_sql, error) : -1;
    gint64 written = expected >= 0 ? target_count (target, count_sql) : -1;

    if (read < 0 || expected < 0)
      return FALSE;
    if (written != expected || read != expected) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED,
                   "%s: %" G_GINT64_FORMAT " rows in Django's %s but %" G_GINT64_FORMAT
                   " imported; nothing was imported", map->table, expected, map->django_table,
                   written);
      return FALSE;
    }
    if (report != NULL)
      g_string_append_printf (report, "%s %" G_GINT64_FORMAT " (from %s)\n", map->table, written,
                              map->django_table);

    /* Django's ids were given, not drawn: the next one drawn follows them
     * (SQLite's AUTOINCREMENT already does). */
    if (fc_sql_get_backend (target) == FC_SQL_BACKEND_POSTGRESQL) {
      g_autofree char *setval = g_strdup_printf (
        "SELECT setval (pg_get_serial_sequence ('%s', 'id'), (SELECT max (id) FROM %s))",
        map->table, map->table);

      if (!fc_sql_exec (target, setval, error))
        return FALSE;
    }
  }

  /* Django makes a profile for every user (a signal); ours are expected to
   * have one too. */
  {
    g_autoptr(FcSqlStmt) profiles = fc_sql_prepare (target,
      "INSERT INTO profiles (user_id, updated_at) SELECT id, ? FROM users"
      " WHERE id NOT IN (SELECT user_id FROM profiles)");

    fc_sql_bind_text (profiles, 1, now);
    if (!fc_sql_step_done (profiles)) {
      g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "profiles: %s",
                   fc_sql_errmsg (target));
      return FALSE;
    }
  }

  other_hashes = target_count (target, "SELECT count(*) FROM users"
                                       " WHERE password NOT LIKE 'pbkdf2\\_sha256$%' ESCAPE '\\'");
  if (report != NULL && other_hashes > 0)
    g_string_append_printf (report, "%" G_GINT64_FORMAT " users have a password hash other than "
                            "pbkdf2_sha256 (or none): they need a password reset\n",
                            other_hashes);
  return TRUE;
}

gboolean
fc_migrate_import_django (FcSql       *target,
                          const char  *source_location,
                          GString     *report,
                          GError     **error)
{
  Source source;
  gboolean ok;

  g_return_val_if_fail (target != NULL && source_location != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!source_open (&source, source_location, error))
    return FALSE;
  if (!fc_sql_begin (target)) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s", fc_sql_errmsg (target));
    source_close (&source);
    return FALSE;
  }
  ok = import_locked (&source, target, report, error);
  if (!fc_sql_end (target, ok) && ok) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s", fc_sql_errmsg (target));
    ok = FALSE;
  }
  source_close (&source);
  return ok;
}
