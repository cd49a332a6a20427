/* fc-plan-calendar.c — a meal plan's month and week views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-calendar"

/* nl_langinfo (_NL_TIME_FIRST_WEEKDAY) is a GNU extension. */
#define _GNU_SOURCE

#include "config.h"

#include <glib/gi18n.h>
#include <langinfo.h>
#include <math.h>
#include <stdlib.h>

#include "fc-plan-calendar.h"
#include "fc-plan-chip.h"
#include "fc-plan-day-cell.h"
#include "fc-time.h"

#define N_CELLS        42   /* 6 weeks of 7 days */
#define COMPACT_WIDTH  88   /* narrower cells get compact chips, bars only */
#define MIN_CELL_WIDTH 40
#define CHIP_GAP       2

/* Which pooled chips a cell shows: [first, first + n) for its meals, and
 * "+N more" in chip @more (-1 for none). */
typedef struct {
  guint first;
  guint n;
  int   more;
} CellChips;

/* The grid is one widget: it draws the weekday names and lines itself and
 * lays out 42 childless day cells and a pool of chips that moves from cell
 * to cell as the view changes (see gnome-calendar's month view and
 * event-widget pool). Cells and chips are widgets so that keyboard focus,
 * AT-SPI names and drag and drop each have something to hold on to. */
struct _FcPlanCalendar
{
  GtkWidget           parent_instance;

  /* owned */
  FcPlanLayout       *layout;
  GPtrArray          *cells;          /* N_CELLS FcPlanDayCell, the first children */
  GPtrArray          *chips;          /* the pool of FcPlanChip, after the cells */
  CellChips           cell_chips[N_CELLS];
  PangoLayout        *weekdays[7];
  char               *title;

  /* borrowed */
  FcPlanDayCell      *drop_cell;

  /* After Ctrl+arrow moved a meal: the chip to focus in the next layout. */
  gint64              follow_meal;
  guint               follow_day;

  GDate               focused;
  GDate               anchor;         /* the date whose month or week is on show */
  GDate               first;          /* the date in cell 0 */
  guint               n_shown;        /* 42 (month) or 7 (week) cells */
  guint               n_chips_used;
  GDateWeekday        week_start;
  FcPlanCalendarMode  mode;
  gboolean            compact;
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

/* The locale's first day of the week, the way GtkCalendar reads it. */
GDateWeekday
fc_plan_calendar_get_locale_week_start (void)
{
  union { unsigned int word; char *string; } langinfo;
  int first_weekday, week_1stday = 1;
  guint week_origin;

  langinfo.string = nl_langinfo (_NL_TIME_FIRST_WEEKDAY);
  first_weekday = langinfo.string[0];
  langinfo.string = nl_langinfo (_NL_TIME_WEEK_1STDAY);
  week_origin = langinfo.word;
  if (week_origin == 19971130)        /* Sunday */
    week_1stday = 0;
  else if (week_origin == 19971201)   /* Monday */
    week_1stday = 1;
  if (first_weekday < 1 || first_weekday > 7)
    return G_DATE_MONDAY;

  /* 0 is Sunday here, 7 in GDateWeekday. */
  return (GDateWeekday) ((week_1stday + first_weekday - 1) % 7 == 0
                         ? G_DATE_SUNDAY : (week_1stday + first_weekday - 1) % 7);
}

static FcPlanDayCell *
get_cell (FcPlanCalendar *self,
          guint           index)
{
  return g_ptr_array_index (self->cells, index);
}

static FcPlanChip *
get_chip (FcPlanCalendar *self,
          guint           index)
{
  return g_ptr_array_index (self->chips, index);
}

static FcPlanChip *
ensure_chip (FcPlanCalendar *self,
             guint           index)
{
  while (self->chips->len <= index) {
    GtkWidget *chip = fc_plan_chip_new ();

    gtk_widget_set_parent (chip, GTK_WIDGET (self));
    g_ptr_array_add (self->chips, chip);
  }
  return get_chip (self, index);
}

static void
show_child (GtkWidget *child,
            gboolean   shown)
{
  /* Hidden from AT-SPI too: a chip waiting in the pool is no meal. */
  if (gtk_widget_get_child_visible (child) == shown)
    return;
  gtk_widget_set_child_visible (child, shown);
  gtk_accessible_update_state (GTK_ACCESSIBLE (child),
                               GTK_ACCESSIBLE_STATE_HIDDEN, !shown,
                               -1);
}

/* The first date on show: the week start on or before the month's first
 * (month view) or the focused date (week view). */
static void
compute_first (FcPlanCalendar *self,
               GDate          *out_first)
{
  int back;

  *out_first = self->anchor;
  if (self->mode == FC_PLAN_CALENDAR_MONTH)
    g_date_set_day (out_first, 1);
  back = ((int) g_date_get_weekday (out_first) - (int) self->week_start + 7) % 7;
  g_date_subtract_days (out_first, back);
}

static int
cell_for_date (FcPlanCalendar *self,
               const GDate    *date)
{
  int index = g_date_days_between (&self->first, date);

  return index >= 0 && index < (int) self->n_shown ? index : -1;
}

/* A narrow month shows squares; a narrow week is an agenda, a row a day,
 * with room for one-line chips. */
static FcPlanChipStyle
chip_style (FcPlanCalendar *self)
{
  if (self->mode == FC_PLAN_CALENDAR_WEEK)
    return self->compact ? FC_PLAN_CHIP_FULL : FC_PLAN_CHIP_DETAILED;
  return self->compact ? FC_PLAN_CHIP_COMPACT : FC_PLAN_CHIP_FULL;
}

static int
chip_height (FcPlanCalendar *self,
             guint           index)
{
  const CellChips *cc = &self->cell_chips[index];
  int height = 0;

  if (cc->n > 0)
    gtk_widget_measure (GTK_WIDGET (get_chip (self, cc->first)), GTK_ORIENTATION_VERTICAL, -1,
                        &height, NULL, NULL, NULL);
  return height;
}

/* What a week's cell needs: every meal, one a line. */
static int
week_cell_height (FcPlanCalendar *self,
                  guint           index)
{
  return fc_plan_day_cell_get_min_height (get_cell (self, index),
                                          (int) self->cell_chips[index].n *
                                          (chip_height (self, index) + CHIP_GAP));
}

static void
update_title (FcPlanCalendar *self)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (g_date_get_year (&self->anchor),
                                                 g_date_get_month (&self->anchor),
                                                 g_date_get_day (&self->anchor), 12, 0, 0);
  g_autofree char *title = NULL;

