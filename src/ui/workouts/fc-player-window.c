/* fc-player-window.c — plays a workout's videos as one playlist
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pipeline runs on FcPlayer's own thread; this window only sends it
 * requests and shows what it reports, so the UI never waits for GStreamer.
 */

#define G_LOG_DOMAIN "fc-player-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fc-json.h"
#include "fc-player.h"
#include "fc-player-window.h"

#include "fc-accessible.h"
#include "fc-workout-format.h"

/* How often progress goes to the store while playing: each save replaces
 * the unsent one, so this bounds what a crash can lose, not the traffic. */
#define SAVE_INTERVAL_US (5 * G_USEC_PER_SEC)
#define SEEK_STEP 10.0

static const double rates[] = { 0.5, 0.75, 1.0, 1.25, 1.5, 2.0 };

typedef struct {
  gint64  id;
  double  duration;   /* seconds, as the server says; the player's once known */
  char   *title;
} Video;

struct _FcPlayerWindow
{
  AdwWindow          parent_instance;

  /* Template widgets */
  GtkWidget         *header_bar;
  AdwWindowTitle    *window_title;
  GtkPicture        *picture;
  GtkSpinner        *spinner;
  GtkWidget         *rest_box;
  GtkLabel          *rest_count_label;
  GtkLabel          *rest_next_label;
  AdwStatusPage     *message_page;
  GtkButton         *message_button;
  GtkWidget         *controls;
  GtkButton         *play_button;
  GtkLabel          *position_label;
  GtkScale          *seek_scale;
  GtkAdjustment     *seek_adjustment;
  GtkLabel          *duration_label;
  GtkLabel          *video_label;
  GtkDropDown       *speed_dropdown;
  GtkMenuButton     *volume_button;
  GtkAdjustment     *volume_adjustment;
  GtkToggleButton   *mute_button;
  GtkButton         *fullscreen_button;

  /* Owned */
  FcPlayer          *player;
  FcSession         *session;
  FcDownloadManager *downloads;
  GCancellable      *renewing;    /* a 401's token renewal in flight */
  guint              renewals;    /* since the last frame that played */
  FcWorkoutItem     *item;
  GArray            *videos;      /* Video, the playlist's order */
  gint64             workout_id;
  guint              inhibit_cookie;
  gint64             last_save_us;
  guint              index;       /* the playlist item on show */
  double             position;
  gboolean           ended;
  gboolean           saved_once;
};

G_DEFINE_FINAL_TYPE (FcPlayerWindow, fc_player_window, ADW_TYPE_WINDOW)

static void
video_clear (gpointer data)
{
  Video *video = data;

  g_clear_pointer (&video->title, g_free);
}

static double
total_duration (FcPlayerWindow *self)
{
  double total = 0;

  for (guint i = 0; i < self->videos->len; i++)
    total += g_array_index (self->videos, Video, i).duration;
  return total;
}

/* Of the whole workout, not of one video: the videos before this one are
 * done, this one is done up to @position. */
static double
workout_percentage (FcPlayerWindow *self)
{
  double total = total_duration (self);
  double watched = 0;

  if (self->ended)
    return 100.0;
  if (total <= 0 || self->index >= self->videos->len)
    return 0.0;

  for (guint i = 0; i < self->index; i++)
    watched += g_array_index (self->videos, Video, i).duration;
  watched += MIN (self->position, g_array_index (self->videos, Video, self->index).duration);

  /* 100 means completed: only the end of the last video says so. */
  return CLAMP (floor (watched / total * 1000.0) / 10.0, 0.0, 99.9);
}

