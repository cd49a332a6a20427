/* fc-profile-format.c — profile values as the user reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-profile-format"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "fc-profile-format.h"

#include "fc-health-ui.h"
#include "fc-json.h"

static const struct {
  const char *code;   /* the API's value; NULL sends null */
  const char *label;
} genders[FC_PROFILE_N_GENDERS] = {
  { "male", N_("Male") },
  { "female", N_("Female") },
  { NULL, N_("Not set") },
};

const char *
fc_profile_gender_code (guint index)
{
  g_return_val_if_fail (index < FC_PROFILE_N_GENDERS, NULL);

  return genders[index].code;
}

const char *
fc_profile_gender_label (guint index)
{
  g_return_val_if_fail (index < FC_PROFILE_N_GENDERS, NULL);

  return _(genders[index].label);
}

/* An unknown code (a newer server's) reads as "not set". */
guint
fc_profile_gender_index (const char *code)
{
  for (guint i = 0; i < FC_PROFILE_N_GENDERS; i++) {
    if (g_strcmp0 (genders[i].code, code) == 0)
      return i;
  }

  return FC_PROFILE_N_GENDERS - 1;
}

char *
fc_profile_format_age (JsonObject *profile)
{
  gint64 age;

  if (profile == NULL || !fc_json_get_int (profile, "age", &age))
    return NULL;

  /* Translators: an age. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years", (gulong) age),
                          (int) age);
}

char *
fc_profile_format_weight (JsonObject *profile)
{
  double weight;

  if (profile == NULL || !fc_json_get_double (profile, "weight", &weight))
    return NULL;

  /* In the unit the locale or the Health preference chooses (lb in the
   * United States), as the Health section shows it. */
  return fc_health_ui_format ("weight", weight);
}

char *
fc_profile_format_height (JsonObject *profile)
{
  double height;

  if (profile == NULL || !fc_json_get_double (profile, "height", &height))
    return NULL;

  return fc_health_ui_format ("height", height);
}

const char *
fc_profile_format_gender (JsonObject *profile)
{
  const char *code;

  if (profile == NULL)
    return NULL;

  code = fc_json_get_string (profile, "gender");
  return code != NULL ? fc_profile_gender_label (fc_profile_gender_index (code)) : NULL;
}

/* Inches are a whole number of them: the editor's inches spin button. */
#define CM_PER_IN 2.54

static double
round_to (double value,
          int    decimals)
{
  double scale = pow (10, decimals);

  /* Divided, not multiplied by 0.1, so that the result is the double
   * nearest to the decimal a spin button parses from its own text. */
  return round (value * scale) / scale;
}

double
fc_profile_shown_value (const char   *data_type,
                        FcHealthUnit  unit,
                        double        canonical)
{
  g_return_val_if_fail (data_type != NULL, NAN);

  if (unit == FC_HEALTH_UNIT_FT_IN)
    return round (canonical / CM_PER_IN);
  if (unit == FC_HEALTH_UNIT_CM)
    return round (canonical);
  return round_to (fc_health_unit_from_canonical (unit, data_type, canonical), 1);
}

double
fc_profile_canonical_value (const char   *data_type,
                            FcHealthUnit  unit,
                            double        shown)
{
  g_return_val_if_fail (data_type != NULL, NAN);

  /* Hundredths are finer than half the editor's steps in every unit
   * (0.05 lb is 0.023 kg, half an inch 1.27 cm), so the value shows again
   * as it was typed; what the server keeps is this one number. */
  if (unit == FC_HEALTH_UNIT_FT_IN)
    return round_to (shown * CM_PER_IN, 2);
  return round_to (fc_health_unit_to_canonical (unit, data_type, shown), 2);
}
