/* fc-store.c — the app's offline SQLite store and its outbox
 *
 * One dedicated thread owns the connection; every public call queues a job
 * for it and returns at once. FcStore::changed for what a job committed,
 * then its result, come back on the caller's main context. A job whose
 * commit must reach the disk first (a user's write) announces its changes
 * at once and is answered by a second thread once the WAL is flushed,
 * while the first goes on: the sync engine sends a write while the disk
 * takes it. Changes are announced in job order; a durable job's result
 * may come after those of the jobs queued behind it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fc-json.h"
#include "fc-store.h"
#include "fc-store-private.h"

struct _FcStore {
  GObject      parent_instance;

  /* owned */
  GAsyncQueue *queue;
  GThread     *thread;
  GAsyncQueue *sync_queue;   /* jobs waiting for their fdatasync() */
  GThread     *sync_thread;
  char        *path;
};

G_DEFINE_FINAL_TYPE (FcStore, fc_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (fc-store-error-quark, fc_store_error)

enum {
  SIGNAL_CHANGED,
  SIGNAL_WRITE_SUBMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  FcStoreJobFunc  func;       /* NULL asks the worker to stop */
  FcStoreArgs    *args;
  GTask          *task;
  gpointer        result;
  GDestroyNotify  result_free;
  GError         *error;
  GPtrArray      *changes;
  int             sync_fd;    /* the WAL to flush before answering, or -1 */
} Job;

typedef struct {
  GAsyncQueue *queue;
  GAsyncQueue *sync_queue;
} Queues;

static void
job_free (Job *job)
{
  if (job->result_free != NULL && job->result != NULL)
    job->result_free (job->result);
  g_clear_pointer (&job->args, fc_store_args_free);
  g_clear_pointer (&job->changes, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_clear_object (&job->task);
  g_free (job);
}

void
fc_store_args_free (FcStoreArgs *args)
{
  g_clear_pointer (&args->object, json_object_unref);
  g_clear_pointer (&args->array, json_array_unref);
  g_clear_pointer (&args->node, json_node_unref);
  g_free (args->text);
  g_free (args->text2);
  g_strfreev (args->strv);
  g_clear_pointer (&args->ids, g_array_unref);
  g_clear_pointer (&args->bytes, g_bytes_unref);
  g_free (args);
}

static FcStoreArgs *
args_new (const char *resource,
          gint64      id)
{
  FcStoreArgs *args = g_new0 (FcStoreArgs, 1);

  args->resource = g_intern_string (resource);
  args->id = id;
  return args;
}

/* A deep copy: the worker reads it later, the caller may keep editing. */
static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;

  if (object == NULL)
    return NULL;
  node = json_node_init_object (json_node_alloc (), object);
  copy = json_node_copy (node);
  return json_node_dup_object (copy);
}

static void
emit_changes (FcStore   *self,
              GPtrArray *changes)
{
  for (guint i = 0; changes != NULL && i < changes->len; i++) {
    const char *resource = changes->pdata[i];

    g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (resource), resource);
  }
}

/* Back on the caller's context: announce (unless done already), then
 * answer. */
static gboolean
job_complete_cb (gpointer user_data)
{
  Job *job = user_data;
  FcStore *self = g_task_get_source_object (job->task);

  emit_changes (self, job->changes);

  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_pointer (job->task, g_steal_pointer (&job->result), job->result_free);
  job_free (job);
  return G_SOURCE_REMOVE;
}

static gboolean
open_job (FcStoreDb       *db,
          gpointer         data,
          gpointer        *result,
          GDestroyNotify  *result_free,
          GError         **error)
{
  FcStoreArgs *args = data;
  gboolean deferred;

  if (!fc_store_db_open (db, args->text, error)) {
    fc_store_db_close (db);
    return FALSE;
  }
  fc_store_db_load_account_email (db);
  /* A first pull that did not end (a crash, no network since) left the
   * search index to build: the search reads the whole table until then. */
  if (!fc_store_foods_index_deferred (db, &deferred, error))
    goto failed;
  if (deferred) {
    if (!fc_store_db_begin_bulk (db, error))
      goto failed;
    if (!fc_store_foods_build_index (db, error)) {
      fc_store_db_rollback (db);
      goto failed;
    }
    if (!fc_store_db_commit (db, error))
      goto failed;
  }
  return TRUE;

failed:
  fc_store_db_close (db);
  return FALSE;
}

typedef struct {
  FcStore   *store;
  GPtrArray *changes;
} Announcement;

static void
announcement_free (gpointer data)
{
  Announcement *announcement = data;

  g_object_unref (announcement->store);
  g_ptr_array_unref (announcement->changes);
  g_free (announcement);
}

static gboolean
announce_cb (gpointer data)
{
  Announcement *announcement = data;

  emit_changes (announcement->store, announcement->changes);
  return G_SOURCE_REMOVE;
}

static void
complete_on_caller (Job *job)
{
  g_main_context_invoke_full (g_task_get_context (job->task), g_task_get_priority (job->task),
                              job_complete_cb, job, NULL);
}

static FcStoreFlushFunc flush_func = fdatasync;

/* Tests watch and hold the flush; %NULL puts fdatasync() back. */
void
fc_store_set_flush_func_for_testing (FcStoreFlushFunc func)
{
  g_atomic_pointer_set (&flush_func, func != NULL ? func : fdatasync);
}

