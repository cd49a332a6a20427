/* test-notifications-offline.c — the inbox without a server, against the
 * real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo user's notifications are pulled into the store; then the server
 * goes away. The user marks one read, one unread, deletes one (and one
 * that another device deleted meanwhile) and marks all read: the store
 * shows each at once, the outbox holds them, and a restart of the store
 * and engine with no server still lists the inbox as the user left it.
 * The server comes back on the same port and data: one sync sends exactly
 * those requests, in order (the DELETE answered 404 counts as done), and
 * the server's database and the store then agree. Every check reads the
 * server's database or log, or the store's file, not the code's word.
 */

#include "config.h"

#include "fc-notification-list-model.h"
#include "fc-store-notifications.h"
#include "sync-test-util.h"

#define STAFF_EMAIL "admin@fitcore.local"
#define STAFF_PASSWORD "fitcore-admin"
#define NOTIF "/api/v1/notifications/"

static const char * const titles[] = {
  "Read me", "Unread me", "Delete me", "Gone already", "Left alone",
};
enum { READ_ME, UNREAD_ME, DELETE_ME, GONE, LEFT_ALONE, N_TITLES };

static gint64
server_id_of (FcTestServer *server,
              const char   *title)
{
  return sync_test_server_count (server,
                                 "SELECT n.id FROM notifications n JOIN users u "
                                 "ON u.id = n.user_id WHERE u.email = '" SYNC_TEST_DEMO_EMAIL
                                 "' AND n.title = ?", title);
}

/* The server's is_read of @id, or -1 when it has no such notification. */
static gint64
server_read (FcTestServer *server,
             gint64        id)
{
  g_autofree char *arg = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  if (sync_test_server_count (server, "SELECT count(*) FROM notifications WHERE id = ?", arg) == 0)
    return -1;
  return sync_test_server_count (server, "SELECT is_read FROM notifications WHERE id = ?", arg);
}

/* The store's is_read of @id, or -1 when it has no such notification. */
static gint64
store_read (FcStore *store,
            gint64   id)
{
  g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM notifications WHERE id = %"
                                            G_GINT64_FORMAT, id);
  g_autofree char *read = g_strdup_printf ("SELECT is_read FROM notifications WHERE id = %"
                                           G_GINT64_FORMAT, id);

  if (sync_test_store_count (store, count) == 0)
    return -1;
  return sync_test_store_count (store, read);
}

static void
request (FcTestServer *server,
         const char   *token,
         const char   *method,
         const char   *path,
         const char   *json,
         guint         status)
{
  g_autoptr(FcTestResponse) response = fc_test_request (server, method, path, token, json);

  g_assert_cmpuint (response->status, ==, status);
}

static void
wait_written (FcStore  *store,
              gboolean (*finish) (FcStore *, GAsyncResult *, GError **),
              GAsyncResult **slot)
{
  g_autoptr(GAsyncResult) result = sync_test_wait (slot);
  g_autoptr(GError) error = NULL;

  g_assert_true (finish (store, result, &error));
  g_assert_no_error (error);
}