  if (self->mode == FC_PLAN_CALENDAR_MONTH) {
    /* Translators: a month view's title, a strftime() format: "December 2026". */
    title = g_date_time_format (dt, _("%B %Y"));
  } else {
    GDate last = self->first;
    g_autoptr(GDateTime) start = NULL;
    g_autoptr(GDateTime) end = NULL;
    g_autofree char *from = NULL;
    g_autofree char *to = NULL;

    g_date_add_days (&last, 6);
    start = g_date_time_new_utc (g_date_get_year (&self->first), g_date_get_month (&self->first),
                                 g_date_get_day (&self->first), 12, 0, 0);
    end = g_date_time_new_utc (g_date_get_year (&last), g_date_get_month (&last),
                               g_date_get_day (&last), 12, 0, 0);
    /* Translators: strftime() formats of a week's first and last day in its
     * title, "30 Nov – 6 Dec 2026". */
    from = g_date_time_format (start, _("%-d %b"));
    to = g_date_time_format (end, _("%-d %b %Y"));
    /* Translators: a week view's title, "30 Nov – 6 Dec 2026". */
    title = g_strdup_printf (_("%s – %s"), from, to);
  }

  if (g_strcmp0 (title, self->title) == 0)
    return;
  g_free (self->title);
  self->title = g_steal_pointer (&title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title,
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
clear_weekdays (FcPlanCalendar *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->weekdays); i++)
    g_clear_object (&self->weekdays[i]);
}

static void
ensure_weekdays (FcPlanCalendar *self)
{
  GDate date = self->first;

  if (self->weekdays[0] != NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->weekdays); i++, g_date_add_days (&date, 1)) {
    g_autoptr(GDateTime) dt = g_date_time_new_utc (g_date_get_year (&date), g_date_get_month (&date),
                                                   g_date_get_day (&date), 12, 0, 0);
    g_autofree char *name = g_date_time_format (dt, "%a");
    PangoAttrList *attrs = pango_attr_list_new ();

    /* A narrow grid shows the weekday's first letter only. */
    if (self->compact)
      *g_utf8_next_char (name) = '\0';
    self->weekdays[i] = gtk_widget_create_pango_layout (GTK_WIDGET (self), name);
    pango_layout_set_alignment (self->weekdays[i], PANGO_ALIGN_CENTER);
    pango_layout_set_ellipsize (self->weekdays[i], PANGO_ELLIPSIZE_END);
    pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
    pango_layout_set_attributes (self->weekdays[i], attrs);
    pango_attr_list_unref (attrs);
  }
}

static int
weekday_header_height (FcPlanCalendar *self)
{
  int height;

  if (self->mode != FC_PLAN_CALENDAR_MONTH)
    return 0;
  ensure_weekdays (self);
  pango_layout_get_pixel_size (self->weekdays[0], NULL, &height);
  return height + 8;
}

/* Hands every cell its date and every meal on show a chip from the pool.
 * Runs whenever the dates, the mode or the layout change, never while
 * allocating: it may add chips to the pool. */
