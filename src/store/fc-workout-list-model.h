/* fc-workout-list-model.h — the workouts the UI lists, filtered
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of FcWorkoutItem in the server's order, re-queried when the
 * store's "workouts" or "workout_progress" change (only rows that differ
 * emit items-changed). Filters are applied in the store query: "search"
 * (title, description and goals, case-insensitive, NULL or "" = all),
 * "category-id" (0 = all), "difficulty" (NULL = all), "premium"
 * (FC_WORKOUT_PREMIUM_ANY / _FREE / _ONLY).
 */

#pragma once

#include "fc-store-model.h"
#include "fc-workout-item.h"

G_BEGIN_DECLS

typedef enum {
  FC_WORKOUT_PREMIUM_ANY,
  FC_WORKOUT_PREMIUM_FREE,
  FC_WORKOUT_PREMIUM_ONLY,
} FcWorkoutPremiumFilter;

#define FC_TYPE_WORKOUT_LIST_MODEL (fc_workout_list_model_get_type ())

G_DECLARE_FINAL_TYPE (FcWorkoutListModel, fc_workout_list_model, FC, WORKOUT_LIST_MODEL, FcStoreModel)

FcWorkoutListModel     *fc_workout_list_model_new             (FcStore            *store);
const char             *fc_workout_list_model_get_search      (FcWorkoutListModel *self);
void                    fc_workout_list_model_set_search      (FcWorkoutListModel *self,
                                                               const char         *search);
gint64                  fc_workout_list_model_get_category_id (FcWorkoutListModel *self);
void                    fc_workout_list_model_set_category_id (FcWorkoutListModel *self,
                                                               gint64              category_id);
const char             *fc_workout_list_model_get_difficulty  (FcWorkoutListModel *self);
void                    fc_workout_list_model_set_difficulty  (FcWorkoutListModel *self,
                                                               const char         *difficulty);
FcWorkoutPremiumFilter  fc_workout_list_model_get_premium     (FcWorkoutListModel *self);
void                    fc_workout_list_model_set_premium     (FcWorkoutListModel *self,
                                                               FcWorkoutPremiumFilter premium);

G_END_DECLS
