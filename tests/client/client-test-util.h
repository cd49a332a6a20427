/* client-test-util.h — waiting for async results in the client tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

/* A GAsyncReadyCallback that stores the result in the GAsyncResult * slot
 * given as user data. */
static inline void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

/* Runs the default main context until on_done_cb() filled @slot. */
static inline GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}
