/* fc-plan-list-model.h — the meal plans in the store, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of FcPlanItem in the store's order, re-read on
 * FcStore::changed::meal_plans (only the rows that differ emit
 * items-changed): the user's plans and the templates the store holds. A
 * person has a few plans, so the model reads the whole list (FcStoreModel's
 * query_async path).
 */

#pragma once

#include "fc-plan-item.h"
#include "fc-store-model.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_LIST_MODEL (fc_plan_list_model_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanListModel, fc_plan_list_model, FC, PLAN_LIST_MODEL, FcStoreModel)

FcPlanListModel *fc_plan_list_model_new (FcStore *store);

G_END_DECLS
