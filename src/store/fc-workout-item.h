/* fc-workout-item.h — one workout as the Workouts grid shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only properties, filled from the store: "id", "title",
 * "description", "difficulty" ("beginner", "intermediate", "advanced"),
 * "category-id" (0 = none), "category-name", "goals" (GStrv),
 * "is-premium", "thumbnail-url", "duration" (minutes), "video-count",
 * "progress" (0..100, this user's, including changes not yet sent),
 * "completed" (progress reached 100), "last-video" (id, 0 = none),
 * "position" (seconds into last-video).
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_TYPE_WORKOUT_ITEM (fc_workout_item_get_type ())

G_DECLARE_FINAL_TYPE (FcWorkoutItem, fc_workout_item, FC, WORKOUT_ITEM, GObject)

/* @workout: the wire shape (as fc_store_get_object_async() returns it);
 * @progress: this user's workout_progress object, or NULL. */
FcWorkoutItem *fc_workout_item_new               (JsonObject    *workout,
                                                  JsonObject    *progress);
gint64         fc_workout_item_get_id            (FcWorkoutItem *self);
const char    *fc_workout_item_get_title         (FcWorkoutItem *self);
const char    *fc_workout_item_get_description   (FcWorkoutItem *self);
const char    *fc_workout_item_get_difficulty    (FcWorkoutItem *self);
gint64         fc_workout_item_get_category_id   (FcWorkoutItem *self);
const char    *fc_workout_item_get_category_name (FcWorkoutItem *self);
gboolean       fc_workout_item_get_is_premium    (FcWorkoutItem *self);
const char    *fc_workout_item_get_thumbnail_url (FcWorkoutItem *self);
gint64         fc_workout_item_get_duration      (FcWorkoutItem *self);
guint          fc_workout_item_get_video_count   (FcWorkoutItem *self);
double         fc_workout_item_get_progress      (FcWorkoutItem *self);
gboolean       fc_workout_item_get_completed     (FcWorkoutItem *self);
gint64         fc_workout_item_get_last_video    (FcWorkoutItem *self);
double         fc_workout_item_get_position      (FcWorkoutItem *self);
/* The whole workout in the wire shape, with its ordered "videos" (each
 * with "locked" and a "file" URL or null); owned by the item. */
JsonObject    *fc_workout_item_get_object        (FcWorkoutItem *self);
/* Added by the data layer: the "goals" property's getter, and whether two
 * items show the same thing (the list model keeps the old one then). */
const char * const *fc_workout_item_get_goals    (FcWorkoutItem *self);
gboolean       fc_workout_item_equal             (FcWorkoutItem *a,
                                                  FcWorkoutItem *b);

G_END_DECLS
