/* test-sql-pg.c — reads sent ahead on PostgreSQL (fc_sql_prefetch())
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GET of a list asks for its count and its page; fc_sql_prefetch() sends
 * both before waiting, so PostgreSQL answers them in one round trip (libpq's
 * pipeline mode). These cases count the connection's round trips and check
 * that what comes back is what each statement would have read alone: after
 * a rebinding, after a failing neighbour in the same pipeline, inside a
 * transaction, after a reset that leaves a result unread, and after
 * PostgreSQL dropped the connection. On SQLite the call does nothing.
 *
 * The server sends a GET foods/?page=N's page and count with the token's
 * users row (FcRoute.prefetch): one round trip for the whole request, as
 * its X-FitCore-Round-Trips header says under FITCORE_SERVER_TESTING=1,
 * with the same answers, and a refused user still refused.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "fc-server-test-util.h"
#include "fc-sql-private.h"
#include "fc-test-pg.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

typedef struct {
  FcTestPg *database;
  FcSql    *db;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->database = fc_test_pg_new ();
  fixture->db = fc_sql_open (fc_test_pg_get_uri (fixture->database), FC_SQL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (fc_sql_exec (fixture->db,
                              "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL);"
                              " INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')",
                              &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->db, fc_sql_close);
  g_clear_pointer (&fixture->database, fc_test_pg_free);
}

/* The names of @stmt's rows, joined by commas, and the statement reset. */
static char *
names (FcSqlStmt *stmt)
{
  g_autoptr(GString) out = g_string_new (NULL);
  FcSqlResult rc;

  while ((rc = fc_sql_step (stmt)) == FC_SQL_ROW)
    g_string_append_printf (out, "%s%s", out->len > 0 ? "," : "", fc_sql_column_text (stmt, 0));
  g_assert_cmpint (rc, ==, FC_SQL_DONE);
  fc_sql_reset (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static FcSqlCachedStmt *
count_stmt (FcSql  *db,
            gint64  above)
{
  FcSqlCachedStmt *stmt = fc_sql_stmt (db, "SELECT COUNT(*) FROM items WHERE id > ?");

  fc_sql_bind_int64 (stmt, 1, above);
  return stmt;
}

static FcSqlCachedStmt *
page_stmt (FcSql  *db,
           gint64  above)
{
  FcSqlCachedStmt *stmt = fc_sql_stmt (db, "SELECT name FROM items WHERE id > ? ORDER BY id");

  fc_sql_bind_int64 (stmt, 1, above);
  return stmt;
}

/* Two reads sent ahead cost one round trip where they cost two one after
 * the other; each gets its own answer. */
static void
test_one_round_trip (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *page = NULL;
  guint before;

  /* Round 0 prepares the statements, as a server's first request does;
   * round 1 runs them one after the other, round 2 sends them ahead */
  for (int round = 0; round < 3; round++) {
    g_autoptr(FcSqlCachedStmt) count = count_stmt (fixture->db, 1);
    g_autoptr(FcSqlCachedStmt) rows = page_stmt (fixture->db, 1);
    gboolean prefetch = round == 2;

    before = fc_sql_pg_get_round_trips (fixture->db);
    if (prefetch) {
      fc_sql_prefetch (count);
      fc_sql_prefetch (rows);
    }
    g_assert_cmpint (fc_sql_step (count), ==, FC_SQL_ROW);
    g_assert_cmpint (fc_sql_column_int64 (count, 0), ==, 2);
    g_clear_pointer (&page, g_free);
    page = names (rows);
    g_assert_cmpstr (page, ==, "two,three");
    if (round > 0)
      g_assert_cmpuint (fc_sql_pg_get_round_trips (fixture->db) - before, ==, (prefetch ? 1 : 2));
  }
}

/* A statement bound again after it was sent reads with the new value. */
static void
test_rebind (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FcSqlCachedStmt) count = count_stmt (fixture->db, 0);
  g_autoptr(FcSqlCachedStmt) rows = page_stmt (fixture->db, 0);
  g_autofree char *page = NULL;

  fc_sql_prefetch (count);
  fc_sql_prefetch (rows);
  g_assert_cmpint (fc_sql_step (count), ==, FC_SQL_ROW);
  g_assert_cmpint (fc_sql_column_int64 (count, 0), ==, 3);
  fc_sql_bind_int64 (rows, 1, 2);
  page = names (rows);
  g_assert_cmpstr (page, ==, "three");
}

/* A failure in the pipeline is that statement's alone: the one sent after
 * it (which PostgreSQL skipped) still reads its rows. */
static void
test_failure_stays_put (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(FcSqlStmt) bad = fc_sql_prepare (fixture->db, "SELECT 1 / ? FROM items");
  g_autoptr(FcSqlCachedStmt) rows = page_stmt (fixture->db, 1);
  g_autofree char *page = NULL;

  fc_sql_bind_int64 (bad, 1, 0);
  fc_sql_prefetch (bad);
  fc_sql_prefetch (rows);
  page = names (rows);
  g_assert_cmpstr (page, ==, "two,three");
  g_assert_cmpint (fc_sql_step (bad), ==, FC_SQL_ERROR);
  g_assert_nonnull (strstr (fc_sql_errmsg (fixture->db), "division by zero"));
}

/* Inside a transaction a read sent ahead sees the transaction's writes,
 * and a write is never sent ahead: it has run once stepped. */
static void
test_in_transaction (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FcSqlStmt) insert = fc_sql_prepare (fixture->db, "INSERT INTO items VALUES (?, 'four')");
  g_autoptr(FcSqlCachedStmt) rows = page_stmt (fixture->db, 2);
  g_autofree char *page = NULL;

  g_assert_true (fc_sql_begin (fixture->db));
  fc_sql_bind_int64 (insert, 1, 4);
  fc_sql_prefetch (insert);
  g_assert_true (fc_sql_step_done (insert));
  g_assert_cmpint (fc_sql_changes (fixture->db), ==, 1);
  fc_sql_prefetch (rows);
  page = names (rows);
  g_assert_cmpstr (page, ==, "three,four");
  g_assert_false (fc_sql_end (fixture->db, FALSE));
  g_clear_pointer (&page, g_free);
  fc_sql_bind_int64 (rows, 1, 2);
  page = names (rows);
  g_assert_cmpstr (page, ==, "three");
}

