/* fc-meal.h — one meal as the Meals list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_TYPE_MEAL (fc_meal_get_type ())

G_DECLARE_FINAL_TYPE (FcMeal, fc_meal, FC, MEAL, GObject)

/* @object: the meal in the store's wire shape (with "meal_items",
 * "is_own", "dirty"). Read-only properties: "id", "name",
 * "meal-time-category", "is-template", "is-own", "dirty". */
FcMeal     *fc_meal_new                    (JsonObject *object);
JsonObject *fc_meal_get_object             (FcMeal     *self);
gint64      fc_meal_get_id                 (FcMeal     *self);
const char *fc_meal_get_name               (FcMeal     *self);
const char *fc_meal_get_meal_time_category (FcMeal     *self);
gboolean    fc_meal_get_is_template        (FcMeal     *self);
gboolean    fc_meal_get_is_own             (FcMeal     *self);
gboolean    fc_meal_get_dirty              (FcMeal     *self);
guint       fc_meal_get_n_items            (FcMeal     *self);
/* The server's total, FALSE when it has none yet (a meal made offline) or
 * when local changes make it stale. */
gboolean    fc_meal_get_total_calories     (FcMeal     *self,
                                            double     *out_calories);
gboolean    fc_meal_equal                  (FcMeal     *a,
                                            FcMeal     *b);

G_END_DECLS
