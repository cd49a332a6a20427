/* fc-health-entry-dialog.c — add or edit one measurement
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-entry-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-health-entry-dialog.h"

#include "fc-accessible.h"
#include "fc-health-ui.h"
#include "fc-json.h"
#include "fc-store-health.h"
#include "fc-time.h"

/* The server refuses a point more than 5 minutes ahead of its clock
 * (docs/health-wire.md); the dialog says so before it gets there. */
#define FUTURE_SLACK (5 * 60)

/* Every field is checked as it changes; the first mistake shows under the
 * fields and Save stays off until there is none. A field not touched yet
 * says nothing (an empty value on opening is no mistake yet). */
struct _FcHealthEntryDialog
{
  AdwWindow     parent_instance;

  /* Template widgets */
  AdwComboRow  *type_row;
  AdwEntryRow  *value_row;
  AdwEntryRow  *date_row;
  AdwEntryRow  *time_row;
  GtkLabel     *error_label;
  GtkLabel     *hint_label;

  /* Owned */
  FcSession    *session;
  FcStore      *store;
  GCancellable *cancellable;
  JsonObject   *point;        /* the one edited, or NULL */
  gint64        local_id;
  gboolean      value_touched;
  gboolean      saving;

  /* What the fields say, when they say something valid. */
  double        canonical;
  gint64        recorded_at;
};

G_DEFINE_FINAL_TYPE (FcHealthEntryDialog, fc_health_entry_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
selected_type (FcHealthEntryDialog *self)
{
  const char * const *types = fc_health_ui_entry_types ();
  guint selected = adw_combo_row_get_selected (self->type_row);

  return selected < g_strv_length ((char **) types) ? types[selected] : "weight";
}

static gboolean
parse_time_of_day (const char *text,
                   int        *out_hour,
                   int        *out_minute)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_auto(GStrv) parts = g_strsplit (stripped, ":", -1);
  guint64 hour, minute;

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 23, &hour, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &minute, NULL) ||
      strlen (parts[1]) != 2)
    return FALSE;
  *out_hour = (int) hour;
  *out_minute = (int) minute;
  return TRUE;
}

/* Checks every field; TRUE when the measurement can be saved. */
static gboolean
fc_health_entry_dialog_validate (FcHealthEntryDialog *self)
{
  const char *data_type = selected_type (self);
  FcHealthUnit unit = fc_health_ui_unit (data_type);
  const char *value_text = gtk_editable_get_text (GTK_EDITABLE (self->value_row));
  const char *date_text = gtk_editable_get_text (GTK_EDITABLE (self->date_row));
  const char *time_text = gtk_editable_get_text (GTK_EDITABLE (self->time_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *date_error = NULL;
  g_autofree char *time_error = NULL;
  const char *value_error = NULL;
  const char *shown = NULL;
  gboolean value_ok, date_ok, time_ok;
  GDate date;
  int hour = 0, minute = 0;

  value_ok = fc_health_parse_value (data_type, unit, value_text, &self->canonical, &error);
  /* Nothing typed yet is no mistake to point out, only a reason to wait. */
  if (!value_ok && (self->value_touched ||
                    !g_error_matches (error, FC_HEALTH_UNITS_ERROR, FC_HEALTH_UNITS_ERROR_EMPTY)))
    value_error = error->message;

  {
    g_autofree char *stripped = g_strstrip (g_strdup (date_text));

    date_ok = fc_time_parse_date (stripped, &date);
  }
  if (!date_ok)
    date_error = g_strdup (_("Type the date as year, month and day: 2026-12-05."));
  time_ok = parse_time_of_day (time_text, &hour, &minute);
  if (!time_ok)
    time_error = g_strdup (_("Type the time as hours and minutes: 08:30."));

  if (date_ok && time_ok) {
    g_autoptr(GDateTime) local = g_date_time_new_local (g_date_get_year (&date),
                                                        g_date_get_month (&date),
                                                        g_date_get_day (&date), hour, minute, 0);

    if (local == NULL) {
      time_ok = FALSE;
      time_error = g_strdup (_("This time does not exist on that day."));
    } else {
      self->recorded_at = g_date_time_to_unix (local);
      if (self->recorded_at > fc_health_ui_now () + FUTURE_SLACK) {
        time_ok = FALSE;
        time_error = g_strdup (_("This time is in the future."));
      } else if (g_date_get_year (&date) < 1900) {
        date_ok = FALSE;
        date_error = g_strdup (_("This date is too long ago."));
      }
    }
  }

  fc_health_ui_set_row_error (self->value_row, value_error);
  fc_health_ui_set_row_error (self->date_row, date_ok ? NULL : date_error);
  fc_health_ui_set_row_error (self->time_row, time_ok ? NULL : time_error);
  shown = value_error != NULL ? value_error : !date_ok ? date_error : !time_ok ? time_error : NULL;
  gtk_label_set_text (self->error_label, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), shown != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.save",
                                 value_ok && date_ok && time_ok && !self->saving);
  return value_ok && date_ok && time_ok;
}

static void
fc_health_entry_dialog_update_type (FcHealthEntryDialog *self)
{
  const char *data_type = selected_type (self);
  FcHealthUnit unit = fc_health_ui_unit (data_type);
  g_autofree char *title = NULL;
  const char *hint = NULL;

  /* Translators: the value's field, with its unit: "Value (kg)". */
  title = g_strdup_printf (_("Value (%s)"), fc_health_unit_symbol (unit, data_type));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->value_row), title);

  if (unit == FC_HEALTH_UNIT_ST_LB)
    hint = _("Stones and pounds, such as 11 st 6 lb.");
  else if (unit == FC_HEALTH_UNIT_FT_IN)
    hint = _("Feet and inches, such as 5 ft 11 in.");
  else if (g_str_equal (data_type, "sleep") || g_str_equal (data_type, "workout_minutes"))
    hint = _("In minutes.");
  else if (fc_health_ui_chart_kind (data_type) == FC_CHART_BARS)
    hint = _("What you did since the last time you wrote it down, ending at this time.");
  gtk_label_set_text (self->hint_label, hint != NULL ? hint : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL);
  fc_health_entry_dialog_validate (self);
}

