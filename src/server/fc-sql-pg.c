/* fc-sql-pg.c — FcSql on PostgreSQL, through libpq
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What SQLite gives the routes and PostgreSQL does differently is made
 * up for here, by hand because libpq is a wire library and nothing in
 * the stack translates between the two:
 * - parameters: `?`/`?NNN` become `$N` when a statement is prepared
 *   (skipping literals, quoted names and comments), and LIKE becomes
 *   ILIKE, since SQLite's LIKE ignores ASCII case; each SQL text and set
 *   of parameter types is prepared once per connection (PQprepare);
 * - a statement that fails inside a transaction aborts it, where SQLite
 *   fails only that statement: no route goes on after a failed write but
 *   to answer an error and roll back, and a savepoint around every write
 *   cost two round trips each and a subtransaction each (10,000 of them
 *   in one health upload tripled its time, and past 64 a transaction's
 *   subtransactions slow every snapshot of the cluster). What follows a
 *   failure in the same transaction fails at once, without asking;
 * - the id of an INSERT: SQLite's last_insert_rowid() is not moved by
 *   triggers, PostgreSQL's lastval() is (the change feed's triggers insert
 *   too), so an INSERT into a table with an identity `id` returns it;
 * - results come as text and are read as SQLite's column getters would.
 */

#define G_LOG_DOMAIN "fc-sql"

#include "config.h"

#include "fc-sql-private.h"

#ifdef HAVE_LIBPQ

#include <glib-unix.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "fc-server-schema-pg.h"

#define PG_BOOL_OID 16
#define PG_TEXT_OID 25

struct _FcSqlPg {
  PGconn     *conn;
  GHashTable *prepared;    /* "types|SQL" → statement name */
  GHashTable *id_tables;   /* table → GINT_TO_POINTER (has an identity id + 1) */
  GQueue      sent;        /* FcSqlStmt sent ahead in pipeline mode, in order */
  guint       session;     /* one more at each new connection: names go with it */
  guint       next_name;
  guint       round_trips; /* waits for PostgreSQL's answer, for the tests */
  gint64      last_id;
  char       *errmsg;
  gboolean    read_only;
};

typedef struct {
  FcSqlPgType  type;
  char        *value;      /* NULL for NULL */
  gsize        size;
} Param;

struct _FcSqlPgStmt {
  char      *sql;          /* as the caller wrote it */
  char      *pg_sql;       /* with $N, and RETURNING id where it applies */
  int        n_params;
  guint8    *used;         /* n_params flags: does the SQL name $N */
  Param     *params;
  gboolean   is_write;     /* INSERT, UPDATE, DELETE: counts for fc_sql_changes() */
  gboolean   returns_id;   /* RETURNING id added here: not the caller's rows */
  PGresult  *result;
  int        row;          /* the row fc_sql_step() is on; -1 before */
  guchar    *blob;         /* fc_sql_column_blob()'s last, PQunescapeBytea's */

  /* The name it was last prepared under, for which parameter types and
   * in which session: found again without building the key */
  const char *name;
  Oid        *name_types;
  guint       name_session;

  gboolean   sent;         /* in FcSqlPg.sent, its result not read yet */
  gboolean   fetched;      /* result read ahead by drain(), not looked at yet */
};

static void
set_errmsg (FcSql      *db,
            const char *message)
{
  g_free (db->pg->errmsg);
  db->pg->errmsg = g_strchomp (g_strdup (message != NULL ? message : "unknown error"));
}

static void
clear_result (FcSqlPgStmt *pg)
{
  g_clear_pointer (&pg->result, PQclear);
  g_clear_pointer (&pg->blob, PQfreemem);
  pg->row = -1;
  pg->fetched = FALSE;
}

/* Reads the results of the statements sent ahead (fc_sql_pg_prefetch())
 * into them, in the order sent, and leaves pipeline mode, so that the
 * connection serves the ordinary calls again. Called before anything else
 * uses the connection. A statement whose result did not come (a dropped
 * connection) is left without one, and runs again the ordinary way when
 * stepped. */
static void
drain (FcSql *db)
{
  FcSqlPg *conn = db->pg;
  PGresult *result;
  FcSqlStmt *stmt;
  gboolean ok;

  if (PQpipelineStatus (conn->conn) == PQ_PIPELINE_OFF)
    return;
  conn->round_trips++;
  ok = PQpipelineSync (conn->conn) == 1;
  while ((stmt = g_queue_pop_head (&conn->sent)) != NULL) {
    stmt->pg->sent = FALSE;
    result = ok ? PQgetResult (conn->conn) : NULL;
    if (result == NULL) {
      ok = FALSE;
      continue;
    }
    clear_result (stmt->pg);
    stmt->pg->result = result;
    stmt->pg->fetched = TRUE;
    /* Each statement's results end with a NULL */
    while ((result = PQgetResult (conn->conn)) != NULL)
      PQclear (result);
  }
  /* The sync's own result, then out of pipeline mode; on a dropped
   * connection reconnect_if_lost() ends it */
  while (ok && (result = PQgetResult (conn->conn)) != NULL) {
    ExecStatusType status = PQresultStatus (result);

    PQclear (result);
    if (status == PGRES_PIPELINE_SYNC)
      break;
  }
  if (!PQexitPipelineMode (conn->conn) && PQstatus (conn->conn) == CONNECTION_OK)
    g_warning ("Cannot leave pipeline mode: %s", PQerrorMessage (conn->conn));
}

