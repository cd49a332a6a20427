/* fc-random.c — secure randomness for salts, keys and token ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-random"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "fc-random.h"

void
fc_random_fill (void  *buffer,
                gsize  length)
{
  guint8 *out = buffer;

  while (length > 0) {
    ssize_t n = getrandom (out, length, 0);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      g_error ("getrandom() failed: %s", g_strerror (errno));
    }
    out += n;
    length -= n;
  }
}

char *
fc_random_string (guint       length,
                  const char *alphabet)
{
  gsize n = strlen (alphabet);
  /* Rejection sampling keeps every character equally likely. */
  guint limit = 256 - (256 % n);
  char *out = g_malloc (length + 1);
  guint filled = 0;

  g_return_val_if_fail (n > 0 && n <= 256, NULL);

  while (filled < length) {
    guint8 bytes[64];

    fc_random_fill (bytes, sizeof bytes);
    for (gsize i = 0; i < sizeof bytes && filled < length; i++) {
      if (bytes[i] < limit)
        out[filled++] = alphabet[bytes[i] % n];
    }
  }
  out[length] = '\0';
  return out;
}

char *
fc_random_hex_id (void)
{
  guint8 bytes[16];
  char *out = g_malloc (sizeof bytes * 2 + 1);

  fc_random_fill (bytes, sizeof bytes);
  for (gsize i = 0; i < sizeof bytes; i++)
    g_snprintf (out + 2 * i, 3, "%02x", bytes[i]);
  return out;
}
