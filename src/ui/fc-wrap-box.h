/* fc-wrap-box.h — children side by side, wrapping to a new line when the
 * width runs out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a GtkFlowBox of buttons was used for, without its two faults here:
 * a GtkFlowBox puts every child in a focusable GtkFlowBoxChild (two Tab
 * stops per button, and an unnamed "GtkFlowBoxChild" for screen readers),
 * and with halign start GTK 4.8 measures it for one line while allocating
 * it narrower, so a wrapped second line is drawn over what follows. This
 * box reports the height of the lines it really lays out, for the width it
 * is given, and its children are the buttons themselves.
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FC_TYPE_WRAP_BOX (fc_wrap_box_get_type ())

G_DECLARE_FINAL_TYPE (FcWrapBox, fc_wrap_box, FC, WRAP_BOX, GtkWidget)

GtkWidget *fc_wrap_box_new         (void);
void       fc_wrap_box_append      (FcWrapBox *self,
                                    GtkWidget *child);
void       fc_wrap_box_remove      (FcWrapBox *self,
                                    GtkWidget *child);
/* Pixels between two children of a line, and between two lines. */
int        fc_wrap_box_get_spacing (FcWrapBox *self);
void       fc_wrap_box_set_spacing (FcWrapBox *self,
                                    int        spacing);

G_END_DECLS
