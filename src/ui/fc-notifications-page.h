/* fc-notifications-page.h — the Notifications section: the account's inbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_NOTIFICATIONS_PAGE (fc_notifications_page_get_type ())

G_DECLARE_FINAL_TYPE (FcNotificationsPage, fc_notifications_page, FC, NOTIFICATIONS_PAGE, AdwBin)

GtkWidget *fc_notifications_page_new              (void);
void       fc_notifications_page_set_session      (FcNotificationsPage *self,
                                                   FcSession           *session);
/* Property "unread-count" (notifies): the unread the store holds (local
 * edits included), for the sidebar's badge and Today. */
guint      fc_notifications_page_get_unread_count (FcNotificationsPage *self);

G_END_DECLS
