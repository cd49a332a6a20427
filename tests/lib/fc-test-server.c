/* fc-test-server.c — run the real fitcore-server for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include "fc-json.h"
#include "fc-test-pg.h"
#include "fc-test-server.h"

#define READY_PREFIX "listening on "
#define START_TIMEOUT_S 20

typedef struct {
  GMainLoop  *loop;
  GString    *text;
  char       *url;
  gboolean    eof;
} ReadState;

static void
on_line_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ReadState *state = user_data;
  g_autofree char *line = NULL;
  const char *found;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                    NULL, NULL);
  if (line == NULL) {
    state->eof = TRUE;
    g_main_loop_quit (state->loop);
    return;
  }

  g_string_append_printf (state->text, "%s\n", line);
  found = strstr (line, READY_PREFIX);
  if (found != NULL) {
    g_autofree char *url = g_strdup (found + strlen (READY_PREFIX));

    g_strstrip (url);
    if (g_str_has_suffix (url, "/"))
      url[strlen (url) - 1] = '\0';
    state->url = g_steal_pointer (&url);
    g_main_loop_quit (state->loop);
    return;
  }

  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL,
                                       on_line_read_cb, state);
}

/* If the test dies (a failed assertion aborts it), its servers must die with
 * it: an orphan keeps the test's stderr open and meson then waits for the
 * test's full timeout before it reports anything. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The database of the server in @data_dir: the one an earlier server there
 * used, or a new one. The test server, not the FcTestPg, decides when it is
 * dropped (fc_test_server_free()). */
static FcTestPg *
open_pg_database (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "test-database", NULL);
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  FcTestPg *pg;

  if (g_file_get_contents (path, &name, NULL, NULL))
    return fc_test_pg_open (g_strstrip (name));

  pg = fc_test_pg_new ();
  fc_test_pg_set_drop_on_free (pg, FALSE);
  g_file_set_contents (path, fc_test_pg_get_name (pg), -1, &error);
  g_assert_no_error (error);
  return pg;
}

static gboolean
on_start_timeout_cb (gpointer user_data)
{
  ReadState *state = user_data;

  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

static FcTestServer *
start_full (const char          *data_dir,
            const char          *config,
            const char * const  *extra_args,
            const char          *log_path)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  FcTestServer *self;
  const char *binary = g_getenv ("FITCORE_SERVER");
  ReadState state = { 0 };
  GSource *timeout;

  g_assert_nonnull (binary);

  self = g_new0 (FcTestServer, 1);
  self->data_dir = g_strdup (data_dir);

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "--bind");
  g_ptr_array_add (argv, (gpointer) "127.0.0.1");
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  if (fc_test_pg_wanted ()) {
    self->pg = open_pg_database (self->data_dir);
    self->database_uri = g_strdup (fc_test_pg_get_uri (self->pg));
    g_ptr_array_add (argv, (gpointer) "--database");
    g_ptr_array_add (argv, self->database_uri);
  }
  if (config != NULL) {
    self->config_path = g_build_filename (self->data_dir, "test-config.ini", NULL);
    g_assert_true (g_file_set_contents (self->config_path, config, -1, &error));
    g_assert_no_error (error);
    g_ptr_array_add (argv, (gpointer) "--config");
    g_ptr_array_add (argv, self->config_path);
  }
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Appended to (GSubprocess would write from its start): a restart adds
   * to the same log, and the workers' lines never overwrite each other. */
  if (log_path != NULL) {
    int fd = g_open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

    g_assert_cmpint (fd, >=, 0);
    g_subprocess_launcher_take_stderr_fd (launcher, fd);
  }
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                &error);
  g_assert_no_error (error);

  /* Wait for the ready line on a private context so a test's own loop is
   * never run behind its back. */
  g_main_context_push_thread_default (context);
  state.loop = g_main_loop_new (context, FALSE);
  state.text = g_string_new (NULL);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line_read_cb, &state);
  timeout = g_timeout_source_new_seconds (START_TIMEOUT_S);
  g_source_set_callback (timeout, on_start_timeout_cb, &state, NULL);
  g_source_attach (timeout, context);
  g_main_loop_run (state.loop);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_main_loop_unref (state.loop);
  g_main_context_pop_thread_default (context);

  self->stdout_text = g_string_free (state.text, FALSE);
  if (state.url == NULL)
    g_error ("fitcore-server did not become ready (eof=%d); it printed:\n%s", state.eof,
             self->stdout_text);
  self->base_url = state.url;

  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 5, NULL);
  return self;
}

