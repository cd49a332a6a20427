/* fc-health-import-dialog.c — bring measurements from other apps' files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-import-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-health-import-dialog.h"

#include "fc-accessible.h"
#include "fc-health-csv.h"
#include "fc-health-import-job.h"
#include "fc-health-ui.h"

/* Rows of a CSV file shown before it is imported. */
#define PREVIEW_ROWS 12

/* Four steps in one window: choose a file; for a CSV file, a preview of how
 * its first rows are read, with the columns to choose; the import with its
 * counts and Cancel; the same page as a summary. Not modal: the main
 * window stays usable during an import of years of data, and the points
 * reach the overview as each batch is stored. */
struct _FcHealthImportDialog
{
  AdwWindow          parent_instance;

  /* Template widgets */
  AdwWindowTitle    *window_title;
  GtkWidget         *back_button;
  GtkWidget         *import_button;
  GtkStack          *stack;
  GtkSpinner        *reading_spinner;
  GtkWidget         *columns_group;
  GtkSwitch         *header_switch;
  AdwComboRow       *date_row;
  AdwComboRow       *type_row;
  AdwComboRow       *value_row;
  AdwComboRow       *unit_row;
  AdwPreferencesGroup *preview_group;
  GtkListBox        *preview_list;
  GtkLabel          *file_label;
  GtkProgressBar    *progress_bar;
  GtkLabel          *status_label;
  AdwActionRow      *records_row;
  AdwActionRow      *added_row;
  AdwActionRow      *unchanged_row;
  AdwActionRow      *refused_row;
  AdwActionRow      *skipped_row;
  GtkWidget         *cancel_button;
  GtkWidget         *close_button;

  /* Owned */
  FcSession         *session;
  GFile             *file;
  GCancellable      *cancellable;   /* the preview's, then the import's */
  FcHealthCsvPreview *preview;      /* a CSV file's, NULL for Apple's */
  FcHealthImportJob *job;
  gboolean           updating_mapping;
};

G_DEFINE_FINAL_TYPE (FcHealthImportDialog, fc_health_import_dialog, ADW_TYPE_WINDOW)

static void fc_health_import_dialog_start (FcHealthImportDialog *self);

static void
show_page (FcHealthImportDialog *self,
           const char           *page)
{
  gboolean preview = g_str_equal (page, "preview");

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_spinner_set_spinning (self->reading_spinner, g_str_equal (page, "reading"));
  gtk_widget_set_visible (self->import_button, preview);
  gtk_widget_set_visible (self->back_button, preview);
}

static void
show_error (FcHealthImportDialog *self,
            const char           *message)
{
  AdwMessageDialog *dialog;

  /* Back to choosing: another file can be picked. */
  show_page (self, "choose");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Cannot Import This File"), message));
  adw_message_dialog_add_response (dialog, "close", _("_OK"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ----- The CSV preview ----- */

static char *
describe_points (GArray *points)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; points != NULL && i < points->len; i++) {
    const FcHealthPoint *point = &g_array_index (points, FcHealthPoint, i);
    g_autofree char *value = fc_health_ui_format (point->data_type, point->value);
    g_autofree char *when = fc_health_ui_format_time (point->recorded_at / G_USEC_PER_SEC);

    if (text->len > 0)
      g_string_append (text, "; ");
    /* Translators: how a preview row is read: "Weight 72.5 kg, 5 Dec 2026, 08:30". */
    g_string_append_printf (text, _("%s %s, %s"), fc_health_ui_type_title (point->data_type),
                            value, when);
  }
  return g_string_free (text, FALSE);
}

static void
fill_preview (FcHealthImportDialog *self)
{
  GtkWidget *child;
  guint refused = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->preview_list))) != NULL)
    gtk_list_box_remove (self->preview_list, child);

  for (guint i = 0; self->preview != NULL && i < self->preview->rows->len; i++) {
    FcHealthCsvRow *row = g_ptr_array_index (self->preview->rows, i);
    g_autofree char *cells = g_strjoinv (" · ", row->cells);
    g_autofree char *title = NULL;
    g_autofree char *subtitle = NULL;
    GtkWidget *widget = adw_action_row_new ();

    /* Translators: a preview row: its line in the file and its cells. */
    title = g_strdup_printf (_("Line %u: %s"), row->line, cells);
    if (row->refused > 0) {
      /* Translators: why a row would not be imported. */
      subtitle = g_strdup_printf (_("Refused: %s"), row->message != NULL ? row->message : "");
      gtk_widget_add_css_class (widget, "health-error");
      refused++;
    } else {
      subtitle = describe_points (row->points);
    }
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (widget), FALSE);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget), title);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (widget), subtitle);
    adw_action_row_set_title_lines (ADW_ACTION_ROW (widget), 2);
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (widget), FALSE);
    gtk_list_box_append (self->preview_list, widget);
  }

  {
    g_autofree char *description = NULL;
    guint n = self->preview != NULL ? self->preview->rows->len : 0;

    /* Translators: over the preview: how many of its first rows would be refused. */
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "The first %u row as it will be read; %u refused.",
                                                "The first %u rows as they will be read; %u refused.",
                                                n),
                                   n, refused);
    adw_preferences_group_set_description (self->preview_group, description);
  }
}

