/* fc-store-notifications.c — the account's notifications in the store
 * (migration 7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-store-notifications.h"

#include "fc-json.h"
#include "fc-store-notifications-private.h"
#include "fc-store-private.h"

#define MARK_ALL_PATH "notifications/mark-all-read/"

/* Whether an edit of notification ?1 waits in the outbox: its own row, or
 * a mark-all-read (object 0). Such a row keeps its local read state. */
#define EDIT_WAITS(id)                                                   \
  "EXISTS (SELECT 1 FROM outbox WHERE resource = '" FC_STORE_NOTIFICATIONS \
  "' AND object_id IN (" id ", 0))"

#define COLUMNS "id, type, title, message, is_read, created_at"

/* Server state (a page, a stream event, an answer): a notification the
 * user deleted here stays deleted while its DELETE waits; unchanged rows
 * are not rewritten, so a pull announces only what moved. */
static const char upsert_sql[] =
  "INSERT INTO notifications (" COLUMNS ") "
  "SELECT ?1, coalesce (?2, 'SYSTEM'), coalesce (?3, ''), coalesce (?4, ''), ?5, ?6 "
  "WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE resource = '" FC_STORE_NOTIFICATIONS "'"
  "                  AND object_id = ?1 AND method = 'DELETE') "
  "ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,"
  "  message = excluded.message, created_at = excluded.created_at,"
  "  is_read = CASE WHEN " EDIT_WAITS ("notifications.id") " THEN notifications.is_read"
  "                 ELSE excluded.is_read END "
  "WHERE type IS NOT excluded.type OR title IS NOT excluded.title"
  "  OR message IS NOT excluded.message OR created_at IS NOT excluded.created_at"
  "  OR (is_read IS NOT excluded.is_read AND NOT " EDIT_WAITS ("notifications.id") ")";

