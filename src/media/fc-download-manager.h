/* fc-download-manager.h — the signed-in account's downloaded workouts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One FcDownloader per workout being fetched, under
 * fc_downloader_workout_dir (server, workout id)/VIDEO_ID.media, with a
 * manifest (workout.json: the workout as it was downloaded) beside the
 * videos, so what is on disk is known with no network and no store.
 * Follows the session: on sign-in it finds what is on disk and, when
 * online, resumes unfinished downloads; on sign-out it pauses them.
 *
 * A premium workout's downloads are checked again after each successful
 * sync: a video the store now shows as locked is removed from disk.
 *
 * Signal "changed" (gint64 workout_id): status, fraction or error of that
 * workout changed (fraction changes are limited to a few per second);
 * workout_id 0 means "anything may have changed" (sign-in, remove all).
 * Property "used-bytes": the space all downloads take (finished and
 * partial), for Preferences.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fc-session.h"

G_BEGIN_DECLS

typedef enum {
  FC_DOWNLOAD_NONE,     /* nothing on disk */
  FC_DOWNLOAD_RUNNING,
  FC_DOWNLOAD_PAUSED,   /* partial; resumes with fc_download_manager_resume() */
  FC_DOWNLOAD_DONE,     /* every unlocked video on disk, verified */
  FC_DOWNLOAD_FAILED,   /* see fc_download_manager_get_error() */
} FcDownloadStatus;

#define FC_TYPE_DOWNLOAD_MANAGER (fc_download_manager_get_type ())

G_DECLARE_FINAL_TYPE (FcDownloadManager, fc_download_manager, FC, DOWNLOAD_MANAGER, GObject)

FcDownloadManager *fc_download_manager_new             (FcSession         *session);
/* @workout: the wire shape with "videos"; its unlocked videos are fetched. */
void               fc_download_manager_download        (FcDownloadManager *self,
                                                        JsonObject        *workout);
void               fc_download_manager_pause           (FcDownloadManager *self,
                                                        gint64             workout_id);
void               fc_download_manager_resume          (FcDownloadManager *self,
                                                        gint64             workout_id);
/* Stops and deletes the workout's files, finished or not. */
void               fc_download_manager_remove          (FcDownloadManager *self,
                                                        gint64             workout_id);
void               fc_download_manager_remove_all      (FcDownloadManager *self);
FcDownloadStatus   fc_download_manager_get_status      (FcDownloadManager *self,
                                                        gint64             workout_id);
double             fc_download_manager_get_fraction    (FcDownloadManager *self,
                                                        gint64             workout_id);
const GError      *fc_download_manager_get_error       (FcDownloadManager *self,
                                                        gint64             workout_id);
/* A file:// URI when the video is on disk and verified, else NULL. */
char              *fc_download_manager_get_local_uri   (FcDownloadManager *self,
                                                        gint64             workout_id,
                                                        gint64             video_id);
/* Workout ids with anything on disk, ascending. */
GArray            *fc_download_manager_list_workouts   (FcDownloadManager *self);
guint64            fc_download_manager_get_used_bytes  (FcDownloadManager *self);
/* "Bearer ACCESS" for the player to stream a video not on disk, or NULL. */
char              *fc_download_manager_dup_authorization (FcDownloadManager *self);
/* A streamed video answered 401: the authorization to try again with,
 * once the client has proven its access token on the server (refreshing
 * it when the server refuses it). The same one the video was refused
 * with means the server accepts the token: the video itself is refused. */
void               fc_download_manager_renew_authorization_async  (FcDownloadManager   *self,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
char              *fc_download_manager_renew_authorization_finish (FcDownloadManager   *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);

G_END_DECLS