/* The sync thread: answers each durable job once its WAL is on the disk. */
static gpointer
sync_main (gpointer data)
{
  GAsyncQueue *sync_queue = data;

  for (;;) {
    Job *job = g_async_queue_pop (sync_queue);
    FcStoreFlushFunc flush = g_atomic_pointer_get (&flush_func);

    if (job->func == NULL) {
      job_free (job);
      break;
    }
    if (flush (job->sync_fd) != 0 && job->error == NULL)
      g_set_error (&job->error, FC_STORE_ERROR, FC_STORE_ERROR_FAILED,
                   "Could not write the offline store to the disk: %s", g_strerror (errno));
    g_close (job->sync_fd, NULL);
    job->sync_fd = -1;
    complete_on_caller (job);
  }
  g_async_queue_unref (sync_queue);
  return NULL;
}

static gpointer
worker_main (gpointer data)
{
  Queues *queues = data;
  GAsyncQueue *queue = queues->queue;
  GAsyncQueue *sync_queue = queues->sync_queue;
  FcStoreDb db = { 0 };

  g_free (queues);
  for (;;) {
    Job *job = g_async_queue_pop (queue);

    if (job->func == NULL) {
      job_free (job);
      break;
    }

    /* A cancelled job never starts; a started one runs to its commit. */
    if (g_cancellable_is_cancelled (g_task_get_cancellable (job->task)))
      g_cancellable_set_error_if_cancelled (g_task_get_cancellable (job->task), &job->error);
    else if (db.handle == NULL && job->func != open_job)
      g_set_error_literal (&job->error, FC_STORE_ERROR, FC_STORE_ERROR_OPEN,
                           "The offline store is not open");
    else
      job->func (&db, job->args, &job->result, &job->result_free, &job->error);

    /* A job that failed half-way must not leave its transaction open. */
    if (db.handle != NULL)
      fc_store_db_rollback (&db);

    if (db.changes != NULL && db.changes->len > 0) {
      job->changes = g_steal_pointer (&db.changes);
      db.changes = g_ptr_array_new ();
    }

    job->sync_fd = -1;
    if (db.handle != NULL) {
      g_autoptr(GError) flush_error = NULL;

      job->sync_fd = fc_store_db_take_sync_fd (&db, &flush_error);
      if (flush_error != NULL && job->error == NULL)
        job->error = g_steal_pointer (&flush_error);
    }
    if (job->sync_fd < 0) {
      complete_on_caller (job);
      continue;
    }
    if (job->changes != NULL) {
      Announcement *announcement = g_new0 (Announcement, 1);

      announcement->store = g_object_ref (g_task_get_source_object (job->task));
      announcement->changes = g_steal_pointer (&job->changes);
      g_main_context_invoke_full (g_task_get_context (job->task), g_task_get_priority (job->task),
                                  announce_cb, announcement, announcement_free);
    }
    g_async_queue_push (sync_queue, job);
  }

  fc_store_db_close (&db);
  g_async_queue_unref (queue);
  g_async_queue_unref (sync_queue);
  return NULL;
}

static void
submit (FcStore             *self,
        FcStoreJobFunc       func,
        FcStoreArgs         *args,
        gpointer             source_tag,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->args = args;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  g_async_queue_push (self->queue, job);
}

static gpointer
finish_pointer (FcStore       *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
finish_boolean (FcStore       *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  finish_pointer (self, result, source_tag, &local_error);
  if (local_error != NULL) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return TRUE;
}

/* The same, for the store's other files (fc-store-health.c). */
FcStoreArgs *
fc_store_args_new (const char *resource,
                   gint64      id)
{
  return args_new (resource, id);
}

void
fc_store_submit (FcStore             *self,
                 FcStoreJobFunc       func,
                 FcStoreArgs         *args,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  submit (self, func, args, source_tag, cancellable, callback, user_data);
}

gpointer
fc_store_finish (FcStore       *self,
                 GAsyncResult  *result,
                 gpointer       source_tag,
                 GError       **error)
{
  return finish_pointer (self, result, source_tag, error);
}

gboolean
fc_store_finish_boolean (FcStore       *self,
                         GAsyncResult  *result,
                         gpointer       source_tag,
                         GError       **error)
{
  return finish_boolean (self, result, source_tag, error);
}

static void
fc_store_finalize (GObject *object)
{
  FcStore *self = (FcStore *) object;
  Job *quit = g_new0 (Job, 1);

  /* Every job holds a reference on us, so the queue is empty: join, so
   * the file is closed when the last reference is gone. */
  g_async_queue_push (self->queue, quit);
  if (g_thread_self () != self->thread)
    g_thread_join (self->thread);
  else
    g_thread_unref (self->thread);
  /* After the worker: it hands no job to the sync thread any more. */
  g_async_queue_push (self->sync_queue, g_new0 (Job, 1));
  if (g_thread_self () != self->sync_thread)
    g_thread_join (self->sync_thread);
  else
    g_thread_unref (self->sync_thread);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->sync_queue, g_async_queue_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (fc_store_parent_class)->finalize (object);
}

static void
fc_store_class_init (FcStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fc_store_finalize;

  /**
   * FcStore::changed:
   * @resource: what changed: "foods", "profile", "outbox", …
   *
   * A write that touched @resource has been committed. The detail is the
   * resource, so a list of foods connects to "changed::foods".
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * FcStore::write-submitted:
   *
   * A user write that queues an outbox row was handed to the store's
   * thread and is not committed yet; a job submitted from now on runs
   * after it. The sync engine queues its claim of the next row right
   * behind the write, instead of after FcStore::changed announces it.
   */
  signals[SIGNAL_WRITE_SUBMITTED] =
    g_signal_new ("write-submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fc_store_init (FcStore *self)
{
  Queues *queues = g_new0 (Queues, 1);

  self->queue = g_async_queue_new ();
  self->sync_queue = g_async_queue_new ();
  queues->queue = g_async_queue_ref (self->queue);
  queues->sync_queue = g_async_queue_ref (self->sync_queue);
  self->thread = g_thread_new ("fc-store", worker_main, queues);
  self->sync_thread = g_thread_new ("fc-store-sync", sync_main,
                                    g_async_queue_ref (self->sync_queue));
}

/**
 * fc_store_build_path:
 *
 * Returns: where the store for @server_url and @account lives. The name is
 * a hash, so neither shows in a directory listing.
 */
char *
fc_store_build_path (const char *server_url,
                     const char *account)
{
  g_autofree char *key = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  key = g_strconcat (server_url, "\n", account, NULL);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  name = g_strdup_printf ("%.32s.db", digest);
  return g_build_filename (g_get_user_data_dir (), "fitcore", "stores", name, NULL);
}

void
fc_store_open_async (const char          *server_url,
                     const char          *account,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(FcStore) self = NULL;
  FcStoreArgs *args;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (account != NULL);

  self = g_object_new (FC_TYPE_STORE, NULL);
  self->path = fc_store_build_path (server_url, account);
  args = args_new (NULL, 0);
  args->text = g_strdup (self->path);
  submit (self, open_job, args, fc_store_open_async, cancellable, callback, user_data);
}

FcStore *
fc_store_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  FcStore *self = g_task_get_source_object (G_TASK (result));

  g_return_val_if_fail (FC_IS_STORE (self), NULL);

  if (!finish_boolean (self, result, fc_store_open_async, error))
    return NULL;
  return g_object_ref (self);
}

const char *
fc_store_get_path (FcStore *self)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);

  return self->path;
}

