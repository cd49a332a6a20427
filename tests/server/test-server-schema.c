/* test-server-schema.c — the server database's migrations on real data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "fc-db.h"
#include "fc-server-schema.h"
#include "fc-server-test-util.h"

/* The tables whose ids leave the server. */
static const char * const id_tables[] = {
  "users", "profiles", "foods", "meals", "meal_items", "meal_plans", "scheduled_meals",
  "workout_categories", "workouts", "workout_videos", "workout_progress",
};

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  g_autoptr(GString) text = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count (stmt); i++)
      g_string_append_printf (text, "%s|", (const char *) sqlite3_column_text (stmt, i));
    g_string_append_c (text, '\n');
  }
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The server's file as fc_sql_open() migrates it (src/server/fc-sql.c) */
/* This test is about SQLite's file itself: raw sqlite3 calls. */
static gint64
lite_query_int (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static sqlite3 *
open_migrated (const char  *path,
               GError     **error)
{
  FcDbOptions options = { .synchronous = FC_DB_SYNC_NORMAL };
  FcDb *db;

  options.migrations = fc_server_schema_migrations (&options.n_migrations);
  db = fc_db_open (path, &options, error);
  return db != NULL ? fc_db_get_handle (db) : NULL;
}

static void
close_migrated (sqlite3 *db)
{
  fc_db_close (fc_db_from_handle (db));
}

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* A database as the previous release left it: schema version 3, a row in
 * every table, and a deleted user. */
static void
make_version_3 (const char *path)
{
  const char * const *migrations;
  guint n_migrations = 0;
  sqlite3 *db = NULL;

  migrations = fc_server_schema_migrations (&n_migrations);
  g_assert_cmpuint (n_migrations, >=, 4);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (guint i = 0; i < 3; i++)
    exec (db, migrations[i]);
  exec (db,
        "PRAGMA user_version = 3;"
        "PRAGMA foreign_keys = ON;"
        "INSERT INTO users (id, email, password, date_joined) VALUES"
        " (1, 'a@x.test', '!', 'T'), (2, 'b@x.test', '!', 'T'), (3, 'c@x.test', '!', 'T');"
        "INSERT INTO profiles (user_id, updated_at) VALUES (1, 'T'), (2, 'T');"
        "INSERT INTO outstanding_tokens VALUES ('j1', 1, 'T', 9), ('j2', 2, 'T', 9);"
        "INSERT INTO blacklisted_tokens VALUES ('j1', 'T');"
        "INSERT INTO email_confirmations VALUES ('k1', 1, 'T');"
        "INSERT INTO foods (id, name, calories, protein, carbohydrates, fat, user_added_id, created_at,"
        " updated_at) VALUES (1, 'Oats', 1, 1, 1, 1, 1, 'T', 'T'), (2, 'Rice', 1, 1, 1, 1, NULL, 'T', 'T');"
        "INSERT INTO meals (id, user_id, name, created_at, updated_at) VALUES (1, 1, 'M', 'T', 'T'),"
        " (2, 2, 'N', 'T', 'T');"
        "INSERT INTO meal_items (meal_id, food_id) VALUES (1, 1), (1, 2), (2, 2);"
        "INSERT INTO meal_plans (id, user_id, name, created_at, updated_at) VALUES (1, 1, 'P', 'T', 'T');"
        "INSERT INTO scheduled_meals (meal_plan_id, meal_id, day_of_plan) VALUES (1, 1, 1);"
        "INSERT INTO workout_categories (id, name, slug, created_at, updated_at) VALUES (1, 'C', 'c', 'T', 'T');"
        "INSERT INTO workouts (id, title, category_id, created_at, updated_at) VALUES (1, 'W', 1, 'T', 'T');"
        "INSERT INTO workout_videos (id, workout_id, title, file, created_at, updated_at)"
        " VALUES (1, 1, 'V', 'f', 'T', 'T');"
        "INSERT INTO workout_progress (user_id, workout_id, last_video_id, created_at, updated_at)"
        " VALUES (1, 1, 1, 'T', 'T'), (2, 1, NULL, 'T', 'T');"
        "DELETE FROM users WHERE id = 3;");
  sqlite3_close (db);
}

static char *
counts (sqlite3 *db)
{
  g_autoptr(GString) text = g_string_new (NULL);
  static const char * const tables[] = {
    "users", "profiles", "outstanding_tokens", "blacklisted_tokens", "email_confirmations",
    "foods", "meals", "meal_items", "meal_plans", "scheduled_meals", "workout_categories",
    "workouts", "workout_videos", "workout_progress",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++) {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

    g_string_append_printf (text, "%s=%" G_GINT64_FORMAT " ", tables[i], lite_query_int (db, sql));
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Migration 4 rebuilds the id tables with AUTOINCREMENT: every row and
 * every link survives, the schema ends as a fresh database's, and an id is
 * never handed out twice from then on. */
static void
test_autoincrement_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fitcore-schema-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *fresh_path = g_build_filename (dir, "fresh.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *fresh_schema = NULL;
  static const char schema_sql[] = "SELECT type, name, tbl_name, sql FROM sqlite_master "
                                   "WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
  sqlite3 *db = NULL;
  sqlite3 *fresh = NULL;
  guint n_migrations = 0;

  g_assert_no_error (error);
  make_version_3 (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  before = counts (db);
  sqlite3_close (db);

  db = open_migrated (path, &error);
  g_assert_no_error (error);
  fc_server_schema_migrations (&n_migrations);
  g_assert_cmpint (lite_query_int (db, "PRAGMA user_version"), ==, n_migrations);
  g_assert_cmpint (lite_query_int (db, "PRAGMA foreign_keys"), ==, 1);

  after = counts (db);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v4'"), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (id_tables); i++) {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE name = '%s' "
                                            "AND sql LIKE '%%AUTOINCREMENT%%'", id_tables[i]);

    g_assert_cmpint (lite_query_int (db, sql), ==, 1);
  }

  /* Tables, indexes and their SQL as a database made from scratch has them. */
  fresh = open_migrated (fresh_path, &error);
  g_assert_no_error (error);
  schema = query_text (db, schema_sql);
  fresh_schema = query_text (fresh, schema_sql);
  g_assert_cmpstr (schema, ==, fresh_schema);
  close_migrated (fresh);

  /* The links still hold: foreign keys point at the rebuilt tables and
   * still cascade. */
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM meal_items JOIN meals ON meals.id = meal_id "
                                  "JOIN foods ON foods.id = food_id"), ==, 3);
  exec (db, "DELETE FROM users WHERE id = 1");
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM profiles"), ==, 1);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM meals"), ==, 1);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM meal_items"), ==, 1);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM scheduled_meals"), ==, 0);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM outstanding_tokens"), ==, 1);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM blacklisted_tokens"), ==, 0);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM workout_progress"), ==, 1);
  g_assert_cmpint (lite_query_int (db, "SELECT count(*) FROM foods WHERE user_added_id IS NULL"), ==, 2);

  /* Deleting the newest row no longer frees its id. */
  exec (db, "INSERT INTO users (email, password, date_joined) VALUES ('d@x.test', '!', 'T')");
  g_assert_cmpint (sqlite3_last_insert_rowid (db), ==, 3);
  exec (db, "DELETE FROM users WHERE id = 3;"
            "INSERT INTO users (email, password, date_joined) VALUES ('e@x.test', '!', 'T')");
  g_assert_cmpint (sqlite3_last_insert_rowid (db), ==, 4);
  exec (db, "DELETE FROM meals WHERE id = 2;"
            "INSERT INTO meals (user_id, name, created_at, updated_at) VALUES (2, 'O', 'T', 'T')");
  g_assert_cmpint (sqlite3_last_insert_rowid (db), ==, 3);

  close_migrated (db);
  g_unlink (path);
  g_unlink (fresh_path);
  for (guint i = 0; i < 2; i++) {
    static const char * const suffixes[] = { "-wal", "-shm" };
    g_autofree char *old_extra = g_strconcat (path, suffixes[i], NULL);
    g_autofree char *fresh_extra = g_strconcat (fresh_path, suffixes[i], NULL);

    g_unlink (old_extra);
    g_unlink (fresh_extra);
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/schema/autoincrement-migration", test_autoincrement_migration);

  return g_test_run ();
}
