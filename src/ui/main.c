/* main.c — the fitcore app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore"

#include "config.h"

#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "fc-application.h"
#include "fc-startup-log.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FcApplication) app = NULL;
  const char *localedir;

  fc_startup_log ("main");
#ifdef __GLIBC__
  /* Blocks of 256 KiB and more (the window-sized images of a crossfade, a
   * decoded thumbnail) are mapped and given back when freed. glibc's
   * default raises that threshold to the largest block freed so far, after
   * which such blocks came from the heap and stayed in the app's memory:
   * 3 MiB at start, 4-7 MiB more after visiting every section
   * (tests/bench/app/rss.py). */
  mallopt (M_MMAP_THRESHOLD, 256 * 1024);
#endif
  /* FITCORE_LOCALEDIR lets the tests run the uninstalled app with the
   * translations built in build/po; unset, the installed ones are used. */
  localedir = g_getenv ("FITCORE_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* No gst_init() here: loading GStreamer's registry (seconds on a first
   * run) waited before the first window although only the Workouts player
   * needs it; fc-gstreamer.c starts it on a thread when Workouts is first
   * shown.
   * GStreamer's --gst-* options are gone with it: use GST_DEBUG and the
   * other GST_* variables instead. */
  app = fc_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
