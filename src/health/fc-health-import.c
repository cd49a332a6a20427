/* fc-health-import.c — Apple Health's export.xml, streamed into health points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-import"

#include "config.h"

#include "fc-health-import.h"
#include "fc-health-pump.h"
#include "fc-health-units.h"
#include "fc-health-zip.h"

#include <math.h>
#include <string.h>

#include <libxml/xmlreader.h>

G_DEFINE_QUARK (fc-health-import-error-quark, fc_health_import_error)

typedef enum {
  KIND_MASS,
  KIND_COUNT,
  KIND_RATE,
  KIND_ENERGY,
  KIND_DISTANCE,
  KIND_FRACTION,
  KIND_SLEEP,
} Kind;

typedef struct {
  const char *apple;
  const char *data_type;
  const char *unit;
  Kind        kind;
  gboolean    at_end;       /* an amount over an interval: its end is the time */
} HealthType;

/* The plausible ranges are the wire's (fc-health-units.c, the server's
 * table too): a point the server would refuse is refused here, with a
 * reason the app can count. */
static const HealthType health_types[] = {
  { "HKQuantityTypeIdentifierBodyMass", "weight", "kg", KIND_MASS, FALSE },
  { "HKQuantityTypeIdentifierStepCount", "steps", "count", KIND_COUNT, TRUE },
  { "HKQuantityTypeIdentifierHeartRate", "heart_rate", "bpm", KIND_RATE, FALSE },
  { "HKQuantityTypeIdentifierRestingHeartRate", "resting_heart_rate", "bpm", KIND_RATE, FALSE },
  { "HKQuantityTypeIdentifierActiveEnergyBurned", "active_energy", "kcal", KIND_ENERGY, TRUE },
  { "HKQuantityTypeIdentifierDistanceWalkingRunning", "distance", "m", KIND_DISTANCE, TRUE },
  { "HKQuantityTypeIdentifierBodyFatPercentage", "body_fat", "%", KIND_FRACTION, FALSE },
  { "HKCategoryTypeIdentifierSleepAnalysis", "sleep", "min", KIND_SLEEP, TRUE },
};

typedef struct {
  const char *name;
  double      factor;
} UnitFactor;

static const UnitFactor mass_units[] = {
  { "kg", 1 }, { "g", 0.001 }, { "lb", 0.45359237 }, { "lbs", 0.45359237 },
  { "st", 6.35029318 }, { NULL, 0 },
};
static const UnitFactor count_units[] = { { "count", 1 }, { "steps", 1 }, { NULL, 0 } };
static const UnitFactor rate_units[] = { { "count/min", 1 }, { "bpm", 1 }, { NULL, 0 } };
static const UnitFactor energy_units[] = {
  { "kcal", 1 }, { "Cal", 1 }, { "kJ", 1 / 4.184 }, { NULL, 0 },
};
static const UnitFactor distance_units[] = {
  { "m", 1 }, { "km", 1000 }, { "cm", 0.01 }, { "mi", 1609.344 }, { "ft", 0.3048 },
  { "yd", 0.9144 }, { NULL, 0 },
};
static const UnitFactor fraction_units[] = { { "%", 1 }, { NULL, 0 } };

static const UnitFactor *kind_units[] = {
  [KIND_MASS] = mass_units,
  [KIND_COUNT] = count_units,
  [KIND_RATE] = rate_units,
  [KIND_ENERGY] = energy_units,
  [KIND_DISTANCE] = distance_units,
  [KIND_FRACTION] = fraction_units,
  [KIND_SLEEP] = NULL,
};

typedef struct {
  const char *apple;
  const char *stage;
} SleepStage;

/* iOS 16 split "asleep" into core, deep and REM; older exports say
 * Asleep, and a few very old ones nothing but InBed. */