static void
on_field_changed_cb (FcHealthEntryDialog *self,
                     GtkEditable         *editable)
{
  if (editable == GTK_EDITABLE (self->value_row))
    self->value_touched = TRUE;
  fc_health_entry_dialog_validate (self);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FcHealthEntryDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 local_id = self->local_id;

  if (g_task_get_source_tag (G_TASK (result)) == fc_store_health_add_async)
    local_id = fc_store_health_add_finish (FC_STORE (object), result, &error);
  else
    fc_store_health_update_finish (FC_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->saving = FALSE;
  if (error != NULL) {
    g_autofree char *text = NULL;

    /* Translators: %s says why, "the disk is full". */
    text = g_strdup_printf (_("Could not save: %s"), error->message);
    gtk_label_set_text (self->error_label, text);
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    fc_health_entry_dialog_validate (self);
    return;
  }

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, local_id, selected_type (self),
                 self->recorded_at);
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcHealthEntryDialog *self = FC_HEALTH_ENTRY_DIALOG (widget);
  const char *data_type = selected_type (self);
  const FcHealthTypeInfo *info = fc_health_type_info_lookup (data_type);
  g_autoptr(JsonObject) point = json_object_new ();
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *recorded_at = NULL;

  self->value_touched = TRUE;
  if (self->saving || self->store == NULL || info == NULL ||
      !fc_health_entry_dialog_validate (self))
    return;

  when = g_date_time_new_from_unix_utc (self->recorded_at);
  recorded_at = fc_time_format_iso8601 (when);
  json_object_set_string_member (point, "data_type", data_type);
  json_object_set_double_member (point, "value", self->canonical);
  json_object_set_string_member (point, "unit", info->unit);
  json_object_set_string_member (point, "recorded_at", recorded_at);

  self->saving = TRUE;
  gtk_widget_action_set_enabled (widget, "entry.save", FALSE);
  /* Not cancelled when the dialog closes: a save once asked for finishes. */
  if (self->point != NULL)
    fc_store_health_update_async (self->store, self->local_id, point, NULL, saved_cb,
                                  g_object_ref (self));
  else
    fc_store_health_add_async (self->store, point, NULL, saved_cb, g_object_ref (self));
}

