/* fc-chart.c — a health metric over time: lines, bands and bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawing: cairo through gtk_snapshot_append_cairo(), one node per frame.
 * GTK 4.8 has no path API (GskPath came in 4.14), so a polyline through a
 * few hundred buckets would be a few hundred rotated color nodes; cairo
 * strokes it in one call, and the very same drawing function renders
 * fc_chart_save_png() into an image surface, so the PNG is what the screen
 * shows. With GSK_RENDERER=cairo the node replays its recording surface.
 *
 * Level of detail: the chart never sees a raw point. It asks the store for
 * as many buckets as the plot has pixel columns (lines) or one per local
 * hour, day, week or month (bars), keeps the last answer and draws from it,
 * so a frame costs the same for two thousand points or a million. A pan or
 * a zoom redraws the cached buckets at once, by their times, and asks for
 * new ones at most every REFRESH_MS; an outdated request is cancelled.
 */

#define G_LOG_DOMAIN "fc-chart"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "fc-chart.h"

/* At most one bucket request per REFRESH_MS while panning or zooming. */
#define REFRESH_MS      30
#define MIN_WINDOW      (15 * 60)
#define MAX_WINDOW      ((gint64) 200 * 366 * 86400)
/* The columns asked for before the chart has a size (a PNG export of a
 * chart that was never shown, the tests). */
#define DEFAULT_COLUMNS 600
#define PAD             8.0
/* Bars narrower than this go up a unit (day → week → month). */
#define MIN_BAR_PX      4

struct _FcChart
{
  GtkWidget       parent_instance;

  /* owned */
  FcStore        *store;
  char           *data_type;
  char           *title;
  char           *unit;
  GArray         *buckets;          /* FcHealthBucket: the last answer */
  GArray         *edges;            /* gint64: of the last request */
  GCancellable   *cancellable;      /* the buckets request in flight */
  GCancellable   *types_cancellable;
  char           *summary;
  char           *crosshair_text;
  guint           refresh_id;
  gulong          store_changed_id;

  FcChartKind     kind;
  FcChartBarUnit  bar_unit;         /* of the last request */
  FcChartBarUnit  answer_unit;      /* of the buckets on screen */
  /* The window of the request in flight, and whether the window has moved
   * since it left. */
  gint64          flight_from;
  gint64          flight_to;
  gboolean        stale;
  double          goal;
  double          scale;            /* shown = canonical × scale */
  gint64          now;
  FcChartRange    range;
  gint64          from;
  gint64          to;

  /* The window and range the buckets answer, for the summary. */
  FcChartRange    answer_range;
  gint64          answer_from;
  gint64          answer_to;

  /* The type's first and last point, for All and Home. */
  gboolean        have_extent;
  gint64          first_at;
  gint64          last_at;

  graphene_rect_t plot;             /* the plot area at the last allocation */
  int             columns;

  gboolean        hovering;
  double          hover_x;
  int             cross_index;      /* bucket under the crosshair or -1 */

  gint64          gesture_from;     /* the window when a drag or pinch began */
  gint64          gesture_to;
  gint64          gesture_anchor;
};

G_DEFINE_FINAL_TYPE (FcChart, fc_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RANGE,
  PROP_SUMMARY,
  PROP_CROSSHAIR_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_BUCKETS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  GdkRGBA fg;
  GdkRGBA accent;
  GdkRGBA goal;
  GdkRGBA background;
} Palette;

/* A bucket request: the chart and the cancellable that was current when it
 * left, so an answer that lost a race with a newer request is dropped even
 * if the store finished it before noticing the cancel. */
typedef struct {
  FcChart      *self;
  GCancellable *cancellable;
  GArray       *edges;
  FcChartRange  range;
  FcChartBarUnit unit;
  gint64        from;
  gint64        to;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->edges, g_array_unref);
  g_free (request);
}

static void schedule_refresh (FcChart *self);
static void request_buckets (FcChart *self);

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
static void
set_str (char       **slot,
         const char  *value)
{
  if (*slot == value)
    return;
  g_free (*slot);
  *slot = g_strdup (value);
}
static void update_crosshair (FcChart *self);

/* Time, in the local time zone. */

static gint64
chart_now (FcChart *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

static void
local_date (gint64  t,
            GDate  *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (dt), g_date_time_get_month (dt),
                  g_date_time_get_year (dt));
}

/* The first second of @date in the local time zone: a day is 23 or 25
 * hours across a DST change, so midnights are found, never added up. */
static gint64
local_midnight (const GDate *date)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = g_date_time_new (tz, g_date_get_year (date), g_date_get_month (date),
                                             g_date_get_day (date), 0, 0, 0);

  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static gint64
local_offset (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  return g_date_time_get_utc_offset (dt) / G_USEC_PER_SEC;
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The start of the local @unit holding @t. */
static gint64
bar_floor (gint64         t,
           FcChartBarUnit unit)
{
  GDate date;

  if (unit == FC_CHART_BAR_HOUR) {
    gint64 offset = local_offset (t);

    return floor_div (t + offset, 3600) * 3600 - offset;
  }
  local_date (t, &date);
  if (unit == FC_CHART_BAR_WEEK)
    g_date_subtract_days (&date, g_date_get_weekday (&date) - G_DATE_MONDAY);
  else if (unit == FC_CHART_BAR_MONTH)
    g_date_set_day (&date, 1);
  return local_midnight (&date);
}

/* The start of the local @unit after the one starting at @start. */
static gint64
bar_next (gint64         start,
          FcChartBarUnit unit)
{
  GDate date;

  if (unit == FC_CHART_BAR_HOUR)
    return start + 3600;
  local_date (start, &date);
  if (unit == FC_CHART_BAR_DAY)
    g_date_add_days (&date, 1);
  else if (unit == FC_CHART_BAR_WEEK)
    g_date_add_days (&date, 7);
  else
    g_date_add_months (&date, 1);
  return local_midnight (&date);
}

static gint64
end_of_today (FcChart *self)
{
  GDate date;

  local_date (chart_now (self), &date);
  g_date_add_days (&date, 1);
  return local_midnight (&date);
}

static char *
format_time (gint64      t,
             const char *format)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  return dt != NULL ? g_date_time_format (dt, format) : g_strdup ("?");
}

/* Values, read in the canonical unit and shown in the person's
 * (fc_chart_set_scale()): one decimal (72.5 kg, 5.4 mmol/L) below 1,000,
 * none above (8012 steps). */
static char *
format_value (FcChart *self,
              double   value)
{
  value *= self->scale;
  return g_strdup_printf (fabs (value) >= 1000 ? "%.0f" : "%.1f", value);
}

static char *
format_quantity (FcChart *self,
                 double   value)
{
  g_autofree char *number = format_value (self, value);

  if (self->unit == NULL || *self->unit == '\0')
    return g_steal_pointer (&number);
  return g_strdup_printf ("%s %s", number, self->unit);
}

/* Edges. */

static FcChartBarUnit
pick_bar_unit (gint64 from,
               gint64 to,
               int    columns)
{
  static const gint64 seconds[] = { 3600, 86400, 7 * 86400, 2629746 };
  gint64 span = to - from;
  FcChartBarUnit unit;

  if (span <= 2 * 86400)
    return FC_CHART_BAR_HOUR;
  for (unit = FC_CHART_BAR_DAY; unit < FC_CHART_BAR_MONTH; unit++) {
    if (span / seconds[unit] <= MAX (columns / MIN_BAR_PX, 1))
      break;
  }
  return unit;
}

