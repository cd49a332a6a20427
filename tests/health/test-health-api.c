/* test-health-api.c — api/v1/health/ against the real fitcore-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each route's answer checked on its data: points made, converted, listed,
 * changed and deleted; bulk uploads counted and idempotent; the change
 * cursor of data/?since=; metrics per bucket against values this file
 * computes itself, in a zone whose day has 23 hours when the clocks go
 * forward; goals and whether each bucket met them. Metrics once more after
 * every kind of write, in zones whose days start on or off a 15-minute
 * rollup slot, against a model of the points the test wrote, and the
 * rollup table against its own points after a seeded random mix of writes.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc-json.h"
#include "health-rollup-check.h"
#include "health-test-util.h"

#define API HT_API
/* Sunday 2026-03-29: Europe/Berlin goes from +01:00 to +02:00 at 02:00. */
#define SPRING_DAY_UTC 1774742400   /* 2026-03-29T00:00:00Z */
#define AUTUMN_DAY_UTC 1792886400   /* 2026-10-25T00:00:00Z */

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static JsonObject *
create_point (NtFixture  *fixture,
              const char *json)
{
  g_autoptr(JsonNode) node = nt_request (fixture->server, "POST", API "data/", fixture->token_a,
                                         json, 201);

  return json_object_ref (json_node_get_object (node));
}

static void
test_crud (NtFixture     *fixture,
           gconstpointer  data)
{
  g_autofree char *when = ht_time (now_s () - 3600);
  g_autofree char *body = g_strdup_printf ("{\"data_type\":\"weight\",\"value\":165,\"unit\":\"lb\","
                                           "\"recorded_at\":\"%s\"}", when);
  g_autoptr(JsonObject) point = create_point (fixture, body);
  gint64 id = ht_int (point, "id");
  g_autofree char *path = g_strdup_printf (API "data/%" G_GINT64_FORMAT "/", id);
  g_autoptr(JsonObject) got = NULL;
  g_autoptr(JsonObject) patched = NULL;
  g_autoptr(JsonObject) put = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autofree char *put_body = NULL;

  g_assert_cmpfloat_with_epsilon (ht_double (point, "value"), 165 * 0.45359237, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (point, "unit"), ==, "kg");
  g_assert_cmpstr (json_object_get_string_member (point, "data_type"), ==, "weight");
  g_assert_cmpstr (json_object_get_string_member (point, "source"), ==, "manual");
  g_assert_true (json_object_get_null_member (point, "client_id"));
  g_assert_cmpint (strncmp (json_object_get_string_member (point, "recorded_at"), when, 19), ==, 0);

  got = ht_get (fixture->server, fixture->token_a, path);
  g_assert_cmpfloat (ht_double (got, "value"), ==, ht_double (point, "value"));

  /* PATCH keeps what it is not given. */
  {
    g_autoptr(JsonNode) node = nt_request (fixture->server, "PATCH", path, fixture->token_a,
                                           "{\"value\":74.5}", 200);

    patched = json_object_ref (json_node_get_object (node));
  }
  g_assert_cmpfloat (ht_double (patched, "value"), ==, 74.5);
  g_assert_cmpstr (json_object_get_string_member (patched, "recorded_at"), ==,
                   json_object_get_string_member (point, "recorded_at"));
  /* A new unit without its value would be a guess. */
  nt_expect (fixture->server, "PATCH", path, fixture->token_a, "{\"unit\":\"lb\"}", 400);
  nt_expect (fixture->server, "PATCH", path, fixture->token_a,
             "{\"data_type\":\"steps\"}", 400);

  put_body = g_strdup_printf ("{\"data_type\":\"body_fat\",\"value\":21.5,\"unit\":\"%%\","
                              "\"recorded_at\":\"%s\",\"source\":\"scale\"}", when);
  {
    g_autoptr(JsonNode) node = nt_request (fixture->server, "PUT", path, fixture->token_a,
                                           put_body, 200);

    put = json_object_ref (json_node_get_object (node));
  }
  g_assert_cmpstr (json_object_get_string_member (put, "data_type"), ==, "body_fat");
  g_assert_cmpstr (json_object_get_string_member (put, "unit"), ==, "%");
  g_assert_cmpstr (json_object_get_string_member (put, "source"), ==, "scale");

  list = ht_get (fixture->server, fixture->token_a, API "data/");
  g_assert_cmpint (ht_int (list, "count"), ==, 1);

  nt_expect (fixture->server, "DELETE", path, fixture->token_a, NULL, 204);
  nt_expect (fixture->server, "GET", path, fixture->token_a, NULL, 404);
  nt_expect (fixture->server, "DELETE", path, fixture->token_a, NULL, 404);
  g_assert_cmpint (nt_count (fixture->server, API "data/", fixture->token_a), ==, 0);
}

typedef struct {
  const char *type;
  const char *value;     /* JSON */
  const char *unit;
  double      expected;
  const char *canonical;
} Conversion;

static const Conversion conversions[] = {
  { "weight", "70", "kg", 70, "kg" },
  { "weight", "11", "st", 11 * 6.35029318, "kg" },
  { "weight", "154", "LB", 154 * 0.45359237, "kg" },
  { "weight", "72500", "g", 72.5, "kg" },
  { "height", "\"5'11\\\"\"", "ft_in", 71 * 2.54, "cm" },
  { "height", "\"6 ft\"", "ft_in", 72 * 2.54, "cm" },
  { "height", "1.8", "m", 180, "cm" },
  { "blood_glucose", "90", "mg/dL", 90 / 18.0156, "mmol/L" },
  { "blood_glucose", "5.4", "mmol/l", 5.4, "mmol/L" },
  { "distance", "1", "mi", 1609.344, "m" },
  { "distance", "5", "km", 5000, "m" },
  { "active_energy", "418.4", "kJ", 100, "kcal" },
  { "water", "1.5", "l", 1500, "ml" },
  { "water", "8", "fl_oz", 8 * 29.5735295625, "ml" },
  { "sleep", "7.5", "h", 450, "min" },
  { "workout_minutes", "5400", "s", 90, "min" },
  { "blood_pressure_systolic", "16", "kPa", 16 * 7.50061683, "mmHg" },
  { "heart_rate", "61", "count/min", 61, "bpm" },
  { "steps", "1234", "count", 1234, "count" },
  { "bmi", "22.1", "count", 22.1, "kg/m2" },
};

static void
test_conversions (NtFixture     *fixture,
                  gconstpointer  data)
{
  g_autofree char *when = ht_time (now_s () - 600);

  for (guint i = 0; i < G_N_ELEMENTS (conversions); i++) {
    const Conversion *c = &conversions[i];
    g_autofree char *body = g_strdup_printf ("{\"data_type\":\"%s\",\"value\":%s,\"unit\":\"%s\","
                                             "\"recorded_at\":\"%s\"}", c->type, c->value, c->unit,
                                             when);
    g_autoptr(JsonObject) point = create_point (fixture, body);

    g_test_message ("%s %s %s", c->type, c->value, c->unit);
    g_assert_cmpfloat_with_epsilon (ht_double (point, "value"), c->expected, 1e-9);
    g_assert_cmpstr (json_object_get_string_member (point, "unit"), ==, c->canonical);
  }
}

typedef struct {
  const char *body;      /* {T}: a time an hour ago */
  const char *fields;    /* the fields that must carry errors, space-separated */
} Invalid;

static const Invalid invalid[] = {
  { "{\"data_type\":\"mood\",\"value\":1,\"recorded_at\":\"{T}\"}", "data_type" },
  { "{\"data_type\":\"weight\",\"value\":70,\"unit\":\"furlong\",\"recorded_at\":\"{T}\"}", "unit" },
  { "{\"data_type\":\"weight\",\"value\":70,\"unit\":\"mg/dL\",\"recorded_at\":\"{T}\"}", "unit" },
  { "{\"data_type\":\"weight\",\"value\":7000,\"unit\":\"kg\",\"recorded_at\":\"{T}\"}", "value" },
  /* 90 mmol/L is a mg/dL reading sent with the wrong unit. */
  { "{\"data_type\":\"blood_glucose\",\"value\":90,\"recorded_at\":\"{T}\"}", "value" },
  { "{\"data_type\":\"heart_rate\",\"value\":5,\"recorded_at\":\"{T}\"}", "value" },
  { "{\"data_type\":\"steps\",\"value\":10.5,\"recorded_at\":\"{T}\"}", "value" },
  { "{\"data_type\":\"steps\",\"value\":-1,\"recorded_at\":\"{T}\"}", "value" },
  { "{\"data_type\":\"steps\",\"value\":\"many\",\"recorded_at\":\"{T}\"}", "value" },
  { "{\"data_type\":\"steps\",\"value\":true,\"recorded_at\":\"{T}\"}", "value" },
  { "{\"data_type\":\"steps\",\"value\":null,\"recorded_at\":\"{T}\"}", "value" },
  { "{\"data_type\":\"height\",\"value\":\"tall\",\"unit\":\"ft_in\",\"recorded_at\":\"{T}\"}", "value" },
  { "{\"data_type\":\"weight\",\"value\":70,\"stage\":\"deep\",\"recorded_at\":\"{T}\"}", "stage" },
  { "{\"data_type\":\"sleep\",\"value\":70,\"stage\":\"dreaming\",\"recorded_at\":\"{T}\"}", "stage" },
  { "{\"data_type\":\"weight\",\"value\":70,\"recorded_at\":\"yesterday\",\"x\":\"{T}\"}", "recorded_at" },
  { "{\"data_type\":\"weight\",\"value\":70,\"recorded_at\":\"1850-01-01T00:00:00Z\",\"x\":\"{T}\"}", "recorded_at" },
  { "{\"data_type\":\"weight\",\"value\":70,\"recorded_at\":12,\"x\":\"{T}\"}", "recorded_at" },
  { "{\"data_type\":7,\"value\":70,\"unit\":[],\"recorded_at\":\"{T}\"}", "data_type unit" },
  { "{\"x\":\"{T}\"}", "data_type value recorded_at" },
};

