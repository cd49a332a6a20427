/* test-credentials.c — FcCredentials with a real gnome-keyring, and without one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run inside tests/run, which provides a D-Bus session with an unlocked
 * gnome-keyring. The cases without a Secret Service run in a child process
 * whose session bus is a dead socket, or a private bus where a fake Secret
 * Service never answers (a locked keyring waiting on its prompt looks the
 * same to the app).
 */

#include "config.h"

#include <unistd.h>

#include "fc-credentials.h"
#include "fc-test-secrets.h"

#include "client-test-util.h"

/* The keyring outlives the test and may be shared with other test runs:
 * each run uses a server address of its own. */
static char *server_url;
#define SERVER server_url

typedef struct {
  guint fallbacks;
} Counts;

static void
on_fallback_cb (FcCredentials *credentials,
                const char    *reason,
                Counts        *counts)
{
  g_assert_nonnull (reason);
  counts->fallbacks++;
}

static gboolean
store (FcCredentials *credentials,
       const char    *account,
       const char    *access,
       const char    *refresh)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  fc_credentials_store_async (credentials, SERVER, account, access, refresh, NULL, on_done_cb,
                              &slot);
  result = wait_for (&slot);
  ok = fc_credentials_store_finish (credentials, result, &error);
  g_assert_no_error (error);
  return ok;
}

static void
lookup (FcCredentials  *credentials,
        const char     *account,
        char          **out_access,
        char          **out_refresh)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_credentials_lookup_async (credentials, SERVER, account, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  g_assert_true (fc_credentials_lookup_finish (credentials, result, out_access, out_refresh,
                                               &error));
  g_assert_no_error (error);
}

static void
clear (FcCredentials *credentials,
       const char    *account)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fc_credentials_clear_async (credentials, SERVER, account, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  g_assert_true (fc_credentials_clear_finish (credentials, result, &error));
  g_assert_no_error (error);
}

static char *
last_account (FcCredentials *credentials)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *account;

  fc_credentials_lookup_account_async (credentials, SERVER, NULL, on_done_cb, &slot);
  result = wait_for (&slot);
  account = fc_credentials_lookup_account_finish (credentials, result, &error);
  g_assert_no_error (error);
  return account;
}

static void
assert_tokens (FcCredentials *credentials,
               const char    *account,
               const char    *access,
               const char    *refresh)
{
  char *found_access = NULL;
  char *found_refresh = NULL;

  lookup (credentials, account, &found_access, &found_refresh);
  g_assert_cmpstr (found_access, ==, access);
  g_assert_cmpstr (found_refresh, ==, refresh);
  secret_password_free (found_access);
  secret_password_free (found_refresh);
}

/* The store → lookup → clear round trip every backend must pass. */
static void
round_trip (FcCredentials *credentials)
{
  g_autofree char *account = NULL;
  g_autofree char *second = NULL;

  assert_tokens (credentials, "ann@fitcore.test", NULL, NULL);

  g_assert_true (store (credentials, "ann@fitcore.test", "access-1", "refresh-1"));
  assert_tokens (credentials, "ann@fitcore.test", "access-1", "refresh-1");
  account = last_account (credentials);
  g_assert_cmpstr (account, ==, "ann@fitcore.test");

  /* A refresh replaces both items; nothing piles up. */
  g_assert_true (store (credentials, "ann@fitcore.test", "access-2", "refresh-2"));
  assert_tokens (credentials, "ann@fitcore.test", "access-2", "refresh-2");

  /* Another account on the same server is kept apart. */
  g_usleep (1100 * G_TIME_SPAN_MILLISECOND);  /* the keyring's mtime has 1 s steps */
  g_assert_true (store (credentials, "bob@fitcore.test", "access-b", NULL));
  assert_tokens (credentials, "bob@fitcore.test", "access-b", NULL);
  assert_tokens (credentials, "ann@fitcore.test", "access-2", "refresh-2");
  second = last_account (credentials);
  g_assert_cmpstr (second, ==, "bob@fitcore.test");

  /* Sign-out removes both. */
  clear (credentials, "ann@fitcore.test");
  assert_tokens (credentials, "ann@fitcore.test", NULL, NULL);
  assert_tokens (credentials, "bob@fitcore.test", "access-b", NULL);
  clear (credentials, "bob@fitcore.test");
  assert_tokens (credentials, "bob@fitcore.test", NULL, NULL);
}

static guint
count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  if (dir == NULL)
    return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? 1 : 0;

  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *child = g_build_filename (path, name, NULL);

    n += count_files (child);
  }
  return n;
}

