/* fc-admin-users.c — admin/users/: the staff's view of every account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list pages over 100,000 accounts in any of its orders by walking an
 * index (migration 10), never by sorting the table. A PATCH changes an
 * account's flags with one audit row of what it changed; deactivation is
 * soft: the row and everything it owns stay, the framework refuses the
 * account's access tokens from the next request on (it reads is_active
 * for every request), its refresh tokens are blacklisted in the same
 * transaction, and login says why it refuses.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fc-accounts.h"
#include "fc-admin-private.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "fc-time.h"

#define NO_USER "No User matches the given query."
#define MAX_SEARCH_TERMS 8
#define MAX_SEARCH_LENGTH 254

#define USER_COLUMNS \
  "id, email, first_name, last_name, is_staff, is_active, has_premium, email_verified," \
  " date_joined, last_login, last_seen"

typedef struct {
  const char *name;
  const char *order_by;
} Ordering;

/* Each order walks an index of migration 10 (or the e-mail's unique one);
 * id breaks ties so that pages never overlap. */
static const Ordering orderings[] = {
  { "date_joined", "date_joined, id" },
  { "-date_joined", "date_joined DESC, id DESC" },
  { "id", "id" },
  { "-id", "id DESC" },
  { "email", "lower (email)" },
  { "-email", "lower (email) DESC" },
  { "last_login", "last_login, id" },
  { "-last_login", "last_login DESC, id DESC" },
  { "last_seen", "last_seen, id" },
  { "-last_seen", "last_seen DESC, id DESC" },
};

static void
set_text_or_null (JsonObject   *object,
                  const char   *name,
                  FcSqlStmt *stmt,
                  int           column)
{
  if (fc_sql_column_is_null (stmt, column))
    json_object_set_null_member (object, name);
  else
    json_object_set_string_member (object, name, fc_sql_column_text (stmt, column));
}

/* One row of USER_COLUMNS as the list's object. */
static JsonObject *
user_row_to_json (FcSqlStmt *stmt)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  json_object_set_string_member (object, "email", fc_sql_column_text (stmt, 1));
  json_object_set_string_member (object, "first_name", fc_sql_column_text (stmt, 2));
  json_object_set_string_member (object, "last_name", fc_sql_column_text (stmt, 3));
  json_object_set_boolean_member (object, "is_staff", fc_sql_column_int (stmt, 4) != 0);
  json_object_set_boolean_member (object, "is_active", fc_sql_column_int (stmt, 5) != 0);
  json_object_set_boolean_member (object, "has_premium", fc_sql_column_int (stmt, 6) != 0);
  json_object_set_boolean_member (object, "email_verified", fc_sql_column_int (stmt, 7) != 0);
  json_object_set_string_member (object, "date_joined", fc_sql_column_text (stmt, 8));
  set_text_or_null (object, "last_login", stmt, 9);
  set_text_or_null (object, "last_seen", stmt, 10);
  return object;
}

static gint64
count_of (FcSql    *db,
          const char *sql,
          gint64      user_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, user_id);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

/* The newest grant or revoke of @user_id, or NULL when staff never
 * granted premium. */
static JsonNode *
current_grant (FcSql *db,
               gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT id, kind, starts_at, ends_at, created_by, note, created_at"
                              " FROM payment_transactions"
                              " WHERE user_id = ? AND kind IN ('grant', 'revoke')"
                              " ORDER BY id DESC LIMIT 1");
  JsonObject *object;

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt))
    return json_node_new (JSON_NODE_NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  json_object_set_string_member (object, "kind", fc_sql_column_text (stmt, 1));
  json_object_set_string_member (object, "starts_at", fc_sql_column_text (stmt, 2));
  set_text_or_null (object, "ends_at", stmt, 3);
  if (fc_sql_column_is_null (stmt, 4))
    json_object_set_null_member (object, "created_by");
  else
    json_object_set_int_member (object, "created_by", fc_sql_column_int64 (stmt, 4));
  json_object_set_string_member (object, "note", fc_sql_column_text (stmt, 5));
  json_object_set_string_member (object, "created_at", fc_sql_column_text (stmt, 6));
  return fc_admin_object_node (object);
}

