/* test-google-login.c — POST api/v1/auth/google/login/ against a fake OpenID provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real fitcore-server, configured with the fake provider of
 * tests/lib/fc-fake-oidc.c as its Google issuer: a good id_token signs in
 * (making the account once), every kind of bad one is refused with its
 * reason and changes nothing, the keys are fetched once and refetched on
 * rotation or expiry but not for made-up kids, a provider that is down is
 * a 503 (502 for nonsense) and no token reaches the server's log.
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fc-fake-oidc.h"
#include "fc-json.h"
#include "fc-server-test-util.h"

#define CLIENT_ID "123456789012-fakefitcore.apps.googleusercontent.com"
#define LOGIN "/api/v1/auth/google/login/"
#define SUB "108353957123456789012"
#define EMAIL "gina@fitcore.test"
#define INACTIVE "This account has been deactivated. Contact support to have it reactivated."

typedef struct {
  FcFakeOidc   *oidc;
  FcTestServer *server;
  char         *log_path;
  GPtrArray    *tokens;          /* every id_token sent, never to be logged */
  gboolean      expect_warnings; /* the provider is made to fail */
} Fixture;

static FcTestServer *
start_logged (Fixture    *fixture,
              const char *issuer)
{
  g_autofree char *config = g_strdup_printf ("[server]\npassword_iterations=1000\n"
                                             "google_client_id=" CLIENT_ID "\n"
                                             "google_issuer=%s\n", issuer);
  FcTestServer *server;
  int saved = dup (2);
  int fd = open (fixture->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (saved, >=, 0);
  fflush (stderr);
  dup2 (fd, 2);
  server = fc_test_server_start (config, NULL);
  fflush (stderr);
  dup2 (saved, 2);
  close (saved);
  close (fd);
  return server;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("fitcore-google-XXXXXX", NULL);

  g_assert_nonnull (dir);
  fixture->log_path = g_build_filename (dir, "server-stderr.log", NULL);
  fixture->tokens = g_ptr_array_new_with_free_func (g_free);
  fixture->oidc = fc_fake_oidc_new (CLIENT_ID);
  fixture->server = start_logged (fixture, fc_fake_oidc_get_issuer (fixture->oidc));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *log = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->log_path);
  static const char * const alarms[] = { "AddressSanitizer", "runtime error:", "-CRITICAL **",
                                         "-WARNING **", NULL };

  g_assert_cmpint (fc_test_server_stop (fixture->server), ==, 0);
  fc_test_server_free (fixture->server);
  g_assert_true (g_file_get_contents (fixture->log_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, " " LOGIN));
  for (guint i = 0; alarms[i] != NULL; i++) {
    if (strstr (log, alarms[i]) != NULL && !fixture->expect_warnings)
      g_test_message ("the server's log:\n%s", log);
    g_assert_true (fixture->expect_warnings || strstr (log, alarms[i]) == NULL);
  }
  /* Neither a token nor its signature (which alone would not be a
   * secret, but says the token was copied somewhere). */
  for (guint i = 0; i < fixture->tokens->len; i++) {
    const char *token = g_ptr_array_index (fixture->tokens, i);
    const char *signature = strrchr (token, '.');

    g_assert_null (strstr (log, token));
    if (signature != NULL && strlen (signature) > 16)
      g_assert_null (strstr (log, signature + 1));
  }
  g_clear_pointer (&fixture->oidc, fc_fake_oidc_free);
  g_ptr_array_unref (fixture->tokens);
  g_unlink (fixture->log_path);
  g_rmdir (dir);
  g_free (fixture->log_path);
}

static FcTestResponse *
login (Fixture    *fixture,
       const char *token)
{
  g_autofree char *body = g_strdup_printf ("{\"id_token\":\"%s\"}", token);

  g_ptr_array_add (fixture->tokens, g_strdup (token));
  return fc_test_request (fixture->server, "POST", LOGIN, NULL, body);
}

