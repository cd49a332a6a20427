/* test-nutrition-generate-llm.c — generate/ with a chat model, against a fake one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real binary runs with OPENAI_API_KEY/OPENAI_BASE_URL pointing at a
 * SoupServer in this process (on its own thread and main context) that
 * speaks the chat-completions wire format: it records what it was asked
 * and answers what the test tells it to. An answer with foods the caller
 * may use is taken (servings refitted to the targets); anything else — an
 * unknown or someone else's food, an HTTP error, prose instead of JSON —
 * falls back to the optimizer.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "fc-json.h"
#include "fc-meal-plan-llm.h"
#include "nutrition-test-util.h"

#define NUT "/api/v1/nutrition/"
#define GENERATE NUT "generate/"
#define MODEL "fake-model-1"
#define API_KEY "sk-test-0123456789"
#define PLAN_REQUEST "{\"goal\":\"MN\",\"duration_days\":2,\"meals_per_day\":3}"
#define FROM_MODEL "Proposed by a language model"
#define FROM_OPTIMIZER "Built by the FitCore optimizer"

typedef struct {
  GMutex        mutex;
  GCond         ready;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  char         *base_url;

  /* What to answer (under the mutex); status 0: never answer. */
  guint         status;
  char         *content;

  /* What was asked (under the mutex). */
  guint         n_requests;
  char         *authorization;
  char         *path;
  JsonNode     *body;
} FakeModel;

static FakeModel fake;

static JsonNode *
completion_node (const char *model,
                 const char *content)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  /* What api.openai.com/v1/chat/completions answers, field for field. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "chatcmpl-AbCdEf0123456789");
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "chat.completion");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, 1795600000);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_set_member_name (builder, "refusal");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "logprobs");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "finish_reason");
  json_builder_add_string_value (builder, "stop");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, 4210);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, 388);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, 4598);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "system_fingerprint");
  json_builder_add_string_value (builder, "fp_0123456789");
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
on_chat_completions_cb (SoupServer        *server,
                        SoupServerMessage *message,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  FakeModel *self = user_data;
  SoupMessageBody *request = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  const char *model = MODEL;

  g_mutex_lock (&self->mutex);
  self->n_requests++;
  g_free (self->authorization);
  self->authorization = g_strdup (soup_message_headers_get_one (
    soup_server_message_get_request_headers (message), "Authorization"));
  g_free (self->path);
  self->path = g_strdup (path);
  g_clear_pointer (&self->body, json_node_unref);
  self->body = fc_json_parse (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                              NULL);

  if (self->status == 0) {
    /* A model that never answers: the server's timeout must give up. */
    soup_server_message_pause (message);
    g_mutex_unlock (&self->mutex);
    return;
  }
  if (self->status == SOUP_STATUS_OK) {
    answer = completion_node (model, self->content);
  } else {
    answer = fc_json_parse ("{\"error\":{\"message\":\"The server had an error while processing"
                            " your request. Sorry about that!\",\"type\":\"server_error\","
                            "\"param\":null,\"code\":null}}", -1, NULL);
  }
  soup_server_message_set_status (message, self->status, NULL);
  g_mutex_unlock (&self->mutex);

  text = fc_json_to_string (answer, FALSE);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, text,
                                    strlen (text));
}

