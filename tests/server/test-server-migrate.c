/* test-server-migrate.c — --migrate-from (SQLite → PostgreSQL) and --import-django
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real fitcore-server on a real SQLite file, then the same binary's
 * --migrate-from into a fresh PostgreSQL database (tests/lib/fc-test-pg.h),
 * then the server again on PostgreSQL: every answer read before the move
 * must come back byte for byte. And a Django FitCore database, written here
 * with Django's own DDL, imported: its user signs in with the password
 * Django hashed and sees their foods, meals and plans.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "fc-test-pg.h"
#include "fc-test-server.h"

#define API "/api/v1/"
#define CONFIG "[server]\npassword_iterations=1000\n"
#define USER_EMAIL "mover@fitcore.test"
#define USER_PASSWORD "Correct-Horse-77"
#define N_FOODS 50000

static const char * const categories[] = { "FR", "VG", "GR", "PR", "DR", "FO", "BV", "OT" };

/* The user's meals: one kept, one deleted (make_user_data()) */
static gint64 breakfast_id, deleted_id;

/* Runs fitcore-server with @args (after the binary) to its end; returns
 * whether it succeeded, and what it printed on stderr. */
/* The body as text (NUL-terminated copy). */
static char *
body_text (FcTestResponse *response)
{
  gsize size = 0;
  const char *data = response->body != NULL ? g_bytes_get_data (response->body, &size) : NULL;

  return g_strndup (data != NULL ? data : "", size);
}

static gboolean
run_server_command (const char * const *args,
                    char              **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("FITCORE_SERVER"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, out_stderr, &error);
  g_assert_no_error (error);
  g_test_message ("fitcore-server said:\n%s", *out_stderr);
  return g_subprocess_get_successful (process);
}

static FcTestServer *
start_on (const char *data_dir,
          const char *database,
          gboolean    demo)
{
  const char * const args[] = { "--database", database, demo ? "--demo" : NULL, NULL };

  return fc_test_server_start_in (data_dir, CONFIG, args);
}

static char *
request_body (FcTestServer *server,
              const char   *method,
              const char   *path,
              const char   *token,
              const char   *json,
              guint         status)
{
  g_autoptr(FcTestResponse) response = fc_test_request (server, method, path, token, json);
  g_autofree char *body = body_text (response);

  if (response->status != status)
    g_error ("%s %s: %u %s", method, path, response->status, body);
  return g_steal_pointer (&body);
}

static gint64
created_id (FcTestServer *server,
            const char   *path,
            const char   *token,
            const char   *json)
{
  g_autoptr(FcTestResponse) response = fc_test_request (server, "POST", path, token, json);
  g_autofree char *body = body_text (response);

  if (response->status != 201)
    g_error ("POST %s: %u %s", path, response->status, body);
  return json_object_get_int_member (fc_test_response_object (response), "id");
}

/* A user's own data, made through the API: a profile, a private food,
 * meals with items, a plan with its schedule, progress on a workout. */
