/* fc-workouts-private.h — what the workout routes and the demo seed share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Video files are kept under DATA_DIR/protected, outside the public media
 * dir, so that /media/ can never hand one out: they are served only by
 * GET /api/v1/workouts/videos/{id}/file/, after the access check.
 * Thumbnails are public media under MEDIA_DIR/workouts/.
 */

#pragma once

#include <json-glib/json-glib.h>
#include "fc-sql.h"

#include "fc-server-config.h"
#include "fc-server-request.h"

G_BEGIN_DECLS

#define FC_WORKOUTS_PROTECTED_DIR "protected"
#define FC_WORKOUTS_VIDEO_DIR "videos"
#define FC_WORKOUTS_THUMBNAIL_DIR "workouts"

/* DATA_DIR/protected. */
char    *fc_workouts_protected_dir (FcServerConfig  *config);

/* INSERT/UPDATE of one row from @values: member names are column names
 * (always code constants), JSON strings, integers, doubles, booleans and
 * nulls bind as such. Return the new id / success, logging SQLite errors. */
gint64   fc_workouts_row_insert    (FcSql         *db,
                                    const char      *table,
                                    JsonObject      *values);
gboolean fc_workouts_row_update    (FcSql         *db,
                                    const char      *table,
                                    gint64           id,
                                    JsonObject      *values);

JsonNode *fc_workouts_object_to_json (FcServerRequest *request,
                                      const char      *section,
                                      gint64           id);

/* Called on the main thread with the new video's id inside the
 * transaction that writes it (FALSE rolls it back), or with 0 once the
 * file's bytes are lost to it: not a video, or the video could not be
 * written after the file was moved in. */
typedef gboolean (*FcWorkoutsFileHook) (FcSql  *db,
                                        gint64    video_id,
                                        gpointer  data);

/* POST workouts/videos/ for a file already on disk at @path (a finished
 * resumable upload): @body's fields are checked as that route checks them
 * (order_index ignored: the video goes last), then, on a worker, the file
 * is moved into the videos' store, probed with GStreamer's discoverer,
 * hashed and thumbnailed, and the video written with its audit row. Answers
 * @request as that route does (201 and the video, or 400). @hook_data goes
 * to @hook_destroy in every case. */
void      fc_workouts_video_from_file (FcServerRequest    *request,
                                       JsonObject         *body,
                                       const char         *path,
                                       const char         *filename,
                                       FcWorkoutsFileHook  hook,
                                       gpointer            hook_data,
                                       GDestroyNotify      hook_destroy);

G_END_DECLS
