/* fc-window.c — the main window: a sidebar of sections and their pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-window.h"

#include "fc-admin-page.h"
#include "fc-gstreamer.h"
#include "fc-health-page.h"
#include "fc-notifications-page.h"
#include "fc-nutrition-page.h"
#include "fc-premium-page.h"
#include "fc-profile-window.h"
#include "fc-section-page.h"
#include "fc-settings.h"
#include "fc-startup-log.h"
#include "fc-today-page.h"
#include "fc-welcome-page.h"
#include "fc-workouts-page.h"

/* Every page's fc_*_page_set_session(), which takes its own type. */
typedef void (*FcPageSetSession) (gpointer   page,
                                  FcSession *session);

typedef struct
{
  const char *name;         /* stack page and row name, stored in GSettings */
  const char *title;        /* the sidebar row and the page's header bar */
  const char *icon_name;
  const char *heading;      /* the status page, until the section lands */
  const char *description;
  gboolean    staff_only;
  const char *server_section;  /* shown only when the server offers it; NULL: always */
  GtkWidget        *(*new_page) (void);
  FcPageSetSession    set_session;
} FcSection;

/* One table drives the sidebar rows, the pages and the Ctrl+1…6 shortcuts,
 * so they cannot drift apart. The order is the sidebar's order. */
static const FcSection sections[] = {
  { "today", N_("Today"), "x-office-calendar-symbolic",
    N_("Your Day"),
    N_("Today’s meals, workouts and progress will appear here."),
    FALSE, NULL, fc_today_page_new, (FcPageSetSession) fc_today_page_set_session },
  { "workouts", N_("Workouts"), "fc-workouts-symbolic",
    N_("Workout Videos"),
    N_("Workout videos will appear here."),
    FALSE, "workouts", fc_workouts_page_new, (FcPageSetSession) fc_workouts_page_set_session },
  { "nutrition", N_("Nutrition"), "emoji-food-symbolic",
    N_("Meal Plans"),
    N_("Your meal plans, meals and foods will appear here."),
    FALSE, NULL, fc_nutrition_page_new, (FcPageSetSession) fc_nutrition_page_set_session },
  { "health", N_("Health"), "emblem-favorite-symbolic",
    N_("Health Data"),
    N_("Your weight and other measurements will appear here."),
    FALSE, "health", fc_health_page_new, (FcPageSetSession) fc_health_page_set_session },
  { "notifications", N_("Notifications"), "preferences-system-notifications-symbolic",
    N_("No Notifications"),
    N_("Your notifications will appear here."),
    FALSE, "notifications", fc_notifications_page_new,
    (FcPageSetSession) fc_notifications_page_set_session },
  { "admin", N_("Admin"), "system-users-symbolic",
    N_("Administration"),
    N_("Tools to manage users and send announcements will appear here for staff."),
    TRUE, NULL, fc_admin_page_new, (FcPageSetSession) fc_admin_page_set_session },
};

struct _FcWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  GtkWidget            *loading_box;
  FcWelcomePage        *welcome_page;  /* owned by main_stack, built when first shown */
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkListBox           *sidebar_list;
  GtkMenuButton        *sidebar_menu_button;
  GtkStack             *stack;

  /* Owned */
  GSettings            *settings;
  FcSession            *session;
  char                 *account;        /* the last one signed in, for "sign in again" */
  char                 *ended_message;  /* why the session ended, for the sign-in form */

  /* Borrowed: the list box owns the rows, the stack the pages */
  GtkWidget            *rows[G_N_ELEMENTS (sections)];
  GtkWidget            *pages[G_N_ELEMENTS (sections)];  /* NULL until first shown */

  /* Borrowed: the section pages hold them */
  GtkWidget            *contents[G_N_ELEMENTS (sections)];
  FcTodayPage          *today_page;
  FcNotificationsPage  *notifications_page;

  const FcSection      *section;
  gboolean              show_admin;
  gboolean              restoring;
  gboolean              constructed;
  gboolean              fell_back;   /* showing Today in place of the saved section */
  char                 *wanted;      /* that section, shown once it is offered */
  gboolean              built;       /* the sidebar and the section pages exist */
  guint                 build_id;
  guint                 loading_id;
};