static void
test_validation (NtFixture     *fixture,
                 gconstpointer  data)
{
  g_autofree char *past = ht_time (now_s () - 3600);
  g_autofree char *future = ht_time (now_s () + 3600);
  g_autofree char *skewed = ht_time (now_s () + 120);
  g_autofree char *future_body = NULL;
  g_autofree char *skewed_body = NULL;
  g_autoptr(JsonNode) refused = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++) {
    g_auto(GStrv) parts = g_strsplit (invalid[i].body, "{T}", -1);
    g_autofree char *body = g_strjoinv (past, parts);
    g_auto(GStrv) fields = g_strsplit (invalid[i].fields, " ", -1);
    g_autoptr(JsonNode) node = NULL;
    JsonObject *errors;

    g_test_message ("%s", body);
    node = nt_request (fixture->server, "POST", API "data/", fixture->token_a, body, 400);
    errors = json_node_get_object (node);
    for (guint f = 0; fields[f] != NULL; f++) {
      JsonNode *messages = json_object_get_member (errors, fields[f]);

      g_assert_nonnull (messages);
      g_assert_true (JSON_NODE_HOLDS_ARRAY (messages));
      g_assert_cmpuint (json_array_get_length (json_node_get_array (messages)), >=, 1);
    }
    g_assert_cmpuint (json_object_get_size (errors), ==, g_strv_length (fields));
  }

  /* An hour ahead is refused; two minutes ahead is a phone's clock. */
  future_body = g_strdup_printf ("{\"data_type\":\"weight\",\"value\":70,\"recorded_at\":\"%s\"}",
                                 future);
  refused = nt_request (fixture->server, "POST", API "data/", fixture->token_a, future_body, 400);
  g_assert_true (json_object_has_member (json_node_get_object (refused), "recorded_at"));
  skewed_body = g_strdup_printf ("{\"data_type\":\"weight\",\"value\":70,\"recorded_at\":\"%s\"}",
                                 skewed);
  nt_expect (fixture->server, "POST", API "data/", fixture->token_a, skewed_body, 201);
  /* Django reads a space between date and time as a T; so do we. */
  {
    g_autoptr(JsonNode) node = nt_request (fixture->server, "POST", API "data/", fixture->token_a,
                                           "{\"data_type\":\"weight\",\"value\":70,"
                                           "\"recorded_at\":\"2026-03-01 07:00:00+01:00\"}", 201);

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "recorded_at"),
                     ==, "2026-03-01T06:00:00.000000Z");
  }
  g_assert_cmpint (nt_count (fixture->server, API "data/", fixture->token_a), ==, 2);
}

/* 1,200 points an hour apart from two sources, through sync/. */
static void
upload_series (NtFixture *fixture,
               gint64     start)
{
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) answer = NULL;

  for (guint i = 0; i < 1200; i++) {
    g_autofree char *client_id = g_strdup_printf ("hr-%u", i);

    g_ptr_array_add (points, ht_point (i % 2 ? "heart_rate" : "steps", 60 + i % 40,
                                       i % 2 ? "bpm" : "count", start + (i / 2) * 3600,
                                       i % 3 ? "watch" : "phone", client_id));
  }
  body = ht_points_body (points);
  answer = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (answer, "created"), ==, 1200);
}

static void
test_list (NtFixture     *fixture,
           gconstpointer  data)
{
  gint64 start = (now_s () / 3600 - 1000) * 3600;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonObject) capped = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *ids = g_new0 (gint64, 1200);
  g_autofree char *from = ht_time (start + 100 * 3600);
  g_autofree char *to = ht_time (start + 200 * 3600);
  g_autofree char *range = NULL;
  g_autofree char *last_recorded = NULL;
  guint n = 0;

  upload_series (fixture, start);

  g_assert_cmpint (nt_count (fixture->server, API "data/", fixture->token_a), ==, 1200);
  g_assert_cmpint (nt_count (fixture->server, API "data/?data_type=steps", fixture->token_a),
                   ==, 600);
  g_assert_cmpint (nt_count (fixture->server, API "data/?source=phone", fixture->token_a),
                   ==, 400);
  g_assert_cmpint (nt_count (fixture->server, API "data/?data_type=heart_rate&source=phone",
                             fixture->token_a), ==, 200);
  /* [from, to): 100 hours of both types. */
  range = g_strdup_printf (API "data/?from=%s&to=%s", from, to);
  g_assert_cmpint (nt_count (fixture->server, range, fixture->token_a), ==, 200);
  /* A "+" left unescaped in the query (read as a space) is an offset. */
  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (start + 100 * 3600);
    g_autoptr(GTimeZone) plus_two = g_time_zone_new_offset (2 * 3600);
    g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, plus_two);
    g_autofree char *text = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S+02:00");
    g_autofree char *plus = g_strdup_printf (API "data/?from=%s&to=%s", text, to);

    g_assert_cmpint (nt_count (fixture->server, plus, fixture->token_a), ==, 200);
  }
  nt_expect (fixture->server, "GET", API "data/?data_type=mood", fixture->token_a, NULL, 400);
  nt_expect (fixture->server, "GET", API "data/?from=soon", fixture->token_a, NULL, 400);

  /* A page holds up to 1000; more is capped, not refused. */
  capped = ht_get (fixture->server, fixture->token_a, API "data/?page_size=5000");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (capped, "results")),
                    ==, 1000);

  /* Pages of 7 walk every point once, newest first, ties by id. */
  for (guint p = 1; ; p++) {
    g_autofree char *path = g_strdup_printf (API "data/?page_size=7&page=%u", p);
    g_autoptr(JsonObject) answer = ht_get (fixture->server, fixture->token_a, path);
    JsonArray *results = json_object_get_array_member (answer, "results");

    for (guint i = 0; i < json_array_get_length (results); i++) {
      JsonObject *point = json_array_get_object_element (results, i);
      const char *recorded = json_object_get_string_member (point, "recorded_at");

      ids[n] = ht_int (point, "id");
      g_assert_false (g_hash_table_contains (seen, &ids[n]));
      g_hash_table_add (seen, &ids[n]);
      if (last_recorded != NULL) {
        g_assert_cmpint (strcmp (recorded, last_recorded), <=, 0);
        if (g_str_equal (recorded, last_recorded))
          g_assert_cmpint (ids[n], <, ids[n - 1]);
      }
      g_free (last_recorded);
      last_recorded = g_strdup (recorded);
      n++;
    }
    if (json_object_get_null_member (answer, "next"))
      break;
  }
  g_assert_cmpuint (n, ==, 1200);
}

static JsonObject *
sync_one (NtFixture  *fixture,
          const char *client_id,
          double      value,
          gint64      when)
{
  g_autofree char *point = ht_point ("weight", value, "kg", when, "scale", client_id);
  g_autofree char *body = g_strdup_printf ("{\"points\":[%s]}", point);

  return ht_sync (fixture->server, fixture->token_a, body, 200);
}

