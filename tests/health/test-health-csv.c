/* test-health-csv.c — CSV files and Google Fit's daily summaries read into health points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fixture files written by the test: every refusal with its reason and
 * sentence, conversions checked against constants written here, the
 * columns found from a header or from the data, a mapping changed by the
 * person, the same ids for the same file read twice, Google Fit's Daily
 * Summaries.csv (the header as Takeout writes it) and its per-day files,
 * and 200,000 rows in the memory 20,000 take. Runs with TZ=UTC (test_env).
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fc-health-csv.h"

#define LB_KG 0.45359237
#define GLUCOSE_G_PER_MOL 180.156

typedef struct {
  GMainLoop              *loop;
  GArray                 *points;      /* every point, unless counting only */
  gboolean                count_only;
  guint64                 n_points;
  GCancellable           *cancellable;
  FcHealthImportProgress  progress;
  FcHealthCsvFormat       format;
  gboolean                ok;
  GError                 *error;
} Run;

static void
batch_cb (GArray                       *points,
          const FcHealthImportProgress *progress,
          gpointer                      user_data)
{
  Run *run = user_data;

  run->n_points += points->len;
  if (!run->count_only)
    g_array_append_vals (run->points, points->data, points->len);
  g_assert_cmpuint (progress->points_kept, ==, run->n_points);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;

  run->ok = fc_health_csv_import_finish (result, &run->format, &run->progress, &run->error);
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
run_import_sized (Run                      *run,
                  const char               *path,
                  const FcHealthCsvMapping *mapping,
                  gboolean                  count_only,
                  guint                     batch_size)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  memset (run, 0, sizeof *run);
  run->loop = g_main_loop_new (NULL, FALSE);
  run->points = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));
  run->count_only = count_only;
  run->cancellable = g_cancellable_new ();
  fc_health_csv_import_async (file, mapping, batch_size, batch_cb, run, NULL, run->cancellable,
                              import_done_cb, run);
  g_main_loop_run (run->loop);
}

static void
run_import (Run                      *run,
            const char               *path,
            const FcHealthCsvMapping *mapping,
            gboolean                  count_only)
{
  run_import_sized (run, path, mapping, count_only, 0);
}

static void
preview_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static FcHealthCsvPreview *
preview (const char                *path,
         const FcHealthCsvMapping  *mapping,
         guint                      n_rows,
         GError                   **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  fc_health_csv_preview_async (file, mapping, n_rows, NULL, preview_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return fc_health_csv_preview_finish (result, error);
}

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

static gint64
utc (int y, int mo, int d, int h, int mi, int s)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, s);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static const FcHealthPoint *
point_at (Run   *run,
          guint  i)
{
  g_assert_cmpuint (i, <, run->points->len);
  return &g_array_index (run->points, FcHealthPoint, i);
}

/* One row of each kind, good and bad */
static const char points_csv[] =
  "date,type,value,unit\n"
  "2024-03-01 07:30,weight,72.5,kg\n"                     /* 2: kept */
  "2024-03-02T07:30:00+02:00,Weight,160,lb\n"             /* 3: kept, offset */
  "2024-03-02,steps,8432,\n"                              /* 4: kept, end of day */
  "2024-03-03,blood glucose,95,mg/dL\n"                   /* 5: kept */
  "2024-03-03,height,\"5'11\"\"\",ft_in\n"                /* 6: kept, quoted */
  "\n"                                                    /* 7: blank, not a row */
  "2024-03-04,weight,72.5,furlong\n"                      /* 8: unit */
  "2024-03-04,weight,seventy,kg\n"                        /* 9: value */
  "04/03/2024,weight,72.5,kg\n"                           /* 10: date */
  "2024-03-04,weight,7250,kg\n"                           /* 11: range */
  "2024-03-04,steps,10.5,count\n"                         /* 12: range (whole) */
  "2024-03-04,mood,5,\n"                                  /* 13: type */
  "2024-03-04,weight\n"                                   /* 14: columns */
  "2999-01-01,weight,72.5,kg\n"                           /* 15: date (future) */
  "\"2024-03-05\",\"heart rate\",\"61\",\"count/min\"\r\n"; /* 16: kept, CRLF */

