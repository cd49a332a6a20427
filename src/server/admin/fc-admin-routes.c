/* fc-admin-routes.c — /api/v1/admin/: the route table and what the routes share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every route is FC_AUTH_STAFF: the framework answers 401 without a valid
 * token (a deactivated account's tokens included) and 403 for everyone
 * but staff before a handler runs. Writes run in the framework's
 * transaction, and their audit row is written in it by the handler, so
 * the answer, the change and its audit row are committed together or not
 * at all.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <libsoup/soup.h>

#include "fc-admin-private.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "fc-time.h"

#define ACTIVITY_DATA "fc-admin-activity"

gboolean
fc_admin_audit (FcSql    *db,
                gint64      actor_id,
                const char *action,
                const char *object_type,
                gint64      object_id,
                JsonObject *before,
                JsonObject *after)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO audit_log (actor_id, actor_email, action, object_type,"
                              " object_id, before, after, created_at)"
                              " VALUES (?1, (SELECT email FROM users WHERE id = ?1), ?2, ?3, ?4, ?5, ?6, ?7)");
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();

  if (before != NULL) {
    g_autoptr(JsonNode) node = fc_admin_object_node (json_object_ref (before));

    before_text = fc_json_to_string (node, FALSE);
  }
  if (after != NULL) {
    g_autoptr(JsonNode) node = fc_admin_object_node (json_object_ref (after));

    after_text = fc_json_to_string (node, FALSE);
  }

  if (actor_id > 0)
    fc_sql_bind_int64 (stmt, 1, actor_id);
  else
    fc_sql_bind_null (stmt, 1);
  fc_sql_bind_text (stmt, 2, action);
  fc_sql_bind_text (stmt, 3, object_type);
  if (object_id > 0)
    fc_sql_bind_int64 (stmt, 4, object_id);
  else
    fc_sql_bind_null (stmt, 4);
  fc_sql_bind_text (stmt, 5, before_text);
  fc_sql_bind_text (stmt, 6, after_text);
  fc_sql_bind_text (stmt, 7, now);
  if (!fc_sql_step_done (stmt)) {
    g_warning ("Cannot write the audit row for %s %s %" G_GINT64_FORMAT ": %s",
               action, object_type, object_id, fc_sql_errmsg (db));
    return FALSE;
  }
  return TRUE;
}

JsonNode *
fc_admin_object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

void
fc_admin_respond_server_error (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                    "A server error occurred.");
}

JsonObject *
fc_admin_query_object (FcServerRequest    *request,
                       const char * const *names)
{
  JsonObject *object = json_object_new ();

  for (guint i = 0; names[i] != NULL; i++) {
    const char *value = fc_server_request_get_query (request, names[i]);

    if (value != NULL)
      json_object_set_string_member (object, names[i], value);
  }
  return object;
}

void
fc_admin_validate_range (JsonObject    *query,
                         const char    *from_field,
                         const char    *to_field,
                         guint          max_days,
                         FcFieldErrors *errors,
                         GDate         *out_from,
                         GDate         *out_to,
                         gboolean      *out_has_from,
                         gboolean      *out_has_to)
{
  const char *from_text = NULL, *to_text = NULL;

  *out_has_from = FALSE;
  *out_has_to = FALSE;
  if (fc_json_has_member (query, from_field) &&
      fc_validate_date (query, from_field, FALSE, FALSE, errors, &from_text, NULL))
    *out_has_from = fc_time_parse_date (from_text, out_from);
  if (fc_json_has_member (query, to_field) &&
      fc_validate_date (query, to_field, FALSE, FALSE, errors, &to_text, NULL))
    *out_has_to = fc_time_parse_date (to_text, out_to);

  if (*out_has_from && *out_has_to) {
    if (g_date_compare (out_from, out_to) > 0)
      fc_field_errors_add (errors, to_field, "Must not be before %s.", from_field);
    else if (max_days > 0 && g_date_days_between (out_from, out_to) >= (int) max_days)
      fc_field_errors_add (errors, to_field, "The range may cover at most %u days.", max_days);
  }
}

char *
fc_admin_day_start (const GDate *date,
                    int          add_days)
{
  GDate day = *date;
  g_autofree char *text = NULL;

  if (add_days > 0)
    g_date_add_days (&day, add_days);
  text = fc_time_format_date (&day);
  return g_strdup_printf ("%sT00:00:00.000000Z", text);
}

static void
bind_texts (FcSqlStmt *stmt,
            GPtrArray    *args)
{
  for (guint i = 0; i < args->len; i++)
    fc_sql_bind_text (stmt, (int) i + 1, g_ptr_array_index (args, i));
}

void
fc_admin_respond_list (FcServerRequest *request,
                       const char      *table,
                       const char      *columns,
                       const char      *where,
                       const char      *count_where,
                       const char      *order_by,
                       GPtrArray       *args,
                       FcAdminRowFunc   row_to_json)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s", table,
                                                count_where != NULL ? count_where : where);
  g_autofree char *page_sql = g_strdup_printf ("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT ? OFFSET ?",
                                               columns, table, where, order_by);
  g_autoptr(FcSqlStmt) count_stmt = fc_sql_prepare (db, count_sql);
  g_autoptr(FcSqlStmt) page_stmt = fc_sql_prepare (db, page_sql);
  g_autoptr(JsonArray) results = json_array_new ();
  gint64 count, limit, offset;

  if (count_stmt == NULL || page_stmt == NULL) {
    fc_admin_respond_server_error (request);
    return;
  }
  bind_texts (count_stmt, args);
  if (!fc_sql_step_row (count_stmt)) {
    fc_admin_respond_server_error (request);
    return;
  }
  count = fc_sql_column_int64 (count_stmt, 0);
  if (!fc_server_request_paginate (request, count, &limit, &offset))
    return;

  bind_texts (page_stmt, args);
  fc_sql_bind_int64 (page_stmt, (int) args->len + 1, limit);
  fc_sql_bind_int64 (page_stmt, (int) args->len + 2, offset);
  while (fc_sql_step_row (page_stmt))
    json_array_add_object_element (results, row_to_json (page_stmt));
  fc_server_request_respond_page (request, count, results);
}

/* Activity. */