static gboolean
integrity_job (FcStoreDb       *db,
               gpointer         data,
               gpointer        *result,
               GDestroyNotify  *result_free,
               GError         **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "PRAGMA integrity_check", error);
  g_autofree char *problem = NULL;
  gboolean deferred;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    const char *line = fc_store_column_text (stmt, 0);

    if (problem == NULL && g_strcmp0 (line, "ok") != 0)
      problem = g_strdup (line);
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  if (problem != NULL) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_CORRUPT,
                 "The offline store %s is damaged: %s", db->path, problem);
    return FALSE;
  }

  /* PRAGMA integrity_check does not look inside the search index; one a
   * first pull is still to build (fc_store_foods_defer_index()) is behind
   * the table on purpose. */
  if (!fc_store_foods_index_deferred (db, &deferred, error))
    return FALSE;
  if (!deferred && !fc_store_db_exec (db, "INSERT INTO foods_trigram (foods_trigram) "
                         "VALUES ('integrity-check')",
                         error)) {
    g_prefix_error (error, "Food search index: ");
    return FALSE;
  }
  return TRUE;
}

void
fc_store_check_integrity_async (FcStore             *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit (self, integrity_job, args_new (NULL, 0), fc_store_check_integrity_async, cancellable,
          callback, user_data);
}

gboolean
fc_store_check_integrity_finish (FcStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_boolean (self, result, fc_store_check_integrity_async, error);
}

/* One server object, as a pull or the change feed brings it: the one way
 * either stores one. A malformed object (no id, a field of the wrong type)
 * is skipped, not the page; any other failure is the caller's. */
