/* chart-test-util.h — what test-chart and bench-chart share: a store of
 * its own per call, a batch of points imported into it, a chart's state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-chart.h"
#include "fc-health-import.h"
#include "store-test-util.h"

G_BEGIN_DECLS

FcStore  *ct_open_store (const char *prefix);
void      ct_import     (FcStore    *store,
                         GArray     *points);
gboolean  ct_settled    (FcChart    *chart);
void      ct_run_for    (guint       ms);

G_END_DECLS
