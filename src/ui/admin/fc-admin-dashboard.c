/* fc-admin-dashboard.c — the Admin section's statistics over 7, 30 or 90 days
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin-dashboard"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-admin-dashboard.h"

#include "fc-admin-bar-chart.h"
#include "fc-admin-format.h"
#include "fc-json.h"

struct _FcAdminDashboard
{
  AdwBin           parent_instance;

  /* Template widgets */
  GtkToggleButton *week_button;
  GtkToggleButton *month_button;
  GtkToggleButton *quarter_button;
  GtkLabel        *range_label;
  GtkSpinner      *spinner;
  GtkLabel        *error_label;
  AdwActionRow    *accounts_row;
  AdwActionRow    *active_accounts_row;
  AdwActionRow    *staff_row;
  AdwActionRow    *premium_row;
  AdwActionRow    *new_row;
  AdwActionRow    *active_row;
  AdwActionRow    *started_row;
  AdwActionRow    *completed_row;
  AdwActionRow    *plans_row;
  FcAdminBarChart *new_chart;
  FcAdminBarChart *active_chart;
  FcAdminBarChart *started_chart;
  FcAdminBarChart *completed_chart;
  GtkListBox      *top_list;

  /* Owned */
  FcAdminService  *service;
  GCancellable    *cancellable;

  gboolean         loaded;
};

G_DEFINE_FINAL_TYPE (FcAdminDashboard, fc_admin_dashboard, ADW_TYPE_BIN)

static void
set_count (AdwActionRow *row,
           JsonObject   *object,
           const char   *member)
{
  g_autofree char *text = NULL;
  gint64 value = 0;

  if (object != NULL && fc_json_get_int (object, member, &value))
    text = fc_admin_format_count (value);
  adw_action_row_set_subtitle (row, text != NULL ? text : "—");
}

/* One statistic of every day, for a chart. */
static void
chart_days (FcAdminBarChart *chart,
            const char      *title,
            JsonArray       *days,
            const char      *member,
            const char      *from,
            const char      *to)
{
  guint n = days != NULL ? json_array_get_length (days) : 0;
  g_autofree double *values = g_new0 (double, MAX (n, 1));

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (days, i);
    gint64 value = 0;

    if (JSON_NODE_HOLDS_OBJECT (node) && fc_json_get_int (json_node_get_object (node), member, &value))
      values[i] = (double) value;
  }
  fc_admin_bar_chart_set_days (chart, title, from, to, values, n);
}

static void
fill_top (FcAdminDashboard *self,
          JsonArray        *top)
{
  GtkWidget *child;
  guint n = top != NULL ? json_array_get_length (top) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->top_list))) != NULL)
    gtk_list_box_remove (self->top_list, child);

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (top, i);
    JsonObject *workout;
    GtkWidget *row;
    g_autofree char *subtitle = NULL;
    g_autofree char *n_viewers = NULL;
    g_autofree char *n_completions = NULL;
    gint64 viewers = 0, completions = 0;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    workout = json_node_get_object (node);
    fc_json_get_int (workout, "viewers", &viewers);
    fc_json_get_int (workout, "completions", &completions);
    n_viewers = fc_admin_format_count (viewers);
    n_completions = fc_admin_format_count (completions);
    /* Translators: how many people watched a workout and finished it ("1,204") */
    subtitle = g_strdup_printf (_("%s viewers, %s completions"), n_viewers, n_completions);
    row = adw_action_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                   fc_json_get_string (workout, "title") ?: "");
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    gtk_list_box_append (self->top_list, row);
  }
  if (n == 0) {
    GtkWidget *row = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                   _("No workout was watched in this range"));
    gtk_list_box_append (self->top_list, row);
  }
}

