/* fc-google-login.c — POST api/v1/auth/google/login/ with a Google id_token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app runs the OAuth flow (RFC 8252: browser, loopback redirect, PKCE)
 * and sends the id_token it got from the token endpoint; this server never
 * sees a client secret. The token is an RS256 JWS whose key the header's
 * "kid" names in the issuer's JWKS; the JWKS URL comes from the issuer's
 * discovery document. Both are fetched asynchronously (a slow provider
 * holds only the requests waiting on it), once at a time (requests that
 * arrive meanwhile wait on the same fetch), and the keys are kept for the
 * JWKS answer's Cache-Control max-age. A "kid" missing from fresh keys
 * (the provider rotated) refetches, but at most once a minute, so tokens
 * with made-up kids cannot make this server hammer the provider; after a
 * failed fetch, requests wait FAILURE_BACKOFF_S before the next one
 * (known keys keep serving meanwhile, stale or not).
 *
 * Refusals are 400 {"non_field_errors":[why]}; a provider that cannot be
 * reached is a 503, one that answers nonsense a 502. The token itself is
 * never logged.
 */

#define G_LOG_DOMAIN "fc-google"

#include "config.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fc-accounts.h"
#include "fc-google-login.h"
#include "fc-json.h"
#include "fc-jwt.h"
#include "fc-random.h"
#include "fc-server-config.h"
#include "fc-sql.h"
#include "fc-server-schema.h"
#include "fc-server.h"
#include "fc-time.h"
#include "fc-users.h"
#include "fc-validate.h"

#define STATE_DATA "fc-google-state"
#define PROVIDER "google"
#define TIMEOUT_S 20
#define MAX_ANSWER (256 * 1024)      /* Google's JWKS is ~1.5 KiB */
#define MAX_TOKEN (16 * 1024)
#define SKEW_S 60                    /* clocks of this server and the provider's */
#define DEFAULT_MAX_AGE_S 300        /* a JWKS answer without max-age */
#define LONGEST_MAX_AGE_S (24 * 3600)
#define REFETCH_INTERVAL_S 60        /* an unknown kid refetches at most this often */
#define FAILURE_BACKOFF_S 5          /* after a failed fetch, requests do not retry before */
#define MIN_RSA_BITS 2048
#define NAME_MAX_LENGTH 150
#define UID_MAX_LENGTH 255

/* 12: accounts linked to an OpenID provider's subject. The link is what
 * signs in (a Google account's e-mail may change; its "sub" does not);
 * the e-mail finds the account only the first time. */
const char fc_google_schema_migration_12[] =
  "CREATE TABLE social_accounts ("
  "  id         INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  provider   TEXT NOT NULL,"
  "  uid        TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  last_login TEXT,"
  "  UNIQUE (provider, uid)"
  ");"
  "CREATE INDEX social_accounts_user ON social_accounts (user_id);";

typedef enum {
  FETCH_OK,
  FETCH_UNREACHABLE,   /* no answer: 503 */
  FETCH_INVALID,       /* an answer that is not a discovery document / JWKS: 502 */
} FetchResult;

typedef struct {
  FcServerRequest *request;
  char            *kid;
  char            *token;
  gsize            signing_length;
  GBytes          *signature;
  JsonObject      *payload;
} Pending;

typedef struct {
  SoupSession  *session;
  GCancellable *cancellable;
  char         *issuer;
  char         *discovery_url;
  char         *jwks_uri;      /* from the discovery document */
  GHashTable   *keys;          /* kid → gnutls_pubkey_t */
  gint64        expires;       /* monotonic µs; 0: never fetched */
  gint64        last_kid_fetch; /* monotonic µs an unknown kid last made a fetch */
  gint64        last_failure;  /* monotonic µs a fetch last failed */
  FetchResult   last_result;
  gboolean      fetching;
  GPtrArray    *waiters;       /* Pending, for the fetch under way */
} State;

