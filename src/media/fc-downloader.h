/* fc-downloader.h — workout videos downloaded for offline use, resumable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcDownloader fetches a list of (URL, destination, expected size, expected
 * SHA-256) one after the other with libsoup, asynchronously in the
 * thread-default main context of its creator.
 *
 * On disk, for a destination DEST:
 *   DEST.part       the bytes received so far
 *   DEST.part.json  {"url", "etag", "total"}: what the bytes belong to
 * Both survive a pause, a crash or a restart of the app; the next start asks
 * for the rest with `Range: bytes=N-` and `If-Range: ETAG`. When the server's
 * file changed (a full 200, or a 206 with another ETag or another start) the
 * item restarts from zero. A finished file is checked (size, SHA-256) before
 * it is renamed to DEST, so DEST is always complete and verified.
 *
 * The app keeps downloads under
 *   $XDG_DATA_HOME/fitcore/downloads/SERVER/WORKOUT/
 * where SERVER is the first 16 hex digits of the SHA-256 of the server's base
 * URL (fc_downloader_workout_dir()), so two servers' workout 3 never meet.
 *
 * Errors: %FC_DOWNLOADER_ERROR for what the server said or a failed check;
 * %G_IO_ERROR from GIO and libsoup for the network and the disk (a full disk
 * is %G_IO_ERROR_NO_SPACE), each prefixed with the file's name.
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FC_DOWNLOADER_ERROR (fc_downloader_error_quark ())

/**
 * FcDownloaderError:
 * @FC_DOWNLOADER_ERROR_LOCKED: the server refused the file (401, 403)
 * @FC_DOWNLOADER_ERROR_NOT_FOUND: the server has no such file (404)
 * @FC_DOWNLOADER_ERROR_HTTP: any other unexpected HTTP status
 * @FC_DOWNLOADER_ERROR_SIZE: the file is not as long as expected
 * @FC_DOWNLOADER_ERROR_CHECKSUM: the file's SHA-256 is not the expected one
 */
typedef enum {
  FC_DOWNLOADER_ERROR_LOCKED,
  FC_DOWNLOADER_ERROR_NOT_FOUND,
  FC_DOWNLOADER_ERROR_HTTP,
  FC_DOWNLOADER_ERROR_SIZE,
  FC_DOWNLOADER_ERROR_CHECKSUM,
} FcDownloaderError;

/**
 * FcDownloaderState:
 * @FC_DOWNLOADER_STATE_IDLE: not started
 * @FC_DOWNLOADER_STATE_RUNNING: downloading
 * @FC_DOWNLOADER_STATE_PAUSED: stopped; partial files kept for a resume
 * @FC_DOWNLOADER_STATE_DONE: every item is at its destination, verified
 * @FC_DOWNLOADER_STATE_FAILED: stopped on fc_downloader_get_error()
 * @FC_DOWNLOADER_STATE_CANCELLED: stopped; partial files removed
 */
typedef enum {
  FC_DOWNLOADER_STATE_IDLE,
  FC_DOWNLOADER_STATE_RUNNING,
  FC_DOWNLOADER_STATE_PAUSED,
  FC_DOWNLOADER_STATE_DONE,
  FC_DOWNLOADER_STATE_FAILED,
  FC_DOWNLOADER_STATE_CANCELLED,
} FcDownloaderState;

#define FC_TYPE_DOWNLOADER_STATE (fc_downloader_state_get_type ())
#define FC_TYPE_DOWNLOADER (fc_downloader_get_type ())

G_DECLARE_FINAL_TYPE (FcDownloader, fc_downloader, FC, DOWNLOADER, GObject)

GQuark             fc_downloader_error_quark      (void);
GType              fc_downloader_state_get_type   (void) G_GNUC_CONST;

/* $XDG_DATA_HOME/fitcore/downloads/SERVER/@workout_id/; the downloader
 * creates a destination's directory (mode 0700) when it first writes. */
char              *fc_downloader_workout_dir      (const char    *server_url,
                                                   const char    *workout_id);

/* @session: the app's SoupSession, or NULL for a new one. */
FcDownloader      *fc_downloader_new              (SoupSession   *session);
/* Sent as the Authorization header, e.g. "Bearer ...", or NULL. */
void               fc_downloader_set_authorization (FcDownloader *self,
                                                   const char    *authorization);
/* @expected_size: -1 when unknown. @sha256: lower-case hex, or NULL.
 * Returns the item's index. */
guint              fc_downloader_add              (FcDownloader  *self,
                                                   const char    *url,
                                                   const char    *destination,
                                                   gint64         expected_size,
                                                   const char    *sha256);
guint              fc_downloader_get_n_items      (FcDownloader  *self);
void               fc_downloader_get_item_progress (FcDownloader *self,
                                                   guint          index,
                                                   guint64       *done,
                                                   guint64       *total);

/* Starts, or resumes after a pause, a failure or a restart of the app. */
void               fc_downloader_start            (FcDownloader  *self);
/* Stops; what was received is kept for fc_downloader_start(). */
void               fc_downloader_pause            (FcDownloader  *self);
/* Stops and removes the partial files; finished ones stay. */
void               fc_downloader_cancel           (FcDownloader  *self);

FcDownloaderState  fc_downloader_get_state        (FcDownloader  *self);
guint64            fc_downloader_get_bytes_done   (FcDownloader  *self);
/* The sum of the sizes known so far. */
guint64            fc_downloader_get_bytes_total  (FcDownloader  *self);
double             fc_downloader_get_fraction     (FcDownloader  *self);
const GError      *fc_downloader_get_error        (FcDownloader  *self);

G_END_DECLS
