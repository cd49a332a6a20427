/* fc-admin-content-page.c — the Admin section's Content: workouts, their
 * videos and uploads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here comes through FcAdminService: the list of every
 * workout, published or hidden, and an editor for one, kept in the
 * account's store, whose edits wait in the outbox when the server cannot
 * be reached (a row then says "not synced yet"). Its videos are reordered by dragging a row onto another
 * or with Alt+Up and Alt+Down on the focused row, each move saved at once
 * with admin/workouts/{id}/video-order/. Videos are added through the
 * staff member's FcUploadQueue, whose items for the workout show here with
 * their progress; when one completes, the editor reloads its videos.
 */

#define G_LOG_DOMAIN "fc-admin-content"

#include "config.h"

#include "fc-admin-content-page.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "fc-admin-file-chooser.h"
#include "fc-admin-frame-grab.h"
#include "fc-json.h"
#include "fc-store-admin.h"

struct _FcAdminContentPage
{
  AdwBin             parent_instance;

  /* Template widgets */
  AdwToastOverlay   *toast_overlay;
  AdwLeaflet        *leaflet;
  GtkStack          *list_stack;
  GtkListBox        *workouts_list;
  GtkStack          *editor_stack;
  AdwEntryRow       *title_row;
  AdwEntryRow       *description_row;
  AdwComboRow       *category_row;
  AdwComboRow       *difficulty_row;
  GtkSpinButton     *duration_spin;
  AdwEntryRow       *goals_row;
  GtkSwitch         *premium_switch;
  GtkSwitch         *published_switch;
  AdwPreferencesGroup *videos_group;
  GtkListBox        *videos_list;
  AdwPreferencesGroup *uploads_group;
  GtkListBox        *uploads_list;
  AdwPreferencesGroup *thumbnail_group;
  GtkPicture        *thumbnail_picture;
  GtkScale          *frame_scale;

  /* Owned */
  FcAdminService    *service;
  FcUploadQueue     *queue;
  GCancellable      *cancellable;         /* the lists; per service */
  GCancellable      *editor_cancellable;  /* the workout shown */
  GCancellable      *frame_cancellable;
  JsonArray         *categories;
  JsonObject        *workout;             /* as the server last answered it */
  GArray            *video_ids;           /* gint64, the order shown */
  GtkCustomFilter   *upload_filter;
  GtkFilterListModel *uploads;
  GFile             *frame_file;
  GdkPixbuf         *frame_pixbuf;
  guint              frame_timeout_id;

  gint64             workout_id;          /* 0: a new workout, not saved */
  gboolean           editing;
  gboolean           loaded;
  gboolean           saving;
  gboolean           has_dirty;           /* a listed workout's edit waits */
};

G_DEFINE_FINAL_TYPE (FcAdminContentPage, fc_admin_content_page, ADW_TYPE_BIN)

static const char * const difficulties[] = { "beginner", "intermediate", "advanced" };

static void reload_workouts (FcAdminContentPage *self);
static void on_workout_cb   (GObject            *source,
                             GAsyncResult       *result,
                             gpointer            user_data);
static void show_workout    (FcAdminContentPage *self,
                             JsonObject         *workout);

static void
toast (FcAdminContentPage *self,
       const char         *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
toast_error (FcAdminContentPage *self,
             const GError       *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
}

static void
update_actions (FcAdminContentPage *self)
{
  gboolean ready = self->service != NULL;
  gboolean saved = self->editing && self->workout_id > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-content.refresh", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-content.new-workout", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-content.save-workout",
                                 ready && self->editing && !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-content.delete-workout", ready && saved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-content.add-videos",
                                 ready && saved && self->queue != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-content.choose-frame-video", ready && saved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-content.choose-image", ready && saved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-content.use-frame",
                                 ready && saved && self->frame_pixbuf != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->videos_group), saved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->thumbnail_group), saved);
}

static const char *
difficulty_label (const char *difficulty)
{
  if (g_strcmp0 (difficulty, "intermediate") == 0)
    return _("Intermediate");
  if (g_strcmp0 (difficulty, "advanced") == 0)
    return _("Advanced");
  return _("Beginner");
}

/* The workouts list */

static gboolean
is_published (JsonObject *workout)
{
  gboolean published = TRUE;

  fc_json_get_boolean (workout, "is_published", &published);
  return published;
}