static void
pending_free (Pending *pending)
{
  if (pending == NULL)   /* a waiter already taken out of its array */
    return;
  fc_server_request_unref (pending->request);
  g_free (pending->kid);
  g_free (pending->token);
  g_clear_pointer (&pending->signature, g_bytes_unref);
  g_clear_pointer (&pending->payload, json_object_unref);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static void
state_free (State *state)
{
  /* The fetch under way (if any) ends cancelled and touches nothing. */
  g_cancellable_cancel (state->cancellable);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->session);
  g_free (state->issuer);
  g_free (state->discovery_url);
  g_free (state->jwks_uri);
  g_hash_table_unref (state->keys);
  g_ptr_array_unref (state->waiters);
  g_free (state);
}

static State *
get_state (FcServer *server)
{
  State *state = g_object_get_data (G_OBJECT (server), STATE_DATA);
  FcServerConfig *config;

  if (state != NULL)
    return state;
  config = fc_server_get_config (server);
  state = g_new0 (State, 1);
  state->session = soup_session_new_with_options ("timeout", TIMEOUT_S, "idle-timeout", 60,
                                                  "user-agent", "fitcore-server", NULL);
  state->cancellable = g_cancellable_new ();
  state->issuer = g_strdup (config->google_issuer);
  state->discovery_url = config->google_discovery_url != NULL
    ? g_strdup (config->google_discovery_url)
    : g_strconcat (config->google_issuer, "/.well-known/openid-configuration", NULL);
  state->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) gnutls_pubkey_deinit);
  state->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  g_object_set_data_full (G_OBJECT (server), STATE_DATA, state, (GDestroyNotify) state_free);
  return state;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Answers. */

static void
respond_refused (FcServerRequest *request,
                 const char      *why)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

  /* Why, but never the token: the log is read by more people than the
   * database. */
  g_message ("Google sign-in refused: %s", why);
  fc_field_errors_add (errors, "non_field_errors", "The Google sign-in was refused: %s.", why);
  fc_server_request_respond_errors (request, errors);
}

static void
respond_provider_failed (FcServerRequest *request,
                         FetchResult      result)
{
  if (result == FETCH_INVALID)
    fc_server_request_respond_detail (request, SOUP_STATUS_BAD_GATEWAY,
                                      "The Google sign-in service answered something unexpected; "
                                      "try again later.");
  else
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The Google sign-in service could not be reached; "
                                      "try again later.");
}

/* Keys. */

static GBytes *
decode_member (JsonObject *object,
               const char *member)
{
  const char *text = fc_json_get_string (object, member);
  guint8 *data;
  gsize length = 0;

  if (text == NULL)
    return NULL;
  data = fc_jwt_base64url_decode (text, strlen (text), &length);
  if (data == NULL || length == 0) {
    g_free (data);
    return NULL;
  }
  return g_bytes_new_take (data, length);
}

/* An RSA signing key of at least 2048 bits from a JWK (RFC 7517/7518), or
 * NULL for any other key. */
static gnutls_pubkey_t
import_jwk (JsonObject *jwk)
{
  g_autoptr(GBytes) n = NULL;
  g_autoptr(GBytes) e = NULL;
  gnutls_pubkey_t key = NULL;
  gnutls_datum_t modulus, exponent;
  const char *use = fc_json_get_string (jwk, "use");
  const char *alg = fc_json_get_string (jwk, "alg");
  unsigned int bits = 0;
  gsize size;

  if (g_strcmp0 (fc_json_get_string (jwk, "kty"), "RSA") != 0 ||
      (use != NULL && !g_str_equal (use, "sig")) || (alg != NULL && !g_str_equal (alg, "RS256")))
    return NULL;
  n = decode_member (jwk, "n");
  e = decode_member (jwk, "e");
  if (n == NULL || e == NULL)
    return NULL;
  modulus.data = (unsigned char *) g_bytes_get_data (n, &size);
  modulus.size = size;
  exponent.data = (unsigned char *) g_bytes_get_data (e, &size);
  exponent.size = size;
  if (gnutls_pubkey_init (&key) < 0)
    return NULL;
  if (gnutls_pubkey_import_rsa_raw (key, &modulus, &exponent) < 0 ||
      gnutls_pubkey_get_pk_algorithm (key, &bits) != GNUTLS_PK_RSA || bits < MIN_RSA_BITS) {
    gnutls_pubkey_deinit (key);
    return NULL;
  }
  return key;
}

