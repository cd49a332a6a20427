/* fc-nutrition-ui.c — pieces the Nutrition views and editors share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-nutrition-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-nutrition-ui.h"

#include "fc-food-item.h"
#include "fc-nutrition-format.h"
#include "fc-window.h"

static void
setup_food_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_ellipsize (GTK_LABEL (details), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (details, "caption");
  gtk_widget_add_css_class (details, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), details);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_food_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  FcFoodItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *name = gtk_widget_get_first_child (row);
  g_autofree char *calories = fc_nutrient_format (FC_NUTRIENT_CALORIES,
                                                  fc_food_item_get_calories (item));
  g_autofree char *serving = fc_nutrition_format_serving (fc_food_item_get_serving_quantity (item),
                                                          fc_food_item_get_serving_unit (item));
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;

  /* Translators: a food's calories per serving, its serving and its
   * category, e.g. "105 kcal · 1 piece · Fruit". */
  text = g_strdup_printf (_("%s · %s · %s"), calories, serving,
                          fc_nutrition_food_category_label (fc_food_item_get_category (item)
                                                            ?: "OT"));
  gtk_label_set_text (GTK_LABEL (name), fc_food_item_get_name (item));
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_next_sibling (name)), text);

  /* The list's row (the box's parent, a GtkListItemWidget) is what a
   * screen reader reads as the list item: without a label it is empty. */
  accessible = g_strdup_printf ("%s, %s", fc_food_item_get_name (item), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (row)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

GtkListItemFactory *
fc_nutrition_food_factory_new (void)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_food_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_food_cb), NULL);
  return factory;
}

void
fc_nutrition_add_shortcut (GtkWidget       *widget,
                           const char      *trigger,
                           GtkShortcutFunc  func)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* Global: the views sit in a stack, where the focus is often elsewhere
   * (the view switcher, the sidebar). The callbacks check they are mapped,
   * since a hidden stack page is not. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                                          gtk_callback_action_new (func, NULL,
                                                                                   NULL)));
  gtk_widget_add_controller (widget, controller);
}

/* The toast after a save follows the write's outbox row while it shows:
 * a row still queued while the engine is online is being sent; one the
 * network refused, or any row while the engine is offline, waits for the
 * server; a row gone from the outbox reached it. So a meal saved just after
 * the server went away says it will sync when online, not "Meal saved". */
typedef struct {
  AdwToast     *toast;
  FcStore      *store;
  FcSyncEngine *engine;        /* nullable */
  GCancellable *cancellable;
  char         *done_message;
  gint64        row_id;
  guint         querying : 1;
  guint         again : 1;
} SaveToast;

static void save_toast_update (SaveToast *data);

static void
save_toast_free (SaveToast *data)
{
  g_cancellable_cancel (data->cancellable);
  g_clear_object (&data->cancellable);
  if (data->store != NULL)
    g_signal_handlers_disconnect_by_data (data->store, data);
  if (data->engine != NULL)
    g_signal_handlers_disconnect_by_data (data->engine, data);
  g_clear_object (&data->store);
  g_clear_object (&data->engine);
  g_clear_object (&data->toast);
  g_free (data->done_message);
  g_free (data);
}

static gboolean
engine_offline (FcSyncEngine *engine)
{
  return engine == NULL || fc_sync_engine_get_state (engine) == FC_SYNC_STATE_OFFLINE;
}

/* What the toast says about a row in @state (or gone from the outbox when
 * @row is NULL); NULL when the toast can stop following it. */
static const char *
save_toast_title (SaveToast    *data,
                  FcOutboxItem *row,
                  gboolean     *out_final)
{
  *out_final = FALSE;
  if (row == NULL) {
    *out_final = TRUE;
    return data->done_message;
  }
  switch (fc_outbox_item_get_state (row)) {
    case FC_OUTBOX_STATE_REJECTED:
      *out_final = TRUE;
      /* Translators: the server refused a change saved on this device; the
       * list of changes needing attention says why. */
      return _("Saved here — the server refused it");
    case FC_OUTBOX_STATE_WAITING:
      return _("Saved — will sync when online");
    case FC_OUTBOX_STATE_PENDING:
    case FC_OUTBOX_STATE_SENDING:
    default:
      /* Translators: saved on this device, and being sent to the server. */
      return engine_offline (data->engine) ? _("Saved — will sync when online")
                                           : _("Saved — syncing…");
  }
}

