/* test-store.c — opening, migrations, foods, search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "fc-store.h"
#include "store-test-util.h"

#define FOODS \
  "[{\"id\":1,\"name\":\"Chicken Breast\",\"description\":\"Skinless, grilled\"," \
  "\"serving_quantity\":100.0,\"serving_unit\":\"g\",\"calories\":165.0,\"protein\":31.0," \
  "\"carbohydrates\":0.0,\"fat\":3.6,\"fiber\":null,\"sugar\":null,\"sodium\":74.0," \
  "\"food_category\":\"PR\",\"user_added_detail\":{\"email\":\"admin@fitcore.test\"," \
  "\"first_name\":\"Admin\",\"last_name\":\"Staff\"},\"is_public\":true," \
  "\"created_at\":\"2026-11-25T14:12:24.684421+06:00\"," \
  "\"updated_at\":\"2026-11-25T14:12:24.684437+06:00\"}," \
  "{\"id\":2,\"name\":\"Banana\",\"description\":\"Fresh banana\",\"calories\":105.0," \
  "\"protein\":1.3,\"carbohydrates\":27.0,\"fat\":0.4,\"food_category\":\"FR\"," \
  "\"user_added_detail\":{\"email\":\"user@fitcore.test\"},\"is_public\":false}," \
  "{\"id\":3,\"name\":\"Chickpeas\",\"description\":\"Boiled\",\"calories\":164.0," \
  "\"protein\":8.9,\"carbohydrates\":27.4,\"fat\":2.6,\"food_category\":\"PR\"," \
  "\"is_public\":true}," \
  "{\"id\":4,\"name\":\"Rice\",\"description\":\"With chicken stock\",\"calories\":130.0," \
  "\"protein\":2.7,\"carbohydrates\":28.0,\"fat\":0.3,\"food_category\":\"GR\"," \
  "\"is_public\":true}]"

static void
test_open_migrations (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autofree char *path = g_strdup (fc_store_get_path (store));
  g_autofree char *expected = fc_store_build_path (ST_SERVER, ST_ACCOUNT);
  g_autofree char *other = fc_store_build_path (ST_SERVER, "someone@else");

  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpstr (path, !=, other);
  g_assert_true (g_str_has_prefix (path, g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (path, ".db"));

  g_assert_cmpint (st_sql_int (path, "PRAGMA user_version"), ==, 11);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                                     "('account', 'profile', 'foods', 'foods_trigram', 'meals', "
                                     "'meal_items', 'meal_plans', 'scheduled_meals', "
                                     "'sections', 'sync_state', 'outbox', 'workouts', "
                                     "'workout_categories', 'workout_progress', "
                                     "'meal_plan_templates', 'health_points', 'health_rollups', "
                                     "'health_goals', 'uploads', 'notifications', "
                                     "'health_import_stage')"), ==, 21);
  st_close (g_steal_pointer (&store));

  /* Reopening runs no migration twice. */
  store = st_open ();
  g_assert_cmpint (st_sql_int (path, "PRAGMA user_version"), ==, 11);
  st_close (g_steal_pointer (&store));
}

static void
test_open_private_and_wal (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autofree char *wal = g_strconcat (fc_store_get_path (store), "-wal", NULL);
  g_autoptr(FcOutboxItem) item = st_save_profile (store, "{\"age\":30}");
  GStatBuf st;

  g_assert_cmpint (g_stat (fc_store_get_path (store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  {
    g_autofree char *mode = st_sql_text (fc_store_get_path (store), "PRAGMA journal_mode");

    g_assert_cmpstr (mode, ==, "wal");
  }
  st_close (g_steal_pointer (&store));
}

static void
test_open_corrupt (void)
{
  g_autofree char *path = fc_store_build_path (ST_SERVER, ST_ACCOUNT);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autofree char *garbage = g_strnfill (8192, 'x');

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, garbage, -1, NULL));

  fc_store_open_async (ST_SERVER, ST_ACCOUNT, NULL, st_result_cb, &result);
  store = fc_store_open_finish (st_wait (&result), &error);
  g_assert_null (store);
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_CORRUPT);
}

