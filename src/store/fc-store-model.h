/* fc-store-model.h — a GListModel over one store query, read in windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How to make a new list model over a store table (meals, plans, …):
 *
 * 1. In src/store/, `G_DECLARE_FINAL_TYPE (FcMealListModel, fc_meal_list_model,
 *    FC, MEAL_LIST_MODEL, FcStoreModel)`, and an item type (a GObject per
 *    row, like FcFoodItem) with an `equal` function.
 * 2. In class_init, fill FcStoreModelClass:
 *    - `resource`: the FcStore::changed detail to follow (FC_STORE_MEALS);
 *      follow more with fc_store_model_follow() in `constructed`.
 *    - `item_type`, and `equal` (two items show the same thing: the old
 *      object stays, so the row keeps its widget and its selection).
 *    - `get_filter`: on the main thread, copy the model's filters into the
 *      FcStoreModelFilter (strings g_strdup'ed; the base frees them).
 *    - `read`: on the store's reader thread, with a read-only connection of
 *      its own (`db` is an FcStoreDb *, see fc-store-private.h; use
 *      fc_store_db_stmt()/fc_store_db_step()). When @n_items is not NULL,
 *      set it with a `SELECT count(*)` under the filter. Return the items
 *      at [@offset, @offset + @limit) in list order: `ORDER BY key LIMIT
 *      ?limit OFFSET ?offset`, or, when @after is set (the item just before
 *      @offset, read in the same state of the store), by keyset:
 *      `WHERE (key) > (after's key) ORDER BY key LIMIT ?limit`. The order
 *      must be total (end the key with the id). See fc-food-list-model.c.
 *    - `placeholder` (optional): an item for a row still being read
 *      (default: g_object_new (item_type, NULL)); views must show it
 *      without crashing (empty strings rather than NULL where it matters).
 * 3. Filter setters call fc_store_model_set_filter() (strings) or change
 *    the field and call fc_store_model_reload().
 *
 * The base class knows n_items from the count, reads rows in windows of
 * FC_STORE_MODEL_WINDOW as a view asks for them (a GtkListView asks only
 * for what it shows), keeps a few windows (never one whose items someone
 * else still holds), and hands out placeholders for rows on their way,
 * replaced with items-changed when they arrive. On a change of the
 * resource (and on a new filter) it counts again and re-reads the windows
 * it keeps, all in one read transaction, then emits items-changed for the
 * kept rows that differ and for the end of the list that grew or shrank.
 * Memory follows the windows, not the table.
 *
 * Small lists may instead set `query_async`/`query_finish` (the whole list
 * at once, diffed on its unchanged head and tail), as FcOutboxModel does.
 */

#pragma once

#include <gio/gio.h>

#include "fc-store.h"

G_BEGIN_DECLS

/* Rows per window. */
#define FC_STORE_MODEL_WINDOW 200

#define FC_TYPE_STORE_MODEL (fc_store_model_get_type ())

G_DECLARE_DERIVABLE_TYPE (FcStoreModel, fc_store_model, FC, STORE_MODEL, GObject)

/**
 * FcStoreModelFilter:
 *
 * The model's filters, copied for the reader thread; what each field means
 * is the subclass's to say. Strings are freed by the base class.
 */
typedef struct {
  char   *text;
  char   *text2;
  gint64  id;
  gint64  number;
} FcStoreModelFilter;

/**
 * FcStoreModelClass:
 * @resource: the FcStore::changed detail that makes the model read again
 * @item_type: the type of the items
 * @get_filter: copies the filters (main thread)
 * @read: counts and reads one window (reader thread); see above
 * @placeholder: an item for a row on its way (main thread), or %NULL
 * @query_async: whole-list models only: starts the query on @store
 * @query_finish: whole-list models only: a #GPtrArray of @item_type
 * @equal: whether two items show the same thing (then the old one stays)
 */
struct _FcStoreModelClass {
  GObjectClass parent_class;

  const char *resource;
  GType       item_type;

  void        (*get_filter)   (FcStoreModel             *self,
                               FcStoreModelFilter       *filter);
  GPtrArray  *(*read)         (gpointer                  db,
                               const FcStoreModelFilter *filter,
                               guint                     offset,
                               guint                     limit,
                               gpointer                  after,
                               guint                    *n_items,
                               GError                  **error);
  gpointer    (*placeholder)  (FcStoreModel             *self);

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
/* Also read again on FcStore::changed::@resource. */
void      fc_store_model_follow      (FcStoreModel *self,
                                      const char   *resource);
/* For subclasses' string filters: replaces *@slot with a copy of @value and
 * re-queries, or does nothing and returns FALSE when it is the same. */
gboolean  fc_store_model_set_filter  (FcStoreModel  *self,
                                      char         **slot,
                                      const char    *value);
/* For tests and benchmarks: how many rows the model holds read (not
 * placeholders), and how many windows. */
guint     fc_store_model_get_n_cached (FcStoreModel *self,
                                       guint        *n_windows);

G_END_DECLS
