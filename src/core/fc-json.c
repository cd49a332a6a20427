/* fc-json.c — type-checking accessors for untrusted JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-json"

#include "config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "fc-json.h"

G_DEFINE_QUARK (fc-json-error-quark, fc_json_error)

/* Everything that reaches us over the network or from disk passes through
 * these helpers: json_object_get_*_member() warns and returns garbage on a
 * type mismatch, which a hostile or buggy peer must never be able to cause. */

gboolean
fc_json_check_depth (const char *data,
                     gssize      length,
                     guint       max_depth)
{
  const char *end = length < 0 ? NULL : data + length;
  gboolean in_string = FALSE;
  guint depth = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (length == 0)
    return TRUE;

  /* Only brackets outside strings nest; inside a string a backslash
   * hides the character after it, so "\"" does not end the string. */
  for (const char *p = data; end != NULL ? p < end : *p != '\0'; p++) {
    char c = *p;

    if (in_string) {
      if (c == '\\') {
        if (end != NULL ? p + 1 >= end : p[1] == '\0')
          break;
        p++;
      } else if (c == '"') {
        in_string = FALSE;
      }
    } else if (c == '"') {
      in_string = TRUE;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return FALSE;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return TRUE;
}

static int
hex4 (const char *p,
      const char *end)
{
  int value = 0;

  for (int i = 0; i < 4; i++) {
    int digit = (end != NULL && p + i >= end) ? -1 : g_ascii_xdigit_value (p[i]);

    if (digit < 0)
      return -1;
    value = value * 16 + digit;
  }
  return value;
}

/* json-glib 1.6 turns "\ud800" without its low half, or an octal escape
 * like "\720", into bytes that are not UTF-8, and every string we keep or
 * echo must be UTF-8: refuse half a surrogate pair, a \u escape without four
 * hex digits (json-glib takes "\ud80i") and any escape JSON does not have.
 * And "\u0000": json-glib hands strings over NUL-terminated, so
 * "MONTHLY\u0000x" would be read as "MONTHLY" (Django refuses NUL too). */
static gboolean
has_bad_unicode_escape (const char *data,
                        gssize      length)
{
  const char *end = length < 0 ? NULL : data + length;
  gboolean in_string = FALSE;

  for (const char *p = data; end != NULL ? p < end : *p != '\0'; p++) {
    if (!in_string) {
      in_string = *p == '"';
    } else if (*p == '"') {
      in_string = FALSE;
    } else if (*p == '\\') {
      int unit;

      if (end != NULL ? p + 1 >= end : p[1] == '\0')
        break;
      if (p[1] != 'u') {
        /* GScanner also reads C's octal escapes ("\720" became the byte
         * 0xD0) and others JSON has not: only these may follow. */
        if (strchr ("\"\\/bfnrt", p[1]) == NULL)
          return TRUE;
        p++;
        continue;
      }
      unit = hex4 (p + 2, end);
      if (unit <= 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
        return TRUE;
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        const char *low = p + 6;

        if ((end != NULL && low + 6 > end) || low[0] != '\\' || low[1] != 'u')
          return TRUE;
        unit = hex4 (low + 2, end);
        if (unit < 0xDC00 || unit > 0xDFFF)
          return TRUE;
        p = low + 5;
      } else {
        p += 5;
      }
    }
  }
  return FALSE;
}

JsonNode *
fc_json_parse (const char  *data,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (data == NULL || length == 0 || (length < 0 && *data == '\0')) {
    g_set_error_literal (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE, "Empty document");
    return NULL;
  }

  /* json-glib's parser recurses once per level: 80,000 "[" overflow the
   * stack. A linear scan refuses such a document before it gets there. */
  if (!fc_json_check_depth (data, length, FC_JSON_MAX_DEPTH)) {
    g_set_error (error, FC_JSON_ERROR, FC_JSON_ERROR_DEPTH,
                 "JSON parse error - the document nests deeper than %d levels", FC_JSON_MAX_DEPTH);
    return NULL;
  }

  if (has_bad_unicode_escape (data, length)) {
    g_set_error_literal (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE,
                         "JSON parse error - a \\u escape needs four hex digits and may "
                         "hold neither NUL nor half of a surrogate pair");
    return NULL;
  }

  if (!json_parser_load_from_data (parser, data, length, &local_error)) {
    /* json-glib quotes the offending input, which may not be UTF-8. */
    g_autofree char *message = g_utf8_make_valid (local_error->message, -1);

    g_set_error (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE, "JSON parse error - %s", message);
    return NULL;
  }

  root = json_parser_get_root (parser);
  if (root == NULL) {
    g_set_error_literal (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE, "Empty document");
    return NULL;
  }

  return json_node_copy (root);
}

JsonObject *
fc_json_parse_object (const char  *data,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonNode) node = fc_json_parse (data, length, error);

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error_literal (error, FC_JSON_ERROR, FC_JSON_ERROR_TYPE, "Expected a JSON object");
    return NULL;
  }

  return json_object_ref (json_node_get_object (node));
}

