/* fc-plan-item.c — one meal plan as the lists show it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-plan-item.h"

struct _FcPlanItem
{
  FcObjectItem parent_instance;
};

G_DEFINE_FINAL_TYPE (FcPlanItem, fc_plan_item, FC_TYPE_OBJECT_ITEM)

static void
fc_plan_item_class_init (FcPlanItemClass *klass)
{
}

static void
fc_plan_item_init (FcPlanItem *self)
{
}

gboolean
fc_plan_item_get_is_template (FcPlanItem *self)
{
  g_return_val_if_fail (FC_IS_PLAN_ITEM (self), FALSE);

  return fc_object_item_get_flag (FC_OBJECT_ITEM (self), "is_template", FALSE);
}

gboolean
fc_plan_item_get_is_active (FcPlanItem *self)
{
  g_return_val_if_fail (FC_IS_PLAN_ITEM (self), TRUE);

  return fc_object_item_get_flag (FC_OBJECT_ITEM (self), "is_active", TRUE);
}

gboolean
fc_plan_item_get_is_ai_generated (FcPlanItem *self)
{
  g_return_val_if_fail (FC_IS_PLAN_ITEM (self), FALSE);

  return fc_object_item_get_flag (FC_OBJECT_ITEM (self), "is_ai_generated", FALSE);
}
