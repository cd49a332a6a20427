/* fc-server-config.h — fitcore-server settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GKeyFile with a [server] group; every key is optional:
 *
 *   [server]
 *   secret_key=...              # generated into DATA_DIR/secret_key (0600) if unset
 *   access_token_lifetime=1800  # seconds
 *   refresh_token_lifetime=86400
 *   password_iterations=1000000 # Django 5.2's PBKDF2 count
 *   cors_origins=http://127.0.0.1:5500;http://localhost:5500
 *   media_dir=DATA_DIR/media
 *   page_size=10
 *   max_body_size=1048576       # bytes, for non-multipart bodies
 *   max_upload_size=5242880     # bytes, for multipart bodies
 *   login_failures_limit=5      # failed logins per address or client ...
 *   login_failures_window=300   # ... within this many seconds → 429
 *   mail_file=FILE              # mails also appended here (they always go to stderr)
 *   max_video_upload_size=209715200 # bytes, for multipart bodies under /api/v1/workouts/videos/
 *   max_resumable_upload_size=2147483648 # bytes, one video sent through api/v1/admin/uploads/
 *   public_url=https://fitcore.example/ # base of links in mails; unset: the listening address
 *   trusted_proxies=127.0.0.1;::1 # reverse proxies: a request from one is the client's
 *                                 # in its X-Forwarded-For (login limits count clients)
 *   max_connections=512         # open client connections (in each worker); more wait
 *                               # in the listen backlog
 *   header_timeout=15           # seconds for a request's headers to arrive
 *   idle_timeout=60             # seconds a connection may stay open doing nothing
 *   stream_hello_timeout=10     # seconds a notifications stream may wait for its hello
 *   stream_slow_client_timeout=30 # seconds a stream's full window may stay full
 *   stream_poll_interval_ms=2000  # streams read the database at least this often
 *                                 # (a write wakes them at once, on any instance)
 *   workers=1                   # processes serving requests; auto: one per online
 *                               # processor (a supervisor starts them; see
 *                               # fc-server-workers.h); --workers overrides it
 *   password_workers=2          # threads hashing passwords (in each worker)
 *   password_queue_limit=16     # hashes waiting beyond the workers before 429
 *
 * Payments (api/v1/payments/; unset secret key or price ids: checkout
 * answers 503, and without the webhook secret every webhook is refused):
 *   stripe_api_base=https://api.stripe.com
 *   stripe_secret_key=sk_live_...       # never logged nor answered
 *   stripe_webhook_secret=whsec_...     # the endpoint's signing secret
 *   stripe_price_monthly=price_...
 *   stripe_price_lifetime=price_...
 *   plan_monthly_amount=999             # minor units, shown by payments/plans/
 *   plan_lifetime_amount=14900
 *   plan_currency=usd
 *   checkout_success_url=https://fitcore.example/premium/success
 *   checkout_cancel_url=https://fitcore.example/premium/cancel
 *   portal_return_url=...               # default: checkout_success_url
 *   test_clock_offset=0                 # seconds added to the payments clock; tests only
 *
 * Sign in with Google (api/v1/auth/google/login/; no client id: 501):
 *   google_client_id=1234-abc.apps.googleusercontent.com # the id_token's "aud"
 *   google_issuer=https://accounts.google.com            # the id_token's "iss"
 *   google_discovery_url=...  # default: {google_issuer}/.well-known/openid-configuration
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FC_SERVER_CONFIG_ERROR (fc_server_config_error_quark ())

/**
 * FcServerConfigError:
 * @FC_SERVER_CONFIG_ERROR_INVALID: a key holds a value out of range
 */
typedef enum {
  FC_SERVER_CONFIG_ERROR_INVALID,
} FcServerConfigError;

typedef struct {
  char    *data_dir;
  char    *secret_key;
  gint64   access_token_lifetime;
  gint64   refresh_token_lifetime;
  guint    password_iterations;
  char   **cors_origins;
  char    *media_dir;
  guint    page_size;
  gsize    max_body_size;
  gsize    max_upload_size;
  guint    login_failures_limit;
  guint    login_failures_window;
  char    *mail_file;
  gsize    max_video_upload_size;
  gint64   max_resumable_upload_size; /* streamed to disk, so far beyond the others */
  char    *public_url;               /* NULL, or ends in "/" */
  char   **trusted_proxies;          /* peer addresses whose X-Forwarded-For is believed */
  guint    max_connections;
  guint    header_timeout;
  guint    idle_timeout;
  guint    stream_hello_timeout;       /* notifications/stream/: seconds for the hello */
  guint    stream_slow_client_timeout; /* seconds a full window may stay full */
  guint    stream_poll_interval_ms;    /* the streams' safety net and deadline clock */
  guint    workers;                    /* processes serving requests, 1: no supervisor */
  guint    password_workers;
  guint    password_queue_limit;

  char    *stripe_api_base;          /* no trailing "/" */
  char    *stripe_secret_key;
  char    *stripe_webhook_secret;
  char    *stripe_price_monthly;
  char    *stripe_price_lifetime;
  gint64   plan_monthly_amount;
  gint64   plan_lifetime_amount;
  char    *plan_currency;
  char    *checkout_success_url;
  char    *checkout_cancel_url;
  char    *portal_return_url;
  gint64   test_clock_offset;

  char    *google_client_id;         /* NULL: Google sign-in is off */
  char    *google_issuer;            /* no trailing "/" */
  char    *google_discovery_url;     /* NULL: derived from the issuer */
} FcServerConfig;

#define FC_SERVER_CONFIG_MAX_WORKERS 256

GQuark          fc_server_config_error_quark (void);

/* @config_path may be NULL. Creates @data_dir (0700) and the media dir. */
FcServerConfig *fc_server_config_load        (const char      *data_dir,
                                              const char      *config_path,
                                              GError         **error);
void            fc_server_config_free        (FcServerConfig  *self);
/* "auto" (one per online processor) or 1..FC_SERVER_CONFIG_MAX_WORKERS;
 * 0 when @text is neither. */
guint           fc_server_config_parse_workers (const char    *text);
gboolean        fc_server_config_allows_origin (FcServerConfig *self,
                                                const char     *origin);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcServerConfig, fc_server_config_free)

G_END_DECLS
