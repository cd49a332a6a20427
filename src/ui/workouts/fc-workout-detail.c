/* fc-workout-detail.c — one workout: its videos, progress and download
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-workout-detail"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fc-json.h"
#include "fc-workout-detail.h"
#include "fc-workout-format.h"
#include "fc-wrap-box.h"

struct _FcWorkoutDetail
{
  AdwBin             parent_instance;

  /* Template widgets */
  GtkPicture        *picture;
  GtkLabel          *title_label;
  GtkLabel          *summary_label;
  GtkLabel          *description_label;
  GtkWidget         *progress_box;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_label;
  AdwButtonContent  *play_content;
  GtkWidget         *download_button;
  GtkWidget         *remove_button;
  GtkWidget         *download_box;
  GtkLabel          *download_label;
  GtkProgressBar    *download_bar;
  GtkButton         *pause_button;
  GtkWidget         *locked_box;
  GtkLabel          *locked_label;
  GtkListBox        *video_list;

  /* Owned */
  FcWorkoutItem     *item;
  FcDownloadManager *downloads;
};

G_DEFINE_FINAL_TYPE (FcWorkoutDetail, fc_workout_detail, ADW_TYPE_BIN)

enum {
  SIGNAL_PLAY,
  SIGNAL_BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
get_id (FcWorkoutDetail *self)
{
  return self->item != NULL ? fc_workout_item_get_id (self->item) : 0;
}

static JsonArray *
get_videos (FcWorkoutDetail *self)
{
  JsonObject *workout = self->item != NULL ? fc_workout_item_get_object (self->item) : NULL;

  return workout != NULL ? fc_json_get_array (workout, "videos") : NULL;
}

static guint
count_locked (JsonArray *videos)
{
  guint locked = 0;

  for (guint i = 0; videos != NULL && i < json_array_get_length (videos); i++) {
    JsonObject *video = json_array_get_object_element (videos, i);
    gboolean is_locked = FALSE;

    if (video != NULL && fc_json_get_boolean (video, "locked", &is_locked) && is_locked)
      locked++;
  }
  return locked;
}

static void
update_download (FcWorkoutDetail *self)
{
  FcDownloadStatus status = FC_DOWNLOAD_NONE;
  g_autofree char *text = NULL;
  JsonArray *videos = get_videos (self);
  guint n_videos = videos != NULL ? json_array_get_length (videos) : 0;
  gboolean all_locked = n_videos == 0 || count_locked (videos) == n_videos;
  double fraction = 0.0;

  if (self->downloads != NULL && self->item != NULL) {
    status = fc_download_manager_get_status (self->downloads, get_id (self));
    fraction = fc_download_manager_get_fraction (self->downloads, get_id (self));
  }

  gtk_widget_set_visible (self->download_button, status == FC_DOWNLOAD_NONE);
  gtk_widget_set_sensitive (self->download_button, !all_locked && self->downloads != NULL);
  gtk_widget_set_visible (self->remove_button, status != FC_DOWNLOAD_NONE);
  gtk_widget_set_visible (self->download_box, status != FC_DOWNLOAD_NONE);
  gtk_progress_bar_set_fraction (self->download_bar, fraction);
  gtk_widget_set_visible (GTK_WIDGET (self->download_bar), status != FC_DOWNLOAD_DONE);
  gtk_widget_set_visible (GTK_WIDGET (self->pause_button),
                          status == FC_DOWNLOAD_RUNNING || status == FC_DOWNLOAD_PAUSED ||
                          status == FC_DOWNLOAD_FAILED);
  gtk_widget_remove_css_class (GTK_WIDGET (self->download_label), "error");

  switch (status) {
    case FC_DOWNLOAD_RUNNING:
      /* Translators: a download's progress */
      text = g_strdup_printf (_("Downloading… %d %%"), (int) floor (fraction * 100.0));
      gtk_button_set_icon_name (self->pause_button, "media-playback-pause-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Pause Download"));
      break;
    case FC_DOWNLOAD_PAUSED:
      text = g_strdup_printf (_("Paused at %d %%"), (int) floor (fraction * 100.0));
      gtk_button_set_icon_name (self->pause_button, "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Resume Download"));
      break;
    case FC_DOWNLOAD_FAILED: {
      const GError *error = fc_download_manager_get_error (self->downloads, get_id (self));

      text = g_strdup (error != NULL ? error->message : _("The download failed"));
      gtk_widget_add_css_class (GTK_WIDGET (self->download_label), "error");
      gtk_button_set_icon_name (self->pause_button, "view-refresh-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _("Try Again"));
      break;
    }
    case FC_DOWNLOAD_DONE:
      text = g_strdup (_("Downloaded: plays without a connection"));
      break;
    case FC_DOWNLOAD_NONE:
    default:
      break;
  }
  gtk_label_set_text (self->download_label, text != NULL ? text : "");
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
on_video_row_activated_cb (FcWorkoutDetail *self,
                           AdwActionRow    *row)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));

  g_signal_emit (self, signals[SIGNAL_PLAY], 0, index);
}