/* json-glib 1.6's generator appends ".0" to every double printed without a
 * dot, so 1e17 comes out as "1e+17.0", which no JSON parser reads. Outside
 * strings a ".0" right after an exponent can only be that suffix: drop it
 * in place. Written by hand because no library here prints JSON numbers
 * differently. */
static void
drop_exponent_suffix (char *text)
{
  gboolean in_string = FALSE;
  gboolean in_exponent = FALSE;
  char *out = text;

  for (const char *p = text; *p != '\0'; p++) {
    char c = *p;

    if (in_string) {
      if (c == '\\' && p[1] != '\0')
        *out++ = *p++;
      else if (c == '"')
        in_string = FALSE;
    } else if (c == '"') {
      in_string = TRUE;
      in_exponent = FALSE;
    } else if (c == 'e' || c == 'E') {
      in_exponent = TRUE;
    } else if (in_exponent && c == '.' && p[1] == '0' && !g_ascii_isdigit (p[2])) {
      p++;
      in_exponent = FALSE;
      continue;
    } else if (!g_ascii_isdigit (c) && c != '+' && c != '-') {
      in_exponent = FALSE;
    }
    *out++ = *p;
  }
  *out = '\0';
}

char *
fc_json_to_string (JsonNode *node,
                   gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  g_return_val_if_fail (node != NULL, NULL);

  char *text;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  text = json_generator_to_data (generator, NULL);
  drop_exponent_suffix (text);
  return text;
}

static JsonNode *
get_member (JsonObject *object,
            const char *member)
{
  if (object == NULL || member == NULL)
    return NULL;
  return json_object_get_member (object, member);
}

gboolean
fc_json_has_member (JsonObject *object,
                    const char *member)
{
  return get_member (object, member) != NULL;
}

gboolean
fc_json_is_null (JsonObject *object,
                 const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

const char *
fc_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
fc_json_get_int (JsonObject *object,
                 const char *member,
                 gint64     *out_value)
{
  JsonNode *node = get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64) {
    if (out_value != NULL)
      *out_value = json_node_get_int (node);
    return TRUE;
  }

  /* 3.0 is an integer to Python's JSON readers too; 3.5 is not. */
  if (type == G_TYPE_DOUBLE) {
    double d = json_node_get_double (node);

    if (isfinite (d) && d == floor (d) && fabs (d) < 9007199254740992.0) {
      if (out_value != NULL)
        *out_value = (gint64) d;
      return TRUE;
    }
  }

  return FALSE;
}

gboolean
fc_json_get_double (JsonObject *object,
                    const char *member,
                    double     *out_value)
{
  JsonNode *node = get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;

  if (out_value != NULL)
    *out_value = json_node_get_double (node);
  return TRUE;
}

gboolean
fc_json_get_boolean (JsonObject *object,
                     const char *member,
                     gboolean   *out_value)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;

  if (out_value != NULL)
    *out_value = json_node_get_boolean (node);
  return TRUE;
}

JsonObject *
fc_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
fc_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

/* Pages of a list, read without a tree
 *
 * A pull hands each page's text to the store, which reads the items on
 * its own thread (fc_json_scan_items()); json-glib built a tree of every
 * page on the main thread first (18 MB for 50,000 foods, 0.5 s of CPU).
 * What the client itself needs of a page (the next link, the count and
 * the ids, for removing what a full pull no longer lists) is read here in
 * one pass over the text, which also checks it is JSON as RFC 8259 has it:
 * a page is refused whole, as before, rather than half stored. Where a
 * member comes twice, the first counts (json-glib kept the last), in the
 * client and the store alike. */

