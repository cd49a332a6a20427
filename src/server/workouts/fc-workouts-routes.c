/* fc-workouts-routes.c — /api/v1/workouts/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Workouts with their ordered videos, categories, and each user's progress,
 * in the DRF conventions of the other sections. Anyone reads workouts and
 * categories; staff write them. A video of a premium workout is watchable by
 * staff, by a caller with active access (fc_payments_has_active_access(): a
 * subscription or a staff grant), or when the video itself is free; for
 * anyone else its "file" is null, "locked" is true, and its file route
 * answers 401/403.
 *
 * Uploads are checked for real with GStreamer's discoverer on a worker
 * thread (it may take a while on a large file, and the main loop serves
 * everyone else meanwhile); the duration recorded is the one the media says.
 */

#define G_LOG_DOMAIN "fc-workouts"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "fc-admin.h"
#include "fc-json.h"
#include "fc-media.h"
#include "fc-notifications.h"
#include "fc-payments.h"
#include "fc-sql.h"
#include "fc-server.h"
#include "fc-time.h"
#include "fc-validate.h"
#include "fc-workouts-media.h"
#include "fc-workouts-private.h"

#define API "/api/v1/workouts/"
#define NO_WORKOUT "No Workout matches the given query."
#define NO_VIDEO "No WorkoutVideo matches the given query."
#define NO_CATEGORY "No WorkoutCategory matches the given query."
#define NO_PROGRESS "No WorkoutProgress matches the given query."
#define INVALID_PK "Invalid pk \"%" G_GINT64_FORMAT "\" - object does not exist."
#define INVALID_CHOICE "Select a valid choice. That choice is not one of the available choices."
#define INVALID_VIDEO "Upload a valid video. The file you uploaded was either not a video or a " \
                      "corrupted video."
#define TITLE_MAX 255
#define CATEGORY_NAME_MAX 100
#define SLUG_MAX 50
#define GOALS_MAX 20
#define GOAL_MAX 100
#define VIDEO_THUMBNAIL_DIR FC_WORKOUTS_THUMBNAIL_DIR "/videos"

static const char * const difficulties[] = { "beginner", "intermediate", "advanced", NULL };

/* Who is asking, and whether premium videos are open to them. */
typedef struct {
  FcServerRequest *request;
  FcSql         *db;
  gint64           user_id;
  gboolean         has_access;
  gboolean         is_staff;    /* sees hidden workouts */
} Viewer;

static void
viewer_init (Viewer          *viewer,
             FcServerRequest *request)
{
  viewer->request = request;
  viewer->db = fc_server_request_get_db (request);
  viewer->user_id = fc_server_request_get_user_id (request);
  viewer->is_staff = fc_server_request_is_staff (request);
  viewer->has_access = viewer->is_staff ||
                       fc_payments_has_active_access (fc_server_request_get_server (request),
                                                      viewer->db, viewer->user_id);
}

static void
respond_server_error (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                    "A server error occurred.");
}

static void
respond_node (FcServerRequest *request,
              guint            status,
              JsonNode        *node)
{
  if (node == NULL)
    respond_server_error (request);
  else
    fc_server_request_respond_json (request, status, node);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static void
set_text_or_null (JsonObject   *object,
                  const char   *name,
                  FcSqlStmt *stmt,
                  int           column)
{
  const char *text = fc_sql_column_text (stmt, column);

  if (text != NULL)
    json_object_set_string_member (object, name, text);
  else
    json_object_set_null_member (object, name);
}

static void
set_media_url (JsonObject      *object,
               const char      *name,
               FcServerRequest *request,
               const char      *relative_path)
{
  if (relative_path != NULL && *relative_path != '\0') {
    g_autofree char *url = fc_media_url (request, relative_path);

    json_object_set_string_member (object, name, url);
  } else {
    json_object_set_null_member (object, name);
  }
}

static gboolean
row_exists (FcSql    *db,
            const char *sql,
            gint64      id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, id);
  return fc_sql_step_row (stmt);
}

static gint64
query_count (FcSql    *db,
             const char *sql,
             gint64      id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, id);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

/* ---- Serialisers ------------------------------------------------------- */

#define VIDEO_SELECT                                                                         \
  "SELECT v.id, v.workout_id, v.title, v.description, v.file, v.thumbnail, v.duration,"     \
  " v.order_index, v.is_free, v.file_size, v.checksum, v.created_at, v.updated_at,"         \
  " w.is_premium, w.is_published FROM workout_videos v JOIN workouts w ON w.id = v.workout_id "

static gboolean
video_locked (Viewer       *viewer,
              FcSqlStmt *stmt)
{
  gboolean is_free = fc_sql_column_int (stmt, 8) != 0;
  gboolean premium = fc_sql_column_int (stmt, 13) != 0;

  return premium && !is_free && !viewer->has_access;
}

static JsonNode *
video_row_to_json (Viewer       *viewer,
                   FcSqlStmt *stmt)
{
  JsonObject *object = json_object_new ();
  gint64 id = fc_sql_column_int64 (stmt, 0);
  gboolean locked = video_locked (viewer, stmt);

  json_object_set_int_member (object, "id", id);
  json_object_set_int_member (object, "workout", fc_sql_column_int64 (stmt, 1));
  json_object_set_string_member (object, "title", fc_sql_column_text (stmt, 2));
  json_object_set_string_member (object, "description", fc_sql_column_text (stmt, 3));
  if (locked) {
    json_object_set_null_member (object, "file");
  } else {
    g_autofree char *url = g_strdup_printf ("%s" API "videos/%" G_GINT64_FORMAT "/file/",
                                            fc_server_request_get_base_url (viewer->request), id);

    json_object_set_string_member (object, "file", url);
  }
  set_media_url (object, "thumbnail", viewer->request, fc_sql_column_text (stmt, 5));
  json_object_set_int_member (object, "duration", fc_sql_column_int64 (stmt, 6));
  json_object_set_int_member (object, "order_index", fc_sql_column_int64 (stmt, 7));
  json_object_set_boolean_member (object, "is_free", fc_sql_column_int (stmt, 8) != 0);
  json_object_set_boolean_member (object, "locked", locked);
  if (fc_sql_column_is_null (stmt, 9))
    json_object_set_null_member (object, "file_size");
  else
    json_object_set_int_member (object, "file_size", fc_sql_column_int64 (stmt, 9));
  set_text_or_null (object, "checksum", stmt, 10);
  json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 11));
  json_object_set_string_member (object, "updated_at", fc_sql_column_text (stmt, 12));
  return object_node (object);
}

/* A hidden workout, and everything of it, is staff's alone: anyone else
 * is told it does not exist. */
static gboolean
video_hidden (Viewer       *viewer,
              FcSqlStmt *stmt)
{
  return !viewer->is_staff && fc_sql_column_int (stmt, 14) == 0;
}

static JsonNode *
video_to_json (Viewer *viewer,
               gint64  video_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (viewer->db, VIDEO_SELECT "WHERE v.id = ?");

  fc_sql_bind_int64 (stmt, 1, video_id);
  if (!fc_sql_step_row (stmt) || video_hidden (viewer, stmt))
    return NULL;
  return video_row_to_json (viewer, stmt);
}

static JsonNode *
category_to_json (FcSql *db,
                  gint64   category_id)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  JsonObject *object;

  stmt = fc_sql_prepare (db, "SELECT id, name, slug, description, created_at, updated_at,"
                                   " (SELECT COUNT(*) FROM workouts WHERE category_id = c.id)"
                                   " FROM workout_categories c WHERE id = ?");
  fc_sql_bind_int64 (stmt, 1, category_id);
  if (!fc_sql_step_row (stmt))
    return NULL;

  object = json_object_new ();
  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  json_object_set_string_member (object, "name", fc_sql_column_text (stmt, 1));
  json_object_set_string_member (object, "slug", fc_sql_column_text (stmt, 2));
  json_object_set_string_member (object, "description", fc_sql_column_text (stmt, 3));
  json_object_set_int_member (object, "workout_count", fc_sql_column_int64 (stmt, 6));
  json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 4));
  json_object_set_string_member (object, "updated_at", fc_sql_column_text (stmt, 5));
  return object_node (object);
}

