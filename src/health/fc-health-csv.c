/* fc-health-csv.c — health points from CSV files: a person's own, and Google Fit's daily summaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Google Fit's Takeout writes Takeout/Fit/Daily activity metrics/Daily
 * Summaries.csv (older Takeouts: Daily Aggregations/), one row a day:
 *
 *   Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,
 *   Heart Minutes,Average heart rate (bpm),Max heart rate (bpm),
 *   Min heart rate (bpm),Low latitude (deg),…,Step count,
 *   Average speed (m/s),Max speed (m/s),Min speed (m/s),
 *   Average weight (kg),Max weight (kg),Min weight (kg),
 *   Biking duration (ms),Inactive duration (ms),Running duration (ms),
 *   Sleeping duration (ms),Walking duration (ms)
 *
 * with empty cells where a day has no data, and beside it one file a day
 * (2024-01-01.csv) whose rows are 15-minute intervals with "Start time"
 * and "End time" and no date of their own (it is in the file's name).
 * Those column names are from public readers of these files (the Takeout
 * itself documents none): starsep/GoogleFitToOpenScaleCSV reads the
 * weight columns of Daily Summaries.csv, and several other readers list
 * the whole header as above. Only the English Takeout is known: a Takeout
 * in another language names its columns in that language and is refused.
 *
 * What is read, a day a point each: "Step count" (steps), "Distance (m)"
 * (distance), "Sleeping duration (ms)" (sleep, stage asleep) at the end of
 * the local day; "Average weight (kg)" (weight) and "Average heart rate
 * (bpm)" (heart_rate) at local noon. Not read: "Calories (kcal)" counts the
 * resting (basal) energy too, which active_energy must not; Move Minutes
 * and Heart Points are Google's own measures, not workouts; a day's
 * minimum and maximum would be two more points of a level that has its
 * average already.
 */

#define G_LOG_DOMAIN "fc-health-import"

#include "config.h"

#include "fc-health-csv.h"
#include "fc-health-pump.h"
#include "fc-health-units.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

/* A row longer than this is refused and skipped, never held whole */
#define MAX_ROW (64 * 1024)
#define BUFFER_SIZE (64 * 1024)
/* How far in the future a point may be: the server's clock skew */
#define CLOCK_SKEW_S (5 * 60)

G_DEFINE_QUARK (fc-health-csv-error-quark, fc_health_csv_error)

typedef struct {
  const char *column;
  const char *data_type;
  double      factor;
  gboolean    at_end_of_day;
  const char *stage;
} FitColumn;

static const FitColumn fit_columns[] = {
  { "Step count", "steps", 1, TRUE, NULL },
  { "Distance (m)", "distance", 1, TRUE, NULL },
  { "Sleeping duration (ms)", "sleep", 1 / 60000.0, TRUE, "asleep" },
  { "Average weight (kg)", "weight", 1, FALSE, NULL },
  { "Average heart rate (bpm)", "heart_rate", 1, FALSE, NULL },
};

/* Google Fit's columns that are known and left out on purpose, so that a
 * file with only these is still recognised as Google Fit's */
static const char * const fit_other_columns[] = {
  "Move Minutes count", "Calories (kcal)", "Heart Points", "Heart Minutes",
  "Max heart rate (bpm)", "Min heart rate (bpm)", "Max weight (kg)", "Min weight (kg)",
  "Average speed (m/s)", "Walking duration (ms)", NULL,
};

typedef struct {
  const char *alias;
  const char *name;
} Alias;

/* Names people and other apps give the wire's types, normalised (lower
 * case, '_' for spaces and dashes) */
static const Alias type_aliases[] = {
  { "body_mass", "weight" }, { "body_weight", "weight" }, { "mass", "weight" },
  { "bodyfat", "body_fat" }, { "body_fat_percentage", "body_fat" }, { "fat", "body_fat" },
  { "step", "steps" }, { "step_count", "steps" },
  { "pulse", "heart_rate" }, { "hr", "heart_rate" }, { "heartrate", "heart_rate" },
  { "resting_hr", "resting_heart_rate" }, { "resting_pulse", "resting_heart_rate" },
  { "calories", "active_energy" }, { "active_calories", "active_energy" },
  { "energy", "active_energy" }, { "active_energy_burned", "active_energy" },
  { "glucose", "blood_glucose" }, { "blood_sugar", "blood_glucose" },
  { "systolic", "blood_pressure_systolic" }, { "diastolic", "blood_pressure_diastolic" },
  { "workout", "workout_minutes" }, { "workouts", "workout_minutes" },
  { "exercise_minutes", "workout_minutes" }, { "sleep_duration", "sleep" },
  { "water_intake", "water" }, { "walking_distance", "distance" },
};

/* Unit names beyond the wire's, lower case */
static const Alias unit_aliases[] = {
  { "kgs", "kg" }, { "kilogram", "kg" }, { "kilograms", "kg" },
  { "pound", "lb" }, { "pounds", "lb" }, { "stone", "st" }, { "stones", "st" },
  { "meter", "m" }, { "meters", "m" }, { "metre", "m" }, { "metres", "m" },
  { "kilometers", "km" }, { "kilometres", "km" }, { "miles", "mi" }, { "mile", "mi" },
  { "centimeters", "cm" }, { "centimetres", "cm" }, { "inches", "in" }, { "feet", "ft" },
  { "calories", "kcal" }, { "kilocalories", "kcal" },
  { "minutes", "min" }, { "mins", "min" }, { "hours", "h" }, { "hr", "h" }, { "seconds", "s" },
  { "liters", "l" }, { "litres", "l" }, { "milliliters", "ml" }, { "millilitres", "ml" },
  { "fl oz", "fl_oz" }, { "floz", "fl_oz" }, { "percent", "%" }, { "beats/min", "bpm" },
};