/* GET admin/users/{id}/'s object, or NULL for an unknown id. */
static JsonNode *
user_detail (FcSql *db,
             gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?");
  g_autoptr(FcSqlStmt) profile_stmt = NULL;
  JsonObject *object;
  JsonObject *profile;
  JsonObject *counts;

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt))
    return NULL;
  object = user_row_to_json (stmt);

  profile_stmt = fc_sql_prepare (db, "SELECT img, age, weight, height, gender, fitness_goal"
                                           " FROM profiles WHERE user_id = ?");
  fc_sql_bind_int64 (profile_stmt, 1, user_id);
  if (fc_sql_step_row (profile_stmt)) {
    profile = json_object_new ();
    set_text_or_null (profile, "img", profile_stmt, 0);
    if (fc_sql_column_is_null (profile_stmt, 1))
      json_object_set_null_member (profile, "age");
    else
      json_object_set_int_member (profile, "age", fc_sql_column_int64 (profile_stmt, 1));
    for (int column = 2; column <= 3; column++) {
      const char *name = column == 2 ? "weight" : "height";

      if (fc_sql_column_is_null (profile_stmt, column))
        json_object_set_null_member (profile, name);
      else
        json_object_set_double_member (profile, name, fc_sql_column_double (profile_stmt, column));
    }
    set_text_or_null (profile, "gender", profile_stmt, 4);
    set_text_or_null (profile, "fitness_goal", profile_stmt, 5);
    json_object_set_object_member (object, "profile", profile);
  } else {
    json_object_set_null_member (object, "profile");
  }

  json_object_set_member (object, "premium_grant", current_grant (db, user_id));

  counts = json_object_new ();
  json_object_set_int_member (counts, "meals",
                              count_of (db, "SELECT count(*) FROM meals WHERE user_id = ?", user_id));
  json_object_set_int_member (counts, "meal_plans",
                              count_of (db, "SELECT count(*) FROM meal_plans WHERE user_id = ?",
                                        user_id));
  json_object_set_int_member (counts, "workouts_started",
                              count_of (db, "SELECT count(*) FROM workout_progress WHERE user_id = ?",
                                        user_id));
  json_object_set_int_member (counts, "workouts_completed",
                              count_of (db, "SELECT count(*) FROM workout_progress"
                                            " WHERE user_id = ? AND completed_at IS NOT NULL",
                                        user_id));
  json_object_set_object_member (object, "counts", counts);
  return fc_admin_object_node (object);
}

/* GET admin/users/ */

