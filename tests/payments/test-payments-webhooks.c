/* test-payments-webhooks.c — Stripe's webhooks: signatures, replays, strangers, order, refunds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real fitcore-server and the fake Stripe (tests/lib/fc-fake-stripe.c).
 * A forged, tampered, stale or missing signature is a 400 that changes
 * nothing, and the same event correctly signed then takes effect; a
 * replayed event is applied once; an event about a customer nobody has is
 * a 200 without effect; one set of events applied in several orders, with
 * repeats, ends in the same subscription and ledger; a refund after a
 * cancellation leaves the ledger balanced.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-sql.h"
#include "payments-test-util.h"

#define FOOTPRINT_SQL \
  "SELECT (SELECT count(*) FROM payment_events) || ' events, ' ||" \
  " (SELECT count(*) FROM payment_transactions) || ' rows, ' ||" \
  " (SELECT group_concat (user_id || ':' || coalesce (plan, '-') || ':' || status || ':' ||" \
  "   coalesce (CAST (period_end AS TEXT), '-') || ':' || coalesce (stripe_subscription_id, '-'), ';')" \
  "  FROM subscriptions)"

static char *
footprint (PtFixture *fixture)
{
  return pt_db_text (fixture, FOOTPRINT_SQL, 1);
}

static void
test_signature (PtFixture     *fixture,
                gconstpointer  data)
{
  static const FcFakeSign refused[] = {
    FC_FAKE_SIGN_FORGED, FC_FAKE_SIGN_TAMPERED, FC_FAKE_SIGN_STALE, FC_FAKE_SIGN_NONE,
  };
  g_autofree char *session = pt_checkout (fixture, fixture->nt.token_a, "LIFETIME");
  g_autoptr(GPtrArray) events = fc_fake_stripe_pay_events (fixture->stripe, session);
  g_autofree char *before = footprint (fixture);
  g_autofree char *after = NULL;
  g_autoptr(JsonObject) subscription = NULL;
  gboolean access = TRUE;

  g_assert_cmpuint (events->len, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autofree char *now = NULL;

    g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, events->pdata[0], refused[i]), ==, 400);
    now = footprint (fixture);
    g_assert_cmpstr (now, ==, before);
  }
  subscription = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_true (fc_json_get_boolean (subscription, "has_active_access", &access));
  g_assert_false (access);

  /* The same bytes, signed with two v1 values while a secret is rolled. */
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, events->pdata[0], FC_FAKE_SIGN_ROLLED), ==,
                    200);
  after = footprint (fixture);
  g_assert_cmpstr (after, !=, before);
  g_clear_pointer (&subscription, json_object_unref);
  subscription = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_cmpstr (fc_json_get_string (subscription, "plan"), ==, "LIFETIME");
  g_assert_cmpstr (fc_json_get_string (subscription, "status"), ==, "ACTIVE");
  g_assert_true (fc_json_get_boolean (subscription, "has_active_access", &access));
  g_assert_true (access);
  g_assert_cmpint (pt_db_int (fixture, "SELECT count(*) FROM payment_transactions"
                                       " WHERE kind = 'payment' AND amount = 14900"), ==, 1);

  /* A body that is not an event, correctly signed, is still refused. */
  {
    g_autoptr(JsonObject) object = json_object_new ();
    g_autofree char *bad = NULL;

    bad = fc_fake_stripe_event (fixture->stripe, "invoice.paid", 0, g_steal_pointer (&object));
    g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, bad, FC_FAKE_SIGN_VALID), ==, 400);
  }
}

