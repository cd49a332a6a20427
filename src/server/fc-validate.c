/* fc-validate.c — DRF-style validation of request fields
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each reader follows the matching DRF 3.16 field (CharField, FloatField,
 * IntegerField, BooleanField, ChoiceField, DateField, EmailField,
 * PrimaryKeyRelatedField): the same accepted inputs and the same messages.
 * Python's conversions (float(), int(), str(), repr()) have no GLib
 * equivalent, so the few that matter are written out here.
 */

#define G_LOG_DOMAIN "fc-validate"

#include "config.h"

#include <errno.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fc-json.h"
#include "fc-time.h"
#include "fc-validate.h"

/* DRF refuses to convert longer strings to numbers. */
#define MAX_NUMBER_STRING_LENGTH 1000
/* Django's EmailValidator refuses longer addresses outright. */
#define MAX_EMAIL_LENGTH 320

struct _FcFieldErrors {
  JsonObject *object;
  GPtrArray  *strings;  /* converted values handed out through @out */
};

FcFieldErrors *
fc_field_errors_new (void)
{
  FcFieldErrors *self = g_new0 (FcFieldErrors, 1);

  self->object = json_object_new ();
  self->strings = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
fc_field_errors_free (FcFieldErrors *errors)
{
  if (errors == NULL)
    return;

  json_object_unref (errors->object);
  g_ptr_array_unref (errors->strings);
  g_free (errors);
}

void
fc_field_errors_add (FcFieldErrors *errors,
                     const char    *field,
                     const char    *format,
                     ...)
{
  g_autofree char *message = NULL;
  JsonNode *node;
  va_list args;

  g_return_if_fail (errors != NULL);
  g_return_if_fail (field != NULL);
  g_return_if_fail (format != NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  node = json_object_get_member (errors->object, field);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)) {
    json_object_set_array_member (errors->object, field, json_array_new ());
    node = json_object_get_member (errors->object, field);
  }
  json_array_add_string_element (json_node_get_array (node), message);
}

void
fc_field_errors_set_node (FcFieldErrors *errors,
                          const char    *field,
                          JsonNode      *node)
{
  g_return_if_fail (errors != NULL);
  g_return_if_fail (field != NULL);
  g_return_if_fail (node != NULL);

  json_object_set_member (errors->object, field, node);
}

gboolean
fc_field_errors_is_empty (FcFieldErrors *errors)
{
  g_return_val_if_fail (errors != NULL, TRUE);

  return json_object_get_size (errors->object) == 0;
}

gboolean
fc_field_errors_has (FcFieldErrors *errors,
                     const char    *field)
{
  g_return_val_if_fail (errors != NULL, FALSE);

  return json_object_has_member (errors->object, field);
}

JsonNode *
fc_field_errors_to_node (FcFieldErrors *errors)
{
  JsonNode *node;

  g_return_val_if_fail (errors != NULL, NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, errors->object);
  return node;
}

static const char *
keep_string (FcFieldErrors *errors,
             char          *string)
{
  g_ptr_array_add (errors->strings, string);
  return string;
}

/* Python's repr() of a float: the shortest text that reads back as the same
 * double, in exponent form outside 1e-4 <= |x| < 1e16. */
