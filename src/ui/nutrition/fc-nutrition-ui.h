/* fc-nutrition-ui.h — pieces the Nutrition views and editors share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fc-session.h"

G_BEGIN_DECLS

/* Rows of FcFoodItem: the name, then "105 kcal · 1 piece · Fruit". */
GtkListItemFactory *fc_nutrition_food_factory_new (void);

/* A shortcut that works anywhere in @widget's window while @widget is on
 * show; @func returns FALSE to pass the key on. */
void                fc_nutrition_add_shortcut     (GtkWidget       *widget,
                                                   const char      *trigger,
                                                   GtkShortcutFunc  func);

/* An editor's Save: creates (@id 0) or updates @id of @resource with
 * @fields through the store, which queues it in the outbox, with
 * @save_action disabled meanwhile. On failure a toast in @overlay says why
 * and the editor stays; otherwise @editor closes and a toast in the main
 * window follows the write's outbox row: "Saved — syncing…" while it is
 * sent, "Saved — will sync when online" while the server cannot be reached,
 * @done_message once the server has it. */
void                fc_nutrition_save             (GtkWindow       *editor,
                                                   AdwToastOverlay *overlay,
                                                   FcSession       *session,
                                                   const char      *resource,
                                                   gint64           id,
                                                   JsonObject      *fields,
                                                   const char      *save_action,
                                                   const char      *done_message);

G_END_DECLS