static void
save_progress (FcPlayerWindow *self)
{
  FcStore *store = self->session != NULL ? fc_session_get_store (self->session) : NULL;
  gint64 video_id = 0;
  double position = self->position;

  if (store == NULL || self->videos->len == 0 || self->index >= self->videos->len)
    return;

  video_id = g_array_index (self->videos, Video, self->index).id;
  if (self->ended) {
    video_id = g_array_index (self->videos, Video, self->videos->len - 1).id;
    position = 0;
  }

  self->last_save_us = g_get_monotonic_time ();
  self->saved_once = TRUE;
  /* Fire and forget: the store keeps it even if the window is gone. */
  fc_store_save_workout_progress_async (store, self->workout_id, workout_percentage (self),
                                        video_id, position, NULL, NULL, NULL);
}

static void
update_inhibit (FcPlayerWindow *self,
                gboolean        playing)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (playing && self->inhibit_cookie == 0 && app != NULL) {
    self->inhibit_cookie = gtk_application_inhibit (app, GTK_WINDOW (self),
                                                    GTK_APPLICATION_INHIBIT_IDLE,
                                                    _("Playing a workout"));
  } else if (!playing && self->inhibit_cookie != 0) {
    if (app != NULL)
      gtk_application_uninhibit (app, self->inhibit_cookie);
    self->inhibit_cookie = 0;
  }
}

static void
show_message (FcPlayerWindow *self,
              const char     *icon_name,
              const char     *title,
              const char     *description,
              const char     *button_label,
              const char     *action_name)
{
  gtk_widget_set_visible (GTK_WIDGET (self->message_page), title != NULL);
  if (title == NULL)
    return;

  adw_status_page_set_icon_name (self->message_page, icon_name);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_button_set_label (self->message_button, button_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->message_button), action_name);
}

static void
update_video_label (FcPlayerWindow *self)
{
  g_autofree char *text = NULL;

  if (self->index < self->videos->len)
    /* Translators: "2 of 3 · Warrior II" */
    text = g_strdup_printf (_("%u of %u · %s"), self->index + 1, self->videos->len,
                            g_array_index (self->videos, Video, self->index).title);
  gtk_label_set_text (self->video_label, text != NULL ? text : "");
  adw_window_title_set_subtitle (self->window_title, text != NULL ? text : "");
}

static void
on_state_changed_cb (FcPlayerWindow *self)
{
  FcPlayerState state = fc_player_get_state (self->player);
  gboolean playing = state == FC_PLAYER_STATE_PLAYING;

  if (playing)
    self->renewals = 0;

  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               playing ? _("Pause (Space)") : _("Play (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, playing ? _("Pause") : _("Play"),
                                  -1);
  gtk_spinner_set_spinning (self->spinner, state == FC_PLAYER_STATE_LOADING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == FC_PLAYER_STATE_LOADING);
  gtk_widget_set_visible (self->rest_box, state == FC_PLAYER_STATE_RESTING);
  update_inhibit (self, playing);

  if (state == FC_PLAYER_STATE_ENDED) {
    self->ended = TRUE;
    save_progress (self);
    show_message (self, "emblem-ok-symbolic", _("Workout Complete"),
                  _("Well done! Your progress is saved."), _("_Watch Again"), "player.restart");
  } else if (state != FC_PLAYER_STATE_ERROR) {
    show_message (self, NULL, NULL, NULL, NULL, NULL);
  }

  /* Pausing is a good moment to keep where the user is. */
  if (state == FC_PLAYER_STATE_PAUSED || state == FC_PLAYER_STATE_RESTING)
    save_progress (self);
}

static void
on_index_changed_cb (FcPlayerWindow *self)
{
  guint index = fc_player_get_index (self->player);

  if (index == G_MAXUINT || index >= self->videos->len)
    return;
  self->index = index;
  self->position = 0;
  update_video_label (self);
}

