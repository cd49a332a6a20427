/* fc-upload-item.h — one video file in the admin upload queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The items of FcUploadQueue's list model. Read-only for the UI; only the
 * queue (src/sync/fc-upload-queue.c) changes them, through the setters
 * below, and every change is notified so a row can bind its progress bar.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * FcUploadState:
 * @FC_UPLOAD_STATE_QUEUED: waiting for its turn
 * @FC_UPLOAD_STATE_UPLOADING: chunks are being sent
 * @FC_UPLOAD_STATE_WAITING: the server could not be reached; tried again
 *   soon from the offset the server has
 * @FC_UPLOAD_STATE_PAUSED: paused by the user; nothing is sent
 * @FC_UPLOAD_STATE_COMPLETING: every byte is in, the server checks the file
 * @FC_UPLOAD_STATE_DONE: the video is on its workout
 * @FC_UPLOAD_STATE_FAILED: refused (see the error); not tried again
 */
typedef enum {
  FC_UPLOAD_STATE_QUEUED,
  FC_UPLOAD_STATE_UPLOADING,
  FC_UPLOAD_STATE_WAITING,
  FC_UPLOAD_STATE_PAUSED,
  FC_UPLOAD_STATE_COMPLETING,
  FC_UPLOAD_STATE_DONE,
  FC_UPLOAD_STATE_FAILED,
} FcUploadState;

#define FC_TYPE_UPLOAD_ITEM (fc_upload_item_get_type ())

G_DECLARE_FINAL_TYPE (FcUploadItem, fc_upload_item, FC, UPLOAD_ITEM, GObject)

/* The store row's nick of @state ("queued", "uploading"...) and back. */
const char    *fc_upload_state_to_string      (FcUploadState  state);
FcUploadState  fc_upload_state_from_string    (const char    *text);

/* From a store row (src/store/fc-store-uploads.h), and back. */
FcUploadItem  *fc_upload_item_new_from_row    (JsonObject    *row);
JsonObject    *fc_upload_item_to_row          (FcUploadItem  *self);

gint64         fc_upload_item_get_id          (FcUploadItem  *self);
const char    *fc_upload_item_get_path        (FcUploadItem  *self);
const char    *fc_upload_item_get_filename    (FcUploadItem  *self);
guint64        fc_upload_item_get_size        (FcUploadItem  *self);
gint64         fc_upload_item_get_mtime       (FcUploadItem  *self);
const char    *fc_upload_item_get_upload_id   (FcUploadItem  *self);
gint64         fc_upload_item_get_workout     (FcUploadItem  *self);
const char    *fc_upload_item_get_title       (FcUploadItem  *self);
const char    *fc_upload_item_get_description (FcUploadItem  *self);
gboolean       fc_upload_item_get_is_free     (FcUploadItem  *self);
/* Bytes the server has confirmed. */
guint64        fc_upload_item_get_sent        (FcUploadItem  *self);
/* 0 to 1. */
double         fc_upload_item_get_fraction    (FcUploadItem  *self);
/* Bytes per second over the last chunks; 0 when nothing is moving. */
double         fc_upload_item_get_speed       (FcUploadItem  *self);
FcUploadState  fc_upload_item_get_state       (FcUploadItem  *self);
/* Why it failed or waits, a sentence for the user, or NULL. */
const char    *fc_upload_item_get_error       (FcUploadItem  *self);
/* The finished video's id, 0 before. */
gint64         fc_upload_item_get_video       (FcUploadItem  *self);

/* For FcUploadQueue only. */
void           fc_upload_item_set_id          (FcUploadItem  *self,
                                               gint64         id);
void           fc_upload_item_set_upload_id   (FcUploadItem  *self,
                                               const char    *upload_id);
void           fc_upload_item_set_sent        (FcUploadItem  *self,
                                               guint64        sent);
void           fc_upload_item_set_speed       (FcUploadItem  *self,
                                               double         speed);
void           fc_upload_item_set_state       (FcUploadItem  *self,
                                               FcUploadState  state,
                                               const char    *error);
void           fc_upload_item_set_video       (FcUploadItem  *self,
                                               gint64         video);

G_END_DECLS
