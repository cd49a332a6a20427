/* fc-store-notifications.h — the account's notifications in the store
 * (migration 7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inbox as GET notifications/ lists it, kept so that the Notifications
 * page shows it offline and after a restart. The user's edits change the
 * table and queue their request in the outbox in one transaction (resource
 * FC_STORE_NOTIFICATIONS): PATCH notifications/{id}/ {"is_read"}, DELETE
 * notifications/{id}/, POST notifications/mark-all-read/ (object id 0).
 * While such a row waits, pulls and stream events leave that notification's
 * read state alone (all of them while a mark-all-read waits), and a
 * deleted one stays deleted. Each change announces changed::notifications.
 */

#pragma once

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_STORE_NOTIFICATIONS "notifications"
/* The sync_state key of the last stream event applied (its id, as text),
 * written with the event: the stream resumes from it after a restart. */
#define FC_STORE_NOTIFICATIONS_STREAM_KEY "notifications-stream-last-id"

/* The newest @limit (0: all), newest first, as the wire's objects ({id,
 * type, title, message, is_read, created_at}) plus "dirty" (an edit of it
 * waits in the outbox). */
void        fc_store_notifications_list_async           (FcStore              *self,
                                                         guint                 limit,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
JsonArray  *fc_store_notifications_list_finish          (FcStore              *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* User writes: the table changes and the request is queued, in one
 * transaction (changed::outbox-queued follows, so the engine pushes at
 * once). A missing notification is FC_STORE_ERROR_NOT_FOUND. */
void          fc_store_notifications_set_read_async      (FcStore              *self,
                                                          gint64                id,
                                                          gboolean              is_read,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean      fc_store_notifications_set_read_finish     (FcStore              *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void          fc_store_notifications_delete_async        (FcStore              *self,
                                                          gint64                id,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean      fc_store_notifications_delete_finish       (FcStore              *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void          fc_store_notifications_mark_all_read_async (FcStore              *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean      fc_store_notifications_mark_all_read_finish (FcStore             *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* For the sync engine: one page of GET notifications/ (one transaction),
 * then, after the last page of a complete pull, the ids it listed: what
 * it did not list and is older than the newest it did is gone (newer ones
 * came by the stream meanwhile). */
void        fc_store_notifications_apply_page_async     (FcStore              *self,
                                                         JsonArray            *page,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean    fc_store_notifications_apply_page_finish    (FcStore              *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void        fc_store_notifications_remove_missing_async  (FcStore             *self,
                                                          GArray              *ids,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean    fc_store_notifications_remove_missing_finish (FcStore             *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* One frame of the notifications stream (docs/notifications-wire.md):
 * notification.created, .read and .deleted change the table; each of
 * them, and a reset, keeps its id under FC_STORE_NOTIFICATIONS_STREAM_KEY
 * in the same transaction. */
void        fc_store_notifications_apply_event_async    (FcStore              *self,
                                                         JsonObject           *frame,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean    fc_store_notifications_apply_event_finish   (FcStore              *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