/* The combo rows list the file's columns by their header (or their
 * number); Type and Unit also offer "None", which reads every row as the
 * mapping's fixed type or the canonical unit. */
static void
fill_column_rows (FcHealthImportDialog *self)
{
  const FcHealthCsvMapping *mapping = &self->preview->mapping;
  g_autoptr(GtkStringList) columns = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) optional = gtk_string_list_new (NULL);

  /* Translators: no column holds this: every row has the same type or unit. */
  gtk_string_list_append (optional, _("None (the same for every row)"));
  for (guint i = 0; i < self->preview->n_columns; i++) {
    g_autofree char *name = NULL;
    const char *header = self->preview->header != NULL &&
                         i < g_strv_length (self->preview->header)
                         ? self->preview->header[i] : NULL;

    if (header != NULL && *header != '\0')
      /* Translators: a CSV column, by its number and its header: "Column 2 (kg)". */
      name = g_strdup_printf (_("Column %u (%s)"), i + 1, header);
    else
      name = g_strdup_printf (_("Column %u"), i + 1);
    gtk_string_list_append (columns, name);
    gtk_string_list_append (optional, name);
  }

  self->updating_mapping = TRUE;
  adw_combo_row_set_model (self->date_row, G_LIST_MODEL (columns));
  adw_combo_row_set_model (self->value_row, G_LIST_MODEL (columns));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (optional));
  adw_combo_row_set_model (self->unit_row, G_LIST_MODEL (optional));
  adw_combo_row_set_selected (self->date_row, MAX (mapping->date_column, 0));
  adw_combo_row_set_selected (self->value_row, MAX (mapping->value_column, 0));
  adw_combo_row_set_selected (self->type_row, mapping->type_column + 1);
  adw_combo_row_set_selected (self->unit_row, mapping->unit_column + 1);
  gtk_switch_set_active (self->header_switch, mapping->has_header);
  self->updating_mapping = FALSE;
}

static void
preview_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcHealthImportDialog) self = user_data;
  g_autoptr(FcHealthCsvPreview) preview = NULL;
  g_autoptr(GError) error = NULL;
  gboolean first = self->preview == NULL;

  preview = fc_health_csv_preview_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (preview == NULL) {
    show_error (self, error->message);
    return;
  }
  g_clear_pointer (&self->preview, fc_health_csv_preview_free);
  self->preview = g_steal_pointer (&preview);

  gtk_widget_set_visible (self->columns_group,
                          self->preview->format == FC_HEALTH_CSV_FORMAT_POINTS);
  adw_window_title_set_subtitle (self->window_title,
                                 self->preview->format == FC_HEALTH_CSV_FORMAT_GOOGLE_FIT
                                 ? _("Google Fit daily summaries") : _("CSV file"));
  if (first || self->preview->format == FC_HEALTH_CSV_FORMAT_POINTS)
    fill_column_rows (self);
  fill_preview (self);
  show_page (self, "preview");
}

