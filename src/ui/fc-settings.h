/* fc-settings.h — the app's GSettings key names, in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

/* The schema id is APPLICATION_ID (config.h); the schema itself is
 * data/org.fitcore.FitCore.gschema.xml. */
#define FC_SETTINGS_WINDOW_WIDTH     "window-width"
#define FC_SETTINGS_WINDOW_HEIGHT    "window-height"
#define FC_SETTINGS_WINDOW_MAXIMIZED "window-maximized"
#define FC_SETTINGS_LAST_SECTION     "last-section"
#define FC_SETTINGS_SERVER_URL       "server-url"
#define FC_SETTINGS_COLOR_SCHEME     "color-scheme"
#define FC_SETTINGS_HEALTH_UNITS     "health-units"
/* Reminders (src/sync/fc-reminders.c reads "reminders" and
 * "meal-reminders" by name: it is below the UI). */
#define FC_SETTINGS_RUN_IN_BACKGROUND "run-in-background"
#define FC_SETTINGS_START_AT_LOGIN    "start-at-login"
/* "Continue with Google" (src/sync/fc-google-sign-in.h); FITCORE_GOOGLE_*
 * in the environment win. */
#define FC_SETTINGS_GOOGLE_ISSUER        "google-issuer"
#define FC_SETTINGS_GOOGLE_CLIENT_ID     "google-client-id"
#define FC_SETTINGS_GOOGLE_CLIENT_SECRET "google-client-secret"

/* The application's one GSettings (fc-application.c), not a new one:
 * transfer none. */
GSettings *fc_settings_get_default (void);
