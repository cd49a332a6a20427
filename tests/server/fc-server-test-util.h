/* fc-server-test-util.h — shared steps of the server integration tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-sql.h"
#include "fc-test-server.h"

G_BEGIN_DECLS

/* Call before g_test_init(): the tests' SoupSession must not load a proxy
 * resolver that needs GSettings schemas a bare machine lacks. */
void            fc_st_init_environment (void);
/* Cheap hashing for tests; @extra is more [server] lines or NULL. */
FcTestServer   *fc_st_start            (const char      *extra,
                                        gboolean         demo);
/* The body as text (NUL-terminated copy). */
char           *fc_st_body             (FcTestResponse  *response);
/* Asserts the status and the exact body text. */
void            fc_st_assert_response  (FcTestResponse  *response,
                                        guint            status,
                                        const char      *body);
/* A request with extra "Name", "value" header pairs (NULL-terminated). */
FcTestResponse *fc_st_request          (FcTestServer    *server,
                                        const char      *method,
                                        const char      *path,
                                        const char      *token,
                                        const char      *json,
                                        ...) G_GNUC_NULL_TERMINATED;
/* Every Set-Cookie header value, in order. */
GPtrArray      *fc_st_set_cookies      (FcTestResponse  *response);
/* The database of a running test server, for checks behind its back:
 * its SQLite file, or its PostgreSQL database under --setup postgresql. */
FcSql          *fc_st_open_db          (FcTestServer    *server);
/* The first column of the first row of @sql. */
gint64          fc_st_query_int        (FcSql           *db,
                                        const char      *sql);
/* Runs @sql, which must succeed. */
void            fc_st_exec             (FcSql           *db,
                                        const char      *sql);
/* A JWT's payload claim as an integer. */
gint64          fc_st_jwt_claim        (const char      *token,
                                        const char      *claim);
/* base64url without padding, as in JWTs. */
char           *fc_st_b64url           (const char      *text);
/* A JWT of exactly this header and payload, signed HS256 as PyJWT does:
 * for tokens fc_jwt_encode() would never make. */
char           *fc_st_jwt_sign         (const char      *secret,
                                        const char      *header,
                                        const char      *payload);
/* Registers @email with a fixed good password; returns the access token. */
char           *fc_st_register         (FcTestServer    *server,
                                        const char      *email);

/* An answer read off a plain socket: for requests a SoupSession would not
 * send (raw bytes in the path, a forged Host) or from another local
 * address. */
typedef struct {
  guint   status;     /* 0: the connection closed without an answer */
  char   *head;       /* status line and headers */
  GBytes *body;
} FcStRaw;

/* Sends @request (a whole HTTP/1.1 request, sent as is) to @server from
 * @local_ip (NULL: any) and reads until the server closes. */
FcStRaw        *fc_st_raw_send         (FcTestServer    *server,
                                        const char      *local_ip,
                                        const char      *request,
                                        gsize            length);
/* A POST with a JSON body and "Connection: close"; @extra_headers are more
 * "Name: value\r\n" lines or NULL. */
FcStRaw        *fc_st_raw_post         (FcTestServer    *server,
                                        const char      *local_ip,
                                        const char      *path,
                                        const char      *extra_headers,
                                        const char      *body,
                                        gsize            length);
/* A header's value (the first), or NULL. */
char           *fc_st_raw_header       (FcStRaw         *raw,
                                        const char      *name);
void            fc_st_raw_free         (FcStRaw         *raw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcStRaw, fc_st_raw_free)

/* One of many requests sent at once, each on its own thread and
 * connection; the fields after @body are filled in. */
typedef struct {
  const char *local_ip;    /* NULL: any */
  const char *path;
  const char *body;        /* JSON */
  gint64      delay_us;    /* before sending */
  guint       status;
  gint64      latency_us;  /* from sending to the end of the answer */
  gint64      retry_after; /* seconds, 0 when absent */
} FcStAttempt;

/* Sends every attempt at once and waits for all the answers. */
void            fc_st_raw_post_all     (FcTestServer    *server,
                                        FcStAttempt     *attempts,
                                        guint            n);
guint           fc_st_attempts_count   (FcStAttempt     *attempts,
                                        guint            n,
                                        guint            status);

#define FC_ST_PASSWORD "Sup3r-Secret-42"

G_END_DECLS
