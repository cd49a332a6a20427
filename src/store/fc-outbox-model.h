/* fc-outbox-model.h — queued writes, for "needs attention" and the sync state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-store-model.h"

G_BEGIN_DECLS

#define FC_TYPE_OUTBOX_MODEL (fc_outbox_model_get_type ())

G_DECLARE_FINAL_TYPE (FcOutboxModel, fc_outbox_model, FC, OUTBOX_MODEL, FcStoreModel)

FcOutboxModel *fc_outbox_model_new                (FcStore       *store,
                                                   gboolean       attention_only);
gboolean       fc_outbox_model_get_attention_only (FcOutboxModel *self);

G_END_DECLS
