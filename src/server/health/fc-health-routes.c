/* fc-health-routes.c — /api/v1/health/: points, bulk sync and goals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every route is the caller's own: rows are always selected with the
 * caller's user_id, so another account's point is a 404 exactly like a
 * missing one, for staff too (aggregate statistics for staff may come
 * later, never single points). Metrics are in fc-health-metrics.c.
 */

#define G_LOG_DOMAIN "fc-health"

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "fc-health-private.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "fc-server-private.h"

#define API FC_HEALTH_API
#define NO_POINT "No HealthData matches the given query."
#define UNIQUE_SET "The fields source, client_id must make a unique set."
#define MAX_PAGE_SIZE 1000
#define SINCE_LIMIT_DEFAULT 500
#define SINCE_LIMIT_MAX 1000
/* A deleted point's tombstone is kept this long; an older cursor resets. */
#define TOMBSTONE_KEEP_US (G_GINT64_CONSTANT (30) * 24 * 3600 * G_USEC_PER_SEC)

static void
respond_server_error (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                    "A server error occurred.");
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* The caller's point @id as its wire object, or NULL. */
static JsonNode *
point_to_json (FcSql *db,
               gint64   user_id,
               gint64   id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT " FC_HEALTH_ROW_COLUMNS " FROM health_data"
                              " WHERE id = ? AND user_id = ?");

  fc_sql_bind_int64 (stmt, 1, id);
  fc_sql_bind_int64 (stmt, 2, user_id);
  if (!fc_sql_step_row (stmt))
    return NULL;
  return object_node (fc_health_row_to_object (stmt));
}

static gint64
query_int (FcSql    *db,
           const char *sql,
           gint64      user_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  if (user_id != 0)
    fc_sql_bind_int64 (stmt, 1, user_id);
  if (stmt == NULL || !fc_sql_step_row (stmt))
    return 0;
  return fc_sql_column_int64 (stmt, 0);
}

/* GET data/?since=CURSOR[&limit=N]: what changed since the cursor, in the
 * order it changed, points in their current state and deleted ids. */
static void
data_changes (FcServerRequest *request,
              const char      *since_text)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  gint64 since = fc_health_parse_cursor (since_text);
  gint64 last = query_int (db, "SELECT last FROM health_sequence WHERE id = 1", 0);
  gint64 pruned = query_int (db, "SELECT pruned FROM health_sequence WHERE id = 1", 0);
  const char *limit_text = fc_server_request_get_query (request, "limit");
  gint64 limit = SINCE_LIMIT_DEFAULT;
  g_autoptr(FcSqlStmt) points = NULL;
  g_autoptr(FcSqlStmt) tombstones = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(JsonArray) deleted = json_array_new ();
  JsonObject *answer = json_object_new ();
  gboolean have_point, have_tombstone;
  gint64 cursor, taken = 0;
  g_autofree char *cursor_text = NULL;

  if (limit_text != NULL &&
      g_ascii_string_to_signed (limit_text, 10, 1, G_MAXINT64, &limit, NULL))
    limit = MIN (limit, SINCE_LIMIT_MAX);
  else
    limit = SINCE_LIMIT_DEFAULT;

  /* Unknown, from the future, or older than the kept tombstones: the
   * device cannot know what it missed. It starts again from 0. */
  if (since < 0 || since > last || (since > 0 && since < pruned)) {
    json_object_set_string_member (answer, "cursor", "0");
    json_object_set_boolean_member (answer, "has_more", FALSE);
    json_object_set_boolean_member (answer, "reset", TRUE);
    json_object_set_array_member (answer, "results", json_array_ref (results));
    json_object_set_array_member (answer, "deleted", json_array_ref (deleted));
    fc_server_request_respond_json (request, SOUP_STATUS_OK, object_node (answer));
    return;
  }

  points = fc_sql_prepare (db, "SELECT " FC_HEALTH_ROW_COLUMNS ", seq FROM health_data"
                                     " WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?");
  fc_sql_bind_int64 (points, 1, user_id);
  fc_sql_bind_int64 (points, 2, since);
  fc_sql_bind_int64 (points, 3, limit + 1);
  tombstones = fc_sql_prepare (db, "SELECT seq, data_id FROM health_tombstones"
                                         " WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?");
  fc_sql_bind_int64 (tombstones, 1, user_id);
  fc_sql_bind_int64 (tombstones, 2, since);
  fc_sql_bind_int64 (tombstones, 3, limit + 1);

  /* Two streams ordered by seq, merged. */
  cursor = since;
  have_point = fc_sql_step_row (points);
  have_tombstone = fc_sql_step_row (tombstones);
  while ((have_point || have_tombstone) && taken < limit) {
    gint64 point_seq = have_point ? fc_sql_column_int64 (points, 10) : G_MAXINT64;
    gint64 tombstone_seq = have_tombstone ? fc_sql_column_int64 (tombstones, 0) : G_MAXINT64;

    if (point_seq < tombstone_seq) {
      json_array_add_object_element (results, fc_health_row_to_object (points));
      cursor = point_seq;
      have_point = fc_sql_step_row (points);
    } else {
      json_array_add_int_element (deleted, fc_sql_column_int64 (tombstones, 1));
      cursor = tombstone_seq;
      have_tombstone = fc_sql_step_row (tombstones);
    }
    taken++;
  }

  /* All caught up: the cursor moves past everyone's numbers, so it stays
   * young however rarely this user writes. */
  if (!have_point && !have_tombstone)
    cursor = last;
  cursor_text = fc_health_format_cursor (cursor);
  json_object_set_string_member (answer, "cursor", cursor_text);
  json_object_set_boolean_member (answer, "has_more", have_point || have_tombstone);
  json_object_set_boolean_member (answer, "reset", FALSE);
  json_object_set_array_member (answer, "results", json_array_ref (results));
  json_object_set_array_member (answer, "deleted", json_array_ref (deleted));
  fc_server_request_respond_json (request, SOUP_STATUS_OK, object_node (answer));
}

