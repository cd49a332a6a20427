/* fc-credentials.c — the account's tokens, in the Secret Service only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-credentials"

#include "config.h"

#include "fc-credentials.h"

#include <string.h>

#include <glib/gi18n-lib.h>

struct _FcCredentials {
  GObject     parent_instance;

  /* owned */
  GHashTable *memory;           /* "server\naccount\nkind" → token, after the fallback */
  GHashTable *memory_accounts;  /* server → last account stored, after the fallback */

  /* state */
  guint       timeout;
  gboolean    fallback;
  gboolean    notice_pending;
};

G_DEFINE_FINAL_TYPE (FcCredentials, fc_credentials, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PERSISTENT,
  PROP_TIMEOUT,
  N_PROPS
};

enum {
  SIGNAL_FALLBACK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const SecretSchema token_schema = {
  "org.fitcore.FitCore.Token", SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static const char * const kinds[] = { "access", "refresh" };

typedef enum {
  OP_STORE,
  OP_LOOKUP,
  OP_CLEAR,
  OP_LOOKUP_ACCOUNT,
} OpKind;

/* One operation (the data of its GTask): one or two libsecret calls. */
typedef struct {
  OpKind  kind;
  char   *server;
  char   *account;
  char   *tokens[2];  /* access, refresh: to store, or found */
  guint   step;
} Op;

/* One libsecret call, bounded by the timeout. It outlives the operation when
 * libsecret answers after the timeout (or never). */
typedef struct {
  GTask        *task;         /* NULL once settled */
  GCancellable *cancellable;  /* cancels the libsecret call */
  GCancellable *parent;
  gulong        parent_id;
  GSource      *timeout;
  gboolean    (*write_finish) (GAsyncResult  *result,
                               GError       **error);
} Call;

static void run_op (GTask *task);

static void
wipe_string (char **str)
{
  if (*str != NULL)
    memset (*str, 0, strlen (*str));
  g_clear_pointer (str, g_free);
}

static void
op_free (gpointer data)
{
  Op *op = data;

  g_free (op->server);
  g_free (op->account);
  for (guint i = 0; i < G_N_ELEMENTS (op->tokens); i++) {
    if (op->kind == OP_LOOKUP)
      g_clear_pointer (&op->tokens[i], secret_password_free);
    else
      wipe_string (&op->tokens[i]);
  }
  g_free (op);
}

static char *
memory_key (const char *server,
            const char *account,
            const char *kind)
{
  return g_strjoin ("\n", server, account, kind, NULL);
}

static void
memory_set (FcCredentials *self,
            Op            *op,
            guint          i,
            const char    *token)
{
  g_autofree char *key = memory_key (op->server, op->account, kinds[i]);

  if (token != NULL)
    g_hash_table_replace (self->memory, g_steal_pointer (&key), g_strdup (token));
  else
    g_hash_table_remove (self->memory, key);
}

/* Runs @op in memory and returns @task. */
static void
run_op_in_memory (FcCredentials *self,
                  GTask         *task)
{
  Op *op = g_task_get_task_data (task);

  switch (op->kind) {
    case OP_STORE:
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        memory_set (self, op, i, op->tokens[i]);
      g_hash_table_replace (self->memory_accounts, g_strdup (op->server), g_strdup (op->account));
      g_task_return_boolean (task, TRUE);
      break;

    case OP_LOOKUP:
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++) {
        g_autofree char *key = memory_key (op->server, op->account, kinds[i]);
        const char *token = g_hash_table_lookup (self->memory, key);

        g_clear_pointer (&op->tokens[i], secret_password_free);
        /* Handed out like libsecret's, to be freed with secret_password_free(). */
        if (token != NULL)
          op->tokens[i] = g_strdup (token);
      }
      g_task_return_boolean (task, TRUE);
      break;

    case OP_CLEAR:
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        memory_set (self, op, i, NULL);
      if (g_strcmp0 (g_hash_table_lookup (self->memory_accounts, op->server), op->account) == 0)
        g_hash_table_remove (self->memory_accounts, op->server);
      g_task_return_boolean (task, TRUE);
      break;

    case OP_LOOKUP_ACCOUNT:
      g_task_return_pointer (task, g_strdup (g_hash_table_lookup (self->memory_accounts,
                                                                  op->server)),
                             g_free);
      break;

    default:
      g_assert_not_reached ();
  }
}

static void
fall_back (FcCredentials *self,
           const char    *reason)
{
  if (self->fallback)
    return;

  g_message ("Secret Service unavailable, keeping tokens in memory for this run: %s", reason);
  self->fallback = TRUE;
  self->notice_pending = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSISTENT]);
  g_signal_emit (self, signals[SIGNAL_FALLBACK], 0, reason);
}