static void
test_sync_idempotent (NtFixture     *fixture,
                      gconstpointer  data)
{
  gint64 start = now_s () - 400 * 24 * 3600;
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  g_autofree char *changed = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) corrected = NULL;
  g_autoptr(FcSql) db = NULL;
  JsonArray *refusals;
  JsonObject *refusal;

  for (guint i = 0; i < 1000; i++) {
    g_autofree char *client_id = g_strdup_printf ("export-%u", i);

    g_ptr_array_add (points, ht_point ("steps", i, "count", start + i * 60, "apple_health",
                                       client_id));
  }
  /* Two that are refused, by index: a bad unit and a point that is no
   * object; and a duplicate of the first within the same upload. */
  g_ptr_array_insert (points, 10, g_strdup ("{\"data_type\":\"steps\",\"value\":1,\"unit\":\"kg\","
                                            "\"recorded_at\":\"2020-01-01T00:00:00Z\","
                                            "\"source\":\"apple_health\",\"client_id\":\"bad\"}"));
  g_ptr_array_insert (points, 20, g_strdup ("42"));
  g_ptr_array_add (points, ht_point ("steps", 0, "count", start, "apple_health", "export-0"));
  body = ht_points_body (points);

  first = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (first, "created"), ==, 1000);
  g_assert_cmpint (ht_int (first, "unchanged"), ==, 1);
  g_assert_cmpint (ht_int (first, "updated"), ==, 0);
  g_assert_cmpint (ht_int (first, "refused"), ==, 2);
  refusals = json_object_get_array_member (first, "refusals");
  g_assert_cmpuint (json_array_get_length (refusals), ==, 2);
  refusal = json_array_get_object_element (refusals, 0);
  g_assert_cmpint (ht_int (refusal, "index"), ==, 10);
  g_assert_true (json_object_has_member (json_object_get_object_member (refusal, "errors"), "unit"));
  refusal = json_array_get_object_element (refusals, 1);
  g_assert_cmpint (ht_int (refusal, "index"), ==, 20);
  g_assert_true (json_object_has_member (json_object_get_object_member (refusal, "errors"),
                                         "non_field_errors"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "ids")), ==, 1003);
  g_assert_true (json_node_is_null (json_array_get_element (json_object_get_array_member (first, "ids"), 10)));

  /* The same export again adds nothing. */
  again = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (again, "created"), ==, 0);
  g_assert_cmpint (ht_int (again, "unchanged"), ==, 1001);
  g_assert_cmpint (ht_int (again, "refused"), ==, 2);
  g_assert_cmpint (nt_count (fixture->server, API "data/", fixture->token_a), ==, 1000);
  db = nt_open_db (fixture->server);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_data"), ==, 1000);

  /* A corrected point replaces its earlier version. */
  changed = ht_point ("steps", 4242, "count", start + 5 * 60, "apple_health", "export-5");
  g_free (body);
  body = g_strdup_printf ("{\"points\":[%s]}", changed);
  corrected = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (corrected, "updated"), ==, 1);
  g_assert_cmpint (nt_query_int (db, "SELECT value FROM health_data WHERE client_id = 'export-5'"),
                   ==, 4242);
  g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_data"), ==, 1000);

  /* Another source may use the same client_id. */
  {
    g_autofree char *other = ht_point ("steps", 1, "count", start, "google_fit", "export-5");
    g_autofree char *other_body = g_strdup_printf ("{\"points\":[%s]}", other);
    g_autoptr(JsonObject) answer = ht_sync (fixture->server, fixture->token_a, other_body, 200);

    g_assert_cmpint (ht_int (answer, "created"), ==, 1);
  }
  /* A manual point may not take an imported point's (source, client_id). */
  {
    g_autofree char *when = ht_time (start);
    g_autofree char *manual = g_strdup_printf ("{\"data_type\":\"steps\",\"value\":1,"
                                               "\"recorded_at\":\"%s\",\"source\":\"google_fit\","
                                               "\"client_id\":\"export-5\"}", when);

    nt_expect (fixture->server, "POST", API "data/", fixture->token_a, manual, 400);
  }
  g_clear_pointer (&first, json_object_unref);
  first = sync_one (fixture, "lonely", 70, start);
  g_assert_cmpint (ht_int (first, "created"), ==, 1);
}

/* Pulls data/?since= from @cursor to the end; the ids seen as points and
 * as deletions; returns the last cursor. */
static char *
pull (NtFixture  *fixture,
      const char *token,
      const char *cursor,
      guint       limit,
      GHashTable *upserts,
      GHashTable *deletions,
      guint      *out_pages)
{
  g_autofree char *current = g_strdup (cursor);
  guint pages = 0;

  for (;;) {
    g_autofree char *path = g_strdup_printf (API "data/?since=%s&limit=%u", current, limit);
    g_autoptr(JsonObject) answer = ht_get (fixture->server, token, path);
    JsonArray *results = json_object_get_array_member (answer, "results");
    JsonArray *deleted = json_object_get_array_member (answer, "deleted");

    g_assert_false (json_object_get_boolean_member (answer, "reset"));
    g_assert_cmpuint (json_array_get_length (results) + json_array_get_length (deleted), <=, limit);
    for (guint i = 0; i < json_array_get_length (results); i++) {
      JsonObject *point = json_array_get_object_element (results, i);

      g_hash_table_add (upserts, g_memdup2 (&(gint64) { ht_int (point, "id") }, sizeof (gint64)));
    }
    for (guint i = 0; i < json_array_get_length (deleted); i++)
      g_hash_table_add (deletions,
                        g_memdup2 (&(gint64) { json_array_get_int_element (deleted, i) },
                                   sizeof (gint64)));
    g_free (current);
    current = g_strdup (json_object_get_string_member (answer, "cursor"));
    pages++;
    if (!json_object_get_boolean_member (answer, "has_more"))
      break;
  }
  if (out_pages != NULL)
    *out_pages = pages;
  return g_steal_pointer (&current);
}

static GHashTable *
id_set (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
test_since (NtFixture     *fixture,
            gconstpointer  data)
{
  gint64 start = (now_s () / 3600 - 1000) * 3600;
  g_autoptr(GHashTable) upserts = id_set ();
  g_autoptr(GHashTable) deletions = id_set ();
  g_autoptr(GHashTable) again_upserts = id_set ();
  g_autoptr(GHashTable) again_deletions = id_set ();
  g_autofree char *cursor = NULL;
  g_autofree char *next = NULL;
  g_autofree char *after_sync = NULL;
  g_autoptr(JsonObject) reset = NULL;
  g_autoptr(JsonObject) synced = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autofree char *path = NULL;
  gint64 deleted_id, patched_id;
  guint pages = 0;

  upload_series (fixture, start);
  cursor = pull (fixture, fixture->token_a, "0", 500, upserts, deletions, &pages);
  g_assert_cmpuint (g_hash_table_size (upserts), ==, 1200);
  g_assert_cmpuint (g_hash_table_size (deletions), ==, 0);
  g_assert_cmpuint (pages, ==, 3);

  /* Idle: one request, nothing in it, the same place. */
  next = pull (fixture, fixture->token_a, cursor, 500, again_upserts, again_deletions, &pages);
  g_assert_cmpuint (pages, ==, 1);
  g_assert_cmpuint (g_hash_table_size (again_upserts), ==, 0);
  g_assert_cmpstr (next, ==, cursor);

  /* A change, a deletion, and another user's write, which A never sees. */
  list = ht_get (fixture->server, fixture->token_a, API "data/?page_size=2");
  deleted_id = ht_int (json_array_get_object_element (json_object_get_array_member (list, "results"), 0), "id");
  patched_id = ht_int (json_array_get_object_element (json_object_get_array_member (list, "results"), 1), "id");
  path = g_strdup_printf (API "data/%" G_GINT64_FORMAT "/", deleted_id);
  nt_expect (fixture->server, "DELETE", path, fixture->token_a, NULL, 204);
  g_free (path);
  path = g_strdup_printf (API "data/%" G_GINT64_FORMAT "/", patched_id);
  nt_expect (fixture->server, "PATCH", path, fixture->token_a, "{\"value\":99}", 200);
  {
    g_autofree char *point = ht_point ("weight", 80, "kg", start, "scale", "b-1");
    g_autofree char *body = g_strdup_printf ("{\"points\":[%s]}", point);
    g_autoptr(JsonObject) answer = ht_sync (fixture->server, fixture->token_b, body, 200);
  }

  g_free (next);
  next = pull (fixture, fixture->token_a, cursor, 500, again_upserts, again_deletions, &pages);
  g_assert_cmpuint (g_hash_table_size (again_upserts), ==, 1);
  g_assert_true (g_hash_table_contains (again_upserts, &patched_id));
  g_assert_cmpuint (g_hash_table_size (again_deletions), ==, 1);
  g_assert_true (g_hash_table_contains (again_deletions, &deleted_id));

  /* A cursor that is not ours, or from the future: start again. */
  reset = ht_get (fixture->server, fixture->token_a, API "data/?since=h1.999999999");
  g_assert_true (json_object_get_boolean_member (reset, "reset"));
  g_assert_cmpstr (json_object_get_string_member (reset, "cursor"), ==, "0");
  g_clear_pointer (&reset, json_object_unref);
  reset = ht_get (fixture->server, fixture->token_a, API "data/?since=banana");
  g_assert_true (json_object_get_boolean_member (reset, "reset"));

  /* An upload that says where the device is gets the cursor past its own
   * writes when nothing else happened in between... */
  {
    g_autofree char *point = ht_point ("weight", 70, "kg", start, "scale", "mine-1");
    g_autofree char *body = g_strdup_printf ("{\"since\":\"%s\",\"points\":[%s]}", next, point);
    g_autoptr(GHashTable) u = id_set ();
    g_autoptr(GHashTable) d = id_set ();
    g_autofree char *after = NULL;

    synced = ht_sync (fixture->server, fixture->token_a, body, 200);
    g_assert_false (json_object_get_null_member (synced, "cursor"));
    after_sync = g_strdup (json_object_get_string_member (synced, "cursor"));
    after = pull (fixture, fixture->token_a, after_sync, 500, u, d, NULL);
    g_assert_cmpuint (g_hash_table_size (u), ==, 0);
  }
  /* ...and none when something did. */
  {
    g_autofree char *point = ht_point ("weight", 71, "kg", start, "scale", "mine-2");
    g_autofree char *body = g_strdup_printf ("{\"since\":\"%s\",\"points\":[%s]}", next, point);
    g_autoptr(JsonObject) answer = ht_sync (fixture->server, fixture->token_a, body, 200);

    g_assert_true (json_object_get_null_member (answer, "cursor"));
  }
}

/* Metrics. */

typedef struct {
  double  min, max, sum, last;
  gint64  count;
} Expect;

static JsonObject *
find_bucket (JsonObject *answer,
             const char *bucket)
{
  JsonArray *results = json_object_get_array_member (answer, "results");

  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *entry = json_array_get_object_element (results, i);

    if (g_str_equal (json_object_get_string_member (entry, "bucket"), bucket))
      return entry;
  }
  g_error ("no bucket %s", bucket);
  return NULL;
}

