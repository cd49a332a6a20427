/* fc-server-workers.c — fitcore-server as a supervisor of worker processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "fc-server-workers.h"

/* Where a worker finds what the supervisor hands it. */
#define WORKER_SOCKET_FD 3
#define WORKER_READY_FD 4
#define WORKER_LOCK_FD 5
/* A worker that dies sooner than this after its start died young: the
 * next start waits, twice as long each time, from the minimum to the
 * maximum, so a crash loop does not spin. */
#define YOUNG_S 10
#define RESTART_MIN_MS 100
#define RESTART_MAX_MS 10000
/* This many workers in a row dying before any was ready: they cannot
 * start at all. */
#define MAX_START_FAILURES 5
/* After SIGTERM, how long workers get to finish their requests (the
 * server's own grace is 10 s) before SIGKILL. */
#define STOP_GRACE_S 15
/* Tests: the longest a held request waits. */
#define HOLD_MAX_S 60

typedef struct {
  FcServerWorkers *self;          /* borrowed */
  GSubprocess     *process;
  GInputStream    *ready;         /* the read end of its ready pipe */
  GCancellable    *cancellable;   /* its ready read and wait */
  gint64           started_us;
  guint            restart_id;
  guint            restart_ms;
  guint            index;
  char             pid[16];
} Worker;

struct _FcServerWorkers {
  GObject      parent_instance;

  /* owned */
  GSocket     *socket;
  GStrv        worker_args;
  GPtrArray   *workers;           /* Worker */
  GTask       *start_task;
  GTask       *stop_task;
  guint        kill_id;

  int          lock_fd;           /* borrowed; -1: none */
  pid_t        pid;
  guint        start_failures;
  gboolean     any_ready;
  gboolean     stopping;
};

G_DEFINE_FINAL_TYPE (FcServerWorkers, fc_server_workers, G_TYPE_OBJECT)

static void spawn_worker (Worker *worker);

static void
worker_free (gpointer data)
{
  Worker *worker = data;

  g_cancellable_cancel (worker->cancellable);
  g_clear_object (&worker->cancellable);
  g_clear_handle_id (&worker->restart_id, g_source_remove);
  g_clear_object (&worker->ready);
  g_clear_object (&worker->process);
  g_free (worker);
}

static guint
count_running (FcServerWorkers *self)
{
  guint n = 0;

  for (guint i = 0; i < self->workers->len; i++) {
    Worker *worker = g_ptr_array_index (self->workers, i);

    if (worker->process != NULL)
      n++;
  }
  return n;
}

static void
signal_all (FcServerWorkers *self,
            int              signum)
{
  for (guint i = 0; i < self->workers->len; i++) {
    Worker *worker = g_ptr_array_index (self->workers, i);

    g_clear_handle_id (&worker->restart_id, g_source_remove);
    if (worker->process != NULL)
      g_subprocess_send_signal (worker->process, signum);
  }
}

static void
maybe_stopped (FcServerWorkers *self)
{
  if (!self->stopping || count_running (self) > 0)
    return;
  g_clear_handle_id (&self->kill_id, g_source_remove);
  if (self->start_task != NULL)
    g_task_return_new_error (g_steal_pointer (&self->start_task), G_IO_ERROR,
                             G_IO_ERROR_CANCELLED, "Stopped before a worker was ready");
  if (self->stop_task != NULL)
    g_task_return_boolean (g_steal_pointer (&self->stop_task), TRUE);
}

static void
begin_stop (FcServerWorkers *self)
{
  self->stopping = TRUE;
  /* The workers hold the socket too: the port closes with the last. */
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  signal_all (self, SIGTERM);
}

static gboolean
on_restart_cb (gpointer user_data)
{
  Worker *worker = user_data;

  worker->restart_id = 0;
  spawn_worker (worker);
  return G_SOURCE_REMOVE;
}

