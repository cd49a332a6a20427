/* sync-bench-seed.h — a fitcore-server database holding 50,000 public foods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the sync benchmarks: the rows go straight into the server's SQLite
 * file before it starts (50,000 POSTs would take minutes), owned by a
 * staff account made with `fitcore-server --create-staff`.
 */

#pragma once

#include "fc-api-client.h"
#include "fc-store.h"
#include "fc-test-server.h"

G_BEGIN_DECLS

#define SYNC_BENCH_N_FOODS 50000
#define SYNC_BENCH_STAFF_EMAIL "staff@bench.example.com"

/* Makes a data dir (in the user cache dir) holding the staff account
 * (password SYNC_TEST_PASSWORD) and the foods, and returns its path; if
 * @csv_path is not NULL, the same rows are written there as CSV. */
char        *sync_bench_prepare_server (const char    *csv_path);
/* A client signed in as the staff account on @server, and its store. */
FcApiClient *sync_bench_sign_in        (FcTestServer  *server,
                                        FcStore      **out_store);

/* This process's resident memory now, and its peak since the last reset
 * (Linux: VmRSS and VmHWM of /proc/self/status, in MiB; -1 elsewhere). */
double sync_bench_rss_mib        (void);
double sync_bench_peak_rss_mib   (void);
/* Starts a new peak from the current RSS (writes 5 to /proc/self/clear_refs);
 * returns FALSE where that is not possible (the peak is then since start). */
gboolean sync_bench_reset_peak_rss (void);

G_END_DECLS
