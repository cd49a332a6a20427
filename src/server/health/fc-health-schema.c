/* fc-health-schema.c — the health section's own migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-health-private.h"
#include "fc-server-schema.h"

/* The start of @t's slot, in µs: a floor, also for times before 1970
 * (SQLite's % keeps the dividend's sign). */
#define SLOT_US G_STRINGIFY (FC_HEALTH_SLOT_US)
#define SLOT(t) "((" t ") - (((" t ") % " SLOT_US " + " SLOT_US ") % " SLOT_US "))"

/* The points metrics count: awake or in bed is not sleep. */
#define COUNTED(row) \
  "(" row ".data_type <> 'sleep' OR " row ".stage IS NULL" \
  " OR " row ".stage NOT IN ('awake', 'in_bed'))"

#define ROLLUP_COLUMNS \
  "user_id, data_type, slot, n, min_value, max_value, sum_value, last_at, last_id, last_value"

/* One slot's row made again from its points, or gone when it has none
 * left. */
#define SLOT_POINTS(user, type, slot) \
  " p.user_id = " user " AND p.data_type = " type " AND p.recorded_at >= " slot \
  " AND p.recorded_at < " slot " + " SLOT_US " AND " COUNTED ("p")
#define RECOMPUTE(user, type, slot) \
  "DELETE FROM health_rollups WHERE user_id = " user " AND data_type = " type \
  "  AND slot = " slot ";" \
  "INSERT INTO health_rollups (" ROLLUP_COLUMNS ")" \
  "  SELECT " user ", " type ", " slot ", a.n, a.lo, a.hi, a.total, l.recorded_at, l.id, l.value" \
  "  FROM (SELECT count(*) AS n, min (p.value) AS lo, max (p.value) AS hi, sum (p.value) AS total" \
  "        FROM health_data AS p WHERE" SLOT_POINTS (user, type, slot) ") AS a," \
  "       (SELECT p.recorded_at, p.id, p.value FROM health_data AS p" \
  "        WHERE" SLOT_POINTS (user, type, slot) \
  "        ORDER BY p.recorded_at DESC, p.id DESC LIMIT 1) AS l;"

#define WRITTEN_COLUMNS "id, user_id, data_type, value, recorded_at, stage"

/* 9: metrics rollups. GET metrics/ over a year of per-minute heart rate
 * summed 500,000 points; it now adds up whole slots of FC_HEALTH_SLOT_US
 * (15 minutes of UTC, so that the local hours and days of every zone in use
 * today, +05:30 and +05:45 included, start on a slot) and reads points only
 * for the partial slots at a bucket's ends (fc-health-metrics.c).
 *
 * A slot holds what metrics need of the points it counts (COUNTED): how
 * many, their min, max and sum, and the last one by (recorded_at, id),
 * which is what metrics call the last.
 *
 * Triggers keep them, not the routes: every path that writes points
 * (data/ create, PUT/PATCH and DELETE, sync/ inserts and updates, the
 * account's cascade, a tool or test writing SQL) then keeps the rollups
 * in its own transaction, and a path added later cannot forget them. An
 * insert adds itself to its slot; a deletion or an update makes the slots
 * it touched again from their points (a slot is at most 15 minutes of one
 * series, a few dozen points), since a min, max or last that leaves cannot
 * be subtracted and a subtracted sum would drift. The account's cascade
 * deletes points after the user is gone: it skips the per-point work and
 * the user's rollups go at once. No path writes health_data with REPLACE,
 * whose deletions fire no trigger (recursive_triggers is off). The user
 * has no foreign key here for that reason: the rollups are derived, and the
 * cascade order of two child tables is not SQLite's promise.
 *
 * FC_HEALTH_SLOT_US is part of this migration: a new width needs a new
 * migration that rebuilds the table. */
