/* fc-preferences-window.c — the server address, the style and downloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-preferences-window.h"

#include "fc-accessible.h"
#include "fc-api-client.h"
#include "fc-application.h"
#include "fc-meal-time.h"
#include "fc-reminder-row.h"
#include "fc-reminders-plan.h"
#include "fc-settings.h"

struct _FcPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *server_row;
  AdwComboRow          *style_row;
  AdwComboRow          *units_row;
  AdwActionRow         *downloads_row;
  GtkWidget            *delete_downloads_button;
  AdwPreferencesPage   *reminders_page;
  AdwPreferencesGroup  *reminders_group;
  AdwActionRow         *add_reminder_row;
  AdwPreferencesGroup  *meals_group;
  GtkWidget            *background_switch;
  GtkWidget            *login_switch;

  /* Owned */
  FcReminders          *reminders;
  GPtrArray            *reminder_rows;   /* FcReminderRow, in the stored order */
  FcDownloadManager    *downloads;
  GSettings            *settings;
  char                 *server_help;
};

G_DEFINE_FINAL_TYPE (FcPreferencesWindow, fc_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Combo rows list an enum key's choices in the order of its nicks:
 * org.fitcore.FitCore.ColorScheme for the style, .HealthUnits for the
 * units. Each mapping's user data is its NULL-terminated nicks. */
static const char * const color_scheme_nicks[] = { "default", "light", "dark", NULL };
static const char * const health_units_nicks[] = { "auto", "metric", "imperial", NULL };

static gboolean
nick_to_selected (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++) {
    if (g_str_equal (nick, nicks[i])) {
      g_value_set_uint (value, i);
      return TRUE;
    }
  }

  return FALSE;
}

static GVariant *
selected_to_nick (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint selected = g_value_get_uint (value);

  /* GTK_INVALID_LIST_POSITION while the model is being replaced. */
  if (selected >= g_strv_length ((char **) nicks))
    return NULL;

  return g_variant_new_string (nicks[selected]);
}

static void
fc_preferences_window_load_server_url (FcPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, FC_SETTINGS_SERVER_URL);
  g_autofree char *shown = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_row));

  /* Leave what the user typed alone when it is the stored address but for
   * the normalized trailing slash: rewriting the text would show the apply
   * button again, as if the address were not saved. */
  if (fc_api_client_check_base_url (text, &shown, NULL) && g_strcmp0 (shown, url) == 0)
    return;

  if (g_strcmp0 (url, text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
}

/* The reason goes where the rule is explained, right above the row: a toast
 * would cut a sentence this long short. */
static void
fc_preferences_window_show_server_error (FcPreferencesWindow *self,
                                         const char          *message)
{
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");

  adw_preferences_group_set_description (self->server_group,
                                         message != NULL ? message : self->server_help);
}

static void
on_server_row_changed_cb (FcPreferencesWindow *self)
{
  /* The error belongs to the address that was refused, not to the one
   * being typed. */
  fc_preferences_window_show_server_error (self, NULL);
}

static void
on_server_row_apply_cb (FcPreferencesWindow *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (url));
  g_autofree char *normalized = NULL;

  /* Plain http:// only to this computer: the app sends passwords there. */
  if (!fc_api_client_check_base_url (stripped, &normalized, &error)) {
    fc_preferences_window_show_server_error (self, error->message);
    return;
  }

  g_settings_set_string (self->settings, FC_SETTINGS_SERVER_URL, normalized);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Server address saved")));
}

static void
on_settings_server_url_changed_cb (FcPreferencesWindow *self)
{
  fc_preferences_window_load_server_url (self);
}

