/* fc-admin-uploads.c — admin/uploads/: resumable video uploads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tus 1.0's core protocol with a JSON creation and completion
 * (docs/admin-wire.md). A PATCH's body never sits in memory: when its
 * headers arrive (fc_admin_body_policy(), from the framework's got-headers
 * hook) the request body stops accumulating and, once the caller, the
 * upload and the offset check out, each chunk is written to the upload's
 * part file as libsoup reads it. The handler, which runs after the last
 * byte, only syncs the file and records the offset. A connection that
 * drops mid-body never reaches the handler; the message's "finished" then
 * does the same, so what arrived is kept. A PATCH refused at its headers
 * (a bad token, another owner, a stale offset) has its body read and
 * dropped, and the handler answers why.
 *
 * The offset recorded in admin_uploads is the truth: it is written only
 * after the bytes below it were synced, and a part file longer than it
 * (a crash between the two) is cut back before anyone reads or extends it.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "fc-admin-private.h"
#include "fc-jwt.h"
#include "fc-json.h"
#include "fc-random.h"
#include "fc-server-private.h"
#include "fc-sql.h"
#include "fc-server.h"
#include "fc-time.h"
#include "fc-workouts-private.h"

#define UPLOADS_PATH FC_ADMIN_API "uploads/"
#define THUMBNAIL_SUFFIX "/thumbnail/"
#define UPLOAD_DIR "uploads"
#define UPLOAD_TYPE "application/offset+octet-stream"
#define UPLOAD_LIFETIME_S (24 * 60 * 60)
#define MAX_OPEN_UPLOADS 20
#define ID_LENGTH 32
#define FILENAME_MAX_LENGTH 255
#define NO_UPLOAD "No Upload matches the given query."

#define SINK_DATA "fc-admin-upload-sink"
/* A PATCH writing an upload, or a completion checking it, holds the
 * upload's lease (admin_uploads.busy_until, migration 17), so that no
 * other request writes it meanwhile, on this instance or another on the
 * same database. A lease lasts this long from when it was taken or last
 * renewed (a PATCH renews it as its body comes), so an upload whose
 * instance was killed is free again soon after. */
#define BUSY_LEASE_S 60
#define BUSY_RENEW_US (20 * G_USEC_PER_SEC)

/* ---- Shared ------------------------------------------------------------ */

/* The server's clock, which a test may move (test_clock_offset). */
static GDateTime *
clock_now_utc (FcServer *server)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add_seconds (now, fc_server_get_config (server)->test_clock_offset);
}

static char *
clock_now (FcServer *server)
{
  g_autoptr(GDateTime) now = clock_now_utc (server);

  return fc_time_format_iso8601 (now);
}

static char *
clock_later (FcServer *server,
             gint64    seconds)
{
  g_autoptr(GDateTime) now = clock_now_utc (server);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, (double) seconds);

  return fc_time_format_iso8601 (later);
}

/* Takes the upload's lease, or renews it when @renew; FALSE when another
 * request holds it. */
static gboolean
busy_claim (FcServer   *server,
            const char *id,
            gboolean    renew)
{
  FcSql *db = fc_server_get_db (server);
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *now = clock_now (server);
  g_autofree char *until = clock_later (server, BUSY_LEASE_S);

  stmt = fc_sql_prepare (db, renew ? "UPDATE admin_uploads SET busy_until = ?1 WHERE id = ?2"
                                   : "UPDATE admin_uploads SET busy_until = ?1 WHERE id = ?2"
                                     " AND (busy_until IS NULL OR busy_until <= ?3)");
  fc_sql_bind_text (stmt, 1, until);
  fc_sql_bind_text (stmt, 2, id);
  fc_sql_bind_text (stmt, 3, now);
  return fc_sql_step_done (stmt) && fc_sql_changes (db) == 1;
}

static void
busy_release (FcServer   *server,
              const char *id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (fc_server_get_db (server), "UPDATE admin_uploads SET busy_until = NULL"
                                               " WHERE id = ?");

  fc_sql_bind_text (stmt, 1, id);
  fc_sql_step_done (stmt);
}

