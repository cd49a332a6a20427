/* fc-nutrition-db.c — nutrition rows: writing them, and reading them as wire objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-nutrition"

#include "config.h"

#include "fc-json-out.h"
#include "fc-nutrition-private.h"
#include "fc-sql.h"
#include "fc-validate.h"

/* Followed by "= ?". */
#define FOOD_SELECT                                                                          \
  "SELECT " FC_NUTRITION_FOOD_COLUMNS                                                         \
  " FROM foods f LEFT JOIN users u ON u.id = f.user_added_id WHERE f.id "

/* The order a day's meals are listed in: the clock, not the alphabet. */
#define MEAL_TIME_ORDER                                                                     \
  "CASE m.meal_time_category WHEN 'BF' THEN 0 WHEN 'LN' THEN 1 WHEN 'SN' THEN 2"             \
  " WHEN 'PRE' THEN 3 WHEN 'POST' THEN 4 WHEN 'DN' THEN 5 ELSE 6 END"

/* A statement whose first parameter is bound to @id, or NULL. Kept on the
 * connection (fc_sql_stmt()): parsing these every time was a third of the
 * CPU of a POST meals/, most of it inside the write transaction, which on
 * SQLite one writer at a time holds (docs/deployment.md). */
static FcSqlStmt *
prepare_for_id (FcSql    *db,
                const char *sql,
                gint64      id)
{
  FcSqlStmt *stmt = fc_sql_stmt (db, sql);

  if (stmt != NULL)
    fc_sql_bind_int64 (stmt, 1, id);
  return stmt;
}

static FcNutritionValue *
row_add (FcNutritionRow       *row,
         const char           *column,
         FcNutritionValueType  type)
{
  FcNutritionValue *value = NULL;

  for (guint i = 0; i < row->n_values; i++) {
    if (g_str_equal (row->values[i].column, column))
      value = &row->values[i];
  }

  if (value == NULL) {
    g_assert (row->n_values < FC_NUTRITION_ROW_MAX);
    value = &row->values[row->n_values++];
  }

  *value = (FcNutritionValue) { .column = column, .type = type };
  return value;
}

void
fc_nutrition_row_text (FcNutritionRow *row,
                       const char     *column,
                       const char     *text)
{
  row_add (row, column, FC_NUTRITION_VALUE_TEXT)->text = text;
}

void
fc_nutrition_row_real (FcNutritionRow *row,
                       const char     *column,
                       double          value)
{
  row_add (row, column, FC_NUTRITION_VALUE_REAL)->real = value;
}

void
fc_nutrition_row_int (FcNutritionRow *row,
                      const char     *column,
                      gint64          value)
{
  row_add (row, column, FC_NUTRITION_VALUE_INT)->integer = value;
}

void
fc_nutrition_row_null (FcNutritionRow *row,
                       const char     *column)
{
  row_add (row, column, FC_NUTRITION_VALUE_NULL);
}

gboolean
fc_nutrition_row_has (FcNutritionRow *row,
                      const char     *column)
{
  for (guint i = 0; i < row->n_values; i++) {
    if (g_str_equal (row->values[i].column, column))
      return TRUE;
  }
  return FALSE;
}

static void
bind_row (FcSqlStmt *stmt,
          FcNutritionRow  *row)
{
  for (guint i = 0; i < row->n_values; i++) {
    FcNutritionValue *value = &row->values[i];
    int index = (int) i + 1;

    switch (value->type) {
      case FC_NUTRITION_VALUE_TEXT:
        fc_sql_bind_text (stmt, index, value->text);
        break;
      case FC_NUTRITION_VALUE_REAL:
        fc_sql_bind_double (stmt, index, value->real);
        break;
      case FC_NUTRITION_VALUE_INT:
        fc_sql_bind_int64 (stmt, index, value->integer);
        break;
      case FC_NUTRITION_VALUE_NULL:
      default:
        fc_sql_bind_null (stmt, index);
        break;
    }
  }
}

static gboolean
step_done (FcSql         *db,
           FcSqlStmt *stmt)
{
  if (fc_sql_step (stmt) != FC_SQL_DONE) {
    g_warning ("Could not write: %s", fc_sql_errmsg (db));
    return FALSE;
  }
  return TRUE;
}