static char *
python_float_repr (double value)
{
  char buffer[64];
  char digits[32];
  guint n_digits = 0;
  int exponent;
  int point;
  GString *out;

  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value > 0 ? "inf" : "-inf");
  if (value == 0)
    return g_strdup (signbit (value) ? "-0.0" : "0.0");

  for (int precision = 0; precision < 17; precision++) {
    char format[16];

    g_snprintf (format, sizeof format, "%%.%de", precision);
    g_ascii_formatd (buffer, sizeof buffer, format, value);
    if (g_ascii_strtod (buffer, NULL) == value)
      break;
  }

  /* buffer is "-d.ddde±XX" whatever the locale. */
  for (const char *p = buffer; *p != '\0' && *p != 'e'; p++) {
    if (g_ascii_isdigit (*p) && n_digits < sizeof digits - 1)
      digits[n_digits++] = *p;
  }
  digits[n_digits] = '\0';
  while (n_digits > 1 && digits[n_digits - 1] == '0')
    digits[--n_digits] = '\0';
  exponent = atoi (strchr (buffer, 'e') + 1);
  point = exponent + 1;

  out = g_string_new (value < 0 ? "-" : "");
  if (point > 16 || point < -3) {
    g_string_append_c (out, digits[0]);
    if (n_digits > 1)
      g_string_append_printf (out, ".%s", digits + 1);
    g_string_append_printf (out, "e%c%02d", exponent < 0 ? '-' : '+', ABS (exponent));
  } else if (point <= 0) {
    g_string_append (out, "0.");
    for (int i = 0; i < -point; i++)
      g_string_append_c (out, '0');
    g_string_append (out, digits);
  } else if ((guint) point >= n_digits) {
    g_string_append (out, digits);
    for (guint i = n_digits; i < (guint) point; i++)
      g_string_append_c (out, '0');
    g_string_append (out, ".0");
  } else {
    g_string_append_len (out, digits, point);
    g_string_append_printf (out, ".%s", digits + point);
  }

  return g_string_free (out, FALSE);
}

/* A validator's limit as Python prints the int or float it was given:
 * MinValueValidator(0) says "0", MinValueValidator(0.01) says "0.01". */
static char *
format_limit (double limit)
{
  if (limit == floor (limit) && fabs (limit) < 1e16)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) limit);
  return python_float_repr (limit);
}

/* Python's type(data).__name__ for a JSON value. */
static const char *
python_type_name (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT:
      return "dict";
    case JSON_NODE_ARRAY:
      return "list";
    case JSON_NODE_NULL:
      return "NoneType";
    case JSON_NODE_VALUE:
    default:
      break;
  }

  switch (json_node_get_value_type (node)) {
    case G_TYPE_BOOLEAN:
      return "bool";
    case G_TYPE_INT64:
      return "int";
    case G_TYPE_DOUBLE:
      return "float";
    default:
      return "str";
  }
}

/* Python's str() of a scalar JSON value, or NULL for arrays and objects. */
static char *
python_str (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node)) {
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "True" : "False");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return python_float_repr (json_node_get_double (node));
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    default:
      return NULL;
  }
}

/* The text DRF puts into '"{input}" is not a valid choice.' */
static char *
python_format_input (JsonNode *node)
{
  char *text = python_str (node);

  if (text != NULL)
    return text;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("[...]");
  return g_strdup ("{...}");
}

/* Field.validate_empty_values(): returns the node to validate, or NULL when
 * the member is absent or null (after adding the right message). */
static JsonNode *
get_present (JsonObject    *in,
             const char    *field,
             gboolean       required,
             gboolean       nullable,
             FcFieldErrors *errors,
             gboolean      *out_is_null)
{
  JsonNode *node = in != NULL ? json_object_get_member (in, field) : NULL;

  if (out_is_null != NULL)
    *out_is_null = FALSE;

  if (node == NULL) {
    if (required)
      fc_field_errors_add (errors, field, "This field is required.");
    return NULL;
  }

  if (JSON_NODE_HOLDS_NULL (node)) {
    if (!nullable)
      fc_field_errors_add (errors, field, "This field may not be null.");
    else if (out_is_null != NULL)
      *out_is_null = TRUE;
    return NULL;
  }

  return node;
}

/* Python's float() of a string: surrounding whitespace, exponents, "inf" and
 * "nan" (which we then refuse), underscores between digits. */