/* Lines: one bucket per pixel column, on a grid of the column's width from
 * the epoch, so panning does not move points from one bucket to the next
 * (the band would shimmer); the first and last edges are the window's, so
 * the buckets hold exactly what the window shows. Bars: local units that
 * cover the window. */
static GArray *
compute_edges (FcChart        *self,
               gint64          from,
               gint64          to,
               int             columns,
               FcChartBarUnit *out_unit)
{
  GArray *edges = g_array_new (FALSE, FALSE, sizeof (gint64));

  columns = MAX (columns, 1);
  *out_unit = FC_CHART_BAR_DAY;
  if (self->kind == FC_CHART_LINE) {
    gint64 width = MAX ((to - from + columns - 1) / columns, 1);

    g_array_append_val (edges, from);
    for (gint64 t = (floor_div (from, width) + 1) * width; t < to; t += width)
      g_array_append_val (edges, t);
    g_array_append_val (edges, to);
  } else {
    FcChartBarUnit unit = pick_bar_unit (from, to, columns);
    guint limit = columns + 3;
    gint64 t = bar_floor (from, unit);

    *out_unit = unit;
    g_array_append_val (edges, t);
    while (t < to && edges->len < limit) {
      t = bar_next (t, unit);
      g_array_append_val (edges, t);
    }
  }
  return edges;
}

/* The summary. */

static const char *
range_phrase (FcChartRange  range,
              gint64        from,
              gint64        to,
              char        **out_owned)
{
  *out_owned = NULL;
  switch (range) {
  case FC_CHART_RANGE_DAY:
    return _("today");
  case FC_CHART_RANGE_WEEK:
    return _("last 7 days");
  case FC_CHART_RANGE_MONTH:
    return _("last 30 days");
  case FC_CHART_RANGE_YEAR:
    return _("last 12 months");
  case FC_CHART_RANGE_ALL:
    return _("all time");
  case FC_CHART_RANGE_CUSTOM:
  default:
    break;
  }
  {
    gboolean short_span = to - from < 2 * 86400;
    /* Translators: a date, and a time for windows shorter than two days */
    g_autofree char *a = format_time (from, short_span ? _("%-d %b %Y %H:%M") : _("%-d %b %Y"));
    g_autofree char *b = format_time (to - 1, short_span ? _("%-d %b %Y %H:%M") : _("%-d %b %Y"));

    *out_owned = g_strdup_printf ("%s – %s", a, b);
    return *out_owned;
  }
}

static const char *
bar_unit_word (FcChartBarUnit unit,
               guint          n)
{
  switch (unit) {
  case FC_CHART_BAR_HOUR:
    return ngettext ("hour", "hours", n);
  case FC_CHART_BAR_WEEK:
    return ngettext ("week", "weeks", n);
  case FC_CHART_BAR_MONTH:
    return ngettext ("month", "months", n);
  case FC_CHART_BAR_DAY:
  default:
    return ngettext ("day", "days", n);
  }
}

static gboolean
bucket_in (const FcHealthBucket *bucket,
           gint64                from,
           gint64                to)
{
  return bucket->count > 0 && bucket->end > from && bucket->start < to;
}

static char *
compute_summary (FcChart *self)
{
  g_autofree char *owned = NULL;
  const char *phrase = range_phrase (self->answer_range, self->answer_from, self->answer_to, &owned);
  const char *title = self->title != NULL ? self->title : "";
  const FcHealthBucket *first = NULL, *last = NULL;
  double lowest = INFINITY, highest = -INFINITY, total = 0;
  guint n = 0, met = 0;

  for (guint i = 0; self->buckets != NULL && i < self->buckets->len; i++) {
    const FcHealthBucket *b = &g_array_index (self->buckets, FcHealthBucket, i);

    if (!bucket_in (b, self->answer_from, self->answer_to))
      continue;
    if (first == NULL)
      first = b;
    last = b;
    n++;
    if (self->kind == FC_CHART_LINE) {
      lowest = MIN (lowest, b->min);
      highest = MAX (highest, b->max);
    } else {
      lowest = MIN (lowest, b->sum);
      highest = MAX (highest, b->sum);
      total += b->sum;
      if (isfinite (self->goal) && b->sum >= self->goal)
        met++;
    }
  }

  if (n == 0)
    /* Translators: "Weight, last 30 days: No data" */
    return g_strdup_printf (_("%s, %s: No data"), title, phrase);

  if (self->kind == FC_CHART_LINE) {
    g_autofree char *latest = format_quantity (self, last->last);
    g_autofree char *low = format_value (self, lowest);
    g_autofree char *high = format_value (self, highest);
    g_autofree char *zero = format_value (self, 0);
    g_autofree char *delta_abs = NULL;
    g_autofree char *change = NULL;
    /* The first column's average is the first point whenever a column
     * holds one point (daily weigh-ins over a month at any usual width). */
    double delta = last->last - first->avg;

    delta_abs = format_value (self, fabs (delta));
    if (g_str_equal (delta_abs, zero)) {
      change = g_strdup (_("no change"));
    } else {
      g_autofree char *amount = format_quantity (self, fabs (delta));

      /* Translators: "down 1.2 kg", "up 1.2 kg" */
      change = g_strdup_printf (delta < 0 ? _("down %s") : _("up %s"), amount);
    }
    /* Translators: "Weight, last 30 days: 72.5 kg, down 1.2 kg, lowest 71.9, highest 74.0" */
    return g_strdup_printf (_("%s, %s: %s, %s, lowest %s, highest %s"),
                            title, phrase, latest, change, low, high);
  } else {
    g_autofree char *sum = format_quantity (self, total);
    g_autofree char *average = format_value (self, total / n);
    g_autofree char *high = format_value (self, highest);
    g_autofree char *text = NULL;
    const char *per;

    switch (self->answer_unit) {
    case FC_CHART_BAR_HOUR: per = _("an hour"); break;
    case FC_CHART_BAR_WEEK: per = _("a week"); break;
    case FC_CHART_BAR_MONTH: per = _("a month"); break;
    case FC_CHART_BAR_DAY:
    default: per = _("a day"); break;
    }
    /* Translators: "Steps, last 7 days: 54321 steps in all, 7760.1 a day on average, highest 12034" */
    text = g_strdup_printf (_("%s, %s: %s in all, %s %s on average, highest %s"),
                            title, phrase, sum, average, per, high);
    if (isfinite (self->goal)) {
      g_autofree char *goal = format_value (self, self->goal);
      char *with_goal;

      /* Translators: ", goal 10000 met on 3 of 7 days" */
      with_goal = g_strdup_printf (_("%s, goal %s met on %u of %u %s"), text, goal, met, n,
                                   bar_unit_word (self->answer_unit, n));
      g_free (text);
      text = with_goal;
    }
    return g_steal_pointer (&text);
  }
}

