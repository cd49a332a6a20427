/* fc-admin-template-source.c — a meal-plan template as staff edit it: the server's, changed here until saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin-template-source"

#include "config.h"

#include "fc-admin-template-source.h"

#include "fc-json.h"
#include "fc-object-item.h"
#include "fc-plan-calendar.h"
#include "fc-time.h"

struct _FcAdminTemplateSource
{
  GObject     parent_instance;

  /* Owned */
  JsonObject *plan;         /* the draft, as FcPlanLayout reads it */
  JsonArray  *meals;        /* the server's list; NULL with a meal model */
  GListModel *meal_model;   /* a new template's: the store's meals */
  gboolean    modified;
};

static void fc_admin_template_source_iface_init (FcPlanSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FcAdminTemplateSource, fc_admin_template_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FC_TYPE_PLAN_SOURCE,
                                                      fc_admin_template_source_iface_init))

static JsonObject *
template_source_get_plan (FcPlanSource *source)
{
  return FC_ADMIN_TEMPLATE_SOURCE (source)->plan;
}

static JsonArray *
template_source_dup_meals (FcPlanSource *source)
{
  FcAdminTemplateSource *self = FC_ADMIN_TEMPLATE_SOURCE (source);
  JsonArray *meals;
  guint n;

  if (self->meal_model == NULL)
    return self->meals != NULL ? json_array_ref (self->meals) : json_array_new ();

  meals = json_array_new ();
  n = g_list_model_get_n_items (self->meal_model);
  for (guint i = 0; i < n; i++) {
    g_autoptr(FcObjectItem) meal = g_list_model_get_item (self->meal_model, i);

    /* The server knows only meals it has (a local one has a negative id). */
    if (fc_object_item_get_id (meal) > 0)
      json_array_add_object_element (meals, json_object_ref (fc_object_item_get_object (meal)));
  }
  return meals;
}

/* Only the pairs the layout writes are kept: [{meal, day_of_plan}]. */
static JsonArray *
schedule_of (JsonArray *entries)
{
  JsonArray *schedule = json_array_new ();

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++) {
    JsonNode *node = json_array_get_element (entries, i);
    JsonObject *entry;
    gint64 meal, day;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    entry = json_node_get_object (node);
    if (fc_json_get_int (entry, "meal", &meal) && fc_json_get_int (entry, "day_of_plan", &day)) {
      JsonObject *pair = json_object_new ();

      json_object_set_int_member (pair, "meal", meal);
      json_object_set_int_member (pair, "day_of_plan", day);
      json_array_add_object_element (schedule, pair);
    }
  }
  return schedule;
}

static void
template_source_write_schedule (FcPlanSource *source,
                                JsonArray    *payload)
{
  FcAdminTemplateSource *self = FC_ADMIN_TEMPLATE_SOURCE (source);

  json_object_set_array_member (self->plan, "scheduled_meals", schedule_of (payload));
  self->modified = TRUE;
  fc_plan_source_emit_changed (source);
}

static void
on_meal_model_changed_cb (FcAdminTemplateSource *self)
{
  fc_plan_source_emit_changed (FC_PLAN_SOURCE (self));
}

static void
fc_admin_template_source_iface_init (FcPlanSourceInterface *iface)
{
  iface->get_plan = template_source_get_plan;
  iface->dup_meals = template_source_dup_meals;
  iface->write_schedule = template_source_write_schedule;
}

static void
fc_admin_template_source_dispose (GObject *object)
{
  FcAdminTemplateSource *self = FC_ADMIN_TEMPLATE_SOURCE (object);

  if (self->meal_model != NULL)
    g_signal_handlers_disconnect_by_data (self->meal_model, self);
  g_clear_object (&self->meal_model);
  g_clear_pointer (&self->plan, json_object_unref);
  g_clear_pointer (&self->meals, json_array_unref);

  G_OBJECT_CLASS (fc_admin_template_source_parent_class)->dispose (object);
}

static void
fc_admin_template_source_class_init (FcAdminTemplateSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fc_admin_template_source_dispose;
}

static void
fc_admin_template_source_init (FcAdminTemplateSource *self)
{
}

