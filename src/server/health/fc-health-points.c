/* fc-health-points.c — health types, units, and the validation of a point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc-health-private.h"
#include "fc-json.h"
#include "fc-sql.h"
#include "fc-time.h"

#define CURSOR_PREFIX "h1."
/* Nothing measured before this is taken: a zero or garbage timestamp. */
#define EARLIEST_US (G_GINT64_CONSTANT (-2208988800) * G_USEC_PER_SEC) /* 1900-01-01 */

/* Sleep stages, as Apple Health and Google Fit name them between them. */
static const char * const sleep_stages[] = {
  "in_bed", "asleep", "awake", "light", "deep", "rem", NULL
};

const FcHealthType *
fc_health_types (void)
{
  return fc_health_type_infos ();
}

const FcHealthType *
fc_health_type_lookup (const char *name)
{
  return fc_health_type_info_lookup (name);
}

GTimeZone *
fc_health_time_zone (const char *identifier)
{
  if (identifier == NULL || *identifier == '\0' || *identifier == '/' ||
      strlen (identifier) > 64 || strstr (identifier, "..") != NULL)
    return NULL;
  for (const char *p = identifier; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p) && strchr ("/_+-", *p) == NULL)
      return NULL;
  }
  return g_time_zone_new_identifier (identifier);
}

gboolean
fc_health_parse_time (const char *text,
                      GTimeZone  *tz,
                      gint64     *out_us)
{
  g_autoptr(GDateTime) datetime = NULL;
  GDate date;

  if (text == NULL)
    return FALSE;
  if (fc_time_parse_date (text, &date))
    datetime = g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date),
                                g_date_get_day (&date), 0, 0, 0);
  else if (strlen (text) >= 19 && (text[10] == 'T' || text[10] == ' ')) {
    /* Django takes a space for the T, and exports often have one. */
    g_autofree char *iso = g_strdup (text);

    iso[10] = 'T';
    /* In a query string an unescaped "+01:00" arrives as " 01:00". */
    for (char *p = iso + 11; *p != '\0'; p++) {
      if (*p == ' ')
        *p = '+';
    }
    datetime = g_date_time_new_from_iso8601 (iso, tz);
  }
  if (datetime == NULL)
    return FALSE;
  *out_us = g_date_time_to_unix (datetime) * G_USEC_PER_SEC +
            g_date_time_get_microsecond (datetime);
  return TRUE;
}

