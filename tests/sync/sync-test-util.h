/* sync-test-util.h — waiting on async calls, and looking into the stores
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-session.h"
#include "fc-sync-engine.h"
#include "fc-test-server.h"

G_BEGIN_DECLS

/* Fast hashing for tests; each test adds its own token lifetimes. */
#define SYNC_TEST_CONFIG "[server]\npassword_iterations=1000\n"
#define SYNC_TEST_PASSWORD "Sup3r-Secret-42"

/* A GAsyncReadyCallback that puts the result in the GAsyncResult * slot
 * @user_data points to; sync_test_wait() iterates the default context
 * until it is there, and returns it (owned). */
void          sync_test_done_cb             (GObject       *source,
                                             GAsyncResult  *result,
                                             gpointer       user_data);
GAsyncResult *sync_test_wait                (GAsyncResult **slot);
/* Iterates the default context until @condition (re-read each time) holds
 * or @timeout_s passes; returns whether it held. */
gboolean      sync_test_wait_until          (gboolean      *condition,
                                             guint          timeout_s);
void          sync_test_sleep               (guint          ms);

gboolean      sync_test_run                 (FcSyncEngine  *engine,
                                             GError       **error);
void          sync_test_sign_in             (FcSession     *session,
                                             const char    *url,
                                             const char    *email,
                                             const char    *password);
void          sync_test_register            (FcSession     *session,
                                             const char    *url,
                                             const char    *email);

FcStore      *sync_test_open_store          (const char    *server_key,
                                             const char    *account);
/* The five fields a food needs, as a new object. */
JsonObject   *sync_test_food_fields         (const char    *name,
                                             double         calories);
FcOutboxItem *sync_test_create_food         (FcStore       *store,
                                             const char    *name,
                                             double         calories);
void          sync_test_counts              (FcStore       *store,
                                             guint         *pending,
                                             guint         *rejected);
GPtrArray    *sync_test_outbox              (FcStore       *store,
                                             gboolean       attention_only);
gint64        sync_test_store_count         (FcStore       *store,
                                             const char    *sql);
/* A key of the store's sync_state (NULL: not set), and setting one. */
char         *sync_test_get_sync_value      (FcStore       *store,
                                             const char    *key);
void          sync_test_set_sync_value      (FcStore       *store,
                                             const char    *key,
                                             const char    *value);

/* "http://127.0.0.1:PORT/" of a test server, as the client normalizes it. */
char         *sync_test_url                 (FcTestServer  *server);
/* A number the server's database answers to @sql (one ?1 text parameter
 * bound to @arg, or none), read-only beside the running server. */
gint64        sync_test_server_count        (FcTestServer  *server,
                                             const char    *sql,
                                             const char    *arg);
/* How often each text in the first column of @sql's rows came, text →
 * GUINT_TO_POINTER (times): many values checked with one connection, which
 * matters on PostgreSQL, where each new one costs a backend. */
GHashTable   *sync_test_server_tally        (FcTestServer  *server,
                                             const char    *sql);

/* The real fitcore-server with its request log (its stderr, one line a
 * request: "DATE TIME METHOD PATH STATUS MSms user=ID|-") in a file, so a
 * test can count the requests a client made. */
typedef struct {
  char  *path;
  gsize  offset;  /* where the lines not yet taken start */
} SyncTestLog;

/* @data_dir: (nullable): an existing data dir, or NULL for a fresh one. */
FcTestServer *sync_test_server_start_logged (const char          *data_dir,
                                             const char          *config,
                                             const char * const  *extra_args,
                                             SyncTestLog        **out_log);
void          sync_test_log_free            (SyncTestLog   *log);
/* The requests logged since the last take, as "METHOD PATH STATUS user=ID",
 * oldest first. */
GPtrArray    *sync_test_log_take            (SyncTestLog   *log);
/* Iterates the default context until a request line containing @needle is
 * logged, and takes the lines up to it (it included); those after it stay
 * for the next take. NULL if it did not come within @timeout_s. */
GPtrArray    *sync_test_log_take_until      (SyncTestLog   *log,
                                             const char    *needle,
                                             guint          timeout_s);
/* How many of @lines contain @needle. */
guint         sync_test_lines_count         (GPtrArray     *lines,
                                             const char    *needle);

/* Takes the health requests out of @lines (against a server with health
 * a sync pulls health/data/?since=, and health/goals/ once a session:
 * tests/sync/test-sync-health.c counts those) and returns how many. */
guint         sync_test_take_health         (GPtrArray     *lines);

/* Iterates until @engine has not been syncing for @quiet_ms in a row (or
 * @timeout_s passes; then the test fails). */
void          sync_test_wait_quiet          (FcSyncEngine  *engine,
                                             guint          quiet_ms,
                                             guint          timeout_s);

/* The demo account of `fitcore-server --demo`. */
#define SYNC_TEST_DEMO_EMAIL "demo@fitcore.local"
#define SYNC_TEST_DEMO_PASSWORD "fitcore-demo"

/* The demo server, logging, and @session signed in to it. */
FcTestServer *sync_test_start_demo          (SyncTestLog  **out_log,
                                             FcSession     *session);
/* Each of @lines as a test message, after @what. */
void          sync_test_log_lines           (const char    *what,
                                             GPtrArray     *lines);
/* Asks @engine for a background sync, waits until it is over, and takes
 * (and logs) the requests it sent. */
GPtrArray    *sync_test_background_sync     (FcSyncEngine  *engine,
                                             SyncTestLog   *log,
                                             const char    *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncTestLog, sync_test_log_free)

G_END_DECLS