static char *
good_token (Fixture    *fixture,
            const char *sub,
            const char *email)
{
  g_autoptr(JsonObject) claims = fc_fake_oidc_claims (fixture->oidc, sub, email);

  return fc_fake_oidc_sign (fixture->oidc, claims, "RS256", NULL, FC_FAKE_OIDC_KEY_CURRENT);
}

/* Signs in with a good token for @sub and @email; returns the user's pk.
 * The account answered has @email unless it was found by @sub. */
static gint64
login_as (Fixture    *fixture,
          const char *sub,
          const char *email,
          const char *account_email)
{
  g_autofree char *token = good_token (fixture, sub, email);
  g_autoptr(FcTestResponse) response = login (fixture, token);
  g_autofree char *text = fc_st_body (response);
  g_autofree char *cookie = NULL;
  JsonObject *object, *user;
  gint64 pk = 0;

  if (response->status != 200)
    g_test_message ("answer: %s", text);
  g_assert_cmpuint (response->status, ==, 200);
  object = fc_test_response_object (response);
  g_assert_nonnull (fc_json_get_string (object, "access"));
  g_assert_cmpstr (fc_json_get_string (object, "refresh"), ==, "");
  user = fc_json_get_object (object, "user");
  g_assert_nonnull (user);
  g_assert_true (fc_json_get_int (user, "pk", &pk));
  g_assert_cmpstr (fc_json_get_string (user, "email"), ==, account_email);
  cookie = fc_test_response_cookie (response, "fitcore-refresh-token");
  g_assert_nonnull (cookie);
  g_assert_cmpint (fc_st_jwt_claim (fc_json_get_string (object, "access"), "user_id"), ==, pk);
  return pk;
}

static gint64
login_ok (Fixture    *fixture,
          const char *sub,
          const char *email)
{
  return login_as (fixture, sub, email, email);
}

static void
assert_refused (Fixture    *fixture,
                const char *token,
                const char *why)
{
  g_autoptr(FcTestResponse) response = login (fixture, token);
  g_autofree char *expected = g_strdup_printf ("{\"non_field_errors\":[\"The Google sign-in was "
                                               "refused: %s.\"]}", why);

  fc_st_assert_response (response, 400, expected);
}

static gint64
db_int (Fixture    *fixture,
        const char *sql)
{
  FcSql *db = fc_st_open_db (fixture->server);
  gint64 value = fc_st_query_int (db, sql);

  fc_sql_close (db);
  return value;
}

static void
db_exec (Fixture    *fixture,
         const char *sql)
{
  FcSql *db = fc_st_open_db (fixture->server);

  fc_st_exec (db, sql);
  fc_sql_close (db);
}

/* A good token makes the account once; the next sign-in finds it. The
 * keys were fetched once for both. */
static void
test_sign_in_creates_once (Fixture       *fixture,
                           gconstpointer  data)
{
  gint64 first = login_ok (fixture, SUB, EMAIL);
  gint64 second = login_ok (fixture, SUB, EMAIL);
  g_autoptr(FcTestResponse) password = NULL;

  g_assert_cmpint (first, >, 0);
  g_assert_cmpint (second, ==, first);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM users"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM profiles"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM social_accounts WHERE provider = 'google' "
                                    "AND uid = '" SUB "'"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT email_verified FROM users"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT substr(password, 1, 1) = '!' FROM users"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT first_name = 'Gina' AND last_name = 'Google' FROM users"),
                   ==, 1);
  /* No password opens it. */
  password = fc_test_request (fixture->server, "POST", "/api/v1/auth/oauth/login/", NULL,
                              "{\"email\":\"" EMAIL "\",\"password\":\"\"}");
  g_assert_cmpuint (password->status, ==, 400);

  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "discovery"), ==, 1);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), ==, 1);
}

/* A registered address is signed into, not duplicated; it was never
 * confirmed, so its password stops working. */
