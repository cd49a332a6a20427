/* fc-today-page.c — the day at a glance: today's meals, the workout to
 * continue, the week, weight and steps, unread notifications, sync state,
 * refused changes and the profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-today-page"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "fc-today-page.h"

#include "fc-application.h"
#include "fc-gstreamer.h"
#include "fc-health-entry-dialog.h"
#include "fc-health-ui.h"
#include "fc-json.h"
#include "fc-meal-time.h"
#include "fc-outbox-model.h"
#include "fc-outbox-row.h"
#include "fc-plan-calendar.h"
#include "fc-player-window.h"
#include "fc-profile-format.h"
#include "fc-settings.h"
#include "fc-store-health.h"
#include "fc-time.h"
#include "fc-today-summary.h"
#include "fc-window.h"
#include "fc-workout-format.h"

/* Everything here is read from the store, never from the network: the page
 * looks the same offline, and refreshes when the store says it changed
 * (and at local midnight, when "today" moves on). The numbers come from
 * FcTodaySummary; this file only shows them. Cards for sections the server
 * does not offer (Django has no workouts or health) are hidden. */
struct _FcTodayPage
{
  AdwBin          parent_instance;

  /* Template widgets */
  AdwAvatar      *avatar;
  GtkLabel       *greeting_label;
  GtkLabel       *account_label;
  AdwActionRow   *sync_row;
  GtkImage       *sync_icon;
  GtkProgressBar *sync_progress;
  GtkWidget      *attention_group;
  GtkListBox     *attention_list;
  GtkLabel       *age_label;
  GtkLabel       *weight_label;
  GtkLabel       *height_label;
  GtkLabel       *gender_label;
  GtkLabel       *goal_label;
  GtkFlowBox     *cards;
  GtkLabel       *date_label;
  GtkWidget      *meals_group;
  GtkWidget      *meals_box;
  GtkListBox     *meals_list;
  GtkBox         *macros_box;
  GtkWidget      *meals_empty;
  GtkLabel       *meals_empty_label;
  GtkWidget      *meals_empty_button;
  GtkWidget      *workouts_group;
  GtkWidget      *resume_box;
  GtkPicture     *resume_picture;
  GtkLabel       *resume_title;
  GtkLabel       *resume_subtitle;
  GtkButton      *resume_button;
  GtkWidget      *week_list;
  GtkLabel       *week_label;
  GtkLabel       *streak_label;
  GtkWidget      *workouts_empty;
  GtkLabel       *workouts_empty_label;
  GtkWidget      *health_group;
  GtkWidget      *health_list;
  GtkWidget      *weight_row;
  GtkDrawingArea *sparkline;
  GtkLabel       *weight_value;
  GtkWidget      *steps_row;
  GtkLevelBar    *steps_bar;
  GtkWidget      *health_empty;
  GtkLabel       *health_empty_label;
  GtkWidget      *notifications_group;
  AdwActionRow   *notifications_row;

  /* Owned */
  FcTodaySummary *summary;       /* what the cards show */
  GCancellable   *summary_cancellable;
  char           *thumbnail_url; /* the resume card's picture */
  guint           reload_id;     /* an idle that reloads the summary once */
  guint           midnight_id;
  guint           unread_count;
  FcSession      *session;
  GSignalGroup   *store_signals;
  GSignalGroup   *engine_signals;
  FcOutboxModel  *attention_model;
  GCancellable   *cancellable;   /* the reads of the current store */
  char           *photo_uri;     /* the photo on show */
};

G_DEFINE_FINAL_TYPE (FcTodayPage, fc_today_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_UNREAD_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static FcStore *
get_store (FcTodayPage *self)
{
  return self->session != NULL ? fc_session_get_store (self->session) : NULL;
}

static void
set_value (GtkLabel   *label,
           const char *text)
{
  /* Not set is said quietly, so real values stand out. */
  gtk_label_set_text (label, text != NULL ? text : _("Not set"));
  if (text != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
}

/* The picture g_file_load_bytes_async() read, or NULL (said at debug
 * level: a missing picture is shown as none); *out_cancelled when the
 * read was cancelled and nothing should change. */
static GdkTexture *
load_texture_finish (GObject      *object,
                     GAsyncResult *result,
                     const char   *what,
                     gboolean     *out_cancelled)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = NULL;

  bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  if (bytes != NULL)
    texture = gdk_texture_new_from_bytes (bytes, &error);
  *out_cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (texture == NULL && !*out_cancelled)
    g_debug ("No %s: %s", what, error->message);
  return texture;
}

static void
photo_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  gboolean cancelled;
  g_autoptr(GdkTexture) texture = load_texture_finish (object, result, "profile photo",
                                                       &cancelled);

  if (!cancelled)
    adw_avatar_set_custom_image (self->avatar, GDK_PAINTABLE (texture));
}

