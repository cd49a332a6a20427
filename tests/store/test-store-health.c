/* test-store-health.c — health points in the offline store: imports,
 * buckets from the rollups, typed points, edits and deletions, and the
 * sync engine's upload and pull calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every bucket is checked against aggregates this file computes itself by
 * walking the points it inserted, never against the store's SQL.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "fc-health-import.h"
#include "fc-json.h"
#include "fc-store-health.h"
#include "store-test-util.h"

/* ---- synchronous wrappers ---- */

static FcHealthImportCounts
import (FcStore    *store,
        const char *source,
        GArray     *points)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcHealthImportCounts counts = { 0 };

  fc_store_health_import_async (store, source, points, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_import_finish (store, st_wait (&result), &counts, &error));
  g_assert_no_error (error);
  return counts;
}

static GArray *
buckets (FcStore      *store,
         const char   *type,
         const gint64 *edges,
         guint         n_edges)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GArray *answer;

  fc_store_health_buckets_async (store, type, edges, n_edges, NULL, st_result_cb, &result);
  answer = fc_store_health_buckets_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_assert_cmpuint (answer->len, ==, n_edges - 1);
  return answer;
}

static gint64
add (FcStore    *store,
     const char *json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) point = st_object (json);
  gint64 id;

  fc_store_health_add_async (store, point, NULL, st_result_cb, &result);
  id = fc_store_health_add_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static JsonArray *
list (FcStore    *store,
      const char *type)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *points;

  fc_store_health_list_async (store, type, 0, G_MAXINT64 / G_USEC_PER_SEC, 1000, NULL,
                              st_result_cb, &result);
  points = fc_store_health_list_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (points);
  return points;
}