static const char * const date_names[] = {
  "date", "time", "datetime", "date_time", "recorded_at", "timestamp", "start", "start_time",
  "startdate", "start_date", "day", "when", NULL,
};
static const char * const type_names[] = {
  "type", "data_type", "datatype", "metric", "kind", "measurement", "category", NULL,
};
static const char * const value_names[] = {
  "value", "amount", "quantity", "reading", "qty", NULL,
};
static const char * const unit_names[] = { "unit", "units", "uom", NULL };

/* ----- Reading rows ----- */

typedef struct {
  GDataInputStream *data;
  char              delimiter;
  guint             line;          /* lines read so far */
  guint64           bytes;
  GString          *record;
  GPtrArray        *cells;
  gboolean          first;
} RowReader;

static void
row_reader_init (RowReader    *r,
                 GInputStream *stream)
{
  memset (r, 0, sizeof *r);
  r->data = g_data_input_stream_new (stream);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (r->data), BUFFER_SIZE);
  r->delimiter = ',';
  r->record = g_string_sized_new (256);
  r->cells = g_ptr_array_new_with_free_func (g_free);
  r->first = TRUE;
}

static void
row_reader_clear (RowReader *r)
{
  g_clear_object (&r->data);
  if (r->record != NULL)
    g_string_free (r->record, TRUE);
  r->record = NULL;
  g_clear_pointer (&r->cells, g_ptr_array_unref);
}

/* Appends the next line, without its line break, to r->record, or sets
 * @too_long and skips the rest of a line past MAX_ROW. FALSE at the end of
 * the stream with nothing read, or on an error. */
static gboolean
read_line (RowReader     *r,
           gboolean      *too_long,
           GCancellable  *cancellable,
           GError       **error)
{
  GBufferedInputStream *buffered = G_BUFFERED_INPUT_STREAM (r->data);
  gboolean any = FALSE;

  for (;;) {
    gsize available = 0;
    const char *buffer = g_buffered_input_stream_peek_buffer (buffered, &available);
    const char *newline;
    gsize take;

    if (available == 0) {
      gssize n = g_buffered_input_stream_fill (buffered, -1, cancellable, error);

      if (n <= 0)
        return n == 0 && any;
      continue;
    }
    any = TRUE;
    newline = memchr (buffer, '\n', available);
    take = newline != NULL ? (gsize) (newline - buffer) : available;
    if (*too_long || r->record->len + take > MAX_ROW)
      *too_long = TRUE;
    else
      g_string_append_len (r->record, buffer, take);
    take += newline != NULL ? 1 : 0;
    if (g_input_stream_skip (G_INPUT_STREAM (r->data), take, cancellable, error) < 0)
      return FALSE;
    r->bytes += take;
    if (newline != NULL) {
      r->line++;
      if (r->record->len > 0 && r->record->str[r->record->len - 1] == '\r')
        g_string_truncate (r->record, r->record->len - 1);
      return TRUE;
    }
  }
}

/* Splits r->record into r->cells; FALSE when a quoted cell is still open
 * at its end (a line break inside quotes). */
static gboolean
split_cells (RowReader *r)
{
  const char *p = r->record->str;
  g_autoptr(GString) cell = g_string_new (NULL);

  g_ptr_array_set_size (r->cells, 0);
  for (;;) {
    gboolean quoted = FALSE;

    g_string_truncate (cell, 0);
    while (*p == ' ')
      p++;
    if (*p == '"') {
      quoted = TRUE;
      p++;
      for (;;) {
        if (*p == '\0')
          return FALSE;
        if (*p == '"' && p[1] == '"') {
          g_string_append_c (cell, '"');
          p += 2;
        } else if (*p == '"') {
          p++;
          break;
        } else {
          g_string_append_c (cell, *p++);
        }
      }
    }
    while (*p != '\0' && *p != r->delimiter)
      g_string_append_c (cell, *p++);
    g_ptr_array_add (r->cells, quoted ? g_strdup (cell->str) : g_strstrip (g_strdup (cell->str)));
    if (*p == '\0')
      return TRUE;
    p++;
  }
}

/* The next row's cells in r->cells. FALSE at the end or on an error;
 * @too_long when the row was longer than MAX_ROW (its cells are empty). */
static void
finish_row (RowReader     *r,
            gboolean      *too_long,
            GCancellable  *cancellable,
            GError       **error)
{
  while (!*too_long && !split_cells (r)) {
    g_string_append_c (r->record, '\n');
    if (!read_line (r, too_long, cancellable, error))
      break;   /* a quote left open at the end: the cells as they are */
  }
  if (*too_long)
    g_ptr_array_set_size (r->cells, 0);
}

/* Reads one line into r->record, the byte order mark of a spreadsheet's
 * UTF-8 taken off the first */
static gboolean
read_first_line (RowReader     *r,
                 gboolean      *too_long,
                 GCancellable  *cancellable,
                 GError       **error)
{
  *too_long = FALSE;
  g_string_truncate (r->record, 0);
  if (!read_line (r, too_long, cancellable, error))
    return FALSE;
  if (r->first) {
    r->first = FALSE;
    if (g_str_has_prefix (r->record->str, "\xef\xbb\xbf"))
      g_string_erase (r->record, 0, 3);
  }
  return TRUE;
}

static gboolean
read_row (RowReader     *r,
          gboolean      *too_long,
          GCancellable  *cancellable,
          GError       **error)
{
  if (!read_first_line (r, too_long, cancellable, error))
    return FALSE;
  finish_row (r, too_long, cancellable, error);
  return TRUE;
}