FcAdminTemplateSource *
fc_admin_template_source_new (const GDate *today)
{
  FcAdminTemplateSource *self = g_object_new (FC_TYPE_ADMIN_TEMPLATE_SOURCE, NULL);
  GDate first = *today;
  g_autofree char *start = NULL;
  int back;

  g_return_val_if_fail (g_date_valid (today), self);

  back = ((int) g_date_get_weekday (&first) - (int) fc_plan_calendar_get_locale_week_start () + 7) % 7;
  g_date_subtract_days (&first, back);
  start = fc_time_format_date (&first);
  self->plan = json_object_new ();
  json_object_set_string_member (self->plan, "start_date", start);
  json_object_set_int_member (self->plan, "duration_days", 7);
  json_object_set_array_member (self->plan, "scheduled_meals", json_array_new ());
  return self;
}

void
fc_admin_template_source_load (FcAdminTemplateSource *self,
                               JsonObject            *template)
{
  static const char * const copied[] = {
    "id", "name", "target_daily_calories", "target_daily_protein",
    "target_daily_carbohydrates", "target_daily_fat",
  };
  JsonArray *meals;
  gint64 days = 7;

  g_return_if_fail (FC_IS_ADMIN_TEMPLATE_SOURCE (self));
  g_return_if_fail (template != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (copied); i++) {
    JsonNode *value = json_object_get_member (template, copied[i]);

    if (value != NULL)
      json_object_set_member (self->plan, copied[i], json_node_copy (value));
  }
  if (fc_json_get_int (template, "duration_days", &days) && days > 0)
    json_object_set_int_member (self->plan, "duration_days", days);
  json_object_set_array_member (self->plan, "scheduled_meals",
                                schedule_of (fc_json_get_array (template, "scheduled_meals")));
  meals = fc_json_get_array (template, "meals");
  g_clear_pointer (&self->meals, json_array_unref);
  self->meals = meals != NULL ? json_array_ref (meals) : json_array_new ();
  self->modified = FALSE;
  fc_plan_source_emit_changed (FC_PLAN_SOURCE (self));
}

void
fc_admin_template_source_set_meal_model (FcAdminTemplateSource *self,
                                         GListModel            *meals)
{
  g_return_if_fail (FC_IS_ADMIN_TEMPLATE_SOURCE (self));
  g_return_if_fail (meals == NULL || G_IS_LIST_MODEL (meals));

  if (self->meal_model != NULL)
    g_signal_handlers_disconnect_by_data (self->meal_model, self);
  g_set_object (&self->meal_model, meals);
  if (meals != NULL)
    g_signal_connect_object (meals, "items-changed", G_CALLBACK (on_meal_model_changed_cb), self,
                             G_CONNECT_SWAPPED);
  fc_plan_source_emit_changed (FC_PLAN_SOURCE (self));
}

void
fc_admin_template_source_set_n_days (FcAdminTemplateSource *self,
                                     guint                  n_days)
{
  g_return_if_fail (FC_IS_ADMIN_TEMPLATE_SOURCE (self));
  g_return_if_fail (n_days >= 1);

  if (n_days == fc_admin_template_source_get_n_days (self))
    return;
  json_object_set_int_member (self->plan, "duration_days", n_days);
  fc_plan_source_emit_changed (FC_PLAN_SOURCE (self));
}

guint
fc_admin_template_source_get_n_days (FcAdminTemplateSource *self)
{
  gint64 days = 0;

  g_return_val_if_fail (FC_IS_ADMIN_TEMPLATE_SOURCE (self), 0);

  fc_json_get_int (self->plan, "duration_days", &days);
  return (guint) CLAMP (days, 0, G_MAXUINT);
}

guint
fc_admin_template_source_get_last_day (FcAdminTemplateSource *self)
{
  JsonArray *schedule;
  gint64 last = 0;

  g_return_val_if_fail (FC_IS_ADMIN_TEMPLATE_SOURCE (self), 0);

  schedule = fc_json_get_array (self->plan, "scheduled_meals");
  for (guint i = 0; schedule != NULL && i < json_array_get_length (schedule); i++) {
    gint64 day = 0;

    fc_json_get_int (json_array_get_object_element (schedule, i), "day_of_plan", &day);
    last = MAX (last, day);
  }
  return (guint) CLAMP (last, 0, G_MAXUINT);
}

JsonArray *
fc_admin_template_source_dup_payload (FcAdminTemplateSource *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_TEMPLATE_SOURCE (self), NULL);

  return schedule_of (fc_json_get_array (self->plan, "scheduled_meals"));
}

gboolean
fc_admin_template_source_get_modified (FcAdminTemplateSource *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_TEMPLATE_SOURCE (self), FALSE);

  return self->modified;
}