static gboolean
is_busy (FcServer   *server,
         const char *id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (fc_server_get_db (server), "SELECT 1 FROM admin_uploads WHERE id = ?"
                                               " AND busy_until > ?");
  g_autofree char *now = clock_now (server);

  fc_sql_bind_text (stmt, 1, id);
  fc_sql_bind_text (stmt, 2, now);
  return fc_sql_step_row (stmt);
}

static char *
part_path (FcServer   *server,
           const char *id)
{
  g_autofree char *name = g_strconcat (id, ".part", NULL);

  return g_build_filename (fc_server_get_config (server)->data_dir, UPLOAD_DIR, name, NULL);
}

/* Ids are ours (ID_LENGTH alphanumerics): anything else is no upload, and
 * never reaches a path. */
static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != ID_LENGTH)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p))
      return FALSE;
  }
  return TRUE;
}

typedef struct {
  char   *id;
  char   *filename;
  gint64  size;
  gint64  received;
  char   *created_at;
  char   *expires_at;
} UploadRow;

static void
upload_row_clear (UploadRow *row)
{
  g_clear_pointer (&row->id, g_free);
  g_clear_pointer (&row->filename, g_free);
  g_clear_pointer (&row->created_at, g_free);
  g_clear_pointer (&row->expires_at, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UploadRow, upload_row_clear)

/* @owner's unexpired upload @id; FALSE for anyone else's, as for none. */
static gboolean
lookup (FcServer   *server,
        FcSql    *db,
        const char *id,
        gint64      owner,
        UploadRow  *out)
{
  g_autofree char *now = clock_now (server);
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (!id_is_valid (id))
    return FALSE;
  stmt = fc_sql_prepare (db, "SELECT filename, size, received, created_at, expires_at"
                                   " FROM admin_uploads"
                                   " WHERE id = ? AND owner_id = ? AND expires_at > ?");
  fc_sql_bind_text (stmt, 1, id);
  fc_sql_bind_int64 (stmt, 2, owner);
  fc_sql_bind_text (stmt, 3, now);
  if (!fc_sql_step_row (stmt))
    return FALSE;
  out->id = g_strdup (id);
  out->filename = g_strdup (fc_sql_column_text (stmt, 0));
  out->size = fc_sql_column_int64 (stmt, 1);
  out->received = fc_sql_column_int64 (stmt, 2);
  out->created_at = g_strdup (fc_sql_column_text (stmt, 3));
  out->expires_at = g_strdup (fc_sql_column_text (stmt, 4));
  return TRUE;
}

static gboolean
record_offset (FcSql    *db,
               const char *id,
               gint64      received)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "UPDATE admin_uploads SET received = ? WHERE id = ?");

  fc_sql_bind_int64 (stmt, 1, received);
  fc_sql_bind_text (stmt, 2, id);
  return fc_sql_step_done (stmt);
}

/* Makes the part file agree with the recorded offset: bytes past it (a
 * crash after writing, before recording) are cut off; a file shorter than
 * it (lost) lowers the offset. FALSE when the file cannot be made so. */
static gboolean
repair (FcServer  *server,
        FcSql   *db,
        UploadRow *row)
{
  g_autofree char *path = part_path (server, row->id);
  GStatBuf info;

  if (g_stat (path, &info) != 0) {
    int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0)
      return FALSE;
    close (fd);
    info.st_size = 0;
  }
  if (info.st_size > row->received) {
    if (truncate (path, row->received) != 0) {
      g_warning ("Cannot cut %s back to %" G_GINT64_FORMAT ": %s", path, row->received,
                 g_strerror (errno));
      return FALSE;
    }
  } else if (info.st_size < row->received) {
    g_warning ("%s holds %" G_GINT64_FORMAT " bytes, %" G_GINT64_FORMAT " were recorded", path,
               (gint64) info.st_size, row->received);
    row->received = info.st_size;
    return record_offset (db, row->id, row->received);
  }
  return TRUE;
}

static void
remove_upload (FcServer   *server,
               FcSql    *db,
               const char *id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "DELETE FROM admin_uploads WHERE id = ?");
  g_autofree char *path = part_path (server, id);

  fc_sql_bind_text (stmt, 1, id);
  fc_sql_step_done (stmt);
  g_unlink (path);
}

static void
set_offset_header (FcServerRequest *request,
                   gint64           offset)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, offset);

  fc_server_request_add_header (request, "Upload-Offset", text);
  fc_server_request_add_header (request, "Tus-Resumable", "1.0.0");
  fc_server_request_add_header (request, "Cache-Control", "no-store");
}

