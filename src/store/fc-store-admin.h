/* fc-store-admin.h — admin mode's lists in the store, and staff edits
 * through the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Staff edits (a workout, a category, a meal-plan template, an account's
 * staff or active flag) change the cached object and queue their request
 * in one transaction, like any user write: the Admin section shows them
 * at once, offline and after a restart, and the sync engine sends them in
 * order. Each resource's objects are kept whole, as the server's JSON
 * (store migration 9, table admin_objects):
 *
 * - %FC_STORE_ADMIN_WORKOUTS: workouts/workouts/ as staff see it (hidden
 *   workouts too), POST, PATCH and DELETE workouts/workouts/{id}/;
 * - %FC_STORE_ADMIN_CATEGORIES: workouts/categories/, the same three;
 * - %FC_STORE_ADMIN_TEMPLATES: admin/meal-plan-templates/, PATCH and
 *   DELETE (the server creates none there);
 * - %FC_STORE_ADMIN_USERS: the accounts staff opened (admin/users/{id}/),
 *   PATCH only. The list of every account stays live and paged.
 *
 * A pulled copy never replaces an object whose write waits in the outbox
 * (nor brings back one whose deletion waits); a complete pull removes the
 * objects the server no longer lists, except those. Sent, the object takes
 * the server's answer (merged: an account's list row and its detail
 * differ); discarded, it is put back as it was. FcStore::changed carries
 * the resource's name.
 */

#pragma once

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_STORE_ADMIN_WORKOUTS   "admin_workouts"
#define FC_STORE_ADMIN_CATEGORIES "admin_workout_categories"
#define FC_STORE_ADMIN_TEMPLATES  "admin_templates"
#define FC_STORE_ADMIN_USERS      "admin_users"

typedef enum {
  FC_STORE_ADMIN_CREATE,
  FC_STORE_ADMIN_UPDATE,
  FC_STORE_ADMIN_DELETE,
} FcStoreAdminWrite;

/* Whether @resource is one of the above (outbox rows name it). */
gboolean    fc_store_admin_is_resource  (const char           *resource);

/* The server's objects of @resource, in the order given from @position
 * on (-1: each keeps its place, a new one goes first). With @whole, @objects is the complete list: objects not in it are
 * removed (unless a write of theirs waits, or they were made here). */
void        fc_store_admin_put_async    (FcStore              *self,
                                         const char           *resource,
                                         JsonArray            *objects,
                                         gint64                position,
                                         gboolean              whole,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    fc_store_admin_put_finish   (FcStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);

/* Every object of @resource (objects made here first, then the server's
 * order), each with "dirty": TRUE while a write of it waits. */
void        fc_store_admin_list_async   (FcStore              *self,
                                         const char           *resource,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
JsonArray  *fc_store_admin_list_finish  (FcStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);

/* One object, with "dirty"; %FC_STORE_ERROR_NOT_FOUND when not kept. */
void        fc_store_admin_get_async    (FcStore              *self,
                                         const char           *resource,
                                         gint64                id,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
JsonObject *fc_store_admin_get_finish   (FcStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);

/* A staff edit: @fields (the request's body; NULL for a delete) applied
 * to the kept object and queued in one transaction. @subject names the
 * object in the outbox's label (NULL: its title, name or e-mail). A
 * created object gets a negative local id until the server answers (then
 * fc_store_admin_get_async() finds it by either). The result is the
 * object as the store now has it (for a delete, as it was), and the
 * queued row's id in @out_outbox_id. */
void        fc_store_admin_write_async  (FcStore              *self,
                                         const char           *resource,
                                         FcStoreAdminWrite     kind,
                                         gint64                id,
                                         JsonObject           *fields,
                                         const char           *subject,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
JsonObject *fc_store_admin_write_finish (FcStore              *self,
                                         GAsyncResult         *result,
                                         gint64               *out_outbox_id,
                                         GError              **error);

G_END_DECLS
