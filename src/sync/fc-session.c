/* fc-session.c — who is signed in, to which server, and their store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every way in (restore, sign-in, registration, the local server) ends in
 * enter_account(): open the account's store, keep the account the sign-in
 * answered (or, on a restore, read the one it kept), start the sync engine,
 * which then does not ask the server for an account it was just given.
 * The store and the credentials are keyed by the server's "key": its URL,
 * except for the local server, whose port changes on every start, so its
 * key is its data dir.
 */

#define G_LOG_DOMAIN "fc-sync"

#include "config.h"

#include "fc-session.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <sys/random.h>

#include "fc-credentials.h"
#include "fc-json.h"
#include "fc-local-server.h"

#define LOCAL_ACCOUNT "me@localhost.localdomain"
#define LOCAL_KEY_PREFIX "local:"

struct _FcSession
{
  GObject         parent_instance;

  /* owned */
  FcCredentials  *credentials;
  FcApiClient    *client;
  FcStore        *store;
  FcSyncEngine   *engine;
  FcLocalServer  *local_server;
  GCancellable   *cancellable;
  char           *server_url;
  char           *server_key;
  char           *account;
  char           *first_name;
  char           *last_name;
  char          **sections;

  gulong          tokens_changed_id;
  gulong          signed_out_id;
  gulong          store_changed_id;

  FcSessionState  state;
  gboolean        is_staff;
  gboolean        deactivated;  /* the last session ended as the account was deactivated */
  gboolean        told_secrets_unavailable;
};

G_DEFINE_FINAL_TYPE (FcSession, fc_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_SERVER_URL,
  PROP_ACCOUNT,
  PROP_FIRST_NAME,
  PROP_LAST_NAME,
  PROP_IS_STAFF,
  PROP_STORE,
  PROP_SYNC_ENGINE,
  PROP_SECRETS_PERSISTENT,
  PROP_SECTIONS,
  N_PROPS
};

enum {
  SIGNAL_SIGNED_OUT,
  SIGNAL_SECRETS_UNAVAILABLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The data of every sign-in task. */
typedef struct {
  char          *server_url;
  char          *server_key;
  char          *email;
  char          *password;
  FcApiClient   *client;
  JsonObject    *user;
  FcApiProblem  *problem;
  gboolean       recovered;   /* the local password was set again once */
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_free (data->server_url);
  g_free (data->server_key);
  g_free (data->email);
  if (data->password != NULL)
    secret_password_free (data->password);
  g_clear_object (&data->client);
  g_clear_pointer (&data->user, json_object_unref);
  g_clear_pointer (&data->problem, fc_api_problem_unref);
  g_free (data);
}

static const SecretSchema *
local_password_schema (void)
{
  static const SecretSchema schema = {
    "org.fitcore.FitCore.LocalServer", SECRET_SCHEMA_NONE,
    {
      { "data-dir", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void enter_account (GTask *task);

/* Helpers */

static void
set_string (FcSession  *self,
            char      **field,
            const char *value,
            guint       prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (FcSession      *self,
           FcSessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_sections (FcSession          *self,
              const char * const *sections)
{
  if (sections == NULL && self->sections == NULL)
    return;
  if (sections != NULL && self->sections != NULL &&
      g_strv_equal (sections, (const char * const *) self->sections))
    return;
  g_strfreev (self->sections);
  self->sections = g_strdupv ((char **) sections);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECTIONS]);
}

static void
apply_account (FcSession  *self,
               JsonObject *account)
{
  gboolean is_staff = FALSE;
  const char *email = fc_json_get_string (account, "email");

  if (email != NULL && *email != '\0')
    set_string (self, &self->account, email, PROP_ACCOUNT);
  set_string (self, &self->first_name, fc_json_get_string (account, "first_name"),
              PROP_FIRST_NAME);
  set_string (self, &self->last_name, fc_json_get_string (account, "last_name"),
              PROP_LAST_NAME);
  /* The wire's user has no is_staff; a server that adds it is believed. */
  if (!fc_json_get_boolean (account, "is_staff", &is_staff))
    is_staff = FALSE;
  if (is_staff != self->is_staff) {
    self->is_staff = is_staff;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_STAFF]);
  }
}

static gboolean
is_local_key (const char *key)
{
  return key != NULL && g_str_has_prefix (key, LOCAL_KEY_PREFIX);
}

/* Drops the account from memory; the store file and its outbox stay. */
static void
teardown (FcSession *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->engine != NULL) {
    fc_sync_engine_stop (self->engine);
    g_clear_object (&self->engine);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
  }
  if (self->store != NULL) {
    g_clear_signal_handler (&self->store_changed_id, self->store);
    g_clear_object (&self->store);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  }
  if (self->client != NULL) {
    g_clear_signal_handler (&self->tokens_changed_id, self->client);
    g_clear_signal_handler (&self->signed_out_id, self->client);
    g_clear_object (&self->client);
  }
  if (self->local_server != NULL)
    fc_local_server_stop (self->local_server);
  g_clear_object (&self->local_server);
  g_clear_pointer (&self->server_key, g_free);
  set_string (self, &self->account, NULL, PROP_ACCOUNT);
  set_string (self, &self->first_name, NULL, PROP_FIRST_NAME);
  set_string (self, &self->last_name, NULL, PROP_LAST_NAME);
  if (self->is_staff) {
    self->is_staff = FALSE;
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_STAFF]);
  }
  set_sections (self, NULL);
  set_state (self, FC_SESSION_SIGNED_OUT);
}

