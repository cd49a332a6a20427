/* test-health-import-job.c — FcHealthImportJob: a file read into the offline store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A generated Apple Health export (tests/health/gen-apple-health-export.py)
 * through the job into a real store: the counts read back from the store
 * equal the distinct ids the importer alone reads from the file, per type;
 * a second import adds nothing; a cancel midway leaves the store with
 * exactly what the job said it added, and the next import adds the rest.
 * Then a CSV and a Google Fit file by content, a file that is neither, and
 * the notifications' pace. No server: the store only.
 */

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include <glib/gstdio.h>

#include "fc-health-import-job.h"
#include "fc-store-health.h"
#include "store-test-util.h"

static char *tmp_dir;
/* A second connection holding the store's write lock (test_cancel) */
static sqlite3 *write_lock;
static GThread *main_thread;

/* ----- The fixture and what the importer alone reads from it ----- */

typedef struct {
  GHashTable *ids_by_type;   /* type → set of client_ids */
  GHashTable *ids;           /* every client_id */
  gboolean    done;
} Expected;

static void
expect_batch_cb (GArray                       *points,
                 const FcHealthImportProgress *progress,
                 gpointer                      user_data)
{
  Expected *e = user_data;

  for (guint i = 0; i < points->len; i++) {
    FcHealthPoint *p = &g_array_index (points, FcHealthPoint, i);
    GHashTable *ids = g_hash_table_lookup (e->ids_by_type, p->data_type);

    g_hash_table_add (e->ids, g_strdup (p->client_id));
    /* The store's per-type counts are its aggregates', which leave out
     * the time awake and in bed, as the server's metrics do */
    if (g_strcmp0 (p->stage, "awake") == 0 || g_strcmp0 (p->stage, "in_bed") == 0)
      continue;
    if (ids == NULL) {
      ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (e->ids_by_type, (gpointer) p->data_type, ids);
    }
    g_hash_table_add (ids, g_strdup (p->client_id));
  }
}

static void
expect_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Expected *e = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_health_import_finish (result, NULL, &error));
  g_assert_no_error (error);
  e->done = TRUE;
}

/* type → distinct points (sleep awake and in bed left out), from the
 * importer alone, and all the distinct points */
static GHashTable *
distinct_by_type (const char *path,
                  guint64    *out_total)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Expected e = { 0, };
  GHashTable *counts = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  e.ids_by_type = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) g_hash_table_unref);
  e.ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fc_health_import_async (file, 0, expect_batch_cb, &e, NULL, NULL, expect_done_cb, &e);
  while (!e.done)
    g_main_context_iteration (NULL, TRUE);

  *out_total = g_hash_table_size (e.ids);
  g_hash_table_iter_init (&iter, e.ids_by_type);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (counts, key, GUINT_TO_POINTER (g_hash_table_size (value)));
  g_hash_table_unref (e.ids_by_type);
  g_hash_table_unref (e.ids);
  return counts;
}

static char *
generate (const char *name,
          guint       records)
{
  g_autofree char *n = g_strdup_printf ("%u", records);
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "python3", GEN_SCRIPT, "--seed", "7", "--records", n, path, NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the generator failed: %s", err);
  return path;
}

/* ----- Running a job ----- */

typedef struct {
  GCancellable *cancellable;
  guint64       cancel_after_seen;   /* records read; 0 never */
  guint         notifies;
  gint64        first_notify;
  gint64        last_notify;
  guint64       last_added;
  gboolean      went_back;
  gboolean      done;
  gboolean      ok;
  GError       *error;
} Run;

static void
on_added_notify_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  Run *run = user_data;
  FcHealthImportJob *job = FC_HEALTH_IMPORT_JOB (object);
  guint64 added = fc_health_import_job_get_added (job);

  g_assert_true (g_thread_self () == main_thread);
  run->notifies++;
  run->last_notify = g_get_monotonic_time ();
  if (run->first_notify == 0)
    run->first_notify = run->last_notify;
  run->went_back |= added < run->last_added;
  run->last_added = added;
}