static gboolean
store_server_object (FcStoreDb         *db,
                     const FcResource  *resource,
                     JsonObject        *object,
                     GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  if (fc_resource_upsert (db, resource, object, FALSE, &local_error))
    return TRUE;
  if (g_error_matches (local_error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID)) {
    g_debug ("Skipping a %s object: %s", fc_resource_name (resource), local_error->message);
    return TRUE;
  }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* One transaction per page: a page is all there or not there at all. */
static gboolean
upsert_job (FcStoreDb       *db,
            gpointer         data,
            gpointer        *result,
            GDestroyNotify  *result_free,
            GError         **error)
{
  FcStoreArgs *args = data;
  const FcResource *resource = fc_resource_lookup (args->resource);
  guint n = args->array != NULL ? json_array_get_length (args->array) : 0;

  if (!fc_store_db_begin_bulk (db, error))
    return FALSE;
  /* Lists of plain rows (foods above all) go in one statement a page. */
  if (n > 0 && !fc_resource_is_singleton (resource) && !fc_resource_has_children (resource)) {
    if (!fc_resource_upsert_page (db, resource, args->array, error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
    return fc_store_db_commit (db, error);
  }
  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (args->array, i);

    if (JSON_NODE_HOLDS_OBJECT (node) &&
        !store_server_object (db, resource, json_node_get_object (node), error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
  }
  return fc_store_db_commit (db, error);
}

/**
 * fc_store_upsert_async:
 * @resource: "foods", "meals" or "meal_plans"
 * @page: server objects, as one page of a list brings them. Not copied (a
 *   pull passes 50,000 foods): do not change it after the call; the
 *   immutable nodes fc_json_parse() gives are ideal.
 *
 * Stores a page of server objects in one transaction. Objects with unsent
 * changes, or with a queued DELETE, are left as the user made them; rows
 * the server did not change are not rewritten. A malformed object (no
 * id) is skipped, not the page.
 */
void
fc_store_upsert_async (FcStore             *self,
                       const char          *resource,
                       JsonArray           *page,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_resource_lookup (resource) != NULL);
  g_return_if_fail (page != NULL);

  args = args_new (resource, 0);
  args->array = json_array_ref (page);
  submit (self, upsert_job, args, fc_store_upsert_async, cancellable, callback, user_data);
}

gboolean
fc_store_upsert_finish (FcStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return finish_boolean (self, result, fc_store_upsert_async, error);
}

/* A page still in its text. Lists of plain rows are read in one pass
 * straight into the staging table (fc_resource_upsert_json_page());
 * objects with child rows (meals, plans) are parsed here, on the store's
 * thread, and stored as upsert_job() stores them. */
static gboolean
upsert_json_job (FcStoreDb       *db,
                 gpointer         data,
                 gpointer        *result,
                 GDestroyNotify  *result_free,
                 GError         **error)
{
  FcStoreArgs *args = data;
  const FcResource *resource = fc_resource_lookup (args->resource);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *items = NULL;
  gsize length = 0;
  const char *text = g_bytes_get_data (args->bytes, &length);

  if (!fc_resource_is_singleton (resource) && !fc_resource_has_children (resource)) {
    if (!fc_store_db_begin_bulk (db, error))
      return FALSE;
    if (!fc_resource_upsert_json_page (db, resource, args->bytes, error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
    return fc_store_db_commit (db, error);
  }

  node = text != NULL ? fc_json_parse (text, length, &local_error) : NULL;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    items = json_node_get_array (node);
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    items = fc_json_get_array (json_node_get_object (node), "results");
  if (items == NULL) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID, "A page of %s is no list%s%s",
                 args->resource, local_error != NULL ? ": " : "",
                 local_error != NULL ? local_error->message : "");
    return FALSE;
  }
  args->array = json_array_ref (items);
  return upsert_job (db, data, result, result_free, error);
}

/**
 * fc_store_upsert_json_async:
 * @resource: as for fc_store_upsert_async()
 * @page: one page of a list as the server sent it: a JSON array of
 *   objects, or an object whose `results` is one
 *
 * fc_store_upsert_async() for a page in its text, which is read on the
 * store's thread: a pull hands pages over as they come
 * (fc_api_client_fetch_pages_async()), and the main thread never builds
 * a tree of them. A page that is not JSON, or holds no list, fails with
 * %FC_STORE_ERROR_INVALID and stores nothing; within a page, a malformed
 * object is skipped, as fc_store_upsert_async() skips it.
 */
void
fc_store_upsert_json_async (FcStore             *self,
                            const char          *resource,
                            GBytes              *page,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_resource_lookup (resource) != NULL);
  g_return_if_fail (page != NULL);

  args = args_new (resource, 0);
  args->bytes = g_bytes_ref (page);
  submit (self, upsert_json_job, args, fc_store_upsert_json_async, cancellable, callback,
          user_data);
}

gboolean
fc_store_upsert_json_finish (FcStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_boolean (self, result, fc_store_upsert_json_async, error);
}

void
fc_store_upsert_foods_async (FcStore             *self,
                             JsonArray           *page,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  fc_store_upsert_async (self, FC_STORE_FOODS, page, cancellable, callback, user_data);
}

gboolean
fc_store_upsert_foods_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return fc_store_upsert_finish (self, result, error);
}

static gboolean
remove_missing_job (FcStoreDb       *db,
                    gpointer         data,
                    gpointer        *result,
                    GDestroyNotify  *result_free,
                    GError         **error)
{
  FcStoreArgs *args = data;

  if (!fc_store_db_begin_bulk (db, error))
    return FALSE;
  if (!fc_resource_remove_missing (db, fc_resource_lookup (args->resource), args->ids, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

/**
 * fc_store_remove_missing_async:
 * @server_ids: (element-type gint64): every id a complete pull of
 *   @resource returned
 *
 * Ends a full pull: server objects the pull did not return are gone from
 * the server, so they go here too, unless the user has unsent changes on
 * them. Objects created here and not yet sent are kept.
 */
void
fc_store_remove_missing_async (FcStore             *self,
                               const char          *resource,
                               GArray              *server_ids,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  const FcResource *info = fc_resource_lookup (resource);
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (info != NULL && !fc_resource_is_singleton (info));
  g_return_if_fail (server_ids != NULL && g_array_get_element_size (server_ids) == sizeof (gint64));

  args = args_new (resource, 0);
  args->ids = g_array_ref (server_ids);
  submit (self, remove_missing_job, args, fc_store_remove_missing_async, cancellable, callback,
          user_data);
}

gboolean
fc_store_remove_missing_finish (FcStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_boolean (self, result, fc_store_remove_missing_async, error);
}

static void
upsert_one_async (FcStore             *self,
                  const char          *resource,
                  JsonObject          *object,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  FcStoreArgs *args = args_new (resource, 0);

  args->array = json_array_new ();
  json_array_add_object_element (args->array, copy_object (object));
  submit (self, upsert_job, args, source_tag, cancellable, callback, user_data);
}

void
fc_store_set_account_async (FcStore             *self,
                            JsonObject          *user,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (user != NULL);

  upsert_one_async (self, FC_STORE_ACCOUNT, user, fc_store_set_account_async, cancellable,
                    callback, user_data);
}

gboolean
fc_store_set_account_finish (FcStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_boolean (self, result, fc_store_set_account_async, error);
}

void
fc_store_set_profile_async (FcStore             *self,
                            JsonObject          *profile,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (profile != NULL);

  upsert_one_async (self, FC_STORE_PROFILE, profile, fc_store_set_profile_async, cancellable,
                    callback, user_data);
}

gboolean
fc_store_set_profile_finish (FcStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_boolean (self, result, fc_store_set_profile_async, error);
}

static gboolean
set_sections_job (FcStoreDb       *db,
                  gpointer         data,
                  gpointer        *result,
                  GDestroyNotify  *result_free,
                  GError         **error)
{
  FcStoreArgs *args = data;
  sqlite3_stmt *stmt;

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!fc_store_db_exec (db, "DELETE FROM sections", error))
    goto fail;
  for (guint i = 0; args->strv != NULL && args->strv[i] != NULL; i++) {
    if ((stmt = fc_store_db_stmt (db,
                                  "INSERT OR IGNORE INTO sections (name, available, checked_at) "
                                  "VALUES (?1, 1, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                                  error)) == NULL)
      goto fail;
    sqlite3_bind_text (stmt, 1, args->strv[i], -1, SQLITE_TRANSIENT);
    if (!fc_store_db_step_done (db, stmt, error))
      goto fail;
  }
  fc_store_db_touch (db, FC_STORE_SECTIONS);
  return fc_store_db_commit (db, error);

fail:
  fc_store_db_rollback (db);
  return FALSE;
}

void
fc_store_set_sections_async (FcStore             *self,
                             const char * const  *available,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (available != NULL);

  args = args_new (NULL, 0);
  args->strv = g_strdupv ((char **) available);
  submit (self, set_sections_job, args, fc_store_set_sections_async, cancellable, callback,
          user_data);
}

gboolean
fc_store_set_sections_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_boolean (self, result, fc_store_set_sections_async, error);
}

static gboolean
get_sections_job (FcStoreDb       *db,
                  gpointer         data,
                  gpointer        *result,
                  GDestroyNotify  *result_free,
                  GError         **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT name FROM sections WHERE available "
                                             "ORDER BY name", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_strv_builder_add (builder, fc_store_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  *result = g_strv_builder_end (builder);
  *result_free = (GDestroyNotify) g_strfreev;
  return TRUE;
}

void
fc_store_get_sections_async (FcStore             *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit (self, get_sections_job, args_new (NULL, 0), fc_store_get_sections_async, cancellable,
          callback, user_data);
}

GStrv
fc_store_get_sections_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, fc_store_get_sections_async, error);
}

/* Inside a transaction. @value: (nullable): NULL removes @key */
static gboolean
put_sync_value (FcStoreDb   *db,
                const char  *key,
                const char  *value,
                GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, value != NULL
                                         ? "INSERT OR REPLACE INTO sync_state (key, value) "
                                           "VALUES (?1, ?2)"
                                         : "DELETE FROM sync_state WHERE key = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_SYNC_STATE);
  return TRUE;
}

static gboolean
set_sync_value_job (FcStoreDb       *db,
                    gpointer         data,
                    gpointer        *result,
                    GDestroyNotify  *result_free,
                    GError         **error)
{
  FcStoreArgs *args = data;

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!put_sync_value (db, args->text, args->text2, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

/**
 * fc_store_set_sync_value_async:
 * @value: (nullable): %NULL removes @key
 *
 * Keeps the sync engine's own state ("last-full-pull", "cursor:foods", …).
 * "next-local-id" is the store's.
 */
void
fc_store_set_sync_value_async (FcStore             *self,
                               const char          *key,
                               const char          *value,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (key != NULL && !g_str_equal (key, "next-local-id"));

  args = args_new (NULL, 0);
  args->text = g_strdup (key);
  args->text2 = g_strdup (value);
  submit (self, set_sync_value_job, args, fc_store_set_sync_value_async, cancellable, callback,
          user_data);
}

gboolean
fc_store_set_sync_value_finish (FcStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_boolean (self, result, fc_store_set_sync_value_async, error);
}

/* One change of the feed. A section or op this store does not know (a
 * newer server) is skipped, like a malformed object. */
static gboolean
apply_change (FcStoreDb   *db,
              JsonObject  *change,
              GError     **error)
{
  const char *section = fc_json_get_string (change, "section");
  const char *op = fc_json_get_string (change, "op");
  const FcResource *resource = section != NULL ? fc_resource_lookup (section) : NULL;
  JsonObject *object;
  gint64 id = 0;

  if (resource == NULL || op == NULL) {
    g_debug ("Skipping a change of section %s", section != NULL ? section : "(none)");
    return TRUE;
  }
  if (g_str_equal (op, "delete")) {
    /* The account and profile are never deleted while signed in. */
    if (fc_resource_is_singleton (resource) || !fc_json_get_int (change, "id", &id))
      return TRUE;
    return fc_resource_delete_clean (db, resource, id, error);
  }
  if (!g_str_equal (op, "upsert") || (object = fc_json_get_object (change, "object")) == NULL)
    return TRUE;
  return store_server_object (db, resource, object, error);
}

static gboolean
apply_changes_job (FcStoreDb       *db,
                   gpointer         data,
                   gpointer        *result,
                   GDestroyNotify  *result_free,
                   GError         **error)
{
  FcStoreArgs *args = data;
  guint n = args->array != NULL ? json_array_get_length (args->array) : 0;

  if (!fc_store_db_begin_bulk (db, error))
    return FALSE;
  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (args->array, i);

    if (JSON_NODE_HOLDS_OBJECT (node) && !apply_change (db, json_node_get_object (node), error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
  }
  if (!put_sync_value (db, args->text, args->text2, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

/**
 * fc_store_apply_changes_async:
 * @changes: one page of a change feed: objects with "section" (a store
 *   resource), "id", "op" ("upsert" or "delete") and, for an upsert,
 *   "object" in the wire shape. Not copied: do not change it after the call.
 * @cursor_key: the sync_state key that keeps the feed's cursor
 * @cursor: where the feed goes on after this page
 *
 * Applies the page and keeps @cursor in one transaction, so a crash never
 * leaves a cursor past changes the store does not have. Upserts leave the
 * user's unsent changes alone (as fc_store_upsert_async() does); deletes
 * remove only server objects without unsent changes.
 */
void
fc_store_apply_changes_async (FcStore             *self,
                              JsonArray           *changes,
                              const char          *cursor_key,
                              const char          *cursor,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (changes != NULL);
  g_return_if_fail (cursor_key != NULL && !g_str_equal (cursor_key, "next-local-id"));
  g_return_if_fail (cursor != NULL);

  args = args_new (NULL, 0);
  args->array = json_array_ref (changes);
  args->text = g_strdup (cursor_key);
  args->text2 = g_strdup (cursor);
  submit (self, apply_changes_job, args, fc_store_apply_changes_async, cancellable, callback,
          user_data);
}

gboolean
fc_store_apply_changes_finish (FcStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_boolean (self, result, fc_store_apply_changes_async, error);
}

static gboolean
get_sync_value_job (FcStoreDb       *db,
                    gpointer         data,
                    gpointer        *result,
                    GDestroyNotify  *result_free,
                    GError         **error)
{
  FcStoreArgs *args = data;
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT value FROM sync_state WHERE key = ?1",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, args->text, -1, SQLITE_TRANSIENT);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW) {
    *result = g_strdup (fc_store_column_text (stmt, 0));
    *result_free = g_free;
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

void
fc_store_get_sync_value_async (FcStore             *self,
                               const char          *key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (key != NULL);

  args = args_new (NULL, 0);
  args->text = g_strdup (key);
  submit (self, get_sync_value_job, args, fc_store_get_sync_value_async, cancellable, callback,
          user_data);
}

/* Returns: (nullable): the value, or %NULL when it was never set */
char *
fc_store_get_sync_value_finish (FcStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_pointer (self, result, fc_store_get_sync_value_async, error);
}

static gboolean
get_object_job (FcStoreDb       *db,
                gpointer         data,
                gpointer        *result,
                GDestroyNotify  *result_free,
                GError         **error)
{
  FcStoreArgs *args = data;
  JsonObject *object = fc_resource_load (db, fc_resource_lookup (args->resource), args->id, error);

  if (object == NULL)
    return FALSE;
  *result = object;
  *result_free = (GDestroyNotify) json_object_unref;
  return TRUE;
}

/**
 * fc_store_get_object_async:
 * @id: the object's id; ignored for "profile" and "account"
 *
 * Fails with %FC_STORE_ERROR_NOT_FOUND when there is no such object.
 */
void
fc_store_get_object_async (FcStore             *self,
                           const char          *resource,
                           gint64               id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_resource_lookup (resource) != NULL);

  submit (self, get_object_job, args_new (resource, id), fc_store_get_object_async, cancellable,
          callback, user_data);
}

JsonObject *
fc_store_get_object_finish (FcStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_pointer (self, result, fc_store_get_object_async, error);
}

static gboolean
list_objects_job (FcStoreDb       *db,
                  gpointer         data,
                  gpointer        *result,
                  GDestroyNotify  *result_free,
                  GError         **error)
{
  FcStoreArgs *args = data;
  JsonArray *array = fc_resource_load_all (db, fc_resource_lookup (args->resource), error);

  if (array == NULL)
    return FALSE;
  *result = array;
  *result_free = (GDestroyNotify) json_array_unref;
  return TRUE;
}

void
fc_store_list_objects_async (FcStore             *self,
                             const char          *resource,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_resource_lookup (resource) != NULL);

  submit (self, list_objects_job, args_new (resource, 0), fc_store_list_objects_async,
          cancellable, callback, user_data);
}

JsonArray *
fc_store_list_objects_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, fc_store_list_objects_async, error);
}

/**
 * fc_store_list_foods_async:
 * @category: (nullable): a food_category code such as "FR", or %NULL
 * @limit: at most this many, or 0 for all
 *
 * Foods by name. The result is a #GPtrArray of #FcFoodItem.
 */
void
fc_store_list_foods_async (FcStore             *self,
                           const char          *category,
                           guint                limit,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = args_new (FC_STORE_FOODS, 0);
  args->text2 = g_strdup (category);
  args->number = limit;
  submit (self, fc_store_foods_list, args, fc_store_list_foods_async, cancellable, callback,
          user_data);
}

GPtrArray *
fc_store_list_foods_finish (FcStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_pointer (self, result, fc_store_list_foods_async, error);
}

/**
 * fc_store_search_foods_async:
 * @query: what the user typed so far; any text is safe
 * @category: (nullable): a food_category code, or %NULL
 * @limit: at most this many, or 0 for all
 *
 * Search as you type, finding what the server's `foods/?search=` finds:
 * each word of @query anywhere in a food's name or description (or equal
 * to its category code). Foods whose name starts with the first word come
 * first, by name; then the others, the first @limit found sorted by name
 * (nothing ranks every match). The result is a #GPtrArray of #FcFoodItem.
 */
void
fc_store_search_foods_async (FcStore             *self,
                             const char          *query,
                             const char          *category,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (query != NULL);

  args = args_new (FC_STORE_FOODS, 0);
  args->text = g_strdup (query);
  args->text2 = g_strdup (category);
  args->number = limit;
  submit (self, fc_store_foods_search, args, fc_store_search_foods_async, cancellable, callback,
          user_data);
}

GPtrArray *
fc_store_search_foods_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, fc_store_search_foods_async, error);
}

static void
write_async (FcStore             *self,
             const char          *resource,
             FcStoreWriteKind     kind,
             gint64               id,
             JsonObject          *fields,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  FcStoreArgs *args = args_new (resource, id);

  args->object = copy_object (fields);
  args->number = kind;
  submit (self, fc_store_outbox_write, args, source_tag, cancellable, callback, user_data);
  g_signal_emit (self, signals[SIGNAL_WRITE_SUBMITTED], 0);
}

/**
 * fc_store_save_profile_async:
 * @changes: the profile fields that changed (age, weight, height, gender,
 *   fitness_goal, img)
 *
 * Changes the local profile and queues `PATCH auth/profile/`.
 */
void
fc_store_save_profile_async (FcStore             *self,
                             JsonObject          *changes,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (changes != NULL);

  write_async (self, FC_STORE_PROFILE, FC_STORE_WRITE_UPDATE, 1, changes,
               fc_store_save_profile_async, cancellable, callback, user_data);
}

FcOutboxItem *
fc_store_save_profile_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, fc_store_save_profile_async, error);
}

/**
 * fc_store_save_account_async:
 * @changes: first_name and/or last_name
 *
 * Changes the local account and queues `PATCH auth/oauth/user/`.
 */
void
fc_store_save_account_async (FcStore             *self,
                             JsonObject          *changes,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (changes != NULL);

  write_async (self, FC_STORE_ACCOUNT, FC_STORE_WRITE_UPDATE, 1, changes,
               fc_store_save_account_async, cancellable, callback, user_data);
}

FcOutboxItem *
fc_store_save_account_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, fc_store_save_account_async, error);
}

/**
 * fc_store_create_async:
 * @resource: "foods", "meals" or "meal_plans"
 * @fields: the new object in the wire shape of a create request (a meal's
 *   "meal_items", a plan's "scheduled_meals_payload"); ids in it may be
 *   local ones
 *
 * Creates the object under a new local id and queues its POST. The
 * returned row's object-id is that local id.
 */
void
fc_store_create_async (FcStore             *self,
                       const char          *resource,
                       JsonObject          *fields,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  const FcResource *info = fc_resource_lookup (resource);

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (info != NULL && !fc_resource_is_singleton (info));
  g_return_if_fail (fields != NULL);

  write_async (self, resource, FC_STORE_WRITE_CREATE, 0, fields, fc_store_create_async,
               cancellable, callback, user_data);
}

FcOutboxItem *
fc_store_create_finish (FcStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return finish_pointer (self, result, fc_store_create_async, error);
}

void
fc_store_update_async (FcStore             *self,
                       const char          *resource,
                       gint64               id,
                       JsonObject          *changes,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_resource_lookup (resource) != NULL);
  g_return_if_fail (changes != NULL);

  write_async (self, resource, FC_STORE_WRITE_UPDATE, id, changes, fc_store_update_async,
               cancellable, callback, user_data);
}