static JsonNode *
upload_to_json (UploadRow *row)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", row->id);
  json_object_set_string_member (object, "filename", row->filename);
  json_object_set_int_member (object, "size", row->size);
  json_object_set_int_member (object, "offset", row->received);
  json_object_set_string_member (object, "created_at", row->created_at);
  json_object_set_string_member (object, "expires_at", row->expires_at);
  return fc_admin_object_node (object);
}

/* An answer with a detail and the upload's offset, in the body and the
 * header, so a client can go on from there. */
static void
respond_offset (FcServerRequest *request,
                guint            status,
                gint64           offset,
                const char      *detail)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "detail", detail);
  json_object_set_int_member (object, "offset", offset);
  set_offset_header (request, offset);
  fc_server_request_respond_json (request, status, fc_admin_object_node (object));
}

static void
respond_no_upload (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_UPLOAD);
}

/* ---- PATCH: the body, chunk by chunk ------------------------------------ */

typedef struct {
  FcServer *server;    /* borrowed: outlives its messages' data */
  char     *id;
  int       fd;        /* -1 once closed (or never opened) */
  gint64    offset;    /* the part file's length so far */
  gint64    size;
  gboolean  overflow;  /* bytes past size arrived (and were dropped) */
  gboolean  failed;    /* a write failed */
  gint64    renewed_us; /* when its lease was last taken or renewed */
} Sink;

/* The PATCH's checks that need neither its body nor the framework; the
 * handler makes the same ones in the same order. Returns the HTTP status
 * to answer (0: go on), and the upload in @row when found. */
static guint
check_patch (FcServer           *server,
             FcSql            *db,
             SoupMessageHeaders *headers,
             const char         *id,
             gint64              owner,
             UploadRow          *row,
             gint64             *out_offset)
{
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  const char *offset_text = soup_message_headers_get_one (headers, "Upload-Offset");

  if (!lookup (server, db, id, owner, row))
    return SOUP_STATUS_NOT_FOUND;
  if (type == NULL || g_ascii_strcasecmp (type, UPLOAD_TYPE) != 0)
    return SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE;
  if (offset_text == NULL ||
      !g_ascii_string_to_signed (offset_text, 10, 0, G_MAXINT64, out_offset, NULL))
    return SOUP_STATUS_BAD_REQUEST;
  if (is_busy (server, id))
    return SOUP_STATUS_CONFLICT;
  if (!repair (server, db, row))
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;
  if (*out_offset != row->received)
    return SOUP_STATUS_CONFLICT;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > row->size - row->received)
    return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
  return 0;
}

/* Syncs what was written and records it; the upload is free again. */
static gboolean
sink_close (Sink    *sink,
            FcSql *db)
{
  gboolean ok = TRUE;

  if (sink->fd < 0)
    return TRUE;
  if (fsync (sink->fd) != 0) {
    g_warning ("Cannot sync upload %s: %s", sink->id, g_strerror (errno));
    ok = FALSE;
  }
  close (sink->fd);
  sink->fd = -1;
  busy_release (sink->server, sink->id);
  /* Bytes that were not synced are not counted: the next PATCH or HEAD
   * cuts them off. */
  if (ok) {
    if (!fc_sql_in_transaction (db)) {
      ok = fc_sql_begin (db);
      if (ok)
        ok = fc_sql_end (db, record_offset (db, sink->id, sink->offset));
    } else {
      ok = record_offset (db, sink->id, sink->offset);
    }
  }
  return ok;
}

/* "finished" closed it already: a message that got headers always has
 * one, and the server may be gone by the time the message is. */
static void
sink_free (Sink *sink)
{
  if (sink->fd >= 0)
    close (sink->fd);
  g_free (sink->id);
  g_free (sink);
}