static void
update_summary (FcChart *self)
{
  g_autofree char *summary = compute_summary (self);

  if (g_strcmp0 (summary, self->summary) == 0)
    return;
  g_free (self->summary);
  self->summary = g_steal_pointer (&summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

static void
update_label (FcChart *self)
{
  g_autofree char *label = NULL;
  const char *title = self->title != NULL ? self->title : _("Health");

  if (self->crosshair_text != NULL)
    /* Translators: the chart's accessible name while the crosshair reads a
     * value: "Weight chart: 72.5 kg, Thu 3 Dec 2026 08:00" */
    label = g_strdup_printf (_("%s chart: %s"), title, self->crosshair_text);
  else
    /* Translators: the chart's accessible name, "Weight chart" */
    label = g_strdup_printf (_("%s chart"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Requests. */

static void
buckets_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Request *request = user_data;
  FcChart *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) buckets = fc_store_health_buckets_finish (FC_STORE (object), result, &error);

  if (g_cancellable_is_cancelled (request->cancellable)) {
    request_free (request);
    return;
  }
  g_clear_object (&self->cancellable);
  if (buckets == NULL) {
    g_warning ("Cannot read %s buckets: %s", self->data_type, error->message);
    request_free (request);
  } else {
    g_clear_pointer (&self->buckets, g_array_unref);
    self->buckets = g_steal_pointer (&buckets);
    self->answer_range = request->range;
    self->answer_unit = request->unit;
    self->answer_from = request->from;
    self->answer_to = request->to;
    request_free (request);

    update_summary (self);
    update_crosshair (self);
    gtk_widget_queue_draw (GTK_WIDGET (self));
    g_signal_emit (self, signals[SIGNAL_BUCKETS_CHANGED], 0);
  }
  /* The window moved on while this one was read: ask for where it is now. */
  if (self->stale) {
    self->stale = FALSE;
    request_buckets (self);
  }
}

static gboolean
same_edges (GArray *a,
            GArray *b)
{
  return a != NULL && b != NULL && a->len == b->len &&
         memcmp (a->data, b->data, a->len * sizeof (gint64)) == 0;
}

static void
request_buckets (FcChart *self)
{
  g_autoptr(GArray) edges = NULL;
  FcChartBarUnit unit;
  Request *request;

  if (self->store == NULL || self->data_type == NULL || self->to <= self->from) {
    g_cancellable_cancel (self->cancellable);
    g_clear_object (&self->cancellable);
    g_clear_pointer (&self->buckets, g_array_unref);
    self->answer_range = self->range;
    self->answer_from = self->from;
    self->answer_to = self->to;
    update_summary (self);
    update_crosshair (self);
    gtk_widget_queue_draw (GTK_WIDGET (self));
    return;
  }

  edges = compute_edges (self, self->from, self->to, self->columns, &unit);
  /* The same question as the one answered or in flight: nothing to do,
   * unless the range's name changed (the summary says it). */
  if (same_edges (edges, self->edges) && (self->cancellable != NULL || self->buckets != NULL)) {
    if (self->answer_range != self->range && self->cancellable == NULL) {
      self->answer_range = self->range;
      update_summary (self);
    }
    return;
  }

  /* During a drag or a zoom the window moves faster than the store can
   * answer: cancelling each request for the next would starve the screen
   * until the gesture stops. An answer for a window that still overlaps
   * the new one is worth showing, so it is awaited and the newest window
   * asked for after it; one that no longer overlaps (Home, End, a range)
   * is cancelled. */
  if (self->cancellable != NULL && self->flight_from < self->to && self->from < self->flight_to) {
    self->stale = TRUE;
    return;
  }
  self->stale = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->flight_from = self->from;
  self->flight_to = self->to;
  g_clear_pointer (&self->edges, g_array_unref);
  self->edges = g_array_ref (edges);
  self->bar_unit = unit;

  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->cancellable = g_object_ref (self->cancellable);
  request->edges = g_array_ref (edges);
  request->range = self->range;
  request->unit = unit;
  request->from = self->from;
  request->to = self->to;
  fc_store_health_buckets_async (self->store, self->data_type,
                                 (const gint64 *) edges->data, edges->len,
                                 self->cancellable, buckets_cb, request);
}

static gboolean
refresh_cb (gpointer user_data)
{
  FcChart *self = user_data;

  self->refresh_id = 0;
  request_buckets (self);
  return G_SOURCE_REMOVE;
}

/* Coalesces: the first change starts the timer and later ones ride along,
 * so a continuous drag asks the store every REFRESH_MS, not per event. */
static void
schedule_refresh (FcChart *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_MS, refresh_cb, self);
}

/* The window. */

static void
set_window_internal (FcChart      *self,
                     gint64        from,
                     gint64        to,
                     FcChartRange  range)
{
  gint64 span = CLAMP (to - from, MIN_WINDOW, MAX_WINDOW);

  if (to - from != span) {
    gint64 middle = from + (to - from) / 2;

    from = middle - span / 2;
    to = from + span;
  }
  if (from == self->from && to == self->to && range == self->range)
    return;
  self->from = from;
  self->to = to;
  if (range != self->range) {
    self->range = range;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGE]);
  }
  update_crosshair (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  schedule_refresh (self);
}

static void
apply_range (FcChart *self)
{
  gint64 end = end_of_today (self);
  GDate date;

  local_date (end, &date);
  switch (self->range) {
  case FC_CHART_RANGE_DAY:
    g_date_subtract_days (&date, 1);
    break;
  case FC_CHART_RANGE_WEEK:
    g_date_subtract_days (&date, 7);
    break;
  case FC_CHART_RANGE_MONTH:
    g_date_subtract_days (&date, 30);
    break;
  case FC_CHART_RANGE_YEAR:
    g_date_subtract_months (&date, 12);
    break;
  case FC_CHART_RANGE_ALL:
    /* Until the store has said when the first point is, the month shows. */
    if (self->have_extent) {
      set_window_internal (self, self->first_at, MAX (self->last_at + 1, self->first_at + MIN_WINDOW),
                           FC_CHART_RANGE_ALL);
      return;
    }
    g_date_subtract_days (&date, 30);
    break;
  case FC_CHART_RANGE_CUSTOM:
  default:
    return;
  }
  set_window_internal (self, local_midnight (&date), end, self->range);
}

static void
types_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FcChart) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) types = fc_store_health_types_finish (FC_STORE (object), result, &error);

  if (types == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Cannot read the health types: %s", error->message);
    return;
  }
  self->have_extent = FALSE;
  for (guint i = 0; i < types->len; i++) {
    FcHealthTypeSummary *type = g_ptr_array_index (types, i);

    if (g_strcmp0 (type->data_type, self->data_type) == 0 && type->count > 0) {
      self->have_extent = TRUE;
      self->first_at = type->first_at;
      self->last_at = type->last_at;
    }
  }
  if (self->range == FC_CHART_RANGE_ALL)
    apply_range (self);
}

static void
request_types (FcChart *self)
{
  g_cancellable_cancel (self->types_cancellable);
  g_clear_object (&self->types_cancellable);
  if (self->store == NULL || self->data_type == NULL)
    return;
  self->types_cancellable = g_cancellable_new ();
  fc_store_health_types_async (self->store, self->types_cancellable, types_cb, g_object_ref (self));
}

static void
on_store_changed_cb (FcStore    *store,
                     const char *resource,
                     FcChart    *self)
{
  /* The same edges must be asked again: the points under them changed. */
  g_clear_pointer (&self->edges, g_array_unref);
  request_types (self);
  schedule_refresh (self);
}

