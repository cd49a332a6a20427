/* health-test-util.h — points, uploads and metrics for the health tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The accounts come from the nutrition tests' fixture (users A and B, and
 * staff).
 */

#pragma once

#include "fc-sql.h"
#include "nutrition-test-util.h"

G_BEGIN_DECLS

#define HT_API "/api/v1/health/"

/* "2026-03-29T01:00:00Z" for @unix_s. */
char       *ht_time           (gint64        unix_s);
/* A sync/ point object's JSON text. */
char       *ht_point          (const char   *data_type,
                               double        value,
                               const char   *unit,
                               gint64        unix_s,
                               const char   *source,
                               const char   *client_id);
/* {"points": [@points...]} from a NULL-terminated array of point texts. */
char       *ht_points_body    (GPtrArray    *points);
/* POST sync/, asserting @status; the answer object (a new reference). */
JsonObject *ht_sync           (FcTestServer *server,
                               const char   *token,
                               const char   *body,
                               guint         status);
/* GET @path, asserting 200; the answer object (a new reference). */
JsonObject *ht_get            (FcTestServer *server,
                               const char   *token,
                               const char   *path);
/* The object's integer member, asserting it is there. */
gint64      ht_int            (JsonObject   *object,
                               const char   *member);
double      ht_double         (JsonObject   *object,
                               const char   *member);

G_END_DECLS
