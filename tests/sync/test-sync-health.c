/* test-sync-health.c — health points between the store and the real
 * fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counts what the server has (its database, read beside it) and the
 * requests it logged: a point added offline arrives once; an import goes
 * up in batches of at most 10,000 and a second import of the same points
 * sends nothing; a point another device makes comes down through the pull;
 * an edit and a deletion of an uploaded point reach the server; an idle
 * sync costs one small health request.
 */

#include "config.h"

#include <string.h>

#include "fc-health-import.h"
#include "fc-json.h"
#include "fc-store-health.h"
#include "sync-test-util.h"

#define HEALTH_SYNC_POST "POST /api/v1/health/sync/ "
#define HEALTH_DATA_GET "GET /api/v1/health/data/ "

static gint64
add_point (FcStore    *store,
           const char *json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) point = fc_json_parse_object (json, -1, NULL);
  GAsyncResult *slot = NULL;
  gint64 id;

  g_assert_nonnull (point);
  fc_store_health_add_async (store, point, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  id = fc_store_health_add_finish (store, result, &error);
  g_assert_no_error (error);
  return id;
}

static FcHealthImportCounts
import (FcStore *store,
        GArray  *points)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  FcHealthImportCounts counts = { 0 };

  fc_store_health_import_async (store, "apple-health", points, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_store_health_import_finish (store, result, &counts, &error));
  g_assert_no_error (error);
  return counts;
}

static gint64
server_points (FcTestServer *server,
               const char   *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM health_data WHERE %s", where);

  return sync_test_server_count (server, sql, NULL);
}

/* A signed-in demo session whose first sync is over, and its log empty. */
typedef struct {
  FcSession    *session;
  SyncTestLog  *log;
  FcTestServer *server;
  FcSyncEngine *engine;
  FcStore      *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->session = fc_session_new ();
  fixture->server = sync_test_start_demo (&fixture->log, fixture->session);
  fixture->engine = fc_session_get_sync_engine (fixture->session);
  fixture->store = fc_session_get_store (fixture->session);
  sync_test_wait_quiet (fixture->engine, 2500, 120);
  g_ptr_array_unref (sync_test_log_take (fixture->log));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->log, sync_test_log_free);
  g_clear_pointer (&fixture->server, fc_test_server_free);
}

/* Waits for the engine to be quiet and takes what it sent. */
static GPtrArray *
settle (Fixture    *fixture,
        const char *what)
{
  GPtrArray *lines;

  sync_test_wait_quiet (fixture->engine, 2500, 180);
  lines = sync_test_log_take (fixture->log);
  sync_test_log_lines (what, lines);
  return lines;
}

static void
test_offline_point_once (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) lines = NULL;
  const char *where = "data_type = 'weight' AND value = 81.25 AND source = 'manual'";

  /* Offline: nothing goes. */
  fc_sync_engine_stop (fixture->engine);
  add_point (fixture->store, "{\"data_type\": \"weight\", \"value\": 81.25, \"unit\": \"kg\", "
                             "\"recorded_at\": \"2026-01-05T07:00:00Z\"}");
  sync_test_sleep (500);
  lines = sync_test_log_take (fixture->log);
  g_assert_cmpuint (lines->len, ==, 0);
  g_assert_cmpint (server_points (fixture->server, where), ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* Online again: once, however many syncs follow. */
  fc_sync_engine_start (fixture->engine);
  lines = settle (fixture, "back online");
  g_assert_cmpuint (sync_test_lines_count (lines, HEALTH_SYNC_POST "200 "), ==, 1);
  g_assert_cmpint (server_points (fixture->server, where), ==, 1);
  g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM health_points "
                                                          "WHERE server_id IS NOT NULL "
                                                          "AND upload = 0"), ==, 1);
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = sync_test_background_sync (fixture->engine, fixture->log, "again");
  g_assert_cmpuint (sync_test_lines_count (lines, HEALTH_SYNC_POST), ==, 0);
  g_assert_cmpint (server_points (fixture->server, where), ==, 1);
  g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM health_points "
                                                          "WHERE value = 81.25"), ==, 1);
}

/* Online, a point goes at once, before any pull; one the server refuses
 * stays here with its reason and is not sent again. */
static void
test_push_first_and_refusal (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) after = NULL;

  add_point (fixture->store, "{\"data_type\": \"weight\", \"value\": 9999, \"unit\": \"kg\", "
                             "\"recorded_at\": \"2026-01-05T08:00:00Z\"}");
  lines = sync_test_log_take_until (fixture->log, HEALTH_SYNC_POST, 30);
  g_assert_nonnull (lines);
  sync_test_log_lines ("until the upload", lines);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_nonnull (strstr (lines->pdata[0], HEALTH_SYNC_POST "200 "));
  after = settle (fixture, "after the upload");
  g_assert_cmpint (server_points (fixture->server, "value = 9999"), ==, 0);
  g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM health_points "
                                                          "WHERE upload = 2 AND refusal LIKE "
                                                          "'%plausible%'"), ==, 1);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = sync_test_background_sync (fixture->engine, fixture->log, "again");
  g_assert_cmpuint (sync_test_lines_count (after, HEALTH_SYNC_POST), ==, 0);
}

