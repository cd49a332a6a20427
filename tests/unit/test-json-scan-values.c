/* test-json-scan-values.c — numbers and escapes as the page scan reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store reads each pulled page with fc_json_scan_items(): its numbers
 * without strtod where a double's arithmetic gives the same bits, its
 * escapes checked as each string is read. A row must not change for it,
 * so each number here is compared, to the bit, with g_ascii_strtod() and
 * g_ascii_strtoll() of the same text.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "fc-json.h"

typedef struct {
  FcJsonMember value;
  gboolean     found;
  char        *text;   /* the page, which the member points into */
} OneValue;

static gboolean
on_item_cb (const FcJsonMember *members,
            guint               n_members,
            gpointer            user_data)
{
  OneValue *one = user_data;
  const FcJsonMember *v = fc_json_members_find (members, n_members, "v");

  if (v != NULL) {
    one->value = *v;
    one->found = TRUE;
  }
  return TRUE;
}

/* The member "v" of a page's one item whose value is @number's text. */
static void
scan_number (const char *number,
             OneValue   *one)
{
  g_auto(FcJsonPage) page = { 0 };
  g_autoptr(GError) error = NULL;

  one->found = FALSE;
  g_free (one->text);
  one->text = g_strdup_printf ("{\"results\": [{\"id\": 1, \"v\": %s}]}", number);
  g_assert_true (fc_json_scan_items (one->text, strlen (one->text), on_item_cb, one, &page,
                                     &error));
  g_assert_no_error (error);
  g_assert_true (one->found);
  g_assert_cmpint (one->value.kind, ==, FC_JSON_KIND_NUMBER);
}

/* What the scan's numbers must equal: json-glib's reading of them (an
 * integer through gint64, anything else by g_ascii_strtod()). */
static void
check_number (const char *number)
{
  OneValue one = { { 0 } };
  gboolean is_integer = strpbrk (number, ".eE") == NULL;
  double expected, got;
  gint64 expected_int = 0, got_int = 0;
  gboolean int_ok, expected_int_ok;
  char *rest = NULL;

  scan_number (number, &one);

  errno = 0;
  if (is_integer) {
    expected_int = g_ascii_strtoll (number, &rest, 10);
    expected_int_ok = errno == 0 && *rest == '\0';
    expected = expected_int_ok ? (double) expected_int : g_ascii_strtod (number, NULL);
  } else {
    expected = g_ascii_strtod (number, &rest);
    expected_int_ok = isfinite (expected) && expected == floor (expected) &&
                      fabs (expected) < 9007199254740992.0;
    expected_int = expected_int_ok ? (gint64) expected : 0;
  }

  g_assert_true (fc_json_member_get_double (&one.value, &got));
  if (memcmp (&got, &expected, sizeof got) != 0)
    g_error ("%s read as %.17g, strtod has %.17g", number, got, expected);

  int_ok = fc_json_member_get_int (&one.value, &got_int);
  if (int_ok != expected_int_ok || (int_ok && got_int != expected_int))
    g_error ("%s read as the integer %" G_GINT64_FORMAT " (%d), expected %" G_GINT64_FORMAT
             " (%d)", number, got_int, int_ok, expected_int, expected_int_ok);
  g_free (one.text);
}

