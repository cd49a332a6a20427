/* fc-fake-stripe.c — a small Stripe for the payments tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fc-fake-http.h"
#include "fc-fake-stripe.h"
#include "fc-json.h"

#define MONTHLY_AMOUNT 999
#define LIFETIME_AMOUNT 14900
#define STALE_S 600

struct _FcFakeStripe {
  FcFakeHttp   *http;
  SoupSession  *session;      /* the caller's thread only: webhooks */
  const char   *url;          /* the server's */
  char         *secret_key;
  char         *webhook_secret;
  char         *price_monthly;
  char         *price_lifetime;

  GMutex        lock;         /* guards what follows */
  char         *webhook_url;
  gint64        clock_offset;
  GHashTable   *objects;      /* id → JsonObject */
  GHashTable   *counts;       /* object name → GUINT */
  GHashTable   *last_forms;   /* path pattern → "k=v\n" text */
  guint         serial;
  guint         failure;
  GHashTable   *idempotent;   /* Idempotency-Key → "path\nform" and the answer, two strings */
};

/* Ids like Stripe's: a prefix and 24 characters. */
static char *
new_id (FcFakeStripe *self,
        const char   *prefix)
{
  g_autoptr(GString) id = g_string_new (prefix);
  static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  g_string_append_printf (id, "_T%05u", ++self->serial);
  while (id->len < strlen (prefix) + 1 + 24)
    g_string_append_c (id, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);
  return g_string_free (g_steal_pointer (&id), FALSE);
}

static gint64
now_locked (FcFakeStripe *self)
{
  return g_get_real_time () / G_USEC_PER_SEC + self->clock_offset;
}

gint64
fc_fake_stripe_now (FcFakeStripe *self)
{
  gint64 now;

  g_mutex_lock (&self->lock);
  now = now_locked (self);
  g_mutex_unlock (&self->lock);
  return now;
}

static void
count_locked (FcFakeStripe *self,
              const char   *what)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, what));

  g_hash_table_insert (self->counts, g_strdup (what), GUINT_TO_POINTER (n + 1));
}

static void
respond_json (SoupServerMessage *message,
              guint              status,
              JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  char *text;

  json_node_set_object (node, object);
  text = fc_json_to_string (node, FALSE);
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE, text,
                                    strlen (text));
}

/* Stripe's error shape. */
static void
respond_error (FcFakeStripe      *self,
               SoupServerMessage *message,
               guint              status,
               const char        *type,
               const char        *code,
               const char        *text)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (error, "type", type);
  if (code != NULL)
    json_object_set_string_member (error, "code", code);
  else
    json_object_set_null_member (error, "code");
  json_object_set_string_member (error, "message", text);
  json_object_set_object_member (root, "error", error);
  count_locked (self, "refused");
  respond_json (message, status, root);
}

/* application/x-www-form-urlencoded, strictly: every pair has a '=', both
 * sides decode, and no name comes twice. NULL after answering 400. */
static GHashTable *
parse_form (FcFakeStripe      *self,
            SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(GStrv) pairs = NULL;
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  if (g_strcmp0 (type, "application/x-www-form-urlencoded") != 0) {
    respond_error (self, message, 400, "invalid_request_error", "parameter_invalid_string",
                   "Stripe takes form-encoded bodies (application/x-www-form-urlencoded).");
    return NULL;
  }
  if (*text == '\0')
    return g_steal_pointer (&form);
  pairs = g_strsplit (text, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++) {
    char *equal = strchr (pairs[i], '=');
    g_autofree char *name = NULL;
    g_autofree char *value = NULL;

    if (equal == NULL) {
      respond_error (self, message, 400, "invalid_request_error", "parameter_invalid_string",
                     "Invalid form encoding.");
      return NULL;
    }
    *equal = '\0';
    g_strdelimit (pairs[i], "+", ' ');
    g_strdelimit (equal + 1, "+", ' ');
    name = g_uri_unescape_string (pairs[i], NULL);
    value = g_uri_unescape_string (equal + 1, NULL);
    if (name == NULL || value == NULL || *name == '\0' || g_hash_table_contains (form, name)) {
      respond_error (self, message, 400, "invalid_request_error", "parameter_invalid_string",
                     "Invalid or repeated parameter.");
      return NULL;
    }
    g_hash_table_insert (form, g_steal_pointer (&name), g_steal_pointer (&value));
  }
  return g_steal_pointer (&form);
}