/* Callbacks */

static void
on_tokens_stored_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fc_credentials_store_finish (FC_CREDENTIALS (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot keep the tokens: %s", error->message);
}

static void
on_client_tokens_changed_cb (FcApiClient *client,
                             FcSession   *self)
{
  const char *access = fc_api_client_get_access_token (client);
  const char *refresh = fc_api_client_get_refresh_token (client);

  if (self->server_key == NULL || self->account == NULL)
    return;
  /* Both NULL removes the items: a revoked session keeps no dead token. */
  fc_credentials_store_async (self->credentials, self->server_key, self->account, access,
                              refresh, NULL, on_tokens_stored_cb, NULL);
}

static void
on_client_signed_out_cb (FcApiClient *client,
                         guint        reason,
                         const char  *message,
                         FcSession   *self)
{
  g_autofree char *why = NULL;

  if ((reason != FC_API_SIGN_OUT_REVOKED && reason != FC_API_SIGN_OUT_DEACTIVATED) ||
      self->state != FC_SESSION_SIGNED_IN)
    return;

  self->deactivated = reason == FC_API_SIGN_OUT_DEACTIVATED;

  g_debug ("The server ended the session: %s", message);
  why = g_strdup (message != NULL ? message : _("Your session has ended. Please sign in again."));
  teardown (self);
  g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, why, FALSE);
}

static void
on_account_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FcSession) self = user_data;
  g_autoptr(JsonObject) account = NULL;

  account = fc_store_get_object_finish (FC_STORE (source), result, NULL);
  if (account != NULL && FC_STORE (source) == self->store)
    apply_account (self, account);
}

static void
on_sections_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FcSession) self = user_data;
  g_auto(GStrv) sections = NULL;

  sections = fc_store_get_sections_finish (FC_STORE (source), result, NULL);
  if (sections != NULL && FC_STORE (source) == self->store)
    set_sections (self, (const char * const *) sections);
}

static void
on_store_changed_cb (FcStore    *store,
                     const char *resource,
                     FcSession  *self)
{
  /* While an account is entered, the entry itself applies the account it
   * writes (the sign-in answer): reading it back would only repeat it. */
  if (g_strcmp0 (resource, FC_STORE_ACCOUNT) == 0 && self->state == FC_SESSION_SIGNED_IN)
    fc_store_get_object_async (store, FC_STORE_ACCOUNT, 0, NULL, on_account_read_cb,
                               g_object_ref (self));
  else if (g_strcmp0 (resource, FC_STORE_SECTIONS) == 0)
    fc_store_get_sections_async (store, NULL, on_sections_read_cb, g_object_ref (self));
}

static void
on_credentials_fallback_cb (FcCredentials *credentials,
                            const char    *reason,
                            FcSession     *self)
{
  if (self->told_secrets_unavailable)
    return;
  self->told_secrets_unavailable = TRUE;
  g_signal_emit (self, signals[SIGNAL_SECRETS_UNAVAILABLE], 0);
}

static void
on_credentials_persistent_cb (FcCredentials *credentials,
                              GParamSpec    *pspec,
                              FcSession     *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS_PERSISTENT]);
}

/* Entering an account */

static void
finish_entering (GTask *task)
{
  FcSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);

  self->engine = fc_sync_engine_new (self->client, self->store);
  /* The sign-in answer carried the account and it is stored: the first
   * sync need not ask the server for it again. */
  if (data->user != NULL)
    fc_sync_engine_skip_next_account (self->engine);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
  self->deactivated = FALSE;
  set_state (self, FC_SESSION_SIGNED_IN);
  fc_sync_engine_start (self->engine);
  g_task_return_boolean (task, TRUE);
}