static GtkWidget *
workout_row_new (JsonObject *workout)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *status = gtk_label_new (is_published (workout) ? _("Published") : _("Hidden"));
  JsonArray *videos = fc_json_get_array (workout, "videos");
  gint64 count = videos != NULL ? json_array_get_length (videos) : 0;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  gboolean dirty = FALSE;
  gint64 id = 0;

  fc_json_get_int (workout, "video_count", &count);
  fc_json_get_int (workout, "id", &id);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %" PRId64 " video",
                                           "%s · %" PRId64 " videos", (gulong) count),
                              difficulty_label (fc_json_get_string (workout, "difficulty")),
                              count);
  /* An edit made offline waits in the outbox. */
  if (fc_json_get_boolean (workout, "dirty", &dirty) && dirty) {
    char *waiting = g_strconcat (subtitle, " · ", _("not synced yet"), NULL);

    g_free (subtitle);
    subtitle = waiting;
  }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 fc_json_get_string (workout, "title") ?: "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (status, is_published (workout) ? "success" : "warning");
  gtk_widget_add_css_class (status, "caption-heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), status);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  /* Translators: a workout in the admin list: its title, then Published
   * or Hidden. */
  label = g_strdup_printf (_("%s, %s"), fc_json_get_string (workout, "title") ?: "",
                           is_published (workout) ? _("Published") : _("Hidden"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (row), "fc-workout-id", g_memdup2 (&id, sizeof id), g_free);
  return row;
}

static void
on_workouts_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) workouts = fc_admin_service_list_finish (FC_ADMIN_SERVICE (source), result,
                                                                &error);
  GtkWidget *child;

  if (workouts == NULL) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    toast_error (self, error);
    adw_status_page_set_title (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->list_stack,
                                                                             "empty")),
                               _("Workouts Could Not Be Loaded"));
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
    return;
  }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->workouts_list))) != NULL)
    gtk_list_box_remove (self->workouts_list, child);
  self->has_dirty = FALSE;
  for (guint i = 0; i < json_array_get_length (workouts); i++) {
    JsonObject *workout = json_array_get_object_element (workouts, i);
    gboolean dirty = FALSE;

    if (workout != NULL)
      gtk_list_box_append (self->workouts_list, workout_row_new (workout));
    if (workout != NULL && fc_json_get_boolean (workout, "dirty", &dirty) && dirty)
      self->has_dirty = TRUE;
  }
  adw_status_page_set_title (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->list_stack,
                                                                           "empty")),
                             _("No Workouts"));
  gtk_stack_set_visible_child_name (self->list_stack,
                                    json_array_get_length (workouts) > 0 ? "list" : "empty");
}

/* One model per load of the categories (none before the first): GTK 4.8
 * keeps the rows of a replaced or spliced list in the AT-SPI tree,
 * unnamed. */
static void
fill_categories (FcAdminContentPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_string_list_append (names, _("None"));
  for (guint i = 0; self->categories != NULL && i < json_array_get_length (self->categories); i++) {
    JsonObject *category = json_array_get_object_element (self->categories, i);

    gtk_string_list_append (names, category != NULL ? fc_json_get_string (category, "name") ?: ""
                                                    : "");
  }
  adw_combo_row_set_model (self->category_row, G_LIST_MODEL (names));
}

static void
on_categories_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  JsonArray *categories = fc_admin_service_list_finish (FC_ADMIN_SERVICE (source), result, &error);

  if (categories == NULL) {
    toast_error (self, error);
    return;
  }
  g_clear_pointer (&self->categories, json_array_unref);
  self->categories = categories;
  fill_categories (self);
  if (self->editing && self->workout != NULL)
    show_workout (self, self->workout);
}

/* While a listed workout's edit waits, the list follows the store, so
 * that "not synced yet" goes once it was sent (the store alone is read: a
 * list read from the server changes the store too). */
static void
on_kept_workouts_changed_cb (FcAdminContentPage *self)
{
  if (self->loaded && self->has_dirty)
    fc_admin_service_list_kept_async (self->service, FC_STORE_ADMIN_WORKOUTS, self->cancellable,
                                      on_workouts_cb, g_object_ref (self));
}

static void
reload_workouts (FcAdminContentPage *self)
{
  if (self->service == NULL)
    return;
  self->loaded = TRUE;
  if (gtk_widget_get_first_child (GTK_WIDGET (self->workouts_list)) == NULL)
    gtk_stack_set_visible_child_name (self->list_stack, "loading");
  fc_admin_service_list_workouts_async (self->service, self->cancellable, on_workouts_cb,
                                        g_object_ref (self));
  if (self->categories == NULL)
    fc_admin_service_list_categories_async (self->service, self->cancellable, on_categories_cb,
                                            g_object_ref (self));
}

/* Videos */

static void save_video_order (FcAdminContentPage *self);

static JsonObject *
find_video (FcAdminContentPage *self,
            gint64              id)
{
  JsonArray *videos = self->workout != NULL ? fc_json_get_array (self->workout, "videos") : NULL;

  for (guint i = 0; videos != NULL && i < json_array_get_length (videos); i++) {
    JsonObject *video = json_array_get_object_element (videos, i);
    gint64 video_id = 0;

    if (video != NULL && fc_json_get_int (video, "id", &video_id) && video_id == id)
      return video;
  }
  return NULL;
}

static gint64
row_video_id (GtkWidget *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "fc-video-id");

  return id != NULL ? *id : 0;
}

static int
video_position (FcAdminContentPage *self,
                gint64              id)
{
  for (guint i = 0; i < self->video_ids->len; i++)
    if (g_array_index (self->video_ids, gint64, i) == id)
      return (int) i;
  return -1;
}

/* Moves video @id to @position and saves the order. */
static void
move_video (FcAdminContentPage *self,
            gint64              id,
            int                 position)
{
  int from = video_position (self, id);

  if (from < 0 || position < 0 || position >= (int) self->video_ids->len || from == position)
    return;
  g_array_remove_index (self->video_ids, (guint) from);
  g_array_insert_val (self->video_ids, (guint) position, id);
  save_video_order (self);
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource *source,
                    double         x,
                    double         y,
                    gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));

  return gdk_content_provider_new_typed (G_TYPE_INT64, row_video_id (row));
}