static gboolean
row_is_blank (GPtrArray *cells)
{
  for (guint i = 0; i < cells->len; i++) {
    if (*(const char *) cells->pdata[i] != '\0')
      return FALSE;
  }
  return TRUE;
}

static char
guess_delimiter (const char *line)
{
  const char candidates[] = { ',', ';', '\t' };
  guint counts[G_N_ELEMENTS (candidates)] = { 0, };
  gboolean quoted = FALSE;
  guint best = 0;

  for (const char *p = line; *p != '\0'; p++) {
    if (*p == '"')
      quoted = !quoted;
    for (guint i = 0; !quoted && i < G_N_ELEMENTS (candidates); i++)
      counts[i] += *p == candidates[i];
  }
  /* On a tie, not the comma: "2024-03-01;72,5" has a decimal comma */
  for (guint i = 1; i < G_N_ELEMENTS (candidates); i++) {
    if (counts[i] > 0 && counts[i] >= counts[best])
      best = i;
  }
  return candidates[best];
}

/* ----- Cells ----- */

/* Lower case, spaces and dashes as '_', a trailing "(unit)" cut off and
 * put in @out_unit */
static char *
normalise_name (const char  *text,
                char       **out_unit)
{
  g_autofree char *name = g_ascii_strdown (text, -1);
  char *open = strrchr (name, '(');

  if (out_unit != NULL)
    *out_unit = NULL;
  if (open != NULL && open != name && strchr (open, ')') != NULL) {
    if (out_unit != NULL)
      *out_unit = g_strstrip (g_strndup (open + 1, strchr (open, ')') - open - 1));
    *open = '\0';
  }
  g_strstrip (name);
  for (char *p = name; *p != '\0'; p++) {
    if (*p == ' ' || *p == '-')
      *p = '_';
  }
  return g_steal_pointer (&name);
}

static const FcHealthTypeInfo *
lookup_type (const char *text)
{
  g_autofree char *name = normalise_name (text, NULL);
  const FcHealthTypeInfo *type = fc_health_type_info_lookup (name);

  for (guint i = 0; type == NULL && i < G_N_ELEMENTS (type_aliases); i++) {
    if (strcmp (type_aliases[i].alias, name) == 0)
      type = fc_health_type_info_lookup (type_aliases[i].name);
  }
  return type;
}

static const FcHealthUnitInfo *
lookup_unit (const FcHealthTypeInfo *type,
             const char             *text)
{
  const FcHealthUnitInfo *unit = fc_health_unit_info_lookup (type, text);

  for (guint i = 0; unit == NULL && i < G_N_ELEMENTS (unit_aliases); i++) {
    if (g_ascii_strcasecmp (unit_aliases[i].alias, text) == 0)
      unit = fc_health_unit_info_lookup (type, unit_aliases[i].name);
  }
  return unit;
}

static gboolean
name_in (const char         *name,
         const char * const *names)
{
  return g_strv_contains (names, name);
}

static gboolean
parse_number (const char *text,
              char        delimiter,
              double     *out)
{
  g_autofree char *copy = NULL;
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  /* "72,5" where the comma is not the delimiter (a European spreadsheet
   * saved with semicolons) */
  if (delimiter != ',' && strchr (text, ',') != NULL && strchr (text, '.') == NULL) {
    copy = g_strdup (text);
    *strchr (copy, ',') = '.';
    text = copy;
  }
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*out);
}

/* What a worker needs to map rows */
typedef struct {
  FcHealthCsvFormat   format;
  FcHealthCsvMapping  mapping;
  GTimeZone          *local;
  gint64              now;           /* seconds */
  int                 fit_index[G_N_ELEMENTS (fit_columns)];
  int                 fit_date;
} Mapper;

/* Seconds since the epoch of @date; a date alone is local noon for a
 * level and the end of the local day for an amount, and not later than
 * now (today's steps so far). */
static gboolean
date_to_seconds (const Mapper *m,
                 const FcHealthDate *date,
                 gboolean      at_end_of_day,
                 gint64       *out)
{
  g_autoptr(GDateTime) dt = NULL;

  if (date->has_offset) {
    *out = fc_health_date_to_unix (date);
  } else if (date->has_time) {
    dt = g_date_time_new (m->local, date->year, date->month, date->day, date->hour, date->minute,
                          date->second);
    if (dt == NULL)
      return FALSE;
    *out = g_date_time_to_unix (dt);
  } else {
    g_autoptr(GDateTime) start = g_date_time_new (m->local, date->year, date->month, date->day,
                                                  0, 0, 0);

    dt = g_date_time_new (m->local, date->year, date->month, date->day,
                          at_end_of_day ? 23 : 12, at_end_of_day ? 59 : 0, at_end_of_day ? 59 : 0);
    if (dt == NULL || start == NULL || g_date_time_to_unix (start) > m->now)
      return FALSE;
    /* today's so far */
    *out = MIN (g_date_time_to_unix (dt), m->now);
  }
  return *out >= -2208988800 /* 1900 */ && *out <= m->now + CLOCK_SKEW_S;
}

typedef struct {
  guint            refused;
  guint            by_reason[FC_HEALTH_N_REFUSALS];
  FcHealthRefusal  reason;     /* the first's */
  char            *message;    /* the first's, only when asked for */
} Refusals;

static void G_GNUC_PRINTF (4, 5)
refuse (Refusals        *refusals,
        gboolean         with_message,
        FcHealthRefusal  reason,
        const char      *format,
        ...)
{
  refusals->by_reason[reason]++;
  if (refusals->refused++ == 0) {
    refusals->reason = reason;
    if (with_message) {
      va_list args;

      va_start (args, format);
      refusals->message = g_strdup_vprintf (format, args);
      va_end (args);
    }
  }
}

