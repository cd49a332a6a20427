/* fc-server-listener.c — fitcore-server's accept loop and connection limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server"

#include "config.h"

#include <gio/gnetworking.h>
#include <string.h>
#include <unistd.h>

#include "fc-server-listener.h"

/* How long to wait before accepting again after accept() failed, doubling
 * up to the maximum while it keeps failing. */
#define BACKOFF_MIN_MS 50
#define BACKOFF_MAX_MS 1000
/* How often deadlines are checked. */
#define SWEEP_INTERVAL_MS 250
/* After a refusal, how long the client gets to read the answer before the
 * connection is torn down whatever it still sends. */
#define LINGER_S 2
/* After a shutdown, how long libsoup gets to notice before the connection
 * is closed under it. */
#define CLOSE_GRACE_S 1
#define LISTEN_BACKLOG 1024

typedef enum {
  CONNECTION_WAITING,     /* for a request's headers */
  CONNECTION_READING,     /* a request's body */
  CONNECTION_BUSY,        /* a handler, or writing the answer: no deadline */
  CONNECTION_REFUSED,     /* answered early; lingering */
} ConnectionState;

typedef struct {
  FcServerListener *listener;   /* borrowed */
  GSocket          *socket;     /* libsoup owns the connection; these only watch it */
  GIOStream        *stream;
  char             *key;        /* the remote address, "HOST:PORT" */
  ConnectionState   state;
  gint64            deadline_us; /* 0: none */
  gboolean          shut_down;
  gboolean          kept_alive; /* a request was answered on it */
} Connection;

struct _FcServerListener {
  GObject      parent_instance;

  /* owned */
  SoupServer  *soup_server;
  GSocket     *socket;
  GSource     *accept_source;
  GHashTable  *connections;     /* key → Connection */
  guint        backoff_id;
  guint        sweep_id;
  guint        reap_id;

  guint        max_connections;
  guint        header_timeout;
  guint        idle_timeout;
  guint        backoff_ms;
  gboolean     stopped;
  gboolean     shared;
  gboolean     tag_worker;      /* tests: which process answered */
};

G_DEFINE_FINAL_TYPE (FcServerListener, fc_server_listener, G_TYPE_OBJECT)

static void resume_accepting (FcServerListener *self);

static char *
address_key (GSocketAddress *address)
{
  if (address == NULL)
    return NULL;
  return g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));
}

static Connection *
find_connection (FcServerListener  *self,
                 SoupServerMessage *message)
{
  g_autofree char *key = address_key (soup_server_message_get_remote_address (message));

  return key != NULL ? g_hash_table_lookup (self->connections, key) : NULL;
}

static void
set_deadline (Connection *connection,
              guint       seconds)
{
  connection->deadline_us = seconds > 0 ? g_get_monotonic_time () + seconds * G_USEC_PER_SEC : 0;
}

/* Ending both directions makes a pending read of libsoup's see
 * end-of-file, and it then drops the connection itself. libsoup 3.2 does
 * not read a kept-alive connection between requests, though, and would
 * keep it (and its descriptor) forever: what is still open after a grace
 * period is closed here. Its next read then fails and it lets go. */
static void
shut_down (Connection *connection)
{
  if (!connection->shut_down) {
    connection->shut_down = TRUE;
    g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
    set_deadline (connection, CLOSE_GRACE_S);
  } else {
    connection->deadline_us = 0;
    g_io_stream_close (connection->stream, NULL, NULL);
  }
}

