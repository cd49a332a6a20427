/* test-nutrition-authz.c — who may do what in api/v1/nutrition/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every nutrition route and method, called by an anonymous client, the
 * owner (user A), another user (B) and staff, against A's private food, meal
 * and plan, a public food and a staff template. Besides each status, no
 * answer to anyone but A may contain A's private names or address.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "nutrition-test-util.h"

#define NUT "/api/v1/nutrition/"
#define SECRET "Alice Secret"
#define FOOD_BODY                                                                            \
  "{\"name\":\"Some Food\",\"calories\":10,\"protein\":1,\"carbohydrates\":1,\"fat\":1}"
#define SKIP 0

enum { ANON, USER_B, USER_A, STAFF, N_CALLERS };

typedef struct {
  const char *method;
  const char *path;    /* FA, PF, MA, PA, TP are replaced by the ids */
  const char *body;
  guint       status[N_CALLERS];  /* SKIP: status not checked, leaks still are */
} Case;

/* Callers run in the order anonymous, B, A, staff, so that A's own
 * successful DELETE comes after the others were refused. */
static const Case cases[] = {
  { "GET", NUT, NULL, { 200, 200, 200, 200 } },

  { "GET", NUT "foods/", NULL, { 200, 200, 200, 200 } },
  { "POST", NUT "foods/", FOOD_BODY, { 401, 201, 201, 201 } },
  { "PUT", NUT "foods/", FOOD_BODY, { SKIP, 405, 405, 405 } },
  { "GET", NUT "foods/FA/", NULL, { 404, 404, 200, 404 } },
  { "PUT", NUT "foods/FA/", "{\"name\":\"" SECRET " Food\",\"calories\":1,\"protein\":1,"
                           "\"carbohydrates\":1,\"fat\":1}", { 401, 404, 200, 404 } },
  { "PATCH", NUT "foods/FA/", "{\"description\":\"changed\"}", { 401, 404, 200, 404 } },
  { "POST", NUT "foods/FA/", FOOD_BODY, { SKIP, 405, 405, 405 } },
  { "GET", NUT "foods/PF/", NULL, { 200, 200, 200, 200 } },
  { "PUT", NUT "foods/PF/", "{\"name\":\"Public Food\",\"calories\":1,\"protein\":1,"
                           "\"carbohydrates\":1,\"fat\":1,\"is_public\":true}",
    { 401, 403, 403, 200 } },
  { "PATCH", NUT "foods/PF/", "{\"description\":\"changed\"}", { 401, 403, 403, 200 } },

  { "GET", NUT "meals/", NULL, { 401, 200, 200, 200 } },
  { "POST", NUT "meals/", "{\"name\":\"Lunch\",\"meal_items\":[{\"food\":PF}]}",
    { 401, 201, 201, 201 } },
  /* A's private food is nobody else's ingredient. */
  { "POST", NUT "meals/", "{\"name\":\"Lunch\",\"meal_items\":[{\"food\":FA}]}",
    { 401, 400, 201, 400 } },
  { "GET", NUT "meals/MA/", NULL, { 401, 404, 200, 404 } },
  { "PUT", NUT "meals/MA/", "{\"name\":\"" SECRET " Meal\"}", { 401, 404, 200, 404 } },
  { "PATCH", NUT "meals/MA/", "{\"description\":\"changed\"}", { 401, 404, 200, 404 } },
  { "POST", NUT "meals/MA/", "{}", { SKIP, 405, 405, 405 } },

  { "GET", NUT "meal-plans/", NULL, { 401, 200, 200, 200 } },
  { "POST", NUT "meal-plans/", "{\"name\":\"Week\"}", { 401, 201, 201, 201 } },
  { "POST", NUT "meal-plans/", "{\"name\":\"Week\",\"scheduled_meals_payload\":"
                              "[{\"meal\":MA,\"day_of_plan\":1}]}", { 401, 400, 201, 400 } },
  { "POST", NUT "meal-plans/", "{\"name\":\"Public\",\"is_template\":true}",
    { 401, 403, 403, 201 } },
  { "GET", NUT "meal-plans/PA/", NULL, { 401, 404, 200, 404 } },
  { "PUT", NUT "meal-plans/PA/", "{\"name\":\"" SECRET " Plan\"}", { 401, 404, 200, 404 } },
  { "PATCH", NUT "meal-plans/PA/", "{\"description\":\"changed\"}", { 401, 404, 200, 404 } },
  { "PATCH", NUT "meal-plans/PA/", "{\"is_template\":true}", { 401, 404, 403, 404 } },
  { "GET", NUT "meal-plans/templates/", NULL, { 200, 200, 200, 200 } },
  { "POST", NUT "meal-plans/templates/", "{}", { SKIP, 405, 405, 405 } },
  { "GET", NUT "meal-plans/TP/", NULL, { 401, 404, 404, 200 } },
  { "PATCH", NUT "meal-plans/TP/", "{\"description\":\"Staff only\"}", { 401, 404, 404, 200 } },
  { "POST", NUT "meal-plans/PA/copy/", NULL, { 401, 404, 400, 404 } },
  { "GET", NUT "meal-plans/PA/copy/", NULL, { SKIP, 405, 405, 405 } },
  { "POST", NUT "meal-plans/TP/copy/", NULL, { 401, 201, 201, 201 } },
  { "PATCH", NUT "meal-plans/PA/cancel/", NULL, { 401, 404, 200, 404 } },
  { "POST", NUT "meal-plans/PA/cancel/", NULL, { SKIP, 405, 405, 405 } },
  { "PATCH", NUT "meal-plans/TP/cancel/", NULL, { 401, 404, 404, 200 } },

  { "DELETE", NUT "meal-plans/TP/", NULL, { 401, 404, 404, 204 } },
  { "DELETE", NUT "foods/PF/", NULL, { 401, 403, 403, 204 } },
  { "DELETE", NUT "meal-plans/PA/", NULL, { 401, 404, 204, 404 } },
  { "DELETE", NUT "meals/MA/", NULL, { 401, 404, 204, 404 } },
  { "DELETE", NUT "foods/FA/", NULL, { 401, 404, 204, 404 } },
};

