/* fc-register-form.c — a new account, with the server's answer per field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-register-form"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-register-form.h"

#include "fc-form.h"
#include "fc-settings.h"

/* The API's field names, in the order of the form. */
enum {
  FIELD_EMAIL,
  FIELD_PASSWORD1,
  FIELD_PASSWORD2,
  FIELD_FIRST_NAME,
  FIELD_LAST_NAME,
  N_FIELDS
};

struct _FcRegisterForm
{
  AdwBin        parent_instance;

  /* Template widgets */
  GtkLabel     *description;
  GtkLabel     *banner;
  GtkWidget    *email_entry;
  GtkLabel     *email_error;
  GtkWidget    *password1_entry;
  GtkLabel     *password1_error;
  GtkWidget    *password2_entry;
  GtkLabel     *password2_error;
  GtkWidget    *first_name_entry;
  GtkLabel     *first_name_error;
  GtkWidget    *last_name_entry;
  GtkLabel     *last_name_error;
  GtkSpinner   *spinner;

  /* Owned */
  FcSession    *session;
  GSettings    *settings;
  GCancellable *cancellable;
  FcFormField   fields[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (FcRegisterForm, fc_register_form, ADW_TYPE_BIN)

static void
fc_register_form_set_busy (FcRegisterForm *self,
                           gboolean        busy)
{
  /* Hidden, not just still: an idle spinner would push the label aside. */
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (busy)
    fc_form_drop_focus (GTK_WIDGET (self));
  for (guint i = 0; i < N_FIELDS; i++)
    gtk_widget_set_sensitive (self->fields[i].entry, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "register.submit", !busy);
}

static const char *
get_text (GtkWidget *entry)
{
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

static void
register_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcRegisterForm) self = user_data;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;

  if (!fc_session_register_finish (FC_SESSION (object), result, &problem, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    fc_register_form_set_busy (self, FALSE);
    fc_form_show_error (self->fields, N_FIELDS, self->banner, problem, error);
    fc_form_keep_focus (GTK_WIDGET (self), self->email_entry);
    return;
  }

  fc_register_form_set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password1_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password2_entry), "");
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcRegisterForm *self = FC_REGISTER_FORM (widget);
  g_autofree char *server = g_settings_get_string (self->settings, FC_SETTINGS_SERVER_URL);
  g_autofree char *email = g_strstrip (g_strdup (get_text (self->email_entry)));

  g_return_if_fail (self->session != NULL);

  fc_form_clear_errors (self->fields, N_FIELDS, self->banner);

  /* Only the obvious is checked here: the server's rules (password
   * strength, a taken address) come back per field. */
  if (*email == '\0') {
    fc_form_show_field_error (&self->fields[FIELD_EMAIL], _("Enter your e-mail address."));
    return;
  }
  if (g_strcmp0 (get_text (self->password1_entry), get_text (self->password2_entry)) != 0) {
    fc_form_show_field_error (&self->fields[FIELD_PASSWORD2], _("The two passwords differ."));
    return;
  }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  fc_register_form_set_busy (self, TRUE);
  fc_session_register_async (self->session, server, email,
                             get_text (self->password1_entry),
                             get_text (self->password2_entry),
                             get_text (self->first_name_entry),
                             get_text (self->last_name_entry),
                             self->cancellable, register_cb, g_object_ref (self));
}

static void
on_entry_activate_cb (FcRegisterForm *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "register.submit", NULL);
}

static void
fc_register_form_dispose (GObject *object)
{
  FcRegisterForm *self = (FcRegisterForm *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_REGISTER_FORM);

  G_OBJECT_CLASS (fc_register_form_parent_class)->dispose (object);
}

static void
fc_register_form_class_init (FcRegisterFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_register_form_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-register-form.ui");
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, description);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, banner);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, email_entry);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, email_error);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, password1_entry);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, password1_error);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, password2_entry);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, password2_error);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, first_name_entry);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, first_name_error);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, last_name_entry);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, last_name_error);
  gtk_widget_class_bind_template_child (widget_class, FcRegisterForm, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "register.submit", NULL, submit_action);
}

static void
fc_register_form_init (FcRegisterForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The application's one GSettings (fc-settings.h). */
  self->settings = g_object_ref (fc_settings_get_default ());

  self->fields[FIELD_EMAIL] = (FcFormField) { "email", self->email_entry, self->email_error };
  self->fields[FIELD_PASSWORD1] =
    (FcFormField) { "password1", self->password1_entry, self->password1_error };
  self->fields[FIELD_PASSWORD2] =
    (FcFormField) { "password2", self->password2_entry, self->password2_error };
  self->fields[FIELD_FIRST_NAME] =
    (FcFormField) { "first_name", self->first_name_entry, self->first_name_error };
  self->fields[FIELD_LAST_NAME] =
    (FcFormField) { "last_name", self->last_name_entry, self->last_name_error };
}

GtkWidget *
fc_register_form_new (void)
{
  return g_object_new (FC_TYPE_REGISTER_FORM, NULL);
}

void
fc_register_form_set_session (FcRegisterForm *self,
                              FcSession      *session)
{
  g_return_if_fail (FC_IS_REGISTER_FORM (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  g_set_object (&self->session, session);
}

/* Says which server the account will live on, and focuses the first entry. */
void
fc_register_form_prepare (FcRegisterForm *self)
{
  g_autofree char *server = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (FC_IS_REGISTER_FORM (self));

  server = g_settings_get_string (self->settings, FC_SETTINGS_SERVER_URL);
  /* Translators: %s is a server address such as https://fitcore.example/ */
  text = g_strdup_printf (_("Your account will be created on %s. Another server can be chosen in Preferences."),
                          server);
  gtk_label_set_text (self->description, text);
  gtk_widget_grab_focus (self->email_entry);
}
