/* test-server-workers.c — one fitcore-server, several worker processes
 * (issue 16)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real parts only: the real fitcore-server started with --workers, its
 * supervisor and workers real processes on the run's backend (SQLite, or
 * PostgreSQL with --setup postgresql). FITCORE_SERVER_TESTING=1 makes every
 * answer name the worker that gave it (X-FitCore-Worker) and lets
 * `GET ping/?hold=NAME` hold its worker, as a slow handler would, until the
 * test creates HOLD_DIR/NAME.release.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "fc-json.h"
#include "fc-test-pg.h"
#include "fc-test-server.h"

#define N_CLIENTS 4
#define N_WRITES 25
#define MEALS "/api/v1/nutrition/meals/"
#define PASSWORD "Sup3r-Secret-42"
#define CONFIG "[server]\npassword_iterations=1000\n%s"
/* Long enough for anything the test waits for on a loaded machine; the
 * waits end as soon as what they wait for happens. */
#define WAIT_S 60

static char *hold_dir;

/* ---- Helpers ---- */

static FcTestServer *
start_server (guint       workers,
              const char *extra_config)
{
  g_autofree char *config = g_strdup_printf (CONFIG, extra_config != NULL ? extra_config : "");
  g_autofree char *count = g_strdup_printf ("%u", workers);
  const char *args[] = { "--workers", count, "--demo", NULL };

  return fc_test_server_start (config, args);
}

/* A request on a connection of its own (a session of its own), answered
 * while the test's main context runs. */
typedef struct {
  SoupSession *session;
  SoupMessage *message;
  gboolean     done;
  guint        status;
  char        *body;
  char        *worker;     /* X-FitCore-Worker */
  char        *busy_waits; /* X-FitCore-Busy-Waits */
} Call;

static void
on_call_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (bytes != NULL) {
    call->status = soup_message_get_status (call->message);
    call->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    call->worker = g_strdup (soup_message_headers_get_one (
                               soup_message_get_response_headers (call->message),
                               "X-FitCore-Worker"));
    call->busy_waits = g_strdup (soup_message_headers_get_one (
                                   soup_message_get_response_headers (call->message),
                                   "X-FitCore-Busy-Waits"));
  }
  call->done = TRUE;
}

static Call *
call_start (FcTestServer *server,
            const char   *method,
            const char   *path,
            const char   *token,
            const char   *json)
{
  Call *call = g_new0 (Call, 1);
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);

  call->session = soup_session_new_with_options ("timeout", WAIT_S, NULL);
  call->message = soup_message_new (method, url);
  if (token != NULL) {
    g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

    soup_message_headers_replace (soup_message_get_request_headers (call->message),
                                  "Authorization", bearer);
  }
  if (json != NULL) {
    g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

    soup_message_set_request_body_from_bytes (call->message, "application/json", body);
  }
  soup_session_send_and_read_async (call->session, call->message, G_PRIORITY_DEFAULT, NULL,
                                    on_call_done_cb, call);
  return call;
}

