/* test-server-schema-pg.c — PostgreSQL's migrations make SQLite's schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The routes' SQL must mean the same on both backends, so after each
 * migration N the PostgreSQL database (fc-server-schema-pg.c) must have the
 * tables SQLite's migrations 1..N make (fc-server-schema.c), with the same
 * columns in the same order, types, NOT NULL and defaults, keys, foreign
 * keys, CHECKs, indexes and triggers; the same writes must leave the same
 * rows in what the triggers keep (the change feed, the audit trail, the
 * health rollups, the notification events); every unique key must refuse a
 * duplicate; and two instances migrating at once must both succeed.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "fc-db.h"
#include "fc-server-schema-pg.h"
#include "fc-server-schema.h"
#include "fc-test-pg.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* ---- running SQL ---- */

static void
lite_exec (sqlite3    *db,
           const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("SQLite: %s\n%s", message, sql);
}

/* Rows are arrays of cells, each text or NULL for SQL NULL. */
static GPtrArray *
rows_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

static const char *
cell (GPtrArray *rows,
      guint      row,
      guint      column)
{
  GPtrArray *cells = g_ptr_array_index (rows, row);

  g_assert_cmpuint (column, <, cells->len);
  return g_ptr_array_index (cells, column);
}

static GPtrArray *
lite_rows (sqlite3    *db,
           const char *sql)
{
  GPtrArray *rows = rows_new ();
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("SQLite: %s\n%s", sqlite3_errmsg (db), sql);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);

    for (int i = 0; i < sqlite3_column_count (stmt); i++)
      g_ptr_array_add (cells, g_strdup ((const char *) sqlite3_column_text (stmt, i)));
    g_ptr_array_add (rows, cells);
  }
  sqlite3_finalize (stmt);
  return rows;
}

