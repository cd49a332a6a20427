/* fc-reminders-plan.c — the meal reminders' source: the active plans' meals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-reminders-plan"

#include "config.h"

#include "fc-reminders-plan.h"

#include "fc-json.h"
#include "fc-meal-time.h"
#include "fc-plan-layout.h"

struct _FcRemindersPlan
{
  GObject       parent_instance;

  /* Owned */
  GPtrArray    *layouts;        /* FcPlanLayout of the active plans */
  FcStore      *store;
  GCancellable *cancellable;
  JsonArray    *pending_plans;  /* read, waiting for the meals */

  /* Borrowed (weak) */
  FcReminders  *reminders;
};

G_DEFINE_FINAL_TYPE (FcRemindersPlan, fc_reminders_plan, G_TYPE_OBJECT)

/* The clock time each meal time reminds at: the app has no per-meal time
 * (a plan schedules meals on days, not hours), so these are the usual
 * hours, indexed by FcMealTime. */
static const struct {
  guint8 hour;
  guint8 minute;
} meal_clock[FC_N_MEAL_TIMES] = {
  [FC_MEAL_TIME_BREAKFAST] = { 8, 0 },
  [FC_MEAL_TIME_LUNCH] = { 12, 30 },
  [FC_MEAL_TIME_DINNER] = { 19, 0 },
  [FC_MEAL_TIME_SNACK] = { 16, 0 },
  [FC_MEAL_TIME_PRE_WORKOUT] = { 17, 0 },
  [FC_MEAL_TIME_POST_WORKOUT] = { 18, 30 },
};

static guint32
meals_on_date_cb (const GDate *date,
                  gpointer     user_data)
{
  FcRemindersPlan *self = user_data;
  guint32 mask = 0;

  for (guint i = 0; i < self->layouts->len; i++) {
    FcPlanLayout *layout = g_ptr_array_index (self->layouts, i);
    guint day = fc_plan_layout_day_for_date (layout, date);
    guint n = day > 0 ? fc_plan_layout_get_n_entries (layout, day) : 0;

    for (guint e = 0; e < n; e++) {
      const FcPlanEntry *entry = fc_plan_layout_get_entry (layout, day, e);

      if (entry->meal_time < FC_N_MEAL_TIMES)
        mask |= 1u << entry->meal_time;
    }
  }

  return mask;
}

static void load (FcRemindersPlan *self);

static void
list_meals_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcRemindersPlan) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) meals = fc_store_list_objects_finish (FC_STORE (object), result, &error);
  g_autoptr(JsonArray) plans = g_steal_pointer (&self->pending_plans);

  if (meals == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Cannot read the meals for the meal reminders: %s", error->message);
    return;
  }

  fc_reminders_plan_set_plans (self, plans, meals);
}

static void
list_plans_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcRemindersPlan) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) plans = fc_store_list_objects_finish (FC_STORE (object), result, &error);

  if (plans == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Cannot read the meal plans for the meal reminders: %s", error->message);
    return;
  }

  g_clear_pointer (&self->pending_plans, json_array_unref);
  self->pending_plans = g_steal_pointer (&plans);
  fc_store_list_objects_async (FC_STORE (object), FC_STORE_MEALS, self->cancellable,
                               list_meals_cb, g_object_ref (self));
}

static void
load (FcRemindersPlan *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->store == NULL) {
    fc_reminders_plan_set_plans (self, NULL, NULL);
    return;
  }

  fc_store_list_objects_async (self->store, FC_STORE_MEAL_PLANS, self->cancellable,
                               list_plans_cb, g_object_ref (self));
}

static void
on_store_changed_cb (FcRemindersPlan *self)
{
  load (self);
}

static void
fc_reminders_plan_dispose (GObject *object)
{
  FcRemindersPlan *self = (FcRemindersPlan *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->pending_plans, json_array_unref);
  g_clear_weak_pointer (&self->reminders);

  G_OBJECT_CLASS (fc_reminders_plan_parent_class)->dispose (object);
}

static void
fc_reminders_plan_finalize (GObject *object)
{
  FcRemindersPlan *self = (FcRemindersPlan *) object;

  g_clear_pointer (&self->layouts, g_ptr_array_unref);

  G_OBJECT_CLASS (fc_reminders_plan_parent_class)->finalize (object);
}

static void
fc_reminders_plan_class_init (FcRemindersPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_reminders_plan_dispose;
  object_class->finalize = fc_reminders_plan_finalize;
}

static void
fc_reminders_plan_init (FcRemindersPlan *self)
{
  self->layouts = g_ptr_array_new_with_free_func (g_object_unref);
}

FcRemindersPlan *
fc_reminders_plan_new (FcReminders *reminders)
{
  FcRemindersMeal meals[FC_N_MEAL_TIMES];
  FcRemindersPlan *self;

  g_return_val_if_fail (FC_IS_REMINDERS (reminders), NULL);

  self = g_object_new (FC_TYPE_REMINDERS_PLAN, NULL);
  g_set_weak_pointer (&self->reminders, reminders);

  for (guint i = 0; i < FC_N_MEAL_TIMES; i++) {
    meals[i].code = fc_meal_time_get_code ((FcMealTime) i);
    meals[i].label = fc_meal_time_get_label ((FcMealTime) i);
    meals[i].hour = meal_clock[i].hour;
    meals[i].minute = meal_clock[i].minute;
  }
  /* The reminders hold the plan's layouts through a reference, so either
   * may be dropped first. */
  fc_reminders_set_meals (reminders, meals, FC_N_MEAL_TIMES, meals_on_date_cb,
                          g_object_ref (self), g_object_unref);
  return self;
}

void
fc_reminders_plan_set_plans (FcRemindersPlan *self,
                             JsonArray       *plans,
                             JsonArray       *meals)
{
  guint n = plans != NULL ? json_array_get_length (plans) : 0;

  g_return_if_fail (FC_IS_REMINDERS_PLAN (self));

  g_ptr_array_set_size (self->layouts, 0);
  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (plans, i);
    JsonObject *plan;
    gboolean active = TRUE;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    plan = json_node_get_object (node);
    /* The server's default is active; a cancelled plan reminds no more. */
    fc_json_get_boolean (plan, "is_active", &active);
    if (active)
      g_ptr_array_add (self->layouts, fc_plan_layout_new (plan, meals));
  }

  if (self->reminders != NULL)
    fc_reminders_plan_changed (self->reminders);
}

void
fc_reminders_plan_get_clock (FcMealTime  meal_time,
                             guint8     *out_hour,
                             guint8     *out_minute)
{
  g_return_if_fail (meal_time < FC_N_MEAL_TIMES);

  *out_hour = meal_clock[meal_time].hour;
  *out_minute = meal_clock[meal_time].minute;
}

void
fc_reminders_plan_set_store (FcRemindersPlan *self,
                             FcStore         *store)
{
  g_return_if_fail (FC_IS_REMINDERS_PLAN (self));
  g_return_if_fail (store == NULL || FC_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL) {
    g_signal_connect_object (store, "changed::" FC_STORE_MEAL_PLANS,
                             G_CALLBACK (on_store_changed_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (store, "changed::" FC_STORE_MEALS,
                             G_CALLBACK (on_store_changed_cb), self, G_CONNECT_SWAPPED);
  }
  load (self);
}