/* The list's filters into a WHERE clause on @where and @binds (strings or
 * integers as JSON nodes); FALSE after answering 400. */
static gboolean
read_filters (FcServerRequest *request,
              GString         *where,
              JsonArray       *binds)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *type = fc_server_request_get_query (request, "data_type");
  const char *source = fc_server_request_get_query (request, "source");
  const char *tz_name = fc_server_request_get_query (request, "tz");
  g_autoptr(GTimeZone) tz = NULL;
  const char *bounds[] = { "from", "to" };

  g_string_append (where, "user_id = ?");
  json_array_add_int_element (binds, fc_server_request_get_user_id (request));

  if (tz_name != NULL) {
    tz = fc_health_time_zone (tz_name);
    if (tz == NULL)
      fc_field_errors_add (errors, "tz", "\"%s\" is not a known time zone.", tz_name);
  }
  if (tz == NULL)
    tz = g_time_zone_new_utc ();

  if (type != NULL) {
    if (fc_health_type_lookup (type) == NULL) {
      fc_field_errors_add (errors, "data_type",
                           "Select a valid choice. %s is not one of the available choices.",
                           type);
    } else {
      g_string_append (where, " AND data_type = ?");
      json_array_add_string_element (binds, type);
    }
  }
  if (source != NULL) {
    g_string_append (where, " AND source = ?");
    json_array_add_string_element (binds, source);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bounds); i++) {
    const char *text = fc_server_request_get_query (request, bounds[i]);
    gint64 us;

    if (text == NULL)
      continue;
    if (!fc_health_parse_time (text, tz, &us)) {
      fc_field_errors_add (errors, bounds[i], "Enter a valid date or date/time.");
      continue;
    }
    g_string_append (where, i == 0 ? " AND recorded_at >= ?" : " AND recorded_at < ?");
    json_array_add_int_element (binds, us);
  }

  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return FALSE;
  }
  return TRUE;
}

static void
bind_all (FcSqlStmt *stmt,
          JsonArray    *binds)
{
  for (guint i = 0; i < json_array_get_length (binds); i++) {
    JsonNode *node = json_array_get_element (binds, i);

    if (json_node_get_value_type (node) == G_TYPE_STRING)
      fc_sql_bind_text (stmt, i + 1, json_node_get_string (node));
    else
      fc_sql_bind_int64 (stmt, i + 1, json_node_get_int (node));
  }
}