FcOutboxItem *
fc_store_update_finish (FcStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return finish_pointer (self, result, fc_store_update_async, error);
}

void
fc_store_delete_async (FcStore             *self,
                       const char          *resource,
                       gint64               id,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  const FcResource *info = fc_resource_lookup (resource);

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (info != NULL && !fc_resource_is_singleton (info));

  write_async (self, resource, FC_STORE_WRITE_DELETE, id, NULL, fc_store_delete_async,
               cancellable, callback, user_data);
}

FcOutboxItem *
fc_store_delete_finish (FcStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return finish_pointer (self, result, fc_store_delete_async, error);
}

void
fc_store_list_workouts_async (FcStore             *self,
                              const char          *search,
                              gint64               category_id,
                              const char          *difficulty,
                              guint                premium,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = args_new (FC_STORE_WORKOUTS, category_id);
  args->text = g_strdup (search);
  args->text2 = g_strdup (difficulty);
  args->number = premium;
  submit (self, fc_store_workouts_list, args, fc_store_list_workouts_async, cancellable,
          callback, user_data);
}

GPtrArray *
fc_store_list_workouts_finish (FcStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_pointer (self, result, fc_store_list_workouts_async, error);
}

/**
 * fc_store_save_workout_progress_async:
 * @percentage: 0 to 100 (clamped)
 * @last_video_id: the video being watched, or 0 for none
 * @position_seconds: where in it
 *
 * Creates or updates this user's progress on @workout_id, and queues its
 * POST or PATCH. While that request has not gone out, a new save changes
 * it rather than queueing another, so saving every few seconds while a
 * video plays (or for an hour offline) sends one request. completed_at is
 * set locally at 100 (kept if set already) and cleared below, as the server
 * does.
 */
