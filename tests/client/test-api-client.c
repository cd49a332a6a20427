/* test-api-client.c — FcApiClient against the real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most cases run the real fitcore-server (tests/lib/fc-test-server.h) with
 * access tokens that live two seconds. The answers our server never gives
 * (the Django backend's HTML pages, its 500 on logout, malformed JSON, a
 * server that never answers) come from small servers inside this process.
 */

#include "config.h"

#include "fc-api-client.h"
#include "fc-json.h"
#include "fc-test-server.h"

#include "client-test-util.h"

#define SHORT_TOKENS "[server]\npassword_iterations=1000\naccess_token_lifetime=2\n"
#define PASSWORD "Sup3r-Secret-42"

/* Helpers */

static JsonNode *
request (FcApiClient   *client,
         const char    *method,
         const char    *path,
         const char    *body,
         guint         *out_status,
         FcApiProblem **out_problem,
         GError       **error)
{
  g_autoptr(JsonNode) node = body != NULL ? fc_json_parse (body, -1, NULL) : NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_api_client_request_async (client, method, path, node, NULL, FC_API_REQUEST_NONE, NULL,
                               on_done_cb, &slot);
  result = wait_for (&slot);
  return fc_api_client_request_finish (client, result, out_status, out_problem, error);
}

static FcApiClient *
client_new (const char *base_url)
{
  g_autoptr(GError) error = NULL;
  FcApiClient *client = fc_api_client_new (base_url, &error);

  g_assert_no_error (error);
  g_object_set (client, "retry-delay", 10, NULL);
  return client;
}

static JsonObject *
sign_in (FcApiClient   *client,
         const char    *email,
         const char    *password,
         FcApiProblem **out_problem,
         GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_api_client_sign_in_async (client, email, password, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  return fc_api_client_sign_in_finish (client, result, out_problem, error);
}

static JsonObject *
register_account (FcApiClient   *client,
                  const char    *email,
                  const char    *password,
                  FcApiProblem **out_problem,
                  GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_api_client_register_async (client, email, password, password, "Test", "User", NULL,
                                on_done_cb, &slot);
  result = wait_for (&slot);
  return fc_api_client_register_finish (client, result, out_problem, error);
}

/* A client signed in to a fresh account on @server. */
static FcApiClient *
signed_in_client (FcTestServer *server,
                  const char   *email)
{
  g_autoptr(FcApiClient) client = client_new (server->base_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;

  g_free (fc_test_register (server, email, PASSWORD, NULL));
  user = sign_in (client, email, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fc_json_get_string (user, "email"), ==, email);
  return g_steal_pointer (&client);
}

/* POST token/refresh/ {"refresh": @refresh} straight to the server. */
static guint
server_refresh_status (FcTestServer *server,
                       const char   *refresh)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FcTestResponse) response = NULL;
  g_autofree char *text = NULL;

  json_object_set_string_member (body, "refresh", refresh);
  node = json_node_init_object (json_node_alloc (), body);
  text = fc_json_to_string (node, FALSE);
  response = fc_test_request (server, "POST", "/api/v1/auth/oauth/token/refresh/", NULL, text);
  return response->status;
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  g_main_context_wakeup (NULL);
  return G_SOURCE_REMOVE;
}