static gboolean
upsert (FcStoreDb   *db,
        JsonObject  *object,
        GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  gboolean is_read = FALSE;

  /* Untrusted: an object without an id is skipped, not an error. */
  if (!fc_json_get_int (object, "id", &id) || id <= 0)
    return TRUE;
  if ((stmt = fc_store_db_stmt (db, upsert_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  fc_store_bind_text (stmt, 2, fc_json_get_string (object, "type"));
  fc_store_bind_text (stmt, 3, fc_json_get_string (object, "title"));
  fc_store_bind_text (stmt, 4, fc_json_get_string (object, "message"));
  fc_json_get_boolean (object, "is_read", &is_read);
  sqlite3_bind_int (stmt, 5, is_read ? 1 : 0);
  fc_store_bind_text (stmt, 6, fc_json_get_string (object, "created_at"));
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) > 0)
    fc_store_db_touch (db, FC_STORE_NOTIFICATIONS);
  return TRUE;
}

static JsonObject *
row_to_object (sqlite3_stmt *stmt)
{
  JsonObject *object = json_object_new ();
  const char *created = fc_store_column_text (stmt, 5);

  json_object_set_int_member (object, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_string_member (object, "type", fc_store_column_text (stmt, 1));
  json_object_set_string_member (object, "title", fc_store_column_text (stmt, 2));
  json_object_set_string_member (object, "message", fc_store_column_text (stmt, 3));
  json_object_set_boolean_member (object, "is_read", sqlite3_column_int (stmt, 4) != 0);
  if (created != NULL)
    json_object_set_string_member (object, "created_at", created);
  else
    json_object_set_null_member (object, "created_at");
  return object;
}

/* The notification @id as the wire has it, or NULL (NOT_FOUND). */
static JsonObject *
load (FcStoreDb   *db,
      gint64       id,
      GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT " COLUMNS " FROM notifications WHERE id = ?1",
                                         error);
  JsonObject *object = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    object = row_to_object (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND,
                 "No notification with id %" G_GINT64_FORMAT, id);
  sqlite3_reset (stmt);
  return object;
}

static gboolean
set_read (FcStoreDb   *db,
          gint64       id,
          gboolean     is_read,
          gboolean     unless_edited,
          GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = fc_store_db_stmt (db, unless_edited
                               ? "UPDATE notifications SET is_read = ?2 WHERE id = ?1 "
                                 "AND is_read != ?2 AND NOT " EDIT_WAITS ("?1")
                               : "UPDATE notifications SET is_read = ?2 WHERE id = ?1 "
                                 "AND is_read != ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, is_read ? 1 : 0);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) > 0)
    fc_store_db_touch (db, FC_STORE_NOTIFICATIONS);
  return TRUE;
}

static gboolean
remove_one (FcStoreDb   *db,
            gint64       id,
            GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "DELETE FROM notifications WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) > 0)
    fc_store_db_touch (db, FC_STORE_NOTIFICATIONS);
  return TRUE;
}

/* Each job is one transaction: all of it or nothing. */
typedef gboolean (*TxFunc) (FcStoreDb *db, FcStoreArgs *args, gpointer *result,
                            GDestroyNotify *result_free, GError **error);

static gboolean
in_transaction (FcStoreDb       *db,
                FcStoreArgs     *args,
                TxFunc           func,
                gpointer        *result,
                GDestroyNotify  *result_free,
                GError         **error)
{
  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!func (db, args, result, result_free, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

/* Reads */

static gboolean
list_job (FcStoreDb       *db,
          gpointer         data,
          gpointer        *result,
          GDestroyNotify  *result_free,
          GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(JsonArray) array = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = fc_store_db_stmt (db, "SELECT " COLUMNS ", " EDIT_WAITS ("notifications.id") " "
                               "FROM notifications ORDER BY id DESC LIMIT ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, args->number > 0 ? args->number : -1);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    JsonObject *object = row_to_object (stmt);

    json_object_set_boolean_member (object, "dirty", sqlite3_column_int (stmt, 6) != 0);
    json_array_add_object_element (array, object);
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  *result = g_steal_pointer (&array);
  *result_free = (GDestroyNotify) json_array_unref;
  return TRUE;
}

/* User writes */

static gboolean
return_row (FcStoreDb       *db,
            gint64           row_id,
            gpointer        *result,
            GDestroyNotify  *result_free,
            GError         **error)
{
  gint64 *out;

  if (row_id == 0)
    return FALSE;
  out = g_new (gint64, 1);
  *out = row_id;
  *result = out;
  *result_free = g_free;
  return TRUE;
}

static gboolean
set_read_tx (FcStoreDb       *db,
             FcStoreArgs     *args,
             gpointer        *result,
             GDestroyNotify  *result_free,
             GError         **error)
{
  g_autoptr(JsonObject) before = load (db, args->id, error);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) revert = json_object_new ();
  g_autofree char *path = NULL;
  gboolean was_read = FALSE;

  if (before == NULL)
    return FALSE;
  fc_json_get_boolean (before, "is_read", &was_read);
  json_object_set_boolean_member (revert, "is_read", was_read);
  json_object_set_boolean_member (body, "is_read", args->number != 0);
  if (!set_read (db, args->id, args->number != 0, FALSE, error))
    return FALSE;
  /* The page shows the change at once, whatever the outbox holds. */
  fc_store_db_touch (db, FC_STORE_NOTIFICATIONS);
  path = g_strdup_printf ("notifications/%" G_GINT64_FORMAT "/", args->id);
  return return_row (db, fc_store_outbox_enqueue (db, "PATCH", path, body, FC_STORE_NOTIFICATIONS,
                                                  args->id, FALSE, revert, error),
                     result, result_free, error);
}

static gboolean
delete_tx (FcStoreDb       *db,
           FcStoreArgs     *args,
           gpointer        *result,
           GDestroyNotify  *result_free,
           GError         **error)
{
  g_autoptr(JsonObject) before = load (db, args->id, error);
  g_autofree char *path = NULL;

  if (before == NULL || !remove_one (db, args->id, error))
    return FALSE;
  path = g_strdup_printf ("notifications/%" G_GINT64_FORMAT "/", args->id);
  /* The row's copy is what a discarded deletion puts back. */
  return return_row (db, fc_store_outbox_enqueue (db, "DELETE", path, NULL,
                                                  FC_STORE_NOTIFICATIONS, args->id, FALSE,
                                                  before, error),
                     result, result_free, error);
}

static gboolean
mark_all_read_tx (FcStoreDb       *db,
                  FcStoreArgs     *args,
                  gpointer        *result,
                  GDestroyNotify  *result_free,
                  GError         **error)
{
  g_autoptr(JsonObject) revert = json_object_new ();
  g_autoptr(JsonObject) body = json_object_new ();
  JsonArray *ids = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  /* Which were unread: what a discarded mark-all-read makes unread again. */
  json_object_set_array_member (revert, "ids", ids);
  stmt = fc_store_db_stmt (db, "SELECT id FROM notifications WHERE is_read = 0", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW)
    json_array_add_int_element (ids, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  if (!fc_store_db_exec (db, "UPDATE notifications SET is_read = 1 WHERE is_read = 0", error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_NOTIFICATIONS);
  /* Sent even when nothing here was unread: the server may know more. */
  return return_row (db, fc_store_outbox_enqueue (db, "POST", MARK_ALL_PATH, body,
                                                  FC_STORE_NOTIFICATIONS, 0, FALSE, revert,
                                                  error),
                     result, result_free, error);
}

static gboolean
write_job (FcStoreDb       *db,
           gpointer         data,
           gpointer        *result,
           GDestroyNotify  *result_free,
           GError         **error)
{
  FcStoreArgs *args = data;
  TxFunc func = g_str_equal (args->text, "read") ? set_read_tx
              : g_str_equal (args->text, "delete") ? delete_tx
              : mark_all_read_tx;

  return in_transaction (db, args, func, result, result_free, error);
}

/* The engine's side */

static gboolean
page_tx (FcStoreDb       *db,
         FcStoreArgs     *args,
         gpointer        *result,
         GDestroyNotify  *result_free,
         GError         **error)
{
  for (guint i = 0; i < json_array_get_length (args->array); i++) {
    JsonNode *node = json_array_get_element (args->array, i);

    if (JSON_NODE_HOLDS_OBJECT (node) && !upsert (db, json_node_get_object (node), error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
remove_missing_tx (FcStoreDb       *db,
                   FcStoreArgs     *args,
                   gpointer        *result,
                   GDestroyNotify  *result_free,
                   GError         **error)
{
  gint64 newest = 0;
  sqlite3_stmt *stmt;

  if (!fc_store_db_exec (db, "CREATE TEMP TABLE IF NOT EXISTS pulled_notifications "
                             "(id INTEGER PRIMARY KEY);"
                             "DELETE FROM temp.pulled_notifications", error))
    return FALSE;
  for (guint i = 0; i < args->ids->len; i++) {
    gint64 id = g_array_index (args->ids, gint64, i);

    newest = MAX (newest, id);
    stmt = fc_store_db_stmt (db, "INSERT OR IGNORE INTO temp.pulled_notifications (id) "
                                 "VALUES (?1)", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, id);
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
  }

  /* Ids only grow: one newer than the pull's newest came by the stream
   * while the pages were on their way. One with its own edit waiting
   * stays until the edit is answered. */
  stmt = fc_store_db_stmt (db, "DELETE FROM notifications WHERE (?1 = 0 OR id < ?1) "
                               "AND id NOT IN (SELECT id FROM temp.pulled_notifications) "
                               "AND NOT EXISTS (SELECT 1 FROM outbox WHERE resource = '"
                               FC_STORE_NOTIFICATIONS "' AND object_id = notifications.id)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, newest);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) > 0)
    fc_store_db_touch (db, FC_STORE_NOTIFICATIONS);
  return fc_store_db_exec (db, "DELETE FROM temp.pulled_notifications", error);
}

/* Where the stream goes on: kept with what the event changed. */
static gboolean
keep_event_id (FcStoreDb   *db,
               JsonObject  *frame,
               const char  *member,
               GError     **error)
{
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;

  if (!fc_json_get_int (frame, member, &id) || id < 0)
    return TRUE;
  stmt = fc_store_db_stmt (db, "INSERT INTO sync_state (key, value) VALUES (?1, ?2) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  sqlite3_bind_text (stmt, 1, FC_STORE_NOTIFICATIONS_STREAM_KEY, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  return fc_store_db_step_done (db, stmt, error);
}

static gboolean apply_event (FcStoreDb  *db,
                             JsonObject *frame,
                             GError    **error);

static gboolean
event_tx (FcStoreDb       *db,
          FcStoreArgs     *args,
          gpointer        *result,
          GDestroyNotify  *result_free,
          GError         **error)
{
  g_autoptr(JsonObject) frame = fc_json_parse_object (args->text2, -1, NULL);
  const char *kind = fc_json_get_string (frame, "type");

  if (g_strcmp0 (kind, "reset") == 0)
    return keep_event_id (db, frame, "last_id", error);
  if (kind == NULL || !g_str_has_prefix (kind, "notification."))
    return TRUE;
  return apply_event (db, frame, error) && keep_event_id (db, frame, "id", error);
}

static gboolean
apply_event (FcStoreDb   *db,
             JsonObject  *frame,
             GError     **error)
{
  const char *kind = fc_json_get_string (frame, "type");
  JsonObject *notification;
  gint64 id = 0;
  gboolean is_read = FALSE;

  if (g_strcmp0 (kind, "notification.created") == 0) {
    g_autoptr(GError) local_error = NULL;
    g_autoptr(JsonObject) known = NULL;

    /* Its is_read is as it was created: a stream resumed from the start
     * replays the history, and a row pulled since knows better (its read
     * events follow in order anyway). */
    notification = fc_json_get_object (frame, "notification");
    if (notification == NULL || !fc_json_get_int (notification, "id", &id))
      return TRUE;
    known = load (db, id, &local_error);
    if (known != NULL)
      return TRUE;
    if (!g_error_matches (local_error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND)) {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
    return upsert (db, notification, error);
  }
  if (!fc_json_get_int (frame, "notification_id", &id) || id <= 0)
    return TRUE;
  if (g_strcmp0 (kind, "notification.read") == 0 && fc_json_get_boolean (frame, "is_read", &is_read))
    return set_read (db, id, is_read, TRUE, error);
  /* Gone on the server: an edit of it that waits will be answered 404,
   * which the engine takes as done. */
  if (g_strcmp0 (kind, "notification.deleted") == 0)
    return remove_one (db, id, error);
  return TRUE;
}

static gboolean
engine_job (FcStoreDb       *db,
            gpointer         data,
            gpointer        *result,
            GDestroyNotify  *result_free,
            GError         **error)
{
  FcStoreArgs *args = data;
  TxFunc func = g_str_equal (args->text, "page") ? page_tx
              : g_str_equal (args->text, "missing") ? remove_missing_tx
              : event_tx;

  return in_transaction (db, args, func, result, result_free, error);
}

/* The outbox's rows (fc-store-notifications-private.h) */

gboolean
fc_store_notifications_owns (const char *resource)
{
  return g_strcmp0 (resource, FC_STORE_NOTIFICATIONS) == 0;
}

gboolean
fc_store_notifications_settle (FcStoreDb   *db,
                               const char  *method,
                               gint64       object_id,
                               JsonObject  *answer,
                               const char  *revert,
                               GError     **error)
{
  g_autoptr(JsonObject) before = revert != NULL ? fc_json_parse_object (revert, -1, NULL) : NULL;
  gboolean is_read = FALSE;

  /* The row is gone: whatever it held back follows the server again. */
  fc_store_db_touch (db, FC_STORE_NOTIFICATIONS);

  if (revert == NULL) {
    /* Sent. A PATCH's answer is the notification as the server has it,
     * unless another edit of it waits. A 404 (already gone) has none: the
     * next pull drops it here too. */
    if (g_strcmp0 (method, "PATCH") == 0 && answer != NULL)
      return upsert (db, answer, error);
    return TRUE;
  }

  /* Discarded by the user: put back what the write changed. */
  if (g_strcmp0 (method, "DELETE") == 0)
    return before == NULL || upsert (db, before, error);
  if (g_strcmp0 (method, "PATCH") == 0) {
    if (before != NULL && fc_json_get_boolean (before, "is_read", &is_read))
      return set_read (db, object_id, is_read, TRUE, error);
    return TRUE;
  }
  if (g_strcmp0 (method, "POST") == 0) {
    JsonArray *ids = fc_json_get_array (before, "ids");

    for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++) {
      if (!set_read (db, json_array_get_int_element (ids, i), FALSE, TRUE, error))
        return FALSE;
    }
  }
  return TRUE;
}

/* Public API */

static void
submit_write (FcStore             *self,
              const char          *what,
              gint64               id,
              gint64               number,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  FcStoreArgs *args = fc_store_args_new (FC_STORE_NOTIFICATIONS, id);

  args->text = g_strdup (what);
  args->number = number;
  fc_store_submit (self, write_job, args, source_tag, cancellable, callback, user_data);
}

static gboolean
finish_write (FcStore       *self,
              GAsyncResult  *result,
              gpointer       source_tag,
              GError       **error)
{
  g_autofree gint64 *row_id = fc_store_finish (self, result, source_tag, error);

  return row_id != NULL;
}

void
fc_store_notifications_list_async (FcStore             *self,
                                   guint                limit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));

  args = fc_store_args_new (FC_STORE_NOTIFICATIONS, 0);
  args->number = limit;
  fc_store_submit (self, list_job, args, fc_store_notifications_list_async, cancellable, callback,
                   user_data);
}

JsonArray *
fc_store_notifications_list_finish (FcStore       *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return fc_store_finish (self, result, fc_store_notifications_list_async, error);
}

void
fc_store_notifications_set_read_async (FcStore             *self,
                                       gint64               id,
                                       gboolean             is_read,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit_write (self, "read", id, is_read ? 1 : 0, fc_store_notifications_set_read_async,
                cancellable, callback, user_data);
}

gboolean
fc_store_notifications_set_read_finish (FcStore       *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_write (self, result, fc_store_notifications_set_read_async, error);
}

void
fc_store_notifications_delete_async (FcStore             *self,
                                     gint64               id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit_write (self, "delete", id, 0, fc_store_notifications_delete_async, cancellable, callback,
                user_data);
}

gboolean
fc_store_notifications_delete_finish (FcStore       *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return finish_write (self, result, fc_store_notifications_delete_async, error);
}

void
fc_store_notifications_mark_all_read_async (FcStore             *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  submit_write (self, "all", 0, 0, fc_store_notifications_mark_all_read_async, cancellable,
                callback, user_data);
}

gboolean
fc_store_notifications_mark_all_read_finish (FcStore       *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  return finish_write (self, result, fc_store_notifications_mark_all_read_async, error);
}

static void
submit_engine (FcStore             *self,
               const char          *what,
               FcStoreArgs         *args,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  args->text = g_strdup (what);
  fc_store_submit (self, engine_job, args, source_tag, cancellable, callback, user_data);
}

void
fc_store_notifications_apply_page_async (FcStore             *self,
                                         JsonArray           *page,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (page != NULL);

  args = fc_store_args_new (FC_STORE_NOTIFICATIONS, 0);
  args->array = json_array_ref (page);
  submit_engine (self, "page", args, fc_store_notifications_apply_page_async, cancellable,
                 callback, user_data);
}

gboolean
fc_store_notifications_apply_page_finish (FcStore       *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_notifications_apply_page_async, error);
}

void
fc_store_notifications_remove_missing_async (FcStore             *self,
                                             GArray              *ids,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (ids != NULL);

  args = fc_store_args_new (FC_STORE_NOTIFICATIONS, 0);
  args->ids = g_array_copy (ids);
  submit_engine (self, "missing", args, fc_store_notifications_remove_missing_async, cancellable,
                 callback, user_data);
}

gboolean
fc_store_notifications_remove_missing_finish (FcStore       *self,
                                              GAsyncResult  *result,
                                              GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_notifications_remove_missing_async,
                                  error);
}

void
fc_store_notifications_apply_event_async (FcStore             *self,
                                          JsonObject          *frame,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  FcStoreArgs *args;
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (frame != NULL);

  /* As text: the worker parses its own copy (json-glib's references are
   * not for sharing across threads). */
  node = json_node_init_object (json_node_alloc (), frame);
  args = fc_store_args_new (FC_STORE_NOTIFICATIONS, 0);
  args->text2 = fc_json_to_string (node, FALSE);
  submit_engine (self, "event", args, fc_store_notifications_apply_event_async, cancellable,
                 callback, user_data);
}

gboolean
fc_store_notifications_apply_event_finish (FcStore       *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_notifications_apply_event_async, error);
}
