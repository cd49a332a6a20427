/* fc-workout-card.c — one workout in the Workouts grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-workout-card"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fc-workout-card.h"
#include "fc-workout-format.h"

struct _FcWorkoutCard
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkPicture     *picture;
  GtkWidget      *premium_badge;
  GtkWidget      *download_icon;
  GtkLabel       *title_label;
  GtkLabel       *summary_label;
  GtkWidget      *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;

  /* Owned */
  FcWorkoutItem  *item;
};

G_DEFINE_FINAL_TYPE (FcWorkoutCard, fc_workout_card, ADW_TYPE_BIN)

static void
fc_workout_card_dispose (GObject *object)
{
  FcWorkoutCard *self = FC_WORKOUT_CARD (object);

  g_clear_object (&self->item);

  G_OBJECT_CLASS (fc_workout_card_parent_class)->dispose (object);
}

static void
fc_workout_card_class_init (FcWorkoutCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_workout_card_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/workouts/fc-workout-card.ui");
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutCard, picture);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutCard, premium_badge);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutCard, download_icon);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutCard, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutCard, progress_box);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutCard, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutCard, progress_label);
}

static void
fc_workout_card_init (FcWorkoutCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fc_workout_card_new (void)
{
  return g_object_new (FC_TYPE_WORKOUT_CARD, NULL);
}

void
fc_workout_card_set_item (FcWorkoutCard    *self,
                          FcWorkoutItem    *item,
                          FcDownloadStatus  download)
{
  g_autofree char *summary = NULL;
  g_autofree char *percent = NULL;
  g_autofree char *accessible = NULL;
  double progress;

  g_return_if_fail (FC_IS_WORKOUT_CARD (self));
  g_return_if_fail (item == NULL || FC_IS_WORKOUT_ITEM (item));

  if (self->item != item)
    gtk_picture_set_paintable (self->picture, NULL);
  g_set_object (&self->item, item);
  if (item == NULL)
    return;

  summary = fc_workout_format_summary (fc_workout_item_get_difficulty (item),
                                       fc_workout_item_get_video_count (item),
                                       fc_workout_item_get_duration (item));
  gtk_label_set_text (self->title_label, fc_workout_item_get_title (item));
  gtk_label_set_text (self->summary_label, summary);
  gtk_widget_set_visible (self->premium_badge, fc_workout_item_get_is_premium (item));
  gtk_widget_set_visible (self->download_icon, download == FC_DOWNLOAD_DONE);

  progress = CLAMP (fc_workout_item_get_progress (item), 0.0, 100.0);
  gtk_widget_set_visible (self->progress_box, progress > 0.0);
  gtk_progress_bar_set_fraction (self->progress_bar, progress / 100.0);
  if (fc_workout_item_get_completed (item))
    percent = g_strdup (_("Done"));
  else
    /* Translators: how much of a workout was watched */
    percent = g_strdup_printf (_("%d %%"), (int) floor (progress));
  gtk_label_set_text (self->progress_label, percent);

  /* One sentence for screen readers (and the UI test) per card. */
  accessible = g_strdup_printf ("%s, %s%s%s%s", fc_workout_item_get_title (item), summary,
                                fc_workout_item_get_is_premium (item) ? _(", premium") : "",
                                download == FC_DOWNLOAD_DONE ? _(", downloaded") : "",
                                progress > 0.0 ? _(", started") : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

FcWorkoutItem *
fc_workout_card_get_item (FcWorkoutCard *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_CARD (self), NULL);

  return self->item;
}

void
fc_workout_card_set_thumbnail (FcWorkoutCard *self,
                               GdkPaintable  *thumbnail)
{
  g_return_if_fail (FC_IS_WORKOUT_CARD (self));

  gtk_picture_set_paintable (self->picture, thumbnail);
}
