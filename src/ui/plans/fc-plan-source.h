/* fc-plan-source.h — where a plan editor reads a plan and writes its schedule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_TYPE_PLAN_SOURCE (fc_plan_source_get_type ())

G_DECLARE_INTERFACE (FcPlanSource, fc_plan_source, FC, PLAN_SOURCE, GObject)

/*
 * The plan board (fc-plan-board.h) and the day sheet show a plan and edit
 * its schedule only through this interface, so that one editor serves a
 * user's own plans, kept in the store and written through its outbox
 * (FcPlanStoreSource), and the meal-plan templates staff edit live on the
 * server (FcAdminTemplateSource, src/ui/admin/).
 *
 * get_plan: (transfer none) (nullable): the plan as fc_plan_layout_new()
 *   reads it, or NULL while there is none (not loaded, deleted)
 * dup_meals: (transfer full): the meals the plan may schedule, with the
 *   details the layout shows (id, name, meal_time_category, total_*)
 * write_schedule: replaces the schedule with @payload
 *   ([{"meal": id, "day_of_plan": n}]); the source emits "changed" once
 *   get_plan() shows it, and "failed" with a sentence for people when it
 *   cannot be written
 *
 * Signals:
 *   "changed" (FcPlanSource *self): the plan or the meals changed
 *   "failed"  (FcPlanSource *self, const char *message)
 */
struct _FcPlanSourceInterface
{
  GTypeInterface parent_iface;

  JsonObject *(*get_plan)       (FcPlanSource *self);
  JsonArray  *(*dup_meals)      (FcPlanSource *self);
  void        (*write_schedule) (FcPlanSource *self,
                                 JsonArray    *payload);
};

JsonObject *fc_plan_source_get_plan       (FcPlanSource *self);
JsonArray  *fc_plan_source_dup_meals      (FcPlanSource *self);
void        fc_plan_source_write_schedule (FcPlanSource *self,
                                           JsonArray    *payload);

/* For implementations. */
void        fc_plan_source_emit_changed   (FcPlanSource *self);
void        fc_plan_source_emit_failed    (FcPlanSource *self,
                                           const char   *message);

G_END_DECLS
