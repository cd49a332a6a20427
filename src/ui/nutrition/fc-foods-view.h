/* fc-foods-view.h — search the food database, see a food, make your own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_FOODS_VIEW (fc_foods_view_get_type ())

G_DECLARE_FINAL_TYPE (FcFoodsView, fc_foods_view, FC, FOODS_VIEW, AdwBin)

GtkWidget *fc_foods_view_new         (void);
void       fc_foods_view_set_session (FcFoodsView *self,
                                      FcSession   *session);

G_END_DECLS
