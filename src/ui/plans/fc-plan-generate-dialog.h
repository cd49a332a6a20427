/* fc-plan-generate-dialog.h — ask the server for a new meal plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_GENERATE_DIALOG (fc_plan_generate_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanGenerateDialog, fc_plan_generate_dialog, FC, PLAN_GENERATE_DIALOG,
                      AdwWindow)

/* Goal, days, meals per day, start date and foods to exclude, then
 * fc_meal_plan_actions_generate_async() with a spinner (Cancel stops it);
 * errors stay in the dialog. On success emits "generated" (gint64 plan id)
 * and closes. */
GtkWidget *fc_plan_generate_dialog_new (GtkWindow *parent,
                                        FcSession *session);

G_END_DECLS
