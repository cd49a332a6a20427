/* fc-reset-form.h — asks the server to e-mail a password reset link
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_RESET_FORM (fc_reset_form_get_type ())

G_DECLARE_FINAL_TYPE (FcResetForm, fc_reset_form, FC, RESET_FORM, AdwBin)

GtkWidget *fc_reset_form_new         (void);
void       fc_reset_form_set_session (FcResetForm *self,
                                      FcSession   *session);
void       fc_reset_form_prepare     (FcResetForm *self,
                                      const char  *email);

G_END_DECLS
