/* fc-changes-routes.c — /api/v1/changes/: what changed since a cursor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Migration 6's triggers (and 8's, for meal-plan templates) write one row
 * to the changes table for every object whose JSON a write may have
 * changed, with the account it concerns (NULL: everyone). This route
 * answers the objects marked after the caller's cursor, each resolved now
 * through the serializer and the visibility rule of its list route: an
 * object the caller may see is an upsert carrying that JSON, any other a
 * delete. Rows are only marked for the owner of a private object, so a
 * delete never names an id the caller could not have seen.
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fc-nutrition-private.h"
#include "fc-sql.h"
#include "fc-server-private.h"
#include "fc-server-request.h"
#include "fc-users.h"
#include "fc-workouts-private.h"

#define CURSOR_PREFIX "1."
#define LIMIT_DEFAULT 500
#define LIMIT_MAX 1000
/* A page stops growing past this many bytes of objects (a generated plan
 * can weigh megabytes); the first object always goes. */
#define PAGE_BYTES_MAX (8 * 1024 * 1024)

static char *
format_cursor (gint64 seq)
{
  return g_strdup_printf (CURSOR_PREFIX "%" G_GINT64_FORMAT, seq);
}

/* The sequence number in @cursor, or -1 when it is not one of ours. */
static gint64
parse_cursor (const char *cursor)
{
  guint64 seq = 0;

  if (cursor == NULL || !g_str_has_prefix (cursor, CURSOR_PREFIX))
    return -1;
  cursor += strlen (CURSOR_PREFIX);
  if (!g_ascii_isdigit (*cursor) ||
      !g_ascii_string_to_unsigned (cursor, 10, 0, G_MAXINT64, &seq, NULL))
    return -1;
  return (gint64) seq;
}

static gint64
parse_limit (const char *text)
{
  gint64 limit = 0;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &limit, NULL))
    return LIMIT_DEFAULT;
  return MIN (limit, LIMIT_MAX);
}

static gint64
query_seq (FcSql    *db,
           const char *sql)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  if (stmt == NULL || !fc_sql_step_row (stmt) || fc_sql_column_is_null (stmt, 0))
    return 0;
  return fc_sql_column_int64 (stmt, 0);
}

static gboolean
owned_by (FcSql    *db,
          const char *sql,
          gint64      id,
          gint64      user_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, id);
  fc_sql_bind_int64 (stmt, 2, user_id);
  return fc_sql_step_row (stmt);
}

/* @section's object @id as the caller's list route would show it, or NULL
 * when that route would not show it to them (gone, private, someone
 * else's). */
static JsonNode *
resolve (FcServerRequest *request,
         const char      *section,
         gint64           id)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);

  if (g_str_equal (section, "foods"))
    return owned_by (db, "SELECT 1 FROM foods WHERE id = ?1 AND (is_public = 1 OR user_added_id = ?2)",
                     id, user_id) ? fc_nutrition_food_to_json (db, id) : NULL;
  if (g_str_equal (section, "meals"))
    return owned_by (db, "SELECT 1 FROM meals WHERE id = ?1 AND user_id = ?2", id, user_id)
           ? fc_nutrition_meal_to_json (db, id, user_id) : NULL;
  if (g_str_equal (section, "meal_plans"))
    return owned_by (db, "SELECT 1 FROM meal_plans WHERE id = ?1 AND user_id = ?2", id, user_id)
           ? fc_nutrition_plan_to_json (db, id, user_id) : NULL;
  /* Everyone's, as GET meal-plans/templates/ lists them (?2 unused). */
  if (g_str_equal (section, "meal_plan_templates"))
    return owned_by (db, "SELECT 1 FROM meal_plans WHERE id = ?1 AND is_template = 1"
                         " AND is_active = 1 AND ?2 IS NOT NULL", id, user_id)
           ? fc_nutrition_plan_to_json (db, id, user_id) : NULL;
  if (g_str_equal (section, "workout_progress") &&
      !owned_by (db, "SELECT 1 FROM workout_progress WHERE id = ?1 AND user_id = ?2", id, user_id))
    return NULL;
  /* A workout staff hid is NULL for everyone else, so its hide (a row
   * update that marks it) reaches their devices as a delete, and a
   * re-publish as an upsert. */
  if (g_str_equal (section, "workouts") || g_str_equal (section, "workout_categories") ||
      g_str_equal (section, "workout_progress"))
    return fc_workouts_object_to_json (request, section, id);
  if (g_str_equal (section, "profile"))
    return owned_by (db, "SELECT 1 FROM profiles WHERE id = ?1 AND user_id = ?2", id, user_id)
           ? fc_profile_to_json (request, user_id) : NULL;
  if (g_str_equal (section, "account"))
    return id == user_id ? fc_users_to_json (db, user_id, TRUE) : NULL;
  return NULL;
}

