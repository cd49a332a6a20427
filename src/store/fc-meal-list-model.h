/* fc-meal-list-model.h — the meals in the store, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of FcMealItem, by name, re-read on FcStore::changed::meals
 * (only the rows that differ emit items-changed): the user's own meals and
 * the templates the store holds. A person has a few dozen meals, so the
 * model reads the whole list (FcStoreModel's query_async path).
 */

#pragma once

#include "fc-meal-item.h"
#include "fc-store-model.h"

G_BEGIN_DECLS

#define FC_TYPE_MEAL_LIST_MODEL (fc_meal_list_model_get_type ())

G_DECLARE_FINAL_TYPE (FcMealListModel, fc_meal_list_model, FC, MEAL_LIST_MODEL, FcStoreModel)

FcMealListModel *fc_meal_list_model_new (FcStore *store);

G_END_DECLS
