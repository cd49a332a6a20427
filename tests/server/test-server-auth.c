/* test-server-auth.c — /api/v1/auth/ against the wire file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-server-test-util.h"

#define AUTH "/api/v1/auth/"
#define STAFF_EMAIL "admin@fitcore.local"
#define STAFF_PASSWORD "fitcore-admin"

static FcTestServer *shared;

static char *
unique_email (const char *prefix)
{
  static guint counter;

  return g_strdup_printf ("%s%u@fitcore.test", prefix, ++counter);
}

static char *
json_string_member (FcTestResponse *response,
                    const char     *name)
{
  return g_strdup (fc_json_get_string (fc_test_response_object (response), name));
}

static void
test_registration (void)
{
  g_autofree char *email = unique_email ("new");
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password1\":\"" FC_ST_PASSWORD
                                           "\",\"password2\":\"" FC_ST_PASSWORD
                                           "\",\"first_name\":\"New\",\"last_name\":\"One\","
                                           "\"username\":\"ignored\"}", email);
  g_autoptr(FcTestResponse) response = fc_test_request (shared, "POST", AUTH "registration/", NULL, body);
  g_autoptr(GPtrArray) cookies = fc_st_set_cookies (response);
  JsonObject *object = fc_test_response_object (response);
  JsonObject *user = fc_json_get_object (object, "user");
  const char *refresh = fc_json_get_string (object, "refresh");
  gint64 pk = 0;

  g_assert_cmpuint (response->status, ==, 201);
  /* The refresh token is in the body and no JWT cookies are set. */
  g_assert_nonnull (refresh);
  g_assert_cmpint (fc_st_jwt_claim (refresh, "exp") - fc_st_jwt_claim (refresh, "iat"), ==, 86400);
  g_assert_cmpint (fc_st_jwt_claim (fc_json_get_string (object, "access"), "exp") -
                   fc_st_jwt_claim (fc_json_get_string (object, "access"), "iat"), ==, 1800);
  g_assert_cmpuint (cookies->len, ==, 0);
  g_assert_true (fc_json_get_int (user, "pk", &pk));
  g_assert_cmpint (fc_st_jwt_claim (refresh, "user_id"), ==, pk);
  g_assert_cmpstr (fc_json_get_string (user, "email"), ==, email);
  g_assert_cmpstr (fc_json_get_string (user, "first_name"), ==, "New");
  g_assert_cmpstr (fc_json_get_string (user, "last_name"), ==, "One");
}

static void
test_registration_errors (void)
{
  g_autofree char *email = unique_email ("dup");
  g_autofree char *upper = g_ascii_strup (email, -1);
  g_autofree char *token = fc_st_register (shared, email);
  g_autofree char *dup = g_strdup_printf ("{\"email\":\"%s\",\"password1\":\"" FC_ST_PASSWORD
                                          "\",\"password2\":\"" FC_ST_PASSWORD
                                          "\",\"first_name\":\"A\",\"last_name\":\"B\"}", upper);
  g_autoptr(FcTestResponse) empty = NULL;
  g_autoptr(FcTestResponse) weak = NULL;
  g_autoptr(FcTestResponse) mismatch = NULL;
  g_autoptr(FcTestResponse) duplicate = NULL;
  g_autoptr(FcTestResponse) get = NULL;

  empty = fc_test_request (shared, "POST", AUTH "registration/", NULL, "{}");
  fc_st_assert_response (empty, 400,
                         "{\"email\":[\"This field is required.\"],\"password1\":[\"This field is required.\"],"
                         "\"password2\":[\"This field is required.\"],\"first_name\":[\"This field is required.\"],"
                         "\"last_name\":[\"This field is required.\"]}");

  weak = fc_test_request (shared, "POST", AUTH "registration/", NULL,
                          "{\"email\":\"weak@fitcore.test\",\"password1\":\"1234\",\"password2\":\"1234\","
                          "\"first_name\":\"\",\"last_name\":\"B\"}");
  fc_st_assert_response (weak, 400,
                         "{\"password1\":[\"This password is too short. It must contain at least 8 characters.\","
                         "\"This password is too common.\",\"This password is entirely numeric.\"],"
                         "\"first_name\":[\"This field may not be blank.\"]}");

  mismatch = fc_test_request (shared, "POST", AUTH "registration/", NULL,
                              "{\"email\":\"mm@fitcore.test\",\"password1\":\"Sup3r-Secret-42\","
                              "\"password2\":\"Sup3r-Secret-43\",\"first_name\":\"A\",\"last_name\":\"B\"}");
  fc_st_assert_response (mismatch, 400,
                         "{\"non_field_errors\":[\"The two password fields didn't match.\"]}");

  /* Unique whatever the case (the Django backend registers a second
   * account here, wire §4.14); unverified, so allauth's bare list. */
  duplicate = fc_test_request (shared, "POST", AUTH "registration/", NULL, dup);
  fc_st_assert_response (duplicate, 400, "[\"This email is already register\"]");

  get = fc_test_request (shared, "GET", AUTH "registration/", NULL, NULL);
  g_assert_cmpuint (get->status, ==, 405);
}

static void
test_login (void)
{
  g_autofree char *email = unique_email ("login");
  g_autofree char *upper = g_ascii_strup (email, -1);
  g_autofree char *token = fc_st_register (shared, email);
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"" FC_ST_PASSWORD "\"}",
                                           upper);
  g_autoptr(FcTestResponse) response = fc_test_request (shared, "POST", AUTH "oauth/login/", NULL, body);
  g_autoptr(GPtrArray) cookies = fc_st_set_cookies (response);
  JsonObject *object = fc_test_response_object (response);
  g_autofree char *access_cookie = fc_test_response_cookie (response, "fitcore-access-token");
  g_autofree char *refresh_cookie = fc_test_response_cookie (response, "fitcore-refresh-token");

  /* Case-insensitive e-mail (the Django backend is not, wire §4.14). */
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (fc_json_get_string (object, "refresh"), ==, "");
  g_assert_cmpstr (fc_json_get_string (object, "access"), ==, access_cookie);
  g_assert_cmpstr (fc_json_get_string (fc_json_get_object (object, "user"), "email"), ==, email);
  g_assert_nonnull (refresh_cookie);
  g_assert_cmpint (fc_st_jwt_claim (refresh_cookie, "exp") - fc_st_jwt_claim (refresh_cookie, "iat"),
                   ==, 86400);

  g_assert_cmpuint (cookies->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (cookies, 0), "fitcore-access-token=eyJ"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (cookies, 0),
                                   " GMT; HttpOnly; Max-Age=1800; Path=/; SameSite=Lax"));
  g_assert_nonnull (strstr (g_ptr_array_index (cookies, 0), "; expires="));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (cookies, 1), "fitcore-refresh-token=eyJ"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (cookies, 1),
                                   " GMT; HttpOnly; Max-Age=86400; Path=/; SameSite=Lax"));
  g_assert_null (strstr (g_ptr_array_index (cookies, 1), "Secure"));
}

