/* fc-server-test-util.h — shared steps of the server integration tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

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
/* The database of a running test server, for checks behind its back. */
sqlite3        *fc_st_open_db          (FcTestServer    *server);
gint64          fc_st_query_int        (sqlite3         *db,
                                        const char      *sql);
/* A JWT's payload claim as an integer. */
gint64          fc_st_jwt_claim        (const char      *token,
                                        const char      *claim);
/* base64url without padding, as in JWTs. */
char           *fc_st_b64url           (const char      *text);
/* Registers @email with a fixed good password; returns the access token. */
char           *fc_st_register         (FcTestServer    *server,
                                        const char      *email);

#define FC_ST_PASSWORD "Sup3r-Secret-42"

G_END_DECLS
