/* fc-notifications-routes.c — /api/v1/notifications/: the caller's inbox and the staff broadcast
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every query is scoped to the caller: another user's notification is
 * answered exactly as one that does not exist (404), so ids leak nothing.
 * The framework runs each write inside BEGIN IMMEDIATE and commits after
 * the handler returns; the handlers wake the streams, which read the
 * committed events from an idle callback.
 */

#define G_LOG_DOMAIN "fc-notifications"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-health-private.h"
#include "fc-json.h"
#include "fc-notifications.h"
#include "fc-payments.h"
#include "fc-sql.h"
#include "fc-time.h"
#include "fc-validate.h"

#define API "/api/v1/notifications/"
#define NOT_FOUND "No Notification matches the given query."
#define SERVER_ERROR "A server error occurred."
/* A notification is read in a list and a desktop banner: short. */
#define TITLE_MAX 200
#define MESSAGE_MAX 2000

static const char * const types[] = {
  "SYSTEM", "WORKOUT_REMINDER", "MEAL_PLAN_UPDATE", "PAYMENT", "ACHIEVEMENT", NULL
};

#define COLUMNS "id, type, title, message, is_read, created_at"

static JsonObject *
row_to_object (FcSqlStmt *stmt)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  json_object_set_string_member (object, "type", fc_sql_column_text (stmt, 1));
  json_object_set_string_member (object, "title", fc_sql_column_text (stmt, 2));
  json_object_set_string_member (object, "message", fc_sql_column_text (stmt, 3));
  json_object_set_boolean_member (object, "is_read", fc_sql_column_int (stmt, 4) != 0);
  json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 5));
  return object;
}

/* The caller's notification @id, or NULL. */
static JsonNode *
find_own (FcServerRequest *request,
          gint64           id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (fc_server_request_get_db (request),
                          "SELECT " COLUMNS " FROM notifications WHERE id = ? AND user_id = ?");
  JsonNode *node;

  fc_sql_bind_int64 (stmt, 1, id);
  fc_sql_bind_int64 (stmt, 2, fc_server_request_get_user_id (request));
  if (!fc_sql_step_row (stmt))
    return NULL;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, row_to_object (stmt));
  return node;
}

static gint64
unread_count (FcSql *db,
              gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT count(*) FROM notifications WHERE user_id = ? AND is_read = 0");

  fc_sql_bind_int64 (stmt, 1, user_id);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

gint64
fc_notifications_now (FcServer *server)
{
  return fc_payments_now (server);
}

char *
fc_notifications_today (FcServer *server)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (fc_notifications_now (server));

  return g_date_time_format (now, "%Y-%m-%d");
}

gboolean
fc_notifications_add (FcServer   *server,
                      FcSql    *db,
                      gint64      user_id,
                      const char *type,
                      const char *title,
                      const char *message)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();

  g_return_val_if_fail (g_strv_contains (types, type), FALSE);

  stmt = fc_sql_prepare (db, "INSERT INTO notifications (user_id, type, title, message,"
                                   " created_at) VALUES (?, ?, ?, ?, ?)");
  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, type);
  fc_sql_bind_text (stmt, 3, title);
  fc_sql_bind_text (stmt, 4, message);
  fc_sql_bind_text (stmt, 5, now);
  if (!fc_sql_step_done (stmt)) {
    g_warning ("Could not add a notification for user %" G_GINT64_FORMAT ": %s", user_id,
               fc_sql_errmsg (db));
    return FALSE;
  }
  fc_notifications_wake (server);
  return TRUE;
}