static void
zoom_about (FcChart *self,
            gint64   anchor,
            gint64   from,
            gint64   to,
            double   factor)
{
  double span = (double) (to - from);
  double new_span = CLAMP (span * factor, MIN_WINDOW, (double) MAX_WINDOW);
  gint64 new_from = anchor - (gint64) llround ((double) (anchor - from) * new_span / span);

  set_window_internal (self, new_from, new_from + (gint64) llround (new_span), FC_CHART_RANGE_CUSTOM);
}

static gint64
time_at_x (FcChart *self,
           double   x)
{
  double fraction = self->plot.size.width > 0 ? (x - self->plot.origin.x) / self->plot.size.width : 0.5;

  return self->from + (gint64) llround (fraction * (double) (self->to - self->from));
}

/* The crosshair. */

static char *
bucket_reading (FcChart              *self,
                const FcHealthBucket *b)
{
  g_autofree char *when = NULL;

  if (self->kind == FC_CHART_BARS) {
    g_autofree char *sum = NULL;

    switch (self->answer_unit) {
    case FC_CHART_BAR_HOUR: {
      g_autofree char *a = format_time (b->start, _("%a %-d %b %Y %H:%M"));
      g_autofree char *c = format_time (b->end, _("%H:%M"));

      when = g_strdup_printf ("%s–%s", a, c);
      break;
    }
    case FC_CHART_BAR_WEEK: {
      g_autofree char *a = format_time (b->start, _("%-d %b %Y"));

      /* Translators: a week's bar, "week of 30 Nov 2026" */
      when = g_strdup_printf (_("week of %s"), a);
      break;
    }
    case FC_CHART_BAR_MONTH:
      when = format_time (b->start, _("%B %Y"));
      break;
    case FC_CHART_BAR_DAY:
    default:
      when = format_time (b->start, _("%a %-d %b %Y"));
      break;
    }
    if (b->count == 0)
      /* Translators: "No data, Thu 3 Dec 2026" */
      return g_strdup_printf (_("No data, %s"), when);
    sum = format_quantity (self, b->sum);
    return g_strdup_printf ("%s, %s", sum, when);
  }

  if (b->count == 1) {
    g_autofree char *value = format_quantity (self, b->last);

    when = format_time (b->last_at, _("%a %-d %b %Y %H:%M"));
    return g_strdup_printf ("%s, %s", value, when);
  } else {
    g_autofree char *average = format_quantity (self, b->avg);
    g_autofree char *low = format_value (self, b->min);
    g_autofree char *high = format_value (self, b->max);
    g_autofree char *a = format_time (b->start, _("%-d %b %Y %H:%M"));
    g_autofree char *c = format_time (b->end, b->end - b->start < 86400 ? _("%H:%M") : _("%-d %b %Y %H:%M"));

    /* Translators: "72.5 kg average, 71.9 to 74.0, 12 readings, 3 Dec 2026 08:00 – 14:00" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s average, %s to %s, %" PRIu64 " reading, %s – %s",
                                         "%s average, %s to %s, %" PRIu64 " readings, %s – %s",
                                         b->count),
                            average, low, high, b->count, a, c);
  }
}

static void
update_crosshair (FcChart *self)
{
  g_autofree char *text = NULL;
  int index = -1;

  if ((self->hovering || gtk_widget_has_focus (GTK_WIDGET (self))) && self->buckets != NULL) {
    double x = self->hovering ? self->hover_x : self->plot.origin.x + self->plot.size.width / 2;
    gint64 t = time_at_x (self, x);

    if (self->kind == FC_CHART_BARS) {
      for (guint i = 0; i < self->buckets->len; i++) {
        const FcHealthBucket *b = &g_array_index (self->buckets, FcHealthBucket, i);

        if (b->start <= t && t < b->end) {
          index = i;
          break;
        }
      }
    } else {
      /* Points are sparse at most zooms (a weigh-in a day, hundreds of
       * columns): the nearest one is the one meant. */
      gint64 best = G_MAXINT64;

      for (guint i = 0; i < self->buckets->len; i++) {
        const FcHealthBucket *b = &g_array_index (self->buckets, FcHealthBucket, i);
        gint64 at, distance;

        if (!bucket_in (b, self->from, self->to))
          continue;
        at = b->count == 1 ? b->last_at : b->start + (b->end - b->start) / 2;
        distance = ABS (at - t);
        if (distance < best) {
          best = distance;
          index = i;
        }
      }
    }
  }

  self->cross_index = index;
  if (index >= 0)
    text = bucket_reading (self, &g_array_index (self->buckets, FcHealthBucket, index));
  if (g_strcmp0 (text, self->crosshair_text) == 0)
    return;
  g_free (self->crosshair_text);
  self->crosshair_text = g_steal_pointer (&text);
  update_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CROSSHAIR_TEXT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Drawing. */

static void
get_palette (FcChart *self,
             Palette *palette)
{
  GtkStyleContext *context;
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  gboolean rooted = gtk_widget_get_root (GTK_WIDGET (self)) != NULL;

  /* libadwaita's own colours, for a chart that is in no window (a PNG
   * export from a page not shown yet) and so has no style of its own. */
  gdk_rgba_parse (&palette->fg, dark ? "#ffffff" : "rgba(0,0,0,0.8)");
  gdk_rgba_parse (&palette->accent, dark ? "#78aeed" : "#1c71d8");
  gdk_rgba_parse (&palette->goal, dark ? "#8ff0a4" : "#1b8553");
  gdk_rgba_parse (&palette->background, dark ? "#242424" : "#fafafa");
  if (!rooted)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (GTK_WIDGET (self));
  gtk_style_context_get_color (context, &palette->fg);
  /* accent_color and success_color are the variants libadwaita meant for
   * text and thin lines on the window background, 4.5:1 in both styles;
   * a theme without them keeps the defaults above. */
  gtk_style_context_lookup_color (context, "accent_color", &palette->accent);
  gtk_style_context_lookup_color (context, "success_color", &palette->goal);
  gtk_style_context_lookup_color (context, "window_bg_color", &palette->background);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
set_color (cairo_t       *cr,
           const GdkRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static PangoLayout *
make_layout (FcChart    *self,
             const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  return layout;
}

static void
text_size (FcChart    *self,
           const char *text,
           int        *width,
           int        *height)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text);

  pango_layout_get_pixel_size (layout, width, height);
}

/* The plot area inside a widget (or image) of @width × @height: room on the
 * left for the values and below for the dates. */
static void
compute_plot (FcChart         *self,
              int              width,
              int              height,
              graphene_rect_t *plot)
{
  int label_width, line_height;
  double left, bottom, top;

  text_size (self, "000000", &label_width, &line_height);
  left = label_width + 2 * PAD;
  bottom = line_height + PAD;
  /* Room above for half the top value's label. */
  top = PAD + line_height / 2.0;
  graphene_rect_init (plot, left, top, MAX (width - left - PAD, 1), MAX (height - bottom - top, 1));
}

static void
nice_scale (double  low,
            double  high,
            int     n_ticks,
            double *out_low,
            double *out_high,
            double *out_step)
{
  double raw, magnitude, norm, step;

  if (!(high > low)) {
    double pad = fabs (low) > 0 ? fabs (low) * 0.05 : 1;

    low -= pad;
    high += pad;
  }
  raw = (high - low) / MAX (n_ticks, 1);
  magnitude = pow (10, floor (log10 (raw)));
  norm = raw / magnitude;
  step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  *out_low = floor (low / step) * step;
  *out_high = ceil (high / step) * step;
  *out_step = step;
}