gint64
fc_nutrition_row_insert (FcSql        *db,
                         const char     *table,
                         FcNutritionRow *row)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(FcSqlStmt) stmt = NULL;

  g_return_val_if_fail (row->n_values > 0, 0);

  g_string_append_printf (sql, "INSERT INTO %s (", table);
  for (guint i = 0; i < row->n_values; i++)
    g_string_append_printf (sql, "%s%s", i > 0 ? ", " : "", row->values[i].column);
  g_string_append (sql, ") VALUES (");
  for (guint i = 0; i < row->n_values; i++)
    g_string_append (sql, i > 0 ? ", ?" : "?");
  g_string_append (sql, ")");

  /* Kept on the connection for the tables whose rows take few shapes (a
   * meal's four optional fields, an item's none), not for a food's dozens
   * of optional columns, whose combinations a client could multiply. */
  if (g_str_equal (table, "meals") || g_str_equal (table, "meal_items") ||
      g_str_equal (table, "scheduled_meals"))
    stmt = fc_sql_stmt (db, sql->str);
  else
    stmt = fc_sql_prepare (db, sql->str);
  if (stmt == NULL)
    return 0;
  bind_row (stmt, row);
  if (!step_done (db, stmt))
    return 0;
  return fc_sql_last_insert_id (db);
}

gboolean
fc_nutrition_row_update (FcSql        *db,
                         const char     *table,
                         gint64          id,
                         FcNutritionRow *row)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(FcSqlStmt) stmt = NULL;

  if (row->n_values == 0)
    return TRUE;

  g_string_append_printf (sql, "UPDATE %s SET ", table);
  for (guint i = 0; i < row->n_values; i++)
    g_string_append_printf (sql, "%s%s = ?", i > 0 ? ", " : "", row->values[i].column);
  g_string_append_printf (sql, " WHERE id = ?%u", row->n_values + 1);

  stmt = fc_sql_prepare (db, sql->str);
  if (stmt == NULL)
    return FALSE;
  bind_row (stmt, row);
  fc_sql_bind_int64 (stmt, (int) row->n_values + 1, id);
  return step_done (db, stmt);
}

static void
add_column_double_or_null (JsonBuilder     *builder,
                           const char      *member,
                           FcSqlStmt *stmt,
                           int              column)
{
  json_builder_set_member_name (builder, member);
  if (fc_sql_column_is_null (stmt, column))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, fc_sql_column_double (stmt, column));
}

static void
add_column_text (JsonBuilder     *builder,
                 const char      *member,
                 FcSqlStmt *stmt,
                 int              column)
{
  json_builder_set_member_name (builder, member);
  if (fc_sql_column_is_null (stmt, column))
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, fc_sql_column_text (stmt, column));
}

static void
add_column_boolean (JsonBuilder     *builder,
                    const char      *member,
                    FcSqlStmt *stmt,
                    int              column)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, fc_sql_column_int (stmt, column) != 0);
}

/* {"email","first_name","last_name"} from three columns after the user id,
 * or null when there is no user (a food whose owner was deleted). */
static void
add_user_detail (JsonBuilder     *builder,
                 const char      *member,
                 FcSqlStmt *stmt,
                 int              id_column)
{
  json_builder_set_member_name (builder, member);
  if (fc_sql_column_is_null (stmt, id_column)) {
    json_builder_add_null_value (builder);
    return;
  }

  json_builder_begin_object (builder);
  add_column_text (builder, "email", stmt, id_column + 1);
  add_column_text (builder, "first_name", stmt, id_column + 2);
  add_column_text (builder, "last_name", stmt, id_column + 3);
  json_builder_end_object (builder);
}

/* Meals and plans open alike: "id", "user" and "user_detail" from their
 * first six columns (id, user_id, then the user's id, email and names). */
static void
begin_owned_object (JsonBuilder     *builder,
                    FcSqlStmt *stmt)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, fc_sql_column_int64 (stmt, 0));
  json_builder_set_member_name (builder, "user");
  json_builder_add_int_value (builder, fc_sql_column_int64 (stmt, 1));
  add_user_detail (builder, "user_detail", stmt, 2);
}

/* A food's members in wire order, and the FC_NUTRITION_FOOD_COLUMNS they
 * come from: the one description of a food, for the tree (meals, plans,
 * the change feed) and for the text written straight (the food routes). */
