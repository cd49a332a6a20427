/* fc-health-metric-page.c — one metric: its chart, table and measurements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-metric-page"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "fc-health-metric-page.h"

#include "fc-accessible.h"
#include "fc-chart.h"
#include "fc-health-entry-dialog.h"
#include "fc-health-ui.h"
#include "fc-json.h"
#include "fc-settings.h"
#include "fc-store-health.h"
#include "fc-time.h"

/* The measurements listed under the chart: the latest ones, whatever the
 * range, so the one just typed in is always there to edit or delete. */
#define RECENT_LIMIT 50
/* An upper bound for "to" when every point is wanted: 3000-01-01. */
#define END_OF_TIME G_GINT64_CONSTANT (32503680000)
/* A CSV export holds at most this many points (a year of per-minute heart
 * rate is about 500,000). */
#define EXPORT_LIMIT 2000000

struct _FcHealthMetricPage
{
  AdwBin           parent_instance;

  /* Template widgets */
  GtkLabel        *title_label;
  GtkToggleButton *day_button;
  GtkToggleButton *week_button;
  GtkToggleButton *month_button;
  GtkToggleButton *year_button;
  GtkToggleButton *all_button;
  GtkToggleButton *table_button;
  GtkStack        *view_stack;
  FcChart         *chart;
  GtkListBox      *table_list;
  GtkLabel        *summary_label;
  GtkListBox      *entries_list;

  /* Owned */
  FcSession       *session;
  FcStore         *store;
  char            *data_type;
  JsonArray       *points;       /* the rows of entries_list */
  GCancellable    *cancellable;
  guint            reload_id;
  gboolean         syncing_range;

  /* Borrowed */
  AdwToastOverlay *toast_overlay;
};

G_DEFINE_FINAL_TYPE (FcHealthMetricPage, fc_health_metric_page, ADW_TYPE_BIN)

static GtkToggleButton *
range_button (FcHealthMetricPage *self,
              FcChartRange        range)
{
  switch (range) {
    case FC_CHART_RANGE_DAY: return self->day_button;
    case FC_CHART_RANGE_WEEK: return self->week_button;
    case FC_CHART_RANGE_MONTH: return self->month_button;
    case FC_CHART_RANGE_YEAR: return self->year_button;
    case FC_CHART_RANGE_ALL: return self->all_button;
    case FC_CHART_RANGE_CUSTOM:
    default: return NULL;
  }
}