typedef struct {
  gint64      approx;   /* seconds, to pick the step */
  int         kind;     /* 0 minutes, 1 hours, 2 days, 3 weeks, 4 months, 5 years */
  int         n;
  const char *format;
} TimeStep;

/* The time axis's labels are translatable g_date_time_format() patterns:
 * a German reader expects "5. Dez." where an English one reads "5 Dec". */
static const TimeStep time_steps[] = {
  { 60, 0, 1, N_("%H:%M") }, { 300, 0, 5, N_("%H:%M") }, { 900, 0, 15, N_("%H:%M") },
  { 1800, 0, 30, N_("%H:%M") }, { 3600, 1, 1, N_("%H:%M") }, { 3 * 3600, 1, 3, N_("%H:%M") },
  { 6 * 3600, 1, 6, N_("%H:%M") }, { 12 * 3600, 1, 12, N_("%H:%M") },
  { 86400, 2, 1, N_("%-d %b") }, { 2 * 86400, 2, 2, N_("%-d %b") }, { 7 * 86400, 3, 1, N_("%-d %b") },
  { 2629746, 4, 1, N_("%b %Y") }, { 3 * 2629746, 4, 3, N_("%b %Y") }, { 6 * 2629746, 4, 6, N_("%b %Y") },
  { 31556952, 5, 1, N_("%Y") }, { 2 * 31556952LL, 5, 2, N_("%Y") }, { 5 * 31556952LL, 5, 5, N_("%Y") },
  { 10 * 31556952LL, 5, 10, N_("%Y") }, { 20 * 31556952LL, 5, 20, N_("%Y") }, { 50 * 31556952LL, 5, 50, N_("%Y") },
};

/* Calls @func for each tick of @step in [from, to), on local boundaries. */
static void
foreach_time_tick (const TimeStep *step,
                   gint64          from,
                   gint64          to,
                   void          (*func) (gint64 t, gpointer data),
                   gpointer        data)
{
  GDate date;
  guint guard = 0;

  if (step->kind <= 1) {
    gint64 size = step->kind == 0 ? 60 * step->n : 3600;
    gint64 offset = local_offset (from);
    gint64 t = floor_div (from + offset, size) * size - offset;

    for (; t < to && guard < 2000; t += size, guard++) {
      if (t < from)
        continue;
      if (step->kind == 1) {
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

        if (g_date_time_get_hour (dt) % step->n != 0 || g_date_time_get_minute (dt) != 0)
          continue;
      }
      func (t, data);
    }
    return;
  }

  local_date (from, &date);
  if (step->kind == 3)
    g_date_subtract_days (&date, g_date_get_weekday (&date) - G_DATE_MONDAY);
  else if (step->kind == 4)
    g_date_set_day (&date, 1);
  else if (step->kind == 5)
    g_date_set_dmy (&date, 1, G_DATE_JANUARY, g_date_get_year (&date));
  for (; guard < 2000; guard++) {
    gint64 t = local_midnight (&date);
    gboolean on_step = TRUE;

    if (t >= to)
      break;
    if (step->kind == 2)
      on_step = g_date_get_julian (&date) % step->n == 0;
    else if (step->kind == 4)
      on_step = (g_date_get_month (&date) - 1) % step->n == 0;
    else if (step->kind == 5)
      on_step = g_date_get_year (&date) % step->n == 0;
    if (t >= from && on_step)
      func (t, data);
    if (step->kind == 2)
      g_date_add_days (&date, 1);
    else if (step->kind == 3)
      g_date_add_days (&date, 7);
    else if (step->kind == 4)
      g_date_add_months (&date, 1);
    else
      g_date_add_years (&date, 1);
  }
}

typedef struct {
  FcChart               *self;
  cairo_t               *cr;
  const graphene_rect_t *plot;
  const Palette         *palette;
  const TimeStep        *step;
  double                 last_right;
} TickDraw;

static double
x_of (FcChart               *self,
      const graphene_rect_t *plot,
      gint64                 t)
{
  return plot->origin.x + (double) (t - self->from) / (double) (self->to - self->from) * plot->size.width;
}

static void
draw_time_tick (gint64   t,
                gpointer data)
{
  TickDraw *draw = data;
  double x = x_of (draw->self, draw->plot, t);
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);
  const char *format = draw->step->format;
  int width, height;

  /* Midnight on an hourly axis names the day instead. */
  if (draw->step->kind <= 1 && g_date_time_get_hour (dt) == 0 && g_date_time_get_minute (dt) == 0)
    format = N_("%-d %b");
  text = g_date_time_format (dt, _(format));
  layout = make_layout (draw->self, text);
  pango_layout_get_pixel_size (layout, &width, &height);

  set_color (draw->cr, &draw->palette->fg, 0.12);
  cairo_rectangle (draw->cr, floor (x), draw->plot->origin.y, 1, draw->plot->size.height);
  cairo_fill (draw->cr);

  x = CLAMP (x - width / 2.0, draw->plot->origin.x - PAD,
             draw->plot->origin.x + draw->plot->size.width + PAD - width);
  if (x < draw->last_right + 4)
    return;
  draw->last_right = x + width;
  set_color (draw->cr, &draw->palette->fg, 0.8);
  cairo_move_to (draw->cr, x, draw->plot->origin.y + draw->plot->size.height + PAD / 2);
  pango_cairo_show_layout (draw->cr, layout);
}

/* A rectangle from (@x0, @y0) to (@x1, @y1) on whole pixels, at least one
 * wide and high, kept near @plot: cairo fills pixel-aligned boxes without
 * its polygon rasterizer, a column of the band or a bar costs a memset. */
static void
pixel_rectangle (cairo_t               *cr,
                 const graphene_rect_t *plot,
                 double                 x0,
                 double                 y0,
                 double                 x1,
                 double                 y1)
{
  double left = plot->origin.x - 2, right = plot->origin.x + plot->size.width + 2;

  x0 = round (CLAMP (x0, left, right));
  x1 = round (CLAMP (x1, left, right));
  y0 = round (y0);
  y1 = round (y1);
  cairo_rectangle (cr, x0, MIN (y0, y1), MAX (x1 - x0, 1), MAX (fabs (y1 - y0), 1));
}

