/* fc-fake-oidc.c — a small OpenID provider (Google's part of it) for the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fc-fake-http.h"
#include "fc-fake-oidc.h"
#include "fc-json.h"

#define DISCOVERY_PATH "/.well-known/openid-configuration"
#define JWKS_PATH "/oauth2/v3/certs"
#define AUTHORIZE_PATH "/o/oauth2/v2/auth"
#define TOKEN_PATH "/token"
#define TOKEN_LIFETIME_S 3600

typedef struct {
  char             *kid;
  gnutls_privkey_t  key;
  char             *n;     /* base64url, as the JWK has them */
  char             *e;
} Key;

typedef struct {
  char *client_id;
  char *redirect_uri;
  char *challenge;
  char *sub;
  char *email;
  char *nonce;
} Grant;

struct _FcFakeOidc {
  FcFakeHttp   *http;
  const char   *issuer;     /* the server's URL */
  char         *client_id;
  Key          *foreign;

  GMutex        lock;       /* guards what follows */
  GPtrArray    *keys;       /* Key, published; the last is the current one */
  guint         max_age;
  guint         failure;
  guint         serial;
  GHashTable   *counts;     /* endpoint → GUINT */
  GHashTable   *grants;     /* code → Grant, until redeemed */
  FcFakeOidcConsent consent;
  char         *consent_sub;
  char         *consent_email;
};

static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return text;
}

static void
key_free (Key *key)
{
  g_free (key->kid);
  gnutls_privkey_deinit (key->key);
  g_free (key->n);
  g_free (key->e);
  g_free (key);
}

static void
grant_free (Grant *grant)
{
  g_free (grant->client_id);
  g_free (grant->redirect_uri);
  g_free (grant->challenge);
  g_free (grant->sub);
  g_free (grant->email);
  g_free (grant->nonce);
  g_free (grant);
}

static Key *
key_new (const char *kid)
{
  Key *key = g_new0 (Key, 1);
  gnutls_datum_t m = { NULL, 0 }, e = { NULL, 0 };

  key->kid = g_strdup (kid);
  g_assert_cmpint (gnutls_privkey_init (&key->key), ==, 0);
  g_assert_cmpint (gnutls_privkey_generate (key->key, GNUTLS_PK_RSA, 2048, 0), ==, 0);
  /* The JWK's n is the unsigned modulus: no leading zero byte. */
  g_assert_cmpint (gnutls_privkey_export_rsa_raw2 (key->key, &m, &e, NULL, NULL, NULL, NULL, NULL,
                                                   NULL, GNUTLS_EXPORT_FLAG_NO_LZ), ==, 0);
  key->n = base64url (m.data, m.size);
  key->e = base64url (e.data, e.size);
  gnutls_free (m.data);
  gnutls_free (e.data);
  return key;
}

static Key *
current_locked (FcFakeOidc *self)
{
  return g_ptr_array_index (self->keys, self->keys->len - 1);
}

static void
count_locked (FcFakeOidc *self,
              const char *endpoint)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, endpoint));

  g_hash_table_replace (self->counts, g_strdup (endpoint), GUINT_TO_POINTER (n + 1));
}

static void
respond_json (SoupServerMessage *message,
              guint              status,
              JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  char *text;

  json_node_set_object (node, object);
  text = json_to_string (node, FALSE);
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
}

/* RFC 6749 §5.2. */
static void
respond_oauth_error (SoupServerMessage *message,
                     guint              status,
                     const char        *error,
                     const char        *description)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "error", error);
  json_object_set_string_member (object, "error_description", description);
  respond_json (message, status, object);
}

static void
respond_text (SoupServerMessage *message,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/plain; charset=utf-8", SOUP_MEMORY_COPY, text,
                                    strlen (text));
}

static void
set_url_member (JsonObject *object,
                const char *member,
                const char *issuer,
                const char *path)
{
  g_autofree char *url = g_strconcat (issuer, path, NULL);

  json_object_set_string_member (object, member, url);
}

static JsonArray *
string_array (const char * const *values)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);
  return array;
}

