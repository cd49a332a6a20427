/* fc-outbox-row.c — one change the server refused, with Retry and Discard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-outbox-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fc-outbox-row.h"

#include "fc-store.h"
#include "fc-store-admin.h"
#include "fc-store-health.h"
#include "fc-store-notifications.h"

/* The buttons name the row's outbox id as their action target; the Today
 * page, which has the store, implements the actions. */
struct _FcOutboxRow
{
  AdwBin        parent_instance;

  /* Template widgets */
  GtkLabel     *title_label;
  GtkLabel     *message_label;
  GtkWidget    *retry_button;
  GtkWidget    *discard_button;

  /* Owned */
  FcOutboxItem *item;
  char         *summary;
};

G_DEFINE_FINAL_TYPE (FcOutboxRow, fc_outbox_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A staff edit (src/store/fc-store-admin.h): what and which item, named
 * as it was when the edit was made. */
static char *
describe_admin_change (FcOutboxItem *item)
{
  const char *resource = fc_outbox_item_get_resource (item);
  const char *method = fc_outbox_item_get_method (item);
  const char *subject = fc_outbox_item_get_subject (item);
  gboolean created = g_strcmp0 (method, "POST") == 0;
  gboolean deleted = g_strcmp0 (method, "DELETE") == 0;
  g_autofree char *number = NULL;

  /* An object the store never kept (an account whose detail was not
   * opened) has only its id. */
  if (subject == NULL)
    subject = number = g_strdup_printf ("#%" G_GINT64_FORMAT, fc_outbox_item_get_object_id (item));
  /* Translators: %s is a workout's title (Admin ▸ Content). */
  if (g_strcmp0 (resource, FC_STORE_ADMIN_WORKOUTS) == 0)
    return g_strdup_printf (created ? _("New workout “%s”") :
                            deleted ? _("Deleted workout “%s”") : _("Changes to workout “%s”"),
                            subject);
  /* Translators: %s is a workout category's name. */
  if (g_strcmp0 (resource, FC_STORE_ADMIN_CATEGORIES) == 0)
    return g_strdup_printf (created ? _("New category “%s”") :
                            deleted ? _("Deleted category “%s”") : _("Changes to category “%s”"),
                            subject);
  /* Translators: %s is a meal-plan template's name (Admin ▸ Templates). */
  if (g_strcmp0 (resource, FC_STORE_ADMIN_TEMPLATES) == 0)
    return g_strdup_printf (deleted ? _("Deleted template “%s”") : _("Changes to template “%s”"),
                            subject);
  /* Translators: %s is an account's e-mail address (Admin ▸ Users). */
  return g_strdup_printf (_("Changes to the account %s"), subject);
}

static const char *describe_user_change (FcOutboxItem *item);

/* What the user changed, in their words rather than the API's. */
static char *
describe_change (FcOutboxItem *item)
{
  const char *resource = fc_outbox_item_get_resource (item);

  if (fc_store_admin_is_resource (resource))
    return describe_admin_change (item);
  return g_strdup (describe_user_change (item));
}

static const char *
describe_user_change (FcOutboxItem *item)
{
  const char *resource = fc_outbox_item_get_resource (item);
  const char *method = fc_outbox_item_get_method (item);

  if (g_strcmp0 (resource, FC_STORE_PROFILE) == 0)
    return _("Profile changes");
  if (g_strcmp0 (resource, FC_STORE_ACCOUNT) == 0)
    return _("Name change");
  if (g_strcmp0 (resource, FC_STORE_FOODS) == 0)
    return g_strcmp0 (method, "POST") == 0 ? _("New food") :
           g_strcmp0 (method, "DELETE") == 0 ? _("Deleted food") : _("Food changes");
  if (g_strcmp0 (resource, FC_STORE_MEALS) == 0)
    return g_strcmp0 (method, "POST") == 0 ? _("New meal") :
           g_strcmp0 (method, "DELETE") == 0 ? _("Deleted meal") : _("Meal changes");
  if (g_strcmp0 (resource, FC_STORE_MEAL_PLANS) == 0)
    return g_strcmp0 (method, "POST") == 0 ? _("New meal plan") :
           g_strcmp0 (method, "DELETE") == 0 ? _("Deleted meal plan") : _("Meal plan changes");
  if (g_strcmp0 (resource, FC_STORE_WORKOUT_PROGRESS) == 0)
    return _("Workout progress");
  if (g_strcmp0 (resource, FC_STORE_HEALTH) == 0)
    return g_strcmp0 (method, "POST") == 0 ? _("New health entry") :
           g_strcmp0 (method, "DELETE") == 0 ? _("Deleted health entry") : _("Health entry changes");
  if (g_strcmp0 (resource, FC_STORE_HEALTH_GOALS) == 0)
    return _("Health goals");
  if (g_strcmp0 (resource, FC_STORE_NOTIFICATIONS) == 0)
    return g_strcmp0 (method, "DELETE") == 0 ? _("Deleted notification") :
           g_strcmp0 (method, "POST") == 0 ? _("Notifications marked read") :
                                             _("Notification read or unread");

  return _("A change");
}

/* The server names fields as the API does ("fitness_goal: …"); the user
 * knows them by the labels of the forms. */
static const struct {
  const char *wire;
  const char *label;
} field_labels[] = {
  { "non_field_errors", NULL },
  { "first_name", N_("First name") },
  { "last_name", N_("Last name") },
  { "age", N_("Age") },
  { "weight", N_("Weight") },
  { "height", N_("Height") },
  { "gender", N_("Gender") },
  { "fitness_goal", N_("Fitness goal") },
  { "img", N_("Photo") },
  { "name", N_("Name") },
  { "description", N_("Description") },
  { "serving_quantity", N_("Serving size") },
  { "serving_unit", N_("Serving unit") },
  { "calories", N_("Calories") },
  { "protein", N_("Protein") },
  { "carbohydrates", N_("Carbohydrates") },
  { "fat", N_("Fat") },
  { "fiber", N_("Fiber") },
  { "sugar", N_("Sugar") },
  { "sodium", N_("Sodium") },
  { "food_category", N_("Category") },
  { "meal_time_category", N_("Meal time") },
  { "meal_items", N_("Foods") },
  { "goal", N_("Goal") },
  { "duration_days", N_("Duration") },
  { "start_date", N_("Start date") },
  { "target_daily_calories", N_("Daily calories") },
  { "scheduled_meals_payload", N_("Schedule") },
  { "progress_percentage", N_("Progress") },
  { "last_video", N_("Video") },
  { "position_seconds", N_("Position") },
};

static char *
humanize_message (const char *message)
{
  const char *colon = message != NULL ? strstr (message, ": ") : NULL;

  if (colon == NULL)
    return g_strdup (message);

  for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++) {
    gsize length = strlen (field_labels[i].wire);

    if ((gsize) (colon - message) == length && strncmp (message, field_labels[i].wire, length) == 0) {
      if (field_labels[i].label == NULL)
        return g_strdup (colon + 2);
      return g_strdup_printf ("%s: %s", _(field_labels[i].label), colon + 2);
    }
  }
  return g_strdup (message);
}

