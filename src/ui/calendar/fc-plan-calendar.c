/* fc-plan-calendar.c — a meal plan's month and week views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-calendar"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plan-calendar.h"

struct _FcPlanCalendar
{
  GtkWidget           parent_instance;

  /* owned */
  FcPlanLayout       *layout;
  GDate               focused;
  char               *title;

  FcPlanCalendarMode  mode;
};

G_DEFINE_FINAL_TYPE (FcPlanCalendar, fc_plan_calendar, GTK_TYPE_WIDGET)
G_DEFINE_ENUM_TYPE (FcPlanCalendarMode, fc_plan_calendar_mode,
                    G_DEFINE_ENUM_VALUE (FC_PLAN_CALENDAR_MONTH, "month"),
                    G_DEFINE_ENUM_VALUE (FC_PLAN_CALENDAR_WEEK, "week"))

enum {
  PROP_0,
  PROP_LAYOUT,
  PROP_MODE,
  PROP_FOCUSED_DATE,
  PROP_FOCUSED_DAY,
  PROP_TITLE,
  N_PROPS
};

enum {
  SIGNAL_MEAL_MOVED,
  SIGNAL_DAY_ACTIVATED,
  SIGNAL_MEAL_ACTIVATED,
  SIGNAL_MEAL_REMOVE_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
update_title (FcPlanCalendar *self)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (g_date_get_year (&self->focused),
                                                   g_date_get_month (&self->focused),
                                                   g_date_get_day (&self->focused), 0, 0, 0);
  /* Translators: a month view's title, a strftime() format: "December 2026". */
  g_autofree char *title = g_date_time_format (dt, _("%B %Y"));

  if (g_strcmp0 (title, self->title) == 0)
    return;
  g_free (self->title);
  self->title = g_steal_pointer (&title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
fc_plan_calendar_dispose (GObject *object)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (object);

  g_clear_object (&self->layout);

  G_OBJECT_CLASS (fc_plan_calendar_parent_class)->dispose (object);
}

static void
fc_plan_calendar_finalize (GObject *object)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (object);

  g_free (self->title);

  G_OBJECT_CLASS (fc_plan_calendar_parent_class)->finalize (object);
}

