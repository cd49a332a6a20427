/* fc-api-client.c — the FitCore API v1 over one long-lived SoupSession
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-api-client"

#include "config.h"

#include "fc-api-client.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "fc-json.h"

#define API_PREFIX "api/v1/"
#define REFRESH_COOKIE "fitcore-refresh-token"

struct _FcApiClient {
  GObject       parent_instance;

  /* owned */
  SoupSession  *session;
  GCancellable *cancellable;      /* the refresh; cancelled on dispose */
  char         *base_url;         /* normalised, ends in '/'; or as given if invalid */
  char         *api_root;         /* base_url + "api/v1/", NULL if invalid */
  GError       *base_url_error;
  char         *access_token;
  char         *refresh_token;
  GQueue        refresh_waiters;  /* GTask * of requests waiting on the refresh */
  SoupMessage  *refresh_message;  /* the refresh in flight */
  char         *refresh_sent;     /* the refresh token it carries */
  char         *server_software;  /* the last answer's Server header */
  GList        *held_fetches;     /* GTask * of page fetches held by their consumer */
  gpointer      delivering;       /* the FetchAll whose page function runs, or NULL */

  /* state */
  gboolean      refreshing;
  guint         refresh_count;
  guint         timeout;
  guint         idle_timeout;
  guint         read_attempts;
  guint         retry_delay;
};

G_DEFINE_FINAL_TYPE (FcApiClient, fc_api_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_READ_ATTEMPTS,
  PROP_RETRY_DELAY,
  PROP_REFRESH_COUNT,
  PROP_SIGNED_IN,
  N_PROPS
};

enum {
  SIGNAL_TOKENS_CHANGED,
  SIGNAL_SIGNED_OUT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What a request hands back on success. */
typedef enum {
  MODE_JSON,    /* the parsed body */
  MODE_BYTES,   /* the body as it came, 2xx only */
  MODE_STREAM,  /* the body unread, whatever the final status */
} RequestMode;

/* A body read to find out why a streamed request got 401 is at most this. */
#define STREAM_PROBLEM_MAX (64 * 1024)

/* One request, across its retries; the data of its GTask. */
typedef struct {
  RequestMode        mode;
  char              *method;
  char              *uri;
  GBytes            *body;
  char              *content_type;    /* of the body; NULL for JSON */
  SoupMultipart     *form;            /* a form, until its file is read into body */
  char              *form_file_field;
  char              *idempotency_key;
  char              *cookie;          /* a Cookie header we manage ourselves */
  FcApiRequestFlags  flags;
  guint              attempt;
  gboolean           refreshed;       /* already sent again after a refresh */
  char              *sent_access;     /* the token this attempt carried */
  SoupMessageHeaders *extra_headers; /* sent as they are (Range, If-Range) */
  SoupMessage       *message;
  GSource           *retry_source;
  GSource           *wait_source;     /* its cancellation while waiting on a refresh */
  GInputStream      *stream;          /* MODE_STREAM: the body being answered */
  guint8            *problem_buffer;  /* MODE_STREAM: a 401's body, read */

  /* results */
  guint              status;
  SoupMessageHeaders *response_headers;
  FcApiProblem      *problem;
  char              *refresh_cookie;  /* fitcore-refresh-token from Set-Cookie */
} Request;

static void send_request     (GTask       *task);
static void wait_for_refresh (FcApiClient *self,
                              GTask       *task);

static void
wipe_string (char **str)
{
  if (*str != NULL)
    memset (*str, 0, strlen (*str));
  g_clear_pointer (str, g_free);
}

static void
request_free (gpointer data)
{
  Request *req = data;

  if (req->retry_source != NULL) {
    g_source_destroy (req->retry_source);
    g_source_unref (req->retry_source);
  }
  if (req->wait_source != NULL) {
    g_source_destroy (req->wait_source);
    g_source_unref (req->wait_source);
  }
  g_free (req->method);
  g_free (req->uri);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->content_type);
  g_clear_pointer (&req->form, soup_multipart_free);
  g_free (req->form_file_field);
  g_free (req->idempotency_key);
  g_free (req->cookie);
  g_free (req->sent_access);
  g_clear_pointer (&req->extra_headers, soup_message_headers_unref);
  g_clear_object (&req->message);
  g_clear_object (&req->stream);
  g_free (req->problem_buffer);
  g_clear_pointer (&req->response_headers, soup_message_headers_unref);
  g_clear_pointer (&req->problem, fc_api_problem_unref);
  wipe_string (&req->refresh_cookie);
  g_free (req);
}

static gboolean
is_read (const char *method)
{
  return g_str_equal (method, "GET") || g_str_equal (method, "HEAD");
}

static GBytes *
node_to_bytes (JsonNode *node)
{
  g_autofree char *text = NULL;

  if (node == NULL)
    return NULL;
  text = fc_json_to_string (node, FALSE);
  return g_bytes_new_take (g_steal_pointer (&text), strlen (text));
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static GError *
error_from_transport (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new_literal (FC_API_ERROR, FC_API_ERROR_TIMEOUT,
                                _("The server did not answer in time."));

  /* Translators: %s is the system's reason, e.g. "Connection refused". */
  return g_error_new (FC_API_ERROR, FC_API_ERROR_NETWORK,
                      _("Could not reach the server: %s"), error->message);
}

static gboolean
is_valid_cookie_value (const char *value)
{
  for (const char *p = value; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p) && strchr ("-_.~+/=", *p) == NULL)
      return FALSE;
  }
  return *value != '\0';
}

/* The fitcore-refresh-token value a response sets, if any; a deletion
 * (empty value) counts as none. */
static char *
find_refresh_cookie (SoupMessage *message)
{
  GSList *cookies = soup_cookies_from_response (message);
  char *value = NULL;

  for (GSList *l = cookies; l != NULL; l = l->next) {
    SoupCookie *cookie = l->data;

    if (g_str_equal (soup_cookie_get_name (cookie), REFRESH_COOKIE) &&
        *soup_cookie_get_value (cookie) != '\0') {
      g_free (value);
      value = g_strdup (soup_cookie_get_value (cookie));
    }
  }
  g_slist_free_full (cookies, (GDestroyNotify) soup_cookie_free);
  return value;
}