static void
on_drag_begin_cb (GtkDragSource *source,
                  GdkDrag       *drag,
                  gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            gpointer       user_data)
{
  FcAdminContentPage *self = user_data;
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  gint64 dragged;
  int position;

  if (!G_VALUE_HOLDS_INT64 (value))
    return FALSE;
  dragged = g_value_get_int64 (value);
  position = video_position (self, row_video_id (row));
  if (position < 0 || video_position (self, dragged) < 0)
    return FALSE;
  move_video (self, dragged, position);
  return TRUE;
}

static char *
format_duration (gint64 seconds)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", seconds / 60, (int) (seconds % 60));
}

static GtkWidget *
video_row_new (FcAdminContentPage *self,
               JsonObject         *video,
               guint               position)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *handle = gtk_image_new_from_icon_name ("list-drag-handle-symbolic");
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INT64, GDK_ACTION_MOVE);
  g_autofree char *duration = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  gboolean is_free = FALSE;
  gint64 seconds = 0;
  gint64 id = 0;

  fc_json_get_int (video, "id", &id);
  fc_json_get_int (video, "duration", &seconds);
  fc_json_get_boolean (video, "is_free", &is_free);
  duration = format_duration (seconds);
  /* Translators: a video's position in its workout, then its length. */
  subtitle = g_strdup_printf (_("%u · %s%s"), position + 1, duration,
                              is_free ? _(" · Free preview") : "");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 fc_json_get_string (video, "title") ?: "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), handle);
  gtk_widget_set_focusable (row, TRUE);
  /* Translators: a video row's accessible name: its title, its position
   * and how many there are. */
  label = g_strdup_printf (_("%s, video %u of %u"), fc_json_get_string (video, "title") ?: "",
                           position + 1, self->video_ids->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Drag, or press Alt+Up or Alt+Down, to move it"), -1);
  g_object_set_data_full (G_OBJECT (row), "fc-video-id", g_memdup2 (&id, sizeof id), g_free);

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare_cb), self);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
  g_signal_connect (target, "drop", G_CALLBACK (on_drop_cb), self);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
  return row;
}

/* Shows the videos in self->video_ids' order; @focus_id's row gets the
 * keyboard focus (a row moved with Alt+Up or Alt+Down keeps it). */
static void
fill_videos (FcAdminContentPage *self,
             gint64              focus_id)
{
  GtkWidget *child;
  GtkWidget *focus = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->videos_list))) != NULL)
    gtk_list_box_remove (self->videos_list, child);
  for (guint i = 0; i < self->video_ids->len; i++) {
    gint64 id = g_array_index (self->video_ids, gint64, i);
    JsonObject *video = find_video (self, id);
    GtkWidget *row;

    if (video == NULL)
      continue;
    row = video_row_new (self, video, i);
    gtk_list_box_append (self->videos_list, row);
    if (id == focus_id)
      focus = row;
  }
  if (self->video_ids->len == 0) {
    GtkWidget *empty = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (empty), _("No videos yet"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (empty),
                                 _("Add videos: they upload in the background."));
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (empty), FALSE);
    gtk_list_box_append (self->videos_list, empty);
  }
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

static void
on_order_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_admin_service_done_finish (FC_ADMIN_SERVICE (source), result, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    /* Translators: %s is the server's reason. */
    g_autofree char *message = g_strdup_printf (_("The new order was not saved: %s"),
                                                error->message);

    toast (self, message);
    /* Show the order the server has. */
    if (self->workout_id > 0)
      fc_admin_service_get_workout_async (self->service, self->workout_id,
                                          self->editor_cancellable, on_workout_cb,
                                          g_object_ref (self));
  }
}

static void
save_video_order (FcAdminContentPage *self)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW) : NULL;
  gint64 focus_id = row != NULL ? row_video_id (row) : 0;

  fill_videos (self, focus_id);
  fc_admin_service_reorder_videos_async (self->service, self->workout_id, self->video_ids,
                                         self->editor_cancellable, on_order_saved_cb,
                                         g_object_ref (self));
}

/* Alt+Up and Alt+Down on a focused video row. */
static gboolean
move_focused_video (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW) : NULL;
  int delta = g_variant_get_int32 (args);
  gint64 id;
  int position;

  if (row == NULL || gtk_widget_get_parent (row) != GTK_WIDGET (self->videos_list) ||
      self->workout_id <= 0)
    return FALSE;
  id = row_video_id (row);
  position = video_position (self, id);
  if (position < 0)
    return FALSE;
  if (position + delta < 0 || position + delta >= (int) self->video_ids->len) {
    gtk_widget_error_bell (widget);
    return TRUE;
  }
  /* fill_videos() gives the moved row the focus back. */
  gtk_widget_grab_focus (row);
  move_video (self, id, position + delta);
  return TRUE;
}

/* The editor */

static guint
category_index (FcAdminContentPage *self,
                JsonObject         *workout)
{
  gint64 category = 0;

  if (!fc_json_get_int (workout, "category", &category))
    return 0;
  for (guint i = 0; self->categories != NULL && i < json_array_get_length (self->categories); i++) {
    JsonObject *object = json_array_get_object_element (self->categories, i);
    gint64 id = 0;

    if (object != NULL && fc_json_get_int (object, "id", &id) && id == category)
      return i + 1;
  }
  return 0;
}

