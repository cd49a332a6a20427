/* fc-admin-schema.c — admin mode's own migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-server-schema.h"

/* 10: admin mode.
 *
 * audit_log: one row per staff action, written by the handler in the
 * transaction that makes the change, so a refused or failed change leaves
 * no row and a committed one always has its row. before/after are JSON
 * objects of the fields the action changed (NULL where there was no
 * object before or after). The actor and the object have no foreign keys:
 * the trail outlives the accounts and objects it names, and actor_email
 * keeps who it was. actor_id NULL is the server itself (a premium grant
 * that ran out).
 *
 * payment_transactions: the ledger the payments work builds on (API.md's
 * GET payments/transactions/). Staff grants and revokes of premium are its
 * first rows, kind 'grant' and 'revoke', provider 'admin', amount 0; a
 * paid plan adds 'payment' and 'refund' rows with provider 'stripe' and
 * the provider's event id in provider_ref, unique per provider so a
 * replayed webhook inserts nothing. A user's premium comes from their
 * newest grant or revoke (or, later, subscription); users.has_premium stays
 * the flag everything else reads, and the housekeeping clears it once the
 * newest grant's ends_at has passed.
 *
 * user_activity: the days an account used the API (any authenticated
 * request, a login or a refresh), one row a user a day, for the
 * statistics' active users; users.last_seen is the newest of them, kept
 * to the day's first request so it costs one write a user a day.
 *
 * The indexes let the staff's user list page in any of its orders without
 * sorting 100,000 rows, and count staff without a scan. users_search is a
 * trigram index of the fields the list searches, kept by triggers: a
 * search for a part of an address or a name (three characters or more)
 * reads the index, where LIKE '%...%' read every row, twice (the count
 * and the page): 90 to 200 ms at 100,000 accounts on a loaded machine.
 * A later migration that rebuilds users (as 4 did) must make the three
 * users_search triggers again and 'rebuild' the index. */
/* Content that staff change through the content routes of other modules
 * (api/v1/workouts/, public foods, meal-plan templates) is audited by
 * triggers, so no route can forget it: while a staff member's write
 * request runs, the framework keeps their id in audit_actor (one row,
 * written and cleared inside the request's transaction), and each trigger
 * below writes the whole row before and after, as JSON, for that actor.
 * Without a row (anyone else's request, the demo seed, a migration)
 * nothing is recorded. */
#define AUDIT_NOW "strftime ('%Y-%m-%dT%H:%M:%f000Z', 'now')"

#define AUDIT_TRIGGER(name, event, table, when, action, type, id, before, after) \
  "CREATE TRIGGER audit_" name " AFTER " event " ON " table \
  "  WHEN EXISTS (SELECT 1 FROM audit_actor)" when " BEGIN" \
  "  INSERT INTO audit_log (actor_id, actor_email, action, object_type, object_id, before, after," \
  "    created_at) SELECT a.actor_id, (SELECT email FROM users WHERE id = a.actor_id), '" action "'," \
  "    '" type "', " id ", " before ", " after ", " AUDIT_NOW " FROM audit_actor a;" \
  "END;"

/* Insert, update and delete of @table as @type.create/update/delete. */
#define AUDIT_TABLE(table, type, when_new, when_old, when_both, row) \
  AUDIT_TRIGGER (table "_insert", "INSERT", table, when_new, type ".create", type, "NEW.id", \
                 "NULL", row ("NEW")) \
  AUDIT_TRIGGER (table "_update", "UPDATE", table, when_both, type ".update", type, "NEW.id", \
                 row ("OLD"), row ("NEW")) \
  AUDIT_TRIGGER (table "_delete", "DELETE", table, when_old, type ".delete", type, "OLD.id", \
                 row ("OLD"), "NULL")

#define WORKOUT_ROW(r) \
  "json_object ('title', " r ".title, 'description', " r ".description, 'duration', " r ".duration," \
  " 'difficulty', " r ".difficulty, 'category', " r ".category_id," \
  " 'goals', CASE WHEN json_valid (" r ".goals) THEN json (" r ".goals) ELSE " r ".goals END," \
  " 'is_premium', json (CASE WHEN " r ".is_premium THEN 'true' ELSE 'false' END)," \
  " 'thumbnail', " r ".thumbnail)"
