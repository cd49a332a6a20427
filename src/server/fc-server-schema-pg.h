/* fc-server-schema-pg.h — the server database's migrations on PostgreSQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* The twin of fc_server_schema_migrations() (fc-server-schema.h): migration
 * N here makes the same tables, columns, keys, indexes and triggers as
 * SQLite's migration N, so that a route's SQL means the same on both.
 * Entries are only ever appended, in step with SQLite's list. */
extern const char * const fc_server_pg_migrations[];
extern const guint fc_server_pg_n_migrations;

/* Brings @connection's database up to the newest migration. Under a
 * session advisory lock, so that instances starting together apply each
 * migration once; each migration commits with its row in schema_version,
 * so a failure leaves the database at a version it really has. Errors are
 * FC_DB_ERROR (fc-db.h): TOO_NEW for a database newer than this build,
 * MIGRATION for a migration that failed, FAILED for anything else.
 * @connection must be idle (no transaction open). */
gboolean fc_server_pg_migrate (PGconn  *connection,
                               GError **error);

G_END_DECLS
