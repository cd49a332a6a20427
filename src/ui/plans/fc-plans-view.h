/* fc-plans-view.h — meal plans: the list, the active plan's calendar, templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_PLANS_VIEW (fc_plans_view_get_type ())

G_DECLARE_FINAL_TYPE (FcPlansView, fc_plans_view, FC, PLANS_VIEW, AdwBin)

GtkWidget *fc_plans_view_new         (void);
/* The window hands every page the session (NULL when signed out). */
void       fc_plans_view_set_session (FcPlansView *self,
                                      FcSession *session);

G_END_DECLS