static void
rebuild (FcPlanCalendar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean had_focus = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self));
  g_autofree char *date_label = NULL;
  gint64 focus_meal = 0;
  guint focus_day = 0;
  GDate today, date;
  guint used = 0;

  if (had_focus && self->follow_meal != 0) {
    focus_meal = self->follow_meal;
    focus_day = self->follow_day;
  } else if (had_focus && FC_IS_PLAN_CHIP (focus) && !fc_plan_chip_is_more (FC_PLAN_CHIP (focus))) {
    focus_meal = fc_plan_chip_get_meal_id (FC_PLAN_CHIP (focus));
    focus_day = fc_plan_chip_get_day (FC_PLAN_CHIP (focus));
  }

  fc_time_get_today (&today);
  compute_first (self, &self->first);
  self->n_shown = self->mode == FC_PLAN_CALENDAR_MONTH ? N_CELLS : 7;
  clear_weekdays (self);

  date = self->first;
  for (guint i = 0; i < N_CELLS; i++, g_date_add_days (&date, 1)) {
    FcPlanDayCell *cell = get_cell (self, i);
    guint day, n;

    self->cell_chips[i] = (CellChips) { used, 0, -1 };
    if (i >= self->n_shown)
      continue;

    fc_plan_day_cell_set_day (cell, self->layout, &date,
                              self->mode == FC_PLAN_CALENDAR_MONTH &&
                              g_date_get_month (&date) != g_date_get_month (&self->anchor),
                              g_date_compare (&date, &today) == 0);
    fc_plan_day_cell_set_look (cell, self->mode == FC_PLAN_CALENDAR_WEEK, self->compact);
    day = fc_plan_day_cell_get_day (cell);
    n = day != 0 ? fc_plan_layout_get_n_entries (self->layout, day) : 0;

    g_clear_pointer (&date_label, g_free);
    if (n > 0)
      date_label = fc_plan_day_cell_dup_date_label (cell);
    for (guint k = 0; k < n; k++) {
      FcPlanChip *chip = ensure_chip (self, used++);

      fc_plan_chip_set_style (chip, chip_style (self));
      fc_plan_chip_set_meal (chip, fc_plan_layout_get_entry (self->layout, day, k), day,
                             date_label);
      if (fc_plan_day_cell_get_day (cell) != 0 &&
          g_date_get_month (&date) != g_date_get_month (&self->anchor) &&
          self->mode == FC_PLAN_CALENDAR_MONTH)
        gtk_widget_add_css_class (GTK_WIDGET (chip), "other-month");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (chip), "other-month");
    }
    self->cell_chips[i].n = n;
    if (n > 0 && self->mode == FC_PLAN_CALENDAR_MONTH) {
      FcPlanChip *more = ensure_chip (self, used);

      fc_plan_chip_set_style (more, chip_style (self));
      /* The count is the allocation's to say; keep the last one meanwhile. */
      fc_plan_chip_set_more (more, fc_plan_chip_get_n_more (more), day, date_label);
      gtk_widget_remove_css_class (GTK_WIDGET (more), "other-month");
      self->cell_chips[i].more = (int) used++;
    }
  }
  self->n_chips_used = used;
  for (guint i = used; i < self->chips->len; i++)
    show_child (GTK_WIDGET (get_chip (self, i)), FALSE);

  update_title (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));

  if (had_focus) {
    int index = cell_for_date (self, &self->focused);

    for (guint i = 0; focus_meal != 0 && i < used; i++) {
      FcPlanChip *chip = get_chip (self, i);

      if (!fc_plan_chip_is_more (chip) && fc_plan_chip_get_meal_id (chip) == focus_meal &&
          fc_plan_chip_get_day (chip) == focus_day && gtk_widget_grab_focus (GTK_WIDGET (chip)))
        return;
    }
    if (index >= 0)
      gtk_widget_grab_focus (GTK_WIDGET (get_cell (self, index)));
  }
}

/* Moves the focused date and, if a day had the keyboard, the focus with it. */
static void
move_focus_to (FcPlanCalendar *self,
               const GDate    *date)
{
  int index;

  fc_plan_calendar_set_focused_date (self, date);
  index = cell_for_date (self, &self->focused);
  if (index >= 0)
    gtk_widget_grab_focus (GTK_WIDGET (get_cell (self, index)));
}

/* A click focuses a day where it is: a dimmed day of the next month does
 * not turn the page under the pointer. */
static void
focus_date_in_view (FcPlanCalendar *self,
                    const GDate    *date)
{
  if (cell_for_date (self, date) < 0) {
    fc_plan_calendar_set_focused_date (self, date);
    return;
  }
  if (g_date_compare (&self->focused, date) == 0)
    return;
  self->focused = *date;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUSED_DATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUSED_DAY]);
}

static FcPlanDayCell *
cell_at (FcPlanCalendar *self,
         double          x,
         double          y)
{
  for (guint i = 0; i < self->n_shown; i++) {
    FcPlanDayCell *cell = get_cell (self, i);
    graphene_rect_t bounds;

    if (gtk_widget_compute_bounds (GTK_WIDGET (cell), GTK_WIDGET (self), &bounds) &&
        graphene_rect_contains_point (&bounds, &GRAPHENE_POINT_INIT (x, y)))
      return cell;
  }
  return NULL;
}

static FcPlanChip *
chip_at (FcPlanCalendar *self,
         double          x,
         double          y)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);

  while (picked != NULL && picked != GTK_WIDGET (self) && !FC_IS_PLAN_CHIP (picked))
    picked = gtk_widget_get_parent (picked);
  return picked != NULL && FC_IS_PLAN_CHIP (picked) ? FC_PLAN_CHIP (picked) : NULL;
}

static void
activate_chip (FcPlanCalendar *self,
               FcPlanChip     *chip)
{
  GDate date;

  if (!fc_plan_chip_is_more (chip)) {
    g_signal_emit (self, signals[SIGNAL_MEAL_ACTIVATED], 0,
                   fc_plan_chip_get_meal_id (chip), (int) fc_plan_chip_get_day (chip));
    return;
  }

  /* "+N more" opens that day's week, where every meal is listed. */
  if (self->layout != NULL && fc_plan_layout_get_date (self->layout, fc_plan_chip_get_day (chip), &date)) {
    fc_plan_calendar_set_mode (self, FC_PLAN_CALENDAR_WEEK);
    move_focus_to (self, &date);
  }
}

