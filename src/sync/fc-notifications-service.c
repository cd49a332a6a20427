/* fc-notifications-service.c — the account's inbox at api/v1/notifications/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore-notifications"

#include "config.h"

#include "fc-notifications-service.h"

#include <glib/gi18n.h>

struct _FcNotificationsService
{
  GObject      parent_instance;

  /* Owned */
  FcApiClient *client;
};

G_DEFINE_FINAL_TYPE (FcNotificationsService, fc_notifications_service, G_TYPE_OBJECT)

static void
on_request_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, NULL, &error);
  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
send_request (FcNotificationsService *self,
              const char             *method,
              const char             *path,
              JsonNode               *body,
              gpointer                source_tag,
              GCancellable           *cancellable,
              GAsyncReadyCallback     callback,
              gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *key = NULL;

  g_task_set_source_tag (task, source_tag);
  /* Writes carry an Idempotency-Key, so a retried PATCH or DELETE after a
   * lost answer is not applied twice (docs/notifications-wire.md). */
  if (g_strcmp0 (method, "GET") != 0)
    key = g_uuid_string_random ();
  fc_api_client_request_async (self->client, method, path, body, key, FC_API_REQUEST_NONE,
                               cancellable, on_request_cb, g_steal_pointer (&task));
}

/* The answer of @result as an object (a new reference), or an error. */
static JsonObject *
finish_object (FcNotificationsService  *self,
               GAsyncResult            *result,
               GError                 **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  node = g_task_propagate_pointer (G_TASK (result), error);
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server answered something other than an object."));
    return NULL;
  }
  return json_object_ref (json_node_get_object (node));
}

static void
fc_notifications_service_dispose (GObject *object)
{
  FcNotificationsService *self = FC_NOTIFICATIONS_SERVICE (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (fc_notifications_service_parent_class)->dispose (object);
}

static void
fc_notifications_service_class_init (FcNotificationsServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fc_notifications_service_dispose;
}

static void
fc_notifications_service_init (FcNotificationsService *self)
{
}

FcNotificationsService *
fc_notifications_service_new (FcApiClient *client)
{
  FcNotificationsService *self;

  g_return_val_if_fail (FC_IS_API_CLIENT (client), NULL);

  self = g_object_new (FC_TYPE_NOTIFICATIONS_SERVICE, NULL);
  self->client = g_object_ref (client);
  return self;
}

FcNotificationsService *
fc_notifications_service_new_for_session (FcSession *session)
{
  FcApiClient *client;

  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  client = fc_session_get_client (session);
  return client != NULL ? fc_notifications_service_new (client) : NULL;
}

void
fc_notifications_service_list_async (FcNotificationsService *self,
                                     guint                   page,
                                     guint                   page_size,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));
  g_return_if_fail (page >= 1);

  path = g_strdup_printf ("notifications/?page=%u&page_size=%u", page, page_size);
  send_request (self, "GET", path, NULL, fc_notifications_service_list_async,
                cancellable, callback, user_data);
}

JsonObject *
fc_notifications_service_list_finish (FcNotificationsService  *self,
                                      GAsyncResult            *result,
                                      GError                 **error)
{
  g_autoptr(JsonObject) page = finish_object (self, result, error);

  if (page == NULL)
    return NULL;
  if (!json_object_has_member (page, "results") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (page, "results"))) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server answered a list without results."));
    return NULL;
  }
  return g_steal_pointer (&page);
}

void
fc_notifications_service_set_read_async (FcNotificationsService *self,
                                         gint64                  id,
                                         gboolean                is_read,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  json_object_set_boolean_member (object, "is_read", is_read);
  json_node_set_object (body, object);
  path = g_strdup_printf ("notifications/%" G_GINT64_FORMAT "/", id);
  send_request (self, "PATCH", path, body, fc_notifications_service_set_read_async,
                cancellable, callback, user_data);
}

JsonObject *
fc_notifications_service_set_read_finish (FcNotificationsService  *self,
                                          GAsyncResult            *result,
                                          GError                 **error)
{
  return finish_object (self, result, error);
}

void
fc_notifications_service_mark_all_read_async (FcNotificationsService *self,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  json_node_set_object (body, object);
  send_request (self, "POST", "notifications/mark-all-read/", body,
                fc_notifications_service_mark_all_read_async, cancellable, callback, user_data);
}

gint64
fc_notifications_service_mark_all_read_finish (FcNotificationsService  *self,
                                               GAsyncResult            *result,
                                               GError                 **error)
{
  g_autoptr(JsonObject) answer = finish_object (self, result, error);

  if (answer == NULL)
    return -1;
  return json_object_get_int_member_with_default (answer, "updated", 0);
}

static void
on_delete_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, NULL, &error);
  if (node == NULL && !g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
fc_notifications_service_delete_async (FcNotificationsService *self,
                                       gint64                  id,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key = g_uuid_string_random ();

  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_notifications_service_delete_async);
  path = g_strdup_printf ("notifications/%" G_GINT64_FORMAT "/", id);
  fc_api_client_request_async (self->client, "DELETE", path, NULL, key, FC_API_REQUEST_NONE,
                               cancellable, on_delete_cb, g_steal_pointer (&task));
}

gboolean
fc_notifications_service_delete_finish (FcNotificationsService  *self,
                                        GAsyncResult            *result,
                                        GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fc_notifications_service_unread_count_async (FcNotificationsService *self,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data)
{
  g_return_if_fail (FC_IS_NOTIFICATIONS_SERVICE (self));

  send_request (self, "GET", "notifications/unread-count/", NULL,
                fc_notifications_service_unread_count_async, cancellable, callback, user_data);
}

gint64
fc_notifications_service_unread_count_finish (FcNotificationsService  *self,
                                              GAsyncResult            *result,
                                              GError                 **error)
{
  g_autoptr(JsonObject) answer = finish_object (self, result, error);

  if (answer == NULL)
    return -1;
  if (!json_object_has_member (answer, "unread_count")) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server answered without an unread count."));
    return -1;
  }
  return json_object_get_int_member (answer, "unread_count");
}
