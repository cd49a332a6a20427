/* fc-throttle.c — counting login attempts within a sliding window
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
  guint       limit;      /* per (client, account) */
  guint       ceiling;    /* per client */
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
  self->ceiling = limit * FC_THROTTLE_CLIENT_FACTOR;
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

static guint
wait_for (FcThrottle *self,
          const char *key,
          guint       limit,
          gint64      now_s)
{
  GArray *times = g_hash_table_lookup (self->failures, key);

  if (times == NULL)
    return 0;
  expire (self, times, now_s);
  if (times->len < limit)
    return 0;
  /* Free again once the oldest counted attempt leaves the window. */
  return MAX (1, g_array_index (times, gint64, times->len - limit) + self->window_s - now_s);
}

static void
add (FcThrottle *self,
     const char *key,
     guint       keep,
     gint64      now_s)
{
  GArray *times;

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
  /* Only the newest @keep matter for the wait. */
  if (times->len > keep)
    g_array_remove_range (times, 0, times->len - keep);
}

static void
remove_newest (FcThrottle *self,
               const char *key)
{
  GArray *times = g_hash_table_lookup (self->failures, key);

  if (times != NULL && times->len > 0)
    g_array_set_size (times, times->len - 1);
}

/* Pair and client keys live in one table; their prefixes keep them apart. */
static char *
pair_key (const char *client,
          const char *account)
{
  return g_strconcat ("pair\n", client, "\n", account, NULL);
}

static char *
client_key (const char *client)
{
  return g_strconcat ("client\n", client, NULL);
}

guint
fc_throttle_begin (FcThrottle *self,
                   const char *client,
                   const char *account,
                   gint64      now_s)
{
  g_autofree char *pair = NULL;
  g_autofree char *whole = NULL;
  guint wait;

  if (self->limit == 0)
    return 0;

  pair = pair_key (client, account);
  whole = client_key (client);
  wait = MAX (wait_for (self, pair, self->limit, now_s),
              wait_for (self, whole, self->ceiling, now_s));
  if (wait > 0)
    return wait;
  add (self, pair, self->limit, now_s);
  add (self, whole, self->ceiling, now_s);
  return 0;
}

/* Takes the attempt back from the client's count; the pair's whole
 * history goes with @reset_pair, else just the attempt. */
static void
take_back (FcThrottle *self,
           const char *client,
           const char *account,
           gboolean    reset_pair)
{
  g_autofree char *pair = pair_key (client, account);
  g_autofree char *whole = client_key (client);

  if (reset_pair)
    g_hash_table_remove (self->failures, pair);
  else
    remove_newest (self, pair);
  remove_newest (self, whole);
}

void
fc_throttle_succeeded (FcThrottle *self,
                       const char *client,
                       const char *account)
{
  take_back (self, client, account, TRUE);
}

void
fc_throttle_forgive (FcThrottle *self,
                     const char *client,
                     const char *account)
{
  take_back (self, client, account, FALSE);
}