static void
test_login_errors (void)
{
  g_autofree char *email = unique_email ("bad");
  g_autofree char *token = fc_st_register (shared, email);
  g_autofree char *wrong = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"nope-nope\"}", email);
  g_autoptr(FcTestResponse) r1 = fc_test_request (shared, "POST", AUTH "oauth/login/", NULL, wrong);
  g_autoptr(FcTestResponse) r2 = fc_test_request (shared, "POST", AUTH "oauth/login/", NULL,
                                                  "{\"email\":\"nobody@fitcore.test\",\"password\":\"x\"}");
  g_autoptr(FcTestResponse) r3 = fc_test_request (shared, "POST", AUTH "oauth/login/", NULL, "{}");
  g_autoptr(FcTestResponse) r4 = fc_test_request (shared, "POST", AUTH "oauth/login/", NULL,
                                                  "{\"password\":\"x\"}");
  g_autoptr(FcTestResponse) r5 = fc_test_request (shared, "POST", AUTH "oauth/login/", NULL,
                                                  "{\"username\":\"u\",\"password\":\"x\"}");
  g_autoptr(FcTestResponse) r6 = fc_test_request (shared, "POST", AUTH "oauth/login/", NULL,
                                                  "{\"email\":\"not-an-email\",\"password\":\"x\"}");

  fc_st_assert_response (r1, 400, "{\"non_field_errors\":[\"Unable to log in with provided credentials.\"]}");
  fc_st_assert_response (r2, 400, "{\"non_field_errors\":[\"Unable to log in with provided credentials.\"]}");
  fc_st_assert_response (r3, 400, "{\"password\":[\"This field is required.\"]}");
  fc_st_assert_response (r4, 400, "{\"non_field_errors\":[\"Must include \\\"email\\\" and \\\"password\\\".\"]}");
  fc_st_assert_response (r5, 400, "{\"non_field_errors\":[\"Must include \\\"email\\\" and \\\"password\\\".\"]}");
  fc_st_assert_response (r6, 400, "{\"email\":[\"Enter a valid email address.\"]}");
}

#define INVALID_TOKEN_BODY(message) \
  "{\"detail\":\"Given token not valid for any token type\",\"code\":\"token_not_valid\"," \
  "\"messages\":[{\"token_class\":\"AccessToken\",\"token_type\":\"access\",\"message\":\"" message "\"}]}"

/* Bad tokens are a 401 everywhere, even on login (wire §4.2). */
static void
test_bad_tokens (void)
{
  g_autofree char *email = unique_email ("tok");
  g_autofree char *refresh = NULL;
  g_autofree char *access = fc_test_register (shared, email, FC_ST_PASSWORD, &refresh);
  g_autofree char *header = fc_st_b64url ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_auto(GStrv) parts = g_strsplit (access, ".", -1);
  g_autofree char *none = g_strconcat (header, ".", parts[1], ".", NULL);
  g_autofree char *tampered = g_strdup (access);
  g_autofree char *login = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"" FC_ST_PASSWORD "\"}",
                                            email);
  g_autofree char *cookie = g_strdup_printf ("fitcore-access-token=%s", tampered);
  g_autoptr(FcTestResponse) r1 = NULL;
  g_autoptr(FcTestResponse) r2 = NULL;
  g_autoptr(FcTestResponse) r3 = NULL;
  g_autoptr(FcTestResponse) r4 = NULL;
  g_autoptr(FcTestResponse) r5 = NULL;
  g_autoptr(FcTestResponse) r6 = NULL;
  g_autoptr(FcTestResponse) r7 = NULL;
  g_autoptr(FcTestResponse) r8 = NULL;
  gsize n = strlen (tampered);

  tampered[n - 3] = tampered[n - 3] == 'x' ? 'y' : 'x';
  g_free (cookie);
  cookie = g_strdup_printf ("fitcore-access-token=%s", tampered);

  r1 = fc_test_request (shared, "GET", AUTH "oauth/user/", tampered, NULL);
  fc_st_assert_response (r1, 401, INVALID_TOKEN_BODY ("Token is invalid"));
  g_assert_cmpstr (soup_message_headers_get_one (r1->headers, "WWW-Authenticate"), ==,
                   "Bearer realm=\"api\"");
  r2 = fc_test_request (shared, "GET", AUTH "oauth/user/", none, NULL);
  fc_st_assert_response (r2, 401, INVALID_TOKEN_BODY ("Token is invalid"));
  r3 = fc_test_request (shared, "GET", AUTH "oauth/user/", refresh, NULL);
  fc_st_assert_response (r3, 401, INVALID_TOKEN_BODY ("Token has wrong type"));
  /* A stale token breaks login too; the client must drop it first. */
  r4 = fc_test_request (shared, "POST", AUTH "oauth/login/", tampered, login);
  fc_st_assert_response (r4, 401, INVALID_TOKEN_BODY ("Token is invalid"));
  r5 = fc_st_request (shared, "POST", AUTH "oauth/login/", NULL, login, "Cookie", cookie, NULL);
  fc_st_assert_response (r5, 401, INVALID_TOKEN_BODY ("Token is invalid"));
  /* Unknown schemes are not credentials. */
  r6 = fc_st_request (shared, "GET", AUTH "oauth/user/", NULL, NULL, "Authorization", "Token abc", NULL);
  fc_st_assert_response (r6, 401, "{\"detail\":\"Authentication credentials were not provided.\"}");
  r7 = fc_st_request (shared, "GET", AUTH "oauth/user/", NULL, NULL, "Authorization", "Bearer a b", NULL);
  fc_st_assert_response (r7, 401, "{\"detail\":\"Authorization header must contain two space-delimited "
                                  "values\",\"code\":\"bad_authorization_header\"}");
  /* The header wins over the cookie. */
  r8 = fc_st_request (shared, "GET", AUTH "oauth/user/", access, NULL, "Cookie", cookie, NULL);
  g_assert_cmpuint (r8->status, ==, 200);
}

