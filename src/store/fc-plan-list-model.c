/* fc-plan-list-model.c — the meal plans in the store, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-plan-list-model.h"

struct _FcPlanListModel
{
  FcStoreModel parent_instance;
};

G_DEFINE_FINAL_TYPE (FcPlanListModel, fc_plan_list_model, FC_TYPE_STORE_MODEL)

static void
fc_plan_list_model_class_init (FcPlanListModelClass *klass)
{
  FcStoreModelClass *model_class = FC_STORE_MODEL_CLASS (klass);

  model_class->resource = FC_STORE_MEAL_PLANS;
  model_class->item_type = FC_TYPE_PLAN_ITEM;
  model_class->query_async = fc_object_item_query_async;
  model_class->query_finish = fc_object_item_query_finish;
  model_class->equal = fc_object_item_equal;
}

static void
fc_plan_list_model_init (FcPlanListModel *self)
{
}

FcPlanListModel *
fc_plan_list_model_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);

  return g_object_new (FC_TYPE_PLAN_LIST_MODEL, "store", store, NULL);
}