static void
data_list (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  const char *since = fc_server_request_get_query (request, "since");
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(JsonArray) binds = json_array_new ();
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(FcSqlStmt) count_stmt = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *count_sql = NULL;
  g_autofree char *sql = NULL;
  gint64 count, limit, offset;

  if (since != NULL) {
    data_changes (request, since);
    return;
  }
  if (!read_filters (request, where, binds))
    return;

  count_sql = g_strdup_printf ("SELECT count(*) FROM health_data WHERE %s", where->str);
  count_stmt = fc_sql_prepare (db, count_sql);
  bind_all (count_stmt, binds);
  if (count_stmt == NULL || !fc_sql_step_row (count_stmt)) {
    respond_server_error (request);
    return;
  }
  count = fc_sql_column_int64 (count_stmt, 0);

  /* Lists of points are long: a page may hold up to 1000. */
  request->max_page_size = MAX_PAGE_SIZE;
  if (!fc_server_request_paginate (request, count, &limit, &offset))
    return;

  /* Newest first; the id breaks ties, so pages never overlap. */
  sql = g_strdup_printf ("SELECT " FC_HEALTH_ROW_COLUMNS " FROM health_data WHERE %s"
                         " ORDER BY recorded_at DESC, id DESC LIMIT ? OFFSET ?", where->str);
  stmt = fc_sql_prepare (db, sql);
  bind_all (stmt, binds);
  fc_sql_bind_int64 (stmt, json_array_get_length (binds) + 1, limit);
  fc_sql_bind_int64 (stmt, json_array_get_length (binds) + 2, offset);
  while (fc_sql_step_row (stmt))
    json_array_add_object_element (results, fc_health_row_to_object (stmt));
  fc_server_request_respond_page (request, count, results);
}

/* Whether the caller already has a point from @source with @client_id
 * other than @except_id. */
static gboolean
client_id_taken (FcSql    *db,
                 gint64      user_id,
                 const char *source,
                 const char *client_id,
                 gint64      except_id)
{
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (client_id == NULL)
    return FALSE;
  stmt = fc_sql_prepare (db, "SELECT 1 FROM health_data WHERE user_id = ? AND source = ?"
                                   " AND client_id = ? AND id <> ?");
  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, source);
  fc_sql_bind_text (stmt, 3, client_id);
  fc_sql_bind_int64 (stmt, 4, except_id);
  return fc_sql_step_row (stmt);
}

#define INSERT_POINT \
  "INSERT INTO health_data (user_id, data_type, value, unit, recorded_at, stage, source," \
  " client_id, seq, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)"

static void
bind_point (FcSqlStmt        *stmt,
            gint64               user_id,
            const FcHealthPoint *point,
            gint64               seq,
            gint64               now_us)
{
  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, point->type->name);
  fc_sql_bind_double (stmt, 3, point->value);
  fc_sql_bind_text (stmt, 4, point->type->unit);
  fc_sql_bind_int64 (stmt, 5, point->recorded_at);
  if (point->stage != NULL)
    fc_sql_bind_text (stmt, 6, point->stage);
  else
    fc_sql_bind_null (stmt, 6);
  fc_sql_bind_text (stmt, 7, point->source);
  if (point->client_id != NULL)
    fc_sql_bind_text (stmt, 8, point->client_id);
  else
    fc_sql_bind_null (stmt, 8);
  fc_sql_bind_int64 (stmt, 9, seq);
  fc_sql_bind_int64 (stmt, 10, now_us);
}

