/* fc-jwt.c — simplejwt-compatible HS256 tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-jwt"

#include "config.h"

#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <string.h>

#include "fc-json.h"
#include "fc-jwt.h"
#include "fc-random.h"

G_DEFINE_QUARK (fc-jwt-error-quark, fc_jwt_error)

/* GLib has standard base64 only; JWTs use the URL alphabet without padding
 * (RFC 7515 §2), so translate around g_base64_*(). */
char *
fc_jwt_base64url_encode (const guint8 *data,
                         gsize         length)
{
  char *text = g_base64_encode (data, length);
  gsize n = strlen (text);

  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';
  for (char *p = text; *p != '\0'; p++) {
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
  }
  return text;
}

/* Strict: g_base64_decode() silently skips characters outside the
 * alphabet, which would let a tampered token through unnoticed. */
guint8 *
fc_jwt_base64url_decode (const char *text,
                         gsize       length,
                         gsize      *out_length)
{
  g_autoptr(GString) padded = g_string_sized_new (length + 3);

  if (length % 4 == 1)
    return NULL;
  for (gsize i = 0; i < length; i++) {
    char c = text[i];

    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (!g_ascii_isalnum (c))
      return NULL;
    g_string_append_c (padded, c);
  }
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');
  return g_base64_decode (padded->str, out_length);
}

static char *
sign (const char *secret,
      const char *signing_input,
      gsize       length)
{
  struct hmac_sha256_ctx ctx;
  guint8 digest[SHA256_DIGEST_SIZE];

  hmac_sha256_set_key (&ctx, strlen (secret), (const guint8 *) secret);
  hmac_sha256_update (&ctx, length, (const guint8 *) signing_input);
  hmac_sha256_digest (&ctx, sizeof digest, digest);
  return fc_jwt_base64url_encode (digest, sizeof digest);
}

char *
fc_jwt_encode (const char  *secret,
               const char  *token_type,
               gint64       user_id,
               gint64       iat,
               gint64       exp,
               char       **out_jti)
{
  static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  g_autofree char *jti = fc_random_hex_id ();
  g_autofree char *payload = NULL;
  g_autofree char *header64 = NULL;
  g_autofree char *payload64 = NULL;
  g_autofree char *input = NULL;
  g_autofree char *signature = NULL;

  g_return_val_if_fail (secret != NULL && token_type != NULL, NULL);

  /* Claim order as simplejwt writes them. */
  payload = g_strdup_printf ("{\"token_type\":\"%s\",\"exp\":%" G_GINT64_FORMAT
                             ",\"iat\":%" G_GINT64_FORMAT ",\"jti\":\"%s\",\"user_id\":%"
                             G_GINT64_FORMAT "}",
                             token_type, exp, iat, jti, user_id);
  header64 = fc_jwt_base64url_encode ((const guint8 *) header, strlen (header));
  payload64 = fc_jwt_base64url_encode ((const guint8 *) payload, strlen (payload));
  input = g_strconcat (header64, ".", payload64, NULL);
  signature = sign (secret, input, strlen (input));

  if (out_jti != NULL)
    *out_jti = g_steal_pointer (&jti);
  return g_strconcat (input, ".", signature, NULL);
}

static JsonObject *
decode_part (const char *text,
             gsize       length)
{
  g_autofree guint8 *json = NULL;
  gsize json_length = 0;

  json = fc_jwt_base64url_decode (text, length, &json_length);
  if (json == NULL || json_length == 0)
    return NULL;
  return fc_json_parse_object ((const char *) json, json_length, NULL);
}

