/* test-admin-offline.c — staff edits without a server wait in the outbox,
 * against the real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A staff member's FcAdminService, with the account's store, reads the
 * workouts, categories, templates and an account; then the server goes
 * away. They create a workout, rename and hide another, delete two (one
 * that another staff member deleted meanwhile), rename a category, rename
 * and hide a template, delete another, make the demo user staff and try
 * to remove their own staff status (which the server will refuse). Each
 * answer comes at once from the store, a pulled copy does not undo a
 * waiting edit, and a restart of the store and service with no server
 * still shows them. The server comes back on the same port and data: one
 * sync sends exactly those requests, in order (the DELETE answered 404
 * counts as done, the 400 waits in the attention list with the account it
 * names), and the server's database holds the edits. Every check reads the
 * server's database or log, or the store, not the code's word.
 */

#include "config.h"

#include "fc-admin-service.h"
#include "fc-store-admin.h"
#include "sync-test-util.h"

#define STAFF_EMAIL "admin@fitcore.local"
#define STAFF_PASSWORD "fitcore-admin"

typedef struct {
  FcTestServer  *server;
  SyncTestLog   *log;
  char          *url;
  char          *data_dir;
  char          *port;
  FcApiClient   *client;
  FcStore       *store;
  FcSyncEngine  *engine;
  FcAdminService *service;
} Fixture;

static gint64
server_int (FcTestServer *server,
            const char   *sql,
            gint64        id)
{
  g_autofree char *arg = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return sync_test_server_count (server, sql, arg);
}

static void
open_local (Fixture *f)
{
  f->store = sync_test_open_store (f->url, STAFF_EMAIL);
  f->engine = fc_sync_engine_new (f->client, f->store);
  fc_sync_engine_start (f->engine);
  f->service = fc_admin_service_new_with_store (f->client, f->store);
}

static void
close_local (Fixture *f)
{
  fc_sync_engine_stop (f->engine);
  g_clear_object (&f->service);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
}

static JsonArray *
list (Fixture    *f,
      const char *resource)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items;

  if (g_str_equal (resource, FC_STORE_ADMIN_WORKOUTS))
    fc_admin_service_list_workouts_async (f->service, NULL, sync_test_done_cb, &slot);
  else
    fc_admin_service_list_categories_async (f->service, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  items = fc_admin_service_list_finish (f->service, result, &error);
  g_assert_no_error (error);
  return items;
}

static JsonArray *
templates (Fixture *f)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;

  fc_admin_service_list_templates_async (f->service, NULL, 1, 50, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  page = fc_admin_service_list_templates_finish (f->service, result, &error);
  g_assert_no_error (error);
  return json_array_ref (json_object_get_array_member (page, "results"));
}

static JsonObject *
user (Fixture *f,
      gint64   id)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *detail;

  fc_admin_service_get_user_async (f->service, id, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  detail = fc_admin_service_user_finish (f->service, result, &error);
  g_assert_no_error (error);
  return detail;
}

/* The object of @items with @id, or NULL. */
static JsonObject *
find (JsonArray *items,
      gint64     id)
{
  for (guint i = 0; i < json_array_get_length (items); i++) {
    JsonObject *object = json_array_get_object_element (items, i);

    if (json_object_get_int_member (object, "id") == id)
      return object;
  }
  return NULL;
}

static JsonObject *
find_named (JsonArray  *items,
            const char *member,
            const char *name)
{
  for (guint i = 0; i < json_array_get_length (items); i++) {
    JsonObject *object = json_array_get_object_element (items, i);

    if (g_strcmp0 (json_object_get_string_member_with_default (object, member, ""), name) == 0)
      return object;
  }
  return NULL;
}