/* Refuses (400) a form with a name outside @allowed (prefixes ending in
 * '[' take any key below them) or without one of @required. */
static gboolean
check_form (FcFakeStripe        *self,
            SoupServerMessage   *message,
            GHashTable          *form,
            const char * const  *allowed,
            const char * const  *required)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, NULL)) {
    gboolean known = FALSE;

    for (guint i = 0; allowed[i] != NULL && !known; i++)
      known = g_str_has_suffix (allowed[i], "[") ? g_str_has_prefix (key, allowed[i])
                                                 : g_str_equal (key, allowed[i]);
    if (!known) {
      g_autofree char *text = g_strdup_printf ("Received unknown parameter: %s", (char *) key);

      respond_error (self, message, 400, "invalid_request_error", "parameter_unknown", text);
      return FALSE;
    }
  }
  for (guint i = 0; required[i] != NULL; i++) {
    if (!g_hash_table_contains (form, required[i])) {
      g_autofree char *text = g_strdup_printf ("Missing required param: %s.", required[i]);

      respond_error (self, message, 400, "invalid_request_error", "parameter_missing", text);
      return FALSE;
    }
  }
  return TRUE;
}

/* @prefix, then "name=value\n" for each field, sorted. */
static char *
form_text (const char *prefix,
           GHashTable *form)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (form), (GCompareFunc) strcmp);
  GString *text = g_string_new (prefix);

  for (GList *l = keys; l != NULL; l = l->next)
    g_string_append_printf (text, "%s=%s\n", (char *) l->data,
                            (char *) g_hash_table_lookup (form, l->data));
  return g_string_free (text, FALSE);
}

static void
remember_form (FcFakeStripe *self,
               const char   *path,
               GHashTable   *form)
{
  g_hash_table_insert (self->last_forms, g_strdup (path), form_text ("", form));
}

static JsonObject *
metadata_of (GHashTable *form)
{
  JsonObject *metadata = json_object_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    if (g_str_has_prefix (key, "metadata[") && g_str_has_suffix (key, "]")) {
      g_autofree char *name = g_strndup ((char *) key + 9, strlen (key) - 10);

      json_object_set_string_member (metadata, name, value);
    }
  }
  return metadata;
}

static JsonObject *
new_object (FcFakeStripe *self,
            const char   *prefix,
            const char   *type)
{
  g_autofree char *id = new_id (self, prefix);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "object", type);
  json_object_set_int_member (object, "created", now_locked (self));
  json_object_set_boolean_member (object, "livemode", FALSE);
  g_hash_table_insert (self->objects, g_strdup (id), json_object_ref (object));
  count_locked (self, type);
  return object;
}

static JsonObject *
find_locked (FcFakeStripe *self,
             const char   *id,
             const char   *type)
{
  JsonObject *object = id != NULL ? g_hash_table_lookup (self->objects, id) : NULL;

  if (object == NULL || g_strcmp0 (fc_json_get_string (object, "object"), type) != 0)
    return NULL;
  return object;
}

static void
respond_missing (FcFakeStripe      *self,
                 SoupServerMessage *message,
                 const char        *what,
                 const char        *id,
                 const char        *param)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *error = json_object_new ();
  g_autofree char *text = g_strdup_printf ("No such %s: '%s'", what, id);

  json_object_set_string_member (error, "type", "invalid_request_error");
  json_object_set_string_member (error, "code", "resource_missing");
  json_object_set_string_member (error, "message", text);
  if (param != NULL)
    json_object_set_string_member (error, "param", param);
  json_object_set_object_member (root, "error", error);
  count_locked (self, "refused");
  respond_json (message, param != NULL ? 400 : 404, root);
}

