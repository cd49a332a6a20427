/* fc-workout-item.c — one workout as the Workouts grid shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-workout-item.h"

#include "fc-json.h"

/* Immutable, like FcFoodItem: the store builds a new item when the
 * workout or the user's progress changes, and the list model replaces it. */

struct _FcWorkoutItem {
  GObject     parent_instance;

  /* owned */
  JsonObject *object;
  char       *category_name;
  GStrv       goals;
  char       *stamp;        /* what equality compares */

  gint64      id;
  gint64      category_id;
  gint64      duration;
  gint64      last_video;
  double      progress;
  double      position;
  guint       video_count;
  guint       is_premium : 1;
  guint       completed : 1;
};

G_DEFINE_FINAL_TYPE (FcWorkoutItem, fc_workout_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_DIFFICULTY,
  PROP_CATEGORY_ID,
  PROP_CATEGORY_NAME,
  PROP_GOALS,
  PROP_IS_PREMIUM,
  PROP_THUMBNAIL_URL,
  PROP_DURATION,
  PROP_VIDEO_COUNT,
  PROP_PROGRESS,
  PROP_COMPLETED,
  PROP_LAST_VIDEO,
  PROP_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = NULL;

  if (object == NULL)
    return g_strdup ("null");
  node = json_node_init_object (json_node_alloc (), object);
  return fc_json_to_string (node, FALSE);
}

static void
fc_workout_item_finalize (GObject *object)
{
  FcWorkoutItem *self = (FcWorkoutItem *) object;

  g_clear_pointer (&self->object, json_object_unref);
  g_clear_pointer (&self->category_name, g_free);
  g_clear_pointer (&self->goals, g_strfreev);
  g_clear_pointer (&self->stamp, g_free);

  G_OBJECT_CLASS (fc_workout_item_parent_class)->finalize (object);
}

