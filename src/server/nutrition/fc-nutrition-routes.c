/* fc-nutrition-routes.c — api/v1/nutrition/: foods, meals, meal plans
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Django backend's shapes, messages and visibility rules (wire file §3),
 * without its bugs (§4): every write is validated in full before the first
 * row changes, nested duplicates are 400s, references are limited to what
 * the caller may see, and the plan schedule is returned.
 */

#define G_LOG_DOMAIN "fc-nutrition"

#include "config.h"

#include <math.h>
#include <string.h>

#include "fc-json.h"
#include "fc-json-out.h"
#include "fc-notifications.h"
#include "fc-nutrition-private.h"
#include "fc-server-private.h"
#include "fc-server-request.h"
#include "fc-time.h"
#include "fc-validate.h"

#define NO_FOOD "No Food matches the given query."
#define NO_MEAL "No Meal matches the given query."
#define NO_PLAN "No MealPlan matches the given query."
#define NO_PERMISSION "You do not have permission to perform this action."
#define NO_TEMPLATE_PERMISSION "You do not have permission to create a template."

/* Django's CharField(max_length=...) on the models. */
#define NAME_MAX_LENGTH 255
#define UNIT_MAX_LENGTH 50

/* Foods a caller may see: public ones and their own. The unary + keeps
 * SQLite from answering the OR with two index look-ups and a sort of every
 * match; it then walks foods_name_visible in page order instead (6 ms rather
 * than 370 ms for a deep page of 50,000 foods). */
#define FOOD_VISIBLE "(is_public = 1 OR +user_added_id = ?1)"

static const char * const food_categories[] = { "FR", "VG", "GR", "PR", "DR", "FO", "BV", "OT", NULL };
static const char * const meal_times[] = { "BF", "LN", "DN", "SN", "PRE", "POST", NULL };
static const char * const goals[] = { "WL", "WG", "MN", "MG", "GH", NULL };

/* One element of a nested list: the food or meal it names, and for a
 * scheduled meal its day (0 for meal items), for a meal item its servings. */
typedef struct {
  gint64 id;
  gint64 extra;
  double servings;
} NestedRef;

static void
respond_server_error (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, 500, "A server error occurred.");
}

static void
respond_object (FcServerRequest *request,
                guint            status,
                JsonNode        *node)
{
  if (node == NULL)
    respond_server_error (request);
  else
    fc_server_request_respond_json (request, status, node);
}

/* SELECT <something> returning one integer, or -1 when there is no row. */
static gint64
query_int (FcSql    *db,
           const char *sql,
           gint64      arg1,
           gint64      arg2)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  if (stmt == NULL)
    return -1;
  fc_sql_bind_int64 (stmt, 1, arg1);
  if (fc_sql_bind_count (stmt) >= 2)
    fc_sql_bind_int64 (stmt, 2, arg2);
  if (fc_sql_step (stmt) != FC_SQL_ROW)
    return -1;
  return fc_sql_column_int64 (stmt, 0);
}

static gboolean
exec_with_id (FcSql    *db,
              const char *sql,
              gint64      id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  if (stmt == NULL)
    return FALSE;
  fc_sql_bind_int64 (stmt, 1, id);
  return fc_sql_step (stmt) == FC_SQL_DONE;
}

static void
row_timestamps (FcNutritionRow *row,
                const char     *now,
                gboolean        created)
{
  if (created)
    fc_nutrition_row_text (row, "created_at", now);
  fc_nutrition_row_text (row, "updated_at", now);
}

/* Reads a string field into @row; "" is allowed only where the model has
 * blank=True. */
static void
read_string (JsonObject     *in,
             const char     *field,
             gboolean        required,
             gboolean        allow_blank,
             guint           max_length,
             FcFieldErrors  *errors,
             FcNutritionRow *row)
{
  const char *value = NULL;

  if (fc_validate_string (in, field, required, allow_blank, max_length, errors, &value))
    fc_nutrition_row_text (row, field, value);
}

static void
read_number (JsonObject     *in,
             const char     *field,
             gboolean        required,
             gboolean        nullable,
             double          min,
             FcFieldErrors  *errors,
             FcNutritionRow *row)
{
  double value = 0;
  gboolean is_null = FALSE;

  if (!fc_validate_number (in, field, required, nullable, min, INFINITY, errors, &value,
                           &is_null))
    return;
  if (is_null)
    fc_nutrition_row_null (row, field);
  else
    fc_nutrition_row_real (row, field, value);
}

static void
read_choice (JsonObject          *in,
             const char          *field,
             const char * const  *choices,
             FcFieldErrors       *errors,
             FcNutritionRow      *row)
{
  const char *value = NULL;

  if (fc_validate_choice (in, field, FALSE, FALSE, choices, errors, &value))
    fc_nutrition_row_text (row, field, value);
}

static void
read_boolean (JsonObject     *in,
              const char     *field,
              FcFieldErrors  *errors,
              FcNutritionRow *row)
{
  gboolean value = FALSE;

  if (fc_validate_boolean (in, field, FALSE, errors, &value))
    fc_nutrition_row_int (row, field, value);
}

static gboolean
row_int_value (FcNutritionRow *row,
               const char     *column)
{
  for (guint i = 0; i < row->n_values; i++) {
    if (g_str_equal (row->values[i].column, column))
      return row->values[i].integer != 0;
  }
  return FALSE;
}

static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, array);
  return node;
}

/* A wire object as @viewer_id (0: anonymous) may see it, or NULL. */
typedef JsonNode *(*ToJsonFunc) (FcSql *db,
                                 gint64   id,
                                 gint64   viewer_id);

/* A page of objects, read on a worker (fc_server_request_respond_page_built). */
typedef struct {
  const char *ids_sql;
  ToJsonFunc  to_json;
  gint64      user_id;
  gint64      limit;
  gint64      offset;
} PageQuery;

/* The objects of one page as an array node, or NULL. Parameters: ?1 the
 * caller, ?2 and ?3 the LIMIT and OFFSET (and in the foods' queries, a
 * search's text arguments from ?4 on). */
static JsonNode *
build_page_results (FcSql  *db,
                    gpointer  data,
                    guint    *status)
{
  PageQuery *query = data;
  g_autoptr(FcSqlStmt) ids = fc_sql_prepare (db, query->ids_sql);
  g_autoptr(JsonArray) results = json_array_new ();

  if (ids == NULL)
    return NULL;
  fc_sql_bind_int64 (ids, 1, query->user_id);
  fc_sql_bind_int64 (ids, 2, query->limit);
  fc_sql_bind_int64 (ids, 3, query->offset);

  while (fc_sql_step (ids) == FC_SQL_ROW) {
    JsonNode *node = query->to_json (db, fc_sql_column_int64 (ids, 0), query->user_id);

    if (node == NULL)
      return NULL;
    json_array_add_element (results, node);
  }
  return array_node (g_steal_pointer (&results));
}

