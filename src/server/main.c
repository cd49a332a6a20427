/* main.c — fitcore-server's command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Standard output carries only the demo credentials and the
 * "fitcore-server: listening on http://HOST:PORT/" line that scripts and the
 * tests wait for; everything else (the request log, mails) goes to stderr.
 */

#define G_LOG_DOMAIN "fitcore-server"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "fc-migrate.h"
#include "fc-nutrition-demo.h"
#include "fc-password.h"
#include "fc-db.h"
#include "fc-sql.h"
#include "fc-server.h"
#include "fc-server-listener.h"
#include "fc-server-workers.h"
#include "fc-users.h"
#include "fc-workouts-demo.h"
#include "fc-writer-lock.h"

#define DEMO_STAFF_EMAIL "admin@fitcore.local"
#define DEMO_STAFF_PASSWORD "fitcore-admin"
#define DEMO_USER_EMAIL "demo@fitcore.local"
#define DEMO_USER_PASSWORD "fitcore-demo"

typedef struct {
  GMainLoop       *loop;
  FcServer        *server;    /* one process, or a worker */
  FcServerWorkers *workers;   /* a supervisor */
  const char      *url;
  guint            sigterm_id;
  guint            sigint_id;
  int              status;
  gboolean         worker;
  gboolean         stopping;
} App;

static void
on_shutdown_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  App *app = user_data;

  fc_server_shutdown_finish (FC_SERVER (source), result, NULL);
  g_main_loop_quit (app->loop);
}

static void
on_workers_stopped_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  App *app = user_data;

  fc_server_workers_stop_finish (FC_SERVER_WORKERS (source), result, NULL);
  g_main_loop_quit (app->loop);
}

static gboolean
on_signal_cb (gpointer user_data)
{
  App *app = user_data;

  /* A worker gets Ctrl+C's SIGINT from the terminal and then its
   * supervisor's SIGTERM: the second must not cut its requests short. */
  if (app->worker) {
    if (!app->stopping) {
      app->stopping = TRUE;
      fc_server_shutdown_async (app->server, NULL, on_shutdown_done_cb, app);
    }
    return G_SOURCE_CONTINUE;
  }

  g_printerr ("fitcore-server: shutting down\n");
  g_clear_handle_id (&app->sigterm_id, g_source_remove);
  g_clear_handle_id (&app->sigint_id, g_source_remove);
  if (app->workers != NULL)
    fc_server_workers_stop_async (app->workers, NULL, on_workers_stopped_cb, app);
  else
    fc_server_shutdown_async (app->server, NULL, on_shutdown_done_cb, app);
  return G_SOURCE_REMOVE;
}

/* The listening line only once a worker serves: what reads it may send
 * requests at once, and a supervisor whose workers cannot start exits
 * without it. */
static void
on_workers_started_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  App *app = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_server_workers_start_finish (FC_SERVER_WORKERS (source), result, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    g_printerr ("fitcore-server: the workers cannot start: %s\n", error->message);
    app->status = 1;
    g_clear_handle_id (&app->sigterm_id, g_source_remove);
    g_clear_handle_id (&app->sigint_id, g_source_remove);
    fc_server_workers_stop_async (app->workers, NULL, on_workers_stopped_cb, app);
    return;
  }
  g_print ("fitcore-server: listening on %s\n", app->url);
  fflush (stdout);
}

/* The supervisor's arguments for its workers: what only it does (--demo)
 * left out, the worker count resolved ("auto" once, in one place). */
static GStrv
worker_args (char  **original,
             guint   n_workers)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *count = g_strdup_printf ("%u", n_workers);

  for (guint i = 1; original[i] != NULL; i++) {
    if (!g_str_equal (original[i], "--demo"))
      g_strv_builder_add (builder, original[i]);
  }
  g_strv_builder_add (builder, "--workers");
  g_strv_builder_add (builder, count);
  return g_strv_builder_end (builder);
}

/* --workers N > 1: this process binds the socket, has migrated (and
 * seeded) the database, and supervises the processes that serve. */
