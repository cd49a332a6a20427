/* fc-reminder-row.c — one workout or weigh-in reminder in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built in code rather than from a template: its seven day buttons are
 * named from the locale's weekday names, which a .ui file cannot do.
 */

#define G_LOG_DOMAIN "fc-reminder-row"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-reminder-row.h"

struct _FcReminderRow
{
  AdwExpanderRow  parent_instance;

  /* Owned */
  FcReminder      reminder;

  /* Borrowed (weak) */
  FcReminders    *reminders;

  /* Children */
  GtkWidget      *enabled_switch;
  GtkWidget      *day_buttons[7];   /* Monday first */
  GtkWidget      *hour_spin;
  GtkWidget      *minute_spin;

  gboolean        updating;         /* showing, not editing */
};

G_DEFINE_FINAL_TYPE (FcReminderRow, fc_reminder_row, ADW_TYPE_EXPANDER_ROW)

/* 2 March 2026 was a Monday: the locale's names of the days from it. */
static char *
weekday_name (guint        index,
              const char  *format)
{
  g_autoptr(GDateTime) monday = g_date_time_new_utc (2026, 3, 2, 12, 0, 0);
  g_autoptr(GDateTime) day = g_date_time_add_days (monday, (int) index);

  return g_date_time_format (day, format);
}

char *
fc_reminder_describe (const FcReminder *reminder)
{
  g_autoptr(GString) days = g_string_new (NULL);
  g_autofree char *time = g_strdup_printf ("%02u:%02u", reminder->hour, reminder->minute);

  if (reminder->days == 0)
    return g_strdup (_("No days"));

  if (reminder->days == FC_REMINDER_EVERY_DAY)
    /* Translators: %s is a time, "07:00" */
    return g_strdup_printf (_("Every day at %s"), time);

  for (guint i = 0; i < 7; i++) {
    g_autofree char *name = NULL;

    if ((reminder->days & (1u << i)) == 0)
      continue;
    name = weekday_name (i, "%a");
    if (days->len > 0)
      /* Translators: between days of the week, "Mon, Wed" */
      g_string_append (days, _(", "));
    g_string_append (days, name);
  }

  /* Translators: days of the week and a time, "Mon, Wed at 07:00" */
  return g_strdup_printf (_("%s at %s"), days->str, time);
}

/* A chosen day in the accent colour: the default pressed look of a
 * toggle button is too close to the unpressed one to read at a glance. */
static void
update_day_styles (FcReminderRow *self)
{
  for (guint i = 0; i < 7; i++) {
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->day_buttons[i])))
      gtk_widget_add_css_class (self->day_buttons[i], "suggested-action");
    else
      gtk_widget_remove_css_class (self->day_buttons[i], "suggested-action");
  }
}

static void
fc_reminder_row_show (FcReminderRow *self)
{
  g_autofree char *subtitle = fc_reminder_describe (&self->reminder);

  self->updating = TRUE;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self),
                                 self->reminder.kind == FC_REMINDER_WEIGH_IN
                                 ? _("Weigh-In") : _("Workout"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
  gtk_switch_set_active (GTK_SWITCH (self->enabled_switch), self->reminder.enabled);
  for (guint i = 0; i < 7; i++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->day_buttons[i]),
                                  (self->reminder.days & (1u << i)) != 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->hour_spin), self->reminder.hour);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->minute_spin), self->reminder.minute);
  update_day_styles (self);
  self->updating = FALSE;
}

static void
fc_reminder_row_save (FcReminderRow *self)
{
  g_autofree char *subtitle = NULL;

  if (self->updating)
    return;

  self->reminder.enabled = gtk_switch_get_active (GTK_SWITCH (self->enabled_switch));
  self->reminder.days = 0;
  for (guint i = 0; i < 7; i++) {
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->day_buttons[i])))
      self->reminder.days |= 1u << i;
  }
  self->reminder.hour = (guint8) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->hour_spin));
  self->reminder.minute =
    (guint8) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->minute_spin));

  update_day_styles (self);
  subtitle = fc_reminder_describe (&self->reminder);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
  if (self->reminders != NULL)
    fc_reminders_update (self->reminders, &self->reminder);
}

/* Two digits, as a clock shows minutes. */
static gboolean
on_spin_output_cb (GtkSpinButton *spin)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
on_delete_clicked_cb (FcReminderRow *self)
{
  if (self->reminders != NULL)
    fc_reminders_remove (self->reminders, self->reminder.id);
}

static GtkWidget *
new_spin (FcReminderRow *self,
          int            max,
          const char    *label)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, max, 1);

  gtk_spin_button_set_wrap (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (spin), GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (spin, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (spin, "output", G_CALLBACK (on_spin_output_cb), NULL);
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (fc_reminder_row_save), self,
                           G_CONNECT_SWAPPED);
  return spin;
}

static void
fc_reminder_row_dispose (GObject *object)
{
  FcReminderRow *self = (FcReminderRow *) object;

  g_clear_weak_pointer (&self->reminders);

  G_OBJECT_CLASS (fc_reminder_row_parent_class)->dispose (object);
}

