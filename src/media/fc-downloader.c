/* fc-downloader.c — workout videos downloaded for offline use, resumable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One Transfer at a time carries an item from the request to the rename:
 * send → open DEST.part → read/write chunks → close → verify in a worker
 * thread → rename. Pause and cancel cancel the Transfer's GCancellable; its
 * next callback sees that and ends it, so a new start never shares the
 * .part file with an old Transfer still in flight.
 *
 * Requests go through the app's FcApiClient (fc_api_client_open_async()),
 * so a download has the token, its refresh, the timeouts and the
 * User-Agent of every other request, and an access token that expired
 * before or during a download is renewed rather than read as "locked".
 */

#define G_LOG_DOMAIN "fc-downloader"

#include "config.h"

#include "fc-downloader.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fc-api-client.h"
#include "fc-json.h"

#define CHUNK_SIZE (256 * 1024)
#define PROGRESS_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)
#define MAX_RESUMES 10

typedef struct {
  char    *url;
  char    *destination;
  char    *part;
  char    *sidecar;
  char    *sha256;
  gint64   expected_size;
  guint64  done;
  guint64  total;
  gboolean finished;
} Item;

typedef struct {
  FcDownloader  *self;          /* owned */
  Item          *item;          /* borrowed from self->items */
  guint          index;
  GCancellable  *cancellable;
  GInputStream  *input;
  GOutputStream *output;
  GBytes        *chunk;
  char          *etag;
  guint64        received;      /* bytes of the current answer written */
  guint          resumes;       /* after dropped connections */
  gboolean       restarted;     /* once: the file changed under us */
} Transfer;

struct _FcDownloader {
  GObject            parent_instance;

  /* owned */
  FcApiClient       *client;
  GPtrArray         *items;
  GError            *error;
  Transfer          *transfer;    /* the one in flight, or NULL */

  FcDownloaderState  state;
  gboolean           start_when_idle;
  gint64             last_progress_us;
};

G_DEFINE_FINAL_TYPE (FcDownloader, fc_downloader, G_TYPE_OBJECT)

G_DEFINE_QUARK (fc-downloader-error-quark, fc_downloader_error)

G_DEFINE_ENUM_TYPE (FcDownloaderState, fc_downloader_state,
                    G_DEFINE_ENUM_VALUE (FC_DOWNLOADER_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (FC_DOWNLOADER_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (FC_DOWNLOADER_STATE_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (FC_DOWNLOADER_STATE_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (FC_DOWNLOADER_STATE_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (FC_DOWNLOADER_STATE_CANCELLED, "cancelled"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_BYTES_DONE,
  PROP_BYTES_TOTAL,
  PROP_FRACTION,
  N_PROPS
};

enum {
  SIGNAL_ITEM_PROGRESS,
  SIGNAL_ITEM_FINISHED,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void run_next (FcDownloader *self);
static void transfer_begin (Transfer *transfer);

/* ---- Items and their files --------------------------------------------- */

static void
item_free (Item *item)
{
  g_free (item->url);
  g_free (item->destination);
  g_free (item->part);
  g_free (item->sidecar);
  g_free (item->sha256);
  g_free (item);
}

static char *
item_display_name (Item *item)
{
  g_autofree char *base = g_path_get_basename (item->destination);

  return g_filename_display_name (base);
}

static void
item_discard_partial (Item *item)
{
  g_unlink (item->part);
  g_unlink (item->sidecar);
  item->done = 0;
}

/* The ETag and size the .part file's bytes belong to, or NULL when there is
 * nothing to resume (no sidecar, another URL, an unreadable one). */
static char *
item_read_sidecar (Item    *item,
                   guint64 *total)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *url, *etag;
  gint64 value = 0;
  gsize length;

  if (!g_file_get_contents (item->sidecar, &text, &length, NULL))
    return NULL;
  object = fc_json_parse_object (text, length, NULL);
  if (object == NULL)
    return NULL;
  url = fc_json_get_string (object, "url");
  etag = fc_json_get_string (object, "etag");
  if (url == NULL || etag == NULL || g_strcmp0 (url, item->url) != 0)
    return NULL;
  if (fc_json_get_int (object, "total", &value) && value > 0)
    *total = value;
  return g_strdup (etag);
}

/* Written once per request, before the first byte: a tiny synchronous write
 * ordered before the data, so the .part never belongs to an unknown ETag. */
static void
item_write_sidecar (Item       *item,
                    const char *etag)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, item->url);
  json_builder_set_member_name (builder, "etag");
  json_builder_add_string_value (builder, etag);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, item->total);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = fc_json_to_string (root, FALSE);
  if (!g_file_set_contents (item->sidecar, text, -1, &error))
    g_warning ("%s: %s", item->sidecar, error->message);
}

/* ---- Verification, in a worker thread --------------------------------- */

typedef struct {
  char   *part;
  char   *sidecar;
  char   *destination;
  char   *sha256;
  char   *name;
  gint64  expected_size;
} Verify;

static void
verify_free (Verify *verify)
{
  g_free (verify->part);
  g_free (verify->sidecar);
  g_free (verify->destination);
  g_free (verify->sha256);
  g_free (verify->name);
  g_free (verify);
}

static char *
file_sha256 (const char  *path,
             GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (1024 * 1024);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) input = g_file_read (file, NULL, error);
  gssize n;

  if (input == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (input), buffer, 1024 * 1024, NULL, error)) > 0)
    g_checksum_update (checksum, buffer, n);
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (checksum));
}

