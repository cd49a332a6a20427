/* fc-server-config.c — fitcore-server settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-server-config"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "fc-password.h"
#include "fc-random.h"
#include "fc-server-config.h"

#define GROUP "server"
#define SECRET_KEY_FILE "secret_key"
#define SECRET_KEY_LENGTH 50

G_DEFINE_QUARK (fc-server-config-error-quark, fc_server_config_error)

/* Reads an integer key in [min, max], or @fallback when it is absent. */
static gboolean
read_int (GKeyFile    *keyfile,
          const char  *key,
          gint64       min,
          gint64       max,
          gint64       fallback,
          gint64      *out,
          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 value;

  if (keyfile == NULL || !g_key_file_has_key (keyfile, GROUP, key, NULL)) {
    *out = fallback;
    return TRUE;
  }
  value = g_key_file_get_int64 (keyfile, GROUP, key, &local_error);
  if (local_error != NULL) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (value < min || value > max) {
    g_set_error (error, FC_SERVER_CONFIG_ERROR, FC_SERVER_CONFIG_ERROR_INVALID,
                 "[%s] %s must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT, GROUP, key,
                 min, max);
    return FALSE;
  }
  *out = value;
  return TRUE;
}

/* The secret key that signs tokens: kept in the data dir, readable by the
 * owner only, so restarts keep everyone signed in. */
static char *
load_or_create_secret (const char  *data_dir,
                       GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, SECRET_KEY_FILE, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *secret = NULL;

  if (g_file_get_contents (path, &contents, NULL, NULL)) {
    g_strstrip (contents);
    if (*contents != '\0')
      return g_steal_pointer (&contents);
  }

  secret = fc_random_string (SECRET_KEY_LENGTH, FC_RANDOM_ALPHANUMERIC "!@#%^&*(-_=+)");
  if (!g_file_set_contents_full (path, secret, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)) {
    g_prefix_error (error, "Cannot store the secret key: ");
    return NULL;
  }
  return g_steal_pointer (&secret);
}

/* A string key, NULL when absent or empty. */
static char *
read_string (GKeyFile   *keyfile,
             const char *key)
{
  char *value = keyfile != NULL ? g_key_file_get_string (keyfile, GROUP, key, NULL) : NULL;

  if (value != NULL && *g_strstrip (value) == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

/* Parses a worker count: a number of processes, or "auto" for one per
 * online processor. Returns 0 for anything else. */
guint
fc_server_config_parse_workers (const char *text)
{
  guint64 value;

  if (text == NULL)
    return 0;
  if (g_ascii_strcasecmp (text, "auto") == 0)
    return MAX (1, g_get_num_processors ());
  if (!g_ascii_isdigit (*text) ||
      !g_ascii_string_to_unsigned (text, 10, 1, FC_SERVER_CONFIG_MAX_WORKERS, &value, NULL))
    return 0;
  return value;
}

/* An http(s) URL with a host, or NULL: the issuer and discovery URL of
 * Google sign-in. Trailing "/" are dropped: the issuer is compared with
 * the tokens' "iss" as a string. */
static gboolean
read_url (GKeyFile    *keyfile,
          const char  *key,
          char       **out,
          GError     **error)
{
  g_autofree char *value = read_string (keyfile, key);
  g_autoptr(GUri) uri = NULL;

  *out = NULL;
  if (value == NULL)
    return TRUE;
  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)) {
    g_set_error (error, FC_SERVER_CONFIG_ERROR, FC_SERVER_CONFIG_ERROR_INVALID,
                 "%s must be an http or https URL", key);
    return FALSE;
  }
  while (g_str_has_suffix (value, "/"))
    value[strlen (value) - 1] = '\0';
  *out = g_steal_pointer (&value);
  return TRUE;
}

static gboolean
load_google (FcServerConfig  *self,
             GKeyFile        *keyfile,
             GError         **error)
{
  self->google_client_id = read_string (keyfile, "google_client_id");
  if (!read_url (keyfile, "google_issuer", &self->google_issuer, error) ||
      !read_url (keyfile, "google_discovery_url", &self->google_discovery_url, error))
    return FALSE;
  if (self->google_issuer == NULL)
    self->google_issuer = g_strdup ("https://accounts.google.com");
  return TRUE;
}

