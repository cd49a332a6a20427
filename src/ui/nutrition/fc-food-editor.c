/* fc-food-editor.c — create or edit a food, offline too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-food-editor"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "fc-food-editor.h"

#include "fc-json.h"
#include "fc-nutrition-format.h"
#include "fc-nutrition-ui.h"

/* Save writes through the store (a create or an update queued in its
 * outbox) and asks the sync engine to send it, so it works offline. The
 * form checks what the server would refuse, so the user hears it here. */
struct _FcFoodEditor
{
  AdwWindow        parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwEntryRow     *name_row;
  AdwEntryRow     *description_row;
  AdwComboRow     *category_row;
  GtkWidget       *public_row;
  GtkSwitch       *public_switch;
  GtkSpinButton   *quantity_spin;
  AdwEntryRow     *unit_row;
  GtkSpinButton   *calories_spin;
  GtkSpinButton   *protein_spin;
  GtkSpinButton   *carbohydrates_spin;
  GtkSpinButton   *fat_spin;
  AdwEntryRow     *fiber_row;
  AdwEntryRow     *sugar_row;
  AdwEntryRow     *sodium_row;

  /* Owned */
  FcSession       *session;
  gint64           id;          /* 0 for a new food */
};

G_DEFINE_FINAL_TYPE (FcFoodEditor, fc_food_editor, ADW_TYPE_WINDOW)

static void
set_entry_number (AdwEntryRow *row,
                  JsonObject  *food,
                  const char  *member)
{
  double value;

  if (food != NULL && fc_json_get_double (food, member, &value)) {
    char text[G_ASCII_DTOSTR_BUF_SIZE];

    g_snprintf (text, sizeof text, "%g", value);
    gtk_editable_set_text (GTK_EDITABLE (row), text);
  }
}

static void
set_spin (GtkSpinButton *spin,
          JsonObject    *food,
          const char    *member,
          double         fallback)
{
  double value = fallback;

  if (food != NULL)
    fc_json_get_double (food, member, &value);
  gtk_spin_button_set_value (spin, value);
}

static void
fc_food_editor_load (FcFoodEditor *self,
                     JsonObject   *food)
{
  const char *unit = food != NULL ? fc_json_get_string (food, "serving_unit") : NULL;
  gboolean is_public = FALSE;

  if (food != NULL) {
    fc_json_get_int (food, "id", &self->id);
    fc_json_get_boolean (food, "is_public", &is_public);
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), fc_json_get_string (food, "name") ?: "");
    gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                           fc_json_get_string (food, "description") ?: "");
  }
  adw_combo_row_set_selected (self->category_row,
                              fc_nutrition_code_index (fc_nutrition_food_category_codes (),
                                                       food != NULL
                                                       ? fc_json_get_string (food, "food_category")
                                                       : NULL,
                                                       /* "OT", the server's default */ 7));
  gtk_switch_set_active (self->public_switch, is_public);
  set_spin (self->quantity_spin, food, "serving_quantity", 1.0);
  gtk_editable_set_text (GTK_EDITABLE (self->unit_row), unit != NULL ? unit : "g");
  set_spin (self->calories_spin, food, "calories", 0.0);
  set_spin (self->protein_spin, food, "protein", 0.0);
  set_spin (self->carbohydrates_spin, food, "carbohydrates", 0.0);
  set_spin (self->fat_spin, food, "fat", 0.0);
  set_entry_number (self->fiber_row, food, "fiber");
  set_entry_number (self->sugar_row, food, "sugar");
  set_entry_number (self->sodium_row, food, "sodium");

  gtk_window_set_title (GTK_WINDOW (self), self->id != 0 ? _("Edit Food") : _("New Food"));
}

static void
mark_invalid (FcFoodEditor *self,
              GtkWidget    *row,
              const char   *message,
              gboolean     *first)
{
  gtk_widget_add_css_class (row, "error");
  if (*first) {
    gtk_widget_grab_focus (row);
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
  }
  *first = FALSE;
}

/* An optional amount: empty is null, otherwise a number of at least 0. */
static gboolean
read_optional (FcFoodEditor *self,
               AdwEntryRow  *row,
               const char   *member,
               JsonObject   *fields,
               gboolean     *first)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  char *end = NULL;
  double value;

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (*text == '\0') {
    json_object_set_null_member (fields, member);
    return TRUE;
  }
  /* People type either decimal mark. */
  g_strdelimit (text, ",", '.');
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || value < 0 || !isfinite (value)) {
    mark_invalid (self, GTK_WIDGET (row), _("Enter an amount of 0 or more, or leave it empty"),
                  first);
    return FALSE;
  }
  json_object_set_double_member (fields, member, value);
  return TRUE;
}

