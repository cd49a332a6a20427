/* fc-store-resource.c — how each server resource maps to rows: one table
 * of columns per resource drives upserts, local edits, reads and id
 * remapping, so a later issue adds a resource by adding a table here
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-store-private.h"

typedef enum {
  COL_INT,
  COL_REAL,
  COL_TEXT,
  COL_BOOL,
  COL_JSON,
} ColType;

typedef struct {
  const char *wire;
  const char *column;
  ColType     type;
  gboolean    writable;
  const char *fallback;   /* SQL literal when the server leaves it out */
} Column;

/* A list of rows owned by the object (meal items, a plan's schedule). */
typedef struct {
  const char *server_wire;  /* member in server objects */
  const char *local_wire;   /* member the app writes */
  const char *table;
  const char *parent_column;
  const char *ref_wire;     /* the referenced object's id */
  const char *ref_detail;   /* or the referenced object in full */
  const char *ref_resource;
  const char *ref_column;
  const char *value_wire;
  const char *value_column;
  ColType     value_type;
} Child;

struct _FcResource {
  const char   *name;
  const char   *path;
  const char   *id_wire;      /* the server's id member */
  const char   *id_column;    /* "id", or where a singleton keeps the server's id */
  gboolean      singleton;
  const Column *columns;
  guint         n_columns;
  const Child  *child;
  const char   *referenced_by_table;
  const char   *referenced_by_column;
  const char   *order;        /* how lists come back: the server's order */
};

static const Column account_columns[] = {
  { "email", "email", COL_TEXT, FALSE, NULL },
  { "first_name", "first_name", COL_TEXT, TRUE, NULL },
  { "last_name", "last_name", COL_TEXT, TRUE, NULL },
  { "is_staff", "is_staff", COL_BOOL, FALSE, "0" },
};

static const Column profile_columns[] = {
  { "age", "age", COL_INT, TRUE, NULL },
  { "weight", "weight", COL_REAL, TRUE, NULL },
  { "height", "height", COL_REAL, TRUE, NULL },
  { "gender", "gender", COL_TEXT, TRUE, NULL },
  { "fitness_goal", "fitness_goal", COL_TEXT, TRUE, NULL },
  { "img", "img", COL_TEXT, TRUE, NULL },
};

static const Column food_columns[] = {
  { "name", "name", COL_TEXT, TRUE, "''" },
  { "description", "description", COL_TEXT, TRUE, "''" },
  { "serving_quantity", "serving_quantity", COL_REAL, TRUE, NULL },
  { "serving_unit", "serving_unit", COL_TEXT, TRUE, NULL },
  { "calories", "calories", COL_REAL, TRUE, NULL },
  { "protein", "protein", COL_REAL, TRUE, NULL },
  { "carbohydrates", "carbohydrates", COL_REAL, TRUE, NULL },
  { "fat", "fat", COL_REAL, TRUE, NULL },
  { "fiber", "fiber", COL_REAL, TRUE, NULL },
  { "sugar", "sugar", COL_REAL, TRUE, NULL },
  { "sodium", "sodium", COL_REAL, TRUE, NULL },
  { "food_category", "food_category", COL_TEXT, TRUE, NULL },
  { "user_added_detail", "user_added", COL_JSON, FALSE, NULL },
  { "is_public", "is_public", COL_BOOL, TRUE, "0" },
  { "created_at", "created_at", COL_TEXT, FALSE, NULL },
  { "updated_at", "updated_at", COL_TEXT, FALSE, NULL },
};

static const Column meal_columns[] = {
  { "name", "name", COL_TEXT, TRUE, "''" },
  { "meal_time_category", "meal_time_category", COL_TEXT, TRUE, NULL },
  { "description", "description", COL_TEXT, TRUE, NULL },
  { "is_template", "is_template", COL_BOOL, TRUE, "0" },
  { "total_calories", "total_calories", COL_REAL, FALSE, NULL },
  { "total_protein", "total_protein", COL_REAL, FALSE, NULL },
  { "total_carbohydrates", "total_carbohydrates", COL_REAL, FALSE, NULL },
  { "total_fat", "total_fat", COL_REAL, FALSE, NULL },
  { "created_at", "created_at", COL_TEXT, FALSE, NULL },
  { "updated_at", "updated_at", COL_TEXT, FALSE, NULL },
};

static const Column meal_plan_columns[] = {
  { "name", "name", COL_TEXT, TRUE, "''" },
  { "description", "description", COL_TEXT, TRUE, NULL },
  { "goal", "goal", COL_TEXT, TRUE, NULL },
  { "duration_days", "duration_days", COL_INT, TRUE, NULL },
  { "start_date", "start_date", COL_TEXT, TRUE, NULL },
  { "target_daily_calories", "target_daily_calories", COL_REAL, TRUE, NULL },
  { "target_daily_protein", "target_daily_protein", COL_REAL, FALSE, NULL },
  { "target_daily_carbohydrates", "target_daily_carbohydrates", COL_REAL, FALSE, NULL },
  { "target_daily_fat", "target_daily_fat", COL_REAL, FALSE, NULL },
  { "is_active", "is_active", COL_BOOL, TRUE, "1" },
  { "is_template", "is_template", COL_BOOL, TRUE, "0" },
  { "is_ai_generated", "is_ai_generated", COL_BOOL, FALSE, "0" },
  { "created_at", "created_at", COL_TEXT, FALSE, NULL },
  { "updated_at", "updated_at", COL_TEXT, FALSE, NULL },
};

static const Child meal_items_child = {
  "meal_items", "meal_items", "meal_items", "meal_id",
  "food", "food_detail", FC_STORE_FOODS, "food_id",
  "number_of_servings", "number_of_servings", COL_REAL,
};

static const Child scheduled_meals_child = {
  "scheduled_meals", "scheduled_meals_payload", "scheduled_meals", "meal_plan_id",
  "meal", "meal_detail", FC_STORE_MEALS, "meal_id",
  "day_of_plan", "day_of_plan", COL_INT,
};

/* Templates are read-only here; their schedule stays the server's JSON. */
static const Column meal_plan_template_columns[] = {
  { "user", "user_id", COL_INT, FALSE, NULL },
  { "user_detail", "user_detail", COL_JSON, FALSE, NULL },
  { "name", "name", COL_TEXT, FALSE, "''" },
  { "description", "description", COL_TEXT, FALSE, NULL },
  { "goal", "goal", COL_TEXT, FALSE, NULL },
  { "duration_days", "duration_days", COL_INT, FALSE, NULL },
  { "start_date", "start_date", COL_TEXT, FALSE, NULL },
  { "target_daily_calories", "target_daily_calories", COL_REAL, FALSE, NULL },
  { "target_daily_protein", "target_daily_protein", COL_REAL, FALSE, NULL },
  { "target_daily_carbohydrates", "target_daily_carbohydrates", COL_REAL, FALSE, NULL },
  { "target_daily_fat", "target_daily_fat", COL_REAL, FALSE, NULL },
  { "is_active", "is_active", COL_BOOL, FALSE, "1" },
  { "is_template", "is_template", COL_BOOL, FALSE, "1" },
  { "is_ai_generated", "is_ai_generated", COL_BOOL, FALSE, "0" },
  { "scheduled_meals", "scheduled_meals", COL_JSON, FALSE, NULL },
  { "created_at", "created_at", COL_TEXT, FALSE, NULL },
  { "updated_at", "updated_at", COL_TEXT, FALSE, NULL },
};

