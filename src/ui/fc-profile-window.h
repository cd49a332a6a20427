/* fc-profile-window.h — edits the profile and the name, offline too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_PROFILE_WINDOW (fc_profile_window_get_type ())

G_DECLARE_FINAL_TYPE (FcProfileWindow, fc_profile_window, FC, PROFILE_WINDOW, AdwWindow)

GtkWidget *fc_profile_window_new (GtkWindow *parent,
                                  FcSession *session);

G_END_DECLS
