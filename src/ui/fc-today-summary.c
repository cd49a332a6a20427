/* fc-today-summary.c — the Today dashboard's numbers, read from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-today-summary"

#include "config.h"

#include <math.h>

#include "fc-today-summary.h"

#include "fc-json.h"
#include "fc-store-health.h"
#include "fc-time.h"

/* A weigh-in 30 days before the latest is what the change is against. */
#define CHANGE_SPAN_S (30 * 24 * 3600)
/* Enough for every weigh-in of 30 days, however often one weighs. */
#define CHANGE_LIST_LIMIT 10000

struct _FcTodaySummary
{
  GObject        parent_instance;

  GDate          today;
  GDate          week_start;

  FcPlanLayout  *plan;           /* NULL: no plan covers today */
  guint          plan_day;
  gboolean       any_plan;

  FcWorkoutItem *resume;
  guint          n_workouts;
  guint          week_completed;
  guint          streak;

  gboolean       has_weight;
  double         weight;
  gint64         weight_at;
  double         weight_change;
  double         weight_days[FC_TODAY_WEIGHT_DAYS];

  gboolean       has_steps;
  double         steps;
  double         steps_goal;
};

G_DEFINE_FINAL_TYPE (FcTodaySummary, fc_today_summary, G_TYPE_OBJECT)

typedef enum {
  STEP_PLANS,
  STEP_MEALS,
  STEP_PROGRESS,
  STEP_WORKOUTS,
  STEP_HEALTH_TYPES,
  STEP_WEIGHT_LATEST,
  STEP_WEIGHT_BEFORE,
  STEP_WEIGHT_AFTER,
  STEP_WEIGHT_DAYS,
  STEP_STEPS,
  STEP_GOALS,
  STEP_DONE,
} Step;

typedef struct {
  FcStore        *store;
  GTimeZone      *tz;
  FcTodaySummary *summary;
  Step            step;
  JsonArray      *plans;
  JsonArray      *progress;
  gint64          day_edges[FC_TODAY_WEIGHT_DAYS + 1];  /* local midnights */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->tz, g_time_zone_unref);
  g_clear_object (&data->summary);
  g_clear_pointer (&data->plans, json_array_unref);
  g_clear_pointer (&data->progress, json_array_unref);
  g_free (data);
}

static void load_next (GTask *task);

/* The first second of local @date in @tz (an earlier second when a DST
 * change skips midnight: GLib moves such a time forward, never back). */
static gint64
local_midnight (GTimeZone   *tz,
                const GDate *date)
{
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_get_year (date),
                                                   g_date_get_month (date),
                                                   g_date_get_day (date), 0, 0, 0);

  return g_date_time_to_unix (midnight);
}

/* The local day of an ISO 8601 timestamp; FALSE when it is not one. */
static gboolean
local_date (GTimeZone  *tz,
            const char *iso8601,
            GDate      *out_date)
{
  g_autoptr(GDateTime) utc = iso8601 != NULL ? fc_time_parse_iso8601 (iso8601) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return FALSE;
  local = g_date_time_to_timezone (utc, tz);
  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, (GDateDay) g_date_time_get_day_of_month (local),
                  (GDateMonth) g_date_time_get_month (local),
                  (GDateYear) g_date_time_get_year (local));
  return TRUE;
}

static gint64
point_time (JsonObject *point)
{
  g_autoptr(GDateTime) at = NULL;
  const char *text = point != NULL ? fc_json_get_string (point, "recorded_at") : NULL;

  at = text != NULL ? fc_time_parse_iso8601 (text) : NULL;
  return at != NULL ? g_date_time_to_unix (at) : 0;
}

/* Plans made on this device have negative ids, newer the lower; they are
 * newer than any the server numbered. */
static gint
compare_plan_ids (gint64 a,
                  gint64 b)
{
  if ((a < 0) != (b < 0))
    return a < 0 ? -1 : 1;
  if (a < 0)
    return a < b ? -1 : (a > b);
  return a > b ? -1 : (a < b);
}