static void
test_replay (PtFixture     *fixture,
             gconstpointer  data)
{
  g_autofree char *session = pt_checkout (fixture, fixture->nt.token_a, "MONTHLY");
  g_autoptr(GPtrArray) events = fc_fake_stripe_pay_events (fixture->stripe, session);
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;

  g_assert_cmpuint (events->len, ==, 2);
  for (guint i = 0; i < events->len; i++)
    g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, events->pdata[i], FC_FAKE_SIGN_VALID), ==,
                      200);
  once = footprint (fixture);
  g_assert_cmpint (pt_db_int (fixture, "SELECT count(*) FROM payment_events"), ==, 2);
  /* Stripe's retry: the same event, signed anew, in any order. */
  for (guint round = 0; round < 3; round++)
    for (guint i = events->len; i-- > 0;)
      g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, events->pdata[i], FC_FAKE_SIGN_VALID),
                        ==, 200);
  twice = footprint (fixture);
  g_assert_cmpstr (twice, ==, once);
  g_assert_cmpint (pt_db_int (fixture, "SELECT count(*) FROM payment_transactions"
                                       " WHERE kind = 'payment'"), ==, 1);
}

static void
test_unknown_customer (PtFixture     *fixture,
                       gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *refund = NULL;
  g_autofree char *completed = NULL;
  g_autofree char *log = NULL;
  JsonObject *session = json_object_new ();
  JsonObject *metadata = json_object_new ();
  gint64 now = fc_fake_stripe_now (fixture->stripe);

  /* A's row exists, with a customer of its own. */
  g_free (pt_checkout (fixture, fixture->nt.token_a, "MONTHLY"));
  before = footprint (fixture);

  refund = fc_fake_stripe_refund_event (fixture->stripe, "cus_T_nobody", "pi_T_nobody", 999, now);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, refund, FC_FAKE_SIGN_VALID), ==, 200);

  /* A session that names A but a customer that is not A's. */
  json_object_set_string_member (session, "id", "cs_T_stranger");
  json_object_set_string_member (session, "object", "checkout.session");
  json_object_set_string_member (session, "mode", "payment");
  json_object_set_string_member (session, "payment_status", "paid");
  json_object_set_string_member (session, "customer", "cus_T_nobody");
  json_object_set_string_member (session, "client_reference_id", "1");
  json_object_set_int_member (session, "amount_total", 14900);
  json_object_set_string_member (metadata, "plan", "LIFETIME");
  json_object_set_object_member (session, "metadata", metadata);
  completed = fc_fake_stripe_event (fixture->stripe, "checkout.session.completed", now, session);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, completed, FC_FAKE_SIGN_VALID), ==, 200);

  after = footprint (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (pt_db_int (fixture, "SELECT count(*) FROM payment_events"), ==, 0);

  /* Logged, so that someone can see it happened. */
  g_assert_cmpint (fc_test_server_stop (fixture->nt.server), ==, 0);
  g_assert_true (g_file_get_contents (fixture->log_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "names no known customer"));
  fc_test_server_free (fixture->nt.server);
  fixture->nt.server = NULL;
}

/* The subscription and ledger of @user, with times relative to @t0. */
static char *
final_state (PtFixture *fixture,
             gint64     user,
             gint64     t0)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT plan, status, period_start - %1$" G_GINT64_FORMAT ", period_end - %1$" G_GINT64_FORMAT ","
    " cancel_at_period_end, deleted, ended_at - %1$" G_GINT64_FORMAT ","
    " (SELECT group_concat (kind || '=' || n || 'x' || total, ',') FROM (SELECT kind, count(*) n,"
    "   sum (amount) total FROM payment_transactions WHERE user_id = %2$" G_GINT64_FORMAT
    "   GROUP BY kind ORDER BY kind) AS k)"
    " FROM subscriptions WHERE user_id = %2$" G_GINT64_FORMAT, t0, user);

  return pt_db_text (fixture, sql, 8);
}

