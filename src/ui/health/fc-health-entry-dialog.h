/* fc-health-entry-dialog.h — add or edit one measurement
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_HEALTH_ENTRY_DIALOG (fc_health_entry_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FcHealthEntryDialog, fc_health_entry_dialog, FC, HEALTH_ENTRY_DIALOG,
                      AdwWindow)

/* A new measurement of @data_type (NULL: weight), or, with @point (a point
 * as fc_store_health_list_async() answers it, "local_id" included), that
 * one edited. Saves through the store and emits "saved" (gint64 local_id,
 * const char *data_type, gint64 recorded_at) before it closes. */
GtkWidget *fc_health_entry_dialog_new (GtkWindow  *parent,
                                       FcSession  *session,
                                       const char *data_type,
                                       JsonObject *point);

G_END_DECLS