static void
data_create (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  JsonObject *body = fc_server_request_get_body (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcSqlStmt) stmt = NULL;
  FcHealthPoint point = { 0 };
  gint64 now = g_get_real_time ();
  gint64 seq, id;

  if (!fc_health_point_read (body, FALSE, FALSE, now, errors, &point)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (client_id_taken (db, user_id, point.source, point.client_id, 0)) {
    fc_field_errors_add (errors, "non_field_errors", UNIQUE_SET);
    fc_server_request_respond_errors (request, errors);
    return;
  }

  seq = fc_health_seq_reserve (db, 1);
  stmt = fc_sql_prepare (db, INSERT_POINT);
  bind_point (stmt, user_id, &point, seq, now);
  if (seq == 0 || !fc_sql_step_done (stmt)) {
    respond_server_error (request);
    return;
  }
  id = fc_sql_last_insert_id (db);
  fc_server_request_respond_json (request, SOUP_STATUS_CREATED, point_to_json (db, user_id, id));
}

static void
data_get (FcServerRequest *request)
{
  JsonNode *node = point_to_json (fc_server_request_get_db (request),
                                  fc_server_request_get_user_id (request),
                                  fc_server_request_get_id (request, "id"));

  if (node == NULL)
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_POINT);
  else
    fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

static void
data_update (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  gint64 id = fc_server_request_get_id (request, "id");
  gboolean partial = g_str_equal (fc_server_request_get_method (request), "PATCH");
  JsonObject *body = fc_server_request_get_body (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcSqlStmt) row = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *source = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *stage = NULL;
  FcHealthPoint point = { 0 };
  gint64 now = g_get_real_time ();
  gint64 seq;

  row = fc_sql_prepare (db, "SELECT data_type, value, recorded_at, stage, source, client_id"
                                  " FROM health_data WHERE id = ? AND user_id = ?");
  fc_sql_bind_int64 (row, 1, id);
  fc_sql_bind_int64 (row, 2, user_id);
  if (!fc_sql_step_row (row)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_POINT);
    return;
  }
  point.type = fc_health_type_lookup (fc_sql_column_text (row, 0));
  point.value = fc_sql_column_double (row, 1);
  point.recorded_at = fc_sql_column_int64 (row, 2);
  stage = g_strdup (fc_sql_column_text (row, 3));
  source = g_strdup (fc_sql_column_text (row, 4));
  client_id = g_strdup (fc_sql_column_text (row, 5));
  point.stage = stage;
  point.source = source;
  point.client_id = client_id;
  g_return_if_fail (point.type != NULL);

  if (!fc_health_point_read (body, partial, FALSE, now, errors, &point)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (client_id_taken (db, user_id, point.source, point.client_id, id)) {
    fc_field_errors_add (errors, "non_field_errors", UNIQUE_SET);
    fc_server_request_respond_errors (request, errors);
    return;
  }

  seq = fc_health_seq_reserve (db, 1);
  stmt = fc_sql_prepare (db, "UPDATE health_data SET data_type = ?2, value = ?3, unit = ?4,"
                                   " recorded_at = ?5, stage = ?6, source = ?7, client_id = ?8,"
                                   " seq = ?9, updated_at = ?10 WHERE id = ?11 AND user_id = ?1");
  bind_point (stmt, user_id, &point, seq, now);
  fc_sql_bind_int64 (stmt, 11, id);
  if (seq == 0 || !fc_sql_step_done (stmt)) {
    respond_server_error (request);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK, point_to_json (db, user_id, id));
}

/* Tombstones older than TOMBSTONE_KEEP_US go; the sequence remembers up to
 * where, so an older cursor answers reset instead of missing deletions. */
static gboolean
prune_tombstones (FcSql *db,
                  gint64   now_us)
{
  g_autoptr(FcSqlStmt) mark = NULL;
  g_autoptr(FcSqlStmt) prune = NULL;

  /* Not SQLite's two-argument max(), which PostgreSQL calls greatest() */
  mark = fc_sql_prepare (db, "UPDATE health_sequence SET pruned = COALESCE ((SELECT max (seq)"
                             " FROM health_tombstones WHERE deleted_at < ?1 AND seq > pruned), pruned)"
                             " WHERE id = 1");
  fc_sql_bind_int64 (mark, 1, now_us - TOMBSTONE_KEEP_US);
  prune = fc_sql_prepare (db, "DELETE FROM health_tombstones WHERE deleted_at < ?");
  fc_sql_bind_int64 (prune, 1, now_us - TOMBSTONE_KEEP_US);
  return fc_sql_step_done (mark) && fc_sql_step_done (prune);
}

static void
data_delete (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  gint64 id = fc_server_request_get_id (request, "id");
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(FcSqlStmt) tombstone = NULL;
  gint64 now = g_get_real_time ();
  gint64 seq;

  stmt = fc_sql_prepare (db, "DELETE FROM health_data WHERE id = ? AND user_id = ?");
  fc_sql_bind_int64 (stmt, 1, id);
  fc_sql_bind_int64 (stmt, 2, user_id);
  if (!fc_sql_step_done (stmt)) {
    respond_server_error (request);
    return;
  }
  if (fc_sql_changes (db) == 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_POINT);
    return;
  }

  seq = fc_health_seq_reserve (db, 1);
  tombstone = fc_sql_prepare (db, "INSERT INTO health_tombstones (seq, user_id, data_id,"
                                        " deleted_at) VALUES (?, ?, ?, ?)");
  fc_sql_bind_int64 (tombstone, 1, seq);
  fc_sql_bind_int64 (tombstone, 2, user_id);
  fc_sql_bind_int64 (tombstone, 3, id);
  fc_sql_bind_int64 (tombstone, 4, now);
  if (seq == 0 || !fc_sql_step_done (tombstone) || !prune_tombstones (db, now)) {
    respond_server_error (request);
    return;
  }
  fc_server_request_respond_no_content (request);
}

/* POST sync/ {"points": [...], "since"?: CURSOR}. */