/* Workouts, their categories and videos are the server's alone. */
static const Column workout_category_columns[] = {
  { "name", "name", COL_TEXT, FALSE, "''" },
  { "slug", "slug", COL_TEXT, FALSE, NULL },
  { "description", "description", COL_TEXT, FALSE, NULL },
  { "workout_count", "workout_count", COL_INT, FALSE, NULL },
  { "created_at", "created_at", COL_TEXT, FALSE, NULL },
  { "updated_at", "updated_at", COL_TEXT, FALSE, NULL },
};

static const Column workout_columns[] = {
  { "title", "title", COL_TEXT, FALSE, "''" },
  { "description", "description", COL_TEXT, FALSE, "''" },
  { "duration", "duration", COL_INT, FALSE, NULL },
  { "difficulty", "difficulty", COL_TEXT, FALSE, NULL },
  { "category", "category_id", COL_INT, FALSE, NULL },
  { "category_detail", "category_detail", COL_JSON, FALSE, NULL },
  { "goals", "goals", COL_JSON, FALSE, NULL },
  { "is_premium", "is_premium", COL_BOOL, FALSE, "0" },
  { "thumbnail", "thumbnail", COL_TEXT, FALSE, NULL },
  { "video_count", "video_count", COL_INT, FALSE, NULL },
  { "videos", "videos", COL_JSON, FALSE, NULL },
  { "created_at", "created_at", COL_TEXT, FALSE, NULL },
  { "updated_at", "updated_at", COL_TEXT, FALSE, NULL },
};

/* completed_at is the server's to set; the store mirrors its rule. */
static const Column workout_progress_columns[] = {
  { "workout", "workout_id", COL_INT, TRUE, "0" },
  { "progress_percentage", "progress_percentage", COL_REAL, TRUE, "0" },
  { "last_video", "last_video_id", COL_INT, TRUE, NULL },
  { "position_seconds", "position_seconds", COL_REAL, TRUE, "0" },
  { "completed_at", "completed_at", COL_TEXT, FALSE, NULL },
  { "created_at", "created_at", COL_TEXT, FALSE, NULL },
  { "updated_at", "updated_at", COL_TEXT, FALSE, NULL },
};

#define BY_NAME "name COLLATE NOCASE, id"

static const FcResource resources[] = {
  { FC_STORE_ACCOUNT, "auth/oauth/user/", "pk", "pk", TRUE,
    account_columns, G_N_ELEMENTS (account_columns), NULL, NULL, NULL, BY_NAME },
  { FC_STORE_PROFILE, "auth/profile/", "id", "server_id", TRUE,
    profile_columns, G_N_ELEMENTS (profile_columns), NULL, NULL, NULL, BY_NAME },
  { FC_STORE_FOODS, "nutrition/foods/", "id", "id", FALSE,
    food_columns, G_N_ELEMENTS (food_columns), NULL, "meal_items", "food_id", BY_NAME },
  { FC_STORE_MEALS, "nutrition/meals/", "id", "id", FALSE,
    meal_columns, G_N_ELEMENTS (meal_columns), &meal_items_child, "scheduled_meals", "meal_id",
    BY_NAME },
  { FC_STORE_MEAL_PLANS, "nutrition/meal-plans/", "id", "id", FALSE,
    meal_plan_columns, G_N_ELEMENTS (meal_plan_columns), &scheduled_meals_child, NULL, NULL,
    BY_NAME },
  { FC_STORE_MEAL_PLAN_TEMPLATES, "nutrition/meal-plans/templates/", "id", "id", FALSE,
    meal_plan_template_columns, G_N_ELEMENTS (meal_plan_template_columns), NULL, NULL, NULL,
    "created_at DESC, id DESC" },
  { FC_STORE_WORKOUT_CATEGORIES, "workouts/categories/", "id", "id", FALSE,
    workout_category_columns, G_N_ELEMENTS (workout_category_columns), NULL, NULL, NULL,
    BY_NAME },
  { FC_STORE_WORKOUTS, "workouts/workouts/", "id", "id", FALSE,
    workout_columns, G_N_ELEMENTS (workout_columns), NULL, NULL, NULL,
    "created_at DESC, id DESC" },
  { FC_STORE_WORKOUT_PROGRESS, "workouts/progress/", "id", "id", FALSE,
    workout_progress_columns, G_N_ELEMENTS (workout_progress_columns), NULL, NULL, NULL,
    "updated_at DESC, id DESC" },
};

const FcResource *
fc_resource_lookup (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (resources); i++) {
    if (g_str_equal (resources[i].name, name))
      return &resources[i];
  }
  return NULL;
}

const char *
fc_resource_name (const FcResource *resource)
{
  return resource->name;
}

gboolean
fc_resource_is_singleton (const FcResource *resource)
{
  return resource->singleton;
}

gboolean
fc_resource_has_children (const FcResource *resource)
{
  return resource->child != NULL;
}

char *
fc_resource_path (const FcResource *resource,
                  gint64            id)
{
  if (resource->singleton || id == 0)
    return g_strdup (resource->path);
  return g_strdup_printf ("%s%" G_GINT64_FORMAT "/", resource->path, id);
}

/* Binds one JSON member. Server data is taken as it comes (a member of
 * the wrong type is stored as NULL); the app's own writes are checked. */
static gboolean
bind_member (sqlite3_stmt  *stmt,
             int            index,
             JsonObject    *object,
             const char    *member,
             ColType        type,
             gboolean       strict,
             GError       **error)
{
  gint64 i;
  double d;
  gboolean b;
  const char *s;
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node)) {
    sqlite3_bind_null (stmt, index);
    return TRUE;
  }

  switch (type) {
    case COL_INT:
      if (fc_json_get_int (object, member, &i)) {
        sqlite3_bind_int64 (stmt, index, i);
        return TRUE;
      }
      break;
    case COL_REAL:
      if (fc_json_get_double (object, member, &d)) {
        sqlite3_bind_double (stmt, index, d);
        return TRUE;
      }
      break;
    case COL_TEXT:
      if ((s = fc_json_get_string (object, member)) != NULL) {
        sqlite3_bind_text (stmt, index, s, -1, SQLITE_TRANSIENT);
        return TRUE;
      }
      break;
    case COL_BOOL:
      if (fc_json_get_boolean (object, member, &b)) {
        sqlite3_bind_int (stmt, index, b ? 1 : 0);
        return TRUE;
      }
      break;
    case COL_JSON:
      if (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node)) {
        g_autofree char *text = fc_json_to_string (node, FALSE);

        sqlite3_bind_text (stmt, index, g_steal_pointer (&text), -1, g_free);
        return TRUE;
      }
      break;
    default:
      g_assert_not_reached ();
  }

  sqlite3_bind_null (stmt, index);
  if (strict) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                 "The field “%s” has the wrong type", member);
    return FALSE;
  }
  return TRUE;
}

static void
put_column (JsonObject   *object,
            const char   *member,
            sqlite3_stmt *stmt,
            int           index,
            ColType       type)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL) {
    json_object_set_null_member (object, member);
    return;
  }
  switch (type) {
    case COL_INT:
      json_object_set_int_member (object, member, sqlite3_column_int64 (stmt, index));
      break;
    case COL_REAL:
      json_object_set_double_member (object, member, sqlite3_column_double (stmt, index));
      break;
    case COL_TEXT:
      json_object_set_string_member (object, member, fc_store_column_text (stmt, index));
      break;
    case COL_BOOL:
      json_object_set_boolean_member (object, member, sqlite3_column_int (stmt, index) != 0);
      break;
    case COL_JSON: {
      JsonNode *node = fc_json_parse (fc_store_column_text (stmt, index), -1, NULL);

      if (node != NULL)
        json_object_set_member (object, member, node);
      else
        json_object_set_null_member (object, member);
      break;
    }
    default:
      g_assert_not_reached ();
  }
}