/* A value of @type in @unit_text read into @point; FALSE with a refusal */
static gboolean
convert_value (const Mapper           *m,
               const FcHealthTypeInfo *type,
               const char             *value_text,
               const char             *unit_text,
               double                  factor,
               FcHealthPoint          *point,
               Refusals               *refusals,
               gboolean                with_message)
{
  const FcHealthUnitInfo *unit = NULL;
  double value;

  if (unit_text != NULL) {
    unit = *unit_text == '\0' ? fc_health_unit_info_lookup (type, type->unit) :
                                lookup_unit (type, unit_text);
    if (unit == NULL) {
      g_autofree char *names = fc_health_unit_info_names (type);

      refuse (refusals, with_message, FC_HEALTH_REFUSAL_UNIT,
              _("“%s” is not a unit of %s; use one of: %s."), unit_text, type->name, names);
      return FALSE;
    }
    factor = unit->factor;
  }

  if (unit != NULL && strcmp (unit->unit, "ft_in") == 0) {
    value = fc_health_parse_feet_inches (value_text);
    if (value < 0) {
      refuse (refusals, with_message, FC_HEALTH_REFUSAL_VALUE,
              _("A height in feet and inches is written as 5'11\", not “%s”."), value_text);
      return FALSE;
    }
  } else if (!parse_number (value_text, m->mapping.delimiter, &value)) {
    refuse (refusals, with_message, FC_HEALTH_REFUSAL_VALUE, _("“%s” is not a number."), value_text);
    return FALSE;
  }
  value *= factor;
  if (value < type->min || value > type->max || (type->whole && value != floor (value))) {
    refuse (refusals, with_message, FC_HEALTH_REFUSAL_RANGE,
            type->whole ?
            _("%s %s is not a plausible %s: it must be a whole number between %g and %g %s.") :
            _("%s %s is not a plausible %s: it must be between %g and %g %s."),
            value_text, unit != NULL ? unit->unit : type->unit, type->name, type->min, type->max,
            type->unit);
    return FALSE;
  }
  point->data_type = type->name;
  point->unit = type->unit;
  point->value = value;
  return TRUE;
}

static const char *
cell (GPtrArray *cells,
      int        column)
{
  return column >= 0 && (guint) column < cells->len ? cells->pdata[column] : NULL;
}

/* A points row into @points */
static void
map_points_row (const Mapper *m,
                GPtrArray    *cells,
                GArray       *points,
                Refusals     *refusals,
                gboolean      with_message)
{
  const FcHealthCsvMapping *map = &m->mapping;
  const char *date_text = cell (cells, map->date_column);
  const char *type_text = map->type_column >= 0 ? cell (cells, map->type_column) : map->fixed_type;
  const char *value_text = cell (cells, map->value_column);
  const char *unit_text = map->unit_column >= 0 ? cell (cells, map->unit_column) : map->fixed_unit;
  const FcHealthTypeInfo *type;
  FcHealthPoint point = { 0, };
  FcHealthDate date;
  gint64 seconds;

  if (date_text == NULL || value_text == NULL || type_text == NULL || unit_text == NULL) {
    refuse (refusals, with_message, FC_HEALTH_REFUSAL_COLUMNS,
            map->date_column < 0 || map->value_column < 0 ?
            _("Choose the columns of the date and the value.") :
            _("This row has %u cells, fewer than the columns chosen."), cells->len);
    return;
  }
  if (*type_text == '\0' || (type = lookup_type (type_text)) == NULL) {
    refuse (refusals, with_message, FC_HEALTH_REFUSAL_TYPE,
            *type_text == '\0' ? _("No type: choose the column of the type, or the type of every row.") :
            _("“%s” is not a type of health data."), type_text);
    return;
  }
  if (!fc_health_parse_date (date_text, &date) || !date_to_seconds (m, &date, type->summable, &seconds)) {
    refuse (refusals, with_message, FC_HEALTH_REFUSAL_DATE,
            _("“%s” is not a date as YYYY-MM-DD or YYYY-MM-DD HH:MM, between 1900 and now."),
            date_text);
    return;
  }
  if (!convert_value (m, type, value_text, unit_text, 1, &point, refusals, with_message))
    return;
  point.recorded_at = seconds * G_USEC_PER_SEC;
  {
    const char *parts[] = { FC_HEALTH_CSV_SOURCE, date_text, type->name, value_text, unit_text };

    fc_health_make_client_id (point.client_id, parts, G_N_ELEMENTS (parts));
  }
  g_array_append_val (points, point);
}

/* A Google Fit day into up to five points */
static void
map_fit_row (const Mapper *m,
             GPtrArray    *cells,
             GArray       *points,
             Refusals     *refusals,
             gboolean      with_message)
{
  const char *date_text = cell (cells, m->fit_date);
  FcHealthDate date;

  if (date_text == NULL || !fc_health_parse_date (date_text, &date) || date.has_time) {
    refuse (refusals, with_message, FC_HEALTH_REFUSAL_DATE,
            _("“%s” is not a date as YYYY-MM-DD, between 1900 and now."),
            date_text != NULL ? date_text : "");
    return;
  }
  for (guint i = 0; i < G_N_ELEMENTS (fit_columns); i++) {
    const FitColumn *column = &fit_columns[i];
    const char *value_text = cell (cells, m->fit_index[i]);
    const FcHealthTypeInfo *type = fc_health_type_info_lookup (column->data_type);
    FcHealthPoint point = { 0, };
    gint64 seconds;

    if (value_text == NULL || *value_text == '\0')
      continue;
    if (!date_to_seconds (m, &date, column->at_end_of_day, &seconds)) {
      refuse (refusals, with_message, FC_HEALTH_REFUSAL_DATE,
              _("“%s” is not a date as YYYY-MM-DD, between 1900 and now."), date_text);
      return;
    }
    /* Google Fit writes step counts as 8432.0 */
    if (!convert_value (m, type, value_text, NULL, column->factor, &point, refusals, with_message))
      continue;
    if (type->whole)
      point.value = floor (point.value);
    point.stage = column->stage;
    point.recorded_at = seconds * G_USEC_PER_SEC;
    {
      /* A day's metric is one point, whatever its value: a later Takeout
       * with that day complete updates it instead of adding another */
      const char *parts[] = { FC_HEALTH_GOOGLE_FIT_SOURCE, date_text, column->column };

      fc_health_make_client_id (point.client_id, parts, G_N_ELEMENTS (parts));
    }
    g_array_append_val (points, point);
  }
}

