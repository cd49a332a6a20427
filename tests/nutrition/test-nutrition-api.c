/* test-nutrition-api.c — api/v1/nutrition/ against the real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shapes and messages are compared whole with the Django backend's recorded
 * wire format; where that backend has a bug (wire file §4) the test asserts
 * the fixed behaviour.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "nutrition-test-util.h"

#define NUT "/api/v1/nutrition/"
#define USER_A "{\"email\":\"alice@fitcore.test\",\"first_name\":\"Test\",\"last_name\":\"User\"}"
#define USER_STAFF "{\"email\":\"admin@fitcore.test\",\"first_name\":\"Test\",\"last_name\":\"User\"}"

#define BANANA_IN                                                                            \
  "{\"name\":\"Banana\",\"description\":\"Fresh banana\",\"serving_unit\":\"piece\","       \
  "\"calories\":105,\"protein\":1.3,\"carbohydrates\":27,\"fat\":0.4,\"fiber\":3.1,"        \
  "\"sugar\":14.4,\"sodium\":1,\"food_category\":\"FR\",\"is_public\":true}"
#define BANANA_OUT(id)                                                                       \
  "{\"id\":" id ",\"name\":\"Banana\",\"description\":\"Fresh banana\","                     \
  "\"serving_quantity\":1.0,\"serving_unit\":\"piece\",\"calories\":105.0,\"protein\":1.3,"  \
  "\"carbohydrates\":27.0,\"fat\":0.4,\"fiber\":3.1,\"sugar\":14.4,\"sodium\":1.0,"          \
  "\"food_category\":\"FR\",\"user_added_detail\":" USER_STAFF ",\"is_public\":true,"        \
  "\"created_at\":\"T\",\"updated_at\":\"T\"}"
#define YOGURT_IN                                                                            \
  "{\"name\":\"Greek Yogurt\",\"calories\":\"59\",\"protein\":10,\"carbohydrates\":3.6,"     \
  "\"fat\":0.4,\"food_category\":\"DR\",\"is_public\":true}"
#define YOGURT_OUT(id)                                                                       \
  "{\"id\":" id ",\"name\":\"Greek Yogurt\",\"description\":\"\",\"serving_quantity\":1.0,"  \
  "\"serving_unit\":\"g\",\"calories\":59.0,\"protein\":10.0,\"carbohydrates\":3.6,"         \
  "\"fat\":0.4,\"fiber\":null,\"sugar\":null,\"sodium\":null,\"food_category\":\"DR\","      \
  "\"user_added_detail\":" USER_STAFF ",\"is_public\":true,\"created_at\":\"T\","            \
  "\"updated_at\":\"T\"}"

static char *
path_id (const char *section,
         gint64      id,
         const char *suffix)
{
  return g_strdup_printf (NUT "%s/%" G_GINT64_FORMAT "/%s", section, id, suffix);
}

static void
test_root (NtFixture     *fixture,
           gconstpointer  data)
{
  g_autofree char *expected = g_strdup_printf ("{\"foods\":\"%1$s" NUT "foods/\","
                                               "\"meals\":\"%1$s" NUT "meals/\","
                                               "\"meal-plans\":\"%1$s" NUT "meal-plans/\"}",
                                               fixture->server->base_url);

  nt_assert_response (fixture->server, "GET", NUT, NULL, NULL, 200, expected);
}

static void
test_foods (NtFixture     *fixture,
            gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *private_path = NULL;
  g_autofree char *public_path = NULL;
  gint64 private_id;

  /* Staff publish; the number given as a string is read as DRF reads it. */
  nt_assert_response (srv, "POST", NUT "foods/", fixture->token_staff, BANANA_IN, 201,
                      BANANA_OUT ("1"));
  nt_assert_response (srv, "POST", NUT "foods/", fixture->token_staff, YOGURT_IN, 201,
                      YOGURT_OUT ("2"));
  public_path = path_id ("foods", 1, "");

  /* A user's food is private whatever they ask for. */
  private_id = nt_create (srv, NUT "foods/", fixture->token_a,
                          "{\"name\":\"Alice Secret Shake\",\"calories\":300,\"protein\":30,"
                          "\"carbohydrates\":20,\"fat\":10,\"is_public\":true}");
  private_path = path_id ("foods", private_id, "");
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", private_path, fixture->token_a, NULL, 200);
    gboolean is_public = TRUE;

    g_assert_true (fc_json_get_boolean (json_node_get_object (node), "is_public", &is_public));
    g_assert_false (is_public);
  }

  /* Visibility: anonymous and B see the two public foods; A sees three;
   * nobody else, staff included, sees A's. */
  g_assert_cmpint (nt_count (srv, NUT "foods/", NULL), ==, 2);
  g_assert_cmpint (nt_count (srv, NUT "foods/", fixture->token_b), ==, 2);
  g_assert_cmpint (nt_count (srv, NUT "foods/", fixture->token_a), ==, 3);
  nt_assert_response (srv, "GET", private_path, fixture->token_b, NULL, 404,
                      "{\"detail\":\"No Food matches the given query.\"}");
  nt_assert_response (srv, "GET", private_path, fixture->token_staff, NULL, 404,
                      "{\"detail\":\"No Food matches the given query.\"}");
  nt_assert_response (srv, "GET", public_path, NULL, NULL, 200, BANANA_OUT ("1"));

  /* Writes: the owner edits their private food but cannot publish it (wire
   * §4.13); only staff edit public foods. */
  nt_expect (srv, "PATCH", private_path, fixture->token_a,
                                "{\"protein\":\"31.5\",\"is_public\":true}", 200);
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", private_path, fixture->token_a, NULL, 200);
    double protein = 0;
    gboolean is_public = TRUE;

    g_assert_true (fc_json_get_double (json_node_get_object (node), "protein", &protein));
    g_assert_cmpfloat (protein, ==, 31.5);
    g_assert_true (fc_json_get_boolean (json_node_get_object (node), "is_public", &is_public));
    g_assert_false (is_public);
  }
  nt_assert_response (srv, "PATCH", public_path, fixture->token_a, "{\"calories\":1}", 403,
                      "{\"detail\":\"You do not have permission to perform this action.\"}");
  nt_assert_response (srv, "DELETE", public_path, fixture->token_b, NULL, 403,
                      "{\"detail\":\"You do not have permission to perform this action.\"}");
  nt_expect (srv, "PATCH", public_path, fixture->token_staff,
                                "{\"description\":\"Ripe banana\"}", 200);

  /* Validation, message for message. */
  nt_assert_response (srv, "PUT", private_path, fixture->token_a, "{\"name\":\"Shake\"}", 400,
                      "{\"calories\":[\"This field is required.\"],"
                      "\"protein\":[\"This field is required.\"],"
                      "\"carbohydrates\":[\"This field is required.\"],"
                      "\"fat\":[\"This field is required.\"]}");
  nt_assert_response (srv, "POST", NUT "foods/", fixture->token_a,
                      "{\"calories\":-1,\"protein\":\"abc\",\"carbohydrates\":\"NaN\",\"fat\":1,"
                      "\"serving_quantity\":0,\"food_category\":\"fr\",\"fiber\":null,"
                      "\"name\":\"\"}", 400,
                      "{\"name\":[\"This field may not be blank.\"],"
                      "\"serving_quantity\":[\"Ensure this value is greater than or equal to 0.01.\"],"
                      "\"calories\":[\"Ensure this value is greater than or equal to 0.\"],"
                      "\"protein\":[\"A valid number is required.\"],"
                      "\"carbohydrates\":[\"A valid number is required.\"],"
                      "\"food_category\":[\"\\\"fr\\\" is not a valid choice.\"]}");
  nt_assert_response (srv, "POST", NUT "foods/", NULL, BANANA_IN, 401,
                      "{\"detail\":\"Authentication credentials were not provided.\"}");
  g_assert_cmpint (nt_count (srv, NUT "foods/", fixture->token_a), ==, 3);

  nt_expect (srv, "DELETE", private_path, fixture->token_a, NULL, 204);
  nt_expect (srv, "GET", private_path, fixture->token_a, NULL, 404);
  nt_expect (srv, "DELETE", public_path, fixture->token_staff, NULL, 204);
  g_assert_cmpint (nt_count (srv, NUT "foods/", NULL), ==, 1);
}

