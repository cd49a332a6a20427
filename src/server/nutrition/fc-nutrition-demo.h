/* fc-nutrition-demo.h — demo content for `fitcore-server --demo`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include "fc-sql.h"

G_BEGIN_DECLS

#define FC_NUTRITION_DEMO_ERROR (fc_nutrition_demo_error_quark ())

/**
 * FcNutritionDemoError:
 * @FC_NUTRITION_DEMO_ERROR_DATA: the food table is malformed
 * @FC_NUTRITION_DEMO_ERROR_DATABASE: SQLite refused a statement
 */
typedef enum {
  FC_NUTRITION_DEMO_ERROR_DATA,
  FC_NUTRITION_DEMO_ERROR_DATABASE,
} FcNutritionDemoError;

GQuark   fc_nutrition_demo_error_quark (void);

/* Seeds about 200 public foods with real nutrition facts (per serving), sample
 * meals for @demo_user_id and three meal-plan templates owned by @staff_id.
 * Idempotent: does nothing when public foods already exist. Runs in one
 * transaction. */
gboolean fc_nutrition_seed_demo (FcSql  *db,
                                 gint64    staff_id,
                                 gint64    demo_user_id,
                                 GError  **error);

/* Inserts the foods of a demo-foods.tsv table (header line, then one food a
 * line, empty fiber/sugar/sodium cells meaning unknown) as public foods of
 * @owner_id. Validates every line before inserting any; returns the number
 * inserted, or -1. Used by the seed; exposed for tests. */
gint64   fc_nutrition_demo_load_foods (FcSql  *db,
                                       GBytes   *tsv,
                                       gint64    owner_id,
                                       GError  **error);

G_END_DECLS