/* ----- The format and the columns ----- */

static gboolean
looks_like_data (const char *text,
                 char        delimiter)
{
  FcHealthDate date;
  double value;

  return fc_health_parse_date (text, &date) || parse_number (text, delimiter, &value);
}

/* Finds the format and, for a points file, the mapping, from the first
 * row (@first) and the one after it (@second, maybe NULL) */
static gboolean
detect (GPtrArray           *first,
        GPtrArray           *second,
        char                 delimiter,
        FcHealthCsvFormat   *out_format,
        FcHealthCsvMapping  *out,
        GError             **error)
{
  gboolean header = FALSE, fit = FALSE, fit_day_file = FALSE, has_date = FALSE;
  GPtrArray *data;

  memset (out, 0, sizeof *out);
  out->delimiter = delimiter;
  out->date_column = out->type_column = out->value_column = out->unit_column = -1;

  for (guint i = 0; i < first->len; i++) {
    const char *text = first->pdata[i];

    has_date |= strcmp (text, "Date") == 0;
    fit_day_file |= strcmp (text, "Start time") == 0;
    for (guint k = 0; k < G_N_ELEMENTS (fit_columns); k++)
      fit |= strcmp (text, fit_columns[k].column) == 0;
    fit |= g_strv_contains (fit_other_columns, text);
  }
  if (fit && fit_day_file && !has_date) {
    g_set_error_literal (error, FC_HEALTH_CSV_ERROR, FC_HEALTH_CSV_ERROR_UNSUPPORTED,
                         _("This is one of Google Fit's files for a single day. Import “Daily "
                           "Summaries.csv” from the same folder instead: it has every day."));
    return FALSE;
  }
  if (fit && has_date) {
    *out_format = FC_HEALTH_CSV_FORMAT_GOOGLE_FIT;
    out->has_header = TRUE;
    return TRUE;
  }
  *out_format = FC_HEALTH_CSV_FORMAT_POINTS;

  /* A header names its columns; a data row has dates and numbers */
  for (guint i = 0; i < first->len; i++) {
    g_autofree char *unit = NULL;
    g_autofree char *name = normalise_name (first->pdata[i], &unit);
    const FcHealthTypeInfo *type;

    if (name_in (name, date_names) && out->date_column < 0) {
      out->date_column = i;
      header = TRUE;
    } else if (name_in (name, type_names) && out->type_column < 0) {
      out->type_column = i;
      header = TRUE;
    } else if (name_in (name, value_names) && out->value_column < 0) {
      out->value_column = i;
      header = TRUE;
    } else if (name_in (name, unit_names) && out->unit_column < 0) {
      out->unit_column = i;
      header = TRUE;
    } else if ((type = lookup_type (name)) != NULL && *out->fixed_type == '\0') {
      /* "Date,Weight (kg)": a file of one type, its unit in the name */
      g_strlcpy (out->fixed_type, type->name, sizeof out->fixed_type);
      if (unit != NULL && lookup_unit (type, unit) != NULL)
        g_strlcpy (out->fixed_unit, unit, sizeof out->fixed_unit);
      if (out->value_column < 0)
        out->value_column = i;
      header = TRUE;
    }
  }
  if (!header) {
    header = TRUE;
    for (guint i = 0; i < first->len; i++) {
      if (looks_like_data (first->pdata[i], delimiter))
        header = FALSE;
    }
  }
  out->has_header = header;
  if (out->type_column >= 0)
    *out->fixed_type = '\0';
  if (out->type_column >= 0 || out->unit_column >= 0)
    *out->fixed_unit = '\0';

  /* Columns the header did not name, from the first data row: a date, a
   * type's name, a number, and a unit of that type */
  data = header ? second : first;
  if (data != NULL) {
    const FcHealthTypeInfo *type = NULL;

    for (guint i = 0; i < data->len; i++) {
      const char *text = data->pdata[i];
      FcHealthDate date;
      double value;

      if ((int) i == out->date_column || (int) i == out->type_column ||
          (int) i == out->value_column || (int) i == out->unit_column)
        continue;
      if (out->date_column < 0 && fc_health_parse_date (text, &date))
        out->date_column = i;
      else if (out->type_column < 0 && *out->fixed_type == '\0' && lookup_type (text) != NULL)
        out->type_column = i;
      else if (out->value_column < 0 && parse_number (text, delimiter, &value))
        out->value_column = i;
    }
    type = out->type_column >= 0 ? lookup_type (cell (data, out->type_column)) :
                                   fc_health_type_info_lookup (out->fixed_type);
    for (guint i = 0; type != NULL && out->unit_column < 0 && *out->fixed_unit == '\0' &&
                      i < data->len; i++) {
      if ((int) i != out->date_column && (int) i != out->type_column &&
          (int) i != out->value_column && lookup_unit (type, data->pdata[i]) != NULL)
        out->unit_column = i;
    }
  }
  return TRUE;
}