static void
test_points (void)
{
  g_autofree char *path = write_temp ("points.csv", points_csv);
  Run run;

  run_import (&run, path, NULL, FALSE);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpint (run.format, ==, FC_HEALTH_CSV_FORMAT_POINTS);

  g_assert_cmpuint (run.progress.records_seen, ==, 14);
  g_assert_cmpuint (run.progress.points_kept, ==, 6);
  g_assert_cmpuint (run.points->len, ==, 6);
  g_assert_cmpuint (run.progress.refused, ==, 8);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_UNIT], ==, 1);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_VALUE], ==, 1);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_DATE], ==, 2);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_RANGE], ==, 2);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_TYPE], ==, 1);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_COLUMNS], ==, 1);
  g_assert_cmpuint (run.progress.bytes_read, ==, strlen (points_csv));
  g_assert_cmpuint (run.progress.bytes_total, ==, strlen (points_csv));

  g_assert_cmpstr (point_at (&run, 0)->data_type, ==, "weight");
  g_assert_cmpstr (point_at (&run, 0)->unit, ==, "kg");
  g_assert_cmpfloat (point_at (&run, 0)->value, ==, 72.5);
  g_assert_cmpint (point_at (&run, 0)->recorded_at, ==, utc (2024, 3, 1, 7, 30, 0));

  g_assert_cmpfloat_with_epsilon (point_at (&run, 1)->value, 160 * LB_KG, 1e-9);
  g_assert_cmpint (point_at (&run, 1)->recorded_at, ==, utc (2024, 3, 2, 5, 30, 0));

  /* an amount on a date alone: the end of that (local) day */
  g_assert_cmpstr (point_at (&run, 2)->data_type, ==, "steps");
  g_assert_cmpfloat (point_at (&run, 2)->value, ==, 8432);
  g_assert_cmpint (point_at (&run, 2)->recorded_at, ==, utc (2024, 3, 2, 23, 59, 59));

  g_assert_cmpstr (point_at (&run, 3)->unit, ==, "mmol/L");
  g_assert_cmpfloat_with_epsilon (point_at (&run, 3)->value, 950 / GLUCOSE_G_PER_MOL, 1e-9);
  /* a level on a date alone: noon */
  g_assert_cmpint (point_at (&run, 3)->recorded_at, ==, utc (2024, 3, 3, 12, 0, 0));

  g_assert_cmpfloat_with_epsilon (point_at (&run, 4)->value, 71 * 2.54, 1e-9);
  g_assert_cmpstr (point_at (&run, 5)->data_type, ==, "heart_rate");
  g_assert_cmpfloat (point_at (&run, 5)->value, ==, 61);

  for (guint i = 0; i < run.points->len; i++)
    g_assert_cmpuint (strlen (point_at (&run, i)->client_id), ==, 32);
  run_clear (&run);
}