static void
show_workout (FcAdminContentPage *self,
              JsonObject         *workout)
{
  JsonArray *goals = fc_json_get_array (workout, "goals");
  JsonArray *videos = fc_json_get_array (workout, "videos");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) goal_list = NULL;
  g_autofree char *goals_text = NULL;
  const char *difficulty = fc_json_get_string (workout, "difficulty");
  gboolean premium = FALSE;
  gint64 duration = 0;

  if (self->workout != workout) {
    g_clear_pointer (&self->workout, json_object_unref);
    self->workout = json_object_ref (workout);
  }
  fc_json_get_int (workout, "id", &self->workout_id);
  fc_json_get_int (workout, "duration", &duration);
  fc_json_get_boolean (workout, "is_premium", &premium);

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), fc_json_get_string (workout, "title") ?: "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         fc_json_get_string (workout, "description") ?: "");
  adw_combo_row_set_selected (self->category_row, category_index (self, workout));
  adw_combo_row_set_selected (self->difficulty_row, 0);
  for (guint i = 0; i < G_N_ELEMENTS (difficulties); i++)
    if (g_strcmp0 (difficulty, difficulties[i]) == 0)
      adw_combo_row_set_selected (self->difficulty_row, i);
  gtk_spin_button_set_value (self->duration_spin, (double) duration);
  for (guint i = 0; goals != NULL && i < json_array_get_length (goals); i++) {
    const char *goal = json_array_get_string_element (goals, i);

    if (goal != NULL)
      g_strv_builder_add (builder, goal);
  }
  goal_list = g_strv_builder_end (builder);
  goals_text = g_strjoinv (", ", goal_list);
  gtk_editable_set_text (GTK_EDITABLE (self->goals_row), goals_text);
  gtk_switch_set_active (self->premium_switch, premium);
  gtk_switch_set_active (self->published_switch, is_published (workout));

  g_array_set_size (self->video_ids, 0);
  for (guint i = 0; videos != NULL && i < json_array_get_length (videos); i++) {
    JsonObject *video = json_array_get_object_element (videos, i);
    gint64 id = 0;

    if (video != NULL && fc_json_get_int (video, "id", &id))
      g_array_append_val (self->video_ids, id);
  }
  fill_videos (self, 0);
  gtk_filter_changed (GTK_FILTER (self->upload_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_actions (self);
}

static void
on_workout_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) workout = fc_admin_service_workout_finish (FC_ADMIN_SERVICE (source),
                                                                   result, &error);

  if (workout == NULL) {
    toast_error (self, error);
    return;
  }
  show_workout (self, workout);
}

static void
reset_frame (FcAdminContentPage *self)
{
  g_cancellable_cancel (self->frame_cancellable);
  g_clear_object (&self->frame_cancellable);
  g_clear_handle_id (&self->frame_timeout_id, g_source_remove);
  g_clear_object (&self->frame_file);
  g_clear_object (&self->frame_pixbuf);
  gtk_picture_set_paintable (self->thumbnail_picture, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->frame_scale), FALSE);
}

static void
open_editor (FcAdminContentPage *self,
             gint64              id)
{
  g_cancellable_cancel (self->editor_cancellable);
  g_clear_object (&self->editor_cancellable);
  self->editor_cancellable = g_cancellable_new ();
  reset_frame (self);
  self->editing = TRUE;
  self->workout_id = id;
  g_clear_pointer (&self->workout, json_object_unref);

  if (id > 0) {
    fc_admin_service_get_workout_async (self->service, id, self->editor_cancellable,
                                        on_workout_cb, g_object_ref (self));
  } else {
    g_autoptr(JsonObject) blank = json_object_new ();

    json_object_set_string_member (blank, "difficulty", "beginner");
    json_object_set_boolean_member (blank, "is_published", TRUE);
    show_workout (self, blank);
    self->workout_id = 0;
  }
  gtk_stack_set_visible_child_name (self->editor_stack, "editor");
  adw_leaflet_set_visible_child_name (self->leaflet, "editor");
  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}

static void
on_workout_activated_cb (FcAdminContentPage *self,
                         GtkListBoxRow      *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "fc-workout-id");

  if (id != NULL)
    open_editor (self, *id);
}