static PGresult *
pg_exec (PGconn     *pg,
         const char *sql,
         const char *param)
{
  const char * const params[] = { param };
  PGresult *result = PQexecParams (pg, sql, param != NULL ? 1 : 0, NULL,
                                   param != NULL ? params : NULL, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    g_error ("PostgreSQL: %s\n%s", PQresultErrorMessage (result), sql);
  return result;
}

static void
pg_exec_script (PGconn     *pg,
                const char *sql)
{
  g_autoptr(PGresult) result = PQexec (pg, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    g_error ("PostgreSQL: %s\n%s", PQresultErrorMessage (result), sql);
}

static GPtrArray *
pg_rows (PGconn     *pg,
         const char *sql,
         const char *param)
{
  g_autoptr(PGresult) result = pg_exec (pg, sql, param);
  GPtrArray *rows = rows_new ();

  for (int r = 0; r < PQntuples (result); r++) {
    GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);

    for (int i = 0; i < PQnfields (result); i++)
      g_ptr_array_add (cells, PQgetisnull (result, r, i) ? NULL : g_strdup (PQgetvalue (result, r, i)));
    g_ptr_array_add (rows, cells);
  }
  return rows;
}

/* ---- the schema, described the same way from both sides ---- */

/* SQLite's virtual tables (FTS5) and their shadow tables are no tables on
 * PostgreSQL: the search is an index there. */
static GPtrArray *
lite_virtual_tables (sqlite3 *db)
{
  g_autoptr(GPtrArray) rows = lite_rows (db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                             " AND sql LIKE 'CREATE VIRTUAL TABLE%'");
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (names, g_strdup (cell (rows, i, 0)));
  return names;
}

static gboolean
belongs_to_virtual (GPtrArray  *virtual_tables,
                    const char *name)
{
  for (guint i = 0; i < virtual_tables->len; i++) {
    const char *vt = virtual_tables->pdata[i];

    if (g_str_equal (name, vt) ||
        (g_str_has_prefix (name, vt) && name[strlen (vt)] == '_'))
      return TRUE;
  }
  return FALSE;
}

static char *
lite_tables (sqlite3 *db)
{
  g_autoptr(GPtrArray) virtual_tables = lite_virtual_tables (db);
  g_autoptr(GPtrArray) rows = lite_rows (db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                             " AND name NOT LIKE 'sqlite_%' ORDER BY name");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++) {
    const char *name = cell (rows, i, 0);

    if (!belongs_to_virtual (virtual_tables, name))
      g_string_append_printf (text, "%s\n", name);
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
pg_tables (PGconn *pg)
{
  g_autoptr(GPtrArray) rows = pg_rows (pg, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                                           " AND tablename <> 'schema_version'"
                                           " ORDER BY tablename COLLATE \"C\"", NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (text, "%s\n", cell (rows, i, 0));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Columns in order, then the table's other facts sorted. */
static char *
finish_description (GString   *columns,
                    GPtrArray *facts)
{
  g_ptr_array_sort (facts, compare_strings);
  for (guint i = 0; i < facts->len; i++)
    g_string_append_printf (columns, "%s\n", (const char *) facts->pdata[i]);
  return g_string_free (columns, FALSE);
}

static const char *
lite_type (const char *declared)
{
  if (g_ascii_strcasecmp (declared, "INTEGER") == 0)
    return "bigint";
  if (g_ascii_strcasecmp (declared, "REAL") == 0)
    return "double precision";
  if (g_ascii_strcasecmp (declared, "TEXT") == 0)
    return "text";
  if (g_ascii_strcasecmp (declared, "BLOB") == 0)
    return "bytea";
  g_error ("a column of SQLite type “%s”: say what it is on PostgreSQL", declared);
}

/* The key of "CREATE INDEX n ON t (KEY) …" without blanks */
static char *
index_key (const char *sql)
{
  const char *open = strchr (strstr (sql, " ON "), '(');
  GString *key = g_string_new (NULL);
  int depth = 0;

  for (const char *p = open; *p != '\0'; p++) {
    if (*p == '(' && depth++ == 0)
      continue;
    if (*p == ')' && --depth == 0)
      break;
    if (*p != ' ')
      g_string_append_c (key, *p);
  }
  return g_string_free (key, FALSE);
}

static char *
lite_describe (sqlite3    *db,
               const char *table)
{
  g_autoptr(GPtrArray) virtual_tables = lite_virtual_tables (db);
  g_autoptr(GPtrArray) facts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) columns = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) indexes = NULL;
  g_autoptr(GPtrArray) triggers = NULL;
  g_autoptr(GPtrArray) search = NULL;
  g_autoptr(GPtrArray) table_sql = NULL;
  g_autoptr(GString) pk = g_string_new (NULL);
  GString *text = g_string_new (NULL);
  const char *create;
  guint checks = 0;

  sql = g_strdup_printf ("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info ('%s')"
                         " ORDER BY cid", table);
  columns = lite_rows (db, sql);
  for (guint i = 0; i < columns->len; i++)
    g_string_append_printf (text, "%s %s%s%s\n", cell (columns, i, 0),
                            lite_type (cell (columns, i, 1)),
                            atoi (cell (columns, i, 4)) == 0 && atoi (cell (columns, i, 2))
                              ? " NOT NULL" : "",
                            cell (columns, i, 3) != NULL ? " DEFAULT" : "");
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT name FROM pragma_table_info ('%s') WHERE pk > 0 ORDER BY pk", table);
  keys = lite_rows (db, sql);
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (pk, "%s%s", i > 0 ? ", " : "", cell (keys, i, 0));
  if (pk->len > 0)
    g_ptr_array_add (facts, g_strdup_printf ("PRIMARY KEY (%s)", pk->str));

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list ('%s')",
                         table);
  keys = (g_ptr_array_unref (keys), lite_rows (db, sql));
  for (guint i = 0; i < keys->len; i++)
    g_ptr_array_add (facts, g_strdup_printf ("FOREIGN KEY %s REFERENCES %s (%s) ON DELETE %s",
                                             cell (keys, i, 0), cell (keys, i, 1),
                                             cell (keys, i, 2), cell (keys, i, 3)));

  /* Unique constraints (origin u) and CREATE INDEX (origin c); the
   * primary key's own index (origin pk) is the PRIMARY KEY above. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT name, \"unique\", origin, partial FROM pragma_index_list ('%s')"
                         " WHERE origin <> 'pk'", table);
  indexes = lite_rows (db, sql);
  for (guint i = 0; i < indexes->len; i++) {
    const char *name = cell (indexes, i, 0);
    const char *where = atoi (cell (indexes, i, 3)) ? " WHERE" : "";
    g_autofree char *info_sql = g_strdup_printf ("SELECT name, coll FROM pragma_index_xinfo ('%s')"
                                                 " WHERE key = 1 ORDER BY seqno", name);
    g_autoptr(GPtrArray) info = lite_rows (db, info_sql);
    g_autoptr(GString) cols = g_string_new (NULL);

    for (guint j = 0; j < info->len; j++) {
      const char *column = cell (info, j, 0);

      if (column == NULL) {
        /* an expression index (migration 15's lower()): its key as
         * PostgreSQL's pg_get_indexdef() writes it */
        g_autofree char *index_sql = g_strdup_printf ("SELECT sql FROM sqlite_master"
                                                      " WHERE name = '%s'", name);
        g_autoptr(GPtrArray) index_rows = lite_rows (db, index_sql);
        g_autofree char *key = index_key (cell (index_rows, 0, 0));

        g_string_append_printf (cols, "%s%s", j > 0 ? ", " : "", key);
        continue;
      }
      if (g_ascii_strcasecmp (cell (info, j, 1), "NOCASE") == 0)
        g_string_append_printf (cols, "%slower(%s)", j > 0 ? ", " : "", column);
      else
        g_string_append_printf (cols, "%s%s", j > 0 ? ", " : "", column);
    }
    if (g_str_equal (cell (indexes, i, 2), "u"))
      g_ptr_array_add (facts, g_strdup_printf ("UNIQUE (%s)%s", cols->str, where));
    else
      g_ptr_array_add (facts, g_strdup_printf ("%s %s (%s)%s",
                                               atoi (cell (indexes, i, 1)) ? "UNIQUE INDEX" : "INDEX",
                                               name, cols->str, where));
  }

  /* A full-text table over this one is PostgreSQL's search index on it;
   * its triggers keep the FTS table and have no twin. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT name FROM sqlite_master WHERE type = 'table'"
                         " AND sql LIKE 'CREATE VIRTUAL TABLE%%' AND sql LIKE '%%content = ''%s''%%'",
                         table);
  search = lite_rows (db, sql);
  for (guint i = 0; i < search->len; i++)
    g_ptr_array_add (facts, g_strdup_printf ("SEARCH INDEX %s", cell (search, i, 0)));

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '%s'",
                         table);
  triggers = lite_rows (db, sql);
  for (guint i = 0; i < triggers->len; i++) {
    const char *name = cell (triggers, i, 0);

    if (!belongs_to_virtual (virtual_tables, name))
      g_ptr_array_add (facts, g_strdup_printf ("TRIGGER %s", name));
  }

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '%s'", table);
  table_sql = lite_rows (db, sql);
  create = cell (table_sql, 0, 0);
  for (const char *p = create; (p = strstr (p, "CHECK")) != NULL; p++)
    checks++;
  if (checks > 0)
    g_ptr_array_add (facts, g_strdup_printf ("CHECKS %u", checks));

  return finish_description (text, facts);
}

static char *
pg_describe (PGconn     *pg,
             const char *table)
{
  static const char * const on_delete[][2] = {
    { "a", "NO ACTION" }, { "c", "CASCADE" }, { "n", "SET NULL" }, { "r", "RESTRICT" },
    { "d", "SET DEFAULT" },
  };
  g_autoptr(GPtrArray) facts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) columns = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) indexes = NULL;
  g_autoptr(GPtrArray) triggers = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  GString *text = g_string_new (NULL);

  columns = pg_rows (pg,
                     "SELECT c.column_name, c.data_type, c.is_nullable = 'NO' AND NOT EXISTS ("
                     "    SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                     "    AND a.attnum = ANY (i.indkey) WHERE i.indrelid = $1::text::regclass"
                     "    AND i.indisprimary AND a.attname = c.column_name),"
                     "  c.column_default IS NOT NULL, coalesce (c.collation_name, 'C')"
                     " FROM information_schema.columns c"
                     " WHERE c.table_schema = 'public' AND c.table_name = $1::text"
                     " ORDER BY c.ordinal_position", table);
  for (guint i = 0; i < columns->len; i++) {
    const char *collation = cell (columns, i, 4);
    gboolean bytes = g_str_equal (collation, "C");

    /* Text compares bytes, as in SQLite, whatever the database's locale. */
    g_string_append_printf (text, "%s %s%s%s%s%s\n", cell (columns, i, 0), cell (columns, i, 1),
                            bytes ? "" : " COLLATE ", bytes ? "" : collation,
                            g_str_equal (cell (columns, i, 2), "t") ? " NOT NULL" : "",
                            g_str_equal (cell (columns, i, 3), "t") ? " DEFAULT" : "");
  }

  keys = pg_rows (pg,
                  "SELECT a.attname, c.confrelid::regclass::text, af.attname, c.confdeltype"
                  " FROM pg_constraint c"
                  " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                  " JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]"
                  " WHERE c.conrelid = $1::text::regclass AND c.contype = 'f'", table);
  for (guint i = 0; i < keys->len; i++) {
    const char *action = NULL;

    for (guint j = 0; j < G_N_ELEMENTS (on_delete); j++)
      if (g_str_equal (cell (keys, i, 3), on_delete[j][0]))
        action = on_delete[j][1];
    g_ptr_array_add (facts, g_strdup_printf ("FOREIGN KEY %s REFERENCES %s (%s) ON DELETE %s",
                                             cell (keys, i, 0), cell (keys, i, 1),
                                             cell (keys, i, 2), action));
  }

  indexes = pg_rows (pg,
                     "SELECT c.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, am.amname,"
                     "  (SELECT string_agg (pg_get_indexdef (i.indexrelid, k, true), ', ' ORDER BY k)"
                     "   FROM generate_series (1, i.indnkeyatts) AS k),"
                     "  EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid"
                     "          AND contype = 'u')"
                     " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                     " JOIN pg_am am ON am.oid = c.relam"
                     " WHERE i.indrelid = $1::text::regclass", table);
  for (guint i = 0; i < indexes->len; i++) {
    const char *name = cell (indexes, i, 0);
    const char *cols = cell (indexes, i, 5);
    const char *where = g_str_equal (cell (indexes, i, 3), "t") ? " WHERE" : "";

    if (g_str_equal (cell (indexes, i, 2), "t"))
      g_ptr_array_add (facts, g_strdup_printf ("PRIMARY KEY (%s)", cols));
    else if (g_str_equal (cell (indexes, i, 4), "gin"))
      g_ptr_array_add (facts, g_strdup_printf ("SEARCH INDEX %s", name));
    else if (g_str_equal (cell (indexes, i, 6), "t"))
      g_ptr_array_add (facts, g_strdup_printf ("UNIQUE (%s)%s", cols, where));
    else
      g_ptr_array_add (facts, g_strdup_printf ("%s %s (%s)%s",
                                               g_str_equal (cell (indexes, i, 1), "t")
                                                 ? "UNIQUE INDEX" : "INDEX",
                                               name, cols, where));
  }

  triggers = pg_rows (pg, "SELECT tgname FROM pg_trigger WHERE tgrelid = $1::text::regclass"
                          " AND NOT tgisinternal", table);
  for (guint i = 0; i < triggers->len; i++)
    g_ptr_array_add (facts, g_strdup_printf ("TRIGGER %s", cell (triggers, i, 0)));

  checks = pg_rows (pg, "SELECT count(*) FROM pg_constraint WHERE conrelid = $1::text::regclass"
                        " AND contype = 'c'", table);
  if (!g_str_equal (cell (checks, 0, 0), "0"))
    g_ptr_array_add (facts, g_strdup_printf ("CHECKS %s", cell (checks, 0, 0)));

  return finish_description (text, facts);
}

