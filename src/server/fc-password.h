/* fc-password.h — Django-compatible password hashes and validators
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hashes use Django's own format, "pbkdf2_sha256$<iterations>$<salt>$<b64>",
 * so accounts can move between the Django backend and fitcore-server.
 * Hashing is deliberately slow (a million rounds): the _async variants run
 * it on a worker thread so a login never stalls other requests.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Django 5.2's PBKDF2PasswordHasher.iterations. */
#define FC_PASSWORD_DEFAULT_ITERATIONS 1000000

char     *fc_password_hash_with_salt (const char           *password,
                                      const char           *salt,
                                      guint                 iterations);
char     *fc_password_hash           (const char           *password,
                                      guint                 iterations);
/* Any iteration count stored in @encoded; FALSE for a malformed hash. */
gboolean  fc_password_verify         (const char           *password,
                                      const char           *encoded);

/* The worker pool behind the _async variants: @workers threads and at most
 * @queue_limit jobs waiting for one. A job beyond that fails with
 * G_IO_ERROR_BUSY. Defaults: 2 and 16. */
void      fc_password_configure_pool (guint                 workers,
                                      guint                 queue_limit);
/* Seconds the queue needs to drain, at least 1: a Retry-After for BUSY. */
guint     fc_password_busy_retry_after (void);

void      fc_password_hash_async     (const char           *password,
                                      guint                 iterations,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
char     *fc_password_hash_finish    (GAsyncResult         *result,
                                      GError              **error);
void      fc_password_verify_async   (const char           *password,
                                      const char           *encoded,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean  fc_password_verify_finish  (GAsyncResult         *result,
                                      GError              **error);

/* Django's validators (minimum length 8, common password, entirely
 * numeric) with their exact messages; NULL when the password passes. */
char    **fc_password_validate       (const char           *password);

G_END_DECLS
