/* fc-plan-store-source.h — a user's own plan, read from the store and written through its outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-plan-source.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_PLAN_STORE_SOURCE (fc_plan_store_source_get_type ())

G_DECLARE_FINAL_TYPE (FcPlanStoreSource, fc_plan_store_source, FC, PLAN_STORE_SOURCE, GObject)

/* Plan @plan_id of @plans (an FcPlanListModel), with @meals (an
 * FcMealListModel) to schedule; both models are the host's, followed
 * while the source lives. A schedule is written through @store, offline
 * too, and reaches the server with the next push. */
FcPlanStoreSource *fc_plan_store_source_new         (FcStore           *store,
                                                     GListModel        *plans,
                                                     GListModel        *meals,
                                                     gint64             plan_id);
gint64             fc_plan_store_source_get_plan_id (FcPlanStoreSource *self);

G_END_DECLS
