/* test-server-transport.c — fitcore-server's HTTP transport under abuse (issue 10, §1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a client can do to the connection itself: bodies far over the
 * limit, headers that never end, connections that sit idle, more
 * connections than descriptors, a thousand ranges, and one
 * Idempotency-Key sent three times at once. Each case talks to the real
 * binary over plain sockets, so the test decides every byte and sees when
 * the server closes.
 */

/* prlimit() */
#define _GNU_SOURCE

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "fc-json.h"
#include "fc-server-test-util.h"
#include "workouts-test-util.h"

#define MiB (1024 * 1024)
#define HUGE_BODY ((goffset) 300 * MiB)
/* Far more than any machine needs, short of "never". */
#define PATIENCE_S 20

static guint
server_port (FcTestServer *server)
{
  g_autoptr(GUri) uri = g_uri_parse (server->base_url, G_URI_FLAGS_NONE, NULL);

  return g_uri_get_port (uri);
}

static GSocket *
connect_to (FcTestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, server_port (server));
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  return socket;
}

static void
send_all (GSocket    *socket,
          const char *data,
          gsize       length)
{
  g_autoptr(GError) error = NULL;

  while (length > 0) {
    gssize n = g_socket_send (socket, data, length, NULL, &error);

    g_assert_no_error (error);
    data += n;
    length -= n;
  }
}

/* Reads until the server closes or @timeout_s passes; @out_closed says
 * whether it closed. */
static GString *
read_until_closed (GSocket  *socket,
                   guint     timeout_s,
                   gboolean *out_closed)
{
  GString *text = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  *out_closed = FALSE;
  g_socket_set_blocking (socket, FALSE);
  while (g_get_monotonic_time () < deadline) {
    char buffer[8192];
    g_autoptr(GError) error = NULL;
    gssize n;

    g_socket_condition_timed_wait (socket, G_IO_IN, 100 * 1000, NULL, NULL);
    n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
    if (n > 0) {
      g_string_append_len (text, buffer, n);
    } else if (n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      *out_closed = TRUE;
      break;
    }
  }
  return text;
}

/* A whole exchange on a new connection: @request sent, the answer read
 * until the server closes (the request says "Connection: close"). */
static GString *
exchange (FcTestServer *server,
          const char   *request,
          gsize         length)
{
  g_autoptr(GSocket) socket = connect_to (server);
  gboolean closed;
  GString *answer;

  send_all (socket, request, length);
  answer = read_until_closed (socket, PATIENCE_S, &closed);
  g_assert_true (closed);
  return answer;
}

static guint
answer_status (GString *answer)
{
  guint status = 0;

  if (g_str_has_prefix (answer->str, "HTTP/1.1 "))
    status = (guint) g_ascii_strtoull (answer->str + 9, NULL, 10);
  return status;
}

static const char *
answer_body (GString *answer)
{
  const char *end = strstr (answer->str, "\r\n\r\n");

  g_assert_nonnull (end);
  return end + 4;
}

static gsize
answer_body_size (GString *answer)
{
  return answer->len - (answer_body (answer) - answer->str);
}

/* A header's value, or NULL; names are matched case-insensitively. */
static char *
answer_header (GString    *answer,
               const char *name)
{
  g_autofree char *head = g_strndup (answer->str, answer_body (answer) - answer->str);
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  gsize name_length = strlen (name);

  for (guint i = 1; lines[i] != NULL; i++) {
    if (g_ascii_strncasecmp (lines[i], name, name_length) == 0 && lines[i][name_length] == ':')
      return g_strstrip (g_strdup (lines[i] + name_length + 1));
  }
  return NULL;
}

static GString *
get (FcTestServer *server,
     const char   *path,
     const char   *extra_headers)
{
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Connection: close\r\n%s\r\n",
                                              path, extra_headers != NULL ? extra_headers : "");

  return exchange (server, request, strlen (request));
}

static void
assert_ping_answers (FcTestServer *server)
{
  g_autoptr(GString) answer = get (server, "/api/v1/ping/", NULL);

  g_assert_cmpuint (answer_status (answer), ==, 200);
  g_assert_cmpstr (answer_body (answer), ==, "{\"ok\":true}");
}

static gint64
server_rss_kib (FcTestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (server->process));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

/* Bodies over the limit. */

