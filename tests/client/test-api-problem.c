/* test-api-problem.c — base URL rules and DRF error bodies, no network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The error bodies are the ones recorded from the Django backend
 * (../shared/fitcore-django-wire.md beside the repository, "Error shapes").
 */

#include "config.h"

#include "fc-api-client.h"
#include "fc-api-problem.h"
#include "fc-json.h"

#include "client-test-util.h"

static FcApiProblem *
problem_new (guint       status,
             const char *content_type,
             const char *body)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return fc_api_problem_new_from_response (status, content_type, bytes, NULL);
}

static void
assert_messages (const char * const *messages,
                 const char * const *expected)
{
  g_assert_nonnull (messages);
  g_assert_cmpstrv (messages, expected);
}

static void
test_url_https (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *with_path = NULL;

  g_assert_true (fc_api_client_check_base_url ("https://fitcore.example.com", &normalized, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, "https://fitcore.example.com/");

  g_assert_true (fc_api_client_check_base_url ("HTTPS://fitcore.example.com:8443/fitcore",
                                               &with_path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (with_path, ==, "https://fitcore.example.com:8443/fitcore/");
}

static void
test_url_loopback (void)
{
  const char *urls[] = {
    "http://127.0.0.1:8000", "http://127.0.0.1:8000/", "http://127.42.3.4/",
    "http://[::1]:8000/", "http://localhost:8765", "http://LocalHost/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *normalized = NULL;

    g_test_message ("%s", urls[i]);
    g_assert_true (fc_api_client_check_base_url (urls[i], &normalized, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (normalized, "http://"));
    g_assert_true (g_str_has_suffix (normalized, "/"));
  }
}

static void
test_url_insecure (void)
{
  const char *urls[] = {
    "http://fitcore.example.com/", "http://10.0.0.1:8000/", "http://128.0.0.1/",
    "http://192.168.1.2/", "http://localhost.evil.example/", "http://[::2]/",
    "", "fitcore.example.com", "ftp://fitcore.example.com/", "https://", "file:///etc/passwd",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *normalized = NULL;

    g_test_message ("\"%s\"", urls[i]);
    g_assert_false (fc_api_client_check_base_url (urls[i], &normalized, &error));
    g_assert_error (error, FC_API_ERROR, FC_API_ERROR_INSECURE_URL);
    g_assert_null (normalized);
  }
}

static void
test_url_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiClient) client = fc_api_client_new ("http://fitcore.example.com/", &error);

  g_assert_null (client);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_INSECURE_URL);
  g_clear_error (&error);

  client = fc_api_client_new ("http://127.0.0.1:9/", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fc_api_client_get_base_url (client), ==, "http://127.0.0.1:9/");

  /* Tokens are for the server that issued them. */
  fc_api_client_set_tokens (client, "access", "refresh");
  g_assert_true (fc_api_client_is_signed_in (client));
  g_assert_false (fc_api_client_set_base_url (client, "http://fitcore.example.com/", &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_INSECURE_URL);
  g_assert_false (fc_api_client_is_signed_in (client));
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_url_property (void)
{
  g_autoptr(FcApiClient) client = g_object_new (FC_TYPE_API_CLIENT,
                                                "base-url", "http://fitcore.example.com/", NULL);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* Set as a property, a bad address is kept, and every request says why. */
  fc_api_client_request_async (client, "GET", "nutrition/foods/", NULL, NULL,
                               FC_API_REQUEST_NONE, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  node = fc_api_client_request_finish (client, result, NULL, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_INSECURE_URL);
}

static void
test_problem_fields (void)
{
  g_autoptr(FcApiProblem) problem =
    problem_new (400, "application/json",
                 "{\"calories\":[\"Ensure this value is greater than or equal to 0.\"],"
                 "\"protein\":[\"A valid number is required.\"]}");
  g_auto(GStrv) names = fc_api_problem_dup_field_names (problem);
  g_autofree char *message = fc_api_problem_dup_message (problem);
  g_autoptr(GError) error = fc_api_problem_to_error (problem);

  g_assert_cmpuint (fc_api_problem_get_status (problem), ==, 400);
  g_assert_cmpint (fc_api_problem_get_code (problem), ==, FC_API_ERROR_VALIDATION);
  g_assert_cmpstrv (names, ((const char *[]) { "calories", "protein", NULL }));
  assert_messages (fc_api_problem_get_field_messages (problem, "calories"),
                   (const char *[]) { "Ensure this value is greater than or equal to 0.", NULL });
  assert_messages (fc_api_problem_get_field_messages (problem, "protein"),
                   (const char *[]) { "A valid number is required.", NULL });
  g_assert_null (fc_api_problem_get_field_messages (problem, "fat"));
  g_assert_cmpstrv (fc_api_problem_get_non_field_messages (problem), ((const char *[]) { NULL }));
  g_assert_null (fc_api_problem_get_detail (problem));
  g_assert_nonnull (fc_api_problem_get_raw (problem));
  g_assert_cmpuint (g_hash_table_size (fc_api_problem_get_fields (problem)), ==, 2);
  g_assert_cmpstr (message, ==,
                   "calories: Ensure this value is greater than or equal to 0.\n"
                   "protein: A valid number is required.");
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
}

static void
test_problem_several_messages (void)
{
  g_autoptr(FcApiProblem) problem =
    problem_new (400, "application/json",
                 "{\"password1\":[\"This password is too short. It must contain at least 8 "
                 "characters.\",\"This password is too common.\",\"This password is entirely "
                 "numeric.\"]}");

  assert_messages (fc_api_problem_get_field_messages (problem, "password1"),
                   (const char *[]) {
                     "This password is too short. It must contain at least 8 characters.",
                     "This password is too common.", "This password is entirely numeric.", NULL });
}

static void
test_problem_non_field (void)
{
  g_autoptr(FcApiProblem) problem =
    problem_new (400, "application/json",
                 "{\"non_field_errors\":[\"Unable to log in with provided credentials.\"]}");
  g_auto(GStrv) names = fc_api_problem_dup_field_names (problem);
  g_autoptr(GError) error = fc_api_problem_to_error (problem);

  g_assert_cmpint (fc_api_problem_get_code (problem), ==, FC_API_ERROR_VALIDATION);
  g_assert_cmpstrv (names, ((const char *[]) { NULL }));
  assert_messages (fc_api_problem_get_non_field_messages (problem),
                   (const char *[]) { "Unable to log in with provided credentials.", NULL });
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_cmpstr (error->message, ==, "Unable to log in with provided credentials.");
}

static void
test_problem_bare_list (void)
{
  g_autoptr(FcApiProblem) problem =
    problem_new (400, "application/json", "[\"This email is already register\"]");
  g_autofree char *message = fc_api_problem_dup_message (problem);

  g_assert_cmpint (fc_api_problem_get_code (problem), ==, FC_API_ERROR_VALIDATION);
  assert_messages (fc_api_problem_get_non_field_messages (problem),
                   (const char *[]) { "This email is already register", NULL });
  g_assert_cmpuint (g_hash_table_size (fc_api_problem_get_fields (problem)), ==, 0);
  g_assert_cmpstr (message, ==, "This email is already register");
}

static void
test_problem_nested_items (void)
{
  g_autoptr(FcApiProblem) problem =
    problem_new (400, "application/json",
                 "{\"meal_time_category\":[\"\\\"BRUNCH\\\" is not a valid choice.\"],"
                 "\"meal_items\":[{},{\"food\":[\"Invalid pk \\\"9999\\\" - object does not "
                 "exist.\"]},{\"number_of_servings\":[\"Ensure this value is greater than or "
                 "equal to 0.01.\"]},{\"food\":[\"This field is required.\"]}]}");
  g_auto(GStrv) names = fc_api_problem_dup_field_names (problem);

  g_assert_cmpstrv (names, ((const char *[]) { "meal_items.1.food", "meal_items.2.number_of_servings",
                                              "meal_items.3.food", "meal_time_category", NULL }));
  assert_messages (fc_api_problem_get_field_messages (problem, "meal_items.1.food"),
                   (const char *[]) { "Invalid pk \"9999\" - object does not exist.", NULL });
  assert_messages (fc_api_problem_get_field_messages (problem, "meal_items.3.food"),
                   (const char *[]) { "This field is required.", NULL });
  assert_messages (fc_api_problem_get_field_messages (problem, "meal_time_category"),
                   (const char *[]) { "\"BRUNCH\" is not a valid choice.", NULL });
  g_assert_null (fc_api_problem_get_field_messages (problem, "meal_items.0"));
}

static void
test_problem_nested_non_field (void)
{
  g_autoptr(FcApiProblem) problem =
    problem_new (400, "application/json",
                 "{\"meal_items\":{\"non_field_errors\":[\"Expected a list of items but got type "
                 "\\\"dict\\\".\"]}}");

  assert_messages (fc_api_problem_get_field_messages (problem, "meal_items"),
                   (const char *[]) { "Expected a list of items but got type \"dict\".", NULL });
  g_assert_cmpstrv (fc_api_problem_get_non_field_messages (problem), ((const char *[]) { NULL }));
}

static void
test_problem_token (void)
{
  g_autoptr(FcApiProblem) problem =
    problem_new (401, "application/json",
                 "{\"detail\":\"Given token not valid for any token type\",\"code\":\"token_not_valid\","
                 "\"messages\":[{\"token_class\":\"AccessToken\",\"token_type\":\"access\","
                 "\"message\":\"Token is expired\"}]}");
  g_autoptr(GError) error = fc_api_problem_to_error (problem);

  g_assert_cmpint (fc_api_problem_get_code (problem), ==, FC_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (fc_api_problem_get_detail (problem), ==,
                   "Given token not valid for any token type");
  g_assert_cmpstr (fc_api_problem_get_server_code (problem), ==, "token_not_valid");
  g_assert_cmpuint (g_hash_table_size (fc_api_problem_get_fields (problem)), ==, 0);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED);
}

static void
test_problem_detail (void)
{
  struct {
    guint status;
    FcApiError code;
    const char *body;
  } cases[] = {
    { 403, FC_API_ERROR_FORBIDDEN, "{\"detail\":\"You do not have permission to perform this action.\"}" },
    { 404, FC_API_ERROR_NOT_FOUND, "{\"detail\":\"No Food matches the given query.\"}" },
    { 405, FC_API_ERROR_VALIDATION, "{\"detail\":\"Method \\\"GET\\\" not allowed.\"}" },
    { 401, FC_API_ERROR_UNAUTHORIZED, "{\"detail\":\"User not found\",\"code\":\"user_not_found\"}" },
    { 500, FC_API_ERROR_SERVER, "{\"detail\":\"An error has occurred.\"}" },
    { 400, FC_API_ERROR_VALIDATION, "{\"detail\":\"JSON parse error - Expecting ',' delimiter\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(FcApiProblem) problem = problem_new (cases[i].status, "application/json",
                                                   cases[i].body);
    g_autoptr(JsonObject) body = fc_json_parse_object (cases[i].body, -1, NULL);
    g_autoptr(GError) error = fc_api_problem_to_error (problem);

    g_assert_cmpint (fc_api_problem_get_code (problem), ==, cases[i].code);
    g_assert_cmpstr (fc_api_problem_get_detail (problem), ==, fc_json_get_string (body, "detail"));
    g_assert_error (error, FC_API_ERROR, (int) cases[i].code);
    g_assert_cmpstr (error->message, ==, fc_json_get_string (body, "detail"));
  }
}

static void
test_problem_html (void)
{
  const char *page = "<!DOCTYPE html>\n<html lang=\"en\"><head><title>RuntimeError at "
                     "/api/v1/nutrition/foods</title></head><body>Traceback</body></html>";
  g_autoptr(FcApiProblem) server = problem_new (500, "text/html; charset=utf-8", page);
  g_autoptr(FcApiProblem) not_found = problem_new (404, "text/html", page);
  g_autoptr(FcApiProblem) untyped = problem_new (400, NULL, "  <html></html>");
  g_autoptr(GError) error = fc_api_problem_to_error (server);

  g_assert_cmpint (fc_api_problem_get_code (server), ==, FC_API_ERROR_SERVER);
  g_assert_null (fc_api_problem_get_raw (server));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==, "The server answered with an HTML page (status 500)");

  /* The Django backend's unknown URLs: a section that is absent. */
  g_assert_cmpint (fc_api_problem_get_code (not_found), ==, FC_API_ERROR_NOT_FOUND);

  /* A 400 that is no DRF error (Django's DisallowedHost page, say). */
  g_assert_cmpint (fc_api_problem_get_code (untyped), ==, FC_API_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (fc_api_problem_get_detail (untyped), ==,
                   "The server answered with an HTML page (status 400)");
}

static void
test_problem_malformed (void)
{
  g_autoptr(FcApiProblem) bad = problem_new (400, "application/json", "{\"email\": [\"Enter");
  g_autoptr(FcApiProblem) ok_status = problem_new (200, "application/json", "{\"access\":");
  g_autoptr(FcApiProblem) server = problem_new (502, "application/json", "not json");
  g_autoptr(FcApiProblem) empty = problem_new (503, NULL, NULL);
  g_autofree char *empty_message = fc_api_problem_dup_message (empty);

  g_assert_cmpint (fc_api_problem_get_code (bad), ==, FC_API_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (fc_api_problem_get_detail (bad), ==,
                   "The server answered with malformed JSON (status 400)");
  g_assert_cmpint (fc_api_problem_get_code (ok_status), ==, FC_API_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (fc_api_problem_get_detail (ok_status), ==,
                   "The server answered with malformed JSON (status 200)");
  g_assert_cmpint (fc_api_problem_get_code (server), ==, FC_API_ERROR_SERVER);
  g_assert_cmpint (fc_api_problem_get_code (empty), ==, FC_API_ERROR_SERVER);
  g_assert_cmpstr (empty_message, ==, "The server ran into a problem (status 503).");
}

static void
test_problem_throttled (void)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"detail\":\"Request was throttled.\"}", 35);
  g_autoptr(FcApiProblem) problem = fc_api_problem_new_from_response (429, "application/json",
                                                                      body, "30");
  g_autoptr(FcApiProblem) no_body = fc_api_problem_new_from_response (429, NULL, NULL, "7");
  g_autofree char *message = fc_api_problem_dup_message (no_body);

  g_assert_cmpint (fc_api_problem_get_code (problem), ==, FC_API_ERROR_THROTTLED);
  g_assert_cmpuint (fc_api_problem_get_retry_after (problem), ==, 30);
  g_assert_cmpstr (fc_api_problem_get_detail (problem), ==, "Request was throttled.");
  g_assert_cmpstr (message, ==, "Too many requests. Try again in 7 seconds.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/client/url/https", test_url_https);
  g_test_add_func ("/client/url/loopback", test_url_loopback);
  g_test_add_func ("/client/url/insecure", test_url_insecure);
  g_test_add_func ("/client/url/client", test_url_client);
  g_test_add_func ("/client/url/property", test_url_property);
  g_test_add_func ("/client/problem/fields", test_problem_fields);
  g_test_add_func ("/client/problem/several-messages", test_problem_several_messages);
  g_test_add_func ("/client/problem/non-field", test_problem_non_field);
  g_test_add_func ("/client/problem/bare-list", test_problem_bare_list);
  g_test_add_func ("/client/problem/nested-items", test_problem_nested_items);
  g_test_add_func ("/client/problem/nested-non-field", test_problem_nested_non_field);
  g_test_add_func ("/client/problem/token", test_problem_token);
  g_test_add_func ("/client/problem/detail", test_problem_detail);
  g_test_add_func ("/client/problem/html", test_problem_html);
  g_test_add_func ("/client/problem/malformed", test_problem_malformed);
  g_test_add_func ("/client/problem/throttled", test_problem_throttled);

  return g_test_run ();
}