static gint64
ref_id (const Child *child,
        JsonObject  *item)
{
  JsonObject *detail;
  gint64 id = 0;

  if (fc_json_get_int (item, child->ref_wire, &id))
    return id;
  detail = fc_json_get_object (item, child->ref_detail);
  if (detail != NULL && fc_json_get_int (detail, "id", &id))
    return id;
  return 0;
}

/* Replaces an object's child rows with @items. Server items may carry the
 * referenced object in full (food_detail), which is stored too. */
static gboolean
replace_children (FcStoreDb    *db,
                  const Child  *child,
                  gint64        parent_id,
                  JsonArray    *items,
                  gboolean      strict,
                  GError      **error)
{
  g_autofree char *delete_sql = g_strdup_printf ("DELETE FROM %s WHERE %s = ?1", child->table,
                                                 child->parent_column);
  g_autofree char *insert_sql = g_strdup_printf (
    "INSERT INTO %s (%s, position, server_id, %s, %s) VALUES (?1, ?2, ?3, ?4, ?5)",
    child->table, child->parent_column, child->ref_column, child->value_column);
  const FcResource *ref_resource = fc_resource_lookup (child->ref_resource);
  sqlite3_stmt *stmt;
  guint n = json_array_get_length (items);

  if ((stmt = fc_store_db_stmt (db, delete_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, parent_id);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (items, i);
    JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    JsonObject *detail = fc_json_get_object (item, child->ref_detail);
    gint64 ref = item != NULL ? ref_id (child, item) : 0;
    gint64 server_id;

    if (ref == 0) {
      if (!strict)
        continue;
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                   "Item %u of “%s” names no “%s”", i, child->local_wire, child->ref_wire);
      return FALSE;
    }
    if (detail != NULL && !fc_resource_upsert (db, ref_resource, detail, FALSE, error))
      return FALSE;

    if ((stmt = fc_store_db_stmt (db, insert_sql, error)) == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, parent_id);
    sqlite3_bind_int (stmt, 2, i);
    if (!strict && fc_json_get_int (item, "id", &server_id))
      sqlite3_bind_int64 (stmt, 3, server_id);
    sqlite3_bind_int64 (stmt, 4, ref);
    if (!bind_member (stmt, 5, item, child->value_wire, child->value_type, strict, error)) {
      sqlite3_reset (stmt);
      return FALSE;
    }
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
  }
  return TRUE;
}

void
fc_store_db_load_account_email (FcStoreDb *db)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT email FROM account WHERE id = 1", NULL);

  g_clear_pointer (&db->account_email, g_free);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    db->account_email = g_strdup (fc_store_column_text (stmt, 0));
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

/* The upsert's ON CONFLICT clause; @force is the parameter that lets the
 * app's own snapshots overwrite dirty rows, or 0 for server data only. */
static void
append_on_conflict (GString          *sql,
                    const FcResource *resource,
                    guint             force)
{
  const char *second = resource->singleton ? resource->id_column : "is_own";

  g_string_append_printf (sql, " ON CONFLICT (id) DO UPDATE SET %s = excluded.%s", second, second);
  for (guint i = 0; i < resource->n_columns; i++)
    g_string_append_printf (sql, ", %s = excluded.%s", resource->columns[i].column,
                            resource->columns[i].column);
  /* The user's unsent changes win over what the server says; and a row
   * the server did not change is not rewritten, so a re-pull of 50,000
   * foods writes only what moved. */
  if (force != 0)
    g_string_append_printf (sql, " WHERE (dirty = 0 OR ?%u) AND (%s IS NOT excluded.%s", force,
                            second, second);
  else
    g_string_append_printf (sql, " WHERE dirty = 0 AND (%s IS NOT excluded.%s", second, second);
  for (guint i = 0; i < resource->n_columns; i++)
    g_string_append_printf (sql, " OR %s IS NOT excluded.%s", resource->columns[i].column,
                            resource->columns[i].column);
  g_string_append_c (sql, ')');
}

/* The columns an INSERT's SELECT gives, each with its fallback where the
 * server leaves it out: @prefix ("?" for parameters, "column" for a
 * VALUES list's) and their numbers from @first. */
static void
append_with_fallbacks (GString          *sql,
                       const FcResource *resource,
                       const char       *prefix,
                       guint             first)
{
  for (guint i = 0; i < resource->n_columns; i++) {
    const Column *col = &resource->columns[i];

    if (col->fallback != NULL)
      g_string_append_printf (sql, ", coalesce(%s%u, %s)", prefix, first + i, col->fallback);
    else
      g_string_append_printf (sql, ", %s%u", prefix, first + i);
  }
}

static char *
build_upsert_sql (const FcResource *resource)
{
  GString *sql = g_string_new ("INSERT INTO ");
  guint n = 2;

  g_string_append_printf (sql, "%s (id, %s", resource->name,
                          resource->singleton ? resource->id_column : "is_own");
  for (guint i = 0; i < resource->n_columns; i++)
    g_string_append_printf (sql, ", %s", resource->columns[i].column);
  /* ?1 is the id (1 for singletons), ?2 the server id or is_own. */
  g_string_append (sql, ") SELECT ?1, ?2");
  append_with_fallbacks (sql, resource, "?", n + 1);
  n += resource->n_columns;
  /* An object the user deleted stays deleted while the DELETE is queued. */
  g_string_append_printf (sql, " WHERE ?%u OR NOT EXISTS (SELECT 1 FROM outbox WHERE "
                          "resource = '%s' AND object_id = ?1 AND method = 'DELETE')",
                          n + 1, resource->name);
  append_on_conflict (sql, resource, n + 1);
  return g_string_free (sql, FALSE);
}

