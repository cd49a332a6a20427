/* fc-json.c — type-checking accessors for untrusted JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-json"

#include "config.h"

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
