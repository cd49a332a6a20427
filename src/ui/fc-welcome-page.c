/* fc-welcome-page.c — the three ways in, and the account forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-welcome-page.h"

#include "fc-api-client.h"
#include "fc-google-sign-in.h"
#include "fc-register-form.h"
#include "fc-reset-form.h"
#include "fc-settings.h"
#include "fc-sign-in-form.h"

/* Shown to someone who is signed out, in place of the sections. The forms
 * are pages of one stack under one header bar, whose back button (and
 * Escape) lead back toward the start. */
struct _FcWelcomePage
{
  AdwBin          parent_instance;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkWidget      *back_button;
  GtkMenuButton  *menu_button;
  GtkStack       *stack;
  GtkSpinner     *local_spinner;
  GtkLabel       *local_error;
  FcSignInForm   *sign_in_form;
  FcRegisterForm *register_form;
  FcResetForm    *reset_form;
  GtkWidget      *google_button;
  GtkSpinner     *google_spinner;

  /* Owned */
  FcSession      *session;
  GCancellable   *cancellable;
  FcGoogleSignIn *google;
  GCancellable   *google_cancellable;
  char           *google_server;   /* the server being signed in to */
  char           *google_return;   /* the page "Continue with Google" was pressed on */
  char           *google_unsupported;  /* the server that said it has no Google sign-in */
};

G_DEFINE_FINAL_TYPE (FcWelcomePage, fc_welcome_page, ADW_TYPE_BIN)

static void
on_stack_visible_child_name_cb (FcWelcomePage *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);
  const char *title = _("FitCore");

  if (g_strcmp0 (name, "sign-in") == 0)
    title = _("Sign In");
  else if (g_strcmp0 (name, "register") == 0)
    title = _("Create Account");
  else if (g_strcmp0 (name, "reset") == 0)
    title = _("Reset Password");
  else if (g_strcmp0 (name, "google") == 0)
    title = _("Sign In with Google");

  adw_window_title_set_title (self->window_title, title);
  gtk_widget_set_visible (self->back_button, g_strcmp0 (name, "start") != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.back", g_strcmp0 (name, "start") != 0);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fc_welcome_page_show_sign_in (FC_WELCOME_PAGE (widget), NULL, NULL);
}

static void
register_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FcWelcomePage *self = FC_WELCOME_PAGE (widget);

  gtk_stack_set_visible_child_name (self->stack, "register");
  fc_register_form_prepare (self->register_form);
}

static void
forgot_password_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FcWelcomePage *self = FC_WELCOME_PAGE (widget);

  gtk_stack_set_visible_child_name (self->stack, "reset");
  fc_reset_form_prepare (self->reset_form, fc_sign_in_form_get_email (self->sign_in_form));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcWelcomePage *self = FC_WELCOME_PAGE (widget);

  /* The reset form was reached from the sign-in form. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "google") == 0)
    gtk_widget_activate_action (widget, "welcome.google-cancel", NULL);
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "reset") == 0)
    gtk_stack_set_visible_child_name (self->stack, "sign-in");
  else
    fc_welcome_page_show_start (self);
}

static void
use_local_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FcWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_session_use_local_server_finish (FC_SESSION (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->local_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->local_spinner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.use-local", TRUE);

  if (error != NULL) {
    g_autofree char *text = NULL;

    /* Translators: %s says what failed, e.g. "fitcore-server was not found". */
    text = g_strdup_printf (_("FitCore could not start its own server: %s"), error->message);
    gtk_label_set_text (self->local_error, text);
    gtk_widget_set_visible (GTK_WIDGET (self->local_error), TRUE);
  }
}

static void
use_local_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcWelcomePage *self = FC_WELCOME_PAGE (widget);

  g_return_if_fail (self->session != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->local_error), FALSE);
  gtk_spinner_set_spinning (self->local_spinner, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->local_spinner), TRUE);
  gtk_widget_action_set_enabled (widget, "welcome.use-local", FALSE);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fc_session_use_local_server_async (self->session, self->cancellable, use_local_cb,
                                     g_object_ref (self));
}