/* The caller (?1) and a search's text arguments (from ?4 on) of a list's
 * query, as build_page_results() describes them. */
static void
bind_list_args (gint64      user_id,
                FcSqlStmt  *stmt,
                GPtrArray  *text_args)
{
  fc_sql_bind_int64 (stmt, 1, user_id);
  for (guint i = 0; text_args != NULL && i < text_args->len; i++)
    fc_sql_bind_text (stmt, 4 + (int) i, g_ptr_array_index (text_args, i));
}

/* Reads the count from @count_stmt, bound, and the page asked for;
 * FALSE after answering. */
static gboolean
step_count_page (FcServerRequest *request,
                 FcSqlStmt       *count_stmt,
                 gint64          *count,
                 gint64          *limit,
                 gint64          *offset)
{
  if (fc_sql_step (count_stmt) != FC_SQL_ROW) {
    respond_server_error (request);
    return FALSE;
  }
  *count = fc_sql_column_int64 (count_stmt, 0);
  return fc_server_request_paginate (request, *count, limit, offset);
}

/* Counts a list's objects with @count_sql (parameters as in
 * build_page_results()) and reads the page asked for; FALSE after
 * answering. */
static gboolean
count_page (FcServerRequest *request,
            FcSqlStmt       *count_stmt,
            GPtrArray       *text_args,
            gint64          *count,
            gint64          *limit,
            gint64          *offset)
{
  if (count_stmt == NULL) {
    respond_server_error (request);
    return FALSE;
  }
  bind_list_args (fc_server_request_get_user_id (request), count_stmt, text_args);
  return step_count_page (request, count_stmt, count, limit, offset);
}

/* Responds with a page of objects serialised by @to_json from the ids
 * that @ids_sql selects, counted by @count_sql (parameters as in
 * build_page_results()). A page of meals or plans can weigh megabytes: it
 * is built on a worker, and its count comes from the main connection a
 * moment before, as two queries in a row would on Django. */
static void
respond_id_page (FcServerRequest *request,
                 const char      *count_sql,
                 const char      *ids_sql,
                 ToJsonFunc       to_json)
{
  g_autoptr(FcSqlStmt) count_stmt = fc_sql_prepare (fc_server_request_get_db (request),
                                                    count_sql);
  PageQuery *query;
  gint64 count, limit = 0, offset = 0;

  if (!count_page (request, count_stmt, NULL, &count, &limit, &offset))
    return;

  query = g_new0 (PageQuery, 1);
  query->ids_sql = ids_sql;
  query->to_json = to_json;
  query->user_id = fc_server_request_get_user_id (request);
  query->limit = limit;
  query->offset = offset;
  fc_server_request_respond_page_built (request, count, build_page_results, query, g_free);
}

/* ---- API root ---------------------------------------------------------- */

static void
root_get (FcServerRequest *request)
{
  const char *base = fc_server_request_get_base_url (request);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  static const char * const sections[] = { "foods", "meals", "meal-plans" };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++) {
    g_autofree char *url = g_strdup_printf ("%s/api/v1/nutrition/%s/", base, sections[i]);

    json_builder_set_member_name (builder, sections[i]);
    json_builder_add_string_value (builder, url);
  }
  json_builder_end_object (builder);

  fc_server_request_respond_json (request, 200, json_builder_get_root (builder));
}

/* ---- Foods ------------------------------------------------------------- */

#define FOODS_MAX_PAGE_SIZE 1000

/* DRF's OrderingFilter over name, calories, protein, created_at: unknown
 * fields are dropped, and with none left the default is name. The id breaks
 * ties so that pages never overlap. @table: "f." before each column, or
 * "". */
static char *
food_ordering (const char *param,
               const char *table)
{
  static const char * const fields[] = { "name", "calories", "protein", "created_at", NULL };
  g_auto(GStrv) parts = g_strsplit (param != NULL ? param : "", ",", -1);
  GString *order = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++) {
    const char *field = g_strstrip (parts[i]);
    gboolean descending = field[0] == '-';

    if (descending)
      field++;
    if (!g_strv_contains (fields, field))
      continue;
    g_string_append_printf (order, "%s%s%s%s", order->len > 0 ? ", " : "", table, field,
                            descending ? " DESC" : "");
  }

  if (order->len == 0)
    g_string_append_printf (order, "%sname", table);
  g_string_append_printf (order, ", %sid", table);
  return g_string_free (order, FALSE);
}

/* The two queries of a page of foods, bound for one caller. */
typedef struct {
  gint64           user_id;
  FcSqlStmt       *count;
  FcSqlStmt       *page;
  gboolean         count_cached;
  gboolean         page_cached;
  gint64           guessed_limit;
  gint64           guessed_offset;
} FoodsQuery;

static void
foods_query_free (FoodsQuery *query)
{
  if (query->count != NULL)
    query->count_cached ? fc_sql_reset (query->count) : fc_sql_finalize (query->count);
  if (query->page != NULL)
    query->page_cached ? fc_sql_reset (query->page) : fc_sql_finalize (query->page);
  g_free (query);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoodsQuery, foods_query_free)

/* The count and the page for @user_id, bound, or NULL when the query is
 * refused (a bad ?search=, in @errors) or cannot be prepared.
 * The page asked for is sent with its count, in one round trip on
 * PostgreSQL, when it does not depend on the count (all but ?page=last);
 * a page past the end is then read for nothing before its 404. */
