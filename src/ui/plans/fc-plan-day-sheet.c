/* fc-plan-day-sheet.c — one day of a plan: its meals, remove, add
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-day-sheet"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plan-day-sheet.h"

#include "fc-accessible.h"
#include "fc-json.h"
#include "fc-plans-common.h"

struct _FcPlanDaySheet
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  AdwPreferencesGroup *meals_group;
  GtkListBox          *meals_list;
  AdwComboRow         *meal_row;

  /* Owned */
  FcPlanSource        *source;
  FcPlanLayout        *layout;
  GArray              *meal_ids;   /* gint64, in meal_row's order */
  guint                day;
};

G_DEFINE_FINAL_TYPE (FcPlanDaySheet, fc_plan_day_sheet, ADW_TYPE_WINDOW)

static GtkWidget *
new_meal_row (const FcPlanEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;
  const char *name = entry->name[0] != '\0' ? entry->name : _("Unknown meal");

  /* Translators: "Breakfast: Oat porridge" */
  title = g_strdup_printf (_("%s: %s"), fc_meal_time_get_label (entry->meal_time), name);
  /* Translators: a meal's energy and macros */
  subtitle = g_strdup_printf (_("%'.0f kcal · protein %.0f g · carbs %.0f g · fat %.0f g"),
                              entry->values[FC_PLAN_MACRO_CALORIES],
                              entry->values[FC_PLAN_MACRO_PROTEIN],
                              entry->values[FC_PLAN_MACRO_CARBOHYDRATES],
                              entry->values[FC_PLAN_MACRO_FAT]);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  /* Translators: the accessible name of a button removing a meal from a day */
  accessible = g_strdup_printf (_("Remove %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  gtk_widget_set_tooltip_text (remove, accessible);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "day.remove-meal");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove),
                                          g_variant_new_int64 (entry->meal_id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static void
rebuild (FcPlanDaySheet *self)
{
  GtkWidget *child;
  g_autofree char *subtitle = NULL;
  g_autofree char *totals = NULL;
  g_autofree char *date_text = NULL;
  GDate date;
  guint n;
  double target;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->meals_list))) != NULL)
    gtk_list_box_remove (self->meals_list, child);
  if (self->layout == NULL)
    return;

  if (fc_plan_layout_get_date (self->layout, self->day, &date)) {
    g_autoptr(GDateTime) noon = g_date_time_new_utc (g_date_get_year (&date),
                                                     g_date_get_month (&date),
                                                     g_date_get_day (&date), 12, 0, 0);

    /* Translators: a day sheet's title, a strftime() format: "Friday 27 November 2026" */
    date_text = g_date_time_format (noon, _("%A %-d %B %Y"));
  }
  adw_window_title_set_title (self->window_title, date_text != NULL ? date_text : "");
  /* Translators: the day of a meal plan, "Day 3 of 7" */
  subtitle = g_strdup_printf (_("Day %u of %u"), self->day,
                              fc_plan_layout_get_n_days (self->layout));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), date_text != NULL ? date_text : subtitle);

  n = fc_plan_layout_get_n_entries (self->layout, self->day);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->meals_list,
                         new_meal_row (fc_plan_layout_get_entry (self->layout, self->day, i)));
  if (n == 0) {
    GtkWidget *row = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No meals on this day"));
    gtk_list_box_append (self->meals_list, row);
  }

  if (fc_plan_layout_get_target (self->layout, FC_PLAN_MACRO_CALORIES, &target))
    /* Translators: a day's planned energy against the plan's target */
    totals = g_strdup_printf (_("%'.0f of %'.0f kcal"),
                              fc_plan_layout_get_total (self->layout, self->day,
                                                        FC_PLAN_MACRO_CALORIES), target);
  else
    totals = g_strdup_printf (_("%'.0f kcal"),
                              fc_plan_layout_get_total (self->layout, self->day,
                                                        FC_PLAN_MACRO_CALORIES));
  adw_preferences_group_set_description (self->meals_group, totals);
}

