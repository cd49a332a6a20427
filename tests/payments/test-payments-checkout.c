/* test-payments-checkout.c — checkout, cancel and portal through the fake Stripe; who sees what; premium access
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real fitcore-server and the fake Stripe (tests/lib/fc-fake-stripe.c):
 * a checkout creates the user's Stripe customer once and a Checkout
 * Session with exactly the fields Stripe documents, and the paid session
 * gives access; a premium workout's video is refused before the payment and
 * served after it; cancelling keeps access until the period's end and not
 * after (the server restarted with its payments clock moved, not waited
 * for); another user sees nothing of mine; the fake answers a wrong key as
 * Stripe does.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fc-json.h"
#include "fc-sql.h"
#include "payments-test-util.h"

#define WORKOUTS "/api/v1/workouts/"
#define DAY (24 * 3600)
#define WORKOUT_CHANGES_SQL "SELECT count(*) FROM changes WHERE section = 'workouts' AND user_id = 1"

static gboolean
boolean_member (JsonObject *object,
                const char *member)
{
  gboolean value = FALSE;

  g_assert_true (fc_json_get_boolean (object, member, &value));
  return value;
}

static void
test_end_to_end (PtFixture     *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) plans = pt_request (fixture, "GET", PT_API "plans/", NULL, NULL, 200);
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) portal = NULL;
  g_autoptr(JsonObject) subscription = NULL;
  g_autofree char *monthly = NULL;
  g_autofree char *lifetime = NULL;
  g_autofree char *form = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *end = NULL;
  g_autoptr(GDateTime) end_time = NULL;
  JsonArray *results = fc_json_get_array (json_node_get_object (plans), "results");
  gint64 amount = 0, period_end;

  g_assert_cmpuint (json_array_get_length (results), ==, 2);
  g_assert_cmpstr (fc_json_get_string (json_array_get_object_element (results, 0), "plan"), ==,
                   "MONTHLY");
  g_assert_true (fc_json_get_int (json_array_get_object_element (results, 1), "amount", &amount));
  g_assert_cmpint (amount, ==, 14900);
  g_assert_true (boolean_member (json_array_get_object_element (results, 1), "available"));

  /* Bad plans are DRF's field errors and reach no Stripe. */
  refused = pt_request (fixture, "POST", PT_API "checkout/", fixture->nt.token_a,
                        "{\"plan\":\"WEEKLY\"}", 400);
  g_assert_nonnull (fc_json_get_array (json_node_get_object (refused), "plan"));
  g_clear_pointer (&refused, json_node_unref);
  refused = pt_request (fixture, "POST", PT_API "checkout/", fixture->nt.token_a, "{}", 400);
  g_assert_nonnull (fc_json_get_array (json_node_get_object (refused), "plan"));
  g_clear_pointer (&refused, json_node_unref);
  refused = pt_request (fixture, "POST", PT_API "checkout/", fixture->nt.token_a,
                        "{\"plan\":[\"MONTHLY\"]}", 400);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "customer"), ==, 0);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "checkout.session"), ==, 0);

  monthly = pt_checkout (fixture, fixture->nt.token_a, "MONTHLY");
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "customer"), ==, 1);
  form = fc_fake_stripe_last_form (fixture->stripe, "/v1/customers");
  g_assert_cmpstr (form, ==, "email=" NT_EMAIL_A "\nmetadata[user_id]=1\n");
  g_clear_pointer (&form, g_free);
  customer = fc_fake_stripe_get (fixture->stripe, monthly, "customer");
  g_assert_true (g_str_has_prefix (customer, "cus_"));
  form = fc_fake_stripe_last_form (fixture->stripe, "/v1/checkout/sessions");
  expected = g_strdup_printf ("cancel_url=https://fitcore.test/premium/cancelled\n"
                              "client_reference_id=1\n"
                              "customer=%s\n"
                              "line_items[0][price]=" PT_PRICE_MONTHLY "\n"
                              "line_items[0][quantity]=1\n"
                              "metadata[plan]=MONTHLY\n"
                              "mode=subscription\n"
                              "success_url=https://fitcore.test/premium/done\n", customer);
  g_assert_cmpstr (form, ==, expected);

  /* A second checkout (another plan, before paying) reuses the customer. */
  lifetime = pt_checkout (fixture, fixture->nt.token_a, "LIFETIME");
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "customer"), ==, 1);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "checkout.session"), ==, 2);
  g_clear_pointer (&form, g_free);
  form = fc_fake_stripe_get (fixture->stripe, lifetime, "customer");
  g_assert_cmpstr (form, ==, customer);

  /* Nothing is granted by a checkout alone. */
  subscription = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_false (boolean_member (subscription, "has_active_access"));
  g_clear_pointer (&subscription, json_object_unref);

  fc_fake_stripe_pay (fixture->stripe, monthly);
  subscription = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_cmpstr (fc_json_get_string (subscription, "plan"), ==, "MONTHLY");
  g_assert_cmpstr (fc_json_get_string (subscription, "status"), ==, "ACTIVE");
  g_assert_true (boolean_member (subscription, "has_active_access"));
  g_assert_false (boolean_member (subscription, "cancel_at_period_end"));
  sub = fc_fake_stripe_get (fixture->stripe, monthly, "subscription");
  end = g_strdup (fc_json_get_string (subscription, "end_date"));
  end_time = g_date_time_new_from_iso8601 (end, NULL);
  g_assert_nonnull (end_time);
  period_end = g_date_time_to_unix (end_time);
  g_assert_cmpint (period_end, >, fc_fake_stripe_now (fixture->stripe) + 29 * DAY);
  g_assert_cmpint (period_end, <=, fc_fake_stripe_now (fixture->stripe) + 30 * DAY);
  g_assert_cmpint (nt_count (fixture->nt.server, PT_API "transactions/", fixture->nt.token_a), ==, 1);

  /* A monthly plan cannot be bought twice. */
  g_clear_pointer (&refused, json_node_unref);
  refused = pt_request (fixture, "POST", PT_API "checkout/", fixture->nt.token_a,
                        "{\"plan\":\"MONTHLY\"}", 400);

  /* The card is changed in Stripe's billing portal. */
  portal = pt_request (fixture, "POST", PT_API "portal/", fixture->nt.token_a, NULL, 200);
  g_assert_true (g_str_has_prefix (fc_json_get_string (json_node_get_object (portal), "url"),
                                   fc_fake_stripe_get_url (fixture->stripe)));
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "billing_portal.session"), ==, 1);
  g_clear_pointer (&form, g_free);
  form = fc_fake_stripe_last_form (fixture->stripe, "/v1/billing_portal/sessions");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("customer=%s\nreturn_url=https://fitcore.test/premium/done\n", customer);
  g_assert_cmpstr (form, ==, expected);
  g_clear_pointer (&refused, json_node_unref);
  refused = pt_request (fixture, "POST", PT_API "portal/", fixture->nt.token_b, NULL, 400);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "billing_portal.session"), ==, 1);
  /* Every call the server made was one the fake took. */
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "refused"), ==, 0);
}