/* Every table of @db's schema, described, is the same on @pg; and what
 * SQLite makes AUTOINCREMENT is an identity. */
static void
assert_same_schema (sqlite3    *db,
                    PGconn     *pg,
                    guint       version)
{
  g_autofree char *lite = lite_tables (db);
  g_autofree char *postgres = pg_tables (pg);
  g_auto(GStrv) tables = NULL;

  g_test_message ("schema version %u", version);
  g_assert_cmpstr (postgres, ==, lite);

  tables = g_strsplit (lite, "\n", -1);
  for (guint i = 0; tables[i] != NULL && *tables[i] != '\0'; i++) {
    g_autofree char *lite_table = lite_describe (db, tables[i]);
    g_autofree char *pg_table = pg_describe (pg, tables[i]);
    g_autofree char *sql = g_strdup_printf ("SELECT sql LIKE '%%AUTOINCREMENT%%' FROM sqlite_master"
                                            " WHERE name = '%s'", tables[i]);
    g_autoptr(GPtrArray) autoincrement = lite_rows (db, sql);

    if (g_strcmp0 (lite_table, pg_table) != 0)
      g_test_message ("table %s after migration %u differs", tables[i], version);
    g_assert_cmpstr (pg_table, ==, lite_table);

    if (g_str_equal (cell (autoincrement, 0, 0), "1")) {
      g_autoptr(GPtrArray) identity =
        pg_rows (pg, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                     " AND table_name = $1::text AND is_identity = 'YES'", tables[i]);

      g_assert_cmpstr (cell (identity, 0, 0), ==, "1");
    }
  }
}

