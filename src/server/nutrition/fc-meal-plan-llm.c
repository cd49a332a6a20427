/* fc-meal-plan-llm.c — a meal plan proposed by an OpenAI-compatible chat model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-nutrition"

#include "config.h"

#include "fc-meal-plan-llm.h"

#include <string.h>

#include "fc-json.h"

#define DEFAULT_BASE_URL "https://api.openai.com/v1"
#define DEFAULT_MODEL "gpt-4o-mini"
#define DEFAULT_TIMEOUT 30
/* Enough choice for a varied plan, small enough for any model's context. */
#define MAX_PROMPT_FOODS 300

#define SYSTEM_PROMPT                                                                            \
  "You are a dietitian planning meals from a fixed food database. Answer with one JSON object"  \
  " and nothing else, shaped {\"days\": [{\"meals\": [{\"items\": [{\"food_id\": 12,"          \
  " \"servings\": 1.5}]}]}]}: one entry per day, each with exactly the meals asked for, in the" \
  " order given. Rules: use only food ids from the list; servings are multiples of 0.25 from"  \
  " 0.25 to 4; at most 6 foods per meal and no food twice in a meal; each day's totals must be" \
  " within 5 % of the calorie target and within 10 % of each macro target; build real meals"   \
  " (a protein, a starch, vegetables or fruit); vary the main protein from day to day."

typedef struct {
  SoupMessage *message;
  guint        days;
  guint        meals_per_day;
} Proposal;

static void
proposal_free (Proposal *proposal)
{
  g_clear_object (&proposal->message);
  g_free (proposal);
}

FcLlmConfig *
fc_llm_config_from_env (void)
{
  const char *key = g_getenv ("OPENAI_API_KEY");
  const char *base_url = g_getenv ("OPENAI_BASE_URL");
  const char *model = g_getenv ("OPENAI_MODEL");
  const char *timeout = g_getenv ("OPENAI_TIMEOUT");
  FcLlmConfig *config;
  guint64 seconds = DEFAULT_TIMEOUT;

  if (key == NULL || *key == '\0')
    return NULL;

  config = g_new0 (FcLlmConfig, 1);
  config->api_key = g_strdup (key);
  config->base_url = g_strdup (base_url != NULL && *base_url != '\0' ? base_url : DEFAULT_BASE_URL);
  while (g_str_has_suffix (config->base_url, "/"))
    config->base_url[strlen (config->base_url) - 1] = '\0';
  config->model = g_strdup (model != NULL && *model != '\0' ? model : DEFAULT_MODEL);
  if (timeout != NULL && !g_ascii_string_to_unsigned (timeout, 10, 1, 600, &seconds, NULL))
    seconds = DEFAULT_TIMEOUT;
  config->timeout = (guint) seconds;
  return config;
}

void
fc_llm_config_free (FcLlmConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->api_key);
  g_free (config->base_url);
  g_free (config->model);
  g_free (config);
}

static gboolean
spec_excludes (const FcMealPlanSpec *spec,
               gint64                id)
{
  for (guint i = 0; i < spec->n_exclude_ids; i++) {
    if (spec->exclude_ids[i] == id)
      return TRUE;
  }
  return FALSE;
}

static char *
build_user_prompt (GArray               *foods,
                   const FcMealPlanSpec *spec)
{
  const FcMealSlot *slots = fc_meal_plan_slots (spec->meals_per_day);
  GString *prompt = g_string_new (NULL);
  guint listed = 0;

  g_string_append_printf (prompt, "Daily targets: %.0f kcal, %.1f g protein, %.1f g"
                          " carbohydrates, %.1f g fat.\n", spec->targets.calories,
                          spec->targets.protein, spec->targets.carbohydrates, spec->targets.fat);
  g_string_append_printf (prompt, "Days: %u.\nMeals each day, in order:", spec->days);
  for (guint m = 0; m < spec->meals_per_day; m++)
    g_string_append_printf (prompt, "%s %s (about %.0f %% of the calories)", m > 0 ? ";" : "",
                            slots[m].name, 100 * slots[m].share);
  g_string_append (prompt, ".\nFoods (id|name|category|kcal|protein g|carbohydrates g|fat g,"
                           " per serving):\n");

  for (guint i = 0; i < foods->len && listed < MAX_PROMPT_FOODS; i++) {
    const FcPlanFood *food = &g_array_index (foods, FcPlanFood, i);

    if (spec_excludes (spec, food->id) || !fc_meal_plan_diet_allows (spec->diet, food))
      continue;
    g_string_append_printf (prompt, "%" G_GINT64_FORMAT "|%s|%s|%g|%g|%g|%g\n", food->id,
                            food->name, food->category, food->calories, food->protein,
                            food->carbohydrates, food->fat);
    listed++;
  }
  return g_string_free (prompt, FALSE);
}

static JsonNode *
message_node (const char *role,
              const char *content)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "role", role);
  json_object_set_string_member (object, "content", content);
  json_node_take_object (node, object);
  return node;
}

