/* fc-payments-routes.c — /api/v1/payments/: plans, the caller's subscription and ledger, checkout
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A checkout creates the caller's Stripe customer once (kept on their
 * subscription row before the Checkout Session exists, so that every
 * webhook about the customer finds its user) and a Checkout Session for
 * the plan's configured price; the app opens its URL in the browser.
 * Nothing is granted here: access follows the signed webhooks
 * (fc-payments-webhook.c). Cancelling asks Stripe to end the subscription
 * at the period's end; access holds until then.
 *
 * The calls to Stripe are asynchronous: the handler keeps a reference on
 * the request and answers once Stripe did; the framework commits the
 * synchronous part on return, and the continuations open their own
 * transactions.
 */

#define G_LOG_DOMAIN "fc-payments"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-json.h"
#include "fc-payments-private.h"
#include "fc-server-config.h"
#include "fc-sql.h"
#include "fc-time.h"
#include "fc-validate.h"

#define API FC_PAYMENTS_API
#define SERVER_ERROR "A server error occurred."

static const char * const plans[] = { "MONTHLY", "LIFETIME", NULL };

gint64
fc_payments_now (FcServer *server)
{
  return g_get_real_time () / G_USEC_PER_SEC + fc_server_get_config (server)->test_clock_offset;
}

static char *
format_unix (gint64 seconds)
{
  g_autoptr(GDateTime) datetime = g_date_time_new_from_unix_utc (seconds);

  return datetime != NULL ? fc_time_format_iso8601 (datetime) : NULL;
}

gboolean
fc_payments_has_active_access (FcServer *server,
                               FcSql  *db,
                               gint64    user_id)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  gint64 now = fc_payments_now (server);
  g_autofree char *now_text = format_unix (now);

  if (user_id <= 0)
    return FALSE;
  /* A staff grant's end is checked here too: the housekeeping that clears
   * has_premium runs only now and then. */
  stmt = fc_sql_prepare (db,
    "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE user_id = ?1 AND (status = 'ACTIVE' OR"
    "   (status = 'CANCELLED' AND period_end > ?2 AND (ended_at IS NULL OR ended_at > ?2))))"
    " OR EXISTS (SELECT 1 FROM users u WHERE u.id = ?1 AND u.has_premium = 1 AND coalesce ("
    "   (SELECT CASE WHEN t.kind <> 'grant' OR t.ends_at IS NULL OR t.ends_at > ?3 THEN 1 ELSE 0 END"
    "    FROM payment_transactions t"
    "    WHERE t.user_id = ?1 AND t.kind IN ('grant', 'revoke') ORDER BY t.id DESC LIMIT 1), 1) = 1)");
  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_int64 (stmt, 2, now);
  fc_sql_bind_text (stmt, 3, now_text);
  return fc_sql_step_row (stmt) && fc_sql_column_int (stmt, 0) != 0;
}

gboolean
fc_payments_ensure_row (FcSql *db,
                        gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO subscriptions (user_id, created_at, updated_at)"
                              " VALUES (?1, ?2, ?2) ON CONFLICT (user_id) DO NOTHING");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, now);
  return fc_sql_step_done (stmt);
}

static void
set_time_or_null (JsonObject   *object,
                  const char   *member,
                  FcSqlStmt *stmt,
                  int           column)
{
  g_autofree char *text = NULL;

  if (!fc_sql_column_is_null (stmt, column))
    text = format_unix (fc_sql_column_int64 (stmt, column));
  if (text != NULL)
    json_object_set_string_member (object, member, text);
  else
    json_object_set_null_member (object, member);
}