void
fc_admin_note_activity (FcServer *server,
                        FcSql  *db,
                        gint64    user_id)
{
  GHashTable *seen = g_object_get_data (G_OBJECT (server), ACTIVITY_DATA);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 day = g_date_time_to_unix (now) / (24 * 3600);
  g_autoptr(FcSqlStmt) insert = NULL;
  g_autoptr(FcSqlStmt) touch = NULL;
  g_autofree char *day_text = NULL;
  g_autofree char *now_text = NULL;
  gpointer known;

  g_return_if_fail (user_id > 0);

  if (seen == NULL) {
    seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
    g_object_set_data_full (G_OBJECT (server), ACTIVITY_DATA, seen,
                            (GDestroyNotify) g_hash_table_unref);
  }
  if (g_hash_table_lookup_extended (seen, &user_id, NULL, &known) &&
      GPOINTER_TO_SIZE (known) == (gsize) day)
    return;

  day_text = g_date_time_format (now, "%Y-%m-%d");
  now_text = fc_time_format_iso8601 (now);
  insert = fc_sql_prepare (db, "INSERT INTO user_activity (day, user_id) VALUES (?, ?)"
                                 " ON CONFLICT DO NOTHING");
  fc_sql_bind_text (insert, 1, day_text);
  fc_sql_bind_int64 (insert, 2, user_id);
  touch = fc_sql_prepare (db, "UPDATE users SET last_seen = ? WHERE id = ?");
  fc_sql_bind_text (touch, 1, now_text);
  fc_sql_bind_int64 (touch, 2, user_id);
  /* Remembered only once written: a busy database tries again next time. */
  if (fc_sql_step_done (insert) && fc_sql_step_done (touch))
    g_hash_table_insert (seen, g_memdup2 (&user_id, sizeof user_id), GSIZE_TO_POINTER ((gsize) day));
}

/* Premium grants that ran out. */

void
fc_admin_set_actor (FcSql *db,
                    gint64   actor_id)
{
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (actor_id > 0) {
    stmt = fc_sql_prepare (db, "INSERT INTO audit_actor (id, actor_id) VALUES (1, ?)"
                               " ON CONFLICT (id) DO UPDATE SET actor_id = excluded.actor_id");
    fc_sql_bind_int64 (stmt, 1, actor_id);
  } else {
    g_autoptr(FcSqlStmt) check = fc_sql_prepare (db, "SELECT 1 FROM audit_actor");

    /* Outside a transaction, a DELETE of nothing would still be a write. */
    if (!fc_sql_step_row (check))
      return;
    stmt = fc_sql_prepare (db, "DELETE FROM audit_actor");
  }
  if (!fc_sql_step_done (stmt))
    g_warning ("Cannot set the audit actor: %s", fc_sql_errmsg (db));
}