/* Google's document, trimmed to what a client reads. */
static JsonObject *
discovery_document (FcFakeOidc *self)
{
  static const char * const types[] = { "code", NULL };
  static const char * const algs[] = { "RS256", NULL };
  static const char * const methods[] = { "plain", "S256", NULL };
  static const char * const scopes[] = { "openid", "email", "profile", NULL };
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "issuer", self->issuer);
  set_url_member (object, "authorization_endpoint", self->issuer, AUTHORIZE_PATH);
  set_url_member (object, "token_endpoint", self->issuer, TOKEN_PATH);
  set_url_member (object, "jwks_uri", self->issuer, JWKS_PATH);
  json_object_set_array_member (object, "response_types_supported", string_array (types));
  json_object_set_array_member (object, "id_token_signing_alg_values_supported", string_array (algs));
  json_object_set_array_member (object, "code_challenge_methods_supported", string_array (methods));
  json_object_set_array_member (object, "scopes_supported", string_array (scopes));
  return object;
}

static JsonObject *
jwks_locked (FcFakeOidc *self)
{
  JsonObject *object = json_object_new ();
  JsonArray *keys = json_array_new ();

  for (guint i = 0; i < self->keys->len; i++) {
    Key *key = g_ptr_array_index (self->keys, i);
    JsonObject *jwk = json_object_new ();

    json_object_set_string_member (jwk, "kty", "RSA");
    json_object_set_string_member (jwk, "use", "sig");
    json_object_set_string_member (jwk, "alg", "RS256");
    json_object_set_string_member (jwk, "kid", key->kid);
    json_object_set_string_member (jwk, "n", key->n);
    json_object_set_string_member (jwk, "e", key->e);
    json_array_add_object_element (keys, jwk);
  }
  json_object_set_array_member (object, "keys", keys);
  return object;
}

static char *
sign_locked (FcFakeOidc    *self,
             JsonObject    *claims,
             const char    *alg,
             const char    *kid,
             FcFakeOidcKey  which)
{
  Key *key = which == FC_FAKE_OIDC_KEY_FOREIGN ? self->foreign : current_locked (self);
  g_autoptr(JsonObject) header = json_object_new ();
  g_autoptr(JsonNode) header_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) claims_node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *header_text = NULL;
  g_autofree char *claims_text = NULL;
  g_autofree char *header64 = NULL;
  g_autofree char *claims64 = NULL;
  g_autofree char *input = NULL;
  g_autofree char *signature64 = NULL;

  json_object_set_string_member (header, "alg", alg);
  json_object_set_string_member (header, "kid", kid != NULL ? kid : current_locked (self)->kid);
  json_object_set_string_member (header, "typ", "JWT");
  json_node_set_object (header_node, header);
  json_node_set_object (claims_node, claims);
  header_text = json_to_string (header_node, FALSE);
  claims_text = json_to_string (claims_node, FALSE);
  header64 = base64url ((const guint8 *) header_text, strlen (header_text));
  claims64 = base64url ((const guint8 *) claims_text, strlen (claims_text));
  input = g_strconcat (header64, ".", claims64, NULL);

  if (g_str_equal (alg, "RS256")) {
    gnutls_datum_t data = { (unsigned char *) input, strlen (input) };
    gnutls_datum_t signature = { NULL, 0 };

    g_assert_cmpint (gnutls_privkey_sign_data (key->key, GNUTLS_DIG_SHA256, 0, &data, &signature),
                     ==, 0);
    signature64 = base64url (signature.data, signature.size);
    gnutls_free (signature.data);
  } else if (g_str_equal (alg, "HS256")) {
    guint8 digest[32];

    /* Keyed with what a verifier that trusts the header would use: the
     * public key. */
    g_assert_cmpint (gnutls_hmac_fast (GNUTLS_MAC_SHA256, key->n, strlen (key->n), input,
                                       strlen (input), digest), ==, 0);
    signature64 = base64url (digest, sizeof digest);
  } else {
    signature64 = g_strdup ("");
  }
  return g_strconcat (input, ".", signature64, NULL);
}

