/* test-nutrition-crash.c — kill -9 in the middle of meal writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A burst of meal POSTs, each with several items, is in flight when the
 * server is killed. After a restart on the same data directory the database
 * must be intact, every acknowledged meal must be there, and no meal may
 * have lost any of its items.
 */

#include "config.h"

#include "fc-sql.h"
#include <string.h>

#include "fc-json.h"
#include "nutrition-test-util.h"

#define NUT "/api/v1/nutrition/"
#define N_FOODS 5
#define N_REQUESTS 120
#define KILL_AFTER 25

typedef struct {
  guint answered;
  guint created;
} Burst;

static void
on_meal_posted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  burst->answered++;
  if (body != NULL && soup_message_get_status (message) == 201)
    burst->created++;
}

static void
test_kill_during_writes (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (NT_CONFIG, NULL);
  g_autoptr(FcTestServer) restarted = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 16,
                                                                  "max-conns-per-host", 16,
                                                                  NULL);
  g_autofree char *token = fc_test_register (server, NT_EMAIL_A, NT_PASSWORD, NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autofree char *url = g_strconcat (server->base_url, NUT "meals/", NULL);
  g_autofree char *data_dir = g_strdup (server->data_dir);
  g_autoptr(GString) items = g_string_new (NULL);
  Burst burst = { 0 };
  FcSql *db;

  for (guint i = 1; i <= N_FOODS; i++) {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"Food %u\",\"calories\":%u,"
                                             "\"protein\":1,\"carbohydrates\":2,\"fat\":3}",
                                             i, 10 * i);

    nt_create (server, NUT "foods/", token, json);
    g_string_append_printf (items, "%s{\"food\":%u,\"number_of_servings\":%u.5}",
                            i > 1 ? "," : "", i, i);
  }

  for (guint i = 0; i < N_REQUESTS; i++) {
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autofree char *json = g_strdup_printf ("{\"name\":\"Burst %u\",\"meal_items\":[%s]}", i,
                                             items->str);
    gsize length = strlen (json);
    g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&json), length);

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                  authorization);
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
    soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                      on_meal_posted_cb, &burst);
  }

  /* Kill while most requests are still queued or being written. */
  while (burst.answered < KILL_AFTER)
    g_main_context_iteration (NULL, TRUE);
  fc_test_server_kill (server);
  g_test_message ("%u of %u meals acknowledged before the kill", burst.created, N_REQUESTS);
  g_assert_cmpuint (burst.created, <, N_REQUESTS);
  /* Let the session notice; the remaining requests fail. */
  while (burst.answered < N_REQUESTS)
    g_main_context_iteration (NULL, TRUE);

  /* The restarted server owns the directory from now on. */
  server->owns_data_dir = FALSE;
  restarted = fc_test_server_start_in (data_dir, NT_CONFIG, NULL);
  restarted->owns_data_dir = TRUE;

  db = nt_open_db (restarted);
  /* The file survived the kill (PostgreSQL's own recovery is not ours to
   * test; the checks on the rows below hold on both). */
  if (fc_sql_get_backend (db) == FC_SQL_BACKEND_SQLITE) {
    g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "PRAGMA integrity_check");

    g_assert_cmpint (fc_sql_step (stmt), ==, FC_SQL_ROW);
    g_assert_cmpstr (fc_sql_column_text (stmt, 0), ==, "ok");
    g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  }

  /* Every acknowledged meal survived, and every meal is whole. */
  g_assert_cmpint (nt_query_int (db, "SELECT COUNT(*) FROM meals"), >=, burst.created);
  g_assert_cmpint (nt_query_int (db, "SELECT COUNT(*) FROM meals m WHERE"
                                  " (SELECT COUNT(*) FROM meal_items i WHERE i.meal_id = m.id)"
                                  " != " G_STRINGIFY (N_FOODS)), ==, 0);
  g_assert_cmpint (nt_query_int (db, "SELECT COUNT(*) FROM meal_items i WHERE NOT EXISTS"
                                  " (SELECT 1 FROM meals m WHERE m.id = i.meal_id)"), ==, 0);
  fc_sql_close (db);

  /* And the server still answers with whole meals. */
  {
    g_autofree char *relogin = fc_test_login (restarted, NT_EMAIL_A, NT_PASSWORD, NULL);
    g_autoptr(JsonNode) node = nt_request (restarted, "GET", NUT "meals/?page_size=100", relogin,
                                           NULL, 200);
    JsonArray *results = fc_json_get_array (json_node_get_object (node), "results");

    for (guint i = 0; i < json_array_get_length (results); i++) {
      JsonObject *meal = json_array_get_object_element (results, i);

      g_assert_cmpuint (json_array_get_length (fc_json_get_array (meal, "meal_items")), ==,
                        N_FOODS);
    }
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add_func ("/nutrition/crash/kill-during-meal-writes", test_kill_during_writes);

  return g_test_run ();
}
