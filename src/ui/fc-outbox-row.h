/* fc-outbox-row.h — one change the server refused, with Retry and Discard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-outbox-item.h"

G_BEGIN_DECLS

#define FC_TYPE_OUTBOX_ROW (fc_outbox_row_get_type ())

G_DECLARE_FINAL_TYPE (FcOutboxRow, fc_outbox_row, FC, OUTBOX_ROW, AdwBin)

FcOutboxItem *fc_outbox_row_get_item (FcOutboxRow  *self);
void          fc_outbox_row_set_item (FcOutboxRow  *self,
                                      FcOutboxItem *item);
const char   *fc_outbox_row_get_summary (FcOutboxRow *self);

G_END_DECLS
