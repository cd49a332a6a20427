/* fc-google-sign-in.c — "Continue with Google": the browser, a loopback redirect, PKCE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-google-sign-in"

#include "config.h"

#include "fc-google-sign-in.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/random.h>

#include "fc-api-client.h"
#include "fc-json.h"

#define REDIRECT_PATH     "/oauth2callback"
#define DEFAULT_TIMEOUT_S (5 * 60)
#define HTTP_TIMEOUT_S    30
/* RFC 7636 §4.1 asks for 43 to 128 characters: 32 bytes make 43. */
#define RANDOM_BYTES      32

struct _FcGoogleSignIn
{
  GObject       parent_instance;

  /* Configuration */
  char         *issuer;
  char         *client_id;
  char         *client_secret;
  guint         timeout_s;

  /* Owned */
  SoupSession  *http;

  /* The running flow; NULL between flows. Every callback checks that its
   * task is still this one, so a flow that ended (cancelled, timed out,
   * refused) ignores what comes late. */
  GTask        *task;
  FcSession    *session;
  char         *server_url;
  char         *token_endpoint;
  SoupServer   *listener;
  char         *redirect_uri;
  char         *state;
  char         *verifier;
  guint         timeout_id;
  GSource      *cancel_source;
  FcApiProblem *problem;
};

G_DEFINE_FINAL_TYPE (FcGoogleSignIn, fc_google_sign_in, G_TYPE_OBJECT)
G_DEFINE_QUARK (fc-google-sign-in-error-quark, fc_google_sign_in_error)

enum {
  PROP_0,
  PROP_ISSUER,
  PROP_CLIENT_ID,
  PROP_CLIENT_SECRET,
  PROP_TIMEOUT,
  N_PROPS
};

enum {
  OPEN_URI,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Helpers */

static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *padding = strchr (text, '=');

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  if (padding != NULL)
    *padding = '\0';
  return text;
}

/* g_random_* is a Mersenne Twister seeded from the clock: anyone who can
 * guess its seed could forge `state` or steal the code. getrandom(2) reads
 * the kernel's CSPRNG (no library needed: linking GnuTLS for this one call
 * cost every start of the app its loading). */
static char *
random_token (GError **error)
{
  guint8 bytes[RANDOM_BYTES];
  gsize filled = 0;

  while (filled < sizeof bytes) {
    ssize_t got = getrandom (bytes + filled, sizeof bytes - filled, 0);

    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot start signing in with Google: %s"), g_strerror (saved));
      return NULL;
    }
    filled += (gsize) got;
  }
  return base64url (bytes, sizeof bytes);
}

static char *
pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  return base64url (digest, length);
}

/* The provider's endpoints must be https, or http on this computer (a test
 * provider): a code or an id_token must never cross the network in clear. */
static gboolean
endpoint_is_safe (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  host = g_uri_get_host (uri);
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
         (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") ||
          g_ascii_strcasecmp (host, "localhost") == 0);
}

static void
respond_page (SoupServerMessage *message,
              guint              status,
              const char        *title,
              const char        *text)
{
  g_autofree char *safe_title = g_markup_escape_text (title, -1);
  g_autofree char *safe_text = g_markup_escape_text (text, -1);
  g_autofree char *page = NULL;

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                          "<title>%s</title><style>body{font-family:sans-serif;"
                          "max-width:32em;margin:4em auto;padding:0 1em;line-height:1.5}"
                          "@media (prefers-color-scheme:dark){body{background:#242424;"
                          "color:#fff}}</style></head><body><h1>%s</h1><p>%s</p></body></html>\n",
                          safe_title, safe_title, safe_text);
  soup_server_message_set_status (message, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

static gboolean
disconnect_listener_cb (gpointer user_data)
{
  g_autoptr(SoupServer) listener = user_data;

  soup_server_disconnect (listener);
  return G_SOURCE_REMOVE;
}

static void
on_last_answer_finished_cb (SoupServerMessage *message,
                            gpointer           user_data)
{
  g_idle_add (disconnect_listener_cb, user_data);
}

/* Closes the loopback port: at once, or once @answering (the browser's
 * redirect) has had its page, since disconnecting closes its connection
 * too. */
static void
close_listener (FcGoogleSignIn    *self,
                SoupServerMessage *answering)
{
  SoupServer *listener = g_steal_pointer (&self->listener);

  g_clear_pointer (&self->redirect_uri, g_free);
  if (listener == NULL)
    return;
  /* Requests that still come find no handler (404), never this flow. */
  soup_server_remove_handler (listener, REDIRECT_PATH);
  if (answering != NULL)
    g_signal_connect (answering, "finished", G_CALLBACK (on_last_answer_finished_cb), listener);
  else
    disconnect_listener_cb (listener);
}

/* Ends the flow's waiting part: no more timeout, cancel watch or listener. */
static void
stop_waiting (FcGoogleSignIn    *self,
              SoupServerMessage *answering)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancel_source != NULL) {
    g_source_destroy (self->cancel_source);
    g_clear_pointer (&self->cancel_source, g_source_unref);
  }
  close_listener (self, answering);
}

