/* fc-session.h — who is signed in, to which server, and their store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcSession is the app's one account service. It owns the FcApiClient, the
 * FcCredentials, the signed-in account's FcStore and its FcSyncEngine, and
 * hands the UI the store to read and the engine to ask for syncs. The UI
 * never sees HTTP: forms call the _async functions below and show the
 * FcApiProblem that a failed _finish gives back.
 *
 * State machine:
 *   SIGNED_OUT --sign_in/register/use_local--> SIGNED_IN
 *   (start) --restore finds tokens--> SIGNED_IN (offline too: the cached
 *           store opens without the network)
 *   SIGNED_IN --sign_out, or the refresh token revoked--> SIGNED_OUT
 * A revoked token keeps the store and its outbox on disk: signing in again
 * as the same account on the same server finds every queued write.
 */

#pragma once

#include <gio/gio.h>

#include "fc-api-client.h"
#include "fc-api-problem.h"
#include "fc-store.h"
#include "fc-sync-engine.h"

G_BEGIN_DECLS

typedef enum {
  FC_SESSION_SIGNED_OUT,
  FC_SESSION_RESTORING,
  FC_SESSION_SIGNED_IN,
} FcSessionState;

#define FC_TYPE_SESSION (fc_session_get_type ())
G_DECLARE_FINAL_TYPE (FcSession, fc_session, FC, SESSION, GObject)

FcSession      *fc_session_new                     (void);

/* Properties (all notify): "state", "server-url", "account" (e-mail),
 * "first-name", "last-name", "is-staff", "store", "sync-engine",
 * "secrets-persistent" (FALSE when tokens live in memory only, because no
 * Secret Service answered), "sections" (GStrv of what the server offers:
 * "auth", "nutrition", "workouts", ...). */
FcSessionState  fc_session_get_state               (FcSession           *self);
const char     *fc_session_get_server_url          (FcSession           *self);
const char     *fc_session_get_account             (FcSession           *self);
gboolean        fc_session_get_is_staff            (FcSession           *self);
FcStore        *fc_session_get_store               (FcSession           *self);
FcSyncEngine   *fc_session_get_sync_engine         (FcSession           *self);
gboolean        fc_session_get_secrets_persistent  (FcSession           *self);
const char * const *fc_session_get_sections        (FcSession           *self);
gboolean        fc_session_has_section             (FcSession           *self,
                                                    const char          *section);
/* Added: the account's names as the store knows them (NULL until known),
 * the client (NULL when signed out; for requests the store does not model
 * yet, never for the UI), and whether this is "use this computer only". */
const char     *fc_session_get_first_name          (FcSession           *self);
const char     *fc_session_get_last_name           (FcSession           *self);
FcApiClient    *fc_session_get_client              (FcSession           *self);
gboolean        fc_session_is_local                (FcSession           *self);
/* Whether the last session ended because the server said staff
 * deactivated the account ("signed-out" then says so). */
gboolean        fc_session_get_deactivated         (FcSession           *self);

/* A server image (a workout's thumbnail) as a local file: fetched once into
 * $XDG_CACHE_HOME/fitcore/media/, then served from there, offline too.
 * Fails with G_IO_ERROR_NOT_FOUND when it is not cached and the server
 * cannot be reached. */
void            fc_session_fetch_media_async       (FcSession           *self,
                                                    const char          *url,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GFile          *fc_session_fetch_media_finish      (FcSession           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Signals:
 *   "signed-out" (const char *reason, gboolean by_user): the refresh token
 *      was revoked or expired (by_user FALSE), or the user signed out.
 *   "secrets-unavailable": emitted once per run when tokens cannot be kept
 *      in the Secret Service; the UI tells the user once. */

/* At start: the last account used with @server_url, from the Secret Service.
 * Finishes TRUE when signed in (with or without the network), FALSE with no
 * error when there is nobody to restore. */
void            fc_session_restore_async           (FcSession           *self,
                                                    const char          *server_url,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        fc_session_restore_finish          (FcSession           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Forms. On failure @problem (if not NULL) receives the server's per-field
 * messages for the form; @error says it in one sentence. */
void            fc_session_sign_in_async           (FcSession           *self,
                                                    const char          *server_url,
                                                    const char          *email,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        fc_session_sign_in_finish          (FcSession           *self,
                                                    GAsyncResult        *result,
                                                    FcApiProblem       **problem,
                                                    GError             **error);
/* Signs in with a Google ID token (src/sync/fc-google-sign-in.c gets it):
 * POST auth/google/login/, then the session goes on as after
 * fc_session_sign_in_async(), its account the e-mail the server answers. */
void            fc_session_sign_in_with_google_async  (FcSession           *self,
                                                       const char          *server_url,
                                                       const char          *id_token,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean        fc_session_sign_in_with_google_finish (FcSession           *self,
                                                       GAsyncResult        *result,
                                                       FcApiProblem       **problem,
                                                       GError             **error);
void            fc_session_register_async          (FcSession           *self,
                                                    const char          *server_url,
                                                    const char          *email,
                                                    const char          *password1,
                                                    const char          *password2,
                                                    const char          *first_name,
                                                    const char          *last_name,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        fc_session_register_finish         (FcSession           *self,
                                                    GAsyncResult        *result,
                                                    FcApiProblem       **problem,
                                                    GError             **error);
void            fc_session_request_password_reset_async  (FcSession           *self,
                                                          const char          *server_url,
                                                          const char          *email,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean        fc_session_request_password_reset_finish (FcSession           *self,
                                                          GAsyncResult        *result,
                                                          FcApiProblem       **problem,
                                                          GError             **error);

/* "Use this computer only": starts the bundled fitcore-server (FcLocalServer)
 * on a free loopback port with its data in the app's data dir, creates a
 * local account on first use (its password kept in the Secret Service), and
 * signs in. Details (added):
 * - the data dir is $XDG_DATA_HOME/fitcore/local-server; the account is
 *   me@localhost.localdomain, made a staff account with
 *   fc_local_server_create_account_async() (the only user of a private
 *   server is its administrator). Its random password is a libsecret item
 *   of the schema "org.fitcore.FitCore.LocalServer" (attributes `data-dir`,
 *   `account`): FcCredentials only keeps tokens. If the Secret Service lost
 *   it, or has none, a new password is set the same way; nothing is lost.
 * - the port changes on every start, so the store and the tokens are keyed
 *   by "local:<data dir>", not by the URL; "server-url" is the live URL.
 * - the app starts such a session again by calling this again at start-up
 *   (fc_session_restore_async() is for remote servers).
 * - sign-out and finalize stop the server. */
void            fc_session_use_local_server_async  (FcSession           *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        fc_session_use_local_server_finish (FcSession           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Tells the server (best effort), forgets the tokens, closes the store. The
 * store file and its outbox stay on disk. Always ends signed out. */
void            fc_session_sign_out_async          (FcSession           *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void            fc_session_sign_out_finish         (FcSession           *self,
                                                    GAsyncResult        *result);

G_END_DECLS
