/* fc-application.c — the FitCore application: actions, style, windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-application"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fc-application.h"

#include "fc-preferences-window.h"
#include "fc-api-client.h"
#include "fc-reminders.h"
#include "fc-reminders-plan.h"
#include "fc-download-manager.h"
#include "fc-session.h"
#include "fc-settings.h"
#include "fc-startup-log.h"
#include "fc-window.h"

struct _FcApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  GSettings      *settings;
  FcSession      *session;
  FcDownloadManager *downloads;
  GCancellable   *cancellable;
  char           *restore_url;    /* the server to restore once the window is up */
  FcReminders    *reminders;
  FcRemindersPlan *reminders_plan;
  GDBusProxy     *background_portal;

  gint64          test_clock_offset;  /* seconds; FITCORE_TEST_CLOCK builds only */

  guint           restore_id;
  gboolean        restoring;
  gboolean        secrets_notice_pending;  /* no window yet to tell it in */
  gboolean        held;            /* g_application_hold() for the reminders */
  gboolean        start_hidden;    /* --background: started at login */
  gboolean        quitting;
};

G_DEFINE_FINAL_TYPE (FcApplication, fc_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_RESTORING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fc_application_update_background (FcApplication *self);

/* Indexed by the schema's enum org.fitcore.FitCore.ColorScheme. */
static const AdwColorScheme color_schemes[] = {
  ADW_COLOR_SCHEME_DEFAULT,
  ADW_COLOR_SCHEME_FORCE_LIGHT,
  ADW_COLOR_SCHEME_FORCE_DARK,
};

static void
fc_application_apply_color_scheme (FcApplication *self)
{
  guint scheme = (guint) g_settings_get_enum (self->settings, FC_SETTINGS_COLOR_SCHEME);

  g_assert (scheme < G_N_ELEMENTS (color_schemes));
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_schemes[scheme]);
}

static void
on_settings_color_scheme_changed_cb (FcApplication *self)
{
  fc_application_apply_color_scheme (self);
}

static void
fc_application_set_restoring (FcApplication *self,
                              gboolean       restoring)
{
  if (self->restoring == restoring)
    return;

  self->restoring = restoring;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTORING]);
}

/* The keyring can fail while the last session is restored, before the
 * window exists: the notice then waits for it. */
static void
on_session_secrets_unavailable_cb (FcApplication *self)
{
  /* The main window, even when Preferences is the active one. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next) {
    if (FC_IS_WINDOW (l->data)) {
      fc_window_show_secrets_unavailable (FC_WINDOW (l->data));
      return;
    }
  }

  self->secrets_notice_pending = TRUE;
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FcApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Nobody to restore, or a keyring that failed: either way the welcome
   * page is the way on, and the session says why if it matters. */
  if (!fc_session_restore_finish (FC_SESSION (object), result, &error) && error != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot restore the last session: %s", error->message);
  fc_startup_log ("session restored (store open, first sync started)");

  fc_application_set_restoring (self, FALSE);
}

static gboolean
restore_session_cb (gpointer user_data)
{
  FcApplication *self = user_data;
  g_autofree char *server_url = g_steal_pointer (&self->restore_url);

  self->restore_id = 0;
  fc_startup_log ("session restore started");
  fc_session_restore_async (self->session, server_url, self->cancellable, restore_cb,
                            g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* The last session (the keyring, the store, the sync engine and its first
 * sync, the models of every page) waits until the first window is on
 * screen: none of it draws the spinner the window shows meanwhile, and
 * each competed with the window for the main thread and the disk. */
static void
on_first_frame_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  fc_startup_log ("first frame drawn");
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_cb, user_data);
}

static void
on_session_step_cb (FcSession  *session,
                    GParamSpec *pspec)
{
  if (g_str_equal (pspec->name, "store"))
    fc_startup_log (fc_session_get_store (session) != NULL ? "store open (the pages' models read)"
                                                           : "store closed");
  else if (fc_session_get_sync_engine (session) != NULL)
    fc_startup_log ("sync engine started (first sync)");
}

static void
on_first_window_map_cb (GtkWidget     *window,
                        FcApplication *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  fc_startup_log ("first window mapped");
  if (clock != NULL)
    g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_frame_cb), NULL);
  g_signal_handlers_disconnect_by_func (window, on_first_window_map_cb, self);
  if (self->restore_url != NULL && self->restore_id == 0)
    self->restore_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, restore_session_cb, self, NULL);
}

