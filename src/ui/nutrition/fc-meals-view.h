/* fc-meals-view.h — the user's meals and the templates to start from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_MEALS_VIEW (fc_meals_view_get_type ())

G_DECLARE_FINAL_TYPE (FcMealsView, fc_meals_view, FC, MEALS_VIEW, AdwBin)

GtkWidget *fc_meals_view_new         (void);
void       fc_meals_view_set_session (FcMealsView *self,
                                      FcSession   *session);

G_END_DECLS
