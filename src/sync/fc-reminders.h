/* fc-reminders.h — workout, weigh-in and meal reminders on a local clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * FcReminderKind:
 * @FC_REMINDER_WORKOUT: a workout, on chosen days at a chosen time
 * @FC_REMINDER_WEIGH_IN: a weigh-in, on chosen days at a chosen time
 * @FC_REMINDER_MEAL: a meal time of the active plan, on the plan's days
 */
typedef enum {
  FC_REMINDER_WORKOUT,
  FC_REMINDER_WEIGH_IN,
  FC_REMINDER_MEAL,
} FcReminderKind;

/* Days of the week as a mask: bit 0 Monday … bit 6 Sunday (ISO 8601,
 * as g_date_time_get_day_of_week() counts them from 1). */
#define FC_REMINDER_DAY(iso_weekday) (1u << ((iso_weekday) - 1))
#define FC_REMINDER_EVERY_DAY        0x7fu

/**
 * FcReminder:
 * @id: stable, unique among the stored reminders
 * @kind: %FC_REMINDER_WORKOUT or %FC_REMINDER_WEIGH_IN
 * @enabled: whether it fires
 * @days: FC_REMINDER_DAY() mask
 * @hour: 0..23, local wall-clock time
 * @minute: 0..59
 */
typedef struct {
  char           *id;
  FcReminderKind  kind;
  gboolean        enabled;
  guint8          days;
  guint8          hour;
  guint8          minute;
} FcReminder;

/**
 * FcRemindersClock:
 * @get_real_time: the wall clock, microseconds since the epoch
 * @get_monotonic_time: a clock that never jumps, microseconds
 * @get_timezone: (transfer full): the zone wall-clock times are in
 *
 * Where FcReminders reads "now" and the local zone: GLib's clocks and the
 * system's zone by default, a fake in tests.
 */
typedef struct {
  gint64     (*get_real_time)      (gpointer user_data);
  gint64     (*get_monotonic_time) (gpointer user_data);
  GTimeZone *(*get_timezone)       (gpointer user_data);
} FcRemindersClock;

/**
 * FcRemindersMeal:
 * @code: the meal time's wire code ("BF", "LN", …), as stored in the
 *   meal-reminders key
 * @label: its translated name, for the notification
 * @hour: the local time its reminder fires at
 * @minute: 0..59
 */
typedef struct {
  const char *code;
  const char *label;
  guint8      hour;
  guint8      minute;
} FcRemindersMeal;

/* Which of the meals given to fc_reminders_set_meals() the active plan has
 * on @date, bit i for meals[i]. */
typedef guint32 (*FcRemindersMealsFunc) (const GDate *date,
                                         gpointer     user_data);

#define FC_TYPE_REMINDERS (fc_reminders_get_type ())

G_DECLARE_FINAL_TYPE (FcReminders, fc_reminders, FC, REMINDERS, GObject)

/* @settings holds the keys "reminders" and "meal-reminders" of the app's
 * schema (data/org.fitcore.FitCore.gschema.xml). */
FcReminders *fc_reminders_new               (GSettings              *settings);

void         fc_reminders_set_clock         (FcReminders            *self,
                                             const FcRemindersClock *clock,
                                             gpointer                user_data);
/* Sends each fire as a GNotification through @app (may be NULL). */
void         fc_reminders_set_application   (FcReminders            *self,
                                             GApplication           *app);
/* Follows logind's PrepareForSleep and the system's zone file: the
 * application calls it, tests drive fc_reminders_check() instead. */
void         fc_reminders_watch_system      (FcReminders            *self);

void         fc_reminders_set_meals         (FcReminders            *self,
                                             const FcRemindersMeal  *meals,
                                             guint                   n_meals,
                                             FcRemindersMealsFunc    func,
                                             gpointer                user_data,
                                             GDestroyNotify          destroy);
/* The active plan changed: the meal reminders are computed again. */
void         fc_reminders_plan_changed      (FcReminders            *self);

/* Reads the clock and the zone again, fires what fell due since the last
 * check (one summary for several missed ones) and arms the next. */
void         fc_reminders_check             (FcReminders            *self);
/* The next fire, UTC microseconds since the epoch; 0 when none. */
gint64       fc_reminders_get_next_fire     (FcReminders            *self);
gboolean     fc_reminders_get_has_enabled   (FcReminders            *self);

/* The stored workout and weigh-in reminders (FcReminder, cleared with
 * fc_reminder_clear). */
GArray      *fc_reminders_list              (FcReminders            *self);
/* Returns: (transfer full): the new reminder's id */
char        *fc_reminders_add               (FcReminders            *self,
                                             FcReminderKind          kind,
                                             guint8                  days,
                                             guint8                  hour,
                                             guint8                  minute);
gboolean     fc_reminders_update            (FcReminders            *self,
                                             const FcReminder       *reminder);
gboolean     fc_reminders_remove            (FcReminders            *self,
                                             const char             *id);
gboolean     fc_reminders_get_meal_enabled  (FcReminders            *self,
                                             const char             *code);
void         fc_reminders_set_meal_enabled  (FcReminders            *self,
                                             const char             *code,
                                             gboolean                enabled);

void         fc_reminder_clear              (FcReminder             *reminder);

/* Whether the application may offer tests its clock offset action: only a
 * build with debugging on (FC_TEST_CLOCK) run with FITCORE_TEST_CLOCK=1. */
gboolean     fc_reminders_test_clock_enabled (void);

G_END_DECLS