/* Missing counts as dirty: there is nothing to update. */
static gboolean
is_dirty (FcStoreDb         *db,
          const FcResource  *resource,
          gint64             id,
          gboolean          *out_dirty,
          GError           **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT dirty FROM %s WHERE id = ?1", resource->name);
  sqlite3_stmt *stmt = fc_store_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = fc_store_db_step (db, stmt, error);
  *out_dirty = rc != SQLITE_ROW || sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Whether @object is the account's own. A snapshot the store took itself
 * says so; the server says it by e-mail, or not at all for foods nobody
 * added. Meals and plans without an owner are the user's: lists show only
 * their own. */
static gboolean
object_is_own (FcStoreDb        *db,
               const FcResource *resource,
               JsonObject       *object)
{
  JsonObject *owner = fc_json_get_object (object, "user_added_detail");
  const char *email;
  gboolean own = FALSE;

  if (owner == NULL)
    owner = fc_json_get_object (object, "user_detail");
  email = fc_json_get_string (owner, "email");
  if (!fc_json_get_boolean (object, "is_own", &own))
    own = email != NULL ? g_strcmp0 (email, db->account_email) == 0
                        : !g_str_equal (resource->name, FC_STORE_FOODS);
  return own;
}

gboolean
fc_resource_upsert (FcStoreDb         *db,
                    const FcResource  *resource,
                    JsonObject        *object,
                    gboolean           force,
                    GError           **error)
{
  /* Built once per process, prepared once per connection: a pull calls
   * this 50,000 times. */
  static char *sql_cache[G_N_ELEMENTS (resources)];
  guint slot = resource - resources;
  sqlite3_stmt *stmt;
  char *sql;
  gint64 id = 1;

  if (!resource->singleton && (!fc_json_get_int (object, "id", &id) || id == 0)) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID, "A %s object has no id",
                 resource->name);
    return FALSE;
  }

  G_STATIC_ASSERT (G_N_ELEMENTS (resources) <= G_N_ELEMENTS (db->upsert_stmts));

  if ((stmt = db->upsert_stmts[slot]) != NULL) {
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
  } else {
    sql = g_atomic_pointer_get (&sql_cache[slot]);
    if (sql == NULL) {
      char *built = build_upsert_sql (resource);

      if (!g_atomic_pointer_compare_and_exchange (&sql_cache[slot], NULL, built))
        g_free (built);
      sql = g_atomic_pointer_get (&sql_cache[slot]);
    }
    if ((stmt = fc_store_db_stmt (db, sql, error)) == NULL)
      return FALSE;
    db->upsert_stmts[slot] = stmt;
  }

  sqlite3_bind_int64 (stmt, 1, id);
  if (resource->singleton) {
    bind_member (stmt, 2, object, resource->id_wire, COL_INT, FALSE, NULL);
  } else {
    sqlite3_bind_int (stmt, 2, object_is_own (db, resource, object));
  }
  for (guint i = 0; i < resource->n_columns; i++)
    bind_member (stmt, 3 + i, object, resource->columns[i].wire, resource->columns[i].type, FALSE,
                 NULL);
  sqlite3_bind_int (stmt, 3 + resource->n_columns, force);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;

  /* The row was left alone: the user has unsent changes on it, or the
   * server's copy is the same. Its items may still have changed. */
  if (sqlite3_changes (db->handle) == 0) {
    gboolean dirty = TRUE;

    if (resource->child == NULL || !is_dirty (db, resource, id, &dirty, error))
      return resource->child == NULL;
    if (dirty && !force)
      return TRUE;
  }

  if (resource->child != NULL) {
    JsonArray *items = fc_json_get_array (object, resource->child->server_wire);

    if (items != NULL && !replace_children (db, resource->child, id, items, FALSE, error))
      return FALSE;
  }
  if (g_str_equal (resource->name, FC_STORE_ACCOUNT))
    fc_store_db_load_account_email (db);

  fc_store_db_touch (db, resource->name);
  return TRUE;
}

/* The SQL of fc_resource_upsert_page(), built once per process: the
 * staging table, a row into it, and the one statement that merges it;
 * and a first pull's rows straight into the table, one or DIRECT_ROWS
 * at once (fc_resource_upsert_json_page()). */
typedef struct {
  char *create;
  char *stage;
  char *merge;
  char *direct_one;
  char *direct_many;
} PageSql;

#define DIRECT_ROWS 100

static char *build_direct_sql (const FcResource *resource,
                               guint             n_rows);

static const PageSql *
page_sql (const FcResource *resource)
{
  static PageSql cache[G_N_ELEMENTS (resources)];
  static gsize ready[G_N_ELEMENTS (resources)];
  guint slot = resource - resources;

  if (g_once_init_enter (&ready[slot])) {
    GString *create = g_string_new (NULL);
    GString *stage = g_string_new (NULL);
    GString *merge = g_string_new (NULL);

    g_string_append_printf (create, "CREATE TEMP TABLE IF NOT EXISTS staging_%s "
                            "(id INTEGER PRIMARY KEY, is_own", resource->name);
    g_string_append_printf (stage, "INSERT OR REPLACE INTO temp.staging_%s (id, is_own",
                            resource->name);
    g_string_append_printf (merge, "INSERT INTO %s (id, is_own", resource->name);
    for (guint i = 0; i < resource->n_columns; i++) {
      g_string_append_printf (create, ", %s", resource->columns[i].column);
      g_string_append_printf (stage, ", %s", resource->columns[i].column);
      g_string_append_printf (merge, ", %s", resource->columns[i].column);
    }
    g_string_append (create, ")");
    g_string_append (stage, ") VALUES (?1, ?2");
    g_string_append (merge, ") SELECT id, is_own");
    for (guint i = 0; i < resource->n_columns; i++) {
      const Column *col = &resource->columns[i];

      g_string_append_printf (stage, ", ?%u", 3 + i);
      if (col->fallback != NULL)
        g_string_append_printf (merge, ", coalesce(%s, %s)", col->column, col->fallback);
      else
        g_string_append_printf (merge, ", %s", col->column);
    }
    g_string_append (stage, ")");
    /* In id order: the search index takes ascending rowids without
     * flushing. An object the user deleted stays deleted while the DELETE
     * is queued. */
    g_string_append_printf (merge, " FROM temp.staging_%s AS s WHERE NOT EXISTS (SELECT 1 FROM "
                            "outbox WHERE resource = '%s' AND object_id = s.id AND method = "
                            "'DELETE') ORDER BY id", resource->name, resource->name);
    append_on_conflict (merge, resource, 0);

    cache[slot].create = g_string_free (create, FALSE);
    cache[slot].stage = g_string_free (stage, FALSE);
    cache[slot].merge = g_string_free (merge, FALSE);
    cache[slot].direct_one = build_direct_sql (resource, 1);
    cache[slot].direct_many = build_direct_sql (resource, DIRECT_ROWS);
    g_once_init_leave (&ready[slot], 1);
  }
  return &cache[slot];
}

/* An empty staging table for @resource, made on first use. */
static gboolean
clear_staging (FcStoreDb         *db,
               const FcResource  *resource,
               GError           **error)
{
  g_autofree char *clear = g_strdup_printf ("DELETE FROM temp.staging_%s", resource->name);

  return fc_store_db_exec (db, page_sql (resource)->create, error) &&
         fc_store_db_exec (db, clear, error);
}

/* The one statement that merges the staged rows into @resource's table. */
static gboolean
merge_staging (FcStoreDb         *db,
               const FcResource  *resource,
               GError           **error)
{
  sqlite3_stmt *merge;

  if ((merge = fc_store_db_stmt (db, page_sql (resource)->merge, error)) == NULL)
    return FALSE;
  if (!fc_store_db_step_done (db, merge, error))
    return FALSE;
  if (sqlite3_changes (db->handle) > 0)
    fc_store_db_touch (db, resource->name);
  return TRUE;
}

/**
 * fc_resource_upsert_page:
 * @page: server objects of @resource, as one page of a list brings them
 *
 * What fc_resource_upsert() does for each object of @page without @force,
 * in one statement for the whole page. Row by row, each upsert fired the
 * search index's triggers in a statement of its own, and FTS5 flushes its
 * pending terms at every statement's savepoint: a first pull of 50,000
 * foods wrote 50,000 index segments and merged them (4.7 s against 0.7 s
 * here, tests/bench/store/bench-store-upsert.c). The rows go into a
 * temporary table first, then one INSERT … SELECT merges them.
 *
 * Only for resources whose objects own no child rows; a malformed object
 * (no id) is skipped.
 */
