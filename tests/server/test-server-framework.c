/* test-server-framework.c — what every route gets from FcServer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-server-test-util.h"

#define CORS_ORIGIN "http://127.0.0.1:5500"

static FcTestServer *shared;

static void
test_api_root (void)
{
  g_autoptr(FcTestResponse) response = fc_test_request (shared, "GET", "/api/v1/", NULL, NULL);
  JsonArray *sections;
  gboolean auth = FALSE;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (fc_json_get_string (fc_test_response_object (response), "version"), ==, "1");
  sections = fc_json_get_array (fc_test_response_object (response), "sections");
  g_assert_nonnull (sections);
  for (guint i = 0; i < json_array_get_length (sections); i++)
    auth = auth || g_str_equal (json_array_get_string_element (sections, i), "auth");
  g_assert_true (auth);
}

static void
test_ping (void)
{
  g_autoptr(FcTestResponse) response = fc_test_request (shared, "GET", "/api/v1/ping/", NULL, NULL);
  g_autoptr(FcTestResponse) head = fc_test_request (shared, "HEAD", "/api/v1/ping/", NULL, NULL);

  fc_st_assert_response (response, 200, "{\"ok\":true}");
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "application/json");
  /* No browser guesses another type than the one given. */
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "X-Content-Type-Options"), ==,
                   "nosniff");
}

static void
test_not_found (void)
{
  g_autoptr(FcTestResponse) unknown = fc_test_request (shared, "GET", "/api/v1/nope/", NULL, NULL);
  g_autoptr(FcTestResponse) root = fc_test_request (shared, "GET", "/", NULL, NULL);
  g_autoptr(FcTestResponse) redirect = fc_test_request (shared, "GET", "/api/v1/ping?x=1", NULL, NULL);
  g_autoptr(FcTestResponse) post = fc_test_request (shared, "POST", "/api/v1/auth/oauth/login",
                                                    NULL, "{}");
  g_autoptr(FcTestResponse) unknown_post = fc_test_request (shared, "POST", "/api/v1/zzz", NULL, "{}");
  const char *detail;

  fc_st_assert_response (unknown, 404, "{\"detail\":\"Not found.\"}");
  fc_st_assert_response (root, 404, "{\"detail\":\"Not found.\"}");
  fc_st_assert_response (unknown_post, 404, "{\"detail\":\"Not found.\"}");

  /* The session follows redirects: the 301 lands on the slashed URL. */
  g_assert_cmpuint (redirect->status, ==, 200);

  g_assert_cmpuint (post->status, ==, 404);
  detail = fc_json_get_string (fc_test_response_object (post), "detail");
  g_assert_nonnull (strstr (detail, "must end in '/'"));
  g_assert_nonnull (strstr (detail, "/api/v1/auth/oauth/login/"));
}

static void
test_redirect (void)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = g_strconcat (shared->base_url, "/api/v1/ping?x=1", NULL);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *expected = g_strconcat (shared->base_url, "/api/v1/ping/?x=1", NULL);

  message = soup_message_new ("GET", url);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (shared->session, message, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (message), ==, 301);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                 "Location"), ==, expected);
}

static void
test_method_not_allowed (void)
{
  g_autoptr(FcTestResponse) get = fc_test_request (shared, "GET", "/api/v1/auth/oauth/login/",
                                                   NULL, NULL);
  g_autoptr(FcTestResponse) delete = fc_test_request (shared, "DELETE", "/api/v1/ping/", NULL, NULL);

  fc_st_assert_response (get, 405, "{\"detail\":\"Method \\\"GET\\\" not allowed.\"}");
  g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Allow"), ==, "POST, OPTIONS");
  fc_st_assert_response (delete, 405, "{\"detail\":\"Method \\\"DELETE\\\" not allowed.\"}");
  g_assert_cmpstr (soup_message_headers_get_one (delete->headers, "Allow"), ==, "GET, HEAD, OPTIONS");
}

static void
test_malformed_json (void)
{
  g_autoptr(FcTestResponse) broken = fc_test_request (shared, "POST", "/api/v1/auth/oauth/login/",
                                                      NULL, "{\"email\": \"a@b.c\",");
  g_autoptr(FcTestResponse) list = fc_test_request (shared, "POST", "/api/v1/auth/oauth/login/",
                                                    NULL, "[1, 2]");
  const char *detail;

  g_assert_cmpuint (broken->status, ==, 400);
  detail = fc_json_get_string (fc_test_response_object (broken), "detail");
  g_assert_true (g_str_has_prefix (detail, "JSON parse error - "));
  fc_st_assert_response (list, 400,
                         "{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got list.\"]}");
}

