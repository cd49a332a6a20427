/* test-password.c — Django-compatible password hashes and validators
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fc-password.h"

/* Expected values computed once with Python:
 *   base64.b64encode(hashlib.pbkdf2_hmac("sha256", password, salt, n)) */
static void
test_python_vector (void)
{
  g_autofree char *hash = fc_password_hash_with_salt ("correct horse", "abcdefghijklmnopqrstuv", 1000);

  g_assert_cmpstr (hash, ==,
                   "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$3sV/SVfT6ME4dIgYVdSlH0jEvyK0z+y3AJvov9Y+8MA=");
  g_assert_true (fc_password_verify ("correct horse", hash));
}

/* Django 5.2's own count and a non-ASCII password (UTF-8 bytes). */
static void
test_python_vector_django_iterations (void)
{
  static const char stored[] =
    "pbkdf2_sha256$1000000$SaltSaltSaltSaltSalt12$31QwpDgshyWRNmd1RYpTf0dqjDoHjlqNQKmY4ezArl0=";

  g_assert_true (fc_password_verify ("pässwörd", stored));
  g_assert_false (fc_password_verify ("passwörd", stored));
}

static void
test_hash_format (void)
{
  g_autofree char *a = fc_password_hash ("Sup3r-Secret-42", 1000);
  g_autofree char *b = fc_password_hash ("Sup3r-Secret-42", 1000);
  g_auto(GStrv) parts = g_strsplit (a, "$", -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_cmpstr (parts[0], ==, "pbkdf2_sha256");
  g_assert_cmpstr (parts[1], ==, "1000");
  g_assert_cmpuint (strlen (parts[2]), ==, 22);
  for (const char *p = parts[2]; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p));
  g_assert_cmpuint (strlen (parts[3]), ==, 44);
  /* Fresh salt each time. */
  g_assert_cmpstr (a, !=, b);
  g_assert_true (fc_password_verify ("Sup3r-Secret-42", a));
  g_assert_false (fc_password_verify ("Sup3r-Secret-43", a));
  g_assert_false (fc_password_verify ("", a));
}

static void
test_malformed_stored (void)
{
  static const char * const stored[] = {
    "", "!", "pbkdf2_sha256", "pbkdf2_sha256$1000$salt", "md5$1000$salt$abc",
    "pbkdf2_sha256$abc$salt$3sV/SVfT6ME4dIgYVdSlH0jEvyK0z+y3AJvov9Y+8MA=",
    "pbkdf2_sha256$0$salt$3sV/SVfT6ME4dIgYVdSlH0jEvyK0z+y3AJvov9Y+8MA=",
    "pbkdf2_sha256$1000$$3sV/SVfT6ME4dIgYVdSlH0jEvyK0z+y3AJvov9Y+8MA=",
    "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$3sV/SVfT6ME4dIgYVdSlH0jEvyK0z+y3AJvov9Y+8MA=$x",
    "pbkdf2_sha256$99999999999$abcdefghijklmnopqrstuv$3sV/SVfT6ME4dIgYVdSlH0jEvyK0z+y3AJvov9Y+8MA=",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (stored); i++)
    g_assert_false (fc_password_verify ("correct horse", stored[i]));
}

static void
on_verified_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  int *state = user_data;
  g_autoptr(GError) error = NULL;

  *state = fc_password_verify_finish (result, &error) ? 1 : 2;
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autofree char *hash = fc_password_hash_with_salt ("correct horse", "abcdefghijklmnopqrstuv", 1000);
  int good = 0, bad = 0;

  fc_password_verify_async ("correct horse", hash, NULL, on_verified_cb, &good);
  fc_password_verify_async ("wrong horse", hash, NULL, on_verified_cb, &bad);
  while (good == 0 || bad == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (good, ==, 1);
  g_assert_cmpint (bad, ==, 2);
}

static void
test_validators (void)
{
  g_auto(GStrv) short_numeric = fc_password_validate ("1234");
  g_auto(GStrv) common = fc_password_validate ("Password1");
  g_auto(GStrv) numeric = fc_password_validate ("98765432101");
  g_auto(GStrv) fine = fc_password_validate ("Sup3r-Secret-42");
  const char * const expected[] = {
    "This password is too short. It must contain at least 8 characters.",
    "This password is too common.",
    "This password is entirely numeric.",
    NULL,
  };

  /* "1234" is short, common and numeric, in Django's order. */
  g_assert_cmpstrv (short_numeric, expected);
  g_assert_cmpuint (g_strv_length (common), ==, 1);
  g_assert_cmpstr (common[0], ==, "This password is too common.");
  g_assert_cmpuint (g_strv_length (numeric), ==, 1);
  g_assert_cmpstr (numeric[0], ==, "This password is entirely numeric.");
  g_assert_null (fine);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/password/python-vector", test_python_vector);
  g_test_add_func ("/server/password/python-vector-django-iterations",
                   test_python_vector_django_iterations);
  g_test_add_func ("/server/password/format", test_hash_format);
  g_test_add_func ("/server/password/malformed-stored", test_malformed_stored);
  g_test_add_func ("/server/password/async", test_async);
  g_test_add_func ("/server/password/validators", test_validators);

  return g_test_run ();
}