/* ---- the same writes, the same derived rows ---- */

/* Portable SQL: each trigger family fires, cascades run, and the audit
 * runs with and without a staff actor. */
static const char scenario[] =
  "INSERT INTO users (id, email, password, date_joined) VALUES (1, 'ann@x.test', '!', 'T'),"
  "  (2, 'bob@x.test', '!', 'T'), (3, 'staff@x.test', '!', 'T');"
  "INSERT INTO profiles (id, user_id, updated_at) VALUES (1, 1, 'T'), (2, 2, 'T');"
  "INSERT INTO foods (id, name, calories, protein, carbohydrates, fat, user_added_id, is_public,"
  "  created_at, updated_at) VALUES (1, 'Oats', 1, 1, 1, 1, 1, 0, 'T', 'T'),"
  "  (2, 'Rice', 1, 1, 1, 1, NULL, 1, 'T', 'T'), (3, 'Secret', 1, 1, 1, 1, NULL, 0, 'T', 'T');"
  "INSERT INTO meals (id, user_id, name, created_at, updated_at) VALUES (1, 1, 'Breakfast', 'T', 'T'),"
  "  (2, 2, 'Lunch', 'T', 'T');"
  "INSERT INTO meal_items (id, meal_id, food_id) VALUES (1, 1, 1), (2, 1, 2), (3, 2, 2);"
  "INSERT INTO meal_plans (id, user_id, name, is_template, created_at, updated_at) VALUES"
  "  (1, 1, 'Plan', 0, 'T', 'T'), (2, 3, 'Template', 1, 'T', 'T');"
  "INSERT INTO scheduled_meals (id, meal_plan_id, meal_id, day_of_plan) VALUES (1, 1, 1, 1),"
  "  (2, 2, 2, 1);"
  "INSERT INTO workout_categories (id, name, slug, created_at, updated_at) VALUES"
  "  (1, 'Cardio', 'cardio', 'T', 'T');"
  "INSERT INTO workouts (id, title, category_id, goals, created_at, updated_at) VALUES"
  "  (1, 'Run', 1, '[\"fit\"]', 'T', 'T'), (2, 'Walk', NULL, 'not json', 'T', 'T');"
  "INSERT INTO workout_videos (id, workout_id, title, file, created_at, updated_at) VALUES"
  "  (1, 1, 'V', 'f', 'T', 'T');"
  "INSERT INTO workout_progress (id, user_id, workout_id, last_video_id, created_at, updated_at)"
  "  VALUES (1, 1, 1, 1, 'T', 'T');"
  "UPDATE foods SET is_public = 1 WHERE id = 1;"
  "UPDATE foods SET calories = 2 WHERE id = 2;"
  "UPDATE users SET first_name = 'Ann' WHERE id = 1;"
  "UPDATE users SET last_login = 'T2' WHERE id = 1;"
  "UPDATE users SET has_premium = 1 WHERE id = 2;"
  "UPDATE users SET is_staff = 0 WHERE id = 3;"
  "UPDATE workout_categories SET name = 'Running' WHERE id = 1;"
  "UPDATE workout_progress SET progress_percentage = 50 WHERE id = 1;"
  "INSERT INTO audit_actor (id, actor_id) VALUES (1, 3);"
  "UPDATE workouts SET title = 'Sprint', is_premium = 1 WHERE id = 1;"
  "UPDATE workouts SET is_published = 0 WHERE id = 2;"
  "INSERT INTO foods (id, name, calories, protein, carbohydrates, fat, is_public, created_at,"
  "  updated_at) VALUES (4, 'Kale', 1, 1, 1, 1, 1, 'T', 'T');"
  "UPDATE foods SET name = 'Private' WHERE id = 3;"
  "UPDATE meal_plans SET description = 'd' WHERE id = 2;"
  "INSERT INTO workout_categories (id, name, slug, created_at, updated_at) VALUES"
  "  (2, 'Yoga', 'yoga', 'T', 'T');"
  "INSERT INTO workout_videos (id, workout_id, title, file, is_free, created_at, updated_at)"
  "  VALUES (2, 1, 'W', 'g', 1, 'T', 'T');"
  "DELETE FROM workout_videos WHERE id = 2;"
  "DELETE FROM audit_actor;"
  "UPDATE workouts SET duration = 5 WHERE id = 1;"
  "UPDATE meal_plans SET is_active = 0 WHERE id = 2;"
  "DELETE FROM meal_items WHERE id = 2;"
  "DELETE FROM meals WHERE id = 1;"
  "DELETE FROM foods WHERE id = 4;"
  "INSERT INTO health_data (id, user_id, data_type, value, unit, recorded_at, stage, source, seq,"
  "  created_at, updated_at) VALUES"
  "  (1, 1, 'heart_rate', 60, 'bpm', 1000000000, NULL, 'manual', 1, 0, 0),"
  "  (2, 1, 'heart_rate', 80, 'bpm', 1000000001, NULL, 'manual', 2, 0, 0),"
  "  (3, 1, 'heart_rate', 70, 'bpm', 2000000000, NULL, 'manual', 3, 0, 0),"
  "  (4, 1, 'sleep', 480, 'min', 1000000000, NULL, 'manual', 4, 0, 0),"
  "  (5, 1, 'sleep', 30, 'min', 1000000000, 'awake', 'manual', 5, 0, 0),"
  "  (6, 2, 'steps', 100, 'count', -5, NULL, 'manual', 6, 0, 0);"
  "UPDATE health_data SET value = 90 WHERE id = 1;"
  "UPDATE health_data SET recorded_at = 3000000000 WHERE id = 3;"
  "DELETE FROM health_data WHERE id = 2;"
  "INSERT INTO notifications (id, user_id, type, title, message, created_at) VALUES"
  "  (1, 1, 'SYSTEM', 't', 'm', 'T'), (2, 2, 'PAYMENT', 't', 'm', 'T');"
  "UPDATE notifications SET is_read = 1 WHERE id = 1;"
  "UPDATE notifications SET is_read = 1 WHERE id = 1;"
  "DELETE FROM notifications WHERE id = 2;"
  "INSERT INTO payment_transactions (id, user_id, kind, starts_at, created_at) VALUES"
  "  (1, 1, 'grant', 'T', 'T');"
  "DELETE FROM users WHERE id = 2;";

