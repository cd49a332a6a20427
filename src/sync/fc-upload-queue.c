/* fc-upload-queue.c — the admin upload queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One transfer at a time runs as a Run: the item, a cancellable and the
 * open file. Each step's callback first checks that its run is still the
 * queue's current one (a pause or a cancel drops it), so a late answer
 * never moves an item that the user already stopped.
 */

#define G_LOG_DOMAIN "fitcore-upload"

#include "config.h"

#include "fc-upload-queue.h"

#include <glib/gi18n.h>

#include "fc-json.h"
#include "fc-store-uploads.h"

#define RETRY_MAX_MS 30000
#define FILE_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED "," \
                        G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC

typedef struct _Run Run;

struct _FcUploadQueue
{
  GObject       parent_instance;

  /* Owned */
  FcApiClient  *client;
  FcStore      *store;
  GPtrArray    *items;
  GCancellable *cancellable;
  Run          *current;
  guint         retry_id;

  gsize         chunk_size;
  guint         retry_delay_ms;
  guint         next_delay_ms;
  gboolean      loaded;
};

struct _Run
{
  FcUploadQueue    *queue;    /* borrowed; NULL once stopped */
  FcUploadItem     *item;     /* owned */
  GCancellable     *cancellable;
  GFileInputStream *stream;
  guint8           *buffer;
  gint64            chunk_started;
  gsize             chunk_length;
};

static void fc_upload_queue_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FcUploadQueue, fc_upload_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      fc_upload_queue_list_model_init))

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_COMPLETED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void kick          (FcUploadQueue *self);
static void step_head     (Run           *run);
static void step_create   (Run           *run);
static void step_chunk    (Run           *run);
static void step_complete (Run           *run);

/* GListModel */

static GType
list_get_item_type (GListModel *model)
{
  return FC_TYPE_UPLOAD_ITEM;
}

static guint
list_get_n_items (GListModel *model)
{
  return FC_UPLOAD_QUEUE (model)->items->len;
}

static gpointer
list_get_item (GListModel *model,
               guint       position)
{
  FcUploadQueue *self = FC_UPLOAD_QUEUE (model);

  return position < self->items->len ? g_object_ref (self->items->pdata[position]) : NULL;
}

static void
fc_upload_queue_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* Rows */

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcUploadItem) item = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = fc_store_uploads_save_finish (FC_STORE (source), result, &error);

  if (id == 0) {
    g_warning ("Could not keep the upload of %s: %s", fc_upload_item_get_path (item),
               error->message);
    return;
  }
  if (fc_upload_item_get_id (item) == 0) {
    FcUploadQueue *queue = g_object_get_data (G_OBJECT (item), "fc-queue");

    fc_upload_item_set_id (item, id);
    /* Cancelled before its row was in: the row goes now. */
    if (queue == NULL) {
      fc_store_uploads_remove_async (FC_STORE (source), id, NULL, NULL, NULL);
      return;
    }
    kick (queue);
  }
}

static void
save_item (FcUploadQueue *self,
           FcUploadItem  *item)
{
  g_autoptr(JsonObject) row = NULL;

  /* A row not inserted yet is saved once its id is known (on_saved_cb
   * kicks the queue, which saves it when it starts). */
  if (self->store == NULL)
    return;
  row = fc_upload_item_to_row (item);
  fc_store_uploads_save_async (self->store, row, NULL, on_saved_cb, g_object_ref (item));
}

static void
notify_busy (FcUploadQueue *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
is_pending (FcUploadItem *item)
{
  switch (fc_upload_item_get_state (item)) {
  case FC_UPLOAD_STATE_QUEUED:
  case FC_UPLOAD_STATE_UPLOADING:
  case FC_UPLOAD_STATE_WAITING:
  case FC_UPLOAD_STATE_COMPLETING:
    return TRUE;
  default:
    return FALSE;
  }
}

/* Runs */

static void
run_free (Run *run)
{
  if (run->stream != NULL)
    g_input_stream_close (G_INPUT_STREAM (run->stream), NULL, NULL);
  g_clear_object (&run->stream);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->item);
  g_free (run->buffer);
  g_free (run);
}

