/* fc-meals-view.c — the user's meals and the templates to start from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-meals-view"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-meals-view.h"

#include "fc-accessible.h"
#include "fc-meal-editor.h"
#include "fc-meal-list-model.h"
#include "fc-meal-time.h"
#include "fc-nutrition-format.h"
#include "fc-nutrition-ui.h"
#include "fc-pending-deletes.h"

/* Two boxed lists over one store model (src/store/fc-meal-list-model.h),
 * filtered: a person has a few dozen meals at most, and each row carries
 * its own buttons. A deleted meal leaves the list at once but is deleted in
 * the store only when its toast goes away without "Undo"
 * (fc-pending-deletes.h). */
struct _FcMealsView
{
  AdwBin            parent_instance;

  /* Template widgets */
  AdwToastOverlay  *toast_overlay;
  GtkStack         *main_stack;
  GtkListBox       *own_list;
  GtkWidget        *templates_group;
  GtkListBox       *template_list;

  /* Owned */
  FcSession        *session;
  FcMealListModel  *model;
  GtkFilterListModel *own_meals;
  GtkFilterListModel *template_meals;
  FcPendingDeletes *pending_deletes;
};

G_DEFINE_FINAL_TYPE (FcMealsView, fc_meals_view, ADW_TYPE_BIN)

static FcStore *
get_store (FcMealsView *self)
{
  return self->session != NULL ? fc_session_get_store (self->session) : NULL;
}

static gint64
meal_id (gpointer meal)
{
  return fc_object_item_get_id (FC_OBJECT_ITEM (meal));
}

static FcMealItem *
find_meal (FcMealsView *self,
           gint64       id)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcMealItem) meal = g_list_model_get_item (G_LIST_MODEL (self->model), i);

    if (meal_id (meal) == id)
      return meal;  /* the model keeps its reference */
  }
  return NULL;
}

static gboolean
own_filter_cb (gpointer item,
               gpointer user_data)
{
  FcMealsView *self = user_data;
  gint64 id = meal_id (item);

  return !fc_meal_item_get_is_template (item) &&
         !fc_pending_deletes_contains (self->pending_deletes, id);
}

static gboolean
template_filter_cb (gpointer item,
                    gpointer user_data)
{
  FcMealsView *self = user_data;
  gint64 id = meal_id (item);

  return fc_meal_item_get_is_template (item) &&
         !fc_pending_deletes_contains (self->pending_deletes, id);
}

static void
fc_meals_view_refilter (FcMealsView *self)
{
  if (self->own_meals == NULL)
    return;
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->own_meals),
                      GTK_FILTER_CHANGE_DIFFERENT);
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->template_meals),
                      GTK_FILTER_CHANGE_DIFFERENT);
}

static void
fc_meals_view_update_state (FcMealsView *self)
{
  guint n_own = self->own_meals != NULL
                ? g_list_model_get_n_items (G_LIST_MODEL (self->own_meals)) : 0;
  guint n_templates = self->template_meals != NULL
                      ? g_list_model_get_n_items (G_LIST_MODEL (self->template_meals)) : 0;

  gtk_widget_set_visible (self->templates_group, n_templates > 0);
  gtk_stack_set_visible_child_name (self->main_stack,
                                    n_own + n_templates > 0 ? "list" : "empty");
}

static char *
describe_meal (FcMealItem *meal)
{
  /* A meal without a meal time has the server's default, snack. */
  const char *category = fc_meal_item_get_meal_time_category (meal);
  const char *time = fc_meal_time_get_label (category != NULL ? fc_meal_time_from_category (category)
                                                              : FC_MEAL_TIME_SNACK);
  guint n_items = fc_meal_item_get_n_items (meal);
  g_autofree char *foods = NULL;
  g_autofree char *energy = NULL;
  double calories;

  /* Translators: how many foods a meal has. */
  foods = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u food", "%u foods", n_items), n_items);
  if (fc_meal_item_get_total_calories (meal, &calories))
    energy = fc_nutrient_format (FC_NUTRIENT_CALORIES, calories);
  else
    energy = g_strdup (_("not synced yet"));
  /* Translators: a meal's time, foods and calories, e.g.
   * "Lunch · 3 foods · 450 kcal". */
  return g_strdup_printf (_("%s · %s · %s"), time, foods, energy);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  FcMealItem *meal = item;
  GtkWidget *row = adw_action_row_new ();
  const char *name = fc_object_item_get_name (FC_OBJECT_ITEM (meal)) ?: "";
  gint64 id = meal_id (meal);
  g_autofree char *subtitle = describe_meal (meal);
  g_autofree char *label = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", id);

  /* Translators: %s is a meal's name. */
  label = g_strdup_printf (_("New Meal from %s"), name);
  fc_accessible_add_row_button (row, "edit-copy-symbolic", _("New Meal from This"), label,
                                "meals.copy", id);
  if (fc_meal_item_get_is_own (meal)) {
    g_free (label);
    /* Translators: %s is a meal's name. */
    label = g_strdup_printf (_("Edit %s"), name);
    fc_accessible_add_row_button (row, "document-edit-symbolic", _("Edit"), label,
                                  "meals.edit", id);
    g_free (label);
    /* Translators: %s is a meal's name. */
    label = g_strdup_printf (_("Delete %s"), name);
    fc_accessible_add_row_button (row, "user-trash-symbolic", _("Delete"), label,
                                  "meals.delete", id);
  }
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row),
                                  fc_meal_item_get_is_own (meal) && !fc_meal_item_get_is_template (meal)
                                  ? "meals.edit" : "meals.copy");
  return row;
}

