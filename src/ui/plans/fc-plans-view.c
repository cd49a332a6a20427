/* fc-plans-view.c — meal plans: the list, the active plan's calendar, templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything shown comes from the store's plan and meal list models
 * (src/store/fc-plan-list-model.h, fc-meal-list-model.h), which follow its
 * changes; edits go through the store's outbox and work offline. Only
 * copying a template and generating a plan need the server
 * (fc-meal-plan-actions.h).
 */

#define G_LOG_DOMAIN "fc-plans-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fc-plans-view.h"

#include "fc-json.h"
#include "fc-meal-list-model.h"
#include "fc-meal-plan-actions.h"
#include "fc-pending-deletes.h"
#include "fc-plan-board.h"
#include "fc-plan-calendar.h"
#include "fc-plan-editor.h"
#include "fc-plan-generate-dialog.h"
#include "fc-plan-layout.h"
#include "fc-plan-list-model.h"
#include "fc-plan-store-source.h"
#include "fc-plans-common.h"
#include "fc-time.h"
#include "fc-wrap-box.h"

struct _FcPlansView
{
  AdwBin           parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkWidget       *generate_button;
  GtkWidget       *empty_page;
  GtkWidget       *active_group;
  GtkListBox      *active_list;
  GtkWidget       *cancelled_group;
  GtkListBox      *cancelled_list;
  GtkWidget       *templates_group;
  FcWrapBox       *templates_box;
  GtkLabel        *plan_title_label;
  GtkLabel        *range_label;
  AdwBin          *calendar_bin;

  /* Owned */
  FcSession       *session;
  GCancellable    *cancellable;      /* requests for the current store */
  FcPlanListModel *plans;
  FcMealListModel *meals;
  GtkFilterListModel *active_plans;
  GtkFilterListModel *cancelled_plans;
  JsonArray       *server_templates; /* other users' templates, when online */
  FcPendingDeletes *pending_deletes;
  FcPlanBoard     *board;            /* the plan on show's calendar */
  FcPlanCalendar  *calendar;         /* the board's */
  GtkFileChooserNative *chooser;
  gint64           shown_plan_id;    /* 0: the list is on show */
  guint            load_serial;
};

G_DEFINE_FINAL_TYPE (FcPlansView, fc_plans_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CALENDAR_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fc_plans_view_reload (FcPlansView *self);

static FcStore *
get_store (FcPlansView *self)
{
  return self->session != NULL ? fc_session_get_store (self->session) : NULL;
}

static void
add_toast (FcPlansView *self,
           const char  *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static GtkWindow *
get_parent_window (FcPlansView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* The plan's object, borrowed from the model's item; NULL when the model
 * has no such plan. */
static JsonObject *
find_plan (FcPlansView *self,
           gint64       id)
{
  guint n = self->plans != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->plans)) : 0;

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcObjectItem) plan = g_list_model_get_item (G_LIST_MODEL (self->plans), i);

    if (fc_object_item_get_id (plan) == id)
      return fc_object_item_get_object (plan);  /* the model keeps its reference */
  }
  return NULL;
}

static gboolean
get_flag (JsonObject *object,
          const char *member,
          gboolean    fallback)
{
  gboolean value = fallback;

  fc_json_get_boolean (object, member, &value);
  return value;
}

/* "Weight loss · 7 days · from 1 Dec 2026 · 1800 kcal a day" */
static char *
describe_plan (JsonObject *plan)
{
  GString *text = g_string_new (fc_plan_goal_get_label (fc_json_get_string (plan, "goal")));
  const char *start = fc_json_get_string (plan, "start_date");
  gint64 days = 0;
  double calories = 0;
  GDate date;

  if (fc_json_get_int (plan, "duration_days", &days) && days > 0) {
    g_string_append (text, " · ");
    /* Translators: a meal plan's duration */
    g_string_append_printf (text, ngettext ("%d day", "%d days", days), (int) days);
  }
  g_date_clear (&date, 1);
  if (start != NULL && fc_time_parse_date (start, &date)) {
    char buffer[64] = "";

    g_date_strftime (buffer, sizeof buffer, "%e %b %Y", &date);
    g_string_append (text, " · ");
    /* Translators: when a meal plan starts */
    g_string_append_printf (text, _("from %s"), g_strstrip (buffer));
  }
  if (fc_json_get_double (plan, "target_daily_calories", &calories) && calories > 0) {
    g_string_append (text, " · ");
    /* Translators: a meal plan's daily energy target */
    g_string_append_printf (text, _("%'.0f kcal a day"), calories);
  }
  if (get_flag (plan, "dirty", FALSE)) {
    g_string_append (text, " · ");
    g_string_append (text, _("not synced yet"));
  }
  return g_string_free (text, FALSE);
}

