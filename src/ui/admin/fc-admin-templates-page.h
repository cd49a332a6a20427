/* fc-admin-templates-page.h — the Admin section's Templates: every meal-plan template, hidden or published
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-admin-service.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_TEMPLATES_PAGE (fc_admin_templates_page_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminTemplatesPage, fc_admin_templates_page, FC, ADMIN_TEMPLATES_PAGE, AdwBin)

/* The signed-in staff member's service, or NULL (signed out): the list
 * is asked for again, or emptied. */
void fc_admin_templates_page_set_service (FcAdminTemplatesPage *self,
                                          FcAdminService       *service);
/* The staff member's store: the meals a new template offers are theirs. */
void fc_admin_templates_page_set_store   (FcAdminTemplatesPage *self,
                                          FcStore              *store);

G_END_DECLS