/* Points reach the store's points in merges, the last once the file is
 * read (fc_store_health_stage_async()): a cancel is timed by the
 * records read. With the store's write lock held elsewhere, the feeder
 * stops once MAX_WRITES batches wait for the store, so what is read
 * before the cancel lands does not depend on the machine's speed (the
 * progress notify comes up to 100 ms late); the lock is let go after the
 * cancel. */
static void
on_seen_notify_cb (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  Run *run = user_data;
  FcHealthImportJob *job = FC_HEALTH_IMPORT_JOB (object);

  if (run->cancel_after_seen > 0 &&
      fc_health_import_job_get_records_seen (job) >= run->cancel_after_seen &&
      !g_cancellable_is_cancelled (run->cancellable)) {
    g_cancellable_cancel (run->cancellable);
    if (write_lock != NULL) {
      g_assert_cmpint (sqlite3_exec (write_lock, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
      g_clear_pointer (&write_lock, sqlite3_close);
    }
  }
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->ok = fc_health_import_job_run_finish (FC_HEALTH_IMPORT_JOB (source), result, &run->error);
  run->done = TRUE;
}

static FcHealthImportJob *
run_job (FcStore                  *store,
         const char               *path,
         guint                     batch_size,
         guint64                   cancel_after_seen,
         const FcHealthCsvMapping *mapping,
         Run                      *run)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  FcHealthImportJob *job = fc_health_import_job_new (store, file);

  memset (run, 0, sizeof *run);
  run->cancellable = g_cancellable_new ();
  run->cancel_after_seen = cancel_after_seen;
  fc_health_import_job_set_batch_size (job, batch_size);
  if (mapping != NULL)
    fc_health_import_job_set_csv_mapping (job, mapping);
  g_signal_connect (job, "notify::added", G_CALLBACK (on_added_notify_cb), run);
  g_signal_connect (job, "notify::records-seen", G_CALLBACK (on_seen_notify_cb), run);
  fc_health_import_job_run_async (job, run->cancellable, job_done_cb, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (job, run);
  return job;
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->cancellable);
  g_clear_error (&run->error);
}

/* type → points, as the store's summaries count them, and every point
 * the store holds (all wait for their upload: there is no server here) */
static GHashTable *
store_counts (FcStore *store,
              guint64 *out_total)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) types = NULL;
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  fc_store_health_types_async (store, NULL, st_result_cb, &result);
  types = fc_store_health_types_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < types->len; i++) {
    FcHealthTypeSummary *summary = types->pdata[i];

    g_hash_table_insert (counts, g_strdup (summary->data_type), GUINT_TO_POINTER (summary->count));
  }
  fc_store_health_count_pending_async (store, NULL, st_result_cb, &pending);
  *out_total = fc_store_health_count_pending_finish (store, st_wait (&pending), &error);
  g_assert_no_error (error);
  return counts;
}

static void
assert_same_counts (GHashTable *expected,
                    GHashTable *actual)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (actual), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    g_test_message ("%s: %u points", (char *) key, GPOINTER_TO_UINT (value));
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (actual, key)), ==,
                      GPOINTER_TO_UINT (value));
  }
}

