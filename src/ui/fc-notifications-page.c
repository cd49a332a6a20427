/* fc-notifications-page.c — the Notifications section: the account's inbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inbox is the store's (FcNotificationListModel over
 * src/store/fc-store-notifications.h), so it shows what it has offline and
 * after a restart. The sync engine fills it (GET notifications/ once a
 * session, on Ctrl+R and when asked) and the service's
 * WebSocket stream (docs/notifications-wire.md) puts every new, read and
 * deleted notification into it while the page is alive; should the stream
 * be down, the unread count, asked for every POLL_S seconds, has the
 * engine pull the inbox when it differs. Read, unread, mark all read and
 * delete change the store at once and queue their request in the outbox,
 * which the engine sends when it can. A notification that arrives while
 * the window is not focused is also sent as a GNotification.
 *
 * A deletion waits for its toast: the row goes at once, the deletion is
 * written when the toast is dismissed without Undo, so Undo needs nothing
 * undone.
 */

#define G_LOG_DOMAIN "fitcore-notifications"

#include "config.h"

#include "fc-notifications-page.h"

#include <glib/gi18n.h>

#include "fc-notification-list-model.h"
#include "fc-notifications-service.h"
#include "fc-store-notifications.h"

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
  GtkListBox             *list_box;

  /* Owned */
  FcSession              *session;
  FcNotificationsService *service;
  FcStore                *store;
  GListModel             *model;       /* FcNotificationItem, newest first */
  GCancellable           *cancellable;
  GHashTable             *hidden;      /* ids (gint64 *) deleted or waiting for their toast */
  GSource                *poll_source;

  guint                   unread_count;
  gint64                  newest_id;   /* the newest the page has seen */
  gboolean                loaded;      /* the model was read once: newest_id holds */
};

G_DEFINE_FINAL_TYPE (FcNotificationsPage, fc_notifications_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_UNREAD_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
item_id (FcNotificationItem *item)
{
  return fc_object_item_get_id (FC_OBJECT_ITEM (item));
}

static gboolean
item_is_read (FcNotificationItem *item)
{
  return fc_notification_item_get_is_read (item);
}

/* The item @id as the page shows it (a new reference), or NULL. */
static FcNotificationItem *
find_item (FcNotificationsPage *self,
           gint64               id)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcNotificationItem) item = g_list_model_get_item (self->model, i);

    if (item_id (item) == id)
      return g_steal_pointer (&item);
  }
  return NULL;
}

/* "Today", "Yesterday" or the date: the heading of @item's day. */
static char *
day_heading (FcNotificationItem *item)
{
  g_autoptr(GDateTime) when = fc_notification_item_dup_created_at (item);
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

/* The store's count of what is shown (the badge follows the store). */
static void
count_unread (FcNotificationsPage *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  guint count = 0;

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcNotificationItem) item = g_list_model_get_item (self->model, i);

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
create_row (FcNotificationItem *item)
{
  gboolean read = item_is_read (item);
  const char *title = fc_notification_item_get_title (item);
  const char *message = fc_notification_item_get_message (item);
  g_autoptr(GDateTime) when = fc_notification_item_dup_created_at (item);
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
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  guint shown = 0;

  if (row != NULL)
    selected = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "fc-id"));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcNotificationItem) item = g_list_model_get_item (self->model, i);
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
  guint n = g_list_model_get_n_items (self->model);

  if (app == NULL)
    return;
  if (GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (root)))
    return;

  if (g_action_map_lookup_action (G_ACTION_MAP (app), "show-notifications") == NULL) {
    g_autoptr(GSimpleAction) action = g_simple_action_new ("show-notifications", NULL);

    g_signal_connect (action, "activate", G_CALLBACK (on_show_notifications_cb), NULL);
    g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
  }

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcNotificationItem) item = g_list_model_get_item (self->model, i);
    g_autoptr(GNotification) notification = NULL;
    g_autofree char *id = NULL;

    /* Newest first: the rest are older. */
    if (item_id (item) <= newer_than)
      break;
    if (item_is_read (item))
      continue;
    notification = g_notification_new (fc_notification_item_get_title (item));
    g_notification_set_body (notification, fc_notification_item_get_message (item));
    g_notification_set_default_action (notification, "app.show-notifications");
    id = g_strdup_printf ("notification-%" G_GINT64_FORMAT, item_id (item));
    g_application_send_notification (app, id, notification);
  }
}

