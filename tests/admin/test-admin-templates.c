/* test-admin-templates.c — admin/meal-plan-templates/ against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Staff list every meal-plan template (hidden ones too, with the owner's
 * address), hide, publish, rename and delete them; nobody else reaches
 * the routes or writes anything. Each change leaves exactly one audit row
 * with the fields before and after. A hidden template leaves the public
 * list and reaches a user's change feed as a delete, a published one as
 * an upsert. Bad input is a 400 naming the field.
 */

#include "config.h"

#include <string.h>

#include "admin-test-util.h"
#include "fc-json.h"
#include "nutrition-test-util.h"

#define ADMIN "/api/v1/admin/meal-plan-templates/"
#define PUBLIC "/api/v1/nutrition/meal-plans/templates/"
#define PLANS "/api/v1/nutrition/meal-plans/"

/* A template of the staff account with one meal on day 1. */
static gint64
create_template (NtFixture  *fixture,
                 const char *name)
{
  gint64 meal = nt_create (fixture->server, "/api/v1/nutrition/meals/", fixture->token_staff,
                           "{\"name\":\"Porridge\",\"meal_time_category\":\"BF\",\"is_template\":true}");
  g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\",\"description\":\"Staff pick\","
                                           "\"duration_days\":3,\"is_template\":true,"
                                           "\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT
                                           ",\"day_of_plan\":1}]}", name, meal);

  return nt_create (fixture->server, PLANS, fixture->token_staff, json);
}

static char *
template_path (gint64 id)
{
  return g_strdup_printf (ADMIN "%" G_GINT64_FORMAT "/", id);
}

/* The rows of the audit trail this test's routes wrote. */
static gint64
audit_count (FcTestServer *server)
{
  return ad_db_int (server, "SELECT count(*) FROM audit_log WHERE object_type = 'meal_plan_template'"
                            " AND action IN ('meal_plan_template.update', 'meal_plan_template.delete')");
}

/* What a refused caller could have changed. */
static char *
footprint (FcTestServer *server)
{
  return g_strdup_printf ("audit=%" G_GINT64_FORMAT " templates=%" G_GINT64_FORMAT
                          " active=%" G_GINT64_FORMAT " names=%" G_GINT64_FORMAT,
                          ad_db_int (server, "SELECT count(*) FROM audit_log"),
                          ad_db_int (server, "SELECT count(*) FROM meal_plans WHERE is_template"),
                          ad_db_int (server, "SELECT count(*) FROM meal_plans WHERE is_active"),
                          ad_db_int (server, "SELECT count(*) FROM meal_plans WHERE name = 'Lean Week'"));
}

static void
test_authz (NtFixture     *fixture,
            gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 id = create_template (fixture, "Lean Week");
  g_autofree char *path = template_path (id);
  g_autofree char *before = footprint (server);
  const char *tokens[] = { NULL, fixture->token_a };
  const guint refused[] = { 401, 403 };

  for (guint caller = 0; caller < G_N_ELEMENTS (tokens); caller++) {
    g_autofree char *after = NULL;

    nt_expect (server, "GET", ADMIN, tokens[caller], NULL, refused[caller]);
    nt_expect (server, "GET", ADMIN "?search=lean", tokens[caller], NULL, refused[caller]);
    nt_expect (server, "PATCH", path, tokens[caller], "{\"is_active\":false,\"name\":\"X\"}",
               refused[caller]);
    nt_expect (server, "DELETE", path, tokens[caller], NULL, refused[caller]);
    after = footprint (server);
    g_assert_cmpstr (after, ==, before);
  }

  g_assert_cmpint (nt_count (server, ADMIN, fixture->token_staff), ==, 1);
  nt_expect (server, "PATCH", path, fixture->token_staff, "{\"is_active\":false}", 200);
  nt_expect (server, "DELETE", path, fixture->token_staff, NULL, 204);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM meal_plans"), ==, 0);
  g_assert_cmpint (audit_count (server), ==, 2);
}

