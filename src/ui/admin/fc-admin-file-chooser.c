/* fc-admin-file-chooser.c — the Admin section's way to ask for local files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-admin-file-chooser.h"

static void
on_response_cb (GtkNativeDialog *dialog,
                int              response,
                GtkWidget       *widget)
{
  FcAdminFilesChosen callback = (FcAdminFilesChosen) g_object_get_data (G_OBJECT (dialog),
                                                                        "fc-callback");

  if (response == GTK_RESPONSE_ACCEPT) {
    g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

    if (files != NULL && g_list_model_get_n_items (files) > 0)
      callback (widget, files);
  }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

void
fc_admin_choose_files (GtkWidget          *widget,
                       const char         *title,
                       const char         *accept_label,
                       GtkFileFilter      *filter,
                       gboolean            multiple,
                       FcAdminFilesChosen  callback)
{
  GtkFileChooserNative *dialog;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (GTK_IS_FILE_FILTER (filter));
  g_return_if_fail (callback != NULL);

  dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, accept_label, _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), multiple);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "fc-callback", (gpointer) callback);
  /* The dialog holds itself until answered; the widget may go first. */
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_response_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
