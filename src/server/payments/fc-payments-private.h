/* fc-payments-private.h — what the payments files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fc-payments.h"
#include "fc-server.h"

/* SQL for the later of @column and @value, NULL when @column is: SQLite's
 * two-argument max() has no twin in PostgreSQL (GREATEST skips NULLs) */
#define LATER(column, value) \
  "CASE WHEN " column " IS NULL OR " column " > " value " THEN " column " ELSE " value " END"

G_BEGIN_DECLS

#define FC_PAYMENTS_API "/api/v1/payments/"

#define FC_STRIPE_ERROR (fc_stripe_error_quark ())

/**
 * FcStripeError:
 * @FC_STRIPE_ERROR_NOT_CONFIGURED: no secret key (or price) in the config
 * @FC_STRIPE_ERROR_UNREACHABLE: Stripe could not be reached, or timed out
 * @FC_STRIPE_ERROR_REFUSED: Stripe answered with an error object
 * @FC_STRIPE_ERROR_INVALID: Stripe's answer was not the object expected
 */
typedef enum {
  FC_STRIPE_ERROR_NOT_CONFIGURED,
  FC_STRIPE_ERROR_UNREACHABLE,
  FC_STRIPE_ERROR_REFUSED,
  FC_STRIPE_ERROR_INVALID,
} FcStripeError;

GQuark      fc_stripe_error_quark      (void);

/* POSTs @form (name, value pairs, NULL-terminated) form-encoded to
 * {stripe_api_base}@path with the secret key, without blocking the main
 * loop. With @idempotency_key, Stripe answers a repeat of the key (within
 * 24 hours) with the first call's object instead of making another. The
 * answer is the object Stripe returned; its "object" member must be
 * @object_type. Errors never carry the key. */
void        fc_stripe_post_async       (FcServer            *server,
                                        const char          *path,
                                        const char * const  *form,
                                        const char          *idempotency_key,
                                        const char          *object_type,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
JsonObject *fc_stripe_post_finish      (GAsyncResult        *result,
                                        GError             **error);

/* The subscription row of @user_id, made (INACTIVE, no plan) if missing;
 * inside the caller's transaction. FALSE when the write failed. */
gboolean    fc_payments_ensure_row     (FcSql             *db,
                                        gint64               user_id);
/* GET payments/subscription/'s object. */
JsonNode   *fc_payments_subscription_json (FcServer         *server,
                                           FcSql          *db,
                                           gint64            user_id);

/* The webhook, in fc-payments-webhook.c. */
void        fc_payments_webhook_cb     (FcServerRequest     *request);
/* TRUE when @header signs @body with @secret within @tolerance seconds of
 * @now. Exposed for the unit-style checks. */
gboolean    fc_payments_verify_signature (const char        *header,
                                          GBytes            *body,
                                          const char        *secret,
                                          gint64             now,
                                          gint64             tolerance);

G_END_DECLS
