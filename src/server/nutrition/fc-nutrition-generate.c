/* fc-nutrition-generate.c — POST api/v1/nutrition/generate/
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {goal, duration_days (1–28), meals_per_day (3–6), start_date?,
 *  exclude_food_ids?, preferences? {vegetarian?, vegan?, activity?}, seed?,
 *  name?} → 201 with a normal meal plan (is_ai_generated: true), its own
 * new meals and its schedule, the targets computed from the profile.
 *
 * With OPENAI_API_KEY set, a chat model proposes the plan first; its answer
 * must name foods the caller may use and (after fitting the servings) hit
 * the same targets, or the optimizer makes the plan instead.
 */

#define G_LOG_DOMAIN "fc-nutrition"

#include "config.h"

#include <math.h>
#include <string.h>

#include "fc-json.h"
#include "fc-meal-plan-generator.h"
#include "fc-meal-plan-llm.h"
#include "fc-notifications.h"
#include "fc-nutrition-private.h"
#include "fc-nutrition-targets.h"
#include "fc-sql.h"
#include "fc-server.h"
#include "fc-time.h"
#include "fc-validate.h"

#define MAX_DURATION_DAYS 28
#define NAME_MAX_LENGTH 255
#define LLM_SESSION_KEY "fc-nutrition-llm-session"

/* The profile values the formulas are meant for. */
#define MIN_AGE 14
#define MAX_AGE 100
#define MIN_WEIGHT 30
#define MAX_WEIGHT 300
#define MIN_HEIGHT 100
#define MAX_HEIGHT 250

static const char * const goals[] = { "WL", "WG", "MN", "MG", "GH", NULL };
static const char * const goal_names[] = {
  "Weight loss", "Weight gain", "Maintenance", "Muscle gain", "General health",
};
static const char * const preference_keys[] = { "vegetarian", "vegan", "activity", NULL };

typedef struct {
  FcServerRequest *request;
  gint64           user_id;
  FcMealPlanSpec   spec;
  GArray          *exclude_ids;     /* gint64; spec.exclude_ids points into it */
  const char      *goal;            /* static */
  char            *start_date;
  char            *name;
  double           activity_factor;
  gboolean         seed_given;
  char            *model;           /* the model asked, if one was */
} Generation;

static void
generation_free (Generation *self)
{
  g_clear_pointer (&self->request, fc_server_request_unref);
  g_clear_pointer (&self->exclude_ids, g_array_unref);
  g_free (self->start_date);
  g_free (self->name);
  g_free (self->model);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Generation, generation_free)

static void
respond_server_error (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, 500, "A server error occurred.");
}

/* Python's type name of a member, for DRF's "got type" messages. */
static const char *
member_type_name (JsonObject *in,
                  const char *field)
{
  gboolean boolean;
  gint64 integer;

  if (fc_json_get_object (in, field) != NULL)
    return "dict";
  if (fc_json_get_array (in, field) != NULL)
    return "list";
  if (fc_json_get_string (in, field) != NULL)
    return "str";
  if (fc_json_get_boolean (in, field, &boolean))
    return "bool";
  if (fc_json_get_int (in, field, &integer))
    return "int";
  return "float";
}

static gboolean
food_visible (FcSql *db,
              gint64   food_id,
              gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "SELECT 1 FROM foods WHERE id = ?1"
                                                              " AND (is_public = 1"
                                                              " OR user_added_id = ?2)");

  if (stmt == NULL)
    return FALSE;
  fc_sql_bind_int64 (stmt, 1, food_id);
  fc_sql_bind_int64 (stmt, 2, user_id);
  return fc_sql_step (stmt) == FC_SQL_ROW;
}

/* DRF's PrimaryKeyRelatedField(many=True): a flat list of messages, the
 * first bad id only. Someone else's private food reads like a missing one. */
