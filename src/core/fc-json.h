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

typedef enum {
  FC_JSON_KIND_STRING,
  FC_JSON_KIND_NUMBER,
  FC_JSON_KIND_TRUE,
  FC_JSON_KIND_FALSE,
  FC_JSON_KIND_NULL,
  FC_JSON_KIND_OBJECT,
  FC_JSON_KIND_ARRAY,
} FcJsonKind;

/**
 * FcJsonMember:
 * @key: the member's name as written (escapes and all), @key_length bytes
 * @kind: what its value is
 * @start: its value's text: a string's between the quotes, else all of it
 * @end: where that text ends
 *
 * One member of an object, read off a page's text by fc_json_scan_items().
 */
typedef struct {
  const char *key;
  gsize       key_length;
  FcJsonKind  kind;
  const char *start;
  const char *end;
} FcJsonMember;

typedef gboolean (*FcJsonItemFunc) (const FcJsonMember *members,
                                    guint               n_members,
                                    gpointer            user_data);

gboolean     fc_json_scan_page      (const char  *data,
                                     gsize        length,
                                     FcJsonPage  *page,
                                     GError     **error);
void         fc_json_page_clear     (FcJsonPage  *page);
gboolean     fc_json_scan_items     (const char      *data,
                                     gsize            length,
                                     FcJsonItemFunc   item_func,
                                     gpointer         item_data,
                                     FcJsonPage      *page,
                                     GError         **error);
const FcJsonMember *fc_json_members_find (const FcJsonMember *members,
                                          guint               n_members,
                                          const char         *name);
gboolean     fc_json_member_get_int    (const FcJsonMember *member,
                                        gint64             *out_value);
gboolean     fc_json_member_get_double (const FcJsonMember *member,
                                        double             *out_value);
char        *fc_json_member_dup_string (const FcJsonMember *member);
GArray      *fc_json_member_get_members (const FcJsonMember *member);

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