#define PROGRESS_SELECT                                                                      \
  "SELECT id, user_id, workout_id, progress_percentage, last_video_id, position_seconds,"   \
  " completed_at, created_at, updated_at FROM workout_progress "

static JsonObject *
progress_row_to_object (FcSqlStmt *stmt)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  json_object_set_int_member (object, "user", fc_sql_column_int64 (stmt, 1));
  json_object_set_int_member (object, "workout", fc_sql_column_int64 (stmt, 2));
  json_object_set_double_member (object, "progress_percentage", fc_sql_column_double (stmt, 3));
  if (fc_sql_column_is_null (stmt, 4))
    json_object_set_null_member (object, "last_video");
  else
    json_object_set_int_member (object, "last_video", fc_sql_column_int64 (stmt, 4));
  json_object_set_double_member (object, "position_seconds", fc_sql_column_double (stmt, 5));
  set_text_or_null (object, "completed_at", stmt, 6);
  json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 7));
  json_object_set_string_member (object, "updated_at", fc_sql_column_text (stmt, 8));
  return object;
}

static JsonNode *
progress_to_json (FcSql *db,
                  gint64   progress_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, PROGRESS_SELECT "WHERE id = ?");

  fc_sql_bind_int64 (stmt, 1, progress_id);
  if (!fc_sql_step_row (stmt))
    return NULL;
  return object_node (progress_row_to_object (stmt));
}

/* The caller's own progress on a workout, without the owner and workout
 * ids the surrounding workout already gives; null when there is none. */
static JsonNode *
progress_summary (Viewer *viewer,
                  gint64  workout_id)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  JsonObject *object;

  if (viewer->user_id == 0)
    return json_node_new (JSON_NODE_NULL);
  stmt = fc_sql_prepare (viewer->db, PROGRESS_SELECT "WHERE user_id = ? AND workout_id = ?");
  fc_sql_bind_int64 (stmt, 1, viewer->user_id);
  fc_sql_bind_int64 (stmt, 2, workout_id);
  if (!fc_sql_step_row (stmt))
    return json_node_new (JSON_NODE_NULL);

  object = progress_row_to_object (stmt);
  json_object_remove_member (object, "user");
  json_object_remove_member (object, "workout");
  json_object_remove_member (object, "created_at");
  return object_node (object);
}

static JsonNode *
goals_node (const char *stored)
{
  g_autoptr(JsonNode) parsed = fc_json_parse (stored != NULL ? stored : "[]", -1, NULL);

  if (parsed == NULL || !JSON_NODE_HOLDS_ARRAY (parsed)) {
    JsonNode *empty = json_node_new (JSON_NODE_ARRAY);

    json_node_take_array (empty, json_array_new ());
    return empty;
  }
  return g_steal_pointer (&parsed);
}

static JsonNode *
workout_to_json (Viewer *viewer,
                 gint64  workout_id)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(FcSqlStmt) videos = NULL;
  JsonObject *object;
  JsonArray *list;
  const char *thumbnail;

  /* Without a thumbnail of its own, a workout shows its first video's. */
  stmt = fc_sql_prepare (viewer->db,
                               "SELECT w.id, w.title, w.description, w.duration, w.difficulty,"
                               " w.category_id, c.name, c.slug, w.goals, w.is_premium,"
                               " COALESCE(w.thumbnail, (SELECT thumbnail FROM workout_videos"
                               "   WHERE workout_id = w.id AND thumbnail IS NOT NULL"
                               "   ORDER BY order_index, id LIMIT 1)),"
                               " w.created_at, w.updated_at, w.is_published"
                               " FROM workouts w"
                               " LEFT JOIN workout_categories c ON c.id = w.category_id"
                               " WHERE w.id = ?");
  fc_sql_bind_int64 (stmt, 1, workout_id);
  if (!fc_sql_step_row (stmt))
    return NULL;
  /* Also how the change feed turns a hide into a delete for them. */
  if (!viewer->is_staff && fc_sql_column_int (stmt, 13) == 0)
    return NULL;

  object = json_object_new ();
  json_object_set_int_member (object, "id", workout_id);
  json_object_set_string_member (object, "title", fc_sql_column_text (stmt, 1));
  json_object_set_string_member (object, "description", fc_sql_column_text (stmt, 2));
  json_object_set_int_member (object, "duration", fc_sql_column_int64 (stmt, 3));
  json_object_set_string_member (object, "difficulty", fc_sql_column_text (stmt, 4));
  if (fc_sql_column_is_null (stmt, 5)) {
    json_object_set_null_member (object, "category");
    json_object_set_null_member (object, "category_detail");
  } else {
    JsonObject *detail = json_object_new ();

    json_object_set_int_member (object, "category", fc_sql_column_int64 (stmt, 5));
    json_object_set_int_member (detail, "id", fc_sql_column_int64 (stmt, 5));
    json_object_set_string_member (detail, "name", fc_sql_column_text (stmt, 6));
    json_object_set_string_member (detail, "slug", fc_sql_column_text (stmt, 7));
    json_object_set_object_member (object, "category_detail", detail);
  }
  json_object_set_member (object, "goals", goals_node (fc_sql_column_text (stmt, 8)));
  json_object_set_boolean_member (object, "is_premium", fc_sql_column_int (stmt, 9) != 0);
  /* Everyone else sees published workouts only, and Django's fields. */
  if (viewer->is_staff)
    json_object_set_boolean_member (object, "is_published", fc_sql_column_int (stmt, 13) != 0);
  thumbnail = fc_sql_column_text (stmt, 10);
  set_media_url (object, "thumbnail", viewer->request, thumbnail);

  list = json_array_new ();
  videos = fc_sql_prepare (viewer->db,
                                 VIDEO_SELECT "WHERE v.workout_id = ? ORDER BY v.order_index, v.id");
  fc_sql_bind_int64 (videos, 1, workout_id);
  while (fc_sql_step_row (videos))
    json_array_add_element (list, video_row_to_json (viewer, videos));
  json_object_set_int_member (object, "video_count", json_array_get_length (list));
  json_object_set_array_member (object, "videos", list);
  json_object_set_member (object, "progress", progress_summary (viewer, workout_id));
  json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 11));
  json_object_set_string_member (object, "updated_at", fc_sql_column_text (stmt, 12));
  return object_node (object);
}

/* For the change feed: @section's object @id as @request's caller sees it
 * in the lists (premium videos locked unless the caller may play them,
 * their own progress inside a workout); NULL when there is none. */
JsonNode *
fc_workouts_object_to_json (FcServerRequest *request,
                            const char      *section,
                            gint64           id)
{
  Viewer viewer;

  viewer_init (&viewer, request);
  if (g_str_equal (section, "workouts"))
    return workout_to_json (&viewer, id);
  if (g_str_equal (section, "workout_categories"))
    return category_to_json (viewer.db, id);
  g_return_val_if_fail (g_str_equal (section, "workout_progress"), NULL);
  return progress_to_json (viewer.db, id);
}

/* ---- Lists ------------------------------------------------------------- */

typedef JsonNode *(*ToJsonFunc) (Viewer *viewer, gint64 id);

/* A page of the ids that "SELECT id FROM @from WHERE @where ORDER BY
 * @order" gives, with @args bound as text to ?1, ?2... */