static void
test_preview (void)
{
  g_autofree char *path = write_temp ("preview.csv", points_csv);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcHealthCsvPreview) p = preview (path, NULL, 100, &error);
  const char *messages[] = {
    NULL, NULL, NULL, NULL, NULL,
    "“furlong” is not a unit of weight; use one of: kg, g, lb, lbs, st.",
    "“seventy” is not a number.",
    "“04/03/2024” is not a date as YYYY-MM-DD or YYYY-MM-DD HH:MM, between 1900 and now.",
    "7250 kg is not a plausible weight: it must be between 1 and 650 kg.",
    "10.5 count is not a plausible steps: it must be a whole number between 0 and 200000 count.",
    "“mood” is not a type of health data.",
    "This row has 2 cells, fewer than the columns chosen.",
    "“2999-01-01” is not a date as YYYY-MM-DD or YYYY-MM-DD HH:MM, between 1900 and now.",
    NULL,
  };
  const guint lines[] = { 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

  g_assert_no_error (error);
  g_assert_cmpint (p->format, ==, FC_HEALTH_CSV_FORMAT_POINTS);
  g_assert_true (p->mapping.has_header);
  g_assert_cmpint (p->mapping.delimiter, ==, ',');
  g_assert_cmpint (p->mapping.date_column, ==, 0);
  g_assert_cmpint (p->mapping.type_column, ==, 1);
  g_assert_cmpint (p->mapping.value_column, ==, 2);
  g_assert_cmpint (p->mapping.unit_column, ==, 3);
  g_assert_cmpstr (p->header[2], ==, "value");
  g_assert_cmpuint (p->n_columns, ==, 4);
  g_assert_cmpuint (p->rows->len, ==, G_N_ELEMENTS (messages));
  for (guint i = 0; i < p->rows->len; i++) {
    FcHealthCsvRow *row = p->rows->pdata[i];

    g_assert_cmpuint (row->line, ==, lines[i]);
    g_assert_cmpstr (row->message, ==, messages[i]);
    g_assert_cmpuint (row->refused, ==, messages[i] != NULL ? 1 : 0);
    g_assert_cmpuint (row->points->len, ==, messages[i] != NULL ? 0 : 1);
  }
  g_assert_cmpint (((FcHealthCsvRow *) p->rows->pdata[5])->reason, ==, FC_HEALTH_REFUSAL_UNIT);
  g_assert_cmpstr (((FcHealthCsvRow *) p->rows->pdata[4])->cells[2], ==, "5'11\"");

  /* Only the rows asked for */
  {
    g_autoptr(FcHealthCsvPreview) two = preview (path, NULL, 2, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (two->rows->len, ==, 2);
  }
}

/* A file without a header, of one type, a European spreadsheet's: the
 * columns are found from the data, and the person's mapping is used */
static void
test_mapping (void)
{
  g_autofree char *path = write_temp ("weights.csv",
                                      "2024-03-01;72,5\n"
                                      "2024-03-02;72,1\n"
                                      "2024-03-03;71,9\n");
  g_autofree char *named = write_temp ("named.csv",
                                       "Date,Weight (lb)\n"
                                       "2024-03-01,160\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(FcHealthCsvPreview) p = preview (path, NULL, 10, &error);
  FcHealthCsvMapping mapping;
  Run run;

  g_assert_no_error (error);
  g_assert_false (p->mapping.has_header);
  g_assert_cmpint (p->mapping.delimiter, ==, ';');
  g_assert_cmpint (p->mapping.date_column, ==, 0);
  g_assert_cmpint (p->mapping.value_column, ==, 1);
  g_assert_cmpint (p->mapping.type_column, ==, -1);
  g_assert_null (p->header);
  g_assert_cmpuint (p->rows->len, ==, 3);
  /* No type yet: every row says so */
  for (guint i = 0; i < 3; i++) {
    FcHealthCsvRow *row = p->rows->pdata[i];

    g_assert_cmpint (row->reason, ==, FC_HEALTH_REFUSAL_TYPE);
    g_assert_cmpstr (row->message, ==, "No type: choose the column of the type, or the type of every row.");
  }

  /* Without a type the import refuses to start */
  run_import (&run, path, &p->mapping, FALSE);
  g_assert_error (run.error, FC_HEALTH_CSV_ERROR, FC_HEALTH_CSV_ERROR_MAPPING);
  run_clear (&run);

  /* The person says: weights */
  mapping = p->mapping;
  g_strlcpy (mapping.fixed_type, "weight", sizeof mapping.fixed_type);
  {
    g_autoptr(FcHealthCsvPreview) again = preview (path, &mapping, 10, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < 3; i++)
      g_assert_null (((FcHealthCsvRow *) again->rows->pdata[i])->message);
    g_assert_cmpfloat (g_array_index (((FcHealthCsvRow *) again->rows->pdata[0])->points,
                                      FcHealthPoint, 0).value, ==, 72.5);
  }
  run_import (&run, path, &mapping, FALSE);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.points->len, ==, 3);
  g_assert_cmpfloat (point_at (&run, 2)->value, ==, 71.9);
  run_clear (&run);

  /* In pounds */
  g_strlcpy (mapping.fixed_unit, "lb", sizeof mapping.fixed_unit);
  run_import (&run, path, &mapping, FALSE);
  g_assert_cmpfloat_with_epsilon (point_at (&run, 0)->value, 72.5 * LB_KG, 1e-9);
  run_clear (&run);

  /* "Weight (lb)" names the type and the unit */
  {
    g_autoptr(FcHealthCsvPreview) q = preview (named, NULL, 10, &error);

    g_assert_no_error (error);
    g_assert_true (q->mapping.has_header);
    g_assert_cmpstr (q->mapping.fixed_type, ==, "weight");
    g_assert_cmpstr (q->mapping.fixed_unit, ==, "lb");
    g_assert_cmpint (q->mapping.value_column, ==, 1);
    g_assert_cmpuint (((FcHealthCsvRow *) q->rows->pdata[0])->points->len, ==, 1);
  }
}

static void
test_same_ids (void)
{
  g_autofree char *path = write_temp ("same.csv", points_csv);
  g_autofree char *changed = NULL;
  g_autoptr(GString) other = g_string_new (points_csv);
  Run first, second, third;

  /* one value changed: that row's id changes, and only that one */
  g_string_replace (other, "2024-03-01 07:30,weight,72.5,kg", "2024-03-01 07:30,weight,72.6,kg", 1);
  changed = write_temp ("changed.csv", other->str);

  run_import (&first, path, NULL, FALSE);
  run_import (&second, path, NULL, FALSE);
  run_import (&third, changed, NULL, FALSE);
  g_assert_cmpuint (first.points->len, ==, 6);
  g_assert_cmpuint (second.points->len, ==, 6);
  g_assert_cmpuint (third.points->len, ==, 6);
  for (guint i = 0; i < first.points->len; i++) {
    g_assert_cmpstr (point_at (&first, i)->client_id, ==, point_at (&second, i)->client_id);
    if (i == 0)
      g_assert_cmpstr (point_at (&first, i)->client_id, !=, point_at (&third, i)->client_id);
    else
      g_assert_cmpstr (point_at (&first, i)->client_id, ==, point_at (&third, i)->client_id);
    for (guint k = 0; k < i; k++)
      g_assert_cmpstr (point_at (&first, i)->client_id, !=, point_at (&first, k)->client_id);
  }
  run_clear (&first);
  run_clear (&second);
  run_clear (&third);
}

/* The header as Google Fit's Takeout writes Daily Summaries.csv */
#define FIT_HEADER \
  "Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes," \
  "Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),Low latitude (deg)," \
  "Low longitude (deg),High latitude (deg),High longitude (deg),Average speed (m/s)," \
  "Max speed (m/s),Min speed (m/s),Step count,Average weight (kg),Max weight (kg),Min weight (kg)," \
  "Biking duration (ms),Inactive duration (ms),Walking duration (ms),Running duration (ms)," \
  "Sleeping duration (ms)\n"

static void
test_google_fit (void)
{
  g_autofree char *path = write_temp ("Daily Summaries.csv",
    FIT_HEADER
    /* a full day */
    "2024-03-01,45,2101.5,5234.2,20,15,71.2,140,52,,,,,1.2,2.5,0.1,8432.0,72.4,72.9,71.8,0,"
    "50000000,3600000,0,27000000\n"
    /* steps only */
    "2024-03-02,10,1800,,,,,,,,,,,,,,1200.0,,,,,,,,\n"
    /* nothing we read */
    "2024-03-03,,1750,,,,,,,,,,,,,,,,,,,,,,\n"
    /* a weight out of range, and a bad step count */
    "2024-03-04,,,,,,,,,,,,,,,,many,7240,,,,,,,\n");
  g_autofree char *day_file = write_temp ("2024-03-01.csv",
    "Start time,End time,Move Minutes count,Calories (kcal),Distance (m),Step count\n"
    "00:00:00.000+01:00,00:15:00.000+01:00,,12.5,,\n");
  g_autoptr(GError) error = NULL;
  Run run, again;

  run_import (&run, path, NULL, FALSE);
  g_assert_no_error (run.error);
  g_assert_cmpint (run.format, ==, FC_HEALTH_CSV_FORMAT_GOOGLE_FIT);
  g_assert_cmpuint (run.progress.records_seen, ==, 4);
  g_assert_cmpuint (run.progress.points_kept, ==, 6);
  g_assert_cmpuint (run.progress.refused, ==, 2);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_VALUE], ==, 1);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_RANGE], ==, 1);

  /* In the table's order: steps, distance, sleep, weight, heart rate */
  g_assert_cmpstr (point_at (&run, 0)->data_type, ==, "steps");
  g_assert_cmpfloat (point_at (&run, 0)->value, ==, 8432);
  g_assert_cmpint (point_at (&run, 0)->recorded_at, ==, utc (2024, 3, 1, 23, 59, 59));
  g_assert_cmpstr (point_at (&run, 1)->data_type, ==, "distance");
  g_assert_cmpfloat (point_at (&run, 1)->value, ==, 5234.2);
  g_assert_cmpstr (point_at (&run, 2)->data_type, ==, "sleep");
  g_assert_cmpfloat (point_at (&run, 2)->value, ==, 450);   /* 27,000,000 ms */
  g_assert_cmpstr (point_at (&run, 2)->stage, ==, "asleep");
  g_assert_cmpstr (point_at (&run, 3)->data_type, ==, "weight");
  g_assert_cmpfloat (point_at (&run, 3)->value, ==, 72.4);
  g_assert_cmpint (point_at (&run, 3)->recorded_at, ==, utc (2024, 3, 1, 12, 0, 0));
  g_assert_cmpstr (point_at (&run, 4)->data_type, ==, "heart_rate");
  g_assert_cmpfloat (point_at (&run, 4)->value, ==, 71.2);
  g_assert_cmpstr (point_at (&run, 5)->data_type, ==, "steps");
  g_assert_cmpfloat (point_at (&run, 5)->value, ==, 1200);

  /* The same file again: the same ids */
  run_import (&again, path, NULL, FALSE);
  g_assert_cmpuint (again.points->len, ==, run.points->len);
  for (guint i = 0; i < run.points->len; i++)
    g_assert_cmpstr (point_at (&run, i)->client_id, ==, point_at (&again, i)->client_id);
  run_clear (&run);
  run_clear (&again);

  /* The preview shows a day's refusals in one sentence each */
  {
    g_autoptr(FcHealthCsvPreview) p = preview (path, NULL, 10, &error);
    FcHealthCsvRow *bad;

    g_assert_no_error (error);
    g_assert_cmpint (p->format, ==, FC_HEALTH_CSV_FORMAT_GOOGLE_FIT);
    g_assert_cmpuint (p->rows->len, ==, 4);
    g_assert_cmpuint (((FcHealthCsvRow *) p->rows->pdata[0])->points->len, ==, 5);
    bad = p->rows->pdata[3];
    g_assert_cmpuint (bad->refused, ==, 2);
    g_assert_cmpstr (bad->message, ==, "“many” is not a number.");
  }

  /* A day's own file is not the summary */
  run_import (&run, day_file, NULL, FALSE);
  g_assert_error (run.error, FC_HEALTH_CSV_ERROR, FC_HEALTH_CSV_ERROR_UNSUPPORTED);
  run_clear (&run);
}

