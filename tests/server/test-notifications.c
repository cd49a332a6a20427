/* test-notifications.c — api/v1/notifications/ and its WebSocket against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three accounts (nutrition-test-util's fixture): alice (1), bob (2) and
 * staff (3). The streams are read with libsoup's WebSocket client on this
 * thread's main context; bursts of notifications are written by a second
 * thread over plain sockets while the stream is being read.
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-server-test-util.h"
#include "nutrition-test-util.h"

#define API "/api/v1/notifications/"
#define STREAM API "stream/"
#define DASHBOARD "/api/v1/users/dashboard/"
#define BURST 100
#define WAIT_S 60

/* ---- Helpers ------------------------------------------------------------ */

static JsonObject *
object_of (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static JsonArray *
results_of (JsonNode *node)
{
  return json_object_get_array_member (object_of (node), "results");
}

static void
broadcast (FcTestServer *srv,
           const char   *token,
           const char   *title)
{
  g_autofree char *json = g_strdup_printf ("{\"title\":\"%s\",\"message\":\"Hello\"}", title);
  g_autoptr(JsonNode) node = nt_request (srv, "POST", API "broadcast/", token, json, 201);

  g_assert_cmpint (json_object_get_int_member (object_of (node), "recipients"), ==, 3);
}

/* The caller's notification titles, newest first, as "a,b,c". */
static char *
titles (FcTestServer *srv,
        const char   *token,
        const char   *query)
{
  g_autofree char *path = g_strdup_printf (API "?page_size=100%s", query != NULL ? query : "");
  g_autoptr(JsonNode) node = nt_request (srv, "GET", path, token, NULL, 200);
  JsonArray *results = results_of (node);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; i < json_array_get_length (results); i++)
    g_strv_builder_add (builder, json_object_get_string_member (
                                   json_array_get_object_element (results, i), "title"));
  strv = g_strv_builder_end (builder);
  return g_strjoinv (",", strv);
}

static gint64
first_id (FcTestServer *srv,
          const char   *token)
{
  g_autoptr(JsonNode) node = nt_request (srv, "GET", API, token, NULL, 200);
  JsonArray *results = results_of (node);

  g_assert_cmpuint (json_array_get_length (results), >, 0);
  return json_object_get_int_member (json_array_get_object_element (results, 0), "id");
}

/* ---- A WebSocket client ------------------------------------------------- */

typedef struct {
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  GPtrArray               *frames;   /* JsonObject */
  guint                    status;   /* of the upgrade request */
  gboolean                 done;     /* connected or failed */
  gboolean                 closed;
  gushort                  close_code;
  gboolean                 cut;      /* frames after a cut are not recorded */
  gboolean                 ack;      /* acknowledge each frame */
} Ws;

static void
on_ws_message_cb (SoupWebsocketConnection *conn,
                  int                      type,
                  GBytes                  *message,
                  gpointer                 user_data)
{
  Ws *ws = user_data;
  gsize size = 0;
  const char *data = g_bytes_get_data (message, &size);
  JsonObject *object;

  if (ws->cut)
    return;
  object = fc_json_parse_object (data, size, NULL);
  g_assert_nonnull (object);
  g_ptr_array_add (ws->frames, object);
  if (ws->ack && json_object_has_member (object, "id") &&
      soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN) {
    g_autofree char *ack = g_strdup_printf ("{\"type\":\"ack\",\"last_id\":%" G_GINT64_FORMAT "}",
                                            json_object_get_int_member (object, "id"));

    soup_websocket_connection_send_text (conn, ack);
  }
}

static void
on_ws_closed_cb (SoupWebsocketConnection *conn,
                 gpointer                 user_data)
{
  Ws *ws = user_data;

  ws->closed = TRUE;
  ws->close_code = soup_websocket_connection_get_close_code (conn);
}

static void
on_ws_error_cb (SoupWebsocketConnection *conn,
                GError                  *error,
                gpointer                 user_data)
{
  g_test_message ("stream error: %s", error->message);
}

static void
on_ws_connected_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Ws *ws = user_data;
  g_autoptr(GError) error = NULL;

  ws->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (ws->conn != NULL) {
    g_signal_connect (ws->conn, "message", G_CALLBACK (on_ws_message_cb), ws);
    g_signal_connect (ws->conn, "closed", G_CALLBACK (on_ws_closed_cb), ws);
    g_signal_connect (ws->conn, "error", G_CALLBACK (on_ws_error_cb), ws);
  }
  ws->done = TRUE;
}

static gboolean
on_deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until *@flag or @seconds pass; returns *@flag. */
static gboolean
run_until (gboolean *flag,
           guint     seconds)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (seconds, on_deadline_cb, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *flag;
}

/* Opens the stream with @token in the Authorization header (NULL: none)
 * and Last-Event-ID @last_id (< 0: none). */
static Ws *
ws_open (FcTestServer *srv,
         const char   *token,
         gint64        last_id)
{
  Ws *ws = g_new0 (Ws, 1);
  g_autofree char *url = g_strconcat (srv->base_url, STREAM, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  ws->session = soup_session_new ();
  ws->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  ws->ack = TRUE;
  if (token != NULL) {
    g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

    soup_message_headers_replace (headers, "Authorization", value);
  }
  if (last_id >= 0) {
    g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, last_id);

    soup_message_headers_replace (headers, "Last-Event-ID", value);
  }
  soup_session_websocket_connect_async (ws->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, on_ws_connected_cb, ws);
  g_assert_true (run_until (&ws->done, WAIT_S));
  ws->status = soup_message_get_status (message);
  return ws;
}

static void
ws_free (Ws *ws)
{
  if (ws->conn != NULL) {
    g_signal_handlers_disconnect_by_data (ws->conn, ws);
    if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  }
  g_clear_object (&ws->conn);
  g_clear_object (&ws->session);
  g_ptr_array_unref (ws->frames);
  g_free (ws);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ws, ws_free)

/* Frames of @type received so far. */
static guint
ws_count (Ws         *ws,
          const char *type)
{
  guint n = 0;

  for (guint i = 0; i < ws->frames->len; i++)
    n += g_strcmp0 (json_object_get_string_member (g_ptr_array_index (ws->frames, i), "type"),
                    type) == 0;
  return n;
}