static void
fc_outbox_row_update (FcOutboxRow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *message = NULL;
  GVariant *target = NULL;

  if (self->item != NULL) {
    title = describe_change (self->item);
    message = humanize_message (fc_outbox_item_get_error_message (self->item));
    if (message == NULL || *message == '\0') {
      g_free (message);
      message = g_strdup (_("The server refused this change."));
    }
    target = g_variant_new_int64 (fc_outbox_item_get_id (self->item));
  }

  gtk_label_set_text (self->title_label, title != NULL ? title : "");
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->discard_button), target);

  g_free (self->summary);
  self->summary = g_strdup_printf ("%s: %s", title != NULL ? title : "",
                                   message != NULL ? message : "");
}

static void
fc_outbox_row_dispose (GObject *object)
{
  FcOutboxRow *self = (FcOutboxRow *) object;

  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_OUTBOX_ROW);

  G_OBJECT_CLASS (fc_outbox_row_parent_class)->dispose (object);
}

static void
fc_outbox_row_finalize (GObject *object)
{
  FcOutboxRow *self = (FcOutboxRow *) object;

  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (fc_outbox_row_parent_class)->finalize (object);
}

static void
fc_outbox_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FcOutboxRow *self = FC_OUTBOX_ROW (object);

  switch (prop_id) {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_outbox_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FcOutboxRow *self = FC_OUTBOX_ROW (object);

  switch (prop_id) {
    case PROP_ITEM:
      fc_outbox_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
fc_outbox_row_class_init (FcOutboxRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_outbox_row_dispose;
  object_class->finalize = fc_outbox_row_finalize;
  object_class->get_property = fc_outbox_row_get_property;
  object_class->set_property = fc_outbox_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         FC_TYPE_OUTBOX_ITEM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fitcore/FitCore/ui/fc-outbox-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FcOutboxRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, FcOutboxRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, FcOutboxRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, FcOutboxRow, discard_button);
}

static void
fc_outbox_row_init (FcOutboxRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FcOutboxItem *
fc_outbox_row_get_item (FcOutboxRow *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ROW (self), NULL);

  return self->item;
}

void
fc_outbox_row_set_item (FcOutboxRow  *self,
                        FcOutboxItem *item)
{
  g_return_if_fail (FC_IS_OUTBOX_ROW (self));
  g_return_if_fail (item == NULL || FC_IS_OUTBOX_ITEM (item));

  if (!g_set_object (&self->item, item))
    return;

  fc_outbox_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

/* What the change was and why the server refused it, in one line. */
const char *
fc_outbox_row_get_summary (FcOutboxRow *self)
{
  g_return_val_if_fail (FC_IS_OUTBOX_ROW (self), NULL);

  return self->summary != NULL ? self->summary : "";
}
