/* fc-plan-item.h — one meal plan as the lists show it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-object-item.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_ITEM (fc_plan_item_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanItem, fc_plan_item, FC, PLAN_ITEM, FcObjectItem)

/* The object is the plan in the store's wire shape (start_date,
 * duration_days, targets, scheduled_meals, "dirty"). A plan without
 * is_active is active. */
gboolean fc_plan_item_get_is_template     (FcPlanItem *self);
gboolean fc_plan_item_get_is_active       (FcPlanItem *self);
gboolean fc_plan_item_get_is_ai_generated (FcPlanItem *self);

G_END_DECLS
