/* fc-notifications-stream.c — api/v1/notifications/stream/: the inbox pushed over a WebSocket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stream sends the caller's rows of notification_events (written by
 * triggers in the transaction of every change to an inbox) in id order,
 * starting after the last id the client has. History and live events take
 * the same path: a database read after the id last sent. So a client that
 * reconnects with the last id it saw gets every later event once, in
 * order, whether it happened while it was away or is happening now.
 *
 * Nothing is queued in memory per connection beyond what was handed to
 * libsoup: at most WINDOW frames may be unacknowledged; past that the
 * stream waits for the client's {"type":"ack"} and reads on from the
 * database when it comes. A client whose window stays full for stream_slow_client_timeout is
 * closed (4408): slow clients are dropped, never buffered without bound.
 *
 * The token never appears in the URL: the upgrade request carries it in
 * its Authorization header or, for clients that cannot set headers, the
 * first message is {"type":"hello","token":…}. docs/notifications-wire.md
 * has the whole wire.
 */

#define G_LOG_DOMAIN "fc-notifications"

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-jwt.h"
#include "fc-notifications.h"
#include "fc-server-config.h"
#include "fc-sql.h"
#include "fc-server-private.h"

#define HUB_DATA "fc-notifications-hub"
#define STREAM_USER_DATA "fc-notifications-stream-user"
#define STREAM_LAST_DATA "fc-notifications-stream-last"
/* Frames sent and not yet acknowledged. */
#define WINDOW 256
/* How long a full window may stay full before the client is dropped, and
 * how long an unauthenticated connection may wait for its hello: the
 * config's stream_slow_client_timeout and stream_hello_timeout. */
#define PING_S 20
/* Streams are also checked every stream_poll_interval_ms: a safety net
 * for a writer that did not wake them, and the clock of the deadlines
 * above. */
#define MAX_MESSAGE (16 * 1024)
/* How often a worker of several on one SQLite database looks for events
 * another worker wrote (SQLite has no NOTIFY): one indexed MAX() read, so
 * much more often than the streams' own poll. */
#define PEER_CHECK_MS 250
/* PostgreSQL's NOTIFY channel between instances (fc_sql_listen()) */
#define NOTIFY_CHANNEL "fitcore_notification_events"

#define CLOSE_AUTH 4401
#define CLOSE_SLOW 4408
#define CLOSE_BAD 4400

typedef struct _Hub Hub;

typedef struct {
  Hub                     *hub;       /* borrowed */
  SoupWebsocketConnection *conn;      /* owned */
  gint64                   user_id;   /* 0 until authenticated */
  gint64                   last_sent; /* event id */
  GArray                  *in_flight; /* gint64 event ids, oldest first */
  gint64                   opened_us;
  gint64                   full_since_us;
  gboolean                 closing;
} Stream;

struct _Hub {
  FcServer  *server;                  /* borrowed: the hub lives on it */
  GPtrArray *streams;                 /* Stream, owned */
  guint      wake_id;
  guint      reap_id;
  guint      poll_id;
  guint      listen_id;               /* other instances' writes */
  guint      peer_id;                 /* other workers' writes, on SQLite */
  gint64     peer_max;                /* the newest event id seen */
};