/* A premium workout with one members-only video, its file on disk. */
static gint64
make_premium_video (PtFixture *fixture,
                    gint64    *workout)
{
  g_autofree char *dir = g_build_filename (fixture->nt.server->data_dir, "protected", "videos", NULL);
  g_autofree char *file = g_build_filename (dir, "members.webm", NULL);
  g_autofree char *sql = NULL;
  g_autoptr(FcSql) db = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;

  *workout = nt_create (fixture->nt.server, WORKOUTS "workouts/", fixture->nt.token_staff,
                        "{\"title\":\"Premium Workout\",\"is_premium\":true}");
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "not really a video", -1, NULL));
  sql = g_strdup_printf ("INSERT INTO workout_videos (workout_id, title, file, created_at, updated_at)"
                         " VALUES (%" G_GINT64_FORMAT ", 'Members only', 'videos/members.webm',"
                         " '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')", *workout);
  db = nt_open_db (fixture->nt.server);
  stmt = fc_sql_prepare (db, sql);
  g_assert_true (fc_sql_step_done (stmt));
  return fc_sql_last_insert_id (db);
}

/* Whether @token may watch @video of @workout: its detail says locked or
 * not, and its file route serves it or refuses. */
static gboolean
can_watch (PtFixture  *fixture,
           const char *token,
           gint64      workout,
           gint64      video)
{
  g_autofree char *path = g_strdup_printf (WORKOUTS "workouts/%" G_GINT64_FORMAT "/", workout);
  g_autofree char *file = g_strdup_printf (WORKOUTS "videos/%" G_GINT64_FORMAT "/file/", video);
  g_autoptr(JsonNode) node = nt_request (fixture->nt.server, "GET", path, token, NULL, 200);
  JsonArray *videos = fc_json_get_array (json_node_get_object (node), "videos");
  g_autoptr(FcTestResponse) response = fc_test_request (fixture->nt.server, "GET", file, token, NULL);
  JsonObject *object;
  gboolean locked;

  g_assert_cmpuint (json_array_get_length (videos), ==, 1);
  object = json_array_get_object_element (videos, 0);
  locked = boolean_member (object, "locked");
  g_assert_cmpint (locked, ==, fc_json_is_null (object, "file"));
  if (locked)
    g_assert_cmpuint (response->status, ==, 403);
  else
    g_assert_cmpuint (response->status, ==, 200);
  return !locked;
}

