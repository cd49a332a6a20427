/* fc-meal-plan-actions.c — meal-plan requests that only the server can do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-meal-plan-actions"

#include "config.h"

#include "fc-meal-plan-actions.h"

#include <glib/gi18n-lib.h>

#include "fc-json.h"
#include "fc-time.h"

G_DEFINE_QUARK (fc-meal-plan-actions-error-quark, fc_meal_plan_actions_error)

/* What a session's server said about generation, kept on the session. */
typedef enum {
  GENERATE_UNKNOWN,
  GENERATE_SUPPORTED,
  GENERATE_UNSUPPORTED,
} GenerateSupport;

typedef struct {
  FcSession *session;
  gint64     source_id;   /* the copied plan; 0 for generation */
  gint64     new_id;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_clear_object (&data->session);
  g_free (data);
}

static GQuark
generate_support_quark (void)
{
  return g_quark_from_static_string ("fc-meal-plan-actions-generate");
}

/* Kept on the session per server URL: one FcSession signs in to one
 * server after another. */
static GHashTable *
get_support_table (FcSession *session)
{
  GHashTable *table = g_object_get_qdata (G_OBJECT (session), generate_support_quark ());

  if (table == NULL) {
    table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_object_set_qdata_full (G_OBJECT (session), generate_support_quark (), table,
                             (GDestroyNotify) g_hash_table_unref);
  }
  return table;
}

static GenerateSupport
get_generate_support (FcSession *session)
{
  const char *url = fc_session_get_server_url (session);

  if (url == NULL)
    return GENERATE_UNKNOWN;
  return GPOINTER_TO_INT (g_hash_table_lookup (get_support_table (session), url));
}

static void
set_generate_support (FcSession       *session,
                      GenerateSupport  support)
{
  const char *url = fc_session_get_server_url (session);

  if (url != NULL)
    g_hash_table_insert (get_support_table (session), g_strdup (url), GINT_TO_POINTER (support));
}

static GError *
offline_error (gint64 source_id)
{
  return g_error_new_literal (FC_MEAL_PLAN_ACTIONS_ERROR, FC_MEAL_PLAN_ACTIONS_ERROR_OFFLINE,
                              source_id != 0
                              ? _("Copying a template needs a connection to the server")
                              : _("Generating a plan needs a connection to the server"));
}

/* Turns what the client reported into the error the user reads. */
static GError *
action_error (gint64         source_id,
              FcApiProblem  *problem,
              GError        *error)
{
  if (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NETWORK) ||
      g_error_matches (error, FC_API_ERROR, FC_API_ERROR_TIMEOUT) ||
      g_error_matches (error, FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED))
    return offline_error (source_id);
  if (source_id == 0 && g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND))
    return g_error_new_literal (FC_MEAL_PLAN_ACTIONS_ERROR, FC_MEAL_PLAN_ACTIONS_ERROR_UNSUPPORTED,
                                _("This server cannot generate meal plans"));
  /* The Django backend finds only the caller's own plans to copy (wire
   * file §4.11), so another user's template is "not found" there. */
  if (source_id != 0 && g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND))
    return g_error_new_literal (FC_API_ERROR, FC_API_ERROR_NOT_FOUND,
                                _("This template cannot be copied: it was removed, or this "
                                  "server lets only its owner copy it"));
  if (problem != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return fc_api_problem_to_error (problem);
  return g_error_copy (error);
}

static void
on_upsert_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ActionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fc_store_upsert_finish (FC_STORE (source), result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_task_return_int (task, data->new_id);
}

/* The plan's meals come in full as scheduled_meals[].meal_detail from
 * fitcore-server and are stored with it; a schedule that names meals only
 * by id needs a pull to bring them. */
static gboolean
schedule_lacks_meal_details (JsonObject *plan)
{
  JsonArray *schedule = fc_json_get_array (plan, "scheduled_meals");

  for (guint i = 0; schedule != NULL && i < json_array_get_length (schedule); i++) {
    JsonNode *node = json_array_get_element (schedule, i);

    if (!JSON_NODE_HOLDS_OBJECT (node) ||
        fc_json_get_object (json_node_get_object (node), "meal_detail") == NULL)
      return TRUE;
  }
  return FALSE;
}

