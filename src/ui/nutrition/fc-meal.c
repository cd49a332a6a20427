/* fc-meal.c — one meal as the Meals list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-meal"

#include "config.h"

#include "fc-meal.h"

#include "fc-json.h"

struct _FcMeal
{
  GObject     parent_instance;

  /* Owned */
  JsonObject *object;
};

G_DEFINE_FINAL_TYPE (FcMeal, fc_meal, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_MEAL_TIME_CATEGORY,
  PROP_IS_TEMPLATE,
  PROP_IS_OWN,
  PROP_DIRTY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
get_boolean (FcMeal     *self,
             const char *member)
{
  gboolean value = FALSE;

  fc_json_get_boolean (self->object, member, &value);
  return value;
}

static void
fc_meal_finalize (GObject *object)
{
  FcMeal *self = FC_MEAL (object);

  g_clear_pointer (&self->object, json_object_unref);

  G_OBJECT_CLASS (fc_meal_parent_class)->finalize (object);
}

static void
fc_meal_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  FcMeal *self = FC_MEAL (object);

  switch (prop_id) {
    case PROP_ID:
      g_value_set_int64 (value, fc_meal_get_id (self));
      break;
    case PROP_NAME:
      g_value_set_string (value, fc_meal_get_name (self));
      break;
    case PROP_MEAL_TIME_CATEGORY:
      g_value_set_string (value, fc_meal_get_meal_time_category (self));
      break;
    case PROP_IS_TEMPLATE:
      g_value_set_boolean (value, fc_meal_get_is_template (self));
      break;
    case PROP_IS_OWN:
      g_value_set_boolean (value, fc_meal_get_is_own (self));
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, fc_meal_get_dirty (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_meal_class_init (FcMealClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fc_meal_finalize;
  object_class->get_property = fc_meal_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_MEAL_TIME_CATEGORY] =
    g_param_spec_string ("meal-time-category", NULL, NULL, NULL, flags);
  properties[PROP_IS_TEMPLATE] = g_param_spec_boolean ("is-template", NULL, NULL, FALSE, flags);
  properties[PROP_IS_OWN] = g_param_spec_boolean ("is-own", NULL, NULL, FALSE, flags);
  properties[PROP_DIRTY] = g_param_spec_boolean ("dirty", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_meal_init (FcMeal *self)
{
}

FcMeal *
fc_meal_new (JsonObject *object)
{
  FcMeal *self;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (FC_TYPE_MEAL, NULL);
  self->object = json_object_ref (object);
  return self;
}

JsonObject *
fc_meal_get_object (FcMeal *self)
{
  g_return_val_if_fail (FC_IS_MEAL (self), NULL);

  return self->object;
}

gint64
fc_meal_get_id (FcMeal *self)
{
  gint64 id = 0;

  g_return_val_if_fail (FC_IS_MEAL (self), 0);

  fc_json_get_int (self->object, "id", &id);
  return id;
}

const char *
fc_meal_get_name (FcMeal *self)
{
  g_return_val_if_fail (FC_IS_MEAL (self), NULL);

  return fc_json_get_string (self->object, "name");
}

const char *
fc_meal_get_meal_time_category (FcMeal *self)
{
  g_return_val_if_fail (FC_IS_MEAL (self), NULL);

  return fc_json_get_string (self->object, "meal_time_category");
}

gboolean
fc_meal_get_is_template (FcMeal *self)
{
  g_return_val_if_fail (FC_IS_MEAL (self), FALSE);

  return get_boolean (self, "is_template");
}

gboolean
fc_meal_get_is_own (FcMeal *self)
{
  g_return_val_if_fail (FC_IS_MEAL (self), FALSE);

  return get_boolean (self, "is_own");
}

gboolean
fc_meal_get_dirty (FcMeal *self)
{
  g_return_val_if_fail (FC_IS_MEAL (self), FALSE);

  return get_boolean (self, "dirty");
}

guint
fc_meal_get_n_items (FcMeal *self)
{
  JsonArray *items;

  g_return_val_if_fail (FC_IS_MEAL (self), 0);

  items = fc_json_get_array (self->object, "meal_items");
  return items != NULL ? json_array_get_length (items) : 0;
}

gboolean
fc_meal_get_total_calories (FcMeal *self,
                            double *out_calories)
{
  g_return_val_if_fail (FC_IS_MEAL (self), FALSE);
  g_return_val_if_fail (out_calories != NULL, FALSE);

  if (fc_meal_get_dirty (self))
    return FALSE;
  return fc_json_get_double (self->object, "total_calories", out_calories);
}

gboolean
fc_meal_equal (FcMeal *a,
               FcMeal *b)
{
  g_return_val_if_fail (FC_IS_MEAL (a) && FC_IS_MEAL (b), FALSE);

  return json_object_equal (a->object, b->object);
}
