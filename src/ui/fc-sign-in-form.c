/* fc-sign-in-form.c — e-mail, password and server, and the server's answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-sign-in-form"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-sign-in-form.h"

#include "fc-form.h"
#include "fc-settings.h"

struct _FcSignInForm
{
  AdwBin        parent_instance;

  /* Template widgets */
  GtkLabel     *banner;
  GtkEntry     *email_entry;
  GtkLabel     *email_error;
  GtkWidget    *password_entry;
  GtkLabel     *password_error;
  GtkExpander  *server_expander;
  GtkLabel     *server_summary;
  GtkEntry     *server_entry;
  GtkLabel     *server_error;
  GtkSpinner   *spinner;
  GtkWidget    *google_button;

  /* Owned */
  FcSession    *session;
  GSettings    *settings;
  GCancellable *cancellable;
  char         *server_url;   /* the address being signed in to */
};

G_DEFINE_FINAL_TYPE (FcSignInForm, fc_sign_in_form, ADW_TYPE_BIN)

static guint
get_fields (FcSignInForm *self,
            FcFormField   fields[3])
{
  fields[0] = (FcFormField) { "email", GTK_WIDGET (self->email_entry), self->email_error };
  fields[1] = (FcFormField) { "password", self->password_entry, self->password_error };
  fields[2] = (FcFormField) { "server", GTK_WIDGET (self->server_entry), self->server_error };
  return 3;
}

static void
fc_sign_in_form_set_busy (FcSignInForm *self,
                          gboolean      busy)
{
  /* Hidden, not just still: an idle spinner would push the label aside. */
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (busy)
    fc_form_drop_focus (GTK_WIDGET (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_entry), !busy);
  gtk_widget_set_sensitive (self->password_entry, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_expander), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.submit", !busy);
}

static void
fc_sign_in_form_load_server (FcSignInForm *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, FC_SETTINGS_SERVER_URL);

  gtk_editable_set_text (GTK_EDITABLE (self->server_entry), url);
}

static void
on_server_entry_changed_cb (FcSignInForm *self)
{
  g_autofree char *summary = NULL;
  g_autofree char *accessible = NULL;

  /* Translators: %s is a server address such as https://fitcore.example */
  summary = g_strdup_printf (_("Server: %s"),
                             gtk_editable_get_text (GTK_EDITABLE (self->server_entry)));
  gtk_label_set_text (self->server_summary, summary);
  /* GTK 4.8 reads the expander, a button, as "GtkExpander". */
  /* Translators: the server expander's name for screen readers, %s is a
   * server address such as https://fitcore.example */
  accessible = g_strdup_printf (_("Server address, %s"),
                                gtk_editable_get_text (GTK_EDITABLE (self->server_entry)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->server_expander),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FcSignInForm) self = user_data;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  FcFormField fields[3];
  guint n_fields = get_fields (self, fields);

  if (!fc_session_sign_in_finish (FC_SESSION (object), result, &problem, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;

    fc_sign_in_form_set_busy (self, FALSE);
    /* The server is the likely culprit when it cannot be reached. */
    if (problem == NULL && g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NETWORK))
      gtk_expander_set_expanded (self->server_expander, TRUE);
    fc_form_show_error (fields, n_fields, self->banner, problem, error);
    fc_form_keep_focus (GTK_WIDGET (self), self->password_entry);
    return;
  }

  fc_sign_in_form_set_busy (self, FALSE);
  /* Remember the server that worked, for the next start. */
  g_settings_set_string (self->settings, FC_SETTINGS_SERVER_URL, self->server_url);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcSignInForm *self = FC_SIGN_IN_FORM (widget);
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_entry))));
  g_autofree char *server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_entry))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  g_autoptr(GError) error = NULL;
  FcFormField fields[3];
  guint n_fields = get_fields (self, fields);

  g_return_if_fail (self->session != NULL);

  fc_form_clear_errors (fields, n_fields, self->banner);

  g_clear_pointer (&self->server_url, g_free);
  if (!fc_api_client_check_base_url (server, &self->server_url, &error)) {
    gtk_expander_set_expanded (self->server_expander, TRUE);
    fc_form_show_field_error (&fields[2], error->message);
    return;
  }

  if (*email == '\0' || *password == '\0') {
    fc_form_show_banner (self->banner, _("Enter your e-mail address and password."));
    gtk_widget_grab_focus (*email == '\0' ? GTK_WIDGET (self->email_entry) : self->password_entry);
    return;
  }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  fc_sign_in_form_set_busy (self, TRUE);
  fc_session_sign_in_async (self->session, self->server_url, email, password, self->cancellable,
                            sign_in_cb, g_object_ref (self));
}

