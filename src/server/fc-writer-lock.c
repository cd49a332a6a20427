/* fc-writer-lock.c — one writer at a time across a server's worker processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server"
/* memfd_create(), pthread_mutex_clocklock() */
#define _GNU_SOURCE

#include "config.h"

#include "fc-writer-lock.h"

#include <errno.h>
#include <gio/gio.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fc-db.h"

struct _FcWriterLock {
  int              fd;
  pthread_mutex_t *mutex;   /* in the shared mapping */
};

static gboolean
map_mutex (FcWriterLock  *self,
           GError       **error)
{
  void *memory = mmap (NULL, sizeof (pthread_mutex_t), PROT_READ | PROT_WRITE, MAP_SHARED,
                       self->fd, 0);

  if (memory == MAP_FAILED) {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 "Cannot map the writer lock: %s", g_strerror (saved));
    return FALSE;
  }
  self->mutex = memory;
  return TRUE;
}

FcWriterLock *
fc_writer_lock_new (GError **error)
{
  g_autoptr(FcWriterLock) self = g_new0 (FcWriterLock, 1);
  pthread_mutexattr_t attributes;
  int rc;

  self->fd = memfd_create ("fitcore-writer-lock", MFD_CLOEXEC);
  if (self->fd < 0 || ftruncate (self->fd, sizeof (pthread_mutex_t)) != 0) {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 "Cannot create the writer lock: %s", g_strerror (saved));
    return NULL;
  }
  if (!map_mutex (self, error))
    return NULL;

  pthread_mutexattr_init (&attributes);
  pthread_mutexattr_setpshared (&attributes, PTHREAD_PROCESS_SHARED);
  /* A worker killed while it writes must not leave the lock taken. */
  pthread_mutexattr_setrobust (&attributes, PTHREAD_MUTEX_ROBUST);
  /* A release from a thread that does not hold it fails instead of
   * corrupting the queue. */
  pthread_mutexattr_settype (&attributes, PTHREAD_MUTEX_ERRORCHECK);
  rc = pthread_mutex_init (self->mutex, &attributes);
  pthread_mutexattr_destroy (&attributes);
  if (rc != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (rc),
                 "Cannot create the writer lock: %s", g_strerror (rc));
    return NULL;
  }
  return g_steal_pointer (&self);
}

FcWriterLock *
fc_writer_lock_new_from_fd (int      fd,
                            GError **error)
{
  g_autoptr(FcWriterLock) self = g_new0 (FcWriterLock, 1);
  struct stat info;

  g_return_val_if_fail (fd >= 0, NULL);

  self->fd = fd;
  if (fstat (fd, &info) != 0 || info.st_size < (off_t) sizeof (pthread_mutex_t)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "The writer lock's descriptor holds no lock");
    return NULL;
  }
  if (!map_mutex (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
fc_writer_lock_free (FcWriterLock *self)
{
  if (self == NULL)
    return;
  if (self->mutex != NULL)
    munmap (self->mutex, sizeof (pthread_mutex_t));
  if (self->fd >= 0)
    close (self->fd);
  g_free (self);
}

int
fc_writer_lock_get_fd (FcWriterLock *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->fd;
}

gboolean
fc_writer_lock_acquire (FcWriterLock  *self,
                        guint          timeout_ms,
                        GError       **error)
{
  struct timespec deadline;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (long) (timeout_ms % 1000) * 1000000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000;
  }
  rc = pthread_mutex_clocklock (self->mutex, CLOCK_MONOTONIC, &deadline);
  if (rc == EOWNERDEAD) {
    /* Its holder died; what it wrote SQLite has rolled back. */
    pthread_mutex_consistent (self->mutex);
    return TRUE;
  }
  if (rc == 0)
    return TRUE;
  if (rc == ETIMEDOUT)
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_BUSY,
                 "another worker has been writing for %u ms", timeout_ms);
  else
    g_set_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, "Cannot take the writer lock: %s",
                 g_strerror (rc));
  return FALSE;
}

void
fc_writer_lock_release (FcWriterLock *self)
{
  int rc;

  g_return_if_fail (self != NULL);

  rc = pthread_mutex_unlock (self->mutex);
  if (rc != 0)
    g_critical ("Cannot release the writer lock: %s", g_strerror (rc));
}