/* The store keeps a downloaded photo at "img_path"; a photo picked here and
 * not uploaded yet is a file:// URI in "img". */
static void
fc_today_page_show_photo (FcTodayPage *self,
                          JsonObject  *profile)
{
  const char *img_path = profile != NULL ? fc_json_get_string (profile, "img_path") : NULL;
  const char *img = profile != NULL ? fc_json_get_string (profile, "img") : NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;

  if (img_path != NULL)
    uri = g_filename_to_uri (img_path, NULL, NULL);
  else if (img != NULL && g_str_has_prefix (img, "file://"))
    uri = g_strdup (img);

  if (g_strcmp0 (self->photo_uri, uri) == 0)
    return;

  g_free (self->photo_uri);
  self->photo_uri = g_steal_pointer (&uri);

  if (self->photo_uri == NULL) {
    adw_avatar_set_custom_image (self->avatar, NULL);
    return;
  }

  file = g_file_new_for_uri (self->photo_uri);
  g_file_load_bytes_async (file, self->cancellable, photo_loaded_cb, g_object_ref (self));
}

static void
profile_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *age = NULL;
  g_autofree char *weight = NULL;
  g_autofree char *height = NULL;

  profile = fc_store_get_object_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (profile == NULL && !g_error_matches (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND))
    g_warning ("Cannot read the profile: %s", error->message);

  age = fc_profile_format_age (profile);
  weight = fc_profile_format_weight (profile);
  height = fc_profile_format_height (profile);
  set_value (self->age_label, age);
  set_value (self->weight_label, weight);
  set_value (self->height_label, height);
  set_value (self->gender_label, fc_profile_format_gender (profile));
  set_value (self->goal_label, profile != NULL ? fc_json_get_string (profile, "fitness_goal")
                                               : NULL);
  fc_today_page_show_photo (self, profile);
}

static void
fc_today_page_show_names (FcTodayPage *self,
                          const char  *first_name,
                          const char  *last_name,
                          const char  *email)
{
  g_autofree char *greeting = NULL;
  g_autofree char *full_name = NULL;

  if (first_name != NULL && *first_name != '\0')
    /* Translators: %s is the user's first name. */
    greeting = g_strdup_printf (_("Hello, %s"), first_name);
  else
    greeting = g_strdup (_("Hello"));

  full_name = g_strstrip (g_strdup_printf ("%s %s", first_name ? first_name : "",
                                           last_name ? last_name : ""));
  gtk_label_set_text (self->greeting_label, greeting);
  /* The private server's made-up address would only puzzle. */
  if (self->session != NULL && fc_session_is_local (self->session))
    gtk_label_set_text (self->account_label, _("On this computer only"));
  else
    gtk_label_set_text (self->account_label, email != NULL ? email : "");
  adw_avatar_set_text (self->avatar, *full_name != '\0' ? full_name : email);
}

static void
account_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(GError) error = NULL;

  account = fc_store_get_object_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Before the first pull the store has no account yet: the session knows
   * the names the server gave at sign-in. */
  if (account == NULL) {
    g_autofree char *first_name = NULL;
    g_autofree char *last_name = NULL;

    if (self->session == NULL)
      return;
    g_object_get (self->session, "first-name", &first_name, "last-name", &last_name, NULL);
    fc_today_page_show_names (self, first_name, last_name, fc_session_get_account (self->session));
    return;
  }

  fc_today_page_show_names (self,
                            fc_json_get_string (account, "first_name"),
                            fc_json_get_string (account, "last_name"),
                            fc_json_get_string (account, "email"));
}

static void
fc_today_page_load_profile (FcTodayPage *self)
{
  FcStore *store = get_store (self);

  if (store != NULL)
    fc_store_get_object_async (store, FC_STORE_PROFILE, 0, self->cancellable, profile_loaded_cb,
                               g_object_ref (self));
}

static void
fc_today_page_load_account (FcTodayPage *self)
{
  FcStore *store = get_store (self);

  if (store != NULL)
    fc_store_get_object_async (store, FC_STORE_ACCOUNT, 0, self->cancellable, account_loaded_cb,
                               g_object_ref (self));
}

static const char *
sync_icon_name (FcSyncState state)
{
  switch (state) {
    case FC_SYNC_STATE_SYNCED:
      return "emblem-ok-symbolic";
    case FC_SYNC_STATE_SYNCING:
    case FC_SYNC_STATE_PENDING:
      return "emblem-synchronizing-symbolic";
    case FC_SYNC_STATE_OFFLINE:
      return "network-offline-symbolic";
    case FC_SYNC_STATE_NEEDS_ATTENTION:
      return "dialog-warning-symbolic";
    default:
      return "emblem-synchronizing-symbolic";
  }
}

