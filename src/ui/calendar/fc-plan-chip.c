/* fc-plan-chip.c — one scheduled meal (or "+N more") in the plan calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-chip"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plan-chip.h"

/* The chip draws its own text rather than holding a GtkLabel: a month holds
 * up to a few hundred chips, and one widget each keeps that cheap. */
struct _FcPlanChip
{
  GtkWidget        parent_instance;

  /* owned */
  char            *name;
  char            *date_label;   /* the accessible description */
  PangoLayout     *layout;       /* built on demand, dropped on any change */

  gint64           meal_id;
  guint            day;
  guint            n_more;
  FcMealTime       meal_time;
  double           kcal;
  FcPlanChipStyle  style;
  gboolean         is_more;
};

G_DEFINE_FINAL_TYPE (FcPlanChip, fc_plan_chip, GTK_TYPE_WIDGET)

static const char * const meal_time_classes[] = {
  "breakfast", "lunch", "dinner", "snack", "pre-workout", "post-workout", "other",
};
G_STATIC_ASSERT (G_N_ELEMENTS (meal_time_classes) == FC_MEAL_TIME_OTHER + 1);

static const char *
meal_time_initial (FcMealTime meal_time)
{
  switch (meal_time) {
  /* Translators: the one-letter marks of meal times in a narrow calendar. */
  case FC_MEAL_TIME_BREAKFAST: return C_("meal time initial", "B");
  case FC_MEAL_TIME_LUNCH: return C_("meal time initial", "L");
  case FC_MEAL_TIME_DINNER: return C_("meal time initial", "D");
  case FC_MEAL_TIME_SNACK: return C_("meal time initial", "S");
  case FC_MEAL_TIME_PRE_WORKOUT:
  case FC_MEAL_TIME_POST_WORKOUT: return C_("meal time initial", "W");
  case FC_MEAL_TIME_OTHER:
  default: return C_("meal time initial", "O");
  }
}

static void
invalidate (FcPlanChip *self)
{
  g_clear_object (&self->layout);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static int
line_height (FcPlanChip *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);

  int height = PANGO_PIXELS_CEIL (pango_font_metrics_get_height (metrics));

  pango_font_metrics_unref (metrics);
  return height;
}

