/* fc-workouts-page.h — the Workouts section: a grid of workouts, their details and downloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_WORKOUTS_PAGE (fc_workouts_page_get_type ())

G_DECLARE_FINAL_TYPE (FcWorkoutsPage, fc_workouts_page, FC, WORKOUTS_PAGE, AdwBin)

GtkWidget *fc_workouts_page_new         (void);
/* The window hands every page the session (NULL when signed out). */
void       fc_workouts_page_set_session (FcWorkoutsPage *self,
                                         FcSession *session);

G_END_DECLS
