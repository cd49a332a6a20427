/* fc-health-ui.h — how the Health section names, shows and dates things
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the Health pages (the overview, a metric's page, the entry and
 * import dialogs) share: a type's title and chart kind, the unit the person
 * reads it in (src/health/fc-health-units.h under the "health-units"
 * preference), and the time the section calls now.
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "fc-chart.h"
#include "fc-health-units.h"
#include "fc-session.h"

G_BEGIN_DECLS

/* "Weight", "Resting Heart Rate"; the wire name for an unknown type. */
const char  *fc_health_ui_type_title   (const char *data_type);
/* Bars for types whose day adds up (steps), a line for levels (weight). */
FcChartKind  fc_health_ui_chart_kind   (const char *data_type);
/* The types a person may type in, in the wire's order, NULL-terminated. */
const char * const *fc_health_ui_entry_types (void);

/* The unit @data_type is shown and typed in, under the preference. */
FcHealthUnit fc_health_ui_unit         (const char *data_type);
/* "72.5 kg", "8,432 steps" in that unit. */
char        *fc_health_ui_format       (const char *data_type,
                                        double      canonical);
/* A difference of two canonical values: "−1.2 kg", "+350 steps", "no change". */
char        *fc_health_ui_format_change (const char *data_type,
                                         double      difference);

/* Now, in UTC seconds: the clock, or the clock's time of day on the day
 * FITCORE_TODAY names (src/core/fc-time.c), so that tests choose the day. */
gint64       fc_health_ui_now          (void);
/* The start of the local day @days after (or before) the one holding @time. */
gint64       fc_health_ui_day_start    (gint64      time,
                                        int         days);
/* "5 Dec 2026, 08:30" in local time. */
char        *fc_health_ui_format_time  (gint64      time);

G_END_DECLS

G_BEGIN_DECLS

/* A toast for a measurement just saved that follows it until it reaches
 * the server: "Saved — syncing…" while the sync engine is online and the
 * point waits for upload, "Saved — will sync when online" while it cannot
 * reach the server, "Saved" once the server has the point. */
AdwToast    *fc_health_ui_saved_toast_new (FcSession  *session,
                                           gint64      local_id,
                                           const char *data_type,
                                           gint64      recorded_at);
/* After FcHealthEntryDialog::saved: that toast in @overlay, and a sync
 * asked for, so the point goes up at once rather than at the next run. */
void         fc_health_ui_show_saved      (AdwToastOverlay *overlay,
                                           FcSession       *session,
                                           gint64           local_id,
                                           const char      *data_type,
                                           gint64           recorded_at);

/* A point's "recorded_at" (ISO 8601) in UTC seconds, or 0. */
gint64       fc_health_ui_point_time  (JsonObject *point);
/* A point's member as a number or 0. */
double       fc_health_ui_point_double (JsonObject *point,
                                        const char *member);
gint64       fc_health_ui_point_int   (JsonObject *point,
                                       const char *member);

/* Loads the section's stylesheet for @widget's display, once. */
void         fc_health_ui_ensure_css  (GtkWidget  *widget);
/* Marks an entry row as wrong, for the eye and for screen readers (the
 * message as its description), or clears it with NULL. */
void         fc_health_ui_set_row_error (AdwEntryRow *row,
                                         const char  *message);

G_END_DECLS