#define CATEGORY_ROW(r) \
  "json_object ('name', " r ".name, 'slug', " r ".slug, 'description', " r ".description)"
#define VIDEO_ROW(r) \
  "json_object ('workout', " r ".workout_id, 'title', " r ".title, 'description', " r ".description," \
  " 'file', " r ".file, 'thumbnail', " r ".thumbnail, 'duration', " r ".duration," \
  " 'order_index', " r ".order_index," \
  " 'is_free', json (CASE WHEN " r ".is_free THEN 'true' ELSE 'false' END))"
#define FOOD_ROW(r) \
  "json_object ('name', " r ".name, 'description', " r ".description, 'serving_quantity', " \
  r ".serving_quantity, 'serving_unit', " r ".serving_unit, 'calories', " r ".calories," \
  " 'protein', " r ".protein, 'carbohydrates', " r ".carbohydrates, 'fat', " r ".fat," \
  " 'food_category', " r ".food_category," \
  " 'is_public', json (CASE WHEN " r ".is_public THEN 'true' ELSE 'false' END))"
#define TEMPLATE_ROW(r) \
  "json_object ('name', " r ".name, 'description', " r ".description, 'goal', " r ".goal," \
  " 'duration_days', " r ".duration_days," \
  " 'is_template', json (CASE WHEN " r ".is_template THEN 'true' ELSE 'false' END)," \
  " 'is_active', json (CASE WHEN " r ".is_active THEN 'true' ELSE 'false' END))"