static void
update (FcStore    *store,
        gint64      local_id,
        const char *json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = st_object (json);

  fc_store_health_update_async (store, local_id, changes, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_update_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

static JsonObject *
delete (FcStore *store,
        gint64   local_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *point;

  fc_store_health_delete_async (store, local_id, NULL, st_result_cb, &result);
  point = fc_store_health_delete_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (point);
  return point;
}

static guint64
count_pending (FcStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n;

  fc_store_health_count_pending_async (store, NULL, st_result_cb, &result);
  n = fc_store_health_count_pending_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return n;
}

static JsonObject *
upload_batch (FcStore *store,
              guint    limit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *batch;

  fc_store_health_upload_batch_async (store, limit, NULL, st_result_cb, &result);
  batch = fc_store_health_upload_batch_finish (store, st_wait (&result), &error);
  g_assert_no_error (error);
  return batch;
}

static void
upload_done (FcStore    *store,
             JsonObject *batch,
             const char *answer_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = json_from_string (answer_json, NULL);

  fc_store_health_upload_done_async (store, batch, answer, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_upload_done_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

static void
apply_pull (FcStore    *store,
            const char *page_json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) page = json_from_string (page_json, NULL);

  g_assert_nonnull (page);
  fc_store_health_apply_pull_async (store, page, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_apply_pull_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
}

/* ---- the independent aggregate ---- */

typedef struct {
  guint64 count;
  double  min, max, sum, last;
  gint64  last_at_us;
  guint   last_index;
} Expect;

/* Over @points[0..n) of @type in [@from_s, @to_s): a plain walk. The last
 * point is the latest; of equal times, the one inserted last. Sleep's
 * awake and in_bed are not counted. */
static Expect
expect_bucket (const FcHealthPoint *points,
               guint                n,
               const char          *type,
               gint64               from_s,
               gint64               to_s)
{
  Expect e = { 0 };

  for (guint i = 0; i < n; i++) {
    const FcHealthPoint *p = &points[i];

    if (strcmp (p->data_type, type) != 0 || p->recorded_at < from_s * G_USEC_PER_SEC ||
        p->recorded_at >= to_s * G_USEC_PER_SEC)
      continue;
    if (p->stage != NULL && (strcmp (p->stage, "awake") == 0 || strcmp (p->stage, "in_bed") == 0))
      continue;
    if (e.count == 0 || p->value < e.min)
      e.min = p->value;
    if (e.count == 0 || p->value > e.max)
      e.max = p->value;
    e.sum += p->value;
    if (e.count == 0 || p->recorded_at >= e.last_at_us) {
      e.last = p->value;
      e.last_at_us = p->recorded_at;
    }
    e.count++;
  }
  return e;
}

static void
assert_bucket (const FcHealthBucket *b,
               const Expect         *e)
{
  g_assert_cmpuint (b->count, ==, e->count);
  if (e->count == 0) {
    g_assert_cmpfloat (b->sum, ==, 0);
    return;
  }
  g_assert_cmpfloat (b->min, ==, e->min);
  g_assert_cmpfloat (b->max, ==, e->max);
  g_assert_cmpfloat_with_epsilon (b->sum, e->sum, 1e-6 * MAX (1.0, fabs (e->sum)));
  g_assert_cmpfloat_with_epsilon (b->avg, e->sum / e->count, 1e-6 * MAX (1.0, fabs (e->sum)));
  g_assert_cmpfloat (b->last, ==, e->last);
  g_assert_cmpint (b->last_at, ==, e->last_at_us / G_USEC_PER_SEC);
}

static void
set_point (FcHealthPoint *p,
           const char    *type,
           const char    *unit,
           const char    *stage,
           double         value,
           gint64         at_us,
           guint          serial)
{
  memset (p, 0, sizeof *p);
  p->data_type = type;
  p->unit = unit;
  p->stage = stage;
  p->value = value;
  p->recorded_at = at_us;
  g_snprintf (p->client_id, sizeof p->client_id, "%032x", serial);
}

/* Heart rate every quarter of an hour or so across most of a year (with a second
 * point at the same instant now and then), steps, and nights of sleep
 * with awake time: from a fixed seed. */
static GArray *
make_points (guint n)
{
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (FcHealthPoint), n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260329);
  gint64 at = G_GINT64_CONSTANT (1735689600) * G_USEC_PER_SEC;  /* 2025-01-01 UTC */

  for (guint i = 0; i < n; i++) {
    FcHealthPoint p;
    guint kind = g_rand_int_range (rand, 0, 10);

    if (g_rand_int_range (rand, 0, 50) != 0)
      at += g_rand_int_range (rand, 1, 1800) * G_USEC_PER_SEC + g_rand_int_range (rand, 0, 1000000);
    if (kind < 7)
      set_point (&p, "heart_rate", "bpm", NULL, g_rand_int_range (rand, 45, 180), at, i);
    else if (kind < 9)
      set_point (&p, "steps", "count", NULL, g_rand_int_range (rand, 0, 2000), at, i);
    else
      set_point (&p, "sleep", "min", g_rand_boolean (rand) ? "asleep" : "awake",
                 g_rand_int_range (rand, 1, 90), at, i);
    g_array_append_val (points, p);
  }
  return points;
}

/* Local midnights of @zone from @first for @days days, as UTC seconds. */
static GArray *
local_midnights (const char *zone,
                 int         year,
                 int         month,
                 int         day,
                 guint       days)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);
  GArray *edges = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_nonnull (tz);
  for (guint i = 0; i <= days; i++) {
    g_autoptr(GDateTime) start = g_date_time_new (tz, year, month, day, 0, 0, 0);
    g_autoptr(GDateTime) midnight = g_date_time_add_days (start, i);
    gint64 edge = g_date_time_to_unix (midnight);

    g_array_append_val (edges, edge);
  }
  return edges;
}

static void
check_edges (FcStore       *store,
             GArray        *points,
             const char    *type,
             GArray        *edges)
{
  g_autoptr(GArray) answer = buckets (store, type, (gint64 *) edges->data, edges->len);
  guint64 total = 0;

  for (guint i = 0; i + 1 < edges->len; i++) {
    const FcHealthBucket *b = &g_array_index (answer, FcHealthBucket, i);
    Expect e = expect_bucket ((FcHealthPoint *) points->data, points->len, type,
                              g_array_index (edges, gint64, i), g_array_index (edges, gint64, i + 1));

    g_assert_cmpint (b->start, ==, g_array_index (edges, gint64, i));
    g_assert_cmpint (b->end, ==, g_array_index (edges, gint64, i + 1));
    assert_bucket (b, &e);
    total += b->count;
  }
  /* The edges cut through points, not around them. */
  g_assert_cmpuint (total, >, 0);
}

/* ---- tests ---- */

static void
test_import_and_buckets (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GArray) points = make_points (30000);
  g_autoptr(GArray) again = NULL;
  g_autoptr(GArray) kolkata = local_midnights ("Asia/Kolkata", 2025, 1, 1, 400);
  g_autoptr(GArray) berlin = local_midnights ("Europe/Berlin", 2025, 3, 27, 5);
  g_autoptr(GArray) berlin_fall = local_midnights ("Europe/Berlin", 2025, 10, 24, 5);
  g_autoptr(GArray) ragged = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  FcHealthImportCounts counts;
  gint64 edge = G_GINT64_CONSTANT (1735689600) - 3600;

  /* In batches, as the importer hands them over. */
  for (guint i = 0; i < points->len; i += 5000) {
    g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));

    g_array_append_vals (batch, &g_array_index (points, FcHealthPoint, i),
                         MIN (5000, points->len - i));
    counts = import (store, "apple-health", batch);
    g_assert_cmpuint (counts.added, ==, batch->len);
    g_assert_cmpuint (counts.unchanged, ==, 0);
  }
  counts = import (store, "apple-health", points);
  g_assert_cmpuint (counts.added, ==, 0);
  g_assert_cmpuint (counts.unchanged, ==, points->len);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM health_points"),
                   ==, points->len);
  g_assert_cmpuint (count_pending (store), ==, points->len);

  /* A day in India starts at 18:30 UTC; Berlin's days around the
   * changes of the clocks are 23 and 25 hours long. */
  g_assert_cmpint ((g_array_index (kolkata, gint64, 0) % 3600), ==, 1800);
  g_assert_cmpint (g_array_index (berlin, gint64, 4) - g_array_index (berlin, gint64, 3), ==,
                   23 * 3600);
  g_assert_cmpint (g_array_index (berlin_fall, gint64, 3) - g_array_index (berlin_fall, gint64, 2),
                   ==, 25 * 3600);
  for (guint t = 0; t < 3; t++) {
    const char *type = (const char *[]) { "heart_rate", "steps", "sleep" }[t];

    check_edges (store, points, type, kolkata);
    check_edges (store, points, type, berlin);
    check_edges (store, points, type, berlin_fall);
  }

  /* Pixel columns: any second, any width, from minutes to weeks. */
  g_array_append_val (ragged, edge);
  while (edge < G_GINT64_CONSTANT (1735689600) + 200 * 86400) {
    edge += g_rand_int_range (rand, 1, 4) == 1 ? g_rand_int_range (rand, 1, 900)
                                               : g_rand_int_range (rand, 900, 20 * 86400);
    g_array_append_val (ragged, edge);
  }
  check_edges (store, points, "heart_rate", ragged);
  check_edges (store, points, "sleep", ragged);

  /* One bucket over everything, and one over nothing. */
  {
    gint64 all[] = { 0, G_GINT64_CONSTANT (4102444800) };
    gint64 none[] = { 100, 200 };
    g_autoptr(GArray) whole = buckets (store, "steps", all, 2);
    g_autoptr(GArray) empty = buckets (store, "steps", none, 2);
    Expect e = expect_bucket ((FcHealthPoint *) points->data, points->len, "steps", all[0], all[1]);

    assert_bucket (&g_array_index (whole, FcHealthBucket, 0), &e);
    g_assert_cmpuint (g_array_index (empty, FcHealthBucket, 0).count, ==, 0);
  }

  /* The types, with their counts and latest values. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) types = NULL;

    fc_store_health_types_async (store, NULL, st_result_cb, &result);
    types = fc_store_health_types_finish (store, st_wait (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (types->len, ==, 3);
    for (guint i = 0; i < types->len; i++) {
      FcHealthTypeSummary *summary = types->pdata[i];
      Expect e = expect_bucket ((FcHealthPoint *) points->data, points->len, summary->data_type,
                                0, G_GINT64_CONSTANT (4102444800));
      gint64 first = G_MAXINT64;

      for (guint j = 0; j < points->len; j++) {
        FcHealthPoint *p = &g_array_index (points, FcHealthPoint, j);

        if (strcmp (p->data_type, summary->data_type) == 0)
          first = MIN (first, p->recorded_at);
      }
      g_assert_cmpuint (summary->count, ==, e.count);
      g_assert_cmpint (summary->first_at, ==, first / G_USEC_PER_SEC);
      g_assert_cmpint (summary->last_at, ==, e.last_at_us / G_USEC_PER_SEC);
      g_assert_cmpfloat (summary->last, ==, e.last);
    }
    g_assert_cmpstr (((FcHealthTypeSummary *) types->pdata[0])->data_type, ==, "heart_rate");
    g_assert_cmpstr (((FcHealthTypeSummary *) types->pdata[2])->data_type, ==, "steps");
  }

  st_close (g_steal_pointer (&store));
}

/* A typed point, edited and deleted before and after its upload; the
 * buckets follow every change. */