static void
read_exclude_ids (Generation    *self,
                  JsonObject    *in,
                  FcFieldErrors *errors)
{
  const char *field = "exclude_food_ids";
  FcSql *db = fc_server_request_get_db (self->request);
  JsonArray *list;

  if (!fc_json_has_member (in, field))
    return;
  if (fc_json_is_null (in, field)) {
    fc_field_errors_add (errors, field, "This field may not be null.");
    return;
  }
  list = fc_json_get_array (in, field);
  if (list == NULL) {
    fc_field_errors_add (errors, field, "Expected a list of items but got type \"%s\".",
                         member_type_name (in, field));
    return;
  }

  for (guint i = 0; i < json_array_get_length (list); i++) {
    g_autoptr(JsonObject) item = json_object_new ();
    gint64 id = 0;

    json_object_set_member (item, field, json_node_copy (json_array_get_element (list, i)));
    if (!fc_validate_pk (item, field, TRUE, errors, &id))
      return;
    if (!food_visible (db, id, self->user_id)) {
      fc_field_errors_add (errors, field, "Invalid pk \"%" G_GINT64_FORMAT "\" - object does"
                           " not exist.", id);
      return;
    }
    g_array_append_val (self->exclude_ids, id);
  }
}

static void
read_preferences (Generation    *self,
                  JsonObject    *in,
                  FcFieldErrors *errors)
{
  const char *field = "preferences";
  g_autoptr(FcFieldErrors) nested = fc_field_errors_new ();
  g_autoptr(GList) keys = NULL;
  JsonObject *preferences;
  gboolean vegetarian = FALSE, vegan = FALSE;
  const char *activity = NULL;

  self->activity_factor = fc_nutrition_activity_factor (NULL);
  if (!fc_json_has_member (in, field))
    return;
  if (fc_json_is_null (in, field)) {
    fc_field_errors_add (errors, field, "This field may not be null.");
    return;
  }
  preferences = fc_json_get_object (in, field);
  if (preferences == NULL) {
    fc_field_errors_add (errors, field, "Expected a dictionary of items but got type \"%s\".",
                         member_type_name (in, field));
    return;
  }

  /* Unknown keys are refused rather than ignored: a client must learn that
   * "halal" or "nut_free" is not honoured. */
  keys = json_object_get_members (preferences);
  for (GList *l = keys; l != NULL; l = l->next) {
    if (!g_strv_contains (preference_keys, l->data))
      fc_field_errors_add (nested, l->data, "Unknown preference; the supported ones are"
                           " vegetarian, vegan and activity.");
  }

  fc_validate_boolean (preferences, "vegetarian", FALSE, nested, &vegetarian);
  fc_validate_boolean (preferences, "vegan", FALSE, nested, &vegan);
  if (fc_validate_choice (preferences, "activity", FALSE, FALSE, fc_nutrition_activity_levels,
                          nested, &activity))
    self->activity_factor = fc_nutrition_activity_factor (activity);
  self->spec.diet = vegan ? FC_DIET_VEGAN : vegetarian ? FC_DIET_VEGETARIAN : FC_DIET_ANY;

  if (!fc_field_errors_is_empty (nested))
    fc_field_errors_set_node (errors, field, fc_field_errors_to_node (nested));
}

static void
read_body (Generation    *self,
           FcFieldErrors *errors)
{
  JsonObject *in = fc_server_request_get_body (self->request);
  const char *start_date = NULL;
  const char *name = NULL;
  gboolean is_null = FALSE;
  gint64 value = 0;

  fc_validate_choice (in, "goal", TRUE, FALSE, goals, errors, &self->goal);
  if (fc_validate_integer (in, "duration_days", TRUE, FALSE, 1, MAX_DURATION_DAYS, errors,
                           &value, NULL))
    self->spec.days = (guint) value;
  if (fc_validate_integer (in, "meals_per_day", TRUE, FALSE, FC_MEAL_PLAN_MIN_MEALS,
                           FC_MEAL_PLAN_MAX_MEALS, errors, &value, NULL))
    self->spec.meals_per_day = (guint) value;
  if (fc_validate_date (in, "start_date", FALSE, TRUE, errors, &start_date, &is_null) &&
      !is_null)
    self->start_date = g_strdup (start_date);
  if (fc_validate_integer (in, "seed", FALSE, FALSE, 0, G_MAXUINT32, errors, &value, NULL)) {
    self->spec.seed = (guint32) value;
    self->seed_given = TRUE;
  }
  if (fc_validate_string (in, "name", FALSE, FALSE, NAME_MAX_LENGTH, errors, &name))
    self->name = g_strdup (name);

  read_exclude_ids (self, in, errors);
  read_preferences (self, in, errors);
}

