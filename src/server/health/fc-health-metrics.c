/* fc-health-metrics.c — GET /api/v1/health/metrics/: a series in buckets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Buckets are local hours, days, weeks (from Monday) or months in the
 * caller's time zone. Their boundaries are computed here with GTimeZone,
 * which knows the zone's DST rules, so a local day is 23 or 25 hours long
 * when the clocks change. Each [start, end) range is then added up from
 * the 15-minute rollups of migration 9 (fc-health-schema.c) for the whole
 * slots it holds, and from the points themselves, on the series index
 * (user, type, recorded_at, value), only for the parts of a slot at its
 * ends. In the zones in use today local hours and days start on a slot,
 * so those parts are empty; a zone's old local mean time (Monrovia's
 * -00:44:30 until 1972) or a `from` inside an hour gives them points. A
 * year of per-minute heart rate by day reads 35,040 slots instead of
 * 525,600 points.
 */

#define G_LOG_DOMAIN "fc-health"

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "fc-health-private.h"
#include "fc-sql.h"

/* Ten years of days, or 200 days of hours: more does not fit a chart's
 * pixels anyway, and each bucket is a query. */
#define MAX_BUCKETS 4000
#define DEFAULT_RANGE_DAYS 30
/* A weight within this of the target counts as reached when there is no
 * direction to go in. */
#define WEIGHT_TOLERANCE_KG 0.5

typedef enum {
  BUCKET_HOUR,
  BUCKET_DAY,
  BUCKET_WEEK,
  BUCKET_MONTH,
} BucketSize;

static const char * const bucket_names[] = { "hour", "day", "week", "month", NULL };

/* The start of the bucket holding @datetime, in its zone. */
static GDateTime *
bucket_floor (GDateTime  *datetime,
              BucketSize  size)
{
  GTimeZone *tz = g_date_time_get_timezone (datetime);
  int year = g_date_time_get_year (datetime);
  int month = g_date_time_get_month (datetime);
  int day = g_date_time_get_day_of_month (datetime);

  switch (size) {
    case BUCKET_HOUR: {
      /* Whole local hours: back to the hour by absolute time, so the
       * repeated hour of an autumn change is two buckets. */
      gint64 into = (gint64) g_date_time_get_minute (datetime) * 60 * G_USEC_PER_SEC +
                    g_date_time_get_second (datetime) * G_USEC_PER_SEC +
                    g_date_time_get_microsecond (datetime);

      return g_date_time_add (datetime, -into);
    }
    case BUCKET_WEEK: {
      g_autoptr(GDateTime) midnight = g_date_time_new (tz, year, month, day, 0, 0, 0);
      int weekday = g_date_time_get_day_of_week (datetime);  /* 1 = Monday */
      g_autoptr(GDateTime) monday = g_date_time_add_days (midnight, 1 - weekday);

      return g_date_time_new (tz, g_date_time_get_year (monday), g_date_time_get_month (monday),
                              g_date_time_get_day_of_month (monday), 0, 0, 0);
    }
    case BUCKET_MONTH:
      return g_date_time_new (tz, year, month, 1, 0, 0, 0);
    case BUCKET_DAY:
    default:
      return g_date_time_new (tz, year, month, day, 0, 0, 0);
  }
}

/* The start of the next bucket after @start. Days, weeks and months are
 * stepped on the calendar and then placed at local midnight, never by a
 * fixed number of seconds. */
static GDateTime *
bucket_next (GDateTime  *start,
             BucketSize  size)
{
  GTimeZone *tz = g_date_time_get_timezone (start);
  g_autoptr(GDateTime) next = NULL;

  switch (size) {
    case BUCKET_HOUR:
      return g_date_time_add_hours (start, 1);
    case BUCKET_WEEK:
      next = g_date_time_add_days (start, 7);
      break;
    case BUCKET_MONTH:
      next = g_date_time_add_months (start, 1);
      break;
    case BUCKET_DAY:
    default:
      next = g_date_time_add_days (start, 1);
      break;
  }
  return g_date_time_new (tz, g_date_time_get_year (next), g_date_time_get_month (next),
                          g_date_time_get_day_of_month (next), 0, 0, 0);
}

static gint64
datetime_us (GDateTime *datetime)
{
  return g_date_time_to_unix (datetime) * G_USEC_PER_SEC + g_date_time_get_microsecond (datetime);
}

static GDateTime *
local_from_us (GTimeZone *tz,
               gint64     us)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  if (utc == NULL)
    return NULL;
  return g_date_time_to_timezone (utc, tz);
}

