/* fc-json-out.c — the server's one JSON writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server"

#include "config.h"

#include "fc-json-out.h"

#include <math.h>
#include <string.h>

/* Bytes that go into a JSON string as they are, and need no UTF-8 check:
 * printable ASCII but '"' and '\\'. */
static const guint8 plain_ascii[256] = {
  [0x20] = 1, 1, 0 /* " */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2f */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                  /* 0x30-0x3f */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                  /* 0x40-0x4f */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \\ */, 1, 1, 1,          /* 0x50-0x5f */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                  /* 0x60-0x6f */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                  /* 0x70-0x7f */
};

void
fc_json_out_string (GString    *out,
                    const char *text)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char *valid = NULL;
  const char *run;

  if (text == NULL) {
    fc_json_out_null (out);
    return;
  }
  /* Most text (member names, categories, dates, many a food's name) is
   * ASCII that needs no escape: one pass and one copy. */
  for (run = text; plain_ascii[(guchar) *run]; run++)
    ;
  if (*run == '\0') {
    gsize length = run - text;
    gsize at = out->len;

    g_string_set_size (out, at + length + 2);
    out->str[at] = '"';
    memcpy (out->str + at + 1, text, length);
    out->str[at + length + 1] = '"';
    return;
  }
  /* Errors echo what the client sent (a path, a field name, a value), and
   * those bytes need not be UTF-8; a JSON body must be, so invalid
   * sequences go out as U+FFFD. */
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  /* Runs of bytes that need no escape go out in one append each. */
  run = text;
  for (const char *p = text; ; p++) {
    guchar c = *p;

    if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\'))
      continue;
    if (p > run)
      g_string_append_len (out, run, p - run);
    if (c == '\0')
      break;
    run = p + 1;
    switch (c) {
      case '"': g_string_append_len (out, "\\\"", 2); break;
      case '\\': g_string_append_len (out, "\\\\", 2); break;
      case '\n': g_string_append_len (out, "\\n", 2); break;
      case '\r': g_string_append_len (out, "\\r", 2); break;
      case '\t': g_string_append_len (out, "\\t", 2); break;
      case '\b': g_string_append_len (out, "\\b", 2); break;
      case '\f': g_string_append_len (out, "\\f", 2); break;
      default: {
        char escape[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

        g_string_append_len (out, escape, sizeof escape);
      }
    }
  }
  g_string_append_c (out, '"');
}

void
fc_json_out_int (GString *out,
                 gint64   value)
{
  char buffer[24];
  char *end = buffer + sizeof buffer;
  char *p = end;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  /* printf's "%" G_GINT64_FORMAT, without printf: a page of foods writes
   * tens of thousands of numbers. */
  do {
    *--p = '0' + magnitude % 10;
    magnitude /= 10;
  } while (magnitude > 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, end - p);
}

/* Python's float repr: the shortest text that reads back as the same
 * double. GLib has no shortest-round-trip formatter, so try increasing
 * precision. From 15 for normal numbers: when fewer digits read back,
 * %.15g prints that same shorter text (%g drops trailing zeros), while
 * starting from 1 took up to 17 tries a value: the 365 averages of a year
 * of metrics by day cost 6 to 9 ms of a loaded machine's CPU, and 1 to 2
 * ms from 15. Subnormals may need fewer digits than %.15g gives. */
void
fc_json_out_double_printf (GString *out,
                           double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value)) {
    fc_json_out_null (out);
    return;
  }
  if (value == floor (value) && fabs (value) < 1e16) {
    g_string_append_printf (out, "%.1f", value);
    return;
  }
  for (int precision = fpclassify (value) == FP_NORMAL ? 15 : 1; precision <= 17; precision++) {
    char format[8];

    g_snprintf (format, sizeof format, "%%.%dg", precision);
    g_ascii_formatd (buffer, sizeof buffer, format, value);
    if (g_ascii_strtod (buffer, NULL) == value)
      break;
  }
  g_string_append (out, buffer);
  if (strpbrk (buffer, ".e") == NULL)
    g_string_append (out, ".0");
}

