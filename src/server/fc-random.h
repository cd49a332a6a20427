/* fc-random.h — secure randomness for salts, keys and token ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FC_RANDOM_ALPHANUMERIC "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* From the kernel's CSPRNG (getrandom); aborts if it ever fails, since no
 * secret may be made from anything weaker. */
void  fc_random_fill   (void       *buffer,
                        gsize       length);
/* @length characters drawn uniformly from @alphabet (at most 256 of them). */
char *fc_random_string (guint       length,
                        const char *alphabet);
/* 32 lowercase hex digits, like Python's uuid4().hex. */
char *fc_random_hex_id (void);

G_END_DECLS