G_DEFINE_FINAL_TYPE (FcWindow, fc_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SECTION,
  PROP_SHOW_ADMIN,
  PROP_SESSION,
  PROP_RESTORING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const FcSection *
find_section (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++) {
    if (g_strcmp0 (sections[i].name, name) == 0)
      return &sections[i];
  }

  return NULL;
}

/* Sections the server does not offer (the Django backend has no workouts,
 * health or notifications) are simply not there. */
static gboolean
fc_window_is_offered (FcWindow        *self,
                      const FcSection *section)
{
  if (section->server_section == NULL)
    return TRUE;

  return self->session != NULL && fc_session_has_section (self->session, section->server_section);
}

static gboolean
fc_window_may_show (FcWindow        *self,
                    const FcSection *section)
{
  return section != NULL && (!section->staff_only || self->show_admin) &&
         fc_window_is_offered (self, section);
}

static GtkWidget *
create_sidebar_row (const FcSection *section)
{
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *label;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  /* The icon only decorates the label: screen readers should skip it. */
  gtk_box_append (GTK_BOX (box), g_object_new (GTK_TYPE_IMAGE,
                                               "icon-name", section->icon_name,
                                               "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                               NULL));

  label = gtk_label_new (_(section->title));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);

  row = gtk_list_box_row_new ();
  gtk_widget_set_name (row, section->name);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* Screen readers (and the UI test) find the row by this name. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(section->title),
                                  -1);

  return row;
}

static void
on_unread_count_changed_cb (FcNotificationsPage *page,
                            GParamSpec          *pspec,
                            GtkLabel            *badge)
{
  guint count = fc_notifications_page_get_unread_count (page);
  g_autofree char *text = g_strdup_printf ("%u", count);

  gtk_label_set_text (badge, text);
  gtk_widget_set_visible (GTK_WIDGET (badge), count > 0);
}

/* The unread count at the end of the Notifications row. */
static void
add_unread_badge (GtkWidget           *row,
                  FcNotificationsPage *page)
{
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  GtkWidget *badge = g_object_new (GTK_TYPE_LABEL,
                                   "hexpand", TRUE,
                                   "halign", GTK_ALIGN_END,
                                   "visible", FALSE,
                                   NULL);

  gtk_widget_add_css_class (badge, "dim-label");
  gtk_widget_add_css_class (badge, "numeric");
  gtk_box_append (GTK_BOX (box), badge);
  g_signal_connect_object (page, "notify::unread-count", G_CALLBACK (on_unread_count_changed_cb),
                           badge, 0);
}

/* The page of the section at @i, built when the section is first shown:
 * building all six at once, with their models and their stores' reads, made
 * the app use 16 MiB more (tests/bench/app/rss.py), most of it for pages
 * that a start never shows. Today and Notifications are built with the
 * sidebar: Today is where the app opens, and the sidebar's unread badge and
 * Today's card follow the Notifications page. */
static void
fc_window_ensure_page (FcWindow *self,
                       guint     i)
{
  const FcSection *section = &sections[i];
  GtkWidget *page;

  if (self->pages[i] != NULL)
    return;

  self->contents[i] = section->new_page ();
  if (self->session != NULL)
    section->set_session (self->contents[i], self->session);
  /* The Workouts player needs GStreamer: it loads now, on a thread, so that
   * Play is usually instant (fc-gstreamer.h). */
  if (g_str_equal (section->name, "workouts"))
    fc_gstreamer_preload ();

  page = fc_section_page_new (_(section->title), section->icon_name,
                              _(section->heading), _(section->description));
  fc_section_page_set_content (FC_SECTION_PAGE (page), self->contents[i]);
  g_object_bind_property (self->leaflet, "folded", page, "folded", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->sidebar_menu_button, "menu-model", page, "menu-model",
                          G_BINDING_SYNC_CREATE);
  gtk_stack_add_titled (self->stack, page, section->name, _(section->title));
  self->pages[i] = page;
}