static FoodsQuery *
foods_query_new (FcServerRequest *request,
                 gint64           user_id,
                 FcFieldErrors   *errors)
{
  FcSql *db = fc_server_request_get_db (request);
  const char *ordering = fc_server_request_get_query (request, "ordering");
  g_auto(GStrv) terms = fc_validate_search_terms (fc_server_request_get_query (request, "search"),
                                                  errors);
  g_autofree char *order = food_ordering (ordering, "");
  g_autofree char *outer_order = food_ordering (ordering, "f.");
  g_autoptr(GString) where = g_string_new (FOOD_VISIBLE);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *count_sql = NULL;
  g_autofree char *page_sql = NULL;
  g_autoptr(FoodsQuery) query = g_new0 (FoodsQuery, 1);
  gboolean plain = terms[0] == NULL && ordering == NULL;

  if (!fc_field_errors_is_empty (errors))
    return NULL;
  query->user_id = user_id;
  query->guessed_limit = query->guessed_offset = -1;
  /* Parameters 4 and up: a LIKE pattern and the bare term, per term. */
  for (guint i = 0; terms[i] != NULL; i++) {
    guint pattern = 4 + 2 * i;

    g_string_append_printf (where,
                            " AND (name LIKE ?%u ESCAPE '\\' OR description LIKE ?%u ESCAPE '\\'"
                            " OR lower (food_category) = lower (?%u))",
                            pattern, pattern, pattern + 1);
    g_ptr_array_add (args, fc_sql_like_pattern (terms[i]));
    g_ptr_array_add (args, g_strdup (terms[i]));
  }

  /* SQLite allows gaps in ?NNN numbering: the count query has no ?2, ?3.
   * Without a search, the foods one may not see are subtracted from all:
   * SQLite counts a whole table from its smallest index's pages, without
   * reading each entry, and the private foods are few, where counting the
   * visible ones walked all 50,000 entries for every page of a sync (75 ms
   * of the 50 pages' 260). is_public is NOT NULL: "< 1" and "> 1" are all
   * that is not 1, each a range of foods_public_name. */
  if (terms[0] == NULL)
    count_sql = g_strdup ("SELECT (SELECT COUNT(*) FROM foods)"
                          " - (SELECT COUNT(*) FROM foods WHERE is_public < 1"
                          " AND (user_added_id IS NULL OR user_added_id <> ?1))"
                          " - (SELECT COUNT(*) FROM foods WHERE is_public > 1"
                          " AND (user_added_id IS NULL OR user_added_id <> ?1))");
  else
    count_sql = g_strdup_printf ("SELECT COUNT(*) FROM foods WHERE %s", where->str);
  /* The page's ids are chosen on the index alone; the rows are read for
   * those only (OFFSET skips index entries, not whole foods with their
   * owner), and sorted again since a join keeps no order. */
  page_sql = g_strdup_printf ("SELECT " FC_NUTRITION_FOOD_COLUMNS
                              " FROM (SELECT id FROM foods WHERE %s ORDER BY %s"
                              " LIMIT ?2 OFFSET ?3) AS page JOIN foods f ON f.id = page.id"
                              " LEFT JOIN users u ON u.id = f.user_added_id ORDER BY %s",
                              where->str, order, outer_order);
  /* A sync asks for the plain list page after page: those statements are
   * kept. Searches and orderings are prepared each time, or every one a
   * client made up would stay. */
  query->count_cached = terms[0] == NULL;
  query->count = query->count_cached ? fc_sql_stmt (db, count_sql) : fc_sql_prepare (db, count_sql);
  query->page_cached = plain;
  query->page = plain ? fc_sql_stmt (db, page_sql) : fc_sql_prepare (db, page_sql);
  if (query->count == NULL || query->page == NULL)
    return NULL;

  /* Tens of thousands of public foods: a first sync takes them 1000 a page. */
  request->max_page_size = FOODS_MAX_PAGE_SIZE;
  bind_list_args (user_id, query->count, args);
  bind_list_args (user_id, query->page, args);
  if (fc_server_request_guess_page (request, &query->guessed_limit, &query->guessed_offset)) {
    fc_sql_bind_int64 (query->page, 2, query->guessed_limit);
    fc_sql_bind_int64 (query->page, 3, query->guessed_offset);
    fc_sql_prefetch (query->count);
    fc_sql_prefetch (query->page);
  }
  return g_steal_pointer (&query);
}

/* Before the caller's users row is read (fc-server.c's authenticate()):
 * the page and its count go to PostgreSQL with that read, one round trip
 * for the whole GET; dropped with the request if the token's user is
 * refused. */
static void
foods_list_prefetch (FcServerRequest *request,
                     gint64           user_id)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  FoodsQuery *query = foods_query_new (request, user_id, errors);

  if (query != NULL)
    fc_server_request_set_prefetched (request, query, (GDestroyNotify) foods_query_free);
}

/* A page of foods is written straight from one query's rows
 * (fc_nutrition_food_write_row()): the 50 pages of 1000 of a first sync of
 * 50,000 public foods (issue 11) cost the server 0.72 s of CPU built as
 * JsonNode trees, 0.16 s this way (with the count below). */
static void
foods_list (FcServerRequest *request)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FoodsQuery) query = fc_server_request_steal_prefetched (request);
  gint64 count, limit = 0, offset = 0;
  GString *out;
  int step;

  /* Not prefetched (no token, a refused ?search=) or for another user. */
  if (query != NULL && query->user_id != fc_server_request_get_user_id (request))
    g_clear_pointer (&query, foods_query_free);
  if (query == NULL)
    query = foods_query_new (request, fc_server_request_get_user_id (request), errors);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (query == NULL) {
    respond_server_error (request);
    return;
  }
  if (!step_count_page (request, query->count, &count, &limit, &offset))
    return;
  if (limit != query->guessed_limit || offset != query->guessed_offset) {
    fc_sql_bind_int64 (query->page, 2, limit);
    fc_sql_bind_int64 (query->page, 3, offset);
  }

  /* About 450 bytes a food. */
  out = fc_server_request_begin_page (request, count, 512 * (gsize) CLAMP (count - offset, 0, limit));
  g_string_append_c (out, '[');
  while ((step = fc_sql_step (query->page)) == FC_SQL_ROW) {
    fc_json_out_element (out);
    fc_nutrition_food_write_row (out, query->page);
  }
  if (step != FC_SQL_DONE) {
    g_string_free (out, TRUE);
    respond_server_error (request);
    return;
  }
  g_string_append_c (out, ']');
  fc_server_request_respond_page_written (request, out);
}

/* Answers @status with food @id as its routes show it. */
static void
respond_food (FcServerRequest *request,
              guint            status,
              gint64           id)
{
  GString *out = g_string_sized_new (512);

  if (!fc_nutrition_food_write (fc_server_request_get_db (request), id, out)) {
    g_string_free (out, TRUE);
    respond_server_error (request);
    return;
  }
  fc_server_request_respond_written (request, status, out);
}

