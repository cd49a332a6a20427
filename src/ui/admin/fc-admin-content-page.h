/* fc-admin-content-page.h — the Admin section's Content: workouts, their
 * videos and uploads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-admin-service.h"
#include "fc-upload-queue.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_CONTENT_PAGE (fc_admin_content_page_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminContentPage, fc_admin_content_page, FC, ADMIN_CONTENT_PAGE, AdwBin)

/* The workouts are asked for when the page is first shown. @queue is the
 * signed-in staff member's upload queue (the page shows the items of the
 * workout it edits); either may be NULL (signed out). */
void       fc_admin_content_page_set_service (FcAdminContentPage *self,
                                              FcAdminService     *service,
                                              FcUploadQueue      *queue);
/* Folded, with the editor shown: back to the list, TRUE. */
gboolean   fc_admin_content_page_go_back     (FcAdminContentPage *self);

G_END_DECLS
