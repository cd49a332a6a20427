/* fc-plan-layout.c — a meal plan laid out on dates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-layout"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "fc-json.h"
#include "fc-plan-layout.h"

/* What the layout knows of one meal, shared by every day that holds it. */
typedef struct {
  gint64      id;
  char       *name;
  char       *category;
  double      values[FC_PLAN_N_MACROS];
} MealInfo;

/* One row of the plan's schedule, in the plan's order. */
typedef struct {
  gint64 meal_id;
  gint64 day;
} Scheduled;

typedef struct {
  GArray *entries;                 /* FcPlanEntry, in meal-time order */
  double  totals[FC_PLAN_N_MACROS];
} Day;

struct _FcPlanLayout
{
  GObject     parent_instance;

  gint64      plan_id;
  char       *name;
  guint       n_days;
  GDate       start;               /* invalid without a start_date */
  double      targets[FC_PLAN_N_MACROS];
  gboolean    has_target[FC_PLAN_N_MACROS];

  GArray     *schedule;            /* Scheduled */
  GHashTable *meals;               /* gint64 id → MealInfo */
  Day        *days;                /* n_days of them, day 1 first */
};

G_DEFINE_FINAL_TYPE (FcPlanLayout, fc_plan_layout, G_TYPE_OBJECT)

static const char * const total_members[FC_PLAN_N_MACROS] = {
  "total_calories", "total_protein", "total_carbohydrates", "total_fat",
};

static const char * const target_members[FC_PLAN_N_MACROS] = {
  "target_daily_calories", "target_daily_protein",
  "target_daily_carbohydrates", "target_daily_fat",
};

/* The status bounds are inclusive: exactly 10 % off is still on target. A
 * relative epsilon absorbs the rounding of target × 0.1, so a total exactly
 * on a bound is never judged by the last bit. */
#define TOLERANCE 0.10
#define EPSILON   1e-9

static void
meal_info_free (gpointer data)
{
  MealInfo *info = data;

  g_free (info->name);
  g_free (info->category);
  g_free (info);
}

/* Exactly "YYYY-MM-DD", as Django's DateField writes it. */
static gboolean
parse_date (const char *text,
            GDate      *out_date)
{
  guint y, m, d;

  g_date_clear (out_date, 1);
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++) {
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  }
  y = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (!g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (out_date, d, m, y);
  return TRUE;
}

static gboolean
day_in_range (FcPlanLayout *self,
              gint64        day)
{
  return day >= 1 && day <= (gint64) self->n_days;
}

static void
read_meals (FcPlanLayout *self,
            JsonArray    *meals)
{
  guint n = meals != NULL ? json_array_get_length (meals) : 0;

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (meals, i);
    JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    MealInfo *info;
    gint64 id;

    if (object == NULL || !fc_json_get_int (object, "id", &id))
      continue;
    info = g_new0 (MealInfo, 1);
    info->id = id;
    info->name = g_strdup (fc_json_get_string (object, "name"));
    info->category = g_strdup (fc_json_get_string (object, "meal_time_category"));
    for (guint m = 0; m < FC_PLAN_N_MACROS; m++) {
      if (!fc_json_get_double (object, total_members[m], &info->values[m]) ||
          !isfinite (info->values[m]))
        info->values[m] = 0;
    }
    g_hash_table_replace (self->meals, &info->id, info);
  }
}

static void
read_schedule (FcPlanLayout *self,
               JsonObject   *plan)
{
  JsonArray *items = fc_json_get_array (plan, "scheduled_meals");
  guint n = items != NULL ? json_array_get_length (items) : 0;

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (items, i);
    JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    Scheduled row;

    if (object == NULL)
      continue;
    /* The server may send the meal in full instead of its id. */
    if (!fc_json_get_int (object, "meal", &row.meal_id)) {
      JsonObject *detail = fc_json_get_object (object, "meal_detail");

      if (detail == NULL || !fc_json_get_int (detail, "id", &row.meal_id))
        continue;
    }
    if (!fc_json_get_int (object, "day_of_plan", &row.day))
      continue;
    g_array_append_val (self->schedule, row);
  }
}

