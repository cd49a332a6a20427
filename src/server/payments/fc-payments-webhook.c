/* fc-payments-webhook.c — POST api/v1/payments/webhooks/stripe/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stripe-Signature is checked before anything else is read: "t=T,v1=S[,v1=S2]"
 * where S is the hex HMAC-SHA256 of "T." + the raw body under the
 * endpoint's secret; any v1 may match (Stripe sends two while a secret is
 * rolled), compared in constant time, and T must be within five minutes of
 * the server's clock. A bad or stale signature is a 400 and changes
 * nothing.
 *
 * Then each event id is applied once (payment_events), in the framework's
 * transaction with its ledger row, and the 200 goes out only after the
 * commit; anything else (a 500) makes Stripe retry. An event about a
 * customer no user has is answered 200 without effect and logged: a non-2xx
 * would only make Stripe retry it for three days.
 *
 * Stripe delivers at least once and in no particular order, so no handler
 * assumes an order (fc-payments-schema.c says what each field keeps): the
 * period end only grows, status changes carry the event's "created" and an
 * older one loses (at the same second the more final status wins), a
 * deleted subscription stays cancelled, a lifetime plan's status follows
 * from the ledger (a payment not refunded in full), and refunds add what
 * the charge's cumulative amount_refunded has beyond the rows written.
 */

#define G_LOG_DOMAIN "fc-payments"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fc-json.h"
#include "fc-notifications.h"
#include "fc-payments-private.h"
#include "fc-server-config.h"
#include "fc-sql.h"
#include "fc-time.h"

#define TOLERANCE_S 300
#define MAX_SIGNATURE_HEADER 4096

typedef struct {
  FcServer   *server;
  FcSql    *db;
  const char *event_id;
  const char *type;
  gint64      created;
  JsonObject *object;     /* data.object */
  gint64      user_id;
} Event;

/* Signature. */

static gboolean
equal_constant_time (const char *a,
                     const char *b,
                     gsize       length)
{
  guchar diff = 0;

  for (gsize i = 0; i < length; i++)
    diff |= (guchar) a[i] ^ (guchar) b[i];
  return diff == 0;
}

gboolean
fc_payments_verify_signature (const char *header,
                              GBytes     *body,
                              const char *secret,
                              gint64      now,
                              gint64      tolerance)
{
  g_auto(GStrv) items = NULL;
  g_autoptr(GHmac) hmac = NULL;
  const char *timestamp = NULL;
  const char *expected;
  gboolean match = FALSE;
  gint64 t;
  gsize size = 0;
  const guint8 *data;

  if (header == NULL || secret == NULL || *secret == '\0' || body == NULL ||
      strlen (header) > MAX_SIGNATURE_HEADER)
    return FALSE;

  items = g_strsplit (header, ",", -1);
  for (guint i = 0; items[i] != NULL; i++) {
    char *item = g_strstrip (items[i]);

    if (g_str_has_prefix (item, "t=")) {
      if (timestamp != NULL)
        return FALSE;
      timestamp = item + 2;
    }
  }
  if (timestamp == NULL || *timestamp == '\0' || strlen (timestamp) > 12 ||
      strspn (timestamp, "0123456789") != strlen (timestamp))
    return FALSE;
  t = g_ascii_strtoll (timestamp, NULL, 10);
  if (t < now - tolerance || t > now + tolerance)
    return FALSE;

  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) timestamp, strlen (timestamp));
  g_hmac_update (hmac, (const guchar *) ".", 1);
  data = g_bytes_get_data (body, &size);
  if (size > 0)
    g_hmac_update (hmac, data, size);
  expected = g_hmac_get_string (hmac);

  /* Every candidate is compared, whichever matches. */
  for (guint i = 0; items[i] != NULL; i++) {
    const char *item = items[i];

    if (g_str_has_prefix (item, "v1=") && strlen (item + 3) == 64)
      match |= equal_constant_time (item + 3, expected, 64);
  }
  return match;
}