typedef struct {
  FcSqlStmt *insert;
  FcSqlStmt *existing;
  FcSqlStmt *update;
  gint64        user_id;
  gint64        now;
  gint64        seq;        /* the next free number of this request's range */
  gint64        created, updated, unchanged;
} SyncContext;

typedef enum {
  SYNC_CREATED,
  SYNC_UPDATED,
  SYNC_UNCHANGED,
  SYNC_FAILED,
} SyncResult;

static SyncResult
sync_point (SyncContext         *ctx,
            const FcHealthPoint *point,
            gint64              *out_id)
{
  const char *stored_stage;
  gint64 id;

  fc_sql_reset (ctx->insert);
  bind_point (ctx->insert, ctx->user_id, point, ctx->seq, ctx->now);
  if (!fc_sql_step_done (ctx->insert))
    return SYNC_FAILED;
  if (fc_sql_changes (fc_sql_stmt_get_db (ctx->insert)) == 1) {
    *out_id = fc_sql_last_insert_id (fc_sql_stmt_get_db (ctx->insert));
    ctx->seq++;
    return SYNC_CREATED;
  }

  /* Already there: the same point again, or the source corrected it. */
  fc_sql_reset (ctx->existing);
  fc_sql_bind_int64 (ctx->existing, 1, ctx->user_id);
  fc_sql_bind_text (ctx->existing, 2, point->source);
  fc_sql_bind_text (ctx->existing, 3, point->client_id);
  if (!fc_sql_step_row (ctx->existing))
    return SYNC_FAILED;
  id = fc_sql_column_int64 (ctx->existing, 0);
  *out_id = id;
  stored_stage = fc_sql_column_text (ctx->existing, 4);
  if (g_str_equal (fc_sql_column_text (ctx->existing, 1), point->type->name) &&
      fc_sql_column_double (ctx->existing, 2) == point->value &&
      fc_sql_column_int64 (ctx->existing, 3) == point->recorded_at &&
      g_strcmp0 (stored_stage, point->stage) == 0)
    return SYNC_UNCHANGED;

  fc_sql_reset (ctx->update);
  bind_point (ctx->update, ctx->user_id, point, ctx->seq, ctx->now);
  fc_sql_bind_int64 (ctx->update, 11, id);
  if (!fc_sql_step_done (ctx->update))
    return SYNC_FAILED;
  ctx->seq++;
  return SYNC_UPDATED;
}

typedef struct {
  GBytes    *body;
  gint64     user_id;
  /* from sync_prepare() */
  JsonNode  *root;
  JsonArray *points;      /* in root */
  gint64     since;       /* -1: not given */
} SyncJob;

static void
sync_job_free (gpointer data)
{
  SyncJob *job = data;

  g_bytes_unref (job->body);
  g_clear_pointer (&job->root, json_node_unref);
  g_free (job);
}

static JsonNode *
detail_node (const char *detail)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "detail", detail);
  return object_node (object);
}

/* The body's points and cursor, as the framework would have parsed and
 * answered it; NULL with *@status and *@error_node set otherwise. */
static JsonArray *
sync_read_body (GBytes    *bytes,
                JsonNode **out_root,
                gint64    *out_since,
                guint     *status,
                JsonNode **error_node)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonArray) wrapper = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  const char *since_text = NULL;
  JsonObject *body;
  JsonArray *points;

  *status = SOUP_STATUS_BAD_REQUEST;
  if (size == 0) {
    root = json_node_new (JSON_NODE_OBJECT);
    json_node_take_object (root, json_object_new ());
  } else if ((root = fc_json_parse (data, size, &error)) == NULL) {
    *error_node = detail_node (error->message);
    return NULL;
  }
  /* The framework's answer to a body that is no object, from the same
   * check it makes on list items. */
  wrapper = json_array_new ();
  json_array_add_element (wrapper, json_node_ref (root));
  if (fc_validate_list_item (wrapper, 0, errors) == NULL) {
    *error_node = fc_field_errors_to_node (errors);
    return NULL;
  }
  body = json_node_get_object (root);

  points = fc_validate_list (body, "points", TRUE, errors);
  if (fc_json_has_member (body, "since") &&
      (!fc_validate_string (body, "since", FALSE, FALSE, 64, errors, &since_text) ||
       (*out_since = fc_health_parse_cursor (since_text)) < 0))
    fc_field_errors_add (errors, "since", "Not a cursor of GET data/?since=.");
  if (points != NULL && json_array_get_length (points) > FC_HEALTH_SYNC_MAX_POINTS)
    fc_field_errors_add (errors, "points", "Ensure this field has no more than %d elements.",
                         FC_HEALTH_SYNC_MAX_POINTS);
  if (!fc_field_errors_is_empty (errors)) {
    *error_node = fc_field_errors_to_node (errors);
    return NULL;
  }
  *status = SOUP_STATUS_OK;
  *out_root = g_steal_pointer (&root);
  return points;
}

