/* health-rollup-check.h — the metrics rollups against their points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include "fc-sql.h"

G_BEGIN_DECLS

/* Asserts that health_rollups holds exactly the 15-minute slots of UTC
 * that this file adds up, in C, from every row of health_data (every
 * user; sleep that is awake or in bed left out): count, min, max, sum (to
 * 1e-6) and the last point by (recorded_at, id). Returns the slots. */
guint hr_assert_rollups_match_points (FcSql *db);

G_END_DECLS
