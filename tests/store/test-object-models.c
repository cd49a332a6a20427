/* test-object-models.c — the meal and meal plan list models follow the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-meal-list-model.h"
#include "fc-plan-list-model.h"
#include "store-test-util.h"

static void
wait_loaded (FcStoreModel *model)
{
  while (fc_store_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);
}

static guint n_changes;

static void
on_items_changed_cb (void)
{
  n_changes++;
}

static gpointer
item_with_id (GListModel *model,
              gint64      id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++) {
    g_autoptr(FcObjectItem) item = g_list_model_get_item (model, i);

    if (fc_object_item_get_id (item) == id)
      return g_steal_pointer (&item);
  }
  return NULL;
}

static void
test_meal_model (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcMealListModel) model = NULL;
  g_autoptr(FcOutboxItem) created = NULL;
  g_autoptr(FcOutboxItem) deleted = NULL;
  g_autoptr(FcMealItem) lunch = NULL;
  g_autoptr(FcMealItem) oats = NULL;
  g_autoptr(FcMealItem) made = NULL;
  double calories = 0;

  st_upsert (store, FC_STORE_FOODS, "[{\"id\":1,\"name\":\"Banana\",\"calories\":105.0}]");
  st_upsert (store, FC_STORE_MEALS,
             "[{\"id\":1,\"name\":\"Lunch\",\"meal_time_category\":\"LN\",\"is_template\":false,"
             "\"total_calories\":210.0,\"meal_items\":[{\"food\":1,\"number_of_servings\":2.0}]},"
             "{\"id\":2,\"name\":\"Oats\",\"meal_time_category\":\"BF\",\"is_template\":true,"
             "\"meal_items\":[]}]");
  model = fc_meal_list_model_new (store);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), NULL);
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == FC_TYPE_MEAL_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);

  lunch = item_with_id (G_LIST_MODEL (model), 1);
  oats = item_with_id (G_LIST_MODEL (model), 2);
  g_assert_nonnull (lunch);
  g_assert_nonnull (oats);
  g_assert_cmpstr (fc_object_item_get_name (FC_OBJECT_ITEM (lunch)), ==, "Lunch");
  g_assert_cmpstr (fc_meal_item_get_meal_time_category (lunch), ==, "LN");
  g_assert_false (fc_meal_item_get_is_template (lunch));
  g_assert_true (fc_meal_item_get_is_template (oats));
  g_assert_cmpuint (fc_meal_item_get_n_items (lunch), ==, 1);
  g_assert_true (fc_meal_item_get_total_calories (lunch, &calories));
  g_assert_cmpfloat (calories, ==, 210.0);

  /* A meal made offline is the user's, waiting, with no server total yet. */
  n_changes = 0;
  created = st_create (store, FC_STORE_MEALS,
                       "{\"name\":\"Snack\",\"meal_items\":[{\"food\":1,"
                       "\"number_of_servings\":1.0}]}");
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  made = item_with_id (G_LIST_MODEL (model), fc_outbox_item_get_object_id (created));
  g_assert_nonnull (made);
  g_assert_true (fc_object_item_get_dirty (FC_OBJECT_ITEM (made)));
  g_assert_true (fc_meal_item_get_is_own (made));
  g_assert_false (fc_meal_item_get_total_calories (made, &calories));

  /* A delete takes the row out; the unchanged rows keep their objects. */
  deleted = st_delete (store, FC_STORE_MEALS, 2);
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_null (item_with_id (G_LIST_MODEL (model), 2));
  {
    g_autoptr(FcMealItem) again = item_with_id (G_LIST_MODEL (model), 1);

    g_assert_true (fc_object_item_equal (again, lunch));
  }
}

static void
test_plan_model (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcPlanListModel) model = NULL;
  g_autoptr(FcOutboxItem) cancelled = NULL;
  g_autoptr(FcPlanItem) week = NULL;
  g_autoptr(FcPlanItem) gallery = NULL;
  g_autoptr(FcPlanItem) after = NULL;

  st_upsert (store, FC_STORE_MEAL_PLANS,
             "[{\"id\":7,\"name\":\"Week\",\"goal\":\"WL\",\"duration_days\":7,"
             "\"scheduled_meals\":[]},"
             "{\"id\":8,\"name\":\"Gallery\",\"is_template\":true,\"is_active\":true,"
             "\"is_ai_generated\":true,\"scheduled_meals\":[]}]");
  model = fc_plan_list_model_new (store);
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == FC_TYPE_PLAN_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);

  week = item_with_id (G_LIST_MODEL (model), 7);
  gallery = item_with_id (G_LIST_MODEL (model), 8);
  /* A plan that does not say is active, as the wire's default. */
  g_assert_true (fc_plan_item_get_is_active (week));
  g_assert_false (fc_plan_item_get_is_template (week));
  g_assert_false (fc_plan_item_get_is_ai_generated (week));
  g_assert_true (fc_plan_item_get_is_template (gallery));
  g_assert_true (fc_plan_item_get_is_ai_generated (gallery));

  /* Cancelling is an edit: the row is replaced by one that says so. */
  cancelled = st_update (store, FC_STORE_MEAL_PLANS, 7, "{\"is_active\":false}");
  wait_loaded (FC_STORE_MODEL (model));
  after = item_with_id (G_LIST_MODEL (model), 7);
  g_assert_nonnull (after);
  g_assert_true (after != week);
  g_assert_false (fc_plan_item_get_is_active (after));
  g_assert_true (fc_object_item_get_dirty (FC_OBJECT_ITEM (after)));
  g_assert_cmpstr (fc_object_item_get_name (FC_OBJECT_ITEM (after)), ==, "Week");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/model/meals", test_meal_model);
  g_test_add_func ("/store/model/meal-plans", test_plan_model);

  return g_test_run ();
}