static void
set_text_or_null (JsonObject   *object,
                  const char   *member,
                  FcSqlStmt *stmt,
                  int           column)
{
  if (!fc_sql_column_is_null (stmt, column))
    json_object_set_string_member (object, member, fc_sql_column_text (stmt, column));
  else
    json_object_set_null_member (object, member);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

JsonNode *
fc_payments_subscription_json (FcServer *server,
                               FcSql  *db,
                               gint64    user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT id, plan, status, period_start, period_end,"
                              " cancel_at_period_end, created_at, updated_at"
                              " FROM subscriptions WHERE user_id = ?");
  JsonObject *object = json_object_new ();

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (fc_sql_step_row (stmt)) {
    json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
    set_text_or_null (object, "plan", stmt, 1);
    json_object_set_string_member (object, "status", fc_sql_column_text (stmt, 2));
    set_time_or_null (object, "start_date", stmt, 3);
    set_time_or_null (object, "end_date", stmt, 4);
    json_object_set_boolean_member (object, "cancel_at_period_end",
                                    fc_sql_column_int (stmt, 5) != 0);
    json_object_set_boolean_member (object, "has_active_access",
                                    fc_payments_has_active_access (server, db, user_id));
    json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 6));
    json_object_set_string_member (object, "updated_at", fc_sql_column_text (stmt, 7));
  } else {
    json_object_set_null_member (object, "id");
    json_object_set_null_member (object, "plan");
    json_object_set_string_member (object, "status", "INACTIVE");
    json_object_set_null_member (object, "start_date");
    json_object_set_null_member (object, "end_date");
    json_object_set_boolean_member (object, "cancel_at_period_end", FALSE);
    json_object_set_boolean_member (object, "has_active_access",
                                    fc_payments_has_active_access (server, db, user_id));
    json_object_set_null_member (object, "created_at");
    json_object_set_null_member (object, "updated_at");
  }
  return object_node (object);
}

static void
respond_server_error (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR, SERVER_ERROR);
}

/* A failed call to Stripe: 503 when payments are not set up here, 502
 * when Stripe could not be reached or said no. */
static void
respond_stripe_error (FcServerRequest *request,
                      const GError    *error)
{
  if (g_error_matches (error, FC_STRIPE_ERROR, FC_STRIPE_ERROR_NOT_CONFIGURED))
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE, error->message);
  else
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_GATEWAY, error->message);
}

static void
respond_not_configured (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                    "Payments are not configured on this server.");
}

/* GET payments/plans/ */

static void
add_plan (JsonArray  *results,
          const char *plan,
          const char *name,
          gint64      amount,
          const char *currency,
          const char *interval,
          gboolean    available)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "plan", plan);
  json_object_set_string_member (object, "name", name);
  json_object_set_int_member (object, "amount", amount);
  json_object_set_string_member (object, "currency", currency);
  if (interval != NULL)
    json_object_set_string_member (object, "interval", interval);
  else
    json_object_set_null_member (object, "interval");
  json_object_set_boolean_member (object, "available", available);
  json_array_add_object_element (results, object);
}

static void
plans_cb (FcServerRequest *request)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autoptr(JsonArray) results = json_array_new ();
  gboolean configured = config->stripe_secret_key != NULL && config->checkout_success_url != NULL &&
                        config->checkout_cancel_url != NULL;
  gint64 limit, offset;

  if (!fc_server_request_paginate (request, 2, &limit, &offset))
    return;
  if (offset == 0)
    add_plan (results, "MONTHLY", "Monthly", config->plan_monthly_amount, config->plan_currency,
              "month", configured && config->stripe_price_monthly != NULL);
  if (offset + limit > 1 && offset <= 1)
    add_plan (results, "LIFETIME", "Lifetime", config->plan_lifetime_amount, config->plan_currency,
              NULL, configured && config->stripe_price_lifetime != NULL);
  fc_server_request_respond_page (request, 2, results);
}

/* GET payments/subscription/ */

static void
subscription_cb (FcServerRequest *request)
{
  fc_server_request_respond_json (request, SOUP_STATUS_OK,
                                  fc_payments_subscription_json (fc_server_request_get_server (request),
                                                                 fc_server_request_get_db (request),
                                                                 fc_server_request_get_user_id (request)));
}

/* GET payments/transactions/: the caller's own ledger, newest first. */

static void
transactions_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  g_autoptr(FcSqlStmt) count_stmt =
    fc_sql_prepare (db, "SELECT count(*) FROM payment_transactions WHERE user_id = ?");
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  gint64 count, limit, offset;

  fc_sql_bind_int64 (count_stmt, 1, user_id);
  count = fc_sql_step_row (count_stmt) ? fc_sql_column_int64 (count_stmt, 0) : 0;
  if (!fc_server_request_paginate (request, count, &limit, &offset))
    return;

  stmt = fc_sql_prepare (db, "SELECT id, kind, plan, status, amount, currency, provider,"
                                   " starts_at, ends_at, created_at FROM payment_transactions"
                                   " WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?");
  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_int64 (stmt, 2, limit);
  fc_sql_bind_int64 (stmt, 3, offset);
  while (fc_sql_step_row (stmt)) {
    JsonObject *object = json_object_new ();

    json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
    json_object_set_string_member (object, "kind", fc_sql_column_text (stmt, 1));
    set_text_or_null (object, "plan", stmt, 2);
    json_object_set_string_member (object, "status", fc_sql_column_text (stmt, 3));
    json_object_set_int_member (object, "amount", fc_sql_column_int64 (stmt, 4));
    json_object_set_string_member (object, "currency", fc_sql_column_text (stmt, 5));
    json_object_set_string_member (object, "provider", fc_sql_column_text (stmt, 6));
    set_text_or_null (object, "starts_at", stmt, 7);
    set_text_or_null (object, "ends_at", stmt, 8);
    json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 9));
    json_array_add_object_element (results, object);
  }
  fc_server_request_respond_page (request, count, results);
}