/* fsync before the rename: after a crash DEST is either absent or whole. */
static gboolean
sync_file (const char  *path,
           GError     **error)
{
  int fd = g_open (path, O_RDONLY, 0);
  int saved_errno;

  if (fd < 0 || fsync (fd) != 0) {
    saved_errno = errno;
    if (fd >= 0)
      close (fd);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                 g_strerror (saved_errno));
    return FALSE;
  }
  close (fd);
  return TRUE;
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Verify *verify = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  GStatBuf st;

  if (g_stat (verify->part, &st) != 0) {
    int saved_errno = errno;

    g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                             _("Could not download “%s”: %s"), verify->name,
                             g_strerror (saved_errno));
    return;
  }
  if (verify->expected_size >= 0 && st.st_size != verify->expected_size) {
    g_unlink (verify->part);
    g_unlink (verify->sidecar);
    g_task_return_new_error (task, FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_SIZE,
                             _("“%s” arrived with %" PRId64 " bytes instead of %" PRId64
                               "; it was removed."),
                             verify->name, (gint64) st.st_size, verify->expected_size);
    return;
  }
  if (verify->sha256 != NULL) {
    sha256 = file_sha256 (verify->part, &error);
    if (sha256 == NULL) {
      g_prefix_error (&error, _("Could not check “%s”: "), verify->name);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
    if (g_ascii_strcasecmp (sha256, verify->sha256) != 0) {
      g_unlink (verify->part);
      g_unlink (verify->sidecar);
      g_task_return_new_error (task, FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_CHECKSUM,
                               _("“%s” arrived damaged (its checksum does not match); it was "
                                 "removed."), verify->name);
      return;
    }
  }
  if (!sync_file (verify->part, &error) || g_rename (verify->part, verify->destination) != 0) {
    if (error == NULL)
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
    g_prefix_error (&error, _("Could not save “%s”: "), verify->name);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_unlink (verify->sidecar);
  g_task_return_boolean (task, TRUE);
}

/* ---- Progress and state ------------------------------------------------ */

static void
set_state (FcDownloader      *self,
           FcDownloaderState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Every chunk is a signal (cheap, and lets a caller stop at an exact byte);
 * the properties a progress bar binds to change ~10 times a second. */
static void
report_progress (FcDownloader *self,
                 guint         index,
                 gboolean      force)
{
  Item *item = g_ptr_array_index (self->items, index);
  gint64 now = g_get_monotonic_time ();

  g_signal_emit (self, signals[SIGNAL_ITEM_PROGRESS], 0, index, item->done, item->total);
  if (!force && now - self->last_progress_us < PROGRESS_INTERVAL_US)
    return;
  self->last_progress_us = now;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
fail (FcDownloader *self,
      GError       *error)
{
  g_clear_error (&self->error);
  self->error = error;
  g_debug ("failed: %s", error->message);
  set_state (self, FC_DOWNLOADER_STATE_FAILED);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, self->error);
}

/* ---- Transfer ---------------------------------------------------------- */

static void
transfer_free (Transfer *transfer)
{
  g_clear_object (&transfer->self);
  g_clear_object (&transfer->cancellable);
  g_clear_object (&transfer->input);
  g_clear_object (&transfer->output);
  g_clear_pointer (&transfer->chunk, g_bytes_unref);
  g_free (transfer->etag);
  g_free (transfer);
}

/* Ends @transfer; with @error, the whole run fails (a cancelled transfer
 * ends quietly: pause or cancel already set the state). */
static void
transfer_end (Transfer *transfer,
              GError   *error)
{
  FcDownloader *self = g_object_ref (transfer->self);
  gboolean cancelled = g_cancellable_is_cancelled (transfer->cancellable);

  if (self->transfer == transfer)
    self->transfer = NULL;
  /* Closing is not cancellable: what was written stays in the .part. */
  if (transfer->output != NULL)
    g_output_stream_close (transfer->output, NULL, NULL);
  if (cancelled && self->state == FC_DOWNLOADER_STATE_CANCELLED)
    item_discard_partial (transfer->item);
  transfer_free (transfer);

  if (cancelled) {
    g_clear_error (&error);
    if (self->start_when_idle) {
      self->start_when_idle = FALSE;
      run_next (self);
    }
  } else if (error != NULL) {
    fail (self, error);
  } else {
    run_next (self);
  }
  g_object_unref (self);
}

static void
on_verified_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Transfer *transfer = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    transfer->item->done = 0;
    transfer_end (transfer, g_steal_pointer (&error));
    return;
  }
  transfer->item->finished = TRUE;
  report_progress (transfer->self, transfer->index, TRUE);
  g_signal_emit (transfer->self, signals[SIGNAL_ITEM_FINISHED], 0, transfer->index);
  transfer_end (transfer, NULL);
}

