/* fc-test-secrets.h — a Secret Service that never answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private D-Bus session whose org.freedesktop.secrets takes every call and
 * answers none, like a locked keyring whose unlock prompt nobody answers.
 * Starting it points DBUS_SESSION_BUS_ADDRESS at that bus, so use it in a
 * g_test_trap_subprocess() child.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FcTestSilentKeyring FcTestSilentKeyring;

/* NULL when dbus-daemon is missing (the caller skips). */
FcTestSilentKeyring *fc_test_silent_keyring_new        (void);
/* How many calls it has swallowed so far. */
guint                fc_test_silent_keyring_swallowed  (FcTestSilentKeyring *self);
/* Answers every swallowed call with the error a dismissed prompt gives. */
void                 fc_test_silent_keyring_answer_late (FcTestSilentKeyring *self);
void                 fc_test_silent_keyring_free       (FcTestSilentKeyring *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcTestSilentKeyring, fc_test_silent_keyring_free)

G_END_DECLS
