/* test-store-models.c — the list models follow the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-food-list-model.h"
#include "fc-outbox-model.h"
#include "store-test-util.h"

typedef struct {
  guint position;
  guint removed;
  guint added;
  guint count;
} Change;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->count++;
}

static void
wait_loaded (FcStoreModel *model)
{
  while (fc_store_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);
}

static void
test_food_model_follows_writes (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcFoodListModel) model = NULL;
  g_autoptr(FcOutboxItem) created = NULL;
  g_autoptr(FcOutboxItem) renamed = NULL;
  g_autoptr(FcFoodItem) item = NULL;
  Change change = { 0 };

  st_upsert (store, FC_STORE_FOODS,
             "[{\"id\":1,\"name\":\"Apple\"},{\"id\":2,\"name\":\"Banana\"},"
             "{\"id\":3,\"name\":\"Cherry\"}]");
  model = fc_food_list_model_new (store);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), &change);
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == FC_TYPE_FOOD_ITEM);
  change = (Change) { 0 };

  /* A food created offline shows up where it sorts, and only it is added. */
  created = st_create (store, FC_STORE_FOODS, "{\"name\":\"Blueberry\",\"calories\":57.0}");
  g_assert_true (fc_store_model_get_loading (FC_STORE_MODEL (model)));
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (change.count, ==, 1);
  g_assert_cmpuint (change.position, ==, 2);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (model), 2);
  g_assert_cmpstr (fc_food_item_get_name (item), ==, "Blueberry");
  g_assert_cmpint (fc_food_item_get_id (item), <, 0);
  g_assert_true (fc_food_item_get_dirty (item));
  g_assert_true (fc_food_item_get_is_own (item));
  g_clear_object (&item);

  /* An edit replaces that one row. */
  change = (Change) { 0 };
  renamed = st_update (store, FC_STORE_FOODS, 3, "{\"calories\":50.0}");
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (change.count, ==, 1);
  g_assert_cmpuint (change.position, ==, 3);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 1);

  /* Search narrows it. */
  change = (Change) { 0 };
  fc_food_list_model_set_query (model, "blue");
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_cmpuint (change.count, ==, 1);

  g_assert_finalize_object (g_steal_pointer (&model));
  st_close (g_steal_pointer (&store));
}


/* Foods named so that name order is id order: "Food 00000" … */
static void
upsert_numbered_foods (FcStore *store,
                       guint    first,
                       guint    n)
{
  g_autoptr(GString) json = g_string_new ("[");

  for (guint i = first; i < first + n; i++)
    g_string_append_printf (json, "%s{\"id\":%u,\"name\":\"Food %05u\",\"is_public\":true}",
                            i > first ? "," : "", i + 1, i);
  g_string_append_c (json, ']');
  st_upsert (store, FC_STORE_FOODS, json->str);
}

/* Issue 11: the list of every food is read in windows. Before, the model
 * held its whole answer (and listed only the first 200). */
