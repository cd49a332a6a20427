/* fc-today-page.h — greeting, profile summary, sync state, refused changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_TODAY_PAGE (fc_today_page_get_type ())

G_DECLARE_FINAL_TYPE (FcTodayPage, fc_today_page, FC, TODAY_PAGE, AdwBin)

GtkWidget *fc_today_page_new         (void);
void       fc_today_page_set_session (FcTodayPage *self,
                                      FcSession   *session);

G_END_DECLS