/* Whether @run is still the one the queue runs; frees it when not. */
static gboolean
run_alive (Run *run)
{
  if (run->queue != NULL && run->queue->current == run)
    return TRUE;
  run_free (run);
  return FALSE;
}

/* Ends the queue's current @run with @state and starts the next item. */
static void
run_end (Run           *run,
         FcUploadState  state,
         const char    *message)
{
  FcUploadQueue *self = g_object_ref (run->queue);

  g_assert (self->current == run);
  self->current = NULL;
  fc_upload_item_set_speed (run->item, 0);
  fc_upload_item_set_state (run->item, state, message);
  save_item (self, run->item);
  run_free (run);
  notify_busy (self);
  kick (self);
  g_object_unref (self);
}

/* Stops the current run at once (pause, cancel, dispose). */
static void
stop_current (FcUploadQueue *self)
{
  Run *run = self->current;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (run == NULL)
    return;
  self->current = NULL;
  /* The run holds no reference on the queue (the queue would never be
   * freed while a request is in flight): a stopped run only frees itself. */
  run->queue = NULL;
  g_cancellable_cancel (run->cancellable);
  /* A step in flight frees the run when it comes back; a run waiting on
   * the retry timer has none. */
  if (g_object_get_data (G_OBJECT (run->item), "fc-run-idle") != NULL) {
    g_object_set_data (G_OBJECT (run->item), "fc-run-idle", NULL);
    run_free (run);
  }
}

static gboolean
on_retry_cb (gpointer user_data)
{
  FcUploadQueue *self = user_data;
  Run *run = self->current;

  self->retry_id = 0;
  g_object_set_data (G_OBJECT (run->item), "fc-run-idle", NULL);
  if (fc_upload_item_get_upload_id (run->item) != NULL)
    step_head (run);
  else
    step_create (run);
  return G_SOURCE_REMOVE;
}

/* No answer (or a 5xx): the item waits and asks again, from the offset
 * the server has, after a growing delay. */
static void
run_wait (Run          *run,
          const GError *error)
{
  FcUploadQueue *self = run->queue;

  g_debug ("Upload of %s waits: %s", fc_upload_item_get_path (run->item),
           error != NULL ? error->message : "busy");
  fc_upload_item_set_speed (run->item, 0);
  if (error != NULL)
    fc_upload_item_set_state (run->item, FC_UPLOAD_STATE_WAITING,
                              _("The server cannot be reached. The upload goes on when it can."));
  if (run->stream != NULL)
    g_input_stream_close (G_INPUT_STREAM (run->stream), NULL, NULL);
  g_clear_object (&run->stream);
  g_object_set_data (G_OBJECT (run->item), "fc-run-idle", GINT_TO_POINTER (1));
  self->retry_id = g_timeout_add (self->next_delay_ms, on_retry_cb, self);
  self->next_delay_ms = MIN (self->next_delay_ms * 2, RETRY_MAX_MS);
}

static gboolean
is_transient (const GError *error,
              guint         status)
{
  return status == 0 || status >= 500 ||
         g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NETWORK) ||
         g_error_matches (error, FC_API_ERROR, FC_API_ERROR_TIMEOUT) ||
         g_error_matches (error, FC_API_ERROR, FC_API_ERROR_SERVER) ||
         g_error_matches (error, FC_API_ERROR, FC_API_ERROR_THROTTLED);
}

/* The server's sentences for a refusal, else the error's message. */
static char *
refusal_text (FcApiProblem *problem,
              const GError *error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) all = NULL;

  if (problem != NULL) {
    fields = fc_api_problem_dup_field_names (problem);
    g_strv_builder_addv (builder, (const char **) fc_api_problem_get_non_field_messages (problem));
    for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
      g_strv_builder_addv (builder,
                           (const char **) fc_api_problem_get_field_messages (problem, fields[i]));
  }
  all = g_strv_builder_end (builder);
  if (all[0] != NULL)
    return g_strjoinv (" ", all);
  return g_strdup (error->message);
}