void
fc_store_save_workout_progress_async (FcStore             *self,
                                      gint64               workout_id,
                                      double               percentage,
                                      gint64               last_video_id,
                                      double               position_seconds,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (workout_id > 0);

  args = args_new (FC_STORE_WORKOUT_PROGRESS, workout_id);
  args->object = json_object_new ();
  json_object_set_double_member (args->object, "progress_percentage",
                                 CLAMP (isnan (percentage) ? 0 : percentage, 0.0, 100.0));
  if (last_video_id > 0)
    json_object_set_int_member (args->object, "last_video", last_video_id);
  else
    json_object_set_null_member (args->object, "last_video");
  json_object_set_double_member (args->object, "position_seconds",
                                 isnan (position_seconds) ? 0 : MAX (position_seconds, 0.0));
  submit (self, fc_store_outbox_save_progress, args, fc_store_save_workout_progress_async,
          cancellable, callback, user_data);
}

FcOutboxItem *
fc_store_save_workout_progress_finish (FcStore       *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return finish_pointer (self, result, fc_store_save_workout_progress_async, error);
}

/**
 * fc_store_outbox_peek_async:
 *
 * The next row to send, oldest first, or %NULL when there is none. Rows
 * needing attention, and rows naming an object whose create was rejected,
 * are skipped. A row in %FC_OUTBOX_STATE_WAITING is returned too: wait
 * until its next-attempt time before sending it (and everything after it).
 */