static JsonObject *
editor_fields (FcAdminContentPage *self)
{
  JsonObject *fields = json_object_new ();
  JsonArray *goals = json_array_new ();
  g_auto(GStrv) parts = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->goals_row)), ",", -1);
  guint category = adw_combo_row_get_selected (self->category_row);
  guint difficulty = adw_combo_row_get_selected (self->difficulty_row);
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));

  json_object_set_string_member (fields, "title", title);
  json_object_set_string_member (fields, "description",
                                 gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  json_object_set_int_member (fields, "duration", gtk_spin_button_get_value_as_int (self->duration_spin));
  json_object_set_string_member (fields, "difficulty",
                                 difficulties[MIN (difficulty, G_N_ELEMENTS (difficulties) - 1)]);
  if (category > 0 && self->categories != NULL && category <= json_array_get_length (self->categories)) {
    JsonObject *object = json_array_get_object_element (self->categories, category - 1);
    gint64 id = 0;

    if (object != NULL && fc_json_get_int (object, "id", &id))
      json_object_set_int_member (fields, "category", id);
  } else {
    json_object_set_null_member (fields, "category");
  }
  for (guint i = 0; parts[i] != NULL; i++) {
    g_strstrip (parts[i]);
    if (*parts[i] != '\0')
      json_array_add_string_element (goals, parts[i]);
  }
  json_object_set_array_member (fields, "goals", goals);
  json_object_set_boolean_member (fields, "is_premium", gtk_switch_get_active (self->premium_switch));
  json_object_set_boolean_member (fields, "is_published",
                                  gtk_switch_get_active (self->published_switch));
  return fields;
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) workout = fc_admin_service_workout_finish (FC_ADMIN_SERVICE (source),
                                                                   result, &error);
  gboolean dirty = FALSE;

  self->saving = FALSE;
  update_actions (self);
  if (workout == NULL) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    /* Translators: %s is the server's reason. */
    g_autofree char *message = g_strdup_printf (_("The workout was not saved: %s"), error->message);

    toast (self, message);
    return;
  }
  show_workout (self, workout);
  /* Offline the edit waits in the outbox (src/store/fc-store-admin.h). */
  toast (self, fc_json_get_boolean (workout, "dirty", &dirty) && dirty
               ? _("Saved — will sync when online") : _("Workout saved"));
  reload_workouts (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);
  g_autoptr(JsonObject) fields = NULL;

  if (!self->editing || self->service == NULL || self->saving)
    return;
  fields = editor_fields (self);
  if (*fc_json_get_string (fields, "title") == '\0') {
    toast (self, _("Give the workout a title."));
    gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
    return;
  }
  self->saving = TRUE;
  update_actions (self);
  fc_admin_service_save_workout_async (self->service, self->workout_id, fields,
                                       self->editor_cancellable, on_saved_cb, g_object_ref (self));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);

  if (self->service != NULL)
    open_editor (self, 0);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);

  g_clear_pointer (&self->categories, json_array_unref);
  reload_workouts (self);
  if (self->editing && self->workout_id > 0)
    fc_admin_service_get_workout_async (self->service, self->workout_id, self->editor_cancellable,
                                        on_workout_cb, g_object_ref (self));
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_admin_service_done_finish (FC_ADMIN_SERVICE (source), result, &error)) {
    toast_error (self, error);
    return;
  }
  self->editing = FALSE;
  self->workout_id = 0;
  g_clear_pointer (&self->workout, json_object_unref);
  gtk_stack_set_visible_child_name (self->editor_stack, "none");
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  update_actions (self);
  toast (self, _("Workout deleted"));
  reload_workouts (self);
}

