/* fc-outbox-item.h — one queued write, as the sync engine and the UI see it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * FcOutboxState:
 * @FC_OUTBOX_STATE_PENDING: queued, not sent yet
 * @FC_OUTBOX_STATE_SENDING: handed to the server; resent (same
 *   Idempotency-Key) if the app stops before the answer
 * @FC_OUTBOX_STATE_WAITING: the network failed; retried at next-attempt
 * @FC_OUTBOX_STATE_REJECTED: the server refused it: needs the user's attention
 */
typedef enum {
  FC_OUTBOX_STATE_PENDING,
  FC_OUTBOX_STATE_SENDING,
  FC_OUTBOX_STATE_WAITING,
  FC_OUTBOX_STATE_REJECTED,
} FcOutboxState;

#define FC_TYPE_OUTBOX_ITEM (fc_outbox_item_get_type ())

G_DECLARE_FINAL_TYPE (FcOutboxItem, fc_outbox_item, FC, OUTBOX_ITEM, GObject)

gint64         fc_outbox_item_get_id              (FcOutboxItem *self);
const char    *fc_outbox_item_get_method          (FcOutboxItem *self);
const char    *fc_outbox_item_get_path            (FcOutboxItem *self);
const char    *fc_outbox_item_get_body            (FcOutboxItem *self);
const char    *fc_outbox_item_get_idempotency_key (FcOutboxItem *self);
const char    *fc_outbox_item_get_resource        (FcOutboxItem *self);
gint64         fc_outbox_item_get_object_id       (FcOutboxItem *self);
FcOutboxState  fc_outbox_item_get_state           (FcOutboxItem *self);
guint          fc_outbox_item_get_attempts        (FcOutboxItem *self);
gint64         fc_outbox_item_get_next_attempt    (FcOutboxItem *self);
guint          fc_outbox_item_get_http_status     (FcOutboxItem *self);
const char    *fc_outbox_item_get_error_message   (FcOutboxItem *self);
const char    *fc_outbox_item_get_field_errors    (FcOutboxItem *self);
gint64         fc_outbox_item_get_created_at      (FcOutboxItem *self);
const char    *fc_outbox_item_get_subject         (FcOutboxItem *self);
gboolean       fc_outbox_item_equal               (FcOutboxItem *a,
                                                   FcOutboxItem *b);

G_END_DECLS
