/* test-admin-import.c — the app's side of the foods CSV import against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcAdminService's import (src/sync/fc-admin-service.c) is what the Admin
 * section's Foods page runs: a dry run, then the same file without the
 * rows the dry run refused (fc_admin_csv_without_rows ()). The rows it
 * drops must be the ones the server numbered, whatever the file holds:
 * blank lines (not rows to the server), a quoted field with line breaks
 * and commas, a byte-order mark, a last line without its line break. A
 * commit the server refuses for its rows hands back the report.
 */

#include "config.h"

#include <string.h>

#include "admin-test-util.h"
#include "fc-admin-service.h"
#include "fc-json.h"
#include "nutrition-test-util.h"

typedef struct {
  NtFixture       nt;
  FcApiClient    *client;
  FcAdminService *service;
} Fixture;

/* Rows as the server counts them: header 1, Oats 2, the bad calories 3
 * (after a blank line), Stew 4 (its description spans three lines), a
 * duplicate of Oats 5, Rice 6 (after two blank lines, no final break). */
static const char tricky_csv[] =
  "\xEF\xBB\xBF" "name,description,calories,protein,carbohydrates,fat\r\n"
  "Import Oats,,389,16.9,66.3,6.9\r\n"
  "\r\n"
  "Import Bad,,-1,1,1,1\r\n"
  "Import Stew,\"Beef, carrots\nand \"\"stock\"\"\r\ncooked slowly\",95,9,6,3.5\n"
  "import oats,,1,1,1,1\n"
  "\n\r\n"
  "Import Rice,\"\",130,2.7,28,0.3";

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  nt_fixture_set_up (&fixture->nt, NULL);
  url = g_strconcat (fixture->nt.server->base_url, "/", NULL);
  fixture->client = fc_api_client_new (url, &error);
  g_assert_no_error (error);
  fc_api_client_set_tokens (fixture->client, fixture->nt.token_staff, NULL);
  fixture->service = fc_admin_service_new (fixture->client);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->client);
  nt_fixture_tear_down (&fixture->nt, NULL);
}

static void
on_result_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs an import of @csv and returns its answer (NULL on error). */
static JsonObject *
import (Fixture     *fixture,
        GBytes      *csv,
        gboolean     dry_run,
        JsonObject **out_refusal,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fc_admin_service_import_foods_async (fixture->service, csv, dry_run, NULL, on_result_cb,
                                       &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return fc_admin_service_import_foods_finish (fixture->service, result, out_refusal, error);
}

/* The refused rows of a report, as the Foods page collects them. */
static GArray *
refused_rows (JsonObject *report)
{
  JsonArray *refused = fc_json_get_array (report, "refused");
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (guint));

  g_assert_nonnull (refused);
  for (guint i = 0; i < json_array_get_length (refused); i++) {
    gint64 row = 0;
    guint number;

    g_assert_true (fc_json_get_int (json_array_get_object_element (refused, i), "row", &row));
    number = (guint) row;
    g_array_append_val (rows, number);
  }
  return rows;
}

static char *
joined_names (JsonArray *names)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) all = NULL;

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    g_strv_builder_add (builder, json_array_get_string_element (names, i));
  all = g_strv_builder_end (builder);
  return g_strjoinv ("|", all);
}