/* List rows */

static GMenuModel *
new_plan_menu (gint64   id,
               gboolean active)
{
  GMenu *menu = g_menu_new ();
  static const struct {
    const char *label;
    const char *action;
  } items[] = {
    { N_("_Edit…"), "plans.edit" },
    { N_("_Cancel Plan"), "plans.cancel" },
    { N_("_Reactivate"), "plans.reactivate" },
    { N_("_Delete"), "plans.delete" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++) {
    g_autoptr(GMenuItem) item = NULL;

    if ((active && g_str_equal (items[i].action, "plans.reactivate")) ||
        (!active && g_str_equal (items[i].action, "plans.cancel")))
      continue;
    item = g_menu_item_new (_(items[i].label), NULL);
    g_menu_item_set_action_and_target_value (item, items[i].action, g_variant_new_int64 (id));
    g_menu_append_item (menu, item);
  }
  return G_MENU_MODEL (menu);
}

static GtkWidget *
new_plan_row (JsonObject *plan,
              gint64      id,
              gboolean    active)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr(GMenuModel) menu = new_plan_menu (id, active);
  g_autofree char *subtitle = describe_plan (plan);
  g_autofree char *menu_label = NULL;
  const char *name = fc_json_get_string (plan, "name");

  if (name == NULL || name[0] == '\0')
    name = _("Untitled plan");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  if (get_flag (plan, "is_ai_generated", FALSE)) {
    GtkWidget *badge = gtk_image_new_from_icon_name ("starred-symbolic");

    gtk_widget_set_tooltip_text (badge, _("Generated"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (badge), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Generated"), -1);
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), badge);
  }

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), menu);
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  /* Translators: the accessible name of a plan's menu button */
  menu_label = g_strdup_printf (_("Actions for %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  menu_label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "plans.open");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_int64 (id));
  return row;
}

static GtkWidget *
create_plan_row (gpointer item,
                 gpointer user_data)
{
  FcObjectItem *plan = item;

  return new_plan_row (fc_object_item_get_object (plan), fc_object_item_get_id (plan),
                       fc_plan_item_get_is_active (FC_PLAN_ITEM (plan)));
}

/* A card is a named group, not a focusable child: Tab stops once on its
 * button, and a screen reader reads the plan's name with it. */
static GtkWidget *
new_template_card (JsonObject *plan,
                   gint64      id)
{
  GtkWidget *card = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_VERTICAL,
                                  "spacing", 6, "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP,
                                  NULL);
  GtkWidget *title = gtk_label_new (fc_json_get_string (plan, "name"));
  GtkWidget *description = gtk_label_new (fc_json_get_string (plan, "description"));
  g_autofree char *meta_text = describe_plan (plan);
  GtkWidget *meta = gtk_label_new (meta_text);
  GtkWidget *button = gtk_button_new_with_label (_("Use This Template"));

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "fc-plan-template");
  /* One width for every card: two side by side in the list's clamp beside
   * the sidebar (about 600 px there), one a line at 360 px; the labels wrap
   * inside it. */
  gtk_widget_set_size_request (card, 280, -1);
  gtk_widget_set_margin_start (title, 12);
  gtk_widget_set_margin_end (title, 12);
  gtk_widget_set_margin_top (title, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");

  /* A short natural width lets the gallery put two cards on a line. */
  gtk_label_set_max_width_chars (GTK_LABEL (title), 24);
  for (guint i = 0; i < 2; i++) {
    GtkWidget *label = i == 0 ? description : meta;

    gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    gtk_widget_set_margin_start (label, 12);
    gtk_widget_set_margin_end (label, 12);
  }
  gtk_label_set_lines (GTK_LABEL (description), 3);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_widget_set_vexpand (description, TRUE);
  gtk_widget_set_valign (description, GTK_ALIGN_START);
  gtk_widget_add_css_class (meta, "caption");
  gtk_widget_add_css_class (meta, "dim-label");

  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_margin_start (button, 12);
  gtk_widget_set_margin_bottom (button, 12);
  gtk_widget_set_margin_top (button, 6);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "plans.use-template");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (id));

  gtk_box_append (GTK_BOX (card), title);
  gtk_box_append (GTK_BOX (card), description);
  gtk_box_append (GTK_BOX (card), meta);
  gtk_box_append (GTK_BOX (card), button);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  fc_json_get_string (plan, "name"), -1);
  return card;
}

