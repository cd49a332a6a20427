/* fc-preferences-window.c — the server address and the style
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-preferences-window.h"

#include "fc-api-client.h"
#include "fc-settings.h"

struct _FcPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *server_row;
  AdwComboRow          *style_row;

  /* Owned */
  GSettings            *settings;
  char                 *server_help;
};

G_DEFINE_FINAL_TYPE (FcPreferencesWindow, fc_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The style row lists its choices in the order of the schema's enum
 * org.fitcore.FitCore.ColorScheme. */
static const char * const color_scheme_nicks[] = { "default", "light", "dark" };

static gboolean
color_scheme_to_selected (GValue   *value,
                          GVariant *variant,
                          gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_scheme_nicks); i++) {
    if (g_str_equal (nick, color_scheme_nicks[i])) {
      g_value_set_uint (value, i);
      return TRUE;
    }
  }

  return FALSE;
}

static GVariant *
selected_to_color_scheme (const GValue       *value,
                          const GVariantType *expected_type,
                          gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  /* GTK_INVALID_LIST_POSITION while the model is being replaced. */
  if (selected >= G_N_ELEMENTS (color_scheme_nicks))
    return NULL;

  return g_variant_new_string (color_scheme_nicks[selected]);
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
fc_preferences_window_dispose (GObject *object)
{
  FcPreferencesWindow *self = (FcPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

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
  gtk_widget_class_bind_template_callback (widget_class, on_server_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_server_row_changed_cb);
}

static void
fc_preferences_window_init (FcPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
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
                                color_scheme_to_selected,
                                selected_to_color_scheme,
                                NULL, NULL);
}

GtkWidget *
fc_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (FC_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
