/* fc-throttle.h — counting failures per key within a sliding window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FcThrottle FcThrottle;

/* @limit 0 disables throttling. */
FcThrottle *fc_throttle_new            (guint        limit,
                                        guint        window_s);
void        fc_throttle_free           (FcThrottle  *self);
/* Seconds until @key may try again (0: now). */
guint       fc_throttle_wait           (FcThrottle  *self,
                                        const char  *key,
                                        gint64       now_s);
void        fc_throttle_add_failure    (FcThrottle  *self,
                                        const char  *key,
                                        gint64       now_s);
void        fc_throttle_reset          (FcThrottle  *self,
                                        const char  *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcThrottle, fc_throttle_free)

G_END_DECLS
