/* fc-notifications-events.c — the notifications the server writes on events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each hook runs inside the transaction of the write that caused it, so a
 * notification exists exactly when its cause was committed. A failure to
 * notify is logged and never fails the caller's write.
 */

#define G_LOG_DOMAIN "fc-notifications"

#include "config.h"

#include "fc-json.h"
#include "fc-notifications.h"
#include "fc-sql.h"

#define STREAK_DAYS 7

void
fc_notifications_plan_ready (FcServer *server,
                             FcSql  *db,
                             gint64    user_id,
                             gint64    plan_id,
                             gboolean  copied)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT name FROM meal_plans WHERE id = ? AND user_id = ?");
  g_autofree char *message = NULL;

  fc_sql_bind_int64 (stmt, 1, plan_id);
  fc_sql_bind_int64 (stmt, 2, user_id);
  if (!fc_sql_step_row (stmt))
    return;
  message = g_strdup_printf (copied ? "“%s” was copied into your meal plans."
                                    : "“%s” was generated for you.",
                             fc_sql_column_text (stmt, 0));
  fc_notifications_add (server, db, user_id, "MEAL_PLAN_UPDATE",
                        copied ? "Meal plan copied" : "Your meal plan is ready", message);
}

static gint64
query_int (FcSql    *db,
           const char *sql,
           gint64      user_id,
           const char *text)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (text != NULL)
    fc_sql_bind_text (stmt, 2, text);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

/* TRUE the first time @milestone is reached by @user_id. */
static gboolean
claim_milestone (FcSql    *db,
                 gint64      user_id,
                 const char *milestone)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO notification_milestones (user_id, milestone)"
                              " VALUES (?, ?) ON CONFLICT DO NOTHING");

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, milestone);
  return fc_sql_step_done (stmt) && fc_sql_changes (db) == 1;
}

static char *
day_before (const char *day,
            int         days)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_parse (&date, day);
  if (!g_date_valid (&date))
    return NULL;
  g_date_subtract_days (&date, days);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

gint64
fc_notifications_streak (FcSql    *db,
                         gint64      user_id,
                         const char *today)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT DISTINCT day FROM workout_completions"
                              " WHERE user_id = ? AND day <= ? ORDER BY day DESC");
  g_autofree char *expected = NULL;
  gint64 streak = 0;

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, today);
  while (fc_sql_step_row (stmt)) {
    const char *day = fc_sql_column_text (stmt, 0);

    if (expected == NULL) {
      g_autofree char *yesterday = day_before (today, 1);

      /* Today without a workout yet still continues yesterday's streak. */
      if (g_strcmp0 (day, today) != 0 && g_strcmp0 (day, yesterday) != 0)
        return 0;
    } else if (g_strcmp0 (day, expected) != 0) {
      break;
    }
    streak++;
    g_free (expected);
    expected = day_before (day, 1);
  }
  return streak;
}

void
fc_notifications_workout_completed (FcServer *server,
                                    FcSql  *db,
                                    gint64    user_id,
                                    gint64    workout_id)
{
  g_autoptr(FcSqlStmt) insert =
    fc_sql_prepare (db, "INSERT INTO workout_completions (user_id, workout_id, day)"
                              " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  g_autoptr(FcSqlStmt) title = fc_sql_prepare (db, "SELECT title FROM workouts WHERE id = ?");
  g_autofree char *today = fc_notifications_today (server);
  g_autofree char *message = NULL;
  static const gint64 counts[] = { 1, 10, 50 };
  gint64 completed, streak;

  fc_sql_bind_int64 (insert, 1, user_id);
  fc_sql_bind_int64 (insert, 2, workout_id);
  fc_sql_bind_text (insert, 3, today);
  if (!fc_sql_step_done (insert) || fc_sql_changes (db) == 0)
    return;

  fc_sql_bind_int64 (title, 1, workout_id);
  message = g_strdup_printf ("You completed “%s”. Well done!",
                             fc_sql_step_row (title) ? fc_sql_column_text (title, 0)
                                                           : "a workout");
  fc_notifications_add (server, db, user_id, "ACHIEVEMENT", "Workout completed", message);

  completed = query_int (db, "SELECT count(*) FROM workout_completions WHERE user_id = ?",
                         user_id, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++) {
    g_autofree char *key = g_strdup_printf ("workouts:%" G_GINT64_FORMAT, counts[i]);
    g_autofree char *text = NULL;

    if (completed != counts[i] || !claim_milestone (db, user_id, key))
      continue;
    text = counts[i] == 1
             ? g_strdup ("You completed your first workout.")
             : g_strdup_printf ("You completed %" G_GINT64_FORMAT " workouts.", counts[i]);
    fc_notifications_add (server, db, user_id, "ACHIEVEMENT",
                          counts[i] == 1 ? "First workout" : "Milestone reached", text);
  }

  streak = fc_notifications_streak (db, user_id, today);
  if (streak == STREAK_DAYS) {
    /* One per streak: a later streak of seven days is celebrated again. */
    g_autofree char *start = day_before (today, STREAK_DAYS - 1);
    g_autofree char *key = g_strdup_printf ("streak:%d:%s", STREAK_DAYS, start);

    if (claim_milestone (db, user_id, key))
      fc_notifications_add (server, db, user_id, "ACHIEVEMENT", "7-day streak",
                            "You worked out seven days in a row.");
  }
}

void
fc_notifications_payment_event (FcServer   *server,
                                FcSql    *db,
                                gint64      user_id,
                                const char *event_type,
                                JsonObject *object)
{
  if (g_strcmp0 (event_type, "checkout.session.completed") == 0) {
    const char *paid = object != NULL ? fc_json_get_string (object, "payment_status") : NULL;

    if (g_strcmp0 (paid, "paid") == 0 || g_strcmp0 (paid, "no_payment_required") == 0)
      fc_notifications_add (server, db, user_id, "PAYMENT", "Payment received",
                            "Thank you! Your premium access is active.");
  } else if (g_strcmp0 (event_type, "invoice.payment_failed") == 0) {
    fc_notifications_add (server, db, user_id, "PAYMENT", "Payment failed",
                          "Your last payment did not go through. Update your card in the billing"
                          " portal to keep premium access.");
  }
}