/* The model the page shows, read once: title → is_read ("1"/"0"). */
static GHashTable *
model_inbox (FcStore *store)
{
  g_autoptr(FcNotificationListModel) model = fc_notification_list_model_new (store);
  GHashTable *inbox = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* The first read starts at once. */
  g_list_model_get_n_items (G_LIST_MODEL (model));
  while (fc_store_model_get_loading (FC_STORE_MODEL (model)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (fc_store_model_get_loading (FC_STORE_MODEL (model)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++) {
    g_autoptr(FcNotificationItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

    g_hash_table_insert (inbox, g_strdup (fc_notification_item_get_title (item)),
                         GINT_TO_POINTER (fc_notification_item_get_is_read (item) ? 2 : 1));
  }
  return inbox;
}

/* 1 read, 0 unread, -1 not listed. */
static int
listed_read (GHashTable *inbox,
             const char *title)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (inbox, title)) - 1;
}

static void
test_offline_edits (void)
{
  const char *demo[] = { "--demo", NULL };
  g_autoptr(SyncTestLog) log = NULL;
  FcTestServer *server = sync_test_server_start_logged (NULL, SYNC_TEST_CONFIG, demo, &log);
  g_autofree char *url = sync_test_url (server);
  g_autofree char *data_dir = g_strdup (server->data_dir);
  g_autofree char *staff = fc_test_login (server, STAFF_EMAIL, STAFF_PASSWORD, NULL);
  g_autofree char *user = fc_test_login (server, SYNC_TEST_DEMO_EMAIL, SYNC_TEST_DEMO_PASSWORD,
                                         NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiClient) client = fc_api_client_new (url, &error);
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcSyncEngine) engine = NULL;
  g_autoptr(GHashTable) inbox = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *port = NULL;
  GAsyncResult *slot = NULL;
  gint64 ids[N_TITLES];
  guint pending = 0, rejected = 0;

  g_assert_no_error (error);
  fc_api_client_set_tokens (client, user, NULL);
  port = g_strdup (strrchr (server->base_url, ':') + 1);

  for (guint i = 0; i < N_TITLES; i++) {
    g_autofree char *json = g_strdup_printf ("{\"title\":\"%s\",\"message\":\"Offline test\"}",
                                             titles[i]);

    request (server, staff, "POST", NOTIF "broadcast/", json, 201);
    ids[i] = server_id_of (server, titles[i]);
    g_assert_cmpint (ids[i], >, 0);
  }
  /* Read before the pull, so that marking it unread is a change. */
  {
    g_autofree char *path = g_strdup_printf (NOTIF "%" G_GINT64_FORMAT "/", ids[UNREAD_ME]);

    request (server, user, "PATCH", path, "{\"is_read\":true}", 200);
  }

  store = sync_test_open_store (url, SYNC_TEST_DEMO_EMAIL);
  engine = fc_sync_engine_new (client, store);
  fc_sync_engine_start (engine);
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  sync_test_wait_quiet (engine, 500, 120);
  for (guint i = 0; i < N_TITLES; i++)
    g_assert_cmpint (store_read (store, ids[i]), ==, i == UNREAD_ME ? 1 : 0);

  /* Another device deletes one the store still holds. */
  {
    g_autofree char *path = g_strdup_printf (NOTIF "%" G_GINT64_FORMAT "/", ids[GONE]);

    request (server, user, "DELETE", path, NULL, 204);
  }
  g_assert_cmpint (store_read (store, ids[GONE]), ==, 0);

  /* The server goes away (its data stays). */
  server->owns_data_dir = FALSE;
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
  fc_test_server_free (server);
  g_clear_pointer (&log, sync_test_log_free);

  /* Each edit is in the store when its call returns. */
  fc_store_notifications_set_read_async (store, ids[READ_ME], TRUE, NULL, sync_test_done_cb, &slot);
  wait_written (store, fc_store_notifications_set_read_finish, &slot);
  g_assert_cmpint (store_read (store, ids[READ_ME]), ==, 1);

  fc_store_notifications_set_read_async (store, ids[UNREAD_ME], FALSE, NULL, sync_test_done_cb,
                                         &slot);
  wait_written (store, fc_store_notifications_set_read_finish, &slot);
  g_assert_cmpint (store_read (store, ids[UNREAD_ME]), ==, 0);

  fc_store_notifications_delete_async (store, ids[DELETE_ME], NULL, sync_test_done_cb, &slot);
  wait_written (store, fc_store_notifications_delete_finish, &slot);
  g_assert_cmpint (store_read (store, ids[DELETE_ME]), ==, -1);

  fc_store_notifications_delete_async (store, ids[GONE], NULL, sync_test_done_cb, &slot);
  wait_written (store, fc_store_notifications_delete_finish, &slot);
  g_assert_cmpint (store_read (store, ids[GONE]), ==, -1);

  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM notifications "
                                                 "WHERE is_read = 0"), ==, 2);
  fc_store_notifications_mark_all_read_async (store, NULL, sync_test_done_cb, &slot);
  wait_written (store, fc_store_notifications_mark_all_read_finish, &slot);
  g_assert_cmpint (sync_test_store_count (store, "SELECT count(*) FROM notifications "
                                                 "WHERE is_read = 0"), ==, 0);

  /* The engine tried (it pushes every write) and keeps all five. */
  g_assert_false (sync_test_run (engine, &error));
  g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NETWORK);
  g_clear_error (&error);
  sync_test_counts (store, &pending, &rejected);
  g_assert_cmpuint (pending, ==, 5);
  g_assert_cmpuint (rejected, ==, 0);

  /* A restart without a server: the page's model lists the inbox as the
   * user left it. */
  fc_sync_engine_stop (engine);
  g_clear_object (&engine);
  g_clear_object (&store);
  store = sync_test_open_store (url, SYNC_TEST_DEMO_EMAIL);
  engine = fc_sync_engine_new (client, store);
  fc_sync_engine_start (engine);
  g_assert_false (sync_test_run (engine, &error));
  g_clear_error (&error);
  inbox = model_inbox (store);
  g_assert_cmpuint (g_hash_table_size (inbox), ==, 3);
  g_assert_cmpint (listed_read (inbox, titles[READ_ME]), ==, 1);
  g_assert_cmpint (listed_read (inbox, titles[UNREAD_ME]), ==, 1);
  g_assert_cmpint (listed_read (inbox, titles[LEFT_ALONE]), ==, 1);
  g_assert_cmpint (listed_read (inbox, titles[DELETE_ME]), ==, -1);
  g_assert_cmpint (listed_read (inbox, titles[GONE]), ==, -1);

  /* Back, on the same port and data: one sync sends exactly the edits, in
   * the order they were made. */
  {
    const char *args[] = { "--demo", "--port", port, NULL };

    server = sync_test_server_start_logged (data_dir, SYNC_TEST_CONFIG, args, &log);
    server->owns_data_dir = TRUE;
  }
  g_assert_true (sync_test_run (engine, &error));
  g_assert_no_error (error);
  sync_test_wait_quiet (engine, 500, 120);
  lines = sync_test_log_take (log);
  sync_test_log_lines ("back online", lines);
  {
    const char *expected[] = { "PATCH", "200", "PATCH", "200", "DELETE", "204", "DELETE", "404",
                               "POST", "200" };
    const gint64 objects[] = { ids[READ_ME], ids[UNREAD_ME], ids[DELETE_ME], ids[GONE], 0 };
    guint found = 0;

    for (guint i = 0; i < lines->len; i++) {
      const char *line = lines->pdata[i];
      g_autofree char *path = found / 2 < 4
                              ? g_strdup_printf (NOTIF "%" G_GINT64_FORMAT "/",
                                                 objects[found / 2])
                              : g_strdup (NOTIF "mark-all-read/");
      g_autofree char *want = NULL;

      if (strstr (line, NOTIF) == NULL || g_str_has_prefix (line, "GET "))
        continue;
      g_assert_cmpuint (found, <, G_N_ELEMENTS (expected));
      want = g_strdup_printf ("%s %s %s ", expected[found], path, expected[found + 1]);
      g_assert_true (g_str_has_prefix (line, want));
      found += 2;
    }
    g_assert_cmpuint (found, ==, G_N_ELEMENTS (expected));
  }

  /* The server holds exactly those changes, and the store agrees. */
  g_assert_cmpint (server_read (server, ids[READ_ME]), ==, 1);
  g_assert_cmpint (server_read (server, ids[UNREAD_ME]), ==, 1);
  g_assert_cmpint (server_read (server, ids[LEFT_ALONE]), ==, 1);
  g_assert_cmpint (server_read (server, ids[DELETE_ME]), ==, -1);
  g_assert_cmpint (server_read (server, ids[GONE]), ==, -1);
  /* The unread in between reached the server: its events say read,
   * unread, read. */
  {
    g_autofree char *arg = g_strdup_printf ("%" G_GINT64_FORMAT, ids[UNREAD_ME]);
    char events[4] = { 0 };

    /* One event at a time: group_concat is SQLite's alone. */
    g_assert_cmpint (sync_test_server_count (server,
                                             "SELECT count(*) FROM notification_events WHERE "
                                             "kind = 'read' AND notification_id = ?", arg), ==, 3);
    for (guint i = 0; i < 3; i++) {
      g_autofree char *sql = g_strdup_printf ("SELECT is_read FROM notification_events WHERE "
                                              "kind = 'read' AND notification_id = ? "
                                              "ORDER BY id LIMIT 1 OFFSET %u", i);

      events[i] = (char) ('0' + sync_test_server_count (server, sql, arg));
    }
    g_assert_cmpstr (events, ==, "101");
  }
  sync_test_counts (store, &pending, &rejected);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (rejected, ==, 0);
  for (guint i = 0; i < N_TITLES; i++)
    g_assert_cmpint (store_read (store, ids[i]), ==, server_read (server, ids[i]));

  fc_sync_engine_stop (engine);
  fc_test_server_free (server);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/notifications/offline-edits", test_offline_edits);

  return g_test_run ();
}