static void
set_tokens (FcApiClient *self,
            const char  *access,
            const char  *refresh,
            gboolean     emit)
{
  gboolean was_signed_in = fc_api_client_is_signed_in (self);
  gboolean changed = g_strcmp0 (access, self->access_token) != 0 ||
                     g_strcmp0 (refresh, self->refresh_token) != 0;
  char *new_access = g_strdup (access);
  char *new_refresh = g_strdup (refresh);

  wipe_string (&self->access_token);
  wipe_string (&self->refresh_token);
  self->access_token = new_access;
  self->refresh_token = new_refresh;

  if (was_signed_in != fc_api_client_is_signed_in (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  if (emit && changed)
    g_signal_emit (self, signals[SIGNAL_TOKENS_CHANGED], 0);
}

static GTask *
start_request (FcApiClient         *self,
               const char          *method,
               const char          *uri,
               JsonNode            *body,
               const char          *idempotency_key,
               FcApiRequestFlags    flags,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Request *req = g_new0 (Request, 1);

  req->method = g_strdup (method);
  req->uri = g_strdup (uri);
  req->body = node_to_bytes (body);
  req->idempotency_key = g_strdup (idempotency_key);
  req->flags = flags;
  g_task_set_task_data (task, req, request_free);
  return g_steal_pointer (&task);
}

static char *
api_uri (FcApiClient *self,
         const char  *path)
{
  if (self->api_root == NULL)
    return NULL;
  return g_strconcat (self->api_root, path, NULL);
}

/* A path relative to <base>/api/v1/, never a whole address. */
static gboolean
is_api_path (const char *path)
{
  return path != NULL && path[0] != '/' && strstr (path, "://") == NULL;
}

/* start_request() for a path under the API root, tagged @source_tag. */
static GTask *
start_api_request (FcApiClient         *self,
                   const char          *method,
                   const char          *path,
                   JsonNode            *body,
                   const char          *idempotency_key,
                   FcApiRequestFlags    flags,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data,
                   gpointer             source_tag)
{
  g_autofree char *uri = api_uri (self, path);
  GTask *task = start_request (self, method, uri, body, idempotency_key, flags, cancellable,
                               callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static void
run_request (GTask *task)
{
  FcApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  if (req->uri == NULL) {
    g_task_return_error (task, g_error_copy (self->base_url_error));
    g_object_unref (task);
    return;
  }
  send_request (task);
}

/* Returns the task with a transport or problem error. Takes @task. */
static void
fail_request (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static gboolean
on_retry_cb (GCancellable *cancellable,
             gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->retry_source, g_source_unref);
  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  send_request (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static gboolean
schedule_retry (GTask *task)
{
  FcApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  gint64 delay_ms;

  if (!is_read (req->method) || (req->flags & FC_API_REQUEST_NO_RETRY) ||
      req->attempt >= self->read_attempts)
    return FALSE;

  /* A cancellable source whose ready time is the backoff: it fires at that
   * time, or at once when the request is cancelled. */
  delay_ms = (gint64) self->retry_delay << MIN (req->attempt - 1, 10u);
  g_debug ("Retrying %s %s in %" G_GINT64_FORMAT " ms", req->method, req->uri, delay_ms);
  req->retry_source = g_cancellable_source_new (g_task_get_cancellable (task));
  g_source_set_ready_time (req->retry_source, g_get_monotonic_time () + delay_ms * 1000);
  g_source_set_callback (req->retry_source, G_SOURCE_FUNC (on_retry_cb),
                         g_object_ref (task), g_object_unref);
  g_source_set_static_name (req->retry_source, "[fitcore] read retry");
  g_source_attach (req->retry_source, g_task_get_context (task));
  return TRUE;
}

/* Returns the next waiting request, owned. */
static GTask *
pop_refresh_waiter (FcApiClient *self)
{
  GTask *task = g_queue_pop_head (&self->refresh_waiters);
  Request *req;

  if (task == NULL)
    return NULL;

  req = g_task_get_task_data (task);
  if (req->wait_source != NULL) {
    g_source_destroy (req->wait_source);
    g_clear_pointer (&req->wait_source, g_source_unref);
  }
  return task;
}

/* A waiting request was cancelled: it leaves the queue at once rather than
 * when the refresh ends. */
static gboolean
on_waiter_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  GTask *task = user_data;  /* borrowed: the queue owns it */
  FcApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->wait_source, g_source_unref);
  if (g_queue_remove (&self->refresh_waiters, task)) {
    g_task_return_error_if_cancelled (task);
    g_object_unref (task);
  }
  return G_SOURCE_REMOVE;
}

static void
fail_refresh_waiters (FcApiClient  *self,
                      const GError *error,
                      FcApiProblem *problem)
{
  GTask *task;

  while ((task = pop_refresh_waiter (self)) != NULL) {
    Request *req = g_task_get_task_data (task);

    if (problem != NULL) {
      g_clear_pointer (&req->problem, fc_api_problem_unref);
      req->problem = fc_api_problem_ref (problem);
    }
    fail_request (task, g_error_copy (error));
  }
}

static void
resend_refresh_waiters (FcApiClient *self)
{
  GTask *task;

  while ((task = pop_refresh_waiter (self)) != NULL)
    send_request (task);
}

static void
sign_out_locally (FcApiClient        *self,
                  FcApiSignOutReason  reason,
                  const char         *message)
{
  set_tokens (self, NULL, NULL, TRUE);
  g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, reason, message);
}

static void
on_refresh_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcApiClient) self = user_data;
  g_autoptr(SoupMessage) message = g_steal_pointer (&self->refresh_message);
  g_autofree char *sent_refresh = g_steal_pointer (&self->refresh_sent);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *cookie = NULL;
  const char *access;
  const char *refresh;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  self->refreshing = FALSE;

  if (bytes == NULL) {
    g_autoptr(GError) mapped = error_from_transport (error);

    fail_refresh_waiters (self, mapped, NULL);
    wipe_string (&sent_refresh);
    return;
  }

  /* Someone signed in or out while this ran: its answer is for old tokens. */
  if (g_strcmp0 (sent_refresh, self->refresh_token) != 0) {
    wipe_string (&sent_refresh);
    if (self->access_token != NULL) {
      resend_refresh_waiters (self);
    } else {
      g_autoptr(GError) signed_out = g_error_new_literal (FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED,
                                                          _("You are signed out."));
      fail_refresh_waiters (self, signed_out, NULL);
    }
    return;
  }
  wipe_string (&sent_refresh);

  status = soup_message_get_status (message);
  if (status == SOUP_STATUS_OK)
    object = fc_json_parse_object (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  access = fc_json_get_string (object, "access");

  if (status == SOUP_STATUS_OK && access != NULL && *access != '\0') {
    refresh = fc_json_get_string (object, "refresh");
    if (refresh == NULL || *refresh == '\0') {
      cookie = find_refresh_cookie (message);
      /* A server that does not rotate keeps the refresh token we have. */
      refresh = cookie != NULL ? cookie : self->refresh_token;
    }
    g_debug ("Access token refreshed");
    set_tokens (self, access, refresh, TRUE);
    resend_refresh_waiters (self);
    wipe_string (&cookie);
    return;
  }

  problem = fc_api_problem_new_from_response (
    status, soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                   NULL),
    bytes, NULL);

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_BAD_REQUEST) {
    g_autoptr(GError) unauthorized =
      g_error_new_literal (FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED,
                           _("Your session has ended. Please sign in again."));

    g_debug ("Refresh token refused (%u): signing out", status);
    sign_out_locally (self, FC_API_SIGN_OUT_REVOKED, unauthorized->message);
    fail_refresh_waiters (self, unauthorized, problem);
  } else if (status == SOUP_STATUS_OK) {
    g_autoptr(GError) bad = g_error_new_literal (FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                                                 _("The server renewed the session without a token."));

    fail_refresh_waiters (self, bad, NULL);
  } else {
    g_autoptr(GError) other = fc_api_problem_to_error (problem);

    fail_refresh_waiters (self, other, problem);
  }
}

static void
start_refresh (FcApiClient *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *uri = api_uri (self, "auth/oauth/token/refresh/");

  g_assert (!self->refreshing);

  if (self->refresh_token == NULL || *self->refresh_token == '\0') {
    g_autoptr(GError) error = g_error_new_literal (FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED,
                                                   _("Your session has ended. Please sign in again."));

    sign_out_locally (self, FC_API_SIGN_OUT_REVOKED, error->message);
    fail_refresh_waiters (self, error, NULL);
    return;
  }

  /* Sent in the body, never as "": the Django backend answers 400 to an
   * empty one. */
  json_object_set_string_member (body, "refresh", self->refresh_token);
  node = object_node (g_steal_pointer (&body));
  bytes = node_to_bytes (node);

  self->refresh_message = soup_message_new ("POST", uri);
  soup_message_add_flags (self->refresh_message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_set_priority (self->refresh_message, SOUP_MESSAGE_PRIORITY_VERY_HIGH);
  soup_message_headers_replace (soup_message_get_request_headers (self->refresh_message),
                                "Accept", "application/json");
  soup_message_set_request_body_from_bytes (self->refresh_message, "application/json", bytes);
  self->refresh_sent = g_strdup (self->refresh_token);

  self->refreshing = TRUE;
  self->refresh_count++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_COUNT]);
  g_debug ("Refreshing the access token");

  /* On the client's own cancellable: a caller cancelling its request must
   * not cancel the refresh others wait on. */
  soup_session_send_and_read_async (self->session, self->refresh_message, G_PRIORITY_DEFAULT,
                                    self->cancellable, on_refresh_cb, g_object_ref (self));
}

/* Takes @task. */
static void
wait_for_refresh (FcApiClient *self,
                  GTask       *task)
{
  Request *req = g_task_get_task_data (task);

  req->refreshed = TRUE;

  if (!fc_api_client_is_signed_in (self)) {
    fail_request (task, g_error_new_literal (FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED,
                                             _("You are signed out.")));
    return;
  }

  /* The tokens changed since this request went out (a refresh finished in
   * between): no need for another refresh. */
  if (self->access_token != NULL && g_strcmp0 (req->sent_access, self->access_token) != 0) {
    send_request (task);
    return;
  }

  g_queue_push_tail (&self->refresh_waiters, task);
  if (g_task_get_cancellable (task) != NULL) {
    req->wait_source = g_cancellable_source_new (g_task_get_cancellable (task));
    g_source_set_callback (req->wait_source, G_SOURCE_FUNC (on_waiter_cancelled_cb), task, NULL);
    g_source_set_static_name (req->wait_source, "[fitcore] refresh wait");
    g_source_attach (req->wait_source, g_task_get_context (task));
  }
  if (!self->refreshing)
    start_refresh (self);
}