static void
assert_bucket (JsonObject   *entry,
               const Expect *expect)
{
  g_assert_cmpint (ht_int (entry, "count"), ==, expect->count);
  g_assert_cmpfloat_with_epsilon (ht_double (entry, "min"), expect->min, 1e-9);
  g_assert_cmpfloat_with_epsilon (ht_double (entry, "max"), expect->max, 1e-9);
  g_assert_cmpfloat_with_epsilon (ht_double (entry, "sum"), expect->sum, 1e-6);
  g_assert_cmpfloat_with_epsilon (ht_double (entry, "avg"), expect->sum / expect->count, 1e-9);
  g_assert_cmpfloat_with_epsilon (ht_double (entry, "last"), expect->last, 1e-9);
}

/* Heart rate every 20 minutes for three days in New York, compared with
 * buckets this test adds up itself from local wall-clock dates. */
static void
test_metrics_day (NtFixture     *fixture,
                  gconstpointer  data)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  gint64 start = now_s () - 5 * 24 * 3600;
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *from = ht_time (start - 24 * 3600);
  g_autofree char *to = ht_time (now_s ());
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) sync = NULL;
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < 216; i++) {
    gint64 when = start + i * 20 * 60;
    double bpm = 50 + (i * 37) % 90;
    g_autofree char *client_id = g_strdup_printf ("m-%u", i);
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (when);
    g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
    g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_time_get_year (local),
                                                     g_date_time_get_month (local),
                                                     g_date_time_get_day_of_month (local), 0, 0, 0);
    char *label = g_date_time_format (midnight, "%Y-%m-%dT%H:%M:%S%:z");
    Expect *e = g_hash_table_lookup (expected, label);

    if (e == NULL) {
      e = g_new0 (Expect, 1);
      e->min = INFINITY;
      e->max = -INFINITY;
      g_hash_table_insert (expected, label, e);
    } else {
      g_free (label);
    }
    e->min = MIN (e->min, bpm);
    e->max = MAX (e->max, bpm);
    e->sum += bpm;
    e->count++;
    e->last = bpm;
    g_ptr_array_add (points, ht_point ("heart_rate", bpm, "bpm", when, "watch", client_id));
  }
  body = ht_points_body (points);
  sync = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (sync, "created"), ==, 216);

  path = g_strdup_printf (API "metrics/?data_type=heart_rate&bucket=day&tz=America/New_York"
                          "&from=%s&to=%s", from, to);
  answer = ht_get (fixture->server, fixture->token_a, path);
  g_assert_cmpstr (json_object_get_string_member (answer, "unit"), ==, "bpm");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "results")), ==,
                    g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    assert_bucket (find_bucket (answer, key), value);
}

/* A point at every UTC hour from 2026-03-28T20:00Z to 2026-03-30T03:00Z:
 * Berlin's 29 March has 23 hours, so 23 points. */
static void
test_metrics_dst (NtFixture     *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) sync = NULL;
  g_autoptr(JsonObject) days = NULL;
  g_autoptr(JsonObject) hours = NULL;
  g_autoptr(JsonObject) autumn = NULL;
  g_autoptr(JsonObject) utc_days = NULL;
  JsonArray *results;
  Expect spring = { 1, 1, 23, 1, 23 };

  for (gint64 when = SPRING_DAY_UTC - 4 * 3600; when <= SPRING_DAY_UTC + 27 * 3600; when += 3600) {
    g_autofree char *client_id = g_strdup_printf ("s-%" G_GINT64_FORMAT, when);

    g_ptr_array_add (points, ht_point ("steps", 1, "count", when, "phone", client_id));
  }
  for (gint64 when = AUTUMN_DAY_UTC - 4 * 3600; when <= AUTUMN_DAY_UTC + 27 * 3600; when += 3600) {
    g_autofree char *client_id = g_strdup_printf ("a-%" G_GINT64_FORMAT, when);

    g_ptr_array_add (points, ht_point ("steps", 1, "count", when, "phone", client_id));
  }
  body = ht_points_body (points);
  sync = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (sync, "refused"), ==, 0);

  days = ht_get (fixture->server, fixture->token_a,
                 API "metrics/?data_type=steps&bucket=day&tz=Europe/Berlin"
                 "&from=2026-03-28&to=2026-03-31");
  g_assert_cmpstr (json_object_get_string_member (days, "from"), ==, "2026-03-28T00:00:00+01:00");
  g_assert_cmpstr (json_object_get_string_member (days, "to"), ==, "2026-03-31T00:00:00+02:00");
  /* 28 March from 21:00 local (20:00Z) to midnight: 3 points. */
  assert_bucket (find_bucket (days, "2026-03-28T00:00:00+01:00"), &(Expect) { 1, 1, 3, 1, 3 });
  assert_bucket (find_bucket (days, "2026-03-29T00:00:00+01:00"), &spring);
  /* 30 March from midnight (22:00Z) to 05:00 local (03:00Z): 6 points. */
  assert_bucket (find_bucket (days, "2026-03-30T00:00:00+02:00"), &(Expect) { 1, 1, 6, 1, 6 });

  hours = ht_get (fixture->server, fixture->token_a,
                  API "metrics/?data_type=steps&bucket=hour&tz=Europe/Berlin"
                  "&from=2026-03-29&to=2026-03-30");
  results = json_object_get_array_member (hours, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 23);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 1),
                                                  "bucket"), ==, "2026-03-29T01:00:00+01:00");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 2),
                                                  "bucket"), ==, "2026-03-29T03:00:00+02:00");

  /* 25 October has 25 hours. */
  autumn = ht_get (fixture->server, fixture->token_a,
                   API "metrics/?data_type=steps&bucket=day&tz=Europe/Berlin"
                   "&from=2026-10-25&to=2026-10-26");
  assert_bucket (find_bucket (autumn, "2026-10-25T00:00:00+02:00"), &(Expect) { 1, 1, 25, 1, 25 });

  /* The same points by UTC day: 24 on the 29th. */
  utc_days = ht_get (fixture->server, fixture->token_a,
                     API "metrics/?data_type=steps&bucket=day&from=2026-03-29&to=2026-03-30");
  assert_bucket (find_bucket (utc_days, "2026-03-29T00:00:00+00:00"), &(Expect) { 1, 1, 24, 1, 24 });
}

static void
test_metrics_weeks_months (NtFixture     *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) sync = NULL;
  g_autoptr(JsonObject) weeks = NULL;
  g_autoptr(JsonObject) months = NULL;

  /* One weigh-in a day at 07:00Z through March 2026, 80 kg going down. */
  for (guint day = 0; day < 31; day++) {
    g_autofree char *client_id = g_strdup_printf ("w-%u", day);

    g_ptr_array_add (points, ht_point ("weight", 80 - day * 0.1, "kg",
                                       1772348400 + (gint64) day * 86400 /* 2026-03-01T07:00Z */,
                                       "scale", client_id));
  }
  body = ht_points_body (points);
  sync = ht_sync (fixture->server, fixture->token_a, body, 200);

  /* Weeks start on Monday: 2026-03-02 is one; 1 March is in the week of
   * 23 February. */
  weeks = ht_get (fixture->server, fixture->token_a,
                  API "metrics/?data_type=weight&bucket=week&from=2026-03-01&to=2026-04-01");
  assert_bucket (find_bucket (weeks, "2026-02-23T00:00:00+00:00"), &(Expect) { 80, 80, 80, 80, 1 });
  assert_bucket (find_bucket (weeks, "2026-03-02T00:00:00+00:00"),
                 &(Expect) { 79.3, 79.9, 79.9 + 79.8 + 79.7 + 79.6 + 79.5 + 79.4 + 79.3, 79.3, 7 });
  months = ht_get (fixture->server, fixture->token_a,
                   API "metrics/?data_type=weight&bucket=month&tz=Asia/Tokyo"
                   "&from=2026-03-01&to=2026-04-01");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (months, "results")), ==, 1);
  assert_bucket (find_bucket (months, "2026-03-01T00:00:00+09:00"),
                 &(Expect) { 77, 80, 31 * 80 - 0.1 * 465, 77, 31 });
}

