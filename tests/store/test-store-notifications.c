/* test-store-notifications.c — the notifications inbox in the store
 * (fc-store-notifications.h): what the server says against edits that
 * wait in the outbox, stream events, a pull's removals, and a discarded
 * edit put back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-store-notifications.h"
#include "store-test-util.h"

#define PAGE "[{\"id\":1,\"type\":\"SYSTEM\",\"title\":\"One\",\"message\":\"m\"," \
             "\"is_read\":false,\"created_at\":\"2026-12-05T08:00:00Z\"}," \
             "{\"id\":2,\"type\":\"SYSTEM\",\"title\":\"Two\",\"message\":\"m\"," \
             "\"is_read\":true,\"created_at\":\"2026-12-05T09:00:00Z\"}," \
             "{\"id\":3,\"type\":\"ACHIEVEMENT\",\"title\":\"Three\",\"message\":\"m\"," \
             "\"is_read\":false,\"created_at\":\"2026-12-05T10:00:00Z\"}]"

typedef gboolean (*FinishFunc) (FcStore *, GAsyncResult *, GError **);

static void
finished (FcStore       *store,
          FinishFunc     finish,
          GAsyncResult **slot)
{
  g_autoptr(GAsyncResult) result = st_wait (slot);
  g_autoptr(GError) error = NULL;

  *slot = NULL;
  g_assert_true (finish (store, result, &error));
  g_assert_no_error (error);
}

static void
apply_page (FcStore    *store,
            const char *json)
{
  g_autoptr(JsonArray) page = st_array (json);
  GAsyncResult *slot = NULL;

  fc_store_notifications_apply_page_async (store, page, NULL, st_result_cb, &slot);
  finished (store, fc_store_notifications_apply_page_finish, &slot);
}

static void
apply_event (FcStore    *store,
             const char *json)
{
  g_autoptr(JsonObject) frame = st_object (json);
  GAsyncResult *slot = NULL;

  fc_store_notifications_apply_event_async (store, frame, NULL, st_result_cb, &slot);
  finished (store, fc_store_notifications_apply_event_finish, &slot);
}

static void
set_read (FcStore  *store,
          gint64    id,
          gboolean  is_read)
{
  GAsyncResult *slot = NULL;

  fc_store_notifications_set_read_async (store, id, is_read, NULL, st_result_cb, &slot);
  finished (store, fc_store_notifications_set_read_finish, &slot);
}

/* is_read of @id, or -1 when the store has no such notification. */
static gint64
read_of (FcStore *store,
         gint64   id)
{
  g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM notifications WHERE id = %"
                                            G_GINT64_FORMAT, id);
  g_autofree char *read = g_strdup_printf ("SELECT is_read FROM notifications WHERE id = %"
                                           G_GINT64_FORMAT, id);

  if (st_sql_int (fc_store_get_path (store), count) == 0)
    return -1;
  return st_sql_int (fc_store_get_path (store), read);
}

/* The id of the outbox row of @method, the oldest first. */
static gint64
row_of (FcStore    *store,
        const char *method)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM outbox WHERE method = '%s' "
                                          "AND resource = 'notifications' ORDER BY id LIMIT 1",
                                          method);

  return st_sql_int (fc_store_get_path (store), sql);
}

/* Edits that wait hold against the server's pages and the stream; the
 * rest follows the server. Discarding an edit puts back what it changed. */
static void
test_edits_hold (void)
{
  g_autoptr(FcStore) store = st_open ();
  GAsyncResult *slot = NULL;
  gint64 row;

  apply_page (store, PAGE);
  g_assert_cmpint (read_of (store, 1), ==, 0);
  g_assert_cmpint (read_of (store, 2), ==, 1);
  g_assert_cmpint (read_of (store, 3), ==, 0);

  /* One read here, and the server still says unread. */
  set_read (store, 1, TRUE);
  g_assert_cmpint (read_of (store, 1), ==, 1);
  apply_page (store, PAGE);
  apply_event (store, "{\"type\":\"notification.read\",\"id\":7,\"notification_id\":1,"
                      "\"is_read\":false}");
  g_assert_cmpint (read_of (store, 1), ==, 1);
  /* What nobody edited here follows the server. */
  apply_event (store, "{\"type\":\"notification.read\",\"id\":8,\"notification_id\":2,"
                      "\"is_read\":false}");
  g_assert_cmpint (read_of (store, 2), ==, 0);

  /* All read: every one holds, until the row goes. */
  fc_store_notifications_mark_all_read_async (store, NULL, st_result_cb, &slot);
  finished (store, fc_store_notifications_mark_all_read_finish, &slot);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM notifications WHERE is_read = 0"), ==, 0);
  apply_page (store, PAGE);
  g_assert_cmpint (read_of (store, 3), ==, 1);

  /* Refused and discarded: the two it changed are unread again; 1 keeps
   * its own waiting edit. */
  row = row_of (store, "POST");
  g_assert_cmpint (row, >, 0);
  st_reject (store, row, 400, "No", NULL);
  st_discard (store, row);
  g_assert_cmpint (read_of (store, 2), ==, 0);
  g_assert_cmpint (read_of (store, 3), ==, 0);
  g_assert_cmpint (read_of (store, 1), ==, 1);

  /* Its PATCH discarded too: as it was. */
  row = row_of (store, "PATCH");
  st_reject (store, row, 400, "No", NULL);
  st_discard (store, row);
  g_assert_cmpint (read_of (store, 1), ==, 0);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM outbox"), ==, 0);

  /* Sent: the server's answer is the truth. */
  set_read (store, 3, TRUE);
  g_assert_true (st_complete (store, row_of (store, "PATCH"),
                              "{\"id\":3,\"title\":\"Three\",\"message\":\"m\",\"type\":\"SYSTEM\","
                              "\"is_read\":false,\"created_at\":\"2026-12-05T10:00:00Z\"}", NULL));
  g_assert_cmpint (read_of (store, 3), ==, 0);
}