/* What the triggers keep, in an order both give; the audit's before and
 * after (columns 5 and 6) are JSON. */
static const struct {
  const char *sql;
  guint       json_columns;
} derived[] = {
  { "SELECT section, object_id, coalesce (user_id, -1) FROM changes"
    " ORDER BY section, object_id, coalesce (user_id, -1)", 0 },
  { "SELECT actor_id, actor_email, action, object_type, object_id, before, after FROM audit_log"
    " ORDER BY id", (1 << 5) | (1 << 6) },
  { "SELECT user_id, data_type, slot, n, min_value, max_value, sum_value, last_at, last_id,"
    " last_value FROM health_rollups ORDER BY user_id, data_type, slot", 0 },
  { "SELECT user_id, kind, notification_id, is_read FROM notification_events ORDER BY id", 0 },
  { "SELECT id FROM users ORDER BY id", 0 },
  { "SELECT id, user_id FROM health_data ORDER BY id", 0 },
};

static gboolean
numbers_equal (const char *a,
               const char *b)
{
  char *end_a, *end_b;
  double x = g_ascii_strtod (a, &end_a);
  double y = g_ascii_strtod (b, &end_b);

  return end_a != a && *end_a == '\0' && end_b != b && *end_b == '\0' && x == y;
}

/* JSON values alike, numbers by value (SQLite writes 1.0, PostgreSQL 1). */
static gboolean
json_alike (JsonNode *a,
            JsonNode *b)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (a)) {
    JsonObject *x = json_node_get_object (a), *y = json_node_get_object (b);
    g_autoptr(GList) members = json_object_get_members (x);

    if (json_object_get_size (x) != json_object_get_size (y))
      return FALSE;
    for (GList *l = members; l != NULL; l = l->next)
      if (!json_object_has_member (y, l->data) ||
          !json_alike (json_object_get_member (x, l->data), json_object_get_member (y, l->data)))
        return FALSE;
    return TRUE;
  }
  if (JSON_NODE_HOLDS_ARRAY (a)) {
    JsonArray *x = json_node_get_array (a), *y = json_node_get_array (b);

    if (json_array_get_length (x) != json_array_get_length (y))
      return FALSE;
    for (guint i = 0; i < json_array_get_length (x); i++)
      if (!json_alike (json_array_get_element (x, i), json_array_get_element (y, i)))
        return FALSE;
    return TRUE;
  }
  if (JSON_NODE_HOLDS_VALUE (a) && json_node_get_value_type (a) != G_TYPE_STRING &&
      json_node_get_value_type (a) != G_TYPE_BOOLEAN)
    return json_node_get_double (a) == json_node_get_double (b);
  return json_node_equal (a, b);
}