static void
test_metrics_errors (NtFixture     *fixture,
                     gconstpointer  data)
{
  static const char * const paths[] = {
    API "metrics/",
    API "metrics/?data_type=mood",
    API "metrics/?data_type=steps&bucket=year",
    API "metrics/?data_type=steps&tz=Mars/Olympus",
    API "metrics/?data_type=steps&from=tomorrow",
    API "metrics/?data_type=steps&from=2026-03-02&to=2026-03-01",
    /* 20 years of hours: too many buckets. */
    API "metrics/?data_type=steps&bucket=hour&from=2000-01-01&to=2020-01-01",
    API "metrics/?data_type=steps&bucket=day&from=1900-01-01&to=2026-01-01",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_test_message ("%s", paths[i]);
    nt_expect (fixture->server, "GET", paths[i], fixture->token_a, NULL, 400);
  }
}

static void
test_goals (NtFixture     *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) empty = ht_get (fixture->server, fixture->token_a, API "goals/");
  g_autoptr(JsonObject) goals = NULL;
  g_autoptr(JsonObject) days = NULL;
  g_autoptr(JsonObject) weeks = NULL;
  g_autoptr(JsonObject) weights = NULL;
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) sync = NULL;

  g_assert_true (json_object_get_null_member (empty, "daily_steps"));
  g_assert_true (json_object_get_null_member (empty, "target_weight"));
  g_assert_true (json_object_get_null_member (empty, "sleep_minutes"));
  nt_expect (fixture->server, "PATCH", API "goals/", fixture->token_a, "{\"daily_steps\":0}", 400);
  nt_expect (fixture->server, "PATCH", API "goals/", fixture->token_a,
             "{\"target_weight\":\"heavy\"}", 400);
  {
    g_autoptr(JsonNode) node = nt_request (fixture->server, "PATCH", API "goals/", fixture->token_a,
                                           "{\"daily_steps\":10000,\"target_weight\":78}", 200);

    goals = json_object_ref (json_node_get_object (node));
  }
  g_assert_cmpint (ht_int (goals, "daily_steps"), ==, 10000);
  g_assert_cmpfloat (ht_double (goals, "target_weight"), ==, 78);
  g_assert_true (json_object_get_null_member (goals, "sleep_minutes"));

  /* 2 March 12,000 steps, 3 March 9,000; weight from 80 down to 77.5. */
  g_ptr_array_add (points, ht_point ("steps", 12000, "count", 1772445600, "phone", "g1"));
  g_ptr_array_add (points, ht_point ("steps", 9000, "count", 1772532000, "phone", "g2"));
  g_ptr_array_add (points, ht_point ("weight", 80, "kg", 1772445600, "scale", "g3"));
  g_ptr_array_add (points, ht_point ("weight", 77.5, "kg", 1772532000, "scale", "g4"));
  body = ht_points_body (points);
  sync = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_assert_cmpint (ht_int (sync, "created"), ==, 4);

  days = ht_get (fixture->server, fixture->token_a,
                 API "metrics/?data_type=steps&bucket=day&from=2026-03-02&to=2026-03-04");
  g_assert_cmpfloat (ht_double (days, "goal"), ==, 10000);
  g_assert_true (json_object_get_boolean_member (find_bucket (days, "2026-03-02T00:00:00+00:00"),
                                                 "goal_met"));
  g_assert_false (json_object_get_boolean_member (find_bucket (days, "2026-03-03T00:00:00+00:00"),
                                                  "goal_met"));
  /* A week needs seven days' worth. */
  weeks = ht_get (fixture->server, fixture->token_a,
                  API "metrics/?data_type=steps&bucket=week&from=2026-03-02&to=2026-03-04");
  g_assert_false (json_object_get_boolean_member (find_bucket (weeks, "2026-03-02T00:00:00+00:00"),
                                                  "goal_met"));
  /* Losing towards 78 kg: 80 is not there yet, 77.5 is. */
  weights = ht_get (fixture->server, fixture->token_a,
                    API "metrics/?data_type=weight&bucket=day&from=2026-03-02&to=2026-03-04");
  g_assert_false (json_object_get_boolean_member (find_bucket (weights, "2026-03-02T00:00:00+00:00"),
                                                  "goal_met"));
  g_assert_true (json_object_get_boolean_member (find_bucket (weights, "2026-03-03T00:00:00+00:00"),
                                                 "goal_met"));

  /* PUT replaces all three. */
  {
    g_autoptr(JsonNode) node = nt_request (fixture->server, "PUT", API "goals/", fixture->token_a,
                                           "{\"sleep_minutes\":480}", 200);
    JsonObject *object = json_node_get_object (node);

    g_assert_true (json_object_get_null_member (object, "daily_steps"));
    g_assert_cmpint (ht_int (object, "sleep_minutes"), ==, 480);
  }
}

static void
test_sleep_stages (NtFixture     *fixture,
                   gconstpointer  data)
{
  /* A night: 30 min awake in bed, 400 asleep in stages. */
  static const char *body =
    "{\"points\":["
    "{\"data_type\":\"sleep\",\"value\":30,\"stage\":\"awake\",\"recorded_at\":\"2026-03-03T06:00:00Z\",\"source\":\"watch\",\"client_id\":\"n1\"},"
    "{\"data_type\":\"sleep\",\"value\":200,\"stage\":\"light\",\"recorded_at\":\"2026-03-03T06:01:00Z\",\"source\":\"watch\",\"client_id\":\"n2\"},"
    "{\"data_type\":\"sleep\",\"value\":120,\"stage\":\"deep\",\"recorded_at\":\"2026-03-03T06:02:00Z\",\"source\":\"watch\",\"client_id\":\"n3\"},"
    "{\"data_type\":\"sleep\",\"value\":1.33333333333,\"unit\":\"h\",\"stage\":\"rem\",\"recorded_at\":\"2026-03-03T06:03:00Z\",\"source\":\"watch\",\"client_id\":\"n4\"}"
    "]}";
  g_autoptr(JsonObject) sync = ht_sync (fixture->server, fixture->token_a, body, 200);
  g_autoptr(JsonObject) night = NULL;
  JsonObject *bucket;

  g_assert_cmpint (ht_int (sync, "created"), ==, 4);
  nt_expect (fixture->server, "PATCH", API "goals/", fixture->token_a, "{\"sleep_minutes\":420}", 200);
  night = ht_get (fixture->server, fixture->token_a,
                  API "metrics/?data_type=sleep&bucket=day&from=2026-03-03&to=2026-03-04");
  bucket = find_bucket (night, "2026-03-03T00:00:00+00:00");
  g_assert_cmpint (ht_int (bucket, "count"), ==, 3);
  g_assert_cmpfloat_with_epsilon (ht_double (bucket, "sum"), 400, 1e-6);
  g_assert_false (json_object_get_boolean_member (bucket, "goal_met"));
}

/* Metrics from rollups (migration 9). A model of the caller's points kept
 * by the test as it writes them, from which the buckets are added up here
 * with GDateTime's local dates and hours; and the server's rollup table
 * made again here, in C, from the rows of health_data. */

typedef struct {
  gint64      id;
  const char *type;        /* static */
  double      value;
  gint64      at;          /* seconds, UTC */
  const char *stage;       /* static, or NULL */
  char       *client_id;   /* or NULL for a manual point */
  gboolean    gone;
} MPoint;

typedef struct {
  GPtrArray  *points;      /* MPoint, in the order written */
  GHashTable *by_client;   /* client_id → MPoint, the live ones */
} Model;

typedef struct {
  Expect e;
  gint64 last_at, last_id;
} MBucket;

static void
mpoint_free (gpointer data)
{
  MPoint *point = data;

  g_free (point->client_id);
  g_free (point);
}

static Model *
model_new (void)
{
  Model *model = g_new0 (Model, 1);

  model->points = g_ptr_array_new_with_free_func (mpoint_free);
  model->by_client = g_hash_table_new (g_str_hash, g_str_equal);
  return model;
}

static void
model_free (Model *model)
{
  g_hash_table_unref (model->by_client);
  g_ptr_array_unref (model->points);
  g_free (model);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Model, model_free)