static void
on_entry_sections_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSession *self = g_task_get_source_object (task);
  g_auto(GStrv) sections = NULL;
  g_autoptr(GError) error = NULL;

  sections = fc_store_get_sections_finish (FC_STORE (source), result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  set_sections (self, (const char * const *) sections);
  finish_entering (task);
}

static void
on_entry_account_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSession *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) account = NULL;

  /* Offline, a store that never synced has no account yet: fine. */
  account = fc_store_get_object_finish (FC_STORE (source), result, NULL);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (account != NULL)
    apply_account (self, account);
  fc_store_get_sections_async (self->store, cancellable, on_entry_sections_cb,
                               g_steal_pointer (&task));
}

static void
on_entry_account_set_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fc_store_set_account_finish (FC_STORE (source), result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (g_task_return_error_if_cancelled (task))
    return;
  /* What was just written is what the sign-in answered: used as it is,
   * not read back. */
  apply_account (self, data->user);
  fc_store_get_sections_async (self->store, cancellable, on_entry_sections_cb,
                               g_steal_pointer (&task));
}

static void
on_entry_tokens_stored_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fc_credentials_store_finish (FC_CREDENTIALS (source), result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (data->user != NULL)
    fc_store_set_account_async (self->store, data->user, cancellable,
                                on_entry_account_set_cb, g_steal_pointer (&task));
  else
    fc_store_get_object_async (self->store, FC_STORE_ACCOUNT, 0, cancellable,
                               on_entry_account_cb, g_steal_pointer (&task));
}

