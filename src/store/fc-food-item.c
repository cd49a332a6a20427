/* fc-food-item.c — one food as the UI lists it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-food-item.h"
#include "fc-store-private.h"

/* Immutable: the store builds a new item when the food changes, and the
 * list models replace it. */

G_DEFINE_FINAL_TYPE (FcFoodItem, fc_food_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_SERVING_QUANTITY,
  PROP_SERVING_UNIT,
  PROP_CALORIES,
  PROP_PROTEIN,
  PROP_CARBOHYDRATES,
  PROP_FAT,
  PROP_CATEGORY,
  PROP_IS_PUBLIC,
  PROP_IS_OWN,
  PROP_DIRTY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fc_food_item_finalize (GObject *object)
{
  FcFoodItem *self = (FcFoodItem *) object;

  g_free (self->name);
  g_free (self->description);
  g_free (self->serving_unit);
  g_free (self->category);

  G_OBJECT_CLASS (fc_food_item_parent_class)->finalize (object);
}

static void
fc_food_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FcFoodItem *self = FC_FOOD_ITEM (object);

  switch (prop_id) {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_SERVING_QUANTITY:
      g_value_set_double (value, self->serving_quantity);
      break;
    case PROP_SERVING_UNIT:
      g_value_set_string (value, self->serving_unit);
      break;
    case PROP_CALORIES:
      g_value_set_double (value, self->calories);
      break;
    case PROP_PROTEIN:
      g_value_set_double (value, self->protein);
      break;
    case PROP_CARBOHYDRATES:
      g_value_set_double (value, self->carbohydrates);
      break;
    case PROP_FAT:
      g_value_set_double (value, self->fat);
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_IS_PUBLIC:
      g_value_set_boolean (value, self->is_public);
      break;
    case PROP_IS_OWN:
      g_value_set_boolean (value, self->is_own);
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_food_item_class_init (FcFoodItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fc_food_item_finalize;
  object_class->get_property = fc_food_item_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_SERVING_QUANTITY] =
    g_param_spec_double ("serving-quantity", NULL, NULL, 0, G_MAXDOUBLE, 1, flags);
  properties[PROP_SERVING_UNIT] = g_param_spec_string ("serving-unit", NULL, NULL, NULL, flags);
  properties[PROP_CALORIES] =
    g_param_spec_double ("calories", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_PROTEIN] =
    g_param_spec_double ("protein", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_CARBOHYDRATES] =
    g_param_spec_double ("carbohydrates", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_FAT] =
    g_param_spec_double ("fat", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_CATEGORY] = g_param_spec_string ("category", NULL, NULL, NULL, flags);
  properties[PROP_IS_PUBLIC] = g_param_spec_boolean ("is-public", NULL, NULL, FALSE, flags);
  properties[PROP_IS_OWN] = g_param_spec_boolean ("is-own", NULL, NULL, FALSE, flags);
  /* Changed here and not on the server yet. */
  properties[PROP_DIRTY] = g_param_spec_boolean ("dirty", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_food_item_init (FcFoodItem *self)
{
}

gint64
fc_food_item_get_id (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), 0);
  return self->id;
}

const char *
fc_food_item_get_name (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), NULL);
  return self->name;
}

const char *
fc_food_item_get_description (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), NULL);
  return self->description;
}

double
fc_food_item_get_serving_quantity (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), 0);
  return self->serving_quantity;
}

const char *
fc_food_item_get_serving_unit (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), NULL);
  return self->serving_unit;
}

double
fc_food_item_get_calories (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), 0);
  return self->calories;
}

double
fc_food_item_get_protein (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), 0);
  return self->protein;
}

double
fc_food_item_get_carbohydrates (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), 0);
  return self->carbohydrates;
}

double
fc_food_item_get_fat (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), 0);
  return self->fat;
}

const char *
fc_food_item_get_category (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), NULL);
  return self->category;
}

gboolean
fc_food_item_get_is_public (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), FALSE);
  return self->is_public;
}

gboolean
fc_food_item_get_is_own (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), FALSE);
  return self->is_own;
}

gboolean
fc_food_item_get_dirty (FcFoodItem *self)
{
  g_return_val_if_fail (FC_IS_FOOD_ITEM (self), FALSE);
  return self->dirty;
}

/* Same food, same contents: the list models keep such items in place. */
gboolean
fc_food_item_equal (FcFoodItem *a,
                    FcFoodItem *b)
{
  return a->id == b->id &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->description, b->description) == 0 &&
         a->serving_quantity == b->serving_quantity &&
         g_strcmp0 (a->serving_unit, b->serving_unit) == 0 &&
         a->calories == b->calories && a->protein == b->protein &&
         a->carbohydrates == b->carbohydrates && a->fat == b->fat &&
         g_strcmp0 (a->category, b->category) == 0 &&
         a->is_public == b->is_public && a->is_own == b->is_own && a->dirty == b->dirty;
}