static void
test_existing_account (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *access = fc_st_register (fixture->server, "alice@fitcore.test");
  gint64 registered = fc_st_jwt_claim (access, "user_id");
  gint64 pk = login_ok (fixture, SUB, "alice@fitcore.test");

  g_assert_cmpint (pk, ==, registered);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM users"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT substr(password, 1, 1) = '!' FROM users"), ==, 1);
  /* Linked: a new address at Google still finds the account by its sub. */
  g_assert_cmpint (login_as (fixture, SUB, "alice.new@fitcore.test", "alice@fitcore.test"), ==, pk);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM users"), ==, 1);
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(JsonArray) audiences = json_array_new ();
  g_autofree char *token = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  struct {
    const char *member;
    const char *value;     /* JSON */
    const char *why;
  } cases[] = {
    { "aud", "\"someone-else.apps.googleusercontent.com\"", "it was issued to another application" },
    { "aud", "[\"someone-else\",\"another\"]", "it was issued to another application" },
    /* Several audiences with us among them, but issued to another party. */
    { "aud+azp", "[\"someone-else\",\"" CLIENT_ID "\"]", "it was issued to another application" },
    { "iss", "\"https://accounts.google.com\"", "it was issued by another provider" },
    { "iss", "null", "it was issued by another provider" },
    { "exp", NULL, "it has expired" },
    { "iat", NULL, "it was issued in the future" },
    { "nbf", NULL, "it is not valid yet" },
    { "email_verified", "false", "the Google account's e-mail address is not verified" },
    { "email_verified", "\"false\"", "the Google account's e-mail address is not verified" },
    { "email", "\"not-an-address\"", "it carries no e-mail address" },
    { "sub", "\"\"", "it names no account" },
  };

  /* Warm the key cache, so each refusal below is about its one fault. */
  login_ok (fixture, "warm", "warm@fitcore.test");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(JsonObject) bad = fc_fake_oidc_claims (fixture->oidc, SUB, EMAIL);
    g_autofree char *bad_token = NULL;

    if (g_str_equal (cases[i].member, "exp")) {
      json_object_set_int_member (bad, "iat", now - 7200);
      json_object_set_int_member (bad, "exp", now - 3600);
    } else if (g_str_equal (cases[i].member, "iat")) {
      json_object_set_int_member (bad, "iat", now + 3600);
      json_object_set_int_member (bad, "exp", now + 7200);
    } else if (g_str_equal (cases[i].member, "nbf")) {
      json_object_set_int_member (bad, "nbf", now + 3600);
    } else if (g_str_equal (cases[i].member, "aud+azp")) {
      json_object_set_member (bad, "aud", json_from_string (cases[i].value, NULL));
      json_object_set_string_member (bad, "azp", "someone-else");
    } else {
      json_object_set_member (bad, cases[i].member, json_from_string (cases[i].value, NULL));
    }
    bad_token = fc_fake_oidc_sign (fixture->oidc, bad, "RS256", NULL, FC_FAKE_OIDC_KEY_CURRENT);
    g_test_message ("case %u: %s", i, cases[i].why);
    assert_refused (fixture, bad_token, cases[i].why);
  }

  claims = fc_fake_oidc_claims (fixture->oidc, SUB, EMAIL);
  token = fc_fake_oidc_sign (fixture->oidc, claims, "RS256", NULL, FC_FAKE_OIDC_KEY_FOREIGN);
  assert_refused (fixture, token, "its signature does not verify");
  g_clear_pointer (&token, g_free);
  token = fc_fake_oidc_sign (fixture->oidc, claims, "none", NULL, FC_FAKE_OIDC_KEY_CURRENT);
  assert_refused (fixture, token, "it is not signed with RS256");
  g_clear_pointer (&token, g_free);
  token = fc_fake_oidc_sign (fixture->oidc, claims, "HS256", NULL, FC_FAKE_OIDC_KEY_CURRENT);
  assert_refused (fixture, token, "it is not signed with RS256");
  g_clear_pointer (&token, g_free);
  /* A good token with its payload swapped for another's. */
  {
    g_autofree char *good = good_token (fixture, SUB, EMAIL);
    g_autoptr(JsonObject) other = fc_fake_oidc_claims (fixture->oidc, "999", "mallory@fitcore.test");
    g_autofree char *forged = fc_fake_oidc_sign (fixture->oidc, other, "RS256", NULL,
                                                 FC_FAKE_OIDC_KEY_CURRENT);
    g_auto(GStrv) good_parts = g_strsplit (good, ".", -1);
    g_auto(GStrv) forged_parts = g_strsplit (forged, ".", -1);
    g_autofree char *spliced = g_strjoin (".", good_parts[0], forged_parts[1], good_parts[2], NULL);

    assert_refused (fixture, spliced, "its signature does not verify");
  }
  assert_refused (fixture, "abc", "it is not a JSON Web Token");
  assert_refused (fixture, "a.b.c", "it is not a JSON Web Token");
  assert_refused (fixture, "eyJhbGciOiJSUzI1NiJ9.e30.!!!", "it is not a JSON Web Token");
  assert_refused (fixture, "eyJhbGciOiJSUzI1NiJ9.e30.AAAA", "its header names no key");

  {
    g_autoptr(FcTestResponse) response = fc_test_request (fixture->server, "POST", LOGIN, NULL,
                                                          "{\"access_token\":\"ya29.x\"}");

    fc_st_assert_response (response, 400,
                           "{\"non_field_errors\":[\"Incorrect input. id_token is required.\"]}");
  }
  {
    g_autoptr(FcTestResponse) response = fc_test_request (fixture->server, "POST", LOGIN, NULL, "{}");

    fc_st_assert_response (response, 400, "{\"non_field_errors\":[\"Incorrect input. access_token "
                                          "or code is required.\"]}");
  }

  /* Only the warm-up made an account. */
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM users"), ==, 1);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM social_accounts"), ==, 1);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), ==, 1);
}