static void
test_sniff (void)
{
  FcHealthCsvFormat format = FC_HEALTH_CSV_FORMAT_POINTS;
  const char xml[] = "<?xml version=\"1.0\"?>\n<HealthData>";
  const char zip[] = "PK\003\004\024\000\000\000";

  g_assert_true (fc_health_csv_sniff (points_csv, strlen (points_csv), &format));
  g_assert_cmpint (format, ==, FC_HEALTH_CSV_FORMAT_POINTS);
  g_assert_true (fc_health_csv_sniff (FIT_HEADER, 40, &format));
  g_assert_cmpint (format, ==, FC_HEALTH_CSV_FORMAT_GOOGLE_FIT);
  g_assert_false (fc_health_csv_sniff (xml, strlen (xml), NULL));
  g_assert_false (fc_health_csv_sniff (zip, sizeof zip - 1, NULL));
  g_assert_false (fc_health_csv_sniff ("just words\n", 11, NULL));
}

static void
test_not_csv (void)
{
  g_autofree char *path = write_temp ("binary.csv", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
  g_autofree char *one = write_temp ("one.csv", "hello\nworld\n");
  Run run;

  run_import (&run, path, NULL, FALSE);
  g_assert_error (run.error, FC_HEALTH_CSV_ERROR, FC_HEALTH_CSV_ERROR_NOT_CSV);
  run_clear (&run);
  run_import (&run, one, NULL, FALSE);
  g_assert_error (run.error, FC_HEALTH_CSV_ERROR, FC_HEALTH_CSV_ERROR_NOT_CSV);
  run_clear (&run);
}

/* The peak resident set, in bytes (VmHWM) */
static guint64
peak_rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10) * 1024;
}

