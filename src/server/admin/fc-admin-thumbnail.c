/* fc-admin-thumbnail.c — admin/workouts/{id}/thumbnail/: a workout's own image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The workouts routes take JSON only, so a workout's own thumbnail (which
 * otherwise falls back to its first video's) comes here as the image
 * itself. The magic bytes decide what it is, never the Content-Type: the
 * file is served from /media/ to everyone. The previous image is removed
 * only once the row no longer names it has committed.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fc-admin-private.h"
#include "fc-media.h"
#include "fc-sql.h"
#include "fc-server.h"
#include "fc-time.h"
#include "fc-workouts-private.h"

#define NO_WORKOUT "No Workout matches the given query."
#define THUMBNAIL_SUBDIR FC_WORKOUTS_THUMBNAIL_DIR "/covers"

static const char *
image_extension (GBytes *data)
{
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);

  if (size >= 8 && memcmp (bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
    return ".png";
  if (size >= 3 && memcmp (bytes, "\xff\xd8\xff", 3) == 0)
    return ".jpg";
  return NULL;
}

/* The workout's own thumbnail in *@out_old; FALSE after a 404. */
static gboolean
find_workout (FcServerRequest  *request,
              gint64            id,
              char            **out_old)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (fc_server_request_get_db (request),
                          "SELECT thumbnail FROM workouts WHERE id = ?");

  fc_sql_bind_int64 (stmt, 1, id);
  if (!fc_sql_step_row (stmt)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_WORKOUT);
    return FALSE;
  }
  *out_old = g_strdup (fc_sql_column_text (stmt, 0));
  return TRUE;
}

/* Points the workout at @thumbnail (NULL: none) and commits, audited by
 * migration 14's trigger. */
static gboolean
set_thumbnail (FcServerRequest *request,
               gint64           id,
               const char      *thumbnail)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (fc_server_request_get_db (request),
                          "UPDATE workouts SET thumbnail = ?, updated_at = ? WHERE id = ?");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_text (stmt, 1, thumbnail);
  fc_sql_bind_text (stmt, 2, now);
  fc_sql_bind_int64 (stmt, 3, id);
  return fc_sql_step_done (stmt) && fc_server_request_commit (request);
}

void
fc_admin_thumbnail_put_cb (FcServerRequest *request)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  gint64 id = fc_server_request_get_id (request, "id");
  g_autoptr(GBytes) data = fc_server_request_dup_raw_body (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *old = NULL;
  g_autofree char *name = NULL;
  g_autofree char *stored = NULL;
  const char *extension;

  if (!find_workout (request, id, &old))
    return;
  if (g_bytes_get_size (data) > FC_ADMIN_THUMBNAIL_MAX_BODY) {
    fc_server_request_respond_detail (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                      "A thumbnail can be at most 5 MiB.");
    return;
  }
  extension = image_extension (data);
  if (extension == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                      "Send a PNG or JPEG image.");
    return;
  }

  name = g_strdup_printf ("workout-%" G_GINT64_FORMAT "%s", id, extension);
  stored = fc_media_store (config->media_dir, THUMBNAIL_SUBDIR, name, data, &error);
  if (stored == NULL) {
    g_warning ("Cannot store a thumbnail: %s", error->message);
    fc_admin_respond_server_error (request);
    return;
  }
  if (!set_thumbnail (request, id, stored)) {
    fc_media_remove (config->media_dir, stored);
    fc_admin_respond_server_error (request);
    return;
  }
  fc_media_remove (config->media_dir, old);
  fc_server_request_respond_json (request, SOUP_STATUS_OK,
                                  fc_workouts_object_to_json (request, "workouts", id));
}

void
fc_admin_thumbnail_delete_cb (FcServerRequest *request)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  gint64 id = fc_server_request_get_id (request, "id");
  g_autofree char *old = NULL;

  if (!find_workout (request, id, &old))
    return;
  if (old != NULL && !set_thumbnail (request, id, NULL)) {
    fc_admin_respond_server_error (request);
    return;
  }
  fc_media_remove (config->media_dir, old);
  fc_server_request_respond_no_content (request);
}
