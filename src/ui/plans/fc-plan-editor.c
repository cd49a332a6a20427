/* fc-plan-editor.c — create or edit a meal plan through the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plan-editor.h"

#include "fc-accessible.h"
#include "fc-date-button.h"
#include "fc-json.h"
#include "fc-plans-common.h"
#include "fc-time.h"

struct _FcPlanEditor
{
  AdwWindow        parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwEntryRow     *name_row;
  AdwEntryRow     *description_row;
  AdwComboRow     *goal_row;
  GtkSpinButton   *duration_spin;
  FcDateButton    *start_button;
  GtkSpinButton   *calories_spin;
  GtkLabel        *error_label;

  /* Owned */
  FcSession       *session;
  GCancellable    *cancellable;
  gint64           plan_id;    /* 0 for a new plan */
};

G_DEFINE_FINAL_TYPE (FcPlanEditor, fc_plan_editor, ADW_TYPE_WINDOW)

static void
show_error (FcPlanEditor *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcPlanEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == fc_store_create_async)
    item = fc_store_create_finish (FC_STORE (source), result, &error);
  else
    item = fc_store_update_finish (FC_STORE (source), result, &error);

  if (item == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      show_error (self, error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", TRUE);
    }
    return;
  }
  /* The sync engine pushes the write as soon as it commits. */
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcPlanEditor *self = FC_PLAN_EDITOR (widget);
  FcStore *store = fc_session_get_store (self->session);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  GDate start;

  if (store == NULL) {
    show_error (self, _("Sign in to save meal plans"));
    return;
  }
  if (name[0] == '\0') {
    show_error (self, _("A meal plan needs a name"));
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
    return;
  }
  show_error (self, NULL);

  json_object_set_string_member (fields, "name", name);
  json_object_set_string_member (fields, "description",
                                 gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  json_object_set_string_member (fields, "goal",
                                 fc_plan_goal_get_code (adw_combo_row_get_selected (self->goal_row)));
  json_object_set_int_member (fields, "duration_days",
                              gtk_spin_button_get_value_as_int (self->duration_spin));
  fc_date_button_get_date (self->start_button, &start);
  if (g_date_valid (&start)) {
    g_autofree char *start_text = fc_time_format_date (&start);

    json_object_set_string_member (fields, "start_date", start_text);
  }
  json_object_set_double_member (fields, "target_daily_calories",
                                 gtk_spin_button_get_value (self->calories_spin));

  gtk_widget_action_set_enabled (widget, "editor.save", FALSE);
  if (self->plan_id == 0)
    fc_store_create_async (store, FC_STORE_MEAL_PLANS, fields, self->cancellable,
                           on_saved_cb, g_object_ref (self));
  else
    fc_store_update_async (store, FC_STORE_MEAL_PLANS, self->plan_id, fields, self->cancellable,
                           on_saved_cb, g_object_ref (self));
}

static void
load_plan (FcPlanEditor *self,
           JsonObject   *plan)
{
  const char *text;
  gint64 days = 7;
  double calories = 2000;
  GDate start;

  fc_json_get_int (plan, "id", &self->plan_id);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), fc_json_get_string (plan, "name") ?: "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         fc_json_get_string (plan, "description") ?: "");
  adw_combo_row_set_selected (self->goal_row,
                              fc_plan_goal_get_index (fc_json_get_string (plan, "goal")));
  if (fc_json_get_int (plan, "duration_days", &days))
    gtk_spin_button_set_value (self->duration_spin, days);
  if (fc_json_get_double (plan, "target_daily_calories", &calories))
    gtk_spin_button_set_value (self->calories_spin, calories);
  text = fc_json_get_string (plan, "start_date");
  g_date_clear (&start, 1);
  if (text != NULL && fc_time_parse_date (text, &start))
    fc_date_button_set_date (self->start_button, &start);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Meal Plan"));
}

static void
fc_plan_editor_dispose (GObject *object)
{
  FcPlanEditor *self = FC_PLAN_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fc_plan_editor_parent_class)->dispose (object);
}

static void
fc_plan_editor_class_init (FcPlanEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_plan_editor_dispose;

  g_type_ensure (FC_TYPE_DATE_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/plans/fc-plan-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPlanEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcPlanEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, FcPlanEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, FcPlanEditor, goal_row);
  gtk_widget_class_bind_template_child (widget_class, FcPlanEditor, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, FcPlanEditor, start_button);
  gtk_widget_class_bind_template_child (widget_class, FcPlanEditor, calories_spin);
  gtk_widget_class_bind_template_child (widget_class, FcPlanEditor, error_label);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "editor.save", NULL);
}

static void
fc_plan_editor_init (FcPlanEditor *self)
{
  g_autoptr(GtkStringList) goals = fc_plan_goal_new_model ();
  g_autoptr(GDate) today = g_date_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  adw_combo_row_set_model (self->goal_row, G_LIST_MODEL (goals));
  fc_accessible_name_combo_row (self->goal_row);
  adw_combo_row_set_selected (self->goal_row, fc_plan_goal_get_index (NULL));
  fc_time_get_today (today);
  fc_date_button_set_date (self->start_button, today);
  gtk_window_set_title (GTK_WINDOW (self), _("New Meal Plan"));
}

GtkWidget *
fc_plan_editor_new (GtkWindow  *parent,
                    FcSession  *session,
                    JsonObject *plan)
{
  FcPlanEditor *self;

  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_PLAN_EDITOR, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  if (plan != NULL)
    load_plan (self, plan);
  return GTK_WIDGET (self);
}
