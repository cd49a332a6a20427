/* fc-admin-templates.c — admin/meal-plan-templates/: the staff's view of every template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET nutrition/meal-plans/templates/ lists the active templates of every
 * account; staff see them all here, hidden ones too, with their owner,
 * and hide (is_active false), publish, rename or delete them; they read a
 * template's schedule with the meals it may use (GET {id}/), change its
 * length and meals (PATCH's duration_days and scheduled_meals_payload) and
 * make new ones (POST), the app's template editor's calls. A hidden
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
#include <math.h>

#include "fc-admin-private.h"
#include "fc-json.h"
#include "fc-nutrition-private.h"
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

/* ---- The schedule: GET {id}/, PATCH's scheduled_meals_payload, POST ---- */

/* The meals a template may schedule are its owner's (so that everything a
 * copy shows is one account's, and the owner's own devices show the
 * template whole): the editor lists at most this many of them. */
#define OWNER_MEALS_MAX 500

/* Adds the template's daily targets, its schedule [{meal, day_of_plan}]
 * and the meals it may schedule (the scheduled ones first, then the
 * owner's others by name) to @object. FALSE when the database fails. */
static gboolean
add_schedule (FcSql      *db,
              gint64      id,
              gint64      owner_id,
              JsonObject *object)
{
  static const char * const targets[] = {
    "target_daily_calories", "target_daily_protein", "target_daily_carbohydrates",
    "target_daily_fat",
  };
  g_autoptr(FcSqlStmt) plan = fc_sql_prepare (db, "SELECT target_daily_calories,"
                                                  " target_daily_protein,"
                                                  " target_daily_carbohydrates, target_daily_fat"
                                                  " FROM meal_plans WHERE id = ?");
  g_autoptr(FcSqlStmt) schedule = NULL;
  g_autoptr(FcSqlStmt) meal_ids = NULL;
  g_autoptr(JsonArray) entries = json_array_new ();
  g_autoptr(JsonArray) meals = json_array_new ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  if (plan == NULL)
    return FALSE;
  fc_sql_bind_int64 (plan, 1, id);
  if (!fc_sql_step_row (plan))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++) {
    if (fc_sql_column_is_null (plan, i))
      json_object_set_null_member (object, targets[i]);
    else
      json_object_set_double_member (object, targets[i], fc_sql_column_double (plan, i));
  }

  schedule = fc_sql_prepare (db, "SELECT meal_id, day_of_plan FROM scheduled_meals"
                                 " WHERE meal_plan_id = ? ORDER BY day_of_plan, id");
  if (schedule == NULL)
    return FALSE;
  fc_sql_bind_int64 (schedule, 1, id);
  while (fc_sql_step_row (schedule)) {
    JsonObject *entry = json_object_new ();
    gint64 meal_id = fc_sql_column_int64 (schedule, 0);

    json_object_set_int_member (entry, "meal", meal_id);
    json_object_set_int_member (entry, "day_of_plan", fc_sql_column_int64 (schedule, 1));
    json_array_add_object_element (entries, entry);
    if (!g_hash_table_contains (seen, &meal_id)) {
      g_hash_table_add (seen, g_memdup2 (&meal_id, sizeof meal_id));
      g_array_append_val (ids, meal_id);
    }
  }

  meal_ids = fc_sql_prepare (db, "SELECT id FROM meals WHERE user_id = ?"
                                 " ORDER BY lower(name), id LIMIT ?");
  if (meal_ids == NULL)
    return FALSE;
  fc_sql_bind_int64 (meal_ids, 1, owner_id);
  fc_sql_bind_int64 (meal_ids, 2, OWNER_MEALS_MAX);
  while (fc_sql_step_row (meal_ids)) {
    gint64 meal_id = fc_sql_column_int64 (meal_ids, 0);

    if (!g_hash_table_contains (seen, &meal_id)) {
      g_hash_table_add (seen, g_memdup2 (&meal_id, sizeof meal_id));
      g_array_append_val (ids, meal_id);
    }
  }

  /* Each meal as the nutrition routes answer it (totals included), read
   * once the lists above are done with their statements. */
  for (guint i = 0; i < ids->len; i++) {
    JsonNode *meal = fc_nutrition_meal_to_json (db, g_array_index (ids, gint64, i), owner_id);

    if (meal == NULL)
      return FALSE;
    json_array_add_element (meals, meal);
  }
  json_object_set_array_member (object, "scheduled_meals", g_steal_pointer (&entries));
  json_object_set_array_member (object, "meals", g_steal_pointer (&meals));
  return TRUE;
}

/* GET admin/meal-plan-templates/{id}/: the template as the list shows it,
 * with its targets, schedule and the meals it may schedule. */
