/* health-bench-util.h — what the health import benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* CPU seconds (user + system) of RUSAGE_SELF or RUSAGE_CHILDREN */
double  health_bench_cpu_seconds (int         who);
/* Writes a generated export.xml of @n_records records at @path, or copies
 * $FITCORE_BENCH_HEALTH_EXPORT there (one the generator wrote with seed 7
 * and the same count) */
void    health_bench_generate    (const char *path,
                                  guint       n_records);
/* `xmllint --stream --noout PATH`: the floor for any xmlTextReader import */
void    health_bench_xmllint     (const char *path,
                                  double     *out_wall,
                                  double     *out_cpu);

G_END_DECLS