/* A result sent for and never read (a request that answered early) does
 * not hold the connection: the next statement runs, and the reset one
 * reads again when stepped. */
static void
test_reset_unread (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FcSqlCachedStmt) rows = page_stmt (fixture->db, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;

  fc_sql_prefetch (rows);
  fc_sql_reset (rows);
  g_assert_true (fc_sql_exec (fixture->db, "DELETE FROM items WHERE id = 1", &error));
  g_assert_no_error (error);
  page = names (rows);
  g_assert_cmpstr (page, ==, "two,three");
}

/* PostgreSQL dropped the connection (a restart, an administrator): the
 * reads sent ahead are asked again on a new one. */
static void
test_dropped_connection (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(FcSqlStmt) pid = fc_sql_prepare (fixture->db, "SELECT pg_backend_pid ()");
  g_autoptr(FcSqlCachedStmt) count = count_stmt (fixture->db, 0);
  g_autoptr(FcSqlCachedStmt) rows = page_stmt (fixture->db, 0);
  g_autoptr(PGconn) admin = fc_test_pg_connect (fixture->database);
  g_autofree char *kill = NULL;
  g_autofree char *page = NULL;
  PGresult *result;

  g_assert_cmpint (fc_sql_step (pid), ==, FC_SQL_ROW);
  kill = g_strdup_printf ("SELECT pg_terminate_backend (%s, 10000)", fc_sql_column_text (pid, 0));
  result = PQexec (admin, kill);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "t");
  PQclear (result);

  fc_sql_prefetch (count);
  fc_sql_prefetch (rows);
  g_assert_cmpint (fc_sql_step (count), ==, FC_SQL_ROW);
  g_assert_cmpint (fc_sql_column_int64 (count, 0), ==, 3);
  page = names (rows);
  g_assert_cmpstr (page, ==, "one,two,three");
}