static char *
describe_last_sync (FcSyncEngine *engine)
{
  const char *last_error = fc_sync_engine_get_last_error (engine);
  gint64 last_synced = fc_sync_engine_get_last_synced (engine);
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *time = NULL;

  if (last_error != NULL && fc_sync_engine_get_state (engine) != FC_SYNC_STATE_SYNCED)
    return g_strdup (last_error);
  if (last_synced <= 0)
    return g_strdup (_("Not synced yet"));

  when = g_date_time_new_from_unix_local (last_synced);
  time = g_date_time_format (when, "%X");
  /* Translators: %s is a time of day. */
  return g_strdup_printf (_("Last synced at %s"), time);
}

static void
fc_today_page_update_sync (FcTodayPage *self)
{
  FcSyncEngine *engine = g_signal_group_dup_target (self->engine_signals);
  g_autofree char *description = NULL;
  g_autofree char *subtitle = NULL;
  FcSyncState state;

  if (engine == NULL) {
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sync_row), "");
    gtk_widget_set_visible (GTK_WIDGET (self->sync_progress), FALSE);
    return;
  }

  state = fc_sync_engine_get_state (engine);
  description = fc_sync_engine_describe_state (engine);
  subtitle = describe_last_sync (engine);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sync_row), description);
  adw_action_row_set_subtitle (self->sync_row, subtitle);
  gtk_image_set_from_icon_name (self->sync_icon, sync_icon_name (state));
  gtk_widget_set_visible (GTK_WIDGET (self->sync_progress), state == FC_SYNC_STATE_SYNCING);
  gtk_progress_bar_set_fraction (self->sync_progress, fc_sync_engine_get_progress (engine));

  g_object_unref (engine);
}

static void
on_attention_items_changed_cb (FcTodayPage *self)
{
  gboolean any = self->attention_model != NULL &&
                 g_list_model_get_n_items (G_LIST_MODEL (self->attention_model)) > 0;

  gtk_widget_set_visible (self->attention_group, any);
}

/* A boxed list rather than a GtkListView: these few rows wrap the server's
 * message over several lines, which GTK 4.8's list view cuts short. */
static GtkWidget *
create_attention_row (gpointer item,
                      gpointer user_data)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *child = g_object_new (FC_TYPE_OUTBOX_ROW, "item", item, NULL);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), child);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* The row says what it is about, for screen readers. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  fc_outbox_row_get_summary (FC_OUTBOX_ROW (child)),
                                  -1);
  return row;
}

/* ---- The dashboard ---- */

static gboolean
has_section (FcTodayPage *self,
             const char  *section)
{
  return self->session != NULL && fc_session_has_section (self->session, section);
}

static GtkWindow *
get_window (FcTodayPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
remove_children (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL) {
    if (GTK_IS_LIST_BOX (box))
      gtk_list_box_remove (GTK_LIST_BOX (box), child);
    else
      gtk_box_remove (GTK_BOX (box), child);
  }
}

/* A bar that fills toward a target and keeps one colour: the stock
 * offsets would paint an early-morning day as a warning. */
static GtkWidget *
create_target_bar (double value,
                   double target)
{
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, MAX (target, 1));

  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (value, 0, MAX (target, 1)));
  return bar;
}

static const char *
macro_unit (FcPlanMacro macro)
{
  /* Translators: the unit of calories, and of protein, carbohydrates and fat. */
  return macro == FC_PLAN_MACRO_CALORIES ? _("kcal") : _("g");
}