static void
read_preview (FcHealthImportDialog     *self,
              const FcHealthCsvMapping *mapping)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fc_health_csv_preview_async (self->file, mapping, PREVIEW_ROWS, self->cancellable,
                               preview_read_cb, g_object_ref (self));
}

static void
on_mapping_changed_cb (FcHealthImportDialog *self)
{
  FcHealthCsvMapping mapping;

  if (self->updating_mapping || self->preview == NULL)
    return;
  mapping = self->preview->mapping;
  mapping.has_header = gtk_switch_get_active (self->header_switch);
  mapping.date_column = (int) adw_combo_row_get_selected (self->date_row);
  mapping.value_column = (int) adw_combo_row_get_selected (self->value_row);
  mapping.type_column = (int) adw_combo_row_get_selected (self->type_row) - 1;
  mapping.unit_column = (int) adw_combo_row_get_selected (self->unit_row) - 1;
  read_preview (self, &mapping);
}

/* ----- Choosing a file ----- */

typedef enum {
  KIND_APPLE,
  KIND_CSV,
} FileKind;

static FileKind
guess_kind (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (name, -1);

  /* The readers check the contents; the name only picks the reader. */
  if (g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".tsv") ||
      g_str_has_suffix (lower, ".txt"))
    return KIND_CSV;
  return KIND_APPLE;
}

static void
fc_health_import_dialog_open (FcHealthImportDialog *self,
                              GFile                *file)
{
  g_autofree char *name = g_file_get_basename (file);

  g_set_object (&self->file, file);
  g_clear_pointer (&self->preview, fc_health_csv_preview_free);
  adw_window_title_set_subtitle (self->window_title, name);
  if (guess_kind (file) == KIND_CSV) {
    show_page (self, "reading");
    read_preview (self, NULL);
  } else {
    /* An Apple export needs no choices: it is read as it is. */
    adw_window_title_set_subtitle (self->window_title, _("Apple Health export"));
    fc_health_import_dialog_start (self);
  }
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
file_dialog_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FcHealthImportDialog) self = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (object), result, NULL);

  if (file != NULL)
    fc_health_import_dialog_open (self, file);
}
#else
static void
on_file_chooser_response_cb (GtkNativeDialog *chooser,
                             int              response,
                             gpointer         user_data)
{
  g_autoptr(FcHealthImportDialog) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT) {
    g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

    if (file != NULL)
      fc_health_import_dialog_open (self, file);
  }
  g_object_unref (chooser);
}
#endif

static GListStore *
create_filters (void)
{
  GListStore *filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) apple = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, _("Health files"));
  gtk_file_filter_set_name (apple, _("Apple Health export (export.zip, export.xml)"));
  gtk_file_filter_set_name (csv, _("CSV files"));
  for (guint i = 0; i < 2; i++) {
    GtkFileFilter *filter = i == 0 ? all : apple;

    gtk_file_filter_add_suffix (filter, "zip");
    gtk_file_filter_add_suffix (filter, "xml");
  }
  gtk_file_filter_add_suffix (all, "csv");
  gtk_file_filter_add_suffix (csv, "csv");
  g_list_store_append (filters, all);
  g_list_store_append (filters, apple);
  g_list_store_append (filters, csv);
  return filters;
}

/* GTK 4.8 has no GtkFileDialog (4.10); the native chooser uses the portal
 * where there is one. */
static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcHealthImportDialog *self = FC_HEALTH_IMPORT_DIALOG (widget);
  g_autoptr(GListStore) filters = create_filters ();

  g_cancellable_cancel (self->cancellable);
  show_page (self, "choose");
