/* fc-admin-format.c — numbers as the Admin section shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-admin-format.h"

char *
fc_admin_format_count (gint64 value)
{
  /* The ' flag groups thousands as LC_NUMERIC does, which GTK's
   * setlocale () took from the environment. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}
