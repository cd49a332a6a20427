/* fc-store-uploads.c — the admin upload queue's rows (migration 6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-store-uploads.h"

#include "fc-json.h"
#include "fc-store-private.h"

#define COLUMNS "id, path, size, mtime, upload_id, workout, title, description, is_free, " \
                "sent, state, error, video, created_at"

static void
set_int_or_null (JsonObject   *row,
                 const char   *name,
                 sqlite3_stmt *stmt,
                 int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_object_set_null_member (row, name);
  else
    json_object_set_int_member (row, name, sqlite3_column_int64 (stmt, column));
}

static void
set_text_or_null (JsonObject   *row,
                  const char   *name,
                  sqlite3_stmt *stmt,
                  int           column)
{
  const char *text = fc_store_column_text (stmt, column);

  if (text == NULL)
    json_object_set_null_member (row, name);
  else
    json_object_set_string_member (row, name, text);
}

static gboolean
list_job (FcStoreDb       *db,
          gpointer         data,
          gpointer        *result,
          GDestroyNotify  *result_free,
          GError         **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT " COLUMNS " FROM uploads ORDER BY id",
                                         error);
  g_autoptr(JsonArray) rows = json_array_new ();
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    JsonObject *row = json_object_new ();

    json_object_set_int_member (row, "id", sqlite3_column_int64 (stmt, 0));
    set_text_or_null (row, "path", stmt, 1);
    json_object_set_int_member (row, "size", sqlite3_column_int64 (stmt, 2));
    json_object_set_int_member (row, "mtime", sqlite3_column_int64 (stmt, 3));
    set_text_or_null (row, "upload_id", stmt, 4);
    json_object_set_int_member (row, "workout", sqlite3_column_int64 (stmt, 5));
    set_text_or_null (row, "title", stmt, 6);
    set_text_or_null (row, "description", stmt, 7);
    json_object_set_boolean_member (row, "is_free", sqlite3_column_int (stmt, 8) != 0);
    json_object_set_int_member (row, "sent", sqlite3_column_int64 (stmt, 9));
    set_text_or_null (row, "state", stmt, 10);
    set_text_or_null (row, "error", stmt, 11);
    set_int_or_null (row, "video", stmt, 12);
    json_object_set_int_member (row, "created_at", sqlite3_column_int64 (stmt, 13));
    json_array_add_object_element (rows, row);
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  *result = g_steal_pointer (&rows);
  *result_free = (GDestroyNotify) json_array_unref;
  return TRUE;
}

static gint64
get_int (JsonObject *row,
         const char *name)
{
  gint64 value = 0;

  fc_json_get_int (row, name, &value);
  return value;
}

static gboolean
save_job (FcStoreDb       *db,
          gpointer         data,
          gpointer        *result,
          GDestroyNotify  *result_free,
          GError         **error)
{
  FcStoreArgs *args = data;
  JsonObject *row = args->object;
  gint64 id = get_int (row, "id");
  gboolean is_free = FALSE;
  gint64 *out;
  sqlite3_stmt *stmt;

  stmt = fc_store_db_stmt (db,
                           "INSERT OR REPLACE INTO uploads (" COLUMNS ") VALUES "
                           "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                           error);
  if (stmt == NULL)
    return FALSE;
  if (id > 0)
    sqlite3_bind_int64 (stmt, 1, id);
  else
    sqlite3_bind_null (stmt, 1);
  fc_store_bind_text (stmt, 2, fc_json_get_string (row, "path"));
  sqlite3_bind_int64 (stmt, 3, get_int (row, "size"));
  sqlite3_bind_int64 (stmt, 4, get_int (row, "mtime"));
  fc_store_bind_text (stmt, 5, fc_json_get_string (row, "upload_id"));
  sqlite3_bind_int64 (stmt, 6, get_int (row, "workout"));
  fc_store_bind_text (stmt, 7, fc_json_get_string (row, "title") ?: "");
  fc_store_bind_text (stmt, 8, fc_json_get_string (row, "description") ?: "");
  fc_json_get_boolean (row, "is_free", &is_free);
  sqlite3_bind_int (stmt, 9, is_free ? 1 : 0);
  sqlite3_bind_int64 (stmt, 10, get_int (row, "sent"));
  fc_store_bind_text (stmt, 11, fc_json_get_string (row, "state") ?: "queued");
  fc_store_bind_text (stmt, 12, fc_json_get_string (row, "error"));
  if (get_int (row, "video") > 0)
    sqlite3_bind_int64 (stmt, 13, get_int (row, "video"));
  else
    sqlite3_bind_null (stmt, 13);
  sqlite3_bind_int64 (stmt, 14, get_int (row, "created_at") ?: g_get_real_time ());
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;

  out = g_new (gint64, 1);
  *out = id > 0 ? id : sqlite3_last_insert_rowid (db->handle);
  *result = out;
  *result_free = g_free;
  return TRUE;
}

static gboolean
remove_job (FcStoreDb       *db,
            gpointer         data,
            gpointer        *result,
            GDestroyNotify  *result_free,
            GError         **error)
{
  FcStoreArgs *args = data;
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "DELETE FROM uploads WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, args->id);
  return fc_store_db_step_done (db, stmt, error);
}

void
fc_store_uploads_list_async (FcStore             *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  fc_store_submit (self, list_job, fc_store_args_new (NULL, 0), fc_store_uploads_list_async,
                   cancellable, callback, user_data);
}

JsonArray *
fc_store_uploads_list_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return fc_store_finish (self, result, fc_store_uploads_list_async, error);
}

void
fc_store_uploads_save_async (FcStore             *self,
                             JsonObject          *row,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (row != NULL);

  args = fc_store_args_new (NULL, 0);
  args->object = json_object_ref (row);
  fc_store_submit (self, save_job, args, fc_store_uploads_save_async, cancellable, callback,
                   user_data);
}

gint64
fc_store_uploads_save_finish (FcStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autofree gint64 *id = fc_store_finish (self, result, fc_store_uploads_save_async, error);

  return id != NULL ? *id : 0;
}

void
fc_store_uploads_remove_async (FcStore             *self,
                               gint64               id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));

  fc_store_submit (self, remove_job, fc_store_args_new (NULL, id), fc_store_uploads_remove_async,
                   cancellable, callback, user_data);
}

gboolean
fc_store_uploads_remove_finish (FcStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_uploads_remove_async, error);
}
