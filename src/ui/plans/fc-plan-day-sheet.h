/* fc-plan-day-sheet.h — one day of a plan: its meals, remove, add
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-plan-layout.h"
#include "fc-plan-source.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_DAY_SHEET (fc_plan_day_sheet_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanDaySheet, fc_plan_day_sheet, FC, PLAN_DAY_SHEET, AdwWindow)

/* Lists @day's meals with a remove button each, and adds one of the
 * meals the plan may schedule; both write the plan's schedule through
 * @source. The host hands it every new layout and meal list while it is
 * open. */
GtkWidget *fc_plan_day_sheet_new        (GtkWindow      *parent,
                                         FcPlanSource   *source,
                                         guint           day);
guint      fc_plan_day_sheet_get_day    (FcPlanDaySheet *self);
void       fc_plan_day_sheet_set_layout (FcPlanDaySheet *self,
                                         FcPlanLayout   *layout);
/* @meals: the meals to offer, as fc_plan_source_dup_meals() gives them */
void       fc_plan_day_sheet_set_meals  (FcPlanDaySheet *self,
                                         JsonArray      *meals);

G_END_DECLS