/* Upload-Offset of @headers, or -1. */
static gint64
header_offset (SoupMessageHeaders *headers)
{
  const char *value = headers != NULL ? soup_message_headers_get_one (headers, "Upload-Offset")
                                      : NULL;
  guint64 offset;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &offset, NULL))
    return -1;
  return (gint64) offset;
}

static char *
upload_path (Run        *run,
             const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (fc_upload_item_get_upload_id (run->item), NULL,
                                                  FALSE);

  return g_strdup_printf ("admin/uploads/%s/%s", escaped, suffix);
}

/* The server no longer knows the upload (expired, deleted): start over. */
static void
run_restart (Run *run)
{
  fc_upload_item_set_upload_id (run->item, NULL);
  fc_upload_item_set_sent (run->item, 0);
  save_item (run->queue, run->item);
  step_create (run);
}

/* Checks that the file is the one queued; else fails the run. */
static gboolean
check_file (Run *run)
{
  g_autoptr(GFile) file = g_file_new_for_path (fc_upload_item_get_path (run->item));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info (file, FILE_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                                 NULL, &error);
  g_autofree char *message = NULL;
  gint64 mtime;

  if (info == NULL) {
    /* Translators: %s is a file name, then the system's reason. */
    message = g_strdup_printf (_("“%s” cannot be read: %s"),
                               fc_upload_item_get_filename (run->item), error->message);
    run_end (run, FC_UPLOAD_STATE_FAILED, message);
    return FALSE;
  }
  mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) *
          G_USEC_PER_SEC +
          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  if ((guint64) g_file_info_get_size (info) != fc_upload_item_get_size (run->item) ||
      mtime != fc_upload_item_get_mtime (run->item)) {
    /* Translators: %s is a file name. */
    message = g_strdup_printf (_("“%s” changed since it was queued, so the upload cannot go on. "
                                 "Remove it and add the file again."),
                               fc_upload_item_get_filename (run->item));
    run_end (run, FC_UPLOAD_STATE_FAILED, message);
    return FALSE;
  }
  return TRUE;
}

/* POST admin/uploads/ */

static void
on_created_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *upload_id = NULL;
  guint status = 0;
  JsonNode *node;
  JsonNode *id;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, &status, &problem, &error);
  if (!run_alive (run))
    return;
  if (node == NULL) {
    g_autofree char *text = NULL;

    if (is_transient (error, status)) {
      run_wait (run, error);
      return;
    }
    text = refusal_text (problem, error);
    run_end (run, FC_UPLOAD_STATE_FAILED, text);
    return;
  }
  object = fc_api_answer_take_object (node, &error);
  id = object != NULL ? json_object_get_member (object, "id") : NULL;
  if (id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
    upload_id = g_strdup (json_node_get_string (id));
  else if (id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_INT64)
    upload_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
  if (upload_id == NULL) {
    run_end (run, FC_UPLOAD_STATE_FAILED, _("The server answered with data of an unexpected shape."));
    return;
  }
  fc_upload_item_set_upload_id (run->item, upload_id);
  fc_upload_item_set_sent (run->item, 0);
  save_item (run->queue, run->item);
  step_chunk (run);
}

static void
step_create (Run *run)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_string_member (body, "filename", fc_upload_item_get_filename (run->item));
  json_object_set_int_member (body, "size", (gint64) fc_upload_item_get_size (run->item));
  node = json_node_init_object (json_node_alloc (), body);
  fc_api_client_request_async (run->queue->client, "POST", "admin/uploads/", node, NULL,
                               FC_API_REQUEST_NONE, run->cancellable, on_created_cb, run);
}

/* HEAD admin/uploads/{id}/ */

