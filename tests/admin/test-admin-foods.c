/* test-admin-foods.c — POST admin/foods/import/: public foods from a CSV file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A dry run lists the rows it would create and the ones it refuses (and
 * why) and writes nothing; the real import with one bad row writes
 * nothing either; a clean file creates every food in one go with one
 * audit row; importing it again is refused row by row (the names exist).
 */

#include "config.h"

#include <string.h>

#include "admin-test-util.h"
#include "fc-json.h"
#include "nutrition-test-util.h"

#define IMPORT "/api/v1/admin/foods/import/"

#define GOOD_CSV \
  "\xEF\xBB\xBFname,calories,protein,carbohydrates,fat,food_category,serving_unit,fiber\r\n" \
  "Rice,130,2.7,28,0.3,GR,g,\r\n" \
  "\"Beans, black\",132,8.9,23.7,0.5,VG,g,8.7\r\n" \
  "\"The \"\"best\"\" oats\",389,16.9,66.3,6.9,GR,g,10.6\r\n" \
  "\r\n"

#define BAD_CSV \
  "name,calories,protein,carbohydrates,fat,food_category\n" \
  "Apple,52,0.3,14,0.2,FR\n" \
  "Pear,-5,0.4,15,0.1,FR\n" \
  "apple,52,0.3,14,0.2,FR\n" \
  "Kiwi,61,1.1,15,0.5,XX\n" \
  "Plum,46,0.7\n"

static FcTestResponse *
post_csv (NtFixture  *fixture,
          const char *path,
          const char *token,
          const char *csv)
{
  g_autofree char *auth = token != NULL ? g_strdup_printf ("Bearer %s", token) : NULL;
  const char *headers[] = { "Authorization", auth, NULL };
  g_autoptr(GBytes) body = g_bytes_new (csv, strlen (csv));

  return fc_test_request_full (fixture->server, "POST", path, auth != NULL ? headers : NULL, "text/csv",
                               body);
}

static const char *
row_error (JsonArray  *refused,
           guint       index,
           const char *field)
{
  JsonObject *entry = json_array_get_object_element (refused, index);
  JsonArray *messages = fc_json_get_array (fc_json_get_object (entry, "errors"), field);

  g_assert_nonnull (messages);
  return json_array_get_string_element (messages, 0);
}

static void
test_import (NtFixture     *fixture,
             gconstpointer  data)
{
  g_autoptr(FcTestResponse) dry = NULL;
  g_autoptr(FcTestResponse) bad = NULL;
  g_autoptr(FcTestResponse) good = NULL;
  g_autoptr(FcTestResponse) again = NULL;
  g_autoptr(FcTestResponse) user = NULL;
  g_autoptr(FcTestResponse) empty = NULL;
  g_autoptr(FcTestResponse) column = NULL;
  g_autoptr(FcTestResponse) quote = NULL;
  JsonObject *object;
  JsonArray *refused, *valid;

  nt_create (fixture->server, "/api/v1/nutrition/foods/", fixture->token_staff,
             "{\"name\":\"APPLE\",\"calories\":52,\"protein\":0.3,\"carbohydrates\":14,\"fat\":0.2,"
             "\"is_public\":true}");

  /* A dry run: what would be created, what is refused and why. */
  dry = post_csv (fixture, IMPORT "?dry_run=true", fixture->token_staff, BAD_CSV);
  g_assert_cmpuint (dry->status, ==, 200);
  object = fc_test_response_object (dry);
  g_assert_true (json_object_get_boolean_member (object, "dry_run"));
  g_assert_cmpint (json_object_get_int_member (object, "rows"), ==, 5);
  valid = fc_json_get_array (object, "valid");
  g_assert_cmpuint (json_array_get_length (valid), ==, 0);
  refused = fc_json_get_array (object, "refused");
  g_assert_cmpuint (json_array_get_length (refused), ==, 5);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (refused, 0), "row"), ==, 2);
  g_assert_cmpstr (row_error (refused, 0, "name"), ==, "A public food with this name exists.");
  g_assert_cmpstr (row_error (refused, 1, "calories"), ==, "Ensure this value is greater than or equal to 0.");
  g_assert_cmpstr (row_error (refused, 2, "name"), ==, "A public food with this name exists.");
  g_assert_cmpstr (row_error (refused, 3, "food_category"), ==, "\"XX\" is not a valid choice.");
  g_assert_cmpstr (row_error (refused, 4, "non_field_errors"), ==, "This row has 3 fields; the header has 6.");
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM foods"), ==, 1);

  /* For real, one bad row refuses the file. */
  bad = post_csv (fixture, IMPORT, fixture->token_staff, BAD_CSV);
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (fc_test_response_object (bad), "refused")), ==, 5);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM foods"), ==, 1);

  /* A clean file: every food, public, in one go, one audit row. */
  good = post_csv (fixture, IMPORT, fixture->token_staff, GOOD_CSV);
  g_assert_cmpuint (good->status, ==, 201);
  object = fc_test_response_object (good);
  g_assert_cmpint (json_object_get_int_member (object, "created"), ==, 3);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM foods WHERE is_public = 1"), ==, 4);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM foods WHERE name = 'Beans, black'"
                                            " AND fiber = 8.7 AND food_category = 'VG' AND user_added_id = 3"), ==, 1);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM foods WHERE name = 'The \"best\" oats'"), ==, 1);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM foods WHERE name = 'Rice' AND fiber IS NULL"),
                   ==, 1);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM audit_log WHERE action = 'food.import'"
                                            " AND CAST (json_extract (after, '$.created') AS TEXT) = '3'"), ==, 1);
  /* The one public food made through nutrition/foods/ is its own row. */
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM audit_log"), ==, 2);
  g_assert_cmpint (nt_count (fixture->server, "/api/v1/nutrition/foods/?search=oats", fixture->token_a), ==, 1);

  /* Again: every name exists now. */
  again = post_csv (fixture, IMPORT, fixture->token_staff, GOOD_CSV);
  g_assert_cmpuint (again->status, ==, 400);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (fc_test_response_object (again), "refused")), ==, 3);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM foods"), ==, 4);

  /* Staff only; and files that are not a table of foods. */
  user = post_csv (fixture, IMPORT, fixture->token_a, GOOD_CSV);
  g_assert_cmpuint (user->status, ==, 403);
  empty = post_csv (fixture, IMPORT, fixture->token_staff, "name,calories\n");
  g_assert_cmpuint (empty->status, ==, 400);
  column = post_csv (fixture, IMPORT, fixture->token_staff, "name,price\nRice,3\n");
  g_assert_cmpuint (column->status, ==, 400);
  g_assert_true (g_str_has_prefix (json_array_get_string_element (
    fc_json_get_array (fc_test_response_object (column), "file"), 0), "Unknown column \"price\""));
  quote = post_csv (fixture, IMPORT, fixture->token_staff, "name,calories\n\"Rice,3\n");
  g_assert_cmpuint (quote->status, ==, 400);
  g_assert_cmpint (ad_db_int (fixture->server, "SELECT count(*) FROM foods"), ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/admin/foods/import", NtFixture, NULL, nt_fixture_set_up, test_import, nt_fixture_tear_down);
  return g_test_run ();
}
