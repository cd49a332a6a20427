/* fc-health-goals-dialog.c — the daily steps, target weight and sleep goals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The three goals the server keeps (docs/health-wire.md, "goals/"), edited
 * together because a PUT clears what it does not send. Steps and weight are
 * read as the entry dialog reads a measurement (the locale's numbers, the
 * person's weight unit); sleep as hours and minutes.
 */

#define G_LOG_DOMAIN "fc-health-goals-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "fc-health-goals-dialog.h"

#include "fc-health-ui.h"
#include "fc-json.h"
#include "fc-store-health.h"

/* A night's sleep goal, in minutes: what the server accepts for a day. */
#define SLEEP_MAX (24 * 60)

struct _FcHealthGoalsDialog
{
  AdwWindow     parent_instance;

  /* Template widgets */
  AdwEntryRow  *steps_row;
  AdwEntryRow  *weight_row;
  AdwEntryRow  *sleep_row;
  GtkLabel     *error_label;

  /* Owned */
  FcStore      *store;
  GCancellable *cancellable;
  gboolean      loaded;
  gboolean      saving;

  /* What the fields say when they are valid; NAN for no goal. */
  double        steps;
  double        weight;
  double        sleep;
};

G_DEFINE_FINAL_TYPE (FcHealthGoalsDialog, fc_health_goals_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_blank (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  return *stripped == '\0';
}

/* "7:30" or "7": minutes, or -1. */
static double
parse_sleep (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_auto(GStrv) parts = g_strsplit (stripped, ":", -1);
  guint64 hours, minutes = 0;
  guint n = g_strv_length (parts);

  if (n < 1 || n > 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 24, &hours, NULL) ||
      (n == 2 && (strlen (parts[1]) != 2 ||
                  !g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &minutes, NULL))))
    return -1;
  if (hours * 60 + minutes == 0 || hours * 60 + minutes > SLEEP_MAX)
    return -1;
  return (double) (hours * 60 + minutes);
}

/* A number field: NAN when empty, the canonical value when valid; FALSE
 * with @out_error set otherwise. */
static gboolean
read_number (AdwEntryRow  *row,
             const char   *data_type,
             double       *out_value,
             char        **out_error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(GError) error = NULL;

  *out_value = NAN;
  if (is_blank (text))
    return TRUE;
  if (!fc_health_parse_value (data_type, fc_health_ui_unit (data_type), text, out_value, &error)) {
    *out_error = g_strdup (error->message);
    return FALSE;
  }
  return TRUE;
}

/* Checks every field; TRUE when the goals can be saved. */
static gboolean
fc_health_goals_dialog_validate (FcHealthGoalsDialog *self)
{
  g_autofree char *steps_error = NULL;
  g_autofree char *weight_error = NULL;
  const char *sleep_error = NULL;
  const char *sleep_text = gtk_editable_get_text (GTK_EDITABLE (self->sleep_row));
  const char *shown;
  gboolean ok = TRUE;

  if (!read_number (self->steps_row, "steps", &self->steps, &steps_error))
    ok = FALSE;
  else if (!isnan (self->steps) && self->steps < 1) {
    steps_error = g_strdup (_("A daily steps goal is at least one step."));
    ok = FALSE;
  }
  if (!read_number (self->weight_row, "weight", &self->weight, &weight_error))
    ok = FALSE;

  self->sleep = NAN;
  if (!is_blank (sleep_text)) {
    self->sleep = parse_sleep (sleep_text);
    if (self->sleep < 0) {
      sleep_error = _("Type the hours and minutes of a night, such as 7:30.");
      ok = FALSE;
    }
  }

  fc_health_ui_set_row_error (self->steps_row, steps_error);
  fc_health_ui_set_row_error (self->weight_row, weight_error);
  fc_health_ui_set_row_error (self->sleep_row, sleep_error);
  shown = steps_error != NULL ? steps_error : weight_error != NULL ? weight_error : sleep_error;
  gtk_label_set_text (self->error_label, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), shown != NULL);

  ok = ok && self->loaded && !self->saving;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "goals.save", ok);
  return ok;
}

static void
on_field_changed_cb (FcHealthGoalsDialog *self)
{
  fc_health_goals_dialog_validate (self);
}

