/* test-jwt.c — simplejwt-compatible tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fc-jwt.h"
#include "fc-server-test-util.h"

#define SECRET "test-secret-key"
#define NOW 1795594328

static void
test_round_trip (void)
{
  g_autofree char *jti = NULL;
  g_autofree char *token = fc_jwt_encode (SECRET, "access", 42, NOW, NOW + 1800, &jti);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = fc_jwt_decode (SECRET, token, "access", NOW + 5, &error);
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autofree guchar *header = NULL;
  gsize length;

  g_assert_no_error (error);
  g_assert_nonnull (claims);
  g_assert_cmpint (claims->user_id, ==, 42);
  g_assert_cmpint (claims->iat, ==, NOW);
  g_assert_cmpint (claims->exp, ==, NOW + 1800);
  g_assert_cmpstr (claims->token_type, ==, "access");
  g_assert_cmpstr (claims->jti, ==, jti);
  g_assert_cmpuint (strlen (jti), ==, 32);

  /* Three base64url parts without padding, and PyJWT's header. */
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_assert_null (strchr (token, '='));
  g_assert_null (strchr (token, '+'));
  g_assert_null (strchr (token, '/'));
  header = g_base64_decode (parts[0], &length);
  g_assert_cmpmem (header, length, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", 27);
}

/* A token signed outside our code: the signature was computed once with
 * Python's hmac.new(b"test-secret-key", header + "." + payload, sha256), as
 * PyJWT signs HS256, for {"token_type":"access","exp":1795596128,
 * "iat":1795594328,"jti":"e3c7","user_id":2}. */
static void
test_python_vector (void)
{
  static const char token[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzk1NTk2MTI4LCJpYXQiOjE3OTU1OTQzMjgsImp0aSI6ImUzYzciLCJ1c2VyX2lkIjoyfQ."
    "_RLfTU1eT7qqZ4336chEvFVkbrhil9K3t0YjeoJbLiU";
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = fc_jwt_decode (SECRET, token, "access", NOW, &error);

  g_assert_no_error (error);
  g_assert_cmpint (claims->user_id, ==, 2);
  g_assert_cmpstr (claims->jti, ==, "e3c7");
}

static void
test_tampered (void)
{
  g_autofree char *token = fc_jwt_encode (SECRET, "access", 1, NOW, NOW + 60, NULL);
  g_autofree char *forged_payload = fc_st_b64url ("{\"token_type\":\"access\",\"exp\":9999999999,"
                                            "\"iat\":1,\"jti\":\"x\",\"user_id\":2}");
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autofree char *forged = g_strjoin (".", parts[0], forged_payload, parts[2], NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = NULL;
  char *flipped = g_strdup (token);

  claims = fc_jwt_decode (SECRET, forged, "access", NOW, &error);
  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Token is invalid");
  g_clear_error (&error);

  /* Another key. */
  claims = fc_jwt_decode ("other-secret", token, "access", NOW, &error);
  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID);
  g_clear_error (&error);

  /* One character of the signature changed. */
  flipped[strlen (flipped) - 2] = flipped[strlen (flipped) - 2] == 'A' ? 'B' : 'A';
  claims = fc_jwt_decode (SECRET, flipped, "access", NOW, &error);
  g_free (flipped);
  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID);
}

static void
test_alg_none (void)
{
  g_autofree char *header = fc_st_b64url ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_autofree char *header512 = fc_st_b64url ("{\"alg\":\"HS512\",\"typ\":\"JWT\"}");
  g_autofree char *payload = fc_st_b64url ("{\"token_type\":\"access\",\"exp\":9999999999,"
                                     "\"iat\":1,\"jti\":\"x\",\"user_id\":1}");
  g_autofree char *none = g_strconcat (header, ".", payload, ".", NULL);
  g_autofree char *hs512 = g_strconcat (header512, ".", payload, ".abc", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = NULL;

  claims = fc_jwt_decode (SECRET, none, "access", NOW, &error);
  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID);
  g_clear_error (&error);

  claims = fc_jwt_decode (SECRET, hs512, "access", NOW, &error);
  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID);
}

static void
test_wrong_type (void)
{
  g_autofree char *token = fc_jwt_encode (SECRET, "refresh", 1, NOW, NOW + 60, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = fc_jwt_decode (SECRET, token, "access", NOW, &error);

  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "Token has wrong type");
  g_clear_error (&error);

  /* Untyped verification (token/verify/) takes either kind. */
  claims = fc_jwt_decode (SECRET, token, NULL, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (claims->token_type, ==, "refresh");
}

static void
test_expired (void)
{
  g_autofree char *token = fc_jwt_encode (SECRET, "access", 1, NOW, NOW + 60, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = NULL;

  claims = fc_jwt_decode (SECRET, token, "access", NOW + 59, &error);
  g_assert_no_error (error);
  g_clear_pointer (&claims, fc_jwt_claims_free);

  /* PyJWT: expired once exp <= now. */
  claims = fc_jwt_decode (SECRET, token, "access", NOW + 60, &error);
  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==, "Token is expired");
}

static void
test_malformed (void)
{
  static const char * const inputs[] = {
    "", "abc", "a.b", "a.b.c.d", "!!!.###.$$$", "eyJhbGciOiJIUzI1NiJ9..", "....",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(FcJwtClaims) claims = fc_jwt_decode (SECRET, inputs[i], "access", NOW, &error);

    g_assert_null (claims);
    g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID);
  }
}

/* The header is parsed before the signature is checked, so anyone could
 * send a header nested 80,000 levels; a payload needs the key. Both
 * overflowed json-glib's parser. */
static void
test_deep_json (void)
{
  g_autofree char *arrays = g_strnfill (80000, '[');
  g_autoptr(GString) objects = g_string_new (NULL);
  g_autofree char *deep_header = NULL;
  g_autofree char *deep_payload = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = NULL;

  for (guint i = 0; i < 60000; i++)
    g_string_append (objects, "{\"a\":");
  deep_header = fc_st_jwt_sign (SECRET, arrays, "{}");
  deep_payload = fc_st_jwt_sign (SECRET, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", objects->str);

  claims = fc_jwt_decode (SECRET, deep_header, NULL, NOW, &error);
  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID);
  g_clear_error (&error);

  claims = fc_jwt_decode (SECRET, deep_payload, NULL, NOW, &error);
  g_assert_null (claims);
  g_assert_error (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/jwt/round-trip", test_round_trip);
  g_test_add_func ("/server/jwt/python-vector", test_python_vector);
  g_test_add_func ("/server/jwt/tampered", test_tampered);
  g_test_add_func ("/server/jwt/alg-none", test_alg_none);
  g_test_add_func ("/server/jwt/wrong-type", test_wrong_type);
  g_test_add_func ("/server/jwt/expired", test_expired);
  g_test_add_func ("/server/jwt/malformed", test_malformed);
  g_test_add_func ("/server/jwt/deep-json", test_deep_json);

  return g_test_run ();
}