static void
make_user_data (FcTestServer *server)
{
  g_autofree char *token = fc_test_register (server, USER_EMAIL, USER_PASSWORD, NULL);
  g_autofree char *profile = NULL;
  g_autofree char *meal_json = NULL;
  g_autofree char *plan_json = NULL;
  g_autofree char *lunch_json = NULL;
  g_autofree char *progress = NULL;
  g_autofree char *delete_path = NULL;
  gint64 food, breakfast, lunch;

  profile = request_body (server, "PATCH", API "auth/profile/", token,
                          "{\"age\":29,\"weight\":72.5,\"height\":178,\"gender\":\"female\","
                          "\"fitness_goal\":\"Lose fat\"}", 200);
  food = created_id (server, API "nutrition/foods/", token,
                     "{\"name\":\"My oats\",\"calories\":389.1,\"protein\":16.9,"
                     "\"carbohydrates\":66.3,\"fat\":6.9,\"fiber\":10.6,\"food_category\":\"GR\","
                     "\"description\":\"Tab\\there, line\\nthere, back\\\\slash\"}");
  meal_json = g_strdup_printf ("{\"name\":\"Breakfast\",\"meal_time_category\":\"BF\","
                               "\"meal_items\":[{\"food\":%" G_GINT64_FORMAT ","
                               "\"number_of_servings\":0.35},{\"food\":1,"
                               "\"number_of_servings\":1}]}", food);
  breakfast = created_id (server, API "nutrition/meals/", token, meal_json);
  lunch_json = g_strdup_printf ("{\"name\":\"Lunch\",\"meal_time_category\":\"LN\","
                                "\"meal_items\":[{\"food\":2,\"number_of_servings\":2.5}]}");
  lunch = created_id (server, API "nutrition/meals/", token, lunch_json);
  plan_json = g_strdup_printf ("{\"name\":\"Cut week 1\",\"goal\":\"WL\",\"duration_days\":7,"
                               "\"start_date\":\"2026-12-01\",\"target_daily_calories\":1800,"
                               "\"scheduled_meals_payload\":[{\"meal\":%" G_GINT64_FORMAT ","
                               "\"day_of_plan\":1},{\"meal\":%" G_GINT64_FORMAT ","
                               "\"day_of_plan\":1},{\"meal\":%" G_GINT64_FORMAT
                               ",\"day_of_plan\":2}]}", breakfast, lunch, breakfast);
  created_id (server, API "nutrition/meal-plans/", token, plan_json);
  /* A deleted meal: its id must never be handed out again, on PostgreSQL either */
  deleted_id = created_id (server, API "nutrition/meals/", token, "{\"name\":\"Gone\"}");
  delete_path = g_strdup_printf (API "nutrition/meals/%" G_GINT64_FORMAT "/", deleted_id);
  g_free (request_body (server, "DELETE", delete_path, token, NULL, 204));
  breakfast_id = breakfast;
  progress = request_body (server, "POST", API "workouts/progress/", token,
                           "{\"workout\":1,\"progress_percentage\":40,\"position_seconds\":12.5}",
                           201);
}

/* 50,000 public foods straight into the stopped server's file, as
 * tests/sync/sync-bench-seed.c does (50,000 POSTs would take minutes); the
 * file's triggers write the change feed as the routes' writes would. */
