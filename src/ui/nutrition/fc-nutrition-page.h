/* fc-nutrition-page.h — the Nutrition section: plans, meals and foods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_NUTRITION_PAGE (fc_nutrition_page_get_type ())

G_DECLARE_FINAL_TYPE (FcNutritionPage, fc_nutrition_page, FC, NUTRITION_PAGE, AdwBin)

GtkWidget *fc_nutrition_page_new         (void);
/* The window hands every page the session (NULL when signed out). */
void       fc_nutrition_page_set_session (FcNutritionPage *self,
                                          FcSession *session);

G_END_DECLS
