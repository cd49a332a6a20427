/* fc-outbox-item.c — one queued write, as the sync engine and the UI see it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-outbox-item.h"
#include "fc-store-private.h"

/* A snapshot of the row when it was read; the store hands out a new one
 * after each change. */

G_DEFINE_FINAL_TYPE (FcOutboxItem, fc_outbox_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_METHOD,
  PROP_PATH,
  PROP_BODY,
  PROP_RESOURCE,
  PROP_OBJECT_ID,
  PROP_STATE,
  PROP_ATTEMPTS,
  PROP_HTTP_STATUS,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fc_outbox_item_finalize (GObject *object)
{
  FcOutboxItem *self = (FcOutboxItem *) object;

  g_free (self->method);
  g_free (self->path);
  g_free (self->body);
  g_free (self->idempotency_key);
  g_free (self->resource);
  g_free (self->error_message);
  g_free (self->field_errors);
  g_free (self->subject);

  G_OBJECT_CLASS (fc_outbox_item_parent_class)->finalize (object);
}

static void
fc_outbox_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcOutboxItem *self = FC_OUTBOX_ITEM (object);

  switch (prop_id) {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_METHOD:
      g_value_set_string (value, self->method);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;
    case PROP_RESOURCE:
      g_value_set_string (value, self->resource);
      break;
    case PROP_OBJECT_ID:
      g_value_set_int64 (value, self->object_id);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->attempts);
      break;
    case PROP_HTTP_STATUS:
      g_value_set_uint (value, self->http_status);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_outbox_item_class_init (FcOutboxItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fc_outbox_item_finalize;
  object_class->get_property = fc_outbox_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_METHOD] = g_param_spec_string ("method", NULL, NULL, NULL, flags);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_BODY] = g_param_spec_string ("body", NULL, NULL, NULL, flags);
  properties[PROP_RESOURCE] = g_param_spec_string ("resource", NULL, NULL, NULL, flags);
  properties[PROP_OBJECT_ID] =
    g_param_spec_int64 ("object-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, FC_OUTBOX_STATE_PENDING, FC_OUTBOX_STATE_REJECTED,
                      FC_OUTBOX_STATE_PENDING, flags);
  properties[PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_HTTP_STATUS] =
    g_param_spec_uint ("http-status", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_outbox_item_init (FcOutboxItem *self)
{
}

gint64
fc_outbox_item_get_id (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), 0);
  return self->id;
}

const char *
fc_outbox_item_get_method (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), NULL);
  return self->method;
}

/* Relative to the API root, e.g. "nutrition/foods/12/". */
const char *
fc_outbox_item_get_path (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), NULL);
  return self->path;
}

/* JSON text, or %NULL for a DELETE. */
const char *
fc_outbox_item_get_body (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), NULL);
  return self->body;
}

const char *
fc_outbox_item_get_idempotency_key (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), NULL);
  return self->idempotency_key;
}

const char *
fc_outbox_item_get_resource (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), NULL);
  return self->resource;
}

/* The object the row writes: negative while it is a local one. */
gint64
fc_outbox_item_get_object_id (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), 0);
  return self->object_id;
}

FcOutboxState
fc_outbox_item_get_state (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), FC_OUTBOX_STATE_PENDING);
  return self->state;
}

guint
fc_outbox_item_get_attempts (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), 0);
  return self->attempts;
}

/* g_get_real_time() microseconds; 0 when it may go now. */
gint64
fc_outbox_item_get_next_attempt (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), 0);
  return self->next_attempt;
}

guint
fc_outbox_item_get_http_status (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), 0);
  return self->http_status;
}

const char *
fc_outbox_item_get_error_message (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), NULL);
  return self->error_message;
}

/* The server's DRF error body as JSON text, for the edit form. */
const char *
fc_outbox_item_get_field_errors (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), NULL);
  return self->field_errors;
}

gint64
fc_outbox_item_get_created_at (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), 0);
  return self->created_at;
}

/* What the row's change is about, in the words of the edit (a workout's
 * title, an account's e-mail), or NULL. */
const char *
fc_outbox_item_get_subject (FcOutboxItem *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ITEM (self), NULL);
  return self->subject;
}

gboolean
fc_outbox_item_equal (FcOutboxItem *a,
                      FcOutboxItem *b)
{
  return a->id == b->id && a->state == b->state && a->attempts == b->attempts &&
         a->next_attempt == b->next_attempt && a->http_status == b->http_status &&
         a->object_id == b->object_id &&
         g_strcmp0 (a->path, b->path) == 0 && g_strcmp0 (a->body, b->body) == 0 &&
         g_strcmp0 (a->error_message, b->error_message) == 0 &&
         g_strcmp0 (a->field_errors, b->field_errors) == 0 &&
         g_strcmp0 (a->idempotency_key, b->idempotency_key) == 0 &&
         g_strcmp0 (a->subject, b->subject) == 0;
}
