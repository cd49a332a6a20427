/* fc-credentials.h — the account's tokens, in the Secret Service only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tokens live in the Secret Service (GNOME Keyring, KWallet ...) through
 * libsecret, as items of the schema "org.fitcore.FitCore.Token" with the
 * attributes `server` (the base URL), `account` (the e-mail address) and
 * `kind` ("access" or "refresh").
 *
 * When there is no Secret Service, or it fails, or it does not answer within
 * #FcCredentials:timeout (a locked collection waiting on an unlock prompt),
 * FcCredentials falls back to memory for the rest of the run:
 * #FcCredentials:persistent turns FALSE, #FcCredentials::fallback is emitted
 * once, and fc_credentials_take_fallback_notice() returns TRUE once, so that
 * the UI tells the user exactly once that they will have to sign in again
 * next time. Tokens are never written anywhere else.
 *
 * Because of that fallback, the calls below fail only when cancelled
 * (%G_IO_ERROR_CANCELLED).
 */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define FC_TYPE_CREDENTIALS (fc_credentials_get_type ())

G_DECLARE_FINAL_TYPE (FcCredentials, fc_credentials, FC, CREDENTIALS, GObject)

/* The libsecret schema of the token items. */
const SecretSchema *fc_credentials_get_schema            (void) G_GNUC_CONST;

FcCredentials      *fc_credentials_new                   (void);

/* FALSE once the Secret Service failed and tokens are kept in memory. */
gboolean            fc_credentials_get_persistent        (FcCredentials        *self);
/* TRUE the first time it is called after the fallback, FALSE otherwise. */
gboolean            fc_credentials_take_fallback_notice  (FcCredentials        *self);

/* Stores both tokens of @account on @server; a NULL token removes that item. */
void                fc_credentials_store_async           (FcCredentials        *self,
                                                          const char           *server,
                                                          const char           *account,
                                                          const char           *access,
                                                          const char           *refresh,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean            fc_credentials_store_finish          (FcCredentials        *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

/* Gets the tokens; each out parameter gets NULL when there is none. Free them
 * with secret_password_free() (they may be in non-pageable memory). */
void                fc_credentials_lookup_async          (FcCredentials        *self,
                                                          const char           *server,
                                                          const char           *account,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean            fc_credentials_lookup_finish         (FcCredentials        *self,
                                                          GAsyncResult         *result,
                                                          char                **out_access,
                                                          char                **out_refresh,
                                                          GError              **error);

/* Removes both tokens of @account on @server (sign-out). */
void                fc_credentials_clear_async           (FcCredentials        *self,
                                                          const char           *server,
                                                          const char           *account,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean            fc_credentials_clear_finish          (FcCredentials        *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

/* The account whose tokens for @server were stored last, or NULL: the one to
 * sign in with at start-up. */
void                fc_credentials_lookup_account_async  (FcCredentials        *self,
                                                          const char           *server,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
char               *fc_credentials_lookup_account_finish (FcCredentials        *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

G_END_DECLS
