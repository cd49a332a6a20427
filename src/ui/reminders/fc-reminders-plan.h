/* fc-reminders-plan.h — the meal reminders' source: the active plans' meals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib, json-glib and the store only (no GTK), so that tests drive it with
 * plan JSON and no display.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fc-meal-time.h"
#include "fc-reminders.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_REMINDERS_PLAN (fc_reminders_plan_get_type ())

G_DECLARE_FINAL_TYPE (FcRemindersPlan, fc_reminders_plan, FC, REMINDERS_PLAN, GObject)

/* Gives @reminders the app's meal times (fc-meal-time.h) and answers which
 * of them the active plans have on a day. */
FcRemindersPlan *fc_reminders_plan_new        (FcReminders     *reminders);
/* @plans as the store lists FC_STORE_MEAL_PLANS, @meals FC_STORE_MEALS;
 * plans with is_active false are left out. Either may be NULL. */
void             fc_reminders_plan_set_plans  (FcRemindersPlan *self,
                                               JsonArray       *plans,
                                               JsonArray       *meals);
/* Reads the plans from @store now and whenever they or the meals change;
 * NULL (signed out) means no plan. */
void             fc_reminders_plan_set_store  (FcRemindersPlan *self,
                                               FcStore         *store);

/* The local time @meal_time's reminder fires at. */
void             fc_reminders_plan_get_clock  (FcMealTime       meal_time,
                                               guint8          *out_hour,
                                               guint8          *out_minute);

G_END_DECLS
