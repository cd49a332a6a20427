/* test-google-sign-in.c — "Continue with Google" against the real server and the fake provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcGoogleSignIn drives the whole flow: discovery, the loopback listener,
 * state and PKCE, the token exchange, and FcSession's auth/google/login/
 * on the real fitcore-server, configured with the fake OpenID provider of
 * tests/lib/fc-fake-oidc.c. The "browser" is a ::open-uri handler here: a
 * SoupSession that asks the fake's authorize endpoint (the scripted user
 * consents or cancels) and follows its redirect to the app's port, as a
 * browser does, sometimes with the state changed.
 */

#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fc-fake-oidc.h"
#include "fc-google-sign-in.h"
#include "sync-test-util.h"

#define CLIENT_ID "123456789012-fakefitcore.apps.googleusercontent.com"
#define SUB       "104872340000000000042"
#define EMAIL     "gina.google@fitcore.test"

typedef enum {
  BROWSER_FOLLOW,        /* consent (as scripted) and follow the redirect */
  BROWSER_TAMPER_STATE,  /* follow it with another state */
  BROWSER_IDLE,          /* the user never answers */
  BROWSER_BREAK_TOKEN,   /* the provider fails once the redirect is given */
} BrowserMode;

typedef struct {
  FcFakeOidc   *oidc;
  FcTestServer *server;
  char         *url;
  SoupSession  *browser;
  BrowserMode   mode;
  char         *opened;         /* the authorization URL the app opened */
  char         *redirect_uri;   /* the app's loopback address while it waited */
  guint         page_status;    /* what the app's port answered the browser */
  char         *page;
  gboolean      browser_done;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *server_client_id = data;
  g_autofree char *config = NULL;

  fixture->oidc = fc_fake_oidc_new (CLIENT_ID);
  fc_fake_oidc_set_consent (fixture->oidc, FC_FAKE_OIDC_CONSENT_ALLOW, SUB, EMAIL);
  if (server_client_id != NULL && *server_client_id != '\0')
    config = g_strdup_printf (SYNC_TEST_CONFIG "google_client_id=%s\ngoogle_issuer=%s\n",
                              server_client_id, fc_fake_oidc_get_issuer (fixture->oidc));
  else
    config = g_strdup (SYNC_TEST_CONFIG);
  fixture->server = fc_test_server_start (config, NULL);
  fixture->url = sync_test_url (fixture->server);
  fixture->browser = soup_session_new_with_options ("timeout", 30, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_cmpint (fc_test_server_stop (fixture->server), ==, 0);
  fc_test_server_free (fixture->server);
  fc_fake_oidc_free (fixture->oidc);
  g_object_unref (fixture->browser);
  g_free (fixture->url);
  g_free (fixture->opened);
  g_free (fixture->redirect_uri);
  g_free (fixture->page);
}

/* The browser */

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *fixture = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  fixture->page_status = soup_message_get_status (message);
  fixture->page = body != NULL ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body))
                               : NULL;
  fixture->browser_done = TRUE;
}

static char *
replace_state (const char *location)
{
  g_autoptr(GUri) uri = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) query = soup_form_decode (g_uri_get_query (uri));
  g_autofree char *encoded = NULL;
  g_autoptr(GUri) tampered = NULL;

  g_assert_nonnull (g_hash_table_lookup (query, "state"));
  g_hash_table_replace (query, g_strdup ("state"), g_strdup ("forged-by-another-page"));
  encoded = soup_form_encode_hash (query);
  tampered = soup_uri_copy (uri, SOUP_URI_QUERY, encoded, SOUP_URI_NONE);
  return g_uri_to_string (tampered);
}

static void
on_consent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Fixture *fixture = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  g_autofree char *target = NULL;
  g_autoptr(SoupMessage) follow = NULL;
  const char *location;

  g_assert_cmpuint (soup_message_get_status (message), ==, SOUP_STATUS_FOUND);
  location = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                           "Location");
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, fixture->redirect_uri));
  target = fixture->mode == BROWSER_TAMPER_STATE ? replace_state (location) : g_strdup (location);
  if (fixture->mode == BROWSER_BREAK_TOKEN)
    fc_fake_oidc_set_failure (fixture->oidc, 500);
  follow = soup_message_new ("GET", target);
  soup_session_send_and_read_async (fixture->browser, follow, G_PRIORITY_DEFAULT, NULL,
                                    on_page_cb, fixture);
}

