/* fc-workouts-db.c — row writes shared by the workout routes and the demo seed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-workouts"

#include "config.h"

#include "fc-sql.h"
#include "fc-workouts-private.h"

char *
fc_workouts_protected_dir (FcServerConfig *config)
{
  return g_build_filename (config->data_dir, FC_WORKOUTS_PROTECTED_DIR, NULL);
}

static void
bind_node (FcSqlStmt *stmt,
           int           index,
           JsonNode     *node)
{
  GType type;

  if (JSON_NODE_HOLDS_NULL (node)) {
    fc_sql_bind_null (stmt, index);
    return;
  }
  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    fc_sql_bind_text (stmt, index, json_node_get_string (node));
  else if (type == G_TYPE_INT64)
    fc_sql_bind_int64 (stmt, index, json_node_get_int (node));
  else if (type == G_TYPE_BOOLEAN)
    fc_sql_bind_int64 (stmt, index, json_node_get_boolean (node));
  else
    fc_sql_bind_double (stmt, index, json_node_get_double (node));
}

static void
bind_values (FcSqlStmt *stmt,
             JsonObject   *values)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  int index = 1;

  json_object_iter_init_ordered (&iter, values);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    bind_node (stmt, index++, node);
}

gint64
fc_workouts_row_insert (FcSql    *db,
                        const char *table,
                        JsonObject *values)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) marks = g_string_new (NULL);
  g_autoptr(FcSqlStmt) stmt = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_string_printf (sql, "INSERT INTO %s (", table);
  json_object_iter_init_ordered (&iter, values);
  while (json_object_iter_next_ordered (&iter, &name, &node)) {
    g_string_append_printf (sql, "%s%s", marks->len > 0 ? ", " : "", name);
    g_string_append (marks, marks->len > 0 ? ", ?" : "?");
  }
  g_string_append_printf (sql, ") VALUES (%s)", marks->str);

  stmt = fc_sql_prepare (db, sql->str);
  if (stmt == NULL)
    return 0;
  bind_values (stmt, values);
  if (!fc_sql_step_done (stmt))
    return 0;
  return fc_sql_last_insert_id (db);
}

gboolean
fc_workouts_row_update (FcSql    *db,
                        const char *table,
                        gint64      id,
                        JsonObject *values)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(FcSqlStmt) stmt = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  gboolean first = TRUE;

  if (json_object_get_size (values) == 0)
    return TRUE;

  g_string_printf (sql, "UPDATE %s SET ", table);
  json_object_iter_init_ordered (&iter, values);
  while (json_object_iter_next_ordered (&iter, &name, &node)) {
    g_string_append_printf (sql, "%s%s = ?", first ? "" : ", ", name);
    first = FALSE;
  }
  g_string_append_printf (sql, " WHERE id = %" G_GINT64_FORMAT, id);

  stmt = fc_sql_prepare (db, sql->str);
  if (stmt == NULL)
    return FALSE;
  bind_values (stmt, values);
  return fc_sql_step_done (stmt);
}