static void
test_cancel_until_period_end (PtFixture     *fixture,
                              gconstpointer  data)
{
  g_autofree char *session = NULL;
  g_autofree char *form = NULL;
  g_autoptr(JsonNode) cancelled = NULL;
  g_autoptr(JsonObject) subscription = NULL;
  gint64 workout, video, changes;

  video = make_premium_video (fixture, &workout);
  g_assert_false (can_watch (fixture, fixture->nt.token_a, workout, video));
  nt_expect (fixture->nt.server, "POST", PT_API "subscription/cancel/", fixture->nt.token_a, NULL, 400);

  session = pt_checkout (fixture, fixture->nt.token_a, "MONTHLY");
  g_assert_false (can_watch (fixture, fixture->nt.token_a, workout, video));
  changes = pt_db_int (fixture, WORKOUT_CHANGES_SQL);
  fc_fake_stripe_pay (fixture->stripe, session);
  g_assert_true (can_watch (fixture, fixture->nt.token_a, workout, video));
  /* The change feed tells A's app that the workout changed (it unlocks
   * without a restart), once for the payment that opened it. */
  g_assert_cmpint (pt_db_int (fixture, WORKOUT_CHANGES_SQL), ==, changes + 1);
  g_assert_false (can_watch (fixture, fixture->nt.token_b, workout, video));

  cancelled = pt_request (fixture, "POST", PT_API "subscription/cancel/", fixture->nt.token_a, NULL,
                          200);
  g_assert_cmpstr (fc_json_get_string (json_node_get_object (cancelled), "status"), ==, "CANCELLED");
  g_assert_true (boolean_member (json_node_get_object (cancelled), "cancel_at_period_end"));
  g_assert_true (boolean_member (json_node_get_object (cancelled), "has_active_access"));
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "subscription.update"), ==, 1);
  form = fc_fake_stripe_last_form (fixture->stripe, "/v1/subscriptions/{id}");
  g_assert_cmpstr (form, ==, "cancel_at_period_end=true\n");
  /* Again: already ending, Stripe is not asked twice. */
  nt_expect (fixture->nt.server, "POST", PT_API "subscription/cancel/", fixture->nt.token_a, NULL, 200);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "subscription.update"), ==, 1);
  g_assert_true (can_watch (fixture, fixture->nt.token_a, workout, video));

  /* A day before the end: still open. */
  pt_restart (fixture, 29 * DAY);
  subscription = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_true (boolean_member (subscription, "has_active_access"));
  g_assert_true (can_watch (fixture, fixture->nt.token_a, workout, video));
  g_clear_pointer (&subscription, json_object_unref);

  /* A day after: closed, without any webhook. */
  pt_restart (fixture, 31 * DAY);
  subscription = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_cmpstr (fc_json_get_string (subscription, "status"), ==, "CANCELLED");
  g_assert_false (boolean_member (subscription, "has_active_access"));
  g_assert_false (can_watch (fixture, fixture->nt.token_a, workout, video));

  /* A staff grant still opens premium, until its own end. */
  nt_expect (fixture->nt.server, "PATCH", "/api/v1/admin/users/1/", fixture->nt.token_staff,
             "{\"has_premium\":true,\"premium_until\":\"2999-01-01\"}", 200);
  g_assert_true (can_watch (fixture, fixture->nt.token_a, workout, video));
}