static void
show_meals (FcTodayPage  *self,
            FcPlanLayout *plan,
            guint         day)
{
  g_autofree char *description = NULL;
  guint n = fc_plan_layout_get_n_entries (plan, day);

  /* Translators: a plan's name, the day of the plan and its length. */
  description = g_strdup_printf (_("%s · day %u of %u"), fc_plan_layout_get_name (plan), day,
                                 fc_plan_layout_get_n_days (plan));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->meals_group), description);

  remove_children (GTK_WIDGET (self->meals_list));
  for (guint i = 0; i < n; i++) {
    const FcPlanEntry *entry = fc_plan_layout_get_entry (plan, day, i);
    GtkWidget *row = adw_action_row_new ();
    g_autofree char *kcal = NULL;
    GtkWidget *label;

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                   *entry->name != '\0' ? entry->name : _("Unnamed meal"));
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fc_meal_time_get_label (entry->meal_time));
    /* Translators: a meal's energy, e.g. "420 kcal". */
    kcal = g_strdup_printf (_("%'.0f kcal"), entry->values[FC_PLAN_MACRO_CALORIES]);
    label = gtk_label_new (kcal);
    gtk_widget_add_css_class (label, "numeric");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    gtk_list_box_append (self->meals_list, row);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->meals_list), n > 0);

  remove_children (GTK_WIDGET (self->macros_box));
  for (FcPlanMacro macro = 0; macro < FC_PLAN_N_MACROS; macro++) {
    double total = fc_plan_layout_get_total (plan, day, macro);
    double target = 0;
    gboolean has_target = fc_plan_layout_get_target (plan, macro, &target);
    GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *name = gtk_label_new (fc_plan_macro_get_label (macro));
    GtkWidget *amount;
    g_autofree char *text = NULL;
    g_autofree char *spoken = NULL;

    if (has_target)
      /* Translators: today's total, the daily target and their unit: "1,840 / 2,000 kcal". */
      text = g_strdup_printf (_("%'.0f / %'.0f %s"), total, target, macro_unit (macro));
    else
      text = g_strdup_printf ("%'.0f %s", total, macro_unit (macro));
    amount = gtk_label_new (text);
    gtk_widget_add_css_class (amount, "numeric");
    gtk_label_set_xalign (GTK_LABEL (name), 0);
    gtk_widget_set_hexpand (name, TRUE);
    if (macro == FC_PLAN_MACRO_CALORIES)
      gtk_widget_add_css_class (name, "heading");
    gtk_box_append (GTK_BOX (line), name);
    gtk_box_append (GTK_BOX (line), amount);
    gtk_box_append (self->macros_box, line);

    if (has_target) {
      GtkWidget *bar = create_target_bar (total, target);

      /* Translators: a macro, today's planned total, the target and the unit. */
      spoken = g_strdup_printf (_("%s: %'.0f of %'.0f %s planned"), fc_plan_macro_get_label (macro),
                                total, target, macro_unit (macro));
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                      -1);
      gtk_box_append (self->macros_box, bar);
    }
    gtk_widget_set_name (amount, macro == FC_PLAN_MACRO_CALORIES ? "today-calories" : "");
  }
}

static void
show_plan_card (FcTodayPage *self)
{
  FcPlanLayout *plan = fc_today_summary_get_plan (self->summary);

  gtk_widget_set_visible (self->meals_box, plan != NULL);
  gtk_widget_set_visible (self->meals_empty, plan == NULL);
  if (plan != NULL) {
    show_meals (self, plan, fc_today_summary_get_plan_day (self->summary));
    return;
  }

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->meals_group), NULL);
  gtk_label_set_text (self->meals_empty_label,
                      fc_today_summary_has_any_plan (self->summary)
                      ? _("None of your meal plans covers today.")
                      : _("No meal plan yet. A generated plan fits your profile’s goal."));
}

static void
thumbnail_bytes_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  gboolean cancelled;
  g_autoptr(GdkTexture) texture = load_texture_finish (object, result, "thumbnail", &cancelled);

  if (texture != NULL)
    gtk_picture_set_paintable (self->resume_picture, GDK_PAINTABLE (texture));
}

static void
thumbnail_fetched_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  /* Offline and not cached: the card goes without a picture. */
  file = fc_session_fetch_media_finish (FC_SESSION (object), result, &error);
  if (file != NULL)
    g_file_load_bytes_async (file, self->cancellable, thumbnail_bytes_cb, g_object_ref (self));
}

static void
show_thumbnail (FcTodayPage *self,
                const char  *url)
{
  if (g_strcmp0 (url, self->thumbnail_url) == 0)
    return;
  g_free (self->thumbnail_url);
  self->thumbnail_url = g_strdup (url);
  gtk_picture_set_paintable (self->resume_picture, NULL);
  if (url != NULL && self->session != NULL)
    fc_session_fetch_media_async (self->session, url, self->cancellable, thumbnail_fetched_cb,
                                  g_object_ref (self));
}

