/* fc-test-secrets.c — a Secret Service that never answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-test-secrets.h"

struct _FcTestSilentKeyring {
  GTestDBus       *bus;
  GDBusConnection *service;
  GAsyncQueue     *swallowed;
};

/* Filters run in GDBus's worker thread: the calls reach the test through a
 * queue. */
static GDBusMessage *
swallow_calls_cb (GDBusConnection *connection,
                  GDBusMessage    *message,
                  gboolean         incoming,
                  gpointer         user_data)
{
  GAsyncQueue *swallowed = user_data;

  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      g_str_has_prefix (g_dbus_message_get_path (message), "/org/freedesktop/secrets")) {
    g_async_queue_push (swallowed, message);
    return NULL;
  }
  return message;
}

FcTestSilentKeyring *
fc_test_silent_keyring_new (void)
{
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");
  g_autoptr(GError) error = NULL;
  FcTestSilentKeyring *self;
  GVariant *reply;
  guint32 owned = 0;

  if (daemon == NULL)
    return NULL;

  self = g_new0 (FcTestSilentKeyring, 1);
  self->swallowed = g_async_queue_new_full (g_object_unref);
  self->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (self->bus);

  self->service = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (self->bus),
                                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                          NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_add_filter (self->service, swallow_calls_cb, self->swallowed, NULL);
  reply = g_dbus_connection_call_sync (self->service, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &owned);
  g_variant_unref (reply);
  g_assert_cmpuint (owned, ==, 1);  /* DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */
  return self;
}

guint
fc_test_silent_keyring_swallowed (FcTestSilentKeyring *self)
{
  return (guint) MAX (g_async_queue_length (self->swallowed), 0);
}

void
fc_test_silent_keyring_answer_late (FcTestSilentKeyring *self)
{
  GDBusMessage *call;

  while ((call = g_async_queue_try_pop (self->swallowed)) != NULL) {
    g_autoptr(GDBusMessage) reply = NULL;

    reply = g_dbus_message_new_method_error_literal (call, "org.freedesktop.Secret.Error.IsLocked",
                                                     "Cannot unlock: the prompt was dismissed");
    g_dbus_connection_send_message (self->service, reply, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL,
                                    NULL);
    g_object_unref (call);
  }
}

void
fc_test_silent_keyring_free (FcTestSilentKeyring *self)
{
  if (self == NULL)
    return;
  g_dbus_connection_close_sync (self->service, NULL, NULL);
  g_clear_object (&self->service);
  g_test_dbus_down (self->bus);
  g_clear_object (&self->bus);
  g_async_queue_unref (self->swallowed);
  g_free (self);
}