static void
activate_day (FcPlanCalendar *self,
              FcPlanDayCell  *cell)
{
  if (fc_plan_day_cell_get_day (cell) != 0)
    g_signal_emit (self, signals[SIGNAL_DAY_ACTIVATED], 0, (int) fc_plan_day_cell_get_day (cell));
}

/* The focused widget's day cell, or NULL when the focus is elsewhere. */
static GtkWidget *
focused_child (FcPlanCalendar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || gtk_widget_get_parent (focus) != GTK_WIDGET (self))
    return NULL;
  return focus;
}

/* Ctrl+arrows move the focused chip's meal a day or a week: a drag for the
 * keyboard, with the same "meal-moved" and the same refusals as a drop. */
static gboolean
move_chip_by_key (FcPlanCalendar *self,
                  FcPlanChip     *chip,
                  guint           keyval)
{
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  gint64 meal_id = fc_plan_chip_get_meal_id (chip);
  guint from_day = fc_plan_chip_get_day (chip);
  int step;
  guint to_day;
  GDate date;

  switch (keyval) {
  case GDK_KEY_Left:
  case GDK_KEY_KP_Left:
    step = rtl ? 1 : -1;
    break;
  case GDK_KEY_Right:
  case GDK_KEY_KP_Right:
    step = rtl ? -1 : 1;
    break;
  case GDK_KEY_Up:
  case GDK_KEY_KP_Up:
    step = -7;
    break;
  case GDK_KEY_Down:
  case GDK_KEY_KP_Down:
    step = 7;
    break;
  default:
    return GDK_EVENT_PROPAGATE;
  }

  if (fc_plan_chip_is_more (chip) || self->layout == NULL ||
      !fc_plan_layout_get_date (self->layout, from_day, &date))
    return GDK_EVENT_PROPAGATE;
  if (step > 0)
    g_date_add_days (&date, step);
  else
    g_date_subtract_days (&date, -step);
  to_day = fc_plan_layout_day_for_date (self->layout, &date);
  if (to_day == 0 || fc_plan_layout_day_has_meal (self->layout, to_day, meal_id)) {
    gtk_widget_error_bell (GTK_WIDGET (self));
    return GDK_EVENT_STOP;
  }

  self->follow_meal = meal_id;
  self->follow_day = to_day;
  focus_date_in_view (self, &date);
  g_signal_emit (self, signals[SIGNAL_MEAL_MOVED], 0, meal_id, (int) from_day, (int) to_day);
  return GDK_EVENT_STOP;
}

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   FcPlanCalendar        *self)
{
  GtkWidget *focus = focused_child (self);
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  GDate date = self->focused;
  int back;

  if (focus == NULL || (state & GDK_ALT_MASK) != 0)
    return GDK_EVENT_PROPAGATE;
  if ((state & GDK_CONTROL_MASK) != 0)
    return FC_IS_PLAN_CHIP (focus) && move_chip_by_key (self, FC_PLAN_CHIP (focus), keyval);

  switch (keyval) {
  case GDK_KEY_Left:
  case GDK_KEY_KP_Left:
    if (rtl)
      g_date_add_days (&date, 1);
    else
      g_date_subtract_days (&date, 1);
    break;
  case GDK_KEY_Right:
  case GDK_KEY_KP_Right:
    if (rtl)
      g_date_subtract_days (&date, 1);
    else
      g_date_add_days (&date, 1);
    break;
  case GDK_KEY_Up:
  case GDK_KEY_KP_Up:
    g_date_subtract_days (&date, 7);
    break;
  case GDK_KEY_Down:
  case GDK_KEY_KP_Down:
    g_date_add_days (&date, 7);
    break;
  case GDK_KEY_Home:
  case GDK_KEY_KP_Home:
    back = ((int) g_date_get_weekday (&date) - (int) self->week_start + 7) % 7;
    g_date_subtract_days (&date, back);
    break;
  case GDK_KEY_End:
  case GDK_KEY_KP_End:
    back = ((int) g_date_get_weekday (&date) - (int) self->week_start + 7) % 7;
    g_date_add_days (&date, 6 - back);
    break;
  case GDK_KEY_Page_Up:
  case GDK_KEY_KP_Page_Up:
    g_date_subtract_months (&date, 1);
    break;
  case GDK_KEY_Page_Down:
  case GDK_KEY_KP_Page_Down:
    g_date_add_months (&date, 1);
    break;
  case GDK_KEY_Return:
  case GDK_KEY_KP_Enter:
  case GDK_KEY_ISO_Enter:
  case GDK_KEY_space:
    if (FC_IS_PLAN_CHIP (focus))
      activate_chip (self, FC_PLAN_CHIP (focus));
    else
      activate_day (self, FC_PLAN_DAY_CELL (focus));
    return GDK_EVENT_STOP;
  case GDK_KEY_Delete:
  case GDK_KEY_KP_Delete:
  case GDK_KEY_BackSpace:
    if (!FC_IS_PLAN_CHIP (focus) || fc_plan_chip_is_more (FC_PLAN_CHIP (focus)))
      return GDK_EVENT_PROPAGATE;
    g_signal_emit (self, signals[SIGNAL_MEAL_REMOVE_REQUESTED], 0,
                   fc_plan_chip_get_meal_id (FC_PLAN_CHIP (focus)),
                   (int) fc_plan_chip_get_day (FC_PLAN_CHIP (focus)));
    return GDK_EVENT_STOP;
  default:
    return GDK_EVENT_PROPAGATE;
  }

  move_focus_to (self, &date);
  return GDK_EVENT_STOP;
}

