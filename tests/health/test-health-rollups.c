/* test-health-rollups.c — the metrics rollups of migration 9 on SQL alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server's migrations on a database of this test's own: the backfill
 * of a database that had points before migration 9, and thousands of
 * seeded random writes through plain SQL (the paths the routes take and
 * those they do not: many rows at once, a point moved to another user or
 * id, an account deleted), each time against the rollups made again in C
 * from the points (health-rollup-check.c). test-health-api does the same
 * through the routes.
 */

#include "config.h"

#include "fc-server-schema.h"
#include "fc-server-test-util.h"
#include "health-rollup-check.h"

/* Migration 9 makes the rollups. */
#define ROLLUP_MIGRATION 9

static const char * const types[] = { "heart_rate", "steps", "sleep", "weight" };
static const char * const stages[] = { "asleep", "awake", "in_bed", "deep", "rem" };

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* An in-memory database at schema version @version, with three users. */
static sqlite3 *
open_at (guint version)
{
  const char * const *migrations;
  guint n_migrations = 0;
  sqlite3 *db = NULL;

  migrations = fc_server_schema_migrations (&n_migrations);
  g_assert_cmpuint (n_migrations, >=, version);
  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  for (guint i = 0; i < version; i++)
    exec (db, migrations[i]);
  exec (db, "PRAGMA foreign_keys = ON;"
            "INSERT INTO users (id, email, password, date_joined) VALUES"
            " (1, 'a@x.test', '!', 'T'), (2, 'b@x.test', '!', 'T'), (3, 'c@x.test', '!', 'T');");
  return db;
}

static void
run_migration (sqlite3 *db,
               guint    number)
{
  const char * const *migrations;
  guint n_migrations = 0;

  migrations = fc_server_schema_migrations (&n_migrations);
  exec (db, "PRAGMA foreign_keys = OFF");
  exec (db, migrations[number - 1]);
  exec (db, "PRAGMA foreign_keys = ON");
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

static void
insert_point (sqlite3 *db,
              GRand   *rand,
              gint64   user_id,
              gint64   at)
{
  const char *type = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO health_data (user_id, data_type, value,"
                                           " unit, recorded_at, stage, source, client_id, seq,"
                                           " created_at, updated_at)"
                                           " VALUES (?, ?, ?, 'u', ?, ?, 's', NULL, 1, 0, 0)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, type, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 3, g_rand_int_range (rand, 0, 20000) / 100.0);
  sqlite3_bind_int64 (stmt, 4, at);
  if (g_str_equal (type, "sleep") && g_rand_boolean (rand))
    sqlite3_bind_text (stmt, 5, stages[g_rand_int_range (rand, 0, G_N_ELEMENTS (stages))], -1,
                       SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 5);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* Runs @sql with its "?"s bound to @a, @b and @c (integers). */
static void
exec_3 (sqlite3    *db,
        const char *sql,
        gint64      a,
        gint64      b,
        gint64      c)
{
  sqlite3_stmt *stmt = NULL;
  int n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  n = sqlite3_bind_parameter_count (stmt);
  if (n >= 1)
    sqlite3_bind_int64 (stmt, 1, a);
  if (n >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  if (n >= 3)
    sqlite3_bind_int64 (stmt, 3, c);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* A database with points from before migration 9 gets their rollups. */
static void
test_backfill (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  sqlite3 *db = open_at (ROLLUP_MIGRATION - 1);
  gint64 at = 0;

  exec (db, "BEGIN");
  for (guint i = 0; i < 20000; i++) {
    /* One point in eight at the time of the one before: a tie for last. */
    if (i == 0 || g_rand_int_range (rand, 0, 8) != 0)
      at = random_time (rand);
    insert_point (db, rand, g_rand_int_range (rand, 1, 4), at);
  }
  exec (db, "COMMIT");
  run_migration (db, ROLLUP_MIGRATION);
  g_assert_cmpuint (hr_assert_rollups_match_points (db), >, 1000);
  sqlite3_close (db);
}

/* Seeded random writes after migration 9: the rollups stay equal to the
 * points. */
static void
test_random_writes (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20251026);
  sqlite3 *db = open_at (ROLLUP_MIGRATION);
  gint64 users[3] = { 1, 2, 3 };
  guint checks = 0, accounts_deleted = 0;

  for (guint op = 1; op <= 8000; op++) {
    gint64 max_id = fc_st_query_int (db, "SELECT IFNULL (max (id), 0) FROM health_data");
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
      exec_3 (db, "UPDATE health_data SET id = (SELECT max (id) + 1 FROM health_data)"
                  " WHERE id = ?", id, 0, 0);
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
      exec (db, insert);
      users[slot] = sqlite3_last_insert_rowid (db);
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
  sqlite3_close (db);
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
