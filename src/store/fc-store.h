/* fc-store.h — the app's offline SQLite store and its outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fc-food-item.h"
#include "fc-outbox-item.h"

G_BEGIN_DECLS

#define FC_STORE_ERROR (fc_store_error_quark ())

/**
 * FcStoreError:
 * @FC_STORE_ERROR_OPEN: the database file cannot be created or opened
 * @FC_STORE_ERROR_CORRUPT: the file is not a database, or fails its checks
 * @FC_STORE_ERROR_DISK_FULL: the disk is full (or over quota, or refuses
 *   writes); the write was rolled back whole
 * @FC_STORE_ERROR_TOO_NEW: the file was written by a newer FitCore
 * @FC_STORE_ERROR_INVALID: the caller's JSON has a field of the wrong type
 * @FC_STORE_ERROR_NOT_FOUND: no such object or outbox row
 * @FC_STORE_ERROR_FAILED: any other SQLite failure; the write was rolled back
 */
typedef enum {
  FC_STORE_ERROR_OPEN,
  FC_STORE_ERROR_CORRUPT,
  FC_STORE_ERROR_DISK_FULL,
  FC_STORE_ERROR_TOO_NEW,
  FC_STORE_ERROR_INVALID,
  FC_STORE_ERROR_NOT_FOUND,
  FC_STORE_ERROR_FAILED,
} FcStoreError;

/* Resource names: the table, the detail of FcStore::changed and the
 * outbox row's resource. */
#define FC_STORE_ACCOUNT    "account"
#define FC_STORE_PROFILE    "profile"
#define FC_STORE_FOODS      "foods"
#define FC_STORE_MEALS      "meals"
#define FC_STORE_MEAL_PLANS "meal_plans"
/* Everyone's templates (GET meal-plans/templates/), read-only. */
#define FC_STORE_MEAL_PLAN_TEMPLATES "meal_plan_templates"
#define FC_STORE_WORKOUTS   "workouts"            /* read-only, with "videos" */
#define FC_STORE_WORKOUT_CATEGORIES "workout_categories" /* read-only */
#define FC_STORE_WORKOUT_PROGRESS "workout_progress"  /* this user's, writable */
#define FC_STORE_SECTIONS   "sections"
#define FC_STORE_SYNC_STATE "sync_state"
#define FC_STORE_OUTBOX     "outbox"
/* Not a table: the detail of FcStore::changed when a user write (a new
 * row, a write folded into a waiting row, a retried row) waits to be sent,
 * so the sync engine pushes it at once; "outbox" also changes then, and
 * whenever the engine itself moves a row on. */
#define FC_STORE_OUTBOX_QUEUED "outbox-queued"

#define FC_TYPE_STORE (fc_store_get_type ())

G_DECLARE_FINAL_TYPE (FcStore, fc_store, FC, STORE, GObject)

GQuark        fc_store_error_quark            (void);

char         *fc_store_build_path             (const char           *server_url,
                                               const char           *account);

/* Opening: one database per server and account, created 0600 under
 * $XDG_DATA_HOME/fitcore/stores/. Every call below runs on the store's own
 * thread; callbacks and FcStore::changed run on the caller's main context. */