typedef struct {
  const char    *p;
  const char    *end;
  FcJsonPage    *page;
  FcJsonItemFunc item_func;   /* each item's members, as they are read */
  gpointer       item_data;
  GArray        *members;     /* FcJsonMember: the item being read */
  gboolean       stopped;     /* item_func said to stop */
} Scan;

static void
scan_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

/* Where the escape at @p (a backslash) ends, or NULL if JSON has no such
 * escape or fc_json_parse() refuses it (has_bad_unicode_escape()): checked
 * here as the string is read, not in a pass of its own over the page,
 * which cost a fifth of the scan. */
static const char *
escape_end (const char *p,
            const char *end)
{
  int unit;

  if (p + 1 >= end)
    return NULL;
  if (p[1] != 'u')
    return p[1] != '\0' && strchr ("\"\\/bfnrt", p[1]) != NULL ? p + 2 : NULL;
  unit = hex4 (p + 2, end);
  if (unit <= 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
    return NULL;
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    const char *low = p + 6;

    if (low + 6 > end || low[0] != '\\' || low[1] != 'u')
      return NULL;
    unit = hex4 (low + 2, end);
    if (unit < 0xDC00 || unit > 0xDFFF)
      return NULL;
    return low + 6;
  }
  return p + 6;
}

/* A string at s->p; its text between the quotes goes to @out_start and
 * @out_end, escapes and all (checked by escape_end()). Its text must be
 * UTF-8: checked here, only for a string that has a byte beyond ASCII,
 * rather than in a pass over the whole page (outside strings, such a
 * byte is no JSON anyway). */
static gboolean
scan_string (Scan        *s,
             const char **out_start,
             const char **out_end)
{
  const char *start;
  gboolean ascii = TRUE;

  if (s->p >= s->end || *s->p != '"')
    return FALSE;
  start = ++s->p;
  while (s->p < s->end) {
    guchar c = (guchar) *s->p;

    if (c == '"') {
      if (!ascii && !g_utf8_validate (start, s->p - start, NULL))
        return FALSE;
      *out_start = start;
      *out_end = s->p++;
      return TRUE;
    }
    ascii &= c < 0x80;
    if (c < 0x20)
      return FALSE;
    if (c == '\\') {
      if ((s->p = escape_end (s->p, s->end)) == NULL)
        return FALSE;
      continue;
    }
    s->p++;
  }
  return FALSE;
}

static gboolean
scan_digits (Scan *s)
{
  const char *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start;
}

/* RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static gboolean
scan_number (Scan *s)
{
  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    return FALSE;
  if (s->p < s->end && *s->p == '.') {
    s->p++;
    if (!scan_digits (s))
      return FALSE;
  }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
    s->p++;
    if (s->p < s->end && (*s->p == '-' || *s->p == '+'))
      s->p++;
    if (!scan_digits (s))
      return FALSE;
  }
  return TRUE;
}

static gboolean
scan_word (Scan       *s,
           const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (s->end - s->p) < n || memcmp (s->p, word, n) != 0)
    return FALSE;
  s->p += n;
  return TRUE;
}

/* g_ascii_strtod() of a number token, which has no room for its NUL. */
static double
number_strtod (const char *start,
               const char *end)
{
  char buffer[64];
  g_autofree char *long_text = NULL;
  gsize n = end - start;
  const char *text = buffer;

  if (n < sizeof buffer) {
    memcpy (buffer, start, n);
    buffer[n] = '\0';
  } else {
    text = long_text = g_strndup (start, n);
  }
  return g_ascii_strtod (text, NULL);
}

/* A number token (RFC 8259, checked by scan_number()) as sign, decimal
 * digits and a power of ten: FALSE for more than 19 digits or an exponent
 * beyond what any double needs, which the callers leave to strtod. */
