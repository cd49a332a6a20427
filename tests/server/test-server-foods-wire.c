/* test-server-foods-wire.c — the foods routes write the bytes the tree did
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET nutrition/foods/ (every filter, search, ordering and page), a food's
 * detail and the answers of POST and PATCH are written straight from the
 * statement's columns (issue 11), without a JsonNode per row. Each answer
 * of the real server must be byte for byte what the tree path makes of the
 * same foods: fc_nutrition_food_to_json() (which meals, plans and the
 * change feed still use) in a page object as fc-server-request.c built it,
 * written by fc_server_json_to_string(). The page's ids, count and links
 * come from the test's own SQL and text, so the queries are checked too.
 * The foods hold what is hard to write: text to escape, unicode, nulls,
 * huge, tiny and negative-zero numbers, an owner who is gone.
 */

#include "config.h"

#include <string.h>

#include "fc-json-out.h"
#include "fc-nutrition-private.h"
#include "fc-server-private.h"
#include "fc-server-test-util.h"
#include "fc-sql.h"
#include "nutrition-test-util.h"

#define FOODS "/api/v1/nutrition/foods/"

/* Names and numbers the writer must escape or format with care. */
static const char * const names[] = {
  "Cr\\u00e8me br\\u00fbl\\u00e9e \\\"extra\\\"", "Back\\\\slash", "Tab\\tand\\nnewline\\r",
  "Controls \\u0001\\u001f\\u007f\\b\\f", "\\u65e5\\u672c\\u8a9e food", "Emoji \\ud83c\\udf53",
  "Quote ' and </script>", "Line\\u2028separator", "apple", "Apple pie", "banana 100%",
  "under_score",
};
static const char * const numbers[] = {
  "0.1", "1e-300", "5e-324", "1.7976931348623157e308", "-0.0", "1e16", "123456789012345678",
  "0.30000000000000004", "2.5e-07", "1e15", "0.0001", "0.00001", "3.141592653589793", "1e22",
  "12345.678", "0", "100", "1.5", "2.5", "0.1234567890123456",
};

typedef struct {
  NtFixture  nt;
  FcSql     *db;
  gint64     user_a;
  GPtrArray *created;   /* ids, as gint64 * */
} Fixture;

static char *
tree_food (FcSql  *db,
           gint64  id)
{
  g_autoptr(JsonNode) node = fc_nutrition_food_to_json (db, id);

  g_assert_nonnull (node);
  return fc_server_json_to_string (node);
}