/* SQLite has no round trips: the call leaves the statement as it was. */
static void
test_sqlite (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fitcore-sql-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(FcSql) db = NULL;
  static const char * const suffixes[] = { "", "-wal", "-shm" };
  g_autofree char *page = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "server.db", NULL);
  db = fc_sql_open (path, FC_SQL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (fc_sql_exec (db, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                                  " INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')",
                              &error));
  g_assert_no_error (error);
  {
    g_autoptr(FcSqlCachedStmt) count = count_stmt (db, 1);
    g_autoptr(FcSqlCachedStmt) rows = page_stmt (db, 1);

    fc_sql_prefetch (count);
    fc_sql_prefetch (rows);
    g_assert_cmpint (fc_sql_step (count), ==, FC_SQL_ROW);
    g_assert_cmpint (fc_sql_column_int64 (count, 0), ==, 2);
    page = names (rows);
    g_assert_cmpstr (page, ==, "two,three");
  }
  g_clear_pointer (&db, fc_sql_close);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++) {
    g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

    g_remove (file);
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static FcTestResponse *
get_foods (FcTestServer *server,
           const char   *query,
           const char   *token,
           guint         status,
           const char   *round_trips)
{
  g_autofree char *path = g_strconcat ("/api/v1/nutrition/foods/", query, NULL);
  FcTestResponse *response = fc_test_request (server, "GET", path, token, NULL);

  g_assert_cmpuint (response->status, ==, status);
  if (round_trips != NULL)
    g_assert_cmpstr (soup_message_headers_get_one (response->headers, "X-FitCore-Round-Trips"),
                     ==, round_trips);
  return response;
}

/* The names on a page of foods, joined by commas. */
static char *
page_names (FcTestResponse *response)
{
  JsonArray *results = json_object_get_array_member (fc_test_response_object (response), "results");
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (results); i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "",
                            json_object_get_string_member (json_array_get_object_element (results, i),
                                                           "name"));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_foods_get (void)
{
  FcTestServer *server = fc_st_start (NULL, FALSE);
  g_autofree char *token = fc_st_register (server, "pipeline@example.com");
  g_autoptr(FcSql) db = fc_st_open_db (server);
  static const struct {
    const char *query;
    guint       status;
    const char *round_trips;
    const char *names;
    gint64      count;
  } cases[] = {
    /* the users row, the count and the page together */
    { "?page_size=5", 200, "1", "f01,f02,f03,f04,f05", 12 },
    { "?page=3&page_size=5", 200, "1", "f11,f12", 12 },
    { "?search=f1&page_size=2&page=2", 200, "1", "f12", 3 },
    /* the page depends on the count: the row, the count, the page */
    { "?page=last&page_size=5", 200, "3", "f11,f12", 12 },
    /* past the end: the page was read for nothing */
    { "?page=4&page_size=5", 404, "1", NULL, 0 },
  };

  fc_st_exec (db, "INSERT INTO foods (name, calories, protein, carbohydrates, fat, is_public,"
                  " created_at, updated_at)"
                  " SELECT 'f' || lpad (n::text, 2, '0'), n, 1, 2, 3, 1, '2026-01-01T00:00:00Z',"
                  " '2026-01-01T00:00:00Z' FROM generate_series (1, 12) AS n");
  /* Round 0 prepares each statement on the server's connection (a round
   * trip each, once) and writes the user's activity of the day */
  for (guint i = 0; i < 2 * G_N_ELEMENTS (cases); i++) {
    guint c = i % G_N_ELEMENTS (cases);
    gboolean warm = i >= G_N_ELEMENTS (cases);
    FcTestResponse *response = get_foods (server, cases[c].query, token, cases[c].status,
                                          warm ? cases[c].round_trips : NULL);

    if (cases[c].names != NULL) {
      g_autofree char *names = page_names (response);

      g_assert_cmpstr (names, ==, cases[c].names);
      g_assert_cmpint (json_object_get_int_member (fc_test_response_object (response), "count"),
                       ==, cases[c].count);
    }
    fc_test_response_free (response);
  }
  /* Without a token, the count and the page */
  fc_test_response_free (get_foods (server, "?page_size=5", NULL, 200, NULL));
  fc_test_response_free (get_foods (server, "?page_size=5", NULL, 200, "1"));

  /* A user made inactive is refused though the page was sent ahead */
  fc_st_exec (db, "UPDATE users SET is_active = 0 WHERE email = 'pipeline@example.com'");
  {
    FcTestResponse *response = get_foods (server, "?page_size=5", token, 401, "1");

    g_assert_cmpstr (json_object_get_string_member (fc_test_response_object (response), "code"), ==,
                     "user_inactive");
    g_assert_false (json_object_has_member (fc_test_response_object (response), "results"));
    fc_test_response_free (response);
  }
  g_clear_pointer (&db, fc_sql_close);
  fc_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  /* Every server of this test on PostgreSQL, saying its round trips */
  g_setenv ("FITCORE_TEST_DATABASE", "postgresql", TRUE);
  g_setenv ("FITCORE_SERVER_TESTING", "1", TRUE);
  fc_st_init_environment ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/sql-pg/prefetch/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("one-round-trip", test_one_round_trip);
  ADD ("rebind", test_rebind);
  ADD ("failure-stays-put", test_failure_stays_put);
  ADD ("in-transaction", test_in_transaction);
  ADD ("reset-unread", test_reset_unread);
  ADD ("dropped-connection", test_dropped_connection);
#undef ADD
  g_test_add_func ("/server/sql-pg/prefetch/sqlite", test_sqlite);
  g_test_add_func ("/server/sql-pg/foods-get-one-round-trip", test_foods_get);

  return g_test_run ();
}