static void
respond_page (Viewer     *viewer,
              const char *from,
              const char *where,
              const char *order,
              GPtrArray  *args,
              ToJsonFunc  to_json)
{
  g_autofree char *count_sql = g_strdup_printf ("SELECT COUNT(*) FROM %s WHERE %s", from, where);
  g_autofree char *ids_sql = NULL;
  g_autoptr(FcSqlStmt) count_stmt = fc_sql_prepare (viewer->db, count_sql);
  g_autoptr(FcSqlStmt) ids = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  gint64 count, limit = 0, offset = 0;
  guint n_args = args != NULL ? args->len : 0;

  for (guint i = 0; i < n_args; i++)
    fc_sql_bind_text (count_stmt, i + 1, g_ptr_array_index (args, i));
  if (!fc_sql_step_row (count_stmt)) {
    respond_server_error (viewer->request);
    return;
  }
  count = fc_sql_column_int64 (count_stmt, 0);
  if (!fc_server_request_paginate (viewer->request, count, &limit, &offset))
    return;

  ids_sql = g_strdup_printf ("SELECT id FROM %s WHERE %s ORDER BY %s LIMIT %" G_GINT64_FORMAT
                             " OFFSET %" G_GINT64_FORMAT, from, where, order, limit, offset);
  ids = fc_sql_prepare (viewer->db, ids_sql);
  for (guint i = 0; i < n_args; i++)
    fc_sql_bind_text (ids, i + 1, g_ptr_array_index (args, i));
  while (fc_sql_step_row (ids)) {
    JsonNode *node = to_json (viewer, fc_sql_column_int64 (ids, 0));

    if (node == NULL) {
      respond_server_error (viewer->request);
      return;
    }
    json_array_add_element (results, node);
  }
  fc_server_request_respond_page (viewer->request, count, results);
}

static JsonNode *
viewer_category_to_json (Viewer *viewer,
                         gint64  id)
{
  return category_to_json (viewer->db, id);
}

static JsonNode *
viewer_progress_to_json (Viewer *viewer,
                         gint64  id)
{
  return progress_to_json (viewer->db, id);
}

/* 200 with @node, or 404 with @not_found when there is none. */
static void
respond_found (FcServerRequest *request,
               JsonNode        *node,
               const char      *not_found)
{
  if (node == NULL)
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, not_found);
  else
    fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

/* Answers the validation @errors, or writes @row into @table (a new row
 * when @id is 0, stamped) and answers it, 201 or 200, through @to_json. */
static void
save_row (Viewer        *viewer,
          const char    *table,
          gint64         id,
          JsonObject    *row,
          FcFieldErrors *errors,
          ToJsonFunc     to_json)
{
  g_autofree char *now = fc_time_now_iso8601 ();
  gboolean created = id == 0;

  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (viewer->request, errors);
    return;
  }
  json_object_set_string_member (row, "updated_at", now);
  if (created) {
    json_object_set_string_member (row, "created_at", now);
    id = fc_workouts_row_insert (viewer->db, table, row);
  } else if (!fc_workouts_row_update (viewer->db, table, id, row)) {
    id = 0;
  }
  if (id == 0) {
    respond_server_error (viewer->request);
    return;
  }
  respond_node (viewer->request, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK,
                to_json (viewer, id));
}

/* For PUT/PATCH on {id}: the id when the row exists, else 0 after a 404. */
static gint64
existing_id (Viewer     *viewer,
             const char *table,
             const char *not_found)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", table);
  gint64 id = fc_server_request_get_id (viewer->request, "id");

  if (row_exists (viewer->db, sql, id))
    return id;
  fc_server_request_respond_detail (viewer->request, SOUP_STATUS_NOT_FOUND, not_found);
  return 0;
}

static gboolean
is_partial (FcServerRequest *request)
{
  return g_str_equal (fc_server_request_get_method (request), "PATCH");
}

/* Validates a request body into the columns of @row; @id is 0 for a new
 * row. */
typedef void (*ReadFunc) (FcSql       *db,
                          JsonObject    *body,
                          gboolean       partial,
                          gint64         id,
                          FcFieldErrors *errors,
                          JsonObject    *row);

/* A table whose rows the routes read and write the same way. */
typedef struct {
  const char *table;
  const char *not_found;
  ToJsonFunc  to_json;
  ReadFunc    read;
} Resource;

static void
resource_get (FcServerRequest *request,
              const Resource  *resource)
{
  Viewer viewer;

  viewer_init (&viewer, request);
  respond_found (request, resource->to_json (&viewer, fc_server_request_get_id (request, "id")),
                 resource->not_found);
}

/* POST on the collection, or PUT/PATCH on {id} when @existing. */
static void
resource_save (FcServerRequest *request,
               const Resource  *resource,
               gboolean         existing)
{
  Viewer viewer;
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonObject) row = json_object_new ();
  gint64 id = 0;

  viewer_init (&viewer, request);
  if (existing && (id = existing_id (&viewer, resource->table, resource->not_found)) == 0)
    return;
  resource->read (viewer.db, fc_server_request_get_body (request),
                  existing && is_partial (request), id, errors, row);
  save_row (&viewer, resource->table, id, row, errors, resource->to_json);
}

/* A positive integer query parameter, or 0. */
static gint64
query_id (FcServerRequest *request,
          const char      *name)
{
  const char *text = fc_server_request_get_query (request, name);
  gint64 value = 0;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &value, NULL))
    return 0;
  return value;
}

/* django-filter's boolean widget: these spellings, anything else ignored. */
static int
query_boolean (FcServerRequest *request,
               const char      *name)
{
  static const char * const yes[] = { "true", "True", "1", NULL };
  static const char * const no[] = { "false", "False", "0", NULL };
  const char *text = fc_server_request_get_query (request, name);

  if (text == NULL)
    return -1;
  if (g_strv_contains (yes, text))
    return 1;
  if (g_strv_contains (no, text))
    return 0;
  return -1;
}

/* ?category= takes an id or a slug; 0 when it names no category. */
static gint64
resolve_category (FcSql    *db,
                  const char *value)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  gint64 id;

  if (g_ascii_string_to_signed (value, 10, 1, G_MAXINT64, &id, NULL))
    return row_exists (db, "SELECT 1 FROM workout_categories WHERE id = ?", id) ? id : 0;
  stmt = fc_sql_prepare (db, "SELECT id FROM workout_categories WHERE slug = ?");
  fc_sql_bind_text (stmt, 1, value);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

static void
workouts_list (FcServerRequest *request)
{
  Viewer viewer;
  g_autoptr(GString) where = g_string_new ("TRUE");
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *category = fc_server_request_get_query (request, "category");
  const char *difficulty = fc_server_request_get_query (request, "difficulty");
  const char *search = fc_server_request_get_query (request, "search");
  g_auto(GStrv) terms = NULL;
  int premium = query_boolean (request, "is_premium");
  int published = query_boolean (request, "is_published");

  viewer_init (&viewer, request);
  if (!viewer.is_staff)
    g_string_append (where, " AND is_published = 1");
  else if (published >= 0)
    g_string_append_printf (where, " AND is_published = %d", published);

  if (category != NULL && *category != '\0') {
    gint64 id = resolve_category (viewer.db, category);

    if (id == 0)
      fc_field_errors_add (errors, "category", INVALID_CHOICE);
    g_string_append_printf (where, " AND category_id = %" G_GINT64_FORMAT, id);
  }
  if (difficulty != NULL && *difficulty != '\0') {
    if (!g_strv_contains (difficulties, difficulty))
      fc_field_errors_add (errors, "difficulty", "Select a valid choice. %s is not one of the "
                                                 "available choices.", difficulty);
    g_ptr_array_add (args, g_strdup (difficulty));
    g_string_append_printf (where, " AND difficulty = ?%u", args->len);
  }
  if (premium >= 0)
    g_string_append_printf (where, " AND is_premium = %d", premium);

  /* Every term must match the title or the description, ignoring case. */
  terms = fc_validate_search_terms (search, errors);
  for (guint i = 0; terms[i] != NULL; i++) {
    g_ptr_array_add (args, fc_sql_like_pattern (terms[i]));
    g_string_append_printf (where, " AND (title LIKE ?%u ESCAPE '\\'"
                                   " OR description LIKE ?%u ESCAPE '\\')",
                            args->len, args->len);
  }

  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  respond_page (&viewer, "workouts", where->str, "created_at DESC, id DESC", args,
                workout_to_json);
}

