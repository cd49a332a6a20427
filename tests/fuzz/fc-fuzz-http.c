/* fc-fuzz-http.c — raw HTTP/1.1 exchanges for the server fuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fc-fuzz-http.h"
#include "fc-json.h"

/* An answer larger than this is amplification enough; stop reading. */
#define MAX_ANSWER (64 * 1024 * 1024)

static int
connect_loopback (guint16 port)
{
  struct sockaddr_in address = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0) {
    close (fd);
    return -1;
  }
  return fd;
}

static gboolean
send_all (int           fd,
          const guint8 *data,
          gsize         length,
          gint64        deadline)
{
  while (length > 0) {
    struct pollfd pfd = { fd, POLLOUT, 0 };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    ssize_t sent;

    if (left <= 0 || poll (&pfd, 1, (int) left) <= 0)
      return FALSE;
    sent = send (fd, data, length, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0 && (errno == EAGAIN || errno == EINTR))
      continue;
    if (sent <= 0)
      return FALSE;
    data += sent;
    length -= sent;
  }
  return TRUE;
}

static const char *
find_crlf2 (const char *data,
            gsize       length)
{
  for (gsize i = 0; i + 3 < length; i++) {
    if (memcmp (data + i, "\r\n\r\n", 4) == 0)
      return data + i;
  }
  return NULL;
}

/* Decodes a chunked body; FALSE while it is incomplete or malformed. */
static gboolean
dechunk (const char  *data,
         gsize        length,
         GByteArray  *out)
{
  gsize at = 0;

  g_byte_array_set_size (out, 0);
  for (;;) {
    const char *line_end = g_strstr_len (data + at, length - at, "\r\n");
    guint64 size;
    char *end = NULL;

    if (line_end == NULL)
      return FALSE;
    size = g_ascii_strtoull (data + at, &end, 16);
    if (end == data + at)
      return FALSE;
    at = line_end - data + 2;
    if (size == 0)
      return TRUE;  /* trailers, if any, do not matter here */
    if (size > length - at || length - at - size < 2)
      return FALSE;
    g_byte_array_append (out, (const guint8 *) data + at, size);
    at += size + 2;
  }
}

/* Parses what has arrived; TRUE once the answer is complete. */
static gboolean
parse_answer (FcFuzzAnswer *answer,
              GByteArray   *buffer,
              gboolean      head,
              gboolean      at_eof)
{
  const char *data = (const char *) buffer->data;
  const char *end;
  gsize header_length;
  g_auto(GStrv) lines = NULL;
  g_autofree char *headers = NULL;
  gint64 content_length = -1;
  gboolean chunked = FALSE;

  end = find_crlf2 (data, buffer->len);
  if (end == NULL)
    return FALSE;
  header_length = end - data + 4;
  headers = g_strndup (data, end - data);
  lines = g_strsplit (headers, "\r\n", -1);
  if (!g_str_has_prefix (lines[0], "HTTP/1.") || strlen (lines[0]) < 12)
    return at_eof;

  answer->status = (guint) g_ascii_strtoull (lines[0] + 9, NULL, 10);
  /* An interim 100 Continue: the real answer follows. */
  if (answer->status == 100) {
    g_byte_array_remove_range (buffer, 0, header_length);
    answer->status = 0;
    return parse_answer (answer, buffer, head, at_eof);
  }
  answer->answered = TRUE;
  for (guint i = 1; lines[i] != NULL; i++) {
    char *colon = strchr (lines[i], ':');
    g_autofree char *name = NULL;
    const char *value;

    if (colon == NULL)
      continue;
    name = g_ascii_strdown (lines[i], colon - lines[i]);
    value = colon + 1;
    while (*value == ' ' || *value == '\t')
      value++;
    if (g_str_equal (name, "content-length"))
      content_length = g_ascii_strtoll (value, NULL, 10);
    else if (g_str_equal (name, "transfer-encoding") && strstr (value, "chunked") != NULL)
      chunked = TRUE;
    else if (g_str_equal (name, "content-type")) {
      g_free (answer->content_type);
      answer->content_type = g_ascii_strdown (value, strcspn (value, "; "));
    }
  }

  if (head || answer->status == 204 || answer->status == 304) {
    answer->body = g_bytes_new (NULL, 0);
    return TRUE;
  }
  if (chunked) {
    g_autoptr(GByteArray) body = g_byte_array_new ();

    if (!dechunk (data + header_length, buffer->len - header_length, body))
      return at_eof;
    answer->body = g_byte_array_free_to_bytes (g_steal_pointer (&body));
    return TRUE;
  }
  if (content_length >= 0) {
    if ((gint64) (buffer->len - header_length) < content_length)
      return at_eof;
    answer->body = g_bytes_new (data + header_length, content_length);
    return TRUE;
  }
  if (!at_eof)
    return FALSE;
  answer->body = g_bytes_new (data + header_length, buffer->len - header_length);
  return TRUE;
}