static void
call_free (Call *call)
{
  g_clear_object (&call->message);
  g_clear_object (&call->session);
  g_free (call->body);
  g_free (call->worker);
  g_free (call->busy_waits);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* One request on a fresh connection, waited for. */
static Call *
call (FcTestServer *server,
      const char   *method,
      const char   *path,
      const char   *token,
      const char   *json)
{
  Call *call = call_start (server, method, path, token, json);

  g_assert_true (fc_test_run_until (&call->done, WAIT_S));
  return call;
}

typedef struct {
  const char *path;
  gboolean    found;
} FileWait;

static gboolean
on_file_check_cb (gpointer user_data)
{
  FileWait *wait = user_data;

  wait->found = g_file_test (wait->path, G_FILE_TEST_EXISTS);
  return wait->found ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* Waits for @name.held and returns the pid of the worker it holds. */
static char *
wait_held (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.held", hold_dir, name);
  FileWait wait = { path, FALSE };
  guint id = g_timeout_add (10, on_file_check_cb, &wait);
  char *pid = NULL;

  if (!fc_test_run_until (&wait.found, WAIT_S))
    g_source_remove (id);
  g_assert_true (wait.found);
  g_assert_true (g_file_get_contents (path, &pid, NULL, NULL));
  return pid;
}

static void
release (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.release", hold_dir, name);

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
}

/* The supervisor's children now, from /proc (each a worker). */
static GPtrArray *
worker_pids (FcTestServer *server)
{
  const char *pid = g_subprocess_get_identifier (server->process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/task/%s/children", pid, pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;
  GPtrArray *pids = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  parts = g_strsplit (g_strstrip (text), " ", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    if (*parts[i] != '\0')
      g_ptr_array_add (pids, g_strdup (parts[i]));
  }
  return pids;
}

static gboolean
pid_in (GPtrArray  *pids,
        const char *pid)
{
  for (guint i = 0; i < pids->len; i++) {
    if (g_str_equal (g_ptr_array_index (pids, i), pid))
      return TRUE;
  }
  return FALSE;
}

static void
wait_for_workers (FcTestServer *server,
                  guint         count)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  for (;;) {
    g_autoptr(GPtrArray) pids = worker_pids (server);

    if (pids->len == count)
      return;
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  }
}

/* POSTs @json on a new connection (a kept-alive one would stay with one
 * worker), on the calling thread: the status (0 without an answer), and
 * the body and answering worker when asked for. */
static guint
post_on_new_connection (const char  *url,
                        const char  *bearer,
                        const char  *idempotency_key,
                        const char  *json,
                        char       **body,
                        char       **worker)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", WAIT_S, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) answer = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  soup_message_headers_replace (headers, "Authorization", bearer);
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  soup_message_set_request_body_from_bytes (message, "application/json", request);
  answer = soup_session_send_and_read (session, message, NULL, NULL);
  if (answer == NULL)
    return 0;
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  if (worker != NULL)
    *worker = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                      "X-FitCore-Worker"));
  return soup_message_get_status (message);
}

/* ---- (a) A held handler holds one worker, not the server ---- */

static void
check_handlers_at_once (guint workers)
{
  g_autoptr(FcTestServer) server = start_server (workers, NULL);
  g_autofree char *name = g_strdup_printf ("parallel-%u", workers);
  g_autofree char *path = g_strdup_printf ("/api/v1/ping/?hold=%s", name);
  g_autoptr(Call) held = NULL;
  g_autoptr(Call) quick = NULL;
  g_autofree char *held_pid = NULL;
  gboolean waited = FALSE;

  held = call_start (server, "GET", path, NULL, NULL);
  held_pid = wait_held (name);
  quick = call_start (server, "GET", "/api/v1/ping/", NULL, NULL);

  if (workers > 1) {
    /* Answered by the other worker while the first still holds */
    g_assert_true (fc_test_run_until (&quick->done, WAIT_S));
    g_assert_cmpuint (quick->status, ==, 200);
    g_assert_false (held->done);
    g_assert_nonnull (quick->worker);
    g_assert_cmpstr (quick->worker, !=, held_pid);
  } else {
    /* One process: the quick request waits for the held one. A second
     * is thousands of times what a ping takes. */
    fc_test_run_until (&waited, 1);
    g_assert_false (quick->done);
  }

  release (name);
  g_assert_true (fc_test_run_until (&held->done, WAIT_S));
  g_assert_true (fc_test_run_until (&quick->done, WAIT_S));
  g_assert_cmpuint (held->status, ==, 200);
  g_assert_cmpuint (quick->status, ==, 200);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
}

static void
test_handlers_at_once (void)
{
  check_handlers_at_once (1);
  check_handlers_at_once (2);
}

/* ---- (b) A killed worker is replaced; no acknowledged write is lost ---- */

