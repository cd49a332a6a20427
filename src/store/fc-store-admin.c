/* fc-store-admin.c — admin mode's lists and staff edits through the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See fc-store-admin.h. Objects are kept whole in admin_objects (store
 * migration 9); whether one has a write waiting is asked of the outbox
 * itself, so there is no dirty flag to keep in step.
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-store-admin.h"

#include "fc-json.h"
#include "fc-store-admin-private.h"

typedef struct {
  const char *name;
  const char *path;      /* relative to api/v1/, the list's */
  gboolean    creates;   /* whether the server takes a POST there */
} AdminResource;

static const AdminResource admin_resources[] = {
  { FC_STORE_ADMIN_WORKOUTS, "workouts/workouts/", TRUE },
  { FC_STORE_ADMIN_CATEGORIES, "workouts/categories/", TRUE },
  { FC_STORE_ADMIN_TEMPLATES, "admin/meal-plan-templates/", FALSE },
  { FC_STORE_ADMIN_USERS, "admin/users/", FALSE },
};

static const AdminResource *
lookup (const char *resource)
{
  for (guint i = 0; resource != NULL && i < G_N_ELEMENTS (admin_resources); i++) {
    if (g_str_equal (admin_resources[i].name, resource))
      return &admin_resources[i];
  }
  return NULL;
}

gboolean
fc_store_admin_is_resource (const char *resource)
{
  return lookup (resource) != NULL;
}

gboolean
fc_store_admin_owns (const char *resource)
{
  return lookup (resource) != NULL;
}

static char *
object_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return fc_json_to_string (node, FALSE);
}

static JsonObject *
copy_object (JsonObject *object)
{
  g_autofree char *text = NULL;

  if (object == NULL)
    return NULL;
  text = object_text (object);
  return fc_json_parse_object (text, -1, NULL);
}

/* @into takes every member of @from. */
static void
merge (JsonObject *into,
       JsonObject *from)
{
  g_autoptr(GList) members = json_object_get_members (from);

  for (const GList *l = members; l != NULL; l = l->next)
    json_object_set_member (into, l->data,
                            json_node_copy (json_object_get_member (from, l->data)));
}

static gboolean
waits (FcStoreDb   *db,
       const char  *resource,
       gint64       id,
       gboolean    *out_waits,
       GError     **error)
{
  return fc_store_outbox_has_rows (db, resource, id, out_waits, error);
}

static JsonObject *
load (FcStoreDb   *db,
      const char  *resource,
      gint64       id,
      GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT object FROM admin_objects "
                                             "WHERE resource = ?1 AND id = ?2", error);
  JsonObject *object = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, resource, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = fc_store_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    object = fc_json_parse_object (fc_store_column_text (stmt, 0), -1, NULL);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW && object == NULL)
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_CORRUPT,
                 "The kept %s %" G_GINT64_FORMAT " is not JSON", resource, id);
  else if (rc == SQLITE_DONE)
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND,
                 "No %s %" G_GINT64_FORMAT " is kept", resource, id);
  return object;
}

/* Keeps @object under @id at @position; with @keep_position a row already
 * kept stays where it is in the list. */
static gboolean
save (FcStoreDb   *db,
      const char  *resource,
      gint64       id,
      gint64       position,
      gboolean     keep_position,
      JsonObject  *object,
      GError     **error)
{
  g_autofree char *text = object_text (object);
  sqlite3_stmt *stmt;

  stmt = fc_store_db_stmt (db, "INSERT INTO admin_objects (resource, id, position, object) "
                               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (resource, id) DO UPDATE "
                               "SET object = excluded.object, position = CASE WHEN ?5 "
                               "THEN position ELSE excluded.position END",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, resource, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, position);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, keep_position);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, g_intern_string (resource));
  return TRUE;
}

static gboolean
remove_object (FcStoreDb   *db,
               const char  *resource,
               gint64       id,
               GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "DELETE FROM admin_objects "
                                             "WHERE resource = ?1 AND id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, resource, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, g_intern_string (resource));
  return TRUE;
}