static void
on_progress_cb (FcPlayerWindow *self,
                guint           index,
                double          position,
                double          duration)
{
  g_autofree char *position_text = NULL;
  g_autofree char *duration_text = NULL;

  if (index >= self->videos->len)
    return;

  self->index = index;
  self->position = position;
  self->ended = FALSE;
  if (duration > 0)
    g_array_index (self->videos, Video, index).duration = duration;

  gtk_adjustment_configure (self->seek_adjustment, position, 0, MAX (duration, 1.0),
                            SEEK_STEP, SEEK_STEP, 0);
  position_text = fc_workout_format_clock (position);
  duration_text = fc_workout_format_clock (duration);
  gtk_label_set_text (self->position_label, position_text);
  gtk_label_set_text (self->duration_label, duration_text);

  if (g_get_monotonic_time () - self->last_save_us >= SAVE_INTERVAL_US)
    save_progress (self);
}

static void
on_rest_remaining_cb (FcPlayerWindow *self)
{
  guint next = self->index + 1;
  g_autofree char *count = g_strdup_printf ("%u", fc_player_get_rest_remaining (self->player));
  g_autofree char *text = NULL;

  gtk_label_set_text (self->rest_count_label, count);
  if (next < self->videos->len)
    text = g_strdup_printf (_("Next: %s"), g_array_index (self->videos, Video, next).title);
  gtk_label_set_text (self->rest_next_label, text != NULL ? text : "");
}

static void
on_volume_changed_cb (FcPlayerWindow *self)
{
  double volume = fc_player_get_volume (self->player);
  gboolean muted = fc_player_get_muted (self->player);
  const char *icon;

  if (muted || volume <= 0.0)
    icon = "audio-volume-muted-symbolic";
  else if (volume < 0.34)
    icon = "audio-volume-low-symbolic";
  else if (volume < 0.67)
    icon = "audio-volume-medium-symbolic";
  else
    icon = "audio-volume-high-symbolic";

  gtk_menu_button_set_icon_name (self->volume_button, icon);
  if (fabs (gtk_adjustment_get_value (self->volume_adjustment) - volume) > 0.001)
    gtk_adjustment_set_value (self->volume_adjustment, volume);
  gtk_toggle_button_set_active (self->mute_button, muted);
}

static void show_error (FcPlayerWindow *self,
                        const GError   *error);

static void
on_renewed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcPlayerWindow) self = user_data;
  g_autofree char *authorization = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) locked = NULL;

  authorization = fc_download_manager_renew_authorization_finish (FC_DOWNLOAD_MANAGER (source),
                                                                  result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->player == NULL)
    return;
  g_clear_object (&self->renewing);

  if (authorization != NULL &&
      g_strcmp0 (authorization, fc_player_get_authorization (self->player)) != 0) {
    fc_player_set_authorization (self->player, authorization);
    fc_player_start_at (self->player, MIN (self->index, self->videos->len - 1), self->position);
    return;
  }
  /* The server accepts the token and still refuses the video. */
  if (fc_player_get_error (self->player) != NULL)
    locked = g_error_copy (fc_player_get_error (self->player));
  else
    locked = g_error_new_literal (FC_PLAYER_ERROR, FC_PLAYER_ERROR_LOCKED,
                                  error != NULL ? error->message : _("This video is locked."));
  show_error (self, locked);
}

/* A streamed video answers 401 once the access token the player was given
 * has expired (a seek, the next video, a long workout): the token is
 * renewed where every other request renews it and playback goes on from
 * the same place. Only when the token did not change is the video locked. */
static void
on_error_cb (FcPlayerWindow *self,
             const GError   *error)
{
  /* The pipeline can report the same refusal more than once (the source
   * and the demuxer it starved): the renewal already asked for restarts
   * playback or says the video is locked. */
  if (g_error_matches (error, FC_PLAYER_ERROR, FC_PLAYER_ERROR_LOCKED) && self->renewing != NULL)
    return;
  if (g_error_matches (error, FC_PLAYER_ERROR, FC_PLAYER_ERROR_LOCKED) &&
      self->downloads != NULL && self->renewing == NULL && self->renewals++ < 2 &&
      fc_player_get_authorization (self->player) != NULL) {
    g_debug ("Renewing the token after: %s (try %u)", error->message, self->renewals);
    self->renewing = g_cancellable_new ();
    fc_download_manager_renew_authorization_async (self->downloads, self->renewing, on_renewed_cb,
                                                   g_object_ref (self));
    return;
  }
  show_error (self, error);
}

