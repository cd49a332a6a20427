/* fc-migrate.h — a whole server database into another, and a Django one into ours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 16: the two ways onto fitcore-server on PostgreSQL without users
 * starting over. Both refuse a target that already holds data, and both
 * write in one transaction: on any error, or counts that differ, nothing
 * is left behind.
 */

#pragma once

#include <glib.h>

#include "fc-sql.h"

G_BEGIN_DECLS

/* fitcore-server --migrate-from sqlite:PATH --database postgresql://…
 * Copies every table of the server database at @source (a stopped
 * server's SQLite file, "sqlite:PATH" or a bare path, opened read-only)
 * into the PostgreSQL database at @target_uri, which the caller has just
 * migrated (fc_sql_open()) and must hold no data. Ids, the change feed
 * and the audit trail are copied as they are; each identity sequence then
 * moves past the largest id the source ever handed out. Appends a line per
 * table ("foods 50012") to @report if not NULL. */
gboolean fc_migrate_from_sqlite   (const char  *source,
                                   const char  *target_uri,
                                   GString     *report,
                                   GError     **error);

/* fitcore-server --import-django LOCATION --database …
 * Reads a Django FitCore database ("sqlite:PATH" of its db.sqlite3, or
 * "postgresql://…") and writes its users (their pbkdf2_sha256 hashes as
 * they are, so they sign in with their passwords), profiles, foods, meals
 * with their items and meal plans with their schedules into @target,
 * keeping Django's ids. @target must hold no users, foods, meals or plans. */
gboolean fc_migrate_import_django (FcSql       *target,
                                   const char  *source,
                                   GString     *report,
                                   GError     **error);

G_END_DECLS