/* Shuffles @events with @seed; @seed 0 keeps them, 1 reverses them. */
static void
send_in_order (PtFixture *fixture,
               GPtrArray *events,
               guint      seed)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (order, events->pdata[seed == 1 ? events->len - 1 - i : i]);
  for (guint i = order->len; seed > 1 && i > 1; i--) {
    guint j = g_rand_int_range (rand, 0, i);
    gpointer tmp = order->pdata[i - 1];

    order->pdata[i - 1] = order->pdata[j];
    order->pdata[j] = tmp;
  }
  for (guint i = 0; i < order->len; i++) {
    g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, order->pdata[i], FC_FAKE_SIGN_VALID), ==,
                      200);
    /* Every other one again, as Stripe's retries do. */
    if (i % 2 == 0)
      g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, order->pdata[i], FC_FAKE_SIGN_VALID),
                        ==, 200);
  }
}

/* One user's life in events, with times from @t0: paid, renewed, a
 * failed renewal, a cancellation at the period's end and, with @deleted,
 * the end. */
static GPtrArray *
life_events (PtFixture  *fixture,
             const char *token,
             gint64      t0,
             gboolean    deleted)
{
  const gint64 p = FC_FAKE_STRIPE_PERIOD;
  g_autofree char *session = pt_checkout (fixture, token, "MONTHLY");
  g_autoptr(GPtrArray) paid = NULL;
  g_autofree char *sub = NULL;
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);

  /* The checkout is paid at about t0. */
  fc_fake_stripe_set_clock_offset (fixture->stripe, t0 - fc_fake_stripe_now (fixture->stripe));
  paid = fc_fake_stripe_pay_events (fixture->stripe, session);
  fc_fake_stripe_set_clock_offset (fixture->stripe, 0);
  sub = fc_fake_stripe_get (fixture->stripe, session, "subscription");

  /* The checkout's own event; its invoice is replaced by one at t0. */
  g_ptr_array_add (events, g_strdup (paid->pdata[0]));
  g_ptr_array_add (events, fc_fake_stripe_invoice_event (fixture->stripe, "invoice.paid", sub, t0,
                                                         t0, t0 + p));
  g_ptr_array_add (events, fc_fake_stripe_invoice_event (fixture->stripe, "invoice.paid", sub,
                                                         t0 + p, t0 + p, t0 + 2 * p));
  g_ptr_array_add (events, fc_fake_stripe_invoice_event (fixture->stripe, "invoice.payment_failed",
                                                         sub, t0 + 2 * p, t0 + 2 * p, t0 + 3 * p));
  g_ptr_array_add (events, fc_fake_stripe_subscription_event (fixture->stripe,
                                                              "customer.subscription.updated", sub,
                                                              t0 + 2 * p + 60, "past_due", FALSE));
  g_ptr_array_add (events, fc_fake_stripe_subscription_event (fixture->stripe,
                                                              "customer.subscription.updated", sub,
                                                              t0 + 2 * p + 120, "active", TRUE));
  if (deleted)
    g_ptr_array_add (events, fc_fake_stripe_subscription_event (fixture->stripe,
                                                                "customer.subscription.deleted", sub,
                                                                t0 + 3 * p, "canceled", TRUE));
  else
    g_ptr_array_add (events, fc_fake_stripe_invoice_event (fixture->stripe, "invoice.paid", sub,
                                                           t0 + 2 * p + 30, t0 + 2 * p,
                                                           t0 + 3 * p));
  return events;
}