static void
fc_workout_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FcWorkoutItem *self = FC_WORKOUT_ITEM (object);

  switch (prop_id) {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, fc_workout_item_get_title (self));
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, fc_workout_item_get_description (self));
      break;
    case PROP_DIFFICULTY:
      g_value_set_string (value, fc_workout_item_get_difficulty (self));
      break;
    case PROP_CATEGORY_ID:
      g_value_set_int64 (value, self->category_id);
      break;
    case PROP_CATEGORY_NAME:
      g_value_set_string (value, self->category_name);
      break;
    case PROP_GOALS:
      g_value_set_boxed (value, self->goals);
      break;
    case PROP_IS_PREMIUM:
      g_value_set_boolean (value, self->is_premium);
      break;
    case PROP_THUMBNAIL_URL:
      g_value_set_string (value, fc_workout_item_get_thumbnail_url (self));
      break;
    case PROP_DURATION:
      g_value_set_int64 (value, self->duration);
      break;
    case PROP_VIDEO_COUNT:
      g_value_set_uint (value, self->video_count);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_COMPLETED:
      g_value_set_boolean (value, self->completed);
      break;
    case PROP_LAST_VIDEO:
      g_value_set_int64 (value, self->last_video);
      break;
    case PROP_POSITION:
      g_value_set_double (value, self->position);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_workout_item_class_init (FcWorkoutItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fc_workout_item_finalize;
  object_class->get_property = fc_workout_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_DIFFICULTY] = g_param_spec_string ("difficulty", NULL, NULL, NULL, flags);
  properties[PROP_CATEGORY_ID] =
    g_param_spec_int64 ("category-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CATEGORY_NAME] = g_param_spec_string ("category-name", NULL, NULL, NULL, flags);
  properties[PROP_GOALS] = g_param_spec_boxed ("goals", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_IS_PREMIUM] = g_param_spec_boolean ("is-premium", NULL, NULL, FALSE, flags);
  properties[PROP_THUMBNAIL_URL] = g_param_spec_string ("thumbnail-url", NULL, NULL, NULL, flags);
  properties[PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_VIDEO_COUNT] =
    g_param_spec_uint ("video-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 100, 0, flags);
  properties[PROP_COMPLETED] = g_param_spec_boolean ("completed", NULL, NULL, FALSE, flags);
  properties[PROP_LAST_VIDEO] =
    g_param_spec_int64 ("last-video", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_POSITION] =
    g_param_spec_double ("position", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_workout_item_init (FcWorkoutItem *self)
{
}

/* The item keeps @workout itself (the store hands over a fresh object), so
 * callers must not change it afterwards. */
FcWorkoutItem *
fc_workout_item_new (JsonObject *workout,
                     JsonObject *progress)
{
  FcWorkoutItem *self;
  JsonObject *detail;
  JsonArray *goals;
  JsonArray *videos;
  g_autofree char *workout_text = NULL;
  g_autofree char *progress_text = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gint64 number;
  double real;

  g_return_val_if_fail (workout != NULL, NULL);

  self = g_object_new (FC_TYPE_WORKOUT_ITEM, NULL);
  self->object = json_object_ref (workout);
  fc_json_get_int (workout, "id", &self->id);
  if (fc_json_get_int (workout, "category", &number) && number > 0)
    self->category_id = number;
  detail = fc_json_get_object (workout, "category_detail");
  self->category_name = g_strdup (fc_json_get_string (detail, "name"));
  goals = fc_json_get_array (workout, "goals");
  for (guint i = 0; goals != NULL && i < json_array_get_length (goals); i++) {
    JsonNode *node = json_array_get_element (goals, i);

    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      g_strv_builder_add (builder, json_node_get_string (node));
  }
  self->goals = g_strv_builder_end (builder);
  {
    gboolean premium = FALSE;

    fc_json_get_boolean (workout, "is_premium", &premium);
    self->is_premium = premium;
  }
  if (fc_json_get_int (workout, "duration", &number) && number > 0)
    self->duration = number;
  videos = fc_json_get_array (workout, "videos");
  if (videos != NULL)
    self->video_count = json_array_get_length (videos);
  else if (fc_json_get_int (workout, "video_count", &number) && number > 0)
    self->video_count = number;

  if (progress != NULL) {
    if (fc_json_get_double (progress, "progress_percentage", &real))
      self->progress = CLAMP (real, 0.0, 100.0);
    if (fc_json_get_double (progress, "position_seconds", &real) && real > 0)
      self->position = real;
    if (fc_json_get_int (progress, "last_video", &number) && number > 0)
      self->last_video = number;
    self->completed = self->progress >= 100.0 ||
                      fc_json_get_string (progress, "completed_at") != NULL;
  }

  workout_text = object_to_text (workout);
  progress_text = object_to_text (progress);
  self->stamp = g_strconcat (workout_text, "\n", progress_text, NULL);
  return self;
}

/* Whether two items show the same thing (for FcStoreModel). */
gboolean
fc_workout_item_equal (FcWorkoutItem *a,
                       FcWorkoutItem *b)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (a), FALSE);
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (b), FALSE);

  return g_str_equal (a->stamp, b->stamp);
}

gint64
fc_workout_item_get_id (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), 0);
  return self->id;
}

const char *
fc_workout_item_get_title (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), NULL);
  return fc_json_get_string (self->object, "title");
}

const char *
fc_workout_item_get_description (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), NULL);
  return fc_json_get_string (self->object, "description");
}

const char *
fc_workout_item_get_difficulty (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), NULL);
  return fc_json_get_string (self->object, "difficulty");
}

gint64
fc_workout_item_get_category_id (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), 0);
  return self->category_id;
}

const char *
fc_workout_item_get_category_name (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), NULL);
  return self->category_name;
}

/* Not in the header's list of getters, but the "goals" property is. */
const char * const *
fc_workout_item_get_goals (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), NULL);
  return (const char * const *) self->goals;
}

gboolean
fc_workout_item_get_is_premium (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), FALSE);
  return self->is_premium;
}

const char *
fc_workout_item_get_thumbnail_url (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), NULL);
  return fc_json_get_string (self->object, "thumbnail");
}

gint64
fc_workout_item_get_duration (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), 0);
  return self->duration;
}

guint
fc_workout_item_get_video_count (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), 0);
  return self->video_count;
}

double
fc_workout_item_get_progress (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), 0);
  return self->progress;
}

gboolean
fc_workout_item_get_completed (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), FALSE);
  return self->completed;
}

gint64
fc_workout_item_get_last_video (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), 0);
  return self->last_video;
}

double
fc_workout_item_get_position (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), 0);
  return self->position;
}

JsonObject *
fc_workout_item_get_object (FcWorkoutItem *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (self), NULL);
  return self->object;
}
