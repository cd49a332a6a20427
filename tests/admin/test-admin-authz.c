/* test-admin-authz.c — only active staff reach api/v1/admin/, and nobody else writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every admin route and method is called by an anonymous client, a normal
 * user, staff and a staff member who was deactivated: 401 without a token
 * and with a dead one, 403 for a user, the answer for staff; and nothing
 * the refused callers sent was written (no audit row, no flag changed, no
 * grant, no mail).
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-sql.h"
#include "nutrition-test-util.h"

#define API "/api/v1/admin/"

enum { ANON, USER, DEAD_STAFF, STAFF, N_CALLERS };

typedef struct {
  const char *method;
  const char *path;   /* {U} is user A */
  const char *body;
  guint       status[N_CALLERS];
} Case;

/* DRF answers 405 to any authenticated caller before it checks staff
 * rights for a method the path does not take (the framework's rule). */
static const Case cases[] = {
  { "GET", API "users/", NULL, { 401, 403, 401, 200 } },
  { "GET", API "users/?search=alice&is_staff=false", NULL, { 401, 403, 401, 200 } },
  { "GET", API "users/?ordering=nonsense", NULL, { 401, 403, 401, 400 } },
  { "GET", API "users/{U}/", NULL, { 401, 403, 401, 200 } },
  { "GET", API "users/999999/", NULL, { 401, 403, 401, 404 } },
  { "PATCH", API "users/999999/", "{\"is_active\":false}", { 401, 403, 401, 404 } },
  { "PATCH", API "users/{U}/", "{\"is_staff\":\"maybe\"}", { 401, 403, 401, 400 } },
  { "POST", API "users/999999/password-reset/", NULL, { 401, 403, 401, 404 } },
  { "DELETE", API "users/{U}/", NULL, { 401, 405, 401, 405 } },
  { "POST", API "users/", "{}", { 401, 405, 401, 405 } },
  { "GET", API "audit/", NULL, { 401, 403, 401, 200 } },
  { "GET", API "audit/?actor=x", NULL, { 401, 403, 401, 400 } },
  { "GET", API "stats/", NULL, { 401, 403, 401, 200 } },
  { "GET", API "stats/?from=2026-02-30", NULL, { 401, 403, 401, 400 } },
  { "PUT", API "workouts/999999/video-order/", "{\"videos\":[]}", { 401, 403, 401, 404 } },
  { "GET", API "workouts/999999/video-order/", NULL, { 401, 405, 401, 405 } },
  { "POST", API "foods/import/", NULL, { 401, 403, 401, 400 } },
  { "POST", API "foods/import/?dry_run=true", "name,calories\nX,1\n", { 401, 403, 401, 200 } },
  { "POST", API "uploads/", "{\"filename\":\"a.mp4\",\"size\":10}", { 401, 403, 401, 201 } },
  { "GET", API "uploads/nosuchupload/", NULL, { 401, 403, 401, 404 } },
  { "PATCH", API "uploads/nosuchupload/", NULL, { 401, 403, 401, 404 } },
  { "DELETE", API "uploads/nosuchupload/", NULL, { 401, 403, 401, 404 } },
  { "POST", API "uploads/nosuchupload/complete/", "{}", { 401, 403, 401, 404 } },
  { "PUT", API "workouts/999999/thumbnail/", NULL, { 401, 403, 401, 404 } },
  { "DELETE", API "workouts/999999/thumbnail/", NULL, { 401, 403, 401, 404 } },
  { "GET", API "meal-plan-templates/", NULL, { 401, 403, 401, 200 } },
  { "GET", API "meal-plan-templates/?search=lean", NULL, { 401, 403, 401, 200 } },
  { "PATCH", API "meal-plan-templates/999999/", "{\"is_active\":false}", { 401, 403, 401, 404 } },
  { "DELETE", API "meal-plan-templates/999999/", NULL, { 401, 403, 401, 404 } },
  { "GET", API "meal-plan-templates/999999/", NULL, { 401, 403, 401, 404 } },
  { "PATCH", API "meal-plan-templates/999999/", "{\"scheduled_meals_payload\":[]}",
    { 401, 403, 401, 404 } },
  { "POST", API "meal-plan-templates/", "{\"description\":\"no name\"}", { 401, 403, 401, 400 } },
  /* The writes last, so the refused callers' attempts are checked first. */
  { "POST", API "users/{U}/password-reset/", NULL, { 401, 403, 401, 200 } },
  { "PATCH", API "users/{U}/", "{\"has_premium\":true,\"premium_until\":\"2999-01-01\"}",
    { 401, 403, 401, 200 } },
};

