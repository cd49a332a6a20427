/* fc-plans-common.c — what the plans screens share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fc-plans-common.h"

#include "fc-window.h"

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

static void
on_schedule_written_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcOutboxItem) item = fc_store_update_finish (FC_STORE (source), result, &error);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (item == NULL && FC_IS_WINDOW (root))
    fc_window_add_toast (FC_WINDOW (root), adw_toast_new (error->message));
}

void
fc_plan_write_schedule (GtkWidget *widget,
                        FcSession *session,
                        gint64     plan_id,
                        JsonArray *payload)
{
  FcStore *store = fc_session_get_store (session);
  g_autoptr(JsonObject) clear = json_object_new ();
  g_autoptr(JsonObject) changes = json_object_new ();

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (payload != NULL);

  if (store == NULL)
    return;
  /* The Django backend adds the new rows before it drops the old ones, and
   * answers 500 to a pair (meal, day) the plan already has (wire file §4.5):
   * so the schedule is cleared first, then written whole. Both rows queue
   * in order, offline too; the store reads in between see the final one,
   * since its jobs run in call order. */
  json_object_set_array_member (clear, "scheduled_meals_payload", json_array_new ());
  fc_store_update_async (store, FC_STORE_MEAL_PLANS, plan_id, clear, NULL,
                         on_schedule_written_cb, g_object_ref (widget));
  json_object_set_array_member (changes, "scheduled_meals_payload", json_array_ref (payload));
  fc_store_update_async (store, FC_STORE_MEAL_PLANS, plan_id, changes, NULL,
                         on_schedule_written_cb, g_object_ref (widget));
}
