/* fc-admin-service.h — the staff's calls to api/v1/admin/ (docs/admin-wire.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Admin data comes from the server; with a store (the signed-in
 * account's), the lists staff edit are kept in it and their edits wait in
 * its outbox like any edit (fc_admin_service_new_with_store()). The Admin
 * section (src/ui/admin/) asks this object, never the client, so the UI
 * still speaks no HTTP. Every call is
 * asynchronous on GTask and fails with the client's %FC_API_ERROR errors,
 * whose messages are the server's sentences ("This is the last active
 * staff account; ...") ready to show; %FC_API_ERROR_NOT_FOUND from
 * fc_admin_service_list_users_async() means the server has no admin routes
 * (the Django backend).
 */

#pragma once

#include "fc-api-client.h"
#include "fc-session.h"

G_BEGIN_DECLS

#define FC_TYPE_ADMIN_SERVICE (fc_admin_service_get_type ())

G_DECLARE_FINAL_TYPE (FcAdminService, fc_admin_service, FC, ADMIN_SERVICE, GObject)

FcAdminService *fc_admin_service_new               (FcApiClient          *client);
/* The signed-in account's service: what the UI uses. Its writes wait in
 * the account's store's outbox (src/store/fc-store-admin.h). */
FcAdminService *fc_admin_service_new_for_session   (FcSession            *session);
/* With @store (may be NULL: every call live), the workouts, categories,
 * templates and accounts read are kept in it, and edits of them change
 * it and wait in its outbox: save, delete, update_user, update_template
 * (but a schedule's), delete_template, save_category and delete_category
 * then answer at once with the object as the store now has it, offline
 * too, and the sync engine sends them. Reads answer from the store when
 * the server cannot be reached. Uploads, video order, thumbnails,
 * password resets, the foods import, statistics and the accounts list
 * stay live. */
FcAdminService *fc_admin_service_new_with_store    (FcApiClient          *client,
                                                    FcStore              *store);
/* How many list pages this service has asked for: for tests. */
guint           fc_admin_service_get_list_requests (FcAdminService       *self);

/* GET admin/users/: @search, @ordering and @filters may be NULL; @filters
 * is more of the query as the server names it, escaped ("is_staff=true&
 * has_premium=false"); @page from 1. The result is the DRF page ({count,
 * next, previous, results}). */
