/* fc-health-import-job.c — a file of health data read into the offline store, for the UI to drive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three threads take part. The importer of src/health reads on its own
 * worker and hands batches to the thread-default context of whoever
 * started it; here that is a thread of the job's own (the "feeder"), whose
 * batch callback may block: it waits while the store has two batches
 * still to write, which is what bounds the memory, since the importer
 * in turn waits while two batches wait for the feeder. The store is only
 * ever called on the main context (the one that ran the job), because its
 * answers and its "changed" signal arrive on the caller's context and the
 * UI listens there.
 */

#define G_LOG_DOMAIN "fc-health-import-job"

#include "config.h"

#include "fc-health-import-job.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fc-health-import.h"
#include "fc-store-health.h"

/* Batches handed to the store and not yet written */
#define MAX_WRITES 2
/* Points per batch unless set. A batch is only appended to the store's
 * stage (fc_store_health_stage_async()), which the store merges in time
 * order in large steps, so the size no longer changes the store's work
 * (it did when each batch went into the points: 32,768 then cost a third
 * less than 10,000); 16,384 keeps the batches in flight (the importer's,
 * two waiting for the feeder, two with the store) near 6 MiB. */
#define DEFAULT_BATCH_SIZE 16384
/* Progress is notified at most this often */
#define NOTIFY_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)
#define HEAD_SIZE 4096

struct _FcHealthImportJob {
  GObject                 parent_instance;

  /* Owned, set at construction */
  FcStore                *store;
  GFile                  *file;
  FcHealthCsvMapping      mapping;
  gboolean                has_mapping;
  guint                   batch_size;

  /* The main context's */
  GTask                  *task;
  GMainContext           *main_context;
  FcHealthImportKind      kind;
  FcHealthImportPhase     phase;
  double                  fraction;
  guint64                 added;
  guint64                 unchanged;
  FcHealthImportProgress  progress;
  gint64                  last_notify;
  GSource                *notify_source;
  gboolean                dirty;
  GError                 *write_error;
  GError                 *read_error;          /* held while the stage is merged */
  GCancellable           *reader_cancellable;   /* the caller's, or a write error */
  gulong                  cancelled_id;

  /* Between the feeder and the main context */
  GMutex                  lock;
  GCond                   cond;
  guint                   pending_writes;
  gboolean                stop_writing;
  const char             *source;     /* static, set before the reader starts */
};

G_DEFINE_FINAL_TYPE (FcHealthImportJob, fc_health_import_job, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (FcHealthImportPhase, fc_health_import_phase,
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_PHASE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_PHASE_DETECTING, "detecting"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_PHASE_READING, "reading"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_PHASE_WRITING, "writing"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_PHASE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_PHASE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_PHASE_CANCELLED, "cancelled"))

G_DEFINE_ENUM_TYPE (FcHealthImportKind, fc_health_import_kind,
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_KIND_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_KIND_APPLE_HEALTH, "apple-health"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_KIND_CSV, "csv"),
  G_DEFINE_ENUM_VALUE (FC_HEALTH_IMPORT_KIND_GOOGLE_FIT, "google-fit"))