static JsonObject *
claims_locked (FcFakeOidc *self,
               const char *sub,
               const char *email)
{
  JsonObject *claims = json_object_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  json_object_set_string_member (claims, "iss", self->issuer);
  json_object_set_string_member (claims, "azp", self->client_id);
  json_object_set_string_member (claims, "aud", self->client_id);
  json_object_set_string_member (claims, "sub", sub);
  json_object_set_string_member (claims, "email", email);
  json_object_set_boolean_member (claims, "email_verified", TRUE);
  json_object_set_string_member (claims, "name", "Gina Google");
  json_object_set_string_member (claims, "given_name", "Gina");
  json_object_set_string_member (claims, "family_name", "Google");
  json_object_set_int_member (claims, "iat", now);
  json_object_set_int_member (claims, "exp", now + TOKEN_LIFETIME_S);
  return claims;
}

/* GET authorize: the consent screen, answered at once as scripted. */
static void
handle_authorize (FcFakeOidc        *self,
                  SoupServerMessage *message,
                  GHashTable        *query)
{
  const char *client_id = query != NULL ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query != NULL ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *response_type = query != NULL ? g_hash_table_lookup (query, "response_type") : NULL;
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *challenge = query != NULL ? g_hash_table_lookup (query, "code_challenge") : NULL;
  const char *method = query != NULL ? g_hash_table_lookup (query, "code_challenge_method") : NULL;
  const char *scope = query != NULL ? g_hash_table_lookup (query, "scope") : NULL;
  g_autoptr(GUri) redirect = redirect_uri != NULL ? g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL)
                                                  : NULL;
  g_autoptr(GString) location = NULL;
  g_autofree char *code = NULL;
  Grant *grant;

  /* Google shows its own error page for these: nothing goes back. */
  if (g_strcmp0 (client_id, self->client_id) != 0) {
    respond_text (message, 401, "Error 401: invalid_client");
    return;
  }
  if (redirect == NULL || g_strcmp0 (g_uri_get_scheme (redirect), "http") != 0 ||
      (g_strcmp0 (g_uri_get_host (redirect), "127.0.0.1") != 0 &&
       g_strcmp0 (g_uri_get_host (redirect), "[::1]") != 0 &&
       g_strcmp0 (g_uri_get_host (redirect), "::1") != 0)) {
    respond_text (message, 400, "Error 400: redirect_uri_mismatch");
    return;
  }
  location = g_string_new (redirect_uri);
  g_string_append_c (location, strchr (redirect_uri, '?') != NULL ? '&' : '?');
  if (g_strcmp0 (response_type, "code") != 0 || scope == NULL || strstr (scope, "openid") == NULL ||
      challenge == NULL || g_strcmp0 (method, "S256") != 0) {
    g_string_append (location, "error=invalid_request");
  } else if (self->consent == FC_FAKE_OIDC_CONSENT_DENY) {
    g_string_append (location, "error=access_denied");
  } else {
    code = g_strdup_printf ("4/0fake%08x%08x", g_random_int (), ++self->serial);
    grant = g_new0 (Grant, 1);
    grant->client_id = g_strdup (client_id);
    grant->redirect_uri = g_strdup (redirect_uri);
    grant->challenge = g_strdup (challenge);
    grant->sub = g_strdup (self->consent_sub);
    grant->email = g_strdup (self->consent_email);
    grant->nonce = g_strdup (g_hash_table_lookup (query, "nonce"));
    g_hash_table_replace (self->grants, g_strdup (code), grant);
    g_string_append (location, "code=");
    g_string_append_uri_escaped (location, code, NULL, FALSE);
    g_string_append (location, "&scope=openid%20email%20profile");
  }
  if (state != NULL) {
    g_string_append (location, "&state=");
    g_string_append_uri_escaped (location, state, NULL, FALSE);
  }
  soup_server_message_set_redirect (message, SOUP_STATUS_FOUND, location->str);
}

