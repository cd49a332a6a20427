/* fc-google-sign-in.h — "Continue with Google": the browser, a loopback redirect, PKCE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * OAuth 2.0 for native apps (RFC 8252) against an OpenID provider (Google by
 * default), then the FitCore server's auth/google/login/ through FcSession:
 *
 *   1. GET {issuer}/.well-known/openid-configuration (its "issuer" must be
 *      the configured one; endpoints https, or http on loopback);
 *   2. a SoupServer on 127.0.0.1 and a random port waits for the redirect
 *      to http://127.0.0.1:PORT/oauth2callback;
 *   3. `state` and a PKCE verifier (S256) from GnuTLS's CSPRNG, and the
 *      authorization URL goes to ::open-uri, whose
 *      default handler opens the system browser through GIO (the OpenURI
 *      portal under Flatpak);
 *   4. the redirect's `state` must be ours (else the flow ends refused);
 *      `error=access_denied` is the user's Cancel; the browser gets a page
 *      that says it can be closed, and the listener closes;
 *   5. POST the token endpoint (form-encoded, with the code_verifier) for
 *      the id_token;
 *   6. fc_session_sign_in_with_google_async(): from there on the session
 *      is the same as after a password sign-in (tokens go to the Secret
 *      Service only).
 *
 * Cancelling the GCancellable (the app's Cancel button) or the timeout
 * (#FcGoogleSignIn:timeout, 5 minutes) closes the listener at once. One
 * flow at a time per object.
 */

#pragma once

#include <gio/gio.h>

#include "fc-api-problem.h"
#include "fc-session.h"

G_BEGIN_DECLS

#define FC_GOOGLE_SIGN_IN_ERROR (fc_google_sign_in_error_quark ())

/**
 * FcGoogleSignInError:
 * @FC_GOOGLE_SIGN_IN_ERROR_NOT_CONFIGURED: no client id is configured
 * @FC_GOOGLE_SIGN_IN_ERROR_CANCELLED: the user pressed Cancel in the browser
 *   (`error=access_denied`)
 * @FC_GOOGLE_SIGN_IN_ERROR_PROVIDER: the provider could not be reached, or
 *   answered an error or something unexpected
 * @FC_GOOGLE_SIGN_IN_ERROR_STATE: the redirect's `state` was not this
 *   flow's: refused (RFC 6749 §10.12)
 * @FC_GOOGLE_SIGN_IN_ERROR_TIMEOUT: no redirect came in time
 * @FC_GOOGLE_SIGN_IN_ERROR_BROWSER: no browser could be opened
 * @FC_GOOGLE_SIGN_IN_ERROR_UNSUPPORTED: the FitCore server does not offer
 *   Google sign-in (it answered 404 or 501)
 *
 * The FitCore server's other refusals are %FC_API_ERROR errors with their
 * #FcApiProblem.
 */
typedef enum {
  FC_GOOGLE_SIGN_IN_ERROR_NOT_CONFIGURED,
  FC_GOOGLE_SIGN_IN_ERROR_CANCELLED,
  FC_GOOGLE_SIGN_IN_ERROR_PROVIDER,
  FC_GOOGLE_SIGN_IN_ERROR_STATE,
  FC_GOOGLE_SIGN_IN_ERROR_TIMEOUT,
  FC_GOOGLE_SIGN_IN_ERROR_BROWSER,
  FC_GOOGLE_SIGN_IN_ERROR_UNSUPPORTED,
} FcGoogleSignInError;

GQuark fc_google_sign_in_error_quark (void);

#define FC_GOOGLE_SIGN_IN_DEFAULT_ISSUER "https://accounts.google.com"

#define FC_TYPE_GOOGLE_SIGN_IN (fc_google_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (FcGoogleSignIn, fc_google_sign_in, FC, GOOGLE_SIGN_IN, GObject)

/* @issuer: (nullable): NULL or "" for Google. @client_id: the OAuth client
 * id ("Desktop app"), "" when none is configured. @client_secret:
 * (nullable): Google's desktop clients have one, which it does not treat as
 * a secret; sent to the token endpoint when set. */
FcGoogleSignIn *fc_google_sign_in_new              (const char          *issuer,
                                                    const char          *client_id,
                                                    const char          *client_secret);
const char     *fc_google_sign_in_get_issuer       (FcGoogleSignIn      *self);
gboolean        fc_google_sign_in_is_configured    (FcGoogleSignIn      *self);
/* "http://127.0.0.1:PORT/oauth2callback" while waiting for the browser,
 * NULL before and after. */
const char     *fc_google_sign_in_get_redirect_uri (FcGoogleSignIn      *self);

/* Signals:
 *   "open-uri" (const char *uri) → gboolean: the authorization URL is
 *      ready; a handler that opened it returns TRUE. The default handler
 *      opens it with g_app_info_launch_default_for_uri_async(). */

/* Signs @session in to @server_url with the Google account the user picks
 * in the browser. On failure @problem (if not NULL) receives the FitCore
 * server's answer when it refused; @error says it in one sentence. */
void            fc_google_sign_in_run_async        (FcGoogleSignIn      *self,
                                                    FcSession           *session,
                                                    const char          *server_url,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        fc_google_sign_in_run_finish       (FcGoogleSignIn      *self,
                                                    GAsyncResult        *result,
                                                    FcApiProblem       **problem,
                                                    GError             **error);

G_END_DECLS