static gboolean
on_flag_deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
fc_test_run_until (const gboolean *flag,
                   guint           seconds)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  GSource *deadline = g_timeout_source_new_seconds (seconds);
  gboolean expired = FALSE;

  g_source_set_callback (deadline, on_flag_deadline_cb, &expired, NULL);
  g_source_attach (deadline, context);
  while (!*flag && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (deadline);
  g_source_unref (deadline);
  g_main_context_unref (context);
  return *flag;
}

FcTestServer *
fc_test_server_start_in (const char          *data_dir,
                         const char          *config,
                         const char * const  *extra_args)
{
  return start_full (data_dir, config, extra_args, NULL);
}

FcTestServer *
fc_test_server_start_logged (const char          *data_dir,
                             const char          *config,
                             const char * const  *extra_args,
                             const char          *log_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  FcTestServer *self;

  if (data_dir != NULL)
    return start_full (data_dir, config, extra_args, log_path);

  dir = g_dir_make_tmp ("fitcore-test-XXXXXX", &error);
  g_assert_no_error (error);
  self = start_full (dir, config, extra_args, log_path);
  self->owns_data_dir = TRUE;
  return self;
}

FcTestServer *
fc_test_server_start (const char          *config,
                      const char * const  *extra_args)
{
  return fc_test_server_start_logged (NULL, config, extra_args, NULL);
}

int
fc_test_server_stop (FcTestServer *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (self->process != NULL, -1);

  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (self->process)
         ? g_subprocess_get_exit_status (self->process) : -1;
}

void
fc_test_server_kill (FcTestServer *self)
{
  g_return_if_fail (self->process != NULL);

  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL) {
    while ((name = g_dir_read_name (dir)) != NULL) {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  }
  g_rmdir (path);
}

void
fc_test_server_free (FcTestServer *self)
{
  if (self == NULL)
    return;

  if (self->process != NULL && g_subprocess_get_identifier (self->process) != NULL)
    fc_test_server_kill (self);
  g_clear_object (&self->process);
  g_clear_object (&self->session);
  if (self->pg != NULL && self->owns_data_dir)
    fc_test_pg_drop (self->pg);
  g_clear_pointer (&self->pg, fc_test_pg_free);
  g_free (self->database_uri);
  if (self->owns_data_dir)
    remove_tree (self->data_dir);
  g_free (self->data_dir);
  g_free (self->config_path);
  g_free (self->base_url);
  g_free (self->stdout_text);
  g_free (self);
}

FcTestResponse *
fc_test_request_full (FcTestServer        *self,
                      const char          *method,
                      const char          *path,
                      const char * const  *headers,
                      const char          *content_type,
                      GBytes              *body)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  FcTestResponse *response;
  const char *type;

  g_assert_nonnull (message);

  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (message), headers[i],
                                  headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, content_type, body);

  response = g_new0 (FcTestResponse, 1);
  response->body = soup_session_send_and_read (self->session, message, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (message);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (message));

  type = soup_message_headers_get_content_type (response->headers, NULL);
  if (type != NULL && g_str_equal (type, "application/json")) {
    gsize size;
    const char *data = g_bytes_get_data (response->body, &size);

    response->json = fc_json_parse (data, size, NULL);
  }

  return response;
}

FcTestResponse *
fc_test_request (FcTestServer *self,
                 const char   *method,
                 const char   *path,
                 const char   *token,
                 const char   *json)
{
  g_autofree char *authorization = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *headers[3] = { NULL, NULL, NULL };

  if (token != NULL) {
    authorization = g_strdup_printf ("Bearer %s", token);
    headers[0] = "Authorization";
    headers[1] = authorization;
  }
  if (json != NULL)
    body = g_bytes_new (json, strlen (json));

  return fc_test_request_full (self, method, path, headers, "application/json", body);
}