/* The names of a list page's results, joined with commas. */
static char *
page_names (FcTestServer *server,
            const char   *path,
            const char   *token)
{
  g_autoptr(JsonNode) node = nt_request (server, "GET", path, token, NULL, 200);
  JsonArray *results = fc_json_get_array (json_node_get_object (node), "results");
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  g_assert_nonnull (results);
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_strv_builder_add (names, fc_json_get_string (json_array_get_object_element (results, i),
                                                   "name"));
  strv = g_strv_builder_end (names);
  return g_strjoinv (",", strv);
}

static void
assert_names (FcTestServer *server,
              const char   *path,
              const char   *expected)
{
  g_autofree char *names = page_names (server, path, NULL);

  g_assert_cmpstr (names, ==, expected);
}

static void
test_foods_search_ordering_pages (NtFixture     *fixture,
                                  gconstpointer  data)
{
  static const struct {
    const char *name;
    const char *description;
    int         calories;
    int         protein;
    const char *category;
  } foods[] = {
    { "Apple", "crisp", 95, 0, "FR" },
    { "Banana", "Fresh banana", 105, 1, "FR" },
    { "Chicken Breast", "roasted", 140, 26, "PR" },
    { "Prunes", "dried plums", 100, 1, "FR" },
    { "Lentils", "high in protein", 230, 18, "PR" },
    { "Milk", "whole", 150, 8, "DR" },
    { "Oats", "rolled", 150, 5, "GR" },
    { "Salmon", "baked", 175, 19, "PR" },
    { "Tofu", "firm", 181, 22, "PR" },
    { "Walnuts", "chopped", 183, 4, "FO" },
    { "Water", "still", 0, 0, "BV" },
    { "Zucchini", "sliced", 17, 1, "VG" },
  };
  FcTestServer *srv = fixture->server;

  for (guint i = 0; i < G_N_ELEMENTS (foods); i++) {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\",\"description\":\"%s\","
                                             "\"calories\":%d,\"protein\":%d,\"carbohydrates\":1,"
                                             "\"fat\":1,\"food_category\":\"%s\","
                                             "\"is_public\":true}",
                                             foods[i].name, foods[i].description,
                                             foods[i].calories, foods[i].protein,
                                             foods[i].category);
    nt_create (srv, NUT "foods/", fixture->token_staff, json);
  }

  /* "pr": PR foods, plus names and descriptions containing "pr". */
  assert_names (srv, NUT "foods/?search=pr", "Chicken Breast,Lentils,Prunes,Salmon,Tofu");
  /* Terms are ANDed, split on spaces and commas, case-insensitive. */
  assert_names (srv, NUT "foods/?search=PR,%20protein", "Lentils");
  /* A wildcard in a term is literal. */
  assert_names (srv, NUT "foods/?search=%25", "");

  assert_names (srv, NUT "foods/?ordering=-calories&page_size=3", "Lentils,Walnuts,Tofu");
  assert_names (srv, NUT "foods/?ordering=protein,-name&page_size=5",
                "Water,Apple,Zucchini,Prunes,Banana");
  /* Unknown fields are ignored; with none left the order is by name. */
  assert_names (srv, NUT "foods/?ordering=fat&page_size=3", "Apple,Banana,Chicken Breast");

  /* Pages of ten by default, absolute links, the first page without ?page=1. */
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", NUT "foods/?page=2", NULL, NULL, 200);
    JsonObject *page = json_node_get_object (node);
    g_autofree char *previous = g_strdup_printf ("%s" NUT "foods/", srv->base_url);
    gint64 count = 0;

    g_assert_true (fc_json_get_int (page, "count", &count));
    g_assert_cmpint (count, ==, 12);
    g_assert_true (fc_json_is_null (page, "next"));
    g_assert_cmpstr (fc_json_get_string (page, "previous"), ==, previous);
    g_assert_cmpuint (json_array_get_length (fc_json_get_array (page, "results")), ==, 2);
  }
  assert_names (srv, NUT "foods/?page=last", "Water,Zucchini");
  nt_assert_response (srv, "GET", NUT "foods/?page=9", NULL, NULL, 404,
                      "{\"detail\":\"Invalid page.\"}");
}