/* As a password login of a deactivated account is answered. */
static void
test_deactivated (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(FcTestResponse) response = NULL;

  login_ok (fixture, SUB, EMAIL);
  db_exec (fixture, "UPDATE users SET is_active = 0");
  token = good_token (fixture, SUB, EMAIL);
  response = login (fixture, token);
  fc_st_assert_response (response, 400, "{\"non_field_errors\":[\"" INACTIVE "\"]}");
}

/* @n tokens signed by the current key under kids nobody published.
 * Returns how many refetches the time they took allows (one a minute,
 * so a slow machine does not fail the count). */
static guint
refuse_made_up_kids (Fixture *fixture,
                     guint    n)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++) {
    g_autoptr(JsonObject) claims = fc_fake_oidc_claims (fixture->oidc, SUB, EMAIL);
    g_autofree char *garbage = g_strdup_printf ("made-up-%u", i);
    g_autofree char *token = fc_fake_oidc_sign (fixture->oidc, claims, "RS256", garbage,
                                                FC_FAKE_OIDC_KEY_CURRENT);

    assert_refused (fixture, token, "it was signed with a key Google does not publish");
  }
  return (g_get_monotonic_time () - start) / (60 * G_USEC_PER_SEC);
}

/* The provider rotated: the new kid refetches once and signs in; made-up
 * kids after that refetch nothing. */
static void
test_rotation (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *kid = NULL;
  guint slack;

  login_ok (fixture, SUB, EMAIL);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), ==, 1);
  kid = fc_fake_oidc_rotate (fixture->oidc, FALSE);
  login_ok (fixture, SUB, EMAIL);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), ==, 2);

  slack = refuse_made_up_kids (fixture, 20);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), <=, 2 + slack);
  /* The discovery document was read once: its jwks_uri is kept. */
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "discovery"), ==, 1);
  login_ok (fixture, SUB, EMAIL);
}