static void
test_unsupported_media_type (void)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("x", 1);
  g_autoptr(FcTestResponse) response = fc_test_request_full (shared, "POST",
                                                             "/api/v1/auth/oauth/login/", NULL,
                                                             "text/plain", body);

  fc_st_assert_response (response, 415,
                         "{\"detail\":\"Unsupported media type \\\"text/plain\\\" in request.\"}");
}

static void
test_form_body (void)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("email=x%40y.test&password=", 26);
  g_autoptr(FcTestResponse) response = fc_test_request_full (shared, "POST",
                                                             "/api/v1/auth/oauth/login/", NULL,
                                                             "application/x-www-form-urlencoded",
                                                             body);

  /* Parsed: the blank password is reported like DRF does. */
  fc_st_assert_response (response, 400, "{\"password\":[\"This field may not be blank.\"]}");
}

static void
test_body_too_large (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("max_body_size=2048", FALSE);
  g_autofree char *big = g_strnfill (4096, 'a');
  g_autofree char *json = g_strdup_printf ("{\"email\":\"%s\"}", big);
  g_autoptr(FcTestResponse) response = fc_test_request (server, "POST", "/api/v1/auth/oauth/login/",
                                                        NULL, json);
  g_autoptr(FcTestResponse) after = fc_test_request (server, "GET", "/api/v1/ping/", NULL, NULL);

  fc_st_assert_response (response, 413, "{\"detail\":\"Request body too large.\"}");
  g_assert_cmpuint (after->status, ==, 200);
}

static void
test_cors (void)
{
  g_autoptr(FcTestResponse) preflight = NULL;
  g_autoptr(FcTestResponse) other = NULL;
  g_autoptr(FcTestResponse) simple = NULL;

  preflight = fc_st_request (shared, "OPTIONS", "/api/v1/auth/oauth/login/", NULL, NULL,
                             "Origin", CORS_ORIGIN, "Access-Control-Request-Method", "POST", NULL);
  g_assert_cmpuint (preflight->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (preflight->headers, "Access-Control-Allow-Origin"),
                   ==, CORS_ORIGIN);
  g_assert_cmpstr (soup_message_headers_get_one (preflight->headers, "Access-Control-Allow-Methods"),
                   ==, "DELETE, GET, OPTIONS, PATCH, POST, PUT");
  g_assert_cmpstr (soup_message_headers_get_one (preflight->headers, "Access-Control-Max-Age"),
                   ==, "86400");
  g_assert_nonnull (strstr (soup_message_headers_get_one (preflight->headers,
                                                          "Access-Control-Allow-Headers"),
                            "authorization"));
  g_assert_null (soup_message_headers_get_one (preflight->headers,
                                               "Access-Control-Allow-Credentials"));

  other = fc_st_request (shared, "OPTIONS", "/api/v1/auth/oauth/login/", NULL, NULL,
                         "Origin", "http://evil.example", "Access-Control-Request-Method", "POST",
                         NULL);
  g_assert_cmpuint (other->status, ==, 200);
  g_assert_null (soup_message_headers_get_one (other->headers, "Access-Control-Allow-Origin"));

  simple = fc_st_request (shared, "GET", "/api/v1/ping/", NULL, NULL, "Origin", CORS_ORIGIN, NULL);
  g_assert_cmpstr (soup_message_headers_get_one (simple->headers, "Access-Control-Allow-Origin"),
                   ==, CORS_ORIGIN);
}

static const char registration[] =
  "{\"email\":\"idem@fitcore.test\",\"password1\":\"" FC_ST_PASSWORD "\",\"password2\":\""
  FC_ST_PASSWORD "\",\"first_name\":\"I\",\"last_name\":\"D\"}";
static const char food[] =
  "{\"name\":\"Shake\",\"calories\":300,\"protein\":30,\"carbohydrates\":20,\"fat\":10}";
static const char other_food[] =
  "{\"name\":\"Other shake\",\"calories\":310,\"protein\":30,\"carbohydrates\":20,\"fat\":10}";

#define FOODS "/api/v1/nutrition/foods/"

/* A key belongs to one user and one request: a replay returns the first
 * answer, another body or path under the same key is a 422, and another
 * user's same key is another request. */