#define MEAL_IN                                                                              \
  "{\"name\":\"Breakfast\",\"meal_time_category\":\"BF\",\"description\":\"Oats and banana\"," \
  "\"meal_items\":[{\"food\":1,\"number_of_servings\":1},{\"food\":2,\"number_of_servings\":0.5}]}"
#define MEAL_OUT(id, item1, item2)                                                           \
  "{\"id\":" id ",\"user\":1,\"user_detail\":" USER_A ",\"name\":\"Breakfast\","            \
  "\"meal_time_category\":\"BF\",\"description\":\"Oats and banana\",\"is_template\":false," \
  "\"total_calories\":134.5,\"total_protein\":6.3,\"total_carbohydrates\":28.8,"             \
  "\"total_fat\":0.6000000000000001,\"created_at\":\"T\",\"updated_at\":\"T\","              \
  "\"meal_items\":[{\"id\":" item1 ",\"meal\":" id ",\"food_detail\":" BANANA_OUT ("1") ","  \
  "\"number_of_servings\":1.0,\"calculated_calories\":105.0,\"calculated_protein\":1.3,"     \
  "\"calculated_carbohydrates\":27.0,\"calculated_fat\":0.4},"                               \
  "{\"id\":" item2 ",\"meal\":" id ",\"food_detail\":" YOGURT_OUT ("2") ","                  \
  "\"number_of_servings\":0.5,\"calculated_calories\":29.5,\"calculated_protein\":5.0,"      \
  "\"calculated_carbohydrates\":1.8,\"calculated_fat\":0.2}]}"