/* Cache-Control: max-age=N, clamped to a day; no-store or no-cache keep
 * nothing beyond this fetch. */
static gint64
max_age_of (SoupMessage *message)
{
  const char *header = soup_message_headers_get_list (soup_message_get_response_headers (message),
                                                      "Cache-Control");
  g_autoptr(GHashTable) params = NULL;
  const char *value;
  gint64 age;
  char *end = NULL;

  if (header == NULL)
    return DEFAULT_MAX_AGE_S;
  params = soup_header_parse_param_list (header);
  if (g_hash_table_contains (params, "no-store") || g_hash_table_contains (params, "no-cache"))
    return 0;
  value = g_hash_table_lookup (params, "max-age");
  if (value == NULL)
    return DEFAULT_MAX_AGE_S;
  age = g_ascii_strtoll (value, &end, 10);
  if (end == value || *end != '\0' || age < 0)
    return DEFAULT_MAX_AGE_S;
  return MIN (age, LONGEST_MAX_AGE_S);
}

static void verify_and_sign_in (Pending *pending, gnutls_pubkey_t key);
static void fetch_discovery (State *state);

/* The fetch is over: every waiter is verified with the keys now held
 * (stale ones too, if the provider could not be asked), or answered. */
static void
fetch_done (State       *state,
            FetchResult  result)
{
  g_autoptr(GPtrArray) waiters = state->waiters;
  gint64 now = g_get_monotonic_time ();

  state->fetching = FALSE;
  state->last_result = result;
  if (result != FETCH_OK)
    state->last_failure = now;
  state->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  for (guint i = 0; i < waiters->len; i++) {
    Pending *pending = g_steal_pointer (&waiters->pdata[i]);
    gnutls_pubkey_t key = g_hash_table_lookup (state->keys, pending->kid);

    if (key != NULL)
      verify_and_sign_in (pending, key);
    else if (result == FETCH_OK) {
      respond_refused (pending->request, "it was signed with a key Google does not publish");
      pending_free (pending);
    } else {
      respond_provider_failed (pending->request, result);
      pending_free (pending);
    }
  }
}

/* The answer to a GET as a JSON object, or NULL with @result set. */
static JsonObject *
read_answer (GObject      *source,
             GAsyncResult *async_result,
             const char   *what,
             SoupMessage **out_message,
             FetchResult  *result,
             gboolean     *cancelled)
{
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), async_result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), async_result,
                                                              &error);
  JsonObject *object = NULL;
  const char *data;
  gsize size = 0;
  guint status;

  *cancelled = FALSE;
  if (body == NULL) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      *cancelled = TRUE;
      return NULL;
    }
    g_warning ("Google sign-in: the %s could not be fetched: %s", what, error->message);
    *result = FETCH_UNREACHABLE;
    return NULL;
  }
  status = soup_message_get_status (message);
  data = g_bytes_get_data (body, &size);
  if (status >= 500) {
    g_warning ("Google sign-in: the %s answered %u", what, status);
    *result = FETCH_UNREACHABLE;
    return NULL;
  }
  if (status != SOUP_STATUS_OK || size > MAX_ANSWER ||
      (object = fc_json_parse_object (data, size, NULL)) == NULL) {
    g_warning ("Google sign-in: the %s answered %u, not a JSON object", what, status);
    *result = FETCH_INVALID;
    return NULL;
  }
  *out_message = message;
  return object;
}