static void
test_order (PtFixture     *fixture,
            gconstpointer  data)
{
  /* Events far in the past: the periods, not the clock, are compared. */
  gint64 t0 = fc_fake_stripe_now (fixture->stripe) - 10 * FC_FAKE_STRIPE_PERIOD;
  static const guint seeds[] = { 0, 1, 7, 42, 2026 };
  g_autofree char *expected[2] = { NULL, NULL };

  for (guint deleted = 0; deleted < 2; deleted++) {
    for (guint i = 0; i < G_N_ELEMENTS (seeds); i++) {
      g_autofree char *email = g_strdup_printf ("order-%u-%u@fitcore.test", deleted, seeds[i]);
      g_autofree char *token = fc_test_register (fixture->nt.server, email, NT_PASSWORD, NULL);
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM users WHERE email = '%s'", email);
      gint64 user = pt_db_int (fixture, sql);
      g_autoptr(GPtrArray) events = life_events (fixture, token, t0, deleted);
      g_autofree char *state = NULL;

      send_in_order (fixture, events, seeds[i]);
      state = final_state (fixture, user, t0);
      g_test_message ("deleted=%u seed %u: %s", deleted, seeds[i], state);
      if (expected[deleted] == NULL)
        expected[deleted] = g_strdup (state);
      g_assert_cmpstr (state, ==, expected[deleted]);
    }
  }

  /* And the state is the one the events mean, not merely a stable one:
   * paid to the third period after a failure and cancelling at its end,
   * or, without the third payment, ended (deleted) after the second. */
  g_assert_cmpstr (expected[0], ==, "MONTHLY|CANCELLED|5184000|7776000|1|0|NULL|"
                                    "failure=1x999,payment=3x2997\n");
  g_assert_cmpstr (expected[1], ==, "MONTHLY|CANCELLED|2592000|5184000|1|1|7776000|"
                                    "failure=1x999,payment=2x1998\n");
}

static void
test_refund_after_cancel (PtFixture     *fixture,
                          gconstpointer  data)
{
  g_autofree char *session = pt_checkout (fixture, fixture->nt.token_a, "MONTHLY");
  g_autofree char *sub = NULL;
  g_autofree char *invoice = NULL;
  g_autofree char *intent = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *full = NULL;
  g_autofree char *deleted = NULL;
  g_autoptr(JsonNode) cancelled = NULL;
  g_autoptr(JsonNode) ledger = NULL;
  gint64 now, count = 0;

  fc_fake_stripe_pay (fixture->stripe, session);
  sub = fc_fake_stripe_get (fixture->stripe, session, "subscription");
  customer = fc_fake_stripe_get (fixture->stripe, session, "customer");
  invoice = fc_fake_stripe_get (fixture->stripe, sub, "latest_invoice");
  intent = fc_fake_stripe_get (fixture->stripe, invoice, "payment_intent");
  g_assert_nonnull (intent);

  cancelled = pt_request (fixture, "POST", PT_API "subscription/cancel/", fixture->nt.token_a, NULL,
                          200);
  g_assert_cmpstr (fc_json_get_string (json_node_get_object (cancelled), "status"), ==, "CANCELLED");
  now = fc_fake_stripe_now (fixture->stripe);
  deleted = fc_fake_stripe_subscription_event (fixture->stripe, "customer.subscription.deleted", sub,
                                               now, "canceled", TRUE);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, deleted, FC_FAKE_SIGN_VALID), ==, 200);

  /* A partial refund, then the rest; the partial one again, late. */
  partial = fc_fake_stripe_refund_event (fixture->stripe, customer, intent, 400, now + 1);
  full = fc_fake_stripe_refund_event (fixture->stripe, customer, intent, 999, now + 2);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, partial, FC_FAKE_SIGN_VALID), ==, 200);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, full, FC_FAKE_SIGN_VALID), ==, 200);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, full, FC_FAKE_SIGN_VALID), ==, 200);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, partial, FC_FAKE_SIGN_VALID), ==, 200);

  g_assert_cmpint (pt_db_int (fixture, "SELECT sum (CASE kind WHEN 'payment' THEN amount"
                                       " WHEN 'refund' THEN -amount ELSE 0 END)"
                                       " FROM payment_transactions WHERE user_id = 1"), ==, 0);
  g_assert_cmpint (pt_db_int (fixture, "SELECT count(*) FROM payment_transactions"
                                       " WHERE user_id = 1 AND kind = 'refund'"), ==, 2);

  /* The ledger is history: it takes no change. */
  {
    g_autoptr(FcSql) db = nt_open_db (fixture->nt.server);

    g_assert_false (fc_sql_exec (db, "UPDATE payment_transactions SET amount = 0", NULL));
    g_assert_false (fc_sql_exec (db, "DELETE FROM payment_transactions", NULL));
  }

  ledger = pt_request (fixture, "GET", PT_API "transactions/", fixture->nt.token_a, NULL, 200);
  g_assert_true (fc_json_get_int (json_node_get_object (ledger), "count", &count));
  g_assert_cmpint (count, ==, 3);
}

