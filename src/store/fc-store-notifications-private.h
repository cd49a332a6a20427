/* fc-store-notifications-private.h — the outbox's notification rows, settled
 * in the outbox's transaction (worker side)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-store-private.h"

G_BEGIN_DECLS

/* Whether outbox rows of @resource are fc-store-notifications.c's. */
gboolean fc_store_notifications_owns   (const char  *resource);
/* The row is gone: sent (with the server's @answer, or NULL for a 404 or
 * an answer without a body), or discarded (@revert, the row's snapshot:
 * what the write changed is put back). */
gboolean fc_store_notifications_settle (FcStoreDb   *db,
                                        const char  *method,
                                        gint64       object_id,
                                        JsonObject  *answer,
                                        const char  *revert,
                                        GError     **error);

G_END_DECLS