static void
test_numbers_fixed (void)
{
  const char *numbers[] = {
    "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.2", "0.3", "-0.3", "1.5", "2.675",
    "100", "123.456", "1e0", "1E5", "1e-5", "-2.5e-3", "1e22", "1e23", "1e-22", "1e-23",
    "0.000001", "0.1e1", "12345678901234567", "1234567890123456.7", "9007199254740992",
    "9007199254740993", "9007199254740993.0", "9007199254740992.5", "-9007199254740993",
    "4.35", "0.07", "330.0", "1.7976931348623157e308", "2.2250738585072014e-308",
    "4.9e-324", "1e400", "-1e400", "1e-400", "9223372036854775807", "-9223372036854775808",
    "9223372036854775808", "-9223372036854775809", "99999999999999999999",
    "0.30000000000000004", "123456789012345678901234567890", "1.00000000000000000000001",
    "0.000000000000000000000000000001", "5e-324", "1.0e+2", "25.000", "-17.25e+1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    check_number (numbers[i]);
}

/* Numbers as a server writes them, and past the fast path's edges: up to
 * 20 digits, a point anywhere, exponents from -40 to 40. */
static void
test_numbers_random (void)
{
  for (guint n = 0; n < 200000; n++) {
    g_autoptr(GString) number = g_string_new (NULL);
    guint n_digits = g_test_rand_int_range (1, 21);
    gint point = g_test_rand_int_range (-1, n_digits);

    if (g_test_rand_bit ())
      g_string_append_c (number, '-');
    for (guint d = 0; d < n_digits; d++) {
      /* No leading zero but "0" itself, as JSON has it. */
      if (d == 0 && n_digits > 1 && point != 0)
        g_string_append_c (number, '1' + g_test_rand_int_range (0, 9));
      else
        g_string_append_c (number, '0' + g_test_rand_int_range (0, 10));
      if ((gint) d == point && d + 1 < n_digits)
        g_string_append_c (number, '.');
    }
    if (g_test_rand_int_range (0, 4) == 0)
      g_string_append_printf (number, "e%d", g_test_rand_int_range (-40, 41));
    check_number (number->str);
  }
}

/* Escapes are checked as each string is read: what fc_json_parse()
 * refuses, the scan refuses, in values and names alike. */
static void
test_escapes (void)
{
  const char *good[] = {
    "{\"results\": [{\"v\": \"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}]}",
    "{\"results\": [{\"v\": \"\\u00e9\\u20AC\\ud83d\\ude00\"}]}",
    "{\"results\": [{\"\\u0076\": \"x\"}], \"n\\u0065xt\": null}",
    "[\"\\\\u0000\", \"\\\\\"]",
  };
  const char *bad[] = {
    "[\"\\x\"]", "[\"\\u12\"]", "[\"\\u12", "[\"\\ud800\"]", "[\"\\udc00\"]",
    "[\"\\ud83d\\u0041\"]", "[\"\\ud83dz\"]", "[\"\\u0000\"]", "[\"a\\", "[\"\\ud80i\"]",
    "[{\"\\ud800\": 1}]", "[{\"\\q\": 1}]", "{\"results\": [], \"next\": \"\\u00\"}",
    "[\"\\ud83d\\ude0\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
    g_auto(FcJsonPage) page = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = fc_json_parse (good[i], -1, NULL);

    g_assert_nonnull (node);
    g_assert_true (fc_json_scan_page (good[i], strlen (good[i]), &page, &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_auto(FcJsonPage) page = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = fc_json_parse (bad[i], -1, NULL);

    g_assert_null (node);
    g_assert_false (fc_json_scan_page (bad[i], strlen (bad[i]), &page, &error));
    g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE);
  }
}

/* UTF-8 is checked string by string, where a byte beyond ASCII can be:
 * whatever is not UTF-8 is refused, anywhere in the page, as a check of
 * the whole text refused it. */
static void
test_utf8 (void)
{
  const char *good[] = {
    "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8d\x8c\"]",
    "{\"results\": [{\"n\xc3\xa4me\": \"\xc3\xa9\"}], \"next\": \"\xe2\x82\xac\"}",
    "[\"\xef\xbf\xbf\", \"\xf4\x8f\xbf\xbf\"]",
  };
  const char *bad[] = {
    "[\"\xff\"]", "[\"a\xc3\"]", "[\"\xc0\xaf\"]", "[\"\xed\xa0\x80\"]",
    "[\"\xf4\x90\x80\x80\"]", "[1, \xc3\xa9]", "[\"a\"]\xc3\xa9", "\xef\xbb\xbf[]",
    "{\"results\": [{\"a\": 1}, {\"b\xe2\x82\": 2}]}", "[\"\xe2\x82\xac\x80\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
    g_auto(FcJsonPage) page = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_true (g_utf8_validate (good[i], -1, NULL));
    g_assert_true (fc_json_scan_page (good[i], strlen (good[i]), &page, &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_auto(FcJsonPage) page = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_false (fc_json_scan_page (bad[i], strlen (bad[i]), &page, &error));
    g_assert_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE);
  }
}

/* A decoded value: escapes in a value the store decodes, checked above. */
static void
test_escaped_value (void)
{
  const char *text = "{\"results\": [{\"id\": 1, \"v\": \"caf\\u00e9 \\ud83c\\udf4c \\\"x\\\"\"}]}";
  OneValue one = { { 0 } };
  g_auto(FcJsonPage) page = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_true (fc_json_scan_items (text, strlen (text), on_item_cb, &one, &page, &error));
  g_assert_no_error (error);
  g_assert_true (one.found);
  value = fc_json_member_dup_string (&one.value);
  g_assert_cmpstr (value, ==, "caf\xc3\xa9 \xf0\x9f\x8d\x8c \"x\"");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json-scan/numbers-fixed", test_numbers_fixed);
  g_test_add_func ("/core/json-scan/numbers-random", test_numbers_random);
  g_test_add_func ("/core/json-scan/escapes", test_escapes);
  g_test_add_func ("/core/json-scan/escaped-value", test_escaped_value);
  g_test_add_func ("/core/json-scan/utf8", test_utf8);

  return g_test_run ();
}
