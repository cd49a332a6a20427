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
#include "fc-store-admin.h"

struct _FcAdminService
{
  GObject      parent_instance;

  /* Owned */
  FcApiClient *client;
  FcStore     *store;   /* NULL: every call is live (no outbox) */

  guint        list_requests;
};

G_DEFINE_FINAL_TYPE (FcAdminService, fc_admin_service, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void store_write        (FcAdminService      *self,
                                const char          *resource,
                                FcStoreAdminWrite    kind,
                                gint64               id,
                                JsonObject          *fields,
                                gpointer             source_tag,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
static void read_through       (FcAdminService      *self,
                                const char          *path,
                                const char          *resource,
                                gint64               id,
                                gpointer             source_tag,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);

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
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fc_admin_service_parent_class)->dispose (object);
}

static void
fc_admin_service_class_init (FcAdminServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fc_admin_service_dispose;

  /* FcAdminService::changed: what the store keeps of an admin resource
   * (the detail, and the argument: FC_STORE_ADMIN_WORKOUTS, ...) changed:
   * an edit made, sent or discarded, or a list read. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
on_store_changed_cb (FcAdminService *self,
                     const char     *resource)
{
  if (fc_store_admin_is_resource (resource))
    g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (resource), resource);
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
  if (client == NULL)
    return NULL;
  return fc_admin_service_new_with_store (client, fc_session_get_store (session));
}

FcAdminService *
fc_admin_service_new_with_store (FcApiClient *client,
                                 FcStore     *store)
{
  FcAdminService *self;

  g_return_val_if_fail (store == NULL || FC_IS_STORE (store), NULL);

  self = fc_admin_service_new (client);
  if (self != NULL && store != NULL) {
    self->store = g_object_ref (store);
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self,
                             G_CONNECT_SWAPPED);
  }
  return self;
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

  if (self->store != NULL) {
    g_autofree char *path = g_strdup_printf ("admin/users/%" G_GINT64_FORMAT "/", id);

    read_through (self, path, FC_STORE_ADMIN_USERS, id, fc_admin_service_get_user_async,
                  cancellable, callback, user_data);
    return;
  }
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

  if (self->store != NULL) {
    store_write (self, FC_STORE_ADMIN_USERS, FC_STORE_ADMIN_UPDATE, id, changes,
                 fc_admin_service_update_user_async, cancellable, callback, user_data);
    return;
  }
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

  if (self->store != NULL) {
    read_through (self, "workouts/workouts/?page_size=100", FC_STORE_ADMIN_WORKOUTS, 0,
                  fetch_list, cancellable, callback, user_data);
    return;
  }
  fetch_list (self, "workouts/workouts/?page_size=100", cancellable, callback, user_data);
}

void
fc_admin_service_list_categories_async (FcAdminService      *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  if (self->store != NULL) {
    read_through (self, "workouts/categories/?page_size=100", FC_STORE_ADMIN_CATEGORIES, 0,
                  fetch_list, cancellable, callback, user_data);
    return;
  }
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

  if (self->store != NULL) {
    g_autofree char *path = g_strdup_printf ("workouts/workouts/%" G_GINT64_FORMAT "/", id);

    read_through (self, path, FC_STORE_ADMIN_WORKOUTS, id, fc_admin_service_get_workout_async,
                  cancellable, callback, user_data);
    return;
  }
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

  if (self->store != NULL) {
    store_write (self, FC_STORE_ADMIN_WORKOUTS,
                 id != 0 ? FC_STORE_ADMIN_UPDATE : FC_STORE_ADMIN_CREATE, id, fields,
                 fc_admin_service_save_workout_async, cancellable, callback, user_data);
    return;
  }
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

  if (self->store != NULL) {
    store_write (self, FC_STORE_ADMIN_WORKOUTS, FC_STORE_ADMIN_DELETE, id, NULL,
                 fc_admin_service_delete_workout_async, cancellable, callback, user_data);
    return;
  }
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

/* Offline: staff edits wait in the store's outbox (src/store/fc-store-admin.h)
 *
 * With a store (the signed-in account's), a write changes the kept object
 * and queues its request in one transaction; the sync engine sends it at
 * once, or when the server can be reached again, and a refusal waits in
 * the outbox's attention list like any other. Reads go to the server,
 * keep what it answers (a kept object with a waiting edit stays as the
 * edit made it) and answer from the store; when the server cannot be
 * reached they answer from the store alone. */

static gboolean
is_offline (const GError *error)
{
  return g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NETWORK) ||
         g_error_matches (error, FC_API_ERROR, FC_API_ERROR_TIMEOUT) ||
         g_error_matches (error, FC_API_ERROR, FC_API_ERROR_SERVER);
}