/* "a", "a and b", "a, b and c". */
static char *
join_words (GPtrArray *words)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < words->len; i++) {
    if (i > 0)
      g_string_append (text, i + 1 == words->len ? " and " : ", ");
    g_string_append (text, g_ptr_array_index (words, i));
  }
  return g_string_free (text, FALSE);
}

static void
check_range (FcFieldErrors *errors,
             const char    *what,
             double         value,
             double         min,
             double         max,
             const char    *unit)
{
  if (value < min || value > max)
    fc_field_errors_add (errors, "profile", "Your profile's %s must be between %g and %g%s to"
                         " compute targets.", what, min, max, unit);
}

/* Reads the body measurements from the profile into @profile; adds one
 * "profile" error naming everything missing, and one per value out of the
 * formula's range. */
static gboolean
read_profile (Generation    *self,
              FcBodyProfile *profile,
              FcFieldErrors *errors)
{
  FcSql *db = fc_server_request_get_db (self->request);
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "SELECT age, weight, height, gender"
                                                              " FROM profiles WHERE user_id = ?");
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  static const char * const columns[] = { "age", "weight", "height", "gender" };
  gboolean has_row;

  if (stmt == NULL)
    return FALSE;
  fc_sql_bind_int64 (stmt, 1, self->user_id);
  has_row = fc_sql_step (stmt) == FC_SQL_ROW;

  for (int i = 0; i < (int) G_N_ELEMENTS (columns); i++) {
    if (!has_row || fc_sql_column_is_null (stmt, i))
      g_ptr_array_add (missing, (gpointer) columns[i]);
  }
  if (has_row && !fc_sql_column_is_null (stmt, 3)) {
    const char *gender = fc_sql_column_text (stmt, 3);

    if (!g_str_equal (gender, "male") && !g_str_equal (gender, "female"))
      g_ptr_array_add (missing, (gpointer) "gender");
    profile->male = g_str_equal (gender, "male");
  }

  if (missing->len > 0) {
    g_autofree char *list = join_words (missing);

    fc_field_errors_add (errors, "profile", "Your profile needs %s to compute targets.", list);
    return TRUE;
  }

  profile->age_years = fc_sql_column_double (stmt, 0);
  profile->weight_kg = fc_sql_column_double (stmt, 1);
  profile->height_cm = fc_sql_column_double (stmt, 2);
  check_range (errors, "age", profile->age_years, MIN_AGE, MAX_AGE, " years");
  check_range (errors, "weight", profile->weight_kg, MIN_WEIGHT, MAX_WEIGHT, " kg");
  check_range (errors, "height", profile->height_cm, MIN_HEIGHT, MAX_HEIGHT, " cm");
  return TRUE;
}

/* The foods the caller may see: public ones and their own. */
static GArray *
load_foods (FcSql *db,
            gint64   user_id)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db,
    "SELECT id, name, food_category, calories, protein, carbohydrates, fat FROM foods"
    " WHERE is_public = 1 OR user_added_id = ?1 ORDER BY id");
  g_autoptr(GArray) foods = fc_plan_foods_new ();

  if (stmt == NULL)
    return NULL;
  fc_sql_bind_int64 (stmt, 1, user_id);
  while (fc_sql_step (stmt) == FC_SQL_ROW)
    fc_plan_foods_add (foods, fc_sql_column_int64 (stmt, 0),
                       fc_sql_column_text (stmt, 1),
                       fc_sql_column_text (stmt, 2),
                       fc_sql_column_double (stmt, 3), fc_sql_column_double (stmt, 4),
                       fc_sql_column_double (stmt, 5), fc_sql_column_double (stmt, 6));
  return g_steal_pointer (&foods);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Without a seed, the same request gives the same plan: the seed is a hash
 * of everything that shapes it. */
