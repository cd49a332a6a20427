/* fc-server-schema.h — the server database's migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Migration N (1-based) brings PRAGMA user_version from N-1 to N. Entries are
 * only ever appended: a shipped migration is never edited or renumbered. */
const char * const *fc_server_schema_migrations (guint *n_migrations);

G_END_DECLS