static void
return_object (GTask      *task,
               JsonObject *object)
{
  g_task_return_pointer (task, json_node_init_object (json_node_alloc (), object),
                         (GDestroyNotify) json_node_unref);
}

/* A write waits in the store's outbox; the caller hears of it when its
 * fate is known, so the Admin section behaves as it did when every write
 * was live: sent, the answer is the object with the server's answer (a
 * created one with the server's id); refused while the staff member waits
 * for it, the answer is the server's sentences, and the write is undone
 * (discarded) there and then, since it was said where it was made; not
 * sent because the server cannot be reached (a row of the outbox waits
 * for its next try), or not within SETTLE_TIMEOUT_S, the answer is the
 * object as the store has it, and the write goes when it can. A write
 * refused later stays in the outbox's attention list with the others. */
#define SETTLE_TIMEOUT_S 20

typedef struct {
  FcStore    *store;
  const char *resource;   /* static */
  gint64      id;
  gint64      row_id;
  JsonObject *kept;
  gulong      handler;
  guint       timeout_id;
  gboolean    listing;
  gboolean    again;
  gboolean    done;
} Settle;

static void
settle_free (Settle *settle)
{
  g_assert (settle->handler == 0 && settle->timeout_id == 0);
  g_clear_object (&settle->store);
  g_clear_pointer (&settle->kept, json_object_unref);
  g_free (settle);
}

/* Stops listening; the task's own reference goes with the handler. */
static void
settle_stop (GTask *task)
{
  Settle *settle = g_task_get_task_data (task);

  settle->done = TRUE;
  g_clear_signal_handler (&settle->handler, settle->store);
  g_clear_handle_id (&settle->timeout_id, g_source_remove);
}

static void
on_sent_object_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Settle *settle = g_task_get_task_data (task);
  g_autoptr(JsonObject) object = fc_store_admin_get_finish (FC_STORE (source), result, NULL);

  /* A deletion leaves nothing kept: the answer is the object as it was. */
  return_object (task, object != NULL ? object : settle->kept);
}

static void
on_refusal_discarded_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *refusal = g_object_steal_data (G_OBJECT (task), "refusal");
  g_autoptr(GError) error = NULL;

  if (!fc_store_outbox_discard_finish (FC_STORE (source), result, &error))
    g_warning ("A refused admin edit was not undone: %s", error->message);
  g_task_return_error (task, refusal);
}

static void settle_check (GTask *task);

/* Not sent yet: the kept object, "dirty" so that the page can say the
 * change will go when the server can be reached. */
static void
return_waiting (GTask *task)
{
  Settle *settle = g_task_get_task_data (task);

  json_object_set_boolean_member (settle->kept, "dirty", TRUE);
  return_object (task, settle->kept);
}

