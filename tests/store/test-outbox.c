/* test-outbox.c — user writes, the outbox and local → server ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-json.h"
#include "fc-store.h"
#include "store-test-util.h"


#define FOOD_1 \
  "[{\"id\":1,\"name\":\"Banana\",\"description\":\"Fresh banana\",\"calories\":105.0," \
  "\"protein\":1.3,\"carbohydrates\":27.0,\"fat\":0.4,\"food_category\":\"FR\"," \
  "\"is_public\":true}]"

static void
assert_counts (FcStore *store,
               guint    pending,
               guint    rejected)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint p = G_MAXUINT, r = G_MAXUINT;

  fc_store_outbox_counts_async (store, NULL, st_result_cb, &result);
  g_assert_true (fc_store_outbox_counts_finish (store, st_wait (&result), &p, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (p, ==, pending);
  g_assert_cmpuint (r, ==, rejected);
}

static JsonObject *
body_of (FcOutboxItem *item)
{
  return st_object (fc_outbox_item_get_body (item));
}

static void
test_atomic_profile (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(JsonObject) server = st_object ("{\"id\":7,\"img\":null,\"age\":29,\"weight\":70.0,"
                                            "\"height\":178.0,\"gender\":\"male\","
                                            "\"fitness_goal\":\"Lose fat\"}");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = NULL;
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(JsonObject) body = NULL;

  fc_store_set_profile_async (store, server, NULL, st_result_cb, &result);
  g_assert_true (fc_store_set_profile_finish (store, st_wait (&result), &error));

  item = st_save_profile (store, "{\"weight\":72.5,\"fitness_goal\":\"Build muscle\"}");
  g_assert_cmpstr (fc_outbox_item_get_method (item), ==, "PATCH");
  g_assert_cmpstr (fc_outbox_item_get_path (item), ==, "auth/profile/");
  g_assert_true (g_uuid_string_is_valid (fc_outbox_item_get_idempotency_key (item)));
  g_assert_cmpint (fc_outbox_item_get_state (item), ==, FC_OUTBOX_STATE_PENDING);
  body = body_of (item);
  g_assert_cmpfloat (json_object_get_double_member (body, "weight"), ==, 72.5);
  g_assert_cmpuint (json_object_get_size (body), ==, 2);

  profile = st_get (store, FC_STORE_PROFILE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (profile, "id"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (profile, "age"), ==, 29);
  g_assert_cmpfloat (json_object_get_double_member (profile, "weight"), ==, 72.5);
  g_assert_cmpstr (json_object_get_string_member (profile, "fitness_goal"), ==, "Build muscle");
  g_assert_true (json_object_get_boolean_member (profile, "dirty"));

  /* The same file, seen from outside: both or neither. */
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM outbox WHERE resource = 'profile'"), ==, 1);

  /* A pull while the change is queued does not undo it. */
  g_clear_object (&result);
  fc_store_set_profile_async (store, server, NULL, st_result_cb, &result);
  g_assert_true (fc_store_set_profile_finish (store, st_wait (&result), &error));
  g_clear_pointer (&profile, json_object_unref);
  profile = st_get (store, FC_STORE_PROFILE, 0, &error);
  g_assert_cmpfloat (json_object_get_double_member (profile, "weight"), ==, 72.5);

  /* The server's answer is the truth once nothing else is queued. */
  g_assert_true (st_complete (store, fc_outbox_item_get_id (item),
                              "{\"id\":7,\"age\":29,\"weight\":72.5,\"height\":178.0,"
                              "\"gender\":\"male\",\"fitness_goal\":\"Build muscle\","
                              "\"img\":\"http://h/media/profile/a.png\"}", &error));
  g_assert_no_error (error);
  g_clear_pointer (&profile, json_object_unref);
  profile = st_get (store, FC_STORE_PROFILE, 0, &error);
  g_assert_false (json_object_get_boolean_member (profile, "dirty"));
  g_assert_cmpstr (json_object_get_string_member (profile, "img"), ==,
                   "http://h/media/profile/a.png");
  assert_counts (store, 0, 0);
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

