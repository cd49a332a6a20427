/* fc-server-private.h — what fc-server.c and fc-server-request.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "fc-server.h"

G_BEGIN_DECLS

typedef struct {
  GBytes *data;
  char   *filename;
  char   *content_type;
} FcUploadedFile;

/* The request's Range header, taken off the request (a string on the
 * SoupServerMessage) so that only fc_media_serve() answers ranges. */
#define FC_SERVER_RANGE_DATA "fc-range"

struct _FcServerRequest {
  int                 ref_count;

  /* owned */
  FcServer           *server;
  SoupServerMessage  *message;
  GHashTable         *params;        /* name → string */
  GHashTable         *query;         /* name → string (last value wins) */
  GHashTable         *cookies;       /* name → string */
  GHashTable         *files;         /* name → FcUploadedFile */
  JsonObject         *body;
  char               *base_url;
  char               *idempotency_key;
  char               *forwarded_for; /* the client behind a trusted proxy */

  gpointer            prefetched;    /* a route's prefetch's, for its handler */
  GDestroyNotify      prefetched_free;

  /* borrowed */
  const FcRoute      *route;

  gint64              user_id;
  gint64              started_us;
  gint64              page;
  gint64              page_size;
  gint64              max_page_size; /* 0: 100; a handler may raise it */
  guint               status;
  guint               is_staff : 1;
  guint               responded : 1;
  guint               paused : 1;
  guint               finished : 1;
};

FcServerRequest *fc_server_request_new       (FcServer           *server,
                                              SoupServerMessage  *message);
/* Parses the body into ->body/->files; FALSE after answering 400/413/415. */
gboolean         fc_server_request_parse_body (FcServerRequest   *self);
/* Sets the raw response (a replay, a media file, a non-JSON answer). */
void             fc_server_request_respond_raw (FcServerRequest  *self,
                                                guint             status,
                                                const char       *content_type,
                                                GBytes           *body);
/* Python's json.dumps(separators=(",", ":"), ensure_ascii=False), which is
 * what DRF sends: floats keep their ".0" and print as Python's repr. */
char            *fc_server_json_to_string     (JsonNode          *node);

/* In fc-server.c: called when a response is set, for idempotency records. */
void             fc_server_record_response    (FcServer          *self,
                                               FcServerRequest   *request,
                                               const char        *content_type,
                                               GBytes            *body);

/* In fc-server.c: the status the server answered @message with, for its
 * request log line (libsoup marks an answer it could not write 500). */
void             fc_server_note_answer        (SoupServerMessage *message,
                                               guint              status);

/* In fc-server.c: a message whose connection was taken over (a WebSocket
 * upgrade) gets no "finished"; this logs it and stops counting it as a
 * request in flight. */
void             fc_server_forget_message     (FcServer          *self,
                                               SoupServerMessage *message);

G_END_DECLS
