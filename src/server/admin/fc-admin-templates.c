/* fc-admin-templates.c — admin/meal-plan-templates/: the staff's view of every template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET nutrition/meal-plans/templates/ lists the active templates of every
 * account; staff see them all here, hidden ones too, with their owner,
 * and hide (is_active false), publish, rename or delete them. A hidden
 * template leaves the public list and, through migration 8's triggers
 * (the row update marks it), reaches every device's change feed as a
 * delete; published again, as an upsert. Each change writes one audit row
 * of the fields it changed, in the request's transaction; the content
 * audit triggers are kept quiet for it so that the row is not written
 * twice.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-admin-private.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "fc-time.h"

#define NO_TEMPLATE "No MealPlan matches the given query."
/* As POST nutrition/meal-plans/ checks a plan's name. */
#define NAME_MAX_LENGTH 255
#define DESCRIPTION_MAX_LENGTH 10000
#define MAX_SEARCH_LENGTH 254

#define TEMPLATE_TABLE "meal_plans p JOIN users u ON u.id = p.user_id"
#define TEMPLATE_COLUMNS \
  "p.id, p.name, p.description, p.goal, p.duration_days, p.is_active, p.user_id, u.email," \
  " (SELECT count(*) FROM scheduled_meals s WHERE s.meal_plan_id = p.id), p.created_at, p.updated_at"

/* One row of TEMPLATE_COLUMNS as the list's and the PATCH's object. */
static JsonObject *
template_row_to_json (FcSqlStmt *stmt)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  json_object_set_string_member (object, "name", fc_sql_column_text (stmt, 1));
  json_object_set_string_member (object, "description", fc_sql_column_text (stmt, 2));
  json_object_set_string_member (object, "goal", fc_sql_column_text (stmt, 3));
  json_object_set_int_member (object, "duration_days", fc_sql_column_int64 (stmt, 4));
  json_object_set_boolean_member (object, "is_active", fc_sql_column_int (stmt, 5) != 0);
  json_object_set_int_member (object, "owner", fc_sql_column_int64 (stmt, 6));
  json_object_set_string_member (object, "owner_email", fc_sql_column_text (stmt, 7));
  json_object_set_int_member (object, "meals_count", fc_sql_column_int64 (stmt, 8));
  json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 9));
  json_object_set_string_member (object, "updated_at", fc_sql_column_text (stmt, 10));
  return object;
}

/* The template @id as its object, or NULL when no template has that id
 * (a private plan is not one). */
static JsonObject *
template_get (FcSql *db,
              gint64   id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT " TEMPLATE_COLUMNS " FROM " TEMPLATE_TABLE
                              " WHERE p.id = ? AND p.is_template = 1");

  if (stmt == NULL)
    return NULL;
  fc_sql_bind_int64 (stmt, 1, id);
  if (!fc_sql_step_row (stmt))
    return NULL;
  return template_row_to_json (stmt);
}

/* GET admin/meal-plan-templates/?search=&is_active= */
void
fc_admin_templates_list_cb (FcServerRequest *request)
{
  static const char * const names[] = { "search", "is_active", NULL };
  g_autoptr(JsonObject) query = fc_admin_query_object (request, names);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(GString) where = g_string_new ("p.is_template = 1");
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *search = NULL;
  gboolean is_active;

  if (fc_json_has_member (query, "search"))
    fc_validate_string (query, "search", FALSE, TRUE, MAX_SEARCH_LENGTH, errors, &search);
  if (fc_json_has_member (query, "is_active") &&
      fc_validate_boolean (query, "is_active", FALSE, errors, &is_active))
    g_string_append_printf (where, " AND p.is_active = %d", is_active ? 1 : 0);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  /* DRF's SearchFilter: every term matches the name, the description or
   * the owner's address. Templates are few (staff make them), so LIKE
   * over them is cheap. */
  if (search != NULL) {
    g_auto(GStrv) terms = g_strsplit_set (search, " \t\n,", -1);

    for (guint i = 0; terms[i] != NULL; i++) {
      if (*terms[i] == '\0')
        continue;
      g_string_append (where, " AND (p.name LIKE ? ESCAPE '\\' OR p.description LIKE ? ESCAPE '\\'"
                              " OR u.email LIKE ? ESCAPE '\\')");
      for (guint k = 0; k < 3; k++)
        g_ptr_array_add (args, fc_sql_like_pattern (terms[i]));
    }
  }
  fc_admin_respond_list (request, TEMPLATE_TABLE, TEMPLATE_COLUMNS, where->str, NULL,
                         "p.created_at DESC, p.id DESC", args, template_row_to_json);
}

