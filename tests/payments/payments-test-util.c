/* payments-test-util.c — fitcore-server with a fake Stripe, for the payments tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fc-json.h"
#include "fc-sql.h"
#include "payments-test-util.h"

static char *
config_text (PtFixture *fixture,
             gint64     clock_offset)
{
  return g_strdup_printf (NT_CONFIG
                          "stripe_api_base=%s/\n"
                          "stripe_secret_key=" PT_SECRET_KEY "\n"
                          "stripe_webhook_secret=" PT_WEBHOOK_SECRET "\n"
                          "stripe_price_monthly=" PT_PRICE_MONTHLY "\n"
                          "stripe_price_lifetime=" PT_PRICE_LIFETIME "\n"
                          "checkout_success_url=https://fitcore.test/premium/done\n"
                          "checkout_cancel_url=https://fitcore.test/premium/cancelled\n"
                          "test_clock_offset=%" G_GINT64_FORMAT "\n",
                          fc_fake_stripe_get_url (fixture->stripe), clock_offset);
}

/* The server inherits the test's stderr: for the start, that is a file
 * the test reads at the end. */
static FcTestServer *
start_logged (PtFixture  *fixture,
              const char *data_dir,
              gint64      clock_offset)
{
  g_autofree char *config = config_text (fixture, clock_offset);
  FcTestServer *server;
  int saved = dup (2);
  int fd = open (fixture->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (saved, >=, 0);
  fflush (stderr);
  dup2 (fd, 2);
  if (data_dir != NULL)
    server = fc_test_server_start_in (data_dir, config, NULL);
  else
    server = fc_test_server_start (config, NULL);
  fflush (stderr);
  dup2 (saved, 2);
  close (saved);
  close (fd);
  return server;
}

static void
set_webhook_url (PtFixture *fixture)
{
  g_autofree char *url = g_strconcat (fixture->nt.server->base_url, PT_API "webhooks/stripe/", NULL);

  fc_fake_stripe_set_webhook_url (fixture->stripe, url);
}

void
pt_fixture_set_up (PtFixture     *fixture,
                   gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("fitcore-payments-XXXXXX", NULL);

  g_assert_nonnull (dir);
  fixture->log_path = g_build_filename (dir, "server-stderr.log", NULL);
  fixture->answers = g_string_new (NULL);
  fixture->stripe = fc_fake_stripe_new (PT_SECRET_KEY, PT_WEBHOOK_SECRET, PT_PRICE_MONTHLY,
                                        PT_PRICE_LIFETIME);
  fixture->nt.server = start_logged (fixture, NULL, 0);
  set_webhook_url (fixture);
  fixture->nt.token_a = fc_test_register (fixture->nt.server, NT_EMAIL_A, NT_PASSWORD, NULL);
  fixture->nt.token_b = fc_test_register (fixture->nt.server, NT_EMAIL_B, NT_PASSWORD, NULL);
  fixture->nt.token_staff = fc_test_register (fixture->nt.server, NT_EMAIL_STAFF, NT_PASSWORD, NULL);
  nt_make_staff (fixture->nt.server, NT_EMAIL_STAFF);
}

void
pt_fixture_tear_down (PtFixture     *fixture,
                      gconstpointer  data)
{
  g_autofree char *log = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->log_path);
  static const char * const secrets[] = { PT_SECRET_KEY, PT_WEBHOOK_SECRET, "FAKEfitcore", NULL };
  /* The server's stderr is this log, not the test's: its own alarms are
   * looked for here. */
  static const char * const alarms[] = { "AddressSanitizer", "runtime error:", "-CRITICAL **",
                                         "-WARNING **", NULL };

  if (fixture->nt.server != NULL)
    g_assert_cmpint (fc_test_server_stop (fixture->nt.server), ==, 0);
  g_assert_true (g_file_get_contents (fixture->log_path, &log, NULL, NULL));
  /* The log is real: it has the request lines. */
  g_assert_nonnull (strstr (log, " /api/v1/"));
  for (guint i = 0; alarms[i] != NULL; i++) {
    if (strstr (log, alarms[i]) != NULL && !fixture->expect_warnings)
      g_test_message ("the server's log:\n%s", log);
    g_assert_true (fixture->expect_warnings || strstr (log, alarms[i]) == NULL);
  }
  for (guint i = 0; secrets[i] != NULL; i++) {
    if (strstr (log, secrets[i]) != NULL)
      g_test_message ("the server's log holds %s:\n%s", secrets[i], log);
    g_assert_null (strstr (log, secrets[i]));
    g_assert_null (strstr (fixture->answers->str, secrets[i]));
  }
  nt_fixture_tear_down (&fixture->nt, data);
  g_clear_pointer (&fixture->stripe, fc_fake_stripe_free);
  g_unlink (fixture->log_path);
  g_rmdir (dir);
  g_clear_pointer (&fixture->log_path, g_free);
  g_string_free (fixture->answers, TRUE);
}