/* What the checkout, cancel and portal continuations need. */
typedef struct {
  FcServerRequest *request;
  gint64           user_id;
  char            *plan;
  char            *price;
  char            *customer;
  char            *subscription;
} Pending;

static void
pending_free (Pending *pending)
{
  fc_server_request_unref (pending->request);
  g_free (pending->plan);
  g_free (pending->price);
  g_free (pending->customer);
  g_free (pending->subscription);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static Pending *
pending_new (FcServerRequest *request)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->request = fc_server_request_ref (request);
  pending->user_id = fc_server_request_get_user_id (request);
  return pending;
}

static char *
stored_text (FcSql    *db,
             const char *sql,
             gint64      user_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt) || fc_sql_column_is_null (stmt, 0))
    return NULL;
  return g_strdup (fc_sql_column_text (stmt, 0));
}

/* POST payments/checkout/ {plan} */

/* Answers {@member: the session's URL} once Stripe made a session (a
 * checkout or a billing portal) whose URL the app opens. */
static void
respond_session_url (GAsyncResult *result,
                     Pending      *pending,
                     const char   *member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) session = fc_stripe_post_finish (result, &error);
  JsonObject *object;
  const char *url;

  if (session == NULL) {
    respond_stripe_error (pending->request, error);
    return;
  }
  url = fc_json_get_string (session, "url");
  if (url == NULL || !(g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://"))) {
    g_warning ("Stripe's session %s has no URL", fc_json_get_string (session, "id"));
    fc_server_request_respond_detail (pending->request, SOUP_STATUS_BAD_GATEWAY,
                                      "The payment provider answered something unexpected.");
    return;
  }
  object = json_object_new ();
  json_object_set_string_member (object, member, url);
  fc_server_request_respond_json (pending->request, SOUP_STATUS_OK, object_node (object));
}

static void
on_session_created_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;

  respond_session_url (result, pending, "checkout_url");
}

static void
create_session (Pending *pending)
{
  FcServerConfig *config =
    fc_server_get_config (fc_server_request_get_server (pending->request));
  g_autofree char *user = g_strdup_printf ("%" G_GINT64_FORMAT, pending->user_id);
  gboolean lifetime = g_str_equal (pending->plan, "LIFETIME");
  const char *form[] = {
    "mode", lifetime ? "payment" : "subscription",
    "line_items[0][price]", pending->price,
    "line_items[0][quantity]", "1",
    "customer", pending->customer,
    "client_reference_id", user,
    "success_url", config->checkout_success_url,
    "cancel_url", config->checkout_cancel_url,
    "metadata[plan]", pending->plan,
    NULL,
  };

  fc_stripe_post_async (fc_server_request_get_server (pending->request), "/v1/checkout/sessions",
                        form, NULL, "checkout.session", on_session_created_cb, pending);
}

static void
on_customer_created_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  FcSql *db = fc_server_request_get_db (pending->request);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) customer = fc_stripe_post_finish (result, &error);
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  gboolean stored;

  if (customer == NULL) {
    respond_stripe_error (pending->request, error);
    return;
  }

  /* Another checkout of the same user may have stored its customer while
   * this one was created: the stored one stays, so all of the user's
   * sessions and webhooks name one customer. */
  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (pending->request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The database is busy; try again.");
    return;
  }
  stmt = fc_sql_prepare (db, "UPDATE subscriptions SET stripe_customer_id = ?, updated_at = ?"
                                   " WHERE user_id = ? AND stripe_customer_id IS NULL");
  fc_sql_bind_text (stmt, 1, fc_json_get_string (customer, "id"));
  fc_sql_bind_text (stmt, 2, now);
  fc_sql_bind_int64 (stmt, 3, pending->user_id);
  stored = fc_sql_step_done (stmt);
  g_clear_pointer (&stmt, fc_sql_finalize);
  if (!fc_sql_end (db, stored) || !stored) {
    respond_server_error (pending->request);
    return;
  }
  g_free (pending->customer);
  pending->customer = stored_text (db, "SELECT stripe_customer_id FROM subscriptions WHERE user_id = ?",
                                   pending->user_id);
  if (pending->customer == NULL) {
    respond_server_error (pending->request);
    return;
  }
  create_session (g_steal_pointer (&pending));
}

