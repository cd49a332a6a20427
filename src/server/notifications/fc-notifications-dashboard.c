/* fc-notifications-dashboard.c — GET /api/v1/users/dashboard/: the caller's day at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Today" is the UTC day on the notifications clock (real time plus the
 * config's test_clock_offset), so tests hold on any date; profiles have no
 * time zone yet. The active plan is the caller's own active, non-template
 * plan whose dates cover today (the newest such), its day of plan counted
 * from start_date (day 1). A plan without a start date is reported, but
 * has no "today".
 */

#define G_LOG_DOMAIN "fc-notifications"

#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>

#include "fc-notifications.h"
#include "fc-payments-private.h"
#include "fc-sql.h"

#define DAY_S (24 * 3600)

static void
set_double_or_null (JsonObject   *object,
                    const char   *member,
                    FcSqlStmt *stmt,
                    int           column)
{
  if (fc_sql_column_is_null (stmt, column))
    json_object_set_null_member (object, member);
  else
    json_object_set_double_member (object, member, fc_sql_column_double (stmt, column));
}

/* The sums of @plan_id's meals on @day. */
static JsonObject *
planned_for_day (FcSql *db,
                 gint64   plan_id,
                 gint64   day)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT coalesce (sum (f.calories * i.number_of_servings), 0),"
                              " coalesce (sum (f.protein * i.number_of_servings), 0),"
                              " coalesce (sum (f.carbohydrates * i.number_of_servings), 0),"
                              " coalesce (sum (f.fat * i.number_of_servings), 0),"
                              " count (DISTINCT s.id)"
                              " FROM scheduled_meals s JOIN meal_items i ON i.meal_id = s.meal_id"
                              " JOIN foods f ON f.id = i.food_id"
                              " WHERE s.meal_plan_id = ? AND s.day_of_plan = ?");
  JsonObject *object = json_object_new ();

  fc_sql_bind_int64 (stmt, 1, plan_id);
  fc_sql_bind_int64 (stmt, 2, day);
  if (fc_sql_step_row (stmt)) {
    json_object_set_double_member (object, "calories", fc_sql_column_double (stmt, 0));
    json_object_set_double_member (object, "protein", fc_sql_column_double (stmt, 1));
    json_object_set_double_member (object, "carbohydrates", fc_sql_column_double (stmt, 2));
    json_object_set_double_member (object, "fat", fc_sql_column_double (stmt, 3));
  }
  return object;
}

/* The Julian day of "YYYY-MM-DD", or 0 */
static guint32
julian_day (const char *text)
{
  guint year, month, day;
  char end;
  GDate date;

  if (text == NULL || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return 0;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return g_date_get_julian (&date);
}

/* The plan running @today: dated ones first, the newest first. Days are
 * counted here, not in SQL, whose date functions differ between SQLite
 * and PostgreSQL. */
static JsonNode *
active_plan (FcSql      *db,
             gint64      user_id,
             const char *today)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT id, name, start_date, 0,"
                        " target_daily_calories, target_daily_protein,"
                        " target_daily_carbohydrates, target_daily_fat, duration_days"
                        " FROM meal_plans WHERE user_id = ?1 AND is_template = 0"
                        " AND is_active = 1 AND (start_date IS NULL OR start_date <= ?2)"
                        " ORDER BY start_date IS NULL, id DESC");
  guint32 today_day = julian_day (today);
  JsonObject *plan, *targets;
  JsonNode *node;
  gint64 day = 0;

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, today);
  for (;;) {
    guint32 start;

    if (!fc_sql_step_row (stmt))
      return json_node_new (JSON_NODE_NULL);
    if (fc_sql_column_is_null (stmt, 2))
      break;
    start = julian_day (fc_sql_column_text (stmt, 2));
    if (start != 0 && today_day >= start &&
        today_day - start < fc_sql_column_int64 (stmt, 8)) {
      day = today_day - start + 1;
      break;
    }
  }

  plan = json_object_new ();
  json_object_set_int_member (plan, "id", fc_sql_column_int64 (stmt, 0));
  json_object_set_string_member (plan, "name", fc_sql_column_text (stmt, 1));
  if (fc_sql_column_is_null (stmt, 2)) {
    json_object_set_null_member (plan, "start_date");
    json_object_set_null_member (plan, "day_of_plan");
    json_object_set_null_member (plan, "planned");
  } else {
    json_object_set_string_member (plan, "start_date", fc_sql_column_text (stmt, 2));
    json_object_set_int_member (plan, "day_of_plan", day);
    json_object_set_object_member (plan, "planned",
                                   planned_for_day (db, fc_sql_column_int64 (stmt, 0), day));
  }
  json_object_set_int_member (plan, "duration_days", fc_sql_column_int64 (stmt, 8));
  targets = json_object_new ();
  set_double_or_null (targets, "calories", stmt, 4);
  set_double_or_null (targets, "protein", stmt, 5);
  set_double_or_null (targets, "carbohydrates", stmt, 6);
  set_double_or_null (targets, "fat", stmt, 7);
  json_object_set_object_member (plan, "targets", targets);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, plan);
  return node;
}

