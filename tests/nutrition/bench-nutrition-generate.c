/* bench-nutrition-generate.c — how long a four-week, six-meal plan takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two figures, each the median of RUNS and each as a ratio to a baseline
 * measured in the same run, so that they mean something on any machine:
 *  - over HTTP, POST generate/ (28 days × 6 meals) against GET of the plan
 *    it made (the same 168 meals serialised, without the work);
 *  - in process, the optimizer on 28 days against the optimizer on 1 day.
 */

#include "config.h"

#include "fc-json.h"
#include "nutrition-test-util.h"
#include "plan-test-util.h"

#define RUNS 15
#define GENERATE "/api/v1/nutrition/generate/"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static double
elapsed_ms (gint64 started)
{
  return (g_get_monotonic_time () - started) / 1000.0;
}

static void
bench_http (void)
{
  const char * const args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (NT_CONFIG, args);
  g_autofree char *token = fc_test_login (server, "demo@fitcore.local", "fitcore-demo", NULL);
  double generate[RUNS], get[RUNS];
  gint64 plan_id = 0;

  for (guint i = 0; i < RUNS; i++) {
    g_autofree char *body = g_strdup_printf ("{\"goal\":\"MG\",\"duration_days\":28,"
                                             "\"meals_per_day\":6,\"seed\":%u}", i);
    gint64 started = g_get_monotonic_time ();
    g_autoptr(JsonNode) node = nt_request (server, "POST", GENERATE, token, body, 201);

    generate[i] = elapsed_ms (started);
    g_assert_true (fc_json_get_int (json_node_get_object (node), "id", &plan_id));
  }

  for (guint i = 0; i < RUNS; i++) {
    g_autofree char *path = g_strdup_printf ("/api/v1/nutrition/meal-plans/%" G_GINT64_FORMAT "/",
                                             plan_id);
    gint64 started = g_get_monotonic_time ();
    g_autoptr(JsonNode) node = nt_request (server, "GET", path, token, NULL, 200);

    get[i] = elapsed_ms (started);
  }

  {
    double g = median (generate, RUNS), baseline = median (get, RUNS);

    g_test_message ("POST generate/ 28 days x 6 meals: median %.1f ms; GET of that plan:"
                    " median %.1f ms; ratio %.2f (median of %u)", g, baseline, g / baseline,
                    RUNS);
    /* The brief: well under a second. */
    g_assert_cmpfloat (g, <, 1000);
  }
}

static void
bench_optimizer (void)
{
  g_autoptr(GArray) foods = pt_load_demo_foods ();
  FcBodyProfile profile = { TRUE, 72.5, 178, 31 };
  FcMealPlanSpec spec = { .meals_per_day = 6 };
  double month[RUNS], day[RUNS];

  g_assert_true (fc_nutrition_compute_targets (&profile, "MG", 1.55, &spec.targets));
  for (guint i = 0; i < RUNS; i++) {
    for (guint days = 1; days <= 28; days += 27) {
      g_autoptr(FcMealPlan) plan = NULL;
      gint64 started = g_get_monotonic_time ();

      spec.days = days;
      spec.seed = i;
      plan = fc_meal_plan_generate (foods, &spec, NULL);
      g_assert_nonnull (plan);
      (days == 1 ? day : month)[i] = elapsed_ms (started);
    }
  }

  {
    double m = median (month, RUNS), baseline = median (day, RUNS);

    g_test_message ("optimizer 28 days x 6 meals: median %.2f ms; 1 day: median %.3f ms;"
                    " ratio %.1f (median of %u)", m, baseline, m / baseline, RUNS);
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add_func ("/nutrition/bench/generate-http", bench_http);
  g_test_add_func ("/nutrition/bench/optimizer", bench_optimizer);

  return g_test_run ();
}