static void
test_privacy (PtFixture     *fixture,
              gconstpointer  data)
{
  static const char * const routes[][2] = {
    { "GET", PT_API "subscription/" }, { "GET", PT_API "transactions/" },
    { "POST", PT_API "checkout/" }, { "POST", PT_API "subscription/cancel/" },
    { "POST", PT_API "portal/" },
  };
  g_autofree char *session = pt_checkout (fixture, fixture->nt.token_a, "LIFETIME");
  g_autoptr(JsonObject) mine = NULL;
  g_autoptr(JsonObject) theirs = NULL;

  fc_fake_stripe_pay (fixture->stripe, session);
  mine = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_cmpstr (fc_json_get_string (mine, "plan"), ==, "LIFETIME");
  g_assert_true (boolean_member (mine, "has_active_access"));
  g_assert_true (fc_json_is_null (mine, "end_date"));

  theirs = pt_subscription (fixture, fixture->nt.token_b);
  g_assert_true (fc_json_is_null (theirs, "id"));
  g_assert_true (fc_json_is_null (theirs, "plan"));
  g_assert_cmpstr (fc_json_get_string (theirs, "status"), ==, "INACTIVE");
  g_assert_false (boolean_member (theirs, "has_active_access"));
  g_assert_cmpint (nt_count (fixture->nt.server, PT_API "transactions/", fixture->nt.token_b), ==, 0);
  g_assert_cmpint (nt_count (fixture->nt.server, PT_API "transactions/", fixture->nt.token_a), ==, 1);
  /* B cancelling cancels nothing of A's. */
  nt_expect (fixture->nt.server, "POST", PT_API "subscription/cancel/", fixture->nt.token_b, NULL, 400);
  /* A lifetime plan is not cancelled either, nor bought again. */
  nt_expect (fixture->nt.server, "POST", PT_API "subscription/cancel/", fixture->nt.token_a, NULL, 400);
  nt_expect (fixture->nt.server, "POST", PT_API "checkout/", fixture->nt.token_a,
             "{\"plan\":\"LIFETIME\"}", 400);
  g_clear_pointer (&mine, json_object_unref);
  mine = pt_subscription (fixture, fixture->nt.token_a);
  g_assert_cmpstr (fc_json_get_string (mine, "status"), ==, "ACTIVE");

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    nt_expect (fixture->nt.server, routes[i][0], routes[i][1], NULL, "{\"plan\":\"MONTHLY\"}", 401);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "customer"), ==, 1);
}

typedef struct {
  char       *url;
  char       *token;
  const char *json;      /* NULL: {"plan":"MONTHLY"}; "": no body */
  const char *key;       /* an Idempotency-Key, or NULL */
  guint       status;
  char       *body;
  gboolean    replayed;  /* answered "Idempotent-Replayed: true" */
  char       *retry_after;
} Checkout;

static void
checkout_clear (Checkout *checkout)
{
  g_clear_pointer (&checkout->url, g_free);
  g_clear_pointer (&checkout->body, g_free);
  g_clear_pointer (&checkout->retry_after, g_free);
}

/* A POST of its own, with its own session: run from a thread while the
 * test's thread goes on, or called directly. */
