/* test-nutrition-generate.c — POST api/v1/nutrition/generate/ on the real binary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "fc-json.h"
#include "nutrition-test-util.h"

#define NUT "/api/v1/nutrition/"
#define GENERATE NUT "generate/"
#define PROFILE "/api/v1/auth/profile/"
#define DEMO_EMAIL "demo@fitcore.local"
#define DEMO_PASSWORD "fitcore-demo"

static const char * const nutrients[] = { "calories", "protein", "carbohydrates", "fat" };

typedef struct {
  FcTestServer *server;
  char         *demo;   /* the demo user: male, 31, 72.5 kg, 178 cm */
  char         *other;  /* a fresh account with an empty profile */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char * const args[] = { "--demo", NULL };

  fixture->server = fc_test_server_start (NT_CONFIG, args);
  fixture->demo = fc_test_login (fixture->server, DEMO_EMAIL, DEMO_PASSWORD, NULL);
  fixture->other = fc_test_register (fixture->server, NT_EMAIL_B, NT_PASSWORD, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, fc_test_server_free);
  g_clear_pointer (&fixture->demo, g_free);
  g_clear_pointer (&fixture->other, g_free);
}

static double
get_double (JsonObject *object,
            const char *member)
{
  double value = NAN;

  g_assert_true (fc_json_get_double (object, member, &value));
  return value;
}

static gint64
get_int (JsonObject *object,
         const char *member)
{
  gint64 value = 0;

  g_assert_true (fc_json_get_int (object, member, &value));
  return value;
}

/* Every day of @plan, summed from the meal details it returned, within
 * ±5 % of the calorie target and ±10 % of each macro; the worst relative
 * deviation per nutrient through @worst. */
static void
assert_days_on_target (JsonObject *plan,
                       double      worst[4])
{
  JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");
  gint64 days = get_int (plan, "duration_days");
  g_autofree double *totals = g_new0 (double, (gsize) days * 4);
  double targets[4];

  for (guint k = 0; k < 4; k++) {
    g_autofree char *member = g_strconcat ("target_daily_", nutrients[k], NULL);

    targets[k] = get_double (plan, member);
  }

  for (guint i = 0; i < json_array_get_length (schedule); i++) {
    JsonObject *entry = json_array_get_object_element (schedule, i);
    JsonObject *meal = fc_json_get_object (entry, "meal_detail");
    gint64 day = get_int (entry, "day_of_plan");

    g_assert_cmpint (day, >=, 1);
    g_assert_cmpint (day, <=, days);
    for (guint k = 0; k < 4; k++) {
      g_autofree char *member = g_strconcat ("total_", nutrients[k], NULL);

      totals[(day - 1) * 4 + k] += get_double (meal, member);
    }
  }

  for (gint64 d = 0; d < days; d++) {
    for (guint k = 0; k < 4; k++) {
      double deviation = (totals[d * 4 + k] - targets[k]) / targets[k];

      if (fabs (deviation) > fabs (worst[k]))
        worst[k] = deviation;
      g_assert_cmpfloat (fabs (deviation), <=, k == 0 ? 0.05 : 0.10);
    }
  }
}