void
fc_admin_users_list_cb (FcServerRequest *request)
{
  static const char * const names[] = {
    "search", "is_staff", "has_premium", "is_active", "joined_from", "joined_to", "ordering", NULL
  };
  /* In users_flags' order. */
  static const char * const flags[] = { "is_staff", "is_active", "has_premium" };
  g_autoptr(JsonObject) query = fc_admin_query_object (request, names);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  /* TRUE, not 1: PostgreSQL wants a boolean condition */
  g_autoptr(GString) where = g_string_new ("TRUE");
  g_autoptr(GString) count_flags = g_string_new ("TRUE");
  g_autofree char *count_where = NULL;
  gboolean any_flag = FALSE;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *order_by = orderings[1].order_by;
  const char *search = NULL;
  const char *ordering = NULL;
  GDate from, to;
  gboolean has_from, has_to;

  if (fc_json_has_member (query, "search"))
    fc_validate_string (query, "search", FALSE, TRUE, MAX_SEARCH_LENGTH, errors, &search);
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++) {
    gboolean value;

    if (fc_json_has_member (query, flags[i]) &&
        fc_validate_boolean (query, flags[i], FALSE, errors, &value)) {
      g_string_append_printf (where, " AND %s = %d", flags[i], value ? 1 : 0);
      g_string_append_printf (count_flags, " AND %s = %d", flags[i], value ? 1 : 0);
      any_flag = TRUE;
    } else {
      g_string_append_printf (count_flags, " AND %s IN (0, 1)", flags[i]);
    }
  }
  fc_admin_validate_range (query, "joined_from", "joined_to", 0, errors, &from, &to,
                           &has_from, &has_to);
  if (fc_json_has_member (query, "ordering") &&
      fc_validate_string (query, "ordering", FALSE, FALSE, 0, errors, &ordering)) {
    order_by = NULL;
    for (guint i = 0; i < G_N_ELEMENTS (orderings); i++) {
      if (g_str_equal (ordering, orderings[i].name))
        order_by = orderings[i].order_by;
    }
    if (order_by == NULL)
      fc_field_errors_add (errors, "ordering",
                           "Select one of: date_joined, id, email, last_login, last_seen, "
                           "each optionally preceded by \"-\".");
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  if (has_from) {
    g_string_append (where, " AND date_joined >= ?");
    g_ptr_array_add (args, fc_admin_day_start (&from, 0));
  }
  if (has_to) {
    g_string_append (where, " AND date_joined < ?");
    g_ptr_array_add (args, fc_admin_day_start (&to, 1));
  }
  /* DRF's SearchFilter: every term must match one of the fields. Terms of
   * three characters or more go to the trigram index as one query (its
   * phrases are ANDed), shorter ones to LIKE, which reads every row. */
  if (search != NULL) {
    g_auto(GStrv) terms = g_strsplit_set (search, " \t\n,", -1);
    g_autoptr(GString) match = g_string_new ("");
    guint n_terms = 0;

    for (guint i = 0; terms[i] != NULL && n_terms < MAX_SEARCH_TERMS; i++) {
      if (*terms[i] == '\0')
        continue;
      n_terms++;
      /* PostgreSQL has no FTS5: its trigram index (pg_trgm) serves LIKE
       * itself (src/server/fc-server-schema-pg.c) */
      if (g_utf8_strlen (terms[i], -1) >= 3 &&
          fc_sql_get_backend (fc_server_request_get_db (request)) == FC_SQL_BACKEND_SQLITE) {
        g_auto(GStrv) quotes = g_strsplit (terms[i], "\"", -1);
        g_autofree char *escaped = g_strjoinv ("\"\"", quotes);

        g_string_append_printf (match, "%s\"%s\"", match->len > 0 ? " " : "", escaped);
      } else {
        g_string_append (where, " AND (email LIKE ? ESCAPE '\\' OR first_name LIKE ? ESCAPE '\\'"
                                " OR last_name LIKE ? ESCAPE '\\')");
        for (guint k = 0; k < 3; k++)
          g_ptr_array_add (args, fc_sql_like_pattern (terms[i]));
      }
    }
    if (match->len > 0) {
      g_string_append (where, " AND id IN (SELECT rowid FROM users_search WHERE users_search MATCH ?)");
      g_ptr_array_add (args, g_strdup (match->str));
    }
  }

  /* The count seeks users_flags with every flag named (the flags are 0 or
   * 1), where a filter on has_premium alone read all 100,000 entries; the
   * page keeps the plain filter, so that it walks its order's index. */
  if (any_flag)
    count_where = g_strdup_printf ("%s%s", count_flags->str, where->str + strlen ("TRUE"));
  fc_admin_respond_list (request, "users", USER_COLUMNS, where->str, count_where, order_by, args,
                         user_row_to_json);
}

/* GET admin/users/{id}/ */

void
fc_admin_user_get_cb (FcServerRequest *request)
{
  JsonNode *node = user_detail (fc_server_request_get_db (request),
                                fc_server_request_get_id (request, "id"));

  if (node == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_USER);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

/* PATCH admin/users/{id}/ */

typedef struct {
  gboolean is_staff;
  gboolean is_active;
  gboolean has_premium;
  char    *premium_ends_at;   /* the newest grant's, when it is in force */
} UserFlags;

static void
user_flags_clear (UserFlags *flags)
{
  g_clear_pointer (&flags->premium_ends_at, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UserFlags, user_flags_clear)

static gboolean
load_flags (FcSql   *db,
            gint64     user_id,
            UserFlags *out)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT is_staff, is_active, has_premium,"
                              " (SELECT CASE kind WHEN 'grant' THEN ends_at END"
                              "  FROM payment_transactions WHERE user_id = users.id"
                              "  AND kind IN ('grant', 'revoke') ORDER BY id DESC LIMIT 1)"
                              " FROM users WHERE id = ?");

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt))
    return FALSE;
  out->is_staff = fc_sql_column_int (stmt, 0) != 0;
  out->is_active = fc_sql_column_int (stmt, 1) != 0;
  out->has_premium = fc_sql_column_int (stmt, 2) != 0;
  if (out->has_premium && !fc_sql_column_is_null (stmt, 3))
    out->premium_ends_at = g_strdup (fc_sql_column_text (stmt, 3));
  return TRUE;
}

static void
set_ends_at (JsonObject *object,
             const char *ends_at)
{
  if (ends_at != NULL)
    json_object_set_string_member (object, "premium_ends_at", ends_at);
  else
    json_object_set_null_member (object, "premium_ends_at");
}

