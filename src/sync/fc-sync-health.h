/* fc-sync-health.h — one sync of health points: upload in bulk, then pull
 * what changed on the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync engine's health step (src/sync/fc-sync-engine.c runs it after
 * the outbox, when the server offers "health"). Points never go through
 * the outbox one by one: the points waiting in the store go up through
 * POST health/sync/ in batches of FC_SYNC_HEALTH_BATCH, each answer marking
 * them uploaded (or refused, with the server's reasons, never sent again
 * until edited) before the next batch is read; then GET
 * health/data/?since=CURSOR pages are stored with their cursor, following
 * has_more and reset (docs/health-wire.md). Edits and deletions of points
 * the server has are outbox rows, sent before this step.
 */

#pragma once

#include "fc-api-client.h"
#include "fc-store.h"

G_BEGIN_DECLS

/* The server's limit per POST health/sync/. */
#define FC_SYNC_HEALTH_BATCH 10000

typedef enum {
  FC_SYNC_HEALTH_UPLOAD = 1 << 0,  /* the waiting points */
  FC_SYNC_HEALTH_PULL   = 1 << 1,  /* data/?since= until has_more is false */
  FC_SYNC_HEALTH_GOALS  = 1 << 2,  /* GET goals/ */
} FcSyncHealthFlags;

void      fc_sync_health_async  (FcApiClient          *client,
                                 FcStore              *store,
                                 FcSyncHealthFlags     flags,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
/* @out_uploaded: batches the server answered. Fails as the client does
 * (%FC_API_ERROR_NOT_FOUND: the server has no health routes any more). */
gboolean  fc_sync_health_finish (GAsyncResult         *result,
                                 guint                *out_uploaded,
                                 GError              **error);

G_END_DECLS
