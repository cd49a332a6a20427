/* fc-health-goals-dialog.h — the daily steps, target weight and sleep goals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_HEALTH_GOALS_DIALOG (fc_health_goals_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FcHealthGoalsDialog, fc_health_goals_dialog, FC, HEALTH_GOALS_DIALOG,
                      AdwWindow)

/* Shows the goals the store has and saves all three through it (the outbox
 * sends them with PUT health/goals/); an empty field is no goal. Emits
 * "saved" once the store has them, before it closes. */
GtkWidget *fc_health_goals_dialog_new (GtkWindow *parent,
                                       FcSession *session);

G_END_DECLS