static gboolean
parse_python_float (const char *text,
                    double     *out)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  g_autoptr(GString) clean = g_string_new (NULL);
  char *end = NULL;
  double value;

  if (*copy == '\0')
    return FALSE;

  for (const char *p = copy; *p != '\0'; p++) {
    if (*p == '_') {
      if (p == copy || !g_ascii_isdigit (p[-1]) || !g_ascii_isdigit (p[1]))
        return FALSE;
      continue;
    }
    /* strtod also reads hexadecimal floats, which Python's float() does not. */
    if (*p == 'x' || *p == 'X')
      return FALSE;
    g_string_append_c (clean, *p);
  }

  errno = 0;
  value = g_ascii_strtod (clean->str, &end);
  if (end == clean->str || *end != '\0')
    return FALSE;
  /* Overflow reads as inf in Python too, and is refused below like inf. */
  *out = value;
  return TRUE;
}

/* Python's int() of a string: whitespace, a sign, underscores between digits.
 * Values beyond gint64 saturate so that the range check reports them. */
static gboolean
parse_python_int (const char *text,
                  gint64     *out)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  const char *p = copy;
  gboolean negative = FALSE;
  guint64 value = 0;
  gboolean overflow = FALSE;
  gboolean any = FALSE;

  if (*p == '+' || *p == '-')
    negative = *p++ == '-';

  for (; *p != '\0'; p++) {
    if (*p == '_' && any && g_ascii_isdigit (p[1]))
      continue;
    if (!g_ascii_isdigit (*p))
      return FALSE;
    any = TRUE;
    if (value > (G_MAXUINT64 - 9) / 10)
      overflow = TRUE;
    else
      value = value * 10 + (guint64) (*p - '0');
  }

  if (!any)
    return FALSE;

  if (overflow || value > (guint64) G_MAXINT64)
    *out = negative ? G_MININT64 : G_MAXINT64;
  else
    *out = negative ? -(gint64) value : (gint64) value;
  return TRUE;
}

/* IntegerField strips a trailing ".0", ".000", and spaces before int(). */
static char *
strip_decimal_zeros (const char *text)
{
  char *copy = g_strdup (text);
  char *end = copy + strlen (copy);

  while (end > copy && g_ascii_isspace (end[-1]))
    end--;
  {
    char *p = end;

    while (p > copy && p[-1] == '0')
      p--;
    if (p > copy && p[-1] == '.')
      end = p - 1;
  }
  *end = '\0';
  return copy;
}

/* A number given as a string, or NULL after refusing one too long to read. */
static const char *
number_text (JsonNode      *node,
             const char    *field,
             FcFieldErrors *errors)
{
  const char *text = json_node_get_string (node);

  if (strlen (text) > MAX_NUMBER_STRING_LENGTH) {
    fc_field_errors_add (errors, field, "String value too large.");
    return NULL;
  }
  return text;
}

gboolean
fc_validate_string (JsonObject     *in,
                    const char     *field,
                    gboolean        required,
                    gboolean        allow_blank,
                    guint           max_length,
                    FcFieldErrors  *errors,
                    const char    **out)
{
  g_autofree char *text = NULL;
  JsonNode *node;
  gboolean valid = TRUE;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (errors != NULL, FALSE);

  node = get_present (in, field, required, FALSE, errors, NULL);
  if (node == NULL)
    return FALSE;

  /* str(data) of a bool, list or dict is not blank; those fail as invalid. */
  text = python_str (node);
  if (text == NULL || json_node_get_value_type (node) == G_TYPE_BOOLEAN) {
    fc_field_errors_add (errors, field, "Not a valid string.");
    return FALSE;
  }

  /* trim_whitespace is on for every CharField. */
  g_strstrip (text);
  if (*text == '\0') {
    if (!allow_blank) {
      fc_field_errors_add (errors, field, "This field may not be blank.");
      return FALSE;
    }
  }

  /* DRF runs every validator and reports each failure. */
  if (max_length > 0 && g_utf8_strlen (text, -1) > (glong) max_length) {
    fc_field_errors_add (errors, field, "Ensure this field has no more than %u characters.",
                         max_length);
    valid = FALSE;
  }
  if (!valid)
    return FALSE;
  if (out != NULL)
    *out = keep_string (errors, g_steal_pointer (&text));
  return TRUE;
}