static char *
expand (const char *text,
        gint64      user)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, user);
  g_auto(GStrv) parts = g_strsplit (text, "{U}", -1);

  return g_strjoinv (id, parts);
}

/* What a refused caller could have changed. */
static char *
footprint (FcTestServer *server)
{
  g_autoptr(FcSql) db = nt_open_db (server);
  char *text = g_strdup_printf ("audit=%" G_GINT64_FORMAT " grants=%" G_GINT64_FORMAT
                                " premium=%" G_GINT64_FORMAT " staff=%" G_GINT64_FORMAT
                                " active=%" G_GINT64_FORMAT,
                                nt_query_int (db, "SELECT count(*) FROM audit_log"),
                                nt_query_int (db, "SELECT count(*) FROM payment_transactions"),
                                nt_query_int (db, "SELECT count(*) FROM users WHERE has_premium <> 0"),
                                nt_query_int (db, "SELECT count(*) FROM users WHERE is_staff <> 0"),
                                nt_query_int (db, "SELECT count(*) FROM users WHERE is_active <> 0"));

  return text;
}

static void
test_matrix (NtFixture     *fixture,
             gconstpointer  data)
{
  const char *tokens[N_CALLERS] = { NULL, fixture->token_a, fixture->token_b, fixture->token_staff };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FcSql) db = NULL;

  /* B becomes staff, then staff deactivates B: B's token was issued while
   * B was active staff. */
  path = g_strdup_printf (API "users/%d/", 2);
  nt_expect (fixture->server, "PATCH", path, fixture->token_staff, "{\"is_staff\":true}", 200);
  nt_expect (fixture->server, "GET", API "users/", fixture->token_b, NULL, 200);
  nt_expect (fixture->server, "PATCH", path, fixture->token_staff, "{\"is_active\":false}", 200);

  before = footprint (fixture->server);
  for (guint caller = 0; caller < N_CALLERS; caller++) {
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
      g_autofree char *case_path = expand (cases[i].path, 1);
      g_autoptr(FcTestResponse) response =
        fc_test_request (fixture->server, cases[i].method, case_path, tokens[caller], cases[i].body);

      if (response->status != cases[i].status[caller])
        g_test_message ("%s %s as caller %u: %u", cases[i].method, case_path, caller,
                        response->status);
      g_assert_cmpuint (response->status, ==, cases[i].status[caller]);
      if (response->status == 401 && caller == DEAD_STAFF) {
        JsonObject *object = fc_test_response_object (response);

        g_assert_cmpstr (fc_json_get_string (object, "code"), ==, "user_inactive");
      }
      /* Nobody but staff leaves a trace, whatever they sent. */
      if (caller == STAFF)
        continue;
      g_clear_pointer (&after, g_free);
      after = footprint (fixture->server);
      g_assert_cmpstr (after, ==, before);
    }
  }

  /* Staff's two writes: one audit row each, plus the two of the set-up. */
  db = nt_open_db (fixture->server);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM audit_log"), ==, 4);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM audit_log WHERE actor_id = 3"), ==, 4);
  g_assert_cmpint (nt_query_int (db, "SELECT has_premium FROM users WHERE id = 1"), ==, 1);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM payment_transactions"
                                     " WHERE user_id = 1 AND kind = 'grant'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/admin/authz/matrix", NtFixture, NULL, nt_fixture_set_up, test_matrix,
              nt_fixture_tear_down);
  return g_test_run ();
}
