/* test-store-workouts.c — workouts, categories and progress in the store,
 * with the real demo server's data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pages come from a real `fitcore-server --demo` (read with the demo
 * user's token) and go into the store as the sync engine puts them; the
 * list model and the progress writes are then checked against them.
 */

#include "config.h"

#include "fc-json.h"
#include "fc-test-server.h"
#include "fc-workout-list-model.h"
#include "store-test-util.h"

#define DEMO_EMAIL "demo@fitcore.local"
#define DEMO_PASSWORD "fitcore-demo"
#define TEST_CONFIG "[server]\npassword_iterations=1000\n"

typedef struct {
  FcTestServer *server;
  char         *token;
  JsonArray    *workouts;    /* the server's page, as sent */
  FcStore      *store;
} Fixture;

static JsonArray *
fetch_results (Fixture    *fixture,
               const char *path)
{
  g_autoptr(FcTestResponse) response = fc_test_request (fixture->server, "GET", path,
                                                        fixture->token, NULL);
  JsonArray *results;

  g_assert_cmpuint (response->status, ==, 200);
  results = fc_json_get_array (fc_test_response_object (response), "results");
  g_assert_nonnull (results);
  return json_array_ref (results);
}

static void
upsert (FcStore    *store,
        const char *resource,
        JsonArray  *page)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_store_upsert_async (store, resource, page, NULL, st_result_cb, &result);
  g_assert_true (fc_store_upsert_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(JsonArray) categories = NULL;

  fixture->server = fc_test_server_start (TEST_CONFIG, args);
  fixture->token = fc_test_login (fixture->server, DEMO_EMAIL, DEMO_PASSWORD, NULL);
  fixture->workouts = fetch_results (fixture, "/api/v1/workouts/workouts/?page_size=100");
  categories = fetch_results (fixture, "/api/v1/workouts/categories/?page_size=100");
  fixture->store = st_open ();
  upsert (fixture->store, FC_STORE_WORKOUT_CATEGORIES, categories);
  upsert (fixture->store, FC_STORE_WORKOUTS, fixture->workouts);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint pending = 0, rejected = 0;

  /* Jobs answer in order: once this one has, every cancelled query of the
   * models has given back its reference. */
  fc_store_outbox_counts_async (fixture->store, NULL, st_result_cb, &result);
  fc_store_outbox_counts_finish (fixture->store, st_wait (&result), &pending, &rejected, NULL);
  g_clear_object (&result);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  st_close (fixture->store);
  g_clear_pointer (&fixture->workouts, json_array_unref);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&fixture->server, fc_test_server_free);
}

static JsonArray *
list_objects (FcStore    *store,
              const char *resource)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  fc_store_list_objects_async (store, resource, NULL, st_result_cb, &result);
  array = fc_store_list_objects_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return array;
}

static char *
to_text (JsonNode *node)
{
  return fc_json_to_string (node, FALSE);
}

/* Every workout lands, in the server's order, with its videos whole and in
 * their order (the files, sizes and checksums the downloads rely on). */