void          fc_store_open_async             (const char           *server_url,
                                               const char           *account,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
FcStore      *fc_store_open_finish            (GAsyncResult         *result,
                                               GError              **error);
const char   *fc_store_get_path               (FcStore              *self);

void          fc_store_check_integrity_async  (FcStore              *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_check_integrity_finish (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Server state, written by the sync engine. Objects the user changed and
 * whose outbox rows are not done yet are left as the user made them. */
void          fc_store_upsert_async           (FcStore              *self,
                                               const char           *resource,
                                               JsonArray            *page,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_upsert_finish          (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_upsert_json_async      (FcStore              *self,
                                               const char           *resource,
                                               GBytes               *page,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_upsert_json_finish     (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_upsert_foods_async     (FcStore              *self,
                                               JsonArray            *page,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_upsert_foods_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_remove_missing_async   (FcStore              *self,
                                               const char           *resource,
                                               GArray               *server_ids,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_remove_missing_finish  (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_set_account_async      (FcStore              *self,
                                               JsonObject           *user,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_set_account_finish     (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_set_profile_async      (FcStore              *self,
                                               JsonObject           *profile,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_set_profile_finish     (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_set_sections_async     (FcStore              *self,
                                               const char * const   *available,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_set_sections_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_get_sections_async     (FcStore              *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GStrv         fc_store_get_sections_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_set_sync_value_async   (FcStore              *self,
                                               const char           *key,
                                               const char           *value,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_set_sync_value_finish  (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_get_sync_value_async   (FcStore              *self,
                                               const char           *key,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char         *fc_store_get_sync_value_finish  (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);

void          fc_store_apply_changes_async    (FcStore              *self,
                                               JsonArray            *changes,
                                               const char           *cursor_key,
                                               const char           *cursor,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_apply_changes_finish   (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Reads for the UI. Objects come back in the wire shape, plus "dirty"
 * (changes not yet on the server) and, for the profile, "img_path". */
void          fc_store_get_object_async       (FcStore              *self,
                                               const char           *resource,
                                               gint64                id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
JsonObject   *fc_store_get_object_finish      (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_list_objects_async     (FcStore              *self,
                                               const char           *resource,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
JsonArray    *fc_store_list_objects_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_list_foods_async       (FcStore              *self,
                                               const char           *category,
                                               guint                 limit,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray    *fc_store_list_foods_finish      (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_search_foods_async     (FcStore              *self,
                                               const char           *query,
                                               const char           *category,
                                               guint                 limit,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray    *fc_store_search_foods_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* User writes: each changes the store and queues its outbox row in one
 * transaction, and returns that row. A created object gets a negative
 * local id (the row's object-id) until the server gives it a real one. */
void          fc_store_save_profile_async     (FcStore              *self,
                                               JsonObject           *changes,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
FcOutboxItem *fc_store_save_profile_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_save_account_async     (FcStore              *self,
                                               JsonObject           *changes,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
FcOutboxItem *fc_store_save_account_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_create_async           (FcStore              *self,
                                               const char           *resource,
                                               JsonObject           *fields,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
FcOutboxItem *fc_store_create_finish          (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_update_async           (FcStore              *self,
                                               const char           *resource,
                                               gint64                id,
                                               JsonObject           *changes,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
FcOutboxItem *fc_store_update_finish          (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_delete_async           (FcStore              *self,
                                               const char           *resource,
                                               gint64                id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
FcOutboxItem *fc_store_delete_finish          (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Where the user is in a workout: creates or updates their
 * workout_progress object for @workout_id (completed_at is set locally at
 * 100 and cleared below). Called every few seconds while a video plays, so
 * a change not yet sent is replaced rather than queued again. @last_video_id
 * 0 means none. */
void          fc_store_save_workout_progress_async  (FcStore              *self,
                                                     gint64                workout_id,
                                                     double                percentage,
                                                     gint64                last_video_id,
                                                     double                position_seconds,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
FcOutboxItem *fc_store_save_workout_progress_finish (FcStore              *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* Workouts in the server's order, each with this user's progress, as a
 * #GPtrArray of FcWorkoutItem (FcWorkoutListModel is the UI's way in).
 * @search: words that must all be in the title, description or goals
 * (case-insensitive), or NULL; @category_id: 0 = all; @difficulty: NULL =
 * all; @premium: an FcWorkoutPremiumFilter (0 any, 1 free, 2 premium). */
void          fc_store_list_workouts_async    (FcStore              *self,
                                               const char           *search,
                                               gint64                category_id,
                                               const char           *difficulty,
                                               guint                 premium,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray    *fc_store_list_workouts_finish   (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* The outbox, for the sync engine and the "needs attention" list. */
void          fc_store_outbox_peek_async      (FcStore              *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
FcOutboxItem *fc_store_outbox_peek_finish     (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_outbox_mark_sending_async  (FcStore          *self,
                                                   gint64            row_id,
                                                   GCancellable     *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer          user_data);
gboolean      fc_store_outbox_mark_sending_finish (FcStore          *self,
                                                   GAsyncResult     *result,
                                                   GError          **error);
/* Like mark_sending, and returns the row as it is now: the body to send
 * (a progress write may have folded newer values into the peeked row).
 * Row 0: the next row peek would return, in one job (NULL: none). */
void          fc_store_outbox_claim_async     (FcStore              *self,
                                               gint64                row_id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
FcOutboxItem *fc_store_outbox_claim_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_outbox_complete_async  (FcStore              *self,
                                               gint64                row_id,
                                               JsonNode             *server_response,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_outbox_complete_finish (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_outbox_reject_async    (FcStore              *self,
                                               gint64                row_id,
                                               guint                 http_status,
                                               const char           *message,
                                               JsonNode             *field_errors,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_outbox_reject_finish   (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_outbox_defer_async     (FcStore              *self,
                                               gint64                row_id,
                                               gint64                next_attempt_us,
                                               const char           *message,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_outbox_defer_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_outbox_retry_async     (FcStore              *self,
                                               gint64                row_id,
                                               JsonObject           *new_body,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_outbox_retry_finish    (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_outbox_discard_async   (FcStore              *self,
                                               gint64                row_id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_outbox_discard_finish  (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_outbox_list_async      (FcStore              *self,
                                               gboolean              attention_only,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray    *fc_store_outbox_list_finish     (FcStore              *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void          fc_store_outbox_counts_async    (FcStore              *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fc_store_outbox_counts_finish   (FcStore              *self,
                                               GAsyncResult         *result,
                                               guint                *out_pending,
                                               guint                *out_rejected,
                                               GError              **error);

G_END_DECLS