static void
test_demo_plan (Fixture       *fixture,
                gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 meals_before = nt_count (server, NUT "meals/", fixture->demo);
  g_autoptr(JsonNode) node = nt_request (server, "POST", GENERATE, fixture->demo,
                                         "{\"goal\":\"MN\",\"duration_days\":7,"
                                         "\"meals_per_day\":4,\"start_date\":\"2026-12-01\"}",
                                         201);
  JsonObject *plan = json_node_get_object (node);
  JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");
  gint64 user = get_int (plan, "user");
  gboolean flag = FALSE;
  double worst[4] = { 0 };
  static const char * const order[] = { "BF", "LN", "SN", "DN" };

  /* The plan object and the targets worked out in test-nutrition-targets. */
  g_assert_true (fc_json_get_boolean (plan, "is_ai_generated", &flag) && flag);
  g_assert_true (fc_json_get_boolean (plan, "is_active", &flag) && flag);
  g_assert_true (fc_json_get_boolean (plan, "is_template", &flag) && !flag);
  g_assert_cmpstr (fc_json_get_string (plan, "goal"), ==, "MN");
  g_assert_cmpstr (fc_json_get_string (plan, "start_date"), ==, "2026-12-01");
  g_assert_cmpstr (fc_json_get_string (plan, "name"), ==, "Maintenance plan, 7 days");
  g_assert_cmpint (get_int (plan, "duration_days"), ==, 7);
  g_assert_cmpfloat (get_double (plan, "target_daily_calories"), ==, 2616.0);
  g_assert_cmpfloat (get_double (plan, "target_daily_protein"), ==, 116.0);
  g_assert_cmpfloat_with_epsilon (get_double (plan, "target_daily_carbohydrates"), 341.8, 1e-9);
  g_assert_cmpfloat_with_epsilon (get_double (plan, "target_daily_fat"), 87.2, 1e-9);
  g_assert_true (g_str_has_prefix (fc_json_get_string (plan, "description"),
                                   "Built by the FitCore optimizer"));

  /* Days × meals, each a new meal of the caller's, in the day's order. */
  g_assert_cmpuint (json_array_get_length (schedule), ==, 7 * 4);
  for (guint i = 0; i < json_array_get_length (schedule); i++) {
    JsonObject *entry = json_array_get_object_element (schedule, i);
    JsonObject *meal = fc_json_get_object (entry, "meal_detail");
    JsonArray *items = fc_json_get_array (meal, "meal_items");

    g_assert_cmpint (get_int (entry, "day_of_plan"), ==, i / 4 + 1);
    g_assert_cmpint (get_int (entry, "meal_plan"), ==, get_int (plan, "id"));
    g_assert_cmpint (get_int (meal, "user"), ==, user);
    g_assert_cmpstr (fc_json_get_string (meal, "meal_time_category"), ==, order[i % 4]);
    g_assert_cmpuint (json_array_get_length (items), >=, 1);
    for (guint j = 0; j < json_array_get_length (items); j++) {
      double servings = get_double (json_array_get_object_element (items, j),
                                    "number_of_servings");

      g_assert_cmpfloat (servings, >=, 0.25);
      g_assert_cmpfloat (servings, <=, 4);
      g_assert_cmpfloat (fmod (servings, 0.25), ==, 0);
    }
  }
  assert_days_on_target (plan, worst);
  g_test_message ("worst day over the API: calories %+.2f %%, protein %+.2f %%,"
                  " carbohydrates %+.2f %%, fat %+.2f %%", 100 * worst[0], 100 * worst[1],
                  100 * worst[2], 100 * worst[3]);
  g_assert_cmpint (nt_count (server, NUT "meals/", fixture->demo), ==, meals_before + 28);

  /* A normal plan: GET answers the very same object. */
  {
    g_autofree char *path = g_strdup_printf (NUT "meal-plans/%" G_GINT64_FORMAT "/",
                                             get_int (plan, "id"));
    g_autoptr(JsonNode) again = nt_request (server, "GET", path, fixture->demo, NULL, 200);

    g_assert_true (json_node_equal (node, again));
  }
}

static void
test_four_weeks_six_meals (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) node = nt_request (fixture->server, "POST", GENERATE, fixture->demo,
                                         "{\"goal\":\"MG\",\"duration_days\":28,"
                                         "\"meals_per_day\":6,"
                                         "\"preferences\":{\"activity\":\"active\"}}",
                                         201);
  JsonObject *plan = json_node_get_object (node);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  double worst[4] = { 0 };

  /* 1687.5 × 1.725 × 1.15 = 3347.6 → 3348 kcal. */
  g_assert_cmpfloat (get_double (plan, "target_daily_calories"), ==, 3348.0);
  g_assert_cmpstr (fc_json_get_string (plan, "start_date"), ==, today);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (plan, "scheduled_meals")), ==,
                    28 * 6);
  assert_days_on_target (plan, worst);
}

static GArray *
food_ids_of (JsonObject *plan)
{
  JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < json_array_get_length (schedule); i++) {
    JsonObject *meal = fc_json_get_object (json_array_get_object_element (schedule, i),
                                           "meal_detail");
    JsonArray *items = fc_json_get_array (meal, "meal_items");

    for (guint j = 0; j < json_array_get_length (items); j++) {
      JsonObject *item = json_array_get_object_element (items, j);
      gint64 id = get_int (fc_json_get_object (item, "food_detail"), "id");

      g_array_append_val (ids, id);
    }
  }
  return ids;
}