void
fc_store_outbox_peek_async (FcStore             *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit (self, fc_store_outbox_peek, args_new (NULL, 0), fc_store_outbox_peek_async,
          cancellable, callback, user_data);
}

FcOutboxItem *
fc_store_outbox_peek_finish (FcStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_pointer (self, result, fc_store_outbox_peek_async, error);
}

/* Before the request goes out: counts the attempt. */
void
fc_store_outbox_mark_sending_async (FcStore             *self,
                                    gint64               row_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit (self, fc_store_outbox_sending, args_new (NULL, row_id),
          fc_store_outbox_mark_sending_async, cancellable, callback, user_data);
}

gboolean
fc_store_outbox_mark_sending_finish (FcStore       *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_boolean (self, result, fc_store_outbox_mark_sending_async, error);
}

/**
 * fc_store_outbox_claim_async:
 * @row_id: the row to send, or 0 for the next one (as peek would find it)
 *
 * Marks the row SENDING (its attempt counted) and returns it as it is now;
 * with 0 and nothing to send, %NULL without an error.
 */
void
fc_store_outbox_claim_async (FcStore             *self,
                             gint64               row_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit (self, fc_store_outbox_claim, args_new (NULL, row_id), fc_store_outbox_claim_async,
          cancellable, callback, user_data);
}

