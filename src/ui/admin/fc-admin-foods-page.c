/* fc-admin-foods-page.c — the Admin section's Foods: public foods imported from a CSV file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file is read (at most the server's 4 MiB), sent once as a dry run, and
 * the server's report is shown: the foods it would create and each refused
 * row with the server's reasons. Import then sends the same bytes without
 * the refused rows, so what was previewed is what is imported, in one
 * transaction on the server. If the server refuses rows at that point
 * (someone added a food of the same name meanwhile), the file is checked
 * again and the new report shown.
 */

#define G_LOG_DOMAIN "fc-admin-foods"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-admin-foods-page.h"

#include "fc-admin-file-chooser.h"
#include "fc-json.h"
#include "fc-wrap-box.h"

/* Rows listed in each list: enough to see what is wrong with a file; the
 * summary counts them all. */
#define MAX_LISTED 200

struct _FcAdminFoodsPage
{
  AdwBin           parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkLabel        *result_label;
  GtkSpinner      *spinner;
  GtkLabel        *busy_label;
  GtkLabel        *file_label;
  GtkLabel        *summary_label;
  GtkButton       *import_button;
  GtkWidget       *refused_box;
  GtkListBox      *refused_list;
  GtkWidget       *valid_box;
  GtkListBox      *valid_list;

  /* Owned */
  FcAdminService  *service;
  GCancellable    *cancellable;
  GBytes          *csv;
  char            *file_name;
  GArray          *refused_rows;
  guint            n_valid;
};

G_DEFINE_FINAL_TYPE (FcAdminFoodsPage, fc_admin_foods_page, ADW_TYPE_BIN)

static void
toast (FcAdminFoodsPage *self,
       const char       *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_actions (FcAdminFoodsPage *self)
{
  const char *shown = gtk_stack_get_visible_child_name (self->stack);
  gboolean busy = g_strcmp0 (shown, "busy") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-foods.choose",
                                 self->service != NULL && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-foods.import",
                                 self->service != NULL && !busy && self->csv != NULL &&
                                 self->n_valid > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "admin-foods.cancel",
                                 busy || self->csv != NULL);
}

static void
show_page (FcAdminFoodsPage *self,
           const char       *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->spinner, g_strcmp0 (name, "busy") == 0);
  update_actions (self);
}

static void
show_busy (FcAdminFoodsPage *self,
           const char       *message)
{
  gtk_label_set_text (self->busy_label, message);
  show_page (self, "busy");
}

/* A fresh cancellable for the next request; the one before is cancelled. */
static GCancellable *
next_cancellable (FcAdminFoodsPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  return self->cancellable;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_append (list, row);
}

/* "calories: Ensure this value is greater than or equal to 0." for each
 * message of a refused row's errors ({"field": ["message", ...]}). */