static void
fc_window_add_sections (FcWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++) {
    const FcSection *section = &sections[i];

    if (g_str_equal (section->name, "today")) {
      fc_window_ensure_page (self, i);
      self->today_page = FC_TODAY_PAGE (self->contents[i]);
    } else if (g_str_equal (section->name, "notifications")) {
      fc_window_ensure_page (self, i);
      self->notifications_page = FC_NOTIFICATIONS_PAGE (self->contents[i]);
    }

    self->rows[i] = create_sidebar_row (section);
    gtk_list_box_append (self->sidebar_list, self->rows[i]);

    if (section->staff_only)
      g_object_bind_property (self, "show-admin", self->rows[i], "visible", G_BINDING_SYNC_CREATE);
    if (self->notifications_page != NULL && g_str_equal (section->name, "notifications"))
      add_unread_badge (self->rows[i], self->notifications_page);
  }
  /* Today's card says what the badge says. */
  g_object_bind_property (self->notifications_page, "unread-count", self->today_page,
                          "unread-count", G_BINDING_SYNC_CREATE);
}

/* Shows @section in the stack, its page built first. */
static void
fc_window_show_section_page (FcWindow        *self,
                             const FcSection *section)
{
  fc_window_ensure_page (self, section - sections);
  gtk_stack_set_visible_child_name (self->stack, section->name);
}

static void
fc_window_give_pages_session (FcWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++) {
    if (self->contents[i] != NULL)
      sections[i].set_session (self->contents[i], self->session);
  }
}

static void fc_window_update_sections (FcWindow *self);
static void fc_window_mark_section_row (FcWindow *self);

static GMenuModel *
fc_window_get_primary_menu (FcWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  /* The menu lives in gtk/menus.ui, which only the application loads; the
   * pages' menu buttons follow the sidebar's through bindings. */
  return app != NULL ? G_MENU_MODEL (gtk_application_get_menu_by_id (app, "primary_menu")) : NULL;
}

/* The welcome page and its three forms are built when first shown: in the
 * window's template, styling them while a signed-in start shows its spinner
 * delayed the first window by about 15 ms (tests/bench/app/warm-start.py). */
static FcWelcomePage *
fc_window_ensure_welcome (FcWindow *self)
{
  if (self->welcome_page != NULL)
    return self->welcome_page;

  self->welcome_page = FC_WELCOME_PAGE (fc_welcome_page_new ());
  fc_welcome_page_set_session (self->welcome_page, self->session);
  fc_welcome_page_set_menu_model (self->welcome_page, fc_window_get_primary_menu (self));
  gtk_stack_add_named (self->main_stack, GTK_WIDGET (self->welcome_page), "welcome");

  return self->welcome_page;
}

/* The sidebar and the section pages (those not on show wait for
 * fc_window_ensure_page()) are built when the sections are first shown, or
 * once the first frame is drawn: the first window shows a spinner while the
 * last session is restored, or the welcome page, and building them first
 * made it wait about half a second more (FITCORE_DEBUG_STARTUP=1). */
static void
fc_window_ensure_sections (FcWindow *self)
{
  if (self->built)
    return;
  self->built = TRUE;
  g_clear_handle_id (&self->build_id, g_source_remove);

  fc_window_add_sections (self);
  if (self->section != NULL)
    fc_window_show_section_page (self, self->section);
  fc_window_mark_section_row (self);
  /* The pages built took the session from fc_window_ensure_page(). */
  if (self->session != NULL)
    fc_window_update_sections (self);
  fc_startup_log ("section pages built");
}

