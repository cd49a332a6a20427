/* fc-admin-stats.c — admin/stats/: the service's numbers per day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Days are UTC calendar days, from and to included (30 days up to today
 * by default, 366 at most). Each series is one grouped query over an index
 * range (migration 10), so the cost follows the rows in the range, not the
 * size of the tables.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-admin-private.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "fc-time.h"

#define DEFAULT_DAYS 30
#define TOP_WORKOUTS 10

enum {
  NEW_USERS,
  ACTIVE_USERS,
  WORKOUTS_STARTED,
  WORKOUTS_COMPLETED,
  GENERATED_PLANS,
  N_SERIES
};

static const char * const series_names[N_SERIES] = {
  "new_users", "active_users", "workouts_started", "workouts_completed", "generated_plans",
};

/* Each groups by day ("YYYY-MM-DD" first), with ?1 and ?2 the range's
 * bounds: timestamps for the timestamp columns, dates for user_activity. */
static const char * const series_sql[N_SERIES] = {
  "SELECT substr (date_joined, 1, 10) AS d, count(*) FROM users"
  " WHERE date_joined >= ?1 AND date_joined < ?2 GROUP BY d",
  "SELECT day, count(*) FROM user_activity WHERE day >= ?3 AND day <= ?4 GROUP BY day",
  "SELECT substr (created_at, 1, 10) AS d, count(*) FROM workout_progress"
  " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY d",
  "SELECT substr (completed_at, 1, 10) AS d, count(*) FROM workout_progress"
  " WHERE completed_at >= ?1 AND completed_at < ?2 GROUP BY d",
  "SELECT substr (created_at, 1, 10) AS d, count(*) FROM meal_plans"
  " WHERE is_ai_generated = 1 AND created_at >= ?1 AND created_at < ?2 GROUP BY d",
};

typedef struct {
  const char *start;      /* first day's 00:00 */
  const char *end;        /* the day after the last one, 00:00 */
  const char *first_day;
  const char *last_day;
} Range;

static void
bind_range (FcSqlStmt *stmt,
            const Range  *range)
{
  const char *values[] = { range->start, range->end, range->first_day, range->last_day };
  int n = fc_sql_bind_count (stmt);

  /* The queries name ?1..?4, each only those it uses */
  for (int i = 1; i <= n && i <= (int) G_N_ELEMENTS (values); i++)
    fc_sql_bind_text (stmt, i, values[i - 1]);
}

static gint64
scalar (FcSql     *db,
        const char  *sql,
        const Range *range)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  if (range != NULL)
    bind_range (stmt, range);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

/* Fills @counts (one gint64 a day from @from) from @sql's (day, count)
 * rows; FALSE on a database error. */
static gboolean
fill_series (FcSql     *db,
             const char  *sql,
             const Range *range,
             const GDate *from,
             guint        n_days,
             gint64      *counts)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_range (stmt, range);
  while ((rc = fc_sql_step (stmt)) == FC_SQL_ROW) {
    GDate day;
    int index;

    if (!fc_time_parse_date (fc_sql_column_text (stmt, 0), &day))
      continue;
    index = g_date_days_between (from, &day);
    if (index >= 0 && (guint) index < n_days)
      counts[index] += fc_sql_column_int64 (stmt, 1);
  }
  return rc == FC_SQL_DONE;
}

static JsonArray *
top_workouts (FcSql     *db,
              const Range *range)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT w.id, w.title, count(*) AS viewers,"
                              " count(p.completed_at) AS completions"
                              " FROM workout_progress p JOIN workouts w ON w.id = p.workout_id"
                              " WHERE p.updated_at >= ?1 AND p.updated_at < ?2"
                              " GROUP BY w.id ORDER BY viewers DESC, w.id LIMIT " G_STRINGIFY (TOP_WORKOUTS));
  JsonArray *array = json_array_new ();

  bind_range (stmt, range);
  while (fc_sql_step_row (stmt)) {
    JsonObject *object = json_object_new ();

    json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
    json_object_set_string_member (object, "title", fc_sql_column_text (stmt, 1));
    json_object_set_int_member (object, "viewers", fc_sql_column_int64 (stmt, 2));
    json_object_set_int_member (object, "completions", fc_sql_column_int64 (stmt, 3));
    json_array_add_object_element (array, object);
  }
  return array;
}

