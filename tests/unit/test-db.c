/* test-db.c — the SQLite helper the server and the store share (src/db/fc-db.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "fc-db.h"

/* Version 1 and 2 of a small schema; version 3 rebuilds the parent table,
 * as SQLite's ALTER TABLE procedure does, which would delete every child
 * row with foreign keys on. */
static const char * const migrations[] = {
  "CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
  "CREATE TABLE children (id INTEGER PRIMARY KEY,"
  "  parent_id INTEGER NOT NULL REFERENCES parents (id) ON DELETE CASCADE);",
  "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE);",
  "CREATE TABLE parents_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER);"
  "INSERT INTO parents_new (id, name) SELECT id, name FROM parents;"
  "DROP TABLE parents;"
  "ALTER TABLE parents_new RENAME TO parents;",
};

static const char * const suffixes[] = { "", "-wal", "-shm" };

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("fitcore-test-db-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "test.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++) {
    g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);

    g_unlink (file);
  }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static FcDb *
open_at (const char *path,
         guint       n_migrations)
{
  g_autoptr(GError) error = NULL;
  FcDbOptions options = { .migrations = migrations, .n_migrations = n_migrations };
  FcDb *db = fc_db_open (path, &options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static gint64
query_int (FcDb       *db,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcDbStmt) stmt = fc_db_prepare (fc_db_get_handle (db), sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (fc_db_step (stmt, &error), ==, SQLITE_ROW);
  g_assert_no_error (error);
  return sqlite3_column_int64 (stmt, 0);
}

static void
exec_ok (FcDb       *db,
         const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_db_exec (fc_db_get_handle (db), sql, &error));
  g_assert_no_error (error);
}

static void
test_open_pragmas (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FcDbOptions options = {
    .synchronous = FC_DB_SYNC_FULL,
    .cache_size_kib = 4096,
    .wal_autocheckpoint = 500,
    .private_file = TRUE,
  };
  g_autofree char *sub = g_build_filename (fixture->dir, "sub", NULL);
  g_autofree char *path = g_build_filename (sub, "test.db", NULL);
  g_autoptr(FcDb) db = NULL;
  GStatBuf st;

  /* The folder is made too, private. */
  db = fc_db_open (path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (sub, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_cmpint (query_int (db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), ==, 1);
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (db, "PRAGMA synchronous"), ==, 2);
  g_assert_cmpint (query_int (db, "PRAGMA cache_size"), ==, -4096);
  g_assert_cmpint (query_int (db, "PRAGMA wal_autocheckpoint"), ==, 500);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 0);

  g_assert_true (fc_db_set_synchronous (db, FC_DB_SYNC_NORMAL, &error));
  g_assert_cmpint (query_int (db, "PRAGMA synchronous"), ==, 1);

  g_assert_true (fc_db_from_handle (fc_db_get_handle (db)) == db);
  g_assert_cmpstr (fc_db_get_path (db), ==, path);

  g_clear_pointer (&db, fc_db_close);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++) {
    g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

    g_unlink (file);
  }
  g_assert_cmpint (g_rmdir (sub), ==, 0);
}

/* A reader beside the writer: one snapshot per transaction, and no write. */
static void
test_open_read_only (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FcDbOptions options = { .read_only = TRUE };
  g_autoptr(FcDb) db = open_at (fixture->path, 3);
  g_autoptr(FcDb) reader = NULL;

  exec_ok (db, "INSERT INTO notes (body) VALUES ('a')");
  reader = fc_db_open (fixture->path, &options, &error);
  g_assert_no_error (error);

  g_assert_true (fc_db_begin (reader, &error));
  g_assert_cmpint (query_int (reader, "SELECT count(*) FROM notes"), ==, 1);
  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "INSERT INTO notes (body) VALUES ('b')");
  g_assert_true (fc_db_commit (db, &error));
  g_assert_cmpint (query_int (reader, "SELECT count(*) FROM notes"), ==, 1);
  g_assert_true (fc_db_commit (reader, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (reader, "SELECT count(*) FROM notes"), ==, 2);

  g_assert_false (fc_db_exec (fc_db_get_handle (reader), "DELETE FROM notes", &error));
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_OPEN);
}

