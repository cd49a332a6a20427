/* fc-admin-users-page.c — the Admin section's accounts: a searchable, sortable list and one account's detail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin-users-page"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "fc-admin-users-page.h"

#include "fc-admin-format.h"
#include "fc-admin-user-detail.h"
#include "fc-admin-user-model.h"

/* 50 rows a request: a screenful or two, so a jump costs one request. */
#define PAGE_SIZE 50
/* Pages kept: a tall window shows about one; the rest is the way back. */
#define MAX_PAGES 12

struct _FcAdminUsersPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwLeaflet          *leaflet;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *staff_filter;
  GtkDropDown         *premium_filter;
  GtkDropDown         *active_filter;
  GtkEntry            *joined_from_entry;
  GtkEntry            *joined_to_entry;
  GtkLabel            *count_label;
  GtkStack            *list_stack;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *email_column;
  GtkColumnViewColumn *joined_column;
  GtkColumnViewColumn *last_seen_column;
  GtkColumnViewColumn *status_column;
  AdwStatusPage       *error_page;
  GtkWidget           *back_button;
  FcAdminUserDetail   *detail;

  /* Owned */
  FcAdminService      *service;
  FcAdminUserModel    *model;
  GtkSingleSelection  *selection;

  /* Which column's sorter the view asked last (see ordering_of_view()). */
  const char          *probed;
  gboolean             available;
  gboolean             header_back;
};

G_DEFINE_FINAL_TYPE (FcAdminUsersPage, fc_admin_users_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A flag's icon shows once the row's page has come and the flag is set. */
static gboolean
flag_shown_cb (GtkListItem *list_item,
               gboolean     value,
               gboolean     loaded)
{
  return loaded && value;
}

/* The deactivated icon: the flag's opposite, once loaded. */
static gboolean
flag_unset_cb (GtkListItem *list_item,
               gboolean     value,
               gboolean     loaded)
{
  return loaded && !value;
}

/* One icon of the Status column, named for screen readers and with the
 * same words as its tooltip. */
static void
append_flag_icon (GString    *xml,
                  const char *icon,
                  const char *what,
                  const char *closure,
                  const char *property)
{
  g_autofree char *object = g_markup_printf_escaped (
    "<child><object class=\"GtkImage\"><property name=\"icon-name\">%s</property>"
    "<property name=\"tooltip-text\">%s</property>"
    "<accessibility><property name=\"label\">%s</property></accessibility>"
    "<binding name=\"visible\"><closure type=\"gboolean\" function=\"%s\">"
    "<lookup name=\"%s\" type=\"FcAdminUser\"><lookup name=\"item\">GtkListItem</lookup></lookup>"
    "<lookup name=\"loaded\" type=\"FcAdminUser\"><lookup name=\"item\">GtkListItem</lookup></lookup>"
    "</closure></binding></object></child>",
    icon, what, what, closure, property);

  g_string_append (xml, object);
}

/* The Status column: staff, premium and deactivated as icons side by
 * side, where three columns of Yes and No took 180 px the list does not
 * have beside the detail. Built here, with its own scope, so the
 * closures are found without the executable exporting its symbols. */
static GtkListItemFactory *
status_factory (void)
{
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  g_autoptr(GString) xml = g_string_new (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<interface><template class=\"GtkListItem\"><property name=\"child\">"
    "<object class=\"GtkBox\"><property name=\"spacing\">6</property>");
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope),
                                           "flag_shown_cb", G_CALLBACK (flag_shown_cb),
                                           "flag_unset_cb", G_CALLBACK (flag_unset_cb),
                                           NULL);
  append_flag_icon (xml, "emblem-system-symbolic", _("Staff"), "flag_shown_cb", "is-staff");
  append_flag_icon (xml, "starred-symbolic", _("Premium"), "flag_shown_cb", "has-premium");
  append_flag_icon (xml, "action-unavailable-symbolic", _("Deactivated"), "flag_unset_cb",
                    "is-active");
  g_string_append (xml, "</object></property></template></interface>");
  length = xml->len;
  bytes = g_bytes_new_take (g_string_free (g_steal_pointer (&xml), FALSE), length);
  return gtk_builder_list_item_factory_new_from_bytes (scope, bytes);
}