static void
on_head_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  guint status = 0;
  gint64 offset;

  node = fc_api_client_request_raw_finish (FC_API_CLIENT (source), result, &status, &headers,
                                           &problem, &error);
  if (!run_alive (run))
    return;
  if (node == NULL && status == SOUP_STATUS_NOT_FOUND) {
    run_restart (run);
    return;
  }
  if (node == NULL && is_transient (error, status)) {
    run_wait (run, error);
    return;
  }
  if (node == NULL) {
    text = refusal_text (problem, error);
    run_end (run, FC_UPLOAD_STATE_FAILED, text);
    return;
  }
  offset = header_offset (headers);
  if (offset < 0 || (guint64) offset > fc_upload_item_get_size (run->item)) {
    run_end (run, FC_UPLOAD_STATE_FAILED, _("The server answered with data of an unexpected shape."));
    return;
  }
  fc_upload_item_set_sent (run->item, (guint64) offset);
  save_item (run->queue, run->item);
  step_chunk (run);
}

static void
step_head (Run *run)
{
  g_autofree char *path = upload_path (run, "");

  fc_api_client_request_raw_async (run->queue->client, "HEAD", path, NULL, NULL, NULL, NULL,
                                   FC_API_REQUEST_NO_RETRY, run->cancellable, on_head_cb, run);
}

/* PATCH admin/uploads/{id}/ */

static void
on_patched_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  FcUploadQueue *self = run->queue;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  guint status = 0;
  gint64 offset;

  node = fc_api_client_request_raw_finish (FC_API_CLIENT (source), result, &status, &headers,
                                           &problem, &error);
  if (!run_alive (run))
    return;
  offset = header_offset (headers);

  if (node != NULL || status == SOUP_STATUS_CONFLICT) {
    guint64 sent = fc_upload_item_get_sent (run->item);

    /* A 409 says where the server is: the next chunk starts there. */
    if (offset < 0 || (guint64) offset > fc_upload_item_get_size (run->item)) {
      if (node == NULL || status == SOUP_STATUS_CONFLICT) {
        run_end (run, FC_UPLOAD_STATE_FAILED,
                 _("The server answered with data of an unexpected shape."));
        return;
      }
      offset = (gint64) (sent + run->chunk_length);
    }
    /* A 409 that moves nothing: a PATCH cancelled by a pause still runs
     * on the server. Ask again in a moment rather than spin. */
    if (node == NULL && (guint64) offset == sent) {
      run_wait (run, NULL);
      return;
    }
    if (node != NULL) {
      double seconds = MAX (g_get_monotonic_time () - run->chunk_started, 1) / (double) G_USEC_PER_SEC;
      double instant = run->chunk_length / seconds;
      double speed = fc_upload_item_get_speed (run->item);

      fc_upload_item_set_speed (run->item, speed > 0 ? 0.6 * speed + 0.4 * instant : instant);
      self->next_delay_ms = self->retry_delay_ms;
    }
    fc_upload_item_set_sent (run->item, (guint64) offset);
    save_item (self, run->item);
    step_chunk (run);
    return;
  }
  if (status == SOUP_STATUS_NOT_FOUND) {
    run_restart (run);
    return;
  }
  if (is_transient (error, status)) {
    run_wait (run, error);
    return;
  }
  text = refusal_text (problem, error);
  run_end (run, FC_UPLOAD_STATE_FAILED, text);
}

static void
on_chunk_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *message = NULL;
  gsize length = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &length, &error)) {
    if (!run_alive (run))
      return;
    /* Translators: %s is a file name, then the system's reason. */
    message = g_strdup_printf (_("“%s” cannot be read: %s"),
                               fc_upload_item_get_filename (run->item), error->message);
    run_end (run, FC_UPLOAD_STATE_FAILED, message);
    return;
  }
  if (!run_alive (run))
    return;
  if (length == 0) {
    /* Translators: %s is a file name. */
    message = g_strdup_printf (_("“%s” changed since it was queued, so the upload cannot go on. "
                                 "Remove it and add the file again."),
                               fc_upload_item_get_filename (run->item));
    run_end (run, FC_UPLOAD_STATE_FAILED, message);
    return;
  }

  run->chunk_length = length;
  body = g_bytes_new (run->buffer, length);
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  offset = g_strdup_printf ("%" G_GUINT64_FORMAT, fc_upload_item_get_sent (run->item));
  soup_message_headers_replace (headers, "Upload-Offset", offset);
  path = upload_path (run, "");
  run->chunk_started = g_get_monotonic_time ();
  fc_api_client_request_raw_async (run->queue->client, "PATCH", path, body,
                                   "application/offset+octet-stream", headers, NULL,
                                   FC_API_REQUEST_NONE, run->cancellable, on_patched_cb, run);
}