static void
on_delete_response_cb (AdwMessageDialog   *dialog,
                       const char         *response,
                       FcAdminContentPage *self)
{
  if (g_strcmp0 (response, "delete") != 0 || self->workout_id <= 0)
    return;
  fc_admin_service_delete_workout_async (self->service, self->workout_id,
                                         self->editor_cancellable, on_deleted_cb,
                                         g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  if (self->workout_id <= 0)
    return;
  /* Translators: %s is a workout's title. */
  heading = g_strdup_printf (_("Delete “%s”?"),
                             self->workout != NULL ? fc_json_get_string (self->workout, "title") ?: ""
                                                   : "");
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   _("Its videos are deleted with it, and users lose their "
                                     "progress on it. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Uploads */

static gboolean
upload_filter_func (gpointer item,
                    gpointer user_data)
{
  FcAdminContentPage *self = user_data;

  return self->workout_id > 0 && fc_upload_item_get_workout (item) == self->workout_id;
}

static char *
upload_status (FcUploadItem *item)
{
  g_autofree char *sent = g_format_size (fc_upload_item_get_sent (item));
  g_autofree char *size = g_format_size (fc_upload_item_get_size (item));
  g_autofree char *speed = NULL;

  switch (fc_upload_item_get_state (item)) {
  case FC_UPLOAD_STATE_QUEUED:
    /* Translators: the bytes sent and the file's size. */
    return g_strdup_printf (_("Queued — %s of %s"), sent, size);
  case FC_UPLOAD_STATE_UPLOADING:
    if (fc_upload_item_get_speed (item) <= 0)
      return g_strdup_printf (_("%s of %s"), sent, size);
    speed = g_format_size ((guint64) fc_upload_item_get_speed (item));
    /* Translators: bytes sent, the file's size, then the speed
     * ("1.2 MB of 40 MB · 3.1 MB/s"). */
    return g_strdup_printf (_("%s of %s · %s/s"), sent, size, speed);
  case FC_UPLOAD_STATE_WAITING:
    return g_strdup (fc_upload_item_get_error (item));
  case FC_UPLOAD_STATE_PAUSED:
    return g_strdup_printf (_("Paused — %s of %s"), sent, size);
  case FC_UPLOAD_STATE_COMPLETING:
    return g_strdup (_("Checking the video…"));
  case FC_UPLOAD_STATE_DONE:
    return g_strdup (_("Uploaded"));
  case FC_UPLOAD_STATE_FAILED:
  default:
    return g_strdup (fc_upload_item_get_error (item) ?: _("Failed"));
  }
}

static void
update_upload_row (GtkWidget *row)
{
  FcUploadItem *item = g_object_get_data (G_OBJECT (row), "fc-item");
  GtkProgressBar *progress = g_object_get_data (G_OBJECT (row), "fc-progress");
  GtkLabel *status = g_object_get_data (G_OBJECT (row), "fc-status");
  GtkButton *pause = g_object_get_data (G_OBJECT (row), "fc-pause");
  GtkButton *cancel = g_object_get_data (G_OBJECT (row), "fc-cancel");
  FcUploadState state = fc_upload_item_get_state (item);
  gboolean paused = state == FC_UPLOAD_STATE_PAUSED || state == FC_UPLOAD_STATE_FAILED;
  gboolean finished = state == FC_UPLOAD_STATE_DONE || state == FC_UPLOAD_STATE_FAILED;
  g_autofree char *text = upload_status (item);
  g_autofree char *pause_label = NULL;
  g_autofree char *cancel_label = NULL;
  const char *title = fc_upload_item_get_title (item);

  gtk_progress_bar_set_fraction (progress, fc_upload_item_get_fraction (item));
  gtk_label_set_label (status, text);
  gtk_widget_set_visible (GTK_WIDGET (pause), state != FC_UPLOAD_STATE_DONE &&
                          !(state == FC_UPLOAD_STATE_FAILED &&
                            fc_upload_item_get_upload_id (item) == NULL));
  gtk_button_set_icon_name (pause, paused ? "media-playback-start-symbolic"
                                          : "media-playback-pause-symbolic");
  /* Translators: %s is a video's title. */
  pause_label = g_strdup_printf (paused ? _("Resume upload of %s") : _("Pause upload of %s"), title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (pause), pause_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (pause), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pause_label, -1);
  /* Translators: %s is a video's title. */
  cancel_label = g_strdup_printf (finished ? _("Remove %s from the list") : _("Cancel upload of %s"),
                                  title);
  gtk_button_set_icon_name (cancel, finished ? "edit-clear-symbolic" : "process-stop-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (cancel), cancel_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cancel), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cancel_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text, -1);
}

static void
on_pause_clicked_cb (GtkButton          *button,
                     FcAdminContentPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  FcUploadItem *item = g_object_get_data (G_OBJECT (row), "fc-item");
  FcUploadState state = fc_upload_item_get_state (item);

  if (self->queue == NULL)
    return;
  if (state == FC_UPLOAD_STATE_PAUSED || state == FC_UPLOAD_STATE_FAILED)
    fc_upload_queue_resume (self->queue, item);
  else
    fc_upload_queue_pause (self->queue, item);
}

static void
on_cancel_clicked_cb (GtkButton          *button,
                      FcAdminContentPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  FcUploadItem *item = g_object_get_data (G_OBJECT (row), "fc-item");

  if (self->queue != NULL)
    fc_upload_queue_remove (self->queue, item);
}

static GtkWidget *
upload_row_new (gpointer object,
                gpointer user_data)
{
  FcAdminContentPage *self = user_data;
  FcUploadItem *item = object;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (fc_upload_item_get_title (item));
  GtkWidget *pause = gtk_button_new ();
  GtkWidget *cancel = gtk_button_new ();
  GtkWidget *progress = gtk_progress_bar_new ();
  GtkWidget *status = gtk_label_new (NULL);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_set_valign (pause, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (pause, "flat");
  gtk_widget_add_css_class (cancel, "flat");
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_widget_add_css_class (status, "caption");
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (top), title);
  gtk_box_append (GTK_BOX (top), pause);
  gtk_box_append (GTK_BOX (top), cancel);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), progress);
  gtk_box_append (GTK_BOX (box), status);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  fc_upload_item_get_title (item), -1);

  g_object_set_data_full (G_OBJECT (row), "fc-item", g_object_ref (item), g_object_unref);
  g_object_set_data (G_OBJECT (row), "fc-progress", progress);
  g_object_set_data (G_OBJECT (row), "fc-status", status);
  g_object_set_data (G_OBJECT (row), "fc-pause", pause);
  g_object_set_data (G_OBJECT (row), "fc-cancel", cancel);
  g_signal_connect_object (pause, "clicked", G_CALLBACK (on_pause_clicked_cb), self, 0);
  g_signal_connect_object (cancel, "clicked", G_CALLBACK (on_cancel_clicked_cb), self, 0);
  g_signal_connect_object (item, "notify", G_CALLBACK (update_upload_row), row, G_CONNECT_SWAPPED);
  update_upload_row (row);
  return row;
}

static void
on_uploads_changed_cb (FcAdminContentPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->uploads_group),
                          g_list_model_get_n_items (G_LIST_MODEL (self->uploads)) > 0);
}

static void
on_upload_completed_cb (FcAdminContentPage *self,
                        FcUploadItem       *item,
                        JsonObject         *video)
{
  /* Translators: %s is a video's title. */
  g_autofree char *message = g_strdup_printf (_("“%s” is uploaded"), fc_upload_item_get_title (item));

  toast (self, message);
  if (self->editing && fc_upload_item_get_workout (item) == self->workout_id)
    fc_admin_service_get_workout_async (self->service, self->workout_id, self->editor_cancellable,
                                        on_workout_cb, g_object_ref (self));
  reload_workouts (self);
}

static char *
title_from_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  char *dot = strrchr (basename, '.');

  if (dot != NULL && dot != basename)
    *dot = '\0';
  return g_strdelimit (g_steal_pointer (&basename), "_", ' ');
}