static void
on_sink_chunk_cb (SoupServerMessage *message,
                  GBytes            *chunk,
                  gpointer           user_data)
{
  Sink *sink = user_data;
  gsize size;
  const guint8 *data = g_bytes_get_data (chunk, &size);

  if (sink->fd < 0 || sink->failed)
    return;
  if (g_get_monotonic_time () - sink->renewed_us > BUSY_RENEW_US) {
    busy_claim (sink->server, sink->id, TRUE);
    sink->renewed_us = g_get_monotonic_time ();
  }
  if ((gint64) size > sink->size - sink->offset) {
    sink->overflow = TRUE;
    size = sink->size - sink->offset;
  }
  while (size > 0) {
    ssize_t n = write (sink->fd, data, size);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      g_warning ("Cannot write upload %s: %s", sink->id, g_strerror (errno));
      sink->failed = TRUE;
      return;
    }
    data += n;
    size -= n;
    sink->offset += n;
  }
}

/* The handler never ran (the connection dropped mid-body), or ran and
 * closed the sink already. */
static void
on_sink_finished_cb (SoupServerMessage *message,
                     gpointer           user_data)
{
  Sink *sink = user_data;

  if (sink->fd >= 0) {
    g_message ("Upload %s cut off at %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes",
               sink->id, sink->offset, sink->size);
    sink_close (sink, fc_server_get_db (sink->server));
  }
}

/* The bearer token's active staff account, or 0. Cookies are not read
 * here: such a PATCH has its body dropped and is refused by the handler. */
static gint64
header_staff_id (FcServer           *server,
                 SoupMessageHeaders *headers)
{
  const char *header = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(FcJwtClaims) claims = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *token = NULL;

  if (header == NULL || !g_str_has_prefix (header, "Bearer "))
    return 0;
  token = g_strstrip (g_strdup (header + strlen ("Bearer ")));
  claims = fc_jwt_decode (fc_server_get_config (server)->secret_key, token, "access",
                          g_get_real_time () / G_USEC_PER_SEC, NULL);
  if (claims == NULL)
    return 0;
  stmt = fc_sql_prepare (fc_server_get_db (server),
                               "SELECT 1 FROM users WHERE id = ? AND is_active = 1 AND is_staff = 1");
  fc_sql_bind_int64 (stmt, 1, claims->user_id);
  return fc_sql_step_row (stmt) ? claims->user_id : 0;
}

/* "/api/v1/admin/uploads/ID/": the id, else NULL. */
static char *
patch_upload_id (const char *path)
{
  const char *rest;
  const char *slash;

  if (!g_str_has_prefix (path, UPLOADS_PATH))
    return NULL;
  rest = path + strlen (UPLOADS_PATH);
  slash = strchr (rest, '/');
  if (slash == NULL || slash == rest || slash[1] != '\0')
    return NULL;
  return g_strndup (rest, slash - rest);
}

/* "/api/v1/admin/workouts/N/thumbnail/". */
static gboolean
is_thumbnail_path (const char *path)
{
  const char *prefix = FC_ADMIN_API "workouts/";
  const char *rest;

  if (!g_str_has_prefix (path, prefix) || !g_str_has_suffix (path, THUMBNAIL_SUFFIX))
    return FALSE;
  rest = path + strlen (prefix);
  for (; *rest != '/'; rest++) {
    if (!g_ascii_isdigit (*rest))
      return FALSE;
  }
  return g_str_equal (rest, THUMBNAIL_SUFFIX);
}

