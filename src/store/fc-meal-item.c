/* fc-meal-item.c — one meal as the lists show it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-meal-item.h"

#include "fc-json.h"

struct _FcMealItem
{
  FcObjectItem parent_instance;
};

G_DEFINE_FINAL_TYPE (FcMealItem, fc_meal_item, FC_TYPE_OBJECT_ITEM)

static void
fc_meal_item_class_init (FcMealItemClass *klass)
{
}

static void
fc_meal_item_init (FcMealItem *self)
{
}

static JsonObject *
object_of (FcMealItem *self)
{
  return fc_object_item_get_object (FC_OBJECT_ITEM (self));
}

const char *
fc_meal_item_get_meal_time_category (FcMealItem *self)
{
  g_return_val_if_fail (FC_IS_MEAL_ITEM (self), NULL);

  return fc_json_get_string (object_of (self), "meal_time_category");
}

gboolean
fc_meal_item_get_is_template (FcMealItem *self)
{
  g_return_val_if_fail (FC_IS_MEAL_ITEM (self), FALSE);

  return fc_object_item_get_flag (FC_OBJECT_ITEM (self), "is_template", FALSE);
}

gboolean
fc_meal_item_get_is_own (FcMealItem *self)
{
  g_return_val_if_fail (FC_IS_MEAL_ITEM (self), FALSE);

  return fc_object_item_get_flag (FC_OBJECT_ITEM (self), "is_own", FALSE);
}

guint
fc_meal_item_get_n_items (FcMealItem *self)
{
  JsonArray *items;

  g_return_val_if_fail (FC_IS_MEAL_ITEM (self), 0);

  items = fc_json_get_array (object_of (self), "meal_items");
  return items != NULL ? json_array_get_length (items) : 0;
}

gboolean
fc_meal_item_get_total_calories (FcMealItem *self,
                                 double     *out_calories)
{
  g_return_val_if_fail (FC_IS_MEAL_ITEM (self), FALSE);
  g_return_val_if_fail (out_calories != NULL, FALSE);

  if (fc_object_item_get_dirty (FC_OBJECT_ITEM (self)))
    return FALSE;
  return fc_json_get_double (object_of (self), "total_calories", out_calories);
}