static gboolean
mapper_init (Mapper                   *m,
             FcHealthCsvFormat         format,
             const FcHealthCsvMapping *mapping,
             GPtrArray                *header,
             gboolean                  for_import,
             GError                  **error)
{
  memset (m, 0, sizeof *m);
  m->format = format;
  m->mapping = *mapping;
  m->local = g_time_zone_new_local ();
  m->now = g_get_real_time () / G_USEC_PER_SEC;
  m->fit_date = -1;
  for (guint i = 0; i < G_N_ELEMENTS (fit_columns); i++)
    m->fit_index[i] = -1;

  if (format == FC_HEALTH_CSV_FORMAT_GOOGLE_FIT) {
    for (guint i = 0; header != NULL && i < header->len; i++) {
      if (strcmp (header->pdata[i], "Date") == 0 && m->fit_date < 0)
        m->fit_date = i;
      for (guint k = 0; k < G_N_ELEMENTS (fit_columns); k++) {
        if (strcmp (header->pdata[i], fit_columns[k].column) == 0 && m->fit_index[k] < 0)
          m->fit_index[k] = i;
      }
    }
    return TRUE;
  }

  m->mapping.fixed_type[sizeof m->mapping.fixed_type - 1] = '\0';
  m->mapping.fixed_unit[sizeof m->mapping.fixed_unit - 1] = '\0';
  if (for_import && (m->mapping.date_column < 0 || m->mapping.value_column < 0 ||
                     (m->mapping.type_column < 0 && *m->mapping.fixed_type == '\0'))) {
    g_set_error_literal (error, FC_HEALTH_CSV_ERROR, FC_HEALTH_CSV_ERROR_MAPPING,
                         _("Choose the columns of the date, the type and the value."));
    return FALSE;
  }
  return TRUE;
}

static void
mapper_clear (Mapper *m)
{
  g_clear_pointer (&m->local, g_time_zone_unref);
}

static void
map_row (const Mapper *m,
         GPtrArray    *cells,
         GArray       *points,
         Refusals     *refusals,
         gboolean      with_message)
{
  if (m->format == FC_HEALTH_CSV_FORMAT_GOOGLE_FIT)
    map_fit_row (m, cells, points, refusals, with_message);
  else
    map_points_row (m, cells, points, refusals, with_message);
}

/* A file opened, its format and mapping found, and the rows read to find
 * them held to be handed out first */
typedef struct {
  GPtrArray *cells;
  guint      line;
  gboolean   too_long;
} HeldRow;

typedef struct {
  RowReader           reader;
  FcHealthCsvFormat   format;
  FcHealthCsvMapping  mapping;
  GPtrArray          *header;      /* the header's cells, or NULL */
  HeldRow             held[2];
  guint               n_held;
  guint               next_held;
  guint64             bytes_total;
} Opened;

static GPtrArray *
copy_cells (GPtrArray *cells)
{
  GPtrArray *copy = g_ptr_array_new_full (cells->len + 1, g_free);

  for (guint i = 0; i < cells->len; i++)
    g_ptr_array_add (copy, g_strdup (cells->pdata[i]));
  return copy;
}

static void
opened_clear (Opened *o)
{
  row_reader_clear (&o->reader);
  g_clear_pointer (&o->header, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (o->held); i++)
    g_clear_pointer (&o->held[i].cells, g_ptr_array_unref);
}

static void
hold (Opened    *o,
      GPtrArray *cells,
      guint      line,
      gboolean   too_long)
{
  g_assert (o->n_held < G_N_ELEMENTS (o->held));
  o->held[o->n_held].cells = cells;
  o->held[o->n_held].line = line;
  o->held[o->n_held].too_long = too_long;
  o->n_held++;
}

static gboolean
open_csv (GFile                     *file,
          const FcHealthCsvMapping  *given,
          Opened                    *o,
          GCancellable              *cancellable,
          GError                   **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  gboolean too_long = FALSE, second_too_long = FALSE, have_second;
  guint first_line, second_line = 0;
  FcHealthCsvMapping found;
  GError *local_error = NULL;

  memset (o, 0, sizeof *o);
  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return FALSE;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    o->bytes_total = g_file_info_get_size (info);
  row_reader_init (&o->reader, G_INPUT_STREAM (stream));

  /* The first row that is not blank, whose line gives the delimiter */
  for (;;) {
    if (!read_first_line (&o->reader, &too_long, cancellable, &local_error) || too_long ||
        !g_utf8_validate (o->reader.record->str, o->reader.record->len, NULL) ||
        memchr (o->reader.record->str, '\0', o->reader.record->len) != NULL) {
      if (local_error != NULL)
        g_propagate_prefixed_error (error, local_error, "%s: ", name);
      else
        g_set_error (error, FC_HEALTH_CSV_ERROR, FC_HEALTH_CSV_ERROR_NOT_CSV,
                     _("%s is not a CSV file."), name);
      return FALSE;
    }
    if (strspn (o->reader.record->str, " \t") < o->reader.record->len)
      break;
  }
  o->reader.delimiter = given != NULL ? given->delimiter : guess_delimiter (o->reader.record->str);
  finish_row (&o->reader, &too_long, cancellable, &local_error);
  if (local_error != NULL) {
    g_propagate_prefixed_error (error, local_error, "%s: ", name);
    return FALSE;
  }
  first = copy_cells (o->reader.cells);
  first_line = o->reader.line;

  have_second = read_row (&o->reader, &second_too_long, cancellable, &local_error);
  if (local_error != NULL) {
    g_propagate_prefixed_error (error, local_error, "%s: ", name);
    return FALSE;
  }
  if (have_second) {
    second = copy_cells (o->reader.cells);
    second_line = o->reader.line;
  }
  if (first->len < 2) {
    g_set_error (error, FC_HEALTH_CSV_ERROR, FC_HEALTH_CSV_ERROR_NOT_CSV,
                 _("%s is not a CSV file: its first row has one column."), name);
    return FALSE;
  }
  if (!detect (first, second_too_long ? NULL : second, o->reader.delimiter, &o->format, &found,
               error)) {
    g_prefix_error (error, "%s: ", name);
    return FALSE;
  }
  /* A mapping given is the person's, but a Google Fit file is read as one */
  o->mapping = given != NULL && o->format == FC_HEALTH_CSV_FORMAT_POINTS ? *given : found;

  if (o->mapping.has_header)
    o->header = g_steal_pointer (&first);
  else
    hold (o, g_steal_pointer (&first), first_line, FALSE);
  if (have_second)
    hold (o, g_steal_pointer (&second), second_line, second_too_long);
  return TRUE;
}