typedef struct {
  Ws         *ws;
  const char *type;
  guint       count;
} WaitFor;

static gboolean
ws_wait_for (Ws         *ws,
             const char *type,
             guint       count)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (WAIT_S, on_deadline_cb, &expired);

  while (ws_count (ws, type) < count && !expired && !ws->closed)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return ws_count (ws, type) >= count;
}

/* The last frame of @type. */
static JsonObject *
ws_last (Ws         *ws,
         const char *type)
{
  for (guint i = ws->frames->len; i > 0; i--) {
    JsonObject *frame = g_ptr_array_index (ws->frames, i - 1);

    if (g_strcmp0 (json_object_get_string_member (frame, "type"), type) == 0)
      return frame;
  }
  g_assert_not_reached ();
}

/* Lets the main context run for @ms (frames that should not come). */
static void
settle (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

/* ---- The inbox ---------------------------------------------------------- */

static void
test_inbox (NtFixture     *fixture,
            gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autofree char *path = NULL;
  g_autofree char *bob_path = NULL;
  gint64 id;

  broadcast (srv, fixture->token_staff, "One");
  broadcast (srv, fixture->token_staff, "Two");
  broadcast (srv, fixture->token_staff, "Three");

  /* Newest first, paginated. */
  {
    g_autofree char *list = titles (srv, fixture->token_a, NULL);
    g_autoptr(JsonNode) page = nt_request (srv, "GET", API "?page_size=2&page=2", fixture->token_a,
                                           NULL, 200);

    g_assert_cmpstr (list, ==, "Three,Two,One");
    g_assert_cmpint (json_object_get_int_member (object_of (page), "count"), ==, 3);
    g_assert_cmpuint (json_array_get_length (results_of (page)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (results_of (page), 0), "title"), ==, "One");
    nt_expect (srv, "GET", API "?page=9", fixture->token_a, NULL, 404);
  }

  /* One, its shape, and PATCH is_read. */
  id = first_id (srv, fixture->token_a);
  path = g_strdup_printf (API "%" G_GINT64_FORMAT "/", id);
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", path, fixture->token_a, NULL, 200);
    JsonObject *object = object_of (node);

    g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Three");
    g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "Hello");
    g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "SYSTEM");
    g_assert_false (json_object_get_boolean_member (object, "is_read"));
    g_assert_true (json_object_has_member (object, "created_at"));
  }
  {
    g_autoptr(JsonNode) node = nt_request (srv, "PATCH", path, fixture->token_a,
                                           "{\"is_read\":true,\"title\":\"Forged\"}", 200);

    g_assert_true (json_object_get_boolean_member (object_of (node), "is_read"));
    g_assert_cmpstr (json_object_get_string_member (object_of (node), "title"), ==, "Three");
  }
  {
    g_autofree char *unread = titles (srv, fixture->token_a, "&is_read=false");
    g_autofree char *read = titles (srv, fixture->token_a, "&is_read=true");

    g_assert_cmpstr (unread, ==, "Two,One");
    g_assert_cmpstr (read, ==, "Three");
  }

  /* Bob sees none of alice's, and touching one is a 404, as for none. */
  g_assert_cmpint (nt_count (srv, API, fixture->token_b), ==, 3);
  nt_expect (srv, "GET", path, fixture->token_b, NULL, 404);
  nt_expect (srv, "PATCH", path, fixture->token_b, "{\"is_read\":false}", 404);
  nt_expect (srv, "DELETE", path, fixture->token_b, NULL, 404);
  nt_expect (srv, "GET", API "999999/", fixture->token_a, NULL, 404);
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", path, fixture->token_a, NULL, 200);

    g_assert_true (json_object_get_boolean_member (object_of (node), "is_read"));
  }
  bob_path = g_strdup_printf (API "%" G_GINT64_FORMAT "/", first_id (srv, fixture->token_b));
  nt_expect (srv, "GET", bob_path, fixture->token_a, NULL, 404);

  /* Hostile input. */
  nt_expect (srv, "PATCH", path, fixture->token_a, "{\"is_read\":\"maybe\"}", 400);
  nt_expect (srv, "PATCH", path, fixture->token_a, "{\"is_read\":[true]}", 400);
  nt_expect (srv, "PATCH", path, fixture->token_a, "[true]", 400);
  nt_expect (srv, "PUT", path, fixture->token_a, "{}", 400);
  nt_expect (srv, "GET", API "?is_read=perhaps", fixture->token_a, NULL, 400);
  nt_expect (srv, "GET", API "?type=SPAM", fixture->token_a, NULL, 400);
  {
    g_autoptr(GString) deep = g_string_new ("{\"is_read\":");

    for (guint i = 0; i < 10000; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 10000; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    nt_expect (srv, "PATCH", path, fixture->token_a, deep->str, 400);
  }
  {
    /* Over the 1 MiB body limit: refused before the handler. */
    g_autofree char *padding = g_strnfill (2 * 1024 * 1024, ' ');
    g_autofree char *huge = g_strconcat ("{\"is_read\":true", padding, "}", NULL);
    g_autoptr(FcTestResponse) response = fc_test_request (srv, "PATCH", path, fixture->token_a,
                                                          huge);

    g_assert_cmpuint (response->status, ==, 413);
  }
  nt_expect (srv, "GET", API, NULL, NULL, 401);
  nt_expect (srv, "GET", API, "not.a.token", NULL, 401);
  {
    g_autofree char *forged = fc_st_jwt_sign ("not-the-server-secret",
                                              "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                                              "{\"token_type\":\"access\",\"exp\":4102444800,"
                                              "\"jti\":\"x\",\"user_id\":1}");

    nt_expect (srv, "GET", API, forged, NULL, 401);
  }

  /* Broadcasts: staff only, bounded, typed. */
  nt_expect (srv, "POST", API "broadcast/", fixture->token_a,
             "{\"title\":\"Hi\",\"message\":\"Hi\"}", 403);
  nt_expect (srv, "POST", API "broadcast/", NULL, "{\"title\":\"Hi\",\"message\":\"Hi\"}", 401);
  nt_expect (srv, "POST", API "broadcast/", fixture->token_staff, "{\"title\":\"\",\"message\":\"x\"}",
             400);
  nt_expect (srv, "POST", API "broadcast/", fixture->token_staff, "{\"title\":[\"x\"],\"message\":\"x\"}",
             400);
  nt_expect (srv, "POST", API "broadcast/", fixture->token_staff,
             "{\"title\":\"x\",\"message\":\"x\",\"type\":\"SPAM\"}", 400);
  {
    g_autofree char *long_title = g_strnfill (201, 'a');
    g_autofree char *json = g_strdup_printf ("{\"title\":\"%s\",\"message\":\"x\"}", long_title);
    g_autofree char *long_message = g_strnfill (2001, 'a');
    g_autofree char *json2 = g_strdup_printf ("{\"title\":\"x\",\"message\":\"%s\"}", long_message);

    nt_expect (srv, "POST", API "broadcast/", fixture->token_staff, json, 400);
    nt_expect (srv, "POST", API "broadcast/", fixture->token_staff, json2, 400);
  }
  g_assert_cmpint (nt_count (srv, API, fixture->token_a), ==, 3);
  nt_expect (srv, "POST", API "broadcast/", fixture->token_staff,
             "{\"title\":\"Sale\",\"message\":\"Half price\",\"type\":\"PAYMENT\"}", 201);
  {
    g_autofree char *payments = titles (srv, fixture->token_b, "&type=PAYMENT");

    g_assert_cmpstr (payments, ==, "Sale");
  }

  /* mark-all-read, the unread count, DELETE. */
  {
    g_autoptr(JsonNode) count = nt_request (srv, "GET", API "unread-count/", fixture->token_a, NULL,
                                            200);
    g_autoptr(JsonNode) node = nt_request (srv, "POST", API "mark-all-read/", fixture->token_a,
                                           NULL, 200);

    g_assert_cmpint (json_object_get_int_member (object_of (count), "unread_count"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (object_of (node), "updated"), ==, 3);
  }
  g_assert_cmpint (nt_count (srv, API "?is_read=false", fixture->token_a), ==, 0);
  g_assert_cmpint (nt_count (srv, API "?is_read=false", fixture->token_b), ==, 4);
  nt_expect (srv, "DELETE", path, fixture->token_a, NULL, 204);
  nt_expect (srv, "DELETE", path, fixture->token_a, NULL, 404);
  nt_expect (srv, "GET", path, fixture->token_a, NULL, 404);
  g_assert_cmpint (nt_count (srv, API, fixture->token_a), ==, 3);
  g_assert_cmpint (nt_count (srv, API, fixture->token_b), ==, 4);
}

/* ---- A broadcast to many ------------------------------------------------ */

static gint64
db_int (FcTestServer *srv,
             const char   *sql)
{
  FcSql *db = nt_open_db (srv);
  gint64 value = nt_query_int (db, sql);

  fc_sql_close (db);
  return value;
}

#define MANY 100000

typedef struct {
  FcTestServer *srv;
  const char   *token;
  guint         status;
  gint          done;
  gint64        took_us;
} Big;

static gpointer
big_broadcast_thread (gpointer data)
{
  Big *big = data;
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s\r\n", big->token);
  const char *body = "{\"title\":\"Maintenance\",\"message\":\"Tonight at ten\"}";
  gint64 started = g_get_monotonic_time ();
  g_autoptr(FcStRaw) raw = fc_st_raw_post (big->srv, NULL, API "broadcast/", auth, body,
                                           strlen (body));

  big->took_us = g_get_monotonic_time () - started;
  big->status = raw->status;
  g_atomic_int_set (&big->done, 1);
  return NULL;
}

/* The fan-out to a hundred thousand accounts runs off the main loop: while
 * it runs, other requests are answered (on the main loop it held every
 * client for the better part of a second, and not one ping got through). */
static void
test_broadcast_many (NtFixture     *fixture,
                     gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  Big big = { srv, fixture->token_staff, 0, 0, 0 };
  g_autoptr(GThread) thread = NULL;
  FcSql *db = nt_open_db (srv);
  FcSqlStmt *stmt = NULL;
  guint during = 0;
  gint64 worst = 0;

  fc_st_exec (db, "BEGIN");
  stmt = fc_sql_prepare (db, "INSERT INTO users (email, password, date_joined)"
                             " VALUES ('u' || ? || '@many.test', '!', '2026-01-01T00:00:00Z')");
  for (guint i = 0; i < MANY - 3; i++) {
    fc_sql_bind_int64 (stmt, 1, i);
    g_assert_cmpint (fc_sql_step (stmt), ==, FC_SQL_DONE);
    fc_sql_reset (stmt);
  }
  fc_sql_finalize (stmt);
  /* One inactive account is left out. */
  fc_st_exec (db, "UPDATE users SET is_active = 0 WHERE email = 'u7@many.test'; COMMIT");
  fc_sql_close (db);

  thread = g_thread_new ("broadcast", big_broadcast_thread, &big);
  while (!g_atomic_int_get (&big.done)) {
    gint64 started = g_get_monotonic_time ();
    g_autoptr(FcTestResponse) ping = fc_test_request (srv, "GET", "/api/v1/ping/", NULL, NULL);

    g_assert_cmpuint (ping->status, ==, 200);
    if (!g_atomic_int_get (&big.done)) {
      during++;
      worst = MAX (worst, g_get_monotonic_time () - started);
    }
  }
  g_thread_join (g_steal_pointer (&thread));
  g_test_message ("broadcast to %d accounts: %.2f s; %u pings answered meanwhile, the slowest in"
                  " %.1f ms", MANY - 1, big.took_us / 1e6, during, worst / 1000.0);
  g_assert_cmpuint (big.status, ==, 201);
  g_assert_cmpuint (during, >=, 10);
  g_assert_cmpint (db_int (srv, "SELECT count(*) FROM notifications"), ==, MANY - 1);
  g_assert_cmpint (db_int (srv, "SELECT count(*) FROM notifications n JOIN users u"
                                     " ON u.id = n.user_id WHERE u.is_active = 0"), ==, 0);
  g_assert_cmpint (nt_count (srv, API, fixture->token_b), ==, 1);
}

/* ---- Events ------------------------------------------------------------- */

static void
db_exec (FcTestServer *srv,
         const char   *sql)
{
  g_autoptr(FcSql) db = nt_open_db (srv);

  fc_st_exec (db, sql);
}

/* @n free workouts titled "W1".. straight into the database. */
static void
add_workouts (FcTestServer *srv,
              guint         n)
{
  g_autoptr(GString) sql = g_string_new ("BEGIN;");

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (sql, "INSERT INTO workouts (title, created_at, updated_at)"
                                 " VALUES ('W%u', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
                            i);
  g_string_append (sql, "COMMIT;");
  db_exec (srv, sql->str);
}

static void
complete (FcTestServer *srv,
          const char   *token,
          gint64        workout,
          double        percentage)
{
  g_autofree char *json = g_strdup_printf ("{\"workout\":%" G_GINT64_FORMAT ","
                                           "\"progress_percentage\":%g}", workout, percentage);
  g_autoptr(FcTestResponse) response = fc_test_request (srv, "POST", "/api/v1/workouts/progress/",
                                                        token, json);

  g_assert_cmpuint (response->status / 100, ==, 2);
}

static gint64
count_titled (FcTestServer *srv,
              const char   *token,
              const char   *title,
              const char   *message)
{
  g_autoptr(JsonNode) node = nt_request (srv, "GET", API "?page_size=100", token, NULL, 200);
  JsonArray *results = results_of (node);
  gint64 n = 0;

  /* Enough for these tests: they stay under a page. */
  g_assert_cmpint (json_object_get_int_member (object_of (node), "count"), <=, 100);
  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *object = json_array_get_object_element (results, i);

    if (g_str_equal (json_object_get_string_member (object, "title"), title) &&
        (message == NULL || g_str_equal (json_object_get_string_member (object, "message"), message)))
      n++;
  }
  return n;
}

static void
test_workout_milestones (NtFixture     *fixture,
                         gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  gint64 base;

  add_workouts (srv, 50);
  base = db_int (srv, "SELECT min(id) FROM workouts WHERE title = 'W1'");

  complete (srv, fixture->token_a, base, 40);
  g_assert_cmpint (nt_count (srv, API, fixture->token_a), ==, 0);
  complete (srv, fixture->token_a, base, 100);
  g_assert_cmpint (count_titled (srv, fixture->token_a, "Workout completed",
                                 "You completed “W1”. Well done!"), ==, 1);
  g_assert_cmpint (count_titled (srv, fixture->token_a, "First workout", NULL), ==, 1);
  /* Again the same day, or undone and redone: still one completion. */
  complete (srv, fixture->token_a, base, 100);
  complete (srv, fixture->token_a, base, 50);
  complete (srv, fixture->token_a, base, 100);
  g_assert_cmpint (nt_count (srv, API, fixture->token_a), ==, 2);

  for (guint i = 1; i < 50; i++)
    complete (srv, fixture->token_a, base + i, 100);
  g_assert_cmpint (count_titled (srv, fixture->token_a, "Workout completed", NULL), ==, 50);
  g_assert_cmpint (count_titled (srv, fixture->token_a, "First workout", NULL), ==, 1);
  g_assert_cmpint (count_titled (srv, fixture->token_a, "Milestone reached",
                                 "You completed 10 workouts."), ==, 1);
  g_assert_cmpint (count_titled (srv, fixture->token_a, "Milestone reached",
                                 "You completed 50 workouts."), ==, 1);
  g_assert_cmpint (nt_count (srv, API "?type=ACHIEVEMENT", fixture->token_a), ==, 53);
  /* Nothing of alice's reached bob. */
  g_assert_cmpint (nt_count (srv, API, fixture->token_b), ==, 0);
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", DASHBOARD, fixture->token_a, NULL, 200);
    JsonObject *workouts = json_object_get_object_member (object_of (node), "workouts");

    g_assert_cmpint (json_object_get_int_member (workouts, "completed_total"), ==, 50);
    g_assert_cmpint (json_object_get_int_member (workouts, "completed_this_week"), ==, 50);
    g_assert_cmpint (json_object_get_int_member (workouts, "streak_days"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (object_of (node), "unread_notifications"), ==, 53);
  }
}

/* Restarts the server on the same data with the clock @days ahead. */
static void
restart_at (NtFixture *fixture,
            int        days)
{
  g_autofree char *data_dir = g_strdup (fixture->server->data_dir);
  g_autofree char *config = g_strdup_printf (NT_CONFIG "test_clock_offset=%d\n", days * 86400);

  fixture->server->owns_data_dir = FALSE;
  g_assert_cmpint (fc_test_server_stop (fixture->server), ==, 0);
  fc_test_server_free (fixture->server);
  fixture->server = fc_test_server_start_in (data_dir, config, NULL);
  fixture->server->owns_data_dir = TRUE;
}

static void
test_streak (NtFixture     *fixture,
             gconstpointer  data)
{
  gint64 base;

  add_workouts (fixture->server, 1);
  base = db_int (fixture->server, "SELECT min(id) FROM workouts WHERE title = 'W1'");

  /* The same workout, done again on each of seven days in a row. Day 3 is
   * also done twice: days count, not completions. */
  for (int day = 0; day < 7; day++) {
    if (day > 0)
      restart_at (fixture, day);
    complete (fixture->server, fixture->token_a, base, 10);
    complete (fixture->server, fixture->token_a, base, 100);
    if (day == 3) {
      complete (fixture->server, fixture->token_a, base, 10);
      complete (fixture->server, fixture->token_a, base, 100);
    }
    g_assert_cmpint (count_titled (fixture->server, fixture->token_a, "7-day streak", NULL), ==,
                     day == 6 ? 1 : 0);
    {
      g_autoptr(JsonNode) node = nt_request (fixture->server, "GET", DASHBOARD, fixture->token_a,
                                             NULL, 200);
      JsonObject *workouts = json_object_get_object_member (object_of (node), "workouts");

      g_assert_cmpint (json_object_get_int_member (workouts, "streak_days"), ==, day + 1);
    }
  }
  g_assert_cmpint (count_titled (fixture->server, fixture->token_a, "Workout completed", NULL), ==, 7);

  /* The next day without a workout keeps the streak (the day is not
   * over); the one after breaks it. */
  restart_at (fixture, 7);
  {
    g_autoptr(JsonNode) node = nt_request (fixture->server, "GET", DASHBOARD, fixture->token_a,
                                           NULL, 200);

    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object_of (node),
                                                                                "workouts"),
                                                 "streak_days"), ==, 7);
  }
  restart_at (fixture, 8);
  {
    g_autoptr(JsonNode) node = nt_request (fixture->server, "GET", DASHBOARD, fixture->token_a,
                                           NULL, 200);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) today = g_date_time_add_days (now, 8);
    g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");

    g_assert_cmpstr (json_object_get_string_member (object_of (node), "date"), ==, date);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object_of (node),
                                                                                "workouts"),
                                                 "streak_days"), ==, 0);
  }
}

