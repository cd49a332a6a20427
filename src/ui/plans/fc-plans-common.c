/* fc-plans-common.c — what the plans screens share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plans-common.h"

static const struct {
  const char *code;
  const char *label;
} goals[FC_PLAN_N_GOALS] = {
  { "WL", N_("Weight loss") },
  { "WG", N_("Weight gain") },
  { "MN", N_("Maintenance") },
  { "MG", N_("Muscle gain") },
  { "GH", N_("General health") },
};

#define DEFAULT_GOAL 4

const char *
fc_plan_goal_get_code (guint index)
{
  g_return_val_if_fail (index < FC_PLAN_N_GOALS, goals[DEFAULT_GOAL].code);

  return goals[index].code;
}

guint
fc_plan_goal_get_index (const char *code)
{
  for (guint i = 0; code != NULL && i < FC_PLAN_N_GOALS; i++) {
    if (g_str_equal (goals[i].code, code))
      return i;
  }
  return DEFAULT_GOAL;
}

const char *
fc_plan_goal_get_label (const char *code)
{
  if (code == NULL)
    return "";
  return _(goals[fc_plan_goal_get_index (code)].label);
}

GtkStringList *
fc_plan_goal_new_model (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < FC_PLAN_N_GOALS; i++)
    gtk_string_list_append (list, _(goals[i].label));
  return list;
}
