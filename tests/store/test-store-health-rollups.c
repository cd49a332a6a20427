/* test-store-health-rollups.c — the rollups an import keeps by difference
 * stay exactly the ones its points make
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fc-store-health.c merges each import batch's aggregates into
 * health_rollups instead of rewriting the blocks it touched. Here the same
 * points go in through batches of random sizes (duplicates within a batch
 * and across batches, ties of time, sleep's uncounted stages, points
 * before 1970, a typed point between two batches), and every row of every
 * level is compared with rollups this file builds from the points alone,
 * in C: a batch's difference dropped or applied twice changes a count.
 */

#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "fc-health-import.h"
#include "fc-store-health.h"
#include "store-test-util.h"

#define USEC G_GINT64_CONSTANT (1000000)

/* fc-store-health.c's levels, in seconds */
static const gint64 levels[] = {
  900, 3600, 4 * 3600, 86400, 4 * 86400, 16 * 86400, 64 * 86400,
};

/* Its levels before migration 10 */
static const gint64 levels_9[] = {
  300, 1200, 3600, 4 * 3600, 86400, 4 * 86400, 16 * 86400, 64 * 86400,
};

typedef struct {
  const char *type;    /* static */
  guint       level;
  gint64      start;
  guint64     count;
  double      min, max, sum, last;
  gint64      last_at;
} Row;

static guint
row_hash (gconstpointer key)
{
  const Row *row = key;

  return g_str_hash (row->type) ^ g_int64_hash (&row->start) ^ (row->level * 7919u);
}

static gboolean
row_equal (gconstpointer a,
           gconstpointer b)
{
  const Row *x = a, *y = b;

  return strcmp (x->type, y->type) == 0 && x->level == y->level && x->start == y->start;
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - ((a % b != 0) && (a < 0));
}

/* Every level's rows from @points, in the order they were stored: the
 * last of a block is the latest point; of equal times, the later one. */
static GHashTable *
rollups_of (GArray       *points,
            const gint64 *of_levels,
            guint         n_levels)
{
  GHashTable *rows = g_hash_table_new_full (row_hash, row_equal, g_free, NULL);

  for (guint i = 0; i < points->len; i++) {
    const FcHealthPoint *p = &g_array_index (points, FcHealthPoint, i);

    if (p->stage != NULL && (strcmp (p->stage, "awake") == 0 || strcmp (p->stage, "in_bed") == 0))
      continue;
    for (guint level = 0; level < n_levels; level++) {
      gint64 at_s = floor_div (p->recorded_at, USEC);
      Row key = { p->data_type, level, floor_div (at_s, of_levels[level]) * of_levels[level] };
      Row *row = g_hash_table_lookup (rows, &key);

      if (row == NULL) {
        row = g_memdup2 (&key, sizeof key);
        row->min = row->max = p->value;
        g_hash_table_add (rows, row);
      }
      row->min = MIN (row->min, p->value);
      row->max = MAX (row->max, p->value);
      row->sum += p->value;
      if (row->count == 0 || p->recorded_at >= row->last_at) {
        row->last = p->value;
        row->last_at = p->recorded_at;
      }
      row->count++;
    }
  }
  return rows;
}

static GHashTable *
expected_rollups (GArray *points)
{
  return rollups_of (points, levels, G_N_ELEMENTS (levels));
}

/* health_rollups as the store wrote it, compared row by row */
static void
assert_rollups (FcStore *store,
                GArray  *stored)
{
  g_autoptr(GHashTable) expected = expected_rollups (stored);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint seen = 0;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (fc_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT data_type, level, start, count, min, max, "
                                           "sum, last, last_at FROM health_rollups",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    Row key = {
      .type = (const char *) sqlite3_column_text (stmt, 0),
      .level = sqlite3_column_int (stmt, 1),
      .start = sqlite3_column_int64 (stmt, 2),
    };
    const Row *want = g_hash_table_lookup (expected, &key);
    double sum = sqlite3_column_double (stmt, 6);

    if (want == NULL)
      g_error ("a rollup no point makes: %s level %u at %" G_GINT64_FORMAT, key.type, key.level,
               key.start);
    g_assert_cmpuint (sqlite3_column_int64 (stmt, 3), ==, want->count);
    g_assert_cmpfloat (sqlite3_column_double (stmt, 4), ==, want->min);
    g_assert_cmpfloat (sqlite3_column_double (stmt, 5), ==, want->max);
    g_assert_cmpfloat_with_epsilon (sum, want->sum, 1e-9 * MAX (1.0, fabs (want->sum)));
    g_assert_cmpfloat (sqlite3_column_double (stmt, 7), ==, want->last);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 8), ==, want->last_at);
    seen++;
  }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  /* and none missing */
  g_assert_cmpuint (seen, ==, g_hash_table_size (expected));
}

