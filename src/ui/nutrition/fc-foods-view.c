/* fc-foods-view.c — search the food database, see a food, make your own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-foods-view"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-foods-view.h"

#include "fc-accessible.h"
#include "fc-food-editor.h"
#include "fc-food-list-model.h"
#include "fc-json.h"
#include "fc-nutrients-group.h"
#include "fc-nutrition-format.h"
#include "fc-nutrition-ui.h"

/* The list is the store's FTS5 search, asked again as the user types (the
 * search entry already waits for a pause in the typing); the detail is
 * the food's full object, which also has fiber, sugar and sodium. */
struct _FcFoodsView
{
  AdwBin            parent_instance;

  /* Template widgets */
  AdwLeaflet       *leaflet;
  GtkSearchEntry   *search_entry;
  GtkDropDown      *category_dropdown;
  GtkStack         *list_stack;
  GtkListView      *list_view;
  AdwStatusPage    *empty_page;
  GtkStack         *detail_stack;
  GtkLabel         *name_label;
  GtkLabel         *description_label;
  GtkWidget        *edit_button;
  GtkLabel         *category_label;
  GtkLabel         *serving_label;
  GtkWidget        *source_row;
  GtkLabel         *source_label;
  FcNutrientsGroup *nutrition_group;

  /* Owned */
  FcSession        *session;
  FcFoodListModel  *model;
  GtkSingleSelection *selection;
  GSignalGroup     *store_signals;
  GCancellable     *cancellable;   /* the detail's read */
  JsonObject       *food;          /* on show in the detail */
};

G_DEFINE_FINAL_TYPE (FcFoodsView, fc_foods_view, ADW_TYPE_BIN)

static FcStore *
get_store (FcFoodsView *self)
{
  return self->session != NULL ? fc_session_get_store (self->session) : NULL;
}

static gboolean
can_edit (FcFoodsView *self,
          JsonObject  *food)
{
  gboolean own = FALSE;
  gboolean is_public = FALSE;

  if (food == NULL || self->session == NULL)
    return FALSE;
  fc_json_get_boolean (food, "is_own", &own);
  fc_json_get_boolean (food, "is_public", &is_public);
  /* Staff look after the public database; everyone else, their own foods. */
  return own || (is_public && fc_session_get_is_staff (self->session));
}

static void
fc_foods_view_show_food (FcFoodsView *self,
                         JsonObject  *food)
{
  FcNutrients sums = { 0 };
  JsonObject *added_by;
  double quantity = 1.0;
  const char *description;
  g_autofree char *serving = NULL;

  if (food != NULL)
    json_object_ref (food);
  g_clear_pointer (&self->food, json_object_unref);
  self->food = food;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "foods.edit", can_edit (self, food));
  if (food == NULL) {
    gtk_stack_set_visible_child_name (self->detail_stack, "none");
    return;
  }

  description = fc_json_get_string (food, "description");
  gtk_label_set_text (self->name_label, fc_json_get_string (food, "name"));
  gtk_label_set_text (self->description_label, description != NULL ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          description != NULL && *description != '\0');
  gtk_widget_set_visible (self->edit_button, can_edit (self, food));
  gtk_label_set_text (self->category_label,
                      fc_nutrition_food_category_label (fc_json_get_string (food, "food_category")
                                                        ?: "OT"));
  fc_json_get_double (food, "serving_quantity", &quantity);
  serving = fc_nutrition_format_serving (quantity, fc_json_get_string (food, "serving_unit"));
  gtk_label_set_text (self->serving_label, serving);

  added_by = fc_json_get_object (food, "user_added_detail");
  if (added_by != NULL && fc_json_get_string (added_by, "email") != NULL) {
    gtk_label_set_text (self->source_label, fc_json_get_string (added_by, "email"));
    gtk_widget_set_visible (self->source_row, TRUE);
  } else {
    gtk_widget_set_visible (self->source_row, FALSE);
  }

  /* A food alone: one serving of it. */
  fc_nutrients_add (&sums, food, 1.0);
  fc_nutrients_group_show (self->nutrition_group, &sums);
  gtk_stack_set_visible_child_name (self->detail_stack, "food");
}

static void
food_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FcFoodsView) self = user_data;
  g_autoptr(JsonObject) food = NULL;
  g_autoptr(GError) error = NULL;

  food = fc_store_get_object_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (food == NULL && !g_error_matches (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND))
    g_warning ("Cannot read a food: %s", error->message);
  fc_foods_view_show_food (self, food);
}