static void
store_plan (GTask      *task,
            JsonObject *plan)
{
  ActionData *data = g_task_get_task_data (task);
  FcStore *store = fc_session_get_store (data->session);
  g_autoptr(JsonArray) page = json_array_new ();

  if (store == NULL) {
    g_task_return_error (task, offline_error (data->source_id));
    g_object_unref (task);
    return;
  }
  if (schedule_lacks_meal_details (plan))
    fc_sync_engine_request_sync (fc_session_get_sync_engine (data->session));
  json_array_add_object_element (page, json_object_ref (plan));
  fc_store_upsert_async (store, FC_STORE_MEAL_PLANS, page, g_task_get_cancellable (task),
                         on_upsert_done_cb, task);
}

static void
on_source_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  JsonObject *plan = g_object_get_data (G_OBJECT (task), "plan");
  g_autoptr(JsonObject) template = fc_store_get_object_finish (FC_STORE (source), result, NULL);
  JsonArray *schedule = template != NULL ? fc_json_get_array (template, "scheduled_meals") : NULL;

  /* The server copied the schedule rows; it only did not say so. */
  if (schedule != NULL)
    json_object_set_array_member (plan, "scheduled_meals", json_array_ref (schedule));
  store_plan (task, plan);
}

static void
on_request_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  ActionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *plan;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, &problem, &error);
  if (node == NULL) {
    g_autoptr(GError) shown = action_error (data->source_id, problem, error);

    /* A 404 where the server's offers said it generates: they are
     * learned again (another version, or another server at that address). */
    if (g_error_matches (shown, FC_MEAL_PLAN_ACTIONS_ERROR, FC_MEAL_PLAN_ACTIONS_ERROR_UNSUPPORTED)) {
      set_generate_support (data->session, GENERATE_UNSUPPORTED);
      if (fc_session_get_sync_engine (data->session) != NULL)
        fc_sync_engine_forget_offers (fc_session_get_sync_engine (data->session));
    }
    g_task_return_error (task, g_steal_pointer (&shown));
    g_object_unref (task);
    return;
  }
  if (data->source_id == 0)
    set_generate_support (data->session, GENERATE_SUPPORTED);

  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      !fc_json_get_int (json_node_get_object (node), "id", &data->new_id) ||
      data->new_id <= 0) {
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server answered without the new plan"));
    g_object_unref (task);
    return;
  }
  plan = json_node_get_object (node);
  g_object_set_data_full (G_OBJECT (task), "plan", json_object_ref (plan),
                          (GDestroyNotify) json_object_unref);

  if (data->source_id != 0 && fc_json_get_array (plan, "scheduled_meals") == NULL &&
      fc_session_get_store (data->session) != NULL) {
    fc_store_get_object_async (fc_session_get_store (data->session), FC_STORE_MEAL_PLANS,
                               data->source_id, g_task_get_cancellable (task),
                               on_source_loaded_cb, task);
    return;
  }
  store_plan (task, plan);
}

static void
start_request (GTask      *task,
               const char *path,
               JsonNode   *body)
{
  ActionData *data = g_task_get_task_data (task);
  FcApiClient *client = fc_session_get_client (data->session);

  if (client == NULL || fc_session_get_store (data->session) == NULL) {
    g_task_return_error (task, offline_error (data->source_id));
    g_object_unref (task);
    return;
  }
  fc_api_client_request_async (client, "POST", path, body, NULL, FC_API_REQUEST_NONE,
                               g_task_get_cancellable (task), on_request_done_cb, task);
}

static GTask *
new_action_task (FcSession           *session,
                 gint64               source_id,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  ActionData *data = g_new0 (ActionData, 1);

  g_task_set_source_tag (task, source_tag);
  data->session = g_object_ref (session);
  data->source_id = source_id;
  g_task_set_task_data (task, data, (GDestroyNotify) action_data_free);
  return task;
}

/* The new plan's id, or 0 with @error set (g_task_propagate_int() would
 * give -1). */
static gint64
propagate_id (FcSession     *session,
              GAsyncResult  *result,
              gpointer       source_tag,
              GError       **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, session), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, 0);

  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? id : 0;
}

