/* fc-plan-day-cell.c — one day of the plan calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-day-cell"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fc-plan-day-cell.h"

#define PAD       4   /* around the cell's content */
#define BAR       4   /* a macro bar's thickness */
#define BAR_GAP   3
#define AGENDA_HEAD 52  /* the date column of the narrow week */

struct _FcPlanDayCell
{
  GtkWidget     parent_instance;

  /* owned */
  FcPlanLayout *layout;
  PangoLayout  *number;        /* the text layouts, built on demand */
  PangoLayout  *caption;       /* kcal (month) or weekday (week) */
  PangoLayout  *macro_names[FC_PLAN_N_MACROS];
  PangoLayout  *macro_values[FC_PLAN_N_MACROS];
  char         *key;           /* see build_key () */

  GDate         date;
  guint         day;
  gboolean      other_month;
  gboolean      today;
  gboolean      week;
  gboolean      compact;
};

G_DEFINE_FINAL_TYPE (FcPlanDayCell, fc_plan_day_cell, GTK_TYPE_WIDGET)

static const char * const units[FC_PLAN_N_MACROS] = {
  /* Translators: units after a day's totals, "1,950 / 2,000 kcal". */
  N_("kcal"), N_("g"), N_("g"), N_("g"),
};

static void
clear_layouts (FcPlanDayCell *self)
{
  g_clear_object (&self->number);
  g_clear_object (&self->caption);
  for (guint m = 0; m < FC_PLAN_N_MACROS; m++) {
    g_clear_object (&self->macro_names[m]);
    g_clear_object (&self->macro_values[m]);
  }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static int
line_height (FcPlanDayCell *self,
             double         scale)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);

  int height = (int) ceil (pango_font_metrics_get_height (metrics) * scale / PANGO_SCALE);

  pango_font_metrics_unref (metrics);
  return height;
}

static PangoLayout *
make_layout (FcPlanDayCell *self,
             const char    *text,
             double         scale,
             gboolean       bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  if (scale != 1.0)
    pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  return layout;
}

static gboolean
has_bars (FcPlanDayCell *self)
{
  /* An empty day is "no plan yet", not "off target": it gets no bars. */
  if (self->day == 0 || fc_plan_layout_get_n_entries (self->layout, self->day) == 0)
    return FALSE;
  for (guint m = 0; m < FC_PLAN_N_MACROS; m++) {
    if (fc_plan_layout_get_target (self->layout, m, NULL))
      return TRUE;
  }
  return FALSE;
}

static void
get_color (GtkWidget  *widget,
           const char *name,
           const char *fallback,
           GdkRGBA    *out_color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, out_color))
    gdk_rgba_parse (out_color, fallback);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static char *
format_amount (double value)
{
  /* The ' flag groups thousands as the locale does: "1,950". */
  return g_strdup_printf ("%'.0f", value);
}

static guint
n_meals (FcPlanDayCell *self)
{
  return self->day != 0 ? fc_plan_layout_get_n_entries (self->layout, self->day) : 0;
}

static char *
build_label (FcPlanDayCell *self)
{
  g_autofree char *date = fc_plan_day_cell_dup_date_label (self);
  GString *label = g_string_new (date);
  guint n = n_meals (self);
  g_autofree char *total = NULL;
  double target;

  if (self->day == 0) {
    /* Translators: follows a day's date in its accessible name. */
    g_string_append (label, _(", not in the plan"));
    return g_string_free (label, FALSE);
  }

  total = format_amount (fc_plan_layout_get_total (self->layout, self->day, FC_PLAN_MACRO_CALORIES));
  g_string_append (label, ", ");
  g_string_append_printf (label, ngettext ("%u meal", "%u meals", n), n);
  g_string_append (label, ", ");
  if (n > 0 && fc_plan_layout_get_target (self->layout, FC_PLAN_MACRO_CALORIES, &target)) {
    g_autofree char *goal = format_amount (target);

    /* Translators: a day's energy against the plan's target, "1,950 of 2,000 kcal". */
    g_string_append_printf (label, _("%s of %s kcal"), total, goal);
  } else {
    g_string_append_printf (label, _("%s kcal"), total);
  }
  return g_string_free (label, FALSE);
}

/* Everything the cell draws, as text: when a new layout leaves it as it was,
 * the cell keeps its text layouts and accessible name. */
