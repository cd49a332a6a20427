/* test-nutrition-targets.c — Mifflin–St Jeor, activity, goals and macro splits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expected number below is worked out by hand in the comment above it.
 */

#include "config.h"

#include "fc-nutrition-targets.h"

static void
assert_targets (const FcMacros *got,
                double          calories,
                double          protein,
                double          carbohydrates,
                double          fat)
{
  g_assert_cmpfloat_with_epsilon (got->calories, calories, 0.001);
  g_assert_cmpfloat_with_epsilon (got->protein, protein, 0.051);
  g_assert_cmpfloat_with_epsilon (got->carbohydrates, carbohydrates, 0.051);
  g_assert_cmpfloat_with_epsilon (got->fat, fat, 0.051);
}

static void
test_bmr (void)
{
  /* 10 × 72.5 + 6.25 × 178 − 5 × 31 + 5 = 725 + 1112.5 − 155 + 5 = 1687.5 */
  FcBodyProfile man = { TRUE, 72.5, 178, 31 };
  /* 10 × 60 + 6.25 × 165 − 5 × 28 − 161 = 600 + 1031.25 − 140 − 161 = 1330.25 */
  FcBodyProfile woman = { FALSE, 60, 165, 28 };

  g_assert_cmpfloat_with_epsilon (fc_nutrition_bmr (&man), 1687.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (fc_nutrition_bmr (&woman), 1330.25, 1e-9);
}

static void
test_activity (void)
{
  g_assert_cmpfloat (fc_nutrition_activity_factor (NULL), ==, 1.55);
  g_assert_cmpfloat (fc_nutrition_activity_factor ("sedentary"), ==, 1.2);
  g_assert_cmpfloat (fc_nutrition_activity_factor ("light"), ==, 1.375);
  g_assert_cmpfloat (fc_nutrition_activity_factor ("moderate"), ==, 1.55);
  g_assert_cmpfloat (fc_nutrition_activity_factor ("active"), ==, 1.725);
  g_assert_cmpfloat (fc_nutrition_activity_factor ("very_active"), ==, 1.9);
  g_assert_cmpfloat (fc_nutrition_activity_factor ("Moderate"), ==, 0);
  g_assert_cmpfloat (fc_nutrition_activity_factor ("couch"), ==, 0);
}

static void
test_maintenance_man (void)
{
  /* The demo user, MN, moderate: 1687.5 × 1.55 × 1.00 = 2615.625 → 2616 kcal.
   * Protein 1.6 × 72.5 = 116.0 g (464 kcal, 17.7 % < 35 %).
   * Fat 30 % of 2616 / 9 = 87.2 g.
   * Carbohydrates (2616 − 464 − 784.8) / 4 = 341.8 g. */
  FcBodyProfile man = { TRUE, 72.5, 178, 31 };
  FcMacros targets;

  g_assert_true (fc_nutrition_compute_targets (&man, "MN", 1.55, &targets));
  assert_targets (&targets, 2616, 116.0, 341.8, 87.2);

  /* Muscle gain: 2615.625 × 1.15 = 3007.97 → 3008 kcal; protein 1.8 × 72.5 =
   * 130.5 g (522 kcal); fat 25 % → 752 / 9 = 83.6 g;
   * carbohydrates (3008 − 522 − 752) / 4 = 433.5 g. */
  g_assert_true (fc_nutrition_compute_targets (&man, "MG", 1.55, &targets));
  assert_targets (&targets, 3008, 130.5, 433.5, 83.6);
}

static void
test_weight_loss_woman (void)
{
  /* 1330.25 × 1.55 × 0.80 = 1649.51 → 1650 kcal (above the 1200 floor).
   * Protein 2.0 × 60 = 120 g (480 kcal, 29 %). Fat 25 % → 412.5 / 9 =
   * 45.83 → 45.8 g. Carbohydrates (1650 − 480 − 412.5) / 4 = 189.375 → 189.4 g. */
  FcBodyProfile woman = { FALSE, 60, 165, 28 };
  FcMacros targets;

  g_assert_true (fc_nutrition_compute_targets (&woman, "WL", 1.55, &targets));
  assert_targets (&targets, 1650, 120.0, 189.4, 45.8);

  /* General health, active: 1330.25 × 1.725 = 2294.68 → 2295 kcal; protein
   * 1.4 × 60 = 84 g (336 kcal); fat 30 % → 688.5 / 9 = 76.5 g;
   * carbohydrates (2295 − 336 − 688.5) / 4 = 317.625 → 317.6 g. */
  g_assert_true (fc_nutrition_compute_targets (&woman, "GH", 1.725, &targets));
  assert_targets (&targets, 2295, 84.0, 317.6, 76.5);
}

static void
test_floors_and_caps (void)
{
  /* 70-year-old woman, 45 kg, 150 cm, sedentary, WL:
   * BMR 450 + 937.5 − 350 − 161 = 876.5; × 1.2 × 0.8 = 841.4 → floor 1200.
   * Protein 2.0 × 45 = 90 g (360 kcal, 30 %); fat 25 % → 300 / 9 = 33.3 g;
   * carbohydrates (1200 − 360 − 300) / 4 = 135.0 g. */
  FcBodyProfile small = { FALSE, 45, 150, 70 };
  /* The same person as a man: BMR 876.5 + 166 = 1042.5; × 0.96 = 1000.8 →
   * floor 1500. Protein 90 g; fat 375 / 9 = 41.7 g; carbohydrates
   * (1500 − 360 − 375) / 4 = 191.25 → 191.3 g. */
  FcBodyProfile small_man = { TRUE, 45, 150, 70 };
  /* 25-year-old man, 130 kg, 180 cm, WL: BMR 1300 + 1125 − 125 + 5 = 2305;
   * × 1.55 × 0.8 = 2858.2 → 2858 kcal. 2.0 × 130 = 260 g would be 36.4 %:
   * capped at 35 % → 0.35 × 2858 / 4 = 250.075 → 250.1 g. Fat 714.5 / 9 =
   * 79.4 g. Carbohydrates (2858 − 1000.3 − 714.5) / 4 = 285.8 g. */
  FcBodyProfile heavy = { TRUE, 130, 180, 25 };
  FcMacros targets;

  g_assert_true (fc_nutrition_compute_targets (&small, "WL", 1.2, &targets));
  assert_targets (&targets, 1200, 90.0, 135.0, 33.3);
  g_assert_true (fc_nutrition_compute_targets (&small_man, "WL", 1.2, &targets));
  assert_targets (&targets, 1500, 90.0, 191.3, 41.7);
  g_assert_true (fc_nutrition_compute_targets (&heavy, "WL", 1.55, &targets));
  assert_targets (&targets, 2858, 250.1, 285.8, 79.4);
}

static void
test_energy_adds_up (void)
{
  static const char * const goals[] = { "WL", "WG", "MN", "MG", "GH" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  /* Whatever the person, the macros account for the calories (to rounding)
   * and none of them is negative. */
  for (guint i = 0; i < 500; i++) {
    FcBodyProfile profile = {
      g_rand_boolean (rand), g_rand_double_range (rand, 40, 160),
      g_rand_double_range (rand, 140, 210), g_rand_int_range (rand, 16, 90),
    };
    FcMacros t;

    g_assert_true (fc_nutrition_compute_targets (&profile, goals[i % 5], 1.55, &t));
    g_assert_cmpfloat (t.calories, >=, profile.male ? 1500 : 1200);
    g_assert_cmpfloat (t.protein, >, 0);
    g_assert_cmpfloat (t.carbohydrates, >, 0);
    g_assert_cmpfloat (t.fat, >, 0);
    g_assert_cmpfloat (4 * t.protein, <=, 0.35 * t.calories + 0.2);
    g_assert_cmpfloat_with_epsilon (4 * t.protein + 4 * t.carbohydrates + 9 * t.fat,
                                    t.calories, 1.0);
  }
}

static void
test_unknown_goal (void)
{
  FcBodyProfile man = { TRUE, 72.5, 178, 31 };
  FcMacros targets = { 0 };

  g_assert_false (fc_nutrition_compute_targets (&man, "XX", 1.55, &targets));
  g_assert_false (fc_nutrition_compute_targets (&man, "wl", 1.55, &targets));
  g_assert_cmpfloat (targets.calories, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/nutrition/targets/bmr", test_bmr);
  g_test_add_func ("/nutrition/targets/activity", test_activity);
  g_test_add_func ("/nutrition/targets/maintenance-man", test_maintenance_man);
  g_test_add_func ("/nutrition/targets/weight-loss-woman", test_weight_loss_woman);
  g_test_add_func ("/nutrition/targets/floors-and-caps", test_floors_and_caps);
  g_test_add_func ("/nutrition/targets/energy-adds-up", test_energy_adds_up);
  g_test_add_func ("/nutrition/targets/unknown-goal", test_unknown_goal);

  return g_test_run ();
}
