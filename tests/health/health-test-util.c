/* health-test-util.c — points, uploads and metrics for the health tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-json.h"
#include "health-test-util.h"

char *
ht_time (gint64 unix_s)
{
  g_autoptr(GDateTime) datetime = g_date_time_new_from_unix_utc (unix_s);

  return g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%SZ");
}

char *
ht_point (const char *data_type,
          double      value,
          const char *unit,
          gint64      unix_s,
          const char *source,
          const char *client_id)
{
  g_autofree char *recorded_at = ht_time (unix_s);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (number, sizeof number, value);
  return g_strdup_printf ("{\"data_type\":\"%s\",\"value\":%s,\"unit\":\"%s\","
                          "\"recorded_at\":\"%s\",\"source\":\"%s\",\"client_id\":\"%s\"}",
                          data_type, number, unit, recorded_at, source, client_id);
}

char *
ht_points_body (GPtrArray *points)
{
  GString *body = g_string_new ("{\"points\":[");

  for (guint i = 0; i < points->len; i++) {
    if (i > 0)
      g_string_append_c (body, ',');
    g_string_append (body, g_ptr_array_index (points, i));
  }
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

JsonObject *
ht_sync (FcTestServer *server,
         const char   *token,
         const char   *body,
         guint         status)
{
  g_autoptr(JsonNode) node = nt_request (server, "POST", HT_API "sync/", token, body, status);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

JsonObject *
ht_get (FcTestServer *server,
        const char   *token,
        const char   *path)
{
  g_autoptr(JsonNode) node = nt_request (server, "GET", path, token, NULL, 200);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

gint64
ht_int (JsonObject *object,
        const char *member)
{
  gint64 value = 0;

  if (!fc_json_get_int (object, member, &value))
    g_error ("no integer member %s", member);
  return value;
}

double
ht_double (JsonObject *object,
           const char *member)
{
  double value = 0;

  if (!fc_json_get_double (object, member, &value))
    g_error ("no number member %s", member);
  return value;
}
