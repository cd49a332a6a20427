/* fc-pending-deletes.c — delete with Undo: hidden at once, deleted when the
 * toast goes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fc-pending-deletes"

#include "config.h"

#include <glib/gi18n.h>

#include "fc-pending-deletes.h"

typedef struct {
  gint64           id;
  FcStore         *store;
  AdwToast        *toast;
  AdwToastOverlay *overlay;   /* weak: where a failure is told */
} Pending;

struct _FcPendingDeletes
{
  GObject     parent_instance;

  /* Owned */
  char       *resource;
  GHashTable *pending;        /* gint64 *id → Pending */
};

G_DEFINE_FINAL_TYPE (FcPendingDeletes, fc_pending_deletes, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->store);
  g_clear_object (&pending->toast);
  g_clear_weak_pointer (&pending->overlay);
  g_free (pending);
}

typedef struct {
  char            *resource;
  AdwToastOverlay *overlay;   /* weak */
} Deleted;

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Deleted *deleted = user_data;
  g_autoptr(FcOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  /* The sync engine pushes the delete as soon as it commits. */
  item = fc_store_delete_finish (FC_STORE (object), result, &error);
  if (item == NULL) {
    g_warning ("Cannot delete from %s: %s", deleted->resource, error->message);
    if (deleted->overlay != NULL) {
      g_autofree char *text = NULL;

      /* Translators: %s says why, e.g. "the disk is full". */
      text = g_strdup_printf (_("Could not delete: %s"), error->message);
      adw_toast_overlay_add_toast (deleted->overlay, adw_toast_new (text));
    }
  }
  g_clear_weak_pointer (&deleted->overlay);
  g_free (deleted->resource);
  g_free (deleted);
}

/* Deletes for good what waits under @id. */
static void
delete_now (FcPendingDeletes *self,
            gint64            id)
{
  Pending *pending = g_hash_table_lookup (self->pending, &id);
  Deleted *deleted;

  if (pending == NULL)
    return;
  deleted = g_new0 (Deleted, 1);
  deleted->resource = g_strdup (self->resource);
  g_set_weak_pointer (&deleted->overlay, pending->overlay);
  fc_store_delete_async (pending->store, self->resource, id, NULL, deleted_cb, deleted);
  g_hash_table_remove (self->pending, &id);
}

static gint64
toast_id (AdwToast *toast)
{
  return *(gint64 *) g_object_get_data (G_OBJECT (toast), "fc-pending-id");
}

static void
on_toast_dismissed_cb (AdwToast         *toast,
                       FcPendingDeletes *self)
{
  gint64 id = toast_id (toast);
  Pending *pending = g_hash_table_lookup (self->pending, &id);

  /* After an Undo and a new delete of the same object, only the newest
   * toast counts. */
  if (pending != NULL && pending->toast == toast)
    delete_now (self, id);
}

static void
on_toast_undo_cb (AdwToast         *toast,
                  FcPendingDeletes *self)
{
  gint64 id = toast_id (toast);
  Pending *pending = g_hash_table_lookup (self->pending, &id);

  if (pending == NULL || pending->toast != toast)
    return;
  g_hash_table_remove (self->pending, &id);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
fc_pending_deletes_finalize (GObject *object)
{
  FcPendingDeletes *self = FC_PENDING_DELETES (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->resource, g_free);

  G_OBJECT_CLASS (fc_pending_deletes_parent_class)->finalize (object);
}

static void
fc_pending_deletes_class_init (FcPendingDeletesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fc_pending_deletes_finalize;

  /**
   * FcPendingDeletes::changed:
   *
   * What is hidden changed (a delete, an Undo): the view filters again.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fc_pending_deletes_init (FcPendingDeletes *self)
{
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) pending_free);
}

FcPendingDeletes *
fc_pending_deletes_new (const char *resource)
{
  FcPendingDeletes *self;

  g_return_val_if_fail (resource != NULL, NULL);

  self = g_object_new (FC_TYPE_PENDING_DELETES, NULL);
  self->resource = g_strdup (resource);
  return self;
}

void
fc_pending_deletes_add (FcPendingDeletes *self,
                        AdwToastOverlay  *overlay,
                        FcStore          *store,
                        gint64            id,
                        const char       *name)
{
  g_autofree char *title = NULL;
  Pending *pending;

  g_return_if_fail (FC_IS_PENDING_DELETES (self));
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (FC_IS_STORE (store));

  if (g_hash_table_contains (self->pending, &id))
    return;

  pending = g_new0 (Pending, 1);
  pending->id = id;
  pending->store = g_object_ref (store);
  g_set_weak_pointer (&pending->overlay, overlay);
  /* Translators: a toast after deleting a meal or a meal plan, with Undo;
   * %s is its name. */
  title = g_strdup_printf (_("“%s” deleted"), name != NULL ? name : "");
  pending->toast = adw_toast_new (title);
  adw_toast_set_button_label (pending->toast, _("_Undo"));
  /* Normal priority: libadwaita 1.2 puts the toast a high one displaces
   * back in its queue while that one is still fading out, and aborts on
   * "!info->widget" when it comes round again (CI, ui/plans). */
  g_object_set_data_full (G_OBJECT (pending->toast), "fc-pending-id", g_memdup2 (&id, sizeof id),
                          g_free);
  g_signal_connect_object (pending->toast, "button-clicked", G_CALLBACK (on_toast_undo_cb), self,
                           0);
  g_signal_connect_object (pending->toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self,
                           0);
  g_hash_table_insert (self->pending, g_memdup2 (&id, sizeof id), pending);

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  adw_toast_overlay_add_toast (overlay, g_object_ref (pending->toast));
}

gboolean
fc_pending_deletes_contains (FcPendingDeletes *self,
                             gint64            id)
{
  g_return_val_if_fail (FC_IS_PENDING_DELETES (self), FALSE);

  return g_hash_table_contains (self->pending, &id);
}

void
fc_pending_deletes_flush (FcPendingDeletes *self)
{
  g_autoptr(GList) ids = NULL;
  g_autoptr(GArray) copy = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_if_fail (FC_IS_PENDING_DELETES (self));

  ids = g_hash_table_get_keys (self->pending);
  for (GList *l = ids; l != NULL; l = l->next)
    g_array_append_val (copy, *(gint64 *) l->data);
  for (guint i = 0; i < copy->len; i++)
    delete_now (self, g_array_index (copy, gint64, i));
}
