/* fc-nutrition-page.c — the Nutrition section: plans, meals and foods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-nutrition-page"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-nutrition-page.h"

struct _FcNutritionPage
{
  AdwBin     parent_instance;

  FcSession *session;
};

G_DEFINE_FINAL_TYPE (FcNutritionPage, fc_nutrition_page, ADW_TYPE_BIN)

static void
fc_nutrition_page_dispose (GObject *object)
{
  FcNutritionPage *self = FC_NUTRITION_PAGE (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (fc_nutrition_page_parent_class)->dispose (object);
}

static void
fc_nutrition_page_class_init (FcNutritionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_nutrition_page_dispose;
}

static void
fc_nutrition_page_init (FcNutritionPage *self)
{
}

GtkWidget *
fc_nutrition_page_new (void)
{
  return g_object_new (FC_TYPE_NUTRITION_PAGE, NULL);
}

void
fc_nutrition_page_set_session (FcNutritionPage *self,
                               FcSession *session)
{
  g_return_if_fail (FC_IS_NUTRITION_PAGE (self));
  g_return_if_fail (session == NULL || FC_IS_SESSION (session));

  g_set_object (&self->session, session);
}