static void
open_editor (FcMealsView *self,
             FcMealItem     *meal,
             gboolean     copy)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *editor;

  if (self->session == NULL || get_store (self) == NULL)
    return;
  editor = fc_meal_editor_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->session,
                               meal != NULL ? fc_object_item_get_object (FC_OBJECT_ITEM (meal)) : NULL, copy);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_editor (FC_MEALS_VIEW (widget), NULL, FALSE);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcMealsView *self = FC_MEALS_VIEW (widget);
  FcMealItem *meal = find_meal (self, g_variant_get_int64 (parameter));

  if (meal != NULL && fc_meal_item_get_is_own (meal))
    open_editor (self, meal, FALSE);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcMealsView *self = FC_MEALS_VIEW (widget);
  FcMealItem *meal = find_meal (self, g_variant_get_int64 (parameter));

  if (meal != NULL)
    open_editor (self, meal, TRUE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcMealsView *self = FC_MEALS_VIEW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  FcMealItem *meal = find_meal (self, id);

  if (meal == NULL || !fc_meal_item_get_is_own (meal) || get_store (self) == NULL)
    return;
  fc_pending_deletes_add (self->pending_deletes, self->toast_overlay, get_store (self), id,
                          fc_object_item_get_name (FC_OBJECT_ITEM (meal)));
}

static gboolean
new_shortcut_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  open_editor (FC_MEALS_VIEW (widget), NULL, FALSE);
  return TRUE;
}

/* The store comes and goes with the account: the model follows it. */
static void
on_session_store_changed_cb (FcMealsView *self)
{
  FcStore *store = get_store (self);

  if (self->model != NULL && fc_store_model_get_store (FC_STORE_MODEL (self->model)) == store)
    return;

  /* Deletes waiting on a toast go to the store they were made in. */
  fc_pending_deletes_flush (self->pending_deletes);
  g_clear_object (&self->own_meals);
  g_clear_object (&self->template_meals);
  g_clear_object (&self->model);

  if (store != NULL) {
    self->model = fc_meal_list_model_new (store);
    self->own_meals =
      gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->model)),
                                 GTK_FILTER (gtk_custom_filter_new (own_filter_cb, self, NULL)));
    self->template_meals =
      gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->model)),
                                 GTK_FILTER (gtk_custom_filter_new (template_filter_cb, self,
                                                                    NULL)));
    g_signal_connect_object (self->own_meals, "items-changed",
                             G_CALLBACK (fc_meals_view_update_state), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->template_meals, "items-changed",
                             G_CALLBACK (fc_meals_view_update_state), self, G_CONNECT_SWAPPED);
  }
  gtk_list_box_bind_model (self->own_list, G_LIST_MODEL (self->own_meals), create_row, self, NULL);
  gtk_list_box_bind_model (self->template_list, G_LIST_MODEL (self->template_meals), create_row,
                           self, NULL);
  fc_meals_view_update_state (self);
}

static void
fc_meals_view_dispose (GObject *object)
{
  FcMealsView *self = FC_MEALS_VIEW (object);

  /* Closing the window is no "Undo": what was deleted stays deleted. */
  if (self->pending_deletes != NULL)
    fc_pending_deletes_flush (self->pending_deletes);

  if (self->own_list != NULL) {
    gtk_list_box_bind_model (self->own_list, NULL, NULL, NULL, NULL);
    gtk_list_box_bind_model (self->template_list, NULL, NULL, NULL, NULL);
  }
  g_clear_object (&self->own_meals);
  g_clear_object (&self->template_meals);
  g_clear_object (&self->model);
  g_clear_object (&self->session);
  /* The bin's child is a bound template child: let the bin drop it, or
   * both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_MEALS_VIEW);

  G_OBJECT_CLASS (fc_meals_view_parent_class)->dispose (object);
}

static void
fc_meals_view_finalize (GObject *object)
{
  FcMealsView *self = FC_MEALS_VIEW (object);

  g_clear_object (&self->pending_deletes);

  G_OBJECT_CLASS (fc_meals_view_parent_class)->finalize (object);
}

static void
fc_meals_view_class_init (FcMealsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_meals_view_dispose;
  object_class->finalize = fc_meals_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/nutrition/fc-meals-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FcMealsView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcMealsView, main_stack);
  gtk_widget_class_bind_template_child (widget_class, FcMealsView, own_list);
  gtk_widget_class_bind_template_child (widget_class, FcMealsView, templates_group);
  gtk_widget_class_bind_template_child (widget_class, FcMealsView, template_list);

  gtk_widget_class_install_action (widget_class, "meals.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "meals.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "meals.copy", "x", copy_action);
  gtk_widget_class_install_action (widget_class, "meals.delete", "x", delete_action);
}

static void
fc_meals_view_init (FcMealsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pending_deletes = fc_pending_deletes_new (FC_STORE_MEALS);
  g_signal_connect_object (self->pending_deletes, "changed", G_CALLBACK (fc_meals_view_refilter),
                           self, G_CONNECT_SWAPPED);

  fc_nutrition_add_shortcut (GTK_WIDGET (self), "<Control>n", new_shortcut_cb);
  fc_meals_view_update_state (self);
}

GtkWidget *
fc_meals_view_new (void)
{
  return g_object_new (FC_TYPE_MEALS_VIEW, NULL);
}

void
fc_meals_view_set_session (FcMealsView *self,
                           FcSession   *session)
{
  g_return_if_fail (FC_IS_MEALS_VIEW (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::store",
                             G_CALLBACK (on_session_store_changed_cb), self, G_CONNECT_SWAPPED);
  on_session_store_changed_cb (self);
}
