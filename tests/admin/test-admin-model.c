/* test-admin-model.c — FcAdminUserModel and FcAdminService against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 20,000 accounts are written straight into the server's database; the
 * model the Admin section's list shows must know their number from one
 * page, fill in the rows it is asked for, ask only for a bounded number
 * of pages however far and often the list jumps, narrow with a search,
 * and pass the server's refusals on as sentences.
 */

#include "config.h"

#include <string.h>

#include "admin-seed.h"
#include "admin-test-util.h"
#include "fc-admin-service.h"
#include "fc-admin-user-model.h"
#include "fc-json.h"
#include "nutrition-test-util.h"

#define N_USERS 20000
#define PAGE_SIZE 50
#define MAX_PAGES 6
/* The fixture's three accounts sort before the seeded ones by e-mail:
 * admin@, alice@, bob@, seed-000000@... */
#define N_FIXTURE 3

typedef struct {
  NtFixture         nt;
  FcApiClient      *client;
  FcAdminService   *service;
  FcAdminUserModel *model;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  nt_fixture_set_up (&fixture->nt, NULL);
  ad_seed_users (fixture->nt.server, N_USERS);

  url = g_strconcat (fixture->nt.server->base_url, "/", NULL);
  fixture->client = fc_api_client_new (url, &error);
  g_assert_no_error (error);
  fc_api_client_set_tokens (fixture->client, fixture->nt.token_staff, NULL);
  fixture->service = fc_admin_service_new (fixture->client);
  fixture->model = fc_admin_user_model_new (fixture->service, PAGE_SIZE, MAX_PAGES);
  fc_admin_user_model_set_ordering (fixture->model, "email");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->model);
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->client);
  nt_fixture_tear_down (&fixture->nt, NULL);
}

/* Turns the main loop until the model has no request on the way and
 * none waiting (an idle may still be about to send one), or fails. */
static void
settle (FcAdminUserModel *model)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  for (;;) {
    while (g_main_context_pending (NULL))
      g_main_context_iteration (NULL, FALSE);
    if (!fc_admin_user_model_get_loading (model) && fc_admin_user_model_get_in_flight (model) == 0)
      break;
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_main_context_iteration (NULL, TRUE);
  }
}

static char *
seed_email (guint position)
{
  return g_strdup_printf ("seed-%06u@fitcore.test", position - N_FIXTURE);
}

static FcAdminUser *
item (Fixture *fixture,
      guint    position)
{
  return g_list_model_get_item (G_LIST_MODEL (fixture->model), position);
}

