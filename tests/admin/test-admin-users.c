/* test-admin-users.c — admin/users/ and admin/audit/ against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Accounts: A (id 1) and B (id 2) are users, S (id 3) is staff. Each case
 * checks what the server answered and what its database holds afterwards:
 * deactivation ends a session at once and login says why, staff rights
 * cannot be removed from oneself or the last staff account, every change
 * leaves one audit row with its before and after and none when it fails,
 * premium grants are transactions that end on their date, and the list
 * filters, searches, sorts and pages as documented (docs/admin-wire.md).
 */

#include "config.h"

#include <string.h>

#include "admin-test-util.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "nutrition-test-util.h"

#define API "/api/v1/admin/"
#define AUTH "/api/v1/auth/"
#define USER_A API "users/1/"
#define USER_B API "users/2/"
#define USER_S API "users/3/"

static char *mail_path;

/* The nutrition fixture's three accounts, on a server that appends its
 * mails to mail_path. */
static void
set_up (NtFixture     *fixture,
        gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("fc-admin-XXXXXX", NULL);
  g_autofree char *config = NULL;

  g_assert_nonnull (dir);
  g_free (mail_path);
  mail_path = g_build_filename (dir, "mail.txt", NULL);
  config = g_strdup_printf (NT_CONFIG "mail_file=%s\n", mail_path);
  fixture->server = fc_test_server_start (config, NULL);
  fixture->token_a = fc_test_register (fixture->server, NT_EMAIL_A, NT_PASSWORD, NULL);
  fixture->token_b = fc_test_register (fixture->server, NT_EMAIL_B, NT_PASSWORD, NULL);
  fixture->token_staff = fc_test_register (fixture->server, NT_EMAIL_STAFF, NT_PASSWORD, NULL);
  nt_make_staff (fixture->server, NT_EMAIL_STAFF);
}

/* The first errors message of @field in a 400's body. */
static const char *
first_error (JsonNode   *node,
             const char *field)
{
  JsonArray *messages = fc_json_get_array (ad_object (node), field);

  g_assert_nonnull (messages);
  g_assert_cmpuint (json_array_get_length (messages), >=, 1);
  return json_array_get_string_element (messages, 0);
}

/* The newest audit entry, from the API. */
static JsonNode *
newest_audit (NtFixture *fixture)
{
  g_autoptr(JsonNode) page = nt_request (fixture->server, "GET", API "audit/?page_size=1",
                                         fixture->token_staff, NULL, 200);
  JsonArray *results = fc_json_get_array (ad_object (page), "results");

  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_node_copy (json_array_get_element (results, 0));
}

static char *
member_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  return fc_json_to_string (node, FALSE);
}

static void
test_deactivate (NtFixture     *fixture,
                 gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autofree char *refresh = NULL;
  g_autofree char *access = fc_test_login (server, NT_EMAIL_A, NT_PASSWORD, &refresh);
  g_autofree char *login_body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}",
                                                 NT_EMAIL_A, NT_PASSWORD);
  g_autofree char *refresh_body = g_strdup_printf ("{\"refresh\":\"%s\"}", refresh);
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) entry = NULL;
  g_autoptr(FcTestResponse) response = NULL;
  JsonObject *object;

  g_assert_nonnull (refresh);
  nt_create (server, "/api/v1/nutrition/meals/", access, "{\"name\":\"Keep me\"}");
  nt_expect (server, "GET", AUTH "oauth/user/", access, NULL, 200);

  answer = nt_request (server, "PATCH", USER_A, fixture->token_staff, "{\"is_active\":false}", 200);
  g_assert_false (json_object_get_boolean_member (ad_object (answer), "is_active"));

  /* The token issued before works no more, at once, with a reason. */
  response = fc_test_request (server, "GET", AUTH "oauth/user/", access, NULL);
  g_assert_cmpuint (response->status, ==, 401);
  g_assert_cmpstr (fc_json_get_string (fc_test_response_object (response), "code"), ==,
                   "user_inactive");
  g_clear_pointer (&response, fc_test_response_free);
  nt_expect (server, "GET", "/api/v1/nutrition/meals/", access, NULL, 401);
  nt_expect (server, "POST", AUTH "oauth/token/refresh/", NULL, refresh_body, 401);

  /* Login with the right password says why; a wrong one says nothing more. */
  refused = nt_request (server, "POST", AUTH "oauth/login/", NULL, login_body, 400);
  g_assert_cmpstr (first_error (refused, "non_field_errors"), ==,
                   "This account has been deactivated. Contact support to have it reactivated.");
  g_clear_pointer (&refused, json_node_unref);
  refused = nt_request (server, "POST", AUTH "oauth/login/", NULL,
                        "{\"email\":\"" NT_EMAIL_A "\",\"password\":\"wrong-wrong-1\"}", 400);
  g_assert_cmpstr (first_error (refused, "non_field_errors"), ==,
                   "Unable to log in with provided credentials.");

  /* Nothing of theirs was deleted. */
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM meals WHERE user_id = 1"), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM users WHERE id = 1"), ==, 1);

  entry = newest_audit (fixture);
  object = ad_object (entry);
  g_assert_cmpstr (fc_json_get_string (object, "action"), ==, "user.update");
  g_assert_cmpstr (fc_json_get_string (object, "object_type"), ==, "user");
  g_assert_cmpint (json_object_get_int_member (object, "object_id"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (fc_json_get_object (object, "actor"), "id"), ==, 3);
  before_text = member_text (object, "before");
  after_text = member_text (object, "after");
  g_assert_cmpstr (before_text, ==, "{\"is_active\":true}");
  g_assert_cmpstr (after_text, ==, "{\"is_active\":false}");

  /* Reactivated: a new login works, the old session stays dead. */
  nt_expect (server, "PATCH", USER_A, fixture->token_staff, "{\"is_active\":true}", 200);
  nt_expect (server, "POST", AUTH "oauth/token/refresh/", NULL, refresh_body, 401);
  again = fc_test_login (server, NT_EMAIL_A, NT_PASSWORD, NULL);
  g_assert_cmpint (nt_count (server, "/api/v1/nutrition/meals/", again), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 2);
}