/* Runs @sql outside the prepared path: a transaction's verbs, SET, a
 * script. @count_changes: as sqlite3_changes() after sqlite3_exec(), the
 * last INSERT, UPDATE or DELETE's count (PQexec answers a script's last
 * statement); not for BEGIN and COMMIT, which leave it alone in SQLite. */
static gboolean
run_full (FcSql       *db,
          const char  *sql,
          gboolean     count_changes,
          GError     **error)
{
  PGresult *result;
  ExecStatusType status;
  const char *command;
  gboolean ok;

  drain (db);
  db->pg->round_trips++;
  result = PQexec (db->pg->conn, sql);
  status = PQresultStatus (result);
  command = PQcmdStatus (result);
  ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

  if (!ok) {
    set_errmsg (db, PQresultErrorMessage (result));
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s: %s", sql, db->pg->errmsg);
  } else if (count_changes &&
             (g_str_has_prefix (command, "INSERT") || g_str_has_prefix (command, "UPDATE") ||
              g_str_has_prefix (command, "DELETE"))) {
    db->pg_changes = g_ascii_strtoll (PQcmdTuples (result), NULL, 10);
  }
  PQclear (result);
  return ok;
}

static gboolean
run (FcSql       *db,
     const char  *sql,
     GError     **error)
{
  return run_full (db, sql, FALSE, error);
}

