/* fc-upload-item.c — one video file in the admin upload queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fitcore-upload"

#include "config.h"

#include "fc-upload-item.h"

#include "fc-json.h"

struct _FcUploadItem
{
  GObject        parent_instance;

  gint64         id;
  char          *path;
  char          *filename;
  guint64        size;
  gint64         mtime;
  char          *upload_id;
  gint64         workout;
  char          *title;
  char          *description;
  gboolean       is_free;
  guint64        sent;
  double         speed;
  FcUploadState  state;
  char          *error;
  gint64         video;
  gint64         created_at;
};

G_DEFINE_FINAL_TYPE (FcUploadItem, fc_upload_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILENAME,
  PROP_TITLE,
  PROP_SENT,
  PROP_FRACTION,
  PROP_SPEED,
  PROP_STATE,
  PROP_ERROR,
  PROP_VIDEO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const state_names[] = {
  [FC_UPLOAD_STATE_QUEUED] = "queued",
  [FC_UPLOAD_STATE_UPLOADING] = "uploading",
  [FC_UPLOAD_STATE_WAITING] = "waiting",
  [FC_UPLOAD_STATE_PAUSED] = "paused",
  [FC_UPLOAD_STATE_COMPLETING] = "completing",
  [FC_UPLOAD_STATE_DONE] = "done",
  [FC_UPLOAD_STATE_FAILED] = "failed",
};

const char *
fc_upload_state_to_string (FcUploadState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), "failed");
  return state_names[state];
}

FcUploadState
fc_upload_state_from_string (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      return i;
  return FC_UPLOAD_STATE_QUEUED;
}

static void
fc_upload_item_finalize (GObject *object)
{
  FcUploadItem *self = FC_UPLOAD_ITEM (object);

  g_free (self->path);
  g_free (self->filename);
  g_free (self->upload_id);
  g_free (self->title);
  g_free (self->description);
  g_free (self->error);

  G_OBJECT_CLASS (fc_upload_item_parent_class)->finalize (object);
}

static void
fc_upload_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcUploadItem *self = FC_UPLOAD_ITEM (object);

  switch (prop_id) {
  case PROP_FILENAME:
    g_value_set_string (value, self->filename);
    break;
  case PROP_TITLE:
    g_value_set_string (value, self->title);
    break;
  case PROP_SENT:
    g_value_set_uint64 (value, self->sent);
    break;
  case PROP_FRACTION:
    g_value_set_double (value, fc_upload_item_get_fraction (self));
    break;
  case PROP_SPEED:
    g_value_set_double (value, self->speed);
    break;
  case PROP_STATE:
    g_value_set_int (value, self->state);
    break;
  case PROP_ERROR:
    g_value_set_string (value, self->error);
    break;
  case PROP_VIDEO:
    g_value_set_int64 (value, self->video);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_upload_item_class_init (FcUploadItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fc_upload_item_finalize;
  object_class->get_property = fc_upload_item_get_property;

  properties[PROP_FILENAME] = g_param_spec_string ("filename", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_SENT] = g_param_spec_uint64 ("sent", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, FC_UPLOAD_STATE_FAILED, 0,
                                             flags);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  properties[PROP_VIDEO] = g_param_spec_int64 ("video", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_upload_item_init (FcUploadItem *self)
{
}

static gint64
row_int (JsonObject *row,
         const char *name)
{
  gint64 value = 0;

  fc_json_get_int (row, name, &value);
  return value;
}

FcUploadItem *
fc_upload_item_new_from_row (JsonObject *row)
{
  FcUploadItem *self;

  g_return_val_if_fail (row != NULL, NULL);

  self = g_object_new (FC_TYPE_UPLOAD_ITEM, NULL);
  self->id = row_int (row, "id");
  self->path = g_strdup (fc_json_get_string (row, "path"));
  self->filename = self->path != NULL ? g_path_get_basename (self->path) : g_strdup ("");
  self->size = (guint64) MAX (row_int (row, "size"), 0);
  self->mtime = row_int (row, "mtime");
  self->upload_id = g_strdup (fc_json_get_string (row, "upload_id"));
  self->workout = row_int (row, "workout");
  self->title = g_strdup (fc_json_get_string (row, "title") ?: "");
  self->description = g_strdup (fc_json_get_string (row, "description") ?: "");
  fc_json_get_boolean (row, "is_free", &self->is_free);
  self->sent = (guint64) MAX (row_int (row, "sent"), 0);
  self->state = fc_upload_state_from_string (fc_json_get_string (row, "state"));
  self->error = g_strdup (fc_json_get_string (row, "error"));
  self->video = row_int (row, "video");
  self->created_at = row_int (row, "created_at");
  return self;
}

JsonObject *
fc_upload_item_to_row (FcUploadItem *self)
{
  JsonObject *row = json_object_new ();

  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), row);

  if (self->id > 0)
    json_object_set_int_member (row, "id", self->id);
  json_object_set_string_member (row, "path", self->path);
  json_object_set_int_member (row, "size", (gint64) self->size);
  json_object_set_int_member (row, "mtime", self->mtime);
  if (self->upload_id != NULL)
    json_object_set_string_member (row, "upload_id", self->upload_id);
  json_object_set_int_member (row, "workout", self->workout);
  json_object_set_string_member (row, "title", self->title);
  json_object_set_string_member (row, "description", self->description);
  json_object_set_boolean_member (row, "is_free", self->is_free);
  json_object_set_int_member (row, "sent", (gint64) self->sent);
  json_object_set_string_member (row, "state", fc_upload_state_to_string (self->state));
  if (self->error != NULL)
    json_object_set_string_member (row, "error", self->error);
  if (self->video > 0)
    json_object_set_int_member (row, "video", self->video);
  json_object_set_int_member (row, "created_at",
                              self->created_at > 0 ? self->created_at : g_get_real_time ());
  return row;
}

gint64
fc_upload_item_get_id (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), 0);
  return self->id;
}

const char *
fc_upload_item_get_path (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), NULL);
  return self->path;
}

const char *
fc_upload_item_get_filename (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), NULL);
  return self->filename;
}

guint64
fc_upload_item_get_size (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), 0);
  return self->size;
}

gint64
fc_upload_item_get_mtime (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), 0);
  return self->mtime;
}

const char *
fc_upload_item_get_upload_id (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), NULL);
  return self->upload_id;
}

gint64
fc_upload_item_get_workout (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), 0);
  return self->workout;
}

const char *
fc_upload_item_get_title (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), NULL);
  return self->title;
}

const char *
fc_upload_item_get_description (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), NULL);
  return self->description;
}

gboolean
fc_upload_item_get_is_free (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), FALSE);
  return self->is_free;
}

guint64
fc_upload_item_get_sent (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), 0);
  return self->sent;
}

double
fc_upload_item_get_fraction (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), 0);
  if (self->state == FC_UPLOAD_STATE_DONE)
    return 1;
  return self->size > 0 ? CLAMP ((double) self->sent / (double) self->size, 0, 1) : 0;
}

double
fc_upload_item_get_speed (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), 0);
  return self->speed;
}

FcUploadState
fc_upload_item_get_state (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), FC_UPLOAD_STATE_FAILED);
  return self->state;
}

const char *
fc_upload_item_get_error (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), NULL);
  return self->error;
}

gint64
fc_upload_item_get_video (FcUploadItem *self)
{
  g_return_val_if_fail (FC_IS_UPLOAD_ITEM (self), 0);
  return self->video;
}

void
fc_upload_item_set_id (FcUploadItem *self,
                       gint64        id)
{
  g_return_if_fail (FC_IS_UPLOAD_ITEM (self));
  self->id = id;
}

void
fc_upload_item_set_upload_id (FcUploadItem *self,
                              const char   *upload_id)
{
  g_return_if_fail (FC_IS_UPLOAD_ITEM (self));
  g_free (self->upload_id);
  self->upload_id = g_strdup (upload_id);
}

void
fc_upload_item_set_sent (FcUploadItem *self,
                         guint64       sent)
{
  g_return_if_fail (FC_IS_UPLOAD_ITEM (self));
  if (self->sent == sent)
    return;
  self->sent = sent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

void
fc_upload_item_set_speed (FcUploadItem *self,
                          double        speed)
{
  g_return_if_fail (FC_IS_UPLOAD_ITEM (self));
  if (self->speed == speed)
    return;
  self->speed = speed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

void
fc_upload_item_set_state (FcUploadItem  *self,
                          FcUploadState  state,
                          const char    *error)
{
  g_return_if_fail (FC_IS_UPLOAD_ITEM (self));

  if (g_strcmp0 (self->error, error) != 0) {
    g_free (self->error);
    self->error = g_strdup (error);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  }
  if (self->state != state) {
    self->state = state;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  }
}

void
fc_upload_item_set_video (FcUploadItem *self,
                          gint64        video)
{
  g_return_if_fail (FC_IS_UPLOAD_ITEM (self));
  if (self->video == video)
    return;
  self->video = video;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO]);
}