/* On a worker, before the transaction: the body. */
static JsonNode *
sync_prepare (gpointer  data,
              guint    *status)
{
  SyncJob *job = data;
  JsonNode *error_node = NULL;

  job->since = -1;
  job->points = sync_read_body (job->body, &job->root, &job->since, status, &error_node);
  return job->points == NULL ? error_node : NULL;
}

/* On a worker, in the worker connection's write transaction. */
static JsonNode *
sync_work (FcSql  *db,
           gpointer  data,
           guint    *status)
{
  SyncJob *job = data;
  g_autoptr(JsonArray) refusals = json_array_new ();
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autoptr(FcSqlStmt) insert = NULL;
  g_autoptr(FcSqlStmt) existing = NULL;
  g_autoptr(FcSqlStmt) update = NULL;
  SyncContext ctx = { 0 };
  JsonObject *answer;
  JsonArray *points = job->points;
  gint64 since = job->since;
  gint64 first, others = 1;
  guint n = json_array_get_length (points);

  ctx.user_id = job->user_id;
  ctx.now = g_get_real_time ();

  /* Did anything of this user change between the device's cursor and this
   * request? If not, the device may move its cursor past this request's
   * own writes instead of pulling back what it just sent. */
  if (since >= 0) {
    g_autoptr(FcSqlStmt) check =
      fc_sql_prepare (db, "SELECT (SELECT count(*) FROM health_data"
                                "        WHERE user_id = ?1 AND seq > ?2)"
                                "     + (SELECT count(*) FROM health_tombstones"
                                "        WHERE user_id = ?1 AND seq > ?2)");

    fc_sql_bind_int64 (check, 1, ctx.user_id);
    fc_sql_bind_int64 (check, 2, since);
    others = fc_sql_step_row (check) ? fc_sql_column_int64 (check, 0) : 1;
    if (since > query_int (db, "SELECT last FROM health_sequence WHERE id = 1", 0))
      others = 1;
  }

  /* One number per point that may be written; those left unused are a
   * gap, which cursors do not mind. */
  first = ctx.seq = fc_health_seq_reserve (db, MAX (n, 1));
  insert = fc_sql_prepare (db, INSERT_POINT " ON CONFLICT (user_id, source, client_id)"
                                     " DO NOTHING");
  existing = fc_sql_prepare (db, "SELECT id, data_type, value, recorded_at, stage"
                                       " FROM health_data WHERE user_id = ? AND source = ?"
                                       " AND client_id = ?");
  update = fc_sql_prepare (db, "UPDATE health_data SET data_type = ?2, value = ?3,"
                                     " unit = ?4, recorded_at = ?5, stage = ?6, seq = ?9,"
                                     " updated_at = ?10 WHERE id = ?11 AND user_id = ?1"
                                     " AND source = ?7 AND client_id = ?8");
  if (first == 0 || insert == NULL || existing == NULL || update == NULL)
    return NULL;
  ctx.insert = insert;
  ctx.existing = existing;
  ctx.update = update;

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcFieldErrors) item_errors = fc_field_errors_new ();
    JsonObject *item = fc_validate_list_item (points, i, item_errors);
    FcHealthPoint point = { 0 };
    gint64 id = 0;

    if (item != NULL && fc_health_point_read (item, FALSE, TRUE, ctx.now, item_errors, &point)) {
      switch (sync_point (&ctx, &point, &id)) {
        case SYNC_CREATED: ctx.created++; break;
        case SYNC_UPDATED: ctx.updated++; break;
        case SYNC_UNCHANGED: ctx.unchanged++; break;
        case SYNC_FAILED:
        default:
          return NULL;
      }
      json_array_add_int_element (ids, id);
    } else {
      JsonObject *refusal = json_object_new ();

      json_object_set_int_member (refusal, "index", i);
      json_object_set_member (refusal, "errors", fc_field_errors_to_node (item_errors));
      json_array_add_object_element (refusals, refusal);
      json_array_add_null_element (ids);
    }
  }

  answer = json_object_new ();
  json_object_set_int_member (answer, "created", ctx.created);
  json_object_set_int_member (answer, "updated", ctx.updated);
  json_object_set_int_member (answer, "unchanged", ctx.unchanged);
  json_object_set_int_member (answer, "refused", json_array_get_length (refusals));
  json_object_set_array_member (answer, "refusals", json_array_ref (refusals));
  json_object_set_array_member (answer, "ids", json_array_ref (ids));
  if (since >= 0 && others == 0) {
    g_autofree char *cursor = fc_health_format_cursor (first + MAX (n, 1) - 1);

    json_object_set_string_member (answer, "cursor", cursor);
  } else {
    json_object_set_null_member (answer, "cursor");
  }
  *status = SOUP_STATUS_OK;
  return object_node (answer);
}