static gboolean
on_open_uri_cb (FcGoogleSignIn *google,
                const char     *uri,
                gpointer        user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(SoupMessage) message = NULL;

  g_assert_null (fixture->opened);
  fixture->opened = g_strdup (uri);
  fixture->redirect_uri = g_strdup (fc_google_sign_in_get_redirect_uri (google));
  g_assert_nonnull (fixture->redirect_uri);
  if (fixture->mode == BROWSER_IDLE)
    return TRUE;

  message = soup_message_new ("GET", uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (fixture->browser, message, G_PRIORITY_DEFAULT, NULL,
                                    on_consent_cb, fixture);
  return TRUE;
}

/* Helpers */

static FcGoogleSignIn *
google_new (Fixture *fixture)
{
  FcGoogleSignIn *google = fc_google_sign_in_new (fc_fake_oidc_get_issuer (fixture->oidc),
                                                  CLIENT_ID, NULL);

  g_signal_connect (google, "open-uri", G_CALLBACK (on_open_uri_cb), fixture);
  return google;
}

static gboolean
run (FcGoogleSignIn  *google,
     FcSession       *session,
     const char      *url,
     GCancellable    *cancellable,
     FcApiProblem   **problem,
     GError         **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_google_sign_in_run_async (google, session, url, cancellable, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  return fc_google_sign_in_run_finish (google, result, problem, error);
}

/* Nothing listens on @redirect_uri's port any more. */
static void
assert_port_closed (const char *redirect_uri)
{
  g_autoptr(GUri) uri = g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (uri);
  /* The page the browser got may still be closing its connection. */
  for (guint i = 0; i < 50; i++) {
    g_clear_object (&connection);
    g_clear_error (&error);
    connection = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL,
                                                  &error);
    if (connection == NULL)
      break;
    sync_test_sleep (100);
  }
  g_assert_null (connection);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
wait_browser (Fixture *fixture)
{
  g_assert_true (sync_test_wait_until (&fixture->browser_done, 60));
}

/* Tests */

/* The user consents: the session is signed in as the Google account, whose
 * FitCore account the server made; the tokens outlive the session (a new
 * one restores them from the Secret Service); the authorization URL had
 * PKCE S256 and a state of CSPRNG length; the port is closed. */
static void
test_consent (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcSession) restored = fc_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) opened = NULL;
  g_autoptr(GHashTable) query = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fixture->mode = BROWSER_FOLLOW;
  g_assert_true (run (google, session, fixture->url, NULL, NULL, &error));
  g_assert_no_error (error);
  wait_browser (fixture);

  g_assert_cmpint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_IN);
  g_assert_cmpstr (fc_session_get_account (session), ==, EMAIL);
  g_assert_cmpint (sync_test_server_count (fixture->server,
                                           "SELECT count(*) FROM users WHERE email = ?1", EMAIL),
                   ==, 1);
  g_assert_cmpint (sync_test_server_count (fixture->server,
                                           "SELECT count(*) FROM social_accounts WHERE "
                                           "provider = 'google' AND uid = ?1", SUB), ==, 1);
  g_assert_cmpuint (fixture->page_status, ==, 200);
  g_assert_nonnull (strstr (fixture->page, "close this tab"));
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "token"), ==, 1);

  opened = g_uri_parse (fixture->opened, G_URI_FLAGS_ENCODED_QUERY, NULL);
  query = soup_form_decode (g_uri_get_query (opened));
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpuint (strlen (g_hash_table_lookup (query, "code_challenge")), ==, 43);
  g_assert_cmpuint (strlen (g_hash_table_lookup (query, "state")), ==, 43);
  g_assert_cmpstr (g_hash_table_lookup (query, "redirect_uri"), ==, fixture->redirect_uri);
  g_assert_true (g_str_has_prefix (fixture->redirect_uri, "http://127.0.0.1:"));
  g_assert_null (fc_google_sign_in_get_redirect_uri (google));
  assert_port_closed (fixture->redirect_uri);

  /* As after a password sign-in, the tokens are in the Secret Service. */
  fc_session_restore_async (restored, fixture->url, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_session_restore_finish (restored, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fc_session_get_account (restored), ==, EMAIL);
}

/* Cancel in the browser: a clear error, signed out, nothing exchanged. */
static void
test_cancel_in_browser (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;

  fc_fake_oidc_set_consent (fixture->oidc, FC_FAKE_OIDC_CONSENT_DENY, SUB, EMAIL);
  fixture->mode = BROWSER_FOLLOW;
  g_assert_false (run (google, session, fixture->url, NULL, NULL, &error));
  g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "cancelled"));
  wait_browser (fixture);
  g_assert_cmpuint (fixture->page_status, ==, 200);
  g_assert_nonnull (strstr (fixture->page, "Sign-In Cancelled"));
  g_assert_cmpint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "token"), ==, 0);
  assert_port_closed (fixture->redirect_uri);
}

/* A redirect whose state is not the flow's is refused: its code is never
 * exchanged. */
