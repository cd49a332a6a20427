/* fc-welcome-page.h — the three ways in, and the account forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_WELCOME_PAGE (fc_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (FcWelcomePage, fc_welcome_page, FC, WELCOME_PAGE, AdwBin)

GtkWidget *fc_welcome_page_new            (void);
void       fc_welcome_page_set_session    (FcWelcomePage *self,
                                           FcSession     *session);
void       fc_welcome_page_set_menu_model (FcWelcomePage *self,
                                           GMenuModel    *menu);
void       fc_welcome_page_show_start     (FcWelcomePage *self);
void       fc_welcome_page_show_sign_in   (FcWelcomePage *self,
                                           const char    *email,
                                           const char    *message);

G_END_DECLS