const char fc_admin_schema_migration_10[] =
  "CREATE TABLE audit_log ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  actor_id    INTEGER,"
  "  actor_email TEXT,"
  "  action      TEXT NOT NULL,"
  "  object_type TEXT NOT NULL,"
  "  object_id   INTEGER,"
  "  before      TEXT,"
  "  after       TEXT,"
  "  created_at  TEXT NOT NULL"
  ");"
  "CREATE INDEX audit_log_actor ON audit_log (actor_id, id);"
  "CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);"
  "CREATE INDEX audit_log_time ON audit_log (created_at, id);"

  "CREATE TABLE payment_transactions ("
  "  id           INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  kind         TEXT NOT NULL CHECK (kind IN ('grant', 'revoke', 'payment', 'refund')),"
  "  plan         TEXT,"                          /* MONTHLY | LIFETIME; NULL for a grant */
  "  status       TEXT NOT NULL DEFAULT 'succeeded',"
  "  amount       INTEGER NOT NULL DEFAULT 0,"    /* minor units (cents) */
  "  currency     TEXT NOT NULL DEFAULT '',"
  "  provider     TEXT NOT NULL DEFAULT 'admin',"
  "  provider_ref TEXT,"
  "  starts_at    TEXT NOT NULL,"
  "  ends_at      TEXT,"                          /* NULL: no end */
  "  created_by   INTEGER,"                       /* the staff member; no foreign key, as the audit */
  "  note         TEXT NOT NULL DEFAULT '',"
  "  created_at   TEXT NOT NULL"
  ");"
  "CREATE INDEX payment_transactions_user ON payment_transactions (user_id, id);"
  "CREATE UNIQUE INDEX payment_transactions_ref ON payment_transactions (provider, provider_ref)"
  "  WHERE provider_ref IS NOT NULL;"

  "CREATE TABLE user_activity ("
  "  day     TEXT NOT NULL,"                      /* YYYY-MM-DD, UTC */
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (day, user_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX user_activity_user ON user_activity (user_id);"
  "ALTER TABLE users ADD COLUMN last_seen TEXT;"

  "CREATE VIRTUAL TABLE users_search USING fts5 (email, first_name, last_name,"
  "  content = 'users', content_rowid = 'id', tokenize = 'trigram');"
  "INSERT INTO users_search (users_search) VALUES ('rebuild');"
  "CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN"
  "  INSERT INTO users_search (rowid, email, first_name, last_name)"
  "    VALUES (NEW.id, NEW.email, NEW.first_name, NEW.last_name);"
  "END;"
  "CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN"
  "  INSERT INTO users_search (users_search, rowid, email, first_name, last_name)"
  "    VALUES ('delete', OLD.id, OLD.email, OLD.first_name, OLD.last_name);"
  "END;"
  "CREATE TRIGGER users_search_update AFTER UPDATE OF email, first_name, last_name ON users BEGIN"
  "  INSERT INTO users_search (users_search, rowid, email, first_name, last_name)"
  "    VALUES ('delete', OLD.id, OLD.email, OLD.first_name, OLD.last_name);"
  "  INSERT INTO users_search (rowid, email, first_name, last_name)"
  "    VALUES (NEW.id, NEW.email, NEW.first_name, NEW.last_name);"
  "END;"

  "CREATE INDEX users_date_joined ON users (date_joined, id);"
  "CREATE INDEX users_last_login ON users (last_login, id);"
  "CREATE INDEX users_last_seen ON users (last_seen, id);"
  /* Staff are found by a seek; any other mix of the three flags is counted
   * on this index alone, a few bytes a row, never on the wide rows. */
  "CREATE INDEX users_flags ON users (is_staff, is_active, has_premium);"
  "CREATE INDEX workout_progress_completed ON workout_progress (completed_at);"
  "CREATE INDEX workout_progress_started ON workout_progress (created_at);"
  "CREATE INDEX workout_progress_watched ON workout_progress (updated_at);"
  "CREATE INDEX meal_plans_generated ON meal_plans (is_ai_generated, created_at);"

  "CREATE TABLE audit_actor ("
  "  id       INTEGER PRIMARY KEY CHECK (id = 1),"
  "  actor_id INTEGER NOT NULL"
  ");"
  AUDIT_TABLE ("workouts", "workout", "", "", "", WORKOUT_ROW)
  AUDIT_TABLE ("workout_categories", "workout_category", "", "", "", CATEGORY_ROW)
  AUDIT_TABLE ("workout_videos", "workout_video", "", "", "", VIDEO_ROW)
  /* Only public foods and templates: a staff member's own private food or
   * plan is theirs, not the service's content. */
  AUDIT_TABLE ("foods", "food", " AND NEW.is_public", " AND OLD.is_public",
               " AND (OLD.is_public OR NEW.is_public)", FOOD_ROW)
  AUDIT_TABLE ("meal_plans", "meal_plan_template", " AND NEW.is_template", " AND OLD.is_template",
               " AND (OLD.is_template OR NEW.is_template)", TEMPLATE_ROW);

/* 14: resumable video uploads and published workouts.
 *
 * admin_uploads: one row per unfinished upload (docs/admin-wire.md). Its
 * bytes are in DATA_DIR/uploads/ID.part; "received" is the offset last
 * synced to disk, the only one the routes trust (a part file longer than
 * it, after a crash, is cut back). A row goes when its upload completes,
 * is deleted or expires; an account's rows go with it.
 *
 * workouts.is_published: a hidden workout is staff's alone. The audit
 * triggers of migration 10 are made again to record the flag. */
#define WORKOUT_ROW_14(r) \
  "json_object ('title', " r ".title, 'description', " r ".description, 'duration', " r ".duration," \
  " 'difficulty', " r ".difficulty, 'category', " r ".category_id," \
  " 'goals', CASE WHEN json_valid (" r ".goals) THEN json (" r ".goals) ELSE " r ".goals END," \
  " 'is_premium', json (CASE WHEN " r ".is_premium THEN 'true' ELSE 'false' END)," \
  " 'is_published', json (CASE WHEN " r ".is_published THEN 'true' ELSE 'false' END)," \
  " 'thumbnail', " r ".thumbnail)"

const char fc_admin_schema_migration_14[] =
  "CREATE TABLE admin_uploads ("
  "  id         TEXT PRIMARY KEY,"
  "  owner_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  filename   TEXT NOT NULL,"
  "  size       INTEGER NOT NULL,"
  "  received   INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL,"
  "  expires_at TEXT NOT NULL"
  ");"
  "CREATE INDEX admin_uploads_owner ON admin_uploads (owner_id);"
  "CREATE INDEX admin_uploads_expiry ON admin_uploads (expires_at);"
  "ALTER TABLE workouts ADD COLUMN is_published INTEGER NOT NULL DEFAULT 1;"
  "CREATE INDEX workouts_published ON workouts (is_published, created_at, id);"
  "DROP TRIGGER audit_workouts_insert;"
  "DROP TRIGGER audit_workouts_update;"
  "DROP TRIGGER audit_workouts_delete;"
  AUDIT_TABLE ("workouts", "workout", "", "", "", WORKOUT_ROW_14);
