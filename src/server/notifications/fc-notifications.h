/* fc-notifications.h — notifications as the rest of the server sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each user's inbox (api/v1/notifications/), filled by the server on events
 * (a meal plan generated or copied, a workout completed and its milestones,
 * a payment) and by staff broadcasts, and pushed live over a WebSocket
 * (api/v1/notifications/stream/). Every change to an inbox writes a row to
 * notification_events through triggers; the stream sends those rows in
 * order, so a client that resumes from the last event id it has misses
 * nothing and gets nothing twice. docs/notifications-wire.md has the wire.
 */

#pragma once

#include <libsoup/soup.h>
#include "fc-sql.h"

#include "fc-server-request.h"

G_BEGIN_DECLS

#define FC_NOTIFICATIONS_STREAM_PATH "/api/v1/notifications/stream/"

/* Migration 13 (fc-notifications-schema.c). */
extern const char fc_notifications_schema_migration_13[];

const FcRoute *fc_notifications_routes          (gsize        *n_routes);
/* users/dashboard/ (fc-notifications-dashboard.c). */
const FcRoute *fc_notifications_dashboard_routes (gsize       *n_routes);

/* The WebSocket at FC_NOTIFICATIONS_STREAM_PATH on @soup_server. */
void           fc_notifications_stream_attach   (FcServer     *server,
                                                 SoupServer   *soup_server);
/* Tells the open streams that events may have been written. Cheap; the
 * streams read the database from an idle callback, after the writer's
 * transaction has been committed (or rolled back). */
void           fc_notifications_wake            (FcServer     *server);

/* The notifications clock, Unix seconds (the payments clock: real time plus
 * the config's test_clock_offset), and the UTC day it is in. */
gint64         fc_notifications_now             (FcServer     *server);
char          *fc_notifications_today           (FcServer     *server);

/* Writes one notification inside the caller's transaction. @type is one of
 * SYSTEM, WORKOUT_REMINDER, MEAL_PLAN_UPDATE, PAYMENT, ACHIEVEMENT. FALSE
 * when the insert failed (callers treat a notification as a side effect
 * and go on). */
gboolean       fc_notifications_add             (FcServer     *server,
                                                 FcSql      *db,
                                                 gint64        user_id,
                                                 const char   *type,
                                                 const char   *title,
                                                 const char   *message);

/* Hooks, each inside the caller's transaction. */
void           fc_notifications_plan_ready      (FcServer     *server,
                                                 FcSql      *db,
                                                 gint64        user_id,
                                                 gint64        plan_id,
                                                 gboolean      copied);
/* @workout_id was just completed (completed_at went from NULL to set):
 * records the day, notifies, and adds milestones (1st, 10th, 50th
 * completion, a 7-day streak). */
void           fc_notifications_workout_completed (FcServer   *server,
                                                   FcSql    *db,
                                                   gint64      user_id,
                                                   gint64      workout_id);
/* A Stripe event applied to @user_id's subscription. */
void           fc_notifications_payment_event   (FcServer     *server,
                                                 FcSql      *db,
                                                 gint64        user_id,
                                                 const char   *event_type,
                                                 JsonObject   *object);

/* Consecutive UTC days with a completed workout, ending today or
 * yesterday (a streak is not broken before the day is over). */
gint64         fc_notifications_streak          (FcSql      *db,
                                                 gint64        user_id,
                                                 const char   *today);

G_END_DECLS
