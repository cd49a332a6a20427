/* test-admin-scale.c — admin/users/ at 100,000 accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 100,000 accounts are written straight into the server's database. A
 * search for one of them, the filters and every ordering's first and last
 * pages must then answer the right rows (checked against SQLite itself),
 * each within a bound generous enough for a loaded 2-core machine (a
 * sort of the table per page, or a search that read every row's profile,
 * stays far below it; the bench measures). The orderings walk indexes:
 * SQLite's own plan for each must not sort.
 */

#include "config.h"

#include <string.h>

#include "admin-seed.h"
#include "admin-test-util.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "nutrition-test-util.h"

#define API "/api/v1/admin/"
#define N_USERS 100000
#define BOUND_US (5 * G_USEC_PER_SEC)

/* GET @path as staff, in bounded time; returns the body. */
static JsonNode *
timed_get (NtFixture  *fixture,
           const char *path)
{
  gint64 start = g_get_monotonic_time ();
  JsonNode *node = nt_request (fixture->server, "GET", path, fixture->token_staff, NULL, 200);
  gint64 elapsed = g_get_monotonic_time () - start;

  g_test_message ("%s: %.1f ms", path, elapsed / 1000.0);
  g_assert_cmpint (elapsed, <, BOUND_US);
  return node;
}

static char *
page_emails (JsonNode *page)
{
  JsonArray *results = fc_json_get_array (ad_object (page), "results");
  g_autoptr(GString) text = g_string_new ("");

  for (guint i = 0; i < json_array_get_length (results); i++)
    g_string_append_printf (text, "%s ", fc_json_get_string (json_array_get_object_element (results, i),
                                                             "email"));
  return g_strdup (text->str);
}

static char *
sql_emails (FcSql      *db,
            const char *sql)
{
  g_autoptr(GString) text = g_string_new ("");
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  while (fc_sql_step_row (stmt))
    g_string_append_printf (text, "%s ", fc_sql_column_text (stmt, 0));
  return g_strdup (text->str);
}

/* The plan for @sql has no sort: SQLite's says nothing of a temporary
 * B-tree, PostgreSQL's has no Sort node (nor an Incremental Sort). */
static void
assert_no_sort (FcSql      *db,
                const char *sql)
{
  gboolean pg = fc_sql_get_backend (db) == FC_SQL_BACKEND_POSTGRESQL;
  g_autofree char *explain = g_strconcat (pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr(GString) plan = g_string_new ("");
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, explain);

  while (fc_sql_step_row (stmt))
    g_string_append_printf (plan, "%s; ", fc_sql_column_text (stmt, pg ? 0 : 3));
  g_test_message ("%s: %s", sql, plan->str);
  g_assert_null (strstr (plan->str, pg ? "Sort" : "TEMP B-TREE"));
}

static void
test_hundred_thousand (NtFixture     *fixture,
                       gconstpointer  data)
{
  static const struct {
    const char *ordering;
    const char *order_by;
  } orders[] = {
    { "-date_joined", "date_joined DESC, id DESC" },
    { "date_joined", "date_joined, id" },
    { "email", "lower (email)" },
    { "-email", "lower (email) DESC" },
    { "-last_seen", "last_seen DESC, id DESC" },
    { "last_login", "last_login, id" },
    { "-id", "id DESC" },
  };
  g_autoptr(JsonNode) found = NULL;
  g_autoptr(JsonNode) filtered = NULL;
  g_autoptr(JsonNode) all = NULL;
  g_autoptr(FcSql) db = NULL;
  JsonObject *user;
  gint64 first_id, premium_inactive;

  first_id = ad_seed_users (fixture->server, N_USERS);
  db = nt_open_db (fixture->server);
  /* What autovacuum would have done by now on a server with this many
   * accounts: without statistics PostgreSQL plans for a small table */
  if (fc_sql_get_backend (db) == FC_SQL_BACKEND_POSTGRESQL)
    g_assert_true (fc_sql_exec (db, "ANALYZE users", NULL));

  /* One account among 100,000 by a part of its e-mail or its name. */
  found = timed_get (fixture, API "users/?search=seed-077777@");
  g_assert_cmpint (json_object_get_int_member (ad_object (found), "count"), ==, 1);
  user = json_array_get_object_element (fc_json_get_array (ad_object (found), "results"), 0);
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, first_id + 77777);
  g_clear_pointer (&found, json_node_unref);
  found = timed_get (fixture, API "users/?search=user%20012345");
  g_assert_cmpint (json_object_get_int_member (ad_object (found), "count"), ==, 1);

  all = timed_get (fixture, API "users/?page_size=100");
  g_assert_cmpint (json_object_get_int_member (ad_object (all), "count"), ==, N_USERS + 3);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (ad_object (all), "results")), ==, 100);

  premium_inactive = nt_query_int (db, "SELECT count(*) FROM users WHERE has_premium = 1 AND is_active = 0");
  filtered = timed_get (fixture, API "users/?has_premium=true&is_active=false&joined_from=2025-01-01");
  g_assert_cmpint (json_object_get_int_member (ad_object (filtered), "count"), ==, premium_inactive);
  g_assert_cmpint (premium_inactive, >, 100);

  for (guint i = 0; i < G_N_ELEMENTS (orders); i++) {
    g_autofree char *sql = g_strdup_printf ("SELECT email FROM users ORDER BY %s LIMIT 25",
                                            orders[i].order_by);
    g_autofree char *last_sql = g_strdup_printf ("SELECT email FROM users ORDER BY %s LIMIT 25 OFFSET %d",
                                                 orders[i].order_by, (N_USERS + 3) / 25 * 25);
    g_autofree char *path = g_strdup_printf (API "users/?page_size=25&ordering=%s", orders[i].ordering);
    g_autofree char *last_path = g_strconcat (path, "&page=last", NULL);
    g_autoptr(JsonNode) page = timed_get (fixture, path);
    g_autoptr(JsonNode) last = timed_get (fixture, last_path);
    g_autofree char *want = sql_emails (db, sql);
    g_autofree char *want_last = sql_emails (db, last_sql);
    g_autofree char *have = page_emails (page);
    g_autofree char *have_last = page_emails (last);

    g_assert_cmpstr (have, ==, want);
    g_assert_cmpstr (have_last, ==, want_last);
    assert_no_sort (db, sql);
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/admin/scale/users-100000", NtFixture, NULL, nt_fixture_set_up, test_hundred_thousand,
              nt_fixture_tear_down);
  return g_test_run ();
}
