/* fc-accounts-routes.c — /api/v1/auth/: registration, tokens, passwords
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dj-rest-auth + simplejwt + allauth as the wire file records them (§2),
 * with the bugs of §4 fixed: e-mail addresses are unique and matched
 * without regard to case, logout never answers 500 and also takes the
 * refresh token from the body, and a password change or reset revokes the
 * user's outstanding refresh tokens.
 *
 * Mail: this server sends none. Confirmation and password-reset messages
 * are written to the log (stderr), prefixed "fitcore-server: mail to", for
 * the operator to pass on.
 */

#define G_LOG_DOMAIN "fc-accounts"

#include "config.h"

#include <libsoup/soup.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fc-accounts.h"
#include "fc-admin.h"
#include "fc-google-login.h"
#include "fc-json.h"
#include "fc-jwt.h"
#include "fc-password.h"
#include "fc-random.h"
#include "fc-sql.h"
#include "fc-server.h"
#include "fc-time.h"
#include "fc-users.h"
#include "fc-validate.h"

#define ACCESS_COOKIE "fitcore-access-token"
#define REFRESH_COOKIE "fitcore-refresh-token"
#define NAME_MAX_LENGTH 150
#define RESET_TIMEOUT_S (3 * 24 * 3600)          /* Django's PASSWORD_RESET_TIMEOUT */
#define CONFIRMATION_TIMEOUT_S (3 * 24 * 3600)   /* allauth's EMAIL_CONFIRMATION_EXPIRE_DAYS */
#define RESET_KEY_SALT "django.contrib.auth.tokens.PasswordResetTokenGenerator"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static void
respond_detail_code (FcServerRequest *request,
                     guint            status,
                     const char      *detail,
                     const char      *code)
{
  JsonObject *object = json_object_new ();

  /* simplejwt's views answer their 401s through DRF, which names the
   * scheme, as for any other refused authentication. */
  if (status == SOUP_STATUS_UNAUTHORIZED)
    fc_server_request_add_header (request, "WWW-Authenticate", "Bearer realm=\"api\"");
  json_object_set_string_member (object, "detail", detail);
  if (code != NULL)
    json_object_set_string_member (object, "code", code);
  fc_server_request_respond_json (request, status, object_node (object));
}

static void
respond_non_field_error (FcServerRequest *request,
                         const char      *message)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

  fc_field_errors_add (errors, "non_field_errors", "%s", message);
  fc_server_request_respond_errors (request, errors);
}

static void
respond_field_messages (FcServerRequest *request,
                        const char      *field,
                        char           **messages)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();

  for (guint i = 0; messages[i] != NULL; i++)
    fc_field_errors_add (errors, field, "%s", messages[i]);
  fc_server_request_respond_errors (request, errors);
}

/* Cookies, attribute for attribute as Django writes them. */

static void
set_cookie (FcServerRequest *request,
            const char      *name,
            const char      *value,
            gint64           max_age)
{
  g_autoptr(GDateTime) expires = g_date_time_new_from_unix_utc (now_seconds () + max_age);
  g_autofree char *date = soup_date_time_to_string (expires, SOUP_DATE_HTTP);
  g_autofree char *header = g_strdup_printf ("%s=%s; expires=%s; HttpOnly; Max-Age=%" G_GINT64_FORMAT
                                             "; Path=/; SameSite=Lax",
                                             name, value, date, max_age);

  fc_server_request_add_header (request, "Set-Cookie", header);
}

static void
delete_cookie (FcServerRequest *request,
               const char      *name)
{
  g_autofree char *header = g_strdup_printf ("%s=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; "
                                             "Max-Age=0; Path=/; SameSite=Lax", name);

  fc_server_request_add_header (request, "Set-Cookie", header);
}

/* Tokens. */

typedef struct {
  char   *access;
  char   *refresh;
  gint64  access_exp;
} TokenPair;

static void
token_pair_clear (TokenPair *pair)
{
  g_clear_pointer (&pair->access, g_free);
  g_clear_pointer (&pair->refresh, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TokenPair, token_pair_clear)

static gboolean
record_outstanding (FcSql    *db,
                    const char *jti,
                    gint64      user_id,
                    gint64      expires_at)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO outstanding_tokens "
                              "(jti, user_id, created_at, expires_at) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT DO NOTHING");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_text (stmt, 1, jti);
  fc_sql_bind_int64 (stmt, 2, user_id);
  fc_sql_bind_text (stmt, 3, now);
  fc_sql_bind_int64 (stmt, 4, expires_at);
  return fc_sql_step_done (stmt);
}

/* simplejwt's RefreshToken.for_user(): the refresh token is recorded as
 * outstanding so that it can be blacklisted later. */
static gboolean
mint_pair (FcServerRequest *request,
           gint64           user_id,
           TokenPair       *pair)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autofree char *jti = NULL;
  gint64 now = now_seconds ();

  pair->refresh = fc_jwt_encode (config->secret_key, "refresh", user_id, now,
                                 now + config->refresh_token_lifetime, &jti);
  pair->access_exp = now + config->access_token_lifetime;
  pair->access = fc_jwt_encode (config->secret_key, "access", user_id, now, pair->access_exp, NULL);
  return record_outstanding (fc_server_request_get_db (request), jti, user_id,
                             now + config->refresh_token_lifetime);
}

typedef enum {
  TOKEN_LIVE,
  TOKEN_REVOKED,
  TOKEN_UNKNOWN,  /* the database could not say */
} TokenState;

static TokenState
token_state (FcSql      *db,
             const char *jti)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT 1 FROM blacklisted_tokens WHERE jti = ?");

  fc_sql_bind_text (stmt, 1, jti);
  switch (fc_sql_step (stmt)) {
  case FC_SQL_ROW:
    return TOKEN_REVOKED;
  case FC_SQL_DONE:
    return TOKEN_LIVE;
  default:
    g_warning ("Cannot read the token blacklist: %s", fc_sql_errmsg (db));
    return TOKEN_UNKNOWN;
  }
}