/* The column sorters only say which column the view sorts by: the
 * server sorts. GTK 4.8 has no getter for the view's primary column, so
 * the view's sorter is asked to compare two accounts; it asks the
 * primary column's sorter first, which notes its name and answers
 * "smaller" (turned around when the column sorts descending). */
static int
probe_sort_cb (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  GtkColumnViewColumn *column = user_data;
  FcAdminUsersPage *self = g_object_get_data (G_OBJECT (column), "page");

  self->probed = g_object_get_data (G_OBJECT (column), "ordering");
  return GTK_ORDERING_SMALLER;
}

static void
make_sortable (FcAdminUsersPage    *self,
               GtkColumnViewColumn *column,
               const char          *ordering)
{
  g_autoptr(GtkSorter) sorter = NULL;

  g_object_set_data (G_OBJECT (column), "page", self);
  g_object_set_data (G_OBJECT (column), "ordering", (gpointer) ordering);
  sorter = GTK_SORTER (gtk_custom_sorter_new (probe_sort_cb, column, NULL));
  gtk_column_view_column_set_sorter (column, sorter);
}

/* admin/users/'s ordering for the column the view sorts by, NULL for
 * the server's default. Owned by the caller. */
static char *
ordering_of_view (FcAdminUsersPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  g_autoptr(FcAdminUser) a = fc_admin_user_new ();
  g_autoptr(FcAdminUser) b = fc_admin_user_new ();
  GtkOrdering order;

  self->probed = NULL;
  order = gtk_sorter_compare (sorter, a, b);
  if (self->probed == NULL || order == GTK_ORDERING_EQUAL)
    return NULL;
  return order == GTK_ORDERING_SMALLER ? g_strdup (self->probed)
                                       : g_strconcat ("-", self->probed, NULL);
}

static void
update_list_state (FcAdminUsersPage *self)
{
  const GError *error = self->model != NULL ? fc_admin_user_model_get_error (self->model) : NULL;
  guint n = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  gboolean loading = self->model != NULL && fc_admin_user_model_get_loading (self->model);
  gboolean available = !g_error_matches (error, FC_API_ERROR, FC_API_ERROR_NOT_FOUND);
  g_autofree char *count = NULL;
  g_autofree char *number = NULL;

  if (loading && n == 0) {
    gtk_stack_set_visible_child_name (self->list_stack, "loading");
    gtk_label_set_text (self->count_label, "");
  } else if (error != NULL && n == 0) {
    adw_status_page_set_description (self->error_page, error->message);
    gtk_stack_set_visible_child_name (self->list_stack, "error");
    gtk_label_set_text (self->count_label, "");
  } else {
    gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
    number = fc_admin_format_count (n);
    /* Translators: how many accounts the list holds, "%s" grouped as "20,003" */
    count = g_strdup_printf (g_dngettext (NULL, "%s account", "%s accounts", n), number);
    gtk_label_set_text (self->count_label, count);
  }

  if (self->available != available) {
    self->available = available;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
  }
}

static void
show_selected (FcAdminUsersPage *self)
{
  FcAdminUser *user = gtk_single_selection_get_selected_item (self->selection);

  if (user == NULL || !fc_admin_user_get_loaded (user))
    return;
  fc_admin_user_detail_show_user (self->detail, fc_admin_user_get_id (user));
  adw_leaflet_set_visible_child_name (self->leaflet, "detail");
}

static void
on_selected_item_cb (FcAdminUsersPage *self)
{
  FcAdminUser *user = gtk_single_selection_get_selected_item (self->selection);

  /* A row whose page has not come yet shows once it has. */
  if (user != NULL && !fc_admin_user_get_loaded (user))
    g_signal_connect_object (user, "notify::loaded", G_CALLBACK (show_selected), self,
                             G_CONNECT_SWAPPED);
  show_selected (self);
}

static void
on_sorter_changed_cb (FcAdminUsersPage *self)
{
  g_autofree char *ordering = NULL;

  /* The view's columns go while the page is disposed: nothing to sort. */
  if (self->model == NULL || self->column_view == NULL)
    return;
  ordering = ordering_of_view (self);
  fc_admin_user_model_set_ordering (self->model, ordering);
}