/* Reading events. */

static const char *
string_or_id (JsonObject *object,
              const char *member)
{
  JsonObject *expanded = fc_json_get_object (object, member);

  /* Stripe sends an id, or the object when it was expanded. */
  if (expanded != NULL)
    return fc_json_get_string (expanded, "id");
  return fc_json_get_string (object, member);
}

static gint64
user_of_customer (FcSql    *db,
                  const char *customer)
{
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (customer == NULL)
    return 0;
  stmt = fc_sql_prepare (db, "SELECT user_id FROM subscriptions WHERE stripe_customer_id = ?");
  fc_sql_bind_text (stmt, 1, customer);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

/* checkout.session.completed names the user (client_reference_id, which
 * the server set) and the customer, which must be the one created for
 * that user. */
static gint64
user_of_session (FcSql    *db,
                 JsonObject *session)
{
  const char *reference = fc_json_get_string (session, "client_reference_id");
  const char *customer = string_or_id (session, "customer");
  gint64 user_id;

  if (reference == NULL || *reference == '\0' || strlen (reference) > 18 ||
      strspn (reference, "0123456789") != strlen (reference))
    return 0;
  user_id = g_ascii_strtoll (reference, NULL, 10);
  return user_id > 0 && user_of_customer (db, customer) == user_id ? user_id : 0;
}

static char *
iso_or_null (gint64 seconds)
{
  g_autoptr(GDateTime) datetime = NULL;

  if (seconds <= 0)
    return NULL;
  datetime = g_date_time_new_from_unix_utc (seconds);
  return datetime != NULL ? fc_time_format_iso8601 (datetime) : NULL;
}

/* Writing. */

static gboolean
insert_ledger (Event      *event,
               const char *kind,
               const char *plan,
               const char *status,
               gint64      amount,
               const char *currency,
               const char *reference,
               const char *payment,
               gint64      starts,
               gint64      ends)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (event->db,
      "INSERT INTO payment_transactions (user_id, kind, plan, status, amount, currency,"
      " provider, provider_ref, provider_payment, starts_at, ends_at, note, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'stripe', ?7, ?8, ?9, ?10, ?11, ?12)"
      " ON CONFLICT DO NOTHING");
  g_autofree char *now = fc_time_now_iso8601 ();
  g_autofree char *starts_at = iso_or_null (starts > 0 ? starts : event->created);
  g_autofree char *ends_at = iso_or_null (ends);
  g_autofree char *currency_lower = g_ascii_strdown (currency != NULL ? currency : "", -1);

  fc_sql_bind_int64 (stmt, 1, event->user_id);
  fc_sql_bind_text (stmt, 2, kind);
  fc_sql_bind_text (stmt, 3, plan);
  fc_sql_bind_text (stmt, 4, status);
  fc_sql_bind_int64 (stmt, 5, MAX (amount, 0));
  fc_sql_bind_text (stmt, 6, currency_lower);
  fc_sql_bind_text (stmt, 7, reference);
  fc_sql_bind_text (stmt, 8, payment);
  fc_sql_bind_text (stmt, 9, starts_at != NULL ? starts_at : now);
  fc_sql_bind_text (stmt, 10, ends_at);
  fc_sql_bind_text (stmt, 11, event->event_id);
  fc_sql_bind_text (stmt, 12, now);
  return fc_sql_step_done (stmt);
}

/* @sql with ?1 the user and, if it says so, ?2 the event's time. */
static gboolean
run_update (Event      *event,
            const char *sql)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (event->db, sql);

  fc_sql_bind_int64 (stmt, 1, event->user_id);
  fc_sql_bind_int64 (stmt, 2, event->created);
  return fc_sql_step_done (stmt);
}

static gboolean
touch_subscription (Event *event)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (event->db, "UPDATE subscriptions SET updated_at = ? WHERE user_id = ?");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_text (stmt, 1, now);
  fc_sql_bind_int64 (stmt, 2, event->user_id);
  return fc_sql_step_done (stmt);
}