static void
on_jwks_cb (GObject      *source,
            GAsyncResult *async_result,
            gpointer      user_data)
{
  State *state = user_data;
  g_autoptr(JsonObject) jwks = NULL;
  g_autoptr(GHashTable) keys = NULL;
  SoupMessage *message = NULL;
  FetchResult result = FETCH_OK;
  gboolean cancelled;
  JsonArray *array;

  jwks = read_answer (source, async_result, "JWKS", &message, &result, &cancelled);
  if (cancelled)
    return;
  if (jwks == NULL) {
    /* The discovery document may have moved the keys: ask it again. */
    g_clear_pointer (&state->jwks_uri, g_free);
    fetch_done (state, result);
    return;
  }
  array = fc_json_get_array (jwks, "keys");
  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) gnutls_pubkey_deinit);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++) {
    JsonNode *node = json_array_get_element (array, i);
    JsonObject *jwk = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    const char *kid = jwk != NULL ? fc_json_get_string (jwk, "kid") : NULL;
    gnutls_pubkey_t key = kid != NULL ? import_jwk (jwk) : NULL;

    if (key != NULL)
      g_hash_table_replace (keys, g_strdup (kid), key);
  }
  if (g_hash_table_size (keys) == 0) {
    g_warning ("Google sign-in: the JWKS holds no RSA signing key");
    g_clear_pointer (&state->jwks_uri, g_free);
    fetch_done (state, FETCH_INVALID);
    return;
  }
  g_hash_table_unref (state->keys);
  state->keys = g_steal_pointer (&keys);
  state->expires = g_get_monotonic_time () + max_age_of (message) * G_USEC_PER_SEC;
  g_message ("Google sign-in: %u keys fetched", g_hash_table_size (state->keys));
  fetch_done (state, FETCH_OK);
}

static void
fetch_jwks (State *state)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", state->jwks_uri);

  soup_session_send_and_read_async (state->session, message, G_PRIORITY_DEFAULT, state->cancellable,
                                    on_jwks_cb, state);
}

static gboolean
is_web_url (const char *text)
{
  g_autoptr(GUri) uri = text != NULL ? g_uri_parse (text, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_uri_get_host (uri) != NULL &&
         (g_str_equal (g_uri_get_scheme (uri), "https") || g_str_equal (g_uri_get_scheme (uri), "http"));
}

static void
on_discovery_cb (GObject      *source,
                 GAsyncResult *async_result,
                 gpointer      user_data)
{
  State *state = user_data;
  g_autoptr(JsonObject) document = NULL;
  SoupMessage *message = NULL;
  FetchResult result = FETCH_OK;
  gboolean cancelled;
  const char *jwks_uri, *issuer;

  document = read_answer (source, async_result, "discovery document", &message, &result,
                          &cancelled);
  if (cancelled)
    return;
  if (document == NULL) {
    fetch_done (state, result);
    return;
  }
  /* OpenID Connect Discovery §4.3: the document's issuer is the one it
   * was asked for, or its keys are not that issuer's. */
  issuer = fc_json_get_string (document, "issuer");
  jwks_uri = fc_json_get_string (document, "jwks_uri");
  if (g_strcmp0 (issuer, state->issuer) != 0 || !is_web_url (jwks_uri)) {
    g_warning ("Google sign-in: the discovery document is not the configured issuer's "
               "or has no jwks_uri");
    fetch_done (state, FETCH_INVALID);
    return;
  }
  state->jwks_uri = g_strdup (jwks_uri);
  fetch_jwks (state);
}

static void
fetch_discovery (State *state)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", state->discovery_url);

  if (message == NULL) {
    g_warning ("Google sign-in: the discovery URL is not a URL");
    fetch_done (state, FETCH_INVALID);
    return;
  }
  soup_session_send_and_read_async (state->session, message, G_PRIORITY_DEFAULT, state->cancellable,
                                    on_discovery_cb, state);
}

