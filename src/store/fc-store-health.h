/* fc-store-health.h — health points in the offline store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contract between the store (src/store/fc-store-health.c), the sync
 * engine, the importers and the Health section (src/ui/health/). Points are
 * kept in canonical units (docs/health-wire.md); every time is UTC seconds.
 * A point made on this device (typed in or imported) carries
 * (source, client_id) and waits in the store until the sync engine has
 * uploaded it through POST health/sync/; edits and deletions of points the
 * server already has go through the outbox like every other write.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fc-store.h"

G_BEGIN_DECLS

/* The detail of FcStore::changed when points were added, edited, deleted
 * or pulled. */
#define FC_STORE_HEALTH "health"
/* and when the goals changed. */
#define FC_STORE_HEALTH_GOALS "health_goals"

/**
 * FcHealthBucket:
 * @start: first second of the bucket, inclusive (UTC)
 * @end: end of the bucket, exclusive (UTC)
 * @count: points in it; 0 means no data and the other fields are 0
 * @min: the smallest value
 * @max: the largest value
 * @sum: the sum of the values
 * @avg: @sum / @count
 * @last: the value of the latest point in the bucket
 * @last_at: when that point was recorded
 *
 * Aggregates of one type's points over [@start, @end).
 */
typedef struct {
  gint64  start;
  gint64  end;
  guint64 count;
  double  min;
  double  max;
  double  sum;
  double  avg;
  double  last;
  gint64  last_at;
} FcHealthBucket;

/**
 * FcHealthTypeSummary:
 * @data_type: the wire name ("weight", "steps", …)
 * @count: the user's points of this type
 * @first_at: the earliest point
 * @last_at: the latest point
 * @last: the latest point's value
 *
 * What the Health overview needs to know of one type the user has.
 */
typedef struct {
  char   *data_type;
  guint64 count;
  gint64  first_at;
  gint64  last_at;
  double  last;
} FcHealthTypeSummary;

void          fc_health_type_summary_free         (FcHealthTypeSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcHealthTypeSummary, fc_health_type_summary_free)

/* Reads. The level of detail is the caller's: @edges are n_edges
 * ascending UTC seconds and the answer is a GArray of n_edges - 1
 * FcHealthBucket, one per [edges[i], edges[i+1]). The store answers wide
 * buckets from its rollups and never walks every raw point of a long
 * range, so a chart asks for as many buckets as it has pixel columns,
 * whatever the number of points. Edges on the 15-minute grid (multiples of
 * 900: every local midnight and hour in use is on it) read no raw point;
 * an edge off it reads the points of the 15 minutes around it. A call of
 * 32 buckets or more keeps that type's rollups in memory for the next
 * calls (until a point of the type changes or another type is charted):
 * 1,000 buckets over a million points then take well under a millisecond
 * on the grid (tests/bench/store/bench-store-health.c). Sleep's awake and
 * in_bed points are left out, as in the server's metrics/. */
