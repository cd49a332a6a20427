/* fc-admin-templates-page.c — the Admin section's Templates: every meal-plan template, hidden or published
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server's admin/meal-plan-templates/ as a list: each template's name,
 * owner, number of scheduled meals and whether everyone sees it. Hide and
 * Publish act at once (a hidden template leaves the public gallery and
 * users' devices at their next sync, and comes back when published);
 * Edit and New Template open the plan editor the Nutrition section uses
 * (FcAdminTemplateEditor over FcPlanBoard) for the name, length and the
 * meals of each day, sent on Save; deleting asks first, since the server
 * cannot undo it. Templates are few (staff make
 * them): the first page of PAGE_SIZE is shown, with a note when there are
 * more, which the search then narrows. The list is live server data, asked
 * for each time the tab is shown and after each change.
 */

#define G_LOG_DOMAIN "fc-admin-templates"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-admin-templates-page.h"

#include "fc-admin-template-editor.h"
#include "fc-json.h"

#define PAGE_SIZE 100

struct _FcAdminTemplatesPage
{
  AdwBin           parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkSearchEntry  *search_entry;
  GtkStack        *stack;
  GtkSpinner      *spinner;
  GtkListBox      *list;
  GtkLabel        *more_label;
  AdwStatusPage   *empty_page;
  AdwStatusPage   *error_page;

  /* Owned */
  FcAdminService  *service;
  FcStore         *store;         /* the staff member's: a new template's meals */
  GCancellable    *cancellable;   /* the list's request */
  GCancellable    *lifetime;      /* changes, cancelled on dispose */
  JsonArray       *templates;     /* the shown page's results */
};

G_DEFINE_FINAL_TYPE (FcAdminTemplatesPage, fc_admin_templates_page, ADW_TYPE_BIN)

static void reload (FcAdminTemplatesPage *self);

static void
toast (FcAdminTemplatesPage *self,
       const char           *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_page (FcAdminTemplatesPage *self,
           const char           *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "busy"));
}

/* The shown template @id, or NULL. */
static JsonObject *
find_template (FcAdminTemplatesPage *self,
               gint64                id)
{
  for (guint i = 0; self->templates != NULL && i < json_array_get_length (self->templates); i++) {
    JsonNode *node = json_array_get_element (self->templates, i);
    gint64 value = 0;

    if (JSON_NODE_HOLDS_OBJECT (node) &&
        fc_json_get_int (json_node_get_object (node), "id", &value) && value == id)
      return json_node_get_object (node);
  }
  return NULL;
}

/* The template a row's button names (its action's target), or NULL when
 * the list changed meanwhile. */
static JsonObject *
action_template (FcAdminTemplatesPage *self,
                 GVariant             *parameter,
                 gint64               *out_id)
{
  *out_id = g_variant_get_int64 (parameter);
  return find_template (self, *out_id);
}

static gboolean
is_published (JsonObject *template)
{
  gboolean value = FALSE;

  return fc_json_get_boolean (template, "is_active", &value) && value;
}

static const char *
name_of (JsonObject *template)
{
  const char *name = fc_json_get_string (template, "name");

  return name != NULL ? name : "";
}