void            fc_admin_service_list_users_async  (FcAdminService       *self,
                                                    const char           *search,
                                                    const char           *ordering,
                                                    const char           *filters,
                                                    guint                 page,
                                                    guint                 page_size,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
JsonObject     *fc_admin_service_list_users_finish (FcAdminService       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* GET admin/users/{id}/: the account's detail. */
void            fc_admin_service_get_user_async    (FcAdminService       *self,
                                                    gint64                id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
/* PATCH admin/users/{id}/ with @changes ({"is_active": false}, ...); the
 * result is the account's detail as the server now has it. */
void            fc_admin_service_update_user_async (FcAdminService       *self,
                                                    gint64                id,
                                                    JsonObject           *changes,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
/* The finish function of both calls above. */
JsonObject     *fc_admin_service_user_finish       (FcAdminService       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* POST admin/users/{id}/password-reset/. */
void            fc_admin_service_send_password_reset_async  (FcAdminService      *self,
                                                             gint64               id,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean        fc_admin_service_send_password_reset_finish (FcAdminService      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* GET admin/audit/?object_type=user&object_id=@id: the newest entries
 * (one page), an array of audit objects. */
void            fc_admin_service_user_audit_async  (FcAdminService       *self,
                                                    gint64                id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
JsonArray      *fc_admin_service_user_audit_finish (FcAdminService       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* GET admin/stats/?from=&to= (YYYY-MM-DD, UTC days, both included). */
void            fc_admin_service_stats_async       (FcAdminService       *self,
                                                    const char           *from,
                                                    const char           *to,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
JsonObject     *fc_admin_service_stats_finish      (FcAdminService       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* The client the service speaks through: the upload queue's too. */
FcApiClient    *fc_admin_service_get_client        (FcAdminService       *self);

/* Content (docs/admin-wire.md, ../shared/API.md "Workouts"). */

/* Every workout (hidden ones too: the caller is staff), every page of
 * workouts/workouts/; or every category. The result is an array. */
void            fc_admin_service_list_workouts_async   (FcAdminService      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void            fc_admin_service_list_categories_async (FcAdminService      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JsonArray      *fc_admin_service_list_finish           (FcAdminService      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* GET workouts/workouts/{id}/ with its ordered videos. */
void            fc_admin_service_get_workout_async     (FcAdminService      *self,
                                                        gint64               id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* POST workouts/workouts/ (@id 0) or PATCH workouts/workouts/{id}/ with
 * @fields (title, description, duration, difficulty, category, goals,
 * is_premium, is_published). */
void            fc_admin_service_save_workout_async    (FcAdminService      *self,
                                                        gint64               id,
                                                        JsonObject          *fields,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* POST workouts/categories/ (@id 0) or PATCH workouts/categories/{id}/
 * with @fields (name, description); finished by
 * fc_admin_service_workout_finish(). */
void            fc_admin_service_save_category_async   (FcAdminService      *self,
                                                        gint64               id,
                                                        JsonObject          *fields,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* DELETE workouts/categories/{id}/ (its workouts stay, without one);
 * finished by fc_admin_service_done_finish(). */
void            fc_admin_service_delete_category_async (FcAdminService      *self,
                                                        gint64               id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* What the store keeps of @resource (an FC_STORE_ADMIN_* name), with
 * "dirty" on objects whose edit waits, without asking the server; for a
 * page to show an edit's fate after FcAdminService::changed. Finished by
 * fc_admin_service_list_finish(). */
void            fc_admin_service_list_kept_async       (FcAdminService      *self,
                                                        const char          *resource,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* PUT admin/workouts/{id}/thumbnail/ with a PNG or JPEG image. */
void            fc_admin_service_set_thumbnail_async   (FcAdminService      *self,
                                                        gint64               id,
                                                        GBytes              *image,
                                                        const char          *content_type,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* The workout as the server now has it, for the three calls above. */
JsonObject     *fc_admin_service_workout_finish        (FcAdminService      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* PUT admin/workouts/{id}/video-order/ {"videos": @ids}: every video of
 * the workout once, in the new order. */
void            fc_admin_service_reorder_videos_async  (FcAdminService      *self,
                                                        gint64               id,
                                                        GArray              *ids,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* DELETE workouts/workouts/{id}/ (its videos go with it). */
void            fc_admin_service_delete_workout_async  (FcAdminService      *self,
                                                        gint64               id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* The finish function of the two calls above. */
gboolean        fc_admin_service_done_finish           (FcAdminService      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Meal-plan templates (admin/meal-plan-templates/, docs/admin-wire.md). */

/* GET admin/meal-plan-templates/: every template, hidden ones too, newest
 * first; @search may be NULL; @page from 1. The result is the DRF page
 * whose results carry id, name, description, is_active, owner_email,
 * meals_count and created_at. */
void            fc_admin_service_list_templates_async  (FcAdminService      *self,
                                                        const char          *search,
                                                        guint                page,
                                                        guint                page_size,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JsonObject     *fc_admin_service_list_templates_finish (FcAdminService      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* GET admin/meal-plan-templates/{id}/: the template as the list shows it
 * with its target_daily_calories, its schedule ("scheduled_meals":
 * [{meal, day_of_plan}]) and the meals it may schedule ("meals": its
 * owner's, with name, meal_time_category and total_*). */
void            fc_admin_service_get_template_async    (FcAdminService      *self,
                                                        gint64               id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* POST admin/meal-plan-templates/ with @fields (name, description,
 * duration_days, is_active, scheduled_meals_payload): a template of the
 * caller's. */
void            fc_admin_service_create_template_async (FcAdminService      *self,
                                                        JsonObject          *fields,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* PATCH admin/meal-plan-templates/{id}/ with @changes (name, description,
 * duration_days, scheduled_meals_payload; is_active: false hides the
 * template from everyone, true publishes it); the result is the template
 * as the server now has it. The finish function of the three calls. */
void            fc_admin_service_update_template_async (FcAdminService      *self,
                                                        gint64               id,
                                                        JsonObject          *changes,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JsonObject     *fc_admin_service_update_template_finish (FcAdminService     *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);
/* DELETE admin/meal-plan-templates/{id}/; finished by
 * fc_admin_service_done_finish(). */
void            fc_admin_service_delete_template_async (FcAdminService      *self,
                                                        gint64               id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);

/* Public foods from a CSV file (POST admin/foods/import/, docs/admin-wire.md).
 * The server takes at most this many bytes a file. */
#define FC_ADMIN_FOODS_IMPORT_MAX_SIZE (4 * 1024 * 1024)

/* Sends @csv (UTF-8, a header row, RFC 4180) with ?dry_run=true when
 * @dry_run: the result is the server's report ({"dry_run", "rows",
 * "valid": [names], "refused": [{"row", "errors"}]}); else the foods are
 * created in one transaction ({"created", "ids", ...}). A commit the server
 * refuses for its rows fails with %FC_API_ERROR_VALIDATION and hands back
 * that report in @out_refusal; a file that is no table of foods fails with
 * the server's sentence ("A quoted field is not closed."). */
void            fc_admin_service_import_foods_async    (FcAdminService      *self,
                                                        GBytes              *csv,
                                                        gboolean             dry_run,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JsonObject     *fc_admin_service_import_foods_finish   (FcAdminService      *self,
                                                        GAsyncResult        *result,
                                                        JsonObject         **out_refusal,
                                                        GError             **error);

/* @csv without the records numbered in @rows (guint, counted as the server
 * counts them: the header is 1, blank lines are not rows), so that the
 * foods a dry run accepted can be imported without the ones it refused.
 * Records are split as the server splits them (quoted fields may hold line
 * breaks) and copied byte for byte, each ended with CRLF. */
GBytes         *fc_admin_csv_without_rows              (GBytes              *csv,
                                                        GArray              *rows);

G_END_DECLS