static gboolean
ids_contain (GArray *ids,
             gint64  id)
{
  for (guint i = 0; i < ids->len; i++) {
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  }
  return FALSE;
}

static gint64
food_id_named (FcTestServer *server,
               const char   *search,
               const char   *name)
{
  g_autofree char *path = g_strdup_printf (NUT "foods/?search=%s", search);
  g_autoptr(JsonNode) node = nt_request (server, "GET", path, NULL, NULL, 200);
  JsonArray *results = fc_json_get_array (json_node_get_object (node), "results");

  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *food = json_array_get_object_element (results, i);

    if (g_str_equal (fc_json_get_string (food, "name"), name))
      return get_int (food, "id");
  }
  g_error ("No food called %s", name);
}

static void
test_exclusions_and_diet (Fixture       *fixture,
                          gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 chicken = food_id_named (server, "chicken", "Chicken Breast, Roasted");
  gint64 rice = food_id_named (server, "rice", "White Rice, Cooked");
  gint64 oats = food_id_named (server, "oatmeal", "Oatmeal, Cooked");
  gint64 salmon = food_id_named (server, "salmon", "Salmon, Cooked");
  g_autofree char *body = g_strdup_printf ("{\"goal\":\"WL\",\"duration_days\":14,"
                                           "\"meals_per_day\":5,\"exclude_food_ids\":"
                                           "[%" G_GINT64_FORMAT ",\"%" G_GINT64_FORMAT "\","
                                           "%" G_GINT64_FORMAT "],"
                                           "\"preferences\":{\"vegetarian\":true}}",
                                           rice, oats, rice);
  g_autoptr(JsonNode) node = nt_request (server, "POST", GENERATE, fixture->demo, body, 201);
  g_autoptr(GArray) ids = food_ids_of (json_node_get_object (node));
  double worst[4] = { 0 };

  g_assert_cmpuint (ids->len, >, 14 * 5);
  g_assert_false (ids_contain (ids, rice));
  g_assert_false (ids_contain (ids, oats));
  g_assert_false (ids_contain (ids, chicken));
  g_assert_false (ids_contain (ids, salmon));
  assert_days_on_target (json_node_get_object (node), worst);
}

static void
test_reproducible (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *request = "{\"goal\":\"GH\",\"duration_days\":3,\"meals_per_day\":3,"
                        "\"start_date\":\"2027-01-04\"}";
  g_autoptr(JsonNode) first = nt_request (fixture->server, "POST", GENERATE, fixture->demo,
                                          request, 201);
  g_autoptr(JsonNode) again = nt_request (fixture->server, "POST", GENERATE, fixture->demo,
                                          request, 201);
  g_autoptr(JsonNode) seeded = nt_request (fixture->server, "POST", GENERATE, fixture->demo,
                                           "{\"goal\":\"GH\",\"duration_days\":3,"
                                           "\"meals_per_day\":3,\"start_date\":\"2027-01-04\","
                                           "\"seed\":77,\"name\":\"Mine\"}", 201);
  g_autoptr(GArray) a = food_ids_of (json_node_get_object (first));
  g_autoptr(GArray) b = food_ids_of (json_node_get_object (again));
  g_autoptr(GArray) c = food_ids_of (json_node_get_object (seeded));

  /* Two plans (two ids), the same food in the same place. */
  g_assert_cmpint (get_int (json_node_get_object (first), "id"), !=,
                   get_int (json_node_get_object (again), "id"));
  g_assert_cmpmem (a->data, a->len * sizeof (gint64), b->data, b->len * sizeof (gint64));
  g_assert_true (a->len != c->len || memcmp (a->data, c->data, a->len * sizeof (gint64)) != 0);
  g_assert_cmpstr (fc_json_get_string (json_node_get_object (seeded), "name"), ==, "Mine");
}