/* Calls */

/* Returns the call's task, or NULL if it was settled already (timed out). */
static GTask *
settle_call (Call *call)
{
  if (call->timeout != NULL) {
    g_source_destroy (call->timeout);
    g_clear_pointer (&call->timeout, g_source_unref);
  }
  if (call->parent_id != 0) {
    g_cancellable_disconnect (call->parent, call->parent_id);
    call->parent_id = 0;
  }
  return g_steal_pointer (&call->task);
}

static void
call_free (Call *call)
{
  g_assert (call->task == NULL);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->parent);
  g_free (call);
}

/* Ends a call that failed: cancelled by the caller, or a Secret Service
 * failure, after which the whole operation is done again in memory. */
static void
call_failed (GTask      *task,
             const char *reason)
{
  FcCredentials *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  fall_back (self, reason);
  run_op_in_memory (self, task);
}

static gboolean
on_call_timeout_cb (gpointer user_data)
{
  Call *call = user_data;
  g_autoptr(GTask) task = NULL;

  g_clear_pointer (&call->timeout, g_source_unref);
  task = settle_call (call);
  /* libsecret's callback frees the call once the cancellation reaches it. */
  g_cancellable_cancel (call->cancellable);
  call_failed (task, _("The keyring did not answer in time (is it locked?)"));
  return G_SOURCE_REMOVE;
}

static void
on_parent_cancelled_cb (GCancellable *parent,
                        gpointer      user_data)
{
  Call *call = user_data;

  g_cancellable_cancel (call->cancellable);
}

static Call *
call_new (GTask *task)
{
  FcCredentials *self = g_task_get_source_object (task);
  Call *call = g_new0 (Call, 1);

  call->task = g_object_ref (task);
  call->cancellable = g_cancellable_new ();
  if (g_task_get_cancellable (task) != NULL) {
    call->parent = g_object_ref (g_task_get_cancellable (task));
    call->parent_id = g_cancellable_connect (call->parent, G_CALLBACK (on_parent_cancelled_cb),
                                             call, NULL);
  }
  /* A locked collection waits on an unlock prompt that may never be
   * answered (no display, nobody there): give up after the timeout. */
  call->timeout = g_timeout_source_new_seconds (self->timeout);
  g_source_set_callback (call->timeout, on_call_timeout_cb, call, NULL);
  g_source_set_static_name (call->timeout, "[fitcore] keyring timeout");
  g_source_attach (call->timeout, g_task_get_context (task));
  return call;
}

/* Ends a libsecret call; returns the task to go on with, or NULL when the
 * call had timed out or failed (then already handled). */
static GTask *
finish_call (Call    *call,
             GError  *error)
{
  g_autoptr(GTask) task = settle_call (call);

  call_free (call);
  if (task == NULL)
    return NULL;

  if (error != NULL) {
    call_failed (task, error->message);
    return NULL;
  }
  return g_steal_pointer (&task);
}

/* The end of a store or a clear: both answer a boolean. */
static void
on_write_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  gboolean written;

  /* FALSE without an error from a clear: there was nothing to remove. From
   * a store it means the token was not kept (a dismissed prompt), which must
   * not pass for success. */
  written = call->write_finish (result, &error);
  if (!written && error == NULL && call->write_finish == secret_password_store_finish)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         _("The keyring did not keep the token (was its prompt dismissed?)"));
  task = finish_call (call, error);
  if (task == NULL)
    return;

  ((Op *) g_task_get_task_data (task))->step++;
  run_op (g_steal_pointer (&task));
}