/* POSTs a food and checks its 201 answer against the tree. */
static gint64
create_food (Fixture    *fixture,
             const char *token,
             const char *json)
{
  g_autoptr(FcTestResponse) response = fc_st_request (fixture->nt.server, "POST", FOODS, token,
                                                      json, NULL);
  g_autofree char *body = fc_st_body (response);
  g_autofree char *expected = NULL;
  gint64 id;

  g_assert_cmpuint (response->status, ==, 201);
  id = json_object_get_int_member (fc_test_response_object (response), "id");
  expected = tree_food (fixture->db, id);
  g_assert_cmpstr (body, ==, expected);
  g_ptr_array_add (fixture->created, g_memdup2 (&id, sizeof id));
  return id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(FcSqlStmt) names_stmt = NULL;

  nt_fixture_set_up (&fixture->nt, data);
  fixture->db = nt_open_db (fixture->nt.server);
  fixture->user_a = nt_query_int (fixture->db, "SELECT id FROM users WHERE email = '"
                                               NT_EMAIL_A "'");
  fixture->created = g_ptr_array_new_with_free_func (g_free);

  /* An owner whose names need escaping. */
  names_stmt = fc_sql_prepare (fixture->db, "UPDATE users SET first_name = ?1, last_name = ?2"
                                            " WHERE email = ?3");
  fc_sql_bind_text (names_stmt, 1, "Zo\xc3\xab \"Z\"");
  fc_sql_bind_text (names_stmt, 2, "O'Brien \\ \t\x01");
  fc_sql_bind_text (names_stmt, 3, NT_EMAIL_STAFF);
  g_assert_true (fc_sql_step_done (names_stmt));

  /* Public foods of staff, private ones of A and B, every number in every
   * column over the foods, optional ones null now and then. */
  for (guint i = 0; i < 30; i++) {
    const char *token = i % 5 == 3 ? fixture->nt.token_a
                      : i % 7 == 4 ? fixture->nt.token_b : fixture->nt.token_staff;
    g_autofree char *json = NULL;
    const char *fiber = i % 4 == 0 ? "null" : numbers[(i + 5) % G_N_ELEMENTS (numbers)];

    json = g_strdup_printf ("{\"name\": \"%s %u\", \"description\": \"%s\","
                            " \"serving_quantity\": %s, \"serving_unit\": \"%s\","
                            " \"calories\": %s, \"protein\": %s, \"carbohydrates\": %s,"
                            " \"fat\": %s, \"fiber\": %s, \"sugar\": %s, \"sodium\": %s,"
                            " \"food_category\": \"%s\", \"is_public\": true}",
                            names[i % G_N_ELEMENTS (names)], i,
                            i % 3 == 0 ? "" : names[(i + 1) % G_N_ELEMENTS (names)],
                            i % 2 == 0 ? "100" : "0.5",
                            i % 6 == 0 ? "ml \\u00e9" : "g",
                            numbers[i % G_N_ELEMENTS (numbers)],
                            numbers[(i + 1) % G_N_ELEMENTS (numbers)],
                            numbers[(i + 2) % G_N_ELEMENTS (numbers)],
                            numbers[(i + 3) % G_N_ELEMENTS (numbers)], fiber,
                            i % 5 == 1 ? "null" : numbers[(i + 7) % G_N_ELEMENTS (numbers)],
                            i % 3 == 2 ? "null" : numbers[(i + 11) % G_N_ELEMENTS (numbers)],
                            i % 2 == 0 ? "FR" : "VG");
    create_food (fixture, token, json);
  }
  /* A public food whose owner is gone: user_added_detail null. */
  fc_st_exec (fixture->db, "UPDATE foods SET user_added_id = NULL WHERE id = (SELECT MIN(id)"
                           " FROM foods WHERE is_public = 1)");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->db, fc_sql_close);
  g_clear_pointer (&fixture->created, g_ptr_array_unref);
  nt_fixture_tear_down (&fixture->nt, data);
}

/* A page link as DRF writes it: @before and @after are the other query
 * parameters around "page" in name order, "" for none; @page 0 for none. */
static char *
page_link (FcTestServer *server,
           const char   *before,
           gint64        page,
           const char   *after)
{
  g_autoptr(GString) link = g_string_new (server->base_url);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  g_string_append (link, FOODS);
  if (*before != '\0')
    g_ptr_array_add (parts, g_strdup (before));
  if (page > 0)
    g_ptr_array_add (parts, g_strdup_printf ("page=%" G_GINT64_FORMAT, page));
  if (*after != '\0')
    g_ptr_array_add (parts, g_strdup (after));
  g_ptr_array_add (parts, NULL);
  if (parts->len > 1) {
    g_autofree char *query = g_strjoinv ("&", (char **) parts->pdata);

    g_string_append_printf (link, "?%s", query);
  }
  return g_string_free (g_steal_pointer (&link), FALSE);
}

typedef struct {
  const char *query;    /* after "foods/?" */
  const char *where;    /* more SQL for the test's own query, or NULL */
  const char *order;    /* its ORDER BY */
  gint64      size;     /* page size */
  gint64      page;     /* 0: "last" */
  const char *before;   /* the links' other parameters, as in page_link() */
  const char *after;
} Variant;

