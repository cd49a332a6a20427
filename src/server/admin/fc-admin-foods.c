/* fc-admin-foods.c — admin/foods/import/: public foods from a CSV file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The body is the CSV itself (RFC 4180: a header row naming the columns,
 * fields quoted with "" when they hold commas, quotes or line breaks).
 * Every row is checked as POST nutrition/foods/ checks a food, and a name
 * that a public food or an earlier row already has is refused, so an
 * import run twice adds nothing. With ?dry_run=true nothing is written
 * and the answer lists what would be created and what is refused; without
 * it, one refused row refuses the file (400, the same list), else every
 * row is created in one transaction with one audit row for the import.
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "fc-admin-private.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "fc-time.h"

#define NAME_MAX_LENGTH 255
#define UNIT_MAX_LENGTH 50

static const char * const columns[] = {
  "name", "description", "serving_quantity", "serving_unit", "calories", "protein",
  "carbohydrates", "fat", "fiber", "sugar", "sodium", "food_category", NULL
};
static const char * const required_numbers[] = { "calories", "protein", "carbohydrates", "fat" };
static const char * const optional_numbers[] = { "fiber", "sugar", "sodium" };
static const char * const food_categories[] = { "FR", "VG", "GR", "PR", "DR", "FO", "BV", "OT", NULL };

/* RFC 4180 records of @text; NULL with @error for a quote left open or a
 * byte that is not UTF-8. Records that are one empty field (blank lines)
 * are dropped. */
static GPtrArray *
parse_csv (const char  *text,
           gsize        length,
           char       **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) record = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new ("");
  gboolean quoted = FALSE, was_quoted = FALSE;
  gsize i = 0;

  if (!g_utf8_validate (text, length, NULL)) {
    *error = g_strdup ("The file is not UTF-8 text.");
    return NULL;
  }
  /* A byte-order mark, as spreadsheets write one. */
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    i = 3;

  for (; i <= length; i++) {
    char c = i < length ? text[i] : '\n';

    if (quoted) {
      if (i == length) {
        *error = g_strdup ("A quoted field is not closed.");
        return NULL;
      }
      if (c == '"' && i + 1 < length && text[i + 1] == '"') {
        g_string_append_c (field, '"');
        i++;
      } else if (c == '"') {
        quoted = FALSE;
      } else {
        g_string_append_c (field, c);
      }
    } else if (c == '"' && field->len == 0 && !was_quoted) {
      quoted = was_quoted = TRUE;
    } else if (c == ',') {
      g_ptr_array_add (record, g_strdup (field->str));
      g_string_truncate (field, 0);
      was_quoted = FALSE;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
        i++;
      g_ptr_array_add (record, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (record->len > 1 || *(const char *) g_ptr_array_index (record, 0) != '\0' || was_quoted)
        g_ptr_array_add (records, g_steal_pointer (&record));
      else
        g_ptr_array_set_size (record, 0);
      if (record == NULL)
        record = g_ptr_array_new_with_free_func (g_free);
      was_quoted = FALSE;
      /* The line break at the very end closes the last record. */
      if (i + 1 >= length)
        break;
    } else {
      g_string_append_c (field, c);
    }
  }
  return g_steal_pointer (&records);
}

static gboolean
is_column (const char *name)
{
  return g_strv_contains (columns, name);
}

/* Checks one row (an object of strings) into @errors; fills @values with
 * what it inserts, in columns' order. */