static void
on_click_released_cb (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      FcPlanCalendar  *self)
{
  FcPlanChip *chip = chip_at (self, x, y);
  FcPlanDayCell *cell;

  cell = cell_at (self, x, y);
  if (cell == NULL)
    return;
  focus_date_in_view (self, fc_plan_day_cell_get_date (cell));

  /* The chip's day is focused too, so Tab and the arrows go on from there. */
  if (chip != NULL) {
    gtk_widget_grab_focus (GTK_WIDGET (chip));
    if (n_press == 1)
      activate_chip (self, chip);
    return;
  }

  gtk_widget_grab_focus (GTK_WIDGET (cell));
  if (n_press == 2)
    activate_day (self, cell);
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource  *source,
                    double          x,
                    double          y,
                    FcPlanCalendar *self)
{
  FcPlanChip *chip = chip_at (self, x, y);
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GdkContentProvider *providers[2];

  if (chip == NULL || fc_plan_chip_is_more (chip))
    return NULL;

  text = g_strdup_printf ("%" G_GINT64_FORMAT " %u", fc_plan_chip_get_meal_id (chip),
                          fc_plan_chip_get_day (chip));
  bytes = g_bytes_new (text, strlen (text));
  /* The mime type tells our drop target a chip from a stray text drag. */
  providers[0] = gdk_content_provider_new_for_bytes (FC_PLAN_CALENDAR_MEAL_MIME_TYPE, bytes);
  providers[1] = gdk_content_provider_new_typed (G_TYPE_STRING, text);
  g_object_set_data_full (G_OBJECT (source), "chip", g_object_ref (chip), g_object_unref);
  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

static void
on_drag_begin_cb (GtkDragSource  *source,
                  GdkDrag        *drag,
                  FcPlanCalendar *self)
{
  GtkWidget *chip = g_object_get_data (G_OBJECT (source), "chip");
  g_autoptr(GdkPaintable) icon = NULL;

  if (chip == NULL)
    return;
  icon = gtk_widget_paintable_new (chip);
  gtk_drag_source_set_icon (source, icon, gtk_widget_get_width (chip) / 2,
                            gtk_widget_get_height (chip) / 2);
  gtk_widget_add_css_class (chip, "dragged");
}

static void
on_drag_end_cb (GtkDragSource  *source,
                GdkDrag        *drag,
                gboolean        delete_data,
                FcPlanCalendar *self)
{
  GtkWidget *chip = g_object_get_data (G_OBJECT (source), "chip");

  if (chip != NULL)
    gtk_widget_remove_css_class (chip, "dragged");
  g_object_set_data (G_OBJECT (source), "chip", NULL);
}

static gboolean
parse_drag_text (const GValue *value,
                 gint64       *out_meal_id,
                 guint        *out_day)
{
  const char *text;
  char *end = NULL;

  if (value == NULL || !G_VALUE_HOLDS_STRING (value) || (text = g_value_get_string (value)) == NULL)
    return FALSE;
  *out_meal_id = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != ' ')
    return FALSE;
  text = end + 1;
  *out_day = (guint) g_ascii_strtoull (text, &end, 10);
  return end != text && *end == '\0' && *out_day > 0;
}

/* The day @value may be dropped on at (x, y), or NULL. */
static FcPlanDayCell *
drop_cell_at (FcPlanCalendar *self,
              const GValue   *value,
              double          x,
              double          y,
              gint64         *out_meal_id,
              guint          *out_from_day)
{
  FcPlanDayCell *cell = cell_at (self, x, y);
  guint to_day;

  if (cell == NULL || self->layout == NULL ||
      !parse_drag_text (value, out_meal_id, out_from_day))
    return NULL;
  to_day = fc_plan_day_cell_get_day (cell);
  if (to_day == 0 || to_day == *out_from_day ||
      fc_plan_layout_day_has_meal (self->layout, to_day, *out_meal_id))
    return NULL;
  return cell;
}

static void
set_drop_cell (FcPlanCalendar *self,
               FcPlanDayCell  *cell)
{
  if (self->drop_cell == cell)
    return;
  if (self->drop_cell != NULL)
    fc_plan_day_cell_set_drop_target (self->drop_cell, FALSE);
  self->drop_cell = cell;
  if (cell != NULL)
    fc_plan_day_cell_set_drop_target (cell, TRUE);
}

static gboolean
on_drop_accept_cb (GtkDropTarget  *target,
                   GdkDrop        *drop,
                   FcPlanCalendar *self)
{
  return gdk_content_formats_contain_mime_type (gdk_drop_get_formats (drop),
                                                FC_PLAN_CALENDAR_MEAL_MIME_TYPE) &&
         gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), G_TYPE_STRING);
}