/* The model */

static void
on_model_items_changed_cb (FcNotificationsPage *self)
{
  guint n = g_list_model_get_n_items (self->model);
  gint64 newest = 0;

  if (fc_store_model_get_loading (FC_STORE_MODEL (self->model)) && !self->loaded)
    return;
  if (n > 0) {
    g_autoptr(FcNotificationItem) first = g_list_model_get_item (self->model, 0);

    newest = item_id (first);
  }
  gtk_spinner_stop (self->spinner);
  /* The first read only says where the page starts: what was there
   * before is not news. */
  if (self->loaded && newest > self->newest_id)
    send_desktop_notifications (self, self->newest_id);
  self->newest_id = MAX (self->newest_id, newest);
  self->loaded = TRUE;
  rebuild (self);
}

/* The first read may change nothing (an empty inbox): it still ends the
 * spinner. Later reads say what changed through items-changed. */
static void
on_model_loading_cb (FcNotificationsPage *self)
{
  if (!self->loaded && !fc_store_model_get_loading (FC_STORE_MODEL (self->model)))
    on_model_items_changed_cb (self);
}

static void
request_pull (FcNotificationsPage *self)
{
  FcSyncEngine *engine = self->session != NULL ? fc_session_get_sync_engine (self->session)
                                               : NULL;

  if (engine != NULL)
    fc_sync_engine_request_notifications_pull (engine);
}

/* Polling, while the stream is down: the count is one small request; the
 * inbox is pulled only when the count says something changed. */

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
    request_pull (self);
}

static gboolean
on_poll_cb (gpointer user_data)
{
  FcNotificationsPage *self = user_data;

  if (self->service != NULL && !fc_notifications_service_get_stream_connected (self->service))
    fc_notifications_service_unread_count_async (self->service, self->cancellable,
                                                 on_unread_count_cb, self);
  return G_SOURCE_CONTINUE;
}

/* Actions: each changes the store at once (the page follows it) and
 * queues its request; only a failure to write says anything. */

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcNotificationsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean (*finish) (FcStore *, GAsyncResult *, GError **) =
    g_async_result_is_tagged (result, fc_store_notifications_set_read_async)
    ? fc_store_notifications_set_read_finish
    : g_async_result_is_tagged (result, fc_store_notifications_delete_async)
    ? fc_store_notifications_delete_finish
    : fc_store_notifications_mark_all_read_finish;
  g_autofree char *escaped = NULL;

  if (finish (FC_STORE (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, FC_STORE_ERROR, FC_STORE_ERROR_NOT_FOUND))
    return;
  /* Toast titles are markup. */
  escaped = g_markup_escape_text (error->message, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static void
toggle_read_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(FcNotificationItem) item = find_item (self, id);

  if (item == NULL || self->store == NULL)
    return;
  fc_store_notifications_set_read_async (self->store, id, !item_is_read (item), NULL,
                                         on_written_cb, g_object_ref (self));
}

static void
mark_all_read_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (widget);

  if (self->store == NULL)
    return;
  fc_store_notifications_mark_all_read_async (self->store, NULL, on_written_cb,
                                              g_object_ref (self));
}

typedef struct {
  FcNotificationsPage *self;   /* owned */
  FcStore             *store;  /* owned: the deletion's, whatever happens to the page */
  gint64               id;
  gboolean             undone;
} PendingDelete;

static void
pending_delete_free (PendingDelete *pending)
{
  g_object_unref (pending->self);
  g_clear_object (&pending->store);
  g_free (pending);
}