static guint32
derive_seed (Generation *self)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GArray) sorted = g_array_copy (self->exclude_ids);
  g_autofree char *text = NULL;
  guint8 digest[32];
  gsize length = sizeof digest;

  g_array_sort (sorted, compare_ids);
  text = g_strdup_printf ("%" G_GINT64_FORMAT "|%s|%u|%u|%s|%d|%g|", self->user_id, self->goal,
                          self->spec.days, self->spec.meals_per_day, self->start_date,
                          self->spec.diet, self->activity_factor);
  g_checksum_update (checksum, (const guchar *) text, -1);
  g_checksum_update (checksum, (const guchar *) sorted->data,
                     (gssize) (sorted->len * sizeof (gint64)));
  g_checksum_get_digest (checksum, digest, &length);
  return (guint32) digest[0] << 24 | (guint32) digest[1] << 16 | (guint32) digest[2] << 8 |
         digest[3];
}

static const char *
goal_name (const char *goal)
{
  for (guint i = 0; goals[i] != NULL; i++) {
    if (g_str_equal (goals[i], goal))
      return goal_names[i];
  }
  g_return_val_if_reached (goal);
}

static gint64
insert_meal (FcSql          *db,
             Generation       *self,
             const FcPlanMeal *meal,
             const FcMealSlot *slot,
             guint             day,
             const char       *now)
{
  g_autofree char *name = g_strdup_printf ("%s, day %u", slot->name, day);
  FcNutritionRow row = { 0 };
  gint64 meal_id;

  fc_nutrition_row_int (&row, "user_id", self->user_id);
  fc_nutrition_row_text (&row, "name", name);
  fc_nutrition_row_text (&row, "meal_time_category", slot->meal_time);
  fc_nutrition_row_int (&row, "is_template", 0);
  fc_nutrition_row_text (&row, "created_at", now);
  fc_nutrition_row_text (&row, "updated_at", now);
  meal_id = fc_nutrition_row_insert (db, "meals", &row);
  if (meal_id == 0)
    return 0;

  for (guint i = 0; i < meal->n_items; i++) {
    FcNutritionRow item = { 0 };

    fc_nutrition_row_int (&item, "meal_id", meal_id);
    fc_nutrition_row_int (&item, "food_id", meal->items[i].food_id);
    fc_nutrition_row_real (&item, "number_of_servings", meal->items[i].servings);
    if (fc_nutrition_row_insert (db, "meal_items", &item) == 0)
      return 0;
  }
  return meal_id;
}

/* Writes the plan, one new meal per slot per day, and its schedule. */
static gint64
insert_plan (FcSql          *db,
             Generation       *self,
             const FcMealPlan *plan)
{
  const FcMacros *t = &self->spec.targets;
  const FcMealSlot *slots = fc_meal_plan_slots (plan->meals_per_day);
  g_autofree char *now = fc_time_now_iso8601 ();
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  FcNutritionRow row = { 0 };
  gint64 plan_id;

  name = self->name != NULL ? g_strdup (self->name)
                            : g_strdup_printf ("%s plan, %u days", goal_name (self->goal),
                                               plan->days);
  description = g_strdup_printf ("%s for %.0f kcal, %.0f g protein, %.0f g carbohydrates and"
                                 " %.0f g fat a day (Mifflin-St Jeor, activity factor %g).",
                                 self->model != NULL ? "Proposed by a language model and checked"
                                                       " against your targets"
                                                     : "Built by the FitCore optimizer",
                                 t->calories, t->protein, t->carbohydrates, t->fat,
                                 self->activity_factor);

  fc_nutrition_row_int (&row, "user_id", self->user_id);
  fc_nutrition_row_text (&row, "name", name);
  fc_nutrition_row_text (&row, "description", description);
  fc_nutrition_row_text (&row, "goal", self->goal);
  fc_nutrition_row_int (&row, "duration_days", plan->days);
  fc_nutrition_row_text (&row, "start_date", self->start_date);
  fc_nutrition_row_real (&row, "target_daily_calories", t->calories);
  fc_nutrition_row_real (&row, "target_daily_protein", t->protein);
  fc_nutrition_row_real (&row, "target_daily_carbohydrates", t->carbohydrates);
  fc_nutrition_row_real (&row, "target_daily_fat", t->fat);
  fc_nutrition_row_int (&row, "is_active", 1);
  fc_nutrition_row_int (&row, "is_template", 0);
  fc_nutrition_row_int (&row, "is_ai_generated", 1);
  fc_nutrition_row_text (&row, "created_at", now);
  fc_nutrition_row_text (&row, "updated_at", now);
  plan_id = fc_nutrition_row_insert (db, "meal_plans", &row);
  if (plan_id == 0)
    return 0;

  for (guint d = 0; d < plan->days; d++) {
    for (guint m = 0; m < plan->meals_per_day; m++) {
      FcNutritionRow entry = { 0 };
      gint64 meal_id = insert_meal (db, self, &plan->meals[d * plan->meals_per_day + m],
                                    &slots[m], d + 1, now);

      if (meal_id == 0)
        return 0;
      fc_nutrition_row_int (&entry, "meal_plan_id", plan_id);
      fc_nutrition_row_int (&entry, "meal_id", meal_id);
      fc_nutrition_row_int (&entry, "day_of_plan", d + 1);
      if (fc_nutrition_row_insert (db, "scheduled_meals", &entry) == 0)
        return 0;
    }
  }
  return plan_id;
}

