/* fc-plan-source.c — where a plan editor reads a plan and writes its schedule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-plan-source"

#include "config.h"

#include "fc-plan-source.h"

G_DEFINE_INTERFACE (FcPlanSource, fc_plan_source, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fc_plan_source_default_init (FcPlanSourceInterface *iface)
{
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

JsonObject *
fc_plan_source_get_plan (FcPlanSource *self)
{
  g_return_val_if_fail (FC_IS_PLAN_SOURCE (self), NULL);

  return FC_PLAN_SOURCE_GET_IFACE (self)->get_plan (self);
}

JsonArray *
fc_plan_source_dup_meals (FcPlanSource *self)
{
  g_return_val_if_fail (FC_IS_PLAN_SOURCE (self), NULL);

  return FC_PLAN_SOURCE_GET_IFACE (self)->dup_meals (self);
}

void
fc_plan_source_write_schedule (FcPlanSource *self,
                               JsonArray    *payload)
{
  g_return_if_fail (FC_IS_PLAN_SOURCE (self));
  g_return_if_fail (payload != NULL);

  FC_PLAN_SOURCE_GET_IFACE (self)->write_schedule (self, payload);
}

void
fc_plan_source_emit_changed (FcPlanSource *self)
{
  g_return_if_fail (FC_IS_PLAN_SOURCE (self));

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
fc_plan_source_emit_failed (FcPlanSource *self,
                            const char   *message)
{
  g_return_if_fail (FC_IS_PLAN_SOURCE (self));

  g_signal_emit (self, signals[SIGNAL_FAILED], 0, message);
}
