/* store-test-util.h — synchronous wrappers over FcStore for tests and
 * benchmarks: each spins the thread-default main context until its
 * callback has run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-store.h"

G_BEGIN_DECLS

#define ST_SERVER "http://127.0.0.1:8000/api/v1/"
#define ST_ACCOUNT "user@fitcore.test"

void          st_result_cb   (GObject       *source,
                              GAsyncResult  *result,
                              gpointer       user_data);
GAsyncResult *st_wait        (GAsyncResult **slot);

FcStore      *st_open        (void);
void          st_upsert      (FcStore      *store,
                              const char   *resource,
                              const char   *json_array);
FcOutboxItem *st_create      (FcStore      *store,
                              const char   *resource,
                              const char   *json_object);
FcOutboxItem *st_update      (FcStore      *store,
                              const char   *resource,
                              gint64        id,
                              const char   *json_object);
FcOutboxItem *st_delete      (FcStore      *store,
                              const char   *resource,
                              gint64        id);
FcOutboxItem *st_save_profile (FcStore     *store,
                               const char  *json_object);
FcOutboxItem *st_peek        (FcStore      *store);
gboolean      st_complete    (FcStore      *store,
                              gint64        row_id,
                              const char   *json_response,
                              GError      **error);
void          st_reject      (FcStore      *store,
                              gint64        row_id,
                              guint         status,
                              const char   *message,
                              const char   *json_errors);
void          st_discard     (FcStore      *store,
                              gint64        row_id);
void          st_retry       (FcStore      *store,
                              gint64        row_id,
                              const char   *json_body);
JsonObject   *st_get         (FcStore      *store,
                              const char   *resource,
                              gint64        id,
                              GError      **error);
GPtrArray    *st_search      (FcStore      *store,
                              const char   *query,
                              const char   *category,
                              guint         limit,
                              GError      **error);
GPtrArray    *st_outbox      (FcStore      *store,
                              gboolean      attention_only);
void          st_close       (FcStore      *store);
gint64        st_sql_int     (const char   *path,
                              const char   *sql);
char         *st_sql_text    (const char   *path,
                              const char   *sql);
JsonObject   *st_object      (const char   *json);
JsonArray    *st_array       (const char   *json);

/* The fdatasync() that answers a user's write (src/store/fc-store.c),
 * watched: each flush's path is kept; with @hold the flushes wait at a
 * gate until st_flushes_release(). */
void          st_flushes_watch   (gboolean     hold);
void          st_flushes_release (void);
void          st_flushes_fail    (void);
/* Flushes held at the gate once @n are (or @seconds have passed): the
 * store's flush thread may reach the gate after the write's announcement
 * and everything it started. */
guint         st_flushes_wait_held (guint      n,
                                    guint      seconds);
/* Flushes done of @path, or of any file for %NULL */
guint         st_flushes_count   (const char  *path);
void          st_flushes_unwatch (void);

G_END_DECLS