/* Finds @pending's key, fetching the keys when they are stale or (rarely)
 * when its kid is new; takes @pending. */
static void
with_key (State   *state,
          Pending *pending)
{
  gint64 now = g_get_monotonic_time ();
  gnutls_pubkey_t key = g_hash_table_lookup (state->keys, pending->kid);
  gboolean fresh = state->expires != 0 && now < state->expires;
  gboolean failed_lately = state->last_failure != 0 &&
                           now - state->last_failure < FAILURE_BACKOFF_S * G_USEC_PER_SEC;

  if (key != NULL && (fresh || failed_lately)) {
    /* Stale keys serve while the provider is down: it still signs with them. */
    verify_and_sign_in (pending, key);
    return;
  }
  if (state->fetching) {
    g_ptr_array_add (state->waiters, pending);
    return;
  }
  if (failed_lately) {
    respond_provider_failed (pending->request, state->last_result);
    pending_free (pending);
    return;
  }
  if (key == NULL && fresh) {
    /* The provider may have rotated since: ask once, but not again for
     * a while, whatever kids come (made-up ones cost nothing to send). */
    if (state->last_kid_fetch != 0 &&
        now - state->last_kid_fetch < REFETCH_INTERVAL_S * G_USEC_PER_SEC) {
      respond_refused (pending->request, "it was signed with a key Google does not publish");
      pending_free (pending);
      return;
    }
    state->last_kid_fetch = now;
  }
  g_ptr_array_add (state->waiters, pending);
  state->fetching = TRUE;
  if (state->jwks_uri == NULL)
    fetch_discovery (state);
  else
    fetch_jwks (state);
}

/* Claims (OpenID Connect Core §3.1.3.7). */

static gboolean
audience_matches (JsonObject *payload,
                  const char *client_id)
{
  JsonNode *aud = json_object_get_member (payload, "aud");
  JsonArray *array;
  gboolean found = FALSE;

  if (aud == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (aud) && json_node_get_value_type (aud) == G_TYPE_STRING)
    return g_str_equal (json_node_get_string (aud), client_id);
  if (!JSON_NODE_HOLDS_ARRAY (aud))
    return FALSE;
  array = json_node_get_array (aud);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *element = json_array_get_element (array, i);

    if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
        g_str_equal (json_node_get_string (element), client_id))
      found = TRUE;
  }
  /* Several audiences: the party it was issued to must be us. */
  if (found && json_array_get_length (array) > 1)
    found = g_strcmp0 (fc_json_get_string (payload, "azp"), client_id) == 0;
  return found;
}

static gboolean
email_verified (JsonObject *payload)
{
  gboolean verified = FALSE;

  /* Older Google tokens carried the string "true". */
  if (fc_json_get_boolean (payload, "email_verified", &verified))
    return verified;
  return g_strcmp0 (fc_json_get_string (payload, "email_verified"), "true") == 0;
}

/* NULL when the claims are acceptable, else why not. */
static const char *
check_claims (FcServerConfig *config,
              JsonObject     *payload)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *iss = fc_json_get_string (payload, "iss");
  const char *sub = fc_json_get_string (payload, "sub");
  const char *email = NULL;
  gint64 now = now_seconds ();
  gint64 exp = 0, iat = 0, nbf = 0;

  /* Google's tokens may name their issuer without the scheme. */
  if (iss == NULL || !(g_str_equal (iss, config->google_issuer) ||
                       (g_str_equal (config->google_issuer, "https://accounts.google.com") &&
                        g_str_equal (iss, "accounts.google.com"))))
    return "it was issued by another provider";
  if (!audience_matches (payload, config->google_client_id))
    return "it was issued to another application";
  if (!fc_json_get_int (payload, "exp", &exp) || !fc_json_get_int (payload, "iat", &iat))
    return "it has no validity period";
  if (exp <= now - SKEW_S)
    return "it has expired";
  if (iat > now + SKEW_S)
    return "it was issued in the future";
  /* Optional, but binding when present (RFC 7519 §4.1.5). */
  if (fc_json_has_member (payload, "nbf") &&
      (!fc_json_get_int (payload, "nbf", &nbf) || nbf > now + SKEW_S))
    return "it is not valid yet";
  if (sub == NULL || *sub == '\0' || strlen (sub) > UID_MAX_LENGTH)
    return "it names no account";
  if (!fc_json_has_member (payload, "email") ||
      !fc_validate_email (payload, "email", TRUE, errors, &email))
    return "it carries no e-mail address";
  if (!email_verified (payload))
    return "the Google account's e-mail address is not verified";
  return NULL;
}

