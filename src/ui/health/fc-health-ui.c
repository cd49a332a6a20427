/* fc-health-ui.c — how the Health section names, shows and dates things
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fc-health-ui.h"

#include "fc-json.h"
#include "fc-settings.h"
#include "fc-store-health.h"
#include "fc-time.h"

static const struct {
  const char *data_type;
  const char *title;
  gboolean    entry;   /* typed in by hand; the rest come from imports */
} type_titles[] = {
  { "weight", N_("Weight"), TRUE },
  { "body_fat", N_("Body Fat"), TRUE },
  { "bmi", N_("Body Mass Index"), FALSE },
  { "height", N_("Height"), TRUE },
  { "steps", N_("Steps"), TRUE },
  { "distance", N_("Distance"), TRUE },
  { "active_energy", N_("Active Energy"), TRUE },
  { "heart_rate", N_("Heart Rate"), TRUE },
  { "resting_heart_rate", N_("Resting Heart Rate"), TRUE },
  { "sleep", N_("Sleep"), TRUE },
  { "water", N_("Water"), TRUE },
  { "blood_pressure_systolic", N_("Blood Pressure, Systolic"), TRUE },
  { "blood_pressure_diastolic", N_("Blood Pressure, Diastolic"), TRUE },
  { "blood_glucose", N_("Blood Glucose"), TRUE },
  { "workout_minutes", N_("Workout Minutes"), TRUE },
};

const char *
fc_health_ui_type_title (const char *data_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_titles); i++) {
    if (g_strcmp0 (type_titles[i].data_type, data_type) == 0)
      return _(type_titles[i].title);
  }
  return data_type;
}

FcChartKind
fc_health_ui_chart_kind (const char *data_type)
{
  const FcHealthTypeInfo *info = fc_health_type_info_lookup (data_type);

  return info != NULL && info->summable ? FC_CHART_BARS : FC_CHART_LINE;
}

const char * const *
fc_health_ui_entry_types (void)
{
  static const char *types[G_N_ELEMENTS (type_titles) + 1];

  if (types[0] == NULL) {
    guint n = 0;

    for (guint i = 0; i < G_N_ELEMENTS (type_titles); i++) {
      if (type_titles[i].entry)
        types[n++] = type_titles[i].data_type;
    }
  }
  return types;
}

FcHealthUnit
fc_health_ui_unit (const char *data_type)
{
  g_autofree char *preference = g_settings_get_string (fc_settings_get_default (),
                                                       FC_SETTINGS_HEALTH_UNITS);

  return fc_health_unit_default_for_type (data_type,
                                          fc_health_unit_system_from_preference (preference));
}

char *
fc_health_ui_format (const char *data_type,
                     double      canonical)
{
  return fc_health_format_value (data_type, fc_health_ui_unit (data_type), canonical);
}

char *
fc_health_ui_format_change (const char *data_type,
                            double      difference)
{
  FcHealthUnit unit = fc_health_ui_unit (data_type);
  g_autofree char *amount = fc_health_format_value (data_type, unit, fabs (difference));
  g_autofree char *zero = fc_health_format_value (data_type, unit, 0.0);

  /* A change too small to show in the unit's precision is none. */
  if (g_strcmp0 (amount, zero) == 0)
    return g_strdup (_("no change"));
  /* U+2212 MINUS SIGN reads better than a hyphen beside digits. */
  return g_strdup_printf ("%s%s", difference < 0 ? "−" : "+", amount);
}

gint64
fc_health_ui_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) shifted = NULL;
  GDate today;
  GDate clock_day;

  fc_time_get_today (&today);
  g_date_set_dmy (&clock_day, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
  if (g_date_compare (&today, &clock_day) == 0)
    return g_date_time_to_unix (now);

  shifted = g_date_time_new_local (g_date_get_year (&today), g_date_get_month (&today),
                                   g_date_get_day (&today), g_date_time_get_hour (now),
                                   g_date_time_get_minute (now), g_date_time_get_second (now));
  return shifted != NULL ? g_date_time_to_unix (shifted) : g_date_time_to_unix (now);
}

gint64
fc_health_ui_day_start (gint64 time,
                        int    days)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time);
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) moved = NULL;

  midnight = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                    g_date_time_get_day_of_month (local), 0, 0, 0);
  /* Adding days keeps the local midnight across a DST change. */
  moved = g_date_time_add_days (midnight, days);
  return g_date_time_to_unix (moved);
}

char *
fc_health_ui_format_time (gint64 time)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time);

  /* Translators: a measurement's date and time, see g_date_time_format(). */
  return g_date_time_format (local, _("%-d %b %Y, %H:%M"));
}

gint64
fc_health_ui_point_time (JsonObject *point)
{
  const char *text = point != NULL ? fc_json_get_string (point, "recorded_at") : NULL;
  g_autoptr(GDateTime) time = text != NULL ? fc_time_parse_iso8601 (text) : NULL;

  return time != NULL ? g_date_time_to_unix (time) : 0;
}

double
fc_health_ui_point_double (JsonObject *point,
                           const char *member)
{
  double value = 0.0;

  if (point != NULL)
    fc_json_get_double (point, member, &value);
  return value;
}

gint64
fc_health_ui_point_int (JsonObject *point,
                        const char *member)
{
  gint64 value = 0;

  if (point != NULL)
    fc_json_get_int (point, member, &value);
  return value;
}

void
fc_health_ui_ensure_css (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "fc-health-css") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/org/fitcore/FitCore/ui/health/fc-health.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data (G_OBJECT (display), "fc-health-css", GINT_TO_POINTER (1));
}

