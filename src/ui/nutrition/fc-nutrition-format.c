/* fc-nutrition-format.c — how the Nutrition section names and shows things
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-nutrition-format"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-nutrition-format.h"

#include "fc-json.h"

/* The codes are the wire's (fitcore-django-wire.md §4); the labels are ours. */
static const char * const food_category_codes[] = {
  "FR", "VG", "GR", "PR", "DR", "FO", "BV", "OT", NULL
};
static const char * const food_category_labels[] = {
  N_("Fruit"), N_("Vegetable"), N_("Grain"), N_("Protein Food"), N_("Dairy"),
  N_("Fat & Oil"), N_("Beverage"), N_("Other"), NULL
};
static const struct {
  const char *member;
  const char *title;
} nutrients[FC_N_NUTRIENTS] = {
  { "calories", N_("Calories") },
  { "protein", N_("Protein") },
  { "carbohydrates", N_("Carbohydrates") },
  { "fat", N_("Fat") },
  { "fiber", N_("Fiber") },
  { "sugar", N_("Sugar") },
  { "sodium", N_("Sodium") },
};

const char * const *
fc_nutrition_food_category_codes (void)
{
  return food_category_codes;
}

guint
fc_nutrition_code_index (const char * const *codes,
                         const char         *code,
                         guint               fallback)
{
  for (guint i = 0; code != NULL && codes[i] != NULL; i++) {
    if (g_str_equal (codes[i], code))
      return i;
  }
  return fallback;
}

const char *
fc_nutrition_food_category_label (const char *code)
{
  guint i = fc_nutrition_code_index (food_category_codes, code, G_MAXUINT);

  /* An unknown code is shown as it came rather than hidden. */
  return i != G_MAXUINT ? _(food_category_labels[i]) : code;
}

const char *
fc_nutrient_member (FcNutrient nutrient)
{
  g_return_val_if_fail (nutrient < FC_N_NUTRIENTS, NULL);

  return nutrients[nutrient].member;
}

const char *
fc_nutrient_title (FcNutrient nutrient)
{
  g_return_val_if_fail (nutrient < FC_N_NUTRIENTS, NULL);

  return _(nutrients[nutrient].title);
}

char *
fc_nutrient_format (FcNutrient nutrient,
                    double     value)
{
  switch (nutrient) {
    case FC_NUTRIENT_CALORIES:
      /* Translators: kilocalories, e.g. "105 kcal". */
      return g_strdup_printf (_("%'.0f kcal"), value);
    case FC_NUTRIENT_SODIUM:
      /* Translators: milligrams, e.g. "120 mg". */
      return g_strdup_printf (_("%.0f mg"), value);
    case FC_NUTRIENT_PROTEIN:
    case FC_NUTRIENT_CARBOHYDRATES:
    case FC_NUTRIENT_FAT:
    case FC_NUTRIENT_FIBER:
    case FC_NUTRIENT_SUGAR:
      /* Translators: grams, e.g. "1.3 g". */
      return g_strdup_printf (_("%.1f g"), value);
    case FC_N_NUTRIENTS:
    default:
      g_return_val_if_reached (NULL);
  }
}

void
fc_nutrients_add (FcNutrients *sums,
                  JsonObject  *food,
                  double       servings)
{
  g_return_if_fail (sums != NULL);
  g_return_if_fail (food != NULL);

  sums->n_foods++;
  for (guint i = 0; i < FC_N_NUTRIENTS; i++) {
    double value;

    if (fc_json_get_double (food, nutrients[i].member, &value)) {
      sums->value[i] += value * servings;
      sums->known[i]++;
    }
  }
}

char *
fc_nutrients_format (const FcNutrients *sums,
                     FcNutrient         nutrient)
{
  g_autofree char *amount = NULL;

  g_return_val_if_fail (sums != NULL, NULL);
  g_return_val_if_fail (nutrient < FC_N_NUTRIENTS, NULL);

  if (sums->known[nutrient] == 0)
    return sums->n_foods == 0 ? fc_nutrient_format (nutrient, 0) : NULL;
  amount = fc_nutrient_format (nutrient, sums->value[nutrient]);
  if (sums->known[nutrient] < sums->n_foods)
    /* Translators: some foods of the meal do not say how much they have,
     * e.g. "at least 4.2 g". */
    return g_strdup_printf (_("at least %s"), amount);
  return g_steal_pointer (&amount);
}

char *
fc_nutrition_format_serving (double      quantity,
                             const char *unit)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  /* "%g" drops the zeros of "1.000000", and honours the locale. */
  g_snprintf (number, sizeof number, "%g", quantity);
  if (unit == NULL || *unit == '\0')
    return g_strdup (number);
  /* Translators: a serving, e.g. "1 piece" or "40 g". */
  return g_strdup_printf (_("%s %s"), number, unit);
}