static gboolean
build_sections_cb (gpointer user_data)
{
  FcWindow *self = user_data;

  self->build_id = 0;
  fc_window_ensure_sections (self);
  return G_SOURCE_REMOVE;
}

static void
on_first_frame_cb (GdkFrameClock *clock,
                   FcWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_cb, self);
  if (!self->built && self->build_id == 0)
    self->build_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, build_sections_cb, self, NULL);
}

static void
fc_window_map (GtkWidget *widget)
{
  FcWindow *self = FC_WINDOW (widget);
  GdkFrameClock *clock;

  GTK_WIDGET_CLASS (fc_window_parent_class)->map (widget);

  clock = gtk_widget_get_frame_clock (widget);
  if (!self->built && clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_first_frame_cb), self, 0);
}

/* Only matters when folded: the sidebar slides away to show the page. */
static void
fc_window_show_content (FcWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->stack));
}

static void
fc_window_save_size (FcWindow *self)
{
  int width;
  int height;

  /* A maximized or fullscreen window reports the screen's size; keep the
   * size it will return to instead. */
  if (gtk_window_is_maximized (GTK_WINDOW (self)) || gtk_window_is_fullscreen (GTK_WINDOW (self)))
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, FC_SETTINGS_WINDOW_WIDTH, width);
  g_settings_set_int (self->settings, FC_SETTINGS_WINDOW_HEIGHT, height);
}

/* The sidebar has no GtkListBox selection: in GTK 4.8 a selection follows
 * the focus, so Tab (which visits every row) switched the section at each
 * row and the content could not be reached from the keyboard. A row is
 * chosen by activating it (a click, Enter, Space), and the current one is
 * drawn and announced as selected by hand. */
static void
fc_window_mark_section_row (FcWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++) {
    GtkWidget *row = self->rows[i];
    gboolean current = self->section == &sections[i];

    if (row == NULL)
      continue;
    if (current)
      gtk_widget_set_state_flags (row, GTK_STATE_FLAG_SELECTED, FALSE);
    else
      gtk_widget_unset_state_flags (row, GTK_STATE_FLAG_SELECTED);
    gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                 GTK_ACCESSIBLE_STATE_SELECTED, current,
                                 -1);
  }
}

static void
on_sidebar_list_row_activated_cb (FcWindow      *self,
                                  GtkListBoxRow *row)
{
  fc_window_set_section (self, gtk_widget_get_name (GTK_WIDGET (row)));
  fc_window_show_content (self);
}

/* GTK 4.8's list box moves Tab from row to row; a sidebar is one stop
 * (the arrow keys move within it), so Tab goes on to the section's content
 * when it is beside the sidebar. */
static gboolean
on_sidebar_key_pressed_cb (FcWindow              *self,
                           guint                  keyval,
                           guint                  keycode,
                           GdkModifierType        state,
                           GtkEventControllerKey *controller)
{
  GtkWidget *page;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab) ||
      (state & gtk_accelerator_get_default_mod_mask ()) != 0 ||
      adw_leaflet_get_folded (self->leaflet))
    return GDK_EVENT_PROPAGATE;

  page = gtk_stack_get_visible_child (self->stack);
  if (page != NULL && gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD))
    return GDK_EVENT_STOP;
  return GDK_EVENT_PROPAGATE;
}

static void
show_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);
  const FcSection *section = find_section (g_variant_get_string (parameter, NULL));

  /* Ctrl+6 does nothing for someone who is not staff. */
  if (!fc_window_may_show (self, section))
    return;

  fc_window_set_section (self, section->name);
  fc_window_show_content (self);
}

static void
show_sidebar_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

/* How long the window may stay blank while the last session is restored
 * before it shows its header bar and a spinner (the GNOME HIG: no spinner
 * for a wait too short to read it). */
#define LOADING_SPINNER_DELAY_MS 400