static gboolean
load_payments (FcServerConfig  *self,
               GKeyFile        *keyfile,
               GError         **error)
{
  gint64 value;

  self->stripe_api_base = read_string (keyfile, "stripe_api_base");
  if (keyfile != NULL)
    self->trusted_proxies = g_key_file_get_string_list (keyfile, GROUP, "trusted_proxies", NULL,
                                                        NULL);
  if (self->trusted_proxies == NULL)
    self->trusted_proxies = g_new0 (char *, 1);
  if (self->stripe_api_base == NULL)
    self->stripe_api_base = g_strdup ("https://api.stripe.com");
  else {
    g_autoptr(GUri) uri = g_uri_parse (self->stripe_api_base, G_URI_FLAGS_NONE, NULL);

    if (uri == NULL || g_uri_get_host (uri) == NULL ||
        (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
         g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)) {
      g_set_error (error, FC_SERVER_CONFIG_ERROR, FC_SERVER_CONFIG_ERROR_INVALID,
                   "stripe_api_base must be an http or https URL");
      return FALSE;
    }
    while (g_str_has_suffix (self->stripe_api_base, "/"))
      self->stripe_api_base[strlen (self->stripe_api_base) - 1] = '\0';
  }
  self->stripe_secret_key = read_string (keyfile, "stripe_secret_key");
  self->stripe_webhook_secret = read_string (keyfile, "stripe_webhook_secret");
  self->stripe_price_monthly = read_string (keyfile, "stripe_price_monthly");
  self->stripe_price_lifetime = read_string (keyfile, "stripe_price_lifetime");
  self->checkout_success_url = read_string (keyfile, "checkout_success_url");
  self->checkout_cancel_url = read_string (keyfile, "checkout_cancel_url");
  self->portal_return_url = read_string (keyfile, "portal_return_url");
  self->plan_currency = read_string (keyfile, "plan_currency");
  if (self->plan_currency == NULL)
    self->plan_currency = g_strdup ("usd");

  if (!read_int (keyfile, "plan_monthly_amount", 0, G_MAXINT32, 999, &value, error))
    return FALSE;
  self->plan_monthly_amount = value;
  if (!read_int (keyfile, "plan_lifetime_amount", 0, G_MAXINT32, 14900, &value, error))
    return FALSE;
  self->plan_lifetime_amount = value;
  /* Lets a test move the payments clock (access until a period's end, a
   * webhook's timestamp) by restarting the server, instead of waiting. */
  if (!read_int (keyfile, "test_clock_offset", -G_MAXINT32, G_MAXINT32, 0, &value, error))
    return FALSE;
  self->test_clock_offset = value;
  return TRUE;
}

