/* fc-store-private.h — what the store's files share, all of it worker-side
 * except the item structs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "fc-db.h"
#include "fc-store.h"

G_BEGIN_DECLS

struct _FcFoodItem {
  GObject parent_instance;

  gint64  id;
  char   *name;
  char   *description;
  double  serving_quantity;
  char   *serving_unit;
  double  calories;
  double  protein;
  double  carbohydrates;
  double  fat;
  char   *category;
  guint   is_public : 1;
  guint   is_own : 1;
  guint   dirty : 1;
};

struct _FcOutboxItem {
  GObject parent_instance;

  gint64         id;
  char          *method;
  char          *path;
  char          *body;
  char          *idempotency_key;
  char          *resource;
  gint64         object_id;
  FcOutboxState  state;
  guint          attempts;
  gint64         next_attempt;
  guint          http_status;
  char          *error_message;
  char          *field_errors;
  gint64         created_at;
  char          *subject;
};

/* The connection and everything tied to it. Only the store's worker thread
 * ever touches it (or a list model's reader thread, its own). */
typedef struct {
  FcDb       *conn;         /* src/db/fc-db.h: statements, transactions */
  sqlite3    *handle;       /* borrowed from conn */
  char       *path;
  GPtrArray  *tx_changes;   /* resources touched by the open transaction */
  GPtrArray  *changes;      /* committed resources not announced yet */
  char       *account_email;
  /* borrowed from conn's statement cache: the bulk upserts skip hashing
   * their long SQL */
  sqlite3_stmt *upsert_stmts[12];
  /* fc-store-health.c: the rollups of the type last charted, in memory */
  gpointer       health_cache;
  /* Durable commits whose fsync comes after: see fc_store_db_begin() */
  gboolean       wal_fd_open;   /* wal_fd is ours (a zeroed struct has none) */
  int            wal_fd;        /* the -wal file, read-only, for fdatasync() */
  gboolean       wal_synced;    /* a FULL commit has synced the -wal's folder */
  gboolean       tx_full;       /* the open transaction commits FULL */
  gboolean       tx_durable;    /* the open transaction owes an fsync */
  gboolean       sync_owed;     /* a commit since the last take_sync_fd() does */
} FcStoreDb;

/* Runs on the worker. Returns FALSE with @error set, or TRUE and a result
 * for the caller's _finish (freed with @result_free if never taken). */
typedef gboolean (*FcStoreJobFunc) (FcStoreDb       *db,
                                    gpointer         data,
                                    gpointer        *result,
                                    GDestroyNotify  *result_free,
                                    GError         **error);

/* Arguments of one call, copied so the caller may change its own. */
typedef struct {
  const char *resource;     /* interned */
  gint64      id;
  gint64      number;
  JsonObject *object;
  JsonArray  *array;
  JsonNode   *node;
  char       *text;
  char       *text2;
  GStrv       strv;
  GArray     *ids;
  GBytes     *bytes;
} FcStoreArgs;

void           fc_store_args_free         (FcStoreArgs *args);

/* fc-store.c: queueing a job from the store's other files */
FcStoreArgs   *fc_store_args_new          (const char          *resource,
                                           gint64               id);