static void
chart_draw (FcChart       *self,
            cairo_t       *cr,
            int            width,
            int            height,
            const Palette *palette,
            gboolean       with_crosshair)
{
  graphene_rect_t plot;
  double low = INFINITY, high = -INFINITY, y_low, y_high, y_step, shown_low, shown_high;
  int decimals, label_width, label_height;
  const TimeStep *step = &time_steps[G_N_ELEMENTS (time_steps) - 1];
  guint n_points = 0;
  GArray *buckets = self->buckets;
  TickDraw tick_draw;

  if (self->to <= self->from || width <= 0 || height <= 0)
    return;
  compute_plot (self, width, height, &plot);

#define X(t) x_of (self, &plot, (t))
#define Y(v) (plot.origin.y + plot.size.height - ((v) - y_low) / (y_high - y_low) * plot.size.height)

  for (guint i = 0; buckets != NULL && i < buckets->len; i++) {
    const FcHealthBucket *b = &g_array_index (buckets, FcHealthBucket, i);

    if (!bucket_in (b, self->from, self->to))
      continue;
    n_points++;
    if (self->kind == FC_CHART_LINE) {
      low = MIN (low, b->min);
      high = MAX (high, b->max);
    } else {
      low = 0;
      high = MAX (high, b->sum);
    }
  }
  if (isfinite (self->goal)) {
    low = MIN (low, self->goal);
    high = MAX (high, self->goal);
  }
  if (!isfinite (low) || !isfinite (high)) {
    low = 0;
    high = 1;
  }
  if (self->kind == FC_CHART_BARS) {
    low = MIN (low, 0);
  } else if (high > low) {
    /* A line keeps clear of the plot's edges. */
    double margin = (high - low) * 0.05;

    low -= margin;
    high += margin;
  }
  /* Round numbers in the unit shown (150, 160 lb rather than 68.04 kg
   * steps); the plot itself stays in canonical values. */
  nice_scale (low * self->scale, high * self->scale, MAX ((int) (plot.size.height / 40), 2),
              &y_low, &y_high, &y_step);
  decimals = y_step >= 1 ? 0 : (int) ceil (-log10 (y_step) - 1e-9);
  shown_low = y_low;
  shown_high = y_high;
  y_low /= self->scale;
  y_high /= self->scale;

  /* Values: grid lines and labels. */
  for (double v = shown_low; v <= shown_high + y_step / 2; v += y_step) {
    g_autofree char *text = g_strdup_printf ("%.*f", decimals, fabs (v) < y_step / 2 ? 0.0 : v);
    g_autoptr(PangoLayout) layout = make_layout (self, text);
    double y = Y (v / self->scale);

    set_color (cr, &palette->fg, 0.12);
    cairo_rectangle (cr, plot.origin.x, floor (y), plot.size.width, 1);
    cairo_fill (cr);
    pango_layout_get_pixel_size (layout, &label_width, &label_height);
    set_color (cr, &palette->fg, 0.8);
    cairo_move_to (cr, plot.origin.x - PAD - label_width, y - label_height / 2.0);
    pango_cairo_show_layout (cr, layout);
  }

  /* Dates: the finest step whose labels do not touch. */
  for (guint i = 0; i < G_N_ELEMENTS (time_steps); i++) {
    double spacing = (double) time_steps[i].approx / (double) (self->to - self->from) * plot.size.width;
    g_autoptr(GDateTime) widest = NULL;
    g_autofree char *sample = NULL;

    if (spacing < 24)
      continue;
    /* The step's own format on a wide date (two-digit day, late hour). */
    widest = g_date_time_new_utc (2026, 12, 28, 23, 58, 0);
    sample = g_date_time_format (widest, _(time_steps[i].format));
    text_size (self, sample, &label_width, &label_height);
    if (spacing >= label_width + 12) {
      step = &time_steps[i];
      break;
    }
  }
  tick_draw = (TickDraw) { self, cr, &plot, palette, step, -G_MAXDOUBLE };
  foreach_time_tick (step, self->from, self->to, draw_time_tick, &tick_draw);

  cairo_save (cr);
  cairo_rectangle (cr, plot.origin.x, plot.origin.y - 2, plot.size.width, plot.size.height + 4);
  cairo_clip (cr);

  if (buckets != NULL && self->kind == FC_CHART_BARS) {
    set_color (cr, &palette->accent, 1);
    for (guint i = 0; i < buckets->len; i++) {
      const FcHealthBucket *b = &g_array_index (buckets, FcHealthBucket, i);
      double x0, x1, gap, y;

      if (!bucket_in (b, self->from, self->to))
        continue;
      x0 = X (b->start);
      x1 = X (b->end);
      gap = MIN (2.0, (x1 - x0) * 0.2);
      y = Y (b->sum);
      pixel_rectangle (cr, &plot, x0 + gap / 2, y, x1 - gap / 2, Y (0));
    }
    cairo_fill (cr);
  } else if (buckets != NULL) {
    gboolean started = FALSE;

    /* The band: each column's min to max, where it holds several points. */
    set_color (cr, &palette->accent, 0.25);
    for (guint i = 0; i < buckets->len; i++) {
      const FcHealthBucket *b = &g_array_index (buckets, FcHealthBucket, i);
      double x0, x1;

      if (!bucket_in (b, self->from, self->to) || b->count < 2)
        continue;
      x0 = X (b->start);
      x1 = X (b->end);
      pixel_rectangle (cr, &plot, x0, Y (b->max), x1, Y (b->min));
    }
    cairo_fill (cr);

    /* The line through the averages, across empty columns. */
    set_color (cr, &palette->accent, 1);
    cairo_set_line_width (cr, 2);
    /* Round joins only where they show: a dense line's hundreds of joins
     * would cost more than the rest of the frame. */
    cairo_set_line_join (cr, n_points <= plot.size.width / 8 ? CAIRO_LINE_JOIN_ROUND
                                                               : CAIRO_LINE_JOIN_BEVEL);
    for (guint i = 0, segments = 0; i < buckets->len; i++) {
      const FcHealthBucket *b = &g_array_index (buckets, FcHealthBucket, i);
      double x, y;

      if (!bucket_in (b, self->from, self->to))
        continue;
      x = b->count == 1 ? X (b->last_at) : X (b->start + (b->end - b->start) / 2);
      y = Y (b->avg);
      if (started) {
        cairo_line_to (cr, x, y);
        /* Stroked in runs of 64 segments: cairo rasterizes each stroke as
         * one polygon, and a run keeps that polygon small. */
        if (++segments % 64 == 0) {
          cairo_stroke (cr);
          cairo_move_to (cr, x, y);
        }
      } else {
        cairo_move_to (cr, x, y);
      }
      started = TRUE;
    }
    cairo_stroke (cr);

    /* Sparse points get a dot each, so a single weigh-in shows. */
    if (n_points <= plot.size.width / 8) {
      for (guint i = 0; i < buckets->len; i++) {
        const FcHealthBucket *b = &g_array_index (buckets, FcHealthBucket, i);
        double x;

        if (!bucket_in (b, self->from, self->to))
          continue;
        x = b->count == 1 ? X (b->last_at) : X (b->start + (b->end - b->start) / 2);
        cairo_new_sub_path (cr);
        cairo_arc (cr, x, Y (b->avg), 3, 0, 2 * G_PI);
      }
      cairo_fill (cr);
    }
  }

  if (isfinite (self->goal)) {
    double dash[] = { 6, 4 };
    double y = Y (self->goal);

    set_color (cr, &palette->goal, 1);
    cairo_set_line_width (cr, 2);
    cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
    cairo_move_to (cr, plot.origin.x, y);
    cairo_line_to (cr, plot.origin.x + plot.size.width, y);
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
  }
  cairo_restore (cr);

  if (with_crosshair && self->cross_index >= 0 && buckets != NULL &&
      (guint) self->cross_index < buckets->len && self->crosshair_text != NULL) {
    const FcHealthBucket *b = &g_array_index (buckets, FcHealthBucket, self->cross_index);
    g_autoptr(PangoLayout) layout = make_layout (self, self->crosshair_text);
    double x, box_x;
    int w, h;

    if (self->kind == FC_CHART_BARS)
      x = X (b->start + (b->end - b->start) / 2);
    else
      x = b->count == 1 ? X (b->last_at) : X (b->start + (b->end - b->start) / 2);
    set_color (cr, &palette->fg, 0.6);
    cairo_rectangle (cr, floor (x), plot.origin.y, 1, plot.size.height);
    cairo_fill (cr);
    if (b->count > 0) {
      set_color (cr, &palette->fg, 1);
      cairo_arc (cr, x, Y (self->kind == FC_CHART_BARS ? b->sum : b->avg), 4, 0, 2 * G_PI);
      cairo_fill (cr);
    }
    pango_layout_get_pixel_size (layout, &w, &h);
    box_x = CLAMP (x + 8, plot.origin.x, MAX (plot.origin.x + plot.size.width - w - 8, plot.origin.x));
    if (x + 8 + w + 8 > plot.origin.x + plot.size.width && x - 8 - w - 8 >= plot.origin.x)
      box_x = x - 8 - w - 8;
    set_color (cr, &palette->background, 0.92);
    cairo_rectangle (cr, box_x, plot.origin.y, w + 8, h + 4);
    cairo_fill (cr);
    set_color (cr, &palette->fg, 1);
    cairo_move_to (cr, box_x + 4, plot.origin.y + 2);
    pango_cairo_show_layout (cr, layout);
  }

#undef X
#undef Y
}