static PangoLayout *
ensure_layout (FcPlanChip *self)
{
  g_autofree char *text = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (self->layout != NULL) {
    pango_layout_set_width (self->layout, width * PANGO_SCALE);
    return self->layout;
  }

  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (self->layout, width * PANGO_SCALE);

  if (self->is_more && self->style == FC_PLAN_CHIP_COMPACT) {
    text = g_strdup_printf ("+%u", self->n_more);
  } else if (self->is_more) {
    /* Translators: a calendar day holds more meals than fit, "+3 more". */
    text = g_strdup_printf (_("+%u more"), self->n_more);
  } else if (self->style == FC_PLAN_CHIP_COMPACT) {
    text = g_strdup (meal_time_initial (self->meal_time));
  } else if (self->style == FC_PLAN_CHIP_DETAILED) {
    g_autofree char *name = g_markup_escape_text (self->name, -1);
    /* Translators: a meal in the week view: meal time and energy, "Lunch · 450 kcal". */
    g_autofree char *caption = g_strdup_printf (_("%s · %'.0f kcal"),
                                                fc_meal_time_get_label (self->meal_time),
                                                self->kcal);
    g_autofree char *escaped = g_markup_escape_text (caption, -1);
    g_autofree char *markup = g_strdup_printf ("<small>%s</small>\n%s", escaped, name);

    pango_layout_set_wrap (self->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_height (self->layout, -3);
    pango_layout_set_markup (self->layout, markup, -1);
    return self->layout;
  } else {
    text = g_strdup (self->name);
  }

  if (self->style == FC_PLAN_CHIP_COMPACT)
    pango_layout_set_alignment (self->layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (self->layout, text, -1);
  return self->layout;
}

static void
update_accessible (FcPlanChip *self)
{
  g_autofree char *label = NULL;

  if (self->is_more)
    label = g_strdup_printf (ngettext ("%u more meal", "%u more meals", self->n_more),
                             self->n_more);
  else
    /* Translators: a meal chip's accessible name, "Lunch: Chicken salad". */
    label = g_strdup_printf (_("%s: %s"), fc_meal_time_get_label (self->meal_time), self->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static gboolean
fc_plan_chip_query_tooltip (GtkWidget  *widget,
                            int         x,
                            int         y,
                            gboolean    keyboard_tooltip,
                            GtkTooltip *tooltip)
{
  FcPlanChip *self = FC_PLAN_CHIP (widget);
  g_autofree char *text = NULL;

  /* Built when asked: gtk_widget_set_tooltip_text() on every pooled chip at
   * each change costs an X round trip a chip. */
  if (self->is_more)
    return FALSE;
  /* Translators: a meal chip's tooltip, "Lunch: Chicken salad, 450 kcal". */
  text = g_strdup_printf (_("%s: %s, %'.0f kcal"), fc_meal_time_get_label (self->meal_time),
                          self->name, self->kcal);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_description (FcPlanChip *self,
                 const char *date_label)
{
  if (g_strcmp0 (self->date_label, date_label) == 0)
    return;
  g_free (self->date_label);
  self->date_label = g_strdup (date_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, date_label,
                                  -1);
}

static void
set_classes (FcPlanChip *self,
             const char *wanted)
{
  for (guint i = 0; i < G_N_ELEMENTS (meal_time_classes); i++) {
    if (g_strcmp0 (wanted, meal_time_classes[i]) != 0)
      gtk_widget_remove_css_class (GTK_WIDGET (self), meal_time_classes[i]);
  }
  if (g_strcmp0 (wanted, "more") != 0)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "more");
  gtk_widget_add_css_class (GTK_WIDGET (self), wanted);
}

static void
fc_plan_chip_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  FcPlanChip *self = FC_PLAN_CHIP (widget);
  int line = line_height (self);

  if (orientation == GTK_ORIENTATION_VERTICAL) {
    /* Two lines of the name and a small caption, whatever the text. */
    *minimum = *natural = self->style == FC_PLAN_CHIP_DETAILED ? line * 2 + line * 5 / 6 : line;
  } else {
    *minimum = self->style == FC_PLAN_CHIP_COMPACT ? line : 0;
    *natural = self->style == FC_PLAN_CHIP_COMPACT ? line : line * 6;
  }
}

static void
fc_plan_chip_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  FcPlanChip *self = FC_PLAN_CHIP (widget);

  if (self->layout != NULL)
    pango_layout_set_width (self->layout, width * PANGO_SCALE);
}

static void
fc_plan_chip_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FcPlanChip *self = FC_PLAN_CHIP (widget);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA color;
  PangoLayout *layout = ensure_layout (self);
  int text_height;

  gtk_style_context_get_color (context, &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  pango_layout_get_pixel_size (layout, NULL, &text_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (0, MAX (0, (gtk_widget_get_height (widget) - text_height) / 2)));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
fc_plan_chip_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (fc_plan_chip_parent_class)->css_changed (widget, change);
  /* A new font (or scale) makes the cached layout wrong. */
  g_clear_object (&FC_PLAN_CHIP (widget)->layout);
}

static void
fc_plan_chip_finalize (GObject *object)
{
  FcPlanChip *self = FC_PLAN_CHIP (object);

  g_clear_object (&self->layout);
  g_free (self->name);
  g_free (self->date_label);

  G_OBJECT_CLASS (fc_plan_chip_parent_class)->finalize (object);
}

static void
fc_plan_chip_class_init (FcPlanChipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fc_plan_chip_finalize;

  widget_class->measure = fc_plan_chip_measure;
  widget_class->size_allocate = fc_plan_chip_size_allocate;
  widget_class->snapshot = fc_plan_chip_snapshot;
  widget_class->css_changed = fc_plan_chip_css_changed;
  widget_class->query_tooltip = fc_plan_chip_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "chip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
fc_plan_chip_init (FcPlanChip *self)
{
  self->name = g_strdup ("");
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
fc_plan_chip_new (void)
{
  return g_object_new (FC_TYPE_PLAN_CHIP, NULL);
}

void
fc_plan_chip_set_meal (FcPlanChip        *self,
                       const FcPlanEntry *entry,
                       guint              day,
                       const char        *date_label)
{
  const char *name;

  g_return_if_fail (FC_IS_PLAN_CHIP (self));
  g_return_if_fail (entry != NULL);

  /* Translators: a scheduled meal whose name the app has not got yet. */
  name = entry->name[0] != '\0' ? entry->name : _("Meal");
  /* A store change leaves most chips as they were: keep their text. */
  if (!self->is_more && self->meal_id == entry->meal_id && self->day == day &&
      self->meal_time == entry->meal_time && self->kcal == entry->values[FC_PLAN_MACRO_CALORIES] &&
      g_str_equal (self->name, name) && g_strcmp0 (self->date_label, date_label) == 0)
    return;

  self->is_more = FALSE;
  self->meal_id = entry->meal_id;
  self->day = day;
  self->meal_time = entry->meal_time;
  self->kcal = entry->values[FC_PLAN_MACRO_CALORIES];
  g_free (self->name);
  self->name = g_strdup (name);
  set_description (self, date_label);
  set_classes (self, meal_time_classes[entry->meal_time]);
  update_accessible (self);
  invalidate (self);
}

void
fc_plan_chip_set_more (FcPlanChip *self,
                       guint       n_more,
                       guint       day,
                       const char *date_label)
{
  g_return_if_fail (FC_IS_PLAN_CHIP (self));

  if (date_label != NULL)
    set_description (self, date_label);
  if (self->is_more && self->n_more == n_more && self->day == day)
    return;
  self->is_more = TRUE;
  self->meal_id = 0;
  self->n_more = n_more;
  self->day = day;
  set_classes (self, "more");
  update_accessible (self);
  invalidate (self);
}

void
fc_plan_chip_set_style (FcPlanChip      *self,
                        FcPlanChipStyle  style)
{
  g_return_if_fail (FC_IS_PLAN_CHIP (self));

  if (self->style == style)
    return;
  /* Only the detailed style changes the height. */
  if (self->style == FC_PLAN_CHIP_DETAILED || style == FC_PLAN_CHIP_DETAILED)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  self->style = style;
  if (style == FC_PLAN_CHIP_COMPACT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "compact");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "compact");
  if (style == FC_PLAN_CHIP_DETAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self), "detailed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "detailed");
  invalidate (self);
}

FcPlanChipStyle
fc_plan_chip_get_style (FcPlanChip *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CHIP (self), FC_PLAN_CHIP_FULL);
  return self->style;
}

gboolean
fc_plan_chip_is_more (FcPlanChip *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CHIP (self), FALSE);
  return self->is_more;
}

guint
fc_plan_chip_get_n_more (FcPlanChip *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CHIP (self), 0);
  return self->is_more ? self->n_more : 0;
}

gint64
fc_plan_chip_get_meal_id (FcPlanChip *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CHIP (self), 0);
  return self->meal_id;
}

guint
fc_plan_chip_get_day (FcPlanChip *self)
{
  g_return_val_if_fail (FC_IS_PLAN_CHIP (self), 0);
  return self->day;
}
