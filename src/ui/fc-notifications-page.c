/* fc-notifications-page.c — the Notifications section: the account's inbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inbox is live server data asked for through FcNotificationsService
 * (the UI speaks no HTTP). It is reloaded when the page gets a session,
 * after every sync (Ctrl+R), on every event of the service's WebSocket
 * stream (docs/notifications-wire.md), and, should the stream be down, when
 * the unread count, asked for every POLL_S seconds, changes. A
 * notification that arrives while the window is not focused is also sent
 * as a GNotification.
 *
 * A deletion waits for its toast: the row goes at once, the DELETE is sent
 * when the toast is dismissed without Undo, so Undo needs no server call.
 */

#define G_LOG_DOMAIN "fitcore-notifications"

#include "config.h"

#include "fc-notifications-page.h"

#include <glib/gi18n.h>

#include "fc-notifications-service.h"

#define PAGE_SIZE 100
#define MAX_PAGES 5     /* 500 notifications: the inbox, not an archive */
#define POLL_S    60

struct _FcNotificationsPage
{
  AdwBin                  parent_instance;

  /* Template widgets */
  AdwToastOverlay        *toast_overlay;
  GtkLabel               *unread_label;
  GtkButton              *mark_all_button;
  GtkStack               *stack;
  GtkSpinner             *spinner;
  AdwStatusPage          *offline_page;
  GtkListBox             *list_box;

  /* Owned */
  FcSession              *session;
  FcNotificationsService *service;
  GCancellable           *cancellable;
  GPtrArray              *items;       /* JsonObject, newest first */
  GPtrArray              *loading;     /* JsonObject: the pages of the load going on */
  GHashTable             *hidden;      /* ids (gint64 *) waiting for their toast */
  GSource                *poll_source;

  guint                   unread_count;
  gint64                  newest_id;   /* of the last load; 0 before the first */
  gboolean                loaded;
  gboolean                reload_again;
};

G_DEFINE_FINAL_TYPE (FcNotificationsPage, fc_notifications_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_UNREAD_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fc_notifications_page_reload (FcNotificationsPage *self);

static gint64
item_id (JsonObject *item)
{
  return json_object_get_int_member_with_default (item, "id", 0);
}

static gboolean
item_is_read (JsonObject *item)
{
  return json_object_get_boolean_member_with_default (item, "is_read", FALSE);
}

static JsonObject *
find_item (FcNotificationsPage *self,
           gint64               id)
{
  for (guint i = 0; i < self->items->len; i++) {
    if (item_id (g_ptr_array_index (self->items, i)) == id)
      return g_ptr_array_index (self->items, i);
  }
  return NULL;
}

/* The local time of @item, or NULL when the server sent none we can read. */
static GDateTime *
item_time (JsonObject *item)
{
  const char *created = json_object_get_string_member_with_default (item, "created_at", NULL);
  g_autoptr(GDateTime) utc = NULL;

  if (created == NULL)
    return NULL;
  utc = g_date_time_new_from_iso8601 (created, NULL);
  return utc != NULL ? g_date_time_to_local (utc) : NULL;
}

/* "Today", "Yesterday" or the date: the heading of @item's day. */
static char *
day_heading (JsonObject *item)
{
  g_autoptr(GDateTime) when = item_time (item);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDate) day = NULL;
  g_autoptr(GDate) today = NULL;
  gint days;

  if (when == NULL)
    return g_strdup (_("Earlier"));
  day = g_date_new_dmy (g_date_time_get_day_of_month (when), g_date_time_get_month (when),
                        g_date_time_get_year (when));
  today = g_date_new_dmy (g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                          g_date_time_get_year (now));
  days = g_date_days_between (day, today);
  if (days == 0)
    return g_strdup (_("Today"));
  if (days == 1)
    return g_strdup (_("Yesterday"));
  /* TRANSLATORS: a day heading in the inbox, see strftime(3) */
  return g_date_time_format (when, _("%A, %-d %B %Y"));
}

