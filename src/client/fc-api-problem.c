/* fc-api-problem.c — what went wrong with an API request, for code and for forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-api-problem"

#include "config.h"

#include "fc-api-problem.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "fc-json.h"

/* libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

struct _FcApiProblem {
  gatomicrefcount  ref_count;
  guint            status;
  FcApiError       code;
  guint            retry_after;
  char            *detail;
  char            *server_code;
  GStrv            non_field;   /* never NULL */
  GHashTable      *fields;      /* field path → GStrv */
  JsonNode        *raw;         /* NULL unless the body was JSON */
};

G_DEFINE_QUARK (fc-api-error-quark, fc_api_error)
G_DEFINE_BOXED_TYPE (FcApiProblem, fc_api_problem, fc_api_problem_ref, fc_api_problem_unref)

/* While the body is decoded, messages gather in GPtrArrays; they become
 * GStrvs once it is done. */
typedef struct {
  GPtrArray  *non_field;
  GHashTable *fields;  /* field path → GPtrArray of char* */
} Collector;

static void collect_object (Collector  *collector,
                            const char *prefix,
                            JsonObject *object);

static FcApiError
code_for_status (guint status)
{
  if (status >= 500)
    return FC_API_ERROR_SERVER;

  switch (status) {
    case SOUP_STATUS_UNAUTHORIZED:
      return FC_API_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return FC_API_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return FC_API_ERROR_NOT_FOUND;
    case STATUS_TOO_MANY_REQUESTS:
      return FC_API_ERROR_THROTTLED;
    default:
      /* Any other 4xx (400, 405, 409, 413 ...) is the server turning the
       * request down: the user can fix it or give it up. */
      return status >= 400 ? FC_API_ERROR_VALIDATION : FC_API_ERROR_BAD_RESPONSE;
  }
}

static void
add_message (GPtrArray  *messages,
             JsonNode   *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    g_ptr_array_add (messages, g_strdup (json_node_get_string (node)));
  else if (type == G_TYPE_INT64)
    g_ptr_array_add (messages, g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node)));
}

static GPtrArray *
field_messages (Collector  *collector,
                const char *path)
{
  GPtrArray *messages = g_hash_table_lookup (collector->fields, path);

  if (messages == NULL) {
    messages = g_ptr_array_new_with_free_func (g_free);
    g_hash_table_insert (collector->fields, g_strdup (path), messages);
  }
  return messages;
}

/* @node is what DRF put under @path: a list of messages, one message, a list
 * with one error object per item, or an object of nested field errors. */
static void
collect_field (Collector  *collector,
               const char *path,
               JsonNode   *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);
    guint n = json_array_get_length (array);

    for (guint i = 0; i < n; i++) {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element)) {
        g_autofree char *item_path = g_strdup_printf ("%s.%u", path, i);

        collect_object (collector, item_path, json_node_get_object (element));
      } else {
        add_message (field_messages (collector, path), element);
      }
    }
  } else if (JSON_NODE_HOLDS_OBJECT (node)) {
    collect_object (collector, path, json_node_get_object (node));
  } else {
    add_message (field_messages (collector, path), node);
  }
}

static void
collect_object (Collector  *collector,
                const char *prefix,
                JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node)) {
    g_autofree char *path = NULL;

    /* A nested serializer's own errors belong to the field that holds it. */
    if (g_str_equal (name, "non_field_errors")) {
      if (prefix == NULL)
        collect_field (collector, "", node);
      else
        collect_field (collector, prefix, node);
      continue;
    }

    path = prefix != NULL ? g_strconcat (prefix, ".", name, NULL) : g_strdup (name);
    collect_field (collector, path, node);
  }
}