static void
on_worker_exited_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  Worker *worker;
  FcServerWorkers *self;
  gboolean young;

  if (!g_subprocess_wait_finish (process, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  worker = user_data;
  self = worker->self;
  young = g_get_monotonic_time () - worker->started_us < YOUNG_S * G_USEC_PER_SEC;

  if (!self->stopping) {
    if (g_subprocess_get_if_signaled (process))
      g_printerr ("fitcore-server: worker %u (pid %s) killed by signal %d\n", worker->index,
                  worker->pid, g_subprocess_get_term_sig (process));
    else
      g_printerr ("fitcore-server: worker %u (pid %s) exited with status %d\n", worker->index,
                  worker->pid, g_subprocess_get_exit_status (process));
  }
  g_cancellable_cancel (worker->cancellable);
  g_clear_object (&worker->cancellable);
  g_clear_object (&worker->ready);
  g_clear_object (&worker->process);

  if (self->stopping) {
    maybe_stopped (self);
    return;
  }

  if (!self->any_ready && ++self->start_failures >= MAX_START_FAILURES) {
    begin_stop (self);
    if (self->start_task != NULL)
      g_task_return_new_error (g_steal_pointer (&self->start_task), G_IO_ERROR, G_IO_ERROR_FAILED,
                               "%u workers in a row exited before they served anything",
                               self->start_failures);
    maybe_stopped (self);
    return;
  }

  worker->restart_ms = young ? CLAMP (worker->restart_ms * 2, RESTART_MIN_MS, RESTART_MAX_MS)
                             : RESTART_MIN_MS;
  worker->restart_id = g_timeout_add (worker->restart_ms, on_restart_cb, worker);
}

static void
on_worker_ready_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              NULL);
  Worker *worker = user_data;
  FcServerWorkers *self;

  /* Nothing read: the worker died before it listened (its exit is
   * handled by on_worker_exited_cb), or it was cancelled. */
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return;
  self = worker->self;
  self->any_ready = TRUE;
  self->start_failures = 0;
  if (self->start_task != NULL)
    g_task_return_boolean (g_steal_pointer (&self->start_task), TRUE);
}

/* Runs in the child between fork and exec: only async-signal-safe calls. */
static void
child_setup (gpointer user_data)
{
  pid_t supervisor = GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  /* The supervisor died before the line above: nobody would tell us. */
  if (getppid () != supervisor)
    _exit (1);
}

static void
spawn_worker (Worker *worker)
{
  FcServerWorkers *self = worker->self;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int socket_fd;
  int lock_fd = -1;
  int ready[2];

  if (self->stopping)
    return;

  socket_fd = fcntl (g_socket_get_fd (self->socket), F_DUPFD_CLOEXEC, 0);
  if (socket_fd >= 0 && self->lock_fd >= 0)
    lock_fd = fcntl (self->lock_fd, F_DUPFD_CLOEXEC, 0);
  if (socket_fd < 0 || (self->lock_fd >= 0 && lock_fd < 0) ||
      !g_unix_open_pipe (ready, FD_CLOEXEC, &error)) {
    g_printerr ("fitcore-server: cannot start worker %u: %s\n", worker->index,
                error != NULL ? error->message : g_strerror (errno));
    if (socket_fd >= 0)
      close (socket_fd);
    if (lock_fd >= 0)
      close (lock_fd);
    worker->restart_ms = CLAMP (worker->restart_ms * 2, RESTART_MIN_MS, RESTART_MAX_MS);
    worker->restart_id = g_timeout_add (worker->restart_ms, on_restart_cb, worker);
    return;
  }

  /* The binary this process runs, even if a package upgrade has replaced
   * the file since: supervisor and workers stay one version. */
  g_ptr_array_add (argv, g_strdup ("/proc/self/exe"));
  for (guint i = 0; self->worker_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (self->worker_args[i]));
  g_ptr_array_add (argv, g_strdup ("--worker-fd"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", WORKER_SOCKET_FD));
  g_ptr_array_add (argv, g_strdup ("--worker-ready-fd"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", WORKER_READY_FD));
  if (lock_fd >= 0) {
    g_ptr_array_add (argv, g_strdup ("--worker-lock-fd"));
    g_ptr_array_add (argv, g_strdup_printf ("%d", WORKER_LOCK_FD));
  }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_fd (launcher, socket_fd, WORKER_SOCKET_FD);
  g_subprocess_launcher_take_fd (launcher, ready[1], WORKER_READY_FD);
  if (lock_fd >= 0)
    g_subprocess_launcher_take_fd (launcher, lock_fd, WORKER_LOCK_FD);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER (self->pid), NULL);
  worker->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                  &error);
  /* The launcher closes its descriptors when it goes; ours now. */
  g_clear_object (&launcher);
  if (worker->process == NULL) {
    g_printerr ("fitcore-server: cannot start worker %u: %s\n", worker->index, error->message);
    close (ready[0]);
    worker->restart_ms = CLAMP (worker->restart_ms * 2, RESTART_MIN_MS, RESTART_MAX_MS);
    worker->restart_id = g_timeout_add (worker->restart_ms, on_restart_cb, worker);
    return;
  }

  worker->started_us = g_get_monotonic_time ();
  g_strlcpy (worker->pid, g_subprocess_get_identifier (worker->process), sizeof worker->pid);
  worker->cancellable = g_cancellable_new ();
  worker->ready = g_unix_input_stream_new (ready[0], TRUE);
  g_input_stream_read_bytes_async (worker->ready, 1, G_PRIORITY_DEFAULT, worker->cancellable,
                                   on_worker_ready_cb, worker);
  g_subprocess_wait_async (worker->process, worker->cancellable, on_worker_exited_cb, worker);
}

static gboolean
on_kill_timeout_cb (gpointer user_data)
{
  FcServerWorkers *self = FC_SERVER_WORKERS (user_data);

  self->kill_id = 0;
  g_printerr ("fitcore-server: %u workers still running after %d s; killing them\n",
              count_running (self), STOP_GRACE_S);
  signal_all (self, SIGKILL);
  return G_SOURCE_REMOVE;
}

static void
fc_server_workers_dispose (GObject *object)
{
  FcServerWorkers *self = FC_SERVER_WORKERS (object);

  /* Whoever drops the supervisor without stopping it leaves no workers
   * behind. */
  if (self->workers != NULL && count_running (self) > 0)
    signal_all (self, SIGTERM);
  g_clear_pointer (&self->workers, g_ptr_array_unref);
  g_clear_handle_id (&self->kill_id, g_source_remove);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (fc_server_workers_parent_class)->dispose (object);
}

static void
fc_server_workers_finalize (GObject *object)
{
  FcServerWorkers *self = FC_SERVER_WORKERS (object);

  g_clear_pointer (&self->worker_args, g_strfreev);

  G_OBJECT_CLASS (fc_server_workers_parent_class)->finalize (object);
}

static void
fc_server_workers_class_init (FcServerWorkersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_server_workers_dispose;
  object_class->finalize = fc_server_workers_finalize;
}

static void
fc_server_workers_init (FcServerWorkers *self)
{
  self->workers = g_ptr_array_new_with_free_func (worker_free);
  self->lock_fd = -1;
  self->pid = getpid ();
}

FcServerWorkers *
fc_server_workers_new (GSocket            *socket,
                       const char * const *worker_args,
                       guint               n_workers)
{
  FcServerWorkers *self;

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
  g_return_val_if_fail (worker_args != NULL, NULL);
  g_return_val_if_fail (n_workers > 0, NULL);

  self = g_object_new (FC_TYPE_SERVER_WORKERS, NULL);
  self->socket = g_object_ref (socket);
  self->worker_args = g_strdupv ((char **) worker_args);
  for (guint i = 0; i < n_workers; i++) {
    Worker *worker = g_new0 (Worker, 1);

    worker->self = self;
    worker->index = i;
    worker->restart_ms = RESTART_MIN_MS;
    g_ptr_array_add (self->workers, worker);
  }
  return self;
}

void
fc_server_workers_set_lock_fd (FcServerWorkers *self,
                               int              fd)
{
  g_return_if_fail (FC_IS_SERVER_WORKERS (self));

  self->lock_fd = fd;
}

void
fc_server_workers_start_async (FcServerWorkers     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FC_IS_SERVER_WORKERS (self));
  g_return_if_fail (self->start_task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_server_workers_start_async);
  self->start_task = g_steal_pointer (&task);
  for (guint i = 0; i < self->workers->len; i++)
    spawn_worker (g_ptr_array_index (self->workers, i));
}

gboolean
fc_server_workers_start_finish (FcServerWorkers  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fc_server_workers_stop_async (FcServerWorkers     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FC_IS_SERVER_WORKERS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_server_workers_stop_async);
  if (self->stop_task != NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "Already stopping");
    return;
  }
  self->stop_task = g_steal_pointer (&task);
  begin_stop (self);
  if (self->kill_id == 0)
    self->kill_id = g_timeout_add_seconds (STOP_GRACE_S, on_kill_timeout_cb, self);
  maybe_stopped (self);
}