/* Not a verdict on the token or the account: a 401 would sign the app
 * out because the database was busy or gone for a moment. */
static void
respond_unavailable (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                    "The database is busy; try again.");
}

static gboolean
blacklist (FcSql           *db,
           const FcJwtClaims *claims)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO blacklisted_tokens (jti, blacklisted_at) "
                              "VALUES (?, ?) ON CONFLICT DO NOTHING");
  g_autofree char *now = fc_time_now_iso8601 ();

  if (!record_outstanding (db, claims->jti, claims->user_id, claims->exp))
    return FALSE;
  fc_sql_bind_text (stmt, 1, claims->jti);
  fc_sql_bind_text (stmt, 2, now);
  return fc_sql_step_done (stmt);
}

/* Revokes every refresh token of @user_id except @keep_jti (may be NULL). */
static gboolean
blacklist_user_tokens (FcSql    *db,
                       gint64      user_id,
                       const char *keep_jti)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "INSERT INTO blacklisted_tokens (jti, blacklisted_at) "
                              "SELECT jti, ? FROM outstanding_tokens "
                              "WHERE user_id = ? AND jti IS DISTINCT FROM ? AND expires_at > ? "
                              "ON CONFLICT DO NOTHING");
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_text (stmt, 1, now);
  fc_sql_bind_int64 (stmt, 2, user_id);
  fc_sql_bind_text (stmt, 3, keep_jti);
  fc_sql_bind_int64 (stmt, 4, now_seconds ());
  return fc_sql_step_done (stmt);
}

static JsonObject *
user_details (FcServerRequest *request,
              gint64           user_id)
{
  g_autoptr(JsonNode) node = fc_users_to_json (fc_server_request_get_db (request), user_id, TRUE);

  return node != NULL ? json_object_ref (json_node_get_object (node)) : json_object_new ();
}

/* Mail goes to the log: this server has no mail transport. With
 * mail_file set it is also appended there, for tools and tests. */
static void
log_mail (FcServerRequest *request,
          const char      *to,
          const char      *subject,
          const char      *body)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autofree char *text = g_strdup_printf ("fitcore-server: mail to %s: %s\n%s\n", to, subject, body);

  g_printerr ("%s", text);
  if (config->mail_file != NULL) {
    FILE *file = fopen (config->mail_file, "a");

    if (file == NULL) {
      g_warning ("Cannot append to %s: %s", config->mail_file, g_strerror (errno));
      return;
    }
    fputs (text, file);
    fclose (file);
  }
}

/* Links in mails never come from the request's Host header: anyone can
 * send one, and a reset link pointing at their host would hand them the
 * token. The configured public URL, else the address this connection
 * reached the server on. */
static char *
mail_base_url (FcServerRequest *request)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));

  if (config->public_url != NULL)
    return g_strndup (config->public_url, strlen (config->public_url) - 1);
  return fc_server_request_dup_local_url (request);
}

static char *
create_confirmation (FcServerRequest *request,
                     gint64           user_id)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (fc_server_request_get_db (request),
                          "INSERT INTO email_confirmations (key, user_id, created_at) "
                          "VALUES (?, ?, ?)");
  g_autofree char *key = fc_random_string (64, FC_RANDOM_ALPHANUMERIC);
  g_autofree char *now = fc_time_now_iso8601 ();

  fc_sql_bind_text (stmt, 1, key);
  fc_sql_bind_int64 (stmt, 2, user_id);
  fc_sql_bind_text (stmt, 3, now);
  if (!fc_sql_step_done (stmt))
    return NULL;
  return g_steal_pointer (&key);
}

static void
mail_confirmation (FcServerRequest *request,
                   const char      *key,
                   const char      *email)
{
  g_autofree char *base = mail_base_url (request);
  g_autofree char *body = NULL;

  body = g_strdup_printf ("  Confirm your FitCore e-mail address: POST {\"key\": \"%s\"} to "
                          "%s/api/v1/auth/registration/verify-email/\n"
                          "  (link: %s/api/v1/auth/registration/account-confirm-email/%s/)",
                          key, base, base, key);
  log_mail (request, email, "Please Confirm Your E-mail Address", body);
}

/* Async work: a request waiting for a password hash. */

typedef struct {
  FcServerRequest *request;
  gint64           user_id;
  char            *email;
  char            *first_name;
  char            *last_name;
  char            *keep_jti;
  char            *throttle_client;
  char            *throttle_account;
  gboolean         inactive;   /* login: the account was deactivated by staff */
} PendingAuth;

static void
pending_auth_free (PendingAuth *pending)
{
  fc_server_request_unref (pending->request);
  g_free (pending->email);
  g_free (pending->first_name);
  g_free (pending->last_name);
  g_free (pending->keep_jti);
  g_free (pending->throttle_client);
  g_free (pending->throttle_account);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingAuth, pending_auth_free)

static PendingAuth *
pending_auth_new (FcServerRequest *request)
{
  PendingAuth *pending = g_new0 (PendingAuth, 1);

  pending->request = fc_server_request_ref (request);
  return pending;
}

/* The answer to a write that did not reach the disk: nothing it would
 * have handed out (tokens, a "saved") may go out. */
static void
respond_not_saved (FcServerRequest *request)
{
  fc_server_request_respond_detail (request, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                    "A server error occurred.");
}

static void
respond_throttled (FcServerRequest *request,
                   guint            wait)
{
  g_autofree char *seconds = g_strdup_printf ("%u", wait);
  g_autofree char *detail = g_strdup_printf ("Request was throttled. Expected available in %u %s.",
                                             wait, wait == 1 ? "second" : "seconds");

  fc_server_request_add_header (request, "Retry-After", seconds);
  fc_server_request_respond_detail (request, 429, detail);
}

/* A hash that could not run: the workers' queue is full (429 with a
 * Retry-After), or it failed. */
