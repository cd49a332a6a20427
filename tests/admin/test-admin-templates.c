/* test-admin-templates.c — admin/meal-plan-templates/ against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Staff list every meal-plan template (hidden ones too, with the owner's
 * address), hide, publish, rename and delete them; nobody else reaches
 * the routes or writes anything. Each change leaves exactly one audit row
 * with the fields before and after. A hidden template leaves the public
 * list and reaches a user's change feed as a delete, a published one as
 * an upsert. Bad input is a 400 naming the field. The template editor's
 * calls: a template's schedule with the meals it may use (its owner's),
 * a new schedule and length (exactly what was sent, one audit row, an
 * upsert in users' feeds, a user's copy has it) and a new template
 * (hidden until published); another account's meal, a day past the end,
 * a pair twice, too many entries and a body past the server's limit are
 * refused and write nothing.
 */

#include "config.h"

#include <string.h>

#include "admin-test-util.h"
#include "fc-json.h"
#include "fc-sql.h"
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
                          ad_db_int (server, "SELECT count(*) FROM meal_plans WHERE is_template <> 0"),
                          ad_db_int (server, "SELECT count(*) FROM meal_plans WHERE is_active <> 0"),
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
    nt_expect (server, "GET", path, tokens[caller], NULL, refused[caller]);
    nt_expect (server, "POST", ADMIN, tokens[caller], "{\"name\":\"Lean Week\"}", refused[caller]);
    nt_expect (server, "PATCH", path, tokens[caller], "{\"scheduled_meals_payload\":[]}",
               refused[caller]);
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
                         " AND CAST (json_extract (before, '$.meals_count') AS TEXT) = '1'", id);
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

/* A meal of @token's account. */
static gint64
create_meal (NtFixture  *fixture,
             const char *token,
             const char *name,
             const char *category)
{
  g_autofree char *json = g_strdup_printf ("{\"name\":\"%s\",\"meal_time_category\":\"%s\"}",
                                           name, category);

  return nt_create (fixture->server, "/api/v1/nutrition/meals/", token, json);
}

/* The stored schedule of plan @id as "meal@day meal@day …", in meal, day order. */
static char *
stored (FcTestServer *server,
        gint64        id)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  /* SQLite 3.40 (Debian 12) has no string_agg yet, PostgreSQL no group_concat */
  const char *agg = fc_sql_get_backend (db) == FC_SQL_BACKEND_POSTGRESQL ? "string_agg" : "group_concat";
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce (%s (e, ' '), '') FROM"
                                          " (SELECT meal_id || '@' || day_of_plan AS e"
                                          " FROM scheduled_meals WHERE meal_plan_id = %" G_GINT64_FORMAT
                                          " ORDER BY meal_id, day_of_plan) AS s", agg, id);
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  g_assert_true (fc_sql_step_row (stmt));
  return g_strdup (fc_sql_column_text (stmt, 0));
}

