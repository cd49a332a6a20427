/* test-server-faults.c — accounts when the disk fills and hashing backs up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The full disk is real: the server runs with SIGXFSZ ignored, and the test
 * lowers its RLIMIT_FSIZE to 0 with prlimit(2), so every write to a file
 * (SQLite's WAL included) fails with EFBIG until the limit is raised again.
 */

/* prlimit(2) */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fc-json.h"
#include "fc-server-test-util.h"
#include "fc-test-pg.h"

#define AUTH "/api/v1/auth/"

/* A wrapper that ignores SIGXFSZ (dispositions of ignored signals survive
 * exec) and then runs the real server in its place, same pid. */
static FcTestServer *
start_server_ignoring_sigxfsz (const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *real = g_strdup (g_getenv ("FITCORE_SERVER"));
  g_autofree char *dir = g_dir_make_tmp ("fitcore-wrapper-XXXXXX", &error);
  g_autofree char *wrapper = g_build_filename (dir, "fitcore-server", NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\ntrap '' XFSZ\nexec '%s' \"$@\"\n", real);
  FcTestServer *server;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (wrapper, script, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (wrapper, 0700), ==, 0);

  g_setenv ("FITCORE_SERVER", wrapper, TRUE);
  server = fc_st_start (extra, FALSE);
  g_setenv ("FITCORE_SERVER", real, TRUE);

  g_unlink (wrapper);
  g_rmdir (dir);
  return server;
}

static void
set_disk_full (FcTestServer *server,
               gboolean      full)
{
  const char *id = g_subprocess_get_identifier (server->process);
  struct rlimit limit = { 0 };
  pid_t pid;

  g_assert_nonnull (id);
  pid = (pid_t) g_ascii_strtoll (id, NULL, 10);
  /* Only the soft limit moves: raising a hard limit needs a privilege. */
  g_assert_cmpint (prlimit (pid, RLIMIT_FSIZE, NULL, &limit), ==, 0);
  limit.rlim_cur = full ? 0 : limit.rlim_max;
  g_assert_cmpint (prlimit (pid, RLIMIT_FSIZE, &limit, NULL), ==, 0);
}

static void
assert_no_tokens (FcTestResponse *response)
{
  g_autofree char *body = fc_st_body (response);
  g_autoptr(GPtrArray) cookies = fc_st_set_cookies (response);

  g_assert_null (strstr (body, "access"));
  g_assert_null (strstr (body, "refresh"));
  g_assert_null (strstr (body, "saved"));
  for (guint i = 0; i < cookies->len; i++)
    g_assert_false (g_str_has_prefix (g_ptr_array_index (cookies, i), "fitcore-"));
}

static char *
registration_body (const char *email)
{
  return g_strdup_printf ("{\"email\":\"%s\",\"password1\":\"" FC_ST_PASSWORD "\",\"password2\":\""
                          FC_ST_PASSWORD "\",\"first_name\":\"F\",\"last_name\":\"L\"}", email);
}

static gint64
user_id_of (FcTestResponse *response)
{
  JsonObject *user = fc_json_get_object (fc_test_response_object (response), "user");
  gint64 id = 0;

  g_assert_true (fc_json_get_int (user, "pk", &id));
  return id;
}

/* The full disk is the server process's RLIMIT_FSIZE: on PostgreSQL the
 * database's files are written by another process, which the limit does
 * not reach. */
static gboolean
skip_on_postgresql (void)
{
  if (!fc_test_pg_wanted ())
    return FALSE;
  g_test_skip ("SQLite-only: the full disk is the server's file size limit, and PostgreSQL's "
               "writes are another process's");
  return TRUE;
}

/* On a full disk, registration, login, refresh and a password change all
 * answered success with tokens (or "saved") while the COMMIT failed and
 * the rows were rolled back. */