/* Active staff other than @user_id. */
static gint64
other_active_staff (FcSql *db,
                    gint64   user_id)
{
  return count_of (db, "SELECT count(*) FROM users WHERE is_staff = 1 AND is_active = 1 AND id <> ?",
                   user_id);
}

static gboolean
execute_update (FcSql    *db,
                const char *sql,
                gint64      user_id,
                gint64      value)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  fc_sql_bind_int64 (stmt, 1, value);
  fc_sql_bind_int64 (stmt, 2, user_id);
  return fc_sql_step_done (stmt);
}

static gboolean
insert_grant (FcSql    *db,
              gint64      user_id,
              const char *kind,
              const char *ends_at,
              gint64      actor_id,
              const char *note,
              gint64     *out_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO payment_transactions (user_id, kind, provider, starts_at,"
                              " ends_at, created_by, note, created_at) VALUES (?, ?, 'admin', ?, ?, ?, ?, ?)");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_int64 (stmt, 1, user_id);
  fc_sql_bind_text (stmt, 2, kind);
  fc_sql_bind_text (stmt, 3, now);
  fc_sql_bind_text (stmt, 4, ends_at);
  fc_sql_bind_int64 (stmt, 5, actor_id);
  fc_sql_bind_text (stmt, 6, note != NULL ? note : "");
  fc_sql_bind_text (stmt, 7, now);
  if (!fc_sql_step_done (stmt))
    return FALSE;
  *out_id = fc_sql_last_insert_id (db);
  return TRUE;
}

/* Every refresh token the account holds, so that reactivation does not
 * bring old sessions back: the user signs in again. */
static gboolean
revoke_refresh_tokens (FcSql *db,
                       gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO blacklisted_tokens (jti, blacklisted_at)"
                              " SELECT jti, ? FROM outstanding_tokens WHERE user_id = ?"
                              " ON CONFLICT DO NOTHING");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_text (stmt, 1, now);
  fc_sql_bind_int64 (stmt, 2, user_id);
  return fc_sql_step_done (stmt);
}

