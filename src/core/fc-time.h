/* fc-time.h — the timestamps and dates of the FitCore wire format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "2026-11-25T08:41:03.540310Z": UTC with microseconds, as our server writes. */
char      *fc_time_format_iso8601 (GDateTime  *datetime);
char      *fc_time_now_iso8601    (void);
/* Any ISO 8601 datetime with an offset ("+06:00" and "Z" both occur). */
GDateTime *fc_time_parse_iso8601  (const char *text);
/* A strict "YYYY-MM-DD" that names a real calendar day. */
gboolean   fc_time_parse_date     (const char *text,
                                   GDate      *out_date);
/* "YYYY-MM-DD" */
char      *fc_time_format_date    (const GDate *date);
/* The local calendar day: what the app calls "today". */
void       fc_time_get_today      (GDate      *out_date);

G_END_DECLS