/* Whether the client closed a connection libsoup is not reading. */
static gboolean
client_hung_up (Connection *connection)
{
  char byte;
  gssize n;

  if (connection->state != CONNECTION_WAITING || !connection->kept_alive ||
      g_socket_condition_check (connection->socket, G_IO_IN | G_IO_HUP | G_IO_ERR) == 0)
    return FALSE;
  n = recv (g_socket_get_fd (connection->socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0;
}

static void
connection_free (gpointer data)
{
  Connection *connection = data;

  g_clear_object (&connection->socket);
  g_clear_object (&connection->stream);
  g_free (connection->key);
  g_free (connection);
}

static void
sweep (FcServerListener *self)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Connection *connection = value;

    /* libsoup closes the socket when it is done with a connection, but
     * (3.2, connections handed in) never drops its last reference to it:
     * a closed socket is how a connection's end shows. */
    if (g_socket_is_closed (connection->socket)) {
      g_hash_table_iter_remove (&iter);
      continue;
    }
    if (client_hung_up (connection)) {
      g_io_stream_close (connection->stream, NULL, NULL);
      g_hash_table_iter_remove (&iter);
      continue;
    }
    if (connection->deadline_us != 0 && now >= connection->deadline_us)
      shut_down (connection);
  }
  resume_accepting (self);
}

static gboolean
on_sweep_cb (gpointer user_data)
{
  FcServerListener *self = FC_SERVER_LISTENER (user_data);

  sweep (self);
  if (g_hash_table_size (self->connections) > 0)
    return G_SOURCE_CONTINUE;
  self->sweep_id = 0;
  return G_SOURCE_REMOVE;
}

/* libsoup closes a connection right after a request's "finished" when it
 * is not kept alive: a slot is free as soon as the main loop is back. */
static gboolean
on_reap_cb (gpointer user_data)
{
  FcServerListener *self = FC_SERVER_LISTENER (user_data);

  self->reap_id = 0;
  sweep (self);
  return G_SOURCE_REMOVE;
}

static gboolean accept_connections (FcServerListener *self);

static gboolean
on_backoff_cb (gpointer user_data)
{
  FcServerListener *self = FC_SERVER_LISTENER (user_data);

  self->backoff_id = 0;
  resume_accepting (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_socket_readable_cb (GSocket      *socket,
                       GIOCondition  condition,
                       gpointer      user_data)
{
  return accept_connections (FC_SERVER_LISTENER (user_data));
}

static void
resume_accepting (FcServerListener *self)
{
  if (self->stopped || self->socket == NULL || self->accept_source != NULL ||
      self->backoff_id != 0 || g_hash_table_size (self->connections) >= self->max_connections)
    return;

  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_socket_readable_cb), self, NULL);
  g_source_attach (self->accept_source, NULL);
}

static void
pause_accepting (FcServerListener *self)
{
  if (self->accept_source == NULL)
    return;
  g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
}

