/* fc-profile-window.c — edits the profile and the name, offline too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-profile-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "fc-profile-window.h"

#include "fc-health-ui.h"
#include "fc-json.h"
#include "fc-profile-format.h"
#include "fc-window.h"

/* Save writes to the store, which queues the requests in its outbox, and
 * then asks the sync engine to send them: it works the same without the
 * network. Only what the user changed is sent, so an untouched field never
 * overwrites a newer value from another device.
 *
 * Weight and height are edited in the Health section's units (kg or lb, cm
 * or feet and inches: the "health-units" preference, else the locale's)
 * and kept in kg and cm: a changed field is converted once, on save; an
 * unchanged one is compared in the unit shown, so 70 kg shown as 154.3 lb
 * never comes back as 69.99 kg. */
struct _FcProfileWindow
{
  AdwWindow        parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwAvatar       *avatar;
  AdwEntryRow     *first_name_row;
  AdwEntryRow     *last_name_row;
  GtkSpinButton   *age_spin;
  AdwActionRow    *weight_row;
  GtkSpinButton   *weight_spin;
  AdwActionRow    *height_row;
  GtkSpinButton   *height_spin;
  GtkWidget       *height_imperial_box;
  GtkSpinButton   *height_feet_spin;
  GtkSpinButton   *height_inches_spin;
  AdwComboRow     *gender_row;
  AdwEntryRow     *goal_row;

  /* Owned */
  FcSession       *session;
  FcStore         *store;
  GCancellable    *cancellable;
  GtkNativeDialog *chooser;
  char            *first_name;   /* as loaded, to see what changed */
  char            *last_name;
  char            *goal;
  double           age;
  double           weight;       /* in weight_unit, as shown */
  double           height;       /* in height_unit (inches for feet and inches), as shown */
  FcHealthUnit     weight_unit;
  FcHealthUnit     height_unit;
  guint            gender;
  char            *photo_uri;    /* the chosen photo; NULL with photo_changed: removed */
  gboolean         photo_changed;
  guint            n_writes;     /* saves still running */
  gboolean         failed;
};

G_DEFINE_FINAL_TYPE (FcProfileWindow, fc_profile_window, ADW_TYPE_WINDOW)

static const char *
get_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
load_spin (GtkSpinButton *spin,
           JsonObject    *profile,
           const char    *member,
           double        *out_loaded)
{
  double value = 0.0;

  if (profile != NULL)
    fc_json_get_double (profile, member, &value);
  gtk_spin_button_set_value (spin, value);
  /* What the spin button shows after rounding, so that opening and saving
   * without a change sends nothing. */
  *out_loaded = gtk_spin_button_get_value (spin);
}

/* The height as shown: centimetres, or feet and inches as inches. */
static double
get_shown_height (FcProfileWindow *self)
{
  if (self->height_unit == FC_HEALTH_UNIT_FT_IN)
    return gtk_spin_button_get_value (self->height_feet_spin) * 12 +
           gtk_spin_button_get_value (self->height_inches_spin);
  return gtk_spin_button_get_value (self->height_spin);
}

static void
load_body (FcProfileWindow *self,
           JsonObject      *profile)
{
  double weight = 0.0, height = 0.0;

  if (profile != NULL) {
    fc_json_get_double (profile, "weight", &weight);
    fc_json_get_double (profile, "height", &height);
  }

  /* Rounded here as the spin buttons show them, since their value keeps
   * every digit it is given until the text is parsed back on save; then
   * read back, clamped to their range, as the value to compare with. */
  weight = fc_profile_shown_value ("weight", self->weight_unit, weight);
  gtk_spin_button_set_value (self->weight_spin, weight);
  self->weight = gtk_spin_button_get_value (self->weight_spin);

  height = fc_profile_shown_value ("height", self->height_unit, height);
  if (self->height_unit == FC_HEALTH_UNIT_FT_IN) {
    double feet = floor (height / 12);

    gtk_spin_button_set_value (self->height_feet_spin, feet);
    gtk_spin_button_set_value (self->height_inches_spin, height - feet * 12);
  } else {
    gtk_spin_button_set_value (self->height_spin, height);
  }
  self->height = get_shown_height (self);
}

