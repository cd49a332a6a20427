/* fc-payments-service.h — the signed-in user's Premium: api/v1/payments/ (docs/payments-wire.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Premium page (src/ui/fc-premium-page.c) asks this object, never the
 * client, so the UI speaks no HTTP. Every call is asynchronous on GTask and
 * fails with the client's %FC_API_ERROR errors, whose messages are ready to
 * show; %FC_API_ERROR_NOT_FOUND from fc_payments_service_plans_async() means
 * the server has no payments routes (the Django backend), and the page hides.
 *
 * The last subscription the server answered is kept in the store's
 * sync_state, so a page opened offline still shows the last known status.
 */

#pragma once

#include "fc-api-client.h"
#include "fc-session.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_PAYMENTS_SERVICE (fc_payments_service_get_type ())

G_DECLARE_FINAL_TYPE (FcPaymentsService, fc_payments_service, FC, PAYMENTS_SERVICE, GObject)

/* The sync_state key of the last subscription seen (its JSON text). */
#define FC_PAYMENTS_SERVICE_CACHE_KEY "payments-subscription"

/* @store: (nullable) where the last subscription is kept. */
FcPaymentsService *fc_payments_service_new             (FcApiClient          *client,
                                                        FcStore              *store);
/* The signed-in account's service, or NULL while nobody is signed in. */
FcPaymentsService *fc_payments_service_new_for_session (FcSession            *session);

/* GET plans/: an array of {plan, name, amount, currency, interval, available}. */
void        fc_payments_service_plans_async             (FcPaymentsService    *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
JsonArray  *fc_payments_service_plans_finish            (FcPaymentsService    *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* GET subscription/; the answer is also kept in the store. */
void        fc_payments_service_subscription_async      (FcPaymentsService    *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
/* POST subscription/cancel/: the subscription, now CANCELLED at the
 * period's end (also kept). */
void        fc_payments_service_cancel_async            (FcPaymentsService    *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
/* The last subscription kept in the store (no request), or NULL with no
 * error when none was ever seen. */
void        fc_payments_service_cached_subscription_async (FcPaymentsService  *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
/* The finish function of the three calls above. */
JsonObject *fc_payments_service_subscription_finish     (FcPaymentsService    *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* GET transactions/: the ledger, newest first (the first page). */
void        fc_payments_service_transactions_async      (FcPaymentsService    *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
JsonArray  *fc_payments_service_transactions_finish     (FcPaymentsService    *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* POST checkout/ {plan} ("MONTHLY", "LIFETIME"): Stripe Checkout's URL,
 * to open in the browser. */
void        fc_payments_service_checkout_async          (FcPaymentsService    *self,
                                                         const char           *plan,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
/* POST portal/: the billing portal's URL (change the card). */
void        fc_payments_service_portal_async            (FcPaymentsService    *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
/* The finish function of both calls above: the URL. */
char       *fc_payments_service_url_finish              (FcPaymentsService    *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