static char *
build_key (FcPlanDayCell *self)
{
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "%u %u %d %d %u", g_date_get_julian (&self->date), self->day,
                          self->other_month, self->today, n_meals (self));
  for (guint m = 0; m < FC_PLAN_N_MACROS && self->day != 0; m++) {
    double target = 0;
    gboolean has_target = fc_plan_layout_get_target (self->layout, m, &target);

    g_string_append_printf (key, " %.17g %d %.17g", fc_plan_layout_get_total (self->layout, self->day, m),
                            has_target, target);
  }
  return g_string_free (key, FALSE);
}

static gboolean
fc_plan_day_cell_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard_tooltip,
                                GtkTooltip *tooltip)
{
  FcPlanDayCell *self = FC_PLAN_DAY_CELL (widget);
  g_autoptr(GString) text = g_string_new (NULL);

  /* Built when asked: setting tooltip text on every cell at each change
   * costs an X round trip per widget. */
  if (n_meals (self) == 0)
    return FALSE;
  for (guint m = 0; m < FC_PLAN_N_MACROS; m++) {
    g_autofree char *value = format_amount (fc_plan_layout_get_total (self->layout, self->day, m));
    double target;

    if (text->len > 0)
      g_string_append_c (text, '\n');
    if (fc_plan_layout_get_target (self->layout, m, &target)) {
      g_autofree char *goal = format_amount (target);

      /* Translators: one line of a day's tooltip, "Protein: 120 of 150 g". */
      g_string_append_printf (text, _("%s: %s of %s %s"), fc_plan_macro_get_label (m),
                              value, goal, _(units[m]));
    } else {
      g_string_append_printf (text, _("%s: %s %s"), fc_plan_macro_get_label (m),
                              value, _(units[m]));
    }
  }
  gtk_tooltip_set_text (tooltip, text->str);
  return TRUE;
}

/* "1,950 / 2,000 kcal", or "1,950 kcal" without a target. */
static char *
format_total (FcPlanDayCell *self,
              FcPlanMacro    macro)
{
  g_autofree char *value = format_amount (fc_plan_layout_get_total (self->layout, self->day, macro));
  g_autofree char *goal = NULL;
  double target;

  if (!fc_plan_layout_get_target (self->layout, macro, &target))
    return g_strdup_printf ("%s %s", value, _(units[macro]));
  goal = format_amount (target);
  /* Translators: a day's total against the target, "1,950 / 2,000 kcal". */
  return g_strdup_printf (_("%s / %s %s"), value, goal, _(units[macro]));
}

static gboolean
is_agenda (FcPlanDayCell *self)
{
  return self->week && self->compact;
}

static void
ensure_layouts (FcPlanDayCell *self)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *text = NULL;
  gboolean has_meals = self->day != 0 && fc_plan_layout_get_n_entries (self->layout, self->day) > 0;

  if (self->number != NULL)
    return;

  dt = g_date_time_new_utc (g_date_get_year (&self->date), g_date_get_month (&self->date),
                            g_date_get_day (&self->date), 12, 0, 0);
  /* The first of a month names it, so a grid that spans two months reads
   * right. Translators: a strftime() format, "1 Jan". */
  if (!self->week && !self->compact && g_date_get_day (&self->date) == 1)
    text = g_date_time_format (dt, _("%-d %b"));
  else
    text = g_strdup_printf ("%u", g_date_get_day (&self->date));
  self->number = make_layout (self, text, self->week ? PANGO_SCALE_LARGE : PANGO_SCALE_SMALL,
                              self->week || self->today);
  g_clear_pointer (&text, g_free);

  if (self->week) {
    text = g_date_time_format (dt, "%a");
    self->caption = make_layout (self, text, PANGO_SCALE_SMALL, FALSE);
  } else if (!self->compact && has_meals) {
    g_autofree char *kcal = format_amount (fc_plan_layout_get_total (self->layout, self->day,
                                                                     FC_PLAN_MACRO_CALORIES));

    text = g_strdup_printf (_("%s kcal"), kcal);
    self->caption = make_layout (self, text, PANGO_SCALE_SMALL, FALSE);
    pango_layout_set_alignment (self->caption, PANGO_ALIGN_RIGHT);
  }

  /* The agenda says the day's kcal beside its bars; the week's columns
   * name and number every macro. */
  if (is_agenda (self) && has_meals) {
    g_free (text);
    text = format_total (self, FC_PLAN_MACRO_CALORIES);
    self->macro_values[FC_PLAN_MACRO_CALORIES] = make_layout (self, text, PANGO_SCALE_SMALL, FALSE);
  }
  if (!self->week || self->compact || !has_bars (self))
    return;
  for (guint m = 0; m < FC_PLAN_N_MACROS; m++) {
    g_free (text);
    text = format_total (self, m);
    self->macro_names[m] = make_layout (self, fc_plan_macro_get_label (m), PANGO_SCALE_SMALL, FALSE);
    self->macro_values[m] = make_layout (self, text, PANGO_SCALE_SMALL, FALSE);
    pango_layout_set_alignment (self->macro_values[m], PANGO_ALIGN_RIGHT);
  }
}