static gboolean
check_double_range (const char    *field,
                    double         value,
                    double         min,
                    double         max,
                    FcFieldErrors *errors)
{
  if (value > max) {
    g_autofree char *limit = format_limit (max);

    fc_field_errors_add (errors, field, "Ensure this value is less than or equal to %s.", limit);
    return FALSE;
  }
  if (value < min) {
    g_autofree char *limit = format_limit (min);

    fc_field_errors_add (errors, field, "Ensure this value is greater than or equal to %s.",
                         limit);
    return FALSE;
  }
  return TRUE;
}

gboolean
fc_validate_number (JsonObject    *in,
                    const char    *field,
                    gboolean       required,
                    gboolean       nullable,
                    double         min,
                    double         max,
                    FcFieldErrors *errors,
                    double        *out,
                    gboolean      *out_is_null)
{
  JsonNode *node;
  double value = 0;
  gboolean parsed = FALSE;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (errors != NULL, FALSE);

  node = get_present (in, field, required, nullable, errors, out_is_null);
  if (node == NULL)
    return out_is_null != NULL && *out_is_null;

  if (JSON_NODE_HOLDS_VALUE (node)) {
    switch (json_node_get_value_type (node)) {
      case G_TYPE_INT64:
      case G_TYPE_DOUBLE:
        parsed = fc_json_get_double (in, field, &value);
        break;
      case G_TYPE_STRING: {
        const char *text = number_text (node, field, errors);

        if (text == NULL)
          return FALSE;
        parsed = parse_python_float (text, &value);
        break;
      }
      /* float(True) is 1.0 in Python, but a boolean is never meant as a
       * quantity: refuse it. */
      default:
        break;
    }
  }

  /* A stored NaN or Infinity would poison every total it enters. */
  if (!parsed || !isfinite (value)) {
    fc_field_errors_add (errors, field, "A valid number is required.");
    return FALSE;
  }

  if (!check_double_range (field, value, min, max, errors))
    return FALSE;

  if (out != NULL)
    *out = value;
  return TRUE;
}

gboolean
fc_validate_integer (JsonObject    *in,
                     const char    *field,
                     gboolean       required,
                     gboolean       nullable,
                     gint64         min,
                     gint64         max,
                     FcFieldErrors *errors,
                     gint64        *out,
                     gboolean      *out_is_null)
{
  JsonNode *node;
  gint64 value = 0;
  gboolean parsed = FALSE;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (errors != NULL, FALSE);

  node = get_present (in, field, required, nullable, errors, out_is_null);
  if (node == NULL)
    return out_is_null != NULL && *out_is_null;

  if (JSON_NODE_HOLDS_VALUE (node)) {
    switch (json_node_get_value_type (node)) {
      case G_TYPE_INT64:
        value = json_node_get_int (node);
        parsed = TRUE;
        break;
      case G_TYPE_DOUBLE:
        /* str(7.0) is "7.0", which DRF strips to "7"; str(7.5) fails. */
        parsed = fc_json_get_int (in, field, &value) && fabs (json_node_get_double (node)) < 1e16;
        break;
      case G_TYPE_STRING: {
        const char *text = number_text (node, field, errors);
        g_autofree char *stripped = NULL;

        if (text == NULL)
          return FALSE;
        stripped = strip_decimal_zeros (text);
        parsed = parse_python_int (stripped, &value);
        break;
      }
      default:
        break;
    }
  }

  if (!parsed) {
    fc_field_errors_add (errors, field, "A valid integer is required.");
    return FALSE;
  }

  if (value > max) {
    fc_field_errors_add (errors, field,
                         "Ensure this value is less than or equal to %" G_GINT64_FORMAT ".", max);
    return FALSE;
  }
  if (value < min) {
    fc_field_errors_add (errors, field,
                         "Ensure this value is greater than or equal to %" G_GINT64_FORMAT ".",
                         min);
    return FALSE;
  }

  if (out != NULL)
    *out = value;
  return TRUE;
}