/* POST sync/ {"points": [...], "since"?: CURSOR}: the framework leaves
 * the body unparsed (fc_server_set_body_limit() in fc-server.c), so that
 * parsing a few MiB of JSON happens on the worker too. */
static void
sync_post (FcServerRequest *request)
{
  const char *type = fc_server_request_get_header (request, "Content-Type");
  g_autoptr(GBytes) body = fc_server_request_dup_raw_body (request);
  gsize limit = fc_server_get_body_limit (fc_server_request_get_server (request),
                                          fc_server_request_get_path (request));
  g_autofree char *media_type = NULL;
  SyncJob *job;

  if (type != NULL) {
    media_type = g_strstrip (g_strdup (type));
    if (strchr (media_type, ';') != NULL)
      *strchr (media_type, ';') = '\0';
    g_strstrip (media_type);
  }
  if (media_type != NULL && g_ascii_strcasecmp (media_type, "application/json") != 0) {
    g_autofree char *detail = g_strdup_printf ("Unsupported media type \"%s\" in request.",
                                               media_type);

    fc_server_request_respond_detail (request, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, detail);
    return;
  }
  /* A body sent without a Content-Length arrives whole: check again. */
  if (g_bytes_get_size (body) > limit) {
    fc_server_request_respond_detail (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                      "Request body too large.");
    return;
  }

  job = g_new0 (SyncJob, 1);
  job->body = g_steal_pointer (&body);
  job->user_id = fc_server_request_get_user_id (request);
  fc_health_respond_off_loop (request, TRUE, sync_prepare, sync_work, job, sync_job_free);
}

/* goals/: one row per user, every goal optional. */

static JsonNode *
goals_to_json (FcSql *db,
               gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT daily_steps, target_weight, sleep_minutes, updated_at"
                              " FROM health_goals WHERE user_id = ?");
  JsonObject *object = json_object_new ();
  gboolean found;

  fc_sql_bind_int64 (stmt, 1, user_id);
  found = fc_sql_step_row (stmt);
  if (found && !fc_sql_column_is_null (stmt, 0))
    json_object_set_int_member (object, "daily_steps", fc_sql_column_int64 (stmt, 0));
  else
    json_object_set_null_member (object, "daily_steps");
  if (found && !fc_sql_column_is_null (stmt, 1))
    json_object_set_double_member (object, "target_weight", fc_sql_column_double (stmt, 1));
  else
    json_object_set_null_member (object, "target_weight");
  if (found && !fc_sql_column_is_null (stmt, 2))
    json_object_set_int_member (object, "sleep_minutes", fc_sql_column_int64 (stmt, 2));
  else
    json_object_set_null_member (object, "sleep_minutes");
  if (found) {
    g_autofree char *updated_at = fc_health_format_time (fc_sql_column_int64 (stmt, 3));

    json_object_set_string_member (object, "updated_at", updated_at);
  } else {
    json_object_set_null_member (object, "updated_at");
  }
  return object_node (object);
}

static void
goals_get (FcServerRequest *request)
{
  fc_server_request_respond_json (request, SOUP_STATUS_OK,
                                  goals_to_json (fc_server_request_get_db (request),
                                                 fc_server_request_get_user_id (request)));
}

