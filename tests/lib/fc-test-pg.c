/* fc-test-pg.c — a fresh, empty PostgreSQL database for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include <gio/gio.h>

#include "fc-test-pg.h"

struct _FcTestPg {
  char     *name;
  char     *host;
  char     *uri;
  gboolean  drop_on_free;
  gboolean  dropped;
};

/* The process's own cluster, when no shared one is named. Its guard is the
 * `pg-cluster run` process: it stops and removes the cluster once this
 * process ends and with it the write end of the guard's standard input, so
 * neither is ever freed here. */
static GMutex       private_lock;
static char        *private_host;
static GSubprocess *private_guard;

gboolean
fc_test_pg_wanted (void)
{
  return g_strcmp0 (g_getenv ("FITCORE_TEST_DATABASE"), "postgresql") == 0;
}

static char *
start_private_cluster (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fitcore-pg-XXXXXX", &error);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  /* Standard error is the test's own, so initdb's and the server's
   * complaints land in the test log. */
  private_guard = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                    &error, FC_TEST_PG_CLUSTER, "run", dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (private_guard));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || *line == '\0')
    g_error ("%s run %s did not start PostgreSQL (see above)", FC_TEST_PG_CLUSTER, dir);
  return g_steal_pointer (&line);
}

/* The socket directory of the cluster the databases go into. */
static const char *
cluster_host (void)
{
  const char *shared = g_getenv ("FITCORE_TEST_PG_HOST");
  const char *host;

  if (shared != NULL && *shared != '\0')
    return shared;

  g_mutex_lock (&private_lock);
  if (private_host == NULL)
    private_host = start_private_cluster ();
  host = private_host;
  g_mutex_unlock (&private_lock);
  return host;
}

static PGconn *
connect_to (const char *host,
            const char *dbname)
{
  const char * const keys[] = { "host", "dbname", "user", "connect_timeout", NULL };
  const char * const values[] = { host, dbname, "postgres", "30", NULL };
  PGconn *connection = PQconnectdbParams (keys, values, FALSE);

  if (PQstatus (connection) != CONNECTION_OK)
    g_error ("Cannot connect to PostgreSQL database %s at %s: %s", dbname, host,
             PQerrorMessage (connection));
  return connection;
}

/* Runs @sql on the cluster's maintenance database "postgres". */
static void
admin_exec (const char *host,
            const char *sql)
{
  PGconn *connection = connect_to (host, "postgres");
  PGresult *result = PQexec (connection, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (connection));
  PQclear (result);
  PQfinish (connection);
}

static FcTestPg *
test_pg_new_named (const char *name,
                   const char *host)
{
  g_autofree char *escaped_host = g_uri_escape_string (host, "/", FALSE);
  FcTestPg *self = g_new0 (FcTestPg, 1);

  self->name = g_strdup (name);
  self->host = g_strdup (host);
  self->uri = g_strdup_printf ("postgresql:///%s?host=%s&user=postgres", name, escaped_host);
  return self;
}

FcTestPg *
fc_test_pg_new (void)
{
  static gint counter;
  const char *host = cluster_host ();
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  FcTestPg *self;

  /* Unique in a cluster that every test process of a run shares, and a
   * plain identifier (lower case, no quoting needed). */
  name = g_strdup_printf ("fitcore_test_%d_%d_%08x", (int) getpid (),
                          g_atomic_int_add (&counter, 1), g_random_int ());
  sql = g_strdup_printf ("CREATE DATABASE %s", name);
  admin_exec (host, sql);

  self = test_pg_new_named (name, host);
  self->drop_on_free = TRUE;
  return self;
}

FcTestPg *
fc_test_pg_open (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  /* It goes into SQL unquoted (fc_test_pg_drop()). */
  for (const char *c = name; *c != '\0'; c++)
    g_assert_true (g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '_');

  return test_pg_new_named (name, cluster_host ());
}

void
fc_test_pg_set_drop_on_free (FcTestPg *self,
                             gboolean  drop_on_free)
{
  g_return_if_fail (self != NULL);

  self->drop_on_free = drop_on_free;
}

const char *
fc_test_pg_get_name (FcTestPg *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

const char *
fc_test_pg_get_host (FcTestPg *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->host;
}

const char *
fc_test_pg_get_uri (FcTestPg *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->uri;
}

PGconn *
fc_test_pg_connect (FcTestPg *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return connect_to (self->host, self->name);
}

void
fc_test_pg_drop (FcTestPg *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (self != NULL);

  if (self->dropped)
    return;
  /* FORCE: a server the test killed may leave a backend that has not yet
   * noticed its client is gone. */
  sql = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", self->name);
  admin_exec (self->host, sql);
  self->dropped = TRUE;
}

void
fc_test_pg_free (FcTestPg *self)
{
  if (self == NULL)
    return;

  if (self->drop_on_free)
    fc_test_pg_drop (self);
  g_free (self->name);
  g_free (self->host);
  g_free (self->uri);
  g_free (self);
}