/* Size, checksum, fsync and rename, off the main thread. */
static void
transfer_verify (Transfer *transfer)
{
  g_autoptr(GTask) task = NULL;
  Verify *verify = g_new0 (Verify, 1);

  verify->part = g_strdup (transfer->item->part);
  verify->sidecar = g_strdup (transfer->item->sidecar);
  verify->destination = g_strdup (transfer->item->destination);
  verify->sha256 = g_strdup (transfer->item->sha256);
  verify->name = item_display_name (transfer->item);
  /* Without an expected size, the server's own Content-Length is checked. */
  verify->expected_size = transfer->item->expected_size >= 0 ? transfer->item->expected_size
                          : transfer->item->total > 0 ? (gint64) transfer->item->total : -1;
  /* Not cancellable: once the bytes are all here, finish the item. */
  task = g_task_new (NULL, NULL, on_verified_cb, transfer);
  g_task_set_source_tag (task, transfer_verify);
  g_task_set_task_data (task, verify, (GDestroyNotify) verify_free);
  g_task_run_in_thread (task, verify_thread);
}

static void
on_output_closed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Transfer *transfer = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_object (&transfer->output);
  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &error)) {
    g_autofree char *name = item_display_name (transfer->item);

    g_prefix_error (&error, _("Could not save “%s”: "), name);
    transfer_end (transfer, g_steal_pointer (&error));
    return;
  }
  transfer_verify (transfer);
}

static void transfer_read (Transfer *transfer);

/* Closes the .part as it is and asks for the rest from where it ends. */
static void
transfer_resume (Transfer *transfer)
{
  g_output_stream_close (transfer->output, NULL, NULL);
  g_clear_object (&transfer->output);
  g_input_stream_close (transfer->input, NULL, NULL);
  g_clear_object (&transfer->input);
  transfer->resumes++;
  transfer_begin (transfer);
}