static void
create_customer (FcFakeStripe      *self,
                 SoupServerMessage *message,
                 GHashTable        *form)
{
  static const char * const allowed[] = { "email", "name", "description", "metadata[", NULL };
  static const char * const required[] = { NULL };
  g_autoptr(JsonObject) customer = NULL;

  if (!check_form (self, message, form, allowed, required))
    return;
  customer = new_object (self, "cus", "customer");
  if (g_hash_table_contains (form, "email"))
    json_object_set_string_member (customer, "email", g_hash_table_lookup (form, "email"));
  else
    json_object_set_null_member (customer, "email");
  json_object_set_object_member (customer, "metadata", metadata_of (form));
  respond_json (message, 200, customer);
}

static void
create_session (FcFakeStripe      *self,
                SoupServerMessage *message,
                GHashTable        *form)
{
  static const char * const allowed[] = {
    "mode", "line_items[0][price]", "line_items[0][quantity]", "customer", "client_reference_id",
    "success_url", "cancel_url", "metadata[", NULL
  };
  static const char * const required[] = { "mode", "success_url", "cancel_url", NULL };
  const char *mode = g_hash_table_lookup (form, "mode");
  const char *price = g_hash_table_lookup (form, "line_items[0][price]");
  const char *quantity = g_hash_table_lookup (form, "line_items[0][quantity]");
  const char *customer = g_hash_table_lookup (form, "customer");
  g_autoptr(JsonObject) session = NULL;
  g_autofree char *url = NULL;
  gboolean recurring;

  if (!check_form (self, message, form, allowed, required))
    return;
  if (g_strcmp0 (mode, "payment") != 0 && g_strcmp0 (mode, "subscription") != 0) {
    respond_error (self, message, 400, "invalid_request_error", "parameter_invalid_string",
                   "Invalid mode: must be one of payment, setup, or subscription");
    return;
  }
  if (price == NULL || quantity == NULL || !g_str_equal (quantity, "1")) {
    respond_error (self, message, 400, "invalid_request_error", "parameter_missing",
                   "Missing required param: line_items[0][price] and [quantity].");
    return;
  }
  if (!g_str_equal (price, self->price_monthly) && !g_str_equal (price, self->price_lifetime)) {
    respond_missing (self, message, "price", price, "line_items[0][price]");
    return;
  }
  recurring = g_str_equal (price, self->price_monthly);
  if (recurring != g_str_equal (mode, "subscription")) {
    respond_error (self, message, 400, "invalid_request_error", "parameter_invalid_string",
                   recurring ? "You must use subscription mode for a recurring price."
                             : "You specified `subscription` mode but passed no recurring price.");
    return;
  }
  if (customer != NULL && find_locked (self, customer, "customer") == NULL) {
    respond_missing (self, message, "customer", customer, "customer");
    return;
  }

  session = new_object (self, "cs", "checkout.session");
  json_object_set_string_member (session, "mode", mode);
  json_object_set_string_member (session, "status", "open");
  json_object_set_string_member (session, "payment_status", "unpaid");
  json_object_set_int_member (session, "amount_total", recurring ? MONTHLY_AMOUNT : LIFETIME_AMOUNT);
  json_object_set_string_member (session, "currency", "usd");
  json_object_set_string_member (session, "price", price);
  if (customer != NULL)
    json_object_set_string_member (session, "customer", customer);
  else
    json_object_set_null_member (session, "customer");
  if (g_hash_table_contains (form, "client_reference_id"))
    json_object_set_string_member (session, "client_reference_id",
                                   g_hash_table_lookup (form, "client_reference_id"));
  else
    json_object_set_null_member (session, "client_reference_id");
  json_object_set_string_member (session, "success_url", g_hash_table_lookup (form, "success_url"));
  json_object_set_string_member (session, "cancel_url", g_hash_table_lookup (form, "cancel_url"));
  json_object_set_object_member (session, "metadata", metadata_of (form));
  json_object_set_null_member (session, "subscription");
  json_object_set_null_member (session, "payment_intent");
  url = g_strdup_printf ("%s/c/pay/%s", self->url, fc_json_get_string (session, "id"));
  json_object_set_string_member (session, "url", url);
  respond_json (message, 200, session);
}

