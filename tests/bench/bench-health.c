/* bench-health.c — health metrics over a million points, and a 10,000-point sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 12. A real fitcore-server gets one user's 1,000,000 heart-rate
 * points (one a minute, about two years) written straight into its
 * database, then:
 *   - GET metrics/?bucket=day over all of them, against a plain
 *     SELECT count(*) over the same rows on a connection of this process,
 *     and against GET data/?data_type=…&page_size=1 (the same count behind
 *     the same HTTP and authentication); the ratios of the medians;
 *   - POST sync/ of 10,000 new points, against the same 10,000 rows
 *     inserted by this process in one SQLite transaction; and how long
 *     GET ping/ waited at most while the upload ran (the main loop), which
 *     must be well under the upload's time.
 * The machines are shared and noisy, so the bounds are generous: they fail
 * when metrics read the table instead of the index, or a bucket is
 * computed row by row in C.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "fc-json.h"
#include "fc-test-server.h"

#define N_POINTS 1000000
#define N_SYNC 10000
#define N_ROUNDS 5
#define PASSWORD "Correct-Horse-77"
#define CONFIG "[server]\npassword_iterations=1000\n"
/* 2024-01-01T00:00:00Z */
#define START_S G_GINT64_CONSTANT (1704067200)

static sqlite3 *
open_db (FcTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "fitcore.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 30000);
  return db;
}

/* @n points of @user_id from @first_minute on, one a minute; the seconds
 * it took. */
static double
insert_points (sqlite3 *db,
               gint64   user_id,
               guint    n,
               gint64   first_minute,
               gint64   first_seq)
{
  sqlite3_stmt *stmt = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO health_data (user_id, data_type, value, unit,"
                                       " recorded_at, source, client_id, seq, created_at,"
                                       " updated_at) VALUES (?1, 'heart_rate', ?2, 'bpm', ?3,"
                                       " 'bench', ?4, ?5, ?6, ?6)", -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n; i++) {
    char client_id[32];

    g_snprintf (client_id, sizeof client_id, "b-%" G_GINT64_FORMAT, first_minute + i);
    sqlite3_bind_int64 (stmt, 1, user_id);
    sqlite3_bind_double (stmt, 2, 50 + (i * 7) % 100);
    sqlite3_bind_int64 (stmt, 3, (START_S + (first_minute + i) * 60) * G_USEC_PER_SEC);
    sqlite3_bind_text (stmt, 4, client_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 5, first_seq + i);
    sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_reset (stmt);
  }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE health_sequence SET last = last + 2000000",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static gint64
timed_request (FcTestServer *server,
               const char   *method,
               const char   *path,
               const char   *token,
               const char   *body,
               JsonNode    **out_json)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(FcTestResponse) response = fc_test_request (server, method, path, token, body);
  gint64 elapsed = g_get_monotonic_time () - start;

  g_assert_cmpuint (response->status, ==, 200);
  if (out_json != NULL)
    *out_json = g_steal_pointer (&response->json);
  return elapsed;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gint64
median (gint64 *values,
        guint   n)
{
  qsort (values, n, sizeof (gint64), compare_gint64);
  return values[n / 2];
}

static void
bench_metrics (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (CONFIG, NULL);
  g_autofree char *token = fc_test_register (server, "bench@fitcore.test", PASSWORD, NULL);
  sqlite3 *db = open_db (server);
  gint64 metrics[N_ROUNDS], counts[N_ROUNDS], listed[N_ROUNDS];
  g_autofree char *metrics_path = NULL;
  double seconds;

  seconds = insert_points (db, 1, N_POINTS, 0, 1);
  g_test_message ("%d points written in %.1f s", N_POINTS, seconds);
  metrics_path = g_strdup_printf ("/api/v1/health/metrics/?data_type=heart_rate&bucket=day"
                                  "&tz=Europe/Berlin&from=2024-01-01&to=2026-01-01");

  for (guint round = 0; round < N_ROUNDS; round++) {
    g_autoptr(JsonNode) answer = NULL;
    sqlite3_stmt *stmt = NULL;
    JsonArray *results;
    gint64 total = 0, start;

    metrics[round] = timed_request (server, "GET", metrics_path, token, NULL, &answer);
    results = json_object_get_array_member (json_node_get_object (answer), "results");
    for (guint i = 0; i < json_array_get_length (results); i++)
      total += json_object_get_int_member (json_array_get_object_element (results, i), "count");
    g_assert_cmpint (total, ==, N_POINTS);

    start = g_get_monotonic_time ();
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM health_data WHERE user_id = 1"
                                             " AND data_type = 'heart_rate'", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, N_POINTS);
    sqlite3_finalize (stmt);
    counts[round] = g_get_monotonic_time () - start;

    listed[round] = timed_request (server, "GET",
                                   "/api/v1/health/data/?data_type=heart_rate&page_size=1",
                                   token, NULL, NULL);
  }

  {
    gint64 m = median (metrics, N_ROUNDS), c = median (counts, N_ROUNDS);
    gint64 l = median (listed, N_ROUNDS);

    g_test_message ("metrics/ by day over %d points: %.1f ms; SELECT count(*) over the same rows:"
                    " %.1f ms (ratio %.2f); GET data/?page_size=1 (count behind HTTP): %.1f ms"
                    " (ratio %.2f)", N_POINTS, m / 1000.0, c / 1000.0, (double) m / c,
                    l / 1000.0, (double) m / l);
    /* Aggregates on the covering index cost a few times a count over it;
     * reading the table, or the rows into C, costs far more. */
    g_assert_cmpfloat ((double) m / l, <, 12);
  }
  sqlite3_close (db);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
}

