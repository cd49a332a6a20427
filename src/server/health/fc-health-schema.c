/* fc-health-schema.c — the health section's own migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-server-schema.h"

/* 9: reserved for the metrics rollups; until they land, nothing. */
const char fc_health_schema_migration_9[] = "SELECT 1;";
