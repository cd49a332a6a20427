/* fc-admin-service.c — the staff's calls to api/v1/admin/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore-admin"

#include "config.h"

#include "fc-admin-service.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fc-json.h"

struct _FcAdminService
{
  GObject      parent_instance;

  /* Owned */
  FcApiClient *client;

  guint        list_requests;
};

G_DEFINE_FINAL_TYPE (FcAdminService, fc_admin_service, G_TYPE_OBJECT)

/* The staff see the server's sentences as they are ("You cannot remove
 * your own staff status."), not "is_staff: ...": a validation @error
 * (400) becomes one of every message @problem holds. */
static GError *
sentences_of_problem (FcApiProblem *problem,
                      GError       *error)
{
  g_auto(GStrv) fields = NULL;
  g_autoptr(GStrvBuilder) messages = NULL;
  g_auto(GStrv) all = NULL;
  g_autofree char *text = NULL;

  if (problem == NULL || !g_error_matches (error, FC_API_ERROR, FC_API_ERROR_VALIDATION))
    return error;
  fields = fc_api_problem_dup_field_names (problem);
  messages = g_strv_builder_new ();
  g_strv_builder_addv (messages, (const char **) fc_api_problem_get_non_field_messages (problem));
  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    g_strv_builder_addv (messages,
                         (const char **) fc_api_problem_get_field_messages (problem, fields[i]));
  all = g_strv_builder_end (messages);
  text = g_strjoinv (" ", all);
  if (*text == '\0')
    return error;
  g_error_free (error);
  return g_error_new (FC_API_ERROR, FC_API_ERROR_VALIDATION, "%s", text);
}

static void
on_request_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  JsonNode *node;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, &problem, &error);
  if (node == NULL)
    g_task_return_error (task, sentences_of_problem (problem, g_steal_pointer (&error)));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
send_request (FcAdminService      *self,
              const char          *method,
              const char          *path,
              JsonNode            *body,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  fc_api_client_request_async (self->client, method, path, body, NULL, FC_API_REQUEST_NONE,
                               cancellable, on_request_cb, g_steal_pointer (&task));
}

/* A request on one account: admin/users/{id}/@suffix. */
static void
send_user_request (FcAdminService      *self,
                   const char          *method,
                   gint64               id,
                   const char          *suffix,
                   JsonNode            *body,
                   gpointer             source_tag,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("admin/users/%" G_GINT64_FORMAT "/%s", id, suffix);

  send_request (self, method, path, body, source_tag, cancellable, callback, user_data);
}

/* The answer of @result as an object (a new reference), or an error. */
static JsonObject *
finish_object (FcAdminService  *self,
               GAsyncResult    *result,
               GError         **error)
{
  JsonNode *node;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  node = g_task_propagate_pointer (G_TASK (result), error);
  return node != NULL ? fc_api_answer_take_object (node, error) : NULL;
}

/* The answer of @result as a DRF page, or an error: @no_results when it
 * has no list of results. */
static JsonObject *
finish_page (FcAdminService  *self,
             GAsyncResult    *result,
             const char      *no_results,
             GError         **error)
{
  g_autoptr(JsonObject) page = finish_object (self, result, error);

  if (page != NULL && fc_json_get_array (page, "results") == NULL) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE, no_results);
    return NULL;
  }
  return g_steal_pointer (&page);
}

static void
fc_admin_service_dispose (GObject *object)
{
  FcAdminService *self = FC_ADMIN_SERVICE (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (fc_admin_service_parent_class)->dispose (object);
}

static void
fc_admin_service_class_init (FcAdminServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fc_admin_service_dispose;
}

static void
fc_admin_service_init (FcAdminService *self)
{
}

FcAdminService *
fc_admin_service_new (FcApiClient *client)
{
  FcAdminService *self;

  g_return_val_if_fail (FC_IS_API_CLIENT (client), NULL);

  self = g_object_new (FC_TYPE_ADMIN_SERVICE, NULL);
  self->client = g_object_ref (client);
  return self;
}

FcAdminService *
fc_admin_service_new_for_session (FcSession *session)
{
  FcApiClient *client;

  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  client = fc_session_get_client (session);
  return client != NULL ? fc_admin_service_new (client) : NULL;
}

guint
fc_admin_service_get_list_requests (FcAdminService *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_SERVICE (self), 0);

  return self->list_requests;
}