static gboolean
mpoint_counted (const MPoint *point)
{
  return !point->gone &&
         !(g_str_equal (point->type, "sleep") && point->stage != NULL &&
           (g_str_equal (point->stage, "awake") || g_str_equal (point->stage, "in_bed")));
}

/* A point's JSON for sync/ (with its client_id) or data/ (manual). */
static char *
mpoint_json (const MPoint *point)
{
  g_autofree char *recorded_at = ht_time (point->at);
  g_autoptr(GString) json = g_string_new (NULL);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (number, sizeof number, point->value);
  g_string_append_printf (json, "{\"data_type\":\"%s\",\"value\":%s,\"recorded_at\":\"%s\"",
                          point->type, number, recorded_at);
  if (point->stage != NULL)
    g_string_append_printf (json, ",\"stage\":\"%s\"", point->stage);
  if (point->client_id != NULL)
    g_string_append_printf (json, ",\"source\":\"rollup-test\",\"client_id\":\"%s\"",
                            point->client_id);
  g_string_append_c (json, '}');
  return g_string_free (g_steal_pointer (&json), FALSE);
}

static MPoint *
mpoint_new (const char *type,
            double      value,
            gint64      at,
            const char *stage,
            const char *client_id)
{
  MPoint *point = g_new0 (MPoint, 1);

  point->type = type;
  point->value = value;
  point->at = at;
  point->stage = stage;
  point->client_id = g_strdup (client_id);
  return point;
}

/* Uploads @batch (MPoints not yet in the model, borrowed) through sync/
 * and applies it to the model as the wire says: a (source, client_id) the
 * model has takes the new values when they differ. Asserts the answer's
 * counts against the model's. */
static void
model_sync (Model        *model,
            FcTestServer *server,
            const char   *token,
            GPtrArray    *batch)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *ids;
  gint64 created = 0, updated = 0, unchanged = 0;

  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (texts, mpoint_json (g_ptr_array_index (batch, i)));
  body = ht_points_body (texts);
  answer = ht_sync (server, token, body, 200);
  ids = json_object_get_array_member (answer, "ids");
  g_assert_cmpuint (json_array_get_length (ids), ==, batch->len);

  for (guint i = 0; i < batch->len; i++) {
    MPoint *sent = g_ptr_array_index (batch, i);
    MPoint *known = g_hash_table_lookup (model->by_client, sent->client_id);
    gint64 id = json_array_get_int_element (ids, i);

    if (known == NULL) {
      MPoint *point = mpoint_new (sent->type, sent->value, sent->at, sent->stage, sent->client_id);

      point->id = id;
      g_ptr_array_add (model->points, point);
      g_hash_table_insert (model->by_client, point->client_id, point);
      created++;
    } else {
      g_assert_cmpint (id, ==, known->id);
      if (g_str_equal (known->type, sent->type) && known->value == sent->value &&
          known->at == sent->at && g_strcmp0 (known->stage, sent->stage) == 0) {
        unchanged++;
      } else {
        known->type = sent->type;
        known->value = sent->value;
        known->at = sent->at;
        known->stage = sent->stage;
        updated++;
      }
    }
  }
  g_assert_cmpint (ht_int (answer, "refused"), ==, 0);
  g_assert_cmpint (ht_int (answer, "created"), ==, created);
  g_assert_cmpint (ht_int (answer, "updated"), ==, updated);
  g_assert_cmpint (ht_int (answer, "unchanged"), ==, unchanged);
}

/* POST data/ of a manual point. */
static MPoint *
model_create (Model        *model,
              FcTestServer *server,
              const char   *token,
              const char   *type,
              double        value,
              gint64        at,
              const char   *stage)
{
  MPoint *point = mpoint_new (type, value, at, stage, NULL);
  g_autofree char *json = mpoint_json (point);
  g_autoptr(JsonNode) node = nt_request (server, "POST", API "data/", token, json, 201);

  point->id = ht_int (json_node_get_object (node), "id");
  g_ptr_array_add (model->points, point);
  return point;
}

/* PATCH data/{id}/ with @json, which the caller has applied to @point. */
static void
model_patch (FcTestServer *server,
             const char   *token,
             MPoint       *point,
             const char   *json)
{
  g_autofree char *path = g_strdup_printf (API "data/%" G_GINT64_FORMAT "/", point->id);
  g_autoptr(JsonNode) node = nt_request (server, "PATCH", path, token, json, 200);
  JsonObject *object = json_node_get_object (node);

  g_assert_cmpstr (json_object_get_string_member (object, "data_type"), ==, point->type);
  g_assert_cmpfloat (ht_double (object, "value"), ==, point->value);
}

static void
model_delete (Model        *model,
              FcTestServer *server,
              const char   *token,
              MPoint       *point)
{
  g_autofree char *path = g_strdup_printf (API "data/%" G_GINT64_FORMAT "/", point->id);

  nt_expect (server, "DELETE", path, token, NULL, 204);
  point->gone = TRUE;
  if (point->client_id != NULL)
    g_hash_table_remove (model->by_client, point->client_id);
}

/* The start of @at's local day or hour in @tz, as metrics/ names it. */
static char *
local_bucket (GTimeZone *tz,
              gint64     at,
              gboolean   hours)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) start = NULL;

  if (hours)
    start = g_date_time_add_seconds (local, -(g_date_time_get_minute (local) * 60 +
                                              g_date_time_get_second (local)));
  else
    start = g_date_time_new (tz, g_date_time_get_year (local), g_date_time_get_month (local),
                             g_date_time_get_day_of_month (local), 0, 0, 0);
  return g_date_time_format (start, "%Y-%m-%dT%H:%M:%S%:z");
}

/* GET metrics/ for @type by local day or hour in @tz from local midnight
 * of @from to that of @to (dates), against the model's points added up
 * here; returns how many buckets were compared. */
static guint
assert_model_metrics (Model        *model,
                      FcTestServer *server,
                      const char   *token,
                      const char   *type,
                      const char   *tz_name,
                      gboolean      hours,
                      const char   *from,
                      const char   *to)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (tz_name);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *path = g_strdup_printf (API "metrics/?data_type=%s&bucket=%s&tz=%s&from=%s&to=%s",
                                           type, hours ? "hour" : "day", tz_name, from, to);
  g_autoptr(JsonObject) answer = ht_get (server, token, path);
  JsonArray *results = json_object_get_array_member (answer, "results");
  g_autoptr(GDateTime) from_local = NULL;
  g_autoptr(GDateTime) to_local = NULL;
  int y, m, d;

  g_assert_nonnull (tz);
  g_assert_cmpint (sscanf (from, "%d-%d-%d", &y, &m, &d), ==, 3);
  from_local = g_date_time_new (tz, y, m, d, 0, 0, 0);
  g_assert_cmpint (sscanf (to, "%d-%d-%d", &y, &m, &d), ==, 3);
  to_local = g_date_time_new (tz, y, m, d, 0, 0, 0);

  for (guint i = 0; i < model->points->len; i++) {
    MPoint *point = g_ptr_array_index (model->points, i);
    char *label;
    MBucket *bucket;

    if (!mpoint_counted (point) || !g_str_equal (point->type, type) ||
        point->at < g_date_time_to_unix (from_local) || point->at >= g_date_time_to_unix (to_local))
      continue;
    label = local_bucket (tz, point->at, hours);
    bucket = g_hash_table_lookup (expected, label);
    if (bucket == NULL) {
      bucket = g_new0 (MBucket, 1);
      bucket->e = (Expect) { point->value, point->value, 0, point->value, 0 };
      bucket->last_at = point->at;
      bucket->last_id = point->id;
      g_hash_table_insert (expected, label, bucket);
    } else {
      g_free (label);
    }
    bucket->e.min = MIN (bucket->e.min, point->value);
    bucket->e.max = MAX (bucket->e.max, point->value);
    bucket->e.sum += point->value;
    bucket->e.count++;
    if (point->at > bucket->last_at || (point->at == bucket->last_at && point->id > bucket->last_id)) {
      bucket->e.last = point->value;
      bucket->last_at = point->at;
      bucket->last_id = point->id;
    }
  }

  g_assert_cmpuint (json_array_get_length (results), ==, g_hash_table_size (expected));
  for (guint i = 0; i < json_array_get_length (results); i++) {
    JsonObject *entry = json_array_get_object_element (results, i);
    const char *label = json_object_get_string_member (entry, "bucket");
    MBucket *bucket = g_hash_table_lookup (expected, label);

    if (bucket == NULL)
      g_error ("%s: the server has a bucket %s that the points do not", path, label);
    assert_bucket (entry, &bucket->e);
  }
  return g_hash_table_size (expected);
}

/* The server's health_rollups against the same sums made here from every
 * row of health_data (health-rollup-check.c). */
static void
assert_rollups_match_points (FcTestServer *server)
{
  g_autoptr(FcSql) db = nt_open_db (server);

  hr_assert_rollups_match_points (db);
}

