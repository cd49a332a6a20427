/* fc-application.h — the FitCore application: actions, style, windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-download-manager.h"
#include "fc-reminders.h"
#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_APPLICATION (fc_application_get_type ())

G_DECLARE_FINAL_TYPE (FcApplication, fc_application, FC, APPLICATION, AdwApplication)

FcApplication *fc_application_new         (void);
FcSession     *fc_application_get_session (FcApplication *self);
FcDownloadManager *fc_application_get_downloads (FcApplication *self);
GSettings     *fc_application_get_settings (FcApplication *self);
FcReminders   *fc_application_get_reminders (FcApplication *self);

G_END_DECLS
