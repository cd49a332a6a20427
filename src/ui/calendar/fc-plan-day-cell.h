/* fc-plan-day-cell.h — one day of the plan calendar: its number, its totals
 * against the plan's targets, and the accessible name that says both
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fc-plan-layout.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_DAY_CELL (fc_plan_day_cell_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanDayCell, fc_plan_day_cell, FC, PLAN_DAY_CELL, GtkWidget)

/* A cell has no children: FcPlanCalendar lays the day's chips over the area
 * fc_plan_day_cell_get_chip_area() leaves free, so chips can be pooled
 * across cells. */
GtkWidget   *fc_plan_day_cell_new            (void);

void         fc_plan_day_cell_set_day        (FcPlanDayCell   *self,
                                              FcPlanLayout    *layout,
                                              const GDate     *date,
                                              gboolean         other_month,
                                              gboolean         today);
/* Month or week look; compact drops the numbers and keeps the bars (a
 * compact week is an agenda: a row a day, the date on the left). Only
 * redraws, so the calendar may call it while it allocates. */
void         fc_plan_day_cell_set_look       (FcPlanDayCell   *self,
                                              gboolean         week,
                                              gboolean         compact);
void         fc_plan_day_cell_set_drop_target (FcPlanDayCell  *self,
                                              gboolean         drop_target);

const GDate *fc_plan_day_cell_get_date       (FcPlanDayCell   *self);
/* The day of the plan, 0 outside it. */
guint        fc_plan_day_cell_get_day        (FcPlanDayCell   *self);

/* Where the chips go in a cell of @width × @height, in its coordinates. */
void         fc_plan_day_cell_get_chip_area  (FcPlanDayCell   *self,
                                              int              width,
                                              int              height,
                                              graphene_rect_t *out_area);

/* The height the cell needs to show its header, totals and @chips_height
 * of chips. */
int          fc_plan_day_cell_get_min_height (FcPlanDayCell   *self,
                                              int              chips_height);

G_END_DECLS
