/* fc-notifications-schema.c — the notifications section's own migration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-notifications.h"

/* 13: notifications.
 *
 * notifications: each user's inbox, newest first by id.
 *
 * notification_events: every change to an inbox, in the order it was
 * committed (ids only grow: AUTOINCREMENT never reuses one), written by
 * triggers so that no route can forget one. The stream sends these rows;
 * a client resumes from the last id it has. 'read' carries the new
 * is_read, 'deleted' only the notification's id.
 *
 * workout_completions: the days a user completed a workout, on the
 * notifications clock (which tests can move), one row per workout and
 * day. Milestones and the streak count these, not workout_progress, whose
 * completed_at keeps only the first completion of each workout.
 *
 * notification_milestones: what was already celebrated, so that a
 * milestone is announced once even if its count is reached again (a
 * completion undone and redone). */
const char fc_notifications_schema_migration_13[] =
  "CREATE TABLE notifications ("
  "  id         INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  type       TEXT NOT NULL CHECK (type IN ('SYSTEM', 'WORKOUT_REMINDER', 'MEAL_PLAN_UPDATE',"
  "                                          'PAYMENT', 'ACHIEVEMENT')),"
  "  title      TEXT NOT NULL,"
  "  message    TEXT NOT NULL,"
  "  is_read    INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL"
  ");"
  "CREATE INDEX notifications_user ON notifications (user_id, id);"
  "CREATE INDEX notifications_unread ON notifications (user_id) WHERE is_read = 0;"

  "CREATE TABLE notification_events ("
  "  id              INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id         INTEGER NOT NULL,"
  "  kind            TEXT NOT NULL CHECK (kind IN ('created', 'read', 'deleted')),"
  "  notification_id INTEGER NOT NULL,"
  "  is_read         INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX notification_events_user ON notification_events (user_id, id);"
  "CREATE TRIGGER notification_events_insert AFTER INSERT ON notifications BEGIN"
  "  INSERT INTO notification_events (user_id, kind, notification_id, is_read)"
  "    VALUES (NEW.user_id, 'created', NEW.id, NEW.is_read);"
  "END;"
  "CREATE TRIGGER notification_events_read AFTER UPDATE OF is_read ON notifications"
  "  WHEN OLD.is_read != NEW.is_read BEGIN"
  "  INSERT INTO notification_events (user_id, kind, notification_id, is_read)"
  "    VALUES (NEW.user_id, 'read', NEW.id, NEW.is_read);"
  "END;"
  "CREATE TRIGGER notification_events_delete AFTER DELETE ON notifications BEGIN"
  "  INSERT INTO notification_events (user_id, kind, notification_id, is_read)"
  "    VALUES (OLD.user_id, 'deleted', OLD.id, OLD.is_read);"
  "END;"

  "CREATE TABLE workout_completions ("
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  workout_id INTEGER NOT NULL,"
  "  day        TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, workout_id, day)"
  ") WITHOUT ROWID;"
  "CREATE INDEX workout_completions_day ON workout_completions (user_id, day);"

  "CREATE TABLE notification_milestones ("
  "  user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  milestone TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, milestone)"
  ") WITHOUT ROWID;";
