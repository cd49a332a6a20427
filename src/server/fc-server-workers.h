/* fc-server-workers.h — fitcore-server as a supervisor of worker processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One process serves requests on one core: its main loop runs the route
 * handlers. With `workers` > 1 the process started becomes a supervisor,
 * as gunicorn's arbiter or nginx's master: it has bound the listening
 * socket (so --port 0 and the "listening on" line work as before) and
 * starts that many workers by executing its own binary again
 * (/proc/self/exe, never fork() alone: GLib's and GStreamer's threads
 * make that unsafe), each with the socket as an inherited descriptor
 * (--worker-fd) and a pipe to say it is ready (--worker-ready-fd). Every
 * worker accepts on the shared socket and the kernel hands each
 * connection to one of them. A worker that dies is started again, after a
 * pause that doubles while workers keep dying young; SIGTERM or SIGINT
 * reach every worker, and the supervisor exits after them. A worker dies
 * with its supervisor (PR_SET_PDEATHSIG, as SIGTERM: it finishes its
 * requests).
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FC_TYPE_SERVER_WORKERS (fc_server_workers_get_type ())

G_DECLARE_FINAL_TYPE (FcServerWorkers, fc_server_workers, FC, SERVER_WORKERS, GObject)

/* @socket: bound and listening. @worker_args: the arguments a worker is
 * run with (the supervisor's own, minus what only the supervisor does:
 * --demo), without the program name. */
FcServerWorkers *fc_server_workers_new          (GSocket              *socket,
                                                 const char * const   *worker_args,
                                                 guint                 n_workers);
/* Before the start: every worker inherits @fd (borrowed: it must stay open
 * while workers start), as --worker-lock-fd, the writer lock
 * (fc-writer-lock.h) they queue on. */
void             fc_server_workers_set_lock_fd  (FcServerWorkers      *self,
                                                 int                   fd);
/* Starts the workers; completes once one of them serves requests, or with
 * an error when they keep dying before any did (a database that cannot
 * be opened, a broken config). */
void             fc_server_workers_start_async  (FcServerWorkers      *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean         fc_server_workers_start_finish (FcServerWorkers      *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
/* SIGTERM to every worker, no more restarts, the socket closed; completes
 * once all have exited (those still running after a grace period get
 * SIGKILL). */
void             fc_server_workers_stop_async   (FcServerWorkers      *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean         fc_server_workers_stop_finish  (FcServerWorkers      *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* In a worker, once it listens: tells the supervisor through @ready_fd
 * (closed). */
void             fc_server_workers_report_ready (int                   ready_fd);

/* Writes a whole log line to stderr in one write(): lines of processes
 * sharing a stderr then never mix. */
void             fc_server_workers_write_log    (const char           *line);

/* Tests only (FITCORE_SERVER_TESTING=1 and FITCORE_SERVER_TEST_HOLD_DIR
 * set; a no-op otherwise or when @name is NULL): blocks the calling main
 * loop as a slow handler would, after creating HOLD_DIR/@name.held (its
 * content: the pid), until HOLD_DIR/@name.release exists, for at most a
 * minute. */
void             fc_server_workers_test_hold    (const char           *name);

G_END_DECLS