static void
test_disk_full (void)
{
  g_autoptr(FcTestServer) server = start_server_ignoring_sigxfsz (NULL);
  g_autofree char *refresh = NULL;
  g_autofree char *access = fc_test_register (server, "first@fitcore.test", FC_ST_PASSWORD, &refresh);
  g_autofree char *lost_body = registration_body ("lost@fitcore.test");
  g_autofree char *refresh_body = g_strdup_printf ("{\"refresh\":\"%s\"}", refresh);
  g_autoptr(FcTestResponse) lost = NULL;
  g_autoptr(FcTestResponse) login = NULL;
  g_autoptr(FcTestResponse) rotated = NULL;
  g_autoptr(FcTestResponse) change = NULL;
  g_autoptr(FcTestResponse) again = NULL;
  g_autoptr(FcTestResponse) old_password = NULL;
  g_autoptr(FcTestResponse) new_password = NULL;
  g_autoptr(FcTestResponse) still_valid = NULL;
  g_autoptr(FcTestResponse) me = NULL;
  FcSql *db;

  if (skip_on_postgresql ())
    return;
  set_disk_full (server, TRUE);

  lost = fc_test_request (server, "POST", AUTH "registration/", NULL, lost_body);
  g_assert_cmpuint (lost->status, >=, 500);
  assert_no_tokens (lost);

  login = fc_test_request (server, "POST", AUTH "oauth/login/", NULL,
                           "{\"email\":\"first@fitcore.test\",\"password\":\"" FC_ST_PASSWORD "\"}");
  g_assert_cmpuint (login->status, >=, 500);
  assert_no_tokens (login);

  rotated = fc_test_request (server, "POST", AUTH "oauth/token/refresh/", NULL, refresh_body);
  g_assert_cmpuint (rotated->status, >=, 500);
  assert_no_tokens (rotated);

  change = fc_test_request (server, "POST", AUTH "oauth/password/change/", access,
                            "{\"new_password1\":\"Another-Pass-77\",\"new_password2\":\"Another-Pass-77\"}");
  g_assert_cmpuint (change->status, >=, 500);
  assert_no_tokens (change);

  set_disk_full (server, FALSE);

  /* Nothing of the above happened: the old password works, the new one
   * does not, the refresh token was not rotated, "lost" has no account. */
  old_password = fc_test_request (server, "POST", AUTH "oauth/login/", NULL,
                                  "{\"email\":\"first@fitcore.test\",\"password\":\"" FC_ST_PASSWORD "\"}");
  g_assert_cmpuint (old_password->status, ==, 200);
  new_password = fc_test_request (server, "POST", AUTH "oauth/login/", NULL,
                                  "{\"email\":\"first@fitcore.test\",\"password\":\"Another-Pass-77\"}");
  g_assert_cmpuint (new_password->status, ==, 400);
  still_valid = fc_test_request (server, "POST", AUTH "oauth/token/refresh/", NULL, refresh_body);
  g_assert_cmpuint (still_valid->status, ==, 200);

  again = fc_test_request (server, "POST", AUTH "registration/", NULL, lost_body);
  g_assert_cmpuint (again->status, ==, 201);
  db = fc_st_open_db (server);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM users"), ==, 2);
  fc_sql_close (db);

  me = fc_test_request (server, "GET", AUTH "oauth/user/", access, NULL);
  g_assert_cmpuint (me->status, ==, 200);
}

/* users.id had no AUTOINCREMENT: once the newest account was gone, the
 * next registration got its id, and the old account's tokens opened it. */
static void
test_ids_not_reused (void)
{
  g_autoptr(FcTestServer) server = fc_st_start (NULL, FALSE);
  g_autofree char *keep = fc_st_register (server, "keep@fitcore.test");
  g_autofree char *gone = fc_st_register (server, "gone@fitcore.test");
  g_autofree char *next_body = registration_body ("next@fitcore.test");
  g_autoptr(FcTestResponse) next = NULL;
  g_autoptr(FcTestResponse) stale = NULL;
  gint64 gone_id = fc_st_jwt_claim (gone, "user_id");
  g_autofree char *delete = g_strdup_printf ("DELETE FROM users WHERE id = %" G_GINT64_FORMAT,
                                             gone_id);
  FcSql *db = fc_st_open_db (server);

  /* An account deleted behind the server's back, as an admin would, its
   * rows going with it (PostgreSQL checks foreign keys always). */
  if (fc_sql_get_backend (db) == FC_SQL_BACKEND_SQLITE)
    fc_st_exec (db, "PRAGMA foreign_keys = ON");
  fc_st_exec (db, delete);
  fc_sql_close (db);

  next = fc_test_request (server, "POST", AUTH "registration/", NULL, next_body);
  g_assert_cmpuint (next->status, ==, 201);
  g_assert_cmpint (user_id_of (next), >, gone_id);

  stale = fc_test_request (server, "GET", AUTH "oauth/user/", gone, NULL);
  g_assert_cmpuint (stale->status, ==, 401);
}

