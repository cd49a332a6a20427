/* test-chart.c — FcChart over a real store: its summary, its bars on local
 * days across DST changes, the keyboard, the crosshair and the PNG export
 *
 * Every expected value is computed here from the points the test inserts,
 * never from the store's buckets. The test runs in Europe/Berlin (set
 * before anything reads the time zone) so that bars meet DST: 29 March
 * 2026 has 23 hours there and 25 October 2026 has 25. Needs a display
 * (tests/run gives it Xvfb); the keys go through the X server (xdotool).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "chart-test-util.h"
#include "fc-store-health.h"

#define N_DAYS 30

static GTimeZone *berlin;

static gint64
local_time (int year,
            int month,
            int day,
            int hour,
            int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new (berlin, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static void
add_point (GArray     *points,
           const char *data_type,
           const char *unit,
           double      value,
           gint64      at)
{
  FcHealthPoint point = { 0 };
  g_autofree char *id = g_strdup_printf ("%08x%024" G_GINT64_MODIFIER "x", g_str_hash (data_type),
                                         (guint64) at);

  point.data_type = data_type;
  point.unit = unit;
  point.value = value;
  point.recorded_at = at * G_USEC_PER_SEC;
  g_strlcpy (point.client_id, id, sizeof point.client_id);
  g_array_append_val (points, point);
}

static void
on_buckets_changed_cb (FcChart *chart,
                       guint   *answers)
{
  (*answers)++;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Turns the main loop until the chart has had an answer it has not been
 * waited for yet, and that answer is its last request's (a generous
 * ceiling: a loaded machine, the sanitizers). */