static void
test_staff_rules (NtFixture     *fixture,
                  gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(JsonNode) last = NULL;
  g_autoptr(JsonNode) self_staff = NULL;
  g_autoptr(JsonNode) self_active = NULL;

  /* S is the only staff account: removing its rights is refused as the
   * last staff account's, whichever field asks. */
  last = nt_request (server, "PATCH", USER_S, fixture->token_staff, "{\"is_staff\":false}", 409);
  g_assert_cmpstr (fc_json_get_string (ad_object (last), "detail"), ==,
                   "This is the last active staff account; make another account staff first.");
  nt_expect (server, "PATCH", USER_S, fixture->token_staff, "{\"is_active\":false}", 409);

  /* With B as staff too, S still cannot demote or deactivate itself. */
  nt_expect (server, "PATCH", USER_B, fixture->token_staff, "{\"is_staff\":true}", 200);
  self_staff = nt_request (server, "PATCH", USER_S, fixture->token_staff, "{\"is_staff\":false}", 400);
  g_assert_cmpstr (first_error (self_staff, "is_staff"), ==, "You cannot remove your own staff status.");
  self_active = nt_request (server, "PATCH", USER_S, fixture->token_staff, "{\"is_active\":false}", 400);
  g_assert_cmpstr (first_error (self_active, "is_active"), ==, "You cannot deactivate your own account.");
  g_assert_cmpint (ad_db_int (server, "SELECT is_staff + is_active FROM users WHERE id = 3"), ==, 2);

  /* B may remove S, and then B is the last one. */
  nt_expect (server, "PATCH", USER_S, fixture->token_b, "{\"is_staff\":false}", 200);
  nt_expect (server, "GET", API "users/", fixture->token_staff, NULL, 403);
  nt_expect (server, "PATCH", USER_B, fixture->token_b, "{\"is_staff\":false}", 409);

  /* Two changes, two rows; the five refusals wrote none. */
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 2);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM users WHERE is_staff <> 0"), ==, 1);
}

/* A change whose audit row cannot be written is not made, and a refused
 * change leaves no audit row. */