FcOutboxItem *
fc_store_outbox_claim_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, fc_store_outbox_claim_async, error);
}

/**
 * fc_store_outbox_complete_async:
 * @server_response: (nullable): the 2xx body; for a create it must be the
 *   created object, whose "id" replaces the local id everywhere
 *
 * The server accepted the row: it leaves the outbox, and in the same
 * transaction a created object takes its server id (in the object, in
 * whatever references it, and in the paths and bodies of queued rows),
 * and the object takes the server's copy unless more writes are queued.
 * The response is not copied: do not change it after the call.
 */
void
fc_store_outbox_complete_async (FcStore             *self,
                                gint64               row_id,
                                JsonNode            *server_response,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = args_new (NULL, row_id);
  args->node = server_response != NULL ? json_node_copy (server_response) : NULL;
  submit (self, fc_store_outbox_complete, args, fc_store_outbox_complete_async, cancellable,
          callback, user_data);
}

gboolean
fc_store_outbox_complete_finish (FcStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_boolean (self, result, fc_store_outbox_complete_async, error);
}

/**
 * fc_store_outbox_reject_async:
 * @message: the server's message, for the user
 * @field_errors: (nullable): the DRF error body, for the edit form
 *
 * The server refused the row (400/403/404): it stays, needing attention,
 * until the user retries or discards it.
 */
void
fc_store_outbox_reject_async (FcStore             *self,
                              gint64               row_id,
                              guint                http_status,
                              const char          *message,
                              JsonNode            *field_errors,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = args_new (NULL, row_id);
  args->number = http_status;
  args->text = g_strdup (message);
  args->node = field_errors != NULL ? json_node_copy (field_errors) : NULL;
  submit (self, fc_store_outbox_reject, args, fc_store_outbox_reject_async, cancellable, callback,
          user_data);
}

gboolean
fc_store_outbox_reject_finish (FcStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_boolean (self, result, fc_store_outbox_reject_async, error);
}

/**
 * fc_store_outbox_defer_async:
 * @next_attempt_us: when to try again, in g_get_real_time() microseconds
 * @message: (nullable): why, for the sync-state display
 *
 * The network failed: the row waits, nothing else changes.
 */
void
fc_store_outbox_defer_async (FcStore             *self,
                             gint64               row_id,
                             gint64               next_attempt_us,
                             const char          *message,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = args_new (NULL, row_id);
  args->number = next_attempt_us;
  args->text = g_strdup (message);
  submit (self, fc_store_outbox_defer, args, fc_store_outbox_defer_async, cancellable, callback,
          user_data);
}

gboolean
fc_store_outbox_defer_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_boolean (self, result, fc_store_outbox_defer_async, error);
}

/**
 * fc_store_outbox_retry_async:
 * @new_body: (nullable): the user's corrected request body, applied to the
 *   local object too; %NULL resends the row as it is
 *
 * Puts a rejected row back in line, under a new Idempotency-Key.
 */
void
fc_store_outbox_retry_async (FcStore             *self,
                             gint64               row_id,
                             JsonObject          *new_body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = args_new (NULL, row_id);
  args->object = copy_object (new_body);
  submit (self, fc_store_outbox_retry, args, fc_store_outbox_retry_async, cancellable, callback,
          user_data);
}

gboolean
fc_store_outbox_retry_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_boolean (self, result, fc_store_outbox_retry_async, error);
}

/**
 * fc_store_outbox_discard_async:
 *
 * The user gives a write up: the row goes, and its object is put back as
 * it was before the write. Discarding a create removes the local object
 * and every queued write that needs it.
 */
void
fc_store_outbox_discard_async (FcStore             *self,
                               gint64               row_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit (self, fc_store_outbox_discard, args_new (NULL, row_id), fc_store_outbox_discard_async,
          cancellable, callback, user_data);
}

gboolean
fc_store_outbox_discard_finish (FcStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_boolean (self, result, fc_store_outbox_discard_async, error);
}

/* A #GPtrArray of #FcOutboxItem, oldest first. */
void
fc_store_outbox_list_async (FcStore             *self,
                            gboolean             attention_only,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = args_new (NULL, 0);
  args->number = attention_only;
  submit (self, fc_store_outbox_list, args, fc_store_outbox_list_async, cancellable, callback,
          user_data);
}

GPtrArray *
fc_store_outbox_list_finish (FcStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_pointer (self, result, fc_store_outbox_list_async, error);
}

void
fc_store_outbox_counts_async (FcStore             *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit (self, fc_store_outbox_counts, args_new (NULL, 0), fc_store_outbox_counts_async,
          cancellable, callback, user_data);
}

/* @out_pending counts every row still to send (waiting included),
 * @out_rejected the rows needing attention. */
gboolean
fc_store_outbox_counts_finish (FcStore       *self,
                               GAsyncResult  *result,
                               guint         *out_pending,
                               guint         *out_rejected,
                               GError       **error)
{
  g_autofree guint *counts = finish_pointer (self, result, fc_store_outbox_counts_async, error);

  if (counts == NULL)
    return FALSE;
  if (out_pending != NULL)
    *out_pending = counts[0];
  if (out_rejected != NULL)
    *out_rejected = counts[1];
  return TRUE;
}