static void
checkout_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcServerConfig *config = fc_server_get_config (server);
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(Pending) pending = NULL;
  g_autofree char *current_plan = NULL;
  g_autofree char *current_status = NULL;
  const char *plan = NULL;
  const char *price;

  if (!fc_validate_choice (fc_server_request_get_body (request), "plan", TRUE, FALSE, plans, errors,
                           &plan) || plan == NULL) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  price = g_str_equal (plan, "LIFETIME") ? config->stripe_price_lifetime : config->stripe_price_monthly;
  if (config->stripe_secret_key == NULL || price == NULL || config->checkout_success_url == NULL ||
      config->checkout_cancel_url == NULL) {
    respond_not_configured (request);
    return;
  }

  stmt = fc_sql_prepare (db, "SELECT plan, status FROM subscriptions WHERE user_id = ?");
  fc_sql_bind_int64 (stmt, 1, user_id);
  if (fc_sql_step_row (stmt)) {
    current_plan = g_strdup (fc_sql_column_text (stmt, 0));
    current_status = g_strdup (fc_sql_column_text (stmt, 1));
  }
  if (g_strcmp0 (current_plan, "LIFETIME") == 0 && g_strcmp0 (current_status, "ACTIVE") == 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST,
                                      "You already have lifetime access.");
    return;
  }
  if (g_str_equal (plan, "MONTHLY") && g_strcmp0 (current_plan, "MONTHLY") == 0 &&
      g_strcmp0 (current_status, "ACTIVE") == 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST,
                                      "You already have an active subscription.");
    return;
  }
  if (g_str_equal (plan, "MONTHLY") && g_strcmp0 (current_plan, "MONTHLY") == 0 &&
      g_strcmp0 (current_status, "PAST_DUE") == 0) {
    /* A second subscription would bill twice: the card is fixed in the
     * billing portal, and Stripe retries the invoice. */
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST,
                                      "Your last payment failed; update your card in the billing "
                                      "portal.");
    return;
  }

  /* Committed with the framework's transaction when the handler returns. */
  if (!fc_payments_ensure_row (db, user_id)) {
    respond_server_error (request);
    return;
  }

  pending = pending_new (request);
  pending->plan = g_strdup (plan);
  pending->price = g_strdup (price);
  pending->customer = stored_text (db, "SELECT stripe_customer_id FROM subscriptions WHERE user_id = ?",
                                   user_id);
  if (pending->customer != NULL) {
    create_session (g_steal_pointer (&pending));
  } else {
    g_autofree char *user = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
    g_autofree char *email = stored_text (db, "SELECT email FROM users WHERE id = ?", user_id);
    const char *form[] = { "email", email != NULL ? email : "", "metadata[user_id]", user, NULL };
    /* Two checkouts at once (two windows, a double click) would make two
     * customers; under one key Stripe makes one and answers both with it. */
    g_autofree char *key = g_strdup_printf ("fitcore-customer-%s-%s", user, form[1]);

    fc_stripe_post_async (server, "/v1/customers", form, key, "customer", on_customer_created_cb,
                          g_steal_pointer (&pending));
  }
}

/* POST payments/subscription/cancel/ */

