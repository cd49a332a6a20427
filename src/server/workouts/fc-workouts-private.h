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
#include <sqlite3.h>

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
gint64   fc_workouts_row_insert    (sqlite3         *db,
                                    const char      *table,
                                    JsonObject      *values);
gboolean fc_workouts_row_update    (sqlite3         *db,
                                    const char      *table,
                                    gint64           id,
                                    JsonObject      *values);

JsonNode *fc_workouts_object_to_json (FcServerRequest *request,
                                      const char      *section,
                                      gint64           id);

G_END_DECLS