static const SleepStage sleep_stages[] = {
  { "HKCategoryValueSleepAnalysisInBed", "in_bed" },
  { "HKCategoryValueSleepAnalysisAsleep", "asleep" },
  { "HKCategoryValueSleepAnalysisAsleepUnspecified", "asleep" },
  { "HKCategoryValueSleepAnalysisAwake", "awake" },
  { "HKCategoryValueSleepAnalysisAsleepCore", "light" },
  { "HKCategoryValueSleepAnalysisAsleepDeep", "deep" },
  { "HKCategoryValueSleepAnalysisAsleepREM", "rem" },
};

typedef struct {
  /* Set before the worker starts, read-only after */
  GFile                   *file;
  gint64                   latest;         /* seconds; later is in the future */
  const FcHealthTypeInfo  *infos[G_N_ELEMENTS (health_types)];

  FcHealthPump             pump;

  /* The worker's own */
  GInputStream            *stream;
  GSeekable               *file_stream;    /* under a zip member's stream */
  guint64                  remaining;      /* what the member holds */
  GCancellable            *cancellable;
  GError                  *read_error;
  char                    *parse_error;
} ImportData;

static void
import_data_free (gpointer data)
{
  ImportData *d = data;

  g_clear_object (&d->file);
  fc_health_pump_clear (&d->pump);
  g_clear_object (&d->stream);
  g_clear_object (&d->file_stream);
  g_clear_error (&d->read_error);
  g_clear_pointer (&d->parse_error, g_free);
  g_free (d);
}

static int
read_cb (void *context,
         char *buffer,
         int   len)
{
  ImportData *d = context;
  gssize n;

  n = g_input_stream_read (d->stream, buffer, MIN ((guint64) len, d->remaining), d->cancellable,
                           d->read_error == NULL ? &d->read_error : NULL);
  if (n < 0)
    return -1;
  d->remaining -= n;
  /* In a zip, the progress is of the file, not of what it inflates to */
  if (d->file_stream != NULL)
    d->pump.progress.bytes_read = g_seekable_tell (d->file_stream);
  else
    d->pump.progress.bytes_read += n;
  return (int) n;
}

static int
close_cb (void *context)
{
  return 0;
}

#if LIBXML_VERSION >= 21200
static void
error_cb (void *user_data, const xmlError *error)
#else
static void
error_cb (void *user_data, xmlErrorPtr error)
#endif
{
  ImportData *d = user_data;
  g_autofree char *message = NULL;

  if (d->parse_error != NULL || error == NULL || error->level < XML_ERR_ERROR)
    return;
  message = g_strstrip (g_strdup (error->message != NULL ? error->message : "unknown error"));
  d->parse_error = g_strdup_printf ("line %d: %s", error->line, message);
}

/* Apple writes "2024-03-31 02:30:00 +0200", the local time where the phone
 * was and its offset; a 'T' for the space, "+02:00" and "Z" are taken too. */
static gboolean
parse_apple_date (const char *s,
                  gint64     *out_seconds)
{
  FcHealthDate date;

  if (!fc_health_parse_date (s, &date) || !date.has_seconds || !date.has_offset)
    return FALSE;
  *out_seconds = fc_health_date_to_unix (&date);
  return TRUE;
}

static const char *
attribute (xmlAttrPtr  attr,
           char      **to_free)
{
  xmlNodePtr child = attr->children;

  if (child != NULL && child->next == NULL && child->type == XML_TEXT_NODE)
    return (const char *) child->content;
  /* An entity reference split the value: rare, so allocating is fine */
  *to_free = (char *) xmlNodeListGetString (attr->doc, child, 1);
  return *to_free;
}

static void
refuse (ImportData      *d,
        FcHealthRefusal  reason)
{
  d->pump.progress.refused++;
  d->pump.progress.refusals[reason]++;
}

/* The id is the record itself: the same sample read from any export, this
 * one or next year's, hashes the same, and two sources that wrote the same
 * numbers at the same times stay two points. creationDate, device and
 * sourceVersion are left out: they describe the writing, not the sample. */
static void
make_client_id (char        out[33],
                const char *type,
                const char *source_name,
                const char *start,
                const char *end,
                const char *value,
                const char *unit)
{
  const char *parts[] = { type, source_name, start, end, value, unit };

  fc_health_make_client_id (out, parts, G_N_ELEMENTS (parts));
}