/* A file at version 2 with rows in it comes up to 3 with its rows: the
 * rebuild of the parent table keeps every child (foreign keys are off
 * while a migration runs and checked before it commits). */
static void
test_migrate_from_older (Fixture       *fixture,
                         gconstpointer  data)
{
  FcDb *db = open_at (fixture->path, 2);

  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 2);
  exec_ok (db, "INSERT INTO parents VALUES (1, 'Ann'), (2, 'Bob');"
               "INSERT INTO children (parent_id) VALUES (1), (1), (2);"
               "INSERT INTO notes (body) VALUES ('kept')");
  fc_db_close (db);

  db = open_at (fixture->path, 3);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM parents WHERE age IS NULL"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM children"), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes"), ==, 1);
  /* Foreign keys are back on afterwards. */
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
  fc_db_close (db);

  /* Opening again runs nothing. */
  db = open_at (fixture->path, 3);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM parents"), ==, 2);
  fc_db_close (db);
}

/* A migration that fails rolls back whole: the file stays at the version
 * before it, with the earlier migrations kept, and opens again once the
 * migration is fixed. */
static void
test_migrate_failure_rolls_back (Fixture       *fixture,
                                 gconstpointer  data)
{
  static const char * const broken[] = {
    "CREATE TABLE a (x INTEGER);",
    "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1);",
    "CREATE TABLE c (x INTEGER); INSERT INTO a VALUES (2); INSERT INTO missing VALUES (1);",
  };
  static const char * const fixed[] = {
    "CREATE TABLE a (x INTEGER);",
    "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1);",
    "CREATE TABLE c (x INTEGER); INSERT INTO a VALUES (2);",
  };
  g_autoptr(GError) error = NULL;
  FcDbOptions options = { .migrations = broken, .n_migrations = G_N_ELEMENTS (broken) };
  FcDb *db = fc_db_open (fixture->path, &options, &error);

  g_assert_null (db);
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Migration 3: "));
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);

  /* Opened without migrations: what migration 3 did is gone. */
  db = fc_db_open (fixture->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM a"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'c'"), ==, 0);
  g_assert_cmpint (fc_db_get_depth (db), ==, 0);
  g_assert_true (sqlite3_get_autocommit (fc_db_get_handle (db)));

  g_assert_true (fc_db_migrate (db, fixed, G_N_ELEMENTS (fixed), &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM a"), ==, 2);
  fc_db_close (db);
}

/* A migration that leaves a row pointing at nothing is refused: SQLite
 * alone would let it through with foreign keys off. */
static void
test_migrate_dangling_reference (Fixture       *fixture,
                                 gconstpointer  data)
{
  static const char * const dangling[] = {
    migrations[0],
    "INSERT INTO parents VALUES (1, 'Ann'); INSERT INTO children (parent_id) VALUES (1);"
    "DELETE FROM parents;",
  };
  g_autoptr(GError) error = NULL;
  FcDbOptions options = { .migrations = dangling, .n_migrations = 2 };
  FcDb *db = fc_db_open (fixture->path, &options, &error);

  g_assert_null (db);
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_MIGRATION);
  g_clear_error (&error);

  db = open_at (fixture->path, 1);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM children"), ==, 0);
  fc_db_close (db);
}

static void
test_migrate_too_new (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FcDbOptions options = { .migrations = migrations, .n_migrations = 2 };
  FcDb *db = open_at (fixture->path, 3);

  fc_db_close (db);
  db = fc_db_open (fixture->path, &options, &error);
  g_assert_null (db);
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_TOO_NEW);
}

static void
test_open_not_a_database (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *junk = g_strnfill (8192, 'x');
  FcDb *db;

  g_assert_true (g_file_set_contents (fixture->path, junk, -1, &error));
  db = fc_db_open (fixture->path, NULL, &error);
  g_assert_null (db);
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_CORRUPT);
}