static void
flow_clear (FcGoogleSignIn *self)
{
  stop_waiting (self, NULL);
  g_clear_object (&self->session);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->token_endpoint, g_free);
  g_clear_pointer (&self->state, g_free);
  g_clear_pointer (&self->verifier, g_free);
}

static void
flow_return_error (FcGoogleSignIn *self,
                   GError         *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  flow_clear (self);
  g_task_return_error (task, error);
}

static void
flow_return_success (FcGoogleSignIn *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  flow_clear (self);
  g_task_return_boolean (task, TRUE);
}

/* Steps, in order */

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcGoogleSignIn *self = g_task_get_source_object (task);
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  if (fc_session_sign_in_with_google_finish (FC_SESSION (source), result, &problem, &error)) {
    if (self->task == task)
      flow_return_success (self);
    return;
  }
  if (self->task != task)
    return;

  status = problem != NULL ? fc_api_problem_get_status (problem) : 0;
  if (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND) || status == 404 ||
      status == 501) {
    /* Django without allauth's Google app, or fitcore-server without a
     * client id: not a failure of this sign-in, a server without it. */
    g_clear_error (&error);
    g_set_error_literal (&error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_UNSUPPORTED,
                         _("This server does not offer signing in with Google. Sign in with your "
                           "e-mail address and password instead."));
  } else {
    g_clear_pointer (&self->problem, fc_api_problem_unref);
    self->problem = g_steal_pointer (&problem);
  }
  flow_return_error (self, g_steal_pointer (&error));
}

static GError *
provider_error (JsonObject *answer,
                guint       status)
{
  const char *code = answer != NULL ? fc_json_get_string (answer, "error") : NULL;
  const char *description = answer != NULL ? fc_json_get_string (answer, "error_description")
                                           : NULL;

  if (code != NULL && description != NULL && *description != '\0')
    /* Translators: the first %s is an OAuth error code such as
     * "invalid_grant", the second the provider's explanation. */
    return g_error_new (FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_PROVIDER,
                        _("Google did not accept the sign-in (%s: %s). Try again."),
                        code, description);
  if (code != NULL)
    return g_error_new (FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_PROVIDER,
                        _("Google did not accept the sign-in (%s). Try again."), code);
  return g_error_new (FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_PROVIDER,
                      _("Google’s sign-in service answered with an error (HTTP %u). Try again "
                        "later."), status);
}

/* A failed request to the provider, in the user's words. */
static GError *
provider_unreachable (GError *error)
{
  GError *wrapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  wrapped = g_error_new (FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_PROVIDER,
                         _("Google’s sign-in service could not be reached: %s"), error->message);
  g_error_free (error);
  return wrapped;
}

