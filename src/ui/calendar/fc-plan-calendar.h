/* fc-plan-calendar.h — a meal plan's month and week views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fc-plan-layout.h"

G_BEGIN_DECLS

/**
 * FcPlanCalendarMode:
 * @FC_PLAN_CALENDAR_MONTH: a 7 × 6 grid of the focused date's month; each day
 *   shows its meals as chips ("+N more" when they do not fit) and one bar
 *   per macro against the plan's targets
 * @FC_PLAN_CALENDAR_WEEK: the focused date's week in 7 columns, every meal
 *   listed
 */
typedef enum {
  FC_PLAN_CALENDAR_MONTH,
  FC_PLAN_CALENDAR_WEEK,
} FcPlanCalendarMode;

#define FC_TYPE_PLAN_CALENDAR_MODE (fc_plan_calendar_mode_get_type ())
GType fc_plan_calendar_mode_get_type (void);

/* The GdkContentFormats mime type of a dragged meal chip. Its data is the
 * text "MEAL_ID DAY_OF_PLAN" (UTF-8), so another widget of the host may
 * accept a chip too. */
#define FC_PLAN_CALENDAR_MEAL_MIME_TYPE "application/x-fitcore-scheduled-meal"

#define FC_TYPE_PLAN_CALENDAR (fc_plan_calendar_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanCalendar, fc_plan_calendar, FC, PLAN_CALENDAR, GtkWidget)

/*
 * FcPlanCalendar shows an FcPlanLayout and never writes to the store: the
 * host does, on the signals below, and then hands the calendar a new layout
 * built from the store (the focused date and mode survive that).
 *
 * Properties:
 *   "layout"       FcPlanLayout*      (read/write, nullable: an empty month)
 *   "mode"         FcPlanCalendarMode (read/write, default MONTH)
 *   "focused-date" GDate (boxed)      (read/write; default today)
 *   "focused-day"  guint              (read-only: the focused date's day of
 *                                      the plan, 0 outside it)
 *   "title"        char*              (read-only: "December 2026" for a month,
 *                                      "1 – 7 December 2026" for a week; for
 *                                      the host's header bar)
 *
 * Signals:
 *   "meal-moved"     (FcPlanCalendar *self, gint64 meal_id, int from_day,
 *                     int to_day): a chip was dropped (or moved with
 *                     Ctrl+arrows) on another day of the plan that does not
 *                     hold that meal yet (the host writes
 *                     fc_plan_layout_move_meal()'s payload)
 *   "day-activated"  (FcPlanCalendar *self, int day_of_plan): Enter, or a
 *                     double click, on a day of the plan (e.g. to add a meal)
 *   "meal-activated" (FcPlanCalendar *self, gint64 meal_id, int day_of_plan):
 *                     a chip was clicked or got Enter
 *   "meal-remove-requested" (FcPlanCalendar *self, gint64 meal_id,
 *                     int day_of_plan): Delete on a focused chip (the host
 *                     writes fc_plan_layout_remove_meal()'s payload, with undo)
 *
 * Actions (for the host's buttons and shortcuts; all on the widget):
 *   "calendar.previous", "calendar.next" (a month or a week),
 *   "calendar.today", "calendar.mode" (the "mode" property as a stateful
 *   string action: "month" or "week").
 *
 * Keyboard: arrows move a day (up/down a week), Home/End the week's first
 * and last day, Page Up/Down a month, Enter activates the day; Tab enters
 * the day's chips, Enter on a chip activates it, Delete asks to remove it,
 * Ctrl+arrows move its meal a day or a week ("meal-moved", refused like a
 * drop; the chip keeps the focus on its new day once the host hands over
 * the new layout).
 *
 * AT-SPI: the grid is a "table" named after the title; each day a "table
 * cell" named "Tuesday 3 December, 3 meals, 1,950 of 2,000 kcal" (or
 * "…, not in the plan"); each chip a "push button" named
 * "Lunch: Chicken salad" whose description is its day, "Tuesday 3 December"
 * (the same meal may be on many days); "+N more" chips are named
 * "2 more meals". Chips waiting in the pool are hidden from AT-SPI. In GTK
 * 4.8 on X11 extents are relative to the window. Drags work with XTest
 * under Xvfb without a window manager: press on a chip, move a few pixels,
 * move over the day, release (tests/bench/bench-calendar.c does it).
 *
 * Size: the month fits any height from about 360 px; the week view asks for
 * room for every meal, so put the calendar in a GtkScrolledWindow with
 * hscrollbar-policy NEVER. Below 7 × 88 px the month shows one-letter
 * chips and bars only, and the week becomes an agenda (a row a day).
 */

GtkWidget          *fc_plan_calendar_new              (void);

void                fc_plan_calendar_set_layout       (FcPlanCalendar     *self,
                                                       FcPlanLayout       *layout);
/* Returns: (transfer none) (nullable) */
FcPlanLayout       *fc_plan_calendar_get_layout       (FcPlanCalendar     *self);

void                fc_plan_calendar_set_mode         (FcPlanCalendar     *self,
                                                       FcPlanCalendarMode  mode);
FcPlanCalendarMode  fc_plan_calendar_get_mode         (FcPlanCalendar     *self);

/* Shows @date's month (or week) and focuses its cell if the calendar has
 * the keyboard focus. */
void                fc_plan_calendar_set_focused_date (FcPlanCalendar     *self,
                                                       const GDate        *date);
void                fc_plan_calendar_get_focused_date (FcPlanCalendar     *self,
                                                       GDate              *out_date);
guint               fc_plan_calendar_get_focused_day  (FcPlanCalendar     *self);

/* Returns: (transfer none): see the "title" property */
const char         *fc_plan_calendar_get_title        (FcPlanCalendar     *self);

/* A month (MONTH) or a week (WEEK) back or forward; today. */
void                fc_plan_calendar_go_previous      (FcPlanCalendar     *self);
void                fc_plan_calendar_go_next          (FcPlanCalendar     *self);
void                fc_plan_calendar_go_today         (FcPlanCalendar     *self);

/* The locale's first day of the week, as GtkCalendar reads it (also Today's week). */
GDateWeekday        fc_plan_calendar_get_locale_week_start (void);

G_END_DECLS
