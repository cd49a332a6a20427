/* fc-fake-stripe-main.c — the tests' fake Stripe as a program, for the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   fitcore-fake-stripe [--secret-key K] [--webhook-secret S]
 *                       [--price-monthly P] [--price-lifetime P]
 *
 * Starts fc-fake-stripe.c (the same fake the C payments tests use) and a
 * small control server beside it, then prints two lines on stdout:
 *
 *   stripe http://127.0.0.1:PORT     the server's stripe_api_base
 *   control http://127.0.0.1:PORT    what the test asks of the fake
 *
 * The control server takes POSTs whose body is one value:
 *
 *   /webhook-url  URL     where the events go (fitcore-server's webhook route)
 *   /pay          URL     a checkout URL the server handed out: the user pays
 *                         it, and the fake sends Stripe's signed events
 *                         (checkout.session.completed, invoice.paid)
 *   /fail         URL     the paid subscription's next invoice fails
 *                         (invoice.payment_failed, so PAST_DUE)
 *   /renew        URL     its next invoice is paid (invoice.paid, ACTIVE again)
 *   /clock        SECONDS the fake's clock offset (the server's test_clock_offset)
 *
 * and answers 200 with the webhook's statuses ("200 200"), 404 for a URL it
 * never handed out, 409 for a session already paid. It runs until SIGTERM,
 * SIGINT or the end of its stdin.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc-fake-http.h"
#include "fc-fake-stripe.h"

typedef struct {
  FcFakeStripe *stripe;
} Fake;

/* Sends @events signed; the statuses the webhook answered, "200 200". */
static char *
send_events (Fake      *fake,
             GPtrArray *events)
{
  GString *statuses = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    g_string_append_printf (statuses, "%s%u", i > 0 ? " " : "",
                            fc_fake_stripe_send (fake->stripe, events->pdata[i], FC_FAKE_SIGN_VALID));
  return g_string_free (statuses, FALSE);
}

typedef enum { PAY, FAIL, RENEW } Payment;

static void
pay (Fake              *fake,
     SoupServerMessage *message,
     const char        *url,
     Payment            payment)
{
  g_autofree char *session = fc_fake_stripe_session_of_url (fake->stripe, url);
  g_autofree char *status = session != NULL ? fc_fake_stripe_get (fake->stripe, session, "status")
                                            : NULL;
  g_autofree char *statuses = NULL;
  g_autoptr(GPtrArray) events = NULL;

  if (status == NULL) {
    fc_fake_http_answer_text (message, 404, "no such checkout session");
    return;
  }
  if (payment == PAY) {
    if (!g_str_equal (status, "open")) {
      fc_fake_http_answer_text (message, 409, "the session is not open");
      return;
    }
    events = fc_fake_stripe_pay_events (fake->stripe, session);
  } else {
    g_autofree char *subscription = fc_fake_stripe_get (fake->stripe, session, "subscription");
    gint64 now = fc_fake_stripe_now (fake->stripe);

    if (subscription == NULL) {
      fc_fake_http_answer_text (message, 409, "the session made no subscription");
      return;
    }
    events = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (events, fc_fake_stripe_invoice_event (fake->stripe,
                                                           payment == FAIL ? "invoice.payment_failed"
                                                                           : "invoice.paid",
                                                           subscription, now, now,
                                                           now + FC_FAKE_STRIPE_PERIOD));
  }
  statuses = send_events (fake, events);
  fc_fake_http_answer_text (message, 200, statuses);
}

static void
on_control_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fake *fake = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autofree char *value = g_strstrip (g_strndup (body->data, body->length));

  if (!g_str_equal (soup_server_message_get_method (message), "POST"))
    fc_fake_http_answer_text (message, 405, "POST only");
  else if (g_str_equal (path, "/webhook-url")) {
    fc_fake_stripe_set_webhook_url (fake->stripe, value);
    fc_fake_http_answer_text (message, 200, "ok");
  } else if (g_str_equal (path, "/clock")) {
    fc_fake_stripe_set_clock_offset (fake->stripe, g_ascii_strtoll (value, NULL, 10));
    fc_fake_http_answer_text (message, 200, "ok");
  } else if (g_str_equal (path, "/pay")) {
    pay (fake, message, value, PAY);
  } else if (g_str_equal (path, "/fail")) {
    pay (fake, message, value, FAIL);
  } else if (g_str_equal (path, "/renew")) {
    pay (fake, message, value, RENEW);
  } else {
    fc_fake_http_answer_text (message, 404, "unknown");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *secret_key = g_strdup ("sk_test_FAKEfitcoreSecretKey4242");
  g_autofree char *webhook_secret = g_strdup ("whsec_FAKEfitcoreWebhookSecret4242");
  g_autofree char *price_monthly = g_strdup ("price_T_monthly_999");
  g_autofree char *price_lifetime = g_strdup ("price_T_lifetime_14900");
  GOptionEntry entries[] = {
    { "secret-key", 0, 0, G_OPTION_ARG_STRING, &secret_key, "Stripe's secret key", "KEY" },
    { "webhook-secret", 0, 0, G_OPTION_ARG_STRING, &webhook_secret, "The endpoint secret", "S" },
    { "price-monthly", 0, 0, G_OPTION_ARG_STRING, &price_monthly, "The monthly price id", "ID" },
    { "price-lifetime", 0, 0, G_OPTION_ARG_STRING, &price_lifetime, "The lifetime price id", "ID" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— a fake Stripe for the UI tests");
  g_autoptr(GError) error = NULL;
  g_autoptr(FcFakeHttp) control = NULL;
  Fake fake = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }

  fake.stripe = fc_fake_stripe_new (secret_key, webhook_secret, price_monthly, price_lifetime);
  control = fc_fake_http_new ("fake-stripe-control", on_control_cb, &fake);
  printf ("stripe %s\ncontrol %s\n", fc_fake_stripe_get_url (fake.stripe),
          fc_fake_http_get_url (control));
  fflush (stdout);

  fc_fake_http_run_until_stopped ();

  g_clear_pointer (&control, fc_fake_http_free);
  fc_fake_stripe_free (fake.stripe);
  return 0;
}
