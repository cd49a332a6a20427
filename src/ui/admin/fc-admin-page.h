/* fc-admin-page.h — the Admin section (staff only): accounts and statistics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_PAGE (fc_admin_page_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminPage, fc_admin_page, FC, ADMIN_PAGE, AdwBin)

GtkWidget *fc_admin_page_new         (void);
void       fc_admin_page_set_session (FcAdminPage *self,
                                      FcSession   *session);

G_END_DECLS
