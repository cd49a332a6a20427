/* admin-test-util.c — looks into a test server's database and answers, for the admin tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "admin-test-util.h"
#include "nutrition-test-util.h"

gint64
ad_db_int (FcTestServer *server,
           const char   *sql)
{
  sqlite3 *db = nt_open_db (server);
  gint64 value = nt_query_int (db, sql);

  sqlite3_close (db);
  return value;
}

void
ad_db_exec (FcTestServer *server,
            const char   *sql)
{
  sqlite3 *db = nt_open_db (server);

  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

JsonObject *
ad_object (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}