static void
test_foods_upsert_search (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) banana = NULL;
  FcFoodItem *first;

  st_upsert (store, FC_STORE_FOODS, FOODS);

  found = st_search (store, "chick", NULL, 10, &error);
  g_assert_no_error (error);
  /* Names that start with it first, in name order; the rice only
   * mentions chicken in its description. */
  g_assert_cmpuint (found->len, ==, 3);
  first = found->pdata[0];
  g_assert_cmpstr (fc_food_item_get_name (first), ==, "Chicken Breast");
  g_assert_cmpstr (fc_food_item_get_name (found->pdata[1]), ==, "Chickpeas");
  g_assert_cmpfloat (fc_food_item_get_protein (first), ==, 31.0);
  g_assert_true (fc_food_item_get_is_public (first));
  g_assert_false (fc_food_item_get_is_own (first));
  g_assert_cmpstr (fc_food_item_get_name (found->pdata[2]), ==, "Rice");
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Several words, each anywhere; category filter; case folded (as the
   * server's search: accents are not, there or here). */
  found = st_search (store, "chick bre", NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = st_search (store, "CHICK", "GR", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (fc_food_item_get_name (found->pdata[0]), ==, "Rice");
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Upserting again updates in place and keeps the index right. */
  st_upsert (store, FC_STORE_FOODS, "[{\"id\":1,\"name\":\"Turkey Breast\",\"calories\":135.0}]");
  found = st_search (store, "turk", NULL, 10, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (fc_food_item_get_id (found->pdata[0]), ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = st_search (store, "chicken br", NULL, 10, &error);
  g_assert_cmpuint (found->len, ==, 0);

  banana = st_get (store, FC_STORE_FOODS, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (banana, "name"), ==, "Banana");
  g_assert_false (json_object_get_boolean_member (banana, "is_public"));
  g_assert_cmpfloat (json_object_get_double_member (banana, "carbohydrates"), ==, 27.0);

  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM foods_trigram "
                               "WHERE foods_trigram MATCH '\"ban\" AND \"ana\"'"),
                   ==, 1);
  st_close (g_steal_pointer (&store));
}

static void
test_foods_search_syntax (void)
{
  const char *inputs[] = {
    "\"foo* OR (", "AND", "NEAR(a b)", "name:chick", "^chick", "\"", "*", "()", "-chick",
    "chick\"en", "'; DROP TABLE foods; --", "   ", "", "\xff\xfe", "a OR b NOT c",
  };
  g_autoptr(FcStore) store = st_open ();

  st_upsert (store, FC_STORE_FOODS, FOODS);
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) found = st_search (store, inputs[i], NULL, 10, &error);

    g_assert_no_error (error);
    g_assert_nonnull (found);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) found = st_search (store, "name:chick", NULL, 10, &error);

    /* Syntax is dropped, the words stay. */
    g_assert_cmpuint (found->len, ==, 0);
    g_clear_pointer (&found, g_ptr_array_unref);
    found = st_search (store, "(chick*", NULL, 10, &error);
    g_assert_cmpuint (found->len, ==, 3);
  }
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM foods"), ==, 4);
  st_close (g_steal_pointer (&store));
}

#define BERRIES \
  "[{\"id\":11,\"name\":\"Blueberries\",\"description\":\"Fresh\",\"food_category\":\"FR\"}," \
  "{\"id\":12,\"name\":\"Strawberries\",\"description\":\"Frozen\",\"food_category\":\"FR\"}," \
  "{\"id\":13,\"name\":\"Yogurt\",\"description\":\"With mixed berries\"," \
  "\"food_category\":\"DR\"}," \
  "{\"id\":14,\"name\":\"Berry Smoothie\",\"description\":\"Banana and oat\"," \
  "\"food_category\":\"BV\"}," \
  "{\"id\":15,\"name\":\"Bread\",\"description\":\"Whole grain\",\"food_category\":\"GR\"}," \
  "{\"id\":16,\"name\":\"Peas\",\"description\":\"Green\",\"food_category\":\"VG\"}]"

/* Collects the names of a search, in order, joined by commas. */
static char *
search_names (FcStore    *store,
              const char *query,
              guint       limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = st_search (store, query, NULL, limit, &error);
  g_autoptr(GString) names = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "," : "",
                            fc_food_item_get_name (found->pdata[i]));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The server's `foods/?search=` matches any part of the name or the
 * description (and the category code); so does the offline search, with
 * the names that start with the first word first. */
static void
test_foods_search_substring (void)
{
  g_autoptr(FcStore) store = st_open ();
  static const struct {
    const char *query;
    const char *names;
  } cases[] = {
    /* Inside a word, in the name or the description. */
    { "berries", "Blueberries,Strawberries,Yogurt" },
    { "BERR", "Berry Smoothie,Blueberries,Strawberries,Yogurt" },
    { "awb", "Strawberries" },
    { "rozen", "Strawberries" },
    /* Every term must match, each anywhere. */
    { "berr fresh", "Blueberries" },
    { "ies,fro", "Strawberries" },
    /* Shorter than a trigram: prefix first, then anywhere, and the
     * category code. */
    { "br", "Bread" },
    { "ea", "Bread,Peas" },
    { "fr", "Blueberries,Strawberries" },
    { "gr", "Bread,Peas" },
    { "zzz", "" },
  };

  st_upsert (store, FC_STORE_FOODS, BERRIES);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *names = search_names (store, cases[i].query, 50);

    g_test_message ("search “%s”: %s", cases[i].query, names);
    g_assert_cmpstr (names, ==, cases[i].names);
  }

  /* The limit cuts the list after the name-prefix foods. */
  {
    g_autofree char *names = search_names (store, "berr", 2);

    g_assert_cmpstr (names, ==, "Berry Smoothie,Blueberries");
  }
  st_close (g_steal_pointer (&store));
}