static void
on_rows_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Settle *settle = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rows = fc_store_outbox_list_finish (FC_STORE (source), result, NULL);
  FcOutboxItem *row = NULL;
  gboolean stalled = FALSE;

  settle->listing = FALSE;
  if (settle->done)
    return;
  for (guint i = 0; rows != NULL && i < rows->len; i++) {
    FcOutboxItem *item = rows->pdata[i];

    if (fc_outbox_item_get_id (item) == settle->row_id)
      row = item;
    stalled |= fc_outbox_item_get_state (item) == FC_OUTBOX_STATE_WAITING;
  }

  if (rows != NULL && row == NULL) {
    settle_stop (task);
    fc_store_admin_get_async (settle->store, settle->resource, settle->id, NULL,
                              on_sent_object_cb, g_steal_pointer (&task));
  } else if (row != NULL && fc_outbox_item_get_state (row) == FC_OUTBOX_STATE_REJECTED) {
    const char *raw = fc_outbox_item_get_field_errors (row);
    g_autoptr(GBytes) body = raw != NULL ? g_bytes_new (raw, strlen (raw)) : NULL;
    g_autoptr(FcApiProblem) problem =
      fc_api_problem_new_from_response (fc_outbox_item_get_http_status (row), "application/json",
                                        body, NULL);
    GError *refusal = sentences_of_problem (problem, fc_api_problem_to_error (problem));

    if (raw == NULL && fc_outbox_item_get_error_message (row) != NULL) {
      g_free (refusal->message);
      refusal->message = g_strdup (fc_outbox_item_get_error_message (row));
    }
    settle_stop (task);
    g_object_set_data_full (G_OBJECT (task), "refusal", refusal, (GDestroyNotify) g_error_free);
    fc_store_outbox_discard_async (settle->store, settle->row_id, NULL, on_refusal_discarded_cb,
                                   g_steal_pointer (&task));
  } else if (stalled) {
    settle_stop (task);
    return_waiting (task);
  } else if (settle->again) {
    settle->again = FALSE;
    settle_check (g_steal_pointer (&task));
  }
}

static void
settle_check (GTask *task)
{
  Settle *settle = g_task_get_task_data (task);

  if (settle->listing) {
    settle->again = TRUE;
    return;
  }
  settle->listing = TRUE;
  fc_store_outbox_list_async (settle->store, FALSE, NULL, on_rows_cb, g_object_ref (task));
}

static void
on_outbox_changed_cb (FcStore    *store,
                      const char *resource,
                      GTask      *task)
{
  settle_check (task);
}

static gboolean
on_settle_timeout_cb (gpointer user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  Settle *settle = g_task_get_task_data (task);

  settle->timeout_id = 0;
  settle_stop (task);
  return_waiting (task);
  return G_SOURCE_REMOVE;
}

static void
drop_task_ref (gpointer  data,
               GClosure *closure)
{
  g_object_unref (data);
}

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Settle *settle = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  settle->kept = fc_store_admin_write_finish (FC_STORE (source), result, &settle->row_id, &error);
  if (settle->kept == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  fc_json_get_int (settle->kept, "id", &settle->id);
  /* The handler and the timeout share the task's reference: whichever
   * settles it first removes both. */
  settle->handler = g_signal_connect_data (settle->store, "changed::" FC_STORE_OUTBOX,
                                           G_CALLBACK (on_outbox_changed_cb),
                                           g_object_ref (task), drop_task_ref, 0);
  settle->timeout_id = g_timeout_add_seconds (SETTLE_TIMEOUT_S, on_settle_timeout_cb, task);
  settle_check (task);
}

static void
store_write (FcAdminService      *self,
             const char          *resource,
             FcStoreAdminWrite    kind,
             gint64               id,
             JsonObject          *fields,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Settle *settle = g_new0 (Settle, 1);

  settle->store = g_object_ref (self->store);
  settle->resource = resource;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, settle, (GDestroyNotify) settle_free);
  fc_store_admin_write_async (self->store, resource, kind, id, fields, NULL, NULL, on_written_cb,
                              g_steal_pointer (&task));
}

/* A write through the store's outbox when there is a store, else @method
 * @path live. */
static void
write_or_send (FcAdminService      *self,
               const char          *resource,
               FcStoreAdminWrite    kind,
               gint64               id,
               JsonObject          *fields,
               const char          *method,
               const char          *path,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  if (self->store != NULL) {
    store_write (self, resource, kind, id, fields, source_tag, cancellable, callback, user_data);
    return;
  }
  if (fields != NULL)
    body = json_node_init_object (json_node_alloc (), fields);
  send_request (self, method, path, body, source_tag, cancellable, callback, user_data);
}

typedef struct {
  const char *resource;   /* static */
  gint64      id;         /* 0: the whole list */
  GError     *why;        /* the server could not be reached */
  /* templates */
  char       *search;
  guint       page;
  guint       page_size;
  JsonObject *answer;
} Through;

static void
through_free (Through *through)
{
  g_clear_error (&through->why);
  g_free (through->search);
  g_clear_pointer (&through->answer, json_object_unref);
  g_free (through);
}