/* Sends @head, then body bytes (as chunks when @chunked) until an answer
 * comes back or HUGE_BODY is sent; returns the answer, and through
 * @out_sent how much body went out before it. */
static GString *
stream_body (FcTestServer *server,
             const char   *head,
             gboolean      chunked,
             goffset      *out_sent)
{
  g_autoptr(GSocket) socket = connect_to (server);
  g_autofree char *piece = g_malloc (64 * 1024 + 16);
  gsize piece_length = 64 * 1024;
  GString *answer = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gboolean sending = TRUE;
  goffset sent = 0;

  memset (piece, 'a', piece_length);
  if (chunked) {
    g_autofree char *framed = g_strdup_printf ("%zx\r\n", piece_length);
    gsize prefix = strlen (framed);

    memmove (piece + prefix, piece, piece_length);
    memcpy (piece, framed, prefix);
    memcpy (piece + prefix + piece_length, "\r\n", 2);
    piece_length += prefix + 2;
  }

  send_all (socket, head, strlen (head));
  g_socket_set_blocking (socket, FALSE);
  while (g_get_monotonic_time () < deadline && strstr (answer->str, "}") == NULL) {
    char buffer[4096];
    g_autoptr(GError) error = NULL;
    gssize n;

    g_socket_condition_timed_wait (socket, sending ? G_IO_IN | G_IO_OUT : G_IO_IN, 100 * 1000,
                                   NULL, NULL);
    n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
    if (n > 0)
      g_string_append_len (answer, buffer, n);
    else if (n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
      break;

    if (sending && sent < HUGE_BODY) {
      g_clear_error (&error);
      n = g_socket_send (socket, piece, piece_length, NULL, &error);
      if (n > 0)
        sent += n;
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        sending = FALSE;   /* the server closed its side */
    }
  }
  *out_sent = sent;
  return answer;
}

static void
check_huge_body (gboolean chunked)
{
  g_autoptr(FcTestServer) server = fc_st_start ("max_body_size=1048576", FALSE);
  g_autofree char *head = NULL;
  g_autoptr(GString) answer = NULL;
  gint64 rss_before = server_rss_kib (server);
  gint64 rss_after;
  goffset sent = 0;

  if (chunked)
    head = g_strdup ("POST /api/v1/auth/oauth/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  else
    head = g_strdup_printf ("POST /api/v1/auth/oauth/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Content-Type: application/json\r\n"
                            "Content-Length: %" G_GOFFSET_FORMAT "\r\n\r\n", HUGE_BODY);
  answer = stream_body (server, head, chunked, &sent);
  rss_after = server_rss_kib (server);
  g_test_message ("%s: 413 after %.1f MiB sent; server RSS %.1f -> %.1f MiB",
                  chunked ? "chunked" : "Content-Length", sent / (double) MiB,
                  rss_before / 1024.0, rss_after / 1024.0);

  g_assert_cmpuint (answer_status (answer), ==, 413);
  g_assert_cmpstr (answer_body (answer), ==, "{\"detail\":\"Request body too large.\"}");
  /* The limit plus what the socket buffers hold, never the whole body. */
  g_assert_cmpint (sent, <, 32 * MiB);
  g_assert_cmpint (rss_after - rss_before, <, 50 * 1024);
  assert_ping_answers (server);
}

static void
test_huge_content_length (void)
{
  check_huge_body (FALSE);
}

static void
test_huge_chunked_body (void)
{
  check_huge_body (TRUE);
}

/* Connections. */

/* Sends @request on a new connection and waits for the server to close
 * it; returns the seconds that took and, through @out_answer, what came
 * back. */
static double
seconds_until_closed (FcTestServer  *server,
                      const char    *request,
                      GString      **out_answer)
{
  g_autoptr(GSocket) socket = connect_to (server);
  gint64 started = g_get_monotonic_time ();
  gboolean closed;

  send_all (socket, request, strlen (request));
  *out_answer = read_until_closed (socket, PATIENCE_S, &closed);
  g_assert_true (closed);
  return (g_get_monotonic_time () - started) / 1e6;
}

static void
test_header_timeout (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("header_timeout=1", FALSE);
  g_autoptr(GString) answer = NULL;
  double waited = seconds_until_closed (server, "GET /api/v1/ping/ HTTP/1.1\r\nHost: 127.",
                                        &answer);

  g_test_message ("half-sent headers closed after %.2f s", waited);
  g_assert_cmpuint (answer->len, ==, 0);
  g_assert_cmpfloat (waited, >=, 0.9);
  assert_ping_answers (server);
}

static void
test_idle_timeout (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("idle_timeout=2", FALSE);
  g_autoptr(GString) answer = NULL;
  double waited = seconds_until_closed (server, "GET /api/v1/ping/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                                        &answer);

  g_test_message ("kept-alive connection closed after %.2f s", waited);
  /* Kept alive after the answer, then closed for idling. */
  g_assert_cmpuint (answer_status (answer), ==, 200);
  g_assert_cmpstr (answer_body (answer), ==, "{\"ok\":true}");
  g_assert_cmpfloat (waited, >=, 1.9);
}

/* Over max_connections, a new connection waits in the backlog and is
 * served once another closes. */
static void
test_max_connections (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("max_connections=2\nheader_timeout=60", FALSE);
  g_autoptr(GSocket) first = connect_to (server);
  g_autoptr(GSocket) second = connect_to (server);
  g_autoptr(GSocket) third = NULL;
  static const char request[] = "GET /api/v1/ping/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Connection: close\r\n\r\n";
  g_autoptr(GString) early = NULL;
  g_autoptr(GString) answer = NULL;
  gboolean closed;

  /* Both are accepted (a request on each is answered) and stay open. */
  for (guint i = 0; i < 2; i++) {
    GSocket *socket = i == 0 ? first : second;
    static const char keep[] = "GET /api/v1/ping/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    char buffer[512];
    gssize n;

    send_all (socket, keep, strlen (keep));
    g_socket_set_timeout (socket, PATIENCE_S);
    n = g_socket_receive (socket, buffer, sizeof buffer - 1, NULL, NULL);
    g_assert_cmpint (n, >, 0);
    buffer[n] = '\0';
    g_assert_true (g_str_has_prefix (buffer, "HTTP/1.1 200"));
  }

  third = connect_to (server);
  send_all (third, request, strlen (request));
  early = read_until_closed (third, 2, &closed);
  g_assert_false (closed);
  g_assert_cmpuint (early->len, ==, 0);

  g_socket_close (first, NULL);
  answer = read_until_closed (third, PATIENCE_S, &closed);
  g_assert_true (closed);
  g_assert_cmpuint (answer_status (answer), ==, 200);
}

/* Out of descriptors, the server waits and accepts again once some are
 * free (libsoup's own listener stopped for good). */
static void
test_out_of_descriptors (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  GPid pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server->process), NULL, 10);
  struct rlimit limit = { 64, 64 };

  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, &limit, NULL), ==, 0);

  /* More than it can hold: some wait in the backlog while it has none. */
  for (guint i = 0; i < 100; i++)
    g_ptr_array_add (sockets, connect_to (server));
  for (guint i = 0; i < sockets->len; i++) {
    static const char request[] = "GET /api/v1/ping/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    send_all (g_ptr_array_index (sockets, i), request, strlen (request));
  }
  /* Time for it to hit the limit. */
  g_usleep (G_USEC_PER_SEC / 2);
  g_ptr_array_set_size (sockets, 0);

  assert_ping_answers (server);
  assert_ping_answers (server);
}