/* No answer came: a GET is tried again while it may be, else the request
 * fails. Takes @task. */
static void
retry_or_fail (GTask        *task,
               const GError *error)
{
  Request *req = g_task_get_task_data (task);

  req->status = 0;
  g_clear_pointer (&req->response_headers, soup_message_headers_unref);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && schedule_retry (task)) {
    g_object_unref (task);
    return;
  }
  fail_request (task, error_from_transport (error));
}

static void
on_request_sent_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;  /* owned; passed on or returned */
  FcApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  SoupMessageHeaders *headers;
  const char *content_type;
  gsize length;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL) {
    retry_or_fail (task, error);
    return;
  }

  req->status = soup_message_get_status (req->message);
  headers = soup_message_get_response_headers (req->message);
  g_clear_pointer (&req->response_headers, soup_message_headers_unref);
  req->response_headers = soup_message_headers_ref (headers);
  if (g_strcmp0 (soup_message_headers_get_one (headers, "Server"), self->server_software) != 0) {
    g_free (self->server_software);
    self->server_software = g_strdup (soup_message_headers_get_one (headers, "Server"));
  }
  content_type = soup_message_headers_get_content_type (headers, NULL);
  g_clear_pointer (&req->refresh_cookie, g_free);
  req->refresh_cookie = find_refresh_cookie (req->message);

  if (req->status >= 200 && req->status < 300 && req->mode == MODE_BYTES) {
    g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
    g_object_unref (task);
    return;
  }

  if (req->status >= 200 && req->status < 300) {
    const char *data = g_bytes_get_data (bytes, &length);
    g_autoptr(JsonNode) node = NULL;

    if (length == 0) {
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL), (GDestroyNotify) json_node_unref);
      g_object_unref (task);
      return;
    }

    node = fc_json_parse (data, (gssize) length, NULL);
    if (node != NULL) {
      g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
      g_object_unref (task);
      return;
    }
    /* HTML or malformed JSON with a success status: the problem says which. */
  }

  problem = fc_api_problem_new_from_response (req->status, content_type, bytes,
                                              soup_message_headers_get_one (headers, "Retry-After"));

  if (req->status == SOUP_STATUS_UNAUTHORIZED && req->sent_access != NULL && !req->refreshed &&
      g_strcmp0 (fc_api_problem_get_server_code (problem), "token_not_valid") == 0) {
    wait_for_refresh (self, task);
    return;
  }

  /* A deactivated account: no token will do, so the session ends now,
   * saying why, rather than at the next refresh with "session ended". */
  if (req->status == SOUP_STATUS_UNAUTHORIZED && req->sent_access != NULL &&
      g_strcmp0 (fc_api_problem_get_server_code (problem), "user_inactive") == 0 &&
      g_strcmp0 (req->sent_access, self->access_token) == 0) {
    g_autoptr(GError) inactive =
      g_error_new_literal (FC_API_ERROR, FC_API_ERROR_UNAUTHORIZED,
                           _("This account has been deactivated. Contact support to have it "
                             "reactivated."));

    g_clear_pointer (&req->problem, fc_api_problem_unref);
    req->problem = fc_api_problem_ref (problem);
    sign_out_locally (self, FC_API_SIGN_OUT_DEACTIVATED, inactive->message);
    fail_request (task, g_steal_pointer (&inactive));
    return;
  }

  if (req->status >= 500 && schedule_retry (task)) {
    g_object_unref (task);
    return;
  }

  g_clear_pointer (&req->problem, fc_api_problem_unref);
  req->problem = fc_api_problem_ref (problem);
  fail_request (task, fc_api_problem_to_error (problem));
}

/* MODE_STREAM */

static void
close_stream (Request *req)
{
  /* The rest of an unwanted body is not read: libsoup drops the
   * connection rather than drain it. */
  if (req->stream != NULL)
    g_input_stream_close (req->stream, NULL, NULL);
  g_clear_object (&req->stream);
}

/* Hands the open body of @task's request back. Takes @task. */
static void
return_stream (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->response_headers, soup_message_headers_unref);
  req->response_headers = soup_message_headers_ref (soup_message_get_response_headers (req->message));
  g_task_return_pointer (task, g_steal_pointer (&req->stream), g_object_unref);
  g_object_unref (task);
}

/* The body of a 401 is in: a token the server no longer takes is renewed
 * and the request sent again, as for every other request; any other 401 is
 * the caller's, with the body it read. */
static void
on_stream_problem_read_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GTask *task = user_data;  /* owned; passed on or returned */
  FcApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->message);
  gsize length = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &length, &error)) {
    close_stream (req);
    fail_request (task, error_from_transport (error));
    return;
  }
  close_stream (req);
  bytes = g_bytes_new_take (g_steal_pointer (&req->problem_buffer), length);
  problem = fc_api_problem_new_from_response (req->status,
                                              soup_message_headers_get_content_type (headers, NULL),
                                              bytes, NULL);
  if (g_strcmp0 (fc_api_problem_get_server_code (problem), "token_not_valid") == 0) {
    wait_for_refresh (self, task);
    return;
  }
  req->stream = g_memory_input_stream_new_from_bytes (bytes);
  return_stream (task);
}

static void
on_stream_sent_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;  /* owned; passed on or returned */
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL) {
    retry_or_fail (task, error);
    return;
  }

  req->status = soup_message_get_status (req->message);
  if (req->status == SOUP_STATUS_UNAUTHORIZED && req->sent_access != NULL && !req->refreshed) {
    req->problem_buffer = g_malloc (STREAM_PROBLEM_MAX);
    g_input_stream_read_all_async (req->stream, req->problem_buffer, STREAM_PROBLEM_MAX,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   on_stream_problem_read_cb, task);
    return;
  }
  if (req->status >= 500 && schedule_retry (task)) {
    close_stream (req);
    g_object_unref (task);
    return;
  }
  return_stream (task);
}

/* Whether @url is on @self's server (scheme, host and port): the access
 * token never goes to another host a URL may name. */
static gboolean
is_own_server (FcApiClient *self,
               const char  *url)
{
  g_autoptr(GUri) a = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autoptr(GUri) b = self->api_root != NULL ? g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL)
                                              : NULL;

  return a != NULL && b != NULL &&
         g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a) ?: "", g_uri_get_host (b) ?: "") == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  soup_message_headers_replace (user_data, name, value);
}

/* Sends (or sends again) the request of @task. Takes @task. */
static void
send_request (GTask *task)
{
  FcApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  /* Only a refresh token (a failed sign-in dropped the access token, or
   * only the refresh token was kept): get an access token first. */
  if (!(req->flags & FC_API_REQUEST_NO_AUTH) && self->access_token == NULL &&
      self->refresh_token != NULL && !req->refreshed) {
    g_clear_pointer (&req->sent_access, g_free);
    wait_for_refresh (self, task);
    return;
  }

  req->attempt++;
  g_clear_pointer (&req->sent_access, g_free);
  g_clear_object (&req->message);

  req->message = soup_message_new (req->method, req->uri);
  if (req->message == NULL) {
    /* Translators: %s is a web address. */
    fail_request (task, g_error_new (FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                                     _("“%s” is not a valid address."), req->uri));
    return;
  }

  /* A redirect could carry the token elsewhere, or turn a POST into a GET. */
  soup_message_add_flags (req->message, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (req->message);
  if (req->mode == MODE_JSON)
    soup_message_headers_replace (headers, "Accept", "application/json");
  if (req->mode == MODE_STREAM) {
    /* Ranges and sizes count the bytes of the file itself, never of a
     * compressed body. */
    soup_message_disable_feature (req->message, SOUP_TYPE_CONTENT_DECODER);
    soup_message_headers_replace (headers, "Accept-Encoding", "identity");
  }
  if (req->extra_headers != NULL)
    soup_message_headers_foreach (req->extra_headers, copy_header_cb, headers);
  if (!(req->flags & FC_API_REQUEST_NO_AUTH) && self->access_token != NULL) {
    g_autofree char *value = g_strconcat ("Bearer ", self->access_token, NULL);

    soup_message_headers_replace (headers, "Authorization", value);
    req->sent_access = g_strdup (self->access_token);
  }
  if (req->idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", req->idempotency_key);
  if (req->cookie != NULL)
    soup_message_headers_replace (headers, "Cookie", req->cookie);
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->message,
                                              req->content_type != NULL ? req->content_type
                                                                        : "application/json",
                                              req->body);

  if (req->mode == MODE_STREAM)
    soup_session_send_async (self->session, req->message, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), on_stream_sent_cb, task);
  else
    soup_session_send_and_read_async (self->session, req->message, G_PRIORITY_DEFAULT,
                                      g_task_get_cancellable (task), on_request_sent_cb, task);
}