static void
outbox_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SaveToast *data = user_data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  FcOutboxItem *row = NULL;
  const char *title;
  gboolean final;

  rows = fc_store_outbox_list_finish (FC_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the toast is gone and @data with it */
  data->querying = FALSE;
  if (rows == NULL) {
    g_warning ("Cannot read the outbox: %s", error->message);
    return;
  }
  for (guint i = 0; i < rows->len && row == NULL; i++) {
    if (fc_outbox_item_get_id (rows->pdata[i]) == data->row_id)
      row = rows->pdata[i];
  }
  title = save_toast_title (data, row, &final);
  adw_toast_set_title (data->toast, title);
  if (final) {
    g_signal_handlers_disconnect_by_data (data->store, data);
    if (data->engine != NULL)
      g_signal_handlers_disconnect_by_data (data->engine, data);
    return;
  }
  if (data->again) {
    data->again = FALSE;
    save_toast_update (data);
  }
}

static void
save_toast_update (SaveToast *data)
{
  /* One read at a time; a change meanwhile asks for one more after it. */
  if (data->querying) {
    data->again = TRUE;
    return;
  }
  data->querying = TRUE;
  fc_store_outbox_list_async (data->store, FALSE, data->cancellable, outbox_listed_cb, data);
}

static void
on_save_toast_dismissed_cb (AdwToast  *toast,
                            SaveToast *data)
{
  save_toast_free (data);
}

static AdwToast *
save_toast_new (FcSession    *session,
                FcOutboxItem *row,
                const char   *done_message)
{
  SaveToast *data = g_new0 (SaveToast, 1);
  gboolean final;

  data->store = g_object_ref (fc_session_get_store (session));
  data->engine = fc_session_get_sync_engine (session);
  if (data->engine != NULL)
    g_object_ref (data->engine);
  data->cancellable = g_cancellable_new ();
  data->done_message = g_strdup (done_message);
  data->row_id = fc_outbox_item_get_id (row);
  data->toast = g_object_ref_sink (adw_toast_new (save_toast_title (data, row, &final)));

  g_signal_connect_swapped (data->store, "changed::" FC_STORE_OUTBOX,
                            G_CALLBACK (save_toast_update), data);
  if (data->engine != NULL)
    g_signal_connect_swapped (data->engine, "notify::state", G_CALLBACK (save_toast_update),
                              data);
  g_signal_connect (data->toast, "dismissed", G_CALLBACK (on_save_toast_dismissed_cb), data);
  /* The engine may have sent the row before anyone listened. */
  save_toast_update (data);
  return data->toast;
}

typedef struct {
  GtkWindow       *editor;
  AdwToastOverlay *overlay;
  FcSession       *session;
  char            *save_action;
  char            *done_message;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->editor);
  g_clear_object (&data->overlay);
  g_clear_object (&data->session);
  g_free (data->save_action);
  g_free (data->done_message);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveData, save_data_free)

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  g_autoptr(FcOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;

  if (g_task_get_source_tag (G_TASK (result)) == fc_store_create_async)
    item = fc_store_create_finish (FC_STORE (object), result, &error);
  else
    item = fc_store_update_finish (FC_STORE (object), result, &error);

  gtk_widget_action_set_enabled (GTK_WIDGET (data->editor), data->save_action, TRUE);
  if (item == NULL) {
    g_autofree char *text = NULL;

    /* Translators: %s says why, e.g. "the disk is full". */
    text = g_strdup_printf (_("Could not save: %s"), error->message);
    adw_toast_overlay_add_toast (data->overlay, adw_toast_new (text));
    return;
  }

  parent = gtk_window_get_transient_for (data->editor);
  if (FC_IS_WINDOW (parent) && fc_session_get_store (data->session) != NULL)
    fc_window_add_toast (FC_WINDOW (parent),
                         g_object_ref (save_toast_new (data->session, item, data->done_message)));
  gtk_window_close (data->editor);
}

void
fc_nutrition_save (GtkWindow       *editor,
                   AdwToastOverlay *overlay,
                   FcSession       *session,
                   const char      *resource,
                   gint64           id,
                   JsonObject      *fields,
                   const char      *save_action,
                   const char      *done_message)
{
  FcStore *store;
  SaveData *data;

  g_return_if_fail (GTK_IS_WINDOW (editor));
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (FC_IS_SESSION (session));
  g_return_if_fail (fields != NULL);

  store = fc_session_get_store (session);
  if (store == NULL)
    return;

  data = g_new0 (SaveData, 1);
  data->editor = g_object_ref (editor);
  data->overlay = g_object_ref (overlay);
  data->session = g_object_ref (session);
  data->save_action = g_strdup (save_action);
  data->done_message = g_strdup (done_message);

  /* Not cancellable: a save the user asked for finishes even when the
   * editor is closed meanwhile. */
  gtk_widget_action_set_enabled (GTK_WIDGET (editor), save_action, FALSE);
  if (id != 0)
    fc_store_update_async (store, resource, id, fields, NULL, saved_cb, data);
  else
    fc_store_create_async (store, resource, fields, NULL, saved_cb, data);
}