static GtkWidget *
row_button (const char *label,
            const char *icon_name,
            const char *accessible,
            const char *action,
            gint64      id)
{
  GtkWidget *button = icon_name != NULL ? gtk_button_new_from_icon_name (icon_name)
                                        : gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (icon_name != NULL) {
    gtk_widget_add_css_class (button, "flat");
    gtk_widget_set_tooltip_text (button, label);
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  return button;
}

static GtkWidget *
template_row (JsonObject *template)
{
  GtkWidget *row = adw_action_row_new ();
  const char *name = name_of (template);
  const char *owner = fc_json_get_string (template, "owner_email");
  gint64 id = 0, meals = 0;
  gboolean published = is_published (template);
  g_autofree char *meals_text = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *toggle_name = NULL;
  g_autofree char *edit_name = NULL;
  g_autofree char *delete_name = NULL;

  fc_json_get_int (template, "id", &id);
  fc_json_get_int (template, "meals_count", &meals);
  /* Translators: how many meals a meal-plan template schedules. */
  meals_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d meal", "%d meals", (gulong) meals),
                                (int) meals);
  /* Translators: a template's owner, its meals and whether users see it:
   * "admin@fitcore.local · 21 meals · Hidden". */
  subtitle = g_strdup_printf (_("%s · %s · %s"), owner != NULL ? owner : "", meals_text,
                              published ? _("Published") : _("Hidden"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  /* Translators: the accessible names of a template's buttons; %s is its name. */
  toggle_name = g_strdup_printf (published ? _("Hide %s") : _("Publish %s"), name);
  edit_name = g_strdup_printf (_("Edit %s"), name);
  delete_name = g_strdup_printf (_("Delete %s"), name);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button (published ? _("Hide") : _("Publish"), NULL, toggle_name,
                                         "admin-templates.toggle", id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button (_("Edit"), "document-edit-symbolic", edit_name,
                                         "admin-templates.edit", id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button (_("Delete"), "user-trash-symbolic", delete_name,
                                         "admin-templates.delete", id));
  return row;
}

static void
show_templates (FcAdminTemplatesPage *self,
                JsonObject           *page)
{
  JsonArray *results = fc_json_get_array (page, "results");
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gint64 count = 0;
  guint shown;
  GtkWidget *child;

  g_clear_pointer (&self->templates, json_array_unref);
  self->templates = json_array_ref (results);
  shown = json_array_get_length (results);
  if (!fc_json_get_int (page, "count", &count))
    count = shown;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < shown; i++) {
    JsonNode *node = json_array_get_element (results, i);

    if (JSON_NODE_HOLDS_OBJECT (node))
      gtk_list_box_append (self->list, template_row (json_node_get_object (node)));
  }

  if (count > shown) {
    g_autofree char *more = NULL;

    /* Translators: below the list when the server has more templates than it shows. */
    more = g_strdup_printf (_("Showing the newest %u of %u templates: search to find the others."),
                            shown, (guint) MIN (count, G_MAXUINT));
    gtk_label_set_text (self->more_label, more);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->more_label), count > shown);

  if (shown > 0) {
    show_page (self, "list");
  } else if (*search != '\0') {
    adw_status_page_set_title (self->empty_page, _("No Templates Found"));
    adw_status_page_set_description (self->empty_page, _("No template’s name, description or owner matches the search."));
    show_page (self, "empty");
  } else {
    adw_status_page_set_title (self->empty_page, _("No Templates"));
    adw_status_page_set_description (self->empty_page,
                                     _("Meal plans that staff save as templates appear here, to publish or hide."));
    show_page (self, "empty");
  }
}

static void
on_list_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FcAdminTemplatesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page =
    fc_admin_service_list_templates_finish (FC_ADMIN_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (page == NULL) {
    adw_status_page_set_description (self->error_page, error->message);
    show_page (self, "error");
    return;
  }
  show_templates (self, page);
}

static void
reload (FcAdminTemplatesPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->service == NULL) {
    g_clear_pointer (&self->templates, json_array_unref);
    show_page (self, "busy");
    return;
  }
  self->cancellable = g_cancellable_new ();
  /* A reload after a change keeps the rows on screen until the answer. */
  if (self->templates == NULL)
    show_page (self, "busy");
  fc_admin_service_list_templates_async (self->service,
                                         gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                         1, PAGE_SIZE, self->cancellable, on_list_cb,
                                         g_object_ref (self));
}

static void
on_search_changed_cb (FcAdminTemplatesPage *self)
{
  reload (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  reload (FC_ADMIN_TEMPLATES_PAGE (widget));
}

/* Changes */

typedef struct {
  FcAdminTemplatesPage *self;
  char                 *done;   /* the toast on success */
} Change;

static void
change_free (Change *change)
{
  g_object_unref (change->self);
  g_free (change->done);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static Change *
change_new (FcAdminTemplatesPage *self,
            char                 *done)
{
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->done = done;
  return change;
}

static void
change_finished (Change *change,
                 GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  toast (change->self, error != NULL ? error->message : change->done);
  /* The list as the server now has it, also after a refusal (another
   * staff member may have deleted the template meanwhile). */
  reload (change->self);
}

static void
on_updated_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) template =
    fc_admin_service_update_template_finish (FC_ADMIN_SERVICE (source), result, &error);

  change_finished (change, error);
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  g_autoptr(GError) error = NULL;

  fc_admin_service_done_finish (FC_ADMIN_SERVICE (source), result, &error);
  change_finished (change, error);
}

static void
update (FcAdminTemplatesPage *self,
        gint64                id,
        JsonObject           *changes,
        char                 *done)
{
  fc_admin_service_update_template_async (self->service, id, changes, self->lifetime,
                                          on_updated_cb, change_new (self, done));
}

static void
toggle_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcAdminTemplatesPage *self = FC_ADMIN_TEMPLATES_PAGE (widget);
  gint64 id;
  JsonObject *template = action_template (self, parameter, &id);
  g_autoptr(JsonObject) changes = json_object_new ();
  gboolean publish;

  if (template == NULL || self->service == NULL)
    return;
  publish = !is_published (template);
  json_object_set_boolean_member (changes, "is_active", publish);
  update (self, id, changes,
          g_strdup_printf (publish ? _("“%s” is published.") : _("“%s” is hidden from users."),
                           name_of (template)));
}

#define TEMPLATE_ID "fc-template-id"

/* A dialog about template @id with Cancel and @verb: the default response
 * is @verb unless it destroys something. */