static void
on_entry_store_opened_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = fc_store_open_finish (result, &error);
  if (store == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (g_task_return_error_if_cancelled (task))
    return;

  /* From here on this is the session's account. */
  self->client = g_steal_pointer (&data->client);
  self->store = g_steal_pointer (&store);
  self->server_key = g_strdup (data->server_key);
  set_string (self, &self->server_url, data->server_url, PROP_SERVER_URL);
  set_string (self, &self->account, data->email, PROP_ACCOUNT);
  self->tokens_changed_id = g_signal_connect (self->client, "tokens-changed",
                                              G_CALLBACK (on_client_tokens_changed_cb), self);
  self->signed_out_id = g_signal_connect (self->client, "signed-out",
                                          G_CALLBACK (on_client_signed_out_cb), self);
  self->store_changed_id = g_signal_connect (self->store, "changed",
                                             G_CALLBACK (on_store_changed_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);

  /* Keep the tokens before saying we are in: a crash right after sign-in
   * must not lose the session. */
  fc_credentials_store_async (self->credentials, self->server_key, self->account,
                              fc_api_client_get_access_token (self->client),
                              fc_api_client_get_refresh_token (self->client),
                              cancellable, on_entry_tokens_stored_cb,
                              g_steal_pointer (&task));
}

/* Takes @task, whose SignIn has client, server_url, server_key and email. */
static void
enter_account (GTask *task)
{
  SignIn *data = g_task_get_task_data (task);

  fc_store_open_async (data->server_key, data->email, g_task_get_cancellable (task),
                       on_entry_store_opened_cb, task);
}

static GTask *
sign_in_task_new (FcSession           *self,
                  const char          *server_url,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SignIn *data = g_new0 (SignIn, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);
  data->server_url = g_strdup (server_url);
  data->server_key = g_strdup (server_url);
  return task;
}

/* A new client for @data's server; FALSE (and @task returned) when the
 * address is refused. */
static gboolean
make_client (GTask *task)
{
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  if (!fc_api_client_check_base_url (data->server_url, &normalized, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return FALSE;
  }
  data->client = fc_api_client_new (normalized, &error);
  if (data->client == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return FALSE;
  }
  g_free (data->server_url);
  data->server_url = g_strdup (normalized);
  if (!is_local_key (data->server_key)) {
    g_free (data->server_key);
    data->server_key = g_steal_pointer (&normalized);
  }
  return TRUE;
}

static gboolean
propagate_with_problem (GTask         *task,
                        FcApiProblem **problem,
                        GError       **error)
{
  SignIn *data = g_task_get_task_data (task);

  if (problem != NULL)
    *problem = data->problem != NULL ? fc_api_problem_ref (data->problem) : NULL;
  return g_task_propagate_boolean (task, error);
}

/* Restore */

static void
on_restore_tokens_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *access = NULL, *refresh = NULL;

  if (!fc_credentials_lookup_finish (FC_CREDENTIALS (source), result, &access, &refresh,
                                     &error)) {
    set_state (self, FC_SESSION_SIGNED_OUT);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (access == NULL && refresh == NULL) {
    set_state (self, FC_SESSION_SIGNED_OUT);
    g_task_return_boolean (task, FALSE);
    return;
  }
  fc_api_client_set_tokens (data->client, access, refresh);
  if (access != NULL)
    secret_password_free (access);
  if (refresh != NULL)
    secret_password_free (refresh);
  enter_account (g_steal_pointer (&task));
}

static void
on_restore_account_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FcSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->email = fc_credentials_lookup_account_finish (FC_CREDENTIALS (source), result, &error);
  if (data->email == NULL) {
    set_state (self, FC_SESSION_SIGNED_OUT);
    if (error != NULL)
      g_task_return_error (task, g_steal_pointer (&error));
    else
      g_task_return_boolean (task, FALSE);
    return;
  }
  fc_credentials_lookup_async (self->credentials, data->server_key, data->email,
                               cancellable, on_restore_tokens_cb,
                               g_steal_pointer (&task));
}

/* Sign-in and registration */

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *email;

  if (g_task_get_source_tag (task) == fc_session_register_async)
    data->user = fc_api_client_register_finish (data->client, result, &data->problem, &error);
  else if (g_task_get_source_tag (task) == fc_session_sign_in_with_google_async)
    data->user = fc_api_client_google_login_finish (data->client, result, &data->problem, &error);
  else
    data->user = fc_api_client_sign_in_finish (data->client, result, &data->problem, &error);
  if (data->user == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  /* The server's spelling of the address names the store. */
  email = fc_json_get_string (data->user, "email");
  if (email != NULL && *email != '\0') {
    g_free (data->email);
    data->email = g_strdup (email);
  }
  if (data->email == NULL) {
    /* A Google sign-in knows the account only from the answer. */
    g_task_return_new_error (task, FC_API_ERROR, FC_API_ERROR_BAD_RESPONSE,
                             _("The server signed you in without saying to which account."));
    return;
  }
  enter_account (g_steal_pointer (&task));
}

/* Password reset */

static void
on_reset_requested_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fc_api_client_request_password_reset_finish (FC_API_CLIENT (source), result,
                                                    &data->problem, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* The local server */

static void local_sign_in (GTask *task);

static gboolean
cancel_secret_call_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* libsecret waits on an unlock prompt for as long as nobody answers it. The
 * local account's password goes to libsecret directly (FcCredentials keeps
 * only tokens), so its calls get FcCredentials' bound: after that the flow
 * goes on as if there were no keyring, and a new password is set. The
 * caller's own cancellable is checked at each step of the task. */
static GCancellable *
secret_call_cancellable_new (FcSession *self)
{
  GCancellable *cancellable = g_cancellable_new ();
  guint seconds = 10;

  g_object_get (self->credentials, "timeout", &seconds, NULL);
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, seconds, cancel_secret_call_cb,
                              g_object_ref (cancellable), g_object_unref);
  return cancellable;
}

static void
on_local_password_stored_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Not fatal: without it the next start sets a new password. A dismissed
   * prompt answers FALSE without an error. */
  if (!secret_password_store_finish (result, &error))
    g_message ("The local account's password is kept for this run only: %s",
               error != NULL ? error->message : "the keyring prompt was dismissed");
  local_sign_in (g_steal_pointer (&task));
}