void          fc_store_health_buckets_async       (FcStore              *self,
                                                   const char           *data_type,
                                                   const gint64         *edges,
                                                   guint                 n_edges,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GArray       *fc_store_health_buckets_finish      (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* The types the user has points of: a GPtrArray of FcHealthTypeSummary,
 * by data_type. count, first_at, last_at and last as the buckets count
 * (sleep's awake and in_bed left out). */
void          fc_store_health_types_async         (FcStore              *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray    *fc_store_health_types_finish        (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Up to @limit points of one type recorded in [@from, @to), newest first,
 * each a JsonObject in the wire shape of docs/health-wire.md plus "local_id"
 * (the store's row id, for edits of points the server has not seen yet)
 * and "pending" (TRUE until the server has it). A JsonArray. */
void          fc_store_health_list_async          (FcStore              *self,
                                                   const char           *data_type,
                                                   gint64                from,
                                                   gint64                to,
                                                   guint                 limit,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonArray    *fc_store_health_list_finish         (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Writes. A point typed in: @point has data_type, value, unit (canonical),
 * recorded_at (ISO 8601) and optionally stage and note (kept here only:
 * the server has no note); the store gives it source "manual" and a new
 * client_id. Answers the new point's local_id. FC_STORE_ERROR_INVALID for
 * a missing member or one of the wrong type; plausibility is the
 * server's (a refused point stays, with "refusal", until edited). */
void          fc_store_health_add_async           (FcStore              *self,
                                                   JsonObject           *point,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gint64        fc_store_health_add_finish          (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Edit (value, unit, recorded_at, stage, note) or delete the point with
 * @local_id: a point not uploaded yet changes in place (a refused one is
 * sent again); one the server has goes through the outbox (PATCH or
 * DELETE health/data/{id}/, resource "health", object_id the server's
 * id; discarding the row puts the point back as it was). Deleting returns
 * the deleted point (list shape) so the caller can offer Undo by adding it
 * again, as a new manual point. */
void          fc_store_health_update_async        (FcStore              *self,
                                                   gint64                local_id,
                                                   JsonObject           *changes,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      fc_store_health_update_finish       (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          fc_store_health_delete_async        (FcStore              *self,
                                                   gint64                local_id,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonObject   *fc_store_health_delete_finish       (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/**
 * FcHealthImportCounts:
 * @added: points new to the store
 * @unchanged: points the store already had by (source, client_id)
 *
 * What one batch of imported points did.
 */
typedef struct {
  guint64 added;
  guint64 unchanged;
} FcHealthImportCounts;

/* A batch of an importer's points (a GArray of FcHealthPoint from
 * src/health/fc-health-import.h) with their @source ("apple-health",
 * "csv", "google-fit"), in one transaction, idempotent per
 * (source, client_id): importing the same file twice adds nothing. The
 * points wait for the sync engine's upload like typed ones. */
void          fc_store_health_import_async        (FcStore              *self,
                                                   const char           *source,
                                                   GArray               *points,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      fc_store_health_import_finish       (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   FcHealthImportCounts *out_counts,
                                                   GError              **error);

/* The same for a long import (FcHealthImportJob), in two steps, so that a
 * file in no particular order is written in time order: each batch is
 * appended to a stage in a transaction of its own, and the stage is merged
 * into the points (in one transaction, counted and announced like a
 * batch of fc_store_health_import_async()) once it holds 1,048,576 points,
 * and by fc_store_health_import_flush_async(), to be called once the file
 * is read, cancelled or failed. The counts are those of the points merged
 * by the call (none until a merge) plus the invalid points of the batch.
 * Staged points wait for their merge to show in reads. The store keeps a
 * reference to @points: do not change them after the call. A stage that
 * a killed import left is merged by the next import or the next
 * fc_store_health_upload_batch_async(). */
void          fc_store_health_stage_async         (FcStore              *self,
                                                   const char           *source,
                                                   GArray               *points,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      fc_store_health_stage_finish        (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   FcHealthImportCounts *out_counts,
                                                   GError              **error);
void          fc_store_health_import_flush_async  (FcStore              *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      fc_store_health_import_flush_finish (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   FcHealthImportCounts *out_counts,
                                                   GError              **error);

/* The goals (GET/PUT health/goals/ shape), NULL when none is known.
 * Saving sends all three (PUT clears what it does not send) through the
 * outbox (resource "health_goals") and announces changed::health_goals. */
void          fc_store_health_get_goals_async     (FcStore              *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonObject   *fc_store_health_get_goals_finish    (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          fc_store_health_save_goals_async    (FcStore              *self,
                                                   JsonObject           *goals,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      fc_store_health_save_goals_finish   (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* How many points wait for upload (for the section's sync status). */
void          fc_store_health_count_pending_async  (FcStore             *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
guint64       fc_store_health_count_pending_finish (FcStore             *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* The server's goals, as a pull brings them (GET health/goals/): kept
 * unless the user's own wait in the outbox. */
void          fc_store_health_set_goals_async     (FcStore              *self,
                                                   JsonObject           *goals,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      fc_store_health_set_goals_finish    (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* For the sync engine (src/sync/fc-sync-engine.c).
 *
 * Upload: fc_store_health_upload_batch_async() answers NULL when no point
 * waits, or a batch: {"points": [...], "local": [...]} where "points" is
 * what POST health/sync/ takes (the engine adds "since") and "local" is
 * the store's own. Send it, then hand the batch and the server's 200
 * answer to fc_store_health_upload_done_async(): points get their server
 * ids, refused ones are kept with the server's reasons (FALSE "pending"
 * no more, a "refusal" in the list) and never sent again until edited,
 * and the answer's non-null "cursor" becomes the pull cursor. A point
 * edited while its upload was in flight is sent again; one deleted
 * meanwhile is deleted on the server through the outbox.
 *
 * Pull: GET health/data/?since=CURSOR with the sync_state value
 * FC_STORE_HEALTH_CURSOR_KEY ("0" when unset), each answer to
 * fc_store_health_apply_pull_async(), which stores its points, deletions
 * and cursor in one transaction; a "reset" answer drops the local copy of
 * the server's points (keeping those not uploaded and the user's queued
 * edits) and sets the cursor to "0". */
#define FC_STORE_HEALTH_CURSOR_KEY "health-cursor"

void          fc_store_health_upload_batch_async  (FcStore              *self,
                                                   guint                 limit,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonObject   *fc_store_health_upload_batch_finish (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          fc_store_health_upload_done_async   (FcStore              *self,
                                                   JsonObject           *batch,
                                                   JsonNode             *answer,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      fc_store_health_upload_done_finish  (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void          fc_store_health_apply_pull_async    (FcStore              *self,
                                                   JsonNode             *page,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      fc_store_health_apply_pull_finish   (FcStore              *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