static void
add_toast (FcHealthMetricPage *self,
           AdwToast           *toast)
{
  if (self->toast_overlay != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static GtkWindow *
get_window (FcHealthMetricPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* ----- The range buttons follow the chart, and the chart them ----- */

static void
on_range_toggled_cb (FcHealthMetricPage *self,
                     GtkToggleButton    *button)
{
  if (self->syncing_range || !gtk_toggle_button_get_active (button))
    return;
  for (FcChartRange range = FC_CHART_RANGE_DAY; range < FC_CHART_RANGE_CUSTOM; range++) {
    if (range_button (self, range) == button)
      fc_chart_set_range (self->chart, range);
  }
}

static void
on_chart_range_cb (FcHealthMetricPage *self)
{
  FcChartRange range = fc_chart_get_range (self->chart);
  GtkToggleButton *button = range_button (self, range);

  /* After a pan or a zoom (a custom window) no range button is on. */
  self->syncing_range = TRUE;
  if (button != NULL) {
    gtk_toggle_button_set_active (button, TRUE);
  } else {
    for (range = FC_CHART_RANGE_DAY; range < FC_CHART_RANGE_CUSTOM; range++)
      gtk_toggle_button_set_active (range_button (self, range), FALSE);
  }
  self->syncing_range = FALSE;
}

/* ----- The table: the chart's buckets as rows ----- */

static char *
describe_period (const FcHealthBucket *bucket)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (bucket->start);
  gint64 span = bucket->end - bucket->start;

  /* A column holding one reading is that reading, at its own time: a
   * column's edges follow the pixels, not the clock. */
  if (bucket->count == 1 && bucket->last_at != 0) {
    g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (bucket->last_at);

    return g_date_time_format (at, _("%a %-d %b %Y, %H:%M"));
  }

  if (span < 86400 - 3600) {
    g_autoptr(GDateTime) end = g_date_time_new_from_unix_local (bucket->end);
    g_autofree char *a = g_date_time_format (start, _("%a %-d %b %Y, %H:%M"));
    g_autofree char *b = g_date_time_format (end, _("%H:%M"));

    /* Translators: a period of time within a day, "Sat 5 Dec 2026, 08:00–09:00". */
    return g_strdup_printf (_("%s–%s"), a, b);
  }
  if (span <= 86400 + 3600)
    return g_date_time_format (start, _("%a %-d %b %Y"));
  if (span <= 7 * 86400 + 3600) {
    g_autofree char *a = g_date_time_format (start, _("%-d %b %Y"));

    /* Translators: a period of up to a week, by its first day. */
    return g_strdup_printf (_("Week of %s"), a);
  }
  if (span <= 31 * 86400 + 3600)
    return g_date_time_format (start, _("%B %Y"));
  {
    g_autoptr(GDateTime) end = g_date_time_new_from_unix_local (bucket->end - 1);
    g_autofree char *a = g_date_time_format (start, _("%-d %b %Y"));
    g_autofree char *b = g_date_time_format (end, _("%-d %b %Y"));

    return g_strdup_printf (_("%s–%s"), a, b);
  }
}

static char *
describe_bucket (FcHealthMetricPage   *self,
                 const FcHealthBucket *bucket)
{
  if (fc_health_ui_chart_kind (self->data_type) == FC_CHART_BARS) {
    g_autofree char *sum = fc_health_ui_format (self->data_type, bucket->sum);

    /* Translators: a bar of the chart's table: its total and how many
     * readings made it, "8,432 steps in all, 96 readings". */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s in all, %" PRIu64 " reading",
                                         "%s in all, %" PRIu64 " readings",
                                         bucket->count),
                            sum, bucket->count);
  } else {
    g_autofree char *avg = fc_health_ui_format (self->data_type, bucket->avg);
    g_autofree char *low = fc_health_ui_format (self->data_type, bucket->min);
    g_autofree char *high = fc_health_ui_format (self->data_type, bucket->max);

    if (bucket->count == 1)
      return g_steal_pointer (&avg);
    /* Translators: a period of the chart's table, "72.5 kg on average,
     * lowest 71.9 kg, highest 73.0 kg, 4 readings". */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s on average, lowest %s, highest %s, %" PRIu64 " reading",
                                         "%s on average, lowest %s, highest %s, %" PRIu64 " readings",
                                         bucket->count),
                            avg, low, high, bucket->count);
  }
}

static void
fc_health_metric_page_fill_table (FcHealthMetricPage *self)
{
  GArray *buckets;
  GtkWidget *child;
  guint shown = 0;
  gint64 from, to;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table_list))) != NULL)
    gtk_list_box_remove (self->table_list, child);
  if (self->data_type == NULL)
    return;

  /* The columns at the edges may reach past the window: the table lists
   * what the chart shows. */
  fc_chart_get_window (self->chart, &from, &to);
  buckets = fc_chart_get_buckets (self->chart);
  for (guint i = 0; buckets != NULL && i < buckets->len; i++) {
    const FcHealthBucket *bucket = &g_array_index (buckets, FcHealthBucket, i);
    g_autofree char *period = NULL;
    g_autofree char *value = NULL;
    GtkWidget *row;

    if (bucket->count == 0 || bucket->end <= from || bucket->start >= to)
      continue;
    period = describe_period (bucket);
    value = describe_bucket (self, bucket);
    row = adw_action_row_new ();
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), period);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
    gtk_list_box_append (self->table_list, row);
    shown++;
  }
  if (shown == 0) {
    GtkWidget *row = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No measurements in this range"));
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
    gtk_list_box_append (self->table_list, row);
  }
}

static void
on_chart_buckets_changed_cb (FcHealthMetricPage *self)
{
  /* The table is built only while it shows: hundreds of rows per pan
   * would be wasted on a hidden page. */
  if (gtk_toggle_button_get_active (self->table_button))
    fc_health_metric_page_fill_table (self);
}

