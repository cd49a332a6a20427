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

  /* Owned */
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

static void
fc_preferences_window_dispose (GObject *object)
{
  FcPreferencesWindow *self = (FcPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->downloads);

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
  gtk_widget_class_bind_template_callback (widget_class, on_delete_downloads_clicked_cb);
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
}

GtkWidget *
fc_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (FC_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