static void
on_token_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcGoogleSignIn *self = g_task_get_source_object (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  const char *id_token;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (self->task != task)
    return;
  if (body == NULL) {
    flow_return_error (self, provider_unreachable (g_steal_pointer (&error)));
    return;
  }
  status = soup_message_get_status (message);
  answer = fc_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  id_token = answer != NULL ? fc_json_get_string (answer, "id_token") : NULL;
  if (status != SOUP_STATUS_OK || id_token == NULL || *id_token == '\0') {
    flow_return_error (self, provider_error (answer, status));
    return;
  }

  /* The id_token goes only to the FitCore server, which checks it. */
  cancellable = g_task_get_cancellable (task);
  fc_session_sign_in_with_google_async (self->session, self->server_url, id_token, cancellable,
                                        on_signed_in_cb, g_steal_pointer (&task));
}

static void
exchange_code (FcGoogleSignIn *self,
               const char     *code)
{
  g_autoptr(SoupMessage) message = NULL;
  char *encoded;

  if (self->client_secret != NULL && *self->client_secret != '\0')
    encoded = soup_form_encode ("grant_type", "authorization_code", "code", code,
                                "redirect_uri", self->redirect_uri, "client_id", self->client_id,
                                "code_verifier", self->verifier,
                                "client_secret", self->client_secret, NULL);
  else
    encoded = soup_form_encode ("grant_type", "authorization_code", "code", code,
                                "redirect_uri", self->redirect_uri, "client_id", self->client_id,
                                "code_verifier", self->verifier, NULL);
  message = soup_message_new_from_encoded_form ("POST", self->token_endpoint, encoded);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/json");
  soup_session_send_and_read_async (self->http, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (self->task), on_token_cb,
                                    g_object_ref (self->task));
}

/* The browser's redirect to http://127.0.0.1:PORT/oauth2callback. */
static void
on_redirect_cb (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  FcGoogleSignIn *self = user_data;
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  const char *oauth_error = query != NULL ? g_hash_table_lookup (query, "error") : NULL;
  g_autofree char *code_copy = NULL;

  if (self->task == NULL || server != self->listener) {
    respond_page (message, 410, _("This Sign-In Has Ended"),
                  _("Start again from FitCore if you still want to sign in."));
    return;
  }
  if (g_strcmp0 (soup_server_message_get_method (message), "GET") != 0) {
    soup_server_message_set_status (message, 405, NULL);
    return;
  }

  /* A redirect without our state did not come from the sign-in we
   * started: a page (or another program) is trying to slip its own code
   * in. Nothing of it is used. */
  if (state == NULL || self->state == NULL || strlen (state) != strlen (self->state) ||
      !g_str_equal (state, self->state)) {
    respond_page (message, 400, _("Sign-In Refused"),
                  _("This answer does not belong to the sign-in FitCore started, so FitCore "
                    "ignored it. You can close this tab."));
    stop_waiting (self, message);
    flow_return_error (self, g_error_new_literal (FC_GOOGLE_SIGN_IN_ERROR,
                                                  FC_GOOGLE_SIGN_IN_ERROR_STATE,
                                                  _("The browser’s answer did not belong to this "
                                                    "sign-in, so FitCore refused it. Try "
                                                    "again.")));
    return;
  }

  if (oauth_error != NULL || code == NULL || *code == '\0') {
    GError *error;

    if (g_strcmp0 (oauth_error, "access_denied") == 0) {
      respond_page (message, 200, _("Sign-In Cancelled"),
                    _("You can close this tab and return to FitCore."));
      error = g_error_new_literal (FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_CANCELLED,
                                   _("Signing in with Google was cancelled in the browser."));
    } else {
      g_autoptr(JsonObject) answer = json_object_new ();

      json_object_set_string_member (answer, "error", oauth_error != NULL ? oauth_error
                                                                          : "no_code");
      if (g_hash_table_lookup (query, "error_description") != NULL)
        json_object_set_string_member (answer, "error_description",
                                       g_hash_table_lookup (query, "error_description"));
      respond_page (message, 200, _("Sign-In Failed"),
                    _("Google did not sign you in. You can close this tab and return to "
                      "FitCore."));
      error = provider_error (answer, 0);
    }
    stop_waiting (self, message);
    flow_return_error (self, error);
    return;
  }

  respond_page (message, 200, _("Signed In to Google"),
                _("You can close this tab and return to FitCore."));
  code_copy = g_strdup (code);
  /* The redirect_uri is sent again with the code: keep it past the
   * listener. */
  {
    g_autofree char *redirect_uri = g_strdup (self->redirect_uri);

    stop_waiting (self, message);
    self->redirect_uri = g_steal_pointer (&redirect_uri);
  }
  exchange_code (self, code_copy);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  FcGoogleSignIn *self = user_data;

  self->timeout_id = 0;
  flow_return_error (self, g_error_new_literal (FC_GOOGLE_SIGN_IN_ERROR,
                                                FC_GOOGLE_SIGN_IN_ERROR_TIMEOUT,
                                                _("Signing in with Google took too long. Try "
                                                  "again.")));
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  FcGoogleSignIn *self = user_data;

  g_clear_pointer (&self->cancel_source, g_source_unref);
  flow_return_error (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                _("Signing in with Google was cancelled.")));
  return G_SOURCE_REMOVE;
}