static void
test_jumps (Fixture       *fixture,
            gconstpointer  data)
{
  GListModel *list = G_LIST_MODEL (fixture->model);
  g_autoptr(FcAdminUser) first = NULL;
  g_autoptr(GPtrArray) last = g_ptr_array_new_with_free_func (g_object_unref);
  guint n, fetched;

  settle (fixture->model);
  g_assert_null (fc_admin_user_model_get_error (fixture->model));

  /* The length from the first page alone, as the database counts. */
  n = g_list_model_get_n_items (list);
  g_assert_cmpuint (n, ==, N_USERS + N_FIXTURE);
  g_assert_cmpint (n, ==, ad_db_int (fixture->nt.server, "SELECT count(*) FROM users"));
  g_assert_cmpuint (fc_admin_user_model_get_pages_fetched (fixture->model), ==, 1);

  first = item (fixture, 0);
  g_assert_true (fc_admin_user_get_loaded (first));
  g_assert_cmpstr (fc_admin_user_get_email (first), ==, NT_EMAIL_STAFF);
  g_assert_null (g_list_model_get_item (list, n));

  /* 300 jumps over the whole list, as a scrollbar dragged end to end and
   * back: a row is answered at once, empty, and only the pages still
   * among the last MAX_PAGES touched are asked for. */
  for (guint k = 0; k < 300; k++) {
    guint position = (guint) (((guint64) k * 7919 * PAGE_SIZE + k) % n);
    g_autoptr(FcAdminUser) user = item (fixture, position);

    g_assert_nonnull (user);
    if (k >= 297) {
      g_assert_false (fc_admin_user_get_loaded (user));
      g_assert_cmpstr (fc_admin_user_get_email (user), ==, "");
      g_ptr_array_add (last, g_object_ref (user));
      g_object_set_data (G_OBJECT (user), "position", GUINT_TO_POINTER (position));
    }
  }
  settle (fixture->model);
  fetched = fc_admin_user_model_get_pages_fetched (fixture->model) - 1;
  g_test_message ("300 jumps asked for %u pages", fetched);
  g_assert_cmpuint (fetched, >=, 3);
  g_assert_cmpuint (fetched, <=, MAX_PAGES);
  g_assert_cmpuint (fc_admin_user_model_get_pages_kept (fixture->model), <=, MAX_PAGES);

  /* The placeholders the view holds filled in where they are. */
  for (guint i = 0; i < last->len; i++) {
    FcAdminUser *user = g_ptr_array_index (last, i);
    guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (user), "position"));
    g_autofree char *expected = seed_email (position);

    g_assert_true (fc_admin_user_get_loaded (user));
    g_assert_cmpstr (fc_admin_user_get_email (user), ==, expected);
    g_assert_cmpint (fc_admin_user_get_id (user), >, 0);
  }

  /* A slow scroll through 400 rows (8 pages) asks for those 8 pages once
   * each, the rows on screen filling in as it goes. */
  fetched = fc_admin_user_model_get_pages_fetched (fixture->model);
  for (guint position = 10000; position < 10400; position++) {
    g_autoptr(FcAdminUser) user = item (fixture, position);

    if (position % 25 == 24)
      settle (fixture->model);
    if (position % 25 == 24) {
      g_autofree char *expected = seed_email (position);

      g_assert_true (fc_admin_user_get_loaded (user));
      g_assert_cmpstr (fc_admin_user_get_email (user), ==, expected);
    }
  }
  g_assert_cmpuint (fc_admin_user_model_get_pages_fetched (fixture->model) - fetched, <=, 9);
  /* The constructor's load was cancelled by the ordering: one request
   * more than the pages of this load. */
  g_assert_cmpuint (fc_admin_service_get_list_requests (fixture->service), ==,
                    fc_admin_user_model_get_pages_fetched (fixture->model) + 1);
}

static void
on_items_changed_cb (GListModel *list,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *n_signals)
{
  (*n_signals)++;
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  GListModel *list = G_LIST_MODEL (fixture->model);
  guint n_signals = 0;

  settle (fixture->model);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed_cb), &n_signals);

  /* seed-012340@ to seed-012349@. */
  fc_admin_user_model_set_search (fixture->model, "seed-01234");
  settle (fixture->model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 10);
  for (guint i = 0; i < 10; i++) {
    g_autoptr(FcAdminUser) user = g_list_model_get_item (list, i);
    g_autofree char *expected = g_strdup_printf ("seed-01234%u@fitcore.test", i);

    g_assert_true (fc_admin_user_get_loaded (user));
    g_assert_cmpstr (fc_admin_user_get_email (user), ==, expected);
  }

  /* A name, newest first: the ordering goes with the search. */
  fc_admin_user_model_set_ordering (fixture->model, "-email");
  settle (fixture->model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 10);
  {
    g_autoptr(FcAdminUser) user = g_list_model_get_item (list, 0);

    g_assert_cmpstr (fc_admin_user_get_email (user), ==, "seed-012349@fitcore.test");
  }

  fc_admin_user_model_set_search (fixture->model, "nobody-has-this");
  settle (fixture->model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);

  fc_admin_user_model_set_search (fixture->model, NULL);
  settle (fixture->model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_USERS + N_FIXTURE);
  g_assert_cmpuint (n_signals, >=, 4);
}

/* Every account of the list, once its pages came, has @flag (an
 * FcAdminUser property) equal to @value. */
static void
assert_all (Fixture    *fixture,
            const char *flag,
            gboolean    value)
{
  GListModel *list = G_LIST_MODEL (fixture->model);
  guint n = g_list_model_get_n_items (list);

  for (guint i = 0; i < n; i++)
    g_object_unref (g_list_model_get_item (list, i));
  settle (fixture->model);
  for (guint i = 0; i < n; i++) {
    g_autoptr(FcAdminUser) user = g_list_model_get_item (list, i);
    gboolean got = !value;

    g_assert_true (fc_admin_user_get_loaded (user));
    g_object_get (user, flag, &got, NULL);
    g_assert_cmpint (got, ==, value);
  }
}

