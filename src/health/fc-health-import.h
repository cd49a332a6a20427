/* fc-health-import.h — Apple Health's export.xml, streamed into health points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads an Apple Health `export.xml` with libxml2's xmlTextReader on a
 * worker thread, a few kilobytes at a time, and hands the points it keeps
 * to the caller's main context in batches, in the shape of the health wire
 * (docs/health-wire.md): canonical units, `recorded_at` in UTC, `source`
 * "apple-health" and a `client_id` derived from the record itself, so that
 * importing the same file again gives the same ids and the server's sync/
 * adds nothing. Memory stays the same whatever the file's size: the reader
 * frees each element once it has been read, and the worker waits while two
 * batches are still with the main context. No GTK, no store, no HTTP.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_HEALTH_IMPORT_ERROR (fc_health_import_error_quark ())

/**
 * FcHealthImportError:
 * @FC_HEALTH_IMPORT_ERROR_MALFORMED: the file is not well-formed XML (cut
 *   short, or not XML at all); the message names the line
 * @FC_HEALTH_IMPORT_ERROR_NOT_AN_EXPORT: well-formed XML whose root element
 *   is not Apple Health's `<HealthData>`
 *
 * A cancelled import fails with G_IO_ERROR_CANCELLED, and a file that
 * cannot be read with GIO's own error.
 */
typedef enum {
  FC_HEALTH_IMPORT_ERROR_MALFORMED,
  FC_HEALTH_IMPORT_ERROR_NOT_AN_EXPORT,
} FcHealthImportError;

/**
 * FcHealthRefusal:
 * @FC_HEALTH_REFUSAL_UNIT: a unit the type cannot be converted from
 * @FC_HEALTH_REFUSAL_VALUE: a value that is not a number (or, for sleep,
 *   an unknown stage)
 * @FC_HEALTH_REFUSAL_DATE: a startDate or endDate not in Apple's
 *   "YYYY-MM-DD HH:MM:SS +HHMM" form, or an end before the start
 * @FC_HEALTH_REFUSAL_RANGE: outside the type's plausible range on the wire
 *   (the server would refuse it too)
 * @FC_HEALTH_REFUSAL_TYPE: a CSV row whose type is not one of the wire's
 * @FC_HEALTH_REFUSAL_COLUMNS: a CSV row without the columns the mapping
 *   reads (too few cells, or longer than 64 KiB)
 *
 * Why a record of a type we import was not kept. Records of other types
 * (flights climbed, workouts…) are counted as skipped, not refused.
 */
typedef enum {
  FC_HEALTH_REFUSAL_UNIT,
  FC_HEALTH_REFUSAL_VALUE,
  FC_HEALTH_REFUSAL_DATE,
  FC_HEALTH_REFUSAL_RANGE,
  FC_HEALTH_REFUSAL_TYPE,
  FC_HEALTH_REFUSAL_COLUMNS,
  FC_HEALTH_N_REFUSALS,
} FcHealthRefusal;

/**
 * FcHealthImportProgress:
 * @bytes_read: bytes of the file read so far
 * @bytes_total: the file's size (0 when unknown)
 * @records_seen: `<Record>` elements read (top level only); for CSV,
 *   data rows (a Google Fit day is one row and up to five points)
 * @points_kept: points handed to the caller
 * @skipped: records of types not imported
 * @refused: records of imported types that were refused
 * @refusals: @refused by reason
 */
typedef struct {
  guint64 bytes_read;
  guint64 bytes_total;
  guint64 records_seen;
  guint64 points_kept;
  guint64 skipped;
  guint64 refused;
  guint64 refusals[FC_HEALTH_N_REFUSALS];
} FcHealthImportProgress;

/**
 * FcHealthPoint:
 * @data_type: the wire's type ("weight", "steps"…); static
 * @unit: the type's canonical unit; static
 * @stage: the sleep stage ("asleep", "deep"…) or %NULL; static
 * @value: in @unit
 * @recorded_at: microseconds since the epoch, UTC: the start of the sample
 *   for levels (weight, heart rate, body fat), its end for amounts over an
 *   interval (steps, distance, energy, sleep), as the wire asks
 * @client_id: 32 hex digits, the same for the same record in any file
 *
 * One point, with no allocation of its own: a batch is a plain array.
 */
typedef struct {
  const char *data_type;
  const char *unit;
  const char *stage;
  double      value;
  gint64      recorded_at;
  char        client_id[33];
} FcHealthPoint;

#define FC_HEALTH_IMPORT_SOURCE "apple-health"

/**
 * FcHealthImportBatchFunc:
 * @points: (element-type FcHealthPoint): the batch, possibly empty (a
 *   progress report while the records read are of types not imported);
 *   valid during the call only
 * @progress: the counts so far, @points included
 * @user_data: as given
 *
 * Called in the main context that was the thread default when the import
 * began. Not called again once the import's cancellable is cancelled.
 */
typedef void (*FcHealthImportBatchFunc) (GArray                       *points,
                                         const FcHealthImportProgress *progress,
                                         gpointer                      user_data);

GQuark     fc_health_import_error_quark   (void);

void       fc_health_import_async         (GFile                   *file,
                                           guint                    batch_size,
                                           FcHealthImportBatchFunc  batch_func,
                                           gpointer                 batch_data,
                                           GDestroyNotify           batch_data_destroy,
                                           GCancellable            *cancellable,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data);
gboolean   fc_health_import_finish        (GAsyncResult            *result,
                                           FcHealthImportProgress  *out_progress,
                                           GError                 **error);

JsonNode  *fc_health_point_to_json        (const FcHealthPoint     *point);

G_END_DECLS
