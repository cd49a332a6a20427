/* fc-downloader.h — workout videos downloaded for offline use, resumable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcDownloader fetches a list of (URL, destination, expected size, expected
 * SHA-256) one after the other through the app's FcApiClient (its token,
 * token refresh, timeouts and User-Agent; the token only on the client's own
 * server), asynchronously in the thread-default main context of its creator.
 *
 * On disk, for a destination DEST:
 *   DEST.part       the bytes received so far
 *   DEST.part.json  {"url", "etag", "total"}: what the bytes belong to
 * Both survive a pause, a crash or a restart of the app; the next start asks
 * for the rest with `Range: bytes=N-` and `If-Range: ETAG`. When the server's
 * file changed (a full 200, or a 206 with another ETag or another start) the
 * item restarts from zero. A connection that drops mid-file is resumed the
 * same way at once (up to ten times in a row). A finished file is checked
 * (size, SHA-256) before it is renamed to DEST, so DEST is always complete
 * and verified.
 *
 * The app keeps downloads under
 *   $XDG_DATA_HOME/fitcore/downloads/SERVER/WORKOUT/
 * where SERVER is the first 16 hex digits of the SHA-256 of the server's base
 * URL (fc_downloader_workout_dir()), so two servers' workout 3 never meet.
 *
 * Errors: %FC_DOWNLOADER_ERROR for what the server said or a failed check;
 * %FC_API_ERROR when no answer came (%FC_API_ERROR_NETWORK, _TIMEOUT) or the
 * session could not be renewed (%FC_API_ERROR_UNAUTHORIZED); %G_IO_ERROR
 * from GIO and libsoup for the disk and a body cut short (a full disk is
 * %G_IO_ERROR_NO_SPACE); each prefixed with the file's name.
 */

#pragma once

#include "fc-api-client.h"

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

/* @client: the signed-in account's client (or an anonymous one). */
FcDownloader      *fc_downloader_new              (FcApiClient   *client);
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