void
fc_admin_template_get_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 id = fc_server_request_get_id (request, "id");
  g_autoptr(JsonObject) template = template_get (db, id);

  if (template == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_TEMPLATE);
    return;
  }
  if (!add_schedule (db, id, json_object_get_int_member (template, "owner"), template)) {
    fc_admin_respond_server_error (request);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK,
                                  fc_admin_object_node (g_steal_pointer (&template)));
}

/* One entry of a checked scheduled_meals_payload. */
typedef struct {
  gint64 meal;
  gint64 day;
} Entry;

/* Reads and checks scheduled_meals_payload as POST nutrition/meal-plans/
 * does (the same messages): each meal the owner's, each day within
 * @duration_days, no pair twice, at most FC_NUTRITION_MEALS_PER_DAY_MAX
 * meals a day on average. NULL when absent or invalid (see @errors). */
static GArray *
read_schedule (FcSql         *db,
               JsonObject    *body,
               gint64         owner_id,
               gint64         duration_days,
               FcFieldErrors *errors)
{
  JsonArray *list = fc_validate_list (body, "scheduled_meals_payload", FALSE, errors);
  g_autoptr(JsonArray) item_errors = json_array_new ();
  g_autoptr(GArray) entries = NULL;
  g_autoptr(FcSqlStmt) owned = NULL;
  gboolean any_error = FALSE;
  guint max_entries = (guint) duration_days * FC_NUTRITION_MEALS_PER_DAY_MAX;

  if (list == NULL)
    return NULL;
  /* Before any meal is looked up: the length is what an attack inflates. */
  if (json_array_get_length (list) > max_entries) {
    fc_field_errors_add (errors, "scheduled_meals_payload",
                         "Ensure this field has no more than %u elements.", max_entries);
    return NULL;
  }

  owned = fc_sql_prepare (db, "SELECT 1 FROM meals WHERE id = ?1 AND user_id = ?2");
  if (owned == NULL)
    return NULL;
  entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  for (guint i = 0; i < json_array_get_length (list); i++) {
    g_autoptr(FcFieldErrors) item = fc_field_errors_new ();
    JsonObject *object = fc_validate_list_item (list, i, item);
    Entry entry = { 0 };

    if (object != NULL) {
      if (fc_validate_pk (object, "meal", TRUE, item, &entry.meal)) {
        /* Another account's meal reads exactly like a missing one. */
        fc_sql_reset (owned);
        fc_sql_bind_int64 (owned, 1, entry.meal);
        fc_sql_bind_int64 (owned, 2, owner_id);
        if (!fc_sql_step_row (owned))
          fc_field_errors_add (item, "meal",
                               "Invalid pk \"%" G_GINT64_FORMAT "\" - object does not exist.",
                               entry.meal);
      }
      fc_validate_integer (object, "day_of_plan", TRUE, FALSE, 1, duration_days, item,
                           &entry.day, NULL);
    }
    if (fc_field_errors_is_empty (item)) {
      for (guint j = 0; j < entries->len; j++) {
        Entry *seen = &g_array_index (entries, Entry, j);

        if (seen->meal == entry.meal && seen->day == entry.day) {
          fc_field_errors_add (item, "non_field_errors",
                               "The fields meal_plan, meal, day_of_plan must make a unique set.");
          break;
        }
      }
    }
    any_error |= !fc_field_errors_is_empty (item);
    json_array_add_element (item_errors, fc_field_errors_to_node (item));
    if (!fc_field_errors_is_empty (item))
      entry = (Entry) { 0 };
    g_array_append_val (entries, entry);
  }

  if (any_error) {
    JsonNode *node = json_node_new (JSON_NODE_ARRAY);

    json_node_take_array (node, g_steal_pointer (&item_errors));
    fc_field_errors_set_node (errors, "scheduled_meals_payload", node);
    return NULL;
  }
  return g_steal_pointer (&entries);
}

/* The schedule as an audit row keeps it: [{meal, day_of_plan}]. */
static JsonArray *
schedule_array (GArray *entries)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < entries->len; i++) {
    Entry *entry = &g_array_index (entries, Entry, i);
    JsonObject *object = json_object_new ();

    json_object_set_int_member (object, "meal", entry->meal);
    json_object_set_int_member (object, "day_of_plan", entry->day);
    json_array_add_object_element (array, object);
  }
  return array;
}