static void
wait_buckets (FcChart *chart)
{
  guint *answers = g_object_get_data (G_OBJECT (chart), "answers");
  guint *waited = g_object_get_data (G_OBJECT (chart), "waited");
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (30, timeout_cb, &timed_out);

  while (!(*answers > *waited && ct_settled (chart)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_false (timed_out);
  *waited = *answers;
}

/* 30 daily weigh-ins at 07:30 local, 12 March to 10 April 2026 (across the
 * spring DST change), one late the day before and one early the day after. */
static double weights[N_DAYS];
static gint64 weight_times[N_DAYS];

static FcStore *
open_store_with_weights (void)
{
  FcStore *store = ct_open_store ("chart");
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (FcHealthPoint));

  for (guint i = 0; i < N_DAYS; i++) {
    g_autoptr(GDateTime) day = g_date_time_new (berlin, 2026, 3, 12, 7, 30, 0);
    g_autoptr(GDateTime) at = g_date_time_add_days (day, i);

    weights[i] = 74.0 - 0.1 * i + ((i * 7) % 5) * 0.3;
    weight_times[i] = g_date_time_to_unix (at);
    add_point (points, "weight", "kg", weights[i], weight_times[i]);
  }
  /* Just outside the month at either end, where a chart whose first or
   * last column ran past the window would count them. */
  add_point (points, "weight", "kg", 90.0, local_time (2026, 3, 11, 23, 58));
  add_point (points, "weight", "kg", 50.0, local_time (2026, 4, 11, 0, 2));
  ct_import (store, points);
  return store;
}

static GtkWidget *
new_chart (FcStore     *store,
           const char  *data_type,
           FcChartKind  kind,
           const char  *title,
           const char  *unit)
{
  GtkWidget *chart = g_object_ref_sink (fc_chart_new ());
  guint *answers = g_new0 (guint, 1);

  g_object_set_data_full (G_OBJECT (chart), "answers", answers, g_free);
  g_object_set_data_full (G_OBJECT (chart), "waited", g_new0 (guint, 1), g_free);
  g_signal_connect (chart, "buckets-changed", G_CALLBACK (on_buckets_changed_cb), answers);

  /* Noon on 10 April 2026, Berlin: the month is 12 March to 10 April. */
  fc_chart_set_now (FC_CHART (chart), local_time (2026, 4, 10, 12, 0));
  fc_chart_set_store (FC_CHART (chart), store);
  fc_chart_set_data_type (FC_CHART (chart), data_type, kind, title, unit);
  fc_chart_set_range (FC_CHART (chart), FC_CHART_RANGE_MONTH);
  return chart;
}

static char *
expected_weight_summary (guint from_day)
{
  double lowest = INFINITY, highest = -INFINITY;
  double first = weights[from_day], last = weights[N_DAYS - 1];
  double change = last - first;

  for (guint i = from_day; i < N_DAYS; i++) {
    lowest = MIN (lowest, weights[i]);
    highest = MAX (highest, weights[i]);
  }
  return g_strdup_printf ("Weight, last 30 days: %.1f kg, %s %.1f kg, lowest %.1f, highest %.1f",
                          last, change < 0 ? "down" : "up", fabs (change), lowest, highest);
}

static void
test_summary (void)
{
  FcStore *store = open_store_with_weights ();
  GtkWidget *chart = new_chart (store, "weight", FC_CHART_LINE, "Weight", "kg");
  GtkWidget *empty = new_chart (store, "heart_rate", FC_CHART_LINE, "Heart rate", "bpm");
  g_autofree char *expected = expected_weight_summary (0);
  g_autofree char *summary = NULL;
  g_autofree char *empty_summary = NULL;
  g_autofree char *property = NULL;
  gint64 from, to;

  wait_buckets (FC_CHART (chart));
  fc_chart_get_window (FC_CHART (chart), &from, &to);
  g_assert_cmpint (from, ==, local_time (2026, 3, 12, 0, 0));
  g_assert_cmpint (to, ==, local_time (2026, 4, 11, 0, 0));
  /* 23 hours on 29 March: the 30 local days are not 30 × 86,400 s. */
  g_assert_cmpint (to - from, ==, 30 * 86400 - 3600);

  summary = fc_chart_dup_summary (FC_CHART (chart));
  g_test_message ("summary: %s", summary);
  g_assert_cmpstr (summary, ==, expected);
  g_assert_cmpstr (summary, ==, "Weight, last 30 days: 72.0 kg, down 2.0 kg, lowest 71.5, highest 75.0");
  g_object_get (chart, "summary", &property, NULL);
  g_assert_cmpstr (property, ==, expected);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       expected);

  wait_buckets (FC_CHART (empty));
  empty_summary = fc_chart_dup_summary (FC_CHART (empty));
  g_assert_cmpstr (empty_summary, ==, "Heart rate, last 30 days: No data");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (empty), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Heart rate, last 30 days: No data");

  g_assert_finalize_object (chart);
  g_assert_finalize_object (empty);
  st_close (store);
}

/* A person who reads pounds: the chart reads kilograms and shows pounds
 * in its summary, from the kilograms the test stored. */
static void
test_display_unit (void)
{
  const double lb_per_kg = 1 / 0.45359237;
  FcStore *store = open_store_with_weights ();
  GtkWidget *chart = new_chart (store, "weight", FC_CHART_LINE, "Weight", "kg");
  double lowest = INFINITY, highest = -INFINITY;
  double change = (weights[N_DAYS - 1] - weights[0]) * lb_per_kg;
  g_autofree char *expected = NULL;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < N_DAYS; i++) {
    lowest = MIN (lowest, weights[i] * lb_per_kg);
    highest = MAX (highest, weights[i] * lb_per_kg);
  }
  expected = g_strdup_printf ("Weight, last 30 days: %.1f lb, %s %.1f lb, lowest %.1f, highest %.1f",
                              weights[N_DAYS - 1] * lb_per_kg, change < 0 ? "down" : "up",
                              fabs (change), lowest, highest);
  wait_buckets (FC_CHART (chart));
  fc_chart_set_display_unit (FC_CHART (chart), "lb", lb_per_kg);
  summary = fc_chart_dup_summary (FC_CHART (chart));
  g_test_message ("summary: %s", summary);
  g_assert_cmpstr (summary, ==, expected);
  g_assert_cmpstr (summary, ==, "Weight, last 30 days: 158.7 lb, down 4.4 lb, lowest 157.6, highest 165.3");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       expected);

  /* A new data type starts again from its canonical unit. */
  fc_chart_set_data_type (FC_CHART (chart), "weight", FC_CHART_LINE, "Weight", "kg");
  wait_buckets (FC_CHART (chart));
  g_clear_pointer (&summary, g_free);
  summary = fc_chart_dup_summary (FC_CHART (chart));
  g_assert_cmpstr (summary, ==, "Weight, last 30 days: 72.0 kg, down 2.0 kg, lowest 71.5, highest 75.0");

  g_assert_finalize_object (chart);
  st_close (store);
}