static GdkDragAction
on_drop_motion_cb (GtkDropTarget  *target,
                   double          x,
                   double          y,
                   FcPlanCalendar *self)
{
  gint64 meal_id;
  guint from_day;
  FcPlanDayCell *cell = drop_cell_at (self, gtk_drop_target_get_value (target), x, y,
                                      &meal_id, &from_day);

  set_drop_cell (self, cell);
  return cell != NULL ? GDK_ACTION_MOVE : 0;
}

static void
on_drop_leave_cb (GtkDropTarget  *target,
                  FcPlanCalendar *self)
{
  set_drop_cell (self, NULL);
}

static gboolean
on_drop_cb (GtkDropTarget  *target,
            const GValue   *value,
            double          x,
            double          y,
            FcPlanCalendar *self)
{
  gint64 meal_id;
  guint from_day;
  FcPlanDayCell *cell = drop_cell_at (self, value, x, y, &meal_id, &from_day);

  set_drop_cell (self, NULL);
  if (cell == NULL)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_MEAL_MOVED], 0, meal_id, (int) from_day,
                 (int) fc_plan_day_cell_get_day (cell));
  return TRUE;
}

static void
action_previous (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fc_plan_calendar_go_previous (FC_PLAN_CALENDAR (widget));
}

static void
action_next (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fc_plan_calendar_go_next (FC_PLAN_CALENDAR (widget));
}

static void
action_today (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  fc_plan_calendar_go_today (FC_PLAN_CALENDAR (widget));
}

/* Lays out @cell's chips in @area: one a line (or a flow of small squares
 * when compact); in the month view the last slot says "+N more" when the
 * day holds more than fit. */
static void
place_chips (FcPlanCalendar        *self,
             guint                  index,
             const graphene_rect_t *area)
{
  const CellChips *cc = &self->cell_chips[index];
  FcPlanChip *more = cc->more >= 0 ? get_chip (self, cc->more) : NULL;
  guint per_row = 1, capacity, shown;
  int chip_h = 0, chip_w;

  for (guint k = 0; k < cc->n + (more != NULL); k++) {
    FcPlanChip *chip = get_chip (self, cc->first + k);

    fc_plan_chip_set_style (chip, chip_style (self));
    gtk_widget_measure (GTK_WIDGET (chip), GTK_ORIENTATION_VERTICAL, -1, &chip_h, NULL, NULL, NULL);
  }
  if (cc->n == 0 || chip_h <= 0)
    return;

  chip_w = (int) area->size.width;
  if (chip_style (self) == FC_PLAN_CHIP_COMPACT) {
    gtk_widget_measure (GTK_WIDGET (get_chip (self, cc->first)), GTK_ORIENTATION_HORIZONTAL,
                        -1, &chip_w, NULL, NULL, NULL);
    chip_w = MAX (chip_w, chip_h);
    per_row = MAX (1, (guint) ((area->size.width + CHIP_GAP) / (chip_w + CHIP_GAP)));
  }
  capacity = per_row * (guint) MAX (0, (area->size.height + CHIP_GAP) / (chip_h + CHIP_GAP));
  if (self->mode == FC_PLAN_CALENDAR_WEEK)
    capacity = cc->n;   /* the week view's height was asked for all of them */
  shown = cc->n <= capacity ? cc->n : (capacity > 0 ? capacity - 1 : 0);

  for (guint k = 0; k < cc->n + (more != NULL); k++) {
    FcPlanChip *chip = k < cc->n ? get_chip (self, cc->first + k) : more;
    guint slot = k < cc->n ? k : shown;
    gboolean visible = k < cc->n ? k < shown : (cc->n > shown && capacity > 0);
    GtkAllocation alloc;

    show_child (GTK_WIDGET (chip), visible);
    if (!visible)
      continue;
    if (chip == more)
      fc_plan_chip_set_more (more, cc->n - shown, fc_plan_chip_get_day (more), NULL);
    alloc.x = (int) area->origin.x + (int) (slot % per_row) * (chip_w + CHIP_GAP);
    alloc.y = (int) area->origin.y + (int) (slot / per_row) * (chip_h + CHIP_GAP);
    alloc.width = chip_w;
    alloc.height = chip_h;
    if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL)
      alloc.x = (int) (2 * area->origin.x + area->size.width) - alloc.x - chip_w;
    gtk_widget_size_allocate (GTK_WIDGET (chip), &alloc, -1);
  }
}

static void
fc_plan_calendar_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (widget);
  int header = weekday_header_height (self);

  for (guint i = 0; i < self->n_shown; i++)
    gtk_widget_measure (GTK_WIDGET (get_cell (self, i)), orientation, -1, NULL, NULL, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL) {
    *minimum = 7 * MIN_CELL_WIDTH;
    *natural = 7 * 140;
    return;
  }

  if (self->mode == FC_PLAN_CALENDAR_MONTH) {
    *minimum = header + 6 * 56;
    *natural = header + 6 * 120;
    return;
  }

  /* The week asks for room for every meal (hosts scroll it): the tallest
   * column, or in the narrow agenda the sum of the rows. */
  *minimum = 0;
  for (guint i = 0; i < self->n_shown; i++) {
    int needed = week_cell_height (self, i);

    *minimum = self->compact ? *minimum + needed : MAX (*minimum, needed);
  }
  *natural = MAX (*minimum, self->compact ? 0 : 480);
}

