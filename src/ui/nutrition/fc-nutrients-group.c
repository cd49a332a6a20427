/* fc-nutrients-group.c — calories, macros, fiber, sugar and sodium as rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-nutrients-group"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-nutrients-group.h"

struct _FcNutrientsGroup
{
  AdwPreferencesGroup parent_instance;

  /* Borrowed: children of the group */
  GtkWidget *rows[FC_N_NUTRIENTS];
  GtkLabel  *values[FC_N_NUTRIENTS];
};

G_DEFINE_FINAL_TYPE (FcNutrientsGroup, fc_nutrients_group, ADW_TYPE_PREFERENCES_GROUP)

static void
fc_nutrients_group_class_init (FcNutrientsGroupClass *klass)
{
}

static void
fc_nutrients_group_init (FcNutrientsGroup *self)
{
  for (guint i = 0; i < FC_N_NUTRIENTS; i++) {
    GtkWidget *row = adw_action_row_new ();
    GtkWidget *value = gtk_label_new (NULL);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fc_nutrient_title (i));
    gtk_label_set_selectable (GTK_LABEL (value), TRUE);
    gtk_widget_add_css_class (value, "numeric");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
    self->rows[i] = row;
    self->values[i] = GTK_LABEL (value);
  }
}

GtkWidget *
fc_nutrients_group_new (void)
{
  return g_object_new (FC_TYPE_NUTRIENTS_GROUP, NULL);
}

void
fc_nutrients_group_show (FcNutrientsGroup  *self,
                         const FcNutrients *sums)
{
  g_return_if_fail (FC_IS_NUTRIENTS_GROUP (self));
  g_return_if_fail (sums != NULL);

  for (guint i = 0; i < FC_N_NUTRIENTS; i++) {
    g_autofree char *text = fc_nutrients_format (sums, i);

    gtk_widget_set_visible (self->rows[i], text != NULL);
    gtk_label_set_text (self->values[i], text != NULL ? text : "");
  }
}

const char *
fc_nutrients_group_get_text (FcNutrientsGroup *self,
                             FcNutrient        nutrient)
{
  g_return_val_if_fail (FC_IS_NUTRIENTS_GROUP (self), NULL);
  g_return_val_if_fail (nutrient < FC_N_NUTRIENTS, NULL);

  return gtk_label_get_text (self->values[nutrient]);
}