static void
step_chunk (Run *run)
{
  FcUploadQueue *self = run->queue;
  guint64 sent = fc_upload_item_get_sent (run->item);
  guint64 size = fc_upload_item_get_size (run->item);
  g_autoptr(GError) error = NULL;

  if (sent >= size) {
    step_complete (run);
    return;
  }
  if (fc_upload_item_get_state (run->item) != FC_UPLOAD_STATE_UPLOADING)
    fc_upload_item_set_state (run->item, FC_UPLOAD_STATE_UPLOADING, NULL);

  if (run->stream == NULL) {
    g_autoptr(GFile) file = g_file_new_for_path (fc_upload_item_get_path (run->item));

    /* A local file opens at once; the reads are asynchronous. */
    run->stream = g_file_read (file, NULL, &error);
  }
  if (run->stream != NULL &&
      !g_seekable_seek (G_SEEKABLE (run->stream), (goffset) sent, G_SEEK_SET, NULL, &error))
    g_clear_object (&run->stream);
  if (run->stream == NULL) {
    /* Translators: %s is a file name, then the system's reason. */
    g_autofree char *message = g_strdup_printf (_("“%s” cannot be read: %s"),
                                                fc_upload_item_get_filename (run->item),
                                                error->message);
    run_end (run, FC_UPLOAD_STATE_FAILED, message);
    return;
  }
  if (run->buffer == NULL)
    run->buffer = g_malloc (self->chunk_size);
  g_input_stream_read_all_async (G_INPUT_STREAM (run->stream), run->buffer,
                                 (gsize) MIN (self->chunk_size, size - sent), G_PRIORITY_DEFAULT,
                                 run->cancellable, on_chunk_read_cb, run);
}

/* POST admin/uploads/{id}/complete/ */

static void
on_completed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(JsonObject) video = NULL;
  g_autoptr(FcUploadItem) item = NULL;
  g_autoptr(FcUploadQueue) self = NULL;
  g_autofree char *text = NULL;
  guint status = 0;
  JsonNode *node;
  gint64 id = 0;

  node = fc_api_client_request_finish (FC_API_CLIENT (source), result, &status, &problem, &error);
  if (!run_alive (run)) {
    g_clear_pointer (&node, json_node_unref);
    return;
  }
  if (node == NULL && status == SOUP_STATUS_CONFLICT) {
    /* Not every byte is in after all: ask where the server is. */
    fc_upload_item_set_state (run->item, FC_UPLOAD_STATE_UPLOADING, NULL);
    step_head (run);
    return;
  }
  if (node == NULL && is_transient (error, status)) {
    run_wait (run, error);
    return;
  }
  if (node == NULL) {
    text = refusal_text (problem, error);
    run_end (run, FC_UPLOAD_STATE_FAILED, text);
    return;
  }
  video = fc_api_answer_take_object (node, &error);
  if (video == NULL || !fc_json_get_int (video, "id", &id) || id <= 0) {
    run_end (run, FC_UPLOAD_STATE_FAILED, _("The server answered with data of an unexpected shape."));
    return;
  }
  item = g_object_ref (run->item);
  self = g_object_ref (run->queue);
  fc_upload_item_set_video (item, id);
  fc_upload_item_set_sent (item, fc_upload_item_get_size (item));
  run_end (run, FC_UPLOAD_STATE_DONE, NULL);
  g_signal_emit (self, signals[SIGNAL_COMPLETED], 0, item, video);
}