/* Sleeps past the two-second access token lifetime, main loop running. */
static void
wait_for_expiry (void)
{
  gboolean done = FALSE;

  g_timeout_add (3100, on_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
count_cb (guint *counter)
{
  (*counter)++;
}

typedef struct {
  guint               count;
  FcApiSignOutReason  reason;
} SignedOut;

static void
on_signed_out_cb (FcApiClient        *client,
                  FcApiSignOutReason  reason,
                  const char         *message,
                  SignedOut          *signed_out)
{
  signed_out->count++;
  signed_out->reason = reason;
}

/* A server inside the test: the Django backend's odd answers */

typedef struct {
  SoupServer *server;
  char       *base_url;
  GHashTable *hits;     /* path → count */
  GHashTable *headers;  /* "path header" (or "path body") → value of the last request */
} FakeServer;

static void
remember_header (FakeServer         *fake,
                 const char         *path,
                 SoupMessageHeaders *headers,
                 const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);

  g_hash_table_replace (fake->headers, g_strconcat (path, " ", name, NULL),
                        g_strdup (value != NULL ? value : ""));
}

static void
fake_respond (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FakeServer *fake = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  guint hits = GPOINTER_TO_UINT (g_hash_table_lookup (fake->hits, path));

  g_hash_table_replace (fake->hits, g_strdup (path), GUINT_TO_POINTER (hits + 1));
  remember_header (fake, path, request, "Authorization");
  remember_header (fake, path, request, "Cookie");
  remember_header (fake, path, request, "User-Agent");
  remember_header (fake, path, request, "Range");
  {
    SoupMessageBody *body = soup_server_message_get_request_body (msg);

    g_hash_table_replace (fake->headers, g_strconcat (path, " body", NULL),
                          g_strndup (body->data != NULL ? body->data : "", body->length));
  }

  if (g_str_equal (path, "/api/v1/auth/profile/")) {
    fake_respond (msg, 401, "application/json",
                  "{\"detail\":\"Authentication credentials were not provided.\"}");
  } else if (g_str_equal (path, "/api/v1/nutrition/")) {
    fake_respond (msg, 200, "application/json",
                  "{\"foods\":\"http://127.0.0.1/api/v1/nutrition/foods/\"}");
  } else if (g_str_equal (path, "/api/v1/auth/oauth/login/")) {
    /* As the Django backend: the refresh token only in its cookie. */
    soup_message_headers_append (response, "Set-Cookie",
                                 "fitcore-access-token=fake-access; expires=Wed, 25 Nov 2026 "
                                 "09:00:00 GMT; HttpOnly; Max-Age=1800; Path=/; SameSite=Lax");
    soup_message_headers_append (response, "Set-Cookie",
                                 "fitcore-refresh-token=fake.refresh-token; HttpOnly; "
                                 "Max-Age=86400; Path=/; SameSite=Lax");
    soup_message_headers_append (response, "Set-Cookie",
                                 "sessionid=abc; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax");
    fake_respond (msg, 200, "application/json",
                  "{\"access\":\"fake-access\",\"refresh\":\"\",\"user\":{\"pk\":2,"
                  "\"email\":\"user@fitcore.test\",\"first_name\":\"Normal\",\"last_name\":\"User\"}}");
  } else if (g_str_equal (path, "/api/v1/auth/oauth/logout/")) {
    fake_respond (msg, 500, "application/json", "{\"detail\":\"An error has occurred.\"}");
  } else if (g_str_equal (path, "/api/v1/expired/")) {
    fake_respond (msg, 401, "application/json",
                  "{\"detail\":\"Given token not valid for any token type\",\"code\":"
                  "\"token_not_valid\",\"messages\":[{\"token_class\":\"AccessToken\","
                  "\"token_type\":\"access\",\"message\":\"Token is expired\"}]}");
  } else if (g_str_equal (path, "/api/v1/auth/oauth/token/refresh/")) {
    /* A refresh that hangs, to see requests waiting on it. */
    soup_server_message_pause (msg);
  } else if (g_str_equal (path, "/media/thumb.png")) {
    fake_respond (msg, 200, "image/png", "not really a PNG");
  } else if (g_str_equal (path, "/media/video.webm")) {
    /* As our file route answers a resume: the asked range only. */
    soup_message_headers_set_content_range (response, 6, 9, 10);
    soup_message_headers_replace (response, "ETag", "\"v1\"");
    fake_respond (msg, 206, "video/webm", "6789");
  } else if (g_str_equal (path, "/api/v1/malformed/")) {
    fake_respond (msg, 200, "application/json", "{\"results\": [1, 2,");
  } else if (g_str_equal (path, "/api/v1/html/")) {
    fake_respond (msg, 200, "text/html; charset=utf-8", "<!DOCTYPE html><html>Hello</html>");
  } else if (g_str_equal (path, "/api/v1/crash/")) {
    fake_respond (msg, 500, "text/html; charset=utf-8",
                  "<!DOCTYPE html><html><title>IntegrityError</title>Traceback</html>");
  } else if (g_str_equal (path, "/api/v1/throttled/")) {
    soup_message_headers_append (response, "Retry-After", "12");
    fake_respond (msg, 429, "application/json", "{\"detail\":\"Request was throttled.\"}");
  } else {
    /* Unknown URLs, /api/v1/ included: Django's HTML 404 page. */
    fake_respond (msg, 404, "text/html", "<!DOCTYPE html><html><title>Page not found</title></html>");
  }
}

static FakeServer *
fake_server_new (void)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fake->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, fake_handler, fake, NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fake->server);
  g_assert_nonnull (uris);
  fake->base_url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  g_hash_table_unref (fake->hits);
  g_hash_table_unref (fake->headers);
  g_free (fake->base_url);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

static guint
fake_hits (FakeServer *fake,
           const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fake->hits, path));
}

static const char *
fake_header (FakeServer *fake,
             const char *path,
             const char *name)
{
  g_autofree char *key = g_strconcat (path, " ", name, NULL);

  return g_hash_table_lookup (fake->headers, key);
}

/* Files: media and downloads on the client's own stack */