void
fc_test_response_free (FcTestResponse *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->json, json_node_unref);
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_free (self);
}

JsonObject *
fc_test_response_object (FcTestResponse *self)
{
  if (self->json == NULL || !JSON_NODE_HOLDS_OBJECT (self->json)) {
    gsize size = 0;
    const char *data = self->body ? g_bytes_get_data (self->body, &size) : "";

    g_error ("expected a JSON object (status %u), got: %.*s", self->status, (int) size, data);
  }
  return json_node_get_object (self->json);
}

char *
fc_test_response_cookie (FcTestResponse *self,
                         const char     *name)
{
  SoupMessageHeadersIter iter;
  const char *header, *value;

  /* libsoup 3 parses Set-Cookie only from a SoupMessage, and we keep just
   * the headers: read them one by one. */
  soup_message_headers_iter_init (&iter, self->headers);
  while (soup_message_headers_iter_next (&iter, &header, &value)) {
    g_autoptr(SoupCookie) cookie = NULL;

    if (g_ascii_strcasecmp (header, "Set-Cookie") != 0)
      continue;
    cookie = soup_cookie_parse (value, NULL);
    if (cookie != NULL && g_str_equal (soup_cookie_get_name (cookie), name))
      return g_strdup (soup_cookie_get_value (cookie));
  }
  return NULL;
}

char *
fc_test_register (FcTestServer  *self,
                  const char    *email,
                  const char    *password,
                  char         **refresh)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FcTestResponse) response = NULL;
  g_autofree char *body = NULL;
  JsonObject *object;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password1");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "password2");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "first_name");
  json_builder_add_string_value (builder, "Test");
  json_builder_set_member_name (builder, "last_name");
  json_builder_add_string_value (builder, "User");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  body = fc_json_to_string (node, FALSE);

  response = fc_test_request (self, "POST", "/api/v1/auth/registration/", NULL, body);
  g_assert_cmpuint (response->status, ==, 201);
  object = fc_test_response_object (response);
  if (refresh != NULL)
    *refresh = g_strdup (fc_json_get_string (object, "refresh"));
  g_assert_nonnull (fc_json_get_string (object, "access"));
  return g_strdup (fc_json_get_string (object, "access"));
}

char *
fc_test_login (FcTestServer  *self,
               const char    *email,
               const char    *password,
               char         **refresh)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FcTestResponse) response = NULL;
  g_autofree char *body = NULL;
  JsonObject *object;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  body = fc_json_to_string (node, FALSE);

  response = fc_test_request (self, "POST", "/api/v1/auth/oauth/login/", NULL, body);
  g_assert_cmpuint (response->status, ==, 200);
  object = fc_test_response_object (response);
  if (refresh != NULL)
    *refresh = fc_test_response_cookie (response, "fitcore-refresh-token");
  g_assert_nonnull (fc_json_get_string (object, "access"));
  return g_strdup (fc_json_get_string (object, "access"));
}

GSocketConnection *
fc_test_connect_raw (const char *base_url)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  const char *port = strrchr (base_url, ':') + 1;
  GSocketConnection *connection =
    g_socket_client_connect_to_host (client, "127.0.0.1", g_ascii_strtoll (port, NULL, 10), NULL,
                                     &error);

  g_assert_no_error (error);
  return connection;
}

void
fc_test_write_all (GSocketConnection *connection,
                   const void        *data,
                   gsize              size)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  g_output_stream_write_all (out, data, size, NULL, NULL, &error);
  g_assert_no_error (error);
}

guint
fc_test_read_status (GSocketConnection *connection)
{
  g_autoptr(GError) error = NULL;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  char buffer[1024] = { 0 };
  gsize got = 0;

  while (got < sizeof buffer - 1 && strstr (buffer, "\r\n") == NULL) {
    gssize n = g_input_stream_read (in, buffer + got, sizeof buffer - 1 - got, NULL, &error);

    g_assert_no_error (error);
    if (n <= 0)
      break;
    got += n;
  }
  g_assert_true (g_str_has_prefix (buffer, "HTTP/1.1 "));
  return g_ascii_strtoull (buffer + strlen ("HTTP/1.1 "), NULL, 10);
}
