/* fc-admin-template-editor.h — staff edit a meal-plan template's name, length and meals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-admin-service.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_TEMPLATE_EDITOR (fc_admin_template_editor_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminTemplateEditor, fc_admin_template_editor, FC, ADMIN_TEMPLATE_EDITOR, AdwWindow)

/*
 * Template @id (0 for a new one, the caller's, created hidden) in the plan
 * editor the Nutrition section uses for a person's own plans
 * (FcPlanBoard): meals added, removed and moved per day, kept in the
 * editor until Save sends the name, description, length and schedule in
 * one request through @service. A new template offers the meals of
 * @store (the staff member's own); an existing one its owner's, as the
 * server lists them.
 *
 * Signals:
 *   "saved" (FcAdminTemplateEditor *self, const char *name): the server
 *   took the template; the editor closes after it.
 */
GtkWidget *fc_admin_template_editor_new (GtkWindow      *parent,
                                         FcAdminService *service,
                                         FcStore        *store,
                                         gint64          id);

G_END_DECLS
