/* fc-food-item.h — one food as the UI lists it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FC_TYPE_FOOD_ITEM (fc_food_item_get_type ())

G_DECLARE_FINAL_TYPE (FcFoodItem, fc_food_item, FC, FOOD_ITEM, GObject)

gint64      fc_food_item_get_id               (FcFoodItem *self);
const char *fc_food_item_get_name             (FcFoodItem *self);
const char *fc_food_item_get_description      (FcFoodItem *self);
double      fc_food_item_get_serving_quantity (FcFoodItem *self);
const char *fc_food_item_get_serving_unit     (FcFoodItem *self);
double      fc_food_item_get_calories         (FcFoodItem *self);
double      fc_food_item_get_protein          (FcFoodItem *self);
double      fc_food_item_get_carbohydrates    (FcFoodItem *self);
double      fc_food_item_get_fat              (FcFoodItem *self);
const char *fc_food_item_get_category         (FcFoodItem *self);
gboolean    fc_food_item_get_is_public        (FcFoodItem *self);
gboolean    fc_food_item_get_is_own           (FcFoodItem *self);
gboolean    fc_food_item_get_dirty            (FcFoodItem *self);
gboolean    fc_food_item_equal                (FcFoodItem *a,
                                               FcFoodItem *b);

G_END_DECLS