static void
test_invalid_write_leaves_nothing (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = st_object ("{\"name\":\"Oats\",\"calories\":\"lots\"}");
  g_autoptr(FcOutboxItem) item = NULL;

  fc_store_create_async (store, FC_STORE_FOODS, fields, NULL, st_result_cb, &result);
  item = fc_store_create_finish (store, st_wait (&result), &error);
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID);
  g_assert_null (item);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM foods"), ==, 0);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM outbox"), ==, 0);

  /* Unknown objects are an error too, not a silent no-op. */
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_pointer (&fields, json_object_unref);
  fields = st_object ("{\"name\":\"X\"}");
  fc_store_update_async (store, FC_STORE_FOODS, 999, fields, NULL, st_result_cb, &result);
  item = fc_store_update_finish (store, st_wait (&result), &error);
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND);
  assert_counts (store, 0, 0);
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

static void
test_fifo (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GError) error = NULL;
  gint64 ids[4];

  st_upsert (store, FC_STORE_FOODS, FOOD_1);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++) {
    g_autofree char *json = g_strdup_printf ("{\"calories\":%u.0}", 100 + i);
    g_autoptr(FcOutboxItem) item = st_update (store, FC_STORE_FOODS, 1, json);

    ids[i] = fc_outbox_item_get_id (item);
    g_assert_cmpstr (fc_outbox_item_get_path (item), ==, "nutrition/foods/1/");
  }
  assert_counts (store, 4, 0);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++) {
    g_autoptr(FcOutboxItem) head = st_peek (store);
    g_autoptr(FcOutboxItem) again = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    g_assert_nonnull (head);
    g_assert_cmpint (fc_outbox_item_get_id (head), ==, ids[i]);

    fc_store_outbox_mark_sending_async (store, ids[i], NULL, st_result_cb, &result);
    g_assert_true (fc_store_outbox_mark_sending_finish (store, st_wait (&result), &error));
    again = st_peek (store);
    g_assert_cmpint (fc_outbox_item_get_id (again), ==, ids[i]);
    g_assert_cmpint (fc_outbox_item_get_state (again), ==, FC_OUTBOX_STATE_SENDING);
    g_assert_cmpuint (fc_outbox_item_get_attempts (again), ==, 1);

    g_assert_true (st_complete (store, ids[i], NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_null (st_peek (store));
  {
    g_autoptr(JsonObject) food = st_get (store, FC_STORE_FOODS, 1, &error);

    g_assert_cmpfloat (json_object_get_double_member (food, "calories"), ==, 103.0);
    g_assert_false (json_object_get_boolean_member (food, "dirty"));
  }
  st_close (g_steal_pointer (&store));
}

static void
test_waiting (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcOutboxItem) item = st_save_profile (store, "{\"age\":40}");
  g_autoptr(FcOutboxItem) head = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 when = g_get_real_time () + 30 * G_USEC_PER_SEC;

  fc_store_outbox_defer_async (store, fc_outbox_item_get_id (item), when, "Network unreachable",
                               NULL, st_result_cb, &result);
  g_assert_true (fc_store_outbox_defer_finish (store, st_wait (&result), &error));
  head = st_peek (store);
  g_assert_cmpint (fc_outbox_item_get_id (head), ==, fc_outbox_item_get_id (item));
  g_assert_cmpint (fc_outbox_item_get_state (head), ==, FC_OUTBOX_STATE_WAITING);
  g_assert_cmpint (fc_outbox_item_get_next_attempt (head), ==, when);
  g_assert_cmpstr (fc_outbox_item_get_error_message (head), ==, "Network unreachable");
  assert_counts (store, 1, 0);
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

static void
test_remap_local_ids (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) food = NULL;
  g_autoptr(FcOutboxItem) meal = NULL;
  g_autoptr(FcOutboxItem) rename = NULL;
  g_autoptr(FcOutboxItem) recount = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autofree char *meal_json = NULL;
  gint64 food_id, meal_id;
  const char *path;

  food = st_create (store, FC_STORE_FOODS,
                    "{\"name\":\"Protein Bar\",\"calories\":200.0,\"protein\":20.0,"
                    "\"carbohydrates\":22.0,\"fat\":7.0}");
  food_id = fc_outbox_item_get_object_id (food);
  g_assert_cmpint (food_id, <, 0);
  g_assert_cmpstr (fc_outbox_item_get_method (food), ==, "POST");
  g_assert_cmpstr (fc_outbox_item_get_path (food), ==, "nutrition/foods/");

  meal_json = g_strdup_printf ("{\"name\":\"Snack\",\"meal_time_category\":\"SN\","
                               "\"meal_items\":[{\"food\":%" G_GINT64_FORMAT
                               ",\"number_of_servings\":2}]}", food_id);
  meal = st_create (store, FC_STORE_MEALS, meal_json);
  meal_id = fc_outbox_item_get_object_id (meal);
  g_assert_cmpint (meal_id, <, 0);
  g_assert_cmpint (meal_id, !=, food_id);
  rename = st_update (store, FC_STORE_MEALS, meal_id, "{\"name\":\"Afternoon snack\"}");
  recount = st_update (store, FC_STORE_FOODS, food_id, "{\"calories\":210.0}");
  {
    g_autofree char *expected = g_strdup_printf ("nutrition/meals/%" G_GINT64_FORMAT "/", meal_id);

    g_assert_cmpstr (fc_outbox_item_get_path (rename), ==, expected);
  }

  /* The server creates the food as 501. */
  g_assert_true (st_complete (store, fc_outbox_item_get_id (food),
                              "{\"id\":501,\"name\":\"Protein Bar\",\"calories\":200.0,"
                              "\"protein\":20.0,\"carbohydrates\":22.0,\"fat\":7.0,"
                              "\"is_public\":false,\"user_added_detail\":null}", &error));
  g_assert_no_error (error);

  rows = st_outbox (store, FALSE);
  g_assert_cmpuint (rows->len, ==, 3);
  body = body_of (rows->pdata[0]);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     json_object_get_array_member (body, "meal_items"), 0), "food"), ==, 501);
  g_assert_cmpstr (fc_outbox_item_get_path (rows->pdata[2]), ==, "nutrition/foods/501/");
  g_assert_cmpint (fc_outbox_item_get_object_id (rows->pdata[2]), ==, 501);

  /* The food moved, with its search entry and the meal's reference. */
  stored = st_get (store, FC_STORE_FOODS, 501, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (json_object_get_double_member (stored, "calories"), ==, 210.0);
  g_assert_true (json_object_get_boolean_member (stored, "dirty"));
  g_clear_pointer (&stored, json_object_unref);
  stored = st_get (store, FC_STORE_FOODS, food_id, &error);
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) found = st_search (store, "protein b", NULL, 5, &error);

    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpint (fc_food_item_get_id (found->pdata[0]), ==, 501);
  }
  stored = st_get (store, FC_STORE_MEALS, meal_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     json_object_get_array_member (stored, "meal_items"), 0), "food"), ==, 501);
  g_clear_pointer (&stored, json_object_unref);

  /* Then the meal as 77: the queued rename follows it. */
  g_assert_true (st_complete (store, fc_outbox_item_get_id (meal),
                              "{\"id\":77,\"name\":\"Snack\",\"meal_time_category\":\"SN\","
                              "\"meal_items\":[{\"id\":9,\"meal\":77,\"food_detail\":{\"id\":501,"
                              "\"name\":\"Protein Bar\"},\"number_of_servings\":2.0}]}", &error));
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = st_outbox (store, FALSE);
  g_assert_cmpuint (rows->len, ==, 2);
  path = fc_outbox_item_get_path (rows->pdata[0]);
  g_assert_cmpstr (path, ==, "nutrition/meals/77/");
  stored = st_get (store, FC_STORE_MEALS, 77, &error);
  g_assert_no_error (error);
  /* The rename is still queued, so the local name stays. */
  g_assert_cmpstr (json_object_get_string_member (stored, "name"), ==, "Afternoon snack");
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM outbox_refs"), ==, 0);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM meal_items WHERE meal_id = 77 "
                               "AND food_id = 501"), ==, 1);
  st_close (g_steal_pointer (&store));
}