static gpointer
checkout_thread (gpointer data)
{
  Checkout *checkout = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", checkout->url);
  g_autofree char *authorization = g_strconcat ("Bearer ", checkout->token, NULL);
  const char *json = checkout->json != NULL ? checkout->json : "{\"plan\":\"MONTHLY\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));
  g_autoptr(GBytes) answer = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  SoupMessageHeaders *answered;

  soup_message_headers_replace (headers, "Authorization", authorization);
  if (checkout->key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", checkout->key);
  if (*json != '\0')
    soup_message_set_request_body_from_bytes (message, "application/json", body);
  answer = soup_session_send_and_read (session, message, NULL, NULL);
  checkout->status = soup_message_get_status (message);
  if (answer != NULL)
    checkout->body = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  answered = soup_message_get_response_headers (message);
  checkout->replayed = g_strcmp0 (soup_message_headers_get_one (answered, "Idempotent-Replayed"),
                                  "true") == 0;
  checkout->retry_after = g_strdup (soup_message_headers_get_one (answered, "Retry-After"));
  return NULL;
}

/* POSTs @json to payments @route as @token with Idempotency-Key @key. */
static void
post_with_key (PtFixture  *fixture,
               Checkout   *checkout,
               const char *route,
               const char *token,
               const char *json,
               const char *key)
{
  checkout_clear (checkout);
  checkout->url = g_strconcat (fixture->nt.server->base_url, PT_API, route, NULL);
  checkout->token = (char *) token;
  checkout->json = json;
  checkout->key = key;
  checkout_thread (checkout);
  if (checkout->body != NULL)
    g_string_append (fixture->answers, checkout->body);
}

/* While Stripe takes its time over two checkouts at once (a double
 * click), the server answers everyone else; the two make one customer
 * (the server's Idempotency-Key); when Stripe fails, the caller gets a 502
 * and nothing of the failed call is kept. */
static void
test_stripe_slow_and_down (PtFixture     *fixture,
                           gconstpointer  data)
{
  Checkout checkouts[2] = { { 0 } };
  GThread *threads[2];
  g_autoptr(JsonNode) failed = NULL;
  g_autofree char *customers[2] = { NULL, NULL };
  gint64 deadline;

  fc_fake_stripe_hold (fixture->stripe, TRUE);
  for (guint i = 0; i < 2; i++) {
    checkouts[i].url = g_strconcat (fixture->nt.server->base_url, PT_API "checkout/", NULL);
    checkouts[i].token = fixture->nt.token_a;
    threads[i] = g_thread_new ("checkout", checkout_thread, &checkouts[i]);
  }
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (fc_fake_stripe_held (fixture->stripe) < 2 && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpuint (fc_fake_stripe_held (fixture->stripe), ==, 2);

  /* Stripe has not answered: the others are served meanwhile. */
  for (guint i = 0; i < 5; i++) {
    g_autoptr(JsonObject) subscription = pt_subscription (fixture, fixture->nt.token_b);

    nt_expect (fixture->nt.server, "GET", PT_API "plans/", NULL, NULL, 200);
  }
  g_assert_cmpuint (fc_fake_stripe_held (fixture->stripe), ==, 2);
  g_assert_cmpuint (checkouts[0].status + checkouts[1].status, ==, 0);

  fc_fake_stripe_hold (fixture->stripe, FALSE);
  for (guint i = 0; i < 2; i++) {
    g_autoptr(JsonObject) answer = NULL;
    g_autofree char *session = NULL;

    g_thread_join (threads[i]);
    g_assert_cmpuint (checkouts[i].status, ==, 200);
    g_string_append (fixture->answers, checkouts[i].body);
    answer = fc_json_parse_object (checkouts[i].body, -1, NULL);
    session = fc_fake_stripe_session_of_url (fixture->stripe,
                                             fc_json_get_string (answer, "checkout_url"));
    customers[i] = fc_fake_stripe_get (fixture->stripe, session, "customer");
    checkout_clear (&checkouts[i]);
  }
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "checkout.session"), ==, 2);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "customer"), ==, 1);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "idempotent.replay"), ==, 1);
  g_assert_cmpstr (customers[0], ==, customers[1]);

  /* Stripe down, then declining: 502, and B has no customer. The server
   * warns about it, as it should. */
  fixture->expect_warnings = TRUE;
  fc_fake_stripe_set_failure (fixture->stripe, 500);
  failed = pt_request (fixture, "POST", PT_API "checkout/", fixture->nt.token_b,
                       "{\"plan\":\"MONTHLY\"}", 502);
  g_assert_nonnull (fc_json_get_string (json_node_get_object (failed), "detail"));
  fc_fake_stripe_set_failure (fixture->stripe, 402);
  nt_expect (fixture->nt.server, "POST", PT_API "portal/", fixture->nt.token_a, NULL, 502);
  g_assert_cmpint (pt_db_int (fixture, "SELECT count(*) FROM subscriptions"
                                       " WHERE user_id = 2 AND stripe_customer_id IS NOT NULL"), ==, 0);
  fc_fake_stripe_set_failure (fixture->stripe, 0);
  g_free (pt_checkout (fixture, fixture->nt.token_b, "MONTHLY"));
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "customer"), ==, 2);
}