static void
read_food (FcServerRequest *request,
           gboolean         partial,
           FcFieldErrors   *errors,
           FcNutritionRow  *row)
{
  JsonObject *in = fc_server_request_get_body (request);
  static const char * const required[] = { "calories", "protein", "carbohydrates", "fat" };
  static const char * const optional[] = { "fiber", "sugar", "sodium" };
  gboolean is_public = FALSE;

  read_string (in, "name", !partial, FALSE, NAME_MAX_LENGTH, errors, row);
  read_string (in, "description", FALSE, TRUE, 0, errors, row);
  read_number (in, "serving_quantity", FALSE, FALSE, 0.01, errors, row);
  read_string (in, "serving_unit", FALSE, FALSE, UNIT_MAX_LENGTH, errors, row);
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    read_number (in, required[i], !partial, FALSE, 0, errors, row);
  for (guint i = 0; i < G_N_ELEMENTS (optional); i++)
    read_number (in, optional[i], FALSE, TRUE, 0, errors, row);
  read_choice (in, "food_category", food_categories, errors, row);

  /* Only staff publish foods. The Django backend lets an owner PATCH their
   * food public and then locks them out of it (wire §4.13); here a non-staff
   * is_public is ignored on every write, as it is on create there. */
  if (fc_validate_boolean (in, "is_public", FALSE, errors, &is_public))
    fc_nutrition_row_int (row, "is_public", is_public && fc_server_request_is_staff (request));
}

static void
foods_create (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autofree char *now = fc_time_now_iso8601 ();
  FcNutritionRow row = { 0 };
  gint64 id;

  read_food (request, FALSE, errors, &row);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  fc_nutrition_row_int (&row, "user_added_id", fc_server_request_get_user_id (request));
  row_timestamps (&row, now, TRUE);
  id = fc_nutrition_row_insert (db, "foods", &row);
  if (id == 0) {
    respond_server_error (request);
    return;
  }
  respond_food (request, 201, id);
}

/* The food if the caller may see it, else 404; -1 after responding. */
static gint64
lookup_food (FcServerRequest *request)
{
  gint64 id = fc_server_request_get_id (request, "id");
  gint64 found = query_int (fc_server_request_get_db (request),
                            "SELECT id FROM foods WHERE " FOOD_VISIBLE " AND id = ?2",
                            fc_server_request_get_user_id (request), id);

  if (found < 0)
    fc_server_request_respond_detail (request, 404, NO_FOOD);
  return found;
}

/* Staff may change any food they see; others only their own private ones. */
static gboolean
check_food_writable (FcServerRequest *request,
                     gint64           food_id)
{
  gint64 owner;

  if (fc_server_request_is_staff (request))
    return TRUE;

  owner = query_int (fc_server_request_get_db (request),
                     "SELECT user_added_id FROM foods WHERE id = ?1 AND is_public = 0",
                     food_id, 0);
  if (owner > 0 && owner == fc_server_request_get_user_id (request))
    return TRUE;

  fc_server_request_respond_detail (request, 403, NO_PERMISSION);
  return FALSE;
}

static void
food_get (FcServerRequest *request)
{
  gint64 id = lookup_food (request);

  if (id >= 0)
    respond_food (request, 200, id);
}

static void
food_update (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autofree char *now = fc_time_now_iso8601 ();
  gboolean partial = g_str_equal (fc_server_request_get_method (request), "PATCH");
  FcNutritionRow row = { 0 };
  gint64 id = lookup_food (request);

  if (id < 0 || !check_food_writable (request, id))
    return;

  read_food (request, partial, errors, &row);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  row_timestamps (&row, now, FALSE);
  /* A longer description makes every plan the food is in longer. Only its
   * owner's meals hold a private food; staff, who may also edit public
   * ones, are trusted not to bloat them. */
  if (!fc_nutrition_row_update (db, "foods", id, &row) ||
      !fc_nutrition_check_plans_size (db, fc_server_request_get_user_id (request),
                                      "description", errors)) {
    respond_server_error (request);
    return;
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  respond_food (request, 200, id);
}

static void
food_delete (FcServerRequest *request)
{
  gint64 id = lookup_food (request);

  if (id < 0 || !check_food_writable (request, id))
    return;

  if (!exec_with_id (fc_server_request_get_db (request), "DELETE FROM foods WHERE id = ?", id))
    respond_server_error (request);
  else
    fc_server_request_respond_no_content (request);
}

/* ---- Nested lists: meal_items and scheduled_meals_payload -------------- */

typedef struct {
  const char *list_field;   /* "meal_items" */
  const char *ref_field;    /* "food" */
  const char *ref_exists;   /* SELECT 1 ... WHERE id = ?1 AND <visible to ?2> */
  const char *unique_error; /* DRF's UniqueTogetherValidator message */
} NestedSpec;

typedef gboolean (*ReadExtraFunc) (JsonObject    *item,
                                   FcFieldErrors *item_errors,
                                   NestedRef     *ref,
                                   gpointer       user_data);

/* Validates a nested list completely, reads included, writes nothing.
 * Returns NULL when the list is absent or invalid (check @errors). */
static GArray *
read_nested (FcServerRequest  *request,
             const NestedSpec *spec,
             guint             max_items,
             FcFieldErrors    *errors,
             ReadExtraFunc     read_extra,
             gpointer          user_data)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  JsonArray *list = fc_validate_list (fc_server_request_get_body (request), spec->list_field,
                                      FALSE, errors);
  g_autoptr(GArray) refs = NULL;
  g_autoptr(JsonArray) item_errors = json_array_new ();
  gboolean any_error = FALSE;

  if (list == NULL)
    return NULL;
  /* Before any item is looked up: the length is what an attack inflates. */
  if (json_array_get_length (list) > max_items) {
    fc_field_errors_add (errors, spec->list_field,
                         "Ensure this field has no more than %u elements.", max_items);
    return NULL;
  }

  refs = g_array_new (FALSE, TRUE, sizeof (NestedRef));
  for (guint i = 0; i < json_array_get_length (list); i++) {
    g_autoptr(FcFieldErrors) item = fc_field_errors_new ();
    JsonObject *object = fc_validate_list_item (list, i, item);
    NestedRef ref = { 0 };
    gboolean ref_ok = FALSE;
    gboolean extra_ok = FALSE;

    if (object != NULL) {
      if (fc_validate_pk (object, spec->ref_field, TRUE, item, &ref.id)) {
        /* Someone else's private food or meal reads exactly like a missing
         * one: its existence is not ours to reveal. */
        ref_ok = query_int (db, spec->ref_exists, ref.id, user_id) > 0;
        if (!ref_ok)
          fc_field_errors_add (item, spec->ref_field,
                               "Invalid pk \"%" G_GINT64_FORMAT "\" - object does not exist.",
                               ref.id);
      }
      extra_ok = read_extra (object, item, &ref, user_data);
    }

    if (ref_ok && extra_ok) {
      for (guint j = 0; j < refs->len; j++) {
        NestedRef *seen = &g_array_index (refs, NestedRef, j);

        if (seen->id == ref.id && seen->extra == ref.extra) {
          fc_field_errors_add (item, "non_field_errors", "%s", spec->unique_error);
          break;
        }
      }
    }

    any_error |= !fc_field_errors_is_empty (item);
    json_array_add_element (item_errors, fc_field_errors_to_node (item));
    /* An invalid item is nobody's duplicate. */
    if (!fc_field_errors_is_empty (item))
      ref = (NestedRef) { 0 };
    g_array_append_val (refs, ref);
  }

  if (any_error) {
    fc_field_errors_set_node (errors, spec->list_field,
                              array_node (g_steal_pointer (&item_errors)));
    return NULL;
  }

  return g_steal_pointer (&refs);
}