/* Made-up kids on a fresh cache: one refetch among them all. */
static void
test_unknown_kid_rate_limited (Fixture       *fixture,
                               gconstpointer  data)
{
  guint slack;

  login_ok (fixture, SUB, EMAIL);
  slack = refuse_made_up_kids (fixture, 20);
  /* The first made-up kid refetched; the rest did not. */
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), >=, 2);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), <=, 2 + slack);
}

/* The JWKS's max-age is honoured: past it, the keys are fetched again. */
static void
test_cache_expiry (Fixture       *fixture,
                   gconstpointer  data)
{
  fc_fake_oidc_set_jwks_max_age (fixture->oidc, 1);
  login_ok (fixture, SUB, EMAIL);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), ==, 1);
  g_usleep (2100 * 1000);
  login_ok (fixture, SUB, EMAIL);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "jwks"), ==, 2);
}

static void
assert_provider_failed (Fixture    *fixture,
                        guint       status,
                        const char *detail)
{
  g_autofree char *token = good_token (fixture, SUB, EMAIL);
  g_autoptr(FcTestResponse) response = login (fixture, token);
  g_autofree char *expected = g_strdup_printf ("{\"detail\":\"%s\"}", detail);

  fc_st_assert_response (response, status, expected);
}

#define UNREACHABLE "The Google sign-in service could not be reached; try again later."
#define NONSENSE "The Google sign-in service answered something unexpected; try again later."

typedef struct {
  const char *url;
  char       *body;
  guint       status;   /* 0 while waiting */
} SlowLogin;

/* In a thread of its own, with its own session: the test's thread stays
 * free to ask the server other things meanwhile. */
static gpointer
slow_login_thread (gpointer data)
{
  SlowLogin *slow = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", slow->url);
  g_autoptr(GBytes) request = g_bytes_new (slow->body, strlen (slow->body));
  g_autoptr(GBytes) answer = NULL;

  soup_message_set_request_body_from_bytes (message, "application/json", request);
  answer = soup_session_send_and_read (session, message, NULL, NULL);
  g_atomic_int_set (&slow->status, soup_message_get_status (message));
  return NULL;
}

/* While the provider sits on the key fetch, the server answers everyone
 * else (a sign-in waits alone); released, the sign-in completes. */
static void
test_slow_provider (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *token = good_token (fixture, SUB, EMAIL);
  g_autofree char *url = g_strconcat (fixture->server->base_url, LOGIN, NULL);
  SlowLogin slow = { url, g_strdup_printf ("{\"id_token\":\"%s\"}", token), 0 };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 start;
  GThread *thread;

  g_ptr_array_add (fixture->tokens, g_strdup (token));
  fc_fake_oidc_hold (fixture->oidc, TRUE);
  thread = g_thread_new ("slow-login", slow_login_thread, &slow);
  while (fc_fake_oidc_held (fixture->oidc) == 0) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (50 * 1000);
  }
  /* Ten small answers: well within 15 s even on a loaded machine; a
   * server blocked on the provider would give none before its own 20 s
   * timeout. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 5; i++) {
    g_autoptr(FcTestResponse) response = fc_test_request (fixture->server, "GET",
                                                          "/api/v1/auth/oauth/user/", NULL, NULL);
    g_autoptr(FcTestResponse) refused = login (fixture, "abc");

    g_assert_cmpuint (response->status, ==, 401);
    g_assert_cmpuint (refused->status, ==, 400);
  }
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
  g_assert_cmpuint (g_atomic_int_get (&slow.status), ==, 0);
  fc_fake_oidc_hold (fixture->oidc, FALSE);
  g_thread_join (thread);
  g_assert_cmpuint (slow.status, ==, 200);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM users"), ==, 1);
  g_free (slow.body);
}

/* Sign-ins answer @meanwhile until they answer @status (within a minute). */
static void
wait_for_status (Fixture *fixture,
                 guint    status,
                 guint    meanwhile)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;) {
    g_autofree char *token = good_token (fixture, SUB, EMAIL);
    g_autoptr(FcTestResponse) response = login (fixture, token);

    if (response->status == status)
      return;
    g_assert_cmpuint (response->status, ==, meanwhile);
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (500 * 1000);
  }
}