static void
hand_over (FcServerListener *self,
           GSocket          *client)
{
  g_autoptr(GSocketConnection) stream = g_socket_connection_factory_create_connection (client);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (client, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (client, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  Connection *connection;

  /* A client that already hung up has no address. */
  if (local == NULL || remote == NULL) {
    g_socket_close (client, NULL);
    return;
  }

  key = address_key (remote);
  /* The same address and port again: the old connection is gone, though
   * the sweep may not have seen it close yet. */
  g_hash_table_remove (self->connections, key);

  connection = g_new0 (Connection, 1);
  connection->listener = self;
  connection->socket = g_object_ref (client);
  connection->stream = g_object_ref (G_IO_STREAM (stream));
  connection->key = g_steal_pointer (&key);
  connection->state = CONNECTION_WAITING;
  set_deadline (connection, self->header_timeout);
  g_hash_table_replace (self->connections, connection->key, connection);

  g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  if (!soup_server_accept_iostream (self->soup_server, G_IO_STREAM (stream), local, remote,
                                    &error)) {
    g_warning ("Cannot serve a connection from %s: %s", connection->key, error->message);
    g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
  }
  if (self->sweep_id == 0)
    self->sweep_id = g_timeout_add (SWEEP_INTERVAL_MS, on_sweep_cb, self);
}

/* Accepts what is waiting. Returns whether the source should stay. */
static gboolean
accept_connections (FcServerListener *self)
{
  while (g_hash_table_size (self->connections) < self->max_connections) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) client = g_socket_accept (self->socket, NULL, &error);

    if (client == NULL) {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;

      /* Out of descriptors (or buffers): the connection stays in the
       * backlog, and the socket stays readable, so wait rather than spin;
       * descriptors come back as other connections close. */
      g_warning ("Cannot accept a connection: %s; retrying in %u ms", error->message,
                 self->backoff_ms);
      g_clear_pointer (&self->accept_source, g_source_unref);
      self->backoff_id = g_timeout_add (self->backoff_ms, on_backoff_cb, self);
      self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
      return G_SOURCE_REMOVE;
    }
    self->backoff_ms = BACKOFF_MIN_MS;
    hand_over (self, client);
    /* Every process sharing the socket was woken; the next connection is
     * left to whichever of them polls first. */
    if (self->shared)
      return G_SOURCE_CONTINUE;
  }

  /* At the limit: the rest wait in the backlog until one closes. */
  g_clear_pointer (&self->accept_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* Per-request deadlines, from libsoup's message signals. */

static void
on_message_got_headers_cb (SoupServerMessage *message,
                           gpointer           user_data)
{
  Connection *connection = find_connection (FC_SERVER_LISTENER (user_data), message);

  if (connection == NULL || connection->state == CONNECTION_REFUSED || connection->shut_down)
    return;
  connection->state = CONNECTION_READING;
  set_deadline (connection, connection->listener->idle_timeout);
}

static void
on_message_got_chunk_cb (SoupServerMessage *message,
                         GBytes            *chunk,
                         gpointer           user_data)
{
  Connection *connection = find_connection (FC_SERVER_LISTENER (user_data), message);

  if (connection != NULL && connection->state == CONNECTION_READING && !connection->shut_down)
    set_deadline (connection, connection->listener->idle_timeout);
}

static void
on_message_got_body_cb (SoupServerMessage *message,
                        gpointer           user_data)
{
  Connection *connection = find_connection (FC_SERVER_LISTENER (user_data), message);

  if (connection != NULL && connection->state == CONNECTION_READING && !connection->shut_down) {
    connection->state = CONNECTION_BUSY;
    connection->deadline_us = 0;
  }
}

static void
on_message_finished_cb (SoupServerMessage *message,
                        gpointer           user_data)
{
  FcServerListener *self = FC_SERVER_LISTENER (user_data);
  Connection *connection = find_connection (self, message);

  if (self->reap_id == 0)
    self->reap_id = g_idle_add (on_reap_cb, self);

  /* Kept alive: the next request has idle_timeout to arrive whole. */
  if (connection != NULL && connection->state != CONNECTION_REFUSED && !connection->shut_down) {
    connection->state = CONNECTION_WAITING;
    connection->kept_alive = TRUE;
    set_deadline (connection, connection->listener->idle_timeout);
  }
}

static void
on_request_started_cb (SoupServer        *soup_server,
                       SoupServerMessage *message,
                       gpointer           user_data)
{
  FcServerListener *self = FC_SERVER_LISTENER (user_data);

  /* Lets a test of several workers know which one served a request. */
  if (self->tag_worker) {
    char pid[32];

    g_snprintf (pid, sizeof pid, "%d", (int) getpid ());
    soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                  "X-FitCore-Worker", pid);
  }
  g_signal_connect_object (message, "got-headers", G_CALLBACK (on_message_got_headers_cb), self,
                           0);
  g_signal_connect_object (message, "got-chunk", G_CALLBACK (on_message_got_chunk_cb), self, 0);
  g_signal_connect_object (message, "got-body", G_CALLBACK (on_message_got_body_cb), self, 0);
  g_signal_connect_object (message, "finished", G_CALLBACK (on_message_finished_cb), self, 0);
}

static void
fc_server_listener_dispose (GObject *object)
{
  FcServerListener *self = FC_SERVER_LISTENER (object);

  fc_server_listener_stop (self);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_clear_handle_id (&self->reap_id, g_source_remove);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_object (&self->soup_server);

  G_OBJECT_CLASS (fc_server_listener_parent_class)->dispose (object);
}

static void
fc_server_listener_class_init (FcServerListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_server_listener_dispose;
}

static void
fc_server_listener_init (FcServerListener *self)
{
  self->connections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, connection_free);
  self->backoff_ms = BACKOFF_MIN_MS;
  self->tag_worker = g_strcmp0 (g_getenv ("FITCORE_SERVER_TESTING"), "1") == 0;
}

