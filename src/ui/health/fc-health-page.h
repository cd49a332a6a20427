/* fc-health-page.h — the Health section: an overview of the user's metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_HEALTH_PAGE (fc_health_page_get_type ())

G_DECLARE_FINAL_TYPE (FcHealthPage, fc_health_page, FC, HEALTH_PAGE, AdwBin)

GtkWidget *fc_health_page_new         (void);
void       fc_health_page_set_session (FcHealthPage *self,
                                       FcSession    *session);

G_END_DECLS
