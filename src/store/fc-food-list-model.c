/* fc-food-list-model.c — the foods the UI lists, searched as the user types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-food-list-model.h"
#include "fc-store-private.h"

#include "fc-store-read.h"

/* 0: every food, read in windows; a search shows at most
 * FC_STORE_SEARCH_CAP. */
#define DEFAULT_LIMIT 0

struct _FcFoodListModel {
  FcStoreModel parent_instance;

  /* owned */
  char        *query;
  char        *category;

  guint        limit;
};

G_DEFINE_FINAL_TYPE (FcFoodListModel, fc_food_list_model, FC_TYPE_STORE_MODEL)

enum {
  PROP_0,
  PROP_QUERY,
  PROP_CATEGORY,
  PROP_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fc_food_list_model_get_filter (FcStoreModel       *model,
                               FcStoreModelFilter *filter)
{
  FcFoodListModel *self = FC_FOOD_LIST_MODEL (model);

  filter->text = g_strdup (self->query);
  filter->text2 = g_strdup (self->category);
  filter->number = self->limit;
}

static GPtrArray *
fc_food_list_model_read (gpointer                  db,
                         const FcStoreModelFilter *filter,
                         guint                     offset,
                         guint                     limit,
                         gpointer                  after,
                         guint                    *n_items,
                         GError                  **error)
{
  return fc_store_foods_read (db, filter->text, filter->text2, filter->number, offset, limit,
                              after, n_items, error);
}

/* A row on its way reads as an empty food, not NULL strings. */
static gpointer
fc_food_list_model_placeholder (FcStoreModel *model)
{
  FcFoodItem *item = g_object_new (FC_TYPE_FOOD_ITEM, NULL);

  item->name = g_strdup ("");
  item->description = g_strdup ("");
  item->serving_unit = g_strdup ("");
  item->category = g_strdup ("");
  return item;
}

static void
fc_food_list_model_finalize (GObject *object)
{
  FcFoodListModel *self = (FcFoodListModel *) object;

  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->category, g_free);

  G_OBJECT_CLASS (fc_food_list_model_parent_class)->finalize (object);
}

static void
fc_food_list_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FcFoodListModel *self = FC_FOOD_LIST_MODEL (object);

  switch (prop_id) {
    case PROP_QUERY:
      g_value_set_string (value, self->query);
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_LIMIT:
      g_value_set_uint (value, self->limit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_food_list_model_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FcFoodListModel *self = FC_FOOD_LIST_MODEL (object);

  switch (prop_id) {
    case PROP_QUERY:
      fc_food_list_model_set_query (self, g_value_get_string (value));
      break;
    case PROP_CATEGORY:
      fc_food_list_model_set_category (self, g_value_get_string (value));
      break;
    case PROP_LIMIT:
      fc_food_list_model_set_limit (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static gboolean
food_item_equal (gpointer a,
                 gpointer b)
{
  return fc_food_item_equal (a, b);
}

static void
fc_food_list_model_class_init (FcFoodListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FcStoreModelClass *model_class = FC_STORE_MODEL_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fc_food_list_model_finalize;
  object_class->get_property = fc_food_list_model_get_property;
  object_class->set_property = fc_food_list_model_set_property;

  model_class->resource = FC_STORE_FOODS;
  model_class->item_type = FC_TYPE_FOOD_ITEM;
  model_class->get_filter = fc_food_list_model_get_filter;
  model_class->read = fc_food_list_model_read;
  model_class->placeholder = fc_food_list_model_placeholder;
  model_class->equal = food_item_equal;

  /* What the user typed; empty lists every food by name. */
  properties[PROP_QUERY] = g_param_spec_string ("query", NULL, NULL, NULL, flags);
  properties[PROP_CATEGORY] = g_param_spec_string ("category", NULL, NULL, NULL, flags);
  properties[PROP_LIMIT] =
    g_param_spec_uint ("limit", NULL, NULL, 0, G_MAXUINT, DEFAULT_LIMIT, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_food_list_model_init (FcFoodListModel *self)
{
  self->limit = DEFAULT_LIMIT;
}

FcFoodListModel *
fc_food_list_model_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);

  return g_object_new (FC_TYPE_FOOD_LIST_MODEL, "store", store, NULL);
}

const char *
fc_food_list_model_get_query (FcFoodListModel *self)
{
  g_return_val_if_fail (FC_IS_FOOD_LIST_MODEL (self), NULL);

  return self->query;
}

void
fc_food_list_model_set_query (FcFoodListModel *self,
                              const char      *query)
{
  g_return_if_fail (FC_IS_FOOD_LIST_MODEL (self));

  if (fc_store_model_set_filter (FC_STORE_MODEL (self), &self->query, query))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
}

const char *
fc_food_list_model_get_category (FcFoodListModel *self)
{
  g_return_val_if_fail (FC_IS_FOOD_LIST_MODEL (self), NULL);

  return self->category;
}

void
fc_food_list_model_set_category (FcFoodListModel *self,
                                 const char      *category)
{
  g_return_if_fail (FC_IS_FOOD_LIST_MODEL (self));

  if (fc_store_model_set_filter (FC_STORE_MODEL (self), &self->category, category))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATEGORY]);
}

guint
fc_food_list_model_get_limit (FcFoodListModel *self)
{
  g_return_val_if_fail (FC_IS_FOOD_LIST_MODEL (self), 0);

  return self->limit;
}

/* At most @limit foods; 0 lists every food (read in windows), and a
 * search at most FC_STORE_SEARCH_CAP. */
void
fc_food_list_model_set_limit (FcFoodListModel *self,
                              guint            limit)
{
  g_return_if_fail (FC_IS_FOOD_LIST_MODEL (self));

  if (self->limit == limit)
    return;
  self->limit = limit;
  fc_store_model_reload (FC_STORE_MODEL (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT]);
}