static gboolean
is_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/* Under Flatpak the sandbox may not write ~/.config/autostart, and the
 * desktop may stop apps that run without a window: the Background portal
 * grants both. A direct D-Bus call, not libportal: Debian 12's
 * libportal-gtk4 is not in our build environment yet, and one method
 * whose answer we only log does not justify a new dependency. */
static void
request_background_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (object), result, &error);

  if (reply == NULL)
    g_warning ("The Background portal refused to keep FitCore running: %s", error->message);
}

static void
fc_application_request_background (FcApplication *self)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder options;
  const char *commandline[] = { "fitcore", "--background", NULL };
  gboolean autostart = g_settings_get_boolean (self->settings, FC_SETTINGS_START_AT_LOGIN);

  if (self->background_portal == NULL) {
    self->background_portal =
      g_dbus_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION,
                                     G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                     G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                     NULL, "org.freedesktop.portal.Desktop",
                                     "/org/freedesktop/portal/desktop",
                                     "org.freedesktop.portal.Background", NULL, &error);
    if (self->background_portal == NULL) {
      g_warning ("No Background portal: %s", error->message);
      return;
    }
  }

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("FitCore reminds you of workouts, weigh-ins and "
                                                 "meals while its window is closed.")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  g_dbus_proxy_call (self->background_portal, "RequestBackground",
                     g_variant_new ("(sa{sv})", "", &options), G_DBUS_CALL_FLAGS_NONE, -1,
                     self->cancellable, request_background_cb, NULL);
}

/* Outside Flatpak, "Start at Login" is a desktop file in the user's
 * autostart folder (the XDG Autostart specification), started hidden. */
static void
fc_application_update_autostart (FcApplication *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "autostart", NULL);
  g_autofree char *path = g_build_filename (dir, APPLICATION_ID ".desktop", NULL);
  g_autoptr(GError) error = NULL;

  if (is_flatpak ()) {
    fc_application_request_background (self);
    return;
  }

  if (!g_settings_get_boolean (self->settings, FC_SETTINGS_START_AT_LOGIN)) {
    if (g_unlink (path) != 0 && errno != ENOENT)
      g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
    return;
  }

  {
    g_autofree char *contents =
      g_strdup_printf ("[Desktop Entry]\n"
                       "Type=Application\n"
                       "Name=FitCore\n"
                       "Comment=%s\n"
                       "Exec=%s --background\n"
                       "Icon=" APPLICATION_ID "\n"
                       "NoDisplay=true\n"
                       "X-GNOME-Autostart-enabled=true\n",
                       _("Workout, weigh-in and meal reminders"), BINDIR "/fitcore");

    if (g_mkdir_with_parents (dir, 0700) != 0 ||
        !g_file_set_contents (path, contents, -1, &error))
      g_warning ("Cannot write %s: %s", path, error != NULL ? error->message : g_strerror (errno));
  }
}

/* While a reminder can fire and "Run in Background" is on, the application
 * holds itself and closing the window only hides it: reminders fire on
 * time with no window. Quit lets go of both. */
static void
fc_application_update_background (FcApplication *self)
{
  gboolean wanted = !self->quitting && self->reminders != NULL &&
                    fc_reminders_get_has_enabled (self->reminders) &&
                    g_settings_get_boolean (self->settings, FC_SETTINGS_RUN_IN_BACKGROUND);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next) {
    if (FC_IS_WINDOW (l->data))
      gtk_window_set_hide_on_close (GTK_WINDOW (l->data), wanted);
  }

  if (wanted == self->held)
    return;

  self->held = wanted;
  if (wanted) {
    g_application_hold (G_APPLICATION (self));
    if (is_flatpak ())
      fc_application_request_background (self);
  } else {
    g_application_release (G_APPLICATION (self));
  }
}

static void
on_background_changed_cb (FcApplication *self)
{
  fc_application_update_background (self);
}