/* Range. */

static char *
many_ranges (guint n)
{
  GString *header = g_string_new ("Range: bytes=");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (header, "%s0-", i > 0 ? "," : "");
  g_string_append (header, "\r\n");
  return g_string_free (header, FALSE);
}

static void
test_range_on_json (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  g_autofree char *ranges = many_ranges (1000);
  g_autoptr(GString) plain = get (server, "/api/v1/ping/", NULL);
  g_autoptr(GString) ranged = get (server, "/api/v1/ping/", ranges);

  g_assert_cmpuint (answer_status (ranged), ==, 200);
  g_assert_cmpstr (answer_body (ranged), ==, answer_body (plain));
}

static void
test_range_on_media (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  g_autofree char *path = g_build_filename (server->data_dir, "media", "probe.png", NULL);
  g_autofree char *contents = g_strnfill (10000, 'x');
  g_autofree char *ranges = many_ranges (1000);
  g_autoptr(GString) whole = NULL;
  g_autoptr(GString) refused = NULL;
  g_autoptr(GString) merged = NULL;
  g_autoptr(GString) single = NULL;
  g_autofree char *content_range = NULL;
  g_autofree char *refused_range = NULL;
  g_autofree char *nosniff = NULL;

  g_assert_true (g_file_set_contents (path, contents, 10000, NULL));

  whole = get (server, "/media/probe.png", NULL);
  g_assert_cmpuint (answer_status (whole), ==, 200);
  g_assert_cmpuint (answer_body_size (whole), ==, 10000);
  nosniff = answer_header (whole, "X-Content-Type-Options");
  g_assert_cmpstr (nosniff, ==, "nosniff");

  refused = get (server, "/media/probe.png", ranges);
  g_assert_cmpuint (answer_status (refused), ==, 416);
  refused_range = answer_header (refused, "Content-Range");
  g_assert_cmpstr (refused_range, ==, "bytes */10000");

  /* Overlapping and touching ranges come back as one. */
  merged = get (server, "/media/probe.png", "Range: bytes=100-199,0-99,150-299\r\n");
  g_assert_cmpuint (answer_status (merged), ==, 206);
  g_assert_cmpuint (answer_body_size (merged), ==, 300);
  content_range = answer_header (merged, "Content-Range");
  g_assert_cmpstr (content_range, ==, "bytes 0-299/10000");

  single = get (server, "/media/probe.png", "Range: bytes=9000-\r\n");
  g_assert_cmpuint (answer_status (single), ==, 206);
  g_assert_cmpuint (answer_body_size (single), ==, 1000);
}

