/* test-store-crash.c — a writer killed at random points loses nothing it
 * reported, and the file stays sound
 *
 * The test binary is its own victim: with --crash-child it opens the store
 * and writes for ever, printing each outbox row's Idempotency-Key once its
 * transaction has committed. The parent SIGKILLs it at a random point,
 * reopens the store and checks every reported row is there exactly once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include "fc-store.h"
#include "store-test-util.h"

#define N_KILLS 20

static int
run_child (void)
{
  g_autoptr(FcStore) store = NULL;
  gint64 last_food = 0;

  /* Line-buffered, so a printed line is in the pipe before the next write. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  store = st_open ();

  for (guint i = 0;; i++) {
    g_autoptr(FcOutboxItem) item = NULL;
    g_autofree char *json = NULL;

    switch (i % 3) {
      case 0:
        json = g_strdup_printf ("{\"name\":\"Crash food %u\",\"calories\":%u.5,"
                                "\"description\":\"written before a SIGKILL\"}", i, i);
        item = st_create (store, FC_STORE_FOODS, json);
        last_food = fc_outbox_item_get_object_id (item);
        break;
      case 1:
        json = g_strdup_printf ("{\"name\":\"Crash meal %u\",\"meal_items\":[{\"food\":%"
                                G_GINT64_FORMAT ",\"number_of_servings\":1.5}]}", i, last_food);
        item = st_create (store, FC_STORE_MEALS, json);
        break;
      default:
        json = g_strdup_printf ("{\"age\":%u,\"weight\":%u.25}", i % 100, 50 + i % 50);
        item = st_save_profile (store, json);
        break;
    }
    printf ("%s %s %" G_GINT64_FORMAT "\n", fc_outbox_item_get_idempotency_key (item),
            fc_outbox_item_get_resource (item), fc_outbox_item_get_object_id (item));
  }
  return 0;
}

#define FULL_PAGE 200

/* Fills the disk, as far as this process can see: pages of foods until a
 * write fails, then says how many pages went in and why it stopped. */
static int
run_disk_full_child (void)
{
  struct rlimit limit = { 2 * 1024 * 1024, 2 * 1024 * 1024 };
  g_autoptr(FcStore) store = NULL;

  setvbuf (stdout, NULL, _IOLBF, 0);
  store = st_open ();
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  for (guint page = 0;; page++) {
    g_autoptr(JsonArray) foods = json_array_new ();
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < FULL_PAGE; i++) {
      JsonObject *food = json_object_new ();
      g_autofree char *name = g_strdup_printf ("Filler food %u with a long name to fill pages",
                                               page * FULL_PAGE + i);

      json_object_set_int_member (food, "id", page * FULL_PAGE + i + 1);
      json_object_set_string_member (food, "name", name);
      json_object_set_string_member (food, "description", name);
      json_array_add_object_element (foods, food);
    }
    fc_store_upsert_foods_async (store, foods, NULL, st_result_cb, &result);
    if (!fc_store_upsert_foods_finish (store, st_wait (&result), &error)) {
      printf ("%u %d %s\n", page, error->domain == FC_STORE_ERROR ? error->code : -1,
              error->message);
      return 0;
    }
    if (page > 1000)
      return 1;
  }
}

static void
test_disk_full (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *out = NULL;
  g_autofree char *sql = NULL;
  g_auto(GStrv) fields = NULL;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, self_exe, "--disk-full-child", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);

  fields = g_strsplit (g_strstrip (out), " ", 3);
  g_test_message ("the disk filled after %s pages: %s", fields[0], fields[2]);
  g_assert_cmpint (g_ascii_strtoll (fields[1], NULL, 10), ==, FC_STORE_ERROR_DISK_FULL);
  g_assert_cmpint (g_ascii_strtoll (fields[0], NULL, 10), >, 0);

  /* Whole pages only, and a sound file and index. */
  store = st_open ();
  fc_store_check_integrity_async (store, NULL, st_result_cb, &result);
  g_assert_true (fc_store_check_integrity_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_sql_int (fc_store_get_path (store), "SELECT count(*) FROM foods"), ==,
                   g_ascii_strtoll (fields[0], NULL, 10) * FULL_PAGE);
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