/* The toast after a save follows the point's "pending" flag in the store
 * (a health point waits in the store, not in the outbox, until the engine
 * uploads it through health/sync/) and the engine's state. */
typedef struct {
  AdwToast     *toast;
  FcStore      *store;
  FcSyncEngine *engine;        /* nullable */
  GCancellable *cancellable;
  char         *data_type;
  gint64        local_id;
  gint64        recorded_at;
  guint         querying : 1;
  guint         again : 1;
  guint         done : 1;
} SavedToast;

static void saved_toast_update (SavedToast *data);

static void
saved_toast_disconnect (SavedToast *data)
{
  if (data->store != NULL)
    g_signal_handlers_disconnect_by_data (data->store, data);
  if (data->engine != NULL)
    g_signal_handlers_disconnect_by_data (data->engine, data);
}

static void
saved_toast_free (SavedToast *data)
{
  g_cancellable_cancel (data->cancellable);
  g_clear_object (&data->cancellable);
  saved_toast_disconnect (data);
  g_clear_object (&data->store);
  g_clear_object (&data->engine);
  g_clear_object (&data->toast);
  g_free (data->data_type);
  g_free (data);
}

static gboolean
engine_offline (FcSyncEngine *engine)
{
  return engine == NULL || fc_sync_engine_get_state (engine) == FC_SYNC_STATE_OFFLINE;
}

static void
saved_toast_listed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  SavedToast *data = user_data;
  g_autoptr(JsonArray) points = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  gboolean pending = FALSE;

  points = fc_store_health_list_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the toast is gone and @data with it */
  data->querying = FALSE;
  if (points == NULL) {
    g_warning ("Cannot read the measurement just saved: %s", error->message);
    return;
  }
  for (guint i = 0; i < json_array_get_length (points) && !found; i++) {
    JsonObject *point = json_array_get_object_element (points, i);

    if (point != NULL && fc_health_ui_point_int (point, "local_id") == data->local_id) {
      found = TRUE;
      fc_json_get_boolean (point, "pending", &pending);
    }
  }

  if (found && pending) {
    adw_toast_set_title (data->toast, engine_offline (data->engine)
                                      ? _("Saved — will sync when online")
                                      /* Translators: saved here, and being sent to the server. */
                                      : _("Saved — syncing…"));
  } else {
    /* Uploaded (or deleted meanwhile): nothing more to follow. */
    adw_toast_set_title (data->toast, _("Saved"));
    data->done = TRUE;
    saved_toast_disconnect (data);
    return;
  }
  if (data->again) {
    data->again = FALSE;
    saved_toast_update (data);
  }
}

static void
saved_toast_update (SavedToast *data)
{
  if (data->done)
    return;
  /* One read at a time; a change meanwhile asks for one more after it. */
  if (data->querying) {
    data->again = TRUE;
    return;
  }
  data->querying = TRUE;
  fc_store_health_list_async (data->store, data->data_type, data->recorded_at,
                              data->recorded_at + 1, 1000, data->cancellable,
                              saved_toast_listed_cb, data);
}

static void
on_saved_toast_dismissed_cb (AdwToast   *toast,
                             SavedToast *data)
{
  saved_toast_free (data);
}

AdwToast *
fc_health_ui_saved_toast_new (FcSession  *session,
                              gint64      local_id,
                              const char *data_type,
                              gint64      recorded_at)
{
  SavedToast *data;

  g_return_val_if_fail (FC_IS_SESSION (session), NULL);
  g_return_val_if_fail (FC_IS_STORE (fc_session_get_store (session)), NULL);

  data = g_new0 (SavedToast, 1);
  data->store = g_object_ref (fc_session_get_store (session));
  data->engine = fc_session_get_sync_engine (session);
  if (data->engine != NULL)
    g_object_ref (data->engine);
  data->cancellable = g_cancellable_new ();
  data->data_type = g_strdup (data_type);
  data->local_id = local_id;
  data->recorded_at = recorded_at;
  data->toast = g_object_ref_sink (adw_toast_new (engine_offline (data->engine)
                                                  ? _("Saved — will sync when online")
                                                  : _("Saved — syncing…")));
  adw_toast_set_timeout (data->toast, 6);

  g_signal_connect_swapped (data->store, "changed::" FC_STORE_HEALTH,
                            G_CALLBACK (saved_toast_update), data);
  if (data->engine != NULL)
    g_signal_connect_swapped (data->engine, "notify::state", G_CALLBACK (saved_toast_update), data);
  g_signal_connect (data->toast, "dismissed", G_CALLBACK (on_saved_toast_dismissed_cb), data);
  saved_toast_update (data);
  return data->toast;
}

void
fc_health_ui_show_saved (AdwToastOverlay *overlay,
                         FcSession       *session,
                         gint64           local_id,
                         const char      *data_type,
                         gint64           recorded_at)
{
  FcSyncEngine *engine;
  AdwToast *toast;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (FC_IS_SESSION (session));

  if (fc_session_get_store (session) == NULL)
    return;
  toast = fc_health_ui_saved_toast_new (session, local_id, data_type, recorded_at);
  adw_toast_overlay_add_toast (overlay, g_object_ref (toast));
  engine = fc_session_get_sync_engine (session);
  if (engine != NULL)
    fc_sync_engine_request_sync (engine);
}

void
fc_health_ui_set_row_error (AdwEntryRow *row,
                            const char  *message)
{
  if (message != NULL) {
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
    gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                                 GTK_ACCESSIBLE_INVALID_TRUE, -1);
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    message, -1);
  } else {
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
    gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  }
}