#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

    gtk_file_dialog_set_title (dialog, _("Choose a File"));
    gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
    gtk_file_dialog_open (dialog, GTK_WINDOW (self), NULL, file_dialog_done_cb,
                          g_object_ref (self));
  }
#else
  {
    GtkFileChooserNative *chooser;

    chooser = gtk_file_chooser_native_new (_("Choose a File"), GTK_WINDOW (self),
                                           GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                           _("_Cancel"));
    gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (filters)); i++) {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (G_LIST_MODEL (filters), i);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
    g_signal_connect (chooser, "response", G_CALLBACK (on_file_chooser_response_cb),
                      g_object_ref (self));
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  }
#endif
}

/* ----- The import ----- */

static void
set_count (AdwActionRow *row,
           guint64       count)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, count);

  adw_action_row_set_subtitle (row, text);
}

static void
on_job_progress_cb (FcHealthImportDialog *self)
{
  FcHealthImportJob *job = self->job;
  double fraction;

  if (job == NULL)
    return;
  FcHealthImportProgress progress = { 0, };

  fc_health_import_job_get_progress (job, &progress);
  set_count (self->records_row, fc_health_import_job_get_records_seen (job));
  set_count (self->added_row, fc_health_import_job_get_added (job));
  set_count (self->unchanged_row, fc_health_import_job_get_unchanged (job));
  set_count (self->refused_row, fc_health_import_job_get_refused (job));
  set_count (self->skipped_row, progress.skipped);
  fraction = fc_health_import_job_get_fraction (job);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FcHealthImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  gboolean ok;

  ok = fc_health_import_job_run_finish (FC_HEALTH_IMPORT_JOB (object), result, &error);
  on_job_progress_cb (self);
  if (self->file != NULL) {
    g_autofree char *name = g_file_get_basename (self->file);
    g_autofree char *heading = g_strdup_printf ("“%s”", name);

    gtk_label_set_text (self->file_label, heading);
  }
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_visible (self->close_button, TRUE);

  if (ok) {
    guint64 added = fc_health_import_job_get_added (self->job);

    gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
    adw_window_title_set_title (self->window_title, _("Import Finished"));
    status = added > 0
             /* Translators: after an import; the points are uploaded in batches. */
             ? g_strdup (_("Done. The new measurements are on this computer and reach the server "
                           "in batches as soon as it can be reached."))
             : g_strdup (_("Done. Nothing was new: this file’s measurements were all here already."));
  } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    adw_window_title_set_title (self->window_title, _("Import Cancelled"));
    status = g_strdup (_("Cancelled. What was added before stays; importing the file again adds "
                         "only the rest."));
  } else {
    adw_window_title_set_title (self->window_title, _("Import Failed"));
    /* Translators: %s says why. */
    status = g_strdup_printf (_("The import stopped: %s What was added before stays."),
                              error->message);
  }
  gtk_label_set_text (self->status_label, status);
  gtk_widget_grab_focus (self->close_button);
}