/* The subscription row the event is about. "Linked": @subscription is
 * (or becomes) the user's; a newer subscription's checkout or payment
 * replaces an older one, whose later events touch only the ledger. */
static gboolean
link_subscription (Event      *event,
                   const char *subscription,
                   gboolean    may_replace,
                   gboolean   *linked)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (event->db, "SELECT plan, stripe_subscription_id, sub_since"
                                     " FROM subscriptions WHERE user_id = ?");
  g_autofree char *stored = NULL;
  g_autofree char *plan = NULL;
  g_autoptr(FcSqlStmt) update = NULL;
  gint64 since;

  *linked = FALSE;
  fc_sql_bind_int64 (stmt, 1, event->user_id);
  if (subscription == NULL || !fc_sql_step_row (stmt))
    return TRUE;
  plan = g_strdup (fc_sql_column_text (stmt, 0));
  stored = g_strdup (fc_sql_column_text (stmt, 1));
  since = fc_sql_column_int64 (stmt, 2);

  /* Lifetime is for good: what a monthly subscription does no longer
   * matters (it only reaches the ledger). */
  if (g_strcmp0 (plan, "LIFETIME") == 0)
    return TRUE;
  if (g_strcmp0 (stored, subscription) == 0) {
    *linked = TRUE;
    return TRUE;
  }
  if (stored != NULL && !(may_replace && event->created > since))
    return TRUE;

  update = fc_sql_prepare (event->db,
    "UPDATE subscriptions SET stripe_subscription_id = ?3, sub_since = ?2, plan = 'MONTHLY',"
    " status = 'INACTIVE', status_at = 0, deleted = 0, period_start = NULL, period_end = NULL,"
    " cancel_at_period_end = 0, cancel_at = 0, ended_at = NULL WHERE user_id = ?1");
  fc_sql_bind_int64 (update, 1, event->user_id);
  fc_sql_bind_int64 (update, 2, event->created);
  fc_sql_bind_text (update, 3, subscription);
  *linked = TRUE;
  return fc_sql_step_done (update);
}

#define STATUS_RANK(x) \
  "(CASE " x " WHEN 'CANCELLED' THEN 3 WHEN 'PAST_DUE' THEN 2 WHEN 'ACTIVE' THEN 1 ELSE 0 END)"

static gboolean
apply_status (Event      *event,
              const char *status)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (event->db,
      "UPDATE subscriptions SET status = ?3, status_at = ?2"
      " WHERE user_id = ?1 AND deleted = 0 AND plan IS DISTINCT FROM 'LIFETIME' AND (?2 > status_at OR"
      "  (?2 = status_at AND " STATUS_RANK ("?3") " >= " STATUS_RANK ("status") "))");

  fc_sql_bind_int64 (stmt, 1, event->user_id);
  fc_sql_bind_int64 (stmt, 2, event->created);
  fc_sql_bind_text (stmt, 3, status);
  return fc_sql_step_done (stmt);
}

/* Only the subscription's own events say whether it is cancelling; at
 * the same second, cancelling wins. */
static gboolean
apply_cancel (Event    *event,
              gboolean  cancel_at_period_end)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (event->db,
      "UPDATE subscriptions SET cancel_at_period_end = ?3, cancel_at = ?2"
      " WHERE user_id = ?1 AND deleted = 0 AND plan IS DISTINCT FROM 'LIFETIME' AND (?2 > cancel_at OR"
      "  (?2 = cancel_at AND ?3 >= cancel_at_period_end))");

  fc_sql_bind_int64 (stmt, 1, event->user_id);
  fc_sql_bind_int64 (stmt, 2, event->created);
  fc_sql_bind_int64 (stmt, 3, cancel_at_period_end ? 1 : 0);
  return fc_sql_step_done (stmt);
}