/* A cursor the server does not know (here one from its future): the pull
 * starts again from 0, keeps the point not uploaded yet, and ends with
 * both devices' points, each once. */
static void
test_reset (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *token = fc_test_login (fixture->server, SYNC_TEST_DEMO_EMAIL,
                                          SYNC_TEST_DEMO_PASSWORD, NULL);
  g_autoptr(FcTestResponse) created = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *cursor = NULL;

  fc_sync_engine_stop (fixture->engine);
  created = fc_test_request (fixture->server, "POST", "/api/v1/health/data/", token,
                             "{\"data_type\": \"water\", \"value\": 750, \"unit\": \"ml\", "
                             "\"recorded_at\": \"2026-01-07T12:00:00Z\"}");
  g_assert_cmpuint (created->status, ==, 201);
  sync_test_set_sync_value (fixture->store, FC_STORE_HEALTH_CURSOR_KEY, "h1.999999999");
  add_point (fixture->store, "{\"data_type\": \"water\", \"value\": 200, \"unit\": \"ml\", "
                             "\"recorded_at\": \"2026-01-07T13:00:00Z\"}");
  g_ptr_array_unref (sync_test_log_take (fixture->log));

  fc_sync_engine_start (fixture->engine);
  lines = settle (fixture, "reset");
  g_assert_cmpuint (sync_test_lines_count (lines, HEALTH_DATA_GET), >=, 2);
  g_assert_null (fc_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpint (server_points (fixture->server, "data_type = 'water'"), ==, 2);
  g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM health_points "
                                                          "WHERE data_type = 'water' "
                                                          "AND upload = 0 "
                                                          "AND server_id IS NOT NULL"), ==, 2);
  g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM health_points "
                                                          "WHERE data_type = 'water'"), ==, 2);
  cursor = sync_test_get_sync_value (fixture->store, FC_STORE_HEALTH_CURSOR_KEY);
  g_assert_cmpstr (cursor, !=, "h1.999999999");
  g_assert_cmpstr (cursor, !=, "0");
}

/* 20,001 heart-rate points, one a minute from 2025-02-01. */
static GArray *
make_import (guint n)
{
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (FcHealthPoint), n);
  gint64 start = G_GINT64_CONSTANT (1738368000) * G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++) {
    FcHealthPoint p = { "heart_rate", "bpm", NULL, 50 + i % 90,
                        start + (gint64) i * 60 * G_USEC_PER_SEC, "" };

    g_snprintf (p.client_id, sizeof p.client_id, "%032x", i + 1);
    g_array_append_val (points, p);
  }
  return points;
}

static void
test_import_batches (Fixture       *fixture,
                     gconstpointer  data)
{
  const guint n = 2 * 10000 + 1;
  g_autoptr(GArray) points = make_import (n);
  g_autoptr(GPtrArray) lines = NULL;
  FcHealthImportCounts counts;

  /* In the importer's batches of 5,000; the engine uploads in 10,000s. */
  fc_sync_engine_stop (fixture->engine);
  for (guint i = 0; i < n; i += 5000) {
    g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));

    g_array_append_vals (batch, &g_array_index (points, FcHealthPoint, i), MIN (5000, n - i));
    counts = import (fixture->store, batch);
    g_assert_cmpuint (counts.added, ==, batch->len);
  }
  /* No outbox row per point. */
  g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM outbox"), ==, 0);
  fc_sync_engine_start (fixture->engine);
  lines = settle (fixture, "import");
  g_assert_cmpuint (sync_test_lines_count (lines, HEALTH_SYNC_POST "200 "), ==, (n + 9999) / 10000);
  g_assert_cmpuint (sync_test_lines_count (lines, HEALTH_SYNC_POST), ==, (n + 9999) / 10000);
  g_assert_cmpint (server_points (fixture->server, "source = 'apple-health'"), ==, n);
  g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM health_points "
                                                          "WHERE upload = 0 "
                                                          "AND server_id IS NOT NULL"), ==, n);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* Again: nothing new here, nothing sent, nothing new there. */
  counts = import (fixture->store, points);
  g_assert_cmpuint (counts.added, ==, 0);
  g_assert_cmpuint (counts.unchanged, ==, n);
  lines = sync_test_background_sync (fixture->engine, fixture->log, "re-import");
  g_assert_cmpuint (sync_test_lines_count (lines, HEALTH_SYNC_POST), ==, 0);
  g_assert_cmpint (server_points (fixture->server, "source = 'apple-health'"), ==, n);
  g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM health_points"),
                   ==, n);
}

