/* test-health-import.c — Apple Health's export.xml read into health points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counts, sums and times of a generated export against the ones its
 * generator (gen-apple-health-export.py) computed on its own, conversions
 * record by record, a broken file's error, a cancel that stops the reading,
 * and the same ids for the same file read twice.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fc-health-import.h"

typedef struct {
  GMainLoop              *loop;
  GArray                 *points;     /* every point, in order */
  guint                   n_batches;
  guint                   max_batch;
  guint                   cancel_after;   /* cancel in this batch, 0 never */
  guint                   batches_after_cancel;
  GCancellable           *cancellable;
  FcHealthImportProgress  last_progress;
  FcHealthImportProgress  progress;
  gboolean                ok;
  GError                 *error;
} Run;

static void
batch_cb (GArray                       *points,
          const FcHealthImportProgress *progress,
          gpointer                      user_data)
{
  Run *run = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (g_cancellable_is_cancelled (run->cancellable))
    run->batches_after_cancel++;
  run->n_batches++;
  run->max_batch = MAX (run->max_batch, points->len);
  g_array_append_vals (run->points, points->data, points->len);
  /* The counts only grow, and say how many points came so far */
  g_assert_cmpuint (progress->records_seen, >=, run->last_progress.records_seen);
  g_assert_cmpuint (progress->bytes_read, >=, run->last_progress.bytes_read);
  g_assert_cmpuint (progress->points_kept, ==, run->points->len);
  run->last_progress = *progress;
  if (run->cancel_after != 0 && run->n_batches == run->cancel_after)
    g_cancellable_cancel (run->cancellable);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;

  run->ok = fc_health_import_finish (result, &run->progress, &run->error);
  g_main_loop_quit (run->loop);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_pointer (&run->points, g_array_unref);
  g_clear_object (&run->cancellable);
  g_clear_error (&run->error);
}

static void
run_import (Run        *run,
            const char *path,
            guint       batch_size,
            guint       cancel_after)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  memset (run, 0, sizeof *run);
  run->loop = g_main_loop_new (NULL, FALSE);
  run->points = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));
  run->cancellable = g_cancellable_new ();
  run->cancel_after = cancel_after;
  fc_health_import_async (file, batch_size, batch_cb, run, NULL, run->cancellable,
                          import_done_cb, run);
  g_main_loop_run (run->loop);
}

/* The program's own directory: the fixture is made once for every test */
static char *tmp_dir;

static char *
write_temp (const char *name,
            const char *contents)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* The generated fixture, once per test program: 5,000 records */
static const char *
fixture_path (JsonObject **out_expect)
{
  static char *path;
  static JsonNode *expect;

  if (path == NULL) {
    g_autofree char *expect_path = NULL;
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    int status = 0;
    const char *argv[] = { "python3", GEN_SCRIPT, "--seed", "12", "--records", "5000", NULL, NULL, NULL };

    path = g_build_filename (tmp_dir, "export.xml", NULL);
    expect_path = g_build_filename (tmp_dir, "export-expect.json", NULL);
    argv[6] = path;
    argv[7] = expect_path;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                  &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("the generator failed: %s", err);
    json_parser_load_from_file (parser, expect_path, &error);
    g_assert_no_error (error);
    expect = json_node_ref (json_parser_get_root (parser));
  }
  if (out_expect != NULL)
    *out_expect = json_node_get_object (expect);
  return path;
}