/* Writes @proposed (the optimizer's plan, or the model's) and answers. */
static void
finish (Generation *self,
        FcMealPlan *proposed)
{
  FcServerRequest *request = self->request;
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcMealPlan) plan = proposed;
  g_autoptr(FcFieldErrors) size_errors = fc_field_errors_new ();
  gint64 plan_id;

  /* The plan comes back asynchronously (from the optimizer's worker or the
   * model), after the framework's transaction: this is a transaction of its
   * own. */
  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (request, 503, "The database is busy; try again.");
    return;
  }
  plan_id = insert_plan (db, self, plan);
  if (plan_id != 0 &&
      fc_nutrition_check_plans_size (db, fc_server_request_get_user_id (request),
                                     "non_field_errors", size_errors) &&
      !fc_field_errors_is_empty (size_errors)) {
    fc_sql_end (db, FALSE);
    fc_server_request_respond_errors (request, size_errors);
    return;
  }
  if (plan_id != 0)
    fc_notifications_plan_ready (fc_server_request_get_server (request), db,
                                 fc_server_request_get_user_id (request), plan_id, FALSE);
  if (!fc_sql_end (db, plan_id != 0) || plan_id == 0) {
    respond_server_error (request);
    return;
  }
  /* After the commit: a heavy plan's answer is built off the main loop. */
  fc_nutrition_respond_plan (request, SOUP_STATUS_CREATED, plan_id);
}

/* The optimizer takes seconds for four weeks of six meals (14 s under the
 * sanitizers), so it runs on a worker: the main loop kept every other
 * client waiting that long. It reads only the foods and the spec. */
typedef struct {
  Generation *generation;   /* main thread only: taken back by the callback */
  GArray     *foods;
} Optimization;

static void
optimization_free (gpointer data)
{
  Optimization *job = data;

  /* Set only if the callback never ran; then this runs where the task
   * dies, and the request it holds is the main thread's. */
  g_warn_if_fail (job->generation == NULL);
  g_array_unref (job->foods);
  g_free (job);
}

static void
optimize_thread_cb (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Optimization *job = task_data;
  GError *error = NULL;
  FcMealPlan *plan = fc_meal_plan_generate (job->foods, &job->generation->spec, &error);

  if (plan == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, plan, (GDestroyNotify) fc_meal_plan_free);
}

static void
on_optimized_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Optimization *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(Generation) self = g_steal_pointer (&job->generation);
  g_autoptr(GError) error = NULL;
  FcMealPlan *plan = g_task_propagate_pointer (G_TASK (result), &error);

  if (plan == NULL) {
    g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

    fc_field_errors_add (errors, "non_field_errors", "%s", error->message);
    fc_server_request_respond_errors (self->request, errors);
    return;
  }
  finish (self, plan);
}

/* Makes the plan with the optimizer from @foods, then finishes. */
static void
optimize (Generation *self,
          GArray     *foods)
{
  Optimization *job = g_new0 (Optimization, 1);
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_optimized_cb, NULL);

  /* Not the model's plan. */
  g_clear_pointer (&self->model, g_free);
  job->generation = self;
  job->foods = g_array_ref (foods);
  g_task_set_source_tag (task, optimize);
  g_task_set_task_data (task, job, optimization_free);
  g_task_run_in_thread (task, optimize_thread_cb);
}