const char fc_health_schema_migration_9[] =
  "CREATE TABLE health_rollups ("
  "  user_id    INTEGER NOT NULL,"
  "  data_type  TEXT NOT NULL,"
  "  slot       INTEGER NOT NULL,"  /* UTC µs, a multiple of FC_HEALTH_SLOT_US */
  "  n          INTEGER NOT NULL,"
  "  min_value  REAL NOT NULL,"
  "  max_value  REAL NOT NULL,"
  "  sum_value  REAL NOT NULL,"
  "  last_at    INTEGER NOT NULL,"
  "  last_id    INTEGER NOT NULL,"
  "  last_value REAL NOT NULL,"
  "  PRIMARY KEY (user_id, data_type, slot)"
  ") WITHOUT ROWID;"

  "WITH p AS (SELECT user_id, data_type, " SLOT ("recorded_at") " AS slot, recorded_at, id, value,"
  "                  row_number () OVER (PARTITION BY user_id, data_type, " SLOT ("recorded_at")
  "                                      ORDER BY recorded_at DESC, id DESC) AS rank"
  "           FROM health_data WHERE " COUNTED ("health_data") ")"
  "INSERT INTO health_rollups (" ROLLUP_COLUMNS ")"
  "  SELECT user_id, data_type, slot, count(*), min (value), max (value), sum (value),"
  "         max (CASE WHEN rank = 1 THEN recorded_at END), max (CASE WHEN rank = 1 THEN id END),"
  "         max (CASE WHEN rank = 1 THEN value END)"
  "  FROM p GROUP BY user_id, data_type, slot;"

  "CREATE TRIGGER health_rollups_insert AFTER INSERT ON health_data"
  "  WHEN " COUNTED ("NEW") " BEGIN"
  "  INSERT INTO health_rollups (" ROLLUP_COLUMNS ")"
  "    VALUES (NEW.user_id, NEW.data_type, " SLOT ("NEW.recorded_at") ", 1, NEW.value, NEW.value,"
  "            NEW.value, NEW.recorded_at, NEW.id, NEW.value)"
  "    ON CONFLICT (user_id, data_type, slot) DO UPDATE SET"
  "      n = n + 1,"
  "      min_value = min (min_value, excluded.min_value),"
  "      max_value = max (max_value, excluded.max_value),"
  "      sum_value = sum_value + excluded.sum_value,"
  "      last_value = CASE WHEN (excluded.last_at, excluded.last_id) > (last_at, last_id)"
  "                        THEN excluded.last_value ELSE last_value END,"
  "      last_id = CASE WHEN (excluded.last_at, excluded.last_id) > (last_at, last_id)"
  "                     THEN excluded.last_id ELSE last_id END,"
  "      last_at = CASE WHEN (excluded.last_at, excluded.last_id) > (last_at, last_id)"
  "                     THEN excluded.last_at ELSE last_at END;"
  "END;"

  "CREATE TRIGGER health_rollups_delete AFTER DELETE ON health_data"
  "  WHEN " COUNTED ("OLD") " AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN "
  RECOMPUTE ("OLD.user_id", "OLD.data_type", SLOT ("OLD.recorded_at"))
  "END;"

  "CREATE TRIGGER health_rollups_update_old AFTER UPDATE OF " WRITTEN_COLUMNS " ON health_data"
  "  BEGIN "
  RECOMPUTE ("OLD.user_id", "OLD.data_type", SLOT ("OLD.recorded_at"))
  "END;"
  "CREATE TRIGGER health_rollups_update_new AFTER UPDATE OF " WRITTEN_COLUMNS " ON health_data"
  "  WHEN NEW.user_id <> OLD.user_id OR NEW.data_type <> OLD.data_type"
  "    OR " SLOT ("NEW.recorded_at") " <> " SLOT ("OLD.recorded_at") " BEGIN "
  RECOMPUTE ("NEW.user_id", "NEW.data_type", SLOT ("NEW.recorded_at"))
  "END;"

  "CREATE TRIGGER health_rollups_user_delete AFTER DELETE ON users BEGIN"
  "  DELETE FROM health_rollups WHERE user_id = OLD.id;"
  "END;";