static void
on_table_toggled_cb (FcHealthMetricPage *self,
                     GtkToggleButton    *button)
{
  gboolean table = gtk_toggle_button_get_active (button);

  if (table)
    fc_health_metric_page_fill_table (self);
  gtk_stack_set_visible_child_name (self->view_stack, table ? "table" : "chart");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), table ? _("Show as Chart") : _("Show as Table"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  table ? _("Show as Chart") : _("Show as Table"),
                                  -1);
}

static void
on_chart_summary_cb (FcHealthMetricPage *self)
{
  g_autofree char *summary = fc_chart_dup_summary (self->chart);

  gtk_label_set_text (self->summary_label, summary != NULL ? summary : "");
}

/* ----- The recent measurements ----- */

static const char *
source_label (const char *source)
{
  if (source == NULL || g_str_equal (source, "manual"))
    return _("Typed in");
  if (g_str_equal (source, "apple-health"))
    return _("Apple Health");
  if (g_str_equal (source, "google-fit"))
    return _("Google Fit");
  if (g_str_equal (source, "csv"))
    return _("CSV file");
  return source;
}

static char *
describe_point_value (const char *data_type,
                      JsonObject *point)
{
  g_autofree char *value = fc_health_ui_format (data_type,
                                                fc_health_ui_point_double (point, "value"));
  const char *stage = fc_json_get_string (point, "stage");

  /* Translators: a sleep measurement with its stage, "7 h 32 min, deep". */
  return stage != NULL ? g_strdup_printf (_("%s, %s"), value, stage) : g_steal_pointer (&value);
}

static GtkWidget *
create_point_row (FcHealthMetricPage *self,
                  JsonObject         *point)
{
  GtkWidget *row = adw_action_row_new ();
  gint64 local_id = fc_health_ui_point_int (point, "local_id");
  g_autofree char *value = describe_point_value (self->data_type, point);
  g_autofree char *when = fc_health_ui_format_time (fc_health_ui_point_time (point));
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  gboolean pending = FALSE;

  fc_json_get_boolean (point, "pending", &pending);
  /* Translators: a measurement's date, where it came from and, while it
   * waits for upload, "not synced yet": "5 Dec 2026, 08:30 · Typed in". */
  subtitle = pending ? g_strdup_printf (_("%s · %s · not synced yet"), when,
                                        source_label (fc_json_get_string (point, "source")))
                     : g_strdup_printf (_("%s · %s"), when,
                                        source_label (fc_json_get_string (point, "source")));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), value);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, "measurement");

  /* Translators: %s is a measurement and its date, "72.5 kg, 5 Dec 2026, 08:30". */
  label = g_strdup_printf (_("Edit %s, %s"), value, when);
  fc_accessible_add_row_button (row, "document-edit-symbolic", _("Edit"), label,
                                "metric.edit", local_id);
  g_free (label);
  /* Translators: %s is a measurement and its date. */
  label = g_strdup_printf (_("Delete %s, %s"), value, when);
  fc_accessible_add_row_button (row, "user-trash-symbolic", _("Delete"), label,
                                "metric.delete", local_id);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "metric.edit");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", local_id);
  return row;
}

static void
points_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FcHealthMetricPage) self = user_data;
  g_autoptr(JsonArray) points = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  points = fc_store_health_list_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (points == NULL) {
    g_warning ("Cannot read the measurements: %s", error->message);
    return;
  }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->entries_list))) != NULL)
    gtk_list_box_remove (self->entries_list, child);
  g_clear_pointer (&self->points, json_array_unref);
  self->points = g_steal_pointer (&points);

  for (guint i = 0; i < json_array_get_length (self->points); i++) {
    JsonObject *point = json_array_get_object_element (self->points, i);

    if (point != NULL)
      gtk_list_box_append (self->entries_list, create_point_row (self, point));
  }
  if (json_array_get_length (self->points) == 0) {
    GtkWidget *row = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No measurements"));
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
    gtk_list_box_append (self->entries_list, row);
  }
}