typedef struct {
  FcTestServer *server;
  const char   *token;
  guint         index;
  gint64        foods[2];       /* each meal's two items */
  gint         *acknowledged;   /* atomic, shared */
  char         *first_body[N_WRITES];
  char         *worker[N_WRITES];  /* the pid that wrote it */
  guint         failures;
} Client;

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autofree char *url = g_strconcat (client->server->base_url, MEALS, NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", client->token, NULL);

  g_main_context_push_thread_default (context);
  for (guint w = 0; w < N_WRITES; w++) {
    g_autofree char *key = g_strdup_printf ("client-%u-write-%u", client->index, w);
    g_autofree char *json = g_strdup_printf (
      "{\"name\":\"c%u-w%02u\",\"meal_time_category\":\"BF\","
      "\"meal_items\":[{\"food\":%" G_GINT64_FORMAT ",\"number_of_servings\":1},"
      "{\"food\":%" G_GINT64_FORMAT ",\"number_of_servings\":0.5}]}", client->index, w,
      client->foods[0], client->foods[1]);

    for (guint attempt = 0;; attempt++) {
      g_autofree char *body = NULL;
      guint status;

      g_assert_cmpuint (attempt, <, 500);
      g_clear_pointer (&client->worker[w], g_free);
      status = post_on_new_connection (url, bearer, key, json, &body, &client->worker[w]);
      if (status == 201) {
        client->first_body[w] = g_steal_pointer (&body);
        break;
      }
      /* A killed worker's connection (0), a key still answered by a
       * killed worker (409), a busy database (503): retried with the same
       * key. Never a 500. */
      g_assert_true (status == 0 || status == 409 || status == 503);
      client->failures++;
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
    }
    g_atomic_int_inc (client->acknowledged);
  }
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_kill_worker (void)
{
  g_autoptr(FcTestServer) server = start_server (2, NULL);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *token = fc_test_register (server, "writer@fitcore.test", PASSWORD, NULL);
  g_autofree char *victim = NULL;
  g_autofree char *page_path = NULL;
  Client clients[N_CLIENTS] = { { 0 } };
  GThread *threads[N_CLIENTS];
  gint acknowledged = 0;
  guint failures = 0;
  gboolean replaced = FALSE;
  gint64 deadline;

  wait_for_workers (server, 2);
  before = worker_pids (server);
  victim = g_strdup (g_ptr_array_index (before, 0));

  for (guint i = 0; i < N_CLIENTS; i++) {
    clients[i] = (Client) { .server = server, .token = token, .index = i, .foods = { 1, 2 },
                            .acknowledged = &acknowledged };
    threads[i] = g_thread_new ("client", client_thread, &clients[i]);
  }
  /* Killed in the middle of the writes */
  while (g_atomic_int_get (&acknowledged) < N_CLIENTS * N_WRITES / 4)
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (kill (atoi (victim), SIGKILL), ==, 0);

  /* The supervisor starts another, and it serves */
  deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  while (!replaced) {
    g_autoptr(GPtrArray) now = worker_pids (server);
    g_autoptr(Call) ping = NULL;

    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    if (now->len < 2 || pid_in (now, victim)) {
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
      continue;
    }
    ping = call (server, "GET", "/api/v1/ping/", NULL, NULL);
    g_assert_cmpuint (ping->status, ==, 200);
    replaced = !pid_in (before, ping->worker);
  }

  for (guint i = 0; i < N_CLIENTS; i++)
    g_thread_join (threads[i]);
  after = worker_pids (server);
  g_assert_cmpuint (after->len, ==, 2);
  g_assert_false (pid_in (after, victim));

  /* Every acknowledged write exactly once, with both its items */
  page_path = g_strdup (MEALS "?page=1");
  while (page_path != NULL) {
    g_autoptr(Call) page = call (server, "GET", page_path, token, NULL);
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *object;
    JsonArray *results;

    g_assert_cmpuint (page->status, ==, 200);
    g_assert_true (json_parser_load_from_data (parser, page->body, -1, NULL));
    object = json_node_get_object (json_parser_get_root (parser));
    results = json_object_get_array_member (object, "results");
    for (guint i = 0; i < json_array_get_length (results); i++) {
      JsonObject *meal = json_array_get_object_element (results, i);
      const char *name = json_object_get_string_member (meal, "name");

      g_assert_false (g_hash_table_contains (seen, name));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (meal, "meal_items")),
                        ==, 2);
      g_hash_table_add (seen, g_strdup (name));
    }
    g_clear_pointer (&page_path, g_free);
    if (!json_object_get_null_member (object, "next"))
      page_path = g_strdup (strstr (json_object_get_string_member (object, "next"), MEALS));
  }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_CLIENTS * N_WRITES);
  for (guint i = 0; i < N_CLIENTS; i++) {
    failures += clients[i].failures;
    for (guint w = 0; w < N_WRITES; w++) {
      g_autofree char *name = g_strdup_printf ("c%u-w%02u", i, w);

      g_assert_true (g_hash_table_contains (seen, name));
      g_assert_nonnull (clients[i].first_body[w]);
      g_free (clients[i].first_body[w]);
      g_free (clients[i].worker[w]);
    }
  }
  g_test_message ("%u writes, %u retried", N_CLIENTS * N_WRITES, failures);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
}