static void
on_lookup_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  char *token;
  Op *op;

  token = secret_password_lookup_finish (result, &error);
  task = finish_call (user_data, error);
  if (task == NULL) {
    g_clear_pointer (&token, secret_password_free);
    return;
  }

  op = g_task_get_task_data (task);
  g_clear_pointer (&op->tokens[op->step], secret_password_free);
  op->tokens[op->step] = token;
  op->step++;
  run_op (g_steal_pointer (&task));
}

static void
on_search_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  GList *items;
  guint64 newest = 0;
  char *account = NULL;

  items = secret_password_search_finish (result, &error);
  task = finish_call (user_data, error);
  if (task == NULL) {
    g_list_free_full (items, g_object_unref);
    return;
  }

  for (GList *l = items; l != NULL; l = l->next) {
    g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
    guint64 modified = secret_retrievable_get_modified (l->data);
    const char *name = g_hash_table_lookup (attributes, "account");

    if (name != NULL && (account == NULL || modified >= newest)) {
      g_free (account);
      account = g_strdup (name);
      newest = modified;
    }
  }
  g_list_free_full (items, g_object_unref);
  g_task_return_pointer (task, account, g_free);
}

/* Runs the next step of @op, or returns @task when it is done. Takes @task. */
static void
run_op (GTask *task)
{
  FcCredentials *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable;
  Call *call;

  if (g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }

  if (self->fallback) {
    run_op_in_memory (self, task);
    g_object_unref (task);
    return;
  }

  if ((op->kind == OP_STORE || op->kind == OP_LOOKUP) && op->step >= G_N_ELEMENTS (kinds)) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  if (op->kind == OP_CLEAR && op->step > 0) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }

  call = call_new (task);
  cancellable = call->cancellable;
  g_object_unref (task);  /* the call holds it now */

  switch (op->kind) {
    case OP_STORE: {
      const char *kind = kinds[op->step];
      g_autofree char *label = NULL;

      if (op->tokens[op->step] == NULL) {
        call->write_finish = secret_password_clear_finish;
        secret_password_clear (&token_schema, cancellable, on_write_cb, call,
                               "server", op->server, "account", op->account, "kind", kind, NULL);
        break;
      }

      /* Translators: seen in the keyring manager (Seahorse). The first %s is
       * an e-mail address, the second a server address. */
      label = g_strdup_printf (op->step == 0 ? _("FitCore access token for %s on %s")
                                             : _("FitCore refresh token for %s on %s"),
                               op->account, op->server);
      call->write_finish = secret_password_store_finish;
      secret_password_store (&token_schema, SECRET_COLLECTION_DEFAULT, label,
                             op->tokens[op->step], cancellable, on_write_cb, call,
                             "server", op->server, "account", op->account, "kind", kind, NULL);
      break;
    }

    case OP_LOOKUP:
      secret_password_lookup (&token_schema, cancellable, on_lookup_cb, call,
                              "server", op->server, "account", op->account,
                              "kind", kinds[op->step], NULL);
      break;

    case OP_CLEAR:
      /* Both kinds at once: every item matching server and account. */
      call->write_finish = secret_password_clear_finish;
      secret_password_clear (&token_schema, cancellable, on_write_cb, call,
                             "server", op->server, "account", op->account, NULL);
      break;

    case OP_LOOKUP_ACCOUNT:
      secret_password_search (&token_schema, SECRET_SEARCH_ALL, cancellable, on_search_cb, call,
                              "server", op->server, NULL);
      break;

    default:
      g_assert_not_reached ();
  }
}

static void
start_op (FcCredentials       *self,
          Op                  *op,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, op_free);
  run_op (task);
}

static Op *
op_new (OpKind      kind,
        const char *server,
        const char *account)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->server = g_strdup (server);
  op->account = g_strdup (account);
  return op;
}

/* GObject */

static void
fc_credentials_finalize (GObject *object)
{
  FcCredentials *self = FC_CREDENTIALS (object);

  g_clear_pointer (&self->memory, g_hash_table_unref);
  g_clear_pointer (&self->memory_accounts, g_hash_table_unref);

  G_OBJECT_CLASS (fc_credentials_parent_class)->finalize (object);
}