static FcHealthImportCounts
stage (FcStore    *store,
       GArray     *points)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcHealthImportCounts counts = { 0 };

  fc_store_health_stage_async (store, "apple-health", points, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_stage_finish (store, st_wait (&result), &counts, &error));
  g_assert_no_error (error);
  return counts;
}

static FcHealthImportCounts
flush (FcStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FcHealthImportCounts counts = { 0 };

  fc_store_health_import_flush_async (store, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_import_flush_finish (store, st_wait (&result), &counts, &error));
  g_assert_no_error (error);
  return counts;
}

/* The buckets of every type over the whole year, against the points. */
static void
assert_year (FcStore       *store,
             const GArray  *points)
{
  const char *types[] = { "heart_rate", "steps", "sleep" };
  /* 2025 by UTC day and by ragged 7-hour steps (edges off the grid) */
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gint64 edge = G_GINT64_CONSTANT (1735689600); edge <= G_GINT64_CONSTANT (1767225600);
       edge += 25261)
    g_array_append_val (edges, edge);
  for (guint t = 0; t < G_N_ELEMENTS (types); t++) {
    g_autoptr(GArray) answer = buckets (store, types[t], (gint64 *) edges->data, edges->len);

    for (guint i = 0; i + 1 < edges->len; i++) {
      Expect e = expect_bucket ((FcHealthPoint *) points->data, points->len, types[t],
                                g_array_index (edges, gint64, i),
                                g_array_index (edges, gint64, i + 1));

      assert_bucket (&g_array_index (answer, FcHealthBucket, i), &e);
    }
  }
}