static void
test_schedule (NtFixture     *fixture,
               gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 id = create_template (fixture, "Lean Week");
  gint64 salad = create_meal (fixture, fixture->token_staff, "Salad", "LN");
  g_autofree char *path = template_path (id);
  g_autofree char *porridge_at_1 = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *op = NULL;
  g_autofree char *body = NULL;
  g_autofree char *sql = NULL;
  gint64 porridge, audited;

  porridge = ad_db_int (server, "SELECT id FROM meals WHERE name = 'Porridge'");
  porridge_at_1 = g_strdup_printf ("%" G_GINT64_FORMAT "@1", porridge);

  /* The editor's read: the schedule, the owner's meals (scheduled first),
   * the targets. */
  {
    g_autoptr(JsonNode) node = nt_request (server, "GET", path, fixture->token_staff, NULL, 200);
    JsonObject *template = ad_object (node);
    JsonArray *schedule = fc_json_get_array (template, "scheduled_meals");
    JsonArray *meals = fc_json_get_array (template, "meals");
    JsonObject *entry;

    g_assert_cmpint (json_object_get_int_member (template, "duration_days"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (template, "owner_email"), ==, NT_EMAIL_STAFF);
    g_assert_true (json_object_get_null_member (template, "target_daily_calories"));
    g_assert_cmpuint (json_array_get_length (schedule), ==, 1);
    entry = json_array_get_object_element (schedule, 0);
    g_assert_cmpint (json_object_get_int_member (entry, "meal"), ==, porridge);
    g_assert_cmpint (json_object_get_int_member (entry, "day_of_plan"), ==, 1);
    g_assert_cmpuint (json_array_get_length (meals), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (meals, 0), "id"),
                     ==, porridge);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (meals, 1), "name"),
                     ==, "Salad");
    g_assert_true (json_object_has_member (json_array_get_object_element (meals, 1),
                                           "total_calories"));
  }

  op = ad_feed_op (server, fixture->token_a, NULL, "meal_plan_templates", id, &cursor);
  g_clear_pointer (&op, g_free);
  audited = audit_count (server);

  /* A new schedule: stored exactly, one audit row of it, an upsert. */
  body = g_strdup_printf ("{\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":1},"
                          "{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":2}]}", porridge, salad);
  {
    g_autoptr(JsonNode) node = nt_request (server, "PATCH", path, fixture->token_staff, body, 200);
    g_autofree char *expected = g_strdup_printf ("%s %" G_GINT64_FORMAT "@2", porridge_at_1, salad);
    g_autofree char *now = stored (server, id);

    g_assert_cmpint (json_object_get_int_member (ad_object (node), "meals_count"), ==, 2);
    g_assert_cmpstr (now, ==, expected);
  }
  g_assert_cmpint (audit_count (server), ==, audited + 1);
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'meal_plan_template.update'"
                         " AND object_id = %" G_GINT64_FORMAT
                         " AND json_array_length (before, '$.scheduled_meals') = 1"
                         " AND json_array_length (after, '$.scheduled_meals') = 2"
                         " AND CAST (json_extract (after, '$.scheduled_meals[1].meal') AS TEXT) = '%"
                         G_GINT64_FORMAT "'"
                         " AND CAST (json_extract (after, '$.scheduled_meals[1].day_of_plan') AS TEXT) = '2'",
                         id, salad);
  g_assert_cmpint (ad_db_int (server, sql), ==, 1);
  {
    g_autofree char *next = NULL;

    op = ad_feed_op (server, fixture->token_a, cursor, "meal_plan_templates", id, &next);
    g_assert_cmpstr (op, ==, "upsert");
  }

  /* The same schedule in another order changes nothing, writes nothing. */
  g_free (body);
  body = g_strdup_printf ("{\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":2},"
                          "{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":1}]}", salad, porridge);
  nt_expect (server, "PATCH", path, fixture->token_staff, body, 200);
  g_assert_cmpint (audit_count (server), ==, audited + 1);

  /* A user's copy has what staff scheduled. */
  {
    g_autofree char *copy_path = g_strdup_printf (PLANS "%" G_GINT64_FORMAT "/copy/", id);
    g_autoptr(JsonNode) node = nt_request (server, "POST", copy_path, fixture->token_a, "{}", 201);
    JsonArray *schedule = fc_json_get_array (ad_object (node), "scheduled_meals");
    JsonObject *entry = json_array_get_object_element (schedule, 1);

    g_assert_cmpuint (json_array_get_length (schedule), ==, 2);
    g_assert_cmpint (json_object_get_int_member (entry, "day_of_plan"), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "meal_detail"),
                                                    "name"), ==, "Salad");
  }

  /* Longer, with a meal on the new last day; shorter than that is refused. */
  g_free (body);
  body = g_strdup_printf ("{\"duration_days\":5,\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT
                          ",\"day_of_plan\":5}]}", salad);
  nt_expect (server, "PATCH", path, fixture->token_staff, body, 200);
  g_assert_cmpint (ad_db_int (server, "SELECT duration_days FROM meal_plans WHERE name = 'Lean Week'"),
                   ==, 5);
  {
    g_autoptr(JsonNode) node = nt_request (server, "PATCH", path, fixture->token_staff,
                                           "{\"duration_days\":4}", 400);

    g_assert_nonnull (fc_json_get_array (ad_object (node), "duration_days"));
  }
}