static void
check_row (JsonObject    *row,
           FcFieldErrors *errors,
           JsonObject    *values)
{
  const char *text = NULL;
  double number;
  gboolean is_null;

  if (fc_validate_string (row, "name", TRUE, FALSE, NAME_MAX_LENGTH, errors, &text))
    json_object_set_string_member (values, "name", text);
  if (fc_json_has_member (row, "description") &&
      fc_validate_string (row, "description", FALSE, TRUE, 0, errors, &text))
    json_object_set_string_member (values, "description", text);
  if (fc_json_has_member (row, "serving_quantity") &&
      fc_validate_number (row, "serving_quantity", FALSE, FALSE, 0.01, INFINITY, errors, &number, NULL))
    json_object_set_double_member (values, "serving_quantity", number);
  if (fc_json_has_member (row, "serving_unit") &&
      fc_validate_string (row, "serving_unit", FALSE, FALSE, UNIT_MAX_LENGTH, errors, &text))
    json_object_set_string_member (values, "serving_unit", text);
  for (guint i = 0; i < G_N_ELEMENTS (required_numbers); i++) {
    if (fc_validate_number (row, required_numbers[i], TRUE, FALSE, 0, INFINITY, errors, &number, NULL))
      json_object_set_double_member (values, required_numbers[i], number);
  }
  for (guint i = 0; i < G_N_ELEMENTS (optional_numbers); i++) {
    if (fc_json_has_member (row, optional_numbers[i]) &&
        fc_validate_number (row, optional_numbers[i], FALSE, TRUE, 0, INFINITY, errors, &number,
                            &is_null) && !is_null)
      json_object_set_double_member (values, optional_numbers[i], number);
  }
  if (fc_json_has_member (row, "food_category") &&
      fc_validate_choice (row, "food_category", FALSE, FALSE, food_categories, errors, &text))
    json_object_set_string_member (values, "food_category", text);
}

static gboolean
public_name_exists (FcSql    *db,
                    const char *name)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT 1 FROM foods WHERE is_public = 1 AND lower (name) = lower (?)");

  fc_sql_bind_text (stmt, 1, name);
  return fc_sql_step_row (stmt);
}

static gint64
insert_food (FcSql    *db,
             JsonObject *values,
             gint64      owner,
             const char *now)
{
  g_autoptr(GString) names = g_string_new ("user_added_id, is_public, created_at, updated_at");
  g_autoptr(GString) marks = g_string_new ("?, 1, ?, ?");
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autofree char *sql = NULL;
  int n = 3;

  for (guint i = 0; columns[i] != NULL; i++) {
    if (!json_object_has_member (values, columns[i]))
      continue;
    g_string_append_printf (names, ", %s", columns[i]);
    g_string_append (marks, ", ?");
  }
  sql = g_strdup_printf ("INSERT INTO foods (%s) VALUES (%s)", names->str, marks->str);
  stmt = fc_sql_prepare (db, sql);
  fc_sql_bind_int64 (stmt, 1, owner);
  fc_sql_bind_text (stmt, 2, now);
  fc_sql_bind_text (stmt, 3, now);
  for (guint i = 0; columns[i] != NULL; i++) {
    JsonNode *node = json_object_get_member (values, columns[i]);

    if (node == NULL)
      continue;
    n++;
    if (json_node_get_value_type (node) == G_TYPE_STRING)
      fc_sql_bind_text (stmt, n, json_node_get_string (node));
    else
      fc_sql_bind_double (stmt, n, json_node_get_double (node));
  }
  return fc_sql_step_done (stmt) ? fc_sql_last_insert_id (db) : 0;
}

static void
respond_file_error (FcServerRequest *request,
                    const char      *message)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

  fc_field_errors_add (errors, "file", "%s", message);
  fc_server_request_respond_errors (request, errors);
}

