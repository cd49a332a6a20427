/* fc-today-summary.h — the Today dashboard's numbers, read from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain state (GLib, json-glib and the store; no GTK), so the dashboard's
 * arithmetic is tested without a display (tests/store/test-today-summary.c).
 * Everything comes from the offline store, never from the server's
 * users/dashboard/: Today looks the same offline and against a server
 * (Django) that has no dashboard. "Today" and the time zone are the
 * caller's, so tests choose them (the app passes fc_time_get_today(), which
 * honours FITCORE_TODAY in debug builds).
 */

#pragma once

#include "fc-plan-layout.h"
#include "fc-store.h"
#include "fc-workout-item.h"

G_BEGIN_DECLS

#define FC_TYPE_TODAY_SUMMARY (fc_today_summary_get_type ())

G_DECLARE_FINAL_TYPE (FcTodaySummary, fc_today_summary, FC, TODAY_SUMMARY, GObject)

/* How many local days the weight sparkline covers, today included. */
#define FC_TODAY_WEIGHT_DAYS 30

/**
 * fc_today_summary_load_async:
 * @today: the local day to summarise
 * @tz: (nullable): the zone days are counted in; local when %NULL
 * @week_start: the locale's first day of the week
 *
 * Reads the plans, meals, workouts with their progress, health points and
 * goals, and answers an immutable #FcTodaySummary (a snapshot: load again
 * when FcStore::changed fires).
 *
 * - The plan: the newest active, non-template plan whose days cover @today
 *   (a plan made on this device, with its negative id, is the newest), as
 *   users/dashboard/ picks it; today's meals and totals from its schedule.
 * - The workout to continue: among the workouts not completed that have a
 *   resume point (a last video, a position or some progress), the one
 *   whose progress changed last: a change not yet sent first (it is newer
 *   than anything the server has), then by updated_at, then by id.
 * - The week: workouts whose completed_at falls on a local day from the
 *   week's first day (@week_start) to @today; the streak: consecutive local
 *   days with a completion ending today, or yesterday when today has none
 *   yet. The store keeps one completed_at per workout (the server's
 *   progress), so a workout done twice counts once: the first time.
 * - Weight: the latest point up to the end of @today, and its change
 *   against the point 30 days before it (the latest at or before, else the
 *   earliest after), as users/dashboard/ computes it; the daily averages of
 *   the last %FC_TODAY_WEIGHT_DAYS days for a sparkline.
 * - Steps: today's sum and the daily_steps goal.
 */
void            fc_today_summary_load_async         (FcStore              *store,
                                                     const GDate          *today,
                                                     GTimeZone            *tz,
                                                     GDateWeekday          week_start,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
FcTodaySummary *fc_today_summary_load_finish        (GAsyncResult         *result,
                                                     GError              **error);

void            fc_today_summary_get_today          (FcTodaySummary       *self,
                                                     GDate                *out_date);

/* The plan: NULL when none covers today. Its meals today are
 * fc_plan_layout_get_n_entries (layout, day) and _get_entry(), its totals
 * fc_plan_layout_get_total() and its targets fc_plan_layout_get_target(). */
FcPlanLayout   *fc_today_summary_get_plan           (FcTodaySummary       *self);
guint           fc_today_summary_get_plan_day       (FcTodaySummary       *self);
/* Whether the user has any plan at all (active or not): "Generate a plan"
 * when not, "No plan for today" when so. */
gboolean        fc_today_summary_has_any_plan       (FcTodaySummary       *self);

/* The workout to continue, NULL when none; how many workouts the store has. */
FcWorkoutItem  *fc_today_summary_get_resume         (FcTodaySummary       *self);
guint           fc_today_summary_get_n_workouts     (FcTodaySummary       *self);
void            fc_today_summary_get_week_start     (FcTodaySummary       *self,
                                                     GDate                *out_date);
guint           fc_today_summary_get_week_completed (FcTodaySummary       *self);
guint           fc_today_summary_get_streak         (FcTodaySummary       *self);

/* Weight in kg: FALSE when the store has none. @out_change is NAN when
 * there is no earlier point to compare with. */
gboolean        fc_today_summary_get_weight         (FcTodaySummary       *self,
                                                     double               *out_latest,
                                                     gint64               *out_recorded_at,
                                                     double               *out_change);
/* %FC_TODAY_WEIGHT_DAYS daily averages, oldest first, NAN for a day
 * without a weigh-in. */
const double   *fc_today_summary_get_weight_days    (FcTodaySummary       *self);

/* Steps: FALSE when the user has no steps at all. @out_goal is NAN
 * without a goal. */
gboolean        fc_today_summary_get_steps          (FcTodaySummary       *self,
                                                     double               *out_today,
                                                     double               *out_goal);

G_END_DECLS