FcSql *
fc_sql_pg_open (const char      *location,
                FcSqlOpenFlags   flags,
                GError         **error)
{
  PGconn *conn = PQconnectdb (location);
  FcSql *db;

  if (PQstatus (conn) != CONNECTION_OK) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_OPEN, "Cannot connect to PostgreSQL: %s",
                 PQerrorMessage (conn));
    PQfinish (conn);
    return NULL;
  }
  db = g_new0 (FcSql, 1);
  db->backend = FC_SQL_BACKEND_POSTGRESQL;
  db->location = g_strdup (location);
  db->cached = g_hash_table_new (g_str_hash, g_str_equal);
  db->pg = g_new0 (FcSqlPg, 1);
  db->pg->conn = conn;
  db->pg->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  db->pg->id_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  db->pg->read_only = (flags & FC_SQL_OPEN_READ_ONLY) != 0;

  /* Times are text in UTC everywhere, as on SQLite; no notices on stderr */
  if (!run (db, "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC';"
                " SET client_min_messages = 'warning'", error) ||
      (db->pg->read_only &&
       !run (db, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", error)) ||
      (!db->pg->read_only && !fc_server_pg_migrate (conn, error))) {
    fc_sql_close (db);
    return NULL;
  }
  return db;
}

void
fc_sql_pg_close (FcSql *db)
{
  g_queue_clear (&db->pg->sent);
  PQfinish (db->pg->conn);
  g_hash_table_unref (db->pg->prepared);
  g_hash_table_unref (db->pg->id_tables);
  g_free (db->pg->errmsg);
  g_free (db->pg);
}

void
fc_sql_pg_set_busy_timeout (FcSql *db,
                            int    ms)
{
  g_autofree char *sql = g_strdup_printf ("SET lock_timeout = %d", ms);
  g_autoptr(GError) error = NULL;

  if (!run (db, sql, &error))
    g_warning ("%s", error->message);
}

gboolean
fc_sql_pg_exec (FcSql       *db,
                const char  *sql,
                GError     **error)
{
  return run_full (db, sql, TRUE, error);
}

const char *
fc_sql_pg_errmsg (FcSql *db)
{
  return db->pg->errmsg != NULL ? db->pg->errmsg : "not an error";
}

gint64
fc_sql_pg_last_insert_id (FcSql *db)
{
  return db->pg->last_id;
}

/* A connection PostgreSQL dropped (a restart, a terminated backend) is
 * made again before the next transaction or statement outside one: the
 * request that met the drop failed, the next ones work. Prepared
 * statements went with the session. */
static void
reconnect_if_lost (FcSql *db)
{
  g_autoptr(GError) error = NULL;

  if (db->pg_depth > 0 || PQstatus (db->pg->conn) == CONNECTION_OK)
    return;
  g_message ("The PostgreSQL connection was lost; connecting again");
  drain (db);
  PQreset (db->pg->conn);
  g_hash_table_remove_all (db->pg->prepared);
  db->pg->session++;
  if (PQstatus (db->pg->conn) != CONNECTION_OK)
    return;
  if (!run (db, "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC';"
                " SET client_min_messages = 'warning'", &error) ||
      (db->pg->read_only &&
       !run (db, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", &error)))
    g_warning ("%s", error->message);
}

/* ---- Transactions ---- */

gboolean
fc_sql_pg_begin (FcSql   *db,
                 GError **error)
{
  g_autofree char *sql = NULL;
  gboolean ok;

  reconnect_if_lost (db);
  if (db->pg_depth == 0)
    sql = g_strdup ("BEGIN");
  else
    sql = g_strdup_printf ("SAVEPOINT fc_level_%u", db->pg_depth);
  ok = run (db, sql, NULL);
  /* A connection the BEGIN itself found dropped (an idle pooled one) is
   * made again, and the transaction begun on the new one */
  if (!ok && db->pg_depth == 0 && PQstatus (db->pg->conn) != CONNECTION_OK) {
    reconnect_if_lost (db);
    ok = run (db, sql, NULL);
  }
  if (!ok) {
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "%s: %s", sql, fc_sql_pg_errmsg (db));
    return FALSE;
  }
  db->pg_depth++;
  return TRUE;
}

gboolean
fc_sql_pg_end (FcSql    *db,
               gboolean  commit)
{
  g_autofree char *sql = NULL;
  PGresult *result;
  gboolean ok;

  g_return_val_if_fail (db->pg_depth > 0, FALSE);

  db->pg_depth--;
  if (db->pg_depth > 0) {
    if (commit)
      sql = g_strdup_printf ("RELEASE SAVEPOINT fc_level_%u", db->pg_depth);
    else
      sql = g_strdup_printf ("ROLLBACK TO SAVEPOINT fc_level_%u; RELEASE SAVEPOINT fc_level_%u",
                             db->pg_depth, db->pg_depth);
    ok = run (db, sql, NULL);
    return ok && commit;
  }
  if (!commit) {
    run (db, "ROLLBACK", NULL);
    return FALSE;
  }
  /* A COMMIT of a transaction that failed answers "ROLLBACK" */
  drain (db);
  db->pg->round_trips++;
  result = PQexec (db->pg->conn, "COMMIT");
  ok = PQresultStatus (result) == PGRES_COMMAND_OK && g_str_equal (PQcmdStatus (result), "COMMIT");
  if (!ok) {
    set_errmsg (db, PQresultErrorMessage (result));
    g_warning ("Commit failed, rolled back: %s", db->pg->errmsg);
  }
  PQclear (result);
  if (PQtransactionStatus (db->pg->conn) != PQTRANS_IDLE)
    run (db, "ROLLBACK", NULL);
  return ok;
}

/* ---- Notifications between instances ---- */

void
fc_sql_pg_notify (FcSql      *db,
                  const char *channel)
{
  g_autofree char *sql = g_strdup_printf ("NOTIFY %s", channel);
  g_autoptr(GError) error = NULL;

  if (!run (db, sql, &error))
    g_warning ("%s", error->message);
}

/* The listening connection is a source of its own that outlives the
 * connection: PostgreSQL drops it on a restart or a failover (or an
 * administrator's pg_terminate_backend()), and then it connects again
 * with a growing pause instead of leaving the streams to their poll. */
#define LISTEN_RETRY_MIN_MS 100
#define LISTEN_RETRY_MAX_MS 5000

typedef struct {
  GSource   source;
  char     *location;
  char     *channel;
  PGconn   *conn;      /* NULL while waiting to connect again */
  gpointer  fd_tag;
  guint     retry_ms;
} ListenSource;

static gboolean
listen_source_connect (ListenSource *self)
{
  g_autofree char *sql = g_strdup_printf ("LISTEN %s", self->channel);
  PGresult *result;

  self->conn = PQconnectdb (self->location);
  result = PQexec (self->conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK) {
    g_warning ("Cannot listen for other instances: %s", PQerrorMessage (self->conn));
    PQclear (result);
    g_clear_pointer (&self->conn, PQfinish);
    return FALSE;
  }
  PQclear (result);
  self->fd_tag = g_source_add_unix_fd (&self->source, PQsocket (self->conn), G_IO_IN);
  self->retry_ms = LISTEN_RETRY_MIN_MS;
  return TRUE;
}

static void
listen_source_drop (ListenSource *self)
{
  g_warning ("The PostgreSQL connection listening for other instances failed: %s; "
             "connecting again", PQerrorMessage (self->conn));
  g_source_remove_unix_fd (&self->source, self->fd_tag);
  self->fd_tag = NULL;
  g_clear_pointer (&self->conn, PQfinish);
  g_source_set_ready_time (&self->source, g_source_get_time (&self->source) +
                                          self->retry_ms * G_TIME_SPAN_MILLISECOND);
}

static gboolean
listen_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  ListenSource *self = (ListenSource *) source;
  gboolean notified = FALSE;
  PGnotify *notify;

  if (self->conn == NULL) {
    g_source_set_ready_time (source, -1);
    if (!listen_source_connect (self)) {
      self->retry_ms = MIN (self->retry_ms * 2, LISTEN_RETRY_MAX_MS);
      g_source_set_ready_time (source, g_source_get_time (source) +
                                       self->retry_ms * G_TIME_SPAN_MILLISECOND);
      return G_SOURCE_CONTINUE;
    }
    /* What was notified while no one listened is read now. */
    return callback (user_data);
  }

  if (!PQconsumeInput (self->conn)) {
    listen_source_drop (self);
    return G_SOURCE_CONTINUE;
  }
  while ((notify = PQnotifies (self->conn)) != NULL) {
    notified = TRUE;
    PQfreemem (notify);
  }
  return notified ? callback (user_data) : G_SOURCE_CONTINUE;
}

static void
listen_source_finalize (GSource *source)
{
  ListenSource *self = (ListenSource *) source;

  g_clear_pointer (&self->conn, PQfinish);
  g_free (self->location);
  g_free (self->channel);
}

static GSourceFuncs listen_source_funcs = {
  .dispatch = listen_source_dispatch,
  .finalize = listen_source_finalize,
};

guint
fc_sql_pg_listen (FcSql       *db,
                  const char  *channel,
                  GSourceFunc  callback,
                  gpointer     user_data)
{
  g_autoptr(GSource) source = g_source_new (&listen_source_funcs, sizeof (ListenSource));
  ListenSource *self = (ListenSource *) source;

  self->location = g_strdup (db->location);
  self->channel = g_strdup (channel);
  self->retry_ms = LISTEN_RETRY_MIN_MS;
  if (!listen_source_connect (self))
    return 0;
  g_source_set_callback (source, callback, user_data, NULL);
  g_source_set_static_name (source, "[fitcore] PostgreSQL LISTEN");
  return g_source_attach (source, g_main_context_get_thread_default ());
}

/* ---- Statements ---- */

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* `?` and `?NNN` to `$N` (a bare `?` is one more than the largest so far,
 * as in SQLite) and LIKE to ILIKE, outside literals, quoted names and
 * comments. */
static char *
rewrite_parameters (const char  *sql,
                    int         *n_params,
                    GByteArray  *used)
{
  GString *out = g_string_sized_new (strlen (sql) + 16);
  int largest = 0;

  for (const char *p = sql; *p != '\0'; p++) {
    if (*p == '\'' || *p == '"') {
      const char *end = p + 1;

      while (*end != '\0' && *end != *p)
        end++;
      g_string_append_len (out, p, end - p + (*end != '\0'));
      if (*end == '\0')
        break;
      p = end;
    } else if (p[0] == '-' && p[1] == '-') {
      const char *end = strchr (p, '\n');

      if (end == NULL)
        end = p + strlen (p) - 1;
      g_string_append_len (out, p, end - p + 1);
      p = end;
    } else if (*p == '?') {
      int index;

      if (g_ascii_isdigit (p[1])) {
        index = (int) strtol (p + 1, (char **) &p, 10);
        p--;
      } else {
        index = largest + 1;
      }
      largest = MAX (largest, index);
      if ((int) used->len < index) {
        guint old_len = used->len;

        /* set_size leaves the new bytes as they were: a gap ($2 in
         * "$1 … $4") must read as unused, else its type is left unknown */
        g_byte_array_set_size (used, index);
        memset (used->data + old_len, 0, index - old_len);
      }
      used->data[index - 1] = 1;
      g_string_append_printf (out, "$%d", index);
    } else if (is_word_char (*p) && (p == sql || !is_word_char (p[-1]))) {
      const char *end = p;

      while (is_word_char (*end))
        end++;
      if (end - p == 4 && g_ascii_strncasecmp (p, "LIKE", 4) == 0)
        g_string_append_c (out, 'I');
      g_string_append_len (out, p, end - p);
      p = end - 1;
    } else {
      g_string_append_c (out, *p);
    }
  }
  *n_params = largest;
  return g_string_free (out, FALSE);
}

/* The table an INSERT writes to when the caller may ask for its id, or
 * NULL. */
static char *
insert_table (const char *sql)
{
  g_autofree char *lower = NULL;
  const char *p = sql;
  const char *start;

  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "INSERT", 6) != 0)
    return NULL;
  lower = g_ascii_strdown (sql, -1);
  if (strstr (lower, "returning") != NULL)
    return NULL;
  p += 6;
  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "INTO", 4) != 0)
    return NULL;
  p += 4;
  while (g_ascii_isspace (*p))
    p++;
  start = p;
  while (is_word_char (*p))
    p++;
  return p > start ? g_ascii_strdown (start, p - start) : NULL;
}