static gboolean
show_loading_cb (gpointer user_data)
{
  FcWindow *self = user_data;

  self->loading_id = 0;
  gtk_widget_set_visible (self->loading_box, TRUE);
  return G_SOURCE_REMOVE;
}

/* Which page of the window: the sections, the welcome page, or a spinner
 * while the last session is restored. */
static void
fc_window_update_page (FcWindow *self)
{
  FcSessionState state = self->session != NULL ? fc_session_get_state (self->session)
                                                : FC_SESSION_SIGNED_OUT;
  gboolean signed_in = state == FC_SESSION_SIGNED_IN;
  const char *page;

  if (self->restoring || state == FC_SESSION_RESTORING)
    page = "loading";
  else if (signed_in)
    page = "main";
  else
    page = "welcome";

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-now", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-profile", signed_in);
  /* Premium only where the server sells it (Django has no payments/). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.premium",
                                 signed_in && fc_session_has_section (self->session, "payments"));

  if (g_str_equal (page, "loading")) {
    if (self->loading_id == 0 && !gtk_widget_get_visible (self->loading_box))
      self->loading_id = g_timeout_add (LOADING_SPINNER_DELAY_MS, show_loading_cb, self);
  } else {
    g_clear_handle_id (&self->loading_id, g_source_remove);
  }

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), page) == 0)
    return;

  if (g_str_equal (page, "main")) {
    gtk_widget_set_visible (GTK_WIDGET (self->leaflet), TRUE);
    fc_window_ensure_sections (self);
  } else if (g_str_equal (page, "welcome"))
    fc_window_ensure_welcome (self);
  /* From the spinner, no crossfade: a start has nothing to fade from, and
   * the cairo renderer drew the fade's frames into window-sized images
   * (and a shared-memory buffer for the X server) whose 8 MiB stayed in
   * the app's memory (tests/bench/app/rss.py). */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "loading") == 0)
    gtk_stack_set_visible_child_full (self->main_stack, page, GTK_STACK_TRANSITION_TYPE_NONE);
  else
    gtk_stack_set_visible_child_name (self->main_stack, page);

  /* Someone who just signed in wants their day, not the list of sections,
   * on a phone-sized window too. */
  if (g_str_equal (page, "main"))
    fc_window_show_content (self);

  if (g_str_equal (page, "welcome")) {
    /* A session that ended on its own asks to sign in again, with the
     * address filled in; a deliberate sign-out starts over. */
    if (self->ended_message != NULL)
      fc_welcome_page_show_sign_in (self->welcome_page, self->account, self->ended_message);
    else
      fc_welcome_page_show_start (self->welcome_page);
    g_clear_pointer (&self->ended_message, g_free);
  }
}

static void
fc_window_update_sections (FcWindow *self)
{
  for (guint i = 0; self->built && i < G_N_ELEMENTS (sections); i++) {
    if (!sections[i].staff_only)
      gtk_widget_set_visible (self->rows[i], fc_window_is_offered (self, &sections[i]));
  }

  fc_window_set_show_admin (self, self->session != NULL && fc_session_get_is_staff (self->session));

  /* The section on show may have gone with the server's list, or the
   * saved one may have come with it. */
  if (self->section != NULL && !fc_window_may_show (self, self->section)) {
    fc_window_set_section (self, NULL);
  } else if (self->fell_back && fc_window_may_show (self, find_section (self->wanted))) {
    g_autofree char *wanted = g_steal_pointer (&self->wanted);

    fc_window_set_section (self, wanted);
  }
}

static void
on_session_account_changed_cb (FcWindow *self)
{
  const char *account = fc_session_get_account (self->session);

  if (account != NULL && g_strcmp0 (account, self->account) != 0) {
    g_free (self->account);
    self->account = g_strdup (account);
  }
}