/* Idempotency-Key on an upload, whose answer comes later. */

typedef struct {
  FcTestServer *server;
  const char   *request;
  gsize         length;
  GString      *answer;
} Upload;

static gpointer
upload_thread (gpointer data)
{
  Upload *upload = data;

  upload->answer = exchange (upload->server, upload->request, upload->length);
  return NULL;
}

static gint64
answer_id (GString *answer)
{
  g_autoptr(JsonNode) node = json_from_string (answer_body (answer), NULL);
  gint64 id = 0;

  g_assert_nonnull (node);
  g_assert_true (fc_json_get_int (json_node_get_object (node), "id", &id));
  return id;
}

/* A staff upload of a new one-second video to a new workout, as raw
 * bytes, with Idempotency-Key "upload-1". */
static GByteArray *
upload_request (FcTestServer *server)
{
  g_autofree char *staff = fc_test_login (server, "admin@fitcore.local", "fitcore-admin", NULL);
  g_autoptr(FcTestResponse) workout = NULL;
  g_autoptr(GBytes) webm = wt_make_webm ("Once", 1);
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GBytes) body = NULL;
  GByteArray *request = g_byte_array_new ();
  g_autofree char *workout_id = NULL;
  g_autofree char *head = NULL;

  workout = fc_st_request (server, "POST", "/api/v1/workouts/workouts/", staff,
                           "{\"title\":\"Idempotent\"}", NULL);
  g_assert_cmpuint (workout->status, ==, 201);
  workout_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                wt_int (fc_test_response_object (workout), "id"));

  soup_multipart_append_form_file (multipart, "file", "once.webm", "video/webm", webm);
  soup_multipart_append_form_string (multipart, "workout", workout_id);
  soup_multipart_append_form_string (multipart, "title", "Once");
  soup_multipart_to_message (multipart, headers, &body);
  head = g_strdup_printf ("POST /api/v1/workouts/videos/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nIdempotency-Key: upload-1\r\n"
                          "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                          staff, soup_message_headers_get_one (headers, "Content-Type"),
                          g_bytes_get_size (body));
  g_byte_array_append (request, (const guint8 *) head, strlen (head));
  g_byte_array_append (request, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return request;
}