static void
show_workouts_card (FcTodayPage *self)
{
  FcWorkoutItem *resume = fc_today_summary_get_resume (self->summary);
  guint week = fc_today_summary_get_week_completed (self->summary);
  guint streak = fc_today_summary_get_streak (self->summary);
  gboolean any = fc_today_summary_get_n_workouts (self->summary) > 0;
  g_autofree char *week_text = NULL;
  g_autofree char *streak_text = NULL;

  gtk_widget_set_visible (self->workouts_group, has_section (self, "workouts"));
  gtk_widget_set_visible (self->resume_box, resume != NULL);
  gtk_widget_set_visible (self->week_list, any);
  gtk_widget_set_visible (self->workouts_empty, resume == NULL);
  gtk_label_set_text (self->workouts_empty_label,
                      any ? _("Nothing to continue. Pick a workout to start one.")
                          : _("No workouts here yet. Browse the library when you are online."));

  /* Translators: workouts completed since the week began. */
  week_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u workout", "%u workouts", week),
                               week);
  gtk_label_set_text (self->week_label, week_text);
  /* Translators: consecutive days with a completed workout. */
  streak_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", streak),
                                 streak);
  gtk_label_set_text (self->streak_label, streak_text);

  if (resume != NULL) {
    g_autofree char *clock = fc_workout_format_clock (fc_workout_item_get_position (resume));
    g_autofree char *button = NULL;
    g_autofree char *done = NULL;
    g_autofree char *spoken = NULL;

    gtk_label_set_text (self->resume_title, fc_workout_item_get_title (resume));
    /* Translators: how much of a workout is done, e.g. "45 % done". */
    done = g_strdup_printf (_("%.0f %% done"), fc_workout_item_get_progress (resume));
    gtk_label_set_text (self->resume_subtitle, done);
    /* Translators: %s is a position in the video, e.g. "12:34". */
    button = g_strdup_printf (_("Continue at %s"), clock);
    gtk_button_set_label (self->resume_button, button);
    /* Translators: the workout's title and the position to continue from. */
    spoken = g_strdup_printf (_("Continue %s at %s"), fc_workout_item_get_title (resume), clock);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->resume_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    show_thumbnail (self, fc_workout_item_get_thumbnail_url (resume));
  }
}

static void
draw_sparkline (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  FcTodayPage *self = user_data;
  const double *days;
  double low = INFINITY, high = -INFINITY;
  gboolean started = FALSE;
  GdkRGBA color;

  if (self->summary == NULL)
    return;
  days = fc_today_summary_get_weight_days (self->summary);
  for (guint i = 0; i < FC_TODAY_WEIGHT_DAYS; i++) {
    if (isnan (days[i]))
      continue;
    low = MIN (low, days[i]);
    high = MAX (high, days[i]);
  }
  if (!isfinite (low))
    return;
  /* A flat line sits in the middle rather than on an edge. */
  if (high - low < 0.1) {
    low -= 0.5;
    high += 0.5;
  }

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 2);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < FC_TODAY_WEIGHT_DAYS; i++) {
    double x, y;

    if (isnan (days[i]))
      continue;
    x = 2 + (width - 4) * (double) i / (FC_TODAY_WEIGHT_DAYS - 1);
    y = 2 + (height - 4) * (1 - (days[i] - low) / (high - low));
    if (!started)
      cairo_move_to (cr, x, y);
    else
      cairo_line_to (cr, x, y);
    started = TRUE;
  }
  cairo_stroke (cr);
}

static void
show_health_card (FcTodayPage *self)
{
  double latest, change, steps, goal;
  gint64 at;
  gboolean has_weight = fc_today_summary_get_weight (self->summary, &latest, &at, &change);
  gboolean has_steps = fc_today_summary_get_steps (self->summary, &steps, &goal);

  gtk_widget_set_visible (self->health_group, has_section (self, "health"));
  gtk_widget_set_visible (self->health_list, has_weight || has_steps);
  gtk_widget_set_visible (self->weight_row, has_weight);
  gtk_widget_set_visible (self->steps_row, has_steps);
  gtk_widget_set_visible (self->health_empty, !has_weight);
  gtk_label_set_text (self->health_empty_label,
                      _("No weigh-ins yet. Your weight trend shows here once you add one."));

  if (has_weight) {
    g_autofree char *value = fc_health_ui_format ("weight", latest);
    g_autofree char *subtitle = NULL;
    g_autofree char *spoken = NULL;

    gtk_label_set_text (self->weight_value, value);
    if (!isnan (change)) {
      g_autofree char *difference = fc_health_ui_format_change ("weight", change);

      /* Translators: a weight change, e.g. "−1.2 kg in 30 days". */
      subtitle = g_strdup_printf (_("%s in 30 days"), difference);
    } else {
      g_autofree char *when = fc_health_ui_format_time (at);

      /* Translators: %s is a date and time. */
      subtitle = g_strdup_printf (_("Last weighed %s"), when);
    }
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->weight_row), subtitle);
    /* Translators: the latest weight and its change, for screen readers. */
    spoken = g_strdup_printf (_("Weight over the last 30 days, now %s, %s"), value, subtitle);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->sparkline),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    gtk_widget_queue_draw (GTK_WIDGET (self->sparkline));
  }

  if (has_steps) {
    g_autofree char *count = fc_health_ui_format ("steps", steps);
    g_autofree char *subtitle = NULL;

    if (!isnan (goal)) {
      g_autofree char *target = fc_health_ui_format ("steps", goal);

      /* Translators: today's steps and the daily goal: "4,210 of 8,000 steps". */
      subtitle = g_strdup_printf (_("%s of %s"), count, target);
      gtk_level_bar_set_max_value (self->steps_bar, goal);
      gtk_level_bar_set_value (self->steps_bar, MIN (steps, goal));
    } else {
      subtitle = g_strdup (count);
    }
    gtk_widget_set_visible (GTK_WIDGET (self->steps_bar), !isnan (goal));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->steps_row), subtitle);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->steps_bar),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, subtitle, -1);
  }
}