static void
test_food_model_windows (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcFoodListModel) model = NULL;
  g_autoptr(FcFoodItem) far = NULL;
  g_autoptr(FcFoodItem) again = NULL;
  Change change = { 0 };
  guint n_windows = 0;
  guint n = 2000;

  upsert_numbered_foods (store, 0, n);
  model = fc_food_list_model_new (store);
  wait_loaded (FC_STORE_MODEL (model));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), &change);

  /* The count is the table's; only the first window is read. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n);
  g_assert_cmpuint (fc_store_model_get_n_cached (FC_STORE_MODEL (model), &n_windows), ==,
                    FC_STORE_MODEL_WINDOW);
  g_assert_cmpuint (n_windows, ==, 1);

  /* A row far down comes as a placeholder, then for real, told by
   * items-changed on its position. */
  far = g_list_model_get_item (G_LIST_MODEL (model), 1234);
  g_assert_nonnull (far);
  g_assert_cmpstr (fc_food_item_get_name (far), ==, "");
  while (change.count == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (change.position, ==, 1234);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 1);
  g_clear_object (&far);
  far = g_list_model_get_item (G_LIST_MODEL (model), 1234);
  g_assert_cmpstr (fc_food_item_get_name (far), ==, "Food 01234");
  again = g_list_model_get_item (G_LIST_MODEL (model), 1234);
  g_assert_true (again == far);
  g_clear_object (&again);
  /* Keyset and offset reads agree with the order. */
  again = g_list_model_get_item (G_LIST_MODEL (model), 1399);
  g_assert_cmpstr (fc_food_item_get_name (again), ==, "Food 01399");
  g_clear_object (&again);

  /* Walking the whole list keeps a few windows, not the table: only the
   * windows whose rows someone holds stay beyond those. */
  for (guint i = 0; i < n; i++) {
    g_autoptr(FcFoodItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

    g_assert_nonnull (item);
  }
  while (fc_store_model_get_n_cached (FC_STORE_MODEL (model), &n_windows) == 0 ||
         g_main_context_pending (NULL))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_windows, <=, 5);
  g_assert_cmpuint (fc_store_model_get_n_cached (FC_STORE_MODEL (model), NULL), <=,
                    5 * FC_STORE_MODEL_WINDOW);

  /* A food added before the row we hold: the held row is replaced in
   * place by the row now there, and the list grows at its end. */
  change = (Change) { 0 };
  g_clear_pointer (&far, g_object_unref);
  far = g_list_model_get_item (G_LIST_MODEL (model), 1234);
  while (g_main_context_pending (NULL) || fc_store_model_get_loading (FC_STORE_MODEL (model)))
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&far, g_object_unref);
  far = g_list_model_get_item (G_LIST_MODEL (model), 1234);
  g_assert_cmpstr (fc_food_item_get_name (far), ==, "Food 01234");
  change = (Change) { 0 };
  st_upsert (store, FC_STORE_FOODS, "[{\"id\":900000,\"name\":\"Food 00010a\"}]");
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n + 1);
  g_clear_pointer (&far, g_object_unref);
  far = g_list_model_get_item (G_LIST_MODEL (model), 1234);
  g_assert_cmpstr (fc_food_item_get_name (far), ==, "Food 01233");
  again = g_list_model_get_item (G_LIST_MODEL (model), n);
  g_assert_nonnull (again);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), n + 1));
  g_clear_object (&again);
  g_clear_object (&far);

  /* A category narrows the count as well. */
  fc_food_list_model_set_category (model, "XX");
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  fc_food_list_model_set_category (model, NULL);
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n + 1);

  g_assert_finalize_object (g_steal_pointer (&model));
  st_close (g_steal_pointer (&store));
}

static void
test_outbox_model_attention (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcOutboxModel) model = fc_outbox_model_new (store, TRUE);
  g_autoptr(FcOutboxItem) row = NULL;
  g_autoptr(FcOutboxItem) shown = NULL;
  Change change = { 0 };

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), &change);
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  row = st_save_profile (store, "{\"gender\":\"other\"}");
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  st_reject (store, fc_outbox_item_get_id (row), 400, "gender: \"other\" is not a valid choice.",
             NULL);
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (change.count, ==, 1);
  g_assert_cmpuint (change.added, ==, 1);
  shown = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (fc_outbox_item_get_error_message (shown), ==,
                   "gender: \"other\" is not a valid choice.");

  st_discard (store, fc_outbox_item_get_id (row));
  wait_loaded (FC_STORE_MODEL (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (change.count, ==, 2);
  g_assert_cmpuint (change.removed, ==, 1);

  g_assert_finalize_object (g_steal_pointer (&model));
  st_close (g_steal_pointer (&store));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/model/foods-follow-writes", test_food_model_follows_writes);
  g_test_add_func ("/store/model/foods-windows", test_food_model_windows);
  g_test_add_func ("/store/model/outbox-attention", test_outbox_model_attention);

  return g_test_run ();
}
