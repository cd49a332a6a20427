/* fc-payments-stripe.c — the few calls fitcore-server makes to Stripe's API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stripe's REST API takes application/x-www-form-urlencoded bodies
 * ("line_items[0][price]=...") with the secret key as a Bearer token, and
 * answers JSON: the object, or {"error":{"type","code","message"}} with a
 * 4xx/5xx. One SoupSession per server, kept on it; every call is
 * asynchronous, so a slow Stripe holds only the request that waits on it.
 */

#define G_LOG_DOMAIN "fc-payments"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-json.h"
#include "fc-payments-private.h"
#include "fc-server-config.h"

#define SESSION_DATA "fc-payments-session"
#define TIMEOUT_S 30
/* Stripe's objects are a few KiB; anything far larger is not Stripe. */
#define MAX_ANSWER (1024 * 1024)

G_DEFINE_QUARK (fc-stripe-error-quark, fc_stripe_error)

typedef struct {
  char *path;
  char *object_type;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_free (call->path);
  g_free (call->object_type);
  g_free (call);
}

static SoupSession *
get_session (FcServer *server)
{
  SoupSession *session = g_object_get_data (G_OBJECT (server), SESSION_DATA);

  if (session == NULL) {
    session = soup_session_new_with_options ("timeout", TIMEOUT_S, "idle-timeout", 60,
                                             "user-agent", "fitcore-server", NULL);
    g_object_set_data_full (G_OBJECT (server), SESSION_DATA, session, g_object_unref);
  }
  return session;
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonObject) object = NULL;
  guint status;
  gsize size = 0;
  const char *data;

  if (body == NULL) {
    g_warning ("Stripe %s: %s", call->path, error->message);
    g_task_return_new_error (task, FC_STRIPE_ERROR, FC_STRIPE_ERROR_UNREACHABLE,
                             "The payment provider could not be reached.");
    return;
  }
  status = soup_message_get_status (message);
  data = g_bytes_get_data (body, &size);
  if (size <= MAX_ANSWER)
    object = fc_json_parse_object (data, size, NULL);

  if (status < 200 || status >= 300) {
    JsonObject *stripe_error = object != NULL ? fc_json_get_object (object, "error") : NULL;
    const char *type = stripe_error != NULL ? fc_json_get_string (stripe_error, "type") : NULL;
    const char *code = stripe_error != NULL ? fc_json_get_string (stripe_error, "code") : NULL;

    /* Stripe's message may quote what was sent; the type and code say
     * enough and hold nothing secret. */
    g_warning ("Stripe %s answered %u (type %s, code %s)", call->path, status,
               type != NULL ? type : "-", code != NULL ? code : "-");
    g_task_return_new_error (task, FC_STRIPE_ERROR, FC_STRIPE_ERROR_REFUSED,
                             "The payment provider refused the request.");
    return;
  }
  if (object == NULL ||
      g_strcmp0 (fc_json_get_string (object, "object"), call->object_type) != 0 ||
      fc_json_get_string (object, "id") == NULL) {
    g_warning ("Stripe %s: the answer is not a %s object", call->path, call->object_type);
    g_task_return_new_error (task, FC_STRIPE_ERROR, FC_STRIPE_ERROR_INVALID,
                             "The payment provider answered something unexpected.");
    return;
  }
  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

void
fc_stripe_post_async (FcServer            *server,
                      const char          *path,
                      const char * const  *form,
                      const char          *idempotency_key,
                      const char          *object_type,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  FcServerConfig *config = fc_server_get_config (server);
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);
  g_autoptr(GString) encoded = g_string_new (NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  Call *call;

  g_task_set_source_tag (task, fc_stripe_post_async);
  call = g_new0 (Call, 1);
  call->path = g_strdup (path);
  call->object_type = g_strdup (object_type);
  g_task_set_task_data (task, call, call_free);

  if (config->stripe_secret_key == NULL) {
    g_task_return_new_error (task, FC_STRIPE_ERROR, FC_STRIPE_ERROR_NOT_CONFIGURED,
                             "Payments are not configured on this server.");
    return;
  }

  for (guint i = 0; form[i] != NULL && form[i + 1] != NULL; i += 2) {
    if (encoded->len > 0)
      g_string_append_c (encoded, '&');
    g_string_append_uri_escaped (encoded, form[i], "[]", FALSE);
    g_string_append_c (encoded, '=');
    g_string_append_uri_escaped (encoded, form[i + 1], NULL, FALSE);
  }

  url = g_strconcat (config->stripe_api_base, path, NULL);
  message = soup_message_new ("POST", url);
  if (message == NULL) {
    g_task_return_new_error (task, FC_STRIPE_ERROR, FC_STRIPE_ERROR_NOT_CONFIGURED,
                             "Payments are not configured on this server.");
    return;
  }
  authorization = g_strconcat ("Bearer ", config->stripe_secret_key, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                authorization);
  if (idempotency_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Idempotency-Key",
                                  idempotency_key);
  body = g_bytes_new (encoded->str, encoded->len);
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);
  soup_session_send_and_read_async (get_session (server), message, G_PRIORITY_DEFAULT, NULL,
                                    on_sent_cb, g_steal_pointer (&task));
}

JsonObject *
fc_stripe_post_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
