/* fc-workout-card.h — one workout in the Workouts grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-download-manager.h"
#include "fc-workout-item.h"

G_BEGIN_DECLS

#define FC_TYPE_WORKOUT_CARD (fc_workout_card_get_type ())

G_DECLARE_FINAL_TYPE (FcWorkoutCard, fc_workout_card, FC, WORKOUT_CARD, AdwBin)

GtkWidget     *fc_workout_card_new            (void);
/* Cards are recycled by the grid: each call replaces everything shown. */
void           fc_workout_card_set_item       (FcWorkoutCard    *self,
                                               FcWorkoutItem    *item,
                                               FcDownloadStatus  download);
FcWorkoutItem *fc_workout_card_get_item       (FcWorkoutCard    *self);
void           fc_workout_card_set_thumbnail  (FcWorkoutCard    *self,
                                               GdkPaintable     *thumbnail);

G_END_DECLS
