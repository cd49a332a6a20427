/* fc-workouts-demo.h — demo workouts for `fitcore-server --demo`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include "fc-sql.h"

#include "fc-server-config.h"

G_BEGIN_DECLS

#define FC_WORKOUTS_DEMO_ERROR (fc_workouts_demo_error_quark ())

/**
 * FcWorkoutsDemoError:
 * @FC_WORKOUTS_DEMO_ERROR_DATABASE: SQLite refused a statement
 */
typedef enum {
  FC_WORKOUTS_DEMO_ERROR_DATABASE,
} FcWorkoutsDemoError;

GQuark   fc_workouts_demo_error_quark (void);

/* Seeds three categories and six workouts (two premium) of two to four
 * videos each, in one transaction, unless workouts already exist. Then
 * starts making whatever demo video and thumbnail files are missing, on
 * worker threads: they appear (complete, under their final names) a few
 * seconds later, while the server already answers, and their rows get the
 * real duration, size and checksum from the main loop once they are done.
 * @db must outlive the main loop. */
gboolean fc_workouts_seed_demo (FcSql          *db,
                                FcServerConfig   *config,
                                GError          **error);

G_END_DECLS
