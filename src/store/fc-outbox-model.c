/* fc-outbox-model.c — queued writes, for "needs attention" and the sync state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-outbox-model.h"

struct _FcOutboxModel {
  FcStoreModel parent_instance;

  guint        attention_only : 1;
};

G_DEFINE_FINAL_TYPE (FcOutboxModel, fc_outbox_model, FC_TYPE_STORE_MODEL)

enum {
  PROP_0,
  PROP_ATTENTION_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fc_outbox_model_query_async (FcStoreModel        *model,
                             FcStore             *store,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  fc_store_outbox_list_async (store, FC_OUTBOX_MODEL (model)->attention_only, cancellable,
                              callback, user_data);
}

static GPtrArray *
fc_outbox_model_query_finish (FcStoreModel  *model,
                              FcStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  return fc_store_outbox_list_finish (store, result, error);
}

static gboolean
outbox_item_equal (gpointer a,
                   gpointer b)
{
  return fc_outbox_item_equal (a, b);
}

static void
fc_outbox_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FcOutboxModel *self = FC_OUTBOX_MODEL (object);

  switch (prop_id) {
    case PROP_ATTENTION_ONLY:
      g_value_set_boolean (value, self->attention_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_outbox_model_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FcOutboxModel *self = FC_OUTBOX_MODEL (object);

  switch (prop_id) {
    case PROP_ATTENTION_ONLY:
      self->attention_only = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_outbox_model_class_init (FcOutboxModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FcStoreModelClass *model_class = FC_STORE_MODEL_CLASS (klass);

  object_class->get_property = fc_outbox_model_get_property;
  object_class->set_property = fc_outbox_model_set_property;

  model_class->resource = FC_STORE_OUTBOX;
  model_class->item_type = FC_TYPE_OUTBOX_ITEM;
  model_class->query_async = fc_outbox_model_query_async;
  model_class->query_finish = fc_outbox_model_query_finish;
  model_class->equal = outbox_item_equal;

  /* Only the rows the server rejected, which wait for the user. */
  properties[PROP_ATTENTION_ONLY] =
    g_param_spec_boolean ("attention-only", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_outbox_model_init (FcOutboxModel *self)
{
}

FcOutboxModel *
fc_outbox_model_new (FcStore  *store,
                     gboolean  attention_only)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);

  return g_object_new (FC_TYPE_OUTBOX_MODEL,
                       "store", store,
                       "attention-only", attention_only,
                       NULL);
}

gboolean
fc_outbox_model_get_attention_only (FcOutboxModel *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_MODEL (self), FALSE);

  return self->attention_only;
}