static void
goals_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcHealthMetricPage) self = user_data;
  g_autoptr(JsonObject) goals = NULL;
  g_autoptr(GError) error = NULL;
  const char *member = NULL;
  double goal = NAN;

  goals = fc_store_health_get_goals_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->data_type == NULL)
    return;
  if (g_str_equal (self->data_type, "steps"))
    member = "daily_steps";
  else if (g_str_equal (self->data_type, "weight"))
    member = "target_weight";
  else if (g_str_equal (self->data_type, "sleep"))
    member = "sleep_minutes";
  if (goals == NULL || member == NULL || !fc_json_get_double (goals, member, &goal))
    goal = NAN;
  fc_chart_set_goal (self->chart, goal);
}

static void
fc_health_metric_page_reload (FcHealthMetricPage *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL || self->data_type == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  fc_store_health_list_async (self->store, self->data_type, 0, END_OF_TIME, RECENT_LIMIT,
                              self->cancellable, points_loaded_cb, g_object_ref (self));
  fc_store_health_get_goals_async (self->store, self->cancellable, goals_loaded_cb,
                                   g_object_ref (self));
}

static gboolean
reload_cb (gpointer user_data)
{
  FcHealthMetricPage *self = user_data;

  self->reload_id = 0;
  fc_health_metric_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void
fc_health_metric_page_queue_reload (FcHealthMetricPage *self)
{
  if (self->reload_id == 0 && self->data_type != NULL)
    self->reload_id = g_timeout_add (250, reload_cb, self);
}

static JsonObject *
find_point (FcHealthMetricPage *self,
            gint64              local_id)
{
  for (guint i = 0; self->points != NULL && i < json_array_get_length (self->points); i++) {
    JsonObject *point = json_array_get_object_element (self->points, i);

    if (point != NULL && fc_health_ui_point_int (point, "local_id") == local_id)
      return point;
  }
  return NULL;
}

static void
on_entry_saved_cb (FcHealthMetricPage *self,
                   gint64              local_id,
                   const char         *data_type,
                   gint64              recorded_at)
{
  if (self->session != NULL && self->toast_overlay != NULL)
    fc_health_ui_show_saved (self->toast_overlay, self->session, local_id, data_type, recorded_at);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FcHealthMetricPage *self = FC_HEALTH_METRIC_PAGE (widget);
  JsonObject *point = find_point (self, g_variant_get_int64 (parameter));
  GtkWidget *dialog;

  if (point == NULL || self->session == NULL || self->store == NULL)
    return;
  dialog = fc_health_entry_dialog_new (get_window (self), self->session, self->data_type, point);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_entry_saved_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Undo of a delete adds the point back as it was (a new local point, which
 * the engine uploads again). */
typedef struct {
  FcStore    *store;
  JsonObject *point;
} UndoData;

static void
undo_data_free (gpointer user_data,
                GClosure *closure)
{
  UndoData *data = user_data;

  g_clear_object (&data->store);
  g_clear_pointer (&data->point, json_object_unref);
  g_free (data);
}

static void
undo_added_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (fc_store_health_add_finish (FC_STORE (object), result, &error) == 0 && error != NULL)
    g_warning ("Cannot restore the deleted measurement: %s", error->message);
}

static void
on_undo_clicked_cb (AdwToast *toast,
                    UndoData *data)
{
  g_autoptr(JsonObject) point = json_object_new ();
  const char *members[] = { "data_type", "value", "unit", "recorded_at", "stage", "note" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++) {
    JsonNode *node = json_object_get_member (data->point, members[i]);

    if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
      json_object_set_member (point, members[i], json_node_copy (node));
  }
  fc_store_health_add_async (data->store, point, NULL, undo_added_cb, NULL);
}

typedef struct {
  FcHealthMetricPage *self;
  char               *name;
} DeleteData;

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DeleteData *data = user_data;
  g_autoptr(FcHealthMetricPage) self = data->self;
  g_autofree char *name = data->name;
  g_autoptr(JsonObject) point = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;
  UndoData *undo;

  g_free (data);
  point = fc_store_health_delete_finish (FC_STORE (object), result, &error);
  if (point == NULL) {
    g_autofree char *text = NULL;

    /* Translators: %s says why. */
    text = g_strdup_printf (_("Could not delete: %s"), error->message);
    add_toast (self, adw_toast_new (text));
    return;
  }

  /* Translators: %s is a measurement, "72.5 kg". */
  title = g_strdup_printf (_("“%s” deleted"), name);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* Normal priority: libadwaita 1.2 aborts when a high one displaces a
   * toast still fading out (see src/ui/nutrition/fc-pending-deletes.c). */
  undo = g_new0 (UndoData, 1);
  undo->store = g_object_ref (FC_STORE (object));
  undo->point = g_steal_pointer (&point);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_clicked_cb), undo,
                         undo_data_free, 0);
  add_toast (self, toast);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcHealthMetricPage *self = FC_HEALTH_METRIC_PAGE (widget);
  gint64 local_id = g_variant_get_int64 (parameter);
  JsonObject *point = find_point (self, local_id);
  DeleteData *data;

  if (point == NULL || self->store == NULL)
    return;
  data = g_new0 (DeleteData, 1);
  data->self = g_object_ref (self);
  data->name = describe_point_value (self->data_type, point);
  fc_store_health_delete_async (self->store, local_id, NULL, deleted_cb, data);
}