static void
test_keyring (void)
{
  g_autoptr(FcCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *direct = NULL;
  Counts counts = { 0 };

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL) {
    g_test_skip ("No D-Bus session bus: run through tests/run for a real gnome-keyring");
    return;
  }

  credentials = fc_credentials_new ();
  g_signal_connect (credentials, "fallback", G_CALLBACK (on_fallback_cb), &counts);

  g_assert_true (store (credentials, "kim@fitcore.test", "access-k", "refresh-k"));
  g_assert_true (fc_credentials_get_persistent (credentials));
  g_assert_cmpuint (counts.fallbacks, ==, 0);

  /* Really in the Secret Service, under our schema and attributes. */
  direct = secret_password_lookup_sync (fc_credentials_get_schema (), NULL, &error,
                                        "server", SERVER, "account", "kim@fitcore.test",
                                        "kind", "refresh", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (direct, ==, "refresh-k");
  clear (credentials, "kim@fitcore.test");

  round_trip (credentials);
  g_assert_true (fc_credentials_get_persistent (credentials));
  g_assert_false (fc_credentials_take_fallback_notice (credentials));
  g_assert_cmpuint (counts.fallbacks, ==, 0);
}

/* In the child: tokens in memory, the user told once, nothing on disk. */
static void
check_memory_fallback (void)
{
  g_autoptr(FcCredentials) credentials = fc_credentials_new ();
  Counts counts = { 0 };

  g_object_set (credentials, "timeout", 1, NULL);
  g_signal_connect (credentials, "fallback", G_CALLBACK (on_fallback_cb), &counts);

  g_assert_true (fc_credentials_get_persistent (credentials));
  g_assert_true (store (credentials, "kim@fitcore.test", "access-k", "refresh-k"));
  g_assert_false (fc_credentials_get_persistent (credentials));
  g_assert_cmpuint (counts.fallbacks, ==, 1);
  g_assert_true (fc_credentials_take_fallback_notice (credentials));
  g_assert_false (fc_credentials_take_fallback_notice (credentials));
  assert_tokens (credentials, "kim@fitcore.test", "access-k", "refresh-k");
  clear (credentials, "kim@fitcore.test");

  round_trip (credentials);
  g_assert_cmpuint (counts.fallbacks, ==, 1);

  /* Never written anywhere else. */
  g_assert_cmpuint (count_files (g_get_home_dir ()), ==, 0);
  g_assert_cmpuint (count_files (g_get_user_data_dir ()), ==, 0);
  g_assert_cmpuint (count_files (g_get_user_config_dir ()), ==, 0);
  g_assert_cmpuint (count_files (g_get_user_cache_dir ()), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&credentials));
}

static void
test_no_service (void)
{
  if (g_test_subprocess ()) {
    g_autofree char *dead = g_build_filename (g_get_user_runtime_dir (), "no-bus", NULL);
    g_autofree char *address = g_strconcat ("unix:path=", dead, NULL);

    g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
    check_memory_fallback ();
    return;
  }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
on_timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
}

static void
test_never_answers (void)
{
  g_autoptr(FcTestSilentKeyring) keyring = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcCredentials) credentials = NULL;
  gint64 start;
  gboolean timed_out = FALSE;

  if (!g_test_subprocess ()) {
    g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");

    if (daemon == NULL) {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }
    g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed ();
    return;
  }

  keyring = fc_test_silent_keyring_new ();
  g_assert_nonnull (keyring);

  /* A task returned twice, or with a NULL error, is a critical: fatal here,
   * whatever G_DEBUG says. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  start = g_get_monotonic_time ();
  check_memory_fallback ();
  /* The first call waited for the one-second timeout, the rest not at all. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC);
  g_assert_cmpuint (fc_test_silent_keyring_swallowed (keyring), >=, 1);

  /* A call cancelled by the caller while the keyring is silent ends once,
   * cancelled, and the answer that comes after changes nothing. */
  credentials = fc_credentials_new ();
  g_object_set (credentials, "timeout", 1, NULL);
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GAsyncResult) result = NULL;
    GAsyncResult *slot = NULL;
    char *access = NULL;

    fc_credentials_lookup_async (credentials, SERVER, "kim@fitcore.test", cancellable,
                                 on_done_cb, &slot);
    g_cancellable_cancel (cancellable);
    result = wait_for (&slot);
    g_assert_false (fc_credentials_lookup_finish (credentials, result, &access, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (access);
    g_clear_error (&error);
  }
  g_assert_true (fc_credentials_get_persistent (credentials));
  assert_tokens (credentials, "kim@fitcore.test", NULL, NULL);  /* times out, falls back */
  g_assert_false (fc_credentials_get_persistent (credentials));

  fc_test_silent_keyring_answer_late (keyring);
  g_timeout_add_once (500, on_timed_out_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_finalize_object (g_steal_pointer (&credentials));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_url = g_strdup_printf ("https://run-%d-%08x.fitcore.example.com/", (int) getpid (),
                                g_random_int ());

  g_test_add_func ("/client/credentials/keyring", test_keyring);
  g_test_add_func ("/client/credentials/no-service", test_no_service);
  g_test_add_func ("/client/credentials/never-answers", test_never_answers);

  return g_test_run ();
}