static void
on_chunk_written_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Transfer *transfer = user_data;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written, &error)) {
    g_autofree char *name = item_display_name (transfer->item);

    /* A full disk keeps its G_IO_ERROR_NO_SPACE code and message. */
    g_prefix_error (&error, _("Could not save “%s”: "), name);
    transfer_end (transfer, g_steal_pointer (&error));
    return;
  }
  g_clear_pointer (&transfer->chunk, g_bytes_unref);
  transfer->item->done += written;
  transfer->received += written;
  report_progress (transfer->self, transfer->index, FALSE);
  transfer_read (transfer);
}

static void
on_chunk_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Transfer *transfer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result,
                                                              &error);

  if (chunk == NULL) {
    g_autofree char *name = item_display_name (transfer->item);

    /* The connection dropped after some bytes came: what reached the disk
     * stays, and the rest is asked for again. An answer that brings
     * nothing ends the item, and so do too many drops in a row, so a
     * server that keeps dropping cannot loop. */
    if (transfer->received > 0 && transfer->resumes < MAX_RESUMES &&
        !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
        !g_cancellable_is_cancelled (transfer->cancellable)) {
      g_debug ("%s: %s after %" G_GUINT64_FORMAT " bytes; resuming", transfer->item->url,
               error->message, transfer->received);
      transfer_resume (transfer);
      return;
    }
    g_prefix_error (&error, _("Could not download “%s”: "), name);
    transfer_end (transfer, g_steal_pointer (&error));
    return;
  }
  if (g_bytes_get_size (chunk) == 0) {
    g_output_stream_close_async (transfer->output, G_PRIORITY_DEFAULT, NULL,
                                 on_output_closed_cb, transfer);
    return;
  }
  transfer->chunk = g_steal_pointer (&chunk);
  g_output_stream_write_all_async (transfer->output, g_bytes_get_data (transfer->chunk, NULL),
                                   g_bytes_get_size (transfer->chunk), G_PRIORITY_DEFAULT,
                                   transfer->cancellable, on_chunk_written_cb, transfer);
}

static void
transfer_read (Transfer *transfer)
{
  g_input_stream_read_bytes_async (transfer->input, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   transfer->cancellable, on_chunk_read_cb, transfer);
}

static void
on_part_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Transfer *transfer = user_data;
  g_autoptr(GError) error = NULL;
  GFileOutputStream *output;

  if (transfer->item->done == 0)
    output = g_file_replace_finish (G_FILE (object), result, &error);
  else
    output = g_file_append_to_finish (G_FILE (object), result, &error);
  if (output == NULL) {
    g_autofree char *name = item_display_name (transfer->item);

    g_prefix_error (&error, _("Could not save “%s”: "), name);
    transfer_end (transfer, g_steal_pointer (&error));
    return;
  }
  transfer->output = G_OUTPUT_STREAM (output);
  transfer_read (transfer);
}

static GError *
status_error (Item  *item,
              guint  status)
{
  g_autofree char *name = item_display_name (item);

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    return g_error_new (FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_LOCKED,
                        _("“%s” is locked: the server refused it (HTTP %u)."), name, status);
  if (status == SOUP_STATUS_NOT_FOUND)
    return g_error_new (FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_NOT_FOUND,
                        _("The server no longer has “%s” (HTTP 404)."), name);
  return g_error_new (FC_DOWNLOADER_ERROR, FC_DOWNLOADER_ERROR_HTTP,
                      _("Could not download “%s”: the server answered %u %s."), name, status,
                      soup_status_get_phrase (status));
}

/* Starts @transfer's item over from byte 0, once; a second change in the
 * same run is reported rather than looped on. */
static void
transfer_restart (Transfer *transfer,
                  guint     status)
{
  g_input_stream_close (transfer->input, NULL, NULL);
  g_clear_object (&transfer->input);
  item_discard_partial (transfer->item);
  if (transfer->restarted) {
    transfer_end (transfer, status_error (transfer->item, status));
    return;
  }
  transfer->restarted = TRUE;
  transfer_begin (transfer);
}