static void
test_counts (void)
{
  JsonObject *expect;
  const char *path = fixture_path (&expect);
  JsonObject *types = json_object_get_object_member (expect, "types");
  JsonObject *refused = json_object_get_object_member (expect, "refused");
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) names = NULL;
  guint64 expected_kept = 0;
  Run run;

  run_import (&run, path, 1000, 0);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);

  for (guint i = 0; i < run.points->len; i++) {
    FcHealthPoint *p = &g_array_index (run.points, FcHealthPoint, i);
    g_assert_cmpuint (strlen (p->client_id), ==, 32);
    g_hash_table_add (ids, p->client_id);
  }

  names = json_object_get_members (types);
  for (GList *l = names; l != NULL; l = l->next) {
    JsonObject *t = json_object_get_object_member (types, l->data);
    gint64 count = json_object_get_int_member (t, "count");
    double sum = json_object_get_double_member (t, "sum");
    gint64 sum_at = json_object_get_int_member (t, "sum_recorded_at");
    gint64 n = 0, at = 0;
    double s = 0;

    for (guint i = 0; i < run.points->len; i++) {
      FcHealthPoint *p = &g_array_index (run.points, FcHealthPoint, i);
      if (strcmp (p->data_type, l->data) != 0)
        continue;
      n++;
      s += p->value;
      at += p->recorded_at / G_USEC_PER_SEC;
      g_assert_cmpint (p->recorded_at % G_USEC_PER_SEC, ==, 0);
      g_assert_true ((p->stage != NULL) == (strcmp (p->data_type, "sleep") == 0));
    }
    g_test_message ("%s: %" G_GINT64_FORMAT " points", (char *) l->data, n);
    g_assert_cmpint (n, ==, count);
    g_assert_cmpfloat_with_epsilon (s, sum, fabs (sum) * 1e-9 + 1e-9);
    /* Every time converted from its local offset to UTC, to the second:
     * the fixture has points on both sides of each change of the clocks */
    g_assert_cmpint (at, ==, sum_at);
    expected_kept += count;
  }
  g_assert_cmpuint (names != NULL ? g_list_length (names) : 0, ==, 8);

  g_assert_cmpuint (run.points->len, ==, expected_kept);
  g_assert_cmpuint (run.progress.points_kept, ==, expected_kept);
  g_assert_cmpuint (run.progress.records_seen, ==, json_object_get_int_member (expect, "records"));
  g_assert_cmpuint (run.progress.skipped, ==, json_object_get_int_member (expect, "skipped"));
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_UNIT], ==,
                    json_object_get_int_member (refused, "unit"));
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_VALUE], ==,
                    json_object_get_int_member (refused, "value"));
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_DATE], ==,
                    json_object_get_int_member (refused, "date"));
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_RANGE], ==,
                    json_object_get_int_member (refused, "range"));
  g_assert_cmpuint (run.progress.refused, ==,
                    run.progress.records_seen - run.progress.skipped - run.progress.points_kept);
  /* Duplicates share an id, the same sample from two sources does not */
  g_assert_cmpuint (g_hash_table_size (ids), ==, json_object_get_int_member (expect, "distinct_ids"));
  g_assert_cmpuint (g_hash_table_size (ids), <, run.points->len);

  g_assert_cmpuint (run.max_batch, ==, 1000);
  g_assert_cmpuint (run.progress.bytes_read, ==, run.progress.bytes_total);
  run_clear (&run);
}