guint
fc_admin_housekeeping (FcSql *db)
{
  g_autofree char *now = fc_time_now_iso8601 ();
  g_autoptr(FcSqlStmt) select = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) ends = g_ptr_array_new_with_free_func (g_free);
  guint expired = 0;

  if (!fc_sql_begin (db))
    return 0;
  fc_admin_set_actor (db, 0);

  /* The newest grant or revoke decides; only a grant with an end that has
   * passed, on an account that still has the flag, expires. */
  select = fc_sql_prepare (db,
    "SELECT u.id, t.ends_at FROM users u JOIN payment_transactions t ON t.id ="
    "  (SELECT MAX(id) FROM payment_transactions"
    "   WHERE user_id = u.id AND kind IN ('grant', 'revoke'))"
    " WHERE u.has_premium = 1 AND t.kind = 'grant' AND t.ends_at IS NOT NULL AND t.ends_at <= ?");
  fc_sql_bind_text (select, 1, now);
  while (fc_sql_step_row (select)) {
    gint64 id = fc_sql_column_int64 (select, 0);

    g_array_append_val (ids, id);
    g_ptr_array_add (ends, g_strdup (fc_sql_column_text (select, 1)));
  }

  for (guint i = 0; i < ids->len; i++) {
    gint64 id = g_array_index (ids, gint64, i);
    g_autoptr(FcSqlStmt) update =
      fc_sql_prepare (db, "UPDATE users SET has_premium = 0 WHERE id = ?");
    g_autoptr(JsonObject) before = json_object_new ();
    g_autoptr(JsonObject) after = json_object_new ();

    fc_sql_bind_int64 (update, 1, id);
    json_object_set_boolean_member (before, "has_premium", TRUE);
    json_object_set_string_member (before, "premium_ends_at", g_ptr_array_index (ends, i));
    json_object_set_boolean_member (after, "has_premium", FALSE);
    if (!fc_sql_step_done (update) ||
        !fc_admin_audit (db, 0, "premium.expire", "user", id, before, after)) {
      fc_sql_end (db, FALSE);
      return 0;
    }
    expired++;
  }
  if (!fc_sql_end (db, TRUE))
    return 0;
  if (expired > 0)
    g_message ("%u premium grant(s) ended", expired);
  return expired;
}

static const FcRoute admin_routes[] = {
  { "GET", FC_ADMIN_API "users/", FC_AUTH_STAFF, fc_admin_users_list_cb },
  { "GET", FC_ADMIN_API "users/{id}/", FC_AUTH_STAFF, fc_admin_user_get_cb },
  { "PATCH", FC_ADMIN_API "users/{id}/", FC_AUTH_STAFF, fc_admin_user_patch_cb },
  { "POST", FC_ADMIN_API "users/{id}/password-reset/", FC_AUTH_STAFF, fc_admin_user_reset_cb },
  { "GET", FC_ADMIN_API "audit/", FC_AUTH_STAFF, fc_admin_audit_list_cb },
  { "GET", FC_ADMIN_API "stats/", FC_AUTH_STAFF, fc_admin_stats_cb },
  { "PUT", FC_ADMIN_API "workouts/{id}/video-order/", FC_AUTH_STAFF, fc_admin_video_order_cb },
  { "POST", FC_ADMIN_IMPORT_PATH, FC_AUTH_STAFF, fc_admin_foods_import_cb },
  { "PUT", FC_ADMIN_API "workouts/{id}/thumbnail/", FC_AUTH_STAFF, fc_admin_thumbnail_put_cb },
  { "DELETE", FC_ADMIN_API "workouts/{id}/thumbnail/", FC_AUTH_STAFF, fc_admin_thumbnail_delete_cb },
  { "POST", FC_ADMIN_API "uploads/", FC_AUTH_STAFF, fc_admin_uploads_create_cb },
  { "GET", FC_ADMIN_API "uploads/{upload}/", FC_AUTH_STAFF, fc_admin_upload_get_cb },
  { "PATCH", FC_ADMIN_API "uploads/{upload}/", FC_AUTH_STAFF, fc_admin_upload_patch_cb },
  { "DELETE", FC_ADMIN_API "uploads/{upload}/", FC_AUTH_STAFF, fc_admin_upload_delete_cb },
  { "POST", FC_ADMIN_API "uploads/{upload}/complete/", FC_AUTH_STAFF, fc_admin_upload_complete_cb },
  { "GET", FC_ADMIN_API "meal-plan-templates/", FC_AUTH_STAFF, fc_admin_templates_list_cb },
  { "POST", FC_ADMIN_API "meal-plan-templates/", FC_AUTH_STAFF, fc_admin_templates_create_cb },
  { "GET", FC_ADMIN_API "meal-plan-templates/{id}/", FC_AUTH_STAFF, fc_admin_template_get_cb },
  { "PATCH", FC_ADMIN_API "meal-plan-templates/{id}/", FC_AUTH_STAFF, fc_admin_template_patch_cb },
  { "DELETE", FC_ADMIN_API "meal-plan-templates/{id}/", FC_AUTH_STAFF, fc_admin_template_delete_cb },
};

const FcRoute *
fc_admin_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (admin_routes);
  return admin_routes;
}
