/* fc-workout-detail.h — one workout: its videos, progress and download
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-download-manager.h"
#include "fc-workout-item.h"

G_BEGIN_DECLS

#define FC_TYPE_WORKOUT_DETAIL (fc_workout_detail_get_type ())

G_DECLARE_FINAL_TYPE (FcWorkoutDetail, fc_workout_detail, FC, WORKOUT_DETAIL, AdwBin)

/* Signals: "play" (guint index): play from that video, or G_MAXUINT to
 * resume where the user left off; "back": the user wants the grid again. */
GtkWidget     *fc_workout_detail_new           (void);
void           fc_workout_detail_set_downloads (FcWorkoutDetail   *self,
                                                FcDownloadManager *downloads);
/* Shows @item; called again whenever the store changed it. */
void           fc_workout_detail_set_item      (FcWorkoutDetail   *self,
                                                FcWorkoutItem     *item);
FcWorkoutItem *fc_workout_detail_get_item      (FcWorkoutDetail   *self);
void           fc_workout_detail_set_thumbnail (FcWorkoutDetail   *self,
                                                GdkPaintable      *thumbnail);

G_END_DECLS