static void
on_sent_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Transfer *transfer = user_data;
  Item *item = transfer->item;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) part = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  const char *etag;
  guint status = 0;

  transfer->input = fc_api_client_open_finish (FC_API_CLIENT (object), result, &status, &headers,
                                               &error);
  if (transfer->input == NULL) {
    g_autofree char *name = item_display_name (item);

    g_prefix_error (&error, _("Could not download “%s”: "), name);
    transfer_end (transfer, g_steal_pointer (&error));
    return;
  }
  if (g_cancellable_is_cancelled (transfer->cancellable)) {
    transfer_end (transfer, NULL);
    return;
  }

  etag = soup_message_headers_get_one (headers, "ETag");

  if (status == SOUP_STATUS_PARTIAL_CONTENT) {
    goffset start = -1, end = -1, total = -1;

    /* A server that ignores If-Range sends the new file's bytes: the ETag
     * tells, and so does a range that starts elsewhere. */
    if (!soup_message_headers_get_content_range (headers, &start, &end, &total) ||
        (guint64) start != item->done || g_strcmp0 (etag, transfer->etag) != 0) {
      g_debug ("%s changed on the server; starting over", item->url);
      transfer_restart (transfer, status);
      return;
    }
    item->total = total > 0 ? (guint64) total
                  : item->done + soup_message_headers_get_content_length (headers);
  } else if (status == SOUP_STATUS_OK) {
    /* A full answer: the server's file changed, or it does not do ranges. */
    item->done = 0;
    item->total = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
                  ? (guint64) soup_message_headers_get_content_length (headers) : 0;
  } else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE) {
    transfer_restart (transfer, status);
    return;
  } else {
    transfer_end (transfer, status_error (item, status));
    return;
  }

  g_free (transfer->etag);
  transfer->etag = g_strdup (etag);
  if (item->done == 0) {
    g_unlink (item->sidecar);
    if (etag != NULL)
      item_write_sidecar (item, etag);
  }
  report_progress (transfer->self, transfer->index, TRUE);

  part = g_file_new_for_path (item->part);
  if (item->done == 0)
    g_file_replace_async (part, NULL, FALSE, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT,
                          transfer->cancellable, on_part_opened_cb, transfer);
  else
    g_file_append_to_async (part, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT, transfer->cancellable,
                            on_part_opened_cb, transfer);
}

static void
transfer_begin (Transfer *transfer)
{
  FcDownloader *self = transfer->self;
  Item *item = transfer->item;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GUri) uri = g_uri_parse (item->url, G_URI_FLAGS_NONE, NULL);
  GStatBuf st;

  if (uri == NULL) {
    g_autofree char *name = item_display_name (item);

    transfer_end (transfer, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                         _("Could not download “%s”: “%s” is not a valid URL."),
                                         name, item->url));
    return;
  }
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  transfer->received = 0;

  /* Downloads go into fc_downloader_workout_dir(), made on first use. */
  {
    g_autofree char *parent = g_path_get_dirname (item->destination);

    if (g_mkdir_with_parents (parent, 0700) != 0) {
      int saved_errno = errno;
      g_autofree char *name = item_display_name (item);

      transfer_end (transfer, g_error_new (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                           _("Could not save “%s”: %s"), name,
                                           g_strerror (saved_errno)));
      return;
    }
  }

  /* Resume only bytes whose ETag we know. */
  g_clear_pointer (&transfer->etag, g_free);
  item->done = 0;
  if (g_stat (item->part, &st) == 0 && st.st_size > 0 &&
      (transfer->etag = item_read_sidecar (item, &item->total)) != NULL) {
    item->done = st.st_size;
    soup_message_headers_set_range (headers, item->done, -1);
    soup_message_headers_replace (headers, "If-Range", transfer->etag);
  } else {
    item_discard_partial (item);
  }
  /* A resumed bar starts where the bytes on disk end. */
  report_progress (self, transfer->index, TRUE);
  /* Paused after the last byte but before the check: nothing to ask for. */
  if (transfer->etag != NULL && item->total > 0 && item->done == item->total) {
    transfer_verify (transfer);
    return;
  }

  fc_api_client_open_async (self->client, item->url, headers, FC_API_REQUEST_NONE,
                            transfer->cancellable, on_sent_cb, transfer);
}

/* ---- Running the list --------------------------------------------------- */