static gboolean
is_listed (FcPlansView *self,
           gpointer     item)
{
  return !fc_plan_item_get_is_template (item) &&
         !fc_pending_deletes_contains (self->pending_deletes,
                                       fc_object_item_get_id (FC_OBJECT_ITEM (item)));
}

static gboolean
active_filter_cb (gpointer item,
                  gpointer user_data)
{
  return is_listed (user_data, item) && fc_plan_item_get_is_active (item);
}

static gboolean
cancelled_filter_cb (gpointer item,
                     gpointer user_data)
{
  return is_listed (user_data, item) && !fc_plan_item_get_is_active (item);
}

static void
add_template (FcPlansView *self,
              GHashTable  *seen,
              JsonObject  *plan)
{
  gint64 id;

  if (!fc_json_get_int (plan, "id", &id) || g_hash_table_contains (seen, &id) ||
      fc_pending_deletes_contains (self->pending_deletes, id) ||
      !get_flag (plan, "is_active", TRUE))
    return;
  g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
  fc_wrap_box_append (self->templates_box, new_template_card (plan, id));
}

/* The gallery: the store's templates (the user's own), then the server's. */
static guint
rebuild_templates (FcPlansView *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n = self->plans != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->plans)) : 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->templates_box))) != NULL)
    fc_wrap_box_remove (self->templates_box, child);

  for (guint i = 0; i < n; i++) {
    g_autoptr(FcPlanItem) plan = g_list_model_get_item (G_LIST_MODEL (self->plans), i);

    if (fc_plan_item_get_is_template (plan))
      add_template (self, seen, fc_object_item_get_object (FC_OBJECT_ITEM (plan)));
  }
  for (guint i = 0; self->server_templates != NULL &&
                    i < json_array_get_length (self->server_templates); i++) {
    JsonNode *node = json_array_get_element (self->server_templates, i);

    if (JSON_NODE_HOLDS_OBJECT (node))
      add_template (self, seen, json_node_get_object (node));
  }
  return g_hash_table_size (seen);
}

static void
rebuild_list (FcPlansView *self)
{
  guint n_active = self->active_plans != NULL
                   ? g_list_model_get_n_items (G_LIST_MODEL (self->active_plans)) : 0;
  guint n_cancelled = self->cancelled_plans != NULL
                      ? g_list_model_get_n_items (G_LIST_MODEL (self->cancelled_plans)) : 0;
  guint n_templates = rebuild_templates (self);

  gtk_widget_set_visible (self->active_group, n_active > 0);
  gtk_widget_set_visible (self->cancelled_group, n_cancelled > 0);
  gtk_widget_set_visible (self->templates_group, n_templates > 0);
  gtk_widget_set_visible (self->empty_page, n_active + n_cancelled == 0);
}

/* A delete or an Undo: the lists filter again. */
static void
refilter (FcPlansView *self)
{
  if (self->active_plans != NULL) {
    gtk_filter_changed (gtk_filter_list_model_get_filter (self->active_plans),
                        GTK_FILTER_CHANGE_DIFFERENT);
    gtk_filter_changed (gtk_filter_list_model_get_filter (self->cancelled_plans),
                        GTK_FILTER_CHANGE_DIFFERENT);
  }
  rebuild_list (self);
}