/* An import in two steps (FcHealthImportJob's): staged points show only
 * once merged, a file's duplicates count as unchanged, and a stage that
 * a killed import left (its connection closed without the flush) is merged
 * by the next upload batch, whole, into the same rollups. */
static void
test_staged_import (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GArray) points = make_points (6000);
  g_autoptr(GArray) later = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));
  g_autoptr(GArray) earlier = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));
  g_autoptr(GArray) again = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));
  g_autoptr(JsonObject) batch = NULL;
  g_autofree char *path = g_strdup (fc_store_get_path (store));
  FcHealthImportCounts counts;

  /* The file's order is not time order: the later half first */
  g_array_append_vals (later, &g_array_index (points, FcHealthPoint, 3000), 3000);
  g_array_append_vals (earlier, points->data, 3000);
  /* and the first 1,000 points twice, as a restored phone's export has */
  g_array_append_vals (earlier, points->data, 1000);

  /* Killed while staging: the connection closes without the flush */
  counts = stage (store, later);
  g_assert_cmpuint (counts.added, ==, 0);
  st_close (g_steal_pointer (&store));
  g_assert_cmpint (st_sql_int (path, "SELECT coalesce(sum(n), 0) FROM health_import_stage"), ==, 3000);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM health_points"), ==, 0);

  /* The next run's first upload batch merges the stage, and sends it */
  store = st_open ();
  batch = upload_batch (store, 10000);
  g_assert_nonnull (batch);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (batch, "points")), ==,
                    3000);
  g_assert_cmpint (st_sql_int (path, "SELECT coalesce(sum(n), 0) FROM health_import_stage"), ==, 0);
  assert_year (store, later);

  /* Staged points show once merged; the file's duplicates are unchanged */
  counts = stage (store, earlier);
  g_assert_cmpuint (counts.added, ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT coalesce(sum(n), 0) FROM health_import_stage"), ==, 4000);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM health_points"), ==, 3000);
  counts = flush (store);
  g_assert_cmpuint (counts.added, ==, 3000);
  g_assert_cmpuint (counts.unchanged, ==, 1000);
  g_assert_cmpint (st_sql_int (path, "SELECT coalesce(sum(n), 0) FROM health_import_stage"), ==, 0);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM health_points"), ==, 6000);
  assert_year (store, points);

  /* The whole file again: nothing new */
  g_array_append_vals (again, points->data, points->len);
  stage (store, again);
  counts = flush (store);
  g_assert_cmpuint (counts.added, ==, 0);
  g_assert_cmpuint (counts.unchanged, ==, 6000);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM health_points"), ==, 6000);
  st_close (g_steal_pointer (&store));
}