static void
on_videos_chosen_cb (GtkWidget  *widget,
                     GListModel *files)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);

  if (self->queue == NULL || self->workout_id <= 0)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (files); i++) {
    g_autoptr(GFile) file = g_list_model_get_item (files, i);
    g_autofree char *title = title_from_file (file);
    g_autoptr(GError) error = NULL;

    if (fc_upload_queue_add (self->queue, file, self->workout_id, title, "", FALSE, &error) == NULL)
      toast_error (self, error);
  }
}

static GtkFileFilter *
video_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Videos"));
  gtk_file_filter_add_mime_type (filter, "video/*");
  return filter;
}

static void
add_videos_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  g_autoptr(GtkFileFilter) filter = video_filter ();

  fc_admin_choose_files (widget, _("Add Videos"), _("_Add"), filter, TRUE, on_videos_chosen_cb);
}

/* Thumbnail */

static void
on_thumbnail_saved_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) workout = fc_admin_service_workout_finish (FC_ADMIN_SERVICE (source),
                                                                   result, &error);

  if (workout == NULL) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    /* Translators: %s is the server's reason. */
    g_autofree char *message = g_strdup_printf (_("The thumbnail was not saved: %s"),
                                                error->message);

    toast (self, message);
    return;
  }
  toast (self, _("Thumbnail saved"));
}

static void
send_thumbnail (FcAdminContentPage *self,
                GBytes             *image,
                const char         *content_type)
{
  fc_admin_service_set_thumbnail_async (self->service, self->workout_id, image, content_type,
                                        self->editor_cancellable, on_thumbnail_saved_cb,
                                        g_object_ref (self));
}

static void
on_frame_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = fc_admin_frame_grab_finish (result, NULL, &error);
  g_autoptr(GdkTexture) texture = NULL;

  if (pixbuf == NULL) {
    toast_error (self, error);
    return;
  }
  g_set_object (&self->frame_pixbuf, pixbuf);
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_picture_set_paintable (self->thumbnail_picture, GDK_PAINTABLE (texture));
  gtk_widget_set_sensitive (GTK_WIDGET (self->frame_scale), TRUE);
  update_actions (self);
}

static void
grab_frame (FcAdminContentPage *self)
{
  if (self->frame_file == NULL)
    return;
  g_cancellable_cancel (self->frame_cancellable);
  g_clear_object (&self->frame_cancellable);
  self->frame_cancellable = g_cancellable_new ();
  fc_admin_frame_grab_async (self->frame_file, gtk_range_get_value (GTK_RANGE (self->frame_scale)),
                             self->frame_cancellable, on_frame_cb, g_object_ref (self));
}

static gboolean
on_frame_timeout_cb (gpointer user_data)
{
  FcAdminContentPage *self = user_data;

  self->frame_timeout_id = 0;
  grab_frame (self);
  return G_SOURCE_REMOVE;
}

static void
on_frame_scale_changed_cb (FcAdminContentPage *self)
{
  /* One pipeline when the slider rests, not one per pixel it moved. */
  g_clear_handle_id (&self->frame_timeout_id, g_source_remove);
  if (self->frame_file != NULL)
    self->frame_timeout_id = g_timeout_add (300, on_frame_timeout_cb, self);
}

static void
on_frame_video_chosen_cb (GtkWidget  *widget,
                          GListModel *files)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);

  g_clear_object (&self->frame_file);
  self->frame_file = g_list_model_get_item (files, 0);
  grab_frame (self);
}

static void
choose_frame_video_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  g_autoptr(GtkFileFilter) filter = video_filter ();

  fc_admin_choose_files (widget, _("Take a Frame From a Video"), _("_Open"), filter, FALSE,
                         on_frame_video_chosen_cb);
}

static void
use_frame_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (self->frame_pixbuf == NULL || self->workout_id <= 0)
    return;
  bytes = fc_admin_frame_to_png (self->frame_pixbuf, &error);
  if (bytes == NULL) {
    toast_error (self, error);
    return;
  }
  send_thumbnail (self, bytes, "image/png");
}

static void
on_image_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FcAdminContentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autoptr(GdkTexture) texture = NULL;
  const guint8 *data;
  gsize size = 0;

  if (bytes == NULL) {
    toast_error (self, error);
    return;
  }
  data = g_bytes_get_data (bytes, &size);
  texture = gdk_texture_new_from_bytes (bytes, NULL);
  if (texture != NULL)
    gtk_picture_set_paintable (self->thumbnail_picture, GDK_PAINTABLE (texture));
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    send_thumbnail (self, bytes, "image/png");
  else if (size >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    send_thumbnail (self, bytes, "image/jpeg");
  else
    toast (self, _("Choose a PNG or JPEG image."));
}

static void
on_image_chosen_cb (GtkWidget  *widget,
                    GListModel *files)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);
  g_autoptr(GFile) file = g_list_model_get_item (files, 0);

  g_file_load_bytes_async (file, self->editor_cancellable, on_image_loaded_cb,
                           g_object_ref (self));
}

static void
choose_image_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PNG and JPEG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  fc_admin_choose_files (widget, _("Choose a Thumbnail"), _("_Open"), filter, FALSE,
                         on_image_chosen_cb);
}

