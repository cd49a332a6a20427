/* test-server-hostile.c — fitcore-server under hostile input (issue 10, §1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Anonymous callers send what no client would: documents nested tens of
 * thousands of levels, bytes that are not UTF-8, a forged Host header,
 * parallel password guesses. Each answer must be a JSON error of the right
 * status, and the server must keep answering.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fc-json.h"
#include "fc-server-test-util.h"

#define AUTH "/api/v1/auth/"
#define SECRET "hostile-test-secret-key"
#define WRONG "\"password\":\"not-the-password\"}"

static char *
nested (const char *open,
        const char *close,
        guint       depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  g_string_append (text, "1");
  for (guint i = 0; close != NULL && i < depth; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

/* The body is UTF-8 and a JSON object; returns it. */
static JsonObject *
raw_object (FcStRaw *raw)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (raw->body, &size);
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_true (g_utf8_validate_len (data, size, NULL));
  object = fc_json_parse_object (data, size, &error);
  g_assert_no_error (error);
  return object;
}

static void
assert_detail (FcStRaw    *raw,
               guint       status,
               const char *fragment)
{
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (raw->status, ==, status);
  object = raw_object (raw);
  g_assert_nonnull (fc_json_get_string (object, "detail"));
  g_assert_nonnull (strstr (fc_json_get_string (object, "detail"), fragment));
}

static void
assert_alive (FcTestServer *server)
{
  g_autoptr(FcTestResponse) response = fc_test_request (server, "POST", AUTH "oauth/login/", NULL,
                                                        "{\"email\":\"alive@fitcore.test\"," WRONG);

  fc_st_assert_response (response, 400,
                         "{\"non_field_errors\":[\"Unable to log in with provided credentials.\"]}");
}

/* 80,000 "[" overflowed json-glib's recursive parser: an anonymous request
 * took the server down. Bodies and JWT parts go through the same parser. */