static void
test_plan_events (NtFixture     *fixture,
                  gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  gint64 plan;
  g_autofree char *copy_path = NULL;

  plan = nt_create (srv, "/api/v1/nutrition/meal-plans/", fixture->token_staff,
                    "{\"name\":\"Lean Template\",\"duration_days\":3,\"is_template\":true}");
  copy_path = g_strdup_printf ("/api/v1/nutrition/meal-plans/%" G_GINT64_FORMAT "/copy/", plan);
  nt_expect (srv, "POST", copy_path, fixture->token_a, "{}", 201);
  g_assert_cmpint (count_titled (srv, fixture->token_a, "Meal plan copied",
                                 "“Lean Template (Copy)” was copied into your meal plans."), ==, 1);
  g_assert_cmpint (nt_count (srv, API "?type=MEAL_PLAN_UPDATE", fixture->token_a), ==, 1);
  g_assert_cmpint (nt_count (srv, API, fixture->token_b), ==, 0);
  /* A refused copy notifies nobody. */
  nt_expect (srv, "POST", "/api/v1/nutrition/meal-plans/999999/copy/", fixture->token_b, "{}", 404);
  g_assert_cmpint (nt_count (srv, API, fixture->token_b), ==, 0);
}

/* A generated plan notifies its owner, after the optimizer's worker. */
static void
test_plan_generated (void)
{
  const char * const args[] = { "--demo", NULL };
  g_autoptr(FcTestServer) srv = fc_test_server_start (NT_CONFIG, args);
  g_autofree char *demo = fc_test_login (srv, "demo@fitcore.local", "fitcore-demo", NULL);
  g_autofree char *other = fc_test_register (srv, NT_EMAIL_B, NT_PASSWORD, NULL);

  g_assert_cmpint (count_titled (srv, demo, "Your meal plan is ready", NULL), ==, 0);
  nt_expect (srv, "POST", "/api/v1/nutrition/generate/", demo,
             "{\"goal\":\"GH\",\"duration_days\":1,\"meals_per_day\":3,\"name\":\"Mine\"}", 201);
  g_assert_cmpint (count_titled (srv, demo, "Your meal plan is ready",
                                 "“Mine” was generated for you."), ==, 1);
  /* A refused generation notifies nothing. */
  nt_expect (srv, "POST", "/api/v1/nutrition/generate/", demo,
             "{\"goal\":\"GH\",\"duration_days\":0,\"meals_per_day\":3}", 400);
  g_assert_cmpint (nt_count (srv, API, demo), ==, 1);
  g_assert_cmpint (nt_count (srv, API, other), ==, 0);
}