static void
test_audit_rollback (NtFixture     *fixture,
                     gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(FcTestResponse) response = NULL;

  ad_db_refuse (server, "test_refuse_audit", "BEFORE INSERT", "audit_log", "NEW.object_id = 2",
                "refused by the test");
  response = fc_test_request (server, "PATCH", USER_B, fixture->token_staff,
                              "{\"is_active\":false,\"is_staff\":true,\"has_premium\":true}");
  g_assert_cmpuint (response->status, ==, 500);
  g_assert_cmpint (ad_db_int (server, "SELECT is_active * 100 + is_staff * 10 + has_premium"
                                   " FROM users WHERE id = 2"), ==, 100);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM payment_transactions"), ==, 0);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM blacklisted_tokens"), ==, 0);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 0);
  /* B's session survived the change that did not happen. */
  nt_expect (server, "GET", AUTH "oauth/user/", fixture->token_b, NULL, 200);

  /* The ledger refusing its row takes the audit row and the flag with it. */
  ad_db_drop_trigger (server, "test_refuse_audit", "audit_log");
  ad_db_refuse (server, "test_refuse_grant", "BEFORE INSERT", "payment_transactions", NULL,
                "refused by the test");
  g_clear_pointer (&response, fc_test_response_free);
  response = fc_test_request (server, "PATCH", USER_A, fixture->token_staff,
                              "{\"is_staff\":true,\"has_premium\":true}");
  g_assert_cmpuint (response->status, ==, 500);
  g_assert_cmpint (ad_db_int (server, "SELECT is_staff + has_premium FROM users WHERE id = 1"), ==, 0);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 0);

  /* Refused input writes nothing either. */
  ad_db_drop_trigger (server, "test_refuse_grant", "payment_transactions");
  nt_expect (server, "PATCH", USER_A, fixture->token_staff,
             "{\"has_premium\":true,\"premium_until\":\"2001-01-01\"}", 400);
  nt_expect (server, "PATCH", USER_A, fixture->token_staff, "{}", 400);
  nt_expect (server, "PATCH", USER_A, fixture->token_staff, "{\"is_active\":false,\"is_staff\":7}", 400);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 0);
  g_assert_cmpint (ad_db_int (server, "SELECT is_active FROM users WHERE id = 1"), ==, 1);

  /* And a change that works writes exactly one row with both sides. */
  nt_expect (server, "PATCH", USER_A, fixture->token_staff, "{\"is_staff\":true,\"is_active\":true}", 200);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT before = '{\"is_staff\":false}'"
                                   " AND after = '{\"is_staff\":true}' FROM audit_log"), ==, 1);
  /* The same values again change nothing and record nothing. */
  nt_expect (server, "PATCH", USER_A, fixture->token_staff, "{\"is_staff\":true}", 200);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 1);
}

static void
test_premium (NtFixture     *fixture,
              gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(JsonNode) granted = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) entry = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *data_dir = NULL;
  JsonObject *grant;
  int status;

  granted = nt_request (server, "PATCH", USER_A, fixture->token_staff,
                        "{\"has_premium\":true,\"premium_until\":\"2999-06-30\",\"note\":\"support\"}", 200);
  g_assert_true (json_object_get_boolean_member (ad_object (granted), "has_premium"));
  grant = fc_json_get_object (ad_object (granted), "premium_grant");
  g_assert_nonnull (grant);
  g_assert_cmpstr (fc_json_get_string (grant, "kind"), ==, "grant");
  g_assert_cmpstr (fc_json_get_string (grant, "ends_at"), ==, "2999-06-30T00:00:00.000000Z");
  g_assert_cmpint (json_object_get_int_member (grant, "created_by"), ==, 3);
  g_assert_cmpstr (fc_json_get_string (grant, "note"), ==, "support");
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM payment_transactions WHERE user_id = 1"
                                   " AND kind = 'grant' AND provider = 'admin' AND amount = 0"), ==, 1);

  entry = newest_audit (fixture);
  before_text = member_text (ad_object (entry), "before");
  after_text = member_text (ad_object (entry), "after");
  g_assert_cmpstr (before_text, ==, "{\"has_premium\":false,\"premium_ends_at\":null}");
  g_assert_true (g_str_has_prefix (after_text, "{\"has_premium\":true,"
                                               "\"premium_ends_at\":\"2999-06-30T00:00:00.000000Z\","
                                               "\"transaction\":"));

  refused = nt_request (server, "PATCH", USER_B, fixture->token_staff,
                        "{\"premium_until\":\"2999-01-01\"}", 400);
  g_assert_cmpstr (first_error (refused, "premium_until"), ==, "Only with \"has_premium\": true.");
  g_clear_pointer (&refused, json_node_unref);
  refused = nt_request (server, "PATCH", USER_B, fixture->token_staff,
                        "{\"has_premium\":true,\"premium_until\":\"2999-13-01\"}", 400);
  g_assert_cmpstr (first_error (refused, "premium_until"), ==,
                   "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");

  /* Revoking writes a revoke; revoking again has nothing to revoke. */
  nt_expect (server, "PATCH", USER_A, fixture->token_staff, "{\"has_premium\":false}", 200);
  nt_expect (server, "PATCH", USER_A, fixture->token_staff, "{\"has_premium\":false}", 200);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM payment_transactions WHERE user_id = 1"
                                   " AND kind = 'revoke'"), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 2);

  /* B's grant without an end stays; A's new one ends (its date is moved
   * into the past behind the server's back), and the housekeeping at the
   * next start takes premium away, with the server as the actor. */
  nt_expect (server, "PATCH", USER_B, fixture->token_staff, "{\"has_premium\":true}", 200);
  nt_expect (server, "PATCH", USER_A, fixture->token_staff,
             "{\"has_premium\":true,\"premium_until\":\"2999-01-01\"}", 200);
  /* The ledger refuses updates (migration 11): the test lifts that for
   * its rewrite of history and puts it back. */
  ad_db_drop_trigger (server, "payment_transactions_no_update", "payment_transactions");
  ad_db_exec (server, "UPDATE payment_transactions SET ends_at = '2001-01-01T00:00:00.000000Z'"
                   " WHERE id = (SELECT max(id) FROM payment_transactions)");
  ad_db_refuse (server, "payment_transactions_no_update", "BEFORE UPDATE", "payment_transactions",
                NULL, "payment_transactions is append-only");
  data_dir = g_strdup (server->data_dir);
  server->owns_data_dir = FALSE;
  status = fc_test_server_stop (server);
  g_assert_cmpint (status, ==, 0);
  fc_test_server_free (server);
  fixture->server = server = fc_test_server_start_in (data_dir, NT_CONFIG, NULL);
  server->owns_data_dir = TRUE;

  g_assert_cmpint (ad_db_int (server, "SELECT has_premium FROM users WHERE id = 1"), ==, 0);
  g_assert_cmpint (ad_db_int (server, "SELECT has_premium FROM users WHERE id = 2"), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE action = 'premium.expire'"
                                   " AND object_id = 1 AND actor_id IS NULL"), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 5);
}

