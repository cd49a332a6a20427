/* fc-store-read.h — the windowed reads behind the store's list models
 * (reader thread side; see fc-store-model.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-store-private.h"
#include "fc-workout-item.h"

G_BEGIN_DECLS

/* Foods by name (then id), or, with @query, as fc_store_search_foods_async()
 * finds them: at most @limit (0: all; a search stops at
 * FC_STORE_SEARCH_CAP). Returns the rows at [@offset, @offset + @count);
 * @after, when set, is the row just before @offset (a keyset read). */
#define FC_STORE_SEARCH_CAP 200

GPtrArray *fc_store_foods_read    (FcStoreDb   *db,
                                   const char  *query,
                                   const char  *category,
                                   guint        limit,
                                   guint        offset,
                                   guint        count,
                                   FcFoodItem  *after,
                                   guint       *n_items,
                                   GError     **error);

/* Workouts in the server's order (created_at DESC, id DESC) under the
 * filters of fc_store_list_workouts_async(), with this user's progress. */
GPtrArray *fc_store_workouts_read (FcStoreDb   *db,
                                   const char  *search,
                                   gint64       category_id,
                                   const char  *difficulty,
                                   guint        premium,
                                   guint        offset,
                                   guint        count,
                                   guint       *n_items,
                                   GError     **error);

G_END_DECLS