gboolean
fc_resource_upsert_page (FcStoreDb         *db,
                         const FcResource  *resource,
                         JsonArray         *page,
                         GError           **error)
{
  const PageSql *sql = page_sql (resource);
  guint n = json_array_get_length (page);
  sqlite3_stmt *stage;

  g_return_val_if_fail (resource->child == NULL && !resource->singleton, FALSE);

  if (!clear_staging (db, resource, error))
    return FALSE;
  if ((stage = fc_store_db_stmt (db, sql->stage, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (page, i);
    JsonObject *object;
    gint64 id = 0;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    object = json_node_get_object (node);
    if (!fc_json_get_int (object, "id", &id) || id == 0) {
      g_debug ("Skipping a %s object: it has no id", resource->name);
      continue;
    }
    sqlite3_reset (stage);
    sqlite3_clear_bindings (stage);
    sqlite3_bind_int64 (stage, 1, id);
    sqlite3_bind_int (stage, 2, object_is_own (db, resource, object));
    for (guint c = 0; c < resource->n_columns; c++)
      bind_member (stage, 3 + c, object, resource->columns[c].wire, resource->columns[c].type,
                   FALSE, NULL);
    if (!fc_store_db_step_done (db, stage, error))
      return FALSE;
  }
  sqlite3_reset (stage);
  return merge_staging (db, resource, error);
}

/* A JSON member's value, its text still in the page, read as
 * bind_member() reads the same member of a parsed object. */
typedef struct {
  int         kind;     /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT or SQLITE_TEXT */
  gint64      i;
  double      d;
  const char *text;     /* in the page, or @owned */
  gsize       length;
  char       *owned;    /* a string decoded or rewritten, else NULL */
} ScannedValue;

static gboolean
has_space (const char *start,
           const char *end)
{
  for (const char *p = start; p < end; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      return TRUE;
  }
  return FALSE;
}

static void
read_scanned (const FcJsonMember *member,
              ColType             type,
              ScannedValue       *value)
{
  value->kind = SQLITE_NULL;
  value->owned = NULL;
  switch (member != NULL ? type : (ColType) -1) {
    case COL_INT:
      if (fc_json_member_get_int (member, &value->i))
        value->kind = SQLITE_INTEGER;
      break;
    case COL_REAL:
      if (fc_json_member_get_double (member, &value->d))
        value->kind = SQLITE_FLOAT;
      break;
    case COL_TEXT:
      if (member->kind != FC_JSON_KIND_STRING)
        break;
      value->kind = SQLITE_TEXT;
      /* Most strings have no escape: bound where they are in the page. */
      if (memchr (member->start, '\\', member->end - member->start) == NULL) {
        value->text = member->start;
        value->length = member->end - member->start;
      } else {
        value->text = value->owned = fc_json_member_dup_string (member);
        value->length = strlen (value->owned);
      }
      break;
    case COL_BOOL:
      if (member->kind == FC_JSON_KIND_TRUE || member->kind == FC_JSON_KIND_FALSE) {
        value->kind = SQLITE_INTEGER;
        value->i = member->kind == FC_JSON_KIND_TRUE;
      }
      break;
    case COL_JSON:
      if (member->kind == FC_JSON_KIND_OBJECT || member->kind == FC_JSON_KIND_ARRAY) {
        /* As the page has it, less the space between tokens, as
         * fc_json_to_string() writes a parsed one: bound in place when
         * it holds no space at all (fitcore-server writes none). */
        GString *text;

        if (!has_space (member->start, member->end)) {
          value->kind = SQLITE_TEXT;
          value->text = member->start;
          value->length = member->end - member->start;
          break;
        }
        text = g_string_sized_new (member->end - member->start);
        gboolean in_string = FALSE;

        for (const char *p = member->start; p < member->end; p++) {
          if (in_string && *p == '\\') {
            g_string_append_c (text, *p++);
          } else if (*p == '"') {
            in_string = !in_string;
          } else if (!in_string && g_ascii_isspace (*p)) {
            continue;
          }
          g_string_append_c (text, *p);
        }
        value->kind = SQLITE_TEXT;
        value->length = text->len;
        value->text = value->owned = g_string_free (text, FALSE);
      }
      break;
    default:
      break;
  }
}

/* Binds @value, handing its string over to the statement if it owns one:
 * a string still in the page stays there (SQLITE_STATIC), so the page
 * outlives every step of the statement (fc_resource_upsert_json_page()
 * clears the bindings before it returns). */
static void
bind_scanned_value (sqlite3_stmt *stmt,
                    int           index,
                    ScannedValue *value)
{
  switch (value->kind) {
    case SQLITE_INTEGER:
      sqlite3_bind_int64 (stmt, index, value->i);
      break;
    case SQLITE_FLOAT:
      sqlite3_bind_double (stmt, index, value->d);
      break;
    case SQLITE_TEXT:
      if (value->owned != NULL)
        sqlite3_bind_text (stmt, index, g_steal_pointer (&value->owned), value->length, g_free);
      else
        sqlite3_bind_text (stmt, index, value->text, value->length, SQLITE_STATIC);
      break;
    default:
      sqlite3_bind_null (stmt, index);
      break;
  }
}

/* The members a staged item is read from: its columns' (slot i for column
 * i), then these. */
enum {
  SLOT_ID,
  SLOT_IS_OWN,
  SLOT_USER_ADDED,
  SLOT_USER,
  N_EXTRA_SLOTS
};

#define MAX_SLOTS 64

/* Finds the members of an item that @resource reads, in one pass over
 * them: looked up one name at a time (fc_json_members_find()), the 20
 * names of a food cost some 170 key comparisons an item, a tenth of the
 * store thread's time in a 50,000-food pull. An escaped name is read
 * decoded, and of two members of one name the last counts, as json-glib
 * has it (fc_resource_upsert_page() reads the same page as a tree). */
typedef struct {
  const char *names[MAX_SLOTS];
  gsize       lengths[MAX_SLOTS];
  guint       n_slots;
} SlotNames;

static void
slot_names_init (SlotNames        *names,
                 const FcResource *resource)
{
  const char *extra[N_EXTRA_SLOTS] = { resource->id_wire, "is_own", "user_added_detail",
                                       "user_detail" };

  g_assert (resource->n_columns + N_EXTRA_SLOTS <= MAX_SLOTS);
  names->n_slots = resource->n_columns + N_EXTRA_SLOTS;
  for (guint i = 0; i < names->n_slots; i++) {
    names->names[i] = i < resource->n_columns ? resource->columns[i].wire
                                              : extra[i - resource->n_columns];
    names->lengths[i] = strlen (names->names[i]);
  }
}

static void
find_slots (const SlotNames     *names,
            const FcJsonMember  *members,
            guint                n_members,
            const FcJsonMember **slots)
{
  guint n_slots = names->n_slots;

  memset (slots, 0, n_slots * sizeof *slots);
  for (guint m = 0; m < n_members; m++) {
    const FcJsonMember *member = &members[m];
    g_autofree char *decoded = NULL;
    const char *key = member->key;
    gsize length = member->key_length;

    if (memchr (key, '\\', length) != NULL) {
      FcJsonMember name = { NULL, 0, FC_JSON_KIND_STRING, key, key + length };

      decoded = fc_json_member_dup_string (&name);
      key = decoded;
      length = strlen (decoded);
    }
    for (guint i = 0; i < n_slots; i++) {
      if (names->lengths[i] == length && memcmp (names->names[i], key, length) == 0)
        slots[i] = member;
    }
  }
}

/* The owner an item of a page named last, as its text, and whether that
 * is the account: most items of a page have the same owner, whose text
 * need not be read again for each. */
typedef struct {
  const char *start;
  gsize       length;
  gboolean    is_own;
} LastOwner;

/* object_is_own() of an object still in its page's text. */
static gboolean
scanned_is_own (FcStoreDb           *db,
                const FcResource    *resource,
                const FcJsonMember **slots,
                LastOwner           *last)
{
  const FcJsonMember *said = slots[resource->n_columns + SLOT_IS_OWN];
  const FcJsonMember *owner = slots[resource->n_columns + SLOT_USER_ADDED];
  g_autoptr(GArray) owner_members = NULL;
  g_autofree char *email = NULL;
  gsize length;

  if (said != NULL && (said->kind == FC_JSON_KIND_TRUE || said->kind == FC_JSON_KIND_FALSE))
    return said->kind == FC_JSON_KIND_TRUE;
  if (owner == NULL || owner->kind != FC_JSON_KIND_OBJECT)
    owner = slots[resource->n_columns + SLOT_USER];
  if (owner == NULL || owner->kind != FC_JSON_KIND_OBJECT)
    return !g_str_equal (resource->name, FC_STORE_FOODS);
  length = owner->end - owner->start;
  if (last->start != NULL && last->length == length &&
      memcmp (last->start, owner->start, length) == 0)
    return last->is_own;
  owner_members = fc_json_member_get_members (owner);
  email = fc_json_member_dup_string (fc_json_members_find (
    (const FcJsonMember *) owner_members->data, owner_members->len, "email"));
  last->start = owner->start;
  last->length = length;
  last->is_own = email != NULL ? g_strcmp0 (email, db->account_email) == 0
                               : !g_str_equal (resource->name, FC_STORE_FOODS);
  return last->is_own;
}

/* A first pull's merge with its rows in VALUES instead of a staging
 * table (page_sql()). */
static char *
build_direct_sql (const FcResource *resource,
                  guint             n_rows)
{
  GString *sql = g_string_new (NULL);
  guint width = 2 + resource->n_columns;

  g_string_append_printf (sql, "INSERT INTO %s (id, is_own", resource->name);
  for (guint i = 0; i < resource->n_columns; i++)
    g_string_append_printf (sql, ", %s", resource->columns[i].column);
  g_string_append (sql, ") SELECT column1, column2");
  append_with_fallbacks (sql, resource, "column", 3);
  g_string_append (sql, " FROM (VALUES ");
  for (guint r = 0; r < n_rows; r++) {
    g_string_append (sql, r == 0 ? "(?" : ", (?");
    for (guint i = 1; i < width; i++)
      g_string_append (sql, ", ?");
    g_string_append_c (sql, ')');
  }
  /* As the merge: an object the user deleted stays deleted while the
   * DELETE is queued, and the user's unsent changes win. */
  g_string_append_printf (sql, ") AS s WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE resource = "
                          "'%s' AND object_id = s.column1 AND method = 'DELETE')",
                          resource->name);
  append_on_conflict (sql, resource, 0);
  return g_string_free (sql, FALSE);
}

typedef struct {
  FcStoreDb         *db;
  const FcResource  *resource;
  sqlite3_stmt      *stage;     /* the staging table's INSERT, or NULL */
  GError            *error;
  SlotNames          names;
  /* A first pull's page goes straight into the table, DIRECT_ROWS rows a
   * statement: @rows holds the values of @n_rows rows not yet written. */
  ScannedValue      *rows;
  guint              n_rows;
  gboolean           changed;
  LastOwner          last_owner;
} StageText;

/* Frees what the values of rows not written still own. */
static void
clear_direct_rows (StageText *stage)
{
  guint width = 2 + stage->resource->n_columns;

  for (guint v = 0; v < stage->n_rows * width; v++)
    g_clear_pointer (&stage->rows[v].owned, g_free);
  stage->n_rows = 0;
}

static gboolean
step_direct (StageText    *stage,
             sqlite3_stmt *stmt)
{
  gboolean done = fc_store_db_step_done (stage->db, stmt, &stage->error);

  stage->changed |= done && sqlite3_changes (stage->db->handle) > 0;
  sqlite3_clear_bindings (stmt);
  return done;
}

/* Writes the rows waiting in @stage: DIRECT_ROWS of them in one
 * statement, fewer (a page's last) one by one. */
static gboolean
flush_direct_rows (StageText *stage)
{
  const PageSql *sql = page_sql (stage->resource);
  guint width = 2 + stage->resource->n_columns;
  gboolean many = stage->n_rows == DIRECT_ROWS;
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  if (stage->n_rows == 0)
    return TRUE;
  if ((stmt = fc_store_db_stmt (stage->db, many ? sql->direct_many : sql->direct_one, &stage->error)) == NULL) {
    clear_direct_rows (stage);
    return FALSE;
  }
  for (guint r = 0; r < stage->n_rows && ok; r++) {
    ScannedValue *row = &stage->rows[r * width];
    int base = many ? (int) (r * width) : 0;

    for (guint v = 0; v < width; v++)
      bind_scanned_value (stmt, base + 1 + v, &row[v]);
    if (!many)
      ok = step_direct (stage, stmt);
  }
  if (many)
    ok = step_direct (stage, stmt);
  clear_direct_rows (stage);
  return ok;
}

/* One item of a page in its text into the staging table, as
 * fc_resource_upsert_page() stages a parsed one, or into the rows a first
 * pull writes straight into the table. */
static gboolean
stage_scanned_item (const FcJsonMember *members,
                    guint               n_members,
                    gpointer            user_data)
{
  StageText *stage = user_data;
  const FcResource *resource = stage->resource;
  sqlite3_stmt *stmt = stage->stage;
  const FcJsonMember *slots[MAX_SLOTS];
  gint64 id = 0;

  find_slots (&stage->names, members, n_members, slots);
  if (!fc_json_member_get_int (slots[resource->n_columns + SLOT_ID], &id) || id == 0) {
    g_debug ("Skipping a %s object: it has no id", resource->name);
    return TRUE;
  }
  if (stage->rows != NULL) {
    ScannedValue *row = &stage->rows[stage->n_rows * (2 + resource->n_columns)];

    row[0] = (ScannedValue) { .kind = SQLITE_INTEGER, .i = id };
    row[1] = (ScannedValue) {
      .kind = SQLITE_INTEGER,
      .i = scanned_is_own (stage->db, resource, slots, &stage->last_owner),
    };
    for (guint c = 0; c < resource->n_columns; c++)
      read_scanned (slots[c], resource->columns[c].type, &row[2 + c]);
    return ++stage->n_rows < DIRECT_ROWS || flush_direct_rows (stage);
  }
  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, scanned_is_own (stage->db, resource, slots, &stage->last_owner));
  for (guint c = 0; c < resource->n_columns; c++) {
    ScannedValue value;

    read_scanned (slots[c], resource->columns[c].type, &value);
    bind_scanned_value (stmt, 3 + c, &value);
  }
  return fc_store_db_step_done (stage->db, stmt, &stage->error);
}

/**
 * fc_resource_upsert_json_page:
 * @page: one page of a list of @resource as the server sent it: a JSON
 *   array of objects, or an object whose `results` is one
 *
 * fc_resource_upsert_page() for a page still in its text, read on the
 * store's thread in one pass (fc_json_scan_items()) straight into the
 * staging table, so no tree of it is ever built: json-glib took 0.5 s of
 * the main thread's CPU for 50,000 foods. The rules are the same: an
 * object that is no object or has no integral id is skipped; a member of
 * the wrong type is NULL; ownership as object_is_own() says. Text that is
 * not JSON, or holds no list, fails with %FC_STORE_ERROR_INVALID and
 * stores nothing (the caller rolls back what was staged, or written).
 *
 * A page of a first pull of foods, whose search index waits for the
 * pull's end, skips the staging table: its rows go straight into foods,
 * DIRECT_ROWS to a statement, by the merge's rules. The staging table is
 * there so that the index's triggers see one statement a page; with the
 * index deferred they do nothing, and writing each row twice (into the
 * staging table, then out of it) was a third of the store thread's time.
 *
 * The plan was SQLite's JSON functions (json_each() and ->> into the same
 * table); they look each member up on its own, its type and then its
 * value, some 35 calls a food: 0.5 s of the store thread's CPU for
 * 50,000 foods, against 0.1 s for this scan.
 */
gboolean
fc_resource_upsert_json_page (FcStoreDb         *db,
                              const FcResource  *resource,
                              GBytes            *page,
                              GError           **error)
{
  gsize length = 0;
  const char *text = g_bytes_get_data (page, &length);
  StageText stage = { db, resource, NULL, NULL, { { NULL } }, NULL, 0, FALSE, { NULL, 0, FALSE } };
  g_autofree ScannedValue *rows = NULL;
  g_auto(FcJsonPage) scanned = { 0 };
  g_autoptr(GError) local_error = NULL;
  gboolean direct = FALSE;
  gboolean scanned_ok;

  g_return_val_if_fail (resource->child == NULL && !resource->singleton, FALSE);

  /* A page of a pull: into an empty table, the search index waits for
   * the pull's end (fc_resource_remove_missing()). */
  if (resource == fc_resource_lookup (FC_STORE_FOODS) &&
      (!fc_store_foods_defer_index (db, error) ||
       !fc_store_foods_index_deferred (db, &direct, error)))
    return FALSE;
  if (direct) {
    stage.rows = rows = g_new (ScannedValue, DIRECT_ROWS * (2 + resource->n_columns));
  } else {
    if (!clear_staging (db, resource, error))
      return FALSE;
    if ((stage.stage = fc_store_db_stmt (db, page_sql (resource)->stage, error)) == NULL)
      return FALSE;
  }
  slot_names_init (&stage.names, resource);
  scanned_ok = fc_json_scan_items (text != NULL ? text : "", length, stage_scanned_item, &stage,
                                   &scanned, &local_error);
  if (direct && scanned_ok && stage.error == NULL)
    flush_direct_rows (&stage);
  if (direct) {
    clear_direct_rows (&stage);
  } else {
    sqlite3_reset (stage.stage);
    sqlite3_clear_bindings (stage.stage);
  }
  if (stage.error != NULL) {
    g_propagate_error (error, stage.error);
    return FALSE;
  }
  if (!scanned_ok) {
    g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID, "A page of %s: %s",
                 resource->name, local_error->message);
    return FALSE;
  }
  if (direct) {
    if (stage.changed)
      fc_store_db_touch (db, resource->name);
    return TRUE;
  }
  return merge_staging (db, resource, error);
}