static void
pick_plan (FcTodaySummary *self,
           JsonArray      *plans,
           JsonArray      *meals)
{
  JsonObject *best = NULL;
  gint64 best_id = 0;
  guint n = plans != NULL ? json_array_get_length (plans) : 0;

  for (guint i = 0; i < n; i++) {
    JsonObject *plan = json_array_get_object_element (plans, i);
    g_autoptr(FcPlanLayout) layout = NULL;
    gboolean is_template = FALSE, is_active = TRUE;
    gint64 id = 0;

    if (plan == NULL)
      continue;
    fc_json_get_boolean (plan, "is_template", &is_template);
    if (is_template)
      continue;
    self->any_plan = TRUE;
    fc_json_get_boolean (plan, "is_active", &is_active);
    fc_json_get_int (plan, "id", &id);
    if (!is_active || (best != NULL && compare_plan_ids (id, best_id) >= 0))
      continue;
    layout = fc_plan_layout_new (plan, NULL);
    if (fc_plan_layout_day_for_date (layout, &self->today) == 0)
      continue;
    best = plan;
    best_id = id;
  }

  if (best != NULL) {
    self->plan = fc_plan_layout_new (best, meals);
    self->plan_day = fc_plan_layout_day_for_date (self->plan, &self->today);
  }
}

static gboolean
has_resume_point (JsonObject *progress)
{
  double percentage = 0, position = 0;
  gint64 video = 0;

  if (fc_json_get_string (progress, "completed_at") != NULL)
    return FALSE;
  fc_json_get_double (progress, "progress_percentage", &percentage);
  fc_json_get_double (progress, "position_seconds", &position);
  fc_json_get_int (progress, "last_video", &video);
  return percentage < 100 && (percentage > 0 || position > 0 || video > 0);
}

/* > 0 when @a changed after @b (see fc_today_summary_load_async()). */
static gint
compare_progress (JsonObject *a,
                  JsonObject *b)
{
  gboolean a_dirty = FALSE, b_dirty = FALSE;
  gint64 a_id = 0, b_id = 0;
  gint order;

  fc_json_get_boolean (a, "dirty", &a_dirty);
  fc_json_get_boolean (b, "dirty", &b_dirty);
  if (a_dirty != b_dirty)
    return a_dirty ? 1 : -1;
  /* The server writes one format (fc_time_format_iso8601), so the text
   * sorts as the time does. */
  order = g_strcmp0 (fc_json_get_string (a, "updated_at"), fc_json_get_string (b, "updated_at"));
  if (order != 0)
    return order;
  fc_json_get_int (a, "id", &a_id);
  fc_json_get_int (b, "id", &b_id);
  return (a_id > b_id) - (a_id < b_id);
}

static void
count_workouts (FcTodaySummary *self,
                GTimeZone      *tz,
                JsonArray      *progress,
                GPtrArray      *workouts)
{
  g_autoptr(GHashTable) days = g_hash_table_new (NULL, NULL);
  JsonObject *latest = NULL;
  gint64 latest_workout = 0;
  guint n = progress != NULL ? json_array_get_length (progress) : 0;
  guint32 day;

  self->n_workouts = workouts->len;

  for (guint i = 0; i < n; i++) {
    JsonObject *object = json_array_get_object_element (progress, i);
    GDate date;

    if (object == NULL)
      continue;
    if (local_date (tz, fc_json_get_string (object, "completed_at"), &date)) {
      guint32 julian = g_date_get_julian (&date);

      g_hash_table_add (days, GUINT_TO_POINTER (julian));
      if (g_date_compare (&date, &self->week_start) >= 0 &&
          g_date_compare (&date, &self->today) <= 0)
        self->week_completed++;
    }
    if (has_resume_point (object) && (latest == NULL || compare_progress (object, latest) > 0))
      latest = object;
  }

  /* The streak may end yesterday: today's workout may be still to come. */
  day = g_date_get_julian (&self->today);
  if (!g_hash_table_contains (days, GUINT_TO_POINTER (day)))
    day--;
  while (day > 0 && g_hash_table_contains (days, GUINT_TO_POINTER (day))) {
    self->streak++;
    day--;
  }

  if (latest == NULL || !fc_json_get_int (latest, "workout", &latest_workout))
    return;
  for (guint i = 0; i < workouts->len; i++) {
    FcWorkoutItem *item = g_ptr_array_index (workouts, i);

    if (fc_workout_item_get_id (item) == latest_workout) {
      self->resume = g_object_ref (item);
      break;
    }
  }
}