static int
run_supervisor (FcServerConfig  *config,
                char           **original_argv,
                const char      *bind,
                int              port,
                FcWriterLock    *writer_lock)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(FcServerWorkers) workers = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *url = NULL;
  App app = { 0 };

  socket = fc_server_listener_bind (bind, port, &url, &error);
  if (socket == NULL) {
    g_printerr ("fitcore-server: cannot listen on %s:%d: %s\n", bind, port, error->message);
    return 1;
  }
  args = worker_args (original_argv, config->workers);
  workers = fc_server_workers_new (socket, (const char * const *) args, config->workers);
  if (writer_lock != NULL)
    fc_server_workers_set_lock_fd (workers, fc_writer_lock_get_fd (writer_lock));

  loop = g_main_loop_new (NULL, FALSE);
  app.loop = loop;
  app.workers = workers;
  app.url = url;
  app.sigterm_id = g_unix_signal_add (SIGTERM, on_signal_cb, &app);
  app.sigint_id = g_unix_signal_add (SIGINT, on_signal_cb, &app);
  g_printerr ("fitcore-server: supervising %u workers\n", config->workers);
  fc_server_workers_start_async (workers, NULL, on_workers_started_cb, &app);
  g_main_loop_run (loop);

  g_clear_handle_id (&app.sigterm_id, g_source_remove);
  g_clear_handle_id (&app.sigint_id, g_source_remove);
  return app.status;
}

/* Returns the user's id, creating the account when it does not exist. */
static gint64
ensure_user (FcSql     *db,
             const char  *email,
             const char  *password,
             const char  *first_name,
             const char  *last_name,
             gboolean     is_staff,
             guint        iterations,
             GError     **error)
{
  g_autofree char *hash = NULL;
  gint64 id = fc_users_find_by_email (db, email);

  if (id != 0)
    return id;
  hash = fc_password_hash (password, iterations);
  return fc_users_create (db, email, hash, first_name, last_name, is_staff, error);
}

static gboolean
seed_demo (FcSql         *db,
           FcServerConfig  *config,
           GError         **error)
{
  g_autoptr(FcSqlStmt) profile = NULL;
  gint64 staff_id, user_id;

  if (!fc_sql_begin (db)) {
    g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, fc_sql_errmsg (db));
    return FALSE;
  }
  staff_id = ensure_user (db, DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, "Admin", "Staff", TRUE,
                          config->password_iterations, error);
  user_id = staff_id != 0 ? ensure_user (db, DEMO_USER_EMAIL, DEMO_USER_PASSWORD, "Demo", "User",
                                         FALSE, config->password_iterations, error)
                          : 0;
  if (user_id != 0) {
    profile = fc_sql_prepare (db,
                                    "UPDATE profiles SET age = 31, weight = 72.5, height = 178.0, "
                                    "gender = 'male', fitness_goal = 'Build muscle' "
                                    "WHERE user_id = ? AND age IS NULL");
    fc_sql_bind_int64 (profile, 1, user_id);
    fc_sql_step_done (profile);
  }
  if (!fc_sql_end (db, user_id != 0) || user_id == 0) {
    if (error != NULL && *error == NULL)
      g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, fc_sql_errmsg (db));
    return FALSE;
  }

  if (!fc_nutrition_seed_demo (db, staff_id, user_id, error))
    return FALSE;
  if (!fc_workouts_seed_demo (db, config, error))
    return FALSE;

  g_print ("fitcore-server: demo staff %s password %s\n", DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD);
  g_print ("fitcore-server: demo user %s password %s\n", DEMO_USER_EMAIL, DEMO_USER_PASSWORD);
  return TRUE;
}