static void
test_concurrent_uploads_one_key (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, TRUE);
  g_autoptr(GByteArray) request = upload_request (server);
  g_autoptr(GString) replay = NULL;
  g_autofree char *replayed = NULL;
  Upload uploads[3];
  GThread *threads[3];
  FcSql *db;
  gint64 videos_before, videos_after, created = 0;
  guint n_created = 0;

  db = fc_st_open_db (server);
  videos_before = fc_st_query_int (db, "SELECT count(*) FROM workout_videos");

  for (guint i = 0; i < 3; i++) {
    uploads[i] = (Upload) { server, (const char *) request->data, request->len, NULL };
    threads[i] = g_thread_new ("upload", upload_thread, &uploads[i]);
  }
  for (guint i = 0; i < 3; i++)
    g_thread_join (threads[i]);

  /* One ran; the others were told to come back (or, had it already
   * finished, got its answer). */
  for (guint i = 0; i < 3; i++) {
    guint status = answer_status (uploads[i].answer);

    g_test_message ("upload %u: %u", i, status);
    if (status == 201) {
      gint64 id = answer_id (uploads[i].answer);

      g_assert_true (created == 0 || created == id);
      created = id;
      n_created++;
    } else {
      g_autofree char *retry_after = answer_header (uploads[i].answer, "Retry-After");

      g_assert_cmpuint (status, ==, 409);
      g_assert_nonnull (retry_after);
    }
    g_string_free (uploads[i].answer, TRUE);
  }
  g_assert_cmpuint (n_created, >=, 1);
  videos_after = fc_st_query_int (db, "SELECT count(*) FROM workout_videos");
  g_assert_cmpint (videos_after, ==, videos_before + 1);

  /* Once it is done, the key replays its answer. */
  replay = exchange (server, (const char *) request->data, request->len);
  g_assert_cmpuint (answer_status (replay), ==, 201);
  g_assert_cmpint (answer_id (replay), ==, created);
  replayed = answer_header (replay, "Idempotent-Replayed");
  g_assert_cmpstr (replayed, ==, "true");
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM workout_videos"), ==, videos_after);
  fc_sql_close (db);
}

/* The client hangs up before the answer (a timeout); the upload still
 * completes, and the retry with the same key gets its answer rather than
 * making a second video. */
static void
test_upload_retry_after_hang_up (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, TRUE);
  g_autoptr(GByteArray) request = upload_request (server);
  g_autoptr(GString) replay = NULL;
  g_autofree char *replayed = NULL;
  FcSql *db = fc_st_open_db (server);
  gint64 videos_before = fc_st_query_int (db, "SELECT count(*) FROM workout_videos");
  gint64 deadline = g_get_monotonic_time () + PATIENCE_S * G_USEC_PER_SEC;

  {
    g_autoptr(GSocket) socket = connect_to (server);

    send_all (socket, (const char *) request->data, request->len);
    g_socket_close (socket, NULL);
  }
  while (fc_st_query_int (db, "SELECT count(*) FROM workout_videos") == videos_before &&
         g_get_monotonic_time () < deadline)
    g_usleep (G_USEC_PER_SEC / 10);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM workout_videos"), ==,
                   videos_before + 1);

  /* The answer is recorded as the video is; a retry that comes before it
   * is told to come back. */
  while (replay == NULL) {
    g_autoptr(GString) answer = exchange (server, (const char *) request->data, request->len);

    if (answer_status (answer) != 409 || g_get_monotonic_time () >= deadline)
      replay = g_steal_pointer (&answer);
    else
      g_usleep (G_USEC_PER_SEC / 10);
  }
  g_assert_cmpuint (answer_status (replay), ==, 201);
  replayed = answer_header (replay, "Idempotent-Replayed");
  g_assert_cmpstr (replayed, ==, "true");
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM workout_videos"), ==,
                   videos_before + 1);
  fc_sql_close (db);
}

/* Lines of the request log at @path for @request ("POST /api/…/ "), by
 * status. */
static GHashTable *
log_statuses (const char *path,
              const char *request)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *statuses = g_hash_table_new (g_direct_hash, g_direct_equal);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return statuses;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    const char *at = strstr (lines[i], request);
    guint status;

    if (at == NULL)
      continue;
    status = (guint) g_ascii_strtoull (at + strlen (request), NULL, 10);
    g_hash_table_insert (statuses, GUINT_TO_POINTER (status),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (
                                             statuses, GUINT_TO_POINTER (status))) + 1));
  }
  return statuses;
}

static guint
statuses_count (GHashTable *statuses,
                guint       status)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (statuses, GUINT_TO_POINTER (status)));
}

/* A client that hangs up before its request is whole (a killed process,
 * a dropped network) is not the server's error: it is logged 499, never
 * 500, and nothing of it is written; the same meal sent whole is. An
 * answer the client reset the connection before (a ping held in its
 * handler) is logged as the server gave it, not as libsoup's 500 for an
 * answer it could not write. */