static void
objects_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(JsonArray) objects = NULL;
  g_autoptr(GError) error = NULL;

  objects = fc_store_list_objects_finish (FC_STORE (object), result, &error);
  if (objects == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  switch (data->step) {
    case STEP_PLANS:
      data->plans = g_steal_pointer (&objects);
      data->step = STEP_MEALS;
      break;
    case STEP_MEALS:
      pick_plan (data->summary, data->plans, objects);
      data->step = STEP_PROGRESS;
      break;
    case STEP_PROGRESS:
      data->progress = g_steal_pointer (&objects);
      data->step = STEP_WORKOUTS;
      break;
    default:
      g_assert_not_reached ();
  }
  load_next (g_steal_pointer (&task));
}

static void
workouts_listed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) workouts = NULL;
  g_autoptr(GError) error = NULL;

  workouts = fc_store_list_workouts_finish (FC_STORE (object), result, &error);
  if (workouts == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  count_workouts (data->summary, data->tz, data->progress, workouts);
  data->step = STEP_HEALTH_TYPES;
  load_next (g_steal_pointer (&task));
}

static void
health_types_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) types = NULL;
  g_autoptr(GError) error = NULL;

  types = fc_store_health_types_finish (FC_STORE (object), result, &error);
  if (types == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  for (guint i = 0; i < types->len; i++) {
    FcHealthTypeSummary *type = g_ptr_array_index (types, i);

    if (type->count == 0)
      continue;
    if (g_strcmp0 (type->data_type, "weight") == 0)
      data->summary->has_weight = TRUE;
    else if (g_strcmp0 (type->data_type, "steps") == 0)
      data->summary->has_steps = TRUE;
  }
  data->step = data->summary->has_weight ? STEP_WEIGHT_LATEST : STEP_STEPS;
  load_next (g_steal_pointer (&task));
}

static void
weight_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  FcTodaySummary *self = data->summary;
  g_autoptr(JsonArray) points = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  points = fc_store_health_list_finish (FC_STORE (object), result, &error);
  if (points == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  n = json_array_get_length (points);

  switch (data->step) {
    case STEP_WEIGHT_LATEST:
      /* Every weigh-in is after today: nothing to show as "latest". */
      if (n == 0 || !fc_json_get_double (json_array_get_object_element (points, 0), "value",
                                         &self->weight)) {
        self->has_weight = FALSE;
        data->step = STEP_STEPS;
        break;
      }
      self->weight_at = point_time (json_array_get_object_element (points, 0));
      data->step = STEP_WEIGHT_BEFORE;
      break;

    case STEP_WEIGHT_BEFORE:
    case STEP_WEIGHT_AFTER: {
      /* Newest first: before the span, the first is the one; after it,
       * the last (the earliest) is. */
      JsonObject *point = n == 0 ? NULL
                        : json_array_get_object_element (points, data->step == STEP_WEIGHT_BEFORE
                                                                 ? 0 : n - 1);
      double value;

      if (point != NULL && fc_json_get_double (point, "value", &value)) {
        self->weight_change = self->weight - value;
        data->step = STEP_WEIGHT_DAYS;
      } else {
        data->step = data->step == STEP_WEIGHT_BEFORE ? STEP_WEIGHT_AFTER : STEP_WEIGHT_DAYS;
      }
      break;
    }

    default:
      g_assert_not_reached ();
  }
  load_next (g_steal_pointer (&task));
}