static char *
read_mail (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (mail_path, &text, NULL, NULL))
    return g_strdup ("");
  return g_steal_pointer (&text);
}

static void
test_password_reset (NtFixture     *fixture,
                     gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *mail = NULL;
  g_autofree char *after_mail = NULL;

  answer = nt_request (server, "POST", USER_A "password-reset/", fixture->token_staff, NULL, 200);
  g_assert_cmpstr (fc_json_get_string (ad_object (answer), "detail"), ==,
                   "Password reset e-mail has been sent.");
  mail = read_mail ();
  g_assert_nonnull (strstr (mail, "mail to " NT_EMAIL_A ": Password reset on FitCore"));
  g_assert_nonnull (strstr (mail, "/api/v1/auth/password-reset-confirm/1/"));
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE action = 'user.password_reset'"
                                   " AND object_id = 1 AND after = '{\"mailed_to\":\"" NT_EMAIL_A "\"}'"),
                   ==, 1);

  /* A deactivated account could not use the link: refused, nothing mailed. */
  nt_expect (server, "PATCH", USER_B, fixture->token_staff, "{\"is_active\":false}", 200);
  nt_expect (server, "POST", USER_B "password-reset/", fixture->token_staff, NULL, 409);
  nt_expect (server, "POST", API "users/99/password-reset/", fixture->token_staff, NULL, 404);
  after_mail = read_mail ();
  g_assert_cmpstr (after_mail, ==, mail);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 2);
}

static void
make_user (FcTestServer *server,
           const char   *email,
           const char   *first,
           const char   *last,
           const char   *joined)
{
  g_autofree char *sql =
    g_strdup_printf ("INSERT INTO users (email, password, first_name, last_name, date_joined)"
                     " VALUES ('%s', '!', '%s', '%s', '%s')", email, first, last, joined);

  ad_db_exec (server, sql);
}

/* The ids of a list answer's results, "1,2,3". */
static char *
result_ids (JsonNode *page)
{
  JsonArray *results = fc_json_get_array (ad_object (page), "results");
  g_autoptr(GString) ids = g_string_new ("");

  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *user = json_array_get_object_element (results, i);

    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            json_object_get_int_member (user, "id"));
  }
  return g_strdup (ids->str);
}

static void
expect_ids (NtFixture  *fixture,
            const char *query,
            const char *expected)
{
  g_autofree char *path = g_strconcat (API "users/", query, NULL);
  g_autoptr(JsonNode) page = nt_request (fixture->server, "GET", path, fixture->token_staff, NULL, 200);
  g_autofree char *ids = result_ids (page);

  if (g_strcmp0 (ids, expected) != 0)
    g_test_message ("%s", path);
  g_assert_cmpstr (ids, ==, expected);
}

