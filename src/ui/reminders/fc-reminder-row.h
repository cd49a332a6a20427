/* fc-reminder-row.h — one workout or weigh-in reminder in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-reminders.h"

G_BEGIN_DECLS

#define FC_TYPE_REMINDER_ROW (fc_reminder_row_get_type ())

G_DECLARE_FINAL_TYPE (FcReminderRow, fc_reminder_row, FC, REMINDER_ROW, AdwExpanderRow)

/* Edits go to @reminders at once; fc_reminder_row_update() shows a newer
 * copy of the same reminder without writing it back. */
GtkWidget  *fc_reminder_row_new    (FcReminders      *reminders,
                                    const FcReminder *reminder);
const char *fc_reminder_row_get_id (FcReminderRow    *self);
void        fc_reminder_row_update (FcReminderRow    *self,
                                    const FcReminder *reminder);

/* "Mon, Wed, Fri at 07:00", "Every day at 18:30", "No days" */
char       *fc_reminder_describe   (const FcReminder *reminder);

G_END_DECLS