static void
decode_json (FcApiProblem *self,
             JsonNode     *root)
{
  Collector collector = {
    .non_field = g_ptr_array_new_with_free_func (g_free),
    .fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref),
  };
  GHashTableIter iter;
  gpointer key, value;
  GPtrArray *top;

  if (JSON_NODE_HOLDS_OBJECT (root)) {
    g_autoptr(JsonObject) object = json_object_ref (json_node_get_object (root));
    g_autoptr(JsonObject) rest = json_object_new ();
    const char *detail = fc_json_get_string (object, "detail");
    const char *server_code = fc_json_get_string (object, "code");
    JsonObjectIter members;
    const char *name;
    JsonNode *node;

    if (detail != NULL)
      self->detail = g_strdup (detail);
    if (server_code != NULL)
      self->server_code = g_strdup (server_code);

    /* "detail", "code" and a token error's "messages" are not field errors. */
    json_object_iter_init (&members, object);
    while (json_object_iter_next (&members, &name, &node)) {
      if ((g_str_equal (name, "detail") && detail != NULL) ||
          (g_str_equal (name, "code") && server_code != NULL) ||
          (g_str_equal (name, "messages") && server_code != NULL))
        continue;
      json_object_set_member (rest, name, json_node_copy (node));
    }
    collect_object (&collector, NULL, rest);
  } else {
    /* A bare list (or string) of messages, as DRF sends for a
     * ValidationError raised with a list. */
    collect_field (&collector, "", root);
  }

  /* Messages filed under "" are the object-level ones. */
  top = g_hash_table_lookup (collector.fields, "");
  if (top != NULL) {
    for (guint i = 0; i < top->len; i++)
      g_ptr_array_add (collector.non_field, g_strdup (g_ptr_array_index (top, i)));
    g_hash_table_remove (collector.fields, "");
  }

  g_ptr_array_add (collector.non_field, NULL);
  g_strfreev (self->non_field);
  self->non_field = (GStrv) g_ptr_array_free (collector.non_field, FALSE);

  g_hash_table_iter_init (&iter, collector.fields);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    GPtrArray *messages = value;
    GStrv strv = g_new0 (char *, messages->len + 1);

    for (guint i = 0; i < messages->len; i++)
      strv[i] = g_strdup (g_ptr_array_index (messages, i));
    g_hash_table_insert (self->fields, g_strdup (key), strv);
  }
  g_hash_table_unref (collector.fields);
}

static gboolean
looks_like_html (const char *content_type,
                 const char *data,
                 gsize       length)
{
  if (content_type != NULL && strstr (content_type, "html") != NULL)
    return TRUE;

  while (length > 0 && g_ascii_isspace (*data)) {
    data++;
    length--;
  }
  return length > 0 && *data == '<';
}

static guint
parse_retry_after (const char *value)
{
  guint64 seconds;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  GTimeSpan span;

  if (value == NULL)
    return 0;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &seconds, NULL))
    return (guint) seconds;

  /* Retry-After may also be an HTTP date. */
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return 0;
  now = g_date_time_new_now_utc ();
  span = g_date_time_difference (when, now);
  return span > 0 ? (guint) MIN (span / G_TIME_SPAN_SECOND, G_MAXUINT) : 0;
}

/**
 * fc_api_problem_new_from_response:
 * @status: the HTTP status
 * @content_type: (nullable): the Content-Type header
 * @body: (nullable): the response body
 * @retry_after: (nullable): the Retry-After header
 *
 * Decodes an error answer. Pure: no I/O, so unit tests call it directly.
 *
 * Returns: (transfer full): a new problem
 */
FcApiProblem *
fc_api_problem_new_from_response (guint       status,
                                  const char *content_type,
                                  GBytes     *body,
                                  const char *retry_after)
{
  g_autoptr(FcApiProblem) self = g_new0 (FcApiProblem, 1);
  const char *data = NULL;
  gsize length = 0;

  g_atomic_ref_count_init (&self->ref_count);
  self->status = status;
  self->code = code_for_status (status);
  self->non_field = g_new0 (char *, 1);
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_strfreev);
  if (status == STATUS_TOO_MANY_REQUESTS)
    self->retry_after = parse_retry_after (retry_after);

  if (body != NULL)
    data = g_bytes_get_data (body, &length);

  if (length == 0) {
    /* Nothing to add: the message comes from the status. */
  } else if (looks_like_html (content_type, data, length)) {
    /* Translators: the server sent a web page (for instance a crash report)
     * where the app expected data; %u is the HTTP status such as 500. */
    self->detail = g_strdup_printf (_("The server answered with an HTML page (status %u)"),
                                    status);
    if (self->code == FC_API_ERROR_VALIDATION)
      self->code = FC_API_ERROR_BAD_RESPONSE;
  } else {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) root = fc_json_parse (data, (gssize) length, &error);

    if (root == NULL) {
      /* Translators: %u is the HTTP status such as 500. */
      self->detail = g_strdup_printf (_("The server answered with malformed JSON (status %u)"),
                                      status);
      if (self->code == FC_API_ERROR_VALIDATION)
        self->code = FC_API_ERROR_BAD_RESPONSE;
    } else {
      decode_json (self, root);
      self->raw = g_steal_pointer (&root);
    }
  }

  return g_steal_pointer (&self);
}