static void
fill_videos (FcWorkoutDetail *self)
{
  JsonArray *videos = get_videos (self);
  guint n_videos = videos != NULL ? json_array_get_length (videos) : 0;
  guint locked = count_locked (videos);
  gint64 last_video = self->item != NULL ? fc_workout_item_get_last_video (self->item) : 0;

  clear_list (self->video_list);

  for (guint i = 0; i < n_videos; i++) {
    JsonObject *video = json_array_get_object_element (videos, i);
    g_autofree char *title = NULL;
    g_autofree char *subtitle = NULL;
    g_autofree char *clock = NULL;
    g_autofree char *local = NULL;
    gboolean is_locked = FALSE, is_free = FALSE;
    double duration = 0;
    gint64 video_id = 0;
    GtkWidget *row;

    if (video == NULL)
      continue;
    fc_json_get_boolean (video, "locked", &is_locked);
    fc_json_get_boolean (video, "is_free", &is_free);
    fc_json_get_double (video, "duration", &duration);
    fc_json_get_int (video, "id", &video_id);
    if (self->downloads != NULL)
      local = fc_download_manager_get_local_uri (self->downloads, get_id (self), video_id);

    /* Translators: a video's place in the workout and its title */
    title = g_strdup_printf (_("%u. %s"), i + 1, fc_json_get_string (video, "title"));
    clock = fc_workout_format_clock (duration);
    if (is_locked)
      subtitle = g_strdup_printf (_("%s · Premium"), clock);
    else if (is_free && fc_workout_item_get_is_premium (self->item))
      subtitle = g_strdup_printf (_("%s · Free preview"), clock);
    else if (video_id == last_video && last_video != 0 && !fc_workout_item_get_completed (self->item)) {
      g_autofree char *watched = fc_workout_format_clock (fc_workout_item_get_position (self->item));

      subtitle = g_strdup_printf (_("%s · Watched up to %s"), clock, watched);
    } else
      subtitle = g_strdup (clock);

    row = adw_action_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    g_object_set_data (G_OBJECT (row), "index", GUINT_TO_POINTER (i));

    if (is_locked) {
      GtkWidget *icon = gtk_image_new_from_icon_name ("system-lock-screen-symbolic");

      gtk_widget_set_tooltip_text (icon, _("Needs FitCore Premium"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "dim-label");
      /* The lock leads to where it opens: the Premium page. */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.premium");
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
    } else {
      if (local != NULL) {
        GtkWidget *icon = gtk_image_new_from_icon_name ("folder-download-symbolic");

        gtk_widget_set_tooltip_text (icon, _("Downloaded"));
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("media-playback-start-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_signal_connect_object (row, "activated", G_CALLBACK (on_video_row_activated_cb), self,
                               G_CONNECT_SWAPPED);
    }
    gtk_list_box_append (self->video_list, row);
  }

  gtk_widget_set_visible (self->locked_box, locked > 0);
  if (locked > 0) {
    g_autofree char *text =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "%u video needs FitCore Premium. Upgrade your account to watch it.",
                                    "%u videos need FitCore Premium. Upgrade your account to watch them.",
                                    locked), locked);
    gtk_label_set_text (self->locked_label, text);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workouts.play", locked < n_videos);
}

static void
update (FcWorkoutDetail *self)
{
  g_autofree char *summary = NULL;
  g_autofree char *percent = NULL;
  double progress;
  FcWorkoutItem *item = self->item;

  if (item == NULL)
    return;

  summary = fc_workout_format_summary (fc_workout_item_get_difficulty (item),
                                       fc_workout_item_get_video_count (item),
                                       fc_workout_item_get_duration (item));
  if (fc_workout_item_get_category_name (item) != NULL) {
    char *with_category = g_strdup_printf ("%s · %s", fc_workout_item_get_category_name (item),
                                           summary);
    g_free (summary);
    summary = with_category;
  }
  gtk_label_set_text (self->title_label, fc_workout_item_get_title (item));
  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->description_label, fc_workout_item_get_description (item));
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          fc_workout_item_get_description (item) != NULL &&
                          *fc_workout_item_get_description (item) != '\0');

  progress = CLAMP (fc_workout_item_get_progress (item), 0.0, 100.0);
  gtk_widget_set_visible (self->progress_box, progress > 0.0);
  gtk_progress_bar_set_fraction (self->progress_bar, progress / 100.0);
  if (fc_workout_item_get_completed (item)) {
    percent = g_strdup (_("Completed"));
    adw_button_content_set_label (self->play_content, _("_Play Again"));
  } else if (progress > 0.0) {
    percent = g_strdup_printf (_("%d %% done"), (int) floor (progress));
    adw_button_content_set_label (self->play_content, _("_Resume"));
  } else {
    adw_button_content_set_label (self->play_content, _("_Play"));
  }
  gtk_label_set_text (self->progress_label, percent != NULL ? percent : "");

  fill_videos (self);
  update_download (self);
}