static void
on_local_account_created_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  FcLocalServer *server = FC_LOCAL_SERVER (source);
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;

  if (!fc_local_server_create_account_finish (server, result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  cancellable = secret_call_cancellable_new (g_task_get_source_object (task));
  secret_password_store (local_password_schema (), SECRET_COLLECTION_DEFAULT,
                         _("FitCore local account"), data->password,
                         cancellable, on_local_password_stored_cb,
                         g_steal_pointer (&task),
                         "data-dir", fc_local_server_get_data_dir (server),
                         "account", LOCAL_ACCOUNT, NULL);
}

/* A password from the kernel's CSPRNG: GLib's g_random is not meant for
 * secrets and the client layer has no generator to offer. */
static char *
new_local_password (GError **error)
{
  guchar bytes[24];
  gsize got = 0;

  while (got < sizeof bytes) {
    gssize n = getrandom (bytes + got, sizeof bytes - got, 0);

    if (n < 0) {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot make a password: %s"), g_strerror (saved_errno));
      return NULL;
    }
    got += n;
  }
  return g_base64_encode (bytes, sizeof bytes);
}

/* Sets a new password on the local account (the server must be stopped
 * or idle: it is a write to its database), keeps it, then signs in. */
static void
reset_local_password (GTask *task)
{
  FcSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *password = new_local_password (&error);

  if (password == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (data->password != NULL)
    secret_password_free (data->password);
  data->password = g_steal_pointer (&password);
  data->recovered = TRUE;
  fc_local_server_create_account_async (self->local_server, LOCAL_ACCOUNT, data->password,
                                        g_task_get_cancellable (task),
                                        on_local_account_created_cb, task);
}

static void
on_local_signed_in_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->user = fc_api_client_sign_in_finish (data->client, result, &data->problem, &error);
  if (data->user != NULL) {
    enter_account (g_steal_pointer (&task));
    return;
  }
  /* The kept password no longer fits (a new data dir, an old keyring):
   * the data dir is ours, so set a new one, once. */
  if (g_error_matches (error, FC_API_ERROR, FC_API_ERROR_VALIDATION) && !data->recovered) {
    g_clear_pointer (&data->problem, fc_api_problem_unref);
    reset_local_password (g_steal_pointer (&task));
    return;
  }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_local_server_started_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  SignIn *data = g_task_get_task_data (task);
  FcLocalServer *server = FC_LOCAL_SERVER (source);
  g_autoptr(GError) error = NULL;

  if (!fc_local_server_start_finish (server, result, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_free (data->server_url);
  data->server_url = g_strdup (fc_local_server_get_url (server));
  g_clear_object (&data->client);
  if (!make_client (task))
    return;
  fc_api_client_sign_in_async (data->client, data->email, data->password,
                               cancellable, on_local_signed_in_cb,
                               g_steal_pointer (&task));
}

static void
local_sign_in (GTask *task)
{
  FcSession *self = g_task_get_source_object (task);

  fc_local_server_start_async (self->local_server, g_task_get_cancellable (task),
                               on_local_server_started_cb, task);
}

static void
on_local_password_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->password = secret_password_lookup_finish (result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (data->password == NULL) {
    if (error != NULL)
      g_message ("No Secret Service for the local account: %s", error->message);
    reset_local_password (g_steal_pointer (&task));
    return;
  }
  local_sign_in (g_steal_pointer (&task));
}

/* Overrides */

static void
fc_session_dispose (GObject *object)
{
  FcSession *self = (FcSession *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->engine != NULL)
    fc_sync_engine_stop (self->engine);
  g_clear_object (&self->engine);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_object (&self->store);
  if (self->client != NULL) {
    g_clear_signal_handler (&self->tokens_changed_id, self->client);
    g_clear_signal_handler (&self->signed_out_id, self->client);
  }
  g_clear_object (&self->client);
  g_clear_object (&self->local_server);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (fc_session_parent_class)->dispose (object);
}

static void
fc_session_finalize (GObject *object)
{
  FcSession *self = (FcSession *) object;

  g_clear_object (&self->cancellable);
  g_free (self->server_url);
  g_free (self->server_key);
  g_free (self->account);
  g_free (self->first_name);
  g_free (self->last_name);
  g_strfreev (self->sections);

  G_OBJECT_CLASS (fc_session_parent_class)->finalize (object);
}

static void
fc_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FcSession *self = FC_SESSION (object);

  switch (prop_id) {
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_FIRST_NAME:
      g_value_set_string (value, self->first_name);
      break;
    case PROP_LAST_NAME:
      g_value_set_string (value, self->last_name);
      break;
    case PROP_IS_STAFF:
      g_value_set_boolean (value, self->is_staff);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_SECRETS_PERSISTENT:
      g_value_set_boolean (value, fc_session_get_secrets_persistent (self));
      break;
    case PROP_SECTIONS:
      g_value_set_boxed (value, self->sections);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_session_class_init (FcSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_session_dispose;
  object_class->finalize = fc_session_finalize;
  object_class->get_property = fc_session_get_property;

  /* An FcSessionState; a plain uint because the core has no enum types. */
  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, FC_SESSION_SIGNED_OUT, FC_SESSION_SIGNED_IN,
                       FC_SESSION_SIGNED_OUT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_NAME] =
    g_param_spec_string ("first-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_NAME] =
    g_param_spec_string ("last-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_STAFF] =
    g_param_spec_boolean ("is-staff", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, FC_TYPE_SYNC_ENGINE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECRETS_PERSISTENT] =
    g_param_spec_boolean ("secrets-persistent", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECTIONS] =
    g_param_spec_boxed ("sections", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SIGNED_OUT] =
    g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SIGNAL_SECRETS_UNAVAILABLE] =
    g_signal_new ("secrets-unavailable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
fc_session_init (FcSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->credentials = fc_credentials_new ();
  g_signal_connect_object (self->credentials, "fallback",
                           G_CALLBACK (on_credentials_fallback_cb), self, 0);
  g_signal_connect_object (self->credentials, "notify::persistent",
                           G_CALLBACK (on_credentials_persistent_cb), self, 0);
}

/* Public API */

FcSession *
fc_session_new (void)
{
  return g_object_new (FC_TYPE_SESSION, NULL);
}

FcSessionState
fc_session_get_state (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), FC_SESSION_SIGNED_OUT);

  return self->state;
}

const char *
fc_session_get_server_url (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);

  return self->server_url;
}

const char *
fc_session_get_account (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);

  return self->account;
}

const char *
fc_session_get_first_name (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);

  return self->first_name;
}

const char *
fc_session_get_last_name (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);

  return self->last_name;
}