static void
test_cookie_auth (void)
{
  g_autofree char *email = unique_email ("cookie");
  g_autofree char *access = fc_st_register (shared, email);
  g_autofree char *cookie = g_strdup_printf ("fitcore-access-token=%s", access);
  g_autoptr(FcTestResponse) response = fc_st_request (shared, "GET", AUTH "oauth/user/", NULL, NULL,
                                                      "Cookie", cookie, NULL);
  g_autoptr(FcTestResponse) session = fc_st_request (shared, "GET", AUTH "oauth/user/", NULL, NULL,
                                                     "Cookie", "sessionid=abc", NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (fc_json_get_string (fc_test_response_object (response), "email"), ==, email);
  g_assert_cmpuint (session->status, ==, 401);
}

static void
test_deleted_and_inactive_user (void)
{
  g_autofree char *gone = unique_email ("gone");
  g_autofree char *off = unique_email ("off");
  g_autofree char *gone_token = fc_st_register (shared, gone);
  g_autofree char *off_token = fc_st_register (shared, off);
  g_autofree char *sql = g_strdup_printf ("DELETE FROM users WHERE email = '%s';"
                                          "UPDATE users SET is_active = 0 WHERE email = '%s'",
                                          gone, off);
  g_autoptr(FcTestResponse) r1 = NULL;
  g_autoptr(FcTestResponse) r2 = NULL;
  FcSql *db = fc_st_open_db (shared);

  fc_st_exec (db, sql);
  fc_sql_close (db);

  r1 = fc_test_request (shared, "GET", AUTH "oauth/user/", gone_token, NULL);
  fc_st_assert_response (r1, 401, "{\"detail\":\"User not found\",\"code\":\"user_not_found\"}");
  r2 = fc_test_request (shared, "GET", AUTH "oauth/user/", off_token, NULL);
  fc_st_assert_response (r2, 401, "{\"detail\":\"User is inactive\",\"code\":\"user_inactive\"}");
}

static FcTestResponse *
refresh_with_body (FcTestServer *server,
                   const char   *token)
{
  g_autofree char *body = g_strdup_printf ("{\"refresh\":\"%s\"}", token);

  return fc_test_request (server, "POST", AUTH "oauth/token/refresh/", NULL, body);
}

static void
test_refresh_rotation (void)
{
  g_autofree char *email = unique_email ("rot");
  g_autofree char *token = fc_st_register (shared, email);
  g_autofree char *refresh = NULL;
  g_autofree char *access = NULL;
  g_autofree char *rotated = NULL;
  g_autofree char *new_access = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *rotated_again = NULL;
  g_autoptr(FcTestResponse) r1 = NULL;
  g_autoptr(FcTestResponse) r2 = NULL;
  g_autoptr(FcTestResponse) r3 = NULL;
  g_autoptr(FcTestResponse) r4 = NULL;
  g_autoptr(FcTestResponse) user = NULL;
  g_autoptr(GDateTime) expiration = NULL;
  const char *expiration_text;

  access = fc_test_login (shared, email, FC_ST_PASSWORD, &refresh);
  /* A second later, so a fresh iat would differ from the original one. */
  g_usleep (1100 * 1000);

  r1 = refresh_with_body (shared, refresh);
  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_false (fc_json_has_member (fc_test_response_object (r1), "refresh"));
  new_access = json_string_member (r1, "access");
  expiration_text = fc_json_get_string (fc_test_response_object (r1), "access_expiration");
  g_assert_true (g_str_has_suffix (expiration_text, "Z"));
  expiration = g_date_time_new_from_iso8601 (expiration_text, NULL);
  g_assert_nonnull (expiration);
  g_assert_cmpint (ABS (g_date_time_to_unix (expiration) - fc_st_jwt_claim (new_access, "exp")), <=, 1);
  /* simplejwt copies iat from the refresh token into the new access token. */
  g_assert_cmpint (fc_st_jwt_claim (new_access, "iat"), ==, fc_st_jwt_claim (refresh, "iat"));
  rotated = fc_test_response_cookie (r1, "fitcore-refresh-token");
  g_assert_nonnull (rotated);
  g_assert_cmpstr (rotated, !=, refresh);
  g_assert_cmpstr (fc_test_response_cookie (r1, "fitcore-access-token"), !=, NULL);

  user = fc_test_request (shared, "GET", AUTH "oauth/user/", new_access, NULL);
  g_assert_cmpuint (user->status, ==, 200);

  /* The old one is blacklisted, by body or by cookie. */
  r2 = refresh_with_body (shared, refresh);
  fc_st_assert_response (r2, 401, "{\"detail\":\"Token is blacklisted\",\"code\":\"token_not_valid\"}");
  cookie = g_strdup_printf ("fitcore-refresh-token=%s", refresh);
  r3 = fc_st_request (shared, "POST", AUTH "oauth/token/refresh/", NULL, "{}", "Cookie", cookie, NULL);
  fc_st_assert_response (r3, 401, "{\"detail\":\"Token is blacklisted\",\"code\":\"token_not_valid\"}");

  /* The rotated one works, from the cookie. */
  g_free (cookie);
  cookie = g_strdup_printf ("fitcore-refresh-token=%s", rotated);
  r4 = fc_st_request (shared, "POST", AUTH "oauth/token/refresh/", NULL, NULL, "Cookie", cookie, NULL);
  g_assert_cmpuint (r4->status, ==, 200);
  rotated_again = fc_test_response_cookie (r4, "fitcore-refresh-token");
  g_assert_nonnull (rotated_again);
}

static void
test_refresh_errors (void)
{
  g_autofree char *email = unique_email ("referr");
  g_autofree char *refresh = NULL;
  g_autofree char *access = fc_test_register (shared, email, FC_ST_PASSWORD, &refresh);
  g_autofree char *cookie = g_strdup_printf ("fitcore-refresh-token=%s", refresh);
  g_autoptr(FcTestResponse) r1 = fc_test_request (shared, "POST", AUTH "oauth/token/refresh/", NULL, "{}");
  g_autoptr(FcTestResponse) r2 = fc_test_request (shared, "POST", AUTH "oauth/token/refresh/", NULL, NULL);
  g_autoptr(FcTestResponse) r3 = fc_st_request (shared, "POST", AUTH "oauth/token/refresh/", NULL,
                                                "{\"refresh\":\"\"}", "Cookie", cookie, NULL);
  g_autoptr(FcTestResponse) r4 = refresh_with_body (shared, access);
  g_autoptr(FcTestResponse) r5 = refresh_with_body (shared, "garbage");
  /* No auth classes here: a bad access token does not matter. */
  g_autoptr(FcTestResponse) r6 = fc_st_request (shared, "POST", AUTH "oauth/token/refresh/", "bad.bad.bad",
                                                NULL, "Cookie", cookie, NULL);

  fc_st_assert_response (r1, 401, "{\"detail\":\"No valid refresh token found.\",\"code\":\"token_not_valid\"}");
  fc_st_assert_response (r2, 401, "{\"detail\":\"No valid refresh token found.\",\"code\":\"token_not_valid\"}");
  fc_st_assert_response (r3, 400, "{\"refresh\":[\"This field may not be blank.\"]}");
  fc_st_assert_response (r4, 401, "{\"detail\":\"Token has wrong type\",\"code\":\"token_not_valid\"}");
  fc_st_assert_response (r5, 401, "{\"detail\":\"Token is invalid\",\"code\":\"token_not_valid\"}");
  g_assert_cmpuint (r6->status, ==, 200);
}

static void
test_token_verify (void)
{
  g_autofree char *email = unique_email ("verify");
  g_autofree char *refresh = NULL;
  g_autofree char *access = fc_test_register (shared, email, FC_ST_PASSWORD, &refresh);
  g_autofree char *b1 = g_strdup_printf ("{\"token\":\"%s\"}", access);
  g_autofree char *b2 = g_strdup_printf ("{\"token\":\"%s\"}", refresh);
  g_autoptr(FcTestResponse) r1 = fc_test_request (shared, "POST", AUTH "oauth/token/verify/", NULL, b1);
  g_autoptr(FcTestResponse) r2 = fc_test_request (shared, "POST", AUTH "oauth/token/verify/", NULL, b2);
  g_autoptr(FcTestResponse) r3 = fc_test_request (shared, "POST", AUTH "oauth/token/verify/", NULL,
                                                  "{\"token\":\"x.y.z\"}");
  g_autoptr(FcTestResponse) r4 = fc_test_request (shared, "POST", AUTH "oauth/token/verify/", NULL, "{}");

  fc_st_assert_response (r1, 200, "{}");
  fc_st_assert_response (r2, 200, "{}");
  fc_st_assert_response (r3, 401, "{\"detail\":\"Token is invalid\",\"code\":\"token_not_valid\"}");
  fc_st_assert_response (r4, 400, "{\"token\":[\"This field is required.\"]}");
}

/* Lifetimes of 1 and 2 seconds, on a server of its own. */
static void
test_token_expiry (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("access_token_lifetime=1\nrefresh_token_lifetime=2", FALSE);
  g_autofree char *refresh = NULL;
  g_autofree char *access = fc_test_register (server, "exp@fitcore.test", FC_ST_PASSWORD, &refresh);
  g_autofree char *verify = g_strdup_printf ("{\"token\":\"%s\"}", access);
  g_autoptr(FcTestResponse) r1 = NULL;
  g_autoptr(FcTestResponse) r2 = NULL;
  g_autoptr(FcTestResponse) r3 = NULL;
  g_autoptr(FcTestResponse) r4 = NULL;

  g_usleep (2100 * 1000);
  r1 = fc_test_request (server, "GET", AUTH "oauth/user/", access, NULL);
  fc_st_assert_response (r1, 401, INVALID_TOKEN_BODY ("Token is expired"));
  r2 = refresh_with_body (server, refresh);
  fc_st_assert_response (r2, 401, "{\"detail\":\"Token is expired\",\"code\":\"token_not_valid\"}");
  r3 = fc_test_request (server, "POST", AUTH "oauth/token/verify/", NULL, verify);
  fc_st_assert_response (r3, 401, "{\"detail\":\"Token is expired\",\"code\":\"token_not_valid\"}");
  /* An expired token in the cookie is a 401 on logout, never a 500. */
  {
    g_autofree char *cookie = g_strdup_printf ("fitcore-refresh-token=%s", refresh);

    r4 = fc_st_request (server, "POST", AUTH "oauth/logout/", NULL, NULL, "Cookie", cookie, NULL);
    fc_st_assert_response (r4, 401, "{\"detail\":\"Token is expired\"}");
  }
}

static void
assert_cookies_deleted (FcTestResponse *response)
{
  g_autoptr(GPtrArray) cookies = fc_st_set_cookies (response);

  g_assert_cmpuint (cookies->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (cookies, 0), ==,
                   "fitcore-access-token=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; "
                   "Path=/; SameSite=Lax");
  g_assert_cmpstr (g_ptr_array_index (cookies, 1), ==,
                   "fitcore-refresh-token=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; "
                   "Path=/; SameSite=Lax");
}

static void
test_logout (void)
{
  g_autofree char *email = unique_email ("out");
  g_autofree char *token = fc_st_register (shared, email);
  g_autofree char *refresh = NULL;
  g_autofree char *access = fc_test_login (shared, email, FC_ST_PASSWORD, &refresh);
  g_autofree char *cookie = g_strdup_printf ("fitcore-refresh-token=%s", refresh);
  g_autofree char *refresh2 = NULL;
  g_autofree char *access2 = fc_test_login (shared, email, FC_ST_PASSWORD, &refresh2);
  g_autofree char *body2 = g_strdup_printf ("{\"refresh\":\"%s\"}", refresh2);
  g_autoptr(FcTestResponse) none = fc_test_request (shared, "POST", AUTH "oauth/logout/", NULL, NULL);
  g_autoptr(FcTestResponse) garbage = fc_st_request (shared, "POST", AUTH "oauth/logout/", NULL, NULL,
                                                     "Cookie", "fitcore-refresh-token=zzz", NULL);
  g_autoptr(FcTestResponse) ok = NULL;
  g_autoptr(FcTestResponse) again = NULL;
  g_autoptr(FcTestResponse) by_body = NULL;
  g_autoptr(FcTestResponse) refresh_after = NULL;
  g_autoptr(FcTestResponse) user = NULL;
  g_autoptr(FcTestResponse) get = NULL;

  fc_st_assert_response (none, 401, "{\"detail\":\"Refresh token was not included in cookie data.\"}");
  assert_cookies_deleted (none);
  fc_st_assert_response (garbage, 401, "{\"detail\":\"Token is invalid\"}");
  assert_cookies_deleted (garbage);

  ok = fc_st_request (shared, "POST", AUTH "oauth/logout/", NULL, NULL, "Cookie", cookie, NULL);
  fc_st_assert_response (ok, 200, "{\"detail\":\"Successfully logged out.\"}");
  assert_cookies_deleted (ok);
  again = fc_st_request (shared, "POST", AUTH "oauth/logout/", NULL, NULL, "Cookie", cookie, NULL);
  fc_st_assert_response (again, 401, "{\"detail\":\"Token is blacklisted\"}");
  refresh_after = refresh_with_body (shared, refresh);
  g_assert_cmpuint (refresh_after->status, ==, 401);

  /* Ours also takes the token from the body. */
  by_body = fc_test_request (shared, "POST", AUTH "oauth/logout/", NULL, body2);
  fc_st_assert_response (by_body, 200, "{\"detail\":\"Successfully logged out.\"}");

  /* As on Django, the access token lives until it expires. */
  user = fc_test_request (shared, "GET", AUTH "oauth/user/", access, NULL);
  g_assert_cmpuint (user->status, ==, 200);
  get = fc_test_request (shared, "GET", AUTH "oauth/logout/", NULL, NULL);
  g_assert_cmpuint (get->status, ==, 405);
}

static void
test_user (void)
{
  g_autofree char *email = unique_email ("me");
  g_autofree char *token = fc_st_register (shared, email);
  g_autoptr(FcTestResponse) get = fc_test_request (shared, "GET", AUTH "oauth/user/", token, NULL);
  g_autoptr(FcTestResponse) patch = fc_test_request (shared, "PATCH", AUTH "oauth/user/", token,
                                                     "{\"first_name\":\"Zed\",\"email\":\"evil@x.test\",\"pk\":999}");
  g_autoptr(FcTestResponse) put = fc_test_request (shared, "PUT", AUTH "oauth/user/", token, "{}");
  g_autoptr(FcTestResponse) blank = fc_test_request (shared, "PATCH", AUTH "oauth/user/", token,
                                                     "{\"last_name\":\"\"}");
  g_autofree char *long_name = g_strnfill (151, 'a');
  g_autofree char *long_body = g_strdup_printf ("{\"first_name\":\"%s\"}", long_name);
  g_autoptr(FcTestResponse) too_long = fc_test_request (shared, "PATCH", AUTH "oauth/user/", token, long_body);
  gint64 pk = fc_st_jwt_claim (token, "user_id");
  g_autofree char *expected = g_strdup_printf ("{\"pk\":%" G_GINT64_FORMAT ",\"email\":\"%s\","
                                               "\"first_name\":\"Test\",\"last_name\":\"User\",\"is_staff\":false}", pk, email);
  g_autofree char *patched = g_strdup_printf ("{\"pk\":%" G_GINT64_FORMAT ",\"email\":\"%s\","
                                              "\"first_name\":\"Zed\",\"last_name\":\"User\",\"is_staff\":false}", pk, email);
  g_autofree char *blanked = g_strdup_printf ("{\"pk\":%" G_GINT64_FORMAT ",\"email\":\"%s\","
                                              "\"first_name\":\"Zed\",\"last_name\":\"\",\"is_staff\":false}", pk, email);

  fc_st_assert_response (get, 200, expected);
  fc_st_assert_response (patch, 200, patched);
  fc_st_assert_response (put, 200, patched);
  fc_st_assert_response (blank, 200, blanked);
  fc_st_assert_response (too_long, 400, "{\"first_name\":[\"Ensure this field has no more than 150 characters.\"]}");
}

static void
test_password_change (void)
{
  g_autofree char *email = unique_email ("chg");
  g_autofree char *token = fc_st_register (shared, email);
  g_autofree char *other_refresh = NULL;
  g_autofree char *other_access = fc_test_login (shared, email, FC_ST_PASSWORD, &other_refresh);
  g_autofree char *own_refresh = NULL;
  g_autofree char *own_access = fc_test_login (shared, email, FC_ST_PASSWORD, &own_refresh);
  g_autofree char *own_cookie = g_strdup_printf ("fitcore-refresh-token=%s", own_refresh);
  g_autofree char *old_login = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"" FC_ST_PASSWORD "\"}", email);
  g_autoptr(FcTestResponse) mismatch = NULL;
  g_autoptr(FcTestResponse) weak = NULL;
  g_autoptr(FcTestResponse) empty = NULL;
  g_autoptr(FcTestResponse) anonymous = NULL;
  g_autoptr(FcTestResponse) ok = NULL;
  g_autoptr(FcTestResponse) other = NULL;
  g_autoptr(FcTestResponse) own = NULL;
  g_autoptr(FcTestResponse) old = NULL;
  g_autofree char *new_access = NULL;

  mismatch = fc_test_request (shared, "POST", AUTH "oauth/password/change/", own_access,
                              "{\"new_password1\":\"An0ther-Secret\",\"new_password2\":\"An0ther-Secreu\"}");
  fc_st_assert_response (mismatch, 400, "{\"new_password2\":[\"The two password fields didn’t match.\"]}");
  weak = fc_test_request (shared, "POST", AUTH "oauth/password/change/", own_access,
                          "{\"new_password1\":\"12345678\",\"new_password2\":\"12345678\"}");
  fc_st_assert_response (weak, 400, "{\"new_password2\":[\"This password is too common.\","
                                    "\"This password is entirely numeric.\"]}");
  empty = fc_test_request (shared, "POST", AUTH "oauth/password/change/", own_access, "{}");
  fc_st_assert_response (empty, 400, "{\"new_password1\":[\"This field is required.\"],"
                                     "\"new_password2\":[\"This field is required.\"]}");
  anonymous = fc_test_request (shared, "POST", AUTH "oauth/password/change/", NULL, "{}");
  g_assert_cmpuint (anonymous->status, ==, 401);

  ok = fc_st_request (shared, "POST", AUTH "oauth/password/change/", own_access,
                      "{\"new_password1\":\"An0ther-Secret\",\"new_password2\":\"An0ther-Secret\","
                      "\"old_password\":\"ignored\"}", "Cookie", own_cookie, NULL);
  fc_st_assert_response (ok, 200, "{\"detail\":\"New password has been saved.\"}");

  /* Every other session's refresh token is revoked; this one's is kept. */
  other = refresh_with_body (shared, other_refresh);
  fc_st_assert_response (other, 401, "{\"detail\":\"Token is blacklisted\",\"code\":\"token_not_valid\"}");
  own = refresh_with_body (shared, own_refresh);
  g_assert_cmpuint (own->status, ==, 200);

  old = fc_test_request (shared, "POST", AUTH "oauth/login/", NULL, old_login);
  g_assert_cmpuint (old->status, ==, 400);
  new_access = fc_test_login (shared, email, "An0ther-Secret", NULL);
  g_assert_nonnull (new_access);
}

