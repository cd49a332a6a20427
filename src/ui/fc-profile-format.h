/* fc-profile-format.h — profile values as the user reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fc-health-units.h"

G_BEGIN_DECLS

/* The gender choices in the order of the profile editor's combo row; the
 * last one, "not set", sends null. */
#define FC_PROFILE_N_GENDERS 3

const char *fc_profile_gender_code     (guint       index);
const char *fc_profile_gender_label    (guint       index);
guint       fc_profile_gender_index    (const char *code);

/* Each returns NULL when the profile has no such value (or is NULL). */
char       *fc_profile_format_age      (JsonObject *profile);
char       *fc_profile_format_weight   (JsonObject *profile);
char       *fc_profile_format_height   (JsonObject *profile);
const char *fc_profile_format_gender   (JsonObject *profile);

/* The profile editor's weight and height in the unit the person reads
 * them in (FC_HEALTH_UNIT_KG or _LB for "weight", _CM or _FT_IN for
 * "height"; for _FT_IN the number is the height in whole inches), rounded
 * as the editor shows them: 0.1 kg or lb, 1 cm, 1 in. */
double      fc_profile_shown_value     (const char   *data_type,
                                        FcHealthUnit  unit,
                                        double        canonical);
/* A shown value back in the canonical unit (kg, cm), rounded to hundredths
 * so that fc_profile_shown_value() of the result is @shown again: 165 lb is
 * 74.84 kg, shown as 165 lb. */
double      fc_profile_canonical_value (const char   *data_type,
                                        FcHealthUnit  unit,
                                        double        shown);

G_END_DECLS