static void pump (Stream *stream);
static void wake_streams (Hub *hub);

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  g_signal_handlers_disconnect_by_data (stream->conn, stream);
  if (soup_websocket_connection_get_state (stream->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (stream->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&stream->conn);
  g_clear_pointer (&stream->in_flight, g_array_unref);
  g_free (stream);
}

static void
hub_free (gpointer data)
{
  Hub *hub = data;

  g_clear_handle_id (&hub->wake_id, g_source_remove);
  g_clear_handle_id (&hub->reap_id, g_source_remove);
  g_clear_handle_id (&hub->poll_id, g_source_remove);
  g_clear_handle_id (&hub->listen_id, g_source_remove);
  g_clear_handle_id (&hub->peer_id, g_source_remove);
  g_clear_pointer (&hub->streams, g_ptr_array_unref);
  g_free (hub);
}

static void
stream_close (Stream     *stream,
              gushort     code,
              const char *reason)
{
  if (stream->closing)
    return;
  stream->closing = TRUE;
  g_message ("Notification stream of user %" G_GINT64_FORMAT " closed: %s", stream->user_id,
             reason);
  if (soup_websocket_connection_get_state (stream->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (stream->conn, code, reason);
}

static void
send_object (Stream     *stream,
             JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, object);
  text = fc_server_json_to_string (node);
  if (soup_websocket_connection_get_state (stream->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (stream->conn, text);
}

static void
send_error (Stream     *stream,
            const char *detail)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "type", "error");
  json_object_set_string_member (object, "detail", detail);
  send_object (stream, object);
}

static gint64
query_int (FcSql    *db,
           const char *sql,
           gint64      value)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  if (value != 0)
    fc_sql_bind_int64 (stmt, 1, value);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

/* Reads the events after last_sent and sends them while the window has
 * room. */
static void
pump (Stream *stream)
{
  FcSql *db = fc_server_get_db (stream->hub->server);
  g_autoptr(FcSqlStmt) stmt = NULL;
  guint room;

  if (stream->user_id == 0 || stream->closing ||
      soup_websocket_connection_get_state (stream->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  room = stream->in_flight->len < WINDOW ? WINDOW - stream->in_flight->len : 0;
  if (room == 0) {
    if (stream->full_since_us == 0)
      stream->full_since_us = g_get_monotonic_time ();
    return;
  }

  stmt = fc_sql_prepare (db, "SELECT e.id, e.kind, e.notification_id, e.is_read,"
                                   " n.type, n.title, n.message, n.created_at"
                                   " FROM notification_events e LEFT JOIN notifications n"
                                   "  ON n.id = e.notification_id AND e.kind = 'created'"
                                   " WHERE e.user_id = ? AND e.id > ? ORDER BY e.id LIMIT ?");
  fc_sql_bind_int64 (stmt, 1, stream->user_id);
  fc_sql_bind_int64 (stmt, 2, stream->last_sent);
  fc_sql_bind_int64 (stmt, 3, room);
  while (fc_sql_step_row (stmt)) {
    gint64 id = fc_sql_column_int64 (stmt, 0);
    const char *kind = fc_sql_column_text (stmt, 1);
    gint64 notification_id = fc_sql_column_int64 (stmt, 2);
    gboolean is_read = fc_sql_column_int (stmt, 3) != 0;
    g_autoptr(JsonObject) frame = json_object_new ();

    stream->last_sent = id;
    if (g_str_equal (kind, "created")) {
      JsonObject *notification;

      /* Deleted since: its 'deleted' event follows; nothing to show. */
      if (fc_sql_column_is_null (stmt, 4))
        continue;
      notification = json_object_new ();
      json_object_set_int_member (notification, "id", notification_id);
      json_object_set_string_member (notification, "type", fc_sql_column_text (stmt, 4));
      json_object_set_string_member (notification, "title", fc_sql_column_text (stmt, 5));
      json_object_set_string_member (notification, "message", fc_sql_column_text (stmt, 6));
      json_object_set_boolean_member (notification, "is_read", is_read);
      json_object_set_string_member (notification, "created_at",
                                     fc_sql_column_text (stmt, 7));
      json_object_set_string_member (frame, "type", "notification.created");
      json_object_set_int_member (frame, "id", id);
      json_object_set_object_member (frame, "notification", notification);
    } else {
      json_object_set_string_member (frame, "type", g_str_equal (kind, "read")
                                                      ? "notification.read"
                                                      : "notification.deleted");
      json_object_set_int_member (frame, "id", id);
      json_object_set_int_member (frame, "notification_id", notification_id);
      if (g_str_equal (kind, "read"))
        json_object_set_boolean_member (frame, "is_read", is_read);
    }
    g_array_append_val (stream->in_flight, id);
    send_object (stream, frame);
  }
  if (stream->in_flight->len >= WINDOW && stream->full_since_us == 0)
    stream->full_since_us = g_get_monotonic_time ();
}

/* Streams are freed only from here, an idle callback: a stream that
 * closes while it is being sent to (libsoup may say so from inside a
 * send) stays valid until the loop that sends is over. */
static gboolean
on_reap_cb (gpointer user_data)
{
  Hub *hub = user_data;

  hub->reap_id = 0;
  for (guint i = hub->streams->len; i > 0; i--) {
    Stream *stream = g_ptr_array_index (hub->streams, i - 1);

    if (soup_websocket_connection_get_state (stream->conn) == SOUP_WEBSOCKET_STATE_CLOSED)
      g_ptr_array_remove_index_fast (hub->streams, i - 1);
  }
  return G_SOURCE_REMOVE;
}

static void
pump_all (Hub *hub)
{
  for (guint i = 0; i < hub->streams->len; i++)
    pump (g_ptr_array_index (hub->streams, i));
}

static gboolean
on_wake_cb (gpointer user_data)
{
  Hub *hub = user_data;

  hub->wake_id = 0;
  pump_all (hub);
  return G_SOURCE_REMOVE;
}

static gboolean
on_poll_cb (gpointer user_data)
{
  Hub *hub = user_data;
  const FcServerConfig *config = fc_server_get_config (hub->server);
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < hub->streams->len; i++) {
    Stream *stream = g_ptr_array_index (hub->streams, i);

    if (stream->user_id == 0 &&
        now - stream->opened_us > config->stream_hello_timeout * G_USEC_PER_SEC)
      stream_close (stream, CLOSE_AUTH, "No credentials were given in time.");
    else if (stream->full_since_us != 0 &&
             now - stream->full_since_us > config->stream_slow_client_timeout * G_USEC_PER_SEC)
      stream_close (stream, CLOSE_SLOW, "The client did not keep up.");
  }
  pump_all (hub);
  if (hub->streams->len == 0) {
    hub->poll_id = 0;
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

/* The user of a good access token of an active account, else 0 with
 * @detail set. */
static gint64
check_token (FcServer    *server,
             const char  *token,
             const char **detail)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcJwtClaims) claims = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;

  *detail = "Given token not valid for any token type";
  if (token == NULL || *token == '\0')
    return 0;
  claims = fc_jwt_decode (fc_server_get_config (server)->secret_key, token, "access",
                          g_get_real_time () / G_USEC_PER_SEC, &error);
  if (claims == NULL)
    return 0;
  stmt = fc_sql_prepare (fc_server_get_db (server),
                               "SELECT is_active FROM users WHERE id = ?");
  fc_sql_bind_int64 (stmt, 1, claims->user_id);
  if (!fc_sql_step_row (stmt)) {
    *detail = "User not found";
    return 0;
  }
  if (!fc_sql_column_int (stmt, 0)) {
    *detail = "User is inactive";
    return 0;
  }
  return claims->user_id;
}

/* Authenticated: say hello (the current unread count, where the stream
 * starts) and send what is pending. A client's cursor is always the id of
 * one of its own events; one beyond the caller's newest (another server's,
 * or forged) cannot be resumed from: the client is told to reset and the
 * stream starts now. Only the caller's own events are compared, so the
 * answer says nothing about other accounts' activity. */
static void
stream_start (Stream *stream)
{
  FcSql *db = fc_server_get_db (stream->hub->server);
  g_autoptr(JsonObject) hello = json_object_new ();
  gint64 newest = query_int (db, "SELECT coalesce (max (id), 0) FROM notification_events"
                                 " WHERE user_id = ?", stream->user_id);
  gboolean reset = stream->last_sent > newest;

  if (reset)
    stream->last_sent = newest;
  json_object_set_string_member (hello, "type", reset ? "reset" : "hello");
  json_object_set_int_member (hello, "last_id", stream->last_sent);
  json_object_set_int_member (hello, "unread_count",
                              query_int (db, "SELECT count(*) FROM notifications"
                                             " WHERE user_id = ? AND is_read = 0",
                                         stream->user_id));
  send_object (stream, hello);
  pump (stream);
}

static gboolean
parse_id (JsonObject *object,
          const char *member,
          gint64     *out)
{
  return fc_json_get_int (object, member, out) && *out >= 0;
}

static void
on_message_cb (SoupWebsocketConnection *conn,
               int                      type,
               GBytes                  *message,
               gpointer                 user_data)
{
  Stream *stream = user_data;
  gsize size = 0;
  const char *data = g_bytes_get_data (message, &size);
  g_autoptr(JsonObject) object = NULL;
  const char *kind;

  if (type != SOUP_WEBSOCKET_DATA_TEXT ||
      (object = fc_json_parse_object (data, size, NULL)) == NULL ||
      (kind = fc_json_get_string (object, "type")) == NULL) {
    send_error (stream, "Expected a JSON object with a \"type\".");
    return;
  }

  if (g_str_equal (kind, "hello")) {
    gint64 last = 0;
    const char *detail;

    if (stream->user_id != 0) {
      send_error (stream, "Already authenticated.");
      return;
    }
    if (fc_json_has_member (object, "last_id") && !parse_id (object, "last_id", &last)) {
      stream_close (stream, CLOSE_BAD, "last_id must be a non-negative integer.");
      return;
    }
    stream->user_id = check_token (stream->hub->server, fc_json_get_string (object, "token"),
                                   &detail);
    if (stream->user_id == 0) {
      stream_close (stream, CLOSE_AUTH, detail);
      return;
    }
    if (fc_json_has_member (object, "last_id"))
      stream->last_sent = last;
    stream_start (stream);
  } else if (g_str_equal (kind, "ack")) {
    gint64 acked = 0;
    guint n = 0;

    if (!parse_id (object, "last_id", &acked)) {
      send_error (stream, "An ack needs last_id, a non-negative integer.");
      return;
    }
    while (n < stream->in_flight->len && g_array_index (stream->in_flight, gint64, n) <= acked)
      n++;
    g_array_remove_range (stream->in_flight, 0, n);
    if (stream->in_flight->len < WINDOW)
      stream->full_since_us = 0;
    pump (stream);
  } else if (g_str_equal (kind, "ping")) {
    g_autoptr(JsonObject) pong = json_object_new ();

    json_object_set_string_member (pong, "type", "pong");
    send_object (stream, pong);
  } else {
    send_error (stream, "Unknown message type.");
  }
}

static void
on_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  Stream *stream = user_data;

  stream->closing = TRUE;
  if (stream->hub->reap_id == 0)
    stream->hub->reap_id = g_idle_add (on_reap_cb, stream->hub);
}

static gint64
newest_event (Hub *hub)
{
  return query_int (fc_server_get_db (hub->server), "SELECT MAX(id) FROM notification_events", 0);
}

/* Another worker of this supervisor, on the same SQLite file, may have
 * written events: wake the streams when the newest event changed. */
static gboolean
on_peer_check_cb (gpointer user_data)
{
  Hub *hub = user_data;
  gint64 newest;

  if (hub->streams->len == 0) {
    hub->peer_id = 0;
    return G_SOURCE_REMOVE;
  }
  newest = newest_event (hub);
  if (newest != hub->peer_max) {
    hub->peer_max = newest;
    wake_streams (hub);
  }
  return G_SOURCE_CONTINUE;
}

static void
watch_peers (Hub *hub)
{
  FcServer *server = hub->server;

  if (hub->peer_id != 0 || fc_server_get_config (server)->workers < 2 ||
      fc_sql_get_backend (fc_server_get_db (server)) != FC_SQL_BACKEND_SQLITE)
    return;
  hub->peer_max = newest_event (hub);
  hub->peer_id = g_timeout_add (PEER_CHECK_MS, on_peer_check_cb, hub);
}

static Hub *
get_hub (FcServer *server)
{
  return g_object_get_data (G_OBJECT (server), HUB_DATA);
}

static void
on_websocket_cb (SoupServer              *soup_server,
                 SoupServerMessage       *message,
                 const char              *path,
                 SoupWebsocketConnection *conn,
                 gpointer                 user_data)
{
  FcServer *server = FC_SERVER (user_data);
  Hub *hub = get_hub (server);
  Stream *stream;

  /* The upgraded connection no longer belongs to the HTTP side: it is no
   * request in flight, and no request deadline applies to it. */
  fc_server_forget_message (server, message);
  if (hub == NULL)
    return;

  stream = g_new0 (Stream, 1);
  stream->hub = hub;
  stream->conn = g_object_ref (conn);
  stream->user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (message), STREAM_USER_DATA));
  stream->last_sent = *(gint64 *) g_object_get_data (G_OBJECT (message), STREAM_LAST_DATA);
  stream->in_flight = g_array_new (FALSE, FALSE, sizeof (gint64));
  stream->opened_us = g_get_monotonic_time ();
  g_ptr_array_add (hub->streams, stream);

  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_MESSAGE);
  soup_websocket_connection_set_keepalive_interval (conn, PING_S);
  g_signal_connect (conn, "message", G_CALLBACK (on_message_cb), stream);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed_cb), stream);
  if (hub->poll_id == 0)
    hub->poll_id = g_timeout_add (fc_server_get_config (hub->server)->stream_poll_interval_ms,
                                  on_poll_cb, hub);
  watch_peers (hub);
  if (stream->user_id != 0)
    stream_start (stream);
}