/* A server that also writes its mails to DATA_DIR/mail.txt. */
static FcTestServer *
start_with_mail_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fitcore-mail-XXXXXX", NULL);
  g_autofree char *mail = g_build_filename (dir, "mail.txt", NULL);
  g_autofree char *config = g_strdup_printf ("[server]\npassword_iterations=1000\nmail_file=%s\n", mail);
  FcTestServer *server = fc_test_server_start_in (dir, config, NULL);

  server->owns_data_dir = TRUE;
  return server;
}

/* The last mail the server logged to @address, from the mail_file. */
static char *
last_mail_line (FcTestServer *server,
                const char   *marker)
{
  g_autofree char *path = g_build_filename (server->data_dir, "mail.txt", NULL);
  g_autofree char *text = NULL;
  const char *found = NULL;
  const char *p;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (p = strstr (text, marker); p != NULL; p = strstr (p + 1, marker))
    found = p;
  g_assert_nonnull (found);
  return g_strndup (found + strlen (marker), strcspn (found + strlen (marker), "/\" \n"));
}

static void
test_password_reset (void)
{
  g_autoptr(FcTestServer) server = start_with_mail_file ();
  g_autofree char *uid = NULL;
  g_autofree char *token = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *bad_uid = NULL;
  g_autofree char *bad_token = NULL;
  g_autofree char *access = NULL;
  g_autoptr(FcTestResponse) r1 = NULL;
  g_autoptr(FcTestResponse) r2 = NULL;
  g_autoptr(FcTestResponse) r3 = NULL;
  g_autoptr(FcTestResponse) r4 = NULL;
  g_autoptr(FcTestResponse) r5 = NULL;
  g_autoptr(FcTestResponse) r6 = NULL;
  g_autoptr(FcTestResponse) r7 = NULL;
  g_autoptr(FcTestResponse) r8 = NULL;
  g_autoptr(FcTestResponse) r9 = NULL;
  g_autofree char *link = NULL;

  access = fc_test_register (server, "reset@fitcore.test", FC_ST_PASSWORD, NULL);

  r1 = fc_test_request (server, "POST", AUTH "oauth/password/reset/", NULL, "{\"email\":\"RESET@fitcore.test\"}");
  fc_st_assert_response (r1, 200, "{\"detail\":\"Password reset e-mail has been sent.\"}");
  r2 = fc_test_request (server, "POST", AUTH "oauth/password/reset/", NULL, "{\"email\":\"nobody@fitcore.test\"}");
  fc_st_assert_response (r2, 200, "{\"detail\":\"Password reset e-mail has been sent.\"}");
  r3 = fc_test_request (server, "POST", AUTH "oauth/password/reset/", NULL, "{\"email\":\"nope\"}");
  fc_st_assert_response (r3, 400, "{\"email\":[\"Enter a valid email address.\"]}");

  uid = last_mail_line (server, "password-reset-confirm/");
  g_assert_cmpstr (uid, ==, "1");
  {
    g_autofree char *marker = g_strdup_printf ("password-reset-confirm/%s/", uid);

    token = last_mail_line (server, marker);
  }

  r4 = fc_test_request (server, "POST", AUTH "oauth/password/reset/confirm/", NULL, "{}");
  fc_st_assert_response (r4, 400, "{\"new_password1\":[\"This field is required.\"],"
                                  "\"new_password2\":[\"This field is required.\"],"
                                  "\"uid\":[\"This field is required.\"],\"token\":[\"This field is required.\"]}");
  bad_uid = g_strdup_printf ("{\"uid\":\"zz\",\"token\":\"%s\",\"new_password1\":\"Brand-New-Pass1\","
                             "\"new_password2\":\"Brand-New-Pass1\"}", token);
  r5 = fc_test_request (server, "POST", AUTH "oauth/password/reset/confirm/", NULL, bad_uid);
  fc_st_assert_response (r5, 400, "{\"uid\":[\"Invalid value\"]}");
  bad_token = g_strdup_printf ("{\"uid\":\"%s\",\"token\":\"%sx\",\"new_password1\":\"Brand-New-Pass1\","
                               "\"new_password2\":\"Brand-New-Pass1\"}", uid, token);
  r6 = fc_test_request (server, "POST", AUTH "oauth/password/reset/confirm/", NULL, bad_token);
  fc_st_assert_response (r6, 400, "{\"token\":[\"Invalid value\"]}");

  confirm = g_strdup_printf ("{\"uid\":\"%s\",\"token\":\"%s\",\"new_password1\":\"Brand-New-Pass1\","
                             "\"new_password2\":\"Brand-New-Pass1\"}", uid, token);
  /* The mailed link itself says what to do and spends nothing. */
  link = g_strdup_printf (AUTH "password-reset-confirm/%s/%s/", uid, token);
  r9 = fc_test_request (server, "GET", link, NULL, NULL);
  g_assert_cmpuint (r9->status, ==, 200);
  g_assert_cmpstr (fc_json_get_string (fc_test_response_object (r9), "token"), ==, token);

  r7 = fc_test_request (server, "POST", AUTH "oauth/password/reset/confirm/", NULL, confirm);
  fc_st_assert_response (r7, 200, "{\"detail\":\"Password has been reset with the new password.\"}");
  /* Used once, dead: the password hash it covered has changed. */
  r8 = fc_test_request (server, "POST", AUTH "oauth/password/reset/confirm/", NULL, confirm);
  fc_st_assert_response (r8, 400, "{\"token\":[\"Invalid value\"]}");
  g_free (access);
  access = fc_test_login (server, "reset@fitcore.test", "Brand-New-Pass1", NULL);
}