typedef enum {
  FOOD_INT,
  FOOD_TEXT,
  FOOD_DOUBLE,   /* or null */
  FOOD_BOOLEAN,
  FOOD_USER,     /* add_user_detail()'s object from this column on, or null */
} FoodKind;

static const struct {
  const char *member;
  int         column;
  FoodKind    kind;
} food_members[] = {
  { "id", 0, FOOD_INT },
  { "name", 1, FOOD_TEXT },
  { "description", 2, FOOD_TEXT },
  { "serving_quantity", 3, FOOD_DOUBLE },
  { "serving_unit", 4, FOOD_TEXT },
  { "calories", 5, FOOD_DOUBLE },
  { "protein", 6, FOOD_DOUBLE },
  { "carbohydrates", 7, FOOD_DOUBLE },
  { "fat", 8, FOOD_DOUBLE },
  { "fiber", 9, FOOD_DOUBLE },
  { "sugar", 10, FOOD_DOUBLE },
  { "sodium", 11, FOOD_DOUBLE },
  { "food_category", 12, FOOD_TEXT },
  { "user_added_detail", 13, FOOD_USER },
  { "is_public", 17, FOOD_BOOLEAN },
  { "created_at", 18, FOOD_TEXT },
  { "updated_at", 19, FOOD_TEXT },
};

/* The food in the current row of a FOOD_SELECT statement, as a tree. */
static JsonNode *
food_row_to_json (FcSqlStmt *stmt)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (food_members); i++) {
    const char *member = food_members[i].member;
    int column = food_members[i].column;

    switch (food_members[i].kind) {
      case FOOD_INT:
        json_builder_set_member_name (builder, member);
        json_builder_add_int_value (builder, fc_sql_column_int64 (stmt, column));
        break;
      case FOOD_TEXT:
        add_column_text (builder, member, stmt, column);
        break;
      case FOOD_DOUBLE:
        add_column_double_or_null (builder, member, stmt, column);
        break;
      case FOOD_BOOLEAN:
        add_column_boolean (builder, member, stmt, column);
        break;
      case FOOD_USER:
        add_user_detail (builder, member, stmt, column);
        break;
      default:
        g_assert_not_reached ();
    }
  }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
write_column_text (GString   *out,
                   FcSqlStmt *stmt,
                   int        column)
{
  fc_json_out_string (out, fc_sql_column_is_null (stmt, column) ? NULL
                                                                : fc_sql_column_text (stmt, column));
}

void
fc_nutrition_food_write_row (GString   *out,
                             FcSqlStmt *stmt)
{
  g_string_append_c (out, '{');
  for (guint i = 0; i < G_N_ELEMENTS (food_members); i++) {
    int column = food_members[i].column;

    fc_json_out_member (out, food_members[i].member);
    switch (food_members[i].kind) {
      case FOOD_INT:
        fc_json_out_int (out, fc_sql_column_int64 (stmt, column));
        break;
      case FOOD_TEXT:
        write_column_text (out, stmt, column);
        break;
      case FOOD_DOUBLE:
        if (fc_sql_column_is_null (stmt, column))
          fc_json_out_null (out);
        else
          fc_json_out_double (out, fc_sql_column_double (stmt, column));
        break;
      case FOOD_BOOLEAN:
        fc_json_out_boolean (out, fc_sql_column_int (stmt, column) != 0);
        break;
      case FOOD_USER:
        if (fc_sql_column_is_null (stmt, column)) {
          fc_json_out_null (out);
          break;
        }
        g_string_append_c (out, '{');
        fc_json_out_member (out, "email");
        write_column_text (out, stmt, column + 1);
        fc_json_out_member (out, "first_name");
        write_column_text (out, stmt, column + 2);
        fc_json_out_member (out, "last_name");
        write_column_text (out, stmt, column + 3);
        g_string_append_c (out, '}');
        break;
      default:
        g_assert_not_reached ();
    }
  }
  g_string_append_c (out, '}');
}

JsonNode *
fc_nutrition_food_to_json (FcSql *db,
                           gint64   food_id)
{
  /* Once per food of a meal: prepared once per connection. */
  g_autoptr(FcSqlCachedStmt) stmt = fc_sql_stmt (db, FOOD_SELECT "= ?");

  if (stmt == NULL)
    return NULL;
  fc_sql_bind_int64 (stmt, 1, food_id);
  if (fc_sql_step (stmt) != FC_SQL_ROW)
    return NULL;
  return food_row_to_json (stmt);
}