static void
build_days (FcPlanLayout *self)
{
  self->days = g_new0 (Day, self->n_days);
  for (guint d = 0; d < self->n_days; d++)
    self->days[d].entries = g_array_new (FALSE, TRUE, sizeof (FcPlanEntry));

  for (guint i = 0; i < self->schedule->len; i++) {
    const Scheduled *row = &g_array_index (self->schedule, Scheduled, i);
    const MealInfo *info;
    FcPlanEntry entry = { 0 };
    Day *day;

    if (!day_in_range (self, row->day))
      continue;
    day = &self->days[row->day - 1];
    info = g_hash_table_lookup (self->meals, &row->meal_id);
    entry.meal_id = row->meal_id;
    entry.name = info != NULL && info->name != NULL ? info->name : "";
    entry.category = info != NULL ? info->category : NULL;
    entry.meal_time = fc_meal_time_from_category (entry.category);
    for (guint m = 0; m < FC_PLAN_N_MACROS; m++) {
      entry.values[m] = info != NULL ? info->values[m] : 0;
      day->totals[m] += entry.values[m];
    }
    g_array_append_val (day->entries, entry);
  }

  /* g_array_sort is not stable; meals of one meal time keep the schedule's
   * order, so sort by meal time with the position as the tie-break. */
  for (guint d = 0; d < self->n_days; d++) {
    GArray *entries = self->days[d].entries;
    g_autoptr(GArray) sorted = g_array_sized_new (FALSE, TRUE, sizeof (FcPlanEntry), entries->len);

    for (int t = FC_MEAL_TIME_BREAKFAST; t <= FC_MEAL_TIME_OTHER; t++) {
      for (guint i = 0; i < entries->len; i++) {
        if ((int) g_array_index (entries, FcPlanEntry, i).meal_time == t)
          g_array_append_val (sorted, g_array_index (entries, FcPlanEntry, i));
      }
    }
    self->days[d].entries = g_steal_pointer (&sorted);
    g_array_unref (entries);
  }
}

static JsonArray *
payload_from (GArray *schedule)
{
  JsonArray *payload = json_array_sized_new (schedule->len);

  for (guint i = 0; i < schedule->len; i++) {
    const Scheduled *row = &g_array_index (schedule, Scheduled, i);
    JsonObject *item = json_object_new ();

    json_object_set_int_member (item, "meal", row->meal_id);
    json_object_set_int_member (item, "day_of_plan", row->day);
    json_array_add_object_element (payload, item);
  }
  return payload;
}

static gint
find_scheduled (FcPlanLayout *self,
                gint64        meal_id,
                guint         day)
{
  for (guint i = 0; i < self->schedule->len; i++) {
    const Scheduled *row = &g_array_index (self->schedule, Scheduled, i);

    if (row->meal_id == meal_id && row->day == (gint64) day)
      return (gint) i;
  }
  return -1;
}

static void
fc_plan_layout_finalize (GObject *object)
{
  FcPlanLayout *self = FC_PLAN_LAYOUT (object);

  for (guint d = 0; d < self->n_days; d++)
    g_array_unref (self->days[d].entries);
  g_free (self->days);
  g_clear_pointer (&self->schedule, g_array_unref);
  g_clear_pointer (&self->meals, g_hash_table_unref);
  g_free (self->name);

  G_OBJECT_CLASS (fc_plan_layout_parent_class)->finalize (object);
}

static void
fc_plan_layout_class_init (FcPlanLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fc_plan_layout_finalize;
}

static void
fc_plan_layout_init (FcPlanLayout *self)
{
  g_date_clear (&self->start, 1);
  self->schedule = g_array_new (FALSE, TRUE, sizeof (Scheduled));
  self->meals = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, meal_info_free);
}