static void
test_verify_email (void)
{
  g_autoptr(FcTestServer) server = start_with_mail_file ();
  g_autofree char *key = NULL;
  g_autofree char *body = NULL;
  g_autofree char *access = NULL;
  g_autoptr(FcTestResponse) r1 = NULL;
  g_autoptr(FcTestResponse) r2 = NULL;
  g_autoptr(FcTestResponse) r3 = NULL;
  g_autoptr(FcTestResponse) r4 = NULL;
  g_autoptr(FcTestResponse) r5 = NULL;
  g_autoptr(FcTestResponse) r6 = NULL;
  g_autoptr(FcTestResponse) r7 = NULL;
  g_autoptr(FcTestResponse) r8 = NULL;
  g_autoptr(FcTestResponse) r9 = NULL;
  g_autofree char *link_key = NULL;
  g_autofree char *link = NULL;
  FcSql *db;

  access = fc_test_register (server, "ver@fitcore.test", FC_ST_PASSWORD, NULL);
  r1 = fc_test_request (server, "POST", AUTH "registration/resend-email/", NULL, "{\"email\":\"ver@fitcore.test\"}");
  fc_st_assert_response (r1, 200, "{\"detail\":\"ok\"}");
  r2 = fc_test_request (server, "POST", AUTH "registration/resend-email/", NULL, "{}");
  fc_st_assert_response (r2, 400, "{\"email\":[\"This field is required.\"]}");
  r3 = fc_test_request (server, "POST", AUTH "registration/resend-email/", NULL, "{\"email\":\"who@fitcore.test\"}");
  fc_st_assert_response (r3, 200, "{\"detail\":\"ok\"}");

  key = last_mail_line (server, "account-confirm-email/");
  r4 = fc_test_request (server, "POST", AUTH "registration/verify-email/", NULL, "{\"key\":\"wrong\"}");
  fc_st_assert_response (r4, 404, "{\"detail\":\"Not found.\"}");
  r5 = fc_test_request (server, "POST", AUTH "registration/verify-email/", NULL, "{}");
  fc_st_assert_response (r5, 400, "{\"key\":[\"This field is required.\"]}");
  body = g_strdup_printf ("{\"key\":\"%s\"}", key);
  r6 = fc_test_request (server, "POST", AUTH "registration/verify-email/", NULL, body);
  fc_st_assert_response (r6, 200, "{\"detail\":\"ok\"}");

  /* The mailed link confirms with a plain GET; a used key is gone. */
  g_free (access);
  access = fc_test_register (server, "link@fitcore.test", FC_ST_PASSWORD, NULL);
  link_key = last_mail_line (server, "account-confirm-email/");
  link = g_strdup_printf (AUTH "registration/account-confirm-email/%s/", link_key);
  r8 = fc_test_request (server, "GET", link, NULL, NULL);
  fc_st_assert_response (r8, 200, "{\"detail\":\"ok\"}");
  r9 = fc_test_request (server, "GET", link, NULL, NULL);
  fc_st_assert_response (r9, 404, "{\"detail\":\"Not found.\"}");
  db = fc_st_open_db (server);
  g_assert_cmpint (fc_st_query_int (db, "SELECT email_verified FROM users WHERE email = 'link@fitcore.test'"), ==, 1);
  fc_sql_close (db);

  /* A verified address is a field error, not the bare list. */
  r7 = fc_test_request (server, "POST", AUTH "registration/", NULL,
                        "{\"email\":\"ver@fitcore.test\",\"password1\":\"" FC_ST_PASSWORD "\",\"password2\":\""
                        FC_ST_PASSWORD "\",\"first_name\":\"A\",\"last_name\":\"B\"}");
  fc_st_assert_response (r7, 400, "{\"email\":[\"A user is already registered with this e-mail address.\"]}");
}