gboolean
fc_validate_boolean (JsonObject    *in,
                     const char    *field,
                     gboolean       required,
                     FcFieldErrors *errors,
                     gboolean      *out)
{
  static const char * const true_values[] = {
    "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", NULL
  };
  static const char * const false_values[] = {
    "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", NULL
  };
  JsonNode *node;
  gboolean value = FALSE;
  gboolean parsed = FALSE;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (errors != NULL, FALSE);

  node = get_present (in, field, required, FALSE, errors, NULL);
  if (node == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_VALUE (node)) {
    switch (json_node_get_value_type (node)) {
      case G_TYPE_BOOLEAN:
        value = json_node_get_boolean (node);
        parsed = TRUE;
        break;
      /* 1 == 1.0 == True in Python, so numbers 0 and 1 are booleans too. */
      case G_TYPE_INT64:
      case G_TYPE_DOUBLE: {
        double d = json_node_get_double (node);

        parsed = d == 0 || d == 1;
        value = d == 1;
        break;
      }
      case G_TYPE_STRING: {
        const char *text = json_node_get_string (node);

        if (g_strv_contains (true_values, text)) {
          value = TRUE;
          parsed = TRUE;
        } else if (g_strv_contains (false_values, text)) {
          value = FALSE;
          parsed = TRUE;
        }
        break;
      }
      default:
        break;
    }
  }

  if (!parsed) {
    fc_field_errors_add (errors, field, "Must be a valid boolean.");
    return FALSE;
  }

  if (out != NULL)
    *out = value;
  return TRUE;
}

gboolean
fc_validate_choice (JsonObject          *in,
                    const char          *field,
                    gboolean             required,
                    gboolean             nullable,
                    const char * const  *choices,
                    FcFieldErrors       *errors,
                    const char         **out)
{
  g_autofree char *text = NULL;
  JsonNode *node;
  gboolean is_null = FALSE;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (choices != NULL, FALSE);
  g_return_val_if_fail (errors != NULL, FALSE);

  node = get_present (in, field, required, nullable, errors, &is_null);
  if (node == NULL) {
    if (is_null && out != NULL)
      *out = NULL;
    return is_null;
  }

  /* DRF looks the choice up by str(data), so 5 would match a "5" choice. */
  text = python_str (node);
  if (text == NULL || json_node_get_value_type (node) == G_TYPE_BOOLEAN ||
      !g_strv_contains (choices, text)) {
    g_autofree char *input = python_format_input (node);

    fc_field_errors_add (errors, field, "\"%s\" is not a valid choice.", input);
    return FALSE;
  }

  if (out != NULL) {
    for (guint i = 0; choices[i] != NULL; i++) {
      if (g_str_equal (choices[i], text))
        *out = choices[i];
    }
  }
  return TRUE;
}

/* Django's parse_date(): ISO "YYYY-MM-DD", and its regular expression's
 * looser "YYYY-M-D". Returns the date normalised to "YYYY-MM-DD". */
static char *
parse_django_date (const char *text)
{
  g_auto(GStrv) parts = NULL;
  GDate date;

  if (fc_time_parse_date (text, &date))
    return fc_time_format_date (&date);

  parts = g_strsplit (text, "-", -1);
  if (g_strv_length (parts) != 3 || strlen (parts[0]) != 4 ||
      strlen (parts[1]) < 1 || strlen (parts[1]) > 2 ||
      strlen (parts[2]) < 1 || strlen (parts[2]) > 2)
    return NULL;

  for (guint i = 0; i < 3; i++) {
    for (const char *p = parts[i]; *p != '\0'; p++) {
      if (!g_ascii_isdigit (*p))
        return NULL;
    }
  }

  {
    g_autofree char *padded = g_strdup_printf ("%s-%02u-%02u", parts[0],
                                               (guint) g_ascii_strtoull (parts[1], NULL, 10),
                                               (guint) g_ascii_strtoull (parts[2], NULL, 10));

    if (!fc_time_parse_date (padded, &date))
      return NULL;
  }
  return fc_time_format_date (&date);
}