/* POST token: the authorization_code grant, PKCE S256 (RFC 7636 §4.6). */
static void
handle_token (FcFakeOidc        *self,
              SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GBytes) flat = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (flat, NULL), g_bytes_get_size (flat));
  g_autofree char *code = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *access_token = NULL;
  g_autoptr(JsonObject) claims = NULL;
  Grant *grant;
  const char *verifier;
  JsonObject *answer;
  guint8 digest[32];

  if (g_strcmp0 (soup_server_message_get_method (message), "POST") != 0) {
    respond_oauth_error (message, 405, "invalid_request", "POST only.");
    return;
  }
  form = soup_form_decode (text);
  if (g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "authorization_code") != 0) {
    respond_oauth_error (message, 400, "unsupported_grant_type", "Invalid grant_type.");
    return;
  }
  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), self->client_id) != 0) {
    respond_oauth_error (message, 401, "invalid_client", "The OAuth client was not found.");
    return;
  }
  /* A code is good once: looked up and removed in one go. */
  if (g_hash_table_lookup (form, "code") == NULL ||
      !g_hash_table_steal_extended (self->grants, g_hash_table_lookup (form, "code"),
                                    (gpointer *) &code, (gpointer *) &grant)) {
    respond_oauth_error (message, 400, "invalid_grant", "Malformed auth code.");
    return;
  }
  verifier = g_hash_table_lookup (form, "code_verifier");
  if (verifier != NULL) {
    g_assert_cmpint (gnutls_hash_fast (GNUTLS_DIG_SHA256, verifier, strlen (verifier), digest), ==, 0);
    expected = base64url (digest, sizeof digest);
  }
  if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), grant->redirect_uri) != 0) {
    respond_oauth_error (message, 400, "redirect_uri_mismatch", "Bad Request");
  } else if (verifier == NULL || strlen (verifier) < 43 || strlen (verifier) > 128 ||
             g_strcmp0 (expected, grant->challenge) != 0) {
    respond_oauth_error (message, 400, "invalid_grant", "Missing code verifier.");
  } else {
    claims = claims_locked (self, grant->sub, grant->email);
    if (grant->nonce != NULL)
      json_object_set_string_member (claims, "nonce", grant->nonce);
    id_token = sign_locked (self, claims, "RS256", NULL, FC_FAKE_OIDC_KEY_CURRENT);
    access_token = g_strdup_printf ("ya29.fake%08x", g_random_int ());
    answer = json_object_new ();
    json_object_set_string_member (answer, "access_token", access_token);
    json_object_set_int_member (answer, "expires_in", TOKEN_LIFETIME_S - 1);
    json_object_set_string_member (answer, "scope", "openid https://www.googleapis.com/auth/userinfo.email "
                                                    "https://www.googleapis.com/auth/userinfo.profile");
    json_object_set_string_member (answer, "token_type", "Bearer");
    json_object_set_string_member (answer, "id_token", id_token);
    respond_json (message, 200, answer);
    json_object_unref (answer);
  }
  grant_free (grant);
}

static void
handle_locked (FcFakeOidc        *self,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query)
{
  if (self->failure != 0) {
    respond_text (message, self->failure, "The service is unavailable.");
  } else if (g_str_equal (path, DISCOVERY_PATH)) {
    g_autoptr(JsonObject) document = discovery_document (self);

    soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                  "Cache-Control", "public, max-age=3600");
    respond_json (message, 200, document);
  } else if (g_str_equal (path, JWKS_PATH)) {
    g_autoptr(JsonObject) jwks = jwks_locked (self);
    g_autofree char *cache = g_strdup_printf ("public, max-age=%u, must-revalidate, no-transform",
                                              self->max_age);

    soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                  "Cache-Control", cache);
    respond_json (message, 200, jwks);
  } else if (g_str_equal (path, AUTHORIZE_PATH)) {
    handle_authorize (self, message, query);
  } else if (g_str_equal (path, TOKEN_PATH)) {
    handle_token (self, message);
  } else {
    respond_text (message, 404, "Not Found");
  }
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  FcFakeOidc *self = user_data;
  const char *endpoint = g_str_equal (path, DISCOVERY_PATH) ? "discovery"
                         : g_str_equal (path, JWKS_PATH) ? "jwks"
                         : g_str_equal (path, AUTHORIZE_PATH) ? "authorize"
                         : g_str_equal (path, TOKEN_PATH) ? "token" : "other";

  g_mutex_lock (&self->lock);
  count_locked (self, endpoint);
  handle_locked (self, message, path, query);
  g_mutex_unlock (&self->lock);
}

