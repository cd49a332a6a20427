/* fc-workout-format.c — workout values as the user reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fc-workout-format.h"

static const struct {
  const char *code;
  const char *label;
} difficulties[FC_WORKOUT_N_DIFFICULTIES] = {
  { "beginner", N_("Beginner") },
  { "intermediate", N_("Intermediate") },
  { "advanced", N_("Advanced") },
};

const char *
fc_workout_difficulty_code (guint index)
{
  g_return_val_if_fail (index < FC_WORKOUT_N_DIFFICULTIES, NULL);

  return difficulties[index].code;
}

const char *
fc_workout_difficulty_label (const char *code)
{
  for (guint i = 0; i < FC_WORKOUT_N_DIFFICULTIES; i++) {
    if (g_strcmp0 (code, difficulties[i].code) == 0)
      return _(difficulties[i].label);
  }

  return code;
}

char *
fc_workout_format_clock (double seconds)
{
  gint64 total = isfinite (seconds) && seconds > 0 ? (gint64) floor (seconds) : 0;

  if (total >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", total / 3600,
                            (int) (total / 60 % 60), (int) (total % 60));
  return g_strdup_printf ("%d:%02d", (int) (total / 60), (int) (total % 60));
}

char *
fc_workout_format_summary (const char *difficulty,
                           guint       n_videos,
                           gint64      minutes)
{
  g_autofree char *videos = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u video", "%u videos",
                                                          n_videos), n_videos);
  const char *label = fc_workout_difficulty_label (difficulty);

  if (minutes <= 0)
    return label != NULL ? g_strdup_printf ("%s · %s", label, videos) : g_steal_pointer (&videos);

  /* Translators: a workout's length in minutes */
  g_autofree char *length = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min", "%d min",
                                                          (gulong) minutes), (int) minutes);
  if (label == NULL)
    return g_strdup_printf ("%s · %s", videos, length);
  return g_strdup_printf ("%s · %s · %s", label, videos, length);
}