static void
test_meal_plan_schedule_kept (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) plan = NULL;
  g_autoptr(JsonObject) stored = NULL;
  JsonArray *schedule;

  st_upsert (store, FC_STORE_MEALS, "[{\"id\":3,\"name\":\"Oats\"},{\"id\":4,\"name\":\"Soup\"}]");
  plan = st_create (store, FC_STORE_MEAL_PLANS,
                    "{\"name\":\"Cut week 1\",\"goal\":\"WL\",\"duration_days\":7,"
                    "\"scheduled_meals_payload\":[{\"meal\":3,\"day_of_plan\":1},"
                    "{\"meal\":4,\"day_of_plan\":2}]}");
  /* The Django backend answers without scheduled_meals. */
  g_assert_true (st_complete (store, fc_outbox_item_get_id (plan),
                              "{\"id\":12,\"name\":\"Cut week 1\",\"goal\":\"WL\","
                              "\"duration_days\":7,\"is_active\":true}", &error));
  g_assert_no_error (error);
  stored = st_get (store, FC_STORE_MEAL_PLANS, 12, &error);
  g_assert_no_error (error);
  schedule = json_object_get_array_member (stored, "scheduled_meals");
  g_assert_cmpuint (json_array_get_length (schedule), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (schedule, 1),
                                               "day_of_plan"), ==, 2);
  st_close (g_steal_pointer (&store));
}