static gpointer
fake_model_thread (gpointer data)
{
  FakeModel *self = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  server = soup_server_new ("server-header", "fake-openai", NULL);
  soup_server_add_handler (server, "/v1/chat/completions", on_chat_completions_cb, self, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server);
  g_mutex_lock (&self->mutex);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%d/v1", g_uri_get_port (uris->data));
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->mutex);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
fake_model_start (FakeModel *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->ready);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->status = SOUP_STATUS_OK;
  self->content = g_strdup ("{}");

  g_mutex_lock (&self->mutex);
  self->thread = g_thread_new ("fake-model", fake_model_thread, self);
  while (self->base_url == NULL)
    g_cond_wait (&self->ready, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
fake_model_stop (FakeModel *self)
{
  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_free (self->base_url);
  g_free (self->content);
  g_free (self->authorization);
  g_free (self->path);
  g_clear_pointer (&self->body, json_node_unref);
}

static void
fake_model_answer (FakeModel  *self,
                   guint       status,
                   const char *content)
{
  g_mutex_lock (&self->mutex);
  self->status = status;
  g_free (self->content);
  self->content = g_strdup (content);
  g_mutex_unlock (&self->mutex);
}

/* ---- The server side ---------------------------------------------------- */

typedef struct {
  FcTestServer *server;
  char         *demo;
  gint64        ids[12];
} Fixture;

static const char * const food_names[][2] = {
  { "yogurt", "Greek Yogurt, Nonfat" },
  { "oatmeal", "Oatmeal, Cooked" },
  { "banana", "Banana" },
  { "almonds", "Almonds" },
  { "chicken", "Chicken Breast, Roasted" },
  { "rice", "White Rice, Cooked" },
  { "broccoli", "Broccoli, Cooked" },
  { "olive", "Olive Oil" },
  { "salmon", "Salmon, Cooked" },
  { "potato", "Potato, Baked" },
  { "spinach", "Spinach, Cooked" },
  { "lentils", "Lentils, Cooked" },
};

/* Two days of three meals, as indexes into food_names, with the servings a
 * model might guess; the server refits them to the demo user's targets. */
static const int proposal[2][3][5] = {
  { { 0, 1, 2, 3, -1 }, { 4, 5, 6, 7, -1 }, { 8, 9, 10, -1, -1 } },
  { { 1, 0, 3, 2, -1 }, { 11, 5, 10, 7, -1 }, { 4, 9, 6, 7, -1 } },
};

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char * const args[] = { "--demo", NULL };

  fixture->server = fc_test_server_start (NT_CONFIG, args);
  fixture->demo = fc_test_login (fixture->server, "demo@fitcore.local", "fitcore-demo", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (food_names); i++) {
    g_autofree char *path = g_strdup_printf (NUT "foods/?search=%s", food_names[i][0]);
    g_autoptr(JsonNode) node = nt_request (fixture->server, "GET", path, NULL, NULL, 200);
    JsonArray *results = fc_json_get_array (json_node_get_object (node), "results");

    for (guint j = 0; j < json_array_get_length (results); j++) {
      JsonObject *food = json_array_get_object_element (results, j);

      if (g_str_equal (fc_json_get_string (food, "name"), food_names[i][1]))
        g_assert_true (fc_json_get_int (food, "id", &fixture->ids[i]));
    }
    g_assert_cmpint (fixture->ids[i], >, 0);
  }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, fc_test_server_free);
  g_clear_pointer (&fixture->demo, g_free);
}

/* The model's answer for `proposal`, with @replace_id (if not 0) in place
 * of the second food of day 2's lunch. */