void
fc_fake_oidc_hold (FcFakeOidc *self,
                   gboolean    hold)
{
  fc_fake_http_hold (self->http, hold);
}

guint
fc_fake_oidc_held (FcFakeOidc *self)
{
  return fc_fake_http_held (self->http);
}

FcFakeOidc *
fc_fake_oidc_new (const char *client_id)
{
  FcFakeOidc *self = g_new0 (FcFakeOidc, 1);

  g_mutex_init (&self->lock);
  self->client_id = g_strdup (client_id);
  self->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) key_free);
  g_ptr_array_add (self->keys, key_new ("fake-key-1"));
  self->foreign = key_new ("fake-key-1");
  self->serial = 1;
  self->max_age = 3600;
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_free);
  self->consent_sub = g_strdup ("100000000000000000001");
  self->consent_email = g_strdup ("gina@fitcore.test");
  self->http = fc_fake_http_new ("fake-oidc", on_request_cb, self);
  self->issuer = fc_fake_http_get_url (self->http);
  return self;
}

void
fc_fake_oidc_free (FcFakeOidc *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->http, fc_fake_http_free);
  g_ptr_array_unref (self->keys);
  key_free (self->foreign);
  g_hash_table_unref (self->counts);
  g_hash_table_unref (self->grants);
  g_mutex_clear (&self->lock);
  g_free (self->client_id);
  g_free (self->consent_sub);
  g_free (self->consent_email);
  g_free (self);
}

const char *
fc_fake_oidc_get_issuer (FcFakeOidc *self)
{
  return self->issuer;
}

const char *
fc_fake_oidc_get_client_id (FcFakeOidc *self)
{
  return self->client_id;
}

void
fc_fake_oidc_set_jwks_max_age (FcFakeOidc *self,
                               guint       seconds)
{
  g_mutex_lock (&self->lock);
  self->max_age = seconds;
  g_mutex_unlock (&self->lock);
}

char *
fc_fake_oidc_rotate (FcFakeOidc *self,
                     gboolean    keep_old)
{
  Key *key;
  g_autofree char *kid = NULL;

  g_mutex_lock (&self->lock);
  kid = g_strdup_printf ("fake-key-%u", ++self->serial);
  g_mutex_unlock (&self->lock);
  /* Outside the lock: a key takes a while to make. */
  key = key_new (kid);
  g_mutex_lock (&self->lock);
  if (!keep_old)
    g_ptr_array_set_size (self->keys, 0);
  g_ptr_array_add (self->keys, key);
  g_mutex_unlock (&self->lock);
  return g_steal_pointer (&kid);
}

void
fc_fake_oidc_set_failure (FcFakeOidc *self,
                          guint       status)
{
  g_mutex_lock (&self->lock);
  self->failure = status;
  g_mutex_unlock (&self->lock);
}

guint
fc_fake_oidc_count (FcFakeOidc *self,
                    const char *endpoint)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, endpoint));
  g_mutex_unlock (&self->lock);
  return n;
}

JsonObject *
fc_fake_oidc_claims (FcFakeOidc *self,
                     const char *sub,
                     const char *email)
{
  JsonObject *claims;

  g_mutex_lock (&self->lock);
  claims = claims_locked (self, sub, email);
  g_mutex_unlock (&self->lock);
  return claims;
}

char *
fc_fake_oidc_sign (FcFakeOidc    *self,
                   JsonObject    *claims,
                   const char    *alg,
                   const char    *kid,
                   FcFakeOidcKey  key)
{
  char *token;

  g_mutex_lock (&self->lock);
  token = sign_locked (self, claims, alg, kid, key);
  g_mutex_unlock (&self->lock);
  return token;
}

void
fc_fake_oidc_set_consent (FcFakeOidc        *self,
                          FcFakeOidcConsent  consent,
                          const char        *sub,
                          const char        *email)
{
  g_mutex_lock (&self->lock);
  self->consent = consent;
  g_free (self->consent_sub);
  g_free (self->consent_email);
  self->consent_sub = g_strdup (sub);
  self->consent_email = g_strdup (email);
  g_mutex_unlock (&self->lock);
}
