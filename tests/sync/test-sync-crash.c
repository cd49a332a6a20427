/* test-sync-crash.c — SIGKILL the syncing app 20 times; nothing is lost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test runs itself as the child (`--child URL EMAIL RUN`): it signs in
 * from the tokens in the Secret Service, queues a food every few
 * milliseconds and syncs all the time, printing "queued NAME" once the
 * store confirmed a write. The parent kills it at a random moment, 20
 * times. Then the store must pass its integrity check, and every write a
 * child reported must be queued still or on the server exactly once; after
 * one more sync, on the server exactly once.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "sync-test-util.h"

#define EMAIL "crash@example.com"
#define KILLS 20

/* The child */

typedef struct {
  FcStore      *store;
  FcSyncEngine *engine;
  const char   *run;
  guint         next;
} Child;

static void
on_child_created_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autofree char *name = user_data;
  g_autoptr(FcOutboxItem) item = fc_store_create_finish (FC_STORE (source), result, NULL);
  FcSyncEngine *engine = g_object_get_data (source, "engine");

  if (item == NULL)
    return;
  printf ("queued %s\n", name);
  fflush (stdout);
  fc_sync_engine_request_sync (engine);
}

static gboolean
on_child_write_cb (gpointer user_data)
{
  Child *child = user_data;
  char *name = g_strdup_printf ("crash-%s-%u", child->run, child->next++);
  g_autoptr(JsonObject) fields = sync_test_food_fields (name, 1.0);

  fc_store_create_async (child->store, FC_STORE_FOODS, fields, NULL, on_child_created_cb, name);
  return G_SOURCE_CONTINUE;
}

static int
run_child (const char *url,
           const char *run)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  Child child = { 0 };

  fc_session_restore_async (session, url, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  if (!fc_session_restore_finish (session, result, &error)) {
    g_printerr ("child: not restored: %s\n", error != NULL ? error->message : "no account");
    return 1;
  }
  child.store = fc_session_get_store (session);
  child.engine = fc_session_get_sync_engine (session);
  child.run = run;
  g_object_set_data (G_OBJECT (child.store), "engine", child.engine);
  g_timeout_add (15, on_child_write_cb, &child);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

/* The parent */

static char *
read_all (GInputStream *stream)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (text, buffer, n);
  return g_string_free (text, FALSE);
}

/* Spawns a child, kills it after @delay_ms, and adds the names it
 * reported to @queued. */
static void
run_and_kill (const char *url,
              guint       run,
              guint       delay_ms,
              GPtrArray  *queued)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *run_text = g_strdup_printf ("%u", run);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_nonnull (self);
  /* GTest isolates the dirs inside this process only: hand them on, so the
   * child opens the same store. */
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, self, "--child", url, run_text, NULL);
  g_assert_no_error (error);
  sync_test_sleep (delay_ms);
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_signaled (child))
    g_error ("child %u ended by itself (status %d) before it was killed", run,
             g_subprocess_get_status (child));

  output = read_all (g_subprocess_get_stdout_pipe (child));
  lines = g_strsplit (output, "\n", -1);
  /* The last piece has no newline: a line cut by the kill, or "". */
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++) {
    if (g_str_has_prefix (lines[i], "queued "))
      g_ptr_array_add (queued, g_strdup (lines[i] + strlen ("queued ")));
  }
}

static gboolean
outbox_has (GPtrArray  *rows,
            const char *name)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);

  for (guint i = 0; i < rows->len; i++) {
    const char *body = fc_outbox_item_get_body (g_ptr_array_index (rows, i));

    if (body != NULL && strstr (body, quoted) != NULL)
      return TRUE;
  }
  return FALSE;
}

/* Every food the children wrote, as the server has them (read with one
 * connection: a thousand checks with one each took over 100 s on a loaded
 * machine with PostgreSQL). */
#define CRASH_FOODS "SELECT name FROM foods WHERE name LIKE 'crash-%'"

static void
test_kill_20_times (void)
{
  g_autoptr(FcTestServer) server = fc_test_server_start (SYNC_TEST_CONFIG, NULL);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) tally = NULL;
  GHashTableIter iter;
  gpointer food, times;
  GAsyncResult *slot = NULL;
  guint on_server = 0, waiting = 0;

  sync_test_register (session, url, EMAIL);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_clear_object (&session);  /* the tokens stay in the keyring */

  for (guint run = 0; run < KILLS; run++)
    run_and_kill (url, run, g_test_rand_int_range (250, 1500), queued);
  g_test_message ("%u writes reported queued by %u killed children", queued->len, KILLS);
  g_assert_cmpuint (queued->len, >, KILLS);

  store = sync_test_open_store (url, EMAIL);
  fc_store_check_integrity_async (store, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_store_check_integrity_finish (store, result, &error));
  g_assert_no_error (error);

  /* Before the last sync: each one queued still, or on the server once. */
  rows = sync_test_outbox (store, FALSE);
  tally = sync_test_server_tally (server, CRASH_FOODS);
  for (guint i = 0; i < queued->len; i++) {
    const char *name = g_ptr_array_index (queued, i);
    guint count = GPOINTER_TO_UINT (g_hash_table_lookup (tally, name));

    g_assert_cmpuint (count, <=, 1);
    if (count == 1) {
      on_server++;
    } else {
      g_assert_true (outbox_has (rows, name));
      waiting++;
    }
  }
  g_test_message ("%u on the server, %u still queued", on_server, waiting);
  g_assert_cmpuint (on_server, >, 0);
  g_clear_object (&store);

  /* Then one calm sync sends the rest, each once. */
  session = fc_session_new ();
  g_clear_object (&result);
  fc_session_restore_async (session, url, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_session_restore_finish (session, result, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (fc_session_get_sync_engine (session)), ==, 0);
  g_clear_pointer (&tally, g_hash_table_unref);
  tally = sync_test_server_tally (server, CRASH_FOODS);
  for (guint i = 0; i < queued->len; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (tally, g_ptr_array_index (queued, i))),
                      ==, 1);
  /* Not one food twice, reported or not. */
  g_hash_table_iter_init (&iter, tally);
  while (g_hash_table_iter_next (&iter, &food, &times)) {
    if (GPOINTER_TO_UINT (times) != 1)
      g_error ("%s is on the server %u times", (const char *) food, GPOINTER_TO_UINT (times));
  }
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2], argv[3]);

  /* The isolated XDG dirs have no GSettings schemas for GNOME's proxy
   * resolver, and every server here is on loopback anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/crash/kill-20-times", test_kill_20_times);

  return g_test_run ();
}