static void
respond_hash_failed (FcServerRequest *request,
                     const GError    *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
    respond_throttled (request, fc_password_busy_retry_after ());
  else
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The server is busy; try again.");
}

/* The pool takes its size from the config the first time it is used. */
static void
password_pool_init (FcServerRequest *request)
{
  static gsize configured;

  if (g_once_init_enter (&configured)) {
    FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));

    fc_password_configure_pool (MAX (1, config->password_workers), config->password_queue_limit);
    g_once_init_leave (&configured, 1);
  }
}

/* POST registration/ */

/* allauth's wording, as a bare list (wire §2, §4.15). */
static void
respond_already_registered (FcServerRequest *request)
{
  JsonArray *list = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_array_add_string_element (list, "This email is already register");
  json_node_take_array (node, list);
  fc_server_request_respond_json (request, SOUP_STATUS_BAD_REQUEST, node);
}

static void
on_registration_hashed_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(PendingAuth) pending = user_data;
  FcServerRequest *request = pending->request;
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = fc_password_hash_finish (result, &error);
  g_autofree char *key = NULL;
  g_auto(TokenPair) pair = { 0 };
  JsonObject *object;
  gint64 user_id;

  if (hash == NULL) {
    respond_hash_failed (request, error);
    return;
  }
  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The server is busy; try again.");
    return;
  }

  /* Checked again: another registration may have won while we hashed. */
  user_id = fc_users_create (db, pending->email, hash, pending->first_name, pending->last_name,
                             FALSE, &error);
  if (user_id == 0) {
    fc_sql_end (db, FALSE);
    if (g_error_matches (error, FC_USERS_ERROR, FC_USERS_ERROR_EXISTS)) {
      respond_already_registered (request);
    } else {
      g_warning ("Registration failed: %s", error->message);
      respond_not_saved (request);
    }
    return;
  }

  key = create_confirmation (request, user_id);
  if (!mint_pair (request, user_id, &pair) || key == NULL) {
    fc_sql_end (db, FALSE);
    respond_not_saved (request);
    return;
  }
  object = json_object_new ();
  json_object_set_string_member (object, "access", pair.access);
  json_object_set_string_member (object, "refresh", pair.refresh);
  json_object_set_object_member (object, "user", user_details (request, user_id));

  /* Tokens for an account that a failed COMMIT took back would open
   * whoever gets its id next. */
  if (!fc_sql_end (db, TRUE)) {
    json_object_unref (object);
    respond_not_saved (request);
    return;
  }
  mail_confirmation (request, key, pending->email);
  fc_server_request_respond_json (request, SOUP_STATUS_CREATED, object_node (object));
}

static void
registration_cb (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);
  FcSql *db = fc_server_request_get_db (request);
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_auto(GStrv) weak = NULL;
  const char *email = NULL, *password1 = NULL, *password2 = NULL;
  const char *first_name = NULL, *last_name = NULL;
  PendingAuth *pending;

  fc_validate_email (body, "email", TRUE, errors, &email);
  if (fc_validate_string (body, "password1", TRUE, FALSE, 0, errors, &password1)) {
    weak = fc_password_validate (password1);
    for (guint i = 0; weak != NULL && weak[i] != NULL; i++)
      fc_field_errors_add (errors, "password1", "%s", weak[i]);
  }
  fc_validate_string (body, "password2", TRUE, FALSE, 0, errors, &password2);
  fc_validate_string (body, "first_name", TRUE, FALSE, NAME_MAX_LENGTH, errors, &first_name);
  fc_validate_string (body, "last_name", TRUE, FALSE, NAME_MAX_LENGTH, errors, &last_name);

  /* A verified address is a field error; an unverified one the bare list
   * below, as allauth words them. */
  if (email != NULL) {
    stmt = fc_sql_prepare (db, "SELECT email_verified FROM users WHERE lower (email) = lower (?)");
    fc_sql_bind_text (stmt, 1, email);
    if (fc_sql_step_row (stmt) && fc_sql_column_int (stmt, 0))
      fc_field_errors_add (errors, "email", "A user is already registered with this e-mail address.");
  }
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (!g_str_equal (password1, password2)) {
    respond_non_field_error (request, "The two password fields didn't match.");
    return;
  }
  if (fc_users_find_by_email (db, email) != 0) {
    respond_already_registered (request);
    return;
  }

  pending = pending_auth_new (request);
  pending->email = g_strdup (email);
  pending->first_name = g_strdup (first_name);
  pending->last_name = g_strdup (last_name);
  password_pool_init (request);
  fc_password_hash_async (password1, config->password_iterations, NULL,
                          on_registration_hashed_cb, pending);
}

/* POST oauth/login/ */

/* What a successful login answers (wire §2): the pair minted and
 * recorded, last_login touched, the access token in the body and both in
 * their cookies. */
void
fc_accounts_respond_login (FcServerRequest *request,
                           gint64           user_id)
{
  FcSql *db = fc_server_request_get_db (request);
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autoptr(FcSqlStmt) touch = NULL;
  g_autofree char *now = NULL;
  g_auto(TokenPair) pair = { 0 };
  JsonObject *object;

  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The server is busy; try again.");
    return;
  }
  now = fc_time_now_iso8601 ();
  touch = fc_sql_prepare (db, "UPDATE users SET last_login = ? WHERE id = ?");
  fc_sql_bind_text (touch, 1, now);
  fc_sql_bind_int64 (touch, 2, user_id);
  if (!fc_sql_step_done (touch) || !mint_pair (request, user_id, &pair)) {
    fc_sql_end (db, FALSE);
    respond_not_saved (request);
    return;
  }
  fc_admin_note_activity (fc_server_request_get_server (request), db, user_id);
  object = json_object_new ();
  json_object_set_string_member (object, "access", pair.access);
  json_object_set_string_member (object, "refresh", "");
  json_object_set_object_member (object, "user", user_details (request, user_id));
  /* A refresh token whose row did not reach the disk could never be
   * revoked. */
  if (!fc_sql_end (db, TRUE)) {
    json_object_unref (object);
    respond_not_saved (request);
    return;
  }

  /* The refresh token travels only in its HttpOnly cookie (wire §2). */
  set_cookie (request, ACCESS_COOKIE, pair.access, config->access_token_lifetime);
  set_cookie (request, REFRESH_COOKIE, pair.refresh, config->refresh_token_lifetime);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, object_node (object));
}

