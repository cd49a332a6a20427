/* fc-plan-board.c — the plan editor: a plan's calendar, its day sheets, moves and removals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-board"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plan-board.h"

#include "fc-plan-day-sheet.h"

struct _FcPlanBoard
{
  AdwBin           parent_instance;

  /* Children */
  AdwToastOverlay *toast_overlay;
  FcPlanCalendar  *calendar;

  /* Owned */
  FcPlanSource    *source;
  FcPlanLayout    *layout;
  GtkWindow       *day_sheet;      /* weak */
  gboolean         focus_start;    /* show the plan's first day once loaded */
};

G_DEFINE_FINAL_TYPE (FcPlanBoard, fc_plan_board, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_LAYOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define UNDO_SOURCE "fc-undo-source"
#define UNDO_PAYLOAD "fc-undo-payload"

static GtkWindow *
get_parent_window (FcPlanBoard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
rebuild (FcPlanBoard *self)
{
  JsonObject *plan = self->source != NULL ? fc_plan_source_get_plan (self->source) : NULL;
  g_autoptr(JsonArray) meals = self->source != NULL ? fc_plan_source_dup_meals (self->source)
                                                    : NULL;

  g_clear_object (&self->layout);
  if (plan != NULL)
    self->layout = fc_plan_layout_new (plan, meals);
  fc_plan_calendar_set_layout (self->calendar, self->layout);

  if (self->layout != NULL && self->focus_start) {
    GDate first;

    self->focus_start = FALSE;
    if (fc_plan_layout_get_date (self->layout, 1, &first))
      fc_plan_calendar_set_focused_date (self->calendar, &first);
  }
  if (self->day_sheet != NULL) {
    fc_plan_day_sheet_set_layout (FC_PLAN_DAY_SHEET (self->day_sheet), self->layout);
    fc_plan_day_sheet_set_meals (FC_PLAN_DAY_SHEET (self->day_sheet), meals);
  }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYOUT]);
}

static void
on_source_changed_cb (FcPlanBoard *self)
{
  rebuild (self);
}

static void
on_source_failed_cb (FcPlanBoard *self,
                     const char  *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_meal_moved_cb (FcPlanBoard    *self,
                  gint64          meal_id,
                  int             from_day,
                  int             to_day,
                  FcPlanCalendar *calendar)
{
  g_autoptr(JsonArray) payload = NULL;

  if (self->layout == NULL || from_day <= 0 || to_day <= 0)
    return;
  payload = fc_plan_layout_move_meal (self->layout, meal_id, from_day, to_day);
  if (payload != NULL)
    fc_plan_source_write_schedule (self->source, payload);
}

/* Undo writes to the source the removal was made in, even if the board
 * shows another plan by then. */
static void
on_undo_remove_cb (AdwToast *toast,
                   gpointer  user_data)
{
  FcPlanSource *source = g_object_get_data (G_OBJECT (toast), UNDO_SOURCE);
  JsonArray *before = g_object_get_data (G_OBJECT (toast), UNDO_PAYLOAD);

  fc_plan_source_write_schedule (source, before);
}

static void
on_meal_remove_requested_cb (FcPlanBoard    *self,
                             gint64          meal_id,
                             int             day,
                             FcPlanCalendar *calendar)
{
  g_autoptr(JsonArray) payload = NULL;
  AdwToast *toast;

  if (self->layout == NULL || day <= 0)
    return;
  payload = fc_plan_layout_remove_meal (self->layout, meal_id, day);
  if (payload == NULL)
    return;

  toast = adw_toast_new (_("Meal removed"));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), UNDO_PAYLOAD, fc_plan_layout_get_payload (self->layout),
                          (GDestroyNotify) json_array_unref);
  g_object_set_data_full (G_OBJECT (toast), UNDO_SOURCE, g_object_ref (self->source),
                          g_object_unref);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo_remove_cb), NULL);
  fc_plan_source_write_schedule (self->source, payload);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
open_day_sheet (FcPlanBoard *self,
                guint        day)
{
  g_autoptr(JsonArray) meals = NULL;
  GtkWidget *sheet;

  if (self->layout == NULL || day == 0)
    return;
  if (self->day_sheet != NULL)
    gtk_window_destroy (self->day_sheet);
  sheet = fc_plan_day_sheet_new (get_parent_window (self), self->source, day);
  g_set_weak_pointer (&self->day_sheet, GTK_WINDOW (sheet));
  fc_plan_day_sheet_set_layout (FC_PLAN_DAY_SHEET (sheet), self->layout);
  meals = fc_plan_source_dup_meals (self->source);
  fc_plan_day_sheet_set_meals (FC_PLAN_DAY_SHEET (sheet), meals);
  gtk_window_present (GTK_WINDOW (sheet));
}