/* Waits for one of the service's write calls; returns its object. */
static JsonObject *
written (Fixture       *f,
         GAsyncResult **slot)
{
  g_autoptr(GAsyncResult) result = sync_test_wait (slot);
  g_autoptr(GError) error = NULL;
  JsonObject *object = fc_admin_service_workout_finish (f->service, result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

static void
drop_written (Fixture       *f,
              GAsyncResult **slot)
{
  json_object_unref (written (f, slot));
}

static JsonObject *
fields (const char *first,
        ...)
{
  JsonObject *object = json_object_new ();
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *)) {
    const char *value = va_arg (args, const char *);

    if (g_str_equal (value, "true") || g_str_equal (value, "false"))
      json_object_set_boolean_member (object, name, g_str_equal (value, "true"));
    else
      json_object_set_string_member (object, name, value);
  }
  va_end (args);
  return object;
}

/* The workouts, categories and templates as the service shows them. */
static void
check_offline_view (Fixture *f,
                    gint64   renamed,
                    gint64   deleted,
                    gint64   gone,
                    gint64   category,
                    gint64   template,
                    gint64   deleted_template,
                    gint64   demo)
{
  g_autoptr(JsonArray) workouts = list (f, FC_STORE_ADMIN_WORKOUTS);
  g_autoptr(JsonArray) categories = list (f, FC_STORE_ADMIN_CATEGORIES);
  g_autoptr(JsonArray) kept_templates = templates (f);
  g_autoptr(JsonObject) detail = user (f, demo);
  JsonObject *created = find_named (workouts, "title", "Offline Squats");
  JsonObject *object;

  g_assert_nonnull (created);
  g_assert_cmpint (json_object_get_int_member (created, "id"), <, 0);
  g_assert_false (json_object_get_boolean_member (created, "is_published"));
  g_assert_true (json_object_get_boolean_member (created, "dirty"));
  object = find (workouts, renamed);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Renamed Offline");
  g_assert_false (json_object_get_boolean_member (object, "is_published"));
  g_assert_null (find (workouts, deleted));
  g_assert_null (find (workouts, gone));
  object = find (categories, category);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Renamed Category");
  object = find (kept_templates, template);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Renamed Template");
  g_assert_false (json_object_get_boolean_member (object, "is_active"));
  g_assert_null (find (kept_templates, deleted_template));
  g_assert_true (json_object_get_boolean_member (detail, "is_staff"));
}