static void
test_dry_run_then_good_rows (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GBytes) csv = g_bytes_new_static (tricky_csv, strlen (tricky_csv));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GBytes) good = NULL;
  g_autofree char *valid = NULL;
  g_autofree char *description = NULL;
  gint64 before = ad_db_int (fixture->nt.server, "SELECT count(*) FROM foods");
  gint64 created = 0;

  report = import (fixture, csv, TRUE, NULL, &error);
  g_assert_no_error (error);
  valid = joined_names (fc_json_get_array (report, "valid"));
  g_assert_cmpstr (valid, ==, "Import Oats|Import Stew|Import Rice");
  rows = refused_rows (report);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (g_array_index (rows, guint, 0), ==, 3);
  g_assert_cmpuint (g_array_index (rows, guint, 1), ==, 5);
  /* A dry run writes nothing. */
  g_assert_cmpint (ad_db_int (fixture->nt.server, "SELECT count(*) FROM foods"), ==, before);

  /* Without rows 3 and 5 the server finds the same foods and none to refuse. */
  good = fc_admin_csv_without_rows (csv, rows);
  g_clear_pointer (&valid, g_free);
  again = import (fixture, good, TRUE, NULL, &error);
  g_assert_no_error (error);
  valid = joined_names (fc_json_get_array (again, "valid"));
  g_assert_cmpstr (valid, ==, "Import Oats|Import Stew|Import Rice");
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (again, "refused")), ==, 0);

  answer = import (fixture, good, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fc_json_get_int (answer, "created", &created));
  g_assert_cmpint (created, ==, 3);
  g_assert_cmpint (ad_db_int (fixture->nt.server, "SELECT count(*) FROM foods"), ==, before + 3);
  g_assert_cmpint (ad_db_int (fixture->nt.server,
                              "SELECT count(*) FROM foods WHERE is_public = 1 AND name IN "
                              "('Import Oats', 'Import Stew', 'Import Rice')"), ==, 3);
  g_assert_cmpint (ad_db_int (fixture->nt.server,
                              "SELECT count(*) FROM foods WHERE name = 'Import Bad'"), ==, 0);
  /* The quoted field came through byte for byte. */
  g_assert_cmpint (ad_db_int (fixture->nt.server,
                              "SELECT count(*) FROM foods WHERE name = 'Import Stew' AND "
                              "description = 'Beef, carrots\nand \"stock\"\r\ncooked slowly'"), ==, 1);
  g_assert_cmpint (ad_db_int (fixture->nt.server,
                              "SELECT count(*) FROM audit_log WHERE action = 'food.import'"), ==, 1);
}

static void
test_refused_commit (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char text[] = "name,calories,protein,carbohydrates,fat\nImport Soup,50,2,6,1\n"
                             "Import Broken,x,1,1,1\n";
  g_autoptr(GBytes) csv = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) refusal = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GArray) rows = NULL;
  gint64 before = ad_db_int (fixture->nt.server, "SELECT count(*) FROM foods");

  /* Sent whole, one bad row refuses the file, and the report comes back. */
  answer = import (fixture, csv, FALSE, &refusal, &error);
  g_assert_null (answer);
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
  g_assert_nonnull (refusal);
  rows = refused_rows (refusal);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpuint (g_array_index (rows, guint, 0), ==, 3);
  g_assert_cmpint (ad_db_int (fixture->nt.server, "SELECT count(*) FROM foods"), ==, before);
  g_clear_error (&error);
  g_clear_pointer (&refusal, json_object_unref);

  /* A file that is no table of foods: the server's sentence, no report. */
  {
    static const char bad[] = "name,price\nImport Tea,2\n";
    g_autoptr(GBytes) file = g_bytes_new_static (bad, strlen (bad));
    g_autoptr(JsonObject) none = import (fixture, file, TRUE, &refusal, &error);

    g_assert_null (none);
    g_assert_null (refusal);
    g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
    g_assert_true (g_str_has_prefix (error->message, "Unknown column \"price\""));
  }
}

static void
test_without_rows (void)
{
  static const char text[] = "a,b\r\n1,2\r\n\"x\ny\",3\r\n4,5";
  g_autoptr(GBytes) csv = g_bytes_new_static (text, strlen (text));
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GBytes) out = NULL;
  guint header = 1, second = 3;

  /* Nothing dropped: every record once, each ended with CRLF. */
  out = fc_admin_csv_without_rows (csv, rows);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   "a,b\r\n1,2\r\n\"x\ny\",3\r\n4,5\r\n", 24);
  g_clear_pointer (&out, g_bytes_unref);

  /* The header is never dropped; row 3 is the quoted two-line record. */
  g_array_append_val (rows, header);
  g_array_append_val (rows, second);
  out = fc_admin_csv_without_rows (csv, rows);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   "a,b\r\n1,2\r\n4,5\r\n", 15);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add_func ("/admin/import/without-rows", test_without_rows);
  g_test_add ("/admin/import/dry-run-then-good-rows", Fixture, NULL, fixture_set_up,
              test_dry_run_then_good_rows, fixture_tear_down);
  g_test_add ("/admin/import/refused-commit", Fixture, NULL, fixture_set_up,
              test_refused_commit, fixture_tear_down);

  return g_test_run ();
}