static gboolean
number_parts (const char *p,
              const char *end,
              gboolean   *out_negative,
              guint64    *out_digits,
              int        *out_exponent,
              gboolean   *out_integral)
{
  guint64 digits = 0;
  int n_digits = 0, exponent = 0;
  gboolean integral = TRUE;

  *out_negative = p < end && *p == '-';
  if (*out_negative)
    p++;
  for (; p < end && g_ascii_isdigit (*p); p++) {
    if (digits == 0 && *p == '0')
      continue;
    if (++n_digits > 19)
      return FALSE;
    digits = digits * 10 + (*p - '0');
  }
  if (p < end && *p == '.') {
    integral = FALSE;
    for (p++; p < end && g_ascii_isdigit (*p); p++) {
      if (digits == 0 && *p == '0') {
        exponent--;
        continue;
      }
      if (++n_digits > 19)
        return FALSE;
      digits = digits * 10 + (*p - '0');
      exponent--;
    }
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    gboolean minus;
    int e = 0;

    integral = FALSE;
    p++;
    minus = *p == '-';
    if (*p == '-' || *p == '+')
      p++;
    for (; p < end; p++) {
      if (e > 10000)
        return FALSE;
      e = e * 10 + (*p - '0');
    }
    exponent += minus ? -e : e;
  }
  *out_digits = digits;
  *out_exponent = exponent;
  *out_integral = integral;
  return TRUE;
}

/* The double a number token stands for, as g_ascii_strtod() reads it, to
 * the bit: digits that fit in 53 bits times or over a power of ten up to
 * 10^22, both exact in a double, give the correctly rounded result in one
 * operation (Clinger's fast path; x86-64 rounds each double operation, no
 * wider); anything else goes to strtod. strtod was a tenth of the store
 * thread's scan of a page. */
static double
number_as_double (const char *start,
                  const char *end)
{
  static const double powers[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                   1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
                                   1e21, 1e22 };
  gboolean negative, integral;
  guint64 digits;
  int exponent;
  double value;

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
  /* Wider intermediate results (x87) would round twice. */
  return number_strtod (start, end);
#endif
  if (!number_parts (start, end, &negative, &digits, &exponent, &integral) ||
      digits > (G_GUINT64_CONSTANT (1) << 53) || exponent < -22 || exponent > 22)
    return number_strtod (start, end);
  value = (double) digits;
  if (exponent < 0)
    value /= powers[-exponent];
  else
    value *= powers[exponent];
  return negative ? -value : value;
}

/* The integer a number token stands for, as fc_json_get_int() reads it:
 * an integer, or a double with no fraction within 2^53. */
static gboolean
number_as_int (const char *start,
               const char *end,
               gint64     *out_value)
{
  gboolean negative, integral;
  guint64 digits;
  int exponent;
  double d;

  if (memchr (start, '.', end - start) == NULL && memchr (start, 'e', end - start) == NULL &&
      memchr (start, 'E', end - start) == NULL) {
    /* What g_ascii_strtoll() takes without ERANGE: -2^63 … 2^63 - 1. */
    if (!number_parts (start, end, &negative, &digits, &exponent, &integral) ||
        digits > (negative ? G_GUINT64_CONSTANT (1) << 63 : (guint64) G_MAXINT64))
      return FALSE;
    *out_value = negative ? (gint64) (G_GUINT64_CONSTANT (0) - digits) : (gint64) digits;
    return TRUE;
  }
  d = number_as_double (start, end);
  if (isfinite (d) && d == floor (d) && fabs (d) < 9007199254740992.0) {
    *out_value = (gint64) d;
    return TRUE;
  }
  return FALSE;
}

/* The text of a string token, its escapes decoded (they were checked). */
static char *
decode_string (const char *start,
               const char *end)
{
  GString *text = g_string_sized_new (end - start);

  for (const char *p = start; p < end; p++) {
    gunichar unit;

    if (*p != '\\') {
      g_string_append_c (text, *p);
      continue;
    }
    switch (*++p) {
      case 'b': g_string_append_c (text, '\b'); break;
      case 'f': g_string_append_c (text, '\f'); break;
      case 'n': g_string_append_c (text, '\n'); break;
      case 'r': g_string_append_c (text, '\r'); break;
      case 't': g_string_append_c (text, '\t'); break;
      case 'u':
        unit = hex4 (p + 1, end);
        p += 4;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          unit = 0x10000 + ((unit - 0xD800) << 10) + (hex4 (p + 3, end) - 0xDC00);
          p += 6;
        }
        g_string_append_unichar (text, unit);
        break;
      default: g_string_append_c (text, *p); break;
    }
  }
  return g_string_free (text, FALSE);
}

