/* fc-server-test-util.c — shared steps of the server integration tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fc-json.h"
#include "fc-server-test-util.h"

void
fc_st_init_environment (void)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
}

FcTestServer *
fc_st_start (const char *extra,
             gboolean    demo)
{
  g_autofree char *config = g_strdup_printf ("[server]\npassword_iterations=1000\n%s\n",
                                             extra != NULL ? extra : "");
  const char * const demo_args[] = { "--demo", NULL };

  return fc_test_server_start (config, demo ? demo_args : NULL);
}

char *
fc_st_body (FcTestResponse *response)
{
  gsize size = 0;
  const char *data = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;

  return g_strndup (data != NULL ? data : "", size);
}

void
fc_st_assert_response (FcTestResponse *response,
                       guint           status,
                       const char     *body)
{
  g_autofree char *text = fc_st_body (response);

  g_assert_cmpstr (text, ==, body);
  g_assert_cmpuint (response->status, ==, status);
}

FcTestResponse *
fc_st_request (FcTestServer *server,
               const char   *method,
               const char   *path,
               const char   *token,
               const char   *json,
               ...)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;
  const char *name;
  va_list args;

  if (token != NULL) {
    g_ptr_array_add (headers, g_strdup ("Authorization"));
    g_ptr_array_add (headers, g_strdup_printf ("Bearer %s", token));
  }
  va_start (args, json);
  while ((name = va_arg (args, const char *)) != NULL) {
    g_ptr_array_add (headers, g_strdup (name));
    g_ptr_array_add (headers, g_strdup (va_arg (args, const char *)));
  }
  va_end (args);
  g_ptr_array_add (headers, NULL);

  return fc_test_request_full (server, method, path, (const char * const *) headers->pdata,
                               "application/json", body);
}

typedef struct {
  GPtrArray *values;
} CookieCollector;

static void
collect_cookie (const char *name,
                const char *value,
                gpointer    user_data)
{
  GPtrArray *values = user_data;

  if (g_ascii_strcasecmp (name, "Set-Cookie") == 0)
    g_ptr_array_add (values, g_strdup (value));
}

GPtrArray *
fc_st_set_cookies (FcTestResponse *response)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  soup_message_headers_foreach (response->headers, collect_cookie, values);
  return values;
}

FcSql *
fc_st_open_db (FcTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "fitcore.db", NULL);
  g_autoptr(GError) error = NULL;
  FcSql *db;

  /* The server has migrated it already: this opening changes nothing. */
  db = fc_sql_open (server->database_uri != NULL ? server->database_uri : path,
                    FC_SQL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  fc_sql_set_busy_timeout (db, 5000);
  return db;
}

gint64
fc_st_query_int (FcSql      *db,
                 const char *sql)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, sql);

  g_assert_nonnull (stmt);
  if (fc_sql_step (stmt) != FC_SQL_ROW)
    g_error ("%s: %s", sql, fc_sql_errmsg (db));
  return fc_sql_column_int64 (stmt, 0);
}

void
fc_st_exec (FcSql      *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;

  fc_sql_exec (db, sql, &error);
  g_assert_no_error (error);
}

gint64
fc_st_jwt_claim (const char *token,
                 const char *claim)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autoptr(GString) padded = NULL;
  g_autofree guchar *json = NULL;
  g_autoptr(JsonObject) payload = NULL;
  gsize length = 0;
  gint64 value = -1;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  padded = g_string_new (parts[1]);
  g_strdelimit (padded->str, "-", '+');
  g_strdelimit (padded->str, "_", '/');
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');
  json = g_base64_decode (padded->str, &length);
  payload = fc_json_parse_object ((const char *) json, length, NULL);
  g_assert_nonnull (payload);
  g_assert_true (fc_json_get_int (payload, claim, &value));
  return value;
}

char *
fc_st_register (FcTestServer *server,
                const char   *email)
{
  return fc_test_register (server, email, FC_ST_PASSWORD, NULL);
}

char *
fc_st_b64url (const char *text)
{
  char *out = g_base64_encode ((const guchar *) text, strlen (text));
  gsize n = strlen (out);

  while (n > 0 && out[n - 1] == '=')
    out[--n] = '\0';
  g_strdelimit (out, "+", '-');
  g_strdelimit (out, "/", '_');
  return out;
}

char *
fc_st_jwt_sign (const char *secret,
                const char *header,
                const char *payload)
{
  g_autofree char *header64 = fc_st_b64url (header);
  g_autofree char *payload64 = fc_st_b64url (payload);
  g_autofree char *input = g_strconcat (header64, ".", payload64, NULL);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *signature = NULL;

  g_hmac_update (hmac, (const guchar *) input, -1);
  g_hmac_get_digest (hmac, digest, &length);
  signature = g_base64_encode (digest, length);
  g_strdelimit (signature, "+", '-');
  g_strdelimit (signature, "/", '_');
  signature[strcspn (signature, "=")] = '\0';
  return g_strconcat (input, ".", signature, NULL);
}

