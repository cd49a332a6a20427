/* fc-users.c — user accounts in the server database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-users"

#include "config.h"

#include "fc-sql.h"
#include "fc-time.h"
#include "fc-users.h"

G_DEFINE_QUARK (fc-users-error-quark, fc_users_error)

gint64
fc_users_create (FcSql     *db,
                 const char  *email,
                 const char  *password_hash,
                 const char  *first_name,
                 const char  *last_name,
                 gboolean     is_staff,
                 GError     **error)
{
  g_autoptr(FcSqlStmt) insert_user = NULL;
  g_autoptr(FcSqlStmt) insert_profile = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  gint64 user_id;

  g_return_val_if_fail (email != NULL && password_hash != NULL, 0);

  if (fc_users_find_by_email (db, email) != 0) {
    g_set_error (error, FC_USERS_ERROR, FC_USERS_ERROR_EXISTS, "%s is already registered", email);
    return 0;
  }

  insert_user = fc_sql_prepare (db,
                                      "INSERT INTO users (email, password, first_name, last_name, "
                                      "is_staff, date_joined) VALUES (?, ?, ?, ?, ?, ?)");
  fc_sql_bind_text (insert_user, 1, email);
  fc_sql_bind_text (insert_user, 2, password_hash);
  fc_sql_bind_text (insert_user, 3, first_name != NULL ? first_name : "");
  fc_sql_bind_text (insert_user, 4, last_name != NULL ? last_name : "");
  fc_sql_bind_int64 (insert_user, 5, is_staff ? 1 : 0);
  fc_sql_bind_text (insert_user, 6, now);
  if (!fc_sql_step_done (insert_user)) {
    g_set_error (error, FC_USERS_ERROR, FC_USERS_ERROR_FAILED, "Cannot create %s: %s", email,
                 fc_sql_errmsg (db));
    return 0;
  }
  user_id = fc_sql_last_insert_id (db);

  /* Every user has a profile, as the Django backend's post_save signal makes. */
  insert_profile = fc_sql_prepare (db, "INSERT INTO profiles (user_id, updated_at) VALUES (?, ?)");
  fc_sql_bind_int64 (insert_profile, 1, user_id);
  fc_sql_bind_text (insert_profile, 2, now);
  if (!fc_sql_step_done (insert_profile)) {
    g_set_error (error, FC_USERS_ERROR, FC_USERS_ERROR_FAILED, "Cannot create a profile: %s",
                 fc_sql_errmsg (db));
    return 0;
  }
  return user_id;
}

gint64
fc_users_find_by_email (FcSql    *db,
                        const char *email)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT id FROM users WHERE lower (email) = lower (?)");

  fc_sql_bind_text (stmt, 1, email);
  return fc_sql_step_row (stmt) ? fc_sql_column_int64 (stmt, 0) : 0;
}

gboolean
fc_users_set_password (FcSql    *db,
                       gint64      user_id,
                       const char *password_hash)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "UPDATE users SET password = ? WHERE id = ?");

  fc_sql_bind_text (stmt, 1, password_hash);
  fc_sql_bind_int64 (stmt, 2, user_id);
  return fc_sql_step_done (stmt);
}

JsonNode *
fc_users_to_json (FcSql  *db,
                  gint64    user_id,
                  gboolean  with_pk)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT email, first_name, last_name, is_staff FROM users WHERE id = ?");
  JsonObject *object;
  JsonNode *node;

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt))
    return NULL;

  object = json_object_new ();
  if (with_pk)
    json_object_set_int_member (object, "pk", user_id);
  json_object_set_string_member (object, "email", fc_sql_column_text (stmt, 0));
  json_object_set_string_member (object, "first_name", fc_sql_column_text (stmt, 1));
  json_object_set_string_member (object, "last_name", fc_sql_column_text (stmt, 2));
  /* Our extension to the account object (Django's has no such key): the app
   * shows the Admin section to staff. Clients must treat it as optional. */
  if (with_pk)
    json_object_set_boolean_member (object, "is_staff", fc_sql_column_int (stmt, 3) != 0);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}