static void
set_unread_count (FcNotificationsPage *self,
                  guint                count)
{
  g_autofree char *text = NULL;

  if (count == 0)
    text = g_strdup (_("All read"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unread", "%u unread", count), count);
  gtk_label_set_text (self->unread_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "notifications.mark-all-read", count > 0);

  if (self->unread_count == count)
    return;
  self->unread_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
}

/* The count of what is shown, for after local changes; the server's count
 * replaces it at the next load or poll. */
static void
count_unread (FcNotificationsPage *self)
{
  guint count = 0;

  for (guint i = 0; i < self->items->len; i++) {
    JsonObject *item = g_ptr_array_index (self->items, i);

    if (!item_is_read (item) && !g_hash_table_contains (self->hidden, &(gint64) { item_id (item) }))
      count++;
  }
  set_unread_count (self, count);
}

/* Rows */

static void
on_row_toggle_read_cb (GtkButton *button,
                       gpointer   user_data)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  gtk_widget_activate_action (row, "notifications.toggle-read", "x",
                              (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row),
                                                                            "fc-id")));
}

static void
on_row_delete_cb (GtkButton *button,
                  gpointer   user_data)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  gtk_widget_activate_action (row, "notifications.delete", "x",
                              (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row),
                                                                            "fc-id")));
}

static GtkWidget *
create_row (JsonObject *item)
{
  gboolean read = item_is_read (item);
  const char *title = json_object_get_string_member_with_default (item, "title", "");
  const char *message = json_object_get_string_member_with_default (item, "message", "");
  g_autoptr(GDateTime) when = item_time (item);
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *markup = read ? g_strdup (escaped) : g_strdup_printf ("<b>%s</b>", escaped);
  g_autofree char *subtitle = g_markup_escape_text (message, -1);
  GtkWidget *row;
  GtkWidget *dot;
  GtkWidget *button;

  row = g_object_new (ADW_TYPE_ACTION_ROW,
                      "title", markup,
                      "subtitle", subtitle,
                      "subtitle-lines", 3,
                      NULL);
  g_object_set_data (G_OBJECT (row), "fc-id", GSIZE_TO_POINTER ((gsize) item_id (item)));
  /* The row is named by its title (AdwActionRow); the dot tells screen
   * readers "Unread" as it tells the eye, and is nothing on a read one. */
  dot = g_object_new (GTK_TYPE_IMAGE,
                      "icon-name", "media-record-symbolic",
                      "opacity", read ? 0.0 : 1.0,
                      "accessible-role", read ? GTK_ACCESSIBLE_ROLE_PRESENTATION
                                              : GTK_ACCESSIBLE_ROLE_IMG,
                      NULL);
  gtk_widget_add_css_class (dot, "accent");
  if (!read)
    gtk_accessible_update_property (GTK_ACCESSIBLE (dot), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Unread"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), dot);

  if (when != NULL) {
    /* Translators: the time a notification arrived, see g_date_time_format() */
    g_autofree char *time = g_date_time_format (when, _("%H:%M"));
    GtkWidget *label = gtk_label_new (time);

    gtk_widget_add_css_class (label, "dim-label");
    gtk_widget_add_css_class (label, "numeric");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  }

  button = g_object_new (GTK_TYPE_BUTTON,
                         "icon-name", read ? "mail-unread-symbolic" : "mail-read-symbolic",
                         "tooltip-text", read ? _("Mark as Unread") : _("Mark as Read"),
                         "valign", GTK_ALIGN_CENTER,
                         NULL);
  gtk_widget_add_css_class (button, "flat");
  /* Named after the notification, so each row's buttons say whose they are. */
  {
    /* TRANSLATORS: a button's accessible name, %s is a notification's title */
    g_autofree char *name = g_strdup_printf (read ? _("Mark %s as Unread") : _("Mark %s as Read"),
                                             title);

    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                    -1);
  }
  g_signal_connect (button, "clicked", G_CALLBACK (on_row_toggle_read_cb), NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  button = g_object_new (GTK_TYPE_BUTTON,
                         "icon-name", "user-trash-symbolic",
                         "tooltip-text", _("Delete"),
                         "valign", GTK_ALIGN_CENTER,
                         NULL);
  gtk_widget_add_css_class (button, "flat");
  {
    /* TRANSLATORS: a button's accessible name, %s is a notification's title */
    g_autofree char *name = g_strdup_printf (_("Delete %s"), title);

    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                    -1);
  }
  g_signal_connect (button, "clicked", G_CALLBACK (on_row_delete_cb), NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  g_object_set_data_full (G_OBJECT (row), "fc-day", day_heading (item), g_free);
  return row;
}

/* A heading above the first row of each day. */
static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  const char *day = g_object_get_data (G_OBJECT (row), "fc-day");
  GtkWidget *label;

  if (before != NULL && g_strcmp0 (day, g_object_get_data (G_OBJECT (before), "fc-day")) == 0) {
    gtk_list_box_row_set_header (row, NULL);
    return;
  }
  label = g_object_new (GTK_TYPE_LABEL,
                        "label", day,
                        "xalign", 0.0f,
                        "margin-top", before != NULL ? 18 : 6,
                        "margin-bottom", 6,
                        "margin-start", 6,
                        NULL);
  gtk_widget_add_css_class (label, "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, day, -1);
  gtk_list_box_row_set_header (row, label);
}

static void
rebuild (FcNotificationsPage *self)
{
  GtkWidget *child;
  gint64 selected = 0;
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list_box);
  guint shown = 0;

  if (row != NULL)
    selected = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "fc-id"));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  for (guint i = 0; i < self->items->len; i++) {
    JsonObject *item = g_ptr_array_index (self->items, i);
    GtkWidget *new_row;

    if (g_hash_table_contains (self->hidden, &(gint64) { item_id (item) }))
      continue;
    new_row = create_row (item);
    gtk_list_box_append (self->list_box, new_row);
    if (item_id (item) == selected)
      gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (new_row));
    shown++;
  }

  if (self->loaded)
    gtk_stack_set_visible_child_name (self->stack, shown > 0 ? "list" : "empty");
  count_unread (self);
}