static void
fc_health_import_dialog_start (FcHealthImportDialog *self)
{
  FcStore *store = fc_session_get_store (self->session);
  g_autofree char *name = g_file_get_basename (self->file);
  g_autofree char *heading = NULL;

  if (store == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  self->job = fc_health_import_job_new (store, self->file);
  if (self->preview != NULL && self->preview->format == FC_HEALTH_CSV_FORMAT_POINTS)
    fc_health_import_job_set_csv_mapping (self->job, &self->preview->mapping);
  g_signal_connect_object (self->job, "notify", G_CALLBACK (on_job_progress_cb), self,
                           G_CONNECT_SWAPPED);

  /* Translators: %s is the file's name. */
  heading = g_strdup_printf (_("Importing “%s”"), name);
  gtk_label_set_text (self->file_label, heading);
  gtk_label_set_text (self->status_label,
                      _("You can keep using FitCore meanwhile; the measurements appear as they "
                        "are read."));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_widget_set_visible (self->cancel_button, TRUE);
  gtk_widget_set_visible (self->close_button, FALSE);
  adw_window_title_set_title (self->window_title, _("Importing"));
  on_job_progress_cb (self);
  show_page (self, "progress");
  gtk_widget_grab_focus (self->cancel_button);

  fc_health_import_job_run_async (self->job, self->cancellable, job_done_cb, g_object_ref (self));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FcHealthImportDialog *self = FC_HEALTH_IMPORT_DIALOG (widget);

  if (self->file != NULL)
    fc_health_import_dialog_start (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcHealthImportDialog *self = FC_HEALTH_IMPORT_DIALOG (widget);

  g_cancellable_cancel (self->cancellable);
}

/* Closing the window during an import asks first: the import would stop. */
static void
on_close_response_cb (AdwMessageDialog     *dialog,
                      const char           *response,
                      FcHealthImportDialog *self)
{
  if (g_str_equal (response, "stop")) {
    g_cancellable_cancel (self->cancellable);
    gtk_window_destroy (GTK_WINDOW (self));
  }
}

static gboolean
fc_health_import_dialog_close_request (GtkWindow *window)
{
  FcHealthImportDialog *self = FC_HEALTH_IMPORT_DIALOG (window);
  AdwMessageDialog *dialog;

  if (!gtk_widget_get_visible (self->cancel_button) ||
      !g_str_equal (gtk_stack_get_visible_child_name (self->stack), "progress"))
    return GTK_WINDOW_CLASS (fc_health_import_dialog_parent_class)->close_request (window);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Stop the Import?"),
                                                       _("What was read so far stays. Importing "
                                                         "the file again adds only the rest.")));
  adw_message_dialog_add_responses (dialog,
                                    "continue", _("_Continue"),
                                    "stop", _("_Stop"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "continue");
  adw_message_dialog_set_close_response (dialog, "continue");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
fc_health_import_dialog_dispose (GObject *object)
{
  FcHealthImportDialog *self = FC_HEALTH_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->file);
  g_clear_object (&self->session);
  g_clear_pointer (&self->preview, fc_health_csv_preview_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_HEALTH_IMPORT_DIALOG);

  G_OBJECT_CLASS (fc_health_import_dialog_parent_class)->dispose (object);
}

static void
fc_health_import_dialog_class_init (FcHealthImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fc_health_import_dialog_dispose;
  window_class->close_request = fc_health_import_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/health/"
                                               "fc-health-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, reading_spinner);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, header_switch);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, value_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, unit_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, preview_group);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, preview_list);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, file_label);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, records_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, added_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, unchanged_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, refused_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, skipped_row);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FcHealthImportDialog, close_button);

  gtk_widget_class_install_action (widget_class, "import.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "import.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fc_health_import_dialog_init (FcHealthImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fc_health_ui_ensure_css (GTK_WIDGET (self));

  fc_accessible_name_combo_row (self->date_row);
  fc_accessible_name_combo_row (self->type_row);
  fc_accessible_name_combo_row (self->value_row);
  fc_accessible_name_combo_row (self->unit_row);
  g_signal_connect_object (self->header_switch, "notify::active",
                           G_CALLBACK (on_mapping_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->date_row, "notify::selected",
                           G_CALLBACK (on_mapping_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->type_row, "notify::selected",
                           G_CALLBACK (on_mapping_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->value_row, "notify::selected",
                           G_CALLBACK (on_mapping_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->unit_row, "notify::selected",
                           G_CALLBACK (on_mapping_changed_cb), self, G_CONNECT_SWAPPED);
  show_page (self, "choose");
}

GtkWidget *
fc_health_import_dialog_new (GtkWindow *parent,
                             FcSession *session)
{
  FcHealthImportDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FC_IS_SESSION (session), NULL);

  self = g_object_new (FC_TYPE_HEALTH_IMPORT_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->session = g_object_ref (session);
  return GTK_WIDGET (self);
}