/* ---- The dashboard ------------------------------------------------------ */

static void
add_weight (FcTestServer *srv,
            const char   *token,
            double        kg,
            int           days_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add_seconds (now, -(gint64) days_ago * 86400 - 60);
  g_autofree char *text = g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *json = g_strdup_printf ("{\"data_type\":\"weight\",\"value\":%g,\"unit\":\"kg\","
                                           "\"recorded_at\":\"%s\"}", kg, text);

  nt_create (srv, "/api/v1/health/data/", token, json);
}

static void
test_dashboard (NtFixture     *fixture,
                gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autofree char *start = g_date_time_format (yesterday, "%Y-%m-%d");
  gint64 oats, milk, breakfast, dinner;
  g_autofree char *breakfast_json = NULL;
  g_autofree char *dinner_json = NULL;
  g_autofree char *plan_json = NULL;

  /* Nothing yet: every part is there, empty. */
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", DASHBOARD, fixture->token_a, NULL, 200);
    JsonObject *object = object_of (node);

    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "active_plan")));
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "weight")));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object,
                                                                                   "subscription"),
                                                    "status"), ==, "INACTIVE");
  }
  nt_expect (srv, "GET", DASHBOARD, NULL, NULL, 401);

  oats = nt_create (srv, "/api/v1/nutrition/foods/", fixture->token_a,
                    "{\"name\":\"Oats\",\"calories\":389,\"protein\":16.9,"
                    "\"carbohydrates\":66.3,\"fat\":6.9}");
  milk = nt_create (srv, "/api/v1/nutrition/foods/", fixture->token_a,
                    "{\"name\":\"Milk\",\"calories\":61,\"protein\":3.2,"
                    "\"carbohydrates\":4.8,\"fat\":3.3}");
  breakfast_json = g_strdup_printf ("{\"name\":\"Porridge\",\"meal_time_category\":\"BF\","
                                    "\"meal_items\":[{\"food\":%" G_GINT64_FORMAT ","
                                    "\"number_of_servings\":1.5},{\"food\":%" G_GINT64_FORMAT ","
                                    "\"number_of_servings\":2}]}", oats, milk);
  breakfast = nt_create (srv, "/api/v1/nutrition/meals/", fixture->token_a, breakfast_json);
  dinner_json = g_strdup_printf ("{\"name\":\"Milk\",\"meal_time_category\":\"DN\","
                                 "\"meal_items\":[{\"food\":%" G_GINT64_FORMAT ","
                                 "\"number_of_servings\":3}]}", milk);
  dinner = nt_create (srv, "/api/v1/nutrition/meals/", fixture->token_a, dinner_json);
  /* Started yesterday: today is day 2, which has breakfast and dinner;
   * day 1 has breakfast only. */
  plan_json = g_strdup_printf ("{\"name\":\"Bulk\",\"duration_days\":7,\"start_date\":\"%s\","
                               "\"target_daily_calories\":2500,\"target_daily_protein\":150,"
                               "\"target_daily_carbohydrates\":300,\"target_daily_fat\":80,"
                               "\"scheduled_meals_payload\":["
                               "{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":1},"
                               "{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":2},"
                               "{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":2}]}",
                               start, breakfast, breakfast, dinner);
  nt_create (srv, "/api/v1/nutrition/meal-plans/", fixture->token_a, plan_json);

  add_weight (srv, fixture->token_a, 82.0, 40);
  add_weight (srv, fixture->token_a, 80.5, 31);
  add_weight (srv, fixture->token_a, 79.0, 10);
  add_weight (srv, fixture->token_a, 78.25, 0);
  broadcast (srv, fixture->token_staff, "Hi");

  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", DASHBOARD, fixture->token_a, NULL, 200);
    JsonObject *object = object_of (node);
    JsonObject *plan = json_object_get_object_member (object, "active_plan");
    JsonObject *planned = json_object_get_object_member (plan, "planned");
    JsonObject *targets = json_object_get_object_member (plan, "targets");
    JsonObject *weight = json_object_get_object_member (object, "weight");
    g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

    g_assert_cmpstr (json_object_get_string_member (object, "date"), ==, today);
    g_assert_cmpstr (json_object_get_string_member (plan, "name"), ==, "Bulk");
    g_assert_cmpint (json_object_get_int_member (plan, "day_of_plan"), ==, 2);
    /* Day 2: porridge (1.5 oats + 2 milk) and 3 milk. */
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (planned, "calories"),
                                    1.5 * 389 + 5 * 61, 1e-6);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (planned, "protein"),
                                    1.5 * 16.9 + 5 * 3.2, 1e-6);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (planned, "carbohydrates"),
                                    1.5 * 66.3 + 5 * 4.8, 1e-6);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (planned, "fat"),
                                    1.5 * 6.9 + 5 * 3.3, 1e-6);
    g_assert_cmpfloat (json_object_get_double_member (targets, "calories"), ==, 2500);
    g_assert_cmpfloat (json_object_get_double_member (targets, "fat"), ==, 80);
    g_assert_cmpfloat (json_object_get_double_member (weight, "latest"), ==, 78.25);
    /* Against the reading 30 days before the latest: 80.5 kg, 31 days ago. */
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (weight, "change_30d"),
                                    78.25 - 80.5, 1e-9);
    g_assert_cmpint (json_object_get_int_member (object, "unread_notifications"), ==, 1);
  }
  /* Bob has none of it. */
  {
    g_autoptr(JsonNode) node = nt_request (srv, "GET", DASHBOARD, fixture->token_b, NULL, 200);

    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object_of (node), "active_plan")));
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object_of (node), "weight")));
  }
}