/* A new point reaches the chart through FcStore::changed::health. */
static void
test_store_changed (void)
{
  FcStore *store = open_store_with_weights ();
  GtkWidget *chart = new_chart (store, "weight", FC_CHART_LINE, "Weight", "kg");
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (FcHealthPoint));
  g_autofree char *summary = NULL;
  g_autofree char *expected = NULL;

  wait_buckets (FC_CHART (chart));
  add_point (points, "weight", "kg", 60.0, local_time (2026, 4, 10, 11, 0));
  ct_import (store, points);
  wait_buckets (FC_CHART (chart));
  summary = fc_chart_dup_summary (FC_CHART (chart));
  expected = g_strdup_printf ("Weight, last 30 days: 60.0 kg, down %.1f kg, lowest 60.0, highest 75.0",
                              weights[0] - 60.0);
  g_assert_cmpstr (summary, ==, expected);

  g_assert_finalize_object (chart);
  st_close (store);
}

/* Windows set one after another before any answer: the chart shows the
 * last one's buckets, never an older answer that arrives late. */
static void
test_latest_request_wins (void)
{
  FcStore *store = open_store_with_weights ();
  GtkWidget *chart = new_chart (store, "weight", FC_CHART_LINE, "Weight", "kg");
  gint64 day = local_time (2026, 3, 20, 0, 0);
  GArray *buckets;

  wait_buckets (FC_CHART (chart));
  for (guint i = 0; i < 5; i++) {
    fc_chart_set_window (FC_CHART (chart), day + i * 86400, day + (i + 3) * 86400);
    g_main_context_iteration (NULL, FALSE);
    ct_run_for (40);
  }
  wait_buckets (FC_CHART (chart));
  /* No late answer replaces it. */
  ct_run_for (300);
  buckets = fc_chart_get_buckets (FC_CHART (chart));
  g_assert_nonnull (buckets);
  g_assert_cmpint (g_array_index (buckets, FcHealthBucket, 0).start, ==, day + 4 * 86400);
  g_assert_cmpint (g_array_index (buckets, FcHealthBucket, buckets->len - 1).end, ==, day + 7 * 86400);
  g_assert_cmpint (fc_chart_get_range (FC_CHART (chart)), ==, FC_CHART_RANGE_CUSTOM);

  g_assert_finalize_object (chart);
  st_close (store);
}

static void
assert_local_midnights (FcChart *chart,
                        guint    expected_n,
                        int      weekday)
{
  guint n = 0;
  const gint64 *edges = fc_chart_get_edges (chart, &n);
  GArray *buckets = fc_chart_get_buckets (chart);

  g_assert_cmpuint (n, ==, expected_n);
  g_assert_nonnull (buckets);
  g_assert_cmpuint (buckets->len, ==, n - 1);
  for (guint i = 0; i < n; i++) {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (edges[i]);
    g_autoptr(GDateTime) in_berlin = g_date_time_to_timezone (dt, berlin);

    g_assert_cmpint (g_date_time_get_hour (in_berlin), ==, 0);
    g_assert_cmpint (g_date_time_get_minute (in_berlin), ==, 0);
    g_assert_cmpint (g_date_time_get_second (in_berlin), ==, 0);
    if (weekday > 0)
      g_assert_cmpint (g_date_time_get_day_of_week (in_berlin), ==, weekday);
    if (i + 1 < n) {
      g_assert_cmpint (g_array_index (buckets, FcHealthBucket, i).start, ==, edges[i]);
      g_assert_cmpint (g_array_index (buckets, FcHealthBucket, i).end, ==, edges[i + 1]);
    }
  }
}

