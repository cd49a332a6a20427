/* fc-local-server.c — the bundled fitcore-server, for "use this computer only"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-sync"

#include "config.h"

#include "fc-local-server.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define READY_PREFIX "listening on "
#define START_TIMEOUT_S 20
#define STOP_TIMEOUT_MS 5000

struct _FcLocalServer
{
  GObject           parent_instance;

  /* owned */
  char             *binary;
  char             *data_dir;
  GSubprocess      *process;
  GDataInputStream *lines;
  char             *url;
};

G_DEFINE_FINAL_TYPE (FcLocalServer, fc_local_server, G_TYPE_OBJECT)

typedef struct {
  GSubprocess      *process;
  GDataInputStream *lines;
  GSource          *timeout;
  GString          *printed;
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_object (&data->process);
  g_clear_object (&data->lines);
  if (data->timeout != NULL)
    g_source_destroy (data->timeout);
  g_clear_pointer (&data->timeout, g_source_unref);
  g_string_free (data->printed, TRUE);
  g_free (data);
}

/* Helpers */

#ifdef __linux__
/* The server must not outlive the app, even when the app crashes. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

static GSubprocessLauncher *
new_launcher (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
#endif
  return launcher;
}

static void
on_wait_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits for @process on a private context for at most @timeout_ms, so that
 * a server that ignores SIGTERM cannot hang the app on quit. */
static gboolean
wait_bounded (GSubprocess *process,
              guint        timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  gboolean done = FALSE, timed_out = FALSE;

  g_main_context_push_thread_default (context);
  g_source_set_callback (timeout, on_wait_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  g_subprocess_wait_async (process, NULL, on_wait_done_cb, &done);
  while (!done && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  /* The pending wait completes (as cancelled or done) once the child is
   * reaped; run the context until then so its callback does not outlive
   * @done. */
  if (!done) {
    g_subprocess_force_exit (process);
    while (!done)
      g_main_context_iteration (context, TRUE);
  }
  g_main_context_pop_thread_default (context);
  return !timed_out;
}

/* Callbacks */

static void
on_line_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcLocalServer *self = g_task_get_source_object (task);
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *found;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                    &error);
  if (g_task_return_error_if_cancelled (task)) {
    g_subprocess_force_exit (data->process);
    return;
  }
  if (g_task_had_error (task))
    return;  /* the start timed out */

  if (line == NULL) {
    g_autofree char *printed = g_strstrip (g_strdup (data->printed->str));

    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The local server stopped before it was ready: %s"),
                             error != NULL ? error->message
                                           : *printed != '\0' ? printed : _("no output"));
    return;
  }

  found = strstr (line, READY_PREFIX);
  if (found == NULL) {
    g_string_append_printf (data->printed, "%s\n", line);
    g_data_input_stream_read_line_async (data->lines, G_PRIORITY_DEFAULT,
                                         cancellable, on_line_read_cb,
                                         g_steal_pointer (&task));
    return;
  }

  g_free (self->url);
  self->url = g_strstrip (g_strdup (found + strlen (READY_PREFIX)));
  if (!g_str_has_suffix (self->url, "/")) {
    char *with_slash = g_strconcat (self->url, "/", NULL);

    g_free (self->url);
    self->url = with_slash;
  }
  g_set_object (&self->process, data->process);
  g_set_object (&self->lines, data->lines);
  g_debug ("Local server ready at %s", self->url);
  g_task_return_boolean (task, TRUE);
}

static gboolean
on_start_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  StartData *data = g_task_get_task_data (task);

  g_subprocess_force_exit (data->process);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           _("The local server did not start in time."));
  return G_SOURCE_REMOVE;
}

static void
on_create_account_done_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;

  if (!g_subprocess_communicate_utf8_finish (process, result, NULL, &err_text, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (!g_subprocess_get_successful (process)) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The local account could not be set up: %s"),
                             err_text != NULL ? g_strstrip (err_text) : "");
    return;
  }
  g_task_return_boolean (task, TRUE);
}

/* Overrides */

static void
fc_local_server_finalize (GObject *object)
{
  FcLocalServer *self = (FcLocalServer *) object;

  fc_local_server_stop (self);
  g_free (self->binary);
  g_free (self->data_dir);

  G_OBJECT_CLASS (fc_local_server_parent_class)->finalize (object);
}