static void
test_state_mismatch (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;

  fixture->mode = BROWSER_TAMPER_STATE;
  g_assert_false (run (google, session, fixture->url, NULL, NULL, &error));
  g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_STATE);
  wait_browser (fixture);
  g_assert_cmpuint (fixture->page_status, ==, 400);
  g_assert_cmpint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "token"), ==, 0);
  g_assert_cmpint (sync_test_server_count (fixture->server,
                                           "SELECT count(*) FROM users WHERE email = ?1", EMAIL),
                   ==, 0);
  assert_port_closed (fixture->redirect_uri);
}

/* The app's Cancel while the browser is open closes the port at once. */
static void
test_app_cancel (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fixture->mode = BROWSER_IDLE;
  fc_google_sign_in_run_async (google, session, fixture->url, cancellable, sync_test_done_cb,
                               &slot);
  while (fixture->opened == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (fc_google_sign_in_get_redirect_uri (google));
  g_cancellable_cancel (cancellable);
  result = sync_test_wait (&slot);
  g_assert_false (fc_google_sign_in_run_finish (google, result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (fc_google_sign_in_get_redirect_uri (google));
  assert_port_closed (fixture->redirect_uri);
  g_assert_cmpint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
}

/* Nobody answers in the browser: the flow ends at its timeout. */
static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;

  g_object_set (google, "timeout", 1, NULL);
  fixture->mode = BROWSER_IDLE;
  g_assert_false (run (google, session, fixture->url, NULL, NULL, &error));
  g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_TIMEOUT);
  assert_port_closed (fixture->redirect_uri);
}

/* The token endpoint fails: the provider's error, signed out. */
static void
test_provider_error (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;

  fixture->mode = BROWSER_BREAK_TOKEN;
  g_assert_false (run (google, session, fixture->url, NULL, NULL, &error));
  g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "500"));
  g_assert_cmpint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
}

/* The server expects another client id: it refuses the token in its own
 * words (400 non_field_errors), which reach the caller. */
static void
test_server_refuses (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  fixture->mode = BROWSER_FOLLOW;
  g_assert_false (run (google, session, fixture->url, NULL, &problem, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (problem);
  g_assert_cmpuint (fc_api_problem_get_status (problem), ==, 400);
  message = fc_api_problem_dup_message (problem);
  g_assert_nonnull (strstr (message, "The Google sign-in was refused: it was issued to another "
                                     "application"));
  g_assert_cmpint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "token"), ==, 1);
}

/* A server without Google sign-in (501) is told apart from a refusal. */
static void
test_unsupported (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;

  fixture->mode = BROWSER_FOLLOW;
  g_assert_false (run (google, session, fixture->url, NULL, NULL, &error));
  g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_UNSUPPORTED);
  g_assert_cmpint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
}

/* A discovery document that is not the configured issuer's, or a
 * provider that is down, ends the flow before anything listens. */
static void
test_discovery_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *other_issuer = g_strconcat (fc_fake_oidc_get_issuer (fixture->oidc), "/", NULL);
  g_autoptr(FcGoogleSignIn) impostor = fc_google_sign_in_new (other_issuer, CLIENT_ID, NULL);
  g_autoptr(FcGoogleSignIn) google = google_new (fixture);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;

  g_signal_connect (impostor, "open-uri", G_CALLBACK (on_open_uri_cb), fixture);
  g_assert_false (run (impostor, session, fixture->url, NULL, NULL, &error));
  g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "unexpected"));
  g_clear_error (&error);

  fc_fake_oidc_set_failure (fixture->oidc, 503);
  g_assert_false (run (google, session, fixture->url, NULL, NULL, &error));
  g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "HTTP 503"));

  g_assert_null (fixture->opened);
  g_assert_cmpuint (fc_fake_oidc_count (fixture->oidc, "discovery"), ==, 2);
  g_assert_cmpint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
}

/* The Django backend's google/login/ (../shared/fitcore-django-wire.md):
 * a login's answer with "refresh": "" and the refresh token as a cookie,
 * an HTML 404 where allauth's Google route is not installed, and
 * dj-rest-auth's 400 for input it refuses. */
typedef struct {
  guint  status;
  guint  posts;
} Django;

