/* fc-store-outbox.c — user writes and the outbox (worker side)
 *
 * Every user write changes its object and queues its request in one
 * transaction. Rows leave the outbox only when the server accepted them or
 * the user discarded them; a rejected row stays, with the server's words,
 * until the user fixes or discards it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-json.h"
#include "fc-store-admin-private.h"
#include "fc-store-notifications-private.h"
#include "fc-store-private.h"

#define OUTBOX_COLUMNS \
  "id, method, path, body, idempotency_key, resource, object_id, state, attempts, " \
  "next_attempt_at, http_status, error_message, field_errors, created_at, subject"

/* JSON members that hold another object's id, and so may hold a local one. */
static const char * const reference_members[] = { "id", "food", "meal", "meal_plan" };

typedef struct {
  gint64   id;
  char    *method;
  char    *path;
  char    *body;
  char    *resource;
  gint64   object_id;
  gboolean creates;
  char    *revert;
} Row;

static void
row_clear (Row *row)
{
  g_free (row->method);
  g_free (row->path);
  g_free (row->body);
  g_free (row->resource);
  g_free (row->revert);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

static FcOutboxItem *
outbox_item_from_row (sqlite3_stmt *stmt)
{
  FcOutboxItem *item = g_object_new (FC_TYPE_OUTBOX_ITEM, NULL);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->method = g_strdup (fc_store_column_text (stmt, 1));
  item->path = g_strdup (fc_store_column_text (stmt, 2));
  item->body = g_strdup (fc_store_column_text (stmt, 3));
  item->idempotency_key = g_strdup (fc_store_column_text (stmt, 4));
  item->resource = g_strdup (fc_store_column_text (stmt, 5));
  item->object_id = sqlite3_column_int64 (stmt, 6);
  item->state = CLAMP (sqlite3_column_int (stmt, 7), FC_OUTBOX_STATE_PENDING,
                       FC_OUTBOX_STATE_REJECTED);
  item->attempts = sqlite3_column_int (stmt, 8);
  item->next_attempt = sqlite3_column_int64 (stmt, 9);
  item->http_status = sqlite3_column_int (stmt, 10);
  item->error_message = g_strdup (fc_store_column_text (stmt, 11));
  item->field_errors = g_strdup (fc_store_column_text (stmt, 12));
  item->created_at = sqlite3_column_int64 (stmt, 13);
  item->subject = g_strdup (fc_store_column_text (stmt, 14));
  return item;
}

static FcOutboxItem *
load_item (FcStoreDb  *db,
           gint64      row_id,
           GError    **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1",
                                         error);
  FcOutboxItem *item = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, row_id);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    item = outbox_item_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND,
                 "No outbox row %" G_GINT64_FORMAT, row_id);
  sqlite3_reset (stmt);
  return item;
}

static gboolean
load_row (FcStoreDb  *db,
          gint64      row_id,
          Row        *row,
          GError    **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "SELECT method, path, body, resource, object_id, "
                                         "creates, revert FROM outbox WHERE id = ?1",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row_id);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW) {
    row->id = row_id;
    row->method = g_strdup (fc_store_column_text (stmt, 0));
    row->path = g_strdup (fc_store_column_text (stmt, 1));
    row->body = g_strdup (fc_store_column_text (stmt, 2));
    row->resource = g_strdup (fc_store_column_text (stmt, 3));
    row->object_id = sqlite3_column_int64 (stmt, 4);
    row->creates = sqlite3_column_int (stmt, 5) != 0;
    row->revert = g_strdup (fc_store_column_text (stmt, 6));
  } else if (rc == SQLITE_DONE) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND,
                 "No outbox row %" G_GINT64_FORMAT, row_id);
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

static gboolean
is_reference_member (const char *member)
{
  for (guint i = 0; i < G_N_ELEMENTS (reference_members); i++) {
    if (g_str_equal (member, reference_members[i]))
      return TRUE;
  }
  return FALSE;
}

/* Walks a body for local ids (negative references); with @to != 0, also
 * rewrites every reference to @from into @to. */