/* A deleted one stays deleted while its DELETE waits, comes back when the
 * deletion is discarded, and is gone for good once sent. */
static void
test_delete (void)
{
  g_autoptr(FcStore) store = st_open ();
  GAsyncResult *slot = NULL;

  apply_page (store, PAGE);
  fc_store_notifications_delete_async (store, 2, NULL, st_result_cb, &slot);
  finished (store, fc_store_notifications_delete_finish, &slot);
  g_assert_cmpint (read_of (store, 2), ==, -1);
  apply_page (store, PAGE);
  apply_event (store, "{\"type\":\"notification.created\",\"id\":9,\"notification\":"
                      "{\"id\":2,\"title\":\"Two\",\"is_read\":true}}");
  g_assert_cmpint (read_of (store, 2), ==, -1);

  st_reject (store, row_of (store, "DELETE"), 403, "No", NULL);
  st_discard (store, row_of (store, "DELETE"));
  g_assert_cmpint (read_of (store, 2), ==, 1);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store),
                               "SELECT count(*) FROM notifications WHERE id = 2 AND "
                               "title = 'Two' AND created_at = '2026-12-05T09:00:00Z'"), ==, 1);

  /* Missing notifications are an error the page can tell. */
  fc_store_notifications_delete_async (store, 42, NULL, st_result_cb, &slot);
  {
    g_autoptr(GAsyncResult) result = st_wait (&slot);
    g_autoptr(GError) error = NULL;

    slot = NULL;
    g_assert_false (fc_store_notifications_delete_finish (store, result, &error));
    g_assert_error (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND);
  }
}

/* The stream: a created event adds one (but does not reset a known one's
 * read state: a replay from the start), a deleted one removes it, and
 * each event's id is kept to resume from. A pull's end drops what it did
 * not list, but not what is newer than its newest (the stream's). */
static void
test_stream_and_pull (void)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *kept = NULL;
  GAsyncResult *slot = NULL;
  gint64 one = 1, three = 3;

  apply_page (store, PAGE);
  apply_event (store, "{\"type\":\"notification.created\",\"id\":20,\"notification\":"
                      "{\"id\":2,\"title\":\"Two\",\"is_read\":false}}");
  g_assert_cmpint (read_of (store, 2), ==, 1);
  apply_event (store, "{\"type\":\"notification.created\",\"id\":21,\"notification\":"
                      "{\"id\":5,\"type\":\"SYSTEM\",\"title\":\"Five\",\"message\":\"m\","
                      "\"is_read\":false,\"created_at\":\"2026-12-05T11:00:00Z\"}}");
  g_assert_cmpint (read_of (store, 5), ==, 0);
  apply_event (store, "{\"type\":\"notification.deleted\",\"id\":22,\"notification_id\":1}");
  g_assert_cmpint (read_of (store, 1), ==, -1);

  fc_store_get_sync_value_async (store, FC_STORE_NOTIFICATIONS_STREAM_KEY, NULL, st_result_cb,
                                 &slot);
  {
    g_autoptr(GAsyncResult) result = st_wait (&slot);

    slot = NULL;
    kept = fc_store_get_sync_value_finish (store, result, NULL);
  }
  g_assert_cmpstr (kept, ==, "22");

  apply_page (store, PAGE);
  g_array_append_val (ids, one);
  g_array_append_val (ids, three);
  fc_store_notifications_remove_missing_async (store, ids, NULL, st_result_cb, &slot);
  finished (store, fc_store_notifications_remove_missing_finish, &slot);
  g_assert_cmpint (read_of (store, 2), ==, -1);
  g_assert_cmpint (read_of (store, 1), ==, 0);
  g_assert_cmpint (read_of (store, 3), ==, 0);
  g_assert_cmpint (read_of (store, 5), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/notifications/edits-hold", test_edits_hold);
  g_test_add_func ("/store/notifications/delete", test_delete);
  g_test_add_func ("/store/notifications/stream-and-pull", test_stream_and_pull);

  return g_test_run ();
}