static void
set_member (JsonObject *object,
            const char *member,
            double      value)
{
  if (isnan (value))
    json_object_set_null_member (object, member);
  else
    json_object_set_double_member (object, member, value);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FcHealthGoalsDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (!fc_store_health_save_goals_finish (FC_STORE (object), result, &error)) {
    g_autofree char *text = NULL;

    /* Translators: %s says why, "the disk is full". */
    text = g_strdup_printf (_("Could not save: %s"), error->message);
    fc_health_goals_dialog_validate (self);
    gtk_label_set_text (self->error_label, text);
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    return;
  }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcHealthGoalsDialog *self = FC_HEALTH_GOALS_DIALOG (widget);
  g_autoptr(JsonObject) goals = json_object_new ();

  if (self->store == NULL || !fc_health_goals_dialog_validate (self))
    return;

  /* Whole steps and minutes: the wire's goals are counts of them. */
  set_member (goals, "daily_steps", isnan (self->steps) ? NAN : round (self->steps));
  set_member (goals, "target_weight", self->weight);
  set_member (goals, "sleep_minutes", self->sleep);
  self->saving = TRUE;
  gtk_widget_action_set_enabled (widget, "goals.save", FALSE);
  /* Not cancelled when the dialog closes: a save once asked for finishes. */
  fc_store_health_save_goals_async (self->store, goals, NULL, saved_cb, g_object_ref (self));
}

static void
on_entry_activated_cb (FcHealthGoalsDialog *self)
{
  if (fc_health_goals_dialog_validate (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "goals.save", NULL);
}

static void
show_goal (AdwEntryRow *row,
           JsonObject  *goals,
           const char  *member,
           const char  *data_type)
{
  g_autofree char *text = NULL;
  double value;

  if (goals == NULL || !fc_json_get_double (goals, member, &value))
    return;
  if (data_type != NULL) {
    text = fc_health_format_number (data_type, fc_health_ui_unit (data_type), value);
  } else {
    int minutes = (int) round (value);

    text = g_strdup_printf ("%d:%02d", minutes / 60, minutes % 60);
  }
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
goals_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FcHealthGoalsDialog *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) goals = NULL;

  goals = fc_store_health_get_goals_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = FC_HEALTH_GOALS_DIALOG (user_data);
  if (error != NULL)
    g_warning ("Cannot read the health goals: %s", error->message);
  show_goal (self->steps_row, goals, "daily_steps", "steps");
  show_goal (self->weight_row, goals, "target_weight", "weight");
  show_goal (self->sleep_row, goals, "sleep_minutes", NULL);
  self->loaded = TRUE;
  fc_health_goals_dialog_validate (self);
}

/* Focused once the window maps, as the entry dialog does (a grab before
 * that made GTK 4.8 create the window's accessible too early). */
static void
fc_health_goals_dialog_map (GtkWidget *widget)
{
  FcHealthGoalsDialog *self = FC_HEALTH_GOALS_DIALOG (widget);

  GTK_WIDGET_CLASS (fc_health_goals_dialog_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->steps_row));
}

static void
fc_health_goals_dialog_dispose (GObject *object)
{
  FcHealthGoalsDialog *self = FC_HEALTH_GOALS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_HEALTH_GOALS_DIALOG);

  G_OBJECT_CLASS (fc_health_goals_dialog_parent_class)->dispose (object);
}

static void
fc_health_goals_dialog_class_init (FcHealthGoalsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_health_goals_dialog_dispose;
  widget_class->map = fc_health_goals_dialog_map;

  /**
   * FcHealthGoalsDialog::saved:
   *
   * The store has the goals; the dialog closes next.
   */
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/health/"
                                               "fc-health-goals-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FcHealthGoalsDialog, steps_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthGoalsDialog, weight_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthGoalsDialog, sleep_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthGoalsDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "goals.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "goals.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fc_health_goals_dialog_init (FcHealthGoalsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fc_health_ui_ensure_css (GTK_WIDGET (self));
  self->steps = self->weight = self->sleep = NAN;
}

GtkWidget *
fc_health_goals_dialog_new (GtkWindow *parent,
                            FcSession *session)
{
  FcHealthGoalsDialog *self;
  g_autofree char *weight_title = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_HEALTH_GOALS_DIALOG, "transient-for", parent, NULL);
  /* Translators: the target weight's field, with its unit: "Target Weight (kg)". */
  weight_title = g_strdup_printf (_("Target Weight (%s)"),
                                  fc_health_unit_symbol (fc_health_ui_unit ("weight"), "weight"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->weight_row), weight_title);
  self->cancellable = g_cancellable_new ();
  if (fc_session_get_store (session) != NULL) {
    self->store = g_object_ref (fc_session_get_store (session));
    fc_store_health_get_goals_async (self->store, self->cancellable, goals_loaded_cb, self);
  }
  fc_health_goals_dialog_validate (self);
  return GTK_WIDGET (self);
}