static gboolean
cells_alike (const char *a,
             const char *b,
             gboolean    json)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (g_str_equal (a, b) || numbers_equal (a, b))
    return TRUE;
  if (json) {
    g_autoptr(JsonNode) x = json_from_string (a, NULL);
    g_autoptr(JsonNode) y = json_from_string (b, NULL);

    return x != NULL && y != NULL && json_alike (x, y);
  }
  return FALSE;
}

static char *
rows_text (GPtrArray *rows)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++) {
    GPtrArray *cells = g_ptr_array_index (rows, i);

    for (guint j = 0; j < cells->len; j++)
      g_string_append_printf (text, "%s|", cell (rows, i, j) != NULL ? cell (rows, i, j) : "NULL");
    g_string_append_c (text, '\n');
  }
  return g_string_free (text, FALSE);
}

static void
assert_same_rows (GPtrArray  *lite,
                  GPtrArray  *pg,
                  const char *sql,
                  guint       json_columns)
{
  gboolean same = lite->len == pg->len;

  for (guint i = 0; same && i < lite->len; i++) {
    guint n = ((GPtrArray *) g_ptr_array_index (lite, i))->len;

    g_assert_cmpuint (((GPtrArray *) g_ptr_array_index (pg, i))->len, ==, n);
    for (guint j = 0; same && j < n; j++)
      same = cells_alike (cell (lite, i, j), cell (pg, i, j), (json_columns & (1u << j)) != 0);
  }
  if (!same) {
    g_autofree char *lite_text = rows_text (lite);
    g_autofree char *pg_text = rows_text (pg);

    g_error ("%s\nSQLite:\n%sPostgreSQL:\n%s", sql, lite_text, pg_text);
  }
}

/* ---- unique keys refuse duplicates ---- */

