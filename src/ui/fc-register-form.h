/* fc-register-form.h — a new account, with the server's answer per field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_REGISTER_FORM (fc_register_form_get_type ())

G_DECLARE_FINAL_TYPE (FcRegisterForm, fc_register_form, FC, REGISTER_FORM, AdwBin)

GtkWidget *fc_register_form_new         (void);
void       fc_register_form_set_session (FcRegisterForm *self,
                                         FcSession      *session);
void       fc_register_form_prepare     (FcRegisterForm *self);

G_END_DECLS
