/* fc-jwt.h — simplejwt-compatible HS256 tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_JWT_ERROR (fc_jwt_error_quark ())

/**
 * FcJwtError:
 * @FC_JWT_ERROR_INVALID: malformed, bad signature, or an algorithm other than HS256
 * @FC_JWT_ERROR_EXPIRED: the "exp" claim is in the past
 * @FC_JWT_ERROR_WRONG_TYPE: a refresh token where an access token is expected, or the reverse
 * @FC_JWT_ERROR_CLAIMS: a claim the server needs is missing
 *
 * The error messages are simplejwt 5.5's, which clients show.
 */
typedef enum {
  FC_JWT_ERROR_INVALID,
  FC_JWT_ERROR_EXPIRED,
  FC_JWT_ERROR_WRONG_TYPE,
  FC_JWT_ERROR_CLAIMS,
} FcJwtError;

typedef struct {
  char   *token_type;
  char   *jti;
  gint64  user_id;
  gint64  iat;
  gint64  exp;
} FcJwtClaims;

GQuark       fc_jwt_error_quark  (void);

/* A fresh token with a random jti (32 hex digits, like uuid4().hex). */
char        *fc_jwt_encode       (const char   *secret,
                                  const char   *token_type,
                                  gint64        user_id,
                                  gint64        iat,
                                  gint64        exp,
                                  char        **out_jti);
/* Verifies signature, algorithm, expiry at @now (unix seconds) and, when
 * @expected_type is not NULL, the token type. */
FcJwtClaims *fc_jwt_decode       (const char   *secret,
                                  const char   *token,
                                  const char   *expected_type,
                                  gint64        now,
                                  GError      **error);
void         fc_jwt_claims_free  (FcJwtClaims  *claims);

/* RFC 7515's base64url without padding. Decoding is strict (any character
 * outside the alphabet: NULL), as a tampered token must not slip through. */
char        *fc_jwt_base64url_encode (const guint8 *data,
                                      gsize         length);
guint8      *fc_jwt_base64url_decode (const char   *text,
                                      gsize         length,
                                      gsize        *out_length);
/* Any compact JWS (other issuers' RS256 tokens too): its header and
 * payload objects and its signature bytes, which sign the first
 * @out_signing_length bytes of @token. Nothing is verified. FALSE when
 * it is not three base64url parts of which the first two are objects. */
gboolean     fc_jwt_split        (const char   *token,
                                  JsonObject  **out_header,
                                  JsonObject  **out_payload,
                                  GBytes      **out_signature,
                                  gsize        *out_signing_length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcJwtClaims, fc_jwt_claims_free)

G_END_DECLS