enum {
  PROP_0,
  PROP_STORE,
  PROP_FILE,
  PROP_KIND,
  PROP_PHASE,
  PROP_FRACTION,
  PROP_RECORDS_SEEN,
  PROP_ADDED,
  PROP_UNCHANGED,
  PROP_REFUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ----- Progress, on the main context ----- */

static void
notify_now (FcHealthImportJob *self)
{
  GObject *object = G_OBJECT (self);

  self->dirty = FALSE;
  self->last_notify = g_get_monotonic_time ();
  g_object_freeze_notify (object);
  for (guint i = PROP_KIND; i < N_PROPS; i++)
    g_object_notify_by_pspec (object, properties[i]);
  g_object_thaw_notify (object);
}

static gboolean
notify_cb (gpointer user_data)
{
  FcHealthImportJob *self = user_data;

  g_clear_pointer (&self->notify_source, g_source_unref);
  if (self->dirty)
    notify_now (self);
  return G_SOURCE_REMOVE;
}

/* Notifies now if the last notification is old enough, else once the
 * interval is over */
static void
changed (FcHealthImportJob *self)
{
  gint64 now = g_get_monotonic_time ();

  self->dirty = TRUE;
  if (self->notify_source != NULL)
    return;
  if (now - self->last_notify >= NOTIFY_INTERVAL_US) {
    notify_now (self);
    return;
  }
  self->notify_source = g_timeout_source_new ((NOTIFY_INTERVAL_US - (now - self->last_notify)) / 1000 + 1);
  g_source_set_callback (self->notify_source, notify_cb, self, NULL);
  g_source_set_static_name (self->notify_source, "[fitcore] health import progress");
  g_source_attach (self->notify_source, self->main_context);
}

static void
flush_notify (FcHealthImportJob *self)
{
  if (self->notify_source != NULL) {
    g_source_destroy (self->notify_source);
    g_clear_pointer (&self->notify_source, g_source_unref);
  }
  notify_now (self);
}

/* ----- Messages from the feeder to the main context ----- */

typedef enum {
  MESSAGE_KIND,
  MESSAGE_PROGRESS,
  MESSAGE_WRITE,
  MESSAGE_READ,
  MESSAGE_DONE,
} MessageType;

typedef struct {
  FcHealthImportJob      *self;
  MessageType             type;
  FcHealthImportKind      kind;
  FcHealthImportProgress  progress;
  GArray                 *points;
  GError                 *error;
} Message;

static void
message_free (Message *message)
{
  g_clear_object (&message->self);
  g_clear_pointer (&message->points, g_array_unref);
  g_clear_error (&message->error);
  g_free (message);
}

static gboolean message_cb (gpointer user_data);

/* An idle source, not g_main_context_invoke(): that runs the callback
 * right here, on the feeder, whenever the main context is not being
 * iterated at that moment (a CI run saw "added" notified off the main
 * thread). */
static void
send_to_main (GMainContext *context,
              Message      *message)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, message_cb, message, NULL);
  g_source_set_static_name (source, "[fitcore] health import message");
  g_source_attach (source, context);
}

static void
post (FcHealthImportJob *self,
      Message           *message)
{
  message->self = g_object_ref (self);
  send_to_main (self->main_context, message);
}

static void
set_progress (FcHealthImportJob            *self,
              const FcHealthImportProgress *progress)
{
  /* Deliveries may overtake each other's messages only in order; still,
   * counts never go back */
  if (progress->records_seen < self->progress.records_seen)
    return;
  self->progress = *progress;
  if (progress->bytes_total > 0)
    self->fraction = MIN ((double) progress->bytes_read / progress->bytes_total, 0.999);
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcHealthImportJob) self = user_data;
  g_autoptr(GError) error = NULL;
  FcHealthImportCounts counts = { 0, };

  if (fc_store_health_stage_finish (FC_STORE (source), result, &counts, &error)) {
    self->added += counts.added;
    self->unchanged += counts.unchanged;
  } else if (self->write_error == NULL) {
    /* The reader stops: what follows would fail the same way */
    self->write_error = g_steal_pointer (&error);
    g_mutex_lock (&self->lock);
    self->stop_writing = TRUE;
    g_mutex_unlock (&self->lock);
    g_cancellable_cancel (self->reader_cancellable);
  }

  g_mutex_lock (&self->lock);
  self->pending_writes--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  changed (self);
}

static void
finish (FcHealthImportJob *self,
        GError            *read_error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = read_error;

  if (self->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, self->cancelled_id);
  self->cancelled_id = 0;

  if (self->write_error != NULL) {
    g_clear_error (&error);
    error = g_steal_pointer (&self->write_error);
  }
  if (error == NULL && cancellable != NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &error);

  if (error == NULL) {
    self->phase = FC_HEALTH_IMPORT_PHASE_DONE;
    self->fraction = 1;
  } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    self->phase = FC_HEALTH_IMPORT_PHASE_CANCELLED;
  } else {
    self->phase = FC_HEALTH_IMPORT_PHASE_FAILED;
  }
  flush_notify (self);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
flush_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcHealthImportJob) self = user_data;
  g_autoptr(GError) error = NULL;
  FcHealthImportCounts counts = { 0, };

  if (fc_store_health_import_flush_finish (FC_STORE (source), result, &counts, &error)) {
    self->added += counts.added;
    self->unchanged += counts.unchanged;
  } else if (self->write_error == NULL) {
    self->write_error = g_steal_pointer (&error);
  }
  finish (self, g_steal_pointer (&self->read_error));
}

