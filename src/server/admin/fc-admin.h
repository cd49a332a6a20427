/* fc-admin.h — admin mode (api/v1/admin/) as the rest of the server sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Staff manage accounts, read the audit trail and the statistics. Every
 * change a staff member makes is written to audit_log in the transaction
 * that makes it (docs/admin-wire.md).
 */

#pragma once

#include <sqlite3.h>

#include "fc-server-request.h"

G_BEGIN_DECLS

/* POST admin/foods/import/ reads its CSV body itself (raw), up to this
 * size. */
#define FC_ADMIN_IMPORT_PATH "/api/v1/admin/foods/import/"
#define FC_ADMIN_IMPORT_MAX_BODY (4 * 1024 * 1024)

const FcRoute *fc_admin_routes          (gsize    *n_routes);

/* Records that @user_id used the API today (user_activity, users.last_seen)
 * for the statistics and a user's "last seen". Writes at most once a user
 * a day (the days already written are remembered on @server), outside any
 * transaction or inside the caller's; a failure only loses the record. */
void           fc_admin_note_activity   (FcServer *server,
                                         sqlite3  *db,
                                         gint64    user_id);

/* Clears has_premium of the accounts whose newest staff grant has ended,
 * each with an audit row by the server itself, and forgets an actor a
 * crash left behind (below); for the housekeeping, in a transaction of
 * its own. Returns how many accounts lost premium. */
guint          fc_admin_housekeeping    (sqlite3  *db);

/* The staff member whose write request runs now (0: none), for the audit
 * triggers of content tables (migration 10). The framework sets it after
 * opening a staff write request's transaction and clears it before the
 * end, so it commits or rolls back with the request. */
void           fc_admin_set_actor       (sqlite3  *db,
                                         gint64    actor_id);

G_END_DECLS
