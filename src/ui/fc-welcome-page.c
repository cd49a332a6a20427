/* fc-welcome-page.c — the three ways in, and the account forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-welcome-page.h"

#include "fc-register-form.h"
#include "fc-reset-form.h"
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

  /* Owned */
  FcSession      *session;
  GCancellable   *cancellable;
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
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "reset") == 0)
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

static void
fc_welcome_page_dispose (GObject *object)
{
  FcWelcomePage *self = (FcWelcomePage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);

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
  gtk_widget_class_bind_template_callback (widget_class, on_stack_visible_child_name_cb);

  gtk_widget_class_install_action (widget_class, "welcome.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "welcome.register", NULL, register_action);
  gtk_widget_class_install_action (widget_class, "welcome.use-local", NULL, use_local_action);
  gtk_widget_class_install_action (widget_class, "welcome.forgot-password", NULL,
                                   forgot_password_action);
  gtk_widget_class_install_action (widget_class, "welcome.back", NULL, back_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "welcome.back", NULL);
}

static void
fc_welcome_page_init (FcWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  on_stack_visible_child_name_cb (self);
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
}