/* A lifetime plan refunded in full no longer opens premium; a failed
 * renewal closes a monthly one until a newer payment. */
static void
test_lifetime_refund_and_past_due (PtFixture     *fixture,
                                   gconstpointer  data)
{
  g_autofree char *lifetime = pt_checkout (fixture, fixture->nt.token_a, "LIFETIME");
  g_autofree char *monthly = pt_checkout (fixture, fixture->nt.token_b, "MONTHLY");
  g_autofree char *intent = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *refund = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *failed = NULL;
  g_autofree char *paid = NULL;
  g_autoptr(JsonObject) state = NULL;
  gint64 now = fc_fake_stripe_now (fixture->stripe);
  gboolean access = TRUE;

  fc_fake_stripe_pay (fixture->stripe, lifetime);
  intent = fc_fake_stripe_get (fixture->stripe, lifetime, "payment_intent");
  customer = fc_fake_stripe_get (fixture->stripe, lifetime, "customer");
  refund = fc_fake_stripe_refund_event (fixture->stripe, customer, intent, 14900, now + 5);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, refund, FC_FAKE_SIGN_VALID), ==, 200);
  state = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_cmpstr (fc_json_get_string (state, "plan"), ==, "LIFETIME");
  g_assert_cmpstr (fc_json_get_string (state, "status"), ==, "INACTIVE");
  g_assert_true (fc_json_get_boolean (state, "has_active_access", &access));
  g_assert_false (access);
  g_clear_pointer (&state, json_object_unref);

  fc_fake_stripe_pay (fixture->stripe, monthly);
  sub = fc_fake_stripe_get (fixture->stripe, monthly, "subscription");
  failed = fc_fake_stripe_invoice_event (fixture->stripe, "invoice.payment_failed", sub, now + 60,
                                         now + 60, now + 60 + FC_FAKE_STRIPE_PERIOD);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, failed, FC_FAKE_SIGN_VALID), ==, 200);
  state = pt_subscription (fixture, fixture->nt.token_b);
  g_assert_cmpstr (fc_json_get_string (state, "status"), ==, "PAST_DUE");
  g_assert_true (fc_json_get_boolean (state, "has_active_access", &access));
  g_assert_false (access);
  g_clear_pointer (&state, json_object_unref);
  /* The card is fixed in the portal, not by a second subscription. */
  nt_expect (fixture->nt.server, "POST", PT_API "checkout/", fixture->nt.token_b,
             "{\"plan\":\"MONTHLY\"}", 400);

  paid = fc_fake_stripe_invoice_event (fixture->stripe, "invoice.paid", sub, now + 120, now + 60,
                                       now + 60 + FC_FAKE_STRIPE_PERIOD);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, paid, FC_FAKE_SIGN_VALID), ==, 200);
  state = pt_subscription (fixture, fixture->nt.token_b);
  g_assert_cmpstr (fc_json_get_string (state, "status"), ==, "ACTIVE");
  g_assert_true (fc_json_get_boolean (state, "has_active_access", &access));
  g_assert_true (access);
}