gboolean
fc_nutrition_food_write (FcSql   *db,
                         gint64   food_id,
                         GString *out)
{
  g_autoptr(FcSqlCachedStmt) stmt = fc_sql_stmt (db, FOOD_SELECT "= ?");

  if (stmt == NULL)
    return FALSE;
  fc_sql_bind_int64 (stmt, 1, food_id);
  if (fc_sql_step (stmt) != FC_SQL_ROW)
    return FALSE;
  fc_nutrition_food_write_row (out, stmt);
  return TRUE;
}

/* A total as Django sums it: Python's sum() starts from the integer 0, so an
 * empty meal's totals stay the integer 0 and others are unrounded floats. */
static void
add_total (JsonBuilder *builder,
           const char  *member,
           guint        n_items,
           double       total)
{
  json_builder_set_member_name (builder, member);
  if (n_items == 0)
    json_builder_add_int_value (builder, 0);
  else
    json_builder_add_double_value (builder, total);
}

JsonNode *
fc_nutrition_meal_to_json (FcSql *db,
                           gint64   meal_id,
                           gint64   viewer_id)
{
  static const char *const nutrients[] = { "calories", "protein", "carbohydrates", "fat" };
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(FcSqlStmt) items = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonArray) item_array = json_array_new ();
  double totals[G_N_ELEMENTS (nutrients)] = { 0 };
  guint n_items = 0;
  JsonNode *node;

  stmt = prepare_for_id (db, "SELECT m.id, m.user_id, u.id, u.email, u.first_name,"
                             " u.last_name, m.name, m.meal_time_category, m.description,"
                             " m.is_template, m.created_at, m.updated_at"
                             " FROM meals m JOIN users u ON u.id = m.user_id"
                             " WHERE m.id = ?", meal_id);
  /* A staff template's meals may hold foods private to their owner: those
   * stay out of sight (and out of the totals) for everyone else, as a copy
   * of the meal would leave them out. */
  items = prepare_for_id (db, "SELECT i.id, i.food_id, i.number_of_servings, f.calories,"
                              " f.protein, f.carbohydrates, f.fat"
                              " FROM meal_items i JOIN foods f ON f.id = i.food_id"
                              " WHERE i.meal_id = ?1 AND (f.is_public = 1 OR f.user_added_id = ?2)"
                              " ORDER BY i.id", meal_id);
  if (stmt == NULL || items == NULL)
    return NULL;
  fc_sql_bind_int64 (items, 2, viewer_id);
  if (fc_sql_step (stmt) != FC_SQL_ROW)
    return NULL;

  while (fc_sql_step (items) == FC_SQL_ROW) {
    g_autoptr(JsonBuilder) item = json_builder_new ();
    double servings = fc_sql_column_double (items, 2);
    JsonNode *food = fc_nutrition_food_to_json (db, fc_sql_column_int64 (items, 1));

    if (food == NULL)
      return NULL;

    json_builder_begin_object (item);
    json_builder_set_member_name (item, "id");
    json_builder_add_int_value (item, fc_sql_column_int64 (items, 0));
    json_builder_set_member_name (item, "meal");
    json_builder_add_int_value (item, meal_id);
    json_builder_set_member_name (item, "food_detail");
    json_builder_add_value (item, food);
    json_builder_set_member_name (item, "number_of_servings");
    json_builder_add_double_value (item, servings);
    for (guint i = 0; i < G_N_ELEMENTS (nutrients); i++) {
      g_autofree char *member = g_strconcat ("calculated_", nutrients[i], NULL);
      double value = fc_sql_column_double (items, 3 + (int) i) * servings;

      json_builder_set_member_name (item, member);
      json_builder_add_double_value (item, value);
      totals[i] += value;
    }
    json_builder_end_object (item);
    json_array_add_element (item_array, json_builder_get_root (item));
    n_items++;
  }

  begin_owned_object (builder, stmt);
  add_column_text (builder, "name", stmt, 6);
  add_column_text (builder, "meal_time_category", stmt, 7);
  add_column_text (builder, "description", stmt, 8);
  add_column_boolean (builder, "is_template", stmt, 9);
  for (guint i = 0; i < G_N_ELEMENTS (nutrients); i++) {
    g_autofree char *member = g_strconcat ("total_", nutrients[i], NULL);

    add_total (builder, member, n_items, totals[i]);
  }
  add_column_text (builder, "created_at", stmt, 10);
  add_column_text (builder, "updated_at", stmt, 11);
  json_builder_set_member_name (builder, "meal_items");
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, item_array);
  json_builder_add_value (builder, node);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Each meal is read once however many days it is on: the copies cost no
 * queries, so a long plan answers in time proportional to its size. */