static void
test_add_edit_delete (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(JsonArray) points = NULL;
  g_autoptr(JsonObject) batch = NULL;
  g_autoptr(JsonObject) deleted = NULL;
  g_autoptr(FcOutboxItem) row = NULL;
  gint64 day[] = { 1767225600, 1767225600 + 86400 };   /* 2026-01-01 UTC */
  gint64 a, b;
  JsonObject *point;

  a = add (store, "{\"data_type\": \"weight\", \"value\": 72.5, \"unit\": \"kg\", "
                  "\"recorded_at\": \"2026-01-01T07:30:00+01:00\", \"note\": \"after a run\"}");
  b = add (store, "{\"data_type\": \"weight\", \"value\": 73.0, \"unit\": \"kg\", "
                  "\"recorded_at\": \"2026-01-01T20:00:00Z\"}");
  points = list (store, "weight");
  g_assert_cmpuint (json_array_get_length (points), ==, 2);
  point = json_array_get_object_element (points, 1);
  g_assert_cmpint (json_object_get_int_member (point, "local_id"), ==, a);
  g_assert_true (json_object_get_boolean_member (point, "pending"));
  g_assert_true (json_node_is_null (json_object_get_member (point, "id")));
  g_assert_cmpstr (json_object_get_string_member (point, "recorded_at"), ==,
                   "2026-01-01T06:30:00.000000Z");
  g_assert_cmpstr (json_object_get_string_member (point, "source"), ==, "manual");
  g_assert_cmpuint (strlen (json_object_get_string_member (point, "client_id")), ==, 32);
  g_assert_cmpstr (json_object_get_string_member (point, "note"), ==, "after a run");
  {
    g_autoptr(GArray) answer = buckets (store, "weight", day, 2);
    FcHealthBucket *bucket = &g_array_index (answer, FcHealthBucket, 0);

    g_assert_cmpuint (bucket->count, ==, 2);
    g_assert_cmpfloat (bucket->min, ==, 72.5);
    g_assert_cmpfloat (bucket->last, ==, 73.0);
  }

  /* Not uploaded: changes in place, no outbox row. */
  update (store, b, "{\"value\": 71.0}");
  g_assert_null (st_peek (store));
  {
    g_autoptr(GArray) answer = buckets (store, "weight", day, 2);

    g_assert_cmpfloat (g_array_index (answer, FcHealthBucket, 0).min, ==, 71.0);
    g_assert_cmpfloat (g_array_index (answer, FcHealthBucket, 0).last, ==, 71.0);
  }

  /* Uploaded: the server answers ids 501 and 502. */
  batch = upload_batch (store, 10000);
  g_assert_nonnull (batch);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (batch, "points")), ==, 2);
  upload_done (store, batch, "{\"created\": 2, \"updated\": 0, \"unchanged\": 0, \"refused\": 0, "
                             "\"refusals\": [], \"ids\": [501, 502], \"cursor\": null}");
  g_assert_cmpuint (count_pending (store), ==, 0);
  g_clear_pointer (&batch, json_object_unref);
  g_assert_null ((batch = upload_batch (store, 10000)));

  /* An edit of an uploaded point is a PATCH through the outbox. */
  update (store, a, "{\"value\": 72.0}");
  row = st_peek (store);
  g_assert_nonnull (row);
  g_assert_cmpstr (fc_outbox_item_get_method (row), ==, "PATCH");
  g_assert_cmpstr (fc_outbox_item_get_path (row), ==, "health/data/501/");
  g_assert_cmpstr (fc_outbox_item_get_body (row), ==, "{\"value\":72.0}");
  g_clear_pointer (&points, json_array_unref);
  points = list (store, "weight");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (points, 1),
                                                 "pending"));
  /* A pull meanwhile leaves the user's edit alone. */
  apply_pull (store, "{\"cursor\": \"h1.10\", \"has_more\": false, \"reset\": false, "
                     "\"results\": [{\"id\": 501, \"data_type\": \"weight\", \"value\": 72.5, "
                     "\"unit\": \"kg\", \"recorded_at\": \"2026-01-01T06:30:00.000000Z\", "
                     "\"stage\": null, \"source\": \"manual\", \"client_id\": null}], "
                     "\"deleted\": []}");
  {
    g_autoptr(GArray) answer = buckets (store, "weight", day, 2);

    g_assert_cmpfloat (g_array_index (answer, FcHealthBucket, 0).max, ==, 72.0);
  }
  g_assert_true (st_complete (store, fc_outbox_item_get_id (row),
                              "{\"id\": 501, \"data_type\": \"weight\", \"value\": 72.0, "
                              "\"unit\": \"kg\", \"recorded_at\": \"2026-01-01T06:30:00.000000Z\", "
                              "\"stage\": null, \"source\": \"manual\", \"client_id\": \"x\"}",
                              NULL));
  g_clear_object (&row);
  g_clear_pointer (&points, json_array_unref);
  points = list (store, "weight");
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (points, 1),
                                                  "pending"));

  /* Deleting it: a DELETE, the point given back, and Discard puts it
   * back. */
  deleted = delete (store, a);
  g_assert_cmpfloat (json_object_get_double_member (deleted, "value"), ==, 72.0);
  row = st_peek (store);
  g_assert_cmpstr (fc_outbox_item_get_method (row), ==, "DELETE");
  g_assert_cmpstr (fc_outbox_item_get_path (row), ==, "health/data/501/");
  {
    g_autoptr(GArray) answer = buckets (store, "weight", day, 2);

    g_assert_cmpuint (g_array_index (answer, FcHealthBucket, 0).count, ==, 1);
  }
  st_discard (store, fc_outbox_item_get_id (row));
  g_clear_object (&row);
  {
    g_autoptr(GArray) answer = buckets (store, "weight", day, 2);

    g_assert_cmpuint (g_array_index (answer, FcHealthBucket, 0).count, ==, 2);
    g_assert_cmpfloat (g_array_index (answer, FcHealthBucket, 0).max, ==, 72.0);
  }

  /* The server deletes 502 (another device): the pull removes it. */
  apply_pull (store, "{\"cursor\": \"h1.11\", \"has_more\": false, \"reset\": false, "
                     "\"results\": [], \"deleted\": [502, 999]}");
  g_clear_pointer (&points, json_array_unref);
  points = list (store, "weight");
  g_assert_cmpuint (json_array_get_length (points), ==, 1);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM health_rollups WHERE level = 0"), ==, 1);

  st_close (g_steal_pointer (&store));
}