/* Input. */

static void
on_drag_begin_cb (GtkGestureDrag *gesture,
                  double          x,
                  double          y,
                  FcChart        *self)
{
  self->gesture_from = self->from;
  self->gesture_to = self->to;
}

static void
on_drag_update_cb (GtkGestureDrag *gesture,
                   double          offset_x,
                   double          offset_y,
                   FcChart        *self)
{
  double per_pixel = (double) (self->gesture_to - self->gesture_from) / MAX (self->plot.size.width, 1);
  gint64 shift = (gint64) llround (-offset_x * per_pixel);

  if (self->gesture_to <= self->gesture_from)
    return;
  set_window_internal (self, self->gesture_from + shift, self->gesture_to + shift,
                       FC_CHART_RANGE_CUSTOM);
}

static gboolean
on_scroll_cb (GtkEventControllerScroll *controller,
              double                    dx,
              double                    dy,
              FcChart                  *self)
{
  double x = self->hovering ? self->hover_x : self->plot.origin.x + self->plot.size.width / 2;
  gint64 from = self->from, to = self->to;

  if (dx != 0) {
    gint64 shift = (gint64) llround (dx * (double) (to - from) * 0.05);

    from += shift;
    to += shift;
  }
  if (dy != 0)
    zoom_about (self, time_at_x (self, x) + (from - self->from), from, to, pow (1.25, dy));
  else
    set_window_internal (self, from, to, FC_CHART_RANGE_CUSTOM);
  return TRUE;
}

static void
on_zoom_begin_cb (GtkGesture       *gesture,
                  GdkEventSequence *sequence,
                  FcChart          *self)
{
  double x = 0, y = 0;

  self->gesture_from = self->from;
  self->gesture_to = self->to;
  if (!gtk_gesture_get_bounding_box_center (gesture, &x, &y))
    x = self->plot.origin.x + self->plot.size.width / 2;
  self->gesture_anchor = time_at_x (self, x);
}

static void
on_zoom_scale_changed_cb (GtkGestureZoom *gesture,
                          double          scale,
                          FcChart        *self)
{
  if (scale <= 0 || self->gesture_to <= self->gesture_from)
    return;
  zoom_about (self, self->gesture_anchor, self->gesture_from, self->gesture_to, 1 / scale);
}

static void
on_motion_cb (GtkEventControllerMotion *controller,
              double                    x,
              double                    y,
              FcChart                  *self)
{
  self->hovering = TRUE;
  self->hover_x = x;
  update_crosshair (self);
}

static void
on_leave_cb (GtkEventControllerMotion *controller,
             FcChart                  *self)
{
  self->hovering = FALSE;
  update_crosshair (self);
}

static void
on_focus_changed_cb (GtkEventControllerFocus *controller,
                     FcChart                 *self)
{
  update_crosshair (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FcChart *self = FC_CHART (widget);
  gint64 shift = (self->to - self->from) / 4 * g_variant_get_int32 (parameter);

  set_window_internal (self, self->from + shift, self->to + shift, FC_CHART_RANGE_CUSTOM);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcChart *self = FC_CHART (widget);
  gint64 middle = self->from + (self->to - self->from) / 2;

  zoom_about (self, middle, self->from, self->to, g_variant_get_int32 (parameter) > 0 ? 0.5 : 2.0);
}

static void
home_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcChart *self = FC_CHART (widget);
  gint64 span = self->to - self->from;

  if (self->have_extent)
    set_window_internal (self, self->first_at, self->first_at + span, FC_CHART_RANGE_CUSTOM);
}

static void
end_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FcChart *self = FC_CHART (widget);
  gint64 span = self->to - self->from;
  gint64 end = end_of_today (self);

  set_window_internal (self, end - span, end, FC_CHART_RANGE_CUSTOM);
}

/* GtkWidget. */

static void
fc_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 240;
}

static void
fc_chart_size_allocate (GtkWidget *widget,
                        int        width,
                        int        height,
                        int        baseline)
{
  FcChart *self = FC_CHART (widget);
  int columns;

  compute_plot (self, width, height, &self->plot);
  columns = MAX ((int) self->plot.size.width, 1);
  if (columns != self->columns) {
    self->columns = columns;
    schedule_refresh (self);
  }
  update_crosshair (self);
}

static void
fc_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  FcChart *self = FC_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  Palette palette;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  get_palette (self, &palette);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  chart_draw (self, cr, width, height, &palette, TRUE);
  if (gtk_widget_has_visible_focus (widget)) {
    set_color (cr, &palette.accent, 0.8);
    cairo_set_line_width (cr, 2);
    cairo_rectangle (cr, 1, 1, width - 2, height - 2);
    cairo_stroke (cr);
  }
  cairo_destroy (cr);
}

/* GObject. */

