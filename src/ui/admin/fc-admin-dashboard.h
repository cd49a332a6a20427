/* fc-admin-dashboard.h — the Admin section's statistics over 7, 30 or 90 days
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-admin-service.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_DASHBOARD (fc_admin_dashboard_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminDashboard, fc_admin_dashboard, FC, ADMIN_DASHBOARD, AdwBin)

GtkWidget *fc_admin_dashboard_new         (void);
/* The statistics are asked for when the dashboard is shown, and again
 * when the range changes. */
void       fc_admin_dashboard_set_service (FcAdminDashboard *self,
                                           FcAdminService   *service);

G_END_DECLS
