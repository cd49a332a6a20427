/* nutrition-test-util.h — a fitcore-server with three accounts, for the nutrition tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-test-server.h"

/* fc-sql.h's, without needing src/server's headers here */
typedef struct _FcSql FcSql;

G_BEGIN_DECLS

/* Cheap hashing keeps a test binary well under a minute. */
#define NT_CONFIG "[server]\npassword_iterations=1000\n"

#define NT_EMAIL_A "alice@fitcore.test"
#define NT_EMAIL_B "bob@fitcore.test"
#define NT_EMAIL_STAFF "admin@fitcore.test"
#define NT_PASSWORD "Correct-Horse-77"

typedef struct {
  FcTestServer *server;
  char         *token_a;      /* user id 1 */
  char         *token_b;      /* user id 2 */
  char         *token_staff;  /* user id 3, made staff in the database */
} NtFixture;

/* g_test_init() with GIO's proxy lookup off: the default resolver reads
 * GSettings, whose schemas a build machine may lack. */
void      nt_test_init         (int           *argc,
                                char        ***argv);

void      nt_fixture_set_up    (NtFixture     *fixture,
                                gconstpointer  data);
/* The same with another server config (NT_CONFIG and keys of one's own). */
void      nt_fixture_set_up_with_config (NtFixture     *fixture,
                                         const char    *config,
                                         gconstpointer  data);
void      nt_fixture_tear_down (NtFixture     *fixture,
                                gconstpointer  data);

/* Opens the server's database directly (fc_st_open_db()). */
FcSql    *nt_open_db           (FcTestServer  *server);
void      nt_make_staff        (FcTestServer  *server,
                                const char    *email);

/* The first column of the first row of @sql. */
gint64    nt_query_int         (FcSql         *db,
                                const char    *sql);
/* A list's "count", asserting 200. */
gint64    nt_count             (FcTestServer  *server,
                                const char    *path,
                                const char    *token);

/* Sends a request, asserts @status and returns the JSON body (or NULL). */
JsonNode *nt_request           (FcTestServer  *server,
                                const char    *method,
                                const char    *path,
                                const char    *token,
                                const char    *json,
                                guint          status);
/* Same, ignoring the body. */
void      nt_expect            (FcTestServer  *server,
                                const char    *method,
                                const char    *path,
                                const char    *token,
                                const char    *json,
                                guint          status);
/* Same, and returns the new object's "id". */
gint64    nt_create            (FcTestServer  *server,
                                const char    *path,
                                const char    *token,
                                const char    *json);
/* The body as the server sent it, with every created_at/updated_at value
 * replaced by "T", so whole responses can be compared with the wire file. */
char     *nt_request_text      (FcTestServer  *server,
                                const char    *method,
                                const char    *path,
                                const char    *token,
                                const char    *json,
                                guint          status);
/* Asserts that @method @path answers @status with exactly @expected. */
void      nt_assert_response   (FcTestServer  *server,
                                const char    *method,
                                const char    *path,
                                const char    *token,
                                const char    *json,
                                guint          status,
                                const char    *expected);

G_END_DECLS
