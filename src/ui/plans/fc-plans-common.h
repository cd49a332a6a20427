/* fc-plans-common.h — what the plans screens share: goal codes and labels,
 * and writing a plan's schedule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fc-session.h"

G_BEGIN_DECLS

/* The server's codes (wire file, "Meal plans"), in the order forms list
 * them; "GH" is the server's default. */
#define FC_PLAN_N_GOALS 5

const char    *fc_plan_goal_get_code   (guint       index);
/* The index of @code, or that of "GH" for an unknown or missing code. */
guint          fc_plan_goal_get_index  (const char *code);
/* Translated: "Weight loss" … "General health"; "" for NULL. */
const char    *fc_plan_goal_get_label  (const char *code);
/* The labels, in code order, for a drop-down or combo row. */
GtkStringList *fc_plan_goal_new_model  (void);

/* Writes @payload as the plan's scheduled_meals_payload through the store
 * (offline too), asks for a sync, and on failure shows a toast in @widget's
 * window. */
void           fc_plan_write_schedule  (GtkWidget  *widget,
                                        FcSession  *session,
                                        gint64      plan_id,
                                        JsonArray  *payload);

G_END_DECLS
