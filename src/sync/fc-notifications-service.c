/* fc-notifications-service.c — the account's inbox at api/v1/notifications/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore-notifications"

#include "config.h"

#include "fc-notifications-service.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "fc-json.h"
#include "fc-store-notifications.h"

/* After a cut or a failed connection, the stream is tried again this much
 * later: the server may be restarting, and reconnecting at once would spin. */
#define STREAM_RETRY_S 5

struct _FcNotificationsService
{
  GObject      parent_instance;

  /* Owned */
  FcApiClient             *client;
  FcStore                 *store;            /* where the stream's events go, or NULL */
  SoupSession             *soup;             /* the stream's, made when first started */
  SoupWebsocketConnection *conn;
  GCancellable            *stream_cancellable;
  GSource                 *retry_source;

  gint64                   last_event_id;
  gboolean                 streaming;        /* started and not stopped */
};

enum {
  PROP_0,
  PROP_STREAM_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_STREAM_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FcNotificationsService, fc_notifications_service, G_TYPE_OBJECT)

static void
on_request_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, NULL, &error);
  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
send_request (FcNotificationsService *self,
              const char             *method,
              const char             *path,
              JsonNode               *body,
              gpointer                source_tag,
              GCancellable           *cancellable,
              GAsyncReadyCallback     callback,
              gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *key = NULL;

  g_task_set_source_tag (task, source_tag);
  /* Writes carry an Idempotency-Key, so a retried PATCH or DELETE after a
   * lost answer is not applied twice (docs/notifications-wire.md). */
  if (g_strcmp0 (method, "GET") != 0)
    key = g_uuid_string_random ();
  fc_api_client_request_async (self->client, method, path, body, key, FC_API_REQUEST_NONE,
                               cancellable, on_request_cb, g_steal_pointer (&task));
}

/* The answer of @result as an object (a new reference), or an error. */
static JsonObject *
finish_object (FcNotificationsService  *self,
               GAsyncResult            *result,
               GError                 **error)
{
  JsonNode *node;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  node = g_task_propagate_pointer (G_TASK (result), error);
  return node != NULL ? fc_api_answer_take_object (node, error) : NULL;
}

static void
fc_notifications_service_dispose (GObject *object)
{
  FcNotificationsService *self = FC_NOTIFICATIONS_SERVICE (object);

  fc_notifications_service_stop_stream (self);
  g_clear_object (&self->soup);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fc_notifications_service_parent_class)->dispose (object);
}

static void
fc_notifications_service_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  FcNotificationsService *self = FC_NOTIFICATIONS_SERVICE (object);

  switch (prop_id) {
  case PROP_STREAM_CONNECTED:
    g_value_set_boolean (value, fc_notifications_service_get_stream_connected (self));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_notifications_service_class_init (FcNotificationsServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_notifications_service_dispose;
  object_class->get_property = fc_notifications_service_get_property;

  properties[PROP_STREAM_CONNECTED] =
    g_param_spec_boolean ("stream-connected", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_STREAM_EVENT] =
    g_signal_new ("stream-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
fc_notifications_service_init (FcNotificationsService *self)
{
}

FcNotificationsService *
fc_notifications_service_new (FcApiClient *client)
{
  FcNotificationsService *self;

  g_return_val_if_fail (FC_IS_API_CLIENT (client), NULL);

  self = g_object_new (FC_TYPE_NOTIFICATIONS_SERVICE, NULL);
  self->client = g_object_ref (client);
  return self;
}

FcNotificationsService *
fc_notifications_service_new_for_session (FcSession *session)
{
  FcApiClient *client;
  FcNotificationsService *self;

  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  client = fc_session_get_client (session);
  if (client == NULL)
    return NULL;
  self = fc_notifications_service_new (client);
  g_set_object (&self->store, fc_session_get_store (session));
  return self;
}

void
fc_notifications_service_list_async (FcNotificationsService *self,
                                     guint                   page,
                                     guint                   page_size,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));
  g_return_if_fail (page >= 1);

  path = g_strdup_printf ("notifications/?page=%u&page_size=%u", page, page_size);
  send_request (self, "GET", path, NULL, fc_notifications_service_list_async,
                cancellable, callback, user_data);
}

JsonObject *
fc_notifications_service_list_finish (FcNotificationsService  *self,
                                      GAsyncResult            *result,
                                      GError                 **error)
{
  g_autoptr(JsonObject) page = finish_object (self, result, error);

  if (page == NULL)
    return NULL;
  if (!json_object_has_member (page, "results") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (page, "results"))) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server answered a list without results."));
    return NULL;
  }
  return g_steal_pointer (&page);
}

