/* fc-wrap-box.c — children side by side, wrapping to a new line when the
 * width runs out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-wrap-box"

#include "config.h"

#include "fc-wrap-box.h"

struct _FcWrapBox
{
  GtkWidget parent_instance;

  int       spacing;
};

static void fc_wrap_box_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FcWrapBox, fc_wrap_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE,
                                                      fc_wrap_box_buildable_init))

enum {
  PROP_0,
  PROP_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static GtkBuildableIface *parent_buildable_iface;

/* A child's width on a line: its natural width, but never more than the
 * line, so that a long label ellipsizes or wraps instead of overflowing. */
static int
child_width (GtkWidget *child,
             int        line_width)
{
  int minimum, natural;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  if (line_width < 0)
    return natural;
  return MAX (minimum, MIN (natural, line_width));
}

/* Lays the children out in @width (or on one line if @width is -1): calls
 * @place for each with its box when @place is not NULL, and returns the
 * height of all the lines. */
static int
layout (FcWrapBox *self,
        int        width,
        void     (*place) (GtkWidget *child, int x, int y, int w, int h))
{
  GtkWidget *line_start = gtk_widget_get_first_child (GTK_WIDGET (self));
  int y = 0;
  gboolean first_line = TRUE;

  while (line_start != NULL) {
    GtkWidget *child;
    GtkWidget *line_end = NULL;
    int x = 0;
    int line_height = 0;
    gboolean any = FALSE;

    /* Which children fit on this line: at least one, however wide. */
    for (child = line_start; child != NULL; child = gtk_widget_get_next_sibling (child)) {
      int w;

      if (!gtk_widget_should_layout (child))
        continue;
      w = child_width (child, width);
      if (any && width >= 0 && x + self->spacing + w > width)
        break;
      x += (any ? self->spacing : 0) + w;
      any = TRUE;
    }
    line_end = child;
    if (!any)
      break;

    for (child = line_start; child != line_end; child = gtk_widget_get_next_sibling (child)) {
      int minimum, natural;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, child_width (child, width),
                          &minimum, &natural, NULL, NULL);
      line_height = MAX (line_height, natural);
    }

    if (!first_line)
      y += self->spacing;
    first_line = FALSE;

    if (place != NULL) {
      gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;

      x = 0;
      for (child = line_start; child != line_end; child = gtk_widget_get_next_sibling (child)) {
        int w;

        if (!gtk_widget_should_layout (child))
          continue;
        w = child_width (child, width);
        place (child, rtl ? width - x - w : x, y, w, line_height);
        x += w + self->spacing;
      }
    }

    y += line_height;
    line_start = line_end;
  }

  return y;
}

static void
place_child (GtkWidget *child,
             int        x,
             int        y,
             int        width,
             int        height)
{
  gtk_widget_size_allocate (child, &(GtkAllocation) { x, y, width, height }, -1);
}

static GtkSizeRequestMode
fc_wrap_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
fc_wrap_box_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  FcWrapBox *self = FC_WRAP_BOX (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL) {
    /* Narrowest: the widest child alone on its line; natural: all on one. */
    int widest = 0, line = 0;
    gboolean any = FALSE;

    for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
         child = gtk_widget_get_next_sibling (child)) {
      int child_minimum, child_natural;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_minimum, &child_natural,
                          NULL, NULL);
      widest = MAX (widest, child_minimum);
      line += (any ? self->spacing : 0) + child_natural;
      any = TRUE;
    }
    *minimum = widest;
    *natural = MAX (widest, line);
  } else {
    *minimum = *natural = layout (self, for_size, NULL);
  }
}

static void
fc_wrap_box_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  layout (FC_WRAP_BOX (widget), width, place_child);
}

static void
fc_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fc_wrap_box_parent_class)->dispose (object);
}

static void
fc_wrap_box_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FcWrapBox *self = FC_WRAP_BOX (object);

  switch (prop_id) {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_wrap_box_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FcWrapBox *self = FC_WRAP_BOX (object);

  switch (prop_id) {
    case PROP_SPACING:
      fc_wrap_box_set_spacing (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_wrap_box_buildable_add_child (GtkBuildable *buildable,
                                 GtkBuilder   *builder,
                                 GObject      *child,
                                 const char   *type)
{
  if (type == NULL && GTK_IS_WIDGET (child))
    fc_wrap_box_append (FC_WRAP_BOX (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
fc_wrap_box_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = fc_wrap_box_buildable_add_child;
}

static void
fc_wrap_box_class_init (FcWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_wrap_box_dispose;
  object_class->get_property = fc_wrap_box_get_property;
  object_class->set_property = fc_wrap_box_set_property;

  widget_class->get_request_mode = fc_wrap_box_get_request_mode;
  widget_class->measure = fc_wrap_box_measure;
  widget_class->size_allocate = fc_wrap_box_size_allocate;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A group of controls, not a list: each child is what a screen reader
   * reads and Tab stops on. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "wrapbox");
}

static void
fc_wrap_box_init (FcWrapBox *self)
{
}

GtkWidget *
fc_wrap_box_new (void)
{
  return g_object_new (FC_TYPE_WRAP_BOX, NULL);
}

void
fc_wrap_box_append (FcWrapBox *self,
                    GtkWidget *child)
{
  g_return_if_fail (FC_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

void
fc_wrap_box_remove (FcWrapBox *self,
                    GtkWidget *child)
{
  g_return_if_fail (FC_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == GTK_WIDGET (self));

  gtk_widget_unparent (child);
}

int
fc_wrap_box_get_spacing (FcWrapBox *self)
{
  g_return_val_if_fail (FC_IS_WRAP_BOX (self), 0);

  return self->spacing;
}

void
fc_wrap_box_set_spacing (FcWrapBox *self,
                         int        spacing)
{
  g_return_if_fail (FC_IS_WRAP_BOX (self));

  if (self->spacing == spacing)
    return;
  self->spacing = spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}