static void
walk_references (JsonNode   *node,
                 GArray     *found,
                 gint64      from,
                 gint64      to)
{
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++)
      walk_references (json_array_get_element (array, i), found, from, to);
  } else if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *object = json_node_get_object (node);
    g_autoptr(GList) members = json_object_get_members (object);

    for (const GList *l = members; l != NULL; l = l->next) {
      JsonNode *child = json_object_get_member (object, l->data);
      gint64 value;

      if (is_reference_member (l->data) && fc_json_get_int (object, l->data, &value)) {
        if (to != 0 && value == from)
          json_object_set_int_member (object, l->data, to);
        else if (found != NULL && value < 0)
          g_array_append_val (found, value);
      } else {
        walk_references (child, found, from, to);
      }
    }
  }
}

static gboolean
insert_refs (FcStoreDb   *db,
             gint64       row_id,
             gint64       object_id,
             gboolean     creates,
             const char  *body,
             GError     **error)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  if (object_id < 0 && !creates)
    g_array_append_val (found, object_id);
  if (body != NULL) {
    g_autoptr(JsonNode) node = fc_json_parse (body, -1, NULL);

    if (node != NULL)
      walk_references (node, found, 0, 0);
  }

  for (guint i = 0; i < found->len; i++) {
    stmt = fc_store_db_stmt (db,
                             "INSERT OR IGNORE INTO outbox_refs (outbox_id, local_id) "
                             "VALUES (?1, ?2)",
                             error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, row_id);
    sqlite3_bind_int64 (stmt, 2, g_array_index (found, gint64, i));
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
  }
  return TRUE;
}

static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = NULL;

  if (object == NULL)
    return NULL;
  node = json_node_init_object (json_node_alloc (), object);
  return fc_json_to_string (node, FALSE);
}