static GTask *
through_task_new (FcAdminService      *self,
                  const char          *resource,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Through *through = g_new0 (Through, 1);

  through->resource = resource;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, through, (GDestroyNotify) through_free);
  return task;
}

static void
on_kept_object_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Through *through = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = fc_store_admin_get_finish (FC_STORE (source), result, &error);

  if (object != NULL)
    return_object (task, object);
  else if (through->why != NULL)
    g_task_return_error (task, g_steal_pointer (&through->why));
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_kept_list_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Through *through = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) list = fc_store_admin_list_finish (FC_STORE (source), result, &error);

  /* Nothing kept and no server: say why, not "no workouts". */
  if (list != NULL && (json_array_get_length (list) > 0 || through->why == NULL))
    g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) json_array_unref);
  else if (through->why != NULL)
    g_task_return_error (task, g_steal_pointer (&through->why));
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
read_kept (GTask *task)
{
  FcAdminService *self = g_task_get_source_object (task);
  Through *through = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (through->id != 0)
    fc_store_admin_get_async (self->store, through->resource, through->id, cancellable,
                              on_kept_object_cb, task);
  else
    fc_store_admin_list_async (self->store, through->resource, cancellable, on_kept_list_cb,
                               task);
}

static void
on_put_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_store_admin_put_finish (FC_STORE (source), result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  read_kept (g_steal_pointer (&task));
}

static void
on_fetched_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcAdminService *self = g_task_get_source_object (task);
  Through *through = g_task_get_task_data (task);
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) objects = NULL;

  if (through->id != 0) {
    JsonNode *node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL,
                                                   &problem, &error);
    JsonObject *object = node != NULL ? fc_api_answer_take_object (node, &error) : NULL;

    if (object != NULL) {
      objects = json_array_new ();
      json_array_add_object_element (objects, object);
    }
  } else {
    objects = fc_api_client_fetch_all_finish (FC_API_CLIENT (source), result, NULL, &error);
  }

  if (objects != NULL) {
    GCancellable *cancellable = g_task_get_cancellable (task);

    fc_store_admin_put_async (self->store, through->resource, objects, through->id != 0 ? -1 : 0,
                              through->id == 0, cancellable, on_put_cb, g_steal_pointer (&task));
    return;
  }
  if (!is_offline (error)) {
    g_task_return_error (task, sentences_of_problem (problem, g_steal_pointer (&error)));
    return;
  }
  through->why = g_steal_pointer (&error);
  read_kept (g_steal_pointer (&task));
}

/* GET @path (one object when @id, else every page), kept under @resource. */
static void
read_through (FcAdminService      *self,
              const char          *path,
              const char          *resource,
              gint64               id,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = through_task_new (self, resource, source_tag, cancellable, callback,
                                            user_data);
  Through *through = g_task_get_task_data (task);

  through->id = id;
  /* An object made here and not sent yet (or sent since: the store finds
   * it by the id it was made under) is the store's alone. */
  if (id < 0)
    read_kept (g_steal_pointer (&task));
  else if (id != 0)
    fc_api_client_request_async (self->client, "GET", path, NULL, NULL, FC_API_REQUEST_NONE,
                                 cancellable, on_fetched_cb, g_steal_pointer (&task));
  else
    fc_api_client_fetch_all_async (self->client, path, FC_API_REQUEST_NONE, NULL, NULL, NULL,
                                   cancellable, on_fetched_cb, g_steal_pointer (&task));
}

void
fc_admin_service_list_kept_async (FcAdminService      *self,
                                  const char          *resource,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (fc_store_admin_is_resource (resource));

  if (self->store == NULL) {
    g_task_report_new_error (self, callback, user_data, fetch_list, G_IO_ERROR,
                             G_IO_ERROR_NOT_SUPPORTED, "No store keeps admin lists here");
    return;
  }
  read_kept (through_task_new (self, g_intern_string (resource), fetch_list, cancellable,
                               callback, user_data));
}

/* Templates come a page at a time, searched by the server: a page is
 * kept, then shown as kept (an edit waiting shows; a template whose
 * deletion waits is left out). Offline, the kept templates are searched
 * and paged here the way the server does it (name, description, owner). */