gboolean
fc_admin_body_policy (FcServer          *server,
                      SoupServerMessage *message,
                      gsize             *out_limit)
{
  const char *method = soup_server_message_get_method (message);
  const char *path = g_uri_get_path (soup_server_message_get_uri (message));
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_auto(UploadRow) row = { NULL, };
  g_autofree char *id = NULL;
  g_autofree char *file = NULL;
  gint64 owner, offset = 0;
  Sink *sink;
  int fd;

  if (is_thumbnail_path (path) && g_str_equal (method, "PUT")) {
    g_object_set_data (G_OBJECT (message), FC_ADMIN_RAW_BODY_DATA, GINT_TO_POINTER (TRUE));
    *out_limit = FC_ADMIN_THUMBNAIL_MAX_BODY;
    return TRUE;
  }
  if (!g_str_equal (method, "PATCH") || (id = patch_upload_id (path)) == NULL)
    return FALSE;

  /* Whatever comes of it, this body is never held in memory, and its
   * length is bounded by the upload's size, not by the body limit. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (message), FALSE);
  g_object_set_data (G_OBJECT (message), FC_ADMIN_RAW_BODY_DATA, GINT_TO_POINTER (TRUE));
  *out_limit = G_MAXINT64;
  /* Upload-Offset already makes a PATCH safe to repeat, and a replayed
   * answer would be wrong here (the offset moved on); nor is there a body
   * in memory for the key's request hash. */
  soup_message_headers_remove (headers, "Idempotency-Key");

  owner = header_staff_id (server, headers);
  if (owner == 0 ||
      check_patch (server, fc_server_get_db (server), headers, id, owner, &row, &offset) != 0)
    return TRUE;

  /* Taken meanwhile: the handler answers 409 */
  if (!busy_claim (server, id, FALSE))
    return TRUE;
  file = part_path (server, id);
  fd = g_open (file, O_WRONLY | O_CLOEXEC, 0);
  if (fd < 0 || lseek (fd, row.received, SEEK_SET) != row.received) {
    g_warning ("Cannot open %s: %s", file, g_strerror (errno));
    if (fd >= 0)
      close (fd);
    busy_release (server, id);
    return TRUE;
  }

  sink = g_new0 (Sink, 1);
  sink->server = server;
  sink->id = g_steal_pointer (&id);
  sink->fd = fd;
  sink->offset = row.received;
  sink->size = row.size;
  sink->renewed_us = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (message), SINK_DATA, sink, (GDestroyNotify) sink_free);
  g_signal_connect (message, "got-chunk", G_CALLBACK (on_sink_chunk_cb), sink);
  g_signal_connect (message, "finished", G_CALLBACK (on_sink_finished_cb), sink);
  return TRUE;
}

void
fc_admin_upload_patch_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcSql *db = fc_server_request_get_db (request);
  SoupServerMessage *message = request->message;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  Sink *sink = g_object_get_data (G_OBJECT (message), SINK_DATA);
  const char *id = fc_server_request_get_param (request, "upload");
  g_auto(UploadRow) row = { NULL, };
  g_autofree char *detail = NULL;
  gint64 offset = 0;
  guint status;

  if (sink != NULL && sink->fd >= 0) {
    gboolean closed = sink_close (sink, db);

    if (!lookup (server, db, id, fc_server_request_get_user_id (request), &row)) {
      respond_no_upload (request);
    } else if (!closed || sink->failed) {
      fc_admin_respond_server_error (request);
    } else if (sink->overflow) {
      detail = g_strdup_printf ("The body goes past the upload's %" G_GINT64_FORMAT " bytes; "
                                "the bytes up to it were kept.", sink->size);
      respond_offset (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, sink->offset, detail);
    } else {
      set_offset_header (request, sink->offset);
      fc_server_request_respond_no_content (request);
    }
    return;
  }

  status = check_patch (server, db, headers, id, fc_server_request_get_user_id (request), &row,
                        &offset);
  switch (status) {
  case SOUP_STATUS_NOT_FOUND:
    respond_no_upload (request);
    break;
  case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
    fc_server_request_respond_detail (request, status,
                                      "Send the bytes as " UPLOAD_TYPE ".");
    break;
  case SOUP_STATUS_BAD_REQUEST:
    respond_offset (request, status, row.received,
                    "Give the offset the body starts at in an Upload-Offset header.");
    break;
  case SOUP_STATUS_CONFLICT:
    if (is_busy (server, id))
      detail = g_strdup ("Another request is writing to or completing this upload; "
                         "ask for its offset when it is done.");
    else
      detail = g_strdup_printf ("Upload-Offset is %" G_GINT64_FORMAT " but the upload is at %"
                                G_GINT64_FORMAT ".", offset, row.received);
    respond_offset (request, status, row.received, detail);
    break;
  case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
    detail = g_strdup_printf ("The body goes past the upload's %" G_GINT64_FORMAT " bytes.",
                              row.size);
    respond_offset (request, status, row.received, detail);
    break;
  case 0:
    /* Everything checks out now but did not when the headers came: the
     * token was in a cookie, or another request was busy then. */
    respond_offset (request, SOUP_STATUS_CONFLICT, row.received,
                    "The body was not written: send the token in an Authorization header "
                    "and the body again from this offset.");
    break;
  default:
    fc_admin_respond_server_error (request);
    break;
  }
}

/* ---- The other routes --------------------------------------------------- */