static void
on_entry_activate_cb (FcSignInForm *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.submit", NULL);
}

static void
fc_sign_in_form_dispose (GObject *object)
{
  FcSignInForm *self = (FcSignInForm *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_SIGN_IN_FORM);

  G_OBJECT_CLASS (fc_sign_in_form_parent_class)->dispose (object);
}

static void
fc_sign_in_form_finalize (GObject *object)
{
  FcSignInForm *self = (FcSignInForm *) object;

  g_clear_pointer (&self->server_url, g_free);

  G_OBJECT_CLASS (fc_sign_in_form_parent_class)->finalize (object);
}

static void
fc_sign_in_form_class_init (FcSignInFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_sign_in_form_dispose;
  object_class->finalize = fc_sign_in_form_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-sign-in-form.ui");
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, banner);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, email_entry);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, email_error);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, password_entry);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, password_error);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, server_expander);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, server_summary);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, server_entry);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, server_error);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcSignInForm, google_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_server_entry_changed_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, submit_action);
}

static void
fc_sign_in_form_init (FcSignInForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The application's one GSettings (fc-settings.h). */
  self->settings = g_object_ref (fc_settings_get_default ());
  fc_sign_in_form_load_server (self);
}

GtkWidget *
fc_sign_in_form_new (void)
{
  return g_object_new (FC_TYPE_SIGN_IN_FORM, NULL);
}

void
fc_sign_in_form_set_session (FcSignInForm *self,
                             FcSession    *session)
{
  g_return_if_fail (FC_IS_SIGN_IN_FORM (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  g_set_object (&self->session, session);
}

/**
 * fc_sign_in_form_prepare:
 * @email: (nullable): the address to fill in, e.g. the account whose
 *   session ended
 * @message: (nullable): why the user is asked to sign in
 *
 * Clears earlier errors and the password, reloads the saved server address
 * and focuses the first empty entry.
 */
void
fc_sign_in_form_prepare (FcSignInForm *self,
                         const char   *email,
                         const char   *message)
{
  FcFormField fields[3];
  guint n_fields;

  g_return_if_fail (FC_IS_SIGN_IN_FORM (self));

  n_fields = get_fields (self, fields);
  fc_form_clear_errors (fields, n_fields, self->banner);
  fc_form_show_banner (self->banner, message);
  fc_sign_in_form_load_server (self);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  if (email != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->email_entry), email);

  if (*gtk_editable_get_text (GTK_EDITABLE (self->email_entry)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->email_entry));
  else
    gtk_widget_grab_focus (self->password_entry);
}

const char *
fc_sign_in_form_get_email (FcSignInForm *self)
{
  g_return_val_if_fail (FC_IS_SIGN_IN_FORM (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->email_entry));
}

/* The server address as typed (stripped), for "Continue with Google". */
char *
fc_sign_in_form_dup_server (FcSignInForm *self)
{
  g_return_val_if_fail (FC_IS_SIGN_IN_FORM (self), NULL);

  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_entry))));
}

/* "Continue with Google" shows only where a client id is configured. */
void
fc_sign_in_form_set_google_visible (FcSignInForm *self,
                                    gboolean      visible)
{
  g_return_if_fail (FC_IS_SIGN_IN_FORM (self));

  gtk_widget_set_visible (self->google_button, visible);
}