static void
fc_foods_view_load_selected (FcFoodsView *self)
{
  FcFoodItem *item = self->selection != NULL
                     ? gtk_single_selection_get_selected_item (self->selection) : NULL;
  FcStore *store = get_store (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (item == NULL || store == NULL) {
    fc_foods_view_show_food (self, NULL);
    return;
  }
  self->cancellable = g_cancellable_new ();
  fc_store_get_object_async (store, FC_STORE_FOODS, fc_food_item_get_id (item), self->cancellable,
                             food_loaded_cb, g_object_ref (self));
}

static void
fc_foods_view_update_empty (FcFoodsView *self)
{
  gboolean empty = self->model == NULL ||
                   g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean filtered = *query != '\0' || gtk_drop_down_get_selected (self->category_dropdown) > 0;

  /* While a query is out the previous answer stays: no flicker of "empty". */
  if (self->model != NULL && fc_store_model_get_loading (FC_STORE_MODEL (self->model)))
    return;

  if (filtered) {
    adw_status_page_set_title (self->empty_page, _("No Foods Found"));
    adw_status_page_set_description (self->empty_page,
                                     _("Try another word or category, or add the food yourself."));
  } else {
    adw_status_page_set_title (self->empty_page, _("No Foods Yet"));
    adw_status_page_set_description (self->empty_page,
                                     _("Foods appear after the first sync. You can also add your own."));
  }
  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
}

static void
on_search_changed_cb (FcFoodsView *self)
{
  if (self->model != NULL)
    fc_food_list_model_set_query (self->model,
                                  gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_category_selected_cb (FcFoodsView *self)
{
  guint selected = gtk_drop_down_get_selected (self->category_dropdown);
  const char * const *codes = fc_nutrition_food_category_codes ();

  if (self->model != NULL)
    fc_food_list_model_set_category (self->model,
                                     selected > 0 && selected != GTK_INVALID_LIST_POSITION
                                     ? codes[selected - 1] : NULL);
}

static void
on_list_view_activate_cb (FcFoodsView *self,
                          guint        position)
{
  gtk_single_selection_set_selected (self->selection, position);
  adw_leaflet_set_visible_child_name (self->leaflet, "detail");
}

static void
on_back_button_clicked_cb (FcFoodsView *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_store_foods_changed_cb (FcStore     *store,
                           const char  *resource,
                           FcFoodsView *self)
{
  /* An edit here or a pull may have changed the food on show. */
  if (self->food != NULL)
    fc_foods_view_load_selected (self);
}

static void
editor_action (FcFoodsView *self,
               JsonObject  *food)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *editor;

  if (self->session == NULL || get_store (self) == NULL)
    return;
  editor = fc_food_editor_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->session,
                               food);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  editor_action (FC_FOODS_VIEW (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcFoodsView *self = FC_FOODS_VIEW (widget);

  if (can_edit (self, self->food))
    editor_action (self, self->food);
}

static gboolean
search_shortcut_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  FcFoodsView *self = FC_FOODS_VIEW (widget);

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

static gboolean
new_shortcut_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  editor_action (FC_FOODS_VIEW (widget), NULL);
  return TRUE;
}

/* The store comes and goes with the account: the model follows it. */
static void
on_session_store_changed_cb (FcFoodsView *self)
{
  FcStore *store = get_store (self);

  if (self->model != NULL && fc_store_model_get_store (FC_STORE_MODEL (self->model)) == store)
    return;

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_signal_group_set_target (self->store_signals, store);

  if (store != NULL) {
    self->model = fc_food_list_model_new (store);
    on_search_changed_cb (self);
    on_category_selected_cb (self);
    self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
    gtk_single_selection_set_autoselect (self->selection, FALSE);
    gtk_single_selection_set_can_unselect (self->selection, TRUE);
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
    g_signal_connect_object (self->selection, "notify::selected-item",
                             G_CALLBACK (fc_foods_view_load_selected), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->model, "items-changed",
                             G_CALLBACK (fc_foods_view_update_empty), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->model, "notify::loading",
                             G_CALLBACK (fc_foods_view_update_empty), self, G_CONNECT_SWAPPED);
  }
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  fc_foods_view_load_selected (self);
  fc_foods_view_update_empty (self);
}

static void
fc_foods_view_dispose (GObject *object)
{
  FcFoodsView *self = FC_FOODS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->store_signals);
  g_clear_object (&self->session);
  g_clear_pointer (&self->food, json_object_unref);
  /* The bin's child is a bound template child: let the bin drop it, or
   * both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_FOODS_VIEW);

  G_OBJECT_CLASS (fc_foods_view_parent_class)->dispose (object);
}

static void
fc_foods_view_class_init (FcFoodsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_foods_view_dispose;

  g_type_ensure (FC_TYPE_NUTRIENTS_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/nutrition/fc-foods-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, list_view);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, name_label);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, description_label);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, edit_button);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, category_label);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, serving_label);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, source_row);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, source_label);
  gtk_widget_class_bind_template_child (widget_class, FcFoodsView, nutrition_group);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_button_clicked_cb);

  gtk_widget_class_install_action (widget_class, "foods.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "foods.edit", NULL, edit_action);
}

static void
fc_foods_view_init (FcFoodsView *self)
{
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = fc_nutrition_food_factory_new ();
  const char * const *codes = fc_nutrition_food_category_codes ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (categories, _("All Categories"));
  for (guint i = 0; codes[i] != NULL; i++)
    gtk_string_list_append (categories, fc_nutrition_food_category_label (codes[i]));
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (categories));
  /* The button inside the drop-down is what Tab and Orca reach. */
  fc_accessible_name_buttons (GTK_WIDGET (self->category_dropdown), _("Category"));
  g_signal_connect_object (self->category_dropdown, "notify::selected",
                           G_CALLBACK (on_category_selected_cb), self, G_CONNECT_SWAPPED);

  gtk_list_view_set_factory (self->list_view, factory);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "foods.edit", FALSE);

  self->store_signals = g_signal_group_new (FC_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals, "changed::" FC_STORE_FOODS,
                                 G_CALLBACK (on_store_foods_changed_cb), self, 0);
  fc_nutrition_add_shortcut (GTK_WIDGET (self), "<Control>f", search_shortcut_cb);
  fc_nutrition_add_shortcut (GTK_WIDGET (self), "<Control>n", new_shortcut_cb);
  fc_foods_view_update_empty (self);
}

GtkWidget *
fc_foods_view_new (void)
{
  return g_object_new (FC_TYPE_FOODS_VIEW, NULL);
}

void
fc_foods_view_set_session (FcFoodsView *self,
                           FcSession   *session)
{
  g_return_if_fail (FC_IS_FOODS_VIEW (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::store",
                             G_CALLBACK (on_session_store_changed_cb), self, G_CONNECT_SWAPPED);
  on_session_store_changed_cb (self);
}