static JsonNode *
schedule_to_json (FcSql *db,
                  gint64   plan_id,
                  gint64   viewer_id)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(GHashTable) meals = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       (GDestroyNotify) json_node_unref);
  JsonNode *node;

  stmt = prepare_for_id (db, "SELECT s.id, s.meal_id, s.day_of_plan"
                             " FROM scheduled_meals s JOIN meals m ON m.id = s.meal_id"
                             " WHERE s.meal_plan_id = ?"
                             " ORDER BY s.day_of_plan, " MEAL_TIME_ORDER ", s.id", plan_id);
  if (stmt == NULL)
    return NULL;

  while (fc_sql_step (stmt) == FC_SQL_ROW) {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    gint64 meal_id = fc_sql_column_int64 (stmt, 1);
    JsonNode *meal = g_hash_table_lookup (meals, &meal_id);

    if (meal == NULL) {
      meal = fc_nutrition_meal_to_json (db, meal_id, viewer_id);
      if (meal == NULL)
        return NULL;
      g_hash_table_insert (meals, g_memdup2 (&meal_id, sizeof meal_id), meal);
    }

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "id");
    json_builder_add_int_value (builder, fc_sql_column_int64 (stmt, 0));
    json_builder_set_member_name (builder, "meal_plan");
    json_builder_add_int_value (builder, plan_id);
    json_builder_set_member_name (builder, "meal");
    json_builder_add_int_value (builder, meal_id);
    json_builder_set_member_name (builder, "meal_detail");
    json_builder_add_value (builder, json_node_copy (meal));
    json_builder_set_member_name (builder, "day_of_plan");
    json_builder_add_int_value (builder, fc_sql_column_int64 (stmt, 2));
    json_builder_end_object (builder);
    json_array_add_element (array, json_builder_get_root (builder));
  }

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, array);
  return node;
}