static void
run_next (FcDownloader *self)
{
  Transfer *transfer;
  guint index;

  for (index = 0; index < self->items->len; index++) {
    Item *item = g_ptr_array_index (self->items, index);

    if (item->finished)
      continue;
    /* Verified before its rename, so an existing destination is complete. */
    if (g_file_test (item->destination, G_FILE_TEST_IS_REGULAR)) {
      GStatBuf st;

      if (g_stat (item->destination, &st) == 0 &&
          (item->expected_size < 0 || st.st_size == item->expected_size)) {
        item->finished = TRUE;
        item->done = item->total = st.st_size;
        report_progress (self, index, TRUE);
        g_signal_emit (self, signals[SIGNAL_ITEM_FINISHED], 0, index);
        continue;
      }
    }
    break;
  }

  if (index == self->items->len) {
    set_state (self, FC_DOWNLOADER_STATE_DONE);
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0, NULL);
    return;
  }

  transfer = g_new0 (Transfer, 1);
  transfer->self = g_object_ref (self);
  transfer->item = g_ptr_array_index (self->items, index);
  transfer->index = index;
  transfer->cancellable = g_cancellable_new ();
  self->transfer = transfer;
  transfer_begin (transfer);
}

/* ---- GObject ----------------------------------------------------------- */

static void
fc_downloader_dispose (GObject *object)
{
  FcDownloader *self = FC_DOWNLOADER (object);

  /* A transfer in flight holds a reference: dispose only runs without one. */
  g_assert (self->transfer == NULL);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (fc_downloader_parent_class)->dispose (object);
}