static void
show_error (FcPlayerWindow *self,
            const GError   *error)
{
  const char *title = _("Cannot Play This Video");
  const char *icon = "dialog-warning-symbolic";

  if (g_error_matches (error, FC_PLAYER_ERROR, FC_PLAYER_ERROR_NETWORK)) {
    title = _("The Server Went Away");
    icon = "network-offline-symbolic";
  } else if (g_error_matches (error, FC_PLAYER_ERROR, FC_PLAYER_ERROR_LOCKED)) {
    title = _("This Video Is Locked");
    icon = "system-lock-screen-symbolic";
  } else if (g_error_matches (error, FC_PLAYER_ERROR, FC_PLAYER_ERROR_MISSING_CODEC)) {
    title = _("A Codec Is Missing");
  }

  update_inhibit (self, FALSE);
  save_progress (self);
  show_message (self, icon, title, error->message, _("_Try Again"), "player.retry");
}

static gboolean
on_seek_change_value_cb (FcPlayerWindow *self,
                         GtkScrollType   scroll,
                         double          value)
{
  /* Only the user moves the slider this way; our own updates go through
   * the adjustment and never seek. */
  fc_player_seek (self->player, value);
  return FALSE;
}

static void
on_speed_selected_cb (FcPlayerWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->speed_dropdown);

  if (selected < G_N_ELEMENTS (rates))
    fc_player_set_rate (self->player, rates[selected]);
}

static void
on_volume_value_changed_cb (FcPlayerWindow *self)
{
  double value = gtk_adjustment_get_value (self->volume_adjustment);

  if (fabs (fc_player_get_volume (self->player) - value) > 0.001)
    fc_player_set_volume (self->player, value);
}

static void
toggle_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcPlayerWindow *self = FC_PLAYER_WINDOW (widget);

  if (fc_player_get_state (self->player) == FC_PLAYER_STATE_ENDED)
    fc_player_start_at (self->player, 0, 0);
  else
    fc_player_toggle (self->player);
}

static void
seek_back_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  fc_player_seek_by (FC_PLAYER_WINDOW (widget)->player, -SEEK_STEP);
}

static void
seek_forward_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  fc_player_seek_by (FC_PLAYER_WINDOW (widget)->player, SEEK_STEP);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fc_player_previous (FC_PLAYER_WINDOW (widget)->player);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fc_player_next (FC_PLAYER_WINDOW (widget)->player);
}

static void
mute_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcPlayer *player = FC_PLAYER_WINDOW (widget)->player;

  fc_player_set_muted (player, !fc_player_get_muted (player));
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
leave_fullscreen_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
  else
    gtk_window_close (GTK_WINDOW (widget));
}

static void
restart_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FcPlayerWindow *self = FC_PLAYER_WINDOW (widget);

  self->ended = FALSE;
  fc_player_start_at (self->player, 0, 0);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FcPlayerWindow *self = FC_PLAYER_WINDOW (widget);

  fc_player_start_at (self->player, MIN (self->index, self->videos->len - 1), self->position);
}