void
pt_restart (PtFixture *fixture,
            gint64     clock_offset)
{
  FcTestServer *old = fixture->nt.server;

  g_assert_cmpint (fc_test_server_stop (old), ==, 0);
  fixture->nt.server = start_logged (fixture, old->data_dir, clock_offset);
  fixture->nt.server->owns_data_dir = TRUE;
  old->owns_data_dir = FALSE;
  fc_test_server_free (old);
  fc_fake_stripe_set_clock_offset (fixture->stripe, clock_offset);
  set_webhook_url (fixture);
}

JsonNode *
pt_request (PtFixture  *fixture,
            const char *method,
            const char *path,
            const char *token,
            const char *json,
            guint       status)
{
  g_autoptr(FcTestResponse) response = fc_test_request (fixture->nt.server, method, path, token, json);
  gsize size = 0;
  const char *body = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;

  if (body != NULL)
    g_string_append_len (fixture->answers, body, size);
  if (response->status != status)
    g_test_message ("%s %s answered %u: %.*s", method, path, response->status, (int) size,
                    body != NULL ? body : "");
  g_assert_cmpuint (response->status, ==, status);
  return g_steal_pointer (&response->json);
}

char *
pt_checkout (PtFixture  *fixture,
             const char *token,
             const char *plan)
{
  g_autofree char *body = g_strdup_printf ("{\"plan\":\"%s\"}", plan);
  g_autoptr(JsonNode) node = pt_request (fixture, "POST", PT_API "checkout/", token, body, 200);
  const char *url = fc_json_get_string (json_node_get_object (node), "checkout_url");
  char *session = fc_fake_stripe_session_of_url (fixture->stripe, url);

  g_assert_nonnull (session);
  g_assert_true (g_str_has_prefix (session, "cs_"));
  return session;
}

JsonObject *
pt_subscription (PtFixture  *fixture,
                 const char *token)
{
  g_autoptr(JsonNode) node = pt_request (fixture, "GET", PT_API "subscription/", token, NULL, 200);

  return json_object_ref (json_node_get_object (node));
}

gint64
pt_db_int (PtFixture  *fixture,
           const char *sql)
{
  g_autoptr(FcSql) db = nt_open_db (fixture->nt.server);

  return nt_query_int (db, sql);
}

char *
pt_db_text (PtFixture  *fixture,
            const char *sql,
            int         n_columns)
{
  g_autoptr(FcSql) db = nt_open_db (fixture->nt.server);
  g_autoptr(GString) portable = g_string_new (sql);
  g_autoptr(FcSqlStmt) stmt = NULL;
  GString *text = g_string_new (NULL);

  /* SQLite 3.40 (Debian 12) has no string_agg yet, PostgreSQL no group_concat */
  if (fc_sql_get_backend (db) == FC_SQL_BACKEND_POSTGRESQL)
    g_string_replace (portable, "group_concat", "string_agg", 0);
  stmt = fc_sql_prepare (db, portable->str);
  g_assert_nonnull (stmt);
  while (fc_sql_step_row (stmt)) {
    for (int i = 0; i < n_columns; i++) {
      const char *value = fc_sql_column_text (stmt, i);

      g_string_append_printf (text, "%s%s", i > 0 ? "|" : "", value != NULL ? value : "NULL");
    }
    g_string_append_c (text, '\n');
  }
  return g_string_free (text, FALSE);
}
