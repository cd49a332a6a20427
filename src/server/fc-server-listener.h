/* fc-server-listener.h — fitcore-server's accept loop and connection limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup 3.2's own listener stops accepting for good after the first
 * failed accept() (EMFILE), and never closes a connection that sends
 * nothing. This one accepts itself and hands each connection to
 * soup_server_accept_iostream(); it backs off and retries when descriptors
 * run out, stops accepting at max_connections (more wait in the backlog),
 * and closes connections that miss their header or idle deadline.
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FC_TYPE_SERVER_LISTENER (fc_server_listener_get_type ())

G_DECLARE_FINAL_TYPE (FcServerListener, fc_server_listener, FC, SERVER_LISTENER, GObject)

/* Timeouts in seconds: @header_timeout for a new connection's first
 * request headers, @idle_timeout between requests and between body
 * chunks. */
FcServerListener *fc_server_listener_new          (SoupServer         *soup_server,
                                                   guint               max_connections,
                                                   guint               header_timeout,
                                                   guint               idle_timeout);
/* A listening TCP socket on @address:@port (0: any free port) with a
 * backlog fit for bursts of connections; the URL it is reachable at,
 * "http://HOST:PORT/", through @out_url. */
GSocket          *fc_server_listener_bind         (const char         *address,
                                                   guint               port,
                                                   char              **out_url,
                                                   GError            **error);
/* The socket is shared with other processes that accept on it too (the
 * workers of one supervisor): accept one connection at a time, so that
 * a burst of connections is spread over the processes rather than taken
 * by the first one woken. */
void              fc_server_listener_set_shared   (FcServerListener   *self,
                                                   gboolean            shared);
/* Takes a bound, listening socket and starts accepting on it. */
void              fc_server_listener_start        (FcServerListener   *self,
                                                   GSocket            *socket);
/* Stops accepting; open connections are left to finish. */
void              fc_server_listener_stop         (FcServerListener   *self);
/* Answers @message with @response (a whole raw HTTP response) straight on
 * its socket and closes the connection without reading the rest of the
 * request: for bodies refused from their headers. */
void              fc_server_listener_refuse       (FcServerListener   *self,
                                                   SoupServerMessage  *message,
                                                   const char         *response);

G_END_DECLS
