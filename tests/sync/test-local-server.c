/* test-local-server.c — FcLocalServer and "use this computer only"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "fc-local-server.h"
#include "fc-test-secrets.h"
#include "sync-test-util.h"

static guint
get_status (const char *url)
{
  g_autoptr(SoupSession) soup = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (soup, message, NULL, &error);
  return body != NULL ? soup_message_get_status (message) : 0;
}

/* Starts a real server, answers, stops, and no longer answers. */
static void
test_start_stop (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "server", NULL);
  g_autoptr(FcLocalServer) server = fc_local_server_new (NULL, data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *api = NULL;
  g_autofree char *db = g_build_filename (data_dir, "fitcore.db", NULL);
  GAsyncResult *slot = NULL;

  g_assert_null (fc_local_server_get_url (server));
  fc_local_server_start_async (server, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_local_server_start_finish (server, result, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (fc_local_server_get_url (server), "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (fc_local_server_get_url (server), "/"));
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));

  api = g_strconcat (fc_local_server_get_url (server), "api/v1/", NULL);
  g_assert_cmpuint (get_status (api), ==, 200);

  fc_local_server_stop (server);
  g_assert_null (fc_local_server_get_url (server));
  g_assert_cmpuint (get_status (api), ==, 0);
}

/* A binary that is not there fails the start with a sentence. */
static void
test_missing_binary (void)
{
  g_autoptr(FcLocalServer) server = fc_local_server_new ("/nonexistent/fitcore-server",
                                                         g_get_user_data_dir ());
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fc_local_server_start_async (server, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_false (fc_local_server_start_finish (server, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_null (fc_local_server_get_url (server));
}

static void
use_local (FcSession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fc_session_use_local_server_async (session, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  g_assert_true (fc_session_use_local_server_finish (session, result, &error));
  g_assert_no_error (error);
}

/* "Use this computer only" signs in to a server of our own, keeps the
 * same store across restarts (the port changes), and sign-out stops it. */
static void
test_use_local_server (void)
{
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = NULL;
  g_autofree char *url = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *api = NULL;
  GAsyncResult *slot = NULL;

  use_local (session);
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_IN);
  g_assert_true (fc_session_is_local (session));
  g_assert_cmpstr (fc_session_get_account (session), ==, "me@localhost.localdomain");
  g_assert_true (g_str_has_prefix (fc_session_get_server_url (session), "http://127.0.0.1:"));
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_assert_true (fc_session_has_section (session, "nutrition"));

  item = sync_test_create_food (fc_session_get_store (session), "My own food", 42);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fc_sync_engine_get_pending_count (fc_session_get_sync_engine (session)), ==, 0);
  store_path = g_strdup (fc_store_get_path (fc_session_get_store (session)));
  url = g_strdup (fc_session_get_server_url (session));
  api = g_strconcat (url, "api/v1/", NULL);

  fc_session_sign_out_async (session, NULL, sync_test_done_cb, &slot);
  result = sync_test_wait (&slot);
  fc_session_sign_out_finish (session, result);
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_OUT);
  g_assert_cmpuint (get_status (api), ==, 0);

  /* Again: the password comes from the keyring, the store is the same. */
  use_local (session);
  g_assert_cmpstr (fc_store_get_path (fc_session_get_store (session)), ==, store_path);
  g_assert_true (sync_test_run (fc_session_get_sync_engine (session), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sync_test_store_count (fc_session_get_store (session),
                                          "SELECT count(*) FROM foods WHERE id > 0 "
                                          "AND name = 'My own food'"), ==, 1);
}

/* A keyring that takes every call and answers none (locked, its prompt
 * unanswered) must not leave "Use this computer only" waiting forever: the
 * local password's look-up and store give up, and the session signs in with
 * its tokens in memory. */
static void
test_use_local_server_silent_keyring (void)
{
  g_autoptr(FcTestSilentKeyring) keyring = NULL;
  g_autoptr(FcSession) session = NULL;
  gint64 start;

  if (!g_test_subprocess ()) {
    g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");

    if (daemon == NULL) {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }
    g_test_trap_subprocess (NULL, 80 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed ();
    return;
  }

  keyring = fc_test_silent_keyring_new ();
  g_assert_nonnull (keyring);
  session = fc_session_new ();

  start = g_get_monotonic_time ();
  use_local (session);
  g_assert_cmpuint (fc_session_get_state (session), ==, FC_SESSION_SIGNED_IN);
  g_assert_true (fc_session_is_local (session));
  g_assert_false (fc_session_get_secrets_persistent (session));
  g_assert_cmpuint (fc_test_silent_keyring_swallowed (keyring), >=, 1);
  /* Three bounded keyring waits at most: password look-up, password store,
   * token store (after that the credentials stay in memory). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  /* The isolated XDG dirs have no GSettings schemas for GNOME's proxy
   * resolver, and every server here is on loopback anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/local-server/start-stop", test_start_stop);
  g_test_add_func ("/sync/local-server/missing-binary", test_missing_binary);
  g_test_add_func ("/sync/session/use-local-server", test_use_local_server);
  g_test_add_func ("/sync/session/use-local-server-silent-keyring",
                   test_use_local_server_silent_keyring);

  return g_test_run ();
}
