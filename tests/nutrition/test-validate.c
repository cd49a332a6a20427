/* test-validate.c — DRF-style field validation, message for message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>

#include "fc-json.h"
#include "fc-validate.h"

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = fc_json_parse_object (json, -1, &error);

  g_assert_no_error (error);
  return object;
}

static void
assert_errors (FcFieldErrors *errors,
               const char    *expected)
{
  g_autoptr(JsonNode) node = fc_field_errors_to_node (errors);
  g_autofree char *text = fc_json_to_string (node, FALSE);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_string (void)
{
  g_autoptr(JsonObject) in = parse ("{\"name\": \"  Oats  \", \"blank\": \"   \", \"num\": 5,"
                                    " \"float\": 0.5, \"flag\": true, \"list\": [],"
                                    " \"null\": null, \"long\": \"abcdef\", \"empty\": \"\"}");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *out = NULL;

  g_assert_true (fc_validate_string (in, "name", TRUE, FALSE, 0, errors, &out));
  g_assert_cmpstr (out, ==, "Oats");
  /* Python's str() of a number. */
  g_assert_true (fc_validate_string (in, "num", TRUE, FALSE, 0, errors, &out));
  g_assert_cmpstr (out, ==, "5");
  g_assert_true (fc_validate_string (in, "float", TRUE, FALSE, 0, errors, &out));
  g_assert_cmpstr (out, ==, "0.5");
  g_assert_true (fc_validate_string (in, "empty", FALSE, TRUE, 0, errors, &out));
  g_assert_cmpstr (out, ==, "");
  g_assert_true (fc_field_errors_is_empty (errors));

  g_assert_false (fc_validate_string (in, "missing", FALSE, FALSE, 0, errors, &out));
  g_assert_true (fc_field_errors_is_empty (errors));

  g_assert_false (fc_validate_string (in, "missing", TRUE, FALSE, 0, errors, &out));
  g_assert_false (fc_validate_string (in, "blank", TRUE, FALSE, 0, errors, &out));
  g_assert_false (fc_validate_string (in, "flag", TRUE, FALSE, 0, errors, &out));
  g_assert_false (fc_validate_string (in, "list", TRUE, FALSE, 0, errors, &out));
  g_assert_false (fc_validate_string (in, "null", TRUE, TRUE, 0, errors, &out));
  g_assert_false (fc_validate_string (in, "long", TRUE, FALSE, 5, errors, &out));
  g_assert_true (fc_field_errors_has (errors, "blank"));
  g_assert_false (fc_field_errors_has (errors, "name"));
  assert_errors (errors, "{\"missing\":[\"This field is required.\"],"
                         "\"blank\":[\"This field may not be blank.\"],"
                         "\"flag\":[\"Not a valid string.\"],"
                         "\"list\":[\"Not a valid string.\"],"
                         "\"null\":[\"This field may not be null.\"],"
                         "\"long\":[\"Ensure this field has no more than 5 characters.\"]}");
}