static void
test_reject_then_retry (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcOutboxItem) item = st_save_profile (store, "{\"age\":-3}");
  g_autoptr(FcOutboxItem) later = st_save_profile (store, "{\"height\":180.0}");
  g_autoptr(FcOutboxItem) head = NULL;
  g_autoptr(GPtrArray) attention = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(JsonObject) errors = NULL;
  g_autofree char *old_key = g_strdup (fc_outbox_item_get_idempotency_key (item));
  FcOutboxItem *row;

  st_reject (store, fc_outbox_item_get_id (item), 400, "age: Ensure this value is greater than "
             "or equal to 0.", "{\"age\":[\"Ensure this value is greater than or equal to 0.\"]}");

  /* Kept, visible, and out of the way of the next row. */
  head = st_peek (store);
  g_assert_cmpint (fc_outbox_item_get_id (head), ==, fc_outbox_item_get_id (later));
  attention = st_outbox (store, TRUE);
  g_assert_cmpuint (attention->len, ==, 1);
  row = attention->pdata[0];
  g_assert_cmpint (fc_outbox_item_get_state (row), ==, FC_OUTBOX_STATE_REJECTED);
  g_assert_cmpuint (fc_outbox_item_get_http_status (row), ==, 400);
  g_assert_true (g_str_has_prefix (fc_outbox_item_get_error_message (row), "age: Ensure"));
  errors = st_object (fc_outbox_item_get_field_errors (row));
  g_assert_true (json_object_has_member (errors, "age"));
  assert_counts (store, 1, 1);

  /* The user fixes the value: applied locally, resent under a new key. */
  st_retry (store, fc_outbox_item_get_id (item), "{\"age\":33}");
  g_clear_pointer (&attention, g_ptr_array_unref);
  attention = st_outbox (store, FALSE);
  row = attention->pdata[0];
  g_assert_cmpint (fc_outbox_item_get_state (row), ==, FC_OUTBOX_STATE_PENDING);
  g_assert_null (fc_outbox_item_get_error_message (row));
  g_assert_cmpstr (fc_outbox_item_get_body (row), ==, "{\"age\":33}");
  g_assert_cmpstr (fc_outbox_item_get_idempotency_key (row), !=, old_key);
  profile = st_get (store, FC_STORE_PROFILE, 0, &error);
  g_assert_cmpint (json_object_get_int_member (profile, "age"), ==, 33);
  assert_counts (store, 2, 0);
  st_close (g_steal_pointer (&store));
}