/* The stored schedule of @id, in the order it was written. */
static GArray *
stored_schedule (FcSql  *db,
                 gint64  id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "SELECT meal_id, day_of_plan FROM scheduled_meals"
                                                  " WHERE meal_plan_id = ? ORDER BY id");
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (Entry));

  if (stmt == NULL)
    return NULL;
  fc_sql_bind_int64 (stmt, 1, id);
  while (fc_sql_step_row (stmt)) {
    Entry entry = { fc_sql_column_int64 (stmt, 0), fc_sql_column_int64 (stmt, 1) };

    g_array_append_val (entries, entry);
  }
  return g_steal_pointer (&entries);
}

static gboolean
same_schedule (GArray *a,
               GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++) {
    Entry *x = &g_array_index (a, Entry, i);
    gboolean found = FALSE;

    for (guint j = 0; j < b->len && !found; j++) {
      Entry *y = &g_array_index (b, Entry, j);

      found = x->meal == y->meal && x->day == y->day;
    }
    if (!found)
      return FALSE;
  }
  return TRUE;
}

static gboolean
write_schedule (FcSql  *db,
                gint64  id,
                GArray *entries)
{
  g_autoptr(FcSqlStmt) clear = fc_sql_prepare (db, "DELETE FROM scheduled_meals"
                                                   " WHERE meal_plan_id = ?");
  g_autoptr(FcSqlStmt) insert = fc_sql_prepare (db, "INSERT INTO scheduled_meals"
                                                    " (meal_plan_id, meal_id, day_of_plan)"
                                                    " VALUES (?, ?, ?)");

  if (clear == NULL || insert == NULL)
    return FALSE;
  fc_sql_bind_int64 (clear, 1, id);
  if (!fc_sql_step_done (clear))
    return FALSE;
  for (guint i = 0; i < entries->len; i++) {
    Entry *entry = &g_array_index (entries, Entry, i);

    fc_sql_reset (insert);
    fc_sql_bind_int64 (insert, 1, id);
    fc_sql_bind_int64 (insert, 2, entry->meal);
    fc_sql_bind_int64 (insert, 3, entry->day);
    if (!fc_sql_step_done (insert))
      return FALSE;
  }
  return TRUE;
}