/* Continue with Google */

static const char *
google_config (const char *variable,
               const char *key,
               char      **owned)
{
  const char *value = g_getenv (variable);

  if (value != NULL)
    return value;
  *owned = g_settings_get_string (fc_settings_get_default (), key);
  return *owned;
}

static FcGoogleSignIn *
google_sign_in_from_settings (void)
{
  g_autofree char *issuer = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;

  return fc_google_sign_in_new (google_config ("FITCORE_GOOGLE_ISSUER",
                                               FC_SETTINGS_GOOGLE_ISSUER, &issuer),
                                google_config ("FITCORE_GOOGLE_CLIENT_ID",
                                               FC_SETTINGS_GOOGLE_CLIENT_ID, &client_id),
                                google_config ("FITCORE_GOOGLE_CLIENT_SECRET",
                                               FC_SETTINGS_GOOGLE_CLIENT_SECRET,
                                               &client_secret));
}

/* Shown only with a client id, and not once the server said it has no
 * Google sign-in. */
static void
update_google_visible (FcWelcomePage *self)
{
  g_autoptr(FcGoogleSignIn) google = google_sign_in_from_settings ();
  g_autofree char *typed = fc_sign_in_form_dup_server (self->sign_in_form);
  g_autofree char *server = NULL;
  gboolean visible;

  fc_api_client_check_base_url (typed, &server, NULL);
  visible = fc_google_sign_in_is_configured (google) &&
            (self->google_unsupported == NULL || g_strcmp0 (server, self->google_unsupported) != 0);

  gtk_widget_set_visible (self->google_button, visible);
  fc_sign_in_form_set_google_visible (self->sign_in_form, visible);
}

static void
google_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FcWelcomePage) self = user_data;
  g_autoptr(FcApiProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (fc_google_sign_in_run_finish (FC_GOOGLE_SIGN_IN (object), result, &problem, &error)) {
    gtk_spinner_set_spinning (self->google_spinner, FALSE);
    /* Remember the server that worked, for the next start. */
    g_settings_set_string (fc_settings_get_default (), FC_SETTINGS_SERVER_URL,
                           self->google_server);
    fc_welcome_page_show_start (self);
    return;
  }
  if (self->session == NULL)
    return;  /* disposed */

  gtk_spinner_set_spinning (self->google_spinner, FALSE);
  /* The app's own Cancel: back where the user was, nothing to say. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    if (g_strcmp0 (self->google_return, "sign-in") == 0)
      gtk_stack_set_visible_child_name (self->stack, "sign-in");
    else
      fc_welcome_page_show_start (self);
    return;
  }

  if (g_error_matches (error, FC_GOOGLE_SIGN_IN_ERROR, FC_GOOGLE_SIGN_IN_ERROR_UNSUPPORTED)) {
    g_free (self->google_unsupported);
    self->google_unsupported = g_strdup (self->google_server);
  }
  g_debug ("Google sign-in failed: %s", error->message);
  message = problem != NULL ? fc_api_problem_dup_message (problem) : NULL;
  /* Every failure ends in the sign-in form, where the user can try again
   * or use a password. */
  fc_welcome_page_show_sign_in (self, NULL, message != NULL && *message != '\0' ? message
                                                                                : error->message);
}

static void
google_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcWelcomePage *self = FC_WELCOME_PAGE (widget);
  g_autofree char *typed = fc_sign_in_form_dup_server (self->sign_in_form);
  g_autofree char *server = NULL;
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  g_return_if_fail (self->session != NULL);

  if (g_strcmp0 (page, "google") == 0)
    return;
  /* The sign-in form's server, checked as its own Sign In does. */
  if (!fc_api_client_check_base_url (typed, &server, NULL)) {
    fc_welcome_page_show_sign_in (self, NULL, _("Enter a valid server address first."));
    return;
  }

  g_free (self->google_return);
  self->google_return = g_strdup (page);
  g_free (self->google_server);
  self->google_server = g_steal_pointer (&server);

  g_cancellable_cancel (self->google_cancellable);
  g_clear_object (&self->google_cancellable);
  self->google_cancellable = g_cancellable_new ();
  /* A new one each time: the settings may have changed. */
  g_clear_object (&self->google);
  self->google = google_sign_in_from_settings ();

  gtk_stack_set_visible_child_name (self->stack, "google");
  gtk_spinner_set_spinning (self->google_spinner, TRUE);
  fc_google_sign_in_run_async (self->google, self->session, self->google_server,
                               self->google_cancellable, google_cb, g_object_ref (self));
}

