/* test-payments-service.c — the app's FcPaymentsService against the real server and the fake Stripe
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the Premium page asks of src/sync/fc-payments-service.c, answered
 * by the real fitcore-server and the tests' fake Stripe: plans and prices,
 * a checkout URL the fake knows, the subscription following the signed
 * webhooks, the ledger, cancellation at the period's end, the portal URL,
 * the server's refusals as sentences, access ending on a server whose
 * clock passed the end date, the last subscription kept in the store
 * for an offline page, and Django's 404 for a server without payments.
 */

#include "config.h"

#include <string.h>

#include "fc-fake-http.h"
#include "fc-json.h"
#include "fc-payments-service.h"
#include "payments-test-util.h"
#include "sync-test-util.h"

typedef struct {
  PtFixture          pt;
  FcApiClient       *client;
  FcStore           *store;
  FcPaymentsService *service;
} Fixture;

static void
connect_service (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (fixture->pt.nt.server->base_url, "/", NULL);

  g_clear_object (&fixture->service);
  g_clear_object (&fixture->client);
  fixture->client = fc_api_client_new (url, &error);
  g_assert_no_error (error);
  fc_api_client_set_tokens (fixture->client, fixture->pt.nt.token_a, NULL);
  fixture->service = fc_payments_service_new (fixture->client, fixture->store);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  pt_fixture_set_up (&fixture->pt, data);
  fixture->store = sync_test_open_store (fixture->pt.nt.server->base_url, NT_EMAIL_A);
  connect_service (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->store);
  pt_fixture_tear_down (&fixture->pt, data);
}

/* GET plans/ or, with @ledger, transactions/: the results. */
static JsonArray *
list (Fixture  *fixture,
      gboolean  ledger)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  if (ledger) {
    fc_payments_service_transactions_async (fixture->service, NULL, sync_test_done_cb, &slot);
    result = sync_test_wait (&slot);
    array = fc_payments_service_transactions_finish (fixture->service, result, &error);
  } else {
    fc_payments_service_plans_async (fixture->service, NULL, sync_test_done_cb, &slot);
    result = sync_test_wait (&slot);
    array = fc_payments_service_plans_finish (fixture->service, result, &error);
  }
  g_assert_no_error (error);
  return array;
}

typedef enum { SUB_GET, SUB_CANCEL, SUB_CACHED } SubCall;

/* The subscription as one of the three calls answers it; @error_out
 * (nullable) takes a failure instead of failing the test. */
static JsonObject *
subscription (Fixture  *fixture,
              SubCall   call,
              GError  **error_out)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  if (call == SUB_GET)
    fc_payments_service_subscription_async (fixture->service, NULL, sync_test_done_cb, &slot);
  else if (call == SUB_CANCEL)
    fc_payments_service_cancel_async (fixture->service, NULL, sync_test_done_cb, &slot);
  else
    fc_payments_service_cached_subscription_async (fixture->service, NULL, sync_test_done_cb,
                                                   &slot);
  result = sync_test_wait (&slot);
  object = fc_payments_service_subscription_finish (fixture->service, result, &error);
  if (error_out != NULL)
    g_propagate_error (error_out, g_steal_pointer (&error));
  else
    g_assert_no_error (error);
  return object;
}