/* ---- Meals and plans: objects only their owner sees ------------------ */

typedef gboolean (*WriteNestedFunc) (FcSql *db,
                                     gint64   id,
                                     GArray  *refs);

typedef struct {
  const char       *table;
  const char       *not_found;
  ToJsonFunc        to_json;
  WriteNestedFunc   write_nested;
  const char       *nested_field;
} OwnedKind;

static gboolean
write_meal_items (FcSql *db,
                  gint64   meal_id,
                  GArray  *items)
{
  if (!exec_with_id (db, "DELETE FROM meal_items WHERE meal_id = ?", meal_id))
    return FALSE;

  for (guint i = 0; i < items->len; i++) {
    NestedRef *item = &g_array_index (items, NestedRef, i);
    FcNutritionRow row = { 0 };

    fc_nutrition_row_int (&row, "meal_id", meal_id);
    fc_nutrition_row_int (&row, "food_id", item->id);
    fc_nutrition_row_real (&row, "number_of_servings", item->servings);
    if (fc_nutrition_row_insert (db, "meal_items", &row) == 0)
      return FALSE;
  }
  return TRUE;
}

static gboolean
write_schedule (FcSql *db,
                gint64   plan_id,
                GArray  *schedule)
{
  if (!exec_with_id (db, "DELETE FROM scheduled_meals WHERE meal_plan_id = ?", plan_id))
    return FALSE;

  for (guint i = 0; i < schedule->len; i++) {
    NestedRef *entry = &g_array_index (schedule, NestedRef, i);
    FcNutritionRow row = { 0 };

    fc_nutrition_row_int (&row, "meal_plan_id", plan_id);
    fc_nutrition_row_int (&row, "meal_id", entry->id);
    fc_nutrition_row_int (&row, "day_of_plan", entry->extra);
    if (fc_nutrition_row_insert (db, "scheduled_meals", &row) == 0)
      return FALSE;
  }
  return TRUE;
}

/* Reads a plan; @duration_days is the plan's current duration (7, the
 * default, for a new one) and comes back as the one to check days against. */
static const OwnedKind meal_kind = {
  "meals", NO_MEAL, fc_nutrition_meal_to_json, write_meal_items, "meal_items",
};
static const OwnedKind plan_kind = {
  "meal_plans", NO_PLAN, fc_nutrition_plan_to_json, write_schedule, "scheduled_meals_payload",
};

/* One object, read on a worker (fc_server_request_respond_built). */
typedef struct {
  const OwnedKind *kind;
  gint64           id;
  gint64           viewer_id;
} ObjectQuery;

static JsonNode *
build_object (FcSql  *db,
              gpointer  data,
              guint    *status)
{
  ObjectQuery *query = data;
  g_autofree char *sql = NULL;
  g_autoptr(FcSqlStmt) exists = NULL;
  JsonNode *node = query->kind->to_json (db, query->id, query->viewer_id);

  if (node != NULL)
    return node;

  /* Deleted between the look-up and this read: as if it had come first. */
  sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", query->kind->table);
  exists = fc_sql_prepare (db, sql);
  if (exists == NULL)
    return NULL;
  fc_sql_bind_int64 (exists, 1, query->id);
  if (fc_sql_step (exists) != FC_SQL_DONE)
    return NULL;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, json_object_new ());
  json_object_set_string_member (json_node_get_object (node), "detail", query->kind->not_found);
  *status = 404;
  return node;
}

/* Answers @status with the object @id as the caller sees it. A plan can
 * weigh megabytes (a year of eight meals a day, 0.3-0.9 s of work): a GET
 * of one, or a write whose plan is heavier than PLAN_INLINE_WEIGHT (about
 * 10 ms), is built on a worker after the commit. A lighter write is
 * answered here, inside its transaction, so that its Idempotency-Key record
 * commits with it; a heavy one's record follows the answer, so a crash in
 * between lets a retry write the plan again. */
#define PLAN_INLINE_WEIGHT 300

static void
respond_owned (FcServerRequest *request,
               const OwnedKind *kind,
               guint            status,
               gint64           id)
{
  FcSql *db = fc_server_request_get_db (request);
  const char *method = fc_server_request_get_method (request);
  gboolean read = g_str_equal (method, "GET") || g_str_equal (method, "HEAD");
  ObjectQuery *query;

  if (kind->to_json != fc_nutrition_plan_to_json ||
      (!read && fc_nutrition_plan_weight (db, id) <= PLAN_INLINE_WEIGHT)) {
    respond_object (request, status, kind->to_json (db, id, fc_server_request_get_user_id (request)));
    return;
  }

  query = g_new0 (ObjectQuery, 1);
  query->kind = kind;
  query->id = id;
  query->viewer_id = fc_server_request_get_user_id (request);
  fc_server_request_respond_built (request, status, build_object, query, g_free);
}

/* Another user's object answers 404 even to staff, as on the Django
 * backend (wire §4.12): private means private. -1 after responding. */
static gint64
lookup_owned (FcServerRequest *request,
              const OwnedKind *kind)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE id = ?1 AND user_id = ?2",
                                          kind->table);
  gint64 found = query_int (fc_server_request_get_db (request), sql,
                            fc_server_request_get_id (request, "id"),
                            fc_server_request_get_user_id (request));

  if (found < 0)
    fc_server_request_respond_detail (request, 404, kind->not_found);
  return found;
}

static void
owned_get (FcServerRequest *request,
           const OwnedKind *kind)
{
  gint64 id = lookup_owned (request, kind);

  if (id >= 0)
    respond_owned (request, kind, 200, id);
}

static void
owned_delete (FcServerRequest *request,
              const OwnedKind *kind)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?", kind->table);
  gint64 id = lookup_owned (request, kind);

  if (id < 0)
    return;
  if (!exec_with_id (fc_server_request_get_db (request), sql, id))
    respond_server_error (request);
  else
    fc_server_request_respond_no_content (request);
}

