/* fc-health-import-dialog.h — bring measurements from other apps' files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_HEALTH_IMPORT_DIALOG (fc_health_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FcHealthImportDialog, fc_health_import_dialog, FC, HEALTH_IMPORT_DIALOG,
                      AdwWindow)

/* Not modal: the window behind stays usable while a long import runs. */
GtkWidget *fc_health_import_dialog_new (GtkWindow *parent,
                                        FcSession *session);

G_END_DECLS
