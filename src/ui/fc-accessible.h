/* fc-accessible.h — names for the parts of GTK's composite widgets that
 * screen readers reach but GTK 4.8 leaves unnamed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkDropDown, a GtkMenuButton, a GtkExpander and AdwComboRow put a button
 * of their own inside themselves; an accessible label on the outer widget
 * does not reach it, so Orca reads "GtkToggleButton". These helpers give
 * that inner button the label a person would say.
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Labels every button (toggle buttons included) inside @widget that has no label
 * of its own, @widget itself included if it is one. */
void fc_accessible_name_buttons (GtkWidget  *widget,
                                 const char *label);

/* Gives @row (whose model is a GtkStringList) a factory whose items are
 * named after their string: with the default one, each choice of the
 * drop-down list, and the value shown, read as an empty list item. */
void fc_accessible_name_combo_row (AdwComboRow *row);

/* A flat icon button at the end of @row (an AdwActionRow), named @label
 * for screen readers, that activates @action_name with the int64 @target:
 * a list row's Edit or Delete. */
GtkWidget *fc_accessible_add_row_button (GtkWidget  *row,
                                         const char *icon_name,
                                         const char *tooltip,
                                         const char *label,
                                         const char *action_name,
                                         gint64      target);

G_END_DECLS