void
fc_admin_uploads_create_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcServerConfig *config = fc_server_get_config (server);
  FcSql *db = fc_server_request_get_db (request);
  JsonObject *body = fc_server_request_get_body (request);
  gint64 owner = fc_server_request_get_user_id (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcSqlStmt) count = NULL;
  g_autoptr(FcSqlStmt) insert = NULL;
  g_autoptr(GDateTime) created = clock_now_utc (server);
  g_autoptr(GDateTime) expiry = g_date_time_add_seconds (created, UPLOAD_LIFETIME_S);
  g_autofree char *now = fc_time_format_iso8601 (created);
  g_autofree char *expires = fc_time_format_iso8601 (expiry);
  g_autofree char *dir = g_build_filename (config->data_dir, UPLOAD_DIR, NULL);
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *location = NULL;
  g_auto(UploadRow) row = { NULL, };
  const char *filename = NULL;
  gint64 size = 0;
  gboolean is_null;
  int fd;

  if (fc_validate_string (body, "filename", TRUE, FALSE, FILENAME_MAX_LENGTH, errors, &filename))
    base = g_path_get_basename (filename);
  fc_validate_integer (body, "size", TRUE, FALSE, 1, G_MAXINT64, errors, &size, &is_null);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (size > config->max_resumable_upload_size) {
    JsonObject *object = json_object_new ();
    g_autofree char *detail = g_strdup_printf ("An upload can be at most %" G_GINT64_FORMAT
                                               " bytes.", config->max_resumable_upload_size);

    json_object_set_string_member (object, "detail", detail);
    json_object_set_int_member (object, "max_size", config->max_resumable_upload_size);
    fc_server_request_respond_json (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                    fc_admin_object_node (object));
    return;
  }

  count = fc_sql_prepare (db, "SELECT COUNT(*) FROM admin_uploads"
                                    " WHERE owner_id = ? AND expires_at > ?");
  fc_sql_bind_int64 (count, 1, owner);
  fc_sql_bind_text (count, 2, now);
  if (fc_sql_step_row (count) && fc_sql_column_int64 (count, 0) >= MAX_OPEN_UPLOADS) {
    fc_server_request_respond_detail (request, 429,
                                      "You have 20 unfinished uploads; complete or delete one "
                                      "first.");
    return;
  }

  row.id = fc_random_string (ID_LENGTH, FC_RANDOM_ALPHANUMERIC);
  row.filename = g_strdup (base);
  row.size = size;
  row.created_at = g_strdup (now);
  row.expires_at = g_strdup (expires);
  path = part_path (server, row.id);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
    g_warning ("Cannot create %s: %s", path, g_strerror (errno));
    fc_admin_respond_server_error (request);
    return;
  }
  close (fd);

  insert = fc_sql_prepare (db, "INSERT INTO admin_uploads (id, owner_id, filename, size,"
                                     " received, created_at, expires_at)"
                                     " VALUES (?, ?, ?, ?, 0, ?, ?)");
  fc_sql_bind_text (insert, 1, row.id);
  fc_sql_bind_int64 (insert, 2, owner);
  fc_sql_bind_text (insert, 3, row.filename);
  fc_sql_bind_int64 (insert, 4, size);
  fc_sql_bind_text (insert, 5, now);
  fc_sql_bind_text (insert, 6, expires);
  if (!fc_sql_step_done (insert)) {
    g_unlink (path);
    fc_admin_respond_server_error (request);
    return;
  }

  location = g_strdup_printf ("%s" UPLOADS_PATH "%s/", fc_server_request_get_base_url (request),
                              row.id);
  fc_server_request_add_header (request, "Location", location);
  set_offset_header (request, 0);
  fc_server_request_respond_json (request, SOUP_STATUS_CREATED, upload_to_json (&row));
}

/* GET and HEAD. */
void
fc_admin_upload_get_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcSql *db = fc_server_request_get_db (request);
  g_auto(UploadRow) row = { NULL, };
  g_autofree char *length = NULL;

  if (!lookup (server, db, fc_server_request_get_param (request, "upload"),
               fc_server_request_get_user_id (request), &row)) {
    respond_no_upload (request);
    return;
  }
  /* A PATCH still writing: its bytes are not counted until it ends. */
  if (!is_busy (server, row.id) && !repair (server, db, &row)) {
    fc_admin_respond_server_error (request);
    return;
  }
  length = g_strdup_printf ("%" G_GINT64_FORMAT, row.size);
  set_offset_header (request, row.received);
  fc_server_request_add_header (request, "Upload-Length", length);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, upload_to_json (&row));
}