/* ---- The stream --------------------------------------------------------- */

typedef struct {
  FcTestServer *srv;
  const char   *token;
  guint         n;
  guint         created;   /* 201s */
  /* With pause_at > 0, the thread stops after that many and waits for
   * stage 1 (the stream was cut), posts up to resume_at and sets stage 2,
   * then waits for stage 3 (reconnected) to post the rest: some are made
   * while no stream is open, some while the new one is. */
  guint         pause_at;
  guint         resume_at;
  int           stage;
  GMutex        lock;
  GCond         cond;
} Burst;

static void
burst_wait (Burst *burst,
            int    stage)
{
  g_mutex_lock (&burst->lock);
  while (burst->stage < stage)
    g_cond_wait (&burst->cond, &burst->lock);
  g_mutex_unlock (&burst->lock);
}

static void
burst_set (Burst *burst,
           int    stage)
{
  g_mutex_lock (&burst->lock);
  burst->stage = stage;
  g_cond_broadcast (&burst->cond);
  g_mutex_unlock (&burst->lock);
}

static gpointer
burst_thread (gpointer data)
{
  Burst *burst = data;
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s\r\n", burst->token);

  for (guint i = 0; i < burst->n; i++) {
    g_autofree char *body = g_strdup_printf ("{\"title\":\"burst %u\",\"message\":\"m\"}", i);
    g_autoptr(FcStRaw) raw = fc_st_raw_post (burst->srv, NULL, API "broadcast/", auth, body,
                                             strlen (body));

    if (raw->status == 201)
      burst->created++;
    if (burst->pause_at > 0 && i + 1 == burst->pause_at)
      burst_wait (burst, 1);
    if (burst->pause_at > 0 && i + 1 == burst->resume_at) {
      burst_set (burst, 2);
      burst_wait (burst, 3);
    }
  }
  return NULL;
}

