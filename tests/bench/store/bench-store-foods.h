/* bench-store-foods.h — 50,000 made-up foods for the store's benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BENCH_N_FOODS 50000
#define BENCH_PAGE_SIZE 100

/* Pages of server food objects, as a pull would bring them, and the same
 * rows as CSV (id,name,description,…) when @csv is not NULL. */
GPtrArray *bench_make_food_pages (GString *csv);

G_END_DECLS