static void
list_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  const char *is_read_text = fc_server_request_get_query (request, "is_read");
  const char *type = fc_server_request_get_query (request, "type");
  g_autoptr(FcSqlStmt) count_stmt = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  int is_read = -1;
  gint64 count, limit, offset;

  if (is_read_text != NULL) {
    /* django-filter's BooleanFilter: these spellings, anything else a 400. */
    if (g_str_equal (is_read_text, "true") || g_str_equal (is_read_text, "True") ||
        g_str_equal (is_read_text, "1"))
      is_read = 1;
    else if (g_str_equal (is_read_text, "false") || g_str_equal (is_read_text, "False") ||
             g_str_equal (is_read_text, "0"))
      is_read = 0;
    else if (*is_read_text != '\0') {
      g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

      fc_field_errors_add (errors, "is_read", "Enter a valid boolean.");
      fc_server_request_respond_errors (request, errors);
      return;
    }
  }
  if (type != NULL && *type != '\0' && !g_strv_contains (types, type)) {
    g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

    fc_field_errors_add (errors, "type",
                         "Select a valid choice. That choice is not one of the available choices.");
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (type != NULL && *type == '\0')
    type = NULL;

/* A NULL ?3 has no type PostgreSQL could infer: the CAST gives it one. */
#define WHERE " WHERE user_id = ?1 AND (?2 < 0 OR is_read = ?2)" \
              " AND (CAST(?3 AS TEXT) IS NULL OR type = ?3)"
  count_stmt = fc_sql_prepare (db, "SELECT count(*) FROM notifications" WHERE);
  fc_sql_bind_int64 (count_stmt, 1, user_id);
  fc_sql_bind_int64 (count_stmt, 2, is_read);
  fc_sql_bind_text (count_stmt, 3, type);
  if (!fc_sql_step_row (count_stmt)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR, SERVER_ERROR);
    return;
  }
  count = fc_sql_column_int64 (count_stmt, 0);
  if (!fc_server_request_paginate (request, count, &limit, &offset))
    return;

  stmt = fc_sql_prepare (db, "SELECT " COLUMNS " FROM notifications" WHERE
                                   " ORDER BY id DESC LIMIT ?4 OFFSET ?5");
#undef WHERE
  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_int64 (stmt, 2, is_read);
  fc_sql_bind_text (stmt, 3, type);
  fc_sql_bind_int64 (stmt, 4, limit);
  fc_sql_bind_int64 (stmt, 5, offset);
  while (fc_sql_step_row (stmt))
    json_array_add_object_element (results, row_to_object (stmt));
  fc_server_request_respond_page (request, count, results);
}

static void
get_cb (FcServerRequest *request)
{
  JsonNode *node = find_own (request, fc_server_request_get_id (request, "id"));

  if (node == NULL)
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
  else
    fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

/* PATCH and PUT: only is_read is writable; the rest is the server's. */
static void
update_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  JsonObject *body = fc_server_request_get_body (request);
  gint64 id = fc_server_request_get_id (request, "id");
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonNode) existing = find_own (request, id);
  gboolean partial = g_str_equal (fc_server_request_get_method (request), "PATCH");
  gboolean is_read = FALSE;

  if (existing == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
    return;
  }
  if (fc_validate_boolean (body, "is_read", !partial, errors, &is_read)) {
    g_autoptr(FcSqlStmt) stmt =
      fc_sql_prepare (db, "UPDATE notifications SET is_read = ? WHERE id = ? AND user_id = ?");

    fc_sql_bind_int64 (stmt, 1, is_read ? 1 : 0);
    fc_sql_bind_int64 (stmt, 2, id);
    fc_sql_bind_int64 (stmt, 3, fc_server_request_get_user_id (request));
    if (!fc_sql_step_done (stmt)) {
      fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR, SERVER_ERROR);
      return;
    }
    fc_notifications_wake (fc_server_request_get_server (request));
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK, find_own (request, id));
}

static void
delete_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "DELETE FROM notifications WHERE id = ? AND user_id = ?");

  fc_sql_bind_int64 (stmt, 1, fc_server_request_get_id (request, "id"));
  fc_sql_bind_int64 (stmt, 2, fc_server_request_get_user_id (request));
  if (!fc_sql_step_done (stmt)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR, SERVER_ERROR);
    return;
  }
  if (fc_sql_changes (db) == 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
    return;
  }
  fc_notifications_wake (fc_server_request_get_server (request));
  fc_server_request_respond_no_content (request);
}

static void
mark_all_read_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "UPDATE notifications SET is_read = 1 WHERE user_id = ? AND is_read = 0");
  JsonObject *object;
  JsonNode *node;

  fc_sql_bind_int64 (stmt, 1, fc_server_request_get_user_id (request));
  if (!fc_sql_step_done (stmt)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR, SERVER_ERROR);
    return;
  }
  object = json_object_new ();
  json_object_set_int_member (object, "updated", fc_sql_changes (db));
  json_object_set_int_member (object, "unread_count", 0);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  fc_notifications_wake (fc_server_request_get_server (request));
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

static void
unread_count_cb (FcServerRequest *request)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (object, "unread_count",
                              unread_count (fc_server_request_get_db (request),
                                            fc_server_request_get_user_id (request)));
  json_node_take_object (node, object);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