static void
update_downloads (FcPreferencesWindow *self)
{
  g_autoptr(GArray) workouts = NULL;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;

  if (self->downloads == NULL) {
    adw_action_row_set_subtitle (self->downloads_row, _("Nothing downloaded"));
    gtk_widget_set_sensitive (self->delete_downloads_button, FALSE);
    return;
  }

  workouts = fc_download_manager_list_workouts (self->downloads);
  if (workouts->len == 0) {
    adw_action_row_set_subtitle (self->downloads_row, _("Nothing downloaded"));
    gtk_widget_set_sensitive (self->delete_downloads_button, FALSE);
    return;
  }

  size = g_format_size (fc_download_manager_get_used_bytes (self->downloads));
  /* Translators: "12.4 MB for 3 workouts" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s for %u workout", "%s for %u workouts",
                                       workouts->len), size, workouts->len);
  adw_action_row_set_subtitle (self->downloads_row, text);
  gtk_widget_set_sensitive (self->delete_downloads_button, TRUE);
}

static void
on_delete_response_cb (FcPreferencesWindow *self,
                       const char          *response)
{
  if (g_strcmp0 (response, "delete") != 0 || self->downloads == NULL)
    return;

  fc_download_manager_remove_all (self->downloads);
  update_downloads (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Downloads deleted")));
}

/* Asked first: downloading them again needs the network and time. */
static void
on_delete_downloads_clicked_cb (FcPreferencesWindow *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete All Downloads?"),
                                   _("Downloaded workouts will need a connection to play until "
                                     "you download them again."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The rows follow the stored list; a row that stays is updated in place,
 * so that editing one (each change is stored at once) keeps its focus. */
static void
update_reminder_rows (FcPreferencesWindow *self)
{
  g_autoptr(GArray) reminders = NULL;

  if (self->reminders == NULL)
    return;

  reminders = fc_reminders_list (self->reminders);
  for (guint r = 0; r < self->reminder_rows->len;) {
    FcReminderRow *row = g_ptr_array_index (self->reminder_rows, r);
    gboolean kept = FALSE;

    for (guint i = 0; !kept && i < reminders->len; i++)
      kept = g_str_equal (g_array_index (reminders, FcReminder, i).id,
                          fc_reminder_row_get_id (row));
    if (kept) {
      r++;
      continue;
    }
    adw_preferences_group_remove (self->reminders_group, GTK_WIDGET (row));
    g_ptr_array_remove_index (self->reminder_rows, r);
  }

  for (guint i = 0; i < reminders->len; i++) {
    const FcReminder *reminder = &g_array_index (reminders, FcReminder, i);
    FcReminderRow *found = NULL;

    for (guint r = 0; found == NULL && r < self->reminder_rows->len; r++) {
      if (g_str_equal (fc_reminder_row_get_id (g_ptr_array_index (self->reminder_rows, r)),
                       reminder->id))
        found = g_ptr_array_index (self->reminder_rows, r);
    }

    if (found != NULL) {
      fc_reminder_row_update (found, reminder);
      continue;
    }

    found = FC_REMINDER_ROW (fc_reminder_row_new (self->reminders, reminder));
    g_ptr_array_add (self->reminder_rows, g_object_ref (found));
    adw_preferences_group_add (self->reminders_group, GTK_WIDGET (found));
  }
}

static void
add_reminder (FcPreferencesWindow *self,
              FcReminderKind       kind)
{
  g_autofree char *id = NULL;

  if (self->reminders == NULL)
    return;

  /* Weekdays at 07:00 for a workout, Monday mornings for a weigh-in: a
   * start the user changes in the row, shown open. The settings' change
   * signal may have built the row already; this makes sure. */
  id = kind == FC_REMINDER_WORKOUT
       ? fc_reminders_add (self->reminders, kind, 0x1f, 7, 0)
       : fc_reminders_add (self->reminders, kind, FC_REMINDER_DAY (G_DATE_MONDAY), 7, 30);
  update_reminder_rows (self);
  for (guint r = 0; r < self->reminder_rows->len; r++) {
    FcReminderRow *row = g_ptr_array_index (self->reminder_rows, r);

    if (g_strcmp0 (fc_reminder_row_get_id (row), id) == 0)
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  }
}

static void
on_add_workout_clicked_cb (FcPreferencesWindow *self)
{
  add_reminder (self, FC_REMINDER_WORKOUT);
}

static void
on_add_weigh_in_clicked_cb (FcPreferencesWindow *self)
{
  add_reminder (self, FC_REMINDER_WEIGH_IN);
}

static void
on_meal_switch_active_cb (GtkSwitch           *meal_switch,
                          GParamSpec          *pspec,
                          FcPreferencesWindow *self)
{
  const char *code = g_object_get_data (G_OBJECT (meal_switch), "meal-code");

  if (self->reminders != NULL)
    fc_reminders_set_meal_enabled (self->reminders, code, gtk_switch_get_active (meal_switch));
}

static void
add_meal_rows (FcPreferencesWindow *self)
{
  for (guint i = 0; i < FC_N_MEAL_TIMES; i++) {
    const char *code = fc_meal_time_get_code ((FcMealTime) i);
    const char *label = fc_meal_time_get_label ((FcMealTime) i);
    g_autofree char *time = NULL;
    g_autofree char *name = NULL;
    GtkWidget *row = adw_action_row_new ();
    GtkWidget *meal_switch = gtk_switch_new ();
    guint8 hour, minute;

    fc_reminders_plan_get_clock ((FcMealTime) i, &hour, &minute);
    time = g_strdup_printf ("%02u:%02u", hour, minute);
    /* Translators: a switch's name, "Breakfast Reminder" */
    name = g_strdup_printf (_("%s Reminder"), label);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), time);
    gtk_widget_set_valign (meal_switch, GTK_ALIGN_CENTER);
    gtk_accessible_update_property (GTK_ACCESSIBLE (meal_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    name, -1);
    gtk_switch_set_active (GTK_SWITCH (meal_switch),
                           self->reminders != NULL &&
                           fc_reminders_get_meal_enabled (self->reminders, code));
    g_object_set_data_full (G_OBJECT (meal_switch), "meal-code", g_strdup (code), g_free);
    g_signal_connect_object (meal_switch, "notify::active", G_CALLBACK (on_meal_switch_active_cb),
                             self, 0);
    gtk_widget_set_sensitive (meal_switch, self->reminders != NULL);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), meal_switch);
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), meal_switch);
    adw_preferences_group_add (self->meals_group, row);
  }
}

