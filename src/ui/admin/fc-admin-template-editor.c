/* fc-admin-template-editor.c — staff edit a meal-plan template's name, length and meals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin-template-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-admin-template-editor.h"

#include "fc-admin-template-source.h"
#include "fc-json.h"
#include "fc-meal-list-model.h"
#include "fc-plan-board.h"
#include "fc-time.h"

struct _FcAdminTemplateEditor
{
  AdwWindow              parent_instance;

  /* Template widgets */
  AdwToastOverlay       *toast_overlay;
  AdwWindowTitle        *window_title;
  GtkStack              *stack;
  GtkSpinner            *spinner;
  AdwStatusPage         *error_page;
  AdwEntryRow           *name_row;
  AdwEntryRow           *description_row;
  GtkSpinButton         *days_spin;
  FcPlanBoard           *board;

  /* Owned */
  FcAdminService        *service;
  FcAdminTemplateSource *source;
  GCancellable          *cancellable;
  gint64                 id;           /* 0 for a new template */
  char                  *loaded;       /* name, description and days as opened */
  gboolean               done;         /* saved or discarded: close at once */
  guint                  close_id;     /* the close after "Discard" */
};

G_DEFINE_FINAL_TYPE (FcAdminTemplateEditor, fc_admin_template_editor, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_page (FcAdminTemplateEditor *self,
           const char            *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "busy"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", g_str_equal (name, "editor"));
}

static void
toast (FcAdminTemplateEditor *self,
       const char            *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* A day with meals cannot fall off the end: the server would refuse the
 * schedule, and the meal would vanish from the calendar without a word. */
static void
update_days_floor (FcAdminTemplateEditor *self)
{
  guint last = fc_admin_template_source_get_last_day (self->source);

  gtk_adjustment_set_lower (gtk_spin_button_get_adjustment (self->days_spin), MAX (last, 1));
}

static void
on_source_changed_cb (FcAdminTemplateEditor *self)
{
  update_days_floor (self);
}

static void
on_days_changed_cb (FcAdminTemplateEditor *self)
{
  fc_admin_template_source_set_n_days (self->source,
                                       gtk_spin_button_get_value_as_int (self->days_spin));
}

/* What the fields say, to tell whether staff changed them. */
static char *
fields_text (FcAdminTemplateEditor *self)
{
  return g_strdup_printf ("%s\n%s\n%d", gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                          gtk_editable_get_text (GTK_EDITABLE (self->description_row)),
                          gtk_spin_button_get_value_as_int (self->days_spin));
}

static void
show_template (FcAdminTemplateEditor *self,
               JsonObject            *template)
{
  const char *name = fc_json_get_string (template, "name");

  fc_admin_template_source_load (self->source, template);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         fc_json_get_string (template, "description") ?: "");
  gtk_spin_button_set_value (self->days_spin, fc_admin_template_source_get_n_days (self->source));
  adw_window_title_set_subtitle (self->window_title, name != NULL ? name : "");
  g_free (self->loaded);
  self->loaded = fields_text (self);
  fc_plan_board_show_first_day (self->board);
  show_page (self, "editor");
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FcAdminTemplateEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) template =
    fc_admin_service_update_template_finish (FC_ADMIN_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (template == NULL) {
    adw_status_page_set_description (self->error_page, error->message);
    show_page (self, "error");
    return;
  }
  show_template (self, template);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcAdminTemplateEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) template =
    fc_admin_service_update_template_finish (FC_ADMIN_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", TRUE);
  if (template == NULL) {
    /* The server's sentence ("Invalid pk …", a meal deleted meanwhile). */
    toast (self, error->message);
    return;
  }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, fc_json_get_string (template, "name"));
  self->done = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcAdminTemplateEditor *self = FC_ADMIN_TEMPLATE_EDITOR (widget);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  if (name[0] == '\0') {
    toast (self, _("A template needs a name."));
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
    return;
  }
  json_object_set_string_member (fields, "name", name);
  json_object_set_string_member (fields, "description",
                                 gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  json_object_set_int_member (fields, "duration_days",
                              fc_admin_template_source_get_n_days (self->source));
  json_object_set_array_member (fields, "scheduled_meals_payload",
                                fc_admin_template_source_dup_payload (self->source));

  gtk_widget_action_set_enabled (widget, "editor.save", FALSE);
  if (self->id == 0) {
    /* Hidden until staff publish it from the list: users never see a
     * template someone is still making. */
    json_object_set_boolean_member (fields, "is_active", FALSE);
    fc_admin_service_create_template_async (self->service, fields, self->cancellable,
                                            on_saved_cb, g_object_ref (self));
  } else {
    fc_admin_service_update_template_async (self->service, self->id, fields, self->cancellable,
                                            on_saved_cb, g_object_ref (self));
  }
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fc_plan_calendar_go_previous (fc_plan_board_get_calendar (FC_ADMIN_TEMPLATE_EDITOR (widget)->board));
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fc_plan_calendar_go_next (fc_plan_board_get_calendar (FC_ADMIN_TEMPLATE_EDITOR (widget)->board));
}

static gboolean
close_cb (gpointer user_data)
{
  FcAdminTemplateEditor *self = user_data;

  self->close_id = 0;
  gtk_window_close (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

/* The editor closes once the dialog has finished its response: closed
 * within it, the dialog (destroyed with its parent) would be finalized
 * while it still emits. */
static void
on_discard_response_cb (AdwMessageDialog      *dialog,
                        const char            *response,
                        FcAdminTemplateEditor *self)
{
  if (!g_str_equal (response, "discard") || self->close_id != 0)
    return;
  self->done = TRUE;
  self->close_id = g_idle_add (close_cb, self);
}

/* Changes live only here until Save: Cancel or Escape asks before they
 * are lost. */
static gboolean
fc_admin_template_editor_close_request (GtkWindow *window)
{
  FcAdminTemplateEditor *self = FC_ADMIN_TEMPLATE_EDITOR (window);
  g_autofree char *now = NULL;
  GtkWidget *dialog;

  if (self->done || !g_str_equal (gtk_stack_get_visible_child_name (self->stack), "editor"))
    return GTK_WINDOW_CLASS (fc_admin_template_editor_parent_class)->close_request (window);
  now = fields_text (self);
  if (!fc_admin_template_source_get_modified (self->source) && g_strcmp0 (now, self->loaded) == 0)
    return GTK_WINDOW_CLASS (fc_admin_template_editor_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Discard Changes?"),
                                   _("The template’s changes are not saved."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
fc_admin_template_editor_dispose (GObject *object)
{
  FcAdminTemplateEditor *self = FC_ADMIN_TEMPLATE_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->close_id, g_source_remove);
  if (self->board != NULL)
    fc_plan_board_set_source (self->board, NULL);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  g_clear_object (&self->service);
  g_clear_pointer (&self->loaded, g_free);

  G_OBJECT_CLASS (fc_admin_template_editor_parent_class)->dispose (object);
}

static void
fc_admin_template_editor_class_init (FcAdminTemplateEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_admin_template_editor_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = fc_admin_template_editor_close_request;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (FC_TYPE_PLAN_BOARD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/admin/fc-admin-template-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, error_page);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, days_spin);
  gtk_widget_class_bind_template_child (widget_class, FcAdminTemplateEditor, board);
  gtk_widget_class_bind_template_callback (widget_class, on_days_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "editor.next", NULL, next_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "editor.save", NULL);
}

static void
fc_admin_template_editor_init (FcAdminTemplateEditor *self)
{
  g_autoptr(GDate) today = g_date_new ();
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GPropertyAction) mode = NULL;
  FcPlanCalendar *calendar;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  fc_time_get_today (today);
  self->source = fc_admin_template_source_new (today);
  g_signal_connect_object (self->source, "changed", G_CALLBACK (on_source_changed_cb), self,
                           G_CONNECT_SWAPPED);
  fc_plan_board_set_source (self->board, FC_PLAN_SOURCE (self->source));

  /* A week's template fills one calendar week: every meal shows. */
  calendar = fc_plan_board_get_calendar (self->board);
  fc_plan_calendar_set_mode (calendar, FC_PLAN_CALENDAR_WEEK);
  /* The Month and Week toggles: the calendar's mode by its nick. */
  mode = g_property_action_new ("mode", calendar, "mode");
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (mode));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "template", G_ACTION_GROUP (group));
  show_page (self, "busy");
}

GtkWidget *
fc_admin_template_editor_new (GtkWindow      *parent,
                              FcAdminService *service,
                              FcStore        *store,
                              gint64          id)
{
  FcAdminTemplateEditor *self;

  g_return_val_if_fail (FC_IS_ADMIN_SERVICE (service), NULL);
  g_return_val_if_fail (store == NULL || FC_IS_STORE (store), NULL);

  self = g_object_new (FC_TYPE_ADMIN_TEMPLATE_EDITOR, "transient-for", parent, NULL);
  self->service = g_object_ref (service);
  self->id = id;
  if (id != 0) {
    gtk_window_set_title (GTK_WINDOW (self), _("Edit Template"));
    adw_window_title_set_title (self->window_title, _("Edit Template"));
    fc_admin_service_get_template_async (service, id, self->cancellable, on_loaded_cb,
                                         g_object_ref (self));
    return GTK_WIDGET (self);
  }

  gtk_window_set_title (GTK_WINDOW (self), _("New Template"));
  adw_window_title_set_title (self->window_title, _("New Template"));
  if (store != NULL) {
    g_autoptr(FcMealListModel) meals = fc_meal_list_model_new (store);

    fc_admin_template_source_set_meal_model (self->source, G_LIST_MODEL (meals));
  }
  fc_plan_board_show_first_day (self->board);
  self->loaded = fields_text (self);
  show_page (self, "editor");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return GTK_WIDGET (self);
}