/* The latest period seen wins, whatever order they came in. */
static gboolean
extend_period (Event  *event,
               gint64  start,
               gint64  end)
{
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (end <= 0)
    return TRUE;
  stmt = fc_sql_prepare (event->db,
    "UPDATE subscriptions SET period_start = ?2, period_end = ?3"
    " WHERE user_id = ?1 AND plan IS DISTINCT FROM 'LIFETIME' AND (period_end IS NULL OR ?3 > period_end"
    "  OR (?3 = period_end AND ?2 < period_start))");
  fc_sql_bind_int64 (stmt, 1, event->user_id);
  fc_sql_bind_int64 (stmt, 2, start > 0 ? start : end);
  fc_sql_bind_int64 (stmt, 3, end);
  return fc_sql_step_done (stmt);
}

/* A lifetime plan is active while one lifetime payment is not refunded
 * in full: a function of the ledger, so of no event order. */
static gboolean
settle_lifetime (Event *event)
{
  return run_update (event,
    "UPDATE subscriptions SET status = CASE WHEN EXISTS (SELECT 1 FROM payment_transactions p"
    "  WHERE p.user_id = ?1 AND p.kind = 'payment' AND p.plan = 'LIFETIME' AND p.amount >"
    "   coalesce ((SELECT sum (r.amount) FROM payment_transactions r WHERE r.user_id = ?1"
    "    AND r.kind = 'refund' AND r.provider_payment = p.provider_payment), 0))"
    "  THEN 'ACTIVE' ELSE 'INACTIVE' END"
    " WHERE user_id = ?1 AND plan = 'LIFETIME'");
}

/* Handlers: FALSE when the database refused a write (500, Stripe retries). */

static gboolean
on_checkout_completed (Event *event)
{
  JsonObject *session = event->object;
  const char *mode = fc_json_get_string (session, "mode");
  const char *paid = fc_json_get_string (session, "payment_status");
  JsonObject *metadata = fc_json_get_object (session, "metadata");
  const char *plan = metadata != NULL ? fc_json_get_string (metadata, "plan") : NULL;
  gint64 amount = 0;
  gboolean linked;

  if (g_strcmp0 (paid, "paid") != 0 && g_strcmp0 (paid, "no_payment_required") != 0) {
    g_message ("Stripe event %s: checkout session not paid (%s); nothing to do", event->event_id,
               paid != NULL ? paid : "-");
    return TRUE;
  }
  if (g_strcmp0 (plan, "LIFETIME") != 0 && g_strcmp0 (plan, "MONTHLY") != 0)
    plan = g_strcmp0 (mode, "payment") == 0 ? "LIFETIME" : "MONTHLY";
  fc_json_get_int (session, "amount_total", &amount);

  if (g_str_equal (plan, "LIFETIME")) {
    const char *intent = string_or_id (session, "payment_intent");
    const char *id = fc_json_get_string (session, "id");

    if (!insert_ledger (event, "payment", "LIFETIME", "succeeded", amount,
                        fc_json_get_string (session, "currency"), id,
                        intent != NULL ? intent : id, event->created, 0))
      return FALSE;
    if (!run_update (event,
          "UPDATE subscriptions SET period_start = CASE WHEN plan = 'LIFETIME'"
          "  AND period_start < ?2 THEN period_start ELSE ?2 END,"
          " plan = 'LIFETIME', period_end = NULL, deleted = 0, cancel_at_period_end = 0,"
          " ended_at = NULL WHERE user_id = ?1"))
      return FALSE;
    return settle_lifetime (event);
  }

  if (!link_subscription (event, string_or_id (session, "subscription"), TRUE, &linked))
    return FALSE;
  return !linked || apply_status (event, "ACTIVE");
}

