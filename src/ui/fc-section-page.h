/* fc-section-page.h — a section's page: header bar and, for now, a status page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FC_TYPE_SECTION_PAGE (fc_section_page_get_type ())

G_DECLARE_FINAL_TYPE (FcSectionPage, fc_section_page, FC, SECTION_PAGE, GtkWidget)

GtkWidget  *fc_section_page_new          (const char    *title,
                                          const char    *icon_name,
                                          const char    *heading,
                                          const char    *description);
const char *fc_section_page_get_title    (FcSectionPage *self);
void        fc_section_page_set_title    (FcSectionPage *self,
                                          const char    *title);
void        fc_section_page_set_content  (FcSectionPage *self,
                                          GtkWidget     *content);
gboolean    fc_section_page_get_folded   (FcSectionPage *self);
void        fc_section_page_set_folded   (FcSectionPage *self,
                                          gboolean       folded);

G_END_DECLS