/* A number given for a string becomes Python's str() of it. */
static void
test_string_from_number (void)
{
  g_autoptr(JsonObject) in = parse ("{\"a\": 1e20, \"b\": 0.00001, \"c\": 123456.0,"
                                    " \"d\": 0.0001, \"e\": -2.5e-7, \"f\": 1e16,"
                                    " \"g\": 9999999999999998.0, \"h\": 0.1}");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  static const char * const expected[][2] = {
    { "a", "1e+20" }, { "b", "1e-05" }, { "c", "123456.0" }, { "d", "0.0001" },
    { "e", "-2.5e-07" }, { "f", "1e+16" }, { "g", "9999999999999998.0" }, { "h", "0.1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
    const char *out = NULL;

    g_assert_true (fc_validate_string (in, expected[i][0], TRUE, FALSE, 0, errors, &out));
    g_assert_cmpstr (out, ==, expected[i][1]);
  }
}

static void
test_number (void)
{
  g_autoptr(JsonObject) in = parse ("{\"a\": 95.5, \"b\": \"95.5\", \"c\": 7, \"d\": \" 1e3 \","
                                    " \"neg\": -1, \"small\": 0.001, \"nan\": \"NaN\","
                                    " \"inf\": \"Infinity\", \"inf2\": \"inf\", \"word\": \"abc\","
                                    " \"flag\": true, \"null\": null, \"big\": 5000,"
                                    " \"obj\": {}, \"hex\": \"0x10\", \"under\": \"1_000\"}");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  double value = 0;
  gboolean is_null = FALSE;

  g_assert_true (fc_validate_number (in, "a", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_cmpfloat (value, ==, 95.5);
  g_assert_true (fc_validate_number (in, "b", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_cmpfloat (value, ==, 95.5);
  g_assert_true (fc_validate_number (in, "c", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_cmpfloat (value, ==, 7.0);
  g_assert_true (fc_validate_number (in, "d", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_cmpfloat (value, ==, 1000.0);
  g_assert_true (fc_validate_number (in, "under", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_cmpfloat (value, ==, 1000.0);
  g_assert_true (fc_validate_number (in, "null", TRUE, TRUE, 0, INFINITY, errors, &value,
                                     &is_null));
  g_assert_true (is_null);
  g_assert_true (fc_field_errors_is_empty (errors));

  g_assert_false (fc_validate_number (in, "neg", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "small", TRUE, FALSE, 0.01, INFINITY, errors, &value,
                                      NULL));
  g_assert_false (fc_validate_number (in, "nan", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "inf", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "inf2", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "word", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "flag", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "null", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "big", TRUE, FALSE, 0, 1000.5, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "obj", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "hex", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  g_assert_false (fc_validate_number (in, "gone", TRUE, FALSE, 0, INFINITY, errors, &value, NULL));
  assert_errors (errors, "{\"neg\":[\"Ensure this value is greater than or equal to 0.\"],"
                         "\"small\":[\"Ensure this value is greater than or equal to 0.01.\"],"
                         "\"nan\":[\"A valid number is required.\"],"
                         "\"inf\":[\"A valid number is required.\"],"
                         "\"inf2\":[\"A valid number is required.\"],"
                         "\"word\":[\"A valid number is required.\"],"
                         "\"flag\":[\"A valid number is required.\"],"
                         "\"null\":[\"This field may not be null.\"],"
                         "\"big\":[\"Ensure this value is less than or equal to 1000.5.\"],"
                         "\"obj\":[\"A valid number is required.\"],"
                         "\"hex\":[\"A valid number is required.\"],"
                         "\"gone\":[\"This field is required.\"]}");
}

static void
test_integer (void)
{
  g_autoptr(JsonObject) in = parse ("{\"a\": 7, \"b\": \"7\", \"c\": 7.0, \"d\": \"7.000 \","
                                    " \"e\": \" -3 \", \"half\": 7.5, \"shalf\": \"7.5\","
                                    " \"word\": \"x\", \"flag\": false, \"neg\": -1,"
                                    " \"huge\": \"99999999999999999999999\"}");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  gint64 value = 0;

  g_assert_true (fc_validate_integer (in, "a", TRUE, FALSE, 0, G_MAXINT32, errors, &value, NULL));
  g_assert_cmpint (value, ==, 7);
  g_assert_true (fc_validate_integer (in, "b", TRUE, FALSE, 0, G_MAXINT32, errors, &value, NULL));
  g_assert_cmpint (value, ==, 7);
  g_assert_true (fc_validate_integer (in, "c", TRUE, FALSE, 0, G_MAXINT32, errors, &value, NULL));
  g_assert_cmpint (value, ==, 7);
  g_assert_true (fc_validate_integer (in, "d", TRUE, FALSE, 0, G_MAXINT32, errors, &value, NULL));
  g_assert_cmpint (value, ==, 7);
  g_assert_true (fc_validate_integer (in, "e", TRUE, FALSE, G_MININT32, G_MAXINT32, errors,
                                      &value, NULL));
  g_assert_cmpint (value, ==, -3);
  g_assert_true (fc_field_errors_is_empty (errors));

  g_assert_false (fc_validate_integer (in, "half", TRUE, FALSE, 0, 10, errors, &value, NULL));
  g_assert_false (fc_validate_integer (in, "shalf", TRUE, FALSE, 0, 10, errors, &value, NULL));
  g_assert_false (fc_validate_integer (in, "word", TRUE, FALSE, 0, 10, errors, &value, NULL));
  g_assert_false (fc_validate_integer (in, "flag", TRUE, FALSE, 0, 10, errors, &value, NULL));
  g_assert_false (fc_validate_integer (in, "neg", TRUE, FALSE, 0, 10, errors, &value, NULL));
  g_assert_false (fc_validate_integer (in, "huge", TRUE, FALSE, 0, G_MAXINT32, errors, &value,
                                       NULL));
  assert_errors (errors, "{\"half\":[\"A valid integer is required.\"],"
                         "\"shalf\":[\"A valid integer is required.\"],"
                         "\"word\":[\"A valid integer is required.\"],"
                         "\"flag\":[\"A valid integer is required.\"],"
                         "\"neg\":[\"Ensure this value is greater than or equal to 0.\"],"
                         "\"huge\":[\"Ensure this value is less than or equal to 2147483647.\"]}");
}

static void
test_boolean_choice (void)
{
  g_autoptr(JsonObject) in = parse ("{\"t\": true, \"s\": \"on\", \"z\": 0, \"n\": \"no\","
                                    " \"bad\": \"maybe\", \"two\": 2, \"null\": null,"
                                    " \"code\": \"FR\", \"lower\": \"fr\", \"num\": 5,"
                                    " \"empty\": \"\", \"nullc\": null}");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char * const choices[] = { "FR", "VG", "OT", NULL };
  gboolean value = FALSE;
  const char *code = NULL;

  g_assert_true (fc_validate_boolean (in, "t", TRUE, errors, &value));
  g_assert_true (value);
  g_assert_true (fc_validate_boolean (in, "s", TRUE, errors, &value));
  g_assert_true (value);
  g_assert_true (fc_validate_boolean (in, "z", TRUE, errors, &value));
  g_assert_false (value);
  g_assert_true (fc_validate_boolean (in, "n", TRUE, errors, &value));
  g_assert_false (value);
  g_assert_true (fc_validate_choice (in, "code", TRUE, FALSE, choices, errors, &code));
  g_assert_cmpstr (code, ==, "FR");
  g_assert_true (fc_validate_choice (in, "nullc", TRUE, TRUE, choices, errors, &code));
  g_assert_null (code);
  g_assert_true (fc_field_errors_is_empty (errors));

  g_assert_false (fc_validate_boolean (in, "bad", TRUE, errors, &value));
  g_assert_false (fc_validate_boolean (in, "two", TRUE, errors, &value));
  g_assert_false (fc_validate_boolean (in, "null", TRUE, errors, &value));
  g_assert_false (fc_validate_choice (in, "lower", TRUE, FALSE, choices, errors, &code));
  g_assert_false (fc_validate_choice (in, "num", TRUE, FALSE, choices, errors, &code));
  g_assert_false (fc_validate_choice (in, "empty", TRUE, FALSE, choices, errors, &code));
  g_assert_false (fc_validate_choice (in, "null", TRUE, FALSE, choices, errors, &code));
  assert_errors (errors, "{\"bad\":[\"Must be a valid boolean.\"],"
                         "\"two\":[\"Must be a valid boolean.\"],"
                         "\"null\":[\"This field may not be null.\",\"This field may not be null.\"],"
                         "\"lower\":[\"\\\"fr\\\" is not a valid choice.\"],"
                         "\"num\":[\"\\\"5\\\" is not a valid choice.\"],"
                         "\"empty\":[\"\\\"\\\" is not a valid choice.\"]}");
}

static void
test_date_email (void)
{
  g_autoptr(JsonObject) in = parse ("{\"d\": \"2026-12-01\", \"loose\": \"2026-1-5\","
                                    " \"bad\": \"2026-02-30\", \"text\": \"tomorrow\", \"num\": 5,"
                                    " \"null\": null, \"e\": \" user@fitcore.test \","
                                    " \"local\": \"me@localhost\", \"ebad\": \"not-an-email\","
                                    " \"edot\": \"a..b@x.org\", \"eblank\": \"\"}");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *out = NULL;
  gboolean is_null = FALSE;

  g_assert_true (fc_validate_date (in, "d", TRUE, FALSE, errors, &out, NULL));
  g_assert_cmpstr (out, ==, "2026-12-01");
  g_assert_true (fc_validate_date (in, "loose", TRUE, FALSE, errors, &out, NULL));
  g_assert_cmpstr (out, ==, "2026-01-05");
  g_assert_true (fc_validate_date (in, "null", TRUE, TRUE, errors, &out, &is_null));
  g_assert_true (is_null);
  g_assert_null (out);
  g_assert_true (fc_validate_email (in, "e", TRUE, errors, &out));
  g_assert_cmpstr (out, ==, "user@fitcore.test");
  g_assert_true (fc_validate_email (in, "local", TRUE, errors, &out));
  g_assert_true (fc_field_errors_is_empty (errors));

  g_assert_false (fc_validate_date (in, "bad", TRUE, TRUE, errors, &out, &is_null));
  g_assert_false (fc_validate_date (in, "text", TRUE, TRUE, errors, &out, &is_null));
  g_assert_false (fc_validate_date (in, "num", TRUE, TRUE, errors, &out, &is_null));
  g_assert_false (fc_validate_email (in, "ebad", TRUE, errors, &out));
  g_assert_false (fc_validate_email (in, "edot", TRUE, errors, &out));
  g_assert_false (fc_validate_email (in, "eblank", TRUE, errors, &out));
  assert_errors (errors,
                 "{\"bad\":[\"Date has wrong format. Use one of these formats instead: YYYY-MM-DD.\"],"
                 "\"text\":[\"Date has wrong format. Use one of these formats instead: YYYY-MM-DD.\"],"
                 "\"num\":[\"Date has wrong format. Use one of these formats instead: YYYY-MM-DD.\"],"
                 "\"ebad\":[\"Enter a valid email address.\"],"
                 "\"edot\":[\"Enter a valid email address.\"],"
                 "\"eblank\":[\"This field may not be blank.\"]}");
}

static void
test_pk_and_lists (void)
{
  g_autoptr(JsonObject) in = parse ("{\"a\": 3, \"b\": \"12\", \"c\": -4, \"s\": \"abc\","
                                    " \"f\": true, \"l\": [1], \"d\": {}, \"n\": null,"
                                    " \"items\": [{\"food\": 1}, 5], \"dict\": {\"food\": 1}}");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcFieldErrors) item_errors = fc_field_errors_new ();
  gint64 pk = 0;
  JsonArray *items;

  g_assert_true (fc_validate_pk (in, "a", TRUE, errors, &pk));
  g_assert_cmpint (pk, ==, 3);
  g_assert_true (fc_validate_pk (in, "b", TRUE, errors, &pk));
  g_assert_cmpint (pk, ==, 12);
  /* Non-positive keys are left to the existence check ("Invalid pk"). */
  g_assert_true (fc_validate_pk (in, "c", TRUE, errors, &pk));
  g_assert_cmpint (pk, ==, -4);
  g_assert_true (fc_field_errors_is_empty (errors));

  g_assert_false (fc_validate_pk (in, "s", TRUE, errors, &pk));
  g_assert_false (fc_validate_pk (in, "f", TRUE, errors, &pk));
  g_assert_false (fc_validate_pk (in, "l", TRUE, errors, &pk));
  g_assert_false (fc_validate_pk (in, "d", TRUE, errors, &pk));
  g_assert_false (fc_validate_pk (in, "n", TRUE, errors, &pk));

  items = fc_validate_list (in, "items", TRUE, errors);
  g_assert_nonnull (items);
  g_assert_nonnull (fc_validate_list_item (items, 0, item_errors));
  g_assert_true (fc_field_errors_is_empty (item_errors));
  g_assert_null (fc_validate_list_item (items, 1, item_errors));
  g_assert_null (fc_validate_list (in, "dict", TRUE, errors));
  g_assert_null (fc_validate_list (in, "absent", FALSE, errors));
  assert_errors (errors, "{\"s\":[\"Incorrect type. Expected pk value, received str.\"],"
                         "\"f\":[\"Incorrect type. Expected pk value, received bool.\"],"
                         "\"l\":[\"Incorrect type. Expected pk value, received list.\"],"
                         "\"d\":[\"Incorrect type. Expected pk value, received dict.\"],"
                         "\"n\":[\"This field may not be null.\"],"
                         "\"dict\":{\"non_field_errors\":"
                         "[\"Expected a list of items but got type \\\"dict\\\".\"]}}");
  assert_errors (item_errors,
                 "{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got int.\"]}");
}

static void
test_nested_errors (void)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcFieldErrors) first = fc_field_errors_new ();
  g_autoptr(FcFieldErrors) second = fc_field_errors_new ();
  g_autoptr(JsonArray) items = json_array_new ();
  JsonNode *node;

  fc_field_errors_add (second, "food", "Invalid pk \"%d\" - object does not exist.", 9999);
  json_array_add_element (items, fc_field_errors_to_node (first));
  json_array_add_element (items, fc_field_errors_to_node (second));
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, items);
  fc_field_errors_set_node (errors, "meal_items", node);
  g_assert_false (fc_field_errors_is_empty (errors));
  assert_errors (errors, "{\"meal_items\":[{},{\"food\":"
                         "[\"Invalid pk \\\"9999\\\" - object does not exist.\"]}]}");
}

static void
on_image_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  const char **extension = user_data;

  *extension = fc_validate_image_finish (result);
  g_main_context_wakeup (NULL);
}

/* The extension fc_validate_image_async() gives, or NULL. */
static const char *
check_image (GBytes *data)
{
  const char *extension = "(pending)";

  fc_validate_image_async (data, NULL, on_image_checked_cb, &extension);
  while (g_strcmp0 (extension, "(pending)") == 0)
    g_main_context_iteration (NULL, TRUE);
  return extension;
}

static GBytes *
solid_image (int         width,
             int         height,
             const char *type)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  gchar *data = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, type, &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

/* Images are recognised by their bytes and decoded whole; what claims more
 * than 16 megapixels is refused from its header. */
static void
test_images (void)
{
  g_autoptr(GBytes) png = solid_image (40, 30, "png");
  g_autoptr(GBytes) jpeg = solid_image (40, 30, "jpeg");
  g_autoptr(GBytes) bmp = solid_image (40, 30, "bmp");
  g_autoptr(GBytes) largest = solid_image (4000, FC_VALIDATE_IMAGE_PIXELS_MAX / 4000, "jpeg");
  g_autoptr(GBytes) too_large = solid_image (4000, FC_VALIDATE_IMAGE_PIXELS_MAX / 4000 + 1,
                                             "jpeg");
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (png, 0, 40);
  g_autoptr(GBytes) text = g_bytes_new_static ("<html>hello</html>", 18);
  /* A GIF's logical screen of 65535 x 65535 pixels, and nothing else. */
  static const guint8 huge_gif[] = {
    'G', 'I', 'F', '8', '9', 'a', 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, ';',
  };
  g_autoptr(GBytes) gif = g_bytes_new_static (huge_gif, sizeof huge_gif);

  g_assert_cmpstr (check_image (png), ==, ".png");
  g_assert_cmpstr (check_image (jpeg), ==, ".jpg");
  g_assert_cmpstr (check_image (bmp), ==, ".bmp");
  g_assert_cmpstr (check_image (largest), ==, ".jpg");
  g_assert_null (check_image (too_large));
  g_assert_null (check_image (truncated));
  g_assert_null (check_image (text));
  g_assert_null (check_image (gif));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/validate/string", test_string);
  g_test_add_func ("/server/validate/string-from-number", test_string_from_number);
  g_test_add_func ("/server/validate/number", test_number);
  g_test_add_func ("/server/validate/integer", test_integer);
  g_test_add_func ("/server/validate/boolean-choice", test_boolean_choice);
  g_test_add_func ("/server/validate/date-email", test_date_email);
  g_test_add_func ("/server/validate/pk-and-lists", test_pk_and_lists);
  g_test_add_func ("/server/validate/nested-errors", test_nested_errors);
  g_test_add_func ("/server/validate/images", test_images);

  return g_test_run ();
}