static void
on_cancelled_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  FcServer *server = fc_server_request_get_server (pending->request);
  FcSql *db = fc_server_request_get_db (pending->request);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) subscription = fc_stripe_post_finish (result, &error);
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  gint64 period_end = 0;
  gboolean stored;

  if (subscription == NULL) {
    respond_stripe_error (pending->request, error);
    return;
  }
  fc_json_get_int (subscription, "current_period_end", &period_end);

  /* Stripe said yes: the subscription ends with its period. The change is
   * dated now, so an older webhook that still says "active" does not undo
   * it; the period end only ever grows, as in the webhooks. */
  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (pending->request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The database is busy; try again.");
    return;
  }
  stmt = fc_sql_prepare (db,
    "UPDATE subscriptions SET cancel_at_period_end = 1,"
    " status = CASE WHEN deleted = 1 THEN status ELSE 'CANCELLED' END,"
    " status_at = " LATER ("status_at", "?1") ", cancel_at = " LATER ("cancel_at", "?1") ","
    " period_end = CASE WHEN ?2 > coalesce (period_end, 0) THEN ?2 ELSE period_end END,"
    " updated_at = ?3 WHERE user_id = ?4 AND stripe_subscription_id = ?5");
  fc_sql_bind_int64 (stmt, 1, fc_payments_now (server));
  fc_sql_bind_int64 (stmt, 2, period_end);
  fc_sql_bind_text (stmt, 3, now);
  fc_sql_bind_int64 (stmt, 4, pending->user_id);
  fc_sql_bind_text (stmt, 5, pending->subscription);
  stored = fc_sql_step_done (stmt);
  g_clear_pointer (&stmt, fc_sql_finalize);
  if (!fc_sql_end (db, stored) || !stored) {
    respond_server_error (pending->request);
    return;
  }
  fc_server_request_respond_json (pending->request, SOUP_STATUS_OK,
                                  fc_payments_subscription_json (server, db, pending->user_id));
}

static void
cancel_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT plan, status, stripe_subscription_id, deleted"
                              " FROM subscriptions WHERE user_id = ?");
  g_autoptr(Pending) pending = NULL;
  const char *form[] = { "cancel_at_period_end", "true", NULL };
  g_autofree char *path = NULL;
  const char *status;

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt) || g_strcmp0 (fc_sql_column_text (stmt, 0), "MONTHLY") != 0 ||
      fc_sql_column_is_null (stmt, 2) || fc_sql_column_int (stmt, 3) != 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST,
                                      "There is no subscription to cancel.");
    return;
  }
  status = fc_sql_column_text (stmt, 1);
  if (g_str_equal (status, "CANCELLED")) {
    /* Already ending: cancelling again changes nothing. */
    fc_server_request_respond_json (request, SOUP_STATUS_OK,
                                    fc_payments_subscription_json (server, db, user_id));
    return;
  }
  if (!g_str_equal (status, "ACTIVE") && !g_str_equal (status, "PAST_DUE")) {
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST,
                                      "There is no subscription to cancel.");
    return;
  }

  pending = pending_new (request);
  pending->subscription = g_strdup (fc_sql_column_text (stmt, 2));
  path = g_strconcat ("/v1/subscriptions/", pending->subscription, NULL);
  fc_stripe_post_async (server, path, form, NULL, "subscription", on_cancelled_cb,
                        g_steal_pointer (&pending));
}

/* POST payments/portal/: a Stripe billing-portal session for the card. */

static void
on_portal_created_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;

  respond_session_url (result, pending, "url");
}

static void
portal_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcServerConfig *config = fc_server_get_config (server);
  g_autoptr(Pending) pending = pending_new (request);
  const char *return_url = config->portal_return_url != NULL ? config->portal_return_url
                                                             : config->checkout_success_url;

  if (config->stripe_secret_key == NULL || return_url == NULL) {
    respond_not_configured (request);
    return;
  }
  pending->customer = stored_text (fc_server_request_get_db (request),
                                   "SELECT stripe_customer_id FROM subscriptions WHERE user_id = ?",
                                   pending->user_id);
  if (pending->customer == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST,
                                      "There is no billing account yet; subscribe first.");
    return;
  }
  {
    const char *form[] = { "customer", pending->customer, "return_url", return_url, NULL };

    fc_stripe_post_async (server, "/v1/billing_portal/sessions", form, NULL, "billing_portal.session",
                          on_portal_created_cb, g_steal_pointer (&pending));
  }
}

static const FcRoute payments_routes[] = {
  { "GET", API "plans/", FC_AUTH_OPTIONAL, plans_cb },
  { "GET", API "subscription/", FC_AUTH_REQUIRED, subscription_cb },
  { "POST", API "subscription/cancel/", FC_AUTH_REQUIRED, cancel_cb },
  { "GET", API "transactions/", FC_AUTH_REQUIRED, transactions_cb },
  { "POST", API "checkout/", FC_AUTH_REQUIRED, checkout_cb },
  { "POST", API "portal/", FC_AUTH_REQUIRED, portal_cb },
  /* Stripe signs it; a token would mean nothing. */
  { "POST", FC_PAYMENTS_WEBHOOK_PATH, FC_AUTH_NONE, fc_payments_webhook_cb },
};

const FcRoute *
fc_payments_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (payments_routes);
  return payments_routes;
}