/* An Idempotency-Key on checkout and cancel, the two payments POSTs that
 * call Stripe: a retry while Stripe still holds the first gets a 409 with
 * Retry-After (not a second Checkout Session), a replay after it gets the
 * first answer word for word, the same key with another body is a 422, and
 * another user's equal key is that user's own. */
static void
test_idempotency_key (PtFixture     *fixture,
                      gconstpointer  data)
{
  Checkout first = { 0 };
  Checkout again = { 0 };
  Checkout other = { 0 };
  Checkout cancel = { 0 };
  GThread *thread;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *session = NULL;
  gint64 deadline;

  fc_fake_stripe_hold (fixture->stripe, TRUE);
  first.url = g_strconcat (fixture->nt.server->base_url, PT_API "checkout/", NULL);
  first.token = fixture->nt.token_a;
  first.key = "checkout-1";
  thread = g_thread_new ("checkout", checkout_thread, &first);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (fc_fake_stripe_held (fixture->stripe) < 1 && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpuint (fc_fake_stripe_held (fixture->stripe), ==, 1);

  /* Stripe still has the first: the retry waits its turn. */
  post_with_key (fixture, &again, "checkout/", fixture->nt.token_a, NULL, "checkout-1");
  g_assert_cmpuint (again.status, ==, 409);
  g_assert_nonnull (again.retry_after);
  g_assert_cmpint (g_ascii_strtoll (again.retry_after, NULL, 10), >, 0);
  post_with_key (fixture, &again, "checkout/", fixture->nt.token_a,
                 "{\"plan\":\"LIFETIME\"}", "checkout-1");
  g_assert_cmpuint (again.status, ==, 422);
  g_assert_cmpuint (fc_fake_stripe_held (fixture->stripe), ==, 1);

  fc_fake_stripe_hold (fixture->stripe, FALSE);
  g_thread_join (thread);
  g_assert_cmpuint (first.status, ==, 200);
  g_assert_false (first.replayed);
  g_string_append (fixture->answers, first.body);

  /* Answered: a replay is the first answer, and Stripe is not asked. */
  post_with_key (fixture, &again, "checkout/", fixture->nt.token_a, NULL, "checkout-1");
  g_assert_cmpuint (again.status, ==, 200);
  g_assert_true (again.replayed);
  g_assert_cmpstr (again.body, ==, first.body);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "checkout.session"), ==, 1);
  post_with_key (fixture, &again, "checkout/", fixture->nt.token_a,
                 "{\"plan\":\"LIFETIME\"}", "checkout-1");
  g_assert_cmpuint (again.status, ==, 422);

  /* B's key of the same text is B's: a session of B's own. */
  post_with_key (fixture, &other, "checkout/", fixture->nt.token_b, NULL, "checkout-1");
  g_assert_cmpuint (other.status, ==, 200);
  g_assert_false (other.replayed);
  g_assert_cmpstr (other.body, !=, first.body);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "checkout.session"), ==, 2);

  /* Cancel: asked of Stripe once, the replay is the first answer even
   * after the subscription changed again. */
  answer = fc_json_parse_object (first.body, -1, NULL);
  session = fc_fake_stripe_session_of_url (fixture->stripe,
                                           fc_json_get_string (answer, "checkout_url"));
  fc_fake_stripe_pay (fixture->stripe, session);
  post_with_key (fixture, &cancel, "subscription/cancel/", fixture->nt.token_a, "",
                 "cancel-1");
  g_assert_cmpuint (cancel.status, ==, 200);
  g_assert_false (cancel.replayed);
  g_assert_nonnull (strstr (cancel.body, "\"CANCELLED\""));
  post_with_key (fixture, &again, "subscription/cancel/", fixture->nt.token_a, "", "cancel-1");
  g_assert_cmpuint (again.status, ==, 200);
  g_assert_true (again.replayed);
  g_assert_cmpstr (again.body, ==, cancel.body);
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "subscription.update"), ==, 1);

  checkout_clear (&first);
  checkout_clear (&again);
  checkout_clear (&other);
  checkout_clear (&cancel);
}

