/* fc-sign-in-form.h — e-mail, password and server, and the server's answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_SIGN_IN_FORM (fc_sign_in_form_get_type ())

G_DECLARE_FINAL_TYPE (FcSignInForm, fc_sign_in_form, FC, SIGN_IN_FORM, AdwBin)

GtkWidget *fc_sign_in_form_new         (void);
void       fc_sign_in_form_set_session (FcSignInForm *self,
                                        FcSession    *session);
void       fc_sign_in_form_prepare     (FcSignInForm *self,
                                        const char   *email,
                                        const char   *message);
const char *fc_sign_in_form_get_email  (FcSignInForm *self);
char       *fc_sign_in_form_dup_server (FcSignInForm *self);
void       fc_sign_in_form_set_google_visible (FcSignInForm *self,
                                               gboolean      visible);

G_END_DECLS