/* Refused points stay with their reason and are not sent again; a reset
 * keeps what the server does not have. */
static void
test_refusals_and_reset (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(JsonObject) batch = NULL;
  g_autoptr(JsonArray) points = NULL;
  g_autofree char *cursor = NULL;

  add (store, "{\"data_type\": \"steps\", \"value\": 100, \"unit\": \"count\", "
              "\"recorded_at\": \"2026-01-02T10:00:00Z\"}");
  add (store, "{\"data_type\": \"steps\", \"value\": 999999, \"unit\": \"count\", "
              "\"recorded_at\": \"2026-01-02T11:00:00Z\"}");
  batch = upload_batch (store, 10000);
  upload_done (store, batch, "{\"created\": 1, \"refused\": 1, \"refusals\": [{\"index\": 1, "
                             "\"errors\": {\"value\": [\"not plausible\"]}}], "
                             "\"ids\": [77, null], \"cursor\": \"h1.5\"}");
  g_clear_pointer (&batch, json_object_unref);
  g_assert_null ((batch = upload_batch (store, 10000)));
  g_assert_cmpuint (count_pending (store), ==, 0);
  points = list (store, "steps");
  {
    JsonObject *refused = json_array_get_object_element (points, 0);

    g_assert_true (json_object_get_boolean_member (refused, "pending"));
    g_assert_cmpstr (json_array_get_string_element (
                       json_object_get_array_member (json_object_get_object_member (refused,
                                                                                    "refusal"),
                                                     "value"), 0), ==, "not plausible");
  }
  cursor = st_sql_text (fc_store_get_path (store),
                        "SELECT value FROM sync_state WHERE key = 'health-cursor'");
  g_assert_cmpstr (cursor, ==, "h1.5");

  /* A new point from the server, then a reset. */
  apply_pull (store, "{\"cursor\": \"h1.9\", \"has_more\": false, \"reset\": false, "
                     "\"results\": [{\"id\": 80, \"data_type\": \"steps\", \"value\": 5, "
                     "\"unit\": \"count\", \"recorded_at\": \"2026-01-02T12:00:00Z\", "
                     "\"stage\": null, \"source\": \"manual\", \"client_id\": null}], "
                     "\"deleted\": []}");
  add (store, "{\"data_type\": \"steps\", \"value\": 3, \"unit\": \"count\", "
              "\"recorded_at\": \"2026-01-02T13:00:00Z\"}");
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM health_points"),
                   ==, 4);
  apply_pull (store, "{\"cursor\": \"0\", \"has_more\": false, \"reset\": true, "
                     "\"results\": [], \"deleted\": []}");
  g_clear_pointer (&cursor, g_free);
  cursor = st_sql_text (fc_store_get_path (store),
                        "SELECT value FROM sync_state WHERE key = 'health-cursor'");
  g_assert_cmpstr (cursor, ==, "0");
  /* The refused and the unsent are kept; the server's two are gone. */
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM health_points"),
                   ==, 2);
  {
    gint64 edges[] = { 1767312000, 1767398400 };
    g_autoptr(GArray) answer = buckets (store, "steps", edges, 2);

    g_assert_cmpuint (g_array_index (answer, FcHealthBucket, 0).count, ==, 2);
    g_assert_cmpfloat (g_array_index (answer, FcHealthBucket, 0).sum, ==, 999999 + 3);
  }

  st_close (g_steal_pointer (&store));
}

