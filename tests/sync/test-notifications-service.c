/* test-notifications-service.c — FcNotificationsService against the real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Staff broadcast as the demo admin; the demo user's service lists, marks
 * read and unread, marks all read and deletes, and every check reads the
 * server's own answer or its database, not the service's word.
 */

#include "config.h"

#include "fc-notifications-service.h"
#include "sync-test-util.h"

#define STAFF_EMAIL "admin@fitcore.local"
#define STAFF_PASSWORD "fitcore-admin"
#define USER_EMAIL "demo@fitcore.local"
#define USER_PASSWORD "fitcore-demo"

static void
broadcast (FcTestServer *server,
           const char   *token,
           const char   *title)
{
  g_autofree char *json = g_strdup_printf ("{\"title\":\"%s\",\"message\":\"Hello\"}", title);
  g_autoptr(FcTestResponse) response = fc_test_request (server, "POST",
                                                        "/api/v1/notifications/broadcast/",
                                                        token, json);

  g_assert_cmpuint (response->status, ==, 201);
}

static gint64
server_unread (FcTestServer *server)
{
  return sync_test_server_count (server,
                                 "SELECT count(*) FROM notifications n JOIN users u"
                                 " ON u.id = n.user_id WHERE u.email = ? AND n.is_read = 0",
                                 USER_EMAIL);
}

static gint64
server_is_read (FcTestServer *server,
                gint64        id)
{
  g_autofree char *arg = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return sync_test_server_count (server, "SELECT is_read FROM notifications WHERE id = ?", arg);
}

static gint64
server_exists (FcTestServer *server,
               gint64        id)
{
  g_autofree char *arg = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return sync_test_server_count (server, "SELECT count(*) FROM notifications WHERE id = ?", arg);
}

/* The demo user's service, signed in with a fresh access token. */
static FcNotificationsService *
demo_user_service (FcTestServer *server)
{
  g_autofree char *url = sync_test_url (server);
  g_autofree char *user = fc_test_login (server, USER_EMAIL, USER_PASSWORD, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcApiClient) client = fc_api_client_new (url, &error);

  g_assert_no_error (error);
  fc_api_client_set_tokens (client, user, NULL);
  return fc_notifications_service_new (client);
}

