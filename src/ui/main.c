/* main.c — the fitcore app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>

#include "fc-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FcApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Before GApplication sees argv: this takes GStreamer's own options
   * (--gst-debug and the like) out of it. */
  gst_init (&argc, &argv);

  app = fc_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
