/* fc-sync-notifications.h — one pull of the notifications inbox into the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync engine's notifications step (src/sync/fc-sync-engine.c runs it
 * after the outbox, when the server offers "notifications"): every page of
 * GET notifications/ into the store as it comes (fc-store-notifications.h),
 * then what the server no longer lists is dropped. fitcore-server's change
 * feed does not carry notifications; between pulls the live stream
 * (FcNotificationsService) keeps the store current.
 */

#pragma once

#include "fc-api-client.h"
#include "fc-store.h"

G_BEGIN_DECLS

void      fc_sync_notifications_pull_async  (FcApiClient          *client,
                                             FcStore              *store,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* Fails as the client does (%FC_API_ERROR_NOT_FOUND: the server has no
 * notifications) or as the store does. */
gboolean  fc_sync_notifications_pull_finish (GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