static void
test_idempotency (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  g_autofree char *alice = fc_st_register (server, "alice@fitcore.test");
  g_autofree char *bob = fc_st_register (server, "bob@fitcore.test");
  g_autoptr(FcTestResponse) first = NULL;
  g_autoptr(FcTestResponse) again = NULL;
  g_autoptr(FcTestResponse) other_body = NULL;
  g_autoptr(FcTestResponse) other_path = NULL;
  g_autoptr(FcTestResponse) other_user = NULL;
  g_autofree char *first_body = NULL;
  FcSql *db;

  first = fc_st_request (server, "POST", FOODS, alice, food, "Idempotency-Key", "key-1", NULL);
  g_assert_cmpuint (first->status, ==, 201);
  g_assert_null (soup_message_headers_get_one (first->headers, "Idempotent-Replayed"));

  again = fc_st_request (server, "POST", FOODS, alice, food, "Idempotency-Key", "key-1", NULL);
  first_body = fc_st_body (first);
  fc_st_assert_response (again, 201, first_body);
  g_assert_cmpstr (soup_message_headers_get_one (again->headers, "Idempotent-Replayed"), ==, "true");

  other_body = fc_st_request (server, "POST", FOODS, alice, other_food, "Idempotency-Key", "key-1",
                              NULL);
  g_assert_cmpuint (other_body->status, ==, 422);
  g_assert_nonnull (strstr (fc_json_get_string (fc_test_response_object (other_body), "detail"),
                            "different request"));
  other_path = fc_st_request (server, "POST", "/api/v1/nutrition/meals/", alice,
                              "{\"name\":\"Lunch\"}", "Idempotency-Key", "key-1", NULL);
  g_assert_cmpuint (other_path->status, ==, 422);

  other_user = fc_st_request (server, "POST", FOODS, bob, food, "Idempotency-Key", "key-1", NULL);
  g_assert_cmpuint (other_user->status, ==, 201);
  g_assert_null (soup_message_headers_get_one (other_user->headers, "Idempotent-Replayed"));

  db = fc_st_open_db (server);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM foods"), ==, 2);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM idempotency_keys"), ==, 2);
  fc_sql_close (db);
}

/* Anonymous answers (tokens) are never stored: whoever sends the same key
 * again gets a fresh evaluation, never someone else's tokens. */
static void
test_idempotency_anonymous (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  static const char login[] = "{\"email\":\"idem@fitcore.test\",\"password\":\"" FC_ST_PASSWORD "\"}";
  static const char wrong[] = "{\"email\":\"idem@fitcore.test\",\"password\":\"not-it-at-all\"}";
  g_autoptr(FcTestResponse) registered = NULL;
  g_autoptr(FcTestResponse) registered_again = NULL;
  g_autoptr(FcTestResponse) login_first = NULL;
  g_autoptr(FcTestResponse) login_replay = NULL;
  g_autoptr(FcTestResponse) guess = NULL;
  g_autofree char *first_access = NULL;
  g_autofree char *guess_body = NULL;
  g_autofree char *refresh_body = NULL;
  g_autofree char *bogus_refresh_body = NULL;
  g_autoptr(FcTestResponse) refreshed = NULL;
  g_autoptr(FcTestResponse) bogus_refresh = NULL;
  FcSql *db;

  registered = fc_st_request (server, "POST", "/api/v1/auth/registration/", NULL, registration,
                              "Idempotency-Key", "anon-1", NULL);
  g_assert_cmpuint (registered->status, ==, 201);
  registered_again = fc_st_request (server, "POST", "/api/v1/auth/registration/", NULL,
                                    registration, "Idempotency-Key", "anon-1", NULL);
  g_assert_cmpuint (registered_again->status, ==, 400);
  g_assert_null (soup_message_headers_get_one (registered_again->headers, "Idempotent-Replayed"));

  login_first = fc_st_request (server, "POST", "/api/v1/auth/oauth/login/", NULL, login,
                               "Idempotency-Key", "anon-2", NULL);
  g_assert_cmpuint (login_first->status, ==, 200);
  first_access = g_strdup (fc_json_get_string (fc_test_response_object (login_first), "access"));
  login_replay = fc_st_request (server, "POST", "/api/v1/auth/oauth/login/", NULL, login,
                                "Idempotency-Key", "anon-2", NULL);
  g_assert_cmpuint (login_replay->status, ==, 200);
  g_assert_null (soup_message_headers_get_one (login_replay->headers, "Idempotent-Replayed"));
  g_assert_cmpstr (fc_json_get_string (fc_test_response_object (login_replay), "access"), !=,
                   first_access);

  /* Another caller with the key and no password gets no tokens. */
  guess = fc_st_request (server, "POST", "/api/v1/auth/oauth/login/", NULL, wrong,
                         "Idempotency-Key", "anon-2", NULL);
  g_assert_cmpuint (guess->status, ==, 400);
  guess_body = fc_st_body (guess);
  g_assert_null (strstr (guess_body, first_access));

  refresh_body = g_strdup_printf ("{\"refresh\":\"%s\"}",
                                  fc_json_get_string (fc_test_response_object (registered),
                                                      "refresh"));
  refreshed = fc_st_request (server, "POST", "/api/v1/auth/oauth/token/refresh/", NULL,
                             refresh_body, "Idempotency-Key", "anon-3", NULL);
  g_assert_cmpuint (refreshed->status, ==, 200);
  bogus_refresh = fc_st_request (server, "POST", "/api/v1/auth/oauth/token/refresh/", NULL,
                                 "{\"refresh\":\"not-a-token\"}", "Idempotency-Key", "anon-3",
                                 NULL);
  g_assert_cmpuint (bogus_refresh->status, ==, 401);
  bogus_refresh_body = fc_st_body (bogus_refresh);
  g_assert_null (strstr (bogus_refresh_body, "access"));

  db = fc_st_open_db (server);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM idempotency_keys"), ==, 0);
  fc_sql_close (db);
}

