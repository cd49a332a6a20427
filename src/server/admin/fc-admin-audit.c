/* fc-admin-audit.c — admin/audit/: who did what to which object, and when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Newest first. Each filter walks one of audit_log's indexes (by actor, by
 * object, by time), so a filtered page stays cheap however long the trail.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-admin-private.h"
#include "fc-json.h"
#include "fc-sql.h"

#define MAX_OBJECT_TYPE 64

/* A stored before/after text as its JSON, null when absent (or, which
 * cannot happen for rows we wrote, unreadable). */
static JsonNode *
stored_json (FcSqlStmt *stmt,
             int           column)
{
  const char *text = fc_sql_column_text (stmt, column);
  JsonNode *node;

  if (text == NULL || (node = fc_json_parse (text, -1, NULL)) == NULL)
    return json_node_new (JSON_NODE_NULL);
  return node;
}

static JsonObject *
audit_row_to_json (FcSqlStmt *stmt)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  if (fc_sql_column_is_null (stmt, 1)) {
    json_object_set_null_member (object, "actor");
  } else {
    JsonObject *actor = json_object_new ();

    json_object_set_int_member (actor, "id", fc_sql_column_int64 (stmt, 1));
    json_object_set_string_member (actor, "email", fc_sql_column_text (stmt, 2));
    json_object_set_object_member (object, "actor", actor);
  }
  json_object_set_string_member (object, "action", fc_sql_column_text (stmt, 3));
  json_object_set_string_member (object, "object_type", fc_sql_column_text (stmt, 4));
  if (fc_sql_column_is_null (stmt, 5))
    json_object_set_null_member (object, "object_id");
  else
    json_object_set_int_member (object, "object_id", fc_sql_column_int64 (stmt, 5));
  json_object_set_member (object, "before", stored_json (stmt, 6));
  json_object_set_member (object, "after", stored_json (stmt, 7));
  json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 8));
  return object;
}

void
fc_admin_audit_list_cb (FcServerRequest *request)
{
  static const char * const names[] = { "actor", "object_type", "object_id", "from", "to", NULL };
  g_autoptr(JsonObject) query = fc_admin_query_object (request, names);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  /* TRUE, not 1: PostgreSQL wants a boolean condition */
  g_autoptr(GString) where = g_string_new ("TRUE");
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *object_type = NULL;
  gint64 actor = 0, object_id = 0;
  GDate from, to;
  gboolean has_from, has_to;

  if (fc_json_has_member (query, "actor") &&
      fc_validate_integer (query, "actor", FALSE, FALSE, 1, G_MAXINT64, errors, &actor, NULL))
    g_string_append_printf (where, " AND actor_id = %" G_GINT64_FORMAT, actor);
  if (fc_json_has_member (query, "object_type") &&
      fc_validate_string (query, "object_type", FALSE, FALSE, MAX_OBJECT_TYPE, errors, &object_type)) {
    g_string_append (where, " AND object_type = ?");
    g_ptr_array_add (args, g_strdup (object_type));
  }
  if (fc_json_has_member (query, "object_id") &&
      fc_validate_integer (query, "object_id", FALSE, FALSE, 1, G_MAXINT64, errors, &object_id, NULL)) {
    if (object_type == NULL && !fc_field_errors_has (errors, "object_type"))
      fc_field_errors_add (errors, "object_id", "Give object_type with object_id.");
    g_string_append_printf (where, " AND object_id = %" G_GINT64_FORMAT, object_id);
  }
  fc_admin_validate_range (query, "from", "to", 0, errors, &from, &to, &has_from, &has_to);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (has_from) {
    g_string_append (where, " AND created_at >= ?");
    g_ptr_array_add (args, fc_admin_day_start (&from, 0));
  }
  if (has_to) {
    g_string_append (where, " AND created_at < ?");
    g_ptr_array_add (args, fc_admin_day_start (&to, 1));
  }

  fc_admin_respond_list (request, "audit_log", "id, actor_id, actor_email, action, object_type,"
                         " object_id, before, after, created_at", where->str, NULL, "id DESC", args,
                         audit_row_to_json);
}