static char *
format_local (GDateTime *datetime)
{
  return g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%S%:z");
}

static gboolean
read_goal (FcSql    *db,
           gint64      user_id,
           const char *column,
           double     *out)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM health_goals WHERE user_id = ?", column);
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt) || fc_sql_column_is_null (stmt, 0))
    return FALSE;
  *out = fc_sql_column_double (stmt, 0);
  return TRUE;
}

/* -1 losing towards the target, +1 gaining, 0 neither: from the user's
 * first weight ever. */
static int
weight_direction (FcSql *db,
                  gint64   user_id,
                  double   target)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT value FROM health_data WHERE user_id = ?"
                              " AND data_type = 'weight' ORDER BY recorded_at, id LIMIT 1");

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt))
    return 0;
  if (fc_sql_column_double (stmt, 0) > target + WEIGHT_TOLERANCE_KG)
    return -1;
  if (fc_sql_column_double (stmt, 0) < target - WEIGHT_TOLERANCE_KG)
    return 1;
  return 0;
}

static int
local_days (GDateTime *start,
            GDateTime *end)
{
  GDate a, b;

  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_dmy (&a, g_date_time_get_day_of_month (start), g_date_time_get_month (start),
                  g_date_time_get_year (start));
  g_date_set_dmy (&b, g_date_time_get_day_of_month (end), g_date_time_get_month (end),
                  g_date_time_get_year (end));
  return MAX (1, g_date_days_between (&a, &b));
}

typedef struct {
  gint64              user_id;
  const FcHealthType *type;
  BucketSize          size;
  GDateTime          *first;    /* the first bucket's start, in the zone */
  guint               n_buckets;
  char               *tz_name;
} MetricsJob;

static void
metrics_job_free (gpointer data)
{
  MetricsJob *job = data;

  g_date_time_unref (job->first);
  g_free (job->tz_name);
  g_free (job);
}

/* What a bucket's parts add up to. */
typedef struct {
  gint64 count;
  double min;
  double max;
  double sum;
  double last;
} Totals;

/* The statements of one request, each bound to ?1 user, ?2 type, ?3 from
 * and ?4 to: µs for points, slot starts for the rollups. */
typedef struct {
  FcSqlStmt *points;
  FcSqlStmt *slots;
  gint64        user_id;
  const char   *type;
} Queries;

/* Adds what @stmt answers for [@from, @to) to @totals. Parts are added in
 * time order, so a later part's last is the bucket's last so far. */
static gboolean
totals_add (Totals       *totals,
            FcSqlStmt *stmt,
            Queries      *queries,
            gint64        from,
            gint64        to)
{
  gint64 count;

  fc_sql_reset (stmt);
  fc_sql_bind_int64 (stmt, 1, queries->user_id);
  fc_sql_bind_text (stmt, 2, queries->type);
  fc_sql_bind_int64 (stmt, 3, from);
  fc_sql_bind_int64 (stmt, 4, to);
  if (!fc_sql_step_row (stmt))
    return FALSE;
  count = fc_sql_column_int64 (stmt, 0);
  if (count == 0)
    return TRUE;
  totals->min = totals->count > 0 ? MIN (totals->min, fc_sql_column_double (stmt, 1))
                                  : fc_sql_column_double (stmt, 1);
  totals->max = totals->count > 0 ? MAX (totals->max, fc_sql_column_double (stmt, 2))
                                  : fc_sql_column_double (stmt, 2);
  totals->sum += fc_sql_column_double (stmt, 3);
  totals->last = fc_sql_column_double (stmt, 4);
  totals->count += count;
  return TRUE;
}

static gint64
slot_floor (gint64 us)
{
  gint64 into = us % FC_HEALTH_SLOT_US;

  return us - (into < 0 ? into + FC_HEALTH_SLOT_US : into);
}

/* [@from, @to): the whole slots inside from the rollups, the parts of
 * slots at either end from the points. */
static gboolean
bucket_totals (Queries *queries,
               gint64   from,
               gint64   to,
               Totals  *totals)
{
  gint64 slots_from = slot_floor (from) < from ? slot_floor (from) + FC_HEALTH_SLOT_US : from;
  gint64 slots_to = slot_floor (to);

  *totals = (Totals) { 0 };
  if (slots_from >= slots_to)
    return totals_add (totals, queries->points, queries, from, to);
  return (slots_from == from || totals_add (totals, queries->points, queries, from, slots_from)) &&
         totals_add (totals, queries->slots, queries, slots_from, slots_to) &&
         (slots_to == to || totals_add (totals, queries->points, queries, slots_to, to));
}

