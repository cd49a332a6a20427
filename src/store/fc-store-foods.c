/* fc-store-foods.c — listing and searching foods (worker side)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-store-private.h"

#define FOOD_COLUMNS \
  "f.id, f.name, f.description, f.serving_quantity, f.serving_unit, f.calories, f.protein, " \
  "f.carbohydrates, f.fat, f.food_category, f.is_public, f.is_own, f.dirty"

static FcFoodItem *
food_item_from_row (sqlite3_stmt *stmt)
{
  FcFoodItem *item = g_object_new (FC_TYPE_FOOD_ITEM, NULL);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->name = g_strdup (fc_store_column_text (stmt, 1));
  item->description = g_strdup (fc_store_column_text (stmt, 2));
  item->serving_quantity = sqlite3_column_double (stmt, 3);
  item->serving_unit = g_strdup (fc_store_column_text (stmt, 4));
  item->calories = sqlite3_column_double (stmt, 5);
  item->protein = sqlite3_column_double (stmt, 6);
  item->carbohydrates = sqlite3_column_double (stmt, 7);
  item->fat = sqlite3_column_double (stmt, 8);
  item->category = g_strdup (fc_store_column_text (stmt, 9));
  item->is_public = sqlite3_column_int (stmt, 10) != 0;
  item->is_own = sqlite3_column_int (stmt, 11) != 0;
  item->dirty = sqlite3_column_int (stmt, 12) != 0;
  return item;
}

static gboolean
collect_foods (FcStoreDb     *db,
               sqlite3_stmt  *stmt,
               gpointer      *result,
               GDestroyNotify *result_free,
               GError       **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (items, food_item_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  *result = g_steal_pointer (&items);
  *result_free = (GDestroyNotify) g_ptr_array_unref;
  return TRUE;
}

gboolean
fc_store_foods_list (FcStoreDb       *db,
                     gpointer         data,
                     gpointer        *result,
                     GDestroyNotify  *result_free,
                     GError         **error)
{
  FcStoreArgs *args = data;
  sqlite3_stmt *stmt;

  stmt = fc_store_db_stmt (db,
                           "SELECT " FOOD_COLUMNS " FROM foods f "
                           "WHERE ?1 IS NULL OR f.food_category = ?1 "
                           "ORDER BY f.name, f.id LIMIT ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  fc_store_bind_text (stmt, 1, args->text2);
  sqlite3_bind_int64 (stmt, 2, args->number > 0 ? args->number : -1);
  return collect_foods (db, stmt, result, result_free, error);
}

/* Turns what the user typed into an FTS5 query that cannot be a syntax
 * error: every run of letters and digits becomes a quoted prefix term, and
 * everything else (quotes, *, parentheses, OR, NEAR, column filters) is
 * dropped, so `"foo* OR (` searches for foo and or. FTS5 has no escaping
 * function for this, hence the hand-written tokenizer. */
char *
fc_store_fts_query (const char *text)
{
  g_autoptr(GString) query = g_string_new (NULL);
  g_autoptr(GString) term = g_string_new (NULL);
  const char *p = text;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  for (;;) {
    gunichar c = g_utf8_get_char (p);

    if (c != 0 && g_unichar_isalnum (c)) {
      g_string_append_unichar (term, c);
    } else if (term->len > 0) {
      if (query->len > 0)
        g_string_append_c (query, ' ');
      g_string_append_printf (query, "\"%s\"*", term->str);
      g_string_truncate (term, 0);
    }
    if (c == 0)
      break;
    p = g_utf8_next_char (p);
  }

  return query->len > 0 ? g_strdup (query->str) : NULL;
}

gboolean
fc_store_foods_search (FcStoreDb       *db,
                       gpointer         data,
                       gpointer        *result,
                       GDestroyNotify  *result_free,
                       GError         **error)
{
  FcStoreArgs *args = data;
  g_autofree char *match = fc_store_fts_query (args->text);
  sqlite3_stmt *stmt;

  /* Nothing searchable typed yet: show the list as if unfiltered. */
  if (match == NULL)
    return fc_store_foods_list (db, data, result, result_free, error);

  /* A name hit weighs ten times a description hit. */
  stmt = fc_store_db_stmt (db,
                           "SELECT " FOOD_COLUMNS " FROM foods_fts "
                           "JOIN foods f ON f.id = foods_fts.rowid "
                           "WHERE foods_fts MATCH ?1 AND (?2 IS NULL OR f.food_category = ?2) "
                           "ORDER BY bm25 (foods_fts, 10.0, 1.0), f.name, f.id LIMIT ?3",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  fc_store_bind_text (stmt, 2, args->text2);
  sqlite3_bind_int64 (stmt, 3, args->number > 0 ? args->number : -1);
  return collect_foods (db, stmt, result, result_free, error);
}