static void
categories_list (FcServerRequest *request)
{
  Viewer viewer;

  viewer_init (&viewer, request);
  respond_page (&viewer, "workout_categories", "TRUE", "name, id", NULL, viewer_category_to_json);
}

static void
videos_list (FcServerRequest *request)
{
  Viewer viewer;
  g_autofree char *where = NULL;
  gint64 workout = query_id (request, "workout");

  viewer_init (&viewer, request);
  where = workout != 0 ? g_strdup_printf ("workout_id = %" G_GINT64_FORMAT, workout)
                       : g_strdup ("TRUE");
  if (!viewer.is_staff) {
    g_autofree char *visible = g_strconcat (where, " AND workout_id IN (SELECT id FROM workouts"
                                                   " WHERE is_published = 1)", NULL);

    g_free (where);
    where = g_steal_pointer (&visible);
  }
  respond_page (&viewer, "workout_videos", where, "workout_id, order_index, id", NULL,
                video_to_json);
}

static void
progress_list (FcServerRequest *request)
{
  Viewer viewer;
  g_autofree char *where = NULL;
  gint64 workout = query_id (request, "workout");

  viewer_init (&viewer, request);
  where = workout != 0 ? g_strdup_printf ("user_id = %" G_GINT64_FORMAT " AND workout_id = %"
                                          G_GINT64_FORMAT, viewer.user_id, workout)
                       : g_strdup_printf ("user_id = %" G_GINT64_FORMAT, viewer.user_id);
  respond_page (&viewer, "workout_progress", where, "updated_at DESC, id DESC", NULL,
                viewer_progress_to_json);
}

static void
root_get (FcServerRequest *request)
{
  static const char * const sections[] = { "workouts", "videos", "categories", "progress" };
  JsonObject *object = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++) {
    g_autofree char *url = g_strdup_printf ("%s" API "%s/",
                                            fc_server_request_get_base_url (request), sections[i]);

    json_object_set_string_member (object, sections[i], url);
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK, object_node (object));
}

/* ---- Workouts ---------------------------------------------------------- */

/* A pk field naming a row of @table that must exist; FALSE when absent or
 * invalid (the error added). */
static gboolean
read_reference (FcSql       *db,
                JsonObject    *body,
                const char    *field,
                const char    *table,
                gboolean       required,
                FcFieldErrors *errors,
                gint64        *out)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", table);

  if (!fc_validate_pk (body, field, required, errors, out))
    return FALSE;
  if (!row_exists (db, sql, *out)) {
    fc_field_errors_add (errors, field, INVALID_PK, *out);
    return FALSE;
  }
  return TRUE;
}

/* DRF's ListField(child=CharField()): errors keyed by the bad items' index. */
static void
read_goals (JsonObject    *body,
            FcFieldErrors *errors,
            JsonObject    *row)
{
  JsonArray *list = fc_validate_list (body, "goals", FALSE, errors);
  g_autoptr(JsonArray) clean = NULL;
  JsonObject *item_errors;

  if (list == NULL)
    return;
  if (json_array_get_length (list) > GOALS_MAX) {
    fc_field_errors_add (errors, "goals", "Ensure this field has no more than %d elements.",
                         GOALS_MAX);
    return;
  }

  clean = json_array_new ();
  item_errors = json_object_new ();
  for (guint i = 0; i < json_array_get_length (list); i++) {
    JsonNode *item = json_array_get_element (list, i);
    g_autofree char *index = g_strdup_printf ("%u", i);
    g_autofree char *text = NULL;
    JsonArray *messages = NULL;

    /* CharField trims, then refuses blanks. */
    if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
      text = g_strstrip (g_strdup (json_node_get_string (item)));
    if (text == NULL || *text == '\0' || g_utf8_strlen (text, -1) > GOAL_MAX) {
      messages = json_array_new ();
      json_array_add_string_element (messages,
                                     text == NULL ? "Not a valid string."
                                     : *text == '\0' ? "This field may not be blank."
                                     : "Ensure this field has no more than 100 characters.");
    }
    if (messages != NULL)
      json_object_set_array_member (item_errors, index, messages);
    else
      json_array_add_string_element (clean, text);
  }

  if (json_object_get_size (item_errors) > 0) {
    fc_field_errors_set_node (errors, "goals", object_node (item_errors));
  } else {
    g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), clean);
    g_autofree char *text = fc_json_to_string (node, FALSE);

    json_object_unref (item_errors);
    json_object_set_string_member (row, "goals", text);
  }
}

static void
read_workout (FcSql       *db,
              JsonObject    *body,
              gboolean       partial,
              gint64         id,
              FcFieldErrors *errors,
              JsonObject    *row)
{
  const char *text;
  const char *choice;
  gint64 number;
  gboolean flag, is_null;

  if (fc_validate_string (body, "title", !partial, FALSE, TITLE_MAX, errors, &text))
    json_object_set_string_member (row, "title", text);
  if (fc_validate_string (body, "description", FALSE, TRUE, 0, errors, &text))
    json_object_set_string_member (row, "description", text);
  if (fc_validate_integer (body, "duration", FALSE, FALSE, 0, 100000, errors, &number, &is_null))
    json_object_set_int_member (row, "duration", number);
  if (fc_validate_choice (body, "difficulty", FALSE, FALSE, difficulties, errors, &choice))
    json_object_set_string_member (row, "difficulty", choice);
  if (fc_json_is_null (body, "category"))
    json_object_set_null_member (row, "category_id");
  else if (read_reference (db, body, "category", "workout_categories", FALSE, errors, &number))
    json_object_set_int_member (row, "category_id", number);
  read_goals (body, errors, row);
  if (fc_validate_boolean (body, "is_premium", FALSE, errors, &flag))
    json_object_set_boolean_member (row, "is_premium", flag);
  if (fc_validate_boolean (body, "is_published", FALSE, errors, &flag))
    json_object_set_boolean_member (row, "is_published", flag);
}

/* The files a row leaves behind: (root, relative path) pairs. */
typedef struct {
  GPtrArray *roots;
  GPtrArray *paths;
} DoomedFiles;

static void
doomed_files_init (DoomedFiles *doomed)
{
  doomed->roots = g_ptr_array_new_with_free_func (g_free);
  doomed->paths = g_ptr_array_new_with_free_func (g_free);
}

static void
doomed_files_add (DoomedFiles *doomed,
                  const char  *root,
                  const char  *relative_path)
{
  if (relative_path == NULL || *relative_path == '\0')
    return;
  g_ptr_array_add (doomed->roots, g_strdup (root));
  g_ptr_array_add (doomed->paths, g_strdup (relative_path));
}

/* Removes the files, only once the rows that named them are gone. */
static void
doomed_files_remove (DoomedFiles *doomed)
{
  for (guint i = 0; i < doomed->paths->len; i++)
    fc_media_remove (g_ptr_array_index (doomed->roots, i), g_ptr_array_index (doomed->paths, i));
  g_ptr_array_unref (doomed->roots);
  g_ptr_array_unref (doomed->paths);
}