gboolean
fc_jwt_split (const char  *token,
              JsonObject **out_header,
              JsonObject **out_payload,
              GBytes     **out_signature,
              gsize       *out_signing_length)
{
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) payload = NULL;
  guint8 *signature;
  gsize signature_length = 0;
  const char *dot1, *dot2;

  if (token == NULL)
    return FALSE;
  dot1 = strchr (token, '.');
  dot2 = dot1 != NULL ? strchr (dot1 + 1, '.') : NULL;
  if (dot1 == NULL || dot2 == NULL || strchr (dot2 + 1, '.') != NULL)
    return FALSE;
  header = decode_part (token, dot1 - token);
  payload = decode_part (dot1 + 1, dot2 - dot1 - 1);
  if (header == NULL || payload == NULL)
    return FALSE;
  /* An empty signature decodes to nothing: "alg":"none" tokens end in ".". */
  signature = fc_jwt_base64url_decode (dot2 + 1, strlen (dot2 + 1), &signature_length);
  if (signature == NULL)
    return FALSE;
  *out_header = g_steal_pointer (&header);
  *out_payload = g_steal_pointer (&payload);
  *out_signature = g_bytes_new_take (signature, signature_length);
  *out_signing_length = dot2 - token;
  return TRUE;
}

FcJwtClaims *
fc_jwt_decode (const char  *secret,
               const char  *token,
               const char  *expected_type,
               gint64       now,
               GError     **error)
{
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(FcJwtClaims) claims = NULL;
  g_autoptr(GBytes) given = NULL;
  g_autofree char *expected = NULL;
  g_autofree guint8 *wanted = NULL;
  gsize signing_length = 0, wanted_length = 0;
  const char *alg, *type, *jti;

  g_return_val_if_fail (secret != NULL, NULL);

  if (!fc_jwt_split (token, &header, &payload, &given, &signing_length))
    goto invalid;
  /* Only HS256: "none" and every other algorithm are refused outright. */
  alg = fc_json_get_string (header, "alg");
  if (alg == NULL || !g_str_equal (alg, "HS256"))
    goto invalid;

  expected = sign (secret, token, signing_length);
  wanted = fc_jwt_base64url_decode (expected, strlen (expected), &wanted_length);
  if (wanted == NULL || g_bytes_get_size (given) != wanted_length ||
      !memeql_sec (g_bytes_get_data (given, NULL), wanted, wanted_length))
    goto invalid;

  claims = g_new0 (FcJwtClaims, 1);
  if (fc_json_has_member (payload, "iat") && !fc_json_get_int (payload, "iat", &claims->iat))
    goto invalid;
  if (claims->iat > now)
    goto invalid;
  if (fc_json_has_member (payload, "exp")) {
    if (!fc_json_get_int (payload, "exp", &claims->exp))
      goto invalid;
    if (claims->exp <= now) {
      g_set_error_literal (error, FC_JWT_ERROR, FC_JWT_ERROR_EXPIRED, "Token is expired");
      return NULL;
    }
  } else {
    g_set_error_literal (error, FC_JWT_ERROR, FC_JWT_ERROR_CLAIMS, "Token has no 'exp' claim");
    return NULL;
  }

  jti = fc_json_get_string (payload, "jti");
  if (jti == NULL) {
    g_set_error_literal (error, FC_JWT_ERROR, FC_JWT_ERROR_CLAIMS, "Token has no id");
    return NULL;
  }
  claims->jti = g_strdup (jti);

  type = fc_json_get_string (payload, "token_type");
  if (type == NULL) {
    g_set_error_literal (error, FC_JWT_ERROR, FC_JWT_ERROR_WRONG_TYPE, "Token has no type");
    return NULL;
  }
  if (expected_type != NULL && !g_str_equal (type, expected_type)) {
    g_set_error_literal (error, FC_JWT_ERROR, FC_JWT_ERROR_WRONG_TYPE, "Token has wrong type");
    return NULL;
  }
  claims->token_type = g_strdup (type);

  if (!fc_json_get_int (payload, "user_id", &claims->user_id)) {
    g_set_error_literal (error, FC_JWT_ERROR, FC_JWT_ERROR_CLAIMS,
                         "Token contained no recognizable user identification");
    return NULL;
  }

  return g_steal_pointer (&claims);

invalid:
  g_set_error_literal (error, FC_JWT_ERROR, FC_JWT_ERROR_INVALID, "Token is invalid");
  return NULL;
}

void
fc_jwt_claims_free (FcJwtClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->token_type);
  g_free (claims->jti);
  g_free (claims);
}