GSocket *
fc_server_listener_bind (const char  *address,
                         guint        port,
                         char       **out_url,
                         GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "“%s” is not an IP address", address);
    return NULL;
  }
  socket_address = g_inet_socket_address_new (inet, port);

  /* Our own socket for a real backlog (soup_server_listen() keeps GSocket's
   * default of 10, and 64 clients connecting at once then lose SYNs and
   * wait a second for the retry) and our own accept loop (libsoup's stops
   * for good at the first EMFILE). */
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, socket_address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return NULL;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return NULL;

  if (out_url != NULL) {
    GInetSocketAddress *inet_bound = G_INET_SOCKET_ADDRESS (bound);
    g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet_bound));
    gboolean v6 = strchr (host, ':') != NULL;

    *out_url = g_strdup_printf ("http://%s%s%s:%u/", v6 ? "[" : "", host, v6 ? "]" : "",
                                g_inet_socket_address_get_port (inet_bound));
  }
  return g_steal_pointer (&socket);
}

FcServerListener *
fc_server_listener_new (SoupServer *soup_server,
                        guint       max_connections,
                        guint       header_timeout,
                        guint       idle_timeout)
{
  FcServerListener *self;

  g_return_val_if_fail (SOUP_IS_SERVER (soup_server), NULL);
  g_return_val_if_fail (max_connections > 0, NULL);

  self = g_object_new (FC_TYPE_SERVER_LISTENER, NULL);
  self->soup_server = g_object_ref (soup_server);
  self->max_connections = max_connections;
  self->header_timeout = header_timeout;
  self->idle_timeout = idle_timeout;
  g_signal_connect_object (soup_server, "request-started", G_CALLBACK (on_request_started_cb),
                           self, 0);
  return self;
}

void
fc_server_listener_start (FcServerListener *self,
                          GSocket          *socket)
{
  g_return_if_fail (FC_IS_SERVER_LISTENER (self));
  g_return_if_fail (G_IS_SOCKET (socket));
  g_return_if_fail (self->socket == NULL);

  self->socket = g_object_ref (socket);
  g_socket_set_blocking (socket, FALSE);
  resume_accepting (self);
}

void
fc_server_listener_set_shared (FcServerListener *self,
                               gboolean          shared)
{
  g_return_if_fail (FC_IS_SERVER_LISTENER (self));

  self->shared = shared;
}

void
fc_server_listener_stop (FcServerListener *self)
{
  g_return_if_fail (FC_IS_SERVER_LISTENER (self));

  self->stopped = TRUE;
  pause_accepting (self);
  g_clear_handle_id (&self->backoff_id, g_source_remove);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
}

void
fc_server_listener_refuse (FcServerListener  *self,
                           SoupServerMessage *message,
                           const char        *response)
{
  Connection *connection;
  SoupMessageBody *body = soup_server_message_get_request_body (message);

  g_return_if_fail (FC_IS_SERVER_LISTENER (self));

  /* Whatever libsoup still reads is dropped, not kept. */
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);

  connection = find_connection (self, message);
  if (connection == NULL || connection->state == CONNECTION_REFUSED)
    return;

  /* libsoup writes nothing while it reads a request, so the answer can go
   * straight out; ending the sending side then tells the client at once.
   * Its unread body is dropped as it comes for a moment, so it can read
   * the answer before the close resets the connection. */
  connection->state = CONNECTION_REFUSED;
  g_socket_send (connection->socket, response, strlen (response), NULL, NULL);
  g_socket_shutdown (connection->socket, FALSE, TRUE, NULL);
  set_deadline (connection, LINGER_S);
}