static void
test_schedule_refused (NtFixture     *fixture,
                       gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 id = create_template (fixture, "Lean Week");
  gint64 theirs = create_meal (fixture, fixture->token_a, "Toast", "BF");
  gint64 mine = create_meal (fixture, fixture->token_staff, "Salad", "LN");
  g_autofree char *path = template_path (id);
  g_autofree char *private_path =
    template_path (nt_create (server, PLANS, fixture->token_a, "{\"name\":\"Mine\"}"));
  g_autofree char *before = footprint (server);
  g_autofree char *schedule = stored (server, id);
  g_autofree char *after = NULL;
  g_autofree char *now = NULL;
  g_autoptr(GString) many = g_string_new ("{\"scheduled_meals_payload\":[");
  g_autoptr(GString) huge = g_string_new ("{\"scheduled_meals_payload\":[");
  struct {
    char       *body;
    const char *field;
  } bodies[] = {
    /* Another account's meal reads as a missing one. */
    { g_strdup_printf ("{\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":1}]}",
                       theirs), "scheduled_meals_payload" },
    { g_strdup ("{\"scheduled_meals_payload\":[{\"meal\":999999,\"day_of_plan\":1}]}"),
      "scheduled_meals_payload" },
    { g_strdup_printf ("{\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":4}]}",
                       mine), "scheduled_meals_payload" },
    { g_strdup_printf ("{\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":0}]}",
                       mine), "scheduled_meals_payload" },
    { g_strdup_printf ("{\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":2},"
                       "{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":2}]}", mine, mine),
      "scheduled_meals_payload" },
    { g_strdup ("{\"scheduled_meals_payload\":{\"meal\":1}}"), "scheduled_meals_payload" },
    { g_strdup ("{\"scheduled_meals_payload\":[{\"meal\":\"x\",\"day_of_plan\":\"y\"}]}"),
      "scheduled_meals_payload" },
    { g_strdup ("{\"duration_days\":0}"), "duration_days" },
    { g_strdup ("{\"duration_days\":100000}"), "duration_days" },
    { g_strdup ("{\"duration_days\":\"week\"}"), "duration_days" },
  };

  /* More entries than 8 a day of 3 days: refused before a meal is looked up. */
  for (guint i = 0; i < 3 * 8 + 1; i++)
    g_string_append_printf (many, "%s{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":%u}",
                            i > 0 ? "," : "", mine, i + 1);
  g_string_append (many, "]}");
  {
    g_autoptr(JsonNode) node = nt_request (server, "PATCH", path, fixture->token_staff, many->str, 400);
    JsonArray *messages = fc_json_get_array (ad_object (node), "scheduled_meals_payload");

    g_assert_nonnull (messages);
    g_assert_nonnull (strstr (json_array_get_string_element (messages, 0), "24"));
  }
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr(JsonNode) node = nt_request (server, "PATCH", path, fixture->token_staff,
                                           bodies[i].body, 400);

    g_assert_true (json_object_has_member (ad_object (node), bodies[i].field));
    g_free (bodies[i].body);
  }
  /* Past the server's body limit (1 MiB): refused before it is read. */
  while (huge->len < 2 * 1024 * 1024)
    g_string_append_printf (huge, "{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":1},", mine);
  g_string_append (huge, "{}]}");
  nt_expect (server, "PATCH", path, fixture->token_staff, huge->str, 413);
  nt_expect (server, "POST", ADMIN, fixture->token_staff, huge->str, 413);

  /* Ids that are no template's. */
  nt_expect (server, "GET", ADMIN "999999/", fixture->token_staff, NULL, 404);
  nt_expect (server, "GET", ADMIN "abc/", fixture->token_staff, NULL, 404);
  nt_expect (server, "PATCH", ADMIN "999999/", fixture->token_staff,
             "{\"scheduled_meals_payload\":[]}", 404);
  nt_expect (server, "GET", private_path, fixture->token_staff, NULL, 404);
  nt_expect (server, "PATCH", private_path, fixture->token_staff, "{\"scheduled_meals_payload\":[]}",
             404);

  /* A POST with another account's meal, or without a name, creates nothing. */
  {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"Lean Week\",\"scheduled_meals_payload\":"
                                             "[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":1}]}",
                                             theirs);

    nt_expect (server, "POST", ADMIN, fixture->token_staff, json, 400);
    nt_expect (server, "POST", ADMIN, fixture->token_staff, "{\"description\":\"x\"}", 400);
  }

  after = footprint (server);
  g_assert_cmpstr (after, ==, before);
  now = stored (server, id);
  g_assert_cmpstr (now, ==, schedule);
}