static void
fc_local_server_class_init (FcLocalServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fc_local_server_finalize;
}

static void
fc_local_server_init (FcLocalServer *self)
{
}

/* Public API */

FcLocalServer *
fc_local_server_new (const char *binary,
                     const char *data_dir)
{
  FcLocalServer *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (FC_TYPE_LOCAL_SERVER, NULL);
  if (binary == NULL)
    binary = g_getenv ("FITCORE_SERVER");
  if (binary == NULL || *binary == '\0')
    self->binary = g_build_filename (BINDIR, "fitcore-server", NULL);
  else
    self->binary = g_strdup (binary);
  self->data_dir = g_strdup (data_dir);
  return self;
}

const char *
fc_local_server_get_data_dir (FcLocalServer *self)
{
  g_return_val_if_fail (FC_IS_LOCAL_SERVER (self), NULL);

  return self->data_dir;
}

void
fc_local_server_start_async (FcLocalServer       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  StartData *data;

  g_return_if_fail (FC_IS_LOCAL_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_local_server_start_async);

  if (self->process != NULL) {
    g_task_return_boolean (task, TRUE);
    return;
  }
  if (g_mkdir_with_parents (self->data_dir, 0700) != 0) {
    int saved_errno = errno;

    g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                             _("Cannot create the folder for the local server: %s"),
                             g_strerror (saved_errno));
    return;
  }

  launcher = new_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  data = g_new0 (StartData, 1);
  data->printed = g_string_new (NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) start_data_free);
  data->process = g_subprocess_launcher_spawn (launcher, &error, self->binary,
                                               "--bind", "127.0.0.1", "--port", "0",
                                               "--data-dir", self->data_dir, NULL);
  if (data->process == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("Cannot start the local server: %s"), error->message);
    return;
  }

  data->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (data->process));
  data->timeout = g_timeout_source_new_seconds (START_TIMEOUT_S);
  g_source_set_callback (data->timeout, on_start_timeout_cb, task, NULL);
  g_source_set_static_name (data->timeout, "[fitcore] local server start");
  g_source_attach (data->timeout, g_task_get_context (task));
  g_data_input_stream_read_line_async (data->lines, G_PRIORITY_DEFAULT, cancellable,
                                       on_line_read_cb, g_steal_pointer (&task));
}

gboolean
fc_local_server_start_finish (FcLocalServer  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
fc_local_server_get_url (FcLocalServer *self)
{
  g_return_val_if_fail (FC_IS_LOCAL_SERVER (self), NULL);

  return self->process != NULL ? self->url : NULL;
}

void
fc_local_server_stop (FcLocalServer *self)
{
  g_autoptr(GSubprocess) process = NULL;

  g_return_if_fail (FC_IS_LOCAL_SERVER (self));

  process = g_steal_pointer (&self->process);
  g_clear_object (&self->lines);
  g_clear_pointer (&self->url, g_free);
  if (process == NULL || g_subprocess_get_identifier (process) == NULL)
    return;

  g_subprocess_send_signal (process, SIGTERM);
  if (!wait_bounded (process, STOP_TIMEOUT_MS))
    g_warning ("The local server ignored SIGTERM; it was killed");
}

void
fc_local_server_create_account_async (FcLocalServer       *self,
                                      const char          *email,
                                      const char          *password,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;

  g_return_if_fail (FC_IS_LOCAL_SERVER (self));
  g_return_if_fail (email != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_local_server_create_account_async);

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0) {
    int saved_errno = errno;

    g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                             _("Cannot create the folder for the local server: %s"),
                             g_strerror (saved_errno));
    return;
  }

  launcher = new_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                           G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawn (launcher, &error, self->binary,
                                         "--data-dir", self->data_dir,
                                         "--create-staff", email, NULL);
  if (process == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("Cannot start the local server: %s"), error->message);
    return;
  }
  input = g_strconcat (password, "\n", NULL);
  g_subprocess_communicate_utf8_async (process, input, cancellable, on_create_account_done_cb,
                                       g_steal_pointer (&task));
}

gboolean
fc_local_server_create_account_finish (FcLocalServer  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