/* The cache hands the same statement out again, reset and unbound, and
 * keeps it until the connection closes. */
static void
test_stmt_cache (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FcDb *db = open_at (fixture->path, 3);
  FcDbStmt *first, *again, *other;

  exec_ok (db, "INSERT INTO notes (body) VALUES ('a'), ('b'), ('c')");

  first = fc_db_stmt (db, "SELECT body FROM notes WHERE ?1 IS NULL OR body > ?1 ORDER BY body",
                      &error);
  g_assert_no_error (error);
  fc_db_bind_text (first, 1, "a");
  g_assert_cmpint (fc_db_step (first, &error), ==, SQLITE_ROW);
  g_assert_cmpstr (fc_db_column_text (first, 0), ==, "b");

  /* Handed out half-way through its rows and bound: it starts afresh. */
  again = fc_db_stmt (db, "SELECT body FROM notes WHERE ?1 IS NULL OR body > ?1 ORDER BY body",
                      &error);
  g_assert_no_error (error);
  g_assert_true (again == first);
  g_assert_cmpint (fc_db_step (again, &error), ==, SQLITE_ROW);
  g_assert_cmpstr (fc_db_column_text (again, 0), ==, "a");

  other = fc_db_stmt (db, "SELECT count(*) FROM notes", &error);
  g_assert_true (other != first);

  /* A cached statement does not keep a write from committing. */
  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "DELETE FROM notes WHERE body = 'c'");
  g_assert_true (fc_db_commit (db, &error));
  g_assert_no_error (error);

  g_assert_null (fc_db_stmt (db, "SELECT nothing FROM nowhere", &error));
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "nowhere"));
  fc_db_close (db);
}

static void
test_step_errors (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FcDb *db = open_at (fixture->path, 3);
  FcDbStmt *insert = fc_db_stmt (db, "INSERT INTO notes (body) VALUES (?1)", &error);

  fc_db_bind_text (insert, 1, "same");
  g_assert_true (fc_db_step_done (insert, &error));
  g_assert_no_error (error);
  g_assert_false (fc_db_step_done (insert, &error));
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* NULL binds as NULL, not as an empty text. */
  insert = fc_db_stmt (db, "INSERT INTO notes (body) VALUES (?1)", &error);
  fc_db_bind_text (insert, 1, NULL);
  g_assert_true (fc_db_step_done (insert, &error));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes WHERE body IS NULL"), ==, 1);
  fc_db_close (db);
}

/* Inner levels are savepoints: one rolled back takes only its own writes. */
static void
test_transaction_nested (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FcDb *db = open_at (fixture->path, 3);

  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "INSERT INTO notes (body) VALUES ('outer')");
  g_assert_true (fc_db_begin (db, &error));
  g_assert_cmpuint (fc_db_get_depth (db), ==, 2);
  exec_ok (db, "INSERT INTO notes (body) VALUES ('inner, undone')");
  fc_db_rollback (db);
  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "INSERT INTO notes (body) VALUES ('inner, kept')");
  g_assert_true (fc_db_commit (db, &error));
  g_assert_false (sqlite3_get_autocommit (fc_db_get_handle (db)));
  g_assert_true (fc_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_db_get_depth (db), ==, 0);
  g_assert_true (sqlite3_get_autocommit (fc_db_get_handle (db)));

  g_assert_cmpint (query_int (db, "SELECT group_concat (body, '|') = 'outer|inner, kept'"
                                  " FROM (SELECT body FROM notes ORDER BY id)"), ==, 1);

  /* A rollback with nothing open does nothing. */
  fc_db_rollback (db);
  g_assert_cmpuint (fc_db_get_depth (db), ==, 0);

  /* Inside a transaction begun with plain SQL, the outermost level is a
   * savepoint: its commit leaves the caller's transaction to the caller. */
  exec_ok (db, "SAVEPOINT caller");
  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "INSERT INTO notes (body) VALUES ('in the caller''s')");
  g_assert_true (fc_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_false (sqlite3_get_autocommit (fc_db_get_handle (db)));
  exec_ok (db, "ROLLBACK TO caller; RELEASE caller");
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes"), ==, 2);
  fc_db_close (db);
}