static char *
reasons_of (JsonObject *errors)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GList) fields = errors != NULL ? json_object_get_members (errors) : NULL;

  for (GList *l = fields; l != NULL; l = l->next) {
    JsonArray *messages = fc_json_get_array (errors, l->data);
    gboolean general = g_str_equal (l->data, "non_field_errors");

    for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++) {
      JsonNode *node = json_array_get_element (messages, i);

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (general)
        g_string_append (text, json_node_get_string (node));
      else
        g_string_append_printf (text, "%s: %s", (const char *) l->data,
                                json_node_get_string (node));
    }
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Shows a dry run's @report: what would be imported, what is refused. */
static void
show_report (FcAdminFoodsPage *self,
             JsonObject       *report)
{
  JsonArray *valid = fc_json_get_array (report, "valid");
  JsonArray *refused = fc_json_get_array (report, "refused");
  guint n_refused = refused != NULL ? json_array_get_length (refused) : 0;
  g_autofree char *title = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *left_out = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *import_label = NULL;

  self->n_valid = valid != NULL ? json_array_get_length (valid) : 0;
  g_array_set_size (self->refused_rows, 0);
  clear_list (self->refused_list);
  clear_list (self->valid_list);

  for (guint i = 0; i < n_refused; i++) {
    JsonNode *node = json_array_get_element (refused, i);
    JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    gint64 row = 0;
    guint number;

    if (entry == NULL || !fc_json_get_int (entry, "row", &row) || row < 2 || row > G_MAXUINT)
      continue;
    number = (guint) row;
    g_array_append_val (self->refused_rows, number);
    if (i < MAX_LISTED) {
      g_autofree char *row_title = NULL;
      g_autofree char *reasons = reasons_of (fc_json_get_object (entry, "errors"));

      /* Translators: a refused row of a CSV file, as a spreadsheet numbers it. */
      row_title = g_strdup_printf (_("Row %u"), number);
      add_row (self->refused_list, row_title, reasons);
    }
  }
  if (n_refused > MAX_LISTED) {
    g_autofree char *more = g_strdup_printf (g_dngettext (NULL, "And %u more row",
                                                          "And %u more rows",
                                                          n_refused - MAX_LISTED),
                                             n_refused - MAX_LISTED);

    add_row (self->refused_list, more, NULL);
  }
  for (guint i = 0; i < self->n_valid && i < MAX_LISTED; i++) {
    JsonNode *node = json_array_get_element (valid, i);

    if (json_node_get_value_type (node) == G_TYPE_STRING)
      add_row (self->valid_list, json_node_get_string (node), NULL);
  }
  if (self->n_valid > MAX_LISTED) {
    g_autofree char *more = g_strdup_printf (g_dngettext (NULL, "And %u more food",
                                                          "And %u more foods",
                                                          self->n_valid - MAX_LISTED),
                                             self->n_valid - MAX_LISTED);

    add_row (self->valid_list, more, NULL);
  }
  gtk_widget_set_visible (self->refused_box, n_refused > 0);
  gtk_widget_set_visible (self->valid_box, self->n_valid > 0);

  /* Translators: %s is the name of the CSV file being imported. */
  title = g_strdup_printf (_("Foods From “%s”"), self->file_name);
  gtk_label_set_text (self->file_label, title);
  ready = g_strdup_printf (g_dngettext (NULL, "%u food is ready to import.",
                                        "%u foods are ready to import.", self->n_valid),
                           self->n_valid);
  if (n_refused > 0) {
    left_out = g_strdup_printf (g_dngettext (NULL, "%u row is refused and will be left out.",
                                             "%u rows are refused and will be left out.",
                                             n_refused),
                                n_refused);
    summary = g_strconcat (ready, " ", left_out, NULL);
  }
  gtk_label_set_text (self->summary_label, summary != NULL ? summary : ready);
  import_label = g_strdup_printf (g_dngettext (NULL, "Import %u Food", "Import %u Foods",
                                               self->n_valid),
                                  self->n_valid);
  gtk_button_set_label (self->import_button, import_label);
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), self->n_valid > 0);
  show_page (self, "preview");
}

/* Drops the file and its preview and shows the start page. */
static void
reset (FcAdminFoodsPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->csv, g_bytes_unref);
  g_clear_pointer (&self->file_name, g_free);
  g_array_set_size (self->refused_rows, 0);
  self->n_valid = 0;
  clear_list (self->refused_list);
  clear_list (self->valid_list);
  show_page (self, "start");
}

static void check_file (FcAdminFoodsPage *self);

static void
on_checked_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcAdminFoodsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) report =
    fc_admin_service_import_foods_finish (FC_ADMIN_SERVICE (source), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (report == NULL) {
    /* Translators: %s is the server's reason ("A quoted field is not closed."). */
    g_autofree char *message = g_strdup_printf (_("The file could not be checked: %s"),
                                                error->message);

    toast (self, message);
    reset (self);
    return;
  }
  show_report (self, report);
}

static void
check_file (FcAdminFoodsPage *self)
{
  /* Translators: %s is the name of the CSV file. */
  g_autofree char *message = g_strdup_printf (_("Checking “%s”…"), self->file_name);

  show_busy (self, message);
  fc_admin_service_import_foods_async (self->service, self->csv, TRUE, next_cancellable (self),
                                       on_checked_cb, g_object_ref (self));
}

static void
on_imported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FcAdminFoodsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) refusal = NULL;
  g_autoptr(JsonObject) answer =
    fc_admin_service_import_foods_finish (FC_ADMIN_SERVICE (source), result, &refusal, &error);
  g_autofree char *message = NULL;
  gint64 created = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL && refusal != NULL) {
    toast (self, _("The server refused rows it had accepted; the file was checked again."));
    check_file (self);
    return;
  }
  if (answer == NULL) {
    /* Translators: %s is the server's reason. */
    message = g_strdup_printf (_("The foods were not imported: %s"), error->message);
    toast (self, message);
    show_page (self, "preview");
    return;
  }
  fc_json_get_int (answer, "created", &created);
  /* Translators: %s is the name of the CSV file. */
  message = g_strdup_printf (g_dngettext (NULL, "%u public food was imported from “%s”.",
                                          "%u public foods were imported from “%s”.",
                                          (gulong) created),
                             (guint) created, self->file_name);
  gtk_label_set_text (self->result_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  toast (self, message);
  reset (self);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcAdminFoodsPage *self = FC_ADMIN_FOODS_PAGE (widget);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *message = NULL;

  if (self->service == NULL || self->csv == NULL || self->n_valid == 0)
    return;
  body = self->refused_rows->len > 0 ? fc_admin_csv_without_rows (self->csv, self->refused_rows)
                                     : g_bytes_ref (self->csv);
  message = g_strdup_printf (g_dngettext (NULL, "Importing %u food…", "Importing %u foods…",
                                          self->n_valid),
                             self->n_valid);
  show_busy (self, message);
  fc_admin_service_import_foods_async (self->service, body, FALSE, next_cancellable (self),
                                       on_imported_cb, g_object_ref (self));
}