static void
remove_meal_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FcPlanDaySheet *self = FC_PLAN_DAY_SHEET (widget);
  g_autoptr(JsonArray) payload = NULL;

  if (self->layout == NULL)
    return;
  payload = fc_plan_layout_remove_meal (self->layout, g_variant_get_int64 (parameter), self->day);
  if (payload != NULL)
    fc_plan_source_write_schedule (self->source, payload);
}

static void
add_meal_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FcPlanDaySheet *self = FC_PLAN_DAY_SHEET (widget);
  guint selected = adw_combo_row_get_selected (self->meal_row);
  g_autoptr(JsonArray) payload = NULL;

  if (self->layout == NULL || selected >= self->meal_ids->len)
    return;
  payload = fc_plan_layout_add_meal (self->layout,
                                     g_array_index (self->meal_ids, gint64, selected), self->day);
  /* The server refuses one meal twice on a day. */
  if (payload == NULL) {
    gtk_widget_error_bell (widget);
    return;
  }
  fc_plan_source_write_schedule (self->source, payload);
}

static void
fc_plan_day_sheet_dispose (GObject *object)
{
  FcPlanDaySheet *self = FC_PLAN_DAY_SHEET (object);

  g_clear_object (&self->source);
  g_clear_object (&self->layout);
  g_clear_pointer (&self->meal_ids, g_array_unref);

  G_OBJECT_CLASS (fc_plan_day_sheet_parent_class)->dispose (object);
}

static void
fc_plan_day_sheet_class_init (FcPlanDaySheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_plan_day_sheet_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/plans/fc-plan-day-sheet.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPlanDaySheet, window_title);
  gtk_widget_class_bind_template_child (widget_class, FcPlanDaySheet, meals_group);
  gtk_widget_class_bind_template_child (widget_class, FcPlanDaySheet, meals_list);
  gtk_widget_class_bind_template_child (widget_class, FcPlanDaySheet, meal_row);

  gtk_widget_class_install_action (widget_class, "day.remove-meal", "x", remove_meal_action);
  gtk_widget_class_install_action (widget_class, "day.add-meal", NULL, add_meal_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fc_plan_day_sheet_init (FcPlanDaySheet *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->meal_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

GtkWidget *
fc_plan_day_sheet_new (GtkWindow    *parent,
                       FcPlanSource *source,
                       guint         day)
{
  FcPlanDaySheet *self;

  g_return_val_if_fail (FC_IS_PLAN_SOURCE (source), NULL);

  self = g_object_new (FC_TYPE_PLAN_DAY_SHEET, "transient-for", parent, NULL);
  self->source = g_object_ref (source);
  self->day = day;
  return GTK_WIDGET (self);
}

guint
fc_plan_day_sheet_get_day (FcPlanDaySheet *self)
{
  g_return_val_if_fail (FC_IS_PLAN_DAY_SHEET (self), 0);

  return self->day;
}

void
fc_plan_day_sheet_set_layout (FcPlanDaySheet *self,
                              FcPlanLayout   *layout)
{
  g_return_if_fail (FC_IS_PLAN_DAY_SHEET (self));

  g_set_object (&self->layout, layout);
  rebuild (self);
}

void
fc_plan_day_sheet_set_meals (FcPlanDaySheet *self,
                             JsonArray      *meals)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_return_if_fail (FC_IS_PLAN_DAY_SHEET (self));

  g_array_set_size (self->meal_ids, 0);
  for (guint i = 0; meals != NULL && i < json_array_get_length (meals); i++) {
    JsonNode *node = json_array_get_element (meals, i);
    JsonObject *meal;
    gint64 id;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    meal = json_node_get_object (node);
    if (!fc_json_get_int (meal, "id", &id))
      continue;
    g_array_append_val (self->meal_ids, id);
    gtk_string_list_append (names, fc_json_get_string (meal, "name") ?: "");
  }
  adw_combo_row_set_model (self->meal_row, G_LIST_MODEL (names));
  fc_accessible_name_combo_row (self->meal_row);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "day.add-meal", self->meal_ids->len > 0);
}