/* --create-staff: the password comes on stdin so it never shows in `ps`. */
static gboolean
create_staff (FcSql         *db,
              FcServerConfig  *config,
              const char      *email,
              GError         **error)
{
  char line[1024];
  g_autofree char *hash = NULL;
  g_auto(GStrv) problems = NULL;
  g_autoptr(FcSqlStmt) promote = NULL;
  gint64 id;

  if (fgets (line, sizeof line, stdin) == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "Expected the password on standard input");
    return FALSE;
  }
  line[strcspn (line, "\r\n")] = '\0';
  problems = fc_password_validate (line);
  if (problems != NULL) {
    g_autofree char *joined = g_strjoinv (" ", problems);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", joined);
    return FALSE;
  }
  if (strchr (email, '@') == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” is not an e-mail address",
                 email);
    return FALSE;
  }

  hash = fc_password_hash (line, config->password_iterations);
  id = fc_users_find_by_email (db, email);
  if (id == 0)
    return fc_users_create (db, email, hash, "", "", TRUE, error) != 0;

  /* An existing account becomes staff and gets the new password. */
  promote = fc_sql_prepare (db, "UPDATE users SET is_staff = 1, is_active = 1, password = ? "
                                      "WHERE id = ?");
  fc_sql_bind_text (promote, 1, hash);
  fc_sql_bind_int64 (promote, 2, id);
  if (!fc_sql_step_done (promote)) {
    g_set_error_literal (error, FC_DB_ERROR, FC_DB_ERROR_FAILED, fc_sql_errmsg (db));
    return FALSE;
  }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *bind = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *staff_email = NULL;
  g_autofree char *database = NULL;
  g_autofree char *url = NULL;
  g_autofree char *migrate_from = NULL;
  g_autofree char *import_django = NULL;
  g_autofree char *workers = NULL;
  g_auto(GStrv) original_argv = g_strdupv (argv);
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcServerConfig) config = NULL;
  /* Before the server: its connection borrows the lock to the end. */
  g_autoptr(FcWriterLock) writer_lock = NULL;
  g_autoptr(FcServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  gboolean demo = FALSE;
  int port = 8000;
  int worker_fd = -1;
  int worker_ready_fd = -1;
  int worker_lock_fd = -1;
  FcSql *db;
  App app = { 0 };
  const GOptionEntry entries[] = {
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind, "Address to listen on (127.0.0.1)", "ADDRESS" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port to listen on, 0 for any (8000)", "PORT" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Database, secret key and media ($XDG_DATA_HOME/fitcore-server)", "DIR" },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database,
      "sqlite:PATH, or a PostgreSQL URI (postgresql://…); DATA-DIR/fitcore.db by default",
      "LOCATION" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, "Settings key file", "FILE" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Seed demo accounts and foods", NULL },
    { "create-staff", 0, 0, G_OPTION_ARG_STRING, &staff_email,
      "Create a staff account (password on stdin) and exit", "EMAIL" },
    { "migrate-from", 0, 0, G_OPTION_ARG_STRING, &migrate_from,
      "Copy a stopped server's SQLite database into the empty PostgreSQL --database and exit",
      "sqlite:PATH" },
    { "import-django", 0, 0, G_OPTION_ARG_STRING, &import_django,
      "Import a Django FitCore database (users, profiles, foods, meals, plans) into the empty "
      "--database and exit", "LOCATION" },
    { "workers", 0, 0, G_OPTION_ARG_STRING, &workers,
      "Processes serving requests: a number, or auto for one per processor (1)", "N" },
    /* A supervisor's workers: the listening socket and the pipe to say
     * they serve, inherited. */
    { "worker-fd", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &worker_fd, NULL, NULL },
    { "worker-ready-fd", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &worker_ready_fd, NULL, NULL },
    { "worker-lock-fd", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &worker_lock_fd, NULL, NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- the FitCore API server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("fitcore-server: %s\n", error->message);
    return 2;
  }
  if (port < 0 || port > 65535) {
    g_printerr ("fitcore-server: --port must be between 0 and 65535\n");
    return 2;
  }
  if (bind == NULL)
    bind = g_strdup ("127.0.0.1");
  if (data_dir == NULL)
    data_dir = g_build_filename (g_get_user_data_dir (), "fitcore-server", NULL);

  config = fc_server_config_load (data_dir, config_path, &error);
  if (config == NULL) {
    g_printerr ("fitcore-server: %s\n", error->message);
    return 1;
  }
  if (workers != NULL) {
    config->workers = fc_server_config_parse_workers (workers);
    if (config->workers == 0) {
      g_printerr ("fitcore-server: --workers must be auto or between 1 and %d\n",
                  FC_SERVER_CONFIG_MAX_WORKERS);
      return 2;
    }
  }
  if (database == NULL)
    database = g_build_filename (data_dir, "fitcore.db", NULL);
  db = fc_sql_open (database, FC_SQL_OPEN_DEFAULT, &error);
  if (db == NULL) {
    g_printerr ("fitcore-server: %s\n", error->message);
    return 1;
  }

  if (migrate_from != NULL || import_django != NULL) {
    g_autoptr(GString) report = g_string_new (NULL);
    gint64 started = g_get_monotonic_time ();
    gboolean ok;

    if (migrate_from != NULL && fc_sql_get_backend (db) != FC_SQL_BACKEND_POSTGRESQL) {
      fc_sql_close (db);
      g_printerr ("fitcore-server: --migrate-from copies into PostgreSQL: "
                  "give --database postgresql://…\n");
      return 2;
    }
    if (migrate_from != NULL) {
      /* The copy runs on a connection of its own; this one only migrated
       * the target. */
      fc_sql_close (db);
      ok = fc_migrate_from_sqlite (migrate_from, database, report, &error);
    } else {
      ok = fc_migrate_import_django (db, import_django, report, &error);
      fc_sql_close (db);
    }
    g_printerr ("%s", report->str);
    if (!ok) {
      g_printerr ("fitcore-server: %s\n", error->message);
      return 1;
    }
    g_printerr ("fitcore-server: %s in %.1f s\n", migrate_from != NULL ? "copied" : "imported",
                (g_get_monotonic_time () - started) / 1e6);
    return 0;
  }

  if (staff_email != NULL) {
    gboolean ok = create_staff (db, config, staff_email, &error);

    fc_sql_close (db);
    if (!ok) {
      g_printerr ("fitcore-server: %s\n", error->message);
      return 1;
    }
    g_printerr ("fitcore-server: %s is staff\n", staff_email);
    return 0;
  }

  /* A worker's supervisor has migrated and seeded the database. */
  if (demo && worker_fd < 0 && !seed_demo (db, config, &error)) {
    g_printerr ("fitcore-server: demo data: %s\n", error->message);
    fc_sql_close (db);
    return 1;
  }

  if (worker_fd < 0 && config->workers > 1) {
    int status;

    /* SQLite takes one writer at a time: the workers queue for it
     * (fc-writer-lock.h) rather than sleep in its busy handler. */
    if (fc_sql_get_backend (db) == FC_SQL_BACKEND_SQLITE) {
      writer_lock = fc_writer_lock_new (&error);
      if (writer_lock == NULL) {
        g_printerr ("fitcore-server: %s\n", error->message);
        fc_sql_close (db);
        return 1;
      }
    }

    /* The demo's media are rendered (and their rows written) by the
     * supervisor alone, on this connection, which therefore stays open
     * until the end; without --demo it would be idle. */
    if (!demo)
      g_clear_pointer (&db, fc_sql_close);
    status = run_supervisor (config, original_argv, bind, port, writer_lock);
    g_clear_pointer (&db, fc_sql_close);
    return status;
  }

  if (worker_lock_fd >= 0) {
    writer_lock = fc_writer_lock_new_from_fd (worker_lock_fd, &error);
    if (writer_lock == NULL || fc_sql_get_backend (db) != FC_SQL_BACKEND_SQLITE) {
      g_printerr ("fitcore-server: worker: %s\n",
                  error != NULL ? error->message : "a writer lock is for SQLite");
      fc_sql_close (db);
      return 1;
    }
    fc_sql_set_writer_lock (db, writer_lock);
  }
  /* Tests: how often writes found the database locked (GET ping/'s
   * X-FitCore-Busy-Waits), with fc-db.c's busy timeout. */
  if (g_strcmp0 (g_getenv ("FITCORE_SERVER_TESTING"), "1") == 0 &&
      fc_sql_get_backend (db) == FC_SQL_BACKEND_SQLITE)
    fc_sql_count_busy_waits (db, 5000);

  server = fc_server_new (g_steal_pointer (&config), db);

  /* The handlers come before the ready line: a SIGTERM sent as soon as it
   * is read (a test's teardown, a supervisor) found the default action and
   * killed the server without its graceful shutdown. */
  loop = g_main_loop_new (NULL, FALSE);
  app.loop = loop;
  app.server = server;
  app.worker = worker_fd >= 0;
  app.sigterm_id = g_unix_signal_add (SIGTERM, on_signal_cb, &app);
  app.sigint_id = g_unix_signal_add (SIGINT, on_signal_cb, &app);

  if (worker_fd >= 0) {
    g_autoptr(GSocket) socket = g_socket_new_from_fd (worker_fd, &error);

    if (socket == NULL) {
      g_printerr ("fitcore-server: worker: no listening socket: %s\n", error->message);
      g_clear_handle_id (&app.sigterm_id, g_source_remove);
      g_clear_handle_id (&app.sigint_id, g_source_remove);
      return 1;
    }
    fc_server_listen_socket (server, socket, TRUE);
    fc_server_workers_report_ready (worker_ready_fd);
  } else if (!fc_server_listen (server, bind, port, &url, &error)) {
    g_printerr ("fitcore-server: cannot listen on %s:%d: %s\n", bind, port, error->message);
    g_clear_handle_id (&app.sigterm_id, g_source_remove);
    g_clear_handle_id (&app.sigint_id, g_source_remove);
    return 1;
  } else {
    g_print ("fitcore-server: listening on %s\n", url);
    fflush (stdout);
  }
  g_main_loop_run (loop);

  g_clear_handle_id (&app.sigterm_id, g_source_remove);
  g_clear_handle_id (&app.sigint_id, g_source_remove);
  return 0;
}
