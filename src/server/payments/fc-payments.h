/* fc-payments.h — paid plans (api/v1/payments/) as the rest of the server sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Monthly and lifetime plans bought through Stripe Checkout; Stripe's
 * signed webhooks keep one subscription row per user and an append-only
 * ledger (payment_transactions, shared with admin mode's grants).
 */

#pragma once

#include "fc-sql.h"

#include "fc-server-request.h"

G_BEGIN_DECLS

/* Stripe signs the body as it was sent: the webhook reads it raw, up to
 * this size (Stripe's events are a few KiB). */
#define FC_PAYMENTS_WEBHOOK_PATH "/api/v1/payments/webhooks/stripe/"
#define FC_PAYMENTS_WEBHOOK_MAX_BODY (256 * 1024)

const FcRoute *fc_payments_routes            (gsize    *n_routes);

/* The payments clock, Unix seconds: real time plus the config's
 * test_clock_offset. */
gint64         fc_payments_now               (FcServer *server);

/* Whether @user_id may watch premium content now: an ACTIVE subscription
 * (lifetime included), a CANCELLED one before its end, or a staff grant
 * (users.has_premium) whose end has not passed. Staff are not counted
 * here; callers let staff through on their own. */
gboolean       fc_payments_has_active_access (FcServer *server,
                                              FcSql  *db,
                                              gint64    user_id);

G_END_DECLS