static void
test_list (NtFixture     *fixture,
           gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(JsonNode) page = NULL;
  g_autoptr(JsonNode) errors = NULL;
  JsonObject *first;

  /* 4..6, joined in the past, so the fixture's three are the newest. */
  make_user (server, "carol@example.org", "Carol", "Smith", "2020-01-01T10:00:00.000000Z");
  make_user (server, "dave_x@example.org", "Dave", "Jones", "2020-01-02T10:00:00.000000Z");
  make_user (server, "erin@fitcore.test", "Erin", "Smithers", "2020-01-03T23:59:59.000000Z");
  ad_db_exec (server, "UPDATE users SET has_premium = 1 WHERE id IN (1, 5);"
                   "UPDATE users SET is_active = 0 WHERE id = 6");

  expect_ids (fixture, "", "3,2,1,6,5,4");
  expect_ids (fixture, "?ordering=id", "1,2,3,4,5,6");
  expect_ids (fixture, "?ordering=email", "3,1,2,4,5,6");
  expect_ids (fixture, "?ordering=-email", "6,5,4,2,1,3");
  expect_ids (fixture, "?search=smith", "6,4");
  expect_ids (fixture, "?search=SMITH%20car", "4");
  /* LIKE's wildcards are taken literally. */
  expect_ids (fixture, "?search=_x", "5");
  expect_ids (fixture, "?search=%25", "");
  expect_ids (fixture, "?search=E_X%40", "5");
  expect_ids (fixture, "?search=%22x", "");
  /* A name changed after the account was made is found by its new name. */
  ad_db_exec (server, "UPDATE users SET last_name = 'Quigley' WHERE id = 4");
  expect_ids (fixture, "?search=quig", "4");
  expect_ids (fixture, "?search=smith", "6");
  ad_db_exec (server, "UPDATE users SET last_name = 'Smith' WHERE id = 4");
  expect_ids (fixture, "?search=fitcore.test&ordering=id", "1,2,3,6");
  expect_ids (fixture, "?is_staff=true", "3");
  expect_ids (fixture, "?has_premium=1&ordering=id", "1,5");
  expect_ids (fixture, "?is_active=false", "6");
  expect_ids (fixture, "?joined_from=2020-01-02&joined_to=2020-01-03", "6,5");
  expect_ids (fixture, "?joined_to=2020-01-01", "4");

  /* Pages: bounded size, DRF's envelope. */
  page = nt_request (server, "GET", API "users/?page_size=2&page=2&ordering=id", fixture->token_staff,
                     NULL, 200);
  g_assert_cmpint (json_object_get_int_member (ad_object (page), "count"), ==, 6);
  g_assert_true (g_str_has_suffix (fc_json_get_string (ad_object (page), "next"),
                                   "/api/v1/admin/users/?ordering=id&page=3&page_size=2"));
  first = json_array_get_object_element (fc_json_get_array (ad_object (page), "results"), 0);
  g_assert_cmpint (json_object_get_int_member (first, "id"), ==, 3);
  g_assert_cmpstr (fc_json_get_string (first, "email"), ==, NT_EMAIL_STAFF);
  g_assert_true (json_object_get_boolean_member (first, "is_staff"));
  g_assert_nonnull (json_object_get_member (first, "last_seen"));
  nt_expect (server, "GET", API "users/?page=9", fixture->token_staff, NULL, 404);
  g_clear_pointer (&page, json_node_unref);
  page = nt_request (server, "GET", API "users/?page_size=100000", fixture->token_staff, NULL, 200);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (ad_object (page), "results")), ==, 6);

  /* Bad input: one message per field. */
  errors = nt_request (server, "GET", API "users/?is_staff=maybe&joined_from=2020-02-30"
                                      "&ordering=password&has_premium=2", fixture->token_staff, NULL, 400);
  g_assert_cmpstr (first_error (errors, "is_staff"), ==, "Must be a valid boolean.");
  g_assert_cmpstr (first_error (errors, "has_premium"), ==, "Must be a valid boolean.");
  g_assert_cmpstr (first_error (errors, "joined_from"), ==,
                   "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
  g_assert_true (g_str_has_prefix (first_error (errors, "ordering"), "Select one of:"));
  g_clear_pointer (&errors, json_node_unref);
  errors = nt_request (server, "GET", API "users/?joined_from=2020-02-02&joined_to=2020-02-01",
                       fixture->token_staff, NULL, 400);
  g_assert_cmpstr (first_error (errors, "joined_to"), ==, "Must not be before joined_from.");
}

