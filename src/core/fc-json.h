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
 */
typedef enum {
  FC_JSON_ERROR_PARSE,
  FC_JSON_ERROR_TYPE,
} FcJsonError;

GQuark       fc_json_error_quark    (void);

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