static void
fc_plan_calendar_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (object);

  switch (prop_id) {
  case PROP_LAYOUT:
    g_value_set_object (value, self->layout);
    break;
  case PROP_MODE:
    g_value_set_enum (value, self->mode);
    break;
  case PROP_FOCUSED_DATE:
    g_value_set_boxed (value, &self->focused);
    break;
  case PROP_FOCUSED_DAY:
    g_value_set_uint (value, fc_plan_calendar_get_focused_day (self));
    break;
  case PROP_TITLE:
    g_value_set_string (value, self->title);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_plan_calendar_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (object);

  switch (prop_id) {
  case PROP_LAYOUT:
    fc_plan_calendar_set_layout (self, g_value_get_object (value));
    break;
  case PROP_MODE:
    fc_plan_calendar_set_mode (self, g_value_get_enum (value));
    break;
  case PROP_FOCUSED_DATE:
    if (g_value_get_boxed (value) != NULL)
      fc_plan_calendar_set_focused_date (self, g_value_get_boxed (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_plan_calendar_class_init (FcPlanCalendarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_plan_calendar_dispose;
  object_class->finalize = fc_plan_calendar_finalize;
  object_class->get_property = fc_plan_calendar_get_property;
  object_class->set_property = fc_plan_calendar_set_property;

  properties[PROP_LAYOUT] =
    g_param_spec_object ("layout", NULL, NULL, FC_TYPE_PLAN_LAYOUT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, FC_TYPE_PLAN_CALENDAR_MODE, FC_PLAN_CALENDAR_MONTH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOCUSED_DATE] =
    g_param_spec_boxed ("focused-date", NULL, NULL, G_TYPE_DATE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOCUSED_DAY] =
    g_param_spec_uint ("focused-day", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MEAL_MOVED] =
    g_signal_new ("meal-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT, G_TYPE_INT);
  signals[SIGNAL_DAY_ACTIVATED] =
    g_signal_new ("day-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_MEAL_ACTIVATED] =
    g_signal_new ("meal-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);
  signals[SIGNAL_MEAL_REMOVE_REQUESTED] =
    g_signal_new ("meal-remove-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "fc-plan-calendar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
fc_plan_calendar_init (FcPlanCalendar *self)
{
  g_date_clear (&self->focused, 1);
  g_date_set_time_t (&self->focused, time (NULL));
  update_title (self);
}

GtkWidget *
fc_plan_calendar_new (void)
{
  return g_object_new (FC_TYPE_PLAN_CALENDAR, NULL);
}

void
fc_plan_calendar_set_layout (FcPlanCalendar *self,
                             FcPlanLayout   *layout)
{
  g_return_if_fail (FC_IS_PLAN_CALENDAR (self));
  g_return_if_fail (layout == NULL || FC_IS_PLAN_LAYOUT (layout));

  if (!g_set_object (&self->layout, layout))
    return;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYOUT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUSED_DAY]);
}

FcPlanLayout *
fc_plan_calendar_get_layout (FcPlanCalendar *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CALENDAR (self), NULL);
  return self->layout;
}

void
fc_plan_calendar_set_mode (FcPlanCalendar     *self,
                           FcPlanCalendarMode  mode)
{
  g_return_if_fail (FC_IS_PLAN_CALENDAR (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

FcPlanCalendarMode
fc_plan_calendar_get_mode (FcPlanCalendar *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CALENDAR (self), FC_PLAN_CALENDAR_MONTH);
  return self->mode;
}

void
fc_plan_calendar_set_focused_date (FcPlanCalendar *self,
                                   const GDate    *date)
{
  g_return_if_fail (FC_IS_PLAN_CALENDAR (self));
  g_return_if_fail (date != NULL && g_date_valid (date));

  if (g_date_compare (&self->focused, date) == 0)
    return;
  self->focused = *date;
  update_title (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUSED_DATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUSED_DAY]);
}

void
fc_plan_calendar_get_focused_date (FcPlanCalendar *self,
                                   GDate          *out_date)
{
  g_return_if_fail (FC_IS_PLAN_CALENDAR (self));
  g_return_if_fail (out_date != NULL);
  *out_date = self->focused;
}

guint
fc_plan_calendar_get_focused_day (FcPlanCalendar *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CALENDAR (self), 0);
  return self->layout != NULL ? fc_plan_layout_day_for_date (self->layout, &self->focused) : 0;
}

const char *
fc_plan_calendar_get_title (FcPlanCalendar *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CALENDAR (self), NULL);
  return self->title;
}

static void
step (FcPlanCalendar *self,
      int             direction)
{
  GDate date = self->focused;

  if (self->mode == FC_PLAN_CALENDAR_MONTH && direction > 0)
    g_date_add_months (&date, 1);
  else if (self->mode == FC_PLAN_CALENDAR_MONTH)
    g_date_subtract_months (&date, 1);
  else if (direction > 0)
    g_date_add_days (&date, 7);
  else
    g_date_subtract_days (&date, 7);
  fc_plan_calendar_set_focused_date (self, &date);
}

void
fc_plan_calendar_go_previous (FcPlanCalendar *self)
{
  g_return_if_fail (FC_IS_PLAN_CALENDAR (self));
  step (self, -1);
}

void
fc_plan_calendar_go_next (FcPlanCalendar *self)
{
  g_return_if_fail (FC_IS_PLAN_CALENDAR (self));
  step (self, 1);
}

void
fc_plan_calendar_go_today (FcPlanCalendar *self)
{
  GDate today;

  g_return_if_fail (FC_IS_PLAN_CALENDAR (self));
  g_date_clear (&today, 1);
  g_date_set_time_t (&today, time (NULL));
  fc_plan_calendar_set_focused_date (self, &today);
}
