/* nutrition-test-util.c — a fitcore-server with three accounts, for the nutrition tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-json.h"
#include "fc-server-test-util.h"
#include "nutrition-test-util.h"

void
nt_test_init (int    *argc,
              char ***argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

void
nt_fixture_set_up (NtFixture     *fixture,
                   gconstpointer  data)
{
  nt_fixture_set_up_with_config (fixture, NT_CONFIG, data);
}

void
nt_fixture_set_up_with_config (NtFixture     *fixture,
                               const char    *config,
                               gconstpointer  data)
{
  fixture->server = fc_test_server_start (config, data);
  fixture->token_a = fc_test_register (fixture->server, NT_EMAIL_A, NT_PASSWORD, NULL);
  fixture->token_b = fc_test_register (fixture->server, NT_EMAIL_B, NT_PASSWORD, NULL);
  fixture->token_staff = fc_test_register (fixture->server, NT_EMAIL_STAFF, NT_PASSWORD, NULL);
  nt_make_staff (fixture->server, NT_EMAIL_STAFF);
}

void
nt_fixture_tear_down (NtFixture     *fixture,
                      gconstpointer  data)
{
  g_clear_pointer (&fixture->server, fc_test_server_free);
  g_clear_pointer (&fixture->token_a, g_free);
  g_clear_pointer (&fixture->token_b, g_free);
  g_clear_pointer (&fixture->token_staff, g_free);
}

FcSql *
nt_open_db (FcTestServer *server)
{
  return fc_st_open_db (server);
}

void
nt_make_staff (FcTestServer *server,
               const char   *email)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "UPDATE users SET is_staff = 1 WHERE email = ?");

  fc_sql_bind_text (stmt, 1, email);
  g_assert_true (fc_sql_step_done (stmt));
  g_assert_cmpint (fc_sql_changes (db), ==, 1);
}

gint64
nt_query_int (FcSql      *db,
              const char *sql)
{
  return fc_st_query_int (db, sql);
}

gint64
nt_count (FcTestServer *server,
          const char   *path,
          const char   *token)
{
  g_autoptr(JsonNode) node = nt_request (server, "GET", path, token, NULL, 200);
  gint64 count = -1;

  g_assert_true (fc_json_get_int (json_node_get_object (node), "count", &count));
  return count;
}

JsonNode *
nt_request (FcTestServer *server,
            const char   *method,
            const char   *path,
            const char   *token,
            const char   *json,
            guint         status)
{
  g_autoptr(FcTestResponse) response = fc_test_request (server, method, path, token, json);

  if (response->status != status) {
    gsize size = 0;
    const char *body = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;

    g_test_message ("%s %s answered %u: %.*s", method, path, response->status, (int) size,
                    body != NULL ? body : "");
  }
  g_assert_cmpuint (response->status, ==, status);
  return g_steal_pointer (&response->json);
}

void
nt_expect (FcTestServer *server,
           const char   *method,
           const char   *path,
           const char   *token,
           const char   *json,
           guint         status)
{
  g_autoptr(JsonNode) node = nt_request (server, method, path, token, json, status);
}

gint64
nt_create (FcTestServer *server,
           const char   *path,
           const char   *token,
           const char   *json)
{
  g_autoptr(JsonNode) node = nt_request (server, "POST", path, token, json, 201);
  gint64 id = 0;

  g_assert_nonnull (node);
  g_assert_true (fc_json_get_int (json_node_get_object (node), "id", &id));
  return id;
}

char *
nt_request_text (FcTestServer *server,
                 const char   *method,
                 const char   *path,
                 const char   *token,
                 const char   *json,
                 guint         status)
{
  g_autoptr(GRegex) timestamps = g_regex_new ("\"(created_at|updated_at)\":\"[^\"]*\"", 0, 0,
                                              NULL);
  g_autoptr(FcTestResponse) response = fc_test_request (server, method, path, token, json);
  const char *data = g_bytes_get_data (response->body, NULL);
  g_autofree char *text = g_strndup (data != NULL ? data : "", g_bytes_get_size (response->body));

  if (response->status != status)
    g_test_message ("%s %s answered %u: %s", method, path, response->status, text);
  g_assert_cmpuint (response->status, ==, status);

  /* The server's own text, not json-glib's re-serialisation: number
   * formatting (105.0, 0.6000000000000001) is part of the wire format. */
  return g_regex_replace (timestamps, text, -1, 0, "\"\\1\":\"T\"", 0, NULL);
}

void
nt_assert_response (FcTestServer *server,
                    const char   *method,
                    const char   *path,
                    const char   *token,
                    const char   *json,
                    guint         status,
                    const char   *expected)
{
  g_autofree char *text = nt_request_text (server, method, path, token, json, status);

  g_assert_cmpstr (text, ==, expected);
}
