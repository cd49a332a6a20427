/* fc-health-import-job.h — a file of health data read into the offline store, for the UI to drive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job, one file: it tells by the file's content whether it is Apple
 * Health's export.zip or export.xml, Google Fit's Daily Summaries.csv or a
 * CSV of points, reads it with the matching importer of src/health, and
 * writes every batch into the store through fc_store_health_import_async()
 * (idempotent per (source, client_id): the same file twice adds nothing),
 * from which the sync engine uploads the points. Its properties say how
 * far it is, notified on the main context that ran it, at most about ten
 * times a second; Cancel keeps what was written, a batch being a
 * transaction of its own. Memory stays bounded whatever the file's size:
 * the reader waits while the store has two batches to write.
 */

#pragma once

#include <gio/gio.h>

#include "fc-health-csv.h"
#include "fc-store.h"

G_BEGIN_DECLS

/**
 * FcHealthImportPhase:
 * @FC_HEALTH_IMPORT_PHASE_IDLE: not started
 * @FC_HEALTH_IMPORT_PHASE_DETECTING: reading the start of the file to
 *   know what it is
 * @FC_HEALTH_IMPORT_PHASE_READING: reading the file and writing its points
 * @FC_HEALTH_IMPORT_PHASE_WRITING: the file is read; the last batches are
 *   being written
 * @FC_HEALTH_IMPORT_PHASE_DONE: every point is in the store
 * @FC_HEALTH_IMPORT_PHASE_FAILED: stopped by an error (what was written
 *   before it stays)
 * @FC_HEALTH_IMPORT_PHASE_CANCELLED: stopped by its cancellable (what was
 *   written stays)
 */
typedef enum {
  FC_HEALTH_IMPORT_PHASE_IDLE,
  FC_HEALTH_IMPORT_PHASE_DETECTING,
  FC_HEALTH_IMPORT_PHASE_READING,
  FC_HEALTH_IMPORT_PHASE_WRITING,
  FC_HEALTH_IMPORT_PHASE_DONE,
  FC_HEALTH_IMPORT_PHASE_FAILED,
  FC_HEALTH_IMPORT_PHASE_CANCELLED,
} FcHealthImportPhase;

/**
 * FcHealthImportKind:
 * @FC_HEALTH_IMPORT_KIND_UNKNOWN: not known yet
 * @FC_HEALTH_IMPORT_KIND_APPLE_HEALTH: export.zip or export.xml
 * @FC_HEALTH_IMPORT_KIND_CSV: a CSV of points (date, type, value, unit)
 * @FC_HEALTH_IMPORT_KIND_GOOGLE_FIT: Google Fit's Daily Summaries.csv
 */
typedef enum {
  FC_HEALTH_IMPORT_KIND_UNKNOWN,
  FC_HEALTH_IMPORT_KIND_APPLE_HEALTH,
  FC_HEALTH_IMPORT_KIND_CSV,
  FC_HEALTH_IMPORT_KIND_GOOGLE_FIT,
} FcHealthImportKind;

GType fc_health_import_phase_get_type (void) G_GNUC_CONST;
GType fc_health_import_kind_get_type  (void) G_GNUC_CONST;
#define FC_TYPE_HEALTH_IMPORT_PHASE (fc_health_import_phase_get_type ())
#define FC_TYPE_HEALTH_IMPORT_KIND (fc_health_import_kind_get_type ())

#define FC_TYPE_HEALTH_IMPORT_JOB (fc_health_import_job_get_type ())
G_DECLARE_FINAL_TYPE (FcHealthImportJob, fc_health_import_job, FC, HEALTH_IMPORT_JOB, GObject)

/* Properties, each notified on the main context at most ~10 times a
 * second while the job runs, and once more at its end:
 *   "store" (FcStore, construct-only), "file" (GFile, construct-only),
 *   "kind" (FcHealthImportKind), "phase" (FcHealthImportPhase),
 *   "fraction" (double, 0–1: of the file's bytes read; 1 when done),
 *   "records-seen" (guint64: records or rows read, of every type),
 *   "added" (guint64: points new to the store),
 *   "unchanged" (guint64: points the store already had),
 *   "refused" (guint64: records of imported types that were refused). */

FcHealthImportJob   *fc_health_import_job_new              (FcStore                  *store,
                                                            GFile                    *file);
GFile               *fc_health_import_job_get_file         (FcHealthImportJob        *self);
FcHealthImportKind   fc_health_import_job_get_kind         (FcHealthImportJob        *self);
FcHealthImportPhase  fc_health_import_job_get_phase        (FcHealthImportJob        *self);
double               fc_health_import_job_get_fraction     (FcHealthImportJob        *self);
guint64              fc_health_import_job_get_records_seen (FcHealthImportJob        *self);
guint64              fc_health_import_job_get_added        (FcHealthImportJob        *self);
guint64              fc_health_import_job_get_unchanged    (FcHealthImportJob        *self);
guint64              fc_health_import_job_get_refused      (FcHealthImportJob        *self);
/* The reader's own counts so far (refusals by reason, records skipped). */
void                 fc_health_import_job_get_progress     (FcHealthImportJob        *self,
                                                            FcHealthImportProgress   *out_progress);

/* The columns of a CSV of points, as the person chose them after
 * fc_health_csv_preview_async(); before running only. Without one the
 * columns are found as the preview finds them. */
void                 fc_health_import_job_set_csv_mapping  (FcHealthImportJob        *self,
                                                            const FcHealthCsvMapping *mapping);

/* Points per batch written to the store in one transaction: 0 (the
 * default) for 32,768 (uploads go up in batches of their own, 10,000 at
 * the most). Before running only. */
void                 fc_health_import_job_set_batch_size   (FcHealthImportJob        *self,
                                                            guint                     batch_size);

/* Runs the job once. Fails with the importer's error (FC_HEALTH_IMPORT_ERROR,
 * FC_HEALTH_CSV_ERROR, GIO's), the store's, G_IO_ERROR_NOT_SUPPORTED for a
 * file that is none of the kinds above, or G_IO_ERROR_CANCELLED; the
 * properties keep the counts of what was written before. */
void                 fc_health_import_job_run_async        (FcHealthImportJob        *self,
                                                            GCancellable             *cancellable,
                                                            GAsyncReadyCallback       callback,
                                                            gpointer                  user_data);
gboolean             fc_health_import_job_run_finish       (FcHealthImportJob        *self,
                                                            GAsyncResult             *result,
                                                            GError                  **error);

G_END_DECLS