static char *
replace_ids (const char *text,
             const char *const *names,
             const gint64 *ids,
             guint n_ids)
{
  g_autoptr(GString) out = g_string_new (text);

  for (guint i = 0; i < n_ids; i++) {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ids[i]);

    g_string_replace (out, names[i], id, 0);
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_matrix (NtFixture     *fixture,
             gconstpointer  data)
{
  static const char * const names[] = { "FA", "PF", "MA", "PA", "TP" };
  FcTestServer *srv = fixture->server;
  const char *tokens[N_CALLERS] = {
    NULL, fixture->token_b, fixture->token_a, fixture->token_staff,
  };
  gint64 ids[G_N_ELEMENTS (names)];
  guint checked = 0;

  ids[0] = nt_create (srv, NUT "foods/", fixture->token_a,
                      "{\"name\":\"" SECRET " Food\",\"calories\":100,\"protein\":5,"
                      "\"carbohydrates\":10,\"fat\":2}");
  ids[1] = nt_create (srv, NUT "foods/", fixture->token_staff,
                      "{\"name\":\"Public Food\",\"calories\":50,\"protein\":1,"
                      "\"carbohydrates\":12,\"fat\":0,\"is_public\":true}");
  {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"" SECRET " Meal\",\"meal_items\":"
                                             "[{\"food\":%" G_GINT64_FORMAT "},{\"food\":%"
                                             G_GINT64_FORMAT "}]}", ids[0], ids[1]);

    ids[2] = nt_create (srv, NUT "meals/", fixture->token_a, json);
  }
  {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"" SECRET " Plan\","
                                             "\"scheduled_meals_payload\":[{\"meal\":%"
                                             G_GINT64_FORMAT ",\"day_of_plan\":1}]}", ids[2]);

    ids[3] = nt_create (srv, NUT "meal-plans/", fixture->token_a, json);
  }
  {
    gint64 meal = nt_create (srv, NUT "meals/", fixture->token_staff,
                             "{\"name\":\"Template Meal\",\"is_template\":true,"
                             "\"meal_items\":[{\"food\":2}]}");
    g_autofree char *json = g_strdup_printf ("{\"name\":\"Template\",\"is_template\":true,"
                                             "\"scheduled_meals_payload\":[{\"meal\":%"
                                             G_GINT64_FORMAT ",\"day_of_plan\":1}]}", meal);

    ids[4] = nt_create (srv, NUT "meal-plans/", fixture->token_staff, json);
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path = replace_ids (cases[i].path, names, ids, G_N_ELEMENTS (names));
    g_autofree char *body = cases[i].body != NULL
                            ? replace_ids (cases[i].body, names, ids, G_N_ELEMENTS (names))
                            : NULL;

    for (guint caller = 0; caller < N_CALLERS; caller++) {
      g_autoptr(FcTestResponse) response = fc_test_request (srv, cases[i].method, path,
                                                             tokens[caller], body);
      gsize size = 0;
      const char *text = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;
      g_autofree char *copy = g_strndup (text != NULL ? text : "", size);

      if (cases[i].status[caller] != SKIP && response->status != cases[i].status[caller])
        g_error ("%s %s as caller %u: expected %u, got %u: %s", cases[i].method, path, caller,
                 cases[i].status[caller], response->status, copy);
      if (caller != USER_A && (strstr (copy, SECRET) != NULL || strstr (copy, NT_EMAIL_A) != NULL))
        g_error ("%s %s as caller %u reveals user A's data: %s", cases[i].method, path, caller,
                 copy);
      checked++;
    }
  }

  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (cases) * N_CALLERS);
}