static void
test_pull_lands (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonArray) stored = list_objects (fixture->store, FC_STORE_WORKOUTS);
  g_autoptr(JsonArray) categories = list_objects (fixture->store, FC_STORE_WORKOUT_CATEGORIES);
  guint n = json_array_get_length (fixture->workouts);

  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpuint (json_array_get_length (stored), ==, n);
  g_assert_cmpuint (json_array_get_length (categories), ==, 3);
  g_assert_cmpstr (fc_json_get_string (json_array_get_object_element (categories, 0), "name"),
                   ==, "Cardio");

  for (guint i = 0; i < n; i++) {
    JsonObject *wire = json_array_get_object_element (fixture->workouts, i);
    JsonObject *mine = json_array_get_object_element (stored, i);
    JsonArray *videos = fc_json_get_array (mine, "videos");
    g_autofree char *wire_videos = to_text (json_object_get_member (wire, "videos"));
    g_autofree char *my_videos = to_text (json_object_get_member (mine, "videos"));
    g_autofree char *wire_goals = to_text (json_object_get_member (wire, "goals"));
    g_autofree char *my_goals = to_text (json_object_get_member (mine, "goals"));
    gint64 wire_id = 0, my_id = 0, previous = -1;

    g_assert_true (fc_json_get_int (wire, "id", &wire_id));
    g_assert_true (fc_json_get_int (mine, "id", &my_id));
    g_assert_cmpint (my_id, ==, wire_id);
    g_assert_cmpstr (fc_json_get_string (mine, "title"), ==, fc_json_get_string (wire, "title"));
    g_assert_cmpstr (fc_json_get_string (mine, "thumbnail"), ==,
                     fc_json_get_string (wire, "thumbnail"));
    g_assert_cmpstr (my_videos, ==, wire_videos);
    g_assert_cmpstr (my_goals, ==, wire_goals);
    g_assert_nonnull (videos);
    g_assert_cmpuint (json_array_get_length (videos), >=, 2);
    for (guint j = 0; j < json_array_get_length (videos); j++) {
      gint64 order = -1;

      g_assert_true (fc_json_get_int (json_array_get_object_element (videos, j), "order_index",
                                      &order));
      g_assert_cmpint (order, >, previous);
      previous = order;
    }
  }
  /* The demo user has no premium: a premium workout's paid videos are locked. */
  g_assert_cmpint (st_sql_int (fc_store_get_path (fixture->store),
                               "SELECT count(*) FROM workouts w, json_each(w.videos) v "
                               "WHERE json_extract(v.value, '$.locked') = 1"), ==, 5);
}

static void
wait_loaded (FcStoreModel *model)
{
  while (fc_store_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);
}

static char *
titles (FcWorkoutListModel *model)
{
  g_autoptr(GString) text = g_string_new (NULL);

  wait_loaded (FC_STORE_MODEL (model));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++) {
    g_autoptr(FcWorkoutItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

    if (i > 0)
      g_string_append (text, "|");
    g_string_append (text, fc_workout_item_get_title (item));
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

#define assert_titles(model, expected) G_STMT_START {  \
    g_autofree char *got_ = titles (model);           \
    g_assert_cmpstr (got_, ==, expected);             \
  } G_STMT_END

static void
test_model_filters (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FcWorkoutListModel) model = fc_workout_list_model_new (fixture->store);
  g_autoptr(FcWorkoutItem) item = NULL;

  assert_titles (model, "Yoga Flow|Morning Mobility|HIIT Burner|Cardio Kickstart|"
                        "Upper-Body Power|Full-Body Strength Basics");

  item = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpint (fc_workout_item_get_category_id (item), ==, 3);
  g_assert_cmpstr (fc_workout_item_get_category_name (item), ==, "Mobility & Yoga");
  g_assert_cmpstr (fc_workout_item_get_difficulty (item), ==, "intermediate");
  g_assert_cmpuint (fc_workout_item_get_video_count (item), ==, 2);
  g_assert_cmpstr (fc_workout_item_get_goals (item)[1], ==, "Balance");
  g_assert_false (fc_workout_item_get_is_premium (item));
  g_assert_cmpfloat (fc_workout_item_get_progress (item), ==, 0);
  g_assert_true (g_str_has_suffix (fc_workout_item_get_thumbnail_url (item), "/yoga-flow.png"));

  /* Title, description and goals; any case; every word must match. */
  fc_workout_list_model_set_search (model, "YOGA");
  assert_titles (model, "Yoga Flow");
  fc_workout_list_model_set_search (model, "muscle");
  assert_titles (model, "Upper-Body Power|Full-Body Strength Basics");
  fc_workout_list_model_set_search (model, "lose  weight");
  assert_titles (model, "HIIT Burner|Cardio Kickstart");
  fc_workout_list_model_set_search (model, "no such workout");
  assert_titles (model, "");
  fc_workout_list_model_set_search (model, "");
  assert_titles (model, "Yoga Flow|Morning Mobility|HIIT Burner|Cardio Kickstart|"
                        "Upper-Body Power|Full-Body Strength Basics");

  fc_workout_list_model_set_category_id (model, 2);
  assert_titles (model, "HIIT Burner|Cardio Kickstart");
  fc_workout_list_model_set_premium (model, FC_WORKOUT_PREMIUM_FREE);
  assert_titles (model, "Cardio Kickstart");
  fc_workout_list_model_set_category_id (model, 0);
  assert_titles (model, "Yoga Flow|Morning Mobility|Cardio Kickstart|Full-Body Strength Basics");
  fc_workout_list_model_set_premium (model, FC_WORKOUT_PREMIUM_ONLY);
  assert_titles (model, "HIIT Burner|Upper-Body Power");
  fc_workout_list_model_set_premium (model, FC_WORKOUT_PREMIUM_ANY);
  fc_workout_list_model_set_difficulty (model, "beginner");
  assert_titles (model, "Morning Mobility|Cardio Kickstart|Full-Body Strength Basics");
  fc_workout_list_model_set_difficulty (model, "advanced");
  assert_titles (model, "Upper-Body Power");
  fc_workout_list_model_set_difficulty (model, NULL);
  fc_workout_list_model_set_search (model, "flexibility");
  assert_titles (model, "Yoga Flow|Morning Mobility");
}

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

