/* fc-player.h — a workout's videos played with GStreamer into a GdkPaintable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcPlayer plays a playlist of URIs (file:// for downloads, http(s):// for
 * streamed media, optionally with an Authorization header) through one
 * playbin whose video sink is an appsink. Each decoded frame becomes a
 * GdkMemoryTexture, so a GtkPicture given the player shows the video.
 *
 * Threads: the pipeline lives on the player's own thread, with its own main
 * context; every state change, seek and bus message is handled there. Only
 * results are posted to the main context the player was created in, so calls
 * on the player never wait for GStreamer and the properties and signals are
 * always emitted in that context.
 *
 * Playlist: after a video's end the player waits #FcPlayer:rest-seconds
 * (counting down in #FcPlayer:rest-remaining) and plays the next one; after
 * the last one #FcPlayer:state becomes %FC_PLAYER_STATE_ENDED.
 *
 * Errors: #FcPlayer::error carries a %FC_PLAYER_ERROR whose message is a
 * sentence a user can read; the player then stops (%FC_PLAYER_STATE_ERROR).
 */

#pragma once

#include <gdk/gdk.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define FC_PLAYER_ERROR (fc_player_error_quark ())

/**
 * FcPlayerError:
 * @FC_PLAYER_ERROR_NOT_FOUND: the file or URL does not exist
 * @FC_PLAYER_ERROR_CORRUPT: the file could not be demuxed or decoded
 * @FC_PLAYER_ERROR_MISSING_CODEC: GStreamer lacks a plugin; the message names it
 * @FC_PLAYER_ERROR_NETWORK: the server could not be reached or went away
 * @FC_PLAYER_ERROR_LOCKED: the server refused the video (HTTP 401/403)
 * @FC_PLAYER_ERROR_FAILED: anything else
 */
typedef enum {
  FC_PLAYER_ERROR_NOT_FOUND,
  FC_PLAYER_ERROR_CORRUPT,
  FC_PLAYER_ERROR_MISSING_CODEC,
  FC_PLAYER_ERROR_NETWORK,
  FC_PLAYER_ERROR_LOCKED,
  FC_PLAYER_ERROR_FAILED,
} FcPlayerError;

/**
 * FcPlayerState:
 * @FC_PLAYER_STATE_STOPPED: nothing loaded, or stopped
 * @FC_PLAYER_STATE_LOADING: opening a video (prerolling)
 * @FC_PLAYER_STATE_PAUSED: a frame is shown, time stands still
 * @FC_PLAYER_STATE_PLAYING: playing
 * @FC_PLAYER_STATE_RESTING: between two videos, counting down
 * @FC_PLAYER_STATE_ENDED: the last video ended
 * @FC_PLAYER_STATE_ERROR: stopped on an error
 */
typedef enum {
  FC_PLAYER_STATE_STOPPED,
  FC_PLAYER_STATE_LOADING,
  FC_PLAYER_STATE_PAUSED,
  FC_PLAYER_STATE_PLAYING,
  FC_PLAYER_STATE_RESTING,
  FC_PLAYER_STATE_ENDED,
  FC_PLAYER_STATE_ERROR,
} FcPlayerState;

#define FC_PLAYER_MIN_RATE 0.5
#define FC_PLAYER_MAX_RATE 2.0
#define FC_PLAYER_MAX_REST 30

#define FC_TYPE_PLAYER_STATE (fc_player_state_get_type ())
#define FC_TYPE_PLAYER (fc_player_get_type ())

G_DECLARE_FINAL_TYPE (FcPlayer, fc_player, FC, PLAYER, GObject)

GQuark         fc_player_error_quark      (void);
GType          fc_player_state_get_type   (void) G_GNUC_CONST;

/* @video_sink, @audio_sink: NULL for the defaults (our appsink, and
 * autoaudiosink); tests pass fakesinks. The sinks are taken (floating refs
 * are sunk). */
FcPlayer      *fc_player_new              (GstElement   *video_sink,
                                           GstElement   *audio_sink);

/* Replaces the playlist and stops; nothing plays until fc_player_play() or
 * fc_player_start_at(). @titles, if not NULL, has one title per URI (or
 * NULL entries): error messages name the video by it rather than by its
 * file name. @authorization, if not NULL, is sent as the Authorization
 * header of http(s) requests. */
void           fc_player_set_playlist     (FcPlayer            *self,
                                           const char * const  *uris,
                                           const char * const  *titles,
                                           const char          *authorization);
/* The Authorization header for the items loaded from now on (an access
 * token renewed after a 401), and the one in use. */
void           fc_player_set_authorization (FcPlayer           *self,
                                            const char         *authorization);
const char    *fc_player_get_authorization (FcPlayer           *self);
/* Opens video @index at @position seconds and plays it (resume). */
void           fc_player_start_at         (FcPlayer     *self,
                                           guint         index,
                                           double        position);
void           fc_player_play             (FcPlayer     *self);
void           fc_player_pause            (FcPlayer     *self);
void           fc_player_toggle           (FcPlayer     *self);
void           fc_player_stop             (FcPlayer     *self);
/* Absolute, in seconds, clamped to the video. */
void           fc_player_seek             (FcPlayer     *self,
                                           double        position);
/* Relative: fc_player_seek_by (self, 10) and (self, -10). */
void           fc_player_seek_by          (FcPlayer     *self,
                                           double        offset);
/* Plays video @index from its start. */
void           fc_player_select           (FcPlayer     *self,
                                           guint         index);
void           fc_player_next             (FcPlayer     *self);
void           fc_player_previous         (FcPlayer     *self);

FcPlayerState  fc_player_get_state        (FcPlayer     *self);
guint          fc_player_get_n_items      (FcPlayer     *self);
/* The playing item, or G_MAXUINT before the first. */
guint          fc_player_get_index        (FcPlayer     *self);
double         fc_player_get_position     (FcPlayer     *self);
double         fc_player_get_duration     (FcPlayer     *self);
double         fc_player_get_rate         (FcPlayer     *self);
void           fc_player_set_rate         (FcPlayer     *self,
                                           double        rate);
double         fc_player_get_volume       (FcPlayer     *self);
void           fc_player_set_volume       (FcPlayer     *self,
                                           double        volume);
gboolean       fc_player_get_muted        (FcPlayer     *self);
void           fc_player_set_muted        (FcPlayer     *self,
                                           gboolean      muted);
guint          fc_player_get_rest_seconds (FcPlayer     *self);
void           fc_player_set_rest_seconds (FcPlayer     *self,
                                           guint         seconds);
guint          fc_player_get_rest_remaining (FcPlayer   *self);
/* The last error, or NULL. */
const GError  *fc_player_get_error        (FcPlayer     *self);

G_END_DECLS
