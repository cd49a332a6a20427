/* fc-plan-chip.h — one scheduled meal (or "+N more") in the plan calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fc-plan-layout.h"

G_BEGIN_DECLS

/**
 * FcPlanChipStyle:
 * @FC_PLAN_CHIP_FULL: one line, the meal's name (the month view)
 * @FC_PLAN_CHIP_COMPACT: a square with the meal time's initial (narrow views)
 * @FC_PLAN_CHIP_DETAILED: meal time and kcal, then the name on up to two
 *   lines (the week view)
 */
typedef enum {
  FC_PLAN_CHIP_FULL,
  FC_PLAN_CHIP_COMPACT,
  FC_PLAN_CHIP_DETAILED,
} FcPlanChipStyle;

#define FC_TYPE_PLAN_CHIP (fc_plan_chip_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanChip, fc_plan_chip, FC, PLAN_CHIP, GtkWidget)

/* Chips are pooled by FcPlanCalendar and handed a new meal as the view
 * moves. Their height depends on the style only, never on the text, so the
 * calendar may change the text while it allocates. */
GtkWidget        *fc_plan_chip_new         (void);

/* @date_label names the day for AT-SPI (the description), since the same
 * meal may be on many days. */
void              fc_plan_chip_set_meal    (FcPlanChip        *self,
                                            const FcPlanEntry *entry,
                                            guint              day,
                                            const char        *date_label);
/* @date_label: (nullable): the description; %NULL keeps the one set. */
void              fc_plan_chip_set_more    (FcPlanChip        *self,
                                            guint              n_more,
                                            guint              day,
                                            const char        *date_label);
void              fc_plan_chip_set_style   (FcPlanChip        *self,
                                            FcPlanChipStyle    style);
FcPlanChipStyle   fc_plan_chip_get_style   (FcPlanChip        *self);

gboolean          fc_plan_chip_is_more     (FcPlanChip        *self);
guint             fc_plan_chip_get_n_more  (FcPlanChip        *self);
gint64            fc_plan_chip_get_meal_id (FcPlanChip        *self);
guint             fc_plan_chip_get_day     (FcPlanChip        *self);

G_END_DECLS
