/* fc-admin-schema.c — admin mode's own migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-server-schema.h"

/* 10: reserved for the audit trail; until it lands, nothing. */
const char fc_admin_schema_migration_10[] = "SELECT 1;";
