/* fc-throttle.h — counting login attempts within a sliding window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Attempts count per (client address, account) pair, so that nobody can
 * lock an account's owner out from another address, and per client
 * address across accounts with a ceiling FC_THROTTLE_CLIENT_FACTOR times
 * the pair's limit, so that one address cannot try a password on every
 * account. An attempt counts when it starts, not when its (slow) hash is
 * done: parallel guesses are refused once the limit is reached.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FC_THROTTLE_CLIENT_FACTOR 10

typedef struct _FcThrottle FcThrottle;

/* @limit attempts per pair within @window_s seconds; 0 disables throttling. */
FcThrottle *fc_throttle_new            (guint        limit,
                                        guint        window_s);
void        fc_throttle_free           (FcThrottle  *self);
/* Counts an attempt of @client on @account and returns 0, or returns the
 * seconds until one is allowed again without counting anything. */
guint       fc_throttle_begin          (FcThrottle  *self,
                                        const char  *client,
                                        const char  *account,
                                        gint64       now_s);
/* The attempt succeeded: the pair starts afresh, and the attempt no longer
 * counts against the client. */
void        fc_throttle_succeeded      (FcThrottle  *self,
                                        const char  *client,
                                        const char  *account);
/* The attempt was never evaluated (the server was busy): it counts for
 * nobody. */
void        fc_throttle_forgive        (FcThrottle  *self,
                                        const char  *client,
                                        const char  *account);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcThrottle, fc_throttle_free)

G_END_DECLS
