/* fc-store-health.c — health points in the offline store: their rollups,
 * the reads a chart makes, the user's writes, and what the sync engine
 * needs to upload them in bulk and pull the server's changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Points live in health_points (migration 5), one row each, whatever their
 * number. Aggregates of every type per aligned block of time are kept at
 * several levels in health_rollups. An import, which only adds, stages
 * its points and merges them in time order, with their aggregates
 * (merge_stage()); every other job that
 * changes a point (typed, edited, deleted, pulled) notes the 15-minute
 * block it was in (and is in now), and rewrites those blocks and their
 * parents from the level below before it commits. A bucket of
 * the chart is then answered from the raw points of the partial 15-minute
 * blocks at its two ends and from a few rollup rows per level in between,
 * so its cost does not grow with the number of points it covers.
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "fc-health-import.h"
#include "fc-json.h"
#include "fc-store-health.h"
#include "fc-store-private.h"

/* Seconds per block at each rollup level; each divides the next, by 4 to
 * 6, so that a range's ragged ends take at most a few blocks per level:
 * a bucket reads about as many rows whatever the density of its points.
 * Nothing finer than 15 minutes (migration 10): the 5- and 20-minute
 * levels had a row for every point or two of a sample taken every few
 * minutes, half of what an import wrote, and saved a chart only the raw
 * reads of a few minutes around each edge of a bucket. */
static const gint64 level_seconds[] = {
  900,            /* 15 minutes */
  3600,           /* an hour */
  4 * 3600,
  86400,          /* a day (UTC) */
  4 * 86400,
  16 * 86400,
  64 * 86400,
};
#define N_LEVELS G_N_ELEMENTS (level_seconds)

#define USEC G_GINT64_CONSTANT (1000000)

/* The resources of the outbox rows this file writes. */
#define HEALTH_RESOURCE "health"
#define HEALTH_GOALS_RESOURCE FC_STORE_HEALTH_GOALS


static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

static gint64
floor_to (gint64 a,
          gint64 b)
{
  return floor_div (a, b) * b;
}

static gint64
ceil_to (gint64 a,
         gint64 b)
{
  return -floor_div (-a, b) * b;
}

/* Sleep's awake and in-bed time is not sleep: left out of the aggregates,
 * as the server's metrics/ leaves it out. */
static gboolean
is_counted (const char *stage)
{
  return stage == NULL || (strcmp (stage, "awake") != 0 && strcmp (stage, "in_bed") != 0);
}

/* ---- Aggregates ---- */

typedef struct {
  guint64 count;
  double  min;
  double  max;
  double  sum;
  double  last;
  gint64  last_at;   /* microseconds */
  gint64  last_id;   /* ties of last_at go to the later row */
} Acc;

static void
acc_add_point (Acc    *acc,
               double  value,
               gint64  at,
               gint64  id)
{
  if (acc->count == 0) {
    acc->min = acc->max = value;
  } else {
    acc->min = MIN (acc->min, value);
    acc->max = MAX (acc->max, value);
  }
  acc->sum += value;
  if (acc->count == 0 || at > acc->last_at || (at == acc->last_at && id > acc->last_id)) {
    acc->last = value;
    acc->last_at = at;
    acc->last_id = id;
  }
  acc->count++;
}

/* Merges aggregates of disjoint times: the later last wins. */
static void
acc_merge (Acc       *acc,
           const Acc *other)
{
  if (other->count == 0)
    return;
  if (acc->count == 0) {
    *acc = *other;
    return;
  }
  acc->min = MIN (acc->min, other->min);
  acc->max = MAX (acc->max, other->max);
  acc->sum += other->sum;
  if (other->last_at > acc->last_at ||
      (other->last_at == acc->last_at && other->last_id > acc->last_id)) {
    acc->last = other->last;
    acc->last_at = other->last_at;
    acc->last_id = other->last_id;
  }
  acc->count += other->count;
}

/* The counted points of @type in [@from_us, @to_us), off the time index. */
static gboolean
acc_raw (FcStoreDb   *db,
         const char  *type,
         gint64       from_us,
         gint64       to_us,
         Acc         *acc,
         GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (from_us >= to_us)
    return TRUE;
  stmt = fc_store_db_stmt (db,
                           "SELECT recorded_at, value, stage, id FROM health_points "
                           "INDEXED BY health_points_time "
                           "WHERE data_type = ?1 AND recorded_at >= ?2 AND recorded_at < ?3",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from_us);
  sqlite3_bind_int64 (stmt, 3, to_us);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    if (!is_counted (fc_store_column_text (stmt, 2)))
      continue;
    acc_add_point (acc, sqlite3_column_double (stmt, 1), sqlite3_column_int64 (stmt, 0),
                   sqlite3_column_int64 (stmt, 3));
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/* The rollups of @level whose blocks start in [@from_s, @to_s). */
static gboolean
acc_level (FcStoreDb   *db,
           const char  *type,
           guint        level,
           gint64       from_s,
           gint64       to_s,
           Acc         *acc,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (from_s >= to_s)
    return TRUE;
  stmt = fc_store_db_stmt (db,
                           "SELECT count, min, max, sum, last, last_at FROM health_rollups "
                           "WHERE data_type = ?1 AND level = ?2 AND start >= ?3 AND start < ?4",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, level);
  sqlite3_bind_int64 (stmt, 3, from_s);
  sqlite3_bind_int64 (stmt, 4, to_s);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    Acc row = {
      .count = sqlite3_column_int64 (stmt, 0),
      .min = sqlite3_column_double (stmt, 1),
      .max = sqlite3_column_double (stmt, 2),
      .sum = sqlite3_column_double (stmt, 3),
      .last = sqlite3_column_double (stmt, 4),
      .last_at = sqlite3_column_int64 (stmt, 5),
      .last_id = 0,
    };

    acc_merge (acc, &row);
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/* ---- Keeping the rollups ---- */

static void cache_drop (FcStoreDb  *db,
                        const char *type);

typedef struct {
  const char *type;   /* interned */
  gint64      start;  /* seconds, aligned to the level */
} Block;

static guint
block_hash (gconstpointer key)
{
  const Block *block = key;

  return g_direct_hash (block->type) ^ g_int64_hash (&block->start);
}

static gboolean
block_equal (gconstpointer a,
             gconstpointer b)
{
  const Block *x = a, *y = b;

  return x->type == y->type && x->start == y->start;
}

static GHashTable *
block_set_new (void)
{
  return g_hash_table_new_full (block_hash, block_equal, g_free, NULL);
}

static void
block_set_add (GHashTable *set,
               const char *type,
               gint64      start)
{
  Block key = { g_intern_string (type), start };

  if (!g_hash_table_contains (set, &key))
    g_hash_table_add (set, g_memdup2 (&key, sizeof key));
}

/* Notes that a point of @type at @at_us changed. */
static void
touch_point (GHashTable *touched,
             const char *type,
             gint64      at_us)
{
  block_set_add (touched, type, floor_to (floor_div (at_us, USEC), level_seconds[0]));
}

/* Binds a rollup row to @stmt's parameters @base + 1 … @base + 9 (the
 * order of every statement that writes one). */
static void
bind_rollup_at (sqlite3_stmt *stmt,
                int           base,
                const char   *type,
                guint         level,
                gint64        start,
                const Acc    *acc)
{
  sqlite3_bind_text (stmt, base + 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, base + 2, level);
  sqlite3_bind_int64 (stmt, base + 3, start);
  sqlite3_bind_int64 (stmt, base + 4, acc->count);
  sqlite3_bind_double (stmt, base + 5, acc->min);
  sqlite3_bind_double (stmt, base + 6, acc->max);
  sqlite3_bind_double (stmt, base + 7, acc->sum);
  sqlite3_bind_double (stmt, base + 8, acc->last);
  sqlite3_bind_int64 (stmt, base + 9, acc->last_at);
}

static void
bind_rollup (sqlite3_stmt *stmt,
             const char   *type,
             guint         level,
             gint64        start,
             const Acc    *acc)
{
  bind_rollup_at (stmt, 0, type, level, start, acc);
}

static gboolean
write_rollup (FcStoreDb   *db,
              const char  *type,
              guint        level,
              gint64       start,
              const Acc   *acc,
              GError     **error)
{
  sqlite3_stmt *stmt;

  if (acc->count == 0) {
    stmt = fc_store_db_stmt (db, "DELETE FROM health_rollups "
                                 "WHERE data_type = ?1 AND level = ?2 AND start = ?3", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_int (stmt, 2, level);
    sqlite3_bind_int64 (stmt, 3, start);
  } else {
    stmt = fc_store_db_stmt (db, "INSERT OR REPLACE INTO health_rollups "
                                 "(data_type, level, start, count, min, max, sum, last, last_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
    if (stmt == NULL)
      return FALSE;
    bind_rollup (stmt, type, level, start, acc);
  }
  return fc_store_db_step_done (db, stmt, error);
}

/* Rewrites the touched 15-minute blocks from their points, then each
 * level's touched blocks from the level below: part of the transaction
 * that changed the points. */
static gboolean
flush_rollups (FcStoreDb   *db,
               GHashTable  *touched,
               GError     **error)
{
  g_autoptr(GHashTable) current = g_hash_table_ref (touched);

  for (guint level = 0; level < N_LEVELS; level++) {
    g_autoptr(GHashTable) parents = block_set_new ();
    GHashTableIter iter;
    Block *block;

    g_hash_table_iter_init (&iter, current);
    while (g_hash_table_iter_next (&iter, (gpointer *) &block, NULL)) {
      Acc acc = { 0 };

      if (level == 0)
        cache_drop (db, block->type);
      gint64 end = block->start + level_seconds[level];

      if (level == 0 ? !acc_raw (db, block->type, block->start * USEC, end * USEC, &acc, error)
                     : !acc_level (db, block->type, level - 1, block->start, end, &acc, error))
        return FALSE;
      if (!write_rollup (db, block->type, level, block->start, &acc, error))
        return FALSE;
      if (level + 1 < N_LEVELS)
        block_set_add (parents, block->type, floor_to (block->start, level_seconds[level + 1]));
    }
    g_hash_table_unref (g_steal_pointer (&current));
    current = g_steal_pointer (&parents);
  }
  return TRUE;
}

/* Every rollup again from the points, after a change of most of them. */
static gboolean
rebuild_rollups (FcStoreDb  *db,
                 GError    **error)
{
  cache_drop (db, NULL);
  if (!fc_store_db_exec (db, "DELETE FROM health_rollups", error))
    return FALSE;
  /* Level 0 in C (the last point of a block, sleep's stages); the levels
   * above from it. */
  {
    g_autoptr(GHashTable) touched = block_set_new ();
    sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                           "SELECT DISTINCT data_type, recorded_at / ?1 "
                                           "FROM health_points",
                                           error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, level_seconds[0] * USEC);
    while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
      const char *type = fc_store_column_text (stmt, 0);
      gint64 block = sqlite3_column_int64 (stmt, 1);

      /* SQLite's division truncates toward zero: a point before 1970
       * also touches the block before, which is rewritten empty. */
      block_set_add (touched, type, block * level_seconds[0]);
      block_set_add (touched, type, (block - 1) * level_seconds[0]);
    }
    sqlite3_reset (stmt);
    if (rc != SQLITE_DONE)
      return FALSE;
    return flush_rollups (db, touched, error);
  }
}

/* ---- Points ---- */

static char *
format_time (gint64 at_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (floor_div (at_us, USEC));
  g_autofree char *base = NULL;

  if (time == NULL)
    return NULL;
  base = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", base, at_us - floor_div (at_us, USEC) * USEC);
}

static gboolean
parse_time (const char  *text,
            gint64      *out_us)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (text == NULL || (time = g_date_time_new_from_iso8601 (text, utc)) == NULL)
    return FALSE;
  *out_us = g_date_time_to_unix (time) * USEC + g_date_time_get_microsecond (time);
  return TRUE;
}

#define POINT_COLUMNS \
  "id, server_id, data_type, value, unit, recorded_at, stage, note, source, client_id, " \
  "upload, refusal, dirty, created_at, updated_at, revision"

/* The row @stmt stands on, columns POINT_COLUMNS, in the wire shape plus
 * local_id, pending and, when the server refused it, refusal. */
static JsonObject *
point_from_row (sqlite3_stmt *stmt)
{
  JsonObject *point = json_object_new ();
  g_autofree char *recorded_at = format_time (sqlite3_column_int64 (stmt, 5));
  const char *refusal = fc_store_column_text (stmt, 11);
  int upload = sqlite3_column_int (stmt, 10);

  if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
    json_object_set_null_member (point, "id");
  else
    json_object_set_int_member (point, "id", sqlite3_column_int64 (stmt, 1));
  json_object_set_string_member (point, "data_type", fc_store_column_text (stmt, 2));
  json_object_set_double_member (point, "value", sqlite3_column_double (stmt, 3));
  json_object_set_string_member (point, "unit", fc_store_column_text (stmt, 4));
  json_object_set_string_member (point, "recorded_at", recorded_at);
  if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
    json_object_set_null_member (point, "stage");
  else
    json_object_set_string_member (point, "stage", fc_store_column_text (stmt, 6));
  if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
    json_object_set_string_member (point, "note", fc_store_column_text (stmt, 7));
  json_object_set_string_member (point, "source", fc_store_column_text (stmt, 8));
  if (sqlite3_column_type (stmt, 9) == SQLITE_NULL)
    json_object_set_null_member (point, "client_id");
  else
    json_object_set_string_member (point, "client_id", fc_store_column_text (stmt, 9));
  if (sqlite3_column_type (stmt, 13) != SQLITE_NULL)
    json_object_set_string_member (point, "created_at", fc_store_column_text (stmt, 13));
  if (sqlite3_column_type (stmt, 14) != SQLITE_NULL)
    json_object_set_string_member (point, "updated_at", fc_store_column_text (stmt, 14));
  json_object_set_int_member (point, "local_id", sqlite3_column_int64 (stmt, 0));
  json_object_set_boolean_member (point, "pending", upload != 0 || sqlite3_column_int (stmt, 12));
  if (upload == 2 && refusal != NULL) {
    g_autoptr(JsonNode) node = fc_json_parse (refusal, -1, NULL);

    if (node != NULL)
      json_object_set_member (point, "refusal", g_steal_pointer (&node));
  }
  return point;
}

static JsonObject *
load_point (FcStoreDb   *db,
            gint64       local_id,
            GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT " POINT_COLUMNS " FROM health_points "
                                             "WHERE id = ?1", error);
  JsonObject *point = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, local_id);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    point = point_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND,
                 "There is no health point %" G_GINT64_FORMAT, local_id);
  sqlite3_reset (stmt);
  return point;
}