static void
on_browser_launched_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcGoogleSignIn *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error) || self->task != task)
    return;
  g_debug ("No browser for the Google sign-in: %s", error->message);
  flow_return_error (self, g_error_new (FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_BROWSER,
                                        _("No web browser could be opened for signing in with "
                                          "Google: %s"), error->message));
}

static gboolean
fc_google_sign_in_real_open_uri (FcGoogleSignIn *self,
                                 const char     *uri)
{
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, on_browser_launched_cb,
                                           g_object_ref (self->task));
  return TRUE;
}

static gboolean
start_listening (FcGoogleSignIn  *self,
                 GError         **error)
{
  g_autoptr(SoupServer) listener = soup_server_new ("server-header", NULL, NULL);
  GSList *uris;
  guint port;

  if (!soup_server_listen_local (listener, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;
  uris = soup_server_get_uris (listener);
  port = uris != NULL ? g_uri_get_port (uris->data) : 0;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (port == 0) {
    soup_server_disconnect (listener);
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         _("Cannot wait for the browser’s answer on this computer."));
    return FALSE;
  }
  soup_server_add_handler (listener, REDIRECT_PATH, on_redirect_cb, self, NULL);
  self->listener = g_steal_pointer (&listener);
  /* RFC 8252 §7.3: the loopback IP literal, not "localhost", which a
   * resolver or a firewall could send elsewhere. */
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u" REDIRECT_PATH, port);
  return TRUE;
}

static char *
authorization_uri (FcGoogleSignIn *self,
                   const char     *endpoint)
{
  g_autofree char *challenge = pkce_challenge (self->verifier);
  const char *params[] = {
    "response_type", "code",
    "client_id", self->client_id,
    "redirect_uri", self->redirect_uri,
    "scope", "openid email profile",
    "state", self->state,
    "code_challenge", challenge,
    "code_challenge_method", "S256",
    /* Let the user pick the account, even with one signed in already. */
    "prompt", "select_account",
  };
  GString *uri = g_string_new (endpoint);

  for (guint i = 0; i < G_N_ELEMENTS (params); i += 2) {
    g_string_append_c (uri, i == 0 && strchr (endpoint, '?') == NULL ? '?' : '&');
    g_string_append (uri, params[i]);
    g_string_append_c (uri, '=');
    g_string_append_uri_escaped (uri, params[i + 1], NULL, FALSE);
  }
  return g_string_free (uri, FALSE);
}

static void
on_discovery_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcGoogleSignIn *self = g_task_get_source_object (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  const char *issuer, *authorize, *token;
  gboolean handled = FALSE;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (self->task != task)
    return;
  if (body == NULL) {
    flow_return_error (self, provider_unreachable (g_steal_pointer (&error)));
    return;
  }
  if (soup_message_get_status (message) != SOUP_STATUS_OK) {
    flow_return_error (self, provider_error (NULL, soup_message_get_status (message)));
    return;
  }
  document = fc_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  issuer = document != NULL ? fc_json_get_string (document, "issuer") : NULL;
  authorize = document != NULL ? fc_json_get_string (document, "authorization_endpoint") : NULL;
  token = document != NULL ? fc_json_get_string (document, "token_endpoint") : NULL;
  /* OpenID Connect Discovery §4.3: the document is the issuer's own. */
  if (g_strcmp0 (issuer, self->issuer) != 0 || !endpoint_is_safe (authorize) ||
      !endpoint_is_safe (token)) {
    g_debug ("Discovery at %s: issuer %s, endpoints %s %s", self->issuer, issuer, authorize,
             token);
    flow_return_error (self, g_error_new_literal (FC_GOOGLE_SIGN_IN_ERROR,
                                                  FC_GOOGLE_SIGN_IN_ERROR_PROVIDER,
                                                  _("Google’s sign-in service answered "
                                                    "something unexpected. Try again later.")));
    return;
  }
  self->token_endpoint = g_strdup (token);

  self->state = random_token (&error);
  self->verifier = self->state != NULL ? random_token (&error) : NULL;
  if (self->verifier == NULL || !start_listening (self, &error)) {
    flow_return_error (self, g_steal_pointer (&error));
    return;
  }

  self->timeout_id = g_timeout_add_seconds (self->timeout_s, on_timeout_cb, self);
  if (cancellable != NULL) {
    self->cancel_source = g_cancellable_source_new (cancellable);
    g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_cancelled_cb), self, NULL);
    g_source_attach (self->cancel_source, g_main_context_get_thread_default ());
  }

  uri = authorization_uri (self, authorize);
  g_signal_emit (self, signals[OPEN_URI], 0, uri, &handled);
  if (!handled && self->task == task)
    flow_return_error (self, g_error_new_literal (FC_GOOGLE_SIGN_IN_ERROR,
                                                  FC_GOOGLE_SIGN_IN_ERROR_BROWSER,
                                                  _("No web browser could be opened for signing "
                                                    "in with Google.")));
}

