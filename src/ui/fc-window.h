/* fc-window.h — the main window: a sidebar of sections and their pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_WINDOW (fc_window_get_type ())

G_DECLARE_FINAL_TYPE (FcWindow, fc_window, FC, WINDOW, AdwApplicationWindow)

FcWindow   *fc_window_new            (AdwApplication *application,
                                      FcSession      *session,
                                      gboolean        restoring);
const char *fc_window_get_section    (FcWindow       *self);
void        fc_window_set_section    (FcWindow       *self,
                                      const char     *section);
gboolean    fc_window_get_show_admin (FcWindow       *self);
void        fc_window_set_show_admin (FcWindow       *self,
                                      gboolean        show_admin);
void        fc_window_add_toast      (FcWindow       *self,
                                      AdwToast       *toast);
void        fc_window_show_secrets_unavailable (FcWindow *self);

G_END_DECLS