gboolean
fc_server_workers_stop_finish (FcServerWorkers  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fc_server_workers_report_ready (int ready_fd)
{
  if (ready_fd < 0)
    return;
  while (write (ready_fd, "1", 1) < 0 && errno == EINTR)
    ;
  close (ready_fd);
}

void
fc_server_workers_write_log (const char *line)
{
  gsize left = strlen (line);

  /* Below PIPE_BUF a pipe takes it whole, and a file opened O_APPEND
   * (journald, a redirect with >>) at its end. */
  while (left > 0) {
    gssize n = write (STDERR_FILENO, line, left);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    line += n;
    left -= n;
  }
}

void
fc_server_workers_test_hold (const char *name)
{
  const char *dir = g_getenv ("FITCORE_SERVER_TEST_HOLD_DIR");
  g_autofree char *held = NULL;
  g_autofree char *release = NULL;
  g_autofree char *pid = NULL;
  gint64 deadline;

  if (name == NULL || dir == NULL || g_strcmp0 (g_getenv ("FITCORE_SERVER_TESTING"), "1") != 0 ||
      strchr (name, '/') != NULL)
    return;

  held = g_strdup_printf ("%s/%s.held", dir, name);
  release = g_strdup_printf ("%s/%s.release", dir, name);
  pid = g_strdup_printf ("%d", (int) getpid ());
  g_file_set_contents (held, pid, -1, NULL);
  deadline = g_get_monotonic_time () + HOLD_MAX_S * G_USEC_PER_SEC;
  while (!g_file_test (release, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
}