static void
create_two_public_foods (NtFixture *fixture)
{
  nt_create (fixture->server, NUT "foods/", fixture->token_staff, BANANA_IN);
  nt_create (fixture->server, NUT "foods/", fixture->token_staff, YOGURT_IN);
}

static void
test_meals (NtFixture     *fixture,
            gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *meal_path = NULL;
  gint64 secret_food;

  create_two_public_foods (fixture);
  nt_assert_response (srv, "POST", NUT "meals/", fixture->token_a, MEAL_IN, 201,
                      MEAL_OUT ("1", "1", "2"));
  meal_path = path_id ("meals", 1, "");
  nt_assert_response (srv, "GET", meal_path, fixture->token_a, NULL, 200,
                      MEAL_OUT ("1", "1", "2"));

  /* An empty meal's totals are the integer 0, as Django sums them. */
  nt_assert_response (srv, "POST", NUT "meals/", fixture->token_a, "{\"name\":\"Nothing\"}", 201,
                      "{\"id\":2,\"user\":1,\"user_detail\":" USER_A ",\"name\":\"Nothing\","
                      "\"meal_time_category\":\"SN\",\"description\":\"\",\"is_template\":false,"
                      "\"total_calories\":0,\"total_protein\":0,\"total_carbohydrates\":0,"
                      "\"total_fat\":0,\"created_at\":\"T\",\"updated_at\":\"T\","
                      "\"meal_items\":[]}");

  /* PATCH without meal_items keeps them; with them replaces them. */
  {
    g_autofree char *text = nt_request_text (srv, "PATCH", meal_path, fixture->token_a,
                                             "{\"description\":\"Oats and banana\"}", 200);

    g_assert_cmpstr (text, ==, MEAL_OUT ("1", "1", "2"));
  }
  {
    /* Re-listing a food already in the meal is a replacement, not a 500
     * (wire §4.5); an item without servings is one serving (§4.8). */
    g_autoptr(JsonNode) node = nt_request (srv, "PATCH", meal_path, fixture->token_a,
                                           "{\"meal_items\":[{\"food\":2}]}", 200);
    JsonArray *items = fc_json_get_array (json_node_get_object (node), "meal_items");
    double servings = 0;

    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_true (fc_json_get_double (json_array_get_object_element (items, 0),
                                       "number_of_servings", &servings));
    g_assert_cmpfloat (servings, ==, 1.0);
  }
  {
    g_autoptr(JsonNode) node = nt_request (srv, "PATCH", meal_path, fixture->token_a,
                                           "{\"meal_items\":[]}", 200);
    gint64 total = -1;

    g_assert_true (fc_json_get_int (json_node_get_object (node), "total_calories", &total));
    g_assert_cmpint (total, ==, 0);
  }

  /* The wire file's error example, and a duplicate food (a 500 there). */
  nt_assert_response (srv, "POST", NUT "meals/", fixture->token_a,
                      "{\"name\":\"Bad\",\"meal_time_category\":\"BRUNCH\",\"meal_items\":"
                      "[{\"food\":9999},{\"food\":1,\"number_of_servings\":0},"
                      "{\"number_of_servings\":1}]}", 400,
                      "{\"meal_time_category\":[\"\\\"BRUNCH\\\" is not a valid choice.\"],"
                      "\"meal_items\":[{\"food\":[\"Invalid pk \\\"9999\\\" - object does not exist.\"]},"
                      "{\"number_of_servings\":[\"Ensure this value is greater than or equal to 0.01.\"]},"
                      "{\"food\":[\"This field is required.\"]}]}");
  nt_assert_response (srv, "POST", NUT "meals/", fixture->token_a,
                      "{\"name\":\"Twice\",\"meal_items\":[{\"food\":1},{\"food\":2},{\"food\":1}]}",
                      400,
                      "{\"meal_items\":[{},{},{\"non_field_errors\":"
                      "[\"The fields meal, food must make a unique set.\"]}]}");
  nt_assert_response (srv, "POST", NUT "meals/", fixture->token_a,
                      "{\"name\":\"Dict\",\"meal_items\":{\"food\":1}}", 400,
                      "{\"meal_items\":{\"non_field_errors\":"
                      "[\"Expected a list of items but got type \\\"dict\\\".\"]}}");
  nt_assert_response (srv, "POST", NUT "meals/", fixture->token_a, "{}", 400,
                      "{\"name\":[\"This field is required.\"]}");
  /* Nothing of the refused meals was saved. */
  g_assert_cmpint (nt_count (srv, NUT "meals/", fixture->token_a), ==, 2);

  /* B may not put A's private food in a meal, and learns nothing of it. */
  secret_food = nt_create (srv, NUT "foods/", fixture->token_a,
                           "{\"name\":\"Alice Secret Shake\",\"calories\":300,\"protein\":30,"
                           "\"carbohydrates\":20,\"fat\":10}");
  {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"Steal\",\"meal_items\":"
                                             "[{\"food\":%" G_GINT64_FORMAT "}]}", secret_food);
    g_autofree char *expected = g_strdup_printf ("{\"meal_items\":[{\"food\":[\"Invalid pk \\\"%"
                                                 G_GINT64_FORMAT "\\\" - object does not exist."
                                                 "\"]}]}", secret_food);

    nt_assert_response (srv, "POST", NUT "meals/", fixture->token_b, json, 400, expected);
  }

  nt_assert_response (srv, "GET", meal_path, fixture->token_b, NULL, 404,
                      "{\"detail\":\"No Meal matches the given query.\"}");
  nt_assert_response (srv, "GET", meal_path, fixture->token_staff, NULL, 404,
                      "{\"detail\":\"No Meal matches the given query.\"}");
  nt_expect (srv, "DELETE", meal_path, fixture->token_a, NULL, 204);
  g_assert_cmpint (nt_count (srv, NUT "meals/", fixture->token_a), ==, 1);
}