/* What a write may set, checked: value a number, recorded_at a time,
 * unit and stage strings (stage may be null), note a string or null. */
typedef struct {
  const char *data_type;
  gboolean    has_value;
  double      value;
  const char *unit;
  gboolean    has_time;
  gint64      recorded_at;
  gboolean    has_stage;
  const char *stage;
  gboolean    has_note;
  const char *note;
} PointFields;

static gboolean
read_fields (JsonObject   *object,
             PointFields  *fields,
             GError      **error)
{
  const char *bad = NULL;

  memset (fields, 0, sizeof *fields);
  if (json_object_has_member (object, "data_type") &&
      (fields->data_type = fc_json_get_string (object, "data_type")) == NULL)
    bad = "data_type";
  if (json_object_has_member (object, "value")) {
    fields->has_value = fc_json_get_double (object, "value", &fields->value) &&
                        isfinite (fields->value);
    if (!fields->has_value)
      bad = "value";
  }
  if (json_object_has_member (object, "unit") &&
      (fields->unit = fc_json_get_string (object, "unit")) == NULL)
    bad = "unit";
  if (json_object_has_member (object, "recorded_at")) {
    fields->has_time = parse_time (fc_json_get_string (object, "recorded_at"),
                                   &fields->recorded_at);
    if (!fields->has_time)
      bad = "recorded_at";
  }
  if (json_object_has_member (object, "stage")) {
    fields->has_stage = TRUE;
    fields->stage = fc_json_get_string (object, "stage");
    if (fields->stage == NULL && !json_node_is_null (json_object_get_member (object, "stage")))
      bad = "stage";
  }
  if (json_object_has_member (object, "note")) {
    fields->has_note = TRUE;
    fields->note = fc_json_get_string (object, "note");
    if (fields->note == NULL && !json_node_is_null (json_object_get_member (object, "note")))
      bad = "note";
  }
  if (bad != NULL) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                 "A health point's “%s” has the wrong type", bad);
    return FALSE;
  }
  return TRUE;
}

static char *
new_client_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *hex = g_string_sized_new (32);

  for (const char *c = uuid; *c != '\0'; c++) {
    if (*c != '-')
      g_string_append_c (hex, *c);
  }
  return g_string_free (hex, FALSE);
}

/* An outbox row for a point or the goals (fc-store-outbox.c's). */
static gboolean
enqueue (FcStoreDb   *db,
         const char  *method,
         const char  *path,
         JsonObject  *body,
         const char  *resource,
         gint64       object_id,
         JsonObject  *revert,
         GError     **error)
{
  return fc_store_outbox_enqueue (db, method, path, body, resource, object_id, FALSE, revert,
                                  error) != 0;
}

/* ---- Jobs ---- */

static gboolean
commit_points (FcStoreDb   *db,
               GHashTable  *touched,
               GError     **error)
{
  if (!flush_rollups (db, touched, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  fc_store_db_touch (db, FC_STORE_HEALTH);
  return fc_store_db_commit (db, error);
}

/* ---- Imports: staged, then merged in time order ----
 *
 * An export lists its records in no order the store can use: the
 * synthetic one of tests/health is in random time order, and even Apple's
 * is by type and by time of writing. Written batch by batch, each batch
 * of 32,768 points landed all over the time index and the rollups, so
 * every transaction rewrote most of their pages (a million records cost
 * 8 times xmllint's CPU, 7 s of it in the rollups' upserts). So a batch is
 * only sorted by type and time and appended to health_import_stage
 * (migration 8) as one run, a blob of fixed-width records; the stage is
 * merged when it holds MERGE_AT points and when the import ends: the runs
 * read a slice at a time and merged through a heap (a row per point and
 * SQLite's sorter cost a third more), each point checked against the
 * points already stored and inserted, and the rollups swept forward, a
 * block written when the sweep leaves it. A merge is one transaction; a
 * stage left by a killed import is merged by the next import or the next
 * upload batch (merge_leftovers()).
 *
 * The rollups are merged, not rewritten: an import only adds points, so
 * counts add, min and max take the extreme, and the new points have
 * larger row ids than every point already stored, so on a tie of last_at
 * the merged last wins, as the later row does. Sums may differ from a
 * rewrite in the last bits only (the order of the additions). */

/* Points a merge takes at least. Each merge touches every rollup block
 * its points fall in: a million records of the synthetic export cost 3.8 s
 * of upserts in four merges and 1.9 s in one (bench-health-import-job),
 * which is worth points showing in the chart only at the end of such an
 * import. Merging holds a slice of each run, 28 KiB, whatever their
 * length. */
#define MERGE_AT (1 << 20)

/* Rows a merge writes per statement. A statement per point cost about
 * 3 µs a row (1M records: 3.1 s of inserts, 1.9 s of rollup upserts),
 * most of it SQLite opening its cursors and seeking each b-tree from its
 * root again; the rows of one statement go where the last one went. */
#define MERGE_ROWS 128

/* "INSERT … VALUES @row, @row, … (@n times) @tail" */
static char *
values_sql (const char *head,
            const char *row,
            guint       n,
            const char *tail)
{
  GString *sql = g_string_new (head);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (sql, "%s%s", i > 0 ? ", " : " VALUES ", row);
  g_string_append (sql, tail);
  return g_string_free (sql, FALSE);
}

#define ROLLUP_INSERT "INSERT INTO health_rollups " \
                      "(data_type, level, start, count, min, max, sum, last, last_at)"
#define ROLLUP_ROW    "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define ROLLUP_MERGE  " ON CONFLICT (data_type, level, start) DO UPDATE SET " \
                      "count = count + excluded.count, " \
                      "min = MIN(min, excluded.min), " \
                      "max = MAX(max, excluded.max), " \
                      "sum = sum + excluded.sum, " \
                      "last = CASE WHEN excluded.last_at >= last_at " \
                      "THEN excluded.last ELSE last END, " \
                      "last_at = MAX(last_at, excluded.last_at)"

/* Binds the row at @row to @stmt's parameters from @base + 1 on. */
typedef void (*BindRowFunc) (sqlite3_stmt  *stmt,
                             int            base,
                             gconstpointer  row);

/* Writes the *@n rows of @size bytes each from @rows, each taking @width
 * parameters: MERGE_ROWS to a statement (@many) when there are that many,
 * else one at a time (@one); then none are left (*@n = 0). */
static gboolean
write_rows (FcStoreDb     *db,
            sqlite3_stmt  *one,
            sqlite3_stmt  *many,
            int            width,
            BindRowFunc    bind_row,
            gconstpointer  rows,
            gsize          size,
            guint         *n,
            GError       **error)
{
  guint per = *n == MERGE_ROWS ? MERGE_ROWS : 1;
  sqlite3_stmt *stmt = per > 1 ? many : one;

  for (guint i = 0; i < *n; i += per) {
    for (guint j = 0; j < per; j++)
      bind_row (stmt, j * width, (const char *) rows + (i + j) * size);
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
  }
  *n = 0;
  return TRUE;
}

typedef struct {
  const char *type;   /* interned */
  guint       level;
  gint64      start;
  Acc         acc;
} PendingRollup;

static void
bind_pending_rollup (sqlite3_stmt  *stmt,
                     int            base,
                     gconstpointer  data)
{
  const PendingRollup *row = data;

  bind_rollup_at (stmt, base, row->type, row->level, row->start, &row->acc);
}

/* The blocks a merge's sweep is in, one per level, and the finished ones
 * not yet written. */
typedef struct {
  sqlite3_stmt  *upsert;        /* one row */
  sqlite3_stmt  *upsert_many;   /* MERGE_ROWS rows */
  const char    *type;          /* interned */
  gint64         block[N_LEVELS];
  Acc            acc[N_LEVELS];
  guint          n_pending;
  PendingRollup  pending[MERGE_ROWS];
} Sweep;

#define sweep_flush(db, sweep, error) \
  write_rows ((db), (sweep)->upsert, (sweep)->upsert_many, 9, bind_pending_rollup, \
              (sweep)->pending, sizeof (PendingRollup), &(sweep)->n_pending, (error))

static gboolean
sweep_write (FcStoreDb   *db,
             Sweep       *sweep,
             guint        level,
             GError     **error)
{
  PendingRollup *row;

  if (sweep->acc[level].count == 0)
    return TRUE;
  row = &sweep->pending[sweep->n_pending++];
  row->type = sweep->type;
  row->level = level;
  row->start = sweep->block[level];
  row->acc = sweep->acc[level];
  memset (&sweep->acc[level], 0, sizeof (Acc));
  return sweep->n_pending < MERGE_ROWS || sweep_flush (db, sweep, error);
}

static gboolean
sweep_finish (FcStoreDb   *db,
              Sweep       *sweep,
              GError     **error)
{
  for (guint level = 0; level < N_LEVELS; level++) {
    if (!sweep_write (db, sweep, level, error))
      return FALSE;
  }
  return TRUE;
}

/* @type interned; points come by type, then time. */
static gboolean
sweep_add (FcStoreDb   *db,
           Sweep       *sweep,
           const char  *type,
           double       value,
           gint64       at,
           gint64       id,
           GError     **error)
{
  gint64 seconds = floor_div (at, USEC);

  if (type != sweep->type) {
    if (!sweep_finish (db, sweep, error))
      return FALSE;
    sweep->type = type;
    cache_drop (db, type);
  }
  for (guint level = 0; level < N_LEVELS; level++) {
    gint64 start = floor_to (seconds, level_seconds[level]);

    if (start != sweep->block[level] && !sweep_write (db, sweep, level, error))
      return FALSE;
    sweep->block[level] = start;
    acc_add_point (&sweep->acc[level], value, at, id);
  }
  return TRUE;
}

/* One staged point, as the stage's blobs hold it: fixed width, so a run
 * is read back a slice at a time. The strings are NUL-padded (the
 * client id is not NUL-terminated when it has all 32 characters). A
 * stage never leaves the machine that wrote it, so numbers are in the
 * machine's own byte order. */
typedef struct {
  gint64 recorded_at;
  double value;
  char   data_type[32];
  char   unit[16];
  char   stage[16];
  char   client_id[32];
} StagedPoint;

/* Records read from a run at a time: 256 of them, 28 KiB */
#define SLICE 256

typedef struct {
  sqlite3_blob *blob;
  char         *source;
  guint         n;          /* records in the run */
  guint         next;       /* the next to read from the blob */
  guint         at;         /* the head's index in slice */
  guint         in_slice;
  StagedPoint   slice[SLICE];
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->blob, sqlite3_blob_close);
  g_free (run->source);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static int
staged_compare (const StagedPoint *a,
                const StagedPoint *b)
{
  int by_type = strcmp (a->data_type, b->data_type);

  if (by_type != 0)
    return by_type;
  return (a->recorded_at > b->recorded_at) - (a->recorded_at < b->recorded_at);
}

/* Moves @run's head on; FALSE once the run is done or failed (@error). */
static gboolean
run_advance (Run     *run,
             GError **error)
{
  if (++run->at < run->in_slice)
    return TRUE;
  if (run->next >= run->n)
    return FALSE;
  run->in_slice = MIN (SLICE, run->n - run->next);
  if (sqlite3_blob_read (run->blob, run->slice, run->in_slice * sizeof (StagedPoint),
                         run->next * sizeof (StagedPoint)) != SQLITE_OK) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_FAILED, "A staged import cannot be read");
    return FALSE;
  }
  run->next += run->in_slice;
  run->at = 0;
  return TRUE;
}