/* A failed write is rolled back and not recorded: the same key can then
 * carry the corrected request. */
static void
test_idempotency_after_error (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  g_autofree char *alice = fc_st_register (server, "alice@fitcore.test");
  g_autoptr(FcTestResponse) bad = NULL;
  g_autoptr(FcTestResponse) good = NULL;

  bad = fc_st_request (server, "POST", FOODS, alice, "{}", "Idempotency-Key", "key-2", NULL);
  g_assert_cmpuint (bad->status, ==, 400);
  good = fc_st_request (server, "POST", FOODS, alice, food, "Idempotency-Key", "key-2", NULL);
  g_assert_cmpuint (good->status, ==, 201);
  g_assert_null (soup_message_headers_get_one (good->headers, "Idempotent-Replayed"));
}

static void
check_page (FcTestServer *server,
            const char   *path,
            gint64        count,
            const char   *next,
            const char   *previous,
            guint         n_results)
{
  g_autoptr(FcTestResponse) response = fc_test_request (server, "GET", path, NULL, NULL);
  JsonObject *page = fc_test_response_object (response);
  g_autofree char *next_url = next != NULL ? g_strconcat (server->base_url, next, NULL) : NULL;
  g_autofree char *previous_url = previous != NULL ? g_strconcat (server->base_url, previous, NULL)
                                                   : NULL;
  gint64 value = -1;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (fc_json_get_int (page, "count", &value));
  g_assert_cmpint (value, ==, count);
  g_assert_cmpstr (fc_json_get_string (page, "next"), ==, next_url);
  g_assert_cmpstr (fc_json_get_string (page, "previous"), ==, previous_url);
  g_assert_true (next != NULL || fc_json_is_null (page, "next"));
  g_assert_true (previous != NULL || fc_json_is_null (page, "previous"));
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (page, "results")), ==, n_results);
}

/* DRF's PageNumberPagination, seen through the demo's public foods. */
static void
test_pagination (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, TRUE);
  g_autoptr(FcTestResponse) first = fc_test_request (server, "GET", "/api/v1/nutrition/foods/",
                                                     NULL, NULL);
  g_autoptr(FcTestResponse) invalid = NULL;
  g_autoptr(FcTestResponse) beyond = NULL;
  g_autofree char *last_path = NULL;
  g_autofree char *last_previous = NULL;
  gint64 count = 0, n_pages;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_true (fc_json_get_int (fc_test_response_object (first), "count", &count));
  g_assert_cmpint (count, >, 20);
  n_pages = (count + 9) / 10;

  check_page (server, "/api/v1/nutrition/foods/", count, "/api/v1/nutrition/foods/?page=2", NULL, 10);
  /* Back to page 1 without ?page=1; other parameters kept, sorted. */
  check_page (server, "/api/v1/nutrition/foods/?page=2", count, "/api/v1/nutrition/foods/?page=3",
              "/api/v1/nutrition/foods/", 10);
  check_page (server, "/api/v1/nutrition/foods/?search=&page=2", count,
              "/api/v1/nutrition/foods/?page=3&search=", "/api/v1/nutrition/foods/?search=", 10);
  last_previous = g_strdup_printf ("/api/v1/nutrition/foods/?page=%" G_GINT64_FORMAT, n_pages - 1);
  check_page (server, "/api/v1/nutrition/foods/?page=last", count, NULL, last_previous,
              count - (n_pages - 1) * 10);
  /* page_size is honoured, on foods up to 1000 (a first sync's pages). */
  check_page (server, "/api/v1/nutrition/foods/?page_size=7", count,
              "/api/v1/nutrition/foods/?page=2&page_size=7", NULL, 7);
  check_page (server, "/api/v1/nutrition/foods/?page_size=5000", count,
              count > 1000 ? "/api/v1/nutrition/foods/?page=2&page_size=5000" : NULL, NULL,
              MIN (count, 1000));

  invalid = fc_test_request (server, "GET", "/api/v1/nutrition/foods/?page=abc", NULL, NULL);
  fc_st_assert_response (invalid, 404, "{\"detail\":\"Invalid page.\"}");
  last_path = g_strdup_printf ("/api/v1/nutrition/foods/?page=%" G_GINT64_FORMAT, n_pages + 1);
  beyond = fc_test_request (server, "GET", last_path, NULL, NULL);
  fc_st_assert_response (beyond, 404, "{\"detail\":\"Invalid page.\"}");
}