/* Writes a validated object (@id 0: a new one of the caller's) and its
 * nested list when one was given, then answers with the object. */
static void
owned_write (FcServerRequest *request,
             const OwnedKind *kind,
             gint64           id,
             FcNutritionRow  *row,
             GArray          *nested)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autofree char *now = fc_time_now_iso8601 ();
  gboolean created = id == 0;

  row_timestamps (row, now, created);
  if (created) {
    fc_nutrition_row_int (row, "user_id", user_id);
    id = fc_nutrition_row_insert (db, kind->table, row);
  } else if (!fc_nutrition_row_update (db, kind->table, id, row)) {
    id = 0;
  }

  /* Sized after the write, in its transaction: a 400 rolls it back. */
  if (id == 0 || (nested != NULL && !kind->write_nested (db, id, nested)) ||
      !fc_nutrition_check_plans_size (db, user_id, kind->nested_field, errors)) {
    respond_server_error (request);
    return;
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  respond_owned (request, kind, created ? 201 : 200, id);
}

/* ---- Meals ------------------------------------------------------------- */

static const NestedSpec meal_items_spec = {
  "meal_items", "food",
  "SELECT 1 FROM foods WHERE id = ?1 AND (is_public = 1 OR user_added_id = ?2)",
  "The fields meal, food must make a unique set.",
};

static gboolean
read_meal_item (JsonObject    *item,
                FcFieldErrors *item_errors,
                NestedRef     *ref,
                gpointer       user_data)
{
  /* A missing number_of_servings is the model's default of one serving; the
   * Django backend silently drops such an item (wire §4.8). */
  ref->servings = 1.0;
  if (!fc_json_has_member (item, "number_of_servings"))
    return TRUE;
  return fc_validate_number (item, "number_of_servings", FALSE, FALSE, 0.01, INFINITY,
                             item_errors, &ref->servings, NULL);
}

static GArray *
read_meal (FcServerRequest *request,
           gboolean         partial,
           FcFieldErrors   *errors,
           FcNutritionRow  *row)
{
  JsonObject *in = fc_server_request_get_body (request);

  read_string (in, "name", !partial, FALSE, NAME_MAX_LENGTH, errors, row);
  read_choice (in, "meal_time_category", meal_times, errors, row);
  read_string (in, "description", FALSE, TRUE, 0, errors, row);
  read_boolean (in, "is_template", errors, row);
  return read_nested (request, &meal_items_spec, FC_NUTRITION_MEAL_ITEMS_MAX, errors,
                      read_meal_item, NULL);
}

static void
meals_list (FcServerRequest *request)
{
  respond_id_page (request,
                   "SELECT COUNT(*) FROM meals WHERE user_id = ?1",
                   "SELECT id FROM meals WHERE user_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3",
                   fc_nutrition_meal_to_json);
}

static void
meal_save (FcServerRequest *request,
           gint64           id)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  gboolean partial = g_str_equal (fc_server_request_get_method (request), "PATCH");
  FcNutritionRow row = { 0 };
  g_autoptr(GArray) items = read_meal (request, partial, errors, &row);

  if (!fc_field_errors_is_empty (errors))
    fc_server_request_respond_errors (request, errors);
  else
    owned_write (request, &meal_kind, id, &row, items);
}

static void
meals_create (FcServerRequest *request)
{
  meal_save (request, 0);
}

static void
meal_get (FcServerRequest *request)
{
  owned_get (request, &meal_kind);
}

static void
meal_update (FcServerRequest *request)
{
  gint64 id = lookup_owned (request, &meal_kind);

  if (id >= 0)
    meal_save (request, id);
}

static void
meal_delete (FcServerRequest *request)
{
  owned_delete (request, &meal_kind);
}

/* ---- Meal plans -------------------------------------------------------- */

static const NestedSpec schedule_spec = {
  "scheduled_meals_payload", "meal",
  "SELECT 1 FROM meals WHERE id = ?1 AND user_id = ?2",
  "The fields meal_plan, meal, day_of_plan must make a unique set.",
};

static gboolean
read_scheduled_meal (JsonObject    *item,
                     FcFieldErrors *item_errors,
                     NestedRef     *ref,
                     gpointer       user_data)
{
  gint64 duration_days = *(gint64 *) user_data;

  /* A day outside the plan could never be shown; -1 means the duration itself
   * was invalid, and that error is reported on its own field. */
  return fc_validate_integer (item, "day_of_plan", TRUE, FALSE, 1,
                              duration_days >= 0 ? duration_days : FC_NUTRITION_DURATION_DAYS_MAX,
                              item_errors,
                              &ref->extra, NULL);
}

static GArray *
read_plan (FcServerRequest *request,
           gboolean         partial,
           gint64          *duration_days,
           FcFieldErrors   *errors,
           FcNutritionRow  *row)
{
  JsonObject *in = fc_server_request_get_body (request);
  static const char * const targets[] = {
    "target_daily_calories", "target_daily_protein", "target_daily_carbohydrates",
    "target_daily_fat",
  };
  const char *start_date = NULL;
  gboolean is_null = FALSE;
  gint64 duration = 0;
  guint max_entries;

  read_string (in, "name", !partial, FALSE, NAME_MAX_LENGTH, errors, row);
  read_string (in, "description", FALSE, TRUE, 0, errors, row);
  read_choice (in, "goal", goals, errors, row);
  if (fc_validate_integer (in, "duration_days", FALSE, FALSE, 0,
                           FC_NUTRITION_DURATION_DAYS_MAX, errors, &duration, NULL)) {
    fc_nutrition_row_int (row, "duration_days", duration);
    *duration_days = duration;
  } else if (fc_field_errors_has (errors, "duration_days")) {
    *duration_days = -1;
  }
  if (fc_validate_date (in, "start_date", FALSE, TRUE, errors, &start_date, &is_null)) {
    if (is_null)
      fc_nutrition_row_null (row, "start_date");
    else
      fc_nutrition_row_text (row, "start_date", start_date);
  }
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    read_number (in, targets[i], FALSE, TRUE, 0, errors, row);
  read_boolean (in, "is_active", errors, row);
  read_boolean (in, "is_template", errors, row);

  /* An invalid duration is reported on its own; the longest then bounds the
   * schedule, so that its items are still checked. */
  max_entries = (guint) (*duration_days >= 0 ? *duration_days : FC_NUTRITION_DURATION_DAYS_MAX) *
                FC_NUTRITION_MEALS_PER_DAY_MAX;
  return read_nested (request, &schedule_spec, max_entries, errors, read_scheduled_meal,
                      duration_days);
}