static void
fc_downloader_finalize (GObject *object)
{
  FcDownloader *self = FC_DOWNLOADER (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (fc_downloader_parent_class)->finalize (object);
}

static void
fc_downloader_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FcDownloader *self = FC_DOWNLOADER (object);

  switch (prop_id) {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, fc_downloader_get_bytes_done (self));
      break;
    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, fc_downloader_get_bytes_total (self));
      break;
    case PROP_FRACTION:
      g_value_set_double (value, fc_downloader_get_fraction (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_downloader_class_init (FcDownloaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_downloader_dispose;
  object_class->finalize = fc_downloader_finalize;
  object_class->get_property = fc_downloader_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FC_TYPE_DOWNLOADER_STATE, FC_DOWNLOADER_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FcDownloader::item-progress:
   * @index: the item
   * @done: bytes on disk
   * @total: its size, 0 while unknown
   */
  signals[SIGNAL_ITEM_PROGRESS] =
    g_signal_new ("item-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT64, G_TYPE_UINT64);
  /**
   * FcDownloader::item-finished:
   * @index: the item, now verified at its destination
   */
  signals[SIGNAL_ITEM_FINISHED] =
    g_signal_new ("item-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * FcDownloader::finished:
   * @error: (nullable): why it stopped, or %NULL when every item is done
   *
   * Not emitted on pause or cancel.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
fc_downloader_init (FcDownloader *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
}

/* ---- Public API -------------------------------------------------------- */

char *
fc_downloader_workout_dir (const char *server_url,
                           const char *workout_id)
{
  g_autofree char *digest = NULL;
  g_autofree char *server = NULL;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (workout_id != NULL && strchr (workout_id, '/') == NULL, NULL);

  /* "http://host:8000" and "http://host:8000/" are one server. */
  server = g_str_has_suffix (server_url, "/") ? g_strdup (server_url)
                                              : g_strconcat (server_url, "/", NULL);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, server, -1);
  digest[16] = '\0';
  return g_build_filename (g_get_user_data_dir (), "fitcore", "downloads", digest, workout_id,
                           NULL);
}

FcDownloader *
fc_downloader_new (FcApiClient *client)
{
  FcDownloader *self;

  g_return_val_if_fail (FC_IS_API_CLIENT (client), NULL);

  self = g_object_new (FC_TYPE_DOWNLOADER, NULL);
  self->client = g_object_ref (client);
  return self;
}

guint
fc_downloader_add (FcDownloader *self,
                   const char   *url,
                   const char   *destination,
                   gint64        expected_size,
                   const char   *sha256)
{
  Item *item;

  g_return_val_if_fail (FC_IS_DOWNLOADER (self), G_MAXUINT);
  g_return_val_if_fail (url != NULL, G_MAXUINT);
  g_return_val_if_fail (destination != NULL, G_MAXUINT);

  item = g_new0 (Item, 1);
  item->url = g_strdup (url);
  item->destination = g_strdup (destination);
  item->part = g_strconcat (destination, ".part", NULL);
  item->sidecar = g_strconcat (destination, ".part.json", NULL);
  item->sha256 = g_strdup (sha256);
  item->expected_size = expected_size;
  item->total = expected_size > 0 ? (guint64) expected_size : 0;
  g_ptr_array_add (self->items, item);
  return self->items->len - 1;
}

guint
fc_downloader_get_n_items (FcDownloader *self)
{
  g_return_val_if_fail (FC_IS_DOWNLOADER (self), 0);

  return self->items->len;
}

void
fc_downloader_get_item_progress (FcDownloader *self,
                                 guint         index,
                                 guint64      *done,
                                 guint64      *total)
{
  Item *item;

  g_return_if_fail (FC_IS_DOWNLOADER (self));
  g_return_if_fail (index < self->items->len);

  item = g_ptr_array_index (self->items, index);
  if (done != NULL)
    *done = item->done;
  if (total != NULL)
    *total = item->total;
}

void
fc_downloader_start (FcDownloader *self)
{
  g_return_if_fail (FC_IS_DOWNLOADER (self));

  if (self->state == FC_DOWNLOADER_STATE_RUNNING)
    return;
  g_clear_error (&self->error);
  set_state (self, FC_DOWNLOADER_STATE_RUNNING);
  /* A paused transfer still unwinding owns the .part file: wait for it. */
  if (self->transfer != NULL)
    self->start_when_idle = TRUE;
  else
    run_next (self);
}

void
fc_downloader_pause (FcDownloader *self)
{
  g_return_if_fail (FC_IS_DOWNLOADER (self));

  if (self->state != FC_DOWNLOADER_STATE_RUNNING)
    return;
  set_state (self, FC_DOWNLOADER_STATE_PAUSED);
  self->start_when_idle = FALSE;
  if (self->transfer != NULL)
    g_cancellable_cancel (self->transfer->cancellable);
}

void
fc_downloader_cancel (FcDownloader *self)
{
  g_return_if_fail (FC_IS_DOWNLOADER (self));

  set_state (self, FC_DOWNLOADER_STATE_CANCELLED);
  self->start_when_idle = FALSE;
  for (guint i = 0; i < self->items->len; i++) {
    Item *item = g_ptr_array_index (self->items, i);

    /* The transfer in flight removes its own files once it has stopped. */
    if (!item->finished && (self->transfer == NULL || self->transfer->item != item))
      item_discard_partial (item);
  }
  if (self->transfer != NULL)
    g_cancellable_cancel (self->transfer->cancellable);
}

FcDownloaderState
fc_downloader_get_state (FcDownloader *self)
{
  g_return_val_if_fail (FC_IS_DOWNLOADER (self), FC_DOWNLOADER_STATE_IDLE);

  return self->state;
}

guint64
fc_downloader_get_bytes_done (FcDownloader *self)
{
  guint64 sum = 0;

  g_return_val_if_fail (FC_IS_DOWNLOADER (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    sum += ((Item *) g_ptr_array_index (self->items, i))->done;
  return sum;
}

guint64
fc_downloader_get_bytes_total (FcDownloader *self)
{
  guint64 sum = 0;

  g_return_val_if_fail (FC_IS_DOWNLOADER (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    sum += ((Item *) g_ptr_array_index (self->items, i))->total;
  return sum;
}

double
fc_downloader_get_fraction (FcDownloader *self)
{
  guint64 total;

  g_return_val_if_fail (FC_IS_DOWNLOADER (self), 0);

  total = fc_downloader_get_bytes_total (self);
  return total > 0 ? MIN (1.0, (double) fc_downloader_get_bytes_done (self) / total) : 0;
}

const GError *
fc_downloader_get_error (FcDownloader *self)
{
  g_return_val_if_fail (FC_IS_DOWNLOADER (self), NULL);

  return self->error;
}