static void
test_create (NtFixture     *fixture,
             gconstpointer  data)
{
  FcTestServer *server = fixture->server;
  gint64 salad = create_meal (fixture, fixture->token_staff, "Salad", "LN");
  g_autofree char *json = g_strdup_printf ("{\"name\":\"Fresh Start\",\"description\":\"New\","
                                           "\"duration_days\":4,\"scheduled_meals_payload\":"
                                           "[{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":3}]}",
                                           salad);
  g_autoptr(JsonNode) node = nt_request (server, "POST", ADMIN, fixture->token_staff, json, 201);
  JsonObject *template = ad_object (node);
  gint64 id = json_object_get_int_member (template, "id");
  g_autofree char *path = template_path (id);
  g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT "@3", salad);
  g_autofree char *now = stored (server, id);
  g_autofree char *sql = NULL;

  /* Hidden until published, the caller's, with the schedule sent. */
  g_assert_false (json_object_get_boolean_member (template, "is_active"));
  g_assert_cmpstr (json_object_get_string_member (template, "owner_email"), ==, NT_EMAIL_STAFF);
  g_assert_cmpint (json_object_get_int_member (template, "duration_days"), ==, 4);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (template, "scheduled_meals")), ==, 1);
  g_assert_cmpstr (now, ==, expected);
  g_assert_cmpint (nt_count (server, PUBLIC, fixture->token_a), ==, 0);
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = 'meal_plan_template.create'"
                         " AND object_id = %" G_GINT64_FORMAT " AND before IS NULL"
                         " AND json_extract (after, '$.name') = 'Fresh Start'"
                         " AND json_type (after, '$.is_active') = 'false'", id);
  g_assert_cmpint (ad_db_int (server, sql), ==, 1);
  g_assert_cmpint (ad_db_int (server, "SELECT count(*) FROM audit_log"
                                      " WHERE action LIKE 'meal_plan%'"), ==, 1);

  nt_expect (server, "PATCH", path, fixture->token_staff, "{\"is_active\":true}", 200);
  g_assert_cmpint (nt_count (server, PUBLIC, fixture->token_a), ==, 1);
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
  g_test_add ("/admin/templates/schedule", NtFixture, NULL, nt_fixture_set_up, test_schedule,
              nt_fixture_tear_down);
  g_test_add ("/admin/templates/schedule-refused", NtFixture, NULL, nt_fixture_set_up,
              test_schedule_refused, nt_fixture_tear_down);
  g_test_add ("/admin/templates/create", NtFixture, NULL, nt_fixture_set_up, test_create,
              nt_fixture_tear_down);
  return g_test_run ();
}