typedef struct {
  FcServer *server;   /* borrowed: the server outlives its requests */
  gint64    user_id;
  char     *type;
  char     *title;
  char     *message;
  char     *now;
} Broadcast;

/* On a worker with its own connection, inside one BEGIN IMMEDIATE
 * transaction: a single INSERT ... SELECT to every active account (its
 * triggers write the stream's events). A hundred thousand accounts take
 * the better part of a second; on the main loop, every other client would
 * wait that long. */
static JsonNode *
broadcast_work (FcSql  *db,
                gpointer  data,
                guint    *status)
{
  Broadcast *broadcast = data;
  FcSqlStmt *stmt = NULL;
  gint64 started = g_get_monotonic_time ();
  JsonObject *object;
  JsonNode *node;
  int recipients;

  stmt = fc_sql_prepare (db, "INSERT INTO notifications (user_id, type, title, message,"
                             " created_at) SELECT id, ?, ?, ?, ? FROM users"
                             " WHERE is_active = 1 ORDER BY id");
  if (stmt == NULL)
    return NULL;
  fc_sql_bind_text (stmt, 1, broadcast->type);
  fc_sql_bind_text (stmt, 2, broadcast->title);
  fc_sql_bind_text (stmt, 3, broadcast->message);
  fc_sql_bind_text (stmt, 4, broadcast->now);
  if (fc_sql_step (stmt) != FC_SQL_DONE) {
    g_warning ("Broadcast: %s", fc_sql_errmsg (db));
    fc_sql_finalize (stmt);
    return NULL;
  }
  fc_sql_finalize (stmt);
  recipients = fc_sql_changes (db);

  object = json_object_new ();
  json_object_set_int_member (object, "recipients", recipients);
  json_object_set_string_member (object, "type", broadcast->type);
  json_object_set_string_member (object, "title", broadcast->title);
  json_object_set_string_member (object, "message", broadcast->message);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  g_message ("Broadcast by user %" G_GINT64_FORMAT " to %d accounts in %.1f ms (off the main loop)",
             broadcast->user_id, recipients, (g_get_monotonic_time () - started) / 1000.0);
  *status = SOUP_STATUS_CREATED;
  return node;
}

/* On the main thread, once the answer is out (after the commit): the
 * streams send the new notifications now rather than at their next poll. */
static void
broadcast_done (gpointer data)
{
  Broadcast *broadcast = data;

  fc_notifications_wake (broadcast->server);
  g_free (broadcast->type);
  g_free (broadcast->title);
  g_free (broadcast->message);
  g_free (broadcast->now);
  g_free (broadcast);
}

static void
broadcast_cb (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *title = NULL, *message = NULL, *type = "SYSTEM";
  Broadcast *broadcast;

  fc_validate_string (body, "title", TRUE, FALSE, TITLE_MAX, errors, &title);
  fc_validate_string (body, "message", TRUE, FALSE, MESSAGE_MAX, errors, &message);
  if (fc_json_has_member (body, "type"))
    fc_validate_choice (body, "type", FALSE, FALSE, types, errors, &type);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  broadcast = g_new0 (Broadcast, 1);
  broadcast->server = fc_server_request_get_server (request);
  broadcast->user_id = fc_server_request_get_user_id (request);
  broadcast->type = g_strdup (type);
  broadcast->title = g_strdup (title);
  broadcast->message = g_strdup (message);
  broadcast->now = fc_time_now_iso8601 ();
  fc_health_respond_off_loop (request, TRUE, NULL, broadcast_work, broadcast, broadcast_done);
}

static const FcRoute routes[] = {
  { "GET", API, FC_AUTH_REQUIRED, list_cb },
  { "GET", API "unread-count/", FC_AUTH_REQUIRED, unread_count_cb },
  { "POST", API "mark-all-read/", FC_AUTH_REQUIRED, mark_all_read_cb },
  { "POST", API "broadcast/", FC_AUTH_STAFF, broadcast_cb },
  { "GET", API "{id}/", FC_AUTH_REQUIRED, get_cb },
  { "PATCH", API "{id}/", FC_AUTH_REQUIRED, update_cb },
  { "PUT", API "{id}/", FC_AUTH_REQUIRED, update_cb },
  { "DELETE", API "{id}/", FC_AUTH_REQUIRED, delete_cb },
};

const FcRoute *
fc_notifications_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
