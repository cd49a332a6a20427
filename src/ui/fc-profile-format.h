/* fc-profile-format.h — profile values as the user reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

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

G_END_DECLS