#define PLAN_IN                                                                              \
  "{\"name\":\"Cut week 1\",\"description\":\"High protein\",\"goal\":\"WL\","               \
  "\"duration_days\":7,\"start_date\":\"2026-12-01\",\"target_daily_calories\":1800,"        \
  "\"target_daily_protein\":\"140\",\"scheduled_meals_payload\":[{\"meal\":2,\"day_of_plan\":1}," \
  "{\"meal\":1,\"day_of_plan\":1},{\"meal\":1,\"day_of_plan\":2}]}"

static void
test_meal_plans (NtFixture     *fixture,
                 gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *plan_path = NULL;
  gint64 b_meal;

  create_two_public_foods (fixture);
  nt_create (srv, NUT "meals/", fixture->token_a, MEAL_IN);
  nt_create (srv, NUT "meals/", fixture->token_a, "{\"name\":\"Dinner\",\"meal_time_category\":\"DN\"}");
  b_meal = nt_create (srv, NUT "meals/", fixture->token_b, "{\"name\":\"Bob Private Dinner\"}");

  {
    g_autoptr(JsonNode) node = nt_request (srv, "POST", NUT "meal-plans/", fixture->token_a,
                                           PLAN_IN, 201);
    JsonObject *plan = json_node_get_object (node);
    JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");
    g_autoptr(GString) keys = g_string_new (NULL);
    g_autoptr(GList) members = json_object_get_members (plan);
    gint64 day = 0, meal = 0;

    for (GList *l = members; l != NULL; l = l->next)
      g_string_append_printf (keys, "%s ", (const char *) l->data);
    g_assert_cmpstr (keys->str, ==,
                     "id user user_detail name description goal duration_days start_date "
                     "target_daily_calories target_daily_protein target_daily_carbohydrates "
                     "target_daily_fat is_active is_template is_ai_generated created_at "
                     "updated_at scheduled_meals ");
    g_assert_cmpstr (fc_json_get_string (plan, "start_date"), ==, "2026-12-01");
    g_assert_false (fc_json_has_member (plan, "scheduled_meals_payload"));

    /* By day, then by the time of day: breakfast (meal 1) before dinner. */
    g_assert_cmpuint (json_array_get_length (schedule), ==, 3);
    g_assert_true (fc_json_get_int (json_array_get_object_element (schedule, 0), "meal", &meal));
    g_assert_cmpint (meal, ==, 1);
    g_assert_true (fc_json_get_int (json_array_get_object_element (schedule, 1), "meal", &meal));
    g_assert_cmpint (meal, ==, 2);
    g_assert_true (fc_json_get_int (json_array_get_object_element (schedule, 2), "day_of_plan",
                                    &day));
    g_assert_cmpint (day, ==, 2);
    g_assert_cmpstr (fc_json_get_string (fc_json_get_object (json_array_get_object_element (schedule, 0),
                                                             "meal_detail"), "name"),
                     ==, "Breakfast");
  }
  {
    g_autofree char *text = nt_request_text (srv, "GET", NUT "meal-plans/1/", fixture->token_a,
                                             NULL, 200);

    g_assert_nonnull (strstr (text, "\"target_daily_calories\":1800.0,\"target_daily_protein\":140.0,"
                                    "\"target_daily_carbohydrates\":null,\"target_daily_fat\":null,"
                                    "\"is_active\":true,\"is_template\":false,"
                                    "\"is_ai_generated\":false"));
  }
  plan_path = path_id ("meal-plans", 1, "");

  /* The wire file's validation example, field for field. */
  nt_assert_response (srv, "POST", NUT "meal-plans/", fixture->token_a,
                      "{\"name\":\"Bad\",\"goal\":\"XX\",\"duration_days\":-1,"
                      "\"start_date\":\"01/12/2026\",\"target_daily_calories\":-5,"
                      "\"scheduled_meals_payload\":[{\"meal\":999,\"day_of_plan\":1},"
                      "{\"meal\":1},{\"day_of_plan\":\"x\"}]}", 400,
                      "{\"goal\":[\"\\\"XX\\\" is not a valid choice.\"],"
                      "\"duration_days\":[\"Ensure this value is greater than or equal to 0.\"],"
                      "\"start_date\":[\"Date has wrong format. Use one of these formats instead: YYYY-MM-DD.\"],"
                      "\"target_daily_calories\":[\"Ensure this value is greater than or equal to 0.\"],"
                      "\"scheduled_meals_payload\":[{\"meal\":[\"Invalid pk \\\"999\\\" - object does not exist.\"]},"
                      "{\"day_of_plan\":[\"This field is required.\"]},"
                      "{\"meal\":[\"This field is required.\"],\"day_of_plan\":[\"A valid integer is required.\"]}]}");

  /* Fixed bugs: duplicates, days past the end, other users' meals. */
  nt_assert_response (srv, "PATCH", plan_path, fixture->token_a,
                      "{\"scheduled_meals_payload\":[{\"meal\":1,\"day_of_plan\":3},"
                      "{\"meal\":1,\"day_of_plan\":3}]}", 400,
                      "{\"scheduled_meals_payload\":[{},{\"non_field_errors\":"
                      "[\"The fields meal_plan, meal, day_of_plan must make a unique set.\"]}]}");
  nt_assert_response (srv, "PATCH", plan_path, fixture->token_a,
                      "{\"duration_days\":3,\"scheduled_meals_payload\":[{\"meal\":1,\"day_of_plan\":4}]}",
                      400,
                      "{\"scheduled_meals_payload\":[{\"day_of_plan\":"
                      "[\"Ensure this value is less than or equal to 3.\"]}]}");
  {
    g_autofree char *json = g_strdup_printf ("{\"scheduled_meals_payload\":[{\"meal\":%"
                                             G_GINT64_FORMAT ",\"day_of_plan\":1}]}", b_meal);
    g_autofree char *expected = g_strdup_printf ("{\"scheduled_meals_payload\":[{\"meal\":"
                                                 "[\"Invalid pk \\\"%" G_GINT64_FORMAT
                                                 "\\\" - object does not exist.\"]}]}", b_meal);

    nt_assert_response (srv, "PATCH", plan_path, fixture->token_a, json, 400, expected);
  }
  {
    /* None of the refused writes touched the schedule. */
    g_autoptr(JsonNode) node = nt_request (srv, "GET", plan_path, fixture->token_a, NULL, 200);

    g_assert_cmpuint (json_array_get_length (fc_json_get_array (json_node_get_object (node),
                                                                "scheduled_meals")), ==, 3);
  }

  /* Only staff make templates, by POST, PATCH or PUT (wire §4.10). */
  nt_assert_response (srv, "POST", NUT "meal-plans/", fixture->token_a,
                      "{\"name\":\"Mine\",\"is_template\":true}", 403,
                      "{\"detail\":\"You do not have permission to create a template.\"}");
  nt_assert_response (srv, "PATCH", plan_path, fixture->token_a, "{\"is_template\":true}", 403,
                      "{\"detail\":\"You do not have permission to create a template.\"}");
  nt_assert_response (srv, "PUT", plan_path, fixture->token_a,
                      "{\"name\":\"Cut\",\"is_template\":\"true\"}", 403,
                      "{\"detail\":\"You do not have permission to create a template.\"}");
  g_assert_cmpint (nt_count (srv, NUT "meal-plans/templates/", NULL), ==, 0);
  nt_assert_response (srv, "GET", plan_path, fixture->token_staff, NULL, 404,
                      "{\"detail\":\"No MealPlan matches the given query.\"}");

  /* Newest first. */
  nt_create (srv, NUT "meal-plans/", fixture->token_a, "{\"name\":\"Second\"}");
  {
    g_autofree char *names = page_names (srv, NUT "meal-plans/", fixture->token_a);

    g_assert_cmpstr (names, ==, "Second,Cut week 1");
  }

  nt_expect (srv, "DELETE", plan_path, fixture->token_a, NULL, 204);
  g_assert_cmpint (nt_count (srv, NUT "meal-plans/", fixture->token_a), ==, 1);
}