static GBytes *
get_bytes (FcApiClient  *client,
           const char   *url,
           guint        *out_status,
           GError      **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_api_client_get_bytes_async (client, url, FC_API_REQUEST_NONE, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  return fc_api_client_get_bytes_finish (client, result, out_status, error);
}

/* A thumbnail and a resumed video go through the client: its User-Agent,
 * its token on its own server only (never to another host a URL names),
 * the answer's status and headers, the body unread for a stream. */
static void
test_files (void)
{
  g_autoptr(FakeServer) own = fake_server_new ();
  g_autoptr(FakeServer) other = fake_server_new ();
  g_autoptr(FcApiClient) client = client_new (own->base_url);
  g_autofree char *own_thumb = g_strconcat (own->base_url, "media/thumb.png", NULL);
  g_autofree char *other_thumb = g_strconcat (other->base_url, "media/thumb.png", NULL);
  g_autofree char *missing = g_strconcat (own->base_url, "media/missing.png", NULL);
  g_autofree char *video = g_strconcat (own->base_url, "media/video.webm", NULL);
  g_autoptr(SoupMessageHeaders) range = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SoupMessageHeaders) answered = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  goffset start = -1, end = -1, total = -1;
  guint status = 0;

  fc_api_client_set_tokens (client, "own-access", "own-refresh");

  bytes = get_bytes (client, own_thumb, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "not really a PNG",
                   16);
  g_assert_cmpstr (fake_header (own, "/media/thumb.png", "Authorization"), ==,
                   "Bearer own-access");
  g_assert_true (g_str_has_prefix (fake_header (own, "/media/thumb.png", "User-Agent"),
                                   "FitCore/"));
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = get_bytes (client, other_thumb, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_hits (other, "/media/thumb.png"), ==, 1);
  g_assert_cmpstr (fake_header (other, "/media/thumb.png", "Authorization"), ==, "");
  g_assert_true (g_str_has_prefix (fake_header (other, "/media/thumb.png", "User-Agent"),
                                   "FitCore/"));
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = get_bytes (client, missing, &status, &error);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND);
  g_assert_null (bytes);
  g_assert_cmpuint (status, ==, 404);
  g_clear_error (&error);

  soup_message_headers_set_range (range, 6, -1);
  soup_message_headers_replace (range, "If-Range", "\"v1\"");
  fc_api_client_open_async (client, video, range, FC_API_REQUEST_NONE, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  stream = fc_api_client_open_finish (client, result, &status, &answered, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stream);
  g_assert_cmpuint (status, ==, 206);
  g_assert_cmpstr (fake_header (own, "/media/video.webm", "Range"), ==, "bytes=6-");
  g_assert_cmpstr (fake_header (own, "/media/video.webm", "Authorization"), ==,
                   "Bearer own-access");
  g_assert_true (soup_message_headers_get_content_range (answered, &start, &end, &total));
  g_assert_cmpint (start, ==, 6);
  g_assert_cmpint (total, ==, 10);
  g_assert_cmpstr (soup_message_headers_get_one (answered, "ETag"), ==, "\"v1\"");
  body = g_input_stream_read_bytes (stream, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "6789", 4);

  /* No http(s) address: nothing is sent. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = get_bytes (client, "file:///etc/passwd", &status, &error);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE);
  g_assert_null (bytes);
}

/* Tests against the real fitcore-server */

static void
test_sign_in (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = client_new (server->base_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) me = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint tokens_changed = 0;

  g_signal_connect_swapped (client, "tokens-changed", G_CALLBACK (count_cb), &tokens_changed);
  g_free (fc_test_register (server, "ann@fitcore.test", PASSWORD, NULL));

  /* Wrong password: the form gets the server's object-level message. */
  user = sign_in (client, "ann@fitcore.test", "wrong-password", &problem, &error);
  g_assert_null (user);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (problem);
  g_assert_cmpstr (fc_api_problem_get_non_field_messages (problem)[0], ==,
                   "Unable to log in with provided credentials.");
  g_assert_false (fc_api_client_is_signed_in (client));
  g_clear_error (&error);
  g_clear_pointer (&problem, fc_api_problem_unref);

  /* A stale access token must not spoil the login. */
  fc_api_client_set_tokens (client, "stale.access.token", NULL);
  user = sign_in (client, "ann@fitcore.test", PASSWORD, &problem, &error);
  g_assert_no_error (error);
  g_assert_null (problem);
  g_assert_cmpstr (fc_json_get_string (user, "email"), ==, "ann@fitcore.test");
  g_assert_nonnull (fc_api_client_get_access_token (client));
  g_assert_cmpstr (fc_api_client_get_access_token (client), !=, "stale.access.token");
  /* Our server, like the Django backend, answers "refresh": "" on login:
   * the token came from the cookie. */
  g_assert_nonnull (fc_api_client_get_refresh_token (client));
  g_assert_cmpuint (strlen (fc_api_client_get_refresh_token (client)), >, 20);
  g_assert_cmpuint (tokens_changed, >=, 1);

  fc_api_client_get_user_async (client, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  me = fc_api_client_get_user_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fc_json_get_string (me, "email"), ==, "ann@fitcore.test");
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 0);
}

