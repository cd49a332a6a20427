/* fc-pending-deletes.h — delete with Undo: hidden at once, deleted when the
 * toast goes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one delete-with-Undo of the Nutrition and Plans views. An object the
 * user deletes leaves the view's list at once (the view filters out what
 * fc_pending_deletes_contains() names, and re-filters on ::changed) and a
 * toast offers Undo; only when the toast goes away without it is the
 * object deleted, through the store it was deleted in (so a store that
 * changed with the account meanwhile is never written). Undo brings the
 * object back. fc_pending_deletes_flush() deletes everything still waiting,
 * for a view that goes away: closing the window is no Undo.
 */

#pragma once

#include <adwaita.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_PENDING_DELETES (fc_pending_deletes_get_type ())

G_DECLARE_FINAL_TYPE (FcPendingDeletes, fc_pending_deletes, FC, PENDING_DELETES, GObject)

/* @resource: FC_STORE_MEALS, FC_STORE_MEAL_PLANS, … */
FcPendingDeletes *fc_pending_deletes_new      (const char       *resource);
/* Hides @id and shows "“@name” deleted" with Undo in @overlay; does
 * nothing when @id is already waiting. */
void              fc_pending_deletes_add      (FcPendingDeletes *self,
                                               AdwToastOverlay  *overlay,
                                               FcStore          *store,
                                               gint64            id,
                                               const char       *name);
gboolean          fc_pending_deletes_contains (FcPendingDeletes *self,
                                               gint64            id);
void              fc_pending_deletes_flush    (FcPendingDeletes *self);

G_END_DECLS