static const FcHealthBucket *
bucket_at (FcChart *chart,
           gint64   start)
{
  GArray *buckets = fc_chart_get_buckets (chart);

  for (guint i = 0; i < buckets->len; i++) {
    if (g_array_index (buckets, FcHealthBucket, i).start == start)
      return &g_array_index (buckets, FcHealthBucket, i);
  }
  g_assert_not_reached ();
}

/* Daily bars across both DST changes of 2026 in Berlin: every edge a
 * local midnight, the short day 23 hours and its 23 hourly points, the
 * long day 25. Weeks start on a local Monday, months on the 1st. */
static void
test_bars_dst (void)
{
  FcStore *store = ct_open_store ("chart");
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (FcHealthPoint));
  GtkWidget *chart;
  const FcHealthBucket *bucket;
  gint64 t;

  /* 100 steps at half past every hour from 27 to 31 March and from 23 to
   * 27 October, local. */
  for (t = local_time (2026, 3, 27, 0, 30); t < local_time (2026, 3, 31, 0, 0); t += 3600)
    add_point (points, "steps", "count", 100, t);
  for (t = local_time (2026, 10, 23, 0, 30); t < local_time (2026, 10, 27, 0, 0); t += 3600)
    add_point (points, "steps", "count", 100, t);
  ct_import (store, points);

  chart = new_chart (store, "steps", FC_CHART_BARS, "Steps", "steps");
  wait_buckets (FC_CHART (chart));

  fc_chart_set_window (FC_CHART (chart), local_time (2026, 3, 20, 0, 0), local_time (2026, 4, 5, 0, 0));
  wait_buckets (FC_CHART (chart));
  g_assert_cmpint (fc_chart_get_bar_unit (FC_CHART (chart)), ==, FC_CHART_BAR_DAY);
  assert_local_midnights (FC_CHART (chart), 17, 0);
  bucket = bucket_at (FC_CHART (chart), local_time (2026, 3, 29, 0, 0));
  g_assert_cmpint (bucket->end - bucket->start, ==, 23 * 3600);
  g_assert_cmpuint (bucket->count, ==, 23);
  g_assert_cmpfloat (bucket->sum, ==, 2300);
  bucket = bucket_at (FC_CHART (chart), local_time (2026, 3, 28, 0, 0));
  g_assert_cmpuint (bucket->count, ==, 24);
  g_assert_cmpfloat (bucket->sum, ==, 2400);

  fc_chart_set_window (FC_CHART (chart), local_time (2026, 10, 20, 0, 0), local_time (2026, 11, 5, 0, 0));
  wait_buckets (FC_CHART (chart));
  assert_local_midnights (FC_CHART (chart), 17, 0);
  bucket = bucket_at (FC_CHART (chart), local_time (2026, 10, 25, 0, 0));
  g_assert_cmpint (bucket->end - bucket->start, ==, 25 * 3600);
  g_assert_cmpuint (bucket->count, ==, 25);
  g_assert_cmpfloat (bucket->sum, ==, 2500);

  /* Five and a half months at 600 columns: weeks, each from a local Monday. 5
   * January 2026 is a Monday; 1 January's week began on 29 December. */
  fc_chart_set_window (FC_CHART (chart), local_time (2026, 1, 1, 0, 0), local_time (2026, 6, 15, 0, 0));
  wait_buckets (FC_CHART (chart));
  g_assert_cmpint (fc_chart_get_bar_unit (FC_CHART (chart)), ==, FC_CHART_BAR_WEEK);
  assert_local_midnights (FC_CHART (chart), 25, G_DATE_MONDAY);
  g_assert_cmpint (fc_chart_get_edges (FC_CHART (chart), &(guint) { 0 })[0], ==,
                   local_time (2025, 12, 29, 0, 0));
  bucket = bucket_at (FC_CHART (chart), local_time (2026, 3, 23, 0, 0));
  g_assert_cmpint (bucket->end - bucket->start, ==, 7 * 86400 - 3600);
  g_assert_cmpfloat (bucket->sum, ==, (24 * 2 + 23) * 100);

  /* Ten years: months. */
  fc_chart_set_window (FC_CHART (chart), local_time (2017, 1, 1, 0, 0), local_time (2027, 1, 1, 0, 0));
  wait_buckets (FC_CHART (chart));
  g_assert_cmpint (fc_chart_get_bar_unit (FC_CHART (chart)), ==, FC_CHART_BAR_MONTH);
  assert_local_midnights (FC_CHART (chart), 121, 0);
  bucket = bucket_at (FC_CHART (chart), local_time (2026, 10, 1, 0, 0));
  g_assert_cmpfloat (bucket->sum, ==, (24 * 3 + 25) * 100);

  g_assert_finalize_object (chart);
  st_close (store);
}