static void
on_login_verified_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PendingAuth) pending = user_data;
  FcServerRequest *request = pending->request;
  FcThrottle *throttle = fc_server_get_login_throttle (fc_server_request_get_server (request));
  g_autoptr(GError) error = NULL;
  gboolean valid = fc_password_verify_finish (result, &error);

  if (error != NULL) {
    /* Never evaluated: it does not count against anyone. */
    fc_throttle_forgive (throttle, fc_server_request_get_db (request), pending->throttle_client,
                         pending->throttle_account);
    respond_hash_failed (request, error);
    return;
  }
  if (!valid || pending->user_id == 0) {
    respond_non_field_error (request, "Unable to log in with provided credentials.");
    return;
  }
  fc_throttle_succeeded (throttle, fc_server_request_get_db (request), pending->throttle_client,
                         pending->throttle_account);
  /* Only once the password is right: a deactivated account is told why,
   * a guess learns nothing more than for any other wrong password. */
  if (pending->inactive) {
    respond_non_field_error (request, FC_ACCOUNTS_INACTIVE_MESSAGE);
    return;
  }

  fc_accounts_respond_login (request, pending->user_id);
}

static void
login_cb (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);
  FcSql *db = fc_server_request_get_db (request);
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  FcThrottle *throttle = fc_server_get_login_throttle (fc_server_request_get_server (request));
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(PendingAuth) pending = NULL;
  g_autofree char *dummy = NULL;
  g_autofree char *blank_check = NULL;
  const char *email = NULL, *password = NULL, *encoded = NULL;
  const char *text;
  guint wait;

  /* email is optional at field level and may be blank. */
  text = fc_json_get_string (body, "email");
  blank_check = g_strstrip (g_strdup (text != NULL ? text : "x"));
  if (fc_json_has_member (body, "email") && *blank_check != '\0')
    fc_validate_email (body, "email", FALSE, errors, &email);
  fc_validate_string (body, "password", TRUE, FALSE, 0, errors, &password);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (email == NULL) {
    respond_non_field_error (request, "Must include \"email\" and \"password\".");
    return;
  }

  /* The attempt counts now, before the hash runs: checking here and
   * counting when the hash is done let 24 parallel guesses all through. */
  pending = pending_auth_new (request);
  pending->throttle_client = g_strdup (fc_server_request_get_client_address (request));
  pending->throttle_account = g_utf8_strdown (email, -1);
  wait = fc_throttle_begin (throttle, db, pending->throttle_client, pending->throttle_account,
                            now_seconds ());
  if (wait > 0) {
    respond_throttled (request, wait);
    return;
  }

  stmt = fc_sql_prepare (db, "SELECT id, password, is_active FROM users "
                                   "WHERE lower (email) = lower (?)");
  fc_sql_bind_text (stmt, 1, email);
  if (fc_sql_step_row (stmt)) {
    pending->user_id = fc_sql_column_int64 (stmt, 0);
    encoded = fc_sql_column_text (stmt, 1);
    pending->inactive = fc_sql_column_int (stmt, 2) == 0;
  } else {
    /* Hash anyway, as Django does, so timing does not tell which
     * addresses have accounts. */
    dummy = g_strdup_printf ("pbkdf2_sha256$%u$fitcoredummysalt$AAAA", config->password_iterations);
    encoded = dummy;
  }
  password_pool_init (request);
  fc_password_verify_async (password, encoded, NULL, on_login_verified_cb, g_steal_pointer (&pending));
}

/* POST oauth/token/refresh/ */

static void
token_refresh_cb (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);
  FcSql *db = fc_server_request_get_db (request);
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcJwtClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcSqlStmt) stmt = NULL;
  g_autoptr(GDateTime) access_expiration = NULL;
  g_autofree char *expiration_text = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *access = NULL;
  g_autofree char *jti = NULL;
  const char *token = NULL;
  JsonObject *object;
  gint64 now = now_seconds ();

  /* The body wins; the cookie is used only when the key is absent. */
  if (fc_json_has_member (body, "refresh")) {
    if (!fc_validate_string (body, "refresh", TRUE, FALSE, 0, errors, &token)) {
      fc_server_request_respond_errors (request, errors);
      return;
    }
  } else {
    token = fc_server_request_get_cookie (request, REFRESH_COOKIE);
  }
  if (token == NULL) {
    respond_detail_code (request, SOUP_STATUS_UNAUTHORIZED, "No valid refresh token found.",
                         "token_not_valid");
    return;
  }

  claims = fc_jwt_decode (config->secret_key, token, "refresh", now, &error);
  if (claims == NULL) {
    respond_detail_code (request, SOUP_STATUS_UNAUTHORIZED, error->message, "token_not_valid");
    return;
  }
  switch (token_state (db, claims->jti)) {
  case TOKEN_LIVE:
    break;
  case TOKEN_REVOKED:
    respond_detail_code (request, SOUP_STATUS_UNAUTHORIZED, "Token is blacklisted",
                         "token_not_valid");
    return;
  default: /* TOKEN_UNKNOWN */
    respond_unavailable (request);
    return;
  }

  stmt = fc_sql_prepare (db, "SELECT 1 FROM users WHERE id = ? AND is_active = 1");
  fc_sql_bind_int64 (stmt, 1, claims->user_id);
  switch (fc_sql_step (stmt)) {
  case FC_SQL_ROW:
    break;
  case FC_SQL_DONE:
    respond_detail_code (request, SOUP_STATUS_UNAUTHORIZED,
                         "No active account found with the given credentials", "no_active_account");
    return;
  default:
    g_warning ("Cannot read the refresh token's user: %s", fc_sql_errmsg (db));
    respond_unavailable (request);
    return;
  }

  /* Rotation: the old token is blacklisted and a new one handed out. The
   * new access token keeps the old refresh token's iat, as simplejwt's
   * RefreshToken.access_token copies every claim but type, exp and jti. */
  refresh = fc_jwt_encode (config->secret_key, "refresh", claims->user_id, now,
                           now + config->refresh_token_lifetime, &jti);
  if (!blacklist (db, claims) ||
      !record_outstanding (db, jti, claims->user_id, now + config->refresh_token_lifetime)) {
    respond_not_saved (request);
    return;
  }
  access = fc_jwt_encode (config->secret_key, "access", claims->user_id, claims->iat,
                          now + config->access_token_lifetime, NULL);

  access_expiration = g_date_time_add_seconds (g_date_time_new_now_utc (),
                                               config->access_token_lifetime);
  expiration_text = fc_time_format_iso8601 (access_expiration);

  set_cookie (request, ACCESS_COOKIE, access, config->access_token_lifetime);
  set_cookie (request, REFRESH_COOKIE, refresh, config->refresh_token_lifetime);
  object = json_object_new ();
  json_object_set_string_member (object, "access", access);
  json_object_set_string_member (object, "access_expiration", expiration_text);
  fc_server_request_respond_json (request, SOUP_STATUS_OK, object_node (object));
}