static void
on_session_signed_out_cb (FcWindow   *self,
                          const char *reason,
                          gboolean    by_user)
{
  if (by_user)
    return;

  g_free (self->ended_message);
  /* Said on the sign-in form, where it is acted on; a toast would queue
   * behind older ones and say it again. */
  self->ended_message = fc_session_get_deactivated (self->session)
                        ? g_strdup (reason)
                        : g_strdup (_("Your session ended. Sign in again to continue."));

  /* The state may have changed before this signal, or may change after. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "welcome") == 0) {
    fc_welcome_page_show_sign_in (self->welcome_page, self->account, self->ended_message);
    g_clear_pointer (&self->ended_message, g_free);
  }
}

static void
sign_out_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcWindow) self = user_data;

  fc_session_sign_out_finish (FC_SESSION (object), result);
  g_clear_pointer (&self->ended_message, g_free);
  fc_window_update_page (self);
}

static void
fc_window_sign_out (FcWindow *self)
{
  fc_session_sign_out_async (self->session, NULL, sign_out_cb, g_object_ref (self));
}

static void
on_sign_out_response_cb (FcWindow   *self,
                         const char *response)
{
  if (g_strcmp0 (response, "sign-out") == 0)
    fc_window_sign_out (self);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);
  FcSyncEngine *engine = fc_session_get_sync_engine (self->session);
  guint waiting = 0;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (engine != NULL)
    waiting = fc_sync_engine_get_pending_count (engine) + fc_sync_engine_get_rejected_count (engine);

  if (waiting == 0) {
    fc_window_sign_out (self);
    return;
  }

  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u change has not reached the server yet. It stays on "
                                       "this computer and is sent when you sign in again.",
                                       "%u changes have not reached the server yet. They stay on "
                                       "this computer and are sent when you sign in again.",
                                       waiting),
                          waiting);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Sign Out?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "sign-out", _("_Sign Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);
  FcSyncEngine *engine = fc_session_get_sync_engine (self->session);

  /* The user asked: everything, foods included, whatever is fresh. */
  if (engine != NULL)
    fc_sync_engine_request_full_sync (engine);
}

static void
edit_profile_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);

  if (fc_session_get_store (self->session) == NULL)
    return;

  gtk_window_present (GTK_WINDOW (fc_profile_window_new (GTK_WINDOW (self), self->session)));
}

static void
premium_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);

  if (fc_session_get_client (self->session) != NULL)
    fc_premium_page_present (GTK_WINDOW (self), self->session);
}