static void
test_detail (NtFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(JsonNode) detail = NULL;
  JsonObject *object, *counts, *profile;
  gint64 workout;

  nt_create (server, "/api/v1/nutrition/meals/", fixture->token_a, "{\"name\":\"One\"}");
  nt_create (server, "/api/v1/nutrition/meals/", fixture->token_a, "{\"name\":\"Two\"}");
  nt_create (server, "/api/v1/nutrition/meal-plans/", fixture->token_a, "{\"name\":\"Plan\"}");
  nt_create (server, "/api/v1/nutrition/meals/", fixture->token_b, "{\"name\":\"Not A's\"}");
  nt_expect (server, "PATCH", "/api/v1/auth/profile/", fixture->token_a, "{\"age\":33}", 200);
  workout = nt_create (server, "/api/v1/workouts/workouts/", fixture->token_staff,
                       "{\"title\":\"Core\",\"duration\":20}");
  {
    g_autofree char *body = g_strdup_printf ("{\"workout\":%" G_GINT64_FORMAT
                                             ",\"progress_percentage\":100}", workout);

    nt_request (server, "POST", "/api/v1/workouts/progress/", fixture->token_a, body, 201);
  }

  detail = nt_request (server, "GET", USER_A, fixture->token_staff, NULL, 200);
  object = ad_object (detail);
  g_assert_cmpstr (fc_json_get_string (object, "email"), ==, NT_EMAIL_A);
  g_assert_true (json_object_get_boolean_member (object, "is_active"));
  g_assert_false (json_object_get_boolean_member (object, "has_premium"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "premium_grant")));
  /* A's requests above made A seen today. */
  g_assert_nonnull (fc_json_get_string (object, "last_seen"));
  profile = fc_json_get_object (object, "profile");
  g_assert_cmpint (json_object_get_int_member (profile, "age"), ==, 33);
  counts = fc_json_get_object (object, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "meals"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (counts, "meal_plans"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "workouts_started"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "workouts_completed"), ==, 1);
}

static void
test_audit_filters (NtFixture     *fixture,
                    gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(JsonNode) page = NULL;
  g_autoptr(JsonNode) errors = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *path = NULL;

  nt_expect (server, "PATCH", USER_A, fixture->token_staff, "{\"has_premium\":true}", 200);
  nt_expect (server, "PATCH", USER_B, fixture->token_staff, "{\"is_staff\":true}", 200);
  nt_expect (server, "PATCH", USER_A, fixture->token_b, "{\"has_premium\":false}", 200);

  g_assert_cmpint (nt_count (server, API "audit/", fixture->token_staff), ==, 3);
  g_assert_cmpint (nt_count (server, API "audit/?actor=2", fixture->token_staff), ==, 1);
  g_assert_cmpint (nt_count (server, API "audit/?actor=3", fixture->token_staff), ==, 2);
  g_assert_cmpint (nt_count (server, API "audit/?object_type=user&object_id=1", fixture->token_staff), ==, 2);
  g_assert_cmpint (nt_count (server, API "audit/?object_type=workout", fixture->token_staff), ==, 0);
  path = g_strdup_printf (API "audit/?from=%s&to=%s", today, today);
  g_assert_cmpint (nt_count (server, path, fixture->token_staff), ==, 3);
  g_assert_cmpint (nt_count (server, API "audit/?to=2001-01-01", fixture->token_staff), ==, 0);

  /* Newest first. */
  page = nt_request (server, "GET", API "audit/", fixture->token_staff, NULL, 200);
  {
    JsonArray *results = fc_json_get_array (ad_object (page), "results");
    JsonObject *newest = json_array_get_object_element (results, 0);

    g_assert_cmpstr (fc_json_get_string (fc_json_get_object (newest, "actor"), "email"), ==, NT_EMAIL_B);
    g_assert_cmpint (json_object_get_int_member (newest, "object_id"), ==, 1);
  }

  errors = nt_request (server, "GET", API "audit/?actor=0&object_id=5&from=yesterday", fixture->token_staff,
                       NULL, 400);
  g_assert_cmpstr (first_error (errors, "actor"), ==, "Ensure this value is greater than or equal to 1.");
  g_assert_cmpstr (first_error (errors, "object_id"), ==, "Give object_type with object_id.");
  g_assert_cmpstr (first_error (errors, "from"), ==,
                   "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
}

static char *
video_order (FcTestServer *server)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "SELECT id FROM workout_videos ORDER BY order_index, id");
  g_autoptr(GString) order = g_string_new ("");

  while (fc_sql_step_row (stmt))
    g_string_append_printf (order, "%s%" G_GINT64_FORMAT, order->len > 0 ? "," : "",
                            fc_sql_column_int64 (stmt, 0));
  return g_strdup (order->str);
}