static const FcHealthPoint *
find (GArray     *points,
      const char *data_type)
{
  for (guint i = 0; i < points->len; i++) {
    if (strcmp (g_array_index (points, FcHealthPoint, i).data_type, data_type) == 0)
      return &g_array_index (points, FcHealthPoint, i);
  }
  g_error ("no %s point", data_type);
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HealthData locale=\"en_US\">\n"
#define R(type, unit, start, end, value) \
  " <Record type=\"HKQuantityTypeIdentifier" type "\" sourceName=\"Scale\" unit=\"" unit \
  "\" startDate=\"" start "\" endDate=\"" end "\" value=\"" value "\"/>\n"

static void
test_units (void)
{
  g_autofree char *path = write_temp ("units.xml",
    HEAD
    R ("BodyMass", "lb", "2024-03-31 03:30:00 +0200", "2024-03-31 03:30:00 +0200", "154.3")
    R ("DistanceWalkingRunning", "km", "2024-10-27 02:30:00 +0200", "2024-10-27 02:40:00 +0100", "1.5")
    R ("ActiveEnergyBurned", "kJ", "2024-01-01 10:00:00 -0500", "2024-01-01 10:10:00 -0500", "418.4")
    R ("HeartRate", "count/min", "2024-01-01 10:00:00 +0000", "2024-01-01 10:00:00 +0000", "62")
    R ("RestingHeartRate", "count/min", "2024-01-02 10:00:00 +0000", "2024-01-02 10:00:00 +0000", "48")
    R ("BodyFatPercentage", "%", "2024-01-01 07:00:00 +0100", "2024-01-01 07:00:00 +0100", "0.215")
    R ("StepCount", "count", "2024-01-01 07:00:00 +0100", "2024-01-01 07:05:00 +0100", "312")
    " <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\" sourceName=\"Watch\" "
    "startDate=\"2024-03-30 23:10:00 +0100\" endDate=\"2024-03-31 06:40:00 +0200\" "
    "value=\"HKCategoryValueSleepAnalysisAsleepDeep\"/>\n"
    /* Refused: a unit of the wrong kind, a body fat of 90 %, a bad date */
    R ("BodyMass", "km", "2024-01-01 07:00:00 +0100", "2024-01-01 07:00:00 +0100", "70")
    R ("BodyFatPercentage", "%", "2024-01-01 07:00:00 +0100", "2024-01-01 07:00:00 +0100", "0.9")
    R ("HeartRate", "count/min", "2024-02-30 10:00:00 +0000", "2024-02-30 10:00:00 +0000", "62")
    "</HealthData>\n");
  const FcHealthPoint *p;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *json_text = NULL;
  Run run;

  run_import (&run, path, 0, 0);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.points->len, ==, 8);

  p = find (run.points, "weight");
  g_assert_cmpfloat_with_epsilon (p->value, 69.98930269, 1e-6);
  g_assert_cmpstr (p->unit, ==, "kg");
  /* 03:30 at +02:00, half an hour after the clocks went forward */
  g_assert_cmpint (p->recorded_at, ==, G_GINT64_CONSTANT (1711848600) * G_USEC_PER_SEC);

  p = find (run.points, "distance");
  g_assert_cmpfloat_with_epsilon (p->value, 1500, 1e-9);
  g_assert_cmpstr (p->unit, ==, "m");
  /* An amount is at its end: 02:40 the second time, at +01:00 (01:40Z) */
  g_assert_cmpint (p->recorded_at, ==, G_GINT64_CONSTANT (1729993200) * G_USEC_PER_SEC);

  p = find (run.points, "active_energy");
  g_assert_cmpfloat_with_epsilon (p->value, 100, 1e-9);
  g_assert_cmpstr (p->unit, ==, "kcal");
  g_assert_cmpint (p->recorded_at, ==, G_GINT64_CONSTANT (1704121800) * G_USEC_PER_SEC);

  p = find (run.points, "heart_rate");
  g_assert_cmpfloat (p->value, ==, 62);
  g_assert_cmpstr (p->unit, ==, "bpm");

  p = find (run.points, "resting_heart_rate");
  g_assert_cmpfloat (p->value, ==, 48);

  p = find (run.points, "body_fat");
  g_assert_cmpfloat_with_epsilon (p->value, 21.5, 1e-9);
  g_assert_cmpstr (p->unit, ==, "%");

  p = find (run.points, "steps");
  g_assert_cmpfloat (p->value, ==, 312);
  g_assert_cmpstr (p->unit, ==, "count");

  /* 23:10 +01:00 to 06:40 +02:00 is 6 h 30 min, not 7 h 30 */
  p = find (run.points, "sleep");
  g_assert_cmpfloat (p->value, ==, 390);
  g_assert_cmpstr (p->unit, ==, "min");
  g_assert_cmpstr (p->stage, ==, "deep");
  g_assert_cmpint (p->recorded_at, ==, G_GINT64_CONSTANT (1711860000) * G_USEC_PER_SEC);

  json = fc_health_point_to_json (p);
  json_text = json_to_string (json, FALSE);
  g_assert_true (strstr (json_text, "\"recorded_at\":\"2024-03-31T04:40:00Z\"") != NULL);
  g_assert_true (strstr (json_text, "\"source\":\"apple-health\"") != NULL);
  g_assert_true (strstr (json_text, "\"stage\":\"deep\"") != NULL);
  g_assert_true (strstr (json_text, p->client_id) != NULL);

  g_assert_cmpuint (run.progress.refused, ==, 3);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_UNIT], ==, 1);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_RANGE], ==, 1);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_DATE], ==, 1);
  run_clear (&run);
}