/* Whatever comes to the routes, the answer is a 4xx that changes nothing. */
static void
test_bad_input (PtFixture     *fixture,
                gconstpointer  data)
{
  static const char * const checkout_bodies[] = {
    "[\"MONTHLY\"]", "\"MONTHLY\"", "{\"plan\":", "{\"plan\":null}", "{\"plan\":\"monthly\"}",
    "{\"plan\":\"MONTHLY \"}", "{\"plan\":1}",
  };
  g_autoptr(GString) deep = g_string_new ("{\"plan\":");
  g_autoptr(GString) header = g_string_new ("t=1");
  g_autofree char *before = footprint (fixture);
  g_autofree char *after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (checkout_bodies); i++) {
    g_autoptr(FcTestResponse) response =
      fc_test_request (fixture->nt.server, "POST", PT_API "checkout/", fixture->nt.token_a,
                       checkout_bodies[i]);

    if (response->status != 400)
      g_test_message ("checkout %s answered %u", checkout_bodies[i], response->status);
    g_assert_cmpuint (response->status, ==, 400);
  }
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(FcTestResponse) response =
      fc_test_request (fixture->nt.server, "POST", PT_API "checkout/", fixture->nt.token_a, deep->str);

    g_assert_cmpuint (response->status, ==, 400);
  }

  /* A body announced over 256 KiB is refused before it is sent (only the
   * headers go, so that the answer does not race a half-sent body). */
  {
    g_autoptr(GSocketClient) client = g_socket_client_new ();
    g_autoptr(GSocketConnection) connection = NULL;
    g_autoptr(GUri) uri = g_uri_parse (fixture->nt.server->base_url, G_URI_FLAGS_NONE, NULL);
    g_autofree char *request = g_strdup_printf ("POST " PT_API "webhooks/stripe/ HTTP/1.1\r\n"
                                                "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                                "Content-Length: %d\r\n\r\n", 300 * 1024);
    char answer[64] = { 0 };
    gsize got = 0;

    connection = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL,
                                                  NULL);
    g_assert_nonnull (connection);
    g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                              request, strlen (request), NULL, NULL, NULL));
    g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                            answer, sizeof answer - 1, &got, NULL, NULL));
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413"));
  }

  /* Signed, but not an event. */
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, "[1,2,3]", FC_FAKE_SIGN_VALID), ==, 400);
  g_assert_cmpuint (fc_fake_stripe_send (fixture->stripe, "{\"id\":\"evt_x\",\"type\":\"invoice.paid\","
                                         "\"created\":\"soon\",\"data\":{\"object\":{}}}",
                                         FC_FAKE_SIGN_VALID), ==, 400);

  /* A header of a hundred signatures is not read through. */
  for (guint i = 0; i < 100; i++)
    g_string_append (header, ",v1=0000000000000000000000000000000000000000000000000000000000000000");
  {
    const char *headers[] = { "Stripe-Signature", header->str, NULL };
    g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
    g_autoptr(FcTestResponse) response =
      fc_test_request_full (fixture->nt.server, "POST", PT_API "webhooks/stripe/", headers,
                            "application/json", body);

    g_assert_cmpuint (response->status, ==, 400);
  }
  after = footprint (fixture);
  g_assert_cmpstr (after, ==, before);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/payments/webhooks/signature", PtFixture, NULL, pt_fixture_set_up, test_signature,
              pt_fixture_tear_down);
  g_test_add ("/payments/webhooks/replay", PtFixture, NULL, pt_fixture_set_up, test_replay,
              pt_fixture_tear_down);
  g_test_add ("/payments/webhooks/unknown-customer", PtFixture, NULL, pt_fixture_set_up,
              test_unknown_customer, pt_fixture_tear_down);
  g_test_add ("/payments/webhooks/order", PtFixture, NULL, pt_fixture_set_up, test_order,
              pt_fixture_tear_down);
  g_test_add ("/payments/webhooks/refund-after-cancel", PtFixture, NULL, pt_fixture_set_up,
              test_refund_after_cancel, pt_fixture_tear_down);
  g_test_add ("/payments/webhooks/lifetime-refund-and-past-due", PtFixture, NULL, pt_fixture_set_up,
              test_lifetime_refund_and_past_due, pt_fixture_tear_down);
  g_test_add ("/payments/webhooks/bad-input", PtFixture, NULL, pt_fixture_set_up, test_bad_input,
              pt_fixture_tear_down);
  return g_test_run ();
}
