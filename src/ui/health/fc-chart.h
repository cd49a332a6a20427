/* fc-chart.h — a health metric over time: lines, bands and bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contract between the chart (src/ui/health/fc-chart.c) and the Health
 * pages. The chart reads its buckets from the store
 * (fc_store_health_buckets_async(), src/store/fc-store-health.h), as many as
 * it has pixel columns, so a million points draw like a thousand.
 */

#pragma once

#include <gtk/gtk.h>

#include "fc-store-health.h"

G_BEGIN_DECLS

/**
 * FcChartKind:
 * @FC_CHART_LINE: a line through each bucket's average, with a min–max band
 *   where a bucket holds more than one point (weight, heart rate)
 * @FC_CHART_BARS: a bar per local hour, day, week or month holding its sum
 *   (steps, active energy, water); the chart picks the unit that fits the
 *   window and the width (fc_chart_get_bar_unit())
 */
typedef enum {
  FC_CHART_LINE,
  FC_CHART_BARS,
} FcChartKind;

/**
 * FcChartRange:
 * The ranges the Health page offers, each ending with the local day of
 * "now": Day is today, Week the last 7 local days, Month the last 30, Year
 * the last 12 months; All runs from the type's first point to its last
 * (fc_store_health_types_async()). FC_CHART_RANGE_CUSTOM after a pan, a
 * zoom or fc_chart_set_window().
 */
typedef enum {
  FC_CHART_RANGE_DAY,
  FC_CHART_RANGE_WEEK,
  FC_CHART_RANGE_MONTH,
  FC_CHART_RANGE_YEAR,
  FC_CHART_RANGE_ALL,
  FC_CHART_RANGE_CUSTOM,
} FcChartRange;

/**
 * FcChartBarUnit:
 * What one bar holds: a local hour, day, week (from Monday) or month.
 */
typedef enum {
  FC_CHART_BAR_HOUR,
  FC_CHART_BAR_DAY,
  FC_CHART_BAR_WEEK,
  FC_CHART_BAR_MONTH,
} FcChartBarUnit;

#define FC_TYPE_CHART (fc_chart_get_type ())

G_DECLARE_FINAL_TYPE (FcChart, fc_chart, FC, CHART, GtkWidget)

GtkWidget    *fc_chart_new             (void);

/* What it shows: the store, a data type (wire name), how to draw it and
 * the name and unit its summary and crosshair read ("Weight", "kg"). */
void          fc_chart_set_store       (FcChart      *self,
                                        FcStore      *store);
void          fc_chart_set_data_type   (FcChart      *self,
                                        const char   *data_type,
                                        FcChartKind   kind,
                                        const char   *title,
                                        const char   *unit);
/* The chart reads and draws canonical values (kg) and shows them, in its
 * axis, summary and crosshair, multiplied by @scale and followed by @unit
 * ("lb", 2.20462…). By default the unit given to fc_chart_set_data_type()
 * and 1; the goal and the buckets stay canonical. */
void          fc_chart_set_display_unit (FcChart     *self,
                                         const char  *unit,
                                         double       scale);
/* A goal drawn as a line, canonical unit; NAN for none. */
void          fc_chart_set_goal        (FcChart      *self,
                                        double        goal);

/* The time the chart treats as now, UTC seconds (tests inject it; 0 = the
 * clock). */
void          fc_chart_set_now         (FcChart      *self,
                                        gint64        now);
void          fc_chart_set_range       (FcChart      *self,
                                        FcChartRange  range);
FcChartRange  fc_chart_get_range       (FcChart      *self);
/* The visible window, [from, to) in UTC seconds. */
void          fc_chart_set_window      (FcChart      *self,
                                        gint64        from,
                                        gint64        to);
void          fc_chart_get_window      (FcChart      *self,
                                        gint64       *from,
                                        gint64       *to);

/* The buckets on screen (a GArray of FcHealthBucket, owned by the chart,
 * valid until the next "buckets-changed") for the table view, and the text
 * summary that is also the chart's accessible description: "Weight, last
 * 30 days: 72.5 kg, down 1.2 kg, lowest 71.9, highest 74.0". The summary
 * is also the read-only "summary" property, for a label to bind. */
GArray       *fc_chart_get_buckets     (FcChart      *self);
char         *fc_chart_dup_summary     (FcChart      *self);

/* What the crosshair reads ("72.5 kg, Thu 3 Dec 2026 08:00"), NULL when
 * it is not shown (no hover, no focus). It is also the "crosshair-text"
 * property and, while shown, part of the chart's accessible label, so a
 * screen reader announces it as it changes. */
char         *fc_chart_dup_crosshair_text (FcChart   *self);

/* The edges (UTC seconds, ascending) of the buckets the chart asked for
 * last; for bars each is a local hour, midnight, Monday or first of the
 * month. Owned by the chart. */
const gint64 *fc_chart_get_edges       (FcChart      *self,
                                        guint        *n_edges);
FcChartBarUnit fc_chart_get_bar_unit   (FcChart      *self);

/* The chart as it is drawn, @width × @height pixels, into a PNG. */
gboolean      fc_chart_save_png        (FcChart      *self,
                                        GFile        *file,
                                        int           width,
                                        int           height,
                                        GError      **error);

G_END_DECLS