static void
fc_reminder_row_finalize (GObject *object)
{
  FcReminderRow *self = (FcReminderRow *) object;

  fc_reminder_clear (&self->reminder);

  G_OBJECT_CLASS (fc_reminder_row_parent_class)->finalize (object);
}

static void
fc_reminder_row_class_init (FcReminderRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_reminder_row_dispose;
  object_class->finalize = fc_reminder_row_finalize;
}

static void
fc_reminder_row_init (FcReminderRow *self)
{
  GtkWidget *days_box;
  GtkWidget *days_row;
  GtkWidget *time_row;
  GtkWidget *time_box;
  GtkWidget *delete_row;
  GtkWidget *delete_button;

  self->enabled_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->enabled_switch, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->enabled_switch, _("Remind"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->enabled_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remind"), -1);
  g_signal_connect_object (self->enabled_switch, "notify::active",
                           G_CALLBACK (fc_reminder_row_save), self, G_CONNECT_SWAPPED);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (self), self->enabled_switch);

  /* The days as toggle buttons, two letters each: seven fit at 360 px. */
  days_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_set_homogeneous (GTK_BOX (days_box), TRUE);
  gtk_widget_set_margin_start (days_box, 12);
  gtk_widget_set_margin_end (days_box, 12);
  gtk_widget_set_margin_top (days_box, 8);
  gtk_widget_set_margin_bottom (days_box, 8);
  for (guint i = 0; i < 7; i++) {
    g_autofree char *abbreviation = weekday_name (i, "%a");
    g_autofree char *full = weekday_name (i, "%A");
    g_autofree char *shortest = g_utf8_substring (abbreviation, 0,
                                                  MIN (2, g_utf8_strlen (abbreviation, -1)));

    /* The label as a child, not the button's label: GTK 4.8 reads a
     * button's label after its accessible label ("Monday Mo"). */
    self->day_buttons[i] = gtk_toggle_button_new ();
    gtk_button_set_child (GTK_BUTTON (self->day_buttons[i]), gtk_label_new (shortest));
    gtk_widget_add_css_class (self->day_buttons[i], "circular");
    gtk_widget_set_tooltip_text (self->day_buttons[i], full);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->day_buttons[i]),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, full, -1);
    g_signal_connect_object (self->day_buttons[i], "toggled", G_CALLBACK (fc_reminder_row_save),
                             self, G_CONNECT_SWAPPED);
    gtk_box_append (GTK_BOX (days_box), self->day_buttons[i]);
  }
  days_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (days_row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (days_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Days"), -1);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (days_row), days_box);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), days_row);

  time_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (time_row), _("Time"));
  time_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->hour_spin = new_spin (self, 23, _("Hour"));
  self->minute_spin = new_spin (self, 59, _("Minute"));
  gtk_box_append (GTK_BOX (time_box), self->hour_spin);
  gtk_box_append (GTK_BOX (time_box), gtk_label_new (":"));
  gtk_box_append (GTK_BOX (time_box), self->minute_spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (time_row), time_box);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), time_row);

  delete_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (delete_row), _("Remove This Reminder"));
  delete_button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (delete_button), gtk_label_new_with_mnemonic (_("_Remove")));
  gtk_widget_set_valign (delete_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete_button, "destructive-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove Reminder"), -1);
  g_signal_connect_object (delete_button, "clicked", G_CALLBACK (on_delete_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (delete_row), delete_button);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), delete_row);
}

GtkWidget *
fc_reminder_row_new (FcReminders      *reminders,
                     const FcReminder *reminder)
{
  FcReminderRow *self;

  g_return_val_if_fail (FC_IS_REMINDERS (reminders), NULL);
  g_return_val_if_fail (reminder != NULL && reminder->id != NULL, NULL);

  self = g_object_new (FC_TYPE_REMINDER_ROW, NULL);
  g_set_weak_pointer (&self->reminders, reminders);
  fc_reminder_row_update (self, reminder);
  return GTK_WIDGET (self);
}

const char *
fc_reminder_row_get_id (FcReminderRow *self)
{
  g_return_val_if_fail (FC_IS_REMINDER_ROW (self), NULL);

  return self->reminder.id;
}

void
fc_reminder_row_update (FcReminderRow    *self,
                        const FcReminder *reminder)
{
  g_return_if_fail (FC_IS_REMINDER_ROW (self));
  g_return_if_fail (reminder != NULL && reminder->id != NULL);

  if (self->reminder.id != reminder->id) {
    g_free (self->reminder.id);
    self->reminder.id = g_strdup (reminder->id);
  }
  self->reminder.kind = reminder->kind;
  self->reminder.enabled = reminder->enabled;
  self->reminder.days = reminder->days;
  self->reminder.hour = reminder->hour;
  self->reminder.minute = reminder->minute;
  fc_reminder_row_show (self);
}