void
fc_notifications_service_set_read_async (FcNotificationsService *self,
                                         gint64                  id,
                                         gboolean                is_read,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  json_object_set_boolean_member (object, "is_read", is_read);
  json_node_set_object (body, object);
  path = g_strdup_printf ("notifications/%" G_GINT64_FORMAT "/", id);
  send_request (self, "PATCH", path, body, fc_notifications_service_set_read_async,
                cancellable, callback, user_data);
}

JsonObject *
fc_notifications_service_set_read_finish (FcNotificationsService  *self,
                                          GAsyncResult            *result,
                                          GError                 **error)
{
  return finish_object (self, result, error);
}

void
fc_notifications_service_mark_all_read_async (FcNotificationsService *self,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  json_node_set_object (body, object);
  send_request (self, "POST", "notifications/mark-all-read/", body,
                fc_notifications_service_mark_all_read_async, cancellable, callback, user_data);
}

gint64
fc_notifications_service_mark_all_read_finish (FcNotificationsService  *self,
                                               GAsyncResult            *result,
                                               GError                 **error)
{
  g_autoptr(JsonObject) answer = finish_object (self, result, error);

  if (answer == NULL)
    return -1;
  return json_object_get_int_member_with_default (answer, "updated", 0);
}

static void
on_delete_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, NULL, &error);
  if (node == NULL && !g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
fc_notifications_service_delete_async (FcNotificationsService *self,
                                       gint64                  id,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key = g_uuid_string_random ();

  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_notifications_service_delete_async);
  path = g_strdup_printf ("notifications/%" G_GINT64_FORMAT "/", id);
  fc_api_client_request_async (self->client, "DELETE", path, NULL, key, FC_API_REQUEST_NONE,
                               cancellable, on_delete_cb, g_steal_pointer (&task));
}

gboolean
fc_notifications_service_delete_finish (FcNotificationsService  *self,
                                        GAsyncResult            *result,
                                        GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fc_notifications_service_unread_count_async (FcNotificationsService *self,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data)
{
  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  send_request (self, "GET", "notifications/unread-count/", NULL,
                fc_notifications_service_unread_count_async, cancellable, callback, user_data);
}

gint64
fc_notifications_service_unread_count_finish (FcNotificationsService  *self,
                                              GAsyncResult            *result,
                                              GError                 **error)
{
  g_autoptr(JsonObject) answer = finish_object (self, result, error);

  if (answer == NULL)
    return -1;
  if (!json_object_has_member (answer, "unread_count")) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server answered without an unread count."));
    return -1;
  }
  return json_object_get_int_member (answer, "unread_count");
}

/* The stream */

static void connect_stream (FcNotificationsService *self);

static gboolean
on_retry_cb (gpointer user_data)
{
  FcNotificationsService *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  connect_stream (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (FcNotificationsService *self)
{
  if (!self->streaming || self->retry_source != NULL)
    return;
  self->retry_source = g_timeout_source_new_seconds (STREAM_RETRY_S);
  g_source_set_callback (self->retry_source, on_retry_cb, self, NULL);
  g_source_attach (self->retry_source, NULL);
}

static void
drop_connection (FcNotificationsService *self)
{
  if (self->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->conn);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM_CONNECTED]);
}

static void
on_stream_message_cb (SoupWebsocketConnection *conn,
                      int                      type,
                      GBytes                  *message,
                      gpointer                 user_data)
{
  FcNotificationsService *self = user_data;
  gsize size = 0;
  const char *data = g_bytes_get_data (message, &size);
  g_autoptr(JsonObject) frame = NULL;
  const char *kind;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  frame = fc_json_parse_object (data, size, NULL);
  if (frame == NULL)
    return;
  kind = json_object_get_string_member_with_default (frame, "type", "");

  if (g_str_equal (kind, "hello") || g_str_equal (kind, "reset")) {
    /* Where the stream starts: after a reset the client's id was not the
     * server's, and the list must be loaded again. */
    self->last_event_id = json_object_get_int_member_with_default (frame, "last_id",
                                                                   self->last_event_id);
    if (g_str_equal (kind, "reset")) {
      if (self->store != NULL)
        fc_store_notifications_apply_event_async (self->store, frame, NULL, NULL, NULL);
      g_signal_emit (self, signals[SIGNAL_STREAM_EVENT], 0, frame);
    }
    return;
  }
  if (!g_str_has_prefix (kind, "notification."))
    return;

  self->last_event_id = json_object_get_int_member_with_default (frame, "id",
                                                                 self->last_event_id);
  /* Into the store first: the inbox shows what the store holds, and
   * store jobs run in order, so events land in the order they came. */
  if (self->store != NULL)
    fc_store_notifications_apply_event_async (self->store, frame, NULL, NULL, NULL);
  g_signal_emit (self, signals[SIGNAL_STREAM_EVENT], 0, frame);
  /* Acknowledged as handled, so the server's window never fills. */
  if (self->conn != NULL &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN) {
    g_autofree char *ack = g_strdup_printf ("{\"type\":\"ack\",\"last_id\":%" G_GINT64_FORMAT "}",
                                            self->last_event_id);

    soup_websocket_connection_send_text (self->conn, ack);
  }
}