static void
on_entry_activated_cb (FcHealthEntryDialog *self)
{
  /* Enter in a field saves once everything is right, as Save would. */
  if (gtk_widget_is_sensitive (GTK_WIDGET (self)) &&
      fc_health_entry_dialog_validate (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "entry.save", NULL);
}

/* The value is what a person came to type. Focused once the window maps:
 * a grab before that made GTK 4.8 create the window's accessible early,
 * and AT-SPI then saw it as a filler rather than a frame. */
static void
fc_health_entry_dialog_map (GtkWidget *widget)
{
  FcHealthEntryDialog *self = FC_HEALTH_ENTRY_DIALOG (widget);

  GTK_WIDGET_CLASS (fc_health_entry_dialog_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->value_row));
}

static void
fc_health_entry_dialog_dispose (GObject *object)
{
  FcHealthEntryDialog *self = FC_HEALTH_ENTRY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_pointer (&self->point, json_object_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_HEALTH_ENTRY_DIALOG);

  G_OBJECT_CLASS (fc_health_entry_dialog_parent_class)->dispose (object);
}

static void
fc_health_entry_dialog_class_init (FcHealthEntryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_health_entry_dialog_dispose;
  widget_class->map = fc_health_entry_dialog_map;

  /**
   * FcHealthEntryDialog::saved:
   * @local_id: the store's id of the point
   * @data_type: its type
   * @recorded_at: its time, UTC seconds
   *
   * The store has the measurement; the dialog closes next.
   */
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/health/"
                                               "fc-health-entry-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FcHealthEntryDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthEntryDialog, value_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthEntryDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthEntryDialog, time_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthEntryDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, FcHealthEntryDialog, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "entry.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "entry.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fc_health_entry_dialog_init (FcHealthEntryDialog *self)
{
  const char * const *types = fc_health_ui_entry_types ();
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  fc_health_ui_ensure_css (GTK_WIDGET (self));

  for (guint i = 0; types[i] != NULL; i++)
    gtk_string_list_append (titles, fc_health_ui_type_title (types[i]));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (titles));
  fc_accessible_name_combo_row (self->type_row);
  g_signal_connect_object (self->type_row, "notify::selected",
                           G_CALLBACK (fc_health_entry_dialog_update_type), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
fc_health_entry_dialog_new (GtkWindow  *parent,
                            FcSession  *session,
                            const char *data_type,
                            JsonObject *point)
{
  FcHealthEntryDialog *self;
  const char * const *types = fc_health_ui_entry_types ();
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *date = NULL;
  g_autofree char *time = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_HEALTH_ENTRY_DIALOG,
                       "transient-for", parent,
                       "title", point != NULL ? _("Edit Measurement") : _("New Measurement"),
                       NULL);
  self->session = g_object_ref (session);
  if (fc_session_get_store (session) != NULL)
    self->store = g_object_ref (fc_session_get_store (session));
  self->cancellable = g_cancellable_new ();

  if (point != NULL) {
    self->point = json_object_ref (point);
    self->local_id = fc_health_ui_point_int (point, "local_id");
    data_type = fc_json_get_string (point, "data_type");
  }
  if (data_type != NULL) {
    for (guint i = 0; types[i] != NULL; i++) {
      if (g_str_equal (types[i], data_type))
        adw_combo_row_set_selected (self->type_row, i);
    }
  }

  when = g_date_time_new_from_unix_local (point != NULL ? fc_health_ui_point_time (point)
                                                        : fc_health_ui_now ());
  date = g_date_time_format (when, "%Y-%m-%d");
  time = g_date_time_format (when, "%H:%M");
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), date);
  gtk_editable_set_text (GTK_EDITABLE (self->time_row), time);
  if (point != NULL) {
    const char *type = selected_type (self);
    g_autofree char *number = fc_health_format_number (type, fc_health_ui_unit (type),
                                                       fc_health_ui_point_double (point, "value"));

    gtk_editable_set_text (GTK_EDITABLE (self->value_row), number);
  }
  self->value_touched = point != NULL;
  fc_health_entry_dialog_update_type (self);
  return GTK_WIDGET (self);
}
