/* fc-today-page.c — greeting, profile summary, sync state, refused changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-today-page"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-today-page.h"

#include "fc-json.h"
#include "fc-outbox-model.h"
#include "fc-outbox-row.h"
#include "fc-profile-format.h"
#include "fc-window.h"

/* Everything here is read from the store, never from the network: the page
 * looks the same offline, and refreshes when the store says it changed. */
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

  /* Owned */
  FcSession      *session;
  GSignalGroup   *store_signals;
  GSignalGroup   *engine_signals;
  FcOutboxModel  *attention_model;
  GCancellable   *cancellable;   /* the reads of the current store */
  char           *photo_uri;     /* the photo on show */
};

G_DEFINE_FINAL_TYPE (FcTodayPage, fc_today_page, ADW_TYPE_BIN)

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

static void
photo_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcTodayPage) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  if (bytes != NULL)
    texture = gdk_texture_new_from_bytes (bytes, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (texture == NULL)
    g_debug ("No profile photo: %s", error->message);

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

static void
on_session_store_changed_cb (FcTodayPage *self)
{
  FcStore *store = get_store (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_signal_group_set_target (self->store_signals, store);

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

  G_OBJECT_CLASS (fc_today_page_parent_class)->finalize (object);
}

static void
fc_today_page_class_init (FcTodayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_today_page_dispose;
  object_class->finalize = fc_today_page_finalize;

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

  gtk_widget_class_install_action (widget_class, "today.retry-change", "x", retry_change_action);
  gtk_widget_class_install_action (widget_class, "today.discard-change", "x",
                                   discard_change_action);
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
  }

  on_session_store_changed_cb (self);
  on_session_sync_engine_changed_cb (self);
}