/* Values that pass the CHECKs, two different ones per column. */
static const char *
column_value (const char *table,
              const char *column,
              const char *type,
              guint       variant)
{
  static const char * const checked[][4] = {
    { "payment_transactions", "kind", "grant", "revoke" },
    { "notification_events", "kind", "created", "read" },
    { "subscriptions", "plan", "MONTHLY", "LIFETIME" },
    { "subscriptions", "status", "ACTIVE", "INACTIVE" },
    { "notifications", "type", "SYSTEM", "PAYMENT" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (checked); i++)
    if (g_str_equal (checked[i][0], table) && g_str_equal (checked[i][1], column))
      return checked[i][2 + variant];
  if (g_str_equal (type, "bigint"))
    return variant == 0 ? "1" : "2";
  if (g_str_equal (type, "double precision"))
    return variant == 0 ? "1.5" : "2.5";
  if (g_str_equal (type, "bytea"))
    return variant == 0 ? "\\x00" : "\\x01";
  return variant == 0 ? "value-a@x.test" : "value-b@x.test";
}

/* Two rows equal on @key (a unique key, "a, b" or "lower(a)") and different
 * elsewhere: PostgreSQL takes the first (in the emptied table) and refuses
 * the second. Foreign keys and triggers are off (replica role) so each
 * table stands alone; all of it is rolled back. */
static void
assert_key_refuses_duplicate (PGconn     *pg,
                              const char *table,
                              const char *key)
{
  g_auto(GStrv) key_columns = g_strsplit (key, ", ", -1);
  g_autoptr(GPtrArray) columns =
    pg_rows (pg, "SELECT column_name, data_type FROM information_schema.columns"
                 " WHERE table_schema = 'public' AND table_name = $1::text AND is_identity = 'NO'"
                 " ORDER BY ordinal_position", table);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) second = g_string_new (NULL);
  g_autofree char *insert_first = NULL;
  g_autofree char *insert_second = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(PGresult) result = NULL;

  for (guint i = 0; i < columns->len; i++) {
    const char *column = cell (columns, i, 0);
    const char *type = cell (columns, i, 1);
    gboolean in_key = FALSE, nocase = FALSE;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    for (guint j = 0; key_columns[j] != NULL; j++) {
      g_autofree char *lowered = g_strdup_printf ("lower(%s)", column);

      if (g_str_equal (key_columns[j], column))
        in_key = TRUE;
      else if (g_str_equal (key_columns[j], lowered))
        in_key = nocase = TRUE;
    }
    a = g_strdup (column_value (table, column, type, 0));
    /* The same key in other letters case is the same key. */
    b = in_key ? (nocase ? g_ascii_strup (a, -1) : g_strdup (a))
               : g_strdup (column_value (table, column, type, 1));
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", column);
    g_string_append_printf (first, "%s'%s'", i > 0 ? ", " : "", a);
    g_string_append_printf (second, "%s'%s'", i > 0 ? ", " : "", b);
  }

  insert_first = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", table, names->str, first->str);
  insert_second = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", table, names->str, second->str);
  empty = g_strdup_printf ("DELETE FROM %s", table);
  pg_exec_script (pg, "BEGIN; SET LOCAL session_replication_role = replica");
  pg_exec_script (pg, empty);
  pg_exec_script (pg, insert_first);
  result = PQexec (pg, insert_second);
  if (PQresultStatus (result) != PGRES_FATAL_ERROR)
    g_error ("%s (%s) took a duplicate: %s", table, key, insert_second);
  g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, "23505");
  pg_exec_script (pg, "ROLLBACK");
}

/* Every unique key of SQLite's schema (the description's UNIQUE and
 * PRIMARY KEY lines) refuses a duplicate on PostgreSQL. */
static guint
assert_unique_keys (sqlite3 *db,
                    PGconn  *pg)
{
  g_autofree char *tables_text = lite_tables (db);
  g_auto(GStrv) tables = g_strsplit (tables_text, "\n", -1);
  guint n = 0;

  for (guint i = 0; tables[i] != NULL && *tables[i] != '\0'; i++) {
    g_autofree char *description = lite_describe (db, tables[i]);
    g_auto(GStrv) lines = g_strsplit (description, "\n", -1);

    for (guint j = 0; lines[j] != NULL; j++) {
      g_autofree char *key = NULL;
      const char *open = strchr (lines[j], '(');

      if (open == NULL || !(g_str_has_prefix (lines[j], "PRIMARY KEY") ||
                            g_str_has_prefix (lines[j], "UNIQUE")))
        continue;
      key = g_strndup (open + 1, strrchr (lines[j], ')') - open - 1);
      /* An identity key: the table hands its values out. */
      if (g_str_equal (key, "id") || g_str_equal (key, "seq")) {
        g_autoptr(GPtrArray) identity =
          pg_rows (pg, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                       " AND table_name = $1::text AND is_identity = 'YES'", tables[i]);

        if (g_str_equal (cell (identity, 0, 0), "1"))
          continue;
      }
      assert_key_refuses_duplicate (pg, tables[i], key);
      n++;
    }
  }
  return n;
}

