/* fc-server-schema.c — the server database's migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-server-schema.h"

#include "fc-admin.h"
#include "fc-notifications.h"

/* The columns after "id" of the tables whose ids leave the server, shared
 * by the migration that made them and the one that rebuilt them with
 * AUTOINCREMENT, so the two cannot drift apart. */

#define USERS_COLUMNS \
  "  email          TEXT NOT NULL," \
  "  password       TEXT NOT NULL,"           /* pbkdf2_sha256$<iter>$<salt>$<hash>, or '!' unusable */ \
  "  first_name     TEXT NOT NULL DEFAULT ''," \
  "  last_name      TEXT NOT NULL DEFAULT ''," \
  "  is_staff       INTEGER NOT NULL DEFAULT 0," \
  "  is_active      INTEGER NOT NULL DEFAULT 1," \
  "  email_verified INTEGER NOT NULL DEFAULT 0," \
  "  has_premium    INTEGER NOT NULL DEFAULT 0," /* admin-set until payments exist */ \
  "  date_joined    TEXT NOT NULL," \
  "  last_login     TEXT"

#define PROFILES_COLUMNS \
  "  user_id      INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE," \
  "  img          TEXT,"                        /* path relative to the media dir */ \
  "  age          INTEGER," \
  "  weight       REAL," \
  "  height       REAL," \
  "  gender       TEXT," \
  "  fitness_goal TEXT," \
  "  updated_at   TEXT NOT NULL"

#define FOODS_COLUMNS \
  "  name             TEXT NOT NULL," \
  "  description      TEXT NOT NULL DEFAULT ''," \
  "  serving_quantity REAL NOT NULL DEFAULT 1.0," \
  "  serving_unit     TEXT NOT NULL DEFAULT 'g'," \
  "  calories         REAL NOT NULL," \
  "  protein          REAL NOT NULL," \
  "  carbohydrates    REAL NOT NULL," \
  "  fat              REAL NOT NULL," \
  "  fiber            REAL," \
  "  sugar            REAL," \
  "  sodium           REAL," \
  "  food_category    TEXT NOT NULL DEFAULT 'OT'," \
  "  user_added_id    INTEGER REFERENCES users (id) ON DELETE SET NULL," \
  "  is_public        INTEGER NOT NULL DEFAULT 0," \
  "  created_at       TEXT NOT NULL," \
  "  updated_at       TEXT NOT NULL"

#define MEALS_COLUMNS \
  "  user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE," \
  "  name               TEXT NOT NULL," \
  "  meal_time_category TEXT NOT NULL DEFAULT 'SN'," \
  "  description        TEXT NOT NULL DEFAULT ''," \
  "  is_template        INTEGER NOT NULL DEFAULT 0," \
  "  created_at         TEXT NOT NULL," \
  "  updated_at         TEXT NOT NULL"

#define MEAL_ITEMS_COLUMNS \
  "  meal_id            INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE," \
  "  food_id            INTEGER NOT NULL REFERENCES foods (id) ON DELETE CASCADE," \
  "  number_of_servings REAL NOT NULL DEFAULT 1.0," \
  "  UNIQUE (meal_id, food_id)"

#define MEAL_PLANS_COLUMNS \
  "  user_id                    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE," \
  "  name                       TEXT NOT NULL," \
  "  description                TEXT NOT NULL DEFAULT ''," \
  "  goal                       TEXT NOT NULL DEFAULT 'GH'," \
  "  duration_days              INTEGER NOT NULL DEFAULT 7," \
  "  start_date                 TEXT," \
  "  target_daily_calories      REAL," \
  "  target_daily_protein       REAL," \
  "  target_daily_carbohydrates REAL," \
  "  target_daily_fat           REAL," \
  "  is_active                  INTEGER NOT NULL DEFAULT 1," \
  "  is_template                INTEGER NOT NULL DEFAULT 0," \
  "  is_ai_generated            INTEGER NOT NULL DEFAULT 0," \
  "  created_at                 TEXT NOT NULL," \
  "  updated_at                 TEXT NOT NULL"

#define SCHEDULED_MEALS_COLUMNS \
  "  meal_plan_id INTEGER NOT NULL REFERENCES meal_plans (id) ON DELETE CASCADE," \
  "  meal_id      INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE," \
  "  day_of_plan  INTEGER NOT NULL," \
  "  UNIQUE (meal_plan_id, meal_id, day_of_plan)"