gboolean
fc_validate_date (JsonObject     *in,
                  const char     *field,
                  gboolean        required,
                  gboolean        nullable,
                  FcFieldErrors  *errors,
                  const char    **out,
                  gboolean       *out_is_null)
{
  g_autofree char *normalised = NULL;
  JsonNode *node;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (errors != NULL, FALSE);

  node = get_present (in, field, required, nullable, errors, out_is_null);
  if (node == NULL) {
    if (out_is_null != NULL && *out_is_null && out != NULL)
      *out = NULL;
    return out_is_null != NULL && *out_is_null;
  }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    normalised = parse_django_date (json_node_get_string (node));

  if (normalised == NULL) {
    fc_field_errors_add (errors, field,
                         "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
    return FALSE;
  }

  if (out != NULL)
    *out = keep_string (errors, g_steal_pointer (&normalised));
  return TRUE;
}

/* Django's EmailValidator: a dot-atom or quoted local part, and a domain of
 * LDH labels with an alphabetic-ish TLD, "localhost", or an IP literal. */
static gboolean
is_valid_email (const char *address)
{
  static gsize initialized;
  static GRegex *user_regex;
  static GRegex *domain_regex;
  static GRegex *literal_regex;
  const char *at;
  g_autofree char *user = NULL;
  const char *domain;

  if (g_once_init_enter (&initialized)) {
    user_regex = g_regex_new ("^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*"
                                 "|\"(?:[\\001-\\010\\013\\014\\016-\\037!#-\\[\\]-\\177]"
                                 "|\\\\[\\001-\\011\\013\\014\\016-\\177])*\")\\z",
                                 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
    domain_regex = g_regex_new ("^(?:(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\\.)+)"
                                "(?:[A-Z0-9-]{2,63}(?<!-))\\z",
                                G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
    literal_regex = g_regex_new ("^\\[([A-F0-9:.]+)\\]\\z",
                                 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&initialized, 1);
  }

  if (strlen (address) > MAX_EMAIL_LENGTH)
    return FALSE;

  at = strrchr (address, '@');
  if (at == NULL || at == address || at[1] == '\0')
    return FALSE;

  user = g_strndup (address, (gsize) (at - address));
  domain = at + 1;

  if (!g_regex_match (user_regex, user, 0, NULL))
    return FALSE;

  if (g_ascii_strcasecmp (domain, "localhost") == 0)
    return TRUE;
  if (g_regex_match (domain_regex, domain, 0, NULL))
    return TRUE;

  if (g_regex_match (literal_regex, domain, 0, NULL)) {
    g_autofree char *ip = g_strndup (domain + 1, strlen (domain) - 2);
    g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (ip);

    return inet != NULL;
  }

  return FALSE;
}

gboolean
fc_validate_email (JsonObject     *in,
                   const char     *field,
                   gboolean        required,
                   FcFieldErrors  *errors,
                   const char    **out)
{
  const char *text = NULL;

  if (!fc_validate_string (in, field, required, FALSE, 0, errors, &text))
    return FALSE;

  if (!is_valid_email (text)) {
    fc_field_errors_add (errors, field, "Enter a valid email address.");
    return FALSE;
  }

  if (out != NULL)
    *out = text;
  return TRUE;
}

gboolean
fc_validate_pk (JsonObject    *in,
                const char    *field,
                gboolean       required,
                FcFieldErrors *errors,
                gint64        *out)
{
  JsonNode *node;
  gint64 value = 0;
  gboolean parsed = FALSE;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (errors != NULL, FALSE);

  node = get_present (in, field, required, FALSE, errors, NULL);
  if (node == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_VALUE (node)) {
    switch (json_node_get_value_type (node)) {
      case G_TYPE_INT64:
        value = json_node_get_int (node);
        parsed = TRUE;
        break;
      case G_TYPE_DOUBLE:
        parsed = fc_json_get_int (in, field, &value);
        break;
      case G_TYPE_STRING:
        parsed = parse_python_int (json_node_get_string (node), &value);
        break;
      default:
        break;
    }
  }

  if (!parsed) {
    fc_field_errors_add (errors, field, "Incorrect type. Expected pk value, received %s.",
                         python_type_name (node));
    return FALSE;
  }

  /* Zero and negative keys name no row: the caller's existence check says
   * "Invalid pk", as Django does. */
  if (out != NULL)
    *out = value;
  return TRUE;
}

JsonArray *
fc_validate_list (JsonObject    *in,
                  const char    *field,
                  gboolean       required,
                  FcFieldErrors *errors)
{
  JsonNode *node;

  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (errors != NULL, NULL);

  node = get_present (in, field, required, FALSE, errors, NULL);
  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node)) {
    g_autoptr(FcFieldErrors) nested = fc_field_errors_new ();

    fc_field_errors_add (nested, "non_field_errors",
                         "Expected a list of items but got type \"%s\".",
                         python_type_name (node));
    fc_field_errors_set_node (errors, field, fc_field_errors_to_node (nested));
    return NULL;
  }

  return json_node_get_array (node);
}

JsonObject *
fc_validate_list_item (JsonArray     *array,
                       guint          index,
                       FcFieldErrors *item_errors)
{
  JsonNode *node;

  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (item_errors != NULL, NULL);
  g_return_val_if_fail (index < json_array_get_length (array), NULL);

  node = json_array_get_element (array, index);
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    fc_field_errors_add (item_errors, "non_field_errors",
                         "Invalid data. Expected a dictionary, but got %s.",
                         python_type_name (node));
    return NULL;
  }

  return json_node_get_object (node);
}

