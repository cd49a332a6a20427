/* fc-json-out.h — the server's one JSON writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every JSON answer of fitcore-server is written by these functions, in the
 * bytes DRF sends: Python's json.dumps(separators=(",", ":"),
 * ensure_ascii=False), floats with their ".0" and in the shortest form that
 * reads back. A JsonNode tree goes out through fc_json_out_node() (what
 * fc_server_request_respond_json() does); a route that writes its answer
 * straight from a statement's columns, without a node per row (a page of
 * 1000 foods), calls the same primitives and answers with
 * fc_server_request_respond_written(), so the two paths cannot drift
 * apart.
 *
 * Commas: fc_json_out_member() and fc_json_out_element() write the comma
 * before a member or element themselves, unless it is the first of its
 * object or array (the text so far ends with '{' or '[').
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A string, escaped as json.dumps does: '"', '\\', \n \r \t \b \f by
 * name, other controls as \u00XX, everything else (non-ASCII included) as
 * it is. Invalid UTF-8 goes out as U+FFFD. NULL writes null. */
void fc_json_out_string  (GString    *out,
                          const char *text);
void fc_json_out_int     (GString    *out,
                          gint64      value);
/* Python's float repr as the server has always printed it: "1.0", "0.1",
 * "2.5e-07", the shortest %.Ng (N ≥ 15 for normal numbers) that reads
 * back as the same double, ".0" added when that has no '.' or 'e'; NaN and
 * the infinities as null. */
void fc_json_out_double  (GString    *out,
                          double      value);
/* The same text found with printf and strtod alone, as the server wrote
 * every double before: slower, and what fc_json_out_double() falls back
 * to and is tested against. */
void fc_json_out_double_printf (GString *out,
                                double   value);
void fc_json_out_boolean (GString    *out,
                          gboolean    value);
void fc_json_out_null    (GString    *out);
/* A comma unless first, then "name":, for the member's value to follow. */
void fc_json_out_member  (GString    *out,
                          const char *name);
/* A comma unless first, for an array element to follow. */
void fc_json_out_element (GString    *out);
/* A whole tree. */
void fc_json_out_node    (GString    *out,
                          JsonNode   *node);

G_END_DECLS