static const Variant variants[] = {
  { "", NULL, "name, id", 10, 1, "", "" },
  { "page=2", NULL, "name, id", 10, 2, "", "" },
  { "page_size=4&page=3", NULL, "name, id", 4, 3, "", "page_size=4" },
  { "page_size=4&page=2", NULL, "name, id", 4, 2, "", "page_size=4" },
  { "page=last&page_size=7", NULL, "name, id", 7, 0, "", "page_size=7" },
  { "page_size=1000", NULL, "name, id", 1000, 1, "", "page_size=1000" },
  { "ordering=-calories,name&page_size=5&page=2", NULL, "calories DESC, name, id", 5, 2,
    "ordering=-calories%2Cname", "page_size=5" },
  { "ordering=protein", NULL, "protein, id", 10, 1, "ordering=protein", "" },
  { "ordering=-created_at,-protein&page_size=3&page=4", NULL, "created_at DESC, protein DESC, id",
    3, 4, "ordering=-created_at%2C-protein", "page_size=3" },
  { "ordering=bogus,calories&page_size=6", NULL, "calories, id", 6, 1, "ordering=bogus%2Ccalories",
    "page_size=6" },
  { "search=apple", "(name LIKE '%apple%' OR description LIKE '%apple%')", "name, id", 10, 1, "",
    "search=apple" },
  { "search=cr%C3%A8me&ordering=-name", "(name LIKE '%cr\xc3\xa8me%' OR description LIKE"
    " '%cr\xc3\xa8me%')", "name DESC, id", 10, 1, "ordering=-name", "search=cr%C3%A8me" },
  { "search=back%5Cslash&page_size=2", "(name LIKE '%back\\slash%' ESCAPE '!' OR description LIKE"
    " '%back\\slash%' ESCAPE '!')", "name, id", 2, 1, "", "page_size=2&search=back%5Cslash" },
  { "search=100%25", "(name LIKE '%100!%%' ESCAPE '!' OR description LIKE '%100!%%' ESCAPE '!')",
    "name, id", 10, 1, "", "search=100%25" },
  { "search=fr&page_size=3&page=2&extra=%26x", "(name LIKE '%fr%' OR description LIKE '%fr%'"
    " OR lower (food_category) = 'fr')", "name, id", 3, 2, "extra=%26x", "page_size=3&search=fr" },
  { "search=a,%20quote&ordering=calories", "(name LIKE '%a%' OR description LIKE '%a%') AND"
    " (name LIKE '%quote%' OR description LIKE '%quote%')", "calories, id", 10, 1,
    "ordering=calories", "search=a%2C+quote" },
  { "search=nothing-like-it", "name = ''", "name, id", 10, 1, "", "search=nothing-like-it" },
};

/* What the tree path answered for @variant as @user_id (0: anonymous). */
static char *
tree_page (Fixture       *fixture,
           const Variant *variant,
           gint64         user_id)
{
  g_autofree char *visible = g_strdup_printf ("(is_public = 1 OR user_added_id = %" G_GINT64_FORMAT
                                              ")%s%s", user_id, variant->where != NULL ? " AND " : "",
                                              variant->where != NULL ? variant->where : "");
  g_autofree char *count_sql = g_strdup_printf ("SELECT COUNT(*) FROM foods WHERE %s", visible);
  gint64 count = nt_query_int (fixture->db, count_sql);
  gint64 n_pages = MAX (1, (count + variant->size - 1) / variant->size);
  gint64 page = variant->page > 0 ? variant->page : n_pages;
  g_autofree char *ids_sql = g_strdup_printf ("SELECT id FROM foods WHERE %s ORDER BY %s"
                                              " LIMIT %" G_GINT64_FORMAT " OFFSET %" G_GINT64_FORMAT,
                                              visible, variant->order, variant->size,
                                              (page - 1) * variant->size);
  g_autoptr(FcSqlStmt) ids = fc_sql_prepare (fixture->db, ids_sql);
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *next = page_link (fixture->nt.server, variant->before, page + 1,
                                     variant->after);
  g_autofree char *previous = page_link (fixture->nt.server, variant->before,
                                         page == 2 ? 0 : page - 1, variant->after);

  g_assert_cmpint (page, <=, n_pages);
  while (fc_sql_step_row (ids))
    json_array_add_element (results, fc_nutrition_food_to_json (fixture->db,
                                                               fc_sql_column_int64 (ids, 0)));

  /* fc-server-request.c's page_envelope() and respond_page() as they were. */
  json_object_set_int_member (object, "count", count);
  if (page < n_pages)
    json_object_set_string_member (object, "next", next);
  else
    json_object_set_null_member (object, "next");
  if (page > 1)
    json_object_set_string_member (object, "previous", previous);
  else
    json_object_set_null_member (object, "previous");
  json_object_set_array_member (object, "results", json_array_ref (results));
  node = json_node_init_object (json_node_alloc (), object);
  return fc_server_json_to_string (node);
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  const char *tokens[] = { NULL, fixture->nt.token_a, fixture->nt.token_staff };
  gint64 user_ids[] = { 0, fixture->user_a,
                        nt_query_int (fixture->db, "SELECT id FROM users WHERE email = '"
                                                   NT_EMAIL_STAFF "'") };
  guint n_results = 0;

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++) {
    for (guint u = 0; u < G_N_ELEMENTS (tokens); u++) {
      g_autofree char *path = g_strdup_printf (FOODS "?%s", variants[v].query);
      g_autoptr(FcTestResponse) response = fc_st_request (fixture->nt.server, "GET", path,
                                                          tokens[u], NULL, NULL);
      g_autofree char *body = fc_st_body (response);
      g_autofree char *expected = tree_page (fixture, &variants[v], user_ids[u]);

      g_test_message ("GET %s as user %" G_GINT64_FORMAT, path, user_ids[u]);
      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                       "application/json");
      g_assert_cmpstr (body, ==, expected);
      n_results += json_array_get_length (json_object_get_array_member (
                     fc_test_response_object (response), "results"));
    }
  }
  /* The pages were not all empty: A sees 6 private foods beside the
   * public ones, and the search for apple finds some. */
  g_assert_cmpuint (n_results, >, 200);
}