static void
plans_list (FcServerRequest *request)
{
  respond_id_page (request,
                   "SELECT COUNT(*) FROM meal_plans WHERE user_id = ?1",
                   "SELECT id FROM meal_plans WHERE user_id = ?1"
                   " ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3",
                   fc_nutrition_plan_to_json);
}

static void
templates_list (FcServerRequest *request)
{
  /* Templates are everyone's: no ?1 (the caller) in these queries. */
  respond_id_page (request,
                   "SELECT COUNT(*) FROM meal_plans WHERE is_template = 1 AND is_active = 1",
                   "SELECT id FROM meal_plans WHERE is_template = 1 AND is_active = 1"
                   " ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3",
                   fc_nutrition_plan_to_json);
}

static void
plan_save (FcServerRequest *request,
           gint64           id)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *method = fc_server_request_get_method (request);
  gint64 duration_days = 7;
  FcNutritionRow row = { 0 };
  g_autoptr(GArray) schedule = NULL;

  if (id > 0)
    duration_days = query_int (db, "SELECT duration_days FROM meal_plans WHERE id = ?1", id, 0);

  schedule = read_plan (request, g_str_equal (method, "PATCH"), &duration_days, errors, &row);

  /* A shorter plan must not strand days already scheduled past its end. */
  if (id > 0 && fc_nutrition_row_has (&row, "duration_days") &&
      !fc_json_has_member (fc_server_request_get_body (request), "scheduled_meals_payload")) {
    gint64 last_day = query_int (db, "SELECT MAX(day_of_plan) FROM scheduled_meals"
                                     " WHERE meal_plan_id = ?1", id, 0);

    if (last_day > duration_days)
      fc_field_errors_add (errors, "duration_days",
                           "Ensure this value is greater than or equal to %" G_GINT64_FORMAT ".",
                           last_day);
  }

  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  /* Templates are published to everyone: staff only, on every write (the
   * Django backend forgets PATCH and PUT, wire §4.10). PUT without the field
   * resets it, as there. */
  if (row_int_value (&row, "is_template") && !fc_server_request_is_staff (request)) {
    fc_server_request_respond_detail (request, 403, NO_TEMPLATE_PERMISSION);
    return;
  }
  if (g_str_equal (method, "PUT") && !fc_nutrition_row_has (&row, "is_template"))
    fc_nutrition_row_int (&row, "is_template", 0);

  owned_write (request, &plan_kind, id, &row, schedule);
}

static void
plans_create (FcServerRequest *request)
{
  plan_save (request, 0);
}

static void
plan_get (FcServerRequest *request)
{
  owned_get (request, &plan_kind);
}

static void
plan_update (FcServerRequest *request)
{
  gint64 id = lookup_owned (request, &plan_kind);

  if (id >= 0)
    plan_save (request, id);
}

static void
plan_delete (FcServerRequest *request)
{
  owned_delete (request, &plan_kind);
}

static void
plan_cancel (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autofree char *now = fc_time_now_iso8601 ();
  FcNutritionRow row = { 0 };
  gint64 id = lookup_owned (request, &plan_kind);

  if (id < 0)
    return;

  fc_nutrition_row_int (&row, "is_active", 0);
  row_timestamps (&row, now, FALSE);
  if (!fc_nutrition_row_update (db, "meal_plans", id, &row))
    respond_server_error (request);
  else
    respond_owned (request, &plan_kind, 200, id);
}

/* Copies a meal and its items into @user_id's account. Items whose food the
 * new owner could not see are left out, so that a copy never shows them a
 * food that is not theirs to see. */
static gint64
copy_meal (FcSql    *db,
           gint64      meal_id,
           gint64      user_id,
           const char *now)
{
  gint64 copy;

  {
    g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db,
      "INSERT INTO meals (user_id, name, meal_time_category, description, is_template,"
      " created_at, updated_at)"
      " SELECT ?1, name, meal_time_category, description, 0, ?2, ?2 FROM meals WHERE id = ?3");

    if (stmt == NULL)
      return 0;
    fc_sql_bind_int64 (stmt, 1, user_id);
    fc_sql_bind_text (stmt, 2, now);
    fc_sql_bind_int64 (stmt, 3, meal_id);
    if (fc_sql_step (stmt) != FC_SQL_DONE || fc_sql_changes (db) != 1)
      return 0;
    copy = fc_sql_last_insert_id (db);
  }

  {
    g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db,
      "INSERT INTO meal_items (meal_id, food_id, number_of_servings)"
      " SELECT ?1, i.food_id, i.number_of_servings FROM meal_items i"
      " JOIN foods f ON f.id = i.food_id"
      " WHERE i.meal_id = ?2 AND (f.is_public = 1 OR f.user_added_id = ?3) ORDER BY i.id");

    if (stmt == NULL)
      return 0;
    fc_sql_bind_int64 (stmt, 1, copy);
    fc_sql_bind_int64 (stmt, 2, meal_id);
    fc_sql_bind_int64 (stmt, 3, user_id);
    if (fc_sql_step (stmt) != FC_SQL_DONE)
      return 0;
  }

  return copy;
}

/* The copy starts on @start_date, or has no start (NULL), as on the Django
 * backend: the copier says when their plan starts. */
