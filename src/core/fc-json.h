/* fc-json.h — type-checking accessors for untrusted JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_JSON_ERROR (fc_json_error_quark ())

/**
 * FcJsonError:
 * @FC_JSON_ERROR_PARSE: the text is not JSON
 * @FC_JSON_ERROR_TYPE: the JSON is valid but not of the expected shape
 * @FC_JSON_ERROR_DEPTH: arrays and objects nest deeper than %FC_JSON_MAX_DEPTH
 */
typedef enum {
  FC_JSON_ERROR_PARSE,
  FC_JSON_ERROR_TYPE,
  FC_JSON_ERROR_DEPTH,
} FcJsonError;

/* The deepest nesting fc_json_parse() accepts. Real documents nest a few
 * levels (a meal plan's schedule: plan → schedule → entry → meal → items →
 * item → food, seven); json-glib recurses per level, so an unbounded depth
 * is a stack overflow. */
#define FC_JSON_MAX_DEPTH 64

GQuark       fc_json_error_quark    (void);

/* TRUE when no array or object in @data nests deeper than @max_depth. A
 * linear scan that does not validate: it only bounds what a parser will
 * recurse through. @length -1: NUL-terminated. */
gboolean     fc_json_check_depth    (const char  *data,
                                     gssize       length,
                                     guint        max_depth);

/**
 * FcJsonPage:
 * @is_list: the document is a bare array, not a page envelope
 * @next: (nullable): the envelope's `next` link
 * @count: the envelope's `count`, or -1 when it has none
 * @n_items: how many elements the list holds
 * @ids: (element-type gint64): the `id` of each element that is an object
 *   with an integral one, in order
 *
 * What fc_json_scan_page() reads off one page of a list.
 */
typedef struct {
  gboolean  is_list;
  char     *next;
  gint64    count;
  guint     n_items;
  GArray   *ids;
} FcJsonPage;

gboolean     fc_json_scan_page      (const char  *data,
                                     gsize        length,
                                     FcJsonPage  *page,
                                     GError     **error);
void         fc_json_page_clear     (FcJsonPage  *page);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FcJsonPage, fc_json_page_clear)

JsonNode    *fc_json_parse          (const char  *data,
                                     gssize       length,
                                     GError     **error);
JsonObject  *fc_json_parse_object   (const char  *data,
                                     gssize       length,
                                     GError     **error);
char        *fc_json_to_string      (JsonNode    *node,
                                     gboolean     pretty);

gboolean     fc_json_has_member     (JsonObject  *object,
                                     const char  *member);
gboolean     fc_json_is_null        (JsonObject  *object,
                                     const char  *member);
const char  *fc_json_get_string     (JsonObject  *object,
                                     const char  *member);
gboolean     fc_json_get_int        (JsonObject  *object,
                                     const char  *member,
                                     gint64      *out_value);
gboolean     fc_json_get_double     (JsonObject  *object,
                                     const char  *member,
                                     double      *out_value);
gboolean     fc_json_get_boolean    (JsonObject  *object,
                                     const char  *member,
                                     gboolean    *out_value);
JsonObject  *fc_json_get_object     (JsonObject  *object,
                                     const char  *member);
JsonArray   *fc_json_get_array      (JsonObject  *object,
                                     const char  *member);

G_END_DECLS