static void
collect_video_files (FcServerRequest *request,
                     const char      *sql,
                     gint64           id,
                     DoomedFiles     *doomed)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autofree char *protected_dir = fc_workouts_protected_dir (config);
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (fc_server_request_get_db (request), sql);

  fc_sql_bind_int64 (stmt, 1, id);
  while (fc_sql_step_row (stmt)) {
    doomed_files_add (doomed, protected_dir, fc_sql_column_text (stmt, 0));
    doomed_files_add (doomed, config->media_dir, fc_sql_column_text (stmt, 1));
  }
}

static void
delete_row (FcServerRequest *request,
            const char      *table,
            const char      *not_found,
            const char      *files_sql)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 id = fc_server_request_get_id (request, "id");
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?", table);
  g_autoptr(FcSqlStmt) stmt = NULL;
  DoomedFiles doomed;

  doomed_files_init (&doomed);
  if (files_sql != NULL)
    collect_video_files (request, files_sql, id, &doomed);
  stmt = fc_sql_prepare (db, sql);
  fc_sql_bind_int64 (stmt, 1, id);
  if (!fc_sql_step_done (stmt)) {
    doomed_files_remove (&doomed);
    respond_server_error (request);
    return;
  }
  if (fc_sql_changes (db) == 0) {
    g_ptr_array_set_size (doomed.paths, 0);
    doomed_files_remove (&doomed);
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, not_found);
    return;
  }
  doomed_files_remove (&doomed);
  fc_server_request_respond_no_content (request);
}

static void
workout_delete (FcServerRequest *request)
{
  /* The videos' files and thumbnails, and the workout's own thumbnail. */
  delete_row (request, "workouts", NO_WORKOUT,
              "SELECT file, thumbnail FROM workout_videos WHERE workout_id = ?1"
              " UNION ALL SELECT NULL, thumbnail FROM workouts WHERE id = ?1");
}

/* ---- Categories -------------------------------------------------------- */

/* Django's slugify() for ASCII: letters, digits, '-' and '_'. */
static char *
slugify (const char *name)
{
  GString *slug = g_string_new (NULL);

  for (const char *p = name; *p != '\0' && slug->len < SLUG_MAX; p++) {
    if (g_ascii_isalnum (*p) || *p == '_')
      g_string_append_c (slug, g_ascii_tolower (*p));
    else if ((*p == ' ' || *p == '-') && slug->len > 0 && slug->str[slug->len - 1] != '-')
      g_string_append_c (slug, '-');
  }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);
  if (slug->len == 0)
    g_string_assign (slug, "category");
  return g_string_free (slug, FALSE);
}

static gboolean
slug_taken (FcSql    *db,
            const char *slug,
            gint64      except_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT 1 FROM workout_categories WHERE slug = ? AND id <> ?");

  fc_sql_bind_text (stmt, 1, slug);
  fc_sql_bind_int64 (stmt, 2, except_id);
  return fc_sql_step_row (stmt);
}

static void
read_category (FcSql       *db,
               JsonObject    *body,
               gboolean       partial,
               gint64         id,
               FcFieldErrors *errors,
               JsonObject    *row)
{
  const char *name = NULL;
  const char *slug = NULL;
  const char *text;

  if (fc_validate_string (body, "name", !partial, FALSE, CATEGORY_NAME_MAX, errors, &name))
    json_object_set_string_member (row, "name", name);
  if (fc_validate_string (body, "description", FALSE, TRUE, 0, errors, &text))
    json_object_set_string_member (row, "description", text);

  if (fc_validate_string (body, "slug", FALSE, FALSE, SLUG_MAX, errors, &slug)) {
    for (const char *p = slug; *p != '\0'; p++) {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_') {
        fc_field_errors_add (errors, "slug", "Enter a valid “slug” consisting of letters, "
                                             "numbers, underscores or hyphens.");
        return;
      }
    }
    if (slug_taken (db, slug, id))
      fc_field_errors_add (errors, "slug", "workout category with this slug already exists.");
    else
      json_object_set_string_member (row, "slug", slug);
  } else if (id == 0 && name != NULL && !fc_json_has_member (body, "slug")) {
    /* A new category without a slug gets one from its name, made unique. */
    g_autofree char *base = slugify (name);
    g_autofree char *candidate = g_strdup (base);

    for (guint n = 2; slug_taken (db, candidate, 0); n++) {
      g_free (candidate);
      candidate = g_strdup_printf ("%s-%u", base, n);
    }
    json_object_set_string_member (row, "slug", candidate);
  }
}

static void
category_delete (FcServerRequest *request)
{
  /* Its workouts stay, without a category (ON DELETE SET NULL). */
  delete_row (request, "workout_categories", NO_CATEGORY, NULL);
}

/* ---- Videos ------------------------------------------------------------ */

/* The video fields besides the file; @row gets workout_id and the rest. */
static void
read_video (FcSql       *db,
            JsonObject    *body,
            gboolean       partial,
            gint64         id,
            FcFieldErrors *errors,
            JsonObject    *row)
{
  const char *text;
  gint64 number;
  gboolean flag, is_null;

  if (read_reference (db, body, "workout", "workouts", !partial, errors, &number))
    json_object_set_int_member (row, "workout_id", number);
  if (fc_validate_string (body, "title", !partial, FALSE, TITLE_MAX, errors, &text))
    json_object_set_string_member (row, "title", text);
  if (fc_validate_string (body, "description", FALSE, TRUE, 0, errors, &text))
    json_object_set_string_member (row, "description", text);
  if (fc_validate_integer (body, "order_index", FALSE, FALSE, 0, G_MAXINT32, errors, &number,
                           &is_null))
    json_object_set_int_member (row, "order_index", number);
  if (fc_validate_boolean (body, "is_free", FALSE, errors, &flag))
    json_object_set_boolean_member (row, "is_free", flag);
}

typedef struct {
  /* in */
  FcServerRequest *request;
  JsonObject      *row;            /* validated fields to write */
  GBytes          *data;           /* the file in memory, or NULL and ... */
  char            *source_path;    /* ... a file on disk to move in */
  char            *name;           /* safe stem + sniffed extension (stem only for a path) */
  char            *protected_dir;
  char            *media_dir;
  gint64           video_id;       /* 0: a new video */
  FcWorkoutsFileHook hook;
  gpointer         hook_data;
  GDestroyNotify   hook_destroy;

  /* out, from the worker */
  char            *file;           /* relative to protected_dir */
  char            *thumbnail;      /* relative to media_dir, or NULL */
  double           duration;
  gint64           size;
  char            *checksum;
} Upload;

static void
upload_free (Upload *upload)
{
  fc_server_request_unref (upload->request);
  json_object_unref (upload->row);
  g_clear_pointer (&upload->data, g_bytes_unref);
  g_free (upload->source_path);
  if (upload->hook_destroy != NULL)
    upload->hook_destroy (upload->hook_data);
  g_free (upload->name);
  g_free (upload->protected_dir);
  g_free (upload->media_dir);
  g_free (upload->file);
  g_free (upload->thumbnail);
  g_free (upload->checksum);
  g_free (upload);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Upload, upload_free)

/* Worker thread: moves a finished resumable upload into the videos'
 * store under a name of its own (reserved empty by fc_media_store(), then
 * replaced by the rename, which costs nothing however big the file),
 * once its first bytes say it may be a video. */
