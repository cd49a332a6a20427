/* fc-sql-private.h — what fc-sql.c and fc-sql-pg.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "fc-db.h"
#include "fc-sql.h"
#include "fc-writer-lock.h"

G_BEGIN_DECLS

typedef struct _FcSqlPg FcSqlPg;
typedef struct _FcSqlPgStmt FcSqlPgStmt;

struct _FcSql {
  FcSqlBackend  backend;
  char         *location;   /* NULL in memory */
  GHashTable   *cached;     /* SQL text → FcSqlStmt, fc_sql_stmt()'s */

  /* SQLite */
  FcDb         *lite;
  sqlite3      *handle;
  FcWriterLock *writer_lock;    /* borrowed; NULL: no other process writes */
  gboolean      writer_locked;
  int           busy_timeout_ms;  /* counted waits (tests) */
  guint64       busy_waits;

  /* PostgreSQL */
  FcSqlPg      *pg;
  guint         pg_depth;   /* open fc_sql_begin() calls */
  gint64        pg_changes;
};

struct _FcSqlStmt {
  FcSql        *db;
  gboolean      cached;
  sqlite3_stmt *lite;       /* SQLite's, or NULL */
  FcSqlPgStmt  *pg;         /* PostgreSQL's, or NULL */
};

/* The parameter types sent to PostgreSQL (its type OIDs); text goes as
 * "unknown" so that PostgreSQL infers it from where it is used, as SQLite
 * takes any value anywhere. */
typedef enum {
  FC_SQL_PG_UNKNOWN = 0,
  FC_SQL_PG_BYTEA   = 17,
  FC_SQL_PG_INT8    = 20,
  FC_SQL_PG_FLOAT8  = 701,
} FcSqlPgType;

FcSql       *fc_sql_pg_open             (const char      *location,
                                         FcSqlOpenFlags   flags,
                                         GError         **error);
void         fc_sql_pg_close            (FcSql           *db);
void         fc_sql_pg_set_busy_timeout (FcSql           *db,
                                         int              ms);
gboolean     fc_sql_pg_exec             (FcSql           *db,
                                         const char      *sql,
                                         GError         **error);
const char  *fc_sql_pg_errmsg           (FcSql           *db);
gint64       fc_sql_pg_last_insert_id   (FcSql           *db);
gboolean     fc_sql_pg_begin            (FcSql           *db,
                                         GError         **error);
gboolean     fc_sql_pg_end              (FcSql           *db,
                                         gboolean         commit);

void         fc_sql_pg_notify           (FcSql           *db,
                                         const char      *channel);
guint        fc_sql_pg_listen           (FcSql           *db,
                                         const char      *channel,
                                         GSourceFunc      callback,
                                         gpointer         user_data);
FcSqlStmt   *fc_sql_pg_prepare          (FcSql           *db,
                                         const char      *sql);
void         fc_sql_pg_finalize         (FcSqlStmt       *stmt);
void         fc_sql_pg_reset            (FcSqlStmt       *stmt);
void         fc_sql_pg_clear_bindings   (FcSqlStmt       *stmt);
const char  *fc_sql_pg_get_sql          (FcSqlStmt       *stmt);
int          fc_sql_pg_bind_count       (FcSqlStmt       *stmt);
/* Takes @value (NULL for NULL); @size only for FC_SQL_PG_BYTEA. */
void         fc_sql_pg_bind             (FcSqlStmt       *stmt,
                                         int              index,
                                         FcSqlPgType      type,
                                         char            *value,
                                         gsize            size);
FcSqlResult  fc_sql_pg_step             (FcSqlStmt       *stmt);
void         fc_sql_pg_prefetch         (FcSqlStmt       *stmt);
/* How many times the connection waited for PostgreSQL (tests). */
guint        fc_sql_pg_get_round_trips  (FcSql           *db);
gint64       fc_sql_pg_column_int64     (FcSqlStmt       *stmt,
                                         int              index);
const char  *fc_sql_pg_column_text      (FcSqlStmt       *stmt,
                                         int              index);
gconstpointer fc_sql_pg_column_blob     (FcSqlStmt       *stmt,
                                         int              index,
                                         gsize           *size);
gboolean     fc_sql_pg_column_is_null   (FcSqlStmt       *stmt,
                                         int              index);

G_END_DECLS
