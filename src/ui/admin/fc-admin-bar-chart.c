/* fc-admin-bar-chart.c — one statistic of the Admin dashboard, a bar per day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin-bar-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-admin-bar-chart.h"

#include "fc-admin-format.h"

#define HEIGHT 96

struct _FcAdminBarChart
{
  GtkWidget  parent_instance;

  GArray    *values;   /* double, one per day */
  char      *summary;
};

G_DEFINE_FINAL_TYPE (FcAdminBarChart, fc_admin_bar_chart, GTK_TYPE_WIDGET)

static void
fc_admin_bar_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  FcAdminBarChart *self = FC_ADMIN_BAR_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA accent, fg;
  double high = 0.0;
  double step;

  gdk_rgba_parse (&accent, "#1c71d8");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &accent);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* The baseline, faint, so an empty range still shows where bars go. */
  fg.alpha *= 0.25f;
  gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (0, height - 1, width, 1));

  if (self->values->len == 0 || width <= 0 || height <= 1)
    return;
  for (guint i = 0; i < self->values->len; i++)
    high = MAX (high, g_array_index (self->values, double, i));
  if (high <= 0.0)
    return;

  step = (double) width / self->values->len;
  for (guint i = 0; i < self->values->len; i++) {
    double value = g_array_index (self->values, double, i);
    float bar = (float) ((height - 1) * value / high);
    float gap = step > 4 ? 1.0f : 0.0f;

    if (value <= 0.0)
      continue;
    gtk_snapshot_append_color (snapshot, &accent,
                               &GRAPHENE_RECT_INIT ((float) (i * step), height - 1 - bar,
                                                    MAX ((float) step - gap, 1.0f), bar));
  }
}

static void
fc_admin_bar_chart_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = HEIGHT;
  else
    *minimum = *natural = 120;
}

static void
fc_admin_bar_chart_finalize (GObject *object)
{
  FcAdminBarChart *self = FC_ADMIN_BAR_CHART (object);

  g_array_unref (self->values);
  g_free (self->summary);

  G_OBJECT_CLASS (fc_admin_bar_chart_parent_class)->finalize (object);
}

static void
fc_admin_bar_chart_class_init (FcAdminBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fc_admin_bar_chart_finalize;
  widget_class->snapshot = fc_admin_bar_chart_snapshot;
  widget_class->measure = fc_admin_bar_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fc_admin_bar_chart_init (FcAdminBarChart *self)
{
  self->values = g_array_new (FALSE, TRUE, sizeof (double));
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
fc_admin_bar_chart_new (void)
{
  return g_object_new (FC_TYPE_ADMIN_BAR_CHART, NULL);
}

void
fc_admin_bar_chart_set_days (FcAdminBarChart *self,
                             const char      *title,
                             const char      *first_day,
                             const char      *last_day,
                             const double    *values,
                             guint            n_values)
{
  double total = 0.0, high = 0.0;
  guint at = 0;
  g_autofree char *most_day = NULL;
  g_autofree char *n_total = NULL;
  g_autofree char *n_high = NULL;

  g_return_if_fail (FC_IS_ADMIN_BAR_CHART (self));
  g_return_if_fail (title != NULL && first_day != NULL && last_day != NULL);

  g_array_set_size (self->values, 0);
  g_array_append_vals (self->values, values, n_values);
  for (guint i = 0; i < n_values; i++) {
    total += values[i];
    if (values[i] > high) {
      high = values[i];
      at = i;
    }
  }

  g_free (self->summary);
  if (high > 0.0) {
    g_autoptr(GDateTime) first = NULL;
    g_autofree char *iso = g_strconcat (first_day, "T00:00:00Z", NULL);

    first = g_date_time_new_from_iso8601 (iso, NULL);
    if (first != NULL) {
      g_autoptr(GDateTime) day = g_date_time_add_days (first, (int) at);

      most_day = g_date_time_format (day, "%Y-%m-%d");
    }
    n_total = fc_admin_format_count ((gint64) total);
    n_high = fc_admin_format_count ((gint64) high);
    /* Translators: a chart's summary: "New accounts, 2026-11-06 to
     * 2026-12-05: 1,204 in all, most 96 on 2026-11-20" */
    self->summary = g_strdup_printf (_("%s, %s to %s: %s in all, most %s on %s"), title,
                                     first_day, last_day, n_total, n_high,
                                     most_day != NULL ? most_day : first_day);
  } else {
    /* Translators: a chart's summary when every day is 0 */
    self->summary = g_strdup_printf (_("%s, %s to %s: none"), title, first_day, last_day);
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->summary);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
fc_admin_bar_chart_get_summary (FcAdminBarChart *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_BAR_CHART (self), NULL);
  return self->summary;
}