void
fc_admin_user_patch_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  JsonObject *body = fc_server_request_get_body (request);
  gint64 user_id = fc_server_request_get_id (request, "id");
  gint64 actor_id = fc_server_request_get_user_id (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(JsonObject) after = json_object_new ();
  g_auto(UserFlags) old = { 0 };
  g_autofree char *new_ends_at = NULL;
  gboolean has_staff = FALSE, has_active = FALSE, has_premium = FALSE, has_until = FALSE;
  gboolean is_staff = FALSE, is_active = FALSE, premium = FALSE, until_is_null = FALSE;
  const char *until = NULL;
  const char *note = NULL;
  JsonNode *node;

  if (!load_flags (db, user_id, &old)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_USER);
    return;
  }

  if (fc_json_has_member (body, "is_staff"))
    has_staff = fc_validate_boolean (body, "is_staff", FALSE, errors, &is_staff);
  if (fc_json_has_member (body, "is_active"))
    has_active = fc_validate_boolean (body, "is_active", FALSE, errors, &is_active);
  if (fc_json_has_member (body, "has_premium"))
    has_premium = fc_validate_boolean (body, "has_premium", FALSE, errors, &premium);
  if (fc_json_has_member (body, "premium_until"))
    has_until = fc_validate_date (body, "premium_until", FALSE, TRUE, errors, &until, &until_is_null);
  if (fc_json_has_member (body, "note"))
    fc_validate_string (body, "note", FALSE, TRUE, 500, errors, &note);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (has_until && !(has_premium && premium)) {
    fc_field_errors_add (errors, "premium_until", "Only with \"has_premium\": true.");
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (!has_staff && !has_active && !has_premium) {
    fc_field_errors_add (errors, "non_field_errors",
                         "Give at least one of is_active, is_staff, has_premium.");
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (has_until && !until_is_null) {
    GDate date, today;

    fc_time_parse_date (until, &date);
    g_date_clear (&today, 1);
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                      g_date_time_get_year (now));
    }
    if (g_date_compare (&date, &today) <= 0) {
      fc_field_errors_add (errors, "premium_until", "Must be a date after today (UTC).");
      fc_server_request_respond_errors (request, errors);
      return;
    }
    new_ends_at = fc_admin_day_start (&date, 0);
  }

  /* The last active staff account first: with one staff member, removing
   * their own rights is refused for that reason, which says what to do. */
  if (old.is_staff && old.is_active &&
      ((has_staff && !is_staff) || (has_active && !is_active)) &&
      other_active_staff (db, user_id) == 0) {
    fc_server_request_respond_detail (request, SOUP_STATUS_CONFLICT,
                                      "This is the last active staff account; make another "
                                      "account staff first.");
    return;
  }
  if (user_id == actor_id && has_staff && !is_staff)
    fc_field_errors_add (errors, "is_staff", "You cannot remove your own staff status.");
  if (user_id == actor_id && has_active && !is_active)
    fc_field_errors_add (errors, "is_active", "You cannot deactivate your own account.");
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  if (has_staff && is_staff != old.is_staff) {
    if (!execute_update (db, "UPDATE users SET is_staff = ? WHERE id = ?", user_id, is_staff)) {
      fc_admin_respond_server_error (request);
      return;
    }
    json_object_set_boolean_member (before, "is_staff", old.is_staff);
    json_object_set_boolean_member (after, "is_staff", is_staff);
  }
  if (has_active && is_active != old.is_active) {
    if (!execute_update (db, "UPDATE users SET is_active = ? WHERE id = ?", user_id, is_active) ||
        (!is_active && !revoke_refresh_tokens (db, user_id))) {
      fc_admin_respond_server_error (request);
      return;
    }
    json_object_set_boolean_member (before, "is_active", old.is_active);
    json_object_set_boolean_member (after, "is_active", is_active);
  }
  /* A grant is written even when the account already has premium: it is
   * how an end date is moved. A revoke only when there is premium to
   * revoke. */
  if (has_premium && (premium || old.has_premium)) {
    gint64 transaction_id = 0;

    if (!execute_update (db, "UPDATE users SET has_premium = ? WHERE id = ?", user_id, premium) ||
        !insert_grant (db, user_id, premium ? "grant" : "revoke", premium ? new_ends_at : NULL,
                       actor_id, note, &transaction_id)) {
      fc_admin_respond_server_error (request);
      return;
    }
    json_object_set_boolean_member (before, "has_premium", old.has_premium);
    set_ends_at (before, old.premium_ends_at);
    json_object_set_boolean_member (after, "has_premium", premium);
    set_ends_at (after, premium ? new_ends_at : NULL);
    json_object_set_int_member (after, "transaction", transaction_id);
  }

  /* A PATCH that changes nothing writes nothing, audit included. */
  if (json_object_get_size (after) > 0 &&
      !fc_admin_audit (db, actor_id, "user.update", "user", user_id, before, after)) {
    fc_admin_respond_server_error (request);
    return;
  }

  node = user_detail (db, user_id);
  if (node == NULL) {
    fc_admin_respond_server_error (request);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK, node);
}

/* POST admin/users/{id}/password-reset/ */

void
fc_admin_user_reset_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_id (request, "id");
  g_auto(UserFlags) flags = { 0 };
  g_autoptr(JsonObject) after = json_object_new ();
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (!load_flags (db, user_id, &flags)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, NO_USER);
    return;
  }
  if (!flags.is_active) {
    fc_server_request_respond_detail (request, SOUP_STATUS_CONFLICT,
                                      "This account is deactivated; reactivate it before "
                                      "sending a password reset.");
    return;
  }

  stmt = fc_sql_prepare (db, "SELECT email FROM users WHERE id = ?");
  fc_sql_bind_int64 (stmt, 1, user_id);
  if (fc_sql_step_row (stmt))
    json_object_set_string_member (after, "mailed_to", fc_sql_column_text (stmt, 0));
  g_clear_pointer (&stmt, fc_sql_finalize);

  /* The audit row commits before the mail goes; a mail is never sent for
   * an action with no record. */
  if (!fc_admin_audit (db, fc_server_request_get_user_id (request), "user.password_reset", "user",
                       user_id, NULL, after)) {
    fc_admin_respond_server_error (request);
    return;
  }
  switch (fc_accounts_mail_password_reset (request, user_id)) {
  case FC_ACCOUNTS_RESET_SENT:
    fc_server_request_respond_detail (request, SOUP_STATUS_OK, "Password reset e-mail has been sent.");
    break;
  case FC_ACCOUNTS_RESET_NO_ACCOUNT:
  case FC_ACCOUNTS_RESET_NOT_SAVED:
  default:
    fc_admin_respond_server_error (request);
    break;
  }
}