/* The account. */

static char *
claim_name (JsonObject *payload,
            const char *member)
{
  const char *text = fc_json_get_string (payload, member);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  return g_utf8_substring (text, 0, MIN ((glong) NAME_MAX_LENGTH, g_utf8_strlen (text, -1)));
}

static gint64
linked_user (FcSql    *db,
             const char *sub)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT user_id FROM social_accounts WHERE provider = ? AND uid = ?");

  fc_sql_bind_text (stmt, 1, PROVIDER);
  fc_sql_bind_text (stmt, 2, sub);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

static gboolean
link_user (FcSql    *db,
           gint64      user_id,
           const char *sub)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO social_accounts (user_id, provider, uid, created_at) "
                              "VALUES (?, ?, ?, ?)");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, PROVIDER);
  fc_sql_bind_text (stmt, 3, sub);
  fc_sql_bind_text (stmt, 4, now);
  return fc_sql_step_done (stmt);
}

/* Django's make_password(None): "!" and 40 random characters, which no
 * password matches. */
static char *
unusable_password (void)
{
  g_autofree char *random = fc_random_string (40, FC_RANDOM_ALPHANUMERIC);

  return g_strconcat ("!", random, NULL);
}

/* The account @payload signs in, found by its link, else by its e-mail
 * (and linked), else made; inside the caller's transaction. An existing
 * account whose address was never confirmed loses its password: whoever
 * registered it did not prove they own the address Google just vouched
 * for (they could otherwise keep a way into the Google user's account). */
static gint64
find_or_create (FcSql    *db,
                JsonObject *payload)
{
  const char *sub = fc_json_get_string (payload, "sub");
  const char *email = fc_json_get_string (payload, "email");
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = unusable_password ();
  g_autofree char *first_name = NULL;
  g_autofree char *last_name = NULL;
  gint64 user_id = linked_user (db, sub);

  if (user_id != 0)
    return user_id;
  user_id = fc_users_find_by_email (db, email);
  if (user_id != 0) {
    stmt = fc_sql_prepare (db, "UPDATE users SET password = ?, email_verified = 1 "
                                     "WHERE id = ? AND email_verified = 0");
    fc_sql_bind_text (stmt, 1, password);
    fc_sql_bind_int64 (stmt, 2, user_id);
    if (!fc_sql_step_done (stmt))
      return 0;
  } else {
    first_name = claim_name (payload, "given_name");
    last_name = claim_name (payload, "family_name");
    user_id = fc_users_create (db, email, password, first_name, last_name, FALSE, &error);
    if (user_id == 0) {
      g_warning ("Google sign-in: %s", error->message);
      return 0;
    }
    stmt = fc_sql_prepare (db, "UPDATE users SET email_verified = 1 WHERE id = ?");
    fc_sql_bind_int64 (stmt, 1, user_id);
    if (!fc_sql_step_done (stmt))
      return 0;
    g_message ("Google sign-in: account %" G_GINT64_FORMAT " created", user_id);
  }
  return link_user (db, user_id, sub) ? user_id : 0;
}

