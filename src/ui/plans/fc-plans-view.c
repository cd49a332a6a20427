/* fc-plans-view.c — meal plans: the list, the active plan's calendar, templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plans-view"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plans-view.h"

struct _FcPlansView
{
  AdwBin     parent_instance;

  FcSession *session;
};

G_DEFINE_FINAL_TYPE (FcPlansView, fc_plans_view, ADW_TYPE_BIN)

static void
fc_plans_view_dispose (GObject *object)
{
  FcPlansView *self = FC_PLANS_VIEW (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (fc_plans_view_parent_class)->dispose (object);
}

static void
fc_plans_view_class_init (FcPlansViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_plans_view_dispose;
}

static void
fc_plans_view_init (FcPlansView *self)
{
}

GtkWidget *
fc_plans_view_new (void)
{
  return g_object_new (FC_TYPE_PLANS_VIEW, NULL);
}

void
fc_plans_view_set_session (FcPlansView *self,
                           FcSession *session)
{
  g_return_if_fail (FC_IS_PLANS_VIEW (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  g_set_object (&self->session, session);
}
