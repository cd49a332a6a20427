/* fc-jwt.h — simplejwt-compatible HS256 tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcJwtClaims, fc_jwt_claims_free)

G_END_DECLS
