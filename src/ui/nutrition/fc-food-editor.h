/* fc-food-editor.h — create or edit a food, offline too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_FOOD_EDITOR (fc_food_editor_get_type ())

G_DECLARE_FINAL_TYPE (FcFoodEditor, fc_food_editor, FC, FOOD_EDITOR, AdwWindow)

/* @food: the food to edit in the store's wire shape, or NULL for a new one. */
GtkWidget *fc_food_editor_new (GtkWindow  *parent,
                               FcSession  *session,
                               JsonObject *food);

G_END_DECLS