static gboolean
with_dirty (FcStoreDb   *db,
            const char  *resource,
            gint64       id,
            JsonObject  *object,
            GError     **error)
{
  gboolean dirty = FALSE;

  if (!waits (db, resource, id, &dirty, error))
    return FALSE;
  json_object_set_boolean_member (object, "dirty", dirty);
  return TRUE;
}

/* The server's id of the object made here as @local_id, or 0. */
static gboolean
server_id_of (FcStoreDb   *db,
              const char  *resource,
              gint64       local_id,
              gint64      *out_id,
              GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT id FROM admin_objects WHERE resource = ?1 "
                                             "AND json_extract(object, '$.local_id') = ?2",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, resource, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, local_id);
  rc = fc_store_db_step (db, stmt, error);
  *out_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Pulls */

/* A pulled object, keeping the local id it was made under (so that the
 * editor that made it finds it) and rewriting nothing that did not change,
 * so that a list read again announces no change. */
static gboolean
put_one (FcStoreDb   *db,
         const char  *resource,
         gint64       id,
         gint64       position,
         gboolean     keep_position,
         JsonObject  *pulled,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) kept = load (db, resource, id, &local_error);
  g_autoptr(JsonObject) object = copy_object (pulled);
  g_autofree char *kept_text = NULL;
  g_autofree char *text = NULL;
  gint64 local_id = 0;

  if (kept == NULL && !g_error_matches (local_error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND)) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (kept != NULL && fc_json_get_int (kept, "local_id", &local_id))
    json_object_set_int_member (object, "local_id", local_id);
  if (kept != NULL && keep_position) {
    kept_text = object_text (kept);
    text = object_text (object);
    if (g_str_equal (kept_text, text))
      return TRUE;
  }
  return save (db, resource, id, position, keep_position, object, error);
}