static gint64
timed_login (FcTestServer *server,
             guint        *status)
{
  static const char body[] = "{\"email\":\"real@fitcore.test\",\"password\":\"" FC_ST_PASSWORD "\"}";
  FcStAttempt attempt = { .path = AUTH "oauth/login/", .body = body };

  fc_st_raw_post_all (server, &attempt, 1);
  *status = attempt.status;
  return attempt.latency_us;
}

/* One hashing worker and an unbounded queue: a real login waited behind
 * every bad one. Now the queue is bounded (429 with Retry-After beyond it)
 * and there are two workers, so a login waits for a few hashes at most. */
static void
test_hash_queue_bounded (void)
{
  g_autoptr(FcTestServer) server = fc_st_start ("password_iterations=600000\n"
                                                "login_failures_limit=0\n"
                                                "password_workers=2\npassword_queue_limit=2", FALSE);
  g_autofree char *access = fc_st_register (server, "real@fitcore.test");
  enum { N_GUESSES = 30 };
  FcStAttempt attempts[N_GUESSES + 1] = { { 0 } };
  FcStAttempt *real = &attempts[N_GUESSES];
  gint64 one_hash_us;
  guint status = 0, busy;

  one_hash_us = timed_login (server, &status);
  g_assert_cmpuint (status, ==, 200);

  for (guint i = 0; i < N_GUESSES; i++) {
    attempts[i].path = AUTH "oauth/login/";
    attempts[i].body = "{\"email\":\"real@fitcore.test\",\"password\":\"wrong-guess\"}";
  }
  /* The real login goes once the flood has reached the server. */
  real->path = AUTH "oauth/login/";
  real->body = "{\"email\":\"real@fitcore.test\",\"password\":\"" FC_ST_PASSWORD "\"}";
  real->delay_us = MIN (one_hash_us / 2, G_USEC_PER_SEC);
  fc_st_raw_post_all (server, attempts, G_N_ELEMENTS (attempts));

  busy = fc_st_attempts_count (attempts, N_GUESSES, 429);
  g_test_message ("one hash: %.0f ms; real login during a flood of %d: %u after %.0f ms; "
                  "%u guesses refused with 429", one_hash_us / 1000.0, N_GUESSES, real->status,
                  real->latency_us / 1000.0, busy);
  g_assert_cmpuint (busy + fc_st_attempts_count (attempts, N_GUESSES, 400), ==, N_GUESSES);
  g_assert_cmpuint (busy, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    g_assert_true (attempts[i].status != 429 || attempts[i].retry_after > 0);
  g_assert_true (real->status == 200 || real->status == 429);
  /* At most workers + queue jobs are ahead of it: a few hash times, never
   * the whole flood (30 hash times on one worker before). */
  g_assert_cmpint (real->latency_us, <, 8 * one_hash_us + G_USEC_PER_SEC);

  /* Once the flood has drained, the login goes through. */
  timed_login (server, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* The server's mail_file as a FIFO: a full disk (RLIMIT_FSIZE) stops
 * writes to files, not to pipes, so the mails still get through. The test
 * holds both ends, so the server's open never waits for a reader. */
typedef struct {
  char *dir;
  char *path;
  int   fd;
} MailPipe;

static MailPipe *
mail_pipe_new (void)
{
  MailPipe *pipe = g_new0 (MailPipe, 1);

  pipe->dir = g_dir_make_tmp ("fitcore-mail-XXXXXX", NULL);
  g_assert_nonnull (pipe->dir);
  pipe->path = g_build_filename (pipe->dir, "mail.fifo", NULL);
  g_assert_cmpint (mkfifo (pipe->path, 0600), ==, 0);
  pipe->fd = open (pipe->path, O_RDWR | O_NONBLOCK);
  g_assert_cmpint (pipe->fd, >=, 0);
  return pipe;
}

/* Every mail written since the last call. The server writes a mail before
 * it answers, so once the answer is in, so is the mail. */
static char *
mail_pipe_read (MailPipe *pipe)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  while ((n = read (pipe->fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (text, buffer, n);
  g_assert_true (n == 0 || errno == EAGAIN);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
mail_pipe_free (MailPipe *pipe)
{
  close (pipe->fd);
  g_unlink (pipe->path);
  g_rmdir (pipe->dir);
  g_free (pipe->path);
  g_free (pipe->dir);
  g_free (pipe);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MailPipe, mail_pipe_free)

/* resend-email/ wrote the mail inside the request's transaction: on a full
 * disk the mail went out with a key that the failed commit then lost. */
static void
test_mail_after_commit (void)
{
  g_autoptr(MailPipe) mail = mail_pipe_new ();
  g_autofree char *extra = g_strdup_printf ("mail_file=%s", mail->path);
  g_autoptr(FcTestServer) server = start_server_ignoring_sigxfsz (extra);
  g_autofree char *access = fc_st_register (server, "unverified@fitcore.test");
  static const char resend[] = "{\"email\":\"unverified@fitcore.test\"}";
  g_autoptr(FcTestResponse) lost = NULL;
  g_autoptr(FcTestResponse) sent = NULL;
  g_autoptr(FcTestResponse) verified = NULL;
  g_autofree char *registration_mail = mail_pipe_read (mail);
  g_autofree char *lost_mail = NULL;
  g_autofree char *sent_mail = NULL;
  g_autofree char *key = NULL;
  g_autofree char *verify = NULL;
  const char *found;
  FcSql *db;

  if (skip_on_postgresql ())
    return;
  g_assert_nonnull (strstr (registration_mail, "mail to unverified@fitcore.test"));

  set_disk_full (server, TRUE);
  lost = fc_test_request (server, "POST", AUTH "registration/resend-email/", NULL, resend);
  lost_mail = mail_pipe_read (mail);
  set_disk_full (server, FALSE);
  g_assert_cmpuint (lost->status, >=, 500);
  g_assert_cmpstr (lost_mail, ==, "");
  db = fc_st_open_db (server);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM email_confirmations"), ==, 1);
  fc_sql_close (db);

  /* With room on the disk, the mail goes out and its key works. */
  sent = fc_test_request (server, "POST", AUTH "registration/resend-email/", NULL, resend);
  g_assert_cmpuint (sent->status, ==, 200);
  sent_mail = mail_pipe_read (mail);
  g_assert_nonnull (strstr (sent_mail, "mail to unverified@fitcore.test"));
  found = strstr (sent_mail, "{\"key\": \"");
  g_assert_nonnull (found);
  found += strlen ("{\"key\": \"");
  key = g_strndup (found, strcspn (found, "\""));
  verify = g_strdup_printf ("{\"key\":\"%s\"}", key);
  verified = fc_test_request (server, "POST", AUTH "registration/verify-email/", NULL, verify);
  g_assert_cmpuint (verified->status, ==, 200);
}

/* A heavy plan's answer is built off the main loop after an early commit
 * (src/server/fc-server-request.c): on a full disk that commit fails, and
 * the answer is a 500 with no plan left behind, never a 201. */
static void
test_plan_answer_after_commit (void)
{
  g_autoptr(FcTestServer) server = start_server_ignoring_sigxfsz (NULL);
  g_autofree char *access = fc_st_register (server, "planner@fitcore.test");
  g_autoptr(GString) plan = g_string_new ("{\"name\":\"Year\",\"duration_days\":366,"
                                          "\"scheduled_meals_payload\":[");
  g_autoptr(FcTestResponse) food = NULL;
  g_autoptr(FcTestResponse) meal_a = NULL;
  g_autoptr(FcTestResponse) meal_b = NULL;
  g_autoptr(FcTestResponse) lost = NULL;
  g_autoptr(FcTestResponse) created = NULL;
  g_autoptr(FcTestResponse) fetched = NULL;
  g_autofree char *meal_body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *created_text = NULL;
  g_autofree char *fetched_text = NULL;
  gint64 food_id = 0, meal_ids[2] = { 0 }, plan_id = 0;
  FcSql *db;

  if (skip_on_postgresql ())
    return;
  food = fc_test_request (server, "POST", "/api/v1/nutrition/foods/", access,
                          "{\"name\":\"Rice\",\"calories\":130,\"protein\":2.7,"
                          "\"carbohydrates\":28,\"fat\":0.3}");
  g_assert_cmpuint (food->status, ==, 201);
  g_assert_true (fc_json_get_int (fc_test_response_object (food), "id", &food_id));
  meal_body = g_strdup_printf ("{\"name\":\"Bowl\",\"meal_time_category\":\"LN\","
                               "\"meal_items\":[{\"food\":%" G_GINT64_FORMAT "}]}", food_id);
  meal_a = fc_test_request (server, "POST", "/api/v1/nutrition/meals/", access, meal_body);
  meal_b = fc_test_request (server, "POST", "/api/v1/nutrition/meals/", access, meal_body);
  g_assert_cmpuint (meal_a->status, ==, 201);
  g_assert_cmpuint (meal_b->status, ==, 201);
  g_assert_true (fc_json_get_int (fc_test_response_object (meal_a), "id", &meal_ids[0]));
  g_assert_true (fc_json_get_int (fc_test_response_object (meal_b), "id", &meal_ids[1]));
  /* 732 entries of a one-item meal: heavier than what is answered inline. */
  for (guint day = 1; day <= 366; day++)
    for (guint m = 0; m < 2; m++)
      g_string_append_printf (plan, "%s{\"meal\":%" G_GINT64_FORMAT ",\"day_of_plan\":%u}",
                              day == 1 && m == 0 ? "" : ",", meal_ids[m], day);
  g_string_append (plan, "]}");

  set_disk_full (server, TRUE);
  lost = fc_test_request (server, "POST", "/api/v1/nutrition/meal-plans/", access, plan->str);
  set_disk_full (server, FALSE);
  g_assert_cmpuint (lost->status, >=, 500);
  {
    g_autofree char *body = fc_st_body (lost);

    g_assert_null (strstr (body, "scheduled_meals"));
  }
  db = fc_st_open_db (server);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM meal_plans"), ==, 0);
  g_assert_cmpint (fc_st_query_int (db, "SELECT count(*) FROM scheduled_meals"), ==, 0);
  fc_sql_close (db);

  /* With room, it is saved, and the answer is the plan as a GET reads it,
   * byte for byte. */
  created = fc_test_request (server, "POST", "/api/v1/nutrition/meal-plans/", access, plan->str);
  g_assert_cmpuint (created->status, ==, 201);
  g_assert_true (fc_json_get_int (fc_test_response_object (created), "id", &plan_id));
  path = g_strdup_printf ("/api/v1/nutrition/meal-plans/%" G_GINT64_FORMAT "/", plan_id);
  fetched = fc_test_request (server, "GET", path, access, NULL);
  g_assert_cmpuint (fetched->status, ==, 200);
  created_text = fc_st_body (created);
  fetched_text = fc_st_body (fetched);
  g_assert_cmpstr (created_text, ==, fetched_text);
  g_assert_cmpuint (json_array_get_length (fc_json_get_array (fc_test_response_object (fetched),
                                                              "scheduled_meals")), ==, 732);
}

int
main (int   argc,
      char *argv[])
{
  fc_st_init_environment ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/faults/disk-full", test_disk_full);
  g_test_add_func ("/server/faults/ids-not-reused", test_ids_not_reused);
  g_test_add_func ("/server/faults/hash-queue-bounded", test_hash_queue_bounded);
  g_test_add_func ("/server/faults/mail-after-commit", test_mail_after_commit);
  g_test_add_func ("/server/faults/plan-answer-after-commit", test_plan_answer_after_commit);

  return g_test_run ();
}