/* The header's height: the day number's line (and the weekday's above it
 * in the week view and agenda). */
static int
header_height (FcPlanDayCell *self)
{
  if (self->week)
    return line_height (self, PANGO_SCALE_SMALL) + line_height (self, PANGO_SCALE_LARGE) + PAD;
  return line_height (self, PANGO_SCALE_SMALL) + 2;
}

/* The totals' height: bars, and in the week's columns a line a macro, in
 * the agenda one line of kcal. */
static int
bars_height (FcPlanDayCell *self)
{
  gboolean has_meals = self->day != 0 && fc_plan_layout_get_n_entries (self->layout, self->day) > 0;
  int height = 0;

  if (is_agenda (self) && has_meals)
    height += line_height (self, PANGO_SCALE_SMALL) + 2;
  if (!has_bars (self))
    return height;
  if (!self->week || is_agenda (self))
    return height + BAR + PAD;
  return FC_PLAN_N_MACROS * (line_height (self, PANGO_SCALE_SMALL) + BAR + BAR_GAP) + PAD;
}

static void
append_bar (FcPlanDayCell         *self,
            GtkSnapshot           *snapshot,
            const graphene_rect_t *rect,
            FcPlanMacro            macro,
            const GdkRGBA         *track,
            const GdkRGBA         *ok,
            const GdkRGBA         *off)
{
  FcPlanDayStatus status = fc_plan_layout_get_status (self->layout, self->day, macro);
  double target = 0;
  double fraction;
  GskRoundedRect clip;
  graphene_rect_t fill;

  if (status == FC_PLAN_DAY_NO_TARGET)
    return;
  fc_plan_layout_get_target (self->layout, macro, &target);
  fraction = CLAMP (fc_plan_layout_get_total (self->layout, self->day, macro) / target, 0, 1);

  gsk_rounded_rect_init_from_rect (&clip, rect, rect->size.height / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
  gtk_snapshot_append_color (snapshot, track, rect);
  fill = GRAPHENE_RECT_INIT (rect->origin.x, rect->origin.y,
                             rect->size.width * fraction, rect->size.height);
  gtk_snapshot_append_color (snapshot, status == FC_PLAN_DAY_OK ? ok : off, &fill);
  gtk_snapshot_pop (snapshot);
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  float          x,
                  float          y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* Four short bars in a row: kcal, protein, carbohydrates, fat. */
static void
append_bar_row (FcPlanDayCell *self,
                GtkSnapshot   *snapshot,
                float          x,
                float          y,
                float          width,
                const GdkRGBA *track,
                const GdkRGBA *ok,
                const GdkRGBA *off)
{
  float w = (width - (FC_PLAN_N_MACROS - 1) * BAR_GAP) / (float) FC_PLAN_N_MACROS;

  for (guint m = 0; m < FC_PLAN_N_MACROS && w > 1; m++)
    append_bar (self, snapshot, &GRAPHENE_RECT_INIT (x + m * (w + BAR_GAP), y, w, BAR), m,
                track, ok, off);
}

static gboolean
is_off (FcPlanDayCell *self,
        FcPlanMacro    macro)
{
  FcPlanDayStatus status = fc_plan_layout_get_status (self->layout, self->day, macro);

  return status == FC_PLAN_DAY_LOW || status == FC_PLAN_DAY_HIGH;
}

static void
fc_plan_day_cell_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  FcPlanDayCell *self = FC_PLAN_DAY_CELL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int head = is_agenda (self) ? AGENDA_HEAD - PAD : width - 2 * PAD;
  int inner = MAX (0, width - 2 * PAD);
  GdkRGBA fg, dim, track, accent, accent_fg, error;
  int number_w, number_h, y;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dim = fg;
  dim.alpha *= 0.6f;
  track = fg;
  track.alpha *= 0.12f;
  get_color (widget, "accent_bg_color", "#3584e4", &accent);
  get_color (widget, "accent_fg_color", "#ffffff", &accent_fg);
  get_color (widget, "error_color", "#c01c28", &error);

  ensure_layouts (self);

  /* The header: weekday over the number (week, agenda), or number and kcal
   * (month). */
  y = PAD;
  if (self->week && self->caption != NULL) {
    int h;

    pango_layout_set_width (self->caption, head * PANGO_SCALE);
    append_layout_at (snapshot, self->caption, PAD, y, &dim);
    pango_layout_get_pixel_size (self->caption, NULL, &h);
    y += h;
  }
  pango_layout_get_pixel_size (self->number, &number_w, &number_h);
  if (self->today) {
    /* Today is the accent circle (a pill for "1 Jan"), in any theme. */
    float d = number_h + 2;
    float w = MAX (d, number_w + 6);
    GskRoundedRect pill;

    gsk_rounded_rect_init_from_rect (&pill, &GRAPHENE_RECT_INIT (PAD - 3, y - 1, w, d), d / 2);
    gtk_snapshot_push_rounded_clip (snapshot, &pill);
    gtk_snapshot_append_color (snapshot, &accent, &pill.bounds);
    gtk_snapshot_pop (snapshot);
    append_layout_at (snapshot, self->number, PAD - 3 + (w - number_w) / 2, y, &accent_fg);
  } else {
    append_layout_at (snapshot, self->number, PAD, y, self->day != 0 ? &fg : &dim);
  }
  if (!self->week && self->caption != NULL && inner - number_w - 8 > 16) {
    pango_layout_set_width (self->caption, (inner - number_w - 8) * PANGO_SCALE);
    append_layout_at (snapshot, self->caption, PAD + number_w + 8, y + 1,
                      is_off (self, FC_PLAN_MACRO_CALORIES) ? &error : &dim);
  }

  if (is_agenda (self)) {
    PangoLayout *kcal = self->macro_values[FC_PLAN_MACRO_CALORIES];
    int right = MAX (0, width - AGENDA_HEAD - PAD);

    y = PAD;
    if (kcal != NULL) {
      int h;

      pango_layout_set_width (kcal, right * PANGO_SCALE);
      append_layout_at (snapshot, kcal, AGENDA_HEAD, y,
                        is_off (self, FC_PLAN_MACRO_CALORIES) ? &error : &dim);
      pango_layout_get_pixel_size (kcal, NULL, &h);
      y += h + 2;
    }
    if (has_bars (self))
      append_bar_row (self, snapshot, AGENDA_HEAD, y, right, &track, &accent, &error);
    return;
  }

  if (!has_bars (self))
    return;

  if (!self->week) {
    append_bar_row (self, snapshot, PAD, height - PAD - BAR, inner, &track, &accent, &error);
    return;
  }

  y = header_height (self) + PAD;
  for (guint m = 0; m < FC_PLAN_N_MACROS; m++) {
    int value_w, h;

    /* The value keeps its room; the name is shortened to what is left. */
    pango_layout_set_width (self->macro_values[m], inner * PANGO_SCALE);
    pango_layout_get_pixel_size (self->macro_values[m], &value_w, &h);
    append_layout_at (snapshot, self->macro_values[m], PAD, y, is_off (self, m) ? &error : &fg);
    if (inner - value_w - 6 > 8) {
      pango_layout_set_width (self->macro_names[m], (inner - value_w - 6) * PANGO_SCALE);
      append_layout_at (snapshot, self->macro_names[m], PAD, y, &dim);
    }
    y += h;
    append_bar (self, snapshot, &GRAPHENE_RECT_INIT (PAD, y, inner, BAR), m,
                &track, &accent, &error);
    y += BAR + BAR_GAP;
  }
}

static void
fc_plan_day_cell_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (fc_plan_day_cell_parent_class)->css_changed (widget, change);
  clear_layouts (FC_PLAN_DAY_CELL (widget));
}

