/* fc-profile-routes.c — /api/v1/auth/profile/: placeholder until the next commit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fc-server-request.h"

const FcRoute *
fc_profile_routes (gsize *n_routes)
{
  *n_routes = 0;
  return NULL;
}