static void
test_abandoned_request_logged (void)
{
  static const char body[] = "{\"name\":\"Half sent\",\"meal_time_category\":\"LN\","
                             "\"meal_items\":[{\"food\":1,\"number_of_servings\":1.5}]}";
  static const char held_ping[] = "GET /api/v1/ping/?hold=reset HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  "Connection: close\r\n\r\n";
  const gsize cuts[] = { 0, 1, sizeof body / 2, sizeof body - 2 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fitcore-log-XXXXXX", &error);
  g_autofree char *log = g_build_filename (dir, "requests.log", NULL);
  g_autofree char *held = g_build_filename (dir, "reset.held", NULL);
  g_autofree char *release = g_build_filename (dir, "reset.release", NULL);
  g_autoptr(FcTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *head = NULL;
  g_autofree char *whole = NULL;
  g_autoptr(GString) answer = NULL;
  g_autoptr(GHashTable) posts = NULL;
  g_autoptr(GHashTable) pings = NULL;
  struct linger reset = { .l_onoff = 1, .l_linger = 0 };
  gint64 deadline;
  FcSql *db;

  g_assert_no_error (error);
  /* The test-only hold (fc_server_workers_test_hold()), for this server. */
  g_setenv ("FITCORE_SERVER_TESTING", "1", TRUE);
  g_setenv ("FITCORE_SERVER_TEST_HOLD_DIR", dir, TRUE);
  server = fc_test_server_start_logged (NULL, "[server]\npassword_iterations=1000\n",
                                        (const char *[]) { "--demo", NULL }, log);
  g_unsetenv ("FITCORE_SERVER_TESTING");
  g_unsetenv ("FITCORE_SERVER_TEST_HOLD_DIR");
  token = fc_st_register (server, "hangs-up@fitcore.test");
  head = g_strdup_printf ("POST /api/v1/nutrition/meals/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                          token, strlen (body));

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++) {
    g_autoptr(GSocket) socket = connect_to (server);

    send_all (socket, head, strlen (head));
    if (cuts[i] > 0)
      send_all (socket, body, cuts[i]);
    g_socket_close (socket, NULL);
  }

  {
    g_autoptr(GSocket) socket = connect_to (server);

    send_all (socket, held_ping, strlen (held_ping));
    deadline = g_get_monotonic_time () + PATIENCE_S * G_USEC_PER_SEC;
    while (!g_file_test (held, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
      g_usleep (G_USEC_PER_SEC / 100);
    g_assert_true (g_file_test (held, G_FILE_TEST_EXISTS));
    /* No lingering: the close is a reset, so the answer cannot be written. */
    g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &reset,
                                 sizeof reset), ==, 0);
    g_socket_close (socket, NULL);
    g_assert_true (g_file_set_contents (release, "", 0, &error));
    g_assert_no_error (error);
  }

  deadline = g_get_monotonic_time () + PATIENCE_S * G_USEC_PER_SEC;
  do {
    g_clear_pointer (&posts, g_hash_table_unref);
    g_clear_pointer (&pings, g_hash_table_unref);
    g_usleep (G_USEC_PER_SEC / 20);
    posts = log_statuses (log, "POST /api/v1/nutrition/meals/ ");
    pings = log_statuses (log, "GET /api/v1/ping/ ");
  } while ((statuses_count (posts, 499) + statuses_count (posts, 500) < G_N_ELEMENTS (cuts) ||
            g_hash_table_size (pings) == 0) &&
           g_get_monotonic_time () < deadline);
  g_assert_cmpuint (statuses_count (posts, 500), ==, 0);
  g_assert_cmpuint (statuses_count (posts, 499), ==, G_N_ELEMENTS (cuts));
  g_assert_cmpuint (g_hash_table_size (posts), ==, 1);
  g_assert_cmpuint (statuses_count (pings, 500), ==, 0);
  g_assert_cmpuint (statuses_count (pings, 200), ==, 1);
  g_assert_cmpuint (g_hash_table_size (pings), ==, 1);

  db = fc_st_open_db (server);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM meals WHERE name = 'Half sent'"),
                   ==, 0);
  whole = g_strconcat (head, body, NULL);
  answer = exchange (server, whole, strlen (whole));
  g_assert_cmpuint (answer_status (answer), ==, 201);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM meals WHERE name = 'Half sent'"),
                   ==, 1);
  fc_sql_close (db);

  g_clear_pointer (&server, fc_test_server_free);
  g_clear_pointer (&posts, g_hash_table_unref);
  posts = log_statuses (log, "POST /api/v1/nutrition/meals/ ");
  g_assert_cmpuint (statuses_count (posts, 201), ==, 1);
  g_assert_cmpuint (statuses_count (posts, 499), ==, G_N_ELEMENTS (cuts));
  g_unlink (log);
  g_unlink (held);
  g_unlink (release);
  g_rmdir (dir);
}