void           fc_store_submit            (FcStore             *self,
                                           FcStoreJobFunc       func,
                                           FcStoreArgs         *args,
                                           gpointer             source_tag,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gpointer       fc_store_finish            (FcStore             *self,
                                           GAsyncResult        *result,
                                           gpointer             source_tag,
                                           GError             **error);
gboolean       fc_store_finish_boolean    (FcStore             *self,
                                           GAsyncResult        *result,
                                           gpointer             source_tag,
                                           GError             **error);

/* fc-store.c: how a durable job's WAL reaches the disk (fdatasync()) */
typedef int (*FcStoreFlushFunc) (int fd);
void           fc_store_set_flush_func_for_testing (FcStoreFlushFunc func);

/* fc-store-db.c */
gboolean       fc_store_db_open           (FcStoreDb   *db,
                                           const char  *path,
                                           GError     **error);
void           fc_store_db_close          (FcStoreDb   *db);
gboolean       fc_store_db_fail           (FcStoreDb   *db,
                                           int          rc,
                                           GError     **error);
sqlite3_stmt  *fc_store_db_stmt           (FcStoreDb   *db,
                                           const char  *sql,
                                           GError     **error);
gboolean       fc_store_db_exec           (FcStoreDb   *db,
                                           const char  *sql,
                                           GError     **error);
gboolean       fc_store_db_step_done      (FcStoreDb    *db,
                                           sqlite3_stmt *stmt,
                                           GError      **error);
int            fc_store_db_step           (FcStoreDb    *db,
                                           sqlite3_stmt *stmt,
                                           GError      **error);
gboolean       fc_store_db_begin          (FcStoreDb   *db,
                                           GError     **error);
gboolean       fc_store_db_begin_bulk     (FcStoreDb   *db,
                                           GError     **error);
gboolean       fc_store_db_commit         (FcStoreDb   *db,
                                           GError     **error);
void           fc_store_db_rollback       (FcStoreDb   *db);
int            fc_store_db_take_sync_fd   (FcStoreDb   *db,
                                           GError     **error);
void           fc_store_db_touch          (FcStoreDb   *db,
                                           const char  *resource);

/* fc-db.h's own, under the names the store's files use. */
#define fc_store_bind_text   fc_db_bind_text
#define fc_store_column_text fc_db_column_text

gint64         fc_store_db_next_local_id  (FcStoreDb   *db,
                                           GError     **error);

/* fc-store-schema.c */
const char * const *fc_store_schema_migrations (guint *n_migrations);

/* fc-store-resource.c: server objects ↔ rows */
typedef struct _FcResource FcResource;

const FcResource *fc_resource_lookup      (const char  *name);
const char       *fc_resource_name        (const FcResource *resource);
gboolean          fc_resource_is_singleton (const FcResource *resource);
char             *fc_resource_path        (const FcResource *resource,
                                           gint64            id);
gboolean          fc_resource_upsert      (FcStoreDb        *db,
                                           const FcResource *resource,
                                           JsonObject       *object,
                                           gboolean          force,
                                           GError          **error);
gboolean          fc_resource_upsert_page (FcStoreDb        *db,
                                           const FcResource *resource,
                                           JsonArray        *page,
                                           GError          **error);
gboolean          fc_resource_upsert_json_page (FcStoreDb        *db,
                                                const FcResource *resource,
                                                GBytes           *page,
                                                GError          **error);
gboolean          fc_resource_has_children (const FcResource *resource);
gboolean          fc_resource_apply       (FcStoreDb        *db,
                                           const FcResource *resource,
                                           gint64            id,
                                           JsonObject       *changes,
                                           gboolean          local,
                                           GError          **error);
gboolean          fc_resource_delete      (FcStoreDb        *db,
                                           const FcResource *resource,
                                           gint64            id,
                                           GError          **error);
gboolean          fc_resource_delete_clean (FcStoreDb       *db,
                                           const FcResource *resource,
                                           gint64            id,
                                           GError          **error);
gboolean          fc_resource_set_dirty   (FcStoreDb        *db,
                                           const FcResource *resource,
                                           gint64            id,
                                           gboolean          dirty,
                                           GError          **error);
JsonObject       *fc_resource_load        (FcStoreDb        *db,
                                           const FcResource *resource,
                                           gint64            id,
                                           GError          **error);
JsonArray        *fc_resource_load_all    (FcStoreDb        *db,
                                           const FcResource *resource,
                                           GError          **error);
gboolean          fc_resource_remap       (FcStoreDb        *db,
                                           const FcResource *resource,
                                           gint64            local_id,
                                           gint64            server_id,
                                           GError          **error);
void              fc_store_db_load_account_email (FcStoreDb *db);
gboolean          fc_resource_remove_missing (FcStoreDb       *db,
                                              const FcResource *resource,
                                              GArray          *server_ids,
                                              GError         **error);
gboolean          fc_resource_validate    (const FcResource *resource,
                                           JsonObject       *fields,
                                           GError          **error);

/* fc-store-foods.c */
gboolean fc_store_foods_list   (FcStoreDb *db, gpointer data, gpointer *result,
                                GDestroyNotify *result_free, GError **error);
gboolean fc_store_foods_search (FcStoreDb *db, gpointer data, gpointer *result,
                                GDestroyNotify *result_free, GError **error);
char   **fc_store_search_terms (const char *text);
gboolean fc_store_foods_index_deferred (FcStoreDb *db, gboolean *out_deferred, GError **error);
gboolean fc_store_foods_defer_index    (FcStoreDb *db, GError **error);
gboolean fc_store_foods_build_index    (FcStoreDb *db, GError **error);

/* fc-store-outbox.c: the worker side of every user write and outbox call */
gboolean fc_store_outbox_write    (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_peek     (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_sending  (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_complete (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_reject   (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_defer    (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_retry    (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_discard  (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_list     (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_counts   (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);

/* Queues a request in the open transaction; @resource and @method are
 * static strings. Returns the row's id, or 0 with @error set. */
gint64   fc_store_outbox_enqueue  (FcStoreDb   *db,
                                   const char  *method,
                                   const char  *path,
                                   JsonObject  *body,
                                   const char  *resource,
                                   gint64       object_id,
                                   gboolean     creates,
                                   JsonObject  *revert,
                                   GError     **error);
/* Whether rows for @resource's object @object_id wait in the outbox. */
gboolean fc_store_outbox_has_rows (FcStoreDb   *db,
                                   const char  *resource,
                                   gint64       object_id,
                                   gboolean    *out_has_rows,
                                   GError     **error);
gboolean fc_store_outbox_claim    (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);
gboolean fc_store_outbox_save_progress (FcStoreDb *db, gpointer data, gpointer *result,
                                        GDestroyNotify *result_free, GError **error);

/* fc-store-workouts.c */
gboolean fc_store_workouts_list   (FcStoreDb *db, gpointer data, gpointer *result,
                                   GDestroyNotify *result_free, GError **error);

/* fc-store-health.c: the outbox's health rows ("health", "health_goals"),
 * settled in the outbox's transaction once the row is gone (sent, with the
 * server's @answer, or discarded, with the row's @revert) */
gboolean fc_store_health_owns     (const char  *resource);
gboolean fc_store_health_settle   (FcStoreDb   *db,
                                   const char  *resource,
                                   const char  *method,
                                   gint64       object_id,
                                   JsonObject  *answer,
                                   const char  *revert,
                                   GError     **error);

void     fc_store_health_cache_free (gpointer cache);

/* Outbox write kinds, in FcStoreArgs.number for fc_store_outbox_write(). */
typedef enum {
  FC_STORE_WRITE_CREATE,
  FC_STORE_WRITE_UPDATE,
  FC_STORE_WRITE_DELETE,
} FcStoreWriteKind;

G_END_DECLS
