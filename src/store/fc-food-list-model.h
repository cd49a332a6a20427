/* fc-food-list-model.h — the foods the UI lists, searched as the user types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-store-model.h"

G_BEGIN_DECLS

#define FC_TYPE_FOOD_LIST_MODEL (fc_food_list_model_get_type ())

G_DECLARE_FINAL_TYPE (FcFoodListModel, fc_food_list_model, FC, FOOD_LIST_MODEL, FcStoreModel)

FcFoodListModel *fc_food_list_model_new          (FcStore         *store);
const char      *fc_food_list_model_get_query    (FcFoodListModel *self);
void             fc_food_list_model_set_query    (FcFoodListModel *self,
                                                  const char      *query);
const char      *fc_food_list_model_get_category (FcFoodListModel *self);
void             fc_food_list_model_set_category (FcFoodListModel *self,
                                                  const char      *category);
guint            fc_food_list_model_get_limit    (FcFoodListModel *self);
void             fc_food_list_model_set_limit    (FcFoodListModel *self,
                                                  guint            limit);

G_END_DECLS
