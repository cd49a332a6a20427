/* fc-health-pump.h — batches of points from an importer's worker to the main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to src/health: what the Apple Health, CSV and Google Fit readers
 * share. The worker appends points to the pump's batch and counts its
 * progress; the pump hands full batches (and now and then an empty one, a
 * progress report) to the caller's main context, and makes the worker wait
 * while two batches are still there, so a slow consumer costs time, never
 * memory.
 */

#pragma once

#include "fc-health-import.h"

G_BEGIN_DECLS

typedef struct {
  /* Set before the worker starts, read-only after */
  guint                    batch_size;
  FcHealthImportBatchFunc  batch_func;
  gpointer                 batch_data;
  GDestroyNotify           batch_data_destroy;
  GMainContext            *context;

  /* Between the worker and the deliveries */
  GMutex                   lock;
  GCond                    cond;
  guint                    in_flight;

  /* The worker's own */
  FcHealthImportProgress   progress;
  GArray                  *batch;
  guint64                  reported_bytes;
} FcHealthPump;

void  fc_health_pump_init   (FcHealthPump            *pump,
                             guint                    batch_size,
                             FcHealthImportBatchFunc  batch_func,
                             gpointer                 batch_data,
                             GDestroyNotify           batch_data_destroy);
void  fc_health_pump_clear  (FcHealthPump            *pump);
/* On the worker, after each record: delivers the batch when it is full,
 * or an empty one as a progress report when the bytes read moved on and
 * the main context has taken everything. @task's data holds @pump. */
void  fc_health_pump_step   (FcHealthPump            *pump,
                             GTask                   *task);
/* On the worker, at the end: delivers the last batch (unless cancelled)
 * and waits until every delivery ran, so the caller has all the points
 * when it hears that the import is over. */
void  fc_health_pump_finish (FcHealthPump            *pump,
                             GTask                   *task);
/* "0123…": the first 128 bits of the SHA-256 of @parts, each ended by a
 * NUL (NULL counts as empty), in hex. */
void  fc_health_make_client_id (char                 out[33],
                                const char * const   *parts,
                                guint                 n_parts);

/**
 * FcHealthDate:
 *
 * A date as importers find it: YYYY-MM-DD or YYYY/MM/DD, then optionally
 * [T ]HH:MM[:SS[.fff]] and Z, ±HH:MM or ±HHMM (with a space before it, as
 * Apple writes "2024-03-31 02:30:00 +0200").
 */
typedef struct {
  int      year, month, day, hour, minute, second;
  gboolean has_time;
  gboolean has_seconds;
  gboolean has_offset;
  int      offset_s;
} FcHealthDate;

gboolean fc_health_parse_date   (const char         *text,
                                 FcHealthDate       *out);
/* Seconds since the epoch of a date with its offset (has_offset) */
gint64   fc_health_date_to_unix (const FcHealthDate *date);

G_END_DECLS