gboolean
fc_resource_validate (const FcResource  *resource,
                      JsonObject        *fields,
                      GError           **error)
{
  g_autoptr(GList) members = json_object_get_members (fields);

  for (const GList *l = members; l != NULL; l = l->next) {
    const char *member = l->data;
    const Column *col = NULL;

    for (guint i = 0; i < resource->n_columns; i++) {
      if (g_str_equal (resource->columns[i].wire, member) && resource->columns[i].writable)
        col = &resource->columns[i];
    }
    if (col == NULL && resource->child != NULL &&
        g_str_equal (member, resource->child->local_wire)) {
      if (fc_json_get_array (fields, member) == NULL && !fc_json_is_null (fields, member)) {
        g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                     "The field “%s” must be a list", member);
        return FALSE;
      }
      continue;
    }
    if (col == NULL) {
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_INVALID,
                   "“%s” is not a field the app can change on %s", member, resource->name);
      return FALSE;
    }
  }
  return TRUE;
}

/* Applies the app's own changes to a row (creating it if need be). */
gboolean
fc_resource_apply (FcStoreDb         *db,
                   const FcResource  *resource,
                   gint64             id,
                   JsonObject        *changes,
                   gboolean           local,
                   GError           **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *insert = NULL;
  sqlite3_stmt *stmt;
  JsonArray *items;
  guint n = 0;

  if (!fc_resource_validate (resource, changes, error))
    return FALSE;

  /* Objects the app creates are its user's own. */
  if (resource->singleton)
    insert = g_strdup_printf ("INSERT OR IGNORE INTO %s (id) VALUES (?1)", resource->name);
  else
    insert = g_strdup_printf ("INSERT OR IGNORE INTO %s (id, is_own) VALUES (?1, 1)",
                              resource->name);
  if ((stmt = fc_store_db_stmt (db, insert, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;

  g_string_append_printf (sql, "UPDATE %s SET dirty = ?1", resource->name);
  for (guint i = 0; i < resource->n_columns; i++) {
    if (json_object_has_member (changes, resource->columns[i].wire))
      g_string_append_printf (sql, ", %s = ?%u", resource->columns[i].column, 3 + n++);
  }
  g_string_append (sql, " WHERE id = ?2");

  if ((stmt = fc_store_db_stmt (db, sql->str, error)) == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, local ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, id);
  n = 0;
  for (guint i = 0; i < resource->n_columns; i++) {
    const Column *col = &resource->columns[i];

    if (json_object_has_member (changes, col->wire) &&
        !bind_member (stmt, 3 + n++, changes, col->wire, col->type, TRUE, error)) {
      sqlite3_reset (stmt);
      return FALSE;
    }
  }
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;

  if (resource->child != NULL &&
      (items = fc_json_get_array (changes, resource->child->local_wire)) != NULL &&
      !replace_children (db, resource->child, id, items, TRUE, error))
    return FALSE;

  fc_store_db_touch (db, resource->name);
  return TRUE;
}

static gboolean
delete_where (FcStoreDb         *db,
              const FcResource  *resource,
              gint64             id,
              const char        *condition,
              GError           **error)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?1%s", resource->name,
                                          condition);
  sqlite3_stmt *stmt = fc_store_db_stmt (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  /* A delete of the user's always says so, as it always did. */
  if (*condition == '\0' || sqlite3_changes (db->handle) > 0)
    fc_store_db_touch (db, resource->name);
  return TRUE;
}

gboolean
fc_resource_delete (FcStoreDb         *db,
                    const FcResource  *resource,
                    gint64             id,
                    GError           **error)
{
  return delete_where (db, resource, id, "", error);
}

/* A delete from the server (the change feed): only a server object that
 * nobody is changing here goes, as after a full pull
 * (fc_resource_remove_missing()). */
gboolean
fc_resource_delete_clean (FcStoreDb         *db,
                          const FcResource  *resource,
                          gint64             id,
                          GError           **error)
{
  return delete_where (db, resource, id, " AND id > 0 AND dirty = 0", error);
}

gboolean
fc_resource_set_dirty (FcStoreDb         *db,
                       const FcResource  *resource,
                       gint64             id,
                       gboolean           dirty,
                       GError           **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET dirty = ?2 WHERE id = ?1 AND dirty != ?2",
                                          resource->name);
  sqlite3_stmt *stmt = fc_store_db_stmt (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, resource->singleton ? 1 : id);
  sqlite3_bind_int (stmt, 2, dirty ? 1 : 0);
  if (!fc_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) > 0)
    fc_store_db_touch (db, resource->name);
  return TRUE;
}

