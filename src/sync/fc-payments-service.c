/* fc-payments-service.c — the signed-in user's Premium: api/v1/payments/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore-payments"

#include "config.h"

#include "fc-payments-service.h"

#include <glib/gi18n.h>

#include "fc-json.h"

struct _FcPaymentsService
{
  GObject      parent_instance;

  /* Owned */
  FcApiClient *client;
  FcStore     *store;     /* NULL: nothing is kept */
};

G_DEFINE_FINAL_TYPE (FcPaymentsService, fc_payments_service, G_TYPE_OBJECT)

/* What a call takes out of its answer. */
typedef enum {
  ANSWER_RESULTS,       /* a DRF page's "results" */
  ANSWER_SUBSCRIPTION,  /* the object, kept in the store */
  ANSWER_CHECKOUT_URL,  /* "checkout_url" */
  ANSWER_PORTAL_URL,    /* "url" */
} Answer;

static void
on_cache_written_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The cache is a convenience for offline starts: losing it is no
   * reason to fail the call that already succeeded. */
  if (!fc_store_set_sync_value_finish (FC_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("The subscription could not be kept: %s", error->message);
}

static void
keep_subscription (FcPaymentsService *self,
                   JsonNode          *node)
{
  g_autofree char *text = NULL;

  if (self->store == NULL)
    return;
  text = json_to_string (node, FALSE);
  fc_store_set_sync_value_async (self->store, FC_PAYMENTS_SERVICE_CACHE_KEY, text, NULL,
                                 on_cache_written_cb, NULL);
}

static gboolean
return_answer (GTask     *task,
               JsonNode  *node)
{
  FcPaymentsService *self = g_task_get_source_object (task);
  Answer answer = GPOINTER_TO_UINT (g_task_get_task_data (task));
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *url;
  JsonArray *results;

  if (object == NULL)
    return FALSE;

  switch (answer) {
  case ANSWER_RESULTS:
    results = fc_json_get_array (object, "results");
    if (results == NULL)
      return FALSE;
    g_task_return_pointer (task, json_array_ref (results), (GDestroyNotify) json_array_unref);
    return TRUE;
  case ANSWER_SUBSCRIPTION:
    if (fc_json_get_string (object, "status") == NULL)
      return FALSE;
    keep_subscription (self, node);
    g_task_return_pointer (task, json_object_ref (object), (GDestroyNotify) json_object_unref);
    return TRUE;
  case ANSWER_CHECKOUT_URL:
  case ANSWER_PORTAL_URL:
    url = fc_json_get_string (object, answer == ANSWER_CHECKOUT_URL ? "checkout_url" : "url");
    /* The URL goes to the system browser: only the web's schemes. */
    if (url == NULL || !(g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")))
      return FALSE;
    g_task_return_pointer (task, g_strdup (url), g_free);
    return TRUE;
  default:
    g_assert_not_reached ();
  }
}

static void
on_request_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL, NULL, &error);
  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!return_answer (task, node))
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server’s answer about Premium could not be read."));
}

static void
call (FcPaymentsService   *self,
      const char          *method,
      const char          *path,
      JsonNode            *body,
      Answer               answer,
      gpointer             source_tag,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *full_path = g_strconcat ("payments/", path, NULL);
  g_autoptr(JsonNode) empty = NULL;

  /* The POSTs without parameters send {}, as DRF's clients do. */
  if (body == NULL && g_str_equal (method, "POST")) {
    empty = json_node_new (JSON_NODE_OBJECT);
    json_node_take_object (empty, json_object_new ());
    body = empty;
  }

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, GUINT_TO_POINTER (answer), NULL);
  fc_api_client_request_async (self->client, method, full_path, body, NULL, FC_API_REQUEST_NONE,
                               cancellable, on_request_cb, g_steal_pointer (&task));
}

static void
on_cache_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = fc_store_get_sync_value_finish (FC_STORE (source), result, &error);
  g_autoptr(JsonNode) node = NULL;

  if (error != NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (text != NULL)
    node = json_from_string (text, NULL);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    g_task_return_pointer (task, json_object_ref (json_node_get_object (node)),
                           (GDestroyNotify) json_object_unref);
  else
    g_task_return_pointer (task, NULL, NULL);
}