static void
on_stream_closed_cb (SoupWebsocketConnection *conn,
                     gpointer                 user_data)
{
  FcNotificationsService *self = user_data;

  g_debug ("The notification stream closed (%u)", soup_websocket_connection_get_close_code (conn));
  drop_connection (self);
  schedule_retry (self);
}

static void
on_stream_connected_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  FcNotificationsService *self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (conn == NULL) {
    g_debug ("Could not open the notification stream: %s", error->message);
    schedule_retry (self);
    return;
  }
  self->conn = conn;
  /* The server pings every 20 s; this finds a dead connection too. */
  soup_websocket_connection_set_keepalive_interval (conn, 30);
  g_signal_connect (conn, "message", G_CALLBACK (on_stream_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_stream_closed_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM_CONNECTED]);
}

/* A request through the client first: it renews an expired access token,
 * which the upgrade request then carries. */
static void
on_stream_token_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  FcNotificationsService *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  const char *token;

  if (fc_notifications_service_unread_count_finish (self, result, &error) < 0) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    /* Signed out, or a server without notifications: nothing to wait for. */
    if (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED) ||
        g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND)) {
      self->streaming = FALSE;
      return;
    }
    /* Offline: try again later. */
    g_debug ("Not opening the notification stream: %s", error->message);
    schedule_retry (self);
    return;
  }

  token = fc_api_client_get_access_token (self->client);
  url = g_strconcat (fc_api_client_get_base_url (self->client), "api/v1/notifications/stream/",
                     NULL);
  message = soup_message_new ("GET", url);
  if (message == NULL || token == NULL) {
    schedule_retry (self);
    return;
  }
  authorization = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                authorization);
  if (self->last_event_id > 0) {
    g_autofree char *last = g_strdup_printf ("%" G_GINT64_FORMAT, self->last_event_id);

    soup_message_headers_replace (soup_message_get_request_headers (message), "Last-Event-ID",
                                  last);
  }
  if (self->soup == NULL)
    self->soup = soup_session_new ();
  soup_session_websocket_connect_async (self->soup, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->stream_cancellable, on_stream_connected_cb, self);
}

static void
connect_stream (FcNotificationsService *self)
{
  if (!self->streaming || self->conn != NULL)
    return;
  fc_notifications_service_unread_count_async (self, self->stream_cancellable,
                                               on_stream_token_cb, self);
}

/* Resumes from the last event the store applied (an earlier run's too). */
static void
on_last_event_read_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FcNotificationsService) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = fc_store_get_sync_value_finish (FC_STORE (source), result, &error);
  guint64 id = 0;

  /* Stopped meanwhile (a read that had started still answers). */
  if (!self->streaming || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (value != NULL && self->last_event_id == 0 &&
      g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &id, NULL))
    self->last_event_id = (gint64) id;
  connect_stream (self);
}

void
fc_notifications_service_start_stream (FcNotificationsService *self)
{
  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  if (self->streaming)
    return;
  self->streaming = TRUE;
  self->stream_cancellable = g_cancellable_new ();
  if (self->store != NULL && self->last_event_id == 0) {
    fc_store_get_sync_value_async (self->store, FC_STORE_NOTIFICATIONS_STREAM_KEY,
                                   self->stream_cancellable, on_last_event_read_cb,
                                   g_object_ref (self));
    return;
  }
  connect_stream (self);
}

void
fc_notifications_service_stop_stream (FcNotificationsService *self)
{
  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  self->streaming = FALSE;
  g_cancellable_cancel (self->stream_cancellable);
  g_clear_object (&self->stream_cancellable);
  if (self->retry_source != NULL) {
    g_source_destroy (self->retry_source);
    g_clear_pointer (&self->retry_source, g_source_unref);
  }
  drop_connection (self);
}

gboolean
fc_notifications_service_get_stream_connected (FcNotificationsService *self)
{
  g_return_val_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self), FALSE);

  return self->conn != NULL &&
         soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

gint64
fc_notifications_service_get_last_event_id (FcNotificationsService *self)
{
  g_return_val_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self), 0);

  return self->last_event_id;
}