static gboolean
key_is (const char *start,
        const char *end,
        const char *name)
{
  gsize n = strlen (name);
  g_autofree char *decoded = NULL;

  if (memchr (start, '\\', end - start) == NULL)
    return (gsize) (end - start) == n && memcmp (start, name, n) == 0;
  decoded = decode_string (start, end);
  return g_str_equal (decoded, name);
}

static gboolean scan_value (Scan *s, guint depth, FcJsonMember *value, guint role);

/* What a container's elements are to the page. */
enum {
  ROLE_NONE,
  ROLE_ENVELOPE,   /* the top object: results, next, count */
  ROLE_LIST,       /* the results array: its elements are items */
  ROLE_ITEM,       /* an item: its id, and its members for item_func */
};

static gboolean
scan_object (Scan  *s,
             guint  depth,
             guint  role)
{
  gboolean seen_results = FALSE, seen_next = FALSE, seen_count = FALSE, seen_id = FALSE;
  FcJsonPage *page = s->page;

  if (role == ROLE_ITEM && s->members != NULL)
    g_array_set_size (s->members, 0);
  s->p++;
  scan_space (s);
  if (s->p < s->end && *s->p == '}') {
    s->p++;
    goto done;
  }
  for (;;) {
    FcJsonMember member = { 0 };
    guint member_role = ROLE_NONE;
    gboolean is_results = FALSE, is_next = FALSE, is_count = FALSE, is_id = FALSE;
    const char *key_end;

    scan_space (s);
    if (!scan_string (s, &member.key, &key_end))
      return FALSE;
    member.key_length = key_end - member.key;
    scan_space (s);
    if (s->p >= s->end || *s->p != ':')
      return FALSE;
    s->p++;
    scan_space (s);

    if (role == ROLE_ENVELOPE) {
      is_results = !seen_results && key_is (member.key, key_end, "results");
      is_next = !seen_next && key_is (member.key, key_end, "next");
      is_count = !seen_count && key_is (member.key, key_end, "count");
      seen_results |= is_results;
      seen_next |= is_next;
      seen_count |= is_count;
      if (is_results && s->p < s->end && *s->p == '[') {
        member_role = ROLE_LIST;
        page->is_list = TRUE;
      }
    } else if (role == ROLE_ITEM) {
      is_id = !seen_id && key_is (member.key, key_end, "id");
      seen_id |= is_id;
    }

    if (!scan_value (s, depth, &member, member_role))
      return FALSE;
    if (is_next && member.kind == FC_JSON_KIND_STRING)
      page->next = decode_string (member.start, member.end);
    if (is_count && member.kind == FC_JSON_KIND_NUMBER &&
        !number_as_int (member.start, member.end, &page->count))
      page->count = -1;
    if (is_id && member.kind == FC_JSON_KIND_NUMBER) {
      gint64 id;

      if (number_as_int (member.start, member.end, &id))
        g_array_append_val (page->ids, id);
    }
    if (role == ROLE_ITEM && s->members != NULL)
      g_array_append_val (s->members, member);

    scan_space (s);
    if (s->p < s->end && *s->p == ',') {
      s->p++;
      continue;
    }
    if (s->p < s->end && *s->p == '}') {
      s->p++;
      break;
    }
    return FALSE;
  }

done:
  if (role == ROLE_ITEM && s->item_func != NULL && !s->stopped &&
      !s->item_func ((FcJsonMember *) s->members->data, s->members->len, s->item_data))
    s->stopped = TRUE;
  return TRUE;
}

