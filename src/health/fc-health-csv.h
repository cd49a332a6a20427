/* fc-health-csv.h — health points from CSV files: a person's own, and Google Fit's daily summaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two kinds of CSV file, told apart by their header:
 *
 * - Points: one row a measurement, with columns for the date, the type, the
 *   value and the unit (a header is found when there is one; the columns
 *   can be chosen by the person through an FcHealthCsvMapping, after a
 *   preview that shows how the first rows are read and why any is refused).
 *   Source "csv".
 * - Google Fit's Takeout "Daily Summaries.csv" (Takeout/Fit/Daily
 *   activity metrics/): one row a day, columns named in English as
 *   "Date", "Step count", "Distance (m)", "Average weight (kg)",
 *   "Average heart rate (bpm)", "Sleeping duration (ms)", … Source
 *   "google-fit". See fc-health-csv.c for which columns are read and why
 *   the others are not.
 *
 * Both are read on a worker thread through a GDataInputStream, a row at a
 * time (a row longer than 64 KiB is refused, not buffered), and handed to
 * the caller's main context in batches exactly as fc_health_import_async()
 * does: same FcHealthPoint, FcHealthImportProgress, batch function and
 * cancellation. A point's client_id hashes the source and the row's own
 * cells, so importing the same file again gives the same ids and adds
 * nothing. Values are converted to the wire's canonical units with the
 * unit table of fc-health-units.h, and refused as the server would.
 */

#pragma once

#include <gio/gio.h>

#include "fc-health-import.h"

G_BEGIN_DECLS

#define FC_HEALTH_CSV_SOURCE        "csv"
#define FC_HEALTH_GOOGLE_FIT_SOURCE "google-fit"

#define FC_HEALTH_CSV_ERROR (fc_health_csv_error_quark ())

/**
 * FcHealthCsvError:
 * @FC_HEALTH_CSV_ERROR_NOT_CSV: not text, or no row with two cells or more
 * @FC_HEALTH_CSV_ERROR_MAPPING: the mapping reads no date or no value
 *   column, or a column the file does not have
 * @FC_HEALTH_CSV_ERROR_UNSUPPORTED: a Google Fit file this reader does not
 *   take (the per-day files with "Start time", or a Takeout in another
 *   language); the message says which file to pick instead
 */
typedef enum {
  FC_HEALTH_CSV_ERROR_NOT_CSV,
  FC_HEALTH_CSV_ERROR_MAPPING,
  FC_HEALTH_CSV_ERROR_UNSUPPORTED,
} FcHealthCsvError;

/**
 * FcHealthCsvFormat:
 * @FC_HEALTH_CSV_FORMAT_POINTS: date, type, value, unit
 * @FC_HEALTH_CSV_FORMAT_GOOGLE_FIT: Google Fit's Daily Summaries.csv
 */
typedef enum {
  FC_HEALTH_CSV_FORMAT_POINTS,
  FC_HEALTH_CSV_FORMAT_GOOGLE_FIT,
} FcHealthCsvFormat;

/**
 * FcHealthCsvMapping:
 * @delimiter: ',', ';' or '\t'
 * @has_header: the first row names the columns and is not data
 * @date_column: 0-based; dates are "YYYY-MM-DD" (a level at local noon,
 *   an amount at the end of the local day) or "YYYY-MM-DD HH:MM[:SS]"
 *   (a 'T' for the space too), local time unless an offset or Z follows
 * @type_column: the wire's type ("weight") or a common name ("Heart rate",
 *   "Body fat"), or -1 when every row is @fixed_type
 * @value_column: the number, '.' as its decimal point (',' too when the
 *   delimiter is not a comma); a height in ft_in as 5'11"
 * @unit_column: a unit the type takes ("lb", "mg/dL", "kilograms"), empty
 *   for the canonical one, or -1 for @fixed_unit
 * @fixed_type: the type of every row when @type_column is -1 ("" none)
 * @fixed_unit: the unit of every row when @unit_column is -1 ("" for the
 *   canonical unit)
 *
 * How the columns of a points file are read: a plain struct, so that a
 * preview's mapping can be copied, changed by the person and given back.
 */
