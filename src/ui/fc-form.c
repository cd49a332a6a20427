/* fc-form.c — per-field server errors for the account forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-form"

#include "config.h"

#include "fc-form.h"

/* GTK 4.8 has no form validation helpers; these few lines put each of the
 * server's messages under the entry it is about (DRF answers per field). */

static void
set_field_error (const FcFormField  *field,
                 const char * const *messages)
{
  g_autofree char *text = NULL;

  if (messages != NULL && messages[0] != NULL)
    text = g_strjoinv ("\n", (char **) messages);

  gtk_label_set_text (field->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (field->error_label), text != NULL);
  if (text != NULL) {
    gtk_widget_add_css_class (field->entry, "error");
    gtk_accessible_update_property (GTK_ACCESSIBLE (field->entry),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                    -1);
    gtk_accessible_update_state (GTK_ACCESSIBLE (field->entry),
                                 GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                 -1);
  } else {
    gtk_widget_remove_css_class (field->entry, "error");
    gtk_accessible_reset_property (GTK_ACCESSIBLE (field->entry),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    gtk_accessible_reset_state (GTK_ACCESSIBLE (field->entry), GTK_ACCESSIBLE_STATE_INVALID);
  }
}

static gboolean
is_form_field (const FcFormField *fields,
               guint              n_fields,
               const char        *name)
{
  for (guint i = 0; i < n_fields; i++) {
    if (g_str_equal (fields[i].name, name))
      return TRUE;
  }

  return FALSE;
}

/* A message found before asking the server, e.g. a refused address. */
void
fc_form_show_field_error (const FcFormField *field,
                          const char        *message)
{
  const char *messages[] = { message, NULL };

  set_field_error (field, messages);
  if (message != NULL)
    gtk_widget_grab_focus (field->entry);
}

void
fc_form_show_banner (GtkLabel   *banner,
                     const char *message)
{
  gtk_label_set_text (banner, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (banner), message != NULL && *message != '\0');
}

void
fc_form_clear_errors (const FcFormField *fields,
                      guint              n_fields,
                      GtkLabel          *banner)
{
  for (guint i = 0; i < n_fields; i++)
    set_field_error (&fields[i], NULL);

  fc_form_show_banner (banner, NULL);
}

/**
 * fc_form_show_error:
 * @problem: (nullable): the server's answer, when there was one
 * @error: the failure in one sentence
 *
 * Puts each field's messages under its entry and the rest (non-field
 * messages, fields the form does not show, network failures) in @banner,
 * then focuses the first entry with an error.
 */
void
fc_form_show_error (const FcFormField *fields,
                    guint              n_fields,
                    GtkLabel          *banner,
                    FcApiProblem      *problem,
                    const GError      *error)
{
  g_autoptr(GString) rest = g_string_new (NULL);
  g_auto(GStrv) names = NULL;
  GtkWidget *first = NULL;

  fc_form_clear_errors (fields, n_fields, banner);

  if (problem == NULL) {
    fc_form_show_banner (banner, error != NULL ? error->message : NULL);
    return;
  }

  for (guint i = 0; i < n_fields; i++) {
    const char * const *messages = fc_api_problem_get_field_messages (problem, fields[i].name);

    set_field_error (&fields[i], messages);
    if (first == NULL && messages != NULL && messages[0] != NULL)
      first = fields[i].entry;
  }

  for (const char * const *m = fc_api_problem_get_non_field_messages (problem); m && *m; m++)
    g_string_append_printf (rest, "%s%s", rest->len > 0 ? "\n" : "", *m);

  names = fc_api_problem_dup_field_names (problem);
  for (guint i = 0; names != NULL && names[i] != NULL; i++) {
    const char * const *messages;

    if (is_form_field (fields, n_fields, names[i]))
      continue;
    messages = fc_api_problem_get_field_messages (problem, names[i]);
    for (guint j = 0; messages != NULL && messages[j] != NULL; j++)
      g_string_append_printf (rest, "%s%s", rest->len > 0 ? "\n" : "", messages[j]);
  }

  /* Nothing field-shaped: the error's sentence says it best (a 401's
   * detail, a server that did not answer). */
  if (rest->len == 0 && first == NULL && error != NULL)
    g_string_append (rest, error->message);

  fc_form_show_banner (banner, rest->str);

  if (first != NULL)
    gtk_widget_grab_focus (first);
}

/**
 * fc_form_keep_focus:
 * @form: the form that was busy
 * @entry: where the keyboard goes when nothing in @form has it
 *
 * An entry made insensitive while the server answers drops the keyboard
 * focus; without it Enter and Escape reach nothing. Call after the form is
 * sensitive again.
 */
void
fc_form_keep_focus (GtkWidget *form,
                    GtkWidget *entry)
{
  GtkRoot *root = gtk_widget_get_root (form);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, form))
    gtk_widget_grab_focus (entry);
}

/**
 * fc_form_drop_focus:
 * @form: a form about to make its entries insensitive
 *
 * GTK 4.8 sends no focus-out to an entry that goes insensitive while it
 * has the focus: its cursor keeps blinking and GTK warns "GtkText - did not
 * receive a focus-out event" on every sign-in. Taking the focus away first
 * delivers the focus-out while the entry still listens; fc_form_keep_focus()
 * gives it back.
 */
void
fc_form_drop_focus (GtkWidget *form)
{
  GtkRoot *root = gtk_widget_get_root (form);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, form))
    gtk_root_set_focus (root, NULL);
}