static void
test_register (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = client_new (server->base_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(JsonObject) user = NULL;

  /* Field errors come back per field. */
  user = register_account (client, "not-an-email", "1", &problem, &error);
  g_assert_null (user);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (problem);
  g_assert_nonnull (fc_api_problem_get_field_messages (problem, "email"));
  g_clear_error (&error);
  g_clear_pointer (&problem, fc_api_problem_unref);

  user = register_account (client, "bob@fitcore.test", PASSWORD, &problem, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fc_json_get_string (user, "email"), ==, "bob@fitcore.test");
  g_assert_nonnull (fc_api_client_get_access_token (client));
  g_assert_nonnull (fc_api_client_get_refresh_token (client));

  /* The refresh token came from the body (registration sets no cookie): the
   * server takes it back. */
  g_assert_cmpuint (server_refresh_status (server, fc_api_client_get_refresh_token (client)), ==,
                    200);

  /* The same address again is refused, with a message for the form. */
  g_clear_pointer (&user, json_object_unref);
  user = register_account (client, "bob@fitcore.test", PASSWORD, &problem, &error);
  g_assert_null (user);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (problem);
  g_assert_true (fc_api_problem_get_non_field_messages (problem)[0] != NULL ||
                 fc_api_problem_get_field_messages (problem, "email") != NULL);
}

static gboolean
reset_password (FcApiClient   *client,
                const char    *email,
                FcApiProblem **out_problem,
                GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_api_client_request_password_reset_async (client, email, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  return fc_api_client_request_password_reset_finish (client, result, out_problem, error);
}

static void
test_password_reset (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = client_new (server->base_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;

  g_free (fc_test_register (server, "hal@fitcore.test", PASSWORD, NULL));
  g_assert_true (reset_password (client, "hal@fitcore.test", &problem, &error));
  g_assert_no_error (error);
  g_assert_null (problem);

  /* Unknown addresses get the same answer: nobody learns who has an account. */
  g_assert_true (reset_password (client, "nobody@fitcore.test", &problem, &error));
  g_assert_no_error (error);

  g_assert_false (reset_password (client, "not-an-email", &problem, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (problem);
  g_assert_nonnull (fc_api_problem_get_field_messages (problem, "email"));
}

static void
test_refresh_on_expiry (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = signed_in_client (server, "cat@fitcore.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *old_access = g_strdup (fc_api_client_get_access_token (client));
  g_autofree char *old_refresh = g_strdup (fc_api_client_get_refresh_token (client));
  guint tokens_changed = 0;
  guint status = 0;

  g_signal_connect_swapped (client, "tokens-changed", G_CALLBACK (count_cb), &tokens_changed);
  wait_for_expiry ();

  node = request (client, "GET", "auth/oauth/user/", NULL, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fc_json_get_string (json_node_get_object (node), "email"), ==,
                   "cat@fitcore.test");
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 1);
  g_assert_cmpuint (tokens_changed, ==, 1);
  g_assert_cmpstr (fc_api_client_get_access_token (client), !=, old_access);
  /* Rotated: the new refresh token came back in the cookie. */
  g_assert_nonnull (fc_api_client_get_refresh_token (client));
  g_assert_cmpstr (fc_api_client_get_refresh_token (client), !=, old_refresh);
  g_clear_pointer (&node, json_node_unref);

  /* With only a refresh token, the client gets an access token first. */
  g_clear_pointer (&old_refresh, g_free);
  old_refresh = g_strdup (fc_api_client_get_refresh_token (client));
  fc_api_client_set_tokens (client, NULL, old_refresh);
  node = request (client, "GET", "auth/oauth/user/", NULL, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 2);
  g_assert_nonnull (fc_api_client_get_access_token (client));
}

static JsonNode *
request_multipart (FcApiClient   *client,
                   JsonObject    *fields,
                   GFile         *file,
                   guint         *out_status,
                   FcApiProblem **out_problem,
                   GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_api_client_request_multipart_async (client, "PATCH", "auth/profile/", fields, "img", file,
                                         NULL, FC_API_REQUEST_NONE, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  return fc_api_client_request_multipart_finish (client, result, out_status, out_problem, error);
}

/* A form with a file: text fields beside it, sent again after a refresh
 * like any request; an unreadable file fails before anything is sent. */
static void
test_multipart (void)
{
  /* A 1x1 PNG, small enough to write out here. */
  static const char png_base64[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = signed_in_client (server, "form@fitcore.test");
  g_autofree char *media = g_strconcat (server->base_url, "/media/profile/", NULL);
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "avatar.png", NULL);
  g_autofree char *gone_path = g_build_filename (g_get_user_cache_dir (), "gone.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) gone = g_file_new_for_path (gone_path);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *png = NULL;
  JsonObject *profile;
  gsize png_size = 0;
  guint status = 0;
  gint64 age = 0;
  double weight = 0;

  png = g_base64_decode (png_base64, &png_size);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_file_set_contents (path, (const char *) png, (gssize) png_size, &error);
  g_assert_no_error (error);

  json_object_set_int_member (fields, "age", 41);
  json_object_set_double_member (fields, "weight", 70.25);
  json_object_set_null_member (fields, "gender");
  json_object_set_string_member (fields, "img", "ignored: the file goes in its place");

  wait_for_expiry ();
  node = request_multipart (client, fields, file, &status, &problem, &error);
  g_assert_no_error (error);
  g_assert_null (problem);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 1);
  profile = json_node_get_object (node);
  g_assert_true (g_str_has_prefix (fc_json_get_string (profile, "img"), media));
  g_assert_true (fc_json_get_int (profile, "age", &age));
  g_assert_cmpint (age, ==, 41);
  g_assert_true (fc_json_get_double (profile, "weight", &weight));
  g_assert_cmpfloat (weight, ==, 70.25);
  g_assert_true (fc_json_is_null (profile, "gender"));
  g_clear_pointer (&node, json_node_unref);

  node = request_multipart (client, NULL, gone, &status, &problem, &error);
  g_assert_null (node);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gone.png"));
  g_assert_cmpuint (status, ==, 0);
  g_assert_null (problem);
}

typedef struct {
  guint done;
  guint ok;
} Batch;

static void
on_batch_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL,
                                                           NULL, &error);

  g_assert_no_error (error);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    batch->ok++;
  batch->done++;
  g_main_context_wakeup (NULL);
}

static void
test_single_flight (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = signed_in_client (server, "dan@fitcore.test");
  Batch batch = { 0 };
  guint tokens_changed = 0;

  g_signal_connect_swapped (client, "tokens-changed", G_CALLBACK (count_cb), &tokens_changed);
  wait_for_expiry ();

  for (guint i = 0; i < 20; i++) {
    fc_api_client_request_async (client, "GET", i % 2 == 0 ? "auth/oauth/user/" : "auth/profile/",
                                 NULL, NULL, FC_API_REQUEST_NONE, NULL, on_batch_cb, &batch);
  }
  while (batch.done < 20)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (batch.ok, ==, 20);
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 1);
  g_assert_cmpuint (tokens_changed, ==, 1);
}

static void
test_revoked (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = signed_in_client (server, "eve@fitcore.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FcTestResponse) logout = NULL;
  g_autofree char *cookie = g_strconcat ("fitcore-refresh-token=",
                                         fc_api_client_get_refresh_token (client), NULL);
  const char *headers[] = { "Cookie", cookie, NULL };
  SignedOut signed_out = { 0 };
  Batch batch = { 0 };

  g_signal_connect (client, "signed-out", G_CALLBACK (on_signed_out_cb), &signed_out);

  /* Signed out elsewhere: the refresh token is blacklisted. */
  logout = fc_test_request_full (server, "POST", "/api/v1/auth/oauth/logout/", headers, NULL, NULL);
  g_assert_cmpuint (logout->status, ==, 200);
  wait_for_expiry ();

  node = request (client, "GET", "auth/oauth/user/", NULL, NULL, &problem, &error);
  g_assert_null (node);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (signed_out.count, ==, 1);
  g_assert_cmpint (signed_out.reason, ==, FC_API_SIGN_OUT_REVOKED);
  g_assert_false (fc_api_client_is_signed_in (client));
  g_assert_null (fc_api_client_get_access_token (client));
  g_assert_null (fc_api_client_get_refresh_token (client));
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 1);

  /* Later requests fail without another refresh or signal. */
  for (guint i = 0; i < 3; i++) {
    fc_api_client_request_async (client, "GET", "nutrition/foods/", NULL, NULL,
                                 FC_API_REQUEST_NONE, NULL, on_batch_cb, &batch);
  }
  while (batch.done < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (batch.ok, ==, 3);  /* anonymous reads still work */
  g_assert_cmpuint (signed_out.count, ==, 1);
}

static void
test_sign_out (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = signed_in_client (server, "fay@fitcore.test");
  g_autofree char *refresh = g_strdup (fc_api_client_get_refresh_token (client));
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SignedOut signed_out = { 0 };

  g_signal_connect (client, "signed-out", G_CALLBACK (on_signed_out_cb), &signed_out);
  fc_api_client_sign_out_async (client, NULL, on_done_cb, &slot);
  /* Local sign-out does not wait for the server. */
  g_assert_false (fc_api_client_is_signed_in (client));
  g_assert_cmpuint (signed_out.count, ==, 1);
  g_assert_cmpint (signed_out.reason, ==, FC_API_SIGN_OUT_REQUESTED);

  result = wait_for (&slot);
  g_assert_true (fc_api_client_sign_out_finish (client, result, &error));
  g_assert_no_error (error);

  /* The server revoked the refresh token. */
  g_assert_cmpuint (server_refresh_status (server, refresh), ==, 401);
}

typedef struct {
  GArray     *progress;  /* guint: `fetched` per page */
  GHashTable *names;
} Pages;

static void
on_page_cb (FcApiClient *client,
            JsonArray   *page,
            guint        fetched,
            guint        count,
            gpointer     user_data)
{
  Pages *pages = user_data;

  g_assert_cmpuint (json_array_get_length (page), <=, 7);
  g_array_append_val (pages->progress, fetched);
  g_assert_cmpuint (count, ==, 23);
  for (guint i = 0; i < json_array_get_length (page); i++) {
    JsonNode *element = json_array_get_element (page, i);

    g_assert_true (JSON_NODE_HOLDS_OBJECT (element));
    g_hash_table_add (pages->names, g_strdup (fc_json_get_string (json_node_get_object (element),
                                                                  "name")));
  }
}

static void
on_raw_page_cb (FcApiClient *client,
                GBytes      *page,
                GArray      *ids,
                guint        fetched,
                guint        count,
                gpointer     user_data)
{
  Pages *pages = user_data;
  g_autoptr(JsonNode) node = fc_json_parse (g_bytes_get_data (page, NULL), g_bytes_get_size (page),
                                            NULL);
  JsonArray *results = fc_json_get_array (json_node_get_object (node), "results");

  /* The text as the server sent it, and its ids read off it. */
  g_assert_cmpuint (ids->len, ==, json_array_get_length (results));
  g_assert_cmpuint (ids->len, <=, 7);
  g_array_append_val (pages->progress, fetched);
  g_assert_cmpuint (count, ==, 23);
  for (guint i = 0; i < ids->len; i++) {
    JsonObject *food = json_array_get_object_element (results, i);
    gint64 id = 0;

    g_assert_true (fc_json_get_int (food, "id", &id));
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, id);
    g_hash_table_add (pages->names, g_strdup (fc_json_get_string (food, "name")));
  }
}

static void
test_pagination (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FcApiClient) client = signed_in_client (server, "gus@fitcore.test");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) progress = g_array_new (FALSE, FALSE, sizeof (guint));
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Pages pages = { progress, names };
  guint status = 0;

  /* 23 private foods: only this user sees them. */
  for (guint i = 0; i < 23; i++) {
    g_autofree char *body = g_strdup_printf ("{\"name\":\"Food %02u\",\"calories\":%u,"
                                             "\"protein\":1,\"carbohydrates\":2,\"fat\":3}",
                                             i, 100 + i);
    g_autoptr(JsonNode) created = request (client, "POST", "nutrition/foods/", body, &status, NULL,
                                           &error);

    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 201);
  }

  fc_api_client_fetch_all_async (client, "nutrition/foods/?page_size=7&search=Food",
                                 FC_API_REQUEST_NONE, on_page_cb, &pages, NULL, NULL, on_done_cb,
                                 &slot);
  result = wait_for (&slot);
  items = fc_api_client_fetch_all_finish (client, result, NULL, &error);
  g_assert_no_error (error);

  /* The pages went to the page function and were not kept (a pull streams
   * them into the store: memory stays one page). */
  g_assert_cmpuint (json_array_get_length (items), ==, 0);
  g_assert_cmpuint (progress->len, ==, 4);
  g_assert_cmpuint (g_array_index (progress, guint, 0), ==, 7);
  g_assert_cmpuint (g_array_index (progress, guint, 1), ==, 14);
  g_assert_cmpuint (g_array_index (progress, guint, 2), ==, 21);
  g_assert_cmpuint (g_array_index (progress, guint, 3), ==, 23);
  /* Each food once: pages neither overlap nor skip. */
  g_assert_cmpuint (g_hash_table_size (names), ==, 23);

  /* The same pages as text, for a store that reads them itself. */
  g_array_set_size (progress, 0);
  g_hash_table_remove_all (names);
  g_clear_object (&result);
  fc_api_client_fetch_pages_async (client, "nutrition/foods/?page_size=7&search=Food",
                                   FC_API_REQUEST_NONE, on_raw_page_cb, &pages, NULL, NULL,
                                   on_done_cb, &slot);
  result = wait_for (&slot);
  g_assert_true (fc_api_client_fetch_pages_finish (client, result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress->len, ==, 4);
  g_assert_cmpuint (g_array_index (progress, guint, 3), ==, 23);
  g_assert_cmpuint (g_hash_table_size (names), ==, 23);

  /* Without a page function the result is the whole list. */
  g_clear_pointer (&items, json_array_unref);
  g_clear_object (&result);
  fc_api_client_fetch_all_async (client, "nutrition/foods/?page_size=7&search=Food",
                                 FC_API_REQUEST_NONE, NULL, NULL, NULL, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  items = fc_api_client_fetch_all_finish (client, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (items), ==, 23);
}

static void
test_sections (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SHORT_TOKENS, NULL);
  g_autoptr(FakeServer) django = fake_server_new ();
  g_autoptr(FcApiClient) ours = client_new (server->base_url);
  g_autoptr(FcApiClient) theirs = client_new (django->base_url);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) our_sections = NULL;
  g_auto(GStrv) their_sections = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_api_client_detect_sections_async (ours, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  our_sections = fc_api_client_detect_sections_finish (ours, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) our_sections, "auth"));
  g_assert_true (g_strv_contains ((const char * const *) our_sections, "nutrition"));
  g_clear_object (&result);

  /* The Django backend: HTML 404 at api/v1/, then probes. */
  fc_api_client_detect_sections_async (theirs, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  their_sections = fc_api_client_detect_sections_finish (theirs, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (their_sections, ((const char *[]) { "auth", "nutrition", NULL }));
  g_assert_cmpuint (fake_hits (django, "/api/v1/"), >=, 1);
  g_assert_cmpuint (fake_hits (django, "/api/v1/auth/profile/"), ==, 1);
  /* Signed out, the probe goes without a token... */
  g_assert_cmpstr (fake_header (django, "/api/v1/auth/profile/", "Authorization"), ==, "");

  /* ...signed in, never: auth/profile/ needs one, and an anonymous probe
   * is a 401 on every detection. */
  g_clear_object (&result);
  g_clear_pointer (&their_sections, g_strfreev);
  fc_api_client_set_tokens (theirs, "fake-access", "fake.refresh-token");
  fc_api_client_detect_sections_async (theirs, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  their_sections = fc_api_client_detect_sections_finish (theirs, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (their_sections, ((const char *[]) { "auth", "nutrition", NULL }));
  g_assert_cmpstr (fake_header (django, "/api/v1/auth/profile/", "Authorization"), ==,
                   "Bearer fake-access");
}

/* The Django backend's login and logout, as recorded */

static void
test_django_login_logout (void)
{
  g_autoptr(FakeServer) django = fake_server_new ();
  g_autoptr(FcApiClient) client = client_new (django->base_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SignedOut signed_out = { 0 };
  gint64 pk = 0;

  g_signal_connect (client, "signed-out", G_CALLBACK (on_signed_out_cb), &signed_out);
  fc_api_client_set_tokens (client, "stale-access", "stale-refresh");

  user = sign_in (client, "user@fitcore.test", "UserPass!2025", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fc_json_get_int (user, "pk", &pk));
  g_assert_cmpint (pk, ==, 2);
  /* Neither a stale header nor any cookie went with the login. */
  g_assert_cmpstr (fake_header (django, "/api/v1/auth/oauth/login/", "Authorization"), ==, "");
  g_assert_cmpstr (fake_header (django, "/api/v1/auth/oauth/login/", "Cookie"), ==, "");
  /* "refresh": "" in the body; the token came from the cookie. */
  g_assert_cmpstr (fc_api_client_get_access_token (client), ==, "fake-access");
  g_assert_cmpstr (fc_api_client_get_refresh_token (client), ==, "fake.refresh-token");

  /* Logout answers 500: signed out locally all the same. */
  fc_api_client_sign_out_async (client, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  g_assert_false (fc_api_client_sign_out_finish (client, result, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_SERVER);
  g_assert_false (fc_api_client_is_signed_in (client));
  g_assert_cmpuint (signed_out.count, ==, 1);
  g_assert_cmpuint (fake_hits (django, "/api/v1/auth/oauth/logout/"), ==, 1);
  /* The Django backend reads the token from this cookie only. */
  g_assert_cmpstr (fake_header (django, "/api/v1/auth/oauth/logout/", "Cookie"), ==,
                   "fitcore-refresh-token=fake.refresh-token");
  g_assert_cmpstr (fake_header (django, "/api/v1/auth/oauth/logout/", "Authorization"), ==, "");
}

static void
test_bad_answers (void)
{
  g_autoptr(FakeServer) fake = fake_server_new ();
  g_autoptr(FcApiClient) client = client_new (fake->base_url);
  struct {
    const char *method;
    const char *path;
    FcApiError  code;
    guint       status;
    guint       hits;
  } cases[] = {
    { "GET", "malformed/", FC_API_ERROR_BAD_RESPONSE, 200, 1 },
    { "GET", "html/", FC_API_ERROR_BAD_RESPONSE, 200, 1 },
    { "GET", "crash/", FC_API_ERROR_SERVER, 500, 3 },   /* a read is retried */
    { "POST", "crash/", FC_API_ERROR_SERVER, 500, 1 },  /* a write never is */
    { "GET", "throttled/", FC_API_ERROR_THROTTLED, 429, 1 },
    { "GET", "workouts/workouts/", FC_API_ERROR_NOT_FOUND, 404, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(FcApiProblem) problem = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *path = g_strconcat ("/api/v1/", cases[i].path, NULL);
    guint before = fake_hits (fake, path);
    guint status = 0;

    g_test_message ("%s %s", cases[i].method, cases[i].path);
    node = request (client, cases[i].method, cases[i].path,
                    g_str_equal (cases[i].method, "POST") ? "{}" : NULL, &status, &problem,
                    &error);
    g_assert_null (node);
    g_assert_error (error, FC_API_ERROR, (int) cases[i].code);
    g_assert_cmpuint (status, ==, cases[i].status);
    g_assert_nonnull (problem);
    g_assert_cmpuint (fake_hits (fake, path) - before, ==, cases[i].hits);
    if (cases[i].code == FC_API_ERROR_THROTTLED)
      g_assert_cmpuint (fc_api_problem_get_retry_after (problem), ==, 12);
    if (g_str_equal (cases[i].path, "crash/"))
      g_assert_cmpstr (error->message, ==, "The server answered with an HTML page (status 500)");
  }
}

static void
on_unexpected_page_cb (FcApiClient *client,
                       GBytes      *page,
                       GArray      *ids,
                       guint        fetched,
                       guint        count,
                       gpointer     user_data)
{
  g_assert_not_reached ();
}

/* A page read as text is refused as a parsed one is: no page reaches the
 * consumer that is not JSON holding a list. */
static void
test_bad_pages (void)
{
  g_autoptr(FakeServer) fake = fake_server_new ();
  g_autoptr(FcApiClient) client = client_new (fake->base_url);
  struct {
    const char *path;
    FcApiError  code;
    guint       hits;
  } cases[] = {
    { "malformed/", FC_API_ERROR_BAD_RESPONSE, 1 },
    { "html/", FC_API_ERROR_BAD_RESPONSE, 1 },
    { "crash/", FC_API_ERROR_SERVER, 3 },
    { "workouts/workouts/", FC_API_ERROR_NOT_FOUND, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_strconcat ("/api/v1/", cases[i].path, NULL);
    guint before = fake_hits (fake, path);
    GAsyncResult *slot = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    g_test_message ("GET %s", cases[i].path);
    fc_api_client_fetch_pages_async (client, cases[i].path, FC_API_REQUEST_NONE,
                                     on_unexpected_page_cb, NULL, NULL, NULL, on_done_cb, &slot);
    result = wait_for (&slot);
    g_assert_false (fc_api_client_fetch_pages_finish (client, result, NULL, &error));
    g_assert_error (error, FC_API_ERROR, (int) cases[i].code);
    g_assert_cmpuint (fake_hits (fake, path) - before, ==, cases[i].hits);
  }
}

static void
test_cancel_while_refreshing (void)
{
  g_autoptr(FakeServer) fake = fake_server_new ();
  FcApiClient *client = client_new (fake->base_url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fc_api_client_set_tokens (client, "expired-access", "valid-refresh");
  fc_api_client_request_async (client, "GET", "expired/", NULL, NULL, FC_API_REQUEST_NONE,
                               cancellable, on_done_cb, &slot);
  while (fake_hits (fake, "/api/v1/auth/oauth/token/refresh/") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (slot);

  /* The refresh hangs; the waiting request leaves when cancelled. */
  g_cancellable_cancel (cancellable);
  result = wait_for (&slot);
  node = fc_api_client_request_finish (client, result, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fc_api_client_get_refresh_count (client), ==, 1);
  g_assert_cmpstr (fake_header (fake, "/api/v1/expired/", "Authorization"), ==,
                   "Bearer expired-access");
  /* The refresh token goes in the body, with no stale access token. */
  g_assert_cmpstr (fake_header (fake, "/api/v1/auth/oauth/token/refresh/", "body"), ==,
                   "{\"refresh\":\"valid-refresh\"}");
  g_assert_cmpstr (fake_header (fake, "/api/v1/auth/oauth/token/refresh/", "Authorization"), ==,
                   "");
  g_assert_cmpstr (fake_header (fake, "/api/v1/auth/oauth/token/refresh/", "Cookie"), ==, "");
  g_clear_object (&result);

  /* The refresh itself ends with the server, and lets go of the client. */
  g_object_add_weak_pointer (G_OBJECT (client), (gpointer *) &client);
  g_object_unref (client);
  g_clear_pointer (&fake, fake_server_free);
  while (client != NULL)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source,
                GPtrArray         *held)
{
  /* Keep it open and never answer. */
  g_ptr_array_add (held, g_object_ref (connection));
  return TRUE;
}

static void
test_never_answers (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 start;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming_cb), held);
  g_socket_service_start (service);

  url = g_strdup_printf ("http://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  client = client_new (url);
  g_object_set (client, "timeout", 1, "read-attempts", 2, NULL);

  start = g_get_monotonic_time ();
  node = request (client, "GET", "auth/oauth/user/", NULL, NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_TIMEOUT);
  /* Two tries of one second each, not forever. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (held->len, >=, 1);
  g_clear_error (&error);

  /* Cancelling does not wait for the timeout. */
  g_object_set (client, "timeout", 60, NULL);
  fc_api_client_request_async (client, "POST", "auth/oauth/login/", NULL, NULL,
                               FC_API_REQUEST_NO_AUTH, cancellable, on_done_cb, &slot);
  g_cancellable_cancel (cancellable);
  result = wait_for (&slot);
  node = fc_api_client_request_finish (client, result, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

static void
test_refused (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = NULL;
  guint status = 1;

  /* A port that was free a moment ago and has no listener. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  client = client_new (url);
  node = request (client, "GET", "nutrition/foods/", NULL, &status, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NETWORK);
  g_assert_cmpuint (status, ==, 0);
  g_clear_error (&error);

  node = request (client, "POST", "nutrition/foods/", "{}", &status, NULL, &error);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NETWORK);
}

int
main (int   argc,
      char *argv[])
{
  /* GIO's GNOME proxy resolver aborts without the org.gnome.system.proxy
   * schema, which the isolated XDG_DATA_DIRS hide; these tests only speak to
   * 127.0.0.1 anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/client/api/sign-in", test_sign_in);
  g_test_add_func ("/client/api/register", test_register);
  g_test_add_func ("/client/api/password-reset", test_password_reset);
  g_test_add_func ("/client/api/refresh-on-expiry", test_refresh_on_expiry);
  g_test_add_func ("/client/api/multipart", test_multipart);
  g_test_add_func ("/client/api/single-flight", test_single_flight);
  g_test_add_func ("/client/api/revoked", test_revoked);
  g_test_add_func ("/client/api/sign-out", test_sign_out);
  g_test_add_func ("/client/api/pagination", test_pagination);
  g_test_add_func ("/client/api/sections", test_sections);
  g_test_add_func ("/client/api/django-login-logout", test_django_login_logout);
  g_test_add_func ("/client/api/bad-answers", test_bad_answers);
  g_test_add_func ("/client/api/bad-pages", test_bad_pages);
  g_test_add_func ("/client/api/cancel-while-refreshing", test_cancel_while_refreshing);
  g_test_add_func ("/client/api/never-answers", test_never_answers);
  g_test_add_func ("/client/api/refused", test_refused);
  g_test_add_func ("/client/api/files", test_files);

  return g_test_run ();
}
