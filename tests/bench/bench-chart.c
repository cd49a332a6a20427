/* bench-chart.c — FcChart's frame over a million points against the same
 * frame over two thousand, and a zoom from All to one day over the million
 *
 * Two stores (two accounts): one holds 1,000,000 heart-rate points, a
 * minute apart (about 694 days), the other 2,000 over the same span. Each
 * chart sits in a real 800 × 300 window (Xvfb under tests/run) showing All.
 * A frame is the chart snapshotted into a render node and that node
 * rendered to a texture by the window's renderer (GSK_RENDERER=cairo), the
 * two interleaved so both see the same load. The zoom sets a window 0.8×
 * the last one per 16 ms tick, about the newest point, and times what the
 * main thread does in that tick: the answers that came in, then the frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <time.h>

#include "chart-test-util.h"
#include "fc-store-health.h"

#define N_BIG     1000000
#define N_SMALL   2000
#define BATCH     20000
#define N_FRAMES  200
#define N_WARMUP  20
#define TICK_US   16000

static gint64 first_at;
/* FITCORE_BENCH_CHART_POINTS: fewer points while working on the drawing. */
static guint n_big = N_BIG;

/* @n heart-rate points evenly over N_BIG minutes from first_at. */
static void
fill (FcStore *store,
      guint    n)
{
  g_autoptr(GArray) points = g_array_sized_new (FALSE, TRUE, sizeof (FcHealthPoint), BATCH);
  gint64 step = (gint64) N_BIG * 60 / n;

  for (guint i = 0; i < n; i += BATCH) {
    g_array_set_size (points, 0);
    for (guint j = i; j < MIN (i + BATCH, n); j++) {
      FcHealthPoint point = { 0 };

      point.data_type = "heart_rate";
      point.unit = "bpm";
      point.recorded_at = (first_at + j * step) * G_USEC_PER_SEC;
      /* A day's rhythm plus a slow drift, 50 to 110 bpm. */
      point.value = 75 + 20 * sin (j * step * 2 * G_PI / 86400.0) + 10 * sin (j / 50000.0) + (j % 7);
      g_snprintf (point.client_id, sizeof point.client_id, "%032x", j);
      g_array_append_val (points, point);
    }
    ct_import (store, points);
  }
}

static void
wait_settled (FcChart *chart,
              gint64   from)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  gint64 window_from;

  for (;;) {
    fc_chart_get_window (chart, &window_from, NULL);
    if (ct_settled (chart) && window_from == from)
      break;
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    ct_run_for (10);
  }
}

static GtkWidget *
show_chart (FcStore    *store,
            GtkWidget **out_chart)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = fc_chart_new ();

  fc_chart_set_now (FC_CHART (chart), first_at + (gint64) N_BIG * 60 + 3600);
  fc_chart_set_store (FC_CHART (chart), store);
  fc_chart_set_data_type (FC_CHART (chart), "heart_rate", FC_CHART_LINE, "Heart rate", "bpm");
  fc_chart_set_range (FC_CHART (chart), FC_CHART_RANGE_ALL);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 300);
  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < 500 && gtk_widget_get_width (chart) == 0; i++)
    ct_run_for (10);
  g_assert_cmpint (gtk_widget_get_width (chart), >, 0);
  wait_settled (FC_CHART (chart), first_at);
  *out_chart = chart;
  return window;
}

static double last_snapshot_ms;
static double last_cpu_ms;

/* This thread's CPU time, ms: a loaded machine (eight builds on two cores)
 * stretches wall time several-fold, CPU time much less. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* One frame: the snapshot and its render, in ms (the snapshot alone in
 * last_snapshot_ms). */
static double
frame (GtkWidget *chart)
{
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (chart));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_ms ();

  gtk_widget_queue_draw (chart);
  snapshot = gtk_snapshot_new ();
  gtk_widget_snapshot_child (gtk_widget_get_parent (chart), chart, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  last_snapshot_ms = (g_get_monotonic_time () - start) / 1000.0;
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (chart),
                                                              gtk_widget_get_height (chart)));
  last_cpu_ms = cpu_ms () - cpu_start;
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN ((guint) (values->len * p), values->len - 1));
}

static void
on_buckets_changed_cb (FcChart *chart,
                       guint   *answers)
{
  (*answers)++;
}

