/* fc-notifications-service.h — the account's inbox at api/v1/notifications/
 * (docs/notifications-wire.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Notifications section (src/ui/fc-notifications-page.c) asks this
 * object, never the client, so the UI speaks no HTTP. Every call is
 * asynchronous on GTask and fails with the client's %FC_API_ERROR errors;
 * %FC_API_ERROR_NOT_FOUND from the list means the server has no
 * notifications (the Django backend), and the section is hidden anyway
 * there, since the server does not offer the "notifications" section.
 */

#pragma once

#include "fc-api-client.h"
#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_NOTIFICATIONS_SERVICE (fc_notifications_service_get_type ())

G_DECLARE_FINAL_TYPE (FcNotificationsService, fc_notifications_service,
                      FC, NOTIFICATIONS_SERVICE, GObject)

FcNotificationsService *fc_notifications_service_new             (FcApiClient *client);
/* The signed-in account's service (NULL when nobody is): what the UI uses.
 * Its stream's events also go into the session's store
 * (fc_store_notifications_apply_event_async()). */
FcNotificationsService *fc_notifications_service_new_for_session (FcSession   *session);

/* GET notifications/?page=@page&page_size=@page_size (@page from 1): the DRF
 * page ({count, next, previous, results}), newest first. */
void        fc_notifications_service_list_async         (FcNotificationsService *self,
                                                         guint                   page,
                                                         guint                   page_size,
                                                         GCancellable           *cancellable,
                                                         GAsyncReadyCallback     callback,
                                                         gpointer                user_data);
JsonObject *fc_notifications_service_list_finish        (FcNotificationsService *self,
                                                         GAsyncResult           *result,
                                                         GError                **error);

/* PATCH notifications/{id}/ {"is_read": @is_read}: the notification as the
 * server now has it. */
void        fc_notifications_service_set_read_async     (FcNotificationsService *self,
                                                         gint64                  id,
                                                         gboolean                is_read,
                                                         GCancellable           *cancellable,
                                                         GAsyncReadyCallback     callback,
                                                         gpointer                user_data);
JsonObject *fc_notifications_service_set_read_finish    (FcNotificationsService *self,
                                                         GAsyncResult           *result,
                                                         GError                **error);

/* POST notifications/mark-all-read/: how many changed. */
void        fc_notifications_service_mark_all_read_async  (FcNotificationsService *self,
                                                           GCancellable           *cancellable,
                                                           GAsyncReadyCallback     callback,
                                                           gpointer                user_data);
gint64      fc_notifications_service_mark_all_read_finish (FcNotificationsService *self,
                                                           GAsyncResult           *result,
                                                           GError                **error);

/* DELETE notifications/{id}/. A notification that is already gone (404)
 * counts as deleted: that is what was asked. */
void        fc_notifications_service_delete_async       (FcNotificationsService *self,
                                                         gint64                  id,
                                                         GCancellable           *cancellable,
                                                         GAsyncReadyCallback     callback,
                                                         gpointer                user_data);
gboolean    fc_notifications_service_delete_finish      (FcNotificationsService *self,
                                                         GAsyncResult           *result,
                                                         GError                **error);

/* GET notifications/unread-count/: the count, or -1 with @error set. */
void        fc_notifications_service_unread_count_async  (FcNotificationsService *self,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gint64      fc_notifications_service_unread_count_finish (FcNotificationsService *self,
                                                          GAsyncResult           *result,
                                                          GError                **error);

/* The live stream (GET notifications/stream/, a WebSocket with the access
 * token in its Authorization header): while started, the service stays
 * connected, reconnecting after a cut with Last-Event-ID so that no event
 * is missed or repeated, acknowledges each event, and emits
 * "stream-event" (JsonObject *frame) for every notification.created,
 * notification.read, notification.deleted and reset frame. Property
 * "stream-connected" (notifies) says whether it is connected. */
void        fc_notifications_service_start_stream        (FcNotificationsService *self);
void        fc_notifications_service_stop_stream         (FcNotificationsService *self);
gboolean    fc_notifications_service_get_stream_connected (FcNotificationsService *self);
/* The last event id received, 0 before any. */
gint64      fc_notifications_service_get_last_event_id   (FcNotificationsService *self);

G_END_DECLS