/* Another device's point arrives through the pull; an edit and a deletion
 * here reach the server; an idle sync is one small health request. */
static void
test_other_device_edit_delete_idle (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *token = fc_test_login (fixture->server, SYNC_TEST_DEMO_EMAIL,
                                          SYNC_TEST_DEMO_PASSWORD, NULL);
  g_autoptr(FcTestResponse) created = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  gint64 server_id = 0, local_id;

  created = fc_test_request (fixture->server, "POST", "/api/v1/health/data/", token,
                             "{\"data_type\": \"steps\", \"value\": 4321, \"unit\": \"count\", "
                             "\"recorded_at\": \"2026-01-06T18:00:00Z\", \"source\": \"phone\", "
                             "\"client_id\": \"other-device-1\"}");
  g_assert_cmpuint (created->status, ==, 201);
  g_assert_true (fc_json_get_int (fc_test_response_object (created), "id", &server_id));

  lines = sync_test_background_sync (fixture->engine, fixture->log, "pull");
  g_assert_cmpuint (sync_test_lines_count (lines, HEALTH_DATA_GET), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM health_points WHERE "
                                            "server_id = %" G_GINT64_FORMAT " AND value = 4321 "
                                            "AND source = 'phone' AND upload = 0", server_id);

    g_assert_cmpint (sync_test_store_count (fixture->store, sql), ==, 1);
  }
  local_id = sync_test_store_count (fixture->store, "SELECT id FROM health_points "
                                                    "WHERE value = 4321");
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* The edit: a PATCH of that point. */
  {
    g_autoptr(JsonObject) changes = fc_json_parse_object ("{\"value\": 5000}", -1, NULL);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    GAsyncResult *slot = NULL;
    g_autofree char *patch = g_strdup_printf ("PATCH /api/v1/health/data/%" G_GINT64_FORMAT "/ 200",
                                              server_id);

    fc_store_health_update_async (fixture->store, local_id, changes, NULL, sync_test_done_cb,
                                  &slot);
    result = sync_test_wait (&slot);
    g_assert_true (fc_store_health_update_finish (fixture->store, result, &error));
    lines = settle (fixture, "edit");
    g_assert_cmpuint (sync_test_lines_count (lines, patch), ==, 1);
    g_assert_cmpint (server_points (fixture->server, "value = 5000 AND source = 'phone'"), ==, 1);
    g_clear_pointer (&lines, g_ptr_array_unref);
  }

  /* The deletion: a DELETE, and the point is gone on both sides. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) deleted = NULL;
    GAsyncResult *slot = NULL;
    g_autofree char *delete = g_strdup_printf ("DELETE /api/v1/health/data/%" G_GINT64_FORMAT "/ 204",
                                               server_id);

    fc_store_health_delete_async (fixture->store, local_id, NULL, sync_test_done_cb, &slot);
    result = sync_test_wait (&slot);
    deleted = fc_store_health_delete_finish (fixture->store, result, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (json_object_get_double_member (deleted, "value"), ==, 5000);
    lines = settle (fixture, "delete");
    g_assert_cmpuint (sync_test_lines_count (lines, delete), ==, 1);
    g_assert_cmpint (server_points (fixture->server, "source = 'phone'"), ==, 0);
    g_assert_cmpint (sync_test_store_count (fixture->store, "SELECT count(*) FROM health_points"),
                     ==, 0);
    g_clear_pointer (&lines, g_ptr_array_unref);
  }

  /* Idle: one small GET of health data, nothing else of health. */
  lines = sync_test_background_sync (fixture->engine, fixture->log, "idle");
  g_assert_cmpuint (sync_test_lines_count (lines, "/api/v1/health/"), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, HEALTH_DATA_GET), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/sync/health/offline-point-once", Fixture, NULL, fixture_set_up,
              test_offline_point_once, fixture_tear_down);
  g_test_add ("/sync/health/push-first-and-refusal", Fixture, NULL, fixture_set_up,
              test_push_first_and_refusal, fixture_tear_down);
  g_test_add ("/sync/health/reset", Fixture, NULL, fixture_set_up, test_reset,
              fixture_tear_down);
  g_test_add ("/sync/health/import-batches", Fixture, NULL, fixture_set_up,
              test_import_batches, fixture_tear_down);
  g_test_add ("/sync/health/other-device-edit-delete-idle", Fixture, NULL, fixture_set_up,
              test_other_device_edit_delete_idle, fixture_tear_down);

  return g_test_run ();
}
