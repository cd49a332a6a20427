/* fc-player-window.h — plays a workout's videos as one playlist
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-download-manager.h"
#include "fc-session.h"
#include "fc-workout-item.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAYER_WINDOW (fc_player_window_get_type ())

G_DECLARE_FINAL_TYPE (FcPlayerWindow, fc_player_window, FC, PLAYER_WINDOW, AdwWindow)

/* Plays the workout's videos that are not locked, downloaded ones from
 * disk, starting at video @index (G_MAXUINT: where the user left off).
 * Progress goes to the store (and so through the outbox) as they watch. */
GtkWidget *fc_player_window_new (GtkApplication    *application,
                                 FcSession         *session,
                                 FcDownloadManager *downloads,
                                 FcWorkoutItem     *item,
                                 guint              index);

G_END_DECLS