static char *
proposal_json (Fixture *fixture,
               gint64   replace_id)
{
  GString *json = g_string_new ("{\"days\":[");

  for (guint d = 0; d < 2; d++) {
    g_string_append_printf (json, "%s{\"day\":%u,\"meals\":[", d > 0 ? "," : "", d + 1);
    for (guint m = 0; m < 3; m++) {
      g_string_append_printf (json, "%s{\"items\":[", m > 0 ? "," : "");
      for (guint i = 0; i < 5 && proposal[d][m][i] >= 0; i++) {
        gint64 id = fixture->ids[proposal[d][m][i]];

        if (replace_id != 0 && d == 1 && m == 1 && i == 1)
          id = replace_id;
        g_string_append_printf (json, "%s{\"food_id\":%" G_GINT64_FORMAT ",\"servings\":1}",
                                i > 0 ? "," : "", id);
      }
      g_string_append (json, "]}");
    }
    g_string_append (json, "]}");
  }
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

static JsonNode *
generate (Fixture *fixture,
          guint   *n_requests)
{
  JsonNode *node;
  guint before;

  g_mutex_lock (&fake.mutex);
  before = fake.n_requests;
  g_mutex_unlock (&fake.mutex);

  node = nt_request (fixture->server, "POST", GENERATE, fixture->demo, PLAN_REQUEST, 201);

  g_mutex_lock (&fake.mutex);
  *n_requests = fake.n_requests - before;
  g_mutex_unlock (&fake.mutex);
  return node;
}

static gboolean
plan_matches_proposal (Fixture    *fixture,
                       JsonObject *plan)
{
  JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");

  g_assert_cmpuint (json_array_get_length (schedule), ==, 6);
  for (guint s = 0; s < 6; s++) {
    JsonObject *meal = fc_json_get_object (json_array_get_object_element (schedule, s),
                                           "meal_detail");
    JsonArray *items = fc_json_get_array (meal, "meal_items");
    const int *expected = proposal[s / 3][s % 3];
    guint n = 0;

    while (n < 5 && expected[n] >= 0)
      n++;
    if (json_array_get_length (items) != n)
      return FALSE;
    for (guint i = 0; i < n; i++) {
      JsonObject *food = fc_json_get_object (json_array_get_object_element (items, i),
                                             "food_detail");
      gint64 id = 0;

      g_assert_true (fc_json_get_int (food, "id", &id));
      if (id != fixture->ids[expected[i]])
        return FALSE;
    }
  }
  return TRUE;
}

static void
assert_days_on_target (JsonObject *plan)
{
  static const char * const nutrients[] = { "calories", "protein", "carbohydrates", "fat" };
  JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");

  for (gint64 day = 1; day <= 2; day++) {
    for (guint k = 0; k < 4; k++) {
      g_autofree char *target_member = g_strconcat ("target_daily_", nutrients[k], NULL);
      g_autofree char *total_member = g_strconcat ("total_", nutrients[k], NULL);
      double target = 0, total = 0;

      g_assert_true (fc_json_get_double (plan, target_member, &target));
      for (guint i = 0; i < json_array_get_length (schedule); i++) {
        JsonObject *entry = json_array_get_object_element (schedule, i);
        gint64 entry_day = 0;
        double value = 0;

        g_assert_true (fc_json_get_int (entry, "day_of_plan", &entry_day));
        g_assert_true (fc_json_get_double (fc_json_get_object (entry, "meal_detail"),
                                           total_member, &value));
        if (entry_day == day)
          total += value;
      }
      g_assert_cmpfloat (fabs (total - target) / target, <=, k == 0 ? 0.05 : 0.10);
    }
  }
}

static void
assert_description (JsonObject *plan,
                    const char *prefix)
{
  const char *description = fc_json_get_string (plan, "description");
  gboolean flag = FALSE;

  g_assert_nonnull (description);
  if (!g_str_has_prefix (description, prefix))
    g_test_message ("description: %s", description);
  g_assert_true (g_str_has_prefix (description, prefix));
  g_assert_true (fc_json_get_boolean (plan, "is_ai_generated", &flag) && flag);
}

static void
test_valid_answer (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *content = proposal_json (fixture, 0);
  g_autofree char *fenced = g_strdup_printf ("```json\n%s\n```", content);
  guint n_requests = 0;

  fake_model_answer (&fake, SOUP_STATUS_OK, content);
  {
    g_autoptr(JsonNode) node = generate (fixture, &n_requests);
    JsonObject *plan = json_node_get_object (node);

    g_assert_cmpuint (n_requests, ==, 1);
    assert_description (plan, FROM_MODEL);
    g_assert_true (plan_matches_proposal (fixture, plan));
    assert_days_on_target (plan);
  }

  /* What the model was sent: the key, the model, the rules, the targets
   * from the profile and the foods by id. */
  g_mutex_lock (&fake.mutex);
  {
    JsonObject *body = json_node_get_object (fake.body);
    JsonArray *messages = fc_json_get_array (body, "messages");
    JsonObject *format = fc_json_get_object (body, "response_format");
    const char *user = fc_json_get_string (json_array_get_object_element (messages, 1),
                                           "content");
    g_autofree char *chicken = g_strdup_printf ("\n%" G_GINT64_FORMAT "|Chicken Breast, Roasted|"
                                                "PR|140|26.4|0|3\n", fixture->ids[4]);

    g_assert_cmpstr (fake.path, ==, "/v1/chat/completions");
    g_assert_cmpstr (fake.authorization, ==, "Bearer " API_KEY);
    g_assert_cmpstr (fc_json_get_string (body, "model"), ==, MODEL);
    g_assert_cmpstr (fc_json_get_string (format, "type"), ==, "json_object");
    g_assert_cmpuint (json_array_get_length (messages), ==, 2);
    g_assert_cmpstr (fc_json_get_string (json_array_get_object_element (messages, 0), "role"),
                     ==, "system");
    g_assert_nonnull (strstr (user, "Daily targets: 2616 kcal, 116.0 g protein, 341.8 g"
                                    " carbohydrates, 87.2 g fat."));
    g_assert_nonnull (strstr (user, "Days: 2."));
    g_assert_nonnull (strstr (user, chicken));
  }
  g_mutex_unlock (&fake.mutex);

  /* Fenced in Markdown, as models like to answer. */
  fake_model_answer (&fake, SOUP_STATUS_OK, fenced);
  {
    g_autoptr(JsonNode) node = generate (fixture, &n_requests);

    assert_description (json_node_get_object (node), FROM_MODEL);
    g_assert_true (plan_matches_proposal (fixture, json_node_get_object (node)));
  }
}

static void
test_fallbacks (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *other = fc_test_register (fixture->server, NT_EMAIL_B, NT_PASSWORD, NULL);
  gint64 private_food = nt_create (fixture->server, NUT "foods/", other,
                                   "{\"name\":\"Secret rice\",\"food_category\":\"GR\","
                                   "\"calories\":200,\"protein\":4,\"carbohydrates\":44,"
                                   "\"fat\":0.5}");
  g_autofree char *unknown = proposal_json (fixture, 999999);
  g_autofree char *foreign = proposal_json (fixture, private_food);
  g_autofree char *short_plan = g_strdup ("{\"days\":[{\"meals\":[]}]}");
  const struct {
    guint       status;
    const char *content;
  } answers[] = {
    { SOUP_STATUS_OK, unknown },
    { SOUP_STATUS_OK, foreign },
    { SOUP_STATUS_OK, short_plan },
    { SOUP_STATUS_OK, "I'm sorry, I can't plan meals without more detail." },
    { SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++) {
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GArray) ids = NULL;
    guint n_requests = 0;

    fake_model_answer (&fake, answers[i].status, answers[i].content);
    node = generate (fixture, &n_requests);

    /* The model was asked, and the optimizer's plan came back anyway. */
    g_assert_cmpuint (n_requests, ==, 1);
    assert_description (json_node_get_object (node), FROM_OPTIMIZER);
    g_assert_false (plan_matches_proposal (fixture, json_node_get_object (node)));
    assert_days_on_target (json_node_get_object (node));
  }
}

/* A model that never answers costs the caller OPENAI_TIMEOUT seconds, then
 * the optimizer answers. */
static void
test_timeout (void)
{
  const char * const args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 started;
  double seconds;

  g_setenv ("OPENAI_TIMEOUT", "1", TRUE);
  server = fc_test_server_start (NT_CONFIG, args);
  g_setenv ("OPENAI_TIMEOUT", "10", TRUE);
  token = fc_test_login (server, "demo@fitcore.local", "fitcore-demo", NULL);

  fake_model_answer (&fake, 0, NULL);
  started = g_get_monotonic_time ();
  node = nt_request (server, "POST", GENERATE, token, PLAN_REQUEST, 201);
  seconds = (g_get_monotonic_time () - started) / 1e6;

  assert_description (json_node_get_object (node), FROM_OPTIMIZER);
  assert_days_on_target (json_node_get_object (node));
  g_assert_cmpfloat (seconds, >=, 0.9);
  g_assert_cmpfloat (seconds, <, 5);
}

/* The parser alone, on answers of the wrong shape. */
static void
test_parse (void)
{
  static const char * const bad[] = {
    "",
    "[]",
    "{\"days\":{}}",
    "{\"days\":[{\"meals\":[{\"items\":[{\"food_id\":1,\"servings\":1}]}]}]}",
    "{\"days\":[{\"meals\":[{\"items\":[]},{\"items\":[]}]}]}",
    "{\"days\":[{\"meals\":[{\"items\":[{\"food_id\":\"1\",\"servings\":1}]},"
    "{\"items\":[{\"food_id\":1,\"servings\":1}]}]}]}",
    "{\"days\":[{\"meals\":[{\"items\":[{\"food_id\":1}]},{\"items\":[{\"food_id\":1,"
    "\"servings\":1}]}]}]}",
  };
  const char *good = "```json\n{\"days\":[{\"meals\":[{\"items\":[{\"food_id\":3,"
                     "\"servings\":1.5},{\"food_id\":4,\"servings\":0.25}]},{\"items\":"
                     "[{\"food_id\":5,\"servings\":2}]}]}]}\n```";
  g_autoptr(GError) error = NULL;
  g_autoptr(FcMealPlan) plan = fc_meal_plan_llm_parse (good, 1, 2, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (plan->meals[0].n_items, ==, 2);
  g_assert_cmpint (plan->meals[0].items[1].food_id, ==, 4);
  g_assert_cmpfloat (plan->meals[0].items[1].servings, ==, 0.25);
  g_assert_cmpint (plan->meals[1].items[0].food_id, ==, 5);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GError) bad_error = NULL;

    g_assert_null (fc_meal_plan_llm_parse (bad[i], 1, 2, &bad_error));
    g_assert_nonnull (bad_error);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  nt_test_init (&argc, &argv);
  fake_model_start (&fake);

  /* Inherited by every fitcore-server this test starts. */
  g_setenv ("OPENAI_API_KEY", API_KEY, TRUE);
  g_setenv ("OPENAI_BASE_URL", fake.base_url, TRUE);
  g_setenv ("OPENAI_MODEL", MODEL, TRUE);
  g_setenv ("OPENAI_TIMEOUT", "10", TRUE);

  g_test_add_func ("/nutrition/generate-llm/parse", test_parse);
  g_test_add ("/nutrition/generate-llm/valid-answer", Fixture, NULL, fixture_set_up,
              test_valid_answer, fixture_tear_down);
  g_test_add ("/nutrition/generate-llm/fallbacks", Fixture, NULL, fixture_set_up,
              test_fallbacks, fixture_tear_down);
  g_test_add_func ("/nutrition/generate-llm/timeout", test_timeout);

  status = g_test_run ();
  fake_model_stop (&fake);
  return status;
}