static void
test_apple (void)
{
  g_autofree char *path = generate ("export.xml", 5000);
  g_autoptr(GHashTable) expected = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcHealthImportJob) job = NULL;
  g_autoptr(FcHealthImportJob) again = NULL;
  FcHealthImportProgress progress;
  guint64 total = 0, in_store = 0;
  Run run;

  expected = distinct_by_type (path, &total);
  g_assert_cmpuint (total, >, 4000);

  job = run_job (store, path, 0, 0, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpint (fc_health_import_job_get_kind (job), ==, FC_HEALTH_IMPORT_KIND_APPLE_HEALTH);
  g_assert_cmpint (fc_health_import_job_get_phase (job), ==, FC_HEALTH_IMPORT_PHASE_DONE);
  g_assert_cmpfloat (fc_health_import_job_get_fraction (job), ==, 1.0);
  g_assert_cmpuint (fc_health_import_job_get_records_seen (job), ==, 5000);
  g_assert_cmpuint (fc_health_import_job_get_added (job), ==, total);
  fc_health_import_job_get_progress (job, &progress);
  /* every point kept is added or (an exact duplicate in the file) unchanged */
  g_assert_cmpuint (fc_health_import_job_get_added (job) + fc_health_import_job_get_unchanged (job),
                    ==, progress.points_kept);
  g_assert_cmpuint (fc_health_import_job_get_refused (job), ==, progress.refused);
  g_assert_cmpuint (progress.refused, >, 0);
  g_assert_false (run.went_back);
  run_clear (&run);

  stored = store_counts (store, &in_store);
  assert_same_counts (expected, stored);
  g_assert_cmpuint (in_store, ==, total);

  /* The same file again: nothing new */
  again = run_job (store, path, 0, 0, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (fc_health_import_job_get_added (again), ==, 0);
  g_assert_cmpuint (fc_health_import_job_get_unchanged (again), ==, progress.points_kept);
  run_clear (&run);
  g_clear_pointer (&stored, g_hash_table_unref);
  stored = store_counts (store, &in_store);
  g_assert_cmpuint (in_store, ==, total);

  /* Finished means let go of, here: the job's last reference was the
   * feeder thread's, now and then, which disposed of it (and unreffed the
   * store) on that thread */
  g_assert_finalize_object (g_steal_pointer (&job));
  g_assert_finalize_object (g_steal_pointer (&again));
  st_close (g_steal_pointer (&store));
}

static void
test_cancel (void)
{
  g_autofree char *path = generate ("large.xml", 40000);
  g_autoptr(GHashTable) expected = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcHealthImportJob) job = NULL;
  g_autoptr(FcHealthImportJob) rest = NULL;
  guint64 total = 0, in_store = 0, added;
  Run run;

  expected = distinct_by_type (path, &total);

  /* Batches of 500: cancelled once two are read, while the store cannot
   * write them, so the feeder waits with the third; what was staged is
   * merged all the same */
  g_assert_cmpint (sqlite3_open (fc_store_get_path (store), &write_lock), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (write_lock, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  job = run_job (store, path, 500, 1000, NULL, &run);
  g_assert_null (write_lock);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (fc_health_import_job_get_phase (job), ==, FC_HEALTH_IMPORT_PHASE_CANCELLED);
  added = fc_health_import_job_get_added (job);
  g_test_message ("cancelled after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " points",
                  added, total);
  g_assert_cmpuint (added, >, 0);
  g_assert_cmpuint (added, <=, 1000);
  g_assert_cmpfloat (fc_health_import_job_get_fraction (job), <, 1.0);
  run_clear (&run);

  /* The store has what the job said, whole batches */
  stored = store_counts (store, &in_store);
  g_assert_cmpuint (in_store, ==, added);
  g_clear_pointer (&stored, g_hash_table_unref);

  /* and the next import brings the rest */
  rest = run_job (store, path, 0, 0, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (fc_health_import_job_get_added (rest), ==, total - added);
  run_clear (&run);
  stored = store_counts (store, &in_store);
  g_assert_cmpuint (in_store, ==, total);
  assert_same_counts (expected, stored);

  g_clear_object (&job);
  g_clear_object (&rest);
  st_close (g_steal_pointer (&store));
}

static char *
write_temp (const char *name,
            const char *contents)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_kinds (void)
{
  g_autofree char *csv = write_temp ("weights.csv",
                                     "date,type,value,unit\n"
                                     "2024-03-01,weight,72.5,kg\n"
                                     "2024-03-02,weight,160,lb\n"
                                     "2024-03-02,weight,72.5,furlong\n");
  g_autofree char *fit = write_temp ("Daily Summaries.csv",
                                     "Date,Move Minutes count,Calories (kcal),Distance (m),Step count,"
                                     "Average weight (kg)\n"
                                     "2024-03-01,30,2000,4000.5,5321.0,72.4\n"
                                     "2024-03-02,10,1800,,1200.0,\n");
  g_autofree char *semicolons = write_temp ("semicolons.csv", "2024-03-01;72,5\n2024-03-02;72,1\n");
  g_autofree char *png = write_temp ("picture.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GHashTable) stored = NULL;
  FcHealthCsvMapping mapping = {
    .delimiter = ';', .has_header = FALSE, .date_column = 0, .type_column = -1,
    .value_column = 1, .unit_column = -1, .fixed_type = "body_fat", .fixed_unit = "",
  };
  guint64 in_store = 0;
  Run run;

  {
    g_autoptr(FcHealthImportJob) job = run_job (store, csv, 0, 0, NULL, &run);

    g_assert_no_error (run.error);
    g_assert_cmpint (fc_health_import_job_get_kind (job), ==, FC_HEALTH_IMPORT_KIND_CSV);
    g_assert_cmpuint (fc_health_import_job_get_added (job), ==, 2);
    g_assert_cmpuint (fc_health_import_job_get_refused (job), ==, 1);
    g_assert_cmpuint (fc_health_import_job_get_records_seen (job), ==, 3);
    run_clear (&run);
  }
  {
    g_autoptr(FcHealthImportJob) job = run_job (store, fit, 0, 0, NULL, &run);

    g_assert_no_error (run.error);
    g_assert_cmpint (fc_health_import_job_get_kind (job), ==, FC_HEALTH_IMPORT_KIND_GOOGLE_FIT);
    /* steps twice, distance and weight once */
    g_assert_cmpuint (fc_health_import_job_get_added (job), ==, 4);
    run_clear (&run);
  }
  {
    /* the person's mapping: body fat, in a European spreadsheet */
    g_autoptr(FcHealthImportJob) job = run_job (store, semicolons, 0, 0, &mapping, &run);

    g_assert_no_error (run.error);
    g_assert_cmpuint (fc_health_import_job_get_added (job), ==, 2);
    run_clear (&run);
  }
  {
    g_autoptr(FcHealthImportJob) job = run_job (store, png, 0, 0, NULL, &run);

    g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_assert_cmpint (fc_health_import_job_get_phase (job), ==, FC_HEALTH_IMPORT_PHASE_FAILED);
    g_assert_cmpint (fc_health_import_job_get_kind (job), ==, FC_HEALTH_IMPORT_KIND_UNKNOWN);
    run_clear (&run);
  }

  stored = store_counts (store, &in_store);
  g_assert_cmpuint (in_store, ==, 8);
  g_assert_cmpuint (g_hash_table_size (stored), ==, 4);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, "weight")), ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, "steps")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, "body_fat")), ==, 2);
  st_close (g_steal_pointer (&store));
}

