/* fc-workout-list-model.c — the workouts the UI lists, filtered
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-store"

#include "config.h"

#include "fc-workout-list-model.h"
#include "fc-store-read.h"

struct _FcWorkoutListModel {
  FcStoreModel           parent_instance;

  /* owned */
  char                  *search;
  char                  *difficulty;

  gint64                 category_id;
  FcWorkoutPremiumFilter premium;
};

G_DEFINE_FINAL_TYPE (FcWorkoutListModel, fc_workout_list_model, FC_TYPE_STORE_MODEL)

enum {
  PROP_0,
  PROP_SEARCH,
  PROP_CATEGORY_ID,
  PROP_DIFFICULTY,
  PROP_PREMIUM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fc_workout_list_model_get_filter (FcStoreModel       *model,
                                  FcStoreModelFilter *filter)
{
  FcWorkoutListModel *self = FC_WORKOUT_LIST_MODEL (model);

  filter->text = g_strdup (self->search);
  filter->text2 = g_strdup (self->difficulty);
  filter->id = self->category_id;
  filter->number = self->premium;
}

static GPtrArray *
fc_workout_list_model_read (gpointer                  db,
                            const FcStoreModelFilter *filter,
                            guint                     offset,
                            guint                     limit,
                            gpointer                  after,
                            guint                    *n_items,
                            GError                  **error)
{
  return fc_store_workouts_read (db, filter->text, filter->id, filter->text2, filter->number,
                                 offset, limit, n_items, error);
}

/* A card on its way reads as an untitled workout. */
static gpointer
fc_workout_list_model_placeholder (FcStoreModel *model)
{
  g_autoptr(JsonObject) workout = json_object_new ();

  json_object_set_int_member (workout, "id", 0);
  json_object_set_string_member (workout, "title", "");
  json_object_set_string_member (workout, "description", "");
  return fc_workout_item_new (workout, NULL);
}

static gboolean
workout_item_equal (gpointer a,
                    gpointer b)
{
  return fc_workout_item_equal (a, b);
}

/* The base class follows "workouts"; the progress bars follow this. */
static void
fc_workout_list_model_constructed (GObject *object)
{
  G_OBJECT_CLASS (fc_workout_list_model_parent_class)->constructed (object);

  fc_store_model_follow (FC_STORE_MODEL (object), FC_STORE_WORKOUT_PROGRESS);
}

static void
fc_workout_list_model_finalize (GObject *object)
{
  FcWorkoutListModel *self = (FcWorkoutListModel *) object;

  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->difficulty, g_free);

  G_OBJECT_CLASS (fc_workout_list_model_parent_class)->finalize (object);
}