static GtkSizeRequestMode
fc_plan_calendar_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
fc_plan_calendar_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (widget);
  gboolean week = self->mode == FC_PLAN_CALENDAR_WEEK;
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  guint rows = week ? 1 : 6;
  double cell_w = width / 7.0;
  gboolean compact = cell_w < COMPACT_WIDTH;
  gboolean agenda;
  int header, agenda_y = 0;
  double cell_h;

  if (compact != self->compact) {
    /* Narrow cells: one-letter weekdays, square chips (or the agenda), bars
     * only. The chips' heights change with it, so lay out once more. */
    self->compact = compact;
    clear_weekdays (self);
    for (guint i = 0; i < self->n_chips_used; i++)
      fc_plan_chip_set_style (get_chip (self, i), chip_style (self));
    gtk_widget_queue_resize (widget);
  }
  agenda = week && compact;
  header = weekday_header_height (self);
  cell_h = (height - header) / (double) rows;

  for (guint i = 0; i < N_CELLS; i++) {
    FcPlanDayCell *cell = get_cell (self, i);
    guint col = i % 7, row = i / 7;
    GtkAllocation alloc;
    graphene_rect_t area;

    show_child (GTK_WIDGET (cell), i < self->n_shown);
    if (i >= self->n_shown)
      continue;

    fc_plan_day_cell_set_look (cell, week, compact);
    if (agenda) {
      alloc.x = 0;
      alloc.width = width;
      alloc.y = agenda_y;
      alloc.height = i == self->n_shown - 1 ? MAX (height - agenda_y, week_cell_height (self, i))
                                            : week_cell_height (self, i);
      agenda_y += alloc.height;
    } else {
      if (rtl)
        col = 6 - col;
      alloc.x = (int) round (col * cell_w);
      alloc.width = (int) round ((col + 1) * cell_w) - alloc.x;
      alloc.y = header + (int) round (row * cell_h);
      alloc.height = header + (int) round ((row + 1) * cell_h) - alloc.y;
    }

    gtk_widget_measure (GTK_WIDGET (cell), GTK_ORIENTATION_VERTICAL, -1, NULL, NULL, NULL, NULL);
    gtk_widget_size_allocate (GTK_WIDGET (cell), &alloc, -1);

    fc_plan_day_cell_get_chip_area (cell, alloc.width, alloc.height, &area);
    area.origin.x += alloc.x;
    area.origin.y += alloc.y;
    place_chips (self, i, &area);
  }
}

static void
fc_plan_calendar_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (widget);
  int width = gtk_widget_get_width (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int header = weekday_header_height (self);
  GdkRGBA fg, line, dim;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  line = dim = fg;
  line.alpha *= 0.15f;
  dim.alpha *= 0.6f;

  for (guint i = 0; i < 7 && header > 0; i++) {
    guint col = rtl ? 6 - i : i;
    double x = col * width / 7.0;

    pango_layout_set_width (self->weekdays[i], (int) (width / 7.0) * PANGO_SCALE);
    gtk_snapshot_save (snapshot);
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) round (x), 4));
    gtk_snapshot_append_layout (snapshot, self->weekdays[i], &dim);
    gtk_snapshot_restore (snapshot);
  }

  for (guint i = 0; i < self->n_shown; i++)
    gtk_widget_snapshot_child (widget, GTK_WIDGET (get_cell (self, i)), snapshot);

  /* Lines between the cells, in the text color so any theme shows them:
   * each cell's top and leading edge, so none is drawn twice. */
  for (guint i = 0; i < self->n_shown; i++) {
    graphene_rect_t bounds;

    if (!gtk_widget_compute_bounds (GTK_WIDGET (get_cell (self, i)), widget, &bounds))
      continue;
    gtk_snapshot_append_color (snapshot, &line,
                               &GRAPHENE_RECT_INIT (bounds.origin.x, bounds.origin.y,
                                                    bounds.size.width, 1));
    if (bounds.origin.x > 0)
      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (bounds.origin.x, bounds.origin.y + 1, 1,
                                                      bounds.size.height - 1));
  }

  for (guint i = 0; i < self->n_chips_used; i++)
    gtk_widget_snapshot_child (widget, GTK_WIDGET (get_chip (self, i)), snapshot);
}

static gboolean
fc_plan_calendar_focus (GtkWidget        *widget,
                        GtkDirectionType  direction)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (widget);
  GtkWidget *focus = focused_child (self);
  int index = cell_for_date (self, &self->focused);
  const CellChips *cc;
  GPtrArray *order;
  int at = -1;
  int next;

  /* One stop for the grid (the focused day), then that day's chips; the
   * arrows move between days (see on_key_pressed_cb). */
  if (index < 0)
    return FALSE;
  cc = &self->cell_chips[index];
  order = g_ptr_array_new ();
  g_ptr_array_add (order, get_cell (self, index));
  for (guint k = 0; k < cc->n + (cc->more >= 0); k++) {
    GtkWidget *chip = GTK_WIDGET (k < cc->n ? get_chip (self, cc->first + k) : get_chip (self, cc->more));

    if (gtk_widget_get_child_visible (chip))
      g_ptr_array_add (order, chip);
  }
  for (guint i = 0; focus != NULL && i < order->len; i++) {
    if (g_ptr_array_index (order, i) == focus)
      at = (int) i;
  }

  if (direction == GTK_DIR_TAB_FORWARD)
    next = focus == NULL ? 0 : (at >= 0 ? at + 1 : (int) order->len);
  else if (direction == GTK_DIR_TAB_BACKWARD)
    next = focus == NULL ? (int) order->len - 1 : (at >= 0 ? at - 1 : -1);
  else
    next = focus == NULL ? 0 : -1;

  if (next >= 0 && next < (int) order->len) {
    gtk_widget_grab_focus (g_ptr_array_index (order, next));
    g_ptr_array_unref (order);
    return TRUE;
  }
  g_ptr_array_unref (order);
  return FALSE;
}