gboolean
fc_session_get_is_staff (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), FALSE);

  return self->is_staff;
}

FcStore *
fc_session_get_store (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);

  return self->store;
}

FcSyncEngine *
fc_session_get_sync_engine (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);

  return self->engine;
}

FcApiClient *
fc_session_get_client (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);

  return self->client;
}

gboolean
fc_session_get_secrets_persistent (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), FALSE);

  return fc_credentials_get_persistent (self->credentials);
}

const char * const *
fc_session_get_sections (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);

  return (const char * const *) self->sections;
}

gboolean
fc_session_has_section (FcSession  *self,
                        const char *section)
{
  g_return_val_if_fail (FC_IS_SESSION (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  return self->sections != NULL &&
         g_strv_contains ((const char * const *) self->sections, section);
}

gboolean
fc_session_is_local (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), FALSE);

  return is_local_key (self->server_key);
}

void
fc_session_restore_async (FcSession           *self,
                          const char          *server_url,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *data;

  g_return_if_fail (FC_IS_SESSION (self));
  g_return_if_fail (server_url != NULL);

  teardown (self);
  task = sign_in_task_new (self, server_url, fc_session_restore_async, cancellable, callback,
                           user_data);
  if (!make_client (task))
    return;
  data = g_task_get_task_data (task);
  set_state (self, FC_SESSION_RESTORING);
  fc_credentials_lookup_account_async (self->credentials, data->server_key, cancellable,
                                       on_restore_account_cb, g_steal_pointer (&task));
}