static void
test_account_own_foods (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(JsonObject) user = st_object ("{\"pk\":2,\"email\":\"user@fitcore.test\","
                                          "\"first_name\":\"Normal\",\"last_name\":\"User\"}");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(JsonObject) account = NULL;

  fc_store_set_account_async (store, user, NULL, st_result_cb, &result);
  g_assert_true (fc_store_set_account_finish (store, st_wait (&result), &error));
  st_upsert (store, FC_STORE_FOODS, FOODS);

  found = st_search (store, "banana", NULL, 0, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (fc_food_item_get_is_own (found->pdata[0]));

  account = st_get (store, FC_STORE_ACCOUNT, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (account, "pk"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (account, "first_name"), ==, "Normal");
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

static void
test_sections_and_sync_state (void)
{
  const char *available[] = { "nutrition", "auth", NULL };
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GAsyncResult) r4 = NULL;
  g_autoptr(GAsyncResult) r5 = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sections = NULL;
  g_autofree char *value = NULL;
  g_autofree char *missing = NULL;

  fc_store_set_sections_async (store, available, NULL, st_result_cb, &r1);
  g_assert_true (fc_store_set_sections_finish (store, st_wait (&r1), &error));
  fc_store_get_sections_async (store, NULL, st_result_cb, &r2);
  sections = fc_store_get_sections_finish (store, st_wait (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (sections, ((const char *[]) { "auth", "nutrition", NULL }));

  fc_store_set_sync_value_async (store, "last-full-pull", "2026-11-25T08:00:00Z", NULL,
                                 st_result_cb, &r3);
  g_assert_true (fc_store_set_sync_value_finish (store, st_wait (&r3), &error));
  fc_store_get_sync_value_async (store, "last-full-pull", NULL, st_result_cb, &r4);
  value = fc_store_get_sync_value_finish (store, st_wait (&r4), &error);
  g_assert_cmpstr (value, ==, "2026-11-25T08:00:00Z");
  fc_store_get_sync_value_async (store, "cursor:foods", NULL, st_result_cb, &r5);
  missing = fc_store_get_sync_value_finish (store, st_wait (&r5), &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  /* Each result holds the store; let go of them before closing it. */
  g_clear_object (&r1);
  g_clear_object (&r2);
  g_clear_object (&r3);
  g_clear_object (&r4);
  g_clear_object (&r5);
  st_close (g_steal_pointer (&store));
}

/* A page of the change feed and its cursor land in one transaction:
 * upserts replace server rows, deletes remove them, but a row with unsent
 * changes stays as the user made it; unknown sections are skipped. */
static void
test_apply_changes (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(FcOutboxItem) edit = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (fc_store_get_path (store));
  g_autofree char *cursor = NULL;
  g_autofree char *name = NULL;

  st_upsert (store, FC_STORE_FOODS, "[{\"id\":1,\"name\":\"Oats\",\"calories\":1.0},"
                                    "{\"id\":2,\"name\":\"Rye\",\"calories\":2.0},"
                                    "{\"id\":3,\"name\":\"Kept\",\"calories\":3.0}]");
  st_upsert (store, FC_STORE_MEALS, "[{\"id\":5,\"name\":\"Soup\"}]");
  edit = st_update (store, FC_STORE_FOODS, 3, "{\"name\":\"Kept mine\"}");

  changes = st_array ("[{\"section\":\"foods\",\"id\":1,\"op\":\"upsert\","
                      "\"object\":{\"id\":1,\"name\":\"Oats 2\",\"calories\":1.5}},"
                      "{\"section\":\"foods\",\"id\":2,\"op\":\"delete\"},"
                      "{\"section\":\"foods\",\"id\":3,\"op\":\"delete\"},"
                      "{\"section\":\"meals\",\"id\":5,\"op\":\"delete\"},"
                      "{\"section\":\"meals\",\"id\":6,\"op\":\"upsert\","
                      "\"object\":{\"id\":6,\"name\":\"Stew\"}},"
                      "{\"section\":\"someday\",\"id\":1,\"op\":\"upsert\",\"object\":{}},"
                      "{\"section\":\"profile\",\"id\":1,\"op\":\"delete\"}]");
  fc_store_apply_changes_async (store, changes, "changes-cursor", "1.42", NULL, st_result_cb, &r1);
  g_assert_true (fc_store_apply_changes_finish (store, st_wait (&r1), &error));
  g_assert_no_error (error);

  fc_store_get_sync_value_async (store, "changes-cursor", NULL, st_result_cb, &r2);
  cursor = fc_store_get_sync_value_finish (store, st_wait (&r2), &error);
  g_assert_cmpstr (cursor, ==, "1.42");
  g_clear_object (&r1);
  g_clear_object (&r2);
  st_close (g_steal_pointer (&store));

  name = st_sql_text (path, "SELECT name FROM foods WHERE id = 1");
  g_assert_cmpstr (name, ==, "Oats 2");
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE id = 2"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE id = 3 AND "
                                     "name = 'Kept mine'"), ==, 1);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM meals WHERE id = 5"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM meals WHERE id = 6"), ==, 1);
}

static void
on_changed_cb (FcStore    *store,
               const char *resource,
               GPtrArray  *seen)
{
  g_ptr_array_add (seen, g_strdup (resource));
}

static void
test_changed_signal (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) foods_only = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FcOutboxItem) item = NULL;

  g_signal_connect (store, "changed", G_CALLBACK (on_changed_cb), seen);
  g_signal_connect (store, "changed::foods", G_CALLBACK (on_changed_cb), foods_only);

  st_upsert (store, FC_STORE_FOODS, FOODS);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (seen->pdata[0], ==, "foods");

  /* A user write also says that a row waits to be sent: the sync engine
   * pushes on that, not on its own outbox changes. */
  item = st_save_profile (store, "{\"weight\":72.5}");
  g_assert_cmpuint (seen->len, ==, 4);
  g_assert_true (g_ptr_array_find_with_equal_func (seen, "profile", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (seen, "outbox", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (seen, FC_STORE_OUTBOX_QUEUED, g_str_equal,
                                                   NULL));
  g_assert_cmpuint (foods_only->len, ==, 1);

  /* A failed write commits nothing and announces nothing. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) bad = st_object ("{\"age\":\"thirty\"}");
    g_autoptr(FcOutboxItem) none = NULL;

    fc_store_save_profile_async (store, bad, NULL, st_result_cb, &result);
    none = fc_store_save_profile_finish (store, st_wait (&result), &error);
    g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID);
    g_assert_null (none);
    g_assert_cmpuint (seen->len, ==, 4);
  }
  st_close (g_steal_pointer (&store));
}

/* Every column of @table, row by row in id order, with SQLite's type of
 * each value: two ways of storing a page must agree to the type. */
static char *
dump_table (FcStore    *store,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY 1, 2", table);
  GString *dump = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fc_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count (stmt); i++)
      g_string_append_printf (dump, "%s=%d:%s|", sqlite3_column_name (stmt, i),
                              sqlite3_column_type (stmt, i),
                              (const char *) sqlite3_column_text (stmt, i));
    g_string_append_c (dump, '\n');
  }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (dump, FALSE);
}

