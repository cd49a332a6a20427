/* fc-plan-generate-dialog.c — ask the server for a new meal plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-generate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plan-generate-dialog.h"

#include "fc-date-button.h"
#include "fc-food-item.h"
#include "fc-food-list-model.h"
#include "fc-meal-plan-actions.h"
#include "fc-plans-common.h"
#include "fc-time.h"
#include "fc-wrap-box.h"

#define MAX_RESULTS 6

struct _FcPlanGenerateDialog
{
  AdwWindow        parent_instance;

  /* Template widgets */
  GtkWidget       *form_box;
  GtkWidget       *generate_button;
  AdwComboRow     *goal_row;
  GtkSpinButton   *days_spin;
  GtkSpinButton   *meals_spin;
  FcDateButton    *start_button;
  GtkSearchEntry  *exclude_entry;
  GtkListBox      *results_list;
  FcWrapBox       *chips_box;
  GtkRevealer     *status_revealer;
  GtkWidget       *progress_box;
  GtkSpinner      *spinner;
  GtkLabel        *error_label;

  /* Owned */
  FcSession       *session;
  FcFoodListModel *foods;
  GHashTable      *excluded;     /* food id (gint64 *) → chip */
  GCancellable    *cancellable;  /* the running generation, or NULL */
};

G_DEFINE_FINAL_TYPE (FcPlanGenerateDialog, fc_plan_generate_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_GENERATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_running (FcPlanGenerateDialog *self,
             gboolean              running)
{
  gtk_widget_set_sensitive (self->form_box, !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "generate.run", !running);
  gtk_widget_set_visible (self->progress_box, running);
  gtk_spinner_set_spinning (self->spinner, running);
  if (running) {
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
    gtk_revealer_set_reveal_child (self->status_revealer, TRUE);
  }
}

static void
show_error (FcPlanGenerateDialog *self,
            const char           *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_revealer_set_reveal_child (self->status_revealer, TRUE);
}

static void
on_chip_clicked_cb (GtkButton            *chip,
                    FcPlanGenerateDialog *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (chip), "food-id"));

  /* A keyboard user who removed a chip goes on from the next one (or the
   * entry), not from nowhere. */
  if (gtk_widget_has_focus (GTK_WIDGET (chip))) {
    GtkWidget *next = gtk_widget_get_next_sibling (GTK_WIDGET (chip));

    if (next == NULL)
      next = gtk_widget_get_prev_sibling (GTK_WIDGET (chip));
    gtk_widget_grab_focus (next != NULL ? next : GTK_WIDGET (self->exclude_entry));
  }
  g_hash_table_remove (self->excluded, &id);
  fc_wrap_box_remove (self->chips_box, GTK_WIDGET (chip));
}

static void
exclude_food (FcPlanGenerateDialog *self,
              FcFoodItem           *food)
{
  gint64 id = fc_food_item_get_id (food);
  g_autofree char *accessible = NULL;
  GtkWidget *box, *chip;

  if (g_hash_table_contains (self->excluded, &id))
    return;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (box), gtk_label_new (fc_food_item_get_name (food)));
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
  chip = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (chip), box);
  gtk_widget_add_css_class (chip, "pill");
  gtk_widget_add_css_class (chip, "small");
  /* Translators: a button that takes a food off the exclusion list. */
  accessible = g_strdup_printf (_("Remove %s"), fc_food_item_get_name (food));
  gtk_accessible_update_property (GTK_ACCESSIBLE (chip), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  gtk_widget_set_tooltip_text (chip, accessible);
  g_object_set_data (G_OBJECT (chip), "food-id", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect_object (chip, "clicked", G_CALLBACK (on_chip_clicked_cb), self, 0);
  /* In an FcWrapBox the chip itself is the one Tab stop and what a screen
   * reader reads. */
  fc_wrap_box_append (self->chips_box, chip);
  g_hash_table_insert (self->excluded, g_memdup2 (&id, sizeof id), chip);

  gtk_editable_set_text (GTK_EDITABLE (self->exclude_entry), "");
}

static GtkWidget *
create_result_row (gpointer item,
                   gpointer user_data)
{
  FcFoodItem *food = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = g_strdup_printf (_("%'.0f kcal per %g %s"),
                                               fc_food_item_get_calories (food),
                                               fc_food_item_get_serving_quantity (food),
                                               fc_food_item_get_serving_unit (food) ?: "");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fc_food_item_get_name (food));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("list-add-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "food", g_object_ref (food), g_object_unref);
  return row;
}

static void
on_result_activated_cb (FcPlanGenerateDialog *self,
                        GtkListBoxRow        *row)
{
  exclude_food (self, g_object_get_data (G_OBJECT (row), "food"));
}

static void
on_search_changed_cb (FcPlanGenerateDialog *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->exclude_entry));

  if (self->foods != NULL)
    fc_food_list_model_set_query (self->foods, query);
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), query[0] != '\0');
}

