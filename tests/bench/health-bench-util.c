/* health-bench-util.c — what the health import benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "health-bench-util.h"

#include <sys/resource.h>

double
health_bench_cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

void
health_bench_generate (const char *path,
                       guint       n_records)
{
  g_autofree char *records = g_strdup_printf ("%u", n_records);
  const char *argv[] = { "python3", GEN_SCRIPT, "--seed", "7", "--records", records, path, NULL };
  g_autoptr(GError) error = NULL;
  const char *ready = g_getenv ("FITCORE_BENCH_HEALTH_EXPORT");
  int status = 0;

  /* Writing a million records takes the generator over a minute: a file
   * it wrote before with the same seed and count can stand in (copied, as
   * the benchmarks delete theirs). */
  if (ready != NULL) {
    g_autoptr(GFile) from = g_file_new_for_path (ready);
    g_autoptr(GFile) to = g_file_new_for_path (path);

    g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    return;
  }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

void
health_bench_xmllint (const char *path,
                      double     *out_wall,
                      double     *out_cpu)
{
  const char *argv[] = { XMLLINT, "--stream", "--noout", path, NULL };
  g_autoptr(GError) error = NULL;
  double cpu = health_bench_cpu_seconds (RUSAGE_CHILDREN);
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  *out_wall = (g_get_monotonic_time () - start) / 1e6;
  *out_cpu = health_bench_cpu_seconds (RUSAGE_CHILDREN) - cpu;
  g_test_message ("xmllint --stream --noout: %.2f s wall, %.2f s CPU", *out_wall, *out_cpu);
}
