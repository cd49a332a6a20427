/* fc-plan-editor.h — create or edit a meal plan through the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_EDITOR (fc_plan_editor_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanEditor, fc_plan_editor, FC, PLAN_EDITOR, AdwWindow)

/* @plan: (nullable): the plan to edit, as the store reads it; NULL for a
 * new one. The editor writes through fc_store_create_async() or
 * fc_store_update_async(), asks for a sync and closes; offline too. */
GtkWidget *fc_plan_editor_new (GtkWindow  *parent,
                               FcSession  *session,
                               JsonObject *plan);

G_END_DECLS