static gboolean
has_identity_id (FcSql      *db,
                 const char *table)
{
  const char *values[] = { table };
  gpointer known;
  PGresult *result;
  gboolean has;

  if (g_hash_table_lookup_extended (db->pg->id_tables, table, NULL, &known))
    return GPOINTER_TO_INT (known) != 0;
  drain (db);
  db->pg->round_trips++;
  result = PQexecParams (db->pg->conn,
                         "SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                         " WHERE c.relname = $1 AND a.attname = 'id' AND a.attidentity <> ''"
                         " AND pg_table_is_visible (c.oid)",
                         1, NULL, values, NULL, NULL, 0);
  has = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0;
  PQclear (result);
  g_hash_table_insert (db->pg->id_tables, g_strdup (table), GINT_TO_POINTER (has));
  return has;
}

FcSqlStmt *
fc_sql_pg_prepare (FcSql      *db,
                   const char *sql)
{
  g_autoptr(GByteArray) used = g_byte_array_new ();
  g_autofree char *table = NULL;
  FcSqlStmt *stmt = g_new0 (FcSqlStmt, 1);
  FcSqlPgStmt *pg = g_new0 (FcSqlPgStmt, 1);
  const char *p = sql;

  stmt->db = db;
  stmt->pg = pg;
  pg->sql = g_strdup (sql);
  pg->pg_sql = rewrite_parameters (sql, &pg->n_params, used);
  pg->used = g_malloc0 (MAX (pg->n_params, 1));
  if (used->len > 0)
    memcpy (pg->used, used->data, used->len);
  pg->params = g_new0 (Param, MAX (pg->n_params, 1));
  pg->row = -1;
  while (g_ascii_isspace (*p) || *p == '(')
    p++;
  pg->is_write = g_ascii_strncasecmp (p, "SELECT", 6) != 0 &&
                 g_ascii_strncasecmp (p, "VALUES", 6) != 0;
  if (g_ascii_strncasecmp (p, "WITH", 4) == 0) {
    g_autofree char *lower = g_ascii_strdown (p, -1);

    pg->is_write = strstr (lower, "insert ") != NULL || strstr (lower, "update ") != NULL ||
                   strstr (lower, "delete ") != NULL;
  }
  table = insert_table (sql);
  if (table != NULL && has_identity_id (db, table)) {
    char *with_id = g_strconcat (pg->pg_sql, " RETURNING id", NULL);

    g_free (pg->pg_sql);
    pg->pg_sql = with_id;
    pg->returns_id = TRUE;
  }
  return stmt;
}