FcApiProblem *
fc_api_problem_ref (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
fc_api_problem_unref (FcApiProblem *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->detail);
  g_free (self->server_code);
  g_strfreev (self->non_field);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->raw, json_node_unref);
  g_free (self);
}

guint
fc_api_problem_get_status (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->status;
}

FcApiError
fc_api_problem_get_code (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, FC_API_ERROR_BAD_RESPONSE);

  return self->code;
}

const char *
fc_api_problem_get_detail (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->detail;
}

const char *
fc_api_problem_get_server_code (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->server_code;
}

const char * const *
fc_api_problem_get_non_field_messages (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->non_field;
}

const char * const *
fc_api_problem_get_field_messages (FcApiProblem *self,
                                   const char   *field)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  return g_hash_table_lookup (self->fields, field);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

char **
fc_api_problem_dup_field_names (FcApiProblem *self)
{
  g_autofree const char **keys = NULL;
  GStrv names;
  guint n;

  g_return_val_if_fail (self != NULL, NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->fields, &n);
  names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = g_strdup (keys[i]);
  qsort (names, n, sizeof (char *), compare_strings);
  return names;
}

GHashTable *
fc_api_problem_get_fields (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->fields;
}

JsonNode *
fc_api_problem_get_raw (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->raw;
}

guint
fc_api_problem_get_retry_after (FcApiProblem *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->retry_after;
}

static char *
generic_message (FcApiProblem *self)
{
  switch (self->code) {
    case FC_API_ERROR_UNAUTHORIZED:
      return g_strdup (_("Your session has ended. Please sign in again."));
    case FC_API_ERROR_FORBIDDEN:
      return g_strdup (_("You are not allowed to do this."));
    case FC_API_ERROR_NOT_FOUND:
      return g_strdup (_("The server does not have this item."));
    case FC_API_ERROR_THROTTLED:
      if (self->retry_after > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Too many requests. Try again in %u second.",
                                             "Too many requests. Try again in %u seconds.",
                                             self->retry_after),
                                self->retry_after);
      return g_strdup (_("Too many requests. Try again later."));
    case FC_API_ERROR_SERVER:
      /* Translators: %u is the HTTP status such as 500. */
      return g_strdup_printf (_("The server ran into a problem (status %u)."), self->status);
    case FC_API_ERROR_VALIDATION:
      return g_strdup (_("The server did not accept this request."));
    case FC_API_ERROR_NETWORK:
    case FC_API_ERROR_TIMEOUT:
    case FC_API_ERROR_BAD_RESPONSE:
    case FC_API_ERROR_INSECURE_URL:
    default:
      /* Translators: %u is the HTTP status such as 302. */
      return g_strdup_printf (_("The server gave an unexpected answer (status %u)."),
                              self->status);
  }
}

/**
 * fc_api_problem_dup_message:
 * @self: a problem
 *
 * One sentence for a toast or a banner: the object-level messages, else the
 * server's detail, else the field messages ("email: Enter a valid email
 * address."), else a translated sentence for the status.
 *
 * Returns: (transfer full): the message
 */
char *
fc_api_problem_dup_message (FcApiProblem *self)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->non_field[0] != NULL)
    return g_strjoinv (" ", self->non_field);
  if (self->detail != NULL)
    return g_strdup (self->detail);

  names = fc_api_problem_dup_field_names (self);
  if (names[0] == NULL)
    return generic_message (self);

  text = g_string_new (NULL);
  for (guint i = 0; names[i] != NULL; i++) {
    g_autofree char *joined = g_strjoinv (" ", g_hash_table_lookup (self->fields, names[i]));

    if (text->len > 0)
      g_string_append (text, "\n");
    g_string_append_printf (text, "%s: %s", names[i], joined);
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * fc_api_problem_to_error:
 * @self: a problem
 *
 * Returns: (transfer full): an %FC_API_ERROR with fc_api_problem_get_code()
 *   and fc_api_problem_dup_message()
 */
GError *
fc_api_problem_to_error (FcApiProblem *self)
{
  g_autofree char *message = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  message = fc_api_problem_dup_message (self);
  return g_error_new_literal (FC_API_ERROR, self->code, message);
}
