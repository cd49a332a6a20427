/* fc-plan-board.h — the plan editor: a plan's calendar, its day sheets, moves and removals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-plan-calendar.h"
#include "fc-plan-source.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_BOARD (fc_plan_board_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanBoard, fc_plan_board, FC, PLAN_BOARD, AdwBin)

/*
 * FcPlanBoard edits one plan's schedule wherever it is kept: it shows the
 * source's plan (fc-plan-source.h) in an FcPlanCalendar, opens a day's
 * sheet (add and remove meals) on a double click or Enter, and writes a
 * dragged meal, a removal (with Undo) and the sheet's changes through the
 * source; it builds a new layout each time the source says it changed.
 * The Nutrition section's plans and the Admin section's templates both
 * use it. The host puts its own header (title, Previous/Next, Month/Week)
 * over fc_plan_board_get_calendar().
 *
 * Properties:
 *   "source" FcPlanSource* (read/write, nullable)
 *   "layout" FcPlanLayout* (read-only, nullable: the plan on show)
 */

GtkWidget      *fc_plan_board_new             (void);

void            fc_plan_board_set_source      (FcPlanBoard  *self,
                                               FcPlanSource *source);
FcPlanSource   *fc_plan_board_get_source      (FcPlanBoard  *self);
FcPlanCalendar *fc_plan_board_get_calendar    (FcPlanBoard  *self);
/* Returns: (transfer none) (nullable) */
FcPlanLayout   *fc_plan_board_get_layout      (FcPlanBoard  *self);
/* Shows the plan's first day once the source has the plan (now, if it has). */
void            fc_plan_board_show_first_day  (FcPlanBoard  *self);

G_END_DECLS
