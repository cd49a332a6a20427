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
 * @FC_CHART_BARS: a bar per local day, week or month holding its sum
 *   (steps, active energy, water)
 */
typedef enum {
  FC_CHART_LINE,
  FC_CHART_BARS,
} FcChartKind;

/**
 * FcChartRange:
 * The ranges the Health page offers; FC_CHART_RANGE_CUSTOM after a pan,
 * a zoom or fc_chart_set_window().
 */
typedef enum {
  FC_CHART_RANGE_DAY,
  FC_CHART_RANGE_WEEK,
  FC_CHART_RANGE_MONTH,
  FC_CHART_RANGE_YEAR,
  FC_CHART_RANGE_ALL,
  FC_CHART_RANGE_CUSTOM,
} FcChartRange;

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
/* A goal drawn as a line; NAN for none. */
void          fc_chart_set_goal        (FcChart      *self,
                                        double        goal);

/* The time the chart treats as now (tests inject it; 0 = the clock). */
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
 * 30 days: 72.5 kg, down 1.2 kg, lowest 71.9, highest 74.0". */
GArray       *fc_chart_get_buckets     (FcChart      *self);
char         *fc_chart_dup_summary     (FcChart      *self);

/* The chart as it is drawn, @width × @height pixels, into a PNG. */
gboolean      fc_chart_save_png        (FcChart      *self,
                                        GFile        *file,
                                        int           width,
                                        int           height,
                                        GError      **error);

G_END_DECLS