static void
on_search_changed_cb (FcAdminUsersPage *self)
{
  if (self->model != NULL)
    fc_admin_user_model_set_search (self->model,
                                    gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

/* The day typed in @entry as admin/users/ takes it (YYYY-MM-DD, a real
 * day), or NULL, with *@valid FALSE when something else is typed. */
static char *
day_of_entry (GtkEntry *entry,
              gboolean *valid)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  unsigned int year, month, day;
  int consumed = 0;

  *valid = TRUE;
  if (*text == '\0')
    return NULL;
  if (strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%n", &year, &month, &day, &consumed) != 3 || consumed != 10 ||
      !g_date_valid_dmy (day, month, year)) {
    *valid = FALSE;
    return NULL;
  }
  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

static void
mark_entry (GtkEntry *entry,
            gboolean  valid)
{
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                               valid ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
}

/* admin/users/'s query for the filters chosen, NULL for none. Each drop
 * down's items are Any, then the flag set, then unset. A day that is not
 * one, or a range that ends before it starts, is marked and left out
 * rather than sent for the server to refuse while it is being typed. */
static char *
filters_of_view (FcAdminUsersPage *self)
{
  const struct {
    GtkDropDown *drop_down;
    const char  *name;
  } filters[] = {
    { self->staff_filter, "is_staff" },
    { self->premium_filter, "has_premium" },
    { self->active_filter, "is_active" },
  };
  g_autoptr(GString) query = g_string_new (NULL);
  gboolean from_valid, to_valid;
  g_autofree char *from = day_of_entry (self->joined_from_entry, &from_valid);
  g_autofree char *to = day_of_entry (self->joined_to_entry, &to_valid);

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++) {
    guint selected = gtk_drop_down_get_selected (filters[i].drop_down);

    if (selected != 1 && selected != 2)
      continue;
    g_string_append_printf (query, "%s%s=%s", query->len > 0 ? "&" : "", filters[i].name,
                            selected == 1 ? "true" : "false");
  }
  /* ISO days compare as strings. */
  if (from != NULL && to != NULL && strcmp (to, from) < 0) {
    from_valid = to_valid = FALSE;
    g_clear_pointer (&from, g_free);
    g_clear_pointer (&to, g_free);
  }
  mark_entry (self->joined_from_entry, from_valid);
  mark_entry (self->joined_to_entry, to_valid);
  if (from != NULL)
    g_string_append_printf (query, "%sjoined_from=%s", query->len > 0 ? "&" : "", from);
  if (to != NULL)
    g_string_append_printf (query, "%sjoined_to=%s", query->len > 0 ? "&" : "", to);
  return query->len > 0 ? g_string_free (g_steal_pointer (&query), FALSE) : NULL;
}

static void
on_filter_changed_cb (FcAdminUsersPage *self)
{
  g_autofree char *filters = NULL;

  if (self->model == NULL)
    return;
  filters = filters_of_view (self);
  fc_admin_user_model_set_filters (self->model, filters);
}

static void
on_user_changed_cb (FcAdminUsersPage *self,
                    JsonObject       *detail)
{
  if (self->model != NULL)
    fc_admin_user_model_update_user (self->model, detail);
}

static void
ensure_model (FcAdminUsersPage *self)
{
  g_autofree char *ordering = NULL;
  g_autofree char *filters = NULL;

  if (self->model != NULL || self->service == NULL)
    return;

  self->model = fc_admin_user_model_new (self->service, PAGE_SIZE, MAX_PAGES);
  ordering = ordering_of_view (self);
  fc_admin_user_model_set_ordering (self->model, ordering);
  filters = filters_of_view (self);
  fc_admin_user_model_set_filters (self->model, filters);
  fc_admin_user_model_set_search (self->model,
                                  gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_list_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::error", G_CALLBACK (update_list_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_list_state), self,
                           G_CONNECT_SWAPPED);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));
  update_list_state (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcAdminUsersPage *self = FC_ADMIN_USERS_PAGE (widget);

  if (self->model != NULL)
    fc_admin_user_model_reload (self->model);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcAdminUsersPage *self = FC_ADMIN_USERS_PAGE (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "list");
}

