/* test-health-rollups.c — the metrics rollups of migration 9 on SQL alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server's migrations on a database of this test's own (in memory, or
 * a fresh PostgreSQL database under --setup postgresql): the backfill
 * of a database that had points before migration 9, and thousands of
 * seeded random writes through plain SQL (the paths the routes take and
 * those they do not: many rows at once, a point moved to another user or
 * id, an account deleted), each time against the rollups made again in C
 * from the points (health-rollup-check.c). test-health-api does the same
 * through the routes.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "fc-server-schema.h"
#include "fc-server-test-util.h"
#include "fc-test-pg.h"
#include "health-rollup-check.h"

/* Migration 9 makes the rollups. */
#define ROLLUP_MIGRATION 9

static const char * const types[] = { "heart_rate", "steps", "sleep", "weight" };
static const char * const stages[] = { "asleep", "awake", "in_bed", "deep", "rem" };

static void
exec (FcSql      *db,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  if (!fc_sql_exec (db, sql, &error))
    g_error ("%s: %s", sql, error->message);
}

/* A database of the latest schema with three users: in memory, or a
 * fresh PostgreSQL database under --setup postgresql (@pg keeps it). */
static FcSql *
open_latest (FcTestPg **pg)
{
  g_autoptr(GError) error = NULL;
  FcSql *db;

  *pg = fc_test_pg_wanted () ? fc_test_pg_new () : NULL;
  db = fc_sql_open (*pg != NULL ? fc_test_pg_get_uri (*pg) : ":memory:", FC_SQL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  exec (db, "INSERT INTO users (email, password, date_joined) VALUES"
            " ('a@x.test', '!', 'T'), ('b@x.test', '!', 'T'), ('c@x.test', '!', 'T')");
  return db;
}

/* A time on a minute grid over four days of 2025, or of 1965 (before the
 * epoch, where % is negative), sometimes with microseconds. */
static gint64
random_time (GRand *rand)
{
  gint64 base = g_rand_int_range (rand, 0, 5) == 0
                ? G_GINT64_CONSTANT (-141004800)   /* 1965-07-15T00:00:00Z */
                : G_GINT64_CONSTANT (1743033600);  /* 2025-03-27T00:00:00Z */
  gint64 at = (base + g_rand_int_range (rand, 0, 4 * 24 * 60) * 60) * G_USEC_PER_SEC;

  if (g_rand_int_range (rand, 0, 4) == 0)
    at += g_rand_int_range (rand, 0, 60 * G_USEC_PER_SEC);
  return at;
}

/* A random point of @user_id at @at, as the SQL text of a row of
 * INSERT INTO health_data POINT_COLUMNS VALUES. */
#define POINT_COLUMNS "(user_id, data_type, value, unit, recorded_at, stage, source, client_id," \
                      " seq, created_at, updated_at)"

static char *
point_row (GRand  *rand,
           gint64  user_id,
           gint64  at)
{
  const char *type = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];
  int value = g_rand_int_range (rand, 0, 20000);
  g_autofree char *stage = NULL;

  if (g_str_equal (type, "sleep") && g_rand_boolean (rand))
    stage = g_strdup_printf ("'%s'", stages[g_rand_int_range (rand, 0, G_N_ELEMENTS (stages))]);
  return g_strdup_printf ("(%" G_GINT64_FORMAT ", '%s', %d.%02d, 'u', %" G_GINT64_FORMAT
                          ", %s, 's', NULL, 1, 0, 0)",
                          user_id, type, value / 100, value % 100, at, stage != NULL ? stage : "NULL");
}

static void
insert_point (FcSql  *db,
              GRand  *rand,
              gint64  user_id,
              gint64  at)
{
  g_autofree char *row = point_row (rand, user_id, at);
  g_autofree char *sql = g_strconcat ("INSERT INTO health_data " POINT_COLUMNS " VALUES ", row, NULL);

  exec (db, sql);
}