void
fc_meal_plan_actions_generate_async (FcSession           *session,
                                     const char          *goal,
                                     guint                duration_days,
                                     guint                meals_per_day,
                                     const GDate         *start_date,
                                     GArray              *exclude_food_ids,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (FC_IS_SESSION (session));
  g_return_if_fail (goal != NULL);

  task = new_action_task (session, 0, fc_meal_plan_actions_generate_async, cancellable,
                          callback, user_data);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "goal");
  json_builder_add_string_value (builder, goal);
  json_builder_set_member_name (builder, "duration_days");
  json_builder_add_int_value (builder, duration_days);
  json_builder_set_member_name (builder, "meals_per_day");
  json_builder_add_int_value (builder, meals_per_day);
  if (start_date != NULL && g_date_valid (start_date)) {
    g_autofree char *text = fc_time_format_date (start_date);

    json_builder_set_member_name (builder, "start_date");
    json_builder_add_string_value (builder, text);
  }
  if (exclude_food_ids != NULL && exclude_food_ids->len > 0) {
    json_builder_set_member_name (builder, "exclude_food_ids");
    json_builder_begin_array (builder);
    for (guint i = 0; i < exclude_food_ids->len; i++)
      json_builder_add_int_value (builder, g_array_index (exclude_food_ids, gint64, i));
    json_builder_end_array (builder);
  }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  start_request (task, "nutrition/generate/", body);
}

gint64
fc_meal_plan_actions_generate_finish (FcSession     *session,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return propagate_id (session, result, fc_meal_plan_actions_generate_async, error);
}

void
fc_meal_plan_actions_copy_async (FcSession           *session,
                                 gint64               plan_id,
                                 const GDate         *start_date,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (FC_IS_SESSION (session));
  g_return_if_fail (plan_id != 0);

  task = new_action_task (session, plan_id, fc_meal_plan_actions_copy_async, cancellable,
                          callback, user_data);

  /* A plan not yet on the server has nothing there to copy. */
  if (plan_id < 0) {
    g_task_return_error (task, offline_error (plan_id));
    g_object_unref (task);
    return;
  }
  path = g_strdup_printf ("nutrition/meal-plans/%" G_GINT64_FORMAT "/copy/", plan_id);
  if (start_date != NULL && g_date_valid (start_date)) {
    g_autofree char *text = fc_time_format_date (start_date);
    JsonObject *object = json_object_new ();

    json_object_set_string_member (object, "start_date", text);
    body = json_node_init_object (json_node_alloc (), object);
    json_object_unref (object);
  }
  start_request (task, path, body);
}

gint64
fc_meal_plan_actions_copy_finish (FcSession     *session,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return propagate_id (session, result, fc_meal_plan_actions_copy_async, error);
}

static void
on_templates_fetched_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  JsonArray *templates;

  templates = fc_api_client_fetch_all_finish (FC_API_CLIENT (source), result, &problem, &error);
  if (templates == NULL) {
    g_task_return_error (task, action_error (1, problem, error));
    return;
  }
  g_task_return_pointer (task, templates, (GDestroyNotify) json_array_unref);
}

static void
fetch_templates (GTask *task)
{
  FcSession *session = g_task_get_source_object (task);
  FcApiClient *client = fc_session_get_client (session);

  if (client == NULL) {
    g_task_return_error (task, offline_error (1));
    g_object_unref (task);
    return;
  }
  fc_api_client_fetch_all_async (client, "nutrition/meal-plans/templates/", FC_API_REQUEST_NONE,
                                 NULL, NULL, NULL, g_task_get_cancellable (task),
                                 on_templates_fetched_cb, task);
}

static void
on_stored_templates_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JsonArray *templates = fc_store_list_objects_finish (FC_STORE (source), result, NULL);

  if (templates == NULL) {
    fetch_templates (g_steal_pointer (&task));
    return;
  }
  g_task_return_pointer (task, templates, (GDestroyNotify) json_array_unref);
}

static void
on_templates_pulled_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *pulled = fc_store_get_sync_value_finish (FC_STORE (source), result, NULL);

  /* Not in the store before the first sync has pulled them. */
  if (pulled == NULL) {
    fetch_templates (g_steal_pointer (&task));
    return;
  }
  fc_store_list_objects_async (FC_STORE (source), FC_STORE_MEAL_PLAN_TEMPLATES, cancellable,
                               on_stored_templates_cb, g_steal_pointer (&task));
}