#define WORKOUT_CATEGORIES_COLUMNS \
  "  name        TEXT NOT NULL," \
  "  slug        TEXT NOT NULL UNIQUE," \
  "  description TEXT NOT NULL DEFAULT ''," \
  "  created_at  TEXT NOT NULL," \
  "  updated_at  TEXT NOT NULL"

#define WORKOUTS_COLUMNS \
  "  title       TEXT NOT NULL," \
  "  description TEXT NOT NULL DEFAULT ''," \
  "  duration    INTEGER NOT NULL DEFAULT 0,"  /* minutes */ \
  "  difficulty  TEXT NOT NULL DEFAULT 'beginner'," \
  "  category_id INTEGER REFERENCES workout_categories (id) ON DELETE SET NULL," \
  "  goals       TEXT NOT NULL DEFAULT '[]',"  /* a JSON array of strings */ \
  "  is_premium  INTEGER NOT NULL DEFAULT 0," \
  "  thumbnail   TEXT,"                       /* relative to the media dir */ \
  "  created_at  TEXT NOT NULL," \
  "  updated_at  TEXT NOT NULL"

#define WORKOUT_VIDEOS_COLUMNS \
  "  workout_id  INTEGER NOT NULL REFERENCES workouts (id) ON DELETE CASCADE," \
  "  title       TEXT NOT NULL," \
  "  description TEXT NOT NULL DEFAULT ''," \
  "  file        TEXT NOT NULL,"                /* relative to DATA_DIR/protected */ \
  "  thumbnail   TEXT,"                         /* relative to the media dir */ \
  "  duration    INTEGER NOT NULL DEFAULT 0,"   /* seconds, as the media says */ \
  "  order_index INTEGER NOT NULL DEFAULT 0," \
  "  is_free     INTEGER NOT NULL DEFAULT 0," \
  "  file_size   INTEGER," \
  "  checksum    TEXT,"                         /* SHA-256, hex */ \
  "  created_at  TEXT NOT NULL," \
  "  updated_at  TEXT NOT NULL"

#define WORKOUT_PROGRESS_COLUMNS \
  "  user_id             INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE," \
  "  workout_id          INTEGER NOT NULL REFERENCES workouts (id) ON DELETE CASCADE," \
  "  progress_percentage REAL NOT NULL DEFAULT 0," \
  "  last_video_id       INTEGER REFERENCES workout_videos (id) ON DELETE SET NULL," \
  "  position_seconds    REAL NOT NULL DEFAULT 0," \
  "  completed_at        TEXT," \
  "  created_at          TEXT NOT NULL," \
  "  updated_at          TEXT NOT NULL," \
  "  UNIQUE (user_id, workout_id)"

/* Migration 6's triggers that fill the change feed's table. */
#define CHANGES_TRIGGER(name, event, table, body) \
  "CREATE TRIGGER changes_" name " AFTER " event " ON " table " BEGIN " body " END;"

/* A food concerns everyone while it is (or was) public, else its owner(s);
 * a private food without an owner concerns nobody. */
#define FOOD_AUDIENCE(old, new) \
  "INSERT INTO changes (section, object_id, user_id)" \
  "  SELECT 'foods', " new ".id, NULL WHERE " old ".is_public OR " new ".is_public" \
  "  UNION SELECT 'foods', " new ".id, " old ".user_added_id" \
  "    WHERE NOT (" old ".is_public OR " new ".is_public) AND " old ".user_added_id IS NOT NULL" \
  "  UNION SELECT 'foods', " new ".id, " new ".user_added_id" \
  "    WHERE NOT (" old ".is_public OR " new ".is_public) AND " new ".user_added_id IS NOT NULL;"

/* The meals that show food @id, and the plans that show those meals. */
#define FOOD_USERS(id) \
  "INSERT INTO changes (section, object_id, user_id)" \
  "  SELECT DISTINCT 'meals', m.id, m.user_id FROM meal_items i JOIN meals m ON m.id = i.meal_id" \
  "  WHERE i.food_id = " id ";" \
  "INSERT INTO changes (section, object_id, user_id)" \
  "  SELECT DISTINCT 'meal_plans', p.id, p.user_id FROM meal_items i" \
  "  JOIN scheduled_meals s ON s.meal_id = i.meal_id JOIN meal_plans p ON p.id = s.meal_plan_id" \
  "  WHERE i.food_id = " id ";"