static gboolean
upsert_json (FcStore     *store,
             const char  *resource,
             const char  *text,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) page = g_bytes_new (text, strlen (text));

  fc_store_upsert_json_async (store, resource, page, NULL, st_result_cb, &result);
  return fc_store_upsert_json_finish (store, st_wait (&result), error);
}

static void
remove_all (FcStore    *store,
            const char *resource)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (gint64));

  fc_store_remove_missing_async (store, resource, none, NULL, st_result_cb, &result);
  g_assert_true (fc_store_remove_missing_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

/* Items as servers (or broken ones) send them: ownership every way it is
 * said, members of the wrong type, ids that are no ids, escapes. */
#define ODD_FOODS \
  "[{\"id\":1,\"name\":\"Public\",\"calories\":100,\"protein\":1e1,\"fat\":-0.5," \
  "\"user_added_detail\":{\"email\":\"admin@fitcore.test\",\"first_name\":\"A\"}," \
  "\"is_public\":true,\"created_at\":\"2026-11-25T10:00:00Z\"}," \
  "{\"id\":2,\"name\":\"Mine\",\"user_added_detail\":{\"email\":\"user@fitcore.test\"}," \
  "\"is_public\":false}," \
  "{\"id\":3,\"name\":\"Said own\",\"is_own\":true,\"user_added_detail\":" \
  "{\"email\":\"admin@fitcore.test\"}}," \
  "{\"id\":4,\"name\":\"Said not own\",\"is_own\":false,\"user_added_detail\":" \
  "{\"email\":\"user@fitcore.test\"}}," \
  "{\"id\":5,\"name\":\"Owner elsewhere\",\"user_added_detail\":null,\"user_detail\":" \
  "{\"email\":\"user@fitcore.test\"}}," \
  "{\"id\":6,\"name\":\"Owner without e-mail\",\"user_added_detail\":{\"first_name\":\"X\"}," \
  "\"user_detail\":{\"email\":\"user@fitcore.test\"}}," \
  "{\"id\":7.0,\"name\":\"Caf\\u00e9 \\\"q\\\" \\\\ \\n \\ud83c\\udf4c\",\"description\":" \
  "\"\\/\\t\",\"serving_quantity\":true,\"calories\":\"100\",\"is_public\":\"yes\"," \
  "\"user_added_detail\":\"someone\",\"food_category\":[\"FR\"],\"sodium\":null}," \
  "{\"id\":8,\"name\":5,\"description\":{\"a\":1},\"fiber\":[1],\"sugar\":{}," \
  "\"serving_unit\":false,\"created_at\":12,\"updated_at\":null,\"is_public\":1}," \
  "{\"id\":9.5,\"name\":\"Fraction id\"},{\"id\":\"10\",\"name\":\"Text id\"}," \
  "{\"name\":\"No id\"},{\"id\":0,\"name\":\"Zero id\"},{\"id\":null,\"name\":\"Null id\"}," \
  "42,null,\"food\",[{\"id\":11}],true," \
  "{\"id\":12,\"name\":\"Twice\"},{\"id\":12,\"name\":\"Twice, the second\"}," \
  "{\"na\\u006de\":\"Escaped names\",\"\\u0069d\":13,\"calories\":1,\"cal\\u006fries\":2}]"

#define ODD_TEMPLATES \
  "[{\"id\":1,\"user\":3,\"user_detail\":{\"email\":\"user@fitcore.test\"},\"name\":\"Mine\"," \
  "\"duration_days\":7.0,\"is_active\":false,\"scheduled_meals\":[{\"meal\":1,\"day\":2}]}," \
  "{\"id\":2,\"user\":\"3\",\"user_detail\":{\"email\":\"other@fitcore.test\"}," \
  "\"duration_days\":7.5,\"target_daily_calories\":2000,\"scheduled_meals\":{\"x\":[]}}," \
  "{\"id\":3,\"user_detail\":{\"first_name\":\"No e-mail\"},\"duration_days\":1e400}," \
  "{\"id\":4,\"user\":12345678901,\"start_date\":\"2026-12-01\"}]"

/* A page read in its text on the store's thread stores exactly what the
 * same page parsed by json-glib did (fc_store_upsert_async()), value and
 * type, in every odd case a server may send. */
static void
test_json_page_as_tree (void)
{
  const struct {
    const char *resource;
    const char *items;
  } cases[] = {
    { FC_STORE_FOODS, ODD_FOODS },
    { FC_STORE_FOODS, FOODS },
    { FC_STORE_MEAL_PLAN_TEMPLATES, ODD_TEMPLATES },
  };
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(JsonObject) user = st_object ("{\"pk\":2,\"email\":\"user@fitcore.test\"}");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_store_set_account_async (store, user, NULL, st_result_cb, &result);
  g_assert_true (fc_store_set_account_finish (store, st_wait (&result), &error));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *envelope = g_strdup_printf ("{\"count\":1,\"next\":null,\"results\":%s}",
                                                 cases[i].items);
    g_autofree char *as_tree = NULL;
    g_autofree char *as_text = NULL;
    g_autofree char *as_list = NULL;
    g_autofree char *emptied = NULL;

    remove_all (store, cases[i].resource);
    st_upsert (store, cases[i].resource, cases[i].items);
    as_tree = dump_table (store, cases[i].resource);
    remove_all (store, cases[i].resource);
    emptied = dump_table (store, cases[i].resource);
    g_assert_cmpstr (emptied, ==, "");

    g_assert_true (upsert_json (store, cases[i].resource, envelope, &error));
    g_assert_no_error (error);
    as_text = dump_table (store, cases[i].resource);
    g_assert_cmpstr (as_text, ==, as_tree);
    remove_all (store, cases[i].resource);

    /* An unpaginated list is a page too. */
    g_assert_true (upsert_json (store, cases[i].resource, cases[i].items, &error));
    as_list = dump_table (store, cases[i].resource);
    g_assert_cmpstr (as_list, ==, as_tree);
  }

  /* What the odd foods hold, said once: who owns what, and the rows that
   * are no rows. */
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM foods"), ==, 4);
  st_upsert (store, FC_STORE_FOODS, ODD_FOODS);
  {
    g_autofree char *own = st_sql_text (fc_store_get_path (store),
                                        "SELECT group_concat(id) FROM (SELECT id FROM foods "
                                        "WHERE is_own = 1 ORDER BY id)");
    g_autofree char *ids = st_sql_text (fc_store_get_path (store),
                                        "SELECT group_concat(id) FROM (SELECT id FROM foods "
                                        "ORDER BY id)");
    g_autofree char *twice = st_sql_text (fc_store_get_path (store),
                                          "SELECT name FROM foods WHERE id = 12");
    g_autofree char *escaped = st_sql_text (fc_store_get_path (store),
                                            "SELECT name FROM foods WHERE id = 7");

    g_assert_cmpstr (own, ==, "2,3,5");
    g_assert_cmpstr (ids, ==, "1,2,3,4,5,6,7,8,12,13");
    g_assert_cmpstr (twice, ==, "Twice, the second");
    g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT calories FROM foods "
                                                            "WHERE id = 13 AND "
                                                            "name = 'Escaped names'"), ==, 2);
    g_assert_cmpstr (escaped, ==, "Café \"q\" \\ \n \xf0\x9f\x8d\x8c");
  }
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

