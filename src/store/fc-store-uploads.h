/* fc-store-uploads.h — the admin upload queue's rows in the offline store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Migration 6's uploads table, for src/sync/fc-upload-queue.c alone: the
 * queue keeps each file it uploads here so that a restart resumes it. A
 * row is a JSON object with the members id (the row's, from 1), path,
 * size, mtime (microseconds), upload_id (the server's, or null), workout,
 * title, description, is_free, sent (bytes the server confirmed), state
 * (an FcUploadState nick), error (or null), video (the finished video's
 * id, or null) and created_at (microseconds).
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fc-store.h"

G_BEGIN_DECLS

/* Every row, oldest first. */
void        fc_store_uploads_list_async    (FcStore              *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
JsonArray  *fc_store_uploads_list_finish   (FcStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Inserts @row (no id, or id 0) or replaces the row of its id; the result
 * is the row's id. The worker reads @row later: build a new one for each
 * call rather than change it. */
void        fc_store_uploads_save_async    (FcStore              *self,
                                            JsonObject           *row,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gint64      fc_store_uploads_save_finish   (FcStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void        fc_store_uploads_remove_async  (FcStore              *self,
                                            gint64                id,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    fc_store_uploads_remove_finish (FcStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