static void
test_list (NtFixture     *fixture,
           gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 lean = create_template (fixture, "Lean Week");
  gint64 bulk = create_template (fixture, "Bulk 100% Up");
  g_autofree char *lean_path = template_path (lean);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *results;
  JsonObject *row;

  /* A user's own plan is no template: not listed, 404 here. */
  {
    gint64 private_plan = nt_create (server, PLANS, fixture->token_a, "{\"name\":\"Mine\"}");
    g_autofree char *private_path = template_path (private_plan);

    nt_expect (server, "PATCH", private_path, fixture->token_staff, "{\"is_active\":false}", 404);
    nt_expect (server, "DELETE", private_path, fixture->token_staff, NULL, 404);
  }

  nt_expect (server, "PATCH", lean_path, fixture->token_staff, "{\"is_active\":false}", 200);
  node = nt_request (server, "GET", ADMIN, fixture->token_staff, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (ad_object (node), "count"), ==, 2);
  results = fc_json_get_array (ad_object (node), "results");
  /* Newest first. */
  row = json_array_get_object_element (results, 0);
  g_assert_cmpint (json_object_get_int_member (row, "id"), ==, bulk);
  g_assert_true (json_object_get_boolean_member (row, "is_active"));
  row = json_array_get_object_element (results, 1);
  g_assert_cmpint (json_object_get_int_member (row, "id"), ==, lean);
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "Lean Week");
  g_assert_cmpstr (json_object_get_string_member (row, "owner_email"), ==, NT_EMAIL_STAFF);
  g_assert_false (json_object_get_boolean_member (row, "is_active"));
  g_assert_cmpint (json_object_get_int_member (row, "meals_count"), ==, 1);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (row, "created_at"), "20"));

  g_assert_cmpint (nt_count (server, ADMIN "?search=lean", fixture->token_staff), ==, 1);
  g_assert_cmpint (nt_count (server, ADMIN "?search=100%25", fixture->token_staff), ==, 1);
  g_assert_cmpint (nt_count (server, ADMIN "?search=admin%40fitcore", fixture->token_staff), ==, 2);
  g_assert_cmpint (nt_count (server, ADMIN "?search=nothing", fixture->token_staff), ==, 0);
  g_assert_cmpint (nt_count (server, ADMIN "?is_active=false", fixture->token_staff), ==, 1);
  g_assert_cmpint (nt_count (server, ADMIN "?is_active=true&search=bulk", fixture->token_staff), ==, 1);
  g_assert_cmpint (nt_count (server, ADMIN "?page_size=1&page=2", fixture->token_staff), ==, 2);
  nt_expect (server, "GET", ADMIN "?is_active=maybe", fixture->token_staff, NULL, 400);
  /* A search is bounded (254 characters): a longer one is a 400, not a
   * query with hundreds of LIKE terms. */
  {
    g_autofree char *words = g_strnfill (300, 'a');
    g_autofree char *path = g_strconcat (ADMIN "?search=", words, NULL);

    nt_expect (server, "GET", path, fixture->token_staff, NULL, 400);
  }
}

static void
test_hide_publish (NtFixture     *fixture,
                   gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 id = create_template (fixture, "Lean Week");
  g_autofree char *path = template_path (id);
  g_autofree char *cursor = NULL;
  g_autofree char *next = NULL;
  g_autofree char *op = NULL;
  g_autofree char *sql = NULL;
  gint64 audited = audit_count (server);

  g_assert_cmpint (nt_count (server, PUBLIC, fixture->token_a), ==, 1);
  op = ad_feed_op (server, fixture->token_a, NULL, "meal_plan_templates", id, &cursor);
  g_clear_pointer (&op, g_free);

  /* Hidden: gone from the public list, a delete in the feed, one audit row. */
  {
    g_autoptr(JsonNode) node = nt_request (server, "PATCH", path, fixture->token_staff,
                                           "{\"is_active\":false}", 200);

    g_assert_false (json_object_get_boolean_member (ad_object (node), "is_active"));
  }
  g_assert_cmpint (nt_count (server, PUBLIC, fixture->token_a), ==, 0);
  g_assert_cmpint (nt_count (server, PUBLIC, NULL), ==, 0);
  op = ad_feed_op (server, fixture->token_a, cursor, "meal_plan_templates", id, &next);
  g_assert_cmpstr (op, ==, "delete");
  g_clear_pointer (&op, g_free);
  g_assert_cmpint (audit_count (server), ==, audited + 1);
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'meal_plan_template.update'"
                         " AND object_id = %" G_GINT64_FORMAT " AND actor_id = 3"
                         " AND before = '{\"is_active\":true}' AND after = '{\"is_active\":false}'", id);
  g_assert_cmpint (ad_db_int (server, sql), ==, 1);
  /* The content trigger stayed quiet: this route's row is the only one. */
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"
                                      " WHERE action = 'meal_plan_template.update'"), ==, 1);

  /* The same again changes nothing and writes nothing. */
  nt_expect (server, "PATCH", path, fixture->token_staff, "{\"is_active\":false}", 200);
  g_assert_cmpint (audit_count (server), ==, audited + 1);

  /* Published and renamed in one change: an upsert, one row with both. */
  g_free (cursor);
  cursor = g_steal_pointer (&next);
  nt_expect (server, "PATCH", path, fixture->token_staff,
             "{\"is_active\":true,\"name\":\"Leaner Week\",\"description\":\"\"}", 200);
  op = ad_feed_op (server, fixture->token_a, cursor, "meal_plan_templates", id, &next);
  g_assert_cmpstr (op, ==, "upsert");
  g_assert_cmpint (audit_count (server), ==, audited + 2);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'meal_plan_template.update'"
                         " AND object_id = %" G_GINT64_FORMAT
                         " AND before = '{\"name\":\"Lean Week\",\"description\":\"Staff pick\","
                         "\"is_active\":false}'"
                         " AND after = '{\"name\":\"Leaner Week\",\"description\":\"\","
                         "\"is_active\":true}'", id);
  g_assert_cmpint (ad_db_int (server, sql), ==, 1);
  {
    g_autoptr(JsonNode) node = nt_request (server, "GET", PUBLIC, fixture->token_a, NULL, 200);
    JsonArray *results = fc_json_get_array (ad_object (node), "results");

    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "name"),
                     ==, "Leaner Week");
  }

  /* Deleted: a delete in the feed, the row's fields in the audit. */
  g_free (cursor);
  cursor = g_steal_pointer (&next);
  nt_expect (server, "DELETE", path, fixture->token_staff, NULL, 204);
  nt_expect (server, "DELETE", path, fixture->token_staff, NULL, 404);
  g_assert_cmpint (nt_count (server, PUBLIC, NULL), ==, 0);
  op = ad_feed_op (server, fixture->token_a, cursor, "meal_plan_templates", id, &next);
  g_assert_cmpstr (op, ==, "delete");
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'meal_plan_template.delete'"
                         " AND object_id = %" G_GINT64_FORMAT " AND after IS NULL"
                         " AND json_extract (before, '$.name') = 'Leaner Week'"
                         " AND json_extract (before, '$.meals_count') = 1", id);
  g_assert_cmpint (ad_db_int (server, sql), ==, 1);
  g_assert_cmpint (audit_count (server), ==, audited + 3);
}