static void
fc_plan_day_cell_dispose (GObject *object)
{
  FcPlanDayCell *self = FC_PLAN_DAY_CELL (object);

  clear_layouts (self);
  g_clear_object (&self->layout);
  g_clear_pointer (&self->key, g_free);

  G_OBJECT_CLASS (fc_plan_day_cell_parent_class)->dispose (object);
}

static void
fc_plan_day_cell_class_init (FcPlanDayCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_plan_day_cell_dispose;

  widget_class->snapshot = fc_plan_day_cell_snapshot;
  widget_class->css_changed = fc_plan_day_cell_css_changed;
  widget_class->query_tooltip = fc_plan_day_cell_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "day");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID_CELL);
}

static void
fc_plan_day_cell_init (FcPlanDayCell *self)
{
  g_date_clear (&self->date, 1);
  g_date_set_dmy (&self->date, 1, 1, 2000);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
fc_plan_day_cell_new (void)
{
  return g_object_new (FC_TYPE_PLAN_DAY_CELL, NULL);
}

void
fc_plan_day_cell_set_day (FcPlanDayCell *self,
                          FcPlanLayout  *layout,
                          const GDate   *date,
                          gboolean       other_month,
                          gboolean       today)
{
  g_autofree char *label = NULL;
  g_return_if_fail (FC_IS_PLAN_DAY_CELL (self));
  g_return_if_fail (layout == NULL || FC_IS_PLAN_LAYOUT (layout));
  g_return_if_fail (date != NULL && g_date_valid (date));

  g_autofree char *key = NULL;

  g_set_object (&self->layout, layout);
  self->date = *date;
  self->day = layout != NULL ? fc_plan_layout_day_for_date (layout, date) : 0;
  self->other_month = other_month;
  self->today = today;

  key = build_key (self);
  if (g_strcmp0 (key, self->key) == 0)
    return;
  g_free (self->key);
  self->key = g_steal_pointer (&key);

  if (other_month)
    gtk_widget_add_css_class (GTK_WIDGET (self), "other-month");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "other-month");
  if (today)
    gtk_widget_add_css_class (GTK_WIDGET (self), "today");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "today");
  if (self->day == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "out-of-plan");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "out-of-plan");

  label = build_label (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  clear_layouts (self);
}