static void
update_subscription (FcFakeStripe      *self,
                     SoupServerMessage *message,
                     const char        *id,
                     GHashTable        *form)
{
  static const char * const allowed[] = { "cancel_at_period_end", "metadata[", NULL };
  static const char * const required[] = { NULL };
  JsonObject *subscription = find_locked (self, id, "subscription");
  const char *cancel = g_hash_table_lookup (form, "cancel_at_period_end");

  if (!check_form (self, message, form, allowed, required))
    return;
  if (subscription == NULL) {
    respond_missing (self, message, "subscription", id, NULL);
    return;
  }
  if (cancel != NULL && !g_str_equal (cancel, "true") && !g_str_equal (cancel, "false")) {
    respond_error (self, message, 400, "invalid_request_error", "parameter_invalid_boolean",
                   "Invalid boolean: cancel_at_period_end");
    return;
  }
  if (g_strcmp0 (fc_json_get_string (subscription, "status"), "canceled") == 0) {
    respond_error (self, message, 400, "invalid_request_error", "resource_missing",
                   "A canceled subscription can only update its cancellation_details and metadata.");
    return;
  }
  if (cancel != NULL)
    json_object_set_boolean_member (subscription, "cancel_at_period_end", g_str_equal (cancel, "true"));
  count_locked (self, "subscription.update");
  respond_json (message, 200, subscription);
}

static void
create_portal (FcFakeStripe      *self,
               SoupServerMessage *message,
               GHashTable        *form)
{
  static const char * const allowed[] = { "customer", "return_url", NULL };
  static const char * const required[] = { "customer", NULL };
  const char *customer = g_hash_table_lookup (form, "customer");
  g_autoptr(JsonObject) portal = NULL;
  g_autofree char *url = NULL;

  if (!check_form (self, message, form, allowed, required))
    return;
  if (find_locked (self, customer, "customer") == NULL) {
    respond_missing (self, message, "customer", customer, "customer");
    return;
  }
  portal = new_object (self, "bps", "billing_portal.session");
  json_object_set_string_member (portal, "customer", customer);
  if (g_hash_table_contains (form, "return_url"))
    json_object_set_string_member (portal, "return_url", g_hash_table_lookup (form, "return_url"));
  url = g_strdup_printf ("%s/p/session/%s", self->url, fc_json_get_string (portal, "id"));
  json_object_set_string_member (portal, "url", url);
  respond_json (message, 200, portal);
}


/* Stripe's Idempotency-Key: a repeat with the same parameters gets the
 * first answer again and makes nothing; other parameters are a 400. */
static gboolean
replay_idempotent (FcFakeStripe      *self,
                   SoupServerMessage *message,
                   const char        *path,
                   GHashTable        *form)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autofree char *text = NULL;
  char **stored;

  if (key == NULL || (stored = g_hash_table_lookup (self->idempotent, key)) == NULL)
    return FALSE;
  text = form_text (path, form);  /* the path, then the fields */
  if (!g_str_equal (stored[0], text)) {
    respond_error (self, message, 400, "idempotency_error", NULL,
                   "Keys for idempotent requests can only be used with the same parameters they "
                   "were first used with.");
    return TRUE;
  }
  count_locked (self, "idempotent.replay");
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, stored[1],
                                    strlen (stored[1]));
  return TRUE;
}

static void
remember_idempotent (FcFakeStripe      *self,
                     SoupServerMessage *message,
                     GHashTable        *form)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr(GBytes) answer = NULL;
  char **stored;

  if (key == NULL || form == NULL || soup_server_message_get_status (message) != 200 ||
      g_hash_table_contains (self->idempotent, key))
    return;
  answer = soup_message_body_flatten (soup_server_message_get_response_body (message));
  stored = g_new0 (char *, 3);
  stored[0] = form_text (g_uri_get_path (soup_server_message_get_uri (message)), form);
  stored[1] = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  g_hash_table_insert (self->idempotent, g_strdup (key), stored);
}