/* Moves the notification.created frames of @ws into @seen. */
static void
collect (Ws        *ws,
         GPtrArray *seen,
         gint64    *last_id)
{
  for (guint i = 0; i < ws->frames->len; i++) {
    JsonObject *frame = g_ptr_array_index (ws->frames, i);

    if (json_object_has_member (frame, "id"))
      *last_id = json_object_get_int_member (frame, "id");
    if (g_str_equal (json_object_get_string_member (frame, "type"), "notification.created"))
      g_ptr_array_add (seen, json_object_ref (json_object_get_object_member (frame,
                                                                             "notification")));
  }
}

static void
test_stream_resume (NtFixture     *fixture,
                    gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  Burst burst = { srv, fixture->token_staff, BURST, 0, 40, 70, 0 };
  g_autoptr(GThread) thread = NULL;
  gint64 last_id = 0;

  {
    g_autoptr(Ws) ws = ws_open (srv, fixture->token_a, -1);
    JsonObject *hello;

    g_assert_nonnull (ws->conn);
    g_assert_cmpuint (ws->status, ==, 101);
    g_assert_true (ws_wait_for (ws, "hello", 1));
    hello = ws_last (ws, "hello");
    g_assert_cmpint (json_object_get_int_member (hello, "unread_count"), ==, 0);
    last_id = json_object_get_int_member (hello, "last_id");

    /* The burst runs while the stream is read, and the connection is cut
     * under it, without a close frame, after some of it arrived. */
    thread = g_thread_new ("burst", burst_thread, &burst);
    g_assert_true (ws_wait_for (ws, "notification.created", 30));
    ws->cut = TRUE;
    g_io_stream_close (soup_websocket_connection_get_io_stream (ws->conn), NULL, NULL);
    collect (ws, seen, &last_id);
    g_assert_cmpuint (seen->len, >=, 30);
    g_assert_cmpuint (seen->len, <=, 40);
  }
  /* Thirty more while no stream is open. */
  burst_set (&burst, 1);
  burst_wait (&burst, 2);

  /* Reconnect with the last id seen, and read on until all arrived; the
   * burst may still be running. */
  {
    g_autoptr(Ws) ws = ws_open (srv, fixture->token_a, last_id);
    guint before = seen->len;

    g_assert_nonnull (ws->conn);
    burst_set (&burst, 3);
    g_assert_true (ws_wait_for (ws, "notification.created", BURST - before));
    g_thread_join (g_steal_pointer (&thread));
    g_assert_cmpuint (burst.created, ==, BURST);
    /* Nothing more comes. */
    settle (1500);
    collect (ws, seen, &last_id);
    g_assert_false (ws->closed);
  }

  /* Each exactly once, in order. */
  g_assert_cmpuint (seen->len, ==, BURST);
  for (guint i = 0; i < BURST; i++) {
    JsonObject *notification = g_ptr_array_index (seen, i);
    g_autofree char *title = g_strdup_printf ("burst %u", i);

    g_assert_cmpstr (json_object_get_string_member (notification, "title"), ==, title);
    if (i > 0)
      g_assert_cmpint (json_object_get_int_member (notification, "id"), >,
                       json_object_get_int_member (g_ptr_array_index (seen, i - 1), "id"));
  }
  g_assert_cmpint (nt_count (srv, API, fixture->token_a), ==, BURST);
}