static void
respond_detail (SoupServerMessage *message,
                guint              status,
                const char        *detail)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_object_set_string_member (object, "detail", detail);
  json_node_set_object (node, object);
  text = fc_server_json_to_string (node);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                  "WWW-Authenticate", "Bearer realm=\"api\"");
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, text,
                                    strlen (text));
}

/* Runs before libsoup's handshake: a request answered here is not
 * upgraded. */
static void
on_upgrade_request_cb (SoupServer        *soup_server,
                       SoupServerMessage *message,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  FcServer *server = FC_SERVER (user_data);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *last = soup_message_headers_get_one (headers, "Last-Event-ID");
  gint64 *last_id = g_new0 (gint64, 1);
  guint64 value = 0;

  g_object_set_data_full (G_OBJECT (message), STREAM_LAST_DATA, last_id, g_free);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "X-Content-Type-Options", "nosniff");

  if (!g_str_equal (path, FC_NOTIFICATIONS_STREAM_PATH)) {
    respond_detail (message, SOUP_STATUS_NOT_FOUND, "Not found.");
    return;
  }
  if (!g_str_equal (soup_server_message_get_method (message), "GET")) {
    soup_message_headers_replace (soup_server_message_get_response_headers (message), "Allow",
                                  "GET");
    respond_detail (message, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed.");
    return;
  }
  if (last != NULL) {
    if (!g_ascii_isdigit (*last) ||
        !g_ascii_string_to_unsigned (last, 10, 0, G_MAXINT64, &value, NULL)) {
      respond_detail (message, SOUP_STATUS_BAD_REQUEST,
                      "Last-Event-ID must be a non-negative integer.");
      return;
    }
    *last_id = (gint64) value;
  }
  if (authorization != NULL) {
    g_auto(GStrv) parts = g_strsplit (authorization, " ", -1);
    const char *detail = "Authorization header must contain two space-delimited values";
    gint64 user_id = 0;

    if (g_strv_length (parts) == 2 && g_str_equal (parts[0], "Bearer"))
      user_id = check_token (server, parts[1], &detail);
    if (user_id == 0) {
      respond_detail (message, SOUP_STATUS_UNAUTHORIZED, detail);
      return;
    }
    g_object_set_data (G_OBJECT (message), STREAM_USER_DATA, GSIZE_TO_POINTER (user_id));
  }
  if (soup_message_headers_get_one (headers, "Upgrade") == NULL) {
    respond_detail (message, SOUP_STATUS_BAD_REQUEST,
                    "This route only takes a WebSocket upgrade.");
    return;
  }
  /* No status: libsoup checks the handshake and upgrades. */
}

