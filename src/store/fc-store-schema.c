/* fc-store-schema.c — the store's migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-store-private.h"

/* Append only: PRAGMA user_version counts the entries that have run, so an
 * entry is never edited, reordered or removed once released. Later issues
 * add their tables as new entries. */
static const char * const migrations[] = {
  /* 1: what the app shows for accounts and nutrition, and the outbox. */
  "CREATE TABLE account ("
  "  id         INTEGER PRIMARY KEY CHECK (id = 1),"
  "  pk         INTEGER,"
  "  email      TEXT,"
  "  first_name TEXT,"
  "  last_name  TEXT,"
  "  is_staff   INTEGER NOT NULL DEFAULT 0,"
  "  dirty      INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE profile ("
  "  id           INTEGER PRIMARY KEY CHECK (id = 1),"
  "  server_id    INTEGER,"
  "  age          INTEGER,"
  "  weight       REAL,"
  "  height       REAL,"
  "  gender       TEXT,"
  "  fitness_goal TEXT,"
  "  img          TEXT,"
  "  img_path     TEXT,"
  "  dirty        INTEGER NOT NULL DEFAULT 0"
  ");"
  /* Negative ids are objects created here that the server has not seen. */
  "CREATE TABLE foods ("
  "  id               INTEGER PRIMARY KEY,"
  "  name             TEXT NOT NULL DEFAULT '',"
  "  description      TEXT NOT NULL DEFAULT '',"
  "  serving_quantity REAL,"
  "  serving_unit     TEXT,"
  "  calories         REAL,"
  "  protein          REAL,"
  "  carbohydrates    REAL,"
  "  fat              REAL,"
  "  fiber            REAL,"
  "  sugar            REAL,"
  "  sodium           REAL,"
  "  food_category    TEXT,"
  "  user_added       TEXT,"
  "  is_public        INTEGER NOT NULL DEFAULT 0,"
  "  is_own           INTEGER NOT NULL DEFAULT 0,"
  "  created_at       TEXT,"
  "  updated_at       TEXT,"
  "  dirty            INTEGER NOT NULL DEFAULT 0"
  ");"
  /* One index on name serves both lists: with a category, the walk in
   * name order skips the other seven. */
  "CREATE INDEX foods_name ON foods (name);"
  "CREATE VIRTUAL TABLE foods_fts USING fts5 ("
  "  name, description, content = 'foods', content_rowid = 'id',"
  "  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'"
  ");"
  "CREATE TRIGGER foods_fts_insert AFTER INSERT ON foods BEGIN"
  "  INSERT INTO foods_fts (rowid, name, description) VALUES (new.id, new.name, new.description);"
  "END;"
  "CREATE TRIGGER foods_fts_delete AFTER DELETE ON foods BEGIN"
  "  INSERT INTO foods_fts (foods_fts, rowid, name, description)"
  "    VALUES ('delete', old.id, old.name, old.description);"
  "END;"
  /* Only when the text or the id really changed: a pull re-sends every food. */
  "CREATE TRIGGER foods_fts_update AFTER UPDATE OF id, name, description ON foods"
  "  WHEN old.id != new.id OR old.name IS NOT new.name"
  "    OR old.description IS NOT new.description BEGIN"
  "  INSERT INTO foods_fts (foods_fts, rowid, name, description)"
  "    VALUES ('delete', old.id, old.name, old.description);"
  "  INSERT INTO foods_fts (rowid, name, description) VALUES (new.id, new.name, new.description);"
  "END;"
  "CREATE TABLE meals ("
  "  id                  INTEGER PRIMARY KEY,"
  "  name                TEXT NOT NULL DEFAULT '',"
  "  meal_time_category  TEXT,"
  "  description         TEXT,"
  "  is_template         INTEGER NOT NULL DEFAULT 0,"
  "  is_own              INTEGER NOT NULL DEFAULT 0,"
  "  total_calories      REAL,"
  "  total_protein       REAL,"
  "  total_carbohydrates REAL,"
  "  total_fat           REAL,"
  "  created_at          TEXT,"
  "  updated_at          TEXT,"
  "  dirty               INTEGER NOT NULL DEFAULT 0"
  ");"
  /* food_id has no foreign key: a meal may name a food we never pulled. */
  "CREATE TABLE meal_items ("
  "  meal_id            INTEGER NOT NULL REFERENCES meals (id)"
  "                       ON DELETE CASCADE ON UPDATE CASCADE,"
  "  position           INTEGER NOT NULL,"
  "  server_id          INTEGER,"
  "  food_id            INTEGER NOT NULL,"
  "  number_of_servings REAL NOT NULL DEFAULT 1.0,"
  "  PRIMARY KEY (meal_id, position)"
  ");"
  "CREATE INDEX meal_items_food ON meal_items (food_id);"
  "CREATE TABLE meal_plans ("
  "  id                         INTEGER PRIMARY KEY,"
  "  name                       TEXT NOT NULL DEFAULT '',"
  "  description                TEXT,"
  "  goal                       TEXT,"
  "  duration_days              INTEGER,"
  "  start_date                 TEXT,"
  "  target_daily_calories      REAL,"
  "  target_daily_protein       REAL,"
  "  target_daily_carbohydrates REAL,"
  "  target_daily_fat           REAL,"
  "  is_active                  INTEGER NOT NULL DEFAULT 1,"
  "  is_template                INTEGER NOT NULL DEFAULT 0,"
  "  is_ai_generated            INTEGER NOT NULL DEFAULT 0,"
  "  is_own                     INTEGER NOT NULL DEFAULT 0,"
  "  created_at                 TEXT,"
  "  updated_at                 TEXT,"
  "  dirty                      INTEGER NOT NULL DEFAULT 0"
  ");"
  /* Kept as the app wrote it: the Django backend never returns it. */
  "CREATE TABLE scheduled_meals ("
  "  meal_plan_id INTEGER NOT NULL REFERENCES meal_plans (id)"
  "                 ON DELETE CASCADE ON UPDATE CASCADE,"
  "  position     INTEGER NOT NULL,"
  "  server_id    INTEGER,"
  "  meal_id      INTEGER NOT NULL,"
  "  day_of_plan  INTEGER NOT NULL,"
  "  PRIMARY KEY (meal_plan_id, position)"
  ");"
  "CREATE INDEX scheduled_meals_meal ON scheduled_meals (meal_id);"
  "CREATE TABLE sections ("
  "  name       TEXT PRIMARY KEY,"
  "  available  INTEGER NOT NULL,"
  "  checked_at TEXT NOT NULL"
  ");"
  "CREATE TABLE sync_state ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT"
  ");"
  "INSERT INTO sync_state (key, value) VALUES ('next-local-id', '-1');"
  /* AUTOINCREMENT: ids never come back, so id order is send order. */
  "CREATE TABLE outbox ("
  "  id              INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  method          TEXT NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),"
  "  path            TEXT NOT NULL,"
  "  body            TEXT,"
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  resource        TEXT NOT NULL,"
  "  object_id       INTEGER,"
  "  creates         INTEGER NOT NULL DEFAULT 0,"
  "  revert          TEXT,"
  "  state           INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),"
  "  attempts        INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
  "  http_status     INTEGER NOT NULL DEFAULT 0,"
  "  error_message   TEXT,"
  "  field_errors    TEXT,"
  "  created_at      INTEGER NOT NULL"
  ");"
  "CREATE INDEX outbox_object ON outbox (resource, object_id);"
  "CREATE INDEX outbox_state ON outbox (state);"
  /* Which local ids a row names (path, body or object): rewritten when the
   * server assigns real ids, and held back while their create is rejected. */
  "CREATE TABLE outbox_refs ("
  "  outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,"
  "  local_id  INTEGER NOT NULL,"
  "  PRIMARY KEY (outbox_id, local_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX outbox_refs_local ON outbox_refs (local_id);",

  /* 2: workouts (read-only; their videos kept whole, in order, as JSON:
   * the app only shows and downloads them), categories, and the user's
   * progress. Progress is one row per workout on the server, but not
   * UNIQUE here: a local create and the server's copy of the same workout
   * may meet until the create is answered. */
  "CREATE TABLE workout_categories ("
  "  id            INTEGER PRIMARY KEY,"
  "  name          TEXT NOT NULL DEFAULT '',"
  "  slug          TEXT,"
  "  description   TEXT,"
  "  workout_count INTEGER,"
  "  created_at    TEXT,"
  "  updated_at    TEXT,"
  "  is_own        INTEGER NOT NULL DEFAULT 0,"
  "  dirty         INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE workouts ("
  "  id              INTEGER PRIMARY KEY,"
  "  title           TEXT NOT NULL DEFAULT '',"
  "  description     TEXT NOT NULL DEFAULT '',"
  "  duration        INTEGER,"
  "  difficulty      TEXT,"
  "  category_id     INTEGER,"
  "  category_detail TEXT,"
  "  goals           TEXT,"
  "  is_premium      INTEGER NOT NULL DEFAULT 0,"
  "  thumbnail       TEXT,"
  "  video_count     INTEGER,"
  "  videos          TEXT,"
  "  created_at      TEXT,"
  "  updated_at      TEXT,"
  "  is_own          INTEGER NOT NULL DEFAULT 0,"
  "  dirty           INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX workouts_order ON workouts (created_at DESC, id DESC);"
  "CREATE TABLE workout_progress ("
  "  id                  INTEGER PRIMARY KEY,"
  "  workout_id          INTEGER NOT NULL DEFAULT 0,"
  "  progress_percentage REAL NOT NULL DEFAULT 0,"
  "  last_video_id       INTEGER,"
  "  position_seconds    REAL NOT NULL DEFAULT 0,"
  "  completed_at        TEXT,"
  "  created_at          TEXT,"
  "  updated_at          TEXT,"
  "  is_own              INTEGER NOT NULL DEFAULT 0,"
  "  dirty               INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX workout_progress_workout ON workout_progress (workout_id);",

  /* 3: food search finds what the server's `foods/?search=` finds: any part
   * of the name or the description (`berries` finds Blueberries), which a
   * word-start index cannot do. FTS5's trigram tokenizer (case-folding)
   * replaces the unicode61 index, so a pull keeps one search index up to
   * date, not two; 1–2 letters (below a trigram) walk the NOCASE name
   * index for prefixes, and that index also gives "name starts with"
   * results first in name order without sorting every match. */
  "DROP TRIGGER foods_fts_insert;"
  "DROP TRIGGER foods_fts_delete;"
  "DROP TRIGGER foods_fts_update;"
  "DROP TABLE foods_fts;"
  "CREATE INDEX foods_name_nocase ON foods (name COLLATE NOCASE);"
  "CREATE VIRTUAL TABLE foods_trigram USING fts5 ("
  "  name, description, content = 'foods', content_rowid = 'id', tokenize = 'trigram'"
  ");"
  "CREATE TRIGGER foods_trigram_insert AFTER INSERT ON foods BEGIN"
  "  INSERT INTO foods_trigram (rowid, name, description)"
  "    VALUES (new.id, new.name, new.description);"
  "END;"
  "CREATE TRIGGER foods_trigram_delete AFTER DELETE ON foods BEGIN"
  "  INSERT INTO foods_trigram (foods_trigram, rowid, name, description)"
  "    VALUES ('delete', old.id, old.name, old.description);"
  "END;"
  "CREATE TRIGGER foods_trigram_update AFTER UPDATE OF id, name, description ON foods"
  "  WHEN old.id != new.id OR old.name IS NOT new.name"
  "    OR old.description IS NOT new.description BEGIN"
  "  INSERT INTO foods_trigram (foods_trigram, rowid, name, description)"
  "    VALUES ('delete', old.id, old.name, old.description);"
  "  INSERT INTO foods_trigram (rowid, name, description)"
  "    VALUES (new.id, new.name, new.description);"
  "END;"
  "INSERT INTO foods_trigram (foods_trigram) VALUES ('rebuild');",

  /* 4: meal-plan templates, everyone's and read-only, kept so that the
   * Plans page shows them offline and a sync brings only what changed
   * (the change feed's meal_plan_templates). A template's schedule shows
   * its owner's meals, which are not in this store: kept as the server's
   * JSON. */
  "CREATE TABLE meal_plan_templates ("
  "  id                         INTEGER PRIMARY KEY,"
  "  user_id                    INTEGER,"
  "  user_detail                TEXT,"
  "  name                       TEXT NOT NULL DEFAULT '',"
  "  description                TEXT,"
  "  goal                       TEXT,"
  "  duration_days              INTEGER,"
  "  start_date                 TEXT,"
  "  target_daily_calories      REAL,"
  "  target_daily_protein       REAL,"
  "  target_daily_carbohydrates REAL,"
  "  target_daily_fat           REAL,"
  "  is_active                  INTEGER NOT NULL DEFAULT 1,"
  "  is_template                INTEGER NOT NULL DEFAULT 1,"
  "  is_ai_generated            INTEGER NOT NULL DEFAULT 0,"
  "  scheduled_meals            TEXT,"
  "  created_at                 TEXT,"
  "  updated_at                 TEXT,"
  "  is_own                     INTEGER NOT NULL DEFAULT 0,"
  "  dirty                      INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX meal_plan_templates_order ON meal_plan_templates (created_at DESC, id DESC);",

  /* 5: health points (src/store/fc-store-health.c). Not an FcResource:
   * points have their own local ids (id) beside the server's (server_id),
   * reach the server in bulk through POST health/sync/ rather than one
   * outbox row each, and come back through their own pull
   * (data/?since=), so a million imported points are a million rows here
   * and nothing else. recorded_at is microseconds since the epoch, UTC,
   * as on the wire. upload: 0 the server has it, 1 waiting for upload,
   * 2 refused by the server (refusal keeps its errors as JSON). dirty: an
   * edit of an uploaded point waits in the outbox. revision counts local
   * edits, so an upload in flight knows it sent an older copy. The time
   * index carries value and stage so that a range is read from the index
   * alone, and id so that the latest point (ties: the later row) is one
   * seek back. */
  "CREATE TABLE health_points ("
  "  id          INTEGER PRIMARY KEY,"
  "  server_id   INTEGER UNIQUE,"
  "  data_type   TEXT NOT NULL,"
  "  value       REAL NOT NULL,"
  "  unit        TEXT NOT NULL,"
  "  recorded_at INTEGER NOT NULL,"
  "  stage       TEXT,"
  "  note        TEXT,"
  "  source      TEXT NOT NULL,"
  "  client_id   TEXT,"
  "  upload      INTEGER NOT NULL DEFAULT 1 CHECK (upload BETWEEN 0 AND 2),"
  "  refusal     TEXT,"
  "  dirty       INTEGER NOT NULL DEFAULT 0,"
  "  revision    INTEGER NOT NULL DEFAULT 0,"
  "  created_at  TEXT,"
  "  updated_at  TEXT"
  ");"
  "CREATE UNIQUE INDEX health_points_client ON health_points (source, client_id);"
  "CREATE INDEX health_points_time ON health_points (data_type, recorded_at, id, value, stage);"
  "CREATE INDEX health_points_upload ON health_points (id) WHERE upload = 1;"
  /* Aggregates of each type's points per aligned block of time, at
   * several levels (fc-store-health.c: 5 and 20 minutes, 1 and 4 hours,
   * 1, 4, 16 and 64 days), rewritten in the transaction that changes a
   * point, so that a bucket reads a few rows per level instead of every
   * point. start is in seconds, last_at in microseconds. */
  "CREATE TABLE health_rollups ("
  "  data_type TEXT NOT NULL,"
  "  level     INTEGER NOT NULL,"
  "  start     INTEGER NOT NULL,"
  "  count     INTEGER NOT NULL,"
  "  min       REAL NOT NULL,"
  "  max       REAL NOT NULL,"
  "  sum       REAL NOT NULL,"
  "  last      REAL NOT NULL,"
  "  last_at   INTEGER NOT NULL,"
  "  PRIMARY KEY (data_type, level, start)"
  ") WITHOUT ROWID;"
  /* The goals as GET health/goals/ answers them (one row). */
  "CREATE TABLE health_goals ("
  "  id    INTEGER PRIMARY KEY CHECK (id = 1),"
  "  goals TEXT NOT NULL,"
  "  dirty INTEGER NOT NULL DEFAULT 0"
  ");",

  /* 6: the admin upload queue (src/store/fc-store-uploads.c,
   * src/sync/fc-upload-queue.c): one row per video file a staff member
   * queued, so that quitting the app and starting it again resumes each
   * upload from the server's offset. size and mtime (microseconds) are the
   * file's when it was queued: a file that changed since is refused rather
   * than resumed into garbage. upload_id is the server's (NULL until it
   * made one); state is FcUploadState's nick. */
  "CREATE TABLE uploads ("
  "  id          INTEGER PRIMARY KEY,"
  "  path        TEXT NOT NULL,"
  "  size        INTEGER NOT NULL,"
  "  mtime       INTEGER NOT NULL,"
  "  upload_id   TEXT,"
  "  workout     INTEGER NOT NULL,"
  "  title       TEXT NOT NULL DEFAULT '',"
  "  description TEXT NOT NULL DEFAULT '',"
  "  is_free     INTEGER NOT NULL DEFAULT 0,"
  "  sent        INTEGER NOT NULL DEFAULT 0,"
  "  state       TEXT NOT NULL DEFAULT 'queued',"
  "  error       TEXT,"
  "  video       INTEGER,"
  "  created_at  INTEGER NOT NULL"
  ");",

  /* 7: the notifications inbox (src/store/fc-store-notifications.c), as
   * GET notifications/ lists it, so the Notifications page shows it
   * offline and after a restart. Not an FcResource: the server lists
   * notifications outside the change feed, and mark-all-read/ changes
   * every row at once. A row with a read, unread or delete waiting in the
   * outbox (resource "notifications", object_id the id; 0 for mark all
   * read) keeps its local state against pulls and the stream. */
  "CREATE TABLE notifications ("
  "  id         INTEGER PRIMARY KEY,"
  "  type       TEXT NOT NULL DEFAULT 'SYSTEM',"
  "  title      TEXT NOT NULL DEFAULT '',"
  "  message    TEXT NOT NULL DEFAULT '',"
  "  is_read    INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT"
  ");",

  /* 8: health imports in two steps (src/store/fc-store-health.c). Each
   * batch of an import is sorted by type and time and appended to
   * health_import_stage as one run (points: n fixed-width records,
   * fc-store-health.c's StagedPoint) in a transaction of its own; every
   * 1,048,576 points and at the end, the runs are merged into
   * health_points in (data_type, recorded_at) order, so the time index
   * and the rollups are written forward, each page once per merge,
   * whatever the order of the file. (source, client_id) is checked on the
   * time index (a record's id is derived from its type and times, so the
   * same record has the same recorded_at), not on an index of its own,
   * which an export in no particular order rewrote page by page in every
   * batch. */
  "DROP INDEX health_points_client;"
  "CREATE TABLE health_import_stage ("
  "  id     INTEGER PRIMARY KEY,"
  "  source TEXT NOT NULL,"
  "  n      INTEGER NOT NULL,"
  "  points BLOB NOT NULL"
  ");",

  /* 9: admin mode's lists (src/store/fc-store-admin.c), so that staff
   * edits wait in the outbox like any edit: every workout (hidden ones
   * too), every category, the templates and the accounts staff have
   * looked at, each kept whole as the server's JSON under the admin
   * resource's name ("admin_workouts", ...). One table rather than a
   * table of columns each: nothing here is searched or joined, the lists
   * are small (the 100,000 accounts are paged live; only those opened are
   * kept), and the wire shape may grow without a migration. An object
   * with a write waiting in the outbox keeps its local copy against
   * pulls. The outbox's subject is what a row's label names ("Workout
   * “Squats”"), kept as it was when the edit was made. */
  "CREATE TABLE admin_objects ("
  "  resource TEXT NOT NULL,"
  "  id       INTEGER NOT NULL,"
  "  position INTEGER NOT NULL DEFAULT 0,"
  "  object   TEXT NOT NULL,"
  "  PRIMARY KEY (resource, id)"
  ") WITHOUT ROWID;"
  "ALTER TABLE outbox ADD COLUMN subject TEXT;",

  /* 10: health rollups from 15 minutes up (src/store/fc-store-health.c):
   * 15 minutes, 1 and 4 hours, 1, 4, 16 and 64 days. The 5- and 20-minute
   * levels held about as many rows as there were points (a sample every
   * few minutes fills a block or two), half of an import's writes; a
   * chart reads the raw points of a 15-minute block instead, off the
   * time index. 15 minutes keeps every local hour and midnight on the
   * grid (UTC offsets are multiples of it). The 15-minute rows are the
   * 5-minute ones added up (last: that of the latest); the levels from an
   * hour up keep their rows, one level number lower (moved through levels
   * no row has, so that no key is ever taken twice). */
  "DELETE FROM health_rollups WHERE level = 1;"
  "INSERT INTO health_rollups "
  "  (data_type, level, start, count, min, max, sum, last, last_at) "
  "  SELECT data_type, 200, slot, sum(count), min(min), max(max), sum(sum), "
  "    (SELECT r.last FROM health_rollups AS r WHERE r.data_type = g.data_type "
  "     AND r.level = 0 AND r.start >= g.slot AND r.start < g.slot + 900 "
  "     ORDER BY r.last_at DESC LIMIT 1), "
  "    max(last_at) "
  "  FROM (SELECT *, start - ((start % 900) + 900) % 900 AS slot "
  "        FROM health_rollups WHERE level = 0) AS g "
  "  GROUP BY data_type, slot;"
  "DELETE FROM health_rollups WHERE level = 0;"
  "UPDATE health_rollups SET level = level + 99 WHERE level BETWEEN 2 AND 7;"
  "UPDATE health_rollups SET level = level - 100 WHERE level BETWEEN 101 AND 106;"
  "UPDATE health_rollups SET level = 0 WHERE level = 200;",

  /* 11: a first pull fills the food search index once, at its end, not
   * page by page (src/store/fc-store-foods.c, fc_store_foods_defer_index()).
   * Page by page, FTS5 wrote a segment of trigrams for every page and
   * merged them as they came: 0.35 s of the store thread's CPU for 50,000
   * foods, against 0.2 s for one 'rebuild' after the last page. While
   * sync_state holds 'foods-search-deferred', the triggers leave the index
   * alone (the rebuild reads every row anyway) and the search reads the
   * table instead of the index. And the index keeps which foods hold a
   * trigram, not where (detail=none): the search checks every term on
   * the rows the index yields anyway (with LIKE, as the server does), and
   * without the positions a rebuild takes half the time (0.11 s); nor
   * does it keep each food's column sizes (columnsize=0: only bm25()
   * reads them, and the search ranks nothing), a quarter less (0.08 s). */
  "DROP TRIGGER foods_trigram_insert;"
  "DROP TRIGGER foods_trigram_delete;"
  "DROP TRIGGER foods_trigram_update;"
  "DROP TABLE foods_trigram;"
  "CREATE VIRTUAL TABLE foods_trigram USING fts5 ("
  "  name, description, content = 'foods', content_rowid = 'id', tokenize = 'trigram',"
  "  detail = 'none', columnsize = 0"
  ");"
  "CREATE TRIGGER foods_trigram_insert AFTER INSERT ON foods"
  "  WHEN NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'foods-search-deferred') BEGIN"
  "  INSERT INTO foods_trigram (rowid, name, description)"
  "    VALUES (new.id, new.name, new.description);"
  "END;"
  "CREATE TRIGGER foods_trigram_delete AFTER DELETE ON foods"
  "  WHEN NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'foods-search-deferred') BEGIN"
  "  INSERT INTO foods_trigram (foods_trigram, rowid, name, description)"
  "    VALUES ('delete', old.id, old.name, old.description);"
  "END;"
  "CREATE TRIGGER foods_trigram_update AFTER UPDATE OF id, name, description ON foods"
  "  WHEN (old.id != new.id OR old.name IS NOT new.name"
  "    OR old.description IS NOT new.description)"
  "    AND NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'foods-search-deferred') BEGIN"
  "  INSERT INTO foods_trigram (foods_trigram, rowid, name, description)"
  "    VALUES ('delete', old.id, old.name, old.description);"
  "  INSERT INTO foods_trigram (rowid, name, description)"
  "    VALUES (new.id, new.name, new.description);"
  "END;"
  "INSERT INTO foods_trigram (foods_trigram) VALUES ('rebuild');",
};

const char * const *
fc_store_schema_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
