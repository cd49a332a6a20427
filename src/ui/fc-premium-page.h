/* fc-premium-page.h — FitCore Premium: plans, checkout in the browser, the subscription
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_PREMIUM_PAGE (fc_premium_page_get_type ())

G_DECLARE_FINAL_TYPE (FcPremiumPage, fc_premium_page, FC, PREMIUM_PAGE, AdwWindow)

/* Seconds between two looks at the subscription while the page is open. */
#define FC_PREMIUM_PAGE_POLL_SECONDS 3

GtkWidget *fc_premium_page_new     (GtkWindow *parent,
                                    FcSession *session);
/* Brings @parent's Premium page to the front, opening it the first time. */
void       fc_premium_page_present (GtkWindow *parent,
                                    FcSession *session);

G_END_DECLS