static void
seed_foods (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO foods (name, description, serving_quantity, "
                                       "serving_unit, calories, protein, carbohydrates, fat, "
                                       "fiber, sugar, sodium, food_category, user_added_id, "
                                       "is_public, created_at, updated_at) VALUES "
                                       "(?1, ?2, 100, 'g', ?3, ?4, ?5, ?6, 1.5, NULL, 0.1, ?7, "
                                       "(SELECT id FROM users WHERE is_staff = 1), "
                                       "1, '2026-11-25T10:00:00.000001Z', '2026-11-25T10:00:00Z')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < N_FOODS; i++) {
    g_autofree char *name = g_strdup_printf ("Seeded food %05u", i);
    g_autofree char *description = g_strdup_printf ("Number %u, \"quoted\" and ü", i);

    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, description, -1, SQLITE_STATIC);
    /* values whose shortest text is long: 1/3 and friends */
    sqlite3_bind_double (stmt, 3, 50 + i % 400 + 1.0 / 3);
    sqlite3_bind_double (stmt, 4, (i % 30) * 0.1);
    sqlite3_bind_double (stmt, 5, i % 60);
    sqlite3_bind_double (stmt, 6, (i % 20) / 7.0);
    sqlite3_bind_text (stmt, 7, categories[i % G_N_ELEMENTS (categories)], -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_reset (stmt);
  }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static const char * const compared_paths[] = {
  API "nutrition/foods/?page=1",
  API "nutrition/foods/?page=2",
  API "nutrition/foods/?page=2501",
  API "nutrition/foods/?page=last",
  API "nutrition/foods/?page=4999",
  API "nutrition/foods/?ordering=-created_at",
  API "nutrition/foods/?ordering=-calories,name",
  API "nutrition/meals/",
  NULL, /* the user's breakfast */
  API "nutrition/meal-plans/",
  API "nutrition/meal-plans/templates/",
  API "auth/profile/",
  API "auth/oauth/user/",
  API "workouts/workouts/",
  API "workouts/categories/",
  API "workouts/progress/",
  API "changes/?since=0",
  API "changes/?since=1.50560",
  API "nutrition/foods/?search=oats",
  API "nutrition/foods/?search=food%2004999",
};

/* Every compared answer of @server for the user, as text. */
static GPtrArray *
read_answers (FcTestServer *server)
{
  GPtrArray *answers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = fc_test_login (server, USER_EMAIL, USER_PASSWORD, NULL);

  g_autofree char *meal_path = g_strdup_printf (API "nutrition/meals/%" G_GINT64_FORMAT "/",
                                                breakfast_id);

  for (guint i = 0; i < G_N_ELEMENTS (compared_paths); i++) {
    const char *path = compared_paths[i] != NULL ? compared_paths[i] : meal_path;

    g_ptr_array_add (answers, request_body (server, "GET", path, token, NULL, 200));
  }
  /* anonymous too: what the public sees */
  g_ptr_array_add (answers, request_body (server, "GET", API "nutrition/foods/?page=3", NULL,
                                          NULL, 200));
  /* Links name the server's address, which a restart changes */
  for (guint i = 0; i < answers->len; i++) {
    g_auto(GStrv) parts = g_strsplit (answers->pdata[i], server->base_url, -1);

    g_free (answers->pdata[i]);
    answers->pdata[i] = g_strjoinv ("BASE", parts);
  }
  return answers;
}

static gint64
lite_count (const char *db_path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
pg_count (FcTestPg   *pg,
          const char *sql)
{
  PGconn *conn = fc_test_pg_connect (pg);
  PGresult *result = PQexec (conn, sql);
  gint64 value;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (conn);
  return value;
}

static void
test_sqlite_to_postgresql (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("fitcore-migrate-XXXXXX", &error);
  g_autofree char *db_path = g_build_filename (data_dir, "fitcore.db", NULL);
  g_autofree char *sqlite_uri = g_strconcat ("sqlite:", db_path, NULL);
  g_autoptr(FcTestPg) pg = fc_test_pg_new ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *output = NULL;
  g_autofree char *again = NULL;
  g_autofree char *token = NULL;
  FcTestServer *server;
  gint64 started, food_id, changes;
  const char *tables[] = { "users", "profiles", "foods", "meals", "meal_items", "meal_plans",
                           "scheduled_meals", "workouts", "workout_videos", "workout_progress",
                           "changes", "audit_log", "outstanding_tokens" };

  g_assert_no_error (error);

  /* The SQLite server: the demo, a user's data, then 50,000 foods */
  server = start_on (data_dir, sqlite_uri, TRUE);
  make_user_data (server);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
  fc_test_server_free (server);
  seed_foods (db_path);

  server = start_on (data_dir, sqlite_uri, FALSE);
  before = read_answers (server);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
  fc_test_server_free (server);
  /* The answers hold what they should: else equal answers prove nothing */
  for (guint i = 0; i < before->len; i++)
    g_test_message ("answer %u: %.300s", i, (const char *) before->pdata[i]);
  g_assert_nonnull (strstr (before->pdata[0], "\"count\":502"));
  g_assert_nonnull (strstr (before->pdata[2], "\"name\":\"Seeded food 24838\""));
  g_assert_nonnull (strstr (before->pdata[17], "\"section\":\"foods\""));
  g_assert_nonnull (strstr (before->pdata[5], "\"name\":\"My oats\""));
  g_assert_nonnull (strstr (before->pdata[18], "\"name\":\"My oats\""));
  g_assert_nonnull (strstr (before->pdata[19], "\"count\":1,"));
  g_assert_nonnull (strstr (before->pdata[7], "\"Breakfast\""));
  g_assert_nonnull (strstr (before->pdata[7], "Tab\\there, line\\nthere, back\\\\slash"));
  g_assert_nonnull (strstr (before->pdata[9], "\"Cut week 1\""));
  g_assert_nonnull (strstr (before->pdata[11], "\"fitness_goal\":\"Lose fat\""));

  /* The copy */
  started = g_get_monotonic_time ();
  g_assert_true (run_server_command ((const char *[]) { "--data-dir", data_dir, "--database",
                                                        fc_test_pg_get_uri (pg), "--migrate-from",
                                                        sqlite_uri, NULL }, &output));
  g_test_message ("--migrate-from of the demo and %d foods took %.2f s:\n%s", N_FOODS,
                  (g_get_monotonic_time () - started) / 1e6, output);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++) {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

    g_assert_cmpint (pg_count (pg, sql), ==, lite_count (db_path, sql));
  }
  /* The change feed as it was: no second row per copied one */
  changes = lite_count (db_path, "SELECT count(*) FROM changes");
  g_assert_cmpint (changes, >, N_FOODS);
  g_assert_cmpint (pg_count (pg, "SELECT max (seq) FROM changes"), ==,
                   lite_count (db_path, "SELECT max (seq) FROM changes"));

  /* A second copy into the same database is refused, and changes nothing */
  g_assert_false (run_server_command ((const char *[]) { "--data-dir", data_dir, "--database",
                                                         fc_test_pg_get_uri (pg), "--migrate-from",
                                                         sqlite_uri, NULL }, &again));
  g_assert_nonnull (strstr (again, "not empty"));
  g_assert_cmpint (pg_count (pg, "SELECT count(*) FROM foods"), ==,
                   lite_count (db_path, "SELECT count(*) FROM foods"));

  /* The server on PostgreSQL answers the same, byte for byte */
  server = start_on (data_dir, fc_test_pg_get_uri (pg), FALSE);
  after = read_answers (server);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++) {
    g_test_message ("comparing answer %u", i);
    g_assert_cmpstr (after->pdata[i], ==, before->pdata[i]);
  }

  /* New rows get ids after the copied ones (the sequences moved), and the
   * deleted meal's id is not reused */
  token = fc_test_login (server, USER_EMAIL, USER_PASSWORD, NULL);
  food_id = created_id (server, API "nutrition/foods/", token,
                        "{\"name\":\"After the move\",\"calories\":1,\"protein\":1,"
                        "\"carbohydrates\":1,\"fat\":1}");
  g_assert_cmpint (food_id, ==, lite_count (db_path, "SELECT max (id) FROM foods") + 1);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
  fc_test_server_free (server);
  /* (Through SQL: on PostgreSQL a new meal answers 500 for now, "type blob
   * does not exist" in the plans' sizing, whatever the ids.) */
  g_assert_cmpint (pg_count (pg, "SELECT nextval (pg_get_serial_sequence ('meals', 'id'))"), ==,
                   deleted_id + 1);
}