static char *
move_into_store (Upload  *upload,
                 GError **error)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) head = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  guint8 buffer[64];
  const char *extension;
  gssize n;
  int fd;

  fd = g_open (upload->source_path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot open %s: %s",
                 upload->source_path, g_strerror (errno));
    return NULL;
  }
  n = read (fd, buffer, sizeof buffer);
  close (fd);
  head = g_bytes_new (buffer, MAX (n, 0));
  extension = fc_workouts_media_sniff (head);
  if (extension == NULL) {
    g_set_error (error, FC_WORKOUTS_MEDIA_ERROR, FC_WORKOUTS_MEDIA_ERROR_INVALID,
                 "%s is no container the server knows", upload->name);
    return NULL;
  }

  name = g_strconcat (upload->name, extension, NULL);
  file = fc_media_store (upload->protected_dir, FC_WORKOUTS_VIDEO_DIR, name, empty, error);
  if (file == NULL)
    return NULL;
  path = g_build_filename (upload->protected_dir, file, NULL);
  if (g_rename (upload->source_path, path) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot move %s: %s",
                 upload->source_path, g_strerror (errno));
    fc_media_remove (upload->protected_dir, file);
    return NULL;
  }
  return g_steal_pointer (&file);
}

/* Worker thread: store, probe, hash, and take a thumbnail. Touches no
 * database and no request. */
static void
upload_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Upload *upload = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *stem = NULL;
  char *dot;
  g_autofree char *png = NULL;
  g_autofree char *png_path = NULL;

  if (upload->source_path != NULL)
    upload->file = move_into_store (upload, &error);
  else
    upload->file = fc_media_store (upload->protected_dir, FC_WORKOUTS_VIDEO_DIR, upload->name,
                                   upload->data, &error);
  if (upload->file == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  path = g_build_filename (upload->protected_dir, upload->file, NULL);

  if (!fc_workouts_media_probe (path, &upload->duration, &error) ||
      (upload->checksum = fc_workouts_media_checksum (path, &upload->size, &error)) == NULL) {
    fc_media_remove (upload->protected_dir, upload->file);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  /* The stored name is unique among the videos, so the thumbnail's is too. */
  stem = g_path_get_basename (upload->file);
  dot = strrchr (stem, '.');
  if (dot != NULL && dot != stem)
    *dot = '\0';
  png = g_strconcat (VIDEO_THUMBNAIL_DIR G_DIR_SEPARATOR_S, stem, ".png", NULL);
  png_path = g_build_filename (upload->media_dir, png, NULL);
  if (fc_workouts_media_snapshot (path, png_path, &error))
    upload->thumbnail = g_steal_pointer (&png);
  else
    g_warning ("No thumbnail for %s: %s", upload->file, error->message);

  g_task_return_boolean (task, TRUE);
}

static void
upload_remove_files (Upload *upload)
{
  fc_media_remove (upload->protected_dir, upload->file);
  fc_media_remove (upload->media_dir, upload->thumbnail);
}

/* Main thread again: write the row in a transaction of its own. */
static void
on_upload_checked_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Upload *upload = g_task_get_task_data (G_TASK (result));
  FcServerRequest *request = upload->request;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autofree char *now = fc_time_now_iso8601 ();
  g_autofree char *old_file = NULL;
  g_autofree char *old_thumbnail = NULL;
  FcSql *db = fc_server_request_get_db (request);
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  Viewer viewer;
  gint64 workout_id = 0;
  gint64 id = upload->video_id;
  gboolean ok;

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    if (g_error_matches (error, FC_WORKOUTS_MEDIA_ERROR, FC_WORKOUTS_MEDIA_ERROR_INVALID)) {
      g_message ("Rejected an upload: %s", error->message);
      /* Not a video: a resumable upload's bytes are no use to anyone. */
      if (upload->hook != NULL)
        upload->hook (db, 0, upload->hook_data);
      fc_field_errors_add (errors, "file", INVALID_VIDEO);
      fc_server_request_respond_errors (request, errors);
    } else {
      g_warning ("Cannot store an upload: %s", error->message);
      respond_server_error (request);
    }
    return;
  }

  viewer_init (&viewer, request);
  if (!fc_sql_begin (db)) {
    upload_remove_files (upload);
    if (upload->hook != NULL)
      upload->hook (db, 0, upload->hook_data);
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The database is busy; try again.");
    return;
  }
  /* The audit triggers record this write for the staff member, though the
   * framework's transaction ended when the handler returned. */
  if (viewer.is_staff)
    fc_admin_set_actor (db, viewer.user_id);

  /* The workout, or the video being replaced, may have gone meanwhile. */
  if (fc_json_get_int (upload->row, "workout_id", &workout_id) &&
      !row_exists (db, "SELECT 1 FROM workouts WHERE id = ?", workout_id))
    fc_field_errors_add (errors, "workout", INVALID_PK, workout_id);

  if (id != 0) {
    g_autoptr(FcSqlStmt) stmt =
      fc_sql_prepare (db, "SELECT file, thumbnail FROM workout_videos WHERE id = ?");

    fc_sql_bind_int64 (stmt, 1, id);
    if (fc_sql_step_row (stmt)) {
      old_file = g_strdup (fc_sql_column_text (stmt, 0));
      old_thumbnail = g_strdup (fc_sql_column_text (stmt, 1));
    } else {
      id = -1;
    }
  }

  json_object_set_string_member (upload->row, "file", upload->file);
  if (upload->thumbnail != NULL)
    json_object_set_string_member (upload->row, "thumbnail", upload->thumbnail);
  else
    json_object_set_null_member (upload->row, "thumbnail");
  json_object_set_int_member (upload->row, "duration", MAX (1, (gint64) round (upload->duration)));
  json_object_set_int_member (upload->row, "file_size", upload->size);
  json_object_set_string_member (upload->row, "checksum", upload->checksum);
  json_object_set_string_member (upload->row, "updated_at", now);

  if (id == -1 || !fc_field_errors_is_empty (errors)) {
    ok = FALSE;
  } else if (id == 0) {
    /* Without an order_index a new video goes last. */
    if (!json_object_has_member (upload->row, "order_index"))
      json_object_set_int_member (upload->row, "order_index",
                                  query_count (db, "SELECT COALESCE(MAX(order_index) + 1, 0)"
                                                   " FROM workout_videos WHERE workout_id = ?",
                                               workout_id));
    json_object_set_string_member (upload->row, "created_at", now);
    id = fc_workouts_row_insert (db, "workout_videos", upload->row);
    ok = id != 0;
  } else {
    ok = fc_workouts_row_update (db, "workout_videos", id, upload->row);
  }
  if (ok && upload->hook != NULL)
    ok = upload->hook (db, id, upload->hook_data);
  if (viewer.is_staff)
    fc_admin_set_actor (db, 0);

  if (!fc_sql_end (db, ok) || !ok) {
    upload_remove_files (upload);
    if (upload->hook != NULL)
      upload->hook (db, 0, upload->hook_data);
    if (id == -1)
      fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_VIDEO);
    else if (!fc_field_errors_is_empty (errors))
      fc_server_request_respond_errors (request, errors);
    else
      respond_server_error (request);
    return;
  }

  fc_media_remove (upload->protected_dir, old_file);
  fc_media_remove (config->media_dir, old_thumbnail);
  respond_node (request, upload->video_id == 0 ? SOUP_STATUS_CREATED : SOUP_STATUS_OK,
                video_to_json (&viewer, id));
}

/* Checks the uploaded file on a worker thread, then writes @row. */
static void
start_upload (FcServerRequest *request,
              JsonObject      *row,
              GBytes          *data,
              const char      *filename,
              const char      *extension,
              gint64           video_id)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_upload_checked_cb, NULL);
  Upload *upload = g_new0 (Upload, 1);
  g_autofree char *base = g_path_get_basename (filename != NULL ? filename : "video");
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  upload->request = fc_server_request_ref (request);
  upload->row = json_object_ref (row);
  upload->data = g_bytes_ref (data);
  upload->name = g_strconcat (base, extension, NULL);
  upload->protected_dir = fc_workouts_protected_dir (config);
  upload->media_dir = g_strdup (config->media_dir);
  upload->video_id = video_id;

  g_task_set_source_tag (task, start_upload);
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  g_task_run_in_thread (task, upload_thread_cb);
}

