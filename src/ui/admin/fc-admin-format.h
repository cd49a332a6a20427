/* fc-admin-format.h — numbers as the Admin section shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @value with the locale's thousands grouping ("20,003" in en_US,
 * "20.003" in de_DE, "20003" in C): counts of accounts, days and
 * workouts read at a glance. Owned by the caller. */
char *fc_admin_format_count (gint64 value);

G_END_DECLS