/* ----- Export ----- */

static char *
export_basename (FcHealthMetricPage *self,
                 const char         *extension)
{
  GDate today;
  g_autofree char *day = NULL;

  fc_time_get_today (&today);
  day = fc_time_format_date (&today);
  return g_strdup_printf ("%s-%s.%s", self->data_type, day, extension);
}

typedef void (*SaveFunc) (FcHealthMetricPage *self,
                          GFile              *file);

static void
save_png (FcHealthMetricPage *self,
          GFile              *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *text = NULL;
  int width = MAX (gtk_widget_get_width (GTK_WIDGET (self->chart)), 640);
  int height = MAX (gtk_widget_get_height (GTK_WIDGET (self->chart)), 320);

  if (!fc_chart_save_png (self->chart, file, width, height, &error))
    /* Translators: %s says why. */
    text = g_strdup_printf (_("Could not export the chart: %s"), error->message);
  else
    /* Translators: %s is a file name. */
    text = g_strdup_printf (_("Chart exported to “%s”"), name);
  add_toast (self, adw_toast_new (text));
}

typedef struct {
  FcHealthMetricPage *self;
  GFile              *file;
} CsvData;

static void
csv_data_free (CsvData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->file);
  g_free (data);
}

static void
csv_written_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CsvData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (data->file);
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    /* Translators: %s says why. */
    text = g_strdup_printf (_("Could not export the data: %s"), error->message);
  else
    /* Translators: %s is a file name. */
    text = g_strdup_printf (_("Data exported to “%s”"), name);
  add_toast (data->self, adw_toast_new (text));
  csv_data_free (data);
}

static void
csv_field (GString    *csv,
           const char *text)
{
  /* Quoted only when it must be (RFC 4180). */
  if (text != NULL && strpbrk (text, ",\"\r\n") != NULL) {
    g_string_append_c (csv, '"');
    for (const char *p = text; *p != '\0'; p++) {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
    g_string_append_c (csv, '"');
  } else if (text != NULL) {
    g_string_append (csv, text);
  }
}

static void
csv_points_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  CsvData *data = user_data;
  g_autoptr(JsonArray) points = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GString *csv;

  points = fc_store_health_list_finish (FC_STORE (object), result, &error);
  if (points == NULL) {
    g_autofree char *text = NULL;

    text = g_strdup_printf (_("Could not export the data: %s"), error->message);
    add_toast (data->self, adw_toast_new (text));
    csv_data_free (data);
    return;
  }

  /* The wire's names and canonical units, oldest first: a file another
   * program (or our own CSV import) reads back as it is. */
  csv = g_string_new ("recorded_at,data_type,value,unit,stage,source\n");
  for (guint n = json_array_get_length (points); n > 0; n--) {
    JsonObject *point = json_array_get_object_element (points, n - 1);
    char number[G_ASCII_DTOSTR_BUF_SIZE];

    if (point == NULL)
      continue;
    csv_field (csv, fc_json_get_string (point, "recorded_at"));
    g_string_append_c (csv, ',');
    csv_field (csv, fc_json_get_string (point, "data_type"));
    g_string_append_c (csv, ',');
    g_string_append (csv, g_ascii_formatd (number, sizeof number, "%.10g",
                                           fc_health_ui_point_double (point, "value")));
    g_string_append_c (csv, ',');
    csv_field (csv, fc_json_get_string (point, "unit"));
    g_string_append_c (csv, ',');
    csv_field (csv, fc_json_get_string (point, "stage"));
    g_string_append_c (csv, ',');
    csv_field (csv, fc_json_get_string (point, "source"));
    g_string_append_c (csv, '\n');
  }
  bytes = g_string_free_to_bytes (csv);
  g_file_replace_contents_bytes_async (data->file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                       csv_written_cb, data);
}