static void
read_record (ImportData *d,
             xmlNodePtr  node)
{
  const char *type = NULL, *unit = NULL, *value = NULL, *start = NULL, *end = NULL;
  const char *source_name = NULL;
  char *to_free[6] = { NULL, };
  guint n_free = 0;
  const HealthType *ht = NULL;
  const FcHealthTypeInfo *info = NULL;
  FcHealthPoint point = { 0, };
  gint64 start_s, end_s;

  d->pump.progress.records_seen++;

  for (xmlAttrPtr attr = node->properties; attr != NULL; attr = attr->next) {
    const char *name = (const char *) attr->name;
    const char **slot = NULL;

    switch (name[0]) {
    case 't': if (strcmp (name, "type") == 0) slot = &type; break;
    case 'u': if (strcmp (name, "unit") == 0) slot = &unit; break;
    case 'v': if (strcmp (name, "value") == 0) slot = &value; break;
    case 's':
      if (strcmp (name, "startDate") == 0)
        slot = &start;
      else if (strcmp (name, "sourceName") == 0)
        slot = &source_name;
      break;
    case 'e': if (strcmp (name, "endDate") == 0) slot = &end; break;
    default: break;
    }
    if (slot != NULL && *slot == NULL && n_free < G_N_ELEMENTS (to_free))
      *slot = attribute (attr, &to_free[n_free++]);
  }

  if (type != NULL) {
    for (guint i = 0; i < G_N_ELEMENTS (health_types); i++) {
      if (strcmp (type, health_types[i].apple) == 0) {
        ht = &health_types[i];
        info = d->infos[i];
        break;
      }
    }
  }
  if (ht == NULL) {
    d->pump.progress.skipped++;
    goto out;
  }

  if (!parse_apple_date (start, &start_s) || !parse_apple_date (end, &end_s) || end_s < start_s
      || (ht->at_end ? end_s : start_s) < -2208988800 /* 1900 */
      || (ht->at_end ? end_s : start_s) > d->latest) {
    refuse (d, FC_HEALTH_REFUSAL_DATE);
    goto out;
  }

  if (ht->kind == KIND_SLEEP) {
    for (guint i = 0; value != NULL && i < G_N_ELEMENTS (sleep_stages); i++) {
      if (strcmp (value, sleep_stages[i].apple) == 0) {
        point.stage = sleep_stages[i].stage;
        break;
      }
    }
    if (point.stage == NULL) {
      refuse (d, FC_HEALTH_REFUSAL_VALUE);
      goto out;
    }
    point.value = (end_s - start_s) / 60.0;
  } else {
    const UnitFactor *factor = NULL;
    char *rest = NULL;

    if (unit == NULL)
      unit = ht->unit;
    for (const UnitFactor *u = kind_units[ht->kind]; u->name != NULL; u++) {
      if (g_ascii_strcasecmp (unit, u->name) == 0) {
        factor = u;
        break;
      }
    }
    if (factor == NULL) {
      refuse (d, FC_HEALTH_REFUSAL_UNIT);
      goto out;
    }
    point.value = value != NULL ? g_ascii_strtod (value, &rest) : NAN;
    if (value == NULL || rest == value || *rest != '\0' || !isfinite (point.value)) {
      refuse (d, FC_HEALTH_REFUSAL_VALUE);
      goto out;
    }
    point.value *= factor->factor;
    /* HealthKit's percent is a fraction (0.215 for 21.5 %); a value above
     * 1 can only be a percentage some other app wrote as one. */
    if (ht->kind == KIND_FRACTION && point.value <= 1)
      point.value *= 100;
  }

  if (point.value < info->min || point.value > info->max
      || (info->whole && point.value != floor (point.value))) {
    refuse (d, FC_HEALTH_REFUSAL_RANGE);
    goto out;
  }

  point.data_type = ht->data_type;
  point.unit = ht->unit;
  point.recorded_at = (ht->at_end ? end_s : start_s) * G_USEC_PER_SEC;
  make_client_id (point.client_id, type, source_name, start, end, value, unit);
  g_array_append_val (d->pump.batch, point);
  d->pump.progress.points_kept++;

out:
  for (guint i = 0; i < n_free; i++)
    xmlFree (to_free[i]);
}

