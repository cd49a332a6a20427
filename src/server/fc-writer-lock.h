/* fc-writer-lock.h — one writer at a time across a server's worker processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SQLite lets one connection write at a time. A second one that finds the
 * lock taken sleeps in its busy handler for 1, 2, 5, 10 … 100 ms and only
 * then looks again, however soon the lock was released; meanwhile its
 * worker's whole main loop waits, and the worker holding the lock takes it
 * again for its next request. With --workers 2 on SQLite that spent about
 * a sixth of the workers' time asleep and made the handler p99 of a POST
 * 6× one process's (docs/deployment.md).
 *
 * This lock queues the workers' writers instead: a process-shared robust
 * mutex in a memfd that the supervisor creates and every worker inherits.
 * fc_sql_begin() takes it before BEGIN IMMEDIATE and fc_sql_end() releases
 * it after COMMIT or ROLLBACK (fc_sql_set_writer_lock()), so a waiting
 * writer is woken as soon as the lock is free (a futex). A worker killed
 * while it holds the lock hands it to the next writer (EOWNERDEAD), and
 * SQLite rolls back what the dead one had begun. Only for SQLite with more
 * than one worker: one process has nobody to queue behind.
 *
 * The lock is a thread's: the thread that began a transaction ends it.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FcWriterLock FcWriterLock;

/* The supervisor's: a new lock, whose descriptor (fc_writer_lock_get_fd())
 * the workers inherit. Errors in G_IO_ERROR. */
FcWriterLock *fc_writer_lock_new         (GError       **error);
/* A worker's: the lock behind @fd, which it takes (closes it on failure
 * too). */
FcWriterLock *fc_writer_lock_new_from_fd (int            fd,
                                          GError       **error);
void          fc_writer_lock_free        (FcWriterLock  *self);
/* Close-on-exec; for the workers, duplicated at their start. */
int           fc_writer_lock_get_fd      (FcWriterLock  *self);

/* Waits at most @timeout_ms for the lock; FC_DB_ERROR_BUSY after that. */
gboolean      fc_writer_lock_acquire     (FcWriterLock  *self,
                                          guint          timeout_ms,
                                          GError       **error);
void          fc_writer_lock_release     (FcWriterLock  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcWriterLock, fc_writer_lock_free)

G_END_DECLS