static gboolean
template_matches (JsonObject  *template,
                  char       **words)
{
  static const char * const members[] = { "name", "description", "owner_email" };

  for (guint i = 0; words != NULL && words[i] != NULL; i++) {
    gboolean found = FALSE;

    for (guint j = 0; j < G_N_ELEMENTS (members) && !found; j++) {
      g_autofree char *text = g_utf8_strdown (fc_json_get_string (template, members[j]) ?: "",
                                              -1);

      found = strstr (text, words[i]) != NULL;
    }
    if (!found)
      return FALSE;
  }
  return TRUE;
}

static void
on_kept_templates_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Through *through = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) kept = fc_store_admin_list_finish (FC_STORE (source), result, &error);
  g_autoptr(JsonObject) page = NULL;
  JsonArray *results = json_array_new ();

  if (kept == NULL) {
    json_array_unref (results);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  if (through->answer != NULL) {
    g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         NULL);
    JsonArray *answered = fc_json_get_array (through->answer, "results");

    for (guint i = 0; i < json_array_get_length (kept); i++) {
      JsonObject *object = json_array_get_object_element (kept, i);
      gint64 id = 0;

      if (object != NULL && fc_json_get_int (object, "id", &id))
        g_hash_table_insert (by_id, g_memdup2 (&id, sizeof id), object);
    }
    for (guint i = 0; answered != NULL && i < json_array_get_length (answered); i++) {
      JsonObject *object = json_array_get_object_element (answered, i);
      gint64 id = 0;
      JsonObject *shown;

      if (object == NULL || !fc_json_get_int (object, "id", &id))
        continue;
      shown = g_hash_table_lookup (by_id, &id);
      if (shown != NULL)
        json_array_add_object_element (results, json_object_ref (shown));
    }
    page = json_object_ref (through->answer);
  } else {
    g_autofree char *lower = g_utf8_strdown (through->search ?: "", -1);
    g_auto(GStrv) words = g_str_tokenize_and_fold (lower, NULL, NULL);
    guint first = (through->page - 1) * through->page_size;
    guint matched = 0;

    for (guint i = 0; i < json_array_get_length (kept); i++) {
      JsonObject *object = json_array_get_object_element (kept, i);

      if (object == NULL || !template_matches (object, words))
        continue;
      if (matched >= first && matched < first + through->page_size)
        json_array_add_object_element (results, json_object_ref (object));
      matched++;
    }
    if (matched == 0 && through->why != NULL) {
      json_array_unref (results);
      g_task_return_error (task, g_steal_pointer (&through->why));
      return;
    }
    page = json_object_new ();
    json_object_set_int_member (page, "count", matched);
    if (first + through->page_size < matched)
      json_object_set_string_member (page, "next", "kept");
    else
      json_object_set_null_member (page, "next");
    json_object_set_null_member (page, "previous");
  }
  json_object_set_array_member (page, "results", results);
  return_object (task, page);
}

static void
on_templates_put_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!fc_store_admin_put_finish (FC_STORE (source), result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  cancellable = g_task_get_cancellable (task);
  fc_store_admin_list_async (FC_STORE (source), FC_STORE_ADMIN_TEMPLATES, cancellable,
                             on_kept_templates_cb, g_steal_pointer (&task));
}

static void
on_templates_fetched_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcAdminService *self = g_task_get_source_object (task);
  Through *through = g_task_get_task_data (task);
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, &problem,
                                                 &error);
  JsonObject *page = node != NULL ? fc_api_answer_take_object (node, &error) : NULL;
  JsonArray *results = page != NULL ? fc_json_get_array (page, "results") : NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (page != NULL && results == NULL) {
    json_object_unref (page);
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server’s list of templates has no results."));
    return;
  }
  if (page != NULL) {
    /* The first page of an unsearched list that has no next page is all
     * of them: templates deleted elsewhere leave the store too. */
    gboolean whole = through->page == 1 && (through->search == NULL || *through->search == '\0') &&
                     fc_json_is_null (page, "next");

    through->answer = page;
    fc_store_admin_put_async (self->store, FC_STORE_ADMIN_TEMPLATES, results,
                              (gint64) (through->page - 1) * through->page_size, whole,
                              cancellable, on_templates_put_cb, g_steal_pointer (&task));
    return;
  }
  if (!is_offline (error)) {
    g_task_return_error (task, sentences_of_problem (problem, g_steal_pointer (&error)));
    return;
  }
  through->why = g_steal_pointer (&error);
  fc_store_admin_list_async (self->store, FC_STORE_ADMIN_TEMPLATES, cancellable,
                             on_kept_templates_cb, g_steal_pointer (&task));
}