static void
respond (FcServerRequest *request,
         gint64           cursor,
         gboolean         has_more,
         gboolean         reset,
         JsonArray       *changes)
{
  g_autofree char *text = format_cursor (cursor);
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "cursor", text);
  json_object_set_boolean_member (object, "has_more", has_more);
  json_object_set_boolean_member (object, "reset", reset);
  json_object_set_array_member (object, "changes", changes);
  json_node_take_object (node, object);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

/* Reads one snapshot: the newest mark and the objects come from the same
 * state, so a write that lands meanwhile is after the cursor. */
static gboolean
answer (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 since = parse_cursor (fc_server_request_get_query (request, "since"));
  gint64 limit = parse_limit (fc_server_request_get_query (request, "limit"));
  gint64 newest = query_seq (db, "SELECT MAX(seq) FROM changes");
  gint64 oldest = query_seq (db, "SELECT MIN(seq) FROM changes");
  g_autoptr(FcSqlStmt) stmt = NULL;
  JsonArray *changes = json_array_new ();
  gint64 last = since;
  gint64 n = 0;
  gsize bytes = 0;
  gboolean has_more = FALSE;

  /* No cursor, not ours, from another database (ahead of it) or older
   * than the rows housekeeping kept: pull in full from this cursor. */
  if (since < 0 || since > newest || (oldest > 0 && since < oldest - 1)) {
    respond (request, newest, FALSE, TRUE, changes);
    return TRUE;
  }

  /* A range on the primary key: an idle sync reads no row at all. */
  stmt = fc_sql_prepare (db,
                               "SELECT section, object_id, MAX(seq) AS last FROM changes"
                               " WHERE seq > ?1 AND (user_id IS NULL OR user_id = ?2)"
                               " GROUP BY section, object_id ORDER BY last LIMIT ?3");
  if (stmt == NULL) {
    json_array_unref (changes);
    return FALSE;
  }
  fc_sql_bind_int64 (stmt, 1, since);
  fc_sql_bind_int64 (stmt, 2, fc_server_request_get_user_id (request));
  fc_sql_bind_int64 (stmt, 3, limit + 1);
  while (fc_sql_step_row (stmt)) {
    const char *section = fc_sql_column_text (stmt, 0);
    gint64 id = fc_sql_column_int64 (stmt, 1);
    JsonObject *change;
    JsonNode *object;

    if (n == limit || bytes > PAGE_BYTES_MAX) {
      has_more = TRUE;
      break;
    }
    object = resolve (request, section, id);
    /* Only meals and plans grow large; foods and the rest stay small. */
    if (object != NULL && g_str_has_prefix (section, "meal")) {
      g_autofree char *text = fc_server_json_to_string (object);

      bytes += strlen (text);
    }
    change = json_object_new ();
    json_object_set_string_member (change, "section", section);
    json_object_set_int_member (change, "id", id);
    json_object_set_string_member (change, "op", object != NULL ? "upsert" : "delete");
    if (object != NULL)
      json_object_set_member (change, "object", object);
    json_array_add_object_element (changes, change);
    last = fc_sql_column_int64 (stmt, 2);
    n++;
  }

  /* Every object marked up to the cursor was on this page or an earlier
   * one (the page is in order of each object's newest mark). */
  respond (request, has_more ? last : newest, has_more, FALSE, changes);
  return TRUE;
}

static void
changes_get (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gboolean ok;

  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");
    return;
  }
  ok = answer (request);
  fc_sql_end (db, FALSE);
  if (!ok)
    fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");
}

static const FcRoute routes[] = {
  { "GET", "/api/v1/changes/", FC_AUTH_REQUIRED, changes_get },
};

const FcRoute *
fc_changes_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
