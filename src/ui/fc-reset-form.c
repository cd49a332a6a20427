/* fc-reset-form.c — asks the server to e-mail a password reset link
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-reset-form"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-reset-form.h"

#include "fc-form.h"
#include "fc-settings.h"

struct _FcResetForm
{
  AdwBin        parent_instance;

  /* Template widgets */
  GtkLabel     *banner;
  GtkWidget    *email_entry;
  GtkLabel     *email_error;
  GtkSpinner   *spinner;
  GtkLabel     *confirmation;

  /* Owned */
  FcSession    *session;
  GSettings    *settings;
  GCancellable *cancellable;
  FcFormField   field;
};

G_DEFINE_FINAL_TYPE (FcResetForm, fc_reset_form, ADW_TYPE_BIN)

static void
fc_reset_form_set_busy (FcResetForm *self,
                        gboolean     busy)
{
  /* Hidden, not just still: an idle spinner would push the label aside. */
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (busy)
    fc_form_drop_focus (GTK_WIDGET (self));
  gtk_widget_set_sensitive (self->email_entry, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reset.submit", !busy);
}

static void
reset_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FcResetForm) self = user_data;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!fc_session_request_password_reset_finish (FC_SESSION (object), result, &problem, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    fc_reset_form_set_busy (self, FALSE);
    fc_form_show_error (&self->field, 1, self->banner, problem, error);
    fc_form_keep_focus (GTK_WIDGET (self), self->email_entry);
    return;
  }

  fc_reset_form_set_busy (self, FALSE);
  fc_form_keep_focus (GTK_WIDGET (self), self->email_entry);
  /* The server answers the same for unknown addresses, so this must not
   * claim that an account exists. Translators: %s is an e-mail address. */
  text = g_strdup_printf (_("If %s belongs to an account, a link to choose a new password is on its way. Check your e-mail."),
                          gtk_editable_get_text (GTK_EDITABLE (self->email_entry)));
  gtk_label_set_text (self->confirmation, text);
  gtk_widget_set_visible (GTK_WIDGET (self->confirmation), TRUE);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcResetForm *self = FC_RESET_FORM (widget);
  g_autofree char *server = g_settings_get_string (self->settings, FC_SETTINGS_SERVER_URL);
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_entry))));

  g_return_if_fail (self->session != NULL);

  fc_form_clear_errors (&self->field, 1, self->banner);
  gtk_widget_set_visible (GTK_WIDGET (self->confirmation), FALSE);
  if (*email == '\0') {
    fc_form_show_field_error (&self->field, _("Enter your e-mail address."));
    return;
  }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  fc_reset_form_set_busy (self, TRUE);
  fc_session_request_password_reset_async (self->session, server, email, self->cancellable,
                                           reset_cb, g_object_ref (self));
}

static void
on_entry_activate_cb (FcResetForm *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "reset.submit", NULL);
}

static void
fc_reset_form_dispose (GObject *object)
{
  FcResetForm *self = (FcResetForm *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_RESET_FORM);

  G_OBJECT_CLASS (fc_reset_form_parent_class)->dispose (object);
}

static void
fc_reset_form_class_init (FcResetFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_reset_form_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-reset-form.ui");
  gtk_widget_class_bind_template_child (widget_class, FcResetForm, banner);
  gtk_widget_class_bind_template_child (widget_class, FcResetForm, email_entry);
  gtk_widget_class_bind_template_child (widget_class, FcResetForm, email_error);
  gtk_widget_class_bind_template_child (widget_class, FcResetForm, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcResetForm, confirmation);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "reset.submit", NULL, submit_action);
}

static void
fc_reset_form_init (FcResetForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The application's one GSettings (fc-settings.h). */
  self->settings = g_object_ref (fc_settings_get_default ());
  self->field = (FcFormField) { "email", self->email_entry, self->email_error };
}

GtkWidget *
fc_reset_form_new (void)
{
  return g_object_new (FC_TYPE_RESET_FORM, NULL);
}

void
fc_reset_form_set_session (FcResetForm *self,
                           FcSession   *session)
{
  g_return_if_fail (FC_IS_RESET_FORM (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  g_set_object (&self->session, session);
}

/* Starts over with @email (what the sign-in form held), if any. */
void
fc_reset_form_prepare (FcResetForm *self,
                       const char  *email)
{
  g_return_if_fail (FC_IS_RESET_FORM (self));

  fc_form_clear_errors (&self->field, 1, self->banner);
  gtk_widget_set_visible (GTK_WIDGET (self->confirmation), FALSE);
  if (email != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->email_entry), email);
  gtk_widget_grab_focus (self->email_entry);
}
