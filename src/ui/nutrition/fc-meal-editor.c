/* fc-meal-editor.c — build a meal from foods and servings, offline too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-meal-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-meal-editor.h"

#include "fc-accessible.h"
#include "fc-food-list-model.h"
#include "fc-json.h"
#include "fc-meal-time.h"
#include "fc-nutrients-group.h"
#include "fc-nutrition-format.h"
#include "fc-nutrition-ui.h"

/* The foods come from the store: each item's full food object (fiber,
 * sugar and sodium included) is read once, and the totals are summed again
 * whenever a serving changes. Save writes the meal with its items through
 * the store's outbox and asks for a sync. */

#define SEARCH_LIMIT 50

typedef struct {
  gint64         food_id;
  JsonObject    *food;   /* NULL until read, or when the store lacks it */
  GtkWidget     *row;
  GtkSpinButton *spin;
  GtkWidget     *remove;
} MealItem;

struct _FcMealEditor
{
  AdwWindow         parent_instance;

  /* Template widgets */
  AdwToastOverlay  *toast_overlay;
  AdwEntryRow      *name_row;
  AdwComboRow      *category_row;
  AdwEntryRow      *description_row;
  GtkSwitch        *template_switch;
  GtkMenuButton    *add_button;
  GtkPopover       *add_popover;
  GtkSearchEntry   *food_search;
  GtkListView      *food_list;
  GtkStack         *items_stack;
  GtkListBox       *items_list;
  FcNutrientsGroup *totals_group;

  /* Owned */
  FcSession        *session;
  FcFoodListModel  *foods;
  GtkNoSelection   *foods_selection;
  GPtrArray        *items;        /* of MealItem */
  GCancellable     *cancellable;
  gint64            id;           /* 0 for a new meal */
};

G_DEFINE_FINAL_TYPE (FcMealEditor, fc_meal_editor, ADW_TYPE_WINDOW)

static void
meal_item_free (MealItem *item)
{
  g_clear_pointer (&item->food, json_object_unref);
  g_free (item);
}

static void
fc_meal_editor_update_totals (FcMealEditor *self)
{
  FcNutrients sums = { 0 };

  for (guint i = 0; i < self->items->len; i++) {
    MealItem *item = self->items->pdata[i];

    if (item->food != NULL)
      fc_nutrients_add (&sums, item->food, gtk_spin_button_get_value (item->spin));
  }
  fc_nutrients_group_show (self->totals_group, &sums);
  gtk_stack_set_visible_child_name (self->items_stack, self->items->len > 0 ? "items" : "empty");
}

static MealItem *
find_item (FcMealEditor *self,
           gint64        food_id)
{
  for (guint i = 0; i < self->items->len; i++) {
    MealItem *item = self->items->pdata[i];

    if (item->food_id == food_id)
      return item;
  }
  return NULL;
}

static void
fc_meal_editor_show_item (FcMealEditor *self,
                          MealItem     *item,
                          const char   *name)
{
  g_autofree char *label = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (item->row), name);
  /* Translators: the label of a spin button, %s is a food's name. */
  label = g_strdup_printf (_("Servings of %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (item->spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  g_free (label);
  /* Translators: %s is a food's name. */
  label = g_strdup_printf (_("Remove %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (item->remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);

  if (item->food != NULL) {
    double quantity = 1.0;
    double calories = 0.0;
    g_autofree char *serving = NULL;
    g_autofree char *energy = NULL;
    g_autofree char *subtitle = NULL;

    fc_json_get_double (item->food, "serving_quantity", &quantity);
    fc_json_get_double (item->food, "calories", &calories);
    serving = fc_nutrition_format_serving (quantity, fc_json_get_string (item->food,
                                                                         "serving_unit"));
    energy = fc_nutrient_format (FC_NUTRIENT_CALORIES, calories);
    /* Translators: e.g. "105 kcal per 1 piece". */
    subtitle = g_strdup_printf (_("%s per %s"), energy, serving);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (item->row), subtitle);
  }
}

static void
food_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FcMealEditor) self = user_data;
  g_autoptr(JsonObject) food = NULL;
  g_autoptr(GError) error = NULL;
  MealItem *item;
  gint64 id = 0;

  food = fc_store_get_object_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (food == NULL) {
    if (!g_error_matches (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND))
      g_warning ("Cannot read a food: %s", error->message);
    return;
  }

  fc_json_get_int (food, "id", &id);
  item = find_item (self, id);
  if (item == NULL)
    return;  /* removed meanwhile */
  g_clear_pointer (&item->food, json_object_unref);
  item->food = json_object_ref (food);
  fc_meal_editor_show_item (self, item, fc_json_get_string (food, "name") ?: "");
  fc_meal_editor_update_totals (self);
}