typedef struct {
  FcAdminFoodsPage *self;
  char             *file_name;
  guint8           *buffer;
} Reading;

static void
reading_free (Reading *reading)
{
  g_object_unref (reading->self);
  g_free (reading->file_name);
  g_free (reading->buffer);
  g_free (reading);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reading, reading_free)

static void
on_read_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Reading) reading = user_data;
  FcAdminFoodsPage *self = reading->self;
  g_autoptr(GError) error = NULL;
  gsize size = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &size, &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      toast (self, error->message);
      reset (self);
    }
    return;
  }
  g_input_stream_close_async (G_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  if (size > FC_ADMIN_FOODS_IMPORT_MAX_SIZE) {
    g_autofree char *message =
      /* Translators: %d is a number of MiB. */
      g_strdup_printf (_("The file is larger than %d MiB: split it into smaller files."),
                       FC_ADMIN_FOODS_IMPORT_MAX_SIZE / (1024 * 1024));

    toast (self, message);
    reset (self);
    return;
  }
  reset (self);
  self->csv = g_bytes_new_take (g_steal_pointer (&reading->buffer), size);
  self->file_name = g_steal_pointer (&reading->file_name);
  check_file (self);
}

static void
on_opened_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Reading) reading = user_data;
  FcAdminFoodsPage *self = reading->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read_finish (G_FILE (source), result, &error);

  if (stream == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      toast (self, error->message);
      reset (self);
    }
    return;
  }
  /* One byte more than the server takes tells a file too large without
   * reading all of it. */
  reading->buffer = g_malloc (FC_ADMIN_FOODS_IMPORT_MAX_SIZE + 1);
  g_input_stream_read_all_async (G_INPUT_STREAM (stream), reading->buffer,
                                 FC_ADMIN_FOODS_IMPORT_MAX_SIZE + 1, G_PRIORITY_DEFAULT,
                                 self->cancellable, on_read_cb, reading);
  g_steal_pointer (&reading);
}

static void
on_file_chosen_cb (GtkWidget  *widget,
                   GListModel *files)
{
  FcAdminFoodsPage *self = FC_ADMIN_FOODS_PAGE (widget);
  g_autoptr(GFile) file = g_list_model_get_item (files, 0);
  g_autofree char *message = NULL;
  Reading *reading;

  if (self->service == NULL)
    return;
  reading = g_new0 (Reading, 1);
  reading->self = g_object_ref (self);
  reading->file_name = g_file_get_basename (file);
  /* Translators: %s is the name of the CSV file. */
  message = g_strdup_printf (_("Reading “%s”…"), reading->file_name);
  show_busy (self, message);
  g_file_read_async (file, G_PRIORITY_DEFAULT, next_cancellable (self), on_opened_cb, reading);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  fc_admin_choose_files (widget, _("Import Foods From a CSV File"), _("_Open"), filter, FALSE,
                         on_file_chosen_cb);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reset (FC_ADMIN_FOODS_PAGE (widget));
}

static void
fc_admin_foods_page_dispose (GObject *object)
{
  FcAdminFoodsPage *self = FC_ADMIN_FOODS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  g_clear_pointer (&self->csv, g_bytes_unref);
  g_clear_pointer (&self->file_name, g_free);
  g_clear_pointer (&self->refused_rows, g_array_unref);

  G_OBJECT_CLASS (fc_admin_foods_page_parent_class)->dispose (object);
}

static void
fc_admin_foods_page_class_init (FcAdminFoodsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_admin_foods_page_dispose;

  g_type_ensure (FC_TYPE_WRAP_BOX);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/admin/fc-admin-foods-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, result_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, busy_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, file_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, import_button);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, refused_box);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, refused_list);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, valid_box);
  gtk_widget_class_bind_template_child (widget_class, FcAdminFoodsPage, valid_list);

  gtk_widget_class_install_action (widget_class, "admin-foods.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "admin-foods.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "admin-foods.cancel", NULL, cancel_action);
}

static void
fc_admin_foods_page_init (FcAdminFoodsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->refused_rows = g_array_new (FALSE, FALSE, sizeof (guint));
  update_actions (self);
}

void
fc_admin_foods_page_set_service (FcAdminFoodsPage *self,
                                 FcAdminService   *service)
{
  g_return_if_fail (FC_IS_ADMIN_FOODS_PAGE (self));
  g_return_if_fail (service == NULL || FC_IS_ADMIN_SERVICE (service));

  if (self->service == service)
    return;
  g_set_object (&self->service, service);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  reset (self);
}