static JsonNode *
request_finish (GAsyncResult  *result,
                guint         *out_status,
                FcApiProblem **out_problem,
                GError       **error)
{
  Request *req = g_task_get_task_data (G_TASK (result));

  if (out_status != NULL)
    *out_status = req->status;
  if (out_problem != NULL)
    *out_problem = req->problem != NULL ? fc_api_problem_ref (req->problem) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonObject *
node_take_object (JsonNode  *node,
                  GError   **error)
{
  g_autoptr(JsonNode) owned = node;

  if (owned == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (owned)) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server answered with data of an unexpected shape."));
    return NULL;
  }
  return json_object_ref (json_node_get_object (owned));
}

/* Returns a problem from @task's finished inner request to @outer. */
static void
propagate_inner (GTask        *outer,
                 GAsyncResult *inner,
                 GError       *error)
{
  Request *req = g_task_get_task_data (G_TASK (inner));

  if (req->problem != NULL)
    g_object_set_data_full (G_OBJECT (outer), "fc-problem", fc_api_problem_ref (req->problem),
                            (GDestroyNotify) fc_api_problem_unref);
  g_task_return_error (outer, error);
}

static gpointer
outer_finish (GAsyncResult  *result,
              FcApiProblem **out_problem,
              GError       **error)
{
  if (out_problem != NULL) {
    FcApiProblem *problem = g_object_get_data (G_OBJECT (result), "fc-problem");

    *out_problem = problem != NULL ? fc_api_problem_ref (problem) : NULL;
  }
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Base URLs */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
fc_api_client_check_base_url (const char  *url,
                              char       **out_normalized,
                              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *path = NULL;
  const char *host;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL)
    scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || *host == '\0' ||
      (!g_str_equal (scheme, "http") && !g_str_equal (scheme, "https"))) {
    /* Translators: %s is what the user typed as the server address. */
    g_set_error (error, FC_API_ERROR, FC_API_ERROR_INSECURE_URL,
                 _("“%s” is not a server address. Enter one such as https://fitcore.example.com/."),
                 url);
    return FALSE;
  }

  if (g_str_equal (scheme, "http") && !host_is_loopback (host)) {
    /* Translators: %s is the server's host name. */
    g_set_error (error, FC_API_ERROR, FC_API_ERROR_INSECURE_URL,
                 _("The connection to %s would not be encrypted. Use an https:// address."),
                 host);
    return FALSE;
  }

  if (out_normalized != NULL) {
    const char *uri_path = g_uri_get_path (uri);

    path = g_str_has_suffix (uri_path, "/") ? g_strdup (uri_path)
                                            : g_strconcat (uri_path, "/", NULL);
    *out_normalized = g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, host, g_uri_get_port (uri),
                                  path, NULL, NULL);
  }
  return TRUE;
}

/* GObject */

static void
fc_api_client_dispose (GObject *object)
{
  FcApiClient *self = FC_API_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    soup_session_abort (self->session);

  G_OBJECT_CLASS (fc_api_client_parent_class)->dispose (object);
}

static void
fc_api_client_finalize (GObject *object)
{
  FcApiClient *self = FC_API_CLIENT (object);

  /* Every waiter holds a reference to the client, so none is left here. */
  g_assert (g_queue_is_empty (&self->refresh_waiters));

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->refresh_message);
  wipe_string (&self->refresh_sent);
  g_free (self->base_url);
  g_free (self->api_root);
  g_free (self->server_software);
  g_clear_error (&self->base_url_error);
  wipe_string (&self->access_token);
  wipe_string (&self->refresh_token);

  G_OBJECT_CLASS (fc_api_client_parent_class)->finalize (object);
}

static void
fc_api_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FcApiClient *self = FC_API_CLIENT (object);

  switch (prop_id) {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_READ_ATTEMPTS:
      g_value_set_uint (value, self->read_attempts);
      break;
    case PROP_RETRY_DELAY:
      g_value_set_uint (value, self->retry_delay);
      break;
    case PROP_REFRESH_COUNT:
      g_value_set_uint (value, self->refresh_count);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, fc_api_client_is_signed_in (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_api_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FcApiClient *self = FC_API_CLIENT (object);

  switch (prop_id) {
    case PROP_BASE_URL:
      fc_api_client_set_base_url (self, g_value_get_string (value), NULL);
      break;
    case PROP_TIMEOUT:
      self->timeout = g_value_get_uint (value);
      soup_session_set_timeout (self->session, self->timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      self->idle_timeout = g_value_get_uint (value);
      soup_session_set_idle_timeout (self->session, self->idle_timeout);
      break;
    case PROP_READ_ATTEMPTS:
      self->read_attempts = g_value_get_uint (value);
      break;
    case PROP_RETRY_DELAY:
      self->retry_delay = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_api_client_class_init (FcApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_api_client_dispose;
  object_class->finalize = fc_api_client_finalize;
  object_class->get_property = fc_api_client_get_property;
  object_class->set_property = fc_api_client_set_property;

  /**
   * FcApiClient:base-url:
   *
   * The server, e.g. "https://fitcore.example.com/". See
   * fc_api_client_set_base_url().
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FcApiClient:timeout:
   *
   * Seconds to wait for the server to answer before %FC_API_ERROR_TIMEOUT.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, 30,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  /**
   * FcApiClient:idle-timeout:
   *
   * Seconds an unused keep-alive connection stays open.
   */
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 0, 3600, 60,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  /**
   * FcApiClient:read-attempts:
   *
   * How many times in all a GET is tried on network errors, timeouts and 5xx.
   */
  properties[PROP_READ_ATTEMPTS] =
    g_param_spec_uint ("read-attempts", NULL, NULL, 1, 10, 3,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  /**
   * FcApiClient:retry-delay:
   *
   * Milliseconds before the first retry of a GET; each later one waits twice
   * as long.
   */
  properties[PROP_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, NULL, 0, 60000, 500,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  /**
   * FcApiClient:refresh-count:
   *
   * How many token refreshes were sent; for diagnostics and tests.
   */
  properties[PROP_REFRESH_COUNT] =
    g_param_spec_uint ("refresh-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FcApiClient:signed-in:
   *
   * Whether the client holds a token.
   */
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FcApiClient::tokens-changed:
   *
   * The access or refresh token changed (sign-in, registration, refresh,
   * sign-out). Persist fc_api_client_get_access_token() and
   * fc_api_client_get_refresh_token(); both NULL means forget them.
   */
  signals[SIGNAL_TOKENS_CHANGED] =
    g_signal_new ("tokens-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  /**
   * FcApiClient::signed-out:
   * @reason: an #FcApiSignOutReason
   * @message: (nullable): a translated sentence for the user
   *
   * The client forgot its tokens. With %FC_API_SIGN_OUT_REVOKED the user did
   * not ask for it: the app should ask them to sign in again (and keep its
   * outbox).
   */
  signals[SIGNAL_SIGNED_OUT] =
    g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
fc_api_client_init (FcApiClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("FitCore/%s", PACKAGE_VERSION);

  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->refresh_waiters);
  /* No SoupCookieJar on purpose: the only cookie we send is the refresh
   * cookie on sign-out, which we set by hand. */
  self->session = soup_session_new_with_options ("user-agent", user_agent, NULL);
}

/* Public API */

FcApiClient *
fc_api_client_new (const char  *base_url,
                   GError     **error)
{
  g_autoptr(FcApiClient) self = NULL;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (FC_TYPE_API_CLIENT, NULL);
  if (!fc_api_client_set_base_url (self, base_url, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
fc_api_client_set_base_url (FcApiClient  *self,
                            const char   *base_url,
                            GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (FC_IS_API_CLIENT (self), FALSE);

  if (base_url == NULL) {
    local_error = g_error_new_literal (FC_API_ERROR, FC_API_ERROR_INSECURE_URL,
                                       _("No server address is set."));
  } else {
    fc_api_client_check_base_url (base_url, &normalized, &local_error);
  }

  if (g_strcmp0 (normalized != NULL ? normalized : base_url, self->base_url) == 0)
    goto out;

  /* Tokens belong to the server that issued them. */
  if (self->access_token != NULL || self->refresh_token != NULL)
    set_tokens (self, NULL, NULL, TRUE);

  g_free (self->base_url);
  g_clear_pointer (&self->api_root, g_free);
  g_clear_error (&self->base_url_error);
  self->base_url = normalized != NULL ? g_steal_pointer (&normalized) : g_strdup (base_url);
  if (local_error == NULL)
    self->api_root = g_strconcat (self->base_url, API_PREFIX, NULL);
  else
    self->base_url_error = g_error_copy (local_error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);

out:
  if (local_error != NULL) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return TRUE;
}

const char *
fc_api_client_get_base_url (FcApiClient *self)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);

  return self->base_url;
}

void
fc_api_client_set_tokens (FcApiClient *self,
                          const char  *access,
                          const char  *refresh)
{
  g_return_if_fail (FC_IS_API_CLIENT (self));

  set_tokens (self, access, refresh, FALSE);
}

const char *
fc_api_client_get_access_token (FcApiClient *self)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);

  return self->access_token;
}

const char *
fc_api_client_get_refresh_token (FcApiClient *self)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);

  return self->refresh_token;
}

gboolean
fc_api_client_is_signed_in (FcApiClient *self)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), FALSE);

  return self->access_token != NULL || self->refresh_token != NULL;
}

guint
fc_api_client_get_refresh_count (FcApiClient *self)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), 0);

  return self->refresh_count;
}