static gboolean
scan_array (Scan  *s,
            guint  depth,
            guint  role)
{
  guint element_role = role == ROLE_LIST ? ROLE_ITEM : ROLE_NONE;

  s->p++;
  scan_space (s);
  if (s->p < s->end && *s->p == ']') {
    s->p++;
    return TRUE;
  }
  for (;;) {
    FcJsonMember element = { 0 };

    scan_space (s);
    if (!scan_value (s, depth, &element, element_role))
      return FALSE;
    if (role == ROLE_LIST)
      s->page->n_items++;
    scan_space (s);
    if (s->p < s->end && *s->p == ',') {
      s->p++;
      continue;
    }
    if (s->p < s->end && *s->p == ']') {
      s->p++;
      return TRUE;
    }
    return FALSE;
  }
}

/* One value at s->p, its kind and text into @value. An object is an item
 * only as an element of the list, the list only as the envelope's results
 * or the whole document. */
static gboolean
scan_value (Scan         *s,
            guint         depth,
            FcJsonMember *value,
            guint         role)
{
  const char *start = s->p;
  gboolean ok;

  if (s->p >= s->end)
    return FALSE;
  switch (*s->p) {
    case '{':
      if (depth >= FC_JSON_MAX_DEPTH)
        return FALSE;
      value->kind = FC_JSON_KIND_OBJECT;
      ok = scan_object (s, depth + 1, role == ROLE_ENVELOPE || role == ROLE_ITEM ? role
                                                                                : ROLE_NONE);
      break;
    case '[':
      if (depth >= FC_JSON_MAX_DEPTH)
        return FALSE;
      value->kind = FC_JSON_KIND_ARRAY;
      ok = scan_array (s, depth + 1, role == ROLE_LIST ? role : ROLE_NONE);
      break;
    case '"':
      value->kind = FC_JSON_KIND_STRING;
      return scan_string (s, &value->start, &value->end);
    case 't':
      value->kind = FC_JSON_KIND_TRUE;
      ok = scan_word (s, "true");
      break;
    case 'f':
      value->kind = FC_JSON_KIND_FALSE;
      ok = scan_word (s, "false");
      break;
    case 'n':
      value->kind = FC_JSON_KIND_NULL;
      ok = scan_word (s, "null");
      break;
    default:
      value->kind = FC_JSON_KIND_NUMBER;
      ok = scan_number (s);
      break;
  }
  value->start = start;
  value->end = s->p;
  return ok;
}

static gboolean
scan_document (const char      *data,
               gsize            length,
               FcJsonPage      *page,
               FcJsonItemFunc   item_func,
               gpointer         item_data,
               GError         **error)
{
  Scan s = { data, data + length, page, item_func, item_data, NULL, FALSE };
  FcJsonMember top = { 0 };
  gboolean top_is_array;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (page != NULL, FALSE);

  memset (page, 0, sizeof *page);
  page->count = -1;
  page->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (item_func != NULL)
    s.members = g_array_new (FALSE, FALSE, sizeof (FcJsonMember));

  scan_space (&s);
  top_is_array = s.p < s.end && *s.p == '[';
  ok = length > 0 && scan_value (&s, 0, &top, top_is_array ? ROLE_LIST : ROLE_ENVELOPE);
  if (ok) {
    scan_space (&s);
    ok = s.p == s.end;
  }
  g_clear_pointer (&s.members, g_array_unref);
  if (!ok) {
    fc_json_page_clear (page);
    g_set_error_literal (error, FC_JSON_ERROR, FC_JSON_ERROR_PARSE,
                         "JSON parse error - the page is not one JSON document");
    return FALSE;
  }
  if (top_is_array) {
    g_clear_pointer (&page->next, g_free);
    page->count = -1;
  } else if (!page->is_list) {
    fc_json_page_clear (page);
    g_set_error_literal (error, FC_JSON_ERROR, FC_JSON_ERROR_TYPE,
                         "The page holds no list of results");
    return FALSE;
  }
  page->is_list = top_is_array;
  return TRUE;
}

/**
 * fc_json_scan_page:
 * @page: (out caller-allocates): cleared with fc_json_page_clear()
 *
 * Checks that @data is one JSON document (UTF-8, at most
 * %FC_JSON_MAX_DEPTH deep, no escape fc_json_parse() refuses) that is a
 * list: an array, or an object whose `results` is one (a page of a
 * paginated list); and reads off it what #FcJsonPage holds, without
 * building a tree. %FC_JSON_ERROR_PARSE when it is not JSON,
 * %FC_JSON_ERROR_TYPE when it is no list.
 */