/* Waits for the result of @stmt sent ahead, if it was. */
static void
claim (FcSqlStmt *stmt)
{
  if (stmt->pg->sent)
    drain (stmt->db);
}

void
fc_sql_pg_clear_bindings (FcSqlStmt *stmt)
{
  FcSqlPgStmt *pg = stmt->pg;

  claim (stmt);
  for (int i = 0; i < pg->n_params; i++) {
    g_clear_pointer (&pg->params[i].value, g_free);
    pg->params[i].type = FC_SQL_PG_UNKNOWN;
    pg->params[i].size = 0;
  }
}

void
fc_sql_pg_finalize (FcSqlStmt *stmt)
{
  FcSqlPgStmt *pg = stmt->pg;

  claim (stmt);
  clear_result (pg);
  fc_sql_pg_clear_bindings (stmt);
  g_free (pg->name_types);
  g_free (pg->params);
  g_free (pg->used);
  g_free (pg->sql);
  g_free (pg->pg_sql);
  g_free (pg);
}

void
fc_sql_pg_reset (FcSqlStmt *stmt)
{
  claim (stmt);
  clear_result (stmt->pg);
}

const char *
fc_sql_pg_get_sql (FcSqlStmt *stmt)
{
  return stmt->pg->sql;
}

int
fc_sql_pg_bind_count (FcSqlStmt *stmt)
{
  return stmt->pg->n_params;
}

void
fc_sql_pg_bind (FcSqlStmt   *stmt,
                int          index,
                FcSqlPgType  type,
                char        *value,
                gsize        size)
{
  FcSqlPgStmt *pg = stmt->pg;
  Param *param;

  if (index < 1 || index > pg->n_params) {
    g_free (value);
    return;
  }
  /* What was fetched ahead was for the old value */
  if (pg->sent || pg->fetched) {
    claim (stmt);
    clear_result (pg);
  }
  param = &pg->params[index - 1];
  g_free (param->value);
  param->type = type;
  param->value = value;
  param->size = size;
}

/* @name is owned by the connection's table, which is emptied only with
 * a new session. */
static const char *
remember_name (FcSqlPgStmt *pg,
               FcSqlPg     *conn,
               const char  *name,
               const Oid   *types)
{
  pg->name = name;
  pg->name_session = conn->session;
  g_free (pg->name_types);
  pg->name_types = g_memdup2 (types, MAX (pg->n_params, 1) * sizeof (Oid));
  return name;
}

/* The statement's name on this connection, prepared on first use for
 * these parameter types; NULL after setting the error. */