static void
test_deep_json (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("secret_key=" SECRET, FALSE);
  g_autofree char *arrays = g_strnfill (80000, '[');
  g_autofree char *objects = nested ("{\"a\":", NULL, 60000);
  g_autofree char *deep_payload = nested ("{\"a\":", "}", 60000);
  g_autofree char *token = fc_st_jwt_sign (SECRET, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", deep_payload);
  g_autofree char *deep_header = nested ("[", "]", 80000);
  g_autofree char *header_token = fc_st_jwt_sign (SECRET, deep_header, "{}");
  g_autofree char *verify = g_strdup_printf ("{\"token\":\"%s\"}", token);
  g_autofree char *header_verify = g_strdup_printf ("{\"token\":\"%s\"}", header_token);
  g_autofree char *refresh = g_strdup_printf ("{\"refresh\":\"%s\"}", token);
  g_autoptr(FcStRaw) r1 = NULL;
  g_autoptr(FcStRaw) r2 = NULL;
  g_autoptr(FcStRaw) r3 = NULL;
  g_autoptr(FcStRaw) r4 = NULL;
  g_autoptr(FcStRaw) r5 = NULL;

  r1 = fc_st_raw_post (server, NULL, AUTH "oauth/login/", NULL, arrays, strlen (arrays));
  assert_detail (r1, 400, "JSON parse error - the document nests deeper than 64 levels");
  r2 = fc_st_raw_post (server, NULL, AUTH "oauth/login/", NULL, objects, strlen (objects));
  assert_detail (r2, 400, "nests deeper than 64 levels");

  /* A token whose payload is signed with the right key, and one whose
   * header nests: both are just invalid tokens. */
  r3 = fc_st_raw_post (server, NULL, AUTH "oauth/token/verify/", NULL, verify, strlen (verify));
  assert_detail (r3, 401, "Token is invalid");
  r4 = fc_st_raw_post (server, NULL, AUTH "oauth/token/refresh/", NULL, refresh, strlen (refresh));
  assert_detail (r4, 401, "Token is invalid");
  r5 = fc_st_raw_post (server, NULL, AUTH "oauth/token/verify/", NULL, header_verify,
                       strlen (header_verify));
  assert_detail (r5, 401, "Token is invalid");

  assert_alive (server);
}

/* Errors echo the path and values; the bytes a client sends need not be
 * UTF-8, the JSON that goes back must be. */
static void
test_invalid_utf8_echo (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  g_autofree char *access = fc_st_register (server, "utf8@fitcore.test");
  static const char raw_path[] = "POST " AUTH "registration/account-confirm-email/\xff\xfe HTTP/1.1\r\n"
                                 "Host: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  g_autoptr(FcStRaw) path = fc_st_raw_send (server, NULL, raw_path, strlen (raw_path));
  g_autoptr(FcTestResponse) choice = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;

  assert_detail (path, 404, "account-confirm-email/\xef\xbf\xbd\xef\xbf\xbd/");

  /* json-glib decodes a lone surrogate escape to bytes that are not UTF-8,
   * which a field error would echo ('"…" is not a valid choice.'): the
   * body is refused as a whole, in UTF-8. */
  choice = fc_test_request (server, "POST", "/api/v1/nutrition/meal-plans/", access,
                            "{\"name\":\"x\",\"goal\":\"\\ud800z\",\"\\udfffk\":1}");
  g_assert_cmpuint (choice->status, ==, 400);
  text = fc_st_body (choice);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  object = fc_json_parse_object (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (fc_json_get_string (object, "detail"), "JSON parse error - "));
}

/* simplejwt's views send the scheme with their 401s, as Django's do. */
static void
test_token_views_www_authenticate (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  static const struct {
    const char *path;
    const char *body;
  } cases[] = {
    { AUTH "oauth/token/verify/", "{\"token\":\"not.a.token\"}" },
    { AUTH "oauth/token/refresh/", "{\"refresh\":\"not.a.token\"}" },
    { AUTH "oauth/token/refresh/", "{}" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(FcTestResponse) response = fc_test_request (server, "POST", cases[i].path, NULL,
                                                          cases[i].body);

    g_assert_cmpuint (response->status, ==, 401);
    g_assert_cmpstr (soup_message_headers_get_one (response->headers, "WWW-Authenticate"), ==,
                     "Bearer realm=\"api\"");
  }
}

static char *
read_mail (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* A reset link built from the Host header sends the token to whoever
 * forged it. */
static void
test_mail_links_ignore_host (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fitcore-mail-XXXXXX", &error);
  g_autofree char *mail_path = g_build_filename (dir, "mail.txt", NULL);
  g_autofree char *public_path = g_build_filename (dir, "public-mail.txt", NULL);
  g_autofree char *config = g_strdup_printf ("mail_file=%s", mail_path);
  g_autofree char *public_config = g_strdup_printf ("mail_file=%s\npublic_url=https://fitcore.example/",
                                                    public_path);
  g_autoptr(FcTestServer) server = fc_st_start (config, FALSE);
  g_autoptr(FcTestServer) public = fc_st_start (public_config, FALSE);
  g_autofree char *a = fc_st_register (server, "mail@fitcore.test");
  g_autofree char *b = fc_st_register (public, "mail@fitcore.test");
  static const char reset[] = "{\"email\":\"mail@fitcore.test\"}";
  static const char registration[] = "{\"email\":\"evil@fitcore.test\",\"password1\":\"" FC_ST_PASSWORD
                                     "\",\"password2\":\"" FC_ST_PASSWORD
                                     "\",\"first_name\":\"E\",\"last_name\":\"V\"}";
  g_autoptr(FcStRaw) r1 = NULL;
  g_autoptr(FcStRaw) r2 = NULL;
  g_autoptr(FcStRaw) r3 = NULL;
  g_autofree char *mail = NULL;
  g_autofree char *public_mail = NULL;
  g_autofree char *own_link = NULL;

  g_assert_no_error (error);
  r1 = fc_st_raw_post (server, NULL, AUTH "oauth/password/reset/", "Host: evil.example\r\n", reset,
                       strlen (reset));
  g_assert_cmpuint (r1->status, ==, 200);
  r2 = fc_st_raw_post (server, NULL, AUTH "registration/", "Host: evil.example\r\n", registration,
                       strlen (registration));
  g_assert_cmpuint (r2->status, ==, 201);
  r3 = fc_st_raw_post (public, NULL, AUTH "oauth/password/reset/", "Host: evil.example\r\n", reset,
                       strlen (reset));
  g_assert_cmpuint (r3->status, ==, 200);

  mail = read_mail (mail_path);
  public_mail = read_mail (public_path);
  g_assert_null (strstr (mail, "evil.example"));
  g_assert_null (strstr (public_mail, "evil.example"));
  /* Without a public URL, the address the server listens on. */
  own_link = g_strconcat (server->base_url, "/api/v1/auth/password-reset-confirm/", NULL);
  g_assert_nonnull (strstr (mail, own_link));
  g_assert_nonnull (strstr (mail, "mail to evil@fitcore.test"));
  g_assert_nonnull (strstr (public_mail, "https://fitcore.example/api/v1/auth/password-reset-confirm/"));

  g_unlink (mail_path);
  g_unlink (public_path);
  g_rmdir (dir);
}

/* The limit was checked before hashing and counted after: 24 guesses sent
 * at once were all evaluated. Hashing is made slow enough here that they
 * all arrive while the first ones are still hashing. */
static void
test_throttle_parallel_guesses (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("password_iterations=200000\n"
                                                "login_failures_limit=5\nlogin_failures_window=300\n"
                                                "password_queue_limit=64", FALSE);
  g_autofree char *access = fc_st_register (server, "target@fitcore.test");
  FcStAttempt attempts[24] = { { 0 } };
  g_autoptr(FcTestResponse) good = NULL;
  guint evaluated, refused;

  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++) {
    attempts[i].path = AUTH "oauth/login/";
    attempts[i].body = "{\"email\":\"target@fitcore.test\"," WRONG;
  }
  fc_st_raw_post_all (server, attempts, G_N_ELEMENTS (attempts));
  evaluated = fc_st_attempts_count (attempts, G_N_ELEMENTS (attempts), 400);
  refused = fc_st_attempts_count (attempts, G_N_ELEMENTS (attempts), 429);
  g_test_message ("parallel guesses: %u evaluated (400), %u refused (429)", evaluated, refused);
  g_assert_cmpuint (evaluated, <=, 5);
  g_assert_cmpuint (refused, ==, G_N_ELEMENTS (attempts) - evaluated);
  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    g_assert_true (attempts[i].status != 429 || attempts[i].retry_after > 0);

  /* This address is locked out of this account, right password or not. */
  good = fc_test_request (server, "POST", AUTH "oauth/login/", NULL,
                          "{\"email\":\"target@fitcore.test\",\"password\":\"" FC_ST_PASSWORD "\"}");
  g_assert_cmpuint (good->status, ==, 429);
}

static guint
login_from (FcTestServer *server,
            const char   *local_ip,
            const char   *email,
            const char   *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
  g_autoptr(FcStRaw) raw = fc_st_raw_post (server, local_ip, AUTH "oauth/login/", NULL, body,
                                           strlen (body));

  return raw->status;
}

/* The lockout was per e-mail: anyone could lock the owner out from
 * anywhere. Now it is per (address, e-mail), with a ceiling per address
 * across e-mails so one address cannot try every account instead. */
static void
test_throttle_per_client (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("login_failures_limit=3\nlogin_failures_window=300",
                                                FALSE);
  g_autofree char *access = fc_st_register (server, "victim@fitcore.test");
  guint refused = 0;

  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (login_from (server, "127.0.0.1", "victim@fitcore.test", "wrong-guess"), ==, 400);
  g_assert_cmpuint (login_from (server, "127.0.0.1", "victim@fitcore.test", FC_ST_PASSWORD), ==, 429);

  /* The owner, from elsewhere, still gets in. */
  g_assert_cmpuint (login_from (server, "127.0.0.2", "victim@fitcore.test", FC_ST_PASSWORD), ==, 200);

  /* One address, many accounts: 10 × 3 attempts, then refused whatever
   * the account. */
  for (guint i = 0; i < 30; i++) {
    g_autofree char *email = g_strdup_printf ("spray%u@fitcore.test", i);

    g_assert_cmpuint (login_from (server, "127.0.0.3", email, "wrong-guess"), ==, 400);
  }
  refused = login_from (server, "127.0.0.3", "fresh@fitcore.test", "wrong-guess");
  g_assert_cmpuint (refused, ==, 429);
  g_assert_cmpuint (login_from (server, "127.0.0.3", "victim@fitcore.test", FC_ST_PASSWORD), ==, 429);
  /* Other addresses are not affected. */
  g_assert_cmpuint (login_from (server, "127.0.0.4", "victim@fitcore.test", FC_ST_PASSWORD), ==, 200);
}

/* Routes are matched segment by segment in place (src/server/fc-server.c):
 * an {id} segment is a decimal from 1 to G_MAXINT64 and nothing else, and
 * an empty, signed, spaced, overflowing or very long one is a 404 like any
 * other unknown path, for the owner too; the same meal by its own id is
 * found, and another user's is not. */
static void
test_malformed_ids (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("secret_key=" SECRET, FALSE);
  g_autofree char *owner = fc_test_register (server, "ids@fitcore.test", FC_ST_PASSWORD, NULL);
  g_autofree char *other = fc_test_register (server, "other-ids@fitcore.test", FC_ST_PASSWORD,
                                             NULL);
  g_autofree char *long_id = g_strnfill (10000, '7');
  g_autoptr(FcTestResponse) created = NULL;
  g_autoptr(FcTestResponse) found = NULL;
  g_autoptr(FcTestResponse) foreign = NULL;
  g_autofree char *path = NULL;
  const char *bad[] = { "0", "-1", "+1", "%201", "1x", "0x1", "1.0", "9223372036854775808",
                        "99999999999999999999", "", long_id };
  gint64 id = 0;

  created = fc_test_request (server, "POST", "/api/v1/nutrition/meals/", owner,
                             "{\"name\":\"Ids\",\"meal_time_category\":\"BF\"}");
  g_assert_cmpuint (created->status, ==, 201);
  g_assert_true (fc_json_get_int (fc_test_response_object (created), "id", &id));
  path = g_strdup_printf ("/api/v1/nutrition/meals/%" G_GINT64_FORMAT "/", id);
  found = fc_test_request (server, "GET", path, owner, NULL);
  g_assert_cmpuint (found->status, ==, 200);
  foreign = fc_test_request (server, "GET", path, other, NULL);
  g_assert_cmpuint (foreign->status, ==, 404);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *bad_path = g_strdup_printf ("/api/v1/nutrition/meals/%s/", bad[i]);
    g_autoptr(FcTestResponse) get = fc_test_request (server, "GET", bad_path, owner, NULL);
    g_autoptr(FcTestResponse) del = fc_test_request (server, "DELETE", bad_path, owner, NULL);

    g_test_message ("meals/%.20s/: GET %u, DELETE %u", bad[i], get->status, del->status);
    g_assert_cmpuint (get->status, ==, 404);
    g_assert_cmpuint (del->status, ==, 404);
  }
  /* The largest id is an id, of no meal */
  {
    g_autoptr(FcTestResponse) max = fc_test_request (server, "GET",
                                                     "/api/v1/nutrition/meals/9223372036854775807/",
                                                     owner, NULL);

    g_assert_cmpuint (max->status, ==, 404);
  }
  /* Nothing above deleted the meal */
  g_clear_pointer (&found, fc_test_response_free);
  found = fc_test_request (server, "GET", path, owner, NULL);
  g_assert_cmpuint (found->status, ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  fc_st_init_environment ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/hostile/deep-json", test_deep_json);
  g_test_add_func ("/server/hostile/malformed-ids", test_malformed_ids);
  g_test_add_func ("/server/hostile/invalid-utf8-echo", test_invalid_utf8_echo);
  g_test_add_func ("/server/hostile/token-views-www-authenticate", test_token_views_www_authenticate);
  g_test_add_func ("/server/hostile/mail-links-ignore-host", test_mail_links_ignore_host);
  g_test_add_func ("/server/hostile/throttle-parallel-guesses", test_throttle_parallel_guesses);
  g_test_add_func ("/server/hostile/throttle-per-client", test_throttle_per_client);

  return g_test_run ();
}
