/* fc-object-item.c — one stored object (a meal, a meal plan) as a list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-object-item.h"

#include "fc-json.h"
#include "fc-store-model.h"

typedef struct {
  /* owned */
  JsonObject *object;
} FcObjectItemPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (FcObjectItem, fc_object_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT,
  PROP_ID,
  PROP_NAME,
  PROP_DIRTY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static JsonObject *
get_object (FcObjectItem *self)
{
  FcObjectItemPrivate *priv = fc_object_item_get_instance_private (self);

  return priv->object;
}

static void
fc_object_item_finalize (GObject *object)
{
  FcObjectItemPrivate *priv = fc_object_item_get_instance_private (FC_OBJECT_ITEM (object));

  g_clear_pointer (&priv->object, json_object_unref);

  G_OBJECT_CLASS (fc_object_item_parent_class)->finalize (object);
}

static void
fc_object_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcObjectItem *self = FC_OBJECT_ITEM (object);

  switch (prop_id) {
    case PROP_OBJECT:
      g_value_set_boxed (value, get_object (self));
      break;
    case PROP_ID:
      g_value_set_int64 (value, fc_object_item_get_id (self));
      break;
    case PROP_NAME:
      g_value_set_string (value, fc_object_item_get_name (self));
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, fc_object_item_get_dirty (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_object_item_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FcObjectItemPrivate *priv = fc_object_item_get_instance_private (FC_OBJECT_ITEM (object));

  switch (prop_id) {
    case PROP_OBJECT:
      g_clear_pointer (&priv->object, json_object_unref);
      priv->object = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_object_item_class_init (FcObjectItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fc_object_item_finalize;
  object_class->get_property = fc_object_item_get_property;
  object_class->set_property = fc_object_item_set_property;

  properties[PROP_OBJECT] =
    g_param_spec_boxed ("object", NULL, NULL, JSON_TYPE_OBJECT,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DIRTY] = g_param_spec_boolean ("dirty", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_object_item_init (FcObjectItem *self)
{
}

/* Never NULL: an item made without an object (a placeholder) reads as an
 * empty one. */
JsonObject *
fc_object_item_get_object (FcObjectItem *self)
{
  FcObjectItemPrivate *priv = fc_object_item_get_instance_private (self);

  g_return_val_if_fail (FC_IS_OBJECT_ITEM (self), NULL);

  if (priv->object == NULL)
    priv->object = json_object_new ();
  return priv->object;
}

gint64
fc_object_item_get_id (FcObjectItem *self)
{
  gint64 id = 0;

  g_return_val_if_fail (FC_IS_OBJECT_ITEM (self), 0);

  fc_json_get_int (fc_object_item_get_object (self), "id", &id);
  return id;
}

const char *
fc_object_item_get_name (FcObjectItem *self)
{
  g_return_val_if_fail (FC_IS_OBJECT_ITEM (self), NULL);

  return fc_json_get_string (fc_object_item_get_object (self), "name");
}

gboolean
fc_object_item_get_flag (FcObjectItem *self,
                         const char   *member,
                         gboolean      fallback)
{
  gboolean value = fallback;

  g_return_val_if_fail (FC_IS_OBJECT_ITEM (self), fallback);

  fc_json_get_boolean (fc_object_item_get_object (self), member, &value);
  return value;
}

gboolean
fc_object_item_get_dirty (FcObjectItem *self)
{
  return fc_object_item_get_flag (self, "dirty", FALSE);
}

gboolean
fc_object_item_equal (gpointer a,
                      gpointer b)
{
  g_return_val_if_fail (FC_IS_OBJECT_ITEM (a) && FC_IS_OBJECT_ITEM (b), FALSE);

  return G_OBJECT_TYPE (a) == G_OBJECT_TYPE (b) &&
         json_object_equal (fc_object_item_get_object (a), fc_object_item_get_object (b));
}

static void
objects_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonArray) objects = NULL;
  g_autoptr(GPtrArray) items = NULL;
  GType item_type = GPOINTER_TO_SIZE (g_task_get_task_data (task));
  GError *error = NULL;

  objects = fc_store_list_objects_finish (FC_STORE (object), result, &error);
  if (objects == NULL) {
    g_task_return_error (task, error);
    return;
  }

  items = g_ptr_array_new_full (json_array_get_length (objects), g_object_unref);
  for (guint i = 0; i < json_array_get_length (objects); i++) {
    JsonNode *node = json_array_get_element (objects, i);

    if (JSON_NODE_HOLDS_OBJECT (node))
      g_ptr_array_add (items, g_object_new (item_type, "object", json_node_get_object (node),
                                            NULL));
  }
  g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
}

void
fc_object_item_query_async (FcStoreModel        *model,
                            FcStore             *store,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FcStoreModelClass *klass = FC_STORE_MODEL_GET_CLASS (model);
  /* FcStoreModel finishes with the store as the source object. */
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_return_if_fail (g_type_is_a (klass->item_type, FC_TYPE_OBJECT_ITEM));

  g_task_set_source_tag (task, fc_object_item_query_async);
  g_task_set_task_data (task, GSIZE_TO_POINTER (klass->item_type), NULL);
  fc_store_list_objects_async (store, klass->resource, cancellable, objects_listed_cb,
                               g_steal_pointer (&task));
}

GPtrArray *
fc_object_item_query_finish (FcStoreModel  *model,
                             FcStore       *store,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