/* Every call's answer is a pointer the task already shaped. */
static gpointer
finish (FcPaymentsService  *self,
        GAsyncResult       *result,
        GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fc_payments_service_dispose (GObject *object)
{
  FcPaymentsService *self = FC_PAYMENTS_SERVICE (object);

  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fc_payments_service_parent_class)->dispose (object);
}

static void
fc_payments_service_class_init (FcPaymentsServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fc_payments_service_dispose;
}

static void
fc_payments_service_init (FcPaymentsService *self)
{
}

FcPaymentsService *
fc_payments_service_new (FcApiClient *client,
                         FcStore     *store)
{
  FcPaymentsService *self;

  g_return_val_if_fail (FC_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (store == NULL || FC_IS_STORE (store), NULL);

  self = g_object_new (FC_TYPE_PAYMENTS_SERVICE, NULL);
  self->client = g_object_ref (client);
  g_set_object (&self->store, store);
  return self;
}

FcPaymentsService *
fc_payments_service_new_for_session (FcSession *session)
{
  FcApiClient *client;

  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  client = fc_session_get_client (session);
  if (client == NULL)
    return NULL;
  return fc_payments_service_new (client, fc_session_get_store (session));
}

void
fc_payments_service_plans_async (FcPaymentsService   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (FC_IS_PAYMENTS_SERVICE (self));

  call (self, "GET", "plans/", NULL, ANSWER_RESULTS, fc_payments_service_plans_async,
        cancellable, callback, user_data);
}

JsonArray *
fc_payments_service_plans_finish (FcPaymentsService  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  return finish (self, result, error);
}

void
fc_payments_service_subscription_async (FcPaymentsService   *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (FC_IS_PAYMENTS_SERVICE (self));

  call (self, "GET", "subscription/", NULL, ANSWER_SUBSCRIPTION,
        fc_payments_service_subscription_async, cancellable, callback, user_data);
}

void
fc_payments_service_cancel_async (FcPaymentsService   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (FC_IS_PAYMENTS_SERVICE (self));

  call (self, "POST", "subscription/cancel/", NULL, ANSWER_SUBSCRIPTION,
        fc_payments_service_cancel_async, cancellable, callback, user_data);
}

void
fc_payments_service_cached_subscription_async (FcPaymentsService   *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FC_IS_PAYMENTS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_payments_service_cached_subscription_async);
  if (self->store == NULL) {
    g_task_return_pointer (task, NULL, NULL);
    return;
  }
  fc_store_get_sync_value_async (self->store, FC_PAYMENTS_SERVICE_CACHE_KEY, cancellable,
                                 on_cache_read_cb, g_steal_pointer (&task));
}

JsonObject *
fc_payments_service_subscription_finish (FcPaymentsService  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  return finish (self, result, error);
}

void
fc_payments_service_transactions_async (FcPaymentsService   *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (FC_IS_PAYMENTS_SERVICE (self));

  call (self, "GET", "transactions/", NULL, ANSWER_RESULTS,
        fc_payments_service_transactions_async, cancellable, callback, user_data);
}

JsonArray *
fc_payments_service_transactions_finish (FcPaymentsService  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  return finish (self, result, error);
}

void
fc_payments_service_checkout_async (FcPaymentsService   *self,
                                    const char          *plan,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = json_node_alloc ();

  g_return_if_fail (FC_IS_PAYMENTS_SERVICE (self));
  g_return_if_fail (plan != NULL);

  json_object_set_string_member (object, "plan", plan);
  json_node_init_object (body, object);
  call (self, "POST", "checkout/", body, ANSWER_CHECKOUT_URL, fc_payments_service_checkout_async,
        cancellable, callback, user_data);
}

void
fc_payments_service_portal_async (FcPaymentsService   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (FC_IS_PAYMENTS_SERVICE (self));

  call (self, "POST", "portal/", NULL, ANSWER_PORTAL_URL, fc_payments_service_portal_async,
        cancellable, callback, user_data);
}

char *
fc_payments_service_url_finish (FcPaymentsService  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  return finish (self, result, error);
}