static void
test_throttling (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("login_failures_limit=3\nlogin_failures_window=60", FALSE);
  g_autofree char *access = fc_st_register (server, "thr@fitcore.test");
  g_autoptr(FcTestResponse) blocked = NULL;
  g_autoptr(FcTestResponse) good = NULL;
  const char *retry;

  for (int i = 0; i < 3; i++) {
    g_autoptr(FcTestResponse) wrong = fc_test_request (server, "POST", AUTH "oauth/login/", NULL,
                                                       "{\"email\":\"thr@fitcore.test\",\"password\":\"nope\"}");

    g_assert_cmpuint (wrong->status, ==, 400);
  }
  blocked = fc_test_request (server, "POST", AUTH "oauth/login/", NULL,
                             "{\"email\":\"thr@fitcore.test\",\"password\":\"nope\"}");
  g_assert_cmpuint (blocked->status, ==, 429);
  retry = soup_message_headers_get_one (blocked->headers, "Retry-After");
  g_assert_nonnull (retry);
  g_assert_cmpint (g_ascii_strtoll (retry, NULL, 10), >, 0);
  g_assert_cmpint (g_ascii_strtoll (retry, NULL, 10), <=, 60);
  {
    g_autofree char *expected = g_strdup_printf ("{\"detail\":\"Request was throttled. Expected available "
                                                 "in %s seconds.\"}", retry);

    fc_st_assert_response (blocked, 429, expected);
  }
  /* Even the right password waits now. */
  good = fc_test_request (server, "POST", AUTH "oauth/login/", NULL,
                          "{\"email\":\"thr@fitcore.test\",\"password\":\"" FC_ST_PASSWORD "\"}");
  g_assert_cmpuint (good->status, ==, 429);
}