FcPlanLayout *
fc_plan_layout_new (JsonObject *plan,
                    JsonArray  *meals)
{
  FcPlanLayout *self;
  gint64 duration;

  g_return_val_if_fail (plan != NULL, NULL);

  self = g_object_new (FC_TYPE_PLAN_LAYOUT, NULL);
  if (!fc_json_get_int (plan, "id", &self->plan_id))
    self->plan_id = 0;
  self->name = g_strdup (fc_json_get_string (plan, "name"));
  if (self->name == NULL)
    self->name = g_strdup ("");
  parse_date (fc_json_get_string (plan, "start_date"), &self->start);
  for (guint m = 0; m < FC_PLAN_N_MACROS; m++) {
    self->has_target[m] = fc_json_get_double (plan, target_members[m], &self->targets[m]) &&
                          isfinite (self->targets[m]) && self->targets[m] > 0;
    if (!self->has_target[m])
      self->targets[m] = 0;
  }

  read_meals (self, meals);
  read_schedule (self, plan);

  if (fc_json_get_int (plan, "duration_days", &duration) && duration > 0) {
    self->n_days = (guint) MIN (duration, 3660);
  } else {
    for (guint i = 0; i < self->schedule->len; i++) {
      gint64 day = g_array_index (self->schedule, Scheduled, i).day;

      if (day > 0 && day <= 3660)
        self->n_days = MAX (self->n_days, (guint) day);
    }
  }
  build_days (self);

  return self;
}

gint64
fc_plan_layout_get_plan_id (FcPlanLayout *self)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), 0);
  return self->plan_id;
}

const char *
fc_plan_layout_get_name (FcPlanLayout *self)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), NULL);
  return self->name;
}

guint
fc_plan_layout_get_n_days (FcPlanLayout *self)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), 0);
  return self->n_days;
}

gboolean
fc_plan_layout_get_date (FcPlanLayout *self,
                         guint         day,
                         GDate        *out_date)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), FALSE);
  g_return_val_if_fail (out_date != NULL, FALSE);

  g_date_clear (out_date, 1);
  if (!g_date_valid (&self->start) || !day_in_range (self, day))
    return FALSE;
  *out_date = self->start;
  g_date_add_days (out_date, day - 1);
  return TRUE;
}

guint
fc_plan_layout_day_for_date (FcPlanLayout *self,
                             const GDate  *date)
{
  gint64 day;

  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), 0);

  if (date == NULL || !g_date_valid (date) || !g_date_valid (&self->start))
    return 0;
  day = (gint64) g_date_days_between (&self->start, date) + 1;
  return day_in_range (self, day) ? (guint) day : 0;
}

guint
fc_plan_layout_get_n_entries (FcPlanLayout *self,
                              guint         day)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), 0);
  return day_in_range (self, day) ? self->days[day - 1].entries->len : 0;
}

const FcPlanEntry *
fc_plan_layout_get_entry (FcPlanLayout *self,
                          guint         day,
                          guint         index)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), NULL);

  if (!day_in_range (self, day) || index >= self->days[day - 1].entries->len)
    return NULL;
  return &g_array_index (self->days[day - 1].entries, FcPlanEntry, index);
}

gboolean
fc_plan_layout_day_has_meal (FcPlanLayout *self,
                             guint         day,
                             gint64        meal_id)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), FALSE);
  return day_in_range (self, day) && find_scheduled (self, meal_id, day) >= 0;
}

double
fc_plan_layout_get_total (FcPlanLayout *self,
                          guint         day,
                          FcPlanMacro   macro)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), 0);
  g_return_val_if_fail (macro < FC_PLAN_N_MACROS, 0);

  return day_in_range (self, day) ? self->days[day - 1].totals[macro] : 0;
}

gboolean
fc_plan_layout_get_target (FcPlanLayout *self,
                           FcPlanMacro   macro,
                           double       *out_target)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), FALSE);
  g_return_val_if_fail (macro < FC_PLAN_N_MACROS, FALSE);

  if (out_target != NULL)
    *out_target = self->targets[macro];
  return self->has_target[macro];
}