static void
test_offline_edits (void)
{
  const char *demo_args[] = { "--demo", NULL };
  Fixture fx = { 0 }, *f = &fx;
  g_autofree char *staff = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  GAsyncResult *slot = NULL;
  gint64 renamed, deleted, gone, category, template, deleted_template, demo, self_id, created;
  gint64 local_id = 0;
  guint pending = 0, rejected = 0;

  f->server = sync_test_server_start_logged (NULL, SYNC_TEST_CONFIG, demo_args, &f->log);
  f->url = sync_test_url (f->server);
  f->data_dir = g_strdup (f->server->data_dir);
  f->port = g_strdup (strrchr (f->server->base_url, ':') + 1);
  staff = fc_test_login (f->server, STAFF_EMAIL, STAFF_PASSWORD, NULL);
  f->client = fc_api_client_new (f->url, &error);
  g_assert_no_error (error);
  fc_api_client_set_tokens (f->client, staff, NULL);

  renamed = sync_test_server_count (f->server, "SELECT min(id) FROM workouts", NULL);
  deleted = server_int (f->server, "SELECT min(id) FROM workouts WHERE id > ?", renamed);
  gone = server_int (f->server, "SELECT min(id) FROM workouts WHERE id > ?", deleted);
  category = sync_test_server_count (f->server, "SELECT min(id) FROM workout_categories", NULL);
  template = sync_test_server_count (f->server, "SELECT min(id) FROM meal_plans "
                                                "WHERE is_template = 1", NULL);
  deleted_template = server_int (f->server, "SELECT min(id) FROM meal_plans "
                                            "WHERE is_template = 1 AND id > ?", template);
  demo = sync_test_server_count (f->server, "SELECT id FROM users WHERE email = ?",
                                 SYNC_TEST_DEMO_EMAIL);
  self_id = sync_test_server_count (f->server, "SELECT id FROM users WHERE email = ?",
                                    STAFF_EMAIL);
  g_assert_cmpint (gone, >, 0);
  g_assert_cmpint (category, >, 0);
  g_assert_cmpint (deleted_template, >, 0);
  g_assert_cmpint (demo, >, 0);
  g_assert_cmpint (server_int (f->server, "SELECT is_staff FROM users WHERE id = ?", demo), ==, 0);

  /* Online: the Admin section's reads keep what the server has. */
  open_local (f);
  g_assert_true (sync_test_run (f->engine, &error));
  g_assert_no_error (error);
  {
    g_autoptr(JsonArray) workouts = list (f, FC_STORE_ADMIN_WORKOUTS);
    g_autoptr(JsonArray) categories = list (f, FC_STORE_ADMIN_CATEGORIES);
    g_autoptr(JsonArray) kept_templates = templates (f);
    g_autoptr(JsonObject) detail = user (f, demo);
    g_autoptr(JsonObject) own = user (f, self_id);

    g_assert_nonnull (find (workouts, gone));
    g_assert_true (json_object_get_boolean_member (own, "is_staff"));
    g_assert_nonnull (find (categories, category));
    g_assert_nonnull (find (kept_templates, deleted_template));
    g_assert_false (json_object_get_boolean_member (detail, "is_staff"));
  }
  /* Another staff member deletes a workout this store still lists. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/workouts/workouts/%" G_GINT64_FORMAT "/",
                                             gone);
    g_autoptr(FcTestResponse) response = fc_test_request (f->server, "DELETE", path, staff, NULL);

    g_assert_cmpuint (response->status, ==, 204);
  }
  sync_test_wait_quiet (f->engine, 500, 120);

  /* The server goes away (its data stays). */
  f->server->owns_data_dir = FALSE;
  g_assert_cmpint (fc_test_server_stop (f->server), ==, 0);
  fc_test_server_free (f->server);
  g_clear_pointer (&f->log, sync_test_log_free);

  /* Each edit answers at once, from the store. */
  {
    g_autoptr(JsonObject) body = fields ("title", "Offline Squats", "description", "Made offline",
                                         "difficulty", "beginner", "is_published", "false", NULL);
    g_autoptr(JsonObject) object = NULL;

    fc_admin_service_save_workout_async (f->service, 0, body, NULL, sync_test_done_cb, &slot);
    object = written (f, &slot);
    local_id = json_object_get_int_member (object, "id");
    g_assert_cmpint (local_id, <, 0);
    /* The page says it will sync when online. */
    g_assert_true (json_object_get_boolean_member (object, "dirty"));
  }
  {
    g_autoptr(JsonObject) body = fields ("title", "Renamed Offline", "is_published", "false", NULL);
    g_autoptr(JsonObject) object = NULL;

    fc_admin_service_save_workout_async (f->service, renamed, body, NULL, sync_test_done_cb, &slot);
    object = written (f, &slot);
    g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Renamed Offline");
    g_assert_true (json_object_get_boolean_member (object, "dirty"));
  }
  fc_admin_service_delete_workout_async (f->service, deleted, NULL, sync_test_done_cb, &slot);
  drop_written (f, &slot);
  fc_admin_service_delete_workout_async (f->service, gone, NULL, sync_test_done_cb, &slot);
  drop_written (f, &slot);
  {
    g_autoptr(JsonObject) body = fields ("name", "Renamed Category", NULL);

    fc_admin_service_save_category_async (f->service, category, body, NULL, sync_test_done_cb,
                                          &slot);
    drop_written (f, &slot);
  }
  {
    g_autoptr(JsonObject) body = fields ("name", "Renamed Template", "is_active", "false", NULL);

    fc_admin_service_update_template_async (f->service, template, body, NULL, sync_test_done_cb,
                                            &slot);
    drop_written (f, &slot);
  }
  fc_admin_service_delete_template_async (f->service, deleted_template, NULL, sync_test_done_cb,
                                          &slot);
  drop_written (f, &slot);
  {
    g_autoptr(JsonObject) body = fields ("is_staff", "true", NULL);

    fc_admin_service_update_user_async (f->service, demo, body, NULL, sync_test_done_cb, &slot);
    drop_written (f, &slot);
  }
  {
    /* The server will refuse this one: never yourself. */
    g_autoptr(JsonObject) body = fields ("is_staff", "false", NULL);

    fc_admin_service_update_user_async (f->service, self_id, body, NULL, sync_test_done_cb, &slot);
    drop_written (f, &slot);
  }
  check_offline_view (f, renamed, deleted, gone, category, template, deleted_template, demo);

  /* A pull of the server's old copy leaves the waiting edit alone, and
   * does not bring back a workout whose deletion waits. */
  {
    g_autoptr(JsonArray) stale = json_array_new ();
    g_autoptr(JsonObject) old = json_object_new ();
    g_autoptr(JsonObject) old_deleted = json_object_new ();
    g_autoptr(GAsyncResult) result = NULL;

    json_object_set_int_member (old, "id", renamed);
    json_object_set_string_member (old, "title", "The Server's Title");
    json_object_set_boolean_member (old, "is_published", TRUE);
    json_object_set_int_member (old_deleted, "id", deleted);
    json_object_set_string_member (old_deleted, "title", "Back From The Dead");
    json_array_add_object_element (stale, json_object_ref (old));
    json_array_add_object_element (stale, json_object_ref (old_deleted));
    fc_store_admin_put_async (f->store, FC_STORE_ADMIN_WORKOUTS, stale, 0, FALSE, NULL,
                              sync_test_done_cb, &slot);
    result = sync_test_wait (&slot);
    g_assert_true (fc_store_admin_put_finish (f->store, result, &error));
    g_assert_no_error (error);
  }

  /* The engine tried (it pushes every write) and keeps all nine. */
  g_assert_false (sync_test_run (f->engine, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NETWORK);
  g_clear_error (&error);
  sync_test_counts (f->store, &pending, &rejected);
  g_assert_cmpuint (pending, ==, 9);
  g_assert_cmpuint (rejected, ==, 0);

  /* A restart with no server shows the same. */
  close_local (f);
  open_local (f);
  check_offline_view (f, renamed, deleted, gone, category, template, deleted_template, demo);

  /* Back, on the same port and data: one sync sends exactly the edits, in
   * the order they were made. */
  {
    const char *args[] = { "--demo", "--port", f->port, NULL };

    f->server = sync_test_server_start_logged (f->data_dir, SYNC_TEST_CONFIG, args, &f->log);
    f->server->owns_data_dir = TRUE;
  }
  g_assert_true (sync_test_run (f->engine, &error));
  g_assert_no_error (error);
  sync_test_wait_quiet (f->engine, 500, 120);
  lines = sync_test_log_take (f->log);
  sync_test_log_lines ("back online", lines);
  {
    char *expected[9] = {
      g_strdup ("POST /api/v1/workouts/workouts/ 201 "),
      g_strdup_printf ("PATCH /api/v1/workouts/workouts/%" G_GINT64_FORMAT "/ 200 ", renamed),
      g_strdup_printf ("DELETE /api/v1/workouts/workouts/%" G_GINT64_FORMAT "/ 204 ", deleted),
      g_strdup_printf ("DELETE /api/v1/workouts/workouts/%" G_GINT64_FORMAT "/ 404 ", gone),
      g_strdup_printf ("PATCH /api/v1/workouts/categories/%" G_GINT64_FORMAT "/ 200 ", category),
      g_strdup_printf ("PATCH /api/v1/admin/meal-plan-templates/%" G_GINT64_FORMAT "/ 200 ",
                       template),
      g_strdup_printf ("DELETE /api/v1/admin/meal-plan-templates/%" G_GINT64_FORMAT "/ 204 ",
                       deleted_template),
      g_strdup_printf ("PATCH /api/v1/admin/users/%" G_GINT64_FORMAT "/ 200 ", demo),
      g_strdup_printf ("PATCH /api/v1/admin/users/%" G_GINT64_FORMAT "/ 400 ", self_id),
    };
    guint found = 0;

    for (guint i = 0; i < lines->len; i++) {
      const char *line = lines->pdata[i];

      /* Reads, and the engine's probe of what the server offers. */
      if (g_str_has_prefix (line, "GET ") || g_str_has_prefix (line, "HEAD ") ||
          (strstr (line, " /api/v1/workouts/") == NULL && strstr (line, " /api/v1/admin/") == NULL))
        continue;
      g_assert_cmpuint (found, <, G_N_ELEMENTS (expected));
      if (!g_str_has_prefix (line, expected[found]))
        g_error ("request %u: “%s”, expected “%s…”", found, line, expected[found]);
      found++;
    }
    g_assert_cmpuint (found, ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_free (expected[i]);
  }

  /* The server holds exactly those edits. */
  created = sync_test_server_count (f->server, "SELECT id FROM workouts WHERE title = ?",
                                    "Offline Squats");
  g_assert_cmpint (created, >, 0);
  g_assert_cmpint (server_int (f->server, "SELECT is_published FROM workouts WHERE id = ?",
                               created), ==, 0);
  g_assert_cmpint (sync_test_server_count (f->server, "SELECT count(*) FROM workouts WHERE "
                                                      "title = ? AND is_published = 0",
                                           "Renamed Offline"), ==, 1);
  g_assert_cmpint (server_int (f->server, "SELECT count(*) FROM workouts WHERE id = ? AND "
                                          "title = 'Renamed Offline'", renamed), ==, 1);
  g_assert_cmpint (server_int (f->server, "SELECT count(*) FROM workouts WHERE id = ?", deleted),
                   ==, 0);
  g_assert_cmpint (server_int (f->server, "SELECT count(*) FROM workout_categories WHERE id = ? "
                                          "AND name = 'Renamed Category'", category), ==, 1);
  g_assert_cmpint (server_int (f->server, "SELECT count(*) FROM meal_plans WHERE id = ? AND "
                                          "name = 'Renamed Template' AND is_active = 0",
                               template), ==, 1);
  g_assert_cmpint (server_int (f->server, "SELECT count(*) FROM meal_plans WHERE id = ?",
                               deleted_template), ==, 0);
  g_assert_cmpint (server_int (f->server, "SELECT is_staff FROM users WHERE id = ?", demo), ==, 1);
  g_assert_cmpint (server_int (f->server, "SELECT is_staff FROM users WHERE id = ?", self_id),
                   ==, 1);

  /* The store agrees: the created workout has the server's id; the
   * refusal waits for the staff member, naming the account. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM admin_objects WHERE "
                                            "resource = 'admin_workouts' AND id = %"
                                            G_GINT64_FORMAT " AND json_extract(object, "
                                            "'$.title') = 'Offline Squats'", created);

    g_assert_cmpint (sync_test_store_count (f->store, sql), ==, 1);
    g_assert_cmpint (sync_test_store_count (f->store, "SELECT count(*) FROM admin_objects "
                                                      "WHERE id < 0"), ==, 0);
  }
  /* An editor still holding the local id finds the workout by it, with
   * the server's id, without asking the server for a negative id. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonObject) object = NULL;
    g_autoptr(GPtrArray) asked = NULL;
    g_autofree char *negative = g_strdup_printf ("/workouts/workouts/%" G_GINT64_FORMAT "/",
                                                 local_id);

    fc_admin_service_get_workout_async (f->service, local_id, NULL, sync_test_done_cb, &slot);
    result = sync_test_wait (&slot);
    object = fc_admin_service_workout_finish (f->service, result, &error);
    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (object, "id"), ==, created);
    g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Offline Squats");
    asked = sync_test_log_take (f->log);
    g_assert_cmpuint (sync_test_lines_count (asked, negative), ==, 0);
  }
  sync_test_counts (f->store, &pending, &rejected);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (rejected, ==, 1);
  refused = sync_test_outbox (f->store, TRUE);
  g_assert_cmpuint (refused->len, ==, 1);
  {
    FcOutboxItem *item = refused->pdata[0];

    g_assert_cmpstr (fc_outbox_item_get_resource (item), ==, FC_STORE_ADMIN_USERS);
    g_assert_cmpstr (fc_outbox_item_get_subject (item), ==, STAFF_EMAIL);
    g_assert_cmpuint (fc_outbox_item_get_http_status (item), ==, 400);
    g_assert_nonnull (fc_outbox_item_get_error_message (item));
  }

  close_local (f);
  g_clear_object (&f->client);
  fc_test_server_free (f->server);
  g_clear_pointer (&f->log, sync_test_log_free);
  g_free (f->url);
  g_free (f->data_dir);
  g_free (f->port);
}

/* Online, a write answers once its fate is known: a created workout with
 * the server's id; a refusal (409: the last staff account) with the
 * server's sentence, undone at once (nothing left in the outbox, the
 * account as it was). */
static void
test_online_edits (void)
{
  const char *demo_args[] = { "--demo", NULL };
  Fixture fx = { 0 }, *f = &fx;
  g_autofree char *staff = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) own = NULL;
  GAsyncResult *slot = NULL;
  guint pending = 0, rejected = 0;
  gint64 self_id;

  f->server = sync_test_server_start_logged (NULL, SYNC_TEST_CONFIG, demo_args, &f->log);
  f->url = sync_test_url (f->server);
  staff = fc_test_login (f->server, STAFF_EMAIL, STAFF_PASSWORD, NULL);
  f->client = fc_api_client_new (f->url, &error);
  g_assert_no_error (error);
  fc_api_client_set_tokens (f->client, staff, NULL);
  self_id = sync_test_server_count (f->server, "SELECT id FROM users WHERE email = ?",
                                    STAFF_EMAIL);
  open_local (f);
  g_assert_true (sync_test_run (f->engine, &error));
  g_assert_no_error (error);

  {
    g_autoptr(JsonObject) body = fields ("title", "Online Lunges", "difficulty", "beginner",
                                         "is_published", "true", NULL);

    fc_admin_service_save_workout_async (f->service, 0, body, NULL, sync_test_done_cb, &slot);
    created = written (f, &slot);
  }
  g_assert_cmpint (json_object_get_int_member (created, "id"), ==,
                   sync_test_server_count (f->server, "SELECT id FROM workouts WHERE title = ?",
                                           "Online Lunges"));
  g_assert_cmpint (json_object_get_int_member (created, "id"), >, 0);

  own = user (f, self_id);
  g_assert_true (json_object_get_boolean_member (own, "is_staff"));
  {
    g_autoptr(JsonObject) body = fields ("is_staff", "false", NULL);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonObject) answer = NULL;

    fc_admin_service_update_user_async (f->service, self_id, body, NULL, sync_test_done_cb, &slot);
    result = sync_test_wait (&slot);
    answer = fc_admin_service_user_finish (f->service, result, &error);
    g_assert_null (answer);
    g_assert_error (error, FC_API_ERROR, FC_API_ERROR_VALIDATION);
    g_test_message ("refused: %s", error->message);
    /* The demo's only staff account (the demo user is not staff here). */
    g_assert_cmpstr (error->message, ==,
                     "This is the last active staff account; make another account staff first.");
    g_clear_error (&error);
  }
  sync_test_counts (f->store, &pending, &rejected);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (rejected, ==, 0);
  g_assert_cmpint (server_int (f->server, "SELECT is_staff FROM users WHERE id = ?", self_id),
                   ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT json_extract(object, '$.is_staff') FROM "
                                            "admin_objects WHERE resource = 'admin_users' AND "
                                            "id = %" G_GINT64_FORMAT, self_id);

    g_assert_cmpint (sync_test_store_count (f->store, sql), ==, 1);
  }

  close_local (f);
  g_clear_object (&f->client);
  fc_test_server_free (f->server);
  g_clear_pointer (&f->log, sync_test_log_free);
  g_free (f->url);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/admin/offline-edits", test_offline_edits);
  g_test_add_func ("/sync/admin/online-edits", test_online_edits);

  return g_test_run ();
}