static const struct {
  const char *type, *unit, *stage;
  double      low, high, step;
} kinds[] = {
  { "weight", "kg", NULL, 60, 90, 0.1 },
  { "steps", "count", NULL, 0, 3000, 1 },
  { "distance", "m", NULL, 0, 2000, 0.37 },
  { "sleep", "min", "deep", 1, 120, 1 },
  { "sleep", "min", "awake", 1, 60, 1 },
  { "sleep", "min", "in_bed", 1, 60, 1 },
};

/* @n points over a year and a bit around 1970 (some before it), on a
 * coarse grid so that many share a time. */
static GArray *
make_points (GRand *rand,
             guint  n)
{
  GArray *points = g_array_sized_new (FALSE, TRUE, sizeof (FcHealthPoint), n);

  for (guint i = 0; i < n; i++) {
    guint k = g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds));
    FcHealthPoint p = {
      .data_type = kinds[k].type,
      .unit = kinds[k].unit,
      .stage = kinds[k].stage,
      .value = kinds[k].low + kinds[k].step * g_rand_int_range (rand, 0, (kinds[k].high - kinds[k].low) / kinds[k].step),
      /* 2 minutes apart at least: ties, and blocks with many points */
      .recorded_at = g_rand_int_range (rand, -20000, 250000) * 120 * USEC
                     + (g_rand_boolean (rand) ? 0 : 7),
    };

    g_snprintf (p.client_id, sizeof p.client_id, "%032x", i);
    g_array_append_val (points, p);
  }
  return points;
}

static void
import_batch (FcStore              *store,
              GArray               *batch,
              FcHealthImportCounts *counts)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_store_health_import_async (store, "apple-health", batch, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_import_finish (store, st_wait (&result), counts, &error));
  g_assert_no_error (error);
}

static void
add_typed (FcStore *store,
           GArray  *stored)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) point = st_object ("{\"data_type\": \"weight\", \"value\": 71.3, "
                                           "\"unit\": \"kg\", "
                                           "\"recorded_at\": \"1970-03-01T10:00:00Z\"}");
  FcHealthPoint p = { "weight", "kg", NULL, 71.3, (59 * 86400 + 10 * 3600) * USEC, "" };

  fc_store_health_add_async (store, point, NULL, st_result_cb, &result);
  g_assert_cmpint (fc_store_health_add_finish (store, st_wait (&result), &error), >, 0);
  g_assert_no_error (error);
  g_array_append_val (stored, p);
}

