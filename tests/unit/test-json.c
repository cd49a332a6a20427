/* test-json.c — the type-checking JSON accessors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-json.h"

static void
test_parse_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) object = NULL;

  node = fc_json_parse ("{\"a\": 1,", -1, &error);
  g_assert_null (node);
  g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "JSON parse error - "));
  g_clear_error (&error);

  node = fc_json_parse ("", 0, &error);
  g_assert_null (node);
  g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE);
  g_clear_error (&error);

  /* An HTML error page, as the Django backend sends for a 500. */
  node = fc_json_parse ("<!DOCTYPE html><html><body>Server Error</body></html>", -1, &error);
  g_assert_null (node);
  g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE);
  g_clear_error (&error);

  object = fc_json_parse_object ("[\"This email is already register\"]", -1, &error);
  g_assert_null (object);
  g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_TYPE);
}

static void
test_accessors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  gint64 i = -1;
  double d = -1;
  gboolean b = FALSE;

  object = fc_json_parse_object ("{\"id\": 7, \"calories\": 105.0, \"fat\": 0.6000000000000001,"
                                 " \"name\": \"Banana\", \"is_public\": true, \"img\": null,"
                                 " \"user\": {\"pk\": 2}, \"items\": [1, 2], \"age\": \"31\","
                                 " \"half\": 2.5}",
                                 -1, &error);
  g_assert_no_error (error);

  g_assert_true (fc_json_get_int (object, "id", &i));
  g_assert_cmpint (i, ==, 7);
  /* 105.0 is a whole number: accepted as an integer. 2.5 is not. */
  g_assert_true (fc_json_get_int (object, "calories", &i));
  g_assert_cmpint (i, ==, 105);
  g_assert_false (fc_json_get_int (object, "half", &i));
  /* A string is never silently a number. */
  g_assert_false (fc_json_get_int (object, "age", &i));
  g_assert_false (fc_json_get_double (object, "name", &d));

  g_assert_true (fc_json_get_double (object, "id", &d));
  g_assert_cmpfloat (d, ==, 7.0);
  g_assert_true (fc_json_get_double (object, "fat", &d));
  g_assert_cmpfloat_with_epsilon (d, 0.6, 1e-9);

  g_assert_cmpstr (fc_json_get_string (object, "name"), ==, "Banana");
  g_assert_null (fc_json_get_string (object, "id"));
  g_assert_null (fc_json_get_string (object, "missing"));
  g_assert_null (fc_json_get_string (object, "img"));

  g_assert_true (fc_json_get_boolean (object, "is_public", &b));
  g_assert_true (b);
  g_assert_false (fc_json_get_boolean (object, "id", &b));

  g_assert_true (fc_json_is_null (object, "img"));
  g_assert_false (fc_json_is_null (object, "missing"));
  g_assert_true (fc_json_has_member (object, "img"));
  g_assert_false (fc_json_has_member (object, "missing"));

  g_assert_nonnull (fc_json_get_object (object, "user"));
  g_assert_null (fc_json_get_object (object, "items"));
  g_assert_nonnull (fc_json_get_array (object, "items"));
  g_assert_null (fc_json_get_array (object, "user"));

  /* NULL objects are tolerated, so chained look-ups need no checks. */
  g_assert_null (fc_json_get_string (fc_json_get_object (object, "nope"), "pk"));
}

static char *
nested (const char *open,
        const char *close,
        guint       depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  g_string_append (text, "1");
  for (guint i = 0; i < depth; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

static void
test_depth_scan (void)
{
  g_autofree char *at_limit = nested ("[", "]", FC_JSON_MAX_DEPTH);
  g_autofree char *over = nested ("{\"a\":", "}", FC_JSON_MAX_DEPTH + 1);
  g_autofree char *objects_at_limit = nested ("{\"a\":", "}", FC_JSON_MAX_DEPTH);
  g_autofree char *huge = g_strnfill (80000, '[');

  g_assert_true (fc_json_check_depth ("[[1]]", -1, 2));
  g_assert_false (fc_json_check_depth ("[[[1]]]", -1, 2));
  /* Siblings do not add up: depth, not count. */
  g_assert_true (fc_json_check_depth ("[[1],[2],{\"a\":3}]", -1, 2));
  /* Brackets inside strings are text, escaped quotes do not end a string,
   * and an escaped backslash does not escape the quote after it. */
  g_assert_true (fc_json_check_depth ("[\"[[[{{{\"]", -1, 1));
  g_assert_true (fc_json_check_depth ("[\"\\\"[[[\"]", -1, 1));
  g_assert_false (fc_json_check_depth ("[\"\\\\\"[[]]]", -1, 1));
  g_assert_true (fc_json_check_depth ("{\"[[[\": \"}}}{{{\"}", -1, 1));
  /* A length bounds the scan; stray closers do not buy depth. */
  g_assert_true (fc_json_check_depth ("[[[", 1, 1));
  g_assert_false (fc_json_check_depth ("]]]][[", -1, 1));
  g_assert_true (fc_json_check_depth ("", 0, 0));

  g_assert_true (fc_json_check_depth (at_limit, -1, FC_JSON_MAX_DEPTH));
  g_assert_false (fc_json_check_depth (over, -1, FC_JSON_MAX_DEPTH));
  g_assert_false (fc_json_check_depth (huge, -1, FC_JSON_MAX_DEPTH));
}

/* The parser itself: exactly at the limit parses, one over is refused with
 * its own error before json-glib recurses into it (80,000 levels overflowed
 * the stack before). */
static void
test_depth_parse (void)
{
  g_autofree char *at_limit = nested ("[", "]", FC_JSON_MAX_DEPTH);
  g_autofree char *over = nested ("[", "]", FC_JSON_MAX_DEPTH + 1);
  g_autofree char *huge_arrays = g_strnfill (80000, '[');
  g_autoptr(GString) huge_objects = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = fc_json_parse (at_limit, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  g_clear_pointer (&node, json_node_unref);
  node = fc_json_parse (over, -1, &error);
  g_assert_null (node);
  g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_DEPTH);
  g_assert_true (g_str_has_prefix (error->message, "JSON parse error - "));
  g_clear_error (&error);

  node = fc_json_parse (huge_arrays, -1, &error);
  g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_DEPTH);
  g_clear_error (&error);

  for (guint i = 0; i < 60000; i++)
    g_string_append (huge_objects, "{\"a\":");
  node = fc_json_parse (huge_objects->str, huge_objects->len, &error);
  g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_DEPTH);
}