static void
fc_profile_window_show_photo (FcProfileWindow *self,
                              const char      *uri)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GFile) file = NULL;

  if (uri != NULL) {
    g_autoptr(GError) error = NULL;

    /* A photo the user just picked, already checked by the chooser's
     * filter; small enough to read here. */
    file = g_file_new_for_uri (uri);
    texture = gdk_texture_new_from_file (file, &error);
    if (texture == NULL)
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  }

  adw_avatar_set_custom_image (self->avatar, GDK_PAINTABLE (texture));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.remove-photo", texture != NULL);
}

static void
profile_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FcProfileWindow) self = user_data;
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(GError) error = NULL;
  const char *img_path = NULL;
  const char *img = NULL;

  profile = fc_store_get_object_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  load_spin (self->age_spin, profile, "age", &self->age);
  load_body (self, profile);

  self->gender = fc_profile_gender_index (profile ? fc_json_get_string (profile, "gender") : NULL);
  adw_combo_row_set_selected (self->gender_row, self->gender);

  self->goal = g_strdup (profile ? fc_json_get_string (profile, "fitness_goal") : NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->goal_row), self->goal ? self->goal : "");

  if (profile != NULL) {
    img_path = fc_json_get_string (profile, "img_path");
    img = fc_json_get_string (profile, "img");
  }
  if (img_path != NULL) {
    g_autofree char *uri = g_filename_to_uri (img_path, NULL, NULL);

    fc_profile_window_show_photo (self, uri);
  } else if (img != NULL && g_str_has_prefix (img, "file://")) {
    fc_profile_window_show_photo (self, img);
  } else {
    fc_profile_window_show_photo (self, NULL);
  }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.save", TRUE);
}

static void
account_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FcProfileWindow) self = user_data;
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full_name = NULL;

  account = fc_store_get_object_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (account != NULL) {
    self->first_name = g_strdup (fc_json_get_string (account, "first_name"));
    self->last_name = g_strdup (fc_json_get_string (account, "last_name"));
  } else {
    g_object_get (self->session, "first-name", &self->first_name, "last-name", &self->last_name,
                  NULL);
  }

  gtk_editable_set_text (GTK_EDITABLE (self->first_name_row),
                         self->first_name ? self->first_name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->last_name_row),
                         self->last_name ? self->last_name : "");
  full_name = g_strdup_printf ("%s %s", self->first_name ? self->first_name : "",
                               self->last_name ? self->last_name : "");
  adw_avatar_set_text (self->avatar, g_strstrip (full_name));
}

static void
fc_profile_window_write_done (FcProfileWindow *self,
                              const GError    *error)
{
  FcSyncEngine *engine = fc_session_get_sync_engine (self->session);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  g_assert (self->n_writes > 0);
  self->n_writes--;

  if (error != NULL && !self->failed) {
    g_autofree char *text = NULL;

    self->failed = TRUE;
    /* Translators: %s says why, e.g. "the disk is full". */
    text = g_strdup_printf (_("Could not save: %s"), error->message);
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
  }
  if (self->n_writes > 0)
    return;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.save", TRUE);
  if (self->failed)
    return;

  if (FC_IS_WINDOW (parent)) {
    gboolean offline = engine == NULL || fc_sync_engine_get_state (engine) == FC_SYNC_STATE_OFFLINE;

    fc_window_add_toast (FC_WINDOW (parent),
                         adw_toast_new (offline ? _("Saved — will sync when online")
                                                : _("Profile saved")));
  }
  gtk_window_close (GTK_WINDOW (self));
}