static void
test_bad_input (NtFixture     *fixture,
                gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 id = create_template (fixture, "Lean Week");
  g_autofree char *path = template_path (id);
  g_autofree char *huge = g_strnfill (256, 'x');
  g_autofree char *huge_body = g_strdup_printf ("{\"name\":\"%s\"}", huge);
  g_autofree char *before = footprint (server);
  g_autofree char *after = NULL;
  static const char * const bodies[][2] = {
    { "{\"is_active\":\"maybe\"}", "is_active" },
    { "{\"is_active\":[true]}", "is_active" },
    { "{\"name\":\"\"}", "name" },
    { "{\"name\":true}", "name" },
    { "{\"name\":[\"Week\"]}", "name" },
    { "{\"name\":\"   \"}", "name" },
    { "{\"name\":null}", "name" },
    { "{\"description\":{\"a\":1}}", "description" },
    { "{\"name\":\"Fine\",\"is_active\":3.5}", "is_active" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr(JsonNode) node = nt_request (server, "PATCH", path, fixture->token_staff, bodies[i][0], 400);
    JsonArray *messages = fc_json_get_array (ad_object (node), bodies[i][1]);

    g_assert_nonnull (messages);
    g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  }
  {
    g_autoptr(JsonNode) node = nt_request (server, "PATCH", path, fixture->token_staff, huge_body, 400);
    JsonArray *messages = fc_json_get_array (ad_object (node), "name");

    g_assert_nonnull (messages);
    g_assert_nonnull (strstr (json_array_get_string_element (messages, 0), "255"));
  }
  nt_expect (server, "PATCH", ADMIN "999999/", fixture->token_staff, "{\"is_active\":false}", 404);
  nt_expect (server, "DELETE", ADMIN "999999/", fixture->token_staff, NULL, 404);
  nt_expect (server, "PATCH", ADMIN "abc/", fixture->token_staff, "{\"is_active\":false}", 404);
  after = footprint (server);
  g_assert_cmpstr (after, ==, before);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/admin/templates/authz", NtFixture, NULL, nt_fixture_set_up, test_authz,
              nt_fixture_tear_down);
  g_test_add ("/admin/templates/list", NtFixture, NULL, nt_fixture_set_up, test_list,
              nt_fixture_tear_down);
  g_test_add ("/admin/templates/hide-publish", NtFixture, NULL, nt_fixture_set_up, test_hide_publish,
              nt_fixture_tear_down);
  g_test_add ("/admin/templates/bad-input", NtFixture, NULL, nt_fixture_set_up, test_bad_input,
              nt_fixture_tear_down);
  return g_test_run ();
}