static void
on_start_at_login_changed_cb (FcApplication *self)
{
  fc_application_update_autostart (self);
}

static void
on_session_store_cb (FcApplication *self)
{
  fc_reminders_plan_set_store (self->reminders_plan, fc_session_get_store (self->session));
}

/* A reminder's default action: the page it is about. */
static void
open_reminder_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  FcApplication *self = FC_APPLICATION (user_data);
  const char *target = g_variant_get_string (parameter, NULL);
  const char *section = "today";
  GtkWindow *window;

  if (g_str_equal (target, "workouts"))
    section = "workouts";
  else if (g_str_equal (target, "weigh-in"))
    section = "health";

  self->start_hidden = FALSE;
  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", section);
  /* The weight entry: the Health page's Add, found among the window's
   * descendants since its action lives on the page. */
  if (g_str_equal (target, "weigh-in")) {
    GtkWidget *page = GTK_WIDGET (window);

    while (page != NULL && g_strcmp0 (G_OBJECT_TYPE_NAME (page), "FcHealthPage") != 0) {
      GtkWidget *next = gtk_widget_get_first_child (page);

      while (next == NULL && page != GTK_WIDGET (window)) {
        next = gtk_widget_get_next_sibling (page);
        if (next == NULL)
          page = gtk_widget_get_parent (page);
      }
      page = next;
    }
    if (page != NULL)
      gtk_widget_activate_action (page, "health.add", NULL);
  }
}

static gint64
test_clock_real_time (gpointer user_data)
{
  FcApplication *self = user_data;

  return g_get_real_time () + self->test_clock_offset * G_USEC_PER_SEC;
}