static void
goals_update (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  JsonObject *body = fc_server_request_get_body (request);
  gboolean partial = g_str_equal (fc_server_request_get_method (request), "PATCH");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcSqlStmt) ensure = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;
  gint64 steps = 0, sleep_minutes = 0;
  double weight = 0;
  gboolean steps_null = FALSE, weight_null = FALSE, sleep_null = FALSE;
  gboolean has_steps = !partial || fc_json_has_member (body, "daily_steps");
  gboolean has_weight = !partial || fc_json_has_member (body, "target_weight");
  gboolean has_sleep = !partial || fc_json_has_member (body, "sleep_minutes");

  /* PUT replaces the three; an absent one is cleared, as null. */
  if (has_steps && fc_json_has_member (body, "daily_steps"))
    fc_validate_integer (body, "daily_steps", FALSE, TRUE, 1, 200000, errors, &steps, &steps_null);
  else
    steps_null = TRUE;
  if (has_weight && fc_json_has_member (body, "target_weight"))
    fc_validate_number (body, "target_weight", FALSE, TRUE, 1, 650, errors, &weight, &weight_null);
  else
    weight_null = TRUE;
  if (has_sleep && fc_json_has_member (body, "sleep_minutes"))
    fc_validate_integer (body, "sleep_minutes", FALSE, TRUE, 1, 1440, errors, &sleep_minutes,
                         &sleep_null);
  else
    sleep_null = TRUE;
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  ensure = fc_sql_prepare (db, "INSERT INTO health_goals (user_id, updated_at)"
                                     " VALUES (?, ?) ON CONFLICT DO NOTHING");
  fc_sql_bind_int64 (ensure, 1, user_id);
  fc_sql_bind_int64 (ensure, 2, g_get_real_time ());
  stmt = fc_sql_prepare (db, "UPDATE health_goals SET"
                                   " daily_steps = CASE WHEN ?2 <> 0 THEN ?3 ELSE daily_steps END,"
                                   " target_weight = CASE WHEN ?4 <> 0 THEN ?5 ELSE target_weight END,"
                                   " sleep_minutes = CASE WHEN ?6 <> 0 THEN ?7 ELSE sleep_minutes END,"
                                   " updated_at = ?8 WHERE user_id = ?1");
  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_int64 (stmt, 2, has_steps);
  if (steps_null)
    fc_sql_bind_null (stmt, 3);
  else
    fc_sql_bind_int64 (stmt, 3, steps);
  fc_sql_bind_int64 (stmt, 4, has_weight);
  if (weight_null)
    fc_sql_bind_null (stmt, 5);
  else
    fc_sql_bind_double (stmt, 5, weight);
  fc_sql_bind_int64 (stmt, 6, has_sleep);
  if (sleep_null)
    fc_sql_bind_null (stmt, 7);
  else
    fc_sql_bind_int64 (stmt, 7, sleep_minutes);
  fc_sql_bind_int64 (stmt, 8, g_get_real_time ());
  if (!fc_sql_step_done (ensure) || !fc_sql_step_done (stmt)) {
    respond_server_error (request);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK, goals_to_json (db, user_id));
}

/* GET types/: what the server takes, so a client can offer the units and
 * check ranges before it sends. */
static void
types_get (FcServerRequest *request)
{
  const FcHealthType *types = fc_health_types ();
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; types[i].name != NULL; i++) {
    JsonObject *object = json_object_new ();

    json_object_set_string_member (object, "data_type", types[i].name);
    json_object_set_string_member (object, "unit", types[i].unit);
    json_object_set_double_member (object, "min", types[i].min);
    json_object_set_double_member (object, "max", types[i].max);
    json_object_set_string_member (object, "aggregate", types[i].summable ? "sum" : "level");
    json_array_add_object_element (array, object);
  }
  json_node_take_array (node, array);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

static const FcRoute routes[] = {
  { "GET", API "data/", FC_AUTH_REQUIRED, data_list },
  { "POST", API "data/", FC_AUTH_REQUIRED, data_create },
  { "GET", API "data/{id}/", FC_AUTH_REQUIRED, data_get },
  { "PUT", API "data/{id}/", FC_AUTH_REQUIRED, data_update },
  { "PATCH", API "data/{id}/", FC_AUTH_REQUIRED, data_update },
  { "DELETE", API "data/{id}/", FC_AUTH_REQUIRED, data_delete },
  { "POST", API "sync/", FC_AUTH_REQUIRED, sync_post },
  { "GET", API "metrics/", FC_AUTH_REQUIRED, fc_health_metrics_get },
  { "GET", API "goals/", FC_AUTH_REQUIRED, goals_get },
  { "PUT", API "goals/", FC_AUTH_REQUIRED, goals_update },
  { "PATCH", API "goals/", FC_AUTH_REQUIRED, goals_update },
  { "GET", API "types/", FC_AUTH_REQUIRED, types_get },
};

const FcRoute *
fc_health_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