static void
on_downloads_changed_cb (FcWorkoutDetail *self,
                         gint64           workout_id)
{
  if (workout_id != 0 && workout_id != get_id (self))
    return;

  update_download (self);
  /* The downloaded marks on the rows follow finished downloads only. */
  if (self->downloads != NULL &&
      fc_download_manager_get_status (self->downloads, get_id (self)) != FC_DOWNLOAD_RUNNING)
    fill_videos (self);
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_PLAY], 0, G_MAXUINT);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_BACK], 0);
}

static void
download_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FcWorkoutDetail *self = FC_WORKOUT_DETAIL (widget);

  if (self->downloads != NULL && self->item != NULL)
    fc_download_manager_download (self->downloads, fc_workout_item_get_object (self->item));
}

static void
toggle_download_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FcWorkoutDetail *self = FC_WORKOUT_DETAIL (widget);

  if (self->downloads == NULL || self->item == NULL)
    return;

  switch (fc_download_manager_get_status (self->downloads, get_id (self))) {
    case FC_DOWNLOAD_RUNNING:
      fc_download_manager_pause (self->downloads, get_id (self));
      break;
    case FC_DOWNLOAD_PAUSED:
    case FC_DOWNLOAD_FAILED:
      fc_download_manager_resume (self->downloads, get_id (self));
      break;
    case FC_DOWNLOAD_NONE:
    case FC_DOWNLOAD_DONE:
    default:
      break;
  }
}

static void
remove_download_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FcWorkoutDetail *self = FC_WORKOUT_DETAIL (widget);

  if (self->downloads != NULL && self->item != NULL)
    fc_download_manager_remove (self->downloads, get_id (self));
}

static void
fc_workout_detail_dispose (GObject *object)
{
  FcWorkoutDetail *self = FC_WORKOUT_DETAIL (object);

  g_clear_object (&self->item);
  g_clear_object (&self->downloads);

  G_OBJECT_CLASS (fc_workout_detail_parent_class)->dispose (object);
}

static void
fc_workout_detail_class_init (FcWorkoutDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_workout_detail_dispose;

  signals[SIGNAL_PLAY] =
    g_signal_new ("play", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_BACK] =
    g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (FC_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/workouts/fc-workout-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, picture);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, description_label);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, progress_box);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, progress_label);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, play_content);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, download_button);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, remove_button);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, download_box);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, download_label);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, download_bar);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, pause_button);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, locked_box);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, locked_label);
  gtk_widget_class_bind_template_child (widget_class, FcWorkoutDetail, video_list);

  gtk_widget_class_install_action (widget_class, "workouts.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "workouts.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "workouts.download", NULL, download_action);
  gtk_widget_class_install_action (widget_class, "workouts.toggle-download", NULL,
                                   toggle_download_action);
  gtk_widget_class_install_action (widget_class, "workouts.remove-download", NULL,
                                   remove_download_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "workouts.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "workouts.back", NULL);
}

static void
fc_workout_detail_init (FcWorkoutDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fc_workout_detail_new (void)
{
  return g_object_new (FC_TYPE_WORKOUT_DETAIL, NULL);
}

void
fc_workout_detail_set_downloads (FcWorkoutDetail   *self,
                                 FcDownloadManager *downloads)
{
  g_return_if_fail (FC_IS_WORKOUT_DETAIL (self));

  if (self->downloads != NULL)
    g_signal_handlers_disconnect_by_data (self->downloads, self);
  g_set_object (&self->downloads, downloads);
  if (downloads != NULL)
    g_signal_connect_object (downloads, "changed", G_CALLBACK (on_downloads_changed_cb), self,
                             G_CONNECT_SWAPPED);
  update (self);
}

void
fc_workout_detail_set_item (FcWorkoutDetail *self,
                            FcWorkoutItem   *item)
{
  g_return_if_fail (FC_IS_WORKOUT_DETAIL (self));
  g_return_if_fail (item == NULL || FC_IS_WORKOUT_ITEM (item));

  if (self->item == NULL || item == NULL ||
      fc_workout_item_get_id (self->item) != fc_workout_item_get_id (item))
    gtk_picture_set_paintable (self->picture, NULL);
  g_set_object (&self->item, item);
  update (self);
}

FcWorkoutItem *
fc_workout_detail_get_item (FcWorkoutDetail *self)
{
  g_return_val_if_fail (FC_IS_WORKOUT_DETAIL (self), NULL);

  return self->item;
}

void
fc_workout_detail_set_thumbnail (FcWorkoutDetail *self,
                                 GdkPaintable    *thumbnail)
{
  g_return_if_fail (FC_IS_WORKOUT_DETAIL (self));

  gtk_picture_set_paintable (self->picture, thumbnail);
  gtk_widget_set_visible (GTK_WIDGET (self->picture), thumbnail != NULL);
}