JsonNode *
fc_nutrition_plan_to_json (FcSql *db,
                           gint64   plan_id,
                           gint64   viewer_id)
{
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *schedule;

  stmt = prepare_for_id (db, "SELECT p.id, p.user_id, u.id, u.email, u.first_name,"
                             " u.last_name, p.name, p.description, p.goal, p.duration_days,"
                             " p.start_date, p.target_daily_calories,"
                             " p.target_daily_protein, p.target_daily_carbohydrates,"
                             " p.target_daily_fat, p.is_active, p.is_template,"
                             " p.is_ai_generated, p.created_at, p.updated_at"
                             " FROM meal_plans p JOIN users u ON u.id = p.user_id"
                             " WHERE p.id = ?", plan_id);
  if (stmt == NULL)
    return NULL;
  if (fc_sql_step (stmt) != FC_SQL_ROW)
    return NULL;

  schedule = schedule_to_json (db, plan_id, viewer_id);
  if (schedule == NULL)
    return NULL;

  begin_owned_object (builder, stmt);
  add_column_text (builder, "name", stmt, 6);
  add_column_text (builder, "description", stmt, 7);
  add_column_text (builder, "goal", stmt, 8);
  json_builder_set_member_name (builder, "duration_days");
  json_builder_add_int_value (builder, fc_sql_column_int64 (stmt, 9));
  add_column_text (builder, "start_date", stmt, 10);
  add_column_double_or_null (builder, "target_daily_calories", stmt, 11);
  add_column_double_or_null (builder, "target_daily_protein", stmt, 12);
  add_column_double_or_null (builder, "target_daily_carbohydrates", stmt, 13);
  add_column_double_or_null (builder, "target_daily_fat", stmt, 14);
  add_column_boolean (builder, "is_active", stmt, 15);
  add_column_boolean (builder, "is_template", stmt, 16);
  add_column_boolean (builder, "is_ai_generated", stmt, 17);
  add_column_text (builder, "created_at", stmt, 18);
  add_column_text (builder, "updated_at", stmt, 19);
  json_builder_set_member_name (builder, "scheduled_meals");
  json_builder_add_value (builder, schedule);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gint64
fc_nutrition_plan_weight (FcSql *db,
                          gint64   plan_id)
{
  /* Every entry copies its meal's whole object, items and foods included:
   * the copies are what take the time. */
  g_autoptr(FcSqlStmt) stmt = prepare_for_id (db,
    "SELECT (SELECT COUNT(*) FROM scheduled_meals WHERE meal_plan_id = ?1)"
    " + (SELECT COUNT(*) FROM scheduled_meals s JOIN meal_items i ON i.meal_id = s.meal_id"
    "    WHERE s.meal_plan_id = ?1)", plan_id);

  if (stmt == NULL || fc_sql_step (stmt) != FC_SQL_ROW)
    return G_MAXINT64;
  return fc_sql_column_int64 (stmt, 0);
}

/* What a plan answers beyond its free text, from the wire shapes with a
 * margin (json-glib writes doubles with up to 17 digits): a meal item with
 * its food_detail, a meal with its totals, user_detail and timestamps, a
 * schedule entry around its meal_detail, and a plan's own fields. */
#define ITEM_BYTES 760
#define MEAL_BYTES 520
#define ENTRY_BYTES 80
#define PLAN_BYTES 700

#define TEXT_BYTES(column) "octet_length(COALESCE(" column ", ''))"

gboolean
fc_nutrition_plans_size (FcSql *db,
                         gint64   user_id,
                         gint64  *out_total,
                         gint64  *out_largest)
{
  /* Each meal is sized once; scheduled meals are always the plan owner's. */
  g_autoptr(FcSqlStmt) stmt = prepare_for_id (db,
    "WITH meal_size AS MATERIALIZED ("
    "  SELECT m.id AS id, " G_STRINGIFY (MEAL_BYTES) " + " TEXT_BYTES ("m.name")
    "   + " TEXT_BYTES ("m.description") " + COALESCE(("
    "    SELECT SUM(" G_STRINGIFY (ITEM_BYTES) " + " TEXT_BYTES ("f.name")
    "     + " TEXT_BYTES ("f.description") " + " TEXT_BYTES ("f.serving_unit") ")"
    "    FROM meal_items i JOIN foods f ON f.id = i.food_id WHERE i.meal_id = m.id), 0)"
    "   AS bytes"
    "  FROM meals m WHERE m.user_id = ?1)"
    " SELECT " G_STRINGIFY (PLAN_BYTES) " + " TEXT_BYTES ("p.name") " + "
    TEXT_BYTES ("p.description") " + COALESCE(("
    "  SELECT SUM(" G_STRINGIFY (ENTRY_BYTES) " + z.bytes) FROM scheduled_meals s"
    "  JOIN meal_size z ON z.id = s.meal_id WHERE s.meal_plan_id = p.id), 0)"
    " FROM meal_plans p WHERE p.user_id = ?1", user_id);
  gint64 total = 0, largest = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = fc_sql_step (stmt)) == FC_SQL_ROW) {
    gint64 size = fc_sql_column_int64 (stmt, 0);

    total += size;
    largest = MAX (largest, size);
  }
  if (rc != FC_SQL_DONE) {
    g_warning ("Could not size the meal plans: %s", fc_sql_errmsg (db));
    return FALSE;
  }
  *out_total = total;
  *out_largest = largest;
  return TRUE;
}

gboolean
fc_nutrition_check_plans_size (FcSql       *db,
                               gint64         user_id,
                               const char    *field,
                               FcFieldErrors *errors)
{
  gint64 total = 0, largest = 0;

  if (!fc_nutrition_plans_size (db, user_id, &total, &largest))
    return FALSE;

  if (largest > FC_NUTRITION_PLAN_ANSWER_MAX)
    fc_field_errors_add (errors, field,
                         "Ensure a meal plan takes at most %d MB to send (this would take %.1f"
                         " MB): schedule fewer or smaller meals.",
                         FC_NUTRITION_PLAN_ANSWER_MAX / (1024 * 1024),
                         largest / (1024.0 * 1024.0));
  else if (total > FC_NUTRITION_PLANS_ANSWER_MAX)
    fc_field_errors_add (errors, field,
                         "Ensure your meal plans together take at most %d MB to send: delete"
                         " some, or schedule fewer or smaller meals.",
                         FC_NUTRITION_PLANS_ANSWER_MAX / (1024 * 1024));
  return TRUE;
}