static void
subprocess_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, subprocess_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_successful (process));
}

/* Presses @key (an X keysym name) and waits for the window to become
 * [@from, @to); the X server delivers when it does, so this waits for the
 * lasting effect rather than a time. */
static void
press_and_expect (GtkWidget  *chart,
                  const char *key,
                  gint64      from,
                  gint64      to)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  gint64 got_from = 0, got_to = 0;

  xdotool ((const char *[]) { "key", key, NULL });
  while (g_get_monotonic_time () < deadline) {
    fc_chart_get_window (FC_CHART (chart), &got_from, &got_to);
    if (got_from == from && got_to == to)
      break;
    ct_run_for (20);
  }
  g_test_message ("after %s: window %" G_GINT64_FORMAT " – %" G_GINT64_FORMAT, key, got_from, got_to);
  g_assert_cmpint (got_from, ==, from);
  g_assert_cmpint (got_to, ==, to);
}

/* The keys a person presses, through the X server, and the crosshair the
 * focus shows (read into the accessible name). */
static void
test_keyboard (void)
{
  g_autofree char *program = g_find_program_in_path ("xdotool");
  FcStore *store;
  GtkWidget *chart, *window;
  g_autofree char *xid = NULL;
  g_autofree char *reading = NULL;
  g_autofree char *expected_reading = NULL;
  g_autofree char *expected_label = NULL;
  gint64 a = local_time (2026, 3, 14, 0, 0) + 0;
  gint64 span = 8 * 86400;
  gint64 center, best = G_MAXINT64;
  guint nearest = 0;
  GdkSurface *surface;

  if (program == NULL) {
    g_test_skip ("xdotool is not installed");
    return;
  }
  store = open_store_with_weights ();
  chart = new_chart (store, "weight", FC_CHART_LINE, "Weight", "kg");
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 320);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < 500 && gtk_widget_get_width (chart) == 0; i++)
    ct_run_for (10);
  g_assert_cmpint (gtk_widget_get_width (chart), >, 0);
  surface = gtk_native_get_surface (GTK_NATIVE (window));
#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_SURFACE (surface))
    xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
