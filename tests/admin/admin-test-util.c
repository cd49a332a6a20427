/* admin-test-util.c — looks into a test server's database and answers, for the admin tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "admin-test-util.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "nutrition-test-util.h"

/* @sql with its JSON members in PostgreSQL's words on PostgreSQL */
static char *
portable_json (FcSql      *db,
               const char *sql)
{
  g_autoptr(GRegex) member = NULL;

  if (fc_sql_get_backend (db) != FC_SQL_BACKEND_POSTGRESQL)
    return g_strdup (sql);
  member = g_regex_new ("json_(?:extract|type) \\((\\w+), '\\$\\.(\\w+)'\\)", 0, 0, NULL);
  return g_regex_replace (member, sql, -1, 0, "(CAST (\\1 AS jsonb) ->> '\\2')", 0, NULL);
}

gint64
ad_db_int (FcTestServer *server,
           const char   *sql)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  g_autofree char *portable = portable_json (db, sql);

  return nt_query_int (db, portable);
}

void
ad_db_exec (FcTestServer *server,
            const char   *sql)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  g_autoptr(GError) error = NULL;

  fc_sql_exec (db, sql, &error);
  g_assert_no_error (error);
}

JsonObject *
ad_object (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

char *
ad_feed_op (FcTestServer *server,
            const char   *token,
            const char   *cursor,
            const char   *section,
            gint64        id,
            char        **out_cursor)
{
  g_autofree char *path = cursor != NULL ? g_strdup_printf ("/api/v1/changes/?since=%s", cursor)
                                         : g_strdup ("/api/v1/changes/");
  g_autoptr(JsonNode) node = nt_request (server, "GET", path, token, NULL, 200);
  JsonObject *object = ad_object (node);
  JsonArray *changes = fc_json_get_array (object, "changes");
  char *op = NULL;

  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++) {
    JsonObject *change = json_array_get_object_element (changes, i);

    if (g_str_equal (json_object_get_string_member (change, "section"), section) &&
        json_object_get_int_member (change, "id") == id) {
      g_free (op);
      op = g_strdup (json_object_get_string_member (change, "op"));
    }
  }
  *out_cursor = g_strdup (json_object_get_string_member (object, "cursor"));
  return op;
}