static const char *
prepared_name (FcSqlStmt *stmt,
               Oid       *types)
{
  FcSqlPgStmt *pg = stmt->pg;
  FcSqlPg *conn = stmt->db->pg;
  g_autoptr(GString) key = NULL;
  const char *name;
  char *new_name;
  PGresult *result;

  for (int i = 0; i < pg->n_params; i++) {
    /* A parameter the SQL does not name has no type to infer */
    types[i] = !pg->used[i] ? PG_TEXT_OID : (Oid) pg->params[i].type;
  }
  /* The same statement run again with the same types, as most are */
  if (pg->name != NULL && pg->name_session == conn->session &&
      (pg->n_params == 0 || memcmp (pg->name_types, types, pg->n_params * sizeof (Oid)) == 0))
    return pg->name;

  key = g_string_new (NULL);
  for (int i = 0; i < pg->n_params; i++)
    g_string_append_printf (key, "%u,", types[i]);
  g_string_append_c (key, '|');
  g_string_append (key, pg->pg_sql);
  name = g_hash_table_lookup (conn->prepared, key->str);
  if (name != NULL)
    return remember_name (pg, conn, name, types);

  drain (stmt->db);
  new_name = g_strdup_printf ("fc_%u", conn->next_name++);
  conn->round_trips++;
  result = PQprepare (conn->conn, new_name, pg->pg_sql, pg->n_params, types);
  if (PQresultStatus (result) != PGRES_COMMAND_OK) {
    set_errmsg (stmt->db, PQresultErrorMessage (result));
    PQclear (result);
    g_free (new_name);
    return NULL;
  }
  PQclear (result);
  g_hash_table_insert (conn->prepared, g_string_free (g_steal_pointer (&key), FALSE), new_name);
  return remember_name (pg, conn, new_name, types);
}

static FcSqlResult
result_from_sqlstate (const char *state)
{
  if (state == NULL)
    return FC_SQL_ERROR;
  /* a trigger's RAISE EXCEPTION is SQLite's RAISE(ABORT): a constraint */
  if (g_str_has_prefix (state, "23") || g_str_equal (state, "P0001"))
    return FC_SQL_CONSTRAINT;
  /* serialization_failure, deadlock_detected, lock_not_available */
  if (g_str_equal (state, "40001") || g_str_equal (state, "40P01") || g_str_equal (state, "55P03"))
    return FC_SQL_BUSY;
  return FC_SQL_ERROR;
}

/* A statement's parameters as PQexecPrepared() takes them, on the stack
 * for the few most have. */
#define PARAMS_ON_STACK 16

typedef struct {
  Oid         *types;
  const char **values;
  int         *lengths;
  int         *formats;
  Oid          types_buf[PARAMS_ON_STACK];
  const char  *values_buf[PARAMS_ON_STACK];
  int          lengths_buf[PARAMS_ON_STACK];
  int          formats_buf[PARAMS_ON_STACK];
} Args;

static void
args_init (Args        *args,
           FcSqlPgStmt *pg)
{
  int n = MAX (pg->n_params, 1);

  if (n <= PARAMS_ON_STACK) {
    args->types = args->types_buf;
    args->values = args->values_buf;
    args->lengths = args->lengths_buf;
    args->formats = args->formats_buf;
  } else {
    args->types = g_new (Oid, n);
    args->values = g_new (const char *, n);
    args->lengths = g_new (int, n);
    args->formats = g_new (int, n);
  }
  for (int i = 0; i < pg->n_params; i++) {
    args->values[i] = pg->params[i].value;
    args->lengths[i] = pg->params[i].type == FC_SQL_PG_BYTEA ? (int) pg->params[i].size : 0;
    args->formats[i] = pg->params[i].type == FC_SQL_PG_BYTEA;
  }
}

static void
args_clear (Args *args)
{
  if (args->types != args->types_buf) {
    g_free (args->types);
    g_free (args->values);
    g_free (args->lengths);
    g_free (args->formats);
  }
}

/* What fc_sql_step() answers for the result in @stmt, noting the rows an
 * INSERT, UPDATE or DELETE changed and an INSERT's id. */
static FcSqlResult
take_result (FcSqlStmt *stmt)
{
  FcSqlPgStmt *pg = stmt->pg;
  FcSql *db = stmt->db;
  const char *changed;

  switch (PQresultStatus (pg->result)) {
  case PGRES_TUPLES_OK:
  case PGRES_COMMAND_OK:
    changed = PQcmdTuples (pg->result);
    if (pg->is_write && changed != NULL && *changed != '\0')
      db->pg_changes = g_ascii_strtoll (changed, NULL, 10);
    if (pg->returns_id && PQntuples (pg->result) > 0)
      db->pg->last_id = g_ascii_strtoll (PQgetvalue (pg->result, PQntuples (pg->result) - 1, 0),
                                         NULL, 10);
    return FC_SQL_DONE;
  default:
    set_errmsg (db, PQresultErrorMessage (pg->result));
    return result_from_sqlstate (PQresultErrorField (pg->result, PG_DIAG_SQLSTATE));
  }
}