/* A Content-Length that is not one run of digits cannot frame a body (RFC
 * 9112 §6.3): two that differ, a sign, a negative or an overflowing
 * number. Each is answered 400 before any body is read, the connection
 * closed, nothing written, and the server says nothing of it on its
 * stderr but the request's log line (libsoup warned of a negative length,
 * and read the second of two lengths). */
static void
test_bad_content_length (void)
{
  static const char body[] = "{\"name\":\"Badly framed\",\"meal_time_category\":\"LN\","
                             "\"meal_items\":[]}";
  const char *lengths[] = {
    "Content-Length: -5\r\n",
    "Content-Length: 2\r\nContent-Length: 65\r\n",
    "Content-Length: 65\r\nContent-Length: 65\r\n",
    "Content-Length: +65\r\n",
    "Content-Length: 18446744073709551611\r\n",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fitcore-log-XXXXXX", &error);
  g_autofree char *log = g_build_filename (dir, "requests.log", NULL);
  g_autoptr(FcTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) posts = NULL;
  FcSql *db;

  g_assert_no_error (error);
  server = fc_test_server_start_logged (NULL, "[server]\npassword_iterations=1000\n",
                                        (const char *[]) { "--demo", NULL }, log);
  token = fc_st_register (server, "frames@fitcore.test");
  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++) {
    g_autofree char *request = g_strdup_printf ("POST /api/v1/nutrition/meals/ HTTP/1.1\r\n"
                                                "Host: 127.0.0.1\r\n"
                                                "Authorization: Bearer %s\r\n"
                                                "Content-Type: application/json\r\n"
                                                "%sConnection: close\r\n\r\n%s",
                                                token, lengths[i], body);
    g_autoptr(GString) answer = exchange (server, request, strlen (request));

    g_test_message ("%s", lengths[i]);
    g_assert_cmpuint (answer_status (answer), ==, 400);
    g_assert_cmpstr (answer_body (answer), ==,
                     "{\"detail\":\"Content-Length must be one whole number of bytes.\"}");
  }
  assert_ping_answers (server);

  db = fc_st_open_db (server);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM meals WHERE name = 'Badly framed'"),
                   ==, 0);
  fc_sql_close (db);

  g_clear_pointer (&server, fc_test_server_free);
  posts = log_statuses (log, "POST /api/v1/nutrition/meals/ ");
  g_assert_cmpuint (statuses_count (posts, 400), ==, G_N_ELEMENTS (lengths));
  g_assert_cmpuint (g_hash_table_size (posts), ==, 1);
  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  g_assert_null (strstr (text, "WARNING"));
  g_assert_null (strstr (text, "CRITICAL"));
  g_unlink (log);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  fc_st_init_environment ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/transport/huge-content-length", test_huge_content_length);
  g_test_add_func ("/server/transport/huge-chunked-body", test_huge_chunked_body);
  g_test_add_func ("/server/transport/header-timeout", test_header_timeout);
  g_test_add_func ("/server/transport/idle-timeout", test_idle_timeout);
  g_test_add_func ("/server/transport/max-connections", test_max_connections);
  g_test_add_func ("/server/transport/out-of-descriptors", test_out_of_descriptors);
  g_test_add_func ("/server/transport/range-on-json", test_range_on_json);
  g_test_add_func ("/server/transport/range-on-media", test_range_on_media);
  g_test_add_func ("/server/transport/concurrent-uploads-one-key", test_concurrent_uploads_one_key);
  g_test_add_func ("/server/transport/upload-retry-after-hang-up", test_upload_retry_after_hang_up);
  g_test_add_func ("/server/transport/abandoned-request-logged", test_abandoned_request_logged);
  g_test_add_func ("/server/transport/bad-content-length", test_bad_content_length);

  return g_test_run ();
}