/* Down (5xx): 503, and requests during the back-off do not ask again;
 * nonsense (404): 502; back up: signs in. Nothing is made meanwhile. */
static void
test_provider_down (Fixture       *fixture,
                    gconstpointer  data)
{
  guint before;
  gint64 start;

  fixture->expect_warnings = TRUE;
  fc_fake_oidc_set_failure (fixture->oidc, 503);
  assert_provider_failed (fixture, 503, UNREACHABLE);
  before = fc_fake_oidc_count (fixture->oidc, "discovery");
  g_assert_cmpuint (before, ==, 1);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 10; i++)
    assert_provider_failed (fixture, 503, UNREACHABLE);
  /* One more try per back-off (5 s) that the ten requests took, not one
   * per request. */
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "discovery"), <=,
                    before + (g_get_monotonic_time () - start) / (5 * G_USEC_PER_SEC));

  /* Each change shows once the back-off of the last failure is over. */
  fc_fake_oidc_set_failure (fixture->oidc, 404);
  wait_for_status (fixture, 502, 503);
  assert_provider_failed (fixture, 502, NONSENSE);

  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM users"), ==, 0);
  fc_fake_oidc_set_failure (fixture->oidc, 0);
  wait_for_status (fixture, 200, 502);
  g_assert_cmpint (db_int (fixture, "SELECT count(*) FROM users"), ==, 1);
}

/* Nobody listens at the issuer any more (connections refused): 503. */
static void
test_provider_gone (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *token = good_token (fixture, SUB, EMAIL);
  g_autoptr(FcTestResponse) response = NULL;

  fixture->expect_warnings = TRUE;
  g_clear_pointer (&fixture->oidc, fc_fake_oidc_free);
  response = login (fixture, token);
  fc_st_assert_response (response, 503, "{\"detail\":\"" UNREACHABLE "\"}");
}

static void
test_not_configured (void)
{
  g_autoptr(FcTestServer) server = NULL;
  g_autoptr(FcTestResponse) response = NULL;

  server = fc_st_start (NULL, FALSE);
  response = fc_test_request (server, "POST", LOGIN, NULL, "{\"id_token\":\"a.b.c\"}");
  fc_st_assert_response (response, 501,
                         "{\"detail\":\"Google sign-in is not configured on this server.\"}");
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
}

/* The fake's own flow, as the app will drive it: authorize (consent
 * scripted) redirects with code and state; the token endpoint checks
 * PKCE and answers an id_token this server accepts. */

static SoupMessage *
authorize (Fixture    *fixture,
           SoupSession *session,
           const char *challenge,
           char      **location)
{
  g_autofree char *url = g_strdup_printf ("%s/o/oauth2/v2/auth?response_type=code&client_id=%s"
                                          "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A45678%%2F"
                                          "&scope=openid%%20email%%20profile&state=st4te"
                                          "&code_challenge=%s&code_challenge_method=S256",
                                          fc_fake_oidc_get_issuer (fixture->oidc), CLIENT_ID,
                                          challenge);
  SoupMessage *message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, message, NULL, NULL);
  *location = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                      "Location"));
  return message;
}

