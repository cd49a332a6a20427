/* admin-test-util.h — looks into a test server's database and answers, for the admin tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fc-test-server.h"

G_BEGIN_DECLS

/* The first column of the first row of @sql, on a connection of its own.
 * On PostgreSQL, SQLite's json_extract (COLUMN, '$.PATH') and json_type
 * (COLUMN, '$.PATH') become (CAST (COLUMN AS jsonb) #>> '{PATH}'), a text,
 * and json_array_length (COLUMN, '$.PATH') jsonb_array_length (…): so
 * compare numbers as CAST (json_extract (…) AS TEXT) = '3', and booleans
 * as json_type (…) = 'true'. */
gint64      ad_db_int   (FcTestServer *server,
                         const char   *sql);
/* Runs @sql (several statements allowed), asserting it worked. */
void        ad_db_exec  (FcTestServer *server,
                         const char   *sql);
/* A trigger @name on @table that fails every row of @event ("BEFORE
 * INSERT", "BEFORE UPDATE") with @message, or only those where @when
 * holds (an SQL condition on NEW or OLD, or NULL): SQLite's RAISE (ABORT)
 * or PostgreSQL's RAISE EXCEPTION. */
void        ad_db_refuse       (FcTestServer *server,
                                const char   *name,
                                const char   *event,
                                const char   *table,
                                const char   *when,
                                const char   *message);
void        ad_db_drop_trigger (FcTestServer *server,
                                const char   *name,
                                const char   *table);
/* @node as an object; fails the test when it is not one. */
JsonObject *ad_object   (JsonNode     *node);
/* The op ("upsert", "delete") of @section's object @id in the caller's
 * change feed after @cursor (NULL: from the start), or NULL when the feed
 * does not name it; the feed's new cursor in *@out_cursor. */
char       *ad_feed_op  (FcTestServer *server,
                         const char   *token,
                         const char   *cursor,
                         const char   *section,
                         gint64        id,
                         char        **out_cursor);

G_END_DECLS