typedef struct {
  FcTestServer   *server;
  FcTestResponse *response;
} SlowRequest;

static gpointer
slow_registration_thread (gpointer data)
{
  SlowRequest *slow = data;

  slow->response = fc_test_request (slow->server, "POST", "/api/v1/auth/registration/", NULL,
                                    registration);
  return NULL;
}

/* SIGTERM while a registration hashes (five million rounds, about 1 s
 * here: long enough to be in flight when the signal comes 200 ms in,
 * short enough to end within the server's 10 s grace on a loaded 2-core
 * machine, which twenty million did not): the request still gets its
 * answer and the server exits 0. */
static void
test_sigterm_finishes_in_flight (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start ("[server]\npassword_iterations=5000000\n",
                                                         NULL);
  SlowRequest slow = { server, NULL };
  gint64 started = g_get_monotonic_time ();
  GThread *thread = g_thread_new ("slow", slow_registration_thread, &slow);
  g_autoptr(FcTestResponse) response = NULL;


  /* Long enough for the request to be in flight, far shorter than the hash. */
  g_usleep (200 * 1000);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
  g_thread_join (thread);
  response = slow.response;
  g_assert_cmpuint (response->status, ==, 201);
  g_test_message ("registration answered after %.2f s", (g_get_monotonic_time () - started) / 1e6);
}

/* A client that hangs up halfway through its headers made no request:
 * SIGTERM still exits at once instead of waiting out the grace period. */
static void
test_sigterm_after_partial_requests (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GUri) uri = g_uri_parse (server->base_url, G_URI_FLAGS_NONE, NULL);
  gint64 started;

  for (int i = 0; i < 3; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) connection =
      g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL, &error);
    static const char partial[] = "GET /api/v1/ping/ HTTP/1.1\r\nHo";

    g_assert_no_error (error);
    g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                              partial, strlen (partial), NULL, NULL, &error));
    g_usleep (50 * 1000);
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  }
  g_usleep (200 * 1000);

  started = g_get_monotonic_time ();
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fc_st_init_environment ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/framework/api-root", test_api_root);
  g_test_add_func ("/server/framework/ping", test_ping);
  g_test_add_func ("/server/framework/not-found", test_not_found);
  g_test_add_func ("/server/framework/redirect-to-slash", test_redirect);
  g_test_add_func ("/server/framework/method-not-allowed", test_method_not_allowed);
  g_test_add_func ("/server/framework/malformed-json", test_malformed_json);
  g_test_add_func ("/server/framework/unsupported-media-type", test_unsupported_media_type);
  g_test_add_func ("/server/framework/form-body", test_form_body);
  g_test_add_func ("/server/framework/body-too-large", test_body_too_large);
  g_test_add_func ("/server/framework/cors", test_cors);
  g_test_add_func ("/server/framework/idempotency", test_idempotency);
  g_test_add_func ("/server/framework/idempotency-anonymous", test_idempotency_anonymous);
  g_test_add_func ("/server/framework/idempotency-after-error", test_idempotency_after_error);
  g_test_add_func ("/server/framework/pagination", test_pagination);
  g_test_add_func ("/server/framework/sigterm-finishes-in-flight", test_sigterm_finishes_in_flight);
  g_test_add_func ("/server/framework/sigterm-after-partial-requests",
                   test_sigterm_after_partial_requests);

  shared = fc_st_start ("cors_origins=" CORS_ORIGIN, FALSE);
  status = g_test_run ();
  fc_test_server_free (shared);
  return status;
}