/* The plans that show meal @id. */
#define MEAL_PLANS(id) \
  "INSERT INTO changes (section, object_id, user_id)" \
  "  SELECT DISTINCT 'meal_plans', p.id, p.user_id FROM scheduled_meals s" \
  "  JOIN meal_plans p ON p.id = s.meal_plan_id WHERE s.meal_id = " id ";"

/* A child row marks its parent while the parent exists (a cascade from the
 * parent's delete marks nothing more: the parent's own trigger did). */
#define MEAL_PARENT(id) \
  "INSERT INTO changes (section, object_id, user_id)" \
  "  SELECT 'meals', id, user_id FROM meals WHERE id = " id ";" \
  MEAL_PLANS (id)

#define PLAN_PARENT(id) \
  "INSERT INTO changes (section, object_id, user_id)" \
  "  SELECT 'meal_plans', id, user_id FROM meal_plans WHERE id = " id ";"

#define WORKOUT_PARENT(id, user) \
  "INSERT INTO changes (section, object_id, user_id)" \
  "  SELECT 'workouts', id, " user " FROM workouts WHERE id = " id ";"

#define CATEGORY(id) \
  "INSERT INTO changes (section, object_id)" \
  "  SELECT 'workout_categories', id FROM workout_categories WHERE id = " id ";"

/* Timestamps are ISO 8601 UTC text with microseconds ("...T08:41:03.540310Z"),
 * so they sort as text and need no conversion to be sent. Booleans are 0/1. */