char *
fc_health_format_time (gint64 us)
{
  gint64 seconds = us / G_USEC_PER_SEC;
  gint64 micro = us % G_USEC_PER_SEC;
  g_autoptr(GDateTime) base = NULL;
  g_autoptr(GDateTime) datetime = NULL;

  if (micro < 0) {
    micro += G_USEC_PER_SEC;
    seconds--;
  }
  base = g_date_time_new_from_unix_utc (seconds);
  if (base == NULL)
    return g_strdup ("1900-01-01T00:00:00.000000Z");
  datetime = g_date_time_add (base, micro);
  return g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* A string member of at most @max_length characters, stripped as DRF's
 * CharField does. */
static gboolean
read_text (JsonObject    *in,
           const char    *field,
           gboolean       required,
           guint          max_length,
           FcFieldErrors *errors,
           const char   **out)
{
  return fc_validate_string (in, field, required, FALSE, max_length, errors, out);
}

gboolean
fc_health_point_read (JsonObject    *in,
                      gboolean       partial,
                      gboolean       require_client_id,
                      gint64         now_us,
                      FcFieldErrors *errors,
                      FcHealthPoint *out)
{
  const char *type_name = NULL;
  const char *unit_name = NULL;
  const FcHealthUnitInfo *unit = NULL;
  gboolean type_given = fc_json_has_member (in, "data_type");
  gboolean value_given = fc_json_has_member (in, "value");
  gboolean unit_given = fc_json_has_member (in, "unit");
  gboolean ok = TRUE;

  if (!partial || type_given) {
    if (!read_text (in, "data_type", TRUE, 64, errors, &type_name)) {
      ok = FALSE;
    } else if ((out->type = fc_health_type_lookup (type_name)) == NULL) {
      fc_field_errors_add (errors, "data_type", "\"%s\" is not a valid choice.", type_name);
      ok = FALSE;
    }
  }
  if (partial && type_given && !value_given && ok) {
    /* The stored value is in another type's unit. */
    fc_field_errors_add (errors, "value", "A new data_type needs its value and unit too.");
    ok = FALSE;
  }

  /* The unit first: it says how to read the value. Absent means the
   * canonical unit. */
  if (unit_given) {
    if (!read_text (in, "unit", TRUE, 32, errors, &unit_name)) {
      ok = FALSE;
    } else if (out->type != NULL && (unit = fc_health_unit_info_lookup (out->type, unit_name)) == NULL) {
      g_autofree char *names = fc_health_unit_info_names (out->type);

      fc_field_errors_add (errors, "unit", "\"%s\" is not a unit of %s; use one of: %s.",
                           unit_name, out->type->name, names);
      ok = FALSE;
    }
  } else if (out->type != NULL) {
    unit = fc_health_unit_info_lookup (out->type, out->type->unit);
  }

  if (!partial || value_given || unit_given) {
    double value = 0;
    gboolean have = FALSE;

    if (unit != NULL && g_str_equal (unit->unit, "ft_in")) {
      const char *text = fc_json_get_string (in, "value");
      double inches = text != NULL ? fc_health_parse_feet_inches (text) : -1;

      if (inches < 0) {
        fc_field_errors_add (errors, "value", "A height in ft_in is a string such as 5'11\".");
        ok = FALSE;
      } else {
        value = inches;
        have = TRUE;
      }
    } else if (!value_given && partial) {
      /* A new unit for the stored value: that is a conversion the client
       * should do. */
      fc_field_errors_add (errors, "value", "Send the value with its unit.");
      ok = FALSE;
    } else if (fc_validate_number (in, "value", TRUE, FALSE, -INFINITY, INFINITY, errors,
                                   &value, NULL)) {
      have = TRUE;
    } else {
      ok = FALSE;
    }

    if (have && unit != NULL && out->type != NULL) {
      const FcHealthType *type = out->type;
      double canonical = value * unit->factor;

      if (type->whole && canonical != floor (canonical)) {
        fc_field_errors_add (errors, "value", "A %s value must be a whole number.", type->name);
        ok = FALSE;
      } else if (canonical < type->min || canonical > type->max) {
        fc_field_errors_add (errors, "value",
                             "%g %s is not a plausible %s: it must be between %g and %g %s.",
                             value, unit->unit, type->name, type->min, type->max, type->unit);
        ok = FALSE;
      } else {
        out->value = canonical;
      }
    }
  }

  if (!partial || fc_json_has_member (in, "recorded_at")) {
    const char *text = NULL;
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
    gint64 us = 0;

    if (!read_text (in, "recorded_at", TRUE, 64, errors, &text)) {
      ok = FALSE;
    } else if (!fc_health_parse_time (text, utc, &us) || us < EARLIEST_US) {
      fc_field_errors_add (errors, "recorded_at",
                           "Datetime has wrong format. Use one of these formats instead: "
                           "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
      ok = FALSE;
    } else if (us > now_us + FC_HEALTH_CLOCK_SKEW_S * G_USEC_PER_SEC) {
      fc_field_errors_add (errors, "recorded_at",
                           "This point is recorded in the future (more than %d minutes from "
                           "the server's clock).", FC_HEALTH_CLOCK_SKEW_S / 60);
      ok = FALSE;
    } else {
      out->recorded_at = us;
    }
  }

  if (fc_json_has_member (in, "stage")) {
    const char *stage = NULL;

    out->has_stage = TRUE;
    if (fc_json_is_null (in, "stage")) {
      out->stage = NULL;
    } else if (!fc_validate_choice (in, "stage", FALSE, TRUE, sleep_stages, errors, &stage)) {
      ok = FALSE;
    } else if (out->type != NULL && !g_str_equal (out->type->name, "sleep")) {
      fc_field_errors_add (errors, "stage", "Only sleep has a stage.");
      ok = FALSE;
    } else {
      /* A static string: the point outlives the request body in sync/. */
      for (guint i = 0; sleep_stages[i] != NULL; i++) {
        if (g_str_equal (sleep_stages[i], stage))
          out->stage = sleep_stages[i];
      }
    }
  } else if (partial && out->type != NULL && !g_str_equal (out->type->name, "sleep")) {
    out->stage = NULL;
  }

  if (!partial || fc_json_has_member (in, "source")) {
    const char *source = NULL;

    if (!fc_json_has_member (in, "source") && !require_client_id)
      out->source = "manual";
    else if (!read_text (in, "source", TRUE, FC_HEALTH_SOURCE_MAX, errors, &source))
      ok = FALSE;
    else
      out->source = source;
  }

  if (!partial || fc_json_has_member (in, "client_id")) {
    const char *client_id = NULL;

    if (fc_json_is_null (in, "client_id") && !require_client_id)
      out->client_id = NULL;
    else if (!fc_json_has_member (in, "client_id") && !require_client_id)
      out->client_id = NULL;
    else if (!read_text (in, "client_id", TRUE, FC_HEALTH_CLIENT_ID_MAX, errors, &client_id))
      ok = FALSE;
    else
      out->client_id = client_id;
  }

  return ok;
}

gint64
fc_health_seq_reserve (FcSql *db,
                       gint64   n)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "UPDATE health_sequence SET last = last + ?1 WHERE id = 1"
                              " RETURNING last - ?1 + 1");

  fc_sql_bind_int64 (stmt, 1, n);
  if (stmt == NULL || !fc_sql_step_row (stmt))
    return 0;
  return fc_sql_column_int64 (stmt, 0);
}