/* Desktop notifications */

static void
on_show_notifications_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (g_application_get_default ());
  GtkWindow *window = app != NULL ? gtk_application_get_active_window (app) : NULL;

  if (window == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "notifications");
  gtk_window_present (window);
}

/* New ones arrived while the window was not focused: tell the desktop.
 * Its default action opens the section. */
static void
send_desktop_notifications (FcNotificationsPage *self,
                            gint64               newer_than)
{
  GApplication *app = g_application_get_default ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (app == NULL || newer_than == 0)
    return;
  if (GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (root)))
    return;

  if (g_action_map_lookup_action (G_ACTION_MAP (app), "show-notifications") == NULL) {
    g_autoptr(GSimpleAction) action = g_simple_action_new ("show-notifications", NULL);

    g_signal_connect (action, "activate", G_CALLBACK (on_show_notifications_cb), NULL);
    g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
  }

  for (guint i = 0; i < self->items->len; i++) {
    JsonObject *item = g_ptr_array_index (self->items, i);
    g_autoptr(GNotification) notification = NULL;
    g_autofree char *id = NULL;

    if (item_id (item) <= newer_than || item_is_read (item))
      continue;
    notification = g_notification_new (json_object_get_string_member_with_default (item, "title",
                                                                                   ""));
    g_notification_set_body (notification,
                             json_object_get_string_member_with_default (item, "message", NULL));
    g_notification_set_default_action (notification, "app.show-notifications");
    id = g_strdup_printf ("notification-%" G_GINT64_FORMAT, item_id (item));
    g_application_send_notification (app, id, notification);
  }
}

/* Loading */

static void load_page (FcNotificationsPage *self, guint page);