/* The URL of a checkout for @plan (NULL: the portal), or NULL and @error. */
static char *
url_of (Fixture     *fixture,
        const char  *plan,
        GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (plan != NULL)
    fc_payments_service_checkout_async (fixture->service, plan, NULL, sync_test_done_cb, &slot);
  else
    fc_payments_service_portal_async (fixture->service, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  return fc_payments_service_url_finish (fixture->service, result, error);
}

static gboolean
access_of (JsonObject *object)
{
  gboolean access = FALSE;

  g_assert_true (fc_json_get_boolean (object, "has_active_access", &access));
  return access;
}

static void
test_life (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonArray) offered = list (fixture, FALSE);
  g_autoptr(JsonObject) before = subscription (fixture, SUB_GET, NULL);
  g_autoptr(JsonObject) active = NULL;
  g_autoptr(JsonObject) cancelled = NULL;
  g_autoptr(JsonObject) ended = NULL;
  g_autoptr(JsonArray) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *checkout = NULL;
  g_autofree char *session = NULL;
  g_autofree char *portal = NULL;
  g_autofree char *nothing = NULL;
  JsonObject *plan, *payment;
  gint64 amount = 0;

  /* Plans and prices, the server's, in its order. */
  g_assert_cmpuint (json_array_get_length (offered), ==, 2);
  plan = json_array_get_object_element (offered, 0);
  g_assert_cmpstr (fc_json_get_string (plan, "plan"), ==, "MONTHLY");
  g_assert_cmpstr (fc_json_get_string (plan, "interval"), ==, "month");
  g_assert_true (fc_json_get_int (plan, "amount", &amount));
  g_assert_cmpint (amount, ==, 999);
  plan = json_array_get_object_element (offered, 1);
  g_assert_cmpstr (fc_json_get_string (plan, "plan"), ==, "LIFETIME");
  g_assert_true (fc_json_get_int (plan, "amount", &amount));
  g_assert_cmpint (amount, ==, 14900);

  g_assert_cmpstr (fc_json_get_string (before, "status"), ==, "INACTIVE");
  g_assert_false (access_of (before));

  /* No portal before a checkout: the server's sentence, as a validation error. */
  nothing = url_of (fixture, NULL, &error);
  g_assert_null (nothing);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_clear_error (&error);

  /* The checkout URL is one the fake handed out; paying it makes the
   * subscription ACTIVE. */
  checkout = url_of (fixture, "MONTHLY", &error);
  g_assert_no_error (error);
  session = fc_fake_stripe_session_of_url (fixture->pt.stripe, checkout);
  g_assert_nonnull (session);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->pt.stripe, "checkout.session"), ==, 1);
  fc_fake_stripe_pay (fixture->pt.stripe, session);

  active = subscription (fixture, SUB_GET, NULL);
  g_assert_cmpstr (fc_json_get_string (active, "status"), ==, "ACTIVE");
  g_assert_cmpstr (fc_json_get_string (active, "plan"), ==, "MONTHLY");
  g_assert_true (access_of (active));
  g_assert_nonnull (fc_json_get_string (active, "end_date"));

  ledger = list (fixture, TRUE);
  g_assert_cmpuint (json_array_get_length (ledger), ==, 1);
  payment = json_array_get_object_element (ledger, 0);
  g_assert_cmpstr (fc_json_get_string (payment, "kind"), ==, "payment");
  g_assert_true (fc_json_get_int (payment, "amount", &amount));
  g_assert_cmpint (amount, ==, 999);

  /* A second monthly checkout while ACTIVE: refused in words. */
  g_clear_pointer (&nothing, g_free);
  nothing = url_of (fixture, "MONTHLY", &error);
  g_assert_null (nothing);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_clear_error (&error);

  portal = url_of (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (portal, fc_fake_stripe_get_url (fixture->pt.stripe)));
  g_assert_cmpuint (fc_fake_stripe_count (fixture->pt.stripe, "billing_portal.session"), ==, 1);

  /* Cancelled at the period's end: access stays until end_date. */
  cancelled = subscription (fixture, SUB_CANCEL, NULL);
  g_assert_cmpstr (fc_json_get_string (cancelled, "status"), ==, "CANCELLED");
  g_assert_true (access_of (cancelled));
  g_assert_cmpstr (fc_json_get_string (cancelled, "end_date"), ==,
                   fc_json_get_string (active, "end_date"));
  g_assert_cmpuint (fc_fake_stripe_count (fixture->pt.stripe, "subscription.update"), ==, 1);

  /* The server's clock past the end: no access any more. */
  pt_restart (&fixture->pt, FC_FAKE_STRIPE_PERIOD + 2 * 24 * 3600);
  connect_service (fixture);
  ended = subscription (fixture, SUB_GET, NULL);
  g_assert_cmpstr (fc_json_get_string (ended, "status"), ==, "CANCELLED");
  g_assert_false (access_of (ended));
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = url_of (fixture, "WEEKLY", &error);

  /* DRF's field error reaches the page as a sentence that names the plan. */
  g_assert_null (url);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "WEEKLY"));
  g_clear_error (&error);

  /* Stripe down: the server's 502 is an error, not a URL. */
  fixture->pt.expect_warnings = TRUE;
  fc_fake_stripe_set_failure (fixture->pt.stripe, 500);
  url = url_of (fixture, "MONTHLY", &error);
  g_assert_null (url);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_SERVER);
}

