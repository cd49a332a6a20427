/* chart-test-util.c — what test-chart and bench-chart share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include "chart-test-util.h"

/* A store of its own: a new account each call, so the cases of one run
 * (one data directory) never see each other's points. */
FcStore *
ct_open_store (const char *prefix)
{
  static guint n;
  g_autofree char *account = g_strdup_printf ("%s-%d-%u@fitcore.test", prefix, (int) getpid (), n++);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcStore *store;

  fc_store_open_async (ST_SERVER, account, NULL, st_result_cb, &result);
  store = fc_store_open_finish (st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (FC_IS_STORE (store));
  return store;
}

/* @points (FcHealthPoint), all new to the store. */
void
ct_import (FcStore *store,
           GArray  *points)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcHealthImportCounts counts = { 0 };

  fc_store_health_import_async (store, "apple-health", points, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_import_finish (store, st_wait (&result), &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.added, ==, points->len);
}

/* The buckets on screen answer the chart's last request. */
gboolean
ct_settled (FcChart *chart)
{
  guint n = 0;
  const gint64 *edges = fc_chart_get_edges (chart, &n);
  GArray *buckets = fc_chart_get_buckets (chart);

  return edges != NULL && buckets != NULL && buckets->len == n - 1 && buckets->len > 0 &&
         g_array_index (buckets, FcHealthBucket, 0).start == edges[0] &&
         g_array_index (buckets, FcHealthBucket, buckets->len - 1).end == edges[n - 1];
}

static gboolean
done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Turns the main loop for @ms, so windows map and answers arrive. */
void
ct_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}