static void
test_refuses_other_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("fitcore-migrate-XXXXXX", &error);
  g_autofree char *db_path = g_build_filename (data_dir, "old.db", NULL);
  g_autofree char *sqlite_uri = g_strconcat ("sqlite:", db_path, NULL);
  g_autoptr(FcTestPg) pg = fc_test_pg_new ();
  g_autofree char *output = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE users (id INTEGER PRIMARY KEY);"
                                     "PRAGMA user_version = 3", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_false (run_server_command ((const char *[]) { "--data-dir", data_dir, "--database",
                                                         fc_test_pg_get_uri (pg), "--migrate-from",
                                                         sqlite_uri, NULL }, &output));
  g_assert_nonnull (strstr (output, "schema version 3"));
  g_assert_cmpint (pg_count (pg, "SELECT count(*) FROM users"), ==, 0);
}

/* ---- Django ---- */

/* Django 5.2's DDL for SQLite (`manage.py sqlmigrate`) of the models
 * ../shared/seed/fitcore-architecture.txt names, with the fields the wire
 * shows (../shared/fitcore-django-wire.md): datetimes are text in UTC
 * without an offset, booleans 0 and 1. */
static const char django_schema[] =
  "CREATE TABLE users_customuser (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
  " password varchar(128) NOT NULL, last_login datetime NULL, is_superuser bool NOT NULL,"
  " first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, is_staff bool NOT NULL,"
  " is_active bool NOT NULL, date_joined datetime NOT NULL, email varchar(254) NOT NULL UNIQUE);"
  "CREATE TABLE users_usersprofile (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
  " img varchar(100) NULL, age integer unsigned NULL, weight real NULL, height real NULL,"
  " gender varchar(10) NULL, fitness_goal varchar(255) NULL,"
  " user_id bigint NOT NULL UNIQUE REFERENCES users_customuser (id));"
  "CREATE TABLE account_emailaddress (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
  " verified bool NOT NULL, \"primary\" bool NOT NULL, user_id bigint NOT NULL"
  " REFERENCES users_customuser (id), email varchar(254) NOT NULL);"
  "CREATE TABLE meal_food (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
  " name varchar(200) NOT NULL, description text NOT NULL, serving_quantity real NOT NULL,"
  " serving_unit varchar(50) NOT NULL, calories real NOT NULL, protein real NOT NULL,"
  " carbohydrates real NOT NULL, fat real NOT NULL, fiber real NULL, sugar real NULL,"
  " sodium real NULL, food_category varchar(2) NOT NULL, is_public bool NOT NULL,"
  " created_at datetime NOT NULL, updated_at datetime NOT NULL,"
  " user_added_id bigint NULL REFERENCES users_customuser (id));"
  "CREATE TABLE meal_meal (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
  " name varchar(200) NOT NULL, meal_time_category varchar(4) NOT NULL,"
  " description text NOT NULL, is_template bool NOT NULL, created_at datetime NOT NULL,"
  " updated_at datetime NOT NULL, user_id bigint NOT NULL REFERENCES users_customuser (id));"
  "CREATE TABLE meal_mealitem (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
  " number_of_servings real NOT NULL, food_id bigint NOT NULL REFERENCES meal_food (id),"
  " meal_id bigint NOT NULL REFERENCES meal_meal (id));"
  "CREATE TABLE meal_mealplan (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
  " name varchar(200) NOT NULL, description text NOT NULL, goal varchar(2) NOT NULL,"
  " duration_days integer unsigned NOT NULL, start_date date NULL,"
  " target_daily_calories real NULL, target_daily_protein real NULL,"
  " target_daily_carbohydrates real NULL, target_daily_fat real NULL, is_active bool NOT NULL,"
  " is_template bool NOT NULL, is_ai_generated bool NOT NULL, created_at datetime NOT NULL,"
  " updated_at datetime NOT NULL, user_id bigint NOT NULL REFERENCES users_customuser (id));"
  "CREATE TABLE meal_scheduledmeal (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,"
  " day_of_plan integer unsigned NOT NULL, meal_id bigint NOT NULL REFERENCES meal_meal (id),"
  " meal_plan_id bigint NOT NULL REFERENCES meal_mealplan (id));";