static void
handle_locked (FcFakeStripe      *self,
               SoupServerMessage *message)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (message));
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *expected = g_strconcat ("Bearer ", self->secret_key, NULL);
  g_autoptr(GHashTable) form = NULL;

  if (g_strcmp0 (authorization, expected) != 0) {
    /* Stripe's answer does not repeat the key it was given. */
    respond_error (self, message, 401, "invalid_request_error", "api_key_invalid",
                   authorization == NULL ? "You did not provide an API key."
                                         : "Invalid API Key provided.");
  } else if (self->failure == 402) {
    respond_error (self, message, 402, "card_error", "card_declined", "Your card was declined.");
  } else if (self->failure != 0) {
    respond_error (self, message, self->failure, "api_error", NULL,
                   "An unknown error occurred, please try again.");
  } else if (!g_str_equal (soup_server_message_get_method (message), "POST")) {
    g_autofree char *text = g_strdup_printf ("Unrecognized request URL (%s: %s).",
                                             soup_server_message_get_method (message), path);

    respond_error (self, message, 404, "invalid_request_error", NULL, text);
  } else if ((form = parse_form (self, message)) == NULL) {
    /* answered */
  } else if (replay_idempotent (self, message, path, form)) {
    /* answered as the first time */
  } else if (g_str_equal (path, "/v1/customers")) {
    remember_form (self, path, form);
    create_customer (self, message, form);
  } else if (g_str_equal (path, "/v1/checkout/sessions")) {
    remember_form (self, path, form);
    create_session (self, message, form);
  } else if (g_str_has_prefix (path, "/v1/subscriptions/") &&
             strchr (path + strlen ("/v1/subscriptions/"), '/') == NULL) {
    remember_form (self, "/v1/subscriptions/{id}", form);
    update_subscription (self, message, path + strlen ("/v1/subscriptions/"), form);
  } else if (g_str_equal (path, "/v1/billing_portal/sessions")) {
    remember_form (self, path, form);
    create_portal (self, message, form);
  } else {
    g_autofree char *text = g_strdup_printf ("Unrecognized request URL (POST: %s).", path);

    respond_error (self, message, 404, "invalid_request_error", NULL, text);
  }
  remember_idempotent (self, message, form);
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  FcFakeStripe *self = user_data;

  g_mutex_lock (&self->lock);
  handle_locked (self, message);
  g_mutex_unlock (&self->lock);
}

void
fc_fake_stripe_set_failure (FcFakeStripe *self,
                            guint         status)
{
  g_mutex_lock (&self->lock);
  self->failure = status;
  g_mutex_unlock (&self->lock);
}

void
fc_fake_stripe_hold (FcFakeStripe *self,
                     gboolean      hold)
{
  fc_fake_http_hold (self->http, hold);
}

guint
fc_fake_stripe_held (FcFakeStripe *self)
{
  return fc_fake_http_held (self->http);
}

FcFakeStripe *
fc_fake_stripe_new (const char *secret_key,
                    const char *webhook_secret,
                    const char *price_monthly,
                    const char *price_lifetime)
{
  FcFakeStripe *self = g_new0 (FcFakeStripe, 1);

  g_mutex_init (&self->lock);
  self->secret_key = g_strdup (secret_key);
  self->webhook_secret = g_strdup (webhook_secret);
  self->price_monthly = g_strdup (price_monthly);
  self->price_lifetime = g_strdup (price_lifetime);
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) json_object_unref);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_forms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->idempotent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_strfreev);
  self->http = fc_fake_http_new ("fake-stripe", on_request_cb, self);
  self->url = fc_fake_http_get_url (self->http);
  self->session = soup_session_new_with_options ("timeout", 60, NULL);
  return self;
}

void
fc_fake_stripe_free (FcFakeStripe *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->http, fc_fake_http_free);
  g_clear_object (&self->session);
  g_hash_table_unref (self->objects);
  g_hash_table_unref (self->counts);
  g_hash_table_unref (self->last_forms);
  g_hash_table_unref (self->idempotent);
  g_mutex_clear (&self->lock);
  g_free (self->secret_key);
  g_free (self->webhook_secret);
  g_free (self->price_monthly);
  g_free (self->price_lifetime);
  g_free (self->webhook_url);
  g_free (self);
}

const char *
fc_fake_stripe_get_url (FcFakeStripe *self)
{
  return self->url;
}

void
fc_fake_stripe_set_webhook_url (FcFakeStripe *self,
                                const char   *url)
{
  g_mutex_lock (&self->lock);
  g_free (self->webhook_url);
  self->webhook_url = g_strdup (url);
  g_mutex_unlock (&self->lock);
}

