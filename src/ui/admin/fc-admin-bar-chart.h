/* fc-admin-bar-chart.h — one statistic of the Admin dashboard, a bar per day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Health section's FcChart reads its buckets from the store; the
 * dashboard's statistics are live server data that never reach the store,
 * so its days are drawn here, with the same colours (libadwaita's accent
 * on the window background).
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_BAR_CHART (fc_admin_bar_chart_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminBarChart, fc_admin_bar_chart, FC, ADMIN_BAR_CHART, GtkWidget)

GtkWidget  *fc_admin_bar_chart_new         (void);
/* @values: one per day from @first_day (YYYY-MM-DD); copied. @title names
 * the statistic in the chart's accessible description, which sums it up
 * ("New accounts, 2026-11-06 to 2026-12-05: 12 in all, most 4 on
 * 2026-11-20"). */
void        fc_admin_bar_chart_set_days    (FcAdminBarChart *self,
                                            const char      *title,
                                            const char      *first_day,
                                            const char      *last_day,
                                            const double    *values,
                                            guint            n_values);
const char *fc_admin_bar_chart_get_summary (FcAdminBarChart *self);

G_END_DECLS