/* The same for PostgreSQL (Django's PostgreSQL backend: identity ids,
 * timestamptz, boolean, double precision), in the same column order so that
 * django_rows fills both. */
static const char django_schema_pg[] =
  "SET TimeZone = 'UTC';"
  "CREATE TABLE users_customuser (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,"
  " password varchar(128) NOT NULL, last_login timestamp with time zone NULL,"
  " is_superuser boolean NOT NULL, first_name varchar(150) NOT NULL,"
  " last_name varchar(150) NOT NULL, is_staff boolean NOT NULL, is_active boolean NOT NULL,"
  " date_joined timestamp with time zone NOT NULL, email varchar(254) NOT NULL UNIQUE);"
  "CREATE TABLE users_usersprofile (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS"
  " IDENTITY, img varchar(100) NULL, age integer NULL CHECK (age >= 0),"
  " weight double precision NULL, height double precision NULL, gender varchar(10) NULL,"
  " fitness_goal varchar(255) NULL, user_id bigint NOT NULL UNIQUE REFERENCES"
  " users_customuser (id) DEFERRABLE INITIALLY DEFERRED);"
  "CREATE TABLE account_emailaddress (id integer NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS"
  " IDENTITY, verified boolean NOT NULL, \"primary\" boolean NOT NULL, user_id bigint NOT NULL"
  " REFERENCES users_customuser (id) DEFERRABLE INITIALLY DEFERRED, email varchar(254) NOT NULL);"
  "CREATE TABLE meal_food (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,"
  " name varchar(200) NOT NULL, description text NOT NULL,"
  " serving_quantity double precision NOT NULL, serving_unit varchar(50) NOT NULL,"
  " calories double precision NOT NULL, protein double precision NOT NULL,"
  " carbohydrates double precision NOT NULL, fat double precision NOT NULL,"
  " fiber double precision NULL, sugar double precision NULL, sodium double precision NULL,"
  " food_category varchar(2) NOT NULL, is_public boolean NOT NULL,"
  " created_at timestamp with time zone NOT NULL, updated_at timestamp with time zone NOT NULL,"
  " user_added_id bigint NULL REFERENCES users_customuser (id) DEFERRABLE INITIALLY DEFERRED);"
  "CREATE TABLE meal_meal (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,"
  " name varchar(200) NOT NULL, meal_time_category varchar(4) NOT NULL,"
  " description text NOT NULL, is_template boolean NOT NULL,"
  " created_at timestamp with time zone NOT NULL, updated_at timestamp with time zone NOT NULL,"
  " user_id bigint NOT NULL REFERENCES users_customuser (id) DEFERRABLE INITIALLY DEFERRED);"
  "CREATE TABLE meal_mealitem (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,"
  " number_of_servings double precision NOT NULL, food_id bigint NOT NULL REFERENCES meal_food"
  " (id) DEFERRABLE INITIALLY DEFERRED, meal_id bigint NOT NULL REFERENCES meal_meal (id)"
  " DEFERRABLE INITIALLY DEFERRED);"
  "CREATE TABLE meal_mealplan (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,"
  " name varchar(200) NOT NULL, description text NOT NULL, goal varchar(2) NOT NULL,"
  " duration_days integer NOT NULL CHECK (duration_days >= 0), start_date date NULL,"
  " target_daily_calories double precision NULL, target_daily_protein double precision NULL,"
  " target_daily_carbohydrates double precision NULL, target_daily_fat double precision NULL,"
  " is_active boolean NOT NULL, is_template boolean NOT NULL, is_ai_generated boolean NOT NULL,"
  " created_at timestamp with time zone NOT NULL, updated_at timestamp with time zone NOT NULL,"
  " user_id bigint NOT NULL REFERENCES users_customuser (id) DEFERRABLE INITIALLY DEFERRED);"
  "CREATE TABLE meal_scheduledmeal (id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS"
  " IDENTITY, day_of_plan integer NOT NULL CHECK (day_of_plan >= 0), meal_id bigint NOT NULL"
  " REFERENCES meal_meal (id) DEFERRABLE INITIALLY DEFERRED, meal_plan_id bigint NOT NULL"
  " REFERENCES meal_mealplan (id) DEFERRABLE INITIALLY DEFERRED);";