static const double powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* A normal, non-integral @value that is exactly the double nearest to
 * m / 10^k for some m of at most 15 digits (what people type: 12.5,
 * 0.3, 2.5e-07) is written here without printf, as %.15g prints it; FALSE
 * for the others.
 *
 * Why this is the same text: m (< 2^53) and 10^k (k ≤ 22) are exact
 * doubles and IEEE division rounds correctly, so m / 10^k == @value says
 * that the decimal m·10^-k reads back as @value, as strtod() would read
 * it. A decimal of at most 15 digits that reads back lies within half an
 * ulp (2^-53 relative) of @value, far closer than the 10^-15 relative
 * spacing of 15-digit decimals, so it is the one %.15g rounds @value to;
 * the smallest such k leaves m without trailing zeros, which %g drops.
 * The loop of fc_json_out_double_printf() stops at precision 15 then. */
static gboolean
write_short_decimal (GString *out,
                     double   value)
{
  double magnitude = fabs (value);
  char digits[16];
  int n_digits, exponent, k;
  double m = 0;
  gint64 integer;

  for (k = 1; k < (int) G_N_ELEMENTS (powers_of_ten); k++) {
    double scaled = magnitude * powers_of_ten[k];

    if (scaled >= 1e15)
      return FALSE;
    m = nearbyint (scaled);
    if (m / powers_of_ten[k] == magnitude)
      break;
  }
  if (k == (int) G_N_ELEMENTS (powers_of_ten) || m <= 0 || m >= 1e15)
    return FALSE;

  integer = (gint64) m;
  n_digits = 0;
  for (gint64 rest = integer; rest > 0; rest /= 10)
    n_digits++;
  for (int i = n_digits - 1; i >= 0; i--, integer /= 10)
    digits[i] = '0' + integer % 10;
  /* %g's exponent: where the first digit stands. It is below 15 here,
   * so %.15g is in fixed notation from -4 up, else scientific. */
  exponent = n_digits - 1 - k;

  if (value < 0)
    g_string_append_c (out, '-');
  if (exponent >= 0) {
    g_string_append_len (out, digits, exponent + 1);
    g_string_append_c (out, '.');
    g_string_append_len (out, digits + exponent + 1, n_digits - exponent - 1);
  } else if (exponent >= -4) {
    g_string_append_len (out, "0.0000", 1 - exponent);
    g_string_append_len (out, digits, n_digits);
  } else {
    /* Two exponent digits, as printf writes them below 100: e-05, e-22. */
    char tail[4] = { 'e', '-', '0' + (-exponent) / 10, '0' + (-exponent) % 10 };

    g_string_append_c (out, digits[0]);
    if (n_digits > 1) {
      g_string_append_c (out, '.');
      g_string_append_len (out, digits + 1, n_digits - 1);
    }
    g_string_append_len (out, tail, sizeof tail);
  }
  return TRUE;
}

/* Writes into @buffer (at least 32 bytes) what %.{precision}g prints for a
 * number of sign @negative whose first @n significant @digits (the rest
 * zeros) stand from the power of ten @exponent on. */
static void
format_g (char       *buffer,
          gboolean    negative,
          const char *digits,
          int         n,
          int         exponent,
          int         precision)
{
  char *p = buffer;

  /* %g drops trailing zeros (and then a bare '.'). */
  while (n > 1 && digits[n - 1] == '0')
    n--;
  if (negative)
    *p++ = '-';
  if (exponent < -4 || exponent >= precision) {
    int magnitude = ABS (exponent);

    *p++ = digits[0];
    if (n > 1) {
      *p++ = '.';
      memcpy (p, digits + 1, n - 1);
      p += n - 1;
    }
    *p++ = 'e';
    *p++ = exponent < 0 ? '-' : '+';
    if (magnitude >= 100)
      *p++ = '0' + magnitude / 100;
    *p++ = '0' + magnitude / 10 % 10;
    *p++ = '0' + magnitude % 10;
  } else if (exponent >= 0) {
    for (int i = 0; i <= exponent; i++)
      *p++ = i < n ? digits[i] : '0';
    if (n > exponent + 1) {
      *p++ = '.';
      memcpy (p, digits + exponent + 1, n - exponent - 1);
      p += n - exponent - 1;
    }
  } else {
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < -exponent - 1; i++)
      *p++ = '0';
    memcpy (p, digits, n);
    p += n;
  }
  *p = '\0';
}

/* A normal @value that needs 16 or 17 digits (what arithmetic makes:
 * 0.1 + 0.2, a serving times a quantity), with one printf instead of three
 * and of their strtod()s one or two: fc_json_out_double_printf() tries
 * %.15g, %.16g and %.17g in turn. Here %.16e gives the 17 digits once, and
 * the 15 and 16 digit texts are rounded from them, which gives what printf
 * gives unless the digits cut off are exactly a half ("50", "5"): the
 * 17-digit text is the value's nearest, so only a tie there can hide on
 * which side of it the value lies. FALSE for those, and nothing written. */