static void
save_csv (FcHealthMetricPage *self,
          GFile              *file)
{
  CsvData *data;
  gint64 from, to;

  if (self->store == NULL)
    return;
  fc_chart_get_window (self->chart, &from, &to);
  data = g_new0 (CsvData, 1);
  data->self = g_object_ref (self);
  data->file = g_object_ref (file);
  fc_store_health_list_async (self->store, self->data_type, from, to, EXPORT_LIMIT, NULL,
                              csv_points_loaded_cb, data);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
file_dialog_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FcHealthMetricPage) self = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, NULL);
  SaveFunc func = g_object_get_data (object, "fc-save-func");

  if (file != NULL && self->data_type != NULL)
    func (self, file);
}
#else
static void
on_file_chooser_response_cb (GtkNativeDialog *chooser,
                             int              response,
                             gpointer         user_data)
{
  g_autoptr(FcHealthMetricPage) self = user_data;
  SaveFunc func = g_object_get_data (G_OBJECT (chooser), "fc-save-func");

  if (response == GTK_RESPONSE_ACCEPT && self->data_type != NULL) {
    g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

    if (file != NULL)
      func (self, file);
  }
  g_object_unref (chooser);
}
#endif

/* GTK 4.8 has no GtkFileDialog (4.10); the native chooser uses the
 * portal where there is one. */
static void
choose_file (FcHealthMetricPage *self,
             const char         *title,
             const char         *name,
             SaveFunc            func)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_initial_name (dialog, name);
  g_object_set_data (G_OBJECT (dialog), "fc-save-func", func);
  gtk_file_dialog_save (dialog, get_window (self), NULL, file_dialog_done_cb, g_object_ref (self));
#else
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, get_window (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "fc-save-func", func);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chooser_response_cb),
                    g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
#endif
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcHealthMetricPage *self = FC_HEALTH_METRIC_PAGE (widget);
  gboolean png = g_str_equal (g_variant_get_string (parameter, NULL), "png");
  g_autofree char *name = NULL;

  if (self->data_type == NULL)
    return;
  name = export_basename (self, png ? "png" : "csv");
  choose_file (self, png ? _("Export Chart") : _("Export Data"), name, png ? save_png : save_csv);
}

/* ----- The object ----- */

static void
on_session_store_changed_cb (FcHealthMetricPage *self)
{
  FcStore *store = self->session != NULL ? fc_session_get_store (self->session) : NULL;

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL) {
    g_signal_connect_object (store, "changed::" FC_STORE_HEALTH,
                             G_CALLBACK (fc_health_metric_page_queue_reload), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (store, "changed::" FC_STORE_HEALTH_GOALS,
                             G_CALLBACK (fc_health_metric_page_queue_reload), self,
                             G_CONNECT_SWAPPED);
  }
  fc_chart_set_store (self->chart, store);
  fc_health_metric_page_reload (self);
}

/* The chart reads canonical values and shows them in the person's unit;
 * every unit the app offers a chart in is a factor of the canonical one
 * (stones as one number, never stones and pounds). */
static void
show_chart_unit (FcHealthMetricPage *self)
{
  FcHealthUnit unit;

  if (self->data_type == NULL)
    return;
  unit = fc_health_ui_unit (self->data_type);
  fc_chart_set_display_unit (self->chart, fc_health_unit_symbol (unit, self->data_type),
                             fc_health_unit_from_canonical (unit, self->data_type, 1));
}

static void
on_units_changed_cb (FcHealthMetricPage *self)
{
  show_chart_unit (self);
  fc_health_metric_page_reload (self);
  on_chart_buckets_changed_cb (self);
}