static void
test_malformed (void)
{
  g_autofree char *cut = write_temp ("cut.xml",
    HEAD
    R ("HeartRate", "count/min", "2024-01-01 10:00:00 +0000", "2024-01-01 10:00:00 +0000", "62")
    R ("HeartRate", "count/min", "2024-01-01 10:01:00 +0000", "2024-01-01 10:01:00 +0000", "63")
    " <Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"Watch\" unit=\"count/");
  g_autofree char *other = write_temp ("other.xml",
    "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\"><trk/></gpx>\n");
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.xml", NULL);
  Run run;

  /* Cut short: an error naming the line, after the two whole records */
  run_import (&run, cut, 0, 0);
  g_assert_false (run.ok);
  g_assert_error (run.error, FC_HEALTH_IMPORT_ERROR, FC_HEALTH_IMPORT_ERROR_MALFORMED);
  g_test_message ("%s", run.error->message);
  g_assert_true (strstr (run.error->message, "cut.xml") != NULL);
  g_assert_true (strstr (run.error->message, "line 5") != NULL);
  g_assert_cmpuint (run.points->len, ==, 2);
  run_clear (&run);

  run_import (&run, other, 0, 0);
  g_assert_error (run.error, FC_HEALTH_IMPORT_ERROR, FC_HEALTH_IMPORT_ERROR_NOT_AN_EXPORT);
  g_assert_cmpuint (run.points->len, ==, 0);
  run_clear (&run);

  run_import (&run, missing, 0, 0);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  run_clear (&run);
}

static void
test_cancel (void)
{
  JsonObject *expect;
  const char *path = fixture_path (&expect);
  Run run;

  /* Batches of 100, cancelled in the second: the worker is at most two
   * batches ahead, so it stops long before the 5,000th record */
  run_import (&run, path, 100, 2);
  g_assert_false (run.ok);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.batches_after_cancel, ==, 0);
  g_assert_cmpuint (run.n_batches, ==, 2);
  g_assert_cmpuint (run.points->len, ==, 200);
  g_assert_cmpuint (run.progress.points_kept, <=, 500);
  g_assert_cmpuint (run.progress.records_seen, <, json_object_get_int_member (expect, "records") / 4);
  run_clear (&run);
}

static void
test_same_ids (void)
{
  const char *path = fixture_path (NULL);
  Run first, second;

  /* Other batch sizes, the same points with the same ids in the same order */
  run_import (&first, path, 777, 0);
  run_import (&second, path, 0, 0);
  g_assert_no_error (first.error);
  g_assert_no_error (second.error);
  g_assert_cmpuint (first.points->len, ==, second.points->len);
  g_assert_cmpuint (first.points->len, >, 4000);
  for (guint i = 0; i < first.points->len; i++) {
    FcHealthPoint *a = &g_array_index (first.points, FcHealthPoint, i);
    FcHealthPoint *b = &g_array_index (second.points, FcHealthPoint, i);
    g_assert_cmpstr (a->client_id, ==, b->client_id);
    g_assert_cmpfloat (a->value, ==, b->value);
    g_assert_cmpint (a->recorded_at, ==, b->recorded_at);
  }
  run_clear (&first);
  run_clear (&second);
}

