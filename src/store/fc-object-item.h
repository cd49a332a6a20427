/* fc-object-item.h — one stored object (a meal, a meal plan) as a list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The base of the item types of the small whole-list models (FcMealItem,
 * FcPlanItem): the object in the store's wire shape, plus "dirty" (changes
 * not yet on the server), read through type-checking accessors. Items are
 * immutable: a changed object is a new item.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fc-store-model.h"

G_BEGIN_DECLS

#define FC_TYPE_OBJECT_ITEM (fc_object_item_get_type ())

G_DECLARE_DERIVABLE_TYPE (FcObjectItem, fc_object_item, FC, OBJECT_ITEM, GObject)

struct _FcObjectItemClass {
  GObjectClass parent_class;
};

/* Read-only properties: "object" (construct-only), "id", "name", "dirty". */
JsonObject *fc_object_item_get_object (FcObjectItem *self);
gint64      fc_object_item_get_id     (FcObjectItem *self);
const char *fc_object_item_get_name   (FcObjectItem *self);
gboolean    fc_object_item_get_dirty  (FcObjectItem *self);
/* @member as a boolean, @fallback when missing or not a boolean. */
gboolean    fc_object_item_get_flag   (FcObjectItem *self,
                                       const char   *member,
                                       gboolean      fallback);
gboolean    fc_object_item_equal      (gpointer      a,
                                       gpointer      b);

/* FcStoreModel's query_async/query_finish for a whole-list model of
 * @item_type (a subclass of FcObjectItem) over its class's resource:
 * every object of the resource, in the store's order. */
void        fc_object_item_query_async  (FcStoreModel         *model,
                                         FcStore              *store,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GPtrArray  *fc_object_item_query_finish (FcStoreModel         *model,
                                         FcStore              *store,
                                         GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
