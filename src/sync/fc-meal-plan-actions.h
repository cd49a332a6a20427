/* fc-meal-plan-actions.h — meal-plan requests that only the server can do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Copying a template and generating a plan create new objects (a plan, and
 * on fitcore-server its own new meals) that only the server can make, so
 * they cannot queue in the outbox like other writes: they go to the server
 * at once and fail offline. On success the new plan, with the meals its
 * schedule names, is put into the session's store, and the call finishes
 * with the new plan's id.
 */

#pragma once

#include <gio/gio.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_MEAL_PLAN_ACTIONS_ERROR (fc_meal_plan_actions_error_quark ())

/**
 * FcMealPlanActionsError:
 * @FC_MEAL_PLAN_ACTIONS_ERROR_OFFLINE: signed out, or the server could not
 *   be reached; the message says the action needs a connection
 * @FC_MEAL_PLAN_ACTIONS_ERROR_UNSUPPORTED: the server has no plan generation
 *   (the Django backend answers 404)
 *
 * Other failures are the #FC_API_ERROR the server's answer maps to, with its
 * message (a 400 names what the profile lacks), or an #FC_STORE_ERROR.
 */
typedef enum {
  FC_MEAL_PLAN_ACTIONS_ERROR_OFFLINE,
  FC_MEAL_PLAN_ACTIONS_ERROR_UNSUPPORTED,
} FcMealPlanActionsError;

GQuark   fc_meal_plan_actions_error_quark          (void);

/* The limits POST nutrition/generate/ accepts. */
#define FC_MEAL_PLAN_MIN_DAYS          1
#define FC_MEAL_PLAN_MAX_DAYS          28
#define FC_MEAL_PLAN_MIN_MEALS_PER_DAY 3
#define FC_MEAL_PLAN_MAX_MEALS_PER_DAY 6

/**
 * fc_meal_plan_actions_generate_async:
 * @goal: a goal code ("WL", "WG", "MN", "MG", "GH")
 * @start_date: (nullable): the plan's first day; the server picks today
 * @exclude_food_ids: (nullable) (element-type gint64): foods never to use
 *
 * POST nutrition/generate/. A 404 is remembered for @session's server:
 * fc_meal_plan_actions_can_generate() then answers %FALSE.
 */
void     fc_meal_plan_actions_generate_async       (FcSession           *session,
                                                    const char          *goal,
                                                    guint                duration_days,
                                                    guint                meals_per_day,
                                                    const GDate         *start_date,
                                                    GArray              *exclude_food_ids,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* Returns: the new plan's id, or 0 with @error set. */
gint64   fc_meal_plan_actions_generate_finish      (FcSession           *session,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/**
 * fc_meal_plan_actions_copy_async:
 * @start_date: (nullable): the copy's first day; without one the copy has
 *   no start date
 *
 * POST nutrition/meal-plans/{id}/copy/: a template (or any plan the server
 * lets the user copy) becomes the user's own plan. A copy never takes the
 * template's start date: fitcore-server starts it on @start_date, the
 * Django backend ignores the body and leaves it without one (set it with an
 * update then). When the answer has no schedule (the Django backend never
 * returns one, though it copies it), the copy gets the source's schedule as
 * the store knows it.
 */
void     fc_meal_plan_actions_copy_async           (FcSession           *session,
                                                    gint64               plan_id,
                                                    const GDate         *start_date,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gint64   fc_meal_plan_actions_copy_finish          (FcSession           *session,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* GET nutrition/meal-plans/templates/: every user's active templates, as
 * the server lists them (not kept in the store: they are not the user's).
 * Offline it fails with FC_MEAL_PLAN_ACTIONS_ERROR_OFFLINE. */
void     fc_meal_plan_actions_list_templates_async (FcSession           *session,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonArray *fc_meal_plan_actions_list_templates_finish (FcSession        *session,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Asks the server once per session and server whether it generates plans (a POST with
 * an empty body: 400 means yes, 404 no; nothing is created). Finishes
 * %TRUE when it does or when that cannot be known now (offline). */
void     fc_meal_plan_actions_check_generate_async (FcSession           *session,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean fc_meal_plan_actions_check_generate_finish (FcSession          *session,
                                                    GAsyncResult        *result);
/* %FALSE once the session's current server answered 404 to generation. */
gboolean fc_meal_plan_actions_can_generate         (FcSession           *session);

G_END_DECLS