static void
wake_streams (Hub *hub)
{
  if (hub->wake_id == 0 && hub->streams->len > 0)
    hub->wake_id = g_idle_add (on_wake_cb, hub);
}

/* Another instance on the same PostgreSQL database wrote events */
static gboolean
on_other_instance_cb (gpointer user_data)
{
  wake_streams (user_data);
  return G_SOURCE_CONTINUE;
}

void
fc_notifications_stream_attach (FcServer   *server,
                                SoupServer *soup_server)
{
  Hub *hub = g_new0 (Hub, 1);

  hub->server = server;
  hub->streams = g_ptr_array_new_with_free_func (stream_free);
  g_object_set_data_full (G_OBJECT (server), HUB_DATA, hub, hub_free);
  /* Several instances share one database: their streams wake on each
   * other's writes at once, not at the next poll */
  hub->listen_id = fc_sql_listen (fc_server_get_db (server), NOTIFY_CHANNEL, on_other_instance_cb,
                                  hub);
  /* Both on one path: libsoup runs the plain handler first and upgrades
   * only when it set no status. */
  soup_server_add_handler (soup_server, FC_NOTIFICATIONS_STREAM_PATH, on_upgrade_request_cb,
                           server, NULL);
  soup_server_add_websocket_handler (soup_server, FC_NOTIFICATIONS_STREAM_PATH, NULL, NULL,
                                     on_websocket_cb, server, NULL);
}

void
fc_notifications_wake (FcServer *server)
{
  Hub *hub = get_hub (server);

  if (hub != NULL)
    wake_streams (hub);
  fc_sql_notify (fc_server_get_db (server), NOTIFY_CHANNEL);
}