/* From the store, which the sync keeps (the change feed carries them), so
 * the Plans page asks the server nothing; from the server only before the
 * first sync has pulled them. */
void
fc_meal_plan_actions_list_templates_async (FcSession           *session,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;
  FcStore *store;

  g_return_if_fail (FC_IS_SESSION (session));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_meal_plan_actions_list_templates_async);
  store = fc_session_get_store (session);
  if (store == NULL) {
    fetch_templates (task);
    return;
  }
  fc_store_get_sync_value_async (store, FC_SYNC_ENGINE_TEMPLATES_PULLED_KEY, cancellable,
                                 on_templates_pulled_cb, task);
}

JsonArray *
fc_meal_plan_actions_list_templates_finish (FcSession     *session,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_probe_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSession *session = g_task_get_source_object (task);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, &status, NULL, NULL);
  if (status == 404)
    set_generate_support (session, GENERATE_UNSUPPORTED);
  else if (status >= 200 && status < 500)
    set_generate_support (session, GENERATE_SUPPORTED);
  g_task_return_boolean (task, fc_meal_plan_actions_can_generate (session));
}

static void
probe_generate (GTask *task)
{
  FcSession *session = g_task_get_source_object (task);
  FcApiClient *client = fc_session_get_client (session);
  g_autoptr(JsonNode) body = NULL;

  /* Never without a token: the route needs one. */
  if (client == NULL || !fc_api_client_is_signed_in (client)) {
    g_task_return_boolean (task, fc_meal_plan_actions_can_generate (session));
    g_object_unref (task);
    return;
  }
  /* An empty body fails validation before anything is generated. */
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  fc_api_client_request_async (client, "POST", "nutrition/generate/", body, NULL,
                               FC_API_REQUEST_NONE, g_task_get_cancellable (task),
                               on_probe_done_cb, task);
}

static void
on_offers_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  FcSession *session = g_task_get_source_object (task);
  g_autofree char *text = fc_store_get_sync_value_finish (FC_STORE (source), result, NULL);
  g_autoptr(JsonNode) node = text != NULL ? fc_json_parse (text, -1, NULL) : NULL;
  JsonObject *offers = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                                                      : NULL;
  gboolean generate;

  /* What the sync engine learned of this server (once per version). */
  if (offers != NULL &&
      fc_session_get_client (session) != NULL &&
      g_strcmp0 (fc_json_get_string (offers, "server"),
                 fc_api_client_get_base_url (fc_session_get_client (session))) == 0 &&
      fc_json_get_boolean (offers, "generate", &generate)) {
    set_generate_support (session, generate ? GENERATE_SUPPORTED : GENERATE_UNSUPPORTED);
    g_task_return_boolean (task, generate);
    g_object_unref (task);
    return;
  }
  probe_generate (task);
}

/* Asks the server only when neither this session nor the store (the sync
 * engine's offers, kept per server and version) knows. */
void
fc_meal_plan_actions_check_generate_async (FcSession           *session,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;
  FcStore *store;

  g_return_if_fail (FC_IS_SESSION (session));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_meal_plan_actions_check_generate_async);
  if (fc_session_get_client (session) == NULL || get_generate_support (session) != GENERATE_UNKNOWN) {
    g_task_return_boolean (task, fc_meal_plan_actions_can_generate (session));
    g_object_unref (task);
    return;
  }
  store = fc_session_get_store (session);
  if (store == NULL) {
    probe_generate (task);
    return;
  }
  fc_store_get_sync_value_async (store, FC_SYNC_ENGINE_OFFERS_KEY, cancellable,
                                 on_offers_read_cb, task);
}

gboolean
fc_meal_plan_actions_check_generate_finish (FcSession    *session,
                                            GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, session), TRUE);

  return g_task_propagate_boolean (G_TASK (result), NULL);
}

gboolean
fc_meal_plan_actions_can_generate (FcSession *session)
{
  g_return_val_if_fail (FC_IS_SESSION (session), TRUE);

  return get_generate_support (session) != GENERATE_UNSUPPORTED;
}