static void
test_video_order (NtFixture     *fixture,
                  gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autofree char *order = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autoptr(JsonNode) entry = NULL;
  gint64 workout = nt_create (server, "/api/v1/workouts/workouts/", fixture->token_staff,
                              "{\"title\":\"Core\",\"duration\":20}");
  g_autofree char *path = g_strdup_printf (API "workouts/%" G_GINT64_FORMAT "/video-order/", workout);
  g_autofree char *insert =
    g_strdup_printf ("INSERT INTO workout_videos (workout_id, title, file, order_index, created_at, updated_at)"
                     " VALUES (%1$" G_GINT64_FORMAT ", 'a', 'a.mp4', 0, 'T', 'T'),"
                     " (%1$" G_GINT64_FORMAT ", 'b', 'b.mp4', 1, 'T', 'T'),"
                     " (%1$" G_GINT64_FORMAT ", 'c', 'c.mp4', 2, 'T', 'T')", workout);

  /* Videos 1, 2, 3 (the upload path needs real media; the order does not). */
  ad_db_exec (server, insert);

  answer = nt_request (server, "PUT", path, fixture->token_staff, "{\"videos\":[3,1,2]}", 200);
  order = video_order (server);
  g_assert_cmpstr (order, ==, "3,1,2");
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (ad_object (answer), "videos")), ==, 3);
  entry = newest_audit (fixture);
  g_assert_cmpstr (fc_json_get_string (ad_object (entry), "action"), ==, "workout.reorder_videos");
  before_text = member_text (ad_object (entry), "before");
  after_text = member_text (ad_object (entry), "after");
  g_assert_cmpstr (before_text, ==, "{\"videos\":[1,2,3]}");
  g_assert_cmpstr (after_text, ==, "{\"videos\":[3,1,2]}");

  /* Every video once, nothing else; a refusal changes nothing. */
  refused = nt_request (server, "PUT", path, fixture->token_staff, "{\"videos\":[3,1]}", 400);
  g_assert_cmpstr (first_error (refused, "videos"), ==,
                   "Video 2 of this workout is missing: name every video once.");
  g_clear_pointer (&refused, json_node_unref);
  refused = nt_request (server, "PUT", path, fixture->token_staff, "{\"videos\":[3,1,1]}", 400);
  g_assert_cmpstr (first_error (refused, "videos"), ==, "Video 1 is named twice.");
  g_clear_pointer (&refused, json_node_unref);
  refused = nt_request (server, "PUT", path, fixture->token_staff, "{\"videos\":[3,1,2,99]}", 400);
  g_assert_cmpstr (first_error (refused, "videos"), ==, "Video 99 is not part of this workout.");
  g_clear_pointer (&refused, json_node_unref);
  refused = nt_request (server, "PUT", path, fixture->token_staff, "{\"videos\":[\"3\",1,2]}", 400);
  g_assert_cmpstr (first_error (refused, "videos"), ==, "Give video ids: positive integers.");
  nt_expect (server, "PUT", path, fixture->token_staff, "{}", 400);
  g_clear_pointer (&order, g_free);
  order = video_order (server);
  g_assert_cmpstr (order, ==, "3,1,2");

  /* The same order again is no change and no audit row; the three videos
   * moved are one row, not one each (the workout's creation is the
   * other). */
  nt_expect (server, "PUT", path, fixture->token_staff, "{\"videos\":[3,1,2]}", 200);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE action = 'workout.reorder_videos'"),
                   ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 2);
}

/* Content changed through the other modules' staff routes is audited by
 * migration 10's triggers: one row per object changed, with its whole row
 * before and after, for the staff member; nothing for anyone else's
 * writes, nor for a staff write that failed. */