static void
on_fullscreened_cb (FcPlayerWindow *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  gtk_widget_set_visible (self->header_bar, !fullscreen);
  gtk_button_set_icon_name (self->fullscreen_button, fullscreen ? "view-restore-symbolic"
                                                                : "view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fullscreen_button),
                               fullscreen ? _("Leave Fullscreen (F)") : _("Fullscreen (F)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fullscreen_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  fullscreen ? _("Leave Fullscreen") : _("Fullscreen"),
                                  -1);
}

static gboolean
fc_player_window_close_request (GtkWindow *window)
{
  FcPlayerWindow *self = FC_PLAYER_WINDOW (window);

  if (self->saved_once || self->position > 0)
    save_progress (self);
  update_inhibit (self, FALSE);
  fc_player_stop (self->player);

  return GTK_WINDOW_CLASS (fc_player_window_parent_class)->close_request (window);
}

static void
fc_player_window_dispose (GObject *object)
{
  FcPlayerWindow *self = FC_PLAYER_WINDOW (object);

  if (self->player != NULL)
    g_signal_handlers_disconnect_by_data (self->player, self);
  g_clear_object (&self->player);
  g_cancellable_cancel (self->renewing);
  g_clear_object (&self->renewing);
  g_clear_object (&self->session);
  g_clear_object (&self->downloads);
  g_clear_object (&self->item);
  g_clear_pointer (&self->videos, g_array_unref);

  G_OBJECT_CLASS (fc_player_window_parent_class)->dispose (object);
}

static void
fc_player_window_class_init (FcPlayerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fc_player_window_dispose;
  window_class->close_request = fc_player_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/workouts/fc-player-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, picture);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, rest_box);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, rest_count_label);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, rest_next_label);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, message_page);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, message_button);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, controls);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, position_label);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, seek_scale);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, seek_adjustment);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, duration_label);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, video_label);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, volume_button);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, volume_adjustment);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, mute_button);
  gtk_widget_class_bind_template_child (widget_class, FcPlayerWindow, fullscreen_button);

  gtk_widget_class_install_action (widget_class, "player.toggle", NULL, toggle_action);
  gtk_widget_class_install_action (widget_class, "player.seek-back", NULL, seek_back_action);
  gtk_widget_class_install_action (widget_class, "player.seek-forward", NULL, seek_forward_action);
  gtk_widget_class_install_action (widget_class, "player.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "player.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "player.mute", NULL, mute_action);
  gtk_widget_class_install_action (widget_class, "player.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "player.leave-fullscreen", NULL,
                                   leave_fullscreen_action);
  gtk_widget_class_install_action (widget_class, "player.restart", NULL, restart_action);
  gtk_widget_class_install_action (widget_class, "player.retry", NULL, retry_action);
}

/* Player keys win over the focused control: Space must not press the
 * button that happens to have focus, nor ←/→ move a slider by a step. */
