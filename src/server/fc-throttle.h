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
 *
 * The counts are in the database, shared by every server instance on it;
 * each call is its own transaction, or a savepoint in the caller's.
 */

#pragma once

#include <glib.h>

#include "fc-sql.h"

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
                                        FcSql       *db,
                                        const char  *client,
                                        const char  *account,
                                        gint64       now_s);
/* The attempt succeeded: the pair starts afresh, and the attempt no longer
 * counts against the client. */
void        fc_throttle_succeeded      (FcThrottle  *self,
                                        FcSql       *db,
                                        const char  *client,
                                        const char  *account);
/* The attempt was never evaluated (the server was busy): it counts for
 * nobody. */
void        fc_throttle_forgive        (FcThrottle  *self,
                                        FcSql       *db,
                                        const char  *client,
                                        const char  *account);

/* Forgets keys whose attempts all left the window (housekeeping), so a
 * scan of many addresses cannot grow the table without bound. */
void        fc_throttle_prune          (FcThrottle  *self,
                                        FcSql       *db,
                                        gint64       now_s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcThrottle, fc_throttle_free)

G_END_DECLS