typedef struct {
  FcTestServer *server;
  const char   *token;
  const char   *body;
  gint64        elapsed;
  gint          done;
} SyncRun;

static gpointer
sync_thread (gpointer data)
{
  SyncRun *run = data;
  g_autoptr(JsonNode) answer = NULL;

  run->elapsed = timed_request (run->server, "POST", "/api/v1/health/sync/", run->token,
                                run->body, &answer);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "created"), ==,
                   N_SYNC);
  g_atomic_int_set (&run->done, 1);
  return NULL;
}

static void
bench_sync (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (CONFIG, NULL);
  g_autofree char *token = fc_test_register (server, "bench@fitcore.test", PASSWORD, NULL);
  /* User 2, whose rows the direct insert writes. */
  g_autofree char *other = fc_test_register (server, "other@fitcore.test", PASSWORD, NULL);
  g_autoptr(GString) body = g_string_new ("{\"points\":[");
  g_autoptr(FcTestServer) ping_server = NULL;
  sqlite3 *db = open_db (server);
  SyncRun run = { 0 };
  GThread *thread;
  gint64 worst_ping = 0;
  guint pings = 0;
  double direct;

  for (guint i = 0; i < N_SYNC; i++) {
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (START_S + i * 60);
    g_autofree char *recorded = g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");

    g_string_append_printf (body, "%s{\"data_type\":\"heart_rate\",\"value\":%u,"
                            "\"unit\":\"count/min\",\"recorded_at\":\"%s\","
                            "\"source\":\"com.apple.health\",\"client_id\":\"%08X-4F89-11D3-9A0C-0305E82C3301\"}",
                            i > 0 ? "," : "", 50 + (i * 7) % 100, recorded, i);
  }
  g_string_append (body, "]}");

  run.server = server;
  run.token = token;
  run.body = body->str;
  thread = g_thread_new ("sync", sync_thread, &run);
  /* The main loop while the upload runs: pings on their own connection. */
  while (!g_atomic_int_get (&run.done)) {
    g_autoptr(FcTestResponse) pong = NULL;
    gint64 start = g_get_monotonic_time ();

    pong = fc_test_request (server, "GET", "/api/v1/ping/", NULL, NULL);
    worst_ping = MAX (worst_ping, g_get_monotonic_time () - start);
    pings++;
    g_usleep (20000);
  }
  g_thread_join (thread);

  direct = insert_points (db, 2, N_SYNC, 0, 5000000);
  g_test_message ("sync/ of %d points: %.1f ms; the same rows in one SQLite transaction here:"
                  " %.1f ms (ratio %.2f); %u pings meanwhile, the slowest %.1f ms",
                  N_SYNC, run.elapsed / 1000.0, direct * 1000, run.elapsed / (direct * 1e6),
                  pings, worst_ping / 1000.0);
  /* JSON, validation, conversion and the idempotency check per point on
   * top of the insert: a few times the bare insert, not fifty. */
  g_assert_cmpfloat (run.elapsed / (direct * 1e6), <, 40);
  /* The upload runs on a worker: the loop answers pings meanwhile. Done
   * on the loop, the slowest ping waited for nearly all of it. */
  g_assert_cmpint (worst_ping, <, run.elapsed / 2);
  g_assert_nonnull (other);
  sqlite3_close (db);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bench/health/metrics", bench_metrics);
  g_test_add_func ("/bench/health/sync", bench_sync);

  return g_test_run ();
}