static void
on_list_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  FcNotificationsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;
  JsonArray *results;
  guint number;
  gint64 previous_newest;

  page = fc_notifications_service_list_finish (FC_NOTIFICATIONS_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  number = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self->list_box), "fc-page"));
  if (page == NULL) {
    g_clear_pointer (&self->loading, g_ptr_array_unref);
    gtk_spinner_stop (self->spinner);
    if (self->loaded) {
      /* What was loaded stays; the next poll or sync tries again. */
      g_debug ("Could not reload the inbox: %s", error->message);
    } else {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->offline_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "offline");
    }
    goto done;
  }

  results = json_object_get_array_member (page, "results");
  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonNode *node = json_array_get_element (results, i);

    if (JSON_NODE_HOLDS_OBJECT (node))
      g_ptr_array_add (self->loading, json_object_ref (json_node_get_object (node)));
  }
  if (!json_object_get_null_member (page, "next") && number < MAX_PAGES &&
      json_array_get_length (results) > 0) {
    load_page (self, number + 1);
    return;
  }

  /* Done: the pages replace what was shown. */
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = g_steal_pointer (&self->loading);
  previous_newest = self->newest_id;
  self->newest_id = self->items->len > 0 ? item_id (g_ptr_array_index (self->items, 0)) : 0;
  self->loaded = TRUE;
  gtk_spinner_stop (self->spinner);
  rebuild (self);
  send_desktop_notifications (self, previous_newest);

done:
  if (self->reload_again) {
    self->reload_again = FALSE;
    fc_notifications_page_reload (self);
  }
}

static void
load_page (FcNotificationsPage *self,
           guint                page)
{
  g_object_set_data (G_OBJECT (self->list_box), "fc-page", GUINT_TO_POINTER (page));
  fc_notifications_service_list_async (self->service, page, PAGE_SIZE, self->cancellable,
                                       on_list_cb, self);
}

static void
fc_notifications_page_reload (FcNotificationsPage *self)
{
  if (self->service == NULL)
    return;
  if (self->loading != NULL) {
    /* One load at a time; this one follows it. */
    self->reload_again = TRUE;
    return;
  }
  self->loading = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (!self->loaded) {
    gtk_stack_set_visible_child_name (self->stack, "loading");
    gtk_spinner_start (self->spinner);
  }
  load_page (self, 1);
}

/* Polling: the count is one small request; the list is loaded only when
 * the count says something changed. */

static void
on_unread_count_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  FcNotificationsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 count;

  count = fc_notifications_service_unread_count_finish (FC_NOTIFICATIONS_SERVICE (source), result,
                                                        &error);
  if (count < 0)
    return;
  if ((guint) count != self->unread_count)
    fc_notifications_page_reload (self);
}

static gboolean
on_poll_cb (gpointer user_data)
{
  FcNotificationsPage *self = user_data;

  if (self->service != NULL && self->loading == NULL &&
      !fc_notifications_service_get_stream_connected (self->service))
    fc_notifications_service_unread_count_async (self->service, self->cancellable,
                                                 on_unread_count_cb, self);
  return G_SOURCE_CONTINUE;
}

/* Actions */

/* A write's answer: a refusal is shown (toast titles are markup) and the
 * server's state loaded again; @reload asks for that after a success too. */
static void
write_done (FcNotificationsPage *self,
            gboolean             ok,
            gboolean             reload,
            GError              *error)
{
  if (!ok) {
    g_autofree char *escaped = NULL;

    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    escaped = g_markup_escape_text (error->message, -1);
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
  }
  if (!ok || reload)
    fc_notifications_page_reload (self);
}

static void
on_set_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FcNotificationsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;

  answer = fc_notifications_service_set_read_finish (FC_NOTIFICATIONS_SERVICE (source), result,
                                                     &error);
  write_done (self, answer != NULL, FALSE, error);
}

static void
toggle_read_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  JsonObject *item = find_item (self, id);
  gboolean read;

  if (item == NULL || self->service == NULL)
    return;
  read = !item_is_read (item);
  json_object_set_boolean_member (item, "is_read", read);
  rebuild (self);
  fc_notifications_service_set_read_async (self->service, id, read, self->cancellable,
                                           on_set_read_cb, g_object_ref (self));
}

static void
on_mark_all_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FcNotificationsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 updated;

  updated = fc_notifications_service_mark_all_read_finish (FC_NOTIFICATIONS_SERVICE (source),
                                                           result, &error);
  write_done (self, updated >= 0, TRUE, error);
}

