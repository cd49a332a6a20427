/* fc-throttle.c — counting failures per key within a sliding window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-throttle"

#include "config.h"

#include "fc-throttle.h"

/* Keys whose failures all left the window are dropped once the table grows
 * past this, so a scan of many addresses cannot grow it without bound. */
#define PRUNE_AT 4096

struct _FcThrottle {
  GHashTable *failures;   /* key → GArray of gint64 seconds, oldest first */
  guint       limit;
  guint       window_s;
};

FcThrottle *
fc_throttle_new (guint limit,
                 guint window_s)
{
  FcThrottle *self = g_new0 (FcThrottle, 1);

  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_array_unref);
  self->limit = limit;
  self->window_s = window_s;
  return self;
}

void
fc_throttle_free (FcThrottle *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->failures);
  g_free (self);
}

static void
expire (FcThrottle *self,
        GArray     *times,
        gint64      now_s)
{
  guint old = 0;

  while (old < times->len && g_array_index (times, gint64, old) + self->window_s <= now_s)
    old++;
  if (old > 0)
    g_array_remove_range (times, 0, old);
}

static gboolean
prune_cb (gpointer key,
          gpointer value,
          gpointer user_data)
{
  GArray *times = value;
  gint64 *cutoff = user_data;

  return times->len == 0 || g_array_index (times, gint64, times->len - 1) <= *cutoff;
}

guint
fc_throttle_wait (FcThrottle *self,
                  const char *key,
                  gint64      now_s)
{
  GArray *times = g_hash_table_lookup (self->failures, key);

  if (self->limit == 0 || times == NULL)
    return 0;
  expire (self, times, now_s);
  if (times->len < self->limit)
    return 0;
  /* Free again once the oldest counted failure leaves the window. */
  return MAX (1, g_array_index (times, gint64, times->len - self->limit) + self->window_s - now_s);
}

void
fc_throttle_add_failure (FcThrottle *self,
                         const char *key,
                         gint64      now_s)
{
  GArray *times;

  if (self->limit == 0)
    return;

  if (g_hash_table_size (self->failures) > PRUNE_AT) {
    gint64 cutoff = now_s - self->window_s;

    g_hash_table_foreach_remove (self->failures, prune_cb, &cutoff);
  }

  times = g_hash_table_lookup (self->failures, key);
  if (times == NULL) {
    times = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_hash_table_insert (self->failures, g_strdup (key), times);
  }
  expire (self, times, now_s);
  g_array_append_val (times, now_s);
  /* Only the newest @limit matter for the wait. */
  if (times->len > self->limit)
    g_array_remove_range (times, 0, times->len - self->limit);
}

void
fc_throttle_reset (FcThrottle *self,
                   const char *key)
{
  g_hash_table_remove (self->failures, key);
}
