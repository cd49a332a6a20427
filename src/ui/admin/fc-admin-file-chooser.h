/* fc-admin-file-chooser.h — the Admin section's way to ask for local files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkFileChooserNative (GtkFileDialog is GTK 4.10): inside the Flatpak
 * sandbox it is the file chooser portal's, which hands the app the files
 * chosen and nothing else.
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called with the files chosen (never empty); not at all on Cancel. */
typedef void (*FcAdminFilesChosen) (GtkWidget  *widget,
                                    GListModel *files);

/* Opens a chooser, modal on @widget's window, for files of @filter; the
 * dialog goes once answered. @callback is not called once @widget is
 * finalized. */
void fc_admin_choose_files (GtkWidget          *widget,
                            const char         *title,
                            const char         *accept_label,
                            GtkFileFilter      *filter,
                            gboolean            multiple,
                            FcAdminFilesChosen  callback);

G_END_DECLS