#endif
  if (xid == NULL) {
    g_test_skip ("not an X11 display");
    gtk_window_destroy (GTK_WINDOW (window));
    g_assert_finalize_object (chart);
    st_close (store);
    return;
  }

  fc_chart_set_window (FC_CHART (chart), a, a + span);
  wait_buckets (FC_CHART (chart));
  /* The pointer away from the chart: where an earlier test left it, over
   * the plot, hovering would place the crosshair instead of the focus. */
  xdotool ((const char *[]) { "mousemove", "1270", "790", NULL });
  xdotool ((const char *[]) { "windowfocus", "--sync", xid, NULL });
  g_assert_true (gtk_widget_grab_focus (chart));
  ct_run_for (100);

  /* The focus puts the crosshair on the point nearest the middle. */
  center = a + span / 2;
  for (guint i = 0; i < N_DAYS; i++) {
    if (weight_times[i] >= a && weight_times[i] < a + span && ABS (weight_times[i] - center) < best) {
      best = ABS (weight_times[i] - center);
      nearest = i;
    }
  }
  {
    g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (weight_times[nearest]);
    g_autofree char *when = g_date_time_format (at, "%a %-d %b %Y %H:%M");

    expected_reading = g_strdup_printf ("%.1f kg, %s", weights[nearest], when);
  }
  reading = fc_chart_dup_crosshair_text (FC_CHART (chart));
  g_assert_cmpstr (reading, ==, expected_reading);
  expected_label = g_strdup_printf ("Weight chart: %s", expected_reading);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       expected_label);

  /* Right pans a quarter of the window later, + halves it about its
   * middle, − doubles it back, Left pans back. */
  press_and_expect (chart, "Right", a + span / 4, a + span / 4 + span);
  press_and_expect (chart, "plus", a + span / 4 + span / 4, a + span / 4 + span / 4 + span / 2);
  press_and_expect (chart, "minus", a + span / 4, a + span / 4 + span);
  press_and_expect (chart, "Left", a, a + span);
  g_assert_cmpint (fc_chart_get_range (FC_CHART (chart)), ==, FC_CHART_RANGE_CUSTOM);
  /* End: the window ends with today (10 April); Home: it starts at the
   * first point (11 March 23:58). */
  press_and_expect (chart, "End", local_time (2026, 4, 11, 0, 0) - span, local_time (2026, 4, 11, 0, 0));
  press_and_expect (chart, "Home", local_time (2026, 3, 11, 23, 58), local_time (2026, 3, 11, 23, 58) + span);

  /* A drag of 160 px to the right shows what was 160 px to the left: the
   * window moves earlier by 160 / (plot width) of its span. */
  {
    gint64 before_from, before_to, after_from, after_to, expected;
    g_autofree char *x0 = NULL, *x1 = NULL, *y = NULL;
    graphene_point_t middle;
    double plot_width;

    fc_chart_get_window (FC_CHART (chart), &before_from, &before_to);
    g_assert_true (gtk_widget_compute_point (chart, window,
                                             &GRAPHENE_POINT_INIT (gtk_widget_get_width (chart) / 2.f,
                                                                   gtk_widget_get_height (chart) / 2.f),
                                             &middle));
    x0 = g_strdup_printf ("%d", (int) middle.x - 80);
    x1 = g_strdup_printf ("%d", (int) middle.x + 80);
    y = g_strdup_printf ("%d", (int) middle.y);
    xdotool ((const char *[]) { "mousemove", "--window", xid, x0, y, NULL });
    ct_run_for (50);
    xdotool ((const char *[]) { "mousedown", "1", NULL });
    ct_run_for (50);
    xdotool ((const char *[]) { "mousemove", "--window", xid, y, y, NULL });
    ct_run_for (50);
    xdotool ((const char *[]) { "mousemove", "--window", xid, x1, y, NULL });
    ct_run_for (50);
    xdotool ((const char *[]) { "mouseup", "1", NULL });
    ct_run_for (200);
    fc_chart_get_window (FC_CHART (chart), &after_from, &after_to);
    /* The plot is the chart less the value labels' margin, so the move is
     * a little more than 160 px of the whole chart's width. */
    plot_width = gtk_widget_get_width (chart);
    expected = (gint64) (160 * (double) (before_to - before_from) / plot_width);
    g_test_message ("drag: window moved by %" G_GINT64_FORMAT " s, at least %" G_GINT64_FORMAT,
                    before_from - after_from, expected);
    g_assert_cmpint (after_to - after_from, ==, before_to - before_from);
    g_assert_cmpint (before_from - after_from, >=, expected);
    g_assert_cmpint (before_from - after_from, <=, expected * 3 / 2);

    /* The wheel zooms about the pointer: one notch up, 1/1.25 of the span,
     * the time under the pointer kept. */
    xdotool ((const char *[]) { "click", "4", NULL });
    for (guint i = 0; i < 100; i++) {
      gint64 from, to;

      fc_chart_get_window (FC_CHART (chart), &from, &to);
      if (to - from != after_to - after_from)
        break;
      ct_run_for (20);
    }
    fc_chart_get_window (FC_CHART (chart), &before_from, &before_to);
    g_assert_cmpint (before_to - before_from, ==, (gint64) llround ((after_to - after_from) * 0.8));
  }

  /* The crosshair goes with the pointer and the focus. */
  xdotool ((const char *[]) { "mousemove", "1200", "780", NULL });
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  ct_run_for (50);
  g_clear_pointer (&reading, g_free);
  reading = fc_chart_dup_crosshair_text (FC_CHART (chart));
  g_assert_null (reading);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Weight chart");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
  st_close (store);
}