/* Each food's detail to each caller; the ones they may not see are 404. */
static void
test_details (Fixture       *fixture,
              gconstpointer  data)
{
  const char *tokens[] = { NULL, fixture->nt.token_a, fixture->nt.token_b,
                           fixture->nt.token_staff };
  guint n_found = 0, n_hidden = 0;

  for (guint i = 0; i < fixture->created->len; i++) {
    gint64 id = *(gint64 *) g_ptr_array_index (fixture->created, i);
    g_autofree char *path = g_strdup_printf (FOODS "%" G_GINT64_FORMAT "/", id);
    g_autofree char *expected = tree_food (fixture->db, id);

    for (guint u = 0; u < G_N_ELEMENTS (tokens); u++) {
      g_autoptr(FcTestResponse) response = fc_st_request (fixture->nt.server, "GET", path,
                                                          tokens[u], NULL, NULL);

      if (response->status == 404) {
        fc_st_assert_response (response, 404, "{\"detail\":\"No Food matches the given query.\"}");
        n_hidden++;
      } else {
        fc_st_assert_response (response, 200, expected);
        n_found++;
      }
    }
  }
  g_assert_cmpuint (n_found, >, 0);
  g_assert_cmpuint (n_hidden, >, 0);
}

/* PUT and PATCH answer the food as it now is. */
static void
test_updates (Fixture       *fixture,
              gconstpointer  data)
{
  gint64 id = create_food (fixture, fixture->nt.token_a,
                           "{\"name\": \"Mine\", \"calories\": 1, \"protein\": 2,"
                           " \"carbohydrates\": 3, \"fat\": 4}");
  g_autofree char *path = g_strdup_printf (FOODS "%" G_GINT64_FORMAT "/", id);
  const char *bodies[][2] = {
    { "PATCH", "{\"name\": \"Na\\u00efve \\\"quoted\\\" \\\\ \\u0002\", \"fat\": 1e-7}" },
    { "PUT", "{\"name\": \"Whole\", \"description\": \"\\ud83c\\udf53\", \"calories\": 0.1,"
             " \"protein\": 1.7976931348623157e308, \"carbohydrates\": 5e-324, \"fat\": 1e16,"
             " \"sodium\": null}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr(FcTestResponse) response = fc_st_request (fixture->nt.server, bodies[i][0], path,
                                                        fixture->nt.token_a, bodies[i][1], NULL);
    g_autofree char *expected = tree_food (fixture->db, id);

    fc_st_assert_response (response, 200, expected);
    g_assert_nonnull (strstr (expected, i == 0 ? "\"fat\":1e-07" : "\"fat\":1e+16"));
  }
}

int
main (int   argc,
      char *argv[])
{
  fc_st_init_environment ();
  nt_test_init (&argc, &argv);

  g_test_add ("/server/foods-wire/pages", Fixture, NULL, fixture_set_up, test_pages,
              fixture_tear_down);
  g_test_add ("/server/foods-wire/details", Fixture, NULL, fixture_set_up, test_details,
              fixture_tear_down);
  g_test_add ("/server/foods-wire/updates", Fixture, NULL, fixture_set_up, test_updates,
              fixture_tear_down);

  return g_test_run ();
}