static void
add_player_shortcuts (FcPlayerWindow *self)
{
  static const struct {
    guint       key;
    const char *action;
  } keys[] = {
    { GDK_KEY_space, "player.toggle" },
    { GDK_KEY_k, "player.next" },
    { GDK_KEY_j, "player.previous" },
    { GDK_KEY_Left, "player.seek-back" },
    { GDK_KEY_Right, "player.seek-forward" },
    { GDK_KEY_f, "player.fullscreen" },
    { GDK_KEY_F11, "player.fullscreen" },
    { GDK_KEY_m, "player.mute" },
    { GDK_KEY_Escape, "player.leave-fullscreen" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, 0),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
fc_player_window_init (FcPlayerWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->videos = g_array_new (FALSE, TRUE, sizeof (Video));
  g_array_set_clear_func (self->videos, video_clear);

  self->player = fc_player_new (NULL, NULL);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->player));

  g_signal_connect_object (self->player, "notify::state", G_CALLBACK (on_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::index", G_CALLBACK (on_index_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::rest-remaining",
                           G_CALLBACK (on_rest_remaining_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::volume", G_CALLBACK (on_volume_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::muted", G_CALLBACK (on_volume_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "progress", G_CALLBACK (on_progress_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "error", G_CALLBACK (on_error_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->seek_scale, "change-value", G_CALLBACK (on_seek_change_value_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->speed_dropdown, "notify::selected",
                           G_CALLBACK (on_speed_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->volume_adjustment, "value-changed",
                           G_CALLBACK (on_volume_value_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened_cb), NULL);

  /* The buttons GtkDropDown and GtkMenuButton keep inside are what Tab
   * and Orca reach; the outer widgets' labels do not name them. */
  fc_accessible_name_buttons (GTK_WIDGET (self->speed_dropdown), _("Speed"));
  fc_accessible_name_buttons (GTK_WIDGET (self->volume_button), _("Volume"));

  add_player_shortcuts (self);
}

/* The playlist: every video the user may watch, from disk when it was
 * downloaded (so it plays with no network), else streamed. */
static void
build_playlist (FcPlayerWindow    *self,
                FcDownloadManager *downloads,
                guint              start,
                guint             *out_index)
{
  JsonArray *videos = fc_json_get_array (fc_workout_item_get_object (self->item), "videos");
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  g_autofree char *authorization = NULL;

  *out_index = 0;
  for (guint i = 0; videos != NULL && i < json_array_get_length (videos); i++) {
    JsonObject *object = json_array_get_object_element (videos, i);
    gboolean locked = FALSE;
    char *uri = NULL;
    Video video = { 0 };

    if (object == NULL)
      continue;
    fc_json_get_boolean (object, "locked", &locked);
    fc_json_get_int (object, "id", &video.id);
    if (locked)
      continue;

    if (downloads != NULL)
      uri = fc_download_manager_get_local_uri (downloads, self->workout_id, video.id);
    if (uri == NULL && fc_json_get_string (object, "file") != NULL)
      uri = g_strdup (fc_json_get_string (object, "file"));
    if (uri == NULL)
      continue;

    if (i == start)
      *out_index = uris->len;
    fc_json_get_double (object, "duration", &video.duration);
    video.title = g_strdup (fc_json_get_string (object, "title"));
    g_ptr_array_add (uris, uri);
    g_ptr_array_add (titles, video.title);
    g_array_append_val (self->videos, video);
  }
  g_ptr_array_add (uris, NULL);
  g_ptr_array_add (titles, NULL);

  if (downloads != NULL)
    authorization = fc_download_manager_dup_authorization (downloads);
  fc_player_set_playlist (self->player, (const char * const *) uris->pdata,
                          (const char * const *) titles->pdata, authorization);
}

static guint
find_video (FcPlayerWindow *self,
            gint64          video_id)
{
  for (guint i = 0; i < self->videos->len; i++) {
    if (g_array_index (self->videos, Video, i).id == video_id)
      return i;
  }
  return G_MAXUINT;
}

GtkWidget *
fc_player_window_new (GtkApplication    *application,
                      FcSession         *session,
                      FcDownloadManager *downloads,
                      FcWorkoutItem     *item,
                      guint              index)
{
  FcPlayerWindow *self;
  guint start = 0;
  double position = 0;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);
  g_return_val_if_fail (FC_IS_WORKOUT_ITEM (item), NULL);

  self = g_object_new (FC_TYPE_PLAYER_WINDOW,
                       "application", application,
                       "title", fc_workout_item_get_title (item),
                       NULL);
  self->session = g_object_ref (session);
  if (downloads != NULL)
    self->downloads = g_object_ref (downloads);
  self->item = g_object_ref (item);
  self->workout_id = fc_workout_item_get_id (item);
  adw_window_title_set_title (self->window_title, fc_workout_item_get_title (item));

  build_playlist (self, downloads, index, &start);

  /* Resume where the user left off, unless they finished last time. */
  if (index == G_MAXUINT && !fc_workout_item_get_completed (item)) {
    guint last = find_video (self, fc_workout_item_get_last_video (item));

    if (last != G_MAXUINT) {
      start = last;
      position = fc_workout_item_get_position (item);
    }
  } else if (index == G_MAXUINT) {
    start = 0;
  }

  if (self->videos->len == 0) {
    show_message (self, "system-lock-screen-symbolic", _("Nothing to Play"),
                  _("Every video of this workout needs FitCore Premium."), _("_Close"),
                  "window.close");
    return GTK_WIDGET (self);
  }

  self->index = start;
  update_video_label (self);
  fc_player_start_at (self->player, start, position);

  return GTK_WIDGET (self);
}
