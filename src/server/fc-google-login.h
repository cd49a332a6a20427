/* fc-google-login.h — POST api/v1/auth/google/login/ with a Google id_token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-server-request.h"

G_BEGIN_DECLS

/* Verifies the body's "id_token" against the configured issuer's keys
 * (fetched without blocking, cached) and client id, then signs in the
 * account with its e-mail address, making it the first time, and answers
 * as oauth/login/ does. The caller checked that google_client_id is set. */
void fc_google_login (FcServerRequest *request);

G_END_DECLS