void
fc_api_client_request_async (FcApiClient         *self,
                             const char          *method,
                             const char          *path,
                             JsonNode            *body,
                             const char          *idempotency_key,
                             FcApiRequestFlags    flags,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (is_api_path (path));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run_request (start_api_request (self, method, path, body, idempotency_key, flags, cancellable,
                                  callback, user_data, fc_api_client_request_async));
}

JsonNode *
fc_api_client_request_finish (FcApiClient   *self,
                              GAsyncResult  *result,
                              guint         *out_status,
                              FcApiProblem **out_problem,
                              GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return request_finish (result, out_status, out_problem, error);
}

void
fc_api_client_request_raw_async (FcApiClient         *self,
                                 const char          *method,
                                 const char          *path,
                                 GBytes              *body,
                                 const char          *content_type,
                                 SoupMessageHeaders  *headers,
                                 const char          *idempotency_key,
                                 FcApiRequestFlags    flags,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  Request *req;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (is_api_path (path));
  g_return_if_fail (body == NULL || content_type != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_api_request (self, method, path, NULL, idempotency_key, flags, cancellable,
                            callback, user_data, fc_api_client_request_raw_async);
  req = g_task_get_task_data (task);
  if (body != NULL) {
    req->body = g_bytes_ref (body);
    req->content_type = g_strdup (content_type);
  }
  if (headers != NULL)
    req->extra_headers = soup_message_headers_ref (headers);
  run_request (task);
}

JsonNode *
fc_api_client_request_raw_finish (FcApiClient         *self,
                                  GAsyncResult        *result,
                                  guint               *out_status,
                                  SoupMessageHeaders **out_headers,
                                  FcApiProblem       **out_problem,
                                  GError             **error)
{
  Request *req;

  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  req = g_task_get_task_data (G_TASK (result));
  if (out_headers != NULL)
    *out_headers = req->response_headers != NULL
                   ? soup_message_headers_ref (req->response_headers) : NULL;
  return request_finish (result, out_status, out_problem, error);
}

/* Files: media and downloads */

/* A GET of an absolute @url, authenticated only on this client's server. */
static GTask *
start_url_request (FcApiClient         *self,
                   RequestMode          mode,
                   const char          *url,
                   FcApiRequestFlags    flags,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data,
                   gpointer             source_tag)
{
  GTask *task;
  Request *req;

  if (!is_own_server (self, url))
    flags |= FC_API_REQUEST_NO_AUTH;
  task = start_request (self, "GET", url, NULL, NULL, flags, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  req = g_task_get_task_data (task);
  req->mode = mode;
  return task;
}

static gboolean
is_http_url (const char *url)
{
  return url != NULL &&
         (g_ascii_strncasecmp (url, "http://", 7) == 0 ||
          g_ascii_strncasecmp (url, "https://", 8) == 0);
}

/* Fails @task when @url is no http(s) address. Takes @task then. */
static gboolean
check_url (GTask      *task,
           const char *url)
{
  if (is_http_url (url))
    return TRUE;
  /* Translators: %s is a web address. */
  fail_request (task, g_error_new (FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                                   _("“%s” is not a valid address."), url));
  return FALSE;
}

void
fc_api_client_open_async (FcApiClient         *self,
                          const char          *url,
                          SoupMessageHeaders  *headers,
                          FcApiRequestFlags    flags,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  Request *req;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_url_request (self, MODE_STREAM, url, flags, cancellable, callback, user_data,
                            fc_api_client_open_async);
  req = g_task_get_task_data (task);
  if (headers != NULL)
    req->extra_headers = soup_message_headers_ref (headers);
  if (check_url (task, url))
    send_request (task);
}

GInputStream *
fc_api_client_open_finish (FcApiClient         *self,
                           GAsyncResult        *result,
                           guint               *out_status,
                           SoupMessageHeaders **out_headers,
                           GError             **error)
{
  Request *req;

  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_api_client_open_async,
                        NULL);

  req = g_task_get_task_data (G_TASK (result));
  if (out_status != NULL)
    *out_status = req->status;
  if (out_headers != NULL)
    *out_headers = req->response_headers != NULL
                   ? soup_message_headers_ref (req->response_headers) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fc_api_client_get_bytes_async (FcApiClient         *self,
                               const char          *url,
                               FcApiRequestFlags    flags,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_url_request (self, MODE_BYTES, url, flags, cancellable, callback, user_data,
                            fc_api_client_get_bytes_async);
  if (check_url (task, url))
    send_request (task);
}

GBytes *
fc_api_client_get_bytes_finish (FcApiClient   *self,
                                GAsyncResult  *result,
                                guint         *out_status,
                                GError       **error)
{
  Request *req;

  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_api_client_get_bytes_async,
                        NULL);

  req = g_task_get_task_data (G_TASK (result));
  if (out_status != NULL)
    *out_status = req->status;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Multipart forms */

/* A JSON value as the text of a form field: as DRF parses it back. An
 * empty value is how a form says null. */
static char *
form_value (JsonNode *value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");
  if (!JSON_NODE_HOLDS_VALUE (value))
    return fc_json_to_string (value, FALSE);

  switch (json_node_get_value_type (value)) {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (value));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (value) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
    case G_TYPE_DOUBLE:
      return g_strdup (g_ascii_dtostr (number, sizeof number, json_node_get_double (value)));
    default:
      return fc_json_to_string (value, FALSE);
  }
}

static void
on_form_file_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;  /* owned; passed on or returned */
  Request *req = g_task_get_task_data (task);
  GFile *file = G_FILE (source);
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  g_autofree char *guessed = NULL;
  g_autofree char *mime = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (file, result, &data, &length, NULL, &error)) {
    g_autofree char *shown = g_file_get_parse_name (file);

    /* Translators: %s is a file name; the reason follows. */
    g_prefix_error (&error, _("Cannot read “%s”: "), shown);
    fail_request (task, g_steal_pointer (&error));
    return;
  }

  name = g_file_get_basename (file);
  guessed = g_content_type_guess (name, (const guchar *) data, length, NULL);
  mime = g_content_type_get_mime_type (guessed);
  bytes = g_bytes_new_take (g_steal_pointer (&data), length);
  soup_multipart_append_form_file (req->form, req->form_file_field, name,
                                   mime != NULL ? mime : "application/octet-stream", bytes);

  /* Serialized once: a resend after a token refresh sends the same bytes. */
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_multipart_to_message (req->form, headers, &req->body);
  req->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  g_clear_pointer (&req->form, soup_multipart_free);
  run_request (task);
}