/* Batches of 50 from 20,000 records: hundreds of writes, yet "added" is
 * notified at most about ten times a second */
static void
test_notify_pace (void)
{
  g_autofree char *path = generate ("pace.xml", 20000);
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcHealthImportJob) job = NULL;
  gint64 start = g_get_monotonic_time ();
  double seconds;
  Run run;

  job = run_job (store, path, 50, 0, NULL, &run);
  g_assert_no_error (run.error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("%u notifications in %.2f s for %" G_GUINT64_FORMAT " points in batches of 50",
                  run.notifies, seconds, fc_health_import_job_get_added (job));
  g_assert_cmpuint (fc_health_import_job_get_added (job), >, 15000);
  /* 10 a second, the first at once and the last at the end */
  g_assert_cmpfloat (run.notifies, <=, 10 * seconds + 3);
  g_assert_false (run.went_back);
  run_clear (&run);
  g_clear_object (&job);
  st_close (g_steal_pointer (&store));
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  main_thread = g_thread_self ();
  tmp_dir = g_dir_make_tmp ("fc-health-import-job-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/sync/health-import-job/apple", test_apple);
  g_test_add_func ("/sync/health-import-job/cancel", test_cancel);
  g_test_add_func ("/sync/health-import-job/kinds", test_kinds);
  g_test_add_func ("/sync/health-import-job/notify-pace", test_notify_pace);

  ret = g_test_run ();
  {
    const char *rm[] = { "rm", "-rf", tmp_dir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmp_dir);
  return ret;
}