static gint64
count_days (FcSql    *db,
            const char *sql,
            gint64      user_id,
            const char *from,
            const char *to)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, from);
  fc_sql_bind_text (stmt, 3, to);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

static JsonObject *
workouts_summary (FcSql    *db,
                  gint64      user_id,
                  GDateTime  *now,
                  const char *today)
{
  JsonObject *object = json_object_new ();
  /* The week starts on Monday (ISO 8601). */
  g_autoptr(GDateTime) monday = g_date_time_add_days (now, 1 - g_date_time_get_day_of_week (now));
  g_autofree char *week_start = g_date_time_format (monday, "%Y-%m-%d");

  json_object_set_string_member (object, "week_start", week_start);
  json_object_set_int_member (object, "completed_this_week",
                              count_days (db, "SELECT count(*) FROM workout_completions"
                                              " WHERE user_id = ? AND day BETWEEN ? AND ?",
                                          user_id, week_start, today));
  json_object_set_int_member (object, "completed_total",
                              count_days (db, "SELECT count(*) FROM workout_completions"
                                              " WHERE user_id = ? AND day BETWEEN ? AND ?",
                                          user_id, "0000-00-00", today));
  json_object_set_int_member (object, "streak_days", fc_notifications_streak (db, user_id, today));
  return object;
}

/* The latest weight (kg) and its change against the reading 30 days
 * before it (the latest at or before that time, else the earliest after
 * it); NULL without any weight. */
static JsonNode *
weight_summary (FcSql *db,
                gint64   user_id,
                gint64   now_s)
{
  g_autoptr(FcSqlStmt) latest =
    fc_sql_prepare (db, "SELECT value, recorded_at FROM health_data WHERE user_id = ?"
                              " AND data_type = 'weight' AND recorded_at <= ?"
                              " ORDER BY recorded_at DESC, id DESC LIMIT 1");
  g_autoptr(FcSqlStmt) before = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autofree char *at_text = NULL;
  JsonObject *object;
  JsonNode *node;
  gint64 latest_us, since_us;
  double value;

  fc_sql_bind_int64 (latest, 1, user_id);
  fc_sql_bind_int64 (latest, 2, now_s * G_USEC_PER_SEC);
  if (!fc_sql_step_row (latest))
    return json_node_new (JSON_NODE_NULL);
  value = fc_sql_column_double (latest, 0);
  latest_us = fc_sql_column_int64 (latest, 1);
  since_us = latest_us - (gint64) 30 * DAY_S * G_USEC_PER_SEC;

  object = json_object_new ();
  json_object_set_double_member (object, "latest", value);
  at = g_date_time_new_from_unix_utc (latest_us / G_USEC_PER_SEC);
  at_text = g_date_time_format_iso8601 (at);
  json_object_set_string_member (object, "recorded_at", at_text);

  before = fc_sql_prepare (db, "SELECT value FROM ("
                                     " SELECT value, 0 AS k, -recorded_at AS o, -id AS i"
                                     "  FROM health_data WHERE user_id = ?1 AND data_type = 'weight'"
                                     "  AND recorded_at <= ?2"
                                     " UNION ALL SELECT value, 1, recorded_at, id"
                                     "  FROM health_data WHERE user_id = ?1 AND data_type = 'weight'"
                                     "  AND recorded_at > ?2 AND recorded_at < ?3) AS w"
                                     " ORDER BY k, o, i LIMIT 1");
  fc_sql_bind_int64 (before, 1, user_id);
  fc_sql_bind_int64 (before, 2, since_us);
  fc_sql_bind_int64 (before, 3, latest_us);
  if (fc_sql_step_row (before))
    json_object_set_double_member (object, "change_30d", value - fc_sql_column_double (before, 0));
  else
    json_object_set_null_member (object, "change_30d");

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

static void
dashboard_cb (FcServerRequest *request)
{
  FcServer *server = fc_server_request_get_server (request);
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  gint64 now_s = fc_notifications_now (server);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (now_s);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(FcSqlStmt) unread =
    fc_sql_prepare (db, "SELECT count(*) FROM notifications WHERE user_id = ? AND is_read = 0");
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "date", today);
  json_object_set_member (object, "active_plan", active_plan (db, user_id, today));
  json_object_set_object_member (object, "workouts", workouts_summary (db, user_id, now, today));
  json_object_set_member (object, "weight", weight_summary (db, user_id, now_s));
  fc_sql_bind_int64 (unread, 1, user_id);
  json_object_set_int_member (object, "unread_notifications",
                              fc_sql_step_row (unread) ? fc_sql_column_int64 (unread, 0) : 0);
  json_object_set_member (object, "subscription", fc_payments_subscription_json (server, db, user_id));
  json_node_take_object (node, object);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

static const FcRoute routes[] = {
  { "GET", "/api/v1/users/dashboard/", FC_AUTH_REQUIRED, dashboard_cb },
};

const FcRoute *
fc_notifications_dashboard_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