static void
test_random_batches (gconstpointer data)
{
  guint32 seed = GPOINTER_TO_UINT (data);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GArray) points = make_points (rand, 6000);
  /* What the store holds, in the order it stored it */
  g_autoptr(GArray) stored = g_array_new (FALSE, TRUE, sizeof (FcHealthPoint));
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 added = 0, unchanged = 0;
  guint batches = 0;

  g_test_message ("seed %u", seed);
  for (guint i = 0; i < points->len;) {
    guint size = MIN ((guint) g_rand_int_range (rand, 1, 900), points->len - i);
    g_autoptr(GArray) batch = g_array_new (FALSE, TRUE, sizeof (FcHealthPoint));
    FcHealthImportCounts counts = { 0 };
    guint64 want_added = 0;

    for (guint j = 0; j < size; j++) {
      FcHealthPoint *p = &g_array_index (points, FcHealthPoint, i + j);

      g_array_append_vals (batch, p, 1);
      /* again, later in this batch or in a later one */
      if (g_rand_int_range (rand, 0, 20) == 0)
        g_array_append_vals (batch, &g_array_index (points, FcHealthPoint,
                                                    g_rand_int_range (rand, 0, i + j + 1)), 1);
    }
    for (guint j = 0; j < batch->len; j++) {
      FcHealthPoint *p = &g_array_index (batch, FcHealthPoint, j);

      if (!g_hash_table_contains (ids, p->client_id)) {
        g_hash_table_add (ids, g_strdup (p->client_id));
        g_array_append_vals (stored, p, 1);
        want_added++;
      }
    }
    import_batch (store, batch, &counts);
    g_assert_cmpuint (counts.added, ==, want_added);
    g_assert_cmpuint (counts.added + counts.unchanged, ==, batch->len);
    added += counts.added;
    unchanged += counts.unchanged;
    i += size;
    if (++batches == 3)
      add_typed (store, stored);
    if (batches % 4 == 0)
      assert_rollups (store, stored);
  }
  g_test_message ("%u batches, %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT " unchanged",
                  batches, added, unchanged);
  g_assert_cmpuint (added, ==, points->len);
  g_assert_cmpuint (unchanged, >, 0);
  assert_rollups (store, stored);

  /* The whole file again: nothing added, nothing changed */
  {
    FcHealthImportCounts counts = { 0 };

    import_batch (store, points, &counts);
    g_assert_cmpuint (counts.added, ==, 0);
    g_assert_cmpuint (counts.unchanged, ==, points->len);
  }
  assert_rollups (store, stored);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM health_points"),
                   ==, stored->len);
  st_close (g_steal_pointer (&store));
}

/* A store of migration 9 (5- and 20-minute levels) opened by this
 * version: its 15-minute rows are its 5-minute ones added up, the others
 * move down a level, and every row is then what the points make. */
static void
test_migration_10 (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (10);
  g_autoptr(GArray) points = make_points (rand, 4000);
  g_autoptr(GHashTable) old_rows = rollups_of (points, levels_9, G_N_ELEMENTS (levels_9));
  g_autoptr(FcStore) store = st_open ();
  g_autofree char *path = g_strdup (fc_store_get_path (store));
  FcHealthImportCounts counts = { 0 };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  Row *row;

  import_batch (store, points, &counts);
  g_assert_cmpuint (counts.added, ==, points->len);
  st_close (g_steal_pointer (&store));

  /* The rollups as version 9 kept them */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM health_rollups", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO health_rollups (data_type, level, "
                                           "start, count, min, max, sum, last, last_at) "
                                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_hash_table_iter_init (&iter, old_rows);
  while (g_hash_table_iter_next (&iter, (gpointer *) &row, NULL)) {
    sqlite3_bind_text (stmt, 1, row->type, -1, SQLITE_STATIC);
    sqlite3_bind_int (stmt, 2, row->level);
    sqlite3_bind_int64 (stmt, 3, row->start);
    sqlite3_bind_int64 (stmt, 4, row->count);
    sqlite3_bind_double (stmt, 5, row->min);
    sqlite3_bind_double (stmt, 6, row->max);
    sqlite3_bind_double (stmt, 7, row->sum);
    sqlite3_bind_double (stmt, 8, row->last);
    sqlite3_bind_int64 (stmt, 9, row->last_at);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_reset (stmt);
  }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 9", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM health_rollups WHERE level = 7"), >, 0);

  store = st_open ();
  g_assert_cmpint (st_sql_int (path, "PRAGMA user_version"), >=, 10);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM health_rollups WHERE level = 7"), ==, 0);
  assert_rollups (store, points);
  st_close (g_steal_pointer (&store));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_data_func ("/store/health/rollups/random-batches/1", GUINT_TO_POINTER (1),
                        test_random_batches);
  g_test_add_data_func ("/store/health/rollups/random-batches/2", GUINT_TO_POINTER (20261205),
                        test_random_batches);
  g_test_add_func ("/store/health/rollups/migration-10", test_migration_10);
  return g_test_run ();
}