gboolean
fc_session_restore_finish (FcSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  ok = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (self->state == FC_SESSION_RESTORING)
    set_state (self, FC_SESSION_SIGNED_OUT);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

void
fc_session_sign_in_async (FcSession           *self,
                          const char          *server_url,
                          const char          *email,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *data;

  g_return_if_fail (FC_IS_SESSION (self));
  g_return_if_fail (server_url != NULL && email != NULL && password != NULL);

  teardown (self);
  task = sign_in_task_new (self, server_url, fc_session_sign_in_async, cancellable, callback,
                           user_data);
  if (!make_client (task))
    return;
  data = g_task_get_task_data (task);
  data->email = g_strdup (email);
  fc_api_client_sign_in_async (data->client, email, password, cancellable, on_signed_in_cb,
                               g_steal_pointer (&task));
}

gboolean
fc_session_sign_in_finish (FcSession     *self,
                           GAsyncResult  *result,
                           FcApiProblem **problem,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return propagate_with_problem (G_TASK (result), problem, error);
}

/* The e-mail is the server's: only the answer's `user` knows it. */
void
fc_session_sign_in_with_google_async (FcSession           *self,
                                      const char          *server_url,
                                      const char          *id_token,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *data;

  g_return_if_fail (FC_IS_SESSION (self));
  g_return_if_fail (server_url != NULL && id_token != NULL);

  teardown (self);
  task = sign_in_task_new (self, server_url, fc_session_sign_in_with_google_async, cancellable,
                           callback, user_data);
  if (!make_client (task))
    return;
  data = g_task_get_task_data (task);
  fc_api_client_google_login_async (data->client, id_token, cancellable, on_signed_in_cb,
                                    g_steal_pointer (&task));
}

gboolean
fc_session_sign_in_with_google_finish (FcSession     *self,
                                       GAsyncResult  *result,
                                       FcApiProblem **problem,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return propagate_with_problem (G_TASK (result), problem, error);
}

void
fc_session_register_async (FcSession           *self,
                           const char          *server_url,
                           const char          *email,
                           const char          *password1,
                           const char          *password2,
                           const char          *first_name,
                           const char          *last_name,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *data;

  g_return_if_fail (FC_IS_SESSION (self));
  g_return_if_fail (server_url != NULL && email != NULL);

  teardown (self);
  task = sign_in_task_new (self, server_url, fc_session_register_async, cancellable, callback,
                           user_data);
  if (!make_client (task))
    return;
  data = g_task_get_task_data (task);
  data->email = g_strdup (email);
  fc_api_client_register_async (data->client, email, password1, password2, first_name,
                                last_name, cancellable, on_signed_in_cb,
                                g_steal_pointer (&task));
}

gboolean
fc_session_register_finish (FcSession     *self,
                            GAsyncResult  *result,
                            FcApiProblem **problem,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return propagate_with_problem (G_TASK (result), problem, error);
}

void
fc_session_request_password_reset_async (FcSession           *self,
                                         const char          *server_url,
                                         const char          *email,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *data;

  g_return_if_fail (FC_IS_SESSION (self));
  g_return_if_fail (server_url != NULL && email != NULL);

  task = sign_in_task_new (self, server_url, fc_session_request_password_reset_async,
                           cancellable, callback, user_data);
  if (!make_client (task))
    return;
  data = g_task_get_task_data (task);
  fc_api_client_request_password_reset_async (data->client, email, cancellable,
                                              on_reset_requested_cb, g_steal_pointer (&task));
}

gboolean
fc_session_request_password_reset_finish (FcSession     *self,
                                          GAsyncResult  *result,
                                          FcApiProblem **problem,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return propagate_with_problem (G_TASK (result), problem, error);
}

void
fc_session_use_local_server_async (FcSession           *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GCancellable) secret_cancellable = NULL;
  g_autofree char *data_dir = NULL;
  SignIn *data;

  g_return_if_fail (FC_IS_SESSION (self));

  teardown (self);
  data_dir = g_build_filename (g_get_user_data_dir (), "fitcore", "local-server", NULL);
  task = sign_in_task_new (self, NULL, fc_session_use_local_server_async, cancellable, callback,
                           user_data);
  data = g_task_get_task_data (task);
  data->server_key = g_strconcat (LOCAL_KEY_PREFIX, data_dir, NULL);
  data->email = g_strdup (LOCAL_ACCOUNT);
  self->local_server = fc_local_server_new (NULL, data_dir);

  secret_cancellable = secret_call_cancellable_new (self);
  secret_password_lookup (local_password_schema (), secret_cancellable, on_local_password_cb,
                          g_steal_pointer (&task),
                          "data-dir", data_dir, "account", LOCAL_ACCOUNT, NULL);
}

gboolean
fc_session_use_local_server_finish (FcSession     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (g_task_propagate_boolean (G_TASK (result), &local_error))
    return TRUE;
  /* A server that started for nothing must not run on. */
  if (self->state != FC_SESSION_SIGNED_IN && self->local_server != NULL) {
    fc_local_server_stop (self->local_server);
    g_clear_object (&self->local_server);
  }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Sign-out */

typedef struct {
  guint    waiting;
} SignOut;

static void
sign_out_step_done (GTask *task)
{
  SignOut *data = g_task_get_task_data (task);

  if (--data->waiting == 0)
    g_task_return_boolean (task, TRUE);
}

static void
on_server_signed_out_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcLocalServer *local_server = g_object_get_data (G_OBJECT (task), "local-server");
  g_autoptr(GError) error = NULL;

  if (!fc_api_client_sign_out_finish (FC_API_CLIENT (source), result, &error))
    g_debug ("The server did not confirm the sign-out: %s", error->message);
  /* Stopped only now: it had to hear the logout first. */
  if (local_server != NULL)
    fc_local_server_stop (local_server);
  sign_out_step_done (task);
}

static void
on_credentials_cleared_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!fc_credentials_clear_finish (FC_CREDENTIALS (source), result, &error))
    g_debug ("Tokens not cleared: %s", error->message);
  sign_out_step_done (task);
}

