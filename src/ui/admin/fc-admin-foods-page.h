/* fc-admin-foods-page.h — the Admin section's Foods: public foods imported from a CSV file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-admin-service.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_FOODS_PAGE (fc_admin_foods_page_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminFoodsPage, fc_admin_foods_page, FC, ADMIN_FOODS_PAGE, AdwBin)

/* The signed-in staff member's service, or NULL (signed out): an import
 * under way is cancelled and its preview dropped. */
void fc_admin_foods_page_set_service (FcAdminFoodsPage *self,
                                      FcAdminService   *service);

G_END_DECLS