static void
show_notifications_card (FcTodayPage *self)
{
  g_autofree char *subtitle = NULL;

  gtk_widget_set_visible (self->notifications_group, has_section (self, "notifications"));
  if (self->unread_count == 0)
    subtitle = g_strdup (_("All read"));
  else
    /* Translators: unread notifications. */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unread", "%u unread",
                                             self->unread_count), self->unread_count);
  adw_action_row_set_subtitle (self->notifications_row, subtitle);
}

static void
show_date (FcTodayPage *self)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *text = NULL;
  GDate today;

  fc_time_get_today (&today);
  date = g_date_time_new_local (g_date_get_year (&today), g_date_get_month (&today),
                                g_date_get_day (&today), 12, 0, 0);
  /* Translators: today's date as the header shows it (strftime). */
  text = g_date_time_format (date, _("%A, %-d %B"));
  gtk_label_set_text (self->date_label, g_strstrip (text));
}

static void
summary_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  g_autoptr(FcTodaySummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = fc_today_summary_load_finish (result, &error);
  if (summary == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Cannot read today’s summary: %s", error->message);
    return;
  }

  g_set_object (&self->summary, summary);
  show_date (self);
  show_plan_card (self);
  show_workouts_card (self);
  show_health_card (self);
  show_notifications_card (self);
}

static void
fc_today_page_load_summary (FcTodayPage *self)
{
  FcStore *store = get_store (self);
  GDate today;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);
  self->summary_cancellable = g_cancellable_new ();
  if (store == NULL)
    return;

  fc_time_get_today (&today);
  fc_today_summary_load_async (store, &today, NULL, fc_plan_calendar_get_locale_week_start (),
                               self->summary_cancellable, summary_loaded_cb,
                               g_object_ref (self));
}

static gboolean
reload_cb (gpointer user_data)
{
  FcTodayPage *self = user_data;

  self->reload_id = 0;
  fc_today_page_load_summary (self);
  return G_SOURCE_REMOVE;
}

/* A pull changes several tables in a row: one read after them all. */
static void
fc_today_page_queue_reload (FcTodayPage *self)
{
  if (self->reload_id == 0)
    self->reload_id = g_idle_add_full (G_PRIORITY_LOW, reload_cb, self, NULL);
}

static void fc_today_page_schedule_midnight (FcTodayPage *self);

static gboolean
midnight_cb (gpointer user_data)
{
  FcTodayPage *self = user_data;

  self->midnight_id = 0;
  fc_today_page_load_summary (self);
  fc_today_page_schedule_midnight (self);
  return G_SOURCE_REMOVE;
}

/* A timeout to the next local midnight (a second after, so the clock is
 * surely on the new day); set again each time, so a DST change or a new
 * time zone moves it. */
static void
fc_today_page_schedule_midnight (FcTodayPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (tomorrow),
                                                         g_date_time_get_month (tomorrow),
                                                         g_date_time_get_day_of_month (tomorrow),
                                                         0, 0, 0);
  GTimeSpan until = g_date_time_difference (midnight, now);

  g_clear_handle_id (&self->midnight_id, g_source_remove);
  self->midnight_id = g_timeout_add_seconds (MAX (until / G_USEC_PER_SEC, 0) + 1, midnight_cb,
                                             self);
}

static void
on_player_ready_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  g_autoptr(GError) error = NULL;
  FcWorkoutItem *item;

  if (!fc_gstreamer_init_finish (result, &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("GStreamer cannot start, the workout cannot play: %s", error->message);
    return;
  }
  item = self->summary != NULL ? fc_today_summary_get_resume (self->summary) : NULL;
  if (item != NULL && self->session != NULL) {
    GApplication *app = g_application_get_default ();
    GtkWidget *window;

    /* G_MAXUINT: where the user left off, position included. */
    window = fc_player_window_new (GTK_APPLICATION (app), self->session,
                                   fc_application_get_downloads (FC_APPLICATION (app)), item,
                                   G_MAXUINT);
    gtk_window_present (GTK_WINDOW (window));
  }
}

