/* test-json-out.c — the server's JSON writer against what it wrote before
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fc-json-out.c writes numbers and strings without printf where it can
 * (issue 11: a page of 1000 foods). The bytes must stay those the server
 * always sent, so each primitive is checked here against the code it
 * replaced, on edge cases and on a million random values: doubles against
 * fc_json_out_double_printf() (fc-server-request.c's write_double() as it
 * was, kept as the fallback), strings against a copy of its
 * write_string().
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "fc-json-out.h"

/* fc-server-request.c's write_string() before fc-json-out.c. */
static void
reference_string (GString    *out,
                  const char *text)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++) {
    guchar c = *p;

    switch (c) {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\b': g_string_append (out, "\\b"); break;
      case '\f': g_string_append (out, "\\f"); break;
      default:
        if (c < 0x20)
          g_string_append_printf (out, "\\u%04x", c);
        else
          g_string_append_c (out, c);
    }
  }
  g_string_append_c (out, '"');
}

/* Both writers, after some text already in the buffer (a member name). */
static void
check_double (double value)
{
  g_autoptr(GString) expected = g_string_new ("\"x\":");
  g_autoptr(GString) written = g_string_new ("\"x\":");

  fc_json_out_double_printf (expected, value);
  fc_json_out_double (written, value);
  if (!g_str_equal (written->str, expected->str))
    g_error ("%a: wrote %s, the server wrote %s", value, written->str, expected->str);
}

static void
check_string (const char *text)
{
  g_autoptr(GString) expected = g_string_new ("[");
  g_autoptr(GString) written = g_string_new ("[");

  reference_string (expected, text);
  fc_json_out_string (written, text);
  g_assert_cmpstr (written->str, ==, expected->str);
}

static double
random_bits_double (GRand *rand)
{
  guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
  double value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

static void
test_double_edges (void)
{
  static const double values[] = {
    0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.5, 2.5, 3.5, 12.5, 0.1 + 0.2, 1.0 / 3, 2.0 / 3,
    100.0, 130.27497173144720, 3.14159, 3.141592653589793, 2.718281828459045, 123456789.125,
    0.0001, 0.00012, 0.00001, 0.000123, 1e-5, 1.5e-5, 2.5e-7, 1e-7, 1e-22, 1.5e-22, 1e-23,
    9.999999999999999e-5, 1e-4 - 1e-20, 999999999999999.9, 99999999999999.98,
    999999999999999.0, 1e15, 1e15 + 0.5, 1e15 - 0.5, 1e16, 1e16 + 2, 1e16 - 2, 1e17, 1e21,
    1e22, 1e23, 9007199254740992.0, 9007199254740993.0, 4503599627370495.5, 123456789012345.6,
    12345678901234.56, 1234567890123.456, 0.1234567890123456, 0.123456789012345,
    DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MIN / 3,
    5e-324, 1e-300, 1e-310, 2.2250738585072014e-308, 1e300, DBL_EPSILON, 1 + DBL_EPSILON,
    INFINITY, -INFINITY, NAN,
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    check_double (values[i]);
    check_double (-values[i]);
    check_double (nextafter (values[i], INFINITY));
    check_double (nextafter (values[i], -INFINITY));
  }
  check_double (-0.0);

  /* The numbers the server writes most, and which it wrote as "-0.0". */
  {
    g_autoptr(GString) out = g_string_new (NULL);

    fc_json_out_double (out, -0.0);
    g_assert_cmpstr (out->str, ==, "-0.0");
    g_string_truncate (out, 0);
    fc_json_out_double (out, 2.5e-7);
    g_assert_cmpstr (out->str, ==, "2.5e-07");
    g_string_truncate (out, 0);
    fc_json_out_double (out, 1e16);
    g_assert_cmpstr (out->str, ==, "1e+16");
    g_string_truncate (out, 0);
    fc_json_out_double (out, 0.1 + 0.2);
    g_assert_cmpstr (out->str, ==, "0.30000000000000004");
  }
}

/* Every bit pattern is as likely: every exponent, subnormals, NaNs. */
static void
test_double_random_bits (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint i = 0; i < 300000; i++)
    check_double (random_bits_double (rand));
}

/* What people type and what arithmetic makes of it: m / 10^k for m of 1
 * to 17 digits, their neighbours, and sums and products of them. */
static void
test_double_random_decimals (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);

  for (guint i = 0; i < 150000; i++) {
    int digits = g_rand_int_range (rand, 1, 18);
    int k = g_rand_int_range (rand, 0, 26);
    double m = floor (g_rand_double (rand) * pow (10, digits));
    double value = m / pow (10, k);

    check_double (value);
    check_double (nextafter (value, INFINITY));
    check_double (nextafter (value, 0));
    check_double (value * 3);
    check_double (value + 0.1);
    check_double (-value);
  }
}

