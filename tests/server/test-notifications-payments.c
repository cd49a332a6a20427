/* test-notifications-payments.c — the notifications Stripe's webhooks make
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The payments tests' fixture: the real server and the fake Stripe, which
 * signs and sends the events.
 */

#include "config.h"

#include "fc-json.h"
#include "payments-test-util.h"

#define API "/api/v1/notifications/"

/* How many of @token's notifications are titled @title. */
static gint64
titled (PtFixture  *fixture,
        const char *token,
        const char *title)
{
  g_autoptr(JsonNode) node = nt_request (fixture->nt.server, "GET", API "?type=PAYMENT&page_size=100",
                                         token, NULL, 200);
  JsonArray *results = json_object_get_array_member (json_node_get_object (node), "results");
  gint64 n = 0;

  for (guint i = 0; i < json_array_get_length (results); i++)
    n += g_str_equal (json_object_get_string_member (json_array_get_object_element (results, i),
                                                     "title"), title);
  return n;
}

static void
test_payment_notifications (PtFixture     *fixture,
                            gconstpointer  data)
{
  g_autofree char *session = pt_checkout (fixture, fixture->nt.token_a, "MONTHLY");
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *failed = NULL;
  gint64 now = fc_fake_stripe_now (fixture->stripe);

  /* A checkout that is not paid yet tells nobody anything. */
  g_assert_cmpint (nt_count (fixture->nt.server, API, fixture->nt.token_a), ==, 0);

  events = fc_fake_stripe_pay_events (fixture->stripe, session);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, g_ptr_array_index (events, i),
                                           FC_FAKE_SIGN_VALID), ==, 200);
  g_assert_cmpint (titled (fixture, fixture->nt.token_a, "Payment received"), ==, 1);
  /* Stripe delivers again: applied once, announced once. */
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, g_ptr_array_index (events, i),
                                           FC_FAKE_SIGN_VALID), ==, 200);
  g_assert_cmpint (titled (fixture, fixture->nt.token_a, "Payment received"), ==, 1);

  sub = fc_fake_stripe_get (fixture->stripe, session, "subscription");
  failed = fc_fake_stripe_invoice_event (fixture->stripe, "invoice.payment_failed", sub, now + 60,
                                         now + 60, now + 60 + FC_FAKE_STRIPE_PERIOD);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, failed, FC_FAKE_SIGN_VALID), ==, 200);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, failed, FC_FAKE_SIGN_VALID), ==, 200);
  /* A forged event changes nothing and announces nothing. */
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, failed, FC_FAKE_SIGN_FORGED), ==,
                    400);
  g_assert_cmpint (titled (fixture, fixture->nt.token_a, "Payment failed"), ==, 1);
  g_assert_cmpint (nt_count (fixture->nt.server, API, fixture->nt.token_a), ==, 2);
  g_assert_cmpint (nt_count (fixture->nt.server, API, fixture->nt.token_b), ==, 0);

  {
    g_autoptr(JsonNode) node = nt_request (fixture->nt.server, "GET", "/api/v1/users/dashboard/",
                                           fixture->nt.token_a, NULL, 200);
    JsonObject *subscription = json_object_get_object_member (json_node_get_object (node),
                                                              "subscription");

    g_assert_cmpstr (json_object_get_string_member (subscription, "status"), ==, "PAST_DUE");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node),
                                                 "unread_notifications"), ==, 2);
  }
}

int
main (int    argc,
      char **argv)
{
  nt_test_init (&argc, &argv);
  g_test_add ("/notifications/payments", PtFixture, NULL, pt_fixture_set_up,
              test_payment_notifications, pt_fixture_tear_down);
  return g_test_run ();
}