void
fc_fake_stripe_set_clock_offset (FcFakeStripe *self,
                                 gint64        offset)
{
  g_mutex_lock (&self->lock);
  self->clock_offset = offset;
  g_mutex_unlock (&self->lock);
}

guint
fc_fake_stripe_count (FcFakeStripe *self,
                      const char   *object)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, object));
  g_mutex_unlock (&self->lock);
  return n;
}

char *
fc_fake_stripe_get (FcFakeStripe *self,
                    const char   *id,
                    const char   *member)
{
  JsonObject *object;
  char *value = NULL;

  g_mutex_lock (&self->lock);
  object = g_hash_table_lookup (self->objects, id);
  if (object != NULL)
    value = g_strdup (fc_json_get_string (object, member));
  g_mutex_unlock (&self->lock);
  return value;
}

char *
fc_fake_stripe_last_form (FcFakeStripe *self,
                          const char   *path)
{
  char *text;

  g_mutex_lock (&self->lock);
  text = g_strdup (g_hash_table_lookup (self->last_forms, path));
  g_mutex_unlock (&self->lock);
  return text;
}

char *
fc_fake_stripe_session_of_url (FcFakeStripe *self,
                               const char   *url)
{
  g_autofree char *prefix = g_strdup_printf ("%s/c/pay/", self->url);

  if (url == NULL || !g_str_has_prefix (url, prefix))
    return NULL;
  return g_strdup (url + strlen (prefix));
}

/* Events. */

static char *
event_locked (FcFakeStripe *self,
              const char   *type,
              gint64        created,
              JsonObject   *object)
{
  g_autoptr(JsonObject) event = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *id = new_id (self, "evt");
  JsonObject *data = json_object_new ();

  json_object_set_string_member (event, "id", id);
  json_object_set_string_member (event, "object", "event");
  json_object_set_string_member (event, "api_version", "2024-06-20");
  json_object_set_int_member (event, "created", created);
  json_object_set_boolean_member (event, "livemode", FALSE);
  json_object_set_int_member (event, "pending_webhooks", 1);
  json_object_set_string_member (event, "type", type);
  json_object_set_object_member (data, "object", object);
  json_object_set_object_member (event, "data", data);
  json_node_set_object (node, event);
  return fc_json_to_string (node, FALSE);
}

char *
fc_fake_stripe_event (FcFakeStripe *self,
                      const char   *type,
                      gint64        created,
                      JsonObject   *object)
{
  char *text;

  g_mutex_lock (&self->lock);
  text = event_locked (self, type, created, object);
  g_mutex_unlock (&self->lock);
  return text;
}

/* A copy, so later changes to the stored object do not reach events
 * already built. */
static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, object);
  copy = json_node_copy (node);
  return json_object_ref (json_node_get_object (copy));
}

static JsonObject *
new_invoice_locked (FcFakeStripe *self,
                    JsonObject   *subscription,
                    gboolean      paid,
                    gint64        period_start,
                    gint64        period_end)
{
  g_autoptr(JsonObject) invoice = new_object (self, "in", "invoice");
  g_autoptr(JsonObject) intent = new_object (self, "pi", "payment_intent");
  g_autoptr(JsonObject) charge = new_object (self, "ch", "charge");
  JsonObject *lines = json_object_new ();
  JsonArray *data = json_array_new ();
  JsonObject *line = json_object_new ();
  JsonObject *period = json_object_new ();
  JsonObject *price = json_object_new ();

  json_object_set_string_member (invoice, "customer", fc_json_get_string (subscription, "customer"));
  json_object_set_string_member (invoice, "subscription", fc_json_get_string (subscription, "id"));
  json_object_set_string_member (invoice, "status", paid ? "paid" : "open");
  json_object_set_string_member (invoice, "currency", "usd");
  json_object_set_int_member (invoice, "amount_due", MONTHLY_AMOUNT);
  json_object_set_int_member (invoice, "amount_paid", paid ? MONTHLY_AMOUNT : 0);
  json_object_set_string_member (invoice, "payment_intent", fc_json_get_string (intent, "id"));
  json_object_set_string_member (invoice, "charge", fc_json_get_string (charge, "id"));
  json_object_set_int_member (invoice, "period_start", period_start - FC_FAKE_STRIPE_PERIOD);
  json_object_set_int_member (invoice, "period_end", period_start);
  json_object_set_string_member (line, "id", "il_1");
  json_object_set_string_member (line, "object", "line_item");
  json_object_set_int_member (period, "start", period_start);
  json_object_set_int_member (period, "end", period_end);
  json_object_set_object_member (line, "period", period);
  json_object_set_string_member (price, "id", self->price_monthly);
  json_object_set_string_member (price, "object", "price");
  json_object_set_object_member (line, "price", price);
  json_array_add_object_element (data, line);
  json_object_set_string_member (lines, "object", "list");
  json_object_set_array_member (lines, "data", data);
  json_object_set_object_member (invoice, "lines", lines);

  json_object_set_string_member (charge, "customer", fc_json_get_string (subscription, "customer"));
  json_object_set_string_member (charge, "payment_intent", fc_json_get_string (intent, "id"));
  json_object_set_int_member (charge, "amount", MONTHLY_AMOUNT);
  json_object_set_string_member (charge, "currency", "usd");
  return g_steal_pointer (&invoice);
}