/* The calendar */

static void
update_calendar_header (FcPlansView *self)
{
  JsonObject *plan = find_plan (self, self->shown_plan_id);
  const char *name = plan != NULL ? fc_json_get_string (plan, "name") : NULL;

  gtk_label_set_text (self->plan_title_label, name != NULL ? name : "");
  gtk_label_set_text (self->range_label,
                      self->calendar != NULL ? fc_plan_calendar_get_title (self->calendar) : "");
}

/* The board rebuilds its layout when the plan or the meals change; the
 * header and the actions follow it. */
static void
on_board_layout_cb (FcPlansView *self)
{
  JsonObject *plan = find_plan (self, self->shown_plan_id);

  update_calendar_header (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plans.export",
                                 fc_plan_board_get_layout (self->board) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plans.edit-shown", plan != NULL);
}

static void
show_plan (FcPlansView *self,
           gint64       id,
           gboolean     focus_start)
{
  g_autoptr(FcPlanStoreSource) source = NULL;

  self->shown_plan_id = id;
  gtk_stack_set_visible_child_name (self->stack, "calendar");
  if (get_store (self) != NULL && self->plans != NULL)
    source = fc_plan_store_source_new (get_store (self), G_LIST_MODEL (self->plans),
                                       G_LIST_MODEL (self->meals), id);
  fc_plan_board_set_source (self->board, FC_PLAN_SOURCE (source));
  if (focus_start)
    fc_plan_board_show_first_day (self->board);
  on_board_layout_cb (self);
}

static void
on_calendar_title_cb (FcPlansView *self)
{
  update_calendar_header (self);
}

static void
on_calendar_mode_cb (FcPlansView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALENDAR_MODE]);
}

/* Loading */

static void
on_plans_changed_cb (FcPlansView *self)
{
  rebuild_list (self);
  if (self->shown_plan_id != 0)
    update_calendar_header (self);
}

/* After a copy or a generation: the server's answer is in the store, and
 * the models read it at once rather than on the next change. */
static void
fc_plans_view_reload (FcPlansView *self)
{
  if (self->plans != NULL)
    fc_store_model_reload (FC_STORE_MODEL (self->plans));
  if (self->meals != NULL)
    fc_store_model_reload (FC_STORE_MODEL (self->meals));
}

static void
on_templates_listed_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(FcPlansView) self = user_data;
  g_autoptr(JsonArray) templates = NULL;

  templates = fc_meal_plan_actions_list_templates_finish (FC_SESSION (source), result, NULL);
  /* Offline the gallery shows the user's own templates only. */
  if (templates == NULL || FC_SESSION (source) != self->session)
    return;
  g_clear_pointer (&self->server_templates, json_array_unref);
  self->server_templates = g_steal_pointer (&templates);
  rebuild_list (self);
}

static void
on_generate_checked_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(FcPlansView) self = user_data;
  gboolean can = fc_meal_plan_actions_check_generate_finish (FC_SESSION (source), result);

  if (FC_SESSION (source) == self->session)
    gtk_widget_set_visible (self->generate_button, can);
}

static void
on_session_store_changed_cb (FcPlansView *self)
{
  FcStore *store = get_store (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->server_templates, json_array_unref);

  /* Deletes waiting on a toast go to the store they were made in. */
  fc_pending_deletes_flush (self->pending_deletes);
  if (self->plans == NULL || fc_store_model_get_store (FC_STORE_MODEL (self->plans)) != store) {
    g_clear_object (&self->active_plans);
    g_clear_object (&self->cancelled_plans);
    g_clear_object (&self->plans);
    g_clear_object (&self->meals);
    if (store != NULL) {
      self->plans = fc_plan_list_model_new (store);
      self->meals = fc_meal_list_model_new (store);
      self->active_plans =
        gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->plans)),
                                   GTK_FILTER (gtk_custom_filter_new (active_filter_cb, self,
                                                                      NULL)));
      self->cancelled_plans =
        gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->plans)),
                                   GTK_FILTER (gtk_custom_filter_new (cancelled_filter_cb, self,
                                                                      NULL)));
      g_signal_connect_object (self->plans, "items-changed", G_CALLBACK (on_plans_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
    gtk_list_box_bind_model (self->active_list, G_LIST_MODEL (self->active_plans),
                             create_plan_row, self, NULL);
    gtk_list_box_bind_model (self->cancelled_list, G_LIST_MODEL (self->cancelled_plans),
                             create_plan_row, self, NULL);
  }
  on_plans_changed_cb (self);
  if (store == NULL) {
    self->shown_plan_id = 0;
    fc_plan_board_set_source (self->board, NULL);
    gtk_stack_set_visible_child_name (self->stack, "list");
    return;
  }
  /* The plan on show, read from the new store's models. */
  if (self->shown_plan_id != 0)
    show_plan (self, self->shown_plan_id, FALSE);
  fc_meal_plan_actions_list_templates_async (self->session, self->cancellable,
                                             on_templates_listed_cb, g_object_ref (self));
  fc_meal_plan_actions_check_generate_async (self->session, self->cancellable,
                                             on_generate_checked_cb, g_object_ref (self));
}

/* Actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FcPlansView *self = FC_PLANS_VIEW (widget);

  if (self->session == NULL)
    return;
  gtk_window_present (GTK_WINDOW (fc_plan_editor_new (get_parent_window (self),
                                                      self->session, NULL)));
}

static void
edit_plan (FcPlansView *self,
           gint64       id)
{
  JsonObject *plan = find_plan (self, id);

  if (plan == NULL || self->session == NULL)
    return;
  gtk_window_present (GTK_WINDOW (fc_plan_editor_new (get_parent_window (self),
                                                      self->session, plan)));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  edit_plan (FC_PLANS_VIEW (widget), g_variant_get_int64 (parameter));
}

static void
edit_shown_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  edit_plan (FC_PLANS_VIEW (widget), FC_PLANS_VIEW (widget)->shown_plan_id);
}

static void
on_plan_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FcPlansView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = NULL;

  item = fc_store_update_finish (FC_STORE (source), result, &error);
  /* The sync engine pushes the write as soon as it commits. */
  if (item == NULL)
    add_toast (self, error->message);
}

/* Cancel is a PATCH of is_active (the Django backend's cancel/ route does
 * the same), so it queues offline like any edit. */
static void
set_active (FcPlansView *self,
            gint64       id,
            gboolean     active)
{
  g_autoptr(JsonObject) changes = json_object_new ();

  if (get_store (self) == NULL)
    return;
  json_object_set_boolean_member (changes, "is_active", active);
  fc_store_update_async (get_store (self), FC_STORE_MEAL_PLANS, id, changes, NULL,
                         on_plan_written_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  set_active (FC_PLANS_VIEW (widget), g_variant_get_int64 (parameter), FALSE);
  add_toast (FC_PLANS_VIEW (widget), _("Plan cancelled"));
}

static void
reactivate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  set_active (FC_PLANS_VIEW (widget), g_variant_get_int64 (parameter), TRUE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcPlansView *self = FC_PLANS_VIEW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  JsonObject *plan = find_plan (self, id);

  if (plan == NULL || get_store (self) == NULL)
    return;
  if (self->shown_plan_id == id) {
    self->shown_plan_id = 0;
    gtk_stack_set_visible_child_name (self->stack, "list");
  }
  fc_pending_deletes_add (self->pending_deletes, self->toast_overlay, get_store (self), id,
                          fc_json_get_string (plan, "name"));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_plan (FC_PLANS_VIEW (widget), g_variant_get_int64 (parameter), TRUE);
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcPlansView *self = FC_PLANS_VIEW (widget);

  self->shown_plan_id = 0;
  gtk_stack_set_visible_child_name (self->stack, "list");
}

/* Templates have no start date (or an old one): using one means starting
 * it today, so that its days land on the calendar. */
static void
start_today (FcPlansView *self,
             gint64       id)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GDate) today = g_date_new ();
  g_autofree char *text = NULL;

  if (get_store (self) == NULL)
    return;
  fc_time_get_today (today);
  text = fc_time_format_date (today);
  json_object_set_string_member (changes, "start_date", text);
  fc_store_update_async (get_store (self), FC_STORE_MEAL_PLANS, id, changes, NULL,
                         on_plan_written_cb, g_object_ref (self));
}