static void
fc_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  FcChart *self = FC_CHART (object);

  switch (prop_id) {
  case PROP_RANGE:
    g_value_set_int (value, self->range);
    break;
  case PROP_SUMMARY:
    g_value_take_string (value, fc_chart_dup_summary (self));
    break;
  case PROP_CROSSHAIR_TEXT:
    g_value_set_string (value, self->crosshair_text);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  FcChart *self = FC_CHART (object);

  switch (prop_id) {
  case PROP_RANGE:
    fc_chart_set_range (self, g_value_get_int (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_chart_dispose (GObject *object)
{
  FcChart *self = FC_CHART (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->types_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->types_cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fc_chart_parent_class)->dispose (object);
}

static void
fc_chart_finalize (GObject *object)
{
  FcChart *self = FC_CHART (object);

  g_clear_pointer (&self->buckets, g_array_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  g_free (self->data_type);
  g_free (self->title);
  g_free (self->unit);
  g_free (self->summary);
  g_free (self->crosshair_text);

  G_OBJECT_CLASS (fc_chart_parent_class)->finalize (object);
}

static void
fc_chart_class_init (FcChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = fc_chart_get_property;
  object_class->set_property = fc_chart_set_property;
  object_class->dispose = fc_chart_dispose;
  object_class->finalize = fc_chart_finalize;

  widget_class->measure = fc_chart_measure;
  widget_class->size_allocate = fc_chart_size_allocate;
  widget_class->snapshot = fc_chart_snapshot;

  /* An int rather than an enum GType: the pages compare it with the
   * FcChartRange values of their toggle buttons. */
  properties[PROP_RANGE] =
    g_param_spec_int ("range", NULL, NULL, FC_CHART_RANGE_DAY, FC_CHART_RANGE_CUSTOM,
                      FC_CHART_RANGE_MONTH,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CROSSHAIR_TEXT] =
    g_param_spec_string ("crosshair-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FcChart::buckets-changed:
   *
   * A new answer from the store replaced the buckets on screen
   * (fc_chart_get_buckets()), and the summary with them.
   */
  signals[SIGNAL_BUCKETS_CHANGED] =
    g_signal_new ("buckets-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "chart.pan", "i", pan_action);
  gtk_widget_class_install_action (widget_class, "chart.zoom", "i", zoom_action);
  gtk_widget_class_install_action (widget_class, "chart.home", NULL, home_action);
  gtk_widget_class_install_action (widget_class, "chart.end", NULL, end_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "chart.pan", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, 0, "chart.pan", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "chart.pan", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, 0, "chart.pan", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "chart.zoom", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "chart.zoom", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "chart.zoom", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "chart.zoom", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "chart.zoom", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "chart.home", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Home, 0, "chart.home", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "chart.end", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_End, 0, "chart.end", NULL);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fc_chart_init (FcChart *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->goal = NAN;
  self->scale = 1;
  self->range = FC_CHART_RANGE_MONTH;
  self->answer_range = FC_CHART_RANGE_MONTH;
  self->columns = DEFAULT_COLUMNS;
  self->cross_index = -1;
  self->kind = FC_CHART_LINE;
  apply_range (self);
  self->answer_from = self->from;
  self->answer_to = self->to;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_focus_on_click (widget, TRUE);

  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin_cb), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));
  /* One group: two fingers zoom, and do not also drag. */
  gtk_gesture_group (zoom, drag);

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll_cb), self);
  gtk_widget_add_controller (widget, scroll);

  g_signal_connect (motion, "enter", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (widget, motion);

  g_signal_connect (focus, "enter", G_CALLBACK (on_focus_changed_cb), self);
  g_signal_connect (focus, "leave", G_CALLBACK (on_focus_changed_cb), self);
  gtk_widget_add_controller (widget, focus);

  update_summary (self);
  update_label (self);
}

/* Public API. */

GtkWidget *
fc_chart_new (void)
{
  return g_object_new (FC_TYPE_CHART, NULL);
}

void
fc_chart_set_store (FcChart *self,
                    FcStore *store)
{
  g_return_if_fail (FC_IS_CHART (self));
  g_return_if_fail (store == NULL || FC_IS_STORE (store));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    self->store_changed_id = g_signal_connect (store, "changed::" FC_STORE_HEALTH,
                                               G_CALLBACK (on_store_changed_cb), self);
  self->have_extent = FALSE;
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->buckets, g_array_unref);
  request_types (self);
  schedule_refresh (self);
}

void
fc_chart_set_data_type (FcChart     *self,
                        const char  *data_type,
                        FcChartKind  kind,
                        const char  *title,
                        const char  *unit)
{
  g_return_if_fail (FC_IS_CHART (self));

  set_str (&self->data_type, data_type);
  set_str (&self->title, title);
  set_str (&self->unit, unit);
  self->scale = 1;
  self->kind = kind;
  self->have_extent = FALSE;
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->buckets, g_array_unref);
  update_label (self);
  update_summary (self);
  request_types (self);
  schedule_refresh (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fc_chart_set_goal (FcChart *self,
                   double   goal)
{
  g_return_if_fail (FC_IS_CHART (self));

  self->goal = goal;
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fc_chart_set_display_unit (FcChart    *self,
                           const char *unit,
                           double      scale)
{
  g_return_if_fail (FC_IS_CHART (self));
  g_return_if_fail (isfinite (scale) && scale > 0);

  if (self->scale == scale && g_strcmp0 (self->unit, unit) == 0)
    return;
  self->scale = scale;
  g_free (self->unit);
  self->unit = g_strdup (unit);
  update_summary (self);
  update_crosshair (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fc_chart_set_now (FcChart *self,
                  gint64   now)
{
  g_return_if_fail (FC_IS_CHART (self));

  self->now = now;
  apply_range (self);
}

void
fc_chart_set_range (FcChart      *self,
                    FcChartRange  range)
{
  g_return_if_fail (FC_IS_CHART (self));
  g_return_if_fail (range <= FC_CHART_RANGE_CUSTOM);

  if (range != self->range) {
    self->range = range;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGE]);
  }
  apply_range (self);
  schedule_refresh (self);
}

FcChartRange
fc_chart_get_range (FcChart *self)
{
  g_return_val_if_fail (FC_IS_CHART (self), FC_CHART_RANGE_CUSTOM);

  return self->range;
}

void
fc_chart_set_window (FcChart *self,
                     gint64   from,
                     gint64   to)
{
  g_return_if_fail (FC_IS_CHART (self));
  g_return_if_fail (from < to);

  set_window_internal (self, from, to, FC_CHART_RANGE_CUSTOM);
}

void
fc_chart_get_window (FcChart *self,
                     gint64  *from,
                     gint64  *to)
{
  g_return_if_fail (FC_IS_CHART (self));

  if (from != NULL)
    *from = self->from;
  if (to != NULL)
    *to = self->to;
}

GArray *
fc_chart_get_buckets (FcChart *self)
{
  g_return_val_if_fail (FC_IS_CHART (self), NULL);

  return self->buckets;
}

char *
fc_chart_dup_summary (FcChart *self)
{
  g_return_val_if_fail (FC_IS_CHART (self), NULL);

  return g_strdup (self->summary);
}

char *
fc_chart_dup_crosshair_text (FcChart *self)
{
  g_return_val_if_fail (FC_IS_CHART (self), NULL);

  return g_strdup (self->crosshair_text);
}

const gint64 *
fc_chart_get_edges (FcChart *self,
                    guint   *n_edges)
{
  g_return_val_if_fail (FC_IS_CHART (self), NULL);

  if (self->edges == NULL) {
    *n_edges = 0;
    return NULL;
  }
  *n_edges = self->edges->len;
  return (const gint64 *) self->edges->data;
}

FcChartBarUnit
fc_chart_get_bar_unit (FcChart *self)
{
  g_return_val_if_fail (FC_IS_CHART (self), FC_CHART_BAR_DAY);

  return self->bar_unit;
}

static cairo_status_t
write_png_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  GOutputStream *stream = closure;

  return g_output_stream_write_all (stream, data, length, NULL, NULL, NULL) ?
         CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

gboolean
fc_chart_save_png (FcChart  *self,
                   GFile    *file,
                   int       width,
                   int       height,
                   GError  **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  Palette palette;
  cairo_t *cr;

  g_return_val_if_fail (FC_IS_CHART (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (stream == NULL)
    return FALSE;

  get_palette (self, &palette);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  /* An image has no window behind it: the window's background, so the
   * text keeps its contrast wherever the PNG is opened. */
  set_color (cr, &palette.background, 1);
  cairo_paint (cr);
  chart_draw (self, cr, width, height, &palette, FALSE);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png_stream (surface, write_png_cb, stream);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write the chart: %s"),
                 cairo_status_to_string (status));
    return FALSE;
  }
  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}
