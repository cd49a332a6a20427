/* fc-store-model.c — a GListModel over one store query, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-store-model.h"

/* The query runs on the store's thread; when the store says the resource
 * changed, the model asks again and reports only the rows that differ,
 * so a list view keeps its scroll position and selection. */

typedef struct {
  /* owned */
  FcStore      *store;
  GPtrArray    *items;
  GCancellable *cancellable;

  guint         loading : 1;
} FcStoreModelPrivate;

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (FcStoreModel, fc_store_model, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (FcStoreModel)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
fc_store_model_get_item_type (GListModel *model)
{
  return FC_STORE_MODEL_GET_CLASS (model)->item_type;
}

static guint
fc_store_model_get_n_items (GListModel *model)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (FC_STORE_MODEL (model));

  return priv->items->len;
}

static gpointer
fc_store_model_get_item (GListModel *model,
                         guint       position)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (FC_STORE_MODEL (model));

  if (position >= priv->items->len)
    return NULL;
  return g_object_ref (priv->items->pdata[position]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fc_store_model_get_item_type;
  iface->get_n_items = fc_store_model_get_n_items;
  iface->get_item = fc_store_model_get_item;
}

static void
set_loading (FcStoreModel *self,
             gboolean      loading)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  if (priv->loading == !!loading)
    return;
  priv->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Keeps the unchanged head and tail and replaces only the middle. */
static void
replace_items (FcStoreModel *self,
               GPtrArray    *items)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  FcStoreModelClass *klass = FC_STORE_MODEL_GET_CLASS (self);
  g_autoptr(GPtrArray) old = g_steal_pointer (&priv->items);
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < old->len && prefix < items->len &&
         klass->equal (old->pdata[prefix], items->pdata[prefix]))
    prefix++;
  while (suffix < old->len - prefix && suffix < items->len - prefix &&
         klass->equal (old->pdata[old->len - 1 - suffix], items->pdata[items->len - 1 - suffix]))
    suffix++;

  priv->items = g_ptr_array_ref (items);
  if (old->len - prefix - suffix > 0 || items->len - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old->len - prefix - suffix,
                                items->len - prefix - suffix);
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FcStoreModel) self = user_data;
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  items = FC_STORE_MODEL_GET_CLASS (self)->query_finish (self, FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&priv->cancellable);
  if (items == NULL)
    g_warning ("Cannot list %s: %s", FC_STORE_MODEL_GET_CLASS (self)->resource, error->message);
  else
    replace_items (self, items);
  set_loading (self, FALSE);
}

static void
on_store_changed_cb (FcStore      *store,
                     const char   *resource,
                     FcStoreModel *self)
{
  fc_store_model_reload (self);
}

static void
fc_store_model_constructed (GObject *object)
{
  FcStoreModel *self = (FcStoreModel *) object;
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);
  g_autofree char *signal = NULL;

  G_OBJECT_CLASS (fc_store_model_parent_class)->constructed (object);

  g_return_if_fail (FC_IS_STORE (priv->store));

  signal = g_strconcat ("changed::", FC_STORE_MODEL_GET_CLASS (self)->resource, NULL);
  g_signal_connect_object (priv->store, signal, G_CALLBACK (on_store_changed_cb), self, 0);
  fc_store_model_reload (self);
}

static void
fc_store_model_dispose (GObject *object)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (FC_STORE_MODEL (object));

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->store);

  G_OBJECT_CLASS (fc_store_model_parent_class)->dispose (object);
}

static void
fc_store_model_finalize (GObject *object)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (FC_STORE_MODEL (object));

  g_clear_pointer (&priv->items, g_ptr_array_unref);

  G_OBJECT_CLASS (fc_store_model_parent_class)->finalize (object);
}

static void
fc_store_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcStoreModel *self = FC_STORE_MODEL (object);
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  switch (prop_id) {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, priv->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_store_model_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FcStoreModel *self = FC_STORE_MODEL (object);
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  switch (prop_id) {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_store_model_class_init (FcStoreModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fc_store_model_constructed;
  object_class->dispose = fc_store_model_dispose;
  object_class->finalize = fc_store_model_finalize;
  object_class->get_property = fc_store_model_get_property;
  object_class->set_property = fc_store_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* TRUE while a query is out; the list shows the previous answer meanwhile. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_store_model_init (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  priv->items = g_ptr_array_new_with_free_func (g_object_unref);
}

FcStore *
fc_store_model_get_store (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  g_return_val_if_fail (FC_IS_STORE_MODEL (self), NULL);

  return priv->store;
}

gboolean
fc_store_model_get_loading (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  g_return_val_if_fail (FC_IS_STORE_MODEL (self), FALSE);

  return priv->loading;
}

/* Asks again; an answer still on its way is dropped for the new one. */
void
fc_store_model_reload (FcStoreModel *self)
{
  FcStoreModelPrivate *priv = fc_store_model_get_instance_private (self);

  g_return_if_fail (FC_IS_STORE_MODEL (self));

  if (priv->store == NULL)
    return;

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  FC_STORE_MODEL_GET_CLASS (self)->query_async (self, priv->store, priv->cancellable, query_cb,
                                                g_object_ref (self));
}

gboolean
fc_store_model_set_filter (FcStoreModel  *self,
                           char         **slot,
                           const char    *value)
{
  g_return_val_if_fail (FC_IS_STORE_MODEL (self), FALSE);
  g_return_val_if_fail (slot != NULL, FALSE);

  /* g_set_str() is GLib 2.76. */
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  fc_store_model_reload (self);
  return TRUE;
}