static void
test_inbox (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, args);
  g_autofree char *staff = fc_test_login (server, STAFF_EMAIL, STAFF_PASSWORD, NULL);
  g_autoptr(FcNotificationsService) service = demo_user_service (server);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonObject) changed = NULL;
  GAsyncResult *result = NULL;
  JsonArray *results;
  gint64 before, first, second, count;


  before = server_unread (server);
  broadcast (server, staff, "One");
  broadcast (server, staff, "Two");
  broadcast (server, staff, "Three");
  g_assert_cmpint (server_unread (server), ==, before + 3);

  /* The count is the server's. */
  fc_notifications_service_unread_count_async (service, NULL, sync_test_done_cb, &result);
  count = fc_notifications_service_unread_count_finish (service, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, before + 3);

  /* Pages of two, newest first. */
  fc_notifications_service_list_async (service, 1, 2, NULL, sync_test_done_cb, &result);
  page = fc_notifications_service_list_finish (service, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (page, "count"), >=, 3);
  results = json_object_get_array_member (page, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "title"), ==, "Three");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 1),
                                                  "title"), ==, "Two");
  g_assert_false (json_object_get_null_member (page, "next"));
  first = json_object_get_int_member (json_array_get_object_element (results, 0), "id");
  second = json_object_get_int_member (json_array_get_object_element (results, 1), "id");
  g_clear_pointer (&page, json_object_unref);

  fc_notifications_service_list_async (service, 2, 2, NULL, sync_test_done_cb, &result);
  page = fc_notifications_service_list_finish (service, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  results = json_object_get_array_member (page, "results");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "title"), ==, "One");

  /* Read, then unread again: the server's row says so. */
  fc_notifications_service_set_read_async (service, first, TRUE, NULL, sync_test_done_cb, &result);
  changed = fc_notifications_service_set_read_finish (service, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (changed, "is_read"));
  g_assert_cmpint (server_is_read (server, first), ==, 1);
  g_assert_cmpint (server_unread (server), ==, before + 2);
  g_clear_pointer (&changed, json_object_unref);

  fc_notifications_service_set_read_async (service, first, FALSE, NULL, sync_test_done_cb, &result);
  changed = fc_notifications_service_set_read_finish (service, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (changed, "is_read"));
  g_assert_cmpint (server_is_read (server, first), ==, 0);

  /* Deleted on the server; deleting it again is no error. */
  fc_notifications_service_delete_async (service, second, NULL, sync_test_done_cb, &result);
  g_assert_true (fc_notifications_service_delete_finish (service, sync_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (server_exists (server, second), ==, 0);
  g_assert_cmpint (server_exists (server, first), ==, 1);
  fc_notifications_service_delete_async (service, second, NULL, sync_test_done_cb, &result);
  g_assert_true (fc_notifications_service_delete_finish (service, sync_test_wait (&result), &error));
  g_assert_no_error (error);

  /* All read: none left unread on the server. */
  fc_notifications_service_mark_all_read_async (service, NULL, sync_test_done_cb, &result);
  count = fc_notifications_service_mark_all_read_finish (service, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, before + 2);
  g_assert_cmpint (server_unread (server), ==, 0);

  fc_notifications_service_unread_count_async (service, NULL, sync_test_done_cb, &result);
  count = fc_notifications_service_unread_count_finish (service, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, 0);

  /* A notification of someone else's is not found, and not touched. */
  {
    g_autofree char *arg = g_strdup_printf ("%" G_GINT64_FORMAT, first);
    gint64 other = sync_test_server_count (server,
                                           "SELECT n.id FROM notifications n JOIN users u"
                                           " ON u.id = n.user_id WHERE u.email = '" STAFF_EMAIL
                                           "' AND n.id <> ? ORDER BY n.id DESC LIMIT 1", arg);
    g_autoptr(JsonObject) refused = NULL;

    g_assert_cmpint (other, >, 0);
    fc_notifications_service_set_read_async (service, other, TRUE, NULL, sync_test_done_cb,
                                             &result);
    refused = fc_notifications_service_set_read_finish (service, sync_test_wait (&result), &error);
    g_assert_null (refused);
    g_assert_error (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_cmpint (server_is_read (server, other), ==, 0);
  }
}

static void
on_stream_event_cb (FcNotificationsService *service,
                    JsonObject             *frame,
                    GPtrArray              *events)
{
  g_ptr_array_add (events, g_strdup_printf ("%s:%s",
                                            json_object_get_string_member (frame, "type"),
                                            json_object_has_member (frame, "notification")
                                            ? json_object_get_string_member (
                                                json_object_get_object_member (frame,
                                                                               "notification"),
                                                "title")
                                            : ""));
}

static gboolean
wait_events (GPtrArray *events,
             guint      count)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (events->len < count && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  return events->len >= count;
}

/* The stream: a broadcast arrives live; events that happen while it is cut
 * arrive once each after it reconnects (Last-Event-ID), in order. */
static void
test_stream (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, args);
  g_autofree char *staff = fc_test_login (server, STAFF_EMAIL, STAFF_PASSWORD, NULL);
  g_autoptr(FcNotificationsService) service = demo_user_service (server);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  gint64 resumed_from;

  g_signal_connect (service, "stream-event", G_CALLBACK (on_stream_event_cb), events);

  fc_notifications_service_start_stream (service);
  {
    gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    while (!fc_notifications_service_get_stream_connected (service) &&
           g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  }
  g_assert_true (fc_notifications_service_get_stream_connected (service));
  /* The account's history comes first (from event 0): only what follows
   * is counted, once a second has passed without an event. */
  {
    guint seen;

    do {
      seen = events->len;
      sync_test_sleep (1000);
    } while (events->len != seen);
  }
  g_ptr_array_set_size (events, 0);

  broadcast (server, staff, "Live");
  g_assert_true (wait_events (events, 1));
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "notification.created:Live");
  g_assert_cmpint (fc_notifications_service_get_last_event_id (service), >, 0);

  /* Cut: two broadcasts while away, then back with the last id. */
  fc_notifications_service_stop_stream (service);
  g_assert_false (fc_notifications_service_get_stream_connected (service));
  resumed_from = fc_notifications_service_get_last_event_id (service);
  broadcast (server, staff, "Away one");
  broadcast (server, staff, "Away two");
  g_ptr_array_set_size (events, 0);
  fc_notifications_service_start_stream (service);
  g_assert_true (wait_events (events, 2));
  sync_test_sleep (1000);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "notification.created:Away one");
  g_assert_cmpstr (g_ptr_array_index (events, 1), ==, "notification.created:Away two");
  g_assert_cmpint (fc_notifications_service_get_last_event_id (service), >, resumed_from);
  fc_notifications_service_stop_stream (service);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/notifications/inbox", test_inbox);
  g_test_add_func ("/sync/notifications/stream", test_stream);

  return g_test_run ();
}