JsonObject *
fc_health_row_to_object (FcSqlStmt *stmt)
{
  JsonObject *object = json_object_new ();
  g_autofree char *recorded_at = fc_health_format_time (fc_sql_column_int64 (stmt, 4));
  g_autofree char *created_at = fc_health_format_time (fc_sql_column_int64 (stmt, 8));
  g_autofree char *updated_at = fc_health_format_time (fc_sql_column_int64 (stmt, 9));

  json_object_set_int_member (object, "id", fc_sql_column_int64 (stmt, 0));
  json_object_set_string_member (object, "data_type", fc_sql_column_text (stmt, 1));
  json_object_set_double_member (object, "value", fc_sql_column_double (stmt, 2));
  json_object_set_string_member (object, "unit", fc_sql_column_text (stmt, 3));
  json_object_set_string_member (object, "recorded_at", recorded_at);
  if (fc_sql_column_is_null (stmt, 5))
    json_object_set_null_member (object, "stage");
  else
    json_object_set_string_member (object, "stage", fc_sql_column_text (stmt, 5));
  json_object_set_string_member (object, "source", fc_sql_column_text (stmt, 6));
  if (fc_sql_column_is_null (stmt, 7))
    json_object_set_null_member (object, "client_id");
  else
    json_object_set_string_member (object, "client_id", fc_sql_column_text (stmt, 7));
  json_object_set_string_member (object, "created_at", created_at);
  json_object_set_string_member (object, "updated_at", updated_at);
  return object;
}

char *
fc_health_format_cursor (gint64 seq)
{
  return g_strdup_printf (CURSOR_PREFIX "%" G_GINT64_FORMAT, seq);
}

gint64
fc_health_parse_cursor (const char *text)
{
  guint64 seq = 0;

  if (text == NULL)
    return -1;
  /* "0" starts from the beginning: a device's first pull. */
  if (g_str_equal (text, "0"))
    return 0;
  if (!g_str_has_prefix (text, CURSOR_PREFIX))
    return -1;
  text += strlen (CURSOR_PREFIX);
  if (!g_ascii_isdigit (*text) ||
      !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &seq, NULL))
    return -1;
  return (gint64) seq;
}
