/* fc-store-workouts.c — listing workouts with the user's progress (worker
 * side)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-store-private.h"
#include "fc-store-read.h"
#include "fc-workout-item.h"

/* Whether every word of @words is in the title, the description or a goal.
 * Casefolded in C: SQLite's lower() knows ASCII only, and a user's list of
 * workouts is short enough to walk. */
static gboolean
matches_search (JsonObject  *workout,
                GStrv        words)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *folded = NULL;
  JsonArray *goals = fc_json_get_array (workout, "goals");

  if (words == NULL || words[0] == NULL)
    return TRUE;

  g_string_append_printf (text, "%s\n%s", fc_json_get_string (workout, "title") ?: "",
                          fc_json_get_string (workout, "description") ?: "");
  for (guint i = 0; goals != NULL && i < json_array_get_length (goals); i++) {
    JsonNode *node = json_array_get_element (goals, i);

    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      g_string_append_printf (text, "\n%s", json_node_get_string (node));
  }
  folded = g_utf8_casefold (text->str, -1);
  for (guint i = 0; words[i] != NULL; i++) {
    if (strstr (folded, words[i]) == NULL)
      return FALSE;
  }
  return TRUE;
}

static GStrv
search_words (const char *search)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (search == NULL)
    return NULL;
  folded = g_utf8_casefold (search, -1);
  parts = g_strsplit_set (folded, " \t\n", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  }
  return g_strv_builder_end (builder);
}

/* One progress object per workout: the user's unsent change first (a local
 * create and the server's copy may both be there for a moment). */
static GHashTable *
progress_by_workout (FcStoreDb  *db,
                     GError    **error)
{
  g_autoptr(JsonArray) all = fc_resource_load_all (db,
                                                   fc_resource_lookup (FC_STORE_WORKOUT_PROGRESS),
                                                   error);
  GHashTable *table;

  if (all == NULL)
    return NULL;
  table = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                 (GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (all); i++) {
    JsonObject *progress = json_array_get_object_element (all, i);
    JsonObject *known;
    gint64 workout = 0;
    gboolean dirty = FALSE;
    gboolean known_dirty = FALSE;

    if (progress == NULL || !fc_json_get_int (progress, "workout", &workout))
      continue;
    known = g_hash_table_lookup (table, &workout);
    fc_json_get_boolean (progress, "dirty", &dirty);
    if (known != NULL)
      fc_json_get_boolean (known, "dirty", &known_dirty);
    if (known == NULL || (dirty && !known_dirty))
      g_hash_table_replace (table, g_memdup2 (&workout, sizeof workout),
                            json_object_ref (progress));
  }
  return table;
}

/* FcStoreArgs: text = search, id = category (0 = all), text2 =
 * difficulty (NULL = all), number = 0 any, 1 free only, 2 premium only. */
gboolean
fc_store_workouts_list (FcStoreDb       *db,
                        gpointer         data,
                        gpointer        *result,
                        GDestroyNotify  *result_free,
                        GError         **error)
{
  FcStoreArgs *args = data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonArray) workouts = NULL;
  g_autoptr(GHashTable) progress = NULL;
  g_auto(GStrv) words = search_words (args->text);

  workouts = fc_resource_load_all (db, fc_resource_lookup (FC_STORE_WORKOUTS), error);
  if (workouts == NULL)
    return FALSE;
  if ((progress = progress_by_workout (db, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (workouts); i++) {
    JsonObject *workout = json_array_get_object_element (workouts, i);
    gint64 id = 0, category = 0;
    gboolean premium = FALSE;

    if (workout == NULL || !fc_json_get_int (workout, "id", &id))
      continue;
    fc_json_get_int (workout, "category", &category);
    fc_json_get_boolean (workout, "is_premium", &premium);
    if (args->id != 0 && category != args->id)
      continue;
    if (args->text2 != NULL &&
        g_strcmp0 (fc_json_get_string (workout, "difficulty"), args->text2) != 0)
      continue;
    if ((args->number == 1 && premium) || (args->number == 2 && !premium))
      continue;
    if (!matches_search (workout, words))
      continue;
    g_ptr_array_add (items, fc_workout_item_new (workout, g_hash_table_lookup (progress, &id)));
  }

  *result = g_steal_pointer (&items);
  *result_free = (GDestroyNotify) g_ptr_array_unref;
  return TRUE;
}

/* The filters in SQL, the search words in C (casefolded, as above) on the
 * rows they leave; only the window's workouts are built. */
GPtrArray *
fc_store_workouts_read (FcStoreDb   *db,
                        const char  *search,
                        gint64       category_id,
                        const char  *difficulty,
                        guint        premium,
                        guint        offset,
                        guint        count,
                        guint       *n_items,
                        GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) progress = NULL;
  g_auto(GStrv) words = search_words (search);
  const FcResource *workouts = fc_resource_lookup (FC_STORE_WORKOUTS);
  sqlite3_stmt *stmt;
  guint matched = 0;
  int rc;

  stmt = fc_store_db_stmt (db,
                           "SELECT id, title, description, goals FROM workouts "
                           "WHERE (?1 = 0 OR category_id = ?1) "
                           "AND (?2 IS NULL OR difficulty = ?2) "
                           "AND (?3 = 0 OR (?3 = 1 AND is_premium = 0) "
                           "     OR (?3 = 2 AND is_premium != 0)) "
                           "ORDER BY created_at DESC, id DESC",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, category_id);
  fc_store_bind_text (stmt, 2, difficulty);
  sqlite3_bind_int (stmt, 3, premium);

  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64 (stmt, 0);

    if (words != NULL && words[0] != NULL) {
      g_autoptr(JsonObject) workout = json_object_new ();
      g_autoptr(JsonNode) goals = NULL;
      const char *goals_text = fc_store_column_text (stmt, 3);

      json_object_set_string_member (workout, "title", fc_store_column_text (stmt, 1) ?: "");
      json_object_set_string_member (workout, "description",
                                     fc_store_column_text (stmt, 2) ?: "");
      if (goals_text != NULL && (goals = json_from_string (goals_text, NULL)) != NULL &&
          JSON_NODE_HOLDS_ARRAY (goals))
        json_object_set_array_member (workout, "goals", json_node_dup_array (goals));
      if (!matches_search (workout, words))
        continue;
    }
    if (matched >= offset && matched < offset + count)
      g_array_append_val (ids, id);
    matched++;
    /* Without a count to make, the window is all it needs. */
    if (n_items == NULL && matched >= offset + count)
      break;
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return NULL;
  if (n_items != NULL)
    *n_items = matched;

  if (ids->len > 0 && (progress = progress_by_workout (db, error)) == NULL)
    return NULL;
  for (guint i = 0; i < ids->len; i++) {
    gint64 id = g_array_index (ids, gint64, i);
    g_autoptr(JsonObject) workout = fc_resource_load (db, workouts, id, error);

    if (workout == NULL)
      return NULL;
    g_ptr_array_add (items, fc_workout_item_new (workout, g_hash_table_lookup (progress, &id)));
  }
  return g_steal_pointer (&items);
}
