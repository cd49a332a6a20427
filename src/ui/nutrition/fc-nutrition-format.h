/* fc-nutrition-format.h — how the Nutrition section names and shows things
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The server's food categories, in the order the app lists them;
 * NULL-terminated. Meal times are in fc-meal-time.h. */
const char * const *fc_nutrition_food_category_codes (void);
const char         *fc_nutrition_food_category_label (const char *code);
/* Index of @code in its list, or @fallback when it is not there. */
guint               fc_nutrition_code_index          (const char * const *codes,
                                                      const char         *code,
                                                      guint               fallback);

typedef enum {
  FC_NUTRIENT_CALORIES,
  FC_NUTRIENT_PROTEIN,
  FC_NUTRIENT_CARBOHYDRATES,
  FC_NUTRIENT_FAT,
  FC_NUTRIENT_FIBER,
  FC_NUTRIENT_SUGAR,
  FC_NUTRIENT_SODIUM,
  FC_N_NUTRIENTS
} FcNutrient;

/* Sums of a meal: @value per nutrient, and how many of the foods summed
 * knew it (fiber, sugar and sodium are optional on the wire). */
typedef struct {
  double value[FC_N_NUTRIENTS];
  guint  known[FC_N_NUTRIENTS];
  guint  n_foods;
} FcNutrients;

const char *fc_nutrient_member (FcNutrient  nutrient);
const char *fc_nutrient_title  (FcNutrient  nutrient);
/* "105 kcal", "1.3 g", "1 mg". */
char       *fc_nutrient_format (FcNutrient  nutrient,
                                double      value);
void        fc_nutrients_add   (FcNutrients *sums,
                                JsonObject  *food,
                                double       servings);
/* The sum as shown: NULL when no food knows it, "at least" when some do not. */
char       *fc_nutrients_format (const FcNutrients *sums,
                                 FcNutrient         nutrient);
/* "1 piece", "0.5 cup", "40 g". */
char       *fc_nutrition_format_serving (double      quantity,
                                         const char *unit);

G_END_DECLS
