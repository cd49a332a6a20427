/* fc-nutrition-page.c — the Nutrition section: plans, meals and foods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-nutrition-page"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-nutrition-page.h"

#include "fc-foods-view.h"
#include "fc-meals-view.h"
#include "fc-plans-view.h"

struct _FcNutritionPage
{
  AdwBin              parent_instance;

  /* Template widgets */
  AdwSqueezer        *squeezer;
  GtkWidget          *switcher_placeholder;
  AdwViewSwitcherBar *switcher_bar;
  FcPlansView        *plans_view;
  FcMealsView        *meals_view;
  FcFoodsView        *foods_view;

  /* Owned */
  FcSession          *session;
};

G_DEFINE_FINAL_TYPE (FcNutritionPage, fc_nutrition_page, ADW_TYPE_BIN)

/* libadwaita 1.2 has no breakpoints: the squeezer tells when the switcher
 * on top no longer fits, and the bar at the bottom takes over. */
static void
on_squeezer_visible_child_cb (FcNutritionPage *self)
{
  GtkWidget *shown = adw_squeezer_get_visible_child (self->squeezer);

  adw_view_switcher_bar_set_reveal (self->switcher_bar, shown == self->switcher_placeholder);
}

static void
fc_nutrition_page_dispose (GObject *object)
{
  FcNutritionPage *self = FC_NUTRITION_PAGE (object);

  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_NUTRITION_PAGE);

  G_OBJECT_CLASS (fc_nutrition_page_parent_class)->dispose (object);
}

static void
fc_nutrition_page_class_init (FcNutritionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_nutrition_page_dispose;

  g_type_ensure (FC_TYPE_PLANS_VIEW);
  g_type_ensure (FC_TYPE_MEALS_VIEW);
  g_type_ensure (FC_TYPE_FOODS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/nutrition/"
                                               "fc-nutrition-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcNutritionPage, squeezer);
  gtk_widget_class_bind_template_child (widget_class, FcNutritionPage, switcher_placeholder);
  gtk_widget_class_bind_template_child (widget_class, FcNutritionPage, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, FcNutritionPage, plans_view);
  gtk_widget_class_bind_template_child (widget_class, FcNutritionPage, meals_view);
  gtk_widget_class_bind_template_child (widget_class, FcNutritionPage, foods_view);
}

static void
fc_nutrition_page_init (FcNutritionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->squeezer, "notify::visible-child",
                           G_CALLBACK (on_squeezer_visible_child_cb), self, G_CONNECT_SWAPPED);
  on_squeezer_visible_child_cb (self);
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

  if (!g_set_object (&self->session, session))
    return;

  fc_plans_view_set_session (self->plans_view, session);
  fc_meals_view_set_session (self->meals_view, session);
  fc_foods_view_set_session (self->foods_view, session);
}
