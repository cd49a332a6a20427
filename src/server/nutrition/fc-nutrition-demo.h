/* fc-nutrition-demo.h — demo content for `fitcore-server --demo`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Seeds about 200 public foods with real nutrition facts (per serving), sample
 * meals for @demo_user_id and three meal-plan templates owned by @staff_id.
 * Idempotent: does nothing when public foods already exist. Runs in one
 * transaction. */
gboolean fc_nutrition_seed_demo (sqlite3  *db,
                                 gint64    staff_id,
                                 gint64    demo_user_id,
                                 GError  **error);

G_END_DECLS