/* A chart's many buckets are read from an in-memory copy of the rollups:
 * every change of a point of that type shows in the next read. */
static void
test_buckets_follow_changes (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GArray) points = make_points (3000);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) answer = NULL;
  g_autoptr(JsonObject) deleted = NULL;
  gint64 local_id;
  guint64 before = 0, after = 0;

  import (store, "apple-health", points);
  for (gint64 edge = 1735689600; edge <= 1735689600 + 64 * 3600; edge += 3600 + 7)
    g_array_append_val (edges, edge);
  g_assert_cmpuint (edges->len, >=, 33);
  check_edges (store, points, "heart_rate", edges);
  answer = buckets (store, "heart_rate", (gint64 *) edges->data, edges->len);
  before = g_array_index (answer, FcHealthBucket, 3).count;
  g_clear_pointer (&answer, g_array_unref);

  /* In the fourth bucket, higher than anything there. */
  local_id = add (store, "{\"data_type\": \"heart_rate\", \"value\": 299, \"unit\": \"bpm\", "
                         "\"recorded_at\": \"2025-01-01T03:30:00Z\"}");
  answer = buckets (store, "heart_rate", (gint64 *) edges->data, edges->len);
  after = g_array_index (answer, FcHealthBucket, 3).count;
  g_assert_cmpuint (after, ==, before + 1);
  g_assert_cmpfloat (g_array_index (answer, FcHealthBucket, 3).max, ==, 299);
  g_clear_pointer (&answer, g_array_unref);

  deleted = delete (store, local_id);
  answer = buckets (store, "heart_rate", (gint64 *) edges->data, edges->len);
  g_assert_cmpuint (g_array_index (answer, FcHealthBucket, 3).count, ==, before);
  g_assert_cmpfloat (g_array_index (answer, FcHealthBucket, 3).max, <, 299);
  g_clear_pointer (&answer, g_array_unref);
  check_edges (store, points, "heart_rate", edges);

  /* A pull's reset drops the server's points (here none) and rebuilds. */
  apply_pull (store, "{\"cursor\": \"0\", \"has_more\": false, \"reset\": true, "
                     "\"results\": [], \"deleted\": []}");
  check_edges (store, points, "heart_rate", edges);

  st_close (g_steal_pointer (&store));
}

/* Edited or deleted while its upload is on the way: the edit goes up
 * again (and the point keeps the server's id), the deletion reaches the
 * server; a pull of the point meanwhile keeps the newer local values. */
