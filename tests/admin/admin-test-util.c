/* admin-test-util.c — looks into a test server's database and answers, for the admin tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "admin-test-util.h"
#include "fc-json.h"
#include "fc-server-test-util.h"
#include "nutrition-test-util.h"

/* json_extract/json_type/json_array_length (COLUMN, '$.a[1].b') in
 * PostgreSQL's words */
static gboolean
pg_json_member (const GMatchInfo *match,
                GString          *out,
                gpointer          data)
{
  g_autofree char *function = g_match_info_fetch (match, 1);
  g_autofree char *column = g_match_info_fetch (match, 2);
  g_autofree char *path = g_match_info_fetch (match, 3);
  g_autoptr(GString) keys = g_string_new (NULL);

  for (const char *p = path; *p != '\0'; p++) {
    if (*p == '.' || *p == '[')
      g_string_append_c (keys, ',');
    else if (*p != ']')
      g_string_append_c (keys, *p);
  }
  if (g_str_equal (function, "array_length"))
    g_string_append_printf (out, "jsonb_array_length (CAST (%s AS jsonb) #> '{%s}')", column, keys->str);
  else
    g_string_append_printf (out, "(CAST (%s AS jsonb) #>> '{%s}')", column, keys->str);
  return FALSE;
}

/* @sql with its JSON members in PostgreSQL's words on PostgreSQL */
static char *
portable_json (FcSql      *db,
               const char *sql)
{
  g_autoptr(GRegex) member = NULL;

  if (fc_sql_get_backend (db) != FC_SQL_BACKEND_POSTGRESQL)
    return g_strdup (sql);
  member = g_regex_new ("json_(extract|type|array_length) \\((\\w+), '\\$\\.([\\w.\\[\\]]+)'\\)",
                        0, 0, NULL);
  return g_regex_replace_eval (member, sql, -1, 0, 0, pg_json_member, NULL, NULL);
}

gint64
ad_db_int (FcTestServer *server,
           const char   *sql)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  g_autofree char *portable = portable_json (db, sql);

  /* fc_st_query_int() says only that the query failed */
  g_test_message ("%s", portable);
  return nt_query_int (db, portable);
}

void
ad_db_exec (FcTestServer *server,
            const char   *sql)
{
  g_autoptr(FcSql) db = nt_open_db (server);

  fc_st_exec (db, sql);
}

void
ad_db_refuse (FcTestServer *server,
              const char   *name,
              const char   *event,
              const char   *table,
              const char   *when,
              const char   *message)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  g_autofree char *sql = NULL;

  if (fc_sql_get_backend (db) == FC_SQL_BACKEND_POSTGRESQL)
    sql = g_strdup_printf ("CREATE OR REPLACE FUNCTION %1$s () RETURNS trigger LANGUAGE plpgsql AS"
                           " $$ BEGIN RAISE EXCEPTION '%2$s'; END $$;"
                           "CREATE TRIGGER %1$s %3$s ON %4$s FOR EACH ROW %5$s%6$s%7$s"
                           " EXECUTE FUNCTION %1$s ()",
                           name, message, event, table, when != NULL ? "WHEN (" : "",
                           when != NULL ? when : "", when != NULL ? ")" : "");
  else
    sql = g_strdup_printf ("CREATE TRIGGER %s %s ON %s %s%s BEGIN SELECT RAISE (ABORT, '%s'); END",
                           name, event, table, when != NULL ? "WHEN " : "", when != NULL ? when : "",
                           message);
  fc_st_exec (db, sql);
}

void
ad_db_drop_trigger (FcTestServer *server,
                    const char   *name,
                    const char   *table)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  g_autofree char *sql = NULL;

  if (fc_sql_get_backend (db) == FC_SQL_BACKEND_POSTGRESQL)
    sql = g_strdup_printf ("DROP TRIGGER %s ON %s", name, table);
  else
    sql = g_strdup_printf ("DROP TRIGGER %s", name);
  fc_st_exec (db, sql);
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