static void
test_no_leak_through_copies (NtFixture     *fixture,
                             gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  gint64 food, meal;

  /* Staff's private food in a staff template is staff's to publish; a
   * user's private food can never reach a template, because users cannot
   * make templates and staff cannot reach users' foods or meals. */
  food = nt_create (srv, NUT "foods/", fixture->token_a,
                    "{\"name\":\"" SECRET " Food\",\"calories\":100,\"protein\":5,"
                    "\"carbohydrates\":10,\"fat\":2}");
  {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"T\",\"is_template\":true,"
                                             "\"meal_items\":[{\"food\":%" G_GINT64_FORMAT "}]}",
                                             food);

    nt_expect (srv, "POST", NUT "meals/", fixture->token_staff, json, 400);
  }
  meal = nt_create (srv, NUT "meals/", fixture->token_a, "{\"name\":\"" SECRET " Meal\"}");
  {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"T\",\"is_template\":true,"
                                             "\"scheduled_meals_payload\":[{\"meal\":%"
                                             G_GINT64_FORMAT ",\"day_of_plan\":1}]}", meal);
    g_autoptr(FcTestResponse) response = fc_test_request (srv, "POST", NUT "meal-plans/",
                                                           fixture->token_staff, json);
    g_autofree char *text = g_strndup (g_bytes_get_data (response->body, NULL),
                                       g_bytes_get_size (response->body));

    g_assert_nonnull (text);

    g_assert_cmpuint (response->status, ==, 400);
    g_assert_null (strstr (text, SECRET));
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/nutrition/authz/matrix", NtFixture, NULL, nt_fixture_set_up, test_matrix,
              nt_fixture_tear_down);
  g_test_add ("/nutrition/authz/no-leak-through-templates", NtFixture, NULL, nt_fixture_set_up,
              test_no_leak_through_copies, nt_fixture_tear_down);

  return g_test_run ();
}