static GError *
prefixed (GError     *error,
          const char *name)
{
  g_prefix_error (&error, "%s: ", name);
  return error;
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *d = task_data;
  g_autoptr(GFileInputStream) file_stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *uri = g_file_get_uri (d->file);
  g_autofree char *name = g_file_get_parse_name (d->file);
  g_autoptr(GError) error = NULL;
  xmlTextReaderPtr reader;
  gboolean saw_root = FALSE;
  int ret;

  d->cancellable = cancellable;
  file_stream = g_file_read (d->file, cancellable, &error);
  if (file_stream == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  info = g_file_input_stream_query_info (file_stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    d->pump.progress.bytes_total = g_file_info_get_size (info);
  d->stream = G_INPUT_STREAM (g_steal_pointer (&file_stream));
  d->remaining = G_MAXUINT64;

  /* Apple's export.zip: its apple_health_export/export.xml, inflated as
   * it is read (export_cda.xml and the workout routes are not read) */
  if (fc_health_zip_is_zip (d->stream, cancellable, &error)) {
    GInputStream *member = fc_health_zip_open_member (d->stream, "export.xml", &d->remaining,
                                                      cancellable, &error);

    if (member == NULL) {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_task_return_new_error (task, FC_HEALTH_IMPORT_ERROR, FC_HEALTH_IMPORT_ERROR_NOT_AN_EXPORT,
                                 "%s is not an Apple Health export (it holds no export.xml)", name);
      else
        g_task_return_error (task, prefixed (g_steal_pointer (&error), name));
      return;
    }
    d->file_stream = G_SEEKABLE (g_steal_pointer (&d->stream));
    d->stream = member;
  } else if (error != NULL) {
    g_task_return_error (task, prefixed (g_steal_pointer (&error), name));
    return;
  }

  /* No NOENT and no DTDLOAD: Apple's internal DTD subset is read but no
   * entity is expanded and nothing is fetched, whatever the file says. */
  reader = xmlReaderForIO (read_cb, close_cb, d, uri, NULL, XML_PARSE_NONET | XML_PARSE_COMPACT);
  if (reader == NULL) {
    g_task_return_new_error (task, FC_HEALTH_IMPORT_ERROR, FC_HEALTH_IMPORT_ERROR_MALFORMED,
                             "%s cannot be read as XML", name);
    return;
  }
  xmlTextReaderSetStructuredErrorHandler (reader, error_cb, d);

  ret = xmlTextReaderRead (reader);
  while (ret == 1) {
    int depth;

    if (g_cancellable_is_cancelled (cancellable))
      break;
    if (xmlTextReaderNodeType (reader) != XML_READER_TYPE_ELEMENT) {
      ret = xmlTextReaderRead (reader);
      continue;
    }

    depth = xmlTextReaderDepth (reader);
    if (depth == 0) {
      if (g_strcmp0 ((const char *) xmlTextReaderConstLocalName (reader), "HealthData") != 0)
        break;
      saw_root = TRUE;
      ret = xmlTextReaderRead (reader);
      continue;
    }

    /* Only records directly under HealthData: the ones inside a
     * Correlation (blood pressure, food) repeat records listed there. */
    if (depth == 1 && strcmp ((const char *) xmlTextReaderConstLocalName (reader), "Record") == 0)
      read_record (d, xmlTextReaderCurrentNode (reader));

    fc_health_pump_step (&d->pump, task);

    /* Skip what is inside (MetadataEntry, workout events): never needed */
    ret = depth == 1 ? xmlTextReaderNext (reader) : xmlTextReaderRead (reader);
  }
  xmlFreeTextReader (reader);

  if (d->read_error == NULL && g_cancellable_set_error_if_cancelled (cancellable, &error)) {
    /* cancelled: error is set */
  } else if (d->read_error != NULL) {
    error = prefixed (g_steal_pointer (&d->read_error), name);
  } else if (ret < 0 || (d->parse_error != NULL && !saw_root)) {
    error = g_error_new (FC_HEALTH_IMPORT_ERROR, FC_HEALTH_IMPORT_ERROR_MALFORMED,
                         "%s is not a readable XML file (%s)", name,
                         d->parse_error != NULL ? d->parse_error : "cut short");
  } else if (!saw_root) {
    error = g_error_new (FC_HEALTH_IMPORT_ERROR, FC_HEALTH_IMPORT_ERROR_NOT_AN_EXPORT,
                         "%s is not an Apple Health export (its root element is not HealthData)",
                         name);
  }

  /* A file cut short still gives what was read before the cut */
  fc_health_pump_finish (&d->pump, task);
  g_input_stream_close (d->stream, NULL, NULL);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * fc_health_import_async:
 * @file: an Apple Health export.xml
 * @batch_size: points per batch, 0 for 10,000 (the most sync/ takes at once)
 * @batch_func: called with each batch in the current thread-default main
 *   context, the last one (maybe partial or empty) before @callback
 * @cancellable: (nullable): stops the import; no batch is delivered after
 *
 * Reads @file on a worker thread. Records that cannot be kept are counted
 * by reason in the progress; a file that is not well-formed XML or not an
 * export fails with FC_HEALTH_IMPORT_ERROR, after the points read before
 * the fault were delivered.
 */
void
fc_health_import_async (GFile                   *file,
                        guint                    batch_size,
                        FcHealthImportBatchFunc  batch_func,
                        gpointer                 batch_data,
                        GDestroyNotify           batch_data_destroy,
                        GCancellable            *cancellable,
                        GAsyncReadyCallback      callback,
                        gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *d;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (batch_func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Once, on the thread that starts the first import: libxml2 asks for it
   * before any use from threads. */
  xmlInitParser ();

  d = g_new0 (ImportData, 1);
  d->file = g_object_ref (file);
  fc_health_pump_init (&d->pump, batch_size, batch_func, batch_data, batch_data_destroy);
  d->latest = g_get_real_time () / G_USEC_PER_SEC + 5 * 60;
  for (guint i = 0; i < G_N_ELEMENTS (health_types); i++) {
    d->infos[i] = fc_health_type_info_lookup (health_types[i].data_type);
    g_assert (d->infos[i] != NULL);
  }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_health_import_async);
  g_task_set_task_data (task, d, import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * fc_health_import_finish:
 * @out_progress: (out) (optional): the final counts, set on failure too
 *
 * Returns: %TRUE when the whole file was read
 */
gboolean
fc_health_import_finish (GAsyncResult            *result,
                         FcHealthImportProgress  *out_progress,
                         GError                 **error)
{
  ImportData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_health_import_async, FALSE);

  d = g_task_get_task_data (G_TASK (result));
  if (out_progress != NULL)
    *out_progress = d->pump.progress;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * fc_health_point_to_json:
 *
 * Returns: (transfer full): @point as one element of sync/'s `points`
 */
JsonNode *
fc_health_point_to_json (const FcHealthPoint *point)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *recorded_at = NULL;

  g_return_val_if_fail (point != NULL, NULL);

  dt = g_date_time_new_from_unix_utc (point->recorded_at / G_USEC_PER_SEC);
  recorded_at = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data_type");
  json_builder_add_string_value (builder, point->data_type);
  json_builder_set_member_name (builder, "value");
  json_builder_add_double_value (builder, point->value);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, point->unit);
  json_builder_set_member_name (builder, "recorded_at");
  json_builder_add_string_value (builder, recorded_at);
  if (point->stage != NULL) {
    json_builder_set_member_name (builder, "stage");
    json_builder_add_string_value (builder, point->stage);
  }
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, FC_HEALTH_IMPORT_SOURCE);
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, point->client_id);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