static void
mark_all_read_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (widget);

  if (self->service == NULL)
    return;
  for (guint i = 0; i < self->items->len; i++)
    json_object_set_boolean_member (g_ptr_array_index (self->items, i), "is_read", TRUE);
  rebuild (self);
  fc_notifications_service_mark_all_read_async (self->service, self->cancellable,
                                                on_mark_all_read_cb, g_object_ref (self));
}

static void
on_delete_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FcNotificationsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = fc_notifications_service_delete_finish (FC_NOTIFICATIONS_SERVICE (source), result, &error);
  write_done (self, ok, TRUE, error);
}

typedef struct {
  FcNotificationsPage *self;   /* owned */
  gint64               id;
  gboolean             undone;
} PendingDelete;

static void
pending_delete_free (PendingDelete *pending)
{
  g_object_unref (pending->self);
  g_free (pending);
}

static void
on_undo_cb (AdwToast      *toast,
            PendingDelete *pending)
{
  pending->undone = TRUE;
}

/* The toast is gone: now the deletion is sent, unless it was undone. */
static void
on_delete_toast_dismissed_cb (AdwToast      *toast,
                              PendingDelete *pending)
{
  FcNotificationsPage *self = pending->self;

  g_hash_table_remove (self->hidden, &pending->id);
  if (pending->undone || self->service == NULL) {
    rebuild (self);
    return;
  }
  g_ptr_array_remove (self->items, find_item (self, pending->id));
  rebuild (self);
  /* Not cancelled with the page's loads: a deletion the user let stand is
   * sent even when the page goes away. */
  fc_notifications_service_delete_async (self->service, pending->id, NULL, on_delete_cb,
                                         g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  JsonObject *item = find_item (self, id);
  PendingDelete *pending;
  g_autofree char *escaped = NULL;
  g_autofree char *title = NULL;
  gint64 *key;
  AdwToast *toast;

  if (item == NULL || g_hash_table_contains (self->hidden, &id))
    return;

  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_add (self->hidden, key);
  rebuild (self);

  /* TRANSLATORS: a toast after deleting a notification, %s is its title */
  /* Toast titles are markup in libadwaita 1.2. */
  escaped = g_markup_escape_text (json_object_get_string_member_with_default (item, "title", ""),
                                  -1);
  title = g_strdup_printf (_("“%s” deleted"), escaped);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  /* Twice libadwaita's 5 s: time to notice what went before it goes for
   * good (the DELETE waits for the toast). */
  adw_toast_set_timeout (toast, 10);
  pending = g_new0 (PendingDelete, 1);
  pending->self = g_object_ref (self);
  pending->id = id;
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo_cb), pending);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed_cb), pending,
                         (GClosureNotify) (void (*) (void)) pending_delete_free, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list_box);

  if (row == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "notifications.delete", "x",
                              (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row),
                                                                            "fc-id")));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fc_notifications_page_reload (FC_NOTIFICATIONS_PAGE (widget));
}

/* Session */

static void
on_sync_engine_synced_cb (FcNotificationsPage *self)
{
  fc_notifications_page_reload (self);
}

/* A change from any device: the list is loaded again (one load at a time,
 * so a burst of events costs at most two). */
static void
on_stream_event_cb (FcNotificationsPage *self,
                    JsonObject          *frame)
{
  fc_notifications_page_reload (self);
}

static void
drop_service (FcNotificationsPage *self)
{
  if (self->service == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->service, self);
  fc_notifications_service_stop_stream (self->service);
  g_clear_object (&self->service);
}