static void
google_cancel_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FcWelcomePage *self = FC_WELCOME_PAGE (widget);

  /* google_cb goes back to the page the user came from. */
  g_cancellable_cancel (self->google_cancellable);
}

static void
fc_welcome_page_dispose (GObject *object)
{
  FcWelcomePage *self = (FcWelcomePage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->google_cancellable);
  g_clear_object (&self->google_cancellable);
  g_clear_object (&self->google);
  g_clear_object (&self->session);
  g_clear_pointer (&self->google_server, g_free);
  g_clear_pointer (&self->google_return, g_free);
  g_clear_pointer (&self->google_unsupported, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (fc_welcome_page_parent_class)->dispose (object);
}

static void
fc_welcome_page_class_init (FcWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_welcome_page_dispose;

  g_type_ensure (FC_TYPE_SIGN_IN_FORM);
  g_type_ensure (FC_TYPE_REGISTER_FORM);
  g_type_ensure (FC_TYPE_RESET_FORM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, window_title);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, back_button);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, menu_button);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, stack);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, local_spinner);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, local_error);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, sign_in_form);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, register_form);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, reset_form);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, google_button);
  gtk_widget_class_bind_template_child (widget_class, FcWelcomePage, google_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_visible_child_name_cb);

  gtk_widget_class_install_action (widget_class, "welcome.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "welcome.register", NULL, register_action);
  gtk_widget_class_install_action (widget_class, "welcome.use-local", NULL, use_local_action);
  gtk_widget_class_install_action (widget_class, "welcome.forgot-password", NULL,
                                   forgot_password_action);
  gtk_widget_class_install_action (widget_class, "welcome.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "welcome.google", NULL, google_action);
  gtk_widget_class_install_action (widget_class, "welcome.google-cancel", NULL,
                                   google_cancel_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "welcome.back", NULL);
}

static void
fc_welcome_page_init (FcWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  on_stack_visible_child_name_cb (self);
  update_google_visible (self);
}

GtkWidget *
fc_welcome_page_new (void)
{
  return g_object_new (FC_TYPE_WELCOME_PAGE, NULL);
}

void
fc_welcome_page_set_session (FcWelcomePage *self,
                             FcSession     *session)
{
  g_return_if_fail (FC_IS_WELCOME_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  g_set_object (&self->session, session);
  fc_sign_in_form_set_session (self->sign_in_form, session);
  fc_register_form_set_session (self->register_form, session);
  fc_reset_form_set_session (self->reset_form, session);
}

void
fc_welcome_page_set_menu_model (FcWelcomePage *self,
                                GMenuModel    *menu)
{
  g_return_if_fail (FC_IS_WELCOME_PAGE (self));

  gtk_menu_button_set_menu_model (self->menu_button, menu);
}

void
fc_welcome_page_show_start (FcWelcomePage *self)
{
  g_return_if_fail (FC_IS_WELCOME_PAGE (self));

  gtk_stack_set_visible_child_name (self->stack, "start");
  update_google_visible (self);
}

/**
 * fc_welcome_page_show_sign_in:
 * @email: (nullable): the address to fill in
 * @message: (nullable): why the user must sign in, shown above the form
 */
void
fc_welcome_page_show_sign_in (FcWelcomePage *self,
                              const char    *email,
                              const char    *message)
{
  g_return_if_fail (FC_IS_WELCOME_PAGE (self));

  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  fc_sign_in_form_prepare (self->sign_in_form, email, message);
  /* The form reloaded the saved server: Google may be offered there. */
  update_google_visible (self);
}