static void
test_bad_inputs (Fixture       *fixture,
                 gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  g_autofree char *private_food = NULL;
  gint64 private_id;
  static const struct {
    const char *body;
    const char *expected;
  } cases[] = {
    { "{}",
      "{\"goal\":[\"This field is required.\"],\"duration_days\":[\"This field is required.\"],"
      "\"meals_per_day\":[\"This field is required.\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":0,\"meals_per_day\":3}",
      "{\"duration_days\":[\"Ensure this value is greater than or equal to 1.\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":29,\"meals_per_day\":3}",
      "{\"duration_days\":[\"Ensure this value is less than or equal to 28.\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":2}",
      "{\"meals_per_day\":[\"Ensure this value is greater than or equal to 3.\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":7}",
      "{\"meals_per_day\":[\"Ensure this value is less than or equal to 6.\"]}" },
    { "{\"goal\":\"XX\",\"duration_days\":\"seven\",\"meals_per_day\":3.5}",
      "{\"goal\":[\"\\\"XX\\\" is not a valid choice.\"],"
      "\"duration_days\":[\"A valid integer is required.\"],"
      "\"meals_per_day\":[\"A valid integer is required.\"]}" },
    { "{\"goal\":\"wl\",\"duration_days\":7,\"meals_per_day\":3,\"start_date\":\"2026-02-30\"}",
      "{\"goal\":[\"\\\"wl\\\" is not a valid choice.\"],\"start_date\":[\"Date has wrong format."
      " Use one of these formats instead: YYYY-MM-DD.\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":3,\"exclude_food_ids\":[999999]}",
      "{\"exclude_food_ids\":[\"Invalid pk \\\"999999\\\" - object does not exist.\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":3,\"exclude_food_ids\":[\"x\"]}",
      "{\"exclude_food_ids\":[\"Incorrect type. Expected pk value, received str.\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":3,\"exclude_food_ids\":5}",
      "{\"exclude_food_ids\":[\"Expected a list of items but got type \\\"int\\\".\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":3,\"preferences\":[]}",
      "{\"preferences\":[\"Expected a dictionary of items but got type \\\"list\\\".\"]}" },
    { "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":3,"
      "\"preferences\":{\"vegan\":\"maybe\",\"activity\":\"couch\",\"halal\":true}}",
      "{\"preferences\":{\"halal\":[\"Unknown preference; the supported ones are vegetarian,"
      " vegan and activity.\"],\"vegan\":[\"Must be a valid boolean.\"],"
      "\"activity\":[\"\\\"couch\\\" is not a valid choice.\"]}}" },
    { "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":3,\"seed\":-1}",
      "{\"seed\":[\"Ensure this value is greater than or equal to 0.\"]}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    nt_assert_response (server, "POST", GENERATE, fixture->demo, cases[i].body, 400,
                        cases[i].expected);

  /* Someone else's private food reads exactly like a missing one. */
  private_id = nt_create (server, NUT "foods/", fixture->other,
                          "{\"name\":\"Secret stew\",\"calories\":300,\"protein\":20,"
                          "\"carbohydrates\":30,\"fat\":10}");
  private_food = g_strdup_printf ("{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":3,"
                                  "\"exclude_food_ids\":[%" G_GINT64_FORMAT "]}", private_id);
  {
    g_autofree char *expected = g_strdup_printf ("{\"exclude_food_ids\":[\"Invalid pk \\\"%"
                                                 G_GINT64_FORMAT "\\\" - object does not"
                                                 " exist.\"]}", private_id);

    nt_assert_response (server, "POST", GENERATE, fixture->demo, private_food, 400, expected);
  }

  /* Nothing was written by any of these. */
  g_assert_cmpint (nt_count (server, NUT "meal-plans/", fixture->demo), ==, 0);

  nt_assert_response (server, "POST", GENERATE, NULL,
                      "{\"goal\":\"MN\",\"duration_days\":7,\"meals_per_day\":3}", 401,
                      "{\"detail\":\"Authentication credentials were not provided.\"}");
  nt_assert_response (server, "GET", GENERATE, fixture->demo, NULL, 405,
                      "{\"detail\":\"Method \\\"GET\\\" not allowed.\"}");
}