static void
on_session_changed_cb (FcNotificationsPage *self)
{
  FcSyncEngine *engine;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->loading, g_ptr_array_unref);
  g_ptr_array_set_size (self->items, 0);
  self->loaded = FALSE;
  self->newest_id = 0;
  self->reload_again = FALSE;
  drop_service (self);

  /* Signed in (a store) on a server with notifications. */
  if (self->session != NULL && fc_session_get_store (self->session) != NULL &&
      fc_session_has_section (self->session, "notifications"))
    self->service = fc_notifications_service_new_for_session (self->session);
  if (self->service != NULL) {
    g_signal_connect_object (self->service, "stream-event", G_CALLBACK (on_stream_event_cb), self,
                             G_CONNECT_SWAPPED);
    fc_notifications_service_start_stream (self->service);
  }

  engine = self->session != NULL ? fc_session_get_sync_engine (self->session) : NULL;
  if (engine != NULL) {
    g_signal_handlers_disconnect_by_func (engine, on_sync_engine_synced_cb, self);
    g_signal_connect_object (engine, "notify::last-synced", G_CALLBACK (on_sync_engine_synced_cb),
                             self, G_CONNECT_SWAPPED);
  }

  set_unread_count (self, 0);
  rebuild (self);
  if (self->service != NULL)
    fc_notifications_page_reload (self);
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
fc_notifications_page_set_session (FcNotificationsPage *self,
                                   FcSession           *session)
{
  g_return_if_fail (FC_IS_NOTIFICATIONS_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL) {
    g_signal_connect_object (session, "notify::store", G_CALLBACK (on_session_changed_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (session, "notify::sections", G_CALLBACK (on_session_changed_cb),
                             self, G_CONNECT_SWAPPED);
  }
  on_session_changed_cb (self);
}

guint
fc_notifications_page_get_unread_count (FcNotificationsPage *self)
{
  g_return_val_if_fail (FC_IS_NOTIFICATIONS_PAGE (self), 0);

  return self->unread_count;
}

static void
fc_notifications_page_dispose (GObject *object)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->poll_source != NULL) {
    g_source_destroy (self->poll_source);
    g_clear_pointer (&self->poll_source, g_source_unref);
  }
  g_clear_object (&self->cancellable);
  drop_service (self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->loading, g_ptr_array_unref);
  g_clear_pointer (&self->hidden, g_hash_table_unref);

  /* The bin lets go of its child first: gtk_widget_dispose_template()
   * unparents a bound direct child (toast_overlay) behind AdwBin's back,
   * whose own dispose then unparented a freed widget (a critical at quit). */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), FC_TYPE_NOTIFICATIONS_PAGE);

  G_OBJECT_CLASS (fc_notifications_page_parent_class)->dispose (object);
}

static void
fc_notifications_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (object);

  switch (prop_id) {
  case PROP_UNREAD_COUNT:
    g_value_set_uint (value, self->unread_count);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_notifications_page_class_init (FcNotificationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_notifications_page_dispose;
  object_class->get_property = fc_notifications_page_get_property;

  properties[PROP_UNREAD_COUNT] =
    g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-notifications-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcNotificationsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcNotificationsPage, unread_label);
  gtk_widget_class_bind_template_child (widget_class, FcNotificationsPage, mark_all_button);
  gtk_widget_class_bind_template_child (widget_class, FcNotificationsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FcNotificationsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcNotificationsPage, offline_page);
  gtk_widget_class_bind_template_child (widget_class, FcNotificationsPage, list_box);

  gtk_widget_class_install_action (widget_class, "notifications.toggle-read", "x",
                                   toggle_read_action);
  gtk_widget_class_install_action (widget_class, "notifications.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "notifications.delete-selected", NULL,
                                   delete_selected_action);
  gtk_widget_class_install_action (widget_class, "notifications.mark-all-read", NULL,
                                   mark_all_read_action);
  gtk_widget_class_install_action (widget_class, "notifications.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0,
                                       "notifications.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0,
                                       "notifications.delete-selected", NULL);
}

static void
fc_notifications_page_init (FcNotificationsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->hidden = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  gtk_list_box_set_header_func (self->list_box, update_header, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "notifications.mark-all-read", FALSE);

  self->poll_source = g_timeout_source_new_seconds (POLL_S);
  g_source_set_callback (self->poll_source, on_poll_cb, self, NULL);
  g_source_attach (self->poll_source, NULL);
}

GtkWidget *
fc_notifications_page_new (void)
{
  return g_object_new (FC_TYPE_NOTIFICATIONS_PAGE, NULL);
}