/* The fake itself answers a wrong key, an unknown parameter and a
 * missing object as Stripe does. */
static void
test_fake_errors (PtFixture     *fixture,
                  gconstpointer  data)
{
  static const struct {
    const char *key;
    const char *path;
    const char *body;
    guint       status;
    const char *code;
  } cases[] = {
    { "sk_test_wrong", "/v1/customers", "email=a%40b.c", 401, "api_key_invalid" },
    { PT_SECRET_KEY, "/v1/customers", "emale=a%40b.c", 400, "parameter_unknown" },
    { PT_SECRET_KEY, "/v1/customers", "email=a&email=b", 400, "parameter_invalid_string" },
    { PT_SECRET_KEY, "/v1/subscriptions/sub_nope", "cancel_at_period_end=true", 404,
      "resource_missing" },
    { PT_SECRET_KEY, "/v1/checkout/sessions", "mode=payment", 400, "parameter_missing" },
  };
  g_autoptr(SoupSession) session = soup_session_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *url = g_strconcat (fc_fake_stripe_get_url (fixture->stripe), cases[i].path, NULL);
    g_autofree char *authorization = g_strconcat ("Bearer ", cases[i].key, NULL);
    g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
    g_autoptr(GBytes) body = g_bytes_new_static (cases[i].body, strlen (cases[i].body));
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(JsonObject) object = NULL;
    JsonObject *error;

    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                  authorization);
    soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);
    answer = soup_session_send_and_read (session, message, NULL, NULL);
    g_assert_nonnull (answer);
    g_assert_cmpuint (soup_message_get_status (message), ==, cases[i].status);
    object = fc_json_parse_object (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL);
    g_assert_nonnull (object);
    error = fc_json_get_object (object, "error");
    g_assert_nonnull (error);
    g_assert_cmpstr (fc_json_get_string (error, "type"), ==, "invalid_request_error");
    g_assert_cmpstr (fc_json_get_string (error, "code"), ==, cases[i].code);
    g_assert_nonnull (fc_json_get_string (error, "message"));
  }
  g_assert_cmpuint (fc_fake_stripe_count (fixture->stripe, "customer"), ==, 0);
  /* The teardown wants the server to have served something. */
  nt_expect (fixture->nt.server, "GET", PT_API "plans/", NULL, NULL, 200);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/payments/checkout/end-to-end", PtFixture, NULL, pt_fixture_set_up, test_end_to_end,
              pt_fixture_tear_down);
  g_test_add ("/payments/checkout/cancel-until-period-end", PtFixture, NULL, pt_fixture_set_up,
              test_cancel_until_period_end, pt_fixture_tear_down);
  g_test_add ("/payments/checkout/privacy", PtFixture, NULL, pt_fixture_set_up, test_privacy,
              pt_fixture_tear_down);
  g_test_add ("/payments/checkout/stripe-slow-and-down", PtFixture, NULL, pt_fixture_set_up,
              test_stripe_slow_and_down, pt_fixture_tear_down);
  g_test_add ("/payments/checkout/idempotency-key", PtFixture, NULL, pt_fixture_set_up,
              test_idempotency_key, pt_fixture_tear_down);
  g_test_add ("/payments/checkout/fake-errors", PtFixture, NULL, pt_fixture_set_up, test_fake_errors,
              pt_fixture_tear_down);
  return g_test_run ();
}
