/* fc-sync-engine.h — fills the store from the API and drains the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A user write is pushed as soon as it commits (the engine listens to
 * FcStore::changed::outbox-queued; writes committed together go
 * together), with no pull before it; a pull follows a moment later. A full
 * sync is: sections (learned once a day), pull, then push the outbox in
 * order. Against a server with a change feed the pull is one GET
 * changes/?since=CURSOR (a full pull of every list only on the first sync,
 * when the server resets the cursor, or when the user asks); without one
 * every list is pulled, the foods list at most once a day unless the user
 * asks. Full
 * syncs run on start, when asked, when the network comes back
 * (GNetworkMonitor) and every few minutes; a sync asked for while one runs
 * is coalesced into one more run after it. A network failure ends the run
 * in the OFFLINE state and leaves the outbox as it was; a 400/403/404 on a
 * queued write marks that row as needing attention (with the server's
 * message) and the push goes on with the rows after it that do not depend
 * on it.
 */

#pragma once

#include <gio/gio.h>

#include "fc-api-client.h"
#include "fc-store.h"

G_BEGIN_DECLS

typedef enum {
  FC_SYNC_STATE_SYNCED,          /* nothing waiting, last run succeeded */
  FC_SYNC_STATE_SYNCING,         /* a run is going on; see "progress" */
  FC_SYNC_STATE_OFFLINE,         /* the server cannot be reached */
  FC_SYNC_STATE_PENDING,         /* "pending-count" changes wait to be sent */
  FC_SYNC_STATE_NEEDS_ATTENTION, /* "rejected-count" changes the server refused */
} FcSyncState;

#define FC_TYPE_SYNC_ENGINE (fc_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (FcSyncEngine, fc_sync_engine, FC, SYNC_ENGINE, GObject)

FcSyncEngine *fc_sync_engine_new                (FcApiClient         *client,
                                                 FcStore             *store);

/* Properties (all notify on the main context): "state", "progress" (0..1
 * during a run, for a progress bar), "pending-count", "rejected-count",
 * "last-synced" (unix seconds, 0 = never), "last-error" (a sentence or NULL).
 * Signal "rejected" (FcOutboxItem *item): a queued write the server refused,
 * for a toast. */
FcSyncState   fc_sync_engine_get_state          (FcSyncEngine        *self);
double        fc_sync_engine_get_progress       (FcSyncEngine        *self);
guint         fc_sync_engine_get_pending_count  (FcSyncEngine        *self);
guint         fc_sync_engine_get_rejected_count (FcSyncEngine        *self);
gint64        fc_sync_engine_get_last_synced    (FcSyncEngine        *self);
const char   *fc_sync_engine_get_last_error     (FcSyncEngine        *self);
/* A translated one-line description of the state, for the UI. */
char         *fc_sync_engine_describe_state     (FcSyncEngine        *self);

/* Periodic syncs and the network monitor; stop() cancels a running sync. */
void          fc_sync_engine_start              (FcSyncEngine        *self);
void          fc_sync_engine_stop               (FcSyncEngine        *self);
/* Fire and forget; coalesced. A full sync in the background: what is
 * fresh (sections, foods) is not pulled again. Views need not call it after
 * a write: the engine pushes every write itself. Does nothing while the
 * engine is stopped (signed out); sync_async() always runs. */
void          fc_sync_engine_request_sync       (FcSyncEngine        *self);
/* The same, asked for by the user (Ctrl+R): everything is pulled. */
void          fc_sync_engine_request_full_sync  (FcSyncEngine        *self);
/* A background sync that also pulls the notifications inbox whole (the
 * stream missed events). Without it they are pulled only into a store
 * that never had them and on request_full_sync(); the stream keeps them
 * current between. */
void          fc_sync_engine_request_notifications_pull (FcSyncEngine *self);
/* The account was just stored from the sign-in answer: the next pull does
 * not ask the server for it again (FcSession, after a sign-in). */
void          fc_sync_engine_skip_next_account  (FcSyncEngine        *self);

/* The store's sync_state key that keeps what the server offers, as JSON:
 * {"server": base URL, "version": its Server header, "sections": [...],
 * "generate": whether POST nutrition/generate/ exists (absent: unknown)}.
 * Learned once per server and version; forget_offers() has the next run
 * learn it again (a request answered 404 where it used to work). */
#define FC_SYNC_ENGINE_OFFERS_KEY "engine-server-offers"
/* The key whose presence says the store holds the templates (unix seconds
 * of their last whole pull). */
#define FC_SYNC_ENGINE_TEMPLATES_PULLED_KEY "engine-templates-pulled-at"
void          fc_sync_engine_forget_offers      (FcSyncEngine        *self);

/* Where the engine reads the time (unix microseconds): the day that keeps
 * sections and foods fresh, and "last-synced". NULL restores the real
 * clock. For tests. */
typedef gint64 (*FcSyncClockFunc) (gpointer user_data);
void          fc_sync_engine_set_clock          (FcSyncEngine        *self,
                                                 FcSyncClockFunc      clock,
                                                 gpointer             user_data);

/* How many objects a list page asks for (1000). For tests whose lists
 * must span pages. */
void          fc_sync_engine_set_page_size      (FcSyncEngine        *self,
                                                 guint                page_size);

/* One whole run, as asked for by the user (everything is pulled), for
 * tests and "Sync now" with feedback. */
void          fc_sync_engine_sync_async         (FcSyncEngine        *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean      fc_sync_engine_sync_finish        (FcSyncEngine        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
