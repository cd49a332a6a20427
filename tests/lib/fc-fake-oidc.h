/* fc-fake-oidc.h — a small OpenID provider (Google's part of it) for the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on 127.0.0.1 in its own thread and main context (a test
 * blocked in a synchronous request to fitcore-server still gets its
 * answers), whose issuer is its base URL. It speaks OpenID Connect as
 * Google does:
 *
 *   GET  /.well-known/openid-configuration  → the discovery document
 *   GET  /oauth2/v3/certs                   → the JWKS, with Cache-Control max-age
 *   GET  /o/oauth2/v2/auth                  → the consent, scripted: a 302 to the
 *        redirect_uri with code and state, or error=access_denied and state
 *   POST /token                             → authorization_code grant with PKCE
 *        (S256 checked), answering an RS256-signed id_token; errors are
 *        RFC 6749's {"error","error_description"}
 *
 * Its keys are RSA 2048 made with GnuTLS when it starts; it can rotate to
 * a new key (keeping the old one published or not) and sign tokens with a
 * key it never publishes, with other algorithms or a made-up kid, so tests
 * can build every kind of bad token.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _FcFakeOidc FcFakeOidc;

typedef enum {
  FC_FAKE_OIDC_KEY_CURRENT,  /* the key the JWKS publishes last, under its kid */
  FC_FAKE_OIDC_KEY_FOREIGN,  /* a key never published, under the current kid */
} FcFakeOidcKey;

typedef enum {
  FC_FAKE_OIDC_CONSENT_ALLOW,
  FC_FAKE_OIDC_CONSENT_DENY,   /* the user pressed Cancel: error=access_denied */
} FcFakeOidcConsent;

/* @client_id: the only client it knows (the server's google_client_id). */
FcFakeOidc *fc_fake_oidc_new           (const char        *client_id);
void        fc_fake_oidc_free          (FcFakeOidc        *self);
/* "http://127.0.0.1:PORT": the issuer, and the server's google_issuer. */
const char *fc_fake_oidc_get_issuer    (FcFakeOidc        *self);
const char *fc_fake_oidc_get_client_id (FcFakeOidc        *self);

/* The JWKS's Cache-Control max-age (default 3600). */
void        fc_fake_oidc_set_jwks_max_age (FcFakeOidc     *self,
                                        guint              seconds);
/* A new current key; the old ones stay published when @keep_old. Returns
 * the new kid. */
char       *fc_fake_oidc_rotate        (FcFakeOidc        *self,
                                        gboolean           keep_old);
/* With @status not 0, every request is answered @status (the provider is
 * down); 0 answers normally again. */
void        fc_fake_oidc_set_failure   (FcFakeOidc        *self,
                                        guint              status);
/* While @hold, requests are parked unanswered (a slow provider); taking
 * the hold off answers them. */
void        fc_fake_oidc_hold          (FcFakeOidc        *self,
                                        gboolean           hold);
/* How many requests are parked now. */
guint       fc_fake_oidc_held          (FcFakeOidc        *self);
/* Requests taken per endpoint: "discovery", "jwks", "authorize", "token". */
guint       fc_fake_oidc_count         (FcFakeOidc        *self,
                                        const char        *endpoint);

/* Claims as Google writes them for @sub and @email (iss, azp, aud, sub,
 * email, email_verified true, at_hash-less, iat now, exp in an hour,
 * name, given_name, family_name). */
JsonObject *fc_fake_oidc_claims        (FcFakeOidc        *self,
                                        const char        *sub,
                                        const char        *email);
/* A compact JWS of @claims. @alg "RS256" signs with @key; "HS256" signs
 * with HMAC keyed by the published modulus (the algorithm-confusion
 * attack); "none" leaves the signature empty. @kid NULL: the current one. */
char       *fc_fake_oidc_sign          (FcFakeOidc        *self,
                                        JsonObject        *claims,
                                        const char        *alg,
                                        const char        *kid,
                                        FcFakeOidcKey      key);

/* Who consents at the authorize endpoint, and whether. */
void        fc_fake_oidc_set_consent   (FcFakeOidc        *self,
                                        FcFakeOidcConsent  consent,
                                        const char        *sub,
                                        const char        *email);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcFakeOidc, fc_fake_oidc_free)

G_END_DECLS