/* GObject */

static void
fc_google_sign_in_dispose (GObject *object)
{
  FcGoogleSignIn *self = (FcGoogleSignIn *) object;

  /* A running flow holds a reference on self through its task: dispose
   * runs only between flows. */
  g_assert (self->task == NULL);
  flow_clear (self);
  if (self->http != NULL)
    soup_session_abort (self->http);
  g_clear_object (&self->http);
  g_clear_pointer (&self->problem, fc_api_problem_unref);

  G_OBJECT_CLASS (fc_google_sign_in_parent_class)->dispose (object);
}

static void
fc_google_sign_in_finalize (GObject *object)
{
  FcGoogleSignIn *self = (FcGoogleSignIn *) object;

  g_free (self->issuer);
  g_free (self->client_id);
  g_free (self->client_secret);

  G_OBJECT_CLASS (fc_google_sign_in_parent_class)->finalize (object);
}

static void
fc_google_sign_in_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FcGoogleSignIn *self = FC_GOOGLE_SIGN_IN (object);

  switch (prop_id) {
  case PROP_ISSUER:
    g_value_set_string (value, self->issuer);
    break;
  case PROP_CLIENT_ID:
    g_value_set_string (value, self->client_id);
    break;
  case PROP_CLIENT_SECRET:
    g_value_set_string (value, self->client_secret);
    break;
  case PROP_TIMEOUT:
    g_value_set_uint (value, self->timeout_s);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_google_sign_in_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FcGoogleSignIn *self = FC_GOOGLE_SIGN_IN (object);
  const char *text;

  switch (prop_id) {
  case PROP_ISSUER:
    text = g_value_get_string (value);
    g_free (self->issuer);
    self->issuer = g_strdup (text != NULL && *text != '\0' ? text
                                                           : FC_GOOGLE_SIGN_IN_DEFAULT_ISSUER);
    break;
  case PROP_CLIENT_ID:
    g_free (self->client_id);
    self->client_id = g_strdup (g_value_get_string (value) ? g_value_get_string (value) : "");
    break;
  case PROP_CLIENT_SECRET:
    g_free (self->client_secret);
    self->client_secret = g_value_dup_string (value);
    break;
  case PROP_TIMEOUT:
    self->timeout_s = g_value_get_uint (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_google_sign_in_class_init (FcGoogleSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_google_sign_in_dispose;
  object_class->finalize = fc_google_sign_in_finalize;
  object_class->get_property = fc_google_sign_in_get_property;
  object_class->set_property = fc_google_sign_in_set_property;

  properties[PROP_ISSUER] =
    g_param_spec_string ("issuer", NULL, NULL, FC_GOOGLE_SIGN_IN_DEFAULT_ISSUER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_SECRET] =
    g_param_spec_string ("client-secret", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* How long the browser has, in seconds. */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, DEFAULT_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPEN_URI] =
    g_signal_new_class_handler ("open-uri", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                G_CALLBACK (fc_google_sign_in_real_open_uri),
                                g_signal_accumulator_true_handled, NULL, NULL,
                                G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
}

static void
fc_google_sign_in_init (FcGoogleSignIn *self)
{
  self->http = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S,
                                              "user-agent", "FitCore/" PACKAGE_VERSION " ",
                                              NULL);
}

/* Public API */

FcGoogleSignIn *
fc_google_sign_in_new (const char *issuer,
                       const char *client_id,
                       const char *client_secret)
{
  return g_object_new (FC_TYPE_GOOGLE_SIGN_IN,
                       "issuer", issuer,
                       "client-id", client_id,
                       "client-secret", client_secret,
                       NULL);
}

const char *
fc_google_sign_in_get_issuer (FcGoogleSignIn *self)
{
  g_return_val_if_fail (FC_IS_GOOGLE_SIGN_IN (self), NULL);

  return self->issuer;
}

gboolean
fc_google_sign_in_is_configured (FcGoogleSignIn *self)
{
  g_return_val_if_fail (FC_IS_GOOGLE_SIGN_IN (self), FALSE);

  return self->client_id != NULL && *self->client_id != '\0';
}

const char *
fc_google_sign_in_get_redirect_uri (FcGoogleSignIn *self)
{
  g_return_val_if_fail (FC_IS_GOOGLE_SIGN_IN (self), NULL);

  return self->listener != NULL ? self->redirect_uri : NULL;
}

void
fc_google_sign_in_run_async (FcGoogleSignIn      *self,
                             FcSession           *session,
                             const char          *server_url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *discovery = NULL;

  g_return_if_fail (FC_IS_GOOGLE_SIGN_IN (self));
  g_return_if_fail (FC_IS_SESSION (session));
  g_return_if_fail (server_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_google_sign_in_run_async);

  if (self->task != NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                             _("Signing in with Google has already started."));
    return;
  }
  if (!fc_google_sign_in_is_configured (self)) {
    g_task_return_new_error (task, FC_GOOGLE_SIGN_IN_ERROR,
                             FC_GOOGLE_SIGN_IN_ERROR_NOT_CONFIGURED,
                             _("Signing in with Google is not set up in this copy of FitCore."));
    return;
  }
  discovery = g_strconcat (self->issuer, g_str_has_suffix (self->issuer, "/") ? "" : "/",
                           ".well-known/openid-configuration", NULL);
  message = endpoint_is_safe (discovery) ? soup_message_new ("GET", discovery) : NULL;
  if (message == NULL) {
    g_task_return_new_error (task, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_PROVIDER,
                             _("The Google sign-in address “%s” is not a secure web address."),
                             self->issuer);
    return;
  }

  g_clear_pointer (&self->problem, fc_api_problem_unref);
  self->task = g_object_ref (task);
  self->session = g_object_ref (session);
  self->server_url = g_strdup (server_url);
  soup_session_send_and_read_async (self->http, message, G_PRIORITY_DEFAULT, cancellable,
                                    on_discovery_cb, g_steal_pointer (&task));
}

gboolean
fc_google_sign_in_run_finish (FcGoogleSignIn  *self,
                              GAsyncResult    *result,
                              FcApiProblem   **problem,
                              GError         **error)
{
  g_return_val_if_fail (FC_IS_GOOGLE_SIGN_IN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (problem != NULL)
    *problem = self->problem != NULL ? fc_api_problem_ref (self->problem) : NULL;
  return g_task_propagate_boolean (G_TASK (result), error);
}
