/* fc-store-model.h — a GListModel over one store query, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_STORE_MODEL (fc_store_model_get_type ())

G_DECLARE_DERIVABLE_TYPE (FcStoreModel, fc_store_model, FC, STORE_MODEL, GObject)

/**
 * FcStoreModelClass:
 * @resource: the FcStore::changed detail that makes the model re-query
 * @item_type: the type of the items
 * @query_async: starts the query on @store
 * @query_finish: a #GPtrArray of @item_type, in list order
 * @equal: whether two items show the same thing (then the old one stays)
 */
struct _FcStoreModelClass {
  GObjectClass parent_class;

  const char *resource;
  GType       item_type;

  void        (*query_async)  (FcStoreModel         *self,
                               FcStore              *store,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
  GPtrArray  *(*query_finish) (FcStoreModel         *self,
                               FcStore              *store,
                               GAsyncResult         *result,
                               GError              **error);
  gboolean    (*equal)        (gpointer              a,
                               gpointer              b);
};

FcStore  *fc_store_model_get_store   (FcStoreModel *self);
gboolean  fc_store_model_get_loading (FcStoreModel *self);
void      fc_store_model_reload      (FcStoreModel *self);
/* For subclasses' string filters: replaces *@slot with a copy of @value and
 * re-queries, or does nothing and returns FALSE when it is the same. */
gboolean  fc_store_model_set_filter  (FcStoreModel  *self,
                                      char         **slot,
                                      const char    *value);

G_END_DECLS