static void
invoice_period (JsonObject *invoice,
                gint64     *start,
                gint64     *end)
{
  JsonObject *lines = fc_json_get_object (invoice, "lines");
  JsonArray *data = lines != NULL ? fc_json_get_array (lines, "data") : NULL;

  *start = *end = 0;
  /* The subscription's line carries the period paid for; the invoice's
   * own period_start/end is the one before it. */
  for (guint i = 0; data != NULL && i < json_array_get_length (data) && i < 100; i++) {
    JsonNode *node = json_array_get_element (data, i);
    JsonObject *period;
    gint64 s = 0, e = 0;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    period = fc_json_get_object (json_node_get_object (node), "period");
    if (period != NULL && fc_json_get_int (period, "start", &s) &&
        fc_json_get_int (period, "end", &e) && e > *end) {
      *start = s;
      *end = e;
    }
  }
}

static gboolean
on_invoice_paid (Event *event)
{
  JsonObject *invoice = event->object;
  const char *intent = string_or_id (invoice, "payment_intent");
  const char *charge = string_or_id (invoice, "charge");
  gint64 amount = 0, start, end;
  gboolean linked;

  invoice_period (invoice, &start, &end);
  fc_json_get_int (invoice, "amount_paid", &amount);
  if (!insert_ledger (event, "payment", "MONTHLY", "succeeded", amount,
                      fc_json_get_string (invoice, "currency"), fc_json_get_string (invoice, "id"),
                      intent != NULL ? intent : charge, start, end))
    return FALSE;
  if (!link_subscription (event, string_or_id (invoice, "subscription"), TRUE, &linked))
    return FALSE;
  if (!linked)
    return TRUE;
  return extend_period (event, start, end) && apply_status (event, "ACTIVE");
}

static gboolean
on_invoice_failed (Event *event)
{
  JsonObject *invoice = event->object;
  gint64 amount = 0, start, end;
  gboolean linked;

  invoice_period (invoice, &start, &end);
  fc_json_get_int (invoice, "amount_due", &amount);
  /* One row per failed attempt: each is its own event. */
  if (!insert_ledger (event, "failure", "MONTHLY", "failed", amount,
                      fc_json_get_string (invoice, "currency"), event->event_id,
                      string_or_id (invoice, "payment_intent"), start, end))
    return FALSE;
  if (!link_subscription (event, string_or_id (invoice, "subscription"), FALSE, &linked))
    return FALSE;
  return !linked || apply_status (event, "PAST_DUE");
}

static gboolean
on_subscription_updated (Event *event)
{
  JsonObject *subscription = event->object;
  const char *stripe_status = fc_json_get_string (subscription, "status");
  gboolean cancel = FALSE;
  gint64 start = 0, end = 0;
  const char *status;
  gboolean linked;

  if (!link_subscription (event, fc_json_get_string (subscription, "id"), FALSE, &linked))
    return FALSE;
  if (!linked)
    return TRUE;
  fc_json_get_boolean (subscription, "cancel_at_period_end", &cancel);
  fc_json_get_int (subscription, "current_period_start", &start);
  fc_json_get_int (subscription, "current_period_end", &end);

  if (g_strcmp0 (stripe_status, "active") == 0 || g_strcmp0 (stripe_status, "trialing") == 0)
    status = cancel ? "CANCELLED" : "ACTIVE";
  else if (g_strcmp0 (stripe_status, "past_due") == 0 || g_strcmp0 (stripe_status, "unpaid") == 0)
    status = "PAST_DUE";
  else if (g_strcmp0 (stripe_status, "canceled") == 0)
    status = "CANCELLED";
  else
    status = "INACTIVE";
  return extend_period (event, start, end) && apply_status (event, status) &&
         apply_cancel (event, cancel);
}