/* PATCH admin/meal-plan-templates/{id}/ {"name", "description", "is_active",
 * "duration_days", "scheduled_meals_payload"} */
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
  g_autoptr(GArray) schedule = NULL;
  g_autoptr(GArray) stored = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  const char *name = NULL;
  const char *description = NULL;
  gboolean is_active = FALSE;
  gint64 days = 0, owner_id;
  gboolean has_name, has_description, has_active, has_days;

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
  owner_id = json_object_get_int_member (current, "owner");
  has_days = fc_json_has_member (body, "duration_days");
  if (!has_days)
    days = json_object_get_int_member (current, "duration_days");
  if (!has_days ||
      fc_validate_integer (body, "duration_days", FALSE, FALSE, 1, FC_NUTRITION_DURATION_DAYS_MAX,
                           errors, &days, NULL))
    schedule = read_schedule (db, body, owner_id, days, errors);
  stored = stored_schedule (db, id);
  if (stored == NULL) {
    fc_admin_respond_server_error (request);
    return;
  }
  /* A shorter template must not strand days already scheduled past its end. */
  if (has_days && schedule == NULL && fc_field_errors_is_empty (errors)) {
    gint64 last = 0;

    for (guint i = 0; i < stored->len; i++)
      last = MAX (last, g_array_index (stored, Entry, i).day);
    if (last > days)
      fc_field_errors_add (errors, "duration_days",
                           "Ensure this value is greater than or equal to %" G_GINT64_FORMAT ".",
                           last);
  }
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
  if (has_days && days == json_object_get_int_member (current, "duration_days"))
    has_days = FALSE;
  if (schedule != NULL && same_schedule (schedule, stored))
    g_clear_pointer (&schedule, g_array_unref);

  /* Nothing new is no change: no write, no audit row, no mark. */
  if (has_name || has_description || has_active || has_days || schedule != NULL) {
    update = fc_sql_prepare (db, "UPDATE meal_plans SET name = coalesce (?1, name),"
                                       " description = coalesce (?2, description),"
                                       " is_active = coalesce (?3, is_active), updated_at = ?4,"
                                       " duration_days = coalesce (?6, duration_days)"
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
    if (has_days) {
      fc_sql_bind_int64 (update, 6, days);
      json_object_set_int_member (before, "duration_days",
                                  json_object_get_int_member (current, "duration_days"));
      json_object_set_int_member (after, "duration_days", days);
    }
    if (schedule != NULL) {
      json_object_set_array_member (before, "scheduled_meals", schedule_array (stored));
      json_object_set_array_member (after, "scheduled_meals", schedule_array (schedule));
    }
    fc_sql_bind_text (update, 4, now);
    fc_sql_bind_int64 (update, 5, id);
    if (!fc_sql_step_done (update) ||
        (schedule != NULL && !write_schedule (db, id, schedule)) ||
        (schedule != NULL &&
         !fc_nutrition_check_plans_size (db, owner_id, "scheduled_meals_payload", errors)) ||
        !fc_admin_audit (db, fc_server_request_get_user_id (request), "meal_plan_template.update",
                         "meal_plan_template", id, before, after)) {
      fc_admin_respond_server_error (request);
      return;
    }
    /* Too big for the owner's answers: rolled back with the 400. */
    if (!fc_field_errors_is_empty (errors)) {
      fc_server_request_respond_errors (request, errors);
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

/* POST admin/meal-plan-templates/ {"name", "description", "goal",
 * "duration_days", "target_daily_calories", "is_active",
 * "scheduled_meals_payload"}: a template of the caller's, hidden unless
 * is_active says otherwise, so that no user sees one still being made. */
void
fc_admin_templates_create_cb (FcServerRequest *request)
{
  static const char * const goals[] = { "WL", "WG", "MN", "MG", "GH", NULL };
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  JsonObject *body = fc_server_request_get_body (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(GArray) schedule = NULL;
  g_autoptr(FcSqlStmt) insert = NULL;
  g_autoptr(JsonObject) after = json_object_new ();
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  const char *name = NULL;
  const char *description = "";
  const char *goal = "GH";
  gint64 days = 7;
  double calories = 0;
  gboolean calories_null = TRUE;
  gboolean is_active = FALSE;
  gint64 id;

  fc_admin_set_actor (db, 0);
  fc_validate_string (body, "name", TRUE, FALSE, NAME_MAX_LENGTH, errors, &name);
  if (fc_json_has_member (body, "description"))
    fc_validate_string (body, "description", FALSE, TRUE, DESCRIPTION_MAX_LENGTH, errors,
                        &description);
  if (fc_json_has_member (body, "goal"))
    fc_validate_choice (body, "goal", FALSE, FALSE, goals, errors, &goal);
  if (fc_json_has_member (body, "target_daily_calories"))
    fc_validate_number (body, "target_daily_calories", FALSE, TRUE, 0, INFINITY, errors,
                        &calories, &calories_null);
  if (fc_json_has_member (body, "is_active"))
    fc_validate_boolean (body, "is_active", FALSE, errors, &is_active);
  if (!fc_json_has_member (body, "duration_days") ||
      fc_validate_integer (body, "duration_days", FALSE, FALSE, 1, FC_NUTRITION_DURATION_DAYS_MAX,
                           errors, &days, NULL))
    schedule = read_schedule (db, body, user_id, days, errors);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  insert = fc_sql_prepare (db, "INSERT INTO meal_plans (user_id, name, description, goal,"
                               " duration_days, target_daily_calories, is_active, is_template,"
                               " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
  if (insert == NULL) {
    fc_admin_respond_server_error (request);
    return;
  }
  fc_sql_bind_int64 (insert, 1, user_id);
  fc_sql_bind_text (insert, 2, name);
  fc_sql_bind_text (insert, 3, description);
  fc_sql_bind_text (insert, 4, goal);
  fc_sql_bind_int64 (insert, 5, days);
  if (calories_null)
    fc_sql_bind_null (insert, 6);
  else
    fc_sql_bind_double (insert, 6, calories);
  fc_sql_bind_int64 (insert, 7, is_active ? 1 : 0);
  fc_sql_bind_text (insert, 8, now);
  fc_sql_bind_text (insert, 9, now);
  if (!fc_sql_step_done (insert)) {
    fc_admin_respond_server_error (request);
    return;
  }
  id = fc_sql_last_insert_id (db);

  json_object_set_string_member (after, "name", name);
  json_object_set_string_member (after, "description", description);
  json_object_set_string_member (after, "goal", goal);
  json_object_set_int_member (after, "duration_days", days);
  json_object_set_boolean_member (after, "is_active", is_active);
  if (schedule != NULL) {
    if (!write_schedule (db, id, schedule)) {
      fc_admin_respond_server_error (request);
      return;
    }
    json_object_set_array_member (after, "scheduled_meals", schedule_array (schedule));
  }
  if (!fc_nutrition_check_plans_size (db, user_id, "scheduled_meals_payload", errors) ||
      !fc_admin_audit (db, user_id, "meal_plan_template.create", "meal_plan_template", id, NULL,
                       after)) {
    fc_admin_respond_server_error (request);
    return;
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  answer = template_get (db, id);
  if (answer == NULL || !add_schedule (db, id, user_id, answer)) {
    fc_admin_respond_server_error (request);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_CREATED,
                                  fc_admin_object_node (g_steal_pointer (&answer)));
}