static void
on_undo_cb (AdwToast      *toast,
            PendingDelete *pending)
{
  pending->undone = TRUE;
}

/* The toast is gone: now the deletion is written, unless it was undone.
 * The row stays hidden: ids never come back, and the store's change
 * follows. */
static void
on_delete_toast_dismissed_cb (AdwToast      *toast,
                              PendingDelete *pending)
{
  FcNotificationsPage *self = pending->self;

  if (pending->undone) {
    g_hash_table_remove (self->hidden, &pending->id);
    rebuild (self);
    return;
  }
  /* Not cancelled with the page: a deletion the user let stand is written
   * even when the page goes away. */
  fc_store_notifications_delete_async (pending->store, pending->id, NULL, on_written_cb,
                                       g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcNotificationsPage *self = FC_NOTIFICATIONS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(FcNotificationItem) item = find_item (self, id);
  PendingDelete *pending;
  g_autofree char *escaped = NULL;
  g_autofree char *title = NULL;
  gint64 *key;
  AdwToast *toast;

  if (item == NULL || self->store == NULL || g_hash_table_contains (self->hidden, &id))
    return;

  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_add (self->hidden, key);
  rebuild (self);

  /* TRANSLATORS: a toast after deleting a notification, %s is its title */
  /* Toast titles are markup in libadwaita 1.2. */
  escaped = g_markup_escape_text (fc_notification_item_get_title (item), -1);
  title = g_strdup_printf (_("“%s” deleted"), escaped);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* Normal priority: libadwaita 1.2 aborts when a high one displaces a
   * toast still fading out (see src/ui/nutrition/fc-pending-deletes.c). */
  /* Twice libadwaita's 5 s: time to notice what went before it goes for
   * good (the deletion waits for the toast). */
  adw_toast_set_timeout (toast, 10);
  pending = g_new0 (PendingDelete, 1);
  pending->self = g_object_ref (self);
  pending->store = g_object_ref (self->store);
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
  request_pull (FC_NOTIFICATIONS_PAGE (widget));
}

/* Session */

/* The stream's events are in the store already (the service puts them
 * there); a reset says it missed some: the inbox is pulled again. */
static void
on_stream_event_cb (FcNotificationsPage *self,
                    JsonObject          *frame)
{
  if (g_strcmp0 (json_object_get_string_member_with_default (frame, "type", ""), "reset") == 0)
    request_pull (self);
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
drop_model (FcNotificationsPage *self)
{
  if (self->model == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
}

static void
on_session_changed_cb (FcNotificationsPage *self)
{
  FcStore *store = self->session != NULL ? fc_session_get_store (self->session) : NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loaded = FALSE;
  self->newest_id = 0;
  g_hash_table_remove_all (self->hidden);
  drop_service (self);
  drop_model (self);
  g_clear_object (&self->store);

  /* Signed in (a store) on a server with notifications. */
  if (store != NULL && fc_session_has_section (self->session, "notifications")) {
    self->store = g_object_ref (store);
    self->model = G_LIST_MODEL (fc_notification_list_model_new (store));
    g_signal_connect_object (self->model, "items-changed",
                             G_CALLBACK (on_model_items_changed_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (on_model_loading_cb),
                             self, G_CONNECT_SWAPPED);
    self->service = fc_notifications_service_new_for_session (self->session);
  }
  if (self->service != NULL) {
    g_signal_connect_object (self->service, "stream-event", G_CALLBACK (on_stream_event_cb), self,
                             G_CONNECT_SWAPPED);
    fc_notifications_service_start_stream (self->service);
  }

  set_unread_count (self, 0);
  rebuild (self);
  if (self->model == NULL) {
    gtk_stack_set_visible_child_name (self->stack, "empty");
  } else if (fc_store_model_get_loading (FC_STORE_MODEL (self->model))) {
    gtk_stack_set_visible_child_name (self->stack, "loading");
    gtk_spinner_start (self->spinner);
  } else {
    on_model_items_changed_cb (self);
  }
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
  drop_model (self);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
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