void
fc_admin_service_list_users_async (FcAdminService      *self,
                                   const char          *search,
                                   const char          *ordering,
                                   const char          *filters,
                                   guint                page,
                                   guint                page_size,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new ("admin/users/?");

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (page >= 1);

  g_string_append_printf (path, "page=%u&page_size=%u", page, page_size);
  if (search != NULL && *search != '\0') {
    g_autofree char *escaped = g_uri_escape_string (search, NULL, FALSE);

    g_string_append_printf (path, "&search=%s", escaped);
  }
  if (ordering != NULL && *ordering != '\0')
    g_string_append_printf (path, "&ordering=%s", ordering);
  if (filters != NULL && *filters != '\0')
    g_string_append_printf (path, "&%s", filters);

  self->list_requests++;
  send_request (self, "GET", path->str, NULL, fc_admin_service_list_users_async,
                cancellable, callback, user_data);
}

JsonObject *
fc_admin_service_list_users_finish (FcAdminService  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return finish_page (self, result, _("The server’s list of accounts has no results."), error);
}

void
fc_admin_service_get_user_async (FcAdminService      *self,
                                 gint64               id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  send_user_request (self, "GET", id, "", NULL, fc_admin_service_get_user_async,
                     cancellable, callback, user_data);
}

void
fc_admin_service_update_user_async (FcAdminService      *self,
                                    gint64               id,
                                    JsonObject          *changes,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (changes != NULL);

  body = json_node_init_object (json_node_alloc (), changes);
  send_user_request (self, "PATCH", id, "", body, fc_admin_service_update_user_async,
                     cancellable, callback, user_data);
}

JsonObject *
fc_admin_service_user_finish (FcAdminService  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  return finish_object (self, result, error);
}

void
fc_admin_service_send_password_reset_async (FcAdminService      *self,
                                            gint64               id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  send_user_request (self, "POST", id, "password-reset/", NULL,
                     fc_admin_service_send_password_reset_async, cancellable, callback, user_data);
}

gboolean
fc_admin_service_send_password_reset_finish (FcAdminService  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  node = g_task_propagate_pointer (G_TASK (result), error);
  return node != NULL;
}

void
fc_admin_service_user_audit_async (FcAdminService      *self,
                                   gint64               id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  path = g_strdup_printf ("admin/audit/?object_type=user&object_id=%" G_GINT64_FORMAT
                          "&page_size=50", id);
  send_request (self, "GET", path, NULL, fc_admin_service_user_audit_async,
                cancellable, callback, user_data);
}

JsonArray *
fc_admin_service_user_audit_finish (FcAdminService  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_autoptr(JsonObject) page = finish_object (self, result, error);
  JsonArray *results;

  if (page == NULL)
    return NULL;
  results = fc_json_get_array (page, "results");
  if (results == NULL) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server’s audit trail has no results."));
    return NULL;
  }
  return json_array_ref (results);
}

void
fc_admin_service_stats_async (FcAdminService      *self,
                              const char          *from,
                              const char          *to,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (from != NULL && to != NULL);

  path = g_strdup_printf ("admin/stats/?from=%s&to=%s", from, to);
  send_request (self, "GET", path, NULL, fc_admin_service_stats_async,
                cancellable, callback, user_data);
}

JsonObject *
fc_admin_service_stats_finish (FcAdminService  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  return finish_object (self, result, error);
}

FcApiClient *
fc_admin_service_get_client (FcAdminService *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_SERVICE (self), NULL);

  return self->client;
}

static void
on_list_fetched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonArray *items = fc_api_client_fetch_all_finish (FC_API_CLIENT (source), result, NULL,
                                                     &error);

  if (items == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, items, (GDestroyNotify) json_array_unref);
}

static void
fetch_list (FcAdminService      *self,
            const char          *path,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fetch_list);
  fc_api_client_fetch_all_async (self->client, path, FC_API_REQUEST_NONE, NULL, NULL, NULL,
                                 cancellable, on_list_fetched_cb, g_steal_pointer (&task));
}

void
fc_admin_service_list_workouts_async (FcAdminService      *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  fetch_list (self, "workouts/workouts/?page_size=100", cancellable, callback, user_data);
}

void
fc_admin_service_list_categories_async (FcAdminService      *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  fetch_list (self, "workouts/categories/?page_size=100", cancellable, callback, user_data);
}