static void
on_copied_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FcPlansView) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = fc_meal_plan_actions_copy_finish (FC_SESSION (source), result, &error);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plans.use-template", TRUE);
  if (id == 0) {
    /* Why a copy was refused is a sentence or two: a dialog shows it
     * whole at any width, where a toast cut it off. */
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      GtkWidget *dialog = adw_message_dialog_new (get_parent_window (self),
                                                  _("Cannot Copy Template"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
    return;
  }
  add_toast (self, _("Template copied to your plans"));
  start_today (self, id);
  show_plan (self, id, TRUE);
  fc_plans_view_reload (self);
}

static void
use_template_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcPlansView *self = FC_PLANS_VIEW (widget);
  g_autoptr(GDate) today = g_date_new ();

  if (self->session == NULL)
    return;
  gtk_widget_action_set_enabled (widget, "plans.use-template", FALSE);
  fc_time_get_today (today);
  fc_meal_plan_actions_copy_async (self->session, g_variant_get_int64 (parameter), today,
                                   self->cancellable, on_copied_cb, g_object_ref (self));
}

static void
on_generated_cb (FcPlansView          *self,
                 gint64                id,
                 FcPlanGenerateDialog *dialog)
{
  add_toast (self, _("Plan generated"));
  show_plan (self, id, TRUE);
  fc_plans_view_reload (self);
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FcPlansView *self = FC_PLANS_VIEW (widget);
  GtkWidget *dialog;

  if (self->session == NULL)
    return;
  dialog = fc_plan_generate_dialog_new (get_parent_window (self), self->session);
  g_signal_connect_object (dialog, "generated", G_CALLBACK (on_generated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fc_plan_calendar_go_previous (FC_PLANS_VIEW (widget)->calendar);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fc_plan_calendar_go_next (FC_PLANS_VIEW (widget)->calendar);
}

static void
today_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  fc_plan_calendar_go_today (FC_PLANS_VIEW (widget)->calendar);
}

/* Export */

static void
on_ics_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FcPlansView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error)) {
    /* Translators: the file could not be written; the reason follows */
    text = g_strdup_printf (_("Could not export the plan: %s"), error->message);
    add_toast (self, text);
    return;
  }
  name = g_file_get_basename (G_FILE (source));
  /* Translators: a toast after an export, with the file's name */
  text = g_strdup_printf (_("Exported to %s"), name);
  add_toast (self, text);
}