void
fc_session_sign_out_async (FcSession           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FcApiClient) client = NULL;
  g_autoptr(FcLocalServer) local_server = NULL;
  g_autofree char *key = NULL;
  g_autofree char *account = NULL;
  SignOut *data;
  gboolean was_signed_in;

  g_return_if_fail (FC_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_session_sign_out_async);
  data = g_new0 (SignOut, 1);
  data->waiting = 1;
  g_task_set_task_data (task, data, g_free);

  was_signed_in = self->state == FC_SESSION_SIGNED_IN;
  client = self->client != NULL ? g_object_ref (self->client) : NULL;
  local_server = self->local_server != NULL ? g_object_ref (self->local_server) : NULL;
  key = g_strdup (self->server_key);
  account = g_strdup (self->account);

  /* Signed out locally at once; the server and the keyring are told after. */
  if (local_server != NULL)
    g_object_set_data_full (G_OBJECT (task), "local-server", g_object_ref (local_server),
                            g_object_unref);
  g_clear_object (&self->local_server);
  teardown (self);

  if (client != NULL && fc_api_client_is_signed_in (client)) {
    data->waiting++;
    fc_api_client_sign_out_async (client, cancellable, on_server_signed_out_cb,
                                  g_object_ref (task));
  } else if (local_server != NULL) {
    fc_local_server_stop (local_server);
  }
  if (key != NULL && account != NULL) {
    data->waiting++;
    fc_credentials_clear_async (self->credentials, key, account, cancellable,
                                on_credentials_cleared_cb, g_object_ref (task));
  }
  if (was_signed_in)
    g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, _("You signed out."), TRUE);
  sign_out_step_done (task);
}

void
fc_session_sign_out_finish (FcSession    *self,
                            GAsyncResult *result)
{
  g_return_if_fail (g_task_is_valid (result, self));

  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* Media: server images cached for offline use */

#define MEDIA_MAX_BYTES (32 * 1024 * 1024)

static GFile *
media_cache_file (const char *url)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "fitcore", "media", digest,
                                            NULL);

  return g_file_new_for_path (path);
}

static gboolean
media_is_cached (GFile *file)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  return info != NULL && g_file_info_get_size (info) > 0;
}

static void
on_media_written_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error)) {
    g_prefix_error (&error, _("The image could not be saved: "));
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_task_return_pointer (task, g_object_ref (source), g_object_unref);
}

static void
on_media_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GFile *file = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  guint status = 0;

  bytes = fc_api_client_get_bytes_finish (FC_API_CLIENT (source), result, &status, &error);
  if (bytes == NULL && status == 0) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_task_return_error (task, g_steal_pointer (&error));
    else
      /* Translators: the reason follows. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The image is not available offline: %s"), error->message);
    return;
  }
  if (bytes == NULL || status != 200 || g_bytes_get_size (bytes) == 0 ||
      g_bytes_get_size (bytes) > MEDIA_MAX_BYTES) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("The server has no such image (HTTP %u)."), status);
    return;
  }

  dir = g_file_get_parent (file);
  if (g_mkdir_with_parents (g_file_peek_path (dir), 0700) != 0) {
    int saved = errno;

    g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                             _("The image could not be saved: %s"), g_strerror (saved));
    return;
  }
  /* Written beside and renamed over: a reader never sees half an image. */
  cancellable = g_task_get_cancellable (task);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       cancellable, on_media_written_cb, g_steal_pointer (&task));
}

/**
 * fc_session_fetch_media_async:
 * @url: an absolute http(s) URL, as the server gives it (a thumbnail)
 *
 * The file is named by the SHA-256 of @url under
 * $XDG_CACHE_HOME/fitcore/media/. A cached file is served without the
 * network; otherwise it is fetched through the session's FcApiClient (the
 * access token, and its refresh, only when @url is on the signed-in
 * server; anonymously elsewhere) and written atomically.
 */
void
fc_session_fetch_media_async (FcSession           *self,
                              const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) file = NULL;

  g_return_if_fail (FC_IS_SESSION (self));
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_session_fetch_media_async);

  file = media_cache_file (url);
  if (media_is_cached (file)) {
    g_task_return_pointer (task, g_steal_pointer (&file), g_object_unref);
    return;
  }
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://")) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("The image address is not valid."));
    return;
  }
  /* Signed out, there is no server to ask. */
  if (self->client == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("The image is not available offline."));
    return;
  }
  fc_api_client_get_bytes_async (self->client, url, FC_API_REQUEST_NONE, cancellable,
                                 on_media_read_cb, g_steal_pointer (&task));
}

GFile *
fc_session_fetch_media_finish (FcSession     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (FC_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fc_session_fetch_media_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
fc_session_get_deactivated (FcSession *self)
{
  g_return_val_if_fail (FC_IS_SESSION (self), FALSE);

  return self->deactivated;
}