static void
test_int (void)
{
  static const gint64 values[] = {
    0, 1, -1, 9, 10, 99, 100, 12345, -12345, G_MAXINT32, G_MININT32, G_MAXINT64, G_MININT64,
    G_MAXINT64 - 1, G_MININT64 + 1, 1000000000000000000, -999999999999999999,
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    g_autoptr(GString) out = g_string_new (NULL);
    g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT, values[i]);

    fc_json_out_int (out, values[i]);
    g_assert_cmpstr (out->str, ==, expected);
  }
}

static void
test_string_edges (void)
{
  static const char * const texts[] = {
    "", "plain", "Crème brûlée \"extra\"", "back\\slash", "tab\there", "new\nline\r",
    "\b\f", "\x01\x1f\x7f", "日本語", "🍓 emoji", "quote ' and \"", "</script>",
    "\xe2\x80\xa8 line separator", "\xff\xfe invalid", "half \xe6\x97", "\xc0\xaf overlong",
    "ends with backslash\\", "\"", "\\", "é", "a\x1b[0m",
  };
  char all_bytes[256];

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    check_string (texts[i]);

  /* Every byte alone and all of them in a row. */
  for (guint c = 1; c < 256; c++) {
    char one[2] = { (char) c, '\0' };

    check_string (one);
    all_bytes[c - 1] = (char) c;
  }
  all_bytes[255] = '\0';
  check_string (all_bytes);

  {
    g_autoptr(GString) out = g_string_new (NULL);

    fc_json_out_string (out, NULL);
    g_assert_cmpstr (out->str, ==, "null");
  }
}

/* Random bytes, mostly printable ASCII with some of everything else. */
static void
test_string_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  static const char * const pieces[] = { "é", "日", "🍓", "\"", "\\", "\n", "\x01", "\x80", "\xe6\x97" };

  for (guint i = 0; i < 100000; i++) {
    g_autoptr(GString) text = g_string_new (NULL);
    guint length = g_rand_int_range (rand, 0, 40);

    for (guint j = 0; j < length; j++) {
      guint roll = g_rand_int_range (rand, 0, 100);

      if (roll < 80)
        g_string_append_c (text, (char) g_rand_int_range (rand, 0x20, 0x7f));
      else if (roll < 95)
        g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      else
        g_string_append_c (text, (char) g_rand_int_range (rand, 1, 256));
    }
    check_string (text->str);
  }
}

/* A tree goes out as DRF sends it: no spaces, members in order. */
static void
test_node (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"count\": 2, \"next\": null, \"a\": [1.5, -0.0,"
                                               " true, false, \"x\\u0001\", {}, [], [[1], {\"b\":"
                                               " 1e-7}]], \"empty\": {}, \"t\": \"tab\\t\"}",
                                               &error);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_no_error (error);
  fc_json_out_node (out, node);
  g_assert_cmpstr (out->str, ==, "{\"count\":2,\"next\":null,\"a\":[1.5,-0.0,true,false,"
                                 "\"x\\u0001\",{},[],[[1],{\"b\":1e-07}]],\"empty\":{},"
                                 "\"t\":\"tab\\t\"}");

  /* Written by hand with the same calls: the same commas. */
  g_string_truncate (out, 0);
  g_string_append_c (out, '{');
  fc_json_out_member (out, "a");
  g_string_append_c (out, '[');
  fc_json_out_element (out);
  fc_json_out_int (out, 1);
  fc_json_out_element (out);
  fc_json_out_null (out);
  fc_json_out_element (out);
  fc_json_out_boolean (out, TRUE);
  g_string_append_c (out, ']');
  fc_json_out_member (out, "b\"");
  fc_json_out_string (out, NULL);
  g_string_append_c (out, '}');
  g_assert_cmpstr (out->str, ==, "{\"a\":[1,null,true],\"b\\\"\":null}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json-out/double/edges", test_double_edges);
  g_test_add_func ("/json-out/double/random-bits", test_double_random_bits);
  g_test_add_func ("/json-out/double/random-decimals", test_double_random_decimals);
  g_test_add_func ("/json-out/int", test_int);
  g_test_add_func ("/json-out/string/edges", test_string_edges);
  g_test_add_func ("/json-out/string/random", test_string_random);
  g_test_add_func ("/json-out/node", test_node);

  return g_test_run ();
}