static void
remove_item_cb (GtkButton    *button,
                FcMealEditor *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

  for (guint i = 0; i < self->items->len; i++) {
    MealItem *item = self->items->pdata[i];

    if (item->row == row) {
      gtk_list_box_remove (self->items_list, row);
      g_ptr_array_remove_index (self->items, i);
      break;
    }
  }
  fc_meal_editor_update_totals (self);
}

static void
fc_meal_editor_add_item (FcMealEditor *self,
                         gint64        food_id,
                         double        servings,
                         const char   *name)
{
  FcStore *store = fc_session_get_store (self->session);
  MealItem *item = find_item (self, food_id);
  GtkWidget *remove;
  GtkWidget *spin;

  /* A meal names a food once (the server's rule): adding it again adds
   * a serving. */
  if (item != NULL) {
    gtk_spin_button_set_value (item->spin, gtk_spin_button_get_value (item->spin) + servings);
    return;
  }

  item = g_new0 (MealItem, 1);
  item->food_id = food_id;
  item->row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (item->row), FALSE);

  /* The server takes at least 0.01 of a serving. */
  spin = gtk_spin_button_new_with_range (0.01, 100, 0.25);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), servings);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (spin, _("Servings"));
  item->spin = GTK_SPIN_BUTTON (spin);
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (fc_meal_editor_update_totals), self,
                           G_CONNECT_SWAPPED);

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_widget_add_css_class (remove, "flat");
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_item_cb), self, 0);
  item->remove = remove;

  adw_action_row_add_suffix (ADW_ACTION_ROW (item->row), spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (item->row), remove);
  gtk_list_box_append (self->items_list, item->row);
  g_ptr_array_add (self->items, item);
  fc_meal_editor_show_item (self, item, name != NULL ? name : _("Unknown food"));
  fc_meal_editor_update_totals (self);

  if (store != NULL)
    fc_store_get_object_async (store, FC_STORE_FOODS, food_id, self->cancellable, food_loaded_cb,
                               g_object_ref (self));
}

static void
fc_meal_editor_load (FcMealEditor *self,
                     JsonObject   *meal,
                     gboolean      copy)
{
  JsonArray *items = meal != NULL ? fc_json_get_array (meal, "meal_items") : NULL;
  const char *category = meal != NULL ? fc_json_get_string (meal, "meal_time_category") : NULL;
  FcMealTime meal_time;

  if (meal != NULL && !copy)
    fc_json_get_int (meal, "id", &self->id);
  if (meal != NULL) {
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), fc_json_get_string (meal, "name") ?: "");
    gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                           fc_json_get_string (meal, "description") ?: "");
  }
  /* A copy is the user's own meal, whatever it was made from. */
  if (meal != NULL && !copy) {
    gboolean is_template = FALSE;

    fc_json_get_boolean (meal, "is_template", &is_template);
    gtk_switch_set_active (self->template_switch, is_template);
  }
  /* Snack is the server's default. */
  meal_time = fc_meal_time_from_category (category);
  adw_combo_row_set_selected (self->category_row,
                              meal_time != FC_MEAL_TIME_OTHER ? meal_time : FC_MEAL_TIME_SNACK);

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++) {
    JsonObject *entry = json_array_get_object_element (items, i);
    gint64 food_id = 0;
    double servings = 1.0;

    if (entry == NULL || !fc_json_get_int (entry, "food", &food_id))
      continue;
    fc_json_get_double (entry, "number_of_servings", &servings);
    fc_meal_editor_add_item (self, food_id, servings, NULL);
  }

  gtk_window_set_title (GTK_WINDOW (self), self->id != 0 ? _("Edit Meal") : _("New Meal"));
  fc_meal_editor_update_totals (self);
}

static void
on_add_popover_show_cb (FcMealEditor *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->food_search));
}

static void
on_food_search_changed_cb (FcMealEditor *self)
{
  if (self->foods != NULL)
    fc_food_list_model_set_query (self->foods,
                                  gtk_editable_get_text (GTK_EDITABLE (self->food_search)));
}

static void
add_food_at (FcMealEditor *self,
             guint         position)
{
  g_autoptr(FcFoodItem) food = NULL;

  if (self->foods == NULL)
    return;
  food = g_list_model_get_item (G_LIST_MODEL (self->foods), position);
  if (food == NULL)
    return;
  fc_meal_editor_add_item (self, fc_food_item_get_id (food), 1.0, fc_food_item_get_name (food));
  gtk_popover_popdown (self->add_popover);
}