static void
on_stats_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcAdminDashboard) self = user_data;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *range = NULL;
  JsonObject *users, *totals;
  JsonArray *days;
  const char *from, *to;

  stats = fc_admin_service_stats_finish (FC_ADMIN_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->spinner);
  gtk_label_set_text (self->error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  if (stats == NULL)
    return;

  users = fc_json_get_object (stats, "users");
  totals = fc_json_get_object (stats, "totals");
  days = fc_json_get_array (stats, "days");
  from = fc_json_get_string (stats, "from") ?: "";
  to = fc_json_get_string (stats, "to") ?: "";

  /* Translators: the days the statistics cover (UTC) */
  range = g_strdup_printf (_("%s to %s (UTC)"), from, to);
  gtk_label_set_text (self->range_label, range);

  set_count (self->accounts_row, users, "total");
  set_count (self->active_accounts_row, users, "active_accounts");
  set_count (self->staff_row, users, "staff");
  set_count (self->premium_row, users, "premium");
  set_count (self->new_row, totals, "new_users");
  set_count (self->active_row, totals, "active_users");
  set_count (self->started_row, totals, "workouts_started");
  set_count (self->completed_row, totals, "workouts_completed");
  set_count (self->plans_row, totals, "generated_plans");

  chart_days (self->new_chart, _("New accounts"), days, "new_users", from, to);
  chart_days (self->active_chart, _("Active users"), days, "active_users", from, to);
  chart_days (self->started_chart, _("Workouts started"), days, "workouts_started", from, to);
  chart_days (self->completed_chart, _("Workouts completed"), days, "workouts_completed", from,
              to);
  fill_top (self, fc_json_get_array (stats, "top_workouts"));
}

static guint
range_days (FcAdminDashboard *self)
{
  if (gtk_toggle_button_get_active (self->week_button))
    return 7;
  if (gtk_toggle_button_get_active (self->quarter_button))
    return 90;
  return 30;
}

static void
load (FcAdminDashboard *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) first = g_date_time_add_days (now, 1 - (int) range_days (self));
  g_autofree char *from = g_date_time_format (first, "%Y-%m-%d");
  g_autofree char *to = g_date_time_format (now, "%Y-%m-%d");

  if (self->service == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loaded = TRUE;
  gtk_spinner_start (self->spinner);
  fc_admin_service_stats_async (self->service, from, to, self->cancellable, on_stats_cb,
                                g_object_ref (self));
}

static void
on_range_toggled_cb (FcAdminDashboard *self,
                     GtkToggleButton  *button)
{
  /* Each change toggles two buttons: the one turned on asks. */
  if (gtk_toggle_button_get_active (button) && gtk_widget_get_mapped (GTK_WIDGET (self)))
    load (self);
}

static void
fc_admin_dashboard_map (GtkWidget *widget)
{
  FcAdminDashboard *self = FC_ADMIN_DASHBOARD (widget);

  GTK_WIDGET_CLASS (fc_admin_dashboard_parent_class)->map (widget);
  if (!self->loaded)
    load (self);
}

static void
fc_admin_dashboard_dispose (GObject *object)
{
  FcAdminDashboard *self = FC_ADMIN_DASHBOARD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (fc_admin_dashboard_parent_class)->dispose (object);
}

static void
fc_admin_dashboard_class_init (FcAdminDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_admin_dashboard_dispose;
  widget_class->map = fc_admin_dashboard_map;

  g_type_ensure (FC_TYPE_ADMIN_BAR_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/admin/fc-admin-dashboard.ui");
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, week_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, month_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, quarter_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, range_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, error_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, accounts_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, active_accounts_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, staff_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, premium_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, new_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, active_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, started_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, completed_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, plans_row);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, new_chart);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, active_chart);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, started_chart);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, completed_chart);
  gtk_widget_class_bind_template_child (widget_class, FcAdminDashboard, top_list);
  gtk_widget_class_bind_template_callback (widget_class, on_range_toggled_cb);
}

static void
fc_admin_dashboard_init (FcAdminDashboard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fc_admin_dashboard_new (void)
{
  return g_object_new (FC_TYPE_ADMIN_DASHBOARD, NULL);
}

void
fc_admin_dashboard_set_service (FcAdminDashboard *self,
                                FcAdminService   *service)
{
  g_return_if_fail (FC_IS_ADMIN_DASHBOARD (self));
  g_return_if_fail (service == NULL || FC_IS_ADMIN_SERVICE (service));

  if (self->service == service)
    return;
  g_set_object (&self->service, service);
  self->loaded = FALSE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    load (self);
}