JsonArray *
fc_admin_service_list_finish (FcAdminService  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A request on one workout: workouts/workouts/{id}/. */
static void
send_workout_request (FcAdminService      *self,
                      const char          *method,
                      gint64               id,
                      JsonNode            *body,
                      gpointer             source_tag,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("workouts/workouts/%" G_GINT64_FORMAT "/", id);

  send_request (self, method, path, body, source_tag, cancellable, callback, user_data);
}

void
fc_admin_service_get_workout_async (FcAdminService      *self,
                                    gint64               id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  send_workout_request (self, "GET", id, NULL, fc_admin_service_get_workout_async, cancellable,
                        callback, user_data);
}

void
fc_admin_service_save_workout_async (FcAdminService      *self,
                                     gint64               id,
                                     JsonObject          *fields,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (fields != NULL);

  body = json_node_init_object (json_node_alloc (), fields);
  if (id > 0)
    send_workout_request (self, "PATCH", id, body, fc_admin_service_save_workout_async,
                          cancellable, callback, user_data);
  else
    send_request (self, "POST", "workouts/workouts/", body, fc_admin_service_save_workout_async,
                  cancellable, callback, user_data);
}

static void
on_raw_request_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *node = fc_api_client_request_raw_finish (FC_API_CLIENT (source), result, NULL, NULL,
                                                     NULL, &error);

  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

void
fc_admin_service_set_thumbnail_async (FcAdminService      *self,
                                      gint64               id,
                                      GBytes              *image,
                                      const char          *content_type,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (image != NULL && content_type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_admin_service_set_thumbnail_async);
  path = g_strdup_printf ("admin/workouts/%" G_GINT64_FORMAT "/thumbnail/", id);
  fc_api_client_request_raw_async (self->client, "PUT", path, image, content_type, NULL, NULL,
                                   FC_API_REQUEST_NONE, cancellable, on_raw_request_cb,
                                   g_steal_pointer (&task));
}

JsonObject *
fc_admin_service_workout_finish (FcAdminService  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return finish_object (self, result, error);
}

void
fc_admin_service_reorder_videos_async (FcAdminService      *self,
                                       gint64               id,
                                       GArray              *ids,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  JsonArray *videos = json_array_new ();

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (ids != NULL);

  for (guint i = 0; i < ids->len; i++)
    json_array_add_int_element (videos, g_array_index (ids, gint64, i));
  json_object_set_array_member (object, "videos", videos);
  body = json_node_init_object (json_node_alloc (), object);
  path = g_strdup_printf ("admin/workouts/%" G_GINT64_FORMAT "/video-order/", id);
  send_request (self, "PUT", path, body, fc_admin_service_reorder_videos_async, cancellable,
                callback, user_data);
}

void
fc_admin_service_delete_workout_async (FcAdminService      *self,
                                       gint64               id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  send_workout_request (self, "DELETE", id, NULL, fc_admin_service_delete_workout_async,
                        cancellable, callback, user_data);
}

gboolean
fc_admin_service_done_finish (FcAdminService  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  return fc_admin_service_send_password_reset_finish (self, result, error);
}

/* Meal-plan templates */

void
fc_admin_service_list_templates_async (FcAdminService      *self,
                                       const char          *search,
                                       guint                page,
                                       guint                page_size,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (page >= 1);

  if (search != NULL && *search != '\0')
    escaped = g_uri_escape_string (search, NULL, FALSE);
  path = g_strdup_printf ("admin/meal-plan-templates/?page=%u&page_size=%u%s%s", page, page_size,
                          escaped != NULL ? "&search=" : "", escaped != NULL ? escaped : "");
  self->list_requests++;
  send_request (self, "GET", path, NULL, fc_admin_service_list_templates_async, cancellable,
                callback, user_data);
}

JsonObject *
fc_admin_service_list_templates_finish (FcAdminService  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_page (self, result, _("The server’s list of templates has no results."), error);
}

void
fc_admin_service_update_template_async (FcAdminService      *self,
                                        gint64               id,
                                        JsonObject          *changes,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (changes != NULL);

  body = json_node_init_object (json_node_alloc (), changes);
  path = g_strdup_printf ("admin/meal-plan-templates/%" G_GINT64_FORMAT "/", id);
  send_request (self, "PATCH", path, body, fc_admin_service_update_template_async, cancellable,
                callback, user_data);
}

JsonObject *
fc_admin_service_update_template_finish (FcAdminService  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  return finish_object (self, result, error);
}

void
fc_admin_service_delete_template_async (FcAdminService      *self,
                                        gint64               id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  path = g_strdup_printf ("admin/meal-plan-templates/%" G_GINT64_FORMAT "/", id);
  send_request (self, "DELETE", path, NULL, fc_admin_service_delete_template_async, cancellable,
                callback, user_data);
}

/* Foods import */

static void
on_import_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  JsonNode *node = fc_api_client_request_raw_finish (FC_API_CLIENT (source), result, NULL, NULL,
                                                     &problem, &error);
  JsonNode *raw;

  if (node != NULL) {
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
    return;
  }
  /* A commit refused for its rows answers the dry run's report: kept for
   * the caller, who shows the rows rather than one sentence. */
  raw = problem != NULL ? fc_api_problem_get_raw (problem) : NULL;
  if (raw != NULL && JSON_NODE_HOLDS_OBJECT (raw) &&
      fc_json_get_array (json_node_get_object (raw), "refused") != NULL) {
    g_task_set_task_data (task, json_object_ref (json_node_get_object (raw)),
                          (GDestroyNotify) json_object_unref);
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_VALIDATION, "%s",
                             _("The server refused some rows of the file."));
    return;
  }
  g_task_return_error (task, sentences_of_problem (problem, g_steal_pointer (&error)));
}