static gboolean
put_tx (FcStoreDb    *db,
        FcStoreArgs  *args,
        GError      **error)
{
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; args->array != NULL && i < json_array_get_length (args->array); i++) {
    JsonObject *object = json_array_get_object_element (args->array, i);
    gboolean dirty = FALSE;
    gint64 id = 0;

    if (object == NULL || !fc_json_get_int (object, "id", &id) || id <= 0)
      continue;
    g_hash_table_add (listed, g_memdup2 (&id, sizeof id));
    /* The staff member's own edit stands until it is sent or discarded. */
    if (!waits (db, args->resource, id, &dirty, error))
      return FALSE;
    if (!dirty && !put_one (db, args->resource, id, MAX (args->number, 0) + i,
                            args->number < 0, object, error))
      return FALSE;
  }
  if (args->text2 == NULL)
    return TRUE;

  stmt = fc_store_db_stmt (db, "SELECT id FROM admin_objects WHERE resource = ?1 AND id > 0",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, args->resource, -1, SQLITE_STATIC);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64 (stmt, 0);

    if (!g_hash_table_contains (listed, &id))
      g_array_append_val (gone, id);
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  for (guint i = 0; i < gone->len; i++) {
    gint64 id = g_array_index (gone, gint64, i);
    gboolean dirty = FALSE;

    if (!waits (db, args->resource, id, &dirty, error))
      return FALSE;
    if (!dirty && !remove_object (db, args->resource, id, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
put_job (FcStoreDb       *db,
         gpointer         data,
         gpointer        *result,
         GDestroyNotify  *result_free,
         GError         **error)
{
  if (!fc_store_db_begin (db, error))
    return FALSE;
  if (!put_tx (db, data, error)) {
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
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  /* Made here (negative ids, newest first), then the server's order. */
  stmt = fc_store_db_stmt (db, "SELECT id, object FROM admin_objects WHERE resource = ?1 "
                               "ORDER BY id > 0, position, id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, args->resource, -1, SQLITE_STATIC);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    JsonObject *object = fc_json_parse_object (fc_store_column_text (stmt, 1), -1, NULL);

    if (object != NULL) {
      json_object_set_int_member (object, "id", sqlite3_column_int64 (stmt, 0));
      g_ptr_array_add (objects, object);
    }
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  for (guint i = 0; i < objects->len; i++) {
    JsonObject *object = objects->pdata[i];
    gint64 id = 0;

    fc_json_get_int (object, "id", &id);
    if (!with_dirty (db, args->resource, id, object, error))
      return FALSE;
    json_array_add_object_element (array, json_object_ref (object));
  }
  *result = g_steal_pointer (&array);
  *result_free = (GDestroyNotify) json_array_unref;
  return TRUE;
}

static gboolean
get_job (FcStoreDb       *db,
         gpointer         data,
         gpointer        *result,
         GDestroyNotify  *result_free,
         GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(GError) local_error = NULL;
  gint64 id = args->id;
  g_autoptr(JsonObject) object = load (db, args->resource, id, &local_error);

  /* An object made here is asked for by its local id after the server
   * gave it its own. */
  if (object == NULL && id < 0 &&
      g_error_matches (local_error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND)) {
    if (!server_id_of (db, args->resource, id, &id, error))
      return FALSE;
    if (id > 0) {
      g_clear_error (&local_error);
      object = load (db, args->resource, id, &local_error);
    }
  }
  if (object == NULL) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (!with_dirty (db, args->resource, id, object, error))
    return FALSE;
  *result = g_steal_pointer (&object);
  *result_free = (GDestroyNotify) json_object_unref;
  return TRUE;
}

/* Staff writes */

static gboolean
set_subject (FcStoreDb   *db,
             gint64       row_id,
             const char  *subject,
             GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "UPDATE outbox SET subject = ?2 WHERE id = ?1",
                                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row_id);
  fc_store_bind_text (stmt, 2, subject);
  return fc_store_db_step_done (db, stmt, error);
}

/* What a label calls the object: the caller's word, else its title, name
 * or e-mail as it was, else as the edit makes it. */
static const char *
subject_of (const char  *subject,
            JsonObject  *before,
            JsonObject  *fields)
{
  static const char * const members[] = { "title", "name", "email" };
  JsonObject *objects[] = { before, fields };

  if (subject != NULL)
    return subject;
  for (guint i = 0; i < G_N_ELEMENTS (objects); i++) {
    for (guint j = 0; objects[i] != NULL && j < G_N_ELEMENTS (members); j++) {
      const char *text = fc_json_get_string (objects[i], members[j]);

      if (text != NULL)
        return text;
    }
  }
  return NULL;
}

static JsonObject *
write_tx (FcStoreDb    *db,
          FcStoreArgs  *args,
          GError      **error)
{
  const AdminResource *resource = lookup (args->resource);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  const char *method;
  gint64 id = args->id;
  gint64 row_id;

  g_assert (resource != NULL);

  switch ((FcStoreAdminWrite) args->number) {
    case FC_STORE_ADMIN_CREATE:
      if (!resource->creates) {
        g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                     "The server creates no %s", args->resource);
        return NULL;
      }
      if ((id = fc_store_db_next_local_id (db, error)) == 0)
        return NULL;
      after = copy_object (args->object);
      json_object_set_int_member (after, "id", id);
      if (!save (db, args->resource, id, 0, FALSE, after, error))
        return NULL;
      method = "POST";
      path = g_strdup (resource->path);
      break;

    case FC_STORE_ADMIN_UPDATE:
      /* An account not opened before (or a list row) may not be kept:
       * the edit is then kept alone, and a discard drops it again. */
      before = load (db, args->resource, id, &local_error);
      if (before == NULL && !g_error_matches (local_error, FC_STORE_ERROR,
                                              FC_STORE_ERROR_NOT_FOUND)) {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return NULL;
      }
      if (before == NULL && id < 0) {
        /* A local id that the server's has replaced meanwhile. */
        g_propagate_error (error, g_steal_pointer (&local_error));
        return NULL;
      }
      after = before != NULL ? copy_object (before) : json_object_new ();
      merge (after, args->object);
      json_object_set_int_member (after, "id", id);
      if (!save (db, args->resource, id, 0, TRUE, after, error))
        return NULL;
      method = "PATCH";
      path = g_strdup_printf ("%s%" G_GINT64_FORMAT "/", resource->path, id);
      break;

    case FC_STORE_ADMIN_DELETE:
      before = load (db, args->resource, id, &local_error);
      if (before == NULL && !g_error_matches (local_error, FC_STORE_ERROR,
                                              FC_STORE_ERROR_NOT_FOUND)) {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return NULL;
      }
      if (!remove_object (db, args->resource, id, error))
        return NULL;
      after = before != NULL ? json_object_ref (before) : json_object_new ();
      method = "DELETE";
      path = g_strdup_printf ("%s%" G_GINT64_FORMAT "/", resource->path, id);
      break;

    default:
      g_assert_not_reached ();
  }

  row_id = fc_store_outbox_enqueue (db, method, path,
                                    g_str_equal (method, "DELETE") ? NULL : args->object,
                                    resource->name, id, g_str_equal (method, "POST"), before,
                                    error);
  if (row_id == 0 ||
      !set_subject (db, row_id, subject_of (args->text, before, args->object), error))
    return NULL;
  {
    JsonObject *written = json_object_new ();

    json_object_set_object_member (written, "object", g_steal_pointer (&after));
    json_object_set_int_member (written, "outbox_id", row_id);
    return written;
  }
}

static gboolean
write_job (FcStoreDb       *db,
           gpointer         data,
           gpointer        *result,
           GDestroyNotify  *result_free,
           GError         **error)
{
  g_autoptr(JsonObject) object = NULL;

  if (!fc_store_db_begin (db, error))
    return FALSE;
  if ((object = write_tx (db, data, error)) == NULL) {
    fc_store_db_rollback (db);
    return FALSE;
  }
  if (!fc_store_db_commit (db, error))
    return FALSE;
  *result = g_steal_pointer (&object);
  *result_free = (GDestroyNotify) json_object_unref;
  return TRUE;
}

/* The outbox's side (fc-store-admin-private.h) */

gboolean
fc_store_admin_remap (FcStoreDb   *db,
                      const char  *resource,
                      gint64       local_id,
                      gint64       server_id,
                      GError     **error)
{
  sqlite3_stmt *stmt;

  /* A pull may have brought the server's copy in first: the local one
   * gives way. */
  stmt = fc_store_db_stmt (db, "DELETE FROM admin_objects WHERE resource = ?1 AND id = ?2 "
                               "AND EXISTS (SELECT 1 FROM admin_objects WHERE resource = ?1 "
                               "AND id = ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, resource, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, local_id);
  sqlite3_bind_int64 (stmt, 3, server_id);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  stmt = fc_store_db_stmt (db, "UPDATE admin_objects SET id = ?3, object = json_set(object, "
                               "'$.id', ?3, '$.local_id', ?2) WHERE resource = ?1 AND id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, resource, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, local_id);
  sqlite3_bind_int64 (stmt, 3, server_id);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  fc_store_db_touch (db, g_intern_string (resource));
  return TRUE;
}

gboolean
fc_store_admin_settle (FcStoreDb   *db,
                       const char  *resource,
                       const char  *method,
                       gint64       object_id,
                       gboolean     creates,
                       JsonObject  *answer,
                       gboolean     discarded,
                       const char  *revert,
                       GError     **error)
{
  g_autoptr(JsonObject) before = revert != NULL ? fc_json_parse_object (revert, -1, NULL) : NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean dirty = FALSE;

  fc_store_db_touch (db, g_intern_string (resource));

  if (discarded) {
    /* Put back what the write changed. */
    if (creates && object_id < 0)
      return remove_object (db, resource, object_id, error);
    if (before == NULL)
      return g_str_equal (method, "DELETE") || remove_object (db, resource, object_id, error);
    return save (db, resource, object_id, 0, TRUE, before, error);
  }

  /* Sent: a deletion (or a 404 to one) is done; anything else takes the
   * server's answer unless another edit of the object waits. */
  if (g_str_equal (method, "DELETE") || answer == NULL)
    return TRUE;
  if (!waits (db, resource, object_id, &dirty, error))
    return FALSE;
  if (dirty)
    return TRUE;
  kept = load (db, resource, object_id, &local_error);
  if (kept == NULL && !g_error_matches (local_error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND)) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (kept == NULL)
    kept = json_object_new ();
  merge (kept, answer);
  json_object_set_int_member (kept, "id", object_id);
  return save (db, resource, object_id, 0, TRUE, kept, error);
}

/* Public API */

void
fc_store_admin_put_async (FcStore             *self,
                          const char          *resource,
                          JsonArray           *objects,
                          gint64               position,
                          gboolean             whole,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_store_admin_is_resource (resource));
  g_return_if_fail (objects != NULL);

  args = fc_store_args_new (resource, 0);
  args->array = json_array_ref (objects);
  args->number = position;
  args->text2 = whole ? g_strdup ("whole") : NULL;
  fc_store_submit (self, put_job, args, fc_store_admin_put_async, cancellable, callback,
                   user_data);
}

gboolean
fc_store_admin_put_finish (FcStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return fc_store_finish_boolean (self, result, fc_store_admin_put_async, error);
}

void
fc_store_admin_list_async (FcStore             *self,
                           const char          *resource,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_store_admin_is_resource (resource));

  fc_store_submit (self, list_job, fc_store_args_new (resource, 0), fc_store_admin_list_async,
                   cancellable, callback, user_data);
}

JsonArray *
fc_store_admin_list_finish (FcStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return fc_store_finish (self, result, fc_store_admin_list_async, error);
}

void
fc_store_admin_get_async (FcStore             *self,
                          const char          *resource,
                          gint64               id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_store_admin_is_resource (resource));

  fc_store_submit (self, get_job, fc_store_args_new (resource, id), fc_store_admin_get_async,
                   cancellable, callback, user_data);
}

JsonObject *
fc_store_admin_get_finish (FcStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return fc_store_finish (self, result, fc_store_admin_get_async, error);
}

void
fc_store_admin_write_async (FcStore             *self,
                            const char          *resource,
                            FcStoreAdminWrite    kind,
                            gint64               id,
                            JsonObject          *fields,
                            const char          *subject,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FcStoreArgs *args;

  g_return_if_fail (FC_IS_STORE (self));
  g_return_if_fail (fc_store_admin_is_resource (resource));
  g_return_if_fail (kind == FC_STORE_ADMIN_DELETE || fields != NULL);
  g_return_if_fail (kind == FC_STORE_ADMIN_CREATE || id != 0);

  args = fc_store_args_new (resource, id);
  args->number = kind;
  args->object = kind == FC_STORE_ADMIN_DELETE ? NULL : copy_object (fields);
  args->text = g_strdup (subject);
  fc_store_submit (self, write_job, args, fc_store_admin_write_async, cancellable, callback,
                   user_data);
}

JsonObject *
fc_store_admin_write_finish (FcStore       *self,
                             GAsyncResult  *result,
                             gint64        *out_outbox_id,
                             GError       **error)
{
  g_autoptr(JsonObject) written = fc_store_finish (self, result, fc_store_admin_write_async, error);

  if (written == NULL)
    return NULL;
  if (out_outbox_id != NULL)
    *out_outbox_id = json_object_get_int_member (written, "outbox_id");
  return json_object_ref (json_object_get_object_member (written, "object"));
}