/* On a worker, in one read transaction of its own connection. */
static JsonNode *
metrics_work (FcSql  *db,
              gpointer  data,
              guint    *status)
{
  MetricsJob *job = data;
  const FcHealthType *type = job->type;
  BucketSize size = job->size;
  gint64 user_id = job->user_id;
  g_autoptr(GDateTime) start = g_date_time_ref (job->first);
  g_autoptr(FcSqlStmt) points = NULL;
  g_autoptr(FcSqlStmt) slots = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  g_autofree char *points_sql = NULL;
  g_autofree char *from_label = format_local (job->first);
  g_autofree char *to_label = NULL;
  Queries queries;
  JsonObject *answer;
  JsonNode *node;
  double goal = 0;
  gboolean has_goal = FALSE;
  int direction = 0;
  const char *stage_filter;

  /* Awake or in bed is not sleep (nor in the rollups). */
  stage_filter = g_str_equal (type->name, "sleep")
                 ? " AND (stage IS NULL OR stage NOT IN ('awake', 'in_bed'))" : "";
#define POINTS_WHERE "user_id = ?1 AND data_type = ?2 AND recorded_at >= ?3 AND recorded_at < ?4"
  points_sql = g_strdup_printf ("SELECT count(*), min (value), max (value), sum (value),"
                                " (SELECT value FROM health_data WHERE " POINTS_WHERE "%s"
                                "  ORDER BY recorded_at DESC, id DESC LIMIT 1)"
                                " FROM health_data WHERE " POINTS_WHERE "%s",
                                stage_filter, stage_filter);
#undef POINTS_WHERE
#define SLOTS_WHERE "user_id = ?1 AND data_type = ?2 AND slot >= ?3 AND slot < ?4"
  slots = fc_sql_prepare (db, "SELECT COALESCE (sum (n), 0), min (min_value), max (max_value),"
                                    " sum (sum_value), (SELECT last_value FROM health_rollups"
                                    "  WHERE " SLOTS_WHERE " ORDER BY slot DESC LIMIT 1)"
                                    " FROM health_rollups WHERE " SLOTS_WHERE);
#undef SLOTS_WHERE
  points = fc_sql_prepare (db, points_sql);
  if (points == NULL || slots == NULL)
    return NULL;
  queries = (Queries) { points, slots, user_id, type->name };

  if (g_str_equal (type->name, "steps"))
    has_goal = read_goal (db, user_id, "daily_steps", &goal);
  else if (g_str_equal (type->name, "sleep"))
    has_goal = read_goal (db, user_id, "sleep_minutes", &goal);
  else if (g_str_equal (type->name, "weight") &&
           (has_goal = read_goal (db, user_id, "target_weight", &goal)))
    direction = weight_direction (db, user_id, goal);

  for (guint i = 0; i < job->n_buckets; i++) {
    g_autoptr(GDateTime) end = bucket_next (start, size);
    JsonObject *bucket;
    Totals totals;

    if (!bucket_totals (&queries, datetime_us (start), datetime_us (end), &totals))
      return NULL;
    if (totals.count > 0) {
      g_autofree char *label = format_local (start);

      bucket = json_object_new ();
      json_object_set_string_member (bucket, "bucket", label);
      json_object_set_double_member (bucket, "min", totals.min);
      json_object_set_double_member (bucket, "max", totals.max);
      json_object_set_double_member (bucket, "avg", totals.sum / totals.count);
      json_object_set_double_member (bucket, "sum", totals.sum);
      json_object_set_int_member (bucket, "count", totals.count);
      json_object_set_double_member (bucket, "last", totals.last);
      if (!has_goal || (size == BUCKET_HOUR && !g_str_equal (type->name, "weight"))) {
        json_object_set_null_member (bucket, "goal_met");
      } else if (g_str_equal (type->name, "weight")) {
        gboolean met = direction < 0 ? totals.last <= goal
                       : direction > 0 ? totals.last >= goal
                       : fabs (totals.last - goal) <= WEIGHT_TOLERANCE_KG;

        json_object_set_boolean_member (bucket, "goal_met", met);
      } else {
        /* Daily goals: a week must reach seven days' worth. */
        double days = size == BUCKET_DAY ? 1 : local_days (start, end);

        json_object_set_boolean_member (bucket, "goal_met", totals.sum >= goal * days);
      }
      json_array_add_object_element (results, bucket);
    }
    g_date_time_unref (start);
    start = g_steal_pointer (&end);
  }
  to_label = format_local (start);

  answer = json_object_new ();
  json_object_set_string_member (answer, "data_type", type->name);
  json_object_set_string_member (answer, "unit", type->unit);
  json_object_set_string_member (answer, "bucket", bucket_names[size]);
  json_object_set_string_member (answer, "tz", job->tz_name);
  json_object_set_string_member (answer, "from", from_label);
  json_object_set_string_member (answer, "to", to_label);
  if (has_goal)
    json_object_set_double_member (answer, "goal", goal);
  else
    json_object_set_null_member (answer, "goal");
  json_object_set_array_member (answer, "results", json_array_ref (results));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, answer);
  *status = SOUP_STATUS_OK;
  return node;
}