/* The rules of a pull hold for a page in its text: a row with a change
 * not yet sent, or a queued delete, is left as the user made it; a page
 * that is not JSON or holds no list stores nothing; the lists hear of a
 * change, and of none when nothing changed. Meals (with child rows) take
 * the same text. */
static void
test_json_page_rules (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FcOutboxItem) edit = NULL;
  g_autoptr(FcOutboxItem) removal = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_autoptr(JsonObject) gone = NULL;
  const char *refused[] = {
    "{\"results\":[{\"id\":1,\"name\":\"Broken\"}", "{\"results\":{\"id\":1}}", "{}", "42",
    "{\"results\":[{\"id\":1,\"name\":\"Bad \xff\"}]}", "",
  };
  const char *page = "{\"count\":3,\"next\":null,\"results\":["
                     "{\"id\":1,\"name\":\"Server's chicken\",\"calories\":1},"
                     "{\"id\":2,\"name\":\"Server's banana\",\"calories\":2},"
                     "{\"id\":3,\"name\":\"Server's chickpeas\",\"calories\":3}]}";

  st_upsert (store, FC_STORE_FOODS, FOODS);
  edit = st_update (store, FC_STORE_FOODS, 1, "{\"name\":\"My chicken\"}");
  removal = st_delete (store, FC_STORE_FOODS, 2);
  g_signal_connect (store, "changed::foods", G_CALLBACK (on_changed_cb), seen);

  g_assert_true (upsert_json (store, FC_STORE_FOODS, page, &error));
  g_assert_no_error (error);
  kept = st_get (store, FC_STORE_FOODS, 1, &error);
  g_assert_cmpstr (json_object_get_string_member (kept, "name"), ==, "My chicken");
  gone = st_get (store, FC_STORE_FOODS, 2, &error);
  g_assert_null (gone);
  g_clear_error (&error);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT calories FROM foods WHERE id = 3"), ==, 3);
  g_assert_cmpuint (seen->len, ==, 1);

  /* The same page again changes nothing, and says nothing. */
  g_assert_true (upsert_json (store, FC_STORE_FOODS, page, &error));
  g_assert_cmpuint (seen->len, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autofree char *before = dump_table (store, FC_STORE_FOODS);
    g_autofree char *after = NULL;

    g_assert_false (upsert_json (store, FC_STORE_FOODS, refused[i], &error));
    g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID);
    g_clear_error (&error);
    after = dump_table (store, FC_STORE_FOODS);
    g_assert_cmpstr (after, ==, before);
  }
  g_assert_cmpuint (seen->len, ==, 1);

  /* Meals keep their items, and the foods the items carry in full. */
  g_assert_true (upsert_json (store, FC_STORE_MEALS,
                              "{\"results\":[{\"id\":70,\"name\":\"Lunch\",\"meal_items\":["
                              "{\"id\":9,\"food_detail\":{\"id\":501,\"name\":\"Lentils\"},"
                              "\"number_of_servings\":2}]}]}", &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM meal_items WHERE meal_id = 70 AND "
                               "food_id = 501 AND number_of_servings = 2"), ==, 1);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM foods WHERE id = 501"), ==, 1);
  g_assert_false (upsert_json (store, FC_STORE_MEALS, "{\"results\":[", &error));
  g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID);
  st_close (g_steal_pointer (&store));
}