static void
fc_window_set_session (FcWindow  *self,
                       FcSession *session)
{
  g_assert (self->session == NULL);

  if (session == NULL)
    return;

  self->session = g_object_ref (session);
  if (self->welcome_page != NULL)
    fc_welcome_page_set_session (self->welcome_page, session);
  if (self->built)
    fc_window_give_pages_session (self);

  g_signal_connect_object (session, "notify::state", G_CALLBACK (fc_window_update_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::sections", G_CALLBACK (fc_window_update_sections),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::sections", G_CALLBACK (fc_window_update_page),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::is-staff", G_CALLBACK (fc_window_update_sections),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::account", G_CALLBACK (on_session_account_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "signed-out", G_CALLBACK (on_session_signed_out_cb), self,
                           G_CONNECT_SWAPPED);

  on_session_account_changed_cb (self);
  fc_window_update_sections (self);
  /* The page follows once "restoring" is set too: fc_window_constructed(). */
}

static void
on_notify_application_cb (FcWindow *self)
{
  GMenuModel *menu = fc_window_get_primary_menu (self);

  gtk_menu_button_set_menu_model (self->sidebar_menu_button, menu);
  if (self->welcome_page != NULL)
    fc_welcome_page_set_menu_model (self->welcome_page, menu);
}

static gboolean
fc_window_close_request (GtkWindow *window)
{
  fc_window_save_size (FC_WINDOW (window));

  return GTK_WINDOW_CLASS (fc_window_parent_class)->close_request (window);
}

static void
fc_window_dispose (GObject *object)
{
  FcWindow *self = (FcWindow *) object;

  g_clear_handle_id (&self->build_id, g_source_remove);
  g_clear_handle_id (&self->loading_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fc_window_parent_class)->dispose (object);
}

static void
fc_window_finalize (GObject *object)
{
  FcWindow *self = (FcWindow *) object;

  g_clear_pointer (&self->account, g_free);
  g_clear_pointer (&self->ended_message, g_free);
  g_clear_pointer (&self->wanted, g_free);

  G_OBJECT_CLASS (fc_window_parent_class)->finalize (object);
}

static void
fc_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FcWindow *self = FC_WINDOW (object);

  switch (prop_id) {
    case PROP_SECTION:
      g_value_set_string (value, fc_window_get_section (self));
      break;
    case PROP_SHOW_ADMIN:
      g_value_set_boolean (value, self->show_admin);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_RESTORING:
      g_value_set_boolean (value, self->restoring);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FcWindow *self = FC_WINDOW (object);

  switch (prop_id) {
    case PROP_SECTION:
          fc_window_set_section (self, g_value_get_string (value));
      break;
    case PROP_SHOW_ADMIN:
      fc_window_set_show_admin (self, g_value_get_boolean (value));
      break;
    case PROP_SESSION:
      fc_window_set_session (self, g_value_get_object (value));
      break;
    case PROP_RESTORING:
      if (self->restoring != g_value_get_boolean (value)) {
        self->restoring = g_value_get_boolean (value);
        if (self->constructed)
          fc_window_update_page (self);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

/* Whether the window opens on the spinner or on the welcome page is known
 * only once both "session" and "restoring" are set: choosing with one of
 * them built the welcome page on every signed-in start. */
static void
fc_window_constructed (GObject *object)
{
  FcWindow *self = FC_WINDOW (object);

  G_OBJECT_CLASS (fc_window_parent_class)->constructed (object);

  self->constructed = TRUE;
  fc_window_update_page (self);
}

static void
fc_window_class_init (FcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fc_window_constructed;
  object_class->dispose = fc_window_dispose;
  object_class->finalize = fc_window_finalize;
  object_class->get_property = fc_window_get_property;
  object_class->set_property = fc_window_set_property;

  window_class->close_request = fc_window_close_request;
  widget_class->map = fc_window_map;

  /* The name of the section on show; kept in GSettings so the window
   * reopens where it was left. */
  properties[PROP_SECTION] =
    g_param_spec_string ("section", NULL, NULL,
                         "today",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Whether the Admin section is offered; bound to the signed-in user's
   * staff flag once sign-in exists. */
  properties[PROP_SHOW_ADMIN] =
    g_param_spec_boolean ("show-admin", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The application's one account service. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         FC_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* TRUE while the application restores the last session: neither the
   * welcome page nor the sections are right yet. */
  properties[PROP_RESTORING] =
    g_param_spec_boolean ("restoring", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FC_TYPE_SECTION_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fitcore/FitCore/ui/fc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FcWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, loading_box);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, sidebar_menu_button);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.show-section", "s", show_section_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
  gtk_widget_class_install_property_action (widget_class, "win.fullscreen", "fullscreened");
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.edit-profile", NULL, edit_profile_action);
  gtk_widget_class_install_action (widget_class, "win.premium", NULL, premium_action);

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.show-section", "s", sections[i].name);
}

static void
fc_window_init (FcWindow *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The application's one GSettings (fc-settings.h). */
  self->settings = g_object_ref (fc_settings_get_default ());

  /* GtkWindow:application is set after construction, not before. */
  g_signal_connect (self, "notify::application", G_CALLBACK (on_notify_application_cb), NULL);


  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (on_sidebar_key_pressed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->sidebar_list), controller);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, FC_SETTINGS_WINDOW_WIDTH),
                               g_settings_get_int (self->settings, FC_SETTINGS_WINDOW_HEIGHT));
  g_settings_bind (self->settings, FC_SETTINGS_WINDOW_MAXIMIZED,
                   self, "maximized",
                   G_SETTINGS_BIND_DEFAULT);

  fc_window_set_section (self, sections[0].name);
  g_settings_bind (self->settings, FC_SETTINGS_LAST_SECTION,
                   self, "section",
                   G_SETTINGS_BIND_DEFAULT);
}

/**
 * fc_window_new:
 * @application: the application
 * @session: the application's account service
 * @restoring: whether the last session is being restored (the window opens
 *   on a spinner, not on the welcome page)
 */
FcWindow *
fc_window_new (AdwApplication *application,
               FcSession      *session,
               gboolean        restoring)
{
  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  return g_object_new (FC_TYPE_WINDOW,
                       "application", application,
                       "session", session,
                       "restoring", restoring,
                       NULL);
}

const char *
fc_window_get_section (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);

  return self->section != NULL ? self->section->name : NULL;
}

/**
 * fc_window_set_section:
 * @self: a #FcWindow
 * @section: a section name such as "workouts"
 *
 * Shows @section. An unknown name, or Admin for someone who is not staff,
 * shows Today instead: the name may come from an old or edited GSettings.
 */
void
fc_window_set_section (FcWindow   *self,
                       const char *section)
{
  const FcSection *found;
  gboolean fallback;

  g_return_if_fail (FC_IS_WINDOW (self));

  found = find_section (section);
  fallback = !fc_window_may_show (self, found);
  if (fallback) {
    found = &sections[0];
    if (section != NULL && find_section (section) != NULL) {
      g_free (self->wanted);
      self->wanted = g_strdup (section);
    }
  }

  if (found == self->section) {
    /* Choosing Today after a fallback to it is a choice worth keeping. */
    if (fallback) {
      self->fell_back = TRUE;
    } else if (self->fell_back) {
      self->fell_back = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECTION]);
    }
    return;
  }

  self->section = found;
  if (self->built)
    fc_window_show_section_page (self, found);
  fc_window_mark_section_row (self);

  /* A section that is not offered yet (the server's list comes after the
   * window) must not overwrite the one saved in GSettings: it comes back
   * when the list does. */
  self->fell_back = fallback;
  if (!fallback)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECTION]);
}