static gboolean
is_active (FcSql *db,
           gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "SELECT is_active FROM users WHERE id = ?");

  fc_sql_bind_int64 (stmt, 1, user_id);
  return fc_sql_step_row (stmt) && fc_sql_column_int (stmt, 0) != 0;
}

static void
sign_in (Pending *pending)
{
  FcServerRequest *request = pending->request;
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcSqlStmt) touch = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  gint64 user_id;

  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The server is busy; try again.");
    return;
  }
  user_id = find_or_create (db, pending->payload);
  if (user_id != 0) {
    touch = fc_sql_prepare (db, "UPDATE social_accounts SET last_login = ? "
                                      "WHERE provider = ? AND uid = ?");
    fc_sql_bind_text (touch, 1, now);
    fc_sql_bind_text (touch, 2, PROVIDER);
    fc_sql_bind_text (touch, 3, fc_json_get_string (pending->payload, "sub"));
    if (!fc_sql_step_done (touch))
      user_id = 0;
  }
  if (!fc_sql_end (db, user_id != 0) || user_id == 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");
    return;
  }
  /* As login says for the right password of a deactivated account. */
  if (!is_active (db, user_id)) {
    g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

    fc_field_errors_add (errors, "non_field_errors", "%s", FC_ACCOUNTS_INACTIVE_MESSAGE);
    fc_server_request_respond_errors (request, errors);
    return;
  }
  fc_accounts_respond_login (request, user_id);
}

/* Takes @pending. */
static void
verify_and_sign_in (Pending         *pending,
                    gnutls_pubkey_t  key)
{
  g_autoptr(Pending) owned = pending;
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (pending->request));
  gnutls_datum_t data, signature;
  const char *why;
  gsize size = 0;

  data.data = (unsigned char *) pending->token;
  data.size = pending->signing_length;
  signature.data = (unsigned char *) g_bytes_get_data (pending->signature, &size);
  signature.size = size;
  if (size == 0 || gnutls_pubkey_verify_data2 (key, GNUTLS_SIGN_RSA_SHA256, 0, &data, &signature) < 0) {
    respond_refused (pending->request, "its signature does not verify");
    return;
  }
  why = check_claims (config, pending->payload);
  if (why != NULL) {
    respond_refused (pending->request, why);
    return;
  }
  sign_in (pending);
}

void
fc_google_login (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);
  const char *token = fc_json_get_string (body, "id_token");
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GBytes) signature = NULL;
  Pending *pending;
  const char *alg, *kid;
  gsize signing_length = 0;

  /* The Django route also takes an access_token or a code, which only
   * Google's userinfo and token endpoints (with the client secret) turn
   * into an identity; this server verifies the id_token itself. */
  if (token == NULL) {
    g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

    fc_field_errors_add (errors, "non_field_errors", "Incorrect input. id_token is required.");
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (strlen (token) > MAX_TOKEN ||
      !fc_jwt_split (token, &header, &payload, &signature, &signing_length)) {
    respond_refused (request, "it is not a JSON Web Token");
    return;
  }
  /* Only RS256: "none" and HS256 (keyed with the public key, the classic
   * confusion) are refused before any key is looked at. */
  alg = fc_json_get_string (header, "alg");
  if (g_strcmp0 (alg, "RS256") != 0) {
    respond_refused (request, "it is not signed with RS256");
    return;
  }
  kid = fc_json_get_string (header, "kid");
  if (kid == NULL || *kid == '\0' || strlen (kid) > 256 || fc_json_has_member (header, "crit")) {
    respond_refused (request, "its header names no key");
    return;
  }

  pending = g_new0 (Pending, 1);
  pending->request = fc_server_request_ref (request);
  pending->kid = g_strdup (kid);
  pending->token = g_strdup (token);
  pending->signing_length = signing_length;
  pending->signature = g_steal_pointer (&signature);
  pending->payload = g_steal_pointer (&payload);
  with_key (get_state (fc_server_request_get_server (request)), pending);
}
