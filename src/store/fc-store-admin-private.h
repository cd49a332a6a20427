/* fc-store-admin-private.h — the outbox's admin rows, settled in the
 * outbox's transaction (worker side)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-store-private.h"

G_BEGIN_DECLS

/* Whether outbox rows of @resource are fc-store-admin.c's. */
gboolean fc_store_admin_owns   (const char  *resource);
/* The server made the object created as @local_id: it is @server_id now. */
gboolean fc_store_admin_remap  (FcStoreDb   *db,
                                const char  *resource,
                                gint64       local_id,
                                gint64       server_id,
                                GError     **error);
/* The row is gone: sent (with the server's @answer, NULL for a 404 to a
 * deletion or an answer without a body), or @discarded (@revert, the
 * row's snapshot, is put back). */
gboolean fc_store_admin_settle (FcStoreDb   *db,
                                const char  *resource,
                                const char  *method,
                                gint64       object_id,
                                gboolean     creates,
                                JsonObject  *answer,
                                gboolean     discarded,
                                const char  *revert,
                                GError     **error);

G_END_DECLS