static void
fc_workout_list_model_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  FcWorkoutListModel *self = FC_WORKOUT_LIST_MODEL (object);

  switch (prop_id) {
    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;
    case PROP_CATEGORY_ID:
      g_value_set_int64 (value, self->category_id);
      break;
    case PROP_DIFFICULTY:
      g_value_set_string (value, self->difficulty);
      break;
    case PROP_PREMIUM:
      g_value_set_int (value, self->premium);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_workout_list_model_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  FcWorkoutListModel *self = FC_WORKOUT_LIST_MODEL (object);

  switch (prop_id) {
    case PROP_SEARCH:
      fc_workout_list_model_set_search (self, g_value_get_string (value));
      break;
    case PROP_CATEGORY_ID:
      fc_workout_list_model_set_category_id (self, g_value_get_int64 (value));
      break;
    case PROP_DIFFICULTY:
      fc_workout_list_model_set_difficulty (self, g_value_get_string (value));
      break;
    case PROP_PREMIUM:
      fc_workout_list_model_set_premium (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

/* g_set_str() is GLib 2.76. An empty string means "all", as NULL does. */
static void
fc_workout_list_model_class_init (FcWorkoutListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  FcStoreModelClass *model_class = FC_STORE_MODEL_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = fc_workout_list_model_constructed;
  object_class->finalize = fc_workout_list_model_finalize;
  object_class->get_property = fc_workout_list_model_get_property;
  object_class->set_property = fc_workout_list_model_set_property;

  model_class->resource = FC_STORE_WORKOUTS;
  model_class->item_type = FC_TYPE_WORKOUT_ITEM;
  model_class->get_filter = fc_workout_list_model_get_filter;
  model_class->read = fc_workout_list_model_read;
  model_class->placeholder = fc_workout_list_model_placeholder;
  model_class->equal = workout_item_equal;

  properties[PROP_SEARCH] = g_param_spec_string ("search", NULL, NULL, NULL, flags);
  properties[PROP_CATEGORY_ID] =
    g_param_spec_int64 ("category-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DIFFICULTY] = g_param_spec_string ("difficulty", NULL, NULL, NULL, flags);
  /* An FcWorkoutPremiumFilter. */
  properties[PROP_PREMIUM] =
    g_param_spec_int ("premium", NULL, NULL, FC_WORKOUT_PREMIUM_ANY, FC_WORKOUT_PREMIUM_ONLY,
                      FC_WORKOUT_PREMIUM_ANY, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_workout_list_model_init (FcWorkoutListModel *self)
{
  self->premium = FC_WORKOUT_PREMIUM_ANY;
}

FcWorkoutListModel *
fc_workout_list_model_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);

  return g_object_new (FC_TYPE_WORKOUT_LIST_MODEL, "store", store, NULL);
}

const char *
fc_workout_list_model_get_search (FcWorkoutListModel *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_LIST_MODEL (self), NULL);

  return self->search;
}

void
fc_workout_list_model_set_search (FcWorkoutListModel *self,
                                  const char         *search)
{
  g_return_if_fail (FC_IS_WORKOUT_LIST_MODEL (self));

  /* "" is no filter, like NULL. */
  if (search != NULL && *search == '\0')
    search = NULL;
  if (fc_store_model_set_filter (FC_STORE_MODEL (self), &self->search, search))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

gint64
fc_workout_list_model_get_category_id (FcWorkoutListModel *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_LIST_MODEL (self), 0);

  return self->category_id;
}

void
fc_workout_list_model_set_category_id (FcWorkoutListModel *self,
                                       gint64              category_id)
{
  g_return_if_fail (FC_IS_WORKOUT_LIST_MODEL (self));

  category_id = MAX (category_id, 0);
  if (self->category_id == category_id)
    return;
  self->category_id = category_id;
  fc_store_model_reload (FC_STORE_MODEL (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATEGORY_ID]);
}

const char *
fc_workout_list_model_get_difficulty (FcWorkoutListModel *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_LIST_MODEL (self), NULL);

  return self->difficulty;
}

void
fc_workout_list_model_set_difficulty (FcWorkoutListModel *self,
                                      const char         *difficulty)
{
  g_return_if_fail (FC_IS_WORKOUT_LIST_MODEL (self));

  /* "" is no filter, like NULL. */
  if (difficulty != NULL && *difficulty == '\0')
    difficulty = NULL;
  if (fc_store_model_set_filter (FC_STORE_MODEL (self), &self->difficulty, difficulty))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFFICULTY]);
}

FcWorkoutPremiumFilter
fc_workout_list_model_get_premium (FcWorkoutListModel *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_LIST_MODEL (self), FC_WORKOUT_PREMIUM_ANY);

  return self->premium;
}

void
fc_workout_list_model_set_premium (FcWorkoutListModel     *self,
                                   FcWorkoutPremiumFilter  premium)
{
  g_return_if_fail (FC_IS_WORKOUT_LIST_MODEL (self));
  g_return_if_fail (premium <= FC_WORKOUT_PREMIUM_ONLY);

  if (self->premium == premium)
    return;
  self->premium = premium;
  fc_store_model_reload (FC_STORE_MODEL (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREMIUM]);
}