void
fc_api_client_request_multipart_async (FcApiClient         *self,
                                       const char          *method,
                                       const char          *path,
                                       JsonObject          *fields,
                                       const char          *file_field,
                                       GFile               *file,
                                       const char          *idempotency_key,
                                       FcApiRequestFlags    flags,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Request *req;
  GTask *task;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (is_api_path (path));
  g_return_if_fail (file_field != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_api_request (self, method, path, NULL, idempotency_key, flags, cancellable,
                            callback, user_data, fc_api_client_request_multipart_async);
  req = g_task_get_task_data (task);
  req->form = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  req->form_file_field = g_strdup (file_field);

  if (fields != NULL) {
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, fields);
    while (json_object_iter_next (&iter, &name, &value)) {
      g_autofree char *text = NULL;

      if (g_str_equal (name, file_field))
        continue;
      text = form_value (value);
      soup_multipart_append_form_string (req->form, name, text);
    }
  }

  g_file_load_contents_async (file, cancellable, on_form_file_loaded_cb, task);
}

JsonNode *
fc_api_client_request_multipart_finish (FcApiClient   *self,
                                        GAsyncResult  *result,
                                        guint         *out_status,
                                        FcApiProblem **out_problem,
                                        GError       **error)
{
  /* Both end the same way: one Request on a GTask. */
  return fc_api_client_request_finish (self, result, out_status, out_problem, error);
}

/* Lists */

typedef struct {
  FcApiRequestFlags  flags;
  FcApiPageFunc      page_func;
  FcApiRawPageFunc   raw_page_func;   /* or this: pages as text */
  gpointer           page_data;
  GDestroyNotify     page_data_destroy;
  JsonArray         *items;
  char              *current;
  guint              pages;
  guint              fetched;   /* items seen, kept or not */
  gboolean           hold;      /* fc_api_client_fetch_pages_hold() during the page */
  GSource           *cancel_source;  /* while held: a cancel ends the fetch */
} FetchAll;

static void
fetch_all_free (gpointer data)
{
  FetchAll *fetch = data;

  if (fetch->cancel_source != NULL) {
    g_source_destroy (fetch->cancel_source);
    g_source_unref (fetch->cancel_source);
  }
  if (fetch->page_data_destroy != NULL)
    fetch->page_data_destroy (fetch->page_data);
  g_clear_pointer (&fetch->items, json_array_unref);
  g_free (fetch->current);
  g_free (fetch);
}

static void fetch_next_page (GTask *task);

/* Takes @task off the held ones; FALSE if it was not held. */
static gboolean
unhold (GTask *task)
{
  FcApiClient *self = g_task_get_source_object (task);
  FetchAll *fetch = g_task_get_task_data (task);
  GList *link = g_list_find (self->held_fetches, task);

  if (link == NULL)
    return FALSE;
  self->held_fetches = g_list_delete_link (self->held_fetches, link);
  if (fetch->cancel_source != NULL) {
    g_source_destroy (fetch->cancel_source);
    g_clear_pointer (&fetch->cancel_source, g_source_unref);
  }
  return TRUE;
}

/* A held fetch whose cancellable fires ends at once: no request of it is
 * in flight to notice. */
static gboolean
on_held_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;

  if (unhold (task)) {
    g_task_return_error_if_cancelled (task);
    g_object_unref (task);
  }
  return G_SOURCE_REMOVE;
}

/* Parks @task, which has a next page to fetch, until its consumer calls
 * fc_api_client_fetch_pages_resume(). Takes @task. */
static void
hold_fetch (GTask *task)
{
  FcApiClient *self = g_task_get_source_object (task);
  FetchAll *fetch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  fetch->hold = FALSE;
  self->held_fetches = g_list_prepend (self->held_fetches, task);
  if (cancellable != NULL) {
    fetch->cancel_source = g_cancellable_source_new (cancellable);
    g_source_set_callback (fetch->cancel_source, G_SOURCE_FUNC (on_held_cancelled), task, NULL);
    g_source_attach (fetch->cancel_source, g_main_context_get_thread_default ());
  }
}

/* A `next` link made absolute on our own server: servers build it from the
 * Host they saw, which behind a proxy need not be ours. */
static char *
resolve_next (FcApiClient *self,
              const char  *next)
{
  g_autoptr(GUri) uri = g_uri_parse (next, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) resolved = NULL;

  if (uri == NULL)
    return NULL;

  base = g_uri_parse (self->base_url, G_URI_FLAGS_ENCODED, NULL);
  if (base == NULL)
    return NULL;

  resolved = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (base), NULL, g_uri_get_host (base),
                          g_uri_get_port (base), g_uri_get_path (uri), g_uri_get_query (uri), NULL);
  return g_uri_to_string (resolved);
}

/* Ends the fetch after the last page, or fetches the one @next links to.
 * Takes @task. */
static void
follow_next (GTask      *task,
             const char *next)
{
  FcApiClient *self = g_task_get_source_object (task);
  FetchAll *fetch = g_task_get_task_data (task);
  g_autofree char *resolved = NULL;

  if (next == NULL || *next == '\0') {
    g_task_return_pointer (task, json_array_ref (fetch->items), (GDestroyNotify) json_array_unref);
    g_object_unref (task);
    return;
  }

  resolved = resolve_next (self, next);
  if (resolved == NULL || g_strcmp0 (resolved, fetch->current) == 0) {
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server sent a broken link to the next page."));
    g_object_unref (task);
    return;
  }
  g_free (fetch->current);
  fetch->current = g_steal_pointer (&resolved);
  if (fetch->hold)
    hold_fetch (task);
  else
    fetch_next_page (task);
}

/* A page of fc_api_client_fetch_pages_async(): its text goes on as it
 * came, scanned once (fc_json_scan_page()) instead of parsed into a tree
 * the consumer would only read again. */
static void
on_raw_page (GTask        *task,
             GAsyncResult *result)
{
  FcApiClient *self = g_task_get_source_object (task);
  FetchAll *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(FcJsonPage) page = { 0 };
  gpointer delivering;
  gint64 count;
  const char *data;
  gsize length;

  body = g_task_propagate_pointer (G_TASK (result), &error);
  if (body == NULL) {
    propagate_inner (task, result, g_steal_pointer (&error));
    g_object_unref (task);
    return;
  }

  data = g_bytes_get_data (body, &length);
  if (!fc_json_scan_page (data != NULL ? data : "", length, &page, &error)) {
    g_debug ("A page of %s: %s", fetch->current, error->message);
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server answered a list request with something else."));
    g_object_unref (task);
    return;
  }

  count = page.count > 0 ? page.count : 0;
  fetch->fetched += page.n_items;
  fetch->pages++;
  delivering = self->delivering;
  self->delivering = fetch;
  fetch->raw_page_func (self, body, page.ids, fetch->fetched, (guint) MIN (count, G_MAXUINT),
                        fetch->page_data);
  self->delivering = delivering;
  follow_next (task, page.next);
}

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcApiClient *self = FC_API_CLIENT (source);
  FetchAll *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = NULL;
  JsonArray *results;
  const char *next = NULL;
  gint64 count = 0;
  guint n;

  if (fetch->raw_page_func != NULL) {
    on_raw_page (g_steal_pointer (&task), result);
    return;
  }

  node = request_finish (result, NULL, NULL, &error);
  if (node == NULL) {
    propagate_inner (task, result, g_steal_pointer (&error));
    return;
  }

  if (JSON_NODE_HOLDS_ARRAY (node)) {
    results = json_node_get_array (node);
  } else if (JSON_NODE_HOLDS_OBJECT (node)) {
    object = json_node_get_object (node);
    results = fc_json_get_array (object, "results");
    next = fc_json_get_string (object, "next");
    if (!fc_json_get_int (object, "count", &count) || count < 0)
      count = 0;
  } else {
    results = NULL;
  }

  if (results == NULL) {
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server answered a list request with something else."));
    return;
  }

  /* With a page function the pages are its to keep: a copy of every item
   * here would hold the whole list (50,000 foods, ~170 MB of JsonNodes) in
   * memory until the last page, although each page is stored as it comes. */
  n = json_array_get_length (results);
  fetch->fetched += n;
  if (fetch->page_func == NULL) {
    for (guint i = 0; i < n; i++)
      json_array_add_element (fetch->items, json_node_copy (json_array_get_element (results, i)));
  }
  fetch->pages++;

  if (fetch->page_func != NULL)
    fetch->page_func (self, results, fetch->fetched, (guint) MIN (count, G_MAXUINT),
                      fetch->page_data);

  follow_next (g_steal_pointer (&task), next);
}