static JsonObject *
redeem (Fixture     *fixture,
        SoupSession *session,
        const char  *code,
        const char  *verifier,
        guint       *status)
{
  g_autofree char *url = g_strconcat (fc_fake_oidc_get_issuer (fixture->oidc), "/token", NULL);
  g_autofree char *form = soup_form_encode ("grant_type", "authorization_code", "code", code,
                                            "redirect_uri", "http://127.0.0.1:45678/",
                                            "client_id", CLIENT_ID, "code_verifier", verifier,
                                            NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (form, strlen (form));
  g_autoptr(GBytes) body = NULL;

  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", request);
  body = soup_session_send_and_read (session, message, NULL, NULL);
  *status = soup_message_get_status (message);
  return fc_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
}

static char *
query_value (const char *location,
             const char *name)
{
  g_autoptr(GUri) uri = g_uri_parse (location, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GHashTable) params = NULL;

  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  return g_strdup (g_hash_table_lookup (params, name));
}

static void
test_fake_code_flow (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  /* challenge = base64url(SHA-256(verifier)), worked out by Python's
   * hashlib, not by the fake under test. */
  const char *verifier = "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const char *challenge = "ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc";
  g_autofree char *location = NULL;
  g_autofree char *code = NULL;
  g_autofree char *state = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(FcTestResponse) response = NULL;
  guint status = 0;

  fc_fake_oidc_set_consent (fixture->oidc, FC_FAKE_OIDC_CONSENT_ALLOW, SUB, EMAIL);
  message = authorize (fixture, session, challenge, &location);
  g_assert_cmpuint (soup_message_get_status (message), ==, 302);
  g_assert_true (g_str_has_prefix (location, "http://127.0.0.1:45678/?"));
  code = query_value (location, "code");
  state = query_value (location, "state");
  g_assert_nonnull (code);
  g_assert_cmpstr (state, ==, "st4te");

  /* A wrong verifier is refused (and spends the code, as at Google). */
  answer = redeem (fixture, session, code, "wrong-verifier-wrong-verifier-wrong-verifier-0", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (fc_json_get_string (answer, "error"), ==, "invalid_grant");
  g_clear_pointer (&answer, json_object_unref);
  g_clear_pointer (&location, g_free);
  g_clear_pointer (&code, g_free);
  g_clear_object (&message);

  message = authorize (fixture, session, challenge, &location);
  code = query_value (location, "code");
  answer = redeem (fixture, session, code, verifier, &status);
  if (status != 200)
    g_test_message ("token endpoint: %s %s", fc_json_get_string (answer, "error"),
                    fc_json_get_string (answer, "error_description"));
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (fc_json_get_string (answer, "id_token"));
  g_assert_cmpstr (fc_json_get_string (answer, "token_type"), ==, "Bearer");
  again = redeem (fixture, session, code, verifier, &status);
  g_assert_cmpuint (status, ==, 400);

  response = login (fixture, fc_json_get_string (answer, "id_token"));
  g_assert_cmpuint (response->status, ==, 200);

  /* Cancel in the "browser": access_denied, with the state. */
  fc_fake_oidc_set_consent (fixture->oidc, FC_FAKE_OIDC_CONSENT_DENY, SUB, EMAIL);
  g_clear_pointer (&location, g_free);
  g_clear_object (&message);
  message = authorize (fixture, session, challenge, &location);
  g_assert_cmpuint (soup_message_get_status (message), ==, 302);
  g_assert_cmpstr (location, ==, "http://127.0.0.1:45678/?error=access_denied&state=st4te");
}

int
main (int   argc,
      char *argv[])
{
  fc_st_init_environment ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/google/sign-in-creates-once", test_sign_in_creates_once);
  ADD ("/google/existing-account", test_existing_account);
  ADD ("/google/refused", test_refused);
  ADD ("/google/deactivated", test_deactivated);
  ADD ("/google/rotation", test_rotation);
  ADD ("/google/unknown-kid-rate-limited", test_unknown_kid_rate_limited);
  ADD ("/google/cache-expiry", test_cache_expiry);
  ADD ("/google/provider-down", test_provider_down);
  ADD ("/google/provider-gone", test_provider_gone);
  ADD ("/google/slow-provider", test_slow_provider);
  ADD ("/google/fake-code-flow", test_fake_code_flow);
#undef ADD
  g_test_add_func ("/google/not-configured", test_not_configured);
  return g_test_run ();
}