/* Django's own hash of DJANGO_PASSWORD (Django 5.2's default 1,000,000
 * iterations), made once with:
 * python3 -c "import hashlib,base64; s=b'mQ3kZ8vR2pX7nL4tW9yB1c'; print('pbkdf2_sha256\$1000000\$'
 *   + s.decode() + '\$' + base64.b64encode(hashlib.pbkdf2_hmac('sha256', b'Django-Pass-2025', s,
 *   1000000)).decode())"
 * which is what django.contrib.auth.hashers.PBKDF2PasswordHasher.encode() computes. */
#define DJANGO_PASSWORD "Django-Pass-2025"
#define DJANGO_HASH \
  "pbkdf2_sha256$1000000$mQ3kZ8vR2pX7nL4tW9yB1c$xL/an+8hdtQEcMQc/dL3rOWv2L4kmmVKRtDuc7KVbNg="

static const char django_rows[] =
  "INSERT INTO users_customuser VALUES (1, 'pbkdf2_sha256$1000000$abc$notthis=', NULL, TRUE,"
  " 'Admin', 'Staff', TRUE, TRUE, '2026-11-20 08:00:00', 'admin@fitcore.test');"
  "INSERT INTO users_customuser VALUES (7, '" DJANGO_HASH "', '2026-11-25 08:12:24.684421', FALSE,"
  " 'Dina', 'Django', FALSE, TRUE, '2026-11-21 09:30:00.5', 'dina@fitcore.test');"
  "INSERT INTO account_emailaddress VALUES (1, TRUE, TRUE, 7, 'dina@fitcore.test');"
  "INSERT INTO users_usersprofile VALUES (3, NULL, 31, 64.5, 170.0, 'female', 'Build muscle', 7);"
  "INSERT INTO meal_food VALUES (1, 'Banana', 'Fresh banana', 1.0, 'piece', 105.0, 1.3, 27.0,"
  " 0.4, 3.1, 14.4, 1.0, 'FR', TRUE, '2026-11-25 08:12:24.684421', '2026-11-25 08:12:24.684437', 1);"
  "INSERT INTO meal_food VALUES (9, 'Greek Yogurt', '', 1.0, 'cup', 59.0, 10.0, 3.6, 0.4,"
  " NULL, NULL, NULL, 'DR', TRUE, '2026-11-25 08:12:25', '2026-11-25 08:12:25', 1);"
  "INSERT INTO meal_food VALUES (12, 'Dina''s granola', 'home made', 50.0, 'g', 230.5, 5.0,"
  " 30.0, 9.5, 4.0, 8.0, NULL, 'GR', FALSE, '2026-11-25 08:13:00', '2026-11-25 08:13:00', 7);"
  "INSERT INTO meal_meal VALUES (4, 'Breakfast', 'BF', 'Oats and banana', FALSE,"
  " '2026-11-25 08:12:51.569211', '2026-11-25 08:12:51.569228', 7);"
  "INSERT INTO meal_mealitem VALUES (1, 1.0, 1, 4);"
  "INSERT INTO meal_mealitem VALUES (2, 0.5, 9, 4);"
  "INSERT INTO meal_mealitem VALUES (5, 2.0, 12, 4);"
  "INSERT INTO meal_mealplan VALUES (2, 'Cut week 1', 'High protein', 'WL', 7, '2026-12-01',"
  " 1800.0, NULL, NULL, NULL, TRUE, FALSE, FALSE, '2026-11-25 08:13:10.501263',"
  " '2026-11-25 08:13:10.501277', 7);"
  "INSERT INTO meal_scheduledmeal VALUES (1, 1, 4, 2);"
  "INSERT INTO meal_scheduledmeal VALUES (2, 3, 4, 2);";

