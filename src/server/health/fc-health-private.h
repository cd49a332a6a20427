/* fc-health-private.h — what the health routes, points and metrics share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A health point is one measurement of one user: a type with one canonical
 * unit (weight in kg, sleep in minutes), a value converted into that unit
 * on the way in, the time it was recorded (stored as UTC microseconds, so
 * ranges and buckets compare integers on an index), where it came from and,
 * for imports, the source's own id of it (client_id), which makes uploads
 * idempotent.
 *
 * Every write gives the rows it touches the next number of one server-wide
 * sequence, and a deletion leaves a tombstone with its own number, so that
 * GET data/?since= hands a device exactly what changed (docs/health-wire.md).
 * Health points never go through the general change feed: an import of
 * years of heart rate would drown it.
 */

#pragma once

#include <json-glib/json-glib.h>
#include "fc-sql.h"

#include "fc-health-units.h"
#include "fc-server-request.h"
#include "fc-validate.h"

G_BEGIN_DECLS

#define FC_HEALTH_API "/api/v1/health/"

/* Points one sync/ request may carry, and the body size it may have: about
 * 400 bytes a point, more than a point with a 128-character client_id and
 * source needs. */
#define FC_HEALTH_SYNC_MAX_POINTS 10000
#define FC_HEALTH_SYNC_MAX_BODY (4 * 1024 * 1024)

/* How far in the future a point may be recorded: the clocks of phones and
 * watches drift. */
#define FC_HEALTH_CLOCK_SKEW_S (5 * 60)

#define FC_HEALTH_SOURCE_MAX 64
#define FC_HEALTH_CLIENT_ID_MAX 128

/* The types, their ranges and units are the app's too (src/health), so
 * that the app and its importers refuse what the server would. */
typedef FcHealthTypeInfo FcHealthType;

/* The types, NULL-terminated by name. */
const FcHealthType *fc_health_types          (void);
const FcHealthType *fc_health_type_lookup    (const char *name);

/* One point, validated and in canonical units. */
typedef struct {
  const FcHealthType *type;
  double              value;
  gint64              recorded_at;  /* µs since the epoch, UTC */
  const char         *stage;        /* sleep only, or NULL; static string */
  const char         *source;       /* borrowed from the request body */
  const char         *client_id;    /* borrowed, or NULL */
  gboolean            has_stage;    /* present in the input (PATCH) */
} FcHealthPoint;

/* Validates @in into @out, adding DRF-shaped errors per field. @partial
 * (PATCH): absent members keep @out's values, which the caller filled from
 * the stored row; a type change then needs value and unit again.
 * @require_client_id: sync/ needs one, data/ does not. @now_us is the
 * server's clock. */
gboolean fc_health_point_read       (JsonObject       *in,
                                     gboolean          partial,
                                     gboolean          require_client_id,
                                     gint64            now_us,
                                     FcFieldErrors    *errors,
                                     FcHealthPoint    *out);

/* The zone named by an IANA identifier ("Europe/Berlin"), or NULL. Only
 * names: GLib would also open any file given as a path. */
GTimeZone *fc_health_time_zone      (const char       *identifier);
/* "2026-03-29T01:00:00.000000Z" */
char    *fc_health_format_time      (gint64            us);
/* A datetime with an offset, or a date (local midnight in @tz); µs. */
gboolean fc_health_parse_time       (const char       *text,
                                     GTimeZone        *tz,
                                     gint64           *out_us);

/* The next numbers of the health sequence: reserves @n and returns the
 * first. Inside the request's transaction. */
gint64   fc_health_seq_reserve      (FcSql          *db,
                                     gint64            n);
/* A point's wire object. */
JsonObject *fc_health_row_to_object (FcSqlStmt     *stmt);
/* The columns fc_health_row_to_object() reads, in order. */
#define FC_HEALTH_ROW_COLUMNS \
  "id, data_type, value, unit, recorded_at, stage, source, client_id, created_at, updated_at"

/* The wire formats of the cursor of GET data/?since=. */
char    *fc_health_format_cursor    (gint64            seq);
/* -1 when @text is not one of ours. */
gint64   fc_health_parse_cursor     (const char       *text);

/* Computes an answer on a worker thread with its own connection to the
 * database, inside one transaction (BEGIN IMMEDIATE when @write), and
 * answers @request with it on the main loop; NULL answers 500 and rolls
 * back, as does a *@status of 400 or more (the node is then the error
 * body). @data goes to @work on the worker and to @destroy on the main
 * thread: plain values, never the request. The handler returns at once;
 * a write handler's own transaction has committed by the time the worker
 * takes the lock. */
typedef JsonNode *(*FcHealthWorkFunc) (FcSql  *db,
                                       gpointer  data,
                                       guint    *status);
/* Runs on the worker before the transaction (parsing): NULL to go on, or
 * the answer (an error) with *@status set. */
typedef JsonNode *(*FcHealthPrepareFunc) (gpointer  data,
                                          guint    *status);

void     fc_health_respond_off_loop (FcServerRequest     *request,
                                     gboolean             write,
                                     FcHealthPrepareFunc  prepare,
                                     FcHealthWorkFunc     work,
                                     gpointer             data,
                                     GDestroyNotify       destroy);

/* The width of a metrics rollup slot (health_rollups, migration 9): 15
 * minutes, in µs, a plain literal because the migration's SQL spells it.
 * Never change it: the rows on disk were made with it. */
#define FC_HEALTH_SLOT_US 900000000

/* GET metrics/, in fc-health-metrics.c. */
void     fc_health_metrics_get      (FcServerRequest  *request);

G_END_DECLS
