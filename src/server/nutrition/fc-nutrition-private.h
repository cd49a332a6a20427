/* fc-nutrition-private.h — what the nutrition routes and the demo seed share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include "fc-sql.h"

#include "fc-server-request.h"

G_BEGIN_DECLS

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
gint64           fc_nutrition_row_insert   (FcSql         *db,
                                            const char      *table,
                                            FcNutritionRow  *row);
gboolean         fc_nutrition_row_update   (FcSql         *db,
                                            const char      *table,
                                            gint64           id,
                                            FcNutritionRow  *row);

/* Wire objects, exactly as the Django backend serialises them (plus the
 * schedule on plans). NULL when the row is gone or SQLite fails. Meals, and
 * plans through their meals, show only the items whose food @viewer_id (0:
 * anonymous) may see. */
JsonNode        *fc_nutrition_food_to_json (FcSql         *db,
                                            gint64           food_id);

/* Foods written straight as text (fc-json-out.h), the same bytes as
 * fc_nutrition_food_to_json() gives once written out, without a tree: a
 * page of 1000 of them built as JsonNodes and written out cost most of the
 * server's CPU in a first sync (issue 11). A statement of one's own that
 * selects foods starts with these columns, read FROM "foods f LEFT JOIN
 * users u ON u.id = f.user_added_id". */
#define FC_NUTRITION_FOOD_COLUMNS                                                            \
  "f.id, f.name, f.description, f.serving_quantity, f.serving_unit, f.calories,"            \
  " f.protein, f.carbohydrates, f.fat, f.fiber, f.sugar, f.sodium, f.food_category,"         \
  " u.id, u.email, u.first_name, u.last_name, f.is_public, f.created_at, f.updated_at"
/* The food in @stmt's current row. */
void             fc_nutrition_food_write_row (GString     *out,
                                              FcSqlStmt   *stmt);
/* FALSE when the food is gone or the query fails (nothing written). */
gboolean         fc_nutrition_food_write   (FcSql         *db,
                                            gint64         food_id,
                                            GString       *out);
JsonNode        *fc_nutrition_meal_to_json (FcSql         *db,
                                            gint64           meal_id,
                                            gint64           viewer_id);
JsonNode        *fc_nutrition_plan_to_json (FcSql         *db,
                                            gint64           plan_id,
                                            gint64           viewer_id);

/* A plan repeats its meals in full on every day they are on, so a small
 * write can make a huge answer. These bound what a user's plans answer, as
 * fc_nutrition_plans_size() estimates it from the rows (an upper estimate
 * for ordinary text; text full of characters JSON escapes can take up to
 * six times its length): one plan, and a page of up to 100 of them. */
#define FC_NUTRITION_PLAN_ANSWER_MAX  (8 * 1024 * 1024)
#define FC_NUTRITION_PLANS_ANSWER_MAX (16 * 1024 * 1024)
/* The longest plan: a leap year. */
#define FC_NUTRITION_DURATION_DAYS_MAX 366
/* Scheduled meals a plan may hold per day of its duration. */
#define FC_NUTRITION_MEALS_PER_DAY_MAX 8
/* Items a meal may hold. */
#define FC_NUTRITION_MEAL_ITEMS_MAX 50

/* Estimated bytes of all @user_id's plans as the owner reads them, and of
 * the largest one. FALSE when SQLite fails. */
gboolean         fc_nutrition_plans_size   (FcSql         *db,
                                            gint64           user_id,
                                            gint64          *out_total,
                                            gint64          *out_largest);
/* Run after a write that can grow @user_id's plans, inside its
 * transaction: adds an error on @field when they exceed the bounds above
 * (the caller then answers 400 and the write is rolled back). FALSE when
 * SQLite fails. */
gboolean         fc_nutrition_check_plans_size (FcSql       *db,
                                                gint64         user_id,
                                                const char    *field,
                                                FcFieldErrors *errors);

/* How much work @plan_id's answer is: its schedule entries plus the meal
 * items they repeat (G_MAXINT64 when SQLite fails). */
gint64           fc_nutrition_plan_weight  (FcSql         *db,
                                            gint64           plan_id);
/* Answers @status with @plan_id as its owner sees it, built off the main
 * loop when it is heavy (fc-nutrition-routes.c). In a write's handler,
 * outside its own savepoints. */
void             fc_nutrition_respond_plan (FcServerRequest *request,
                                            guint            status,
                                            gint64           plan_id);

/* POST api/v1/nutrition/generate/ (fc-nutrition-generate.c). */
void             fc_nutrition_generate     (FcServerRequest *request);

G_END_DECLS
