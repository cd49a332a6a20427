/* fc-workouts-page.c — the Workouts section: a grid of workouts, their details and downloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-workouts-page"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-workouts-page.h"

struct _FcWorkoutsPage
{
  AdwBin     parent_instance;

  FcSession *session;
};

G_DEFINE_FINAL_TYPE (FcWorkoutsPage, fc_workouts_page, ADW_TYPE_BIN)

static void
fc_workouts_page_dispose (GObject *object)
{
  FcWorkoutsPage *self = FC_WORKOUTS_PAGE (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (fc_workouts_page_parent_class)->dispose (object);
}

static void
fc_workouts_page_class_init (FcWorkoutsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_workouts_page_dispose;
}

static void
fc_workouts_page_init (FcWorkoutsPage *self)
{
}

GtkWidget *
fc_workouts_page_new (void)
{
  return g_object_new (FC_TYPE_WORKOUTS_PAGE, NULL);
}

void
fc_workouts_page_set_session (FcWorkoutsPage *self,
                              FcSession *session)
{
  g_return_if_fail (FC_IS_WORKOUTS_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  g_set_object (&self->session, session);
}