static void
test_profile_missing (Fixture       *fixture,
                      gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  const char *body = "{\"goal\":\"WL\",\"duration_days\":7,\"meals_per_day\":3}";

  nt_assert_response (server, "POST", GENERATE, fixture->other, body, 400,
                      "{\"profile\":[\"Your profile needs age, weight, height and gender to"
                      " compute targets.\"]}");

  nt_expect (server, "PATCH", PROFILE, fixture->other, "{\"age\":34,\"weight\":64}", 200);
  nt_assert_response (server, "POST", GENERATE, fixture->other, body, 400,
                      "{\"profile\":[\"Your profile needs height and gender to compute"
                      " targets.\"]}");
  /* Field errors and the profile's come together. */
  nt_assert_response (server, "POST", GENERATE, fixture->other,
                      "{\"goal\":\"WL\",\"duration_days\":70,\"meals_per_day\":3}", 400,
                      "{\"duration_days\":[\"Ensure this value is less than or equal to 28.\"],"
                      "\"profile\":[\"Your profile needs height and gender to compute"
                      " targets.\"]}");

  nt_expect (server, "PATCH", PROFILE, fixture->other,
             "{\"age\":9,\"height\":420,\"gender\":\"female\"}", 200);
  nt_assert_response (server, "POST", GENERATE, fixture->other, body, 400,
                      "{\"profile\":[\"Your profile's age must be between 14 and 100 years to"
                      " compute targets.\",\"Your profile's height must be between 100 and 250"
                      " cm to compute targets.\"]}");

  nt_expect (server, "PATCH", PROFILE, fixture->other, "{\"age\":34,\"height\":168}", 200);
  {
    g_autoptr(JsonNode) node = nt_request (server, "POST", GENERATE, fixture->other, body, 201);
    double worst[4] = { 0 };

    /* 640 + 1050 − 170 − 161 = 1359 × 1.55 × 0.8 = 1685.2 → 1685 kcal. */
    g_assert_cmpfloat (get_double (json_node_get_object (node), "target_daily_calories"), ==,
                       1685.0);
    assert_days_on_target (json_node_get_object (node), worst);
  }
}

/* A server without the demo foods: too few foods is a clear 400, and so is
 * a food set that cannot reach the targets. */
static void
test_too_few_foods (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (NT_CONFIG, NULL);
  g_autofree char *token = fc_test_register (server, NT_EMAIL_A, NT_PASSWORD, NULL);
  const char *body = "{\"goal\":\"MN\",\"duration_days\":3,\"meals_per_day\":3}";

  nt_expect (server, "PATCH", PROFILE, token,
             "{\"age\":40,\"weight\":80,\"height\":180,\"gender\":\"male\"}", 200);
  nt_assert_response (server, "POST", GENERATE, token, body, 400,
                      "{\"non_field_errors\":[\"There are too few foods left to build meals"
                      " from: at least one protein food and one grain or starchy vegetable are"
                      " needed.\"]}");

  nt_create (server, NUT "foods/", token, "{\"name\":\"Chicken\",\"food_category\":\"PR\","
             "\"calories\":140,\"protein\":26.4,\"carbohydrates\":0,\"fat\":3}");
  nt_create (server, NUT "foods/", token, "{\"name\":\"Rice\",\"food_category\":\"GR\","
             "\"calories\":205,\"protein\":4.3,\"carbohydrates\":44.5,\"fat\":0.4}");
  {
    g_autoptr(JsonNode) node = nt_request (server, "POST", GENERATE, token, body, 400);
    JsonArray *messages = fc_json_get_array (json_node_get_object (node), "non_field_errors");

    g_assert_cmpuint (json_array_get_length (messages), ==, 1);
    g_assert_true (g_str_has_prefix (json_array_get_string_element (messages, 0),
                                     "The foods available cannot reach"));
  }
  g_assert_cmpint (nt_count (server, NUT "meal-plans/", token), ==, 0);
  g_assert_cmpint (nt_count (server, NUT "meals/", token), ==, 0);
}

/* POSTs on their own connections, each read to the end, one after the
 * other on a thread until told to stop: the generations that
 * test_main_loop_free() pings the server during. */
typedef struct {
  const char *base_url;
  const char *token;
  const char *body;
  guint       status;  /* the first that was not 201, else 201 */
  gint64      us;      /* all of them */
  guint       count;   /* atomic: done so far */
  gboolean    stop;    /* atomic */
  gboolean    done;    /* atomic */
} RawPost;