/* Half a surrogate pair would become bytes that are not UTF-8; a whole
 * pair and other escapes still parse. */
static void
test_surrogates (void)
{
  static const char * const refused[] = {
    "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"a\\ud83dz\"]", "[\"\\ud83d\\u0041\"]",
    "{\"\\udfff\": 1}", "[\"\\ud800", "[\"\\ud80i\"]", "[\"\\u12\"]",
    /* Escapes JSON does not have: GScanner read "\720" as the byte 0xD0
     * (found by tests/fuzz in a password field). */
    "[\"92233\\72036854775807\"]", "[\"\\x41\"]", "[\"\\a\"]", "[\"\\0\"]",
    /* NUL: every string reaches C code NUL-terminated, so json-glib's copy
     * of "MONTHLY\u0000x" read as "MONTHLY" (seen at payments/checkout/). */
    "{\"plan\": \"MONTHLY\\u0000\"}", "[\"a\\u0000b\"]", "{\"\\u0000\": 1}",
  };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    node = fc_json_parse (refused[i], -1, &error);
    g_assert_null (node);
    g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE);
    g_clear_error (&error);
  }

  /* An escaped backslash before "u0000" is no NUL. */
  node = fc_json_parse ("[\"\\\\u0000\"]", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0), ==, "\\u0000");
  g_clear_pointer (&node, json_node_unref);

  node = fc_json_parse ("[\"\\ud83d\\ude00 \\\\ud800 \\u00e9\"]", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0), ==,
                   "\xf0\x9f\x98\x80 \\ud800 \xc3\xa9");
}

/* Every double comes back as JSON that parses to the same value, strings
 * that look like numbers untouched. */
static void
test_doubles_round_trip (void)
{
  static const double values[] = { 1e17, -1e17, 1e300, 2.5e-300, 1e-7, 0.5, 3.0, 123456789012.0 };
  g_autoptr(JsonNode) text_node = json_node_new (JSON_NODE_VALUE);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
    g_autoptr(JsonArray) array = json_array_new ();
    g_autoptr(JsonNode) back = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    json_array_add_double_element (array, values[i]);
    json_array_add_string_element (array, "1e+17.0");
    json_node_set_array (node, array);
    text = fc_json_to_string (node, FALSE);
    back = fc_json_parse (text, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (json_array_get_double_element (json_node_get_array (back), 0), ==, values[i]);
    g_assert_cmpstr (json_array_get_string_element (json_node_get_array (back), 1), ==, "1e+17.0");
  }
  json_node_set_string (text_node, "e.0 \"1e5.0\"");
  {
    g_autofree char *text = fc_json_to_string (text_node, FALSE);

    g_assert_cmpstr (text, ==, "\"e.0 \\\"1e5.0\\\"\"");
  }
}

/* What a pull reads off a page without a tree: the same next, count and
 * ids json-glib would give (first member where one comes twice). */