/* POST oauth/token/verify/ */

static void
token_verify_cb (FcServerRequest *request)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcJwtClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  const char *token = NULL;

  if (!fc_validate_string (fc_server_request_get_body (request), "token", TRUE, FALSE, 0, errors,
                           &token)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  claims = fc_jwt_decode (config->secret_key, token, NULL, now_seconds (), &error);
  if (claims == NULL) {
    respond_detail_code (request, SOUP_STATUS_UNAUTHORIZED, error->message, "token_not_valid");
    return;
  }
  switch (token_state (fc_server_request_get_db (request), claims->jti)) {
  case TOKEN_LIVE:
    break;
  case TOKEN_REVOKED:
    respond_non_field_error (request, "Token is blacklisted");
    return;
  default: /* TOKEN_UNKNOWN */
    respond_unavailable (request);
    return;
  }
  fc_server_request_respond_json (request, SOUP_STATUS_OK, object_node (json_object_new ()));
}

/* POST oauth/logout/ */

static void
logout_cb (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcJwtClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  const char *token = fc_server_request_get_cookie (request, REFRESH_COOKIE);

  /* The cookies go whatever happens next. */
  delete_cookie (request, ACCESS_COOKIE);
  delete_cookie (request, REFRESH_COOKIE);

  if (token == NULL || *token == '\0')
    token = fc_json_get_string (body, "refresh");
  if (token == NULL || *token == '\0') {
    fc_server_request_respond_detail (request, SOUP_STATUS_UNAUTHORIZED,
                                      "Refresh token was not included in cookie data.");
    return;
  }

  /* dj-rest-auth meant a 401 here; it answers 500 only because simplejwt's
   * message changed under it (wire §4.3). */
  claims = fc_jwt_decode (config->secret_key, token, "refresh", now_seconds (), &error);
  if (claims == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_UNAUTHORIZED, error->message);
    return;
  }
  switch (token_state (db, claims->jti)) {
  case TOKEN_LIVE:
    break;
  case TOKEN_REVOKED:
    fc_server_request_respond_detail (request, SOUP_STATUS_UNAUTHORIZED, "Token is blacklisted");
    return;
  default: /* TOKEN_UNKNOWN */
    respond_unavailable (request);
    return;
  }
  /* "Logged out" only once the token is revoked for good. */
  if (!blacklist (db, claims)) {
    respond_unavailable (request);
    return;
  }
  fc_server_request_respond_detail (request, SOUP_STATUS_OK, "Successfully logged out.");
}

/* GET/PUT/PATCH oauth/user/ */

static void
user_cb (FcServerRequest *request)
{
  gint64 user_id = fc_server_request_get_user_id (request);
  const char *method = fc_server_request_get_method (request);

  if (!g_str_equal (method, "GET")) {
    JsonObject *body = fc_server_request_get_body (request);
    FcSql *db = fc_server_request_get_db (request);
    g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
    const char *first_name = NULL, *last_name = NULL;

    /* Every field is optional, so PUT behaves as PATCH; email and pk are
     * read-only and ignored. */
    fc_validate_string (body, "first_name", FALSE, TRUE, NAME_MAX_LENGTH, errors, &first_name);
    fc_validate_string (body, "last_name", FALSE, TRUE, NAME_MAX_LENGTH, errors, &last_name);
    if (!fc_field_errors_is_empty (errors)) {
      fc_server_request_respond_errors (request, errors);
      return;
    }
    if (first_name != NULL || last_name != NULL) {
      g_autoptr(FcSqlStmt) stmt =
        fc_sql_prepare (db, "UPDATE users SET first_name = coalesce (?, first_name), "
                                  "last_name = coalesce (?, last_name) WHERE id = ?");

      fc_sql_bind_text (stmt, 1, first_name);
      fc_sql_bind_text (stmt, 2, last_name);
      fc_sql_bind_int64 (stmt, 3, user_id);
      fc_sql_step_done (stmt);
    }
  }

  fc_server_request_respond_json (request, SOUP_STATUS_OK,
                                  object_node (user_details (request, user_id)));
}

/* POST oauth/password/change/ */

static void
on_password_hashed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(PendingAuth) pending = user_data;
  FcServerRequest *request = pending->request;
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = fc_password_hash_finish (result, &error);
  gboolean reset = pending->email != NULL;

  if (hash == NULL) {
    respond_hash_failed (request, error);
    return;
  }
  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The server is busy; try again.");
    return;
  }
  if (!fc_users_set_password (db, pending->user_id, hash) ||
      !blacklist_user_tokens (db, pending->user_id, pending->keep_jti)) {
    fc_sql_end (db, FALSE);
    respond_not_saved (request);
    return;
  }
  /* "Saved" only once it is: the old password must not keep working
   * behind a success. */
  if (!fc_sql_end (db, TRUE)) {
    respond_not_saved (request);
    return;
  }
  fc_server_request_respond_detail (request, SOUP_STATUS_OK,
                                    reset ? "Password has been reset with the new password."
                                          : "New password has been saved.");
}