static void
test_discard_update_and_delete (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcOutboxItem) rename = NULL;
  g_autoptr(FcOutboxItem) removal = NULL;
  g_autoptr(JsonObject) food = NULL;
  g_autoptr(GError) error = NULL;

  st_upsert (store, FC_STORE_FOODS, FOOD_1);
  rename = st_update (store, FC_STORE_FOODS, 1, "{\"name\":\"Plantain\"}");
  st_reject (store, fc_outbox_item_get_id (rename), 403,
             "You do not have permission to perform this action.", NULL);
  st_discard (store, fc_outbox_item_get_id (rename));

  food = st_get (store, FC_STORE_FOODS, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (food, "name"), ==, "Banana");
  g_assert_false (json_object_get_boolean_member (food, "dirty"));
  g_clear_pointer (&food, json_object_unref);
  assert_counts (store, 0, 0);

  removal = st_delete (store, FC_STORE_FOODS, 1);
  g_assert_cmpstr (fc_outbox_item_get_method (removal), ==, "DELETE");
  g_assert_null (fc_outbox_item_get_body (removal));
  food = st_get (store, FC_STORE_FOODS, 1, &error);
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  st_reject (store, fc_outbox_item_get_id (removal), 404, "No Food matches the given query.",
             NULL);
  st_discard (store, fc_outbox_item_get_id (removal));
  food = st_get (store, FC_STORE_FOODS, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (food, "description"), ==, "Fresh banana");
  {
    g_autoptr(GPtrArray) found = st_search (store, "banan", NULL, 5, &error);

    g_assert_cmpuint (found->len, ==, 1);
  }
  assert_counts (store, 0, 0);
  st_close (g_steal_pointer (&store));
}

static void
test_discard_create_takes_dependents (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcOutboxItem) food = NULL;
  g_autoptr(FcOutboxItem) meal = NULL;
  g_autoptr(FcOutboxItem) other = NULL;
  g_autoptr(FcOutboxItem) head = NULL;
  g_autofree char *meal_json = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  food = st_create (store, FC_STORE_FOODS, "{\"name\":\"\",\"calories\":1.0}");
  meal_json = g_strdup_printf ("{\"name\":\"Lunch\",\"meal_items\":[{\"food\":%" G_GINT64_FORMAT
                               ",\"number_of_servings\":1}]}", fc_outbox_item_get_object_id (food));
  meal = st_create (store, FC_STORE_MEALS, meal_json);
  other = st_save_profile (store, "{\"age\":50}");

  st_reject (store, fc_outbox_item_get_id (food), 400, "name: This field may not be blank.",
             "{\"name\":[\"This field may not be blank.\"]}");
  /* The meal needs the rejected food: it waits; the profile goes ahead. */
  head = st_peek (store);
  g_assert_cmpint (fc_outbox_item_get_id (head), ==, fc_outbox_item_get_id (other));

  st_discard (store, fc_outbox_item_get_id (food));
  path = fc_store_get_path (store);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM meals"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM meal_items"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM outbox"), ==, 1);
  assert_counts (store, 1, 0);
  st_close (g_steal_pointer (&store));
}

static void
test_complete_errors (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcOutboxItem) food = st_create (store, FC_STORE_FOODS, "{\"name\":\"Kale\"}");
  g_autoptr(GError) error = NULL;

  /* A create answered without an id changes nothing. */
  g_assert_false (st_complete (store, fc_outbox_item_get_id (food), "{\"name\":\"Kale\"}",
                               &error));
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (st_complete (store, 12345, NULL, &error));
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND);
  assert_counts (store, 1, 0);
  st_close (g_steal_pointer (&store));
}