static void
test_scan_page (void)
{
  g_auto(FcJsonPage) page = { 0 };
  g_autoptr(GError) error = NULL;
  const char *envelope =
    " {\"count\": 12, \"next\": \"http://h/api/v1/foods/?page=2\\u0026x=\\/1\","
    "  \"previous\": null, \"results\": ["
    "  {\"id\": 5, \"name\": \"A \\\"b\\\" \\ud83c\\udf4c\", \"nested\": {\"id\": 77}},"
    "  {\"name\": \"no id\"}, {\"id\": 6.0}, {\"id\": 6.5}, {\"id\": \"7\"}, 42, null,"
    "  [ {\"id\": 8} ], {\"user\": {\"id\": 9}, \"id\": -3, \"id\": 10},"
    "  {\"i\\u0064\": 11} ], \"results\": [] } ";
  const char *list = "[{\"id\": 1}, {\"id\": 2}]";
  const char *empty = "{\"results\": []}";

  g_assert_true (fc_json_scan_page (envelope, strlen (envelope), &page, &error));
  g_assert_no_error (error);
  g_assert_false (page.is_list);
  g_assert_cmpstr (page.next, ==, "http://h/api/v1/foods/?page=2&x=/1");
  g_assert_cmpint (page.count, ==, 12);
  g_assert_cmpuint (page.n_items, ==, 10);
  g_assert_cmpuint (page.ids->len, ==, 4);
  g_assert_cmpint (g_array_index (page.ids, gint64, 0), ==, 5);
  g_assert_cmpint (g_array_index (page.ids, gint64, 1), ==, 6);
  g_assert_cmpint (g_array_index (page.ids, gint64, 2), ==, -3);
  g_assert_cmpint (g_array_index (page.ids, gint64, 3), ==, 11);
  fc_json_page_clear (&page);

  g_assert_true (fc_json_scan_page (list, strlen (list), &page, &error));
  g_assert_true (page.is_list);
  g_assert_null (page.next);
  g_assert_cmpint (page.count, ==, -1);
  g_assert_cmpuint (page.n_items, ==, 2);
  g_assert_cmpuint (page.ids->len, ==, 2);
  fc_json_page_clear (&page);

  g_assert_true (fc_json_scan_page (empty, strlen (empty), &page, &error));
  g_assert_cmpuint (page.n_items, ==, 0);
  g_assert_null (page.next);
  g_assert_cmpint (page.count, ==, -1);
}

/* A page is refused whole where it is not JSON as RFC 8259 has it
 * (json-glib takes a few more, such as 01), or where it holds no list. */
static void
test_scan_page_refused (void)
{
  const char *not_json[] = {
    "", " ", "{", "[", "[1,]", "{\"results\":[]} x", "{\"results\":[],}", "{results:[]}",
    "{\"results\":[01]}", "{\"results\":[1.]}", "{\"results\":[-]}", "{\"results\":[tru]}",
    "{\"results\":[\"a\nb\"]}", "{\"results\":[\"\\x\"]}", "{\"results\":[\"\\u12\"]}",
    "{\"results\":[\"\\ud800\"]}", "{\"results\":[\"\\u0000\"]}", "{\"results\":[\"\xff\"]}",
    "{\"results\":[\"abc]}", "{\"results\" []}", "{\"results\":[{\"id\":1 \"x\":2}]}",
    "[1] [2]",
  };
  const char *no_list[] = {
    "{}", "{\"results\":{}}", "{\"results\":null,\"results\":[]}", "{\"count\":1}", "null",
    "42", "\"x\"",
  };
  g_autoptr(GString) deep = g_string_new ("{\"results\":[");

  for (guint i = 0; i < G_N_ELEMENTS (not_json); i++) {
    g_auto(FcJsonPage) page = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *shown = g_strescape (not_json[i], NULL);

    g_test_message ("not JSON: %s", shown);
    g_assert_false (fc_json_scan_page (not_json[i], strlen (not_json[i]), &page, &error));
    g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE);
    g_assert_null (page.ids);
  }
  for (guint i = 0; i < G_N_ELEMENTS (no_list); i++) {
    g_auto(FcJsonPage) page = { 0 };
    g_autoptr(GError) error = NULL;

    g_test_message ("no list: %s", no_list[i]);
    g_assert_false (fc_json_scan_page (no_list[i], strlen (no_list[i]), &page, &error));
    g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_TYPE);
  }

  /* Nesting: as deep as fc_json_parse() takes, not one level more. */
  for (guint i = 2; i < FC_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (guint i = 2; i < FC_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "]}");
  {
    g_auto(FcJsonPage) page = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = fc_json_parse (deep->str, deep->len, &error);

    g_assert_no_error (error);
    g_assert_nonnull (node);
    g_assert_true (fc_json_scan_page (deep->str, deep->len, &page, &error));
    g_assert_no_error (error);
    g_string_insert_c (deep, 1 + strlen ("{\"results\":"), '[');
    g_string_insert_c (deep, deep->len - 2, ']');
    fc_json_page_clear (&page);
    g_assert_false (fc_json_scan_page (deep->str, deep->len, &page, &error));
    g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/json/parse-errors", test_parse_errors);
  g_test_add_func ("/core/json/accessors", test_accessors);
  g_test_add_func ("/core/json/depth-scan", test_depth_scan);
  g_test_add_func ("/core/json/depth-parse", test_depth_parse);
  g_test_add_func ("/core/json/surrogates", test_surrogates);
  g_test_add_func ("/core/json/doubles-round-trip", test_doubles_round_trip);
  g_test_add_func ("/core/json/scan-page", test_scan_page);
  g_test_add_func ("/core/json/scan-page-refused", test_scan_page_refused);

  return g_test_run ();
}