static gboolean
message_cb (gpointer user_data)
{
  Message *message = user_data;
  FcHealthImportJob *self = message->self;

  switch (message->type) {
  case MESSAGE_KIND:
    self->kind = message->kind;
    self->phase = FC_HEALTH_IMPORT_PHASE_READING;
    changed (self);
    break;
  case MESSAGE_PROGRESS:
    set_progress (self, &message->progress);
    changed (self);
    break;
  case MESSAGE_WRITE:
    set_progress (self, &message->progress);
    /* The store keeps the feeder's copy */
    fc_store_health_stage_async (self->store, self->source, message->points, NULL, write_done_cb,
                                 g_object_ref (self));
    changed (self);
    break;
  case MESSAGE_READ:
    set_progress (self, &message->progress);
    self->phase = FC_HEALTH_IMPORT_PHASE_WRITING;
    changed (self);
    break;
  case MESSAGE_DONE:
    /* What is still staged is merged whatever the end: read, failed or
     * cancelled, what was read is written. */
    self->read_error = g_steal_pointer (&message->error);
    fc_store_health_import_flush_async (self->store, NULL, flush_done_cb, g_object_ref (self));
    break;
  default:
    g_assert_not_reached ();
  }
  message_free (message);
  return G_SOURCE_REMOVE;
}

/* ----- The feeder thread ----- */

typedef struct {
  gboolean                done;
  gboolean                ok;
  GError                 *error;
  FcHealthImportProgress  progress;
  FcHealthCsvPreview     *preview;
} Reading;

/* On the feeder, for each batch of the importer: waits while the store
 * has MAX_WRITES batches to write, then hands this one to the main
 * context. */
static void
batch_cb (GArray                       *points,
          const FcHealthImportProgress *progress,
          gpointer                      user_data)
{
  FcHealthImportJob *self = user_data;
  Message *message = g_new0 (Message, 1);

  message->progress = *progress;
  if (points->len == 0) {
    message->type = MESSAGE_PROGRESS;
    post (self, message);
    return;
  }

  g_mutex_lock (&self->lock);
  while (self->pending_writes >= MAX_WRITES && !self->stop_writing &&
         !g_cancellable_is_cancelled (self->reader_cancellable))
    g_cond_wait_until (&self->cond, &self->lock,
                       g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
  if (self->stop_writing || g_cancellable_is_cancelled (self->reader_cancellable)) {
    g_mutex_unlock (&self->lock);
    message_free (message);
    return;
  }
  self->pending_writes++;
  g_mutex_unlock (&self->lock);

  message->type = MESSAGE_WRITE;
  message->points = g_array_copy (points);
  post (self, message);
}

static void
apple_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Reading *reading = user_data;

  reading->ok = fc_health_import_finish (result, &reading->progress, &reading->error);
  reading->done = TRUE;
}

static void
csv_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Reading *reading = user_data;

  reading->ok = fc_health_csv_import_finish (result, NULL, &reading->progress, &reading->error);
  reading->done = TRUE;
}

static void
preview_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reading *reading = user_data;

  reading->preview = fc_health_csv_preview_finish (result, &reading->error);
  reading->done = TRUE;
}

static void
wait_for (GMainContext *context,
          Reading      *reading)
{
  while (!reading->done)
    g_main_context_iteration (context, TRUE);
}

/* What the file is, from its first bytes (and, for a CSV, its header) */
static FcHealthImportKind
detect (FcHealthImportJob  *self,
        GMainContext       *context,
        GError            **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *head = g_malloc (HEAD_SIZE);
  g_autofree char *name = g_file_get_parse_name (self->file);
  gsize length = 0;
  const char *p;
  Reading reading = { 0, };

  stream = g_file_read (self->file, self->reader_cancellable, error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), head, HEAD_SIZE, &length,
                                self->reader_cancellable, error))
    return FC_HEALTH_IMPORT_KIND_UNKNOWN;
  g_input_stream_close (G_INPUT_STREAM (stream), NULL, NULL);

  if (length >= 4 && memcmp (head, "PK\003\004", 4) == 0)
    return FC_HEALTH_IMPORT_KIND_APPLE_HEALTH;
  p = head;
  if (length >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < head + length && g_ascii_isspace (*p))
    p++;
  if (p < head + length && *p == '<')
    return FC_HEALTH_IMPORT_KIND_APPLE_HEALTH;

  if (fc_health_csv_sniff (head, length, NULL)) {
    FcHealthCsvFormat format;

    /* The reader's own answer, which also refuses Google Fit's per-day
     * files before anything is written */
    fc_health_csv_preview_async (self->file, self->has_mapping ? &self->mapping : NULL, 0,
                                 self->reader_cancellable, preview_done_cb, &reading);
    wait_for (context, &reading);
    if (reading.preview == NULL) {
      g_propagate_error (error, reading.error);
      return FC_HEALTH_IMPORT_KIND_UNKNOWN;
    }
    format = reading.preview->format;
    fc_health_csv_preview_free (reading.preview);
    return format == FC_HEALTH_CSV_FORMAT_GOOGLE_FIT ? FC_HEALTH_IMPORT_KIND_GOOGLE_FIT :
                                                       FC_HEALTH_IMPORT_KIND_CSV;
  }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("%s is neither an Apple Health export nor a CSV file."), name);
  return FC_HEALTH_IMPORT_KIND_UNKNOWN;
}