GPtrArray *
fc_fake_stripe_pay_events (FcFakeStripe *self,
                           const char   *session_id)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  JsonObject *session;
  gint64 now;

  g_mutex_lock (&self->lock);
  session = find_locked (self, session_id, "checkout.session");
  g_assert_nonnull (session);
  g_assert_cmpstr (fc_json_get_string (session, "status"), ==, "open");
  now = now_locked (self);
  json_object_set_string_member (session, "status", "complete");
  json_object_set_string_member (session, "payment_status", "paid");

  if (g_strcmp0 (fc_json_get_string (session, "mode"), "subscription") == 0) {
    g_autoptr(JsonObject) subscription = new_object (self, "sub", "subscription");
    g_autoptr(JsonObject) invoice = NULL;

    json_object_set_string_member (subscription, "customer", fc_json_get_string (session, "customer"));
    json_object_set_string_member (subscription, "status", "active");
    json_object_set_boolean_member (subscription, "cancel_at_period_end", FALSE);
    json_object_set_int_member (subscription, "current_period_start", now);
    json_object_set_int_member (subscription, "current_period_end", now + FC_FAKE_STRIPE_PERIOD);
    json_object_set_null_member (subscription, "ended_at");
    json_object_set_string_member (session, "subscription", fc_json_get_string (subscription, "id"));
    invoice = new_invoice_locked (self, subscription, TRUE, now, now + FC_FAKE_STRIPE_PERIOD);
    json_object_set_string_member (subscription, "latest_invoice", fc_json_get_string (invoice, "id"));
    g_ptr_array_add (events, event_locked (self, "checkout.session.completed", now,
                                           copy_object (session)));
    g_ptr_array_add (events, event_locked (self, "invoice.paid", now, copy_object (invoice)));
  } else {
    g_autoptr(JsonObject) intent = new_object (self, "pi", "payment_intent");
    g_autoptr(JsonObject) charge = new_object (self, "ch", "charge");

    json_object_set_string_member (charge, "customer", fc_json_get_string (session, "customer"));
    json_object_set_string_member (charge, "payment_intent", fc_json_get_string (intent, "id"));
    json_object_set_int_member (charge, "amount", LIFETIME_AMOUNT);
    json_object_set_string_member (charge, "currency", "usd");
    json_object_set_string_member (session, "payment_intent", fc_json_get_string (intent, "id"));
    g_ptr_array_add (events, event_locked (self, "checkout.session.completed", now,
                                           copy_object (session)));
  }
  g_mutex_unlock (&self->lock);
  return events;
}

void
fc_fake_stripe_pay (FcFakeStripe *self,
                    const char   *session_id)
{
  g_autoptr(GPtrArray) events = fc_fake_stripe_pay_events (self, session_id);

  for (guint i = 0; i < events->len; i++)
    g_assert_cmpuint (fc_fake_stripe_send (self, events->pdata[i], FC_FAKE_SIGN_VALID), ==, 200);
}

