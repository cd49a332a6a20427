/* fc-date-button.h — a date picked from a calendar popover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FC_TYPE_DATE_BUTTON (fc_date_button_get_type ())

G_DECLARE_FINAL_TYPE (FcDateButton, fc_date_button, FC, DATE_BUTTON, AdwBin)

/* "date-changed" is emitted when the user picks a day. */
GtkWidget *fc_date_button_new      (void);
/* Clears @out_date when no date is set. */
void       fc_date_button_get_date (FcDateButton *self,
                                    GDate        *out_date);
/* @date: (nullable): no date */
void       fc_date_button_set_date (FcDateButton *self,
                                    const GDate  *date);

G_END_DECLS
