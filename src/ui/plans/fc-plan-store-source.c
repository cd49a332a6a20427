/* fc-plan-store-source.c — a user's own plan, read from the store and written through its outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-store-source"

#include "config.h"

#include "fc-plan-store-source.h"

#include "fc-object-item.h"

struct _FcPlanStoreSource
{
  GObject     parent_instance;

  /* Owned */
  FcStore    *store;
  GListModel *plans;
  GListModel *meals;
  gint64      plan_id;
};

static void fc_plan_store_source_iface_init (FcPlanSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FcPlanStoreSource, fc_plan_store_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FC_TYPE_PLAN_SOURCE,
                                                      fc_plan_store_source_iface_init))

static void
on_model_changed_cb (FcPlanStoreSource *self)
{
  fc_plan_source_emit_changed (FC_PLAN_SOURCE (self));
}

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcPlanStoreSource) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = fc_store_update_finish (FC_STORE (source), result, &error);

  if (item == NULL)
    fc_plan_source_emit_failed (FC_PLAN_SOURCE (self), error->message);
}

/* The plan's object, borrowed from the model's item (the model keeps its
 * reference); NULL when the model has no such plan. */
static JsonObject *
store_source_get_plan (FcPlanSource *source)
{
  FcPlanStoreSource *self = FC_PLAN_STORE_SOURCE (source);
  guint n = g_list_model_get_n_items (self->plans);

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcObjectItem) plan = g_list_model_get_item (self->plans, i);

    if (fc_object_item_get_id (plan) == self->plan_id)
      return fc_object_item_get_object (plan);
  }
  return NULL;
}

static JsonArray *
store_source_dup_meals (FcPlanSource *source)
{
  FcPlanStoreSource *self = FC_PLAN_STORE_SOURCE (source);
  JsonArray *meals = json_array_new ();
  guint n = g_list_model_get_n_items (self->meals);

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcObjectItem) meal = g_list_model_get_item (self->meals, i);

    json_array_add_object_element (meals, json_object_ref (fc_object_item_get_object (meal)));
  }
  return meals;
}

static void
store_source_write_schedule (FcPlanSource *source,
                             JsonArray    *payload)
{
  FcPlanStoreSource *self = FC_PLAN_STORE_SOURCE (source);
  g_autoptr(JsonObject) clear = json_object_new ();
  g_autoptr(JsonObject) changes = json_object_new ();

  /* The Django backend adds the new rows before it drops the old ones, and
   * answers 500 to a pair (meal, day) the plan already has (wire file §4.5):
   * so the schedule is cleared first, then written whole. Both rows queue
   * in order, offline too; the store reads in between see the final one,
   * since its jobs run in call order. */
  json_object_set_array_member (clear, "scheduled_meals_payload", json_array_new ());
  fc_store_update_async (self->store, FC_STORE_MEAL_PLANS, self->plan_id, clear, NULL,
                         on_written_cb, g_object_ref (self));
  json_object_set_array_member (changes, "scheduled_meals_payload", json_array_ref (payload));
  fc_store_update_async (self->store, FC_STORE_MEAL_PLANS, self->plan_id, changes, NULL,
                         on_written_cb, g_object_ref (self));
}

static void
fc_plan_store_source_iface_init (FcPlanSourceInterface *iface)
{
  iface->get_plan = store_source_get_plan;
  iface->dup_meals = store_source_dup_meals;
  iface->write_schedule = store_source_write_schedule;
}

static void
fc_plan_store_source_dispose (GObject *object)
{
  FcPlanStoreSource *self = FC_PLAN_STORE_SOURCE (object);

  if (self->plans != NULL)
    g_signal_handlers_disconnect_by_data (self->plans, self);
  if (self->meals != NULL)
    g_signal_handlers_disconnect_by_data (self->meals, self);
  g_clear_object (&self->store);
  g_clear_object (&self->plans);
  g_clear_object (&self->meals);

  G_OBJECT_CLASS (fc_plan_store_source_parent_class)->dispose (object);
}

static void
fc_plan_store_source_class_init (FcPlanStoreSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fc_plan_store_source_dispose;
}

static void
fc_plan_store_source_init (FcPlanStoreSource *self)
{
}

FcPlanStoreSource *
fc_plan_store_source_new (FcStore    *store,
                          GListModel *plans,
                          GListModel *meals,
                          gint64      plan_id)
{
  FcPlanStoreSource *self;

  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (plans), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (meals), NULL);

  self = g_object_new (FC_TYPE_PLAN_STORE_SOURCE, NULL);
  self->store = g_object_ref (store);
  self->plans = g_object_ref (plans);
  self->meals = g_object_ref (meals);
  self->plan_id = plan_id;
  g_signal_connect_object (plans, "items-changed", G_CALLBACK (on_model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (meals, "items-changed", G_CALLBACK (on_model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

gint64
fc_plan_store_source_get_plan_id (FcPlanStoreSource *self)
{
  g_return_val_if_fail (FC_IS_PLAN_STORE_SOURCE (self), 0);

  return self->plan_id;
}