FcPlanDayStatus
fc_plan_layout_get_status (FcPlanLayout *self,
                           guint         day,
                           FcPlanMacro   macro)
{
  double target, total, slack;

  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), FC_PLAN_DAY_NO_TARGET);
  g_return_val_if_fail (macro < FC_PLAN_N_MACROS, FC_PLAN_DAY_NO_TARGET);

  if (!day_in_range (self, day) || !self->has_target[macro])
    return FC_PLAN_DAY_NO_TARGET;

  target = self->targets[macro];
  total = self->days[day - 1].totals[macro];
  slack = target * TOLERANCE + target * EPSILON;
  if (total > target + slack)
    return FC_PLAN_DAY_HIGH;
  if (total < target - slack)
    return FC_PLAN_DAY_LOW;
  return FC_PLAN_DAY_OK;
}

JsonArray *
fc_plan_layout_get_payload (FcPlanLayout *self)
{
  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), NULL);
  return payload_from (self->schedule);
}

JsonArray *
fc_plan_layout_move_meal (FcPlanLayout *self,
                          gint64        meal_id,
                          guint         from_day,
                          guint         to_day)
{
  g_autoptr(GArray) schedule = NULL;
  gint index;

  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), NULL);

  if (from_day == to_day || !day_in_range (self, to_day) ||
      find_scheduled (self, meal_id, to_day) >= 0 ||
      (index = find_scheduled (self, meal_id, from_day)) < 0)
    return NULL;

  schedule = g_array_copy (self->schedule);
  g_array_index (schedule, Scheduled, index).day = to_day;
  return payload_from (schedule);
}

JsonArray *
fc_plan_layout_add_meal (FcPlanLayout *self,
                         gint64        meal_id,
                         guint         day)
{
  g_autoptr(GArray) schedule = NULL;
  Scheduled row = { meal_id, day };

  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), NULL);

  if (!day_in_range (self, day) || find_scheduled (self, meal_id, day) >= 0)
    return NULL;

  schedule = g_array_copy (self->schedule);
  g_array_append_val (schedule, row);
  return payload_from (schedule);
}

JsonArray *
fc_plan_layout_remove_meal (FcPlanLayout *self,
                            gint64        meal_id,
                            guint         day)
{
  g_autoptr(GArray) schedule = NULL;
  gint index;

  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), NULL);

  if ((index = find_scheduled (self, meal_id, day)) < 0)
    return NULL;

  schedule = g_array_copy (self->schedule);
  g_array_remove_index (schedule, index);
  return payload_from (schedule);
}

/* iCalendar is written by hand rather than with libical: Debian 12 has
 * libical-dev (3.0.16), but we emit one fixed kind of event and need only
 * RFC 5545's text escaping and line folding, which is less code than a new
 * build dependency for Debian, CI and the Flatpak manifest. */

static void
ics_escape (GString    *out,
            const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++) {
    switch (*p) {
    case '\\': g_string_append (out, "\\\\"); break;
    case ';': g_string_append (out, "\\;"); break;
    case ',': g_string_append (out, "\\,"); break;
    case '\n': g_string_append (out, "\\n"); break;
    case '\r': break;
    default: g_string_append_c (out, *p); break;
    }
  }
}

/* Appends @line folded at 75 octets (RFC 5545 §3.1): each continuation
 * starts with a space, which counts, and no UTF-8 sequence is split. */
static void
ics_append_line (GString    *out,
                 const char *line)
{
  const char *p = line;
  gsize limit = 75;

  while (strlen (p) > limit) {
    gsize cut = limit;

    while (cut > 0 && (p[cut] & 0xC0) == 0x80)
      cut--;
    g_string_append_len (out, p, cut);
    g_string_append (out, "\r\n ");
    p += cut;
    limit = 74;
  }
  g_string_append (out, p);
  g_string_append (out, "\r\n");
}

