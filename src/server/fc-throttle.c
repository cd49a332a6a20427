/* fc-throttle.c — counting login attempts within a sliding window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counts live in the database (login_throttle, migration 16), so that
 * server instances sharing one database limit together: each key's row is
 * locked (an UPDATE that changes nothing takes PostgreSQL's row lock;
 * SQLite's write transaction is the lock) while it is read and written,
 * client key before pair key so that two attempts never wait on each
 * other. A row holds the newest attempts' times, as many as can matter.
 */

#define G_LOG_DOMAIN "fc-throttle"

#include "config.h"

#include "fc-throttle.h"


struct _FcThrottle {
  guint limit;      /* per (client, account) */
  guint ceiling;    /* per client */
  guint window_s;
};

FcThrottle *
fc_throttle_new (guint limit,
                 guint window_s)
{
  FcThrottle *self = g_new0 (FcThrottle, 1);

  self->limit = limit;
  self->ceiling = limit * FC_THROTTLE_CLIENT_FACTOR;
  self->window_s = window_s;
  return self;
}

void
fc_throttle_free (FcThrottle *self)
{
  g_free (self);
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

/* The key's attempts, oldest first, its row locked until the transaction
 * ends; NULL when the database failed. */
static GArray *
lock_and_read (FcSql      *db,
               const char *key)
{
  g_autoptr(FcSqlStmt) insert = fc_sql_prepare (db, "INSERT INTO login_throttle (key, times, newest)"
                                                    " VALUES (?, '', 0) ON CONFLICT DO NOTHING");
  g_autoptr(FcSqlStmt) lock = fc_sql_prepare (db, "UPDATE login_throttle SET newest = newest"
                                                  " WHERE key = ?");
  g_autoptr(FcSqlStmt) read = fc_sql_prepare (db, "SELECT times FROM login_throttle WHERE key = ?");
  g_auto(GStrv) parts = NULL;
  GArray *times;

  fc_sql_bind_text (insert, 1, key);
  fc_sql_bind_text (lock, 1, key);
  fc_sql_bind_text (read, 1, key);
  if (!fc_sql_step_done (insert) || !fc_sql_step_done (lock) || !fc_sql_step_row (read))
    return NULL;
  times = g_array_new (FALSE, FALSE, sizeof (gint64));
  parts = g_strsplit (fc_sql_column_text (read, 0), " ", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    gint64 t = g_ascii_strtoll (parts[i], NULL, 10);

    if (t > 0)
      g_array_append_val (times, t);
  }
  return times;
}

static gboolean
store_times (FcSql      *db,
             const char *key,
             GArray     *times)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "UPDATE login_throttle SET times = ?, newest = ?"
                                                  " WHERE key = ?");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < times->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            g_array_index (times, gint64, i));
  fc_sql_bind_text (stmt, 1, text->str);
  fc_sql_bind_int64 (stmt, 2, times->len > 0 ? g_array_index (times, gint64, times->len - 1) : 0);
  fc_sql_bind_text (stmt, 3, key);
  return fc_sql_step_done (stmt);
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

static guint
wait_for (FcThrottle *self,
          GArray     *times,
          guint       limit,
          gint64      now_s)
{
  expire (self, times, now_s);
  if (times->len < limit)
    return 0;
  /* Free again once the oldest counted attempt leaves the window. */
  return MAX (1, g_array_index (times, gint64, times->len - limit) + self->window_s - now_s);
}

static void
add (GArray *times,
     guint   keep,
     gint64  now_s)
{
  g_array_append_val (times, now_s);
  /* Only the newest @keep matter for the wait. */
  if (times->len > keep)
    g_array_remove_range (times, 0, times->len - keep);
}

guint
fc_throttle_begin (FcThrottle *self,
                   FcSql      *db,
                   const char *client,
                   const char *account,
                   gint64      now_s)
{
  g_autofree char *pair = NULL;
  g_autofree char *whole = NULL;
  g_autoptr(GArray) pair_times = NULL;
  g_autoptr(GArray) client_times = NULL;
  guint wait;

  if (self->limit == 0)
    return 0;

  pair = pair_key (client, account);
  whole = client_key (client);
  if (!fc_sql_begin (db))
    return 0;
  if ((client_times = lock_and_read (db, whole)) == NULL ||
      (pair_times = lock_and_read (db, pair)) == NULL) {
    /* A throttle that cannot count lets the attempt through: the hash
     * still limits guessing, a locked-out owner would not get in */
    fc_sql_end (db, FALSE);
    return 0;
  }
  wait = MAX (wait_for (self, pair_times, self->limit, now_s),
              wait_for (self, client_times, self->ceiling, now_s));
  if (wait == 0) {
    add (pair_times, self->limit, now_s);
    add (client_times, self->ceiling, now_s);
    if (!store_times (db, whole, client_times) || !store_times (db, pair, pair_times)) {
      fc_sql_end (db, FALSE);
      return 0;
    }
  }
  fc_sql_end (db, TRUE);
  return wait;
}

/* Takes the attempt back from the client's count; the pair's whole
 * history too when the password was right. */
static void
take_back (FcThrottle *self,
           FcSql      *db,
           const char *client,
           const char *account,
           gboolean    reset_pair)
{
  g_autofree char *pair = pair_key (client, account);
  g_autofree char *whole = client_key (client);
  g_autoptr(GArray) pair_times = NULL;
  g_autoptr(GArray) client_times = NULL;
  gboolean ok;

  if (self->limit == 0 || !fc_sql_begin (db))
    return;
  ok = (client_times = lock_and_read (db, whole)) != NULL &&
       (pair_times = lock_and_read (db, pair)) != NULL;
  if (ok && client_times->len > 0)
    g_array_set_size (client_times, client_times->len - 1);
  if (ok && reset_pair)
    g_array_set_size (pair_times, 0);
  else if (ok && pair_times->len > 0)
    g_array_set_size (pair_times, pair_times->len - 1);
  ok = ok && store_times (db, whole, client_times) && store_times (db, pair, pair_times);
  fc_sql_end (db, ok);
}

void
fc_throttle_succeeded (FcThrottle *self,
                       FcSql      *db,
                       const char *client,
                       const char *account)
{
  take_back (self, db, client, account, TRUE);
}

void
fc_throttle_forgive (FcThrottle *self,
                     FcSql      *db,
                     const char *client,
                     const char *account)
{
  take_back (self, db, client, account, FALSE);
}

void
fc_throttle_prune (FcThrottle *self,
                   FcSql      *db,
                   gint64      now_s)
{
  g_autoptr(FcSqlStmt) stmt = fc_sql_prepare (db, "DELETE FROM login_throttle WHERE newest <= ?");

  fc_sql_bind_int64 (stmt, 1, now_s - self->window_s);
  fc_sql_step_done (stmt);
}