/* ---- (c) SIGTERM to the supervisor ends everything ---- */

static gboolean
pid_alive (const char *pid)
{
  return kill (atoi (pid), 0) == 0 || errno != ESRCH;
}

/* Keeps an async call's result for the test to finish. */
typedef struct {
  GAsyncResult *result;
  gboolean      done;
} Pending;

static void
on_pending_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Pending *pending = user_data;

  pending->result = g_object_ref (result);
  pending->done = TRUE;
}

static void
test_sigterm (void)
{
  g_autoptr(FcTestServer) server = start_server (2, NULL);
  g_autoptr(GPtrArray) pids = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (server->base_url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(Call) ping = NULL;
  Pending exited = { NULL, FALSE };
  gint64 started;

  wait_for_workers (server, 2);
  pids = worker_pids (server);
  ping = call (server, "GET", "/api/v1/ping/", NULL, NULL);
  g_assert_cmpuint (ping->status, ==, 200);

  started = g_get_monotonic_time ();
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait_async (server->process, NULL, on_pending_done_cb, &exited);
  g_assert_true (fc_test_run_until (&exited.done, WAIT_S));
  g_assert_true (g_subprocess_wait_finish (server->process, exited.result, NULL));
  g_clear_object (&exited.result);
  g_test_message ("the supervisor exited %.2f s after SIGTERM",
                  (g_get_monotonic_time () - started) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);

  /* It waited for (and reaped) its workers, and nobody listens */
  for (guint i = 0; i < pids->len; i++)
    g_assert_false (pid_alive (g_ptr_array_index (pids, i)));
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL,
                                                &error);
  g_assert_null (connection);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

/* ---- (d) A notification written by one worker reaches a stream on the
 * other ---- */

typedef struct {
  SoupWebsocketConnection *conn;
  gboolean                 hello;
  GHashTable              *titles;
  const char              *awaited;
  gboolean                 arrived;
} Stream;

/* Records the titles of the notifications the stream announces. */
static void
on_stream_message_cb (SoupWebsocketConnection *conn,
                      int                      type,
                      GBytes                  *message,
                      gpointer                 user_data)
{
  Stream *stream = user_data;
  g_autoptr(JsonObject) frame = fc_json_parse_object (g_bytes_get_data (message, NULL),
                                                      g_bytes_get_size (message), NULL);
  JsonObject *notification;
  const char *title;

  g_assert_nonnull (frame);
  stream->hello |= g_strcmp0 (fc_json_get_string (frame, "type"), "hello") == 0;
  notification = fc_json_get_object (frame, "notification");
  title = notification != NULL ? fc_json_get_string (notification, "title") : NULL;
  if (title == NULL)
    return;
  g_hash_table_add (stream->titles, g_strdup (title));
  stream->arrived |= g_strcmp0 (title, stream->awaited) == 0;
}

static void
test_stream_across_workers (void)
{
  /* The streams' own poll is ten minutes away: what arrives, arrives
   * because a worker learnt that another wrote. */
  g_autoptr(FcTestServer) server = start_server (2, "stream_poll_interval_ms=600000\n");
  g_autoptr(SoupSession) ws_session = soup_session_new ();
  g_autoptr(SoupMessage) upgrade = NULL;
  g_autofree char *user = fc_test_register (server, "listener@fitcore.test", PASSWORD, NULL);
  g_autofree char *staff = fc_test_login (server, "admin@fitcore.local", "fitcore-admin", NULL);
  g_autofree char *stream_url = g_strconcat (server->base_url, "/api/v1/notifications/stream/",
                                             NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", user, NULL);
  g_autoptr(Call) first = NULL;
  g_autoptr(Call) held = NULL;
  g_autoptr(Call) broadcast = NULL;
  g_autofree char *first_pid = NULL;
  const char *held_name;
  const char *stream_worker;
  Stream stream = { NULL, };
  Pending connected = { NULL, FALSE };
  g_autoptr(GError) error = NULL;

  stream.titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  upgrade = soup_message_new ("GET", stream_url);
  soup_message_headers_replace (soup_message_get_request_headers (upgrade), "Authorization",
                                bearer);
  soup_session_websocket_connect_async (ws_session, upgrade, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_pending_done_cb, &connected);
  g_assert_true (fc_test_run_until (&connected.done, WAIT_S));
  stream.conn = soup_session_websocket_connect_finish (ws_session, connected.result, &error);
  g_assert_no_error (error);
  g_clear_object (&connected.result);
  g_signal_connect (stream.conn, "message", G_CALLBACK (on_stream_message_cb), &stream);
  g_assert_true (fc_test_run_until (&stream.hello, WAIT_S));
  stream_worker = soup_message_headers_get_one (soup_message_get_response_headers (upgrade),
                                                "X-FitCore-Worker");
  g_assert_nonnull (stream_worker);

  /* The stream's worker held, as by a slow handler, so that the other
   * one writes: a first hold lands on either; if on the other, a second
   * can only land on the stream's, and the first is let go. */
  first = call_start (server, "GET", "/api/v1/ping/?hold=stream-1", NULL, NULL);
  first_pid = wait_held ("stream-1");
  if (g_str_equal (first_pid, stream_worker)) {
    held = g_steal_pointer (&first);
    held_name = "stream-1";
  } else {
    g_autofree char *second_pid = NULL;

    held = call_start (server, "GET", "/api/v1/ping/?hold=stream-2", NULL, NULL);
    second_pid = wait_held ("stream-2");
    g_assert_cmpstr (second_pid, ==, stream_worker);
    held_name = "stream-2";
    release ("stream-1");
    g_assert_true (fc_test_run_until (&first->done, WAIT_S));
  }

  broadcast = call (server, "POST", "/api/v1/notifications/broadcast/", staff,
                    "{\"title\":\"Across\",\"message\":\"From the other worker\"}");
  g_assert_cmpuint (broadcast->status, ==, 201);
  g_assert_cmpstr (broadcast->worker, !=, stream_worker);

  /* Once free, the stream's worker has no write of its own to wake it */
  release (held_name);
  g_assert_true (fc_test_run_until (&held->done, WAIT_S));
  stream.awaited = "Across";
  stream.arrived = g_hash_table_contains (stream.titles, "Across");
  g_assert_true (fc_test_run_until (&stream.arrived, WAIT_S));

  soup_websocket_connection_close (stream.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&stream.conn);
  g_hash_table_unref (stream.titles);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
}

/* ---- (e) The workers' writers queue for SQLite's lock ---- */

#define N_WRITERS 8

/* How often each worker's writes have found the database locked so far
 * (pid → count), read from both: one is held inside an authenticated ping
 * so that the next goes to the other. Each also notes the user's activity
 * of the day, which it writes once, outside any transaction, and so
 * nowhere near the writes measured after it. */
static GHashTable *
read_busy_waits (FcTestServer *server,
                 const char   *token,
                 const char   *name)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = g_strdup_printf ("/api/v1/ping/?hold=%s", name);
  g_autoptr(Call) held = call_start (server, "GET", path, token, NULL);
  g_autofree char *held_pid = wait_held (name);
  g_autoptr(Call) other = call (server, "GET", "/api/v1/ping/", token, NULL);

  release (name);
  g_assert_true (fc_test_run_until (&held->done, WAIT_S));
  g_assert_cmpuint (held->status, ==, 200);
  g_assert_cmpuint (other->status, ==, 200);
  g_assert_cmpstr (held->worker, ==, held_pid);
  g_assert_cmpstr (other->worker, !=, held_pid);
  g_assert_nonnull (held->busy_waits);
  g_assert_nonnull (other->busy_waits);
  g_hash_table_insert (counts, g_strdup (held->worker),
                       GSIZE_TO_POINTER (g_ascii_strtoull (held->busy_waits, NULL, 10)));
  g_hash_table_insert (counts, g_strdup (other->worker),
                       GSIZE_TO_POINTER (g_ascii_strtoull (other->busy_waits, NULL, 10)));
  return counts;
}

static void
test_writers_queue (void)
{
  g_autoptr(FcTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) writers = g_hash_table_new (g_str_hash, g_str_equal);
  Client clients[N_WRITERS];
  GThread *threads[N_WRITERS];
  gint acknowledged = 0;
  GHashTableIter iter;
  gpointer pid, count;
  gsize waited = 0;
  gint64 foods[2] = { 0 };

  /* Without --demo: the supervisor then writes nothing of its own. */
  server = fc_test_server_start ("[server]\npassword_iterations=1000\n",
                                 (const char *[]) { "--workers", "2", NULL });
  g_assert_null (server->database_uri);
  token = fc_test_register (server, "queue@fitcore.test", PASSWORD, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (foods); i++) {
    g_autofree char *json = g_strdup_printf ("{\"name\":\"Rice %u\",\"calories\":130,"
                                             "\"protein\":2.7,\"carbohydrates\":28,"
                                             "\"fat\":0.3}", i);
    g_autoptr(FcTestResponse) food = fc_test_request (server, "POST", "/api/v1/nutrition/foods/",
                                                      token, json);

    g_assert_cmpuint (food->status, ==, 201);
    g_assert_true (fc_json_get_int (fc_test_response_object (food), "id", &foods[i]));
  }
  wait_for_workers (server, 2);
  before = read_busy_waits (server, token, "queue-before");

  for (guint i = 0; i < N_WRITERS; i++) {
    clients[i] = (Client) { .server = server, .token = token, .index = i,
                            .foods = { foods[0], foods[1] }, .acknowledged = &acknowledged };
    threads[i] = g_thread_new ("writer", client_thread, &clients[i]);
  }
  for (guint i = 0; i < N_WRITERS; i++) {
    g_thread_join (threads[i]);
    /* Never a 503: no write waited anywhere near 5 s */
    g_assert_cmpuint (clients[i].failures, ==, 0);
    for (guint w = 0; w < N_WRITES; w++)
      g_hash_table_add (writers, clients[i].worker[w]);
  }
  g_assert_cmpint (acknowledged, ==, N_WRITERS * N_WRITES);
  /* Both wrote, each while the other did */
  g_assert_cmpuint (g_hash_table_size (writers), ==, 2);

  /* A write that found the other worker's transaction in the way waited
   * for it in the writer lock, never in SQLite's busy handler, which
   * sleeps 1, 2, 5 … ms before it looks again. */
  after = read_busy_waits (server, token, "queue-after");
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &pid, &count)) {
    g_assert_true (g_hash_table_contains (before, pid));
    g_assert_true (g_hash_table_contains (writers, pid));
    waited += GPOINTER_TO_SIZE (count) - GPOINTER_TO_SIZE (g_hash_table_lookup (before, pid));
  }
  g_test_message ("%u writes on 2 workers; %" G_GSIZE_FORMAT " busy-handler waits",
                  N_WRITERS * N_WRITES, waited);
  g_assert_cmpuint (waited, ==, 0);
  for (guint i = 0; i < N_WRITERS; i++) {
    for (guint w = 0; w < N_WRITES; w++) {
      g_free (clients[i].first_body[w]);
      g_free (clients[i].worker[w]);
    }
  }
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  hold_dir = g_dir_make_tmp ("fitcore-hold-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("FITCORE_SERVER_TESTING", "1", TRUE);
  g_setenv ("FITCORE_SERVER_TEST_HOLD_DIR", hold_dir, TRUE);

  g_test_add_func ("/workers/handlers-at-once", test_handlers_at_once);
  g_test_add_func ("/workers/kill-worker", test_kill_worker);
  g_test_add_func ("/workers/sigterm", test_sigterm);
  g_test_add_func ("/workers/stream-across-workers", test_stream_across_workers);
  /* SQLite's database-wide write lock only: PostgreSQL locks rows */
  if (!fc_test_pg_wanted ())
    g_test_add_func ("/workers/writers-queue", test_writers_queue);
  status = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (hold_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
      g_autofree char *path = g_build_filename (hold_dir, name, NULL);

      g_unlink (path);
    }
  }
  g_rmdir (hold_dir);
  g_free (hold_dir);
  return status;
}