/* GtkWidget */

static void
fc_admin_content_page_map (GtkWidget *widget)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (widget);

  GTK_WIDGET_CLASS (fc_admin_content_page_parent_class)->map (widget);
  if (!self->loaded)
    reload_workouts (self);
}

static void
fc_admin_content_page_dispose (GObject *object)
{
  FcAdminContentPage *self = FC_ADMIN_CONTENT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->editor_cancellable);
  reset_frame (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->editor_cancellable);
  g_clear_object (&self->service);
  g_clear_object (&self->queue);
  g_clear_pointer (&self->categories, json_array_unref);
  g_clear_pointer (&self->workout, json_object_unref);
  g_clear_pointer (&self->video_ids, g_array_unref);
  g_clear_object (&self->uploads);
  g_clear_object (&self->upload_filter);
  /* The bin lets go of its child first: gtk_widget_dispose_template()
   * unparents the bound toast_overlay behind AdwBin's back, and AdwBin's
   * own dispose then unparented a freed widget (a critical at quit). */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_ADMIN_CONTENT_PAGE);

  G_OBJECT_CLASS (fc_admin_content_page_parent_class)->dispose (object);
}

static void
fc_admin_content_page_class_init (FcAdminContentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_admin_content_page_dispose;
  widget_class->map = fc_admin_content_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/admin/fc-admin-content-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, workouts_list);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, title_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, description_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, category_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, difficulty_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, goals_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, premium_switch);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, published_switch);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, videos_group);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, videos_list);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, uploads_group);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, uploads_list);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, thumbnail_group);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, thumbnail_picture);
  gtk_widget_class_bind_template_child (widget_class, FcAdminContentPage, frame_scale);
  gtk_widget_class_bind_template_callback (widget_class, on_frame_scale_changed_cb);

  gtk_widget_class_install_action (widget_class, "admin-content.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "admin-content.new-workout", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "admin-content.save-workout", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "admin-content.delete-workout", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "admin-content.add-videos", NULL, add_videos_action);
  gtk_widget_class_install_action (widget_class, "admin-content.choose-frame-video", NULL,
                                   choose_frame_video_action);
  gtk_widget_class_install_action (widget_class, "admin-content.choose-image", NULL,
                                   choose_image_action);
  gtk_widget_class_install_action (widget_class, "admin-content.use-frame", NULL, use_frame_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "admin-content.new-workout", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "admin-content.save-workout", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, GDK_ALT_MASK, move_focused_video,
                                "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, GDK_ALT_MASK, move_focused_video,
                                "i", 1);
}

static void
fc_admin_content_page_init (FcAdminContentPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->editor_cancellable = g_cancellable_new ();
  self->video_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->upload_filter = gtk_custom_filter_new (upload_filter_func, self, NULL);
  self->uploads = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->upload_filter)));
  gtk_list_box_bind_model (self->uploads_list, G_LIST_MODEL (self->uploads), upload_row_new, self,
                           NULL);
  g_signal_connect_object (self->uploads, "items-changed", G_CALLBACK (on_uploads_changed_cb),
                           self, G_CONNECT_SWAPPED);
  on_uploads_changed_cb (self);
  g_signal_connect_object (self->workouts_list, "row-activated",
                           G_CALLBACK (on_workout_activated_cb), self, G_CONNECT_SWAPPED);
  update_actions (self);
}

void
fc_admin_content_page_set_service (FcAdminContentPage *self,
                                   FcAdminService     *service,
                                   FcUploadQueue      *queue)
{
  GtkWidget *child;

  g_return_if_fail (FC_IS_ADMIN_CONTENT_PAGE (self));
  g_return_if_fail (service == NULL || FC_IS_ADMIN_SERVICE (service));
  g_return_if_fail (queue == NULL || FC_IS_UPLOAD_QUEUE (queue));

  if (service == self->service && queue == self->queue)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->editor_cancellable);
  g_clear_object (&self->editor_cancellable);
  self->editor_cancellable = g_cancellable_new ();
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_set_object (&self->service, service);
  g_set_object (&self->queue, queue);
  if (service != NULL)
    g_signal_connect_object (service, "changed::" FC_STORE_ADMIN_WORKOUTS,
                             G_CALLBACK (on_kept_workouts_changed_cb), self, G_CONNECT_SWAPPED);
  if (queue != NULL)
    g_signal_connect_object (queue, "completed", G_CALLBACK (on_upload_completed_cb), self,
                             G_CONNECT_SWAPPED);
  gtk_filter_list_model_set_model (self->uploads, queue != NULL ? G_LIST_MODEL (queue) : NULL);

  g_clear_pointer (&self->categories, json_array_unref);
  g_clear_pointer (&self->workout, json_object_unref);
  self->editing = FALSE;
  self->workout_id = 0;
  self->loaded = FALSE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->workouts_list))) != NULL)
    gtk_list_box_remove (self->workouts_list, child);
  gtk_stack_set_visible_child_name (self->editor_stack, "none");
  update_actions (self);
  if (service != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload_workouts (self);
}

gboolean
fc_admin_content_page_go_back (FcAdminContentPage *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_CONTENT_PAGE (self), FALSE);

  if (!adw_leaflet_get_folded (self->leaflet) ||
      g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "list") == 0)
    return FALSE;
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  return TRUE;
}
