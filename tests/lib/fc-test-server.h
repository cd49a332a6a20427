/* fc-test-server.h — run the real fitcore-server for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts the fitcore-server binary named by $FITCORE_SERVER (meson sets it)
 * on 127.0.0.1 with an ephemeral port (--port 0) and a fresh data dir, and
 * talks to it with a plain synchronous SoupSession without a cookie jar, so
 * each test decides exactly which headers and cookies it sends.
 *
 * The server, given --port 0, prints "listening on http://127.0.0.1:PORT/"
 * on a line of its standard output once it accepts connections.
 *
 * With FITCORE_TEST_DATABASE=postgresql (meson test --setup postgresql) the
 * server stores its data in a fresh PostgreSQL database (tests/lib/fc-test-pg.h)
 * instead of DATA_DIR/fitcore.db: --database postgresql:///NAME?host=...
 * The database's name is kept in DATA_DIR/test-database, so a restart in the
 * same data dir (fc_test_server_start_in()) finds the same data, and it is
 * dropped with the data dir (owns_data_dir).
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  GSubprocess *process;
  char        *data_dir;
  char        *config_path;
  char        *base_url;     /* "http://127.0.0.1:PORT" */
  char        *stdout_text;  /* what the server printed before it was ready */
  SoupSession *session;
  gboolean     owns_data_dir;
  char        *database_uri; /* the libpq URI on PostgreSQL, else NULL */
  struct _FcTestPg *pg;
} FcTestServer;

typedef struct {
  guint               status;
  GBytes             *body;
  JsonNode           *json;     /* NULL when the body is not JSON */
  SoupMessageHeaders *headers;
} FcTestResponse;

/* @config: the key file text for --config, or NULL. @extra_args: more
 * arguments such as "--demo", NULL-terminated, or NULL. */
FcTestServer   *fc_test_server_start        (const char          *config,
                                             const char * const  *extra_args);
/* Same, on an existing data dir (a restart after a kill). */
FcTestServer   *fc_test_server_start_in     (const char          *data_dir,
                                             const char          *config,
                                             const char * const  *extra_args);
/* Either of the above (a fresh data dir for a %NULL @data_dir), with the
 * server's stderr (its request log) appended to @log_path instead of the
 * test's. */
FcTestServer   *fc_test_server_start_logged (const char          *data_dir,
                                             const char          *config,
                                             const char * const  *extra_args,
                                             const char          *log_path);
/* SIGTERM and wait; returns the exit status. */
int             fc_test_server_stop         (FcTestServer        *self);
/* SIGKILL and wait. */
void            fc_test_server_kill         (FcTestServer        *self);
void            fc_test_server_free         (FcTestServer        *self);

/* @token: a Bearer access token or NULL. @json: a JSON body or NULL. */
FcTestResponse *fc_test_request             (FcTestServer        *self,
                                             const char          *method,
                                             const char          *path,
                                             const char          *token,
                                             const char          *json);
/* @headers: "Name", "value" pairs, NULL-terminated, or NULL. */
FcTestResponse *fc_test_request_full        (FcTestServer        *self,
                                             const char          *method,
                                             const char          *path,
                                             const char * const  *headers,
                                             const char          *content_type,
                                             GBytes              *body);
void            fc_test_response_free       (FcTestResponse      *self);
/* The body as an object; fails the test if it is not one. */
JsonObject     *fc_test_response_object     (FcTestResponse      *self);
/* A Set-Cookie value by cookie name, or NULL. */
char           *fc_test_response_cookie     (FcTestResponse      *self,
                                             const char          *name);

/* Registers (registration/) and returns the access token; asserts 201.
 * @refresh, if not NULL, gets the refresh token from the body. */
char           *fc_test_register            (FcTestServer        *self,
                                             const char          *email,
                                             const char          *password,
                                             char               **refresh);
/* Logs in (oauth/login/) and returns the access token; asserts 200.
 * @refresh, if not NULL, gets the refresh token from its cookie. */
char           *fc_test_login               (FcTestServer        *self,
                                             const char          *email,
                                             const char          *password,
                                             char               **refresh);

/* Iterates the thread-default main context until *@flag is TRUE or
 * @seconds pass; returns *@flag. */
gboolean        fc_test_run_until           (const gboolean      *flag,
                                             guint                seconds);

/* A connection of the test's own to the server at @base_url, for what a
 * SoupSession will not do (a body cut short, headers sent before the
 * body); writes and the answer's status code on it. Assert on failure. */
GSocketConnection *fc_test_connect_raw      (const char          *base_url);
void           fc_test_write_all            (GSocketConnection   *connection,
                                             const void          *data,
                                             gsize                size);
guint          fc_test_read_status          (GSocketConnection   *connection);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcTestServer, fc_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcTestResponse, fc_test_response_free)

G_END_DECLS
