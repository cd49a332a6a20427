/* fc-admin-content.c — admin/workouts/: content changes the workouts routes do not make
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order of a workout's videos, set at once: every video of the
 * workout named once, in the new order, written with one audit row in one
 * transaction, so a client dragging videos never leaves two with the same
 * place or a half-applied order behind. The change feed's triggers mark
 * the workout for every device.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-admin-private.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "fc-time.h"

#define NO_WORKOUT "No Workout matches the given query."
#define MAX_VIDEOS 1000

/* The workout's video ids in their current order. */
static GArray *
current_order (FcSql *db,
               gint64   workout_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT id FROM workout_videos WHERE workout_id = ?"
                              " ORDER BY order_index, id");
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  fc_sql_bind_int64 (stmt, 1, workout_id);
  while (fc_sql_step_row (stmt)) {
    gint64 id = fc_sql_column_int64 (stmt, 0);

    g_array_append_val (ids, id);
  }
  return ids;
}

static JsonArray *
ids_to_json (GArray *ids)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < ids->len; i++)
    json_array_add_int_element (array, g_array_index (ids, gint64, i));
  return array;
}

static gboolean
contains (GArray *ids,
          gint64  id)
{
  for (guint i = 0; i < ids->len; i++) {
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  }
  return FALSE;
}

/* Reads @field as a list of distinct ids, each one of @allowed and all of
 * them; FALSE after adding what is wrong to @errors. */
static gboolean
read_order (JsonObject    *body,
            GArray        *allowed,
            FcFieldErrors *errors,
            GArray       **out)
{
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *list = fc_validate_list (body, "videos", TRUE, errors);
  guint n;

  if (list == NULL)
    return FALSE;
  n = json_array_get_length (list);
  if (n > MAX_VIDEOS) {
    fc_field_errors_add (errors, "videos", "Ensure this field has no more than %d elements.", MAX_VIDEOS);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (list, i);
    gint64 id;

    if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
        (id = json_node_get_int (node)) <= 0) {
      fc_field_errors_add (errors, "videos", "Give video ids: positive integers.");
      return FALSE;
    }
    if (!contains (allowed, id)) {
      fc_field_errors_add (errors, "videos", "Video %" G_GINT64_FORMAT " is not part of this workout.", id);
      return FALSE;
    }
    if (contains (order, id)) {
      fc_field_errors_add (errors, "videos", "Video %" G_GINT64_FORMAT " is named twice.", id);
      return FALSE;
    }
    g_array_append_val (order, id);
  }
  if (order->len != allowed->len) {
    for (guint i = 0; i < allowed->len; i++) {
      gint64 id = g_array_index (allowed, gint64, i);

      if (!contains (order, id)) {
        fc_field_errors_add (errors, "videos", "Video %" G_GINT64_FORMAT " of this workout is missing:"
                             " name every video once.", id);
        return FALSE;
      }
    }
  }
  *out = g_steal_pointer (&order);
  return TRUE;
}

/* PUT admin/workouts/{id}/video-order/ {"videos": [ids]} */
void
fc_admin_video_order_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 workout_id = fc_server_request_get_id (request, "id");
  g_autoptr(FcSqlStmt) exists = fc_sql_prepare (db, "SELECT 1 FROM workouts WHERE id = ?");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(GArray) before_ids = NULL;
  g_autoptr(GArray) order = NULL;
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(JsonObject) after = json_object_new ();
  g_autofree char *now = fc_time_now_iso8601 ();
  JsonObject *answer;
  gboolean changed = FALSE;

  /* One row for the whole order, written below, not one a video from
   * the content triggers. */
  fc_admin_set_actor (db, 0);
  fc_sql_bind_int64 (exists, 1, workout_id);
  if (!fc_sql_step_row (exists)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_WORKOUT);
    return;
  }
  before_ids = current_order (db, workout_id);
  if (!read_order (fc_server_request_get_body (request), before_ids, errors, &order)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  for (guint i = 0; i < order->len; i++) {
    g_autoptr(FcSqlStmt) update =
      fc_sql_prepare (db, "UPDATE workout_videos SET order_index = ?, updated_at = ?"
                                " WHERE id = ? AND order_index IS DISTINCT FROM ?");

    fc_sql_bind_int64 (update, 1, i);
    fc_sql_bind_text (update, 2, now);
    fc_sql_bind_int64 (update, 3, g_array_index (order, gint64, i));
    fc_sql_bind_int64 (update, 4, i);
    if (!fc_sql_step_done (update)) {
      fc_admin_respond_server_error (request);
      return;
    }
    changed = changed || g_array_index (order, gint64, i) != g_array_index (before_ids, gint64, i);
  }

  /* Only a new order is a change (numbering an order again is not). */
  json_object_set_array_member (before, "videos", ids_to_json (before_ids));
  json_object_set_array_member (after, "videos", ids_to_json (order));
  if (changed && !fc_admin_audit (db, fc_server_request_get_user_id (request), "workout.reorder_videos",
                                  "workout", workout_id, before, after)) {
    fc_admin_respond_server_error (request);
    return;
  }

  answer = json_object_new ();
  json_object_set_int_member (answer, "workout", workout_id);
  json_object_set_array_member (answer, "videos", ids_to_json (order));
  fc_server_request_respond_json (request, SOUP_STATUS_OK, fc_admin_object_node (answer));
}
