/* fc-meal-editor.h — build a meal from foods and servings, offline too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_MEAL_EDITOR (fc_meal_editor_get_type ())

G_DECLARE_FINAL_TYPE (FcMealEditor, fc_meal_editor, FC, MEAL_EDITOR, AdwWindow)

/* @meal: a meal in the store's wire shape, or NULL for a new one. With
 * @copy, the editor starts a new meal of the user's from @meal's name,
 * time and items (a template, or another meal). */
GtkWidget *fc_meal_editor_new (GtkWindow  *parent,
                               FcSession  *session,
                               JsonObject *meal,
                               gboolean    copy);

G_END_DECLS