/* The stream's window: a client that does not acknowledge gets WINDOW
 * frames and no more (nothing piles up for it), and is dropped once the
 * window has stayed full for SLOW_S; it then resumes where it was. The
 * stream tests' server waits SLOW_S and HELLO_S rather than the default
 * 30 s and 10 s (which would only make the tests longer). */
#define WINDOW 256
#define SLOW_S 10
#define HELLO_S 2
#define STREAM_CONFIG NT_CONFIG "stream_slow_client_timeout=" G_STRINGIFY (SLOW_S) "\n" \
                      "stream_hello_timeout=" G_STRINGIFY (HELLO_S) "\n"

static void
stream_fixture_set_up (NtFixture     *fixture,
                       gconstpointer  data)
{
  nt_fixture_set_up_with_config (fixture, STREAM_CONFIG, data);
}

static void
test_stream_slow_client (NtFixture     *fixture,
                         gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  Burst burst = { srv, fixture->token_staff, WINDOW + 44, 0, 0, 0, 0 };
  g_autoptr(GThread) thread = NULL;
  gint64 last_id = 0;
  gint64 started;

  {
    g_autoptr(Ws) ws = ws_open (srv, fixture->token_a, -1);

    ws->ack = FALSE;
    g_assert_true (ws_wait_for (ws, "hello", 1));
    thread = g_thread_new ("burst", burst_thread, &burst);
    g_assert_true (ws_wait_for (ws, "notification.created", WINDOW));
    g_thread_join (g_steal_pointer (&thread));
    g_assert_cmpuint (burst.created, ==, burst.n);
    started = g_get_monotonic_time ();
    settle (2500);
    g_assert_cmpuint (ws_count (ws, "notification.created"), ==, WINDOW);
    g_assert_false (ws->closed);
    g_assert_true (run_until (&ws->closed, SLOW_S + 60));
    g_assert_cmpuint (ws->close_code, ==, 4408);
    g_assert_cmpint (g_get_monotonic_time () - started, >=, (SLOW_S - 3) * G_USEC_PER_SEC);
    /* The configured SLOW_S, not the default 30 s. */
    g_assert_cmpint (g_get_monotonic_time () - started, <, (SLOW_S + 12) * G_USEC_PER_SEC);
    collect (ws, seen, &last_id);
  }
  {
    g_autoptr(Ws) ws = ws_open (srv, fixture->token_a, last_id);

    g_assert_true (ws_wait_for (ws, "notification.created", burst.n - WINDOW));
    settle (1000);
    collect (ws, seen, &last_id);
  }
  g_assert_cmpuint (seen->len, ==, burst.n);
  for (guint i = 0; i < burst.n; i++) {
    g_autofree char *title = g_strdup_printf ("burst %u", i);

    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (seen, i), "title"), ==,
                     title);
  }
}

static void
test_stream_second_device (NtFixture     *fixture,
                           gconstpointer  data)
{
  FcTestServer *srv = fixture->server;
  g_autoptr(Ws) first = ws_open (srv, fixture->token_a, -1);
  g_autoptr(Ws) second = ws_open (srv, fixture->token_a, -1);
  g_autoptr(Ws) bob = ws_open (srv, fixture->token_b, -1);
  g_autofree char *path = NULL;
  JsonObject *frame;
  gint64 id;

  g_assert_true (ws_wait_for (first, "hello", 1));
  g_assert_true (ws_wait_for (second, "hello", 1));
  g_assert_true (ws_wait_for (bob, "hello", 1));
  broadcast (srv, fixture->token_staff, "Both");
  g_assert_true (ws_wait_for (first, "notification.created", 1));
  g_assert_true (ws_wait_for (second, "notification.created", 1));
  g_assert_true (ws_wait_for (bob, "notification.created", 1));
  id = json_object_get_int_member (json_object_get_object_member (
                                     ws_last (second, "notification.created"), "notification"), "id");
  g_assert_cmpint (id, ==, first_id (srv, fixture->token_a));

  /* The first device reads it: the second is told. */
  path = g_strdup_printf (API "%" G_GINT64_FORMAT "/", id);
  nt_expect (srv, "PATCH", path, fixture->token_a, "{\"is_read\":true}", 200);
  g_assert_true (ws_wait_for (second, "notification.read", 1));
  frame = ws_last (second, "notification.read");
  g_assert_cmpint (json_object_get_int_member (frame, "notification_id"), ==, id);
  g_assert_true (json_object_get_boolean_member (frame, "is_read"));
  g_assert_true (ws_wait_for (first, "notification.read", 1));
  /* Unread again, then deleted. */
  nt_expect (srv, "PATCH", path, fixture->token_a, "{\"is_read\":false}", 200);
  g_assert_true (ws_wait_for (second, "notification.read", 2));
  g_assert_false (json_object_get_boolean_member (ws_last (second, "notification.read"), "is_read"));
  nt_expect (srv, "DELETE", path, fixture->token_a, NULL, 204);
  g_assert_true (ws_wait_for (second, "notification.deleted", 1));
  g_assert_cmpint (json_object_get_int_member (ws_last (second, "notification.deleted"),
                                               "notification_id"), ==, id);
  /* A PATCH that changes nothing is no event; bob heard none of alice's. */
  settle (1000);
  g_assert_cmpuint (ws_count (second, "notification.read"), ==, 2);
  g_assert_cmpuint (bob->frames->len, ==, 2);
}