static const StagedPoint *
run_head (Run *run)
{
  return &run->slice[run->at];
}

/* Whether run @a's head comes before run @b's: by type and time, ties in
 * the order the runs were staged (@ia, @ib), which is the file's. */
static gboolean
run_before (GPtrArray *runs,
            guint      ia,
            guint      ib)
{
  int order = staged_compare (run_head (runs->pdata[ia]), run_head (runs->pdata[ib]));

  return order < 0 || (order == 0 && ia < ib);
}

/* A binary min-heap of run indices, by run_before(). */
static void
heap_sift_down (GPtrArray *runs,
                guint     *heap,
                guint      len,
                guint      i)
{
  for (;;) {
    guint least = i, left = 2 * i + 1, right = 2 * i + 2, swap;

    if (left < len && run_before (runs, heap[left], heap[least]))
      least = left;
    if (right < len && run_before (runs, heap[right], heap[least]))
      least = right;
    if (least == i)
      return;
    swap = heap[i];
    heap[i] = heap[least];
    heap[least] = swap;
    i = least;
  }
}

/* The stage's runs, each opened on its first slice. */
static GPtrArray *
open_runs (FcStoreDb   *db,
           GError     **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_free);
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "SELECT id, source, n FROM health_import_stage "
                                         "ORDER BY id",
                                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    g_autoptr(Run) run = g_new0 (Run, 1);

    run->source = g_strdup (fc_store_column_text (stmt, 1));
    run->n = sqlite3_column_int (stmt, 2);
    if (run->n == 0)
      continue;
    if (sqlite3_blob_open (db->handle, "main", "health_import_stage", "points",
                           sqlite3_column_int64 (stmt, 0), 0, &run->blob) != SQLITE_OK) {
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_FAILED, "A staged import cannot be read");
      rc = SQLITE_ERROR;
      break;
    }
    /* at = in_slice = 0: the first advance reads the first slice */
    if (!run_advance (run, error)) {
      rc = SQLITE_ERROR;
      break;
    }
    g_ptr_array_add (runs, g_steal_pointer (&run));
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&runs);
}

/* Binds a NUL-padded field of @width characters, NULL when empty. */
static void
bind_field (sqlite3_stmt *stmt,
            int           index,
            const char   *field,
            gsize         width)
{
  gsize length = strnlen (field, width);

  if (length == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, field, length, SQLITE_STATIC);
}

/* The first and last time of @type's points (an empty range, from > to,
 * when there are none). */