/* Heart rate every 7 minutes (two points at some of the same seconds)
 * over the weekends of Europe's clock changes in 2025, and over the days
 * Monrovia left its old offset of -00:44:30 (7 January 1972): by local day
 * and hour in Berlin, Kolkata (+05:30), Kathmandu (+05:45) and Monrovia,
 * whose 1971 days start inside a 15-minute slot, so their ends are read
 * from the points. */
static void
test_metrics_rollup_zones (NtFixture     *fixture,
                           gconstpointer  data)
{
  static const gint64 starts[] = {
    1743112800,  /* 2025-03-27T22:00:00Z */
    1761429600,  /* 2025-10-25T22:00:00Z */
    63072000,    /* 1972-01-01T00:00:00Z */
  };
  g_autoptr(Model) model = model_new ();
  guint n = 0;

  for (guint s = 0; s < G_N_ELEMENTS (starts); s++) {
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (mpoint_free);

    for (gint64 at = starts[s] - 4 * 86400; at < starts[s] + 4 * 86400; at += 7 * 60) {
      g_autofree char *client_id = g_strdup_printf ("z-%" G_GINT64_FORMAT, at);

      g_ptr_array_add (batch, mpoint_new ("heart_rate", 40 + (n * 37 % 1000) / 10.0, at, NULL,
                                          client_id));
      if (n++ % 11 == 0) {
        g_autofree char *twin = g_strdup_printf ("z-%" G_GINT64_FORMAT "-twin", at);

        g_ptr_array_add (batch, mpoint_new ("heart_rate", 200 - (n % 50), at, NULL, twin));
      }
    }
    model_sync (model, fixture->server, fixture->token_a, batch);
  }

  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Europe/Berlin", FALSE, "2025-03-25", "2025-04-02"),
                    ==, 7);
  /* 29 + 23 hours + 24 on the 31st; 25 hours on 26 October. */
  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Europe/Berlin", TRUE, "2025-03-29", "2025-04-01"),
                    ==, 24 + 23 + 24);
  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Europe/Berlin", TRUE, "2025-10-25", "2025-10-28"),
                    ==, 24 + 25 + 24);
  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Europe/Berlin", FALSE, "2025-10-20", "2025-11-01"),
                    ==, 8);
  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Asia/Kolkata", FALSE, "2025-10-20", "2025-11-01"),
                    ==, 9);
  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Asia/Kolkata", TRUE, "2025-03-26", "2025-03-29"),
                    ==, 72);
  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Asia/Kathmandu", FALSE, "2025-03-20", "2025-04-05"),
                    ==, 9);
  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Africa/Monrovia", FALSE, "1971-12-27", "1972-01-06"),
                    ==, 9);
  g_assert_cmpuint (assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate",
                                          "Africa/Monrovia", TRUE, "1971-12-29", "1971-12-31"),
                    ==, 48);
  assert_rollups_match_points (fixture->server);

  /* Where each part comes from: a slot's row changed behind the server's
   * back shows in a day that holds the whole slot, and not in a Monrovia
   * day that holds only its last 30 seconds (read from the points). The
   * slot from 1971-12-30T00:30Z holds Monrovia's midnight (00:44:30Z). */
  {
    g_autoptr(FcSql) db = nt_open_db (fixture->server);
    g_autoptr(JsonObject) utc = NULL;
    g_autoptr(JsonObject) monrovia = NULL;
    g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Africa/Monrovia");
    g_autofree char *label = local_bucket (tz, 62956800 /* 1971-12-30T16:00:00Z */, FALSE);

    g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "UPDATE health_rollups SET max_value = 299"
                                                    " WHERE user_id = 1 AND slot = 62901000000000"
                                                    /* 1971-12-30T00:30:00Z */);

    g_assert_true (fc_sql_step_done (stmt));
    g_assert_cmpint (fc_sql_changes (db), ==, 1);
    utc = ht_get (fixture->server, fixture->token_a,
                  API "metrics/?data_type=heart_rate&from=1971-12-30&to=1971-12-31");
    g_assert_cmpfloat (ht_double (find_bucket (utc, "1971-12-30T00:00:00+00:00"), "max"), ==, 299);
    monrovia = ht_get (fixture->server, fixture->token_a,
                       API "metrics/?data_type=heart_rate&tz=Africa/Monrovia"
                       "&from=1971-12-30&to=1971-12-31");
    g_assert_cmpfloat (ht_double (find_bucket (monrovia, label), "max"), <, 299);
  }
}

/* PATCH and DELETE of points, and uploads with duplicates, each followed
 * by the metrics of the points the model then has. */
static void
test_metrics_rollup_writes (NtFixture     *fixture,
                            gconstpointer  data)
{
  static const char * const stages[] = { "asleep", "awake", "in_bed", "deep", "rem", NULL };
  const gint64 start = 1761350400;  /* 2025-10-25T00:00:00Z, Berlin's 25-hour day is the 26th */
  g_autoptr(Model) model = model_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (mpoint_free);
  MPoint *point;

  for (guint i = 0; i < 300; i++) {
    g_autofree char *client_id = g_strdup_printf ("w-%u", i);

    g_ptr_array_add (batch, mpoint_new ("heart_rate", 50 + (i * 13 % 97) + 0.25, start + i * 17 * 60,
                                        NULL, client_id));
  }
  for (guint i = 0; i < 120; i++) {
    g_autofree char *client_id = g_strdup_printf ("s-%u", i);

    g_ptr_array_add (batch, mpoint_new ("sleep", 5 + i % 40, start + i * 31 * 60,
                                        stages[i % G_N_ELEMENTS (stages)], client_id));
  }
  model_sync (model, fixture->server, fixture->token_a, batch);

#define CHECK_ALL() G_STMT_START { \
    assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate", \
                          "Europe/Berlin", FALSE, "2025-10-24", "2025-10-30"); \
    assert_model_metrics (model, fixture->server, fixture->token_a, "heart_rate", \
                          "Europe/Berlin", TRUE, "2025-10-25", "2025-10-29"); \
    assert_model_metrics (model, fixture->server, fixture->token_a, "resting_heart_rate", \
                          "Asia/Kolkata", FALSE, "2025-10-20", "2025-11-01"); \
    assert_model_metrics (model, fixture->server, fixture->token_a, "sleep", \
                          "Asia/Kolkata", TRUE, "2025-10-24", "2025-10-29"); \
    assert_rollups_match_points (fixture->server); \
  } G_STMT_END
  CHECK_ALL ();

  /* A slot's max, its last, a point moved to another day, and one whose
   * type changes. */
  point = g_ptr_array_index (model->points, 40);
  point->value = 299.5;
  model_patch (fixture->server, fixture->token_a, point, "{\"value\":299.5}");
  point = g_ptr_array_index (model->points, 41);
  point->value = 20;
  model_patch (fixture->server, fixture->token_a, point, "{\"value\":20}");
  point = g_ptr_array_index (model->points, 42);
  point->at += 86400 + 7 * 60;
  {
    g_autofree char *when = ht_time (point->at);
    g_autofree char *json = g_strdup_printf ("{\"recorded_at\":\"%s\"}", when);

    model_patch (fixture->server, fixture->token_a, point, json);
  }
  point = g_ptr_array_index (model->points, 43);
  point->type = "resting_heart_rate";
  point->value = 48;
  model_patch (fixture->server, fixture->token_a, point,
               "{\"data_type\":\"resting_heart_rate\",\"value\":48,\"unit\":\"bpm\"}");
  /* A night's stages: asleep to awake leaves the sum, awake to deep joins it. */
  point = g_ptr_array_index (model->points, 300);
  g_assert_cmpstr (point->stage, ==, "asleep");
  point->stage = "awake";
  model_patch (fixture->server, fixture->token_a, point, "{\"stage\":\"awake\"}");
  point = g_ptr_array_index (model->points, 301);
  g_assert_cmpstr (point->stage, ==, "awake");
  point->stage = "deep";
  model_patch (fixture->server, fixture->token_a, point, "{\"stage\":\"deep\"}");
  CHECK_ALL ();

  /* Deletions: the max just made, the last of a day, an awake and an
   * asleep stretch, and every point of one hour. */
  model_delete (model, fixture->server, fixture->token_a, g_ptr_array_index (model->points, 40));
  model_delete (model, fixture->server, fixture->token_a, g_ptr_array_index (model->points, 299));
  model_delete (model, fixture->server, fixture->token_a, g_ptr_array_index (model->points, 302));
  model_delete (model, fixture->server, fixture->token_a, g_ptr_array_index (model->points, 306));
  for (guint i = 100; i < 104; i++)
    model_delete (model, fixture->server, fixture->token_a, g_ptr_array_index (model->points, i));
  CHECK_ALL ();

  /* The same export again (unchanged), then one whose points repeat
   * within it, change values and times, and bring back deleted ones. */
  g_ptr_array_set_size (batch, 0);
  for (guint i = 0; i < 300; i += 3) {
    MPoint *known = g_ptr_array_index (model->points, i);

    if (!known->gone)
      g_ptr_array_add (batch, mpoint_new (known->type, known->value, known->at, NULL,
                                          known->client_id));
  }
  model_sync (model, fixture->server, fixture->token_a, batch);
  g_ptr_array_set_size (batch, 0);
  for (guint i = 0; i < 60; i++) {
    g_autofree char *client_id = g_strdup_printf ("w-%u", 95 + i);

    /* 95–154, 100–103 deleted above; and 20 of them twice, the second
     * time elsewhere. */
    g_ptr_array_add (batch, mpoint_new ("heart_rate", 60 + i * 0.5, start + 3600 * i + 30, NULL,
                                        client_id));
    if (i % 3 == 0)
      g_ptr_array_add (batch, mpoint_new ("heart_rate", 150 - i, start + 5400 * i, NULL,
                                          client_id));
  }
  model_sync (model, fixture->server, fixture->token_a, batch);
  CHECK_ALL ();
#undef CHECK_ALL
}