/* ---- Uploaded images ---------------------------------------------------- */

/* The formats we accept, recognised by their magic bytes, with the
 * extension a stored file gets: the served Content-Type follows what the
 * bytes are, never the name the client chose (an "avatar.html" must not
 * come back as a web page). Naming the loader also keeps gdk-pixbuf from
 * sniffing, which needs the shared MIME database. */
static const struct {
  const char *magic;
  gsize       magic_length;
  gsize       offset;
  const char *loader;
  const char *extension;
} image_formats[] = {
  { "\x89PNG\r\n\x1a\n", 8, 0, "png", ".png" },
  { "\xff\xd8\xff", 3, 0, "jpeg", ".jpg" },
  { "GIF87a", 6, 0, "gif", ".gif" },
  { "GIF89a", 6, 0, "gif", ".gif" },
  { "BM", 2, 0, "bmp", ".bmp" },
  { "WEBP", 4, 8, "webp", ".webp" },
};

/* The first bytes fed to a loader: enough for any format's header. Each
 * later write doubles, so at most about as much as came before is decoded
 * once the header has told the size. */
#define IMAGE_FIRST_WRITE 512
#define IMAGE_WRITE_MAX (256 * 1024)

static guint32
read_be16 (const guint8 *p)
{
  return (guint32) p[0] << 8 | p[1];
}

static guint32
read_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint32
read_le16 (const guint8 *p)
{
  return (guint32) p[1] << 8 | p[0];
}

/* The pixel count a PNG, JPEG, GIF or BMP header claims, or -1 when the
 * header is not where it should be (the decoder then has its say). */