/* The "file" part: NULL with an error added when it is missing (and
 * @required) or plainly not a video; else its sniffed extension. */
static const char *
read_video_file (FcServerRequest  *request,
                 gboolean          required,
                 FcFieldErrors    *errors,
                 GBytes          **out_data,
                 const char      **out_filename)
{
  GBytes *data = fc_server_request_get_file (request, "file", out_filename, NULL);
  const char *extension;

  *out_data = data;
  if (data == NULL) {
    if (required || fc_json_has_member (fc_server_request_get_body (request), "file"))
      fc_field_errors_add (errors, "file", "No file was submitted.");
    return NULL;
  }
  if (g_bytes_get_size (data) == 0) {
    fc_field_errors_add (errors, "file", "The submitted file is empty.");
    return NULL;
  }
  extension = fc_workouts_media_sniff (data);
  if (extension == NULL)
    fc_field_errors_add (errors, "file", INVALID_VIDEO);
  return extension;
}

static void
videos_create (FcServerRequest *request)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GError) error = NULL;
  GBytes *data = NULL;
  const char *filename = NULL;
  const char *extension;

  read_video (fc_server_request_get_db (request), fc_server_request_get_body (request), FALSE, 0,
              errors, row);
  extension = read_video_file (request, TRUE, errors, &data, &filename);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (!fc_workouts_media_init (&error)) {
    g_warning ("GStreamer: %s", error->message);
    respond_server_error (request);
    return;
  }
  start_upload (request, row, data, filename, extension, 0);
}

void
fc_workouts_video_from_file (FcServerRequest    *request,
                             JsonObject         *body,
                             const char         *path,
                             const char         *filename,
                             FcWorkoutsFileHook  hook,
                             gpointer            hook_data,
                             GDestroyNotify      hook_destroy)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *base = g_path_get_basename (filename != NULL ? filename : "video");
  char *dot = strrchr (base, '.');
  Upload *upload;

  read_video (fc_server_request_get_db (request), body, FALSE, 0, errors, row);
  /* It goes last, whatever the body says. */
  if (json_object_has_member (row, "order_index"))
    json_object_remove_member (row, "order_index");
  if (!fc_field_errors_is_empty (errors)) {
    if (hook_destroy != NULL)
      hook_destroy (hook_data);
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (!fc_workouts_media_init (&error)) {
    g_warning ("GStreamer: %s", error->message);
    if (hook_destroy != NULL)
      hook_destroy (hook_data);
    respond_server_error (request);
    return;
  }

  if (dot != NULL && dot != base)
    *dot = '\0';
  upload = g_new0 (Upload, 1);
  upload->request = fc_server_request_ref (request);
  upload->row = json_object_ref (row);
  upload->source_path = g_strdup (path);
  upload->name = g_strdup (base);
  upload->protected_dir = fc_workouts_protected_dir (config);
  upload->media_dir = g_strdup (config->media_dir);
  upload->hook = hook;
  upload->hook_data = hook_data;
  upload->hook_destroy = hook_destroy;

  task = g_task_new (NULL, NULL, on_upload_checked_cb, NULL);
  g_task_set_source_tag (task, fc_workouts_video_from_file);
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  g_task_run_in_thread (task, upload_thread_cb);
}

static void
video_update (FcServerRequest *request)
{
  Viewer viewer;
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GError) error = NULL;
  GBytes *data = NULL;
  const char *filename = NULL;
  const char *extension;
  gint64 id;

  viewer_init (&viewer, request);
  id = existing_id (&viewer, "workout_videos", NO_VIDEO);
  if (id == 0)
    return;
  read_video (viewer.db, fc_server_request_get_body (request), is_partial (request), id, errors,
              row);
  extension = read_video_file (request, FALSE, errors, &data, &filename);
  if (data == NULL || !fc_field_errors_is_empty (errors)) {
    save_row (&viewer, "workout_videos", id, row, errors, video_to_json);
    return;
  }

  /* A new file replaces the old one once it has been checked. */
  if (!fc_workouts_media_init (&error)) {
    g_warning ("GStreamer: %s", error->message);
    respond_server_error (request);
    return;
  }
  start_upload (request, row, data, filename, extension, id);
}

static void
video_delete (FcServerRequest *request)
{
  delete_row (request, "workout_videos", NO_VIDEO,
              "SELECT file, thumbnail FROM workout_videos WHERE id = ?");
}

/* The file itself, with Range, ETag and Content-Length from fc_media_serve(),
 * once the caller may watch it. */
static void
video_file (FcServerRequest *request)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autofree char *protected_dir = fc_workouts_protected_dir (config);
  g_autoptr(FcSqlStmt) stmt = NULL;
  Viewer viewer;

  viewer_init (&viewer, request);
  stmt = fc_sql_prepare (viewer.db, VIDEO_SELECT "WHERE v.id = ?");
  fc_sql_bind_int64 (stmt, 1, fc_server_request_get_id (request, "id"));
  if (!fc_sql_step_row (stmt) || video_hidden (&viewer, stmt)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_VIDEO);
    return;
  }

  /* As DRF answers a permission denied to an anonymous caller: 401. */
  if (video_locked (&viewer, stmt)) {
    if (viewer.user_id == 0) {
      fc_server_request_add_header (request, "WWW-Authenticate", "Bearer realm=\"api\"");
      fc_server_request_respond_detail (request, SOUP_STATUS_UNAUTHORIZED,
                                        "Authentication credentials were not provided.");
    } else {
      fc_server_request_respond_detail (request, SOUP_STATUS_FORBIDDEN,
                                        "This video needs an active subscription.");
    }
    return;
  }
  fc_media_serve (request, protected_dir, fc_sql_column_text (stmt, 4));
}

/* ---- Progress ---------------------------------------------------------- */

/* Validates progress fields for @workout_id into @row; completed_at follows
 * the percentage: set (kept if already set) at 100, cleared below. */
static void
read_progress (FcSql       *db,
               JsonObject    *body,
               gint64         workout_id,
               const char    *completed_at,
               FcFieldErrors *errors,
               JsonObject    *row)
{
  double number;
  gboolean is_null;
  gint64 video;

  if (fc_validate_number (body, "progress_percentage", FALSE, FALSE, 0, 100, errors, &number,
                          &is_null)) {
    json_object_set_double_member (row, "progress_percentage", number);
    if (number < 100) {
      json_object_set_null_member (row, "completed_at");
    } else if (completed_at == NULL) {
      g_autofree char *now = fc_time_now_iso8601 ();

      json_object_set_string_member (row, "completed_at", now);
    }
  }
  if (fc_validate_number (body, "position_seconds", FALSE, FALSE, 0, INFINITY, errors, &number,
                          &is_null))
    json_object_set_double_member (row, "position_seconds", number);

  if (fc_json_is_null (body, "last_video")) {
    json_object_set_null_member (row, "last_video_id");
  } else if (read_reference (db, body, "last_video", "workout_videos", FALSE, errors, &video)) {
    g_autoptr(FcSqlStmt) stmt =
      fc_sql_prepare (db, "SELECT 1 FROM workout_videos WHERE id = ? AND workout_id = ?");

    fc_sql_bind_int64 (stmt, 1, video);
    fc_sql_bind_int64 (stmt, 2, workout_id);
    if (workout_id != 0 && !fc_sql_step_row (stmt))
      fc_field_errors_add (errors, "last_video", "This video is not part of the workout.");
    else
      json_object_set_int_member (row, "last_video_id", video);
  }
}