FcStRaw *
fc_st_raw_send (FcTestServer *server,
                const char   *local_ip,
                const char   *request,
                gsize         length)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (server->base_url, G_URI_FLAGS_NONE, NULL);
  FcStRaw *raw = g_new0 (FcStRaw, 1);
  GInputStream *input;
  const guint8 *end;
  guint8 buffer[16384];
  gssize n;

  g_socket_client_set_timeout (client, 60);
  if (local_ip != NULL) {
    g_autoptr(GInetAddress) address = g_inet_address_new_from_string (local_ip);
    g_autoptr(GSocketAddress) local = g_inet_socket_address_new (address, 0);

    g_socket_client_set_local_address (client, local);
  }
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri),
                                                NULL, &error);
  g_assert_no_error (error);

  /* A server that dies or hangs up part way through is an answer too: no
   * status. */
  if (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                                 length, NULL, NULL, NULL)) {
    input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
    while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL)) > 0)
      g_byte_array_append (received, buffer, n);
  }

  end = received->len > 0 ? (const guint8 *) g_strstr_len ((const char *) received->data,
                                                          received->len, "\r\n\r\n")
                          : NULL;
  if (end == NULL) {
    raw->head = g_strndup ((const char *) received->data, received->len);
    raw->body = g_bytes_new (NULL, 0);
    return raw;
  }
  raw->head = g_strndup ((const char *) received->data, end - received->data);
  raw->body = g_bytes_new (end + 4, received->len - (end + 4 - received->data));
  if (g_str_has_prefix (raw->head, "HTTP/1.1 "))
    raw->status = g_ascii_strtoull (raw->head + 9, NULL, 10);
  return raw;
}

FcStRaw *
fc_st_raw_post (FcTestServer *server,
                const char   *local_ip,
                const char   *path,
                const char   *extra_headers,
                const char   *body,
                gsize         length)
{
  g_autoptr(GString) request = g_string_new (NULL);

  g_string_append_printf (request, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT
                          "\r\nConnection: close\r\n%s\r\n",
                          path, length, extra_headers != NULL ? extra_headers : "");
  g_string_append_len (request, body, length);
  return fc_st_raw_send (server, local_ip, request->str, request->len);
}

char *
fc_st_raw_header (FcStRaw    *raw,
                  const char *name)
{
  g_auto(GStrv) lines = g_strsplit (raw->head, "\r\n", -1);
  gsize name_length = strlen (name);

  for (guint i = 1; lines[i] != NULL; i++) {
    if (g_ascii_strncasecmp (lines[i], name, name_length) == 0 && lines[i][name_length] == ':')
      return g_strstrip (g_strdup (lines[i] + name_length + 1));
  }
  return NULL;
}

void
fc_st_raw_free (FcStRaw *raw)
{
  if (raw == NULL)
    return;
  g_free (raw->head);
  g_bytes_unref (raw->body);
  g_free (raw);
}

typedef struct {
  FcTestServer *server;
  FcStAttempt  *attempt;
} AttemptThread;

static gpointer
attempt_thread (gpointer data)
{
  AttemptThread *thread = data;
  FcStAttempt *attempt = thread->attempt;
  g_autoptr(FcStRaw) raw = NULL;
  g_autofree char *retry_after = NULL;
  gint64 start;

  if (attempt->delay_us > 0)
    g_usleep (attempt->delay_us);
  start = g_get_monotonic_time ();
  raw = fc_st_raw_post (thread->server, attempt->local_ip, attempt->path, NULL, attempt->body,
                        strlen (attempt->body));
  attempt->latency_us = g_get_monotonic_time () - start;
  attempt->status = raw->status;
  retry_after = fc_st_raw_header (raw, "Retry-After");
  attempt->retry_after = retry_after != NULL ? g_ascii_strtoll (retry_after, NULL, 10) : 0;
  return NULL;
}

void
fc_st_raw_post_all (FcTestServer *server,
                    FcStAttempt  *attempts,
                    guint         n)
{
  g_autofree AttemptThread *data = g_new0 (AttemptThread, n);
  g_autofree GThread **threads = g_new0 (GThread *, n);

  for (guint i = 0; i < n; i++) {
    data[i].server = server;
    data[i].attempt = &attempts[i];
    threads[i] = g_thread_new ("attempt", attempt_thread, &data[i]);
  }
  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);
}

guint
fc_st_attempts_count (FcStAttempt *attempts,
                      guint        n,
                      guint        status)
{
  guint count = 0;

  for (guint i = 0; i < n; i++)
    count += attempts[i].status == status;
  return count;
}
