/* fc-preferences-window.h — the server address and the style
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FC_TYPE_PREFERENCES_WINDOW (fc_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (FcPreferencesWindow, fc_preferences_window, FC, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *fc_preferences_window_new (GtkWindow *parent);

G_END_DECLS
