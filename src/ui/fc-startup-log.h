/* fc-startup-log.h — start-up steps, printed when FITCORE_DEBUG_STARTUP=1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prints "fitcore-startup: <ms> <step>" to stderr, the time on
 * CLOCK_MONOTONIC (g_get_monotonic_time()), which a benchmark that spawned
 * the app reads on the same clock: tests/bench/app/warm-start.py shows
 * each step against the spawn. Nothing is printed otherwise. */
static inline void
fc_startup_log (const char *step)
{
  static int enabled = -1;

  if (enabled < 0)
    enabled = g_strcmp0 (g_getenv ("FITCORE_DEBUG_STARTUP"), "1") == 0;
  if (enabled)
    g_printerr ("fitcore-startup: %.1f ms %s\n", g_get_monotonic_time () / 1000.0, step);
}

G_END_DECLS
