/* fc-plan-day-sheet.h — one day of a plan: its meals, remove, add
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-plan-layout.h"
#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_DAY_SHEET (fc_plan_day_sheet_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanDaySheet, fc_plan_day_sheet, FC, PLAN_DAY_SHEET, AdwWindow)

/* Lists @day's meals with a remove button each, and adds one of the
 * user's meals; both write the plan's schedule through the store. The host
 * hands it every new layout and meal list while it is open. */
GtkWidget *fc_plan_day_sheet_new        (GtkWindow      *parent,
                                         FcSession      *session,
                                         guint           day);
guint      fc_plan_day_sheet_get_day    (FcPlanDaySheet *self);
void       fc_plan_day_sheet_set_layout (FcPlanDaySheet *self,
                                         FcPlanLayout   *layout);
/* @meals: the user's meals as the store lists them */
void       fc_plan_day_sheet_set_meals  (FcPlanDaySheet *self,
                                         JsonArray      *meals);

G_END_DECLS