/* POST admin/foods/import/[?dry_run=true] */
void
fc_admin_foods_import_cb (FcServerRequest *request)
{
  static const char * const names[] = { "dry_run", NULL };
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(JsonObject) query = fc_admin_query_object (request, names);
  g_autoptr(FcFieldErrors) query_errors = fc_field_errors_new ();
  g_autoptr(GBytes) body = fc_server_request_dup_raw_body (request);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) accepted = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JsonArray) refused = json_array_new ();
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autofree char *error = NULL;
  g_autofree char *now = fc_time_now_iso8601 ();
  GPtrArray *header;
  gboolean dry_run = FALSE;
  JsonObject *answer;
  gsize length = 0;
  const char *text = g_bytes_get_data (body, &length);

  if (fc_json_has_member (query, "dry_run") &&
      !fc_validate_boolean (query, "dry_run", FALSE, query_errors, &dry_run)) {
    fc_server_request_respond_errors (request, query_errors);
    return;
  }
  records = parse_csv (text != NULL ? text : "", length, &error);
  if (records == NULL) {
    respond_file_error (request, error);
    return;
  }
  if (records->len < 2) {
    respond_file_error (request, "Give a header row and at least one food.");
    return;
  }
  if (records->len - 1 > FC_ADMIN_IMPORT_MAX_ROWS) {
    g_autofree char *message = g_strdup_printf ("At most %d foods a file.", FC_ADMIN_IMPORT_MAX_ROWS);

    respond_file_error (request, message);
    return;
  }
  header = g_ptr_array_index (records, 0);
  for (guint c = 0; c < header->len; c++) {
    g_autofree char *name = g_strstrip (g_ascii_strdown (g_ptr_array_index (header, c), -1));

    if (!is_column (name)) {
      g_autofree char *message = g_strdup_printf ("Unknown column \"%s\"; the columns are name, description,"
                                                  " serving_quantity, serving_unit, calories, protein,"
                                                  " carbohydrates, fat, fiber, sugar, sodium,"
                                                  " food_category.", name);

      respond_file_error (request, message);
      return;
    }
    g_free (header->pdata[c]);
    header->pdata[c] = g_steal_pointer (&name);
  }

  for (guint r = 1; r < records->len; r++) {
    GPtrArray *record = g_ptr_array_index (records, r);
    g_autoptr(JsonObject) row = json_object_new ();
    g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
    g_autoptr(JsonObject) values = json_object_new ();
    const char *name;

    if (record->len != header->len) {
      fc_field_errors_add (errors, "non_field_errors", "This row has %u fields; the header has %u.",
                           record->len, header->len);
    } else {
      for (guint c = 0; c < header->len; c++) {
        const char *cell = g_ptr_array_index (record, c);

        /* An empty cell is an absent value, as a spreadsheet means it. */
        if (*cell != '\0')
          json_object_set_string_member (row, g_ptr_array_index (header, c), cell);
      }
      check_row (row, errors, values);
    }
    name = fc_json_get_string (values, "name");
    if (name != NULL) {
      g_autofree char *key = g_utf8_casefold (name, -1);

      if (public_name_exists (db, name))
        fc_field_errors_add (errors, "name", "A public food with this name exists.");
      else if (g_hash_table_contains (seen, key))
        fc_field_errors_add (errors, "name", "An earlier row of this file has this name.");
      else
        g_hash_table_add (seen, g_steal_pointer (&key));
    }

    if (!fc_field_errors_is_empty (errors)) {
      JsonObject *entry = json_object_new ();

      /* Rows are counted as a spreadsheet shows them: the header is 1. */
      json_object_set_int_member (entry, "row", r + 1);
      json_object_set_member (entry, "errors", fc_field_errors_to_node (errors));
      json_array_add_object_element (refused, entry);
    } else {
      g_ptr_array_add (accepted, g_steal_pointer (&values));
    }
  }

  answer = json_object_new ();
  json_object_set_boolean_member (answer, "dry_run", dry_run);
  json_object_set_int_member (answer, "rows", records->len - 1);
  if (dry_run || json_array_get_length (refused) > 0) {
    JsonArray *would = json_array_new ();

    for (guint i = 0; i < accepted->len; i++)
      json_array_add_string_element (would, fc_json_get_string (g_ptr_array_index (accepted, i), "name"));
    json_object_set_array_member (answer, "valid", would);
    json_object_set_array_member (answer, "refused", json_array_ref (refused));
    fc_server_request_respond_json (request, dry_run ? SOUP_STATUS_OK : SOUP_STATUS_BAD_REQUEST,
                                    fc_admin_object_node (answer));
    return;
  }

  /* One audit row for the file, not one a food from the content triggers. */
  fc_admin_set_actor (db, 0);
  for (guint i = 0; i < accepted->len; i++) {
    gint64 id = insert_food (db, g_ptr_array_index (accepted, i), fc_server_request_get_user_id (request), now);

    if (id == 0) {
      json_object_unref (answer);
      fc_admin_respond_server_error (request);
      return;
    }
    json_array_add_int_element (ids, id);
  }
  {
    g_autoptr(JsonObject) after = json_object_new ();

    json_object_set_int_member (after, "created", json_array_get_length (ids));
    json_object_set_array_member (after, "ids", json_array_ref (ids));
    if (!fc_admin_audit (db, fc_server_request_get_user_id (request), "food.import", "food", 0, NULL, after)) {
      json_object_unref (answer);
      fc_admin_respond_server_error (request);
      return;
    }
  }
  json_object_set_int_member (answer, "created", json_array_get_length (ids));
  json_object_set_array_member (answer, "ids", json_array_ref (ids));
  json_object_set_array_member (answer, "refused", json_array_ref (refused));
  fc_server_request_respond_json (request, SOUP_STATUS_CREATED, fc_admin_object_node (answer));
}
