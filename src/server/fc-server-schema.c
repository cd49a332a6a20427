/* fc-server-schema.c — the server database's migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-server-schema.h"

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
};

const char * const *
fc_server_schema_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