static void
on_chooser_response_cb (FcPlansView          *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && fc_plan_board_get_layout (self->board) != NULL) {
    char *contents = fc_plan_layout_to_ics (fc_plan_board_get_layout (self->board), NULL);
    g_autoptr(GBytes) data = g_bytes_new_take (contents, strlen (contents));

    g_file_replace_contents_bytes_async (file, data, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                         self->cancellable, on_ics_written_cb, g_object_ref (self));
  }
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcPlansView *self = FC_PLANS_VIEW (widget);
  FcPlanLayout *layout = fc_plan_board_get_layout (self->board);
  g_autofree char *name = NULL;

  if (layout == NULL || self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export Meal Plan"), get_parent_window (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  name = g_strdup_printf ("%s.ics", fc_plan_layout_get_name (layout)[0] != '\0'
                                    ? fc_plan_layout_get_name (layout) : _("Meal plan"));
  g_strdelimit (name, "/\\", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject */

static void
fc_plans_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FcPlansView *self = FC_PLANS_VIEW (object);

  switch (prop_id) {
  case PROP_CALENDAR_MODE:
    g_value_set_string (value, fc_plan_calendar_get_mode (self->calendar) == FC_PLAN_CALENDAR_WEEK
                               ? "week" : "month");
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_plans_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FcPlansView *self = FC_PLANS_VIEW (object);

  switch (prop_id) {
  case PROP_CALENDAR_MODE:
    fc_plan_calendar_set_mode (self->calendar, g_strcmp0 (g_value_get_string (value), "week") == 0
                                               ? FC_PLAN_CALENDAR_WEEK : FC_PLAN_CALENDAR_MONTH);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_plans_view_dispose (GObject *object)
{
  FcPlansView *self = FC_PLANS_VIEW (object);

  /* Closing the view while a toast shows means no Undo came. */
  if (self->pending_deletes != NULL)
    fc_pending_deletes_flush (self->pending_deletes);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->active_list != NULL) {
    gtk_list_box_bind_model (self->active_list, NULL, NULL, NULL, NULL);
    gtk_list_box_bind_model (self->cancelled_list, NULL, NULL, NULL, NULL);
  }
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  /* The session outlives the view: no store change may reach it now. */
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->active_plans);
  g_clear_object (&self->cancelled_plans);
  g_clear_object (&self->plans);
  g_clear_object (&self->meals);
  g_clear_pointer (&self->server_templates, json_array_unref);
  g_clear_object (&self->pending_deletes);

  G_OBJECT_CLASS (fc_plans_view_parent_class)->dispose (object);
}

static void
fc_plans_view_class_init (FcPlansViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_plans_view_dispose;
  object_class->get_property = fc_plans_view_get_property;
  object_class->set_property = fc_plans_view_set_property;

  /* "month" or "week": the calendar's mode, as the toggle buttons' action. */
  properties[PROP_CALENDAR_MODE] =
    g_param_spec_string ("calendar-mode", NULL, NULL, "month",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FC_TYPE_PLAN_BOARD);
  g_type_ensure (FC_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/plans/fc-plans-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, stack);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, generate_button);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, active_group);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, active_list);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, cancelled_group);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, cancelled_list);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, templates_group);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, templates_box);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, plan_title_label);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, range_label);
  gtk_widget_class_bind_template_child (widget_class, FcPlansView, calendar_bin);

  gtk_widget_class_install_action (widget_class, "plans.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "plans.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "plans.open", "x", open_action);
  gtk_widget_class_install_action (widget_class, "plans.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "plans.edit-shown", NULL, edit_shown_action);
  gtk_widget_class_install_action (widget_class, "plans.cancel", "x", cancel_action);
  gtk_widget_class_install_action (widget_class, "plans.reactivate", "x", reactivate_action);
  gtk_widget_class_install_action (widget_class, "plans.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "plans.use-template", "x", use_template_action);
  gtk_widget_class_install_action (widget_class, "plans.show-list", NULL, show_list_action);
  gtk_widget_class_install_action (widget_class, "plans.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "plans.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "plans.today", NULL, today_action);
  gtk_widget_class_install_action (widget_class, "plans.export", NULL, export_action);
  gtk_widget_class_install_property_action (widget_class, "plans.mode", "calendar-mode");
}

static void
fc_plans_view_init (FcPlansView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->pending_deletes = fc_pending_deletes_new (FC_STORE_MEAL_PLANS);
  g_signal_connect_object (self->pending_deletes, "changed", G_CALLBACK (refilter), self,
                           G_CONNECT_SWAPPED);

  self->board = FC_PLAN_BOARD (fc_plan_board_new ());
  self->calendar = fc_plan_board_get_calendar (self->board);
  adw_bin_set_child (self->calendar_bin, GTK_WIDGET (self->board));
  g_signal_connect_object (self->board, "notify::layout", G_CALLBACK (on_board_layout_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->calendar, "notify::title", G_CALLBACK (on_calendar_title_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->calendar, "notify::mode", G_CALLBACK (on_calendar_mode_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plans.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plans.edit-shown", FALSE);
  rebuild_list (self);
}

GtkWidget *
fc_plans_view_new (void)
{
  return g_object_new (FC_TYPE_PLANS_VIEW, NULL);
}

void
fc_plans_view_set_session (FcPlansView *self,
                           FcSession   *session)
{
  g_return_if_fail (FC_IS_PLANS_VIEW (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (!g_set_object (&self->session, session))
    return;

  if (session != NULL)
    g_signal_connect_object (session, "notify::store", G_CALLBACK (on_session_store_changed_cb),
                             self, G_CONNECT_SWAPPED);
  on_session_store_changed_cb (self);
}
