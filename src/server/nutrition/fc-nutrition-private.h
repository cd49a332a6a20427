/* fc-nutrition-private.h — what the nutrition routes and the demo seed share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "fc-server-request.h"

G_BEGIN_DECLS

typedef sqlite3_stmt FcNutritionStmt;

/* One row to INSERT or UPDATE: columns are code constants, values are bound. */
typedef enum {
  FC_NUTRITION_VALUE_NULL,
  FC_NUTRITION_VALUE_TEXT,
  FC_NUTRITION_VALUE_REAL,
  FC_NUTRITION_VALUE_INT,
} FcNutritionValueType;

typedef struct {
  const char           *column;
  FcNutritionValueType  type;
  const char           *text;
  double                real;
  gint64                integer;
} FcNutritionValue;

#define FC_NUTRITION_ROW_MAX 24

typedef struct {
  FcNutritionValue values[FC_NUTRITION_ROW_MAX];
  guint            n_values;
} FcNutritionRow;

FcNutritionStmt *fc_nutrition_prepare      (sqlite3         *db,
                                            const char      *sql);
void             fc_nutrition_row_text     (FcNutritionRow  *row,
                                            const char      *column,
                                            const char      *text);
void             fc_nutrition_row_real     (FcNutritionRow  *row,
                                            const char      *column,
                                            double           value);
void             fc_nutrition_row_int      (FcNutritionRow  *row,
                                            const char      *column,
                                            gint64           value);
void             fc_nutrition_row_null     (FcNutritionRow  *row,
                                            const char      *column);
gboolean         fc_nutrition_row_has      (FcNutritionRow  *row,
                                            const char      *column);
/* Returns the new row id, or 0 after logging the SQLite error. */
gint64           fc_nutrition_row_insert   (sqlite3         *db,
                                            const char      *table,
                                            FcNutritionRow  *row);
gboolean         fc_nutrition_row_update   (sqlite3         *db,
                                            const char      *table,
                                            gint64           id,
                                            FcNutritionRow  *row);

/* Wire objects, exactly as the Django backend serialises them (plus the
 * schedule on plans). NULL when the row is gone or SQLite fails. */
JsonNode        *fc_nutrition_food_to_json (sqlite3         *db,
                                            gint64           food_id);
JsonNode        *fc_nutrition_meal_to_json (sqlite3         *db,
                                            gint64           meal_id);
JsonNode        *fc_nutrition_plan_to_json (sqlite3         *db,
                                            gint64           plan_id);

/* POST api/v1/nutrition/generate/ (fc-nutrition-generate.c). */
void             fc_nutrition_generate     (FcServerRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcNutritionStmt, sqlite3_finalize)

G_END_DECLS