static char *
build_select_sql (const FcResource *resource,
                  gboolean          one)
{
  GString *sql = g_string_new ("SELECT id, dirty, ");

  g_string_append (sql, resource->singleton ? resource->id_column : "is_own");
  for (guint i = 0; i < resource->n_columns; i++)
    g_string_append_printf (sql, ", %s", resource->columns[i].column);
  if (g_str_equal (resource->name, FC_STORE_PROFILE))
    g_string_append (sql, ", img_path");
  g_string_append_printf (sql, " FROM %s", resource->name);
  if (one)
    g_string_append (sql, " WHERE id = ?1");
  else
    g_string_append_printf (sql, " ORDER BY %s", resource->order);
  return g_string_free (sql, FALSE);
}

static gboolean
add_children (FcStoreDb         *db,
              const FcResource  *resource,
              gint64             id,
              JsonObject        *object,
              GError           **error)
{
  const Child *child = resource->child;
  g_autofree char *sql = g_strdup_printf ("SELECT server_id, %s, %s FROM %s WHERE %s = ?1 "
                                          "ORDER BY position", child->ref_column,
                                          child->value_column, child->table,
                                          child->parent_column);
  sqlite3_stmt *stmt = fc_store_db_stmt (db, sql, error);
  g_autoptr(JsonArray) items = json_array_new ();
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    JsonObject *item = json_object_new ();

    if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
      json_object_set_int_member (item, "id", sqlite3_column_int64 (stmt, 0));
    json_object_set_int_member (item, child->ref_wire, sqlite3_column_int64 (stmt, 1));
    put_column (item, child->value_wire, stmt, 2, child->value_type);
    json_array_add_object_element (items, item);
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  json_object_set_array_member (object, child->server_wire, g_steal_pointer (&items));
  return TRUE;
}