static gpointer
feeder_main (gpointer data)
{
  g_autoptr(FcHealthImportJob) self = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  FcHealthImportKind kind;
  Reading reading = { 0, };
  Message *message;

  g_main_context_push_thread_default (context);

  kind = detect (self, context, &error);
  if (kind != FC_HEALTH_IMPORT_KIND_UNKNOWN) {
    self->source = kind == FC_HEALTH_IMPORT_KIND_APPLE_HEALTH ? FC_HEALTH_IMPORT_SOURCE :
                   kind == FC_HEALTH_IMPORT_KIND_GOOGLE_FIT ? FC_HEALTH_GOOGLE_FIT_SOURCE :
                                                              FC_HEALTH_CSV_SOURCE;
    message = g_new0 (Message, 1);
    message->type = MESSAGE_KIND;
    message->kind = kind;
    post (self, message);

    if (kind == FC_HEALTH_IMPORT_KIND_APPLE_HEALTH)
      fc_health_import_async (self->file, self->batch_size, batch_cb, self, NULL, self->reader_cancellable,
                              apple_done_cb, &reading);
    else
      fc_health_csv_import_async (self->file, self->has_mapping ? &self->mapping : NULL,
                                  self->batch_size,
                                  batch_cb, self, NULL, self->reader_cancellable, csv_done_cb,
                                  &reading);
    wait_for (context, &reading);
    error = g_steal_pointer (&reading.error);

    message = g_new0 (Message, 1);
    message->type = MESSAGE_READ;
    message->progress = reading.progress;
    post (self, message);

    /* The points read are written even when the file failed half-way;
     * after a cancel, the batch being written finishes as a whole */
    g_mutex_lock (&self->lock);
    while (self->pending_writes > 0)
      g_cond_wait (&self->cond, &self->lock);
    g_mutex_unlock (&self->lock);
  }

  g_main_context_pop_thread_default (context);

  /* The last message takes this thread's reference: the job must be
   * disposed of on the main context, never here */
  message = g_new0 (Message, 1);
  message->type = MESSAGE_DONE;
  message->error = g_steal_pointer (&error);
  message->self = g_steal_pointer (&self);
  send_to_main (message->self->main_context, message);
  return NULL;
}

/* ----- GObject ----- */

static void
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  GCancellable *reader_cancellable = user_data;

  g_cancellable_cancel (reader_cancellable);
}

static void
fc_health_import_job_dispose (GObject *object)
{
  FcHealthImportJob *self = (FcHealthImportJob *) object;

  if (self->notify_source != NULL) {
    g_source_destroy (self->notify_source);
    g_clear_pointer (&self->notify_source, g_source_unref);
  }
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fc_health_import_job_parent_class)->dispose (object);
}

