/* fc-fuzz-http.h — raw HTTP/1.1 exchanges for the server fuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup's client only writes well-formed requests; these helpers write any
 * bytes over a plain socket, in pieces with pauses between them, and read
 * one answer with a deadline of our own, so a server that never answers
 * cannot hang the fuzzer.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean  connected;
  gboolean  sent_all;      /* every piece went out */
  gboolean  answered;      /* a status line and headers arrived */
  gboolean  complete;      /* and the whole body (by length, chunks or close) */
  gboolean  timed_out;     /* the deadline passed first */
  gboolean  closed;        /* the server closed or reset the connection */
  guint     status;
  char     *content_type;  /* lower case, without parameters, or NULL */
  GBytes   *body;          /* de-chunked; NULL until answered */
  gsize     received;      /* raw bytes read, headers included */
  double    seconds;       /* from connecting to the end of the answer */
} FcFuzzAnswer;

/* Sends @pieces (GBytes) with @pause_ms between them and reads one answer
 * until @timeout_ms after the last piece. @head: the answer has no body.
 * @keep_fd, if not NULL, gets the open socket instead of closing it (to hold
 * a half-sent request open); -1 if it could not connect. */
FcFuzzAnswer *fc_fuzz_http_exchange (guint16     port,
                                     GPtrArray  *pieces,
                                     guint       pause_ms,
                                     gboolean    head,
                                     guint       timeout_ms,
                                     int        *keep_fd);
void          fc_fuzz_answer_free   (FcFuzzAnswer *answer);

/* TRUE when @answer is JSON by its type and its body is UTF-8 JSON, or is
 * not JSON at all; FALSE for a JSON answer that does not parse. */
gboolean      fc_fuzz_answer_json_ok (const char *content_type,
                                      GBytes     *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcFuzzAnswer, fc_fuzz_answer_free)

G_END_DECLS