void
fc_admin_service_import_foods_async (FcAdminService      *self,
                                     GBytes              *csv,
                                     gboolean             dry_run,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (csv != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_admin_service_import_foods_async);
  if (g_bytes_get_size (csv) > FC_ADMIN_FOODS_IMPORT_MAX_SIZE) {
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_VALIDATION,
                             /* Translators: %d is a number of MiB. */
                             _("The file is larger than %d MiB: split it into smaller files."),
                             FC_ADMIN_FOODS_IMPORT_MAX_SIZE / (1024 * 1024));
    return;
  }
  fc_api_client_request_raw_async (self->client, "POST",
                                   dry_run ? "admin/foods/import/?dry_run=true"
                                           : "admin/foods/import/",
                                   csv, "text/csv; charset=utf-8", NULL, NULL,
                                   FC_API_REQUEST_NONE, cancellable, on_import_cb,
                                   g_steal_pointer (&task));
}

JsonObject *
fc_admin_service_import_foods_finish (FcAdminService  *self,
                                      GAsyncResult    *result,
                                      JsonObject     **out_refusal,
                                      GError         **error)
{
  JsonObject *refusal;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  refusal = g_task_get_task_data (G_TASK (result));
  if (out_refusal != NULL)
    *out_refusal = refusal != NULL ? json_object_ref (refusal) : NULL;
  return finish_object (self, result, error);
}

GBytes *
fc_admin_csv_without_rows (GBytes *csv,
                           GArray *rows)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize length = 0;
  const char *text;
  gboolean quoted = FALSE, was_quoted = FALSE, field_empty = TRUE;
  guint n_fields = 1, row = 0;
  gsize i = 0, start;

  g_return_val_if_fail (csv != NULL, NULL);
  g_return_val_if_fail (rows != NULL, NULL);

  text = g_bytes_get_data (csv, &length);
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  /* The server's reading of RFC 4180, step by step (parse_csv () in
   * src/server/admin/fc-admin-foods.c), so that rows are numbered alike:
   * a quote opens a field only at its start, a doubled quote inside one
   * is a quote, and a blank line (one empty, unquoted field) is no row. */
  for (start = i; i <= length; i++) {
    char c = i < length ? text[i] : '\n';

    if (quoted) {
      if (i == length)
        break;
      if (c == '"' && i + 1 < length && text[i + 1] == '"')
        i++;
      else if (c == '"')
        quoted = FALSE;
    } else if (c == '"' && field_empty && !was_quoted) {
      quoted = was_quoted = TRUE;
    } else if (c == ',') {
      n_fields++;
      field_empty = TRUE;
      was_quoted = FALSE;
    } else if (c == '\n' || c == '\r') {
      gsize end = i;

      if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
        i++;
      if (n_fields > 1 || !field_empty || was_quoted) {
        gboolean dropped = FALSE;

        /* The header is row 1 and always stays. */
        row++;
        for (guint k = 0; row > 1 && k < rows->len && !dropped; k++)
          dropped = g_array_index (rows, guint, k) == row;
        if (!dropped) {
          g_byte_array_append (out, (const guint8 *) text + start, end - start);
          g_byte_array_append (out, (const guint8 *) "\r\n", 2);
        }
      }
      start = i + 1;
      n_fields = 1;
      field_empty = TRUE;
      was_quoted = FALSE;
      if (i + 1 >= length)
        break;
    } else {
      field_empty = FALSE;
    }
  }
  /* A quote left open: the rest as it is, for the server to refuse. */
  if (start < length && quoted)
    g_byte_array_append (out, (const guint8 *) text + start, length - start);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