typedef struct {
  char     delimiter;
  gboolean has_header;
  int      date_column;
  int      type_column;
  int      value_column;
  int      unit_column;
  char     fixed_type[32];
  char     fixed_unit[16];
} FcHealthCsvMapping;

/**
 * FcHealthCsvRow:
 * @line: the row's first line in the file, from 1
 * @cells: (array zero-terminated=1): the row's cells, unquoted
 * @points: (element-type FcHealthPoint): what the row gives (a points row
 *   one point or none; a Google Fit day up to five)
 * @refused: how many of the row's values were refused (0 or 1 for a
 *   points row)
 * @reason: the first refusal's reason, when @refused > 0
 * @message: (nullable): why, as one translated sentence ("“72,5kg” is
 *   not a number."), when @refused > 0
 */
typedef struct {
  guint            line;
  char           **cells;
  GArray          *points;
  guint            refused;
  FcHealthRefusal  reason;
  char            *message;
} FcHealthCsvRow;

/**
 * FcHealthCsvPreview:
 * @format: what the file is
 * @mapping: the mapping used: the one given, or the one found from the
 *   header and the first rows (for Google Fit, only its delimiter and
 *   has_header mean anything)
 * @header: (array zero-terminated=1) (nullable): the header's cells
 * @n_columns: the most cells a row read has
 * @rows: (element-type FcHealthCsvRow): the first data rows, mapped
 */
typedef struct {
  FcHealthCsvFormat   format;
  FcHealthCsvMapping  mapping;
  char              **header;
  guint               n_columns;
  GPtrArray          *rows;
} FcHealthCsvPreview;

GQuark               fc_health_csv_error_quark      (void);

void                 fc_health_csv_preview_free     (FcHealthCsvPreview       *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcHealthCsvPreview, fc_health_csv_preview_free)

/* Whether @head (the first bytes of a file) looks like one of these CSV
 * files: text whose first line has a delimiter. Cheap, for telling a CSV
 * from an XML or a zip before reading it. */
gboolean             fc_health_csv_sniff            (const char               *head,
                                                     gsize                     length,
                                                     FcHealthCsvFormat        *out_format);

/* The first @n_rows data rows of @file mapped with @mapping, or with the
 * mapping found from the file when @mapping is NULL. Reads at most @n_rows
 * rows (and the header), on a worker thread. */
void                 fc_health_csv_preview_async    (GFile                    *file,
                                                     const FcHealthCsvMapping *mapping,
                                                     guint                     n_rows,
                                                     GCancellable             *cancellable,
                                                     GAsyncReadyCallback       callback,
                                                     gpointer                  user_data);
FcHealthCsvPreview  *fc_health_csv_preview_finish   (GAsyncResult             *result,
                                                     GError                  **error);

/* Reads the whole of @file as fc_health_import_async() reads an export:
 * @mapping NULL finds the format and the columns as the preview does (a
 * mapping given is used for a points file and ignored for Google Fit's).
 * The points' source is FC_HEALTH_CSV_SOURCE or FC_HEALTH_GOOGLE_FIT_SOURCE
 * as the format says; fc_health_csv_import_finish() tells which. */
void                 fc_health_csv_import_async     (GFile                    *file,
                                                     const FcHealthCsvMapping *mapping,
                                                     guint                     batch_size,
                                                     FcHealthImportBatchFunc   batch_func,
                                                     gpointer                  batch_data,
                                                     GDestroyNotify            batch_data_destroy,
                                                     GCancellable             *cancellable,
                                                     GAsyncReadyCallback       callback,
                                                     gpointer                  user_data);
gboolean             fc_health_csv_import_finish    (GAsyncResult             *result,
                                                     FcHealthCsvFormat        *out_format,
                                                     FcHealthImportProgress   *out_progress,
                                                     GError                  **error);

G_END_DECLS