/* A seeded random mix of writes by two users (sync/ with repeats and
 * changes, data/ create, PATCH and DELETE) over Berlin's spring change;
 * then the rollups against the points, the metrics against the model, and
 * the second account deleted: its rollups go with its points. */
static void
test_metrics_rollup_random (NtFixture     *fixture,
                            gconstpointer  data)
{
  static const char * const types[] = { "heart_rate", "steps", "sleep", "weight" };
  static const char * const stages[] = { "asleep", "awake", "in_bed", "deep", "rem", "light" };
  const gint64 start = 1743033600;  /* 2025-03-27T00:00:00Z */
  g_autoptr(GRand) rand = g_rand_new_with_seed (20251026);
  Model *models[2];
  const char *tokens[2] = { fixture->token_a, fixture->token_b };
  guint next_client = 0;

  models[0] = model_new ();
  models[1] = model_new ();

  for (guint op = 0; op < 240; op++) {
    guint who = g_rand_int_range (rand, 0, 4) == 0;
    Model *model = models[who];
    const char *token = tokens[who];
    guint kind = g_rand_int_range (rand, 0, 100);
    const char *type = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];
    /* A minute grid over six days, so slots fill up and times repeat. */
    gint64 at = start + g_rand_int_range (rand, 0, 6 * 24 * 60) * 60;
    const char *stage = g_str_equal (type, "sleep") && g_rand_boolean (rand)
                        ? stages[g_rand_int_range (rand, 0, G_N_ELEMENTS (stages))] : NULL;
    double value = g_str_equal (type, "heart_rate") ? g_rand_int_range (rand, 400, 1800) / 10.0
                   : g_str_equal (type, "steps") ? g_rand_int_range (rand, 0, 3000)
                   : g_str_equal (type, "sleep") ? g_rand_int_range (rand, 1, 240)
                   : g_rand_int_range (rand, 600, 900) / 10.0;
    MPoint *live = NULL;

    if (model->points->len > 0) {
      for (guint tries = 0; tries < 5 && (live == NULL || live->gone); tries++)
        live = g_ptr_array_index (model->points, g_rand_int_range (rand, 0, model->points->len));
      if (live->gone)
        live = NULL;
    }

    if (kind < 40) {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (mpoint_free);
      guint n = g_rand_int_range (rand, 1, 40);

      for (guint i = 0; i < n; i++) {
        g_autofree char *client_id = NULL;
        MPoint *again = NULL;
        gint64 when = start + g_rand_int_range (rand, 0, 6 * 24 * 60) * 60;

        if (batch->len > 0 && g_rand_int_range (rand, 0, 8) == 0)
          again = g_ptr_array_index (batch, g_rand_int_range (rand, 0, batch->len));
        else if (live != NULL && live->client_id != NULL && g_rand_int_range (rand, 0, 8) == 0)
          again = live;
        if (again != NULL && g_rand_boolean (rand)) {
          /* A repeat as it was. */
          g_ptr_array_add (batch, mpoint_new (again->type, again->value, again->at, again->stage,
                                              again->client_id));
          continue;
        }
        client_id = again != NULL ? g_strdup (again->client_id)
                                  : g_strdup_printf ("r-%u", next_client++);
        g_ptr_array_add (batch, mpoint_new (type, value + i, when,
                                            g_str_equal (type, "sleep") ? stage : NULL,
                                            client_id));
      }
      model_sync (model, fixture->server, token, batch);
    } else if (kind < 60 || live == NULL) {
      model_create (model, fixture->server, token, type, value, at,
                    g_str_equal (type, "sleep") ? stage : NULL);
    } else if (kind < 85) {
      g_autofree char *when = ht_time (at);
      g_autofree char *json = NULL;
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      switch (g_rand_int_range (rand, 0, 3)) {
        case 0:
          /* Another value, of the point's own type. */
          live->value = g_str_equal (live->type, "heart_rate") ? 41.5
                        : g_str_equal (live->type, "steps") ? 17
                        : g_str_equal (live->type, "sleep") ? 33 : 71.3;
          g_ascii_dtostr (number, sizeof number, live->value);
          json = g_strdup_printf ("{\"value\":%s}", number);
          break;
        case 1:
          live->at = at;
          json = g_strdup_printf ("{\"recorded_at\":\"%s\"}", when);
          break;
        default:
          if (g_str_equal (live->type, "sleep")) {
            live->stage = stages[g_rand_int_range (rand, 0, G_N_ELEMENTS (stages))];
            json = g_strdup_printf ("{\"stage\":\"%s\"}", live->stage);
          } else {
            live->type = g_str_equal (live->type, "heart_rate") ? "resting_heart_rate"
                                                                 : "heart_rate";
            live->value = 55;
            json = g_strdup_printf ("{\"data_type\":\"%s\",\"value\":55,\"unit\":\"bpm\"}",
                                    live->type);
          }
          break;
      }
      model_patch (fixture->server, token, live, json);
    } else {
      model_delete (model, fixture->server, token, live);
    }
  }

  assert_rollups_match_points (fixture->server);
  for (guint who = 0; who < 2; who++) {
    for (guint t = 0; t < G_N_ELEMENTS (types); t++) {
      assert_model_metrics (models[who], fixture->server, tokens[who], types[t], "Europe/Berlin",
                            FALSE, "2025-03-26", "2025-04-03");
      assert_model_metrics (models[who], fixture->server, tokens[who], types[t], "Europe/Berlin",
                            TRUE, "2025-03-29", "2025-03-31");
      assert_model_metrics (models[who], fixture->server, tokens[who], types[t], "Asia/Kolkata",
                            FALSE, "2025-03-26", "2025-04-03");
    }
    assert_model_metrics (models[who], fixture->server, tokens[who], "resting_heart_rate",
                          "UTC", FALSE, "2025-03-26", "2025-04-03");
  }

  /* The account's deletion cascades to its points; the rollups follow. */
  {
    g_autoptr(FcSql) db = nt_open_db (fixture->server);

    g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_rollups WHERE user_id = 2"),
                     >, 0);
    /* fc_sql_open() turned SQLite's foreign keys on, as the server's */
    g_assert_true (fc_sql_exec (db, "DELETE FROM users WHERE id = 2", NULL));
    g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_data WHERE user_id = 2"), ==, 0);
    g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_rollups WHERE user_id = 2"),
                     ==, 0);
    g_assert_cmpint (nt_query_int (db, "SELECT count(*) FROM health_rollups WHERE user_id = 1"),
                     >, 0);
  }
  assert_rollups_match_points (fixture->server);
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    assert_model_metrics (models[0], fixture->server, tokens[0], types[t], "Europe/Berlin",
                          FALSE, "2025-03-26", "2025-04-03");
  model_free (models[0]);
  model_free (models[1]);
}

int
main (int   argc,
      char *argv[])
{
  nt_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/health/api/" path, NtFixture, NULL, nt_fixture_set_up, func, nt_fixture_tear_down)
  ADD ("crud", test_crud);
  ADD ("conversions", test_conversions);
  ADD ("validation", test_validation);
  ADD ("list", test_list);
  ADD ("sync-idempotent", test_sync_idempotent);
  ADD ("since", test_since);
  ADD ("metrics-day", test_metrics_day);
  ADD ("metrics-dst", test_metrics_dst);
  ADD ("metrics-weeks-months", test_metrics_weeks_months);
  ADD ("metrics-errors", test_metrics_errors);
  ADD ("goals", test_goals);
  ADD ("sleep-stages", test_sleep_stages);
  ADD ("metrics-rollup-zones", test_metrics_rollup_zones);
  ADD ("metrics-rollup-writes", test_metrics_rollup_writes);
  ADD ("metrics-rollup-random", test_metrics_rollup_random);
#undef ADD

  return g_test_run ();
}