/* PATCH admin/meal-plan-templates/{id}/ {"name", "description", "is_active"} */
void
fc_admin_template_patch_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 id = fc_server_request_get_id (request, "id");
  JsonObject *body = fc_server_request_get_body (request);
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(JsonObject) after = json_object_new ();
  g_autoptr(FcSqlStmt) update = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  const char *name = NULL;
  const char *description = NULL;
  gboolean is_active = FALSE;
  gboolean has_name, has_description, has_active;

  /* This route's own audit row, below, not the content trigger's. */
  fc_admin_set_actor (db, 0);
  current = template_get (db, id);
  if (current == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_TEMPLATE);
    return;
  }

  has_name = fc_json_has_member (body, "name") &&
             fc_validate_string (body, "name", FALSE, FALSE, NAME_MAX_LENGTH, errors, &name);
  has_description = fc_json_has_member (body, "description") &&
                    fc_validate_string (body, "description", FALSE, TRUE, DESCRIPTION_MAX_LENGTH,
                                        errors, &description);
  has_active = fc_json_has_member (body, "is_active") &&
               fc_validate_boolean (body, "is_active", FALSE, errors, &is_active);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  if (has_name && g_str_equal (name, json_object_get_string_member (current, "name")))
    has_name = FALSE;
  if (has_description &&
      g_str_equal (description, json_object_get_string_member (current, "description")))
    has_description = FALSE;
  if (has_active && is_active == json_object_get_boolean_member (current, "is_active"))
    has_active = FALSE;

  /* Nothing new is no change: no write, no audit row, no mark. */
  if (has_name || has_description || has_active) {
    update = fc_sql_prepare (db, "UPDATE meal_plans SET name = coalesce (?1, name),"
                                       " description = coalesce (?2, description),"
                                       " is_active = coalesce (?3, is_active), updated_at = ?4"
                                       " WHERE id = ?5");
    if (has_name) {
      fc_sql_bind_text (update, 1, name);
      json_object_set_string_member (before, "name", json_object_get_string_member (current, "name"));
      json_object_set_string_member (after, "name", name);
    }
    if (has_description) {
      fc_sql_bind_text (update, 2, description);
      json_object_set_string_member (before, "description",
                                     json_object_get_string_member (current, "description"));
      json_object_set_string_member (after, "description", description);
    }
    if (has_active) {
      fc_sql_bind_int64 (update, 3, is_active ? 1 : 0);
      json_object_set_boolean_member (before, "is_active", !is_active);
      json_object_set_boolean_member (after, "is_active", is_active);
    }
    fc_sql_bind_text (update, 4, now);
    fc_sql_bind_int64 (update, 5, id);
    if (!fc_sql_step_done (update) ||
        !fc_admin_audit (db, fc_server_request_get_user_id (request), "meal_plan_template.update",
                         "meal_plan_template", id, before, after)) {
      fc_admin_respond_server_error (request);
      return;
    }
  }

  answer = template_get (db, id);
  if (answer == NULL) {
    fc_admin_respond_server_error (request);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK, fc_admin_object_node (g_steal_pointer (&answer)));
}

/* DELETE admin/meal-plan-templates/{id}/: the plan and its schedule (its
 * meals are their owner's and stay). */
void
fc_admin_template_delete_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 id = fc_server_request_get_id (request, "id");
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(FcSqlStmt) delete = NULL;
  static const char * const kept[] = {
    "name", "description", "goal", "duration_days", "is_active", "owner_email", "meals_count",
  };

  fc_admin_set_actor (db, 0);
  current = template_get (db, id);
  if (current == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_TEMPLATE);
    return;
  }
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    json_object_set_member (before, kept[i], json_object_dup_member (current, kept[i]));

  delete = fc_sql_prepare (db, "DELETE FROM meal_plans WHERE id = ?");
  fc_sql_bind_int64 (delete, 1, id);
  if (!fc_sql_step_done (delete) ||
      !fc_admin_audit (db, fc_server_request_get_user_id (request), "meal_plan_template.delete",
                       "meal_plan_template", id, before, NULL)) {
    fc_admin_respond_server_error (request);
    return;
  }
  fc_server_request_respond_no_content (request);
}
