/* fc-test-pg.h — a fresh, empty PostgreSQL database for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each FcTestPg is a database of its own, made with CREATE DATABASE in a
 * running cluster:
 *
 * - the cluster whose socket directory $FITCORE_TEST_PG_HOST names (tests/run
 *   starts one for a whole run with tests/lib/pg-cluster), or else
 * - the test process's own cluster, made with initdb in a temporary directory
 *   on first use and stopped and removed when the process ends, also when it
 *   aborts (`pg-cluster run` waits for its standard input to close).
 *
 * The cluster listens on its Unix socket only and trusts every local caller;
 * the libpq URI is "postgresql:///NAME?host=SOCKETDIR&user=postgres".
 * Failures to reach or start PostgreSQL fail the test (g_error): the
 * packages are in .ci/packages.txt.
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

typedef struct _FcTestPg FcTestPg;

/* TRUE when the tests are to run against PostgreSQL:
 * $FITCORE_TEST_DATABASE is "postgresql" (meson test --setup postgresql). */
gboolean    fc_test_pg_wanted             (void);

/* A new empty database, dropped by fc_test_pg_free(). */
FcTestPg   *fc_test_pg_new                (void);
/* A database an earlier fc_test_pg_new() made in the same cluster, by its
 * name; fc_test_pg_free() keeps it. */
FcTestPg   *fc_test_pg_open               (const char *name);
/* Whether fc_test_pg_free() drops the database. */
void        fc_test_pg_set_drop_on_free   (FcTestPg   *self,
                                           gboolean    drop_on_free);
const char *fc_test_pg_get_name           (FcTestPg   *self);
/* The cluster's socket directory. */
const char *fc_test_pg_get_host           (FcTestPg   *self);
/* "postgresql:///NAME?host=SOCKETDIR&user=postgres" */
const char *fc_test_pg_get_uri            (FcTestPg   *self);
/* A new connection to the database; fails the test if there is none. */
PGconn     *fc_test_pg_connect            (FcTestPg   *self);
/* Drops the database now, whoever is still connected to it. */
void        fc_test_pg_drop               (FcTestPg   *self);
void        fc_test_pg_free               (FcTestPg   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcTestPg, fc_test_pg_free)

G_END_DECLS