static void
test_google (void)
{
  g_autoptr(FcTestResponse) empty = fc_test_request (shared, "POST", AUTH "google/login/", NULL, "{}");
  g_autoptr(FcTestResponse) code = fc_test_request (shared, "POST", AUTH "google/login/", NULL, "{\"code\":\"x\"}");
  g_autoptr(FcTestResponse) get = fc_test_request (shared, "GET", AUTH "google/login/", NULL, NULL);

  fc_st_assert_response (empty, 400, "{\"non_field_errors\":[\"Incorrect input. access_token or code is required.\"]}");
  fc_st_assert_response (code, 501, "{\"detail\":\"Google sign-in is not configured on this server.\"}");
  g_assert_cmpuint (get->status, ==, 405);
}

/* Every auth route × {anonymous, A, B, staff} × methods: each caller only
 * ever sees their own account, and protected routes refuse anonymity. */
static void
test_authorization_matrix (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, TRUE);
  g_autofree char *a = fc_st_register (server, "a@fitcore.test");
  g_autofree char *b = fc_st_register (server, "b@fitcore.test");
  g_autofree char *staff = fc_test_login (server, STAFF_EMAIL, STAFF_PASSWORD, NULL);
  const struct {
    const char *token;
    const char *email;
  } callers[] = { { NULL, NULL }, { a, "a@fitcore.test" }, { b, "b@fitcore.test" }, { staff, STAFF_EMAIL } };
  static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
  static const struct {
    const char *path;
    const char *allowed;   /* methods with a handler */
    gboolean    needs_auth;
  } routes[] = {
    { AUTH "registration/", "POST", FALSE },
    { AUTH "oauth/login/", "POST", FALSE },
    { AUTH "oauth/logout/", "POST", FALSE },
    { AUTH "oauth/user/", "GET PUT PATCH", TRUE },
    { AUTH "oauth/token/refresh/", "POST", FALSE },
    { AUTH "oauth/token/verify/", "POST", FALSE },
    { AUTH "oauth/password/change/", "POST", TRUE },
    { AUTH "oauth/password/reset/", "POST", FALSE },
    { AUTH "oauth/password/reset/confirm/", "POST", FALSE },
    { AUTH "registration/verify-email/", "POST", FALSE },
    { AUTH "registration/resend-email/", "POST", FALSE },
    { AUTH "google/login/", "POST", FALSE },
    { AUTH "profile/", "GET PUT PATCH", TRUE },
  };

  for (gsize r = 0; r < G_N_ELEMENTS (routes); r++) {
    for (gsize c = 0; c < G_N_ELEMENTS (callers); c++) {
      for (gsize m = 0; m < G_N_ELEMENTS (methods); m++) {
        g_autoptr(FcTestResponse) response = NULL;
        gboolean allowed = strstr (routes[r].allowed, methods[m]) != NULL;
        const char *body = g_str_equal (methods[m], "GET") || g_str_equal (methods[m], "DELETE") ? NULL : "{}";

        /* Registration of a fresh account with {} is a 400: fine. */
        response = fc_test_request (server, methods[m], routes[r].path, callers[c].token, body);
        g_test_message ("%s %s as %s: %u", methods[m], routes[r].path,
                        callers[c].email != NULL ? callers[c].email : "anonymous", response->status);
        if (routes[r].needs_auth && callers[c].token == NULL) {
          g_assert_cmpuint (response->status, ==, 401);
        } else if (!allowed) {
          g_assert_cmpuint (response->status, ==, 405);
        } else {
          g_assert_cmpuint (response->status, !=, 405);
          g_assert_cmpuint (response->status, <, 500);
          if (routes[r].needs_auth && g_str_equal (methods[m], "GET")) {
            JsonObject *object = fc_test_response_object (response);
            JsonObject *user = fc_json_get_object (object, "user");
            const char *email = fc_json_get_string (user != NULL ? user : object, "email");

            g_assert_cmpuint (response->status, ==, 200);
            g_assert_cmpstr (email, ==, callers[c].email);
            /* Our extension: the account says whether it is staff. */
            if (user == NULL) {
              gboolean is_staff = !callers[c].token;

              g_assert_true (fc_json_get_boolean (object, "is_staff", &is_staff));
              g_assert_cmpint (is_staff, ==, callers[c].token == staff);
            }
          }
        }
      }
    }
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fc_st_init_environment ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/auth/registration", test_registration);
  g_test_add_func ("/server/auth/registration-errors", test_registration_errors);
  g_test_add_func ("/server/auth/login", test_login);
  g_test_add_func ("/server/auth/login-errors", test_login_errors);
  g_test_add_func ("/server/auth/bad-tokens", test_bad_tokens);
  g_test_add_func ("/server/auth/cookie-auth", test_cookie_auth);
  g_test_add_func ("/server/auth/deleted-and-inactive-user", test_deleted_and_inactive_user);
  g_test_add_func ("/server/auth/refresh-rotation", test_refresh_rotation);
  g_test_add_func ("/server/auth/refresh-errors", test_refresh_errors);
  g_test_add_func ("/server/auth/token-verify", test_token_verify);
  g_test_add_func ("/server/auth/token-expiry", test_token_expiry);
  g_test_add_func ("/server/auth/logout", test_logout);
  g_test_add_func ("/server/auth/user", test_user);
  g_test_add_func ("/server/auth/password-change", test_password_change);
  g_test_add_func ("/server/auth/password-reset", test_password_reset);
  g_test_add_func ("/server/auth/verify-email", test_verify_email);
  g_test_add_func ("/server/auth/throttling", test_throttling);
  g_test_add_func ("/server/auth/google", test_google);
  g_test_add_func ("/server/auth/authorization-matrix", test_authorization_matrix);

  shared = fc_st_start (NULL, FALSE);
  status = g_test_run ();
  fc_test_server_free (shared);
  return status;
}
