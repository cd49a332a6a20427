/* fc-meal-list-model.c — the meals in the store, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-meal-list-model"

#include "config.h"

#include "fc-meal-list-model.h"

struct _FcMealListModel
{
  FcStoreModel parent_instance;
};

G_DEFINE_FINAL_TYPE (FcMealListModel, fc_meal_list_model, FC_TYPE_STORE_MODEL)

static void
objects_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonArray) meals = NULL;
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;

  meals = fc_store_list_objects_finish (FC_STORE (object), result, &error);
  if (meals == NULL) {
    g_task_return_error (task, error);
    return;
  }

  items = g_ptr_array_new_full (json_array_get_length (meals), g_object_unref);
  for (guint i = 0; i < json_array_get_length (meals); i++) {
    JsonObject *meal = json_array_get_object_element (meals, i);

    if (meal != NULL)
      g_ptr_array_add (items, fc_meal_new (meal));
  }
  g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
}

static void
fc_meal_list_model_query_async (FcStoreModel        *model,
                                FcStore             *store,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  /* FcStoreModel finishes with the store as the source object. */
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, fc_meal_list_model_query_async);
  fc_store_list_objects_async (store, FC_STORE_MEALS, cancellable, objects_listed_cb,
                               g_steal_pointer (&task));
}

static GPtrArray *
fc_meal_list_model_query_finish (FcStoreModel  *model,
                                 FcStore       *store,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
meal_equal (gpointer a,
            gpointer b)
{
  return fc_meal_equal (a, b);
}

static void
fc_meal_list_model_class_init (FcMealListModelClass *klass)
{
  FcStoreModelClass *model_class = FC_STORE_MODEL_CLASS (klass);

  model_class->resource = FC_STORE_MEALS;
  model_class->item_type = FC_TYPE_MEAL;
  model_class->query_async = fc_meal_list_model_query_async;
  model_class->query_finish = fc_meal_list_model_query_finish;
  model_class->equal = meal_equal;
}

static void
fc_meal_list_model_init (FcMealListModel *self)
{
}

FcMealListModel *
fc_meal_list_model_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);

  return g_object_new (FC_TYPE_MEAL_LIST_MODEL, "store", store, NULL);
}