/* Takes @task. */
static void
fetch_next_page (GTask *task)
{
  FcApiClient *self = g_task_get_source_object (task);
  FetchAll *fetch = g_task_get_task_data (task);
  GTask *page;

  page = start_request (self, "GET", fetch->current, NULL, NULL, fetch->flags,
                        g_task_get_cancellable (task), on_page_cb, task);
  if (fetch->raw_page_func != NULL)
    ((Request *) g_task_get_task_data (page))->mode = MODE_BYTES;
  run_request (page);
}

static void
start_fetch (FcApiClient         *self,
             const char          *path,
             FcApiRequestFlags    flags,
             FcApiPageFunc        page_func,
             FcApiRawPageFunc     raw_page_func,
             gpointer             page_data,
             GDestroyNotify       page_data_destroy,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  FetchAll *fetch;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  fetch = g_new0 (FetchAll, 1);
  fetch->flags = flags;
  fetch->page_func = page_func;
  fetch->raw_page_func = raw_page_func;
  fetch->page_data = page_data;
  fetch->page_data_destroy = page_data_destroy;
  fetch->items = json_array_new ();
  fetch->current = api_uri (self, path);
  g_task_set_task_data (task, fetch, fetch_all_free);

  if (fetch->current == NULL) {
    g_task_return_error (task, g_error_copy (self->base_url_error));
    return;
  }
  fetch_next_page (g_steal_pointer (&task));
}

void
fc_api_client_fetch_all_async (FcApiClient         *self,
                               const char          *path,
                               FcApiRequestFlags    flags,
                               FcApiPageFunc        page_func,
                               gpointer             page_data,
                               GDestroyNotify       page_data_destroy,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (is_api_path (path));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_fetch (self, path, flags, page_func, NULL, page_data, page_data_destroy, cancellable,
               callback, user_data, fc_api_client_fetch_all_async);
}

void
fc_api_client_fetch_pages_async (FcApiClient         *self,
                                 const char          *path,
                                 FcApiRequestFlags    flags,
                                 FcApiRawPageFunc     page_func,
                                 gpointer             page_data,
                                 GDestroyNotify       page_data_destroy,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (is_api_path (path));
  g_return_if_fail (page_func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_fetch (self, path, flags, NULL, page_func, page_data, page_data_destroy, cancellable,
               callback, user_data, fc_api_client_fetch_pages_async);
}

/**
 * fc_api_client_fetch_pages_hold:
 * @page_data: the page_data of the fetch whose page function is running
 *
 * Called from a page function of fc_api_client_fetch_pages_async(): the
 * next page is not requested until fc_api_client_fetch_pages_resume()
 * (a consumer that has enough pages waiting, so that pages do not pile
 * up in memory faster than it takes them). After the last page it does
 * nothing. A held fetch still ends at once if it is cancelled.
 */
void
fc_api_client_fetch_pages_hold (FcApiClient *self,
                                gpointer     page_data)
{
  FetchAll *fetch;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  fetch = self->delivering;
  g_return_if_fail (fetch != NULL && fetch->page_data == page_data);

  fetch->hold = TRUE;
}

/**
 * fc_api_client_fetch_pages_resume:
 * @page_data: the page_data of a fetch held by fc_api_client_fetch_pages_hold()
 *
 * Requests the next page of the fetch @page_data belongs to, if it is
 * held; otherwise (not held yet, or already ended) does nothing.
 */
void
fc_api_client_fetch_pages_resume (FcApiClient *self,
                                  gpointer     page_data)
{
  g_return_if_fail (FC_IS_API_CLIENT (self));

  for (GList *l = self->held_fetches; l != NULL; l = l->next) {
    GTask *task = l->data;
    FetchAll *fetch = g_task_get_task_data (task);

    if (fetch->page_data == page_data) {
      unhold (task);
      fetch_next_page (task);
      return;
    }
  }
  /* Asked to hold, but its page function has not returned yet. */
  if (self->delivering != NULL && ((FetchAll *) self->delivering)->page_data == page_data)
    ((FetchAll *) self->delivering)->hold = FALSE;
}

gboolean
fc_api_client_fetch_pages_finish (FcApiClient   *self,
                                  GAsyncResult  *result,
                                  FcApiProblem **out_problem,
                                  GError       **error)
{
  g_autoptr(JsonArray) none = NULL;

  g_return_val_if_fail (FC_IS_API_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  none = outer_finish (result, out_problem, error);
  return none != NULL;
}

JsonArray *
fc_api_client_fetch_all_finish (FcApiClient   *self,
                                GAsyncResult  *result,
                                FcApiProblem **out_problem,
                                GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return outer_finish (result, out_problem, error);
}

/* Signing in */

/* Keeps the tokens of a login or registration answer. */
static JsonObject *
take_sign_in_answer (FcApiClient   *self,
                     GAsyncResult  *inner,
                     GError       **error)
{
  Request *req = g_task_get_task_data (G_TASK (inner));
  g_autoptr(JsonObject) object = NULL;
  const char *access;
  const char *refresh;
  JsonObject *user;

  object = node_take_object (request_finish (inner, NULL, NULL, error), error);
  if (object == NULL)
    return NULL;

  access = fc_json_get_string (object, "access");
  if (access == NULL || *access == '\0') {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server signed you in without giving a token."));
    return NULL;
  }

  /* Registration puts the refresh token in the body; the Django backend's
   * login sends "" there and the token only as a cookie. */
  refresh = fc_json_get_string (object, "refresh");
  if (refresh == NULL || *refresh == '\0')
    refresh = req->refresh_cookie;

  set_tokens (self, access, refresh, TRUE);

  user = fc_json_get_object (object, "user");
  return json_object_ref (user != NULL ? user : object);
}

static void
on_sign_in_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *user;

  user = take_sign_in_answer (FC_API_CLIENT (source), result, &error);
  if (user == NULL)
    propagate_inner (task, result, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, user, (GDestroyNotify) json_object_unref);
}

static void
post_anonymous (FcApiClient         *self,
                const char          *path,
                JsonObject          *body,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  inner_callback,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) node = object_node (body);
  g_autofree char *uri = api_uri (self, path);

  g_task_set_source_tag (task, source_tag);
  run_request (start_request (self, "POST", uri, node, NULL, FC_API_REQUEST_NO_AUTH, cancellable,
                              inner_callback, g_steal_pointer (&task)));
}

static void
drop_access_token (FcApiClient *self)
{
  /* A stale token would make the Django backend refuse even the login; none
   * is sent (NO_AUTH), and none is kept past this point either. */
  if (self->access_token != NULL)
    set_tokens (self, NULL, self->refresh_token, TRUE);
}

void
fc_api_client_sign_in_async (FcApiClient         *self,
                             const char          *email,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JsonObject *body;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (email != NULL && password != NULL);

  drop_access_token (self);
  body = json_object_new ();
  json_object_set_string_member (body, "email", email);
  json_object_set_string_member (body, "password", password);
  post_anonymous (self, "auth/oauth/login/", body, fc_api_client_sign_in_async, cancellable,
                  on_sign_in_cb, callback, user_data);
}

JsonObject *
fc_api_client_sign_in_finish (FcApiClient   *self,
                              GAsyncResult  *result,
                              FcApiProblem **out_problem,
                              GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return outer_finish (result, out_problem, error);
}

void
fc_api_client_google_login_async (FcApiClient         *self,
                                  const char          *id_token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *body;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (id_token != NULL);

  drop_access_token (self);
  body = json_object_new ();
  json_object_set_string_member (body, "id_token", id_token);
  post_anonymous (self, "auth/google/login/", body, fc_api_client_google_login_async,
                  cancellable, on_sign_in_cb, callback, user_data);
}