/* The Users page's filters reach admin/users/ as its query parameters:
 * the list holds exactly the seeded accounts that have the flags, as
 * admin-seed.c wrote them (staff every 1,000th, premium every 7th,
 * deactivated every 11th), and goes back to all of them without. */
static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *list = G_LIST_MODEL (fixture->model);
  guint staff = 0, premium_inactive = 0, active = 0;

  for (guint i = 0; i < N_USERS; i++) {
    staff += i % 1000 == 999;
    premium_inactive += i % 7 == 6 && i % 11 == 10;
    active += i % 11 != 10;
  }

  /* Only the seeded accounts (first name "Seed"), not the fixture's. */
  fc_admin_user_model_set_search (fixture->model, "seed");
  fc_admin_user_model_set_filters (fixture->model, "is_staff=true");
  settle (fixture->model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, staff);
  assert_all (fixture, "is-staff", TRUE);

  fc_admin_user_model_set_filters (fixture->model, "has_premium=true&is_active=false");
  settle (fixture->model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, premium_inactive);
  assert_all (fixture, "has-premium", TRUE);
  assert_all (fixture, "is-active", FALSE);

  fc_admin_user_model_set_filters (fixture->model, "is_active=true");
  settle (fixture->model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, active);

  fc_admin_user_model_set_filters (fixture->model, NULL);
  settle (fixture->model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_USERS);
  g_assert_null (fc_admin_user_model_get_filters (fixture->model));
}

static void
on_user_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_actions (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GAsyncResult) audit = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) detail = NULL;
  g_autoptr(JsonArray) trail = NULL;
  g_autoptr(FcAdminUser) user = NULL;
  g_autoptr(GError) error = NULL;
  gboolean premium = TRUE;
  gint64 id;

  settle (fixture->model);
  /* Alice, second by e-mail. */
  user = item (fixture, 1);
  g_assert_cmpstr (fc_admin_user_get_email (user), ==, NT_EMAIL_A);
  g_assert_false (fc_admin_user_get_has_premium (user));
  id = fc_admin_user_get_id (user);

  json_object_set_boolean_member (changes, "has_premium", TRUE);
  json_object_set_string_member (changes, "premium_until", "2999-01-01");
  fc_admin_service_update_user_async (fixture->service, id, changes, NULL, on_user_cb, &result);
  detail = fc_admin_service_user_finish (fixture->service, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (fc_json_get_boolean (detail, "has_premium", &premium) && premium);
  g_assert_cmpint (ad_db_int (fixture->nt.server,
                              "SELECT has_premium FROM users WHERE email = 'alice@fitcore.test'"),
                   ==, 1);

  /* The row shows it without a reload. */
  fc_admin_user_model_update_user (fixture->model, detail);
  g_assert_true (fc_admin_user_get_has_premium (user));

  fc_admin_service_user_audit_async (fixture->service, id, NULL, on_user_cb, &audit);
  trail = fc_admin_service_user_audit_finish (fixture->service, wait_result (&audit), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (trail), ==, 1);
  g_assert_cmpstr (fc_json_get_string (json_array_get_object_element (trail, 0), "action"), ==,
                   "user.update");

  /* The server's refusal reaches the caller as its sentence. */
  {
    g_autoptr(JsonObject) self_demote = json_object_new ();
    g_autoptr(JsonObject) none = NULL;
    gint64 staff_id = ad_db_int (fixture->nt.server,
                                 "SELECT id FROM users WHERE email = 'admin@fitcore.test'");

    json_object_set_boolean_member (self_demote, "is_staff", FALSE);
    fc_admin_service_update_user_async (fixture->service, staff_id, self_demote, NULL, on_user_cb,
                                        &refused);
    none = fc_admin_service_user_finish (fixture->service, wait_result (&refused), &error);
    g_assert_null (none);
    g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
    g_assert_cmpstr (error->message, ==, "You cannot remove your own staff status.");
  }
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

  g_test_add ("/admin/model/jumps", Fixture, NULL, fixture_set_up, test_jumps, fixture_tear_down);
  g_test_add ("/admin/model/search", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/admin/model/filters", Fixture, NULL, fixture_set_up, test_filters,
              fixture_tear_down);
  g_test_add ("/admin/model/actions", Fixture, NULL, fixture_set_up, test_actions,
              fixture_tear_down);

  return g_test_run ();
}
