/* fc-store-foods.c — listing and searching foods (worker side)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-store-private.h"
#include "fc-store-read.h"

#define FOOD_COLUMNS \
  "f.id, f.name, f.description, f.serving_quantity, f.serving_unit, f.calories, f.protein, " \
  "f.carbohydrates, f.fat, f.food_category, f.is_public, f.is_own, f.dirty"

/* The sync_state key of migration 11: while it is there, the search
 * index is empty or behind the table, and a rebuild catches it up. */
#define SEARCH_DEFERRED "foods-search-deferred"

/* Whether the search index waits for the end of a first pull. */
gboolean
fc_store_foods_index_deferred (FcStoreDb  *db,
                               gboolean   *out_deferred,
                               GError    **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, "SELECT 1 FROM sync_state "
                                             "WHERE key = '" SEARCH_DEFERRED "'", error);
  int rc;

  *out_deferred = FALSE;
  if (stmt == NULL)
    return FALSE;
  rc = fc_store_db_step (db, stmt, error);
  sqlite3_reset (stmt);
  *out_deferred = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* A page of a pull is about to go into the foods table: if the table is
 * empty (a first pull), the search index waits until the pull ends
 * (fc_store_foods_build_index()) and is then built in one pass. FTS5
 * otherwise writes a segment of trigrams per page and merges them as they
 * come, twice the CPU of one rebuild. An empty table has an empty index,
 * so nothing is left behind; what is written meanwhile (the pull's rows,
 * a food the user adds) is in the table, which the search reads instead. */
gboolean
fc_store_foods_defer_index (FcStoreDb  *db,
                            GError    **error)
{
  return fc_store_db_exec (db, "INSERT INTO sync_state (key, value) "
                               "SELECT '" SEARCH_DEFERRED "', '1' "
                               "WHERE NOT EXISTS (SELECT 1 FROM foods) "
                               "ON CONFLICT (key) DO NOTHING", error);
}

/* Ends a deferred index, in the caller's transaction: the end of a
 * complete pull, or the store's next opening after one that did not end. */
gboolean
fc_store_foods_build_index (FcStoreDb  *db,
                            GError    **error)
{
  gboolean deferred;

  if (!fc_store_foods_index_deferred (db, &deferred, error))
    return FALSE;
  if (!deferred)
    return TRUE;
  if (!fc_store_db_exec (db, "DELETE FROM sync_state WHERE key = '" SEARCH_DEFERRED "';"
                             "INSERT INTO foods_trigram (foods_trigram) VALUES ('rebuild')",
                         error))
    return FALSE;
  fc_store_db_touch (db, FC_STORE_FOODS);
  return TRUE;
}

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

/* The most words a search looks at: each adds a condition, and a query
 * of more words than this is not typed as you search. */
#define MAX_TERMS 8

/* What the user typed, split like the server's SearchFilter splits it
 * (every term must match), but on anything that is not a letter or a
 * digit rather than only spaces and commas, so that nothing typed can be
 * query syntax: `"foo* OR (` searches for foo and or. NULL when nothing
 * searchable was typed. */
char **
fc_store_search_terms (const char *text)
{
  g_autoptr(GStrvBuilder) terms = NULL;
  g_autoptr(GString) term = g_string_new (NULL);
  const char *p = text;
  guint n = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  terms = g_strv_builder_new ();
  for (;;) {
    gunichar c = g_utf8_get_char (p);

    if (c != 0 && g_unichar_isalnum (c)) {
      g_string_append_unichar (term, c);
    } else if (term->len > 0) {
      if (n++ < MAX_TERMS)
        g_strv_builder_add (terms, term->str);
      g_string_truncate (term, 0);
    }
    if (c == 0)
      break;
    p = g_utf8_next_char (p);
  }

  return n > 0 ? g_strv_builder_end (terms) : NULL;
}

/* The server's condition for one term (?N a `%term%` pattern, ?N+1 the
 * term): in the name, in the description, or the category's code. */
static void
append_term_condition (GString *sql,
                       guint    param)
{
  g_string_append_printf (sql,
                          " AND (f.name LIKE ?%u OR f.description LIKE ?%u"
                          " OR f.food_category = ?%u COLLATE NOCASE)",
                          param, param, param + 1);
}

/* Runs @sql (parameters: ?1 the trigram query or NULL, ?2 the category or
 * NULL, ?3 the limit, ?4 the name prefix pattern, then two per term from
 * ?5) and appends its foods to @items. */
