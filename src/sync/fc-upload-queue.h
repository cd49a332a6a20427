/* fc-upload-queue.h — the admin upload queue: video files sent to
 * api/v1/admin/uploads/ in chunks, resumable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of FcUploadItem, one per file a staff member queued for a
 * workout. Files go one at a time: the queue creates an upload on the
 * server (`POST admin/uploads/`), streams the file from disk in chunks
 * (`PATCH admin/uploads/{id}/` with `Upload-Offset`; only one chunk is in
 * memory), and when every byte is in, asks for the video
 * (`POST admin/uploads/{id}/complete/`, with an Idempotency-Key) and emits
 * #FcUploadQueue::completed. After a dropped connection, or when a new
 * queue opens the same store after a restart, it asks the server for the
 * offset it has (`HEAD`) and goes on from there (docs/admin-wire.md).
 *
 * Every item is a row of the store (migration 6,
 * src/store/fc-store-uploads.h), saved after each chunk. A file whose size
 * or modification time is not what it was when queued is refused
 * (%FC_UPLOAD_STATE_FAILED with a sentence saying so) rather than resumed
 * into a different file. Pause stops sending at once (the chunk in flight
 * is cancelled); Cancel also deletes the upload on the server.
 */

#pragma once

#include "fc-api-client.h"
#include "fc-store.h"
#include "fc-upload-item.h"

G_BEGIN_DECLS

#define FC_TYPE_UPLOAD_QUEUE (fc_upload_queue_get_type ())

G_DECLARE_FINAL_TYPE (FcUploadQueue, fc_upload_queue, FC, UPLOAD_QUEUE, GObject)

#define FC_UPLOAD_QUEUE_CHUNK_SIZE (4 * 1024 * 1024)

FcUploadQueue *fc_upload_queue_new             (FcApiClient          *client,
                                                FcStore              *store);
/* Bytes per PATCH (default FC_UPLOAD_QUEUE_CHUNK_SIZE): tests use less. */
void           fc_upload_queue_set_chunk_size  (FcUploadQueue        *self,
                                                gsize                 chunk_size);
/* The first wait after a failed request (default 1000 ms), doubling up
 * to 30 s. */
void           fc_upload_queue_set_retry_delay (FcUploadQueue        *self,
                                                guint                 retry_delay_ms);

/* Reads the queue from the store and starts (or resumes) its uploads.
 * Nothing is sent before it has finished. */
void           fc_upload_queue_load_async      (FcUploadQueue        *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean       fc_upload_queue_load_finish     (FcUploadQueue        *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* Queues @file as a video of workout @workout. Fails (a G_IO_ERROR) when
 * the file cannot be read or is empty. The item is the queue's. */
FcUploadItem  *fc_upload_queue_add             (FcUploadQueue        *self,
                                                GFile                *file,
                                                gint64                workout,
                                                const char           *title,
                                                const char           *description,
                                                gboolean              is_free,
                                                GError              **error);
void           fc_upload_queue_pause           (FcUploadQueue        *self,
                                                FcUploadItem         *item);
/* A paused, waiting or failed upload is queued again. */
void           fc_upload_queue_resume          (FcUploadQueue        *self,
                                                FcUploadItem         *item);
/* Stops @item, deletes its upload on the server and drops it. */
void           fc_upload_queue_cancel          (FcUploadQueue        *self,
                                                FcUploadItem         *item);
/* Drops a done or failed item from the list (and the store). */
void           fc_upload_queue_remove          (FcUploadQueue        *self,
                                                FcUploadItem         *item);
/* Whether any item waits for or is in transfer. */
gboolean       fc_upload_queue_get_busy        (FcUploadQueue        *self);

G_END_DECLS