static void
test_stream_auth (NtFixture     *fixture,
                  gconstpointer  data)
{
  FcTestServer *srv = fixture->server;

  /* A bad token in the header: the upgrade is refused. */
  {
    g_autoptr(Ws) ws = ws_open (srv, "forged.token.value", -1);

    g_assert_null (ws->conn);
    g_assert_cmpuint (ws->status, ==, 401);
  }
  {
    g_autoptr(Ws) ws = ws_open (srv, fixture->token_a, -1);
    g_autoptr(FcTestResponse) plain = fc_test_request (srv, "GET", STREAM, fixture->token_a, NULL);

    g_assert_nonnull (ws->conn);
    g_assert_cmpuint (plain->status, ==, 400);
  }
  /* A forged Last-Event-ID. */
  {
    g_autoptr(FcTestResponse) bad = NULL;
    const char *headers[] = { "Last-Event-ID", "-5", "Upgrade", "websocket", NULL };

    bad = fc_test_request_full (srv, "GET", STREAM, headers, NULL, NULL);
    g_assert_cmpuint (bad->status, ==, 400);
  }
  /* The token in the first message instead; a cursor from the future is
   * reset to now. */
  {
    g_autoptr(Ws) ws = ws_open (srv, NULL, -1);
    g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"token\":\"%s\","
                                              "\"last_id\":999999999}", fixture->token_b);

    g_assert_nonnull (ws->conn);
    settle (300);
    g_assert_cmpuint (ws->frames->len, ==, 0);
    soup_websocket_connection_send_text (ws->conn, "{\"type\":\"ping\"}");
    soup_websocket_connection_send_text (ws->conn, hello);
    g_assert_true (ws_wait_for (ws, "reset", 1));
    broadcast (srv, fixture->token_staff, "After");
    g_assert_true (ws_wait_for (ws, "notification.created", 1));
    soup_websocket_connection_send_text (ws->conn, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                                   "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]");
    soup_websocket_connection_send_text (ws->conn, "{\"type\":\"subscribe\"}");
    soup_websocket_connection_send_text (ws->conn, "{\"type\":\"ack\",\"last_id\":\"x\"}");
    soup_websocket_connection_send_text (ws->conn, "{\"type\":\"ping\"}");
    g_assert_true (ws_wait_for (ws, "pong", 2));
    g_assert_cmpuint (ws_count (ws, "error"), ==, 3);
    g_assert_false (ws->closed);
  }
  /* No credentials at all, and a token in the URL is not one: closed
   * after the HELLO_S the hello may take, with nothing sent. */
  {
    g_autofree char *url = g_strdup_printf ("%s" STREAM "?token=%s", srv->base_url,
                                            fixture->token_a);
    g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
    g_autoptr(Ws) ws = g_new0 (Ws, 1);
    gint64 opened = g_get_monotonic_time ();

    ws->session = soup_session_new ();
    ws->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
    soup_session_websocket_connect_async (ws->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                          NULL, on_ws_connected_cb, ws);
    g_assert_true (run_until (&ws->done, WAIT_S));
    g_assert_nonnull (ws->conn);
    g_assert_true (run_until (&ws->closed, WAIT_S));
    g_assert_cmpuint (ws->close_code, ==, 4401);
    g_assert_cmpuint (ws->frames->len, ==, 0);
    /* The server's configured wait (not the default 10 s), not earlier. */
    g_assert_cmpint (g_get_monotonic_time () - opened, >=, (HELLO_S - 1) * G_USEC_PER_SEC);
    g_assert_cmpint (g_get_monotonic_time () - opened, <, 8 * G_USEC_PER_SEC);
  }
  {
    g_autoptr(Ws) ws = ws_open (srv, NULL, -1);

    g_assert_nonnull (ws->conn);
    soup_websocket_connection_send_text (ws->conn, "{\"type\":\"hello\",\"token\":\"nope\"}");
    g_assert_true (run_until (&ws->closed, WAIT_S));
    g_assert_cmpuint (ws->close_code, ==, 4401);
    g_assert_cmpuint (ws->frames->len, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  nt_test_init (&argc, &argv);

  g_test_add ("/notifications/inbox", NtFixture, NULL, nt_fixture_set_up, test_inbox,
              nt_fixture_tear_down);
  g_test_add ("/notifications/broadcast-many", NtFixture, NULL, nt_fixture_set_up,
              test_broadcast_many, nt_fixture_tear_down);
  g_test_add ("/notifications/workout-milestones", NtFixture, NULL, nt_fixture_set_up,
              test_workout_milestones, nt_fixture_tear_down);
  g_test_add ("/notifications/streak", NtFixture, NULL, nt_fixture_set_up, test_streak,
              nt_fixture_tear_down);
  g_test_add ("/notifications/plan-events", NtFixture, NULL, nt_fixture_set_up, test_plan_events,
              nt_fixture_tear_down);
  g_test_add_func ("/notifications/plan-generated", test_plan_generated);
  g_test_add ("/notifications/dashboard", NtFixture, NULL, nt_fixture_set_up, test_dashboard,
              nt_fixture_tear_down);
  g_test_add ("/notifications/stream/resume", NtFixture, NULL, stream_fixture_set_up,
              test_stream_resume, nt_fixture_tear_down);
  g_test_add ("/notifications/stream/slow-client", NtFixture, NULL, stream_fixture_set_up,
              test_stream_slow_client, nt_fixture_tear_down);
  g_test_add ("/notifications/stream/second-device", NtFixture, NULL, stream_fixture_set_up,
              test_stream_second_device, nt_fixture_tear_down);
  g_test_add ("/notifications/stream/auth", NtFixture, NULL, stream_fixture_set_up, test_stream_auth,
              nt_fixture_tear_down);
  return g_test_run ();
}