static gboolean
collect_search (FcStoreDb   *db,
                const char  *sql,
                const char  *match,
                FcStoreArgs *args,
                char       **terms,
                gint64       limit,
                GPtrArray   *items,
                GError     **error)
{
  sqlite3_stmt *stmt = fc_store_db_stmt (db, sql, error);
  g_autofree char *prefix = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  prefix = g_strconcat (terms[0], "%", NULL);
  fc_store_bind_text (stmt, 1, match);
  fc_store_bind_text (stmt, 2, args->text2);
  sqlite3_bind_int64 (stmt, 3, limit);
  sqlite3_bind_text (stmt, 4, prefix, -1, SQLITE_TRANSIENT);
  for (guint i = 0; terms[i] != NULL; i++) {
    g_autofree char *pattern = g_strconcat ("%", terms[i], "%", NULL);

    sqlite3_bind_text (stmt, 5 + 2 * i, pattern, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 6 + 2 * i, terms[i], -1, SQLITE_TRANSIENT);
  }

  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (items, food_item_from_row (stmt));
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/* The index knows which foods hold a trigram, not where (detail=none,
 * migration 11): a term is looked up by all its trigrams, which leaves
 * few foods that hold them elsewhere than together, and checked on the
 * rows like any other term. The terms are letters and digits, so each
 * goes in quotes as it is. */
static char *
trigram_query (const char *term)
{
  GString *query = g_string_new (NULL);
  glong length = g_utf8_strlen (term, -1);
  const char *start = term;

  g_return_val_if_fail (length >= 3, NULL);

  for (glong i = 0; i + 3 <= length; i++) {
    const char *end = g_utf8_offset_to_pointer (start, 3);

    g_string_append_printf (query, "%s\"%.*s\"", query->len > 0 ? " AND " : "",
                            (int) (end - start), start);
    start = g_utf8_next_char (start);
  }
  return g_string_free (query, FALSE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  FcFoodItem *x = *(FcFoodItem **) a, *y = *(FcFoodItem **) b;
  int order = g_ascii_strcasecmp (x->name, y->name);

  return order != 0 ? order : (x->id > y->id) - (x->id < y->id);
}

/* Search as the server searches (every term anywhere in the name or the
 * description, or the category's code), ordered cheaply: foods whose name
 * starts with the first term, in name order, straight off the NOCASE name
 * index; then the other matches as the index yields them, the first
 * `limit` sorted by name. Nothing ranks every match: a first letter
 * matches most foods, and the list shows fifty. The longest term of
 * three letters or more goes through the trigram index; the others are
 * checked on the rows it yields, or, with no term long enough for a
 * trigram, on a walk of the table that stops at the limit. */
gboolean
fc_store_foods_search (FcStoreDb       *db,
                       gpointer         data,
                       gpointer        *result,
                       GDestroyNotify  *result_free,
                       GError         **error)
{
  FcStoreArgs *args = data;
  g_auto(GStrv) terms = fc_store_search_terms (args->text);
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *match = NULL;
  g_autoptr(GString) first = NULL;
  g_autoptr(GString) rest = NULL;
  gint64 limit = args->number > 0 ? args->number : -1;
  guint n_first;
  int indexed = -1;
  gboolean deferred;

  /* Nothing searchable typed yet: show the list as if unfiltered. */
  if (terms == NULL)
    return fc_store_foods_list (db, data, result, result_free, error);
  if (!fc_store_foods_index_deferred (db, &deferred, error))
    return FALSE;

  first = g_string_new ("SELECT " FOOD_COLUMNS " FROM foods f "
                        "WHERE f.name LIKE ?4 AND (?2 IS NULL OR f.food_category = ?2)");
  /* The index answers for the longest term (the likeliest to be rare),
   * and every term is checked on the rows it yields, as the server checks
   * it (LIKE): FTS5 intersecting the lists of several terms costs more
   * than these LIKEs on the first fifty rows. While a first pull fills
   * the table, the index is not there yet: the rows are all checked. */
  for (guint i = 0; terms[i] != NULL && !deferred; i++) {
    glong length = g_utf8_strlen (terms[i], -1);

    if (length >= 3 && (indexed < 0 || length > g_utf8_strlen (terms[indexed], -1)))
      indexed = i;
  }
  rest = g_string_new (NULL);
  for (guint i = 0; terms[i] != NULL; i++) {
    append_term_condition (rest, 5 + 2 * i);
    if (i > 0)
      append_term_condition (first, 5 + 2 * i);
  }
  if (indexed >= 0)
    match = trigram_query (terms[indexed]);
  g_string_append (first, " ORDER BY f.name COLLATE NOCASE, f.id LIMIT ?3");

  items = g_ptr_array_new_with_free_func (g_object_unref);
  if (!collect_search (db, first->str, NULL, args, terms, limit, items, error))
    return FALSE;
  n_first = items->len;

  if (limit < 0 || items->len < (guint) limit) {
    g_autoptr(GString) sql = NULL;

    if (match != NULL)
      sql = g_string_new ("SELECT " FOOD_COLUMNS " FROM foods_trigram t "
                          "JOIN foods f ON f.id = t.rowid WHERE foods_trigram MATCH ?1");
    else
      sql = g_string_new ("SELECT " FOOD_COLUMNS " FROM foods f WHERE 1");
    /* The name-prefix foods came first already. */
    g_string_append (sql, " AND (?2 IS NULL OR f.food_category = ?2)"
                          " AND NOT f.name LIKE ?4");
    g_string_append (sql, rest->str);
    g_string_append (sql, " LIMIT ?3");
    if (!collect_search (db, sql->str, match, args, terms,
                         limit < 0 ? -1 : limit - items->len, items, error))
      return FALSE;
  }

  /* Only what is shown is sorted: the rest came in index order. */
  if (items->len > n_first + 1) {
    g_autoptr(GPtrArray) tail = g_ptr_array_new ();

    for (guint i = n_first; i < items->len; i++)
      g_ptr_array_add (tail, items->pdata[i]);
    g_ptr_array_sort (tail, compare_names);
    for (guint i = 0; i < tail->len; i++)
      items->pdata[n_first + i] = tail->pdata[i];
  }

  *result = g_steal_pointer (&items);
  *result_free = (GDestroyNotify) g_ptr_array_unref;
  return TRUE;
}

static GPtrArray *
slice (GPtrArray *items,
       guint      offset,
       guint      count)
{
  GPtrArray *window = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = offset; i < items->len && i < offset + count; i++)
    g_ptr_array_add (window, g_object_ref (items->pdata[i]));
  return window;
}

/* The list by name walks the name index: from the row before by keyset
 * (name, id) > (?, ?) when the model has it, else by OFFSET, which walks
 * the index up to the window (a few milliseconds at 50,000 foods). */
GPtrArray *
fc_store_foods_read (FcStoreDb   *db,
                     const char  *query,
                     const char  *category,
                     guint        limit,
                     guint        offset,
                     guint        count,
                     FcFoodItem  *after,
                     guint       *n_items,
                     GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_auto(GStrv) terms = fc_store_search_terms (query);

  if (terms != NULL) {
    FcStoreArgs args = { 0 };
    g_autoptr(GPtrArray) found = NULL;
    gpointer result = NULL;
    GDestroyNotify result_free = NULL;

    args.text = (char *) query;
    args.text2 = (char *) category;
    args.number = limit > 0 ? MIN (limit, FC_STORE_SEARCH_CAP) : FC_STORE_SEARCH_CAP;
    if (!fc_store_foods_search (db, &args, &result, &result_free, error))
      return NULL;
    found = result;
    if (n_items != NULL)
      *n_items = found->len;
    return slice (found, offset, count);
  }

  if (n_items != NULL) {
    /* Without a category, a count SQLite takes from the smallest index (a
     * name per row): with "?1 IS NULL OR …" it read every row of the table,
     * 6 MB of the store's file (and of the app's memory, mapped) at 50,000
     * foods each time the Foods list was shown. */
    if (category == NULL)
      stmt = fc_store_db_stmt (db, "SELECT count(*) FROM foods", error);
    else
      stmt = fc_store_db_stmt (db, "SELECT count(*) FROM foods f WHERE f.food_category = ?1",
                               error);
    if (stmt == NULL)
      return NULL;
    if (category != NULL)
      fc_store_bind_text (stmt, 1, category);
    if (fc_store_db_step (db, stmt, error) != SQLITE_ROW)
      return NULL;
    *n_items = sqlite3_column_int64 (stmt, 0);
    sqlite3_reset (stmt);
    if (limit > 0)
      *n_items = MIN (*n_items, limit);
  }
  if (limit > 0)
    count = offset < limit ? MIN (count, limit - offset) : 0;

  if (after != NULL) {
    stmt = fc_store_db_stmt (db, "SELECT " FOOD_COLUMNS " FROM foods f "
                                 "WHERE (?1 IS NULL OR f.food_category = ?1) "
                                 "AND (f.name, f.id) > (?3, ?4) "
                                 "ORDER BY f.name, f.id LIMIT ?2", error);
    if (stmt == NULL)
      return NULL;
    fc_store_bind_text (stmt, 3, after->name);
    sqlite3_bind_int64 (stmt, 4, after->id);
  } else {
    stmt = fc_store_db_stmt (db, "SELECT " FOOD_COLUMNS " FROM foods f "
                                 "WHERE ?1 IS NULL OR f.food_category = ?1 "
                                 "ORDER BY f.name, f.id LIMIT ?2 OFFSET ?3", error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 3, offset);
  }
  fc_store_bind_text (stmt, 1, category);
  sqlite3_bind_int64 (stmt, 2, count);

  while ((rc = fc_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (items, food_item_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&items);
}