static gboolean
write_long_decimal (GString *out,
                    double   value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  char digits[17];
  char candidate[32];
  const char *p = text;
  gboolean negative;
  int exponent;

  g_ascii_formatd (text, sizeof text, "%.16e", value);
  negative = *p == '-';
  if (negative)
    p++;
  /* d.dddddddddddddddde±XX */
  digits[0] = p[0];
  memcpy (digits + 1, p + 2, 16);
  exponent = (int) g_ascii_strtoll (p + 19, NULL, 10);

  for (int precision = 15; precision <= 16; precision++) {
    char rounded[17];
    int rounded_exponent = exponent;

    if (precision == 15 ? digits[15] == '5' && digits[16] == '0' : digits[16] == '5')
      return FALSE;
    memcpy (rounded, digits, precision);
    if (digits[precision] >= '5') {
      int i = precision - 1;

      while (i >= 0 && rounded[i] == '9')
        rounded[i--] = '0';
      if (i >= 0) {
        rounded[i]++;
      } else {
        rounded[0] = '1';
        rounded_exponent++;
      }
    }
    format_g (candidate, negative, rounded, precision, rounded_exponent, precision);
    if (g_ascii_strtod (candidate, NULL) == value)
      goto found;
  }
  format_g (candidate, negative, digits, 17, exponent, 17);

found:
  g_string_append (out, candidate);
  if (strpbrk (candidate, ".e") == NULL)
    g_string_append_len (out, ".0", 2);
  return TRUE;
}

void
fc_json_out_double (GString *out,
                    double   value)
{
  if (!isfinite (value)) {
    fc_json_out_null (out);
    return;
  }
  /* What the server always wrote, in the same bytes, without printf where
   * it can (tens of thousands of numbers a page of foods): whole numbers
   * as "%.1f" writes them, the digits and ".0" (and "-0.0")... */
  if (value == floor (value) && fabs (value) < 1e16) {
    if (value == 0 && signbit (value))
      g_string_append_len (out, "-0.0", 4);
    else {
      fc_json_out_int (out, (gint64) value);
      g_string_append_len (out, ".0", 2);
    }
    return;
  }
  /* ... short decimals as %.15g writes them, long ones with one printf,
   * the others (subnormals, ties) as before. */
  if (fpclassify (value) == FP_NORMAL &&
      (write_short_decimal (out, value) || write_long_decimal (out, value)))
    return;
  fc_json_out_double_printf (out, value);
}

void
fc_json_out_boolean (GString  *out,
                     gboolean  value)
{
  if (value)
    g_string_append_len (out, "true", 4);
  else
    g_string_append_len (out, "false", 5);
}

void
fc_json_out_null (GString *out)
{
  g_string_append_len (out, "null", 4);
}

void
fc_json_out_member (GString    *out,
                    const char *name)
{
  if (out->len > 0 && out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  fc_json_out_string (out, name);
  g_string_append_c (out, ':');
}

void
fc_json_out_element (GString *out)
{
  if (out->len > 0 && out->str[out->len - 1] != '[')
    g_string_append_c (out, ',');
}

void
fc_json_out_node (GString  *out,
                  JsonNode *node)
{
  switch (json_node_get_node_type (node)) {
    case JSON_NODE_OBJECT: {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      g_string_append_c (out, '{');
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member)) {
        fc_json_out_member (out, name);
        fc_json_out_node (out, member);
      }
      g_string_append_c (out, '}');
      break;
    }
    case JSON_NODE_ARRAY: {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      g_string_append_c (out, '[');
      for (guint i = 0; i < n; i++) {
        fc_json_out_element (out);
        fc_json_out_node (out, json_array_get_element (array, i));
      }
      g_string_append_c (out, ']');
      break;
    }
    case JSON_NODE_NULL:
      fc_json_out_null (out);
      break;
    case JSON_NODE_VALUE: {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        fc_json_out_string (out, json_node_get_string (node));
      else if (type == G_TYPE_INT64)
        fc_json_out_int (out, json_node_get_int (node));
      else if (type == G_TYPE_BOOLEAN)
        fc_json_out_boolean (out, json_node_get_boolean (node));
      else
        fc_json_out_double (out, json_node_get_double (node));
      break;
    }
    default:
      g_assert_not_reached ();
  }
}