/* ---- the tests ---- */

static void
test_same_schema (void)
{
  g_autoptr(FcTestPg) database = fc_test_pg_new ();
  g_autoptr(PGconn) pg = fc_test_pg_connect (database);
  const char * const *migrations;
  guint n_migrations = 0;
  sqlite3 *db = NULL;
  guint n_keys;

  migrations = fc_server_schema_migrations (&n_migrations);
  g_assert_cmpuint (fc_server_pg_n_migrations, ==, n_migrations);
  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);

  /* Step by step, as a server upgraded release by release would. */
  for (guint i = 0; i < n_migrations; i++) {
    lite_exec (db, migrations[i]);
    pg_exec_script (pg, "BEGIN");
    pg_exec_script (pg, fc_server_pg_migrations[i]);
    pg_exec_script (pg, "COMMIT");
    assert_same_schema (db, pg, i + 1);
  }

  n_keys = assert_unique_keys (db, pg);
  g_test_message ("%u unique keys refuse duplicates", n_keys);
  g_assert_cmpuint (n_keys, >=, 20);

  lite_exec (db, "PRAGMA foreign_keys = ON");
  lite_exec (db, scenario);
  pg_exec_script (pg, scenario);
  for (guint i = 0; i < G_N_ELEMENTS (derived); i++) {
    g_autoptr(GPtrArray) lite = lite_rows (db, derived[i].sql);
    g_autoptr(GPtrArray) postgres = pg_rows (pg, derived[i].sql, NULL);

    g_assert_cmpuint (lite->len, >, 0);
    assert_same_rows (lite, postgres, derived[i].sql, derived[i].json_columns);
  }

  /* The ledger is append-only on both. */
  {
    g_autoptr(PGresult) result = PQexec (pg, "UPDATE payment_transactions SET note = 'x'");

    g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE payment_transactions SET note = 'x'", NULL, NULL,
                                   NULL), !=, SQLITE_OK);
  }

  sqlite3_close (db);
}

typedef struct {
  FcTestPg *database;
  GMutex    lock;
  GCond     cond;
  guint     ready;
} Race;

static gpointer
migrate_thread (gpointer user_data)
{
  Race *race = user_data;
  g_autoptr(PGconn) pg = fc_test_pg_connect (race->database);
  g_autoptr(GError) error = NULL;

  /* Both connected before either starts, so they do start together. */
  g_mutex_lock (&race->lock);
  race->ready++;
  g_cond_broadcast (&race->cond);
  while (race->ready < 2)
    g_cond_wait (&race->cond, &race->lock);
  g_mutex_unlock (&race->lock);

  if (!fc_server_pg_migrate (pg, &error))
    return g_strdup (error->message);
  return NULL;
}

static void
test_migrate_concurrently (void)
{
  g_autoptr(FcTestPg) database = fc_test_pg_new ();
  g_autoptr(PGconn) pg = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  const char * const *migrations;
  guint n_migrations = 0;
  Race race = { .database = database };
  GThread *threads[2];
  sqlite3 *db = NULL;

  g_mutex_init (&race.lock);
  g_cond_init (&race.cond);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("migrate", migrate_thread, &race);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++) {
    g_autofree char *failure = g_thread_join (threads[i]);

    g_assert_cmpstr (failure, ==, NULL);
  }
  g_mutex_clear (&race.lock);
  g_cond_clear (&race.cond);

  /* Each migration applied once, and the result is SQLite's schema. */
  pg = fc_test_pg_connect (database);
  versions = pg_rows (pg, "SELECT string_agg (version::text, ',' ORDER BY version) FROM schema_version",
                      NULL);
  migrations = fc_server_schema_migrations (&n_migrations);
  for (guint i = 1; i <= n_migrations; i++)
    g_string_append_printf (expected, "%s%u", i > 1 ? "," : "", i);
  g_assert_cmpstr (cell (versions, 0, 0), ==, expected->str);
  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  for (guint i = 0; i < n_migrations; i++)
    lite_exec (db, migrations[i]);
  assert_same_schema (db, pg, n_migrations);
  sqlite3_close (db);

  /* A start on an up-to-date database changes nothing. */
  g_assert_true (fc_server_pg_migrate (pg, &error));
  g_assert_no_error (error);

  /* A database from a newer build is refused, not touched. */
  pg_exec_script (pg, "INSERT INTO schema_version (version) VALUES (1000)");
  g_assert_false (fc_server_pg_migrate (pg, &error));
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_TOO_NEW);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/schema-pg/same-as-sqlite", test_same_schema);
  g_test_add_func ("/server/schema-pg/migrate-concurrently", test_migrate_concurrently);

  return g_test_run ();
}
