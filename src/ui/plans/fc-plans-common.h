/* fc-plans-common.h — what the plans screens share: goal codes and labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

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

G_END_DECLS