static void
on_django_cb (SoupServer        *server,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Django *django = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  const char *body;

  if (!g_str_equal (path, "/api/v1/auth/google/login/") ||
      g_strcmp0 (soup_server_message_get_method (message), "POST") != 0) {
    /* The session's start (sections, sync) asks for more: Django's 404s. */
    soup_server_message_set_status (message, 404, NULL);
    soup_server_message_set_response (message, "text/html", SOUP_MEMORY_STATIC,
                                      "<h1>Not Found</h1>", 18);
    return;
  }
  django->posts++;
  soup_server_message_set_status (message, django->status, NULL);
  if (django->status == 404) {
    body = "<!DOCTYPE html><html><body><h1>Page not found (404)</h1></body></html>";
    soup_server_message_set_response (message, "text/html", SOUP_MEMORY_STATIC, body,
                                      strlen (body));
    return;
  }
  if (django->status == 400)
    body = "{\"non_field_errors\":[\"Incorrect input. access_token or code is required.\"]}";
  else {
    body = "{\"access\":\"eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjozfQ.c2lnbmF0dXJl\","
           "\"refresh\":\"\",\"user\":{\"pk\":3,\"email\":\"" EMAIL "\","
           "\"first_name\":\"Gina\",\"last_name\":\"Google\"}}";
    soup_message_headers_append (headers, "Set-Cookie",
                                 "fitcore-refresh-token=eyJkamFuZ28tcmVmcmVzaCJ9; HttpOnly; "
                                 "Max-Age=86400; Path=/; SameSite=Lax");
  }
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, body,
                                    strlen (body));
}

static void
test_django (void)
{
  Fixture fixture = { 0 };
  Django django = { 0 };
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(FcGoogleSignIn) google = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autofree char *message = NULL;
  g_autofree char *url = NULL;
  GSList *uris;

  fixture.oidc = fc_fake_oidc_new (CLIENT_ID);
  fc_fake_oidc_set_consent (fixture.oidc, FC_FAKE_OIDC_CONSENT_ALLOW, SUB, EMAIL);
  fixture.browser = soup_session_new ();
  google = google_new (&fixture);
  soup_server_add_handler (server, NULL, on_django_cb, &django, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, NULL));
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  for (guint i = 0; i < 3; i++) {
    g_autoptr(FcSession) session = fc_session_new ();
    gboolean ok;

    django.status = (guint[]) { 404, 400, 200 }[i];
    g_clear_pointer (&fixture.opened, g_free);
    g_clear_pointer (&fixture.redirect_uri, g_free);
    g_clear_pointer (&fixture.page, g_free);
    fixture.browser_done = FALSE;
    g_clear_error (&error);
    g_clear_pointer (&problem, fc_api_problem_unref);
    ok = run (google, session, url, NULL, &problem, &error);
    g_assert_cmpuint (django.posts, ==, i + 1);
    if (django.status == 404) {
      g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_UNSUPPORTED);
    } else if (django.status == 400) {
      g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
      message = fc_api_problem_dup_message (problem);
      g_assert_cmpstr (message, ==, "Incorrect input. access_token or code is required.");
    } else {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpstr (fc_session_get_account (session), ==, EMAIL);
      /* The refresh token came only as the cookie. */
      g_assert_cmpstr (fc_api_client_get_refresh_token (fc_session_get_client (session)), ==,
                       "eyJkamFuZ28tcmVmcmVzaCJ9");
    }
  }

  soup_server_disconnect (server);
  fc_fake_oidc_free (fixture.oidc);
  g_object_unref (fixture.browser);
  g_free (fixture.opened);
  g_free (fixture.redirect_uri);
  g_free (fixture.page);
}

/* Without a client id nothing starts. */
static void
test_not_configured (void)
{
  g_autoptr(FcGoogleSignIn) google = fc_google_sign_in_new (NULL, "", NULL);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (fc_google_sign_in_is_configured (google));
  g_assert_cmpstr (fc_google_sign_in_get_issuer (google), ==, "https://accounts.google.com");
  g_assert_false (run (google, session, "http://127.0.0.1:9/", NULL, NULL, &error));
  g_assert_error (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_NOT_CONFIGURED);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, client_id) \
  g_test_add ("/sync/google/" path, Fixture, client_id, fixture_set_up, func, fixture_tear_down)
  ADD ("consent", test_consent, CLIENT_ID);
  ADD ("cancel-in-browser", test_cancel_in_browser, CLIENT_ID);
  ADD ("state-mismatch", test_state_mismatch, CLIENT_ID);
  ADD ("app-cancel", test_app_cancel, CLIENT_ID);
  ADD ("timeout", test_timeout, CLIENT_ID);
  ADD ("provider-error", test_provider_error, CLIENT_ID);
  ADD ("server-refuses", test_server_refuses, "someone-else.apps.googleusercontent.com");
  ADD ("unsupported", test_unsupported, "");
  ADD ("discovery-refused", test_discovery_refused, CLIENT_ID);
#undef ADD
  g_test_add_func ("/sync/google/not-configured", test_not_configured);
  g_test_add_func ("/sync/google/django", test_django);

  return g_test_run ();
}