static void
continue_workout_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FcTodayPage *self = FC_TODAY_PAGE (widget);

  /* Usually ready long before; otherwise the player opens when it is. Not
   * the summary's cancellable: a sync reloading the summary meanwhile must
   * not swallow the click. */
  fc_gstreamer_init_async (self->cancellable, on_player_ready_cb, g_object_ref (self));
}

static void
add_weigh_in_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcTodayPage *self = FC_TODAY_PAGE (widget);

  /* Saved into the store, which says so: the card refreshes itself. */
  if (self->session != NULL)
    gtk_window_present (GTK_WINDOW (fc_health_entry_dialog_new (get_window (self), self->session,
                                                                 "weight", NULL)));
}

static void
on_session_sections_changed_cb (FcTodayPage *self)
{
  if (self->summary == NULL)
    return;
  show_workouts_card (self);
  show_health_card (self);
  show_notifications_card (self);
}

/* The profile and the weight read in the Health units: a new choice in
 * Preferences shows at once, not at the next change of the store. */
static void
on_units_changed_cb (FcTodayPage *self)
{
  fc_today_page_load_profile (self);
  if (self->summary != NULL)
    show_health_card (self);
}

static void
on_session_store_changed_cb (FcTodayPage *self)
{
  FcStore *store = get_store (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_signal_group_set_target (self->store_signals, store);
  /* The thumbnail's load was cancelled with the old store's reads. */
  g_clear_pointer (&self->thumbnail_url, g_free);

  if (self->attention_model != NULL)
    g_signal_handlers_disconnect_by_data (self->attention_model, self);
  g_clear_object (&self->attention_model);
  if (store != NULL) {
    self->attention_model = fc_outbox_model_new (store, TRUE);
    g_signal_connect_swapped (self->attention_model, "items-changed",
                              G_CALLBACK (on_attention_items_changed_cb), self);
  }
  gtk_list_box_bind_model (self->attention_list, G_LIST_MODEL (self->attention_model),
                           create_attention_row, NULL, NULL);
  on_attention_items_changed_cb (self);

  fc_today_page_load_account (self);
  fc_today_page_load_profile (self);
  fc_today_page_load_summary (self);
}

static void
on_session_sync_engine_changed_cb (FcTodayPage *self)
{
  g_signal_group_set_target (self->engine_signals,
                             self->session != NULL ? fc_session_get_sync_engine (self->session)
                                                   : NULL);
  fc_today_page_update_sync (self);
}

static void
outbox_retried_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_store_outbox_retry_finish (FC_STORE (object), result, &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Cannot retry a change: %s", error->message);
    return;
  }
  /* The retried row is queued again: the sync engine pushes it now. */
}

static void
outbox_discarded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkRoot *root;

  if (!fc_store_outbox_discard_finish (FC_STORE (object), result, &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Cannot discard a change: %s", error->message);
    return;
  }

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (FC_IS_WINDOW (root))
    fc_window_add_toast (FC_WINDOW (root), adw_toast_new (_("Change discarded")));
}

static void
retry_change_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcTodayPage *self = FC_TODAY_PAGE (widget);
  FcStore *store = get_store (self);

  if (store != NULL)
    fc_store_outbox_retry_async (store, g_variant_get_int64 (parameter), NULL, self->cancellable,
                                 outbox_retried_cb, g_object_ref (self));
}

static void
discard_change_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FcTodayPage *self = FC_TODAY_PAGE (widget);
  FcStore *store = get_store (self);

  if (store != NULL)
    fc_store_outbox_discard_async (store, g_variant_get_int64 (parameter), self->cancellable,
                                   outbox_discarded_cb, g_object_ref (self));
}

static void
fc_today_page_dispose (GObject *object)
{
  FcTodayPage *self = (FcTodayPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->midnight_id, g_source_remove);
  g_clear_object (&self->summary);
  if (self->attention_model != NULL)
    g_signal_handlers_disconnect_by_data (self->attention_model, self);
  g_clear_object (&self->attention_model);
  g_clear_object (&self->store_signals);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->session);

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_TODAY_PAGE);

  G_OBJECT_CLASS (fc_today_page_parent_class)->dispose (object);
}

static void
fc_today_page_finalize (GObject *object)
{
  FcTodayPage *self = (FcTodayPage *) object;

  g_clear_pointer (&self->photo_uri, g_free);
  g_clear_pointer (&self->thumbnail_url, g_free);

  G_OBJECT_CLASS (fc_today_page_parent_class)->finalize (object);
}