/* A first pull's pages go straight into foods, 100 rows to a statement
 * and the rest of a page one by one (fc_resource_upsert_json_page()): the
 * rows are exactly those the tree stores, the owner read once for a run
 * of items with the same one, and the pull's rules hold between pages. */
static void
test_json_first_pull_direct (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(JsonObject) user = st_object ("{\"pk\":2,\"email\":\"user@fitcore.test\"}");
  g_autoptr(GString) items = g_string_new ("[");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) edit = NULL;
  g_autoptr(FcOutboxItem) removal = NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_autofree char *as_tree = NULL;
  g_autofree char *as_text = NULL;
  g_autoptr(GArray) server_ids = NULL;
  const char *owners[] = {
    "{\"id\": 2, \"email\": \"user@fitcore.test\"}",
    "{\"id\":1,\"email\":\"admin@fitcore.test\"}",
    "{\"id\":2,\"email\":\"user@fitcore.test\"}",
  };
  const char *path;

  fc_store_set_account_async (store, user, NULL, st_result_cb, &result);
  g_assert_true (fc_store_set_account_finish (store, st_wait (&result), &error));
  path = fc_store_get_path (store);

  for (guint i = 1; i <= 250; i++)
    g_string_append_printf (items, "{\"id\":%u,\"name\":\"Food %u \\u00e9\\\"%s\","
                            "\"description\":\"d %u\",\"calories\":%u.%u,\"protein\":%ue-1,"
                            "\"fat\":0.1,\"is_public\":%s,\"user_added_detail\":%s},",
                            i, i, i % 7 == 0 ? "\\\\" : "", i, i, i % 10, i,
                            i % 2 ? "true" : "false", owners[(i / 2) % 3]);
  g_string_append (items, "{\"id\":5,\"name\":\"Five again\"}]");

  st_upsert (store, FC_STORE_FOODS, items->str);
  as_tree = dump_table (store, FC_STORE_FOODS);
  remove_all (store, FC_STORE_FOODS);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods"), ==, 0);

  g_assert_true (upsert_json (store, FC_STORE_FOODS, items->str, &error));
  g_assert_no_error (error);
  /* The page went in as a first pull's, its index deferred. */
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM sync_state "
                                     "WHERE key = 'foods-search-deferred'"), ==, 1);
  as_text = dump_table (store, FC_STORE_FOODS);
  g_assert_cmpstr (as_text, ==, as_tree);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE is_own = 1"), ==, 165);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE name = 'Five again'"),
                   ==, 1);

  /* Between two pages of the pull, the user edits one food and deletes
   * another: the next page leaves both as the user made them. */
  edit = st_update (store, FC_STORE_FOODS, 1, "{\"name\":\"My edit\"}");
  removal = st_delete (store, FC_STORE_FOODS, 2);
  g_assert_true (upsert_json (store, FC_STORE_FOODS,
                              "{\"results\":[{\"id\":1,\"name\":\"Server 1\"},"
                              "{\"id\":2,\"name\":\"Server 2\"},{\"id\":300,\"name\":\"New\"}]}",
                              &error));
  g_assert_no_error (error);
  kept = st_get (store, FC_STORE_FOODS, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (kept, "name"), ==, "My edit");
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE id = 2"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE id = 300 "
                                     "AND name = 'New'"), ==, 1);

  /* The pull ends without 10, 20 and the edited 1: they go, but the
   * edit stays (the ids are read 100 to a statement, the rest one by
   * one), and the search index is built. */
  server_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (gint64 id = 2; id <= 300; id++) {
    if (id != 10 && id != 20 && (id <= 250 || id == 300))
      g_array_append_val (server_ids, id);
  }
  g_clear_object (&result);
  fc_store_remove_missing_async (store, FC_STORE_FOODS, server_ids, NULL, st_result_cb, &result);
  g_assert_true (fc_store_remove_missing_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods"), ==, 248);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE id IN (10, 20)"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods WHERE id = 1"), ==, 1);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM sync_state "
                                     "WHERE key = 'foods-search-deferred'"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM foods_trigram "
                                     "WHERE foods_trigram MATCH '\"new\"'"), ==, 1);
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