static void
bench_chart (void)
{
  FcStore *big = ct_open_store ("chart-big");
  FcStore *small = ct_open_store ("chart-small");
  g_autoptr(GArray) big_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) small_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) zoom_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) big_snap = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) small_snap = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) big_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) small_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) zoom_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  double worst_cpu = 0, worst_answer = 0;
  GtkWidget *big_chart, *small_chart, *big_window, *small_window;
  gint64 start, from, to, anchor;
  double b, s, worst = 0, ratio;
  guint answers = 0, ticks = 0;
  g_autofree char *summary = NULL;

  start = g_get_monotonic_time ();
  fill (big, n_big);
  g_test_message ("imported %u points in %.1f s", n_big, (g_get_monotonic_time () - start) / 1e6);
  fill (small, N_SMALL);

  start = g_get_monotonic_time ();
  big_window = show_chart (big, &big_chart);
  g_test_message ("All over %u points: first answer %.1f ms after the window showed", n_big,
                  (g_get_monotonic_time () - start) / 1000.0);
  small_window = show_chart (small, &small_chart);
  summary = fc_chart_dup_summary (FC_CHART (big_chart));
  g_test_message ("summary: %s", summary);
  g_assert_true (g_str_has_prefix (summary, "Heart rate, all time: "));

  for (guint i = 0; i < N_WARMUP; i++) {
    frame (big_chart);
    frame (small_chart);
  }
  for (guint i = 0; i < N_FRAMES; i++) {
    b = frame (big_chart);
    g_array_append_val (big_snap, last_snapshot_ms);
    g_array_append_val (big_cpu, last_cpu_ms);
    s = frame (small_chart);
    g_array_append_val (small_snap, last_snapshot_ms);
    g_array_append_val (small_cpu, last_cpu_ms);
    g_array_append_val (big_ms, b);
    g_array_append_val (small_ms, s);
  }
  b = percentile (big_ms, 0.5);
  s = percentile (small_ms, 0.5);
  ratio = b / s;
  g_test_message ("chart %dx%d, %u buckets on screen, GSK_RENDERER=%s",
                  gtk_widget_get_width (big_chart), gtk_widget_get_height (big_chart),
                  fc_chart_get_buckets (FC_CHART (big_chart))->len,
                  g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  g_test_message ("BASELINE chart frame, 2,000 points (median): %.3f ms", s);
  g_test_message ("BASELINE chart frame, %u points (median): %.3f ms", n_big, b);
  g_test_message ("of which the snapshot (median): 2,000 points %.3f ms, %u points %.3f ms",
                  percentile (small_snap, 0.5), n_big, percentile (big_snap, 0.5));
  g_test_message ("CPU per frame (median): 2,000 points %.3f ms, 1,000,000 points %.3f ms, ratio %.2f",
                  percentile (small_cpu, 0.5), percentile (big_cpu, 0.5),
                  percentile (big_cpu, 0.5) / percentile (small_cpu, 0.5));
  g_test_message ("RATIO chart frame 1,000,000 / 2,000 points (medians, goal <= 1.5): %.2f", ratio);
  g_assert_cmpfloat (ratio, <=, 1.5);

  /* Zoom from All to one day about the newest point, a 16 ms tick each. */
  g_signal_connect (big_chart, "buckets-changed", G_CALLBACK (on_buckets_changed_cb), &answers);
  fc_chart_get_window (FC_CHART (big_chart), &from, &to);
  anchor = to - 6 * 3600;
  while (to - from > 86400) {
    gint64 tick = g_get_monotonic_time ();
    gint64 new_from = anchor - (gint64) ((anchor - from) * 0.8);
    gint64 new_to = anchor + (gint64) ((to - anchor) * 0.8);
    double ms;

    if (new_to - new_from < 86400)
      new_from = new_to - 86400;
    from = new_from;
    to = new_to;
    /* The frame: the new window drawn from the buckets at hand. */
    fc_chart_set_window (FC_CHART (big_chart), from, to);
    frame (big_chart);
    ms = (g_get_monotonic_time () - tick) / 1000.0;
    g_array_append_val (zoom_ms, ms);
    g_array_append_val (zoom_cpu, last_cpu_ms);
    worst = MAX (worst, ms);
    worst_cpu = MAX (worst_cpu, last_cpu_ms);
    ticks++;
    /* The rest of the tick: the store's answers arrive and are handled
     * (each timed), the window paints itself. */
    while (g_get_monotonic_time () < tick + TICK_US) {
      guint before = answers;
      gint64 t0 = g_get_monotonic_time ();

      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (500);
      else if (answers != before)
        worst_answer = MAX (worst_answer, (g_get_monotonic_time () - t0) / 1000.0);
    }
  }
  start = g_get_monotonic_time ();
  wait_settled (FC_CHART (big_chart), from);
  g_test_message ("zoom All to one day: %u ticks, %u answers from the store during it, last answer "
                  "%.1f ms after the last tick", ticks, answers,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_test_message ("BASELINE zoom frame (new window + snapshot + render), wall median %.3f ms, "
                  "p90 %.3f ms; CPU median %.3f ms", percentile (zoom_ms, 0.5),
                  percentile (zoom_ms, 0.9), percentile (zoom_cpu, 0.5));
  g_test_message ("BASELINE worst main-loop turn that handled a store answer: %.3f ms wall", worst_answer);
  g_test_message ("WORST zoom frame over 1,000,000 points (goal <= 16 ms): %.3f ms wall, %.3f ms CPU",
                  worst, worst_cpu);
  /* The goal is 16 ms a frame. CPU time is what the chart asks of the
   * machine; wall time on a shared 2-core machine also holds the waits for
   * the other processes, so only the CPU worst is held to the goal. */
  g_assert_cmpfloat (worst_cpu, <=, 16.0);
  /* The screen follows the zoom: answers arrive while it runs, not only
   * once it stops (a frame that held the main loop past the 30 ms between
   * requests, as the first drawing did at 20-90 ms a frame on this loaded
   * machine, let one through in 30 ticks). */
  g_assert_cmpuint (answers, >=, 3);

  gtk_window_destroy (GTK_WINDOW (big_window));
  gtk_window_destroy (GTK_WINDOW (small_window));
  st_close (big);
  st_close (small);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  adw_init ();
  /* A fixed start, so the bench holds on any date: 1 January 2024. */
  first_at = 1704067200;
  if (g_getenv ("FITCORE_BENCH_CHART_POINTS") != NULL)
    n_big = (guint) g_ascii_strtoull (g_getenv ("FITCORE_BENCH_CHART_POINTS"), NULL, 10);
  g_test_add_func ("/bench/chart", bench_chart);
  return g_test_run ();
}