static gint64
test_clock_monotonic_time (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static GTimeZone *
test_clock_timezone (gpointer user_data)
{
  return g_time_zone_new_local ();
}

/* Tests only (fc_reminders_test_clock_enabled()): moves the reminders'
 * clock by a number of seconds, so a UI test makes one fire now. */
static void
test_clock_offset_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  static const FcRemindersClock clock = {
    test_clock_real_time, test_clock_monotonic_time, test_clock_timezone,
  };
  FcApplication *self = FC_APPLICATION (user_data);

  /* Installed at startup (a new clock forgets what was due before it):
   * here the time only moves, and what it passes over fires. */
  if (parameter == NULL) {
    fc_reminders_set_clock (self->reminders, &clock, self);
    return;
  }
  self->test_clock_offset = g_variant_get_int64 (parameter);
  fc_reminders_check (self->reminders);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows;

  /* Close rather than g_application_quit(): each window saves its state in
   * close-request, and the application ends with its last window. Copy the
   * list: closing a window removes it. Quit really quits: the reminders'
   * hold goes, and a window set to hide on close is destroyed instead. */
  FC_APPLICATION (app)->quitting = TRUE;
  fc_application_update_background (FC_APPLICATION (app));
  windows = g_list_copy (gtk_application_get_windows (app));
  for (GList *l = windows; l != NULL; l = l->next) {
    gtk_window_set_hide_on_close (GTK_WINDOW (l->data), FALSE);
    gtk_window_close (GTK_WINDOW (l->data));
  }
  g_list_free (windows);
  /* Nothing else may keep it: a window that refused to close, a hold. */
  g_application_quit (G_APPLICATION (app));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *preferences;

  preferences = fc_preferences_window_new (gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { _("The FitCore developers"), NULL };

  /* No website: the project has none yet, and a placeholder would be a
   * link that leads nowhere. */
  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", "FitCore",
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", developers[0],
                         "developers", developers,
                         "copyright", _("© 2026 The FitCore developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: Replace "translator-credits" with your name, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

/* The Keyboard Shortcuts window is built when asked for and destroyed when
 * closed. GtkApplication's own help overlay (gtk/help-overlay.ui) stays
 * alive and hidden beside every window, and GTK 4.8's AT-SPI root answers a
 * GetChildAtIndex one past its shown windows with the last toplevel even
 * when that one is hidden, whose object has no path: a critical, and a
 * broken answer to a screen reader that asks just as a dialog closes. */
static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;
  GtkWindow *parent = gtk_application_get_active_window (app);

  builder = gtk_builder_new_from_resource ("/org/fitcore/FitCore/ui/fc-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_hide_on_close (window, FALSE);
  if (parent != NULL)
    gtk_window_set_transient_for (window, parent);
  gtk_window_present (window);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "shortcuts", .activate = shortcuts_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "about", .activate = about_action },
  { .name = "open-reminder", .activate = open_reminder_action, .parameter_type = "s" },
};

static int
fc_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  const char *server = NULL;

  if (g_variant_dict_contains (options, "background"))
    FC_APPLICATION (app)->start_hidden = TRUE;

  if (g_variant_dict_lookup (options, "server", "&s", &server)) {
    GSettings *settings = FC_APPLICATION (app)->settings;
    g_autoptr(GError) error = NULL;
    g_autofree char *normalized = NULL;

    if (!fc_api_client_check_base_url (server, &normalized, &error)) {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

    g_settings_set_string (settings, FC_SETTINGS_SERVER_URL, normalized);
    g_settings_sync ();
  }

  /* Go on starting, or hand over to the running instance. */
  return -1;
}

static void
fc_application_startup (GApplication *app)
{
  FcApplication *self = FC_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *fullscreen_accels[] = { "F11", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *sync_accels[] = { "<Control>r", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  fc_startup_log ("application startup");
  G_APPLICATION_CLASS (fc_application_parent_class)->startup (app);
  fc_startup_log ("GTK and libadwaita started (display, style)");

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.fullscreen",
                                         fullscreen_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.sync-now", sync_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts",
                                         shortcuts_accels);

  g_signal_connect_object (self->settings, "changed::" FC_SETTINGS_COLOR_SCHEME,
                           G_CALLBACK (on_settings_color_scheme_changed_cb), self,
                           G_CONNECT_SWAPPED);
  fc_application_apply_color_scheme (self);

  /* The window shows a spinner until we know whether someone is signed in:
   * the welcome page must not flash by on every start. */
  self->session = fc_session_new ();
  g_signal_connect_object (self->session, "secrets-unavailable",
                           G_CALLBACK (on_session_secrets_unavailable_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self->session, "notify::store", G_CALLBACK (on_session_step_cb), NULL);
  g_signal_connect (self->session, "notify::sync-engine", G_CALLBACK (on_session_step_cb), NULL);
  /* Before the restore, so it sees the sign-in and resumes downloads. */
  self->downloads = fc_download_manager_new (self->session);
  self->cancellable = g_cancellable_new ();
  self->restore_url = g_settings_get_string (self->settings, FC_SETTINGS_SERVER_URL);
  fc_application_set_restoring (self, TRUE);

  self->reminders = fc_reminders_new (self->settings);
  fc_reminders_set_application (self->reminders, app);
  self->reminders_plan = fc_reminders_plan_new (self->reminders);
  g_signal_connect_object (self->session, "notify::store", G_CALLBACK (on_session_store_cb), self,
                           G_CONNECT_SWAPPED);
  if (fc_reminders_test_clock_enabled ()) {
    g_autoptr(GSimpleAction) offset = g_simple_action_new ("test-clock-offset",
                                                           G_VARIANT_TYPE_INT64);

    g_signal_connect (offset, "activate", G_CALLBACK (test_clock_offset_action), self);
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (offset));
    test_clock_offset_action (NULL, NULL, self);
  }
  fc_reminders_watch_system (self->reminders);
  g_signal_connect_object (self->reminders, "notify::has-enabled",
                           G_CALLBACK (on_background_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::" FC_SETTINGS_RUN_IN_BACKGROUND,
                           G_CALLBACK (on_background_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::" FC_SETTINGS_START_AT_LOGIN,
                           G_CALLBACK (on_start_at_login_changed_cb), self, G_CONNECT_SWAPPED);
  fc_application_update_background (self);
  fc_startup_log ("application started");
}

static void
fc_application_shutdown (GApplication *app)
{
  FcApplication *self = FC_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->restore_id, g_source_remove);
  if (self->held) {
    self->held = FALSE;
    g_application_release (app);
  }
  g_clear_object (&self->reminders_plan);
  g_clear_object (&self->reminders);

  G_APPLICATION_CLASS (fc_application_parent_class)->shutdown (app);
}

static void
fc_application_activate (GApplication *app)
{
  FcApplication *self = FC_APPLICATION (app);
  GtkWindow *window;

  /* Started at login: the reminders run, the window waits for the user.
   * The last session opens anyway, for the meal plan's reminders. */
  if (self->start_hidden) {
    self->start_hidden = FALSE;
    if (self->restore_url != NULL && self->restore_id == 0)
      self->restore_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, restore_session_cb, self, NULL);
    return;
  }

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL) {
    window = GTK_WINDOW (fc_window_new (ADW_APPLICATION (app), self->session, self->restoring));
    fc_startup_log ("first window built");
    g_object_bind_property (app, "restoring", window, "restoring", G_BINDING_SYNC_CREATE);
    g_signal_connect_object (window, "map", G_CALLBACK (on_first_window_map_cb), app, 0);
    fc_application_update_background (self);
  }

  gtk_window_present (window);

  if (FC_APPLICATION (app)->secrets_notice_pending) {
    FC_APPLICATION (app)->secrets_notice_pending = FALSE;
    fc_window_show_secrets_unavailable (FC_WINDOW (window));
  }
}

static void
fc_application_dispose (GObject *object)
{
  FcApplication *self = (FcApplication *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->background_portal);
  g_clear_object (&self->reminders_plan);
  g_clear_object (&self->reminders);
  g_clear_object (&self->downloads);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->restore_url, g_free);

  G_OBJECT_CLASS (fc_application_parent_class)->dispose (object);
}

static void
fc_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcApplication *self = FC_APPLICATION (object);

  switch (prop_id) {
    case PROP_RESTORING:
      g_value_set_boolean (value, self->restoring);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_application_class_init (FcApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = fc_application_dispose;
  object_class->get_property = fc_application_get_property;

  /* TRUE from startup until the last session is restored (or not). */
  properties[PROP_RESTORING] =
    g_param_spec_boolean ("restoring", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->handle_local_options = fc_application_handle_local_options;
  app_class->startup = fc_application_startup;
  app_class->shutdown = fc_application_shutdown;
  app_class->activate = fc_application_activate;
}

static void
fc_application_init (FcApplication *self)
{
  static const GOptionEntry options[] = {
    { "server", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
      N_("Use the FitCore server at URL and remember it"), N_("URL") },
    { "background", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Start without a window, for reminders (as at login)"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);

  /* The one GSettings of the process: the windows, forms and Preferences
   * take it from here (fc_settings_get_default()) rather than each making
   * its own, which would each read the backend and watch it. */
  self->settings = g_settings_new (APPLICATION_ID);
}

/* The signed-in account (or nobody), for the windows. */
FcSession *
fc_application_get_session (FcApplication *self)
{
  g_return_val_if_fail (FC_IS_APPLICATION (self), NULL);

  return self->session;
}

/* The application's settings (schema APPLICATION_ID, keys in fc-settings.h). */
GSettings *
fc_application_get_settings (FcApplication *self)
{
  g_return_val_if_fail (FC_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* For widgets, which are built (init) before they know their window or
 * application: the default application's settings. Outside an
 * FcApplication (a widget test) one GSettings is made for the process. */
GSettings *
fc_settings_get_default (void)
{
  static GSettings *fallback;
  GApplication *app = g_application_get_default ();

  if (FC_IS_APPLICATION (app))
    return FC_APPLICATION (app)->settings;

  if (g_once_init_enter (&fallback))
    g_once_init_leave (&fallback, g_settings_new (APPLICATION_ID));
  return fallback;
}

/* The account's downloaded workouts, shared by the pages and Preferences. */
/* The reminders, for Preferences. */
FcReminders *
fc_application_get_reminders (FcApplication *self)
{
  g_return_val_if_fail (FC_IS_APPLICATION (self), NULL);

  return self->reminders;
}

FcDownloadManager *
fc_application_get_downloads (FcApplication *self)
{
  g_return_val_if_fail (FC_IS_APPLICATION (self), NULL);

  return self->downloads;
}

FcApplication *
fc_application_new (void)
{
  return g_object_new (FC_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/fitcore/FitCore",
                       NULL);
}