/* The next data row, in o->reader.cells; @line its line number */
static gboolean
next_row (Opened        *o,
          guint         *line,
          gboolean      *too_long,
          GCancellable  *cancellable,
          GError       **error)
{
  for (;;) {
    if (o->next_held < o->n_held) {
      HeldRow *held = &o->held[o->next_held++];

      g_ptr_array_set_size (o->reader.cells, 0);
      for (guint i = 0; i < held->cells->len; i++)
        g_ptr_array_add (o->reader.cells, g_strdup (held->cells->pdata[i]));
      *line = held->line;
      *too_long = held->too_long;
    } else {
      if (!read_row (&o->reader, too_long, cancellable, error))
        return FALSE;
      *line = o->reader.line;
    }
    if (*too_long || !row_is_blank (o->reader.cells))
      return TRUE;
  }
}

static char **
cells_to_strv (GPtrArray *cells)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **strv;

  for (guint i = 0; i < cells->len; i++)
    g_strv_builder_add (builder, cells->pdata[i]);
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

/* ----- Preview ----- */

static void
csv_row_free (gpointer data)
{
  FcHealthCsvRow *row = data;

  g_strfreev (row->cells);
  g_clear_pointer (&row->points, g_array_unref);
  g_free (row->message);
  g_free (row);
}

void
fc_health_csv_preview_free (FcHealthCsvPreview *preview)
{
  if (preview == NULL)
    return;
  g_strfreev (preview->header);
  g_clear_pointer (&preview->rows, g_ptr_array_unref);
  g_free (preview);
}

typedef struct {
  GFile              *file;
  FcHealthCsvMapping  mapping;
  gboolean            has_mapping;
  guint               n_rows;
} PreviewData;

static void
preview_data_free (gpointer data)
{
  PreviewData *d = data;

  g_clear_object (&d->file);
  g_free (d);
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PreviewData *d = task_data;
  g_autoptr(FcHealthCsvPreview) preview = g_new0 (FcHealthCsvPreview, 1);
  g_autoptr(GError) error = NULL;
  Opened o;
  Mapper m = { 0, };

  preview->rows = g_ptr_array_new_with_free_func (csv_row_free);
  if (!open_csv (d->file, d->has_mapping ? &d->mapping : NULL, &o, cancellable, &error)) {
    opened_clear (&o);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  preview->format = o.format;
  preview->mapping = o.mapping;
  if (o.header != NULL) {
    preview->header = cells_to_strv (o.header);
    preview->n_columns = o.header->len;
  }
  mapper_init (&m, o.format, &o.mapping, o.header, FALSE, NULL);

  while (preview->rows->len < d->n_rows) {
    FcHealthCsvRow *row;
    Refusals refusals = { 0, };
    gboolean too_long = FALSE;
    guint line = 0;

    if (!next_row (&o, &line, &too_long, cancellable, &error))
      break;
    row = g_new0 (FcHealthCsvRow, 1);
    row->line = line;
    row->cells = cells_to_strv (o.reader.cells);
    row->points = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));
    preview->n_columns = MAX (preview->n_columns, o.reader.cells->len);
    if (too_long)
      refuse (&refusals, TRUE, FC_HEALTH_REFUSAL_COLUMNS, _("This row is longer than %u KiB."),
              MAX_ROW / 1024);
    else
      map_row (&m, o.reader.cells, row->points, &refusals, TRUE);
    row->refused = refusals.refused;
    row->reason = refusals.reason;
    row->message = refusals.message;
    g_ptr_array_add (preview->rows, row);
  }
  mapper_clear (&m);
  opened_clear (&o);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&preview),
                           (GDestroyNotify) fc_health_csv_preview_free);
}

/**
 * fc_health_csv_preview_async:
 * @mapping: (nullable): the columns to read, or %NULL to find them
 * @n_rows: data rows to map, 0 for none (the format and mapping alone)
 */
void
fc_health_csv_preview_async (GFile                    *file,
                             const FcHealthCsvMapping *mapping,
                             guint                     n_rows,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  PreviewData *d;

  g_return_if_fail (G_IS_FILE (file));

  d = g_new0 (PreviewData, 1);
  d->file = g_object_ref (file);
  d->has_mapping = mapping != NULL;
  if (mapping != NULL)
    d->mapping = *mapping;
  d->n_rows = n_rows;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_health_csv_preview_async);
  g_task_set_task_data (task, d, preview_data_free);
  g_task_run_in_thread (task, preview_thread);
}

/**
 * fc_health_csv_preview_finish:
 *
 * Returns: (transfer full): the preview, or %NULL with @error set
 */