static void
test_changes_during_upload (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(JsonObject) batch = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autoptr(FcOutboxItem) row = NULL;
  gint64 edited, deleted;

  edited = add (store, "{\"data_type\": \"water\", \"value\": 250, \"unit\": \"ml\", "
                       "\"recorded_at\": \"2026-01-03T08:00:00Z\"}");
  deleted = add (store, "{\"data_type\": \"water\", \"value\": 330, \"unit\": \"ml\", "
                        "\"recorded_at\": \"2026-01-03T09:00:00Z\"}");
  batch = upload_batch (store, 10000);
  update (store, edited, "{\"value\": 500}");
  gone = delete (store, deleted);
  upload_done (store, batch, "{\"ids\": [700, 701], \"refusals\": [], \"cursor\": null}");

  /* The deleted one: a DELETE of what the server made of it. */
  row = st_peek (store);
  g_assert_nonnull (row);
  g_assert_cmpstr (fc_outbox_item_get_method (row), ==, "DELETE");
  g_assert_cmpstr (fc_outbox_item_get_path (row), ==, "health/data/701/");

  /* The edited one waits again, with its id, and a pull of the server's
   * older copy does not undo the edit. */
  g_assert_cmpuint (count_pending (store), ==, 1);
  apply_pull (store, "{\"cursor\": \"h1.3\", \"has_more\": false, \"reset\": false, "
                     "\"results\": [{\"id\": 700, \"data_type\": \"water\", \"value\": 250, "
                     "\"unit\": \"ml\", \"recorded_at\": \"2026-01-03T08:00:00.000000Z\", "
                     "\"stage\": null, \"source\": \"manual\", \"client_id\": null}], "
                     "\"deleted\": []}");
  again = upload_batch (store, 10000);
  g_assert_nonnull (again);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (again, "points")), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (
                       json_array_get_object_element (fc_json_get_array (again, "points"), 0),
                       "value"), ==, 500);
  upload_done (store, again, "{\"ids\": [700], \"refusals\": [], \"cursor\": null}");
  g_assert_cmpuint (count_pending (store), ==, 0);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM health_points WHERE server_id = 700 "
                               "AND value = 500 AND upload = 0"), ==, 1);

  st_close (g_steal_pointer (&store));
}

static void
test_goals (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) goals = st_object ("{\"daily_steps\": 9000, \"target_weight\": 70.5}");
  g_autoptr(JsonObject) read = NULL;
  g_autoptr(FcOutboxItem) row = NULL;

  fc_store_health_get_goals_async (store, NULL, st_result_cb, &result);
  g_assert_null (fc_store_health_get_goals_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  fc_store_health_save_goals_async (store, goals, NULL, st_result_cb, &result);
  g_assert_true (fc_store_health_save_goals_finish (store, st_wait (&result), &error));
  g_clear_object (&result);
  row = st_peek (store);
  g_assert_cmpstr (fc_outbox_item_get_method (row), ==, "PUT");
  g_assert_cmpstr (fc_outbox_item_get_path (row), ==, "health/goals/");
  g_assert_cmpstr (fc_outbox_item_get_body (row), ==,
                   "{\"daily_steps\":9000.0,\"target_weight\":70.5,\"sleep_minutes\":null}");

  /* The server's older copy does not replace the unsent one. */
  {
    g_autoptr(JsonObject) server = st_object ("{\"daily_steps\": 5000}");

    fc_store_health_set_goals_async (store, server, NULL, st_result_cb, &result);
    g_assert_true (fc_store_health_set_goals_finish (store, st_wait (&result), &error));
    g_clear_object (&result);
  }
  fc_store_health_get_goals_async (store, NULL, st_result_cb, &result);
  read = fc_store_health_get_goals_finish (store, st_wait (&result), &error);
  g_clear_object (&result);
  g_assert_cmpfloat (json_object_get_double_member (read, "daily_steps"), ==, 9000);

  g_assert_true (st_complete (store, fc_outbox_item_get_id (row),
                              "{\"daily_steps\": 9000, \"target_weight\": 70.5, "
                              "\"sleep_minutes\": null, \"updated_at\": \"2026-01-01T00:00:00Z\"}",
                              NULL));
  g_clear_pointer (&read, json_object_unref);
  fc_store_health_get_goals_async (store, NULL, st_result_cb, &result);
  read = fc_store_health_get_goals_finish (store, st_wait (&result), &error);
  g_assert_cmpstr (json_object_get_string_member (read, "updated_at"), ==, "2026-01-01T00:00:00Z");
  g_clear_object (&result);

  st_close (g_steal_pointer (&store));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/health/import-and-buckets", test_import_and_buckets);
  g_test_add_func ("/store/health/staged-import", test_staged_import);
  g_test_add_func ("/store/health/add-edit-delete", test_add_edit_delete);
  g_test_add_func ("/store/health/refusals-and-reset", test_refusals_and_reset);
  g_test_add_func ("/store/health/buckets-follow-changes", test_buckets_follow_changes);
  g_test_add_func ("/store/health/changes-during-upload", test_changes_during_upload);
  g_test_add_func ("/store/health/goals", test_goals);

  return g_test_run ();
}