void
fc_plan_day_cell_set_look (FcPlanDayCell *self,
                           gboolean       week,
                           gboolean       compact)
{
  g_return_if_fail (FC_IS_PLAN_DAY_CELL (self));

  if (self->week == !!week && self->compact == !!compact)
    return;
  self->week = !!week;
  self->compact = !!compact;
  clear_layouts (self);
}

void
fc_plan_day_cell_set_drop_target (FcPlanDayCell *self,
                                  gboolean       drop_target)
{
  g_return_if_fail (FC_IS_PLAN_DAY_CELL (self));

  if (drop_target)
    gtk_widget_add_css_class (GTK_WIDGET (self), "drop-target");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-target");
}

const GDate *
fc_plan_day_cell_get_date (FcPlanDayCell *self)
{
  g_return_val_if_fail (FC_IS_PLAN_DAY_CELL (self), NULL);
  return &self->date;
}

guint
fc_plan_day_cell_get_day (FcPlanDayCell *self)
{
  g_return_val_if_fail (FC_IS_PLAN_DAY_CELL (self), 0);
  return self->day;
}

char *
fc_plan_day_cell_dup_date_label (FcPlanDayCell *self)
{
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (FC_IS_PLAN_DAY_CELL (self), NULL);

  dt = g_date_time_new_utc (g_date_get_year (&self->date), g_date_get_month (&self->date),
                            g_date_get_day (&self->date), 12, 0, 0);
  /* Translators: a calendar day's accessible name begins with its date,
   * a strftime() format: "Tuesday 3 December". */
  return g_date_time_format (dt, _("%A %-d %B"));
}

void
fc_plan_day_cell_get_chip_area (FcPlanDayCell   *self,
                                int              width,
                                int              height,
                                graphene_rect_t *out_area)
{
  int top, bottom, left = PAD;

  g_return_if_fail (FC_IS_PLAN_DAY_CELL (self));
  g_return_if_fail (out_area != NULL);

  if (is_agenda (self)) {
    /* The date on the left, totals and meals beside it. */
    left = AGENDA_HEAD;
    top = PAD + bars_height (self);
    bottom = PAD;
  } else if (self->week) {
    top = header_height (self) + PAD + bars_height (self);
    bottom = PAD;
  } else {
    top = header_height (self) + PAD;
    bottom = bars_height (self) + PAD;
  }
  graphene_rect_init (out_area, left, top, MAX (0, width - left - PAD),
                      MAX (0, height - top - bottom));
}

int
fc_plan_day_cell_get_min_height (FcPlanDayCell *self,
                                 int            chips_height)
{
  graphene_rect_t area;

  g_return_val_if_fail (FC_IS_PLAN_DAY_CELL (self), 0);

  fc_plan_day_cell_get_chip_area (self, 100, 10000, &area);
  return MAX (10000 - (int) area.size.height + chips_height, header_height (self) + 2 * PAD);
}
