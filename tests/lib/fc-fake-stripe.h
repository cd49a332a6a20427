/* fc-fake-stripe.h — a small Stripe for the payments tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on 127.0.0.1 (its own thread and main context, so a test
 * blocked in a synchronous request to fitcore-server still gets Stripe's
 * answers) that speaks the part of Stripe's REST API fitcore-server uses,
 * in Stripe's wire format: form-encoded POSTs parsed strictly (an unknown
 * or repeated parameter is a 400), the secret key as a Bearer token (a
 * wrong one is a 401), errors as {"error":{"type","code","message"}}, and
 * objects with Stripe's id prefixes and "object" names, and Idempotency-Key
 * honoured (a repeat gets the first answer; other parameters, a 400):
 *
 *   POST /v1/customers                    → customer (cus_)
 *   POST /v1/checkout/sessions            → checkout.session (cs_), "url" to pay at
 *   POST /v1/subscriptions/{id}           → subscription (sub_), cancel_at_period_end
 *   POST /v1/billing_portal/sessions      → billing_portal.session (bps_)
 *
 * It "pays" a session by building the events Stripe would send
 * (checkout.session.completed, then invoice.paid for a subscription) and
 * posting them to the webhook URL signed like Stripe (Stripe-Signature
 * t=…,v1=HMAC-SHA256(secret, "t.body")); a test may instead take the
 * events and send them in any order, twice, forged or stale.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _FcFakeStripe FcFakeStripe;

typedef enum {
  FC_FAKE_SIGN_VALID,   /* t=now, one v1 with the webhook secret */
  FC_FAKE_SIGN_ROLLED,  /* two v1 values: another secret's first, then the right one */
  FC_FAKE_SIGN_FORGED,  /* v1 made with another secret */
  FC_FAKE_SIGN_TAMPERED,/* signed, then one byte of the body changed */
  FC_FAKE_SIGN_STALE,   /* signed correctly ten minutes ago */
  FC_FAKE_SIGN_NONE,    /* no Stripe-Signature header */
} FcFakeSign;

#define FC_FAKE_STRIPE_PERIOD (30 * 24 * 3600)

/* @price_monthly and @price_lifetime are the price ids it knows (amounts
 * 999 and 14900, usd). */
FcFakeStripe *fc_fake_stripe_new           (const char    *secret_key,
                                            const char    *webhook_secret,
                                            const char    *price_monthly,
                                            const char    *price_lifetime);
void          fc_fake_stripe_free          (FcFakeStripe  *self);
/* "http://127.0.0.1:PORT", the server's stripe_api_base. */
const char   *fc_fake_stripe_get_url       (FcFakeStripe  *self);
void          fc_fake_stripe_set_webhook_url (FcFakeStripe *self,
                                            const char    *url);
/* Seconds added to its clock (event times, periods, signatures), to
 * follow the server's test_clock_offset. */
void          fc_fake_stripe_set_clock_offset (FcFakeStripe *self,
                                            gint64         offset);
gint64        fc_fake_stripe_now           (FcFakeStripe  *self);

/* With @status not 0, every API request is answered @status with
 * Stripe's {"error":{"type":"api_error",...}} (402: a card_error), as when
 * Stripe is down or declines; 0 answers normally again. */
void          fc_fake_stripe_set_failure   (FcFakeStripe  *self,
                                            guint          status);
/* While @hold, API requests are parked unanswered (a slow Stripe); taking
 * the hold off answers them. */
void          fc_fake_stripe_hold          (FcFakeStripe  *self,
                                            gboolean       hold);
/* How many requests are parked now. */
guint         fc_fake_stripe_held          (FcFakeStripe  *self);

/* How many objects of @object ("customer", "checkout.session",
 * "billing_portal.session") it created, and how many subscription updates
 * it took ("subscription.update"); "refused" counts its 4xx answers,
 * "idempotent.replay" the repeats it answered from an Idempotency-Key. */
guint         fc_fake_stripe_count         (FcFakeStripe  *self,
                                            const char    *object);
/* A string member of a stored object, by id ("cs_…", "sub_…"), or NULL. */
char         *fc_fake_stripe_get           (FcFakeStripe  *self,
                                            const char    *id,
                                            const char    *member);
/* Every form field of the last request to @path, "name=value" lines
 * sorted, for checking what the server sent. */
char         *fc_fake_stripe_last_form     (FcFakeStripe  *self,
                                            const char    *path);
/* The session id of a checkout URL it handed out, or NULL. */
char         *fc_fake_stripe_session_of_url (FcFakeStripe *self,
                                            const char    *url);

/* Completes @session_id as paid (making its subscription, invoice and
 * payment intent) and returns the events Stripe would send, in Stripe's
 * order, as JSON texts: checkout.session.completed, and invoice.paid for
 * a subscription. Nothing is sent. */
GPtrArray    *fc_fake_stripe_pay_events    (FcFakeStripe  *self,
                                            const char    *session_id);
/* Pays and sends those events, signed; asserts each is answered 200. */
void          fc_fake_stripe_pay           (FcFakeStripe  *self,
                                            const char    *session_id);

/* An event of @type about @object (taken), created at @created. */
char         *fc_fake_stripe_event         (FcFakeStripe  *self,
                                            const char    *type,
                                            gint64         created,
                                            JsonObject    *object);
/* invoice.paid or invoice.payment_failed for the subscription's next
 * invoice, covering [@period_start, @period_end). */
char         *fc_fake_stripe_invoice_event (FcFakeStripe  *self,
                                            const char    *type,
                                            const char    *subscription_id,
                                            gint64         created,
                                            gint64         period_start,
                                            gint64         period_end);
/* customer.subscription.updated or .deleted with the subscription as
 * stored, @status ("active", "past_due", "canceled") and
 * @cancel_at_period_end. */
char         *fc_fake_stripe_subscription_event (FcFakeStripe *self,
                                            const char    *type,
                                            const char    *subscription_id,
                                            gint64         created,
                                            const char    *status,
                                            gboolean       cancel_at_period_end);
/* charge.refunded for the charge of @payment_intent, refunded @amount in
 * total so far. */
char         *fc_fake_stripe_refund_event  (FcFakeStripe  *self,
                                            const char    *customer,
                                            const char    *payment_intent,
                                            gint64         amount_refunded,
                                            gint64         created);

/* Posts @payload to the webhook URL signed as @sign says; returns the
 * HTTP status. */
guint         fc_fake_stripe_send          (FcFakeStripe  *self,
                                            const char    *payload,
                                            FcFakeSign     sign);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcFakeStripe, fc_fake_stripe_free)

G_END_DECLS