static void
fc_today_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FcTodayPage *self = FC_TODAY_PAGE (object);

  switch (prop_id) {
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->unread_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_today_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FcTodayPage *self = FC_TODAY_PAGE (object);

  switch (prop_id) {
    case PROP_UNREAD_COUNT:
      if (self->unread_count == g_value_get_uint (value))
        return;
      self->unread_count = g_value_get_uint (value);
      show_notifications_card (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_today_page_class_init (FcTodayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_today_page_dispose;
  object_class->finalize = fc_today_page_finalize;
  object_class->get_property = fc_today_page_get_property;
  object_class->set_property = fc_today_page_set_property;

  /* The unread count the Notifications page last heard (the window binds
   * it), so the card says what the sidebar's badge says. */
  properties[PROP_UNREAD_COUNT] =
    g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FC_TYPE_OUTBOX_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-today-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, greeting_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, account_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, sync_row);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, attention_group);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, attention_list);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, age_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, weight_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, height_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, gender_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, goal_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, date_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, meals_group);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, meals_box);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, meals_list);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, macros_box);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, meals_empty);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, meals_empty_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, meals_empty_button);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, workouts_group);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, resume_box);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, resume_picture);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, resume_title);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, resume_subtitle);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, week_list);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, week_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, streak_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, workouts_empty);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, workouts_empty_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, health_group);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, health_list);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, weight_row);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, sparkline);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, weight_value);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, steps_row);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, steps_bar);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, health_empty);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, health_empty_label);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, notifications_group);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, notifications_row);
  gtk_widget_class_bind_template_child (widget_class, FcTodayPage, cards);

  gtk_widget_class_install_action (widget_class, "today.retry-change", "x", retry_change_action);
  gtk_widget_class_install_action (widget_class, "today.discard-change", "x",
                                   discard_change_action);
  gtk_widget_class_install_action (widget_class, "today.continue-workout", NULL,
                                   continue_workout_action);
  gtk_widget_class_install_action (widget_class, "today.add-weigh-in", NULL,
                                   add_weigh_in_action);
}

static void
fc_today_page_init (FcTodayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  self->store_signals = g_signal_group_new (FC_TYPE_STORE);
  g_signal_group_connect_swapped (self->store_signals, "changed::" FC_STORE_PROFILE,
                                  G_CALLBACK (fc_today_page_load_profile), self);
  g_signal_group_connect_swapped (self->store_signals, "changed::" FC_STORE_ACCOUNT,
                                  G_CALLBACK (fc_today_page_load_account), self);
  {
    static const char * const summary_tables[] = {
      FC_STORE_MEAL_PLANS, FC_STORE_MEALS, FC_STORE_WORKOUTS, FC_STORE_WORKOUT_PROGRESS,
      FC_STORE_HEALTH, FC_STORE_HEALTH_GOALS,
    };

    for (guint i = 0; i < G_N_ELEMENTS (summary_tables); i++) {
      g_autofree char *signal = g_strconcat ("changed::", summary_tables[i], NULL);

      g_signal_group_connect_swapped (self->store_signals, signal,
                                      G_CALLBACK (fc_today_page_queue_reload), self);
    }
  }
  gtk_drawing_area_set_draw_func (self->sparkline, draw_sparkline, self, NULL);
  fc_today_page_schedule_midnight (self);
  g_signal_connect_object (fc_settings_get_default (), "changed::" FC_SETTINGS_HEALTH_UNITS,
                           G_CALLBACK (on_units_changed_cb), self, G_CONNECT_SWAPPED);

  /* The flow box puts each card in a GtkFlowBoxChild of its own: not a
   * Tab stop (a card is not activated; its buttons are), and named after
   * its card for screen readers rather than read as "GtkFlowBoxChild". */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards));
       child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

    gtk_widget_set_focusable (child, FALSE);
    if (ADW_IS_PREFERENCES_GROUP (card))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (card)),
                                      -1);
  }

  self->engine_signals = g_signal_group_new (FC_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "notify",
                                  G_CALLBACK (fc_today_page_update_sync), self);
}

GtkWidget *
fc_today_page_new (void)
{
  return g_object_new (FC_TYPE_TODAY_PAGE, NULL);
}

void
fc_today_page_set_session (FcTodayPage *self,
                           FcSession   *session)
{
  g_return_if_fail (FC_IS_TODAY_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (!g_set_object (&self->session, session))
    return;

  if (session != NULL) {
    g_signal_connect_object (session, "notify::store",
                             G_CALLBACK (on_session_store_changed_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (session, "notify::sync-engine",
                             G_CALLBACK (on_session_sync_engine_changed_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (session, "notify::first-name",
                             G_CALLBACK (fc_today_page_load_account), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (session, "notify::sections",
                             G_CALLBACK (on_session_sections_changed_cb), self,
                             G_CONNECT_SWAPPED);
  }

  on_session_store_changed_cb (self);
  on_session_sync_engine_changed_cb (self);
}
