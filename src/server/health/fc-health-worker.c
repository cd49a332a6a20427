/* fc-health-worker.c — answers computed off the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sync/ of 10,000 points is a few hundred milliseconds of SQLite work on
 * a busy machine, and metrics over years of heart rate read a million
 * index entries: on the main loop either would hold every other client for
 * that long. Such work runs on a worker thread with a connection of its
 * own to the same database file, in one transaction: WAL lets the main
 * connection go on reading meanwhile; a write on it waits for the worker's
 * commit (SQLite's busy timeout) instead of the whole loop waiting.
 *
 * Each worker thread keeps its connections (one read-only, one to write)
 * from job to job: opening one per job parsed the whole schema again and
 * started with an empty page cache, which was a third of the time of a
 * year of metrics by day.
 */

#define G_LOG_DOMAIN "fc-health"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-health-private.h"

/* A worker waits this long for the write lock (another upload). */
#define WORKER_BUSY_TIMEOUT_MS 30000
/* Jobs running at once; more wait in line. An upload's body parsed by
 * json-glib takes tens of times its size, so this bounds the memory that
 * simultaneous uploads can take. */
#define WORKERS 2

typedef struct {
  FcServerRequest  *request;  /* main thread only */
  char             *path;
  gboolean          write;
  FcHealthPrepareFunc prepare;
  FcHealthWorkFunc  work;
  gpointer          data;
  GDestroyNotify    destroy;

  /* filled in by the worker */
  JsonNode         *answer;
  guint             status;
} Job;

typedef struct {
  char  *location;
  FcSql *db;
} WorkerDb;

static void
worker_db_free (gpointer data)
{
  WorkerDb *cached = data;

  fc_sql_close (cached->db);
  g_free (cached->location);
  g_free (cached);
}

/* This thread's connections to read and to write; closed when it exits. */
static GPrivate worker_dbs[2] = {
  G_PRIVATE_INIT (worker_db_free),
  G_PRIVATE_INIT (worker_db_free),
};

/* This thread's connection to @location, opened on first use; NULL if it
 * cannot be opened. */
static FcSql *
worker_db (const char *location,
           gboolean    write)
{
  WorkerDb *cached = g_private_get (&worker_dbs[write]);
  g_autoptr(GError) error = NULL;
  FcSql *db;

  if (cached != NULL && g_str_equal (cached->location, location))
    return cached->db;
  db = fc_sql_open (location, write ? FC_SQL_OPEN_DEFAULT : FC_SQL_OPEN_READ_ONLY, &error);
  if (db == NULL) {
    g_warning ("Cannot open the database on a worker: %s", error->message);
    return NULL;
  }
  fc_sql_set_busy_timeout (db, WORKER_BUSY_TIMEOUT_MS);
  cached = g_new0 (WorkerDb, 1);
  cached->location = g_strdup (location);
  cached->db = db;
  g_private_replace (&worker_dbs[write], cached);
  return db;
}

/* On a thread of the pool; the task returns to the main context. */
static void
job_run (gpointer data,
         gpointer user_data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  FcSql *db = NULL;

  job->status = SOUP_STATUS_OK;
  if (job->prepare != NULL && (job->answer = job->prepare (job->data, &job->status)) != NULL) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  if ((db = worker_db (job->path, job->write)) == NULL) {
    job->status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  } else if (!fc_sql_begin (db)) {
    job->status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  } else {
    gboolean commit;

    job->answer = job->work (db, job->data, &job->status);
    commit = job->answer != NULL && job->status < 400;
    if (!fc_sql_end (db, commit) && commit)
      g_clear_pointer (&job->answer, json_node_unref);
    if (job->answer == NULL && job->status < 500)
      job->status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  }
  /* A connection left inside a transaction (a ROLLBACK that failed) would
   * hold the next job's: the next job opens a fresh one. */
  if (db != NULL && fc_sql_in_transaction (db))
    g_private_replace (&worker_dbs[job->write], NULL);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static GThreadPool *
job_pool (void)
{
  static GThreadPool *pool;

  /* Exclusive: the threads live as long as the server, and so do their
   * connections (a shared pool's idle threads end after 15 seconds). */
  if (g_once_init_enter (&pool)) {
    GThreadPool *created = g_thread_pool_new (job_run, NULL, WORKERS, TRUE, NULL);

    g_once_init_leave (&pool, created);
  }
  return pool;
}

static void
job_done_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;

  if (job->answer != NULL)
    fc_server_request_respond_json (job->request, job->status, g_steal_pointer (&job->answer));
  else if (job->status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    fc_server_request_respond_detail (job->request, job->status, "The database is busy; try again.");
  else
    fc_server_request_respond_detail (job->request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                      "A server error occurred.");

  if (job->destroy != NULL)
    job->destroy (job->data);
  fc_server_request_unref (job->request);
  g_free (job->path);
  g_free (job);
}

void
fc_health_respond_off_loop (FcServerRequest     *request,
                            gboolean             write,
                            FcHealthPrepareFunc  prepare,
                            FcHealthWorkFunc     work,
                            gpointer             data,
                            GDestroyNotify       destroy)
{
  FcSql *db = fc_server_request_get_db (request);
  const char *path = fc_sql_get_location (db);
  g_autoptr(GTask) task = NULL;
  Job *job;

  /* A database in memory has no second connection: work here. */
  if (path == NULL || *path == '\0') {
    guint status = SOUP_STATUS_OK;
    JsonNode *answer = prepare != NULL ? prepare (data, &status) : NULL;

    if (answer == NULL)
      answer = work (db, data, &status);

    if (answer != NULL)
      fc_server_request_respond_json (request, status, answer);
    else
      fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                        "A server error occurred.");
    if (destroy != NULL)
      destroy (data);
    return;
  }

  job = g_new0 (Job, 1);
  job->request = fc_server_request_ref (request);
  job->path = g_strdup (path);
  job->write = write;
  job->prepare = prepare;
  job->work = work;
  job->data = data;
  job->destroy = destroy;

  /* The job is freed by the callback, on the main thread, never by the
   * task: the request and what @data holds belong to the main thread. */
  task = g_task_new (NULL, NULL, job_done_cb, job);
  g_task_set_source_tag (task, fc_health_respond_off_loop);
  g_task_set_task_data (task, job, NULL);
  g_thread_pool_push (job_pool (), g_steal_pointer (&task), NULL);
}