static void
buckets_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GArray) buckets = NULL;
  g_autoptr(GError) error = NULL;

  buckets = fc_store_health_buckets_finish (FC_STORE (object), result, &error);
  if (buckets == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (data->step == STEP_WEIGHT_DAYS) {
    for (guint i = 0; i < MIN (buckets->len, FC_TODAY_WEIGHT_DAYS); i++) {
      FcHealthBucket *bucket = &g_array_index (buckets, FcHealthBucket, i);

      data->summary->weight_days[i] = bucket->count > 0 ? bucket->avg : NAN;
    }
    data->step = STEP_STEPS;
  } else {
    if (buckets->len > 0)
      data->summary->steps = g_array_index (buckets, FcHealthBucket, 0).sum;
    data->step = STEP_GOALS;
  }
  load_next (g_steal_pointer (&task));
}

static void
goals_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) goals = NULL;
  g_autoptr(GError) error = NULL;
  double goal;

  goals = fc_store_health_get_goals_finish (FC_STORE (object), result, &error);
  if (goals == NULL && error != NULL &&
      !g_error_matches (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (goals != NULL && fc_json_get_double (goals, "daily_steps", &goal) && goal > 0)
    data->summary->steps_goal = goal;
  data->step = STEP_DONE;
  load_next (g_steal_pointer (&task));
}

/* One store read per step, each answer handled by its callback, which
 * moves data->step on and calls back here. */
static void
load_next (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);
  FcTodaySummary *self = data->summary;
  GCancellable *cancellable = g_task_get_cancellable (task);

  switch (data->step) {
    case STEP_PLANS:
      fc_store_list_objects_async (data->store, FC_STORE_MEAL_PLANS, cancellable,
                                   objects_listed_cb, task);
      return;
    case STEP_MEALS:
      fc_store_list_objects_async (data->store, FC_STORE_MEALS, cancellable,
                                   objects_listed_cb, task);
      return;
    case STEP_PROGRESS:
      fc_store_list_objects_async (data->store, FC_STORE_WORKOUT_PROGRESS, cancellable,
                                   objects_listed_cb, task);
      return;
    case STEP_WORKOUTS:
      fc_store_list_workouts_async (data->store, NULL, 0, NULL, 0, cancellable,
                                    workouts_listed_cb, task);
      return;
    case STEP_HEALTH_TYPES:
      fc_store_health_types_async (data->store, cancellable, health_types_cb, task);
      return;
    case STEP_WEIGHT_LATEST:
      fc_store_health_list_async (data->store, "weight", 0,
                                  data->day_edges[FC_TODAY_WEIGHT_DAYS], 1, cancellable,
                                  weight_listed_cb, task);
      return;
    case STEP_WEIGHT_BEFORE:
      fc_store_health_list_async (data->store, "weight", 0,
                                  self->weight_at - CHANGE_SPAN_S + 1, 1, cancellable,
                                  weight_listed_cb, task);
      return;
    case STEP_WEIGHT_AFTER:
      fc_store_health_list_async (data->store, "weight", self->weight_at - CHANGE_SPAN_S + 1,
                                  self->weight_at, CHANGE_LIST_LIMIT, cancellable,
                                  weight_listed_cb, task);
      return;
    case STEP_WEIGHT_DAYS:
      fc_store_health_buckets_async (data->store, "weight", data->day_edges,
                                     G_N_ELEMENTS (data->day_edges), cancellable,
                                     buckets_cb, task);
      return;
    case STEP_STEPS:
      if (!self->has_steps) {
        data->step = STEP_GOALS;
        load_next (task);
        return;
      }
      fc_store_health_buckets_async (data->store, "steps",
                                     &data->day_edges[FC_TODAY_WEIGHT_DAYS - 1], 2,
                                     cancellable, buckets_cb, task);
      return;
    case STEP_GOALS:
      fc_store_health_get_goals_async (data->store, cancellable, goals_cb, task);
      return;
    case STEP_DONE:
      g_task_return_pointer (task, g_object_ref (self), g_object_unref);
      g_object_unref (task);
      return;
    default:
      g_assert_not_reached ();
  }
}

static void
fc_today_summary_dispose (GObject *object)
{
  FcTodaySummary *self = (FcTodaySummary *) object;

  g_clear_object (&self->plan);
  g_clear_object (&self->resume);

  G_OBJECT_CLASS (fc_today_summary_parent_class)->dispose (object);
}

