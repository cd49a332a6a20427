/* bench-health-import.c — a million-record Apple Health export, imported
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 12. gen-apple-health-export.py writes a 1,000,000-record
 * export.xml; the importer (src/health) reads it whole, against
 * `xmllint --stream --noout` on the same file (libxml2's own streaming
 * parse, nothing kept: the floor for any xmlTextReader import). Each is run
 * twice, alternately, and the faster run of each counts; the ratio is of
 * CPU time (user + system, every thread), which a shared machine's load
 * changes far less than the wall clock (both are printed). The peak RSS
 * is measured from just before the import: it must not grow with the file.
 * Goals: CPU ratio ≤ 3, peak RSS growth ≤ 50 MiB.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "fc-health-import.h"
#include "health-bench-util.h"
#include "sync-bench-seed.h"

#define N_RECORDS 1000000
#define N_ROUNDS 2

typedef struct {
  GMainLoop              *loop;
  guint64                 points;
  guint                   batches;
  FcHealthImportProgress  progress;
  GError                 *error;
} Run;

static void
batch_cb (GArray                       *points,
          const FcHealthImportProgress *progress,
          gpointer                      user_data)
{
  Run *run = user_data;

  run->points += points->len;
  run->batches++;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  fc_health_import_finish (result, &run->progress, &run->error);
  g_main_loop_quit (run->loop);
}

static void
import (const char *path,
        double     *out_wall,
        double     *out_cpu,
        double     *out_rss_growth)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Run run = { 0, };
  double before_rss, cpu;
  gint64 start;

  run.loop = g_main_loop_new (NULL, FALSE);
  sync_bench_reset_peak_rss ();
  before_rss = sync_bench_rss_mib ();
  cpu = health_bench_cpu_seconds (RUSAGE_SELF);
  start = g_get_monotonic_time ();
  fc_health_import_async (file, 0, batch_cb, &run, NULL, NULL, done_cb, &run);
  g_main_loop_run (run.loop);
  *out_wall = (g_get_monotonic_time () - start) / 1e6;
  *out_cpu = health_bench_cpu_seconds (RUSAGE_SELF) - cpu;
  *out_rss_growth = sync_bench_peak_rss_mib () - before_rss;

  g_assert_no_error (run.error);
  g_assert_cmpuint (run.progress.records_seen, ==, N_RECORDS);
  g_assert_cmpuint (run.points, ==, run.progress.points_kept);
  g_assert_cmpuint (run.points, >, N_RECORDS * 9 / 10);
  g_test_message ("import: %.2f s wall, %.2f s CPU, %" G_GUINT64_FORMAT " points in %u batches, "
                  "peak RSS +%.1f MiB", *out_wall, *out_cpu, run.points, run.batches,
                  *out_rss_growth);
  g_main_loop_unref (run.loop);
}

static void
test_import (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-health-import-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "export.xml", NULL);
  double lint_wall = G_MAXDOUBLE, lint_cpu = G_MAXDOUBLE, imp_wall = G_MAXDOUBLE;
  double imp_cpu = G_MAXDOUBLE, growth = 0;
  GStatBuf st;

  health_bench_generate (path, N_RECORDS);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_test_message ("export.xml: %d records, %.0f MiB", N_RECORDS, st.st_size / 1048576.0);

  for (guint i = 0; i < N_ROUNDS; i++) {
    double wall, cpu, rss;

    health_bench_xmllint (path, &wall, &cpu);
    lint_wall = MIN (lint_wall, wall);
    lint_cpu = MIN (lint_cpu, cpu);
    import (path, &wall, &cpu, &rss);
    imp_wall = MIN (imp_wall, wall);
    imp_cpu = MIN (imp_cpu, cpu);
    growth = MAX (growth, rss);
  }
  g_unlink (path);
  g_rmdir (dir);

  g_test_message ("import / xmllint: %.2fx CPU (%.2f / %.2f s), %.2fx wall (%.2f / %.2f s); "
                  "peak RSS growth %.1f MiB", imp_cpu / lint_cpu, imp_cpu, lint_cpu,
                  imp_wall / lint_wall, imp_wall, lint_wall, growth);
  g_assert_cmpfloat (imp_cpu / lint_cpu, <=, 3.0);
  g_assert_cmpfloat (growth, <=, 50.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bench/health/import", test_import);
  return g_test_run ();
}