static void
profile_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FcProfileWindow) self = user_data;
  g_autoptr(FcOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = fc_store_save_profile_finish (FC_STORE (object), result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fc_profile_window_write_done (self, error);
}

static void
account_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FcProfileWindow) self = user_data;
  g_autoptr(FcOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = fc_store_save_account_finish (FC_STORE (object), result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fc_profile_window_write_done (self, error);
}

static void
add_text_change (JsonObject *changes,
                 const char *member,
                 const char *loaded,
                 const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (g_strcmp0 (loaded ? loaded : "", stripped) != 0)
    json_object_set_string_member (changes, member, stripped);
}

static JsonObject *
collect_profile_changes (FcProfileWindow *self)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  guint gender = adw_combo_row_get_selected (self->gender_row);
  double weight = gtk_spin_button_get_value (self->weight_spin);
  double height = get_shown_height (self);

  if (gtk_spin_button_get_value (self->age_spin) != self->age)
    json_object_set_int_member (changes, "age", gtk_spin_button_get_value_as_int (self->age_spin));
  if (weight != self->weight)
    json_object_set_double_member (changes, "weight",
                                   fc_profile_canonical_value ("weight", self->weight_unit, weight));
  if (height != self->height)
    json_object_set_double_member (changes, "height",
                                   fc_profile_canonical_value ("height", self->height_unit, height));
  if (gender != self->gender && gender < FC_PROFILE_N_GENDERS) {
    const char *code = fc_profile_gender_code (gender);

    if (code != NULL)
      json_object_set_string_member (changes, "gender", code);
    else
      json_object_set_null_member (changes, "gender");
  }
  add_text_change (changes, "fitness_goal", self->goal, get_text (self->goal_row));

  /* The store keeps the local file as a file:// URI in "img"; the sync
   * engine uploads it. */
  if (self->photo_changed) {
    if (self->photo_uri != NULL)
      json_object_set_string_member (changes, "img", self->photo_uri);
    else
      json_object_set_null_member (changes, "img");
  }

  return json_object_get_size (changes) > 0 ? g_steal_pointer (&changes) : NULL;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcProfileWindow *self = FC_PROFILE_WINDOW (widget);
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(JsonObject) account = json_object_new ();

  /* Typed digits count even before the spin button loses focus. */
  gtk_spin_button_update (self->age_spin);
  gtk_spin_button_update (self->weight_spin);
  gtk_spin_button_update (self->height_spin);
  gtk_spin_button_update (self->height_feet_spin);
  gtk_spin_button_update (self->height_inches_spin);

  profile = collect_profile_changes (self);
  add_text_change (account, "first_name", self->first_name, get_text (self->first_name_row));
  add_text_change (account, "last_name", self->last_name, get_text (self->last_name_row));

  if (profile == NULL && json_object_get_size (account) == 0) {
    gtk_window_close (GTK_WINDOW (self));
    return;
  }

  self->failed = FALSE;
  gtk_widget_action_set_enabled (widget, "profile.save", FALSE);
  if (profile != NULL) {
    self->n_writes++;
    fc_store_save_profile_async (self->store, profile, self->cancellable, profile_saved_cb,
                                 g_object_ref (self));
  }
  if (json_object_get_size (account) > 0) {
    self->n_writes++;
    fc_store_save_account_async (self->store, account, self->cancellable, account_saved_cb,
                                 g_object_ref (self));
  }
}

static void
on_chooser_response_cb (FcProfileWindow *self,
                        int              response,
                        GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT) {
    g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

    g_free (self->photo_uri);
    self->photo_uri = g_file_get_uri (file);
    self->photo_changed = TRUE;
    fc_profile_window_show_photo (self, self->photo_uri);
  }

  g_clear_object (&self->chooser);
}

static void
choose_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcProfileWindow *self = FC_PROFILE_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");

  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Choose a Photo"),
                                                                  GTK_WINDOW (self),
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Choose"), _("_Cancel")));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
remove_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcProfileWindow *self = FC_PROFILE_WINDOW (widget);

  g_clear_pointer (&self->photo_uri, g_free);
  self->photo_changed = TRUE;
  fc_profile_window_show_photo (self, NULL);
}