static void
test_content_audit (NtFixture     *fixture,
                    gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autoptr(JsonNode) page = NULL;
  gint64 category, workout, food;
  g_autofree char *workout_path = NULL;
  g_autofree char *food_path = NULL;
  g_autofree char *sql = NULL;
  JsonArray *results;

  /* Users' own writes are theirs, not the service's content. */
  nt_create (server, "/api/v1/nutrition/foods/", fixture->token_a,
             "{\"name\":\"A's oats\",\"calories\":1,\"protein\":1,\"carbohydrates\":1,\"fat\":1,"
             "\"is_public\":true}");
  nt_create (server, "/api/v1/nutrition/meals/", fixture->token_a, "{\"name\":\"Lunch\"}");
  /* Nor is a staff member's private food. */
  nt_create (server, "/api/v1/nutrition/foods/", fixture->token_staff,
             "{\"name\":\"S's own\",\"calories\":1,\"protein\":1,\"carbohydrates\":1,\"fat\":1}");
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 0);

  category = nt_create (server, "/api/v1/workouts/categories/", fixture->token_staff,
                        "{\"name\":\"Yoga\",\"slug\":\"yoga\"}");
  workout = nt_create (server, "/api/v1/workouts/workouts/", fixture->token_staff,
                       "{\"title\":\"Core\",\"duration\":20}");
  workout_path = g_strdup_printf ("/api/v1/workouts/workouts/%" G_GINT64_FORMAT "/", workout);
  nt_expect (server, "PATCH", workout_path, fixture->token_staff, "{\"title\":\"Core 2\"}", 200);
  /* A refused staff write leaves nothing. */
  nt_expect (server, "PATCH", workout_path, fixture->token_staff, "{\"difficulty\":\"heroic\"}", 400);
  nt_expect (server, "POST", "/api/v1/workouts/workouts/", fixture->token_staff, "{}", 400);
  food = nt_create (server, "/api/v1/nutrition/foods/", fixture->token_staff,
                    "{\"name\":\"Rice\",\"calories\":130,\"protein\":2.7,\"carbohydrates\":28,"
                    "\"fat\":0.3,\"is_public\":true}");
  food_path = g_strdup_printf ("/api/v1/nutrition/foods/%" G_GINT64_FORMAT "/", food);
  nt_expect (server, "DELETE", workout_path, fixture->token_staff, NULL, 204);
  nt_expect (server, "DELETE", food_path, fixture->token_staff, NULL, 204);

  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"), ==, 6);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE actor_id = 3"), ==, 6);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_actor"), ==, 0);
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'workout_category.create'"
                         " AND object_type = 'workout_category' AND object_id = %" G_GINT64_FORMAT
                         " AND before IS NULL AND json_extract (after, '$.slug') = 'yoga'", category);
  g_assert_cmpint (ad_db_int (server, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'workout.update' AND object_id = %"
                         G_GINT64_FORMAT " AND json_extract (before, '$.title') = 'Core'"
                         " AND json_extract (after, '$.title') = 'Core 2'"
                         " AND json_type (after, '$.is_premium') = 'false'", workout);
  g_assert_cmpint (ad_db_int (server, sql), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE action = 'workout.delete'"
                                   " AND after IS NULL AND json_extract (before, '$.title') = 'Core 2'"), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log WHERE action IN ('food.create', 'food.delete')"
                                   " AND coalesce (json_extract (after, '$.name'),"
                                   " json_extract (before, '$.name')) = 'Rice'"), ==, 2);

  /* The API shows them like any other row. */
  page = nt_request (server, "GET", API "audit/?object_type=workout", fixture->token_staff, NULL, 200);
  results = fc_json_get_array (ad_object (page), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 3);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_array_get_object_element (results, 2),
                                                                 "after")));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  nt_test_init (&argc, &argv);

  g_test_add ("/admin/users/deactivate", NtFixture, NULL, set_up, test_deactivate, nt_fixture_tear_down);
  g_test_add ("/admin/users/staff-rules", NtFixture, NULL, set_up, test_staff_rules, nt_fixture_tear_down);
  g_test_add ("/admin/users/audit-rollback", NtFixture, NULL, set_up, test_audit_rollback,
              nt_fixture_tear_down);
  g_test_add ("/admin/users/premium", NtFixture, NULL, set_up, test_premium, nt_fixture_tear_down);
  g_test_add ("/admin/users/password-reset", NtFixture, NULL, set_up, test_password_reset,
              nt_fixture_tear_down);
  g_test_add ("/admin/users/list", NtFixture, NULL, set_up, test_list, nt_fixture_tear_down);
  g_test_add ("/admin/users/detail", NtFixture, NULL, set_up, test_detail, nt_fixture_tear_down);
  g_test_add ("/admin/audit/filters", NtFixture, NULL, set_up, test_audit_filters, nt_fixture_tear_down);
  g_test_add ("/admin/workouts/video-order", NtFixture, NULL, set_up, test_video_order, nt_fixture_tear_down);
  g_test_add ("/admin/audit/content", NtFixture, NULL, set_up, test_content_audit, nt_fixture_tear_down);
  status = g_test_run ();
  g_free (mail_path);
  return status;
}