static gboolean
fc_plan_calendar_grab_focus (GtkWidget *widget)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (widget);
  int index = cell_for_date (self, &self->focused);

  return index >= 0 && gtk_widget_grab_focus (GTK_WIDGET (get_cell (self, index)));
}

static void
fc_plan_calendar_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (fc_plan_calendar_parent_class)->css_changed (widget, change);
  clear_weekdays (FC_PLAN_CALENDAR (widget));
}

static void
fc_plan_calendar_direction_changed (GtkWidget        *widget,
                                    GtkTextDirection  previous)
{
  gtk_widget_queue_allocate (widget);
}

static void
fc_plan_calendar_root (GtkWidget *widget)
{
  GdkDisplay *display;

  GTK_WIDGET_CLASS (fc_plan_calendar_parent_class)->root (widget);

  /* The calendar's stylesheet, once a display: colors come from the theme's
   * named colors, so dark mode and high contrast need nothing more. */
  display = gtk_widget_get_display (widget);
  if (g_object_get_data (G_OBJECT (display), "fc-plan-calendar-css") == NULL) {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider,
                                         "/org/fitcore/FitCore/ui/calendar/fc-plan-calendar.css");
    gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_set_data (G_OBJECT (display), "fc-plan-calendar-css", GINT_TO_POINTER (1));
  }
}

static void
fc_plan_calendar_dispose (GObject *object)
{
  FcPlanCalendar *self = FC_PLAN_CALENDAR (object);
  GtkWidget *child;

  self->drop_cell = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_pointer (&self->chips, g_ptr_array_unref);
  clear_weekdays (self);
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

  widget_class->get_request_mode = fc_plan_calendar_get_request_mode;
  widget_class->measure = fc_plan_calendar_measure;
  widget_class->size_allocate = fc_plan_calendar_size_allocate;
  widget_class->snapshot = fc_plan_calendar_snapshot;
  widget_class->focus = fc_plan_calendar_focus;
  widget_class->grab_focus = fc_plan_calendar_grab_focus;
  widget_class->css_changed = fc_plan_calendar_css_changed;
  widget_class->direction_changed = fc_plan_calendar_direction_changed;
  widget_class->root = fc_plan_calendar_root;

  gtk_widget_class_install_action (widget_class, "calendar.previous", NULL, action_previous);
  gtk_widget_class_install_action (widget_class, "calendar.next", NULL, action_next);
  gtk_widget_class_install_action (widget_class, "calendar.today", NULL, action_today);
  gtk_widget_class_install_property_action (widget_class, "calendar.mode", "mode");

  gtk_widget_class_set_css_name (widget_class, "fc-plan-calendar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
fc_plan_calendar_init (FcPlanCalendar *self)
{
  GtkEventController *key;
  GtkGesture *click;
  GtkDragSource *drag;
  GtkDropTarget *drop;

  self->cells = g_ptr_array_new ();
  self->chips = g_ptr_array_new ();
  self->week_start = fc_plan_calendar_get_locale_week_start ();
  fc_time_get_today (&self->focused);
  self->anchor = self->focused;

  for (guint i = 0; i < N_CELLS; i++) {
    GtkWidget *cell = fc_plan_day_cell_new ();

    gtk_widget_set_parent (cell, GTK_WIDGET (self));
    g_ptr_array_add (self->cells, cell);
  }

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  /* One drag source and one drop target for the whole grid: the chips are
   * pooled, and the grid knows which meal and day a point shows. */
  drag = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare_cb), self);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);
  gtk_drop_target_set_preload (drop, TRUE);
  g_signal_connect (drop, "accept", G_CALLBACK (on_drop_accept_cb), self);
  g_signal_connect (drop, "motion", G_CALLBACK (on_drop_motion_cb), self);
  g_signal_connect (drop, "leave", G_CALLBACK (on_drop_leave_cb), self);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  rebuild (self);
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
  rebuild (self);
  self->follow_meal = 0;
  self->follow_day = 0;
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
  self->anchor = self->focused;
  rebuild (self);
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
  GDate first;

  g_return_if_fail (FC_IS_PLAN_CALENDAR (self));
  g_return_if_fail (date != NULL && g_date_valid (date));

  if (g_date_compare (&self->focused, date) == 0 && g_date_compare (&self->anchor, date) == 0)
    return;
  self->focused = self->anchor = *date;
  compute_first (self, &first);
  /* The same first cell means the same month or week: nothing to redo. */
  if (g_date_compare (&first, &self->first) != 0)
    rebuild (self);
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
  fc_time_get_today (&today);
  fc_plan_calendar_set_focused_date (self, &today);
}
