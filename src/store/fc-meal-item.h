/* fc-meal-item.h — one meal as the lists show it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-object-item.h"

G_BEGIN_DECLS

#define FC_TYPE_MEAL_ITEM (fc_meal_item_get_type ())

G_DECLARE_FINAL_TYPE (FcMealItem, fc_meal_item, FC, MEAL_ITEM, FcObjectItem)

/* The object is the meal in the store's wire shape (with "meal_items",
 * "is_own", "dirty"); fc_object_item_get_id/_name/_dirty/_object read it. */
const char *fc_meal_item_get_meal_time_category (FcMealItem *self);
gboolean    fc_meal_item_get_is_template        (FcMealItem *self);
gboolean    fc_meal_item_get_is_own             (FcMealItem *self);
guint       fc_meal_item_get_n_items            (FcMealItem *self);
/* The server's total, FALSE when it has none yet (a meal made offline) or
 * when local changes make it stale. */
gboolean    fc_meal_item_get_total_calories     (FcMealItem *self,
                                                 double     *out_calories);

G_END_DECLS