static void
raw_post_once (RawPost *post)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  const char *host = post->base_url + strlen ("http://");
  char buffer[64 * 1024];
  char head[16] = { 0 };
  gsize head_length = 0;
  gint64 start = g_get_monotonic_time ();
  guint status;
  gssize n;

  connection = g_socket_client_connect_to_host (client, host, 80, NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST " GENERATE " HTTP/1.1\r\nHost: %s\r\n"
                             "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                             host, post->token, strlen (post->body), post->body);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            request, strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, &error)) > 0) {
    gsize take = MIN ((gsize) n, sizeof head - 1 - head_length);

    memcpy (head + head_length, buffer, take);
    head_length += take;
  }
  g_assert_no_error (error);
  post->us += g_get_monotonic_time () - start;
  status = head_length > strlen ("HTTP/1.1 ")
           ? (guint) g_ascii_strtoull (head + strlen ("HTTP/1.1 "), NULL, 10) : 0;
  if (post->status == 201 || post->status == 0)
    post->status = status;
  g_atomic_int_inc (&post->count);
}

static gpointer
raw_post_thread (gpointer data)
{
  RawPost *post = data;

  do
    raw_post_once (post);
  while (!g_atomic_int_get (&post->stop));
  g_atomic_int_set (&post->done, TRUE);
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The optimizer ran on the main loop: four weeks of six meals took 4-5 s
 * (14 s under the sanitizers), and every other client waited for it.
 * Generations run back to back while the test pings, at least two of
 * them and ten pings, so that a machine fast enough to generate in a
 * tenth of a second still shows whether pings wait for them (CI's
 * rehearsal saw only two pings during one quick generation). */
static void
test_main_loop_free (Fixture       *fixture,
                     gconstpointer  data)
{
  RawPost post = { fixture->server->base_url, fixture->demo,
                   "{\"goal\":\"MG\",\"duration_days\":28,\"meals_per_day\":6}", 0 };
  g_autoptr(GArray) pings = g_array_new (FALSE, FALSE, sizeof (gint64));
  GThread *thread = g_thread_new ("generate", raw_post_thread, &post);
  gint64 median;
  guint generations;

  while (!g_atomic_int_get (&post.done)) {
    if (pings->len >= 10 && g_atomic_int_get (&post.count) >= 2)
      g_atomic_int_set (&post.stop, TRUE);
    gint64 start = g_get_monotonic_time ();
    g_autoptr(FcTestResponse) ping = fc_test_request (fixture->server, "GET", "/api/v1/ping/",
                                                      NULL, NULL);
    gint64 us = g_get_monotonic_time () - start;

    g_assert_cmpuint (ping->status, ==, 200);
    g_array_append_val (pings, us);
    g_usleep (20 * 1000);
  }
  g_thread_join (thread);
  g_assert_cmpuint (post.status, ==, 201);
  generations = g_atomic_int_get (&post.count);

  g_array_sort (pings, compare_gint64);
  median = g_array_index (pings, gint64, pings->len / 2);
  g_test_message ("%u generations, %.3f s each; %u pings meanwhile, median %.3f s, slowest %.3f s",
                  generations, post.us / (double) generations / G_USEC_PER_SEC, pings->len,
                  median / (double) G_USEC_PER_SEC,
                  g_array_index (pings, gint64, pings->len - 1) / (double) G_USEC_PER_SEC);
  /* On the main loop, a ping waited for the generation it met. */
  g_assert_cmpuint (generations, >=, 2);
  g_assert_cmpuint (pings->len, >=, 10);
  g_assert_cmpint (median * 4, <, post.us / generations);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/nutrition/generate/demo-plan", Fixture, NULL, fixture_set_up, test_demo_plan,
              fixture_tear_down);
  g_test_add ("/nutrition/generate/four-weeks-six-meals", Fixture, NULL, fixture_set_up,
              test_four_weeks_six_meals, fixture_tear_down);
  g_test_add ("/nutrition/generate/exclusions-and-diet", Fixture, NULL, fixture_set_up,
              test_exclusions_and_diet, fixture_tear_down);
  g_test_add ("/nutrition/generate/reproducible", Fixture, NULL, fixture_set_up,
              test_reproducible, fixture_tear_down);
  g_test_add ("/nutrition/generate/bad-inputs", Fixture, NULL, fixture_set_up, test_bad_inputs,
              fixture_tear_down);
  g_test_add ("/nutrition/generate/profile-missing", Fixture, NULL, fixture_set_up,
              test_profile_missing, fixture_tear_down);
  g_test_add_func ("/nutrition/generate/too-few-foods", test_too_few_foods);
  g_test_add ("/nutrition/generate/main-loop-free", Fixture, NULL, fixture_set_up,
              test_main_loop_free, fixture_tear_down);

  return g_test_run ();
}
