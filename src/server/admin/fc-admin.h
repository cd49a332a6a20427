/* fc-admin.h — admin mode (api/v1/admin/) as the rest of the server sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Staff manage accounts, read the audit trail and the statistics. Every
 * change a staff member makes is written to audit_log in the transaction
 * that makes it (docs/admin-wire.md).
 */

#pragma once

#include <libsoup/soup.h>
#include "fc-sql.h"

#include "fc-server-request.h"

G_BEGIN_DECLS

/* POST admin/foods/import/ reads its CSV body itself (raw), up to this
 * size. */
#define FC_ADMIN_IMPORT_PATH "/api/v1/admin/foods/import/"
#define FC_ADMIN_IMPORT_MAX_BODY (4 * 1024 * 1024)

/* Migration 14 (src/server/admin/fc-admin-schema.c): resumable uploads,
 * workouts' is_published. */
extern const char fc_admin_schema_migration_14[];

/* A PUT admin/workouts/{id}/thumbnail/ body: the image itself. */
#define FC_ADMIN_THUMBNAIL_MAX_BODY (5 * 1024 * 1024)
/* Set on a SoupServerMessage whose body the handler reads itself. */
#define FC_ADMIN_RAW_BODY_DATA "fc-admin-raw-body"

const FcRoute *fc_admin_routes          (gsize    *n_routes);

/* From the framework's got-headers hook: TRUE when admin mode takes this
 * request's body, with its limit in *@out_limit. A resumable upload's
 * PATCH is then written to disk as it arrives, never kept in memory
 * (fc-admin-uploads.c); a thumbnail is read raw. Either is marked with
 * FC_ADMIN_RAW_BODY_DATA, so the framework does not parse it. */
gboolean       fc_admin_body_policy     (FcServer          *server,
                                         SoupServerMessage *message,
                                         gsize             *out_limit);

/* Removes the resumable uploads that have expired, rows and bytes; for
 * the housekeeping. */
void           fc_admin_uploads_sweep   (FcServer          *server);

/* Records that @user_id used the API today (user_activity, users.last_seen)
 * for the statistics and a user's "last seen". Writes at most once a user
 * a day (the days already written are remembered on @server), outside any
 * transaction or inside the caller's; a failure only loses the record. */
void           fc_admin_note_activity   (FcServer *server,
                                         FcSql  *db,
                                         gint64    user_id);

/* Clears has_premium of the accounts whose newest staff grant has ended,
 * each with an audit row by the server itself, and forgets an actor a
 * crash left behind (below); for the housekeeping, in a transaction of
 * its own. Returns how many accounts lost premium. */
guint          fc_admin_housekeeping    (FcSql  *db);

/* The staff member whose write request runs now (0: none), for the audit
 * triggers of content tables (migration 10). The framework sets it after
 * opening a staff write request's transaction and clears it before the
 * end, so it commits or rolls back with the request. */
void           fc_admin_set_actor       (FcSql  *db,
                                         gint64    actor_id);

G_END_DECLS