void
fc_admin_stats_cb (FcServerRequest *request)
{
  static const char * const names[] = { "from", "to", NULL };
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(JsonObject) query = fc_admin_query_object (request, names);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *start = NULL, *end = NULL, *first_day = NULL, *last_day = NULL;
  g_autofree gint64 *counts = NULL;
  JsonObject *object, *totals, *users;
  JsonArray *days;
  GDate from, to, today;
  gboolean has_from, has_to;
  gint64 users_before, running;
  guint n_days;
  Range range;

  fc_admin_validate_range (query, "from", "to", FC_ADMIN_MAX_RANGE_DAYS, errors, &from, &to,
                           &has_from, &has_to);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  if (!has_to) {
    to = has_from ? from : today;
    if (has_from)
      g_date_add_days (&to, DEFAULT_DAYS - 1);
  }
  if (!has_from) {
    from = to;
    g_date_subtract_days (&from, DEFAULT_DAYS - 1);
  }
  n_days = g_date_days_between (&from, &to) + 1;

  start = fc_admin_day_start (&from, 0);
  end = fc_admin_day_start (&to, 1);
  first_day = fc_time_format_date (&from);
  last_day = fc_time_format_date (&to);
  range = (Range) { start, end, first_day, last_day };

  counts = g_new0 (gint64, (gsize) n_days * N_SERIES);
  for (guint s = 0; s < N_SERIES; s++) {
    if (!fill_series (db, series_sql[s], &range, &from, n_days, counts + (gsize) s * n_days)) {
      fc_admin_respond_server_error (request);
      return;
    }
  }

  object = json_object_new ();
  json_object_set_string_member (object, "from", first_day);
  json_object_set_string_member (object, "to", last_day);

  users = json_object_new ();
  json_object_set_int_member (users, "total", scalar (db, "SELECT count(*) FROM users", NULL));
  json_object_set_int_member (users, "active_accounts",
                              scalar (db, "SELECT count(*) FROM users WHERE is_active = 1", NULL));
  json_object_set_int_member (users, "staff",
                              scalar (db, "SELECT count(*) FROM users WHERE is_staff = 1", NULL));
  json_object_set_int_member (users, "premium",
                              scalar (db, "SELECT count(*) FROM users WHERE has_premium = 1", NULL));
  json_object_set_object_member (object, "users", users);
  json_object_set_int_member (object, "premium_users", json_object_get_int_member (users, "premium"));

  /* The range's totals: distinct users for activity, sums for the rest. */
  totals = json_object_new ();
  for (guint s = 0; s < N_SERIES; s++) {
    gint64 sum = 0;

    if (s == ACTIVE_USERS) {
      sum = scalar (db, "SELECT count(DISTINCT user_id) FROM user_activity"
                        " WHERE day >= ?3 AND day <= ?4", &range);
    } else {
      for (guint d = 0; d < n_days; d++)
        sum += counts[(gsize) s * n_days + d];
    }
    json_object_set_int_member (totals, series_names[s], sum);
  }
  json_object_set_object_member (object, "totals", totals);
  json_object_set_int_member (object, "generated_plans",
                              json_object_get_int_member (totals, "generated_plans"));

  users_before = scalar (db, "SELECT count(*) FROM users WHERE date_joined < ?1", &range);
  running = users_before;
  days = json_array_new ();
  for (guint d = 0; d < n_days; d++) {
    JsonObject *day = json_object_new ();
    GDate date = from;
    g_autofree char *date_text = NULL;

    g_date_add_days (&date, d);
    date_text = fc_time_format_date (&date);
    json_object_set_string_member (day, "date", date_text);
    running += counts[(gsize) NEW_USERS * n_days + d];
    json_object_set_int_member (day, "users_total", running);
    for (guint s = 0; s < N_SERIES; s++)
      json_object_set_int_member (day, series_names[s], counts[(gsize) s * n_days + d]);
    json_array_add_object_element (days, day);
  }
  json_object_set_array_member (object, "days", days);
  json_object_set_array_member (object, "top_workouts", top_workouts (db, &range));

  fc_server_request_respond_json (request, SOUP_STATUS_OK, fc_admin_object_node (object));
}
