/* fc-date-button.c — a date picked from a calendar popover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 has no date entry: a menu button shows the date and opens a
 * GtkCalendar; picking a day closes it.
 */

#define G_LOG_DOMAIN "fc-date-button"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-date-button.h"

struct _FcDateButton
{
  AdwBin         parent_instance;

  /* Owned by the widget tree */
  GtkMenuButton *button;
  GtkPopover    *popover;
  GtkCalendar   *calendar;

  GDate          date;
};

G_DEFINE_FINAL_TYPE (FcDateButton, fc_date_button, ADW_TYPE_BIN)

enum {
  SIGNAL_DATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_label (FcDateButton *self)
{
  char text[64] = "";
  g_autofree char *accessible = NULL;

  if (g_date_valid (&self->date))
    g_date_strftime (text, sizeof text, "%e %b %Y", &self->date);
  else
    g_strlcpy (text, _("No date"), sizeof text);
  g_strstrip (text);
  gtk_menu_button_set_label (self->button, text);
  /* Translators: the accessible name of a date picker, with its date. */
  accessible = g_strdup_printf (_("Pick a date, %s"), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
on_day_selected_cb (FcDateButton *self,
                    GtkCalendar  *calendar)
{
  g_autoptr(GDateTime) picked = gtk_calendar_get_date (calendar);

  g_date_set_dmy (&self->date, g_date_time_get_day_of_month (picked),
                  g_date_time_get_month (picked), g_date_time_get_year (picked));
  update_label (self);
  gtk_popover_popdown (self->popover);
  g_signal_emit (self, signals[SIGNAL_DATE_CHANGED], 0);
}

static void
fc_date_button_class_init (FcDateButtonClass *klass)
{
  signals[SIGNAL_DATE_CHANGED] =
    g_signal_new ("date-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fc_date_button_init (FcDateButton *self)
{
  g_date_clear (&self->date, 1);

  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, GTK_WIDGET (self->calendar));
  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_popover (self->button, GTK_WIDGET (self->popover));
  gtk_widget_set_valign (GTK_WIDGET (self->button), GTK_ALIGN_CENTER);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->button));

  g_signal_connect_object (self->calendar, "day-selected", G_CALLBACK (on_day_selected_cb),
                           self, G_CONNECT_SWAPPED);
  update_label (self);
}

GtkWidget *
fc_date_button_new (void)
{
  return g_object_new (FC_TYPE_DATE_BUTTON, NULL);
}

void
fc_date_button_get_date (FcDateButton *self,
                         GDate        *out_date)
{
  g_return_if_fail (FC_IS_DATE_BUTTON (self));
  g_return_if_fail (out_date != NULL);

  *out_date = self->date;
}

void
fc_date_button_set_date (FcDateButton *self,
                         const GDate  *date)
{
  g_return_if_fail (FC_IS_DATE_BUTTON (self));

  if (date != NULL && g_date_valid (date)) {
    g_autoptr(GDateTime) shown = g_date_time_new_local (g_date_get_year (date),
                                                        g_date_get_month (date),
                                                        g_date_get_day (date), 0, 0, 0);

    self->date = *date;
    /* Blocked: selecting here is not the user's pick. */
    g_signal_handlers_block_by_func (self->calendar, on_day_selected_cb, self);
    gtk_calendar_select_day (self->calendar, shown);
    g_signal_handlers_unblock_by_func (self->calendar, on_day_selected_cb, self);
  } else {
    g_date_clear (&self->date, 1);
  }
  update_label (self);
}
