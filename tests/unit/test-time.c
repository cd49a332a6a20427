/* test-time.c — the app's "today", from the clock or injected for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-time.h"

static void
local_date (GDate *out_date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now), (GDateYear) g_date_time_get_year (now));
}

/* Today from the clock, read on either side of the call so that a run
 * across midnight still passes. */
static void
assert_clock_today (void)
{
  GDate before, today, after;

  local_date (&before);
  fc_time_get_today (&today);
  local_date (&after);
  g_assert_true (g_date_valid (&today));
  g_assert_true (g_date_compare (&today, &before) == 0 || g_date_compare (&today, &after) == 0);
}

static void
test_today_clock (void)
{
  g_unsetenv ("FITCORE_TODAY");
  assert_clock_today ();
}

static void
test_today_injected (void)
{
  const char *days[] = { "2028-02-29", "2026-12-31", "2027-03-28" };

  for (guint i = 0; i < G_N_ELEMENTS (days); i++) {
    g_autofree char *text = NULL;
    GDate today;

    g_setenv ("FITCORE_TODAY", days[i], TRUE);
    fc_time_get_today (&today);
    text = fc_time_format_date (&today);
#ifdef FC_TEST_CLOCK
    g_assert_cmpstr (text, ==, days[i]);
#else
    /* Release builds ignore it. */
    assert_clock_today ();
#endif
  }
  g_unsetenv ("FITCORE_TODAY");
}

static void
test_today_invalid (void)
{
  if (g_test_subprocess ()) {
    /* 2027 is no leap year: not a real day, so the clock it is, and a
     * warning says so (not fatal here, so that the date can be checked). */
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    g_setenv ("FITCORE_TODAY", "2027-02-29", TRUE);
    assert_clock_today ();
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
#ifdef FC_TEST_CLOCK
  g_test_trap_assert_stderr ("*FITCORE_TODAY=2027-02-29 is not a YYYY-MM-DD date*");
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/time/today-clock", test_today_clock);
  g_test_add_func ("/core/time/today-injected", test_today_injected);
  g_test_add_func ("/core/time/today-invalid", test_today_invalid);

  return g_test_run ();
}