static void
test_templates_copy_cancel (NtFixture     *fixture,
                            gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *copy_path = NULL;
  g_autofree char *cancel_path = NULL;
  gint64 breakfast, dinner, template, copy, a_plan;

  create_two_public_foods (fixture);
  breakfast = nt_create (srv, NUT "meals/", fixture->token_staff,
                         "{\"name\":\"Template Breakfast\",\"meal_time_category\":\"BF\","
                         "\"is_template\":true,\"meal_items\":[{\"food\":1},{\"food\":2,"
                         "\"number_of_servings\":2}]}");
  dinner = nt_create (srv, NUT "meals/", fixture->token_staff,
                      "{\"name\":\"Template Dinner\",\"meal_time_category\":\"DN\","
                      "\"is_template\":true,\"meal_items\":[{\"food\":2}]}");
  {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"Lean Template\",\"description\":"
                                             "\"Staff template\",\"goal\":\"MG\","
                                             "\"duration_days\":3,\"target_daily_calories\":2500,"
                                             "\"start_date\":\"2026-12-01\","
                                             "\"is_template\":true,\"scheduled_meals_payload\":"
                                             "[{\"meal\":%1$" G_GINT64_FORMAT ",\"day_of_plan\":1},"
                                             "{\"meal\":%2$" G_GINT64_FORMAT ",\"day_of_plan\":1},"
                                             "{\"meal\":%1$" G_GINT64_FORMAT ",\"day_of_plan\":2}]}",
                                             breakfast, dinner);

    template = nt_create (srv, NUT "meal-plans/", fixture->token_staff, json);
  }

  /* Anyone lists templates; only the owner fetches one by id. */
  g_assert_cmpint (nt_count (srv, NUT "meal-plans/templates/", NULL), ==, 1);
  g_assert_cmpint (nt_count (srv, NUT "meal-plans/templates/", fixture->token_a), ==, 1);
  nt_expect (srv, "POST", NUT "meal-plans/templates/", fixture->token_a, "{}", 405);
  {
    g_autofree char *path = path_id ("meal-plans", template, "");

    nt_assert_response (srv, "GET", path, fixture->token_a, NULL, 404,
                        "{\"detail\":\"No MealPlan matches the given query.\"}");
  }

  /* Any user copies a template (wire §4.11), and owns what the copy shows. */
  copy_path = path_id ("meal-plans", template, "copy/");
  nt_expect (srv, "POST", copy_path, NULL, NULL, 401);
  nt_expect (srv, "GET", copy_path, fixture->token_a, NULL, 405);
  {
    g_autoptr(JsonNode) node = nt_request (srv, "POST", copy_path, fixture->token_a, NULL, 201);
    JsonObject *plan = json_node_get_object (node);
    JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");
    gint64 user = 0, first_meal = 0, third_meal = 0;
    gboolean flag = TRUE;

    g_assert_true (fc_json_get_int (plan, "id", &copy));
    g_assert_cmpstr (fc_json_get_string (plan, "name"), ==, "Lean Template (Copy)");
    /* The template's start is not the copier's: none unless they give one,
     * as on the Django backend. */
    g_assert_true (fc_json_is_null (plan, "start_date"));
    g_assert_true (fc_json_get_int (plan, "user", &user));
    g_assert_cmpint (user, ==, 1);
    g_assert_true (fc_json_get_boolean (plan, "is_template", &flag));
    g_assert_false (flag);
    g_assert_true (fc_json_get_boolean (plan, "is_active", &flag));
    g_assert_true (flag);
    g_assert_cmpuint (json_array_get_length (schedule), ==, 3);

    for (guint i = 0; i < 3; i++) {
      JsonObject *meal = fc_json_get_object (json_array_get_object_element (schedule, i),
                                             "meal_detail");

      g_assert_true (fc_json_get_int (meal, "user", &user));
      g_assert_cmpint (user, ==, 1);
      g_assert_true (fc_json_get_boolean (meal, "is_template", &flag));
      g_assert_false (flag);
    }
    /* A meal scheduled twice is copied once. */
    g_assert_true (fc_json_get_int (json_array_get_object_element (schedule, 0), "meal",
                                    &first_meal));
    g_assert_true (fc_json_get_int (json_array_get_object_element (schedule, 2), "meal",
                                    &third_meal));
    g_assert_cmpint (first_meal, ==, third_meal);
    g_assert_cmpint (first_meal, !=, breakfast);
    {
      g_autofree char *meal_path = path_id ("meals", first_meal, "");
      g_autoptr(JsonNode) meal = nt_request (srv, "GET", meal_path, fixture->token_a, NULL, 200);

      g_assert_cmpuint (json_array_get_length (fc_json_get_array (json_node_get_object (meal),
                                                                  "meal_items")), ==, 2);
    }
  }
  g_assert_cmpint (nt_count (srv, NUT "meals/", fixture->token_a), ==, 2);
  /* The staff template's own meals are untouched. */
  g_assert_cmpint (nt_count (srv, NUT "meals/", fixture->token_staff), ==, 2);

  /* Copying your own plan, and someone else's non-template plan. */
  {
    g_autofree char *path = path_id ("meal-plans", copy, "copy/");

    nt_assert_response (srv, "POST", path, fixture->token_a, NULL, 400,
                        "{\"detail\":\"You already own this meal plan.\"}");
    nt_assert_response (srv, "POST", path, fixture->token_b, NULL, 404,
                        "{\"detail\":\"No MealPlan matches the given query.\"}");
  }

  /* The copier may say when their copy starts. */
  {
    g_autoptr(JsonNode) node = nt_request (srv, "POST", copy_path, fixture->token_b,
                                           "{\"start_date\":\"2027-01-04\"}", 201);

    g_assert_cmpstr (fc_json_get_string (json_node_get_object (node), "start_date"), ==,
                     "2027-01-04");
    nt_assert_response (srv, "POST", copy_path, fixture->token_b, "{\"start_date\":\"04/01/2027\"}",
                        400, "{\"start_date\":[\"Date has wrong format. Use one of these formats "
                        "instead: YYYY-MM-DD.\"]}");
  }

  /* Cancel: idempotent, PATCH only, own plans only. */
  a_plan = copy;
  cancel_path = path_id ("meal-plans", a_plan, "cancel/");
  for (guint i = 0; i < 2; i++) {
    g_autoptr(JsonNode) node = nt_request (srv, "PATCH", cancel_path, fixture->token_a, NULL, 200);
    gboolean active = TRUE;

    g_assert_true (fc_json_get_boolean (json_node_get_object (node), "is_active", &active));
    g_assert_false (active);
  }
  nt_expect (srv, "POST", cancel_path, fixture->token_a, NULL, 405);
  nt_expect (srv, "PATCH", cancel_path, NULL, NULL, 401);
  nt_assert_response (srv, "PATCH", cancel_path, fixture->token_b, NULL, 404,
                      "{\"detail\":\"No MealPlan matches the given query.\"}");

  /* A cancelled template is no longer offered, nor copyable by others. */
  {
    g_autofree char *path = path_id ("meal-plans", template, "cancel/");

    nt_expect (srv, "PATCH", path, fixture->token_staff, NULL, 200);
  }
  g_assert_cmpint (nt_count (srv, NUT "meal-plans/templates/", NULL), ==, 0);
  nt_expect (srv, "POST", copy_path, fixture->token_b, NULL, 404);
}