static void
on_day_activated_cb (FcPlanBoard    *self,
                     int             day,
                     FcPlanCalendar *calendar)
{
  open_day_sheet (self, day);
}

static void
on_meal_activated_cb (FcPlanBoard    *self,
                      gint64          meal_id,
                      int             day,
                      FcPlanCalendar *calendar)
{
  open_day_sheet (self, day);
}

static void
fc_plan_board_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FcPlanBoard *self = FC_PLAN_BOARD (object);

  switch (prop_id) {
  case PROP_SOURCE:
    g_value_set_object (value, self->source);
    break;
  case PROP_LAYOUT:
    g_value_set_object (value, self->layout);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_plan_board_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FcPlanBoard *self = FC_PLAN_BOARD (object);

  switch (prop_id) {
  case PROP_SOURCE:
    fc_plan_board_set_source (self, g_value_get_object (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_plan_board_dispose (GObject *object)
{
  FcPlanBoard *self = FC_PLAN_BOARD (object);

  if (self->day_sheet != NULL)
    gtk_window_destroy (self->day_sheet);
  g_clear_weak_pointer (&self->day_sheet);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (fc_plan_board_parent_class)->dispose (object);
}

static void
fc_plan_board_class_init (FcPlanBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_plan_board_dispose;
  object_class->get_property = fc_plan_board_get_property;
  object_class->set_property = fc_plan_board_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, FC_TYPE_PLAN_SOURCE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYOUT] =
    g_param_spec_object ("layout", NULL, NULL, FC_TYPE_PLAN_LAYOUT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_plan_board_init (FcPlanBoard *self)
{
  self->toast_overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  self->calendar = FC_PLAN_CALENDAR (fc_plan_calendar_new ());
  adw_toast_overlay_set_child (self->toast_overlay, GTK_WIDGET (self->calendar));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->toast_overlay));

  g_signal_connect_object (self->calendar, "meal-moved", G_CALLBACK (on_meal_moved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->calendar, "meal-remove-requested",
                           G_CALLBACK (on_meal_remove_requested_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->calendar, "day-activated", G_CALLBACK (on_day_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->calendar, "meal-activated", G_CALLBACK (on_meal_activated_cb),
                           self, G_CONNECT_SWAPPED);
}

GtkWidget *
fc_plan_board_new (void)
{
  return g_object_new (FC_TYPE_PLAN_BOARD, NULL);
}

void
fc_plan_board_set_source (FcPlanBoard  *self,
                          FcPlanSource *source)
{
  g_return_if_fail (FC_IS_PLAN_BOARD (self));
  g_return_if_fail (source == NULL || FC_IS_PLAN_SOURCE (source));

  if (self->source == source)
    return;
  /* Another plan's sheet would write to this one. */
  if (self->day_sheet != NULL)
    gtk_window_destroy (self->day_sheet);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_set_object (&self->source, source);
  if (source != NULL) {
    g_signal_connect_object (source, "changed", G_CALLBACK (on_source_changed_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (source, "failed", G_CALLBACK (on_source_failed_cb), self,
                             G_CONNECT_SWAPPED);
  }
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

FcPlanSource *
fc_plan_board_get_source (FcPlanBoard *self)
{
  g_return_val_if_fail (FC_IS_PLAN_BOARD (self), NULL);

  return self->source;
}

FcPlanCalendar *
fc_plan_board_get_calendar (FcPlanBoard *self)
{
  g_return_val_if_fail (FC_IS_PLAN_BOARD (self), NULL);

  return self->calendar;
}

FcPlanLayout *
fc_plan_board_get_layout (FcPlanBoard *self)
{
  g_return_val_if_fail (FC_IS_PLAN_BOARD (self), NULL);

  return self->layout;
}

void
fc_plan_board_show_first_day (FcPlanBoard *self)
{
  GDate first;

  g_return_if_fail (FC_IS_PLAN_BOARD (self));

  if (self->layout == NULL) {
    self->focus_start = TRUE;
    return;
  }
  self->focus_start = FALSE;
  if (fc_plan_layout_get_date (self->layout, 1, &first))
    fc_plan_calendar_set_focused_date (self->calendar, &first);
}