static void
test_pull_keeps_local_changes (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcOutboxItem) removal = NULL;
  g_autoptr(FcOutboxItem) rename = NULL;
  g_autoptr(FcOutboxItem) created = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  const char *path;
  gint64 one = 1;

  st_upsert (store, FC_STORE_FOODS,
             "[{\"id\":1,\"name\":\"Apple\"},{\"id\":2,\"name\":\"Pear\"},"
             "{\"id\":3,\"name\":\"Plum\"},{\"id\":4,\"name\":\"Fig\"}]");
  removal = st_delete (store, FC_STORE_FOODS, 4);
  rename = st_update (store, FC_STORE_FOODS, 3, "{\"name\":\"Damson\"}");
  created = st_create (store, FC_STORE_FOODS, "{\"name\":\"Quince\"}");

  /* A pull that still has the deleted and the renamed food changes neither. */
  st_upsert (store, FC_STORE_FOODS,
             "[{\"id\":3,\"name\":\"Plum\"},{\"id\":4,\"name\":\"Fig\"}]");
  path = fc_store_get_path (store);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE id = 4"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE name = 'Damson'"), ==, 1);

  /* The server now has food 1 only: 2 goes; 3 (changed here) and the
   * unsent local food stay. */
  g_array_append_val (ids, one);
  fc_store_remove_missing_async (store, FC_STORE_FOODS, ids, NULL, st_result_cb, &result);
  g_assert_true (fc_store_remove_missing_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
  {
    g_autofree char *left = st_sql_text (path, "SELECT group_concat(name, ',') FROM "
                                               "(SELECT name FROM foods ORDER BY name)");

    g_assert_cmpstr (left, ==, "Apple,Damson,Quince");
  }
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

static void
test_pull_meal_items (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) meal = NULL;
  JsonArray *items;

  st_upsert (store, FC_STORE_MEALS,
             "[{\"id\":5,\"name\":\"Lunch\",\"meal_items\":[{\"id\":1,\"meal\":5,"
             "\"food_detail\":{\"id\":9,\"name\":\"Greek Yogurt\"},"
             "\"number_of_servings\":0.5}]}]");
  /* Same meal row, other items: the items still follow the server. */
  st_upsert (store, FC_STORE_MEALS,
             "[{\"id\":5,\"name\":\"Lunch\",\"meal_items\":[{\"id\":2,\"meal\":5,"
             "\"food_detail\":{\"id\":10,\"name\":\"Oats\"},\"number_of_servings\":1.0},"
             "{\"id\":3,\"meal\":5,\"food_detail\":{\"id\":9,\"name\":\"Greek Yogurt\"},"
             "\"number_of_servings\":2.0}]}]");
  meal = st_get (store, FC_STORE_MEALS, 5, &error);
  g_assert_no_error (error);
  items = json_object_get_array_member (meal, "meal_items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "food"),
                   ==, 10);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM foods WHERE id IN (9, 10)"), ==, 2);
  st_close (g_steal_pointer (&store));
}

/* A store past its connection's first write (SQLite's own FULL commit),
 * whose outbox row is dropped again. */
static FcStore *
open_past_first_write (void)
{
  FcStore *store = st_open ();
  g_autoptr(FcOutboxItem) first = st_create (store, FC_STORE_FOODS,
                                             "{\"name\":\"First\",\"calories\":1}");

  st_discard (store, fc_outbox_item_get_id (first));
  return store;
}

static void
on_outbox_changed_cb (FcStore    *store,
                      const char *resource,
                      guint      *count)
{
  (*count)++;
}

/* A user's write is answered once its WAL is flushed, by the store's own
 * fdatasync() of the -wal file (the connection's first write is FULL,
 * SQLite's own). */
static void
test_durable_write_flushed (void)
{
  g_autoptr(FcStore) store = open_past_first_write ();
  g_autofree char *wal = g_strconcat (fc_store_get_path (store), "-wal", NULL);
  guint before;

  st_flushes_watch (FALSE);
  before = st_flushes_count (wal);
  for (guint i = 0; i < 3; i++) {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"Food %u\",\"calories\":%u}", i, i);
    g_autoptr(FcOutboxItem) item = st_create (store, FC_STORE_FOODS, json);

    /* Answered: flushed already, one flush per write. */
    g_assert_cmpuint (st_flushes_count (wal), ==, before + i + 1);
  }
  st_flushes_unwatch ();
}