static JsonObject *
row_to_object (FcStoreDb         *db,
               const FcResource  *resource,
               sqlite3_stmt      *stmt,
               GError           **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  gint64 id = sqlite3_column_int64 (stmt, 0);

  if (resource->singleton)
    put_column (object, resource->id_wire, stmt, 2, COL_INT);
  else {
    json_object_set_int_member (object, "id", id);
    json_object_set_boolean_member (object, "is_own", sqlite3_column_int (stmt, 2) != 0);
  }
  json_object_set_boolean_member (object, "dirty", sqlite3_column_int (stmt, 1) != 0);
  for (guint i = 0; i < resource->n_columns; i++)
    put_column (object, resource->columns[i].wire, stmt, 3 + i, resource->columns[i].type);
  if (g_str_equal (resource->name, FC_STORE_PROFILE))
    put_column (object, "img_path", stmt, 3 + resource->n_columns, COL_TEXT);

  if (resource->child != NULL && !add_children (db, resource, id, object, error))
    return NULL;
  return g_steal_pointer (&object);
}

JsonObject *
fc_resource_load (FcStoreDb         *db,
                  const FcResource  *resource,
                  gint64             id,
                  GError           **error)
{
  g_autofree char *sql = build_select_sql (resource, TRUE);
  sqlite3_stmt *stmt = fc_store_db_stmt (db, sql, error);
  JsonObject *object;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, resource->singleton ? 1 : id);
  rc = fc_store_db_step (db, stmt, error);
  if (rc != SQLITE_ROW) {
    if (rc == SQLITE_DONE)
      g_set_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND,
                   "No %s with id %" G_GINT64_FORMAT, resource->name, id);
    sqlite3_reset (stmt);
    return NULL;
  }
  object = row_to_object (db, resource, stmt, error);
  sqlite3_reset (stmt);
  return object;
}

JsonArray *
fc_resource_load_all (FcStoreDb         *db,
                      const FcResource  *resource,
                      GError           **error)
{
  g_autofree char *sql = build_select_sql (resource, resource->singleton);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  sqlite3_stmt *stmt = fc_store_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (resource->singleton)
    sqlite3_bind_int (stmt, 1, 1);
  /* Children are read after the walk: their statements would reset this one. */
  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    const FcResource flat = { resource->name, resource->path, resource->id_wire,
                              resource->id_column,
                              resource->singleton, resource->columns, resource->n_columns,
                              NULL, NULL, NULL, resource->order };
    JsonObject *object = row_to_object (db, &flat, stmt, NULL);

    g_ptr_array_add (ids, object);
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return NULL;

  for (guint i = 0; i < ids->len; i++) {
    JsonObject *object = ids->pdata[i];
    gint64 id = 0;

    fc_json_get_int (object, "id", &id);
    if (resource->child != NULL && !add_children (db, resource, id, object, error))
      return NULL;
    json_array_add_object_element (array, json_object_ref (object));
  }
  return g_steal_pointer (&array);
}

/* The server has created a local object: give it, and every reference to
 * it, the server's id. */
gboolean
fc_resource_remap (FcStoreDb         *db,
                   const FcResource  *resource,
                   gint64             local_id,
                   gint64             server_id,
                   GError           **error)
{
  g_autofree char *exists_sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?1", resource->name);
  g_autofree char *move_sql = g_strdup_printf ("UPDATE %s SET id = ?2 WHERE id = ?1",
                                               resource->name);
  sqlite3_stmt *stmt;
  gboolean exists;
  int rc;

  if ((stmt = fc_store_db_stmt (db, exists_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, server_id);
  rc = fc_store_db_step (db, stmt, error);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  exists = rc == SQLITE_ROW;

  /* A pull may have brought the server's copy already: keep that one. */
  if (exists) {
    if (!fc_resource_delete (db, resource, local_id, error))
      return FALSE;
  } else {
    if ((stmt = fc_store_db_stmt (db, move_sql, error)) == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, local_id);
    sqlite3_bind_int64 (stmt, 2, server_id);
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
  }

  if (resource->referenced_by_table != NULL) {
    g_autofree char *ref_sql = g_strdup_printf ("UPDATE %s SET %s = ?2 WHERE %s = ?1",
                                                resource->referenced_by_table,
                                                resource->referenced_by_column,
                                                resource->referenced_by_column);

    if ((stmt = fc_store_db_stmt (db, ref_sql, error)) == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, local_id);
    sqlite3_bind_int64 (stmt, 2, server_id);
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
  }

  fc_store_db_touch (db, resource->name);
  return TRUE;
}

#define PULLED_IDS_SQL "INSERT OR IGNORE INTO temp.pulled_ids (id) VALUES (?)"

/* PULLED_IDS_SQL for DIRECT_ROWS ids. */
static const char *
pulled_ids_sql (void)
{
  static char *sql;
  static gsize ready;

  if (g_once_init_enter (&ready)) {
    GString *text = g_string_new (PULLED_IDS_SQL);

    for (guint i = 1; i < DIRECT_ROWS; i++)
      g_string_append (text, ", (?)");
    sql = g_string_free (text, FALSE);
    g_once_init_leave (&ready, 1);
  }
  return sql;
}

/* After a full pull: the server no longer has what it did not send. The
 * user's own unsent objects (local ids, dirty rows) stay. */
gboolean
fc_resource_remove_missing (FcStoreDb         *db,
                            const FcResource  *resource,
                            GArray            *server_ids,
                            GError           **error)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id > 0 AND dirty = 0 AND id NOT IN "
                                          "(SELECT id FROM temp.pulled_ids)", resource->name);
  sqlite3_stmt *stmt;

  if (!fc_store_db_exec (db, "CREATE TEMP TABLE IF NOT EXISTS pulled_ids "
                             "(id INTEGER PRIMARY KEY);"
                             "DELETE FROM temp.pulled_ids", error))
    return FALSE;
  /* DIRECT_ROWS ids a statement, the rest one by one: a statement an id
   * was a tenth of the store thread's time for a 50,000-food pull. */
  for (guint i = 0; i < server_ids->len;) {
    guint n = server_ids->len - i >= DIRECT_ROWS ? DIRECT_ROWS : 1;

    if ((stmt = fc_store_db_stmt (db, n == 1 ? PULLED_IDS_SQL : pulled_ids_sql (), error)) == NULL)
      return FALSE;
    for (guint k = 0; k < n; k++)
      sqlite3_bind_int64 (stmt, 1 + k, g_array_index (server_ids, gint64, i + k));
    if (!fc_store_db_step_done (db, stmt, error))
      return FALSE;
    i += n;
  }

  if ((stmt = fc_store_db_stmt (db, sql, error)) == NULL || !fc_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) > 0)
    fc_store_db_touch (db, resource->name);
  /* The pull is complete: a search index it deferred is built now. */
  if (resource == fc_resource_lookup (FC_STORE_FOODS) && !fc_store_foods_build_index (db, error))
    return FALSE;
  return fc_store_db_exec (db, "DELETE FROM temp.pulled_ids", error);
}