/* Django's SetPasswordForm: required fields, then the match, then the
 * validators, all reported on new_password2. Returns the password or NULL
 * after answering. */
static const char *
validate_new_password (FcServerRequest *request,
                       FcFieldErrors   *errors)
{
  JsonObject *body = fc_server_request_get_body (request);
  const char *password1 = NULL, *password2 = NULL;
  g_auto(GStrv) weak = NULL;

  fc_validate_string (body, "new_password1", TRUE, FALSE, 0, errors, &password1);
  fc_validate_string (body, "new_password2", TRUE, FALSE, 0, errors, &password2);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return NULL;
  }
  if (!g_str_equal (password1, password2)) {
    fc_field_errors_add (errors, "new_password2", "The two password fields didn’t match.");
    fc_server_request_respond_errors (request, errors);
    return NULL;
  }
  weak = fc_password_validate (password2);
  if (weak != NULL) {
    respond_field_messages (request, "new_password2", weak);
    return NULL;
  }
  return password2;
}

static char *
cookie_refresh_jti (FcServerRequest *request)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  const char *token = fc_server_request_get_cookie (request, REFRESH_COOKIE);
  g_autoptr(FcJwtClaims) claims = NULL;

  if (token == NULL)
    return NULL;
  claims = fc_jwt_decode (config->secret_key, token, "refresh", now_seconds (), NULL);
  if (claims == NULL || claims->user_id != fc_server_request_get_user_id (request))
    return NULL;
  return g_strdup (claims->jti);
}

static void
password_change_cb (FcServerRequest *request)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *password = validate_new_password (request, errors);
  PendingAuth *pending;

  if (password == NULL)
    return;

  /* The session changing its password keeps its own refresh token (from
   * the cookie, when it sent one); every other one is revoked. */
  pending = pending_auth_new (request);
  pending->user_id = fc_server_request_get_user_id (request);
  pending->keep_jti = cookie_refresh_jti (request);
  password_pool_init (request);
  fc_password_hash_async (password, config->password_iterations, NULL, on_password_hashed_cb,
                          pending);
}

/* Password reset tokens: Django's PasswordResetTokenGenerator scheme, a
 * base36 timestamp and an HMAC over the user's id, password hash, last
 * login and e-mail, so a token dies once the password changes or the user
 * logs in. */

static char *
to_base36 (guint64 value)
{
  char buffer[16];
  int i = sizeof buffer - 1;

  buffer[i] = '\0';
  do {
    buffer[--i] = "0123456789abcdefghijklmnopqrstuvwxyz"[value % 36];
    value /= 36;
  } while (value > 0);
  return g_strdup (buffer + i);
}

static gboolean
from_base36 (const char *text,
             guint64    *out)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0' || strlen (text) > 12)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++) {
    char c = g_ascii_tolower (*p);
    int digit = g_ascii_isdigit (c) ? c - '0' : (c >= 'a' && c <= 'z') ? c - 'a' + 10 : -1;

    if (digit < 0)
      return FALSE;
    value = value * 36 + digit;
  }
  *out = value;
  return TRUE;
}

/* Seconds since 2001-01-01, Django's epoch for these tokens. */
static gint64
reset_timestamp_now (void)
{
  return now_seconds () - 978307200;
}

static char *
reset_token_for (const char *secret,
                 gint64      user_id,
                 const char *password_hash,
                 const char *last_login,
                 const char *email,
                 gint64      timestamp)
{
  struct sha256_ctx key_ctx;
  struct hmac_sha256_ctx ctx;
  guint8 key[SHA256_DIGEST_SIZE];
  guint8 digest[SHA256_DIGEST_SIZE];
  g_autofree char *ts = to_base36 (timestamp);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT "%s%s%" G_GINT64_FORMAT "%s",
                                            user_id, password_hash,
                                            last_login != NULL ? last_login : "", timestamp, email);
  GString *token = g_string_new (ts);

  /* Django's salted_hmac(): the key is sha256(salt + secret). */
  sha256_init (&key_ctx);
  sha256_update (&key_ctx, strlen (RESET_KEY_SALT), (const guint8 *) RESET_KEY_SALT);
  sha256_update (&key_ctx, strlen (secret), (const guint8 *) secret);
  sha256_digest (&key_ctx, sizeof key, key);
  hmac_sha256_set_key (&ctx, sizeof key, key);
  hmac_sha256_update (&ctx, strlen (value), (const guint8 *) value);
  hmac_sha256_digest (&ctx, sizeof digest, digest);

  g_string_append_c (token, '-');
  /* hexdigest()[::2]: every other hex digit, i.e. the high nibbles. */
  for (gsize i = 0; i < sizeof digest; i++)
    g_string_append_c (token, "0123456789abcdef"[digest[i] >> 4]);
  return g_string_free (token, FALSE);
}

typedef struct {
  char  *password;
  char  *last_login;
  char  *email;
} ResetSubject;

static gboolean
load_reset_subject (FcSql      *db,
                    gint64        user_id,
                    ResetSubject *out)
{
  g_autoptr(FcSqlStmt) stmt =
    fc_sql_prepare (db, "SELECT password, last_login, email FROM users "
                              "WHERE id = ? AND is_active = 1");

  fc_sql_bind_int64 (stmt, 1, user_id);
  if (!fc_sql_step_row (stmt))
    return FALSE;
  out->password = g_strdup (fc_sql_column_text (stmt, 0));
  out->last_login = g_strdup (fc_sql_column_text (stmt, 1));
  out->email = g_strdup (fc_sql_column_text (stmt, 2));
  return TRUE;
}