static FcSqlResult
execute (FcSqlStmt *stmt)
{
  FcSqlPgStmt *pg = stmt->pg;
  FcSql *db = stmt->db;
  Args args;
  const char *name;
  FcSqlResult rc;

  drain (db);
  if (db->pg_depth > 0 && PQtransactionStatus (db->pg->conn) == PQTRANS_INERROR)
    return FC_SQL_ERROR;
  reconnect_if_lost (db);
  args_init (&args, pg);
  name = prepared_name (stmt, args.types);
  if (name == NULL && !pg->is_write && db->pg_depth == 0 &&
      PQstatus (db->pg->conn) != CONNECTION_OK) {
    reconnect_if_lost (db);
    name = prepared_name (stmt, args.types);
  }
  if (name == NULL) {
    args_clear (&args);
    return FC_SQL_ERROR;
  }

  db->pg->round_trips++;
  pg->result = PQexecPrepared (db->pg->conn, name, pg->n_params, args.values, args.lengths,
                               args.formats, 0);
  /* A read outside a transaction that found the connection dropped is
   * safe to ask again on a new one */
  if (PQresultStatus (pg->result) == PGRES_FATAL_ERROR && !pg->is_write && db->pg_depth == 0 &&
      PQstatus (db->pg->conn) != CONNECTION_OK) {
    g_clear_pointer (&pg->result, PQclear);
    reconnect_if_lost (db);
    name = prepared_name (stmt, args.types);
    if (name == NULL) {
      args_clear (&args);
      return FC_SQL_ERROR;
    }
    db->pg->round_trips++;
    pg->result = PQexecPrepared (db->pg->conn, name, pg->n_params, args.values, args.lengths,
                                 args.formats, 0);
  }
  rc = take_result (stmt);
  args_clear (&args);
  return rc;
}

void
fc_sql_pg_prefetch (FcSqlStmt *stmt)
{
  FcSqlPgStmt *pg = stmt->pg;
  FcSql *db = stmt->db;
  FcSqlPg *conn = db->pg;
  Args args;
  const char *name;

  /* Writes run where they are stepped: what a write changed, and its
   * failure, belong to that moment */
  if (pg->is_write || pg->sent || pg->result != NULL)
    return;
  if (g_queue_is_empty (&conn->sent)) {
    if (db->pg_depth > 0 && PQtransactionStatus (conn->conn) == PQTRANS_INERROR)
      return;
    reconnect_if_lost (db);
  }
  args_init (&args, pg);
  /* Prepared the ordinary way the first time, which ends a pipeline */
  name = prepared_name (stmt, args.types);
  if (name != NULL &&
      (PQpipelineStatus (conn->conn) != PQ_PIPELINE_OFF || PQenterPipelineMode (conn->conn)) &&
      PQsendQueryPrepared (conn->conn, name, pg->n_params, args.values, args.lengths,
                           args.formats, 0)) {
    pg->sent = TRUE;
    g_queue_push_tail (&conn->sent, stmt);
  } else if (g_queue_is_empty (&conn->sent) &&
             PQpipelineStatus (conn->conn) != PQ_PIPELINE_OFF) {
    PQexitPipelineMode (conn->conn);
  }
  args_clear (&args);
}

FcSqlResult
fc_sql_pg_step (FcSqlStmt *stmt)
{
  FcSqlPgStmt *pg = stmt->pg;
  FcSql *db = stmt->db;
  FcSqlResult rc;

  claim (stmt);
  if (pg->fetched) {
    ExecStatusType status = PQresultStatus (pg->result);

    pg->fetched = FALSE;
    /* Skipped after another statement of the pipeline failed, or the
     * connection dropped: asked again the ordinary way (a read outside a
     * transaction; inside one, the transaction failed anyway) */
    if (status == PGRES_PIPELINE_ABORTED ||
        (status == PGRES_FATAL_ERROR && db->pg_depth == 0 &&
         PQstatus (db->pg->conn) != CONNECTION_OK)) {
      clear_result (pg);
    } else {
      rc = take_result (stmt);
      if (rc != FC_SQL_DONE) {
        clear_result (pg);
        return rc;
      }
    }
  }
  if (pg->result == NULL) {
    rc = execute (stmt);
    if (rc != FC_SQL_DONE) {
      clear_result (pg);
      return rc;
    }
  }
  g_clear_pointer (&pg->blob, PQfreemem);
  if (pg->returns_id || PQresultStatus (pg->result) != PGRES_TUPLES_OK)
    return FC_SQL_DONE;
  if (pg->row + 1 >= PQntuples (pg->result))
    return FC_SQL_DONE;
  pg->row++;
  return FC_SQL_ROW;
}

guint
fc_sql_pg_get_round_trips (FcSql *db)
{
  return db->pg->round_trips;
}