static void
fc_today_summary_class_init (FcTodaySummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_today_summary_dispose;
}

static void
fc_today_summary_init (FcTodaySummary *self)
{
  g_date_clear (&self->today, 1);
  g_date_clear (&self->week_start, 1);
  self->weight_change = NAN;
  self->steps_goal = NAN;
  for (guint i = 0; i < FC_TODAY_WEIGHT_DAYS; i++)
    self->weight_days[i] = NAN;
}

void
fc_today_summary_load_async (FcStore             *store,
                             const GDate         *today,
                             GTimeZone           *tz,
                             GDateWeekday         week_start,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;
  guint back;

  g_return_if_fail (FC_IS_STORE (store));
  g_return_if_fail (today != NULL && g_date_valid (today));
  g_return_if_fail (g_date_valid_weekday (week_start));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_today_summary_load_async);

  data = g_new0 (LoadData, 1);
  data->store = g_object_ref (store);
  data->tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  data->summary = g_object_new (FC_TYPE_TODAY_SUMMARY, NULL);
  data->summary->today = *today;
  data->summary->week_start = *today;
  back = ((guint) g_date_get_weekday (today) + 7 - (guint) week_start) % 7;
  g_date_subtract_days (&data->summary->week_start, back);
  /* Local midnights, so a day over a DST change is 23 or 25 hours long. */
  for (guint i = 0; i <= FC_TODAY_WEIGHT_DAYS; i++) {
    GDate day = *today;

    g_date_subtract_days (&day, FC_TODAY_WEIGHT_DAYS - 1);
    g_date_add_days (&day, i);
    data->day_edges[i] = local_midnight (data->tz, &day);
  }
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  load_next (g_steal_pointer (&task));
}

FcTodaySummary *
fc_today_summary_load_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_today_summary_load_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fc_today_summary_get_today (FcTodaySummary *self,
                            GDate          *out_date)
{
  g_return_if_fail (FC_IS_TODAY_SUMMARY (self));
  *out_date = self->today;
}

FcPlanLayout *
fc_today_summary_get_plan (FcTodaySummary *self)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), NULL);
  return self->plan;
}

guint
fc_today_summary_get_plan_day (FcTodaySummary *self)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), 0);
  return self->plan_day;
}

gboolean
fc_today_summary_has_any_plan (FcTodaySummary *self)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), FALSE);
  return self->any_plan;
}

FcWorkoutItem *
fc_today_summary_get_resume (FcTodaySummary *self)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), NULL);
  return self->resume;
}

guint
fc_today_summary_get_n_workouts (FcTodaySummary *self)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), 0);
  return self->n_workouts;
}

void
fc_today_summary_get_week_start (FcTodaySummary *self,
                                 GDate          *out_date)
{
  g_return_if_fail (FC_IS_TODAY_SUMMARY (self));
  *out_date = self->week_start;
}

guint
fc_today_summary_get_week_completed (FcTodaySummary *self)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), 0);
  return self->week_completed;
}

guint
fc_today_summary_get_streak (FcTodaySummary *self)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), 0);
  return self->streak;
}

gboolean
fc_today_summary_get_weight (FcTodaySummary *self,
                             double         *out_latest,
                             gint64         *out_recorded_at,
                             double         *out_change)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), FALSE);

  if (out_latest != NULL)
    *out_latest = self->has_weight ? self->weight : NAN;
  if (out_recorded_at != NULL)
    *out_recorded_at = self->has_weight ? self->weight_at : 0;
  if (out_change != NULL)
    *out_change = self->has_weight ? self->weight_change : NAN;
  return self->has_weight;
}

const double *
fc_today_summary_get_weight_days (FcTodaySummary *self)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), NULL);
  return self->weight_days;
}

gboolean
fc_today_summary_get_steps (FcTodaySummary *self,
                            double         *out_today,
                            double         *out_goal)
{
  g_return_val_if_fail (FC_IS_TODAY_SUMMARY (self), FALSE);

  if (out_today != NULL)
    *out_today = self->steps;
  if (out_goal != NULL)
    *out_goal = self->steps_goal;
  return self->has_steps;
}