typedef struct {
  gboolean from_postgresql;  /* Django's database */
  gboolean on_postgresql;    /* ours */
} DjangoCase;

static void
test_django_import (gconstpointer data)
{
  const DjangoCase *django = data;
  gboolean on_postgresql = django->on_postgresql;
  g_autoptr(FcTestPg) django_pg = django->from_postgresql ? fc_test_pg_new () : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("fitcore-django-XXXXXX", &error);
  g_autofree char *django_path = g_build_filename (data_dir, "db.sqlite3", NULL);
  g_autofree char *django_uri = g_strconcat ("sqlite:", django_path, NULL);
  g_autofree char *target_path = g_build_filename (data_dir, "fitcore.db", NULL);
  g_autofree char *target = NULL;
  g_autoptr(FcTestPg) pg = on_postgresql ? fc_test_pg_new () : NULL;
  g_autofree char *output = NULL;
  g_autofree char *again = NULL;
  g_autofree char *token = NULL;
  g_autofree char *foods = NULL;
  g_autofree char *meal = NULL;
  g_autofree char *plans = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *user = NULL;
  g_autoptr(FcTestResponse) wrong = NULL;
  FcTestServer *server;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  target = on_postgresql ? g_strdup (fc_test_pg_get_uri (pg))
                         : g_strconcat ("sqlite:", target_path, NULL);
  if (django_pg != NULL) {
    PGconn *conn = fc_test_pg_connect (django_pg);
    g_autofree char *sql = g_strconcat (django_schema_pg, django_rows, NULL);
    PGresult *result = PQexec (conn, sql);

    g_assert_cmpstr (PQresultErrorMessage (result), ==, "");
    PQclear (result);
    PQfinish (conn);
    g_free (django_uri);
    django_uri = g_strdup (fc_test_pg_get_uri (django_pg));
  } else {
    g_assert_cmpint (sqlite3_open (django_path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, django_schema, NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, django_rows, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }

  g_assert_true (run_server_command ((const char *[]) { "--data-dir", data_dir, "--database",
                                                        target, "--import-django", django_uri,
                                                        NULL }, &output));
  g_test_message ("%s", output);
  g_assert_nonnull (strstr (output, "foods 3 (from meal_food)"));
  /* The staff's hash is not Django's real one: reported, and kept */
  g_assert_nonnull (strstr (output, "imported in"));
  /* into a database that now has data: refused */
  g_assert_false (run_server_command ((const char *[]) { "--data-dir", data_dir, "--database",
                                                         target, "--import-django", django_uri,
                                                         NULL }, &again));
  g_assert_nonnull (strstr (again, "not empty (users holds 2 rows)"));

  server = start_on (data_dir, target, FALSE);
  /* Django's password, hashed by Django: no reset needed */
  wrong = fc_test_request (server, "POST", API "auth/oauth/login/", NULL,
                           "{\"email\":\"dina@fitcore.test\",\"password\":\"Django-Pass-2024\"}");
  g_assert_cmpuint (wrong->status, ==, 400);
  token = fc_test_login (server, "dina@fitcore.test", DJANGO_PASSWORD, NULL);

  user = request_body (server, "GET", API "auth/oauth/user/", token, NULL, 200);
  g_assert_cmpstr (user, ==, "{\"pk\":7,\"email\":\"dina@fitcore.test\",\"first_name\":\"Dina\","
                             "\"last_name\":\"Django\",\"is_staff\":false}");
  profile = request_body (server, "GET", API "auth/profile/", token, NULL, 200);
  g_assert_nonnull (strstr (profile, "\"id\":3,"));
  g_assert_nonnull (strstr (profile, "\"age\":31,\"weight\":64.5,\"height\":170.0,"
                                     "\"gender\":\"female\",\"fitness_goal\":\"Build muscle\""));

  /* public foods and her own private one, in name order */
  foods = request_body (server, "GET", API "nutrition/foods/", token, NULL, 200);
  g_assert_nonnull (strstr (foods, "\"count\":3,"));
  g_assert_nonnull (strstr (foods, "{\"id\":1,\"name\":\"Banana\""));
  g_assert_nonnull (strstr (foods, "{\"id\":12,\"name\":\"Dina's granola\""));
  g_assert_nonnull (strstr (foods, "\"user_added_detail\":{\"email\":\"admin@fitcore.test\""));
  g_assert_true (strstr (foods, "Banana") < strstr (foods, "Dina's") &&
                 strstr (foods, "Dina's") < strstr (foods, "Greek Yogurt"));

  meal = request_body (server, "GET", API "nutrition/meals/4/", token, NULL, 200);
  g_assert_nonnull (strstr (meal, "\"name\":\"Breakfast\",\"meal_time_category\":\"BF\""));
  /* 105 + 0.5 * 59 + 2 * 230.5 */
  g_assert_nonnull (strstr (meal, "\"total_calories\":595.5"));
  g_assert_nonnull (strstr (meal, "{\"id\":5,\"meal\":4,\"food_detail\":{\"id\":12,"));
  /* Django's UTC datetimes, with or without PostgreSQL's "+00", as ours */
  g_assert_nonnull (strstr (meal, "\"created_at\":\"2026-11-25T08:12:51.569211Z\""));

  plans = request_body (server, "GET", API "nutrition/meal-plans/", token, NULL, 200);
  g_assert_nonnull (strstr (plans, "\"id\":2,"));
  g_assert_nonnull (strstr (plans, "\"name\":\"Cut week 1\""));
  g_assert_nonnull (strstr (plans, "\"start_date\":\"2026-12-01\""));
  g_assert_nonnull (strstr (plans, "\"target_daily_calories\":1800.0"));

  /* the next ids follow Django's */
  g_assert_cmpint (created_id (server, API "nutrition/foods/", token,
                               "{\"name\":\"New\",\"calories\":1,\"protein\":1,"
                               "\"carbohydrates\":1,\"fat\":1}"), ==, 13);
  g_assert_cmpint (fc_test_server_stop (server), ==, 0);
  fc_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  /* No proxy resolver that needs GSettings schemas a bare machine lacks */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/migrate/sqlite-to-postgresql", test_sqlite_to_postgresql);
  g_test_add_func ("/server/migrate/refuses-other-version", test_refuses_other_version);
  g_test_add_data_func ("/server/migrate/django/sqlite-to-sqlite",
                        &(DjangoCase) { FALSE, FALSE }, test_django_import);
  g_test_add_data_func ("/server/migrate/django/sqlite-to-postgresql",
                        &(DjangoCase) { FALSE, TRUE }, test_django_import);
  g_test_add_data_func ("/server/migrate/django/postgresql-to-sqlite",
                        &(DjangoCase) { TRUE, FALSE }, test_django_import);
  return g_test_run ();
}