/* The caller's progress row @id (or on @workout_id when @id is 0), with its
 * workout and completion time; 0 when there is none. */
static gint64
find_progress (FcSql  *db,
               gint64    user_id,
               gint64    id,
               gint64    workout_id,
               gint64   *out_workout,
               char    **out_completed_at)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT id, workout_id, completed_at FROM workout_progress"
                              " WHERE user_id = ?1 AND (id = ?2 OR (?2 = 0 AND workout_id = ?3))");

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_int64 (stmt, 2, id);
  fc_sql_bind_int64 (stmt, 3, workout_id);
  if (!fc_sql_step_row (stmt))
    return 0;
  *out_workout = fc_sql_column_int64 (stmt, 1);
  *out_completed_at = g_strdup (fc_sql_column_text (stmt, 2));
  return fc_sql_column_int64 (stmt, 0);
}

/* POST upserts: one progress row per user and workout. */
static void
progress_create (FcServerRequest *request)
{
  Viewer viewer;
  JsonObject *body = fc_server_request_get_body (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *completed_at = NULL;
  gint64 workout_id = 0, existing_workout = 0, id = 0;

  viewer_init (&viewer, request);
  if (read_reference (viewer.db, body, "workout", "workouts", TRUE, errors, &workout_id))
    id = find_progress (viewer.db, viewer.user_id, 0, workout_id, &existing_workout,
                        &completed_at);
  read_progress (viewer.db, body, workout_id, completed_at, errors, row);
  if (id == 0) {
    json_object_set_int_member (row, "user_id", viewer.user_id);
    json_object_set_int_member (row, "workout_id", workout_id);
  }
  /* The first completion of this workout by this user: notify, inside
   * the transaction that saves it. */
  if (completed_at == NULL && fc_field_errors_is_empty (errors) &&
      fc_json_get_string (row, "completed_at") != NULL)
    fc_notifications_workout_completed (fc_server_request_get_server (request), viewer.db,
                                        viewer.user_id, workout_id);
  save_row (&viewer, "workout_progress", id, row, errors, viewer_progress_to_json);
}

static void
progress_get (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autofree char *completed_at = NULL;
  gint64 workout_id = 0;
  gint64 id = find_progress (db, fc_server_request_get_user_id (request),
                             fc_server_request_get_id (request, "id"), 0, &workout_id,
                             &completed_at);

  respond_found (request, id != 0 ? progress_to_json (db, id) : NULL, NO_PROGRESS);
}

static void
progress_update (FcServerRequest *request)
{
  Viewer viewer;
  JsonObject *body = fc_server_request_get_body (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *completed_at = NULL;
  gint64 workout_id = 0, other = 0, id;

  viewer_init (&viewer, request);
  id = find_progress (viewer.db, viewer.user_id, fc_server_request_get_id (request, "id"), 0,
                      &workout_id, &completed_at);
  if (id == 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_PROGRESS);
    return;
  }
  /* A record belongs to one workout for good. */
  if (fc_json_has_member (body, "workout") &&
      (!fc_validate_pk (body, "workout", FALSE, errors, &other) || other != workout_id) &&
      !fc_field_errors_has (errors, "workout"))
    fc_field_errors_add (errors, "workout", "The workout of a progress record cannot change.");
  read_progress (viewer.db, body, workout_id, completed_at, errors, row);
  /* The first completion of this workout by this user: notify, inside
   * the transaction that saves it. */
  if (completed_at == NULL && fc_field_errors_is_empty (errors) &&
      fc_json_get_string (row, "completed_at") != NULL)
    fc_notifications_workout_completed (fc_server_request_get_server (request), viewer.db,
                                        viewer.user_id, workout_id);
  save_row (&viewer, "workout_progress", id, row, errors, viewer_progress_to_json);
}

static void
progress_delete (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "DELETE FROM workout_progress WHERE id = ? AND user_id = ?");

  fc_sql_bind_int64 (stmt, 1, fc_server_request_get_id (request, "id"));
  fc_sql_bind_int64 (stmt, 2, fc_server_request_get_user_id (request));
  if (!fc_sql_step_done (stmt))
    respond_server_error (request);
  else if (fc_sql_changes (db) == 0)
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_PROGRESS);
  else
    fc_server_request_respond_no_content (request);
}

static const Resource workout_resource = {
  "workouts", NO_WORKOUT, workout_to_json, read_workout,
};
static const Resource category_resource = {
  "workout_categories", NO_CATEGORY, viewer_category_to_json, read_category,
};
static const Resource video_resource = {
  "workout_videos", NO_VIDEO, video_to_json, read_video,
};

static void
workouts_create (FcServerRequest *request)
{
  resource_save (request, &workout_resource, FALSE);
}

static void
workout_get (FcServerRequest *request)
{
  resource_get (request, &workout_resource);
}

static void
workout_update (FcServerRequest *request)
{
  resource_save (request, &workout_resource, TRUE);
}

static void
categories_create (FcServerRequest *request)
{
  resource_save (request, &category_resource, FALSE);
}

static void
category_get (FcServerRequest *request)
{
  resource_get (request, &category_resource);
}

static void
category_update (FcServerRequest *request)
{
  resource_save (request, &category_resource, TRUE);
}

static void
video_get (FcServerRequest *request)
{
  resource_get (request, &video_resource);
}

static const FcRoute routes[] = {
  { "GET", API, FC_AUTH_OPTIONAL, root_get },

  { "GET", API "workouts/", FC_AUTH_OPTIONAL, workouts_list },
  { "POST", API "workouts/", FC_AUTH_STAFF, workouts_create },
  { "GET", API "workouts/{id}/", FC_AUTH_OPTIONAL, workout_get },
  { "PUT", API "workouts/{id}/", FC_AUTH_STAFF, workout_update },
  { "PATCH", API "workouts/{id}/", FC_AUTH_STAFF, workout_update },
  { "DELETE", API "workouts/{id}/", FC_AUTH_STAFF, workout_delete },

  { "GET", API "categories/", FC_AUTH_OPTIONAL, categories_list },
  { "POST", API "categories/", FC_AUTH_STAFF, categories_create },
  { "GET", API "categories/{id}/", FC_AUTH_OPTIONAL, category_get },
  { "PUT", API "categories/{id}/", FC_AUTH_STAFF, category_update },
  { "PATCH", API "categories/{id}/", FC_AUTH_STAFF, category_update },
  { "DELETE", API "categories/{id}/", FC_AUTH_STAFF, category_delete },

  { "GET", API "videos/", FC_AUTH_OPTIONAL, videos_list },
  { "POST", API "videos/", FC_AUTH_STAFF, videos_create },
  { "GET", API "videos/{id}/", FC_AUTH_OPTIONAL, video_get },
  { "PUT", API "videos/{id}/", FC_AUTH_STAFF, video_update },
  { "PATCH", API "videos/{id}/", FC_AUTH_STAFF, video_update },
  { "DELETE", API "videos/{id}/", FC_AUTH_STAFF, video_delete },
  { "GET", API "videos/{id}/file/", FC_AUTH_OPTIONAL, video_file },

  { "GET", API "progress/", FC_AUTH_REQUIRED, progress_list },
  { "POST", API "progress/", FC_AUTH_REQUIRED, progress_create },
  { "GET", API "progress/{id}/", FC_AUTH_REQUIRED, progress_get },
  { "PUT", API "progress/{id}/", FC_AUTH_REQUIRED, progress_update },
  { "PATCH", API "progress/{id}/", FC_AUTH_REQUIRED, progress_update },
  { "DELETE", API "progress/{id}/", FC_AUTH_REQUIRED, progress_delete },
};

const FcRoute *
fc_workouts_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