static void
fc_health_metric_page_dispose (GObject *object)
{
  FcHealthMetricPage *self = FC_HEALTH_METRIC_PAGE (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
  g_clear_pointer (&self->points, json_array_unref);
  g_clear_pointer (&self->data_type, g_free);
  if (self->toast_overlay != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->toast_overlay),
                                  (gpointer *) &self->toast_overlay);
  self->toast_overlay = NULL;
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_HEALTH_METRIC_PAGE);

  G_OBJECT_CLASS (fc_health_metric_page_parent_class)->dispose (object);
}

static void
fc_health_metric_page_class_init (FcHealthMetricPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_health_metric_page_dispose;

  g_type_ensure (FC_TYPE_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/health/"
                                               "fc-health-metric-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, day_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, week_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, month_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, year_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, all_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, table_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, chart);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, table_list);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FcHealthMetricPage, entries_list);
  gtk_widget_class_bind_template_callback (widget_class, on_range_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_table_toggled_cb);

  gtk_widget_class_install_action (widget_class, "metric.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "metric.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "metric.export", "s", export_action);

  /* Escape goes back to the overview, as the back button does. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "health.back", NULL);
}

static void
fc_health_metric_page_init (FcHealthMetricPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->chart, "notify::range", G_CALLBACK (on_chart_range_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chart, "notify::summary", G_CALLBACK (on_chart_summary_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chart, "buckets-changed",
                           G_CALLBACK (on_chart_buckets_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (fc_settings_get_default (), "changed::" FC_SETTINGS_HEALTH_UNITS,
                           G_CALLBACK (on_units_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
fc_health_metric_page_new (void)
{
  return g_object_new (FC_TYPE_HEALTH_METRIC_PAGE, NULL);
}

void
fc_health_metric_page_set_session (FcHealthMetricPage *self,
                                   FcSession          *session)
{
  g_return_if_fail (FC_IS_HEALTH_METRIC_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::store",
                             G_CALLBACK (on_session_store_changed_cb), self, G_CONNECT_SWAPPED);
  on_session_store_changed_cb (self);
}

void
fc_health_metric_page_set_data_type (FcHealthMetricPage *self,
                                     const char         *data_type)
{
  g_return_if_fail (FC_IS_HEALTH_METRIC_PAGE (self));

  if (g_strcmp0 (self->data_type, data_type) == 0)
    return;
  g_free (self->data_type);
  self->data_type = g_strdup (data_type);
  g_clear_pointer (&self->points, json_array_unref);

  if (data_type != NULL) {
    const char *title = fc_health_ui_type_title (data_type);
    gint64 now = fc_health_ui_now ();

    gtk_label_set_text (self->title_label, title);
    fc_chart_set_data_type (self->chart, data_type, fc_health_ui_chart_kind (data_type), title,
                            fc_health_unit_symbol (FC_HEALTH_UNIT_CANONICAL, data_type));
    show_chart_unit (self);
    /* Only a day chosen by FITCORE_TODAY is injected; otherwise the chart
     * follows the clock as it runs. */
    fc_chart_set_now (self->chart, ABS (now - g_get_real_time () / G_USEC_PER_SEC) > 60 ? now : 0);
    fc_chart_set_goal (self->chart, NAN);
    fc_chart_set_range (self->chart, FC_CHART_RANGE_MONTH);
    on_chart_range_cb (self);
  } else {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->entries_list))) != NULL)
      gtk_list_box_remove (self->entries_list, child);
  }
  fc_health_metric_page_reload (self);
}

const char *
fc_health_metric_page_get_data_type (FcHealthMetricPage *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_METRIC_PAGE (self), NULL);

  return self->data_type;
}

void
fc_health_metric_page_set_toast_overlay (FcHealthMetricPage *self,
                                         AdwToastOverlay    *overlay)
{
  g_return_if_fail (FC_IS_HEALTH_METRIC_PAGE (self));

  if (self->toast_overlay != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->toast_overlay),
                                  (gpointer *) &self->toast_overlay);
  self->toast_overlay = overlay;
  if (overlay != NULL)
    g_object_add_weak_pointer (G_OBJECT (overlay), (gpointer *) &self->toast_overlay);
}