static void
on_food_list_activate_cb (FcMealEditor *self,
                          guint         position)
{
  add_food_at (self, position);
}

/* Enter takes the best match. */
static void
on_food_search_activate_cb (FcMealEditor *self)
{
  add_food_at (self, 0);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcMealEditor *self = FC_MEAL_EDITOR (widget);
  FcStore *store = fc_session_get_store (self->session);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonArray) items = json_array_new ();
  g_autofree char *name =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *description =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row))));
  guint category = adw_combo_row_get_selected (self->category_row);

  if (store == NULL)
    return;
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  if (*name == '\0') {
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("Enter the meal’s name")));
    return;
  }

  for (guint i = 0; i < self->items->len; i++) {
    MealItem *item = self->items->pdata[i];
    JsonObject *entry = json_object_new ();

    /* Typed digits count even before the spin button loses focus. */
    gtk_spin_button_update (item->spin);
    json_object_set_int_member (entry, "food", item->food_id);
    json_object_set_double_member (entry, "number_of_servings",
                                   gtk_spin_button_get_value (item->spin));
    json_array_add_object_element (items, entry);
  }

  json_object_set_string_member (fields, "name", name);
  json_object_set_string_member (fields, "description", description);
  if (category < FC_N_MEAL_TIMES)
    json_object_set_string_member (fields, "meal_time_category", fc_meal_time_get_code (category));
  json_object_set_boolean_member (fields, "is_template",
                                  gtk_switch_get_active (self->template_switch));
  json_object_set_array_member (fields, "meal_items", g_steal_pointer (&items));

  fc_nutrition_save (GTK_WINDOW (self), self->toast_overlay, self->session, FC_STORE_MEALS,
                     self->id, fields, "meal.save", _("Meal saved"));
}

static void
add_food_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  gtk_menu_button_popup (FC_MEAL_EDITOR (widget)->add_button);
}

static void
fc_meal_editor_dispose (GObject *object)
{
  FcMealEditor *self = FC_MEAL_EDITOR (object);

  /* Reads stop; a save that started finishes in the store anyway. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->foods_selection);
  g_clear_object (&self->foods);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_MEAL_EDITOR);

  G_OBJECT_CLASS (fc_meal_editor_parent_class)->dispose (object);
}

static void
fc_meal_editor_finalize (GObject *object)
{
  FcMealEditor *self = FC_MEAL_EDITOR (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (fc_meal_editor_parent_class)->finalize (object);
}

static void
fc_meal_editor_class_init (FcMealEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_meal_editor_dispose;
  object_class->finalize = fc_meal_editor_finalize;

  g_type_ensure (FC_TYPE_NUTRIENTS_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/nutrition/fc-meal-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, category_row);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, template_switch);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, add_popover);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, food_search);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, food_list);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, items_stack);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, items_list);
  gtk_widget_class_bind_template_child (widget_class, FcMealEditor, totals_group);
  gtk_widget_class_bind_template_callback (widget_class, on_add_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_food_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_food_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_food_list_activate_cb);

  gtk_widget_class_install_action (widget_class, "meal.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "meal.add-food", NULL, add_food_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "meal.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "meal.add-food", NULL);
}

static void
fc_meal_editor_init (FcMealEditor *self)
{
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = fc_nutrition_food_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < FC_N_MEAL_TIMES; i++)
    gtk_string_list_append (categories, fc_meal_time_get_label (i));
  adw_combo_row_set_model (self->category_row, G_LIST_MODEL (categories));
  fc_accessible_name_combo_row (self->category_row);

  gtk_list_view_set_factory (self->food_list, factory);

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) meal_item_free);
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
fc_meal_editor_new (GtkWindow  *parent,
                    FcSession  *session,
                    JsonObject *meal,
                    gboolean    copy)
{
  FcMealEditor *self;
  FcStore *store;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_MEAL_EDITOR, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  store = fc_session_get_store (session);
  if (store != NULL) {
    self->foods = fc_food_list_model_new (store);
    fc_food_list_model_set_limit (self->foods, SEARCH_LIMIT);
    self->foods_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->foods)));
    gtk_list_view_set_model (self->food_list, GTK_SELECTION_MODEL (self->foods_selection));
  }
  fc_meal_editor_load (self, meal, copy);
  return GTK_WIDGET (self);
}