static void
ics_append_text (GString    *out,
                 const char *name,
                 const char *value)
{
  g_autoptr(GString) line = g_string_new (name);

  g_string_append_c (line, ':');
  ics_escape (line, value);
  ics_append_line (out, line->str);
}

char *
fc_plan_layout_to_ics (FcPlanLayout *self,
                       const char   *plan_name)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  g_return_val_if_fail (FC_IS_PLAN_LAYOUT (self), NULL);

  ics_append_line (out, "BEGIN:VCALENDAR");
  ics_append_line (out, "VERSION:2.0");
  ics_append_line (out, "PRODID:-//FitCore//FitCore Desktop//EN");
  ics_append_line (out, "CALSCALE:GREGORIAN");
  ics_append_text (out, "X-WR-CALNAME", plan_name != NULL ? plan_name : self->name);

  for (guint day = 1; day <= self->n_days && g_date_valid (&self->start); day++) {
    GDate date, next;

    fc_plan_layout_get_date (self, day, &date);
    next = date;
    g_date_add_days (&next, 1);

    for (guint i = 0; i < self->days[day - 1].entries->len; i++) {
      const FcPlanEntry *entry = &g_array_index (self->days[day - 1].entries, FcPlanEntry, i);
      g_autofree char *line = NULL;
      g_autofree char *summary = NULL;
      g_autofree char *description = NULL;

      ics_append_line (out, "BEGIN:VEVENT");
      line = g_strdup_printf ("UID:fitcore-plan-%" G_GINT64_FORMAT "-day-%u-meal-%"
                              G_GINT64_FORMAT "@fitcore.local",
                              self->plan_id, day, entry->meal_id);
      ics_append_line (out, line);
      g_free (line);
      line = g_strdup_printf ("DTSTAMP:%s", stamp);
      ics_append_line (out, line);
      g_free (line);
      line = g_strdup_printf ("DTSTART;VALUE=DATE:%04u%02u%02u", g_date_get_year (&date),
                              g_date_get_month (&date), g_date_get_day (&date));
      ics_append_line (out, line);
      g_free (line);
      line = g_strdup_printf ("DTEND;VALUE=DATE:%04u%02u%02u", g_date_get_year (&next),
                              g_date_get_month (&next), g_date_get_day (&next));
      ics_append_line (out, line);

      /* Translators: an exported calendar event's title, "Breakfast: Oat porridge". */
      summary = g_strdup_printf (_("%s: %s"), fc_meal_time_get_label (entry->meal_time),
                                 entry->name);
      ics_append_text (out, "SUMMARY", summary);
      /* Translators: an exported event's description, one line a value. */
      description = g_strdup_printf (_("%.0f kcal\nProtein %.0f g\nCarbohydrates %.0f g\nFat %.0f g"),
                                     entry->values[FC_PLAN_MACRO_CALORIES],
                                     entry->values[FC_PLAN_MACRO_PROTEIN],
                                     entry->values[FC_PLAN_MACRO_CARBOHYDRATES],
                                     entry->values[FC_PLAN_MACRO_FAT]);
      ics_append_text (out, "DESCRIPTION", description);
      /* The meal time's name, not the wire's code ("BF"). */
      ics_append_text (out, "CATEGORIES", fc_meal_time_get_label (entry->meal_time));
      ics_append_line (out, "TRANSP:TRANSPARENT");
      ics_append_line (out, "END:VEVENT");
    }
  }

  ics_append_line (out, "END:VCALENDAR");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

const char *
fc_plan_macro_get_label (FcPlanMacro macro)
{
  switch (macro) {
  case FC_PLAN_MACRO_CALORIES: return _("Calories");
  case FC_PLAN_MACRO_PROTEIN: return _("Protein");
  case FC_PLAN_MACRO_CARBOHYDRATES: return _("Carbohydrates");
  case FC_PLAN_MACRO_FAT: return _("Fat");
  case FC_PLAN_N_MACROS:
  default: g_return_val_if_reached ("");
  }
}