/* How many foods the trigram index itself (not the table) finds holding
 * the trigrams at either end of @word (the index keeps no positions). */
static int
index_count (FcStore    *store,
             const char *word)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM foods_trigram "
                                          "WHERE foods_trigram MATCH '\"%.3s\" AND \"%s\"'",
                                          word, word + strlen (word) - 3);

  return st_sql_int (fc_store_get_path (store), sql);
}

static void
assert_index_sound (FcStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_store_check_integrity_async (store, NULL, st_result_cb, &result);
  g_assert_true (fc_store_check_integrity_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

static void
remove_missing (FcStore      *store,
                const gint64 *ids,
                guint         n_ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_vals (kept, ids, n_ids);
  fc_store_remove_missing_async (store, FC_STORE_FOODS, kept, NULL, st_result_cb, &result);
  g_assert_true (fc_store_remove_missing_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

static void
assert_searches (FcStore    *store,
                 const char *const *cases)
{
  for (guint i = 0; cases[i] != NULL; i += 2) {
    g_autofree char *names = search_names (store, cases[i], 50);

    g_test_message ("search “%s”: %s", cases[i], names);
    g_assert_cmpstr (names, ==, cases[i + 1]);
  }
}

#define BERRIES_PAGE_1 \
  "{\"count\":6,\"next\":\"page=2\",\"results\":[" \
  "{\"id\":11,\"name\":\"Blueberries\",\"description\":\"Fresh\",\"food_category\":\"FR\"}," \
  "{\"id\":12,\"name\":\"Strawberries\",\"description\":\"Frozen\",\"food_category\":\"FR\"}," \
  "{\"id\":13,\"name\":\"Yogurt\",\"description\":\"With mixed berries\"," \
  "\"food_category\":\"DR\"}]}"
#define BERRIES_PAGE_2 \
  "{\"count\":6,\"next\":null,\"results\":[" \
  "{\"id\":14,\"name\":\"Berry Smoothie\",\"description\":\"Banana and oat\"," \
  "\"food_category\":\"BV\"}," \
  "{\"id\":15,\"name\":\"Bread\",\"description\":\"Whole grain\",\"food_category\":\"GR\"}," \
  "{\"id\":16,\"name\":\"Peas\",\"description\":\"Green\",\"food_category\":\"VG\"}]}"
/* The second pull: 11 renamed, 13 described otherwise, 16 gone. */
#define BERRIES_AGAIN \
  "{\"count\":5,\"next\":null,\"results\":[" \
  "{\"id\":11,\"name\":\"Blackcurrants\",\"description\":\"Fresh\",\"food_category\":\"FR\"}," \
  "{\"id\":12,\"name\":\"Strawberries\",\"description\":\"Frozen\",\"food_category\":\"FR\"}," \
  "{\"id\":13,\"name\":\"Yogurt\",\"description\":\"Plain\",\"food_category\":\"DR\"}," \
  "{\"id\":14,\"name\":\"Berry Smoothie\",\"description\":\"Banana and oat\"," \
  "\"food_category\":\"BV\"}," \
  "{\"id\":15,\"name\":\"Bread\",\"description\":\"Whole grain\",\"food_category\":\"GR\"}]}"

/* A first pull fills the search index once, when it ends (store migration
 * 11); until then the search reads the table and finds the same foods. A
 * later pull that renames, rewrites or drops a food changes the index with
 * it, and a first pull that never ended has its index built when the
 * store opens again. */
static void
test_foods_pull_index (void)
{
  static const char *const first[] = {
    "berries", "Blueberries,Strawberries,Yogurt",
    "BERR", "Berry Smoothie,Blueberries,Strawberries,Yogurt",
    "berr fresh", "Blueberries",
    "rozen", "Strawberries",
    "ea", "Bread,Peas",
    NULL,
  };
  static const char *const second[] = {
    "berries", "Strawberries",
    "BERR", "Berry Smoothie,Strawberries",
    "currant", "Blackcurrants",
    "mixed", "",
    "plain", "Yogurt",
    "peas", "",
    "ea", "Bread",
    NULL,
  };
  static const gint64 all[] = { 11, 12, 13, 14, 15, 16 };
  g_autoptr(FcStore) store = st_open ();
  g_autofree char *path = g_strdup (fc_store_get_path (store));
  const char *deferred = "SELECT count(*) FROM sync_state WHERE key = 'foods-search-deferred'";
  g_autoptr(GError) error = NULL;

  /* The first page into an empty table: the index waits, the search
   * reads the rows. */
  g_assert_true (upsert_json (store, FC_STORE_FOODS, BERRIES_PAGE_1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_sql_int (path, deferred), ==, 1);
  g_assert_cmpint (index_count (store, "berr"), ==, 0);
  {
    g_autofree char *names = search_names (store, "berries", 50);

    g_assert_cmpstr (names, ==, "Blueberries,Strawberries,Yogurt");
  }
  assert_index_sound (store);
  g_assert_true (upsert_json (store, FC_STORE_FOODS, BERRIES_PAGE_2, &error));
  g_assert_no_error (error);
  assert_searches (store, first);

  /* The pull ends: the index has every food, and the same answers. */
  remove_missing (store, all, G_N_ELEMENTS (all));
  g_assert_cmpint (st_sql_int (path, deferred), ==, 0);
  g_assert_cmpint (index_count (store, "berr"), ==, 4);
  g_assert_cmpint (index_count (store, "green"), ==, 1);
  assert_searches (store, first);
  assert_index_sound (store);

  /* A second pull into a full table goes through the index at once. */
  g_assert_true (upsert_json (store, FC_STORE_FOODS, BERRIES_AGAIN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_sql_int (path, deferred), ==, 0);
  remove_missing (store, all, G_N_ELEMENTS (all) - 1);
  g_assert_cmpint (index_count (store, "berr"), ==, 2);
  g_assert_cmpint (index_count (store, "currant"), ==, 1);
  g_assert_cmpint (index_count (store, "mixed"), ==, 0);
  g_assert_cmpint (index_count (store, "green"), ==, 0);
  assert_searches (store, second);
  assert_index_sound (store);

  /* A first pull cut after its first page: the next opening builds the
   * index. */
  remove_all (store, FC_STORE_FOODS);
  g_assert_cmpint (index_count (store, "berr"), ==, 0);
  g_assert_true (upsert_json (store, FC_STORE_FOODS, BERRIES_PAGE_1, &error));
  g_assert_no_error (error);
  st_close (g_steal_pointer (&store));
  g_assert_cmpint (st_sql_int (path, deferred), ==, 1);
  store = st_open ();
  g_assert_cmpint (st_sql_int (path, deferred), ==, 0);
  g_assert_cmpint (index_count (store, "berr"), ==, 3);
  assert_index_sound (store);
  st_close (g_steal_pointer (&store));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/open/migrations", test_open_migrations);
  g_test_add_func ("/store/open/private-and-wal", test_open_private_and_wal);
  g_test_add_func ("/store/open/corrupt", test_open_corrupt);
  g_test_add_func ("/store/foods/upsert-search", test_foods_upsert_search);
  g_test_add_func ("/store/foods/search-syntax", test_foods_search_syntax);
  g_test_add_func ("/store/foods/search-substring", test_foods_search_substring);
  g_test_add_func ("/store/foods/own", test_account_own_foods);
  g_test_add_func ("/store/sections-and-sync-state", test_sections_and_sync_state);
  g_test_add_func ("/store/changed-signal", test_changed_signal);
  g_test_add_func ("/store/changes/apply", test_apply_changes);
  g_test_add_func ("/store/pages/json-as-tree", test_json_page_as_tree);
  g_test_add_func ("/store/pages/json-rules", test_json_page_rules);
  g_test_add_func ("/store/pages/json-first-pull-direct", test_json_first_pull_direct);
  g_test_add_func ("/store/foods/pull-index", test_foods_pull_index);

  return g_test_run ();
}
