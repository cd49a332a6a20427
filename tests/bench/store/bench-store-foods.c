/* bench-store-foods.c — 50,000 made-up foods for the store's benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench-store-foods.h"

static const char * const preparations[] = {
  "Grilled", "Baked", "Raw", "Steamed", "Fried", "Roasted", "Boiled", "Smoked", "Organic",
  "Frozen", "Canned", "Dried", "Fresh", "Spicy", "Sweet", "Salted", "Low Fat", "Whole",
};
static const char * const foods[] = {
  "Chicken Breast", "Brown Rice", "Greek Yogurt", "Banana", "Peanut Butter", "Salmon Fillet",
  "Oatmeal", "Broccoli", "Sweet Potato", "Almonds", "Cheddar Cheese", "Whole Wheat Bread",
  "Black Beans", "Quinoa", "Spinach", "Turkey Slices", "Cottage Cheese", "Apple", "Avocado",
  "Tofu", "Egg Whites", "Lentils", "Blueberries", "Tuna", "Pasta", "Orange Juice", "Walnuts",
  "Chickpeas", "Mushrooms", "Beef Steak", "Pork Chop", "Shrimp", "Mango", "Kale", "Couscous",
};
static const char * const extras[] = {
  "with herbs", "in olive oil", "with honey", "no salt added", "family pack", "with garlic",
  "lemon pepper", "teriyaki", "barbecue", "vanilla", "original", "light",
};
static const char * const categories[] = { "FR", "VG", "GR", "PR", "DR", "FO", "BV", "OT" };

GPtrArray *
bench_make_food_pages (GString *csv)
{
  GPtrArray *pages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_array_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  JsonArray *page = NULL;

  for (guint i = 1; i <= BENCH_N_FOODS; i++) {
    JsonObject *food = json_object_new ();
    g_autofree char *name = NULL;
    g_autofree char *description = NULL;
    const char *category = categories[g_rand_int_range (rand, 0, G_N_ELEMENTS (categories))];
    double calories = g_rand_int_range (rand, 10, 9000) / 10.0;
    double protein = g_rand_int_range (rand, 0, 900) / 10.0;
    double carbohydrates = g_rand_int_range (rand, 0, 900) / 10.0;
    double fat = g_rand_int_range (rand, 0, 900) / 10.0;

    name = g_strdup_printf ("%s %s %u",
                            preparations[g_rand_int_range (rand, 0, G_N_ELEMENTS (preparations))],
                            foods[g_rand_int_range (rand, 0, G_N_ELEMENTS (foods))], i);
    description = g_strdup_printf ("%s, brand %u",
                                   extras[g_rand_int_range (rand, 0, G_N_ELEMENTS (extras))],
                                   g_rand_int_range (rand, 1, 500));

    json_object_set_int_member (food, "id", i);
    json_object_set_string_member (food, "name", name);
    json_object_set_string_member (food, "description", description);
    json_object_set_double_member (food, "serving_quantity", 100.0);
    json_object_set_string_member (food, "serving_unit", "g");
    json_object_set_double_member (food, "calories", calories);
    json_object_set_double_member (food, "protein", protein);
    json_object_set_double_member (food, "carbohydrates", carbohydrates);
    json_object_set_double_member (food, "fat", fat);
    json_object_set_null_member (food, "fiber");
    json_object_set_null_member (food, "sugar");
    json_object_set_null_member (food, "sodium");
    json_object_set_string_member (food, "food_category", category);
    json_object_set_null_member (food, "user_added_detail");
    json_object_set_boolean_member (food, "is_public", TRUE);
    json_object_set_string_member (food, "created_at", "2026-11-25T14:12:24.684421+06:00");
    json_object_set_string_member (food, "updated_at", "2026-11-25T14:12:24.684437+06:00");

    if (page == NULL)
      page = json_array_new ();
    json_array_add_object_element (page, food);
    if (json_array_get_length (page) == BENCH_PAGE_SIZE) {
      g_ptr_array_add (pages, page);
      page = NULL;
    }

    if (csv != NULL)
      g_string_append_printf (csv, "%u,\"%s\",\"%s\",100.0,g,%.1f,%.1f,%.1f,%.1f,,,,%s,,1,"
                              "2026-11-25T14:12:24.684421+06:00,"
                              "2026-11-25T14:12:24.684437+06:00\n",
                              i, name, description, calories, protein, carbohydrates, fat,
                              category);
  }
  if (page != NULL)
    g_ptr_array_add (pages, page);
  return pages;
}
