/* fc-accounts.h — what other modules use of the accounts routes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fc-server-request.h"

G_BEGIN_DECLS

/* What login answers (400, non_field_errors) for the right password of a
 * deactivated account: it says why, where a wrong password says nothing. */
#define FC_ACCOUNTS_INACTIVE_MESSAGE \
  "This account has been deactivated. Contact support to have it reactivated."

typedef enum {
  FC_ACCOUNTS_RESET_SENT,
  FC_ACCOUNTS_RESET_NO_ACCOUNT,  /* unknown or deactivated: nothing sent, nothing committed */
  FC_ACCOUNTS_RESET_NOT_SAVED,   /* the request's transaction did not commit: nothing sent */
} FcAccountsResetResult;

/* Mails @user_id the password-reset link of POST oauth/password/reset/,
 * after committing the request's transaction (fc_server_request_commit()),
 * so a mail never goes out for a change that rolled back. */
FcAccountsResetResult fc_accounts_mail_password_reset (FcServerRequest *request,
                                                       gint64           user_id);

/* Answers @request as a successful oauth/login/ for @user_id (tokens,
 * cookies, user), in its own transaction; Google sign-in answers so too. */
void                  fc_accounts_respond_login       (FcServerRequest *request,
                                                       gint64           user_id);

G_END_DECLS