static gboolean
on_subscription_deleted (Event *event)
{
  JsonObject *subscription = event->object;
  g_autoptr(FcSqlStmt) stmt = NULL;
  gint64 ended = 0, start = 0, end = 0;
  gboolean linked;

  if (!link_subscription (event, fc_json_get_string (subscription, "id"), FALSE, &linked))
    return FALSE;
  if (!linked)
    return TRUE;
  fc_json_get_int (subscription, "current_period_start", &start);
  fc_json_get_int (subscription, "current_period_end", &end);
  if (!fc_json_get_int (subscription, "ended_at", &ended) || ended <= 0)
    ended = event->created;
  if (!extend_period (event, start, end))
    return FALSE;

  /* Final: no older or later update of this subscription undoes it. */
  stmt = fc_sql_prepare (event->db,
    "UPDATE subscriptions SET deleted = 1, status = 'CANCELLED', cancel_at_period_end = 1,"
    " ended_at = ?3, status_at = " LATER ("status_at", "?2") ", cancel_at = " LATER ("cancel_at", "?2")
    " WHERE user_id = ?1 AND plan IS DISTINCT FROM 'LIFETIME'");
  fc_sql_bind_int64 (stmt, 1, event->user_id);
  fc_sql_bind_int64 (stmt, 2, event->created);
  fc_sql_bind_int64 (stmt, 3, ended);
  return fc_sql_step_done (stmt);
}

static gboolean
on_charge_refunded (Event *event)
{
  JsonObject *charge = event->object;
  const char *intent = string_or_id (charge, "payment_intent");
  const char *key = intent != NULL ? intent : fc_json_get_string (charge, "id");
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *plan = NULL;
  gint64 refunded = 0, written = 0;

  if (key == NULL || !fc_json_get_int (charge, "amount_refunded", &refunded))
    return TRUE;

  /* amount_refunded is the charge's total so far: only what it has beyond
   * the rows already written is new, so repeated and reordered partial
   * refunds add up to the largest total seen. */
  stmt = fc_sql_prepare (event->db,
    "SELECT coalesce ((SELECT sum (amount) FROM payment_transactions WHERE user_id = ?1"
    "  AND kind = 'refund' AND provider_payment = ?2), 0),"
    " (SELECT plan FROM payment_transactions WHERE user_id = ?1 AND kind = 'payment'"
    "  AND provider_payment = ?2 ORDER BY id LIMIT 1)");
  fc_sql_bind_int64 (stmt, 1, event->user_id);
  fc_sql_bind_text (stmt, 2, key);
  if (fc_sql_step_row (stmt)) {
    written = fc_sql_column_int64 (stmt, 0);
    if (!fc_sql_column_is_null (stmt, 1))
      plan = g_strdup (fc_sql_column_text (stmt, 1));
  }
  if (refunded > written &&
      !insert_ledger (event, "refund", plan, "succeeded", refunded - written,
                      fc_json_get_string (charge, "currency"), event->event_id, key, 0, 0))
    return FALSE;
  return settle_lifetime (event);
}

typedef struct {
  const char *type;
  gboolean  (*apply) (Event *event);
  gboolean    by_session;
} Handler;

static const Handler handlers[] = {
  { "checkout.session.completed", on_checkout_completed, TRUE },
  { "invoice.paid", on_invoice_paid, FALSE },
  { "invoice.payment_failed", on_invoice_failed, FALSE },
  { "customer.subscription.updated", on_subscription_updated, FALSE },
  { "customer.subscription.deleted", on_subscription_deleted, FALSE },
  { "charge.refunded", on_charge_refunded, FALSE },
};

/* Access opened or closed: every workout changes for this user (its
 * premium videos lock or unlock), as the change feed says for a staff
 * grant, so the app's next sync shows it without a restart. */
static gboolean
note_access_change (Event *event)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (event->db, "INSERT INTO changes (section, object_id, user_id)"
                                     " SELECT 'workouts', id, ?1 FROM workouts");

  fc_sql_bind_int64 (stmt, 1, event->user_id);
  return fc_sql_step_done (stmt);
}

static void
respond_received (FcServerRequest *request)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_boolean_member (object, "received", TRUE);
  json_node_take_object (node, object);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