static void
fc_credentials_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcCredentials *self = FC_CREDENTIALS (object);

  switch (prop_id) {
    case PROP_PERSISTENT:
      g_value_set_boolean (value, !self->fallback);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_credentials_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FcCredentials *self = FC_CREDENTIALS (object);

  switch (prop_id) {
    case PROP_TIMEOUT:
      self->timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_credentials_class_init (FcCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fc_credentials_finalize;
  object_class->get_property = fc_credentials_get_property;
  object_class->set_property = fc_credentials_set_property;

  /**
   * FcCredentials:persistent:
   *
   * Whether tokens go to the Secret Service (TRUE) or only to memory for
   * this run (FALSE, after a failure of the Secret Service).
   */
  properties[PROP_PERSISTENT] =
    g_param_spec_boolean ("persistent", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FcCredentials:timeout:
   *
   * Seconds one Secret Service call may take before the fallback to memory.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, 10,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FcCredentials::fallback:
   * @reason: why the Secret Service could not be used (not translated)
   *
   * Emitted once, when tokens start to be kept in memory only.
   */
  signals[SIGNAL_FALLBACK] =
    g_signal_new ("fallback", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wipe_and_free (gpointer data)
{
  char *str = data;

  wipe_string (&str);
}

static void
fc_credentials_init (FcCredentials *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_and_free);
  self->memory_accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Public API */

const SecretSchema *
fc_credentials_get_schema (void)
{
  return &token_schema;
}

FcCredentials *
fc_credentials_new (void)
{
  return g_object_new (FC_TYPE_CREDENTIALS, NULL);
}

gboolean
fc_credentials_get_persistent (FcCredentials *self)
{
  g_return_val_if_fail (FC_IS_CREDENTIALS (self), FALSE);

  return !self->fallback;
}

gboolean
fc_credentials_take_fallback_notice (FcCredentials *self)
{
  gboolean pending;

  g_return_val_if_fail (FC_IS_CREDENTIALS (self), FALSE);

  pending = self->notice_pending;
  self->notice_pending = FALSE;
  return pending;
}

void
fc_credentials_store_async (FcCredentials       *self,
                            const char          *server,
                            const char          *account,
                            const char          *access,
                            const char          *refresh,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Op *op;

  g_return_if_fail (FC_IS_CREDENTIALS (self));
  g_return_if_fail (server != NULL && account != NULL);

  op = op_new (OP_STORE, server, account);
  op->tokens[0] = g_strdup (access);
  op->tokens[1] = g_strdup (refresh);
  start_op (self, op, fc_credentials_store_async, cancellable, callback, user_data);
}

gboolean
fc_credentials_store_finish (FcCredentials  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (FC_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fc_credentials_lookup_async (FcCredentials       *self,
                             const char          *server,
                             const char          *account,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FC_IS_CREDENTIALS (self));
  g_return_if_fail (server != NULL && account != NULL);

  start_op (self, op_new (OP_LOOKUP, server, account), fc_credentials_lookup_async, cancellable,
            callback, user_data);
}

gboolean
fc_credentials_lookup_finish (FcCredentials  *self,
                              GAsyncResult   *result,
                              char          **out_access,
                              char          **out_refresh,
                              GError        **error)
{
  Op *op;

  g_return_val_if_fail (FC_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  if (out_access != NULL)
    *out_access = g_steal_pointer (&op->tokens[0]);
  if (out_refresh != NULL)
    *out_refresh = g_steal_pointer (&op->tokens[1]);
  return TRUE;
}

void
fc_credentials_clear_async (FcCredentials       *self,
                            const char          *server,
                            const char          *account,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FC_IS_CREDENTIALS (self));
  g_return_if_fail (server != NULL && account != NULL);

  start_op (self, op_new (OP_CLEAR, server, account), fc_credentials_clear_async, cancellable,
            callback, user_data);
}

gboolean
fc_credentials_clear_finish (FcCredentials  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (FC_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fc_credentials_lookup_account_async (FcCredentials       *self,
                                     const char          *server,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (FC_IS_CREDENTIALS (self));
  g_return_if_fail (server != NULL);

  start_op (self, op_new (OP_LOOKUP_ACCOUNT, server, NULL), fc_credentials_lookup_account_async,
            cancellable, callback, user_data);
}

char *
fc_credentials_lookup_account_finish (FcCredentials  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (FC_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