void
fc_admin_upload_delete_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcSql *db = fc_server_request_get_db (request);
  g_auto(UploadRow) row = { NULL, };

  if (!lookup (server, db, fc_server_request_get_param (request, "upload"),
               fc_server_request_get_user_id (request), &row)) {
    respond_no_upload (request);
    return;
  }
  /* A PATCH still writing goes on into the removed file and records
   * nothing, its row being gone. */
  remove_upload (server, db, row.id);
  fc_server_request_respond_no_content (request);
}

typedef struct {
  FcServer *server;   /* borrowed */
  char     *id;
} Completion;

static void
completion_free (Completion *completion)
{
  busy_release (completion->server, completion->id);
  g_free (completion->id);
  g_free (completion);
}

/* In the video's transaction: the upload is done. Or, its bytes lost to
 * it (not a video), outside any: the upload goes. */
static gboolean
completion_hook (FcSql  *db,
                 gint64    video_id,
                 gpointer  data)
{
  Completion *completion = data;
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (video_id == 0) {
    remove_upload (completion->server, db, completion->id);
    return TRUE;
  }
  stmt = fc_sql_prepare (db, "DELETE FROM admin_uploads WHERE id = ?");
  fc_sql_bind_text (stmt, 1, completion->id);
  return fc_sql_step_done (stmt);
}

void
fc_admin_upload_complete_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcSql *db = fc_server_request_get_db (request);
  g_auto(UploadRow) row = { NULL, };
  g_autofree char *path = NULL;
  Completion *completion;

  if (!lookup (server, db, fc_server_request_get_param (request, "upload"),
               fc_server_request_get_user_id (request), &row)) {
    respond_no_upload (request);
    return;
  }
  /* In the request's transaction: an answer of 400 or more below rolls
   * the lease back with the rest */
  if (!busy_claim (server, row.id, FALSE)) {
    respond_offset (request, SOUP_STATUS_CONFLICT, row.received,
                    "Another request is writing to or completing this upload; "
                    "ask for its offset when it is done.");
    return;
  }
  if (!repair (server, db, &row)) {
    fc_admin_respond_server_error (request);
    return;
  }
  if (row.received != row.size) {
    JsonObject *object = json_object_new ();
    g_autofree char *detail = g_strdup_printf ("The upload has %" G_GINT64_FORMAT " of %"
                                               G_GINT64_FORMAT " bytes; send the rest first.",
                                               row.received, row.size);

    json_object_set_string_member (object, "detail", detail);
    json_object_set_int_member (object, "offset", row.received);
    json_object_set_int_member (object, "size", row.size);
    set_offset_header (request, row.received);
    fc_server_request_respond_json (request, SOUP_STATUS_CONFLICT, fc_admin_object_node (object));
    return;
  }

  completion = g_new0 (Completion, 1);
  completion->server = server;
  completion->id = g_strdup (row.id);
  path = part_path (server, row.id);
  fc_workouts_video_from_file (request, fc_server_request_get_body (request), path, row.filename,
                               completion_hook, completion, (GDestroyNotify) completion_free);
}

void
fc_admin_uploads_sweep (FcServer *server)
{
  FcSql *db = fc_server_get_db (server);
  g_autofree char *now = clock_now (server);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (!fc_sql_begin (db))
    return;
  stmt = fc_sql_prepare (db, "SELECT id FROM admin_uploads WHERE expires_at <= ?");
  fc_sql_bind_text (stmt, 1, now);
  while (fc_sql_step_row (stmt)) {
    const char *id = fc_sql_column_text (stmt, 0);

    /* One being completed finishes first. */
    if (!is_busy (server, id))
      g_ptr_array_add (ids, g_strdup (id));
  }
  g_clear_pointer (&stmt, fc_sql_finalize);
  for (guint i = 0; i < ids->len; i++)
    remove_upload (server, db, g_ptr_array_index (ids, i));
  fc_sql_end (db, TRUE);
  if (ids->len > 0)
    g_message ("%u expired upload(s) removed", ids->len);
}