static gint64
header_pixels (const guint8 *bytes,
               gsize         size,
               const char   *format)
{
  if (g_str_equal (format, "png") && size >= 24 && memcmp (bytes + 12, "IHDR", 4) == 0)
    return (gint64) read_be32 (bytes + 16) * read_be32 (bytes + 20);

  if (g_str_equal (format, "gif") && size >= 10)
    return (gint64) read_le16 (bytes + 6) * read_le16 (bytes + 8);

  if (g_str_equal (format, "bmp") && size >= 26) {
    gint32 width = (gint32) (read_le16 (bytes + 18) | read_le16 (bytes + 20) << 16);
    gint32 height = (gint32) (read_le16 (bytes + 22) | read_le16 (bytes + 24) << 16);

    if (read_le16 (bytes + 14) == 12)  /* OS/2 1.x: 16-bit sizes */
      return (gint64) read_le16 (bytes + 18) * read_le16 (bytes + 20);
    return ABS ((gint64) width) * ABS ((gint64) height);
  }

  if (g_str_equal (format, "jpeg")) {
    /* The segments before the first frame header (SOF0–SOF15 but for DHT,
     * JPG and DAC) each give their length. */
    for (gsize i = 2; i + 9 <= size;) {
      guint8 marker;

      if (bytes[i] != 0xff)
        return -1;
      marker = bytes[i + 1];
      if (marker == 0xff) {
        i++;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
          marker != 0xcc)
        return (gint64) read_be16 (bytes + i + 5) * read_be16 (bytes + i + 7);
      if (marker == 0xda)
        return -1;
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        i += 2;
      else
        i += 2 + read_be16 (bytes + i + 2);
    }
  }
  return -1;
}

/* For the formats whose header is not read above: their loader says the
 * size before it decodes a pixel, and is then given nothing more. */
static void
on_image_size_prepared_cb (GdkPixbufLoader *loader,
                           int              width,
                           int              height,
                           gpointer         user_data)
{
  gboolean *too_large = user_data;

  if ((gint64) width * height > FC_VALIDATE_IMAGE_PIXELS_MAX)
    *too_large = TRUE;
}

static const char *
decode_image (GBytes *data)
{
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);

  for (gsize i = 0; i < G_N_ELEMENTS (image_formats); i++) {
    g_autoptr(GdkPixbufLoader) loader = NULL;
    gboolean too_large = FALSE;
    gboolean ok = TRUE;
    gsize offset = 0, chunk = IMAGE_FIRST_WRITE;

    if (size < image_formats[i].offset + image_formats[i].magic_length ||
        memcmp (bytes + image_formats[i].offset, image_formats[i].magic,
                image_formats[i].magic_length) != 0)
      continue;

    if (header_pixels (bytes, size, image_formats[i].loader) > FC_VALIDATE_IMAGE_PIXELS_MAX)
      return NULL;

    loader = gdk_pixbuf_loader_new_with_type (image_formats[i].loader, NULL);
    if (loader == NULL)
      return NULL;
    g_signal_connect (loader, "size-prepared", G_CALLBACK (on_image_size_prepared_cb),
                      &too_large);
    while (ok && !too_large && offset < size) {
      gsize n = MIN (chunk, size - offset);

      ok = gdk_pixbuf_loader_write (loader, bytes + offset, n, NULL);
      offset += n;
      chunk = MIN (chunk * 2, IMAGE_WRITE_MAX);
    }
    ok = gdk_pixbuf_loader_close (loader, NULL) && ok;
    if (!ok || too_large || gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
      return NULL;
    return image_formats[i].extension;
  }
  return NULL;
}

static void
decode_image_thread_cb (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  g_task_return_pointer (task, (gpointer) decode_image (task_data), NULL);
}

void
fc_validate_image_async (GBytes              *data,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (data != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_validate_image_async);
  g_task_set_task_data (task, g_bytes_ref (data), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_image_thread_cb);
}

const char *
fc_validate_image_finish (GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), NULL);
}

char **
fc_validate_search_terms (const char    *search,
                          FcFieldErrors *errors)
{
  g_autoptr(GStrvBuilder) terms = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  if (search != NULL && g_utf8_strlen (search, -1) > FC_SEARCH_MAX_LENGTH) {
    fc_field_errors_add (errors, "search", "Ensure this field has no more than %u characters.",
                         FC_SEARCH_MAX_LENGTH);
    return g_strv_builder_end (terms);
  }
  parts = g_strsplit_set (search != NULL ? search : "", " ,\t\n\r\f\v", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    if (*parts[i] != '\0')
      g_strv_builder_add (terms, parts[i]);
  }
  return g_strv_builder_end (terms);
}