static void
test_idempotent_replay (NtFixture     *fixture,
                        gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", fixture->token_a);
  const char *headers[] = { "Authorization", authorization, "Idempotency-Key", "meal-42", NULL };
  g_autoptr(GBytes) body = g_bytes_new_static (MEAL_IN, strlen (MEAL_IN));
  g_autoptr(FcTestResponse) first = NULL;
  g_autoptr(FcTestResponse) second = NULL;

  create_two_public_foods (fixture);
  first = fc_test_request_full (srv, "POST", NUT "meals/", headers, "application/json", body);
  second = fc_test_request_full (srv, "POST", NUT "meals/", headers, "application/json", body);
  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpuint (second->status, ==, 201);
  g_assert_true (g_bytes_equal (first->body, second->body));
  g_assert_cmpint (nt_count (srv, NUT "meals/", fixture->token_a), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/nutrition/api/root", NtFixture, NULL, nt_fixture_set_up, test_root,
              nt_fixture_tear_down);
  g_test_add ("/nutrition/api/foods", NtFixture, NULL, nt_fixture_set_up, test_foods,
              nt_fixture_tear_down);
  g_test_add ("/nutrition/api/foods-search-ordering-pages", NtFixture, NULL, nt_fixture_set_up,
              test_foods_search_ordering_pages, nt_fixture_tear_down);
  g_test_add ("/nutrition/api/meals", NtFixture, NULL, nt_fixture_set_up, test_meals,
              nt_fixture_tear_down);
  g_test_add ("/nutrition/api/meal-plans", NtFixture, NULL, nt_fixture_set_up, test_meal_plans,
              nt_fixture_tear_down);
  g_test_add ("/nutrition/api/templates-copy-cancel", NtFixture, NULL, nt_fixture_set_up,
              test_templates_copy_cancel, nt_fixture_tear_down);
  g_test_add ("/nutrition/api/idempotent-replay", NtFixture, NULL, nt_fixture_set_up,
              test_idempotent_replay, nt_fixture_tear_down);

  return g_test_run ();
}