FcServerConfig *
fc_server_config_load (const char  *data_dir,
                       const char  *config_path,
                       GError     **error)
{
  g_autoptr(FcServerConfig) self = g_new0 (FcServerConfig, 1);
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autofree char *media_dir = NULL;
  gint64 value;

  g_return_val_if_fail (data_dir != NULL, NULL);

  if (config_path != NULL) {
    keyfile = g_key_file_new ();
    if (!g_key_file_load_from_file (keyfile, config_path, G_KEY_FILE_NONE, error)) {
      g_prefix_error (error, "%s: ", config_path);
      return NULL;
    }
  }

  if (g_mkdir_with_parents (data_dir, 0700) != 0) {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "Cannot create %s: %s",
                 data_dir, g_strerror (saved_errno));
    return NULL;
  }
  self->data_dir = g_strdup (data_dir);

  if (keyfile != NULL)
    self->secret_key = g_key_file_get_string (keyfile, GROUP, "secret_key", NULL);
  if (self->secret_key == NULL || *self->secret_key == '\0') {
    g_free (self->secret_key);
    self->secret_key = load_or_create_secret (data_dir, error);
    if (self->secret_key == NULL)
      return NULL;
  }

  if (!read_int (keyfile, "access_token_lifetime", 1, G_MAXINT32, 1800, &value, error))
    return NULL;
  self->access_token_lifetime = value;
  if (!read_int (keyfile, "refresh_token_lifetime", 1, G_MAXINT32, 86400, &value, error))
    return NULL;
  self->refresh_token_lifetime = value;
  if (!read_int (keyfile, "password_iterations", 1, G_MAXINT32, FC_PASSWORD_DEFAULT_ITERATIONS,
                 &value, error))
    return NULL;
  self->password_iterations = value;
  if (!read_int (keyfile, "page_size", 1, 100, 10, &value, error))
    return NULL;
  self->page_size = value;
  if (!read_int (keyfile, "max_body_size", 1024, G_MAXINT32, 1024 * 1024, &value, error))
    return NULL;
  self->max_body_size = value;
  if (!read_int (keyfile, "max_upload_size", 1024, G_MAXINT32, 5 * 1024 * 1024, &value, error))
    return NULL;
  self->max_upload_size = value;
  if (!read_int (keyfile, "login_failures_limit", 0, G_MAXINT32, 5, &value, error))
    return NULL;
  self->login_failures_limit = value;
  if (!read_int (keyfile, "login_failures_window", 1, G_MAXINT32, 300, &value, error))
    return NULL;
  self->login_failures_window = value;
  if (!read_int (keyfile, "max_video_upload_size", 1024, G_MAXINT32, 200 * 1024 * 1024, &value,
                 error))
    return NULL;
  self->max_video_upload_size = value;
  /* max_upload_size already names the multipart limit, hence another name
   * for the resumable uploads, which never go through memory. */
  if (!read_int (keyfile, "max_resumable_upload_size", 1, G_MAXINT64 / 2, G_GINT64_CONSTANT (2) << 30,
                 &value, error))
    return NULL;
  self->max_resumable_upload_size = value;
  if (!read_int (keyfile, "max_connections", 1, 65536, 512, &value, error))
    return NULL;
  self->max_connections = value;
  if (!read_int (keyfile, "header_timeout", 1, 3600, 15, &value, error))
    return NULL;
  self->header_timeout = value;
  if (!read_int (keyfile, "idle_timeout", 1, 86400, 60, &value, error))
    return NULL;
  self->idle_timeout = value;
  if (!read_int (keyfile, "stream_hello_timeout", 1, 3600, 10, &value, error))
    return NULL;
  self->stream_hello_timeout = value;
  if (!read_int (keyfile, "stream_slow_client_timeout", 1, 3600, 30, &value, error))
    return NULL;
  self->stream_slow_client_timeout = value;
  if (!read_int (keyfile, "stream_poll_interval_ms", 100, 3600000, 2000, &value, error))
    return NULL;
  self->stream_poll_interval_ms = value;
  self->workers = 1;
  if (keyfile != NULL && g_key_file_has_key (keyfile, GROUP, "workers", NULL)) {
    g_autofree char *workers = read_string (keyfile, "workers");

    self->workers = fc_server_config_parse_workers (workers);
    if (self->workers == 0) {
      g_set_error (error, FC_SERVER_CONFIG_ERROR, FC_SERVER_CONFIG_ERROR_INVALID,
                   "[%s] workers must be auto or between 1 and %d", GROUP,
                   FC_SERVER_CONFIG_MAX_WORKERS);
      return NULL;
    }
  }
  if (!read_int (keyfile, "password_workers", 1, 64, 2, &value, error))
    return NULL;
  self->password_workers = value;
  if (!read_int (keyfile, "password_queue_limit", 0, 100000, 16, &value, error))
    return NULL;
  self->password_queue_limit = value;

  /* Links in mails never come from the request's Host header, which any
   * caller chooses (a reset link to another site would hand it the token). */
  if (keyfile != NULL)
    self->public_url = g_key_file_get_string (keyfile, GROUP, "public_url", NULL);
  if (self->public_url != NULL) {
    g_autoptr(GUri) uri = g_uri_parse (self->public_url, G_URI_FLAGS_NONE, NULL);

    if (uri == NULL || g_uri_get_host (uri) == NULL ||
        (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
         g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)) {
      g_set_error (error, FC_SERVER_CONFIG_ERROR, FC_SERVER_CONFIG_ERROR_INVALID,
                   "public_url must be an http or https URL, not “%s”", self->public_url);
      return NULL;
    }
    if (!g_str_has_suffix (self->public_url, "/")) {
      char *slashed = g_strconcat (self->public_url, "/", NULL);

      g_free (self->public_url);
  g_strfreev (self->trusted_proxies);
      self->public_url = slashed;
    }
  }

  if (keyfile != NULL)
    self->cors_origins = g_key_file_get_string_list (keyfile, GROUP, "cors_origins", NULL, NULL);
  if (self->cors_origins == NULL)
    self->cors_origins = g_new0 (char *, 1);

  if (!load_payments (self, keyfile, error) || !load_google (self, keyfile, error))
    return NULL;

  if (keyfile != NULL)
    self->mail_file = g_key_file_get_string (keyfile, GROUP, "mail_file", NULL);

  if (keyfile != NULL)
    media_dir = g_key_file_get_string (keyfile, GROUP, "media_dir", NULL);
  if (media_dir == NULL || *media_dir == '\0') {
    g_free (media_dir);
    media_dir = g_build_filename (data_dir, "media", NULL);
  }
  self->media_dir = g_canonicalize_filename (media_dir, NULL);
  if (g_mkdir_with_parents (self->media_dir, 0755) != 0) {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "Cannot create %s: %s",
                 self->media_dir, g_strerror (saved_errno));
    return NULL;
  }

  return g_steal_pointer (&self);
}

void
fc_server_config_free (FcServerConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->data_dir);
  g_free (self->secret_key);
  g_strfreev (self->cors_origins);
  g_free (self->media_dir);
  g_free (self->mail_file);
  g_free (self->public_url);
  g_free (self->stripe_api_base);
  g_free (self->stripe_secret_key);
  g_free (self->stripe_webhook_secret);
  g_free (self->stripe_price_monthly);
  g_free (self->stripe_price_lifetime);
  g_free (self->plan_currency);
  g_free (self->checkout_success_url);
  g_free (self->checkout_cancel_url);
  g_free (self->portal_return_url);
  g_free (self->google_client_id);
  g_free (self->google_issuer);
  g_free (self->google_discovery_url);
  g_free (self);
}

gboolean
fc_server_config_allows_origin (FcServerConfig *self,
                                const char     *origin)
{
  if (origin == NULL)
    return FALSE;
  return g_strv_contains ((const char * const *) self->cors_origins, origin);
}