static void
reset_subject_clear (ResetSubject *subject)
{
  g_clear_pointer (&subject->password, g_free);
  g_clear_pointer (&subject->last_login, g_free);
  g_clear_pointer (&subject->email, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ResetSubject, reset_subject_clear)

FcAccountsResetResult
fc_accounts_mail_password_reset (FcServerRequest *request,
                                 gint64           user_id)
{
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  FcSql *db = fc_server_request_get_db (request);
  g_auto(ResetSubject) subject = { 0 };
  g_autofree char *uid = NULL;
  g_autofree char *token = NULL;
  g_autofree char *base = NULL;
  g_autofree char *body = NULL;

  if (user_id == 0 || !load_reset_subject (db, user_id, &subject))
    return FC_ACCOUNTS_RESET_NO_ACCOUNT;

  uid = to_base36 (user_id);
  token = reset_token_for (config->secret_key, user_id, subject.password, subject.last_login,
                           subject.email, reset_timestamp_now ());
  base = mail_base_url (request);
  body = g_strdup_printf ("  Reset your FitCore password: %s/api/v1/auth/password-reset-confirm/%s/%s/\n"
                          "  (POST uid=%s, token=%s, new_password1, new_password2 to "
                          "%s/api/v1/auth/oauth/password/reset/confirm/)",
                          base, uid, token, uid, token, base);

  /* A mail is slow I/O: not while the request's transaction holds the
   * write lock, and never for a change that did not commit. */
  if (!fc_server_request_commit (request))
    return FC_ACCOUNTS_RESET_NOT_SAVED;
  log_mail (request, subject.email, "Password reset on FitCore", body);
  return FC_ACCOUNTS_RESET_SENT;
}

static void
password_reset_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *email = NULL;

  if (!fc_validate_email (fc_server_request_get_body (request), "email", TRUE, errors, &email)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  /* Same answer for unknown addresses, so it tells nobody who has an
   * account. */
  if (fc_accounts_mail_password_reset (request, fc_users_find_by_email (db, email)) ==
      FC_ACCOUNTS_RESET_NOT_SAVED) {
    respond_not_saved (request);
    return;
  }
  fc_server_request_respond_detail (request, SOUP_STATUS_OK, "Password reset e-mail has been sent.");
}

static gboolean
check_reset_token (const char         *secret,
                   gint64              user_id,
                   const ResetSubject *subject,
                   const char         *token)
{
  const char *dash = strchr (token, '-');
  g_autofree char *ts_text = NULL;
  g_autofree char *expected = NULL;
  guint64 timestamp;

  if (dash == NULL)
    return FALSE;
  ts_text = g_strndup (token, dash - token);
  if (!from_base36 (ts_text, &timestamp) || (gint64) timestamp > reset_timestamp_now () ||
      reset_timestamp_now () - (gint64) timestamp > RESET_TIMEOUT_S)
    return FALSE;
  expected = reset_token_for (secret, user_id, subject->password, subject->last_login,
                              subject->email, timestamp);
  return strlen (expected) == strlen (token) && memeql_sec (expected, token, strlen (token));
}

static void
password_reset_confirm_cb (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);
  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcFieldErrors) password_errors = fc_field_errors_new ();
  g_auto(ResetSubject) subject = { 0 };
  const char *uid = NULL, *token = NULL, *password;
  PendingAuth *pending;
  guint64 user_id = 0;

  fc_validate_string (body, "new_password1", TRUE, FALSE, 0, errors, NULL);
  fc_validate_string (body, "new_password2", TRUE, FALSE, 0, errors, NULL);
  fc_validate_string (body, "uid", TRUE, FALSE, 0, errors, &uid);
  fc_validate_string (body, "token", TRUE, FALSE, 0, errors, &token);
  if (!fc_field_errors_is_empty (errors)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  if (!from_base36 (uid, &user_id) || user_id == 0 || user_id > G_MAXINT64 ||
      !load_reset_subject (db, user_id, &subject)) {
    fc_field_errors_add (errors, "uid", "Invalid value");
    fc_server_request_respond_errors (request, errors);
    return;
  }
  if (!check_reset_token (config->secret_key, user_id, &subject, token)) {
    fc_field_errors_add (errors, "token", "Invalid value");
    fc_server_request_respond_errors (request, errors);
    return;
  }

  password = validate_new_password (request, password_errors);
  if (password == NULL)
    return;

  /* Changing the hash is what makes this token invalid from now on. */
  pending = pending_auth_new (request);
  pending->user_id = user_id;
  pending->email = g_strdup (subject.email);
  password_pool_init (request);
  fc_password_hash_async (password, config->password_iterations, NULL, on_password_hashed_cb,
                          pending);
}

/* POST registration/verify-email/ (and account-confirm-email/), and the
 * link in the mail, GET registration/account-confirm-email/{key}/: the
 * Django backend answers that GET with a 500; here it confirms, as allauth
 * does with ACCOUNT_CONFIRM_EMAIL_ON_GET. */

static void
confirm_email_key (FcServerRequest *request,
                   const char      *key)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcSqlStmt) find = NULL;
  g_autoptr(FcSqlStmt) verify = NULL;
  g_autoptr(FcSqlStmt) consume = NULL;
  g_autoptr(GDateTime) created = NULL;
  gint64 user_id;

  find = fc_sql_prepare (db, "SELECT user_id, created_at FROM email_confirmations WHERE key = ?");
  fc_sql_bind_text (find, 1, key);
  if (!fc_sql_step_row (find)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, "Not found.");
    return;
  }
  user_id = fc_sql_column_int64 (find, 0);
  created = fc_time_parse_iso8601 (fc_sql_column_text (find, 1));
  if (created == NULL ||
      g_date_time_to_unix (created) + CONFIRMATION_TIMEOUT_S < now_seconds ()) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_FOUND, "Not found.");
    return;
  }

  verify = fc_sql_prepare (db, "UPDATE users SET email_verified = 1 WHERE id = ?");
  fc_sql_bind_int64 (verify, 1, user_id);
  fc_sql_step_done (verify);
  consume = fc_sql_prepare (db, "DELETE FROM email_confirmations WHERE user_id = ?");
  fc_sql_bind_int64 (consume, 1, user_id);
  fc_sql_step_done (consume);
  fc_server_request_respond_detail (request, SOUP_STATUS_OK, "ok");
}