static void
fc_health_import_job_finalize (GObject *object)
{
  FcHealthImportJob *self = (FcHealthImportJob *) object;

  g_clear_object (&self->file);
  g_clear_object (&self->reader_cancellable);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_error (&self->write_error);
  g_clear_error (&self->read_error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (fc_health_import_job_parent_class)->finalize (object);
}

static void
fc_health_import_job_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FcHealthImportJob *self = FC_HEALTH_IMPORT_JOB (object);

  switch (prop_id) {
  case PROP_STORE:
    g_value_set_object (value, self->store);
    break;
  case PROP_FILE:
    g_value_set_object (value, self->file);
    break;
  case PROP_KIND:
    g_value_set_enum (value, self->kind);
    break;
  case PROP_PHASE:
    g_value_set_enum (value, self->phase);
    break;
  case PROP_FRACTION:
    g_value_set_double (value, self->fraction);
    break;
  case PROP_RECORDS_SEEN:
    g_value_set_uint64 (value, self->progress.records_seen);
    break;
  case PROP_ADDED:
    g_value_set_uint64 (value, self->added);
    break;
  case PROP_UNCHANGED:
    g_value_set_uint64 (value, self->unchanged);
    break;
  case PROP_REFUSED:
    g_value_set_uint64 (value, self->progress.refused);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_health_import_job_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  FcHealthImportJob *self = FC_HEALTH_IMPORT_JOB (object);

  switch (prop_id) {
  case PROP_STORE:
    self->store = g_value_dup_object (value);
    break;
  case PROP_FILE:
    self->file = g_value_dup_object (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_health_import_job_class_init (FcHealthImportJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_health_import_job_dispose;
  object_class->finalize = fc_health_import_job_finalize;
  object_class->get_property = fc_health_import_job_get_property;
  object_class->set_property = fc_health_import_job_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, FC_TYPE_HEALTH_IMPORT_KIND,
                       FC_HEALTH_IMPORT_KIND_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PHASE] =
    g_param_spec_enum ("phase", NULL, NULL, FC_TYPE_HEALTH_IMPORT_PHASE,
                       FC_HEALTH_IMPORT_PHASE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECORDS_SEEN] =
    g_param_spec_uint64 ("records-seen", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDED] =
    g_param_spec_uint64 ("added", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNCHANGED] =
    g_param_spec_uint64 ("unchanged", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFUSED] =
    g_param_spec_uint64 ("refused", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_health_import_job_init (FcHealthImportJob *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->reader_cancellable = g_cancellable_new ();
  self->batch_size = DEFAULT_BATCH_SIZE;
}

/* ----- Public API ----- */

FcHealthImportJob *
fc_health_import_job_new (FcStore *store,
                          GFile   *file)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (FC_TYPE_HEALTH_IMPORT_JOB, "store", store, "file", file, NULL);
}

GFile *
fc_health_import_job_get_file (FcHealthImportJob *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), NULL);
  return self->file;
}

FcHealthImportKind
fc_health_import_job_get_kind (FcHealthImportJob *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), FC_HEALTH_IMPORT_KIND_UNKNOWN);
  return self->kind;
}

FcHealthImportPhase
fc_health_import_job_get_phase (FcHealthImportJob *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), FC_HEALTH_IMPORT_PHASE_IDLE);
  return self->phase;
}

double
fc_health_import_job_get_fraction (FcHealthImportJob *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), 0);
  return self->fraction;
}

guint64
fc_health_import_job_get_records_seen (FcHealthImportJob *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), 0);
  return self->progress.records_seen;
}

guint64
fc_health_import_job_get_added (FcHealthImportJob *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), 0);
  return self->added;
}

guint64
fc_health_import_job_get_unchanged (FcHealthImportJob *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), 0);
  return self->unchanged;
}

guint64
fc_health_import_job_get_refused (FcHealthImportJob *self)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), 0);
  return self->progress.refused;
}

void
fc_health_import_job_get_progress (FcHealthImportJob      *self,
                                   FcHealthImportProgress *out_progress)
{
  g_return_if_fail (FC_IS_HEALTH_IMPORT_JOB (self));
  g_return_if_fail (out_progress != NULL);
  *out_progress = self->progress;
}

void
fc_health_import_job_set_csv_mapping (FcHealthImportJob        *self,
                                      const FcHealthCsvMapping *mapping)
{
  g_return_if_fail (FC_IS_HEALTH_IMPORT_JOB (self));
  g_return_if_fail (self->phase == FC_HEALTH_IMPORT_PHASE_IDLE);

  self->has_mapping = mapping != NULL;
  if (mapping != NULL)
    self->mapping = *mapping;
}

void
fc_health_import_job_set_batch_size (FcHealthImportJob *self,
                                     guint              batch_size)
{
  g_return_if_fail (FC_IS_HEALTH_IMPORT_JOB (self));
  g_return_if_fail (self->phase == FC_HEALTH_IMPORT_PHASE_IDLE);

  self->batch_size = batch_size > 0 ? batch_size : DEFAULT_BATCH_SIZE;
}

/**
 * fc_health_import_job_run_async:
 * @cancellable: (nullable): stops the reading; the batches already handed
 *   to the store are written, and the job fails with G_IO_ERROR_CANCELLED
 */
void
fc_health_import_job_run_async (FcHealthImportJob   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GThread) thread = NULL;

  g_return_if_fail (FC_IS_HEALTH_IMPORT_JOB (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->phase == FC_HEALTH_IMPORT_PHASE_IDLE);
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, fc_health_import_job_run_async);
  self->main_context = g_main_context_ref_thread_default ();
  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_cb),
                                                g_object_ref (self->reader_cancellable),
                                                g_object_unref);
  self->phase = FC_HEALTH_IMPORT_PHASE_DETECTING;
  notify_now (self);

  thread = g_thread_new ("fc-health-import", feeder_main, g_object_ref (self));
}

gboolean
fc_health_import_job_run_finish (FcHealthImportJob  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (FC_IS_HEALTH_IMPORT_JOB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_health_import_job_run_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