static gint64
copy_plan (FcSql    *db,
           gint64      plan_id,
           gint64      user_id,
           const char *start_date,
           const char *now)
{
  g_autoptr(FcSqlStmt) plan = NULL;
  g_autoptr(FcSqlStmt) schedule = NULL;
  g_autoptr(GHashTable) meal_copies = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                             g_free, g_free);
  gint64 copy;

  plan = fc_sql_prepare (db,
    "INSERT INTO meal_plans (user_id, name, description, goal, duration_days, start_date,"
    " target_daily_calories, target_daily_protein, target_daily_carbohydrates,"
    " target_daily_fat, is_active, is_template, is_ai_generated, created_at, updated_at)"
    " SELECT ?1, name || ' (Copy)', description, goal, duration_days, ?4,"
    " target_daily_calories, target_daily_protein, target_daily_carbohydrates,"
    " target_daily_fat, 1, 0, is_ai_generated, ?2, ?2 FROM meal_plans WHERE id = ?3");
  if (plan == NULL)
    return 0;
  fc_sql_bind_int64 (plan, 1, user_id);
  fc_sql_bind_text (plan, 2, now);
  fc_sql_bind_int64 (plan, 3, plan_id);
  if (start_date != NULL)
    fc_sql_bind_text (plan, 4, start_date);
  if (fc_sql_step (plan) != FC_SQL_DONE || fc_sql_changes (db) != 1)
    return 0;
  copy = fc_sql_last_insert_id (db);

  /* Each meal is copied once, however many days it is scheduled on, so that
   * the copier owns (and may edit) everything their plan shows. */
  schedule = fc_sql_prepare (db, "SELECT meal_id, day_of_plan FROM scheduled_meals"
                                       " WHERE meal_plan_id = ? ORDER BY id");
  if (schedule == NULL)
    return 0;
  fc_sql_bind_int64 (schedule, 1, plan_id);
  while (fc_sql_step (schedule) == FC_SQL_ROW) {
    gint64 meal_id = fc_sql_column_int64 (schedule, 0);
    gint64 *meal_copy = g_hash_table_lookup (meal_copies, &meal_id);
    FcNutritionRow row = { 0 };

    if (meal_copy == NULL) {
      meal_copy = g_new (gint64, 1);
      *meal_copy = copy_meal (db, meal_id, user_id, now);
      if (*meal_copy == 0) {
        g_free (meal_copy);
        return 0;
      }
      g_hash_table_insert (meal_copies, g_memdup2 (&meal_id, sizeof meal_id), meal_copy);
    }

    fc_nutrition_row_int (&row, "meal_plan_id", copy);
    fc_nutrition_row_int (&row, "meal_id", *meal_copy);
    fc_nutrition_row_int (&row, "day_of_plan", fc_sql_column_int64 (schedule, 1));
    if (fc_nutrition_row_insert (db, "scheduled_meals", &row) == 0)
      return 0;
  }

  return copy;
}

static void
plan_copy (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  gint64 user_id = fc_server_request_get_user_id (request);
  g_autofree char *now = fc_time_now_iso8601 ();
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *start_date = NULL;
  gboolean is_null = FALSE;
  gint64 id, copy;

  /* The caller's own plans and every active template: anyone may copy a
   * template (the Django backend only lets its owner, wire §4.11). */
  stmt = fc_sql_prepare (db, "SELECT id, user_id, is_template FROM meal_plans"
                                   " WHERE id = ?1 AND (user_id = ?2"
                                   " OR (is_template = 1 AND is_active = 1))");
  if (stmt == NULL) {
    respond_server_error (request);
    return;
  }
  fc_sql_bind_int64 (stmt, 1, fc_server_request_get_id (request, "id"));
  fc_sql_bind_int64 (stmt, 2, user_id);
  if (fc_sql_step (stmt) != FC_SQL_ROW) {
    fc_server_request_respond_detail (request, 404, NO_PLAN);
    return;
  }
  id = fc_sql_column_int64 (stmt, 0);
  if (fc_sql_column_int64 (stmt, 1) == user_id && fc_sql_column_int (stmt, 2) == 0) {
    fc_server_request_respond_detail (request, 400, "You already own this meal plan.");
    return;
  }

  /* The Django backend takes no body here; ours takes the start date. */
  if (fc_validate_date (fc_server_request_get_body (request), "start_date", FALSE, TRUE, errors,
                        &start_date, &is_null) && is_null)
    start_date = NULL;
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  copy = copy_plan (db, id, user_id, start_date, now);
  if (copy == 0 || !fc_nutrition_check_plans_size (db, user_id, "non_field_errors", errors)) {
    respond_server_error (request);
    return;
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  fc_notifications_plan_ready (fc_server_request_get_server (request), db, user_id, copy, TRUE);
  respond_owned (request, &plan_kind, 201, copy);
}

void
fc_nutrition_respond_plan (FcServerRequest *request,
                           guint            status,
                           gint64           plan_id)
{
  respond_owned (request, &plan_kind, status, plan_id);
}

static const FcRoute routes[] = {
  { "GET", "/api/v1/nutrition/", FC_AUTH_OPTIONAL, root_get },

  { "GET", "/api/v1/nutrition/foods/", FC_AUTH_OPTIONAL, foods_list, foods_list_prefetch },
  { "POST", "/api/v1/nutrition/foods/", FC_AUTH_REQUIRED, foods_create },
  { "GET", "/api/v1/nutrition/foods/{id}/", FC_AUTH_OPTIONAL, food_get },
  { "PUT", "/api/v1/nutrition/foods/{id}/", FC_AUTH_REQUIRED, food_update },
  { "PATCH", "/api/v1/nutrition/foods/{id}/", FC_AUTH_REQUIRED, food_update },
  { "DELETE", "/api/v1/nutrition/foods/{id}/", FC_AUTH_REQUIRED, food_delete },

  { "GET", "/api/v1/nutrition/meals/", FC_AUTH_REQUIRED, meals_list },
  { "POST", "/api/v1/nutrition/meals/", FC_AUTH_REQUIRED, meals_create },
  { "GET", "/api/v1/nutrition/meals/{id}/", FC_AUTH_REQUIRED, meal_get },
  { "PUT", "/api/v1/nutrition/meals/{id}/", FC_AUTH_REQUIRED, meal_update },
  { "PATCH", "/api/v1/nutrition/meals/{id}/", FC_AUTH_REQUIRED, meal_update },
  { "DELETE", "/api/v1/nutrition/meals/{id}/", FC_AUTH_REQUIRED, meal_delete },

  { "GET", "/api/v1/nutrition/meal-plans/", FC_AUTH_REQUIRED, plans_list },
  { "POST", "/api/v1/nutrition/meal-plans/", FC_AUTH_REQUIRED, plans_create },
  { "GET", "/api/v1/nutrition/meal-plans/templates/", FC_AUTH_OPTIONAL, templates_list },
  { "GET", "/api/v1/nutrition/meal-plans/{id}/", FC_AUTH_REQUIRED, plan_get },
  { "PUT", "/api/v1/nutrition/meal-plans/{id}/", FC_AUTH_REQUIRED, plan_update },
  { "PATCH", "/api/v1/nutrition/meal-plans/{id}/", FC_AUTH_REQUIRED, plan_update },
  { "DELETE", "/api/v1/nutrition/meal-plans/{id}/", FC_AUTH_REQUIRED, plan_delete },
  { "POST", "/api/v1/nutrition/meal-plans/{id}/copy/", FC_AUTH_REQUIRED, plan_copy },
  { "PATCH", "/api/v1/nutrition/meal-plans/{id}/cancel/", FC_AUTH_REQUIRED, plan_cancel },

  { "POST", "/api/v1/nutrition/generate/", FC_AUTH_REQUIRED, fc_nutrition_generate },
};

const FcRoute *
fc_nutrition_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