static void
on_generated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcPlanGenerateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = fc_meal_plan_actions_generate_finish (FC_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* set_running (FALSE) was done by the cancel */

  g_clear_object (&self->cancellable);
  set_running (self, FALSE);
  if (id == 0) {
    show_error (self, error->message);
    return;
  }
  g_signal_emit (self, signals[SIGNAL_GENERATED], 0, id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FcPlanGenerateDialog *self = FC_PLAN_GENERATE_DIALOG (widget);
  g_autoptr(GArray) exclude = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key;
  GDate start;

  if (self->cancellable != NULL)
    return;

  g_hash_table_iter_init (&iter, self->excluded);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (exclude, *(gint64 *) key);
  fc_date_button_get_date (self->start_button, &start);

  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);
  fc_meal_plan_actions_generate_async (self->session,
                                       fc_plan_goal_get_code (adw_combo_row_get_selected (self->goal_row)),
                                       gtk_spin_button_get_value_as_int (self->days_spin),
                                       gtk_spin_button_get_value_as_int (self->meals_spin),
                                       &start, exclude, self->cancellable,
                                       on_generated_cb, g_object_ref (self));
}

/* Cancel stops a running generation first; a second Cancel closes. */
static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcPlanGenerateDialog *self = FC_PLAN_GENERATE_DIALOG (widget);

  if (self->cancellable == NULL) {
    gtk_window_close (GTK_WINDOW (self));
    return;
  }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_running (self, FALSE);
  gtk_revealer_set_reveal_child (self->status_revealer, FALSE);
}

static void
fc_plan_generate_dialog_dispose (GObject *object)
{
  FcPlanGenerateDialog *self = FC_PLAN_GENERATE_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->foods);
  g_clear_object (&self->session);
  g_clear_pointer (&self->excluded, g_hash_table_unref);

  G_OBJECT_CLASS (fc_plan_generate_dialog_parent_class)->dispose (object);
}

static void
fc_plan_generate_dialog_class_init (FcPlanGenerateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_plan_generate_dialog_dispose;

  signals[SIGNAL_GENERATED] =
    g_signal_new ("generated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (FC_TYPE_DATE_BUTTON);
  g_type_ensure (FC_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/plans/fc-plan-generate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, generate_button);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, goal_row);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, days_spin);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, meals_spin);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, exclude_entry);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, results_list);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, chips_box);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, status_revealer);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcPlanGenerateDialog, error_label);

  gtk_widget_class_install_action (widget_class, "generate.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "generate.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "generate.cancel", NULL);
}

static void
fc_plan_generate_dialog_init (FcPlanGenerateDialog *self)
{
  g_autoptr(GtkStringList) goals = fc_plan_goal_new_model ();
  g_autoptr(GDate) today = g_date_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->excluded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  adw_combo_row_set_model (self->goal_row, G_LIST_MODEL (goals));
  adw_combo_row_set_selected (self->goal_row, fc_plan_goal_get_index ("MN"));
  fc_time_get_today (today);
  fc_date_button_set_date (self->start_button, today);

  g_signal_connect_object (self->exclude_entry, "search-changed",
                           G_CALLBACK (on_search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->results_list, "row-activated",
                           G_CALLBACK (on_result_activated_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
fc_plan_generate_dialog_new (GtkWindow *parent,
                             FcSession *session)
{
  FcPlanGenerateDialog *self;
  FcStore *store;

  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_PLAN_GENERATE_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  store = fc_session_get_store (session);
  if (store != NULL) {
    self->foods = fc_food_list_model_new (store);
    fc_food_list_model_set_limit (self->foods, MAX_RESULTS);
    gtk_list_box_bind_model (self->results_list, G_LIST_MODEL (self->foods),
                             create_result_row, NULL, NULL);
  }
  return GTK_WIDGET (self);
}