JsonObject *
fc_api_client_google_login_finish (FcApiClient   *self,
                                   GAsyncResult  *result,
                                   FcApiProblem **out_problem,
                                   GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return outer_finish (result, out_problem, error);
}

void
fc_api_client_register_async (FcApiClient         *self,
                              const char          *email,
                              const char          *password1,
                              const char          *password2,
                              const char          *first_name,
                              const char          *last_name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  JsonObject *body;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (email != NULL && password1 != NULL && password2 != NULL);

  drop_access_token (self);
  body = json_object_new ();
  json_object_set_string_member (body, "email", email);
  json_object_set_string_member (body, "password1", password1);
  json_object_set_string_member (body, "password2", password2);
  json_object_set_string_member (body, "first_name", first_name != NULL ? first_name : "");
  json_object_set_string_member (body, "last_name", last_name != NULL ? last_name : "");
  post_anonymous (self, "auth/registration/", body, fc_api_client_register_async, cancellable,
                  on_sign_in_cb, callback, user_data);
}

JsonObject *
fc_api_client_register_finish (FcApiClient   *self,
                               GAsyncResult  *result,
                               FcApiProblem **out_problem,
                               GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return outer_finish (result, out_problem, error);
}

static void
on_sign_out_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = request_finish (result, NULL, NULL, &error);

  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
fc_api_client_sign_out_async (FcApiClient         *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  GTask *inner;
  Request *req;

  g_return_if_fail (FC_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_api_client_sign_out_async);

  refresh = g_strdup (self->refresh_token);
  sign_out_locally (self, FC_API_SIGN_OUT_REQUESTED, NULL);

  uri = api_uri (self, "auth/oauth/logout/");
  if (refresh == NULL || uri == NULL) {
    g_task_return_boolean (task, TRUE);
    return;
  }

  /* The Django backend reads the token only from its cookie; ours also takes
   * it from the body. */
  body = json_object_new ();
  json_object_set_string_member (body, "refresh", refresh);
  node = object_node (g_steal_pointer (&body));
  inner = start_request (self, "POST", uri, node, NULL, FC_API_REQUEST_NO_AUTH, cancellable,
                         on_sign_out_cb, g_steal_pointer (&task));
  req = g_task_get_task_data (inner);
  if (is_valid_cookie_value (refresh))
    req->cookie = g_strconcat (REFRESH_COOKIE "=", refresh, NULL);
  run_request (inner);
  wipe_string (&refresh);
}

gboolean
fc_api_client_sign_out_finish (FcApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_password_reset_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = request_finish (result, NULL, NULL, &error);

  if (node == NULL)
    propagate_inner (task, result, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
}

void
fc_api_client_request_password_reset_async (FcApiClient         *self,
                                            const char          *email,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  JsonObject *body;

  g_return_if_fail (FC_IS_API_CLIENT (self));
  g_return_if_fail (email != NULL);

  body = json_object_new ();
  json_object_set_string_member (body, "email", email);
  post_anonymous (self, "auth/oauth/password/reset/", body,
                  fc_api_client_request_password_reset_async, cancellable, on_password_reset_cb,
                  callback, user_data);
}

gboolean
fc_api_client_request_password_reset_finish (FcApiClient   *self,
                                             GAsyncResult  *result,
                                             FcApiProblem **out_problem,
                                             GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return outer_finish (result, out_problem, error) != NULL;
}

static void
on_get_user_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *user = node_take_object (request_finish (result, NULL, NULL, &error), &error);

  if (user == NULL)
    propagate_inner (task, result, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, user, (GDestroyNotify) json_object_unref);
}

void
fc_api_client_get_user_async (FcApiClient         *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FC_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_api_client_get_user_async);
  fc_api_client_request_async (self, "GET", "auth/oauth/user/", NULL, NULL, FC_API_REQUEST_NONE,
                               cancellable, on_get_user_cb, g_steal_pointer (&task));
}

JsonObject *
fc_api_client_get_user_finish (FcApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sections */

/* The sections the Django backend may have, with the path that answers 404
 * when a section is absent. */
static const struct {
  const char *name;
  const char *probe;
} django_probes[] = {
  { "auth", "auth/profile/" },
  { "nutrition", "nutrition/" },
};

typedef struct {
  GPtrArray *names;
  guint      probe;
} Sections;

static void
sections_free (gpointer data)
{
  Sections *sections = data;

  g_ptr_array_unref (sections->names);
  g_free (sections);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
return_sections (GTask *task)
{
  Sections *sections = g_task_get_task_data (task);
  GPtrArray *names = sections->names;

  GStrv strv;

  g_ptr_array_add (names, NULL);
  strv = g_strdupv ((GStrv) names->pdata);
  qsort (strv, g_strv_length (strv), sizeof (char *), compare_strings);
  g_task_return_pointer (task, strv, (GDestroyNotify) g_strfreev);
}

static void probe_next (GTask *task);

static void
on_probe_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sections *sections = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = request_finish (result, NULL, NULL, &error);

  if (node == NULL && !g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND) &&
      (error->domain != FC_API_ERROR || error->code == FC_API_ERROR_NETWORK ||
       error->code == FC_API_ERROR_TIMEOUT || error->code == FC_API_ERROR_SERVER)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  /* 200, 401, 403 ...: the section is there. */
  if (node != NULL || !g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND))
    g_ptr_array_add (sections->names, g_strdup (django_probes[sections->probe].name));

  sections->probe++;
  probe_next (g_steal_pointer (&task));
}

/* Takes @task. */
static void
probe_next (GTask *task)
{
  FcApiClient *self = g_task_get_source_object (task);
  Sections *sections = g_task_get_task_data (task);

  if (sections->probe >= G_N_ELEMENTS (django_probes)) {
    return_sections (task);
    g_object_unref (task);
    return;
  }

  /* Signed in, the probe carries the token: auth/profile/ needs one, and
   * an anonymous probe is a 401 in the server's log on every detection. */
  fc_api_client_request_async (self, "GET", django_probes[sections->probe].probe, NULL, NULL,
                               self->access_token != NULL ? FC_API_REQUEST_NONE
                                                          : FC_API_REQUEST_NO_AUTH,
                               g_task_get_cancellable (task), on_probe_cb, task);
}

static void
on_api_root_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Sections *sections = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = request_finish (result, NULL, NULL, &error);
  JsonArray *array = NULL;

  if (node == NULL && (error->domain != FC_API_ERROR || error->code == FC_API_ERROR_NETWORK ||
                       error->code == FC_API_ERROR_TIMEOUT || error->code == FC_API_ERROR_SERVER)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    array = fc_json_get_array (json_node_get_object (node), "sections");

  if (array == NULL) {
    /* The Django backend has no API root (HTML 404): probe instead. */
    g_debug ("No API root (%s): probing sections", error != NULL ? error->message : "no sections");
    probe_next (g_steal_pointer (&task));
    return;
  }

  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *element = json_array_get_element (array, i);

    if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
      g_ptr_array_add (sections->names, g_strdup (json_node_get_string (element)));
  }
  return_sections (task);
}

void
fc_api_client_detect_sections_async (FcApiClient         *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Sections *sections;

  g_return_if_fail (FC_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_api_client_detect_sections_async);
  sections = g_new0 (Sections, 1);
  sections->names = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, sections, sections_free);

  fc_api_client_request_async (self, "GET", "", NULL, NULL, FC_API_REQUEST_NO_AUTH, cancellable,
                               on_api_root_cb, g_steal_pointer (&task));
}

char **
fc_api_client_detect_sections_finish (FcApiClient   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The Server header of the last answer (NULL before one, or when the
 * server sends none): the sync engine keys what a server offers by it. */
const char *
fc_api_client_get_server_software (FcApiClient *self)
{
  g_return_val_if_fail (FC_IS_API_CLIENT (self), NULL);

  return self->server_software;
}

JsonObject *
fc_api_answer_take_object (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(JsonNode) answer = node;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (answer)) {
    g_set_error_literal (error, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                         _("The server answered something other than an object."));
    return NULL;
  }
  return json_object_ref (json_node_get_object (answer));
}
