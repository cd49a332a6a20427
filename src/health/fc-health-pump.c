/* fc-health-pump.c — batches of points from an importer's worker to the main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-health-import"

#include "config.h"

#include "fc-health-pump.h"

#include <string.h>

/* At most this many batches wait for the main context at once: the worker
 * stops reading while they do, so a slow consumer costs time, not memory. */
#define MAX_IN_FLIGHT 2

/* A progress report (an empty batch) at least every this many bytes, when
 * the records read are not ones we keep. */
#define PROGRESS_BYTES (4 * 1024 * 1024)

#define DEFAULT_BATCH_SIZE 10000

typedef struct {
  GTask                  *task;
  FcHealthPump           *pump;
  GArray                 *points;
  FcHealthImportProgress  progress;
} Delivery;

void
fc_health_pump_init (FcHealthPump            *pump,
                     guint                    batch_size,
                     FcHealthImportBatchFunc  batch_func,
                     gpointer                 batch_data,
                     GDestroyNotify           batch_data_destroy)
{
  memset (pump, 0, sizeof *pump);
  pump->batch_size = batch_size > 0 ? batch_size : DEFAULT_BATCH_SIZE;
  pump->batch_func = batch_func;
  pump->batch_data = batch_data;
  pump->batch_data_destroy = batch_data_destroy;
  pump->context = g_main_context_ref_thread_default ();
  g_mutex_init (&pump->lock);
  g_cond_init (&pump->cond);
  pump->batch = g_array_sized_new (FALSE, FALSE, sizeof (FcHealthPoint), pump->batch_size);
}

void
fc_health_pump_clear (FcHealthPump *pump)
{
  if (pump->batch_data_destroy != NULL)
    pump->batch_data_destroy (pump->batch_data);
  pump->batch_data_destroy = NULL;
  g_clear_pointer (&pump->context, g_main_context_unref);
  g_mutex_clear (&pump->lock);
  g_cond_clear (&pump->cond);
  g_clear_pointer (&pump->batch, g_array_unref);
}

static gboolean
deliver_cb (gpointer user_data)
{
  Delivery *delivery = user_data;
  FcHealthPump *pump = delivery->pump;
  GCancellable *cancellable = g_task_get_cancellable (delivery->task);

  if (!g_cancellable_is_cancelled (cancellable))
    pump->batch_func (delivery->points, &delivery->progress, pump->batch_data);

  g_mutex_lock (&pump->lock);
  pump->in_flight--;
  g_cond_signal (&pump->cond);
  g_mutex_unlock (&pump->lock);

  g_array_unref (delivery->points);
  g_object_unref (delivery->task);
  g_free (delivery);

  return G_SOURCE_REMOVE;
}

/* Waits, on the worker, until at most @max deliveries are pending. The
 * wait wakes up now and then to notice a cancellation: a cancelled import
 * stops reading at once, though its last deliveries still run (and do
 * nothing) before it returns. */
static void
wait_in_flight (FcHealthPump *pump,
                GTask        *task,
                guint         max,
                gboolean      even_if_cancelled)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_mutex_lock (&pump->lock);
  while (pump->in_flight > max) {
    if (!even_if_cancelled && g_cancellable_is_cancelled (cancellable))
      break;
    g_cond_wait_until (&pump->cond, &pump->lock,
                       g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
  }
  g_mutex_unlock (&pump->lock);
}

/* Whether the main context has taken every batch: a progress report is
 * only worth sending then */
static gboolean
idle (FcHealthPump *pump)
{
  gboolean idle;

  g_mutex_lock (&pump->lock);
  idle = pump->in_flight == 0;
  g_mutex_unlock (&pump->lock);
  return idle;
}