/* The parameters are checked and the buckets counted here; the queries
 * run on a worker. */
void
fc_health_metrics_get (FcServerRequest *request)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *type_name = fc_server_request_get_query (request, "data_type");
  const char *bucket_name = fc_server_request_get_query (request, "bucket");
  const char *tz_name = fc_server_request_get_query (request, "tz");
  const char *from_text = fc_server_request_get_query (request, "from");
  const char *to_text = fc_server_request_get_query (request, "to");
  const FcHealthType *type = NULL;
  BucketSize size = BUCKET_DAY;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) start = NULL;
  MetricsJob *job;
  gint64 from_time = 0, to_time = 0;
  guint n_buckets = 0;

  if (type_name == NULL)
    fc_field_errors_add (errors, "data_type", "This field is required.");
  else if ((type = fc_health_type_lookup (type_name)) == NULL)
    fc_field_errors_add (errors, "data_type",
                         "Select a valid choice. %s is not one of the available choices.",
                         type_name);
  if (bucket_name != NULL) {
    guint i;

    for (i = 0; bucket_names[i] != NULL && !g_str_equal (bucket_names[i], bucket_name); i++)
      ;
    if (bucket_names[i] == NULL)
      fc_field_errors_add (errors, "bucket",
                           "Select a valid choice. %s is not one of the available choices.",
                           bucket_name);
    else
      size = (BucketSize) i;
  }
  if (tz_name != NULL && (tz = fc_health_time_zone (tz_name)) == NULL)
    fc_field_errors_add (errors, "tz", "\"%s\" is not a known time zone.", tz_name);
  if (tz == NULL)
    tz = g_time_zone_new_utc ();

  to_time = g_get_real_time ();
  if (to_text != NULL && !fc_health_parse_time (to_text, tz, &to_time))
    fc_field_errors_add (errors, "to", "Enter a valid date or date/time.");
  from_time = to_time - (gint64) DEFAULT_RANGE_DAYS * 24 * 3600 * G_USEC_PER_SEC;
  if (from_text != NULL && !fc_health_parse_time (from_text, tz, &from_time))
    fc_field_errors_add (errors, "from", "Enter a valid date or date/time.");
  if (fc_field_errors_is_empty (errors) && from_time >= to_time)
    fc_field_errors_add (errors, "non_field_errors", "from must be before to.");
  if (fc_field_errors_is_empty (errors)) {
    g_autoptr(GDateTime) from_local = local_from_us (tz, from_time);

    if (from_local == NULL || (first = bucket_floor (from_local, size)) == NULL)
      fc_field_errors_add (errors, "from", "Enter a valid date or date/time.");
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  /* Count the buckets before any query runs. */
  start = g_date_time_ref (first);
  while (datetime_us (start) < to_time) {
    GDateTime *next = bucket_next (start, size);

    g_date_time_unref (start);
    start = next;
    if (start == NULL || ++n_buckets > MAX_BUCKETS) {
      fc_field_errors_add (errors, "bucket",
                           "This range has more than %d %s buckets; narrow from and to or "
                           "take a larger bucket.", MAX_BUCKETS, bucket_names[size]);
      fc_server_request_respond_errors (request, errors);
      return;
    }
  }

  job = g_new0 (MetricsJob, 1);
  job->user_id = fc_server_request_get_user_id (request);
  job->type = type;
  job->size = size;
  job->first = g_steal_pointer (&first);
  job->n_buckets = n_buckets;
  job->tz_name = g_strdup (tz_name != NULL ? tz_name : "UTC");
  fc_health_respond_off_loop (request, FALSE, NULL, metrics_work, job, metrics_job_free);
}
