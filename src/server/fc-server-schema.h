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

/* Migrations whose SQL lives beside the routes that use it, so that the
 * sections' authors do not edit one array at once:
 * src/server/health/fc-health-schema.c, src/server/admin/fc-admin-schema.c and
 * src/server/payments/fc-payments-schema.c. */
extern const char fc_health_schema_migration_9[];
extern const char fc_admin_schema_migration_10[];
extern const char fc_payments_schema_migration_11[];
/* In src/server/fc-google-login.c. */
extern const char fc_google_schema_migration_12[];

G_END_DECLS