/* Runs @sql with its "?"s bound to @a, @b and @c (integers). */
static void
exec_3 (FcSql      *db,
        const char *sql,
        gint64      a,
        gint64      b,
        gint64      c)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);
  int n = fc_sql_bind_count (stmt);

  if (n >= 1)
    fc_sql_bind_int64 (stmt, 1, a);
  if (n >= 2)
    fc_sql_bind_int64 (stmt, 2, b);
  if (n >= 3)
    fc_sql_bind_int64 (stmt, 3, c);
  g_assert_true (fc_sql_step_done (stmt));
}

/* A database with points from before migration 9 gets their rollups.
 * SQLite only: the file is made at schema version 8 by hand, which
 * fc_sql_open() then migrates; PostgreSQL's migration 9 backfills the same
 * way (test-server-schema-pg compares the two). */
static void
test_backfill (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) insert = g_string_new ("INSERT INTO health_data " POINT_COLUMNS " VALUES ");
  g_autoptr(GError) error = NULL;
  g_autoptr(FcSql) db = NULL;
  const char * const *migrations;
  guint n_migrations = 0;
  sqlite3 *old = NULL;
  gint64 at = 0;

  if (fc_test_pg_wanted ()) {
    g_test_skip ("SQLite-only: a file at schema version 8 is made with sqlite3 itself");
    return;
  }
  dir = g_dir_make_tmp ("health-rollups-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "old.db", NULL);
  migrations = fc_server_schema_migrations (&n_migrations);
  g_assert_cmpuint (n_migrations, >=, ROLLUP_MIGRATION);
  g_assert_cmpint (sqlite3_open (path, &old), ==, SQLITE_OK);
  for (guint i = 0; i < ROLLUP_MIGRATION - 1; i++)
    g_assert_cmpint (sqlite3_exec (old, migrations[i], NULL, NULL, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < 20000; i++) {
    g_autofree char *row = NULL;

    /* One point in eight at the time of the one before: a tie for last. */
    if (i == 0 || g_rand_int_range (rand, 0, 8) != 0)
      at = random_time (rand);
    row = point_row (rand, g_rand_int_range (rand, 1, 4), at);
    g_string_append_printf (insert, "%s%s", i > 0 ? ", " : "", row);
  }
  g_assert_cmpint (sqlite3_exec (old, "INSERT INTO users (id, email, password, date_joined) VALUES"
                                      " (1, 'a@x.test', '!', 'T'), (2, 'b@x.test', '!', 'T'),"
                                      " (3, 'c@x.test', '!', 'T')", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (old, insert->str, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (old, "PRAGMA user_version = 8", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (old);

  /* Migration 9 and every one after it, as a server started on it would */
  db = fc_sql_open (path, FC_SQL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hr_assert_rollups_match_points (db), >, 1000);
  g_clear_pointer (&db, fc_sql_close);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_remove (dir);
}

/* Seeded random writes after migration 9: the rollups stay equal to the
 * points. */
static void
test_random_writes (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20251026);
  g_autoptr(FcTestPg) pg = NULL;
  g_autoptr(FcSql) db = open_latest (&pg);
  gint64 users[3] = { 1, 2, 3 };
  guint checks = 0, accounts_deleted = 0;

  for (guint op = 1; op <= 8000; op++) {
    gint64 max_id = fc_st_query_int (db, "SELECT COALESCE (max (id), 0) FROM health_data");
    gint64 id = g_rand_int_range (rand, 1, max_id + 2);
    gint64 user_id = users[g_rand_int_range (rand, 0, 3)];
    gint64 at = random_time (rand);
    guint kind = g_rand_int_range (rand, 0, 1000);

    if (kind < 430 || (kind >= 965 && kind < 999)) {
      insert_point (db, rand, user_id, at);
    } else if (kind < 460) {
      /* At the time of another point of the same series, or near. */
      exec_3 (db, "INSERT INTO health_data (user_id, data_type, value, unit, recorded_at, stage,"
                  " source, seq, created_at, updated_at) SELECT user_id, data_type, value + 1,"
                  " unit, recorded_at, stage, source, seq, 0, 0 FROM health_data WHERE id = ?",
              id, 0, 0);
    } else if (kind < 580) {
      exec_3 (db, "UPDATE health_data SET value = ? / 100.0 WHERE id = ?",
              g_rand_int_range (rand, 0, 20000), id, 0);
    } else if (kind < 660) {
      exec_3 (db, "UPDATE health_data SET recorded_at = recorded_at + ? WHERE id = ?",
              (gint64) g_rand_int_range (rand, -90, 90) * 60 * G_USEC_PER_SEC, id, 0);
    } else if (kind < 700) {
      exec_3 (db, "UPDATE health_data SET data_type = CASE ? WHEN 0 THEN 'heart_rate'"
                  " WHEN 1 THEN 'steps' WHEN 2 THEN 'sleep' ELSE 'weight' END WHERE id = ?",
              g_rand_int_range (rand, 0, 4), id, 0);
    } else if (kind < 740) {
      exec_3 (db, "UPDATE health_data SET data_type = 'sleep', stage = CASE ? WHEN 0 THEN NULL"
                  " WHEN 1 THEN 'awake' WHEN 2 THEN 'in_bed' ELSE 'deep' END WHERE id = ?",
              g_rand_int_range (rand, 0, 4), id, 0);
    } else if (kind < 760) {
      exec_3 (db, "UPDATE health_data SET user_id = ? WHERE id = ?", user_id, id, 0);
    } else if (kind < 770) {
      /* PostgreSQL's identity would hand the new id out again */
      exec_3 (db, fc_sql_get_backend (db) == FC_SQL_BACKEND_POSTGRESQL
                  ? "UPDATE health_data SET id = nextval (pg_get_serial_sequence ('health_data', 'id'))"
                    " WHERE id = ?"
                  : "UPDATE health_data SET id = (SELECT max (id) + 1 FROM health_data) WHERE id = ?",
              id, 0, 0);
    } else if (kind < 790) {
      /* Many rows at once. */
      exec_3 (db, "UPDATE health_data SET recorded_at = recorded_at + 420000000"
                  " WHERE user_id = ? AND recorded_at BETWEEN ? AND ?",
              user_id, at, at + G_GINT64_CONSTANT (3) * 3600 * G_USEC_PER_SEC);
    } else if (kind < 950) {
      exec_3 (db, "DELETE FROM health_data WHERE id = ?", id, 0, 0);
    } else if (kind < 965) {
      exec_3 (db, "DELETE FROM health_data WHERE user_id = ? AND recorded_at BETWEEN ? AND ?",
              user_id, at, at + G_GINT64_CONSTANT (2) * 3600 * G_USEC_PER_SEC);
    } else {
      /* An account goes (its points by the cascade), another comes. */
      g_autofree char *insert = NULL;
      guint slot = g_rand_int_range (rand, 0, 3);

      exec_3 (db, "DELETE FROM users WHERE id = ?", users[slot], 0, 0);
      g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM health_data WHERE user_id NOT IN"
                                      " (SELECT id FROM users)"), ==, 0);
      insert = g_strdup_printf ("INSERT INTO users (email, password, date_joined)"
                                " VALUES ('u%u@x.test', '!', 'T')", op);
      exec_3 (db, insert, 0, 0, 0);
      users[slot] = fc_sql_last_insert_id (db);
      accounts_deleted++;
    }

    if (op % 500 == 0) {
      hr_assert_rollups_match_points (db);
      checks++;
    }
  }
  g_assert_cmpuint (checks, ==, 16);
  g_assert_cmpuint (accounts_deleted, >, 0);
  g_assert_cmpuint (hr_assert_rollups_match_points (db), >, 500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/health/rollups/backfill", test_backfill);
  g_test_add_func ("/health/rollups/random-writes", test_random_writes);

  return g_test_run ();
}