/* The model's plan, if it names only foods the caller may use and fits the
 * targets as given or once its servings are fitted; else NULL. */
static FcMealPlan *
accept_proposal (Generation  *self,
                 GArray      *foods,
                 FcMealPlan  *proposed,
                 GError     **error)
{
  g_autoptr(FcMealPlan) plan = proposed;

  if (fc_meal_plan_validate (plan, foods, &self->spec, NULL))
    return g_steal_pointer (&plan);
  if (fc_meal_plan_refit (plan, foods, &self->spec) &&
      fc_meal_plan_validate (plan, foods, &self->spec, error))
    return g_steal_pointer (&plan);
  if (error != NULL && *error == NULL)
    fc_meal_plan_validate (plan, foods, &self->spec, error);
  return NULL;
}

static void
on_llm_proposed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Generation) self = user_data;
  FcSql *db = fc_server_request_get_db (self->request);
  g_autoptr(GError) error = NULL;
  FcMealPlan *proposed = fc_meal_plan_llm_propose_finish (result, &error);
  g_autoptr(GArray) foods = NULL;

  /* Read again: foods may have changed while the model thought. */
  foods = load_foods (db, self->user_id);
  if (foods == NULL) {
    fc_meal_plan_free (proposed);
    respond_server_error (self->request);
    return;
  }

  if (proposed != NULL)
    proposed = accept_proposal (self, foods, proposed, &error);
  if (proposed == NULL) {
    g_message ("%s's plan was not used (%s); the optimizer makes it", self->model,
               error != NULL ? error->message : "no answer");
    optimize (g_steal_pointer (&self), foods);
    return;
  }
  finish (self, proposed);
}

static SoupSession *
llm_session (FcServerRequest   *request,
             const FcLlmConfig *config)
{
  FcServer *server = fc_server_request_get_server (request);
  SoupSession *session = g_object_get_data (G_OBJECT (server), LLM_SESSION_KEY);

  if (session == NULL) {
    session = soup_session_new_with_options ("timeout", config->timeout,
                                             "user-agent", "fitcore-server ", NULL);
    g_object_set_data_full (G_OBJECT (server), LLM_SESSION_KEY, session, g_object_unref);
  }
  return session;
}

void
fc_nutrition_generate (FcServerRequest *request)
{
  g_autoptr(Generation) self = g_new0 (Generation, 1);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcLlmConfig) llm = NULL;
  g_autoptr(GArray) foods = NULL;
  FcBodyProfile profile = { 0 };

  self->request = fc_server_request_ref (request);
  self->user_id = fc_server_request_get_user_id (request);
  self->exclude_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  read_body (self, errors);
  if (!read_profile (self, &profile, errors)) {
    respond_server_error (request);
    return;
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  /* The goal and activity were validated: this cannot fail. */
  if (!fc_nutrition_compute_targets (&profile, self->goal, self->activity_factor,
                                     &self->spec.targets)) {
    respond_server_error (request);
    return;
  }
  self->spec.exclude_ids = (const gint64 *) (gpointer) self->exclude_ids->data;
  self->spec.n_exclude_ids = self->exclude_ids->len;
  if (self->start_date == NULL) {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDate) today = g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (now),
                                             (GDateMonth) g_date_time_get_month (now),
                                             (GDateYear) g_date_time_get_year (now));

    self->start_date = fc_time_format_date (today);
  }
  if (!self->seed_given)
    self->spec.seed = derive_seed (self);

  foods = load_foods (fc_server_request_get_db (request), self->user_id);
  if (foods == NULL) {
    respond_server_error (request);
    return;
  }

  llm = fc_llm_config_from_env ();
  if (llm != NULL) {
    Generation *pending = g_steal_pointer (&self);

    pending->model = g_strdup (llm->model);
    fc_meal_plan_llm_propose_async (llm_session (request, llm), llm, foods, &pending->spec, NULL,
                                    on_llm_proposed_cb, pending);
    return;
  }

  optimize (g_steal_pointer (&self), foods);
}