/* The page's own back button only while folded and no header bar's back
 * button does the same. */
static void
update_back_button (FcAdminUsersPage *self)
{
  gtk_widget_set_visible (self->back_button,
                          adw_leaflet_get_folded (self->leaflet) && !self->header_back);
}

static void
fc_admin_users_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fc_admin_users_page_parent_class)->map (widget);
  ensure_model (FC_ADMIN_USERS_PAGE (widget));
}

static void
fc_admin_users_page_dispose (GObject *object)
{
  FcAdminUsersPage *self = FC_ADMIN_USERS_PAGE (object);

  g_clear_object (&self->model);
  g_clear_object (&self->selection);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (fc_admin_users_page_parent_class)->dispose (object);
}

static void
fc_admin_users_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FcAdminUsersPage *self = FC_ADMIN_USERS_PAGE (object);

  switch (prop_id) {
  case PROP_AVAILABLE:
    g_value_set_boolean (value, self->available);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_admin_users_page_class_init (FcAdminUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_admin_users_page_dispose;
  object_class->get_property = fc_admin_users_page_get_property;
  widget_class->map = fc_admin_users_page_map;

  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FC_TYPE_ADMIN_USER);
  g_type_ensure (FC_TYPE_ADMIN_USER_DETAIL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/admin/fc-admin-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, staff_filter);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, premium_filter);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, active_filter);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, joined_from_entry);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, joined_to_entry);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, email_column);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, joined_column);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, last_seen_column);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, status_column);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminUsersPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_user_changed_cb);

  gtk_widget_class_install_action (widget_class, "admin-users.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "admin-users.back", NULL, back_action);
}

static void
fc_admin_users_page_init (FcAdminUsersPage *self)
{
  g_autoptr(GtkListItemFactory) status = status_factory ();

  self->available = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_column_view_column_set_factory (self->status_column, status);
  /* Every order of admin/users/ that a column shows (id and last_login
   * are not shown). */
  make_sortable (self, self->email_column, "email");
  make_sortable (self, self->joined_column, "date_joined");
  make_sortable (self, self->last_seen_column, "last_seen");
  /* The server's default: newest first. */
  gtk_column_view_sort_by_column (self->column_view, self->joined_column, GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed_cb), self, G_CONNECT_SWAPPED);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selected_item_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  fc_admin_user_detail_set_toast_overlay (self->detail, self->toast_overlay);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (update_back_button), self,
                           G_CONNECT_SWAPPED);
  update_back_button (self);
}

GtkWidget *
fc_admin_users_page_new (void)
{
  return g_object_new (FC_TYPE_ADMIN_USERS_PAGE, NULL);
}

void
fc_admin_users_page_set_service (FcAdminUsersPage *self,
                                 FcAdminService   *service)
{
  g_return_if_fail (FC_IS_ADMIN_USERS_PAGE (self));
  g_return_if_fail (service == NULL || FC_IS_ADMIN_SERVICE (service));

  if (self->service == service)
    return;
  g_set_object (&self->service, service);
  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->model);
  fc_admin_user_detail_set_service (self->detail, service);
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  if (!self->available) {
    self->available = TRUE;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
  }
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    ensure_model (self);
}

gboolean
fc_admin_users_page_get_available (FcAdminUsersPage *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USERS_PAGE (self), FALSE);

  return self->available;
}

gboolean
fc_admin_users_page_go_back (FcAdminUsersPage *self)
{
  g_return_val_if_fail (FC_IS_ADMIN_USERS_PAGE (self), FALSE);

  if (!adw_leaflet_get_folded (self->leaflet) ||
      g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "list") == 0)
    return FALSE;
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  return TRUE;
}

void
fc_admin_users_page_set_header_back (FcAdminUsersPage *self,
                                     gboolean          header_back)
{
  g_return_if_fail (FC_IS_ADMIN_USERS_PAGE (self));

  self->header_back = header_back;
  update_back_button (self);
}
