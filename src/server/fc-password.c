/* fc-password.c — Django-compatible password hashes and validators
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-password"

#include "config.h"

#include <nettle/memops.h>
#include <nettle/pbkdf2.h>
#include <nettle/sha2.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fc-password.h"
#include "fc-random.h"

#define ALGORITHM "pbkdf2_sha256"
#define SALT_LENGTH 22
#define MIN_LENGTH 8

/* The head of Django's common-passwords list (it ships 20,000; these are
 * the ones people actually try). Compared lowercased, as Django does. */
static const char * const common_passwords[] = {
  "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111",
  "1234567", "dragon", "123123", "baseball", "abc123", "football", "monkey", "letmein",
  "696969", "shadow", "master", "666666", "qwertyuiop", "123321", "mustang", "1234567890",
  "michael", "654321", "superman", "1qaz2wsx", "7777777", "121212", "000000", "qazwsx",
  "123qwe", "killer", "trustno1", "jordan", "jennifer", "zxcvbnm", "asdfgh", "hunter",
  "buster", "soccer", "harley", "batman", "andrew", "tigger", "sunshine", "iloveyou",
  "2000", "charlie", "robert", "thomas", "hockey", "ranger", "daniel", "starwars",
  "klaster", "112233", "george", "computer", "michelle", "jessica", "pepper", "1111",
  "zxcvbn", "555555", "11111111", "131313", "freedom", "777777", "pass", "maggie",
  "159753", "aaaaaa", "ginger", "princess", "joshua", "cheese", "amanda", "summer",
  "love", "ashley", "nicole", "chelsea", "biteme", "matthew", "access", "yankees",
  "987654321", "dallas", "austin", "thunder", "taylor", "matrix", "mobilemail", "mom",
  "monitor", "monitoring", "montana", "moon", "moscow", "password1", "password123",
  "passw0rd", "welcome", "welcome1", "admin", "admin123", "administrator", "qwerty123",
  "qwertyui", "football1", "baseball1", "sunshine1", "iloveyou1", "princess1", "abcdef",
  "abcd1234", "letmein1", "changeme", "secret", "default", "guest", "test", "test123",
  "testing", "whatever", "trustme", "starwars1", "q1w2e3r4", "q1w2e3r4t5", "1q2w3e4r",
  "1q2w3e4r5t", "zaq12wsx", "asdfghjkl", "asdf1234", "computer1", "hello", "hello123",
  "loveme", "lovely", "flower", "fitness", "fitcore", "workout",
};

/* Django's "pbkdf2_sha256$<iterations>$<salt>$<base64>". */
char *
fc_password_hash_with_salt (const char *password,
                            const char *salt,
                            guint       iterations)
{
  guint8 key[SHA256_DIGEST_SIZE];
  g_autofree char *encoded = NULL;

  g_return_val_if_fail (password != NULL && salt != NULL && iterations > 0, NULL);
  g_return_val_if_fail (strchr (salt, '$') == NULL, NULL);

  pbkdf2_hmac_sha256 (strlen (password), (const guint8 *) password, iterations, strlen (salt),
                      (const guint8 *) salt, sizeof key, key);
  encoded = g_base64_encode (key, sizeof key);
  return g_strdup_printf (ALGORITHM "$%u$%s$%s", iterations, salt, encoded);
}

char *
fc_password_hash (const char *password,
                  guint       iterations)
{
  g_autofree char *salt = fc_random_string (SALT_LENGTH, FC_RANDOM_ALPHANUMERIC);

  return fc_password_hash_with_salt (password, salt, iterations);
}

gboolean
fc_password_verify (const char *password,
                    const char *encoded)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *computed = NULL;
  guint64 iterations;
  char *end = NULL;
  gsize length;

  if (password == NULL || encoded == NULL)
    return FALSE;

  parts = g_strsplit (encoded, "$", 0);
  if (g_strv_length (parts) != 4 || !g_str_equal (parts[0], ALGORITHM) || *parts[2] == '\0')
    return FALSE;
  iterations = g_ascii_strtoull (parts[1], &end, 10);
  /* An absurd count in a corrupt row must not pin a worker for hours. */
  if (end == parts[1] || *end != '\0' || iterations == 0 || iterations > 100000000)
    return FALSE;

  computed = fc_password_hash_with_salt (password, parts[2], iterations);
  length = strlen (computed);
  return length == strlen (encoded) && memeql_sec (computed, encoded, length);
}