FcHealthCsvPreview *
fc_health_csv_preview_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_health_csv_preview_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
fc_health_csv_sniff (const char        *head,
                     gsize              length,
                     FcHealthCsvFormat *out_format)
{
  g_autofree char *line = NULL;
  const char *end;
  const char *valid_end = NULL;
  char delimiter;

  g_return_val_if_fail (head != NULL || length == 0, FALSE);

  if (length >= 3 && memcmp (head, "\xef\xbb\xbf", 3) == 0) {
    head += 3;
    length -= 3;
  }
  end = memchr (head, '\n', length);
  line = g_strndup (head, end != NULL ? (gsize) (end - head) : length);
  if (strlen (line) != (end != NULL ? (gsize) (end - head) : length))
    return FALSE;   /* a NUL: binary */
  /* The head may end inside a character */
  if (!g_utf8_validate (line, -1, &valid_end) && end != NULL)
    return FALSE;
  if (line[0] == '<' || line[0] == '{' || line[0] == '[')
    return FALSE;
  delimiter = guess_delimiter (line);
  if (strchr (line, delimiter) == NULL)
    return FALSE;
  if (out_format != NULL) {
    gboolean fit = FALSE;

    for (guint i = 0; i < G_N_ELEMENTS (fit_columns); i++)
      fit |= strstr (line, fit_columns[i].column) != NULL;
    for (guint i = 0; fit_other_columns[i] != NULL; i++)
      fit |= strstr (line, fit_other_columns[i]) != NULL;
    *out_format = fit && strstr (line, "Date") != NULL ? FC_HEALTH_CSV_FORMAT_GOOGLE_FIT :
                                                          FC_HEALTH_CSV_FORMAT_POINTS;
  }
  return TRUE;
}

/* ----- Import ----- */

typedef struct {
  GFile              *file;
  FcHealthCsvMapping  mapping;
  gboolean            has_mapping;
  FcHealthCsvFormat   format;
  FcHealthPump        pump;
} ImportData;

static void
import_data_free (gpointer data)
{
  ImportData *d = data;

  g_clear_object (&d->file);
  fc_health_pump_clear (&d->pump);
  g_free (d);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *d = task_data;
  FcHealthImportProgress *progress = &d->pump.progress;
  g_autoptr(GError) error = NULL;
  Opened o;
  Mapper m = { 0, };

  if (!open_csv (d->file, d->has_mapping ? &d->mapping : NULL, &o, cancellable, &error) ||
      !mapper_init (&m, o.format, &o.mapping, o.header, TRUE, &error)) {
    mapper_clear (&m);
    opened_clear (&o);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  d->format = o.format;
  progress->bytes_total = o.bytes_total;

  for (;;) {
    Refusals refusals = { 0, };
    gboolean too_long = FALSE;
    guint line = 0, before;

    if (g_cancellable_is_cancelled (cancellable))
      break;
    if (!next_row (&o, &line, &too_long, cancellable, &error))
      break;
    progress->records_seen++;
    progress->bytes_read = o.reader.bytes;
    before = d->pump.batch->len;
    if (too_long)
      refuse (&refusals, FALSE, FC_HEALTH_REFUSAL_COLUMNS, "%s", "");
    else
      map_row (&m, o.reader.cells, d->pump.batch, &refusals, FALSE);
    progress->points_kept += d->pump.batch->len - before;
    progress->refused += refusals.refused;
    for (guint i = 0; i < FC_HEALTH_N_REFUSALS; i++)
      progress->refusals[i] += refusals.by_reason[i];
    fc_health_pump_step (&d->pump, task);
  }
  progress->bytes_read = o.reader.bytes;
  mapper_clear (&m);
  opened_clear (&o);

  /* A read error still gives what was read before it */
  fc_health_pump_finish (&d->pump, task);

  if (error == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * fc_health_csv_import_async:
 * @mapping: (nullable): the columns of a points file, or %NULL to find them
 * @batch_size: points per batch, 0 for 10,000
 * @batch_func: called with each batch in the current thread-default main
 *   context, the last one (maybe partial or empty) before @callback
 * @cancellable: (nullable): stops the import; no batch is delivered after
 */
void
fc_health_csv_import_async (GFile                    *file,
                            const FcHealthCsvMapping *mapping,
                            guint                     batch_size,
                            FcHealthImportBatchFunc   batch_func,
                            gpointer                  batch_data,
                            GDestroyNotify            batch_data_destroy,
                            GCancellable             *cancellable,
                            GAsyncReadyCallback       callback,
                            gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *d;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (batch_func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  d = g_new0 (ImportData, 1);
  d->file = g_object_ref (file);
  d->has_mapping = mapping != NULL;
  if (mapping != NULL)
    d->mapping = *mapping;
  fc_health_pump_init (&d->pump, batch_size, batch_func, batch_data, batch_data_destroy);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_health_csv_import_async);
  g_task_set_task_data (task, d, import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * fc_health_csv_import_finish:
 * @out_format: (out) (optional): what the file was read as
 * @out_progress: (out) (optional): the final counts, set on failure too
 *
 * Returns: %TRUE when the whole file was read
 */
gboolean
fc_health_csv_import_finish (GAsyncResult            *result,
                             FcHealthCsvFormat       *out_format,
                             FcHealthImportProgress  *out_progress,
                             GError                 **error)
{
  ImportData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_health_csv_import_async, FALSE);

  d = g_task_get_task_data (G_TASK (result));
  if (out_format != NULL)
    *out_format = d->format;
  if (out_progress != NULL)
    *out_progress = d->pump.progress;
  return g_task_propagate_boolean (G_TASK (result), error);
}
