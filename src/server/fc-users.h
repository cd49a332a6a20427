/* fc-users.h — user accounts in the server database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include "fc-sql.h"

G_BEGIN_DECLS

#define FC_USERS_ERROR (fc_users_error_quark ())

/**
 * FcUsersError:
 * @FC_USERS_ERROR_EXISTS: the e-mail address (in any case) is taken
 * @FC_USERS_ERROR_FAILED: the database refused the write
 */
typedef enum {
  FC_USERS_ERROR_EXISTS,
  FC_USERS_ERROR_FAILED,
} FcUsersError;

GQuark      fc_users_error_quark   (void);

/* Creates the user and their empty profile; returns the new id or 0. */
gint64      fc_users_create        (FcSql     *db,
                                    const char  *email,
                                    const char  *password_hash,
                                    const char  *first_name,
                                    const char  *last_name,
                                    gboolean     is_staff,
                                    GError     **error);
/* Case-insensitive; 0 when unknown. */
gint64      fc_users_find_by_email (FcSql     *db,
                                    const char  *email);
gboolean    fc_users_set_password  (FcSql     *db,
                                    gint64       user_id,
                                    const char  *password_hash);
/* {"pk","email","first_name","last_name"} (dj-rest-auth's UserDetails);
 * without "pk" when @with_pk is FALSE (the profile's nested user). NULL for
 * an unknown id. */
JsonNode   *fc_users_to_json       (FcSql     *db,
                                    gint64       user_id,
                                    gboolean     with_pk);

G_END_DECLS