gboolean
fc_json_scan_page (const char  *data,
                   gsize        length,
                   FcJsonPage  *page,
                   GError     **error)
{
  return scan_document (data, length, page, NULL, NULL, error);
}

/**
 * fc_json_scan_items:
 * @item_func: called with the members of each item that is an object, in
 *   order, as the scan reaches its end; returning %FALSE stops the calls
 *   (the scan goes on, to check the rest)
 *
 * fc_json_scan_page() that also hands over each item's members, their
 * values still in the text: a page read straight into rows without a tree.
 * Items already handed over stay handed over when the page turns out not
 * to be JSON further on: read pages inside a transaction.
 */
gboolean
fc_json_scan_items (const char      *data,
                    gsize            length,
                    FcJsonItemFunc   item_func,
                    gpointer         item_data,
                    FcJsonPage      *page,
                    GError         **error)
{
  g_return_val_if_fail (item_func != NULL, FALSE);

  return scan_document (data, length, page, item_func, item_data, error);
}

/* Members of an object found in a page's text. */

const FcJsonMember *
fc_json_members_find (const FcJsonMember *members,
                      guint               n_members,
                      const char         *name)
{
  for (guint i = 0; i < n_members; i++) {
    if (key_is (members[i].key, members[i].key + members[i].key_length, name))
      return &members[i];
  }
  return NULL;
}

gboolean
fc_json_member_get_int (const FcJsonMember *member,
                        gint64             *out_value)
{
  return member != NULL && member->kind == FC_JSON_KIND_NUMBER &&
         number_as_int (member->start, member->end, out_value);
}

/* As json-glib reads a number and json_node_get_double() gives it: an
 * integer through gint64, the rest as g_ascii_strtod() reads it. */
gboolean
fc_json_member_get_double (const FcJsonMember *member,
                           double             *out_value)
{
  gint64 i;

  if (member == NULL || member->kind != FC_JSON_KIND_NUMBER)
    return FALSE;
  if (memchr (member->start, '.', member->end - member->start) == NULL &&
      memchr (member->start, 'e', member->end - member->start) == NULL &&
      memchr (member->start, 'E', member->end - member->start) == NULL &&
      number_as_int (member->start, member->end, &i)) {
    *out_value = (double) i;
    return TRUE;
  }
  *out_value = number_as_double (member->start, member->end);
  return TRUE;
}

/* A string member's text, its escapes decoded. */
char *
fc_json_member_dup_string (const FcJsonMember *member)
{
  if (member == NULL || member->kind != FC_JSON_KIND_STRING)
    return NULL;
  if (memchr (member->start, '\\', member->end - member->start) == NULL)
    return g_strndup (member->start, member->end - member->start);
  return decode_string (member->start, member->end);
}

static gboolean
on_object_members_cb (const FcJsonMember *members,
                      guint               n_members,
                      gpointer            user_data)
{
  GArray *copy = user_data;

  g_array_append_vals (copy, members, n_members);
  return TRUE;
}

/* The members of an object member (already checked as part of its page).
 * Free with g_array_unref(). */
GArray *
fc_json_member_get_members (const FcJsonMember *member)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (FcJsonMember));
  Scan s = { NULL, NULL, NULL, on_object_members_cb, members, NULL, FALSE };
  FcJsonPage page = { 0 };
  FcJsonMember value = { 0 };

  if (member == NULL || member->kind != FC_JSON_KIND_OBJECT)
    return members;
  s.p = member->start;
  s.end = member->end;
  s.page = &page;
  page.ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  s.members = g_array_new (FALSE, FALSE, sizeof (FcJsonMember));
  if (!scan_value (&s, 0, &value, ROLE_ITEM))
    g_array_set_size (members, 0);
  g_array_unref (s.members);
  fc_json_page_clear (&page);
  return members;
}

void
fc_json_page_clear (FcJsonPage *page)
{
  g_clear_pointer (&page->next, g_free);
  g_clear_pointer (&page->ids, g_array_unref);
  page->n_items = 0;
  page->count = -1;
  page->is_list = FALSE;
}
