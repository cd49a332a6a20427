/* fc-section-page.c — a section's page: header bar and, for now, a status page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-section-page"

#include "config.h"

#include "fc-section-page.h"

/* Each section has its own header bar rather than one shared by the window:
 * in a folded leaflet the content page slides in over the sidebar and must
 * carry its own title, back button and menu. The status page says honestly
 * what the section will hold; the sections' own widgets replace it as they
 * land. */
struct _FcSectionPage
{
  GtkWidget  parent_instance;

  /* Template widgets */
  AdwStatusPage *status_page;

  /* Owned */
  char       *title;
  GMenuModel *menu_model;
  gboolean    folded;
};

G_DEFINE_FINAL_TYPE (FcSectionPage, fc_section_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_ICON_NAME,
  PROP_HEADING,
  PROP_DESCRIPTION,
  PROP_FOLDED,
  PROP_MENU_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fc_section_page_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), FC_TYPE_SECTION_PAGE);

  /* A plain GtkWidget owns its children: the header bar is not a bound
   * template child, so it is still here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fc_section_page_parent_class)->dispose (object);
}

static void
fc_section_page_finalize (GObject *object)
{
  FcSectionPage *self = (FcSectionPage *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->menu_model);

  G_OBJECT_CLASS (fc_section_page_parent_class)->finalize (object);
}

static void
fc_section_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FcSectionPage *self = FC_SECTION_PAGE (object);

  switch (prop_id) {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, adw_status_page_get_icon_name (self->status_page));
      break;
    case PROP_HEADING:
      g_value_set_string (value, adw_status_page_get_title (self->status_page));
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, adw_status_page_get_description (self->status_page));
      break;
    case PROP_FOLDED:
      g_value_set_boolean (value, self->folded);
      break;
    case PROP_MENU_MODEL:
      g_value_set_object (value, self->menu_model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_section_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FcSectionPage *self = FC_SECTION_PAGE (object);

  switch (prop_id) {
    case PROP_TITLE:
      fc_section_page_set_title (self, g_value_get_string (value));
      break;
    case PROP_ICON_NAME:
      adw_status_page_set_icon_name (self->status_page, g_value_get_string (value));
      break;
    case PROP_HEADING:
      adw_status_page_set_title (self->status_page, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      adw_status_page_set_description (self->status_page, g_value_get_string (value));
      break;
    case PROP_FOLDED:
      fc_section_page_set_folded (self, g_value_get_boolean (value));
      break;
    case PROP_MENU_MODEL:
      if (g_set_object (&self->menu_model, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

/* Back goes up one level: a content showing a page of its own (an
 * account's detail over its list, folded) goes back to that first, when it
 * has a "content.back" action (which goes on to win.show-sidebar itself
 * when it has nothing to go back to): one back button, never two. */
static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GtkWidget *content = gtk_widget_get_last_child (widget);

  if (content == NULL || !gtk_widget_activate_action (content, "content.back", NULL))
    gtk_widget_activate_action (widget, "win.show-sidebar", NULL);
}

static void
fc_section_page_class_init (FcSectionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_section_page_dispose;
  object_class->finalize = fc_section_page_finalize;
  object_class->get_property = fc_section_page_get_property;
  object_class->set_property = fc_section_page_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The status page keeps these three: they need no copy of their own. */
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  properties[PROP_HEADING] =
    g_param_spec_string ("heading", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /* Whether the window's leaflet is folded: then this page alone fills the
   * window, and shows the back button and the window buttons on its left. */
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The application's primary menu, for the header bar's menu button. */
  properties[PROP_MENU_MODEL] =
    g_param_spec_object ("menu-model", NULL, NULL,
                         G_TYPE_MENU_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-section-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcSectionPage, status_page);
  gtk_widget_class_install_action (widget_class, "section.back", NULL, back_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fcsectionpage");
}

static void
fc_section_page_init (FcSectionPage *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fc_section_page_new (const char *title,
                     const char *icon_name,
                     const char *heading,
                     const char *description)
{
  return g_object_new (FC_TYPE_SECTION_PAGE,
                       "title", title,
                       "icon-name", icon_name,
                       "heading", heading,
                       "description", description,
                       NULL);
}

const char *
fc_section_page_get_title (FcSectionPage *self)
{
  g_return_val_if_fail (FC_IS_SECTION_PAGE (self), NULL);

  return self->title;
}

void
fc_section_page_set_title (FcSectionPage *self,
                           const char    *title)
{
  g_return_if_fail (FC_IS_SECTION_PAGE (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/**
 * fc_section_page_set_content:
 * @content: the section's own widget
 *
 * Replaces the status page, which only said what the section will hold,
 * with the section itself. Below the header bar, filling the page.
 */
void
fc_section_page_set_content (FcSectionPage *self,
                             GtkWidget     *content)
{
  g_return_if_fail (FC_IS_SECTION_PAGE (self));
  g_return_if_fail (GTK_IS_WIDGET (content));
  g_return_if_fail (gtk_widget_get_parent (content) == NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->status_page), FALSE);
  gtk_widget_set_vexpand (content, TRUE);
  gtk_widget_insert_after (content, GTK_WIDGET (self), GTK_WIDGET (self->status_page));
}

gboolean
fc_section_page_get_folded (FcSectionPage *self)
{
  g_return_val_if_fail (FC_IS_SECTION_PAGE (self), FALSE);

  return self->folded;
}

void
fc_section_page_set_folded (FcSectionPage *self,
                            gboolean       folded)
{
  g_return_if_fail (FC_IS_SECTION_PAGE (self));

  folded = !!folded;
  if (self->folded == folded)
    return;

  self->folded = folded;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDED]);
}
