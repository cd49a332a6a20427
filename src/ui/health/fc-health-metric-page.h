/* fc-health-metric-page.h — one metric: its chart, table and measurements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_HEALTH_METRIC_PAGE (fc_health_metric_page_get_type ())

G_DECLARE_FINAL_TYPE (FcHealthMetricPage, fc_health_metric_page, FC, HEALTH_METRIC_PAGE, AdwBin)

GtkWidget  *fc_health_metric_page_new           (void);
void        fc_health_metric_page_set_session   (FcHealthMetricPage *self,
                                                 FcSession          *session);
/* Shows @data_type (a wire name), its chart on Month; NULL shows nothing. */
void        fc_health_metric_page_set_data_type (FcHealthMetricPage *self,
                                                 const char         *data_type);
const char *fc_health_metric_page_get_data_type (FcHealthMetricPage *self);
/* Where its toasts (Undo of a delete) go. */
void        fc_health_metric_page_set_toast_overlay (FcHealthMetricPage *self,
                                                     AdwToastOverlay    *overlay);

G_END_DECLS