static gboolean
has_value (FcSqlPgStmt *pg,
           int          index)
{
  return pg->result != NULL && pg->row >= 0 && pg->row < PQntuples (pg->result) &&
         index >= 0 && index < PQnfields (pg->result) &&
         !PQgetisnull (pg->result, pg->row, index);
}

gint64
fc_sql_pg_column_int64 (FcSqlStmt *stmt,
                        int        index)
{
  FcSqlPgStmt *pg = stmt->pg;
  const char *text;

  if (!has_value (pg, index))
    return 0;
  text = PQgetvalue (pg->result, pg->row, index);
  if (PQftype (pg->result, index) == PG_BOOL_OID)
    return text[0] == 't';
  /* A real read as an integer truncates, as in SQLite */
  if (strpbrk (text, ".eE") != NULL)
    return (gint64) g_ascii_strtod (text, NULL);
  return g_ascii_strtoll (text, NULL, 10);
}

const char *
fc_sql_pg_column_text (FcSqlStmt *stmt,
                       int        index)
{
  FcSqlPgStmt *pg = stmt->pg;
  const char *text;

  if (!has_value (pg, index))
    return NULL;
  text = PQgetvalue (pg->result, pg->row, index);
  if (PQftype (pg->result, index) == PG_BOOL_OID)
    return text[0] == 't' ? "1" : "0";
  return text;
}

gconstpointer
fc_sql_pg_column_blob (FcSqlStmt *stmt,
                       int        index,
                       gsize     *size)
{
  FcSqlPgStmt *pg = stmt->pg;
  size_t length = 0;

  *size = 0;
  if (!has_value (pg, index))
    return NULL;
  g_clear_pointer (&pg->blob, PQfreemem);
  pg->blob = PQunescapeBytea ((const guchar *) PQgetvalue (pg->result, pg->row, index), &length);
  *size = length;
  return pg->blob;
}

gboolean
fc_sql_pg_column_is_null (FcSqlStmt *stmt,
                          int        index)
{
  return !has_value (stmt->pg, index);
}

#else /* !HAVE_LIBPQ */

/* Built without libpq: a PostgreSQL location is refused when opened, so
 * nothing else here is reached. */

FcSql *
fc_sql_pg_open (const char      *location,
                FcSqlOpenFlags   flags,
                GError         **error)
{
  g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_OPEN,
                       "This fitcore-server was built without PostgreSQL (libpq)");
  return NULL;
}

void fc_sql_pg_close (FcSql *db) { g_assert_not_reached (); }
void fc_sql_pg_set_busy_timeout (FcSql *db, int ms) { g_assert_not_reached (); }
gboolean fc_sql_pg_exec (FcSql *db, const char *sql, GError **error) { g_assert_not_reached (); }
const char *fc_sql_pg_errmsg (FcSql *db) { g_assert_not_reached (); }
gint64 fc_sql_pg_last_insert_id (FcSql *db) { g_assert_not_reached (); }
gboolean fc_sql_pg_begin (FcSql *db, GError **error) { g_assert_not_reached (); }
gboolean fc_sql_pg_end (FcSql *db, gboolean commit) { g_assert_not_reached (); }
FcSqlStmt *fc_sql_pg_prepare (FcSql *db, const char *sql) { g_assert_not_reached (); }
void fc_sql_pg_finalize (FcSqlStmt *stmt) { g_assert_not_reached (); }
void fc_sql_pg_reset (FcSqlStmt *stmt) { g_assert_not_reached (); }
void fc_sql_pg_clear_bindings (FcSqlStmt *stmt) { g_assert_not_reached (); }
const char *fc_sql_pg_get_sql (FcSqlStmt *stmt) { g_assert_not_reached (); }
int fc_sql_pg_bind_count (FcSqlStmt *stmt) { g_assert_not_reached (); }
void fc_sql_pg_bind (FcSqlStmt *stmt, int index, FcSqlPgType type, char *value, gsize size) { g_assert_not_reached (); }
FcSqlResult fc_sql_pg_step (FcSqlStmt *stmt) { g_assert_not_reached (); }
void fc_sql_pg_prefetch (FcSqlStmt *stmt) { g_assert_not_reached (); }
guint fc_sql_pg_get_round_trips (FcSql *db) { g_assert_not_reached (); }
gint64 fc_sql_pg_column_int64 (FcSqlStmt *stmt, int index) { g_assert_not_reached (); }
const char *fc_sql_pg_column_text (FcSqlStmt *stmt, int index) { g_assert_not_reached (); }
gconstpointer fc_sql_pg_column_blob (FcSqlStmt *stmt, int index, gsize *size) { g_assert_not_reached (); }
gboolean fc_sql_pg_column_is_null (FcSqlStmt *stmt, int index) { g_assert_not_reached (); }
void fc_sql_pg_notify (FcSql *db, const char *channel) { g_assert_not_reached (); }
guint fc_sql_pg_listen (FcSql *db, const char *channel, GSourceFunc callback, gpointer user_data) { g_assert_not_reached (); }

#endif /* HAVE_LIBPQ */
