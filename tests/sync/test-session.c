/* test-session.c — what a sign-in asks the server for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FcSession against the real fitcore-server with its request log: the
 * requests are counted where the server saw them.
 */

#include "config.h"

#include "fc-session.h"
#include "sync-test-util.h"

#define EMAIL "sam@fitcore.test"

/* Iterates until @engine's first run has ended without an error. */
static void
wait_first_sync (FcSyncEngine *engine)
{
  gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (fc_sync_engine_get_last_synced (engine) == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (fc_sync_engine_get_last_synced (engine), !=, 0);
  sync_test_wait_quiet (engine, 500, 120);
}

/* The login answer carries the account: a sign-in sends the login and
 * never asks for the account again (GET auth/oauth/user/ was sent once per
 * sign-in before), and the account's names are known as soon as the
 * sign-in finishes. A sync the user asks for later still reads it. */
static void
test_sign_in_requests (void)
{
  g_autoptr(SyncTestLog) log = NULL;
  g_autoptr(FcTestServer) server = sync_test_server_start_logged (NULL, SYNC_TEST_CONFIG, NULL,
                                                                  &log);
  g_autofree char *url = sync_test_url (server);
  g_autoptr(FcSession) session = fc_session_new ();
  g_autoptr(GPtrArray) registration = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) forced = NULL;
  FcSyncEngine *engine;

  g_free (fc_test_register (server, EMAIL, SYNC_TEST_PASSWORD, NULL));
  registration = sync_test_log_take_until (log, "POST /api/v1/auth/registration/", 30);
  g_assert_nonnull (registration);

  sync_test_sign_in (session, url, EMAIL, SYNC_TEST_PASSWORD);
  g_assert_cmpstr (fc_session_get_account (session), ==, EMAIL);
  g_assert_cmpstr (fc_session_get_first_name (session), ==, "Test");
  g_assert_cmpstr (fc_session_get_last_name (session), ==, "User");
  engine = fc_session_get_sync_engine (session);
  wait_first_sync (engine);

  lines = sync_test_log_take (log);
  sync_test_log_lines ("sign-in and first sync", lines);
  g_assert_cmpuint (sync_test_lines_count (lines, "POST /api/v1/auth/oauth/login/ 200"), ==, 1);
  g_assert_cmpuint (sync_test_lines_count (lines, "/api/v1/auth/oauth/user/"), ==, 0);
  g_assert_cmpuint (sync_test_lines_count (lines, " 401 "), ==, 0);
  g_assert_cmpstr (fc_session_get_first_name (session), ==, "Test");

  /* Only the first pull after the sign-in goes without it. */
  fc_sync_engine_request_full_sync (engine);
  while (fc_sync_engine_get_state (engine) != FC_SYNC_STATE_SYNCING)
    g_main_context_iteration (NULL, TRUE);
  sync_test_wait_quiet (engine, 500, 120);
  forced = sync_test_log_take (log);
  sync_test_log_lines ("asked-for sync", forced);
  g_assert_cmpuint (sync_test_lines_count (forced, "GET /api/v1/auth/oauth/user/ 200"), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync/session/sign-in-requests", test_sign_in_requests);

  return g_test_run ();
}