static gboolean
record_event (Event *event)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (event->db, "INSERT INTO payment_events (event_id, type, created, user_id,"
                                     " received_at) VALUES (?, ?, ?, ?, ?)");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_text (stmt, 1, event->event_id);
  fc_sql_bind_text (stmt, 2, event->type);
  fc_sql_bind_int64 (stmt, 3, event->created);
  if (event->user_id > 0)
    fc_sql_bind_int64 (stmt, 4, event->user_id);
  else
    fc_sql_bind_null (stmt, 4);
  fc_sql_bind_text (stmt, 5, now);
  return fc_sql_step_done (stmt);
}

static gboolean
is_known_event (FcSql    *db,
                const char *event_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT 1 FROM payment_events WHERE event_id = ?");

  fc_sql_bind_text (stmt, 1, event_id);
  return fc_sql_step_row (stmt);
}

void
fc_payments_webhook_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcServerConfig *config = fc_server_get_config (server);
  g_autoptr(GBytes) body = fc_server_request_dup_raw_body (request);
  g_autoptr(JsonObject) root = NULL;
  JsonObject *data;
  const Handler *handler = NULL;
  Event event = { 0 };
  gboolean access;
  gsize size = 0;
  const char *text;

  if (config->stripe_webhook_secret == NULL) {
    g_warning ("A Stripe webhook arrived, but stripe_webhook_secret is not configured");
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "Payments are not configured on this server.");
    return;
  }
  if (!fc_payments_verify_signature (fc_server_request_get_header (request, "Stripe-Signature"),
                                     body, config->stripe_webhook_secret,
                                     fc_payments_now (server), TOLERANCE_S)) {
    g_message ("Stripe webhook refused: missing, wrong or stale signature");
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST, "Invalid signature.");
    return;
  }

  text = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  if (text != NULL)
    root = fc_json_parse_object (text, size, NULL);
  data = root != NULL ? fc_json_get_object (root, "data") : NULL;
  event.server = server;
  event.db = fc_server_request_get_db (request);
  event.event_id = root != NULL ? fc_json_get_string (root, "id") : NULL;
  event.type = root != NULL ? fc_json_get_string (root, "type") : NULL;
  event.object = data != NULL ? fc_json_get_object (data, "object") : NULL;
  if (event.event_id == NULL || *event.event_id == '\0' || strlen (event.event_id) > 255 ||
      event.type == NULL || strlen (event.type) > 255 || event.object == NULL ||
      !fc_json_get_int (root, "created", &event.created) || event.created <= 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_REQUEST, "Malformed event.");
    return;
  }

  if (is_known_event (event.db, event.event_id)) {
    g_message ("Stripe event %s (%s) already applied", event.event_id, event.type);
    respond_received (request);
    return;
  }

  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    if (g_str_equal (handlers[i].type, event.type))
      handler = &handlers[i];

  if (handler != NULL) {
    event.user_id = handler->by_session ? user_of_session (event.db, event.object)
                                        : user_of_customer (event.db,
                                                            string_or_id (event.object, "customer"));
    if (event.user_id == 0) {
      /* Not recorded: should the customer become known, a retry applies. */
      g_message ("Stripe event %s (%s) names no known customer; ignored", event.event_id,
                 event.type);
      respond_received (request);
      return;
    }
    access = fc_payments_has_active_access (server, event.db, event.user_id);
    if (!handler->apply (&event) ||
        !touch_subscription (&event) ||
        (access != fc_payments_has_active_access (server, event.db, event.user_id) &&
         !note_access_change (&event))) {
      g_warning ("Stripe event %s (%s) could not be applied: %s", event.event_id, event.type,
                 fc_sql_errmsg (event.db));
      fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                        "A server error occurred.");
      return;
    }
    fc_notifications_payment_event (server, event.db, event.user_id, event.type, event.object);
  }
  if (!record_event (&event)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");
    return;
  }
  g_message ("Stripe event %s (%s) applied", event.event_id, event.type);
  respond_received (request);
}