static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) none = subscription (fixture, SUB_CACHED, NULL);
  g_autoptr(JsonObject) active = NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_autoptr(JsonObject) offline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *checkout = NULL;
  g_autofree char *session = NULL;

  /* Nothing kept before the first answer. */
  g_assert_null (none);

  checkout = url_of (fixture, "MONTHLY", &error);
  g_assert_no_error (error);
  session = fc_fake_stripe_session_of_url (fixture->pt.stripe, checkout);
  fc_fake_stripe_pay (fixture->pt.stripe, session);
  active = subscription (fixture, SUB_GET, NULL);

  /* Offline (the service of a client whose server does not answer, on
   * the same store): the request fails, and the store still has the last
   * answer for the page to show. */
  {
    g_autoptr(FcApiClient) dead = fc_api_client_new ("http://127.0.0.1:1/", &error);

    g_assert_no_error (error);
    fc_api_client_set_tokens (dead, fixture->pt.nt.token_a, NULL);
    g_clear_object (&fixture->service);
    fixture->service = fc_payments_service_new (dead, fixture->store);
  }
  offline = subscription (fixture, SUB_GET, &error);
  g_assert_null (offline);
  g_assert_true (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NETWORK) ||
                 g_error_matches (error, FC_API_ERROR, FC_API_ERROR_TIMEOUT));
  kept = subscription (fixture, SUB_CACHED, NULL);
  g_assert_nonnull (kept);
  g_assert_cmpstr (fc_json_get_string (kept, "status"), ==, "ACTIVE");
  g_assert_cmpstr (fc_json_get_string (kept, "end_date"), ==,
                   fc_json_get_string (active, "end_date"));
  g_assert_true (access_of (kept));
}

/* The Django backend has no payments/: every route there is DRF's 404. */
static void
on_django_request_cb (SoupServer        *server,
                      SoupServerMessage *message,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  static const char body[] = "{\"detail\":\"Not found.\"}";

  soup_server_message_set_status (message, 404, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, body,
                                    strlen (body));
}

static void
test_django (void)
{
  g_autoptr(FcFakeHttp) django = fc_fake_http_new ("django", on_django_request_cb, NULL);
  g_autofree char *url = g_strconcat (fc_fake_http_get_url (django), "/", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiClient) client = fc_api_client_new (url, &error);
  g_autoptr(FcPaymentsService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonArray) offered = NULL;
  GAsyncResult *slot = NULL;

  g_assert_no_error (error);
  fc_api_client_set_tokens (client, "a-django-token", NULL);
  service = fc_payments_service_new (client, NULL);

  /* What the page takes as "no Premium on this server", and hides. */
  fc_payments_service_plans_async (service, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  offered = fc_payments_service_plans_finish (service, result, &error);
  g_assert_null (offered);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/payments/service/life", Fixture, NULL, fixture_set_up, test_life,
              fixture_tear_down);
  g_test_add ("/payments/service/refusals", Fixture, NULL, fixture_set_up, test_refusals,
              fixture_tear_down);
  g_test_add ("/payments/service/cache", Fixture, NULL, fixture_set_up, test_cache,
              fixture_tear_down);
  g_test_add_func ("/payments/service/django", test_django);
  return g_test_run ();
}