FcFuzzAnswer *
fc_fuzz_http_exchange (guint16     port,
                       GPtrArray  *pieces,
                       guint       pause_ms,
                       gboolean    head,
                       guint       timeout_ms,
                       int        *keep_fd)
{
  FcFuzzAnswer *answer = g_new0 (FcFuzzAnswer, 1);
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  gint64 start = g_get_monotonic_time ();
  gint64 deadline;
  gboolean at_eof = FALSE;
  int fd;

  if (keep_fd != NULL)
    *keep_fd = -1;
  fd = connect_loopback (port);
  if (fd < 0)
    return answer;
  answer->connected = TRUE;

  answer->sent_all = TRUE;
  for (guint i = 0; i < pieces->len; i++) {
    GBytes *piece = g_ptr_array_index (pieces, i);
    gsize size;
    const guint8 *data = g_bytes_get_data (piece, &size);

    if (i > 0 && pause_ms > 0)
      g_usleep (pause_ms * 1000);
    /* A server that refuses early (413 from the headers) may close while we
     * still send: read its answer anyway. */
    if (!send_all (fd, data, size, g_get_monotonic_time () + timeout_ms * 1000)) {
      answer->sent_all = FALSE;
      break;
    }
  }

  deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  while (!answer->complete) {
    struct pollfd pfd = { fd, POLLIN, 0 };
    gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
    guint8 chunk[65536];
    ssize_t got;
    int ready;

    if (left <= 0) {
      answer->timed_out = TRUE;
      break;
    }
    ready = poll (&pfd, 1, (int) left);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0) {
      answer->timed_out = TRUE;
      break;
    }
    got = recv (fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
      continue;
    if (got <= 0) {
      at_eof = TRUE;
      answer->closed = TRUE;
    } else {
      g_byte_array_append (buffer, chunk, got);
      answer->received += got;
      if (answer->received > MAX_ANSWER)
        at_eof = TRUE;
    }
    g_clear_pointer (&answer->body, g_bytes_unref);
    answer->complete = parse_answer (answer, buffer, head, at_eof);
    if (at_eof)
      break;
  }
  answer->seconds = (g_get_monotonic_time () - start) / 1e6;

  if (keep_fd != NULL)
    *keep_fd = fd;
  else
    close (fd);
  return answer;
}

void
fc_fuzz_answer_free (FcFuzzAnswer *answer)
{
  if (answer == NULL)
    return;
  g_free (answer->content_type);
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_free (answer);
}

gboolean
fc_fuzz_answer_json_ok (const char *content_type,
                        GBytes     *body)
{
  g_autoptr(JsonNode) node = NULL;
  gsize size = 0;
  const char *data;

  if (content_type == NULL || body == NULL || !g_str_equal (content_type, "application/json"))
    return TRUE;
  data = g_bytes_get_data (body, &size);
  if (size == 0)
    return TRUE;
  if (!g_utf8_validate (data, size, NULL))
    return FALSE;
  node = fc_json_parse (data, size, NULL);
  return node != NULL;
}
