/* fc-form.h — per-field server errors for the account forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fc-api-problem.h"

G_BEGIN_DECLS

/* One entry of a form, the API field it sends and the label below it that
 * shows the server's messages about it. */
typedef struct {
  const char *name;
  GtkWidget  *entry;
  GtkLabel   *error_label;
} FcFormField;

void fc_form_clear_errors (const FcFormField *fields,
                           guint              n_fields,
                           GtkLabel          *banner);
void fc_form_show_error   (const FcFormField *fields,
                           guint              n_fields,
                           GtkLabel          *banner,
                           FcApiProblem      *problem,
                           const GError      *error);
void fc_form_show_banner  (GtkLabel          *banner,
                           const char        *message);
void fc_form_show_field_error (const FcFormField *field,
                               const char        *message);
void fc_form_keep_focus       (GtkWidget         *form,
                               GtkWidget         *entry);
void fc_form_drop_focus       (GtkWidget         *form);

G_END_DECLS