static void
deliver (FcHealthPump *pump,
         GTask        *task,
         GArray       *points)
{
  Delivery *delivery = g_new0 (Delivery, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  delivery->task = g_object_ref (task);
  delivery->pump = pump;
  delivery->points = points;
  delivery->progress = pump->progress;
  pump->reported_bytes = pump->progress.bytes_read;

  g_mutex_lock (&pump->lock);
  pump->in_flight++;
  g_mutex_unlock (&pump->lock);

  g_source_set_callback (source, deliver_cb, delivery, NULL);
  g_source_set_static_name (source, "[fitcore] health import batch");
  g_source_attach (source, pump->context);
}

void
fc_health_pump_step (FcHealthPump *pump,
                     GTask        *task)
{
  if (pump->batch->len >= pump->batch_size) {
    wait_in_flight (pump, task, MAX_IN_FLIGHT - 1, FALSE);
    deliver (pump, task, g_steal_pointer (&pump->batch));
    pump->batch = g_array_sized_new (FALSE, FALSE, sizeof (FcHealthPoint), pump->batch_size);
  } else if (pump->progress.bytes_read - pump->reported_bytes >= PROGRESS_BYTES && idle (pump)) {
    deliver (pump, task, g_array_new (FALSE, FALSE, sizeof (FcHealthPoint)));
  }
}

void
fc_health_pump_finish (FcHealthPump *pump,
                       GTask        *task)
{
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (task))) {
    deliver (pump, task, g_steal_pointer (&pump->batch));
    pump->batch = g_array_new (FALSE, FALSE, sizeof (FcHealthPoint));
  }
  wait_in_flight (pump, task, 0, TRUE);
}

void
fc_health_make_client_id (char                out[33],
                          const char * const *parts,
                          guint               n_parts)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  static const char hex[] = "0123456789abcdef";

  for (guint i = 0; i < n_parts; i++) {
    const char *p = parts[i] != NULL ? parts[i] : "";
    g_checksum_update (checksum, (const guchar *) p, strlen (p) + 1);
  }
  g_checksum_get_digest (checksum, digest, &len);
  for (guint i = 0; i < 16; i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0xf];
  }
  out[32] = '\0';
}

static int
digits (const char *s,
        guint       n)
{
  int v = 0;

  for (guint i = 0; i < n; i++) {
    if (!g_ascii_isdigit (s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Parsed by hand: a million GDateTimes would be most of an import. */
gboolean
fc_health_parse_date (const char   *s,
                      FcHealthDate *out)
{
  const char *p;

  memset (out, 0, sizeof *out);
  if (s == NULL || strlen (s) < 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4])
    return FALSE;
  out->year = digits (s, 4);
  out->month = digits (s + 5, 2);
  out->day = digits (s + 8, 2);
  if (out->year < 1 || out->month < 1 || out->month > 12 || out->day < 1 ||
      out->day > g_date_get_days_in_month (out->month, out->year))
    return FALSE;
  p = s + 10;
  if (*p == '\0')
    return TRUE;
  if (*p != 'T' && *p != ' ')
    return FALSE;
  p++;
  out->hour = digits (p, 2);
  out->minute = p[2] == ':' ? digits (p + 3, 2) : -1;
  if (out->hour < 0 || out->hour > 23 || out->minute < 0 || out->minute > 59)
    return FALSE;
  out->has_time = TRUE;
  p += 5;
  if (*p == ':') {
    out->second = digits (p + 1, 2);
    if (out->second < 0 || out->second > 59)
      return FALSE;
    out->has_seconds = TRUE;
    p += 3;
    if (*p == '.') {
      p++;
      while (g_ascii_isdigit (*p))
        p++;
    }
  }
  if (*p == ' ')
    p++;
  if (*p == '\0')
    return TRUE;
  if (*p == 'Z' && p[1] == '\0') {
    out->has_offset = TRUE;
    return TRUE;
  }
  if (*p == '+' || *p == '-') {
    int sign = *p == '-' ? -1 : 1;
    int h = digits (p + 1, 2), m;
    const char *q = p + 3;

    if (*q == ':')
      q++;
    m = digits (q, 2);
    if (h < 0 || h > 14 || m < 0 || m > 59 || q[2] != '\0')
      return FALSE;
    out->has_offset = TRUE;
    out->offset_s = sign * (h * 3600 + m * 60);
    return TRUE;
  }
  return FALSE;
}

static gint64
days_from_civil (int y,
                 int m,
                 int d)
{
  /* Howard Hinnant's days_from_civil: days since 1970-01-01 */
  gint64 era;
  int yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (int) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

gint64
fc_health_date_to_unix (const FcHealthDate *date)
{
  return days_from_civil (date->year, date->month, date->day) * 86400 + date->hour * 3600 +
         date->minute * 60 + date->second - date->offset_s;
}
