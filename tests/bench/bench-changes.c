/* bench-changes.c — an idle GET /api/v1/changes/ at 50,000 foods, against ping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 11: "one idle periodic sync at 50,000 foods: ≤ 3 requests, a few
 * ms". A real fitcore-server gets 50,000 public foods written straight into
 * its database (through the change feed's triggers, as if staff had added
 * them), and then answers, interleaved, GET /api/v1/ping/ (authentication
 * and JSON, no work: the baseline) and an idle GET /api/v1/changes/ from
 * the newest cursor. The ratio of the medians is what this prints; the
 * bound is generous for a loaded machine, and it fails if the feed reads
 * the foods (that costs tens of milliseconds at this size, not tenths).
 */

#include "config.h"

#include <sqlite3.h>

#include "fc-json.h"
#include "fc-test-server.h"

#define N_FOODS 50000
#define N_ROUNDS 200
#define PASSWORD "Correct-Horse-77"

static void
seed_foods (FcTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "fitcore.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO foods (name, description, calories, protein,"
                                       " carbohydrates, fat, food_category, is_public, created_at,"
                                       " updated_at) VALUES (?1, 'Seeded', ?2, 1, 2, 3, 'OT', 1,"
                                       " '2026-11-25T10:00:00Z', '2026-11-25T10:00:00Z')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < N_FOODS; i++) {
    g_autofree char *name = g_strdup_printf ("Bench food %05u", i);

    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double (stmt, 2, 50 + i % 400);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_reset (stmt);
  }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
timed_get (FcTestServer *server,
           const char   *path,
           const char   *token,
           gsize        *out_size)
{
  gint64 start = g_get_monotonic_time ();
  FcTestResponse *response = fc_test_request (server, "GET", path, token, NULL);
  gint64 elapsed = g_get_monotonic_time () - start;

  g_assert_cmpuint (response->status, ==, 200);
  if (out_size != NULL)
    *out_size = g_bytes_get_size (response->body);
  fc_test_response_free (response);
  return elapsed;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
median_ms (GArray *samples)
{
  g_array_sort (samples, compare_gint64);
  return g_array_index (samples, gint64, samples->len / 2) / 1000.0;
}

static void
test_idle_changes (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start ("[server]\npassword_iterations=1000\n",
                                                         NULL);
  g_autofree char *token = fc_test_register (server, "bench@fitcore.test", PASSWORD, NULL);
  g_autoptr(GArray) ping = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) idle = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  double ping_ms, idle_ms;
  gsize size = 0;

  seed_foods (server);
  {
    FcTestResponse *response = fc_test_request (server, "GET", "/api/v1/changes/", token, NULL);
    JsonObject *page = fc_test_response_object (response);

    g_assert_true (json_object_get_boolean_member (page, "reset"));
    path = g_strdup_printf ("/api/v1/changes/?since=%s", fc_json_get_string (page, "cursor"));
    expected = g_strdup_printf ("{\"cursor\":\"%s\",\"has_more\":false,\"reset\":false,"
                                "\"changes\":[]}", fc_json_get_string (page, "cursor"));
    fc_test_response_free (response);
  }

  /* Warm both paths, then interleave so that load hits both alike. */
  timed_get (server, "/api/v1/ping/", token, NULL);
  timed_get (server, path, token, NULL);
  for (guint i = 0; i < N_ROUNDS; i++) {
    gint64 t;

    t = timed_get (server, "/api/v1/ping/", token, NULL);
    g_array_append_val (ping, t);
    t = timed_get (server, path, token, &size);
    g_array_append_val (idle, t);
  }
  g_assert_cmpuint (size, ==, strlen (expected));

  ping_ms = median_ms (ping);
  idle_ms = median_ms (idle);
  g_test_message ("idle GET changes/ at %d foods: median %.2f ms, %" G_GSIZE_FORMAT " bytes;"
                  " baseline GET ping/: median %.2f ms; ratio %.2f",
                  N_FOODS, idle_ms, size, ping_ms, idle_ms / ping_ms);
  g_assert_cmpfloat (idle_ms / ping_ms, <=, 4.0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bench/changes/idle-50000-foods", test_idle_changes);
  return g_test_run ();
}
