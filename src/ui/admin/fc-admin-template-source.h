/* fc-admin-template-source.h — a meal-plan template as staff edit it: the server's, changed here until saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fc-plan-source.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_TEMPLATE_SOURCE (fc_admin_template_source_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminTemplateSource, fc_admin_template_source, FC, ADMIN_TEMPLATE_SOURCE, GObject)

/*
 * The plan board's source (fc-plan-source.h) for a template: a draft of
 * its schedule kept in memory, since every template is public and a half
 * made week must not reach users; the editor sends it whole on Save
 * (FcAdminService). Templates have no start date: the draft's day 1 falls
 * on the first day of @today's week (the locale's), so that a week's
 * template fills one calendar week.
 */
FcAdminTemplateSource *fc_admin_template_source_new            (const GDate           *today);

/* @template: admin/meal-plan-templates/{id}/'s answer (fc-admin-service.h):
 * its target, duration, "scheduled_meals" and the "meals" it may schedule. */
void                   fc_admin_template_source_load           (FcAdminTemplateSource *self,
                                                                JsonObject            *template);
/* The meals a new template (the caller's own) may schedule: @meals lists
 * the store's (an FcMealListModel), followed while the source lives;
 * meals not yet on the server are left out. */
void                   fc_admin_template_source_set_meal_model (FcAdminTemplateSource *self,
                                                                GListModel            *meals);
/* The draft's length, 1 and more: the board shows that many days. */
void                   fc_admin_template_source_set_n_days     (FcAdminTemplateSource *self,
                                                                guint                  n_days);
guint                  fc_admin_template_source_get_n_days     (FcAdminTemplateSource *self);
/* The last day a meal is on (0 without meals): the shortest length that
 * keeps them all. */
guint                  fc_admin_template_source_get_last_day   (FcAdminTemplateSource *self);
/* Returns: (transfer full): the draft's schedule as the server takes it,
 * [{"meal": id, "day_of_plan": n}] */
JsonArray             *fc_admin_template_source_dup_payload    (FcAdminTemplateSource *self);
/* Whether the schedule changed since load. */
gboolean               fc_admin_template_source_get_modified   (FcAdminTemplateSource *self);

G_END_DECLS