char *
fc_fake_stripe_invoice_event (FcFakeStripe *self,
                              const char   *type,
                              const char   *subscription_id,
                              gint64        created,
                              gint64        period_start,
                              gint64        period_end)
{
  g_autoptr(JsonObject) invoice = NULL;
  JsonObject *subscription;
  char *text;

  g_mutex_lock (&self->lock);
  subscription = find_locked (self, subscription_id, "subscription");
  g_assert_nonnull (subscription);
  invoice = new_invoice_locked (self, subscription, g_str_equal (type, "invoice.paid"), period_start,
                                period_end);
  text = event_locked (self, type, created, copy_object (invoice));
  g_mutex_unlock (&self->lock);
  return text;
}

char *
fc_fake_stripe_subscription_event (FcFakeStripe *self,
                                   const char   *type,
                                   const char   *subscription_id,
                                   gint64        created,
                                   const char   *status,
                                   gboolean      cancel_at_period_end)
{
  JsonObject *subscription;
  JsonObject *copy;
  char *text;

  g_mutex_lock (&self->lock);
  subscription = find_locked (self, subscription_id, "subscription");
  g_assert_nonnull (subscription);
  copy = copy_object (subscription);
  json_object_set_string_member (copy, "status", status);
  json_object_set_boolean_member (copy, "cancel_at_period_end", cancel_at_period_end);
  if (g_str_equal (type, "customer.subscription.deleted"))
    json_object_set_int_member (copy, "ended_at", created);
  text = event_locked (self, type, created, copy);
  g_mutex_unlock (&self->lock);
  return text;
}

char *
fc_fake_stripe_refund_event (FcFakeStripe *self,
                             const char   *customer,
                             const char   *payment_intent,
                             gint64        amount_refunded,
                             gint64        created)
{
  JsonObject *charge = json_object_new ();
  char *text;

  g_mutex_lock (&self->lock);
  {
    g_autofree char *id = new_id (self, "ch");

    json_object_set_string_member (charge, "id", id);
  }
  json_object_set_string_member (charge, "object", "charge");
  json_object_set_string_member (charge, "customer", customer);
  json_object_set_string_member (charge, "payment_intent", payment_intent);
  json_object_set_string_member (charge, "currency", "usd");
  json_object_set_int_member (charge, "amount_refunded", amount_refunded);
  json_object_set_boolean_member (charge, "refunded", TRUE);
  text = event_locked (self, "charge.refunded", created, charge);
  g_mutex_unlock (&self->lock);
  return text;
}

static char *
sign (const char *secret,
      gint64      t,
      const char *payload)
{
  g_autofree char *signed_text = g_strdup_printf ("%" G_GINT64_FORMAT ".%s", t, payload);

  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret),
                                    signed_text, -1);
}

guint
fc_fake_stripe_send (FcFakeStripe *self,
                     const char   *payload,
                     FcFakeSign    how)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *header = NULL;
  g_autofree char *text = g_strdup (payload);
  gint64 t = fc_fake_stripe_now (self);

  g_mutex_lock (&self->lock);
  url = g_strdup (self->webhook_url);
  g_mutex_unlock (&self->lock);
  g_assert_nonnull (url);

  if (how == FC_FAKE_SIGN_STALE)
    t -= STALE_S;
  if (how != FC_FAKE_SIGN_NONE) {
    g_autofree char *good = sign (self->webhook_secret, t, text);
    g_autofree char *bad = sign ("whsec_not_the_endpoint_secret", t, text);

    if (how == FC_FAKE_SIGN_FORGED)
      header = g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", t, bad);
    else if (how == FC_FAKE_SIGN_ROLLED)
      header = g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s,v1=%s,v0=%s", t, bad, good, bad);
    else
      header = g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", t, good);
  }
  if (how == FC_FAKE_SIGN_TAMPERED) {
    char *amount = strstr (text, "\"amount");

    g_assert_nonnull (amount);
    amount[1] = 'A';
  }

  message = soup_message_new ("POST", url);
  if (header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Stripe-Signature",
                                  header);
  body = g_bytes_new (text, strlen (text));
  soup_message_set_request_body_from_bytes (message, "application/json; charset=utf-8", body);
  answer = soup_session_send_and_read (self->session, message, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (message);
}
