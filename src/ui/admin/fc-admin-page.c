/* fc-admin-page.c — the Admin section (staff only): accounts, statistics, content, foods and templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin-page"

#include "config.h"

#include "fc-admin-page.h"

#include "fc-admin-content-page.h"
#include "fc-admin-dashboard.h"
#include "fc-admin-foods-page.h"
#include "fc-admin-service.h"
#include "fc-admin-templates-page.h"
#include "fc-admin-users-page.h"
#include "fc-section-page.h"

struct _FcAdminPage
{
  AdwBin            parent_instance;

  /* Template widgets */
  GtkStack         *stack;
  FcAdminUsersPage *users_page;
  FcAdminDashboard *dashboard;
  FcAdminContentPage *content_page;
  FcAdminFoodsPage *foods_page;
  FcAdminTemplatesPage *templates_page;

  /* Owned */
  FcSession        *session;
  FcAdminService   *service;
  FcUploadQueue    *upload_queue;

  /* Borrowed: the section page around this one, whose header bar has the
   * back button while the window is folded. */
  FcSectionPage    *section_page;
};

G_DEFINE_FINAL_TYPE (FcAdminPage, fc_admin_page, ADW_TYPE_BIN)

static void
on_available_cb (FcAdminPage *self)
{
  gtk_stack_set_visible_child_name (self->stack,
                                    fc_admin_users_page_get_available (self->users_page)
                                      ? "admin" : "unavailable");
}

/* A new account (or none) signed in: admin data is live, asked for
 * again with that account's client, and only for staff. */
static void
on_session_changed_cb (FcAdminPage *self)
{
  g_clear_object (&self->service);
  g_clear_object (&self->upload_queue);
  if (self->session != NULL && fc_session_get_is_staff (self->session) &&
      fc_session_get_client (self->session) != NULL) {
    self->service = fc_admin_service_new_for_session (self->session);
    /* The staff member's uploads, kept in their store: a restart of the
     * app resumes them. */
    self->upload_queue = fc_upload_queue_new (fc_session_get_client (self->session),
                                              fc_session_get_store (self->session));
    fc_upload_queue_load_async (self->upload_queue, NULL, NULL, NULL);
  }
  fc_admin_users_page_set_service (self->users_page, self->service);
  fc_admin_dashboard_set_service (self->dashboard, self->service);
  fc_admin_content_page_set_service (self->content_page, self->service, self->upload_queue);
  fc_admin_foods_page_set_service (self->foods_page, self->service);
  fc_admin_templates_page_set_service (self->templates_page, self->service);
  fc_admin_templates_page_set_store (self->templates_page,
                                     self->session != NULL ? fc_session_get_store (self->session)
                                                           : NULL);
}

static void
on_folded_cb (FcAdminPage *self)
{
  fc_admin_users_page_set_header_back (self->users_page,
                                       self->section_page != NULL &&
                                       fc_section_page_get_folded (self->section_page));
}

/* The section's back button (see fc-section-page.c): from an account's
 * detail back to the list, else to the sidebar. */
static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcAdminPage *self = FC_ADMIN_PAGE (widget);

  if (gtk_widget_get_mapped (GTK_WIDGET (self->users_page)) &&
      fc_admin_users_page_go_back (self->users_page))
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self->content_page)) &&
      fc_admin_content_page_go_back (self->content_page))
    return;
  gtk_widget_activate_action (widget, "win.show-sidebar", NULL);
}

static void
fc_admin_page_root (GtkWidget *widget)
{
  FcAdminPage *self = FC_ADMIN_PAGE (widget);
  GtkWidget *ancestor;

  GTK_WIDGET_CLASS (fc_admin_page_parent_class)->root (widget);

  ancestor = gtk_widget_get_ancestor (widget, FC_TYPE_SECTION_PAGE);
  if (ancestor != NULL && FC_SECTION_PAGE (ancestor) != self->section_page) {
    self->section_page = FC_SECTION_PAGE (ancestor);
    g_signal_connect_object (ancestor, "notify::folded", G_CALLBACK (on_folded_cb), self,
                             G_CONNECT_SWAPPED);
  }
  on_folded_cb (self);
}

static void
fc_admin_page_dispose (GObject *object)
{
  FcAdminPage *self = FC_ADMIN_PAGE (object);

  g_clear_object (&self->service);
  g_clear_object (&self->upload_queue);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fc_admin_page_parent_class)->dispose (object);
}

static void
fc_admin_page_class_init (FcAdminPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_admin_page_dispose;
  widget_class->root = fc_admin_page_root;

  g_type_ensure (FC_TYPE_ADMIN_USERS_PAGE);
  g_type_ensure (FC_TYPE_ADMIN_DASHBOARD);
  g_type_ensure (FC_TYPE_ADMIN_CONTENT_PAGE);
  g_type_ensure (FC_TYPE_ADMIN_FOODS_PAGE);
  g_type_ensure (FC_TYPE_ADMIN_TEMPLATES_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/admin/fc-admin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcAdminPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FcAdminPage, users_page);
  gtk_widget_class_bind_template_child (widget_class, FcAdminPage, dashboard);
  gtk_widget_class_bind_template_child (widget_class, FcAdminPage, content_page);
  gtk_widget_class_bind_template_child (widget_class, FcAdminPage, foods_page);
  gtk_widget_class_bind_template_child (widget_class, FcAdminPage, templates_page);
  gtk_widget_class_install_action (widget_class, "content.back", NULL, back_action);
}

static void
fc_admin_page_init (FcAdminPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->users_page, "notify::available", G_CALLBACK (on_available_cb),
                           self, G_CONNECT_SWAPPED);
}

GtkWidget *
fc_admin_page_new (void)
{
  return g_object_new (FC_TYPE_ADMIN_PAGE, NULL);
}

void
fc_admin_page_set_session (FcAdminPage *self,
                           FcSession   *session)
{
  g_return_if_fail (FC_IS_ADMIN_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL) {
    g_signal_connect_object (session, "notify::store", G_CALLBACK (on_session_changed_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (session, "notify::is-staff", G_CALLBACK (on_session_changed_cb),
                             self, G_CONNECT_SWAPPED);
  }
  on_session_changed_cb (self);
}