static void
step_complete (Run *run)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = upload_path (run, "complete/");
  g_autofree char *key = g_strdup_printf ("fc-upload-complete-%s",
                                          fc_upload_item_get_upload_id (run->item));

  fc_upload_item_set_speed (run->item, 0);
  fc_upload_item_set_state (run->item, FC_UPLOAD_STATE_COMPLETING, NULL);
  save_item (run->queue, run->item);
  json_object_set_int_member (body, "workout", fc_upload_item_get_workout (run->item));
  json_object_set_string_member (body, "title", fc_upload_item_get_title (run->item));
  json_object_set_string_member (body, "description", fc_upload_item_get_description (run->item));
  json_object_set_boolean_member (body, "is_free", fc_upload_item_get_is_free (run->item));
  node = json_node_init_object (json_node_alloc (), body);
  /* The same key for every try: a retry after a lost answer gets the
   * video made the first time, not a second one. */
  fc_api_client_request_async (run->queue->client, "POST", path, node, key, FC_API_REQUEST_NONE,
                               run->cancellable, on_completed_cb, run);
}

/* Starts the first pending item whose row is in the store. */
static void
kick (FcUploadQueue *self)
{
  Run *run;

  if (self->current != NULL || !self->loaded)
    return;
  for (guint i = 0; i < self->items->len; i++) {
    FcUploadItem *item = self->items->pdata[i];

    if (!is_pending (item) || fc_upload_item_get_id (item) == 0)
      continue;

    run = g_new0 (Run, 1);
    run->queue = self;
    run->item = g_object_ref (item);
    run->cancellable = g_cancellable_new ();
    self->current = run;
    self->next_delay_ms = self->retry_delay_ms;
    notify_busy (self);

    if (!check_file (run))
      return;
    if (fc_upload_item_get_state (item) != FC_UPLOAD_STATE_COMPLETING)
      fc_upload_item_set_state (item, FC_UPLOAD_STATE_UPLOADING, NULL);
    save_item (self, item);
    if (fc_upload_item_get_upload_id (item) == NULL)
      step_create (run);
    else
      step_head (run);
    return;
  }
}

static void
remove_item (FcUploadQueue *self,
             FcUploadItem  *item)
{
  guint position;

  if (!g_ptr_array_find (self->items, item, &position))
    return;
  g_object_set_data (G_OBJECT (item), "fc-queue", NULL);
  if (fc_upload_item_get_id (item) > 0 && self->store != NULL)
    fc_store_uploads_remove_async (self->store, fc_upload_item_get_id (item), NULL, NULL, NULL);
  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  notify_busy (self);
}

/* GObject */

static void
fc_upload_queue_dispose (GObject *object)
{
  FcUploadQueue *self = FC_UPLOAD_QUEUE (object);

  g_cancellable_cancel (self->cancellable);
  stop_current (self);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  if (self->items != NULL) {
    for (guint i = 0; i < self->items->len; i++)
      g_object_set_data (self->items->pdata[i], "fc-queue", NULL);
  }
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (fc_upload_queue_parent_class)->dispose (object);
}

