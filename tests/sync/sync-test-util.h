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

/* "http://127.0.0.1:PORT/" of a test server, as the client normalizes it. */
char         *sync_test_url                 (FcTestServer  *server);
/* A number the server's database answers to @sql (one ?1 text parameter
 * bound to @arg, or none), read-only beside the running server. */
gint64        sync_test_server_count        (FcTestServer  *server,
                                             const char    *sql,
                                             const char    *arg);

G_END_DECLS