/* A zip as the Health app writes it (the CDA file first, routes after),
 * or with no export.xml when @xml is NULL; @stored_zip64 stores the XML
 * uncompressed, with ZIP64 headers, among 65,538 members */
static char *
make_zip (const char *name,
          const char *xml,
          gboolean    stored_zip64)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  const char *script =
    "import sys, zipfile\n"
    "path, xml, stored = sys.argv[1], sys.argv[2], sys.argv[3] == '1'\n"
    "method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED\n"
    "with zipfile.ZipFile(path, 'w', method) as z:\n"
    "    z.writestr('apple_health_export/export_cda.xml', '<ClinicalDocument/>' * 100)\n"
    "    if xml:\n"
    "        with open(xml, 'rb') as f, z.open('apple_health_export/export.xml', 'w',\n"
    "                                           force_zip64=stored) as m:\n"
    "            m.write(f.read())\n"
    "    z.writestr('apple_health_export/workout-routes/route_2023-06-02_6.28pm.gpx', '<gpx/>')\n"
    /* More than 65,535 members: the end of the central directory is ZIP64's */
    "    for i in range(65536 if stored else 0):\n"
    "        z.writestr('apple_health_export/electrocardiograms/ecg_%d.csv' % i, '')\n";
  const char *argv[] = { "python3", "-c", script, path, xml != NULL ? xml : "",
                         stored_zip64 ? "1" : "0", NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
test_zip (void)
{
  const char *xml = fixture_path (NULL);
  g_autofree char *deflated = make_zip ("export.zip", xml, FALSE);
  g_autofree char *stored = make_zip ("export64.zip", xml, TRUE);
  g_autofree char *empty = make_zip ("other.zip", NULL, FALSE);
  Run plain, zipped, zipped64, none;

  /* The same points as the XML read on its own, with the same ids */
  run_import (&plain, xml, 0, 0);
  run_import (&zipped, deflated, 0, 0);
  run_import (&zipped64, stored, 0, 0);
  g_assert_no_error (zipped.error);
  g_assert_no_error (zipped64.error);
  g_assert_cmpuint (plain.points->len, >, 4000);
  g_assert_cmpuint (zipped.points->len, ==, plain.points->len);
  g_assert_cmpuint (zipped64.points->len, ==, plain.points->len);
  g_assert_cmpmem (zipped.points->data, zipped.points->len * sizeof (FcHealthPoint),
                   plain.points->data, plain.points->len * sizeof (FcHealthPoint));
  g_assert_cmpmem (zipped64.points->data, zipped64.points->len * sizeof (FcHealthPoint),
                   plain.points->data, plain.points->len * sizeof (FcHealthPoint));
  /* Progress counts the zip's bytes, not the inflated XML's */
  g_assert_cmpuint (zipped.progress.bytes_read, <=, zipped.progress.bytes_total);
  g_assert_cmpuint (zipped.progress.bytes_read, >, zipped.progress.bytes_total / 2);
  g_assert_cmpuint (zipped.progress.bytes_total, <, plain.progress.bytes_total / 3);

  run_import (&none, empty, 0, 0);
  g_assert_error (none.error, FC_HEALTH_IMPORT_ERROR, FC_HEALTH_IMPORT_ERROR_NOT_AN_EXPORT);
  g_assert_cmpuint (none.points->len, ==, 0);

  run_clear (&plain);
  run_clear (&zipped);
  run_clear (&zipped64);
  run_clear (&none);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tmp_dir = g_dir_make_tmp ("fc-health-import-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/health/import/counts", test_counts);
  g_test_add_func ("/health/import/units", test_units);
  g_test_add_func ("/health/import/malformed", test_malformed);
  g_test_add_func ("/health/import/cancel", test_cancel);
  g_test_add_func ("/health/import/same-ids", test_same_ids);
  g_test_add_func ("/health/import/zip", test_zip);

  ret = g_test_run ();

  dir = g_dir_open (tmp_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