static void
check_store (GPtrArray *reported,
             guint      rounds)
{
  g_autoptr(FcStore) store = st_open ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = fc_store_get_path (store);
  sqlite3 *db = NULL;
  sqlite3_stmt *in_outbox = NULL;

  fc_store_check_integrity_async (store, NULL, st_result_cb, &result);
  g_assert_true (fc_store_check_integrity_finish (store, st_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

  /* Every row reported so far, after each kill: one connection and two
   * statements (a connection per row made the sanitizer run of this test
   * 170 s, quadratic in the kills). */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM outbox WHERE idempotency_key = ?1"
                                           " AND resource = ?2 AND object_id = ?3",
                                       -1, &in_outbox, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < reported->len; i++) {
    g_auto(GStrv) fields = g_strsplit (reported->pdata[i], " ", 3);
    g_autofree char *sql = NULL;
    sqlite3_stmt *object = NULL;

    g_assert_cmpuint (g_strv_length (fields), ==, 3);
    sqlite3_bind_text (in_outbox, 1, fields[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (in_outbox, 2, fields[1], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (in_outbox, 3, g_ascii_strtoll (fields[2], NULL, 10));
    g_assert_cmpint (sqlite3_step (in_outbox), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (in_outbox, 0), ==, 1);
    sqlite3_reset (in_outbox);

    /* The object it writes was committed with it. The table is one of
     * the child's three, checked before it names a table in SQL. */
    g_assert_true (g_str_equal (fields[1], "foods") || g_str_equal (fields[1], "meals") ||
                   g_str_equal (fields[1], "profile"));
    sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE id = ?1", fields[1]);
    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &object, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64 (object, 1, g_str_equal (fields[1], "profile")
                                   ? 1 : g_ascii_strtoll (fields[2], NULL, 10));
    g_assert_cmpint (sqlite3_step (object), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (object, 0), ==, 1);
    sqlite3_finalize (object);
  }
  sqlite3_finalize (in_outbox);
  sqlite3_close (db);

  /* At most the one write in flight at each kill went unreported. */
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM outbox"), >=, reported->len);
  g_assert_cmpint (st_sql_int (path, "SELECT count(*) FROM outbox"), <=, reported->len + rounds);
  g_clear_object (&result);
  st_close (g_steal_pointer (&store));
}

static void
test_sigkill_loop (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GPtrArray) reported = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (self_exe);

  for (guint round = 0; round < N_KILLS; round++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) child = NULL;
    g_autoptr(GDataInputStream) lines = NULL;
    guint kill_after = g_test_rand_int_range (1, 40);
    guint read = 0;
    char *line;

    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    /* The isolated data dir is ours only; the environment still says /dev/null. */
    g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
    child = g_subprocess_launcher_spawn (launcher, &error, self_exe, "--crash-child", NULL);
    g_assert_no_error (error);
    lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

    while ((line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL) {
      g_ptr_array_add (reported, line);
      if (++read == kill_after) {
        /* Somewhere inside the next write, or between two. */
        g_usleep (g_test_rand_int_range (0, 4000));
        g_subprocess_force_exit (child);
      }
    }
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait (child, NULL, &error));
    g_assert_true (g_subprocess_get_if_signaled (child));
    g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

    g_test_message ("round %u: killed after %u reported writes, %u in all", round, read,
                    reported->len);
    check_store (reported, round + 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && g_str_equal (argv[1], "--crash-child"))
    return run_child ();
  if (argc == 2 && g_str_equal (argv[1], "--disk-full-child"))
    return run_disk_full_child ();

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/outbox/crash-safety", test_sigkill_loop);
  g_test_add_func ("/store/disk-full", test_disk_full);

  return g_test_run ();
}