/* While a write's flush is held, its changes are announced and the next
 * job (the sync engine claiming the row to send it) is answered: the
 * request goes out while the disk flushes. The write's own answer waits
 * for the flush. */
static void
test_durable_write_announced_before_flush (void)
{
  g_autoptr(FcStore) store = open_past_first_write ();
  g_autoptr(JsonObject) fields = st_object ("{\"name\":\"Held\",\"calories\":5}");
  g_autoptr(FcOutboxItem) claimed = NULL;
  g_autoptr(FcOutboxItem) created = NULL;
  g_autoptr(GAsyncResult) write_result = NULL;
  g_autoptr(GAsyncResult) claim_result = NULL;
  g_autoptr(GError) error = NULL;
  guint announced = 0;
  gint64 deadline;

  g_signal_connect (store, "changed::" FC_STORE_OUTBOX_QUEUED, G_CALLBACK (on_outbox_changed_cb),
                    &announced);

  st_flushes_watch (TRUE);
  fc_store_create_async (store, FC_STORE_FOODS, fields, NULL, st_result_cb, &write_result);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (announced == 0 && g_get_monotonic_time () < deadline) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  }
  g_assert_cmpuint (announced, >, 0);

  fc_store_outbox_claim_async (store, 0, NULL, st_result_cb, &claim_result);
  claimed = fc_store_outbox_claim_finish (store, st_wait (&claim_result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (claimed);
  g_assert_cmpstr (fc_outbox_item_get_method (claimed), ==, "POST");
  g_assert_cmpint (fc_outbox_item_get_state (claimed), ==, FC_OUTBOX_STATE_SENDING);
  /* The flush is still held, and the write not answered. */
  g_assert_cmpuint (st_flushes_count (NULL), ==, 0);
  g_assert_null (write_result);

  st_flushes_release ();
  created = fc_store_create_finish (store, st_wait (&write_result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (fc_outbox_item_get_id (created), ==, fc_outbox_item_get_id (claimed));
  g_assert_cmpuint (st_flushes_count (NULL), ==, 1);
  st_flushes_unwatch ();
}

/* A flush the disk refuses is an error for the write, not a success. */
static void
test_durable_write_flush_fails (void)
{
  g_autoptr(FcStore) store = open_past_first_write ();
  g_autoptr(JsonObject) fields = st_object ("{\"name\":\"Lost?\",\"calories\":5}");
  g_autoptr(FcOutboxItem) item = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  st_flushes_watch (FALSE);
  st_flushes_fail ();
  fc_store_create_async (store, FC_STORE_FOODS, fields, NULL, st_result_cb, &result);
  item = fc_store_create_finish (store, st_wait (&result), &error);
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_FAILED);
  g_assert_null (item);
  st_flushes_unwatch ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/outbox/atomic-profile", test_atomic_profile);
  g_test_add_func ("/store/outbox/durable-write-flushed", test_durable_write_flushed);
  g_test_add_func ("/store/outbox/durable-write-announced-before-flush",
                   test_durable_write_announced_before_flush);
  g_test_add_func ("/store/outbox/durable-write-flush-fails", test_durable_write_flush_fails);
  g_test_add_func ("/store/outbox/invalid-write", test_invalid_write_leaves_nothing);
  g_test_add_func ("/store/outbox/fifo", test_fifo);
  g_test_add_func ("/store/outbox/waiting", test_waiting);
  g_test_add_func ("/store/outbox/remap-local-ids", test_remap_local_ids);
  g_test_add_func ("/store/outbox/meal-plan-schedule", test_meal_plan_schedule_kept);
  g_test_add_func ("/store/outbox/reject-then-retry", test_reject_then_retry);
  g_test_add_func ("/store/outbox/discard-update-and-delete", test_discard_update_and_delete);
  g_test_add_func ("/store/outbox/discard-create", test_discard_create_takes_dependents);
  g_test_add_func ("/store/outbox/complete-errors", test_complete_errors);
  g_test_add_func ("/store/pull/keeps-local-changes", test_pull_keeps_local_changes);
  g_test_add_func ("/store/pull/meal-items", test_pull_meal_items);

  return g_test_run ();
}