gboolean
fc_window_get_show_admin (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), FALSE);

  return self->show_admin;
}

void
fc_window_set_show_admin (FcWindow *self,
                          gboolean  show_admin)
{
  g_return_if_fail (FC_IS_WINDOW (self));

  show_admin = !!show_admin;
  if (self->show_admin == show_admin)
    return;

  self->show_admin = show_admin;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_ADMIN]);

  /* Someone who stops being staff must not stay on the Admin page. */
  if (!fc_window_may_show (self, self->section))
    fc_window_set_section (self, sections[0].name);
}

/**
 * fc_window_add_toast:
 * @self: a #FcWindow
 * @toast: (transfer full): the toast to show
 *
 * Shows @toast over the section pages; errors and confirmations go here.
 */
void
fc_window_add_toast (FcWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (FC_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * fc_window_show_secrets_unavailable:
 * @self: a #FcWindow
 *
 * Tells the user, once, that their sign-in cannot outlive this run: no
 * Secret Service took the tokens (FcSession::secrets-unavailable).
 */
void
fc_window_show_secrets_unavailable (FcWindow *self)
{
  AdwMessageDialog *dialog;

  g_return_if_fail (FC_IS_WINDOW (self));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Sign-In Kept for This Run Only"),
                                                       NULL));
  adw_message_dialog_set_body (dialog,
                               _("No keyring could store your sign-in, so FitCore keeps it in "
                                 "memory until you quit. You will be asked to sign in again "
                                 "next time. Your data stays on this computer."));
  adw_message_dialog_add_response (dialog, "close", _("_OK"));
  gtk_window_present (GTK_WINDOW (dialog));
}