static gboolean
stored_range (FcStoreDb   *db,
              const char  *type,
              gint64      *out_from,
              gint64      *out_to,
              GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         /* Two subqueries: min() and max() in one
                                          * walk every entry of the type */
                                         "SELECT coalesce((SELECT min(recorded_at) "
                                         "FROM health_points WHERE data_type = ?1), 1), "
                                         "coalesce((SELECT max(recorded_at) "
                                         "FROM health_points WHERE data_type = ?1), 0)",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW) {
    *out_from = sqlite3_column_int64 (stmt, 0);
    *out_to = sqlite3_column_int64 (stmt, 1);
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

#define POINT_INSERT "INSERT INTO health_points (data_type, value, unit, recorded_at, " \
                     "stage, source, client_id, upload)"
#define POINT_ROW    "(?, ?, ?, ?, ?, ?, ?, 1)"

/* A point a merge adds, not yet written. */
typedef struct {
  StagedPoint  point;
  const char  *source;   /* the run's */
} PendingPoint;

/* A merge under way: the statements it writes with, and what it holds. */
typedef struct {
  sqlite3_stmt  *probe;
  sqlite3_stmt  *insert;        /* one row */
  sqlite3_stmt  *insert_many;   /* MERGE_ROWS rows */
  guint          n_pending;
  PendingPoint   pending[MERGE_ROWS];
  /* The points added at the time of the last one (same type), which the
   * store may not hold yet: a duplicate in the file is one of them. */
  GArray        *same_time;     /* of PendingPoint */
  Sweep          sweep;
} Merge;

static void
merge_free (Merge *merge)
{
  g_clear_pointer (&merge->same_time, g_array_unref);
  g_free (merge);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Merge, merge_free)

static void
bind_pending_point (sqlite3_stmt  *stmt,
                    int            base,
                    gconstpointer  data)
{
  const PendingPoint *row = data;
  const StagedPoint *point = &row->point;

  sqlite3_bind_text (stmt, base + 1, point->data_type, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, base + 2, point->value);
  bind_field (stmt, base + 3, point->unit, sizeof point->unit);
  sqlite3_bind_int64 (stmt, base + 4, point->recorded_at);
  bind_field (stmt, base + 5, point->stage, sizeof point->stage);
  sqlite3_bind_text (stmt, base + 6, row->source, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, base + 7, point->client_id,
                     strnlen (point->client_id, sizeof point->client_id), SQLITE_STATIC);
}

#define merge_flush(db, merge, error) \
  write_rows ((db), (merge)->insert, (merge)->insert_many, 7, bind_pending_point, \
              (merge)->pending, sizeof (PendingPoint), &(merge)->n_pending, (error))

/* Whether @point of @source is one the merge added already (at the same
 * time as the last one added). */
static gboolean
merge_has (Merge             *merge,
           const StagedPoint *point,
           const char        *source)
{
  for (guint i = 0; i < merge->same_time->len; i++) {
    const PendingPoint *seen = &g_array_index (merge->same_time, PendingPoint, i);

    if (memcmp (seen->point.client_id, point->client_id, sizeof point->client_id) == 0 &&
        strcmp (seen->source, source) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Moves every staged point into health_points, in the transaction open:
 * the runs merged by type and time through a heap, the points and their
 * rollups written MERGE_ROWS to a statement. */
static gboolean
merge_stage (FcStoreDb             *db,
             FcHealthImportCounts  *counts,
             GError               **error)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree guint *heap = NULL;
  g_autoptr(Merge) merge = g_new0 (Merge, 1);
  g_autofree char *insert_many = values_sql (POINT_INSERT, POINT_ROW, MERGE_ROWS, "");
  g_autofree char *insert_one = values_sql (POINT_INSERT, POINT_ROW, 1, "");
  g_autofree char *upsert_many = values_sql (ROLLUP_INSERT, ROLLUP_ROW, MERGE_ROWS, ROLLUP_MERGE);
  g_autofree char *upsert_one = values_sql (ROLLUP_INSERT, ROLLUP_ROW, 1, ROLLUP_MERGE);
  Sweep *sweep = &merge->sweep;
  const char *type = NULL;
  gint64 stored_from = 0, stored_to = 0, previous_at = G_MININT64, added = 0;
  guint len;

  merge->same_time = g_array_new (FALSE, FALSE, sizeof (PendingPoint));
  /* Each statement got once for the merge: the statement cache's lookup
   * hashes the SQL. */
  if ((sweep->upsert = fc_store_db_stmt (db, upsert_one, error)) == NULL ||
      (sweep->upsert_many = fc_store_db_stmt (db, upsert_many, error)) == NULL ||
      (merge->insert = fc_store_db_stmt (db, insert_one, error)) == NULL ||
      (merge->insert_many = fc_store_db_stmt (db, insert_many, error)) == NULL)
    return FALSE;
  /* (source, client_id) on the time index: the same record has the same
   * type and time; only points at the same second are read from the
   * table. */
  merge->probe = fc_store_db_stmt (db,
                                   "SELECT 1 FROM health_points INDEXED BY health_points_time "
                                   "WHERE data_type = ?1 AND recorded_at = ?2 AND source = ?3 "
                                   "AND client_id = ?4",
                                   error);
  if (merge->probe == NULL || (runs = open_runs (db, error)) == NULL)
    return FALSE;

  len = runs->len;
  heap = g_new (guint, MAX (len, 1));
  for (guint i = 0; i < len; i++)
    heap[i] = i;
  for (guint i = len / 2; i-- > 0;)
    heap_sift_down (runs, heap, len, i);

  while (len > 0) {
    Run *run = runs->pdata[heap[0]];
    const StagedPoint *point = run_head (run);
    gboolean found = FALSE;

    /* The sweep keeps an interned copy of the type, taken once per type */
    if (type == NULL || strcmp (type, point->data_type) != 0) {
      type = g_intern_string (point->data_type);
      if (!stored_range (db, type, &stored_from, &stored_to, error))
        return FALSE;
      previous_at = G_MININT64;
    }
    if (point->recorded_at != previous_at)
      g_array_set_size (merge->same_time, 0);
    previous_at = point->recorded_at;

    /* Only a point in the time range of the type's points stored before
     * the merge can be one the store had: the others need no seek (a
     * first import makes none). One at the time of a point this merge
     * added (a duplicate in the file, or a second source) may be that
     * point, still in merge->pending. */
    if (point->recorded_at >= stored_from && point->recorded_at <= stored_to) {
      int rc;

      sqlite3_bind_text (merge->probe, 1, type, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (merge->probe, 2, point->recorded_at);
      sqlite3_bind_text (merge->probe, 3, run->source, -1, SQLITE_STATIC);
      sqlite3_bind_text (merge->probe, 4, point->client_id,
                         strnlen (point->client_id, sizeof point->client_id), SQLITE_STATIC);
      rc = fc_store_db_step (db, merge->probe, error);
      sqlite3_reset (merge->probe);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return FALSE;
      found = rc == SQLITE_ROW;
    }
    if (!found)
      found = merge_has (merge, point, run->source);

    if (found) {
      counts->unchanged++;
    } else {
      PendingPoint row = { *point, run->source };

      g_array_append_val (merge->same_time, row);
      merge->pending[merge->n_pending++] = row;
      if (merge->n_pending == MERGE_ROWS && !merge_flush (db, merge, error))
        return FALSE;
      counts->added++;
      /* Ties of time go to the later row: the merge's order is the
       * order of the rows it adds. */
      added++;
      if ((point->stage[0] == '\0' || is_counted (point->stage)) &&
          !sweep_add (db, sweep, type, point->value, point->recorded_at, added, error))
        return FALSE;
    }

    if (!run_advance (run, error)) {
      if (error != NULL && *error != NULL)
        return FALSE;
      heap[0] = heap[--len];
    }
    heap_sift_down (runs, heap, len, 0);
  }
  /* The points waiting hold their runs' sources */
  if (!merge_flush (db, merge, error) || !sweep_finish (db, sweep, error) ||
      !sweep_flush (db, sweep, error))
    return FALSE;
  g_clear_pointer (&runs, g_ptr_array_unref);
  /* Without a WHERE, SQLite drops the table's pages in one go. */
  return fc_store_db_exec (db, "DELETE FROM health_import_stage", error);
}

/* merge_stage() with SQLite reading the file through its page cache, not
 * its memory map (fc_store_db_open()): a merge reads its whole stage back
 * once, about 110 bytes a point, and every page read through the map
 * stays in the process's resident memory, +100 to +300 MiB over a
 * million records; the page cache reuses its 16 MB. */
static gboolean
merge_unmapped (FcStoreDb             *db,
                FcHealthImportCounts  *counts,
                GError               **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "PRAGMA mmap_size", error);
  g_autofree char *restore = NULL;
  gboolean merged;

  if (stmt == NULL || fc_store_db_step (db, stmt, error) != SQLITE_ROW)
    return FALSE;
  restore = g_strdup_printf ("PRAGMA mmap_size = %" G_GINT64_FORMAT,
                             (gint64) sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  if (!fc_store_db_exec (db, "PRAGMA mmap_size = 0", error))
    return FALSE;
  merged = merge_stage (db, counts, error);
  /* The map back whatever happened, for the chart's reads. */
  return fc_store_db_exec (db, restore, merged ? error : NULL) && merged;
}

static gboolean
stage_size (FcStoreDb   *db,
            gint64      *out_size,
            GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "SELECT coalesce(sum(n), 0) FROM health_import_stage",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = fc_store_db_step (db, stmt, error);
  *out_size = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

static gboolean
copy_field (char       *field,
            gsize       width,
            const char *text)
{
  gsize length = text != NULL ? strlen (text) : 0;

  if (length > width)
    return FALSE;
  memset (field, 0, width);
  if (length > 0)
    memcpy (field, text, length);
  return TRUE;
}

static int
staged_sort_cb (gconstpointer a,
                gconstpointer b)
{
  return staged_compare (a, b);
}

/* Appends @points' valid points to the stage as one run, sorted by type
 * and time (stably: ties keep the file's order); the others count as
 * unchanged, as before. */
static gboolean
stage_points (FcStoreDb             *db,
              const char            *source,
              GArray                *points,
              FcHealthImportCounts  *counts,
              GError               **error)
{
  g_autoptr(GArray) run = NULL;
  sqlite3_stmt *stmt;

  if (points == NULL || points->len == 0)
    return TRUE;
  run = g_array_sized_new (FALSE, FALSE, sizeof (StagedPoint), points->len);
  for (guint i = 0; i < points->len; i++) {
    const FcHealthPoint *point = &g_array_index (points, FcHealthPoint, i);
    StagedPoint staged;

    staged.recorded_at = point->recorded_at;
    staged.value = point->value;
    /* The client id may fill its field (no NUL then); the others keep
     * one, so that they compare as strings */
    if (point->data_type == NULL || point->unit == NULL || !isfinite (point->value) ||
        !copy_field (staged.data_type, sizeof staged.data_type - 1, point->data_type) ||
        !copy_field (staged.unit, sizeof staged.unit - 1, point->unit) ||
        !copy_field (staged.stage, sizeof staged.stage - 1, point->stage) ||
        !copy_field (staged.client_id, sizeof staged.client_id, point->client_id)) {
      counts->unchanged++;
      continue;
    }
    staged.data_type[sizeof staged.data_type - 1] = '\0';
    staged.unit[sizeof staged.unit - 1] = '\0';
    staged.stage[sizeof staged.stage - 1] = '\0';
    g_array_append_val (run, staged);
  }
  if (run->len == 0)
    return TRUE;
  g_array_sort (run, staged_sort_cb);

  stmt = fc_store_db_stmt (db,
                           "INSERT INTO health_import_stage (source, n, points) "
                           "VALUES (?1, ?2, ?3)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, source, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, run->len);
  sqlite3_bind_blob (stmt, 3, run->data, run->len * sizeof (StagedPoint), SQLITE_STATIC);
  return fc_store_db_step_done (db, stmt, error);
}

/* When an import job stages on this connection: the temporary schema's
 * user_version, which lives and dies with the connection, so a stage
 * found without it was left by a process that is gone. */
static gboolean
set_staging (FcStoreDb   *db,
             gboolean     staging,
             GError     **error)
{
  return fc_store_db_exec (db, staging ? "PRAGMA temp.user_version = 1"
                                       : "PRAGMA temp.user_version = 0", error);
}

static gboolean
is_staging (FcStoreDb *db)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "PRAGMA temp.user_version", NULL);
  gboolean staging;

  if (stmt == NULL)
    return FALSE;
  staging = fc_store_db_step (db, stmt, NULL) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return staging;
}

typedef enum {
  IMPORT_MERGE,       /* fc_store_health_import_async(): stage and merge */
  IMPORT_STAGE,       /* fc_store_health_stage_async(): merge from MERGE_AT */
  IMPORT_FLUSH,       /* fc_store_health_import_flush_async(): merge */
} ImportMode;

/* args: text = source, ids = the FcHealthPoint GArray (may be NULL),
 * number = ImportMode. */
static gboolean
import_job (FcStoreDb       *db,
            gpointer         data,
            gpointer        *result,
            GDestroyNotify  *result_free,
            GError         **error)
{
  FcStoreArgs *args = data;
  FcHealthImportCounts counts = { 0 };
  gint64 staged = 0;

  /* NORMAL, as a pull's pages: a power cut may lose the last batches,
   * never leave half of one, and importing the file again brings them
   * back; an fsync per batch was not worth it. */
  if (!fc_store_db_begin_bulk (db, error))
    return FALSE;
  if (!stage_points (db, args->text, args->ids, &counts, error) ||
      !stage_size (db, &staged, error) ||
      (args->number != IMPORT_MERGE && !set_staging (db, args->number == IMPORT_STAGE, error))) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  if (staged > 0 && (args->number != IMPORT_STAGE || staged >= MERGE_AT)) {
    if (!merge_unmapped (db, &counts, error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
    if (counts.added > 0) {
      /* The engine pushes on outbox-queued: the points go up while the
       * rest of the file is read. */
      fc_store_db_touch (db, FC_STORE_OUTBOX_QUEUED);
      fc_store_db_touch (db, FC_STORE_HEALTH);
    }
  }
  if (!fc_store_db_commit (db, error))
    return FALSE;
  *result = g_memdup2 (&counts, sizeof counts);
  *result_free = g_free;
  return TRUE;
}

/* A stage a killed import left, merged unless an import of this
 * connection is under way (its own merges take it). */
static gboolean
merge_leftovers (FcStoreDb   *db,
                 GError     **error)
{
  FcHealthImportCounts counts = { 0 };
  gint64 staged = 0;

  if (is_staging (db))
    return TRUE;
  if (!stage_size (db, &staged, error))
    return FALSE;
  if (staged == 0)
    return TRUE;
  if (!fc_store_db_begin_bulk (db, error))
    return FALSE;
  if (!merge_unmapped (db, &counts, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  fc_store_db_touch (db, FC_STORE_HEALTH);
  return fc_store_db_commit (db, error);
}

static gboolean
add_job (FcStoreDb       *db,
         gpointer         data,
         gpointer        *result,
         GDestroyNotify  *result_free,
         GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(GHashTable) touched = block_set_new ();
  g_autofree char *client_id = new_client_id ();
  PointFields fields;
  sqlite3_stmt *stmt;
  gint64 *local_id;

  if (!read_fields (args->object, &fields, error))
    return FALSE;
  if (fields.data_type == NULL || !fields.has_value || fields.unit == NULL || !fields.has_time) {
    g_set_error_literal (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                         "A health point needs data_type, value, unit and recorded_at");
    return FALSE;
  }
  if (!fc_store_db_begin (db, error))
    return FALSE;
  stmt = fc_store_db_stmt (db,
                           "INSERT INTO health_points (data_type, value, unit, recorded_at, "
                           "stage, note, source, client_id, upload) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'manual', ?7, 1)",
                           error);
  if (stmt == NULL) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  sqlite3_bind_text (stmt, 1, fields.data_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 2, fields.value);
  sqlite3_bind_text (stmt, 3, fields.unit, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, fields.recorded_at);
  fc_store_bind_text (stmt, 5, fields.stage);
  fc_store_bind_text (stmt, 6, fields.note);
  sqlite3_bind_text (stmt, 7, client_id, -1, SQLITE_TRANSIENT);
  if (!fc_store_db_step_done (db, stmt, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  local_id = g_new (gint64, 1);
  *local_id = sqlite3_last_insert_rowid (db->handle);
  touch_point (touched, fields.data_type, fields.recorded_at);
  /* The engine pushes on outbox-queued: a typed point goes up as soon as
   * the outbox's writes do. */
  fc_store_db_touch (db, FC_STORE_OUTBOX_QUEUED);
  if (!commit_points (db, touched, error)) {
    g_free (local_id);
    return FALSE;
  }
  *result = local_id;
  *result_free = g_free;
  return TRUE;
}

/* The wire body of a PATCH for @fields. */
static JsonObject *
patch_body (const PointFields *fields)
{
  JsonObject *body = json_object_new ();

  if (fields->has_value)
    json_object_set_double_member (body, "value", fields->value);
  if (fields->unit != NULL)
    json_object_set_string_member (body, "unit", fields->unit);
  if (fields->has_time) {
    g_autofree char *text = format_time (fields->recorded_at);

    json_object_set_string_member (body, "recorded_at", text);
  }
  if (fields->has_stage) {
    if (fields->stage != NULL)
      json_object_set_string_member (body, "stage", fields->stage);
    else
      json_object_set_null_member (body, "stage");
  }
  return body;
}

static gboolean
update_in_transaction (FcStoreDb    *db,
                       gint64        local_id,
                       JsonObject   *changes,
                       GHashTable   *touched,
                       GError      **error)
{
  g_autoptr(JsonObject) before = load_point (db, local_id, error);
  PointFields fields;
  sqlite3_stmt *stmt;
  gint64 old_at = 0, server_id = 0;
  gboolean uploaded;

  if (before == NULL || !read_fields (changes, &fields, error))
    return FALSE;
  if (fields.data_type != NULL &&
      g_strcmp0 (fields.data_type, fc_json_get_string (before, "data_type")) != 0) {
    g_set_error_literal (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                         "A health point's type cannot be changed");
    return FALSE;
  }
  parse_time (fc_json_get_string (before, "recorded_at"), &old_at);
  /* Uploaded: the server has it and nothing of it waits for sync/ (a
   * point with an id that waits, edited during its upload, goes up whole
   * again). */
  uploaded = fc_json_get_int (before, "id", &server_id) && server_id > 0;
  if (uploaded) {
    int rc;

    stmt = fc_store_db_stmt (db, "SELECT upload FROM health_points WHERE id = ?1", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, local_id);
    rc = fc_store_db_step (db, stmt, error);
    uploaded = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 0;
    sqlite3_reset (stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return FALSE;
  }

  /* A point the server has not seen changes in place and goes up as it
   * is now (revision tells an upload in flight that it is out of date);
   * one it has keeps its upload state and queues a PATCH. */
  stmt = fc_store_db_stmt (db,
                           "UPDATE health_points SET "
                           "value = coalesce(?2, value), unit = coalesce(?3, unit), "
                           "recorded_at = coalesce(?4, recorded_at), "
                           "stage = CASE WHEN ?5 THEN ?6 ELSE stage END, "
                           "note = CASE WHEN ?7 THEN ?8 ELSE note END, "
                           "upload = CASE WHEN ?9 THEN upload ELSE 1 END, "
                           "refusal = CASE WHEN ?9 THEN refusal ELSE NULL END, "
                           "dirty = CASE WHEN ?9 THEN 1 ELSE dirty END, "
                           "revision = revision + 1 "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  if (fields.has_value)
    sqlite3_bind_double (stmt, 2, fields.value);
  fc_store_bind_text (stmt, 3, fields.unit);
  if (fields.has_time)
    sqlite3_bind_int64 (stmt, 4, fields.recorded_at);
  sqlite3_bind_int (stmt, 5, fields.has_stage);
  fc_store_bind_text (stmt, 6, fields.stage);
  sqlite3_bind_int (stmt, 7, fields.has_note);
  fc_store_bind_text (stmt, 8, fields.note);
  sqlite3_bind_int (stmt, 9, uploaded);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;

  touch_point (touched, fc_json_get_string (before, "data_type"), old_at);
  if (fields.has_time)
    touch_point (touched, fc_json_get_string (before, "data_type"), fields.recorded_at);

  if (uploaded) {
    g_autoptr(JsonObject) body = patch_body (&fields);
    g_autofree char *path = g_strdup_printf ("health/data/%" G_GINT64_FORMAT "/", server_id);

    if (json_object_get_size (body) > 0 &&
        !enqueue (db, "PATCH", path, body, HEALTH_RESOURCE, server_id, before, error))
      return FALSE;
  } else {
    fc_store_db_touch (db, FC_STORE_OUTBOX_QUEUED);
  }
  return TRUE;
}

static gboolean
update_job (FcStoreDb       *db,
            gpointer         data,
            gpointer        *result,
            GDestroyNotify  *result_free,
            GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(GHashTable) touched = block_set_new ();

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!update_in_transaction (db, args->id, args->object, touched, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return commit_points (db, touched, error);
}

static gboolean
delete_rows (FcStoreDb   *db,
             const char  *where,
             gint64       value,
             GHashTable  *touched,
             GError     **error)
{
  g_autofree char *select = g_strdup_printf ("SELECT data_type, recorded_at FROM health_points "
                                             "WHERE %s", where);
  g_autofree char *delete = g_strdup_printf ("DELETE FROM health_points WHERE %s", where);
  sqlite3_stmt *stmt = fc_store_db_stmt (db, select, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, value);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW)
    touch_point (touched, fc_store_column_text (stmt, 0), sqlite3_column_int64 (stmt, 1));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE || (stmt = fc_store_db_stmt (db, delete, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, value);
  return fc_store_db_step_done (db, stmt, error);
}

static gboolean
delete_job (FcStoreDb       *db,
            gpointer         data,
            gpointer        *result,
            GDestroyNotify  *result_free,
            GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(GHashTable) touched = block_set_new ();
  g_autoptr(JsonObject) point = NULL;
  gint64 server_id = 0;

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if ((point = load_point (db, args->id, error)) == NULL ||
      !delete_rows (db, "id = ?1", args->id, touched, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  if (fc_json_get_int (point, "id", &server_id) && server_id > 0) {
    g_autofree char *path = g_strdup_printf ("health/data/%" G_GINT64_FORMAT "/", server_id);

    if (!enqueue (db, "DELETE", path, NULL, HEALTH_RESOURCE, server_id, point, error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
  }
  if (!commit_points (db, touched, error))
    return FALSE;
  *result = g_steal_pointer (&point);
  *result_free = (GDestroyNotify) json_object_unref;
  return TRUE;
}

static gboolean
list_job (FcStoreDb       *db,
          gpointer         data,
          gpointer        *result,
          GDestroyNotify  *result_free,
          GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(JsonArray) points = json_array_new ();
  gint64 from = g_array_index (args->ids, gint64, 0);
  gint64 to = g_array_index (args->ids, gint64, 1);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fc_store_db_stmt (db,
                           "SELECT " POINT_COLUMNS " FROM health_points "
                           "WHERE data_type = ?1 AND recorded_at >= ?2 AND recorded_at < ?3 "
                           "ORDER BY recorded_at DESC, id DESC LIMIT ?4",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, args->text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from > G_MAXINT64 / USEC ? G_MAXINT64 : from * USEC);
  sqlite3_bind_int64 (stmt, 3, to > G_MAXINT64 / USEC ? G_MAXINT64 : to * USEC);
  sqlite3_bind_int64 (stmt, 4, args->number);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW)
    json_array_add_object_element (points, point_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  *result = g_steal_pointer (&points);
  *result_free = (GDestroyNotify) json_array_unref;
  return TRUE;
}

/* ---- Buckets ----
 *
 * A bucket [a, b) is the raw points of the partial 15-minute blocks at its
 * ends and, in between, the blocks of the coarsest levels that fit
 * (pieces_bucket()). All the buckets of a call read their raw points in
 * one statement: for each edge not on the 15-minute grid, the block around
 * it (shared by the buckets on both sides), each point going to the
 * bucket that holds it. Edges on the grid (local midnights and hours in
 * every zone in use, whose offsets are whole quarters of an hour) read no
 * raw point at all. The rollup pieces come from an in-memory copy of the
 * charted type's rollups (a call of CACHE_MIN_BUCKETS buckets or more
 * builds it; any change of a point of that type drops it), or for a few
 * buckets from SQL, one statement for all the pieces. */

#define CACHE_MIN_BUCKETS 32

/* One rollup row. */
typedef struct {
  gint64 start;
  Acc    acc;
} Rollup;

typedef struct {
  const char *type;                /* interned */
  GArray     *levels[N_LEVELS];    /* of Rollup, by start */
} HealthCache;

void
fc_store_health_cache_free (gpointer data)
{
  HealthCache *cache = data;

  if (cache == NULL)
    return;
  for (guint i = 0; i < N_LEVELS; i++)
    g_clear_pointer (&cache->levels[i], g_array_unref);
  g_free (cache);
}

static void
cache_drop (FcStoreDb  *db,
            const char *type)
{
  HealthCache *cache = db->health_cache;

  if (cache != NULL && (type == NULL || cache->type == g_intern_string (type)))
    g_clear_pointer (&db->health_cache, fc_store_health_cache_free);
}

static HealthCache *
cache_get (FcStoreDb   *db,
           const char  *type,
           gboolean     build,
           GError     **error)
{
  HealthCache *cache = db->health_cache;
  sqlite3_stmt *stmt;

  if (cache != NULL && cache->type == g_intern_string (type))
    return cache;
  if (!build)
    return NULL;
  cache_drop (db, NULL);
  cache = g_new0 (HealthCache, 1);
  cache->type = g_intern_string (type);
  stmt = fc_store_db_stmt (db,
                           "SELECT start, count, min, max, sum, last, last_at FROM health_rollups "
                           "WHERE data_type = ?1 AND level = ?2 ORDER BY start",
                           error);
  if (stmt == NULL) {
    fc_store_health_cache_free (cache);
    return NULL;
  }
  for (guint level = 0; level < N_LEVELS; level++) {
    int rc;

    cache->levels[level] = g_array_new (FALSE, FALSE, sizeof (Rollup));
    sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_int (stmt, 2, level);
    while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
      Rollup row = {
        .start = sqlite3_column_int64 (stmt, 0),
        .acc = {
          .count = sqlite3_column_int64 (stmt, 1),
          .min = sqlite3_column_double (stmt, 2),
          .max = sqlite3_column_double (stmt, 3),
          .sum = sqlite3_column_double (stmt, 4),
          .last = sqlite3_column_double (stmt, 5),
          .last_at = sqlite3_column_int64 (stmt, 6),
        },
      };

      g_array_append_val (cache->levels[level], row);
    }
    sqlite3_reset (stmt);
    if (rc != SQLITE_DONE) {
      fc_store_health_cache_free (cache);
      return NULL;
    }
  }
  db->health_cache = cache;
  return cache;
}

/* The cached rows of @level starting in [@from_s, @to_s). A call's
 * pieces of one level come in time order, so the search starts where the
 * last one ended (@hint) and gallops: a step or two in memory already
 * read, rather than a binary search of the whole level per piece. */
static void
cache_range (HealthCache *cache,
             guint        level,
             gint64       from_s,
             gint64       to_s,
             Acc         *acc,
             guint       *hint)
{
  GArray *rows = cache->levels[level];
  const Rollup *row = (const Rollup *) rows->data;
  guint lo = MIN (*hint, rows->len), hi = lo, step = 1, i;

  if (lo > 0 && row[lo - 1].start >= from_s)
    lo = hi = 0;
  while (hi < rows->len && row[hi].start < from_s) {
    lo = hi + 1;
    hi = lo + step;
    step *= 2;
  }
  hi = MIN (hi, rows->len);
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;

    if (row[mid].start < from_s)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (i = lo; i < rows->len && row[i].start < to_s; i++)
    acc_merge (acc, &row[i].acc);
  *hint = i;
}

/* Where a bucket's rollup pieces go: the cache, or a JSON array of
 * [bucket, level, from_s, to_s] for json_each(). */
typedef struct {
  HealthCache *cache;
  Acc         *accs;
  GString     *json;
  guint        hints[N_LEVELS];
} Pieces;

static void
piece_level (Pieces *pieces,
             guint   bucket,
             guint   level,
             gint64  from_s,
             gint64  to_s)
{
  if (from_s >= to_s)
    return;
  if (pieces->cache != NULL) {
    cache_range (pieces->cache, level, from_s, to_s, &pieces->accs[bucket],
                 &pieces->hints[level]);
    return;
  }
  g_string_append_printf (pieces->json, "%s[%u,%u,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]",
                          pieces->json->len > 1 ? "," : "", bucket, level, from_s, to_s);
}

/* [@from_s, @to_s), both multiples of level_seconds[@level]: the blocks of
 * the next level up that fit, and this level's at the two ends. */
static void
pieces_aligned (Pieces *pieces,
                guint   bucket,
                guint   level,
                gint64  from_s,
                gint64  to_s)
{
  gint64 up, inner_from, inner_to;

  if (from_s >= to_s)
    return;
  if (level + 1 >= N_LEVELS) {
    piece_level (pieces, bucket, level, from_s, to_s);
    return;
  }
  up = level_seconds[level + 1];
  inner_from = ceil_to (from_s, up);
  inner_to = floor_to (to_s, up);
  if (inner_from >= inner_to) {
    piece_level (pieces, bucket, level, from_s, to_s);
    return;
  }
  piece_level (pieces, bucket, level, from_s, inner_from);
  pieces_aligned (pieces, bucket, level + 1, inner_from, inner_to);
  piece_level (pieces, bucket, level, inner_to, to_s);
}

/* The rollup pieces of [@from_s, @to_s): its whole 15-minute blocks. */
static void
pieces_bucket (Pieces *pieces,
               guint   bucket,
               gint64  from_s,
               gint64  to_s)
{
  pieces_aligned (pieces, bucket, 0, ceil_to (from_s, level_seconds[0]),
                  floor_to (to_s, level_seconds[0]));
}

static gboolean
rollups_from_sql (FcStoreDb    *db,
                  const char   *type,
                  GString      *json,
                  Acc          *accs,
                  guint         n,
                  GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (json->len <= 2)
    return TRUE;
  stmt = fc_store_db_stmt (db,
                           "SELECT j.value ->> 0, r.count, r.min, r.max, r.sum, r.last, "
                           "r.last_at FROM json_each(?2) AS j CROSS JOIN health_rollups AS r "
                           "WHERE r.data_type = ?1 AND r.level = j.value ->> 1 "
                           "AND r.start >= j.value ->> 2 AND r.start < j.value ->> 3",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, json->str, json->len, SQLITE_STATIC);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    gint64 index = sqlite3_column_int64 (stmt, 0);
    Acc row = {
      .count = sqlite3_column_int64 (stmt, 1),
      .min = sqlite3_column_double (stmt, 2),
      .max = sqlite3_column_double (stmt, 3),
      .sum = sqlite3_column_double (stmt, 4),
      .last = sqlite3_column_double (stmt, 5),
      .last_at = sqlite3_column_int64 (stmt, 6),
    };

    if (index >= 0 && index < n)
      acc_merge (&accs[index], &row);
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/* The raw points of the 15-minute blocks around the edges off that grid
 * (merged where they meet), each to the bucket that holds it. */
static gboolean
raw_edges (FcStoreDb    *db,
           const char   *type,
           GArray       *edges,
           Acc          *accs,
           GError      **error)
{
  g_autoptr(GString) json = g_string_new ("[");
  const gint64 *e = (const gint64 *) edges->data;
  guint n = edges->len;
  gint64 open_from = 0, open_to = 0;
  gboolean open = FALSE;
  sqlite3_stmt *stmt;
  guint bucket = 0;
  int rc;

  for (guint i = 0; i <= n; i++) {
    gint64 from = 0, to = 0;

    if (i < n) {
      from = MAX (floor_to (e[i], level_seconds[0]), e[0]);
      to = MIN (ceil_to (e[i], level_seconds[0]), e[n - 1]);
    }
    if (open && (i == n || from > open_to)) {
      g_string_append_printf (json, "%s[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]",
                              json->len > 1 ? "," : "", open_from * USEC, open_to * USEC);
      open = FALSE;
    }
    if (i == n || from >= to)
      continue;
    if (open) {
      open_to = MAX (open_to, to);
    } else {
      open = TRUE;
      open_from = from;
      open_to = to;
    }
  }
  g_string_append_c (json, ']');
  if (json->len <= 2)
    return TRUE;

  stmt = fc_store_db_stmt (db,
                           "SELECT p.recorded_at, p.value, p.stage, p.id "
                           "FROM json_each(?2) AS j CROSS JOIN health_points AS p "
                           "INDEXED BY health_points_time WHERE p.data_type = ?1 "
                           "AND p.recorded_at >= j.value ->> 0 AND p.recorded_at < j.value ->> 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, json->str, json->len, SQLITE_STATIC);
  /* The rows come in time order: the bucket only moves forward. */
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    gint64 at = sqlite3_column_int64 (stmt, 0);

    if (!is_counted (fc_store_column_text (stmt, 2)))
      continue;
    while (bucket + 2 < n && at >= e[bucket + 1] * USEC)
      bucket++;
    if (at < e[bucket] * USEC || at >= e[bucket + 1] * USEC)
      continue;
    acc_add_point (&accs[bucket], sqlite3_column_double (stmt, 1), at,
                   sqlite3_column_int64 (stmt, 3));
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
buckets_job (FcStoreDb       *db,
             gpointer         data,
             gpointer        *result,
             GDestroyNotify  *result_free,
             GError         **error)
{
  FcStoreArgs *args = data;
  GArray *edges = args->ids;
  guint n = edges->len > 0 ? edges->len - 1 : 0;
  g_autoptr(GArray) buckets = g_array_sized_new (FALSE, TRUE, sizeof (FcHealthBucket), n);
  g_autofree Acc *accs = g_new0 (Acc, MAX (n, 1));
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(GError) local_error = NULL;
  Pieces pieces = { NULL, accs, json, { 0 } };

  if (n == 0) {
    *result = g_steal_pointer (&buckets);
    *result_free = (GDestroyNotify) g_array_unref;
    return TRUE;
  }
  pieces.cache = cache_get (db, args->text, n >= CACHE_MIN_BUCKETS, &local_error);
  if (local_error != NULL) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (!raw_edges (db, args->text, edges, accs, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    pieces_bucket (&pieces, i, g_array_index (edges, gint64, i),
                   g_array_index (edges, gint64, i + 1));
  g_string_append_c (json, ']');
  if (pieces.cache == NULL && !rollups_from_sql (db, args->text, json, accs, n, error))
    return FALSE;

  g_array_set_size (buckets, n);
  for (guint i = 0; i < n; i++) {
    FcHealthBucket *bucket = &g_array_index (buckets, FcHealthBucket, i);

    bucket->start = g_array_index (edges, gint64, i);
    bucket->end = g_array_index (edges, gint64, i + 1);
    if (accs[i].count == 0)
      continue;
    bucket->count = accs[i].count;
    bucket->min = accs[i].min;
    bucket->max = accs[i].max;
    bucket->sum = accs[i].sum;
    bucket->avg = accs[i].sum / accs[i].count;
    bucket->last = accs[i].last;
    bucket->last_at = floor_div (accs[i].last_at, USEC);
  }
  *result = g_steal_pointer (&buckets);
  *result_free = (GDestroyNotify) g_array_unref;
  return TRUE;
}

/* The latest counted point of @type (ties: the later row). */
static gboolean
latest_point (FcStoreDb   *db,
              const char  *type,
              Acc         *acc,
              GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "SELECT recorded_at, value, stage, id FROM health_points "
                                         "INDEXED BY health_points_time "
                                         "WHERE data_type = ?1 ORDER BY recorded_at DESC",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    gint64 at = sqlite3_column_int64 (stmt, 0);

    if (acc->count > 0 && at < acc->last_at)
      break;
    if (is_counted (fc_store_column_text (stmt, 2)))
      acc_add_point (acc, sqlite3_column_double (stmt, 1), at, sqlite3_column_int64 (stmt, 3));
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static gboolean
types_job (FcStoreDb       *db,
           gpointer         data,
           gpointer        *result,
           GDestroyNotify  *result_free,
           GError         **error)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (
      (GDestroyNotify) fc_health_type_summary_free);
  g_autofree char *type = g_strdup ("");
  int rc;

  /* A skip through the time index: one seek per type, whatever the
   * number of points. */
  for (;;) {
    sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                           "SELECT data_type, recorded_at FROM health_points "
                                           "INDEXED BY health_points_time WHERE data_type > ?1 "
                                           "ORDER BY data_type, recorded_at LIMIT 1",
                                           error);
    g_autoptr(FcHealthTypeSummary) summary = NULL;
    Acc total = { 0 };
    Acc latest = { 0 };

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
    rc = fc_store_db_step (db, stmt, error);
    if (rc != SQLITE_ROW) {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return FALSE;
      break;
    }
    g_free (type);
    type = g_strdup (fc_store_column_text (stmt, 0));
    summary = g_new0 (FcHealthTypeSummary, 1);
    summary->data_type = g_strdup (type);
    summary->first_at = floor_div (sqlite3_column_int64 (stmt, 1), USEC);
    sqlite3_reset (stmt);

    /* The top level's few rows count every point. */
    if (!acc_level (db, type, N_LEVELS - 1, G_MININT64, G_MAXINT64, &total, error) ||
        !latest_point (db, type, &latest, error))
      return FALSE;
    summary->count = total.count;
    summary->last_at = floor_div (latest.last_at, USEC);
    summary->last = latest.last;
    if (summary->count > 0)
      g_ptr_array_add (types, g_steal_pointer (&summary));
  }
  *result = g_steal_pointer (&types);
  *result_free = (GDestroyNotify) g_ptr_array_unref;
  return TRUE;
}

static gboolean
count_pending_job (FcStoreDb       *db,
                   gpointer         data,
                   gpointer        *result,
                   GDestroyNotify  *result_free,
                   GError         **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT count(*) FROM health_points "
                                             "WHERE upload = 1", error);
  guint64 *count;

  if (stmt == NULL || fc_store_db_step (db, stmt, error) != SQLITE_ROW)
    return FALSE;
  count = g_new (guint64, 1);
  *count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  *result = count;
  *result_free = g_free;
  return TRUE;
}

static JsonObject *
read_goals (FcStoreDb   *db,
            gboolean    *out_dirty,
            GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT goals, dirty FROM health_goals", error);
  JsonObject *goals = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW) {
    goals = fc_json_parse_object (fc_store_column_text (stmt, 0), -1, NULL);
    if (out_dirty != NULL)
      *out_dirty = sqlite3_column_int (stmt, 1) != 0;
  }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE && out_dirty != NULL)
    *out_dirty = FALSE;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return NULL;
  if (goals == NULL)
    goals = json_object_new ();
  return goals;
}

static gboolean
write_goals (FcStoreDb   *db,
             JsonObject  *goals,
             gboolean     dirty,
             GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), goals);
  g_autofree char *text = fc_json_to_string (node, FALSE);
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "INSERT OR REPLACE INTO health_goals "
                                             "(id, goals, dirty) VALUES (1, ?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, dirty);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_HEALTH_GOALS);
  return TRUE;
}

static gboolean
get_goals_job (FcStoreDb       *db,
               gpointer         data,
               gpointer        *result,
               GDestroyNotify  *result_free,
               GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *goals = read_goals (db, NULL, &local_error);

  if (local_error != NULL) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (goals != NULL && json_object_get_size (goals) == 0)
    g_clear_pointer (&goals, json_object_unref);
  *result = goals;
  *result_free = (GDestroyNotify) json_object_unref;
  return TRUE;
}

static const char * const goal_members[] = { "daily_steps", "target_weight", "sleep_minutes" };

static gboolean
save_goals_job (FcStoreDb       *db,
                gpointer         data,
                gpointer        *result,
                GDestroyNotify  *result_free,
                GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) before = NULL;

  /* PUT clears what it does not send: send all three. */
  for (guint i = 0; i < G_N_ELEMENTS (goal_members); i++) {
    JsonNode *node = json_object_get_member (args->object, goal_members[i]);
    double value;

    if (node == NULL || json_node_is_null (node)) {
      json_object_set_null_member (body, goal_members[i]);
    } else if (fc_json_get_double (args->object, goal_members[i], &value) && isfinite (value)) {
      json_object_set_double_member (body, goal_members[i], value);
    } else {
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                   "The goal “%s” is not a number", goal_members[i]);
      return FALSE;
    }
  }
  if (!fc_store_db_begin (db, error))
    return FALSE;
  if ((before = read_goals (db, NULL, error)) == NULL ||
      !write_goals (db, body, TRUE, error) ||
      !enqueue (db, "PUT", "health/goals/", body, HEALTH_GOALS_RESOURCE, 1, before, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

/* The server's goals, unless the user's wait to be sent. */
static gboolean
set_goals_job (FcStoreDb       *db,
               gpointer         data,
               gpointer        *result,
               GDestroyNotify  *result_free,
               GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(JsonObject) current = NULL;
  gboolean dirty = FALSE;

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if ((current = read_goals (db, &dirty, error)) == NULL) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  if (dirty) {
    fc_store_db_rollback (db);
    return TRUE;
  }
  if (!write_goals (db, args->object, FALSE, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

/* ---- For the sync engine ---- */

static gboolean
upload_batch_job (FcStoreDb       *db,
                  gpointer         data,
                  gpointer        *result,
                  GDestroyNotify  *result_free,
                  GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(JsonObject) batch = json_object_new ();
  JsonArray *points = json_array_new ();
  JsonArray *local = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  json_object_set_array_member (batch, "points", points);
  json_object_set_array_member (batch, "local", local);
  if (!merge_leftovers (db, error))
    return FALSE;
  stmt = fc_store_db_stmt (db,
                           "SELECT id, data_type, value, unit, recorded_at, stage, source, "
                           "client_id, revision FROM health_points "
                           "WHERE upload = 1 "
                           "ORDER BY id LIMIT ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, args->number);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    JsonObject *point = json_object_new ();
    JsonArray *ref = json_array_new ();
    g_autofree char *recorded_at = format_time (sqlite3_column_int64 (stmt, 4));

    json_object_set_string_member (point, "data_type", fc_store_column_text (stmt, 1));
    json_object_set_double_member (point, "value", sqlite3_column_double (stmt, 2));
    json_object_set_string_member (point, "unit", fc_store_column_text (stmt, 3));
    json_object_set_string_member (point, "recorded_at", recorded_at);
    if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
      json_object_set_string_member (point, "stage", fc_store_column_text (stmt, 5));
    json_object_set_string_member (point, "source", fc_store_column_text (stmt, 6));
    json_object_set_string_member (point, "client_id", fc_store_column_text (stmt, 7));
    json_array_add_object_element (points, point);
    json_array_add_int_element (ref, sqlite3_column_int64 (stmt, 0));
    json_array_add_int_element (ref, sqlite3_column_int64 (stmt, 8));
    json_array_add_array_element (local, ref);
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  if (json_array_get_length (points) == 0)
    return TRUE;
  *result = g_steal_pointer (&batch);
  *result_free = (GDestroyNotify) json_object_unref;
  return TRUE;
}

/* Gives the local row @local_id the server's @server_id, dropping another
 * row that had it (a pulled copy of the same point). */
static gboolean
set_server_id (FcStoreDb   *db,
               gint64       local_id,
               gint64       revision,
               gint64       server_id,
               gboolean    *out_found,
               GHashTable  *touched,
               GError     **error)
{
  sqlite3_stmt *stmt;

  /* Not the row itself: a point edited during its first upload goes up
   * again and gets the same id. */
  stmt = fc_store_db_stmt (db, "SELECT id FROM health_points WHERE server_id = ?1 AND id != ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, server_id);
  sqlite3_bind_int64 (stmt, 2, local_id);
  {
    int rc = fc_store_db_step (db, stmt, error);
    gint64 other = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;

    sqlite3_reset (stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return FALSE;
    if (other != 0 && !delete_rows (db, "id = ?1", other, touched, error))
      return FALSE;
  }
  stmt = fc_store_db_stmt (db,
                           "UPDATE health_points SET server_id = ?2, refusal = NULL, "
                           "upload = CASE WHEN revision = ?3 THEN 0 ELSE 1 END WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  sqlite3_bind_int64 (stmt, 2, server_id);
  sqlite3_bind_int64 (stmt, 3, revision);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  *out_found = sqlite3_changes (db->handle) > 0;
  return TRUE;
}

static gboolean
refuse (FcStoreDb   *db,
        gint64       local_id,
        gint64       revision,
        JsonNode    *errors,
        GError     **error)
{
  g_autofree char *text = errors != NULL ? fc_json_to_string (errors, FALSE) : g_strdup ("{}");
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "UPDATE health_points SET upload = 2, refusal = ?2 "
                                         "WHERE id = ?1 AND revision = ?3 AND upload = 1",
                                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, revision);
  return fc_store_db_step_done (db, stmt, error);
}

static gboolean
put_cursor (FcStoreDb   *db,
            const char  *cursor,
            GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "INSERT OR REPLACE INTO sync_state (key, value) "
                                             "VALUES ('" FC_STORE_HEALTH_CURSOR_KEY "', ?1)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, cursor, -1, SQLITE_TRANSIENT);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_SYNC_STATE);
  return TRUE;
}

static gboolean
upload_done_in_transaction (FcStoreDb   *db,
                            JsonObject  *batch,
                            JsonObject  *answer,
                            GHashTable  *touched,
                            GError     **error)
{
  JsonArray *local = fc_json_get_array (batch, "local");
  JsonArray *ids = fc_json_get_array (answer, "ids");
  JsonArray *refusals = fc_json_get_array (answer, "refusals");
  g_autoptr(GHashTable) refused = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint n = local != NULL ? json_array_get_length (local) : 0;
  const char *cursor = fc_json_get_string (answer, "cursor");

  for (guint i = 0; refusals != NULL && i < json_array_get_length (refusals); i++) {
    JsonObject *refusal = json_array_get_object_element (refusals, i);
    gint64 index;

    if (refusal != NULL && fc_json_get_int (refusal, "index", &index) && index >= 0 &&
        index < n)
      g_hash_table_insert (refused, GINT_TO_POINTER ((gint) index), refusal);
  }

  for (guint i = 0; i < n; i++) {
    JsonArray *ref = json_array_get_array_element (local, i);
    gint64 local_id = json_array_get_int_element (ref, 0);
    gint64 revision = json_array_get_int_element (ref, 1);
    JsonNode *id_node = ids != NULL && i < json_array_get_length (ids)
                        ? json_array_get_element (ids, i) : NULL;
    JsonObject *refusal = g_hash_table_lookup (refused, GINT_TO_POINTER ((gint) i));

    if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node) &&
        json_node_get_value_type (id_node) == G_TYPE_INT64) {
      gint64 server_id = json_node_get_int (id_node);
      gboolean found = FALSE;

      if (!set_server_id (db, local_id, revision, server_id, &found, touched, error))
        return FALSE;
      /* Deleted here while its upload was in flight: delete it there. */
      if (!found) {
        g_autofree char *path = g_strdup_printf ("health/data/%" G_GINT64_FORMAT "/",
                                                 server_id);

        if (!enqueue (db, "DELETE", path, NULL, HEALTH_RESOURCE, server_id, NULL, error))
          return FALSE;
      }
    } else if (refusal != NULL) {
      if (!refuse (db, local_id, revision, json_object_get_member (refusal, "errors"), error))
        return FALSE;
    } else {
      /* Neither an id nor a reason: a malformed answer. Refuse it rather
       * than send it again and again. */
      g_autoptr(JsonNode) why = json_from_string ("{\"non_field_errors\": "
                                                  "[\"The server gave no id for this point.\"]}",
                                                  NULL);

      if (!refuse (db, local_id, revision, why, error))
        return FALSE;
    }
  }
  /* The server says nothing else changed since our cursor: stand after
   * the upload instead of pulling back what was just sent. */
  if (cursor != NULL && !put_cursor (db, cursor, error))
    return FALSE;
  return TRUE;
}

/* args: object = the batch, node = the answer. */
static gboolean
upload_done_job (FcStoreDb       *db,
                 gpointer         data,
                 gpointer        *result,
                 GDestroyNotify  *result_free,
                 GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(GHashTable) touched = block_set_new ();
  JsonObject *answer = JSON_NODE_HOLDS_OBJECT (args->node) ? json_node_get_object (args->node)
                                                           : NULL;

  if (answer == NULL) {
    g_set_error_literal (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                         "The answer to health/sync/ is not an object");
    return FALSE;
  }
  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!upload_done_in_transaction (db, args->object, answer, touched, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return commit_points (db, touched, error);
}

/* One point of a pull: matched by server id, then by (source, client_id)
 * (an upload whose answer was lost); left alone while the user's edit or
 * deletion of it waits in the outbox. */
static gboolean
store_pulled_point (FcStoreDb   *db,
                    JsonObject  *point,
                    GHashTable  *touched,
                    GError     **error)
{
  const char *type = fc_json_get_string (point, "data_type");
  const char *unit = fc_json_get_string (point, "unit");
  const char *source = fc_json_get_string (point, "source");
  const char *client_id = fc_json_get_string (point, "client_id");
  const char *stage = fc_json_get_string (point, "stage");
  gint64 server_id = 0, at = 0, local_id = 0, old_at = 0;
  double value = 0;
  gboolean queued = FALSE, dirty = FALSE, found = FALSE, pending = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  if (type == NULL || unit == NULL || source == NULL ||
      !fc_json_get_int (point, "id", &server_id) || !fc_json_get_double (point, "value", &value) ||
      !parse_time (fc_json_get_string (point, "recorded_at"), &at)) {
    g_debug ("Skipping a malformed health point");
    return TRUE;
  }
  if (!fc_store_outbox_has_rows (db, HEALTH_RESOURCE, server_id, &queued, error))
    return FALSE;
  if (queued)
    return TRUE;

  /* (source, client_id) is found on the time index, as an import finds
   * it (migration 8): a point whose upload's answer was lost has the
   * server's type and time. */
  stmt = fc_store_db_stmt (db,
                           "SELECT id, recorded_at, dirty, upload FROM health_points "
                           "WHERE server_id = ?1 "
                           "UNION ALL "
                           "SELECT id, recorded_at, dirty, upload FROM health_points "
                           "INDEXED BY health_points_time WHERE ?3 IS NOT NULL "
                           "AND data_type = ?4 AND recorded_at = ?5 AND source = ?2 "
                           "AND client_id = ?3 LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, server_id);
  sqlite3_bind_text (stmt, 2, source, -1, SQLITE_STATIC);
  fc_store_bind_text (stmt, 3, client_id);
  sqlite3_bind_text (stmt, 4, type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, at);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW) {
    found = TRUE;
    local_id = sqlite3_column_int64 (stmt, 0);
    old_at = sqlite3_column_int64 (stmt, 1);
    dirty = sqlite3_column_int (stmt, 2) != 0;
    pending = sqlite3_column_int (stmt, 3) == 1;
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  if (dirty)
    return TRUE;
  /* The server has a point still waiting here (its upload's answer was
   * lost, or it was edited since): it takes the server's id, and its own
   * values go up again, where they replace the server's. */
  if (found && pending) {
    stmt = fc_store_db_stmt (db, "UPDATE health_points SET server_id = ?2 WHERE id = ?1", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, local_id);
    sqlite3_bind_int64 (stmt, 2, server_id);
    return fc_store_db_step_done (db, stmt, error);
  }

  if (found) {
    touch_point (touched, type, old_at);
    stmt = fc_store_db_stmt (db,
                             "UPDATE health_points SET server_id = ?2, data_type = ?3, "
                             "value = ?4, unit = ?5, recorded_at = ?6, stage = ?7, source = ?8, "
                             "client_id = ?9, upload = 0, refusal = NULL, created_at = ?10, "
                             "updated_at = ?11 WHERE id = ?1",
                             error);
  } else {
    stmt = fc_store_db_stmt (db,
                             "INSERT INTO health_points (id, server_id, data_type, value, unit, "
                             "recorded_at, stage, source, client_id, upload, created_at, "
                             "updated_at) "
                             "VALUES (NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11)",
                             error);
  }
  if (stmt == NULL)
    return FALSE;
  if (found)
    sqlite3_bind_int64 (stmt, 1, local_id);
  sqlite3_bind_int64 (stmt, 2, server_id);
  sqlite3_bind_text (stmt, 3, type, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 4, value);
  sqlite3_bind_text (stmt, 5, unit, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, at);
  fc_store_bind_text (stmt, 7, stage);
  sqlite3_bind_text (stmt, 8, source, -1, SQLITE_STATIC);
  fc_store_bind_text (stmt, 9, client_id);
  fc_store_bind_text (stmt, 10, fc_json_get_string (point, "created_at"));
  fc_store_bind_text (stmt, 11, fc_json_get_string (point, "updated_at"));
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  touch_point (touched, type, at);
  return TRUE;
}

/* args: node = one answer of GET health/data/?since=. */
static gboolean
apply_pull_job (FcStoreDb       *db,
                gpointer         data,
                gpointer        *result,
                GDestroyNotify  *result_free,
                GError         **error)
{
  FcStoreArgs *args = data;
  JsonObject *page = JSON_NODE_HOLDS_OBJECT (args->node) ? json_node_get_object (args->node)
                                                         : NULL;
  g_autoptr(GHashTable) touched = block_set_new ();
  const char *cursor = page != NULL ? fc_json_get_string (page, "cursor") : NULL;
  gboolean reset = FALSE;
  JsonArray *results, *deleted;

  if (cursor == NULL) {
    g_set_error_literal (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                         "A health pull answer has no cursor");
    return FALSE;
  }
  fc_json_get_boolean (page, "reset", &reset);
  results = fc_json_get_array (page, "results");
  deleted = fc_json_get_array (page, "deleted");

  if (!fc_store_db_begin_bulk (db, error))
    return FALSE;
  if (reset) {
    /* Start again from the server's copy: keep what it does not have yet
     * and the user's queued edits of what it has. */
    if (!fc_store_db_exec (db, "DELETE FROM health_points WHERE upload = 0 AND dirty = 0 "
                               "AND server_id NOT IN (SELECT object_id FROM outbox "
                               "  WHERE resource = '" HEALTH_RESOURCE "')",
                           error) ||
        !rebuild_rollups (db, error) || !put_cursor (db, "0", error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
    fc_store_db_touch (db, FC_STORE_HEALTH);
    return fc_store_db_commit (db, error);
  }
  for (guint i = 0; results != NULL && i < json_array_get_length (results); i++) {
    JsonObject *point = json_array_get_object_element (results, i);

    if (point != NULL && !store_pulled_point (db, point, touched, error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
  }
  for (guint i = 0; deleted != NULL && i < json_array_get_length (deleted); i++) {
    JsonNode *node = json_array_get_element (deleted, i);

    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
        !delete_rows (db, "server_id = ?1 AND dirty = 0", json_node_get_int (node), touched,
                      error)) {
      fc_store_db_rollback (db);
      return FALSE;
    }
  }
  if (!put_cursor (db, cursor, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  if (g_hash_table_size (touched) == 0)
    return fc_store_db_commit (db, error);
  return commit_points (db, touched, error);
}

/* ---- The outbox's rows for health (fc-store-outbox.c calls these) ---- */

gboolean
fc_store_health_owns (const char *resource)
{
  return g_strcmp0 (resource, HEALTH_RESOURCE) == 0 ||
         g_strcmp0 (resource, HEALTH_GOALS_RESOURCE) == 0;
}

/* Puts a point back as @snapshot (point_from_row()'s shape) had it. */
static gboolean
restore_point (FcStoreDb   *db,
               JsonObject  *snapshot,
               gboolean     dirty,
               GHashTable  *touched,
               GError     **error)
{
  gint64 local_id = 0, server_id = 0, at = 0;
  double value = 0;
  const char *type = fc_json_get_string (snapshot, "data_type");
  sqlite3_stmt *stmt;

  if (type == NULL || !fc_json_get_int (snapshot, "local_id", &local_id) ||
      !fc_json_get_double (snapshot, "value", &value) ||
      !parse_time (fc_json_get_string (snapshot, "recorded_at"), &at))
    return TRUE;
  fc_json_get_int (snapshot, "id", &server_id);
  if (!delete_rows (db, "id = ?1", local_id, touched, error) ||
      (server_id > 0 && !delete_rows (db, "server_id = ?1", server_id, touched, error)))
    return FALSE;
  stmt = fc_store_db_stmt (db,
                           "INSERT INTO health_points (id, server_id, data_type, value, unit, "
                           "recorded_at, stage, note, source, client_id, upload, dirty, "
                           "created_at, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12, ?13)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  if (server_id > 0)
    sqlite3_bind_int64 (stmt, 2, server_id);
  sqlite3_bind_text (stmt, 3, type, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 4, value);
  fc_store_bind_text (stmt, 5, fc_json_get_string (snapshot, "unit"));
  sqlite3_bind_int64 (stmt, 6, at);
  fc_store_bind_text (stmt, 7, fc_json_get_string (snapshot, "stage"));
  fc_store_bind_text (stmt, 8, fc_json_get_string (snapshot, "note"));
  fc_store_bind_text (stmt, 9, fc_json_get_string (snapshot, "source") ?: "manual");
  fc_store_bind_text (stmt, 10, fc_json_get_string (snapshot, "client_id"));
  sqlite3_bind_int (stmt, 11, dirty);
  fc_store_bind_text (stmt, 12, fc_json_get_string (snapshot, "created_at"));
  fc_store_bind_text (stmt, 13, fc_json_get_string (snapshot, "updated_at"));
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  touch_point (touched, type, at);
  return TRUE;
}

/* Called in the outbox's transaction once a health row is gone from the
 * outbox: sent (@answer, the server's reply, may be NULL) or discarded
 * (@revert, what the row's write replaced). */
gboolean
fc_store_health_settle (FcStoreDb   *db,
                        const char  *resource,
                        const char  *method,
                        gint64       object_id,
                        JsonObject  *answer,
                        const char  *revert,
                        GError     **error)
{
  g_autoptr(GHashTable) touched = block_set_new ();
  g_autoptr(JsonObject) snapshot = revert != NULL ? fc_json_parse_object (revert, -1, NULL)
                                                  : NULL;
  gboolean more = FALSE;

  if (!fc_store_outbox_has_rows (db, resource, object_id, &more, error))
    return FALSE;

  if (g_str_equal (resource, HEALTH_GOALS_RESOURCE)) {
    JsonObject *goals = revert != NULL ? snapshot : answer;

    if (goals != NULL && !more && !write_goals (db, goals, FALSE, error))
      return FALSE;
    return TRUE;
  }

  if (revert != NULL) {
    /* A discarded edit or deletion: the point as it was before. */
    if (snapshot != NULL && !restore_point (db, snapshot, more, touched, error))
      return FALSE;
  } else if (!g_str_equal (method, "DELETE") && !more) {
    sqlite3_stmt *stmt;

    if (answer != NULL && json_object_has_member (answer, "id")) {
      if (!store_pulled_point (db, answer, touched, error))
        return FALSE;
    }
    stmt = fc_store_db_stmt (db, "UPDATE health_points SET dirty = 0 WHERE server_id = ?1",
                             error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, object_id);
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
  }
  if (!flush_rollups (db, touched, error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_HEALTH);
  return TRUE;
}

/* ---- The calls ---- */

void
fc_health_type_summary_free (FcHealthTypeSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->data_type);
  g_free (summary);
}

void
fc_store_health_buckets_async (FcStore             *self,
                               const char          *data_type,
                               const gint64        *edges,
                               guint                n_edges,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (data_type != NULL);
  g_return_if_fail (edges != NULL || n_edges == 0);

  for (guint i = 1; i < n_edges; i++)
    g_return_if_fail (edges[i - 1] <= edges[i]);

  args = fc_store_args_new (NULL, 0);
  args->text = g_strdup (data_type);
  args->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_edges);
  g_array_append_vals (args->ids, edges, n_edges);
  fc_store_submit (self, buckets_job, args, fc_store_health_buckets_async, cancellable, callback,
                   user_data);
}

GArray *
fc_store_health_buckets_finish (FcStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return fc_store_finish (self, result, fc_store_health_buckets_async, error);
}

void
fc_store_health_types_async (FcStore             *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  fc_store_submit (self, types_job, fc_store_args_new (NULL, 0), fc_store_health_types_async,
                   cancellable, callback, user_data);
}

GPtrArray *
fc_store_health_types_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return fc_store_finish (self, result, fc_store_health_types_async, error);
}

void
fc_store_health_list_async (FcStore             *self,
                            const char          *data_type,
                            gint64               from,
                            gint64               to,
                            guint                limit,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (data_type != NULL);

  args = fc_store_args_new (NULL, 0);
  args->text = g_strdup (data_type);
  args->number = limit;
  args->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (args->ids, from);
  g_array_append_val (args->ids, to);
  fc_store_submit (self, list_job, args, fc_store_health_list_async, cancellable, callback,
                   user_data);
}

JsonArray *
fc_store_health_list_finish (FcStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return fc_store_finish (self, result, fc_store_health_list_async, error);
}

void
fc_store_health_add_async (FcStore             *self,
                           JsonObject          *point,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  FcStoreArgs *args;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (point != NULL);

  node = json_node_init_object (json_node_alloc (), point);
  copy = json_node_copy (node);
  args = fc_store_args_new (NULL, 0);
  args->object = json_node_dup_object (copy);
  fc_store_submit (self, add_job, args, fc_store_health_add_async, cancellable, callback,
                   user_data);
}

/* Returns: the new point's local_id, or 0 with @error set */
gint64
fc_store_health_add_finish (FcStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autofree gint64 *id = fc_store_finish (self, result, fc_store_health_add_async, error);

  return id != NULL ? *id : 0;
}

static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonNode) copy = json_node_copy (node);

  return json_node_dup_object (copy);
}

void
fc_store_health_update_async (FcStore             *self,
                              gint64               local_id,
                              JsonObject          *changes,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (changes != NULL);

  args = fc_store_args_new (NULL, local_id);
  args->object = copy_object (changes);
  fc_store_submit (self, update_job, args, fc_store_health_update_async, cancellable, callback,
                   user_data);
}

gboolean
fc_store_health_update_finish (FcStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_health_update_async, error);
}

void
fc_store_health_delete_async (FcStore             *self,
                              gint64               local_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  fc_store_submit (self, delete_job, fc_store_args_new (NULL, local_id),
                   fc_store_health_delete_async, cancellable, callback, user_data);
}

JsonObject *
fc_store_health_delete_finish (FcStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return fc_store_finish (self, result, fc_store_health_delete_async, error);
}

static void
submit_import (FcStore             *self,
               const char          *source,
               GArray              *points,
               ImportMode           mode,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (source != NULL && *source != '\0');
  g_return_if_fail (g_array_get_element_size (points) == sizeof (FcHealthPoint));

  args = fc_store_args_new (NULL, 0);
  args->text = g_strdup (source);
  args->ids = g_array_ref (points);
  args->number = mode;
  fc_store_submit (self, import_job, args, source_tag, cancellable, callback, user_data);
}

static gboolean
counts_finish (FcStore               *self,
               GAsyncResult          *result,
               gpointer               source_tag,
               FcHealthImportCounts  *out_counts,
               GError               **error)
{
  g_autofree FcHealthImportCounts *counts = fc_store_finish (self, result, source_tag, error);

  if (counts == NULL)
    return FALSE;
  if (out_counts != NULL)
    *out_counts = *counts;
  return TRUE;
}

void
fc_store_health_import_async (FcStore             *self,
                              const char          *source,
                              GArray              *points,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GArray) copy = NULL;

  g_return_if_fail (points != NULL);

  /* A copy: the importer's batch is valid during its callback only. The
   * points' strings are static. */
  copy = g_array_sized_new (FALSE, FALSE, g_array_get_element_size (points), points->len);
  g_array_append_vals (copy, points->data, points->len);
  submit_import (self, source, copy, IMPORT_MERGE, fc_store_health_import_async, cancellable,
                 callback, user_data);
}

gboolean
fc_store_health_import_finish (FcStore               *self,
                               GAsyncResult          *result,
                               FcHealthImportCounts  *out_counts,
                               GError               **error)
{
  return counts_finish (self, result, fc_store_health_import_async, out_counts, error);
}

void
fc_store_health_stage_async (FcStore             *self,
                             const char          *source,
                             GArray              *points,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (points != NULL);

  submit_import (self, source, points, IMPORT_STAGE, fc_store_health_stage_async, cancellable,
                 callback, user_data);
}

gboolean
fc_store_health_stage_finish (FcStore               *self,
                              GAsyncResult          *result,
                              FcHealthImportCounts  *out_counts,
                              GError               **error)
{
  return counts_finish (self, result, fc_store_health_stage_async, out_counts, error);
}

void
fc_store_health_import_flush_async (FcStore             *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = fc_store_args_new (NULL, 0);
  args->number = IMPORT_FLUSH;
  fc_store_submit (self, import_job, args, fc_store_health_import_flush_async, cancellable,
                   callback, user_data);
}

gboolean
fc_store_health_import_flush_finish (FcStore               *self,
                                     GAsyncResult          *result,
                                     FcHealthImportCounts  *out_counts,
                                     GError               **error)
{
  return counts_finish (self, result, fc_store_health_import_flush_async, out_counts, error);
}

void
fc_store_health_get_goals_async (FcStore             *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  fc_store_submit (self, get_goals_job, fc_store_args_new (NULL, 0),
                   fc_store_health_get_goals_async, cancellable, callback, user_data);
}

JsonObject *
fc_store_health_get_goals_finish (FcStore       *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return fc_store_finish (self, result, fc_store_health_get_goals_async, error);
}

void
fc_store_health_save_goals_async (FcStore             *self,
                                  JsonObject          *goals,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (goals != NULL);

  args = fc_store_args_new (NULL, 0);
  args->object = copy_object (goals);
  fc_store_submit (self, save_goals_job, args, fc_store_health_save_goals_async, cancellable,
                   callback, user_data);
}

gboolean
fc_store_health_save_goals_finish (FcStore       *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_health_save_goals_async, error);
}

void
fc_store_health_set_goals_async (FcStore             *self,
                                 JsonObject          *goals,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (goals != NULL);

  args = fc_store_args_new (NULL, 0);
  args->object = copy_object (goals);
  fc_store_submit (self, set_goals_job, args, fc_store_health_set_goals_async, cancellable,
                   callback, user_data);
}

gboolean
fc_store_health_set_goals_finish (FcStore       *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_health_set_goals_async, error);
}

void
fc_store_health_count_pending_async (FcStore             *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  fc_store_submit (self, count_pending_job, fc_store_args_new (NULL, 0),
                   fc_store_health_count_pending_async, cancellable, callback, user_data);
}

guint64
fc_store_health_count_pending_finish (FcStore       *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_autofree guint64 *count = fc_store_finish (self, result, fc_store_health_count_pending_async,
                                               error);

  return count != NULL ? *count : 0;
}

void
fc_store_health_upload_batch_async (FcStore             *self,
                                    guint                limit,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (limit > 0);

  args = fc_store_args_new (NULL, 0);
  args->number = limit;
  fc_store_submit (self, upload_batch_job, args, fc_store_health_upload_batch_async,
                   cancellable, callback, user_data);
}

JsonObject *
fc_store_health_upload_batch_finish (FcStore       *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return fc_store_finish (self, result, fc_store_health_upload_batch_async, error);
}

void
fc_store_health_upload_done_async (FcStore             *self,
                                   JsonObject          *batch,
                                   JsonNode            *answer,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (batch != NULL && answer != NULL);

  args = fc_store_args_new (NULL, 0);
  args->object = json_object_ref (batch);
  args->node = json_node_ref (answer);
  fc_store_submit (self, upload_done_job, args, fc_store_health_upload_done_async, cancellable,
                   callback, user_data);
}

gboolean
fc_store_health_upload_done_finish (FcStore       *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_health_upload_done_async, error);
}

void
fc_store_health_apply_pull_async (FcStore             *self,
                                  JsonNode            *page,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (page != NULL);

  args = fc_store_args_new (NULL, 0);
  args->node = json_node_ref (page);
  fc_store_submit (self, apply_pull_job, args, fc_store_health_apply_pull_async, cancellable,
                   callback, user_data);
}

gboolean
fc_store_health_apply_pull_finish (FcStore       *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_health_apply_pull_async, error);
}