static JsonObject *
collect_fields (FcFoodEditor *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *unit = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->unit_row))));
  g_autofree char *description =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row))));
  const char * const *codes = fc_nutrition_food_category_codes ();
  guint category = adw_combo_row_get_selected (self->category_row);
  gboolean first = TRUE;
  gboolean valid = TRUE;

  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->unit_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->quantity_spin), "error");

  /* Typed digits count even before the spin button loses focus. */
  gtk_spin_button_update (self->quantity_spin);
  gtk_spin_button_update (self->calories_spin);
  gtk_spin_button_update (self->protein_spin);
  gtk_spin_button_update (self->carbohydrates_spin);
  gtk_spin_button_update (self->fat_spin);

  if (*name == '\0') {
    mark_invalid (self, GTK_WIDGET (self->name_row), _("Enter the food’s name"), &first);
    valid = FALSE;
  } else if (g_utf8_strlen (name, -1) > 255) {
    mark_invalid (self, GTK_WIDGET (self->name_row), _("Use a name of 255 characters at most"),
                  &first);
    valid = FALSE;
  }
  /* The server's minimum serving (wire §4.13). */
  if (gtk_spin_button_get_value (self->quantity_spin) < 0.01) {
    mark_invalid (self, GTK_WIDGET (self->quantity_spin), _("Enter a serving of at least 0.01"),
                  &first);
    valid = FALSE;
  }
  if (*unit == '\0') {
    mark_invalid (self, GTK_WIDGET (self->unit_row), _("Enter the serving’s unit, such as “g”"),
                  &first);
    valid = FALSE;
  }
  valid &= read_optional (self, self->fiber_row, "fiber", fields, &first);
  valid &= read_optional (self, self->sugar_row, "sugar", fields, &first);
  valid &= read_optional (self, self->sodium_row, "sodium", fields, &first);
  if (!valid)
    return NULL;

  json_object_set_string_member (fields, "name", name);
  json_object_set_string_member (fields, "description", description);
  json_object_set_double_member (fields, "serving_quantity",
                                 gtk_spin_button_get_value (self->quantity_spin));
  json_object_set_string_member (fields, "serving_unit", unit);
  json_object_set_double_member (fields, "calories", gtk_spin_button_get_value (self->calories_spin));
  json_object_set_double_member (fields, "protein", gtk_spin_button_get_value (self->protein_spin));
  json_object_set_double_member (fields, "carbohydrates",
                                 gtk_spin_button_get_value (self->carbohydrates_spin));
  json_object_set_double_member (fields, "fat", gtk_spin_button_get_value (self->fat_spin));
  if (category < g_strv_length ((char **) codes))
    json_object_set_string_member (fields, "food_category", codes[category]);
  if (fc_session_get_is_staff (self->session))
    json_object_set_boolean_member (fields, "is_public", gtk_switch_get_active (self->public_switch));
  return g_steal_pointer (&fields);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcFoodEditor *self = FC_FOOD_EDITOR (widget);
  g_autoptr(JsonObject) fields = collect_fields (self);

  if (fields != NULL)
    fc_nutrition_save (GTK_WINDOW (self), self->toast_overlay, self->session, FC_STORE_FOODS,
                       self->id, fields, "food.save", _("Food saved"));
}

/* A field marked wrong is unmarked as soon as the user changes it. */
static void
on_field_changed_cb (GtkWidget *field)
{
  GtkWidget *row = gtk_widget_get_ancestor (field, ADW_TYPE_PREFERENCES_ROW);

  gtk_widget_remove_css_class (row != NULL ? row : field, "error");
}

static void
fc_food_editor_dispose (GObject *object)
{
  FcFoodEditor *self = FC_FOOD_EDITOR (object);

  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_FOOD_EDITOR);

  G_OBJECT_CLASS (fc_food_editor_parent_class)->dispose (object);
}

static void
fc_food_editor_class_init (FcFoodEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_food_editor_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/nutrition/fc-food-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, category_row);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, public_row);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, public_switch);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, quantity_spin);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, unit_row);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, calories_spin);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, protein_spin);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, carbohydrates_spin);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, fat_spin);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, fiber_row);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, sugar_row);
  gtk_widget_class_bind_template_child (widget_class, FcFoodEditor, sodium_row);

  gtk_widget_class_install_action (widget_class, "food.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "food.save",
                                       NULL);
}

static void
fc_food_editor_init (FcFoodEditor *self)
{
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);
  const char * const *codes = fc_nutrition_food_category_codes ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; codes[i] != NULL; i++)
    gtk_string_list_append (categories, fc_nutrition_food_category_label (codes[i]));
  adw_combo_row_set_model (self->category_row, G_LIST_MODEL (categories));

  g_signal_connect (self->name_row, "changed", G_CALLBACK (on_field_changed_cb), NULL);
  g_signal_connect (self->unit_row, "changed", G_CALLBACK (on_field_changed_cb), NULL);
  g_signal_connect (self->fiber_row, "changed", G_CALLBACK (on_field_changed_cb), NULL);
  g_signal_connect (self->sugar_row, "changed", G_CALLBACK (on_field_changed_cb), NULL);
  g_signal_connect (self->sodium_row, "changed", G_CALLBACK (on_field_changed_cb), NULL);
}

GtkWidget *
fc_food_editor_new (GtkWindow  *parent,
                    FcSession  *session,
                    JsonObject *food)
{
  FcFoodEditor *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_FOOD_EDITOR, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  gtk_widget_set_visible (self->public_row, fc_session_get_is_staff (session));
  fc_food_editor_load (self, food);
  return GTK_WIDGET (self);
}