/* COMMIT itself fails (a deferred foreign key is checked only then): the
 * caller hears of it, nothing was written, and the connection is ready for
 * the next transaction. */
static void
test_commit_failure_deferred (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FcDb *db = open_at (fixture->path, 3);

  exec_ok (db, "CREATE TABLE owners (id INTEGER PRIMARY KEY);"
               "CREATE TABLE pets (id INTEGER PRIMARY KEY,"
               "  owner_id INTEGER REFERENCES owners (id) DEFERRABLE INITIALLY DEFERRED)");

  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "INSERT INTO owners VALUES (1); INSERT INTO pets VALUES (1, 2)");
  g_assert_false (fc_db_commit (db, &error));
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpuint (fc_db_get_depth (db), ==, 0);
  g_assert_true (sqlite3_get_autocommit (fc_db_get_handle (db)));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM owners"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM pets"), ==, 0);

  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "INSERT INTO owners VALUES (2); INSERT INTO pets VALUES (1, 2)");
  g_assert_true (fc_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM pets"), ==, 1);
  fc_db_close (db);
}

static void
set_file_size_limit (rlim_t limit)
{
  struct rlimit rl;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &rl), ==, 0);
  rl.rlim_cur = MIN (limit, rl.rlim_max);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

/* The disk refuses the commit's writes (a file size limit of 0, as
 * tests/server/test-server-faults.c fills the server's disk): COMMIT fails
 * with DISK_FULL, and another connection never sees the rows. */
static void
test_commit_failure_disk_full (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcDb) db = open_at (fixture->path, 3);
  g_autoptr(FcDb) reader = open_at (fixture->path, 3);
  void (*old_handler) (int) = signal (SIGXFSZ, SIG_IGN);
  struct rlimit saved;
  gboolean committed;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);

  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "INSERT INTO notes (body) VALUES ('lost'), (hex (randomblob (20000)))");
  set_file_size_limit (0);
  committed = fc_db_commit (db, &error);
  set_file_size_limit (saved.rlim_cur);
  signal (SIGXFSZ, old_handler);

  g_assert_false (committed);
  g_assert_error (error, FC_DB_ERROR, FC_DB_ERROR_DISK_FULL);
  g_clear_error (&error);
  g_assert_cmpuint (fc_db_get_depth (db), ==, 0);
  g_assert_true (sqlite3_get_autocommit (fc_db_get_handle (db)));
  g_assert_cmpint (query_int (reader, "SELECT count(*) FROM notes"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes"), ==, 0);

  /* Space again: the next transaction goes through. */
  g_assert_true (fc_db_begin (db, &error));
  exec_ok (db, "INSERT INTO notes (body) VALUES ('saved')");
  g_assert_true (fc_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (reader, "SELECT count(*) FROM notes WHERE body = 'saved'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/db/open/pragmas", test_open_pragmas);
  ADD ("/db/open/not-a-database", test_open_not_a_database);
  ADD ("/db/open/read-only", test_open_read_only);
  ADD ("/db/migrate/from-older-version", test_migrate_from_older);
  ADD ("/db/migrate/failure-rolls-back", test_migrate_failure_rolls_back);
  ADD ("/db/migrate/dangling-reference", test_migrate_dangling_reference);
  ADD ("/db/migrate/too-new", test_migrate_too_new);
  ADD ("/db/stmt/cache-reuse", test_stmt_cache);
  ADD ("/db/stmt/step-errors", test_step_errors);
  ADD ("/db/transaction/nested", test_transaction_nested);
  ADD ("/db/transaction/commit-failure", test_commit_failure_deferred);
  ADD ("/db/transaction/commit-failure-disk-full", test_commit_failure_disk_full);

#undef ADD

  return g_test_run ();
}