/* The same keys as actions, for buttons and for displays without XTest. */
static void
test_actions (void)
{
  FcStore *store = open_store_with_weights ();
  GtkWidget *chart = new_chart (store, "weight", FC_CHART_LINE, "Weight", "kg");
  gint64 a = local_time (2026, 3, 14, 0, 0);
  gint64 from, to;

  wait_buckets (FC_CHART (chart));
  fc_chart_set_window (FC_CHART (chart), a, a + 4 * 86400);
  g_assert_true (gtk_widget_activate_action (chart, "chart.pan", "i", 1));
  fc_chart_get_window (FC_CHART (chart), &from, &to);
  g_assert_cmpint (from, ==, a + 86400);
  g_assert_cmpint (to, ==, a + 5 * 86400);
  g_assert_true (gtk_widget_activate_action (chart, "chart.zoom", "i", 1));
  fc_chart_get_window (FC_CHART (chart), &from, &to);
  g_assert_cmpint (from, ==, a + 2 * 86400);
  g_assert_cmpint (to, ==, a + 4 * 86400);
  /* Zooming in stops at a quarter of an hour. */
  for (guint i = 0; i < 20; i++)
    gtk_widget_activate_action (chart, "chart.zoom", "i", 1);
  fc_chart_get_window (FC_CHART (chart), &from, &to);
  g_assert_cmpint (to - from, ==, 15 * 60);

  /* All: from the first point to the last. */
  fc_chart_set_range (FC_CHART (chart), FC_CHART_RANGE_ALL);
  for (guint i = 0; i < 500; i++) {
    fc_chart_get_window (FC_CHART (chart), &from, &to);
    if (from == local_time (2026, 3, 11, 23, 58))
      break;
    ct_run_for (10);
  }
  g_assert_cmpint (from, ==, local_time (2026, 3, 11, 23, 58));
  g_assert_cmpint (to, ==, local_time (2026, 4, 11, 0, 2) + 1);
  g_assert_cmpint (fc_chart_get_range (FC_CHART (chart)), ==, FC_CHART_RANGE_ALL);

  g_assert_finalize_object (chart);
  st_close (store);
}

static gboolean
is_accent (const guchar *pixel)
{
  return pixel[2] > pixel[0] + 60 && pixel[2] > pixel[1] + 30;
}

/* Columns of the image between @x0 and @x1 (every 4th) that hold an accent
 * pixel, and the accent pixels in all. */
static void
scan_png (const char *path,
          int         width,
          int         height,
          int         x0,
          int         x1,
          guint      *columns_hit,
          guint      *columns_seen,
          guint      *accent_pixels)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);
  const guchar *pixels;
  int stride, channels;

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, height);
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  *columns_hit = *columns_seen = *accent_pixels = 0;
  for (int y = 0; y < height; y++) {
    for (int x = 0; x < width; x++)
      *accent_pixels += is_accent (pixels + y * stride + x * channels);
  }
  for (int x = x0; x < x1; x += 4) {
    gboolean hit = FALSE;

    for (int y = 0; y < height && !hit; y++)
      hit = is_accent (pixels + y * stride + x * channels);
    *columns_hit += hit;
    (*columns_seen)++;
  }
}

static void
save_artifact (GtkWidget  *chart,
               const char *name,
               int         width,
               int         height)
{
  g_autofree char *path = g_build_filename (g_getenv ("FITCORE_TEST_ARTIFACTS"), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_chart_save_png (FC_CHART (chart), file, width, height, &error));
  g_assert_no_error (error);
  g_test_message ("saved %s", path);
}