static void
fc_preferences_window_dispose (GObject *object)
{
  FcPreferencesWindow *self = (FcPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->downloads);
  g_clear_object (&self->reminders);
  g_clear_pointer (&self->reminder_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (fc_preferences_window_parent_class)->dispose (object);
}

static void
fc_preferences_window_finalize (GObject *object)
{
  FcPreferencesWindow *self = (FcPreferencesWindow *) object;

  g_clear_pointer (&self->server_help, g_free);

  G_OBJECT_CLASS (fc_preferences_window_parent_class)->finalize (object);
}

static void
fc_preferences_window_class_init (FcPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_preferences_window_dispose;
  object_class->finalize = fc_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, units_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, downloads_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, delete_downloads_button);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, reminders_page);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, reminders_group);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, add_reminder_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, meals_group);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, login_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_delete_downloads_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_workout_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_weigh_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_server_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_server_row_changed_cb);
}

static void
fc_preferences_window_init (FcPreferencesWindow *self)
{
  GApplication *app;

  gtk_widget_init_template (GTK_WIDGET (self));
  fc_accessible_name_combo_row (self->style_row);
  fc_accessible_name_combo_row (self->units_row);

  /* The application's one GSettings (fc-settings.h). */
  self->settings = g_object_ref (fc_settings_get_default ());
  self->server_help = g_strdup (adw_preferences_group_get_description (self->server_group));

  /* Not g_settings_bind(): an address is stored only once it is applied and
   * valid, never while it is being typed. */
  fc_preferences_window_load_server_url (self);
  g_signal_connect_object (self->settings, "changed::" FC_SETTINGS_SERVER_URL,
                           G_CALLBACK (on_settings_server_url_changed_cb), self,
                           G_CONNECT_SWAPPED);

  g_settings_bind_with_mapping (self->settings, FC_SETTINGS_COLOR_SCHEME,
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                nick_to_selected,
                                selected_to_nick,
                                (gpointer) color_scheme_nicks, NULL);
  g_settings_bind_with_mapping (self->settings, FC_SETTINGS_HEALTH_UNITS,
                                self->units_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                nick_to_selected,
                                selected_to_nick,
                                (gpointer) health_units_nicks, NULL);

  app = g_application_get_default ();
  if (FC_IS_APPLICATION (app))
    self->downloads = g_object_ref (fc_application_get_downloads (FC_APPLICATION (app)));
  if (self->downloads != NULL) {
    g_signal_connect_object (self->downloads, "changed", G_CALLBACK (update_downloads), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->downloads, "notify::used-bytes", G_CALLBACK (update_downloads),
                             self, G_CONNECT_SWAPPED);
  }
  update_downloads (self);

  g_settings_bind (self->settings, FC_SETTINGS_RUN_IN_BACKGROUND, self->background_switch,
                   "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, FC_SETTINGS_START_AT_LOGIN, self->login_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  self->reminder_rows = g_ptr_array_new_with_free_func (g_object_unref);
  if (FC_IS_APPLICATION (app) && fc_application_get_reminders (FC_APPLICATION (app)) != NULL)
    self->reminders = g_object_ref (fc_application_get_reminders (FC_APPLICATION (app)));
  /* Without the application (a widget test) nothing can be added. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_reminder_row), self->reminders != NULL);
  g_signal_connect_object (self->settings, "changed::reminders",
                           G_CALLBACK (update_reminder_rows), self, G_CONNECT_SWAPPED);
  update_reminder_rows (self);
  add_meal_rows (self);
}

GtkWidget *
fc_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (FC_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