static void
fc_upload_queue_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FcUploadQueue *self = FC_UPLOAD_QUEUE (object);

  switch (prop_id) {
  case PROP_BUSY:
    g_value_set_boolean (value, fc_upload_queue_get_busy (self));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_upload_queue_class_init (FcUploadQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_upload_queue_dispose;
  object_class->get_property = fc_upload_queue_get_property;

  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FcUploadQueue::completed:
   * @item: the finished item
   * @video: the workout video the server made, as it answered it
   *
   * A file is in and its video is the last of its workout.
   */
  signals[SIGNAL_COMPLETED] =
    g_signal_new ("completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, FC_TYPE_UPLOAD_ITEM, JSON_TYPE_OBJECT);
}

static void
fc_upload_queue_init (FcUploadQueue *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->chunk_size = FC_UPLOAD_QUEUE_CHUNK_SIZE;
  self->retry_delay_ms = 1000;
  self->next_delay_ms = self->retry_delay_ms;
}

FcUploadQueue *
fc_upload_queue_new (FcApiClient *client,
                     FcStore     *store)
{
  FcUploadQueue *self;

  g_return_val_if_fail (FC_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (store == NULL || FC_IS_STORE (store), NULL);

  self = g_object_new (FC_TYPE_UPLOAD_QUEUE, NULL);
  self->client = g_object_ref (client);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  return self;
}

void
fc_upload_queue_set_chunk_size (FcUploadQueue *self,
                                gsize          chunk_size)
{
  g_return_if_fail (FC_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (chunk_size > 0);

  self->chunk_size = chunk_size;
  if (self->current != NULL)
    g_clear_pointer (&self->current->buffer, g_free);
}

void
fc_upload_queue_set_retry_delay (FcUploadQueue *self,
                                 guint          retry_delay_ms)
{
  g_return_if_fail (FC_IS_UPLOAD_QUEUE (self));

  self->retry_delay_ms = MAX (retry_delay_ms, 1);
  self->next_delay_ms = self->retry_delay_ms;
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcUploadQueue *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = fc_store_uploads_list_finish (FC_STORE (source), result, &error);
  GPtrArray *loaded;
  guint before;

  if (rows == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (self->items == NULL || self->loaded) {
    g_task_return_boolean (task, TRUE);
    return;
  }
  /* Rows from the store come first, items added meanwhile after them. */
  before = self->items->len;
  loaded = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (rows); i++) {
    JsonObject *row = json_array_get_object_element (rows, i);
    FcUploadItem *item;

    if (row == NULL)
      continue;
    item = fc_upload_item_new_from_row (row);
    g_object_set_data (G_OBJECT (item), "fc-queue", self);
    /* What was moving when the app stopped goes on. */
    if (fc_upload_item_get_state (item) == FC_UPLOAD_STATE_WAITING)
      fc_upload_item_set_state (item, FC_UPLOAD_STATE_QUEUED, NULL);
    g_ptr_array_add (loaded, item);
  }
  for (guint i = 0; i < before; i++)
    g_ptr_array_add (loaded, g_object_ref (self->items->pdata[i]));
  g_ptr_array_unref (self->items);
  self->items = loaded;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, before, self->items->len);
  self->loaded = TRUE;
  notify_busy (self);
  kick (self);
  g_task_return_boolean (task, TRUE);
}

void
fc_upload_queue_load_async (FcUploadQueue       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FC_IS_UPLOAD_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_upload_queue_load_async);
  if (self->store == NULL) {
    self->loaded = TRUE;
    kick (self);
    g_task_return_boolean (task, TRUE);
    return;
  }
  fc_store_uploads_list_async (self->store, cancellable, on_loaded_cb, g_steal_pointer (&task));
}

gboolean
fc_upload_queue_load_finish (FcUploadQueue  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (FC_IS_UPLOAD_QUEUE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

FcUploadItem *
fc_upload_queue_add (FcUploadQueue  *self,
                     GFile          *file,
                     gint64          workout,
                     const char     *title,
                     const char     *description,
                     gboolean        is_free,
                     GError        **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *path = NULL;
  g_autofree char *basename = NULL;
  FcUploadItem *item;
  gint64 mtime;

  g_return_val_if_fail (FC_IS_UPLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (workout > 0, NULL);

  path = g_file_get_path (file);
  if (path == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("Only files on this computer can be uploaded."));
    return NULL;
  }
  info = g_file_query_info (file, FILE_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return NULL;
  basename = g_path_get_basename (path);
  if (g_file_info_get_size (info) <= 0) {
    /* Translators: %s is a file name. */
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” is empty."), basename);
    return NULL;
  }
  mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) *
          G_USEC_PER_SEC +
          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);

  row = json_object_new ();
  json_object_set_string_member (row, "path", path);
  json_object_set_int_member (row, "size", g_file_info_get_size (info));
  json_object_set_int_member (row, "mtime", mtime);
  json_object_set_int_member (row, "workout", workout);
  json_object_set_string_member (row, "title", title != NULL && *title != '\0' ? title : basename);
  json_object_set_string_member (row, "description", description ?: "");
  json_object_set_boolean_member (row, "is_free", is_free);
  json_object_set_string_member (row, "state", "queued");
  json_object_set_int_member (row, "created_at", g_get_real_time ());
  item = fc_upload_item_new_from_row (row);
  g_object_set_data (G_OBJECT (item), "fc-queue", self);
  if (self->store == NULL)
    fc_upload_item_set_id (item, (gint64) self->items->len + 1);

  g_ptr_array_add (self->items, item);
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
  if (self->store != NULL)
    fc_store_uploads_save_async (self->store, row, NULL, on_saved_cb, g_object_ref (item));
  notify_busy (self);
  kick (self);
  return item;
}

void
fc_upload_queue_pause (FcUploadQueue *self,
                       FcUploadItem  *item)
{
  g_return_if_fail (FC_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (FC_IS_UPLOAD_ITEM (item));

  if (!is_pending (item))
    return;
  if (self->current != NULL && self->current->item == item)
    stop_current (self);
  fc_upload_item_set_speed (item, 0);
  fc_upload_item_set_state (item, FC_UPLOAD_STATE_PAUSED, NULL);
  if (fc_upload_item_get_id (item) > 0)
    save_item (self, item);
  notify_busy (self);
  kick (self);
}

void
fc_upload_queue_resume (FcUploadQueue *self,
                        FcUploadItem  *item)
{
  FcUploadState state;

  g_return_if_fail (FC_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (FC_IS_UPLOAD_ITEM (item));

  state = fc_upload_item_get_state (item);
  if (state == FC_UPLOAD_STATE_WAITING && self->current != NULL && self->current->item == item) {
    /* Try now rather than at the end of the wait. */
    g_clear_handle_id (&self->retry_id, g_source_remove);
    self->retry_id = g_idle_add (on_retry_cb, self);
    return;
  }
  if (state != FC_UPLOAD_STATE_PAUSED && state != FC_UPLOAD_STATE_FAILED)
    return;
  fc_upload_item_set_state (item, FC_UPLOAD_STATE_QUEUED, NULL);
  if (fc_upload_item_get_id (item) > 0)
    save_item (self, item);
  notify_busy (self);
  kick (self);
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fc_api_client_request_finish (FC_API_CLIENT (source), result, NULL,
                                                           NULL, &error);

  /* The server drops unfinished uploads when they expire anyway. */
  if (node == NULL)
    g_debug ("An upload could not be deleted on the server: %s", error->message);
}

void
fc_upload_queue_cancel (FcUploadQueue *self,
                        FcUploadItem  *item)
{
  g_autoptr(FcUploadItem) hold = NULL;

  g_return_if_fail (FC_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (FC_IS_UPLOAD_ITEM (item));

  hold = g_object_ref (item);
  if (self->current != NULL && self->current->item == item)
    stop_current (self);
  if (fc_upload_item_get_upload_id (item) != NULL &&
      fc_upload_item_get_state (item) != FC_UPLOAD_STATE_DONE) {
    g_autofree char *escaped = g_uri_escape_string (fc_upload_item_get_upload_id (item), NULL,
                                                    FALSE);
    g_autofree char *path = g_strdup_printf ("admin/uploads/%s/", escaped);

    fc_api_client_request_async (self->client, "DELETE", path, NULL, NULL, FC_API_REQUEST_NONE,
                                 self->cancellable, on_deleted_cb, NULL);
  }
  remove_item (self, item);
  kick (self);
}

void
fc_upload_queue_remove (FcUploadQueue *self,
                        FcUploadItem  *item)
{
  FcUploadState state;

  g_return_if_fail (FC_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (FC_IS_UPLOAD_ITEM (item));

  state = fc_upload_item_get_state (item);
  if (state == FC_UPLOAD_STATE_DONE || state == FC_UPLOAD_STATE_FAILED)
    remove_item (self, item);
  else
    fc_upload_queue_cancel (self, item);
}

gboolean
fc_upload_queue_get_busy (FcUploadQueue *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_QUEUE (self), FALSE);

  if (self->items == NULL)
    return FALSE;
  for (guint i = 0; i < self->items->len; i++)
    if (is_pending (self->items->pdata[i]))
      return TRUE;
  return FALSE;
}