static GBytes *
build_request_body (const FcLlmConfig    *config,
                    GArray               *foods,
                    const FcMealPlanSpec *spec)
{
  g_autofree char *user = build_user_prompt (foods, spec);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *body = json_object_new ();
  JsonObject *format = json_object_new ();
  JsonArray *messages = json_array_new ();
  char *text;

  json_array_add_element (messages, message_node ("system", SYSTEM_PROMPT));
  json_array_add_element (messages, message_node ("user", user));
  json_object_set_string_member (format, "type", "json_object");

  json_object_set_string_member (body, "model", config->model);
  json_object_set_array_member (body, "messages", messages);
  json_object_set_double_member (body, "temperature", 0.2);
  json_object_set_object_member (body, "response_format", format);
  json_node_take_object (root, body);

  text = fc_json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* Models like to wrap JSON in a Markdown fence even when told not to. */
static char *
strip_fence (const char *content)
{
  g_autofree char *text = g_strstrip (g_strdup (content));
  const char *start = text;
  char *end;

  if (!g_str_has_prefix (text, "```"))
    return g_steal_pointer (&text);

  start = strchr (text, '\n');
  if (start == NULL)
    return g_strdup ("");
  end = g_strrstr (start, "```");
  if (end != NULL)
    *end = '\0';
  return g_strdup (start + 1);
}

static gboolean
parse_meal (JsonObject  *meal,
            FcPlanMeal  *out,
            GError     **error)
{
  JsonArray *items = fc_json_get_array (meal, "items");
  guint n;

  if (items == NULL || (n = json_array_get_length (items)) == 0 || n > FC_MEAL_PLAN_MAX_ITEMS) {
    g_set_error_literal (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                         "A meal has no list of 1 to 6 items");
    return FALSE;
  }

  out->n_items = n;
  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (items, i);
    JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

    if (item == NULL || !fc_json_get_int (item, "food_id", &out->items[i].food_id) ||
        !fc_json_get_double (item, "servings", &out->items[i].servings)) {
      g_set_error_literal (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                           "An item lacks an integer food_id or numeric servings");
      return FALSE;
    }
  }
  return TRUE;
}

FcMealPlan *
fc_meal_plan_llm_parse (const char  *content,
                        guint        days,
                        guint        meals_per_day,
                        GError     **error)
{
  g_autofree char *json = strip_fence (content != NULL ? content : "");
  g_autoptr(JsonObject) root = fc_json_parse_object (json, -1, error);
  g_autoptr(FcMealPlan) plan = NULL;
  JsonArray *day_list;

  if (root == NULL)
    return NULL;

  day_list = fc_json_get_array (root, "days");
  if (day_list == NULL || json_array_get_length (day_list) != days) {
    g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                 "The answer does not list %u days", days);
    return NULL;
  }

  plan = fc_meal_plan_new (days, meals_per_day);
  for (guint d = 0; d < days; d++) {
    JsonNode *day_node = json_array_get_element (day_list, d);
    JsonArray *meals = JSON_NODE_HOLDS_OBJECT (day_node)
                         ? fc_json_get_array (json_node_get_object (day_node), "meals")
                         : NULL;

    if (meals == NULL || json_array_get_length (meals) != meals_per_day) {
      g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                   "Day %u does not have %u meals", d + 1, meals_per_day);
      return NULL;
    }
    for (guint m = 0; m < meals_per_day; m++) {
      JsonNode *meal = json_array_get_element (meals, m);

      if (!JSON_NODE_HOLDS_OBJECT (meal)) {
        g_set_error (error, FC_MEAL_PLAN_ERROR, FC_MEAL_PLAN_ERROR_INVALID,
                     "Day %u, meal %u is not an object", d + 1, m + 1);
        return NULL;
      }
      if (!parse_meal (json_node_get_object (meal), &plan->meals[d * meals_per_day + m], error))
        return NULL;
    }
  }
  return g_steal_pointer (&plan);
}

static void
on_completion_read_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Proposal *proposal = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  g_autoptr(JsonObject) root = NULL;
  JsonArray *choices;
  JsonObject *message = NULL;
  const char *content = NULL;
  guint status;
  FcMealPlan *plan;

  if (bytes == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  status = soup_message_get_status (proposal->message);
  if (status != SOUP_STATUS_OK) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "The model answered HTTP %u", status);
    return;
  }

  root = fc_json_parse_object (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                               &error);
  if (root == NULL) {
    g_prefix_error (&error, "The model's answer is not JSON: ");
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  choices = fc_json_get_array (root, "choices");
  if (choices != NULL && json_array_get_length (choices) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    message = fc_json_get_object (json_array_get_object_element (choices, 0), "message");
  if (message != NULL)
    content = fc_json_get_string (message, "content");
  if (content == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             "The model's answer has no choices[0].message.content");
    return;
  }

  plan = fc_meal_plan_llm_parse (content, proposal->days, proposal->meals_per_day, &error);
  if (plan == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, plan, (GDestroyNotify) fc_meal_plan_free);
}

void
fc_meal_plan_llm_propose_async (SoupSession          *session,
                                const FcLlmConfig    *config,
                                GArray               *foods,
                                const FcMealPlanSpec *spec,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;
  g_autoptr(GBytes) body = NULL;
  Proposal *proposal;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (config != NULL && foods != NULL && spec != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_meal_plan_llm_propose_async);

  url = g_strconcat (config->base_url, "/chat/completions", NULL);
  proposal = g_new0 (Proposal, 1);
  proposal->days = spec->days;
  proposal->meals_per_day = spec->meals_per_day;
  proposal->message = soup_message_new ("POST", url);
  g_task_set_task_data (task, proposal, (GDestroyNotify) proposal_free);
  if (proposal->message == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "“%s” is not a URL", url);
    return;
  }

  bearer = g_strconcat ("Bearer ", config->api_key, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (proposal->message),
                                "Authorization", bearer);
  body = build_request_body (config, foods, spec);
  soup_message_set_request_body_from_bytes (proposal->message, "application/json", body);

  soup_session_send_and_read_async (session, proposal->message, G_PRIORITY_DEFAULT, cancellable,
                                    on_completion_read_cb, g_steal_pointer (&task));
}

FcMealPlan *
fc_meal_plan_llm_propose_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_meal_plan_llm_propose_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
