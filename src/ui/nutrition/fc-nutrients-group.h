/* fc-nutrients-group.h — calories, macros, fiber, sugar and sodium as rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-nutrition-format.h"

G_BEGIN_DECLS

#define FC_TYPE_NUTRIENTS_GROUP (fc_nutrients_group_get_type ())

G_DECLARE_FINAL_TYPE (FcNutrientsGroup, fc_nutrients_group, FC, NUTRIENTS_GROUP, AdwPreferencesGroup)

GtkWidget *fc_nutrients_group_new  (void);
/* One row per nutrient; a nutrient no food knows is left out. */
void       fc_nutrients_group_show (FcNutrientsGroup  *self,
                                    const FcNutrients *sums);
/* What the row of @nutrient says now (for tests and screen readers). */
const char *fc_nutrients_group_get_text (FcNutrientsGroup *self,
                                         FcNutrient        nutrient);

G_END_DECLS