static char *
write_rows (const char *name,
            guint       n_rows)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  FILE *f = fopen (path, "w");

  g_assert_nonnull (f);
  fputs ("date,type,value,unit\n", f);
  for (guint i = 0; i < n_rows; i++) {
    /* a minute apart, from 2020; every 1000th row is refused */
    gint64 t = 1577836800 + (gint64) i * 60;
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
    g_autofree char *date = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");

    if (i % 1000 == 999)
      fprintf (f, "%s,heart_rate,%u,furlong\n", date, 50 + i % 100);
    else
      fprintf (f, "%s,heart_rate,%u,bpm\n", date, 50 + i % 100);
  }
  /* and one row longer than 64 KiB, refused without being held */
  fputs ("2024-01-01,weight,", f);
  for (guint i = 0; i < 70 * 1024; i++)
    fputc ('7', f);
  fputs (",kg\n", f);
  g_assert_cmpint (fclose (f), ==, 0);
  return path;
}

static void
test_constant_memory (void)
{
  g_autofree char *small = write_rows ("small.csv", 20000);
  g_autofree char *large = write_rows ("large.csv", 200000);
  guint64 base, after_small, after_large;
  Run run;

  /* Batches of 1,000: the few in flight weigh little beside what a
   * per-row leak or a whole file kept would */
  base = peak_rss ();
  run_import_sized (&run, small, NULL, TRUE, 1000);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.progress.records_seen, ==, 20001);
  g_assert_cmpuint (run.n_points, ==, 20000 - 20);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_UNIT], ==, 20);
  g_assert_cmpuint (run.progress.refusals[FC_HEALTH_REFUSAL_COLUMNS], ==, 1);
  run_clear (&run);
  after_small = peak_rss ();

  run_import_sized (&run, large, NULL, TRUE, 1000);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.progress.records_seen, ==, 200001);
  g_assert_cmpuint (run.n_points, ==, 200000 - 200);
  run_clear (&run);
  after_large = peak_rss ();

  g_test_message ("peak RSS: %" G_GUINT64_FORMAT " KiB before, +%" G_GUINT64_FORMAT
                  " KiB after 20,000 rows, +%" G_GUINT64_FORMAT " KiB after 200,000",
                  base / 1024, (after_small - base) / 1024, (after_large - base) / 1024);
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer keeps what is freed in quarantine (256 MiB), so the
   * peak follows what was ever allocated, not what is held */
  g_test_message ("the bound is not checked under AddressSanitizer");
#else
  /* Ten times the rows (about 9 MB of file, 14 MB of points if they were
   * kept) in the memory of the small file, give or take a batch */
  g_assert_cmpuint (after_large - after_small, <, 4 * 1024 * 1024);
#endif
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("fc-health-csv-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/health/csv/points", test_points);
  g_test_add_func ("/health/csv/preview", test_preview);
  g_test_add_func ("/health/csv/mapping", test_mapping);
  g_test_add_func ("/health/csv/same-ids", test_same_ids);
  g_test_add_func ("/health/csv/google-fit", test_google_fit);
  g_test_add_func ("/health/csv/sniff", test_sniff);
  g_test_add_func ("/health/csv/not-csv", test_not_csv);
  g_test_add_func ("/health/csv/constant-memory", test_constant_memory);

  ret = g_test_run ();
  {
    const char *rm[] = { "rm", "-rf", tmp_dir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmp_dir);
  return ret;
}