static gint64
enqueue (FcStoreDb   *db,
         const char  *method,
         const char  *path,
         JsonObject  *body,
         const char  *resource,
         gint64       object_id,
         gboolean     creates,
         JsonObject  *revert,
         GError     **error)
{
  g_autofree char *body_text = object_to_text (body);
  g_autofree char *revert_text = object_to_text (revert);
  g_autofree char *key = g_uuid_string_random ();
  sqlite3_stmt *stmt;
  gint64 row_id;

  stmt = fc_store_db_stmt (db,
                           "INSERT INTO outbox (method, path, body, idempotency_key, resource, "
                           "object_id, creates, revert, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, method, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, path, -1, SQLITE_TRANSIENT);
  fc_store_bind_text (stmt, 3, body_text);
  sqlite3_bind_text (stmt, 4, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, resource, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, object_id);
  sqlite3_bind_int (stmt, 7, creates);
  fc_store_bind_text (stmt, 8, revert_text);
  sqlite3_bind_int64 (stmt, 9, g_get_real_time ());
  if (!fc_store_db_step_done (db, stmt, error))
    return 0;
  row_id = sqlite3_last_insert_rowid (db->handle);

  if (!insert_refs (db, row_id, object_id, creates, body_text, error))
    return 0;
  fc_store_db_touch (db, FC_STORE_OUTBOX);
  fc_store_db_touch (db, FC_STORE_OUTBOX_QUEUED);
  return row_id;
}

/* For fc-store-health.c's rows. */
gint64
fc_store_outbox_enqueue (FcStoreDb   *db,
                         const char  *method,
                         const char  *path,
                         JsonObject  *body,
                         const char  *resource,
                         gint64       object_id,
                         gboolean     creates,
                         JsonObject  *revert,
                         GError     **error)
{
  return enqueue (db, method, path, body, resource, object_id, creates, revert, error);
}

static gboolean
write_in_transaction (FcStoreDb          *db,
                      const FcResource   *resource,
                      FcStoreWriteKind    kind,
                      gint64              id,
                      JsonObject         *fields,
                      gint64             *out_row_id,
                      GError            **error)
{
  g_autoptr(JsonObject) snapshot = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  const char *name = fc_resource_name (resource);
  const char *method;

  if (fc_resource_is_singleton (resource))
    id = 1;

  switch (kind) {
    case FC_STORE_WRITE_CREATE:
      if ((id = fc_store_db_next_local_id (db, error)) == 0)
        return FALSE;
      if (!fc_resource_apply (db, resource, id, fields, TRUE, error))
        return FALSE;
      method = "POST";
      path = fc_resource_path (resource, 0);
      break;

    case FC_STORE_WRITE_UPDATE:
      /* What discard puts back. A singleton may not have been pulled yet. */
      snapshot = fc_resource_load (db, resource, id, &local_error);
      if (snapshot == NULL &&
          (!fc_resource_is_singleton (resource) ||
           !g_error_matches (local_error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND))) {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
      if (!fc_resource_apply (db, resource, id, fields, TRUE, error))
        return FALSE;
      method = "PATCH";
      path = fc_resource_path (resource, id);
      break;

    case FC_STORE_WRITE_DELETE:
      if ((snapshot = fc_resource_load (db, resource, id, error)) == NULL)
        return FALSE;
      if (!fc_resource_delete (db, resource, id, error))
        return FALSE;
      method = "DELETE";
      path = fc_resource_path (resource, id);
      fields = NULL;
      break;

    default:
      g_assert_not_reached ();
  }

  *out_row_id = enqueue (db, method, path, fields, name, id, kind == FC_STORE_WRITE_CREATE,
                         snapshot, error);
  return *out_row_id != 0;
}

static gboolean
return_item (FcStoreDb       *db,
             gint64           row_id,
             gpointer        *result,
             GDestroyNotify  *result_free,
             GError         **error)
{
  FcOutboxItem *item = load_item (db, row_id, error);

  if (item == NULL)
    return FALSE;
  *result = item;
  *result_free = g_object_unref;
  return TRUE;
}

gboolean
fc_store_outbox_write (FcStoreDb       *db,
                       gpointer         data,
                       gpointer        *result,
                       GDestroyNotify  *result_free,
                       GError         **error)
{
  FcStoreArgs *args = data;
  const FcResource *resource = fc_resource_lookup (args->resource);
  gint64 row_id = 0;

  g_assert (resource != NULL);

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!write_in_transaction (db, resource, args->number, args->id, args->object, &row_id, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  if (!fc_store_db_commit (db, error))
    return FALSE;
  return return_item (db, row_id, result, result_free, error);
}

gboolean
fc_store_outbox_peek (FcStoreDb       *db,
                      gpointer         data,
                      gpointer        *result,
                      GDestroyNotify  *result_free,
                      GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Oldest first, skipping rows that need the user and rows that name an
   * object whose create the server rejected (they cannot succeed yet). A
   * waiting row is still returned: the caller waits for its next attempt,
   * which keeps later writes behind it. */
  stmt = fc_store_db_stmt (db,
                           "SELECT " OUTBOX_COLUMNS " FROM outbox o WHERE state != 3 "
                           "AND NOT EXISTS (SELECT 1 FROM outbox_refs r "
                           "  JOIN outbox c ON c.object_id = r.local_id AND c.creates "
                           "  WHERE r.outbox_id = o.id AND c.state = 3) "
                           "ORDER BY id LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW) {
    *result = outbox_item_from_row (stmt);
    *result_free = g_object_unref;
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Runs one UPDATE of a single outbox row in its own transaction, fsynced
 * at commit if @durable. */
static gboolean
update_row_full (FcStoreDb     *db,
                 sqlite3_stmt  *stmt,
                 gint64         row_id,
                 gboolean       durable,
                 GError       **error)
{
  if (!(durable ? fc_store_db_begin (db, error) : fc_store_db_begin_bulk (db, error)))
    return FALSE;
  if (!fc_store_db_step_done (db, stmt, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  if (sqlite3_changes (db->handle) == 0) {
    fc_store_db_rollback (db);
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND,
                 "No outbox row %" G_GINT64_FORMAT " in that state", row_id);
    return FALSE;
  }
  fc_store_db_touch (db, FC_STORE_OUTBOX);
  return fc_store_db_commit (db, error);
}

static gboolean
update_row (FcStoreDb     *db,
            sqlite3_stmt  *stmt,
            gint64         row_id,
            GError       **error)
{
  return update_row_full (db, stmt, row_id, TRUE, error);
}

gboolean
fc_store_outbox_sending (FcStoreDb       *db,
                         gpointer         data,
                         gpointer        *result,
                         GDestroyNotify  *result_free,
                         GError         **error)
{
  FcStoreArgs *args = data;
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "UPDATE outbox SET state = 1, attempts = attempts + 1 "
                                         "WHERE id = ?1 AND state != 3",
                                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, args->id);
  /* Not fsynced: this mark stands between every write and its request
   * (an fsync is 5–10 ms here), and it survives a crash of the app all
   * the same (WAL). A power cut may lose it: the row then goes again
   * under the same key, which the server answers as the first time; only
   * a progress save folded into it in between would reuse that key. */
  return update_row_full (db, stmt, args->id, FALSE, error);
}

gboolean
fc_store_outbox_reject (FcStoreDb       *db,
                        gpointer         data,
                        gpointer        *result,
                        GDestroyNotify  *result_free,
                        GError         **error)
{
  FcStoreArgs *args = data;
  g_autofree char *field_errors = args->node != NULL ? fc_json_to_string (args->node, FALSE) : NULL;
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "UPDATE outbox SET state = 3, http_status = ?2, "
                                         "error_message = ?3, field_errors = ?4 WHERE id = ?1",
                                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, args->id);
  sqlite3_bind_int64 (stmt, 2, args->number);
  fc_store_bind_text (stmt, 3, args->text);
  fc_store_bind_text (stmt, 4, field_errors);
  return update_row (db, stmt, args->id, error);
}

gboolean
fc_store_outbox_defer (FcStoreDb       *db,
                       gpointer         data,
                       gpointer        *result,
                       GDestroyNotify  *result_free,
                       GError         **error)
{
  FcStoreArgs *args = data;
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "UPDATE outbox SET state = 2, next_attempt_at = ?2, "
                                         "error_message = ?3 WHERE id = ?1 AND state != 3",
                                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, args->id);
  sqlite3_bind_int64 (stmt, 2, args->number);
  fc_store_bind_text (stmt, 3, args->text);
  return update_row (db, stmt, args->id, error);
}

/* The outbox rows that name the local id @local_id, newest first. */
static GArray *
rows_naming (FcStoreDb  *db,
             gint64      local_id,
             GError    **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = fc_store_db_stmt (db, "SELECT outbox_id FROM outbox_refs WHERE local_id = ?1 "
                               "ORDER BY outbox_id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, local_id);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64 (stmt, 0);

    g_array_append_val (rows, id);
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

/* The server created a local object: rewrite every queued row that names
 * its local id, so later requests reach the right object. */
static gboolean
remap_outbox (FcStoreDb   *db,
              const char  *resource,
              gint64       local_id,
              gint64       server_id,
              GError     **error)
{
  g_autofree char *local_segment = g_strdup_printf ("%" G_GINT64_FORMAT, local_id);
  g_autofree char *server_segment = g_strdup_printf ("%" G_GINT64_FORMAT, server_id);
  g_autoptr(GArray) rows = rows_naming (db, local_id, error);
  sqlite3_stmt *stmt;

  if (rows == NULL)
    return FALSE;

  for (guint i = 0; i < rows->len; i++) {
    g_auto(Row) row = { 0 };
    g_auto(GStrv) segments = NULL;
    g_autofree char *path = NULL;
    g_autofree char *body = NULL;

    if (!load_row (db, g_array_index (rows, gint64, i), &row, error))
      return FALSE;
    segments = g_strsplit (row.path, "/", -1);
    for (guint j = 0; segments[j] != NULL; j++) {
      if (g_str_equal (segments[j], local_segment)) {
        g_free (segments[j]);
        segments[j] = g_strdup (server_segment);
      }
    }
    path = g_strjoinv ("/", segments);
    if (row.body != NULL) {
      g_autoptr(JsonNode) node = fc_json_parse (row.body, -1, NULL);

      if (node != NULL) {
        walk_references (node, NULL, local_id, server_id);
        body = fc_json_to_string (node, FALSE);
      }
    }

    stmt = fc_store_db_stmt (db,
                             "UPDATE outbox SET path = ?2, body = coalesce(?3, body), "
                             "object_id = CASE WHEN object_id = ?4 AND resource = ?5 "
                             "  THEN ?6 ELSE object_id END WHERE id = ?1",
                             error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, row.id);
    sqlite3_bind_text (stmt, 2, path, -1, SQLITE_TRANSIENT);
    fc_store_bind_text (stmt, 3, body);
    sqlite3_bind_int64 (stmt, 4, local_id);
    sqlite3_bind_text (stmt, 5, resource, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 6, server_id);
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
  }

  stmt = fc_store_db_stmt (db, "DELETE FROM outbox_refs WHERE local_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  return fc_store_db_step_done (db, stmt, error);
}

static gboolean
delete_row (FcStoreDb  *db,
            gint64      row_id,
            GError    **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "DELETE FROM outbox WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row_id);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_OUTBOX);
  return TRUE;
}

/* After a row leaves: is anything else still queued for its object? */
static gboolean
object_has_rows (FcStoreDb   *db,
                 const char  *resource,
                 gint64       object_id,
                 gboolean    *out_has_rows,
                 GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "SELECT 1 FROM outbox WHERE resource = ?1 "
                                         "AND object_id = ?2 LIMIT 1",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, resource, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, object_id);
  rc = fc_store_db_step (db, stmt, error);
  sqlite3_reset (stmt);
  *out_has_rows = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

gboolean
fc_store_outbox_has_rows (FcStoreDb   *db,
                          const char  *resource,
                          gint64       object_id,
                          gboolean    *out_has_rows,
                          GError     **error)
{
  return object_has_rows (db, resource, object_id, out_has_rows, error);
}

static gboolean
complete_in_transaction (FcStoreDb  *db,
                         Row        *row,
                         JsonNode   *response,
                         GError    **error)
{
  const FcResource *resource = fc_resource_lookup (row->resource);
  JsonObject *object = response != NULL && JSON_NODE_HOLDS_OBJECT (response)
                       ? json_node_get_object (response) : NULL;
  gint64 object_id = row->object_id;
  gboolean has_rows;
  gboolean admin;

  if (resource == NULL && fc_store_health_owns (row->resource))
    return delete_row (db, row->id, error) &&
           fc_store_health_settle (db, row->resource, row->method, row->object_id, object, NULL,
                                   error);
  if (resource == NULL && fc_store_notifications_owns (row->resource))
    return delete_row (db, row->id, error) &&
           fc_store_notifications_settle (db, row->method, row->object_id, object, NULL, error);
  admin = resource == NULL && fc_store_admin_owns (row->resource);
  if (resource == NULL && !admin) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                 "Outbox row %" G_GINT64_FORMAT " names an unknown resource", row->id);
    return FALSE;
  }

  if (row->creates && object_id < 0) {
    gint64 server_id = 0;

    if (!fc_json_get_int (object, "id", &server_id) || server_id <= 0) {
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                   "The server's answer to “%s %s” has no id", row->method, row->path);
      return FALSE;
    }
    if (!(admin ? fc_store_admin_remap (db, row->resource, object_id, server_id, error)
                : fc_resource_remap (db, resource, object_id, server_id, error)) ||
        !remap_outbox (db, row->resource, object_id, server_id, error))
      return FALSE;
    object_id = server_id;
  }
  if (admin)
    return delete_row (db, row->id, error) &&
           fc_store_admin_settle (db, row->resource, row->method, object_id, row->creates,
                                  object, FALSE, NULL, error);

  if (!delete_row (db, row->id, error) ||
      !object_has_rows (db, row->resource, object_id, &has_rows, error))
    return FALSE;

  /* The server's copy is the truth now, unless the user has changed the
   * object again since: then the local copy stays until those rows go. */
  if (!has_rows && !g_str_equal (row->method, "DELETE")) {
    if (object != NULL && !fc_resource_upsert (db, resource, object, TRUE, error))
      return FALSE;
    if (!fc_resource_set_dirty (db, resource, object_id, FALSE, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
fc_store_outbox_complete (FcStoreDb       *db,
                          gpointer         data,
                          gpointer        *result,
                          GDestroyNotify  *result_free,
                          GError         **error)
{
  FcStoreArgs *args = data;
  g_auto(Row) row = { 0 };

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!load_row (db, args->id, &row, error) ||
      !complete_in_transaction (db, &row, args->node, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

static gboolean discard_in_transaction (FcStoreDb  *db,
                                        gint64      row_id,
                                        guint       depth,
                                        GError    **error);

/* A create never reached the server: every queued write that needs its
 * object goes too, since none of them can succeed. */
static gboolean
discard_dependents (FcStoreDb  *db,
                    gint64      local_id,
                    guint       depth,
                    GError    **error)
{
  g_autoptr(GArray) dependents = rows_naming (db, local_id, error);

  if (dependents == NULL)
    return FALSE;
  for (guint i = 0; i < dependents->len && depth < 16; i++) {
    gint64 id = g_array_index (dependents, gint64, i);
    g_autoptr(GError) local_error = NULL;

    /* An earlier dependent's discard may have taken this one along. */
    if (!discard_in_transaction (db, id, depth + 1, &local_error) &&
        !g_error_matches (local_error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND)) {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
discard_in_transaction (FcStoreDb  *db,
                        gint64      row_id,
                        guint       depth,
                        GError    **error)
{
  g_auto(Row) row = { 0 };
  const FcResource *resource;
  gboolean has_rows;

  if (!load_row (db, row_id, &row, error))
    return FALSE;
  resource = fc_resource_lookup (row.resource);
  if (resource == NULL && fc_store_health_owns (row.resource))
    return delete_row (db, row_id, error) &&
           fc_store_health_settle (db, row.resource, row.method, row.object_id, NULL,
                                   row.revert != NULL ? row.revert : "{}", error);
  if (resource == NULL && fc_store_notifications_owns (row.resource))
    return delete_row (db, row_id, error) &&
           fc_store_notifications_settle (db, row.method, row.object_id, NULL,
                                          row.revert != NULL ? row.revert : "{}", error);
  if (resource == NULL && fc_store_admin_owns (row.resource))
    return delete_row (db, row_id, error) &&
           fc_store_admin_settle (db, row.resource, row.method, row.object_id, row.creates, NULL,
                                  TRUE, row.revert, error) &&
           (!row.creates || row.object_id >= 0 ||
            discard_dependents (db, row.object_id, depth, error));
  g_assert (resource != NULL);

  if (!delete_row (db, row_id, error))
    return FALSE;

  if (row.creates && row.object_id < 0) {
    /* The object never reached the server: drop it, and every queued
     * write that needs it. */
    return fc_resource_delete (db, resource, row.object_id, error) &&
           discard_dependents (db, row.object_id, depth, error);
  }

  /* Put back the object as it was before this write. */
  if (row.revert != NULL) {
    g_autoptr(JsonObject) snapshot = fc_json_parse_object (row.revert, -1, NULL);

    if (snapshot != NULL && !fc_resource_upsert (db, resource, snapshot, TRUE, error))
      return FALSE;
  }
  if (!object_has_rows (db, row.resource, row.object_id, &has_rows, error))
    return FALSE;
  return fc_resource_set_dirty (db, resource, row.object_id, has_rows, error);
}

gboolean
fc_store_outbox_discard (FcStoreDb       *db,
                         gpointer         data,
                         gpointer        *result,
                         GDestroyNotify  *result_free,
                         GError         **error)
{
  FcStoreArgs *args = data;

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!discard_in_transaction (db, args->id, 0, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

static gboolean
retry_in_transaction (FcStoreDb   *db,
                      gint64       row_id,
                      JsonObject  *new_body,
                      GError     **error)
{
  g_autofree char *body = object_to_text (new_body);
  g_autofree char *key = g_uuid_string_random ();
  g_auto(Row) row = { 0 };
  sqlite3_stmt *stmt;

  if (!load_row (db, row_id, &row, error))
    return FALSE;

  if (new_body != NULL) {
    const FcResource *resource = fc_resource_lookup (row.resource);

    if (g_str_equal (row.method, "DELETE")) {
      g_set_error_literal (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                           "A deletion has no body to edit");
      return FALSE;
    }
    /* Health rows are edited through fc_store_health_update_async(). */
    if (resource == NULL) {
      g_set_error_literal (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                           "Edit the point itself, then retry");
      return FALSE;
    }
    if (!fc_resource_apply (db, resource, row.object_id, new_body, TRUE, error))
      return FALSE;
    stmt = fc_store_db_stmt (db, "DELETE FROM outbox_refs WHERE outbox_id = ?1", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, row_id);
    if (!fc_store_db_step_done (db, stmt, error) ||
        !insert_refs (db, row_id, row.object_id, row.creates, body, error))
      return FALSE;
  }

  /* A fresh key: the server may have remembered its refusal under the old. */
  stmt = fc_store_db_stmt (db,
                           "UPDATE outbox SET state = 0, attempts = 0, next_attempt_at = 0, "
                           "http_status = 0, error_message = NULL, field_errors = NULL, "
                           "body = coalesce(?2, body), idempotency_key = ?3 WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row_id);
  fc_store_bind_text (stmt, 2, body);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_TRANSIENT);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_OUTBOX);
  fc_store_db_touch (db, FC_STORE_OUTBOX_QUEUED);
  return TRUE;
}

gboolean
fc_store_outbox_retry (FcStoreDb       *db,
                       gpointer         data,
                       gpointer        *result,
                       GDestroyNotify  *result_free,
                       GError         **error)
{
  FcStoreArgs *args = data;

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!retry_in_transaction (db, args->id, args->object, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  return fc_store_db_commit (db, error);
}

gboolean
fc_store_outbox_list (FcStoreDb       *db,
                      gpointer         data,
                      gpointer        *result,
                      GDestroyNotify  *result_free,
                      GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  stmt = fc_store_db_stmt (db,
                           "SELECT " OUTBOX_COLUMNS " FROM outbox "
                           "WHERE NOT ?1 OR state = 3 ORDER BY id",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, args->number != 0);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (items, outbox_item_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  *result = g_steal_pointer (&items);
  *result_free = (GDestroyNotify) g_ptr_array_unref;
  return TRUE;
}

gboolean
fc_store_outbox_counts (FcStoreDb       *db,
                        gpointer         data,
                        gpointer        *result,
                        GDestroyNotify  *result_free,
                        GError         **error)
{
  sqlite3_stmt *stmt;
  guint *counts;

  stmt = fc_store_db_stmt (db,
                           "SELECT count(*) FILTER (WHERE state != 3), "
                           "count(*) FILTER (WHERE state = 3) FROM outbox",
                           error);
  if (stmt == NULL || fc_store_db_step (db, stmt, error) != SQLITE_ROW)
    return FALSE;
  counts = g_new (guint, 2);
  counts[0] = sqlite3_column_int (stmt, 0);
  counts[1] = sqlite3_column_int (stmt, 1);
  sqlite3_reset (stmt);
  *result = counts;
  *result_free = g_free;
  return TRUE;
}

/* Marks a row SENDING and returns it as it is now: a progress write may
 * have folded newer values into it since the engine peeked. Row 0 is the
 * next one to send (as peek finds it), claimed in the same job: the engine
 * pushes a write with one trip to the store's thread, not two. No row to
 * send: no result. */
gboolean
fc_store_outbox_claim (FcStoreDb       *db,
                       gpointer         data,
                       gpointer        *result,
                       GDestroyNotify  *result_free,
                       GError         **error)
{
  FcStoreArgs *args = data;

  if (args->id == 0) {
    g_autoptr(FcOutboxItem) next = NULL;
    gpointer found = NULL;
    GDestroyNotify found_free = NULL;

    if (!fc_store_outbox_peek (db, data, &found, &found_free, error))
      return FALSE;
    if (found == NULL)
      return TRUE;
    next = found;
    args->id = fc_outbox_item_get_id (next);
  }
  if (!fc_store_outbox_sending (db, data, result, result_free, error))
    return FALSE;
  return return_item (db, args->id, result, result_free, error);
}

/* The newest row queued for @object_id, if it has not gone out yet (PENDING
 * or WAITING): a progress write folds into it instead of queueing another. */
static gboolean
unsent_row (FcStoreDb   *db,
            gint64       object_id,
            gint64      *out_row_id,
            char       **out_body,
            guint       *out_attempts,
            GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db,
                                         "SELECT id, state, method, body, attempts FROM outbox "
                                         "WHERE resource = ?1 AND object_id = ?2 "
                                         "ORDER BY id DESC LIMIT 1",
                                         error);
  int rc;

  *out_row_id = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, FC_STORE_WORKOUT_PROGRESS, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, object_id);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW) {
    int state = sqlite3_column_int (stmt, 1);

    if ((state == FC_OUTBOX_STATE_PENDING || state == FC_OUTBOX_STATE_WAITING) &&
        g_strcmp0 (fc_store_column_text (stmt, 2), "DELETE") != 0) {
      *out_row_id = sqlite3_column_int64 (stmt, 0);
      *out_body = g_strdup (fc_store_column_text (stmt, 3));
      *out_attempts = sqlite3_column_int (stmt, 4);
    }
  }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
fold_into_row (FcStoreDb   *db,
               gint64       row_id,
               const char  *old_body,
               guint        attempts,
               JsonObject  *fields,
               GError     **error)
{
  g_autoptr(JsonObject) body = old_body != NULL ? fc_json_parse_object (old_body, -1, NULL) : NULL;
  g_autoptr(GList) members = json_object_get_members (fields);
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  sqlite3_stmt *stmt;

  if (body == NULL)
    body = json_object_new ();
  for (const GList *l = members; l != NULL; l = l->next)
    json_object_set_member (body, l->data,
                            json_node_copy (json_object_get_member (fields, l->data)));
  text = object_to_text (body);
  /* A row that may have reached the server goes under a new key: the server
   * answers a replayed key with its first answer, the old values. */
  if (attempts > 0)
    key = g_uuid_string_random ();

  stmt = fc_store_db_stmt (db,
                           "UPDATE outbox SET body = ?2, "
                           "idempotency_key = coalesce(?3, idempotency_key) WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row_id);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  fc_store_bind_text (stmt, 3, key);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_OUTBOX);
  fc_store_db_touch (db, FC_STORE_OUTBOX_QUEUED);
  return TRUE;
}

static gboolean
save_progress_in_transaction (FcStoreDb   *db,
                              gint64       workout_id,
                              JsonObject  *fields,
                              gint64      *out_row_id,
                              GError     **error)
{
  const FcResource *resource = fc_resource_lookup (FC_STORE_WORKOUT_PROGRESS);
  g_autofree char *now = NULL;
  g_autofree char *old_body = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_now_utc ();
  sqlite3_stmt *stmt;
  gint64 progress_id = 0;
  guint attempts = 0;
  int rc;

  /* The user's unsent copy first, as the list shows it. */
  stmt = fc_store_db_stmt (db,
                           "SELECT id FROM workout_progress WHERE workout_id = ?1 "
                           "ORDER BY dirty DESC, id DESC LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, workout_id);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    progress_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;

  if (progress_id == 0) {
    json_object_set_int_member (fields, "workout", workout_id);
    if (!write_in_transaction (db, resource, FC_STORE_WRITE_CREATE, 0, fields, out_row_id, error))
      return FALSE;
  } else {
    if (!unsent_row (db, progress_id, out_row_id, &old_body, &attempts, error))
      return FALSE;
    if (*out_row_id != 0) {
      if (!fc_resource_apply (db, resource, progress_id, fields, TRUE, error) ||
          !fold_into_row (db, *out_row_id, old_body, attempts, fields, error))
        return FALSE;
    } else if (!write_in_transaction (db, resource, FC_STORE_WRITE_UPDATE, progress_id, fields,
                                      out_row_id, error)) {
      return FALSE;
    }
  }

  /* The server's rule, so the list shows "completed" at once. */
  now = g_date_time_format_iso8601 (utc);
  stmt = fc_store_db_stmt (db,
                           "UPDATE workout_progress SET completed_at = CASE "
                           "  WHEN progress_percentage >= 100 THEN coalesce(completed_at, ?2) "
                           "  ELSE NULL END WHERE workout_id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, workout_id);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  return fc_store_db_step_done (db, stmt, error);
}

/* FcStoreArgs: id = the workout, object = progress_percentage, last_video,
 * position_seconds. */
gboolean
fc_store_outbox_save_progress (FcStoreDb       *db,
                               gpointer         data,
                               gpointer        *result,
                               GDestroyNotify  *result_free,
                               GError         **error)
{
  FcStoreArgs *args = data;
  gint64 row_id = 0;

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!save_progress_in_transaction (db, args->id, args->object, &row_id, error)) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  if (!fc_store_db_commit (db, error))
    return FALSE;
  return return_item (db, row_id, result, result_free, error);
}