static FcOutboxItem *
save_progress (FcStore *store,
               gint64   workout,
               double   percentage,
               gint64   video,
               double   position)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcOutboxItem *item;

  fc_store_save_workout_progress_async (store, workout, percentage, video, position, NULL,
                                        st_result_cb, &result);
  item = fc_store_save_workout_progress_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (FC_IS_OUTBOX_ITEM (item));
  return item;
}

typedef struct {
  guint left;
} Batch;

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = NULL;

  item = fc_store_save_workout_progress_finish (FC_STORE (source), result, &error);
  g_assert_no_error (error);
  batch->left--;
}

static JsonObject *
body_of (FcOutboxItem *item)
{
  return st_object (fc_outbox_item_get_body (item));
}

/* 100 saves while nothing is sent make one POST with the last values; the
 * list shows them at once; a save after the row went out queues a PATCH. */
static void
test_progress_coalesced (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(FcWorkoutListModel) model = fc_workout_list_model_new (fixture->store);
  g_autoptr(FcOutboxItem) last = NULL;
  g_autoptr(FcOutboxItem) patch = NULL;
  g_autoptr(FcOutboxItem) again = NULL;
  g_autoptr(FcOutboxItem) claimed = NULL;
  g_autoptr(FcWorkoutItem) item = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = fc_store_get_path (fixture->store);
  Change change = { 0 };
  Batch batch = { 100 };
  double real = 0;
  gint64 number = 0;

  wait_loaded (FC_STORE_MODEL (model));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), &change);

  /* Cardio Kickstart (3) has videos 8 and 9. */
  for (guint i = 1; i <= 100; i++)
    fc_store_save_workout_progress_async (fixture->store, 3, i * 0.5, i < 50 ? 8 : 9, i * 0.25,
                                          NULL, on_saved_cb, &batch);
  while (batch.left > 0)
    g_main_context_iteration (NULL, TRUE);

  rows = st_outbox (fixture->store, FALSE);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (fc_outbox_item_get_method (rows->pdata[0]), ==, "POST");
  g_assert_cmpstr (fc_outbox_item_get_path (rows->pdata[0]), ==, "workouts/progress/");
  body = body_of (rows->pdata[0]);
  g_assert_true (fc_json_get_int (body, "workout", &number));
  g_assert_cmpint (number, ==, 3);
  g_assert_true (fc_json_get_double (body, "progress_percentage", &real));
  g_assert_cmpfloat (real, ==, 50.0);
  g_assert_true (fc_json_get_int (body, "last_video", &number));
  g_assert_cmpint (number, ==, 9);
  g_assert_true (fc_json_get_double (body, "position_seconds", &real));
  g_assert_cmpfloat (real, ==, 25.0);
  g_assert_false (json_object_has_member (body, "completed_at"));
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM workout_progress"), ==, 1);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM workout_progress "
                                     "WHERE id < 0 AND dirty = 1 AND completed_at IS NULL"), ==, 1);

  /* The list follows progress: only Cardio Kickstart's row changed. */
  while (change.count == 0 || fc_store_model_get_loading (FC_STORE_MODEL (model)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (change.position, ==, 3);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (model), 3);
  g_assert_cmpstr (fc_workout_item_get_title (item), ==, "Cardio Kickstart");
  g_assert_cmpfloat (fc_workout_item_get_progress (item), ==, 50.0);
  g_assert_cmpint (fc_workout_item_get_last_video (item), ==, 9);
  g_assert_cmpfloat (fc_workout_item_get_position (item), ==, 25.0);
  g_assert_false (fc_workout_item_get_completed (item));
  g_clear_object (&item);

  /* Once the engine has the row, the next save cannot change it: a PATCH
   * of the local object is queued, and later saves fold into that. */
  fc_store_outbox_claim_async (fixture->store, fc_outbox_item_get_id (rows->pdata[0]), NULL,
                               st_result_cb, &result);
  claimed = fc_store_outbox_claim_finish (fixture->store, st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (fc_outbox_item_get_state (claimed), ==, FC_OUTBOX_STATE_SENDING);
  g_clear_object (&result);

  patch = save_progress (fixture->store, 3, 100, 9, 40);
  g_assert_cmpstr (fc_outbox_item_get_method (patch), ==, "PATCH");
  g_assert_cmpint (fc_outbox_item_get_object_id (patch), ==,
                   fc_outbox_item_get_object_id (claimed));
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM workout_progress "
                                     "WHERE completed_at IS NOT NULL"), ==, 1);
  again = save_progress (fixture->store, 3, 100, 9, 41);
  g_assert_cmpint (fc_outbox_item_get_id (again), ==, fc_outbox_item_get_id (patch));
  g_clear_pointer (&body, json_object_unref);
  body = body_of (again);
  g_assert_true (fc_json_get_double (body, "position_seconds", &real));
  g_assert_cmpfloat (real, ==, 41.0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM outbox"), ==, 2);

  /* Below 100 the completion goes, as on the server. */
  last = save_progress (fixture->store, 3, 80, 9, 5);
  g_assert_cmpint (fc_outbox_item_get_id (last), ==, fc_outbox_item_get_id (patch));
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM workout_progress "
                                     "WHERE completed_at IS NOT NULL"), ==, 0);

  /* The server answers the POST; the local object takes its id, and the
   * queued PATCH follows it. */
  g_assert_true (st_complete (fixture->store, fc_outbox_item_get_id (claimed),
                              "{\"id\":41,\"user\":2,\"workout\":3,\"progress_percentage\":50.0,"
                              "\"last_video\":9,\"position_seconds\":25.0,\"completed_at\":null,"
                              "\"created_at\":\"2026-01-01T00:00:00Z\","
                              "\"updated_at\":\"2026-01-01T00:00:00Z\"}", &error));
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = st_outbox (fixture->store, FALSE);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (fc_outbox_item_get_path (rows->pdata[0]), ==, "workouts/progress/41/");
  g_assert_cmpint (st_sql_int (path, "SELECT round(progress_percentage) FROM workout_progress "
                                     "WHERE id = 41 AND dirty = 1"), ==, 80);

  /* A read still in flight holds the model past this function (the store
   * answers on its thread), and its items-changed must not reach `change`
   * on a stack that is gone (AddressSanitizer caught it in the tear-down). */
  g_signal_handlers_disconnect_by_func (model, on_items_changed_cb, &change);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/store/workouts/pull-lands", Fixture, NULL, fixture_set_up, test_pull_lands,
              fixture_tear_down);
  g_test_add ("/store/workouts/model-filters", Fixture, NULL, fixture_set_up,
              test_model_filters, fixture_tear_down);
  g_test_add ("/store/workouts/progress-coalesced", Fixture, NULL, fixture_set_up,
              test_progress_coalesced, fixture_tear_down);

  return g_test_run ();
}