static void
list_templates_through_store (FcAdminService      *self,
                              const char          *path,
                              const char          *search,
                              guint                page,
                              guint                page_size,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = through_task_new (self, FC_STORE_ADMIN_TEMPLATES,
                                            fc_admin_service_list_templates_async, cancellable,
                                            callback, user_data);
  Through *through = g_task_get_task_data (task);

  through->search = g_strdup (search);
  through->page = page;
  through->page_size = MAX (page_size, 1);
  fc_api_client_request_async (self->client, "GET", path, NULL, NULL, FC_API_REQUEST_NONE,
                               cancellable, on_templates_fetched_cb, g_steal_pointer (&task));
}

/* Workout categories (workouts/categories/, staff only). */

void
fc_admin_service_save_category_async (FcAdminService      *self,
                                      gint64               id,
                                      JsonObject          *fields,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (fields != NULL);

  path = id != 0 ? g_strdup_printf ("workouts/categories/%" G_GINT64_FORMAT "/", id)
                 : g_strdup ("workouts/categories/");
  write_or_send (self, FC_STORE_ADMIN_CATEGORIES,
                 id != 0 ? FC_STORE_ADMIN_UPDATE : FC_STORE_ADMIN_CREATE, id, fields,
                 id != 0 ? "PATCH" : "POST", path, fc_admin_service_save_category_async,
                 cancellable, callback, user_data);
}

void
fc_admin_service_delete_category_async (FcAdminService      *self,
                                        gint64               id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  path = g_strdup_printf ("workouts/categories/%" G_GINT64_FORMAT "/", id);
  write_or_send (self, FC_STORE_ADMIN_CATEGORIES, FC_STORE_ADMIN_DELETE, id, NULL, "DELETE", path,
                 fc_admin_service_delete_category_async, cancellable, callback, user_data);
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
  if (self->store != NULL) {
    list_templates_through_store (self, path, search, page, page_size, cancellable, callback,
                                  user_data);
    return;
  }
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

  /* A schedule is checked against its owner's meals by the server, whose
   * answer the editor shows: that edit stays live. */
  if (self->store != NULL && !json_object_has_member (changes, "scheduled_meals_payload")) {
    store_write (self, FC_STORE_ADMIN_TEMPLATES, FC_STORE_ADMIN_UPDATE, id, changes,
                 fc_admin_service_update_template_async, cancellable, callback, user_data);
    return;
  }
  body = json_node_init_object (json_node_alloc (), changes);
  path = g_strdup_printf ("admin/meal-plan-templates/%" G_GINT64_FORMAT "/", id);
  send_request (self, "PATCH", path, body, fc_admin_service_update_template_async, cancellable,
                callback, user_data);
}

/* GET admin/meal-plan-templates/{id}/: the template with its schedule and
 * the meals it may schedule (its owner's). */
void
fc_admin_service_get_template_async (FcAdminService      *self,
                                     gint64               id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));

  path = g_strdup_printf ("admin/meal-plan-templates/%" G_GINT64_FORMAT "/", id);
  send_request (self, "GET", path, NULL, fc_admin_service_get_template_async, cancellable,
                callback, user_data);
}

void
fc_admin_service_create_template_async (FcAdminService      *self,
                                        JsonObject          *fields,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (FC_IS_ADMIN_SERVICE (self));
  g_return_if_fail (fields != NULL);

  body = json_node_init_object (json_node_alloc (), fields);
  send_request (self, "POST", "admin/meal-plan-templates/", body,
                fc_admin_service_create_template_async, cancellable, callback, user_data);
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
  write_or_send (self, FC_STORE_ADMIN_TEMPLATES, FC_STORE_ADMIN_DELETE, id, NULL, "DELETE", path,
                 fc_admin_service_delete_template_async, cancellable, callback, user_data);
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