static void
fc_profile_window_dispose (GObject *object)
{
  FcProfileWindow *self = (FcProfileWindow *) object;

  /* Not cancelled: a save that started finishes in the store anyway. */
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->store);
  g_clear_object (&self->session);

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_PROFILE_WINDOW);

  G_OBJECT_CLASS (fc_profile_window_parent_class)->dispose (object);
}

static void
fc_profile_window_finalize (GObject *object)
{
  FcProfileWindow *self = (FcProfileWindow *) object;

  g_clear_pointer (&self->first_name, g_free);
  g_clear_pointer (&self->last_name, g_free);
  g_clear_pointer (&self->goal, g_free);
  g_clear_pointer (&self->photo_uri, g_free);

  G_OBJECT_CLASS (fc_profile_window_parent_class)->finalize (object);
}

static void
fc_profile_window_class_init (FcProfileWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_profile_window_dispose;
  object_class->finalize = fc_profile_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-profile-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, avatar);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, first_name_row);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, last_name_row);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, age_spin);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, weight_row);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, weight_spin);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, height_row);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, height_spin);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, height_imperial_box);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, height_feet_spin);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, height_inches_spin);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, gender_row);
  gtk_widget_class_bind_template_child (widget_class, FcProfileWindow, goal_row);

  gtk_widget_class_install_action (widget_class, "profile.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "profile.choose-photo", NULL, choose_photo_action);
  gtk_widget_class_install_action (widget_class, "profile.remove-photo", NULL, remove_photo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "profile.save",
                                       NULL);
}

static void
fc_profile_window_init (FcProfileWindow *self)
{
  g_autoptr(GtkStringList) genders = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < FC_PROFILE_N_GENDERS; i++)
    gtk_string_list_append (genders, fc_profile_gender_label (i));
  adw_combo_row_set_model (self->gender_row, G_LIST_MODEL (genders));

  /* The template is metric; the imperial units replace its kilograms and
   * centimetres. */
  self->weight_unit = fc_health_ui_unit ("weight") == FC_HEALTH_UNIT_LB ? FC_HEALTH_UNIT_LB
                                                                        : FC_HEALTH_UNIT_KG;
  self->height_unit = fc_health_ui_unit ("height") == FC_HEALTH_UNIT_FT_IN ? FC_HEALTH_UNIT_FT_IN
                                                                           : FC_HEALTH_UNIT_CM;
  if (self->weight_unit == FC_HEALTH_UNIT_LB) {
    adw_action_row_set_subtitle (self->weight_row, _("Pounds"));
    /* 500 kg, as the metric spin button allows */
    gtk_spin_button_set_range (self->weight_spin, 0, 1102);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->weight_spin),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Weight in pounds"), -1);
  }
  if (self->height_unit == FC_HEALTH_UNIT_FT_IN) {
    adw_action_row_set_subtitle (self->height_row, _("Feet and inches"));
    adw_action_row_set_activatable_widget (self->height_row, GTK_WIDGET (self->height_feet_spin));
    gtk_widget_set_visible (GTK_WIDGET (self->height_spin), FALSE);
    gtk_widget_set_visible (self->height_imperial_box, TRUE);
  }

  self->cancellable = g_cancellable_new ();
  /* Until the profile is read, Save would send the blank form. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.save", FALSE);
}

GtkWidget *
fc_profile_window_new (GtkWindow *parent,
                       FcSession *session)
{
  FcProfileWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);
  g_return_val_if_fail (fc_session_get_store (session) != NULL, NULL);

  self = g_object_new (FC_TYPE_PROFILE_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->session = g_object_ref (session);
  self->store = g_object_ref (fc_session_get_store (session));

  fc_store_get_object_async (self->store, FC_STORE_ACCOUNT, 0, self->cancellable,
                             account_loaded_cb, g_object_ref (self));
  fc_store_get_object_async (self->store, FC_STORE_PROFILE, 0, self->cancellable,
                             profile_loaded_cb, g_object_ref (self));

  return GTK_WIDGET (self);
}
