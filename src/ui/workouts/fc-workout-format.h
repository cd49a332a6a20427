/* fc-workout-format.h — workout values as the user reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The difficulty choices in the order of the filter's drop-down, after
 * its "any" entry. */
#define FC_WORKOUT_N_DIFFICULTIES 3

const char *fc_workout_difficulty_code  (guint       index);
/* "Beginner"; the code itself for one we do not know. */
const char *fc_workout_difficulty_label (const char *code);
/* "1:05" or "1:02:03", for the player and video rows. */
char       *fc_workout_format_clock     (double      seconds);
/* "Intermediate · 3 videos · 12 min" */
char       *fc_workout_format_summary   (const char *difficulty,
                                         guint       n_videos,
                                         gint64      minutes);

G_END_DECLS