static void
test_png (void)
{
  FcStore *store = open_store_with_weights ();
  GtkWidget *chart = new_chart (store, "weight", FC_CHART_LINE, "Weight", "kg");
  GtkWidget *empty = new_chart (store, "heart_rate", FC_CHART_LINE, "Heart rate", "bpm");
  g_autofree char *dir = g_dir_make_tmp ("test-chart-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "weight.png", NULL);
  g_autofree char *empty_path = g_build_filename (dir, "empty.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) empty_file = g_file_new_for_path (empty_path);
  g_autoptr(GError) error = NULL;
  guint hit, seen, accent;

  wait_buckets (FC_CHART (chart));
  wait_buckets (FC_CHART (empty));
  g_assert_true (fc_chart_save_png (FC_CHART (chart), file, 400, 300, &error));
  g_assert_no_error (error);
  g_assert_true (fc_chart_save_png (FC_CHART (empty), empty_file, 320, 200, &error));
  g_assert_no_error (error);

  /* The line runs from 12 March 07:30 to 10 April 07:30 of the month's
   * 30 days: every column of the middle half of the image crosses it. */
  scan_png (path, 400, 300, 150, 350, &hit, &seen, &accent);
  g_test_message ("weight.png: %u of %u columns hold the line, %u accent pixels", hit, seen, accent);
  g_assert_cmpuint (seen, >, 40);
  g_assert_cmpuint (hit, ==, seen);
  scan_png (empty_path, 320, 200, 0, 320, &hit, &seen, &accent);
  g_assert_cmpuint (accent, ==, 0);

  /* The looks, to look at: light, dark and 360 px narrow, a line and bars. */
  if (g_getenv ("FITCORE_TEST_ARTIFACTS") != NULL) {
    g_autoptr(GArray) steps = g_array_new (FALSE, TRUE, sizeof (FcHealthPoint));
    GtkWidget *bars;
    AdwStyleManager *style = adw_style_manager_get_default ();

    for (guint i = 0; i < N_DAYS; i++)
      add_point (steps, "steps", "count", 4000 + (i * 3571) % 9000, weight_times[i] + 3600 * 10);
    ct_import (store, steps);
    bars = new_chart (store, "steps", FC_CHART_BARS, "Steps", "steps");
    fc_chart_set_goal (FC_CHART (bars), 8000);
    wait_buckets (FC_CHART (bars));
    save_artifact (chart, "chart-weight.png", 640, 320);
    save_artifact (bars, "chart-steps.png", 640, 320);
    save_artifact (bars, "chart-steps-narrow.png", 360, 240);
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    save_artifact (chart, "chart-weight-dark.png", 640, 320);
    save_artifact (bars, "chart-steps-dark.png", 640, 320);
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
    g_assert_finalize_object (bars);
  }
  g_unlink (path);
  g_unlink (empty_path);
  g_rmdir (dir);
  g_assert_finalize_object (chart);
  g_assert_finalize_object (empty);
  st_close (store);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything reads the local time zone. */
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  /* No G_TEST_OPTION_ISOLATE_DIRS: it hides GTK's settings schemas. Each
   * case opens a store of its own account instead (tests/run gives the
   * run its own data directory). */
  g_test_init (&argc, &argv, NULL);
  adw_init ();
  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_assert_nonnull (berlin);

  g_test_add_func ("/chart/summary", test_summary);
  g_test_add_func ("/chart/display-unit", test_display_unit);
  g_test_add_func ("/chart/store-changed", test_store_changed);
  g_test_add_func ("/chart/latest-request-wins", test_latest_request_wins);
  g_test_add_func ("/chart/bars-dst", test_bars_dst);
  g_test_add_func ("/chart/actions", test_actions);
  g_test_add_func ("/chart/keyboard", test_keyboard);
  g_test_add_func ("/chart/png", test_png);
  return g_test_run ();
}
