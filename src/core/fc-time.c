/* fc-time.c — the timestamps and dates of the FitCore wire format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-time"

#include "config.h"

#include <string.h>

#include "fc-time.h"

char *
fc_time_format_iso8601 (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (datetime != NULL, NULL);

  utc = g_date_time_to_utc (datetime);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
}

char *
fc_time_now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return fc_time_format_iso8601 (now);
}

GDateTime *
fc_time_parse_iso8601 (const char *text)
{
  g_autoptr(GTimeZone) utc = NULL;

  if (text == NULL || *text == '\0')
    return NULL;

  /* A datetime without an offset is taken as UTC rather than local time,
   * which would make the same text mean different instants per machine. */
  utc = g_time_zone_new_utc ();
  return g_date_time_new_from_iso8601 (text, utc);
}

gboolean
fc_time_parse_date (const char *text,
                    GDate      *out_date)
{
  guint year, month, day;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  for (guint i = 0; i < 10; i++) {
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  }

  year = (guint) g_ascii_strtoull (text, NULL, 10);
  month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (text + 8, NULL, 10);

  if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;

  if (out_date != NULL)
    g_date_set_dmy (out_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

char *
fc_time_format_date (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

void
fc_time_get_today (GDate *out_date)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_if_fail (out_date != NULL);

  g_date_clear (out_date, 1);
#ifdef FC_TEST_CLOCK
  /* The UI tests run the app on dates they choose (a month end, a leap
   * day, a DST change) instead of on whatever day the machine has, which
   * once made a test pass on one day and fail on the next. Only builds with
   * debugging on read it, so that a stray variable never moves a user's
   * calendar. */
  {
    const char *fixed = g_getenv ("FITCORE_TODAY");

    if (fixed != NULL && fc_time_parse_date (fixed, out_date))
      return;
    if (fixed != NULL)
      g_warning ("FITCORE_TODAY=%s is not a YYYY-MM-DD date; using the clock", fixed);
  }
#endif
  now = g_date_time_new_now_local ();
  g_date_set_dmy (out_date, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now), (GDateYear) g_date_time_get_year (now));
}