/* Hashing runs on a pool of its own, at a lower priority, so that a burst
 * of logins leaves the main loop a core to answer everything else (GTask's
 * shared pool would let them take every core). The queue is bounded: a
 * flood of guesses must not leave a real login waiting behind all of them,
 * so a job beyond the bound fails at once with G_IO_ERROR_BUSY. */

typedef struct {
  char  *password;
  char  *encoded;     /* NULL: hash, else verify against it */
  guint  iterations;
} HashJob;

static GMutex pool_lock;
static GThreadPool *pool;
static guint pool_workers = 2;
static guint pool_queue_limit = 16;
static guint pool_jobs;            /* queued or running */
static gint64 pool_job_us;         /* running average of one job's time */

static void
hash_job_free (HashJob *job)
{
  g_free (job->password);
  g_free (job->encoded);
  g_free (job);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;
  HashJob *job = g_task_get_task_data (task);
  static GPrivate niced;
  gint64 started = g_get_monotonic_time ();

  if (g_private_get (&niced) == NULL) {
    /* Linux applies nice values per thread. */
    setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
    g_private_set (&niced, GINT_TO_POINTER (1));
  }

  if (job->encoded != NULL)
    g_task_return_boolean (task, fc_password_verify (job->password, job->encoded));
  else
    g_task_return_pointer (task, fc_password_hash (job->password, job->iterations), g_free);

  g_mutex_lock (&pool_lock);
  pool_jobs--;
  pool_job_us = pool_job_us == 0 ? g_get_monotonic_time () - started
                                 : (3 * pool_job_us + g_get_monotonic_time () - started) / 4;
  g_mutex_unlock (&pool_lock);
}

void
fc_password_configure_pool (guint workers,
                            guint queue_limit)
{
  g_return_if_fail (workers > 0);

  g_mutex_lock (&pool_lock);
  pool_workers = workers;
  pool_queue_limit = queue_limit;
  if (pool != NULL)
    g_thread_pool_set_max_threads (pool, workers, NULL);
  g_mutex_unlock (&pool_lock);
}

guint
fc_password_busy_retry_after (void)
{
  gint64 wait_us;

  g_mutex_lock (&pool_lock);
  wait_us = pool_job_us * ((pool_jobs + pool_workers - 1) / pool_workers);
  g_mutex_unlock (&pool_lock);
  return MAX (1, (wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

static void
push_job (GTask   *task,
          HashJob *job)
{
  gboolean full;

  g_task_set_task_data (task, job, (GDestroyNotify) hash_job_free);

  g_mutex_lock (&pool_lock);
  if (pool == NULL)
    pool = g_thread_pool_new (run_job, NULL, pool_workers, FALSE, NULL);
  full = pool_jobs >= pool_workers + pool_queue_limit;
  if (!full)
    pool_jobs++;
  g_mutex_unlock (&pool_lock);

  if (full) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                             "Too many passwords are being checked; try again.");
    return;
  }
  g_thread_pool_push (pool, g_object_ref (task), NULL);
}

void
fc_password_hash_async (const char          *password,
                        guint                iterations,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HashJob *job;

  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_password_hash_async);
  job = g_new0 (HashJob, 1);
  job->password = g_strdup (password);
  job->iterations = iterations;
  push_job (task, job);
}

char *
fc_password_hash_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fc_password_verify_async (const char          *password,
                          const char          *encoded,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HashJob *job;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_password_verify_async);
  job = g_new0 (HashJob, 1);
  job->password = g_strdup (password != NULL ? password : "");
  job->encoded = g_strdup (encoded != NULL ? encoded : "");
  push_job (task, job);
}

gboolean
fc_password_verify_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char **
fc_password_validate (const char *password)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *lowered = NULL;
  g_auto(GStrv) messages = NULL;
  gboolean numeric = TRUE;

  g_return_val_if_fail (password != NULL, NULL);

  if (g_utf8_strlen (password, -1) < MIN_LENGTH)
    g_strv_builder_add (builder, "This password is too short. It must contain at least 8 characters.");

  lowered = g_utf8_strdown (password, -1);
  g_strstrip (lowered);
  for (gsize i = 0; i < G_N_ELEMENTS (common_passwords); i++) {
    if (g_str_equal (lowered, common_passwords[i])) {
      g_strv_builder_add (builder, "This password is too common.");
      break;
    }
  }

  for (const char *p = password; *p != '\0'; p++)
    numeric = numeric && g_ascii_isdigit (*p);
  if (numeric && *password != '\0')
    g_strv_builder_add (builder, "This password is entirely numeric.");

  messages = g_strv_builder_end (builder);
  if (messages[0] == NULL)
    return NULL;
  return g_steal_pointer (&messages);
}