static const char * const migrations[] = {
  /* 1: accounts, tokens, idempotency, nutrition */
  "CREATE TABLE users ("
  "  id             INTEGER PRIMARY KEY,"
  USERS_COLUMNS
  ");"
  /* E-mail addresses are unique whatever their case (Django is not: wire §4.14). */
  "CREATE UNIQUE INDEX users_email_nocase ON users (email COLLATE NOCASE);"

  "CREATE TABLE profiles ("
  "  id           INTEGER PRIMARY KEY,"
  PROFILES_COLUMNS
  ");"

  /* Refresh tokens handed out (simplejwt's OutstandingToken/BlacklistedToken). */
  "CREATE TABLE outstanding_tokens ("
  "  jti        TEXT PRIMARY KEY,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL"               /* unix seconds */
  ");"
  "CREATE INDEX outstanding_tokens_user ON outstanding_tokens (user_id);"
  "CREATE TABLE blacklisted_tokens ("
  "  jti            TEXT PRIMARY KEY REFERENCES outstanding_tokens (jti) ON DELETE CASCADE,"
  "  blacklisted_at TEXT NOT NULL"
  ");"

  "CREATE TABLE email_confirmations ("
  "  key        TEXT PRIMARY KEY,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at TEXT NOT NULL"
  ");"

  /* A replayed Idempotency-Key returns the stored first response. */
  "CREATE TABLE idempotency_keys ("
  "  user_id      INTEGER NOT NULL,"            /* 0 for anonymous callers */
  "  key          TEXT NOT NULL,"
  "  method       TEXT NOT NULL,"
  "  path         TEXT NOT NULL,"
  "  status       INTEGER NOT NULL,"
  "  content_type TEXT,"
  "  body         BLOB,"
  "  created_at   TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, key)"
  ");"

  "CREATE TABLE foods ("
  "  id               INTEGER PRIMARY KEY,"
  FOODS_COLUMNS
  ");"
  "CREATE INDEX foods_owner ON foods (user_added_id);"
  "CREATE INDEX foods_public_name ON foods (is_public, name);"

  "CREATE TABLE meals ("
  "  id                 INTEGER PRIMARY KEY,"
  MEALS_COLUMNS
  ");"
  "CREATE INDEX meals_owner ON meals (user_id);"
  "CREATE TABLE meal_items ("
  "  id                 INTEGER PRIMARY KEY,"
  MEAL_ITEMS_COLUMNS
  ");"

  "CREATE TABLE meal_plans ("
  "  id                         INTEGER PRIMARY KEY,"
  MEAL_PLANS_COLUMNS
  ");"
  "CREATE INDEX meal_plans_owner ON meal_plans (user_id);"
  "CREATE TABLE scheduled_meals ("
  "  id           INTEGER PRIMARY KEY,"
  SCHEDULED_MEALS_COLUMNS
  ");"
  "CREATE INDEX scheduled_meals_meal ON scheduled_meals (meal_id);",

  /* 2: workouts. Video files live outside the public media dir (they are
   * served through an access check); thumbnails are public media. */
  "CREATE TABLE workout_categories ("
  "  id          INTEGER PRIMARY KEY,"
  WORKOUT_CATEGORIES_COLUMNS
  ");"
  "CREATE TABLE workouts ("
  "  id          INTEGER PRIMARY KEY,"
  WORKOUTS_COLUMNS
  ");"
  "CREATE INDEX workouts_category ON workouts (category_id);"
  "CREATE TABLE workout_videos ("
  "  id          INTEGER PRIMARY KEY,"
  WORKOUT_VIDEOS_COLUMNS
  ");"
  "CREATE INDEX workout_videos_order ON workout_videos (workout_id, order_index, id);"
  "CREATE TABLE workout_progress ("
  "  id                  INTEGER PRIMARY KEY,"
  WORKOUT_PROGRESS_COLUMNS
  ");"
  "CREATE INDEX workout_progress_workout ON workout_progress (workout_id);",

  /* 3: the food list pages in name order over public-or-own foods. The OR
   * keeps SQLite from using (is_public, name), so every page sorted the
   * whole table: 28 ms a page at 50,000 foods. Walking this covering index in
   * order costs about 1 ms. */
  "CREATE INDEX foods_name_visible ON foods (name, id, is_public, user_added_id);",

  /* 4: ids are never reused. Without AUTOINCREMENT SQLite hands the largest
   * id out again once its row is gone, and anything that still names it (a
   * token, a client's cache, an outbox entry) then reaches someone else's
   * row. SQLite's 12-step rebuild; the runner turns foreign keys off around
   * it and checks them before it commits. */
  "CREATE TABLE users_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," USERS_COLUMNS ");"
  "INSERT INTO users_v4 SELECT * FROM users;"
  "DROP TABLE users;"
  "ALTER TABLE users_v4 RENAME TO users;"
  "CREATE TABLE profiles_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," PROFILES_COLUMNS ");"
  "INSERT INTO profiles_v4 SELECT * FROM profiles;"
  "DROP TABLE profiles;"
  "ALTER TABLE profiles_v4 RENAME TO profiles;"
  "CREATE TABLE foods_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," FOODS_COLUMNS ");"
  "INSERT INTO foods_v4 SELECT * FROM foods;"
  "DROP TABLE foods;"
  "ALTER TABLE foods_v4 RENAME TO foods;"
  "CREATE TABLE meals_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," MEALS_COLUMNS ");"
  "INSERT INTO meals_v4 SELECT * FROM meals;"
  "DROP TABLE meals;"
  "ALTER TABLE meals_v4 RENAME TO meals;"
  "CREATE TABLE meal_items_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," MEAL_ITEMS_COLUMNS ");"
  "INSERT INTO meal_items_v4 SELECT * FROM meal_items;"
  "DROP TABLE meal_items;"
  "ALTER TABLE meal_items_v4 RENAME TO meal_items;"
  "CREATE TABLE meal_plans_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," MEAL_PLANS_COLUMNS ");"
  "INSERT INTO meal_plans_v4 SELECT * FROM meal_plans;"
  "DROP TABLE meal_plans;"
  "ALTER TABLE meal_plans_v4 RENAME TO meal_plans;"
  "CREATE TABLE scheduled_meals_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," SCHEDULED_MEALS_COLUMNS ");"
  "INSERT INTO scheduled_meals_v4 SELECT * FROM scheduled_meals;"
  "DROP TABLE scheduled_meals;"
  "ALTER TABLE scheduled_meals_v4 RENAME TO scheduled_meals;"
  "CREATE TABLE workout_categories_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," WORKOUT_CATEGORIES_COLUMNS ");"
  "INSERT INTO workout_categories_v4 SELECT * FROM workout_categories;"
  "DROP TABLE workout_categories;"
  "ALTER TABLE workout_categories_v4 RENAME TO workout_categories;"
  "CREATE TABLE workouts_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," WORKOUTS_COLUMNS ");"
  "INSERT INTO workouts_v4 SELECT * FROM workouts;"
  "DROP TABLE workouts;"
  "ALTER TABLE workouts_v4 RENAME TO workouts;"
  "CREATE TABLE workout_videos_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," WORKOUT_VIDEOS_COLUMNS ");"
  "INSERT INTO workout_videos_v4 SELECT * FROM workout_videos;"
  "DROP TABLE workout_videos;"
  "ALTER TABLE workout_videos_v4 RENAME TO workout_videos;"
  "CREATE TABLE workout_progress_v4 (id INTEGER PRIMARY KEY AUTOINCREMENT," WORKOUT_PROGRESS_COLUMNS ");"
  "INSERT INTO workout_progress_v4 SELECT * FROM workout_progress;"
  "DROP TABLE workout_progress;"
  "ALTER TABLE workout_progress_v4 RENAME TO workout_progress;"
  "CREATE UNIQUE INDEX users_email_nocase ON users (email COLLATE NOCASE);"
  "CREATE INDEX foods_owner ON foods (user_added_id);"
  "CREATE INDEX foods_public_name ON foods (is_public, name);"
  "CREATE INDEX foods_name_visible ON foods (name, id, is_public, user_added_id);"
  "CREATE INDEX meals_owner ON meals (user_id);"
  "CREATE INDEX meal_plans_owner ON meal_plans (user_id);"
  "CREATE INDEX scheduled_meals_meal ON scheduled_meals (meal_id);"
  "CREATE INDEX workouts_category ON workouts (category_id);"
  "CREATE INDEX workout_videos_order ON workout_videos (workout_id, order_index, id);"
  "CREATE INDEX workout_progress_workout ON workout_progress (workout_id);",

  /* 5: an Idempotency-Key is bound to the request it first came with, so a
   * replay under the same key with another body is refused, not answered
   * with the first body's result. Older rows keep NULL and match on method
   * and path only. */
  "ALTER TABLE idempotency_keys ADD COLUMN request_hash TEXT;",

  /* 6: the change feed (GET /api/v1/changes/). Triggers, not the routes,
   * record every write, so no route can forget one and each request's
   * rows commit or roll back with its transaction. A row names the object
   * of a section whose JSON may have changed and who may be told: user_id
   * is the one account concerned, NULL everyone. An object embedded in
   * another's JSON (a food in a meal, a meal in a plan, progress and
   * videos in a workout, the user in a profile) marks that one too. A
   * private food or meal is only ever marked for its owner, so the feed
   * tells nobody else its id. */
  "CREATE TABLE changes ("
  "  seq        INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  section    TEXT NOT NULL,"
  "  object_id  INTEGER NOT NULL,"
  "  user_id    INTEGER,"  /* no foreign key: a deleted account's rows age out */
  "  changed_at TEXT NOT NULL DEFAULT (strftime ('%Y-%m-%dT%H:%M:%fZ', 'now'))"
  ");"
  "CREATE INDEX meal_items_food ON meal_items (food_id);"
  /* foods: public (before or after) concerns everyone, private its owner */
  CHANGES_TRIGGER ("foods_insert", "INSERT", "foods",
                   FOOD_AUDIENCE ("NEW", "NEW"))
  CHANGES_TRIGGER ("foods_update", "UPDATE", "foods",
                   FOOD_AUDIENCE ("OLD", "NEW")
                   FOOD_USERS ("NEW.id"))
  CHANGES_TRIGGER ("foods_delete", "DELETE", "foods",
                   FOOD_AUDIENCE ("OLD", "OLD"))
  /* meals, and the plans that show them */
  CHANGES_TRIGGER ("meals_insert", "INSERT", "meals",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('meals', NEW.id, NEW.user_id);")
  CHANGES_TRIGGER ("meals_update", "UPDATE", "meals",
                   "INSERT INTO changes (section, object_id, user_id) SELECT 'meals', OLD.id, OLD.user_id"
                   "  UNION SELECT 'meals', NEW.id, NEW.user_id;"
                   MEAL_PLANS ("NEW.id"))
  CHANGES_TRIGGER ("meals_delete", "DELETE", "meals",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('meals', OLD.id, OLD.user_id);")
  CHANGES_TRIGGER ("meal_items_insert", "INSERT", "meal_items", MEAL_PARENT ("NEW.meal_id"))
  CHANGES_TRIGGER ("meal_items_update", "UPDATE", "meal_items", MEAL_PARENT ("NEW.meal_id"))
  CHANGES_TRIGGER ("meal_items_delete", "DELETE", "meal_items", MEAL_PARENT ("OLD.meal_id"))
  /* meal plans and their schedules */
  CHANGES_TRIGGER ("meal_plans_insert", "INSERT", "meal_plans",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('meal_plans', NEW.id, NEW.user_id);")
  CHANGES_TRIGGER ("meal_plans_update", "UPDATE", "meal_plans",
                   "INSERT INTO changes (section, object_id, user_id) SELECT 'meal_plans', OLD.id, OLD.user_id"
                   "  UNION SELECT 'meal_plans', NEW.id, NEW.user_id;")
  CHANGES_TRIGGER ("meal_plans_delete", "DELETE", "meal_plans",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('meal_plans', OLD.id, OLD.user_id);")
  CHANGES_TRIGGER ("scheduled_meals_insert", "INSERT", "scheduled_meals", PLAN_PARENT ("NEW.meal_plan_id"))
  CHANGES_TRIGGER ("scheduled_meals_update", "UPDATE", "scheduled_meals", PLAN_PARENT ("NEW.meal_plan_id"))
  CHANGES_TRIGGER ("scheduled_meals_delete", "DELETE", "scheduled_meals", PLAN_PARENT ("OLD.meal_plan_id"))
  /* workouts are everyone's; a category shows its workout count, a
   * workout its category's name and slug */
  CHANGES_TRIGGER ("workout_categories_insert", "INSERT", "workout_categories",
                   "INSERT INTO changes (section, object_id) VALUES ('workout_categories', NEW.id);")
  CHANGES_TRIGGER ("workout_categories_update", "UPDATE", "workout_categories",
                   "INSERT INTO changes (section, object_id) VALUES ('workout_categories', NEW.id);"
                   "INSERT INTO changes (section, object_id)"
                   "  SELECT 'workouts', id FROM workouts WHERE category_id = NEW.id;")
  CHANGES_TRIGGER ("workout_categories_delete", "DELETE", "workout_categories",
                   "INSERT INTO changes (section, object_id) VALUES ('workout_categories', OLD.id);")
  CHANGES_TRIGGER ("workouts_insert", "INSERT", "workouts",
                   "INSERT INTO changes (section, object_id) VALUES ('workouts', NEW.id);"
                   CATEGORY ("NEW.category_id"))
  CHANGES_TRIGGER ("workouts_update", "UPDATE", "workouts",
                   "INSERT INTO changes (section, object_id) VALUES ('workouts', NEW.id);"
                   CATEGORY ("OLD.category_id")
                   CATEGORY ("NEW.category_id"))
  CHANGES_TRIGGER ("workouts_delete", "DELETE", "workouts",
                   "INSERT INTO changes (section, object_id) VALUES ('workouts', OLD.id);"
                   CATEGORY ("OLD.category_id"))
  CHANGES_TRIGGER ("workout_videos_insert", "INSERT", "workout_videos", WORKOUT_PARENT ("NEW.workout_id", "NULL"))
  CHANGES_TRIGGER ("workout_videos_update", "UPDATE", "workout_videos", WORKOUT_PARENT ("NEW.workout_id", "NULL"))
  CHANGES_TRIGGER ("workout_videos_delete", "DELETE", "workout_videos", WORKOUT_PARENT ("OLD.workout_id", "NULL"))
  /* progress, and the caller's own summary inside a workout */
  CHANGES_TRIGGER ("workout_progress_insert", "INSERT", "workout_progress",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('workout_progress', NEW.id, NEW.user_id);"
                   WORKOUT_PARENT ("NEW.workout_id", "NEW.user_id"))
  CHANGES_TRIGGER ("workout_progress_update", "UPDATE", "workout_progress",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('workout_progress', NEW.id, NEW.user_id);"
                   WORKOUT_PARENT ("NEW.workout_id", "NEW.user_id"))
  CHANGES_TRIGGER ("workout_progress_delete", "DELETE", "workout_progress",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('workout_progress', OLD.id, OLD.user_id);"
                   WORKOUT_PARENT ("OLD.workout_id", "OLD.user_id"))
  /* the profile and the account */
  CHANGES_TRIGGER ("profiles_insert", "INSERT", "profiles",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('profile', NEW.id, NEW.user_id);")
  CHANGES_TRIGGER ("profiles_update", "UPDATE", "profiles",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('profile', NEW.id, NEW.user_id);")
  CHANGES_TRIGGER ("profiles_delete", "DELETE", "profiles",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('profile', OLD.id, OLD.user_id);")
  CHANGES_TRIGGER ("users_insert", "INSERT", "users",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('account', NEW.id, NEW.id);")
  /* Not on every login (last_login): only what the account, the profile's
   * user and the owner shown in meals and plans carry. */
  CHANGES_TRIGGER ("users_update_names", "UPDATE OF email, first_name, last_name", "users",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('account', NEW.id, NEW.id);"
                   "INSERT INTO changes (section, object_id, user_id)"
                   "  SELECT 'profile', id, user_id FROM profiles WHERE user_id = NEW.id;"
                   "INSERT INTO changes (section, object_id, user_id)"
                   "  SELECT 'meals', id, user_id FROM meals WHERE user_id = NEW.id;"
                   "INSERT INTO changes (section, object_id, user_id)"
                   "  SELECT 'meal_plans', id, user_id FROM meal_plans WHERE user_id = NEW.id;")
  /* Premium or staff opens or locks videos: every workout, for this user. */
  CHANGES_TRIGGER ("users_update_access", "UPDATE OF has_premium, is_staff", "users",
                   "INSERT INTO changes (section, object_id, user_id)"
                   "  SELECT 'workouts', id, NEW.id FROM workouts"
                   "  WHERE OLD.has_premium <> NEW.has_premium OR OLD.is_staff <> NEW.is_staff;")
  CHANGES_TRIGGER ("users_delete", "DELETE", "users",
                   "INSERT INTO changes (section, object_id, user_id) VALUES ('account', OLD.id, OLD.id);"),

  /* 7: health data (api/v1/health/). Times are integers (UTC microseconds)
   * so that ranges and metric buckets compare numbers on an index; the
   * series index carries the value, so a bucket's aggregates never touch
   * the table. Points stay out of the change feed (a year of heart rate is
   * half a million rows): each write gives its rows the next numbers of
   * health_sequence, and a deletion leaves a tombstone with its own, for
   * GET data/?since= (docs/health-wire.md). (user_id, source, client_id)
   * makes uploads idempotent; manual points have no client_id. */
  "CREATE TABLE health_data ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  data_type   TEXT NOT NULL,"
  "  value       REAL NOT NULL,"    /* in the type's canonical unit */
  "  unit        TEXT NOT NULL,"
  "  recorded_at INTEGER NOT NULL,"
  "  stage       TEXT,"             /* sleep only */
  "  source      TEXT NOT NULL,"
  "  client_id   TEXT,"
  "  seq         INTEGER NOT NULL,"
  "  created_at  INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL"
  ");"
  "CREATE INDEX health_data_series ON health_data (user_id, data_type, recorded_at, value);"
  "CREATE INDEX health_data_time ON health_data (user_id, recorded_at);"
  "CREATE INDEX health_data_seq ON health_data (user_id, seq);"
  "CREATE UNIQUE INDEX health_data_client ON health_data (user_id, source, client_id);"
  "CREATE TABLE health_tombstones ("
  "  seq        INTEGER PRIMARY KEY,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  data_id    INTEGER NOT NULL,"
  "  deleted_at INTEGER NOT NULL"  /* UTC microseconds */
  ");"
  "CREATE INDEX health_tombstones_user ON health_tombstones (user_id, seq);"
  "CREATE INDEX health_tombstones_age ON health_tombstones (deleted_at);"
  /* last: the newest number handed out; pruned: tombstones up to this one
   * are gone, so an older cursor answers reset. */
  "CREATE TABLE health_sequence ("
  "  id     INTEGER PRIMARY KEY CHECK (id = 1),"
  "  last   INTEGER NOT NULL,"
  "  pruned INTEGER NOT NULL"
  ");"
  "INSERT INTO health_sequence (id, last, pruned) VALUES (1, 0, 0);"
  "CREATE TABLE health_goals ("
  "  user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  daily_steps   INTEGER,"
  "  target_weight REAL,"           /* kg */
  "  sleep_minutes INTEGER,"
  "  updated_at    INTEGER NOT NULL"
  ");",

  /* 8: meal-plan templates in the change feed, for everyone (user_id NULL),
   * so a template staff publish or edit reaches every device's next sync.
   * Whatever changes a plan's JSON already marks it as 'meal_plans' for its
   * owner (its row, its schedule, its meals, their foods, the owner's
   * name); a plan that is a template when so marked is marked again as a
   * template. A template that stops being one (cancelled, made private,
   * deleted) is marked by its own triggers, since by then the plan no
   * longer says it was; the feed then answers a delete. */
  "CREATE TRIGGER changes_meal_plan_templates AFTER INSERT ON changes"
  "  WHEN NEW.section = 'meal_plans' BEGIN"
  "  INSERT INTO changes (section, object_id, user_id)"
  "    SELECT 'meal_plan_templates', id, NULL FROM meal_plans"
  "    WHERE id = NEW.object_id AND is_template = 1 AND is_active = 1;"
  "END;"
  "CREATE TRIGGER changes_meal_plan_templates_gone AFTER UPDATE OF is_template, is_active"
  "  ON meal_plans WHEN OLD.is_template = 1 AND OLD.is_active = 1"
  "    AND NOT (NEW.is_template = 1 AND NEW.is_active = 1) BEGIN"
  "  INSERT INTO changes (section, object_id, user_id) VALUES ('meal_plan_templates', OLD.id, NULL);"
  "END;"
  "CREATE TRIGGER changes_meal_plan_templates_delete AFTER DELETE ON meal_plans"
  "  WHEN OLD.is_template = 1 AND OLD.is_active = 1 BEGIN"
  "  INSERT INTO changes (section, object_id, user_id) VALUES ('meal_plan_templates', OLD.id, NULL);"
  "END;",

  /* 9: health rollups (src/server/health/fc-health-schema.c). */
  fc_health_schema_migration_9,

  /* 10: admin mode: the audit trail (src/server/admin/fc-admin-schema.c). */
  fc_admin_schema_migration_10,

  /* 11: paid plans: subscriptions, Stripe events, an append-only ledger
   * (src/server/payments/fc-payments-schema.c). */
  fc_payments_schema_migration_11,

  /* 12: Sign in with Google: accounts linked to the provider's subject
   * (src/server/fc-google-login.c). */
  fc_google_schema_migration_12,

  /* 13: notifications, their events for the stream, workout completion
   * days and milestones (src/server/notifications/fc-notifications-schema.c). */
  fc_notifications_schema_migration_13,

  /* 14: resumable video uploads, published workouts
   * (src/server/admin/fc-admin-schema.c). */
  fc_admin_schema_migration_14,

  /* 15: case-insensitive lookups in SQL both backends speak (issue 16):
   * lower(email) instead of COLLATE NOCASE, which PostgreSQL lacks, with
   * the same uniqueness (both are ASCII-only folds here); public foods by
   * lower(name) for the admin import's duplicate check. */
  "DROP INDEX users_email_nocase;"
  "CREATE UNIQUE INDEX users_email_lower ON users (lower (email));"
  "CREATE INDEX foods_public_name_lower ON foods (lower (name)) WHERE is_public = 1;",

  /* 16: login attempts counted in the database, not in one process, so
   * that server instances sharing it limit together (src/server/fc-throttle.c):
   * a key's newest attempts as "SECONDS SECONDS …", oldest first. */
  "CREATE TABLE login_throttle ("
  "  key    TEXT PRIMARY KEY NOT NULL,"
  "  times  TEXT NOT NULL DEFAULT '',"
  "  newest INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX login_throttle_newest ON login_throttle (newest);",

  /* 17: an upload's lease, so one request at a time writes it on any
   * instance (src/server/admin/fc-admin-uploads.c) */
  "ALTER TABLE admin_uploads ADD COLUMN busy_until TEXT;",
};

const char * const *
fc_server_schema_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
