/* bench-health-import-job.c — an Apple Health export through FcHealthImportJob into a store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 12. gen-apple-health-export.py writes an export.xml of
 * FITCORE_BENCH_HEALTH_RECORDS records (default 100,000, which runs in
 * under a minute on a loaded machine; the figure is 1,000,000;
 * FITCORE_BENCH_HEALTH_ROUNDS rounds, default 2; FITCORE_BENCH_HEALTH_BATCH
 * points a store transaction instead of the job's default); the
 * job (src/sync/fc-health-import-job.c) reads it and writes every point
 * into a fresh store (SQLite, its rollups, the upload flag), against
 * `xmllint --stream --noout` on the same file. Each is run twice,
 * alternately, each job into a store of its own, and the faster run of
 * each counts; the ratio is of CPU time (user + system, every thread of
 * the process: the reader, the feeder and the store's), which a shared
 * machine's load changes far less than the wall clock (both printed).
 * Memory: the peak RSS (VmHWM) from just before the job, which counts
 * the pages of the store's database file read through SQLite's memory
 * map (PRAGMA mmap_size, 1 GiB in src/store; a merge reads through the
 * page cache instead, so that its stage's pages do not stay resident),
 * and the peak of the anonymous memory (RssAnon, sampled every 20 ms),
 * what the job and the store allocate. Goals: CPU ratio ≤ 3, both memory
 * growths ≤ 50 MiB. Baselines: xmllint alone for the ratio; the importer
 * alone into nothing is bench-health-import.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "fc-health-import-job.h"
#include "fc-store-health.h"
#include "store-test-util.h"
#include "health-bench-util.h"
#include "sync-bench-seed.h"

#define DEFAULT_RECORDS 100000
#define N_ROUNDS 2

typedef struct {
  GError   *error;
  gboolean  done;
  double    anon_peak;
} State;

/* A line of /proc/self/status, in MiB */
static double
status_mib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (field), NULL, 10) / 1024.0;
}

static gboolean
sample_cb (gpointer user_data)
{
  State *state = user_data;

  state->anon_peak = MAX (state->anon_peak, status_mib ("RssAnon:"));
  return G_SOURCE_CONTINUE;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  State *state = user_data;

  fc_health_import_job_run_finish (FC_HEALTH_IMPORT_JOB (source), result, &state->error);
  state->done = TRUE;
}

static FcStore *
open_store (const char *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcStore *store;

  fc_store_open_async (ST_SERVER, account, NULL, st_result_cb, &result);
  store = fc_store_open_finish (st_wait (&result), &error);
  g_assert_no_error (error);
  return store;
}

static void
import (const char *path,
        guint       n_records,
        guint       round,
        double     *out_wall,
        double     *out_cpu,
        double     *out_rss_growth,
        double     *out_anon_growth)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcHealthImportJob) job = NULL;
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = g_strdup_printf ("round-%u@fitcore.test", round);
  State state = { NULL, FALSE, 0 };
  double before_rss, before_anon, cpu;
  guint64 in_store;
  gint64 start;
  guint sampler;

  /* A store of its own: the second round must not find the first's */
  store = open_store (account);
  job = fc_health_import_job_new (store, file);
  if (g_getenv ("FITCORE_BENCH_HEALTH_BATCH") != NULL)
    fc_health_import_job_set_batch_size (job, g_ascii_strtoull (g_getenv ("FITCORE_BENCH_HEALTH_BATCH"),
                                                                NULL, 10));

  sync_bench_reset_peak_rss ();
  before_rss = sync_bench_rss_mib ();
  before_anon = state.anon_peak = status_mib ("RssAnon:");
  sampler = g_timeout_add (20, sample_cb, &state);
  cpu = health_bench_cpu_seconds (RUSAGE_SELF);
  start = g_get_monotonic_time ();
  fc_health_import_job_run_async (job, NULL, done_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  *out_wall = (g_get_monotonic_time () - start) / 1e6;
  *out_cpu = health_bench_cpu_seconds (RUSAGE_SELF) - cpu;
  g_source_remove (sampler);
  sample_cb (&state);
  *out_rss_growth = sync_bench_peak_rss_mib () - before_rss;
  *out_anon_growth = state.anon_peak - before_anon;
  g_assert_no_error (state.error);

  g_assert_cmpuint (fc_health_import_job_get_records_seen (job), ==, n_records);
  g_assert_cmpuint (fc_health_import_job_get_added (job), >, n_records * 9 / 10);
  fc_store_health_count_pending_async (store, NULL, st_result_cb, &pending);
  in_store = fc_store_health_count_pending_finish (store, st_wait (&pending), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (in_store, ==, fc_health_import_job_get_added (job));
  g_test_message ("job: %.2f s wall, %.2f s CPU, %" G_GUINT64_FORMAT " points added, "
                  "%" G_GUINT64_FORMAT " unchanged, %" G_GUINT64_FORMAT " refused, peak RSS +%.1f MiB "
                  "(anonymous +%.1f MiB)",
                  *out_wall, *out_cpu, fc_health_import_job_get_added (job),
                  fc_health_import_job_get_unchanged (job), fc_health_import_job_get_refused (job),
                  *out_rss_growth, *out_anon_growth);
  /* the results hold the store too */
  g_clear_object (&pending);
  g_clear_object (&job);
  st_close (g_steal_pointer (&store));
}

static void
test_job (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-health-import-job-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "export.xml", NULL);
  const char *env = g_getenv ("FITCORE_BENCH_HEALTH_RECORDS");
  guint n_records = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : DEFAULT_RECORDS;
  const char *rounds_env = g_getenv ("FITCORE_BENCH_HEALTH_ROUNDS");
  guint n_rounds = rounds_env != NULL ? (guint) g_ascii_strtoull (rounds_env, NULL, 10) : N_ROUNDS;
  double lint_wall = G_MAXDOUBLE, lint_cpu = G_MAXDOUBLE, job_wall = G_MAXDOUBLE;
  double job_cpu = G_MAXDOUBLE, growth = 0, anon_growth = 0;
  GStatBuf st;

  if (n_records < 1000)
    n_records = DEFAULT_RECORDS;
  health_bench_generate (path, n_records);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_test_message ("export.xml: %u records, %.0f MiB", n_records, st.st_size / 1048576.0);

  for (guint i = 0; i < MAX (n_rounds, 1); i++) {
    double wall, cpu, rss, anon;

    health_bench_xmllint (path, &wall, &cpu);
    lint_wall = MIN (lint_wall, wall);
    lint_cpu = MIN (lint_cpu, cpu);
    import (path, n_records, i, &wall, &cpu, &rss, &anon);
    job_wall = MIN (job_wall, wall);
    job_cpu = MIN (job_cpu, cpu);
    growth = MAX (growth, rss);
    anon_growth = MAX (anon_growth, anon);
  }
  g_unlink (path);
  g_rmdir (dir);

  g_test_message ("job into a store / xmllint: %.2fx CPU (%.2f / %.2f s), %.2fx wall "
                  "(%.2f / %.2f s); peak anonymous memory growth %.1f MiB, peak RSS growth "
                  "%.1f MiB (with the store's mapped database)", job_cpu / lint_cpu, job_cpu,
                  lint_cpu, job_wall / lint_wall, job_wall, lint_wall, anon_growth, growth);
  g_assert_cmpfloat (anon_growth, <=, 50.0);
  g_assert_cmpfloat (growth, <=, 50.0);
  g_assert_cmpfloat (job_cpu / lint_cpu, <=, 3.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/bench/health/import-job", test_job);
  return g_test_run ();
}