static void
verify_email_cb (FcServerRequest *request)
{
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  const char *key = NULL;

  if (!fc_validate_string (fc_server_request_get_body (request), "key", TRUE, FALSE, 0, errors,
                           &key)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }
  confirm_email_key (request, key);
}

static void
confirm_email_link_cb (FcServerRequest *request)
{
  /* A GET runs outside the framework's write transaction. */
  FcSql *db = fc_server_request_get_db (request);

  if (!fc_sql_begin (db)) {
    fc_server_request_respond_detail (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                      "The server is busy; try again.");
    return;
  }
  confirm_email_key (request, fc_server_request_get_param (request, "key"));
  fc_sql_end (db, TRUE);
}

/* GET password-reset-confirm/{uid}/{token}/, the link in the mail (a 500
 * on the Django backend): says what to POST, without using the token. */
static void
password_reset_link_cb (FcServerRequest *request)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "uid", fc_server_request_get_param (request, "uid"));
  json_object_set_string_member (object, "token", fc_server_request_get_param (request, "token"));
  json_object_set_string_member (object, "detail",
                                 "POST uid, token, new_password1 and new_password2 to "
                                 "/api/v1/auth/oauth/password/reset/confirm/.");
  fc_server_request_respond_json (request, SOUP_STATUS_OK, object_node (object));
}

/* POST registration/resend-email/ */

static void
resend_email_cb (FcServerRequest *request)
{
  FcSql *db = fc_server_request_get_db (request);
  g_autoptr(FcFieldErrors) errors = fc_field_errors_new ();
  g_autoptr(FcSqlStmt) stmt = NULL;
  const char *email = NULL;

  if (!fc_validate_email (fc_server_request_get_body (request), "email", TRUE, errors, &email)) {
    fc_server_request_respond_errors (request, errors);
    return;
  }

  stmt = fc_sql_prepare (db, "SELECT id, email FROM users "
                                   "WHERE lower (email) = lower (?) AND email_verified = 0");
  fc_sql_bind_text (stmt, 1, email);
  if (fc_sql_step_row (stmt)) {
    g_autofree char *address = g_strdup (fc_sql_column_text (stmt, 1));
    g_autofree char *key = create_confirmation (request, fc_sql_column_int64 (stmt, 0));

    /* The mail goes out once its key is saved: a key whose commit failed
     * would confirm nothing. And not while the write lock is held. */
    if (key == NULL || !fc_server_request_commit (request)) {
      respond_not_saved (request);
      return;
    }
    mail_confirmation (request, key, address);
  }
  fc_server_request_respond_detail (request, SOUP_STATUS_OK, "ok");
}

/* POST google/login/ */

static void
google_login_cb (FcServerRequest *request)
{
  JsonObject *body = fc_server_request_get_body (request);

  FcServerConfig *config = fc_server_get_config (fc_server_request_get_server (request));

  if (fc_json_get_string (body, "access_token") == NULL && fc_json_get_string (body, "code") == NULL &&
      fc_json_get_string (body, "id_token") == NULL) {
    respond_non_field_error (request, "Incorrect input. access_token or code is required.");
    return;
  }
  if (config->google_client_id == NULL) {
    fc_server_request_respond_detail (request, SOUP_STATUS_NOT_IMPLEMENTED,
                                      "Google sign-in is not configured on this server.");
    return;
  }
  fc_google_login (request);
}

#define AUTH "/api/v1/auth/"

static const FcRoute routes[] = {
  { "POST", AUTH "registration/", FC_AUTH_OPTIONAL, registration_cb },
  { "POST", AUTH "registration/verify-email/", FC_AUTH_OPTIONAL, verify_email_cb },
  { "POST", AUTH "registration/account-confirm-email/", FC_AUTH_OPTIONAL, verify_email_cb },
  { "POST", AUTH "account-confirm-email/", FC_AUTH_OPTIONAL, verify_email_cb },
  { "GET", AUTH "registration/account-confirm-email/{key}/", FC_AUTH_OPTIONAL, confirm_email_link_cb },
  { "POST", AUTH "registration/resend-email/", FC_AUTH_OPTIONAL, resend_email_cb },
  { "POST", AUTH "oauth/login/", FC_AUTH_OPTIONAL, login_cb },
  { "POST", AUTH "oauth/logout/", FC_AUTH_OPTIONAL, logout_cb },
  { "GET", AUTH "oauth/user/", FC_AUTH_REQUIRED, user_cb },
  { "PUT", AUTH "oauth/user/", FC_AUTH_REQUIRED, user_cb },
  { "PATCH", AUTH "oauth/user/", FC_AUTH_REQUIRED, user_cb },
  { "POST", AUTH "oauth/token/verify/", FC_AUTH_NONE, token_verify_cb },
  { "POST", AUTH "oauth/token/refresh/", FC_AUTH_NONE, token_refresh_cb },
  { "POST", AUTH "oauth/password/change/", FC_AUTH_REQUIRED, password_change_cb },
  { "POST", AUTH "oauth/password/reset/", FC_AUTH_OPTIONAL, password_reset_cb },
  { "POST", AUTH "oauth/password/reset/confirm/", FC_AUTH_OPTIONAL, password_reset_confirm_cb },
  { "GET", AUTH "password-reset-confirm/{uid}/{token}/", FC_AUTH_OPTIONAL, password_reset_link_cb },
  { "POST", AUTH "google/login/", FC_AUTH_OPTIONAL, google_login_cb },
};

const FcRoute *
fc_accounts_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