static AdwMessageDialog *
template_dialog (FcAdminTemplatesPage *self,
                 gint64                id,
                 const char           *heading,
                 const char           *body,
                 const char           *response,
                 const char           *verb,
                 AdwResponseAppearance appearance)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog =
    ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, verb, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, appearance);
  adw_message_dialog_set_default_response (dialog, appearance == ADW_RESPONSE_DESTRUCTIVE
                                                     ? "cancel" : response);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), TEMPLATE_ID, g_memdup2 (&id, sizeof id), g_free);
  return dialog;
}

static void
on_editor_saved_cb (FcAdminTemplatesPage  *self,
                    const char            *name,
                    FcAdminTemplateEditor *editor)
{
  g_autofree char *done = g_strdup_printf (_("“%s” is saved."), name != NULL ? name : "");

  toast (self, done);
  reload (self);
}

static void
open_editor (FcAdminTemplatesPage *self,
             gint64                id)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *editor;

  if (self->service == NULL)
    return;
  editor = fc_admin_template_editor_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         self->service, self->store, id);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcAdminTemplatesPage *self = FC_ADMIN_TEMPLATES_PAGE (widget);
  gint64 id;

  if (action_template (self, parameter, &id) != NULL)
    open_editor (self, id);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_editor (FC_ADMIN_TEMPLATES_PAGE (widget), 0);
}

static void
on_delete_response_cb (AdwMessageDialog     *dialog,
                       const char           *response,
                       FcAdminTemplatesPage *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), TEMPLATE_ID);
  JsonObject *template = find_template (self, id);

  if (!g_str_equal (response, "delete") || template == NULL || self->service == NULL)
    return;
  fc_admin_service_delete_template_async (self->service, id, self->lifetime, on_deleted_cb,
                                          change_new (self, g_strdup_printf (_("“%s” is deleted."),
                                                                             name_of (template))));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcAdminTemplatesPage *self = FC_ADMIN_TEMPLATES_PAGE (widget);
  gint64 id;
  JsonObject *template = action_template (self, parameter, &id);
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  if (template == NULL)
    return;
  /* Translators: %s is a meal-plan template's name. */
  heading = g_strdup_printf (_("Delete “%s”?"), name_of (template));
  dialog = template_dialog (self, id, heading,
                            _("The template is removed from the server and from every user’s "
                              "gallery. This cannot be undone; to take it away for a while, hide "
                              "it instead."),
                            "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Asked for when shown, not at sign-in: staff who never open the tab cost
 * the server nothing, and coming back to it shows what changed meanwhile. */
static void
fc_admin_templates_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fc_admin_templates_page_parent_class)->map (widget);
  reload (FC_ADMIN_TEMPLATES_PAGE (widget));
}

static void
fc_admin_templates_page_dispose (GObject *object)
{
  FcAdminTemplatesPage *self = FC_ADMIN_TEMPLATES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->lifetime);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lifetime);
  g_clear_object (&self->service);
  g_clear_object (&self->store);
  g_clear_pointer (&self->templates, json_array_unref);

  G_OBJECT_CLASS (fc_admin_templates_page_parent_class)->dispose (object);
}

static void
fc_admin_templates_page_class_init (FcAdminTemplatesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_admin_templates_page_dispose;
  widget_class->map = fc_admin_templates_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/admin/fc-admin-templates-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplatesPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplatesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplatesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplatesPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplatesPage, list);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplatesPage, more_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplatesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplatesPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);

  gtk_widget_class_install_action (widget_class, "admin-templates.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "admin-templates.toggle", "x", toggle_action);
  gtk_widget_class_install_action (widget_class, "admin-templates.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "admin-templates.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "admin-templates.delete", "x", delete_action);
}

static void
fc_admin_templates_page_init (FcAdminTemplatesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->lifetime = g_cancellable_new ();
  show_page (self, "busy");
}

void
fc_admin_templates_page_set_service (FcAdminTemplatesPage *self,
                                     FcAdminService       *service)
{
  g_return_if_fail (FC_IS_ADMIN_TEMPLATES_PAGE (self));
  g_return_if_fail (service == NULL || FC_IS_ADMIN_SERVICE (service));

  if (self->service == service)
    return;
  /* Another account's changes under way are dropped with its service. */
  g_cancellable_cancel (self->lifetime);
  g_clear_object (&self->lifetime);
  self->lifetime = g_cancellable_new ();
  g_set_object (&self->service, service);
  g_clear_pointer (&self->templates, json_array_unref);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || service == NULL)
    reload (self);
}

void
fc_admin_templates_page_set_store (FcAdminTemplatesPage *self,
                                   FcStore              *store)
{
  g_return_if_fail (FC_IS_ADMIN_TEMPLATES_PAGE (self));
  g_return_if_fail (store == NULL || FC_IS_STORE (store));

  g_set_object (&self->store, store);
}
